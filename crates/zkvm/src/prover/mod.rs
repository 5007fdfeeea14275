//! Proving and verifying runs with Plonky3 (`p3-batch-stark` + LogUp from `p3-lookup`).
//!
//! Field BabyBear (p = 2^31 - 2^27 + 1), challenges in its degree-4 extension, BLAKE3 Merkle
//! trees (rows serialized to bytes) and a BLAKE3 Fiat-Shamir transcript, FRI as the polynomial
//! commitment.

mod air;
mod blake2s;
mod chips;
mod columns;
mod config;
mod field;
mod secp256k1;
mod stark_view;
mod trace;

use std::panic::{AssertUnwindSafe, catch_unwind};

use p3_air::BaseAir;
use p3_batch_stark::{BatchProof, ProverData, StarkInstance, prove_batch, verify_batch};
use p3_field::PrimeCharacteristicRing;
use p3_matrix::Matrix;

use self::air::{CPU_PUBLIC_VALUES, ZkvmAir};
use crate::error::{ProveError, VerifyError};
use crate::executor::{ExecConfig, Program, execute};

/// Main-trace columns of the CPU table (base-field cells per cycle, before the LogUp columns).
pub const CPU_COLUMNS: usize = columns::CPU_WIDTH;

fn log2_strict(n: usize) -> usize {
    n.trailing_zeros() as usize
}

pub use self::config::poseidon2::{
    Config as Poseidon2Config, Perm as Poseidon2Perm, config as poseidon2_config,
};
use self::config::with_config;
pub use self::config::{Challenge, ProofHash, Val};
pub use self::stark_view::{ProofTable, StarkView, stark_view};

/// Longest run one proof covers (the memory argument's timestamp gaps are 24-bit).
pub const MAX_SEGMENT_CYCLES: u64 = 1 << 22;

/// Keccak calls one segment may make: the Keccak table (24 rows per call) stays within the 2^25 rows
/// the verifier accepts for it.
pub const MAX_KECCAK_CALLS: usize = (1 << 25) / 24;
/// Most calls of each secp256k1 chip in one segment. Each row makes ~470 range-check lookups in
/// the pair table; the cap keeps a segment's lookups into one table far below BabyBear's p (LogUp's
/// soundness assumes fewer than p): 2 · 2^19 · 467 ≈ 4.9e8, with the CPU (8 · 2^22), the boundary
/// (3 · 2^25), Keccak (~175 per call) and Blake2s ports adding under 6e8.
pub const MAX_SECP256K1_CALLS: usize = 1 << 19;

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
    /// The hash of the Merkle commitments and the transcript (a proof verifies only with the hash
    /// it was made with).
    pub hash: ProofHash,
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

/// Production parameters: rate 1/2, 100 queries, 16 bits of grinding. FRI folds by up to 8 per round (smaller
/// proofs, slightly faster than folding by 2; measured in docs/zkvm.md).
///
/// Security, for one segment of up to 2^22 cycles, whose largest table has up to 2^25 rows (see
/// [`SecurityParams::proven_security_bits`]):
/// - **116 bits conjectured** (ethSTARK's conjecture: `log_blowup × queries + grinding`);
/// - **65 bits proven** (Plonky3's `p3-security` bound: list decoding 65, unique decoding 57). More queries raise
///   it to at most 87 bits (reached at 200 queries): the terms queries do not touch (DEEP and the batching over
///   the degree-4 extension, about 2^124 elements) cap it there. 100 proven bits would need a larger challenge
///   field.
///
/// Proofs are only as strong as the conjecture; the proven bound is what holds without it.
pub const PRODUCTION: SecurityParams = SecurityParams {
    log_blowup: 1,
    num_queries: 100,
    commit_pow_bits: 0,
    query_pow_bits: 16,
    max_log_arity: 3,
    log_final_poly_len: 0,
    hash: ProofHash::Blake3,
};

