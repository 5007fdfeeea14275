//! `ferrum zkvm run|prove|verify` on the committed guest ELFs: the cycle count and exit code, a
//! proof that verifies, and proofs that must not (tampered, another program, not a proof).

use std::{path::PathBuf, process::Command};

use alloy_primitives::{hex, keccak256};
use ferrum_zkvm::asm::{self, reg::*};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../zkvm/tests/fixtures")
        .join(name)
}

fn ferrum(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrum"))
        .arg("zkvm")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn zkvm_run_prove_verify_the_keccak_guest() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.bin");
    std::fs::write(&input, b"abc").unwrap();
    let elf = fixture("keccak.elf");
    let (elf, input) = (elf.to_str().unwrap(), input.to_str().unwrap());
    let digest = format!("output bytes: {}", hex::encode(keccak256(b"abc")));

    let (code, out, err) = ferrum(&["run", elf, "--input", input]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("cycles: "), "{out}");
    assert!(out.contains(&digest), "{out}");

    let proof = dir.path().join("keccak.proof");
    let proof = proof.to_str().unwrap();
    let (code, out, err) = ferrum(&["prove", elf, "--input", input, "--out", proof]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("rate: ") && out.contains("proof size: "),
        "{out}"
    );

    let (code, out, err) = ferrum(&["verify", elf, proof]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&digest), "{out}");

    // Another program, a flipped byte, a truncated file, a file that is no proof: all rejected.
    let fib = fixture("fib.elf");
    let (code, _, err) = ferrum(&["verify", fib.to_str().unwrap(), proof]);
    assert_ne!(code, 0, "{err}");
    let bytes = std::fs::read(proof).unwrap();
    let bad = dir.path().join("bad.proof");
    for (i, tampered) in [
        {
            let mut b = bytes.clone();
            let mid = b.len() / 2;
            b[mid] ^= 1;
            b
        },
        bytes[..bytes.len() - 1].to_vec(),
        b"FERRUMZK\x01\x00\x00\x00nonsense".to_vec(),
        b"not a proof".to_vec(),
    ]
    .into_iter()
    .enumerate()
    {
        std::fs::write(&bad, tampered).unwrap();
        let (code, out, err) = ferrum(&["verify", elf, bad.to_str().unwrap()]);
        assert_ne!(code, 0, "case {i}: {out}{err}");
        assert!(!out.contains("verified"), "case {i}: {out}");
    }
}

#[test]
fn zkvm_run_exits_with_the_guest_exit_code_and_rejects_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let elf = dir.path().join("exit7.elf");
    let mut code = vec![asm::addi(A0, ZERO, 7)];
    code.extend(asm::HALT);
    std::fs::write(&elf, asm::elf(&code, &[])).unwrap();
    let elf = elf.to_str().unwrap();
    let (status, out, _) = ferrum(&["run", elf]);
    assert_eq!(status, 7, "{out}");
    assert!(out.contains("cycles: 3"), "{out}");

    for args in [
        vec!["run", elf, "--max-cycles", "0"],
        vec!["run", "/nonexistent.elf"],
        vec!["run", elf, "--input", "/nonexistent.bin"],
        vec!["prove", elf, "--out", "/dev/null", "--segment-cycles", "0"],
    ] {
        let (status, out, err) = ferrum(&args);
        assert_ne!(status, 0, "{args:?}: {out}");
        assert!(!err.is_empty(), "{args:?}: no error message");
    }
    let not_elf = dir.path().join("not.elf");
    std::fs::write(&not_elf, b"#!/bin/sh\n").unwrap();
    let (status, _, err) = ferrum(&["run", not_elf.to_str().unwrap()]);
    assert_ne!(status, 0);
    assert!(err.contains("not.elf"), "{err}");
}
