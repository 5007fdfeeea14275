//! Malformed and invalid input: each gets a clear JSON-RPC error and changes nothing.

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope, TxLegacy},
    eips::Encodable2718,
    network::TxSignerSync,
    signers::local::PrivateKeySigner,
};
use alloy_primitives::{Address, B256, TxKind, U256};
use jsonrpsee::core::client::SubscriptionClientT;
use serde_json::{Value, json};

use crate::common::*;

fn signed_1559(
    s: &PrivateKeySigner,
    chain_id: u64,
    nonce: u64,
    max_fee: u128,
    value: U256,
) -> String {
    let mut tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(Address::repeat_byte(0x42)),
        value,
        ..Default::default()
    };
    let sig = s.sign_transaction_sync(&mut tx).unwrap();
    let env: TxEnvelope = tx.into_signed(sig).into();
    raw_hex(&env)
}

/// `0x`-hex of a transaction's EIP-2718 bytes, as `eth_sendRawTransaction` takes them.
fn raw_hex<T: Encodable2718>(tx: &T) -> String {
    format!("0x{}", alloy_primitives::hex::encode(tx.encoded_2718()))
}

/// `r` is a JSON-RPC error with `code` whose message starts with `prefix`.
fn assert_rpc_error(r: &Value, code: i64, prefix: &str) {
    assert_eq!(r["error"]["code"], code, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with(prefix),
        "{r}"
    );
}

