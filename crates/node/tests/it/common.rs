//! Shared helpers.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use alloy::{
    network::EthereumWallet,
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
