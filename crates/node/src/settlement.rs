//! Settlement wiring: loads (or deploys) the L1 ecosystem, registers this chain, and runs the L1 sender.

use std::{path::Path, sync::Arc, time::Duration};

use alloy::{
    network::EthereumWallet,
    providers::{Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use alloy_primitives::U256;
use anyhow::Context as _;
use ferrum_l1::L1Error;
use ferrum_l1::{
    ChainParams, Deployment, EcosystemParams, L1Sender, L1Watcher, ProofMode, SenderConfig,
    WatcherConfig,
    deploy::{DaMode, ETH_TOKEN_ADDRESS, VerifierChoice},
};
use ferrum_primitives::L2_ASSET_ROUTER_ADDRESS;
use ferrum_rpc::L1Contracts;
use ferrum_sequencer::{BatchRecord, Chain, L1Ecosystem};
use tokio::{sync::watch, task::JoinHandle};

use crate::{NodeConfig, config::L1Section, node::open_chain};

/// The running L1 sender task.
#[derive(Debug)]
pub(crate) struct Settlement {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// What the L1 sender's transactions cost (for `/metrics`).
    pub(crate) stats: Arc<ferrum_l1::SenderStats>,
}

impl Settlement {
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// The operator's L1 provider. Nonces are read from L1 before every transaction (not cached): after a send
/// whose answer was lost, a cached nonce would leave a gap that L1 never fills.
fn operator_provider(
    url: &str,
    signer: PrivateKeySigner,
) -> anyhow::Result<impl Provider + Clone + use<>> {
    Ok(ProviderBuilder::new()
        .disable_recommended_fillers()
        .with_gas_estimation()
        .with_simple_nonce_management()
        .fetch_chain_id()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().with_context(|| format!("l1.rpc_url {url}"))?))
}

fn operator(l1: &L1Section) -> anyhow::Result<PrivateKeySigner> {
    l1.operator_private_key
        .trim()
        .parse::<PrivateKeySigner>()
        .context("l1.operator_private_key is not a valid secp256k1 private key")
}

/// Opens the chain in `config.data_dir` for the deployment in `config.deployment_file()`, or, when that file is
/// missing and `l1.deploy_if_missing` is set, deploys the ecosystem and creates the chain's genesis for it (the
/// genesis records the L1 shared bridge, so it can only be built once the bridge exists). Registers the chain if
/// the deployment lacks it and writes the file back.
pub(crate) async fn open_or_deploy(
    config: &NodeConfig,
) -> anyhow::Result<(Arc<Chain>, Deployment)> {
    let l1 = &config.l1;
    let deployment_path = config.deployment_file();
    let url = l1.rpc_url.as_deref().context("no l1.rpc_url")?;
    let signer = operator(l1)?;
    let me = signer.address();
    let provider = operator_provider(url, signer)?;
    let chain_id = config.chain.chain_id;
    let (chain, mut deployment) = match std::fs::read_to_string(&deployment_path) {
        Ok(text) => {
            let deployment = serde_json::from_str::<Deployment>(&text)
                .with_context(|| format!("parsing {}", deployment_path.display()))?;
            // Every chain of the deployment starts from the ChainTypeManager's genesis, made at this time.
            let mut config = config.clone();
            if config.genesis.timestamp == 0 {
                config.genesis.timestamp = deployment.genesis_timestamp;
            }
            let chain = open_chain(&config, ecosystem(&deployment))?;
            check_genesis_bridge(&chain, deployment.shared_bridge)?;
            (chain, deployment)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && l1.deploy_if_missing => {
            let verifier = if l1.insecure_no_proofs {
                VerifierChoice::InsecureNoProofs
            } else {
                anyhow::bail!(
                    "no zkVM verifier contract exists yet: deploying requires --insecure-no-proofs \
                     (batches will be UNPROVEN)"
                );
            };
            tracing::info!(l1 = url, "deploying the L1 ecosystem");
            let mut params = EcosystemParams::devnet(me, verifier);
            params.execution_delay = l1.execution_delay_secs;
            let mut opened = None;
            let deployment =
                ferrum_l1::deploy_ecosystem(&provider, &params, |l1_chain_id, shared_bridge| {
                    let l1 = L1Ecosystem {
                        l1_chain_id,
                        shared_bridge,
                    };
                    let chain =
                        open_chain(config, l1).map_err(|e| L1Error::Genesis(format!("{e:#}")))?;
                    // A data dir made for another bridge must not become this CTM's genesis.
                    check_genesis_bridge(&chain, shared_bridge)
                        .map_err(|e| L1Error::Genesis(format!("{e:#}")))?;
                    let hash = genesis_batch_hash(&chain)
                        .map_err(|e| L1Error::Genesis(format!("{e:#}")))?;
                    opened = Some(chain);
                    Ok(hash)
                })
                .await
                .context("deploying the L1 ecosystem")?;
            let chain = opened.context("the deployment did not create the genesis")?;
            let mut deployment = deployment;
            deployment.genesis_timestamp = chain
                .store
                .header(0)?
                .context("no genesis header")?
                .timestamp;
            (chain, deployment)
        }
        Err(e) => {
            return Err(e).with_context(|| format!("reading {}", deployment_path.display()));
        }
    };
    if !deployment.chains.contains_key(&chain_id) {
        register(&provider, &mut deployment, l1, chain_id, me).await?;
    }
    write_deployment(&deployment, &deployment_path)?;
    Ok((chain, deployment))
}

/// The L1 ecosystem a chain of `deployment` records in its genesis.
fn ecosystem(deployment: &Deployment) -> L1Ecosystem {
    L1Ecosystem {
        l1_chain_id: deployment.l1_chain_id,
        shared_bridge: deployment.shared_bridge,
    }
}

/// A data dir whose genesis was made for another L1 (or none) would take deposits from nobody: refuse it.
fn check_genesis_bridge(
    chain: &Chain,
    shared_bridge: alloy_primitives::Address,
) -> anyhow::Result<()> {
    let recorded = chain
        .store
        .storage(&L2_ASSET_ROUTER_ADDRESS, &U256::ZERO, Some(0))?;
    let expected = U256::from_be_slice(shared_bridge.as_slice());
    anyhow::ensure!(
        recorded == expected,
        "the chain in this data dir was created for L1 shared bridge {recorded:#x}, but the deployment's is \
         {expected:#x}: start from an empty data dir"
    );
    Ok(())
}

async fn register<P: Provider>(
    provider: &P,
    deployment: &mut Deployment,
    l1: &L1Section,
    chain_id: u64,
    operator: alloy_primitives::Address,
) -> anyhow::Result<()> {
    let params = ChainParams {
        chain_id,
        admin: operator,
        validators: vec![operator],
        base_token: ETH_TOKEN_ADDRESS,
        da_mode: if l1.pubdata == ferrum_l1::PubdataMode::Validium {
            DaMode::Validium
        } else {
            DaMode::Rollup
        },
    };
    ferrum_l1::create_chain(provider, deployment, &params)
        .await
        .with_context(|| format!("registering chain {chain_id} on L1"))?;
    Ok(())
}

fn write_deployment(deployment: &Deployment, path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_string_pretty(deployment)?)?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Registers `chain_id` in the deployment at `path` (the operator must own the Bridgehub) and rewrites it.
pub(crate) async fn register_chain(
    l1: &L1Section,
    path: &Path,
    chain_id: u64,
) -> anyhow::Result<Deployment> {
    let url = l1.rpc_url.as_deref().context("no l1.rpc_url")?;
    let signer = operator(l1)?;
    let me = signer.address();
    let provider = operator_provider(url, signer)?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut deployment: Deployment =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    anyhow::ensure!(
        !deployment.insecure_verifier || l1.insecure_no_proofs,
        "the ecosystem at {} uses InsecureNoProofVerifier: a chain created there settles UNPROVEN, so \
         `ferrum chain create` needs --insecure-no-proofs",
        path.display()
    );
    anyhow::ensure!(
        !deployment.chains.contains_key(&chain_id),
        "chain {chain_id} is already registered at {}",
        deployment.chains[&chain_id]
    );
    register(&provider, &mut deployment, l1, chain_id, me).await?;
    write_deployment(&deployment, path)?;
    Ok(deployment)
}

fn genesis_batch_hash(chain: &Chain) -> anyhow::Result<alloy_primitives::B256> {
    let raw = chain
        .store
        .batch(0)?
        .context("the genesis batch is not sealed")?;
    Ok(BatchRecord::decode_stored(&raw)?.commitment_after)
}

/// What RPC reports about L1.
pub(crate) fn l1_contracts(deployment: &Deployment, chain_id: u64) -> Option<L1Contracts> {
    Some(L1Contracts {
        l1_chain_id: deployment.l1_chain_id,
        bridgehub: deployment.bridgehub,
        main_contract: *deployment.chains.get(&chain_id)?,
        shared_bridge: deployment.shared_bridge,
        base_token: ETH_TOKEN_ADDRESS,
        insecure_no_proofs: deployment.insecure_verifier,
    })
}

/// How the sender treats proofs. A deployment with `InsecureNoProofVerifier` settles batches UNPROVEN only when
/// the operator says so on this start (`--insecure-no-proofs` / `l1.insecure_no_proofs`): the deployment file
/// the node wrote on an earlier start is not consent.
fn proof_mode(insecure_verifier: bool, insecure_no_proofs: bool) -> anyhow::Result<ProofMode> {
    match (insecure_verifier, insecure_no_proofs) {
        (true, true) => Ok(ProofMode::InsecureNoProofs),
        (true, false) => anyhow::bail!(
            "this chain's L1 verifier is InsecureNoProofVerifier: settling there makes batches UNPROVEN, so \
             it needs --insecure-no-proofs (or l1.insecure_no_proofs = true) on every start"
        ),
        (false, _) => Ok(ProofMode::CommitOnly),
    }
}

/// Starts the L1 sender after checking that L1's genesis batch is this chain's (a mismatch fails the start).
/// Afterwards L1 errors are retried: the chain keeps sequencing while L1 is away.
pub(crate) async fn start_sender(
    chain: Arc<Chain>,
    l1: &L1Section,
    deployment: &Deployment,
    wait_for_proofs: bool,
) -> anyhow::Result<Settlement> {
    let url = l1.rpc_url.clone().context("no l1.rpc_url")?;
    let signer = operator(l1)?;
    let chain_id = chain.config.chain_id;
    let config = SenderConfig {
        chain_id,
        chain_contract: *deployment
            .chains
            .get(&chain_id)
            .context("chain not registered in the deployment")?,
        operator: signer.address(),
        genesis_batch_commitment: alloy_primitives::B256::ZERO,
        pubdata: l1.pubdata,
        proofs: proof_mode(deployment.insecure_verifier, l1.insecure_no_proofs)?,
        max_batches_per_tx: l1.max_batches_per_tx,
        poll_interval: Duration::from_millis(l1.poll_interval_ms),
        fees: ferrum_l1::FeePolicy {
            resend_after: Duration::from_millis(l1.resend_after_ms),
            bump_percent: l1.fee_bump_percent.max(10),
            max_fee_per_gas_cap: u128::from(l1.max_fee_per_gas_gwei) * 1_000_000_000,
            ..Default::default()
        },
        confirmations: l1.confirmations,
        wait_for_proofs,
    };
    let provider = operator_provider(&url, signer)?;
    let watcher = L1Watcher::new(
        provider.clone(),
        chain.store.clone(),
        WatcherConfig {
            chain_contract: config.chain_contract,
            confirmations: l1.confirmations,
            from_block: deployment.deployed_at_block,
            max_block_range: 1_000,
            poll_interval: config.poll_interval,
        },
    );
    let sender = L1Sender::new(provider, chain.store.clone(), config)
        .await
        .context("starting the L1 sender")?;
    chain.set_settles_on_l1();
    let stats = sender.stats();
    let (stop, stop_rx) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(sender.run(stop_rx.clone())),
        tokio::spawn(watcher.run(stop_rx)),
    ];
    Ok(Settlement { stop, tasks, stats })
}

/// Reads `l1_chain_id` to fail early with a clear message when the URL is wrong.
pub(crate) async fn check_reachable(url: &str) -> anyhow::Result<u64> {
    let provider = ProviderBuilder::new().connect_http(url.parse()?);
    provider
        .get_chain_id()
        .await
        .with_context(|| format!("L1 at {url} is not reachable"))
}
