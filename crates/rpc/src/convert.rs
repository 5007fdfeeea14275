//! Stored records → RPC types.

use alloy_consensus::{
    Header, ReceiptEnvelope, Transaction as _, TxEnvelope, transaction::Recovered,
};
use alloy_eips::Decodable2718;
use alloy_primitives::{Address, B256, U256};
use alloy_rpc_types_eth::{Block, BlockTransactions, Log, Transaction, TransactionReceipt};
use ferrum_state::StoredTx;
use jsonrpsee::types::ErrorObjectOwned;

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

pub(crate) fn decode_tx(stored: &StoredTx) -> Result<TxEnvelope, ErrorObjectOwned> {
    TxEnvelope::decode_2718(&mut stored.tx.as_ref()).map_err(internal)
}

pub(crate) fn rpc_tx(
    stored: &StoredTx,
    block_hash: B256,
    header: &Header,
    index: u64,
) -> Result<Transaction, ErrorObjectOwned> {
    let env = decode_tx(stored)?;
    Ok(Transaction {
        inner: Recovered::new_unchecked(env, stored.sender),
        block_hash: Some(block_hash),
        block_number: Some(header.number),
        transaction_index: Some(index),
        effective_gas_price: Some(stored.effective_gas_price),
        block_timestamp: Some(header.timestamp),
    })
}

pub(crate) fn rpc_receipt(
    stored: &StoredTx,
    block_hash: B256,
    header: &Header,
    index: u64,
) -> Result<TransactionReceipt, ErrorObjectOwned> {
    let env = decode_tx(stored)?;
    let receipt = ReceiptEnvelope::decode_2718(&mut stored.receipt.as_ref()).map_err(internal)?;
    let tx_hash = *env.tx_hash();
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
        blob_gas_used: None,
        blob_gas_price: None,
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
) -> Result<Block<Transaction>, ErrorObjectOwned> {
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
                .map(|t| decode_tx(t).map(|e| *e.tx_hash()))
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
