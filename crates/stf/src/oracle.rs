//! The seams of the STF: state reads and the state tree.

use alloy_primitives::{Address, B256, Bytes, U256};
use ferrum_primitives::{AccountState, StateCommitment};

/// Read access to the state before a block (the node: RocksDB; the guest: a checked witness).
pub trait StateOracle {
    /// Error of the underlying store.
    type Error: core::error::Error + Send + Sync + 'static;

    /// The account at `address`, `None` if absent.
    fn account(&self, address: Address) -> Result<Option<AccountState>, Self::Error>;
    /// Value of a storage slot (zero if never written).
    fn storage(&self, address: Address, slot: U256) -> Result<U256, Self::Error>;
    /// Bytecode by keccak hash, `None` if unknown.
    fn code(&self, code_hash: B256) -> Result<Option<Bytes>, Self::Error>;
    /// Hash of an earlier block (`BLOCKHASH`); zero if out of range.
    fn block_hash(&self, number: u64) -> Result<B256, Self::Error>;
}

impl<T: StateOracle + ?Sized> StateOracle for &T {
    type Error = T::Error;
    fn account(&self, address: Address) -> Result<Option<AccountState>, Self::Error> {
        (**self).account(address)
    }
    fn storage(&self, address: Address, slot: U256) -> Result<U256, Self::Error> {
        (**self).storage(address, slot)
    }
    fn code(&self, code_hash: B256) -> Result<Option<Bytes>, Self::Error> {
        (**self).code(code_hash)
    }
    fn block_hash(&self, number: u64) -> Result<B256, Self::Error> {
        (**self).block_hash(number)
    }
}

/// The state tree the STF folds a block's writes into.
pub trait StateTree {
    /// Error of the tree's store.
    type Error: core::fmt::Display;

    /// Applies `(tree key, value)` writes (in the given, deterministic order) and returns the new
    /// root and next free leaf index.
    fn apply(&mut self, writes: &[(B256, B256)]) -> Result<(B256, u64), Self::Error>;
}

/// Convenience: a commitment for a block given the tree's result.
pub(crate) fn commitment(
    root: B256,
    next_free: u64,
    number: u64,
    hash: B256,
    ts: u64,
) -> StateCommitment {
    StateCommitment {
        tree_root: root,
        next_free_index: next_free,
        block_number: number,
        block_hash: hash,
        timestamp: ts,
    }
}
