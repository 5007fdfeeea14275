//! Transfers, contracts, logs, subscriptions, tags and restart, through alloy's provider.

use alloy::{
    eips::BlockNumberOrTag,
    network::TransactionBuilder,
    providers::Provider,
    rpc::types::{Filter, TransactionRequest},
    sol,
    sol_types::{SolCall, SolEvent},
};
use alloy_primitives::{Address, U256};
use jsonrpsee::core::client::SubscriptionClientT;
use serde_json::{Value, json};

use crate::common::*;

sol! {
    event Transfer(address indexed from, address indexed to, uint256 value);
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_deploy_call_logs_estimate_and_restart() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let alice = signer(0);
    let bob = Address::repeat_byte(0xb0);
    let p = provider(&url, alice.clone());

    assert_eq!(p.get_chain_id().await.unwrap(), 270);
    // ETH transfer.
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(bob)
                .with_value(U256::from(12345u64)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status());
    assert_eq!(r.gas_used, 21_000);
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::from(12345u64));
    let tx = p
        .get_transaction_by_hash(r.transaction_hash)
        .await
        .unwrap()
        .expect("tx");
    assert_eq!(tx.block_number, r.block_number);

    // Deploy the token, call it, transfer, read logs.
    let supply = ether(1_000_000);
    let token = deploy_token(&p, supply)
        .await
        .contract_address
        .expect("contract address");
    assert!(!p.get_code_at(token).await.unwrap().is_empty());
    let bal = p
        .call(
            TransactionRequest::default().with_to(token).with_input(
                balanceOfCall {
                    owner: alice.address(),
                }
                .abi_encode(),
            ),
        )
        .await
        .unwrap();
    assert_eq!(U256::from_be_slice(&bal), supply);
    let data = transferCall {
        to: bob,
        value: U256::from(777u64),
    }
    .abi_encode();
    let est = p
        .estimate_gas(
            TransactionRequest::default()
                .from(alice.address())
                .with_to(token)
                .with_input(data.clone()),
        )
        .await
        .unwrap();
    assert!(est > 30_000 && est < 80_000, "estimate {est}");
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(token)
                .with_input(data),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(r.status());
    assert!(r.gas_used <= est);
    let logs = r.inner.logs();
    assert_eq!(logs.len(), 1);
    let ev = Transfer::decode_log_data(&logs[0].inner.data).unwrap();
    assert_eq!(
        (ev.from, ev.to, ev.value),
        (alice.address(), bob, U256::from(777u64))
    );

    let filter = Filter::new()
        .address(token)
        .event_signature(Transfer::SIGNATURE_HASH)
        .from_block(0u64);
    let found = p.get_logs(&filter).await.unwrap();
    assert_eq!(found.len(), 2, "mint + transfer");
    let to_bob = p
        .get_logs(&filter.clone().topic2(bob.into_word()))
        .await
        .unwrap();
    assert_eq!(to_bob.len(), 1);
    assert_eq!(to_bob[0].transaction_hash, Some(r.transaction_hash));

    // Revert with reason through eth_call and eth_estimateGas: code 3, data = revert data.
    let too_much = transferCall {
        to: bob,
        value: supply * U256::from(2u64),
    }
    .abi_encode();
    for method in ["eth_call", "eth_estimateGas"] {
        let resp = call(&url, method, json!([{"from": alice.address(), "to": token, "data": format!("0x{}", alloy_primitives::hex::encode(&too_much))}, "latest"])).await;
        assert_eq!(resp["error"]["code"], 3, "{method}: {resp}");
        assert_eq!(
            resp["error"]["message"],
            "execution reverted: insufficient balance"
        );
        assert!(
            resp["error"]["data"]
                .as_str()
                .unwrap()
                .starts_with("0x08c379a0")
        );
    }

    // A reverting transaction is included with status 0.
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(token)
                .with_input(too_much)
                .with_gas_limit(100_000),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(!r.status());

    // Blocks, receipts and tags.
    let head = p.get_block_number().await.unwrap();
    let block = p
        .get_block_by_number(BlockNumberOrTag::Number(head))
        .full()
        .await
        .unwrap()
        .expect("block");
    assert_eq!(block.header.number, head);
    let by_hash = p
        .get_block_by_hash(block.header.hash)
        .await
        .unwrap()
        .expect("by hash");
    assert_eq!(by_hash.header.hash, block.header.hash);
    let receipts = p
        .get_block_receipts(head.into())
        .await
        .unwrap()
        .expect("receipts");
    assert_eq!(receipts.len(), block.transactions.len());
    let earliest = call(&url, "eth_getBalance", json!([bob, "earliest"])).await;
    assert_eq!(earliest["result"], "0x0");
    let at_first = call(&url, "eth_getBalance", json!([bob, "0x1"])).await;
    assert_eq!(at_first["result"], "0x3039");
    let at_hash = call(
        &url,
        "eth_getBalance",
        json!([bob, {"blockHash": block.header.hash}]),
    )
    .await;
    assert_eq!(at_hash["result"], "0x3039");
    for tag in ["latest", "pending", "safe", "finalized", "committed"] {
        let r = call(&url, "eth_getBalance", json!([bob, tag])).await;
        assert!(r["result"].is_string(), "{tag}: {r}");
    }
    // ZKsync's SDK reads with the tag "committed": the latest block.
    let latest = call(&url, "eth_getBlockByNumber", json!(["latest", false])).await;
    let committed = call(&url, "eth_getBlockByNumber", json!(["committed", false])).await;
    assert_eq!(committed["result"]["hash"], latest["result"]["hash"]);
    assert_eq!(
        call(&url, "eth_getBalance", json!([bob, "committed"])).await["result"],
        "0x3039"
    );
    assert_eq!(
        call(&url, "zks_gasPerPubdata", json!([])).await["result"],
        "0x320"
    );
    // zks_estimateFee, with the request as the SDK sends it (type 0x71, eip712Meta).
    let fee = call(
        &url,
        "zks_estimateFee",
        json!([{"from": alice.address(), "to": bob, "value": "0x1", "type": "0x71",
                "eip712Meta": {"gasPerPubdata": "0x320"}}]),
    )
    .await;
    assert_eq!(fee["result"]["gas_limit"], "0x5208", "{fee}");
    assert_eq!(fee["result"]["gas_per_pubdata_limit"], "0x320");
    let price = call(&url, "eth_gasPrice", json!([])).await["result"].clone();
    assert_eq!(fee["result"]["max_fee_per_gas"], price);
    assert_eq!(fee["result"]["max_priority_fee_per_gas"], price);
    let broke = call(
        &url,
        "zks_estimateFee",
        json!([{"from": Address::repeat_byte(0x5c), "to": bob, "value": "0xffffffffffffffffffff"}]),
    )
    .await;
    assert!(broke["error"].is_object(), "{broke}");
    let bogus = call(&url, "eth_getBalance", json!([bob, "bogus"])).await;
    assert!(bogus["error"].is_object(), "{bogus}");
    let unknown = call(&url, "eth_getBalance", json!([bob, "0xffffff"])).await;
    assert_eq!(unknown["error"]["message"], "header not found");
    let fh = p
        .get_fee_history(4, BlockNumberOrTag::Latest, &[50.0])
        .await
        .unwrap();
    assert_eq!(fh.base_fee_per_gas.len(), 5);
    assert!(p.get_gas_price().await.unwrap() >= 25_000_000);

    // Restart on the same directory: same head, same state root, everything readable.
    let root = block.header.state_root;
    let tx_hash = r.transaction_hash;
    node.stop().await.unwrap();
    let node = start(dir.path()).await;
    let p = provider(&node.http_url(), alice.clone());
    assert_eq!(p.get_block_number().await.unwrap(), head);
    let again = p
        .get_block_by_number(BlockNumberOrTag::Number(head))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.header.state_root, root);
    assert!(p.get_transaction_receipt(tx_hash).await.unwrap().is_some());
    assert_eq!(p.get_balance(bob).await.unwrap(), U256::from(12345u64));
    // And the chain continues.
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(bob)
                .with_value(U256::from(1u64)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert_eq!(r.block_number, Some(head + 1));
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_deliver_heads_and_filtered_logs() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let alice = signer(1);
    let p = provider(&node.http_url(), alice.clone());
    let token = deploy_token(&p, ether(10))
        .await
        .contract_address
        .expect("contract address");

    let (tx, rx) = jsonrpsee::client_transport::ws::WsTransportClientBuilder::default()
        .build(node.ws_url().parse().unwrap())
        .await
        .unwrap();
    let ws = jsonrpsee::core::client::ClientBuilder::default().build_with_tokio(tx, rx);
    let mut heads = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["newHeads"],
            "eth_unsubscribe",
        )
        .await
        .unwrap();
    let filter = json!({"address": token, "topics": [format!("{}", Transfer::SIGNATURE_HASH)]});
    let mut logs = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["logs", filter],
            "eth_unsubscribe",
        )
        .await
        .unwrap();
    // A filter for another address must not see the transfer.
    let other = json!({"address": Address::repeat_byte(7)});
    let mut other_logs = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["logs", other],
            "eth_unsubscribe",
        )
        .await
        .unwrap();

    let data = transferCall {
        to: Address::repeat_byte(0xee),
        value: U256::from(5u64),
    }
    .abi_encode();
    let r = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(token)
                .with_input(data),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();

    let wait = std::time::Duration::from_secs(10);
    let head = tokio::time::timeout(wait, heads.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(head["hash"].is_string() && head["number"].is_string());
    let log = tokio::time::timeout(wait, logs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(log["transactionHash"], json!(r.transaction_hash));
    assert_eq!(
        log["address"].as_str().unwrap().to_lowercase(),
        format!("{token:?}").to_lowercase()
    );
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(500), other_logs.next())
            .await
            .is_err()
    );

    // Bad subscription parameters are rejected.
    let bad = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["newHeads", json!({"address": 5})],
            "eth_unsubscribe",
        )
        .await;
    assert!(bad.is_err());
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_stop_taking_transactions_before_their_batch_outgrows_the_pubdata_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::common::test_config(dir.path());
    config.sequencer.batch_max_pubdata_bytes = 3_000;
    config.chain.max_l1_tx_pubdata = 2_000;
    config.sequencer.block_time_ms = 300;
    config.sequencer.batch_max_age_secs = 1;
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();
    // 60 transfers to fresh accounts, all in the pool before the first block: each writes ~200 bytes of state.
    let mut pending = Vec::new();
    for s in 0..4 {
        let p = provider(&url, signer(s));
        for nonce in 0..15u64 {
            let to = Address::from_word(alloy_primitives::keccak256([s as u8, nonce as u8]));
            pending.push(
                p.send_transaction(
                    TransactionRequest::default()
                        .with_to(to)
                        .with_value(U256::from(1u64))
                        .with_nonce(nonce)
                        .with_gas_limit(21_000)
                        .with_max_fee_per_gas(1_000_000_000)
                        .with_max_priority_fee_per_gas(0),
                )
                .await
                .unwrap(),
            );
        }
    }
    for p in pending {
        assert!(p.get_receipt().await.unwrap().status());
    }
    // Every sealed batch fits; all 60 went in, spread over several batches.
    let store = &node.chain.store;
    let mut txs = 0;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while txs < 60 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        txs = 0;
        for n in 1..=store.last_batch().unwrap().unwrap_or(0) {
            let record =
                ferrum_sequencer::BatchRecord::decode_stored(&store.batch(n).unwrap().unwrap())
                    .unwrap();
            assert!(
                record.pubdata.len() <= 3_000,
                "batch {n}: {} bytes of pubdata",
                record.pubdata.len()
            );
            txs += record.tx_count;
        }
    }
    assert_eq!(txs, 60);
    assert!(store.last_batch().unwrap().unwrap() >= 2);
    node.stop().await.unwrap();
}

