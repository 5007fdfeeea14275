//! Proof jobs: one per sealed batch, with the batch's witness until it is proven and its proof after
//! (docs/architecture.md, "Proving").

use std::ops::RangeInclusive;

use alloy_primitives::B256;
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};
use rocksdb::{Direction, IteratorMode, WriteBatch, WriteOptions};

use crate::{
    Store, StoreError,
    keys::{CF_BATCH_PROOFS, CF_BLOCK_WITNESS, CF_PROOF_JOBS, CF_PROOF_WITNESS, be_u64},
    store::corrupt,
};

/// Where a proof job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofStatus {
    /// Waiting for a prover.
    Queued = 0,
    /// A prover holds it (and sends heartbeats).
    Proving = 1,
    /// Proven, and the proof verified against the batch's public input.
    Proven = 2,
    /// Given up after too many failed attempts (the error says why).
    Failed = 3,
}

impl ProofStatus {
    /// The name `zks_getL1BatchDetails` reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Proving => "proving",
            Self::Proven => "proven",
            Self::Failed => "failed",
        }
    }

    /// The status stored as `code`.
    pub const fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::Queued,
            1 => Self::Proving,
            2 => Self::Proven,
            3 => Self::Failed,
            _ => return None,
        })
    }
}

/// A batch's proof job (RLP in the `proof_jobs` column family). Times are Unix milliseconds, 0 when not yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct ProofJob {
    /// The batch.
    pub batch: u64,
    /// The batch's public input: what the proof must prove.
    pub public_input: B256,
    /// [`ProofStatus`] code.
    pub status: u8,
    /// The prover holding (or that finished) the job.
    pub worker: String,
    /// Times the job was taken.
    pub attempts: u64,
    /// When the job was queued.
    pub queued_at_ms: u64,
    /// When the current (or last) attempt started.
    pub started_at_ms: u64,
    /// The holder's last heartbeat.
    pub heartbeat_at_ms: u64,
    /// When the proof was stored.
    pub proven_at_ms: u64,
    /// Cycles of the guest's run (known once proving started).
    pub cycles: u64,
    /// Segments proven so far.
    pub segments: u64,
    /// Size of the batch witness.
    pub witness_bytes: u64,
    /// Size of the proof.
    pub proof_bytes: u64,
    /// The last attempt's error, if it failed.
    pub error: String,
}

impl ProofJob {
    /// The job's status (a record with an unknown code reads as failed).
    pub fn status(&self) -> ProofStatus {
        ProofStatus::from_code(self.status).unwrap_or(ProofStatus::Failed)
    }

    fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.length());
        self.encode(&mut out);
        out
    }
}

impl Store {
    fn write_synced(&self, wb: WriteBatch) -> Result<(), StoreError> {
        let mut wo = WriteOptions::default();
        wo.set_sync(self.options.sync_per_block);
        self.db.write_opt(wb, &wo)?;
        Ok(())
    }

    /// Queues `job` with its batch `witness` in one write, and drops the block witnesses of `blocks` (the batch's
    /// blocks: their records are in the batch witness now).
    pub fn enqueue_proof_job(
        &self,
        job: &ProofJob,
        witness: &[u8],
        blocks: RangeInclusive<u64>,
    ) -> Result<(), StoreError> {
        let key = job.batch.to_be_bytes();
        let mut wb = WriteBatch::default();
        wb.put_cf(self.cf(CF_PROOF_JOBS), key, job.encoded());
        wb.put_cf(self.cf(CF_PROOF_WITNESS), key, witness);
        for n in blocks {
            wb.delete_cf(self.cf(CF_BLOCK_WITNESS), n.to_be_bytes());
        }
        self.write_synced(wb)
    }

