//! The `ferrum` binary.

use std::{net::SocketAddr, path::PathBuf};

use alloy_primitives::U256;
use anyhow::Context as _;
use clap::{Parser, Subcommand};
use ferrum_node::{
    NodeConfig,
    bench::{BenchArgs, run_bench},
    config::GenesisAccount,
    dev_accounts::{DEV_MNEMONIC, dev_signers},
    spawn,
};

mod batch_cli;
mod prover_cli;
mod zkvm_cli;

#[derive(Parser)]
#[command(
    name = "ferrum",
    version,
    about = "Ferrum: a ZK-rollup stack for Ethereum"
)]
struct Cli {
    /// Log lines as text (default) or as JSON objects, one per line (for log collectors).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "FERRUM_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

/// How log lines are written (to stderr).
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Start a development chain with 10 prefunded accounts.
    Devnet(DevnetArgs),
    /// Start a node from a TOML configuration file.
    Node {
        /// Path of the configuration file.
        #[arg(long, env = "FERRUM_CONFIG")]
        config: PathBuf,
        /// Settle on an ecosystem whose verifier is InsecureNoProofVerifier: batches are UNPROVEN. Needed on
        /// every start (or `l1.insecure_no_proofs = true` in the file).
        #[arg(long)]
        insecure_no_proofs: bool,
        /// Prove every batch through this PostgreSQL proof job queue (sets `prover.enabled` and
        /// `prover.database_url`): `ferrum prover` processes take the jobs.
        #[arg(long, env = "FERRUM_PROVER_DB")]
        prover_db: Option<String>,
    },
    /// Load-test a node (or any Ethereum JSON-RPC endpoint) and print TPS and latency.
    Bench(BenchArgs),
    /// Print the default node configuration (TOML) to start a `ferrum.toml` from.
    Config,
    /// L1 ecosystem management.
    #[command(subcommand)]
    Ecosystem(EcosystemCommand),
    /// Chain registration.
    #[command(subcommand)]
    Chain(ChainCommand),
    /// Withdrawals to L1.
    #[command(subcommand)]
    Withdraw(WithdrawCommand),
    /// Deposit ETH or an L1 ERC-20 to an L2 account (through the Bridgehub; L2 gas priced as ZKsync's SDK does).
    Deposit {
        /// L2 receiver.
        #[arg(long)]
        to: alloy_primitives::Address,
        /// Amount in wei (ETH) or in the token's smallest unit.
        #[arg(long)]
        amount: U256,
        /// The L1 ERC-20 to deposit; without it, ETH.
        #[arg(long)]
        token: Option<alloy_primitives::Address>,
        /// L2 gas limit; without it, `zks_estimateGasL1ToL2` × 1.2, as ZKsync's SDK does.
        #[arg(long)]
        l2_gas_limit: Option<u64>,
        /// L2 JSON-RPC URL.
        #[arg(long, default_value = "http://127.0.0.1:8545")]
        l2_rpc: String,
        /// L1 JSON-RPC URL.
        #[arg(long, env = "FERRUM_L1_RPC")]
        l1_rpc: String,
        /// L1 key of the depositor.
        #[arg(long, env = "FERRUM_L1_KEY")]
        private_key: String,
        /// The L1 Bridgehub. Without it the L2 endpoint's `zks_getBridgehubContract` is trusted; with it, an L2
        /// endpoint that names another Bridgehub is refused.
        #[arg(long, env = "FERRUM_BRIDGEHUB")]
        bridgehub: Option<alloy_primitives::Address>,
    },
    /// Prove batches from a PostgreSQL proof job queue (a node started with `--prover-db` fills it).
    Prover(prover_cli::ProverArgs),
    /// Batch proofs: download one from a node, or verify one against the batch's public input.
    #[command(subcommand)]
    Batch(batch_cli::BatchCommand),
    /// Run, prove and verify RV32IM programs in the zkVM.
    #[command(subcommand)]
    Zkvm(zkvm_cli::ZkvmCommand),
}

