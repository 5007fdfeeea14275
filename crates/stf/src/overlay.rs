//! A write-tracking cache between revm and the [`StateOracle`].

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, map::HashMap};
use ferrum_primitives::AccountState;
use revm::{
    Database, DatabaseCommit,
    bytecode::Bytecode,
    primitives::AddressMap,
    state::{Account, AccountInfo},
};

use crate::{StateOracle, output::StateWrites};

/// Oracle error carried through revm (revm requires its own marker trait).
#[derive(Debug)]
pub(crate) struct OracleError<E>(pub(crate) E);

impl<E: core::fmt::Display> core::fmt::Display for OracleError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}
impl<E: core::error::Error> core::error::Error for OracleError<E> {}
impl<E: core::error::Error + Send + Sync + 'static> revm::database_interface::DBErrorMarker
    for OracleError<E>
{
}

/// State as the block sees it: oracle reads, cached, with this block's writes on top.
pub(crate) struct Overlay<O> {
    oracle: O,
    accounts: AddressMap<Option<AccountState>>,
    storage: HashMap<(Address, U256), U256>,
    codes: HashMap<B256, Bytecode>,
    dirty_accounts: BTreeSet<Address>,
    dirty_storage: BTreeSet<(Address, U256)>,
    new_codes: BTreeMap<B256, Bytes>,
    /// Encoded size of `new_codes` in a state diff (`hash 32 ‖ len 4 ‖ code` each).
    new_code_bytes: u64,
}

impl<O: StateOracle> Overlay<O> {
    /// Size of the state diff written so far, as `StateWrites::encode` would lay it out (an upper bound: an account
    /// written back unchanged still counts).
    pub(crate) fn pubdata_estimate(&self) -> u64 {
        12 + self.dirty_accounts.len() as u64 * 92
            + self.dirty_storage.len() as u64 * 84
            + self.new_code_bytes
    }

    /// How much [`Self::pubdata_estimate`] would grow if `changes` were committed: accounts, slots and codes not
    /// yet written in this block (counted as `commit` counts them). Lets a caller price a transaction's pubdata
    /// before deciding to keep it.
    pub(crate) fn pubdata_growth(&self, changes: &AddressMap<Account>) -> u64 {
        let mut bytes = 0u64;
        let mut codes: BTreeSet<B256> = BTreeSet::new();
        for (address, account) in changes {
            if !account.is_touched() {
                continue;
            }
            if !self.dirty_accounts.contains(address) {
                bytes += 92;
            }
            if account.is_selfdestructed() {
                bytes += 84
                    * self
                        .selfdestruct_writes(*address)
                        .iter()
                        .filter(|k| !self.dirty_storage.contains(*k))
                        .count() as u64;
                continue;
            }
            let info = &account.info;
            if info.code.is_some()
                && info.code_hash != KECCAK256_EMPTY
                && !self.codes.contains_key(&info.code_hash)
                && codes.insert(info.code_hash)
            {
                bytes += 36
                    + info
                        .code
                        .as_ref()
                        .map_or(0, |c| c.original_bytes().len() as u64);
            }
            bytes += 84
                * account
                    .storage
                    .iter()
                    .filter(|(slot, v)| {
                        v.is_changed() && !self.dirty_storage.contains(&(*address, **slot))
                    })
                    .count() as u64;
        }
        bytes
    }

    /// The cached slots of `address` that a self-destruct must zero: those holding a value.
    fn selfdestruct_writes(&self, address: Address) -> Vec<(Address, U256)> {
        self.storage
            .iter()
            .filter(|((a, _), v)| *a == address && !v.is_zero())
            .map(|(k, _)| *k)
            .collect()
    }

    /// Tree keys of everything written so far (accounts, then slots), in no particular order.
    pub(crate) fn written_tree_keys(&self) -> Vec<B256> {
        use ferrum_primitives::tree::{account_key, tree_key};
        self.dirty_accounts
            .iter()
            .map(account_key)
            .chain(
                self.dirty_storage
                    .iter()
                    .map(|(a, s)| tree_key(a, &B256::from(*s))),
            )
            .collect()
    }

    /// The state the block reads.
    pub(crate) fn oracle(&self) -> &O {
        &self.oracle
    }

    pub(crate) fn new(oracle: O) -> Self {
        Self {
            oracle,
            accounts: AddressMap::default(),
            storage: HashMap::default(),
            codes: HashMap::default(),
            dirty_accounts: BTreeSet::new(),
            dirty_storage: BTreeSet::new(),
            new_codes: BTreeMap::new(),
            new_code_bytes: 0,
        }
    }

    fn load_account(
        &mut self,
        address: Address,
    ) -> Result<Option<AccountState>, OracleError<O::Error>> {
        if let Some(a) = self.accounts.get(&address) {
            return Ok(*a);
        }
        let a = self.oracle.account(address).map_err(OracleError)?;
        self.accounts.insert(address, a);
        Ok(a)
    }

    /// Adds `amount` to `address`'s balance (fee crediting outside the EVM).
    pub(crate) fn add_balance(
        &mut self,
        address: Address,
        amount: U256,
    ) -> Result<(), OracleError<O::Error>> {
        if amount.is_zero() {
            return Ok(());
        }
        let mut a = self.load_account(address)?.unwrap_or(AccountState {
            nonce: 0,
            balance: U256::ZERO,
            code_hash: KECCAK256_EMPTY,
        });
        a.balance = a.balance.saturating_add(amount);
        self.accounts.insert(address, Some(a));
        self.dirty_accounts.insert(address);
        Ok(())
    }

