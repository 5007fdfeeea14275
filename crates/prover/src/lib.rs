//! # ferrum-prover
//!
//! Proves Ferrum batches. Every sealed batch gets a proof job holding its witness ([`queue_sealed_batches`]);
//! prover workers ([`spawn_workers`]) take jobs from a [`JobQueue`], run the batch guest ([`BATCH_GUEST_ELF`],
//! `guest/batch`: the sequencer's `ferrum-stf` on RV32IM) in the zkVM, prove the run in segments, verify the proof
//! against the job's public input and store it. A worker sends heartbeats; a job whose holder goes silent is
//! taken again. The queue is the node's store ([`StoreQueue`], in-process workers) or PostgreSQL ([`PgQueue`]:
//! `ferrum prover` processes on other machines). [`verify_batch`] checks a stored proof against a batch's public
//! input and the guest.
//!
//! See docs/architecture.md, "Proving".
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod error;
mod guest;
mod jobs;
mod pg_queue;
mod prove;
mod queue;
#[cfg(feature = "test-utils")]
pub mod testing;
mod worker;

pub use error::ProverError;
pub use guest::{BATCH_GUEST_ELF, BatchGuest, guest_id};
pub use jobs::queue_sealed_batches;
pub use pg_queue::{PgJobState, PgQueue};
pub use prove::{
    BatchProof, DEFAULT_MAX_CYCLES, DEFAULT_SEGMENT_CYCLES, ProveOptions, prove_batch,
    public_input_words, verify_batch, witness_input,
};
pub use queue::{JobQueue, StoreQueue, TakenJob, now_ms};
pub use worker::{ProverConfig, ProverHandle, prove_next, spawn_workers};
