//! Proving and verifying runs with Plonky3 (`p3-batch-stark` + LogUp from `p3-lookup`).
//!
//! Field BabyBear (p = 2^31 - 2^27 + 1), challenges in its degree-4 extension, Poseidon2
//! (width 24 sponge for Merkle leaves, width 16 for compression and Fiat-Shamir), FRI as the
//! polynomial commitment.

mod air;
mod columns;
mod trace;

use std::panic::{AssertUnwindSafe, catch_unwind};

use p3_air::BaseAir;
use p3_baby_bear::{
    BabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16, default_babybear_poseidon2_24,
};
use p3_batch_stark::{BatchProof, ProverData, StarkInstance, prove_batch, verify_batch};
use p3_challenger::DuplexChallenger;
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DitParallel;
use p3_field::extension::BinomialExtensionField;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_matrix::Matrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkConfig;

use self::air::{CPU_PUBLIC_VALUES, ZkvmAir};
use crate::error::{ProveError, VerifyError};
use crate::executor::{ExecConfig, Program, execute};

/// Main-trace columns of the CPU table (base-field cells per cycle, before the LogUp columns).
pub const CPU_COLUMNS: usize = columns::CPU_WIDTH;

fn log2_strict(n: usize) -> usize {
    n.trailing_zeros() as usize
}

type Val = BabyBear;
type Challenge = BinomialExtensionField<Val, 4>;
type Perm = Poseidon2BabyBear<16>;
/// Leaf hashing: width-24 Poseidon2 sponge absorbing 16 elements per permutation.
type HashPerm = Poseidon2BabyBear<24>;
type Hash = PaddingFreeSponge<HashPerm, 24, 16, 8>;
type Compress = TruncatedPermutation<Perm, 2, 8, 16>;
type ValMmcs =
    MerkleTreeMmcs<<Val as Field>::Packing, <Val as Field>::Packing, Hash, Compress, 2, 8>;
type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
type Challenger = DuplexChallenger<Val, Perm, 16, 8>;
type Dft = Radix2DitParallel<Val>;
type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
type Config = StarkConfig<Pcs, Challenge, Challenger>;

/// Longest run one proof covers (the memory argument's timestamp gaps are 24-bit).
pub const MAX_SEGMENT_CYCLES: u64 = 1 << 22;

/// Bits of security of the challenge field (BabyBear^4 has about 2^124 elements).
pub const CHALLENGE_FIELD_BITS: usize = 124;

/// FRI / STARK parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityParams {
    /// log2 of the FRI blowup (rate = 2^-log_blowup). At least 1: the AIRs have degree-3 constraints.
    pub log_blowup: usize,
    /// Number of FRI queries.
    pub num_queries: usize,
    /// Proof-of-work bits before the FRI commit phase.
    pub commit_pow_bits: usize,
    /// Proof-of-work bits before the queries.
    pub query_pow_bits: usize,
    /// log2 of FRI's folding arity (at most).
    pub max_log_arity: usize,
    /// log2 of the length of FRI's final polynomial.
    pub log_final_poly_len: usize,
}

impl SecurityParams {
    /// Conjectured security in bits (ethSTARK conjecture: `log_blowup * num_queries` from FRI's
    /// queries plus the grinding bits, capped by the challenge field).
    pub const fn conjectured_security_bits(&self) -> usize {
        let bits = self.log_blowup * self.num_queries + self.query_pow_bits;
        if bits < CHALLENGE_FIELD_BITS {
            bits
        } else {
            CHALLENGE_FIELD_BITS
        }
    }
}

/// Production parameters: rate 1/2, 100 queries, 16 bits of grinding: 116 conjectured bits.
pub const PRODUCTION: SecurityParams = SecurityParams {
    log_blowup: 1,
    num_queries: 100,
    commit_pow_bits: 0,
    query_pow_bits: 16,
    max_log_arity: 1,
    log_final_poly_len: 0,
};

/// Fast parameters for tests: 16 queries at rate 1/2 (16 conjectured bits). Not secure.
pub const FAST_TEST: SecurityParams = SecurityParams {
    log_blowup: 1,
    num_queries: 16,
    commit_pow_bits: 0,
    query_pow_bits: 0,
    max_log_arity: 1,
    log_final_poly_len: 0,
};

