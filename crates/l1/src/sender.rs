//! The L1 sender: moves sealed batches through commit → prove → execute on the chain's L1 contract.
//!
//! L1 is the source of truth: every round reads the chain's `getTotalBatches{Committed,Verified,Executed}` and
//! sends at most one transaction per stage for the batches after those counters, then waits for its receipt.
//! A restart therefore never commits a batch twice: it waits for the operator's pending L1 transactions to be
//! mined, reads the counters again and goes on from there. Each mined step is stored (`Store::put_settlement`)
//! for `zks_getL1BatchDetails`.

use std::time::Duration;

use alloy::{providers::Provider, sol_types::SolValue};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use ferrum_primitives::EMPTY_PRIORITY_OPS_HASH;
use ferrum_sequencer::BatchRecord;
use ferrum_state::{L1TxRecord, SettlementStage, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::{
    L1Error,
    bindings::zk_chain::{
        IExecutor::{CommitBatchInfo, StoredBatchInfo},
        ZKChain::{self, ZKChainInstance},
    },
    fees::FeePolicy,
};

/// Where a batch's pubdata goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PubdataMode {
    /// In the commit transaction's calldata (`operatorDAInput = 0x00 ‖ pubdata`).
    #[default]
    Calldata,
    /// EIP-4844 blobs (EIP-7594 sidecars), one batch per commit transaction: `operatorDAInput = 0x01 ‖ n`.
    Blobs,
    /// Validium: L1 keeps only `daCommitment`; the data stays with the operator.
    Validium,
}

/// How batches get their proofs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofMode {
    /// Send an empty proof to `InsecureNoProofVerifier` (only with `--insecure-no-proofs`). Batches are UNPROVEN.
    InsecureNoProofs,
    /// Commit batches and never send a proof (no prover of the STF is wired yet), so batches stop at
    /// "committed". The mode of a chain whose verifier is not the insecure one.
    CommitOnly,
}

/// Sender settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderConfig {
    /// The L2 chain id.
    pub chain_id: u64,
    /// The chain's L1 contract.
    pub chain_contract: Address,
    /// The validator account the provider signs with.
    pub operator: Address,
    /// `commitment` of the genesis `StoredBatchInfo` (the CTM's `genesisBatchCommitment`).
    pub genesis_batch_commitment: B256,
    /// Pubdata placement.
    pub pubdata: PubdataMode,
    /// Proofs.
    pub proofs: ProofMode,
    /// Most batches per L1 transaction.
    pub max_batches_per_tx: u64,
    /// Pause between rounds with nothing to do, and after an L1 error.
    pub poll_interval: Duration,
    /// Pricing and re-pricing of the operator's transactions.
    pub fees: FeePolicy,
    /// L1 blocks an execution must be buried under before its batches count as final (the `finalized` tag).
    pub confirmations: u64,
    /// Prove a batch on L1 only once the node has stored (and verified) its proof (the node proves batches).
    pub wait_for_proofs: bool,
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Batches committed in this round.
    pub committed: u64,
    /// Batches proven in this round.
    pub proven: u64,
    /// Batches executed in this round.
    pub executed: u64,
}

impl Progress {
    /// True if the round sent nothing.
    pub fn is_idle(&self) -> bool {
        self.committed + self.proven + self.executed == 0
    }
}

/// The L1 sender of one chain.
#[derive(Debug)]
pub struct L1Sender<P: Provider + Clone> {
    provider: P,
    contract: ZKChainInstance<P>,
    store: Store,
    config: SenderConfig,
    /// Since when the operator has had a pending transaction this process did not send (e.g. from before a crash).
    stuck_since: std::sync::Mutex<Option<std::time::Instant>>,
    stats: std::sync::Arc<crate::SenderStats>,
}

/// `StoredBatchInfo` of a sealed batch (batch 0: the genesis info L1 stores).
pub fn stored_batch_info(record: &BatchRecord, genesis_commitment: B256) -> StoredBatchInfo {
    if record.number == 0 {
        return StoredBatchInfo {
            batchNumber: 0,
            batchHash: record.commitment_after,
            indexRepeatedStorageChanges: 0,
            numberOfLayer1Txs: U256::ZERO,
            priorityOperationsHash: EMPTY_PRIORITY_OPS_HASH,
            l2LogsTreeRoot: B256::ZERO,
            timestamp: U256::ZERO,
            commitment: genesis_commitment,
        };
    }
    StoredBatchInfo {
        batchNumber: record.number,
        batchHash: record.commitment_after,
        indexRepeatedStorageChanges: 0,
        numberOfLayer1Txs: U256::from(record.priority_ops_count),
        priorityOperationsHash: record.priority_ops_rolling_hash,
        l2LogsTreeRoot: record.l2_to_l1_logs_root,
        timestamp: U256::from(record.last_block_timestamp),
        commitment: record.output_hash,
    }
}

