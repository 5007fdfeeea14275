//! `ferrum prover`: a prover process that takes proof jobs from a PostgreSQL queue (the node pushes them when it
//! runs with `--prover-db`), proves them, verifies its proofs and stores them there.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use ferrum_prover::{BatchGuest, PgQueue, ProveOptions, ProverConfig, spawn_workers};

/// `ferrum prover` arguments.
#[derive(clap::Args)]
pub(crate) struct ProverArgs {
    /// PostgreSQL URL of the proof job queue (the node's `prover.database_url`).
    #[arg(long, env = "FERRUM_PROVER_DB")]
    prover_db: String,
    /// The chain whose batches to prove.
    #[arg(long, default_value_t = 270)]
    chain_id: u64,
    /// Worker threads, each proving one batch at a time.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Threads of the proving pool (0: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Cycles per proof segment (1 to 2^22).
    #[arg(long, default_value_t = ferrum_prover::DEFAULT_SEGMENT_CYCLES)]
    segment_cycles: u64,
    /// Seconds without a heartbeat after which a job is taken again (use the same value on every prover).
    #[arg(long, default_value_t = 60)]
    heartbeat_timeout_secs: u64,
    /// Attempts before a job is marked failed.
    #[arg(long, default_value_t = 3)]
    max_attempts: u64,
    /// This prover's name in the queue (default: host name and process id).
    #[arg(long)]
    name: Option<String>,
}

/// Runs until Ctrl-C.
pub(crate) async fn main(args: ProverArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=ferrum_zkvm::MAX_SEGMENT_CYCLES).contains(&args.segment_cycles),
        "--segment-cycles must be between 1 and 2^22, got {}",
        args.segment_cycles
    );
    anyhow::ensure!(
        (1..=64).contains(&args.workers),
        "--workers must be between 1 and 64, got {}",
        args.workers
    );
    anyhow::ensure!(
        args.heartbeat_timeout_secs >= 4,
        "--heartbeat-timeout-secs must be at least 4"
    );
    let name = args.name.clone().unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        format!("{}-{}", host.trim(), std::process::id())
    });
    // Off the runtime: the PostgreSQL client blocks (it runs its own runtime).
    let (url, chain_id, lapse, attempts) = (
        args.prover_db.clone(),
        args.chain_id,
        Duration::from_secs(args.heartbeat_timeout_secs),
        args.max_attempts,
    );
    let queue =
        tokio::task::spawn_blocking(move || PgQueue::connect(&url, chain_id, lapse, attempts))
            .await?
            .context("connecting to the prover database")?;
    let guest = Arc::new(BatchGuest::embedded()?);
    tracing::info!(%name, guest = %guest.id(), chain_id = args.chain_id, workers = args.workers, "prover started");
    println!("prover {name}: batch guest {}", guest.id());
    let handle = spawn_workers(
        Arc::new(queue),
        guest,
        ProverConfig {
            workers: args.workers,
            threads: args.threads,
            options: ProveOptions {
                segment_cycles: args.segment_cycles,
                ..Default::default()
            },
            heartbeat: Duration::from_secs(args.heartbeat_timeout_secs / 4),
            name,
            ..Default::default()
        },
    )?;
    tokio::signal::ctrl_c().await?;
    tracing::info!("stopping (a proof in progress stops after its current segment)");
    tokio::task::spawn_blocking(move || handle.stop()).await?;
    Ok(())
}