impl SecurityParams {
    /// The proven security of a segment whose largest table has `2^log_rows` rows, as Plonky3's `p3-security`
    /// bounds it: `(unique decoding, list decoding)` bits. The AIR shape is taken generously (1,024 constraints of
    /// degree 3; 2,048 batched columns), so the figure is a lower bound for every table of this zkVM.
    pub fn proven_security_bits(&self, log_rows: usize) -> (usize, usize) {
        let fri = p3_security::fri::FriRegime {
            log_blowup: self.log_blowup,
            num_queries: self.num_queries,
            log_final_poly_len: self.log_final_poly_len,
            max_log_arity: self.max_log_arity,
            commit_pow_bits: self.commit_pow_bits,
            query_pow_bits: self.query_pow_bits,
        };
        let params = p3_uni_stark::StarkSecurityParams::new(
            fri,
            CHALLENGE_FIELD_BITS,
            // Collision resistance of the Merkle trees: BLAKE3's 256-bit digests give 128 bits,
            // Poseidon2's 8 BabyBear elements (248 bits) 124.
            match self.hash {
                ProofHash::Blake3 => 128,
                ProofHash::Poseidon2 => 124,
            },
            1024,
            3,
            2,
            2048,
            2,
        );
        let s = p3_uni_stark::ProvenSecurity::compute_from_proof(log_rows, &params);
        (s.unique_decoding_bits, s.list_decoding_bits)
    }
}

/// Fast parameters for tests: 16 queries at rate 1/2 (16 conjectured bits). Not secure.
pub const FAST_TEST: SecurityParams = SecurityParams {
    log_blowup: 1,
    num_queries: 16,
    commit_pow_bits: 0,
    query_pow_bits: 0,
    max_log_arity: 1,
    log_final_poly_len: 0,
    hash: ProofHash::Blake3,
};

/// The machine state a run starts in (the program's non-zero data words; registers 0), as
/// [`SegmentProof::final_state`] lists a state.
pub(crate) fn initial_state(program: &Program) -> trace::State {
    trace::image_state(program)
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

/// The proof of one segment of a run split by [`prove_segments`], with the public data the
/// verifier needs to link it to its neighbours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentProof {
    /// The segment's proof.
    pub proof: Proof,
    /// Where the next segment starts (0 for the halting segment).
    pub end_pc: u32,
    /// Whether the segment ends with the halt syscall (only the last one does).
    pub halted: bool,
    /// The exit code (halting segment only; 0 otherwise).
    pub exit_code: u32,
    /// The words this segment commits.
    pub output: Vec<u32>,
    /// The machine state at the end of a non-halting segment: every non-zero register
    /// (address `0..32`) and memory word (address `32 + byte_address / 4`), sorted. Empty for the
    /// halting segment. It is the next segment's initial state.
    pub final_state: Vec<(u32, u32)>,
}

/// Figures of one proving run.
#[derive(Clone, Debug, Default)]
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
    /// Every table of the proof, in proof order.
    pub tables: Vec<TableStats>,
}

/// The shape of one table of a proof.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableStats {
    /// The table's name (`cpu`, `rom`, `keccak`, ...).
    pub name: &'static str,
    /// Rows (a power of two).
    pub rows: usize,
    /// Main-trace columns.
    pub main_width: usize,
    /// Preprocessed columns (committed once per program or claim, not per proof).
    pub preprocessed_width: usize,
    /// LogUp columns, in base-field cells (an extension-field column is 4 of them).
    pub aux_width: usize,
}

impl TableStats {
    /// Base-field cells the prover commits for this table per proof (main and LogUp traces).
    pub const fn committed_cells(&self) -> usize {
        self.rows * (self.main_width + self.aux_width)
    }
}

/// The proof bytes: which chips the segment uses (bit `i` for `chips::CHIPS[i]`; their tables are in
/// the proof) and the batch proof.
#[derive(serde::Serialize, serde::Deserialize)]
struct Envelope<P> {
    chips: u32,
    proof: P,
}

/// The public inputs of one segment, as the verifier derives them.
struct Segment<'a> {
    start_pc: u32,
    end_pc: u32,
    halted: bool,
    exit_code: u32,
    out_start: u32,
    output: &'a [u32],
    state_in: &'a trace::State,
    /// Published final state (non-halting segments).
    state_out: Option<&'a trace::State>,
    /// Which chips the segment calls (`chips::CHIPS` order): their tables are in the proof.
    chips: [bool; chips::NUM_CHIPS],
}

