//! The proof job queue in the node's store: taking, heartbeats, lapses, completion, failures and restarts; witness
//! generation for sealed batches; a worker's failed attempt.

use std::{sync::atomic::AtomicBool, time::Duration};

use alloy_primitives::{B256, TxKind, U256};
use ferrum_prover::{
    BatchGuest, BatchProof, JobQueue, ProverConfig, StoreQueue, prove_next, queue_sealed_batches,
};
use ferrum_sequencer::testing::{TestChain, key};
use ferrum_state::{ProofJob, ProofStatus, Store};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Default::default()).unwrap();
    (dir, store)
}

fn queue_job(store: &Store, batch: u64) {
    let job = ProofJob {
        batch,
        public_input: B256::repeat_byte(batch as u8),
        ..Default::default()
    };
    // No blocks to drop witnesses of.
    #[allow(clippy::reversed_empty_ranges)]
    store.enqueue_proof_job(&job, b"witness", 1..=0).unwrap();
}

fn proof(batch: u64) -> BatchProof {
    BatchProof {
        bytes: vec![batch as u8; 3],
        public_input: B256::repeat_byte(batch as u8),
        cycles: 10,
        segments: 1,
        seconds: 0.1,
    }
}

fn status(store: &Store, batch: u64) -> ProofStatus {
    store.proof_job(batch).unwrap().unwrap().status()
}

#[test]
fn jobs_are_taken_in_batch_order_once_and_again_after_a_lapsed_heartbeat() {
    let (_dir, store) = store();
    queue_job(&store, 1);
    queue_job(&store, 2);
    let q = StoreQueue::open(store.clone(), Duration::from_millis(300), 5).unwrap();
    let a = q.take("a").unwrap().unwrap();
    assert_eq!(
        (a.batch, a.attempt, a.witness.as_slice()),
        (1, 1, &b"witness"[..])
    );
    let b = q.take("b").unwrap().unwrap();
    assert_eq!(b.batch, 2);
    assert!(q.take("c").unwrap().is_none(), "both held");
    assert!(q.heartbeat(1, "a", 100, 1).unwrap());
    assert!(!q.heartbeat(1, "b", 100, 1).unwrap(), "not b's job");

    // a goes silent; b keeps beating: only a's job is taken again.
    std::thread::sleep(Duration::from_millis(200));
    assert!(q.heartbeat(2, "b", 100, 1).unwrap());
    std::thread::sleep(Duration::from_millis(200));
    let c = q.take("c").unwrap().unwrap();
    assert_eq!((c.batch, c.attempt), (1, 2));
    assert!(
        !q.heartbeat(1, "a", 100, 2).unwrap(),
        "a lost the job: it must stop"
    );

    // c proves it; a's late proof is dropped, the batch is proven once.
    assert!(q.complete(1, "c", &proof(1)).unwrap());
    assert!(!q.complete(1, "a", &proof(1)).unwrap());
    let job = store.proof_job(1).unwrap().unwrap();
    assert_eq!(
        (job.status(), job.worker.as_str(), job.attempts),
        (ProofStatus::Proven, "c", 2)
    );
    assert_eq!(store.batch_proof(1).unwrap(), Some(vec![1; 3]));
    assert_eq!(
        store.proof_witness(1).unwrap(),
        None,
        "witness dropped once proven"
    );

    // A proof of another public input is refused.
    assert!(q.complete(2, "b", &proof(3)).is_err());
    assert_eq!(status(&store, 2), ProofStatus::Proving);
}

