//! STF errors.

use alloc::string::String;

/// Why a transaction cannot be included (it leaves no trace in the block).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTx {
    /// The nonce is below the account's nonce.
    #[error("nonce too low: next nonce {state}, tx nonce {tx}")]
    NonceTooLow {
        /// Account nonce.
        state: u64,
        /// Transaction nonce.
        tx: u64,
    },
    /// The nonce is above the account's nonce.
    #[error("nonce too high: next nonce {state}, tx nonce {tx}")]
    NonceTooHigh {
        /// Account nonce.
        state: u64,
        /// Transaction nonce.
        tx: u64,
    },
    /// The sender cannot pay `gas * price + value`.
    #[error("insufficient funds for gas * price + value")]
    InsufficientFunds,
    /// The fee cap is below the block's base fee.
    #[error("max fee per gas less than block base fee")]
    FeeCapTooLow,
    /// The gas limit is below the intrinsic gas.
    #[error("intrinsic gas too low")]
    IntrinsicGasTooLow,
    /// The transaction's gas limit exceeds what the block has left.
    #[error("exceeds block gas limit")]
    GasLimitExceedsBlock,
    /// The block already holds [`crate::MAX_BLOCK_TXS`] transactions.
    #[error("block is full")]
    BlockFull,
    /// The transaction's chain id is not this chain's.
    #[error("invalid chain id")]
    InvalidChainId,
    /// The sender has code (EIP-3607).
    #[error("sender not an eoa")]
    SenderNotEoa,
    /// Any other validation failure reported by the EVM.
    #[error("invalid transaction: {0}")]
    Other(String),
}

/// A failure of the block itself or of the oracle (not of a user transaction: a reverted
/// transaction is a receipt).
#[derive(Debug, thiserror::Error)]
pub enum StfError<E> {
    /// The state oracle failed.
    #[error("state oracle: {0}")]
    Oracle(E),
    /// The state tree failed.
    #[error("state tree: {0}")]
    Tree(String),
    /// A transaction in a block being replayed is invalid.
    #[error("transaction {index} is invalid: {reason}")]
    InvalidTransaction {
        /// Position in the block.
        index: usize,
        /// Why.
        reason: InvalidTx,
    },
    /// The EVM failed for a reason that is not the transaction's fault.
    #[error("evm: {0}")]
    Evm(String),
}
