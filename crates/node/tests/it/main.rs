//! End-to-end tests: the real node (in-process on a random port, or the `ferrum` binary as a child
//! process) driven over JSON-RPC by alloy's provider, raw HTTP and a WebSocket client.
#![allow(clippy::unwrap_used, clippy::too_many_arguments)] // test helpers: a failure is a test failure

mod bad_input;
mod common;
mod crash;
mod erc20_bridge;
mod explorer;
mod log_format;
mod metrics;
mod proving;
mod rpc_flow;
mod settlement;
mod zkvm_cli;
