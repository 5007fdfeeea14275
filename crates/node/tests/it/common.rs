//! Shared helpers.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use alloy_primitives::U256;
use ferrum_node::{
    NodeConfig, RunningNode, config::GenesisAccount, dev_accounts::dev_signers, spawn,
};
use serde_json::{Value, json};

pub(crate) fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

pub(crate) fn test_config(dir: &Path) -> NodeConfig {
    let mut c = NodeConfig {
        data_dir: dir.to_path_buf(),
        ..Default::default()
    };
    c.rpc.addr = "127.0.0.1:0".parse().unwrap();
    c.sequencer.block_time_ms = 20;
    c.mempool.max_nonce_gap = 16;
    c.genesis.alloc = dev_signers(4)
        .unwrap()
        .iter()
        .map(|s| GenesisAccount {
            address: s.address(),
            balance: ether(1_000),
        })
        .collect();
    c
}

pub(crate) async fn start(dir: &Path) -> RunningNode {
    spawn(test_config(dir)).await.expect("node starts")
}

pub(crate) fn signer(i: usize) -> PrivateKeySigner {
    dev_signers(i as u32 + 1).unwrap().remove(i)
}

pub(crate) fn provider(url: &str, signer: PrivateKeySigner) -> impl Provider + Clone + use<> {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().unwrap())
}

/// A wallet on an L1 account that other senders (`ferrum deposit`, another provider) also use: it
/// asks the node for the pending nonce at every send. (alloy's default caches nonces per provider,
/// and its cache only lined up with the other senders when failed sends happened to use up nonces.)
pub(crate) fn l1_wallet(url: &str, signer: PrivateKeySigner) -> impl Provider + Clone + use<> {
    ProviderBuilder::new()
        .disable_recommended_fillers()
        .with_gas_estimation()
        .with_simple_nonce_management()
        .fetch_chain_id()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().unwrap())
}

/// A raw JSON-RPC call; returns the whole response object.
pub(crate) async fn raw_call(url: &str, body: String) -> (u16, Value) {
    let resp = alloy::transports::http::reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("http");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub(crate) async fn call(url: &str, method: &str, params: Value) -> Value {
    raw_call(
        url,
        json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string(),
    )
    .await
    .1
}

pub(crate) fn bench_token_code() -> alloy_primitives::Bytes {
    ferrum_node::bench::bench_token_creation_code().unwrap()
}

/// Deploys the bench ERC-20 with `supply` minted to the sender; the (successful) deployment's receipt.
pub(crate) async fn deploy_token(
    p: &impl Provider,
    supply: U256,
) -> alloy::rpc::types::TransactionReceipt {
    let mut code = bench_token_code().to_vec();
    code.extend_from_slice(&supply.to_be_bytes::<32>());
    let receipt = p
        .send_transaction(
            alloy::rpc::types::TransactionRequest::default()
                .with_deploy_code(alloy_primitives::Bytes::from(code)),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    receipt
}

/// Sends `value` wei to `to` and waits for the (successful) receipt.
pub(crate) async fn transfer(
    p: &impl Provider,
    to: alloy_primitives::Address,
    value: U256,
) -> alloy::rpc::types::TransactionReceipt {
    let receipt = p
        .send_transaction(
            alloy::rpc::types::TransactionRequest::default()
                .with_to(to)
                .with_value(value),
        )
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    receipt
}

/// A plain HTTP `GET` that does not follow redirects.
pub(crate) struct HttpGet {
    pub(crate) status: u16,
    headers: alloy::transports::http::reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl HttpGet {
    /// The header's value, `""` when absent.
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

pub(crate) async fn http_get(url: &str) -> HttpGet {
    let resp = alloy::transports::http::reqwest::Client::builder()
        .redirect(alloy::transports::http::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .expect("http");
    HttpGet {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        body: resp.text().await.expect("body"),
    }
}

/// A port that was free a moment ago (for a child process that must know its port up front).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (up to 60 s) until the node at `url` answers `eth_blockNumber`.
pub(crate) async fn wait_ready(url: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(resp) = alloy::transports::http::reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(
                json!({"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}).to_string(),
            )
            .send()
            .await
            && resp.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("node at {url} did not become ready");
}

/// A JSON-RPC endpoint in front of the node at `real` that answers `method` with `lie` and forwards every other
/// call (one HTTP request per connection, as the CLI's client sends them). Returns its URL; it serves until the
/// test's runtime ends.
pub(crate) async fn lying_l2(real: String, method: &'static str, lie: Value) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let real = real.clone();
            let lie = lie.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                // Read the headers, then Content-Length bytes of body.
                let body = loop {
                    let Ok(n) = conn.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break buf[end + 4..end + 4 + len].to_vec();
                    }
                };
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let answer = if request["method"] == method {
                    json!({"jsonrpc": "2.0", "id": request["id"], "result": lie})
                } else {
                    alloy::transports::http::reqwest::Client::new()
                        .post(&real)
                        .json(&request)
                        .send()
                        .await
                        .unwrap()
                        .json::<Value>()
                        .await
                        .unwrap()
                };
                let out = answer.to_string();
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{out}",
                    out.len()
                );
                let _ = conn.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}
