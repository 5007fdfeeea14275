//! Conversion of signed transactions into revm's transaction environment.

use alloy_consensus::{Transaction, TxEnvelope};
use ferrum_primitives::RecoveredTx;
use revm::context::{TxEnv, either::Either};

/// The revm `TxEnv` of a recovered transaction.
pub fn tx_env(tx: &RecoveredTx) -> TxEnv {
    let env = &tx.envelope;
    let (gas_price, priority) = match env {
        TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) => (env.max_fee_per_gas(), None),
        _ => (env.max_fee_per_gas(), env.max_priority_fee_per_gas()),
    };
    TxEnv {
        tx_type: env.tx_type() as u8,
        caller: tx.sender,
        gas_limit: env.gas_limit(),
        gas_price,
        kind: env.kind(),
        value: env.value(),
        data: env.input().clone(),
        nonce: env.nonce(),
        chain_id: env.chain_id(),
        access_list: env.access_list().cloned().unwrap_or_default(),
        gas_priority_fee: priority,
        // Only a chain with `ethereum_l1` admits blob transactions; BLOBHASH reads these.
        blob_hashes: env
            .blob_versioned_hashes()
            .map(<[_]>::to_vec)
            .unwrap_or_default(),
        max_fee_per_blob_gas: env.max_fee_per_blob_gas().unwrap_or_default(),
        authorization_list: env
            .authorization_list()
            .map(|l| l.iter().cloned().map(Either::Left).collect())
            .unwrap_or_default(),
    }
}