/// Number of blobs that carry `pubdata` (alloy's `SimpleCoder`, as `ferrum_sequencer::pubdata_blobs`): one byte
/// of `operatorDAInput`. The sequencer's blob pubdata limit keeps batches at a few blobs; more than 255 is refused.
fn blob_count(pubdata: &[u8]) -> Result<u8, L1Error> {
    let n = alloy::eips::eip4844::builder::SidecarBuilder::<
        alloy::eips::eip4844::builder::SimpleCoder,
    >::from_slice(pubdata)
    .take()
    .len();
    u8::try_from(n)
        .map_err(|_| L1Error::Local(format!("{n} blobs of pubdata: at most 255 fit a commit")))
}

/// `CommitBatchInfo` of a sealed batch.
pub fn commit_batch_info(
    record: &BatchRecord,
    chain_id: u64,
    pubdata: PubdataMode,
) -> Result<CommitBatchInfo, L1Error> {
    let operator_da_input = match pubdata {
        PubdataMode::Calldata => [&[0u8][..], &record.pubdata].concat().into(),
        PubdataMode::Blobs => Bytes::from(vec![1u8, blob_count(&record.pubdata)?]),
        PubdataMode::Validium => Bytes::new(),
    };
    Ok(CommitBatchInfo {
        batchNumber: record.number,
        newStateCommitment: record.commitment_after,
        numberOfLayer1Txs: U256::from(record.priority_ops_count),
        priorityOperationsHash: record.priority_ops_rolling_hash,
        l2LogsTreeRoot: record.l2_to_l1_logs_root,
        daCommitment: record.da_commitment,
        firstBlockTimestamp: record.first_block_timestamp,
        lastBlockTimestamp: record.last_block_timestamp,
        chainId: U256::from(chain_id),
        operatorDAInput: operator_da_input,
    })
}

/// Most DA input (calldata pubdata) one commit transaction carries, [`BATCH_ABI_BYTES`] per batch included: L1
/// nodes refuse transactions over 128 KiB (geth's `txMaxSize`).
const MAX_COMMIT_CALLDATA: usize = 124_000;

/// The most ABI encoding one batch's `CommitBatchInfo` adds around its DA input.
const BATCH_ABI_BYTES: usize = 640;

/// How many of the leading batches, with DA inputs of these sizes, fit one commit: at least one (a single batch's
/// pubdata is bounded by the sequencer), then while the running total (plus [`BATCH_ABI_BYTES`] each) stays
/// within `max`.
fn batches_within(sizes: impl IntoIterator<Item = usize>, max: usize) -> usize {
    let mut total = 0usize;
    let mut n = 0;
    for size in sizes {
        total = total.saturating_add(size + BATCH_ABI_BYTES);
        if n > 0 && total > max {
            break;
        }
        n += 1;
    }
    n
}

fn to_u64(v: U256, what: &str) -> Result<u64, L1Error> {
    u64::try_from(v).map_err(|_| L1Error::Unexpected(format!("{what} = {v} does not fit u64")))
}

impl<P: Provider + Clone> L1Sender<P> {
    /// A sender for `config.chain_contract`. Fails if L1's genesis batch is not this chain's genesis, or if the
    /// configuration asks for what is not built yet (blobs).
    pub async fn new(provider: P, store: Store, config: SenderConfig) -> Result<Self, L1Error> {
        let contract = ZKChain::new(config.chain_contract, provider.clone());
        let sender = Self {
            provider,
            contract,
            store,
            config,
            stuck_since: std::sync::Mutex::new(None),
            stats: Default::default(),
        };
        let genesis = sender.stored_info(0)?;
        let on_l1 = sender.contract.storedBatchHash(U256::ZERO).call().await?;
        let ours = keccak256(genesis.abi_encode());
        if on_l1 != ours {
            return Err(L1Error::Unexpected(format!(
                "L1 genesis batch hash {on_l1} is not this chain's genesis {ours}: wrong chain contract or data dir"
            )));
        }
        Ok(sender)
    }

