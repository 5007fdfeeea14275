//! Stored records → RPC types.

use alloy_consensus::{
    Header, ReceiptEnvelope, Transaction as _, TxEnvelope, transaction::Recovered,
};
use alloy_eips::Decodable2718;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::{Block, BlockTransactions, Log, Transaction, TransactionReceipt};
use ferrum_primitives::{L1_TX_TYPE, L1Tx};
use ferrum_state::StoredTx;
use jsonrpsee::types::ErrorObjectOwned;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::internal;

pub(crate) fn rpc_header(header: Header, hash: B256) -> alloy_rpc_types_eth::Header {
    let size = alloy_rlp::Encodable::length(&header);
    alloy_rpc_types_eth::Header {
        hash,
        inner: header,
        total_difficulty: Some(U256::ZERO),
        size: Some(U256::from(size)),
    }
}

/// A transaction as RPC returns it: a signed Ethereum transaction, or a priority transaction (type `0xff`,
/// ZKsync's shape) that Ethereum's types cannot carry.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum RpcTx {
    Eth(Box<Transaction>),
    L1(Value),
}

/// A receipt as RPC returns it: Ethereum's fields plus ZKsync's (`l1BatchNumber`, `l1BatchTxIndex`,
/// `l2ToL1Logs`, `l1BatchNumber` on each log); priority transactions have `"type": "0xff"`.
pub(crate) type RpcReceipt = Value;

/// Where a transaction sits in its batch, and its L2→L1 logs (for [`receipt_response`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct BatchPosition {
    /// The sealed batch, `None` while the batch is open.
    pub(crate) batch: Option<u64>,
    /// Index of the transaction in the batch (`l1BatchTxIndex`, `l2TxNumberInBatch` on L1).
    pub(crate) tx_in_batch: Option<u64>,
    /// The transaction's L2→L1 logs, in order.
    pub(crate) l2_logs: Vec<ferrum_primitives::L2ToL1Log>,
}

/// A stored transaction, decoded (short-lived: no need to box the larger variant).
#[allow(clippy::large_enum_variant)]
pub(crate) enum StoredKind {
    Eth(TxEnvelope),
    L1(L1Tx),
}

impl StoredKind {
    fn hash(&self) -> B256 {
        match self {
            Self::Eth(e) => *e.tx_hash(),
            Self::L1(t) => t.canonical_hash(),
        }
    }

    fn to(&self) -> Option<Address> {
        match self {
            Self::Eth(e) => e.to(),
            Self::L1(t) => Some(t.to),
        }
    }

    /// Blob gas of a blob transaction (only on a chain that takes blobs).
    fn blob_gas_used(&self) -> Option<u64> {
        match self {
            Self::Eth(e) => e.blob_gas_used(),
            Self::L1(_) => None,
        }
    }
}

pub(crate) fn decode_tx(stored: &StoredTx) -> Result<StoredKind, ErrorObjectOwned> {
    if stored.tx.first() == Some(&L1_TX_TYPE) {
        return L1Tx::decode_2718(&stored.tx)
            .map(StoredKind::L1)
            .map_err(internal);
    }
    TxEnvelope::decode_2718(&mut stored.tx.as_ref())
        .map(StoredKind::Eth)
        .map_err(internal)
}

fn l1_tx_json(
    tx: &L1Tx,
    stored: &StoredTx,
    block_hash: B256,
    header: &Header,
    index: u64,
) -> Value {
    json!({
        "hash": tx.canonical_hash(),
        "type": "0xff",
        "nonce": format!("{:#x}", tx.serial_id),
        "blockHash": block_hash,
        "blockNumber": format!("{:#x}", header.number),
        "transactionIndex": format!("{index:#x}"),
        "from": tx.from,
        "to": tx.to,
        "value": tx.value,
        "gas": format!("{:#x}", tx.gas_limit),
        "gasPrice": format!("{:#x}", stored.effective_gas_price),
        "maxFeePerGas": format!("{:#x}", tx.max_fee_per_gas),
        "maxPriorityFeePerGas": "0x0",
        "input": tx.data,
        "mint": tx.mint,
        "refundRecipient": tx.refund_recipient,
        "l1SerialId": format!("{:#x}", tx.serial_id),
    })
}