fn config(p: &SecurityParams) -> Config {
    let perm = default_babybear_poseidon2_16();
    let hash = Hash::new(default_babybear_poseidon2_24());
    let compress = Compress::new(perm.clone());
    let val_mmcs = ValMmcs::new(hash, compress, 0);
    let fri = FriParameters {
        log_blowup: p.log_blowup,
        log_final_poly_len: p.log_final_poly_len,
        max_log_arity: p.max_log_arity,
        num_queries: p.num_queries,
        batch_proof_of_work_bits: 0,
        commit_proof_of_work_bits: p.commit_pow_bits,
        query_proof_of_work_bits: p.query_pow_bits,
        mmcs: ChallengeMmcs::new(val_mmcs.clone()),
    };
    let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
    Config::new(pcs, Challenger::new(perm))
}

/// What a proof claims: the program (given to the verifier as its ELF) halted with
/// `exit_code` after committing `output`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// `a0` at the halt syscall.
    pub exit_code: u32,
    /// Words committed with the commit syscall, in order.
    pub output: Vec<u32>,
}

/// A proof of one run (postcard-encoded Plonky3 batch proof).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The encoded proof.
    pub bytes: Vec<u8>,
}

/// Figures of one proving run.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProofStats {
    /// Cycles executed.
    pub cycles: u64,
    /// Rows of the CPU table (a power of two).
    pub cpu_rows: usize,
    /// Rows of the memory boundary table.
    pub boundary_rows: usize,
    /// Rows of the ROM table.
    pub rom_rows: usize,
    /// Main-trace cells over all tables.
    pub main_cells: usize,
    /// Main-trace columns of each table, in proof order (CPU, ROM, bytes, boundary, image, io, bitwise, mul).
    pub main_widths: [usize; 8],
    /// LogUp auxiliary columns (extension-field, 4 base cells each) of each table, same order.
    pub aux_widths: [usize; 8],
}

/// The tables of a program, in proof order: CPU, ROM, bytes, boundary, image, io, bitwise, mul.
fn airs(program: &Program, output: &[u32]) -> Vec<ZkvmAir> {
    let mut airs = vec![
        ZkvmAir::Cpu,
        ZkvmAir::Rom(trace::shared(trace::rom_table(program))),
        ZkvmAir::Bytes(trace::shared(trace::byte_table())),
        ZkvmAir::Boundary,
        ZkvmAir::Image(trace::shared(trace::image_table(program))),
        ZkvmAir::Io(trace::shared(trace::io_table(output))),
    ];
    airs.push(ZkvmAir::Bitwise);
    airs.push(ZkvmAir::Mul);
    airs
}

fn public_values(entry: u32, exit_code: u32, tables: usize) -> Vec<Vec<Val>> {
    let mut cpu = Vec::with_capacity(CPU_PUBLIC_VALUES);
    cpu.push(Val::from_u32(entry));
    cpu.extend(exit_code.to_le_bytes().map(|b| Val::from_u32(u32::from(b))));
    let mut pvs = vec![vec![]; tables];
    pvs[0] = cpu;
    pvs
}

/// Runs `program` on `input` and proves the run.
///
/// # Errors
/// [`ProveError`] when the run fails, is longer than [`MAX_SEGMENT_CYCLES`], or executes an
/// instruction the v1 AIR does not support (shifts and the M extension): no proof is made then.
pub fn prove(
    program: &Program,
    input: &[u32],
    params: &SecurityParams,
) -> Result<(Claim, Proof, ProofStats), ProveError> {
    prove_with(program, input, params, &mut |_| {})
}