#[derive(Subcommand)]
enum WithdrawCommand {
    /// Claim on L1 the funds of an L2 withdrawal whose batch is executed (`L1SharedBridge.finalizeWithdrawal`).
    Finalize {
        /// The L2 withdrawal transaction.
        #[arg(long)]
        tx: alloy_primitives::B256,
        /// Which of its L1 messages (0 for a plain withdrawal).
        #[arg(long, default_value_t = 0)]
        index: u64,
        /// L2 JSON-RPC URL.
        #[arg(long, default_value = "http://127.0.0.1:8545")]
        l2_rpc: String,
        /// L1 JSON-RPC URL.
        #[arg(long, env = "FERRUM_L1_RPC")]
        l1_rpc: String,
        /// L1 key that pays the gas (the funds go to the receiver in the message).
        #[arg(long, env = "FERRUM_L1_KEY")]
        private_key: String,
        /// The L1 Bridgehub. Without it the L2 endpoint's `zks_getBridgehubContract` is trusted; with it, an L2
        /// endpoint that names another Bridgehub is refused.
        #[arg(long, env = "FERRUM_BRIDGEHUB")]
        bridgehub: Option<alloy_primitives::Address>,
    },
}

#[derive(Subcommand)]
enum EcosystemCommand {
    /// Create the chain's genesis, deploy the L1 ecosystem (Bridgehub, ChainTypeManager, shared bridge,
    /// verifier, exodus verifier), register the chain, write the deployment file and print it.
    Init(L1Args),
}

#[derive(Subcommand)]
enum ChainCommand {
    /// Register `--chain-id` (or the config's chain id) in the existing deployment.
    Create {
        #[command(flatten)]
        l1: L1Args,
        /// The new chain's id.
        #[arg(long)]
        chain_id: Option<u64>,
    },
}

#[derive(clap::Args)]
struct L1Args {
    /// Node configuration (TOML); its `[l1]` section is the default for the flags below.
    #[arg(long, env = "FERRUM_CONFIG")]
    config: Option<PathBuf>,
    /// L1 JSON-RPC URL.
    #[arg(long, env = "FERRUM_L1_RPC")]
    l1_rpc: Option<String>,
    /// Operator (deployer, admin, validator) private key on L1.
    #[arg(long, env = "FERRUM_L1_OPERATOR_KEY")]
    l1_operator_key: Option<String>,
    /// Deploy InsecureNoProofVerifier: L1 accepts batches WITHOUT checking a proof (the only choice until an L1
    /// verifier of the zkVM's proofs exists).
    #[arg(long)]
    insecure_no_proofs: bool,
}

impl L1Args {
    fn node_config(&self) -> anyhow::Result<NodeConfig> {
        let mut config = match &self.config {
            Some(path) => NodeConfig::from_toml(
                &std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?,
            )
            .with_context(|| format!("parsing {}", path.display()))?,
            None => NodeConfig::default(),
        };
        if let Some(u) = &self.l1_rpc {
            config.l1.rpc_url = Some(u.clone());
        }
        if let Some(k) = &self.l1_operator_key {
            config.l1.operator_private_key = k.clone();
        }
        config.l1.insecure_no_proofs |= self.insecure_no_proofs;
        Ok(config)
    }
}

