//! What the operator's L1 transactions cost: counts and fees since the process started, for the node's metrics.

use std::sync::{
    Mutex,
    atomic::{AtomicU64, Ordering},
};

use crate::fees::Mined;

/// Counters of one [`crate::L1Sender`] (shared with whoever reports them).
#[derive(Debug, Default)]
pub struct SenderStats {
    transactions: AtomicU64,
    replacements: AtomicU64,
    fees_wei: Mutex<u128>,
}

/// A reading of [`SenderStats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderStatsSnapshot {
    /// Operator transactions mined (commits, proofs, executions, cancellations).
    pub transactions: u64,
    /// Replacements sent with higher fees because a version stayed unmined.
    pub replacements: u64,
    /// Fees L1 charged for them, in wei.
    pub fees_wei: u128,
}

impl SenderStats {
    /// Counts one mined transaction.
    pub fn record(&self, mined: &Mined) {
        self.transactions.fetch_add(1, Ordering::Relaxed);
        self.replacements
            .fetch_add(mined.versions.saturating_sub(1) as u64, Ordering::Relaxed);
        let mut fees = self.fees_wei.lock().unwrap_or_else(|e| e.into_inner());
        *fees = fees.saturating_add(mined.fee_wei());
    }

    /// The counters now.
    pub fn snapshot(&self) -> SenderStatsSnapshot {
        SenderStatsSnapshot {
            transactions: self.transactions.load(Ordering::Relaxed),
            replacements: self.replacements.load(Ordering::Relaxed),
            fees_wei: *self.fees_wei.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }
}
