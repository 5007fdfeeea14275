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

#[derive(Parser)]
#[command(
    name = "ferrum",
    version,
    about = "Ferrum: a ZK-rollup stack for Ethereum"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
    },
    /// Load-test a node (or any Ethereum JSON-RPC endpoint) and print TPS and latency.
    Bench(BenchArgs),
    /// Print the default node configuration (TOML) to start a `ferrum.toml` from.
    Config,
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
    /// Do not fsync each block (faster; a machine crash may lose the last blocks).
    #[arg(long)]
    no_sync: bool,
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
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
    config.sequencer.block_time_ms = args.block_time_ms;
    config.genesis.alloc = signers
        .iter()
        .map(|s| GenesisAccount {
            address: s.address(),
            balance,
        })
        .collect();
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
    banner += "Settlement: none yet (L1 settlement is not wired into the devnet in this version)\n";
    banner += &format!(
        "\nRPC (HTTP): {}\nRPC (WS):   {}\n",
        node.http_url(),
        node.ws_url()
    );
    println!("{banner}");

    wait_for_shutdown(&node).await;
    node.stop().await
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Command::Devnet(args) => devnet(args).await,
        Command::Node { config } => {
            let text = std::fs::read_to_string(&config)
                .with_context(|| format!("reading {}", config.display()))?;
            let config = NodeConfig::from_toml(&text)
                .with_context(|| format!("parsing {}", config.display()))?;
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
        Command::Config => {
            print!("{}", toml::to_string(&NodeConfig::default())?);
            Ok(())
        }
    }
}
