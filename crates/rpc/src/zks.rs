//! The `zks_*` methods (the shapes ZKsync's SDK calls) that settlement needs.

use std::sync::Arc;

use alloy_primitives::{Address, B256, U64};
use ferrum_primitives::{L2_ASSET_ROUTER_ADDRESS, l2_to_l1_logs_proof};
use ferrum_sequencer::{BatchRecord, Chain, batch_l2_logs, txs_before_in_batch};
use ferrum_state::{L1TxRecord, SettlementStage};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{internal, invalid_params, server};

/// The L1 side of a chain that settles on L1, as `zks_*` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct L1Contracts {
    /// Chain id of the L1.
    pub l1_chain_id: u64,
    /// Bridgehub.
    pub bridgehub: Address,
    /// This chain's L1 contract (`Bridgehub.getZKChain(chainId)`).
    pub main_contract: Address,
    /// The L1 shared bridge (asset router).
    pub shared_bridge: Address,
    /// The base token's L1 address (`0x…01` for ETH).
    pub base_token: Address,
    /// Batches are "proven" by `InsecureNoProofVerifier`: every answer about them says so.
    pub insecure_no_proofs: bool,
}

/// A block or batch number given as a JSON number or a hex string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Num(pub(crate) u64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            Hex(U64),
        }
        Ok(Num(match Raw::deserialize(d)? {
            Raw::N(n) => n,
            Raw::Hex(h) => h.to::<u64>(),
        }))
    }
}

/// `zks_estimateFee` (ZKsync's snake_case shape).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct Fee {
    gas_limit: U64,
    gas_per_pubdata_limit: U64,
    max_fee_per_gas: U64,
    max_priority_fee_per_gas: U64,
}

/// `zks_getBridgeContracts`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BridgeContracts {
    l1_shared_default_bridge: Address,
    l1_erc20_default_bridge: Address,
    /// The L2 asset router (0x…10003), a genesis system contract.
    l2_shared_default_bridge: Address,
    l2_erc20_default_bridge: Address,
}

/// Settlement fields shared by batch and block details.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Settlement {
    status: &'static str,
    commit_tx_hash: Option<B256>,
    committed_at: Option<String>,
    prove_tx_hash: Option<B256>,
    proven_at: Option<String>,
    execute_tx_hash: Option<B256>,
    executed_at: Option<String>,
    /// True while batches settle through `InsecureNoProofVerifier`: nothing was proven.
    unproven: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'static str>,
}

/// `zks_getL1BatchDetails`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct L1BatchDetails {
    number: u64,
    timestamp: u64,
    l1_tx_count: u64,
    l2_tx_count: u64,
    root_hash: B256,
    state_commitment: B256,
    first_block: u64,
    last_block: u64,
    /// The public input a proof of the batch proves (docs/architecture.md, "Batches").
    public_input: B256,
    /// The batch's proof job; `null` when the node does not prove (or for the genesis batch).
    proof: Option<crate::proofs::ProofDetails>,
    #[serde(flatten)]
    settlement: Settlement,
}

/// `zks_getBlockDetails`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BlockDetails {
    number: u64,
    l1_batch_number: Option<u64>,
    timestamp: u64,
    l1_tx_count: u64,
    l2_tx_count: u64,
    root_hash: B256,
    operator_address: Address,
    #[serde(flatten)]
    settlement: Settlement,
}

/// Gas cap of `zks_estimateGasL1ToL2` (the L1 contracts' default `priorityTxMaxGasLimit`).
const L1_TO_L2_GAS_CAP: u64 = 80_000_000;

const UNPROVEN_WARNING: &str = "UNPROVEN: this chain runs with --insecure-no-proofs; L1 accepted its batches \
     through InsecureNoProofVerifier without any validity proof";

