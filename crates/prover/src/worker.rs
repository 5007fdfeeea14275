//! Prover workers: threads that take proof jobs, prove them with the batch guest, verify the proof against the
//! job's public input and hand it back, sending heartbeats while they work.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use crate::{BatchGuest, JobQueue, ProveOptions, ProverError, prove_batch, verify_batch};

/// How a prover works.
#[derive(Clone, Debug)]
pub struct ProverConfig {
    /// Worker threads, each proving one batch at a time.
    pub workers: usize,
    /// Threads of the proving pool the workers share (0: one per core).
    pub threads: usize,
    /// Segment size and cycle bound.
    pub options: ProveOptions,
    /// Pause when there is no job.
    pub poll: Duration,
    /// Time between heartbeats while proving (keep it well under the queue's lapse).
    pub heartbeat: Duration,
    /// This prover's name in the queue (workers add `/N`).
    pub name: String,
}

impl Default for ProverConfig {
    fn default() -> Self {
        Self {
            workers: 1,
            threads: 0,
            options: ProveOptions::default(),
            poll: Duration::from_millis(200),
            heartbeat: Duration::from_secs(5),
            name: "prover".into(),
        }
    }
}

/// Running workers.
#[derive(Debug)]
pub struct ProverHandle {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl ProverHandle {
    /// Stops the workers: a proof in progress is abandoned after its current segment (its job is taken again
    /// when its heartbeat lapses, or at once by a worker of this queue after a restart).
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// Starts `config.workers` worker threads on `queue`.
///
/// # Errors
/// [`ProverError::Queue`] when the proving thread pool cannot be built.
pub fn spawn_workers(
    queue: Arc<dyn JobQueue>,
    guest: Arc<BatchGuest>,
    config: ProverConfig,
) -> Result<ProverHandle, ProverError> {
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .thread_name(|i| format!("prove-{i}"))
            .build()
            .map_err(|e| ProverError::Queue(format!("proving thread pool: {e}")))?,
    );
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for i in 0..config.workers {
        let (queue, guest, pool, stop, config) = (
            queue.clone(),
            guest.clone(),
            pool.clone(),
            stop.clone(),
            config.clone(),
        );
        let name = format!("{}/{i}", config.name);
        let thread = std::thread::Builder::new()
            .name(format!("prover-{i}"))
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let worked =
                        pool.install(|| prove_next(queue.as_ref(), &guest, &name, &config, &stop));
                    match worked {
                        Ok(Some(_)) => {}
                        Ok(None) => std::thread::sleep(config.poll),
                        Err(e) => {
                            tracing::error!(worker = %name, error = %e, "prover worker");
                            std::thread::sleep(config.poll.max(Duration::from_secs(1)));
                        }
                    }
                }
            })
            .map_err(|e| ProverError::Queue(format!("spawning a prover worker: {e}")))?;
        threads.push(thread);
    }
    Ok(ProverHandle { stop, threads })
}

/// Takes one job from `queue` and proves it: returns the batch, or `None` when there was no job. A failed
/// attempt (false witness, a proof that does not verify) is reported to the queue and is not an error here.
///
/// # Errors
/// [`ProverError::Queue`] or [`ProverError::Store`] when the queue fails.
pub fn prove_next(
    queue: &dyn JobQueue,
    guest: &BatchGuest,
    worker: &str,
    config: &ProverConfig,
    stop: &AtomicBool,
) -> Result<Option<u64>, ProverError> {
    let Some(job) = queue.take(worker)? else {
        return Ok(None);
    };
    let batch = job.batch;
    tracing::info!(
        batch,
        worker,
        attempt = job.attempt,
        witness_bytes = job.witness.len(),
        "proving batch"
    );
    let cycles = AtomicU64::new(0);
    let segments = AtomicU64::new(0);
    let lost = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let start = Instant::now();
    let result = std::thread::scope(|s| {
        // Heartbeats from their own thread: a long segment must not make the job look abandoned.
        s.spawn(|| {
            let mut last = Instant::now();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                if last.elapsed() < config.heartbeat {
                    continue;
                }
                last = Instant::now();
                let beat = queue.heartbeat(
                    batch,
                    worker,
                    cycles.load(Ordering::Relaxed),
                    segments.load(Ordering::Relaxed),
                );
                match beat {
                    Ok(true) => {}
                    Ok(false) => lost.store(true, Ordering::Relaxed),
                    Err(e) => tracing::warn!(batch, error = %e, "heartbeat failed"),
                }
            }
        });
        let proved = prove_batch(guest, &job.witness, &config.options, &mut |total, p| {
            cycles.store(total, Ordering::Relaxed);
            segments.store(p.index as u64 + 1, Ordering::Relaxed);
            let secs = start.elapsed().as_secs_f64();
            tracing::info!(
                batch,
                segment = p.index,
                progress = %format!("{}/{} cycles ({:.0}%)", p.cycles_done, total, 100.0 * p.cycles_done as f64 / total.max(1) as f64),
                khz = %format!("{:.1}", p.cycles_done as f64 / secs / 1e3),
                "proving"
            );
            !stop.load(Ordering::Relaxed) && !lost.load(Ordering::Relaxed)
        });
        let checked = proved.and_then(|proof| {
            if proof.public_input != job.public_input {
                return Err(ProverError::WrongClaim {
                    exit_code: 0,
                    output: proof.public_input.to_string(),
                    expected: job.public_input,
                });
            }
            verify_batch(guest, &proof.bytes, &job.public_input)?;
            Ok(proof)
        });
        done.store(true, Ordering::Relaxed);
        checked
    });
    match result {
        Ok(proof) => {
            let stored = queue.complete(batch, worker, &proof)?;
            tracing::info!(
                batch,
                cycles = proof.cycles,
                segments = proof.segments,
                proof_bytes = proof.bytes.len(),
                seconds = %format!("{:.1}", proof.seconds),
                khz = %format!("{:.1}", proof.cycles as f64 / proof.seconds / 1e3),
                stored,
                "batch proven and verified"
            );
        }
        Err(ProverError::Prove(ferrum_zkvm::ProveError::Cancelled { segments })) => {
            tracing::warn!(
                batch,
                segments,
                "proof abandoned (stopping, or the job was taken again)"
            );
        }
        Err(e) => {
            tracing::error!(batch, error = %e, "proving failed");
            queue.fail(batch, worker, &e.to_string())?;
        }
    }
    Ok(Some(batch))
}