async fn send_raw(url: &str, raw: &str) -> Value {
    call(url, "eth_sendRawTransaction", json!([raw])).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_and_transactions_are_rejected_without_effect() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let alice = signer(0);
    let fee = 1_000_000_000u128;

    // Malformed JSON, invalid request, unknown method, wrong params.
    let (_, r) = raw_call(&url, "{not json".into()).await;
    assert_eq!(r["error"]["code"], -32700, "{r}");
    let (_, r) = raw_call(&url, json!({"jsonrpc": "2.0", "id": 1}).to_string()).await;
    assert_eq!(r["error"]["code"], -32600, "{r}");
    let r = call(&url, "eth_noSuchMethod", json!([])).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = call(&url, "eth_getBalance", json!(["0x1234"])).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = call(&url, "eth_getBlockByNumber", json!([{"x": 1}, false])).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");

    // Oversize request body (limit 10 MiB).
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x{}"]}}"#,
        "00".repeat(6 * 1024 * 1024)
    );
    // Refused: HTTP 413, an error object, or the connection closed mid-upload.
    let resp = alloy::transports::http::reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await;
    if let Ok(resp) = resp {
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        assert!(
            status == 413 || body.contains("\"error\""),
            "status {status}: {body}"
        );
    }

    // Bad RLP, trailing bytes, bad signature.
    let r = send_raw(&url, "0xdeadbeef").await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("failed to decode signed transaction"),
        "{r}"
    );
    let good = signed_1559(&alice, 270, 0, fee, U256::from(1u64));
    let r = send_raw(&url, &format!("{good}00")).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Flip a byte inside s: either undecodable or a different/invalid signer; never admitted for alice.
    let mut bytes = alloy_primitives::hex::decode(&good[2..]).unwrap();
    let n = bytes.len();
    bytes[n - 2] ^= 0xff;
    let tampered = format!("0x{}", alloy_primitives::hex::encode(&bytes));
    let r = send_raw(&url, &tampered).await;
    assert!(
        r["error"].is_object(),
        "tampered signature must be rejected: {r}"
    );
    // r = 0 is not a valid signature.
    let mut legacy = TxLegacy {
        chain_id: Some(270),
        gas_limit: 21_000,
        gas_price: fee,
        to: TxKind::Call(Address::ZERO),
        ..Default::default()
    };
    let sig = alloy_primitives::Signature::new(U256::ZERO, U256::from(1u64), false);
    let _ = alice.sign_transaction_sync(&mut legacy).unwrap();
    let env: TxEnvelope = legacy.into_signed(sig).into();
    let r = send_raw(&url, &raw_hex(&env)).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid sender"),
        "{r}"
    );

    // Wrong chain id, nonce gap beyond the limit (16 in tests), fee below base fee, insufficient funds.
    let r = send_raw(&url, &signed_1559(&alice, 1, 0, fee, U256::from(1u64))).await;
    assert_rpc_error(&r, -32000, "invalid chain id");
    let r = send_raw(&url, &signed_1559(&alice, 270, 17, fee, U256::from(1u64))).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("nonce too high"),
        "{r}"
    );
    let r = send_raw(&url, &signed_1559(&alice, 270, 0, 1, U256::from(1u64))).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("max fee per gas less than block base fee"),
        "{r}"
    );
    let r = send_raw(&url, &signed_1559(&alice, 270, 0, fee, ether(2_000))).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("insufficient funds for gas * price + value"),
        "{r}"
    );
    let poor = PrivateKeySigner::from_bytes(&B256::repeat_byte(0x77)).unwrap();
    let r = send_raw(&url, &signed_1559(&poor, 270, 0, fee, U256::ZERO)).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("insufficient funds"),
        "{r}"
    );

    // Nothing above changed state or the pool.
    let nonce = call(
        &url,
        "eth_getTransactionCount",
        json!([alice.address(), "pending"]),
    )
    .await;
    assert_eq!(nonce["result"], "0x0");
    assert_eq!(
        call(&url, "eth_blockNumber", json!([])).await["result"],
        "0x0"
    );
    assert!(node.chain.pool.is_empty());

    // A valid one goes through; then the same nonce again is "nonce too low" and a duplicate "already known".
    let r = send_raw(&url, &good).await;
    let hash = r["result"].as_str().expect("accepted").to_string();
    let dup = send_raw(&url, &good).await;
    let dup_msg = dup["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        dup_msg == "already known" || dup_msg.starts_with("nonce too low"),
        "{dup}"
    );
    for _ in 0..200 {
        if !call(&url, "eth_getTransactionReceipt", json!([hash])).await["result"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let r = send_raw(
        &url,
        &signed_1559(&alice, 270, 0, fee * 2, U256::from(2u64)),
    )
    .await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("nonce too low"),
        "{r}"
    );
    // Underpriced replacement of a pooled transaction (nonce 5 waits for 1..4).
    assert!(
        send_raw(&url, &signed_1559(&alice, 270, 5, fee, U256::from(1u64))).await["result"]
            .is_string()
    );
    let r = send_raw(
        &url,
        &signed_1559(&alice, 270, 5, fee + 1, U256::from(3u64)),
    )
    .await;
    assert_eq!(
        r["error"]["message"], "replacement transaction underpriced",
        "{r}"
    );
    node.stop().await.unwrap();
}

/// A signed blob transaction to `to` in its network form, carrying `data` in one blob (EIP-4844 sidecar).
fn signed_blob_tx(
    s: &PrivateKeySigner,
    chain_id: u64,
    data: &[u8],
) -> (
    alloy::consensus::TxEip4844,
    alloy::eips::eip4844::BlobTransactionSidecar,
    alloy::primitives::Signature,
) {
    use alloy::{
        consensus::{TxEip4844, TxEip4844Variant, TxEip4844WithSidecar},
        eips::{
            eip4844::builder::{SidecarBuilder, SimpleCoder},
            eip7594::BlobTransactionSidecarVariant,
        },
    };
    let sidecar = SidecarBuilder::<SimpleCoder>::from_slice(data)
        .build_4844()
        .unwrap();
    let tx = TxEip4844 {
        chain_id,
        nonce: 0,
        gas_limit: 50_000,
        max_fee_per_gas: 100_000_000_000,
        max_priority_fee_per_gas: 0,
        to: Address::repeat_byte(0x42),
        blob_versioned_hashes: sidecar.versioned_hashes().collect(),
        max_fee_per_blob_gas: 10,
        ..Default::default()
    };
    let mut variant: TxEip4844Variant = TxEip4844WithSidecar::from_tx_and_sidecar(
        tx.clone(),
        BlobTransactionSidecarVariant::Eip4844(sidecar.clone()),
    )
    .into();
    let sig = s.sign_transaction_sync(&mut variant).unwrap();
    (tx, sidecar, sig)
}