#[rpc(server, namespace = "zks")]
pub(crate) trait ZksApi {
    #[method(name = "L1ChainId")]
    fn l1_chain_id(&self) -> RpcResult<U64>;
    #[method(name = "getBridgehubContract")]
    fn bridgehub_contract(&self) -> RpcResult<Address>;
    #[method(name = "getMainContract")]
    fn main_contract(&self) -> RpcResult<Address>;
    #[method(name = "getBridgeContracts")]
    fn bridge_contracts(&self) -> RpcResult<BridgeContracts>;
    #[method(name = "getBaseTokenL1Address")]
    fn base_token_l1_address(&self) -> RpcResult<Address>;
    #[method(name = "L1BatchNumber")]
    fn l1_batch_number(&self) -> RpcResult<U64>;
    #[method(name = "gasPerPubdata")]
    fn gas_per_pubdata(&self) -> RpcResult<U64>;
    #[method(name = "estimateFee", blocking)]
    fn estimate_fee(&self, request: alloy_rpc_types_eth::TransactionRequest) -> RpcResult<Fee>;
    #[method(name = "getL1BatchBlockRange")]
    fn l1_batch_block_range(&self, batch: Num) -> RpcResult<Option<(U64, U64)>>;
    #[method(name = "getL1BatchDetails")]
    fn l1_batch_details(&self, batch: Num) -> RpcResult<Option<L1BatchDetails>>;
    #[method(name = "getBlockDetails")]
    fn block_details(&self, block: Num) -> RpcResult<Option<BlockDetails>>;
    #[method(name = "estimateGasL1ToL2", blocking)]
    fn estimate_gas_l1_to_l2(&self, request: L1ToL2Request) -> RpcResult<U64>;
    #[method(name = "getTransactionDetails")]
    fn transaction_details(&self, hash: B256) -> RpcResult<Option<TransactionDetails>>;
    #[method(name = "getL2ToL1LogProof")]
    fn l2_to_l1_log_proof(
        &self,
        tx_hash: B256,
        index: Option<Num>,
        interop: Option<serde_json::Value>,
    ) -> RpcResult<Option<L2ToL1LogProof>>;
}

/// `zks_estimateGasL1ToL2` request (the SDK also sends `type`/`eip712Meta`, which are ignored).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct L1ToL2Request {
    /// L2 sender (the L1 caller, aliased if a contract).
    from: Address,
    /// Called L2 address.
    to: Address,
    #[serde(default, alias = "input")]
    data: Option<alloy_primitives::Bytes>,
    #[serde(default)]
    value: Option<alloy_primitives::U256>,
}

/// `zks_getTransactionDetails`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TransactionDetails {
    is_l1_originated: bool,
    /// `pending` (in the pool), `included`, `failed` (status 0), or `verified` (batch executed on L1 with a
    /// validity proof). A batch executed on L1 without a proof (insecure verifier) stays `included`, with
    /// `unproven` and `warning` set.
    status: &'static str,
    fee: alloy_primitives::U256,
    initiator_address: Address,
    eth_commit_tx_hash: Option<B256>,
    eth_prove_tx_hash: Option<B256>,
    eth_execute_tx_hash: Option<B256>,
    /// The chain settles without validity proofs (`--insecure-no-proofs`), as in `zks_getL1BatchDetails`.
    unproven: bool,
    /// Set when `unproven` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<&'static str>,
}

/// `zks_getL2ToL1LogProof`: the `id`-th leaf of the batch's logs tree and its 14 siblings.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct L2ToL1LogProof {
    id: u64,
    proof: Vec<B256>,
    root: B256,
    /// The batch the log is in (not in ZKsync's shape; saves a `zks_getBlockDetails`).
    #[serde(rename = "l1BatchNumber")]
    batch: u64,
    /// The log's `txNumberInBatch`.
    #[serde(rename = "txNumberInBatch")]
    tx_number_in_batch: u16,
}

/// Implementation of [`ZksApiServer`].
pub(crate) struct ZksApi {
    pub(crate) chain: Arc<Chain>,
    pub(crate) l1: Option<L1Contracts>,
    /// For the estimates `zks_estimateFee` shares with `eth_estimateGas`.
    pub(crate) eth: crate::eth::EthApi,
}

fn not_settling() -> ErrorObjectOwned {
    server("this node does not settle on L1 (start it with an L1: `ferrum devnet --l1-rpc URL`)")
}

/// RFC 3339 UTC time of a unix timestamp (ZKsync's `committedAt` format).
pub(crate) fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

impl ZksApi {
    fn l1(&self) -> Result<&L1Contracts, ErrorObjectOwned> {
        self.l1.as_ref().ok_or_else(not_settling)
    }

    fn batch(&self, n: u64) -> Result<Option<BatchRecord>, ErrorObjectOwned> {
        crate::block_id::batch(&self.chain, n)
    }

    fn batch_of_block(&self, block: u64) -> Result<Option<BatchRecord>, ErrorObjectOwned> {
        crate::block_id::batch_of_block(&self.chain, block)
    }

    fn settlement(&self, batch: Option<u64>) -> Result<Settlement, ErrorObjectOwned> {
        let insecure = self.l1.is_some_and(|l| l.insecure_no_proofs);
        let mut s = Settlement {
            status: if batch.is_some() { "sealed" } else { "open" },
            unproven: insecure,
            warning: insecure.then_some(UNPROVEN_WARNING),
            ..Default::default()
        };
        let Some(n) = batch else { return Ok(s) };
        let store = &self.chain.store;
        let get = |stage| store.settlement(n, stage).map_err(internal);
        let fmt = |r: &L1TxRecord| (Some(r.tx_hash), Some(rfc3339(r.timestamp)));
        if let Some(r) = get(SettlementStage::Committed)? {
            (s.commit_tx_hash, s.committed_at) = fmt(&r);
            s.status = "committed";
        }
        if let Some(r) = get(SettlementStage::Proven)? {
            (s.prove_tx_hash, s.proven_at) = fmt(&r);
            s.status = if insecure {
                "proven (UNPROVEN: insecure verifier)"
            } else {
                "proven"
            };
        }
        if let Some(r) = get(SettlementStage::Executed)? {
            (s.execute_tx_hash, s.executed_at) = fmt(&r);
            s.status = "executed";
        }
        Ok(s)
    }
}

