//! Settlement on a real L1 (npm anvil): the node deploys the ecosystem, registers the chain and moves sealed
//! batches through commit → prove (insecure verifier, explicitly) → execute; `zks_*` and the "finalized" tag
//! follow L1; a restart neither re-commits nor loses track.

use std::{path::PathBuf, time::Duration};

use alloy::sol_types::SolValue;
use alloy::{
    node_bindings::{Anvil, AnvilInstance},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use alloy_primitives::{Address, B256, U256, keccak256};
use ferrum_l1::{
    bindings::{
        bridgehub::Bridgehub::{self, L2TransactionRequestDirect},
        zk_chain::ZKChain,
    },
    priority::priority_request,
};
use ferrum_node::{NodeConfig, dev_accounts::dev_signers, spawn};
use serde_json::{Value, json};

use crate::common::{call, provider, signer, test_config};

pub(crate) fn anvil() -> AnvilInstance {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    assert!(
        bin.exists(),
        "anvil missing at {}: run scripts/contracts-deps",
        bin.display()
    );
    Anvil::at(bin).spawn()
}

fn settling_config(dir: &std::path::Path, l1: &AnvilInstance) -> NodeConfig {
    settling_config_at(dir, &l1.endpoint())
}

/// A node that deploys (insecure verifier) on, and settles to, the L1 at `l1_url`, sealing batches every second.
pub(crate) fn settling_config_at(dir: &std::path::Path, l1_url: &str) -> NodeConfig {
    let mut c = test_config(dir);
    c.sequencer.batch_max_age_secs = 1;
    c.l1.rpc_url = Some(l1_url.to_string());
    c.l1.deploy_if_missing = true;
    c.l1.insecure_no_proofs = true;
    c.l1.poll_interval_ms = 100;
    c.l1.confirmations = 0;
    c.l1.operator_private_key = format!(
        "0x{}",
        alloy_primitives::hex::encode(dev_signers(10).unwrap()[9].to_bytes())
    );
    c
}

/// Checks that batches `1..=upto` on L1 are exactly what the node sealed (stored batch hashes).
async fn assert_l1_holds_sealed_batches<P: Provider>(
    store: &ferrum_state::Store,
    zk_chain: &ZKChain::ZKChainInstance<P>,
    upto: u64,
) {
    for n in 1..=upto {
        let raw = store.batch(n).unwrap().unwrap();
        let record = ferrum_sequencer::BatchRecord::decode_stored(&raw).unwrap();
        let info = ferrum_l1::sender::stored_batch_info(&record, B256::ZERO);
        assert_eq!(
            zk_chain
                .storedBatchHash(U256::from(n))
                .call()
                .await
                .unwrap(),
            keccak256(info.abi_encode()),
            "batch {n}"
        );
    }
}

/// Polls the node until the withdrawal `tx`'s batch is executed and its proof is served.
pub(crate) async fn wait_withdrawal_proof(
    url: &str,
    tx: B256,
) -> ferrum_node::withdraw::WithdrawalProof {
    for _ in 0..600 {
        if let Ok(p) = ferrum_node::withdraw::withdrawal_proof(url, tx, 0).await {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no withdrawal proof for {tx}");
}

/// Polls `zks_getL1BatchDetails(n)` until `field` is set.
async fn wait_batch(url: &str, n: u64, field: &str) -> Value {
    for _ in 0..600 {
        let r = call(url, "zks_getL1BatchDetails", json!([n])).await;
        if r["result"][field].is_string() {
            return r["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("batch {n} never got {field}");
}

pub(crate) async fn transfer(url: &str, nonce: u64) -> u64 {
    let p = provider(url, signer(0));
    let tx = TransactionRequest::default()
        .to(Address::repeat_byte(0x77))
        .value(U256::from(1_000))
        .nonce(nonce);
    let receipt = p
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    receipt.block_number.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_settle_on_anvil_and_survive_a_restart() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().expect("deployed");
    assert!(deployment.insecure_verifier);
    let chain_contract = deployment.chains[&node.chain.config.chain_id];

    // zks_* describe the L1 side.
    assert_eq!(
        call(&url, "zks_L1ChainId", json!([])).await["result"],
        json!(format!("{:#x}", l1.chain_id()))
    );
    assert_eq!(
        call(&url, "zks_getBridgehubContract", json!([])).await["result"],
        json!(deployment.bridgehub)
    );
    assert_eq!(
        call(&url, "zks_getMainContract", json!([])).await["result"],
        json!(chain_contract)
    );
    assert_eq!(
        call(&url, "zks_getBridgeContracts", json!([])).await["result"]["l1SharedDefaultBridge"],
        json!(deployment.shared_bridge)
    );
    assert_eq!(
        call(&url, "zks_getBaseTokenL1Address", json!([])).await["result"],
        json!("0x0000000000000000000000000000000000000001")
    );

    let block = transfer(&url, 0).await;
    let details = wait_batch(&url, 1, "executedAt").await;
    assert_eq!(details["status"], "executed");
    assert_eq!(
        details["unproven"], true,
        "the insecure verifier is reported"
    );
    assert!(details["warning"].as_str().unwrap().contains("UNPROVEN"));
    for f in [
        "commitTxHash",
        "proveTxHash",
        "executeTxHash",
        "committedAt",
        "provenAt",
    ] {
        assert!(details[f].is_string(), "{f} missing in {details}");
    }
    let range = call(&url, "zks_getL1BatchBlockRange", json!([1])).await["result"].clone();
    assert_eq!(range[0], json!("0x1"));
    let block_details = call(&url, "zks_getBlockDetails", json!([block])).await["result"].clone();
    assert_eq!(block_details["l1BatchNumber"], json!(1));
    assert_eq!(block_details["status"], "executed");

    // L1 agrees, and "finalized" now covers the transfer.
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    let zk_chain = ZKChain::new(chain_contract, &l1p);
    assert!(zk_chain.getTotalBatchesExecuted().call().await.unwrap() >= U256::from(1));
    let fin =
        call(&url, "eth_getBlockByNumber", json!(["finalized", false])).await["result"]["number"]
            .clone();
    let fin = u64::from_str_radix(fin.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(fin >= block, "finalized {fin} < {block}");

    // Restart: the deployment is reused (no second ecosystem), nothing is committed twice, and new batches
    // continue from where L1 is.
    node.stop().await.unwrap();
    let committed_before = zk_chain.getTotalBatchesCommitted().call().await.unwrap();
    // A restart without --insecure-no-proofs does not settle unproven on the strength of the deployment file.
    let mut unflagged = settling_config(dir.path(), &l1);
    unflagged.l1.insecure_no_proofs = false;
    let err = spawn(unflagged).await.map(|_| ()).unwrap_err();
    assert!(
        format!("{err:#}").contains("--insecure-no-proofs"),
        "{err:#}"
    );
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    assert_eq!(node.deployment.as_ref().unwrap(), &deployment);
    let url = node.http_url();
    transfer(&url, 1).await;
    let next = committed_before.to::<u64>() + 1;
    wait_batch(&url, next, "executedAt").await;
    let sealed = node.chain.store.last_batch().unwrap().unwrap();
    let committed = zk_chain
        .getTotalBatchesCommitted()
        .call()
        .await
        .unwrap()
        .to::<u64>();
    assert!(
        committed <= sealed,
        "L1 never gets more batches than were sealed"
    );
    // Every batch hash on L1 is the hash of what the node sealed.
    assert_l1_holds_sealed_batches(&node.chain.store, &zk_chain, committed).await;
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_with_another_genesis_refuses_the_chain_contract() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    let deployment_file = dir.path().join("l1-deployment.json");
    assert!(deployment_file.exists());
    node.stop().await.unwrap();

    // Same chain id and deployment, different genesis (another timestamp): the sender must not start.
    let other = tempfile::tempdir().unwrap();
    let mut config = settling_config(other.path(), &l1);
    config.genesis.timestamp = 1_000;
    config.l1.deployment_file = Some(deployment_file);
    let err = spawn(config).await.unwrap_err();
    assert!(format!("{err:#}").contains("genesis"), "{err:#}");
}

#[tokio::test]
async fn without_l1_the_zks_l1_methods_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let node = crate::common::start(dir.path()).await;
    let url = node.http_url();
    let r = call(&url, "zks_getBridgehubContract", json!([])).await;
    assert_eq!(r["error"]["code"], -32000);
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not settle")
    );
    // Batch queries work without L1; unknown batches are null; bad params are rejected.
    assert_eq!(
        call(&url, "zks_L1BatchNumber", json!([])).await["result"],
        json!("0x0")
    );
    assert_eq!(
        call(&url, "zks_getL1BatchDetails", json!([99])).await["result"],
        Value::Null
    );
    assert_eq!(
        call(&url, "zks_getL1BatchDetails", json!(["nope"])).await["error"]["code"],
        -32602
    );
    node.stop().await.unwrap();
}

pub(crate) async fn wait_until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..600 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eth_deposit_arrives_once_and_its_batch_drains_the_l1_queue() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    let chain_id = U256::from(node.chain.config.chain_id);
    let chain_contract = deployment.chains[&node.chain.config.chain_id];

    // The node estimates the L2 gas of the L1→L2 call (what the SDK puts in `l2GasLimit`).
    let estimate = call(
        &url,
        "zks_estimateGasL1ToL2",
        json!([{"from": Address::repeat_byte(0x12), "to": Address::repeat_byte(0x55), "value": "0xde0b6b3a7640000"}]),
    )
    .await["result"]
    .clone();
    let estimate =
        u64::from_str_radix(estimate.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(
        (21_000..=300_000).contains(&estimate),
        "estimate {estimate}"
    );

    // Deposit 3 ETH from L1 account 1 to a fresh L2 address.
    // Account 5 has no L2 genesis balance (test_config funds accounts 0..4).
    let depositor: PrivateKeySigner = l1.keys()[5].clone().into();
    let l1p = crate::common::l1_wallet(&l1.endpoint(), depositor.clone());
    let bridgehub = Bridgehub::new(deployment.bridgehub, &l1p);
    let receiver = Address::repeat_byte(0x55);
    let amount = crate::common::ether(3);
    let gas_price = U256::from(l1p.get_gas_price().await.unwrap());
    let gas_limit = U256::from(300_000);
    let cost = bridgehub
        .l2TransactionBaseCost(chain_id, gas_price, gas_limit, U256::from(800))
        .call()
        .await
        .unwrap();
    let mint = cost + amount;
    let request = L2TransactionRequestDirect {
        chainId: chain_id,
        mintValue: mint,
        l2Contract: receiver,
        l2Value: amount,
        l2Calldata: Default::default(),
        l2GasLimit: gas_limit,
        l2GasPerPubdataByteLimit: U256::from(800),
        factoryDeps: vec![],
        refundRecipient: Address::ZERO,
    };
    let receipt = bridgehub
        .requestL2TransactionDirect(request)
        .value(mint)
        .gas_price(gas_price.to())
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let event = priority_request(&receipt).expect("NewPriorityRequest");

    // It executes on L2: the receiver gets the value, the depositor (refund recipient) what is left of the mint.
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    wait_until("the deposit on L2", || async {
        l2.get_balance(receiver).await.unwrap() == amount
    })
    .await;
    let l2_receipt =
        call(&url, "eth_getTransactionReceipt", json!([event.txHash])).await["result"].clone();
    assert_eq!(l2_receipt["type"], "0xff", "{l2_receipt}");
    assert_eq!(l2_receipt["status"], "0x1");
    let status_log = &l2_receipt["l2ToL1Logs"][0];
    assert_eq!(
        status_log["sender"],
        json!(ferrum_primitives::BOOTLOADER_ADDRESS)
    );
    assert_eq!(status_log["key"], json!(event.txHash));
    assert_eq!(status_log["value"], json!(B256::with_last_byte(1)));
    let l2_tx =
        call(&url, "eth_getTransactionByHash", json!([event.txHash])).await["result"].clone();
    assert_eq!(l2_tx["type"], "0xff");
    assert_eq!(l2_tx["from"], json!(depositor.address()));
    let refund = l2.get_balance(depositor.address()).await.unwrap();
    assert!(
        refund > U256::ZERO && refund < mint - amount,
        "refund {refund}"
    );
    assert_eq!(
        l2.get_transaction_count(depositor.address()).await.unwrap(),
        0,
        "no L2 nonce used"
    );

    // Its batch reaches L1 and consumes the operation from the priority queue.
    let zk_chain = ZKChain::new(chain_contract, &l1p);
    wait_until("the priority queue to drain", || async {
        zk_chain
            .getPriorityQueueSize()
            .call()
            .await
            .unwrap()
            .is_zero()
    })
    .await;
    let block = u64::from_str_radix(
        l2_receipt["blockNumber"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap();
    let batch = call(&url, "zks_getBlockDetails", json!([block])).await["result"]["l1BatchNumber"]
        .as_u64()
        .unwrap();
    let details = wait_batch(&url, batch, "executedAt").await;
    assert_eq!(details["l1TxCount"], 1);
    let tx_details =
        call(&url, "zks_getTransactionDetails", json!([event.txHash])).await["result"].clone();
    assert_eq!(tx_details["isL1Originated"], true);
    // Executed on L1, but through the insecure verifier: never "verified", and flagged as the batch is.
    assert_eq!(tx_details["status"], "included");
    assert_eq!(tx_details["unproven"], true);
    assert!(tx_details["warning"].as_str().unwrap().contains("UNPROVEN"));
    assert!(tx_details["ethExecuteTxHash"].is_string());

    // Restart and keep producing blocks: the deposit is never executed again.
    node.stop().await.unwrap();
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    let url = node.http_url();
    transfer(&url, 0).await;
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    assert_eq!(l2.get_balance(receiver).await.unwrap(), amount);
    assert_eq!(
        zk_chain.getTotalPriorityTxs().call().await.unwrap(),
        U256::from(1)
    );
    node.stop().await.unwrap();
}

alloy::sol! {
    function withdraw(address _l1Receiver) external payable;
}

/// Deposits `amount` from L1 account `l1_key` to `l2_receiver`; returns the canonical hash.
async fn deposit(
    l1: &AnvilInstance,
    bridgehub: Address,
    chain_id: u64,
    l1_key: usize,
    l2_receiver: Address,
    amount: U256,
) -> B256 {
    let depositor: PrivateKeySigner = l1.keys()[l1_key].clone().into();
    deposit_at(
        &l1.endpoint(),
        depositor,
        bridgehub,
        chain_id,
        l2_receiver,
        amount,
    )
    .await
}

/// Deposits `amount` to `l2_receiver` through the Bridgehub of the L1 at `l1_url`; returns the canonical hash.
async fn deposit_at(
    l1_url: &str,
    depositor: PrivateKeySigner,
    bridgehub: Address,
    chain_id: u64,
    l2_receiver: Address,
    amount: U256,
) -> B256 {
    let l1p = crate::common::l1_wallet(l1_url, depositor);
    let bridgehub = Bridgehub::new(bridgehub, &l1p);
    let gas_price = U256::from(l1p.get_gas_price().await.unwrap());
    let chain_id = U256::from(chain_id);
    let cost = bridgehub
        .l2TransactionBaseCost(chain_id, gas_price, U256::from(300_000), U256::from(800))
        .call()
        .await
        .unwrap();
    let request = L2TransactionRequestDirect {
        chainId: chain_id,
        mintValue: cost + amount,
        l2Contract: l2_receiver,
        l2Value: amount,
        l2Calldata: Default::default(),
        l2GasLimit: U256::from(300_000),
        l2GasPerPubdataByteLimit: U256::from(800),
        factoryDeps: vec![],
        refundRecipient: Address::ZERO,
    };
    let receipt = bridgehub
        .requestL2TransactionDirect(request)
        .value(cost + amount)
        .gas_price(gas_price.to())
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    priority_request(&receipt)
        .expect("NewPriorityRequest")
        .txHash
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eth_withdrawal_is_finalized_on_l1_once() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let node = spawn(settling_config(dir.path(), &l1)).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    let chain_id = node.chain.config.chain_id;
    let user = signer(0).address();

    // Fund the chain's L1 balance with a deposit, then withdraw part of it on L2 to a fresh L1 address.
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let before = l2.get_balance(user).await.unwrap();
    deposit(
        &l1,
        deployment.bridgehub,
        chain_id,
        6,
        user,
        crate::common::ether(3),
    )
    .await;
    wait_until("the deposit", || async {
        l2.get_balance(user).await.unwrap() > before
    })
    .await;
    let l1_receiver = Address::repeat_byte(0x99);
    let amount = crate::common::ether(1);
    let tx = TransactionRequest::default()
        .to(ferrum_primitives::L2_BASE_TOKEN_ADDRESS)
        .value(amount)
        .input(
            withdrawCall {
                _l1Receiver: l1_receiver,
            }
            .abi_encode()
            .into(),
        );
    let receipt = provider(&url, signer(0))
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let hash = receipt.transaction_hash;

    // Once the batch is executed, the node serves the proof; L1 pays exactly once.
    let proof = wait_withdrawal_proof(&url, hash).await;
    assert_eq!(proof.proof.len(), 14);
    // The receipt carries ZKsync's fields, consistent with the proof (what the SDK reads).
    let r = call(&url, "eth_getTransactionReceipt", json!([hash])).await["result"].clone();
    assert_eq!(r["l1BatchNumber"], json!(format!("{:#x}", proof.batch)));
    assert_eq!(
        r["l1BatchTxIndex"],
        json!(format!("{:#x}", proof.tx_number_in_batch))
    );
    let l2_logs = r["l2ToL1Logs"].as_array().unwrap();
    assert_eq!(l2_logs.len(), 1, "{r}");
    assert_eq!(
        l2_logs[0]["sender"],
        json!(ferrum_primitives::L1_MESSENGER_ADDRESS)
    );
    assert_eq!(
        l2_logs[0]["key"],
        json!(ferrum_primitives::L2_BASE_TOKEN_ADDRESS.into_word())
    );
    assert_eq!(l2_logs[0]["value"], json!(keccak256(&proof.message)));
    assert!(
        r["logs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["l1BatchNumber"] == r["l1BatchNumber"])
    );
    let l1_url = l1.endpoint();
    let payer = format!(
        "0x{}",
        alloy_primitives::hex::encode(l1.keys()[7].to_bytes())
    );
    let (hub, bridge) =
        ferrum_node::withdraw::l1_bridges(&url, &l1_url, Some(deployment.bridgehub))
            .await
            .unwrap();
    assert_eq!(
        (hub, bridge),
        (deployment.bridgehub, deployment.shared_bridge)
    );

    // A forged claim (twice the amount, same proof) is rejected and pays nothing.
    let mut forged = proof.clone();
    let mut msg = forged.message.to_vec();
    let doubled = (amount * U256::from(2)).to_be_bytes::<32>();
    let n = msg.len();
    msg[n - 32..].copy_from_slice(&doubled);
    forged.message = msg.into();
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(&l1_url, &payer, bridge, &forged)
            .await
            .is_err()
    );
    let mut bad_sibling = proof.clone();
    bad_sibling.proof[3] = B256::repeat_byte(7);
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(&l1_url, &payer, bridge, &bad_sibling)
            .await
            .is_err()
    );
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    assert_eq!(l1p.get_balance(l1_receiver).await.unwrap(), U256::ZERO);

    ferrum_node::withdraw::finalize_withdrawal(&l1_url, &payer, bridge, &proof)
        .await
        .unwrap();
    assert_eq!(l1p.get_balance(l1_receiver).await.unwrap(), amount);
    let again = ferrum_node::withdraw::finalize_withdrawal(&l1_url, &payer, bridge, &proof).await;
    assert!(again.is_err(), "a second claim must fail");
    assert_eq!(l1p.get_balance(l1_receiver).await.unwrap(), amount);
    node.stop().await.unwrap();
}

/// A TCP forwarder to the L1 that can be cut (every connection dropped, new ones refused) and restored.
struct Cuttable {
    url: String,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Cuttable {
    async fn start(target: String) -> Self {
        use std::sync::{
            Arc,
            atomic::{AtomicBool, Ordering},
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(true));
        let (cut, cut_rx) = tokio::sync::watch::channel(0u64);
        let flag = up.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: connection refused/reset
                }
                let target = target.clone();
                let mut cut_rx = cut_rx.clone();
                cut_rx.borrow_and_update(); // only cuts after this connection opened end it
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        Self { url, up, cut }
    }

    fn set(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.cut.send_modify(|n| *n += 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequencing_goes_on_while_l1_is_away_and_settlement_catches_up() {
    let l1 = anvil();
    let proxy = Cuttable::start(format!("127.0.0.1:{}", l1.port())).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = settling_config(dir.path(), &l1);
    config.l1.rpc_url = Some(proxy.url.clone());
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    transfer(&url, 0).await;
    wait_batch(&url, 1, "executedAt").await;

    proxy.set(false);
    // L2 keeps producing blocks and sealing batches without L1.
    for nonce in 1..=3 {
        transfer(&url, nonce).await;
    }
    let sealed_while_away = {
        let mut n = 0;
        for _ in 0..200 {
            n = node.chain.store.last_batch().unwrap().unwrap();
            if n >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        n
    };
    assert!(sealed_while_away >= 2, "batches seal while L1 is away");
    let details =
        call(&url, "zks_getL1BatchDetails", json!([sealed_while_away])).await["result"].clone();
    assert_eq!(details["status"], "sealed", "{details}");

    proxy.set(true);
    wait_batch(&url, sealed_while_away, "executedAt").await;
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposit_reorged_out_before_its_confirmations_never_reaches_l2() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let mut config = settling_config(dir.path(), &l1);
    config.l1.confirmations = 12;
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    let chain_id = node.chain.config.chain_id;
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    let receiver = Address::repeat_byte(0x66);

    // Deposit in a block that a reorg then removes (anvil: snapshot, deposit, revert, mine other blocks).
    let head_before = l1p.get_block_number().await.unwrap();
    let snapshot: U256 = l1p.raw_request("evm_snapshot".into(), ()).await.unwrap();
    deposit(
        &l1,
        deployment.bridgehub,
        chain_id,
        6,
        receiver,
        crate::common::ether(2),
    )
    .await;
    let head_at_deposit = l1p.get_block_number().await.unwrap();
    assert_eq!(
        head_at_deposit,
        head_before + 1,
        "only the deposit was mined"
    );
    assert_eq!(
        node.chain.store.priority_ops_received().unwrap(),
        0,
        "taken before its confirmations"
    );
    let reverted: bool = l1p
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    assert!(reverted);
    let zk_chain = ZKChain::new(deployment.chains[&chain_id], &l1p);
    assert_eq!(
        zk_chain.getTotalPriorityTxs().call().await.unwrap(),
        U256::ZERO,
        "L1 forgot it"
    );
    let _: Value = l1p
        .raw_request("anvil_mine".into(), (U256::from(5),))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await; // several watcher rounds
    assert_eq!(
        node.chain.store.priority_ops_received().unwrap(),
        0,
        "the reorged deposit was never taken"
    );

    // A deposit that gets its confirmations arrives, with serial id 0.
    let hash = deposit(
        &l1,
        deployment.bridgehub,
        chain_id,
        6,
        receiver,
        crate::common::ether(1),
    )
    .await;
    let _: Value = l1p
        .raw_request("anvil_mine".into(), (U256::from(12),))
        .await
        .unwrap();
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    wait_until("the confirmed deposit", || async {
        l2.get_balance(receiver).await.unwrap() == crate::common::ether(1)
    })
    .await;
    let tx = call(&url, "eth_getTransactionByHash", json!([hash])).await["result"].clone();
    assert_eq!(tx["nonce"], "0x0");
    node.stop().await.unwrap();
}

/// Starts the real `ferrum` binary on `config` (written as TOML beside the data dir).
pub(crate) fn start_binary(config: &NodeConfig) -> std::process::Child {
    let path = config.data_dir.with_extension("toml");
    std::fs::write(&path, toml::to_string(config).unwrap()).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .args(["node", "--config", path.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ferrum")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_between_commit_and_execute_neither_recommits_nor_stalls() {
    let l1 = anvil();
    let root = tempfile::tempdir().unwrap();
    let mut config = settling_config(&root.path().join("chain"), &l1);
    // L1 holds execution for 4 s after commit: the window in which the node is killed.
    config.l1.execution_delay_secs = 4;
    let port = crate::common::free_port();
    config.rpc.addr = format!("127.0.0.1:{port}").parse().unwrap();
    let url = format!("http://127.0.0.1:{port}");

    let mut child = start_binary(&config);
    crate::common::wait_ready(&url).await;
    transfer(&url, 0).await;
    let deployment: ferrum_l1::Deployment =
        serde_json::from_str(&std::fs::read_to_string(config.deployment_file()).unwrap()).unwrap();
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    let zk_chain = ZKChain::new(deployment.chains[&config.chain.chain_id], &l1p);
    wait_until("batch 1 committed on L1", || async {
        zk_chain.getTotalBatchesCommitted().call().await.unwrap() >= U256::from(1)
    })
    .await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let committed = zk_chain
        .getTotalBatchesCommitted()
        .call()
        .await
        .unwrap()
        .to::<u64>();
    assert_eq!(
        zk_chain.getTotalBatchesExecuted().call().await.unwrap(),
        U256::ZERO,
        "killed before execute"
    );

    // Restart: the node goes on from L1's counters, executes what was committed and settles new batches.
    let mut child = start_binary(&config);
    crate::common::wait_ready(&url).await;
    transfer(&url, 1).await;
    wait_until(
        "the batches committed before the kill to execute",
        || async {
            zk_chain.getTotalBatchesExecuted().call().await.unwrap() >= U256::from(committed + 1)
        },
    )
    .await;
    child.kill().unwrap();
    child.wait().unwrap();

    // Every batch L1 holds is exactly what the node sealed: nothing was committed twice or differently.
    let store = ferrum_state::Store::open(&config.data_dir.join("db"), Default::default()).unwrap();
    let on_l1 = zk_chain
        .getTotalBatchesCommitted()
        .call()
        .await
        .unwrap()
        .to::<u64>();
    assert!(on_l1 > committed && on_l1 <= store.last_batch().unwrap().unwrap());
    assert_l1_holds_sealed_batches(&store, &zk_chain, on_l1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_dev_l1_settles_a_deposit_and_a_withdrawal() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let l1_url = l1.http_url();
    let dev = dev_signers(10).unwrap();
    let config = settling_config_at(&dir.path().join("l2"), &l1_url);
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    let deployment = node.deployment.clone().unwrap();
    assert_eq!(deployment.l1_chain_id, ferrum_node::EMBEDDED_L1_CHAIN_ID);
    let chain_id = node.chain.config.chain_id;

    // Deposit 3 ETH to a fresh L2 account whose key we hold.
    let user = PrivateKeySigner::random();
    deposit_at(
        &l1_url,
        dev[5].clone(),
        deployment.bridgehub,
        chain_id,
        user.address(),
        crate::common::ether(3),
    )
    .await;
    let l2 = ProviderBuilder::new().connect_http(url.parse().unwrap());
    wait_until("the deposit on L2", || async {
        l2.get_balance(user.address()).await.unwrap() == crate::common::ether(3)
    })
    .await;

    // Withdraw 1 ETH to a fresh L1 address and claim it on the embedded L1.
    let l1_receiver = Address::repeat_byte(0x42);
    let tx = TransactionRequest::default()
        .to(ferrum_primitives::L2_BASE_TOKEN_ADDRESS)
        .value(crate::common::ether(1))
        .input(
            withdrawCall {
                _l1Receiver: l1_receiver,
            }
            .abi_encode()
            .into(),
        );
    let receipt = provider(&url, user)
        .send_transaction(tx)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    let proof = wait_withdrawal_proof(&url, receipt.transaction_hash).await;
    let payer = format!("0x{}", alloy_primitives::hex::encode(dev[7].to_bytes()));
    ferrum_node::withdraw::finalize_withdrawal(&l1_url, &payer, deployment.shared_bridge, &proof)
        .await
        .unwrap();
    let l1p = ProviderBuilder::new().connect_http(l1_url.parse().unwrap());
    assert_eq!(
        l1p.get_balance(l1_receiver).await.unwrap(),
        crate::common::ether(1)
    );
    assert!(
        ferrum_node::withdraw::finalize_withdrawal(
            &l1_url,
            &payer,
            deployment.shared_bridge,
            &proof
        )
        .await
        .is_err()
    );
    node.stop().await.unwrap();
    l1.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_chain_registered_in_the_same_ecosystem_settles_too() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let first = spawn(settling_config(&dir.path().join("a"), &l1))
        .await
        .unwrap();
    let deployment_file = dir.path().join("a").join("l1-deployment.json");
    // The second chain's genesis is made later (another second): it must still equal the CTM's.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    // `ferrum chain create` for chain 271 in the same deployment, then its node.
    let mut second_config = settling_config(&dir.path().join("b"), &l1);
    second_config.chain.chain_id = 271;
    second_config.l1.deployment_file = Some(deployment_file.clone());
    second_config.l1.deploy_if_missing = false;
    // The ecosystem's verifier is the insecure one: creating a chain there needs the flag again.
    let mut unflagged = second_config.clone();
    unflagged.l1.insecure_no_proofs = false;
    let err = ferrum_node::chain_create(unflagged).await.unwrap_err();
    assert!(
        format!("{err:#}").contains("--insecure-no-proofs"),
        "{err:#}"
    );
    let deployment = ferrum_node::chain_create(second_config.clone())
        .await
        .unwrap();
    assert_eq!(deployment.chains.len(), 2);
    let second = spawn(second_config).await.unwrap();
    assert_eq!(
        second.deployment.as_ref().unwrap().shared_bridge,
        first.deployment.as_ref().unwrap().shared_bridge
    );
    // Each chain's batches settle on its own chain contract.
    let url = second.http_url();
    let p = provider(&url, signer(0));
    let receipt = p
        .send_transaction(
            TransactionRequest::default()
                .to(Address::repeat_byte(0x71))
                .value(U256::from(1)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    wait_batch(&url, 1, "executedAt").await;
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    let zk_chain = ZKChain::new(deployment.chains[&271], &l1p);
    assert_l1_holds_sealed_batches(&second.chain.store, &zk_chain, 1).await;
    second.stop().await.unwrap();
    first.stop().await.unwrap();
}

async fn finalized_number(url: &str) -> u64 {
    let r = call(url, "eth_getBlockByNumber", json!(["finalized", false])).await;
    u64::from_str_radix(
        r["result"]["number"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x"),
        16,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalized_waits_for_l1_confirmations_and_follows_an_l1_reorg_of_the_senders_transactions()
{
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    let mut config = settling_config(dir.path(), &l1);
    config.l1.confirmations = 3;
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    let l1p = ProviderBuilder::new().connect_http(l1.endpoint_url());
    let zk_chain = ZKChain::new(
        node.deployment.as_ref().unwrap().chains[&node.chain.config.chain_id],
        &l1p,
    );
    // The L1 state before any batch settled.
    let snapshot: U256 = l1p.raw_request("evm_snapshot".into(), ()).await.unwrap();

    let block = transfer(&url, 0).await;
    wait_batch(&url, 1, "executedAt").await;
    // Executed, but not yet 3 L1 blocks deep: not final.
    assert!(finalized_number(&url).await < block);
    let _: Value = l1p
        .raw_request("anvil_mine".into(), (U256::from(3),))
        .await
        .unwrap();
    wait_until("finality after 3 L1 blocks", || async {
        finalized_number(&url).await >= block
    })
    .await;

    // L1 reorgs the sender's commit, proof and execution away: the records and the final batch follow L1, and
    // the batch is sent again.
    let _: bool = l1p
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    wait_until("the final batch to follow L1 back", || async {
        finalized_number(&url).await < block
    })
    .await;
    wait_until("batch 1 executed again", || async {
        zk_chain
            .getTotalBatchesExecuted()
            .call()
            .await
            .is_ok_and(|n| n >= U256::from(1))
    })
    .await;
    wait_batch(&url, 1, "executedAt").await;
    assert_l1_holds_sealed_batches(&node.chain.store, &zk_chain, 1).await;
    let _: Value = l1p
        .raw_request("anvil_mine".into(), (U256::from(3),))
        .await
        .unwrap();
    wait_until("finality again", || async {
        finalized_number(&url).await >= block
    })
    .await;
    node.stop().await.unwrap();
}

/// Settles with blob pubdata on the L1 at `l1_url` and checks that the commit of batch 1 was a blob transaction
/// whose versioned hashes hash to the batch's DA commitment (which the L1 contract checked with BLOBHASH).
async fn blobs_settle_on(l1_url: &str, dir: &std::path::Path) {
    let mut config = settling_config_at(dir, l1_url);
    config.l1.pubdata = ferrum_l1::PubdataMode::Blobs;
    let node = spawn(config).await.unwrap();
    let url = node.http_url();
    transfer(&url, 0).await;
    let details = wait_batch(&url, 1, "executedAt").await;
    let commit: B256 = serde_json::from_value(details["commitTxHash"].clone()).unwrap();
    let l1p = ProviderBuilder::new().connect_http(l1_url.parse().unwrap());
    let tx: Value = l1p
        .raw_request("eth_getTransactionByHash".into(), (commit,))
        .await
        .unwrap();
    assert_eq!(tx["type"], "0x3", "{tx}");
    let hashes: Vec<B256> = serde_json::from_value(tx["blobVersionedHashes"].clone()).unwrap();
    assert!(!hashes.is_empty());
    let raw = node.chain.store.batch(1).unwrap().unwrap();
    let record = ferrum_sequencer::BatchRecord::decode_stored(&raw).unwrap();
    let concat: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
    assert_eq!(record.da_commitment, keccak256(concat));
    let receipt = l1p.get_transaction_receipt(commit).await.unwrap().unwrap();
    assert_eq!(
        receipt.blob_gas_used,
        Some(hashes.len() as u64 * 131_072),
        "blob gas of the commit"
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_publish_pubdata_in_blobs_when_configured() {
    let l1 = anvil();
    let dir = tempfile::tempdir().unwrap();
    blobs_settle_on(&l1.endpoint(), dir.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_dev_l1_takes_blob_commits() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    blobs_settle_on(&l1.http_url(), &dir.path().join("l2")).await;
    l1.stop().await.unwrap();
}
