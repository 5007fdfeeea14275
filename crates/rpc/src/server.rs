//! Server start-up and limits.

use std::{net::SocketAddr, sync::Arc};

use ferrum_sequencer::Chain;
use jsonrpsee::server::{
    BatchRequestConfig, Server, ServerConfig, ServerHandle, middleware::rpc::RpcServiceBuilder,
};

use crate::{
    eth::{EthApi, EthApiServer},
    explorer::{ExplorerApi, ExplorerApiServer},
    http_endpoints::HttpEndpointsLayer,
    logs::LogLimits,
    metrics::{Metrics, RpcMetricsLayer},
    zks::{L1Contracts, ZksApi, ZksApiServer},
};

/// RPC server settings.
#[derive(Clone, Copy, Debug)]
pub struct RpcConfig {
    /// Listen address (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Largest accepted request body, in bytes.
    pub max_request_body: u32,
    /// Largest response body, in bytes.
    pub max_response_body: u32,
    /// Most simultaneous connections.
    pub max_connections: u32,
    /// Most calls in one JSON-RPC batch.
    pub max_batch_len: u32,
    /// Gas cap of `eth_call` and `eth_estimateGas`.
    pub gas_cap: u64,
    /// Widest `eth_getLogs` block range.
    pub max_log_block_range: u64,
    /// Most logs one `eth_getLogs` returns.
    pub max_logs: usize,
    /// Most blocks one `eth_feeHistory` covers (a longer request is answered for the newest ones).
    pub fee_history_max_blocks: u64,
    /// Most transactions one `eth_feeHistory` with reward percentiles reads: it covers the newest blocks that
    /// fit (at least one).
    pub fee_history_max_txs: usize,
    /// The batch guest this node proves with (`ferrum_getProverInfo`); `None` when it does not prove.
    pub batch_guest_id: Option<alloy_primitives::B256>,
    /// Serve the block explorer at `/explorer/` (and redirect a browser's `GET /` there).
    pub explorer: bool,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8545)),
            max_request_body: 10 * 1024 * 1024,
            max_response_body: 100 * 1024 * 1024,
            max_connections: 1_000,
            max_batch_len: 1_000,
            gas_cap: 50_000_000,
            max_log_block_range: 10_000,
            max_logs: 10_000,
            fee_history_max_blocks: 1_024,
            fee_history_max_txs: 100_000,
            batch_guest_id: None,
            explorer: true,
        }
    }
}

/// A running server.
#[derive(Debug)]
pub struct RpcServer {
    /// The bound address.
    pub local_addr: SocketAddr,
    handle: ServerHandle,
}

impl RpcServer {
    /// Stops the server and waits until it has stopped.
    pub async fn stop(self) {
        let _ = self.handle.stop();
        self.handle.stopped().await;
    }

    /// Waits until the server stops.
    pub async fn stopped(self) {
        self.handle.stopped().await;
    }
}

/// Starts HTTP + WebSocket JSON-RPC on `config.addr`, with Prometheus `GET /metrics`, `GET /health` and (when
/// `config.explorer`) the block explorer at `GET /explorer/` on the same port; `l1` describes the L1 contracts when
/// the chain settles; `collectors` add other parts' metrics.
pub async fn start(
    chain: Arc<Chain>,
    config: RpcConfig,
    l1: Option<L1Contracts>,
    collectors: Vec<Box<dyn prometheus_client::collector::Collector>>,
) -> std::io::Result<RpcServer> {
    let server_config = ServerConfig::builder()
        .max_request_body_size(config.max_request_body)
        .max_response_body_size(config.max_response_body)
        .max_connections(config.max_connections)
        .set_batch_request_config(BatchRequestConfig::Limit(config.max_batch_len))
        .build();
    let api = EthApi {
        chain: chain.clone(),
        gas_cap: config.gas_cap,
        log_limits: LogLimits {
            max_block_range: config.max_log_block_range,
            max_logs: config.max_logs,
        },
        fee_history_max_blocks: config.fee_history_max_blocks,
        fee_history_max_txs: config.fee_history_max_txs,
    };
    let ferrum = crate::proofs::FerrumApi {
        chain: chain.clone(),
        batch_guest_id: config.batch_guest_id,
    };
    let chain_for_metrics = chain.clone();
    let explorer = ExplorerApi {
        chain: chain.clone(),
    };
    let zks = ZksApi {
        chain,
        l1,
        eth: api.clone(),
    };
    let mut module = api.into_rpc();
    module
        .merge(zks.into_rpc())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    module
        .merge(crate::proofs::FerrumApiServer::into_rpc(ferrum))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    module
        .merge(explorer.into_rpc())
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let metrics = Metrics::new(
        chain_for_metrics,
        module.method_names().map(str::to_owned),
        collectors,
    );
    metrics.observe_blocks();
    let server = Server::builder()
        .set_config(server_config)
        .set_rpc_middleware(RpcServiceBuilder::new().layer(RpcMetricsLayer(metrics.clone())))
        .set_http_middleware(tower::ServiceBuilder::new().layer(HttpEndpointsLayer {
            metrics,
            explorer: config.explorer,
        }))
        .build(config.addr)
        .await?;
    let local_addr = server.local_addr()?;
    let handle = server.start(module);
    Ok(RpcServer { local_addr, handle })
}
