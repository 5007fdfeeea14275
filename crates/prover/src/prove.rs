//! Proving a batch witness with the batch guest, and verifying a batch proof against a public input.

use std::time::Instant;

use alloy_primitives::{B256, hex};
use ferrum_batch::MAX_WITNESS_BYTES;
use ferrum_zkvm::{
    ExecConfig, MAX_SEGMENT_CYCLES, PRODUCTION, ProofFile, SegmentProgress, execute,
    prove_segments_with_progress,
};

use crate::{BatchGuest, ProverError};

/// Default cycles per segment: 100 ETH transfers prove in 102 s at 2^20 against 123 s at 2^19 (fewer segments, so
/// fewer commitments of the guest's 2^19-row ROM), for 4.3 GB of peak memory instead of 3.3 GB (README).
pub const DEFAULT_SEGMENT_CYCLES: u64 = 1 << 20;
/// Default bound on a batch guest's run (about 6 hours of proving at 100 kHz).
pub const DEFAULT_MAX_CYCLES: u64 = 1 << 31;

/// How to prove.
#[derive(Clone, Copy, Debug)]
pub struct ProveOptions {
    /// Cycles per segment (1 to 2^22).
    pub segment_cycles: u64,
    /// A run longer than this is refused.
    pub max_cycles: u64,
}

impl Default for ProveOptions {
    fn default() -> Self {
        Self {
            segment_cycles: DEFAULT_SEGMENT_CYCLES,
            max_cycles: DEFAULT_MAX_CYCLES,
        }
    }
}

/// A batch's proof and what making it took.
#[derive(Clone, Debug)]
pub struct BatchProof {
    /// The proof file ([`ProofFile`] bytes): the guest's claim (exit code 0, the public input) and its segment proofs.
    pub bytes: Vec<u8>,
    /// The public input it proves.
    pub public_input: B256,
    /// Cycles of the guest's run.
    pub cycles: u64,
    /// Segments proven.
    pub segments: usize,
    /// Seconds spent proving (the run before it included).
    pub seconds: f64,
}

/// The guest's input for a witness: a length word, then the bytes packed little-endian into words (what the
/// guest runtime's `read_bytes` reads).
///
/// # Errors
/// [`ProverError::WitnessTooLarge`] above the witness format's limit.
pub fn witness_input(witness: &[u8]) -> Result<Vec<u32>, ProverError> {
    if witness.len() > MAX_WITNESS_BYTES {
        return Err(ProverError::WitnessTooLarge {
            bytes: witness.len(),
            max: MAX_WITNESS_BYTES,
        });
    }
    // Below 2^32 by MAX_WITNESS_BYTES.
    Ok(ferrum_zkvm::input_bytes(witness))
}

/// The guest's output words for a public input (as `commit_bytes` packs it).
pub fn public_input_words(public_input: &B256) -> Vec<u32> {
    public_input
        .chunks(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Runs the guest on `witness` (a quick run without a trace: the public input, the cycle count, and a fast
/// refusal of a false witness), then proves the run in segments with the production parameters; `progress`
/// hears of every proven segment (with the run's total cycles) and stops the proof by returning `false`.
///
/// # Errors
/// [`ProverError::Prove`] when the guest fails on the witness (false, incomplete, malformed) or the run cannot
/// be proven; [`ProverError::WrongClaim`] when it stops with a non-zero exit code or commits something other
/// than 32 bytes.
pub fn prove_batch(
    guest: &BatchGuest,
    witness: &[u8],
    options: &ProveOptions,
    progress: &mut dyn FnMut(u64, SegmentProgress) -> bool,
) -> Result<BatchProof, ProverError> {
    let start = Instant::now();
    let input = witness_input(witness)?;
    if !(1..=MAX_SEGMENT_CYCLES).contains(&options.segment_cycles) {
        return Err(ProverError::Prove(ferrum_zkvm::ProveError::TooManyCycles {
            cycles: options.segment_cycles,
            max: MAX_SEGMENT_CYCLES,
        }));
    }
    let run = execute(
        guest.program(),
        &input,
        &ExecConfig {
            max_cycles: options.max_cycles,
            trace: false,
        },
    )
    .map_err(|e| ProverError::Prove(e.into()))?;
    let public_input = claimed_input(run.exit_code, &run.output)?;
    let (claim, segments) = prove_segments_with_progress(
        guest.program(),
        &input,
        options.segment_cycles,
        options.max_cycles,
        &PRODUCTION,
        &mut |p| progress(run.cycles, p),
    )?;
    let count = segments.len();
    let bytes = ProofFile { claim, segments }.encode(guest.program());
    Ok(BatchProof {
        bytes,
        public_input,
        cycles: run.cycles,
        segments: count,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The public input a run with `exit_code` and `output` proves.
fn claimed_input(exit_code: u32, output: &[u32]) -> Result<B256, ProverError> {
    let bytes: Vec<u8> = output.iter().flat_map(|w| w.to_le_bytes()).collect();
    if exit_code != 0 || bytes.len() != 32 {
        return Err(ProverError::WrongClaim {
            exit_code,
            output: hex::encode(&bytes),
            expected: B256::ZERO,
        });
    }
    Ok(B256::from_slice(&bytes))
}

/// Verifies a batch proof file: its segments against the guest (production parameters), linked, and proving
/// that the guest halted with exit code 0 after committing exactly `public_input`.
///
/// # Errors
/// [`ProverError::Verify`] for a malformed or invalid proof (tampered, or made with another guest);
/// [`ProverError::WrongClaim`] for a valid proof of another public input (another batch).
pub fn verify_batch(
    guest: &BatchGuest,
    proof: &[u8],
    public_input: &B256,
) -> Result<(), ProverError> {
    let file = ProofFile::decode(proof, guest.program())?;
    // The claim first: it is cheap, and a proof of another batch needs no STARK check to be refused.
    if file.claim.exit_code != 0 || file.claim.output != public_input_words(public_input) {
        let bytes: Vec<u8> = file
            .claim
            .output
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect();
        return Err(ProverError::WrongClaim {
            exit_code: file.claim.exit_code,
            output: hex::encode(bytes),
            expected: *public_input,
        });
    }
    file.verify(guest.program(), &PRODUCTION)?;
    Ok(())
}
