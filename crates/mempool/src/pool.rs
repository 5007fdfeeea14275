//! The pool.

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BinaryHeap, HashMap},
    sync::Arc,
};

use alloy_consensus::Transaction;
use alloy_eips::Encodable2718;
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
    /// Largest EIP-2718 encoded size of one transaction, in bytes (geth: 128 KiB).
    pub max_tx_bytes: usize,
    /// Most encoded bytes of all pooled transactions together.
    pub max_pool_bytes: usize,
    /// Most encoded bytes of one sender's pooled transactions together.
    pub max_sender_bytes: usize,
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
            max_tx_bytes: 128 * 1024,
            max_pool_bytes: 256 * 1024 * 1024,
            max_sender_bytes: 4 * 1024 * 1024,
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
    /// EIP-2718 encoded size in bytes.
    size: usize,
    /// The most it can cost its sender: gas limit × fee cap + value.
    cost: U256,
}

impl PoolTx {
    /// EIP-2718 encoded size in bytes (what the pool's byte limits count).
    pub fn size(&self) -> usize {
        self.size
    }

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
    /// Sum of the sizes of `txs`.
    bytes: usize,
    /// Sum of the costs of `txs` (never above the balance some admission saw, so it cannot overflow).
    cost: U256,
}

#[derive(Default)]
struct Inner {
    senders: HashMap<Address, SenderQueue>,
    by_hash: HashMap<B256, Arc<PoolTx>>,
    seq: u64,
    /// Sum of the sizes of all pooled transactions.
    bytes: usize,
}

impl Inner {
    /// Drops `removed` (already taken out of `sender`'s queue) from the index and the running totals.
    fn forget(&mut self, sender: &Address, removed: impl IntoIterator<Item = Arc<PoolTx>>) {
        let queue = self.senders.get_mut(sender);
        let mut bytes = 0usize;
        let mut cost = U256::ZERO;
        for t in removed {
            bytes += t.size;
            cost = cost.saturating_add(t.cost);
            self.by_hash.remove(&t.tx.hash);
        }
        if let Some(q) = queue {
            q.bytes = q.bytes.saturating_sub(bytes);
            q.cost = q.cost.saturating_sub(cost);
        }
        self.bytes = self.bytes.saturating_sub(bytes);
    }
}

/// Thread-safe transaction pool.
pub struct Mempool {
    config: PoolConfig,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Mempool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mempool")
            .field("len", &self.len())
            .field("bytes", &self.bytes())
            .finish()
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

    /// Encoded bytes of all pooled transactions (at most [`PoolConfig::max_pool_bytes`]).
    pub fn bytes(&self) -> usize {
        self.inner.lock().bytes
    }

    /// True if the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A pooled transaction by hash.
    pub fn get(&self, hash: &B256) -> Option<Arc<PoolTx>> {
        self.inner.lock().by_hash.get(hash).cloned()
    }

    /// Stateless checks: size, chain id, gas, fees. Cheap; run before taking the lock. Returns the encoded size.
    fn check_static(&self, tx: &RecoveredTx, base_fee: u64) -> Result<usize, PoolError> {
        let env = &tx.envelope;
        // First: the checks below (intrinsic gas) read the whole calldata.
        let size = env.encode_2718_len();
        if size > self.config.max_tx_bytes {
            return Err(PoolError::OversizedData {
                size,
                limit: self.config.max_tx_bytes,
            });
        }
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
        Ok(size)
    }

