//! Prometheus `/metrics` and `/health` on the RPC port of a real node.

use alloy::{network::TransactionBuilder, providers::Provider, rpc::types::TransactionRequest};
use alloy_primitives::{Address, U256};
use serde_json::{Value, json};

use crate::common::*;

async fn get(url: &str) -> (u16, String, String) {
    let resp = alloy::transports::http::reqwest::Client::new()
        .get(url)
        .send()
        .await
        .expect("http");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, resp.text().await.expect("body"))
}

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

    let (status, _, body) = get(&format!("{base}/health")).await;
    assert_eq!(status, 200, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["block"], 0);

    let p = provider(&url, signer(0));
    for _ in 0..3 {
        let r = p
            .send_transaction(
                TransactionRequest::default()
                    .with_to(Address::repeat_byte(0xb0))
                    .with_value(U256::from(1u64)),
            )
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        assert!(r.status());
    }
    // An unknown method is counted under "unknown", not under its (unbounded) name.
    let _ = call(&url, "no_suchMethod", json!([])).await;

    let height = p.get_block_number().await.unwrap();
    let (status, content_type, text) = get(&format!("{base}/metrics")).await;
    assert_eq!(status, 200);
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
    assert_eq!(
        sample(&text, r#"ferrum_batch_number{stage="executed"}"#),
        -1.0
    );

    // JSON-RPC on the same port is untouched, and other GET paths are still JSON-RPC's (405 from jsonrpsee).
    assert_eq!(
        call(&url, "eth_chainId", json!([])).await["result"],
        json!("0x10e")
    );
    let (status, _, _) = get(&format!("{base}/other")).await;
    assert_ne!(status, 200);
}
