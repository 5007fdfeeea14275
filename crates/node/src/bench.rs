//! `ferrum bench`: a JSON-RPC load generator.
//!
//! Pre-signs `txs` transactions from `accounts` funded accounts, sends them as JSON-RPC batches
//! of `eth_sendRawTransaction` from `concurrency` connections, follows new blocks over WebSocket
//! (`eth_subscribe newHeads` + `eth_getBlockByNumber`) until every transaction is in a block, and
//! prints throughput and submit→inclusion latency. It speaks plain Ethereum JSON-RPC, so the same
//! load runs against anvil or any node (`scripts/bench-vs-anvil` does both).

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use alloy::{
    consensus::{SignableTransaction, TxEip1559, TxEnvelope},
    eips::Encodable2718,
    network::TxSignerSync,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolConstructor},
    transports::http::reqwest,
};
use alloy_primitives::{B256, Bytes, TxKind, U256, keccak256};
use anyhow::{Context as _, bail};
use jsonrpsee::core::client::SubscriptionClientT;
use parking_lot::Mutex;
use serde_json::{Value, json};

use crate::dev_accounts::dev_signers;

sol! {
    #[sol(abi)]
    contract BenchToken {
        constructor(uint256 supply);
        function transfer(address to, uint256 value) external returns (bool);
        function balanceOf(address) external view returns (uint256);
    }
}

/// Creation code of `crates/node/fixtures/BenchToken.sol` (solc-js 0.8.37, see `scripts/build-fixtures`).
pub fn bench_token_creation_code() -> anyhow::Result<Bytes> {
    let json: Value = serde_json::from_str(include_str!("../fixtures/BenchToken.json"))?;
    let hex = json["bytecode"]["object"]
        .as_str()
        .context("fixture has no bytecode")?;
    Ok(hex.parse()?)
}

/// What to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchKind {
    /// Plain ETH transfers (21,000 gas).
    Eth,
    /// ERC-20 `transfer` calls on a freshly deployed token.
    Erc20,
    /// Both, one after the other.
    Both,
}

/// `ferrum bench` arguments.
#[derive(Clone, Debug, clap::Args)]
pub struct BenchArgs {
    /// HTTP JSON-RPC endpoint.
    #[arg(long, default_value = "http://127.0.0.1:8545")]
    pub rpc: String,
    /// WebSocket endpoint (default: the HTTP URL with ws://).
    #[arg(long)]
    pub ws: Option<String>,
    /// Number of transactions to send.
    #[arg(long, default_value_t = 20_000)]
    pub txs: usize,
    /// Number of sending accounts.
    #[arg(long, default_value_t = 200)]
    pub accounts: usize,
    /// Workload.
    #[arg(long, value_enum, default_value_t = BenchKind::Both)]
    pub kind: BenchKind,
    /// Parallel sending connections.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Transactions per JSON-RPC batch request.
    #[arg(long, default_value_t = 200)]
    pub batch: usize,
    /// Funding key (default: the first dev account).
    #[arg(long)]
    pub funder_key: Option<B256>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout_secs: u64,
    /// Label printed with the results (e.g. "ferrum", "anvil").
    #[arg(long, default_value = "target")]
    pub label: String,
    /// Before the load: send this many transfers one at a time, each after the previous one's receipt, and
    /// print the send→receipt latency (what a test suite sending transactions one by one waits).
    #[arg(long, default_value_t = 0)]
    pub idle_txs: usize,
    /// Only the one-at-a-time latency run (`--idle-txs`), no load.
    #[arg(long)]
    pub idle_only: bool,
}

/// Figures of one run.
#[derive(Clone, Debug)]
pub struct BenchReport {
    /// Transactions included.
    pub txs: usize,
    /// Seconds from first submission to last inclusion.
    pub seconds: f64,
    /// Included transactions per second.
    pub tps: f64,
    /// Median submit→inclusion latency (ms).
    pub p50_ms: f64,
    /// 99th percentile submit→inclusion latency (ms).
    pub p99_ms: f64,
    /// Transactions the endpoint rejected.
    pub rejected: usize,
}

