//! Sending the operator's L1 transactions so that they get mined: EIP-1559 fees from L1's estimate, and a
//! same-nonce replacement with higher fees whenever one waits too long (L1 fees rose, or the first price was too
//! low). Every replacement keeps the nonce, so at most one of them is ever mined; its receipt is looked up among
//! all the hashes sent.

use std::time::{Duration, Instant};

use alloy::{
    network::TransactionBuilder,
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
};
use alloy_primitives::{Address, B256, U256};

use crate::L1Error;

/// An operator transaction that L1 mined.
#[derive(Debug, Clone)]
pub struct Mined {
    /// The mined version's receipt.
    pub receipt: TransactionReceipt,
    /// Versions sent at this nonce: the first and each replacement with higher fees.
    pub versions: usize,
}

impl Mined {
    /// What L1 charged the operator: execution gas and blob gas, in wei.
    pub fn fee_wei(&self) -> u128 {
        let r = &self.receipt;
        u128::from(r.gas_used)
            .saturating_mul(r.effective_gas_price)
            .saturating_add(
                u128::from(r.blob_gas_used.unwrap_or(0))
                    .saturating_mul(r.blob_gas_price.unwrap_or(0)),
            )
    }
}

/// How the operator prices and re-prices L1 transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeePolicy {
    /// A transaction not mined after this long is replaced with higher fees.
    pub resend_after: Duration,
    /// Each replacement raises the max fee and the priority fee by this many percent (nodes require at least 10;
    /// a blob transaction's fees all double, as blob pools require).
    pub bump_percent: u64,
    /// Never offer more than this max fee per gas (wei); at the cap the last replacement just waits.
    pub max_fee_per_gas_cap: u128,
    /// Give up (the round fails and is retried from L1's state) after this long without a receipt.
    pub give_up_after: Duration,
}

impl Default for FeePolicy {
    fn default() -> Self {
        Self {
            resend_after: Duration::from_secs(30),
            bump_percent: 25,
            max_fee_per_gas_cap: 1_000_000_000_000, // 1,000 gwei
            give_up_after: Duration::from_secs(600),
        }
    }
}

/// The fees one attempt offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fees {
    max_fee: u128,
    priority: u128,
    blob: Option<u128>,
}

impl Fees {
    /// Raised by `percent` (at least by 1 wei), blob fee doubled; capped at `cap`. `None` once at the cap.
    fn bumped(self, percent: u64, cap: u128) -> Option<Self> {
        if self.max_fee >= cap {
            return None;
        }
        // Blob pools (geth) take a blob transaction's replacement only at twice every fee.
        let percent = if self.blob.is_some() {
            percent.max(100)
        } else {
            percent
        };
        let up = |v: u128| (v.saturating_mul(100 + u128::from(percent)) / 100).max(v + 1);
        let max_fee = up(self.max_fee).min(cap);
        Some(Self {
            max_fee,
            priority: up(self.priority).min(max_fee),
            blob: self.blob.map(|b| b.saturating_mul(2).max(b + 1)),
        })
    }

    fn apply(self, tx: &mut TransactionRequest) {
        tx.set_max_fee_per_gas(self.max_fee);
        tx.set_max_priority_fee_per_gas(self.priority);
        if let Some(b) = self.blob {
            tx.max_fee_per_blob_gas = Some(b);
        }
    }
}

/// Sends `tx` from `from` with the next nonce and waits for it to be mined, replacing it with higher fees (same
/// nonce) each time it waits [`FeePolicy::resend_after`]. Returns whichever version was mined, and how many were sent;
/// fails if that one reverted, or after [`FeePolicy::give_up_after`].
pub async fn send_with_fee_bumps<P: Provider>(
    provider: &P,
    from: Address,
    mut tx: TransactionRequest,
    policy: &FeePolicy,
    poll: Duration,
) -> Result<Mined, L1Error> {
    let nonce = provider.get_transaction_count(from).pending().await?;
    tx.from = Some(from);
    tx.nonce = Some(nonce);
    if tx.gas.is_none() {
        tx.gas = Some(provider.estimate_gas(tx.clone()).await?);
    }
    let estimate = provider.estimate_eip1559_fees().await?;
    let fees = Fees {
        max_fee: estimate.max_fee_per_gas.min(policy.max_fee_per_gas_cap),
        priority: estimate
            .max_priority_fee_per_gas
            .min(estimate.max_fee_per_gas),
        blob: tx.max_fee_per_blob_gas,
    };
    send_and_bump(provider, from, nonce, tx, fees, policy, poll).await
}

