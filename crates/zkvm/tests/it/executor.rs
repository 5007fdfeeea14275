//! Executor behaviour on hand-assembled programs: syscalls and every typed error.

use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{ElfError, ExecConfig, ExecError, Program, execute, syscall};

fn run(code: &[u32], data: &[u32], input: &[u32]) -> Result<ferrum_zkvm::Execution, ExecError> {
    let program = Program::from_elf(&asm::elf(code, data))?;
    execute(
        &program,
        input,
        &ExecConfig {
            max_cycles: 10_000,
            trace: true,
        },
    )
}

fn prog(body: &[u32]) -> Vec<u32> {
    let mut v = body.to_vec();
    v.extend(asm::HALT);
    v
}

#[test]
fn io_syscalls_and_exit_code() {
    let read = asm::addi(A7, ZERO, syscall::READ_WORD as i32);
    let commit = asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32);
    let code = prog(&[read, asm::ECALL, asm::addi(A0, A0, 1), commit, asm::ECALL]);
    let out = run(&code, &[], &[41]).unwrap();
    assert_eq!(out.output, vec![42]);
    assert_eq!(out.exit_code, 42);
    assert_eq!(out.cycles, 7);
    assert_eq!(out.trace.len(), 7);
    assert_eq!(
        run(&code, &[], &[]),
        Err(ExecError::InputExhausted {
            pc: asm::CODE_BASE + 4
        })
    );
}

#[test]
fn memory_byte_half_word() {
    let [l0, l1] = asm::li(S0, asm::DATA_BASE);
    let code = prog(&[
        l0,
        l1,
        asm::lw(T0, S0, 0),
        asm::sb(T0, S0, 5),
        asm::sh(T0, S0, 10),
        asm::lb(T1, S0, 0),
        asm::lhu(T2, S0, 2),
        asm::lw(A1, S0, 4),
        asm::lw(A2, S0, 8),
        asm::add(A0, T1, T2),
        asm::FENCE,
    ]);
    let out = run(&code, &[0x8081_f2f3, 0x1111_1111, 0x2222_2222], &[]).unwrap();
    assert_eq!(out.exit_code, 0x8081u32.wrapping_add(0xffff_fff3));
    let stores: Vec<_> = out
        .trace
        .iter()
        .filter_map(|s| s.mem)
        .filter(|m| m.old != m.new)
        .collect();
    assert_eq!(stores[0].new, 0x1111_f311);
    assert_eq!(stores[1].new, 0xf2f3_2222);
}

#[test]
fn typed_errors() {
    let base = asm::CODE_BASE;
    assert_eq!(
        run(&[asm::UNIMP], &[], &[]),
        Err(ExecError::SystemInstruction {
            pc: base,
            word: asm::UNIMP
        })
    );
    assert_eq!(
        run(&[0xffff_ffff], &[], &[]),
        Err(ExecError::IllegalInstruction {
            pc: base,
            word: 0xffff_ffff
        })
    );
    assert_eq!(
        run(&[asm::jal(ZERO, 0)], &[], &[]),
        Err(ExecError::CycleLimit { limit: 10_000 })
    );
    assert_eq!(
        run(&[asm::jal(ZERO, 8)], &[], &[]),
        Err(ExecError::FetchFault { pc: base + 8 })
    );
    assert_eq!(
        run(&[asm::lw(T0, ZERO, 2)], &[], &[]),
        Err(ExecError::MisalignedAccess {
            pc: base,
            addr: 2,
            size: 4
        })
    );
    assert_eq!(
        run(&[asm::lw(T0, ZERO, 4)], &[], &[]),
        Err(ExecError::Unmapped { pc: base, addr: 4 })
    );
    let code_addr = asm::li(T1, base);
    assert_eq!(
        run(&[code_addr[0], code_addr[1], asm::sw(T0, T1, 0)], &[], &[]),
        Err(ExecError::WriteToReadOnly {
            pc: base + 8,
            addr: base
        })
    );
    assert_eq!(
        run(&[code_addr[0], code_addr[1], asm::lw(T0, T1, 4)], &[], &[]),
        Err(ExecError::LoadFromCode {
            pc: base + 8,
            addr: base + 4
        })
    );
    assert_eq!(
        run(&[asm::addi(A7, ZERO, 7), asm::ECALL], &[], &[]),
        Err(ExecError::UnknownSyscall {
            pc: base + 4,
            number: 7
        })
    );
    assert_eq!(
        Program::from_elf(b"not an elf").err(),
        Some(ElfError::BadMagic)
    );
    let mut elf = asm::elf(&prog(&[]), &[]);
    elf.truncate(80);
    assert!(matches!(
        Program::from_elf(&elf),
        Err(ElfError::Truncated { .. })
    ));
}

#[test]
fn deterministic() {
    let elf = crate::conformance::load("rv32um-div");
    let p = Program::from_elf(&elf).unwrap();
    let cfg = ExecConfig {
        max_cycles: 1 << 20,
        trace: true,
    };
    assert_eq!(execute(&p, &[], &cfg), execute(&p, &[], &cfg));
}

/// Corrupted ELFs never panic the loader (every byte of a valid ELF's headers flipped in turn,
/// and truncations at every length up to the program data).
#[test]
fn corrupted_elfs_do_not_panic() {
    let elf = asm::elf(&prog(&[asm::addi(A0, ZERO, 1)]), &[1, 2, 3]);
    for i in 0..elf.len().min(200) {
        for bit in [0x01, 0x80, 0xff] {
            let mut bad = elf.clone();
            bad[i] ^= bit;
            if let Ok(p) = Program::from_elf(&bad) {
                let _ = execute(
                    &p,
                    &[],
                    &ExecConfig {
                        max_cycles: 100,
                        trace: false,
                    },
                );
            }
        }
    }
    for n in 0..elf.len() {
        let _ = Program::from_elf(&elf[..n]);
    }
}