    /// What this sender's L1 transactions cost so far.
    pub fn stats(&self) -> std::sync::Arc<crate::SenderStats> {
        self.stats.clone()
    }

    fn record(&self, n: u64) -> Result<BatchRecord, L1Error> {
        let bytes = self
            .store
            .batch(n)
            .map_err(|e| L1Error::Local(e.to_string()))?
            .ok_or_else(|| L1Error::Local(format!("batch {n} is not sealed here")))?;
        BatchRecord::decode_stored(&bytes).map_err(|e| L1Error::Local(e.to_string()))
    }

    /// The highest batch in `after + 1..=up_to` such that it and every batch before it (after `after`) has a
    /// stored, verified proof; `after` when the next one has none.
    fn last_proven_locally(&self, after: u64, up_to: u64) -> Result<u64, L1Error> {
        let mut last = after;
        for n in after + 1..=up_to {
            let job = self
                .store
                .proof_job(n)
                .map_err(|e| L1Error::Local(e.to_string()))?;
            if job.map(|j| j.status()) != Some(ferrum_state::ProofStatus::Proven) {
                break;
            }
            last = n;
        }
        Ok(last)
    }

    fn stored_info(&self, n: u64) -> Result<StoredBatchInfo, L1Error> {
        Ok(stored_batch_info(
            &self.record(n)?,
            self.config.genesis_batch_commitment,
        ))
    }

    async fn mark(
        &self,
        batches: std::ops::RangeInclusive<u64>,
        stage: SettlementStage,
        receipt: &alloy::rpc::types::TransactionReceipt,
    ) -> Result<(), L1Error> {
        let block_number = receipt.block_number.unwrap_or_default();
        let timestamp = match self
            .provider
            .get_block_by_number(block_number.into())
            .await?
        {
            Some(b) => b.header.timestamp,
            None => 0,
        };
        let record = L1TxRecord {
            tx_hash: receipt.transaction_hash,
            block_number,
            timestamp,
        };
        for n in batches {
            self.store
                .put_settlement(n, stage, &record)
                .map_err(|e| L1Error::Local(e.to_string()))?;
        }
        Ok(())
    }

    /// Makes what is stored follow L1: stage records above L1's counters go (their L1 blocks were reorged out;
    /// the batches are sent again), and the final executed batch is L1's counter `confirmations` blocks deep.
    async fn follow_l1(&self, committed: u64, verified: u64, executed: u64) -> Result<(), L1Error> {
        let local = |e: ferrum_state::StoreError| L1Error::Local(e.to_string());
        for (last, stage) in [
            (committed, SettlementStage::Committed),
            (verified, SettlementStage::Proven),
            (executed, SettlementStage::Executed),
        ] {
            let gone = self
                .store
                .forget_settlement_after(last, stage)
                .map_err(local)?;
            if gone > 0 {
                tracing::warn!(
                    ?stage,
                    batches = gone,
                    after = last,
                    "L1 no longer has these batches at this stage (reorg): sending them again"
                );
            }
        }
        let final_executed = match self.config.confirmations {
            0 => executed,
            depth => match self.provider.get_block_number().await?.checked_sub(depth) {
                Some(at) => match self
                    .contract
                    .getTotalBatchesExecuted()
                    .block(at.into())
                    .call()
                    .await
                {
                    Ok(n) => to_u64(n, "executed")?,
                    // The chain was registered less than `depth` blocks ago: nothing is final yet.
                    Err(_)
                        if self
                            .provider
                            .get_code_at(self.config.chain_contract)
                            .block_id(at.into())
                            .await?
                            .is_empty() =>
                    {
                        0
                    }
                    Err(e) => return Err(e.into()),
                },
                None => 0,
            },
        };
        if self.store.last_executed_batch().map_err(local)? != Some(final_executed) {
            self.store
                .set_last_executed_batch(final_executed)
                .map_err(local)?;
        }
        Ok(())
    }

    /// Sends one operator transaction and waits until it is mined, re-pricing it while it waits.
    async fn send(
        &self,
        tx: alloy::rpc::types::TransactionRequest,
    ) -> Result<alloy::rpc::types::TransactionReceipt, L1Error> {
        let mined = crate::fees::send_with_fee_bumps(
            &self.provider,
            self.config.operator,
            tx,
            &self.config.fees,
            self.config.poll_interval,
        )
        .await?;
        self.stats.record(&mined);
        Ok(mined.receipt)
    }

