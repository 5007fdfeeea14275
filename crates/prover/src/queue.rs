//! The proof job queue: what a prover worker takes jobs from and gives proofs to.

use std::{
    sync::Mutex,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use alloy_primitives::B256;
use ferrum_state::{ProofJob, ProofStatus, Store};

use crate::{BatchProof, ProverError};

/// A job a worker holds.
#[derive(Clone, Debug)]
pub struct TakenJob {
    /// The batch.
    pub batch: u64,
    /// Its public input.
    pub public_input: B256,
    /// Its witness.
    pub witness: Vec<u8>,
    /// Which attempt this is (1 for the first).
    pub attempt: u64,
}

/// A queue of proof jobs shared by workers. A worker [takes](JobQueue::take) a job, sends
/// [heartbeats](JobQueue::heartbeat) while it proves, and [completes](JobQueue::complete) or
/// [fails](JobQueue::fail) it. A job whose holder stops sending heartbeats is taken again.
pub trait JobQueue: Send + Sync {
    /// Takes the lowest batch's job that is queued or whose holder's heartbeat lapsed.
    fn take(&self, worker: &str) -> Result<Option<TakenJob>, ProverError>;
    /// Says `worker` still proves `batch` (with the run's cycles and the segments proven so far). `false`: the job
    /// is no longer the worker's (taken again after a lapse, or proven): stop.
    fn heartbeat(
        &self,
        batch: u64,
        worker: &str,
        cycles: u64,
        segments: u64,
    ) -> Result<bool, ProverError>;
    /// Stores a verified proof. `false`: the batch was proven already (by a worker that took the job after this
    /// one's heartbeat lapsed); the proof is dropped.
    fn complete(&self, batch: u64, worker: &str, proof: &BatchProof) -> Result<bool, ProverError>;
    /// Reports a failed attempt: the job is queued again, or marked failed after its last attempt.
    fn fail(&self, batch: u64, worker: &str, error: &str) -> Result<(), ProverError>;
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Jobs scanned per [`JobQueue::take`] (jobs below the first open one are skipped without reading).
const MAX_SCAN: usize = 1024;

/// The queue in the node's own store: for the in-process prover of a single-machine chain.
#[derive(Debug)]
pub struct StoreQueue {
    store: Store,
    lapse: Duration,
    max_attempts: u64,
    /// The lowest batch whose job may still be open; serialises taking.
    first_open: Mutex<u64>,
}

impl StoreQueue {
    /// A queue over `store`'s proof jobs; a holder silent for `lapse` loses its job; a job is given up after
    /// `max_attempts` takes. Only this process can open the store, so a job still marked as being proven was
    /// held by a worker of a previous run that was killed: it is queued again at once.
    ///
    /// # Errors
    /// [`ProverError::Store`] when the jobs cannot be read or rewritten.
    pub fn open(store: Store, lapse: Duration, max_attempts: u64) -> Result<Self, ProverError> {
        let mut from = 0;
        loop {
            let jobs = store.proof_jobs(from, MAX_SCAN)?;
            let Some(last) = jobs.last().map(|j| j.batch) else {
                break;
            };
            for mut job in jobs {
                if job.status() == ProofStatus::Proving {
                    tracing::warn!(batch = job.batch, holder = %job.worker, "proof job of a stopped prover queued again");
                    job.status = ProofStatus::Queued as u8;
                    store.put_proof_job(&job)?;
                }
            }
            from = last + 1;
        }
        Ok(Self {
            store,
            lapse,
            max_attempts: max_attempts.max(1),
            first_open: Mutex::new(0),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u64> {
        // A worker that panicked while holding the lock left no half-written state (each write is atomic).
        self.first_open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn held(&self, batch: u64, worker: &str) -> Result<Option<ProofJob>, ProverError> {
        Ok(self
            .store
            .proof_job(batch)?
            .filter(|j| j.status() == ProofStatus::Proving && j.worker == worker))
    }
}

impl JobQueue for StoreQueue {
    fn take(&self, worker: &str) -> Result<Option<TakenJob>, ProverError> {
        let mut first_open = self.lock();
        let now = now_ms();
        let lapse = self.lapse.as_millis() as u64;
        let mut all_closed = true;
        for mut job in self.store.proof_jobs(*first_open, MAX_SCAN)? {
            let open = matches!(job.status(), ProofStatus::Queued | ProofStatus::Proving);
            if all_closed && !open {
                *first_open = job.batch + 1;
                continue;
            }
            all_closed = false;
            let lapsed = job.status() == ProofStatus::Proving
                && job.heartbeat_at_ms.saturating_add(lapse) < now;
            if job.status() != ProofStatus::Queued && !lapsed {
                continue;
            }
            if lapsed {
                tracing::warn!(batch = job.batch, holder = %job.worker, "proof job's heartbeat lapsed: taking it again");
            }
            if job.attempts >= self.max_attempts {
                job.status = ProofStatus::Failed as u8;
                if job.error.is_empty() {
                    job.error = format!("gave up after {} attempts", job.attempts);
                }
                self.store.put_proof_job(&job)?;
                tracing::error!(batch = job.batch, error = %job.error, "proof job failed");
                continue;
            }
            let Some(witness) = self.store.proof_witness(job.batch)? else {
                job.status = ProofStatus::Failed as u8;
                job.error = "the batch witness is missing from the store".into();
                self.store.put_proof_job(&job)?;
                continue;
            };
            job.status = ProofStatus::Proving as u8;
            job.worker = worker.to_string();
            job.attempts += 1;
            job.started_at_ms = now;
            job.heartbeat_at_ms = now;
            job.segments = 0;
            self.store.put_proof_job(&job)?;
            return Ok(Some(TakenJob {
                batch: job.batch,
                public_input: job.public_input,
                witness,
                attempt: job.attempts,
            }));
        }
        Ok(None)
    }

    fn heartbeat(
        &self,
        batch: u64,
        worker: &str,
        cycles: u64,
        segments: u64,
    ) -> Result<bool, ProverError> {
        let _guard = self.lock();
        let Some(mut job) = self.held(batch, worker)? else {
            return Ok(false);
        };
        job.heartbeat_at_ms = now_ms();
        job.cycles = cycles;
        job.segments = segments;
        self.store.put_proof_job(&job)?;
        Ok(true)
    }

    fn complete(&self, batch: u64, worker: &str, proof: &BatchProof) -> Result<bool, ProverError> {
        let _guard = self.lock();
        let Some(mut job) = self.store.proof_job(batch)? else {
            return Err(ProverError::Queue(format!(
                "no proof job for batch {batch}"
            )));
        };
        if job.status() == ProofStatus::Proven {
            return Ok(false);
        }
        if job.public_input != proof.public_input {
            return Err(ProverError::Queue(format!(
                "batch {batch}: the proof is of public input {}, the job's is {}",
                proof.public_input, job.public_input
            )));
        }
        job.status = ProofStatus::Proven as u8;
        job.worker = worker.to_string();
        job.proven_at_ms = now_ms();
        job.cycles = proof.cycles;
        job.segments = proof.segments as u64;
        job.proof_bytes = proof.bytes.len() as u64;
        job.error.clear();
        self.store.finish_proof_job(&job, &proof.bytes)?;
        Ok(true)
    }

    fn fail(&self, batch: u64, worker: &str, error: &str) -> Result<(), ProverError> {
        let _guard = self.lock();
        let Some(mut job) = self.held(batch, worker)? else {
            return Ok(());
        };
        job.error = error.to_string();
        job.status = if job.attempts >= self.max_attempts {
            ProofStatus::Failed
        } else {
            ProofStatus::Queued
        } as u8;
        self.store.put_proof_job(&job)?;
        Ok(())
    }
}
