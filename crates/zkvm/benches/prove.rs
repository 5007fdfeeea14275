//! Proving benchmark: `cargo bench -p ferrum-zkvm [-- LOG2_MIN LOG2_MAX [fast|production] [seg=LOG2]
//! [poseidon2]]`.
//! With `FERRUM_PROFILE=1` it also prints the time of each proving phase.
//!
//! With `poseidon2` the proofs commit with Poseidon2 instead of BLAKE3 ([`ProofHash`]).
//!
//! With `seg=LOG2` the run is proved in segments of 2^LOG2 cycles (`prove_segments`) and the
//! times, sizes and memory are for all segments together.
//!
//! Runs a hand-assembled loop guest (adds, xors, loads and stores) of about 2^k cycles for each
//! k in the range and prints cycles, trace rows, cells, proving time, cycles per second, proof
//! size, verification time and peak memory (max RSS of the process so far).
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{
    CPU_COLUMNS, FAST_TEST, PRODUCTION, Program, ProofHash, SecurityParams, prove, prove_segments,
    syscall, verify, verify_segments,
};

/// A loop of `iters` iterations, 8 instructions each: about `8 * iters` cycles.
fn loop_program() -> Program {
    let mut code = vec![];
    code.extend(asm::li(S0, asm::DATA_BASE));
    code.extend([
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL, // a0 = iters
        asm::addi(T0, ZERO, 0),
        // loop:
        asm::add(T0, T0, A0),
        asm::xori(T1, T0, 0x55),
        asm::sw(T1, S0, 0),
        asm::lw(T2, S0, 0),
        asm::and(T2, T2, T0),
        asm::sltu(T1, T2, T0),
        asm::addi(A0, A0, -1),
        asm::bne(A0, ZERO, -28),
        asm::addi(A0, T0, 0),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
        asm::addi(A0, ZERO, 0),
    ]);
    code.extend(asm::HALT);
    Program::from_elf(&asm::elf(&code, &[])).unwrap()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    // FERRUM_PROFILE=1 prints how long each of Plonky3's proving phases took.
    if std::env::var_os("FERRUM_PROFILE").is_some() {
        tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_target(false)
            .init();
    }
    let all: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seg: Option<u32> = all
        .iter()
        .find_map(|a| a.strip_prefix("seg=")?.parse().ok());
    let hash = if all.iter().any(|a| a == "poseidon2") {
        ProofHash::Poseidon2
    } else {
        ProofHash::Blake3
    };
    let args: Vec<String> = all
        .into_iter()
        .filter(|a| !a.starts_with("seg=") && a != "poseidon2")
        .collect();
    let lo: u32 = args.first().and_then(|s| s.parse().ok()).unwrap_or(16);
    let hi: u32 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(lo);
    let params = SecurityParams {
        hash,
        ..if args.get(2).map(String::as_str) == Some("fast") {
            FAST_TEST
        } else {
            PRODUCTION
        }
    };
    println!(
        "params: {:?}, log_blowup {} queries {} pow {} ({} conjectured bits); CPU columns {}",
        params.hash,
        params.log_blowup,
        params.num_queries,
        params.query_pow_bits,
        params.conjectured_security_bits(),
        CPU_COLUMNS
    );
    println!(
        "| log2 | cycles | cpu rows | main cells | prove s | kHz | proof KB | verify ms | peak RSS MB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let program = loop_program();
    for k in lo..=hi {
        let iters = ((1u64 << k) - 24) / 8;
        if let Some(seg) = seg {
            let t = Instant::now();
            let (claim, segs) =
                prove_segments(&program, &[iters as u32], 1 << seg, 1 << 26, &params).unwrap();
            let prove_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            assert_eq!(verify_segments(&program, &segs, &params).unwrap(), claim);
            let verify_ms = t.elapsed().as_secs_f64() * 1e3;
            let bytes: usize = segs
                .iter()
                .map(|s| s.proof.bytes.len() + 8 * s.final_state.len())
                .sum();
            let cycles = 8 * iters + 24;
            println!(
                "| {k} ({} segments of 2^{seg}) | ~{cycles} | | | {prove_s:.2} | {:.1} | {:.0} | {verify_ms:.0} | {:.0} |",
                segs.len(),
                cycles as f64 / prove_s / 1e3,
                bytes as f64 / 1024.0,
                peak_rss_mb()
            );
            continue;
        }
        let t = Instant::now();
        let (claim, proof, stats) = prove(&program, &[iters as u32], &params).unwrap();
        let prove_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        verify(&program, &claim, &proof, &params).unwrap();
        if k == lo {
            let shape: Vec<String> = stats
                .tables
                .iter()
                .map(|t| format!("{} {}+{}", t.name, t.main_width, t.aux_width))
                .collect();
            println!(
                "main + LogUp extension columns per table: {}",
                shape.join(", ")
            );
        }
        let verify_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "| {k} | {} | {} | {} | {prove_s:.2} | {:.1} | {:.0} | {verify_ms:.0} | {:.0} |",
            stats.cycles,
            stats.cpu_rows,
            stats.main_cells,
            stats.cycles as f64 / prove_s / 1e3,
            proof.bytes.len() as f64 / 1024.0,
            peak_rss_mb()
        );
    }
}
