//! Wiring: store → tree → pool → sequencer → RPC.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use anyhow::Context as _;
use ferrum_mempool::Mempool;
use ferrum_rpc::RpcServer;
use ferrum_sequencer::{Chain, Genesis, L1Ecosystem, Sequencer, SequencerHandle, init_or_load};
use ferrum_state::{Store, StoreOptions};

use crate::{
    NodeConfig,
    settlement::{self, Settlement},
};

/// A started node.
#[derive(Debug)]
pub struct RunningNode {
    /// Shared chain state.
    pub chain: Arc<Chain>,
    /// Bound RPC address.
    pub rpc_addr: SocketAddr,
    /// The L1 deployment, when the chain settles on L1.
    pub deployment: Option<ferrum_l1::Deployment>,
    rpc: RpcServer,
    sequencer: SequencerHandle,
    settlement: Option<Settlement>,
    proving: Option<crate::proving::Proving>,
}

impl RunningNode {
    /// HTTP URL of the RPC server.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.rpc_addr)
    }

    /// WebSocket URL of the RPC server.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.rpc_addr)
    }

    /// True while the sequencer runs.
    pub fn is_healthy(&self) -> bool {
        self.sequencer.is_running()
    }

    /// Stops RPC, the L1 sender, then the sequencer (after its block in progress).
    pub async fn stop(self) -> anyhow::Result<()> {
        self.rpc.stop().await;
        if let Some(s) = self.settlement {
            s.stop().await;
        }
        if let Some(p) = self.proving {
            tokio::task::spawn_blocking(move || p.stop()).await?;
        }
        self.sequencer.stop()?;
        Ok(())
    }
}

/// Opens (or creates) the chain in `config.data_dir`: store, genesis (recording the L1 ecosystem `l1`), state
/// tree, empty pool; seals the genesis batch (batch 0) of a new chain.
pub(crate) fn open_chain(config: &NodeConfig, l1: L1Ecosystem) -> anyhow::Result<Arc<Chain>> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = Store::open(
        &config.data_dir.join("db"),
        StoreOptions {
            sync_per_block: config.sync_per_block,
        },
    )
    .with_context(|| format!("opening database in {}", config.data_dir.display()))?;
    config.check_pubdata_limits()?;
    let chain_config = config.chain_config();
    let timestamp = if config.genesis.timestamp == 0 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    } else {
        config.genesis.timestamp
    };
    let genesis = Genesis {
        timestamp,
        alloc: config
            .genesis
            .alloc
            .iter()
            .map(|a| (a.address, a.balance))
            .collect(),
        l1,
    };
    let (tree, head) = init_or_load(&store, &chain_config, &genesis)?;
    let pool = Mempool::new(config.pool_config());
    let chain = Arc::new(Chain::new(chain_config, store, tree, pool, head));
    Sequencer::new(chain.clone(), config.sequencer_config())?;
    Ok(chain)
}

/// Opens (or creates) the chain in `config.data_dir` and starts sequencer, L1 sender and RPC.
pub async fn spawn(config: NodeConfig) -> anyhow::Result<RunningNode> {
    config.check_prover()?;
    let (chain, deployment, settlement) = match &config.l1.rpc_url {
        Some(url) => {
            settlement::check_reachable(url).await?;
            let (chain, deployment) = settlement::open_or_deploy(&config).await?;
            let sender = settlement::start_sender(
                chain.clone(),
                &config.l1,
                &deployment,
                config.prover.enabled,
            )
            .await?;
            (chain, Some(deployment), Some(sender))
        }
        None => (open_chain(&config, L1Ecosystem::default())?, None, None),
    };
    let sequencer = Sequencer::new(chain.clone(), config.sequencer_config())?.spawn();
    // Off the runtime: the PostgreSQL client blocks (it runs its own runtime).
    let proving = match config.prover.enabled {
        true => {
            let (chain, config) = (chain.clone(), config.clone());
            Some(
                tokio::task::spawn_blocking(move || crate::proving::Proving::start(chain, &config))
                    .await??,
            )
        }
        false => None,
    };
    let l1 = deployment
        .as_ref()
        .and_then(|d| settlement::l1_contracts(d, chain.config.chain_id));
    let collectors: Vec<Box<dyn ferrum_rpc::prometheus_client::collector::Collector>> = settlement
        .iter()
        .map(|s| {
            Box::new(crate::l1_metrics::L1SenderMetrics(s.stats.clone()))
                as Box<dyn ferrum_rpc::prometheus_client::collector::Collector>
        })
        .collect();
    let rpc = ferrum_rpc::start(chain.clone(), config.rpc_config(), l1, collectors)
        .await
        .context("starting JSON-RPC server")?;
    tracing::info!(addr = %rpc.local_addr, head = chain.head().header.number, "node started");
    Ok(RunningNode {
        chain,
        rpc_addr: rpc.local_addr,
        deployment,
        rpc,
        sequencer,
        settlement,
        proving,
    })
}