impl ZksApiServer for ZksApi {
    fn estimate_gas_l1_to_l2(&self, request: L1ToL2Request) -> RpcResult<U64> {
        let chain = &self.chain;
        let mut ctx = chain.next_block_context(0, Address::ZERO);
        ctx.timestamp = chain.head().header.timestamp;
        let tx = ferrum_primitives::L1Tx {
            serial_id: chain.store.priority_ops_received().map_err(internal)?,
            from: request.from,
            to: request.to,
            gas_limit: alloy_primitives::U256::ZERO,
            max_fee_per_gas: alloy_primitives::U256::from(ctx.base_fee),
            value: request.value.unwrap_or_default(),
            mint: Default::default(),
            refund_recipient: request.from,
            data: request.data.unwrap_or_default(),
        };
        let view = ferrum_state::StateView::new(&chain.store, None);
        match ferrum_stf::estimate_l1_gas(&chain.config, &ctx, &view, &tx, L1_TO_L2_GAS_CAP)
            .map_err(internal)?
        {
            ferrum_stf::Estimate::Gas(g) => Ok(U64::from(g)),
            _ => Err(server(
                "the L1→L2 call fails even with the largest priority gas limit",
            )),
        }
    }

    fn transaction_details(&self, hash: B256) -> RpcResult<Option<TransactionDetails>> {
        let store = &self.chain.store;
        let Some((block, i)) = store.tx_location(&hash).map_err(internal)? else {
            return Ok(self.chain.pool.get(&hash).map(|p| TransactionDetails {
                is_l1_originated: false,
                status: "pending",
                fee: Default::default(),
                initiator_address: p.tx.sender,
                eth_commit_tx_hash: None,
                eth_prove_tx_hash: None,
                eth_execute_tx_hash: None,
                unproven: false,
                warning: None,
            }));
        };
        let stored = store
            .tx(block, i)
            .map_err(internal)?
            .ok_or_else(|| internal("missing tx"))?;
        let receipt = <alloy_consensus::ReceiptEnvelope as alloy_eips::Decodable2718>::decode_2718(
            &mut stored.receipt.as_ref(),
        )
        .map_err(internal)?;
        let batch = self.batch_of_block(block)?.map(|b| b.number);
        let s = self.settlement(batch)?;
        let status = if !receipt.status() {
            "failed"
        } else if s.execute_tx_hash.is_some() && !s.unproven {
            "verified"
        } else {
            "included"
        };
        Ok(Some(TransactionDetails {
            is_l1_originated: stored.tx.first() == Some(&ferrum_primitives::L1_TX_TYPE),
            status,
            fee: alloy_primitives::U256::from(stored.gas_used)
                * alloy_primitives::U256::from(stored.effective_gas_price),
            initiator_address: stored.sender,
            eth_commit_tx_hash: s.commit_tx_hash,
            eth_prove_tx_hash: s.prove_tx_hash,
            eth_execute_tx_hash: s.execute_tx_hash,
            unproven: s.unproven,
            warning: s.warning,
        }))
    }

    fn l2_to_l1_log_proof(
        &self,
        tx_hash: B256,
        index: Option<Num>,
        _interop: Option<serde_json::Value>,
    ) -> RpcResult<Option<L2ToL1LogProof>> {
        let store = &self.chain.store;
        let Some((block, i)) = store.tx_location(&tx_hash).map_err(internal)? else {
            return Ok(None);
        };
        // Only sealed batches have a logs root.
        let Some(batch) = self.batch_of_block(block)? else {
            return Ok(None);
        };
        let tx_number = txs_before_in_batch(store, &batch, block).map_err(internal)? + u64::from(i);
        let logs = batch_l2_logs(store, &batch).map_err(internal)?;
        let wanted = index.map(|n| n.0).unwrap_or(0) as usize;
        let Some(id) = logs
            .iter()
            .enumerate()
            .filter(|(_, l)| u64::from(l.tx_number_in_batch) == tx_number)
            .map(|(id, _)| id)
            .nth(wanted)
        else {
            return Ok(None);
        };
        let proof = l2_to_l1_logs_proof(&logs, id).ok_or_else(|| internal("log out of range"))?;
        Ok(Some(L2ToL1LogProof {
            id: id as u64,
            proof,
            root: batch.l2_to_l1_logs_root,
            batch: batch.number,
            tx_number_in_batch: tx_number as u16,
        }))
    }

