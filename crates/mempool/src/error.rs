//! Admission errors, worded as Ethereum clients expect (geth's messages).

/// Why a transaction was not admitted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Same hash already in the pool.
    #[error("already known")]
    AlreadyKnown,
    /// Nonce below the account's.
    #[error("nonce too low: next nonce {state}, tx nonce {tx}")]
    NonceTooLow {
        /// Account nonce.
        state: u64,
        /// Transaction nonce.
        tx: u64,
    },
    /// Nonce too far ahead of the account's.
    #[error("nonce too high: next nonce {state}, tx nonce {tx}, max gap {max_gap}")]
    NonceGapTooLarge {
        /// Account nonce.
        state: u64,
        /// Transaction nonce.
        tx: u64,
        /// Allowed gap.
        max_gap: u64,
    },
    /// Balance below `gas * fee cap + value`.
    #[error("insufficient funds for gas * price + value: balance {balance}, tx cost {cost}")]
    InsufficientFunds {
        /// Sender balance.
        balance: alloy_primitives::U256,
        /// Maximum cost of the transaction.
        cost: alloy_primitives::U256,
    },
    /// Balance below the maximum cost of the sender's pooled transactions plus this one's.
    #[error(
        "insufficient funds for gas * price + value: balance {balance}, queued cost {queued}, tx cost {cost}"
    )]
    InsufficientFundsForQueue {
        /// Sender balance.
        balance: alloy_primitives::U256,
        /// Maximum cost of the sender's other pooled transactions (a replaced one not counted).
        queued: alloy_primitives::U256,
        /// Maximum cost of the transaction.
        cost: alloy_primitives::U256,
    },
    /// The transaction's encoding is larger than the pool takes.
    #[error("oversized data: transaction size {size}, limit {limit}")]
    OversizedData {
        /// EIP-2718 encoded size in bytes.
        size: usize,
        /// Largest accepted size.
        limit: usize,
    },
    /// Fee cap below the current base fee.
    #[error("max fee per gas less than block base fee: maxFeePerGas {fee_cap}, baseFee {base_fee}")]
    FeeCapTooLow {
        /// Transaction fee cap.
        fee_cap: u128,
        /// Current base fee.
        base_fee: u64,
    },
    /// Priority fee above fee cap.
    #[error("max priority fee per gas higher than max fee per gas")]
    TipAboveFeeCap,
    /// Gas limit below intrinsic gas.
    #[error("intrinsic gas too low: have {have}, want {want}")]
    IntrinsicGasTooLow {
        /// Gas limit.
        have: u64,
        /// Intrinsic gas.
        want: u64,
    },
    /// Gas limit above the block gas limit.
    #[error("exceeds block gas limit")]
    ExceedsBlockGasLimit,
    /// Wrong or missing chain id.
    #[error("invalid chain id: expected {expected}, got {got:?}")]
    InvalidChainId {
        /// This chain's id.
        expected: u64,
        /// The transaction's (None: not replay-protected).
        got: Option<u64>,
    },
    /// Replacement without the required fee bump.
    #[error("replacement transaction underpriced")]
    ReplacementUnderpriced,
    /// The pool is at capacity (transactions or bytes).
    #[error("txpool is full")]
    PoolFull,
    /// The sender has too many pooled transactions.
    #[error("account limit exceeded: sender has {limit} pooled transactions")]
    SenderLimit {
        /// Per-sender limit.
        limit: usize,
    },
    /// The sender's pooled transactions would take more bytes than a sender may.
    #[error(
        "account limit exceeded: sender's pooled transactions would take {size} bytes, limit {limit}"
    )]
    SenderBytesLimit {
        /// Encoded bytes the sender's pooled transactions would take with this one.
        size: usize,
        /// Per-sender limit in bytes.
        limit: usize,
    },
}
