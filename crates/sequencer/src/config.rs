//! Sequencer configuration.

use std::time::Duration;

use alloy_primitives::Address;

/// When an L1 batch is sealed: the first criterion reached seals it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchSealConfig {
    /// Most L2 blocks per batch.
    pub max_blocks: u64,
    /// Most transactions per batch.
    pub max_txs: u64,
    /// Most gas per batch.
    pub max_gas: u64,
    /// Most pubdata bytes per batch: L1's limit when the pubdata goes to L1 (calldata, or blobs: 126,976 usable
    /// bytes each); blocks stop taking transactions as their batch nears it. `u64::MAX` (the default): no limit,
    /// for a chain that posts no pubdata.
    pub max_pubdata_bytes: u64,
    /// Oldest a batch's first block may get before the batch is sealed.
    pub max_age: Duration,
    /// Pubdata goes to L1 in EIP-4844 blobs: `da_commitment = keccak256(versioned hashes of the pubdata's
    /// blobs)` instead of `keccak256(pubdata)`.
    pub blobs: bool,
}

impl Default for BatchSealConfig {
    fn default() -> Self {
        Self {
            max_blocks: 1_000,
            max_txs: 50_000,
            max_gas: 10_000_000_000,
            max_pubdata_bytes: u64::MAX,
            max_age: Duration::from_secs(10),
            blobs: false,
        }
    }
}

/// Sequencer behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SequencerConfig {
    /// Interval between L2 blocks while there are transactions.
    pub block_time: Duration,
    /// Most transactions per L2 block (the block is sealed as soon as the pool holds this many).
    pub max_txs_per_block: usize,
    /// A block with fewer transactions than this leaves the chain idle: the next block is built as soon as a
    /// transaction arrives instead of `block_time` after the last one, so a client sending one transaction at a
    /// time gets each receipt at once; under load blocks are bigger and `block_time` batches them. 0: always wait.
    pub idle_block_txs: usize,
    /// Receives all fees.
    pub fee_recipient: Address,
    /// Batch sealing criteria.
    pub batch: BatchSealConfig,
    /// Record each block's witness (what proving its batch needs) in the store.
    pub witnesses: bool,
}

impl Default for SequencerConfig {
    fn default() -> Self {
        Self {
            block_time: Duration::from_millis(250),
            max_txs_per_block: 10_000,
            idle_block_txs: 16,
            fee_recipient: Address::ZERO,
            batch: BatchSealConfig::default(),
            witnesses: true,
        }
    }
}
