//! Deploys the whole L1 ecosystem with the typed bindings on a real anvil (npm `@foundry-rs/anvil-linux-amd64`,
//! installed by `scripts/contracts-deps`), registers chains, and makes an ETH deposit whose `NewPriorityRequest`
//! hashes as the Rust side computes it; the operator's transactions are re-priced while unmined.

use std::path::PathBuf;

use alloy::{
    network::EthereumWallet,
    node_bindings::{Anvil, AnvilInstance},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use alloy_primitives::{Address, B256, U256};
use ferrum_l1::{
    ChainParams, EcosystemParams, FeePolicy, L1Error,
    bindings::{
        bridgehub::Bridgehub::{self, L2TransactionRequestDirect},
        chain_type_manager::ChainTypeManager,
        insecure_verifier::InsecureNoProofVerifier,
        timelock::TimelockController,
        zk_chain::ZKChain,
        zk_token::ZKToken,
    },
    deploy::{DaMode, ETH_TOKEN_ADDRESS, GovernanceParams, VerifierChoice, ZK_TOTAL_SUPPLY},
    priority::NewPriorityRequest,
};

fn anvil() -> AnvilInstance {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        bin.exists(),
        "anvil missing at {}: run scripts/contracts-deps",
        bin.display()
    );
    Anvil::at(bin).spawn()
}

fn chain(chain_id: u64, admin: Address) -> ChainParams {
    ChainParams {
        chain_id,
        admin,
        validators: vec![admin],
        base_token: ETH_TOKEN_ADDRESS,
        da_mode: DaMode::Rollup,
    }
}