/// `ferrum ecosystem init`: deploys the L1 ecosystem, creates the chain's genesis in `config.data_dir` for it (its
/// commitment is the L1 genesis), registers the chain and writes the deployment file. Returns the deployment.
pub async fn ecosystem_init(mut config: NodeConfig) -> anyhow::Result<ferrum_l1::Deployment> {
    let url = config
        .l1
        .rpc_url
        .clone()
        .context("ecosystem init needs an L1 (l1.rpc_url / --l1-rpc)")?;
    settlement::check_reachable(&url).await?;
    let path = config.deployment_file();
    anyhow::ensure!(
        !path.exists(),
        "{} exists: the ecosystem is already deployed (use `ferrum chain create` to add a chain)",
        path.display()
    );
    config.l1.deploy_if_missing = true;
    Ok(settlement::open_or_deploy(&config).await?.1)
}

/// `ferrum chain create`: registers chain `config.chain.chain_id` in an existing deployment (the operator key
/// must own the Bridgehub; the new chain starts from the same genesis as the ChainTypeManager's) and rewrites
/// the deployment file.
pub async fn chain_create(config: NodeConfig) -> anyhow::Result<ferrum_l1::Deployment> {
    let url = config
        .l1
        .rpc_url
        .clone()
        .context("chain create needs an L1 (l1.rpc_url / --l1-rpc)")?;
    settlement::check_reachable(&url).await?;
    settlement::register_chain(&config.l1, &config.deployment_file(), config.chain.chain_id).await
}

/// Chain id of the embedded dev L1 (ZKsync's local L1 uses the same).
pub const EMBEDDED_L1_CHAIN_ID: u64 = 9;

/// Starts the embedded dev L1: the same node (revm under Prague, RocksDB, the Ethereum JSON-RPC) as a plain
/// Ethereum chain that mines a block as soon as transactions arrive (1 ms block time), chain id
/// [`EMBEDDED_L1_CHAIN_ID`], the 10 dev accounts funded with 10,000 ETH. It accepts EIP-4844 blob transactions
/// (sidecars checked by KZG; versioned hashes readable by BLOBHASH; blob base fee 1 wei). It does not settle
/// anywhere (see docs/architecture.md).
pub async fn spawn_embedded_l1(
    data_dir: std::path::PathBuf,
    addr: SocketAddr,
) -> anyhow::Result<RunningNode> {
    let balance = alloy_primitives::U256::from(10_000u64)
        * alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18u64));
    let mut config = NodeConfig {
        data_dir,
        ..Default::default()
    };
    config.chain.chain_id = EMBEDDED_L1_CHAIN_ID;
    config.chain.min_base_fee = 1_000_000_000;
    config.chain.ethereum_l1 = true;
    config.rpc.addr = addr;
    config.sequencer.block_time_ms = 1;
    // The operator's commits carry up to `l1.max_batches_per_tx` batches of calldata pubdata (120,000 bytes each):
    // more than the 128 KiB an L2 (and geth) takes in one transaction.
    config.mempool.max_tx_bytes = 2 * 1024 * 1024;
    config.genesis.alloc = crate::dev_accounts::dev_signers(10)?
        .iter()
        .map(|s| crate::config::GenesisAccount {
            address: s.address(),
            balance,
        })
        .collect();
    spawn(config).await
}
