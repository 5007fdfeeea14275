//! The node's side of proving (`[prover]`): witness generation for every sealed batch, and either prover workers in
//! this process over the store's job queue, or a PostgreSQL queue shared with `ferrum prover` processes elsewhere,
//! whose proofs the node pulls and verifies before it stores them.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

use anyhow::Context as _;
use ferrum_prover::{
    BatchGuest, JobQueue, PgQueue, ProverError, ProverHandle, StoreQueue, queue_sealed_batches,
    spawn_workers, verify_batch,
};
use ferrum_sequencer::Chain;
use ferrum_state::{ProofStatus, Store};

use crate::NodeConfig;

/// Batches given a witness per round of the witness thread.
const WITNESSES_PER_ROUND: usize = 16;
/// Open jobs looked at per round of the PostgreSQL sync.
const SYNC_PER_ROUND: usize = 64;

/// The running prover.
#[derive(Debug)]
pub(crate) struct Proving {
    stop: Arc<AtomicBool>,
    witnesses: JoinHandle<()>,
    workers: ProverHandle,
}

impl Proving {
    /// Starts witness generation (and, with a prover database, the sync with it) and the workers.
    pub(crate) fn start(chain: Arc<Chain>, config: &NodeConfig) -> anyhow::Result<Self> {
        let guest = Arc::new(BatchGuest::embedded().context("loading the batch guest")?);
        let p = &config.prover;
        let lapse = Duration::from_secs(p.heartbeat_timeout_secs);
        let chain_id = chain.config.chain_id;
        let (queue, pg): (Arc<dyn JobQueue>, Option<PgQueue>) = match &p.database_url {
            Some(url) => {
                let connect = || {
                    PgQueue::connect(url, chain_id, lapse, p.max_attempts)
                        .context("connecting to the prover database (prover.database_url)")
                };
                (Arc::new(connect()?), Some(connect()?))
            }
            None => (
                Arc::new(StoreQueue::open(
                    chain.store.clone(),
                    lapse,
                    p.max_attempts,
                )?),
                None,
            ),
        };
        tracing::info!(
            guest = %guest.id(),
            workers = p.workers,
            segment_cycles = p.segment_cycles,
            queue = if pg.is_some() { "postgres" } else { "store" },
            "prover started"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let witnesses = {
            let (chain, stop, guest) = (chain.clone(), stop.clone(), guest.clone());
            std::thread::Builder::new()
                .name("witnesses".into())
                .spawn(move || {
                    let mut first_open = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let queued = queue_sealed_batches(
                            &chain.store,
                            &chain.config,
                            false,
                            WITNESSES_PER_ROUND,
                        );
                        if let Err(e) = &queued {
                            tracing::error!(error = %e, "batch witness generation");
                        }
                        if let Some(pg) = &pg
                            && let Err(e) = sync(&chain.store, pg, &guest, &mut first_open)
                        {
                            tracing::error!(error = %e, "prover database sync");
                        }
                        if !matches!(queued, Ok(q) if q.len() == WITNESSES_PER_ROUND) {
                            std::thread::sleep(Duration::from_millis(200));
                        }
                    }
                })
                .context("spawning the witness thread")?
        };
        let workers = spawn_workers(queue, guest, config.prover_config())?;
        Ok(Self {
            stop,
            witnesses,
            workers,
        })
    }

    /// Stops witness generation and the workers (a proof in progress stops after its current segment).
    pub(crate) fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.witnesses.join();
        self.workers.stop();
    }
}

/// One round of the node's sync with a PostgreSQL queue, over its open jobs: pushes the ones the database lacks,
/// mirrors the provers' progress into the store (for `zks_getL1BatchDetails`), and takes in the proofs, each
/// verified against the batch's public input and the guest first (a proof that does not verify is rejected and
/// the job queued again).
/// `first_open` is where the open jobs start (moved past the closed ones).
fn sync(
    store: &Store,
    pg: &PgQueue,
    guest: &BatchGuest,
    first_open: &mut u64,
) -> Result<(), ProverError> {
    let is_open = |j: &ferrum_state::ProofJob| {
        matches!(j.status(), ProofStatus::Queued | ProofStatus::Proving)
    };
    let jobs = store.proof_jobs(*first_open, 4 * SYNC_PER_ROUND)?;
    if let Some(j) = jobs.iter().find(|j| is_open(j)).or(jobs.last()) {
        *first_open = if is_open(j) { j.batch } else { j.batch + 1 };
    }
    let open = jobs.into_iter().filter(is_open).take(SYNC_PER_ROUND);
    for mut job in open {
        let Some(remote) = pg.state(job.batch)? else {
            let witness = store.proof_witness(job.batch)?.ok_or_else(|| {
                ProverError::Witness(format!("batch {}: witness missing", job.batch))
            })?;
            pg.push(&job, &witness)?;
            continue;
        };
        let r = remote.job;
        if let (ProofStatus::Proven, Some(proof)) = (r.status(), remote.proof) {
            match verify_batch(guest, &proof, &job.public_input) {
                Ok(()) => {
                    job.status = ProofStatus::Proven as u8;
                    (job.worker, job.attempts) = (r.worker, r.attempts);
                    (job.started_at_ms, job.heartbeat_at_ms) = (r.started_at_ms, r.heartbeat_at_ms);
                    (job.proven_at_ms, job.cycles, job.segments) =
                        (r.proven_at_ms, r.cycles, r.segments);
                    job.proof_bytes = proof.len() as u64;
                    job.error.clear();
                    store.finish_proof_job(&job, &proof)?;
                    tracing::info!(batch = job.batch, worker = %job.worker, "proof from the prover database verified and stored");
                }
                Err(e) => {
                    tracing::error!(batch = job.batch, worker = %r.worker, error = %e, "a prover's proof does not verify: rejected");
                    pg.reject(job.batch, &format!("the node rejected the proof: {e}"))?;
                }
            }
            continue;
        }
        let mirrored = ferrum_state::ProofJob {
            batch: job.batch,
            public_input: job.public_input,
            queued_at_ms: job.queued_at_ms,
            witness_bytes: job.witness_bytes,
            proof_bytes: 0,
            ..r
        };
        if mirrored != job {
            store.put_proof_job(&mirrored)?;
        }
    }
    Ok(())
}
