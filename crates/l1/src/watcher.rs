//! The L1 watcher: follows the chain contract's `NewPriorityRequest` events `confirmations` blocks behind the
//! L1 head and stores them as priority transactions, in queue order, exactly once.
//!
//! Only blocks at least `confirmations` deep are read, so a reorg of younger L1 blocks never reaches the L2.
//! Progress (`l1_watched_block`) is stored atomically with the operations; after a restart the watcher resumes
//! from there and skips operations it already has (serial ids below `priority_ops_received`).

use std::time::Duration;

use alloy::{providers::Provider, rpc::types::Filter, sol_types::SolEvent};
use alloy_primitives::{Address, U256};
use ferrum_primitives::{L1_TX_GAS_PER_PUBDATA, L1_TX_TYPE, L1Tx};
use ferrum_state::Store;
use tokio::sync::watch;

use crate::{L1Error, priority::NewPriorityRequest};

/// Watcher settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatcherConfig {
    /// The chain's L1 contract.
    pub chain_contract: Address,
    /// Blocks an event must be buried under before it is used.
    pub confirmations: u64,
    /// First L1 block to scan when nothing was scanned yet (the deployment block).
    pub from_block: u64,
    /// Widest `eth_getLogs` range per request.
    pub max_block_range: u64,
    /// Pause between rounds.
    pub poll_interval: Duration,
}

fn address_of(word: U256) -> Result<Address, L1Error> {
    if word >> 160 != U256::ZERO {
        return Err(L1Error::Unexpected(format!("{word:#x} is not an address")));
    }
    Ok(Address::from_word(word.into()))
}

fn small(word: U256, what: &str) -> Result<u64, L1Error> {
    u64::try_from(word).map_err(|_| L1Error::Unexpected(format!("{what} {word} too large")))
}

/// The priority transaction of a `NewPriorityRequest`. Fails unless the fixed fields have the values the
/// Mailbox always sets and the event's `txHash` is the canonical hash of what we rebuilt.
pub fn l1_tx_from_event(event: &NewPriorityRequest) -> Result<L1Tx, L1Error> {
    let t = &event.transaction;
    let fixed_ok = t.txType == U256::from(L1_TX_TYPE)
        && t.gasPerPubdataByteLimit == U256::from(L1_TX_GAS_PER_PUBDATA)
        && t.maxPriorityFeePerGas.is_zero()
        && t.paymaster.is_zero()
        && t.nonce == event.txId
        && t.reserved[2].is_zero()
        && t.reserved[3].is_zero()
        && t.signature.is_empty()
        && t.factoryDeps.is_empty()
        && t.paymasterInput.is_empty()
        && t.reservedDynamic.is_empty();
    if !fixed_ok {
        return Err(L1Error::Unexpected(format!(
            "priority op {} has fields this node does not execute",
            event.txId
        )));
    }
    let tx = L1Tx {
        serial_id: small(event.txId, "txId")?,
        from: address_of(t.from)?,
        to: address_of(t.to)?,
        // Kept as wide as L1 has them: a value the L2 cannot use in full (a gas limit above the block's, a fee
        // above any base fee) is clamped when the transaction runs, and never stops the queue.
        gas_limit: t.gasLimit,
        max_fee_per_gas: t.maxFeePerGas,
        value: t.value,
        mint: t.reserved[0],
        refund_recipient: address_of(t.reserved[1])?,
        data: t.data.clone(),
    };
    if tx.canonical_hash() != event.txHash {
        return Err(L1Error::Unexpected(format!(
            "priority op {}: canonical hash {} != event hash {}",
            event.txId,
            tx.canonical_hash(),
            event.txHash
        )));
    }
    Ok(tx)
}

/// Follows one chain's priority queue on L1.
#[derive(Debug)]
pub struct L1Watcher<P: Provider> {
    provider: P,
    store: Store,
    config: WatcherConfig,
}

impl<P: Provider> L1Watcher<P> {
    /// A watcher storing into `store`.
    pub fn new(provider: P, store: Store, config: WatcherConfig) -> Self {
        Self {
            provider,
            store,
            config,
        }
    }

