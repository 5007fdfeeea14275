//! Node configuration: one struct per subsystem, TOML on disk, defaults for a local run.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

/// Everything a node needs to start. `ferrum node --config ferrum.toml` reads it from TOML;
/// `ferrum devnet` builds it from flags.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodeConfig {
    /// Database directory.
    pub data_dir: PathBuf,
    /// Chain parameters.
    pub chain: ChainSection,
    /// JSON-RPC server.
    pub rpc: RpcSection,
    /// Block and batch production.
    pub sequencer: SequencerSection,
    /// Mempool limits.
    pub mempool: MempoolSection,
    /// Prefunded accounts of block 0.
    pub genesis: GenesisSection,
    /// fsync once per block (crash of the machine loses nothing acknowledged).
    pub sync_per_block: bool,
    /// Settlement on L1.
    pub l1: L1Section,
    /// Proving every batch.
    pub prover: ProverSection,
}

/// `[prover]`: a proof of every sealed batch, made by prover workers in this process from a job queue in the node's
/// store (docs/architecture.md, "Proving"). When enabled, the sequencer records block witnesses and the L1 sender
/// proves a batch on L1 only once its proof is stored and verified.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProverSection {
    /// Prove every batch (`ferrum devnet` turns it on unless `--no-proving`).
    pub enabled: bool,
    /// Worker threads, each proving one batch at a time.
    pub workers: usize,
    /// Threads of the proving pool the workers share (0: one per core).
    pub threads: usize,
    /// Cycles per proof segment (1 to 2^22): memory grows with it (a batch proof peaks at about 4.3–4.7 GB at 2^20, 3.3–3.4 GB at 2^19).
    pub segment_cycles: u64,
    /// Seconds without a heartbeat after which a proving job is taken again.
    pub heartbeat_timeout_secs: u64,
    /// Attempts before a batch's proof job is marked failed.
    pub max_attempts: u64,
    /// PostgreSQL URL of a shared proof job queue (`--prover-db`): the node pushes jobs there, `ferrum prover`
    /// processes anywhere take them, and the node pulls and verifies their proofs. Unset: the queue is the node's
    /// store.
    pub database_url: Option<String>,
}

impl Default for ProverSection {
    fn default() -> Self {
        Self {
            enabled: false,
            workers: 1,
            threads: 0,
            segment_cycles: ferrum_prover::DEFAULT_SEGMENT_CYCLES,
            heartbeat_timeout_secs: 60,
            max_attempts: 3,
            database_url: None,
        }
    }
}

/// `[l1]`: settlement. Without `rpc_url` the chain does not settle.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct L1Section {
    /// JSON-RPC URL of the L1 (any Ethereum node).
    pub rpc_url: Option<String>,
    /// Hex private key of the operator: it deploys (devnet), and commits, proves and executes batches.
    pub operator_private_key: String,
    /// Deployment file (addresses); default `<data_dir>/l1-deployment.json`.
    pub deployment_file: Option<PathBuf>,
    /// Deploy the ecosystem and register the chain when the deployment file does not exist.
    pub deploy_if_missing: bool,
    /// Deploy `InsecureNoProofVerifier` and settle batches WITHOUT proofs. Explicit opt-in, read on every start: a
    /// node on an ecosystem with that verifier refuses to settle without it (`--insecure-no-proofs`).
    pub insecure_no_proofs: bool,
    /// Where pubdata goes: `calldata`, `blobs` (EIP-4844/7594 blobs, one batch per commit), or `validium`.
    pub pubdata: ferrum_l1::PubdataMode,
    /// Milliseconds between L1 sender rounds when idle.
    pub poll_interval_ms: u64,
    /// Most batches per commit/prove/execute transaction.
    pub max_batches_per_tx: u64,
    /// L1 blocks a deposit must be buried under before the L2 executes it (reorg safety).
    pub confirmations: u64,
    /// Seconds between commit and execute that a deployment made by this node asks L1 to enforce.
    pub execution_delay_secs: u64,
    /// Milliseconds an operator transaction may wait unmined before it is replaced with higher fees.
    pub resend_after_ms: u64,
    /// Percent by which each replacement raises the fees (at least 10; blob fees double).
    pub fee_bump_percent: u64,
    /// Highest max fee per gas the operator ever offers, in gwei.
    pub max_fee_per_gas_gwei: u64,
}

