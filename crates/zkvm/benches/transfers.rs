//! Cost of a signed Ethereum transaction in the zkVM: `cargo bench -p ferrum-zkvm --bench transfers
//! [-- N [fast|production] [poseidon2]]` (N transactions per kind, default 2; FAST_TEST by default;
//! `poseidon2` commits with Poseidon2 instead of BLAKE3).
//!
//! Runs the `transfers` guest (revm over an in-memory state; each signer recovered from a real
//! signed EIP-1559 transaction) with N and with 2N ETH transfers, then ERC-20 transfers, built
//! with the chips (`transfers.elf`) and without (`transfers-nochips.elf`: k256 and tiny-keccak in
//! plain RV32IM). A transaction's cost is the difference of the two runs over N, so the setup
//! (token deployment, funding) is not counted. `cycles_per_tx` counts the CPU cycles plus each
//! chip call's committed cells (its rows' main and LogUp columns, from the proof's tables) divided
//! by the CPU row's, so a chip is not free. The 2N run with chips is proved and verified; its
//! tables' rows, proving time and rate are printed.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/support/transfers.rs"]
mod support;

use std::collections::BTreeMap;
use std::time::Instant;

use ferrum_zkvm::{
    Chip, ExecConfig, FAST_TEST, PRODUCTION, Program, ProofHash, ProofStats, SecurityParams,
    execute, prove, verify,
};
use support::{Kind, input};

fn program(name: &str) -> Program {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

/// Cycles and chip calls of a run.
fn run(p: &Program, words: &[u32]) -> (u64, BTreeMap<Chip, u64>) {
    let r = execute(
        p,
        words,
        &ExecConfig {
            max_cycles: 1 << 32,
            trace: true,
        },
    )
    .unwrap();
    assert_eq!(r.exit_code, 0);
    assert!(
        r.output.chunks(2).all(|c| c[0] == 1),
        "a transaction failed"
    );
    let mut calls = BTreeMap::new();
    for c in &r.calls {
        *calls.entry(c.chip).or_insert(0) += 1;
    }
    (r.cycles, calls)
}

/// Committed cells (main + LogUp, in base-field cells) of a table's row.
fn row_cells(stats: &ProofStats, name: &str) -> f64 {
    stats
        .tables
        .iter()
        .find(|t| t.name == name)
        .map_or(0.0, |t| (t.main_width + t.aux_width) as f64)
}

/// Cells a chip call commits: its rows in every table it fills.
fn call_cells(stats: &ProofStats, chip: Chip) -> f64 {
    match chip {
        // One port row and 24 rows (the rounds) of the Keccak-f table.
        Chip::Keccak => row_cells(stats, "keccak_port") + 24.0 * row_cells(stats, "keccak"),
        Chip::Blake2s => row_cells(stats, "blake2s"),
        Chip::Secp256k1Add => row_cells(stats, "secp256k1_add"),
        Chip::Secp256k1Double => row_cells(stats, "secp256k1_double"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(2);
    let production = args.iter().any(|a| a == "production");
    let params = &SecurityParams {
        hash: if args.iter().any(|a| a == "poseidon2") {
            ProofHash::Poseidon2
        } else {
            ProofHash::Blake3
        },
        ..if production { PRODUCTION } else { FAST_TEST }
    };
    let chips = program("transfers.elf");
    let plain = program("transfers-nochips.elf");
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for (kind, name) in [(Kind::Eth, "eth_transfer"), (Kind::Erc20, "erc20_transfer")] {
        let (small, large) = (input(kind, n, 1), input(kind, 2 * n, 1));
        let (c1, k1) = run(&chips, &small);
        let (c2, k2) = run(&chips, &large);
        let (p1, _) = run(&plain, &small);
        let (p2, _) = run(&plain, &large);
        let per = |a: u64, b: u64| (b - a) as f64 / n as f64;
        // Prove the larger run to learn each table's committed width (and time the prover).
        let start = Instant::now();
        let (claim, proof, stats) = prove(&chips, &large, params).unwrap();
        let prove_s = start.elapsed().as_secs_f64();
        let start = Instant::now();
        verify(&chips, &claim, &proof, params).unwrap();
        let verify_s = start.elapsed().as_secs_f64();
        let cpu_cells = row_cells(&stats, "cpu");
        let mut proven = per(c1, c2);
        println!("{name} cpu_cycles_per_tx {:.0}", per(c1, c2));
        for (&chip, &calls) in &k2 {
            let calls_per_tx = per(k1.get(&chip).copied().unwrap_or(0), calls);
            let eq = calls_per_tx * call_cells(&stats, chip) / cpu_cells;
            proven += eq;
            println!(
                "{name} chip {chip:?} calls_per_tx {calls_per_tx:.1} cells_per_call {:.0} cpu_row_equivalents_per_tx {eq:.0}",
                call_cells(&stats, chip)
            );
        }
        println!("{name} cycles_per_tx {proven:.0}");
        println!("{name} cycles_per_tx_without_chips {:.0}", per(p1, p2));
        println!(
            "{name} proof of {} txs (+ setup): {} cycles, proved in {prove_s:.2} s ({:.1} kHz), {} bytes, verified in {verify_s:.2} s, {} params, {:?}",
            2 * n,
            stats.cycles,
            stats.cycles as f64 / prove_s / 1e3,
            proof.bytes.len(),
            if production {
                "production"
            } else {
                "fast_test"
            },
            params.hash,
        );
        for t in &stats.tables {
            println!(
                "{name}   table {:<17} rows {:>8}  main {:>5}  aux {:>5}",
                t.name, t.rows, t.main_width, t.aux_width
            );
        }
    }
}