#[derive(clap::Args)]
struct DevnetArgs {
    /// Keep the chain in this directory (reopened if it exists); default: a fresh temporary directory.
    #[arg(long, env = "FERRUM_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// JSON-RPC port (HTTP and WebSocket).
    #[arg(long, default_value_t = 8545, env = "FERRUM_PORT")]
    port: u16,
    /// JSON-RPC listen host.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Chain id.
    #[arg(long, default_value_t = 270)]
    chain_id: u64,
    /// Milliseconds between blocks.
    #[arg(long, default_value_t = 250)]
    block_time_ms: u64,
    /// A block with fewer transactions leaves the chain idle: the next one is built as soon as a transaction
    /// arrives, instead of after --block-time-ms (0: always wait).
    #[arg(long, default_value_t = 16)]
    idle_block_txs: usize,
    /// Do not fsync each block (faster; a machine crash may lose the last blocks).
    #[arg(long)]
    no_sync: bool,
    /// Settle on this L1 (any Ethereum JSON-RPC, e.g. anvil) instead of the embedded dev L1; deploys the
    /// ecosystem on first start.
    #[arg(long, env = "FERRUM_L1_RPC")]
    l1_rpc: Option<String>,
    /// Port of the embedded dev L1's JSON-RPC (default: --port + 1).
    #[arg(long)]
    l1_port: Option<u16>,
    /// Start no L1 at all (the chain does not settle).
    #[arg(long, conflicts_with = "l1_rpc")]
    no_l1: bool,
    /// Operator key on L1 (default: dev account 9 of the test mnemonic, funded on anvil).
    #[arg(long, env = "FERRUM_L1_OPERATOR_KEY")]
    l1_operator_key: Option<String>,
    /// Settle batches with L1's InsecureNoProofVerifier, which checks no proof. Required until L1 verifies the
    /// zkVM's proofs (the devnet still proves every batch natively unless --no-proving).
    #[arg(long)]
    insecure_no_proofs: bool,
    /// L1 blocks a deposit must be buried under before it is executed on L2.
    #[arg(long, default_value_t = 0)]
    l1_confirmations: u64,
    /// Seconds after which an open batch is sealed.
    #[arg(long, default_value_t = 10)]
    batch_max_age_secs: u64,
    /// Do not prove batches (faster; by default the devnet proves every batch with its in-process prover, and
    /// proves a batch on L1 only once its proof is stored and verified).
    #[arg(long)]
    no_proving: bool,
    /// Prover worker threads in this process (each proves one batch at a time; 0 with --prover-db leaves the jobs
    /// to `ferrum prover` processes).
    #[arg(long, default_value_t = 1)]
    prover_workers: usize,
    /// Keep proof jobs in this PostgreSQL database, shared with `ferrum prover` processes.
    #[arg(long, env = "FERRUM_PROVER_DB", conflicts_with = "no_proving")]
    prover_db: Option<String>,
    /// Do not serve the block explorer (by default it is at http://HOST:PORT/explorer/).
    #[arg(long)]
    no_explorer: bool,
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        // One JSON object per line: timestamp, level, target and the event's fields at top level.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

async fn devnet(args: DevnetArgs) -> anyhow::Result<()> {
    let signers = dev_signers(10)?;
    let (data_dir, _temp) = match args.data_dir {
        Some(d) => (d, None),
        None => {
            let t = tempfile::tempdir().context("creating temporary data directory")?;
            (t.path().to_path_buf(), Some(t))
        }
    };
    let balance = U256::from(10_000u64) * U256::from(10u64).pow(U256::from(18u64));
    let mut config = NodeConfig {
        data_dir: data_dir.clone(),
        sync_per_block: !args.no_sync,
        ..Default::default()
    };
    config.chain.chain_id = args.chain_id;
    config.rpc.addr = SocketAddr::new(args.host, args.port);
    config.rpc.explorer = !args.no_explorer;
    config.sequencer.block_time_ms = args.block_time_ms;
    config.sequencer.idle_block_txs = args.idle_block_txs;
    config.genesis.alloc = signers
        .iter()
        .map(|s| GenesisAccount {
            address: s.address(),
            balance,
        })
        .collect();
    config.sequencer.batch_max_age_secs = args.batch_max_age_secs;
    config.prover.enabled = !args.no_proving;
    config.prover.workers = args.prover_workers;
    config.prover.database_url = args.prover_db.clone();
    // The embedded dev L1 (unless an external one is named or none is wanted).
    let embedded = if args.l1_rpc.is_none() && !args.no_l1 {
        let port = args.l1_port.unwrap_or(args.port.saturating_add(1));
        let l1 =
            ferrum_node::spawn_embedded_l1(data_dir.join("l1"), SocketAddr::new(args.host, port))
                .await
                .context("starting the embedded dev L1")?;
        Some(l1)
    } else {
        None
    };
    let l1_rpc = args
        .l1_rpc
        .clone()
        .or(embedded.as_ref().map(|l1| l1.http_url()));
    let settle = l1_rpc.is_some() && (args.insecure_no_proofs || args.l1_rpc.is_some());
    if let (Some(url), true) = (&l1_rpc, settle) {
        config.l1.rpc_url = Some(url.clone());
        config.l1.deploy_if_missing = true;
        config.l1.insecure_no_proofs = args.insecure_no_proofs;
        config.l1.poll_interval_ms = 200;
        // anvil mines a block per transaction: a deposit would wait for the next L1 transaction to be buried.
        config.l1.confirmations = args.l1_confirmations;
        config.l1.operator_private_key = match &args.l1_operator_key {
            Some(k) => k.clone(),
            None => format!(
                "0x{}",
                alloy_primitives::hex::encode(dev_signers(10)?[9].to_bytes())
            ),
        };
    } else if args.insecure_no_proofs {
        anyhow::bail!("--insecure-no-proofs needs an L1 (drop --no-l1 or give --l1-rpc)");
    }
    let node = spawn(config).await?;

    let mut banner =
        String::from("\nFerrum devnet\n=============\n\nAvailable accounts (10,000 ETH each)\n");
    for (i, s) in signers.iter().enumerate() {
        banner += &format!("({i}) {}\n", s.address());
    }
    banner += "\nPrivate keys\n";
    for (i, s) in signers.iter().enumerate() {
        banner += &format!("({i}) 0x{}\n", alloy_primitives::hex::encode(s.to_bytes()));
    }
    banner += &format!("\nMnemonic: {DEV_MNEMONIC}\nDerivation path: m/44'/60'/0'/0/<index>\n");
    banner += &format!(
        "\nChain id: {}\nData dir: {}\nHead block: {}\n",
        args.chain_id,
        data_dir.display(),
        node.chain.head().header.number
    );
    if let Some(l1) = &embedded {
        banner += &format!(
            "\nEmbedded dev L1: {} (chain id {}, same dev accounts)\n",
            l1.http_url(),
            ferrum_node::EMBEDDED_L1_CHAIN_ID
        );
        if node.deployment.is_none() {
            banner += "Settlement: off. No L1 verifier of zkVM proofs exists yet; pass --insecure-no-proofs to settle \
                       batches on the embedded L1 WITHOUT proofs.\n";
        }
    }
    banner += &settlement_banner(&node);
    banner += &if args.no_proving {
        "\nProving: off (--no-proving)\n".to_string()
    } else {
        format!(
            "\nProving: every batch, in process (batch guest {}); `ferrum batch verify N --rpc {}` checks a proof\n",
            ferrum_prover::guest_id(ferrum_prover::BATCH_GUEST_ELF),
            node.http_url()
        )
    };
    banner += &format!(
        "\nRPC (HTTP): {}\nRPC (WS):   {}\n",
        node.http_url(),
        node.ws_url()
    );
    if !args.no_explorer {
        banner += &format!("Explorer:   {}/explorer/\n", node.http_url());
    }
    println!("{banner}");

    wait_for_shutdown(&node).await;
    node.stop().await?;
    if let Some(l1) = embedded {
        l1.stop().await?;
    }
    Ok(())
}

fn settlement_banner(node: &ferrum_node::RunningNode) -> String {
    let Some(d) = &node.deployment else {
        return "Settlement: none (this chain does not settle on an L1)\n".into();
    };
    let chain = node.chain.config.chain_id;
    let mut s = format!(
        "\nL1 chain id: {}\nBridgehub: {}\nShared bridge: {} (ERC-20s arrive through the L2 asset router {})\nChainTypeManager: {}\nChain contract: {}\nVerifier: {}\n",
        d.l1_chain_id,
        d.bridgehub,
        d.shared_bridge,
        ferrum_primitives::L2_ASSET_ROUTER_ADDRESS,
        d.chain_type_manager,
        d.chains
            .get(&chain)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        d.verifier,
    );
    if d.insecure_verifier {
        s += "\n!!! WARNING: --insecure-no-proofs: batches are settled on L1 WITHOUT validity proofs (UNPROVEN). !!!\n\
              !!! Anyone who controls the operator key can steal every bridged asset. Never use with real funds. !!!\n";
    }
    s
}

async fn wait_for_shutdown(node: &ferrum_node::RunningNode) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                tracing::info!("shutting down");
                return;
            }
            _ = tick.tick() => {
                if !node.is_healthy() {
                    tracing::error!("sequencer stopped; shutting down");
                    return;
                }
            }
        }
    }
}

