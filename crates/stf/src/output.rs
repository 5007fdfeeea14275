//! What executing a block produces.

use alloc::vec::Vec;
use alloy_consensus::{Header, ReceiptEnvelope};
use alloy_primitives::{Address, B256, Bytes, U256};
use ferrum_primitives::{AccountState, BlockTx, L2ToL1Log, StateCommitment, tree};

use crate::InvalidTx;

/// The receipt of an included transaction plus what RPC needs beyond the consensus receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxReceipt {
    /// Consensus receipt (status, cumulative gas, logs, bloom), typed by transaction type.
    pub envelope: ReceiptEnvelope,
    /// Gas used by this transaction alone.
    pub gas_used: u64,
    /// Address of the contract created, if any.
    pub contract_address: Option<Address>,
    /// Return data on success, revert data on revert, empty on halt.
    pub output: Bytes,
    /// Price per gas actually paid.
    pub effective_gas_price: u128,
}

impl TxReceipt {
    /// True if the transaction succeeded.
    pub fn success(&self) -> bool {
        self.envelope.status()
    }
}

/// Result of offering one transaction to a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxOutcome {
    /// The transaction is in the block (it may have reverted: see the receipt).
    Included {
        /// Whether it succeeded.
        success: bool,
        /// Gas it used.
        gas_used: u64,
    },
    /// The transaction is not valid against this state; the block is unchanged.
    Invalid(InvalidTx),
}

/// All state a block changed, in a deterministic order (sorted by address, then slot).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateWrites {
    /// New account states (an empty account means deleted).
    pub accounts: Vec<(Address, AccountState)>,
    /// New storage values (zero means cleared).
    pub storage: Vec<(Address, U256, U256)>,
    /// Bytecode first deployed in this block, by keccak hash.
    pub codes: Vec<(B256, Bytes)>,
}

impl StateWrites {
    /// `u32 BE n ‖ n × (address 20 ‖ AccountState 72) ‖ u32 BE m ‖ m × (address 20 ‖ slot 32 ‖
    /// value 32) ‖ u32 BE k ‖ k × (code hash 32 ‖ u32 BE len ‖ code)`. This is also the state-diff
    /// part of a batch's pubdata.
    pub fn encode(&self) -> Vec<u8> {
        let code_len: usize = self.codes.iter().map(|(_, c)| 36 + c.len()).sum();
        let mut out =
            Vec::with_capacity(12 + self.accounts.len() * 92 + self.storage.len() * 84 + code_len);
        out.extend_from_slice(&(self.accounts.len() as u32).to_be_bytes());
        for (a, s) in &self.accounts {
            out.extend_from_slice(a.as_slice());
            out.extend_from_slice(&s.encode());
        }
        out.extend_from_slice(&(self.storage.len() as u32).to_be_bytes());
        for (a, slot, v) in &self.storage {
            out.extend_from_slice(a.as_slice());
            out.extend_from_slice(&slot.to_be_bytes::<32>());
            out.extend_from_slice(&v.to_be_bytes::<32>());
        }
        out.extend_from_slice(&(self.codes.len() as u32).to_be_bytes());
        for (h, c) in &self.codes {
            out.extend_from_slice(h.as_slice());
            out.extend_from_slice(&(c.len() as u32).to_be_bytes());
            out.extend_from_slice(c);
        }
        out
    }

    /// Inverse of [`StateWrites::encode`]; `None` on malformed input.
    pub fn decode(mut bytes: &[u8]) -> Option<Self> {
        fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
            if b.len() < n {
                return None;
            }
            let (head, tail) = b.split_at(n);
            *b = tail;
            Some(head)
        }
        fn count(b: &mut &[u8]) -> Option<usize> {
            let raw = take(b, 4)?;
            Some(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize)
        }
        let b = &mut bytes;
        let n = count(b)?;
        let mut accounts = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let a = Address::from_slice(take(b, 20)?);
            accounts.push((
                a,
                AccountState::decode(take(b, AccountState::ENCODED_LEN)?)?,
            ));
        }
        let m = count(b)?;
        let mut storage = Vec::with_capacity(m.min(1 << 16));
        for _ in 0..m {
            let a = Address::from_slice(take(b, 20)?);
            let slot = U256::from_be_slice(take(b, 32)?);
            storage.push((a, slot, U256::from_be_slice(take(b, 32)?)));
        }
        let k = count(b)?;
        let mut codes = Vec::with_capacity(k.min(1 << 10));
        for _ in 0..k {
            let h = B256::from_slice(take(b, 32)?);
            let len = count(b)?;
            codes.push((h, Bytes::copy_from_slice(take(b, len)?)));
        }
        if !b.is_empty() {
            return None;
        }
        Some(Self {
            accounts,
            storage,
            codes,
        })
    }

    /// Merges `later` into `self` (later values win), keeping the sorted order.
    pub fn merge(&mut self, later: &StateWrites) {
        use alloc::collections::BTreeMap;
        let mut accounts: BTreeMap<_, _> = self.accounts.drain(..).collect();
        accounts.extend(later.accounts.iter().copied());
        self.accounts = accounts.into_iter().collect();
        let mut storage: BTreeMap<_, _> = self
            .storage
            .drain(..)
            .map(|(a, s, v)| ((a, s), v))
            .collect();
        storage.extend(later.storage.iter().map(|(a, s, v)| ((*a, *s), *v)));
        self.storage = storage.into_iter().map(|((a, s), v)| (a, s, v)).collect();
        let mut codes: BTreeMap<_, _> = self.codes.drain(..).collect();
        codes.extend(later.codes.iter().cloned());
        self.codes = codes.into_iter().collect();
    }

    /// The writes as `(tree key, leaf value)` pairs: accounts first, then storage.
    pub fn tree_writes(&self) -> Vec<(B256, B256)> {
        let mut out = Vec::with_capacity(self.accounts.len() + self.storage.len());
        for (address, account) in &self.accounts {
            out.push((tree::account_key(address), account.tree_value()));
        }
        for (address, slot, value) in &self.storage {
            out.push((
                tree::tree_key(address, &B256::from(*slot)),
                B256::from(*value),
            ));
        }
        out
    }
}

/// A fully executed and committed block.
#[derive(Clone, Debug)]
pub struct ExecutedBlock {
    /// The block header (its `state_root` is the state tree root).
    pub header: Header,
    /// keccak256 of the RLP-encoded header.
    pub hash: B256,
    /// Included transactions, in order (priority transactions first).
    pub transactions: Vec<BlockTx>,
    /// One receipt per included transaction.
    pub receipts: Vec<TxReceipt>,
    /// The block's state changes.
    pub writes: StateWrites,
    /// L2→L1 logs (status logs of priority transactions, messages of `L1Messenger`), with
    /// `tx_number_in_batch` relative to this block (the batch rebases them).
    pub l2_to_l1_logs: Vec<L2ToL1Log>,
    /// State commitment after this block.
    pub commitment: StateCommitment,
}