/// The send → wait → replace loop for `tx` at `nonce`, starting at `fees`.
async fn send_and_bump<P: Provider>(
    provider: &P,
    from: Address,
    nonce: u64,
    mut tx: TransactionRequest,
    mut fees: Fees,
    policy: &FeePolicy,
    poll: Duration,
) -> Result<Mined, L1Error> {
    let started = Instant::now();
    let mut sent: Vec<B256> = Vec::new();
    loop {
        fees.apply(&mut tx);
        match provider.send_transaction(tx.clone()).await {
            Ok(pending) => {
                let hash = *pending.tx_hash();
                if !sent.is_empty() {
                    tracing::warn!(%hash, nonce, max_fee = fees.max_fee, "L1 transaction not mined: replaced with higher fees");
                }
                sent.push(hash);
            }
            // A version already mined ("nonce too low"), or a replacement refused: the receipts tell.
            Err(e) if !sent.is_empty() => {
                tracing::warn!(error = %e, nonce, "L1 replacement not accepted")
            }
            Err(e) => return Err(e.into()),
        }
        let attempt = Instant::now();
        while attempt.elapsed() < policy.resend_after {
            if let Some(receipt) = mined_version(provider, &sent).await? {
                let versions = sent.len();
                return Ok(Mined { receipt, versions });
            }
            if started.elapsed() > policy.give_up_after {
                return Err(L1Error::Unexpected(format!(
                    "no receipt for nonce {nonce} after {:?} ({} versions sent)",
                    policy.give_up_after,
                    sent.len()
                )));
            }
            if provider.get_transaction_count(from).latest().await? > nonce {
                // Mined, but the node has not indexed the receipt yet, or another sender used the nonce: look
                // once more, then fail the round (it restarts from L1's counters).
                tokio::time::sleep(poll).await;
                let versions = sent.len();
                return mined_version(provider, &sent)
                    .await?
                    .map(|receipt| Mined { receipt, versions })
                    .ok_or_else(|| {
                        L1Error::Unexpected(format!(
                            "nonce {nonce} was used by a transaction this sender did not send"
                        ))
                    });
            }
            tokio::time::sleep(poll).await;
        }
        if let Some(next) = fees.bumped(policy.bump_percent, policy.max_fee_per_gas_cap) {
            fees = next;
        }
    }
}

/// The receipt of whichever of the `sent` versions was mined, if one was; an error if it reverted.
async fn mined_version<P: Provider>(
    provider: &P,
    sent: &[B256],
) -> Result<Option<TransactionReceipt>, L1Error> {
    for hash in sent {
        if let Some(receipt) = provider.get_transaction_receipt(*hash).await? {
            if !receipt.status() {
                return Err(L1Error::Reverted(receipt.transaction_hash));
            }
            return Ok(Some(receipt));
        }
    }
    Ok(None)
}

/// Replaces the operator's oldest pending transaction (e.g. one left by a crashed process, whose content is
/// unknown) with a 0-value transfer to itself at twice L1's current fees (bumped further while it waits), so that
/// the nonce gets used and the sender can go on from L1's counters.
pub async fn cancel_stuck<P: Provider>(
    provider: &P,
    from: Address,
    policy: &FeePolicy,
    poll: Duration,
) -> Result<Mined, L1Error> {
    let nonce = provider.get_transaction_count(from).latest().await?;
    let estimate = provider.estimate_eip1559_fees().await?;
    let fees = Fees {
        max_fee: estimate
            .max_fee_per_gas
            .saturating_mul(2)
            .min(policy.max_fee_per_gas_cap),
        priority: estimate
            .max_priority_fee_per_gas
            .saturating_mul(2)
            .max(1)
            .min(policy.max_fee_per_gas_cap),
        blob: None,
    };
    let mut tx = TransactionRequest::default()
        .with_to(from)
        .with_value(U256::ZERO)
        .with_gas_limit(21_000);
    tx.from = Some(from);
    tx.nonce = Some(nonce);
    send_and_bump(provider, from, nonce, tx, fees, policy, poll).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_raise_every_fee_and_stop_at_the_cap() {
        let f = Fees {
            max_fee: 100,
            priority: 10,
            blob: Some(3),
        };
        let plain = Fees { blob: None, ..f };
        let b = plain.bumped(25, 1_000).unwrap();
        assert_eq!((b.max_fee, b.priority, b.blob), (125, 12, None));
        // A blob transaction: every fee doubles.
        let b = f.bumped(25, 1_000).unwrap();
        assert_eq!(
            b,
            Fees {
                max_fee: 200,
                priority: 20,
                blob: Some(6)
            }
        );
        // Tiny values still rise by at least 1 wei.
        let t = Fees {
            max_fee: 1,
            priority: 0,
            blob: None,
        }
        .bumped(25, 1_000)
        .unwrap();
        assert_eq!((t.max_fee, t.priority), (2, 1));
        // The cap is reached, then no more bumps.
        let c = plain.bumped(25, 110).unwrap();
        assert_eq!(c.max_fee, 110);
        assert!(c.bumped(25, 110).is_none());
    }
}