fn main() -> anyhow::Result<()> {
    require_build_cpu_features();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run())
}

/// Exits with a clear message, before anything else runs, on a CPU that lacks what the build targets
/// (`.cargo/config.toml`: x86-64-v3) instead of dying of an illegal instruction somewhere later.
fn require_build_cpu_features() {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    if !(std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("bmi2")
        && std::arch::is_x86_feature_detected!("pclmulqdq"))
    {
        eprintln!(
            "error: this ferrum was built for x86-64-v3 (AVX2, FMA, BMI2, PCLMULQDQ) and this CPU lacks them; rebuild \
             for it with RUSTFLAGS=\"-C target-cpu=native\" (without AVX2 the prover's field arithmetic \
             is not vectorised: about 2.5x slower)"
        );
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match cli.command {
        Command::Devnet(args) => devnet(args).await,
        Command::Node {
            config,
            insecure_no_proofs,
            prover_db,
        } => {
            let text = std::fs::read_to_string(&config)
                .with_context(|| format!("reading {}", config.display()))?;
            let mut config = NodeConfig::from_toml(&text)
                .with_context(|| format!("parsing {}", config.display()))?;
            config.l1.insecure_no_proofs |= insecure_no_proofs;
            if let Some(url) = prover_db {
                config.prover.enabled = true;
                config.prover.database_url = Some(url);
            }
            let node = spawn(config).await?;
            println!(
                "RPC (HTTP): {}\nRPC (WS):   {}",
                node.http_url(),
                node.ws_url()
            );
            wait_for_shutdown(&node).await;
            node.stop().await
        }
        Command::Bench(args) => run_bench(args).await,
        Command::Ecosystem(EcosystemCommand::Init(args)) => {
            let config = args.node_config()?;
            let deployment = ferrum_node::ecosystem_init(config.clone()).await?;
            println!("{}", serde_json::to_string_pretty(&deployment)?);
            eprintln!("written to {}", config.deployment_file().display());
            if deployment.insecure_verifier {
                eprintln!(
                    "WARNING: InsecureNoProofVerifier: batches of these chains settle UNPROVEN"
                );
            }
            Ok(())
        }
        Command::Chain(ChainCommand::Create { l1, chain_id }) => {
            let mut config = l1.node_config()?;
            if let Some(id) = chain_id {
                config.chain.chain_id = id;
            }
            let deployment = ferrum_node::chain_create(config.clone()).await?;
            println!("{}", serde_json::to_string_pretty(&deployment)?);
            Ok(())
        }
        Command::Withdraw(WithdrawCommand::Finalize {
            tx,
            index,
            l2_rpc,
            l1_rpc,
            private_key,
            bridgehub,
        }) => {
            let proof = ferrum_node::withdraw::withdrawal_proof(&l2_rpc, tx, index).await?;
            let (_, bridges) =
                ferrum_node::withdraw::l1_bridges(&l2_rpc, &l1_rpc, bridgehub).await?;
            let hash =
                ferrum_node::withdraw::finalize_withdrawal(&l1_rpc, &private_key, bridges, &proof)
                    .await?;
            println!(
                "finalized withdrawal {tx} (batch {}, message {}) on L1: {hash}",
                proof.batch, proof.message_index
            );
            Ok(())
        }
        Command::Deposit {
            to,
            amount,
            token,
            l2_gas_limit,
            l2_rpc,
            l1_rpc,
            private_key,
            bridgehub,
        } => {
            let sent = ferrum_node::deposit::deposit(&ferrum_node::deposit::Deposit {
                l2_rpc,
                l1_rpc,
                private_key,
                to,
                amount,
                token,
                l2_gas_limit,
                bridgehub,
            })
            .await?;
            println!(
                "deposit sent on L1: {}\nL2 transaction: {} (its receipt appears once the L2 executes it)",
                sent.l1_tx, sent.l2_tx
            );
            Ok(())
        }
        Command::Config => {
            print!("{}", toml::to_string(&NodeConfig::default())?);
            Ok(())
        }
        Command::Batch(command) => batch_cli::main(command).await,
        Command::Prover(args) => prover_cli::main(args).await,
        Command::Zkvm(command) => {
            // Proving is CPU-bound (rayon inside); nothing else runs on the runtime meanwhile.
            let code = zkvm_cli::main(command)?;
            std::io::Write::flush(&mut std::io::stdout())?;
            std::process::exit(i32::from(code))
        }
    }
}