/// The tables of a segment, in proof order: CPU, ROM, bytes, boundary, image (initial state),
/// io, bitwise, mul, pages, and the final-state table for a segment that does not halt.
fn airs(program: &Program, seg: &Segment<'_>) -> Vec<ZkvmAir> {
    let mut airs = vec![
        ZkvmAir::Cpu,
        ZkvmAir::Rom(trace::shared(trace::rom_table(program))),
        ZkvmAir::Bytes(trace::shared(trace::byte_table())),
        ZkvmAir::Boundary,
        ZkvmAir::Image(trace::shared(trace::state_table(seg.state_in))),
        ZkvmAir::Io(trace::shared(trace::io_table(seg.output, seg.out_start))),
        ZkvmAir::Bitwise,
        ZkvmAir::Mul,
        ZkvmAir::Pages(trace::shared(trace::page_table(program))),
        ZkvmAir::Pairs(trace::shared(trace::pair_table())),
    ];
    for (chip, &used) in chips::CHIPS.iter().zip(&seg.chips) {
        if used {
            match chip {
                crate::Chip::Keccak => airs.extend([ZkvmAir::KeccakPort, ZkvmAir::Keccak]),
                crate::Chip::Blake2s => airs.push(ZkvmAir::Blake2s),
                crate::Chip::Secp256k1Add => airs.push(ZkvmAir::Secp256k1Add),
                crate::Chip::Secp256k1Double => airs.push(ZkvmAir::Secp256k1Double),
            }
        }
    }
    if let Some(out) = seg.state_out {
        airs.push(final_table(out));
    }
    airs
}

fn chips_mask(chips: &[bool; chips::NUM_CHIPS]) -> u32 {
    chips
        .iter()
        .enumerate()
        .map(|(i, &u)| u32::from(u) << i)
        .sum()
}

/// The final-state table of a segment that does not halt.
fn final_table(state_out: &trace::State) -> ZkvmAir {
    ZkvmAir::Final(trace::shared(trace::state_table(state_out)))
}

/// Rows of the first table `is` picks (0 when there is none).
fn preprocessed_height(airs: &[ZkvmAir], is: fn(&ZkvmAir) -> bool) -> usize {
    airs.iter()
        .find(|a| is(a))
        .and_then(ZkvmAir::preprocessed)
        .map_or(0, |m| m.height())
}

fn public_values(seg: &Segment<'_>, tables: usize) -> Vec<Vec<Val>> {
    let f = Val::from_u32;
    let mut cpu = Vec::with_capacity(CPU_PUBLIC_VALUES);
    cpu.extend([f(seg.start_pc), f(seg.end_pc), f(u32::from(seg.halted))]);
    cpu.extend(seg.exit_code.to_le_bytes().map(|b| f(u32::from(b))));
    cpu.push(f(seg.out_start));
    let mut pvs = vec![vec![]; tables];
    pvs[0] = cpu;
    pvs[3] = vec![f(u32::from(seg.halted))];
    pvs
}

fn run(program: &Program, input: &[u32], max_cycles: u64) -> Result<crate::Execution, ProveError> {
    execute(
        program,
        input,
        &ExecConfig {
            max_cycles: max_cycles + 1,
            trace: true,
        },
    )
    .map_err(|e| match e {
        crate::ExecError::CycleLimit { .. } => ProveError::TooManyCycles {
            cycles: max_cycles + 1,
            max: max_cycles,
        },
        e => ProveError::Exec(e),
    })
}

/// Runs `program` on `input` and proves the run in one segment.
///
/// # Errors
/// [`ProveError`] when the run fails or is longer than [`MAX_SEGMENT_CYCLES`] (use
/// [`prove_segments`] then); no proof is made.
pub fn prove(
    program: &Program,
    input: &[u32],
    params: &SecurityParams,
) -> Result<(Claim, Proof, ProofStats), ProveError> {
    prove_with(program, input, params, &mut |_, _| {})
}

