//! Ferrum storage.
//!
//! - [`Store`]: RocksDB column families for blocks, transactions, receipts, the latest state,
//!   the state history (for reads at older blocks) and the state tree's leaves. A block is
//!   committed with one atomic write batch (synced once per block, never per transaction).
//! - [`MerkleTree`]: the in-memory state tree (ZKsync OS layout, see
//!   `ferrum_primitives::tree`), rebuilt from its persisted leaves on start, with membership and
//!   non-membership proofs.
//! - The explorer's indexes: each address's transactions and the ERC-20 tokens seen, written with the block.
//! - [`StateView`]: a [`ferrum_stf::StateOracle`] over the store at the head or at an older block.
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod error;
mod index;
mod keys;
mod merkle;
mod proofs;
mod store;
mod view;

pub use error::StoreError;
pub use index::{ERC20_TRANSFER_TOPIC, MAX_INDEX_PAGE};
pub use merkle::MerkleTree;
pub use proofs::{ProofJob, ProofStatus};
pub use store::{L1TxRecord, SettlementStage, Store, StoreOptions, StoredTx};
pub use view::StateView;
