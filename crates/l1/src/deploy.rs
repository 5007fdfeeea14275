//! Deployment of the L1 ecosystem and registration of chains: the Rust twin of `contracts/script/DeployL1.s.sol`
//! (same order, same wiring; `docs/contracts.md`, "Deployment"). Used by `ferrum ecosystem init`, `ferrum chain
//! create` and the devnet.

use std::collections::BTreeMap;

use alloy::{
    network::Ethereum,
    providers::{PendingTransactionBuilder, Provider},
    rpc::types::TransactionReceipt,
    sol_types::{SolCall, SolValue},
};
use alloy_primitives::{Address, B256, U256, address};
use serde::{Deserialize, Serialize};

use crate::{
    L1Error,
    bindings::{
        bridgehub::Bridgehub,
        chain_type_manager::ChainTypeManager::{self, ChainCreationParams},
        exodus_verifier::StateTreeExodusVerifier,
        governor::FerrumGovernor,
        insecure_verifier::InsecureNoProofVerifier,
        proxy::TransparentUpgradeableProxy,
        security_council::SecurityCouncil,
        shared_bridge::L1SharedBridge,
        timelock::TimelockController,
        zk_chain::ZKChain,
        zk_token::ZKToken,
    },
};

/// The L1 address that stands for ETH as a base token (`ETH_TOKEN_ADDRESS` in `Config.sol`, as era).
pub const ETH_TOKEN_ADDRESS: Address = address!("0x0000000000000000000000000000000000000001");

/// The ZK token's fixed supply: 21,000,000,000 × 10^18.
pub const ZK_TOTAL_SUPPLY: U256 = U256::from_limbs([0x1c1a84ff08000000, 0x43dacaf9, 0, 0]);

/// Which proof verifier the ChainTypeManager gives new chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifierChoice {
    /// Deploy `InsecureNoProofVerifier` and allow it: batches execute without any proof. Only by explicit request
    /// (`--insecure-no-proofs`); the chain's `isProofVerificationInsecure()` then reports `true`.
    InsecureNoProofs,
    /// An already deployed `IVerifier`.
    Existing(Address),
}

/// Governance to deploy with the ecosystem (ZK token, timelock, governor, security council).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceParams {
    /// Timelock delay in seconds.
    pub timelock_delay: u64,
    /// Governor voting period in blocks.
    pub voting_period: u32,
    /// Offer the ownership of the ChainTypeManager, Bridgehub and bridge to the timelock (it accepts in its first
    /// proposal).
    pub handover_to_timelock: bool,
}

impl Default for GovernanceParams {
    fn default() -> Self {
        Self {
            timelock_delay: 86_400,
            voting_period: 50,
            handover_to_timelock: false,
        }
    }
}

/// Everything `deploy_ecosystem` needs besides the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemParams {
    /// The account that signs the deployment (the provider's wallet must hold its key).
    pub deployer: Address,
    /// Owner of the Bridgehub, CTM and bridge (and their proxies' admin); `None` = the deployer.
    pub owner: Option<Address>,
    /// The proof verifier.
    pub verifier: VerifierChoice,
    /// Batch 0's `commitment`.
    pub genesis_batch_commitment: B256,
    /// Seconds between commit and execute.
    pub execution_delay: u64,
    /// Seconds a priority operation may wait before anyone can start exodus mode.
    pub priority_tx_expiration: u64,
    /// Largest L2 gas limit of a priority operation.
    pub priority_tx_max_gas_limit: u64,
    /// Floor of the L2 gas price charged for priority operations (wei).
    pub minimal_l2_gas_price: U256,
    /// Governance, if any.
    pub governance: Option<GovernanceParams>,
}

impl EcosystemParams {
    /// Devnet defaults (as `DeployL1.s.sol`): deployer owns everything, 1-day expiry, no delay, 1 gwei floor.
    pub fn devnet(deployer: Address, verifier: VerifierChoice) -> Self {
        Self {
            deployer,
            owner: None,
            verifier,
            genesis_batch_commitment: B256::ZERO,
            execution_delay: 0,
            priority_tx_expiration: 86_400,
            priority_tx_max_gas_limit: 80_000_000,
            minimal_l2_gas_price: U256::from(1_000_000_000u64),
            governance: None,
        }
    }
}

/// Data availability of a chain (`DAMode` in `Config.sol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaMode {
    /// Pubdata on L1 (calldata or blobs).
    Rollup = 0,
    /// Only the pubdata's hash on L1.
    Validium = 1,
}

/// A chain to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainParams {
    /// The L2 chain id.
    pub chain_id: u64,
    /// The chain admin.
    pub admin: Address,
    /// Accounts allowed to commit, prove, execute and revert batches.
    pub validators: Vec<Address>,
    /// The L1 base token (`ETH_TOKEN_ADDRESS` for ETH).
    pub base_token: Address,
    /// Rollup or validium.
    pub da_mode: DaMode,
}

