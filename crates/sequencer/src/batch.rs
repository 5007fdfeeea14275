//! L1 batches: which blocks they hold, their pubdata and their public input.

use alloy_primitives::{B256, Bytes, keccak256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use ferrum_primitives::{
    BatchOutput, EMPTY_PRIORITY_OPS_HASH, L1_TX_TYPE, L1Tx, L2ToL1Log, PROTOCOL_VERSION,
    StateCommitment, batch_public_input, l2_to_l1_logs_root, roll_priority_hash,
};
use ferrum_state::Store;
use ferrum_stf::StateWrites;

use crate::{BatchSealConfig, SequencerError};

/// A sealed batch as stored by the sequencer (RLP in the `batches` column family).
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BatchRecord {
    /// Batch number (0 = genesis).
    pub number: u64,
    /// First L2 block.
    pub first_block: u64,
    /// Last L2 block.
    pub last_block: u64,
    /// Transactions in the batch.
    pub tx_count: u64,
    /// Gas used by the batch.
    pub gas_used: u64,
    /// State tree root after the batch.
    pub tree_root: B256,
    /// Next free tree index after the batch.
    pub next_free_index: u64,
    /// Hash of the batch's last block.
    pub last_block_hash: B256,
    /// Hash of the state commitment before the batch.
    pub commitment_before: B256,
    /// Hash of the state commitment after the batch.
    pub commitment_after: B256,
    /// Timestamp of the first block.
    pub first_block_timestamp: u64,
    /// Timestamp of the last block.
    pub last_block_timestamp: u64,
    /// Priority operations executed.
    pub priority_ops_count: u64,
    /// Rolling hash of those operations.
    pub priority_ops_rolling_hash: B256,
    /// Root of the L2→L1 logs tree.
    pub l2_to_l1_logs_root: B256,
    /// keccak256 of the pubdata.
    pub da_commitment: B256,
    /// Hash of the batch output (see `BatchOutput::hash`).
    pub output_hash: B256,
    /// The public input the verifier checks.
    pub public_input: B256,
    /// The batch's pubdata.
    pub pubdata: Bytes,
}

impl BatchRecord {
    /// Decodes a stored record.
    pub fn decode_stored(bytes: &[u8]) -> Result<Self, SequencerError> {
        Self::decode(&mut &bytes[..])
            .map_err(|e| SequencerError::Inconsistent(format!("batch record: {e}")))
    }

    /// RLP encoding for storage.
    pub fn encode_stored(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pubdata.len() + 512);
        self.encode(&mut out);
        out
    }

    /// The state commitment after this batch.
    pub fn commitment(&self) -> StateCommitment {
        StateCommitment {
            tree_root: self.tree_root,
            next_free_index: self.next_free_index,
            block_number: self.last_block,
            block_hash: self.last_block_hash,
            timestamp: self.last_block_timestamp,
        }
    }
}

/// The EIP-7594 blob sidecar carrying `pubdata` (alloy's `SimpleCoder` layout: 31 data bytes per field element).
pub fn pubdata_blobs(
    pubdata: &[u8],
) -> Result<alloy_eips::eip7594::BlobTransactionSidecarEip7594, SequencerError> {
    alloy_eips::eip4844::builder::SidecarBuilder::<alloy_eips::eip4844::builder::SimpleCoder>::from_slice(
        pubdata,
    )
    .build_7594()
    .map_err(|e| SequencerError::Inconsistent(format!("blob commitment: {e}")))
}

/// `keccak256(versionedHash₀ ‖ … ‖ versionedHashₙ₋₁)` of the blobs carrying `pubdata`: what L1 recomputes with
/// `blobhash` (`docs/contracts.md`, "DA, rollup, blobs"). Only the KZG commitments are computed (no proofs).
fn blob_da_commitment(pubdata: &[u8]) -> Result<B256, SequencerError> {
    use alloy_eips::eip4844::{c_kzg, env_settings::EnvKzgSettings, kzg_to_versioned_hash};
    let kzg_err = |e: c_kzg::Error| SequencerError::Inconsistent(format!("blob commitment: {e}"));
    let settings = EnvKzgSettings::Default.get();
    let mut hashes = Vec::new();
    let blobs = alloy_eips::eip4844::builder::SidecarBuilder::<
        alloy_eips::eip4844::builder::SimpleCoder,
    >::from_slice(pubdata)
    .take();
    for blob in blobs {
        let blob = c_kzg::Blob::from_bytes(blob.as_slice()).map_err(kzg_err)?;
        let commitment = settings.blob_to_kzg_commitment(&blob).map_err(kzg_err)?;
        hashes.extend_from_slice(kzg_to_versioned_hash(commitment.as_slice()).as_slice());
    }
    Ok(keccak256(hashes))
}

