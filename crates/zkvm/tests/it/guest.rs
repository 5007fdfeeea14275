//! Rust guest programs built by `scripts/build-guest` (ELFs committed under `tests/fixtures/`,
//! rebuild with `scripts/build-guest CRATE crates/zkvm/tests/fixtures/CRATE.elf`).

use ferrum_zkvm::{ExecConfig, FAST_TEST, Program, execute, prove, verify};

fn fixture(name: &str) -> Program {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    Program::from_elf(&std::fs::read(&path).unwrap()).unwrap()
}

fn fib(n: u32) -> u32 {
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

#[test]
fn fib_guest_runs_and_proves() {
    let p = fixture("fib.elf");
    for n in [0, 1, 2, 10, 1000] {
        let run = execute(&p, &[n], &ExecConfig::default()).unwrap();
        assert_eq!(
            (run.exit_code, run.output.clone()),
            (0, vec![fib(n)]),
            "n = {n}"
        );
    }
    let (claim, proof, stats) = prove(&p, &[30], &FAST_TEST).unwrap();
    eprintln!("fib(30): {} cycles", stats.cycles);
    assert_eq!(claim.output, vec![832_040]);
    assert!(stats.cycles > 30);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

/// `[len, bytes packed little-endian into words]`, as the guest runtime's `read_bytes` expects.
fn bytes_input(data: &[u8]) -> Vec<u32> {
    let mut v = vec![data.len() as u32];
    v.extend(data.chunks(4).map(|c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        u32::from_le_bytes(w)
    }));
    v
}

fn digest_words(hex: &str) -> Vec<u32> {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    bytes
        .chunks(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

#[test]
fn hash_guests_compute_digests() {
    let run = execute(
        &fixture("sha256.elf"),
        &bytes_input(b"abc"),
        &ExecConfig::default(),
    )
    .unwrap();
    assert_eq!(
        run.output,
        digest_words("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    let run = execute(
        &fixture("keccak.elf"),
        &bytes_input(b""),
        &ExecConfig::default(),
    )
    .unwrap();
    assert_eq!(
        run.output,
        digest_words("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    );
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow in debug builds; run `cargo test --release -p ferrum-zkvm`"
)]
fn sha256_guest_proves() {
    let p = fixture("sha256.elf");
    let (claim, proof, stats) = prove(&p, &bytes_input(b"abc"), &FAST_TEST).unwrap();
    eprintln!("cycles {}", stats.cycles);
    assert_eq!(
        claim.output,
        digest_words("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

#[test]
fn keccak_guest_proves() {
    let p = fixture("keccak.elf");
    let (claim, proof, stats) = prove(&p, &bytes_input(b"abc"), &FAST_TEST).unwrap();
    eprintln!("cycles {}", stats.cycles);
    // The permutation is one cycle on the Keccak chip (17,192 cycles in plain RV32IM with
    // tiny-keccak); 24 rows of the Keccak table.
    assert!(stats.cycles < 2_000, "{} cycles", stats.cycles);
    assert!(
        stats
            .tables
            .iter()
            .any(|t| t.name == "keccak" && t.rows == 32)
    );
    assert_eq!(
        claim.output,
        digest_words("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    );
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

/// revm 43 (no_std) executing an ETH transfer inside the guest.
#[test]
fn evm_transfer_guest_runs() {
    let p = fixture("evm-transfer.elf");
    let run = execute(&p, &[12_345], &ExecConfig::default()).unwrap();
    eprintln!("evm transfer: {} cycles", run.cycles);
    let text: Vec<u8> = run
        .output
        .iter()
        .skip(4)
        .flat_map(|w| w.to_le_bytes())
        .collect();
    eprintln!("{}", String::from_utf8_lossy(&text));
    assert_eq!(run.exit_code, 0);
    assert_eq!(run.output, vec![1, 21_000, 12_345, 1]);
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow in debug builds; run `cargo test --release -p ferrum-zkvm`"
)]
fn evm_transfer_guest_proves() {
    let p = fixture("evm-transfer.elf");
    let t = std::time::Instant::now();
    let (claim, proof, stats) = prove(&p, &[12_345], &FAST_TEST).unwrap();
    eprintln!(
        "evm transfer: {} cycles, {} boundary rows, proved in {:.1}s",
        stats.cycles,
        stats.boundary_rows,
        t.elapsed().as_secs_f64()
    );
    assert_eq!(claim.output, vec![1, 21_000, 12_345, 1]);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}