    /// Takes up to `amount` from `address`'s balance; returns what was taken.
    pub(crate) fn sub_balance(
        &mut self,
        address: Address,
        amount: U256,
    ) -> Result<U256, OracleError<O::Error>> {
        let Some(mut a) = self.load_account(address)? else {
            return Ok(U256::ZERO);
        };
        let taken = amount.min(a.balance);
        if taken.is_zero() {
            return Ok(taken);
        }
        a.balance -= taken;
        self.accounts.insert(address, Some(a));
        self.dirty_accounts.insert(address);
        Ok(taken)
    }

    /// Current nonce of `address` (0 if absent).
    pub(crate) fn nonce(&mut self, address: Address) -> Result<u64, OracleError<O::Error>> {
        Ok(self.load_account(address)?.map(|a| a.nonce).unwrap_or(0))
    }

    /// The accumulated writes, sorted.
    pub(crate) fn into_writes(self) -> StateWrites {
        let accounts = self
            .dirty_accounts
            .iter()
            .map(|a| {
                (
                    *a,
                    self.accounts.get(a).copied().flatten().unwrap_or_default(),
                )
            })
            .collect();
        let storage = self
            .dirty_storage
            .iter()
            .map(|(a, s)| {
                (
                    *a,
                    *s,
                    self.storage.get(&(*a, *s)).copied().unwrap_or_default(),
                )
            })
            .collect();
        let codes = self.new_codes.into_iter().collect::<Vec<_>>();
        StateWrites {
            accounts,
            storage,
            codes,
        }
    }
}

impl<O: StateOracle> Database for Overlay<O> {
    type Error = OracleError<O::Error>;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        Ok(self.load_account(address)?.map(|a| AccountInfo {
            balance: a.balance,
            nonce: a.nonce,
            code_hash: if a.code_hash.is_zero() {
                KECCAK256_EMPTY
            } else {
                a.code_hash
            },
            account_id: None,
            code: None,
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        if code_hash == KECCAK256_EMPTY || code_hash.is_zero() {
            return Ok(Bytecode::default());
        }
        if let Some(c) = self.codes.get(&code_hash) {
            return Ok(c.clone());
        }
        let raw = self
            .oracle
            .code(code_hash)
            .map_err(OracleError)?
            .unwrap_or_default();
        let code = Bytecode::new_raw(raw);
        self.codes.insert(code_hash, code.clone());
        Ok(code)
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, Self::Error> {
        if let Some(v) = self.storage.get(&(address, index)) {
            return Ok(*v);
        }
        let v = self.oracle.storage(address, index).map_err(OracleError)?;
        self.storage.insert((address, index), v);
        Ok(v)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        self.oracle.block_hash(number).map_err(OracleError)
    }
}

impl<O: StateOracle> DatabaseCommit for Overlay<O> {
    fn commit(&mut self, changes: AddressMap<Account>) {
        for (address, account) in changes {
            if !account.is_touched() {
                continue;
            }
            if account.is_selfdestructed() {
                // Only possible for accounts created in the same transaction (EIP-6780): every
                // slot they ever wrote is in this overlay. Only those that hold a value are zeroed and
                // written: slots merely read (zero) stay out of the state diff.
                for key in self.selfdestruct_writes(address) {
                    self.storage.insert(key, U256::ZERO);
                    self.dirty_storage.insert(key);
                }
                self.accounts.insert(address, None);
                self.dirty_accounts.insert(address);
                continue;
            }
            let info = &account.info;
            if let Some(code) = &info.code
                && info.code_hash != KECCAK256_EMPTY
                && !self.codes.contains_key(&info.code_hash)
            {
                self.codes.insert(info.code_hash, code.clone());
                let bytes = code.original_bytes();
                self.new_code_bytes += 36 + bytes.len() as u64;
                self.new_codes.insert(info.code_hash, bytes);
            }
            let state = AccountState {
                nonce: info.nonce,
                balance: info.balance,
                code_hash: info.code_hash,
            };
            self.accounts
                .insert(address, if state.is_empty() { None } else { Some(state) });
            self.dirty_accounts.insert(address);
            for (slot, value) in account.storage.iter() {
                if value.is_changed() {
                    self.storage.insert((address, *slot), value.present_value);
                    self.dirty_storage.insert((address, *slot));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty state.
    struct Empty;

    impl StateOracle for Empty {
        type Error = core::convert::Infallible;
        fn account(&self, _: Address) -> Result<Option<AccountState>, Self::Error> {
            Ok(None)
        }
        fn storage(&self, _: Address, _: U256) -> Result<U256, Self::Error> {
            Ok(U256::ZERO)
        }
        fn code(&self, _: B256) -> Result<Option<Bytes>, Self::Error> {
            Ok(None)
        }
        fn block_hash(&self, _: u64) -> Result<B256, Self::Error> {
            Ok(B256::ZERO)
        }
    }

    /// A transaction that reads many (empty) slots of an address, then creates a contract there that destroys
    /// itself: the pubdata priced before the commit is what the commit adds, and slots only read add nothing.
    #[test]
    fn pubdata_growth_is_what_a_commit_adds_even_for_a_selfdestruct() {
        let mut overlay = Overlay::new(Empty);
        let x = Address::repeat_byte(0x42);
        for slot in 0..500u64 {
            overlay.storage(x, U256::from(slot)).unwrap();
        }
        let mut account = Account::new_not_existing(revm::state::TransactionId::ZERO);
        account.mark_touch();
        account.mark_created();
        account.mark_selfdestruct();
        let changes: AddressMap<Account> = [(x, account)].into_iter().collect();
        let before = overlay.pubdata_estimate();
        let growth = overlay.pubdata_growth(&changes);
        overlay.commit(changes);
        assert_eq!(overlay.pubdata_estimate() - before, growth);
        assert_eq!(growth, 92, "only the account: read slots are not written");
    }
}