/// Changes a segment's traces and published final state before they are committed (soundness
/// tests forge a prover this way).
type Tamper<'a> = &'a mut dyn FnMut(&mut trace::MainTraces, &mut trace::State);

/// [`prove`] with a [`Tamper`] hook.
fn prove_with(
    program: &Program,
    input: &[u32],
    params: &SecurityParams,
    tamper: Tamper<'_>,
) -> Result<(Claim, Proof, ProofStats), ProveError> {
    let run =
        tracing::info_span!("execute").in_scope(|| run(program, input, MAX_SEGMENT_CYCLES))?;
    let init = trace::image_state(program);
    let (sp, _, stats) = prove_segment(
        program,
        &run.trace,
        &run.calls,
        &init,
        0,
        run.exit_code,
        None,
        params,
        tamper,
    )?;
    let claim = Claim {
        exit_code: run.exit_code,
        output: run.output,
    };
    Ok((claim, sp.proof, stats))
}

/// Runs `program` on `input` (at most `max_cycles`) and proves it in segments of
/// `segment_cycles` cycles (continuations). Returns the claim and one [`SegmentProof`] per
/// segment; [`verify_segments`] checks them together with their linked boundaries.
///
/// Each segment is proved as soon as the executor has produced it, so memory is bounded by the
/// segment size whatever the length of the run.
///
/// # Errors
/// [`ProveError`] when the run fails, is longer than `max_cycles`, or `segment_cycles` is 0 or
/// above [`MAX_SEGMENT_CYCLES`].
pub fn prove_segments(
    program: &Program,
    input: &[u32],
    segment_cycles: u64,
    max_cycles: u64,
    params: &SecurityParams,
) -> Result<(Claim, Vec<SegmentProof>), ProveError> {
    prove_segments_with_progress(
        program,
        input,
        segment_cycles,
        max_cycles,
        params,
        &mut |_| true,
    )
}

/// A segment [`prove_segments_with_progress`] has just proven.
#[derive(Clone, Copy, Debug)]
pub struct SegmentProgress {
    /// The segment's index (0 for the first).
    pub index: usize,
    /// Cycles in this segment.
    pub cycles: u64,
    /// Cycles proven so far, this segment included.
    pub cycles_done: u64,
}

/// [`prove_segments`] that calls `progress` after each segment is proven, so that a long proof can
/// report how far it got; proving stops when it returns `false`.
///
/// # Errors
/// As [`prove_segments`], and [`ProveError::Cancelled`] when `progress` returned `false`.
pub fn prove_segments_with_progress(
    program: &Program,
    input: &[u32],
    segment_cycles: u64,
    max_cycles: u64,
    params: &SecurityParams,
    progress: &mut dyn FnMut(SegmentProgress) -> bool,
) -> Result<(Claim, Vec<SegmentProof>), ProveError> {
    prove_segments_with(
        program,
        input,
        segment_cycles,
        max_cycles,
        params,
        &mut |_, _, _| {},
        progress,
    )
}

/// [`prove_segments`] with a [`Tamper`] hook that also gets the segment's index.
fn prove_segments_with(
    program: &Program,
    input: &[u32],
    segment_cycles: u64,
    max_cycles: u64,
    params: &SecurityParams,
    tamper: &mut dyn FnMut(usize, &mut trace::MainTraces, &mut trace::State),
    progress: &mut dyn FnMut(SegmentProgress) -> bool,
) -> Result<(Claim, Vec<SegmentProof>), ProveError> {
    if segment_cycles == 0 || segment_cycles > MAX_SEGMENT_CYCLES {
        return Err(ProveError::TooManyCycles {
            cycles: segment_cycles,
            max: MAX_SEGMENT_CYCLES,
        });
    }
    let mut state = trace::image_state(program);
    let mut out_start = 0u32;
    let mut cycles_done = 0u64;
    let mut proofs = Vec::new();
    let config = ExecConfig {
        max_cycles,
        trace: true,
    };
    let run = crate::executor::run_chunked(
        program,
        input,
        &config,
        Some(segment_cycles as usize),
        &mut |steps: &[crate::Step],
              calls: &[crate::ChipCall],
              next_pc: Option<u32>|
         -> Result<(), ProveError> {
            let exit_code = steps.last().map_or(0, |s| s.rs2_val);
            let index = proofs.len();
            let (sp, state_out, _) = prove_segment(
                program,
                steps,
                calls,
                &state,
                out_start,
                exit_code,
                next_pc,
                params,
                &mut |t, s| tamper(index, t, s),
            )?;
            out_start += sp.output.len() as u32;
            state = state_out;
            proofs.push(sp);
            cycles_done += steps.len() as u64;
            let go_on = progress(SegmentProgress {
                index,
                cycles: steps.len() as u64,
                cycles_done,
            });
            if !go_on {
                return Err(ProveError::Cancelled {
                    segments: index + 1,
                });
            }
            Ok(())
        },
    )
    .map_err(|e| match e {
        ProveError::Exec(crate::ExecError::CycleLimit { .. }) => ProveError::TooManyCycles {
            cycles: max_cycles,
            max: max_cycles,
        },
        e => e,
    })?;
    Ok((
        Claim {
            exit_code: run.exit_code,
            output: run.output,
        },
        proofs,
    ))
}

