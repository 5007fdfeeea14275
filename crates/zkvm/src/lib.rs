//! # ferrum-zkvm
//!
//! Ferrum's RISC-V zkVM: it runs an RV32IM ELF (the state transition function compiled for
//! `riscv32im`) and proves the run with a STARK over BabyBear (Plonky3).
//!
//! Flow: [`Program::from_elf`] loads and decodes the ELF; [`execute`] runs it to the halt
//! syscall and, with [`ExecConfig::trace`], records one [`Step`] per cycle; [`prove`] turns
//! the trace into a proof whose public values are the exit code and the committed output;
//! [`verify`] checks such a proof against the ELF. Long runs are proved in segments
//! (continuations) with [`prove_segments`] and checked, linked, with [`verify_segments`].
//!
//! Security parameters are named consts: [`PRODUCTION`] (116 conjectured bits) and
//! [`FAST_TEST`] (tests only). Guest programs are built from `guest/` by `scripts/build-guest`;
//! [`asm`] assembles small programs without a RISC-V toolchain.
//!
//! ```no_run
//! use ferrum_zkvm::{ExecConfig, Program, execute};
//! let elf = std::fs::read("guest.elf").unwrap();
//! let program = Program::from_elf(&elf).unwrap();
//! let run = execute(&program, &[], &ExecConfig::default()).unwrap();
//! assert_eq!(run.exit_code, 0);
//! ```
//!
//! See `docs/zkvm.md` for the syscall ABI, the trace layout, the AIRs and the parameters.

pub mod asm;
mod elf;
mod error;
mod executor;
mod isa;
mod precompile;
mod proof_file;
mod prover;

pub use elf::{ElfProgram, Segment};
pub use error::{ElfError, ExecError, ProveError, VerifyError};
pub use executor::{
    Chip, ChipCall, CodeWord, ExecConfig, Execution, MAX_ADDRESS, MAX_PENDING_HINT_WORDS,
    MemAccess, PAGE_SIZE, Program, Step, execute, input_bytes, syscall,
};
pub use isa::{DecodeError, Instruction, Op, decode};
pub use precompile::{
    BLAKE2S_WORDS, KECCAK_WORDS, SECP256K1_ADD_WORDS, SECP256K1_DOUBLE_WORDS,
    SECP256K1_POINT_WORDS, hint,
};
pub use proof_file::{PROOF_FILE_MAGIC, PROOF_FILE_VERSION, ProofFile};
pub use prover::{
    CHALLENGE_FIELD_BITS, CPU_COLUMNS, Challenge, Claim, FAST_TEST, MAX_KECCAK_CALLS,
    MAX_SECP256K1_CALLS, MAX_SEGMENT_CYCLES, PRODUCTION, Poseidon2Config, Poseidon2Perm, Proof,
    ProofHash, ProofStats, ProofTable, SecurityParams, SegmentProgress, SegmentProof, StarkView,
    TableStats, Val, poseidon2_config, prove, prove_segments, prove_segments_with_progress,
    stark_view, verify, verify_segments,
};