    /// One round: waits for the operator's pending L1 transactions, then executes, proves and commits what L1
    /// is ready for (one transaction per stage).
    pub async fn step(&self) -> Result<Progress, L1Error> {
        let op = self.config.operator;
        let pending = self.provider.get_transaction_count(op).pending().await?;
        let mined = self.provider.get_transaction_count(op).latest().await?;
        if pending > mined {
            // A transaction from before a restart (or another instance) is still in flight. Give it time; if it
            // stays stuck (priced too low), replace it with a self-transfer so that the nonce frees up.
            let since = *self
                .stuck_since
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert_with(std::time::Instant::now);
            if since.elapsed() > self.config.fees.resend_after.saturating_mul(2) {
                tracing::warn!(
                    nonce = mined,
                    "an operator L1 transaction is stuck: replacing it"
                );
                let mined = crate::fees::cancel_stuck(
                    &self.provider,
                    op,
                    &self.config.fees,
                    self.config.poll_interval,
                )
                .await?;
                self.stats.record(&mined);
            }
            return Ok(Progress::default());
        }
        *self.stuck_since.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let committed = to_u64(
            self.contract.getTotalBatchesCommitted().call().await?,
            "committed",
        )?;
        let verified = to_u64(
            self.contract.getTotalBatchesVerified().call().await?,
            "verified",
        )?;
        let executed = to_u64(
            self.contract.getTotalBatchesExecuted().call().await?,
            "executed",
        )?;
        self.follow_l1(committed, verified, executed).await?;
        let sealed = self
            .store
            .last_batch()
            .map_err(|e| L1Error::Local(e.to_string()))?
            .unwrap_or(0);
        let max = self.config.max_batches_per_tx.max(1);
        let chain_id = U256::from(self.config.chain_id);
        let mut progress = Progress::default();

        // Execute only batches whose execution delay (if any) has passed on L1's clock, so that a delay never
        // turns into failing rounds that hold back proving and committing.
        let mut executable = verified.min(executed + max);
        let delay = self.contract.getExecutionDelay().call().await?;
        if !delay.is_zero() && executed < executable {
            // The transaction lands in a later block, whose timestamp is at least the wall clock's (a quiet
            // automining L1 has no newer block to read).
            let wall = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            let latest = match self
                .provider
                .get_block_by_number(Default::default())
                .await?
            {
                Some(b) => b.header.timestamp,
                None => 0,
            };
            let now = U256::from(wall.max(latest));
            let mut ready = executed;
            for n in executed + 1..=executable {
                let at = self.contract.batchCommittedAt(U256::from(n)).call().await?;
                if at + delay > now {
                    break;
                }
                ready = n;
            }
            executable = ready;
        }
        // A failing stage (e.g. a revert) is reported but does not hold back the stages after it.
        let mut failure = None;
        let stage = async {
            if executed >= executable {
                return Ok(0);
            }
            let last = executable;
            let infos = (executed + 1..=last)
                .map(|n| self.stored_info(n))
                .collect::<Result<Vec<_>, _>>()?;
            let receipt = self
                .send(
                    self.contract
                        .executeBatchesSharedBridge(chain_id, infos)
                        .into_transaction_request(),
                )
                .await?;
            self.mark(executed + 1..=last, SettlementStage::Executed, &receipt)
                .await?;
            if self.config.confirmations == 0 {
                self.store
                    .set_last_executed_batch(last)
                    .map_err(|e| L1Error::Local(e.to_string()))?;
            }
            tracing::info!(batches = %format!("{}..={last}", executed + 1), tx = %receipt.transaction_hash, "executed on L1");
            Ok::<u64, L1Error>(last - executed)
        };
        match stage.await {
            Ok(n) => progress.executed = n,
            Err(e) => failure = Some(e),
        }
        let stage = async {
            if verified >= committed || self.config.proofs != ProofMode::InsecureNoProofs {
                return Ok(0);
            }
            let mut last = committed.min(verified + max);
            if self.config.wait_for_proofs {
                last = self.last_proven_locally(verified, last)?;
                if last == verified {
                    return Ok(0);
                }
            }
            let prev = self.stored_info(verified)?;
            let infos = (verified + 1..=last)
                .map(|n| self.stored_info(n))
                .collect::<Result<Vec<_>, _>>()?;
            let call = self
                .contract
                .proveBatchesSharedBridge(chain_id, prev, infos, Bytes::new());
            let receipt = self.send(call.into_transaction_request()).await?;
            self.mark(verified + 1..=last, SettlementStage::Proven, &receipt)
                .await?;
            if self.config.wait_for_proofs {
                tracing::warn!(batches = %format!("{}..={last}", verified + 1), tx = %receipt.transaction_hash, "proven by the node's prover (proofs verified natively), accepted on L1 by the insecure verifier: no L1 verifier of zkVM proofs exists yet");
            } else {
                tracing::warn!(batches = %format!("{}..={last}", verified + 1), tx = %receipt.transaction_hash, "UNPROVEN: accepted by the insecure no-proof verifier");
            }
            Ok::<u64, L1Error>(last - verified)
        };
        match stage.await {
            Ok(n) => progress.proven = n,
            Err(e) => failure = failure.or(Some(e)),
        }
        let stage = async {
            if committed >= sealed {
                return Ok(0);
            }
            let blobs = self.config.pubdata == PubdataMode::Blobs;
            // A commit carries at most 6 blobs: one batch per transaction.
            let last = sealed.min(committed + if blobs { 1 } else { max });
            let prev = self.stored_info(committed)?;
            let mut infos = (committed + 1..=last)
                .map(|n| {
                    commit_batch_info(&self.record(n)?, self.config.chain_id, self.config.pubdata)
                })
                .collect::<Result<Vec<_>, L1Error>>()?;
            // L1 nodes refuse transactions over 128 KiB: calldata pubdata of several batches must share one.
            infos.truncate(batches_within(
                infos.iter().map(|i| i.operatorDAInput.len()),
                MAX_COMMIT_CALLDATA,
            ));
            let last = committed + infos.len() as u64;
            let mut call = self
                .contract
                .commitBatchesSharedBridge(chain_id, prev, infos);
            if blobs {
                let record = self.record(last)?;
                let sidecar = ferrum_sequencer::pubdata_blobs(&record.pubdata)
                    .map_err(|e| L1Error::Local(e.to_string()))?;
                let blob_fee = self.provider.get_blob_base_fee().await?;
                call = call
                    .sidecar_7594(sidecar)
                    .max_fee_per_blob_gas(blob_fee.saturating_mul(2).max(1));
            }
            let receipt = self.send(call.into_transaction_request()).await?;
            self.mark(committed + 1..=last, SettlementStage::Committed, &receipt)
                .await?;
            tracing::info!(batches = %format!("{}..={last}", committed + 1), tx = %receipt.transaction_hash, "committed on L1");
            Ok::<u64, L1Error>(last - committed)
        };
        match stage.await {
            Ok(n) => progress.committed = n,
            Err(e) => failure = failure.or(Some(e)),
        }
        match failure {
            Some(e) if progress.is_idle() => Err(e),
            Some(e) => {
                tracing::warn!(error = %e, "an L1 sender stage failed; the others went on");
                Ok(progress)
            }
            None => Ok(progress),
        }
    }