/// Proves one segment: `steps` from state `init`; `next_pc` is `None` for the halting segment.
#[allow(clippy::too_many_arguments)]
fn prove_segment(
    program: &Program,
    steps: &[crate::Step],
    calls: &[crate::ChipCall],
    init: &trace::State,
    out_start: u32,
    exit_code: u32,
    next_pc: Option<u32>,
    params: &SecurityParams,
    tamper: Tamper<'_>,
) -> Result<(SegmentProof, trace::State, ProofStats), ProveError> {
    for chip in chips::CHIPS {
        let max = match chip {
            crate::Chip::Keccak => MAX_KECCAK_CALLS,
            crate::Chip::Secp256k1Add | crate::Chip::Secp256k1Double => MAX_SECP256K1_CALLS,
            // One row per call, and a segment has at most MAX_SEGMENT_CYCLES calls.
            crate::Chip::Blake2s => usize::MAX,
        };
        let n = calls.iter().filter(|c| c.chip == chip).count();
        if n > max {
            return Err(ProveError::TooManyChipCalls {
                chip,
                calls: n,
                max,
            });
        }
    }
    let halted = next_pc.is_none();
    let output: Vec<u32> = steps
        .iter()
        .filter(|s| s.ins.op == crate::Op::Ecall && s.rs1_val == crate::syscall::COMMIT_WORD)
        .map(|s| s.rs2_val)
        .collect();
    let start_pc = steps.first().map_or(program.entry, |s| s.pc);
    let mut seg = Segment {
        start_pc,
        end_pc: next_pc.unwrap_or(0),
        halted,
        exit_code: if halted { exit_code } else { 0 },
        out_start,
        output: &output,
        state_in: init,
        state_out: None,
        chips: chips::CHIPS.map(|chip| calls.iter().any(|c| c.chip == chip)),
    };
    // The preprocessed tables, built once: the trace needs their heights, the proof the tables
    // (the final-state table, which needs the trace, comes after).
    let mut airs = airs(program, &seg);
    let span = tracing::info_span!("generate traces").entered();
    let (mut traces, mut state_out) = trace::generate(
        program,
        steps,
        calls,
        init,
        out_start,
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Rom(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Image(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Io(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Pages(_))),
    )?;
    drop(span);
    tamper(&mut traces, &mut state_out);
    if !halted {
        seg.state_out = Some(&state_out);
        airs.push(final_table(&state_out));
    }
    // The final table's main trace is all zeros (its rows are preprocessed).
    let final_dummy = p3_matrix::dense::RowMajorMatrix::new(
        vec![Val::ZERO; preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Final(_)))],
        1,
    );
    let missing = || ProveError::Stark("a chip table without calls".into());
    let mats: Vec<&p3_matrix::dense::RowMajorMatrix<Val>> = airs
        .iter()
        .map(|a| match a {
            ZkvmAir::Final(_) => Ok(&final_dummy),
            a => traces.matrix(a).ok_or_else(missing),
        })
        .collect::<Result<_, ProveError>>()?;
    let mut stats = ProofStats {
        cycles: steps.len() as u64,
        cpu_rows: traces.cpu.height(),
        boundary_rows: traces.boundary.height(),
        rom_rows: traces.rom.height(),
        main_cells: mats.iter().map(|m| m.values.len()).sum(),
        tables: airs
            .iter()
            .zip(&mats)
            .map(|(a, m)| TableStats {
                name: a.name(),
                rows: m.height(),
                main_width: a.width(),
                preprocessed_width: a.preprocessed_width(),
                aux_width: 0,
            })
            .collect(),
    };
    let pvs = public_values(&seg, airs.len());
    let chips = chips_mask(&seg.chips);
    let bytes = with_config!(params, config => {
        let instances = instances(&config, &airs, mats.iter().copied(), &pvs);
        let proof = catch_unwind(AssertUnwindSafe(|| {
            let data = tracing::info_span!("preprocessed commitments")
                .in_scope(|| ProverData::from_instances(&config, &instances))
                .map_err(|e| format!("{e:?}"))?;
            prove_batch(&config, &instances, &data).map_err(|e| format!("{e:?}"))
        }))
        .map_err(|p| ProveError::Stark(panic_message(&p)))?
        .map_err(ProveError::Stark)?;
        for (t, inst) in stats.tables.iter_mut().zip(&proof.opened_values.instances) {
            t.aux_width = inst.permutation_local.len();
        }
        postcard::to_allocvec(&Envelope { chips, proof })
            .map_err(|e| ProveError::Stark(e.to_string()))?
    });
    let sp = SegmentProof {
        proof: Proof { bytes },
        end_pc: seg.end_pc,
        halted,
        exit_code: seg.exit_code,
        output: output.clone(),
        final_state: if halted {
            Vec::new()
        } else {
            state_out.iter().map(|(&a, &w)| (a, w)).collect()
        },
    };
    Ok((sp, state_out, stats))
}

