//! A tiny RV32IM assembler and ELF writer, for tests, benchmarks and examples that need a
//! program without a RISC-V toolchain.
//!
//! ```
//! use ferrum_zkvm::asm::{self, reg};
//! let code = [asm::addi(reg::A0, reg::ZERO, 7), asm::addi(reg::A7, reg::ZERO, 93), asm::ECALL];
//! let elf = asm::elf(&code, &[]);
//! let program = ferrum_zkvm::Program::from_elf(&elf).unwrap();
//! let run = ferrum_zkvm::execute(&program, &[], &Default::default()).unwrap();
//! assert_eq!(run.exit_code, 7);
//! ```

/// Where [`elf`] places the code.
pub const CODE_BASE: u32 = 0x0001_0000;
/// Where [`elf`] places the data (read-write).
pub const DATA_BASE: u32 = 0x0010_0000;

/// ABI register numbers.
#[allow(missing_docs)]
pub mod reg {
    pub const ZERO: u32 = 0;
    pub const RA: u32 = 1;
    pub const SP: u32 = 2;
    pub const T0: u32 = 5;
    pub const T1: u32 = 6;
    pub const T2: u32 = 7;
    pub const S0: u32 = 8;
    pub const S1: u32 = 9;
    pub const A0: u32 = 10;
    pub const A1: u32 = 11;
    pub const A2: u32 = 12;
    pub const A3: u32 = 13;
    pub const A4: u32 = 14;
    pub const A5: u32 = 15;
    pub const A7: u32 = 17;
}

/// `ecall`.
pub const ECALL: u32 = 0x0000_0073;
/// `unimp` (LLVM's trap: `csrrw x0, cycle, x0`).
pub const UNIMP: u32 = 0xc000_1073;

