//! `ferrum deposit`: moves ETH or an L1 ERC-20 to an L2 account through the Bridgehub, priced as ZKsync's SDK
//! prices it (`zks_estimateGasL1ToL2` × 1.2, gas per pubdata 800, `l2TransactionBaseCost`).

use alloy::{
    network::EthereumWallet,
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolValue},
};
use alloy_primitives::{Address, B256, Bytes, U256};
use anyhow::{Context as _, bail};
use ferrum_l1::{
    bindings::bridgehub::Bridgehub::{
        self, L2TransactionRequestDirect, L2TransactionRequestTwoBridgesOuter,
    },
    priority::priority_request,
};
use ferrum_primitives::L2_ASSET_ROUTER_ADDRESS;
use serde_json::json;

use crate::withdraw::l2_call;

sol! {
    interface IERC20Min {
        function allowance(address owner, address spender) external view returns (uint256);
        function approve(address spender, uint256 amount) external returns (bool);
        function name() external view returns (string);
        function symbol() external view returns (string);
        function decimals() external view returns (uint8);
    }

    interface IL2AssetRouterDeposit {
        function finalizeDeposit(address l1Sender, address l2Receiver, address l1Token, uint256 amount, bytes data) external;
    }
}

/// The gas per pubdata byte of every L1→L2 transaction (ZKsync's `REQUIRED_L1_TO_L2_GAS_PER_PUBDATA_LIMIT`).
const GAS_PER_PUBDATA: u64 = 800;

/// A deposit to make.
#[derive(Debug, Clone)]
pub struct Deposit {
    /// L2 JSON-RPC URL (for the Bridgehub address, chain id and the gas estimate).
    pub l2_rpc: String,
    /// L1 JSON-RPC URL.
    pub l1_rpc: String,
    /// L1 key of the depositor (pays the amount and the L2 gas).
    pub private_key: String,
    /// L2 receiver.
    pub to: Address,
    /// Amount in wei or in the token's smallest unit.
    pub amount: U256,
    /// The L1 ERC-20; `None` deposits ETH.
    pub token: Option<Address>,
    /// L2 gas limit; `None` prices it as the SDK does (`zks_estimateGasL1ToL2` × 1.2).
    pub l2_gas_limit: Option<u64>,
    /// The L1 Bridgehub, when the caller knows it (see [`crate::withdraw::l1_bridges`]).
    pub bridgehub: Option<Address>,
}

/// What a deposit sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositSent {
    /// The L1 transaction.
    pub l1_tx: B256,
    /// The L2 transaction's hash (the canonical hash of the priority transaction).
    pub l2_tx: B256,
}