/// Addresses of a deployed ecosystem (written to the config file and printed by `ferrum ecosystem init`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// Chain id of the L1.
    pub l1_chain_id: u64,
    /// L1 block of the first deployment transaction (the watcher starts here).
    pub deployed_at_block: u64,
    /// Bridgehub (proxy).
    pub bridgehub: Address,
    /// Shared bridge (proxy).
    pub shared_bridge: Address,
    /// ChainTypeManager.
    pub chain_type_manager: Address,
    /// The verifier new chains get.
    pub verifier: Address,
    /// Whether that verifier is `InsecureNoProofVerifier`.
    pub insecure_verifier: bool,
    /// The exodus verifier.
    pub exodus_verifier: Address,
    /// ZK token, if governance was deployed.
    pub zk_token: Option<Address>,
    /// Timelock, if governance was deployed.
    pub timelock: Option<Address>,
    /// Governor, if governance was deployed.
    pub governor: Option<Address>,
    /// Security council, if governance was deployed.
    pub security_council: Option<Address>,
    /// Registered chains: L2 chain id → chain (diamond-proxy equivalent) contract.
    pub chains: BTreeMap<u64, Address>,
    /// Timestamp of the L2 genesis block the ChainTypeManager's genesis batch hash was made with: every chain
    /// of this deployment starts from the same genesis, so later chains need it (0 = not recorded).
    #[serde(default)]
    pub genesis_timestamp: u64,
}

/// Waits for a sent transaction and fails if it reverted.
pub(crate) async fn confirm(
    pending: PendingTransactionBuilder<Ethereum>,
) -> Result<TransactionReceipt, L1Error> {
    // A receipt that does not come (L1 away, transaction dropped) fails the round, which is then retried
    // from L1's state.
    let receipt = pending
        .with_timeout(Some(std::time::Duration::from_secs(120)))
        .get_receipt()
        .await?;
    if !receipt.status() {
        return Err(L1Error::Reverted(receipt.transaction_hash));
    }
    Ok(receipt)
}

/// Deploys and wires Bridgehub, shared bridge, verifier, exodus verifier, ChainTypeManager and (optionally)
/// governance. Registers no chain: call [`create_chain`] for each.
///
/// `genesis(l1_chain_id, shared_bridge)` returns the L2 genesis batch hash (`StateCommitment::hash` of batch 0)
/// that the ChainTypeManager gives new chains. It is asked once the shared bridge exists, because the L2 genesis
/// records that bridge: its alias is the only sender the L2 asset router accepts deposits from.
pub async fn deploy_ecosystem<P: Provider>(
    provider: &P,
    params: &EcosystemParams,
    genesis: impl FnOnce(u64, Address) -> Result<B256, L1Error>,
) -> Result<Deployment, L1Error> {
    let sender = params.deployer;
    let owner = params.owner.unwrap_or(sender);
    let l1_chain_id = provider.get_chain_id().await?;
    let deployed_at_block = provider.get_block_number().await?;
    // Each step waits for L1 to mine its transactions (a block time each on a real L1): say how far along it is.
    let steps = if params.governance.is_some() { 6 } else { 5 };
    let step = |n: u32, what: &str| tracing::info!("L1 deployment {n}/{steps}: {what}");

    step(1, "Bridgehub");
    let bridgehub_impl = Bridgehub::deploy(provider).await?;
    let init = Bridgehub::initializeCall { _owner: sender }.abi_encode();
    let proxy = TransparentUpgradeableProxy::deploy(
        provider,
        *bridgehub_impl.address(),
        owner,
        init.into(),
    )
    .await?;
    let bridgehub = Bridgehub::new(*proxy.address(), provider);

    step(2, "shared bridge");
    let bridge_impl = L1SharedBridge::deploy(provider, *bridgehub.address()).await?;
    let init = L1SharedBridge::initializeCall { _owner: owner }.abi_encode();
    let proxy =
        TransparentUpgradeableProxy::deploy(provider, *bridge_impl.address(), owner, init.into())
            .await?;
    let shared_bridge = *proxy.address();
    let genesis_batch_hash = genesis(l1_chain_id, shared_bridge)?;

    step(3, "verifiers");
    let (verifier, insecure_verifier) = match params.verifier {
        VerifierChoice::InsecureNoProofs => (
            *InsecureNoProofVerifier::deploy(provider).await?.address(),
            true,
        ),
        VerifierChoice::Existing(a) => (a, false),
    };
    let exodus_verifier = *StateTreeExodusVerifier::deploy(provider, *bridgehub.address(), owner)
        .await?
        .address();

    let creation = ChainCreationParams {
        genesisBatchHash: genesis_batch_hash,
        genesisBatchCommitment: params.genesis_batch_commitment,
        verifier,
        allowInsecureVerifier: insecure_verifier,
        exodusVerifier: exodus_verifier,
        executionDelay: U256::from(params.execution_delay),
        priorityTxExpiration: U256::from(params.priority_tx_expiration),
        priorityTxMaxGasLimit: U256::from(params.priority_tx_max_gas_limit),
        minimalL2GasPrice: params.minimal_l2_gas_price,
    };
    step(4, "ChainTypeManager");
    let chain_impl = ZKChain::deploy(provider).await?;
    let ctm = ChainTypeManager::deploy(
        provider,
        *bridgehub.address(),
        sender,
        *chain_impl.address(),
        U256::from(1),
        creation,
    )
    .await?;

    step(5, "wiring the Bridgehub");
    confirm(bridgehub.setSharedBridge(shared_bridge).send().await?).await?;
    confirm(bridgehub.addChainTypeManager(*ctm.address()).send().await?).await?;

    let mut deployment = Deployment {
        l1_chain_id,
        deployed_at_block,
        bridgehub: *bridgehub.address(),
        shared_bridge,
        chain_type_manager: *ctm.address(),
        verifier,
        insecure_verifier,
        exodus_verifier,
        zk_token: None,
        timelock: None,
        governor: None,
        security_council: None,
        chains: BTreeMap::new(),
        genesis_timestamp: 0,
    };
    if let Some(gov) = &params.governance {
        step(6, "ZK token and governance");
        deploy_governance(provider, sender, owner, gov, &mut deployment).await?;
    }
    if owner != sender {
        confirm(bridgehub.transferOwnership(owner).send().await?).await?;
        confirm(ctm.transferOwnership(owner).send().await?).await?;
    }
    Ok(deployment)
}