/// The tables of a segment as `p3-batch-stark` proves them: each AIR with its main trace and public values
/// (`config` names the configuration).
fn instances<'a, SC: p3_uni_stark::StarkGenericConfig>(
    _config: &SC,
    airs: &'a [ZkvmAir],
    mains: impl IntoIterator<Item = &'a p3_matrix::dense::RowMajorMatrix<p3_uni_stark::Val<SC>>>,
    pvs: &[Vec<p3_uni_stark::Val<SC>>],
) -> Vec<StarkInstance<'a, SC, ZkvmAir>> {
    airs.iter()
        .zip(mains)
        .zip(pvs)
        .map(|((air, trace), pv)| StarkInstance {
            air,
            trace,
            public_values: pv.clone(),
        })
        .collect()
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "panic".to_string())
}

/// Verifies that `program` halts with `claim` (exit code and output), proven in one segment.
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
    let init = trace::image_state(program);
    verify_segment(program, whole_run(program, claim, &init), proof, params)
}

/// The one segment of a run proven by [`prove`]: from the entry in the initial state `init` to the halt
/// (the chips it calls come from the proof).
fn whole_run<'a>(program: &Program, claim: &'a Claim, init: &'a trace::State) -> Segment<'a> {
    Segment {
        start_pc: program.entry,
        end_pc: 0,
        halted: true,
        exit_code: claim.exit_code,
        out_start: 0,
        output: &claim.output,
        state_in: init,
        state_out: None,
        chips: [false; chips::NUM_CHIPS],
    }
}

