//! Witness generation: a proof job, with the batch's witness, for every sealed batch.

use ferrum_sequencer::{BatchRecord, batch_witness};
use ferrum_state::{ProofJob, ProofStatus, Store};
use ferrum_stf::ChainConfig;

use crate::{ProverError, queue::now_ms};

/// Queues a proof job for each sealed batch that has none yet (at most `max` per call, lowest first), with the
/// batch's witness assembled from the blocks' stored witness records (which then go). A batch whose blocks were
/// built without witness recording gets a failed job that says so. Returns the batches queued.
///
/// # Errors
/// [`ProverError::Store`] or [`ProverError::Witness`] when the store's records cannot be read.
pub fn queue_sealed_batches(
    store: &Store,
    config: &ChainConfig,
    blobs: bool,
    max: usize,
) -> Result<Vec<u64>, ProverError> {
    let Some(last_sealed) = store.last_batch()? else {
        return Ok(Vec::new());
    };
    // Batch 0 is the genesis: nothing to prove.
    let first = store.last_proof_job()?.map_or(1, |b| b + 1);
    let mut queued = Vec::new();
    for number in (first..=last_sealed).take(max) {
        let record = |n: u64| -> Result<BatchRecord, ProverError> {
            let raw = store
                .batch(n)?
                .ok_or_else(|| ProverError::Witness(format!("batch {n} has no record")))?;
            BatchRecord::decode_stored(&raw).map_err(|e| ProverError::Witness(e.to_string()))
        };
        let (previous, batch) = (record(number - 1)?, record(number)?);
        let mut job = ProofJob {
            batch: number,
            public_input: batch.public_input,
            queued_at_ms: now_ms(),
            ..Default::default()
        };
        match batch_witness(store, config, blobs, &previous, &batch) {
            Ok(witness) => {
                let bytes = witness.encode();
                job.witness_bytes = bytes.len() as u64;
                store.enqueue_proof_job(&job, &bytes, batch.first_block..=batch.last_block)?;
                tracing::info!(
                    batch = number,
                    txs = batch.tx_count,
                    witness_bytes = bytes.len(),
                    bytes_per_tx = bytes.len() as u64 / batch.tx_count.max(1),
                    "batch witness queued for proving"
                );
            }
            Err(ferrum_sequencer::SequencerError::Store(e)) => return Err(e.into()),
            Err(e) => {
                job.status = ProofStatus::Failed as u8;
                job.error = e.to_string();
                store.put_proof_job(&job)?;
                tracing::error!(batch = number, error = %e, "batch cannot be proven");
            }
        }
        queued.push(number);
    }
    Ok(queued)
}