#[test]
fn a_failed_attempt_is_retried_until_the_attempts_run_out() {
    let (_dir, store) = store();
    queue_job(&store, 1);
    let q = StoreQueue::open(store.clone(), Duration::from_secs(60), 2).unwrap();
    q.take("a").unwrap().unwrap();
    q.fail(1, "a", "boom").unwrap();
    let job = store.proof_job(1).unwrap().unwrap();
    assert_eq!(
        (job.status(), job.error.as_str()),
        (ProofStatus::Queued, "boom")
    );
    assert_eq!(q.take("a").unwrap().unwrap().attempt, 2);
    q.fail(1, "a", "boom again").unwrap();
    assert_eq!(status(&store, 1), ProofStatus::Failed);
    assert!(q.take("a").unwrap().is_none());
    // A failure reported by a worker that no longer holds the job changes nothing.
    q.fail(1, "z", "late").unwrap();
    assert_eq!(store.proof_job(1).unwrap().unwrap().error, "boom again");
}

#[test]
fn reopening_the_queue_requeues_the_jobs_of_a_killed_prover() {
    let (_dir, store) = store();
    queue_job(&store, 1);
    let q = StoreQueue::open(store.clone(), Duration::from_secs(3600), 5).unwrap();
    q.take("node/0").unwrap().unwrap();
    drop(q);
    // The process died with the job held (its heartbeat would lapse only in an hour).
    let q = StoreQueue::open(store.clone(), Duration::from_secs(3600), 5).unwrap();
    let again = q.take("node/0").unwrap().unwrap();
    assert_eq!((again.batch, again.attempt), (1, 2));
}

#[test]
fn every_sealed_batch_gets_one_job_with_its_witness_and_the_block_witnesses_go() {
    let mut t = TestChain::new();
    t.send(
        &key(1),
        TxKind::Call(key(2).address()),
        U256::from(5),
        vec![],
    );
    t.block();
    let (_, first) = t.seal();
    t.send(
        &key(1),
        TxKind::Call(key(2).address()),
        U256::from(6),
        vec![],
    );
    t.block();
    let (_, second) = t.seal();
    let store = &t.chain.store;
    assert!(store.block_witness(first.first_block).unwrap().is_some());
    // What the jobs must hold, assembled before queueing drops the block witnesses.
    let expected: Vec<Vec<u8>> = [&first, &second]
        .iter()
        .map(|r| {
            let previous = ferrum_sequencer::BatchRecord::decode_stored(
                &store.batch(r.number - 1).unwrap().unwrap(),
            )
            .unwrap();
            t.witness(&previous, r).encode()
        })
        .collect();
    let queued = queue_sealed_batches(store, &t.chain.config, false, 1).unwrap();
    assert_eq!(queued, [first.number], "at most `max` per call");
    let queued = queue_sealed_batches(store, &t.chain.config, false, 16).unwrap();
    assert_eq!(queued, [second.number]);
    assert!(
        queue_sealed_batches(store, &t.chain.config, false, 16)
            .unwrap()
            .is_empty()
    );
    for (record, expected) in [&first, &second].into_iter().zip(expected) {
        let job = store.proof_job(record.number).unwrap().unwrap();
        assert_eq!(job.status(), ProofStatus::Queued);
        assert_eq!(job.public_input, record.public_input);
        let witness = store.proof_witness(record.number).unwrap().unwrap();
        assert_eq!(job.witness_bytes, witness.len() as u64);
        assert_eq!(witness, expected);
        assert!(store.block_witness(record.first_block).unwrap().is_none());
    }
}

#[test]
fn a_worker_reports_a_witness_the_guest_refuses_as_a_failed_attempt() {
    let (_dir, store) = store();
    queue_job(&store, 1);
    let q = StoreQueue::open(store.clone(), Duration::from_secs(60), 3).unwrap();
    let guest = BatchGuest::embedded().unwrap();
    let done = prove_next(
        &q,
        &guest,
        "w",
        &ProverConfig::default(),
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(done, Some(1));
    let job = store.proof_job(1).unwrap().unwrap();
    assert_eq!(job.status(), ProofStatus::Queued);
    assert!(job.error.contains("proving"), "{}", job.error);
    assert_eq!(store.batch_proof(1).unwrap(), None);
}
