//! The official riscv-tests (rv32ui + rv32um) in `tests/riscv-tests`: every ELF must exit 0
//! after exactly the number of instructions in `expected.txt`.

use std::path::PathBuf;

use ferrum_zkvm::{ExecConfig, Program, execute};

/// `crates/zkvm/tests/riscv-tests`: the ELFs, their expected counts and their licence.
pub(crate) fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/riscv-tests")
}

/// `(name, exit code, instruction count)` from `expected.txt`.
pub(crate) fn expected() -> Vec<(String, u32, u64)> {
    let text =
        std::fs::read_to_string(suite_dir().join("expected.txt")).expect("read expected.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "bad line in expected.txt: {l}");
            (
                f[0].to_string(),
                f[1].parse().expect("exit code"),
                f[2].parse().expect("count"),
            )
        })
        .collect()
}

pub(crate) fn load(name: &str) -> Vec<u8> {
    std::fs::read(suite_dir().join("elf").join(name)).expect("read ELF")
}

#[test]
fn riscv_tests_pass_with_exact_instruction_counts() {
    let cases = expected();
    assert_eq!(
        cases.len(),
        45,
        "expected.txt should list 37 rv32ui + 8 rv32um tests"
    );
    let mut failures = Vec::new();
    for (name, want_exit, want_count) in &cases {
        let program = Program::from_elf(&load(name)).expect("load ELF");
        match execute(
            &program,
            &[],
            &ExecConfig {
                max_cycles: 1 << 20,
                trace: false,
            },
        ) {
            Ok(run) if run.exit_code == *want_exit && run.cycles == *want_count => {}
            Ok(run) => failures.push(format!(
                "{name}: exit {} after {} instructions (want exit {want_exit} after {want_count})",
                run.exit_code, run.cycles
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "riscv-tests failures:\n{}",
        failures.join("\n")
    );
}

/// A broken `add` (every `add` turned into `sub`) fails case 3 (1 + 1 = 2): exit (3 << 1) | 1.
#[test]
fn tampered_add_test_reports_failing_case() {
    let mut elf = load("rv32ui-add");
    let parsed = ferrum_zkvm::ElfProgram::parse(&elf).expect("parse ELF");
    let code = parsed
        .segments
        .iter()
        .find(|s| s.exec)
        .expect("code segment");
    let (vaddr, len) = (code.vaddr, code.data.len() as u32);
    let off = elf
        .windows(code.data.len())
        .position(|w| w == code.data.as_slice())
        .expect("code in file");
    let (start, end) = (vaddr, vaddr + len);
    let mut patched = 0;
    for pc in (start..end).step_by(4) {
        let at = off + (pc - vaddr) as usize;
        let w = u32::from_le_bytes(elf[at..at + 4].try_into().unwrap());
        if w & 0xfe00_707f == 0x0000_0033 {
            elf[at..at + 4].copy_from_slice(&(w | 0x4000_0000).to_le_bytes());
            patched += 1;
        }
    }
    assert!(patched > 10, "found the add instructions");
    let program = Program::from_elf(&elf).expect("load tampered ELF");
    let run = execute(&program, &[], &ExecConfig::default()).expect("runs to the exit syscall");
    assert_eq!(run.exit_code, 7, "case 3 fails");
    assert_eq!(run.exit_code >> 1, 3);
}
