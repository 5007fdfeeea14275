//! The pool.

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BinaryHeap, HashMap},
    sync::Arc,
};

use alloy_consensus::Transaction;
use alloy_primitives::{Address, B256, U256};
use ferrum_primitives::{RecoveredTx, intrinsic_gas};
use parking_lot::Mutex;

use crate::PoolError;

/// Pool limits and rules.
#[derive(Clone, Copy, Debug)]
pub struct PoolConfig {
    /// Chain id every transaction must carry.
    pub chain_id: u64,
    /// Most transactions in the pool.
    pub max_txs: usize,
    /// Most transactions per sender.
    pub max_per_sender: usize,
    /// Largest accepted distance between the account nonce and a transaction's nonce.
    pub max_nonce_gap: u64,
    /// Fee increase (percent) a replacement must offer on both fee cap and tip.
    pub price_bump_percent: u128,
    /// Block gas limit (no transaction may exceed it).
    pub block_gas_limit: u64,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            chain_id: 270,
            max_txs: 500_000,
            max_per_sender: 16_384,
            max_nonce_gap: 1_024,
            price_bump_percent: 10,
            block_gas_limit: 1_000_000_000,
        }
    }
}

/// What the caller knows about the sender and chain when admitting a transaction.
#[derive(Clone, Copy, Debug)]
pub struct AdmissionState {
    /// The sender's nonce at the head.
    pub nonce: u64,
    /// The sender's balance at the head.
    pub balance: U256,
    /// Base fee the next block will have.
    pub base_fee: u64,
}

/// A pooled transaction.
#[derive(Debug)]
pub struct PoolTx {
    /// The transaction.
    pub tx: RecoveredTx,
    /// Arrival order (ties in fee are broken first come, first served).
    pub seq: u64,
}

impl PoolTx {
    fn nonce(&self) -> u64 {
        self.tx.envelope.nonce()
    }
    fn fee_cap(&self) -> u128 {
        self.tx.envelope.max_fee_per_gas()
    }
    fn tip_cap(&self) -> u128 {
        self.tx
            .envelope
            .max_priority_fee_per_gas()
            .unwrap_or_else(|| self.fee_cap())
    }
    /// Tip per gas the block producer gets at `base_fee`.
    pub fn effective_tip(&self, base_fee: u64) -> u128 {
        self.tip_cap()
            .min(self.fee_cap().saturating_sub(base_fee as u128))
    }
}

/// Number of sender queues above which empty ones are dropped.
const EMPTY_QUEUE_PRUNE_AT: usize = 100_000;

#[derive(Default)]
struct SenderQueue {
    /// Account nonce as last seen (admission or block).
    state_nonce: u64,
    txs: BTreeMap<u64, Arc<PoolTx>>,
}

#[derive(Default)]
struct Inner {
    senders: HashMap<Address, SenderQueue>,
    by_hash: HashMap<B256, Arc<PoolTx>>,
    seq: u64,
}

/// Thread-safe transaction pool.
pub struct Mempool {
    config: PoolConfig,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Mempool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mempool").field("len", &self.len()).finish()
    }
}

struct HeapItem {
    tip: u128,
    seq: u64,
    tx: Arc<PoolTx>,
}

