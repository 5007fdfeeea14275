//! The PostgreSQL queue against a real server: provers racing for jobs take each once, a silent prover's job is
//! taken again, a late proof is dropped, failures are retried, the node's view of a job.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use alloy_primitives::B256;
use ferrum_prover::{BatchProof, JobQueue, PgQueue, testing::TestPostgres};
use ferrum_state::{ProofJob, ProofStatus};

fn job(batch: u64) -> ProofJob {
    ProofJob {
        batch,
        public_input: B256::repeat_byte(batch as u8),
        queued_at_ms: 1,
        ..Default::default()
    }
}

fn proof(batch: u64) -> BatchProof {
    BatchProof {
        bytes: vec![batch as u8; 5],
        public_input: B256::repeat_byte(batch as u8),
        cycles: 7,
        segments: 1,
        seconds: 0.1,
    }
}

#[test]
fn provers_racing_for_jobs_take_each_once_and_a_silent_provers_job_is_taken_again() {
    let pg = TestPostgres::start();
    let node = PgQueue::connect(&pg.url(), 270, Duration::from_millis(500), 5).unwrap();
    for b in 1..=6 {
        node.push(&job(b), &[b as u8; 3]).unwrap();
    }
    node.push(&job(1), b"again").unwrap(); // a second push changes nothing
    // Another chain's jobs are not ours.
    PgQueue::connect(&pg.url(), 9, Duration::from_millis(500), 5)
        .unwrap()
        .push(&job(7), b"x")
        .unwrap();

    // Two prover processes (own connections), three threads each, racing.
    let provers: Vec<Arc<PgQueue>> = (0..2)
        .map(|_| Arc::new(PgQueue::connect(&pg.url(), 270, Duration::from_millis(500), 5).unwrap()))
        .collect();
    let taken: Vec<(u64, Vec<u8>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let q = provers[i % 2].clone();
                s.spawn(move || {
                    q.take(&format!("p{i}"))
                        .unwrap()
                        .map(|j| (j.batch, j.witness))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    let batches: BTreeSet<u64> = taken.iter().map(|t| t.0).collect();
    assert_eq!(batches, (1..=6).collect(), "each job taken exactly once");
    for (b, w) in &taken {
        assert_eq!(w, &vec![*b as u8; 3]);
    }
    assert!(provers[0].take("late").unwrap().is_none());

    // Batch 1's holder keeps beating; everyone else goes silent and loses their jobs.
    let holder1 = node.state(1).unwrap().unwrap().job.worker;
    std::thread::sleep(Duration::from_millis(300));
    assert!(provers[0].heartbeat(1, &holder1, 100, 2).unwrap());
    std::thread::sleep(Duration::from_millis(300));
    let again = provers[1].take("p-new").unwrap().unwrap();
    assert_eq!((again.batch, again.attempt), (2, 2));
    let holder2 = node.state(1).unwrap().unwrap().job.worker;
    assert_eq!(holder1, holder2);
    let st = node.state(1).unwrap().unwrap().job;
    assert_eq!(
        (st.status(), st.cycles, st.segments),
        (ProofStatus::Proving, 100, 2)
    );

    // The new holder proves batch 2; the old holder's heartbeat says stop, its late proof is dropped.
    assert!(provers[1].complete(2, "p-new", &proof(2)).unwrap());
    let old = taken.iter().position(|t| t.0 == 2).unwrap();
    assert!(!provers[0].heartbeat(2, &format!("p{old}"), 1, 1).unwrap());
    assert!(
        !provers[0]
            .complete(2, &format!("p{old}"), &proof(2))
            .unwrap()
    );
    let done = node.state(2).unwrap().unwrap();
    assert_eq!(done.job.status(), ProofStatus::Proven);
    assert_eq!(done.job.worker, "p-new");
    assert_eq!(done.proof, Some(vec![2; 5]));
    // A proof of another public input is not stored.
    assert!(!provers[0].complete(3, "x", &proof(4)).unwrap());
    assert_eq!(node.state(9).unwrap().map(|s| s.job.batch), None);
}

#[test]
fn failures_are_retried_then_given_up_and_the_node_can_reject_a_proof() {
    let pg = TestPostgres::start();
    let q = PgQueue::connect(&pg.url(), 270, Duration::from_secs(60), 2).unwrap();
    q.push(&job(1), b"w").unwrap();
    q.push(&job(2), b"w").unwrap();
    let j = q.take("a").unwrap().unwrap();
    assert_eq!(j.batch, 1);
    q.fail(1, "a", "boom").unwrap();
    let st = q.state(1).unwrap().unwrap().job;
    assert_eq!(
        (st.status(), st.error.as_str()),
        (ProofStatus::Queued, "boom")
    );
    assert_eq!(q.take("a").unwrap().unwrap().batch, 1);
    q.fail(1, "a", "boom again").unwrap();
    assert_eq!(
        q.state(1).unwrap().unwrap().job.status(),
        ProofStatus::Failed
    );

    // The node refuses a stored proof: the job is queued again (attempts left), with the reason.
    let j = q.take("b").unwrap().unwrap();
    assert_eq!(j.batch, 2);
    assert!(q.complete(2, "b", &proof(2)).unwrap());
    q.reject(2, "does not verify").unwrap();
    let st = q.state(2).unwrap().unwrap();
    assert_eq!(st.job.status(), ProofStatus::Queued);
    assert_eq!(st.job.error, "does not verify");
    assert_eq!(st.proof, None);
}