    /// Rewrites a job's record (taken, heartbeat, failed).
    pub fn put_proof_job(&self, job: &ProofJob) -> Result<(), StoreError> {
        let mut wb = WriteBatch::default();
        wb.put_cf(
            self.cf(CF_PROOF_JOBS),
            job.batch.to_be_bytes(),
            job.encoded(),
        );
        self.write_synced(wb)
    }

    /// Stores a verified proof with its (proven) job record in one write, and drops the batch witness.
    pub fn finish_proof_job(&self, job: &ProofJob, proof: &[u8]) -> Result<(), StoreError> {
        let key = job.batch.to_be_bytes();
        let mut wb = WriteBatch::default();
        wb.put_cf(self.cf(CF_PROOF_JOBS), key, job.encoded());
        wb.put_cf(self.cf(CF_BATCH_PROOFS), key, proof);
        wb.delete_cf(self.cf(CF_PROOF_WITNESS), key);
        self.write_synced(wb)
    }

    /// The proof job of `batch`.
    pub fn proof_job(&self, batch: u64) -> Result<Option<ProofJob>, StoreError> {
        self.get(CF_PROOF_JOBS, &batch.to_be_bytes())?
            .map(|v| ProofJob::decode(&mut v.as_slice()).map_err(|e| corrupt(CF_PROOF_JOBS, e)))
            .transpose()
    }

    /// Up to `limit` proof jobs from batch `from` on, in batch order.
    pub fn proof_jobs(&self, from: u64, limit: usize) -> Result<Vec<ProofJob>, StoreError> {
        let start = from.to_be_bytes();
        self.db
            .iterator_cf(
                self.cf(CF_PROOF_JOBS),
                IteratorMode::From(&start, Direction::Forward),
            )
            .take(limit)
            .map(|item| {
                let (_, v) = item?;
                ProofJob::decode(&mut &v[..]).map_err(|e| corrupt(CF_PROOF_JOBS, e))
            })
            .collect()
    }

    /// The highest batch with a proof job.
    pub fn last_proof_job(&self) -> Result<Option<u64>, StoreError> {
        match self
            .db
            .iterator_cf(self.cf(CF_PROOF_JOBS), IteratorMode::End)
            .next()
        {
            Some(item) => {
                let (k, _) = item?;
                Ok(Some(
                    be_u64(&k).ok_or_else(|| corrupt(CF_PROOF_JOBS, "key"))?,
                ))
            }
            None => Ok(None),
        }
    }

    /// The witness of `batch`, kept until its proof is stored.
    pub fn proof_witness(&self, batch: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(CF_PROOF_WITNESS, &batch.to_be_bytes())
    }

    /// The stored proof of `batch`.
    pub fn batch_proof(&self, batch: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(CF_BATCH_PROOFS, &batch.to_be_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StoreOptions;

    #[test]
    fn job_lifecycle_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(store.last_proof_job().unwrap(), None);
        let mut job = ProofJob {
            batch: 3,
            public_input: B256::repeat_byte(7),
            worker: "w".into(),
            queued_at_ms: 5,
            ..Default::default()
        };
        store.enqueue_proof_job(&job, b"witness", 10..=11).unwrap();
        assert_eq!(store.proof_job(3).unwrap(), Some(job.clone()));
        assert_eq!(
            store.proof_witness(3).unwrap().as_deref(),
            Some(&b"witness"[..])
        );
        assert_eq!(store.last_proof_job().unwrap(), Some(3));
        job.status = ProofStatus::Proven as u8;
        store.finish_proof_job(&job, b"proof").unwrap();
        assert_eq!(
            store.proof_job(3).unwrap().unwrap().status(),
            ProofStatus::Proven
        );
        assert_eq!(store.proof_witness(3).unwrap(), None);
        assert_eq!(
            store.batch_proof(3).unwrap().as_deref(),
            Some(&b"proof"[..])
        );
        assert_eq!(store.proof_jobs(0, 10).unwrap().len(), 1);
        assert_eq!(store.proof_jobs(4, 10).unwrap().len(), 0);
    }
}
