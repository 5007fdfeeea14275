//! Sequencer errors.

use ferrum_state::StoreError;

/// A failure that stops block production (the node must not continue on a broken state).
#[derive(Debug, thiserror::Error)]
pub enum SequencerError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The STF failed on the sequencer's own block.
    #[error("state transition: {0}")]
    Stf(String),
    /// The stored chain is inconsistent.
    #[error("inconsistent chain data: {0}")]
    Inconsistent(String),
}