    /// Runs rounds until `stop` turns true. L1 errors are logged and retried after `poll_interval`: the L2 keeps
    /// sequencing while L1 is away and the sender catches up when it returns.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let idle = match self.step().await {
                Ok(p) => p.is_idle(),
                Err(e) => {
                    tracing::warn!(error = %e, "L1 sender round failed; retrying");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_takes_batches_while_their_calldata_fits() {
        assert_eq!(batches_within([120_000, 120_000], MAX_COMMIT_CALLDATA), 1);
        assert_eq!(batches_within([1_000; 10], MAX_COMMIT_CALLDATA), 10);
        assert_eq!(
            batches_within([60_000, 60_000, 60_000], MAX_COMMIT_CALLDATA),
            2
        );
        assert_eq!(
            batches_within(
                [30_000, 30_000, 30_000, 30_000, 30_000],
                MAX_COMMIT_CALLDATA
            ),
            4
        );
        // One batch always goes, whatever its size.
        assert_eq!(batches_within([200_000], MAX_COMMIT_CALLDATA), 1);
        assert_eq!(batches_within([], MAX_COMMIT_CALLDATA), 0);
    }

    #[test]
    fn blob_count_is_checked_not_truncated() {
        assert_eq!(blob_count(&[1u8; 1000]).unwrap(), 1);
        // 256 blobs would have been written as 0 by a plain `as u8`.
        let huge = vec![7u8; 256 * 126_976];
        assert!(blob_count(&huge).is_err());
    }
}
