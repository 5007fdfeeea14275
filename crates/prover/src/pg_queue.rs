//! The proof job queue in PostgreSQL, for provers on other machines: the node pushes each batch's job with its
//! witness; any number of `ferrum prover` processes take jobs with `SELECT … FOR UPDATE SKIP LOCKED` (as ZKsync's
//! prover subsystem does), send heartbeats and store proofs; the node pulls proofs back and verifies them.

use std::{sync::Mutex, time::Duration};

use alloy_primitives::B256;
use ferrum_state::{ProofJob, ProofStatus};
use postgres::{Client, NoTls};

use crate::{BatchProof, JobQueue, ProverError, TakenJob, queue::now_ms};

/// The table (one per database; rows keyed by chain id and batch).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ferrum_proof_jobs (
    chain_id        BIGINT   NOT NULL,
    batch           BIGINT   NOT NULL,
    public_input    BYTEA    NOT NULL,
    status          SMALLINT NOT NULL DEFAULT 0,
    worker          TEXT     NOT NULL DEFAULT '',
    attempts        BIGINT   NOT NULL DEFAULT 0,
    queued_at_ms    BIGINT   NOT NULL,
    started_at_ms   BIGINT   NOT NULL DEFAULT 0,
    heartbeat_at_ms BIGINT   NOT NULL DEFAULT 0,
    proven_at_ms    BIGINT   NOT NULL DEFAULT 0,
    cycles          BIGINT   NOT NULL DEFAULT 0,
    segments        BIGINT   NOT NULL DEFAULT 0,
    witness         BYTEA,
    proof           BYTEA,
    error           TEXT     NOT NULL DEFAULT '',
    PRIMARY KEY (chain_id, batch)
);
CREATE INDEX IF NOT EXISTS ferrum_proof_jobs_open ON ferrum_proof_jobs (chain_id, status, batch);
";

fn pg(e: postgres::Error) -> ProverError {
    // The server's message says what was wrong; the error's own Display says only "db error".
    match e.as_db_error() {
        Some(db) => ProverError::Queue(format!("postgres: {}: {}", db.code().code(), db.message())),
        None => ProverError::Queue(format!("postgres: {e}")),
    }
}

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn uint(v: i64) -> u64 {
    u64::try_from(v).unwrap_or_default()
}

/// A job as the node reads it back: its record and, once proven, its proof.
#[derive(Clone, Debug)]
pub struct PgJobState {
    /// The job (`witness_bytes` and `proof_bytes` are not tracked here).
    pub job: ProofJob,
    /// The proof, when the job is proven.
    pub proof: Option<Vec<u8>>,
}

/// Proof jobs of chain `chain_id` in a PostgreSQL database.
pub struct PgQueue {
    client: Mutex<Client>,
    chain_id: i64,
    lapse_ms: i64,
    max_attempts: i64,
}

impl std::fmt::Debug for PgQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgQueue")
            .field("chain_id", &self.chain_id)
            .finish()
    }
}

