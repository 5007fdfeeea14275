//! `ferrum withdraw finalize`: claims on L1 a withdrawal made on L2, once its batch is executed.

use alloy::{
    network::EthereumWallet, providers::ProviderBuilder, signers::local::PrivateKeySigner,
};
use alloy_primitives::{B256, Bytes, U256};
use anyhow::{Context as _, bail};
use ferrum_l1::bindings::shared_bridge::L1SharedBridge;
use ferrum_primitives::{L1_MESSAGE_SENT_TOPIC, L1_MESSENGER_ADDRESS};
use serde_json::{Value, json};

/// Everything L1 needs to pay out a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalProof {
    /// L2 chain id.
    pub chain_id: u64,
    /// Batch holding the withdrawal.
    pub batch: u64,
    /// Leaf index of the message log in the batch's logs tree (`l2MessageIndex`).
    pub message_index: u64,
    /// The transaction's number in the batch.
    pub tx_number_in_batch: u16,
    /// The message sent to L1.
    pub message: Bytes,
    /// The 14 siblings.
    pub proof: Vec<B256>,
}

/// One JSON-RPC call to the L2 node; its `result`, or its error as an error.
pub(crate) async fn l2_call(url: &str, method: &str, params: Value) -> anyhow::Result<Value> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let resp: Value = alloy::transports::http::reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("{method} on {url}"))?
        .json()
        .await
        .with_context(|| format!("{method}: not JSON"))?;
    if let Some(e) = resp.get("error") {
        bail!("{method}: {e}");
    }
    Ok(resp["result"].clone())
}

/// Collects the proof of the `index`-th L1 message of L2 transaction `tx` (its batch must be executed on L1).
pub async fn withdrawal_proof(
    l2_rpc: &str,
    tx: B256,
    index: u64,
) -> anyhow::Result<WithdrawalProof> {
    let receipt = l2_call(l2_rpc, "eth_getTransactionReceipt", json!([tx])).await?;
    anyhow::ensure!(!receipt.is_null(), "no receipt for {tx} on L2");
    let messages: Vec<&Value> = receipt["logs"]
        .as_array()
        .context("receipt without logs")?
        .iter()
        .filter(|l| {
            l["address"].as_str().map(str::to_lowercase)
                == Some(format!("{L1_MESSENGER_ADDRESS:#x}"))
                && l["topics"][0].as_str() == Some(&format!("{L1_MESSAGE_SENT_TOPIC:#x}"))
        })
        .collect();
    let log = messages.get(index as usize).with_context(|| {
        format!(
            "transaction {tx} sent {} L1 messages, no #{index}",
            messages.len()
        )
    })?;
    // `L1MessageSent(address indexed, bytes32 indexed, bytes message)`: data = abi.encode(bytes).
    let data: Bytes = serde_json::from_value(log["data"].clone()).context("log data")?;
    let message = <Bytes as alloy::sol_types::SolValue>::abi_decode(&data).context("message")?;

    let proof = l2_call(l2_rpc, "zks_getL2ToL1LogProof", json!([tx, index])).await?;
    anyhow::ensure!(
        !proof.is_null(),
        "no log proof yet for {tx}: its batch is not sealed"
    );
    let batch = proof["l1BatchNumber"].as_u64().context("l1BatchNumber")?;
    let details = l2_call(l2_rpc, "zks_getL1BatchDetails", json!([batch])).await?;
    anyhow::ensure!(
        details["executedAt"].is_string(),
        "batch {batch} is not executed on L1 yet (status {})",
        details["status"]
    );
    let chain_id: alloy_primitives::U64 =
        serde_json::from_value(l2_call(l2_rpc, "eth_chainId", json!([])).await?)?;
    Ok(WithdrawalProof {
        chain_id: chain_id.to(),
        batch,
        message_index: proof["id"].as_u64().context("id")?,
        tx_number_in_batch: proof["txNumberInBatch"]
            .as_u64()
            .context("txNumberInBatch")? as u16,
        message,
        proof: serde_json::from_value(proof["proof"].clone()).context("proof")?,
    })
}

/// Sends `L1SharedBridge.finalizeWithdrawal` for `p`, signed by `key`; returns the L1 transaction hash.
pub async fn finalize_withdrawal(
    l1_rpc: &str,
    key: &str,
    shared_bridge: alloy_primitives::Address,
    p: &WithdrawalProof,
) -> anyhow::Result<B256> {
    let signer: PrivateKeySigner = key.trim().parse().context("invalid private key")?;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(l1_rpc.parse().with_context(|| format!("L1 URL {l1_rpc}"))?);
    let bridge = L1SharedBridge::new(shared_bridge, &provider);
    let call = bridge.finalizeWithdrawal(
        U256::from(p.chain_id),
        U256::from(p.batch),
        U256::from(p.message_index),
        p.tx_number_in_batch,
        p.message.clone(),
        p.proof.clone(),
    );
    let receipt = call
        .send()
        .await
        .context("finalizeWithdrawal rejected")?
        .get_receipt()
        .await?;
    anyhow::ensure!(
        receipt.status(),
        "finalizeWithdrawal reverted: {}",
        receipt.transaction_hash
    );
    Ok(receipt.transaction_hash)
}

/// The L2 chain's Bridgehub and the L1 shared bridge as that Bridgehub records it on L1 (`sharedBridge()`), not
/// as the L2 node reports it: tokens are approved to, and withdrawals claimed from, the contract L1 itself names.
/// The Bridgehub is `known` when the caller gives it (an L2 endpoint that names another is refused), else the L2
/// endpoint's `zks_getBridgehubContract`, which is then trusted. Fails unless the Bridgehub has a contract for the
/// L2's chain id.
pub async fn l1_bridges(
    l2_rpc: &str,
    l1_rpc: &str,
    known: Option<alloy_primitives::Address>,
) -> anyhow::Result<(alloy_primitives::Address, alloy_primitives::Address)> {
    use ferrum_l1::bindings::bridgehub::Bridgehub;
    let reported: alloy_primitives::Address =
        serde_json::from_value(l2_call(l2_rpc, "zks_getBridgehubContract", json!([])).await?)
            .context("zks_getBridgehubContract")?;
    let bridgehub = match known {
        Some(b) if b != reported => {
            bail!(
                "the L2 endpoint names Bridgehub {reported}, not the given {b}: refusing to use it"
            )
        }
        Some(b) => b,
        None => reported,
    };
    let chain_id: alloy_primitives::U64 =
        serde_json::from_value(l2_call(l2_rpc, "eth_chainId", json!([])).await?)
            .context("eth_chainId")?;
    let l1 = ProviderBuilder::new()
        .connect_http(l1_rpc.parse().with_context(|| format!("L1 URL {l1_rpc}"))?);
    let hub = Bridgehub::new(bridgehub, &l1);
    let chain = hub
        .getZKChain(U256::from(chain_id.to::<u64>()))
        .call()
        .await
        .with_context(|| format!("Bridgehub {bridgehub} on L1"))?;
    anyhow::ensure!(
        !chain.is_zero(),
        "the Bridgehub {bridgehub} on L1 has no chain {chain_id}: wrong L1 or L2 URL"
    );
    let shared_bridge = hub
        .sharedBridge()
        .call()
        .await
        .with_context(|| format!("Bridgehub {bridgehub}: sharedBridge()"))?;
    Ok((bridgehub, shared_bridge))
}