/// Network form (`0x03 ‖ rlp([tx, blobs, commitments, proofs])`) of a signed blob transaction.
fn blob_network_raw(
    tx: &alloy::consensus::TxEip4844,
    sidecar: alloy::eips::eip4844::BlobTransactionSidecar,
    sig: alloy::primitives::Signature,
) -> String {
    use alloy::consensus::{TxEip4844Variant, TxEip4844WithSidecar};
    let variant: TxEip4844Variant = TxEip4844WithSidecar::from_tx_and_sidecar(
        tx.clone(),
        alloy::eips::eip7594::BlobTransactionSidecarVariant::Eip4844(sidecar),
    )
    .into();
    let env: TxEnvelope = variant.into_signed(sig).into();
    raw_hex(&env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_l1_checks_blob_sidecars_and_an_l2_refuses_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = l1.http_url();
    let payer = ferrum_node::dev_accounts::dev_signers(1).unwrap()[0].clone();
    let (tx, sidecar, sig) =
        signed_blob_tx(&payer, ferrum_node::EMBEDDED_L1_CHAIN_ID, b"blob data");

    // Without its sidecar: refused.
    let bare: TxEnvelope = tx.clone().into_signed(sig).into();
    let bare = raw_hex(&bare);
    let r = send_raw(&url, &bare).await;
    assert!(
        r["error"]["message"].as_str().unwrap().contains("sidecar"),
        "{r}"
    );

    // A blob that is not the one committed to: the KZG proof fails.
    let mut tampered = sidecar.clone();
    tampered.blobs[0].0[100] ^= 1;
    let r = send_raw(&url, &blob_network_raw(&tx, tampered, sig)).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("invalid blob sidecar"),
        "{r}"
    );
    // Nothing was admitted: the account's nonce is unchanged and pending.
    let n = call(
        &url,
        "eth_getTransactionCount",
        json!([payer.address(), "pending"]),
    )
    .await;
    assert_eq!(n["result"], "0x0", "{n}");

    // The real one is mined; its receipt carries the blob gas at the minimum blob price.
    let recipient_before = call(&url, "eth_getBalance", json!([Address::ZERO, "latest"])).await;
    let r = send_raw(&url, &blob_network_raw(&tx, sidecar.clone(), sig)).await;
    let hash = r["result"].as_str().unwrap().to_string();
    let mut receipt = Value::Null;
    for _ in 0..200 {
        receipt = call(&url, "eth_getTransactionReceipt", json!([hash])).await["result"].clone();
        if !receipt.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["type"], "0x3");
    assert_eq!(receipt["blobGasUsed"], "0x20000");
    assert_eq!(receipt["blobGasPrice"], "0x1");
    let fee = call(&url, "eth_blobBaseFee", json!([])).await;
    assert_eq!(fee["result"], "0x1");
    // As on Ethereum, the base fee is burned: with no tip, the fee recipient (0x0) gained nothing.
    assert_ne!(receipt["effectiveGasPrice"], "0x0");
    assert_eq!(
        call(&url, "eth_getBalance", json!([Address::ZERO, "latest"])).await["result"],
        recipient_before["result"]
    );
    l1.stop().await.unwrap();

    // An L2 has no blobs, even for a well-formed blob transaction.
    let node = start(&dir.path().join("l2")).await;
    let l2_url = node.http_url();
    let chain_id = node.chain.config.chain_id;
    let (tx, sidecar, sig) = signed_blob_tx(&signer(0), chain_id, b"blob data");
    let r = send_raw(&l2_url, &blob_network_raw(&tx, sidecar, sig)).await;
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not supported"),
        "{r}"
    );
    assert!(call(&l2_url, "eth_blobBaseFee", json!([])).await["error"].is_object());
    node.stop().await.unwrap();
}