    /// One round: reads the next confirmed range and stores its operations. Returns how many were new.
    pub async fn step(&self) -> Result<usize, L1Error> {
        let local = |e: ferrum_state::StoreError| L1Error::Local(e.to_string());
        let head = self.provider.get_block_number().await?;
        let Some(safe) = head.checked_sub(self.config.confirmations) else {
            return Ok(0);
        };
        let from = match self.store.l1_watched_block().map_err(local)? {
            Some(b) => b + 1,
            None => self.config.from_block,
        };
        if from > safe {
            return Ok(0);
        }
        let to = safe.min(from + self.config.max_block_range.max(1) - 1);
        let filter = Filter::new()
            .address(self.config.chain_contract)
            .event_signature(NewPriorityRequest::SIGNATURE_HASH)
            .from_block(from)
            .to_block(to);
        let logs = self.provider.get_logs(&filter).await?;
        let mut expected = self.store.priority_ops_received().map_err(local)?;
        let mut ops = Vec::new();
        for log in logs {
            let event = NewPriorityRequest::decode_log_data(log.data())
                .map_err(|e| L1Error::Unexpected(format!("undecodable NewPriorityRequest: {e}")))?;
            let serial = small(event.txId, "txId")?;
            if serial < expected {
                continue; // stored before a restart
            }
            if serial > expected {
                return Err(L1Error::Unexpected(format!(
                    "priority op {serial} arrived before {expected}"
                )));
            }
            ops.push(l1_tx_from_event(&event)?);
            expected += 1;
        }
        self.store.put_priority_ops(&ops, to).map_err(local)?;
        if !ops.is_empty() {
            tracing::info!(count = ops.len(), l1_blocks = %format!("{from}..={to}"), "priority operations received");
        }
        Ok(ops.len())
    }

    /// Runs rounds until `stop`; L1 errors are logged and retried.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let busy = match self.step().await {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::warn!(error = %e, "L1 watcher round failed; retrying");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(self.config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::priority::L2CanonicalTransaction;

    /// The event the Mailbox emits for `tx` (fixed fields as it sets them).
    fn event_of(tx: &L1Tx) -> NewPriorityRequest {
        let word = |a: Address| U256::from_be_slice(a.as_slice());
        NewPriorityRequest {
            txId: U256::from(tx.serial_id),
            txHash: tx.canonical_hash(),
            expirationTimestamp: 0,
            transaction: L2CanonicalTransaction {
                txType: U256::from(L1_TX_TYPE),
                from: word(tx.from),
                to: word(tx.to),
                gasLimit: tx.gas_limit,
                gasPerPubdataByteLimit: U256::from(L1_TX_GAS_PER_PUBDATA),
                maxFeePerGas: tx.max_fee_per_gas,
                maxPriorityFeePerGas: U256::ZERO,
                paymaster: U256::ZERO,
                nonce: U256::from(tx.serial_id),
                value: tx.value,
                reserved: [tx.mint, word(tx.refund_recipient), U256::ZERO, U256::ZERO],
                data: tx.data.clone(),
                signature: Default::default(),
                factoryDeps: vec![],
                paymasterInput: Default::default(),
                reservedDynamic: Default::default(),
            },
            factoryDeps: vec![],
        }
    }

    /// A chain admin may set limits the L2 cannot use in full (a gas limit above 2^64, a fee above 2^128): such
    /// an operation still converts, with the canonical hash L1 has, so it takes its place in the queue.
    #[test]
    fn an_operation_with_values_beyond_u64_and_u128_converts() {
        let tx = L1Tx {
            serial_id: 3,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            gas_limit: U256::from(1u8) << 70,
            max_fee_per_gas: U256::from(1u8) << 130,
            value: U256::from(5),
            mint: U256::MAX,
            refund_recipient: Address::repeat_byte(1),
            data: Default::default(),
        };
        let converted = l1_tx_from_event(&event_of(&tx)).unwrap();
        assert_eq!(converted, tx);
        assert_eq!(converted.canonical_hash(), tx.canonical_hash());
    }

    #[test]
    fn an_event_whose_hash_does_not_match_is_refused() {
        let tx = L1Tx {
            serial_id: 0,
            from: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            gas_limit: U256::from(300_000),
            max_fee_per_gas: U256::from(1),
            value: U256::ZERO,
            mint: U256::from(300_000),
            refund_recipient: Address::repeat_byte(1),
            data: Default::default(),
        };
        let mut event = event_of(&tx);
        event.transaction.value = U256::from(1);
        assert!(l1_tx_from_event(&event).is_err());
    }
}
