//! The `transfers` guest: real signed ETH and ERC-20 transfers executed by revm in the zkVM, with
//! the chips and without (the same results), and a proof.

#[path = "../support/transfers.rs"]
mod support;

use ferrum_zkvm::{ExecConfig, Program, execute};
use support::{Kind, input};

fn program(name: &str) -> Program {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    Program::from_elf(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn signed_transfers_succeed_with_and_without_chips() {
    for kind in [Kind::Eth, Kind::Erc20] {
        let words = input(kind, 2, 3);
        let mut outputs = Vec::new();
        for elf in ["transfers.elf", "transfers-nochips.elf"] {
            let run = execute(
                &program(elf),
                &words,
                &ExecConfig {
                    max_cycles: 1 << 30,
                    trace: false,
                },
            )
            .unwrap();
            assert_eq!(run.exit_code, 0, "{kind:?} {elf}");
            eprintln!("{kind:?} {elf}: {} cycles", run.cycles);
            outputs.push(run.output);
        }
        // Both succeed with the same gas (21,000 for ETH).
        assert_eq!(outputs[0], outputs[1], "{kind:?}");
        assert_eq!(outputs[0][0], 1, "{kind:?}");
        assert_eq!(outputs[0][2], 1, "{kind:?}");
        if kind == Kind::Eth {
            assert_eq!(outputs[0][1], 21_000);
        }
    }
}

#[test]
fn a_transfer_with_a_tampered_signature_has_no_run() {
    // Flip a byte of the last transaction's s: the signer is another address with no funds (or
    // none at all), so the guest's run fails (nonce/balance) or it panics.
    let mut words = input(Kind::Eth, 1, 4);
    let n = words.len();
    words[n - 3] ^= 0x0100;
    let run = execute(&program("transfers.elf"), &words, &ExecConfig::default());
    match run {
        Err(_) => {}
        Ok(r) => assert_ne!((r.exit_code, r.output.first().copied()), (0, Some(1))),
    }
}