const fn r(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
const fn i(imm: i32, rs1: u32, f3: u32, rd: u32, op: u32) -> u32 {
    (((imm as u32) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}
const fn s(imm: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23
}
const fn b(off: i32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    let o = off as u32;
    (((o >> 12) & 1) << 31)
        | (((o >> 5) & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((o >> 1) & 0xf) << 8)
        | (((o >> 11) & 1) << 7)
        | 0x63
}

macro_rules! rtype {
    ($($name:ident = $f7:literal, $f3:literal;)*) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, rs2`")]
        pub const fn $name(rd: u32, rs1: u32, rs2: u32) -> u32 { r($f7, rs2, rs1, $f3, rd, 0x33) }
    )*};
}
rtype! {
    add = 0, 0; sub = 0x20, 0; sll = 0, 1; slt = 0, 2; sltu = 0, 3; xor = 0, 4; srl = 0, 5;
    sra = 0x20, 5; or = 0, 6; and = 0, 7; mul = 1, 0; mulh = 1, 1; mulhsu = 1, 2; mulhu = 1, 3;
    div = 1, 4; divu = 1, 5; rem = 1, 6; remu = 1, 7;
}

macro_rules! itype {
    ($($name:ident = $f3:literal, $op:literal;)*) => {$(
        #[doc = concat!("`", stringify!($name), " rd, rs1, imm` (imm: 12-bit signed)")]
        pub const fn $name(rd: u32, rs1: u32, imm: i32) -> u32 { i(imm, rs1, $f3, rd, $op) }
    )*};
}
itype! {
    addi = 0, 0x13; slti = 2, 0x13; sltiu = 3, 0x13; xori = 4, 0x13; ori = 6, 0x13; andi = 7, 0x13;
    lb = 0, 0x03; lh = 1, 0x03; lw = 2, 0x03; lbu = 4, 0x03; lhu = 5, 0x03; jalr = 0, 0x67;
}

macro_rules! stype {
    ($($name:ident = $f3:literal;)*) => {$(
        #[doc = concat!("`", stringify!($name), " rs2, imm(rs1)`")]
        pub const fn $name(rs2: u32, rs1: u32, imm: i32) -> u32 { s(imm, rs2, rs1, $f3) }
    )*};
}
stype! { sb = 0; sh = 1; sw = 2; }

macro_rules! btype {
    ($($name:ident = $f3:literal;)*) => {$(
        #[doc = concat!("`", stringify!($name), " rs1, rs2, offset` (offset in bytes from this instruction)")]
        pub const fn $name(rs1: u32, rs2: u32, off: i32) -> u32 { b(off, rs2, rs1, $f3) }
    )*};
}
btype! { beq = 0; bne = 1; blt = 4; bge = 5; bltu = 6; bgeu = 7; }

/// `slli rd, rs1, shamt`
pub const fn slli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    r(0, shamt & 31, rs1, 1, rd, 0x13)
}
/// `srli rd, rs1, shamt`
pub const fn srli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    r(0, shamt & 31, rs1, 5, rd, 0x13)
}
/// `srai rd, rs1, shamt`
pub const fn srai(rd: u32, rs1: u32, shamt: u32) -> u32 {
    r(0x20, shamt & 31, rs1, 5, rd, 0x13)
}
/// `lui rd, imm20` (loads `imm20 << 12`)
pub const fn lui(rd: u32, imm20: u32) -> u32 {
    ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37
}
/// `auipc rd, imm20`
pub const fn auipc(rd: u32, imm20: u32) -> u32 {
    ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17
}
/// `jal rd, offset` (offset in bytes from this instruction)
pub const fn jal(rd: u32, off: i32) -> u32 {
    let o = off as u32;
    (((o >> 20) & 1) << 31)
        | (((o >> 1) & 0x3ff) << 21)
        | (((o >> 11) & 1) << 20)
        | (((o >> 12) & 0xff) << 12)
        | (rd << 7)
        | 0x6f
}
/// `fence`
pub const FENCE: u32 = 0x0ff0_000f;

/// `li rd, value` as `lui` + `addi` (always two instructions).
pub const fn li(rd: u32, value: u32) -> [u32; 2] {
    let lo = ((value << 20) as i32) >> 20;
    let hi = value.wrapping_sub(lo as u32) >> 12;
    [lui(rd, hi), addi(rd, rd, lo)]
}

/// The halt sequence: `li a7, 93; ecall` (exit code in `a0`).
pub const HALT: [u32; 2] = [addi(reg::A7, reg::ZERO, 93), ECALL];

/// Builds a static ELF32 RISC-V executable: `code` at [`CODE_BASE`] (R+X, entry at its start)
/// and `data` at [`DATA_BASE`] (R+W; at least one page is mapped even when `data` is empty),
/// with section headers (`.text`, `.data`, `.shstrtab`) as linkers write them.
pub fn elf(code: &[u32], data: &[u32]) -> Vec<u8> {
    elf_with_rodata(code, &[], data, true)
}

/// [`elf`] with `rodata` right after the code in the same R+X segment (at
/// `CODE_BASE + 4 * code.len()`), as GNU ld's default bare-metal layout puts `.rodata`. With
/// `section_headers` a `.rodata` section names it; without, the file has no section headers at
/// all (as after `strip --strip-section-headers`).
pub fn elf_with_rodata(
    code: &[u32],
    rodata: &[u32],
    data: &[u32],
    section_headers: bool,
) -> Vec<u8> {
    const SHF_WRITE: u32 = 1;
    const SHF_ALLOC: u32 = 2;
    const SHF_EXECINSTR: u32 = 4;
    const SHT_PROGBITS: u32 = 1;
    const SHT_STRTAB: u32 = 3;
    let phnum: u16 = 2;
    let code_off = 52 + 32 * u32::from(phnum);
    let code_len = 4 * code.len() as u32;
    let rodata_len = 4 * rodata.len() as u32;
    let text_len = code_len + rodata_len;
    let data_off = code_off + text_len;
    let data_len = 4 * data.len() as u32;
    // Section headers: (name, type, flags, address, file offset, size).
    let mut names = vec![0u8];
    let mut sections = vec![(0, 0, 0, 0, 0, 0)];
    let mut section = |name: &str, kind: u32, flags: u32, addr: u32, off: u32, size: u32| {
        sections.push((names.len() as u32, kind, flags, addr, off, size));
        names.extend_from_slice(name.as_bytes());
        names.push(0);
    };
    let strtab_off = data_off + data_len;
    let mut shoff = 0;
    let mut shnum = 0u16;
    if section_headers {
        let exec = SHF_ALLOC | SHF_EXECINSTR;
        section(".text", SHT_PROGBITS, exec, CODE_BASE, code_off, code_len);
        if !rodata.is_empty() {
            let addr = CODE_BASE + code_len;
            section(
                ".rodata",
                SHT_PROGBITS,
                SHF_ALLOC,
                addr,
                code_off + code_len,
                rodata_len,
            );
        }
        if !data.is_empty() {
            let rw = SHF_ALLOC | SHF_WRITE;
            section(".data", SHT_PROGBITS, rw, DATA_BASE, data_off, data_len);
        }
        section(".shstrtab", SHT_STRTAB, 0, 0, strtab_off, 0);
        let strtab_len = names.len() as u32;
        if let Some(last) = sections.last_mut() {
            last.5 = strtab_len;
        }
        shoff = (strtab_off + strtab_len).next_multiple_of(4);
        shnum = sections.len() as u16;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    out.extend_from_slice(&243u16.to_le_bytes()); // EM_RISCV
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&CODE_BASE.to_le_bytes()); // entry
    out.extend_from_slice(&52u32.to_le_bytes()); // phoff
    out.extend_from_slice(&shoff.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // flags
    out.extend_from_slice(&52u16.to_le_bytes());
    out.extend_from_slice(&32u16.to_le_bytes());
    out.extend_from_slice(&phnum.to_le_bytes());
    out.extend_from_slice(&40u16.to_le_bytes());
    out.extend_from_slice(&shnum.to_le_bytes());
    out.extend_from_slice(&shnum.saturating_sub(1).to_le_bytes()); // shstrndx: the last one
    let ph = |out: &mut Vec<u8>, off: u32, vaddr: u32, filesz: u32, memsz: u32, flags: u32| {
        for v in [1, off, vaddr, vaddr, filesz, memsz, flags, 4096] {
            out.extend_from_slice(&u32::to_le_bytes(v));
        }
    };
    ph(&mut out, code_off, CODE_BASE, text_len, text_len, 5);
    ph(
        &mut out,
        data_off,
        DATA_BASE,
        data_len,
        data_len.max(4096),
        6,
    );
    for w in code.iter().chain(rodata).chain(data) {
        out.extend_from_slice(&w.to_le_bytes());
    }
    if section_headers {
        out.extend_from_slice(&names);
        out.resize(shoff as usize, 0);
        for (name, kind, flags, addr, off, size) in sections {
            for v in [name, kind, flags, addr, off, size, 0, 0, 4, 0] {
                out.extend_from_slice(&u32::to_le_bytes(v));
            }
        }
    }
    out
}
