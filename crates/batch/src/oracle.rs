//! The state a block reads, answered only from checked witness data.

use alloc::collections::BTreeMap;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use ferrum_primitives::{
    AccountState,
    tree::{account_key, tree_key},
};
use ferrum_stf::StateOracle;

use crate::{BatchError, BlockWitness, PartialTree};

/// Reads against a [`PartialTree`] checked against the state root, account preimages matched to their leaves'
/// values, bytecode matched to its keccak hash and block hashes from checked headers. Anything else is an error.
pub(crate) struct WitnessOracle<'a> {
    tree: &'a PartialTree,
    /// Account leaf value → the account it hashes.
    accounts: BTreeMap<B256, AccountState>,
    codes: BTreeMap<B256, Bytes>,
    block_hashes: &'a BTreeMap<u64, B256>,
}

impl<'a> WitnessOracle<'a> {
    pub(crate) fn new(
        tree: &'a PartialTree,
        block: &BlockWitness,
        block_hashes: &'a BTreeMap<u64, B256>,
    ) -> Result<Self, BatchError> {
        let mut accounts = BTreeMap::new();
        for raw in &block.accounts {
            let account = AccountState::decode(raw)
                .ok_or(BatchError::Witness("account preimage of the wrong length"))?;
            accounts.insert(account.tree_value(), account);
        }
        let codes = block
            .codes
            .iter()
            .map(|c| (keccak256(c), c.clone()))
            .collect();
        Ok(Self {
            tree,
            accounts,
            codes,
            block_hashes,
        })
    }
}

impl StateOracle for WitnessOracle<'_> {
    type Error = BatchError;

    fn account(&self, address: Address) -> Result<Option<AccountState>, BatchError> {
        let value = self.tree.get(&account_key(&address))?;
        if value.is_zero() {
            return Ok(None);
        }
        self.accounts
            .get(&value)
            .copied()
            .map(Some)
            .ok_or(BatchError::Witness(
                "no preimage for an account the block reads",
            ))
    }

    fn storage(&self, address: Address, slot: U256) -> Result<U256, BatchError> {
        Ok(self
            .tree
            .get(&tree_key(&address, &B256::from(slot)))?
            .into())
    }

    fn code(&self, code_hash: B256) -> Result<Option<Bytes>, BatchError> {
        self.codes
            .get(&code_hash)
            .cloned()
            .map(Some)
            .ok_or(BatchError::Witness(
                "no bytecode for a contract the block runs",
            ))
    }

    fn block_hash(&self, number: u64) -> Result<B256, BatchError> {
        self.block_hashes
            .get(&number)
            .copied()
            .ok_or(BatchError::Witness(
                "no header for a block hash the block reads",
            ))
    }
}