#[tokio::test]
async fn deploys_the_ecosystem_registers_chains_and_accepts_a_deposit() {
    let anvil = anvil();
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let me = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(anvil.endpoint_url());
    let genesis = B256::repeat_byte(0x42);
    let mut params = EcosystemParams::devnet(me, VerifierChoice::InsecureNoProofs);
    params.governance = Some(GovernanceParams::default());
    let mut asked = None;
    let mut deployment = ferrum_l1::deploy_ecosystem(&provider, &params, |l1_chain_id, bridge| {
        asked = Some((l1_chain_id, bridge));
        Ok(genesis)
    })
    .await
    .unwrap();
    assert!(deployment.insecure_verifier);
    assert_eq!(deployment.l1_chain_id, anvil.chain_id());
    // The genesis was asked for with the bridge it must record.
    assert_eq!(
        asked,
        Some((deployment.l1_chain_id, deployment.shared_bridge))
    );

    let address = ferrum_l1::create_chain(&provider, &mut deployment, &chain(270, me))
        .await
        .unwrap();
    let second = ferrum_l1::create_chain(&provider, &mut deployment, &chain(271, me))
        .await
        .unwrap();
    assert_ne!(address, second);
    assert_eq!(deployment.chains.len(), 2);

    // The registry and the chain contract agree with what we asked for.
    let bridgehub = Bridgehub::new(deployment.bridgehub, &provider);
    assert_eq!(
        bridgehub.getZKChain(U256::from(270)).call().await.unwrap(),
        address
    );
    assert_eq!(
        bridgehub.sharedBridge().call().await.unwrap(),
        deployment.shared_bridge
    );
    assert_eq!(
        bridgehub.baseToken(U256::from(270)).call().await.unwrap(),
        ETH_TOKEN_ADDRESS
    );
    let zk_chain = ZKChain::new(address, &provider);
    assert_eq!(zk_chain.getChainId().call().await.unwrap(), U256::from(270));
    assert!(zk_chain.isProofVerificationInsecure().call().await.unwrap());
    assert!(zk_chain.isValidator(me).call().await.unwrap());
    assert_eq!(
        zk_chain.getVerifier().call().await.unwrap(),
        deployment.verifier
    );
    let genesis_info = zk_chain.storedBatchHash(U256::ZERO).call().await.unwrap();
    assert_ne!(genesis_info, B256::ZERO);
    let ctm = ChainTypeManager::new(deployment.chain_type_manager, &provider);
    assert_eq!(
        ctm.getChainCreationParams()
            .call()
            .await
            .unwrap()
            .genesisBatchHash,
        genesis
    );
    let council = deployment.security_council.unwrap();
    assert_eq!(ctm.securityCouncil().call().await.unwrap(), council);

    // Governance: the whole fixed supply went to the owner; the governor proposes through the timelock.
    let zk = ZKToken::new(deployment.zk_token.unwrap(), &provider);
    assert_eq!(zk.totalSupply().call().await.unwrap(), ZK_TOTAL_SUPPLY);
    assert_eq!(
        ZK_TOTAL_SUPPLY,
        U256::from(21_000_000_000u64) * U256::from(10u64).pow(U256::from(18))
    );
    assert_eq!(zk.balanceOf(me).call().await.unwrap(), ZK_TOTAL_SUPPLY);
    let timelock = TimelockController::new(deployment.timelock.unwrap(), &provider);
    let proposer = timelock.PROPOSER_ROLE().call().await.unwrap();
    assert!(
        timelock
            .hasRole(proposer, deployment.governor.unwrap())
            .call()
            .await
            .unwrap()
    );
    let admin = timelock.DEFAULT_ADMIN_ROLE().call().await.unwrap();
    assert!(
        !timelock.hasRole(admin, me).call().await.unwrap(),
        "the deployer gave up the timelock admin role"
    );

    // An ETH deposit: the event's canonical transaction hashes (in Rust) to the hash the queue stores.
    let gas_price = U256::from(provider.get_gas_price().await.unwrap());
    let cost = bridgehub
        .l2TransactionBaseCost(
            U256::from(270),
            gas_price,
            U256::from(300_000),
            U256::from(800),
        )
        .call()
        .await
        .unwrap();
    let mint = cost + U256::from(10u64).pow(U256::from(18));
    let request = L2TransactionRequestDirect {
        chainId: U256::from(270),
        mintValue: mint,
        l2Contract: me,
        l2Value: U256::from(10u64).pow(U256::from(18)),
        l2Calldata: Default::default(),
        l2GasLimit: U256::from(300_000),
        l2GasPerPubdataByteLimit: U256::from(800),
        factoryDeps: vec![],
        refundRecipient: Address::ZERO,
    };
    let receipt = bridgehub
        .requestL2TransactionDirect(request.clone())
        .value(mint)
        .gas_price(gas_price.to())
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let event = receipt
        .inner
        .logs()
        .iter()
        .find_map(|log| {
            (log.address() == address)
                .then(|| NewPriorityRequest::decode_log(&log.inner).ok())
                .flatten()
        })
        .expect("NewPriorityRequest emitted by the chain");
    assert_eq!(event.txId, U256::ZERO);
    // The watcher's reconstruction checks the canonical hash against the event's.
    assert_eq!(
        ferrum_l1::l1_tx_from_event(&event)
            .unwrap()
            .canonical_hash(),
        event.txHash
    );
    assert_eq!(
        event.transaction.from,
        U256::from_be_slice(me.as_slice()),
        "an EOA is not aliased"
    );
    assert_eq!(event.transaction.reserved[0], mint);
    let queued = zk_chain.priorityOperation(U256::ZERO).call().await.unwrap();
    assert_eq!(queued.canonicalTxHash, event.txHash);
    assert_eq!(
        zk_chain.getTotalPriorityTxs().call().await.unwrap(),
        U256::from(1)
    );

    // Registering the same chain id again is refused and changes nothing.
    let err = ferrum_l1::create_chain(&provider, &mut deployment, &chain(270, me))
        .await
        .unwrap_err();
    assert!(
        matches!(err, L1Error::Contract(_) | L1Error::Reverted(_)),
        "{err}"
    );
    assert_eq!(
        bridgehub.getZKChain(U256::from(270)).call().await.unwrap(),
        address
    );
    assert_eq!(
        bridgehub
            .getAllZKChainChainIDs()
            .call()
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn an_existing_verifier_is_not_reported_insecure_and_a_stranger_cannot_register_chains() {
    let anvil = anvil();
    let owner: PrivateKeySigner = anvil.keys()[0].clone().into();
    let stranger: PrivateKeySigner = anvil.keys()[1].clone().into();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(owner.clone()))
        .connect_http(anvil.endpoint_url());
    // Any IVerifier: a deployed contract the operator names (here the insecure one, but not asked for by flag, so
    // the CTM refuses to hand it to chains: `InsecureVerifierNotAllowed`).
    let verifier = *InsecureNoProofVerifier::deploy(&provider)
        .await
        .unwrap()
        .address();
    let params = EcosystemParams::devnet(owner.address(), VerifierChoice::Existing(verifier));
    let mut deployment = ferrum_l1::deploy_ecosystem(&provider, &params, |_, _| Ok(B256::ZERO))
        .await
        .unwrap();
    assert!(!deployment.insecure_verifier);
    let refused =
        ferrum_l1::create_chain(&provider, &mut deployment, &chain(300, owner.address())).await;
    assert!(
        refused.is_err(),
        "an insecure verifier needs the explicit flag"
    );

    let strangers = ProviderBuilder::new()
        .wallet(EthereumWallet::from(stranger.clone()))
        .connect_http(anvil.endpoint_url());
    let err =
        ferrum_l1::create_chain(&strangers, &mut deployment, &chain(301, stranger.address())).await;
    assert!(err.is_err(), "only the Bridgehub owner registers chains");
    assert!(deployment.chains.is_empty());
}

/// The max fee per gas of the operator's pending transaction with `nonce` in anvil's pool, if any.
async fn pooled_max_fee<P: Provider>(provider: &P, from: Address, nonce: u64) -> Option<u128> {
    let pool: serde_json::Value = provider
        .raw_request("txpool_content".into(), ())
        .await
        .ok()?;
    let by_nonce = pool["pending"]
        .as_object()?
        .iter()
        .find(|(a, _)| a.parse::<Address>().ok() == Some(from))?
        .1
        .clone();
    let fee = by_nonce[nonce.to_string()]["maxFeePerGas"].as_str()?;
    u128::from_str_radix(fee.trim_start_matches("0x"), 16).ok()
}

#[tokio::test]
async fn an_operator_transaction_left_unmined_is_replaced_with_higher_fees_and_mined_once() {
    let anvil = anvil();
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let me = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(anvil.endpoint_url());
    let first = provider
        .estimate_eip1559_fees()
        .await
        .unwrap()
        .max_fee_per_gas;
    let _: serde_json::Value = provider
        .raw_request("evm_setAutomine".into(), (false,))
        .await
        .unwrap();
    let policy = FeePolicy {
        resend_after: std::time::Duration::from_millis(200),
        give_up_after: std::time::Duration::from_secs(60),
        ..FeePolicy::default()
    };
    let receiver = Address::repeat_byte(0x11);
    let tx = TransactionRequest::default()
        .to(receiver)
        .value(U256::from(7));
    let sending = {
        let provider = provider.clone();
        tokio::spawn(async move {
            ferrum_l1::fees::send_with_fee_bumps(
                &provider,
                me,
                tx,
                &policy,
                std::time::Duration::from_millis(20),
            )
            .await
        })
    };
    // Nothing is mined: the sender replaces its transaction, same nonce, with at least 25% higher fees.
    let mut bumped = None;
    for _ in 0..500 {
        if let Some(fee) = pooled_max_fee(&provider, me, 0).await
            && fee * 100 >= first * 125
        {
            bumped = Some(fee);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let bumped = bumped.expect("the pending transaction was never replaced");
    let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let sent = sending.await.unwrap().unwrap();
    assert!(sent.versions >= 2, "{}", sent.versions);
    assert!(sent.fee_wei() > 0);
    let receipt = sent.receipt;
    let mined = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .unwrap();
    assert!(alloy::consensus::Transaction::max_fee_per_gas(&mined) >= bumped);
    // One version was mined, once.
    assert_eq!(provider.get_transaction_count(me).await.unwrap(), 1);
    assert_eq!(provider.get_balance(receiver).await.unwrap(), U256::from(7));
}

#[tokio::test]
async fn a_stuck_transaction_of_unknown_content_is_cancelled() {
    let anvil = anvil();
    let signer: PrivateKeySigner = anvil.keys()[0].clone().into();
    let me = signer.address();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(anvil.endpoint_url());
    let _: serde_json::Value = provider
        .raw_request("evm_setAutomine".into(), (false,))
        .await
        .unwrap();
    // A transaction "from before a crash": nobody will re-send it.
    let receiver = Address::repeat_byte(0x22);
    let lost = provider
        .send_transaction(
            TransactionRequest::default()
                .to(receiver)
                .value(U256::from(5))
                .nonce(0)
                .gas_limit(21_000)
                .max_fee_per_gas(2_000_000_000)
                .max_priority_fee_per_gas(1),
        )
        .await
        .unwrap();
    let lost = *lost.tx_hash();
    let cancelling = {
        let provider = provider.clone();
        tokio::spawn(async move {
            ferrum_l1::fees::cancel_stuck(
                &provider,
                me,
                &FeePolicy {
                    resend_after: std::time::Duration::from_millis(200),
                    ..FeePolicy::default()
                },
                std::time::Duration::from_millis(20),
            )
            .await
        })
    };
    let mut replaced = false;
    for _ in 0..500 {
        if pooled_max_fee(&provider, me, 0)
            .await
            .is_some_and(|f| f > 2_000_000_000)
        {
            replaced = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(replaced, "the stuck transaction was not replaced");
    let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let receipt = cancelling.await.unwrap().unwrap().receipt;
    assert_ne!(receipt.transaction_hash, lost);
    assert_eq!(provider.get_transaction_count(me).await.unwrap(), 1);
    assert!(
        provider
            .get_transaction_receipt(lost)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(provider.get_balance(receiver).await.unwrap(), U256::ZERO);
}
