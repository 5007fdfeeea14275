//! Typed errors of building, running, proving and verifying recursion programs.

use crate::program::Addr;

/// Why a program did not run to the end.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExecError {
    /// The input stream ended before the program had read all it needs.
    #[error("input stream exhausted at instruction {instr}")]
    InputExhausted {
        /// The instruction.
        instr: usize,
    },
    /// Inputs were left over: the program and its input do not belong together.
    #[error("{left} input blocks left unread")]
    InputLeftOver {
        /// Blocks not read.
        left: usize,
    },
    /// A base-element input had non-zero upper coefficients.
    #[error("instruction {instr}: a base-field input has non-zero extension coefficients")]
    NotBase {
        /// The instruction.
        instr: usize,
    },
    /// An inverse of zero was asked for.
    #[error("instruction {instr}: zero has no inverse")]
    ZeroInverse {
        /// The instruction.
        instr: usize,
    },
    /// An assertion of the circuit failed: the input does not satisfy it.
    #[error("instruction {instr}: assertion failed")]
    AssertFailed {
        /// The instruction.
        instr: usize,
    },
    /// An instruction read an address no earlier instruction wrote.
    #[error("instruction {instr}: address {} read before it is written", addr.0)]
    Unwritten {
        /// The instruction.
        instr: usize,
        /// The address.
        addr: Addr,
    },
}

/// Why no proof was made.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The run failed.
    #[error(transparent)]
    Exec(#[from] ExecError),
    /// The STARK prover failed.
    #[error("stark: {0}")]
    Stark(String),
}

/// Why a proof was refused.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The proof bytes do not decode.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The proof's shape (tables, sizes, public values) is not the program's.
    #[error("proof shape: {0}")]
    Shape(String),
    /// The STARK verifier refused it.
    #[error("stark: {0}")]
    Stark(String),
}
