//! The RocksDB store.

use std::{path::Path, sync::Arc};

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bytes, U256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use ferrum_primitives::{
    AccountState, L1Tx, L2_TO_L1_LOG_SERIALIZE_SIZE, L2ToL1Log, StateCommitment, tree::Leaf,
};
use ferrum_stf::{ExecutedBlock, StateWrites};
use rocksdb::{
    ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, ReadOptions, WriteBatch,
    WriteOptions,
};

use crate::{StoreError, keys::*};

/// Store tuning.
#[derive(Clone, Copy, Debug)]
pub struct StoreOptions {
    /// fsync the write-ahead log once per committed block (a crash of the machine, not only
    /// of the process, then loses nothing acknowledged).
    pub sync_per_block: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            sync_per_block: true,
        }
    }
}

/// A transaction as stored with its receipt.
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct StoredTx {
    /// EIP-2718 encoding of the signed transaction.
    pub tx: Bytes,
    /// Recovered sender.
    pub sender: Address,
    /// EIP-2718 encoding of the consensus receipt.
    pub receipt: Bytes,
    /// Gas used by this transaction.
    pub gas_used: u64,
    /// Price per gas paid.
    pub effective_gas_price: u128,
    /// Created contract (empty or 20 bytes).
    pub contract_address: Bytes,
    /// Return or revert data.
    pub output: Bytes,
    /// Index (in the block) of this transaction's first log.
    pub first_log_index: u64,
}

/// A step of a batch's settlement on L1 (`docs/architecture.md`, "Settlement").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SettlementStage {
    /// `commitBatchesSharedBridge` mined.
    Committed = 0,
    /// `proveBatchesSharedBridge` mined.
    Proven = 1,
    /// `executeBatchesSharedBridge` mined.
    Executed = 2,
}

/// The L1 transaction that moved a batch to a [`SettlementStage`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L1TxRecord {
    /// L1 transaction hash.
    pub tx_hash: B256,
    /// L1 block that included it.
    pub block_number: u64,
    /// That block's timestamp.
    pub timestamp: u64,
}

impl L1TxRecord {
    /// `tx_hash (32) ‖ block_number u64 BE ‖ timestamp u64 BE`.
    pub fn encode(&self) -> [u8; 48] {
        let mut out = [0u8; 48];
        out[..32].copy_from_slice(self.tx_hash.as_slice());
        out[32..40].copy_from_slice(&self.block_number.to_be_bytes());
        out[40..].copy_from_slice(&self.timestamp.to_be_bytes());
        out
    }

    /// Inverse of [`L1TxRecord::encode`].
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 48 {
            return None;
        }
        Some(Self {
            tx_hash: B256::from_slice(&bytes[..32]),
            block_number: be_u64(&bytes[32..40])?,
            timestamp: be_u64(&bytes[40..])?,
        })
    }
}

/// Handle to the database; cheap to clone and safe to share between threads.
#[derive(Clone)]
pub struct Store {
    pub(crate) db: Arc<DB>,
    pub(crate) options: StoreOptions,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .finish()
    }
}

pub(crate) fn corrupt(table: &'static str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        table,
        reason: reason.to_string(),
    }
}