impl Default for L1Section {
    fn default() -> Self {
        Self {
            rpc_url: None,
            operator_private_key: String::new(),
            deployment_file: None,
            deploy_if_missing: false,
            insecure_no_proofs: false,
            pubdata: ferrum_l1::PubdataMode::Calldata,
            poll_interval_ms: 1_000,
            max_batches_per_tx: 10,
            confirmations: 6,
            execution_delay_secs: 0,
            resend_after_ms: 30_000,
            fee_bump_percent: 25,
            max_fee_per_gas_gwei: 1_000,
        }
    }
}

/// Largest pubdata of a batch whose pubdata goes in calldata (L1 nodes refuse transactions over 128 KiB).
pub const CALLDATA_PUBDATA_LIMIT: u64 = 120_000;

/// Pubdata a priority transaction's batch needs besides the transaction's own state diff: the batch (4) and block
/// (12) headers, its L2→L1 log (88) and up to three accounts (92 each) its fee and refund write, rounded up.
const L1_TX_PUBDATA_OVERHEAD: u64 = 512;

/// Largest pubdata of a batch whose pubdata goes in blobs: 5 of the 6 blobs a transaction may carry
/// (126,976 bytes each), leaving one for the overshoot of the block that crosses the limit.
pub const BLOB_PUBDATA_LIMIT: u64 = 5 * 126_976;

/// `[chain]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChainSection {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Gas limit of every L2 block.
    pub block_gas_limit: u64,
    /// Floor of the base fee, in wei.
    pub min_base_fee: u64,
    /// Receives all fees.
    pub fee_recipient: Address,
    /// Follow Ethereum L1 rules: take EIP-4844 blob transactions and burn the base fee (set for the embedded dev
    /// L1; an L2 takes no blobs and pays the base fee to its operator).
    pub ethereum_l1: bool,
    /// Most pubdata one priority transaction may add (`ChainConfig::max_l1_tx_pubdata`): a rule of the state
    /// transition, so every node and prover of the chain must use the same value. The batch pubdata limit must
    /// hold it plus 512 bytes, so that any priority transaction fits an empty batch.
    pub max_l1_tx_pubdata: u64,
}

/// `[rpc]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RpcSection {
    /// Listen address of HTTP and WebSocket.
    pub addr: SocketAddr,
    /// Largest request body in bytes.
    pub max_request_body: u32,
    /// Most calls in a batch request.
    pub max_batch_len: u32,
    /// Most simultaneous connections.
    pub max_connections: u32,
    /// Gas cap of `eth_call`/`eth_estimateGas`.
    pub gas_cap: u64,
    /// Widest `eth_getLogs` block range.
    pub max_log_block_range: u64,
    /// Most blocks one `eth_feeHistory` covers.
    pub fee_history_max_blocks: u64,
    /// Most transactions one `eth_feeHistory` with reward percentiles reads (it then covers fewer blocks).
    pub fee_history_max_txs: usize,
    /// Serve the block explorer at `http://ADDR/explorer/` (a browser's `GET /` is redirected there).
    pub explorer: bool,
}

/// `[sequencer]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SequencerSection {
    /// Milliseconds between blocks while there are transactions.
    pub block_time_ms: u64,
    /// Most transactions per block.
    pub max_txs_per_block: usize,
    /// A block with fewer transactions leaves the chain idle: the next is built as soon as a transaction
    /// arrives (0: always wait `block_time_ms`).
    pub idle_block_txs: usize,
    /// Batch: most blocks.
    pub batch_max_blocks: u64,
    /// Batch: most transactions.
    pub batch_max_txs: u64,
    /// Batch: most gas.
    pub batch_max_gas: u64,
    /// Batch: most pubdata bytes.
    pub batch_max_pubdata_bytes: u64,
    /// Batch: seconds after its first block that a batch is sealed.
    pub batch_max_age_secs: u64,
}

