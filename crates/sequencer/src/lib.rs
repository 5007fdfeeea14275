//! Ferrum's sequencer.
//!
//! A dedicated thread takes the best transactions from the [`ferrum_mempool::Mempool`], executes
//! them with the STF on top of the head state, folds the writes into the state tree and commits
//! the block to the store in one atomic write. L2 blocks are produced every `block_time` when
//! there is work (or at once when the pool holds a full block); L1 batches are sealed from
//! blocks by size and age criteria, with their public input computed as in
//! `docs/architecture.md`.
//!
//! [`Chain`] is the state shared with RPC: store, tree, head and the new-block broadcast.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod batch;
mod chain;
mod config;
mod error;
mod genesis;
mod sequencer;
mod system_contracts;
#[cfg(feature = "test-utils")]
pub mod testing;
mod witness;

pub use batch::{
    BatchRecord, BatchSealer, MAX_BATCH_LOGS, MAX_BATCH_TXS, batch_l2_logs, pubdata_blobs,
    txs_before_in_batch,
};
pub use chain::{BlockEvent, BlockObserver, Chain, Head};
pub use config::{BatchSealConfig, SequencerConfig};
pub use error::SequencerError;
pub use genesis::{Genesis, L1Ecosystem, init_or_load};
pub use sequencer::{Sequencer, SequencerHandle};
pub use system_contracts::system_contracts;
pub use witness::{StoredBlockWitness, batch_witness};
