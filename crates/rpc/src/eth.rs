//! The `eth_*`, `net_*` and `web3_*` methods.

use std::sync::Arc;

use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, B256, Bytes, TxKind, U64, U256};
use alloy_rpc_types_eth::{
    Block, FeeHistory, Filter, Log, Transaction, TransactionRequest,
    pubsub::{Params, SubscriptionKind},
};
use ferrum_mempool::{AdmissionState, PoolError};
use ferrum_sequencer::{Chain, txs_before_in_batch};
use ferrum_state::StateView;
use ferrum_stf::{CallRequest, Estimate, estimate_gas, simulate};
use jsonrpsee::{
    PendingSubscriptionSink,
    core::{RpcResult, SubscriptionResult},
    proc_macros::rpc,
};
use tokio::sync::broadcast::error::RecvError;

use crate::{
    block_id::{RpcBlockId, RpcBlockTag, resolve, resolve_number, state_at},
    convert::{BatchPosition, RpcReceipt, RpcTx, receipt_response, rpc_block, rpc_receipt, rpc_tx},
    error::{internal, invalid_params, pool_error, reverted, server},
    logs::{LogLimits, block_logs, check_filter, get_logs},
};

/// Ethereum JSON-RPC (the subset Ferrum serves).
#[rpc(server)]
pub(crate) trait EthApi {
    #[method(name = "eth_chainId")]
    fn chain_id(&self) -> RpcResult<U64>;
    #[method(name = "net_version")]
    fn net_version(&self) -> RpcResult<String>;
    #[method(name = "net_listening")]
    fn net_listening(&self) -> RpcResult<bool>;
    #[method(name = "web3_clientVersion")]
    fn client_version(&self) -> RpcResult<String>;
    #[method(name = "eth_syncing")]
    fn syncing(&self) -> RpcResult<bool>;
    #[method(name = "eth_accounts")]
    fn accounts(&self) -> RpcResult<Vec<Address>>;
    #[method(name = "eth_blockNumber")]
    fn block_number(&self) -> RpcResult<U64>;
    #[method(name = "eth_getBalance")]
    fn balance(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<U256>;
    #[method(name = "eth_getTransactionCount")]
    fn transaction_count(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<U64>;
    #[method(name = "eth_getCode")]
    fn code(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<Bytes>;
    #[method(name = "eth_getStorageAt")]
    fn storage_at(
        &self,
        address: Address,
        slot: U256,
        block: Option<RpcBlockId>,
    ) -> RpcResult<B256>;
    #[method(name = "eth_call", blocking)]
    fn call(&self, request: TransactionRequest, block: Option<RpcBlockId>) -> RpcResult<Bytes>;
    #[method(name = "eth_estimateGas", blocking)]
    fn estimate_gas(
        &self,
        request: TransactionRequest,
        block: Option<RpcBlockId>,
    ) -> RpcResult<U64>;
    #[method(name = "eth_gasPrice")]
    fn gas_price(&self) -> RpcResult<U256>;
    #[method(name = "eth_maxPriorityFeePerGas")]
    fn max_priority_fee(&self) -> RpcResult<U256>;
    #[method(name = "eth_blobBaseFee")]
    fn blob_base_fee(&self) -> RpcResult<U256>;
    #[method(name = "eth_feeHistory", blocking)]
    fn fee_history(
        &self,
        count: U64,
        newest: RpcBlockTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory>;
    #[method(name = "eth_sendRawTransaction")]
    fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256>;
    #[method(name = "eth_getTransactionByHash")]
    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTx>>;
    #[method(name = "eth_getTransactionReceipt")]
    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<RpcReceipt>>;
    #[method(name = "eth_getBlockByNumber", blocking)]
    fn block_by_number(&self, number: RpcBlockTag, full: bool) -> RpcResult<Option<Block<RpcTx>>>;
    #[method(name = "eth_getBlockByHash", blocking)]
    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block<RpcTx>>>;
    #[method(name = "eth_getBlockTransactionCountByNumber")]
    fn block_tx_count(&self, number: RpcBlockTag) -> RpcResult<Option<U64>>;
    #[method(name = "eth_getBlockReceipts", blocking)]
    fn block_receipts(&self, block: RpcBlockId) -> RpcResult<Option<Vec<RpcReceipt>>>;
    #[method(name = "eth_getLogs", blocking)]
    fn logs(&self, filter: Filter) -> RpcResult<Vec<Log>>;
    #[subscription(name = "eth_subscribe" => "eth_subscription", unsubscribe = "eth_unsubscribe", item = serde_json::Value)]
    async fn subscribe(&self, kind: SubscriptionKind, params: Option<Params>)
    -> SubscriptionResult;
}

/// Implementation over the shared chain state.
#[derive(Clone)]
pub(crate) struct EthApi {
    pub(crate) chain: Arc<Chain>,
    pub(crate) gas_cap: u64,
    pub(crate) log_limits: LogLimits,
    pub(crate) fee_history_max_blocks: u64,
    pub(crate) fee_history_max_txs: usize,
}

/// Most reward percentiles one `eth_feeHistory` takes (geth's limit).
pub(crate) const MAX_REWARD_PERCENTILES: usize = 100;

/// Largest raw transaction `eth_sendRawTransaction` decodes (unless the pool takes larger ones): geth's blob pool
/// limit, which a blob transaction in its network form (six blobs with their commitments and cell proofs) fits.
const MAX_RAW_TX_BYTES: usize = 1024 * 1024;

/// Checks `eth_feeHistory`'s reward percentiles as geth does: at most [`MAX_REWARD_PERCENTILES`], each in
/// `0..=100`, strictly ascending.
pub(crate) fn check_reward_percentiles(percentiles: &[f64]) -> RpcResult<()> {
    if percentiles.len() > MAX_REWARD_PERCENTILES {
        return Err(invalid_params(format!(
            "invalid reward percentile: over the query limit {MAX_REWARD_PERCENTILES}"
        )));
    }
    for (i, p) in percentiles.iter().enumerate() {
        if !(0.0..=100.0).contains(p) {
            return Err(invalid_params(format!("invalid reward percentile: {p}")));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|j| percentiles.get(j))
            && p <= prev
        {
            return Err(invalid_params(format!(
                "invalid reward percentile: #{}:{prev} >= #{i}:{p}",
                i - 1
            )));
        }
    }
    Ok(())
}

/// Reads blocks `newest` down to `oldest` with `read`, which returns a block's entry and how many transactions it
/// read; stops before a block that would take the transactions read past `max_txs` (the newest block is always
/// read). Returns the entries oldest first.
fn read_newest_blocks<T>(
    oldest: u64,
    newest: u64,
    max_txs: usize,
    mut read: impl FnMut(u64) -> RpcResult<(T, usize)>,
) -> RpcResult<Vec<T>> {
    let mut out = Vec::new();
    let mut txs_read = 0usize;
    for n in (oldest..=newest).rev() {
        let (entry, txs) = read(n)?;
        txs_read = txs_read.saturating_add(txs);
        if !out.is_empty() && txs_read > max_txs {
            break;
        }
        out.push(entry);
    }
    out.reverse();
    Ok(out)
}

/// The tip at each of `percentiles` (checked) among `tips`, which it sorts.
fn rewards_at(tips: &mut [u128], percentiles: &[f64]) -> Vec<u128> {
    tips.sort_unstable();
    percentiles
        .iter()
        .map(|q| {
            if tips.is_empty() {
                0
            } else {
                let i = ((q / 100.0) * (tips.len() - 1) as f64).round() as usize;
                tips[i.min(tips.len() - 1)]
            }
        })
        .collect()
}

impl EthApi {
    /// Header and hash of block `n`, if it exists.
    fn header_and_hash(&self, n: u64) -> RpcResult<Option<(alloy_consensus::Header, B256)>> {
        let store = &self.chain.store;
        let Some(header) = store.header(n).map_err(internal)? else {
            return Ok(None);
        };
        let hash = store.block_hash(n).map_err(internal)?.unwrap_or_default();
        Ok(Some((header, hash)))
    }

    fn block_at(&self, n: u64, full: bool) -> RpcResult<Option<Block<RpcTx>>> {
        let Some((header, hash)) = self.header_and_hash(n)? else {
            return Ok(None);
        };
        let txs = self.chain.store.block_txs(n).map_err(internal)?;
        rpc_block(header, hash, &txs, full).map(Some)
    }

    /// Batch position and L2→L1 logs of transactions `txs` (indices in the block) of block `n`.
    fn batch_positions(
        &self,
        n: u64,
        txs: std::ops::Range<usize>,
    ) -> RpcResult<Vec<BatchPosition>> {
        let store = &self.chain.store;
        let batch = crate::block_id::batch_of_block(&self.chain, n)?;
        let offset = match &batch {
            Some(b) => Some(txs_before_in_batch(store, b, n).map_err(internal)?),
            None => None,
        };
        let logs = store.block_l2_logs(n).map_err(internal)?;
        Ok(batch_positions(
            batch.as_ref().map(|b| b.number),
            offset,
            &logs,
            txs,
        ))
    }

    /// A stored transaction with its block's hash and header.
    fn stored_tx(
        &self,
        n: u64,
        i: u32,
    ) -> RpcResult<(ferrum_state::StoredTx, B256, alloy_consensus::Header)> {
        let store = &self.chain.store;
        let stored = store
            .tx(n, i)
            .map_err(internal)?
            .ok_or_else(|| internal("missing tx"))?;
        let header = store
            .header(n)
            .map_err(internal)?
            .ok_or_else(|| internal("missing header"))?;
        let block_hash = store.block_hash(n).map_err(internal)?.unwrap_or_default();
        Ok((stored, block_hash, header))
    }

    fn call_request(&self, r: &TransactionRequest) -> RpcResult<CallRequest> {
        let data = r.input.input().cloned().unwrap_or_default();
        if r.input.input.is_some() && r.input.data.is_some() && r.input.input != r.input.data {
            return Err(invalid_params(
                "both \"data\" and \"input\" are set and not equal",
            ));
        }
        Ok(CallRequest {
            from: r.from.unwrap_or_default(),
            to: r.to.unwrap_or(TxKind::Create),
            gas: r.gas,
            gas_price: r.gas_price.or(r.max_fee_per_gas),
            max_priority_fee_per_gas: r.max_priority_fee_per_gas,
            value: r.value.unwrap_or_default(),
            data,
            nonce: r.nonce,
            access_list: r.access_list.clone().unwrap_or_default(),
            blob_hashes: if self.chain.config.ethereum_l1 {
                r.blob_versioned_hashes.clone().unwrap_or_default()
            } else {
                Vec::new()
            },
        })
    }

    fn sim_context(
        &self,
        block: Option<BlockId>,
    ) -> RpcResult<(Option<u64>, ferrum_stf::BlockContext)> {
        let at = state_at(&self.chain, block)?;
        let mut ctx = self.chain.next_block_context(0, Address::ZERO);
        if let Some(n) = at {
            let header = self
                .chain
                .store
                .header(n)
                .map_err(internal)?
                .ok_or_else(|| server("header not found"))?;
            ctx.number = n + 1;
            ctx.timestamp = header.timestamp;
            ctx.parent_hash = header.hash_slow();
        } else {
            ctx.timestamp = self.chain.head().header.timestamp;
        }
        Ok((at, ctx))
    }
}

#[jsonrpsee::core::async_trait]
impl EthApiServer for EthApi {
    fn chain_id(&self) -> RpcResult<U64> {
        Ok(U64::from(self.chain.config.chain_id))
    }

    fn net_version(&self) -> RpcResult<String> {
        Ok(self.chain.config.chain_id.to_string())
    }

    fn net_listening(&self) -> RpcResult<bool> {
        Ok(true)
    }

    fn client_version(&self) -> RpcResult<String> {
        Ok(format!("ferrum/v{}", env!("CARGO_PKG_VERSION")))
    }

    fn syncing(&self) -> RpcResult<bool> {
        Ok(false)
    }

    fn accounts(&self) -> RpcResult<Vec<Address>> {
        Ok(vec![])
    }

    fn block_number(&self) -> RpcResult<U64> {
        Ok(U64::from(self.chain.head().header.number))
    }

    fn balance(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<U256> {
        let block = block.map(|b| b.0);
        let at = state_at(&self.chain, block)?;
        Ok(self
            .chain
            .store
            .account(&address, at)
            .map_err(internal)?
            .map(|a| a.balance)
            .unwrap_or_default())
    }

    fn transaction_count(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<U64> {
        let block = block.map(|b| b.0);
        let pending = matches!(block, Some(BlockId::Number(BlockNumberOrTag::Pending)));
        let at = state_at(&self.chain, block)?;
        let nonce = self
            .chain
            .store
            .account(&address, at)
            .map_err(internal)?
            .map(|a| a.nonce)
            .unwrap_or_default();
        let nonce = if pending {
            self.chain
                .pool
                .pending_nonce(&address)
                .unwrap_or(nonce)
                .max(nonce)
        } else {
            nonce
        };
        Ok(U64::from(nonce))
    }

    fn code(&self, address: Address, block: Option<RpcBlockId>) -> RpcResult<Bytes> {
        let block = block.map(|b| b.0);
        let at = state_at(&self.chain, block)?;
        let Some(account) = self.chain.store.account(&address, at).map_err(internal)? else {
            return Ok(Bytes::new());
        };
        Ok(self
            .chain
            .store
            .code(&account.code_hash)
            .map_err(internal)?
            .unwrap_or_default())
    }

    fn storage_at(
        &self,
        address: Address,
        slot: U256,
        block: Option<RpcBlockId>,
    ) -> RpcResult<B256> {
        let block = block.map(|b| b.0);
        let at = state_at(&self.chain, block)?;
        Ok(self
            .chain
            .store
            .storage(&address, &slot, at)
            .map_err(internal)?
            .into())
    }

    fn call(&self, request: TransactionRequest, block: Option<RpcBlockId>) -> RpcResult<Bytes> {
        let block = block.map(|b| b.0);
        let req = self.call_request(&request)?;
        let (at, ctx) = self.sim_context(block)?;
        let view = StateView::new(&self.chain.store, at);
        match simulate(&self.chain.config, &ctx, view, &req, self.gas_cap).map_err(internal)? {
            Ok(r) if r.success => Ok(r.output),
            Ok(r) if r.reverted => Err(reverted(&r.output)),
            Ok(_) => Err(server("execution halted (out of gas or invalid opcode)")),
            Err(invalid) => Err(server(invalid.to_string())),
        }
    }

    fn estimate_gas(
        &self,
        request: TransactionRequest,
        block: Option<RpcBlockId>,
    ) -> RpcResult<U64> {
        let block = block.map(|b| b.0);
        let req = self.call_request(&request)?;
        let (at, ctx) = self.sim_context(block)?;
        let view = StateView::new(&self.chain.store, at);
        match estimate_gas(&self.chain.config, &ctx, view, &req, self.gas_cap).map_err(internal)? {
            Estimate::Gas(gas) => Ok(U64::from(gas)),
            Estimate::Failed(r) if r.reverted => Err(reverted(&r.output)),
            Estimate::Failed(_) => Err(server(format!(
                "gas required exceeds allowance ({})",
                req.gas.unwrap_or(self.gas_cap)
            ))),
            Estimate::Invalid(invalid) => Err(server(invalid.to_string())),
        }
    }

    fn gas_price(&self) -> RpcResult<U256> {
        Ok(U256::from(self.chain.next_base_fee()))
    }

    fn max_priority_fee(&self) -> RpcResult<U256> {
        // Fees all go to the operator and blocks are rarely full: no tip is needed.
        Ok(U256::ZERO)
    }

    fn blob_base_fee(&self) -> RpcResult<U256> {
        if !self.chain.config.ethereum_l1 {
            return Err(server("this chain has no blobs"));
        }
        // The blob gas price never rises above EIP-4844's minimum: the excess blob gas stays zero.
        Ok(U256::from(1))
    }

    fn fee_history(
        &self,
        count: U64,
        newest: RpcBlockTag,
        percentiles: Option<Vec<f64>>,
    ) -> RpcResult<FeeHistory> {
        if let Some(p) = &percentiles {
            check_reward_percentiles(p)?;
        }
        let newest = newest.0;
        let count = count.to::<u64>().min(self.fee_history_max_blocks);
        let newest =
            resolve_number(&self.chain, newest)?.ok_or_else(|| invalid_params("unknown block"))?;
        if count == 0 {
            return Ok(FeeHistory {
                oldest_block: newest,
                ..Default::default()
            });
        }
        let store = &self.chain.store;
        // Newest first, so that the transaction budget keeps the newest blocks.
        let blocks = read_newest_blocks(
            newest.saturating_sub(count - 1),
            newest,
            self.fee_history_max_txs,
            |n| {
                let h = store
                    .header(n)
                    .map_err(internal)?
                    .ok_or_else(|| internal("missing header"))?;
                let Some(p) = &percentiles else {
                    return Ok(((n, h, Vec::new()), 0));
                };
                let base = h.base_fee_per_gas.unwrap_or_default() as u128;
                let mut tips: Vec<u128> = store
                    .block_txs(n)
                    .map_err(internal)?
                    .iter()
                    .map(|t| t.effective_gas_price.saturating_sub(base))
                    .collect();
                let read = tips.len();
                Ok(((n, h, rewards_at(&mut tips, p)), read))
            },
        )?;
        let oldest = blocks.first().map_or(newest, |(n, _, _)| *n);
        let next_base_fee = blocks.last().map(|(_, h, _)| {
            ferrum_primitives::next_base_fee(
                &self.chain.config.fee,
                h.gas_used,
                h.gas_limit,
                h.base_fee_per_gas.unwrap_or_default(),
            )
        });
        let mut base_fee_per_gas = Vec::with_capacity(blocks.len() + 1);
        let mut gas_used_ratio = Vec::with_capacity(blocks.len());
        let mut reward = Vec::with_capacity(blocks.len());
        for (_, h, r) in blocks {
            base_fee_per_gas.push(h.base_fee_per_gas.unwrap_or_default() as u128);
            gas_used_ratio.push(if h.gas_limit == 0 {
                0.0
            } else {
                h.gas_used as f64 / h.gas_limit as f64
            });
            reward.push(r);
        }
        base_fee_per_gas.extend(next_base_fee.map(|b| b as u128));
        Ok(FeeHistory {
            base_fee_per_gas,
            gas_used_ratio,
            base_fee_per_blob_gas: vec![],
            blob_gas_used_ratio: vec![],
            oldest_block: oldest,
            reward: percentiles.map(|_| reward),
        })
    }

    fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256> {
        // Nothing this large could be pooled: refuse it before decoding, recovering and (blobs) KZG-checking it.
        // (The pool then holds the transaction without its sidecar to its own, smaller, limit.)
        let limit = self.chain.pool.config().max_tx_bytes.max(MAX_RAW_TX_BYTES);
        if raw.len() > limit {
            return Err(pool_error(&PoolError::OversizedData {
                size: raw.len(),
                limit,
            }));
        }
        let tx = if self.chain.config.ethereum_l1 {
            recover_checked_blob_tx(&raw)?
        } else {
            ferrum_primitives::recover_tx(&raw).map_err(|e| invalid_params(e.to_string()))?
        };
        let account = self
            .chain
            .store
            .account(&tx.sender, None)
            .map_err(internal)?
            .unwrap_or_default();
        let state = AdmissionState {
            nonce: account.nonce,
            balance: account.balance,
            base_fee: self.chain.next_base_fee(),
        };
        self.chain.pool.add(tx, state).map_err(|e| pool_error(&e))
    }

    fn transaction_by_hash(&self, hash: B256) -> RpcResult<Option<RpcTx>> {
        if let Some((n, i)) = self.chain.store.tx_location(&hash).map_err(internal)? {
            let (stored, block_hash, header) = self.stored_tx(n, i)?;
            return rpc_tx(&stored, block_hash, &header, i as u64).map(Some);
        }
        Ok(self.chain.pool.get(&hash).map(|p| {
            RpcTx::Eth(Box::new(Transaction {
                inner: alloy_consensus::transaction::Recovered::new_unchecked(
                    p.tx.envelope.clone(),
                    p.tx.sender,
                ),
                block_hash: None,
                block_number: None,
                transaction_index: None,
                effective_gas_price: None,
                block_timestamp: None,
            }))
        }))
    }

    fn transaction_receipt(&self, hash: B256) -> RpcResult<Option<RpcReceipt>> {
        let Some((n, i)) = self.chain.store.tx_location(&hash).map_err(internal)? else {
            return Ok(None);
        };
        let (stored, block_hash, header) = self.stored_tx(n, i)?;
        let receipt = rpc_receipt(&stored, block_hash, &header, i as u64)?;
        let i = i as usize;
        let pos = self.batch_positions(n, i..i + 1)?.pop().unwrap_or_default();
        receipt_response(&stored, receipt, &pos).map(Some)
    }

    fn block_by_number(&self, number: RpcBlockTag, full: bool) -> RpcResult<Option<Block<RpcTx>>> {
        let number = number.0;
        match resolve_number(&self.chain, number)? {
            Some(n) => self.block_at(n, full),
            None => Ok(None),
        }
    }

    fn block_by_hash(&self, hash: B256, full: bool) -> RpcResult<Option<Block<RpcTx>>> {
        match self.chain.store.block_number(&hash).map_err(internal)? {
            Some(n) => self.block_at(n, full),
            None => Ok(None),
        }
    }

    fn block_tx_count(&self, number: RpcBlockTag) -> RpcResult<Option<U64>> {
        let number = number.0;
        match resolve_number(&self.chain, number)? {
            Some(n) => Ok(Some(U64::from(
                self.chain.store.block_tx_count(n).map_err(internal)?,
            ))),
            None => Ok(None),
        }
    }

    fn block_receipts(&self, block: RpcBlockId) -> RpcResult<Option<Vec<RpcReceipt>>> {
        let block = block.0;
        let Some(n) = resolve(&self.chain, block)? else {
            return Ok(None);
        };
        let Some((header, hash)) = self.header_and_hash(n)? else {
            return Ok(None);
        };
        let txs = self.chain.store.block_txs(n).map_err(internal)?;
        let positions = self.batch_positions(n, 0..txs.len())?;
        txs.iter()
            .enumerate()
            .map(|(i, t)| {
                let pos = positions.get(i).cloned().unwrap_or_default();
                receipt_response(t, rpc_receipt(t, hash, &header, i as u64)?, &pos)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn logs(&self, filter: Filter) -> RpcResult<Vec<Log>> {
        get_logs(&self.chain, &filter, self.log_limits)
    }

    async fn subscribe(
        &self,
        pending: PendingSubscriptionSink,
        kind: SubscriptionKind,
        params: Option<Params>,
    ) -> SubscriptionResult {
        let filter = match (kind, params) {
            (SubscriptionKind::NewHeads, None | Some(Params::None)) => None,
            (SubscriptionKind::Logs, None | Some(Params::None)) => Some(Filter::default()),
            (SubscriptionKind::Logs, Some(Params::Logs(f))) => {
                if let Err(e) = check_filter(&f) {
                    pending.reject(e).await;
                    return Ok(());
                }
                Some(*f)
            }
            (SubscriptionKind::NewHeads | SubscriptionKind::Logs, _) => {
                pending
                    .reject(invalid_params("invalid subscription parameters"))
                    .await;
                return Ok(());
            }
            _ => {
                pending
                    .reject(invalid_params("unsupported subscription kind"))
                    .await;
                return Ok(());
            }
        };
        let mut events = self.chain.subscribe();
        let sink = pending.accept().await?;
        loop {
            let event = tokio::select! {
                _ = sink.closed() => return Ok(()),
                e = events.recv() => match e {
                    Ok(e) => e,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return Ok(()),
                },
            };
            let items: Vec<serde_json::Value> = match &filter {
                None => vec![serde_json::to_value(crate::convert::rpc_header(
                    event.header.clone(),
                    event.hash,
                ))?],
                Some(f) => block_logs(&event, f)
                    .into_iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?,
            };
            for item in items {
                let msg = serde_json::value::to_raw_value(&item)?;
                if sink.send(msg).await.is_err() {
                    return Ok(());
                }
            }
        }
    }
}

/// Decodes a transaction for a chain that takes blobs: a blob transaction's sidecar must prove (KZG) that its
/// blobs are the ones the versioned hashes name; the sidecar is then dropped (blocks keep only the hashes).
fn recover_checked_blob_tx(raw: &[u8]) -> RpcResult<ferrum_primitives::RecoveredTx> {
    let (tx, sidecar) =
        ferrum_primitives::recover_blob_tx(raw).map_err(|e| invalid_params(e.to_string()))?;
    if let Some(sidecar) = sidecar {
        let hashes =
            alloy_consensus::Transaction::blob_versioned_hashes(&tx.envelope).unwrap_or_default();
        if hashes.is_empty() {
            return Err(invalid_params("blob transaction without blobs"));
        }
        sidecar
            .validate(
                hashes,
                alloy_eips::eip4844::env_settings::EnvKzgSettings::Default.get(),
            )
            .map_err(|e| invalid_params(format!("invalid blob sidecar: {e}")))?;
    }
    Ok(tx)
}

/// Batch positions of transactions `txs` (indices in their block) of a block whose L2→L1 logs are `logs`
/// (numbered by transaction in the block), given the block's batch and the transactions before it in the batch.
fn batch_positions(
    batch: Option<u64>,
    offset: Option<u64>,
    logs: &[ferrum_primitives::L2ToL1Log],
    txs: std::ops::Range<usize>,
) -> Vec<BatchPosition> {
    let mut out: Vec<BatchPosition> = txs
        .clone()
        .map(|i| BatchPosition {
            batch,
            tx_in_batch: offset.map(|o| o + i as u64),
            l2_logs: Vec::new(),
        })
        .collect();
    // One pass over the logs, not one per transaction.
    for l in logs {
        let i = usize::from(l.tx_number_in_batch);
        if let Some(pos) = i.checked_sub(txs.start).and_then(|k| out.get_mut(k)) {
            pos.l2_logs.push(ferrum_primitives::L2ToL1Log {
                tx_number_in_batch: offset.map_or(i as u16, |o| (o + i as u64) as u16),
                ..*l
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RpcErrorCode;

    #[test]
    fn reward_percentiles_are_checked_like_geths() {
        let ok: Vec<f64> = (0..MAX_REWARD_PERCENTILES).map(|i| i as f64).collect();
        assert!(check_reward_percentiles(&ok).is_ok());
        assert!(check_reward_percentiles(&[]).is_ok());
        assert!(check_reward_percentiles(&[0.0, 0.5, 99.9, 100.0]).is_ok());
        let too_many: Vec<f64> = (0..=MAX_REWARD_PERCENTILES)
            .map(|i| i as f64 * 0.5)
            .collect();
        for bad in [
            &too_many[..],
            &[50.0, 25.0],
            &[10.0, 10.0],
            &[-0.1],
            &[100.1],
            &[f64::NAN],
            &[10.0, f64::INFINITY],
        ] {
            let e = check_reward_percentiles(bad).unwrap_err();
            assert_eq!(e.code(), RpcErrorCode::InvalidParams as i32, "{bad:?}");
            assert!(
                e.message().starts_with("invalid reward percentile"),
                "{}",
                e.message()
            );
        }
    }

    #[test]
    fn fee_history_reads_the_newest_blocks_within_its_transaction_budget() {
        // Blocks 10..=13 with 5 transactions each.
        let mut read = Vec::new();
        let mut blocks = |max_txs| {
            read.clear();
            read_newest_blocks(10, 13, max_txs, |n| {
                read.push(n);
                Ok((n, 5))
            })
            .unwrap()
        };
        assert_eq!(blocks(usize::MAX), vec![10, 11, 12, 13]);
        assert_eq!(blocks(20), vec![10, 11, 12, 13]);
        assert_eq!(blocks(19), vec![11, 12, 13]);
        assert_eq!(blocks(12), vec![12, 13]);
        // The newest block is answered even over the budget.
        assert_eq!(blocks(0), vec![13]);
        // Reading stops at the first block over the budget.
        read.clear();
        read_newest_blocks(0, 1_000, 12, |n| {
            read.push(n);
            Ok((n, 5))
        })
        .unwrap();
        assert_eq!(read, vec![1_000, 999, 998]);
    }

    #[test]
    fn batch_positions_group_logs_by_transaction() {
        let log = |tx: u16, key: u8| ferrum_primitives::L2ToL1Log {
            tx_number_in_batch: tx,
            key: B256::repeat_byte(key),
            ..Default::default()
        };
        let logs = [log(0, 1), log(2, 2), log(0, 3), log(3, 4)];
        let all = batch_positions(Some(7), Some(100), &logs, 0..4);
        let keys = |p: &BatchPosition| -> Vec<(u16, u8)> {
            p.l2_logs
                .iter()
                .map(|l| (l.tx_number_in_batch, l.key[0]))
                .collect()
        };
        assert_eq!(all.len(), 4);
        assert_eq!(keys(&all[0]), vec![(100, 1), (100, 3)]);
        assert!(all[1].l2_logs.is_empty());
        assert_eq!(keys(&all[2]), vec![(102, 2)]);
        assert_eq!(keys(&all[3]), vec![(103, 4)]);
        assert_eq!((all[3].batch, all[3].tx_in_batch), (Some(7), Some(103)));
        // One transaction's position; an open batch numbers logs within the block.
        let one = batch_positions(None, None, &logs, 2..3);
        assert_eq!(one.len(), 1);
        assert_eq!(keys(&one[0]), vec![(2, 2)]);
        assert_eq!((one[0].batch, one[0].tx_in_batch), (None, None));
    }
}
