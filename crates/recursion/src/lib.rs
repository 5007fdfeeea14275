//! Ferrum's recursion machine: the machine that will verify zkVM segment proofs inside a STARK.
//!
//! A verifier circuit is written with [`Builder`] (base- and extension-field arithmetic, the Poseidon2
//! permutation, sponge hashing, Merkle paths, bit decompositions, public values) and compiled to a [`Program`]:
//! straight-line instructions over a write-once memory. [`prove`] runs the program on an input stream and proves
//! the run with Plonky3 (`p3-batch-stark`, LogUp over one memory bus, Poseidon2 commitments); [`verify`] checks a
//! proof against the program and the public values. The program is the verifying key: its addresses, operations
//! and read counts are preprocessed columns, summarised by [`program_digest`].

mod air;
mod builder;
mod challenger;
mod constraints;
mod error;
mod execute;
mod pcs;
mod program;
mod prove;
mod stark;
mod trace;

#[cfg(test)]
mod gadget_tests;
#[cfg(test)]
mod stark_tests;
#[cfg(test)]
mod tests;

pub use builder::{BuildError, Builder, Ext, Felt};
pub use challenger::CircuitChallenger;
pub use constraints::{
    ConstraintError, OpenedRow, SymbolicConstraints, fold_constraints, selectors,
};
pub use error::{ExecError, ProveError, VerifyError};
pub use execute::{Run, execute};
pub use pcs::PcsPlanError;
pub use program::{
    Addr, AluOp, Block, Challenge, Hint, Instr, MAX_ADDRESSES, Program, Val, block_of, ext_of,
    felt_block,
};
pub use prove::{
    ProgramDigest, RecursionProof, TableShape, program_digest, proof_input, proof_shape, prove,
    shapes, verify,
};
pub use stark::{Drawn, OpenedVars, ProofVars, StarkShape};
