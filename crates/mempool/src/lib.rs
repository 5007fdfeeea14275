//! Ferrum's transaction pool.
//!
//! Per-sender nonce queues with replacement by a higher fee, a global fee order for block
//! building, and limits on pool size, per-sender count and nonce gaps. The pool validates what
//! it can without executing (chain id, fees, intrinsic gas, nonce, balance); the caller passes the
//! sender's current nonce and balance, so the pool itself never touches storage.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod error;
mod pool;

pub use error::PoolError;
pub use pool::{AdmissionState, Mempool, PoolConfig, PoolTx};
