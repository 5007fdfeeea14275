use alloy::{contract, transports::TransportError};
use alloy_primitives::B256;

/// What can go wrong talking to L1.
#[derive(Debug, thiserror::Error)]
pub enum L1Error {
    /// The L1 node could not be reached or answered with an error.
    #[error("L1 transport: {0}")]
    Transport(#[from] TransportError),
    /// A contract call or deployment failed (revert, bad ABI data, transport).
    #[error("L1 contract call: {0}")]
    Contract(#[from] contract::Error),
    /// Waiting for a receipt failed.
    #[error("L1 receipt: {0}")]
    PendingTx(#[from] alloy::providers::PendingTransactionError),
    /// A transaction was mined but reverted.
    #[error("L1 transaction {0} reverted")]
    Reverted(B256),
    /// A deployment transaction was mined without creating a contract.
    #[error("L1 deployment {0} created no contract")]
    NoContract(B256),
    /// The local store failed or lacks a batch.
    #[error("local store: {0}")]
    Local(String),
    /// The L2 genesis could not be built for this deployment.
    #[error("L2 genesis: {0}")]
    Genesis(String),
    /// L1 state is not what the deployment expects (e.g. the chain was not registered).
    #[error("L1 state: {0}")]
    Unexpected(String),
}
