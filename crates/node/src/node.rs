//! Wiring: store → tree → pool → sequencer → RPC.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use anyhow::Context as _;
use ferrum_mempool::Mempool;
use ferrum_rpc::RpcServer;
use ferrum_sequencer::{Chain, Genesis, Sequencer, SequencerHandle, init_or_load};
use ferrum_state::{Store, StoreOptions};

use crate::NodeConfig;

/// A started node.
#[derive(Debug)]
pub struct RunningNode {
    /// Shared chain state.
    pub chain: Arc<Chain>,
    /// Bound RPC address.
    pub rpc_addr: SocketAddr,
    rpc: RpcServer,
    sequencer: SequencerHandle,
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

    /// Stops RPC, then the sequencer (after its block in progress).
    pub async fn stop(self) -> anyhow::Result<()> {
        self.rpc.stop().await;
        self.sequencer.stop()?;
        Ok(())
    }
}

/// Opens (or creates) the chain in `config.data_dir` and starts sequencer and RPC.
pub async fn spawn(config: NodeConfig) -> anyhow::Result<RunningNode> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let store = Store::open(
        &config.data_dir.join("db"),
        StoreOptions {
            sync_per_block: config.sync_per_block,
        },
    )
    .with_context(|| format!("opening database in {}", config.data_dir.display()))?;
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
    };
    let (tree, head) = init_or_load(&store, &chain_config, &genesis)?;
    let pool = Mempool::new(config.pool_config());
    let chain = Arc::new(Chain::new(chain_config, store, tree, pool, head));
    let sequencer = Sequencer::new(chain.clone(), config.sequencer_config())?.spawn();
    let rpc = ferrum_rpc::start(chain.clone(), config.rpc_config())
        .await
        .context("starting JSON-RPC server")?;
    tracing::info!(addr = %rpc.local_addr, head = chain.head().header.number, "node started");
    Ok(RunningNode {
        chain,
        rpc_addr: rpc.local_addr,
        rpc,
        sequencer,
    })
}