impl Store {
    /// Opens (or creates) the database in `path`.
    pub fn open(path: &Path, options: StoreOptions) -> Result<Self, StoreError> {
        let mut opts = Options::default();
        opts.create_if_missing(true);
        opts.create_missing_column_families(true);
        opts.increase_parallelism(2);
        opts.set_write_buffer_size(64 << 20);
        opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let cfs = ALL_CFS
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, opts.clone()));
        let db = DB::open_cf_descriptors(&opts, path, cfs)?;
        Ok(Self {
            db: Arc::new(db),
            options,
        })
    }

    pub(crate) fn cf(&self, name: &'static str) -> &rocksdb::ColumnFamily {
        // Every name in ALL_CFS is created by `open`.
        self.db
            .cf_handle(name)
            .unwrap_or_else(|| unreachable!("column family {name} is created on open"))
    }

    pub(crate) fn get(&self, cf: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.get_cf(self.cf(cf), key)?)
    }

    /// Number of the last committed block, `None` for an empty database.
    pub fn head(&self) -> Result<Option<u64>, StoreError> {
        self.get(CF_META, META_HEAD)?
            .map(|v| be_u64(&v).ok_or_else(|| corrupt(CF_META, "head")))
            .transpose()
    }

    /// Commits a block atomically: header, transactions, receipts, state, history, tree leaves
    /// and the new head. `leaves` are the tree leaves the block changed; `witness`, when given, is what proving
    /// the block needs (kept until its batch is proven).
    pub fn commit_block(
        &self,
        block: &ExecutedBlock,
        leaves: &[(u64, Leaf)],
        witness: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let number = block.header.number;
        match self.head()? {
            Some(head) if head + 1 != number => {
                return Err(StoreError::NonSequentialBlock { head, got: number });
            }
            None if number != 0 => {
                return Err(StoreError::NonSequentialBlock {
                    head: 0,
                    got: number,
                });
            }
            _ => {}
        }
        let mut batch = WriteBatch::default();
        let nb = number.to_be_bytes();
        let mut header_rlp = Vec::with_capacity(600);
        block.header.encode(&mut header_rlp);
        batch.put_cf(self.cf(CF_HEADERS), nb, header_rlp);
        batch.put_cf(self.cf(CF_CANONICAL), nb, block.hash);
        batch.put_cf(self.cf(CF_BLOCK_NUMBERS), block.hash, nb);

        let mut log_index = 0u64;
        let mut buf = Vec::with_capacity(512);
        let mut next_priority_op = None;
        for (i, (tx, receipt)) in block.transactions.iter().zip(&block.receipts).enumerate() {
            if let Some(l1) = tx.as_l1() {
                next_priority_op = Some(l1.serial_id + 1);
            }
            let stored = StoredTx {
                tx: tx.encoded_2718().into(),
                sender: tx.sender(),
                receipt: alloy_eips::Encodable2718::encoded_2718(&receipt.envelope).into(),
                gas_used: receipt.gas_used,
                effective_gas_price: receipt.effective_gas_price,
                contract_address: receipt
                    .contract_address
                    .map(|a| Bytes::copy_from_slice(a.as_slice()))
                    .unwrap_or_default(),
                output: receipt.output.clone(),
                first_log_index: log_index,
            };
            log_index += receipt.envelope.logs().len() as u64;
            buf.clear();
            stored.encode(&mut buf);
            let key = tx_key(number, i as u32);
            batch.put_cf(self.cf(CF_TXS), key, &buf);
            batch.put_cf(self.cf(CF_TX_LOOKUP), tx.hash(), key);
            self.index_tx(&mut batch, number, i as u32, tx, receipt)?;
        }
        if !block.l2_to_l1_logs.is_empty() {
            let logs: Vec<u8> = block
                .l2_to_l1_logs
                .iter()
                .flat_map(|l| l.encode())
                .collect();
            batch.put_cf(self.cf(CF_L2_LOGS), nb, logs);
        }
        if let Some(next) = next_priority_op {
            batch.put_cf(self.cf(CF_META), META_NEXT_PRIORITY_OP, next.to_be_bytes());
        }

        for (address, account) in &block.writes.accounts {
            let prefix = history_prefix(address, None);
            if account.is_empty() {
                batch.delete_cf(self.cf(CF_ACCOUNTS), address);
                batch.put_cf(self.cf(CF_HISTORY), history_key(&prefix, number), []);
            } else {
                let enc = account.encode();
                batch.put_cf(self.cf(CF_ACCOUNTS), address, enc);
                batch.put_cf(self.cf(CF_HISTORY), history_key(&prefix, number), enc);
            }
        }
        for (address, slot, value) in &block.writes.storage {
            let prefix = history_prefix(address, Some(slot));
            let key = storage_key(address, slot);
            if value.is_zero() {
                batch.delete_cf(self.cf(CF_STORAGE), key);
                batch.put_cf(self.cf(CF_HISTORY), history_key(&prefix, number), []);
            } else {
                let v = value.to_be_bytes::<32>();
                batch.put_cf(self.cf(CF_STORAGE), key, v);
                batch.put_cf(self.cf(CF_HISTORY), history_key(&prefix, number), v);
            }
        }
        for (hash, code) in &block.writes.codes {
            batch.put_cf(self.cf(CF_CODES), hash, code);
        }
        for (index, leaf) in leaves {
            batch.put_cf(self.cf(CF_TREE), index.to_be_bytes(), leaf.encode());
        }
        let writes = block.writes.encode();
        let mut extra = Vec::with_capacity(8 + writes.len());
        extra.extend_from_slice(&block.commitment.next_free_index.to_be_bytes());
        extra.extend_from_slice(&writes);
        batch.put_cf(self.cf(CF_BLOCK_EXTRA), nb, extra);
        if let Some(w) = witness {
            batch.put_cf(self.cf(CF_BLOCK_WITNESS), nb, w);
        }
        batch.put_cf(self.cf(CF_META), META_HEAD, nb);
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        self.db.write_opt(batch, &wo)?;
        Ok(())
    }

    /// The witness record stored with block `number`, if one was.
    pub fn block_witness(&self, number: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(CF_BLOCK_WITNESS, &number.to_be_bytes())
    }

    /// Header of block `number`.
    pub fn header(&self, number: u64) -> Result<Option<Header>, StoreError> {
        self.get(CF_HEADERS, &number.to_be_bytes())?
            .map(|v| Header::decode(&mut v.as_slice()).map_err(|e| corrupt(CF_HEADERS, e)))
            .transpose()
    }

    /// Hash of block `number`.
    pub fn block_hash(&self, number: u64) -> Result<Option<B256>, StoreError> {
        self.get(CF_CANONICAL, &number.to_be_bytes())?
            .map(|v| {
                if v.len() == 32 {
                    Ok(B256::from_slice(&v))
                } else {
                    Err(corrupt(CF_CANONICAL, "hash length"))
                }
            })
            .transpose()
    }

    /// Number of the block with hash `hash`.
    pub fn block_number(&self, hash: &B256) -> Result<Option<u64>, StoreError> {
        self.get(CF_BLOCK_NUMBERS, hash.as_slice())?
            .map(|v| be_u64(&v).ok_or_else(|| corrupt(CF_BLOCK_NUMBERS, "number")))
            .transpose()
    }

    /// Location `(block number, index)` of a transaction.
    pub fn tx_location(&self, hash: &B256) -> Result<Option<(u64, u32)>, StoreError> {
        self.get(CF_TX_LOOKUP, hash.as_slice())?
            .map(|v| {
                if v.len() != 12 {
                    return Err(corrupt(CF_TX_LOOKUP, "location length"));
                }
                let n = be_u64(&v[..8]).ok_or_else(|| corrupt(CF_TX_LOOKUP, "number"))?;
                let i = u32::from_be_bytes([v[8], v[9], v[10], v[11]]);
                Ok((n, i))
            })
            .transpose()
    }

    /// One stored transaction.
    pub fn tx(&self, number: u64, index: u32) -> Result<Option<StoredTx>, StoreError> {
        self.get(CF_TXS, &tx_key(number, index))?
            .map(|v| StoredTx::decode(&mut v.as_slice()).map_err(|e| corrupt(CF_TXS, e)))
            .transpose()
    }

    /// All transactions of block `number`, in order.
    pub fn block_txs(&self, number: u64) -> Result<Vec<StoredTx>, StoreError> {
        let prefix = number.to_be_bytes();
        let mut out = Vec::new();
        let iter = self.db.iterator_cf(
            self.cf(CF_TXS),
            IteratorMode::From(&prefix, Direction::Forward),
        );
        for item in iter {
            let (k, v) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            out.push(StoredTx::decode(&mut v.as_ref()).map_err(|e| corrupt(CF_TXS, e))?);
        }
        Ok(out)
    }

    /// Number of transactions in block `number` (keys only: nothing is decoded).
    pub fn block_tx_count(&self, number: u64) -> Result<u64, StoreError> {
        let prefix = number.to_be_bytes();
        let mut count = 0;
        for item in self.db.iterator_cf(
            self.cf(CF_TXS),
            IteratorMode::From(&prefix, Direction::Forward),
        ) {
            let (k, _) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            count += 1;
        }
        Ok(count)
    }

    /// Newest history entry of `prefix` at or before block `at`: `Some(value)` (empty = absent).
    fn history_at(&self, prefix: &[u8], at: u64) -> Result<Option<Vec<u8>>, StoreError> {
        let mut ro = ReadOptions::default();
        ro.set_prefix_same_as_start(false);
        let start = history_key(prefix, at);
        let mut iter = self.db.iterator_cf_opt(
            self.cf(CF_HISTORY),
            ro,
            IteratorMode::From(&start, Direction::Forward),
        );
        match iter.next() {
            Some(item) => {
                let (k, v) = item?;
                if k.len() == prefix.len() + 8 && k.starts_with(prefix) {
                    Ok(Some(v.to_vec()))
                } else {
                    Ok(None)
                }
            }
            None => Ok(None),
        }
    }

    /// Account at the head (`at = None`) or after block `at`.
    pub fn account(
        &self,
        address: &Address,
        at: Option<u64>,
    ) -> Result<Option<AccountState>, StoreError> {
        let raw = match at {
            None => self.get(CF_ACCOUNTS, address.as_slice())?,
            Some(n) => self
                .history_at(&history_prefix(address, None), n)?
                .filter(|v| !v.is_empty()),
        };
        raw.map(|v| AccountState::decode(&v).ok_or_else(|| corrupt(CF_ACCOUNTS, "account length")))
            .transpose()
    }

    /// Storage slot at the head (`at = None`) or after block `at`.
    pub fn storage(
        &self,
        address: &Address,
        slot: &U256,
        at: Option<u64>,
    ) -> Result<U256, StoreError> {
        let raw = match at {
            None => self.get(CF_STORAGE, &storage_key(address, slot))?,
            Some(n) => self.history_at(&history_prefix(address, Some(slot)), n)?,
        };
        Ok(raw
            .filter(|v| !v.is_empty())
            .map(|v| U256::from_be_slice(&v))
            .unwrap_or_default())
    }

    /// Bytecode by keccak hash.
    pub fn code(&self, hash: &B256) -> Result<Option<Bytes>, StoreError> {
        Ok(self.get(CF_CODES, hash.as_slice())?.map(Bytes::from))
    }

    /// All persisted tree leaves, in index order.
    pub fn tree_leaves(&self) -> Result<Vec<Leaf>, StoreError> {
        let mut out = Vec::new();
        for (expected, item) in self
            .db
            .iterator_cf(self.cf(CF_TREE), IteratorMode::Start)
            .enumerate()
        {
            let (k, v) = item?;
            if be_u64(&k) != Some(expected as u64) {
                return Err(corrupt(CF_TREE, "leaf indices are not dense"));
            }
            out.push(Leaf::decode(&v).ok_or_else(|| corrupt(CF_TREE, "leaf length"))?);
        }
        Ok(out)
    }

    /// The state commitment after block `number` and the block's state writes.
    pub fn block_state(
        &self,
        number: u64,
    ) -> Result<Option<(StateCommitment, StateWrites)>, StoreError> {
        let Some(header) = self.header(number)? else {
            return Ok(None);
        };
        let Some(raw) = self.get(CF_BLOCK_EXTRA, &number.to_be_bytes())? else {
            return Err(corrupt(CF_BLOCK_EXTRA, "missing for a stored header"));
        };
        if raw.len() < 8 {
            return Err(corrupt(CF_BLOCK_EXTRA, "too short"));
        }
        let next_free_index = be_u64(&raw[..8]).ok_or_else(|| corrupt(CF_BLOCK_EXTRA, "index"))?;
        let writes =
            StateWrites::decode(&raw[8..]).ok_or_else(|| corrupt(CF_BLOCK_EXTRA, "writes"))?;
        let commitment = StateCommitment {
            tree_root: header.state_root,
            next_free_index,
            block_number: number,
            block_hash: header.hash_slow(),
            timestamp: header.timestamp,
        };
        Ok(Some((commitment, writes)))
    }

    /// Stores a sequencer record for batch `number`.
    pub fn put_batch(&self, number: u64, record: &[u8]) -> Result<(), StoreError> {
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        self.db
            .put_cf_opt(self.cf(CF_BATCHES), number.to_be_bytes(), record, &wo)?;
        Ok(())
    }

    /// The sequencer record of batch `number`.
    pub fn batch(&self, number: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(CF_BATCHES, &number.to_be_bytes())
    }

    /// The highest batch number with a record.
    pub fn last_batch(&self) -> Result<Option<u64>, StoreError> {
        match self
            .db
            .iterator_cf(self.cf(CF_BATCHES), IteratorMode::End)
            .next()
        {
            Some(item) => {
                let (k, _) = item?;
                Ok(Some(be_u64(&k).ok_or_else(|| corrupt(CF_BATCHES, "key"))?))
            }
            None => Ok(None),
        }
    }

    /// Records (durably) that `batch` reached `stage` on L1.
    pub fn put_settlement(
        &self,
        batch: u64,
        stage: SettlementStage,
        record: &L1TxRecord,
    ) -> Result<(), StoreError> {
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        let mut wb = WriteBatch::default();
        wb.put_cf(
            self.cf(CF_SETTLEMENT),
            settlement_key(batch, stage as u8),
            record.encode(),
        );
        self.db.write_opt(wb, &wo)?;
        Ok(())
    }

    /// Forgets that batches after `last` reached `stage`: L1 no longer says so (its blocks were reorged out).
    /// Returns how many records went.
    pub fn forget_settlement_after(
        &self,
        last: u64,
        stage: SettlementStage,
    ) -> Result<u64, StoreError> {
        let mut wb = WriteBatch::default();
        let mut n = last + 1;
        while self
            .get(CF_SETTLEMENT, &settlement_key(n, stage as u8))?
            .is_some()
        {
            wb.delete_cf(self.cf(CF_SETTLEMENT), settlement_key(n, stage as u8));
            n += 1;
        }
        let gone = n - last - 1;
        if gone > 0 {
            let mut wo = WriteOptions::default();
            wo.set_sync(self.options.sync_per_block);
            self.db.write_opt(wb, &wo)?;
        }
        Ok(gone)
    }

    /// Records the highest batch whose execution on L1 is final (buried under the configured confirmations).
    /// It may go down: after an L1 reorg, L1's word is what counts.
    pub fn set_last_executed_batch(&self, batch: u64) -> Result<(), StoreError> {
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        self.db.put_cf_opt(
            self.cf(CF_META),
            META_LAST_EXECUTED,
            batch.to_be_bytes(),
            &wo,
        )?;
        Ok(())
    }

    /// The L1 transaction that moved `batch` to `stage`, if it has happened.
    pub fn settlement(
        &self,
        batch: u64,
        stage: SettlementStage,
    ) -> Result<Option<L1TxRecord>, StoreError> {
        match self.get(CF_SETTLEMENT, &settlement_key(batch, stage as u8))? {
            Some(v) => Ok(Some(
                L1TxRecord::decode(&v).ok_or_else(|| corrupt(CF_SETTLEMENT, "record"))?,
            )),
            None => Ok(None),
        }
    }

    /// The highest batch whose execution on L1 is final (as recorded by the L1 sender).
    pub fn last_executed_batch(&self) -> Result<Option<u64>, StoreError> {
        match self.get(CF_META, META_LAST_EXECUTED)? {
            Some(v) => Ok(Some(
                be_u64(&v).ok_or_else(|| corrupt(CF_META, "last executed batch"))?,
            )),
            None => Ok(None),
        }
    }

    fn meta_u64(&self, key: &[u8]) -> Result<Option<u64>, StoreError> {
        self.get(CF_META, key)?
            .map(|v| be_u64(&v).ok_or_else(|| corrupt(CF_META, "u64 value")))
            .transpose()
    }

    /// Stores priority operations the L1 watcher saw (in serial order, continuing the stored ones) and the
    /// last L1 block it has fully processed, atomically.
    pub fn put_priority_ops(&self, ops: &[L1Tx], watched_to: u64) -> Result<(), StoreError> {
        let mut next = self.priority_ops_received()?;
        let mut wb = WriteBatch::default();
        for op in ops {
            if op.serial_id != next {
                return Err(corrupt(
                    CF_PRIORITY_OPS,
                    format!("op {} out of order, expected {next}", op.serial_id),
                ));
            }
            wb.put_cf(
                self.cf(CF_PRIORITY_OPS),
                op.serial_id.to_be_bytes(),
                op.encoded_2718(),
            );
            next += 1;
        }
        wb.put_cf(self.cf(CF_META), META_PRIORITY_RECEIVED, next.to_be_bytes());
        wb.put_cf(self.cf(CF_META), META_L1_WATCHED, watched_to.to_be_bytes());
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        self.db.write_opt(wb, &wo)?;
        Ok(())
    }

    /// The priority operation with `serial_id`, if the watcher has stored it.
    pub fn priority_op(&self, serial_id: u64) -> Result<Option<L1Tx>, StoreError> {
        self.get(CF_PRIORITY_OPS, &serial_id.to_be_bytes())?
            .map(|v| L1Tx::decode_2718(&v).map_err(|e| corrupt(CF_PRIORITY_OPS, e)))
            .transpose()
    }

    /// Number of priority operations stored (= the serial id the watcher expects next).
    pub fn priority_ops_received(&self) -> Result<u64, StoreError> {
        Ok(self.meta_u64(META_PRIORITY_RECEIVED)?.unwrap_or(0))
    }

    /// Serial id of the next priority operation to execute (committed atomically with blocks).
    pub fn next_priority_op(&self) -> Result<u64, StoreError> {
        Ok(self.meta_u64(META_NEXT_PRIORITY_OP)?.unwrap_or(0))
    }

    /// Last L1 block whose priority operations are all stored.
    pub fn l1_watched_block(&self) -> Result<Option<u64>, StoreError> {
        self.meta_u64(META_L1_WATCHED)
    }

    /// The L2→L1 logs of block `number` (tx numbers relative to the block).
    pub fn block_l2_logs(&self, number: u64) -> Result<Vec<L2ToL1Log>, StoreError> {
        let Some(raw) = self.get(CF_L2_LOGS, &number.to_be_bytes())? else {
            return Ok(Vec::new());
        };
        raw.chunks(L2_TO_L1_LOG_SERIALIZE_SIZE)
            .map(|c| L2ToL1Log::decode(c).ok_or_else(|| corrupt(CF_L2_LOGS, "log")))
            .collect()
    }
}

impl Store {
    /// Bytes each column family takes: its SST files on disk plus its memtables.
    pub fn table_sizes(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        ALL_CFS
            .iter()
            .map(|name| {
                let cf = self.cf(name);
                let int = |property: &str| -> Result<u64, StoreError> {
                    Ok(self.db.property_int_value_cf(cf, property)?.unwrap_or(0))
                };
                Ok((
                    *name,
                    int("rocksdb.total-sst-files-size")?
                        .saturating_add(int("rocksdb.cur-size-all-mem-tables")?),
                ))
            })
            .collect()
    }
}
