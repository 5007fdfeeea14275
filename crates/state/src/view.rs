//! A [`StateOracle`] over the store.

use alloy_primitives::{Address, B256, Bytes, U256};
use ferrum_primitives::AccountState;
use ferrum_stf::StateOracle;

use crate::{Store, StoreError};

/// The state at the head (`at = None`) or after block `at`.
#[derive(Clone, Debug)]
pub struct StateView<'s> {
    store: &'s Store,
    at: Option<u64>,
}

impl<'s> StateView<'s> {
    /// State after block `at`, or at the head if `None`.
    pub fn new(store: &'s Store, at: Option<u64>) -> Self {
        Self { store, at }
    }
}

impl StateOracle for StateView<'_> {
    type Error = StoreError;

    fn account(&self, address: Address) -> Result<Option<AccountState>, StoreError> {
        self.store.account(&address, self.at)
    }

    fn storage(&self, address: Address, slot: U256) -> Result<U256, StoreError> {
        self.store.storage(&address, &slot, self.at)
    }

    fn code(&self, code_hash: B256) -> Result<Option<Bytes>, StoreError> {
        self.store.code(&code_hash)
    }

    fn block_hash(&self, number: u64) -> Result<B256, StoreError> {
        Ok(self.store.block_hash(number)?.unwrap_or_default())
    }
}