    /// Admits `tx`. On error the pool is unchanged.
    ///
    /// `state.nonce` may be stale (read before the latest block was committed): the pool never
    /// lets a sender's known nonce go backwards.
    ///
    /// A full pool (transactions or bytes) refuses: nothing pooled is evicted. Each sender is held to its own
    /// count and bytes, and to what its balance can pay for all its pooled transactions together (gapped ones
    /// included, which may never execute), so one account cannot take the pool.
    pub fn add(&self, tx: RecoveredTx, state: AdmissionState) -> Result<B256, PoolError> {
        let size = self.check_static(&tx, state.base_fee)?;
        let env = &tx.envelope;
        let nonce = env.nonce();
        // At most 2^192 before the value: only the value can overflow.
        let Some(cost) = (U256::from(env.gas_limit()) * U256::from(env.max_fee_per_gas()))
            .checked_add(env.value())
        else {
            return Err(PoolError::InsufficientFunds {
                balance: state.balance,
                cost: U256::MAX,
            });
        };
        if cost > state.balance {
            return Err(PoolError::InsufficientFunds {
                balance: state.balance,
                cost,
            });
        }
        let hash = tx.hash;
        let sender = tx.sender;
        let mut guard = self.inner.lock();
        let inner = &mut *guard;
        let queue = inner.senders.get(&sender);
        let state_nonce = queue.map_or(state.nonce, |q| q.state_nonce.max(state.nonce));
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
        let new = PoolTx {
            tx,
            seq: inner.seq,
            size,
            cost,
        };
        let bump = |old: u128| {
            old.saturating_add(old.saturating_mul(self.config.price_bump_percent) / 100)
        };
        // What this admission takes out: the sender's transactions the chain already executed (the head moved
        // since they were pooled; few, and dropped here) and the one replaced.
        let (mut out_count, mut out_bytes, mut out_cost) = (0usize, 0usize, U256::ZERO);
        let (mut queued_count, mut queued_bytes, mut queued_cost) = (0usize, 0usize, U256::ZERO);
        let mut replaces = false;
        if let Some(q) = queue {
            for t in q
                .txs
                .range(..state_nonce)
                .map(|(_, t)| t)
                .chain(q.txs.get(&nonce))
            {
                out_count += 1;
                out_bytes += t.size;
                out_cost = out_cost.saturating_add(t.cost);
            }
            if let Some(existing) = q.txs.get(&nonce) {
                if new.fee_cap() < bump(existing.fee_cap())
                    || new.tip_cap() < bump(existing.tip_cap())
                {
                    return Err(PoolError::ReplacementUnderpriced);
                }
                replaces = true;
            }
            queued_count = q.txs.len() - out_count;
            queued_bytes = q.bytes.saturating_sub(out_bytes);
            queued_cost = q.cost.saturating_sub(out_cost);
        }
        if queued_cost
            .checked_add(cost)
            .is_none_or(|total| total > state.balance)
        {
            return Err(PoolError::InsufficientFundsForQueue {
                balance: state.balance,
                queued: queued_cost,
                cost,
            });
        }
        if !replaces {
            if queued_count >= self.config.max_per_sender {
                return Err(PoolError::SenderLimit {
                    limit: self.config.max_per_sender,
                });
            }
            // (A replacement keeps the count; executed transactions this admission drops make room.)
            if inner.by_hash.len().saturating_sub(out_count) >= self.config.max_txs {
                return Err(PoolError::PoolFull);
            }
        }
        let sender_bytes = queued_bytes + size;
        if sender_bytes > self.config.max_sender_bytes {
            return Err(PoolError::SenderBytesLimit {
                size: sender_bytes,
                limit: self.config.max_sender_bytes,
            });
        }
        let pool_bytes = inner.bytes.saturating_sub(out_bytes) + size;
        if pool_bytes > self.config.max_pool_bytes {
            return Err(PoolError::PoolFull);
        }

        let new = Arc::new(new);
        let queue = inner.senders.entry(sender).or_default();
        queue.state_nonce = state_nonce;
        let keep = queue.txs.split_off(&state_nonce);
        let mut removed: Vec<Arc<PoolTx>> = std::mem::replace(&mut queue.txs, keep)
            .into_values()
            .collect();
        removed.extend(queue.txs.insert(nonce, new.clone()));
        queue.bytes = sender_bytes;
        queue.cost = queued_cost + cost;
        for t in removed {
            inner.by_hash.remove(&t.tx.hash);
        }
        inner.by_hash.insert(hash, new);
        inner.bytes = pool_bytes;
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
        for (sender, nonce) in executed {
            if let Some(q) = inner.senders.get_mut(sender) {
                q.state_nonce = q.state_nonce.max(nonce + 1);
                let keep = q.txs.split_off(&(nonce + 1));
                let dropped = std::mem::replace(&mut q.txs, keep).into_values();
                inner.forget(sender, dropped);
                // An emptied queue is kept: its nonce guards against admissions that read the
                // account before this block was committed.
            }
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
        let sender = tx.tx.sender;
        let Some(q) = inner.senders.get_mut(&sender) else {
            return;
        };
        let dropped: Vec<Arc<PoolTx>> = if descendants {
            q.txs.split_off(&tx.nonce()).into_values().collect()
        } else {
            q.txs.remove(&tx.nonce()).into_iter().collect()
        };
        let emptied = q.txs.is_empty();
        inner.forget(&sender, dropped);
        if emptied {
            inner.senders.remove(&sender);
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
        tx_full(s, nonce, fee, tip, 0, U256::ZERO)
    }

    /// A transfer of `value` carrying `data_len` non-zero calldata bytes, with just enough gas.
    fn tx_full(
        s: &PrivateKeySigner,
        nonce: u64,
        fee: u128,
        tip: u128,
        data_len: usize,
        value: U256,
    ) -> RecoveredTx {
        let mut t = TxEip1559 {
            chain_id: 270,
            nonce,
            // EIP-7623 floor: 10 gas per token, 4 tokens per non-zero byte.
            gas_limit: 21_000 + 40 * data_len as u64,
            max_fee_per_gas: fee,
            max_priority_fee_per_gas: tip,
            to: TxKind::Call(Address::repeat_byte(9)),
            value,
            input: vec![1u8; data_len].into(),
            ..Default::default()
        };
        let sig = s.sign_transaction_sync(&mut t).unwrap();
        let env: alloy_consensus::TxEnvelope = t.into_signed(sig).into();
        ferrum_primitives::recover_tx(&alloy_eips::Encodable2718::encoded_2718(&env)).unwrap()
    }

    /// Encoded bytes of the pooled transactions, counted the slow way.
    fn pooled_bytes(p: &Mempool) -> usize {
        p.inner
            .lock()
            .by_hash
            .values()
            .map(|t| t.tx.encoded().len())
            .sum()
    }

    /// Checks the running totals against the pooled transactions, counted the slow way.
    fn assert_totals(p: &Mempool) {
        let inner = p.inner.lock();
        let mut all = 0;
        for q in inner.senders.values() {
            let bytes: usize = q.txs.values().map(|t| t.tx.encoded().len()).sum();
            let cost = q.txs.values().fold(U256::ZERO, |sum, t| {
                let e = &t.tx.envelope;
                sum + U256::from(e.gas_limit()) * U256::from(e.max_fee_per_gas()) + e.value()
            });
            assert_eq!((q.bytes, q.cost), (bytes, cost));
            all += bytes;
        }
        assert_eq!(inner.bytes, all);
        let count: usize = inner.senders.values().map(|q| q.txs.len()).sum();
        assert_eq!(inner.by_hash.len(), count);
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

    #[test]
    fn rejects_a_transaction_over_the_size_limit() {
        let p = Mempool::new(PoolConfig::default());
        let a = signer(1);
        let limit = p.config().max_tx_bytes;
        assert_eq!(limit, 128 * 1024);
        let big = tx_full(&a, 0, 100, 1, limit, U256::ZERO);
        let size = big.encoded().len();
        assert!(size > limit);
        assert_eq!(
            p.add(big, rich(0)),
            Err(PoolError::OversizedData { size, limit })
        );
        assert!(p.is_empty());
        assert_eq!(p.bytes(), 0);
        let fits = tx_full(&a, 0, 100, 1, limit - 200, U256::ZERO);
        let size = fits.encoded().len();
        assert!(size <= limit);
        p.add(fits, rich(0)).unwrap();
        assert_eq!(p.bytes(), size);
    }

    #[test]
    fn limits_the_bytes_one_sender_may_pool() {
        let (a, b) = (signer(1), signer(2));
        let one = tx_full(&a, 0, 100, 1, 1_000, U256::ZERO).encoded().len();
        let p = Mempool::new(PoolConfig {
            max_sender_bytes: 3 * one + one / 2,
            ..Default::default()
        });
        for n in 0..3 {
            p.add(tx_full(&a, n, 100, 1, 1_000, U256::ZERO), rich(0))
                .unwrap();
        }
        assert!(matches!(
            p.add(tx_full(&a, 3, 100, 1, 1_000, U256::ZERO), rich(0)),
            Err(PoolError::SenderBytesLimit { .. })
        ));
        // A replacement is counted instead of the transaction it replaces: one of the same size fits, a
        // bigger one does not.
        p.add(tx_full(&a, 2, 200, 2, 1_000, U256::ZERO), rich(0))
            .unwrap();
        assert!(matches!(
            p.add(tx_full(&a, 2, 400, 4, 2_000, U256::ZERO), rich(0)),
            Err(PoolError::SenderBytesLimit { .. })
        ));
        // Other senders have their own allowance.
        p.add(tx_full(&b, 0, 100, 1, 1_000, U256::ZERO), rich(0))
            .unwrap();
        // Executed transactions free the sender's allowance.
        p.remove_executed(&[(a.address(), 0)]);
        p.add(tx_full(&a, 3, 100, 1, 1_000, U256::ZERO), rich(1))
            .unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p.bytes(), pooled_bytes(&p));
    }

    #[test]
    fn refuses_transactions_once_the_pool_bytes_are_used_up() {
        let (a, b, c) = (signer(1), signer(2), signer(3));
        let one = tx_full(&a, 0, 100, 1, 1_000, U256::ZERO).encoded().len();
        let max_pool_bytes = 2 * one + one / 2;
        let p = Mempool::new(PoolConfig {
            max_pool_bytes,
            ..Default::default()
        });
        p.add(tx_full(&a, 0, 100, 1, 1_000, U256::ZERO), rich(0))
            .unwrap();
        p.add(tx_full(&b, 0, 100, 1, 1_000, U256::ZERO), rich(0))
            .unwrap();
        // Full: refused, for a new sender and for one already pooled alike (nothing is evicted).
        assert_eq!(
            p.add(tx_full(&c, 0, 100, 1, 1_000, U256::ZERO), rich(0)),
            Err(PoolError::PoolFull)
        );
        assert_eq!(
            p.add(tx_full(&a, 1, 100, 1, 1_000, U256::ZERO), rich(0)),
            Err(PoolError::PoolFull)
        );
        // A small transaction still fits in what is left.
        p.add(tx(&c, 0, 100, 1), rich(0)).unwrap();
        assert!(p.bytes() <= max_pool_bytes);
        assert_eq!(p.bytes(), pooled_bytes(&p));
        // Executed transactions make room.
        p.remove_executed(&[(a.address(), 0)]);
        p.add(tx_full(&a, 1, 100, 1, 1_000, U256::ZERO), rich(1))
            .unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p.bytes(), pooled_bytes(&p));
    }

    #[test]
    fn a_flood_from_one_account_cannot_grow_the_pool_past_its_bytes() {
        let a = signer(1);
        // Small transactions, far more than the pool's bytes allow (but within its count and nonce limits).
        let max_pool_bytes = 64 * 1024;
        let p = Mempool::new(PoolConfig {
            max_pool_bytes,
            ..Default::default()
        });
        let mut refused = 0;
        for n in 0..200 {
            match p.add(tx_full(&a, n, 100, 1, 4_000, U256::ZERO), rich(0)) {
                Ok(_) => {}
                Err(PoolError::PoolFull) => refused += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
            assert!(p.bytes() <= max_pool_bytes, "{} bytes", p.bytes());
        }
        assert!(refused > 150, "{refused}");
        assert_eq!(p.bytes(), pooled_bytes(&p));

        // With the defaults, one account sending the largest transactions stops at its own allowance.
        let p = Mempool::new(PoolConfig::default());
        let data = p.config().max_tx_bytes - 200;
        let max_sender_bytes = p.config().max_sender_bytes;
        let mut refused = 0;
        for n in 0..64 {
            match p.add(tx_full(&a, n, 100, 1, data, U256::ZERO), rich(0)) {
                Ok(_) => {}
                Err(PoolError::SenderBytesLimit { .. }) => refused += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
            assert!(p.bytes() <= max_sender_bytes, "{} bytes", p.bytes());
        }
        assert!(refused > 0);
        assert_eq!(p.bytes(), pooled_bytes(&p));
    }

    #[test]
    fn a_senders_pooled_transactions_must_be_affordable_together() {
        let p = Mempool::new(PoolConfig::default());
        let a = signer(1);
        let value = U256::from(1_000u64);
        let cost = U256::from(21_000u64 * 100) + value;
        let slack = U256::from(300_000u64);
        let state = |nonce| AdmissionState {
            nonce,
            balance: cost * U256::from(3u64) + slack,
            base_fee: 10,
        };
        for n in 0..3 {
            p.add(tx_full(&a, n, 100, 1, 0, value), state(0)).unwrap();
        }
        // A fourth is over the balance, with or without a nonce gap (a gapped one would never pay).
        assert_eq!(
            p.add(tx_full(&a, 3, 100, 1, 0, value), state(0)),
            Err(PoolError::InsufficientFundsForQueue {
                balance: state(0).balance,
                queued: cost * U256::from(3u64),
                cost,
            })
        );
        assert!(matches!(
            p.add(tx_full(&a, 7, 100, 1, 0, value), state(0)),
            Err(PoolError::InsufficientFundsForQueue { .. })
        ));
        // A replacement is counted instead of the transaction it replaces.
        assert!(matches!(
            p.add(tx_full(&a, 2, 200, 2, 0, value), state(0)),
            Err(PoolError::InsufficientFundsForQueue { .. })
        ));
        p.add(tx_full(&a, 2, 110, 1, 0, U256::ZERO), state(0))
            .unwrap();
        // Other senders are not affected, and an executed transaction no longer counts.
        p.add(tx_full(&signer(2), 0, 100, 1, 0, value), state(0))
            .unwrap();
        p.remove_executed(&[(a.address(), 0)]);
        p.add(tx_full(&a, 3, 100, 1, 0, value), state(1)).unwrap();
        assert_eq!(p.len(), 4);
        assert_totals(&p);
    }

    #[test]
    fn a_cost_that_overflows_is_not_affordable() {
        let p = pool();
        let a = signer(1);
        // gas * fee + value wraps around 2^256 to 1.
        let value = U256::MAX - U256::from(21_000u64 * 100) + U256::from(2u64);
        let r = p.add(tx_full(&a, 0, 100, 1, 0, value), rich(0));
        assert!(
            matches!(r, Err(PoolError::InsufficientFunds { .. })),
            "{r:?}"
        );
        // Each affordable alone, not together: the sum overflows.
        let max = AdmissionState {
            balance: U256::MAX,
            ..rich(0)
        };
        p.add(tx(&a, 0, 100, 1), max).unwrap();
        let value = U256::MAX - U256::from(21_000u64 * 100);
        let r = p.add(tx_full(&a, 1, 100, 1, 0, value), max);
        assert!(
            matches!(r, Err(PoolError::InsufficientFundsForQueue { .. })),
            "{r:?}"
        );
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn byte_totals_follow_every_removal() {
        let p = Mempool::new(PoolConfig {
            max_nonce_gap: 10,
            ..Default::default()
        });
        let (a, b) = (signer(1), signer(2));
        for n in 0..4 {
            p.add(
                tx_full(&a, n, 100, 1, 100 * n as usize, U256::ZERO),
                rich(0),
            )
            .unwrap();
            p.add(tx_full(&b, n, 100, 1, 50, U256::ZERO), rich(0))
                .unwrap();
        }
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        // Replacement by a bigger transaction.
        p.add(tx_full(&a, 1, 200, 2, 3_000, U256::ZERO), rich(0))
            .unwrap();
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        p.remove_executed(&[(a.address(), 1)]);
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        // An admission that sees a newer account nonce drops the sender's executed transactions.
        p.add(tx_full(&b, 5, 100, 1, 10, U256::ZERO), rich(2))
            .unwrap();
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        let b2 = p
            .best(10, 10)
            .into_iter()
            .find(|t| t.tx.sender == b.address())
            .unwrap();
        p.remove(&b2.tx.hash, false);
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        let a2 = p
            .best(10, 10)
            .into_iter()
            .find(|t| t.tx.sender == a.address())
            .unwrap();
        p.remove(&a2.tx.hash, true);
        assert_eq!(p.bytes(), pooled_bytes(&p));
        assert_totals(&p);
        p.remove_executed(&[(b.address(), 5)]);
        assert!(p.is_empty());
        assert_eq!(p.bytes(), 0);
        assert_totals(&p);
    }
}