/// A batch seals once it holds this many L2→L1 logs (the logs tree has 2^14 leaves; one block may add many).
const SEAL_AT_LOGS: usize = 4_096;

/// Most L2→L1 logs in one batch: the leaves of its logs tree.
pub const MAX_BATCH_LOGS: u64 = 1 << ferrum_primitives::L2_TO_L1_LOGS_TREE_DEPTH;

/// Most transactions in one batch: an L2→L1 log numbers its transaction in the batch with 16 bits.
pub const MAX_BATCH_TXS: u64 = u16::MAX as u64;

/// Adds a block's logs (tx numbers relative to the block) to a batch's, rebased by the batch's earlier txs.
/// The sequencer keeps a batch within [`MAX_BATCH_TXS`], so the sum fits 16 bits.
fn rebase(into: &mut Vec<L2ToL1Log>, block_logs: &[L2ToL1Log], txs_before: u64) {
    into.extend(block_logs.iter().map(|l| L2ToL1Log {
        tx_number_in_batch:
            u16::try_from(u64::from(l.tx_number_in_batch) + txs_before).unwrap_or(u16::MAX),
        ..*l
    }));
}

/// The L2→L1 logs of a sealed batch, in order (what its logs root is computed over).
pub fn batch_l2_logs(
    store: &Store,
    record: &BatchRecord,
) -> Result<Vec<L2ToL1Log>, SequencerError> {
    let mut logs = Vec::new();
    let mut txs_before = 0u64;
    for n in record.first_block..=record.last_block {
        rebase(&mut logs, &store.block_l2_logs(n)?, txs_before);
        txs_before += store.block_tx_count(n)?;
    }
    Ok(logs)
}

/// Transactions of `record`'s blocks before `block`: the batch index of `block`'s first transaction.
pub fn txs_before_in_batch(
    store: &Store,
    record: &BatchRecord,
    block: u64,
) -> Result<u64, SequencerError> {
    let mut before = 0;
    for n in record.first_block..block {
        before += store.block_tx_count(n)?;
    }
    Ok(before)
}

struct OpenBatch {
    first_block: u64,
    first_ts: u64,
    last: StateCommitment,
    blocks: u64,
    txs: u64,
    gas: u64,
    pubdata_estimate: u64,
    writes: StateWrites,
    priority_ops: u64,
    priority_hash: B256,
    logs: Vec<L2ToL1Log>,
}

/// Accumulates blocks into the open batch and seals it when a criterion is met.
pub struct BatchSealer {
    config: BatchSealConfig,
    chain_id: u64,
    last: BatchRecord,
    open: Option<OpenBatch>,
    /// Seal before the next block, whatever the criteria say.
    seal_now: bool,
}

impl std::fmt::Debug for BatchSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchSealer")
            .field("last", &self.last.number)
            .finish()
    }
}

