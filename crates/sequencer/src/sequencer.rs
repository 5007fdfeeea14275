//! The block-production loop.

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use alloy_consensus::Transaction;
use ferrum_primitives::{BlockTx, L1Tx};
use ferrum_state::StateView;
use ferrum_stf::{BlockExecutor, InvalidTx, TxOutcome};

use crate::{
    BatchSealer, Chain, Head, MAX_BATCH_LOGS, SequencerConfig, SequencerError,
    chain::BlockEvent,
    witness::{Recorder, StoredBlockWitness},
};

/// Most priority transactions in one block (each may use up to the L1's `priorityTxMaxGasLimit`, 80M by default;
/// ten fit the 1G block gas limit).
const MAX_PRIORITY_OPS_PER_BLOCK: u64 = 10;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Builds blocks and seals batches.
pub struct Sequencer {
    chain: Arc<Chain>,
    config: SequencerConfig,
    batches: BatchSealer,
}

impl std::fmt::Debug for Sequencer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sequencer")
            .field("config", &self.config)
            .finish()
    }
}

/// Running sequencer thread; stops when dropped or on [`SequencerHandle::stop`].
#[derive(Debug)]
pub struct SequencerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<(), SequencerError>>>,
}

impl SequencerHandle {
    /// Stops the loop after the block in progress and returns its result.
    pub fn stop(mut self) -> Result<(), SequencerError> {
        self.stop.store(true, Ordering::SeqCst);
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(SequencerError::Inconsistent(
                "sequencer thread panicked".into(),
            )),
            None => Ok(()),
        }
    }

    /// True while the loop runs (false after a fatal error).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for SequencerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Sequencer {
    /// A sequencer over `chain`, resuming the open batch from the store.
    pub fn new(chain: Arc<Chain>, config: SequencerConfig) -> Result<Self, SequencerError> {
        let batches = BatchSealer::load(&chain.store, config.batch, chain.config.chain_id)?;
        Ok(Self {
            chain,
            config,
            batches,
        })
    }

    /// The batch sealer (last sealed batch).
    pub fn batches(&self) -> &BatchSealer {
        &self.batches
    }

    /// Seals the open batch now, whatever the criteria say (tests, and an operator draining a chain).
    pub fn seal_batch(&mut self) -> Result<Option<crate::BatchRecord>, SequencerError> {
        self.batches.seal(&self.chain.store)
    }

    /// Runs the loop on its own thread.
    pub fn spawn(mut self) -> SequencerHandle {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sequencer".into())
            .spawn(move || {
                let r = self.run(&flag);
                if let Err(e) = &r {
                    tracing::error!(error = %e, "sequencer stopped");
                }
                r
            })
            .ok();
        SequencerHandle { stop, thread }
    }

    fn run(&mut self, stop: &AtomicBool) -> Result<(), SequencerError> {
        let mut last_block = Instant::now();
        // Transactions in the last block: a small one means the chain is idle (see `idle_block_txs`).
        let mut last_block_txs = 0;
        while !stop.load(Ordering::Relaxed) {
            let idle = last_block_txs < self.config.idle_block_txs;
            let due = idle || last_block.elapsed() >= self.config.block_time;
            let full = self.chain.pool.len() >= self.config.max_txs_per_block;
            let work = !self.chain.pool.is_empty() || self.chain.has_pending_priority_ops()?;
            if (due && work) || full {
                last_block = Instant::now();
                last_block_txs = self.produce_block()?;
            } else {
                std::thread::sleep(Duration::from_millis(2));
            }
            if self.batches.should_seal(unix_now())
                && let Some(b) = self.batches.seal(&self.chain.store)?
            {
                tracing::info!(batch = b.number, blocks = %format!("{}..={}", b.first_block, b.last_block), txs = b.tx_count, "sealed batch");
            }
        }
        Ok(())
    }

    /// Builds, executes and commits one block from the pool. Returns the number of included
    /// transactions (0: nothing was committed).
    pub fn produce_block(&mut self) -> Result<usize, SequencerError> {
        let started = Instant::now();
        let chain = &self.chain;
        let ctx = chain.next_block_context(unix_now(), self.config.fee_recipient);
        // A batch numbers its transactions with 16 bits: close it before a block could overflow that.
        if self.batches.tx_room() <= MAX_PRIORITY_OPS_PER_BLOCK
            && let Some(b) = self.batches.seal(&chain.store)?
        {
            tracing::info!(
                batch = b.number,
                "sealed batch: transaction numbering is full"
            );
        }
        let mut priority = chain.pending_priority_ops(MAX_PRIORITY_OPS_PER_BLOCK)?;
        let tx_room = usize::try_from(self.batches.tx_room().saturating_sub(priority.len() as u64))
            .unwrap_or(usize::MAX);
        let candidates = chain
            .pool
            .best(ctx.base_fee, self.config.max_txs_per_block.min(tx_room));
        if candidates.is_empty() && priority.is_empty() {
            return Ok(0);
        }
        // Priority transactions bypass the pool but not the batch's pubdata limit: take them, in queue order,
        // while the batch has room. The STF caps each one's pubdata (`ChainConfig::max_l1_tx_pubdata`) below
        // what an empty batch holds, so the first one always fits a fresh batch.
        // The batch must fit L1's limit (calldata or blobs), and its logs tree: a batch with more L2→L1 logs than
        // leaves could never be sealed.
        let room = self.batches.pubdata_room();
        let log_room = self.batches.log_room();
        let record = self.config.witnesses;
        let mut trial = BlockExecutor::new(
            &chain.config,
            ctx,
            Recorder::new(StateView::new(&chain.store, None), record),
        );
        let mut fitting = 0;
        for op in &priority {
            trial
                .execute_l1(op.clone())
                .map_err(|e| SequencerError::Stf(e.to_string()))?;
            if trial.pubdata_estimate() > room || trial.l2_log_count() > log_room {
                break;
            }
            fitting += 1;
        }
        if fitting < priority.len() {
            if fitting == 0 && room < self.batches.pubdata_room_when_empty() {
                // Not even the next one fits what is left: close the batch now and build the block in a new one.
                drop(trial);
                if let Some(b) = self.batches.seal(&chain.store)? {
                    tracing::info!(
                        batch = b.number,
                        "sealed batch early: the next priority transaction needs its room"
                    );
                }
                return self.produce_block();
            }
            if fitting == 0 {
                // The node checks at start that max_l1_tx_pubdata fits an empty batch. Sealing a batch that L1
                // can never take would be permanent; stopping is not.
                return Err(SequencerError::Inconsistent(format!(
                    "priority transaction {} alone exceeds an empty batch's pubdata room",
                    priority[0].serial_id
                )));
            }
            priority.truncate(fitting);
            self.batches.seal_before_next_block();
        }
        let start = |priority: &[L1Tx]| -> Result<_, SequencerError> {
            let mut executor = BlockExecutor::new(
                &chain.config,
                ctx,
                Recorder::new(StateView::new(&chain.store, None), record),
            );
            // Priority transactions first, in queue order; each is always included.
            for op in priority {
                executor
                    .execute_l1(op.clone())
                    .map_err(|e| SequencerError::Stf(e.to_string()))?;
            }
            Ok(executor)
        };
        // The trial run is the block's start unless some priority transaction had to wait.
        let mut executor = if trial.tx_count() == priority.len() {
            trial
        } else {
            start(&priority)?
        };
        let mut blocked = HashSet::new();
        let mut evict = Vec::new();
        let mut included = Vec::new();
        // Stop taking transactions once the block's state diff nears the batch's room.
        let budget = self.batches.pubdata_budget();
        let mut too_big = None;
        for candidate in &candidates {
            if executor.pubdata_estimate() >= budget {
                break;
            }
            let tx = &candidate.tx;
            if blocked.contains(&tx.sender) {
                continue;
            }
            let before = executor.pubdata_estimate();
            let logs_before = executor.l2_log_count();
            match executor
                .execute(tx.clone())
                .map_err(|e| SequencerError::Stf(e.to_string()))?
            {
                TxOutcome::Included { .. }
                    if executor.pubdata_estimate() > room || executor.l2_log_count() > log_room =>
                {
                    // This transaction alone overflows the batch: it cannot stay in this block.
                    too_big = Some((
                        tx.hash,
                        executor.pubdata_estimate() - before,
                        executor.l2_log_count() - logs_before,
                    ));
                    break;
                }
                TxOutcome::Included { .. } => included.push(tx),
                TxOutcome::Invalid(reason) => {
                    blocked.insert(tx.sender);
                    match reason {
                        // Still valid later: the block is full or the base fee may fall.
                        InvalidTx::GasLimitExceedsBlock
                        | InvalidTx::FeeCapTooLow
                        | InvalidTx::BlockFull => {}
                        // An earlier transaction of this sender is missing: keep waiting.
                        InvalidTx::NonceTooHigh { .. } => {}
                        // Already executed (a stale copy): later nonces may still be fine.
                        InvalidTx::NonceTooLow { .. } => evict.push((tx.hash, false)),
                        _ => {
                            tracing::debug!(tx = %tx.hash, %reason, "dropping invalid transaction");
                            evict.push((tx.hash, true));
                        }
                    }
                }
            }
        }
        if let Some((hash, pubdata, logs)) = too_big {
            // Execution is deterministic: the block again, without it.
            executor = start(&priority)?;
            for tx in included {
                executor
                    .execute(tx.clone())
                    .map_err(|e| SequencerError::Stf(e.to_string()))?;
            }
            if pubdata > self.batches.pubdata_room_when_empty() || logs > MAX_BATCH_LOGS {
                tracing::warn!(tx = %hash, pubdata, logs, "dropping a transaction whose state diff or L2→L1 logs exceed what any batch can carry");
                evict.push((hash, true));
            } else {
                // It fits an empty batch: close this one after the block.
                self.batches.seal_before_next_block();
            }
        }
        for (h, descendants) in &evict {
            chain.pool.remove(h, *descendants);
        }
        if executor.tx_count() == 0 {
            return Ok(0);
        }
        let block = {
            let mut tree = chain.tree.write();
            // The witness's tree part is read from the tree before the block's writes.
            let witness = executor.oracle().take().map(|reads| {
                StoredBlockWitness::capture(&tree, reads, executor.written_tree_keys(), &ctx)
            });
            let block = executor
                .finish(&mut *tree)
                .map_err(|e| SequencerError::Stf(e.to_string()))?;
            let witness = witness.map(|w| w.with_transactions(&block).encode_stored());
            let leaves = tree.take_dirty_leaves();
            let commit_started = Instant::now();
            chain
                .store
                .commit_block(&block, &leaves, witness.as_deref())?;
            (block, commit_started.elapsed())
        };
        let (block, commit_time) = block;
        let executed: Vec<_> = block
            .transactions
            .iter()
            .filter_map(BlockTx::as_l2)
            .map(|t| (t.sender, t.envelope.nonce()))
            .collect();
        chain.pool.remove_executed(&executed);
        let event = BlockEvent::from_block(&block, started.elapsed(), commit_time);
        chain.observe(&event);
        chain.set_head(Head {
            header: block.header.clone(),
            hash: block.hash,
            commitment: block.commitment,
        });
        let l1_hashes: Vec<_> = block
            .transactions
            .iter()
            .filter_map(BlockTx::as_l1)
            .map(|t| t.canonical_hash())
            .collect();
        self.batches.add_block(
            block.commitment,
            &block.writes,
            block.transactions.len() as u64,
            block.header.gas_used,
            &l1_hashes,
            &block.l2_to_l1_logs,
        );
        let count = block.transactions.len();
        tracing::debug!(
            number = block.header.number,
            txs = count,
            gas = block.header.gas_used,
            "block committed"
        );
        chain.publish(event);
        Ok(count)
    }
}