impl PgQueue {
    /// Connects to `url` (`postgres://user:password@host:port/db` or key=value) and creates the table if needed.
    ///
    /// # Errors
    /// [`ProverError::Queue`] when the database cannot be reached or the table cannot be created.
    pub fn connect(
        url: &str,
        chain_id: u64,
        lapse: Duration,
        max_attempts: u64,
    ) -> Result<Self, ProverError> {
        let mut client = Client::connect(url, NoTls).map_err(pg)?;
        client.batch_execute(SCHEMA).map_err(pg)?;
        Ok(Self {
            client: Mutex::new(client),
            chain_id: int(chain_id),
            lapse_ms: i64::try_from(lapse.as_millis()).unwrap_or(i64::MAX),
            max_attempts: int(max_attempts.max(1)),
        })
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        // A statement that failed mid-way was rolled back by the server: the connection is still usable.
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `job` with its witness (once: a batch already queued is left as it is).
    ///
    /// # Errors
    /// [`ProverError::Queue`] when the insert fails.
    pub fn push(&self, job: &ProofJob, witness: &[u8]) -> Result<(), ProverError> {
        self.client()
            .execute(
                "INSERT INTO ferrum_proof_jobs (chain_id, batch, public_input, queued_at_ms, witness)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chain_id, batch) DO NOTHING",
                &[
                    &self.chain_id,
                    &int(job.batch),
                    &job.public_input.as_slice(),
                    &int(job.queued_at_ms),
                    &witness,
                ],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// The job of `batch`, with its proof once proven; `None` when it was never pushed.
    ///
    /// # Errors
    /// [`ProverError::Queue`] when the query fails.
    pub fn state(&self, batch: u64) -> Result<Option<PgJobState>, ProverError> {
        let row = self
            .client()
            .query_opt(
                "SELECT public_input, status, worker, attempts, queued_at_ms, started_at_ms, heartbeat_at_ms,
                        proven_at_ms, cycles, segments, error, CASE WHEN status = 2 THEN proof END
                 FROM ferrum_proof_jobs WHERE chain_id = $1 AND batch = $2",
                &[&self.chain_id, &int(batch)],
            )
            .map_err(pg)?;
        let Some(r) = row else {
            return Ok(None);
        };
        let public_input: Vec<u8> = r.get(0);
        let status: i16 = r.get(1);
        let proof: Option<Vec<u8>> = r.get(11);
        Ok(Some(PgJobState {
            job: ProofJob {
                batch,
                public_input: B256::try_from(public_input.as_slice()).unwrap_or_default(),
                status: u8::try_from(status).unwrap_or(ProofStatus::Failed as u8),
                worker: r.get(2),
                attempts: uint(r.get(3)),
                queued_at_ms: uint(r.get(4)),
                started_at_ms: uint(r.get(5)),
                heartbeat_at_ms: uint(r.get(6)),
                proven_at_ms: uint(r.get(7)),
                cycles: uint(r.get(8)),
                segments: uint(r.get(9)),
                proof_bytes: proof.as_ref().map_or(0, |p| p.len() as u64),
                error: r.get(10),
                ..Default::default()
            },
            proof,
        }))
    }

    /// The node refused a stored proof (it does not verify against the batch's public input and the guest): the
    /// job is queued again with `error`, or failed after its last attempt.
    ///
    /// # Errors
    /// [`ProverError::Queue`] when the update fails.
    pub fn reject(&self, batch: u64, error: &str) -> Result<(), ProverError> {
        self.client()
            .execute(
                "UPDATE ferrum_proof_jobs SET proof = NULL, error = $3,
                        status = CASE WHEN attempts >= $4 THEN 3 ELSE 0 END
                 WHERE chain_id = $1 AND batch = $2 AND status = 2",
                &[&self.chain_id, &int(batch), &error, &self.max_attempts],
            )
            .map_err(pg)?;
        Ok(())
    }
}

impl JobQueue for PgQueue {
    fn take(&self, worker: &str) -> Result<Option<TakenJob>, ProverError> {
        let now = int(now_ms());
        let mut client = self.client();
        // Jobs whose attempts ran out fail instead of being taken again.
        client
            .execute(
                "UPDATE ferrum_proof_jobs SET status = 3,
                        error = CASE WHEN error = '' THEN 'gave up after ' || attempts || ' attempts' ELSE error END
                 WHERE chain_id = $1 AND attempts >= $4
                   AND (status = 0 OR (status = 1 AND heartbeat_at_ms < $2::BIGINT - $3::BIGINT))",
                &[&self.chain_id, &now, &self.lapse_ms, &self.max_attempts],
            )
            .map_err(pg)?;
        let row = client
            .query_opt(
                "UPDATE ferrum_proof_jobs j
                 SET status = 1, worker = $5, attempts = j.attempts + 1, started_at_ms = $2,
                     heartbeat_at_ms = $2, segments = 0
                 FROM (SELECT batch FROM ferrum_proof_jobs
                       WHERE chain_id = $1 AND attempts < $4
                         AND (status = 0 OR (status = 1 AND heartbeat_at_ms < $2::BIGINT - $3::BIGINT))
                       ORDER BY batch LIMIT 1 FOR UPDATE SKIP LOCKED) next
                 WHERE j.chain_id = $1 AND j.batch = next.batch
                 RETURNING j.batch, j.public_input, j.witness, j.attempts",
                &[
                    &self.chain_id,
                    &now,
                    &self.lapse_ms,
                    &self.max_attempts,
                    &worker,
                ],
            )
            .map_err(pg)?;
        let Some(r) = row else {
            return Ok(None);
        };
        let public_input: Vec<u8> = r.get(1);
        let witness: Option<Vec<u8>> = r.get(2);
        Ok(Some(TakenJob {
            batch: uint(r.get(0)),
            public_input: B256::try_from(public_input.as_slice())
                .map_err(|_| ProverError::Queue("a job's public input is not 32 bytes".into()))?,
            witness: witness.unwrap_or_default(),
            attempt: uint(r.get(3)),
        }))
    }

    fn heartbeat(
        &self,
        batch: u64,
        worker: &str,
        cycles: u64,
        segments: u64,
    ) -> Result<bool, ProverError> {
        let n = self
            .client()
            .execute(
                "UPDATE ferrum_proof_jobs SET heartbeat_at_ms = $4, cycles = $5, segments = $6
                 WHERE chain_id = $1 AND batch = $2 AND worker = $3 AND status = 1",
                &[
                    &self.chain_id,
                    &int(batch),
                    &worker,
                    &int(now_ms()),
                    &int(cycles),
                    &int(segments),
                ],
            )
            .map_err(pg)?;
        Ok(n == 1)
    }

    fn complete(&self, batch: u64, worker: &str, proof: &BatchProof) -> Result<bool, ProverError> {
        let n = self
            .client()
            .execute(
                "UPDATE ferrum_proof_jobs
                 SET status = 2, worker = $3, proven_at_ms = $4, cycles = $5, segments = $6, proof = $7,
                     witness = NULL, error = ''
                 WHERE chain_id = $1 AND batch = $2 AND status IN (0, 1) AND public_input = $8",
                &[
                    &self.chain_id,
                    &int(batch),
                    &worker,
                    &int(now_ms()),
                    &int(proof.cycles),
                    &int(proof.segments as u64),
                    &proof.bytes,
                    &proof.public_input.as_slice(),
                ],
            )
            .map_err(pg)?;
        Ok(n == 1)
    }

    fn fail(&self, batch: u64, worker: &str, error: &str) -> Result<(), ProverError> {
        self.client()
            .execute(
                "UPDATE ferrum_proof_jobs SET error = $4,
                        status = CASE WHEN attempts >= $5 THEN 3 ELSE 0 END
                 WHERE chain_id = $1 AND batch = $2 AND worker = $3 AND status = 1",
                &[
                    &self.chain_id,
                    &int(batch),
                    &worker,
                    &error,
                    &self.max_attempts,
                ],
            )
            .map_err(pg)?;
        Ok(())
    }
}
