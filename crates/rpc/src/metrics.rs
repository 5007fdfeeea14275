//! Prometheus `/metrics` and `/health` on the RPC port, and the per-method RPC counters behind them.
//!
//! Counters (blocks, transactions, RPC calls) count since the process started, as Prometheus expects; the chain
//! gauges (heights, pool, batches per settlement stage, proof jobs) are read from the store at each scrape.

use std::{
    collections::HashSet,
    future::Future,
    sync::Arc,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

use ferrum_sequencer::{BlockEvent, BlockObserver, Chain};
use ferrum_state::{ProofStatus, SettlementStage, StoreError};
use jsonrpsee::{
    core::middleware::{Batch, Notification, RpcServiceT},
    types::Request,
};
use parking_lot::Mutex;
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

/// Proof jobs a scrape reads at most (the newest ones).
const PROOF_JOBS_SCANNED: u64 = 1_024;
/// Buckets of the block build and commit times: 100 µs … 2.5 s.
const BLOCK_SECONDS_BUCKETS: [f64; 14] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// A pool with transactions and no block for this long is a stalled sequencer.
const STALL_SECS: u64 = 30;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TableLabel {
    table: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabel {
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabel {
    stage: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: &'static str,
}

/// Why `/metrics` could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Reading the chain's state failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The text encoder failed.
    #[error("metrics encoding: {0}")]
    Encode(#[from] std::fmt::Error),
}

/// The node's metrics registry.
pub struct Metrics {
    chain: Arc<Chain>,
    /// Methods the server serves: other names count as "unknown" (labels stay bounded).
    methods: HashSet<String>,
    registry: Mutex<Registry>,
    rpc_calls: Family<MethodLabel, Counter>,
    rpc_errors: Family<MethodLabel, Counter>,
    rpc_seconds: Family<MethodLabel, Histogram>,
    blocks: Counter,
    transactions: Counter,
    block_height: Gauge,
    block_age_seconds: Gauge,
    block_gas_used: Gauge,
    pool_transactions: Gauge,
    batch_last: Family<StageLabel, Gauge>,
    batch_lag: Family<StageLabel, Gauge>,
    proof_jobs: Family<StatusLabel, Gauge>,
    proof_last_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    block_build_seconds: Histogram,
    block_commit_seconds: Histogram,
    store_bytes: Family<TableLabel, Gauge>,
}

impl BlockObserver for Metrics {
    fn observe(&self, event: &BlockEvent) {
        self.blocks.inc();
        self.transactions.inc_by(event.tx_hashes.len() as u64);
        self.block_build_seconds
            .observe(event.build_time.as_secs_f64());
        self.block_commit_seconds
            .observe(event.commit_time.as_secs_f64());
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Where the chain stands, for `/health` and the gauges.
#[derive(Debug, Default)]
struct Snapshot {
    height: u64,
    age_secs: u64,
    gas_used: u64,
    pool: usize,
    sealed: Option<u64>,
    committed: Option<u64>,
    proven: Option<u64>,
    executed: Option<u64>,
    jobs: [u64; 4],
    last_proof_ms: Option<u64>,
}

impl Metrics {
    /// A registry for `chain`'s node serving `methods`, with `collectors` (metrics of other parts of the node, e.g.
    /// its L1 sender) encoded after the node's own.
    pub fn new(
        chain: Arc<Chain>,
        methods: impl IntoIterator<Item = String>,
        collectors: Vec<Box<dyn prometheus_client::collector::Collector>>,
    ) -> Arc<Self> {
        let mut registry = Registry::with_prefix("ferrum");
        let m = Self {
            chain,
            methods: methods.into_iter().collect(),
            registry: Mutex::new(Registry::default()),
            rpc_calls: Family::default(),
            rpc_errors: Family::default(),
            rpc_seconds: Family::new_with_constructor(|| {
                Histogram::new([
                    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
                    0.25, 0.5, 1.0, 2.5, 5.0,
                ])
            }),
            blocks: Counter::default(),
            transactions: Counter::default(),
            block_height: Gauge::default(),
            block_age_seconds: Gauge::default(),
            block_gas_used: Gauge::default(),
            pool_transactions: Gauge::default(),
            batch_last: Family::default(),
            batch_lag: Family::default(),
            proof_jobs: Family::default(),
            proof_last_seconds: Gauge::default(),
            block_build_seconds: Histogram::new(BLOCK_SECONDS_BUCKETS),
            block_commit_seconds: Histogram::new(BLOCK_SECONDS_BUCKETS),
            store_bytes: Family::default(),
        };
        registry.register(
            "rpc_requests",
            "JSON-RPC calls answered, per method",
            m.rpc_calls.clone(),
        );
        registry.register(
            "rpc_errors",
            "JSON-RPC calls answered with an error, per method",
            m.rpc_errors.clone(),
        );
        registry.register(
            "rpc_request_duration_seconds",
            "JSON-RPC call latency, per method",
            m.rpc_seconds.clone(),
        );
        registry.register("blocks", "L2 blocks produced", m.blocks.clone());
        registry.register(
            "transactions",
            "Transactions included in L2 blocks",
            m.transactions.clone(),
        );
        registry.register(
            "block_height",
            "Number of the latest L2 block",
            m.block_height.clone(),
        );
        registry.register(
            "block_age_seconds",
            "Seconds since the latest L2 block's timestamp",
            m.block_age_seconds.clone(),
        );
        registry.register(
            "block_gas_used",
            "Gas used by the latest L2 block",
            m.block_gas_used.clone(),
        );
        registry.register(
            "mempool_transactions",
            "Transactions waiting in the pool",
            m.pool_transactions.clone(),
        );
        registry.register(
            "batch_number",
            "Highest batch at each stage (sealed, committed, proven, executed on L1)",
            m.batch_last.clone(),
        );
        registry.register(
            "batch_lag",
            "Sealed batches not yet at each L1 stage (committed, proven, executed)",
            m.batch_lag.clone(),
        );
        registry.register(
            "proof_jobs",
            "Proof jobs of the newest 1024 batches, per status",
            m.proof_jobs.clone(),
        );
        registry.register(
            "proof_last_duration_seconds",
            "Proving time of the newest proven batch",
            m.proof_last_seconds.clone(),
        );
        registry.register(
            "block_build_seconds",
            "Time to build an L2 block: execution, state tree and the store's write",
            m.block_build_seconds.clone(),
        );
        registry.register(
            "block_commit_seconds",
            "Time to write an L2 block to the store (one atomic batch, fsynced when sync_per_block)",
            m.block_commit_seconds.clone(),
        );
        registry.register(
            "store_bytes",
            "Bytes each RocksDB column family takes (SST files and memtables)",
            m.store_bytes.clone(),
        );
        for c in collectors {
            registry.register_collector(c);
        }
        *m.registry.lock() = registry;
        Arc::new(m)
    }

    /// Counts blocks and transactions as the sequencer commits them (synchronously: a scrape that sees a head
    /// has counted every block up to it).
    pub fn observe_blocks(self: &Arc<Self>) {
        let weak: std::sync::Weak<dyn BlockObserver> = Arc::downgrade(self) as _;
        self.chain.add_observer(weak);
    }

    fn method_label(&self, name: &str) -> MethodLabel {
        MethodLabel {
            method: if self.methods.contains(name) {
                name.to_owned()
            } else {
                "unknown".to_owned()
            },
        }
    }

    fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let head = self.chain.head();
        let store = &self.chain.store;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let sealed = store.last_batch()?;
        let mut s = Snapshot {
            height: head.header.number,
            age_secs: now.saturating_sub(head.header.timestamp),
            gas_used: head.header.gas_used,
            pool: self.chain.pool.len(),
            sealed,
            ..Snapshot::default()
        };
        if let Some(sealed) = sealed {
            s.committed = last_at_stage(store, sealed, SettlementStage::Committed)?;
            s.proven = last_at_stage(store, sealed, SettlementStage::Proven)?;
            s.executed = last_at_stage(store, sealed, SettlementStage::Executed)?;
            let from = sealed.saturating_sub(PROOF_JOBS_SCANNED - 1);
            for job in store.proof_jobs(from, PROOF_JOBS_SCANNED as usize)? {
                if let Some(slot) = s.jobs.get_mut(job.status as usize) {
                    *slot += 1;
                }
                if job.status == ProofStatus::Proven as u8 {
                    s.last_proof_ms = Some(job.proven_at_ms.saturating_sub(job.started_at_ms));
                }
            }
        }
        Ok(s)
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> Result<String, MetricsError> {
        let s = self.snapshot()?;
        let gauge = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.block_height.set(gauge(s.height));
        self.block_age_seconds.set(gauge(s.age_secs));
        self.block_gas_used.set(gauge(s.gas_used));
        self.pool_transactions.set(gauge(s.pool as u64));
        for (stage, last) in [
            ("sealed", s.sealed),
            ("committed", s.committed),
            ("proven", s.proven),
            ("executed", s.executed),
        ] {
            self.batch_last
                .get_or_create(&StageLabel { stage })
                .set(last.map_or(-1, gauge));
            if stage != "sealed" && self.chain.settles_on_l1() {
                let lag = s.sealed.unwrap_or(0).saturating_sub(last.unwrap_or(0));
                self.batch_lag
                    .get_or_create(&StageLabel { stage })
                    .set(gauge(lag));
            }
        }
        for (status, n) in ["queued", "proving", "proven", "failed"]
            .into_iter()
            .zip(s.jobs)
        {
            self.proof_jobs
                .get_or_create(&StatusLabel { status })
                .set(gauge(n));
        }
        if let Some(ms) = s.last_proof_ms {
            self.proof_last_seconds.set(ms as f64 / 1000.0);
        }
        for (table, bytes) in self.chain.store.table_sizes()? {
            self.store_bytes
                .get_or_create(&TableLabel { table })
                .set(gauge(bytes));
        }
        let mut out = String::new();
        encode(&mut out, &self.registry.lock())?;
        Ok(out)
    }

    /// `/health`: ready (with where the chain stands) or the reasons it is not.
    pub fn health(&self) -> (bool, serde_json::Value) {
        let s = match self.snapshot() {
            Ok(s) => s,
            Err(e) => {
                return (
                    false,
                    serde_json::json!({"status": "unavailable", "reasons": [format!("store: {e}")]}),
                );
            }
        };
        let mut reasons = Vec::new();
        if s.pool > 0 && s.age_secs > STALL_SECS {
            reasons.push(format!(
                "sequencer stalled: {} transactions waiting, no block for {} s",
                s.pool, s.age_secs
            ));
        }
        let ready = reasons.is_empty();
        (
            ready,
            serde_json::json!({
                "status": if ready { "ok" } else { "unavailable" },
                "reasons": reasons,
                "block": s.height,
                "blockAgeSeconds": s.age_secs,
                "mempool": s.pool,
                "sealedBatch": s.sealed,
                "executedBatch": s.executed,
            }),
        )
    }
}

/// The highest batch ≤ `sealed` recorded at `stage` (stages are reached in batch order, so a binary search).
fn last_at_stage(
    store: &ferrum_state::Store,
    sealed: u64,
    stage: SettlementStage,
) -> Result<Option<u64>, StoreError> {
    let (mut lo, mut hi) = (1u64, sealed);
    let mut found = None;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        if store.settlement(mid, stage)?.is_some() {
            found = Some(mid);
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    Ok(found)
}

/// The RPC middleware that counts and times each call.
#[derive(Clone, Debug)]
pub(crate) struct RpcMetricsLayer(pub(crate) Arc<Metrics>);

impl<S> tower::Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;
    fn layer(&self, service: S) -> Self::Service {
        RpcMetrics {
            service,
            metrics: self.0.clone(),
        }
    }
}

/// [`RpcMetricsLayer`]'s service.
#[derive(Clone, Debug)]
pub(crate) struct RpcMetrics<S> {
    service: S,
    metrics: Arc<Metrics>,
}

impl<S> RpcServiceT for RpcMetrics<S>
where
    S: RpcServiceT<MethodResponse = jsonrpsee::MethodResponse> + Send + Sync + Clone + 'static,
{
    type MethodResponse = S::MethodResponse;
    type NotificationResponse = S::NotificationResponse;
    type BatchResponse = S::BatchResponse;

    fn call<'a>(
        &self,
        request: Request<'a>,
    ) -> impl Future<Output = Self::MethodResponse> + Send + 'a {
        let label = self.metrics.method_label(request.method_name());
        let metrics = self.metrics.clone();
        let service = self.service.clone();
        async move {
            let start = Instant::now();
            let response = service.call(request).await;
            metrics
                .rpc_seconds
                .get_or_create(&label)
                .observe(start.elapsed().as_secs_f64());
            metrics.rpc_calls.get_or_create(&label).inc();
            if response.is_error() {
                metrics.rpc_errors.get_or_create(&label).inc();
            }
            response
        }
    }

    fn batch<'a>(&self, batch: Batch<'a>) -> impl Future<Output = Self::BatchResponse> + Send + 'a {
        let label = MethodLabel {
            method: "batch".to_owned(),
        };
        let metrics = self.metrics.clone();
        let service = self.service.clone();
        async move {
            let start = Instant::now();
            let response = service.batch(batch).await;
            metrics
                .rpc_seconds
                .get_or_create(&label)
                .observe(start.elapsed().as_secs_f64());
            metrics.rpc_calls.get_or_create(&label).inc();
            response
        }
    }

    fn notification<'a>(
        &self,
        n: Notification<'a>,
    ) -> impl Future<Output = Self::NotificationResponse> + Send + 'a {
        self.service.notification(n)
    }
}
