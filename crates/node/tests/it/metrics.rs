//! Prometheus `/metrics` and `/health` on the RPC port of a real node.

use alloy::providers::Provider;
use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use crate::common::*;

/// The value of the sample `name` (with its labels, exactly as exposed).
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_health_follow_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let node = start(dir.path()).await;
    let url = node.http_url();
    let base = url.trim_end_matches('/');

    let r = http_get(&format!("{base}/health")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let health: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["block"], 0);

    let p = provider(&url, signer(0));
    let mut last_block = 0;
    for _ in 0..3 {
        let receipt = transfer(&p, Address::repeat_byte(0xb0), U256::from(1u64)).await;
        last_block = receipt.block_number.unwrap();
    }
    // An unknown method is counted under "unknown", not under its (unbounded) name.
    let _ = call(&url, "no_suchMethod", json!([])).await;

    // A receipt is readable once its block is in the store, a moment before the head moves to it; block counts
    // are exact for every block up to the head.
    let height = loop {
        let h = p.get_block_number().await.unwrap();
        if h >= last_block {
            break h;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    let r = http_get(&format!("{base}/metrics")).await;
    let content_type = r.header("content-type").to_owned();
    let text = r.body;
    assert_eq!(r.status, 200);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    assert_eq!(sample(&text, "ferrum_block_height"), height as f64);
    assert_eq!(sample(&text, "ferrum_transactions_total"), 3.0);
    assert!(sample(&text, "ferrum_blocks_total") >= 1.0);
    assert_eq!(sample(&text, "ferrum_mempool_transactions"), 0.0);
    assert!(
        sample(
            &text,
            r#"ferrum_rpc_requests_total{method="eth_sendRawTransaction"}"#
        ) >= 3.0
    );
    assert_eq!(
        sample(&text, r#"ferrum_rpc_requests_total{method="unknown"}"#),
        1.0
    );
    assert_eq!(
        sample(&text, r#"ferrum_rpc_errors_total{method="unknown"}"#),
        1.0
    );
    assert!(
        text.contains(
            r#"ferrum_rpc_request_duration_seconds_bucket{le="0.001",method="eth_chainId"}"#
        ) || text.contains(r#"ferrum_rpc_request_duration_seconds_count{method="eth_chainId"}"#),
        "{text}"
    );
    assert!(!text.contains("no_suchMethod"));
    // Every block's build and commit times are observed; the store reports each table's size.
    assert_eq!(
        sample(&text, "ferrum_block_build_seconds_count"),
        sample(&text, "ferrum_blocks_total")
    );
    assert_eq!(
        sample(&text, "ferrum_block_commit_seconds_count"),
        sample(&text, "ferrum_blocks_total")
    );
    assert!(sample(&text, "ferrum_block_build_seconds_sum") > 0.0);
    assert!(sample(&text, r#"ferrum_store_bytes{table="txs"}"#) > 0.0);
    assert!(text.contains(r#"ferrum_store_bytes{table="address_txs"}"#));
    // No L1 sender, no L1 counters.
    assert!(!text.contains("ferrum_l1_"), "{text}");
    assert_eq!(
        sample(&text, r#"ferrum_batch_number{stage="executed"}"#),
        -1.0
    );

    // JSON-RPC on the same port is untouched, and other GET paths are still JSON-RPC's (405 from jsonrpsee).
    assert_eq!(
        call(&url, "eth_chainId", json!([])).await["result"],
        json!("0x10e")
    );
    assert_ne!(http_get(&format!("{base}/other")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_l1_senders_costs_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let config = crate::settlement::settling_config_at(&dir.path().join("l2"), &l1.http_url());
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();
    let base = url.trim_end_matches('/');
    transfer(
        &provider(&url, signer(0)),
        Address::repeat_byte(0xb1),
        U256::from(1u64),
    )
    .await;
    // Wait until a batch is executed on L1: a commit, a proof and an execution were mined.
    let mut text = String::new();
    for _ in 0..600 {
        text = http_get(&format!("{base}/metrics")).await.body;
        if sample(&text, r#"ferrum_batch_number{stage="executed"}"#) >= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        sample(&text, r#"ferrum_batch_number{stage="executed"}"#) >= 1.0,
        "{text}"
    );
    assert!(
        sample(&text, "ferrum_l1_transactions_total") >= 3.0,
        "{text}"
    );
    assert!(sample(&text, "ferrum_l1_fees_eth_total") > 0.0, "{text}");
    assert_eq!(sample(&text, "ferrum_l1_replacements_total"), 0.0);
    node.stop().await.unwrap();
    l1.stop().await.unwrap();
}
