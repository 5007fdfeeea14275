//! Ferrum's JSON-RPC server.
//!
//! One port serves HTTP and WebSocket (jsonrpsee). Namespaces: `eth_*` (the subset wallets and
//! tools use, with geth's error codes and messages), `net_*`, `web3_*` and `eth_subscribe`
//! (`newHeads`, `logs`), `zks_*`, and `ferrum_*` (proofs, the explorer's indexes). Plain `GET`s on the same port
//! serve `/metrics`, `/health` and the block explorer (`/explorer/`). Reads go to the store; `eth_sendRawTransaction` recovers the signer on
//! the calling worker thread (in parallel across connections) and admits into the mempool.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod block_id;
mod convert;
mod error;
mod eth;
mod explorer;
mod http_endpoints;
mod logs;
mod metrics;
mod proofs;
mod server;
mod zks;

pub use error::RpcErrorCode;
pub use explorer::MAX_EXPLORER_PAGE;
pub use metrics::{Metrics, MetricsError};
/// The metrics crate `start`'s collectors implement `Collector` of.
pub use prometheus_client;
pub use proofs::PROOF_CHUNK_BYTES;
pub use server::{RpcConfig, RpcServer, start};
pub use zks::L1Contracts;
