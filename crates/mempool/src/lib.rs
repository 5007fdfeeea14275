//! Ferrum's transaction pool.
//!
//! Per-sender nonce queues with replacement by a higher fee, a global fee order for block
//! building, and limits on a transaction's size, on the pool's and each sender's transactions and
//! bytes, and on nonce gaps. The pool validates what it can without executing (chain id, fees,
//! intrinsic gas, nonce, balance: each transaction's cost and a sender's pooled transactions' summed
//! cost); the caller passes the sender's current nonce and balance, so the pool itself never touches
//! storage.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod error;
mod pool;

pub use error::PoolError;
pub use pool::{AdmissionState, Mempool, PoolConfig, PoolTx};
