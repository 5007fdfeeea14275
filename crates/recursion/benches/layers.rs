//! Recursion benchmark: `cargo bench -p ferrum-recursion --bench layers [-- LOG2_CYCLES [QUERIES [LOG_BLOWUP]]]`.
//!
//! Proves a hand-assembled loop of about 2^LOG2_CYCLES cycles (default 14) with the zkVM, verifies that proof
//! inside the recursion machine (layer 1) and the layer-1 proof inside it again (layer 2). Every proof commits
//! with Poseidon2 and folds FRI by 2 (what the recursion machine verifies), rate 2^-LOG_BLOWUP (default 1),
//! QUERIES queries (default 100: the production query count). Prints per layer: the verifier circuit's rows per table, the time to run it,
//! to prove it and to verify the proof, the proof size, and the peak memory of the process so far.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use ferrum_recursion::{StarkShape, execute, proof_input, proof_shape, prove, verify};
use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{
    FAST_TEST, Program, ProofHash, SecurityParams, poseidon2_config, stark_view, syscall,
};
use p3_batch_stark::ProverData;

/// A loop of `iters` iterations, 4 instructions each.
fn loop_program() -> Program {
    let mut code = vec![
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL, // a0 = iters
        asm::addi(T0, ZERO, 0),
        // loop:
        asm::add(T0, T0, A0),
        asm::xori(T0, T0, 0x55),
        asm::addi(A0, A0, -1),
        asm::bne(A0, ZERO, -12),
        asm::addi(A0, T0, 0),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
        asm::addi(A0, ZERO, 0),
    ];
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
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let log2: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(14);
    let queries: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let log_blowup: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1);
    let params = SecurityParams {
        hash: ProofHash::Poseidon2,
        num_queries: queries,
        log_blowup,
        ..FAST_TEST
    };
    println!(
        "loop of ~2^{log2} cycles; Poseidon2, FRI arity 2, rate 2^-{log_blowup}, {queries} queries ({} conjectured bits)",
        params.conjectured_security_bits()
    );

    let program = loop_program();
    let t = Instant::now();
    let (claim, proof, stats) = ferrum_zkvm::prove(&program, &[1 << (log2 - 2)], &params).unwrap();
    println!(
        "zkVM: {} cycles, {} tables, proved in {:.2} s, proof {:.1} KB",
        stats.cycles,
        stats.tables.len(),
        t.elapsed().as_secs_f64(),
        proof.bytes.len() as f64 / 1024.0
    );
    let view = stark_view(&program, &claim, &proof, &params).unwrap();
    let bits = view.proof.degree_bits.clone();
    let data =
        ProverData::from_airs_and_degrees(&poseidon2_config(&params), &view.tables, &bits).unwrap();
    let shape = StarkShape::new(&view.tables, &data.common, &bits, &params).unwrap();
    let input = shape
        .proof_inputs(&view.proof, &view.public_values)
        .unwrap();

    println!(
        "| layer | const | witness | alu | poseidon2 | swap | run s | prove s | proof KB | verify ms | peak RSS MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let (mut shape, mut input) = (shape, input);
    for layer in 1..=2 {
        let verifier = shape.verifier_program().unwrap();
        let [c, w, a, p, s, _] = verifier.counts();
        let t = Instant::now();
        execute(&verifier, &input).unwrap();
        let run_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (pvs, outer) = prove(&verifier, &input, &params).unwrap();
        let prove_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        verify(&verifier, &pvs, &outer, &params).unwrap();
        let verify_ms = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "| {layer} | {c} | {w} | {a} | {p} | {s} | {run_s:.2} | {prove_s:.2} | {:.1} | {verify_ms:.0} | {:.0} |",
            outer.bytes.len() as f64 / 1024.0,
            peak_rss_mb()
        );
        shape = proof_shape(&verifier, &params).unwrap();
        input = proof_input(&shape, &verifier, &pvs, &outer).unwrap();
    }
}