/// `eth_feeHistory` takes at most 100 reward percentiles, strictly ascending, each within 0..=100 (geth's rules):
/// anything else is -32602.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fee_history_refuses_unbounded_or_unordered_percentiles() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let too_many: Vec<f64> = (0..101).map(|i| f64::from(i) * 0.5).collect();
    for bad in [
        json!(too_many),
        json!([50, 25]),
        json!([10, 10]),
        json!([-1]),
        json!([100.5]),
    ] {
        let r = call(&url, "eth_feeHistory", json!(["0x10", "latest", bad])).await;
        assert_rpc_error(&r, -32602, "invalid reward percentile");
    }
    let most: Vec<f64> = (0..100).map(f64::from).collect();
    let r = call(&url, "eth_feeHistory", json!(["0x400", "latest", most])).await;
    let reward = r["result"]["reward"].as_array().expect("a fee history");
    assert_eq!(reward[0].as_array().unwrap().len(), 100, "{r}");
    node.stop().await.unwrap();
}

/// Log filters name at most 1,000 addresses and 1,000 topics per position, over HTTP (`eth_getLogs`) and WebSocket
/// (`eth_subscribe("logs")`): matching costs a check per address or topic for every block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_filters_naming_too_many_addresses_or_topics_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let addresses: Vec<Address> = (0..1_001u64).map(|i| Address::ZERO.create(i)).collect();
    let r = call(&url, "eth_getLogs", json!([{ "address": addresses }])).await;
    assert_rpc_error(&r, -32602, "exceed max addresses");
    let topics: Vec<B256> = (0..1_001u64).map(|i| B256::from(U256::from(i))).collect();
    let r = call(&url, "eth_getLogs", json!([{ "topics": [null, topics] }])).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = call(
        &url,
        "eth_getLogs",
        json!([{ "address": &addresses[..1_000] }]),
    )
    .await;
    assert!(r["result"].is_array(), "{r}");
    let (tx, rx) = jsonrpsee::client_transport::ws::WsTransportClientBuilder::default()
        .build(node.ws_url().parse().unwrap())
        .await
        .unwrap();
    let ws = jsonrpsee::core::client::ClientBuilder::default().build_with_tokio(tx, rx);
    let refused = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["logs", json!({ "address": addresses })],
            "eth_unsubscribe",
        )
        .await;
    match refused {
        Err(jsonrpsee::core::client::Error::Call(e)) => assert_eq!(e.code(), -32602, "{e}"),
        other => panic!("a filter with 1,001 addresses was not refused: {other:?}"),
    }
    node.stop().await.unwrap();
}

/// A transaction over 128 KiB is refused with geth's -32000 `oversized data`, and a sender's pooled transactions
/// must be affordable together, gapped ones included (which would otherwise sit in the pool without paying).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_jointly_unaffordable_transactions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let alice = signer(0);
    let mut big = TxEip1559 {
        chain_id: 270,
        gas_limit: 21_000 + 40 * 128 * 1024,
        max_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(Address::repeat_byte(0x42)),
        input: vec![1u8; 128 * 1024].into(),
        ..Default::default()
    };
    let sig = alice.sign_transaction_sync(&mut big).unwrap();
    let env: TxEnvelope = big.into_signed(sig).into();
    let r = send_raw(&url, &raw_hex(&env)).await;
    assert_rpc_error(&r, -32000, "oversized data");

    // Over 1 MiB, not even decoded.
    let r = send_raw(&url, &format!("0x02{}", "00".repeat(1024 * 1024))).await;
    assert_rpc_error(
        &r,
        -32000,
        "oversized data: transaction size 1048577, limit 1048576",
    );

    // Bob has 1,000 ether: one gapped transfer of 600 is pooled, a second is more than he has.
    let bob = signer(1);
    let fee = 1_000_000_000u128;
    let r = send_raw(&url, &signed_1559(&bob, 270, 3, fee, ether(600))).await;
    assert!(r["result"].is_string(), "{r}");
    let r = send_raw(&url, &signed_1559(&bob, 270, 4, fee, ether(600))).await;
    assert_rpc_error(&r, -32000, "insufficient funds for gas * price + value");
    assert_eq!(node.chain.pool.len(), 1);
    node.stop().await.unwrap();
}
