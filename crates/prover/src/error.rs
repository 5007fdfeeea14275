//! Prover errors.

/// Proving or verifying a batch failed.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// The guest ELF does not load.
    #[error("batch guest: {0}")]
    Guest(String),
    /// The witness is larger than the guest reads.
    #[error("batch witness of {bytes} bytes is over the limit of {max}")]
    WitnessTooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The guest's run failed or could not be proven (a false or incomplete witness stops the guest).
    #[error("proving: {0}")]
    Prove(#[from] ferrum_zkvm::ProveError),
    /// The proof does not verify against the guest.
    #[error("proof rejected: {0}")]
    Verify(#[from] ferrum_zkvm::VerifyError),
    /// The proof verifies but proves something else than the batch's public input.
    #[error(
        "proof rejected: it proves exit code {exit_code} and output {output}, not the batch public input {expected}"
    )]
    WrongClaim {
        /// The proven exit code.
        exit_code: u32,
        /// The proven output (hex).
        output: String,
        /// The public input it had to prove.
        expected: alloy_primitives::B256,
    },
    /// The proof job queue failed.
    #[error("proof queue: {0}")]
    Queue(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] ferrum_state::StoreError),
    /// The sequencer's records could not give a batch's witness.
    #[error("witness: {0}")]
    Witness(String),
}
