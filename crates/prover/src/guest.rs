//! The batch guest: the RV32IM ELF the prover runs and the verifier checks proofs against.

use alloy_primitives::{B256, keccak256};
use ferrum_zkvm::Program;

use crate::ProverError;

/// The batch guest built from `guest/batch` by `scripts/build-guest batch crates/prover/guest/batch.elf`.
pub const BATCH_GUEST_ELF: &[u8] = include_bytes!("../guest/batch.elf");

/// A loaded batch guest and its identity.
#[derive(Debug)]
pub struct BatchGuest {
    program: Program,
    id: B256,
}

impl BatchGuest {
    /// Loads the guest from an ELF.
    ///
    /// # Errors
    /// [`ProverError::Guest`] when the ELF does not load.
    pub fn from_elf(elf: &[u8]) -> Result<Self, ProverError> {
        Ok(Self {
            program: Program::from_elf(elf).map_err(|e| ProverError::Guest(e.to_string()))?,
            id: guest_id(elf),
        })
    }

    /// The guest this build of Ferrum embeds ([`BATCH_GUEST_ELF`]).
    ///
    /// # Errors
    /// [`ProverError::Guest`] when the embedded ELF does not load (a broken build).
    pub fn embedded() -> Result<Self, ProverError> {
        Self::from_elf(BATCH_GUEST_ELF)
    }

    /// The guest's identity: keccak256 of its ELF. A chain pins it; a proof verifies only against its guest.
    pub const fn id(&self) -> B256 {
        self.id
    }

    /// The loaded program.
    pub const fn program(&self) -> &Program {
        &self.program
    }
}

/// keccak256 of an ELF: the identity of the guest it holds.
pub fn guest_id(elf: &[u8]) -> B256 {
    keccak256(elf)
}