impl PartialEq for HeapItem {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for HeapItem {}
impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for HeapItem {
    fn cmp(&self, other: &Self) -> Ordering {
        // Max-heap: higher tip first, then earlier arrival.
        self.tip
            .cmp(&other.tip)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

impl Mempool {
    /// An empty pool.
    pub fn new(config: PoolConfig) -> Self {
        Self {
            config,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The pool's configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Number of pooled transactions.
    pub fn len(&self) -> usize {
        self.inner.lock().by_hash.len()
    }

    /// True if the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A pooled transaction by hash.
    pub fn get(&self, hash: &B256) -> Option<Arc<PoolTx>> {
        self.inner.lock().by_hash.get(hash).cloned()
    }

    /// Stateless checks: chain id, gas, fees. Cheap; run before taking the lock.
    fn check_static(&self, tx: &RecoveredTx, base_fee: u64) -> Result<(), PoolError> {
        let env = &tx.envelope;
        if env.chain_id() != Some(self.config.chain_id) {
            return Err(PoolError::InvalidChainId {
                expected: self.config.chain_id,
                got: env.chain_id(),
            });
        }
        if env.gas_limit() > self.config.block_gas_limit {
            return Err(PoolError::ExceedsBlockGasLimit);
        }
        let want = intrinsic_gas(env);
        if env.gas_limit() < want {
            return Err(PoolError::IntrinsicGasTooLow {
                have: env.gas_limit(),
                want,
            });
        }
        if let Some(tip) = env.max_priority_fee_per_gas()
            && tip > env.max_fee_per_gas()
        {
            return Err(PoolError::TipAboveFeeCap);
        }
        if env.max_fee_per_gas() < base_fee as u128 {
            return Err(PoolError::FeeCapTooLow {
                fee_cap: env.max_fee_per_gas(),
                base_fee,
            });
        }
        Ok(())
    }

    /// Admits `tx`. On error the pool is unchanged.
    ///
    /// `state.nonce` may be stale (read before the latest block was committed): the pool never
    /// lets a sender's known nonce go backwards.
    pub fn add(&self, tx: RecoveredTx, state: AdmissionState) -> Result<B256, PoolError> {
        self.check_static(&tx, state.base_fee)?;
        let nonce = tx.envelope.nonce();
        let cost = U256::from(tx.envelope.gas_limit()) * U256::from(tx.envelope.max_fee_per_gas())
            + tx.envelope.value();
        if cost > state.balance {
            return Err(PoolError::InsufficientFunds {
                balance: state.balance,
                cost,
            });
        }
        let hash = tx.hash;
        let sender = tx.sender;
        let mut inner = self.inner.lock();
        let state_nonce = inner
            .senders
            .get(&sender)
            .map_or(state.nonce, |q| q.state_nonce.max(state.nonce));
        if nonce < state_nonce {
            return Err(PoolError::NonceTooLow {
                state: state_nonce,
                tx: nonce,
            });
        }
        if nonce - state_nonce > self.config.max_nonce_gap {
            return Err(PoolError::NonceGapTooLarge {
                state: state_nonce,
                tx: nonce,
                max_gap: self.config.max_nonce_gap,
            });
        }
        if inner.by_hash.contains_key(&hash) {
            return Err(PoolError::AlreadyKnown);
        }
        let full = inner.by_hash.len() >= self.config.max_txs;
        let seq = inner.seq;
        let new = Arc::new(PoolTx { tx, seq });
        let bump = |old: u128| old + old * self.config.price_bump_percent / 100;
        let mut removed: Vec<B256> = Vec::new();
        {
            if full && !inner.senders.contains_key(&sender) {
                return Err(PoolError::PoolFull);
            }
            let queue = inner.senders.entry(sender).or_default();
            // Transactions the chain already executed (the head moved since they were pooled).
            let stale = queue.txs.range(..state_nonce).count();
            if let Some(existing) = queue.txs.get(&nonce) {
                if new.fee_cap() < bump(existing.fee_cap())
                    || new.tip_cap() < bump(existing.tip_cap())
                {
                    return Err(PoolError::ReplacementUnderpriced);
                }
                removed.push(existing.tx.hash);
            } else {
                if queue.txs.len() - stale >= self.config.max_per_sender {
                    return Err(PoolError::SenderLimit {
                        limit: self.config.max_per_sender,
                    });
                }
                if full && stale == 0 {
                    return Err(PoolError::PoolFull);
                }
            }
            queue.state_nonce = state_nonce;
            let keep = queue.txs.split_off(&state_nonce);
            removed.extend(
                std::mem::replace(&mut queue.txs, keep)
                    .into_values()
                    .map(|t| t.tx.hash),
            );
            queue.txs.insert(nonce, new.clone());
        }
        for h in removed {
            inner.by_hash.remove(&h);
        }
        inner.by_hash.insert(hash, new);
        inner.seq += 1;
        Ok(hash)
    }

    /// The next nonce `sender` would use counting pooled transactions, if any are pooled.
    pub fn pending_nonce(&self, sender: &Address) -> Option<u64> {
        let inner = self.inner.lock();
        let q = inner.senders.get(sender)?;
        let mut next = q.state_nonce;
        while q.txs.contains_key(&next) {
            next += 1;
        }
        Some(next)
    }

    /// Up to `max` executable transactions in block order: the best tip first, nonces in order
    /// per sender, never past a nonce gap. Transactions stay in the pool until
    /// [`Mempool::remove_executed`] or [`Mempool::remove`].
    pub fn best(&self, base_fee: u64, max: usize) -> Vec<Arc<PoolTx>> {
        let inner = self.inner.lock();
        let mut heap = BinaryHeap::with_capacity(inner.senders.len());
        for q in inner.senders.values() {
            if let Some(tx) = q.txs.get(&q.state_nonce)
                && tx.fee_cap() >= base_fee as u128
            {
                heap.push(HeapItem {
                    tip: tx.effective_tip(base_fee),
                    seq: tx.seq,
                    tx: tx.clone(),
                });
            }
        }
        let mut out = Vec::with_capacity(max.min(inner.by_hash.len()));
        while out.len() < max {
            let Some(item) = heap.pop() else { break };
            let next_nonce = item.tx.nonce() + 1;
            if let Some(q) = inner.senders.get(&item.tx.tx.sender)
                && let Some(next) = q.txs.get(&next_nonce)
                && next.fee_cap() >= base_fee as u128
            {
                heap.push(HeapItem {
                    tip: next.effective_tip(base_fee),
                    seq: next.seq,
                    tx: next.clone(),
                });
            }
            out.push(item.tx);
        }
        out
    }

    /// After a block: senders' nonces advanced to `nonce + 1` of each included transaction;
    /// drops everything at or below.
    pub fn remove_executed(&self, executed: &[(Address, u64)]) {
        let mut inner = self.inner.lock();
        let mut dropped = Vec::new();
        for (sender, nonce) in executed {
            if let Some(q) = inner.senders.get_mut(sender) {
                q.state_nonce = q.state_nonce.max(nonce + 1);
                let keep = q.txs.split_off(&(nonce + 1));
                dropped.extend(
                    std::mem::replace(&mut q.txs, keep)
                        .into_values()
                        .map(|t| t.tx.hash),
                );
                // An emptied queue is kept: its nonce guards against admissions that read the
                // account before this block was committed.
            }
        }
        for h in dropped {
            inner.by_hash.remove(&h);
        }
        if inner.senders.len() > EMPTY_QUEUE_PRUNE_AT {
            inner.senders.retain(|_, q| !q.txs.is_empty());
        }
    }

    /// Removes a transaction found invalid at execution; with `descendants`, also its sender's
    /// later ones (which can no longer execute once this nonce is gone).
    pub fn remove(&self, hash: &B256, descendants: bool) {
        let mut inner = self.inner.lock();
        let Some(tx) = inner.by_hash.get(hash).cloned() else {
            return;
        };
        let mut dropped = Vec::new();
        if let Some(q) = inner.senders.get_mut(&tx.tx.sender) {
            if descendants {
                dropped.extend(
                    q.txs
                        .split_off(&tx.nonce())
                        .into_values()
                        .map(|t| t.tx.hash),
                );
            } else if let Some(t) = q.txs.remove(&tx.nonce()) {
                dropped.push(t.tx.hash);
            }
            if q.txs.is_empty() {
                inner.senders.remove(&tx.tx.sender);
            }
        }
        for h in dropped {
            inner.by_hash.remove(&h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{SignableTransaction, TxEip1559, TxLegacy};
    use alloy_network::TxSignerSync;
    use alloy_primitives::TxKind;
    use alloy_signer_local::PrivateKeySigner;

    fn signer(i: u8) -> PrivateKeySigner {
        PrivateKeySigner::from_bytes(&B256::repeat_byte(i + 1)).unwrap()
    }

    fn tx(s: &PrivateKeySigner, nonce: u64, fee: u128, tip: u128) -> RecoveredTx {
        let mut t = TxEip1559 {
            chain_id: 270,
            nonce,
            gas_limit: 21_000,
            max_fee_per_gas: fee,
            max_priority_fee_per_gas: tip,
            to: TxKind::Call(Address::repeat_byte(9)),
            ..Default::default()
        };
        let sig = s.sign_transaction_sync(&mut t).unwrap();
        let env: alloy_consensus::TxEnvelope = t.into_signed(sig).into();
        ferrum_primitives::recover_tx(&alloy_eips::Encodable2718::encoded_2718(&env)).unwrap()
    }

    fn rich(nonce: u64) -> AdmissionState {
        AdmissionState {
            nonce,
            balance: U256::from(10u128.pow(20)),
            base_fee: 10,
        }
    }

    fn pool() -> Mempool {
        Mempool::new(PoolConfig {
            max_txs: 4,
            max_per_sender: 3,
            max_nonce_gap: 5,
            ..Default::default()
        })
    }

    #[test]
    fn orders_by_tip_then_nonce_and_stops_at_gaps() {
        let p = pool();
        let (a, b) = (signer(1), signer(2));
        p.add(tx(&a, 0, 100, 1), rich(0)).unwrap();
        p.add(tx(&a, 1, 100, 50), rich(0)).unwrap();
        p.add(tx(&b, 0, 100, 5), rich(0)).unwrap();
        p.add(tx(&b, 2, 100, 90), rich(0)).unwrap(); // gap: nonce 1 missing
        let best: Vec<_> = p
            .best(10, 10)
            .iter()
            .map(|t| (t.tx.sender, t.nonce()))
            .collect();
        assert_eq!(
            best,
            vec![(b.address(), 0), (a.address(), 0), (a.address(), 1)]
        );
        assert_eq!(p.pending_nonce(&a.address()), Some(2));
        assert_eq!(p.pending_nonce(&b.address()), Some(1));
    }

    #[test]
    fn rejects_bad_transactions_without_change() {
        let p = pool();
        let a = signer(1);
        let t = tx(&a, 0, 100, 1);
        p.add(t.clone(), rich(0)).unwrap();
        assert_eq!(p.add(t, rich(0)), Err(PoolError::AlreadyKnown));
        assert!(matches!(
            p.add(tx(&a, 0, 105, 1), rich(0)),
            Err(PoolError::ReplacementUnderpriced)
        ));
        assert!(matches!(
            p.add(tx(&signer(4), 3, 100, 1), rich(5)),
            Err(PoolError::NonceTooLow { .. })
        ));
        assert!(matches!(
            p.add(tx(&a, 9, 100, 1), rich(0)),
            Err(PoolError::NonceGapTooLarge { .. })
        ));
        assert!(matches!(
            p.add(tx(&a, 1, 5, 1), rich(0)),
            Err(PoolError::FeeCapTooLow { .. })
        ));
        assert!(matches!(
            p.add(tx(&a, 1, 5, 6), rich(0)),
            Err(PoolError::TipAboveFeeCap)
        ));
        let poor = AdmissionState {
            balance: U256::from(1),
            ..rich(0)
        };
        assert!(matches!(
            p.add(tx(&a, 1, 100, 1), poor),
            Err(PoolError::InsufficientFunds { .. })
        ));
        assert_eq!(p.len(), 1);
        // Wrong chain id (legacy with chain id 1).
        let mut l = TxLegacy {
            chain_id: Some(1),
            gas_limit: 21_000,
            gas_price: 100,
            to: TxKind::Call(Address::ZERO),
            ..Default::default()
        };
        let sig = a.sign_transaction_sync(&mut l).unwrap();
        let env: alloy_consensus::TxEnvelope = l.into_signed(sig).into();
        let rt =
            ferrum_primitives::recover_tx(&alloy_eips::Encodable2718::encoded_2718(&env)).unwrap();
        assert!(matches!(
            p.add(rt, rich(0)),
            Err(PoolError::InvalidChainId { .. })
        ));
    }

    #[test]
    fn replacement_limits_and_removal() {
        let p = pool();
        let a = signer(1);
        p.add(tx(&a, 0, 100, 1), rich(0)).unwrap();
        let replacement = tx(&a, 0, 110, 2);
        let h = p.add(replacement, rich(0)).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!(p.best(10, 1)[0].tx.hash, h);
        p.add(tx(&a, 1, 100, 1), rich(0)).unwrap();
        p.add(tx(&a, 2, 100, 1), rich(0)).unwrap();
        assert!(matches!(
            p.add(tx(&a, 3, 100, 1), rich(0)),
            Err(PoolError::SenderLimit { .. })
        ));
        let b = signer(2);
        p.add(tx(&b, 0, 100, 1), rich(0)).unwrap();
        assert_eq!(
            p.add(tx(&signer(3), 0, 100, 1), rich(0)),
            Err(PoolError::PoolFull)
        );
        p.remove_executed(&[(a.address(), 1)]);
        assert_eq!(p.len(), 2);
        assert_eq!(p.pending_nonce(&a.address()), Some(3));
        p.remove(&p.best(10, 10)[0].tx.hash, true);
        assert_eq!(p.len(), 1);
    }
}