/// Runtime code that writes 1 to storage slots `0..n` (`n` = the first calldata word):
/// `n=cd[0]; i=0; loop: if !(i<n) goto end; sstore(i,1); i++; goto loop; end: stop` (25 bytes).
const SLOT_WRITER: &str = "60003560005b81811015601757600181556001016005565b00";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_whose_state_diff_overflows_a_batch_waits_for_an_empty_one_or_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::common::test_config(dir.path());
    config.sequencer.batch_max_pubdata_bytes = 3_000;
    config.chain.max_l1_tx_pubdata = 2_000;
    config.sequencer.block_time_ms = 400;
    config.sequencer.batch_max_age_secs = 1;
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();
    let p = provider(&url, signer(0));
    let writer = deploy_runtime(&url, SLOT_WRITER).await;
    let write = |n: u64, nonce: u64| count_call(writer, n, nonce, 3_000_000);
    let nonce = p.get_transaction_count(signer(0).address()).await.unwrap();

    // Ten transfers to fresh accounts, then 25 new slots (~2.4 KB, more than what is left in the batch but less
    // than an empty batch holds): the writer waits for the next batch.
    let q = provider(&url, signer(1));
    let mut pending = Vec::new();
    for i in 0..10u64 {
        pending.push(
            q.send_transaction(
                TransactionRequest::default()
                    .with_to(Address::from_word(alloy_primitives::keccak256(
                        i.to_be_bytes(),
                    )))
                    .with_value(U256::from(1u64))
                    .with_nonce(i)
                    .with_gas_limit(21_000)
                    .with_max_fee_per_gas(1_000_000_000)
                    .with_max_priority_fee_per_gas(0),
            )
            .await
            .unwrap(),
        );
    }
    let fits = p.send_transaction(write(25, nonce)).await.unwrap();
    for t in pending {
        assert!(t.get_receipt().await.unwrap().status());
    }
    let fits = fits.get_receipt().await.unwrap();
    assert!(fits.status());

    // 60 new slots (~5 KB) fit no batch: dropped, and the chain goes on.
    let too_big = *p
        .send_transaction(write(60, nonce + 1))
        .await
        .unwrap()
        .tx_hash();
    assert!(
        forgotten(&url, too_big, 100).await,
        "the oversized transaction is still known"
    );
    assert!(call(&url, "eth_getTransactionReceipt", json!([too_big])).await["result"].is_null());
    let next = p
        .send_transaction(
            TransactionRequest::default()
                .with_to(Address::repeat_byte(0x62))
                .with_value(U256::from(1u64))
                .with_nonce(nonce + 1),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(next.status());

    // Every sealed batch fits.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let store = &node.chain.store;
    for n in 1..=store.last_batch().unwrap().unwrap() {
        let record =
            ferrum_sequencer::BatchRecord::decode_stored(&store.batch(n).unwrap().unwrap())
                .unwrap();
        assert!(
            record.pubdata.len() <= 3_000,
            "batch {n}: {} bytes",
            record.pubdata.len()
        );
    }
    node.stop().await.unwrap();
}

