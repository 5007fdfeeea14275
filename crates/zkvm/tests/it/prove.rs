//! Proving and verifying: honest runs verify; tampering is rejected.

use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{Claim, FAST_TEST, Program, ProveError, prove, syscall, verify};

fn program(code: &[u32], data: &[u32]) -> Program {
    Program::from_elf(&asm::elf(code, data)).unwrap()
}

/// Sum 1..=n read from input, commit it, exit with n.
pub(crate) fn sum_program() -> Program {
    let mut code = vec![
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL,             // a0 = n
        asm::addi(T0, ZERO, 0), // acc
        asm::addi(T1, A0, 0),   // i = n
        asm::beq(T1, ZERO, 16), // loop: if i == 0 goto done
        asm::add(T0, T0, T1),
        asm::addi(T1, T1, -1),
        asm::jal(ZERO, -12),
        asm::addi(S1, A0, 0), // done: keep n
        asm::addi(A0, T0, 0),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
        asm::addi(A0, S1, 0),
    ];
    code.extend(asm::HALT);
    program(&code, &[])
}

#[test]
fn tiny_program_proves_and_verifies() {
    let p = sum_program();
    let (claim, proof, stats) = prove(&p, &[10], &FAST_TEST).unwrap();
    assert_eq!(
        claim,
        Claim {
            exit_code: 10,
            output: vec![55]
        }
    );
    assert!(stats.cycles > 40);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

/// Every riscv-test (rv32ui + rv32um) proves and verifies.
#[test]
fn riscv_tests_prove() {
    let mut proved = Vec::new();
    let mut refused = Vec::new();
    for (name, _, _) in crate::conformance::expected() {
        let p = Program::from_elf(&crate::conformance::load(&name)).unwrap();
        let t = std::time::Instant::now();
        match prove(&p, &[], &FAST_TEST) {
            Ok((claim, proof, _)) => {
                assert_eq!(claim.exit_code, 0, "{name}");
                verify(&p, &claim, &proof, &FAST_TEST).unwrap_or_else(|e| panic!("{name}: {e}"));
                proved.push(format!("{name} ({:.1}s)", t.elapsed().as_secs_f64()));
            }
            Err(ProveError::UnsupportedInstruction { mnemonic, .. }) => {
                refused.push(format!("{name}: {mnemonic}"))
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    eprintln!(
        "proved {}: {}\nrefused {}: {}",
        proved.len(),
        proved.join(", "),
        refused.len(),
        refused.join(", ")
    );
    assert!(refused.is_empty(), "refused: {}", refused.join(", "));
    assert_eq!(proved.len(), 45);
}
