//! The in-process prover: witness generation for every sealed batch, and prover workers over the store's job
//! queue (`[prover]`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

use anyhow::Context as _;
use ferrum_prover::{BatchGuest, ProverHandle, StoreQueue, queue_sealed_batches, spawn_workers};
use ferrum_sequencer::Chain;

use crate::NodeConfig;

/// Batches given a witness per round of the witness thread.
const WITNESSES_PER_ROUND: usize = 16;

/// The running prover.
#[derive(Debug)]
pub(crate) struct Proving {
    stop: Arc<AtomicBool>,
    witnesses: JoinHandle<()>,
    workers: ProverHandle,
}

impl Proving {
    /// Starts witness generation and the workers.
    pub(crate) fn start(chain: Arc<Chain>, config: &NodeConfig) -> anyhow::Result<Self> {
        let guest = Arc::new(BatchGuest::embedded().context("loading the batch guest")?);
        tracing::info!(guest = %guest.id(), workers = config.prover.workers, segment_cycles = config.prover.segment_cycles, "prover started");
        let queue = Arc::new(StoreQueue::open(
            chain.store.clone(),
            Duration::from_secs(config.prover.heartbeat_timeout_secs),
            config.prover.max_attempts,
        )?);
        let stop = Arc::new(AtomicBool::new(false));
        let witnesses = {
            let (chain, stop) = (chain.clone(), stop.clone());
            std::thread::Builder::new()
                .name("witnesses".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        match queue_sealed_batches(
                            &chain.store,
                            &chain.config,
                            false,
                            WITNESSES_PER_ROUND,
                        ) {
                            Ok(q) if q.len() == WITNESSES_PER_ROUND => continue,
                            Ok(_) => {}
                            Err(e) => tracing::error!(error = %e, "batch witness generation"),
                        }
                        std::thread::sleep(Duration::from_millis(100));
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