impl BatchSealer {
    /// Restores the sealer from the store: the last sealed batch (creating the genesis batch if
    /// needed) and the blocks after it.
    pub fn load(
        store: &Store,
        config: BatchSealConfig,
        chain_id: u64,
    ) -> Result<Self, SequencerError> {
        let last = match store.last_batch()? {
            Some(n) => BatchRecord::decode_stored(
                &store
                    .batch(n)?
                    .ok_or_else(|| SequencerError::Inconsistent("batch vanished".into()))?,
            )?,
            None => {
                let (genesis, _) = store
                    .block_state(0)?
                    .ok_or_else(|| SequencerError::Inconsistent("no genesis block".into()))?;
                let record = genesis_batch(&genesis, chain_id);
                store.put_batch(0, &record.encode_stored())?;
                record
            }
        };
        let mut sealer = Self {
            config,
            chain_id,
            last,
            open: None,
            seal_now: false,
        };
        let head = store.head()?.unwrap_or(0);
        for n in sealer.last.last_block + 1..=head {
            let (commitment, writes) = store
                .block_state(n)?
                .ok_or_else(|| SequencerError::Inconsistent(format!("block {n} missing")))?;
            let header = store
                .header(n)?
                .ok_or_else(|| SequencerError::Inconsistent(format!("header {n} missing")))?;
            let txs = store.block_txs(n)?;
            let l1_hashes = txs
                .iter()
                .filter(|t| t.tx.first() == Some(&L1_TX_TYPE))
                .map(|t| {
                    L1Tx::decode_2718(&t.tx)
                        .map(|l1| l1.canonical_hash())
                        .map_err(|e| SequencerError::Inconsistent(format!("block {n}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            sealer.add_block(
                commitment,
                &writes,
                txs.len() as u64,
                header.gas_used,
                &l1_hashes,
                &store.block_l2_logs(n)?,
            );
        }
        Ok(sealer)
    }

    /// The last sealed batch.
    pub fn last_sealed(&self) -> &BatchRecord {
        &self.last
    }

    /// Adds a committed block to the open batch; `l1_hashes` are the canonical hashes of its priority
    /// transactions, in order.
    pub fn add_block(
        &mut self,
        commitment: StateCommitment,
        writes: &StateWrites,
        txs: u64,
        gas: u64,
        l1_hashes: &[B256],
        l2_logs: &[L2ToL1Log],
    ) {
        let open = self.open.get_or_insert_with(|| OpenBatch {
            first_block: commitment.block_number,
            first_ts: commitment.timestamp,
            last: commitment,
            blocks: 0,
            txs: 0,
            gas: 0,
            pubdata_estimate: 4,
            writes: StateWrites::default(),
            priority_ops: 0,
            priority_hash: EMPTY_PRIORITY_OPS_HASH,
            logs: Vec::new(),
        });
        rebase(&mut open.logs, l2_logs, open.txs);
        open.pubdata_estimate += l2_logs.len() as u64 * 88;
        for h in l1_hashes {
            open.priority_hash = roll_priority_hash(open.priority_hash, *h);
        }
        open.priority_ops += l1_hashes.len() as u64;
        open.last = commitment;
        open.blocks += 1;
        open.txs += txs;
        open.gas += gas;
        open.pubdata_estimate += writes.encode().len() as u64;
        open.writes.merge(writes);
    }

    /// Pubdata one transaction may add past a block's budget: a block stops taking transactions within this of
    /// the batch's room, and a batch seals within this of its limit, so batches stay under the L1 limit unless a
    /// single transaction writes more than this.
    fn pubdata_reserve(&self) -> u64 {
        self.config.max_pubdata_bytes / 8
    }

    /// Pubdata the next block may add before it stops taking transactions (what the open batch has room for,
    /// less the reserve).
    pub fn pubdata_budget(&self) -> u64 {
        self.pubdata_room().saturating_sub(self.pubdata_reserve())
    }

    /// Pubdata the next block may add without pushing the open batch over the limit.
    pub fn pubdata_room(&self) -> u64 {
        let used = self.open.as_ref().map_or(4, |o| o.pubdata_estimate);
        self.config.max_pubdata_bytes.saturating_sub(used)
    }

    /// Pubdata a block may add to an empty batch: a transaction that alone writes more can never be settled.
    pub fn pubdata_room_when_empty(&self) -> u64 {
        self.config.max_pubdata_bytes.saturating_sub(4)
    }

    /// L2→L1 logs the open batch can still take: its logs tree has [`MAX_BATCH_LOGS`] leaves.
    pub fn log_room(&self) -> u64 {
        MAX_BATCH_LOGS.saturating_sub(self.open.as_ref().map_or(0, |o| o.logs.len() as u64))
    }

    /// Transactions the open batch can still take within [`MAX_BATCH_TXS`].
    pub fn tx_room(&self) -> u64 {
        MAX_BATCH_TXS.saturating_sub(self.open.as_ref().map_or(0, |o| o.txs))
    }

    /// Seals the open batch before the next block (a transaction waits for a batch with more room).
    pub fn seal_before_next_block(&mut self) {
        self.seal_now = self.open.is_some();
    }

    /// True if the open batch meets a sealing criterion at unix time `now`.
    pub fn should_seal(&self, now: u64) -> bool {
        let Some(o) = &self.open else { return false };
        let c = &self.config;
        self.seal_now
            || o.blocks >= c.max_blocks
            || o.txs >= c.max_txs
            || o.gas >= c.max_gas
            || o.pubdata_estimate + self.pubdata_reserve() >= c.max_pubdata_bytes
            || o.logs.len() >= SEAL_AT_LOGS
            || now.saturating_sub(o.first_ts) >= c.max_age.as_secs()
    }

    /// Seals the open batch (if any), stores and returns it.
    pub fn seal(&mut self, store: &Store) -> Result<Option<BatchRecord>, SequencerError> {
        let Some(open) = self.open.take() else {
            return Ok(None);
        };
        self.seal_now = false;
        let pubdata = ferrum_batch::pubdata(&open.logs, &open.writes);
        let da_commitment = if self.config.blobs {
            blob_da_commitment(&pubdata)?
        } else {
            keccak256(&pubdata)
        };
        let logs_root = l2_to_l1_logs_root(&open.logs).ok_or_else(|| {
            SequencerError::Inconsistent(format!(
                "{} L2→L1 logs exceed the logs tree",
                open.logs.len()
            ))
        })?;
        let before = self.last.commitment();
        let output = BatchOutput {
            chain_id: self.chain_id,
            first_block_timestamp: open.first_ts,
            last_block_timestamp: open.last.timestamp,
            protocol_version: PROTOCOL_VERSION,
            priority_ops_count: open.priority_ops,
            priority_ops_rolling_hash: open.priority_hash,
            l2_to_l1_logs_root: logs_root,
            da_commitment,
        };
        let record = BatchRecord {
            number: self.last.number + 1,
            first_block: open.first_block,
            last_block: open.last.block_number,
            tx_count: open.txs,
            gas_used: open.gas,
            tree_root: open.last.tree_root,
            next_free_index: open.last.next_free_index,
            last_block_hash: open.last.block_hash,
            commitment_before: before.hash(),
            commitment_after: open.last.hash(),
            first_block_timestamp: open.first_ts,
            last_block_timestamp: open.last.timestamp,
            priority_ops_count: output.priority_ops_count,
            priority_ops_rolling_hash: output.priority_ops_rolling_hash,
            l2_to_l1_logs_root: output.l2_to_l1_logs_root,
            da_commitment: output.da_commitment,
            output_hash: output.hash(),
            public_input: batch_public_input(&before, &open.last, &output),
            pubdata: pubdata.into(),
        };
        store.put_batch(record.number, &record.encode_stored())?;
        self.last = record.clone();
        Ok(Some(record))
    }
}

fn genesis_batch(genesis: &StateCommitment, chain_id: u64) -> BatchRecord {
    let output = BatchOutput {
        chain_id,
        first_block_timestamp: genesis.timestamp,
        last_block_timestamp: genesis.timestamp,
        protocol_version: PROTOCOL_VERSION,
        priority_ops_count: 0,
        priority_ops_rolling_hash: EMPTY_PRIORITY_OPS_HASH,
        l2_to_l1_logs_root: l2_to_l1_logs_root(&[]).unwrap_or_default(),
        da_commitment: B256::ZERO,
    };
    BatchRecord {
        number: 0,
        first_block: 0,
        last_block: 0,
        tx_count: 0,
        gas_used: 0,
        tree_root: genesis.tree_root,
        next_free_index: genesis.next_free_index,
        last_block_hash: genesis.block_hash,
        commitment_before: B256::ZERO,
        commitment_after: genesis.hash(),
        first_block_timestamp: genesis.timestamp,
        last_block_timestamp: genesis.timestamp,
        priority_ops_count: 0,
        priority_ops_rolling_hash: output.priority_ops_rolling_hash,
        l2_to_l1_logs_root: output.l2_to_l1_logs_root,
        da_commitment: output.da_commitment,
        output_hash: output.hash(),
        public_input: B256::ZERO,
        pubdata: Bytes::new(),
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;

    use super::*;

    fn sealer() -> BatchSealer {
        let genesis = StateCommitment::default();
        BatchSealer {
            config: BatchSealConfig::default(),
            chain_id: 270,
            last: genesis_batch(&genesis, 270),
            open: None,
            seal_now: false,
        }
    }

    fn block(n: u64) -> StateCommitment {
        StateCommitment {
            block_number: n,
            ..Default::default()
        }
    }

    /// The sequencer builds a block only with what `tx_room` and `log_room` leave: they count what the open batch
    /// already holds against the 16-bit transaction numbers and the logs tree's leaves.
    #[test]
    fn tx_and_log_room_count_the_open_batch() {
        let mut s = sealer();
        assert_eq!(s.tx_room(), MAX_BATCH_TXS);
        assert_eq!(s.log_room(), MAX_BATCH_LOGS);
        let logs: Vec<L2ToL1Log> = (0..3)
            .map(|i| L2ToL1Log::message(i, Address::ZERO, B256::ZERO))
            .collect();
        s.add_block(block(1), &StateWrites::default(), 65_530, 0, &[], &logs);
        assert_eq!(s.tx_room(), 5);
        assert_eq!(s.log_room(), MAX_BATCH_LOGS - 3);
        // A block's logs are numbered after the batch's earlier transactions, within 16 bits.
        s.add_block(block(2), &StateWrites::default(), 5, 0, &[], &logs[..1]);
        assert_eq!(s.tx_room(), 0);
        assert_eq!(
            s.open.as_ref().map(|o| o.logs[3].tx_number_in_batch),
            Some(65_530)
        );
    }
}