/// `[mempool]`
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MempoolSection {
    /// Most pooled transactions.
    pub max_txs: usize,
    /// Most pooled transactions per sender.
    pub max_per_sender: usize,
    /// Largest nonce gap accepted.
    pub max_nonce_gap: u64,
    /// Largest encoded transaction accepted, in bytes.
    pub max_tx_bytes: usize,
    /// Most encoded bytes of all pooled transactions.
    pub max_pool_bytes: usize,
    /// Most encoded bytes of one sender's pooled transactions.
    pub max_sender_bytes: usize,
}

/// `[genesis]`
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenesisSection {
    /// Genesis timestamp (0: the time the chain is created).
    pub timestamp: u64,
    /// `address = balance (wei)` pairs.
    pub alloc: Vec<GenesisAccount>,
}

/// One prefunded account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    /// Address.
    pub address: Address,
    /// Balance in wei.
    pub balance: U256,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("ferrum-data"),
            chain: ChainSection::default(),
            rpc: RpcSection::default(),
            sequencer: SequencerSection::default(),
            mempool: MempoolSection::default(),
            genesis: GenesisSection::default(),
            sync_per_block: true,
            l1: L1Section::default(),
            prover: ProverSection::default(),
        }
    }
}

impl Default for ChainSection {
    fn default() -> Self {
        let c = ferrum_stf::ChainConfig::default();
        Self {
            chain_id: c.chain_id,
            block_gas_limit: c.block_gas_limit,
            min_base_fee: c.fee.min_base_fee,
            fee_recipient: Address::ZERO,
            ethereum_l1: c.ethereum_l1,
            max_l1_tx_pubdata: c.max_l1_tx_pubdata,
        }
    }
}

impl Default for RpcSection {
    fn default() -> Self {
        let r = ferrum_rpc::RpcConfig::default();
        Self {
            addr: r.addr,
            max_request_body: r.max_request_body,
            max_batch_len: r.max_batch_len,
            max_connections: r.max_connections,
            gas_cap: r.gas_cap,
            max_log_block_range: r.max_log_block_range,
            fee_history_max_blocks: r.fee_history_max_blocks,
            fee_history_max_txs: r.fee_history_max_txs,
            explorer: r.explorer,
        }
    }
}

impl Default for SequencerSection {
    fn default() -> Self {
        let s = ferrum_sequencer::SequencerConfig::default();
        Self {
            block_time_ms: s.block_time.as_millis() as u64,
            max_txs_per_block: s.max_txs_per_block,
            idle_block_txs: s.idle_block_txs,
            batch_max_blocks: s.batch.max_blocks,
            batch_max_txs: s.batch.max_txs,
            batch_max_gas: s.batch.max_gas,
            batch_max_pubdata_bytes: s.batch.max_pubdata_bytes,
            batch_max_age_secs: s.batch.max_age.as_secs(),
        }
    }
}

impl Default for MempoolSection {
    fn default() -> Self {
        let m = ferrum_mempool::PoolConfig::default();
        Self {
            max_txs: m.max_txs,
            max_per_sender: m.max_per_sender,
            max_nonce_gap: m.max_nonce_gap,
            max_tx_bytes: m.max_tx_bytes,
            max_pool_bytes: m.max_pool_bytes,
            max_sender_bytes: m.max_sender_bytes,
        }
    }
}

