//! Read-only data in the executable segment (GNU ld's default layout): it is readable, proved,
//! and stays read-only; pages with code only stay code.

use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{
    CodeWord, ElfError, ExecConfig, ExecError, FAST_TEST, PAGE_SIZE, Program, ProveError, execute,
    prove, syscall, verify,
};

/// The constant table after the code.
const TABLE: [u32; 4] = [0x1122_3344, 0x0000_00f0, 0x8001_ab00, 5];

/// `li s0, TABLE; body`, with the address of the table, which follows the code.
fn with_table(body: &[u32]) -> (Vec<u32>, u32) {
    let table = asm::CODE_BASE + 4 * (2 + body.len() as u32);
    let mut code = asm::li(S0, table).to_vec();
    code.extend_from_slice(body);
    (code, table)
}

fn load(code: &[u32], section_headers: bool) -> Program {
    Program::from_elf(&asm::elf_with_rodata(code, &TABLE, &[], section_headers)).unwrap()
}

/// Reads the table with `lw`, `lb`, `lbu` and `lh`, commits the sum and the first instruction
/// word (a load of code from the page the table shares), exits 3.
fn table_reader() -> Vec<u32> {
    let mut body = vec![
        asm::lw(T0, S0, 0),
        asm::lb(T1, S0, 4),
        asm::lbu(T2, S0, 9),
        asm::lh(A1, S0, 10),
        asm::add(A0, T0, T1),
        asm::add(A0, A0, T2),
        asm::add(A0, A0, A1),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
    ];
    body.extend(asm::li(S1, asm::CODE_BASE));
    body.extend([asm::lw(A0, S1, 0), asm::ECALL, asm::addi(A0, ZERO, 3)]);
    body.extend(asm::HALT);
    with_table(&body).0
}

#[test]
fn rodata_in_the_text_segment_runs_and_proves() {
    let code = table_reader();
    let sum = 0x1122_3344u32
        .wrapping_add(-16i32 as u32)
        .wrapping_add(0xab)
        .wrapping_add(0xffff_8001);
    for section_headers in [true, false] {
        let p = load(&code, section_headers);
        let run = execute(&p, &[], &ExecConfig::default()).unwrap();
        assert_eq!(run.exit_code, 3, "section headers: {section_headers}");
        assert_eq!(run.output, vec![sum, code[0]]);
        let (claim, proof, _) = prove(&p, &[], &FAST_TEST).unwrap();
        assert_eq!((claim.exit_code, &claim.output), (3, &run.output));
        verify(&p, &claim, &proof, &FAST_TEST).unwrap();
        // The instructions are still fetched from the ROM.
        assert!(matches!(p.fetch(asm::CODE_BASE), Some(CodeWord::Ins(_))));
    }
}

#[test]
fn a_store_to_rodata_in_the_text_segment_fails() {
    let (code, table) = with_table(&[asm::sw(T0, S0, 4), asm::addi(A0, ZERO, 0)]);
    let mut code = code;
    code.extend(asm::HALT);
    for section_headers in [true, false] {
        let p = load(&code, section_headers);
        let err = ExecError::WriteToReadOnly {
            pc: asm::CODE_BASE + 8,
            addr: table + 4,
        };
        assert_eq!(execute(&p, &[], &ExecConfig::default()), Err(err.clone()));
        assert!(matches!(
            prove(&p, &[], &FAST_TEST),
            Err(ProveError::Exec(e)) if e == err
        ));
        assert!(!writable_code(&p));
    }
}

/// Whether any page with instructions on it is listed as writable.
fn writable_code(p: &Program) -> bool {
    p.data_pages()
        .filter(|&(_, w)| w)
        .any(|(page, _)| (0..PAGE_SIZE / 4).any(|i| fetches(p, page * PAGE_SIZE + 4 * i)))
}

fn fetches(p: &Program, pc: u32) -> bool {
    matches!(
        p.fetch(pc),
        Some(CodeWord::Ins(_) | CodeWord::Invalid { .. })
    )
}

#[test]
fn a_load_from_a_code_only_page_is_still_refused() {
    // Code longer than a page: its first page holds no data, the table lies on the second.
    let mut body = asm::li(S1, asm::CODE_BASE).to_vec();
    body.extend([asm::lw(A0, S0, 12), asm::lw(A1, S1, 4)]);
    body.extend([asm::addi(ZERO, ZERO, 0); 1100]);
    body.extend(asm::HALT);
    let (code, table) = with_table(&body);
    assert_eq!(table / PAGE_SIZE, asm::CODE_BASE / PAGE_SIZE + 1);
    let p = load(&code, true);
    assert!(p.is_code(asm::CODE_BASE) && !p.is_code(table));
    assert_eq!(
        execute(&p, &[], &ExecConfig::default()),
        Err(ExecError::LoadFromCode {
            pc: asm::CODE_BASE + 20,
            addr: asm::CODE_BASE + 4
        })
    );
    // Without section headers every executable page is readable.
    let p = load(&code, false);
    assert!(!p.is_code(asm::CODE_BASE));
    assert_eq!(
        execute(&p, &[], &ExecConfig::default()).unwrap().exit_code,
        5
    );
}

/// ELFs that keep `.rodata` out of the text pages (all the guests and riscv-tests) keep every text
/// page a code page: their ROM and image are what they were.
#[test]
fn separate_rodata_keeps_code_pages() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut paths: Vec<_> = ["fixtures", "riscv-tests/elf"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e == "elf"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 49, "{paths:?}");
    for path in paths {
        let p = Program::from_elf(&std::fs::read(&path).unwrap()).unwrap();
        let code_words = (0..p.code.len() as u32).map(|i| p.code_base + 4 * i);
        for pc in code_words.filter(|&pc| fetches(&p, pc)) {
            assert!(p.is_code(pc), "{}: {pc:#x}", path.display());
        }
    }
}

#[test]
fn bad_section_headers_are_typed_errors() {
    let elf = asm::elf_with_rodata(&table_reader(), &TABLE, &[], true);
    let mut bad = elf.clone();
    bad[46..48].copy_from_slice(&20u16.to_le_bytes()); // e_shentsize
    assert_eq!(
        Program::from_elf(&bad).err(),
        Some(ElfError::BadSectionHeaderSize { size: 20 })
    );
    let shoff = u32::from_le_bytes([elf[32], elf[33], elf[34], elf[35]]) as usize;
    assert!(matches!(
        Program::from_elf(&elf[..shoff + 50]),
        Err(ElfError::Truncated { .. })
    ));
}
