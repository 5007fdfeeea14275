//! The block explorer of a real node settling on the embedded L1: its files on the RPC port, the indexes behind
//! it over JSON-RPC, and the page itself driven in headless chromium (crates/explorer/browser-test/explorer.mjs).
//! Set `FERRUM_EXPLORER_SCREENSHOTS=docs/images` to refresh the committed screenshots.

use std::path::PathBuf;

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::Encodable2718,
    network::{TransactionBuilder, TxSignerSync},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};
use alloy_primitives::{Address, TxKind, U256};
use serde_json::{Value, json};

use crate::{common::*, settlement::settling_config_at};

sol! {
    function transfer(address to, uint256 value) external returns (bool);
}

fn hashes(page: &Value) -> Vec<String> {
    page["transactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["hash"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_without_the_explorer_serves_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    config.rpc.explorer = false;
    let node = ferrum_node::spawn(config).await.unwrap();
    let base = node.http_url();
    assert_ne!(http_get(&format!("{base}/explorer/")).await.status, 200);
    let r = http_get(&format!("{base}/")).await;
    assert!(
        r.header("location").is_empty() && r.status != 302,
        "{}",
        r.status
    );
    node.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_shows_the_chain_live_in_a_real_browser() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../explorer/browser-test");
    assert!(
        script.join("node_modules/puppeteer-core").exists(),
        "puppeteer-core missing in {}: run scripts/browser-deps",
        script.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let l1 = ferrum_node::spawn_embedded_l1(dir.path().join("l1"), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut config = settling_config_at(&dir.path().join("l2"), &l1.http_url());
    // One L1 stage per second: the page must show the batch before it is executed, then follow it there.
    config.l1.poll_interval_ms = 1_000;
    let node = ferrum_node::spawn(config).await.unwrap();
    let url = node.http_url();

    // The files, on the RPC port, and a browser's "/" sent to them.
    let r = http_get(&format!("{url}/")).await;
    assert_eq!((r.status, r.header("location")), (302, "/explorer/"));
    let r = http_get(&format!("{url}/explorer/")).await;
    assert_eq!(r.status, 200);
    let csp = r.header("content-security-policy");
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(r.header("content-type").starts_with("text/html") && r.body.contains("app.js"));
    let r = http_get(&format!("{url}/explorer/app.js")).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, "text/javascript; charset=utf-8")
    );
    assert_eq!(
        http_get(&format!("{url}/explorer/secret")).await.status,
        404
    );

    // A token: deployed by alice, 5 units to bob.
    let alice = signer(0);
    let bob = Address::repeat_byte(0xb0);
    let p = provider(&url, alice.clone());
    let deploy = deploy_token(&p, ether(1_000)).await;
    let token = deploy.contract_address.unwrap();
    let token_block = deploy.block_number.unwrap();
    let send = p
        .send_transaction(
            TransactionRequest::default().with_to(token).with_input(
                transferCall {
                    to: bob,
                    value: ether(5),
                }
                .abi_encode(),
            ),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(send.status());
    let (deploy, send) = (
        deploy.transaction_hash.to_string(),
        send.transaction_hash.to_string(),
    );

    // The indexes: newest first, paged, bounded.
    let page = call(
        &url,
        "ferrum_getAddressTransactions",
        json!([alice.address(), 1]),
    )
    .await;
    assert_eq!(hashes(&page["result"]), vec![send.clone()], "{page}");
    let next = page["result"]["next"].clone();
    assert!(next.is_object(), "{page}");
    let page = call(
        &url,
        "ferrum_getAddressTransactions",
        json!([alice.address(), 1, next]),
    )
    .await;
    assert_eq!(hashes(&page["result"]), vec![deploy.clone()], "{page}");
    assert!(page["result"]["next"].is_null(), "{page}");
    // Bob only received tokens: the transfer's log puts it on his list; the token lists both.
    let page = call(&url, "ferrum_getAddressTransactions", json!([bob])).await;
    assert_eq!(hashes(&page["result"]), vec![send.clone()], "{page}");
    let page = call(&url, "ferrum_getAddressTransactions", json!([token])).await;
    assert_eq!(hashes(&page["result"]), vec![send.clone(), deploy.clone()]);
    let tokens = call(&url, "ferrum_getTokens", json!([])).await;
    // The constructor's mint is the token's first Transfer.
    assert_eq!(
        tokens["result"],
        json!([{"address": token, "firstBlock": format!("{token_block:#x}")}])
    );
    for bad in [json!([bob, 0]), json!([bob, 101]), json!(["0x12"])] {
        let r = call(&url, "ferrum_getAddressTransactions", bad.clone()).await;
        assert_eq!(r["error"]["code"], -32602, "{bad}: {r}");
    }
    assert_eq!(
        call(&url, "ferrum_getTokens", json!([1000])).await["error"]["code"],
        -32602
    );

    // A transfer the browser sends itself, to time when it appears.
    let sender = signer(1);
    let nonce = p.get_transaction_count(sender.address()).await.unwrap();
    let fee = p.get_gas_price().await.unwrap() * 2;
    let mut tx = TxEip1559 {
        chain_id: node.chain.config.chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: fee,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(Address::repeat_byte(0xc4)),
        value: U256::from(7u64),
        ..Default::default()
    };
    let sig = sender.sign_transaction_sync(&mut tx).unwrap();
    let raw = TxEnvelope::from(tx.into_signed(sig)).encoded_2718();
    let raw = format!("0x{}", alloy_primitives::hex::encode(raw));

    let shots = std::env::var_os("FERRUM_EXPLORER_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("screenshots"));
    let out = tokio::process::Command::new("node")
        .arg(script.join("explorer.mjs"))
        .args([&url, &raw, &send])
        .arg(&shots)
        .output()
        .await
        .expect("node runs (Node.js is a prerequisite)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(result["ok"], true);
    for name in [
        "home",
        "transaction",
        "address",
        "token-transfer",
        "tokens",
        "block",
        "batch",
        "batches",
    ] {
        let png = shots.join(format!("explorer-{name}.png"));
        assert!(
            std::fs::metadata(&png).is_ok_and(|m| m.len() > 1_000),
            "{}",
            png.display()
        );
    }
    node.stop().await.unwrap();
    l1.stop().await.unwrap();
}