/// Deploys `runtime` (hex) from `signer(0)` and returns its address: the init code copies the runtime and
/// returns it (`CODECOPY(0, 12, len); RETURN(0, len)`, then the runtime at offset 12).
async fn deploy_runtime(url: &str, runtime: &str) -> Address {
    let runtime = alloy_primitives::hex::decode(runtime).unwrap();
    let len = runtime.len() as u8;
    let mut init = vec![
        0x60, len, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, len, 0x60, 0x00, 0xf3,
    ];
    init.extend_from_slice(&runtime);
    provider(url, signer(0))
        .send_transaction(TransactionRequest::default().with_deploy_code(init))
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap()
        .contract_address
        .unwrap()
}

/// Priority transactions skip the pool but not the batch's pubdata limit. An 80M-gas L1→L2 call that writes
/// 3,600 slots (~300 KB of state diff, more than any batch carries to L1) fails for lack of gas for its pubdata
/// and still takes its queue slot; two that write 800 new slots each (~67 KB, priced at 800 gas a byte) both
/// run, in two batches, since one batch holds only one of them. Every batch stays under the calldata limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn priority_transactions_are_priced_and_bounded_by_the_batch_pubdata_limit() {
    // The calldata pubdata limit of a settling node (`CALLDATA_PUBDATA_LIMIT`).
    const LIMIT: u64 = 120_000;
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::common::test_config(dir.path());
    config.sequencer.batch_max_pubdata_bytes = LIMIT;
    config.sequencer.block_time_ms = 100;
    config.sequencer.batch_max_age_secs = 2;
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();
    let (a, b) = (
        deploy_runtime(&url, SLOT_WRITER).await,
        deploy_runtime(&url, SLOT_WRITER).await,
    );
    let op = |serial_id: u64, to: Address, slots: u64| ferrum_primitives::L1Tx {
        serial_id,
        from: Address::repeat_byte(0xa1),
        to,
        gas_limit: U256::from(80_000_000u64),
        max_fee_per_gas: U256::from(10_000_000_000u64),
        value: U256::ZERO,
        mint: U256::from(80_000_000u64) * U256::from(10_000_000_000u64),
        refund_recipient: Address::repeat_byte(0xa1),
        data: U256::from(slots).to_be_bytes::<32>().to_vec().into(),
    };
    let ops = [op(0, a, 3_600), op(1, a, 800), op(2, b, 800)];
    node.chain.store.put_priority_ops(&ops, 0).unwrap();
    let mut receipts = Vec::new();
    for o in &ops {
        let hash = o.canonical_hash();
        let mut r = Value::Null;
        for _ in 0..400 {
            r = call(&url, "eth_getTransactionReceipt", json!([hash])).await["result"].clone();
            if !r.is_null() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(!r.is_null(), "priority op {} never executed", o.serial_id);
        receipts.push(r);
    }
    let gas = |r: &Value| {
        u64::from_str_radix(r["gasUsed"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    };
    assert_eq!(
        receipts[0]["status"], "0x0",
        "3,600 slots cannot pay for their pubdata"
    );
    assert_eq!(
        gas(&receipts[0]),
        80_000_000,
        "out of gas for pubdata: pays its whole gas limit"
    );
    for r in &receipts[1..] {
        assert_eq!(r["status"], "0x1");
        assert!(gas(r) > 800 * 84 * 800, "pubdata is priced: {} gas", gas(r));
    }
    assert_eq!(node.chain.store.next_priority_op().unwrap(), 3);
    // Once every block is in a sealed batch, each batch fits the limit (the two heavy ops are in two batches).
    let store = &node.chain.store;
    wait_sealed(store, node.chain.head().header.number).await;
    for n in 1..=store.last_batch().unwrap().unwrap() {
        let len = sealed_batch(store, n).pubdata.len() as u64;
        assert!(len <= LIMIT, "batch {n}: {len} bytes of pubdata");
    }
    node.stop().await.unwrap();
}

/// Runtime code that sends `n` empty messages to L1 (`n` = the first calldata word): memory holds
/// `sendToL1("")`'s calldata, then `loop: if n == 0 goto end; call(gas, 0x8008, 0, 0, 68, 0, 0); n--; goto loop`.
const MESSAGE_SPAMMER: &str = "6362f84b2460e01b60005260206004526000355b8015603057600060006044600060006180085af150600190036013565b00";

/// A transaction that sends more L2→L1 messages than a batch's logs tree has leaves (2^14) would make its batch
/// impossible to seal (and stop the sequencer); on a chain without a pubdata limit nothing else bounds it. It is
/// dropped, and the chain goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_with_more_l2_to_l1_logs_than_a_batch_holds_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::common::test_config(dir.path());
    config.sequencer.block_time_ms = 100;
    config.sequencer.batch_max_age_secs = 1;
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();
    let p = provider(&url, signer(0));
    let spammer = deploy_runtime(&url, MESSAGE_SPAMMER).await;
    let nonce = p.get_transaction_count(signer(0).address()).await.unwrap();
    let send = |n: u64, nonce: u64| count_call(spammer, n, nonce, 300_000_000);
    // A few messages are fine.
    let small = p
        .send_transaction(send(3, nonce))
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(small.status());
    assert_eq!(small.inner.logs().len(), 3);
    // 16,500 are more than any batch holds.
    let too_many = *p
        .send_transaction(send(16_500, nonce + 1))
        .await
        .unwrap()
        .tx_hash();
    assert!(
        forgotten(&url, too_many, 200).await,
        "the transaction with 16,500 messages is still known"
    );
    // The sequencer still runs: a transfer from another account is included and its batch seals.
    let q = provider(&url, signer(1));
    let receipt = q
        .send_transaction(
            TransactionRequest::default()
                .with_to(Address::repeat_byte(0x63))
                .with_value(U256::from(1u64)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    wait_sealed(&node.chain.store, receipt.block_number.unwrap()).await;
    node.stop().await.unwrap();
}

/// A call of `to` whose calldata is the word `n` (how the test contracts above take their count), priced at
/// 1 gwei with no tip.
fn count_call(to: Address, n: u64, nonce: u64, gas_limit: u64) -> TransactionRequest {
    TransactionRequest::default()
        .with_to(to)
        .with_input(U256::from(n).to_be_bytes::<32>().to_vec())
        .with_nonce(nonce)
        .with_gas_limit(gas_limit)
        .with_max_fee_per_gas(1_000_000_000)
        .with_max_priority_fee_per_gas(0)
}

/// Whether the node stops knowing transaction `hash` within `polls` polls 50 ms apart.
async fn forgotten(url: &str, hash: alloy_primitives::B256, polls: u32) -> bool {
    for _ in 0..polls {
        if call(url, "eth_getTransactionByHash", json!([hash])).await["result"].is_null() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// Sealed batch `n`.
fn sealed_batch(store: &ferrum_state::Store, n: u64) -> ferrum_sequencer::BatchRecord {
    ferrum_sequencer::BatchRecord::decode_stored(&store.batch(n).unwrap().unwrap()).unwrap()
}

/// Waits (30 s at most) until block `block` is in a sealed batch.
async fn wait_sealed(store: &ferrum_state::Store, block: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while sealed_batch(store, store.last_batch().unwrap().unwrap_or(0)).last_block < block {
        assert!(
            std::time::Instant::now() < deadline,
            "block {block} was never sealed into a batch"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