/// [`prove`] with a hook that may change the traces before they are committed (soundness tests).
fn prove_with(
    program: &Program,
    input: &[u32],
    params: &SecurityParams,
    tamper: &mut dyn FnMut(&mut trace::MainTraces),
) -> Result<(Claim, Proof, ProofStats), ProveError> {
    let run = execute(
        program,
        input,
        &ExecConfig {
            max_cycles: MAX_SEGMENT_CYCLES + 1,
            trace: true,
        },
    )
    .map_err(|e| match e {
        crate::ExecError::CycleLimit { .. } => ProveError::TooManyCycles {
            cycles: MAX_SEGMENT_CYCLES + 1,
            max: MAX_SEGMENT_CYCLES,
        },
        e => ProveError::Exec(e),
    })?;
    let claim = Claim {
        exit_code: run.exit_code,
        output: run.output.clone(),
    };
    let airs = airs(program, &run.output);
    let height_of = |a: &ZkvmAir| match a {
        ZkvmAir::Rom(m) | ZkvmAir::Image(m) | ZkvmAir::Io(m) | ZkvmAir::Bytes(m) => m.height(),
        _ => 0,
    };
    let traces = trace::generate(
        program,
        &run.trace,
        height_of(&airs[1]),
        height_of(&airs[4]),
        height_of(&airs[5]),
    )?;
    let mut traces = traces;
    tamper(&mut traces);
    let mats: Vec<&p3_matrix::dense::RowMajorMatrix<Val>> = airs
        .iter()
        .map(|a| match a {
            ZkvmAir::Cpu => &traces.cpu,
            ZkvmAir::Rom(_) => &traces.rom,
            ZkvmAir::Bytes(_) => &traces.bytes,
            ZkvmAir::Bitwise => &traces.bitwise,
            ZkvmAir::Mul => &traces.mul,
            ZkvmAir::Boundary => &traces.boundary,
            ZkvmAir::Image(_) => &traces.image,
            ZkvmAir::Io(_) => &traces.io,
        })
        .collect();
    let stats = ProofStats {
        cycles: run.cycles,
        cpu_rows: traces.cpu.height(),
        boundary_rows: traces.boundary.height(),
        rom_rows: traces.rom.height(),
        main_cells: mats.iter().map(|m| m.values.len()).sum(),
        main_widths: [0; 8],
        aux_widths: [0; 8],
    };
    let pvs = public_values(program.entry, run.exit_code, airs.len());
    let instances: Vec<StarkInstance<'_, Config, ZkvmAir>> = airs
        .iter()
        .zip(mats)
        .zip(&pvs)
        .map(|((air, trace), pv)| StarkInstance {
            air,
            trace,
            public_values: pv.clone(),
        })
        .collect();
    let config = config(params);
    let proof = catch_unwind(AssertUnwindSafe(|| {
        let data = ProverData::from_instances(&config, &instances).map_err(|e| format!("{e:?}"))?;
        prove_batch(&config, &instances, &data).map_err(|e| format!("{e:?}"))
    }))
    .map_err(|p| ProveError::Stark(panic_message(&p)))?
    .map_err(ProveError::Stark)?;
    let mut stats = stats;
    for (i, inst) in proof.opened_values.instances.iter().enumerate().take(8) {
        stats.aux_widths[i] = inst.permutation_local.len();
        stats.main_widths[i] = airs[i].width();
    }
    let bytes = postcard::to_allocvec(&proof).map_err(|e| ProveError::Stark(e.to_string()))?;
    Ok((claim, Proof { bytes }, stats))
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "panic".to_string())
}

/// Verifies that `program` halts with `claim` (exit code and output).
///
/// The verifier rebuilds the ROM, the initial-memory image and the output table from the ELF
/// and the claim, so a proof of another program or another output does not verify.
///
/// # Errors
/// [`VerifyError`] when the proof does not decode, has the wrong shape, or does not verify.
pub fn verify(
    program: &Program,
    claim: &Claim,
    proof: &Proof,
    params: &SecurityParams,
) -> Result<(), VerifyError> {
    let proof: BatchProof<Config> =
        postcard::from_bytes(&proof.bytes).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let airs = airs(program, &claim.output);
    if proof.degree_bits.len() != airs.len() {
        return Err(VerifyError::Shape(format!(
            "{} tables, expected {}",
            proof.degree_bits.len(),
            airs.len()
        )));
    }
    let max_bits = log2_strict(MAX_SEGMENT_CYCLES as usize);
    for (i, (air, &bits)) in airs.iter().zip(&proof.degree_bits).enumerate() {
        let ok = match air {
            ZkvmAir::Rom(m) | ZkvmAir::Bytes(m) | ZkvmAir::Image(m) | ZkvmAir::Io(m) => {
                bits == log2_strict(m.height())
            }
            ZkvmAir::Cpu => (2..=max_bits).contains(&bits),
            ZkvmAir::Boundary => (2..=max_bits + 2).contains(&bits),
            ZkvmAir::Bitwise | ZkvmAir::Mul => (2..=max_bits).contains(&bits),
        };
        if !ok {
            return Err(VerifyError::Shape(format!(
                "table {i} has degree bits {bits}"
            )));
        }
    }
    let pvs = public_values(program.entry, claim.exit_code, airs.len());
    let config = config(params);
    catch_unwind(AssertUnwindSafe(|| {
        let data = ProverData::from_airs_and_degrees(&config, &airs, &proof.degree_bits)
            .map_err(|e| VerifyError::Shape(format!("{e:?}")))?;
        verify_batch(&config, &airs, &proof, &pvs, &data.common)
            .map_err(|e| VerifyError::Stark(format!("{e:?}")))
    }))
    .map_err(|p| VerifyError::Malformed(panic_message(&p)))?
}

#[cfg(test)]
mod tests;