async fn deploy_governance<P: Provider>(
    provider: &P,
    sender: Address,
    owner: Address,
    gov: &GovernanceParams,
    deployment: &mut Deployment,
) -> Result<(), L1Error> {
    let zk = ZKToken::deploy(provider, vec![owner], vec![ZK_TOTAL_SUPPLY]).await?;
    let timelock = TimelockController::deploy(
        provider,
        U256::from(gov.timelock_delay),
        vec![],
        vec![Address::ZERO],
        sender,
    )
    .await?;
    let governor = FerrumGovernor::deploy(
        provider,
        *zk.address(),
        *timelock.address(),
        alloy::primitives::aliases::U48::from(1),
        gov.voting_period,
        U256::ZERO,
        U256::from(4),
    )
    .await?;
    let council = SecurityCouncil::deploy(provider, vec![owner], U256::from(1)).await?;
    let proposer = timelock.PROPOSER_ROLE().call().await?;
    let canceller = timelock.CANCELLER_ROLE().call().await?;
    let admin = timelock.DEFAULT_ADMIN_ROLE().call().await?;
    confirm(
        timelock
            .grantRole(proposer, *governor.address())
            .send()
            .await?,
    )
    .await?;
    confirm(
        timelock
            .grantRole(canceller, *governor.address())
            .send()
            .await?,
    )
    .await?;
    confirm(
        timelock
            .grantRole(canceller, *council.address())
            .send()
            .await?,
    )
    .await?;
    confirm(timelock.renounceRole(admin, sender).send().await?).await?;
    let ctm = ChainTypeManager::new(deployment.chain_type_manager, provider);
    confirm(ctm.setSecurityCouncil(*council.address()).send().await?).await?;
    if gov.handover_to_timelock {
        let bridgehub = Bridgehub::new(deployment.bridgehub, provider);
        let bridge = L1SharedBridge::new(deployment.shared_bridge, provider);
        confirm(ctm.transferOwnership(*timelock.address()).send().await?).await?;
        confirm(
            bridgehub
                .transferOwnership(*timelock.address())
                .send()
                .await?,
        )
        .await?;
        confirm(bridge.transferOwnership(*timelock.address()).send().await?).await?;
    }
    deployment.zk_token = Some(*zk.address());
    deployment.timelock = Some(*timelock.address());
    deployment.governor = Some(*governor.address());
    deployment.security_council = Some(*council.address());
    Ok(())
}

/// Registers a chain through the Bridgehub (which must still be owned by the provider's signer) and records its
/// contract in `deployment.chains`.
pub async fn create_chain<P: Provider>(
    provider: &P,
    deployment: &mut Deployment,
    chain: &ChainParams,
) -> Result<Address, L1Error> {
    let bridgehub = Bridgehub::new(deployment.bridgehub, provider);
    // `DAMode` is a uint8 enum: one ABI word.
    let init = (U256::from(chain.da_mode as u8), chain.validators.clone()).abi_encode_params();
    confirm(
        bridgehub
            .createNewChain(
                U256::from(chain.chain_id),
                deployment.chain_type_manager,
                chain.base_token,
                U256::ZERO,
                chain.admin,
                init.into(),
            )
            .send()
            .await?,
    )
    .await?;
    let address = bridgehub
        .getZKChain(U256::from(chain.chain_id))
        .call()
        .await?;
    if address == Address::ZERO {
        return Err(L1Error::Unexpected(format!(
            "chain {} not registered",
            chain.chain_id
        )));
    }
    deployment.chains.insert(chain.chain_id, address);
    Ok(address)
}
