//! Batch proving figures: for batches of N ETH transfers and N ERC-20 transfers, the witness size, the guest's
//! cycles (and per transfer, split by where they go: signature recovery, EVM execution, state tree, Keccak, witness
//! decoding), and with `FERRUM_BENCH_PROVE=1` the proving time, rate, proof size and peak memory.
//!
//!   cargo bench -p ferrum-prover --bench batch                       # cycles and witness bytes
//!   FERRUM_BENCH_PROVE=1 cargo bench -p ferrum-prover --bench batch  # and proofs (minutes on 2 cores)
//!   FERRUM_BENCH_TXS=1,10 ...                                        # batch sizes (default 1,10,100)
//!   FERRUM_BENCH_SEGMENT_LOG2=20 ...                                 # segments of 2^20 cycles (default DEFAULT_SEGMENT_CYCLES)
#![allow(clippy::unwrap_used, missing_docs)]

use std::{collections::BTreeMap, time::Instant};

use alloy_primitives::{Address, TxKind, U256};
use ferrum_prover::{BatchGuest, ProveOptions, prove_batch, verify_batch, witness_input};
use ferrum_sequencer::testing::{TestChain, call, erc20_init_code, key};
use ferrum_zkvm::{ExecConfig, execute};
use object::{Object, ObjectSymbol};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Eth,
    Erc20,
}

/// Builds a batch of `n` transfers (after a setup batch for ERC-20: deployment and mints); returns its witness.
fn batch(kind: Kind, n: usize) -> Vec<u8> {
    let mut t = TestChain::new();
    let senders: Vec<_> = (1..=8).map(key).collect();
    let token = senders[0].address().create(0);
    if kind == Kind::Erc20 {
        t.send(&senders[0], TxKind::Create, U256::ZERO, erc20_init_code());
        for s in &senders {
            t.send(
                &senders[0],
                TxKind::Call(token),
                U256::ZERO,
                call("mint(address,uint256)", s.address(), U256::from(1_000_000)),
            );
        }
        t.block();
        t.seal();
    }
    for i in 0..n {
        let to = Address::from_word(alloy_primitives::B256::from(U256::from(0x1000 + i)));
        let from = &senders[i % senders.len()];
        match kind {
            Kind::Eth => t.send(from, TxKind::Call(to), U256::from(1_000), vec![]),
            Kind::Erc20 => t.send(
                from,
                TxKind::Call(token),
                U256::ZERO,
                call("transfer(address,uint256)", to, U256::from(10)),
            ),
        }
    }
    assert_eq!(t.block(), n);
    let (previous, record) = t.seal();
    t.witness(&previous, &record).encode()
}

/// Where a function's cycles go, by its (demangled) symbol.
fn category(symbol: &str) -> &'static str {
    let s = symbol;
    if ["k256", "secp256k1", "ecdsa", "elliptic_curve", "recover"]
        .iter()
        .any(|k| s.contains(k))
    {
        "signature"
    } else if ["partial_tree", "tree::", "blake2", "Blake2"]
        .iter()
        .any(|k| s.contains(k))
    {
        "state tree"
    } else if ["keccak", "Keccak", "sha3"].iter().any(|k| s.contains(k)) {
        "keccak"
    } else if ["rlp", "Rlp", "decode", "Decodable", "read_bytes"]
        .iter()
        .any(|k| s.contains(k))
    {
        "witness decoding"
    } else if ["revm", "ferrum_stf", "interpreter", "Interpreter", "ruint"]
        .iter()
        .any(|k| s.contains(k))
    {
        "EVM execution"
    } else {
        "other (memcpy, alloc, pubdata, ...)"
    }
}