struct Rpc {
    http: reqwest::Client,
    url: String,
}

impl Rpc {
    async fn call(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let resp: Value = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await?
            .json()
            .await?;
        if let Some(e) = resp.get("error") {
            bail!("{method}: {e}");
        }
        Ok(resp["result"].clone())
    }

    async fn u64(&self, method: &str, params: Value) -> anyhow::Result<u64> {
        let v = self.call(method, params).await?;
        let s = v.as_str().context("expected a quantity")?;
        Ok(u64::from_str_radix(s.trim_start_matches("0x"), 16)?)
    }

    /// Sends raw transactions as one batch; returns the number of errors and the first one.
    async fn send_batch(&self, raws: &[String]) -> anyhow::Result<(usize, Option<String>)> {
        let mut body = String::with_capacity(raws.iter().map(|r| r.len() + 80).sum());
        body.push('[');
        for (i, r) in raws.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                r#"{{"jsonrpc":"2.0","id":{i},"method":"eth_sendRawTransaction","params":["{r}"]}}"#
            ));
        }
        body.push(']');
        let resp: Value = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?
            .json()
            .await?;
        let items = resp.as_array().context("batch response is not an array")?;
        let errors: Vec<_> = items.iter().filter_map(|i| i.get("error")).collect();
        Ok((errors.len(), errors.first().map(|e| e.to_string())))
    }

    async fn wait_receipt(&self, hash: B256, timeout: Duration) -> anyhow::Result<Value> {
        let start = Instant::now();
        loop {
            let r = self
                .call("eth_getTransactionReceipt", json!([hash]))
                .await?;
            if !r.is_null() {
                return Ok(r);
            }
            if start.elapsed() > timeout {
                bail!("no receipt for {hash} after {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

struct Fees {
    chain_id: u64,
    max_fee: u128,
}

fn sign(
    signer: &PrivateKeySigner,
    fees: &Fees,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Bytes,
    gas: u64,
) -> anyhow::Result<TxEnvelope> {
    let mut tx = TxEip1559 {
        chain_id: fees.chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: fees.max_fee,
        max_priority_fee_per_gas: 0,
        to,
        value,
        input,
        access_list: Default::default(),
    };
    let sig = signer.sign_transaction_sync(&mut tx)?;
    Ok(tx.into_signed(sig).into())
}

fn raw_hex(env: &TxEnvelope) -> String {
    format!("0x{}", alloy_primitives::hex::encode(env.encoded_2718()))
}

/// Sends `txs` in order from one account and waits for the last receipt (setup steps). Goes in waves of
/// `SETUP_WAVE` so that one sender never has more pending transactions than a pool's nonce-gap limit allows
/// (Ferrum's default is 1,024).
async fn send_and_wait(rpc: &Rpc, txs: &[TxEnvelope], timeout: Duration) -> anyhow::Result<()> {
    const SETUP_WAVE: usize = 800;
    for wave in txs.chunks(SETUP_WAVE) {
        for chunk in wave.chunks(200) {
            let raws: Vec<String> = chunk.iter().map(raw_hex).collect();
            let (errors, first) = rpc.send_batch(&raws).await?;
            if errors > 0 {
                bail!(
                    "setup transactions rejected: {errors}, first: {}",
                    first.unwrap_or_default()
                );
            }
        }
        if let Some(last) = wave.last() {
            let r = rpc.wait_receipt(*last.tx_hash(), timeout).await?;
            if r["status"] != json!("0x1") {
                bail!("setup transaction failed: {r}");
            }
        }
    }
    Ok(())
}

/// Runs the configured workloads and prints their figures.
pub async fn run_bench(args: BenchArgs) -> anyhow::Result<()> {
    let kinds: &[BenchKind] = match args.kind {
        BenchKind::Both => &[BenchKind::Eth, BenchKind::Erc20],
        k => {
            if k == BenchKind::Eth {
                &[BenchKind::Eth]
            } else {
                &[BenchKind::Erc20]
            }
        }
    };
    if args.idle_txs > 0 {
        let r = run_idle(&args).await?;
        println!(
            "bench {label} idle: {txs} transfers one at a time, send→receipt p50 {p50:.1} ms p99 {p99:.1} ms",
            label = args.label,
            txs = r.txs,
            p50 = r.p50_ms,
            p99 = r.p99_ms,
        );
    }
    if args.idle_only {
        return Ok(());
    }
    for (i, kind) in kinds.iter().enumerate() {
        let r = run_one(&args, *kind, i as u64).await?;
        println!(
            "bench {label} {kind:?}: {txs} txs in {secs:.2}s = {tps:.0} tx/s, latency p50 {p50:.0} ms p99 {p99:.0} ms, rejected {rej}",
            label = args.label,
            txs = r.txs,
            secs = r.seconds,
            tps = r.tps,
            p50 = r.p50_ms,
            p99 = r.p99_ms,
            rej = r.rejected
        );
    }
    Ok(())
}

/// The endpoint, the funding account, and fees that clear the next blocks (4× the gas price).
async fn connect(args: &BenchArgs) -> anyhow::Result<(Rpc, PrivateKeySigner, Fees)> {
    let rpc = Rpc {
        http: reqwest::Client::new(),
        url: args.rpc.clone(),
    };
    let funder = match args.funder_key {
        Some(k) => PrivateKeySigner::from_bytes(&k)?,
        None => dev_signers(1)?.remove(0),
    };
    let chain_id = rpc.u64("eth_chainId", json!([])).await?;
    let gas_price = rpc.u64("eth_gasPrice", json!([])).await? as u128;
    let fees = Fees {
        chain_id,
        max_fee: gas_price.max(1) * 4,
    };
    Ok((rpc, funder, fees))
}

/// Transfers sent one at a time by the funder, each once the previous one has its receipt (polled every
/// millisecond, so the figure is the node's latency rather than the poll interval's).
pub async fn run_idle(args: &BenchArgs) -> anyhow::Result<BenchReport> {
    let timeout = Duration::from_secs(args.timeout_secs);
    let (rpc, funder, fees) = connect(args).await?;
    let mut nonce = rpc
        .u64(
            "eth_getTransactionCount",
            json!([funder.address(), "pending"]),
        )
        .await?;
    let to = TxKind::Call(alloy_primitives::address!(
        "0x000000000000000000000000000000000000dEaD"
    ));
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(args.idle_txs);
    for _ in 0..args.idle_txs {
        let env = sign(
            &funder,
            &fees,
            nonce,
            to,
            U256::from(1u64),
            Bytes::new(),
            21_000,
        )?;
        nonce += 1;
        let sent = Instant::now();
        let hash = rpc
            .call("eth_sendRawTransaction", json!([raw_hex(&env)]))
            .await?;
        if hash.as_str() != Some(&env.tx_hash().to_string()) {
            bail!(
                "eth_sendRawTransaction answered {hash}, expected {}",
                env.tx_hash()
            );
        }
        loop {
            let r = rpc
                .call("eth_getTransactionReceipt", json!([env.tx_hash()]))
                .await?;
            if !r.is_null() {
                break;
            }
            if sent.elapsed() > timeout {
                bail!("no receipt for {} after {timeout:?}", env.tx_hash());
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(BenchReport {
        txs: latencies.len(),
        seconds,
        tps: latencies.len() as f64 / seconds.max(1e-9),
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        rejected: 0,
    })
}

/// One workload: setup, pre-sign, send, wait, measure.
pub async fn run_one(args: &BenchArgs, kind: BenchKind, salt: u64) -> anyhow::Result<BenchReport> {
    let timeout = Duration::from_secs(args.timeout_secs);
    let (rpc, funder, fees) = connect(args).await?;
    let rpc = Arc::new(rpc);
    let m = args.accounts.max(1);
    let per_account = args.txs.div_ceil(m);
    let run_id = rpc.u64("eth_blockNumber", json!([])).await?;
    let accounts: Vec<PrivateKeySigner> = (0..m)
        .map(|i| {
            let seed = keccak256(
                [
                    &salt.to_be_bytes()[..],
                    &run_id.to_be_bytes(),
                    &(i as u64).to_be_bytes(),
                ]
                .concat(),
            );
            PrivateKeySigner::from_bytes(&seed)
        })
        .collect::<Result<_, _>>()?;

    // Setup: fund the accounts (and deploy + distribute the token).
    let mut nonce = rpc
        .u64(
            "eth_getTransactionCount",
            json!([funder.address(), "pending"]),
        )
        .await?;
    let (tx_gas, call_gas) = (21_000u64, 80_000u64);
    let per_account_cost =
        U256::from(per_account as u64 + 1) * U256::from(call_gas) * U256::from(fees.max_fee)
            + U256::from(10u64).pow(U256::from(16u64));
    let mut setup = Vec::new();
    for a in &accounts {
        setup.push(sign(
            &funder,
            &fees,
            nonce,
            TxKind::Call(a.address()),
            per_account_cost,
            Bytes::new(),
            tx_gas,
        )?);
        nonce += 1;
    }
    let token = if kind == BenchKind::Erc20 {
        let supply = U256::from(10u64).pow(U256::from(30u64));
        let mut code = bench_token_creation_code()?.to_vec();
        code.extend_from_slice(&BenchToken::constructorCall { supply }.abi_encode());
        let deploy = sign(
            &funder,
            &fees,
            nonce,
            TxKind::Create,
            U256::ZERO,
            code.into(),
            2_000_000,
        )?;
        let token = funder.address().create(nonce);
        nonce += 1;
        setup.push(deploy);
        for a in &accounts {
            let data = BenchToken::transferCall {
                to: a.address(),
                value: U256::from(10u64).pow(U256::from(24u64)),
            }
            .abi_encode();
            setup.push(sign(
                &funder,
                &fees,
                nonce,
                TxKind::Call(token),
                U256::ZERO,
                data.into(),
                call_gas,
            )?);
            nonce += 1;
        }
        Some(token)
    } else {
        None
    };
    send_and_wait(&rpc, &setup, timeout)
        .await
        .context("bench setup")?;

    // Pre-sign the load in parallel, interleaved across accounts so each batch spans senders.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let signed: Vec<Vec<(B256, String)>> = std::thread::scope(|s| {
        let handles: Vec<_> = accounts
            .chunks(m.div_ceil(threads))
            .enumerate()
            .map(|(c, chunk)| {
                let fees = &fees;
                let accounts = &accounts;
                s.spawn(move || -> anyhow::Result<Vec<Vec<(B256, String)>>> {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(j, a)| {
                            let i = c * m.div_ceil(threads) + j;
                            let to = accounts[(i + 1) % m].address();
                            (0..per_account as u64)
                                .map(|n| {
                                    let env = match token {
                                        None => sign(
                                            a,
                                            fees,
                                            n,
                                            TxKind::Call(to),
                                            U256::from(1u64),
                                            Bytes::new(),
                                            tx_gas,
                                        )?,
                                        Some(t) => {
                                            let data = BenchToken::transferCall {
                                                to,
                                                value: U256::from(1u64),
                                            }
                                            .abi_encode();
                                            sign(
                                                a,
                                                fees,
                                                n,
                                                TxKind::Call(t),
                                                U256::ZERO,
                                                data.into(),
                                                call_gas,
                                            )?
                                        }
                                    };
                                    Ok((*env.tx_hash(), raw_hex(&env)))
                                })
                                .collect()
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("signer thread panicked"))?
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?
    .into_iter()
    .flatten()
    .collect();
    let mut load: Vec<(B256, String)> = Vec::with_capacity(args.txs);
    'outer: for n in 0..per_account {
        for account_txs in &signed {
            if load.len() == args.txs {
                break 'outer;
            }
            load.push(account_txs[n].clone());
        }
    }

    // Follow inclusion over WebSocket.
    let ws_url = args
        .ws
        .clone()
        .unwrap_or_else(|| args.rpc.replacen("http", "ws", 1));
    let (sender, receiver) = jsonrpsee::client_transport::ws::WsTransportClientBuilder::default()
        .build(ws_url.parse().context("ws url")?)
        .await
        .context("connecting websocket")?;
    let ws = jsonrpsee::core::client::ClientBuilder::default().build_with_tokio(sender, receiver);
    let mut heads = ws
        .subscribe::<Value, _>(
            "eth_subscribe",
            jsonrpsee::rpc_params!["newHeads"],
            "eth_unsubscribe",
        )
        .await
        .context("eth_subscribe newHeads")?;
    let submitted: Arc<Mutex<HashMap<B256, Instant>>> =
        Arc::new(Mutex::new(HashMap::with_capacity(load.len())));
    let wanted: std::collections::HashSet<B256> = load.iter().map(|(h, _)| *h).collect();
    let start_block = rpc.u64("eth_blockNumber", json!([])).await?;

    let follower = {
        let rpc = rpc.clone();
        let submitted = submitted.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(wanted.len());
            let mut next = start_block + 1;
            let mut last_seen = Instant::now();
            while latencies.len() < wanted.len() {
                let head = match tokio::time::timeout(timeout, heads.next()).await {
                    Ok(Some(Ok(h))) => h,
                    _ => bail!(
                        "new-heads subscription ended with {} of {} included",
                        latencies.len(),
                        wanted.len()
                    ),
                };
                let number = u64::from_str_radix(
                    head["number"]
                        .as_str()
                        .unwrap_or("0x0")
                        .trim_start_matches("0x"),
                    16,
                )?;
                while next <= number {
                    let block = rpc
                        .call(
                            "eth_getBlockByNumber",
                            json!([format!("0x{next:x}"), false]),
                        )
                        .await?;
                    let now = Instant::now();
                    for h in block["transactions"].as_array().into_iter().flatten() {
                        let Some(hash) = h.as_str().and_then(|s| s.parse::<B256>().ok()) else {
                            continue;
                        };
                        if wanted.contains(&hash) {
                            let sent = submitted.lock().get(&hash).copied().unwrap_or(now);
                            latencies.push(now.duration_since(sent));
                            last_seen = now;
                        }
                    }
                    next += 1;
                }
            }
            Ok::<_, anyhow::Error>((latencies, last_seen))
        })
    };

    // Send.
    let started = Instant::now();
    let rejected = Arc::new(Mutex::new((0usize, None::<String>)));
    let chunks: Vec<Vec<(B256, String)>> =
        load.chunks(args.batch.max(1)).map(|c| c.to_vec()).collect();
    let queue = Arc::new(Mutex::new(chunks.into_iter()));
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let (queue, rpc, submitted, rejected) = (
            queue.clone(),
            rpc.clone(),
            submitted.clone(),
            rejected.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(chunk) = queue.lock().next() else {
                    break;
                };
                let now = Instant::now();
                {
                    let mut s = submitted.lock();
                    for (h, _) in &chunk {
                        s.insert(*h, now);
                    }
                }
                let raws: Vec<String> = chunk.into_iter().map(|(_, r)| r).collect();
                let (errors, first) = rpc.send_batch(&raws).await?;
                if errors > 0 {
                    let mut r = rejected.lock();
                    r.0 += errors;
                    if r.1.is_none() {
                        r.1 = first;
                    }
                }
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for w in workers {
        w.await??;
    }
    let (rejected, first_rejection) = rejected.lock().clone();
    if rejected > 0 {
        bail!(
            "{rejected} transactions rejected; first: {}",
            first_rejection.unwrap_or_default()
        );
    }
    let (mut latencies, last) = follower.await??;
    let seconds = last.duration_since(started).as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    Ok(BenchReport {
        txs: latencies.len(),
        seconds,
        tps: latencies.len() as f64 / seconds.max(1e-9),
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        rejected,
    })
}
