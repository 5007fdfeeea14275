//! Ferrum's state transition function (STF).
//!
//! One STF runs natively in the sequencer and, compiled to RISC-V, inside the zkVM. It executes
//! blocks of signed Ethereum transactions with `revm` under Prague rules, reading state through
//! a [`StateOracle`] and returning the writes, receipts and logs of the block. The new state
//! commitment is computed by a [`StateTree`] implementation, so that the node can keep the tree
//! in its database and the guest can keep a witness-checked partial tree.
//!
//! Flow: [`BlockExecutor::new`] → [`BlockExecutor::execute`] per transaction (an invalid
//! transaction is reported and leaves no trace) → [`BlockExecutor::finish`] → [`ExecutedBlock`].
//! With feature `simulate`, `simulate` runs a call against a state without committing (`eth_call`,
//! `eth_estimateGas`); with `l1-dev`, `ChainConfig::ethereum_l1` gives the embedded dev L1 Ethereum's fee rule. The
//! batch guest builds neither: what it proves is exactly the block execution below.
//!
//! The crate is `no_std + alloc` without the `std` feature: no I/O, no clock, no randomness.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

extern crate alloc;

mod config;
mod error;
mod executor;
mod oracle;
mod output;
mod overlay;
#[cfg(feature = "simulate")]
mod simulate;
mod tx_env;

pub use config::{BlockContext, ChainConfig, L1_TX_MAX_PUBDATA};
pub use error::{InvalidTx, StfError};
pub use executor::{BlockExecutor, MAX_BLOCK_TXS, receipt_2718};
pub use oracle::{StateOracle, StateTree};
pub use output::{ExecutedBlock, StateWrites, TxOutcome, TxReceipt};
#[cfg(feature = "simulate")]
pub use simulate::{
    CallRequest, Estimate, SimulationResult, estimate_gas, estimate_l1_gas, simulate,
};
pub use tx_env::tx_env;

pub use revm;
