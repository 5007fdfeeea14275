//! ERC-20 bridging end to end: an L1 token deposited through the Bridgehub's two-bridges path arrives on L2 as
//! its bridged twin at the address `l2TokenAddress` announced before the deposit; it moves on L2; a withdrawal
//! through the L2 asset router is claimed on L1 once, and forged claims pay nothing. On anvil and on the
//! embedded dev L1. A deposit that fails on L2 is reclaimed on L1 with its failure status log.

use alloy::{
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolValue},
};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use ferrum_l1::bindings::{shared_bridge::L1SharedBridge, test_erc20::TestnetERC20Token};
use ferrum_node::{dev_accounts::dev_signers, spawn};
use ferrum_primitives::{L2_ASSET_ROUTER_ADDRESS, L2_NATIVE_TOKEN_VAULT_ADDRESS};
use serde_json::json;

use crate::{
    common::{call, lying_l2, provider, signer},
    settlement::{anvil, settling_config_at, wait_until, wait_withdrawal_proof},
};

sol! {
    #[sol(rpc)]
    interface IL2AssetRouter {
        function L1_ASSET_ROUTER() external view returns (address);
        function l2TokenAddress(address l1Token) external view returns (address);
        function l1TokenAddress(address l2Token) external view returns (address);
        function withdraw(address l1Receiver, address l2Token, uint256 amount) external;
        function finalizeDeposit(address l1Sender, address l2Receiver, address l1Token, uint256 amount, bytes data) external;
    }

    #[sol(rpc)]
    interface IL2NativeTokenVault {
        function L1_CHAIN_ID() external view returns (uint256);
        function assetId(address l2Token) external view returns (bytes32);
        function originChainId(bytes32 assetId) external view returns (uint256);
    }

    #[sol(rpc)]
    interface IAllowance {
        function allowance(address owner, address spender) external view returns (uint256);
    }

    #[sol(rpc)]
    interface IBridgedERC20 {
        function name() external view returns (string);
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address) external view returns (uint256);
        function transfer(address to, uint256 amount) external returns (bool);
    }
}

/// Deploys a test ERC-20 on L1 through `l1` and mints `amount` of it to `to`.
async fn l1_token<'a, P: Provider>(
    l1: &'a P,
    name: &str,
    symbol: &str,
    decimals: u8,
    to: Address,
    amount: U256,
) -> TestnetERC20Token::TestnetERC20TokenInstance<&'a P> {
    let token = TestnetERC20Token::deploy(l1, name.into(), symbol.into(), decimals)
        .await
        .unwrap();
    let minted = token
        .mint(to, amount)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(minted.status());
    token
}

