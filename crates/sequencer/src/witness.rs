//! Batch witnesses: what each block read, recorded while it executes and stored with it, and the batch witness
//! assembled from the store when a batch is to be proven (`docs/architecture.md`, "Batch witness").

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
};

use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use ferrum_batch::{BatchWitness, BlockWitness, DaMode, WitnessChain};
use ferrum_primitives::{
    AccountState,
    tree::{account_key, tree_key},
};
use ferrum_state::{MerkleTree, Store};
use ferrum_stf::{BlockContext, ChainConfig, ExecutedBlock, StateOracle};

use crate::{BatchRecord, SequencerError};

/// What a block read from the state before it.
#[derive(Debug, Default)]
pub(crate) struct Reads {
    accounts: BTreeMap<Address, Option<AccountState>>,
    slots: BTreeSet<(Address, U256)>,
    codes: BTreeMap<B256, Bytes>,
    block_numbers: BTreeSet<u64>,
}

/// A [`StateOracle`] that remembers what it answered (when enabled), for the block's witness.
#[derive(Debug)]
pub(crate) struct Recorder<O> {
    inner: O,
    reads: Option<RefCell<Reads>>,
}

impl<O> Recorder<O> {
    pub(crate) fn new(inner: O, enabled: bool) -> Self {
        Self {
            inner,
            reads: enabled.then(RefCell::default),
        }
    }

    /// What was read so far (`None` when recording is off).
    pub(crate) fn take(&self) -> Option<Reads> {
        self.reads.as_ref().map(RefCell::take)
    }
}

impl<O: StateOracle> StateOracle for Recorder<O> {
    type Error = O::Error;

    fn account(&self, address: Address) -> Result<Option<AccountState>, Self::Error> {
        let a = self.inner.account(address)?;
        if let Some(r) = &self.reads {
            r.borrow_mut().accounts.insert(address, a);
        }
        Ok(a)
    }

    fn storage(&self, address: Address, slot: U256) -> Result<U256, Self::Error> {
        if let Some(r) = &self.reads {
            r.borrow_mut().slots.insert((address, slot));
        }
        self.inner.storage(address, slot)
    }

    fn code(&self, code_hash: B256) -> Result<Option<Bytes>, Self::Error> {
        let c = self.inner.code(code_hash)?;
        if let (Some(r), Some(code)) = (&self.reads, &c) {
            r.borrow_mut().codes.insert(code_hash, code.clone());
        }
        Ok(c)
    }

    fn block_hash(&self, number: u64) -> Result<B256, Self::Error> {
        if let Some(r) = &self.reads {
            r.borrow_mut().block_numbers.insert(number);
        }
        self.inner.block_hash(number)
    }
}

/// The witness record stored with each block (RLP in the `block_witness` column family).
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct StoredBlockWitness {
    /// What the batch guest needs of the block.
    pub witness: BlockWitness,
    /// Lowest block number whose hash the block read (`u64::MAX`: none): how far back the batch needs headers.
    pub oldest_hash_read: u64,
}

impl StoredBlockWitness {
    /// The block's witness but its transactions: `reads` and the tree keys `written` answered against `tree` (the
    /// state tree before the block's writes).
    pub(crate) fn capture(
        tree: &MerkleTree,
        reads: Reads,
        written: Vec<B256>,
        ctx: &BlockContext,
    ) -> Self {
        let keys = reads
            .accounts
            .keys()
            .map(account_key)
            .chain(
                reads
                    .slots
                    .iter()
                    .map(|(a, s)| tree_key(a, &B256::from(*s))),
            )
            .chain(written);
        let (leaves, siblings) = tree.multiproof(keys);
        let leaves = leaves
            .into_iter()
            .map(|(i, leaf)| {
                let mut raw = Vec::with_capacity(80);
                raw.extend_from_slice(&i.to_be_bytes());
                raw.extend_from_slice(&leaf.encode());
                Bytes::from(raw)
            })
            .collect();
        Self {
            witness: BlockWitness {
                timestamp: ctx.timestamp,
                fee_recipient: ctx.fee_recipient,
                txs: Vec::new(),
                accounts: reads
                    .accounts
                    .values()
                    .flatten()
                    .map(|a| Bytes::copy_from_slice(&a.encode()))
                    .collect(),
                codes: reads.codes.into_values().collect(),
                leaves,
                siblings,
            },
            oldest_hash_read: reads.block_numbers.first().copied().unwrap_or(u64::MAX),
        }
    }

    /// Adds the block's transactions, in order.
    pub(crate) fn with_transactions(mut self, block: &ExecutedBlock) -> Self {
        self.witness.txs = block
            .transactions
            .iter()
            .map(|t| t.encoded_2718().into())
            .collect();
        self
    }

    /// RLP encoding for storage.
    pub fn encode_stored(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.length());
        self.encode(&mut out);
        out
    }
}

/// The witness of sealed batch `record` (whose predecessor is `previous`), from the blocks' stored witness records.
/// Fails for a batch whose blocks were built without recording witnesses.
pub fn batch_witness(
    store: &Store,
    config: &ChainConfig,
    blobs: bool,
    previous: &BatchRecord,
    record: &BatchRecord,
) -> Result<BatchWitness, SequencerError> {
    let before = previous.commitment();
    let header = |n: u64| -> Result<Bytes, SequencerError> {
        let h = store
            .header(n)?
            .ok_or_else(|| SequencerError::Inconsistent(format!("header {n} missing")))?;
        Ok(alloy_rlp::encode(&h).into())
    };
    let mut blocks = Vec::new();
    let mut oldest = u64::MAX;
    for n in record.first_block..=record.last_block {
        let raw = store.block_witness(n)?.ok_or_else(|| {
            SequencerError::Inconsistent(format!(
                "block {n} has no witness: it was built with witness recording off, so batch {} cannot be proven",
                record.number
            ))
        })?;
        let stored = StoredBlockWitness::decode(&mut raw.as_slice())
            .map_err(|e| SequencerError::Inconsistent(format!("witness of block {n}: {e}")))?;
        oldest = oldest.min(stored.oldest_hash_read);
        blocks.push(stored.witness);
    }
    let ancestors = (oldest..before.block_number)
        .rev()
        .map(header)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BatchWitness {
        chain: WitnessChain::new(config, if blobs { DaMode::Blobs } else { DaMode::Keccak }),
        before,
        parent_header: header(before.block_number)?,
        ancestors,
        blocks,
    })
}
