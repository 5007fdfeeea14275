//! Proving a batch: the witness format, its checks and the execution the batch guest proves.
//!
//! [`run_batch`] takes a [`BatchWitness`] (the state commitment before the batch, the parent header, and per block
//! its transactions, the tree leaves and sibling hashes its reads and writes need, account preimages and
//! bytecode), checks every read against the commitment, executes the blocks with the same `ferrum-stf` the
//! sequencer runs, folds the writes into a [`PartialTree`] and returns the batch public input. The batch guest is
//! this function compiled to RISC-V; the node runs it natively to check a witness before proving it.
//!
//! The crate is `no_std + alloc` without the `std` feature.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

extern crate alloc;

mod oracle;
mod partial_tree;
mod pubdata;
mod run;
mod witness;

pub use partial_tree::PartialTree;
pub use pubdata::pubdata;
pub use run::{BatchRun, MAX_BATCH_BLOCKS, run_batch};
pub use witness::{
    BatchWitness, BlockWitness, DaMode, MAX_WITNESS_BYTES, WITNESS_VERSION, WitnessChain,
};

pub(crate) use oracle::WitnessOracle;

/// Why a batch witness was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The witness is malformed, or lacks or falsifies something the execution needs.
    #[error("batch witness: {0}")]
    Witness(&'static str),
    /// A witness of another format version.
    #[error("batch witness version {0} (this build reads version {WITNESS_VERSION})")]
    WitnessVersion(u32),
    /// RLP decoding failed.
    #[error("batch witness: {0}")]
    Rlp(alloy_rlp::Error),
    /// The tree leaves and siblings do not hash to the state root.
    #[error("batch witness: tree proof does not match the state root")]
    TreeRootMismatch,
    /// A transaction the sequencer could not have included.
    #[error("block {block} transaction {index} is invalid: {reason}")]
    InvalidTransaction {
        /// Block number.
        block: u64,
        /// Index in the block.
        index: usize,
        /// Why.
        reason: alloc::string::String,
    },
    /// The STF failed.
    #[error("state transition: {0}")]
    Stf(alloc::string::String),
    /// Not provable yet.
    #[error("not supported yet: {0}")]
    Unsupported(&'static str),
}
