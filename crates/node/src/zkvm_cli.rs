//! `ferrum zkvm run|prove|verify`: run an RV32IM ELF in the zkVM, prove the run, verify a proof
//! file (format and exit codes in docs/zkvm.md, "Command line").

use std::{
    io::Read as _,
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{Context as _, bail};
use clap::Subcommand;
use ferrum_zkvm::{
    ExecConfig, MAX_SEGMENT_CYCLES, PRODUCTION, Program, ProofFile, execute, prove_segments,
};

/// Largest ELF accepted (the EVM-transfer guest is 2 MB).
const MAX_ELF_BYTES: u64 = 64 << 20;
/// Largest `--input` file.
const MAX_INPUT_BYTES: u64 = 64 << 20;
/// Largest proof file read or written (about 1,700 segments of ~600 KB).
const MAX_PROOF_BYTES: u64 = 1 << 30;
/// Largest `--max-cycles` (about a week of proving at 100 kHz).
const MAX_CYCLES_LIMIT: u64 = 1 << 36;
/// Default `--max-cycles`.
const DEFAULT_MAX_CYCLES: u64 = 1 << 32;
/// Default `--segment-cycles`: the sweet spot on a 2-core machine (docs/zkvm.md, ~1.4 GB peak).
const DEFAULT_SEGMENT_CYCLES: u64 = 1 << 19;

/// The `zkvm` subcommands.
#[derive(Subcommand)]
pub(crate) enum ZkvmCommand {
    /// Run an ELF; print the cycles, exit code and output; exit with the guest's exit code
    /// (255 for codes of 255 and above).
    Run {
        /// The RV32IM ELF.
        elf: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// Stop with an error after this many cycles (at most 2^36).
        #[arg(long, default_value_t = DEFAULT_MAX_CYCLES)]
        max_cycles: u64,
    },
    /// Prove a run (PRODUCTION parameters, in segments) and write the proof file.
    Prove {
        /// The RV32IM ELF.
        elf: PathBuf,
        #[command(flatten)]
        input: InputArgs,
        /// Where to write the proof.
        #[arg(long)]
        out: PathBuf,
        /// Cycles per segment (1 to 2^22); longer runs are proved in several segments.
        #[arg(long, default_value_t = DEFAULT_SEGMENT_CYCLES)]
        segment_cycles: u64,
        /// Stop with an error after this many cycles (at most 2^36).
        #[arg(long, default_value_t = DEFAULT_MAX_CYCLES)]
        max_cycles: u64,
    },
    /// Verify a proof file against an ELF; print the proven exit code and output.
    Verify {
        /// The RV32IM ELF the proof claims to be a run of.
        elf: PathBuf,
        /// The proof file written by `ferrum zkvm prove`.
        proof: PathBuf,
    },
}

/// The guest's private input: the `--input-word`s in order, then the `--input` file's bytes
/// framed for the guest runtime's `read_bytes`.
#[derive(clap::Args)]
pub(crate) struct InputArgs {
    /// A word of private input (decimal or 0x-hex), read by the guest's `read_word`; repeatable.
    #[arg(long = "input-word", value_name = "WORD", value_parser = parse_word)]
    words: Vec<u32>,
    /// A file of private input bytes, given as the runtime's `read_bytes` reads them: a length
    /// word, then the bytes packed little-endian into words (the last one zero-padded).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
}

fn parse_word(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.map_err(|e| format!("not a 32-bit word: {e}"))
}

/// Runs a `zkvm` subcommand; returns the process exit code.
pub(crate) fn main(command: ZkvmCommand) -> anyhow::Result<u8> {
    match command {
        ZkvmCommand::Run {
            elf,
            input,
            max_cycles,
        } => run(&elf, &input, max_cycles),
        ZkvmCommand::Prove {
            elf,
            input,
            out,
            segment_cycles,
            max_cycles,
        } => prove(&elf, &input, &out, segment_cycles, max_cycles).map(|()| 0),
        ZkvmCommand::Verify { elf, proof } => verify(&elf, &proof).map(|()| 0),
    }
}

fn run(elf: &Path, input: &InputArgs, max_cycles: u64) -> anyhow::Result<u8> {
    check_max_cycles(max_cycles)?;
    let program = load_program(elf)?;
    let input = input.words()?;
    let run = execute(
        &program,
        &input,
        &ExecConfig {
            max_cycles,
            trace: false,
        },
    )
    .with_context(|| format!("running {}", elf.display()))?;
    println!("cycles: {}", run.cycles);
    print_claim(run.exit_code, &run.output);
    // A process exit status has 8 bits: clamp, so that no failing code reads as success.
    Ok(u8::try_from(run.exit_code).unwrap_or(u8::MAX))
}

fn prove(
    elf: &Path,
    input: &InputArgs,
    out: &Path,
    segment_cycles: u64,
    max_cycles: u64,
) -> anyhow::Result<()> {
    check_max_cycles(max_cycles)?;
    if !(1..=MAX_SEGMENT_CYCLES).contains(&segment_cycles) {
        bail!(
            "--segment-cycles must be between 1 and {MAX_SEGMENT_CYCLES} (2^22), got {segment_cycles}"
        );
    }
    let program = load_program(elf)?;
    let input = input.words()?;
    // A plain run first: its cycle count for the rate, and a quick error for a run that fails.
    let cycles = execute(
        &program,
        &input,
        &ExecConfig {
            max_cycles,
            trace: false,
        },
    )
    .with_context(|| format!("running {}", elf.display()))?
    .cycles;
    let start = Instant::now();
    let (claim, segments) =
        prove_segments(&program, &input, segment_cycles, max_cycles, &PRODUCTION)
            .with_context(|| format!("proving {}", elf.display()))?;
    let secs = start.elapsed().as_secs_f64();
    let count = segments.len();
    let file = ProofFile { claim, segments };
    let bytes = file.encode(&program);
    if bytes.len() as u64 > MAX_PROOF_BYTES {
        bail!(
            "the proof is {} bytes, over the {MAX_PROOF_BYTES}-byte limit of a proof file (use larger segments)",
            bytes.len()
        );
    }
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    println!("cycles: {cycles}");
    println!("segments: {count}");
    print_claim(file.claim.exit_code, &file.claim.output);
    println!("proving time: {secs:.3} s");
    println!("rate: {:.1} kHz", cycles as f64 / secs / 1e3);
    println!("proof size: {} bytes", bytes.len());
    println!("proof written to {}", out.display());
    Ok(())
}

fn verify(elf: &Path, proof: &Path) -> anyhow::Result<()> {
    let program = load_program(elf)?;
    let bytes = read_bounded(proof, MAX_PROOF_BYTES, "proof file")?;
    let file = ProofFile::decode(&bytes, &program)
        .with_context(|| format!("reading {}", proof.display()))?;
    let count = file.segments.len();
    let start = Instant::now();
    file.verify(&program, &PRODUCTION).with_context(|| {
        format!(
            "{} is not a valid proof of {}",
            proof.display(),
            elf.display()
        )
    })?;
    let secs = start.elapsed().as_secs_f64();
    let claim = file.claim;
    println!("verified: {count} segment(s)");
    print_claim(claim.exit_code, &claim.output);
    println!("verify time: {:.3} s", secs);
    Ok(())
}

impl InputArgs {
    /// The private input words.
    fn words(&self) -> anyhow::Result<Vec<u32>> {
        let mut words = self.words.clone();
        if let Some(path) = &self.input {
            let bytes = read_bounded(path, MAX_INPUT_BYTES, "input file")?;
            // Below 2^32 by MAX_INPUT_BYTES.
            words.extend(ferrum_zkvm::input_bytes(&bytes));
        }
        Ok(words)
    }
}

fn check_max_cycles(max_cycles: u64) -> anyhow::Result<()> {
    if !(1..=MAX_CYCLES_LIMIT).contains(&max_cycles) {
        bail!("--max-cycles must be between 1 and {MAX_CYCLES_LIMIT} (2^36), got {max_cycles}");
    }
    Ok(())
}

fn load_program(path: &Path) -> anyhow::Result<Program> {
    let bytes = read_bounded(path, MAX_ELF_BYTES, "ELF")?;
    Program::from_elf(&bytes).with_context(|| format!("loading {}", path.display()))
}

/// Reads a file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64, what: &str) -> anyhow::Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("opening {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit rather than trust the size on disk (a pipe has none).
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {what} {}", path.display()))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{what} {} is larger than the limit of {limit} bytes",
            path.display()
        );
    }
    Ok(bytes)
}

fn print_claim(exit_code: u32, output: &[u32]) {
    println!("exit code: {exit_code}");
    let words: Vec<String> = output.iter().map(u32::to_string).collect();
    println!("output: {}", words.join(" "));
    // The words as `commit_bytes` packs bytes: a committed digest reads as its usual hex.
    let bytes: Vec<u8> = output.iter().flat_map(|w| w.to_le_bytes()).collect();
    println!("output bytes: {}", alloy_primitives::hex::encode(bytes));
}