/// Cycles per category of one traced run.
fn profile(elf: &[u8], guest: &BatchGuest, witness: &[u8]) -> BTreeMap<&'static str, u64> {
    let file = object::File::parse(elf).unwrap();
    let mut funcs: Vec<(u64, u64, &'static str)> = file
        .symbols()
        .filter(|s| s.kind() == object::SymbolKind::Text && s.size() > 0)
        .map(|s| {
            let name = s.name().unwrap_or("");
            let demangled = format!("{:#}", rustc_demangle::demangle(name));
            (s.address(), s.size(), category(&demangled))
        })
        .collect();
    funcs.sort_unstable();
    let run = execute(
        guest.program(),
        &witness_input(witness).unwrap(),
        &ExecConfig {
            max_cycles: 1 << 32,
            trace: true,
        },
    )
    .unwrap();
    let mut out = BTreeMap::new();
    for step in &run.trace {
        let pc = u64::from(step.pc);
        let i = funcs.partition_point(|f| f.0 <= pc);
        let cat = match i.checked_sub(1).map(|i| funcs[i]) {
            Some((a, size, cat)) if pc < a + size => cat,
            _ => "other (memcpy, alloc, pubdata, ...)",
        };
        *out.entry(cat).or_insert(0) += 1;
    }
    out
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let prove = std::env::var("FERRUM_BENCH_PROVE").is_ok_and(|v| v == "1");
    let sizes: Vec<usize> = std::env::var("FERRUM_BENCH_TXS")
        .unwrap_or_else(|_| "1,10,100".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let options = ProveOptions {
        segment_cycles: std::env::var("FERRUM_BENCH_SEGMENT_LOG2")
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .map_or(ProveOptions::default().segment_cycles, |log2| 1 << log2),
        ..ProveOptions::default()
    };
    println!("segments of {} cycles", options.segment_cycles);
    let guest = BatchGuest::embedded().unwrap();
    println!(
        "batch guest {} ({} bytes)",
        guest.id(),
        ferrum_prover::BATCH_GUEST_ELF.len()
    );
    for kind in [Kind::Eth, Kind::Erc20] {
        let mut cycles_of = BTreeMap::new();
        for &n in &sizes {
            let witness = batch(kind, n);
            let run = execute(
                guest.program(),
                &witness_input(&witness).unwrap(),
                &ExecConfig {
                    max_cycles: 1 << 32,
                    trace: false,
                },
            )
            .unwrap();
            assert_eq!(run.exit_code, 0);
            cycles_of.insert(n, run.cycles);
            print!(
                "{kind:?} x{n}: witness {} bytes ({} per tx), {} cycles ({} per tx)",
                witness.len(),
                witness.len() / n,
                run.cycles,
                run.cycles / n as u64
            );
            if prove {
                // Peak memory of this proof alone: reset the high-water mark.
                let _ = std::fs::write("/proc/self/clear_refs", "5");
                let start = Instant::now();
                let proof = prove_batch(&guest, &witness, &options, &mut |_, _| true).unwrap();
                let secs = start.elapsed().as_secs_f64();
                let vstart = Instant::now();
                verify_batch(&guest, &proof.bytes, &proof.public_input).unwrap();
                print!(
                    "; proved in {secs:.1} s ({:.1} kHz), {} segments, proof {} bytes, verified in {:.2} s, peak RSS {:.0} MB",
                    proof.cycles as f64 / secs / 1e3,
                    proof.segments,
                    proof.bytes.len(),
                    vstart.elapsed().as_secs_f64(),
                    peak_rss_mb()
                );
            }
            println!();
        }
        // Per transfer, split: the difference between the two smallest traced batches (10 and 1 by default).
        let small: Vec<usize> = sizes.iter().copied().filter(|&n| n <= 10).collect();
        if let [a, .., b] = small[..] {
            let pa = profile(ferrum_prover::BATCH_GUEST_ELF, &guest, &batch(kind, a));
            let pb = profile(ferrum_prover::BATCH_GUEST_ELF, &guest, &batch(kind, b));
            let per = |cat: &str| {
                (pb.get(cat).copied().unwrap_or(0) as f64
                    - pa.get(cat).copied().unwrap_or(0) as f64)
                    / (b - a) as f64
            };
            let total: f64 = pb.keys().map(|c| per(c)).sum();
            println!("{kind:?}: cycles per transfer, x{b} minus x{a}: {total:.0}");
            for cat in pb.keys() {
                println!(
                    "  {cat:<36} {:>9.0} ({:.0}%)",
                    per(cat),
                    100.0 * per(cat) / total
                );
            }
        }
    }
}