pub(crate) fn rpc_tx(
    stored: &StoredTx,
    block_hash: B256,
    header: &Header,
    index: u64,
) -> Result<RpcTx, ErrorObjectOwned> {
    Ok(match decode_tx(stored)? {
        StoredKind::Eth(env) => RpcTx::Eth(Box::new(Transaction {
            inner: Recovered::new_unchecked(env, stored.sender),
            block_hash: Some(block_hash),
            block_number: Some(header.number),
            transaction_index: Some(index),
            effective_gas_price: Some(stored.effective_gas_price),
            block_timestamp: Some(header.timestamp),
        })),
        StoredKind::L1(tx) => RpcTx::L1(l1_tx_json(&tx, stored, block_hash, header, index)),
    })
}

/// The RPC form of a receipt built by [`rpc_receipt`].
pub(crate) fn receipt_response(
    stored: &StoredTx,
    receipt: TransactionReceipt,
    pos: &BatchPosition,
) -> Result<RpcReceipt, ErrorObjectOwned> {
    let hex = |n: u64| json!(format!("{n:#x}"));
    let opt_hex = |n: Option<u64>| n.map(hex).unwrap_or(Value::Null);
    let (block_hash, block_number, tx_index, tx_hash) = (
        receipt.block_hash,
        receipt.block_number.unwrap_or_default(),
        receipt.transaction_index.unwrap_or_default(),
        receipt.transaction_hash,
    );
    let mut v = serde_json::to_value(&receipt).map_err(internal)?;
    if stored.tx.first() == Some(&L1_TX_TYPE) {
        v["type"] = json!("0xff");
    }
    v["l1BatchNumber"] = opt_hex(pos.batch);
    v["l1BatchTxIndex"] = opt_hex(pos.tx_in_batch);
    if let Some(logs) = v["logs"].as_array_mut() {
        for log in logs {
            log["l1BatchNumber"] = opt_hex(pos.batch);
        }
    }
    v["l2ToL1Logs"] = pos
        .l2_logs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "blockNumber": hex(block_number),
                "blockHash": block_hash,
                "l1BatchNumber": opt_hex(pos.batch),
                "transactionIndex": hex(tx_index),
                "transactionHash": tx_hash,
                "txIndexInL1Batch": opt_hex(pos.tx_in_batch),
                "shardId": hex(u64::from(l.shard_id)),
                "isService": l.is_service,
                "sender": l.sender,
                "key": l.key,
                "value": l.value,
                "logIndex": hex(i as u64),
            })
        })
        .collect::<Vec<_>>()
        .into();
    Ok(v)
}

pub(crate) fn rpc_receipt(
    stored: &StoredTx,
    block_hash: B256,
    header: &Header,
    index: u64,
) -> Result<TransactionReceipt, ErrorObjectOwned> {
    let env = decode_tx(stored)?;
    let receipt = ReceiptEnvelope::decode_2718(&mut stored.receipt.as_ref()).map_err(internal)?;
    let tx_hash = env.hash();
    let mut log_index = stored.first_log_index;
    let inner = receipt.map_logs(|inner| {
        let log = Log {
            inner,
            block_hash: Some(block_hash),
            block_number: Some(header.number),
            block_timestamp: Some(header.timestamp),
            transaction_hash: Some(tx_hash),
            transaction_index: Some(index),
            log_index: Some(log_index),
            removed: false,
        };
        log_index += 1;
        log
    });
    Ok(TransactionReceipt {
        inner,
        transaction_hash: tx_hash,
        transaction_index: Some(index),
        block_hash: Some(block_hash),
        block_number: Some(header.number),
        gas_used: stored.gas_used,
        effective_gas_price: stored.effective_gas_price,
        // Only a chain that takes blobs has them; its blob gas price is always the minimum, 1 wei.
        blob_gas_used: env.blob_gas_used(),
        blob_gas_price: env.blob_gas_used().map(|_| 1),
        from: stored.sender,
        to: env.to(),
        contract_address: (stored.contract_address.len() == 20)
            .then(|| Address::from_slice(&stored.contract_address)),
    })
}

pub(crate) fn rpc_block(
    header: Header,
    hash: B256,
    txs: &[StoredTx],
    full: bool,
) -> Result<Block<RpcTx>, ErrorObjectOwned> {
    let transactions = if full {
        BlockTransactions::Full(
            txs.iter()
                .enumerate()
                .map(|(i, t)| rpc_tx(t, hash, &header, i as u64))
                .collect::<Result<_, _>>()?,
        )
    } else {
        BlockTransactions::Hashes(
            txs.iter()
                .map(|t| decode_tx(t).map(|e| e.hash()))
                .collect::<Result<_, _>>()?,
        )
    };
    Ok(Block {
        header: rpc_header(header, hash),
        uncles: vec![],
        transactions,
        withdrawals: None,
    })
}