/// The whole round trip against the L1 at `l1_url`, whose account `l1_user` pays on L1.
async fn erc20_round_trip(l1_url: &str, l1_user: PrivateKeySigner, l1_payer_key: String) {
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config_at(dir.path(), l1_url)).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    let l1 = crate::common::l1_wallet(l1_url, l1_user.clone());
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());

    // The L2 router knows the L1 bridge from its genesis; the vault the L1 chain id.
    let router = IL2AssetRouter::new(L2_ASSET_ROUTER_ADDRESS, &l2);
    assert_eq!(
        router.L1_ASSET_ROUTER().call().await.unwrap(),
        deployment.shared_bridge
    );
    let vault = IL2NativeTokenVault::new(L2_NATIVE_TOKEN_VAULT_ADDRESS, &l2);
    assert_eq!(
        vault.L1_CHAIN_ID().call().await.unwrap(),
        U256::from(deployment.l1_chain_id)
    );
    let contracts = call(&url, "zks_getBridgeContracts", json!([])).await["result"].clone();
    assert_eq!(
        contracts["l2SharedDefaultBridge"],
        json!(L2_ASSET_ROUTER_ADDRESS)
    );

    // An L1 token, minted to the L1 user.
    let minted = U256::from(1_000_000_000u64);
    let token = l1_token(&l1, "Ferrum Test", "FTT", 6, l1_user.address(), minted).await;
    let l2_token = router
        .l2TokenAddress(*token.address())
        .call()
        .await
        .unwrap();
    assert!(l2.get_code_at(l2_token).await.unwrap().is_empty());

    // Deposit 600 to an L2 user whose key we hold.
    let user = signer(1);
    let deposited = U256::from(600_000_000u64);
    // `ferrum deposit --token`: approves the bridge, prices the L2 gas with zks_estimateGasL1ToL2 as the SDK does.
    let key = format!("0x{}", alloy_primitives::hex::encode(l1_user.to_bytes()));
    let sent = ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
        l2_rpc: url.clone(),
        l1_rpc: l1_url.to_string(),
        private_key: key.clone(),
        to: user.address(),
        amount: deposited,
        token: Some(*token.address()),
        l2_gas_limit: None,
        bridgehub: None,
    })
    .await
    .unwrap();
    let bridged = IBridgedERC20::new(l2_token, &l2);
    wait_until("the ERC-20 deposit on L2", || async {
        bridged
            .balanceOf(user.address())
            .call()
            .await
            .is_ok_and(|b| b == deposited)
    })
    .await;
    let r = call(&url, "eth_getTransactionReceipt", json!([sent.l2_tx])).await["result"].clone();
    assert_eq!(r["status"], "0x1", "{r}");
    assert_eq!(bridged.name().call().await.unwrap(), "Ferrum Test");
    assert_eq!(bridged.symbol().call().await.unwrap(), "FTT");
    assert_eq!(bridged.decimals().call().await.unwrap(), 6);
    assert_eq!(
        router.l1TokenAddress(l2_token).call().await.unwrap(),
        *token.address()
    );
    let asset_id = vault.assetId(l2_token).call().await.unwrap();
    assert_eq!(
        asset_id,
        keccak256(
            (
                U256::from(deployment.l1_chain_id),
                L2_NATIVE_TOKEN_VAULT_ADDRESS,
                *token.address()
            )
                .abi_encode()
        )
    );
    assert_eq!(
        vault.originChainId(asset_id).call().await.unwrap(),
        U256::from(deployment.l1_chain_id)
    );
    assert_eq!(
        token
            .balanceOf(deployment.shared_bridge)
            .call()
            .await
            .unwrap(),
        deposited
    );

    // Nobody on L2 can mint: a direct finalizeDeposit from a user reverts and changes nothing.
    let user_l2 = provider(&url, user.clone());
    let forged = IL2AssetRouter::new(L2_ASSET_ROUTER_ADDRESS, &user_l2)
        .finalizeDeposit(
            user.address(),
            user.address(),
            *token.address(),
            U256::from(1_000_000u64),
            Bytes::new(),
        )
        .gas(500_000)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(!forged.status(), "an L2 user minted bridged tokens");
    assert_eq!(
        bridged.totalSupply().call().await.unwrap(),
        deposited,
        "a refused mint changed the supply"
    );

    // An L2 transfer of the bridged token.
    let friend = signer(2).address();
    let moved = U256::from(100_000_000u64);
    let r = IBridgedERC20::new(l2_token, &user_l2)
        .transfer(friend, moved)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status());
    assert_eq!(bridged.balanceOf(friend).call().await.unwrap(), moved);

    // Withdraw 200 to a fresh L1 address through the router.
    let l1_receiver = Address::repeat_byte(0x5a);
    let withdrawn = U256::from(200_000_000u64);
    let tx = TransactionRequest::default()
        .to(L2_ASSET_ROUTER_ADDRESS)
        .input(
            IL2AssetRouter::withdrawCall {
                l1Receiver: l1_receiver,
                l2Token: l2_token,
                amount: withdrawn,
            }
            .abi_encode()
            .into(),
        );
    let receipt = user_l2
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert_eq!(
        bridged.balanceOf(user.address()).call().await.unwrap(),
        deposited - moved - withdrawn
    );
    assert_eq!(
        bridged.totalSupply().call().await.unwrap(),
        deposited - withdrawn
    );
    let r = call(
        &url,
        "eth_getTransactionReceipt",
        json!([receipt.transaction_hash]),
    )
    .await["result"]
        .clone();
    assert_eq!(
        r["l2ToL1Logs"][0]["key"],
        json!(L2_ASSET_ROUTER_ADDRESS.into_word())
    );

    let proof = wait_withdrawal_proof(&url, receipt.transaction_hash).await;
    // The legacy message: selector ‖ receiver ‖ L1 token ‖ amount.
    let mut expected = vec![0x11, 0xa2, 0xcc, 0xc1];
    expected.extend_from_slice(l1_receiver.as_slice());
    expected.extend_from_slice(token.address().as_slice());
    expected.extend_from_slice(&withdrawn.to_be_bytes::<32>());
    assert_eq!(proof.message.to_vec(), expected);

    // A forged amount is rejected and pays nothing; the real claim pays once.
    let mut forged = proof.clone();
    let mut msg = forged.message.to_vec();
    let n = msg.len();
    msg[n - 32..].copy_from_slice(&deposited.to_be_bytes::<32>());
    forged.message = msg.into();
    let bridge = deployment.shared_bridge;
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(l1_url, &l1_payer_key, bridge, &forged)
            .await
            .is_err()
    );
    let mut bad_sibling = proof.clone();
    bad_sibling.proof[0] = B256::repeat_byte(9);
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(l1_url, &l1_payer_key, bridge, &bad_sibling)
            .await
            .is_err()
    );
    assert_eq!(
        token.balanceOf(l1_receiver).call().await.unwrap(),
        U256::ZERO
    );
    ferrum_node::withdraw::finalize_withdrawal(l1_url, &l1_payer_key, bridge, &proof)
        .await
        .unwrap();
    assert_eq!(
        token.balanceOf(l1_receiver).call().await.unwrap(),
        withdrawn
    );
    assert_eq!(
        token
            .balanceOf(deployment.shared_bridge)
            .call()
            .await
            .unwrap(),
        deposited - withdrawn
    );
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(l1_url, &l1_payer_key, bridge, &proof)
            .await
            .is_err(),
        "a second claim must fail"
    );
    assert_eq!(
        token.balanceOf(l1_receiver).call().await.unwrap(),
        withdrawn
    );
    // `ferrum deposit` without a token moves ETH.
    let fresh = Address::repeat_byte(0x3e);
    ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
        l2_rpc: url.clone(),
        l1_rpc: l1_url.to_string(),
        private_key: key.clone(),
        to: fresh,
        amount: U256::from(12_345u64),
        token: None,
        l2_gas_limit: None,
        bridgehub: None,
    })
    .await
    .unwrap();
    wait_until("the ETH deposit", || async {
        l2.get_balance(fresh)
            .await
            .is_ok_and(|b| b == U256::from(12_345u64))
    })
    .await;
    // What the L1 user still holds plus what L1 holds for L2 is everything minted, minus what went out.
    assert_eq!(
        token.balanceOf(l1_user.address()).call().await.unwrap(),
        minted - deposited
    );

    // An L2 endpoint that names another L1 bridge (here an account of its own) gets no allowance: `ferrum
    // deposit` approves the shared bridge the Bridgehub on L1 records, and the deposit arrives.
    let thief = Address::repeat_byte(0x7f);
    let liar = lying_l2(
        url.clone(),
        "zks_getBridgeContracts",
        json!({"l1SharedDefaultBridge": thief, "l2SharedDefaultBridge": L2_ASSET_ROUTER_ADDRESS}),
    )
    .await;
    let before = bridged.balanceOf(user.address()).call().await.unwrap();
    let more = U256::from(1_000u64);
    ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
        l2_rpc: liar,
        l1_rpc: l1_url.to_string(),
        private_key: key.clone(),
        to: user.address(),
        amount: more,
        token: Some(*token.address()),
        l2_gas_limit: None,
        bridgehub: None,
    })
    .await
    .unwrap();
    let l1p = ProviderBuilder::new().connect_http(l1_url.parse().unwrap());
    let allowance = IAllowance::new(*token.address(), &l1p)
        .allowance(l1_user.address(), thief)
        .call()
        .await
        .unwrap();
    assert_eq!(
        allowance,
        U256::ZERO,
        "the L2 endpoint's bridge got an allowance"
    );
    // One that names another Bridgehub is refused when the user gives the real one (`--bridgehub`).
    let fake_hub = lying_l2(url.clone(), "zks_getBridgehubContract", json!(thief)).await;
    let err = ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
        l2_rpc: fake_hub,
        l1_rpc: l1_url.to_string(),
        private_key: key.clone(),
        to: user.address(),
        amount: more,
        token: Some(*token.address()),
        l2_gas_limit: None,
        bridgehub: Some(deployment.bridgehub),
    })
    .await
    .unwrap_err();
    assert!(format!("{err:#}").contains("refusing"), "{err:#}");
    wait_until("the deposit sent through the lying endpoint", || async {
        bridged
            .balanceOf(user.address())
            .call()
            .await
            .is_ok_and(|b| b == before + more)
    })
    .await;
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erc20_deposit_moves_on_l2_and_its_withdrawal_is_claimed_once_on_anvil() {
    let l1 = anvil();
    let key = format!(
        "0x{}",
        alloy_primitives::hex::encode(l1.keys()[7].to_bytes())
    );
    erc20_round_trip(&l1.endpoint(), l1.keys()[4].clone().into(), key).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erc20_deposit_and_withdrawal_round_trip_on_the_embedded_l1() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dev = dev_signers(10).unwrap();
    let key = format!("0x{}", alloy_primitives::hex::encode(dev[7].to_bytes()));
    erc20_round_trip(&l1.http_url(), dev[4].clone(), key).await;
    l1.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erc20_deposit_that_fails_on_l2_is_reclaimed_on_l1_once() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config_at(dir.path(), &l1.endpoint()))
        .await
        .unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    let chain_id = node.chain.config.chain_id;
    let depositor: PrivateKeySigner = l1.keys()[3].clone().into();
    let l1p = crate::common::l1_wallet(&l1.endpoint(), depositor.clone());
    let amount = U256::from(5_000u64);
    let token = l1_token(&l1p, "Lost", "LST", 18, depositor.address(), amount).await;

    // 100,000 L2 gas cannot deploy the bridged token: the L2 call fails and mints nothing.
    let hash = ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
        l2_rpc: url.clone(),
        l1_rpc: l1.endpoint(),
        private_key: format!("0x{}", alloy_primitives::hex::encode(depositor.to_bytes())),
        to: signer(1).address(),
        amount,
        token: Some(*token.address()),
        l2_gas_limit: Some(100_000),
        bridgehub: None,
    })
    .await
    .unwrap()
    .l2_tx;
    let mut receipt = serde_json::Value::Null;
    for _ in 0..600 {
        receipt = call(&url, "eth_getTransactionReceipt", json!([hash])).await["result"].clone();
        if !receipt.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(receipt["status"], "0x0", "{receipt}");
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let l2_token = IL2AssetRouter::new(L2_ASSET_ROUTER_ADDRESS, &l2)
        .l2TokenAddress(*token.address())
        .call()
        .await
        .unwrap();
    assert!(l2.get_code_at(l2_token).await.unwrap().is_empty());
    assert_eq!(
        token.balanceOf(depositor.address()).call().await.unwrap(),
        U256::ZERO
    );

    // Once its batch is executed, the failure status log proves the claim: the tokens come back, once.
    let mut proof = serde_json::Value::Null;
    for _ in 0..600 {
        proof = call(&url, "zks_getL2ToL1LogProof", json!([hash])).await["result"].clone();
        if !proof.is_null()
            && call(
                &url,
                "zks_getL1BatchDetails",
                json!([proof["l1BatchNumber"]]),
            )
            .await["result"]["executedAt"]
                .is_string()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let bridge = L1SharedBridge::new(deployment.shared_bridge, &l1p);
    let claim = |sender: Address, amount: U256| {
        bridge.claimFailedDeposit(
            U256::from(chain_id),
            sender,
            *token.address(),
            amount,
            hash,
            U256::from(proof["l1BatchNumber"].as_u64().unwrap()),
            U256::from(proof["id"].as_u64().unwrap()),
            proof["txNumberInBatch"].as_u64().unwrap() as u16,
            serde_json::from_value(proof["proof"].clone()).unwrap(),
        )
    };
    // Someone else, or a larger amount: refused.
    assert!(claim(signer(2).address(), amount).send().await.is_err());
    assert!(
        claim(depositor.address(), amount + U256::from(1))
            .send()
            .await
            .is_err()
    );
    let r = claim(depositor.address(), amount)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status());
    assert_eq!(
        token.balanceOf(depositor.address()).call().await.unwrap(),
        amount
    );
    assert!(
        claim(depositor.address(), amount).send().await.is_err(),
        "a second claim must fail"
    );
    assert_eq!(
        token.balanceOf(depositor.address()).call().await.unwrap(),
        amount
    );
    node.stop().await.unwrap();
}
