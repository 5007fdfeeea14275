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
    assert_eq!(claim.output, vec![832_040]);
    assert!(stats.cycles > 30);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}
