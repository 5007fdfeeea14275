//! The `ferrum` node: configuration, wiring and the commands of the `ferrum` binary.
//!
//! [`spawn`] starts a whole node (store, state tree, mempool, sequencer, JSON-RPC) from a
//! [`NodeConfig`]; the binary and the end-to-end tests both use it. [`bench`] is the load
//! generator behind `ferrum bench`.

pub mod bench;
pub mod config;
pub mod deposit;
pub mod dev_accounts;
mod l1_metrics;
mod node;
mod proving;
mod settlement;
pub mod withdraw;

pub use config::NodeConfig;
pub use node::{
    EMBEDDED_L1_CHAIN_ID, RunningNode, chain_create, ecosystem_init, spawn, spawn_embedded_l1,
};