    fn l1_chain_id(&self) -> RpcResult<U64> {
        Ok(U64::from(self.l1()?.l1_chain_id))
    }

    fn bridgehub_contract(&self) -> RpcResult<Address> {
        Ok(self.l1()?.bridgehub)
    }

    fn main_contract(&self) -> RpcResult<Address> {
        Ok(self.l1()?.main_contract)
    }

    fn bridge_contracts(&self) -> RpcResult<BridgeContracts> {
        let l1 = self.l1()?;
        Ok(BridgeContracts {
            l1_shared_default_bridge: l1.shared_bridge,
            l1_erc20_default_bridge: l1.shared_bridge,
            l2_shared_default_bridge: L2_ASSET_ROUTER_ADDRESS,
            l2_erc20_default_bridge: L2_ASSET_ROUTER_ADDRESS,
        })
    }

    fn base_token_l1_address(&self) -> RpcResult<Address> {
        Ok(self.l1()?.base_token)
    }

    fn estimate_fee(&self, request: alloy_rpc_types_eth::TransactionRequest) -> RpcResult<Fee> {
        use crate::eth::EthApiServer as _;
        let gas_limit = self.eth.estimate_gas(request, None)?;
        let price = U64::from(self.chain.next_base_fee());
        // The SDK signs `maxPriorityFeePerGas` equal to `maxFeePerGas` (docs: ZKSYNC-SDK.md §5); the charge is the
        // base fee, as `effectiveGasPrice` shows.
        Ok(Fee {
            gas_limit,
            gas_per_pubdata_limit: U64::from(ferrum_primitives::L1_TX_GAS_PER_PUBDATA),
            max_fee_per_gas: price,
            max_priority_fee_per_gas: price,
        })
    }

    fn gas_per_pubdata(&self) -> RpcResult<U64> {
        // What every transaction signs as its gas per pubdata byte (ZKsync's SDK puts it in each EIP-712
        // transaction): the L1→L2 value, 800. Ferrum charges no separate pubdata gas yet.
        Ok(U64::from(ferrum_primitives::L1_TX_GAS_PER_PUBDATA))
    }

    fn l1_batch_number(&self) -> RpcResult<U64> {
        Ok(U64::from(
            self.chain
                .store
                .last_batch()
                .map_err(internal)?
                .unwrap_or(0),
        ))
    }

    fn l1_batch_block_range(&self, batch: Num) -> RpcResult<Option<(U64, U64)>> {
        Ok(self
            .batch(batch.0)?
            .map(|b| (U64::from(b.first_block), U64::from(b.last_block))))
    }

    fn l1_batch_details(&self, batch: Num) -> RpcResult<Option<L1BatchDetails>> {
        let Some(b) = self.batch(batch.0)? else {
            return Ok(None);
        };
        Ok(Some(L1BatchDetails {
            number: b.number,
            timestamp: b.last_block_timestamp,
            l1_tx_count: b.priority_ops_count,
            l2_tx_count: b.tx_count - b.priority_ops_count.min(b.tx_count),
            root_hash: b.tree_root,
            state_commitment: b.commitment_after,
            first_block: b.first_block,
            last_block: b.last_block,
            public_input: b.public_input,
            proof: self
                .chain
                .store
                .proof_job(b.number)
                .map_err(internal)?
                .map(Into::into),
            settlement: self.settlement(Some(b.number))?,
        }))
    }

    fn block_details(&self, block: Num) -> RpcResult<Option<BlockDetails>> {
        let store = &self.chain.store;
        let Some(header) = store.header(block.0).map_err(internal)? else {
            return Ok(None);
        };
        let txs = store.block_tx_count(block.0).map_err(internal)?;
        let batch = self.batch_of_block(block.0)?.map(|b| b.number);
        if block.0 > self.chain.head().header.number {
            return Err(invalid_params("block not yet visible"));
        }
        Ok(Some(BlockDetails {
            number: header.number,
            l1_batch_number: batch,
            timestamp: header.timestamp,
            l1_tx_count: 0,
            l2_tx_count: txs,
            root_hash: header.state_root,
            operator_address: header.beneficiary,
            settlement: self.settlement(batch)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn numbers_parse_as_json_numbers_or_hex() {
        assert_eq!(serde_json::from_str::<Num>("12").unwrap(), Num(12));
        assert_eq!(serde_json::from_str::<Num>("\"0xc\"").unwrap(), Num(12));
        assert!(serde_json::from_str::<Num>("\"twelve\"").is_err());
    }
}