/// Verifies a run proven in segments: the first starts at the ELF's entry in its initial state,
/// each next one starts where the previous one ended (pc and published final state), outputs
/// concatenate, only the last one halts. Returns the run's claim.
///
/// # Errors
/// [`VerifyError`] when a segment does not verify or the segments do not link.
pub fn verify_segments(
    program: &Program,
    segments: &[SegmentProof],
    params: &SecurityParams,
) -> Result<Claim, VerifyError> {
    let mut state = trace::image_state(program);
    let mut pc = program.entry;
    let mut output = Vec::new();
    for (i, sp) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if sp.halted != last {
            return Err(VerifyError::Shape(format!(
                "segment {i}: halted = {}",
                sp.halted
            )));
        }
        let state_out: trace::State = sp.final_state.iter().copied().collect();
        if state_out.len() != sp.final_state.len() || state_out.values().any(|&w| w == 0) {
            return Err(VerifyError::Shape(format!(
                "segment {i}: final state not canonical"
            )));
        }
        let seg = Segment {
            start_pc: pc,
            end_pc: sp.end_pc,
            halted: sp.halted,
            exit_code: sp.exit_code,
            out_start: output.len() as u32,
            output: &sp.output,
            state_in: &state,
            state_out: (!sp.halted).then_some(&state_out),
            chips: [false; chips::NUM_CHIPS],
        };
        verify_segment(program, seg, &sp.proof, params)
            .map_err(|e| VerifyError::Stark(format!("segment {i}: {e}")))?;
        output.extend_from_slice(&sp.output);
        pc = sp.end_pc;
        state = state_out;
    }
    match segments.last() {
        Some(sp) => Ok(Claim {
            exit_code: sp.exit_code,
            output,
        }),
        None => Err(VerifyError::Shape("no segments".into())),
    }
}

/// Verifies one segment; the chips it uses come from the proof (`seg.chips` is ignored). A proof
/// that leaves out a chip the run called cannot balance the `chip` bus.
fn verify_segment(
    program: &Program,
    mut seg: Segment<'_>,
    proof: &Proof,
    params: &SecurityParams,
) -> Result<(), VerifyError> {
    with_config!(params, config => {
        let Envelope { chips: mask, proof }: Envelope<BatchProof<_>> =
            postcard::from_bytes(&proof.bytes)
                .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        seg.chips = chips_of(mask)?;
        let airs = checked_airs(program, &seg, &proof.degree_bits)?;
        let pvs = public_values(&seg, airs.len());
        catch_unwind(AssertUnwindSafe(|| {
            let data = ProverData::from_airs_and_degrees(&config, &airs, &proof.degree_bits)
                .map_err(|e| VerifyError::Shape(format!("{e:?}")))?;
            verify_batch(&config, &airs, &proof, &pvs, &data.common)
                .map_err(|e| VerifyError::Stark(format!("{e:?}")))
        }))
        .map_err(|p| VerifyError::Malformed(panic_message(&p)))?
    })
}

/// The chips a proof's envelope says the segment calls.
fn chips_of(mask: u32) -> Result<[bool; chips::NUM_CHIPS], VerifyError> {
    if mask >> chips::NUM_CHIPS != 0 {
        return Err(VerifyError::Shape(format!("unknown chips {mask:#x}")));
    }
    Ok(core::array::from_fn(|i| mask >> i & 1 == 1))
}

/// The segment's tables, once the proof's table sizes are checked against them: preprocessed
/// tables have their own size, the others at most a segment's.
fn checked_airs(
    program: &Program,
    seg: &Segment<'_>,
    degree_bits: &[usize],
) -> Result<Vec<ZkvmAir>, VerifyError> {
    let airs = airs(program, seg);
    if degree_bits.len() != airs.len() {
        return Err(VerifyError::Shape(format!(
            "{} tables, expected {}",
            degree_bits.len(),
            airs.len()
        )));
    }
    let max_bits = log2_strict(MAX_SEGMENT_CYCLES as usize);
    for (i, (air, &bits)) in airs.iter().zip(degree_bits).enumerate() {
        let ok = match (air, air.preprocessed()) {
            (_, Some(m)) => bits == log2_strict(m.height()),
            (ZkvmAir::Boundary | ZkvmAir::Keccak, None) => (2..=max_bits + 3).contains(&bits),
            (_, None) => (2..=max_bits).contains(&bits),
        };
        if !ok {
            return Err(VerifyError::Shape(format!(
                "table {i} has degree bits {bits}"
            )));
        }
    }
    Ok(airs)
}

#[cfg(test)]
mod chip_tests;
#[cfg(test)]
mod logup_differential_tests;
#[cfg(test)]
mod padding_tests;
#[cfg(test)]
mod secp256k1_tests;
#[cfg(test)]
mod test_runs;
#[cfg(test)]
mod tests;