/// Sends `d` on L1 (approving the shared bridge first for an ERC-20 when needed) and returns its hashes.
pub async fn deposit(d: &Deposit) -> anyhow::Result<DepositSent> {
    let signer: PrivateKeySigner = d
        .private_key
        .trim()
        .parse()
        .context("invalid private key")?;
    let me = signer.address();
    let l1 = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(
            d.l1_rpc
                .parse()
                .with_context(|| format!("L1 URL {}", d.l1_rpc))?,
        );
    let chain_id: alloy_primitives::U64 =
        serde_json::from_value(l2_call(&d.l2_rpc, "eth_chainId", json!([])).await?)?;
    let chain_id = U256::from(chain_id.to::<u64>());
    // The bridge the tokens are approved to comes from L1, not from the L2 node.
    let (bridgehub, shared_bridge) =
        crate::withdraw::l1_bridges(&d.l2_rpc, &d.l1_rpc, d.bridgehub).await?;

    let l2_gas = match d.l2_gas_limit {
        Some(gas) => gas,
        None => estimate_l2_gas(d, &l1, me, shared_bridge).await?,
    };
    let gas_price = U256::from(l1.get_gas_price().await?);

    let hub = Bridgehub::new(bridgehub, &l1);
    let cost = hub
        .l2TransactionBaseCost(
            chain_id,
            gas_price,
            U256::from(l2_gas),
            U256::from(GAS_PER_PUBDATA),
        )
        .call()
        .await?;

    let receipt = match d.token {
        None => {
            let request = L2TransactionRequestDirect {
                chainId: chain_id,
                mintValue: cost + d.amount,
                l2Contract: d.to,
                l2Value: d.amount,
                l2Calldata: Bytes::new(),
                l2GasLimit: U256::from(l2_gas),
                l2GasPerPubdataByteLimit: U256::from(GAS_PER_PUBDATA),
                factoryDeps: vec![],
                refundRecipient: Address::ZERO,
            };
            hub.requestL2TransactionDirect(request)
                .value(cost + d.amount)
                .gas_price(gas_price.to())
                .send()
                .await
                .context("requestL2TransactionDirect rejected")?
                .get_receipt()
                .await?
        }
        Some(token) => {
            let allowance = IERC20Min::allowanceCall {
                owner: me,
                spender: shared_bridge,
            };
            let raw = l1
                .call(
                    TransactionRequest::default()
                        .to(token)
                        .input(allowance.abi_encode().into()),
                )
                .await
                .with_context(|| format!("reading the allowance of {token} on L1"))?;
            let allowed = U256::abi_decode(&raw).with_context(|| {
                format!("{token} is not an ERC-20 on L1 (allowance() returned {raw})")
            })?;
            if allowed < d.amount {
                let approve = IERC20Min::approveCall {
                    spender: shared_bridge,
                    amount: d.amount,
                };
                let r = l1
                    .send_transaction(
                        TransactionRequest::default()
                            .to(token)
                            .input(approve.abi_encode().into()),
                    )
                    .await
                    .context("approve rejected")?
                    .get_receipt()
                    .await?;
                if !r.status() {
                    bail!("approve reverted: {}", r.transaction_hash);
                }
            }
            let asset_id = alloy_primitives::keccak256(
                (
                    U256::from(l1.get_chain_id().await?),
                    ferrum_primitives::L2_NATIVE_TOKEN_VAULT_ADDRESS,
                    token,
                )
                    .abi_encode(),
            );
            let mut second = vec![0x01];
            second.extend(
                (
                    asset_id,
                    Bytes::from((d.amount, d.to, token).abi_encode_params()),
                )
                    .abi_encode_params(),
            );
            let request = L2TransactionRequestTwoBridgesOuter {
                chainId: chain_id,
                mintValue: cost,
                l2Value: U256::ZERO,
                l2GasLimit: U256::from(l2_gas),
                l2GasPerPubdataByteLimit: U256::from(GAS_PER_PUBDATA),
                refundRecipient: Address::ZERO,
                secondBridgeAddress: shared_bridge,
                secondBridgeValue: U256::ZERO,
                secondBridgeCalldata: second.into(),
            };
            hub.requestL2TransactionTwoBridges(request)
                .value(cost)
                .gas_price(gas_price.to())
                .send()
                .await
                .context("requestL2TransactionTwoBridges rejected")?
                .get_receipt()
                .await?
        }
    };
    if !receipt.status() {
        bail!("deposit reverted on L1: {}", receipt.transaction_hash);
    }
    let l2_tx = priority_request(&receipt)
        .context("no NewPriorityRequest in the deposit's receipt")?
        .txHash;
    Ok(DepositSent {
        l1_tx: receipt.transaction_hash,
        l2_tx,
    })
}

/// The L2 gas limit the SDK would give `d`: `zks_estimateGasL1ToL2` of the call the L2 will run, × 1.2.
async fn estimate_l2_gas<P: Provider>(
    d: &Deposit,
    l1: &P,
    me: Address,
    shared_bridge: Address,
) -> anyhow::Result<u64> {
    let (from, to, value, data) = match d.token {
        None => (me, d.to, d.amount, Bytes::new()),
        Some(token) => {
            let metadata = token_metadata(l1, token).await?;
            let call = IL2AssetRouterDeposit::finalizeDepositCall {
                l1Sender: me,
                l2Receiver: d.to,
                l1Token: token,
                amount: d.amount,
                data: metadata,
            };
            (
                ferrum_l1::apply_l1_to_l2_alias(shared_bridge),
                L2_ASSET_ROUTER_ADDRESS,
                U256::ZERO,
                Bytes::from(call.abi_encode()),
            )
        }
    };
    let estimate: alloy_primitives::U64 = serde_json::from_value(
        l2_call(
            &d.l2_rpc,
            "zks_estimateGasL1ToL2",
            json!([{"from": from, "to": to, "value": value, "data": data,
                    "eip712Meta": {"gasPerPubdata": format!("{GAS_PER_PUBDATA:#x}")}}]),
        )
        .await?,
    )?;
    Ok(estimate.to::<u64>() * 12 / 10)
}

/// `abi.encode(bytes name, bytes symbol, bytes decimals)` of the raw getter return data, as the L1 bridge sends
/// it (a getter that fails gives empty bytes, as the bridge's `staticcall` would).
async fn token_metadata<P: Provider>(l1: &P, token: Address) -> anyhow::Result<Bytes> {
    let mut out = Vec::new();
    for input in [
        IERC20Min::nameCall {}.abi_encode(),
        IERC20Min::symbolCall {}.abi_encode(),
        IERC20Min::decimalsCall {}.abi_encode(),
    ] {
        let raw = l1
            .call(TransactionRequest::default().to(token).input(input.into()))
            .await
            .unwrap_or_default();
        out.push(raw);
    }
    Ok(Bytes::from(
        (out[0].clone(), out[1].clone(), out[2].clone()).abi_encode_params(),
    ))
}