impl NodeConfig {
    /// Parses a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    pub(crate) fn chain_config(&self) -> ferrum_stf::ChainConfig {
        ferrum_stf::ChainConfig {
            chain_id: self.chain.chain_id,
            block_gas_limit: self.chain.block_gas_limit,
            ethereum_l1: self.chain.ethereum_l1,
            max_l1_tx_pubdata: self.chain.max_l1_tx_pubdata,
            fee: ferrum_primitives::FeeParams {
                min_base_fee: self.chain.min_base_fee,
                ..Default::default()
            },
        }
    }

    /// Refuses settings under which a priority transaction could be too big for any batch (the queue would
    /// stall settlement).
    pub(crate) fn check_pubdata_limits(&self) -> anyhow::Result<()> {
        let batch = self.batch_max_pubdata_bytes();
        let needed = self
            .chain
            .max_l1_tx_pubdata
            .saturating_add(L1_TX_PUBDATA_OVERHEAD);
        anyhow::ensure!(
            batch >= needed,
            "a batch may carry {batch} bytes of pubdata, but a priority transaction may write \
             chain.max_l1_tx_pubdata = {} bytes (+{L1_TX_PUBDATA_OVERHEAD} of overhead): lower \
             chain.max_l1_tx_pubdata or raise sequencer.batch_max_pubdata_bytes",
            self.chain.max_l1_tx_pubdata
        );
        Ok(())
    }

    /// The most pubdata a batch may carry: the configured limit, capped by what one L1 transaction can take.
    fn batch_max_pubdata_bytes(&self) -> u64 {
        let s = &self.sequencer;
        match (&self.l1.rpc_url, self.l1.pubdata) {
            (Some(_), ferrum_l1::PubdataMode::Calldata) => {
                s.batch_max_pubdata_bytes.min(CALLDATA_PUBDATA_LIMIT)
            }
            (Some(_), ferrum_l1::PubdataMode::Blobs) => {
                s.batch_max_pubdata_bytes.min(BLOB_PUBDATA_LIMIT)
            }
            _ => s.batch_max_pubdata_bytes,
        }
    }

    /// The in-process prover's settings.
    pub(crate) fn prover_config(&self) -> ferrum_prover::ProverConfig {
        let p = &self.prover;
        ferrum_prover::ProverConfig {
            workers: p.workers.min(64),
            threads: p.threads,
            options: ferrum_prover::ProveOptions {
                segment_cycles: p.segment_cycles,
                ..Default::default()
            },
            heartbeat: Duration::from_secs(p.heartbeat_timeout_secs.max(4) / 4),
            name: "node".into(),
            ..Default::default()
        }
    }

    /// Refuses prover settings it cannot run with.
    pub(crate) fn check_prover(&self) -> anyhow::Result<()> {
        let p = &self.prover;
        if !p.enabled {
            return Ok(());
        }
        anyhow::ensure!(
            (1..=ferrum_zkvm::MAX_SEGMENT_CYCLES).contains(&p.segment_cycles),
            "prover.segment_cycles must be between 1 and 2^22, got {}",
            p.segment_cycles
        );
        let min_workers = usize::from(p.database_url.is_none());
        anyhow::ensure!(
            (min_workers..=64).contains(&p.workers),
            "prover.workers must be between {min_workers} and 64 (0 only with a prover database), got {}",
            p.workers
        );
        anyhow::ensure!(
            p.threads <= 1024,
            "prover.threads must be at most 1024, got {}",
            p.threads
        );
        anyhow::ensure!(
            p.heartbeat_timeout_secs >= 4,
            "prover.heartbeat_timeout_secs must be at least 4, got {}",
            p.heartbeat_timeout_secs
        );
        anyhow::ensure!(
            !(self.l1.rpc_url.is_some() && self.l1.pubdata == ferrum_l1::PubdataMode::Blobs),
            "proving batches whose pubdata goes in blobs is not implemented yet (the batch guest computes calldata \
             and validium DA commitments only): use l1.pubdata = calldata or validium, or disable the prover"
        );
        Ok(())
    }

    pub(crate) fn sequencer_config(&self) -> ferrum_sequencer::SequencerConfig {
        let s = &self.sequencer;
        ferrum_sequencer::SequencerConfig {
            block_time: Duration::from_millis(s.block_time_ms),
            max_txs_per_block: s.max_txs_per_block,
            idle_block_txs: s.idle_block_txs,
            fee_recipient: self.chain.fee_recipient,
            batch: ferrum_sequencer::BatchSealConfig {
                max_blocks: s.batch_max_blocks,
                max_txs: s.batch_max_txs,
                max_gas: s.batch_max_gas,
                max_pubdata_bytes: self.batch_max_pubdata_bytes(),
                blobs: self.l1.rpc_url.is_some()
                    && self.l1.pubdata == ferrum_l1::PubdataMode::Blobs,
                max_age: Duration::from_secs(s.batch_max_age_secs),
            },
            // Block witnesses are kept until their batch is proven: record them only when batches are proven.
            witnesses: self.prover.enabled,
        }
    }

    pub(crate) fn pool_config(&self) -> ferrum_mempool::PoolConfig {
        ferrum_mempool::PoolConfig {
            chain_id: self.chain.chain_id,
            max_txs: self.mempool.max_txs,
            max_per_sender: self.mempool.max_per_sender,
            max_nonce_gap: self.mempool.max_nonce_gap,
            max_tx_bytes: self.mempool.max_tx_bytes,
            max_pool_bytes: self.mempool.max_pool_bytes,
            max_sender_bytes: self.mempool.max_sender_bytes,
            block_gas_limit: self.chain.block_gas_limit,
            ..Default::default()
        }
    }

    /// Where the L1 deployment file lives.
    pub fn deployment_file(&self) -> PathBuf {
        self.l1
            .deployment_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("l1-deployment.json"))
    }

    pub(crate) fn rpc_config(&self) -> ferrum_rpc::RpcConfig {
        ferrum_rpc::RpcConfig {
            addr: self.rpc.addr,
            max_request_body: self.rpc.max_request_body,
            max_batch_len: self.rpc.max_batch_len,
            max_connections: self.rpc.max_connections,
            gas_cap: self.rpc.gas_cap,
            max_log_block_range: self.rpc.max_log_block_range,
            fee_history_max_blocks: self.rpc.fee_history_max_blocks,
            fee_history_max_txs: self.rpc.fee_history_max_txs,
            batch_guest_id: self
                .prover
                .enabled
                .then(|| ferrum_prover::guest_id(ferrum_prover::BATCH_GUEST_ELF)),
            explorer: self.rpc.explorer,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_limit_below_the_largest_priority_transaction_is_refused() {
        let mut c = NodeConfig::default();
        c.sequencer.batch_max_pubdata_bytes = 3_000;
        assert!(c.check_pubdata_limits().is_err());
        c.chain.max_l1_tx_pubdata = 2_000;
        c.check_pubdata_limits().unwrap();
        assert_eq!(c.chain_config().max_l1_tx_pubdata, 2_000);
        // Settling with calldata caps a batch at 120,000 bytes: the default (100,000) fits.
        let mut settling = NodeConfig::default();
        settling.l1.rpc_url = Some("http://127.0.0.1:1".into());
        settling.check_pubdata_limits().unwrap();
    }

    #[test]
    fn toml_roundtrip_and_unknown_fields_rejected() {
        let c = NodeConfig::default();
        let text = toml::to_string(&c).unwrap();
        let back = NodeConfig::from_toml(&text).unwrap();
        assert_eq!(back.chain.chain_id, c.chain.chain_id);
        assert!(NodeConfig::from_toml("[chain]\nchain_idd = 5\n").is_err());
        let partial = NodeConfig::from_toml("data_dir = \"/x\"\n[chain]\nchain_id = 5\n").unwrap();
        assert_eq!(partial.chain.chain_id, 5);
        assert_eq!(partial.sequencer.block_time_ms, 250);
    }

    #[test]
    fn mempool_and_rpc_limits_reach_the_pool_and_server() {
        let c = NodeConfig::from_toml(
            "[mempool]\nmax_tx_bytes = 1000\nmax_pool_bytes = 2000\nmax_sender_bytes = 3000\n\
             [rpc]\nfee_history_max_blocks = 7\nfee_history_max_txs = 8\n",
        )
        .unwrap();
        let p = c.pool_config();
        assert_eq!(
            (p.max_tx_bytes, p.max_pool_bytes, p.max_sender_bytes),
            (1000, 2000, 3000)
        );
        let r = c.rpc_config();
        assert_eq!((r.fee_history_max_blocks, r.fee_history_max_txs), (7, 8));
        // Omitted: the pool's and server's defaults.
        let d = NodeConfig::from_toml("").unwrap();
        let (p, dp) = (d.pool_config(), ferrum_mempool::PoolConfig::default());
        assert_eq!(
            (p.max_tx_bytes, p.max_pool_bytes, p.max_sender_bytes),
            (dp.max_tx_bytes, dp.max_pool_bytes, dp.max_sender_bytes)
        );
        assert_eq!(
            d.rpc_config().fee_history_max_txs,
            ferrum_rpc::RpcConfig::default().fee_history_max_txs
        );
    }
}
