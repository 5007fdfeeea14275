//! The RV32IM executor: loads a [`Program`], runs it to a halt and records the execution trace.

use std::collections::BTreeMap;

use crate::elf::ElfProgram;
use crate::error::{ElfError, ExecError};
use crate::isa::{DecodeError, Instruction, Op, decode};

/// Addresses at or above this limit cannot be mapped: the prover encodes word addresses as
/// field elements and needs `address < 2^29` so that sums of two addresses stay below p.
pub const MAX_ADDRESS: u32 = 0x2000_0000;

/// Bytes per memory page (mapping granularity).
pub const PAGE_SIZE: u32 = 4096;
const WORDS_PER_PAGE: usize = (PAGE_SIZE / 4) as usize;
/// Page permissions (`Program::perms`): nothing mapped, read-only data, writable data, code.
const PAGE_READ_ONLY: u8 = 1;
const PAGE_WRITABLE: u8 = 2;
const PAGE_CODE: u8 = 3;
const NUM_PAGES: usize = (MAX_ADDRESS / PAGE_SIZE) as usize;

/// Syscall numbers (`a7` at `ecall`).
pub mod syscall {
    /// Halt with exit code `a0` (the Linux `exit` number, so riscv-tests ELFs run unchanged).
    pub const HALT: u32 = 93;
    /// Read the next word of private input into `a0`.
    pub const READ_WORD: u32 = 0x100;
    /// Append `a0` to the public output.
    pub const COMMIT_WORD: u32 = 0x101;
    /// Keccak-f\[1600\] on the 200-byte state at `a0` (25 little-endian lanes), in place.
    pub const KECCAK_PERMUTE: u32 = 0x200;
    /// Blake2s compression on the 28-word block at `a0` (`h[8]`, `m[16]`, `t0, t1, f0, f1`):
    /// `h` is replaced by the compressed chaining value.
    pub const BLAKE2S_COMPRESS: u32 = 0x201;
    /// secp256k1 affine addition on the 32-word block at `a0` (point `P`, then point `Q`; each
    /// `x` then `y`, 8 little-endian words per coordinate): `P` is replaced by `P + Q`, reduced
    /// mod p. `P = ±Q` (equal `x` mod p) has no chord: `ExecError::DegenerateCurveOp`.
    pub const SECP256K1_ADD: u32 = 0x202;
    /// secp256k1 affine doubling of the 16-word point at `a0`, in place; `y = 0` mod p is
    /// `ExecError::DegenerateCurveOp`.
    pub const SECP256K1_DOUBLE: u32 = 0x203;
    /// `a0` ← the next word the host has answered to [`HINT_REQUEST`]s (unproven: the guest
    /// checks what it is told).
    pub const HINT_WORD: u32 = 0x102;
    /// Ask the host for a hint: `a0` points at the request (`crate::hint` kinds); the answer's
    /// words are queued for [`HINT_WORD`]. No proven effect.
    pub const HINT_REQUEST: u32 = 0x103;
}

/// Most hint words queued and not yet read (a guest that never reads its hints stops).
pub const MAX_PENDING_HINT_WORDS: usize = 1 << 16;

/// One word of the program's code: a decoded instruction or why it does not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeWord {
    /// A valid RV32IM instruction.
    Ins(Instruction),
    /// A word that does not decode (faults only if executed).
    Invalid {
        /// The raw word.
        word: u32,
        /// Why it does not decode.
        reason: DecodeError,
    },
    /// Not in an executable segment.
    NotExecutable,
}

/// Per page: whether one of `sections` lies (partly) on it; `None` when there are no section headers.
fn data_pages(sections: Option<&[std::ops::Range<u32>]>) -> Option<Vec<bool>> {
    let sections = sections?;
    // Counts of sections starting and ending per page, summed in one sweep: linear in the pages
    // and sections, however large or many the sections are.
    let mut delta = vec![0i64; NUM_PAGES + 1];
    for r in sections {
        let first = (r.start / PAGE_SIZE) as usize;
        if first >= NUM_PAGES {
            continue;
        }
        let last = (((r.end - 1) / PAGE_SIZE) as usize).min(NUM_PAGES - 1);
        delta[first] += 1;
        delta[last + 1] -= 1;
    }
    let mut open = 0i64;
    Some(
        delta[..NUM_PAGES]
            .iter()
            .map(|d| {
                open += d;
                open > 0
            })
            .collect(),
    )
}

/// A program loaded from an ELF: decoded code, initial memory image and page permissions.
#[derive(Clone, Debug)]
pub struct Program {
    /// Entry point.
    pub entry: u32,
    /// Address of `code[0]`.
    pub code_base: u32,
    /// The words from `code_base` to the end of the last executable segment.
    pub code: Vec<CodeWord>,
    /// Initial memory: every word covered by a segment's file bytes (aligned address → value).
    pub image: BTreeMap<u32, u32>,
    /// Per page: 0 unmapped, 1 read-only data (also a page with code and read-only data), 2 writable
    /// data, 3 code (an executable byte and no data on it).
    perms: Vec<u8>,
}

impl Program {
    /// Loads an ELF file.
    ///
    /// A page with executable bytes is a code page, unless a non-executable allocated section
    /// (`.rodata`) lies on it or the file has no section headers: then it is a read-only data page
    /// (and its words are still fetched as instructions from [`Program::code`]).
    ///
    /// # Errors
    /// [`ElfError`] when the ELF does not parse, maps memory at or above [`MAX_ADDRESS`], or its
    /// entry point is not in an executable segment.
    pub fn from_elf(bytes: &[u8]) -> Result<Self, ElfError> {
        let elf = ElfProgram::parse(bytes)?;
        let mut perms = vec![0u8; NUM_PAGES];
        let mut exec_page = vec![false; NUM_PAGES];
        let mut image = BTreeMap::new();
        let mut exec_ranges = Vec::new();
        for seg in &elf.segments {
            let end = u64::from(seg.vaddr) + u64::from(seg.mem_size);
            if end > u64::from(MAX_ADDRESS) {
                return Err(ElfError::AddressOutOfRange {
                    vaddr: seg.vaddr,
                    size: seg.mem_size,
                    limit: MAX_ADDRESS,
                });
            }
            if seg.mem_size == 0 {
                continue;
            }
            let first = (seg.vaddr / PAGE_SIZE) as usize;
            let last = ((end - 1) / u64::from(PAGE_SIZE)) as usize;
            for p in first..=last {
                perms[p] = perms[p].max(if seg.write {
                    PAGE_WRITABLE
                } else {
                    PAGE_READ_ONLY
                });
                exec_page[p] |= seg.exec;
            }
            for (i, b) in seg.data.iter().enumerate() {
                let addr = seg.vaddr + i as u32;
                let w = image.entry(addr & !3).or_insert(0u32);
                let shift = 8 * (addr & 3);
                *w = (*w & !(0xff << shift)) | (u32::from(*b) << shift);
            }
            if seg.exec {
                exec_ranges.push((seg.vaddr, end as u32));
            }
        }
        // A page with any executable byte is never writable (no self-modifying code). It is a code
        // page (no loads either, and the prover's image leaves its words out) unless read-only data
        // shares it: GNU ld puts `.rodata` in the text segment. Then it is a read-only data page
        // whose words, instructions included, enter the image. Without section headers nothing
        // tells code from data, so every executable page is such a data page.
        let shares_data = data_pages(elf.data_sections.as_deref());
        for (p, perm) in perms.iter_mut().enumerate() {
            if exec_page[p] {
                *perm = if shares_data.as_ref().is_none_or(|d| d[p]) {
                    PAGE_READ_ONLY
                } else {
                    PAGE_CODE
                };
            }
        }
        let code_base = exec_ranges.iter().map(|r| r.0 & !3).min().unwrap_or(0);
        let code_end = exec_ranges.iter().map(|r| r.1).max().unwrap_or(0);
        let mut code = Vec::with_capacity(((code_end - code_base) / 4) as usize);
        let mut pc = code_base;
        while pc < code_end {
            let in_exec = exec_ranges.iter().any(|&(s, e)| pc >= s && pc + 4 <= e);
            code.push(if in_exec {
                let word = image.get(&pc).copied().unwrap_or(0);
                match decode(word) {
                    Ok(ins) => CodeWord::Ins(ins),
                    Err(reason) => CodeWord::Invalid { word, reason },
                }
            } else {
                CodeWord::NotExecutable
            });
            pc += 4;
        }
        let program = Self {
            entry: elf.entry,
            code_base,
            code,
            image,
            perms,
        };
        match program.fetch(elf.entry) {
            Some(CodeWord::Ins(_) | CodeWord::Invalid { .. }) => Ok(program),
            _ => Err(ElfError::BadEntry { entry: elf.entry }),
        }
    }

    /// The code word at `pc`, or `None` when `pc` is unaligned or outside the code range.
    pub fn fetch(&self, pc: u32) -> Option<CodeWord> {
        if pc & 3 != 0 || pc < self.code_base {
            return None;
        }
        self.code.get(((pc - self.code_base) / 4) as usize).copied()
    }

    /// Whether `addr` lies in a mapped page.
    pub fn is_mapped(&self, addr: u32) -> bool {
        self.perms
            .get((addr / PAGE_SIZE) as usize)
            .is_some_and(|&p| p > 0)
    }

    /// Whether `addr` lies on a code page: one with executable bytes and no read-only data (code is
    /// not data: loads from it and stores to it are refused, and the prover's memory image leaves
    /// it out).
    pub fn is_code(&self, addr: u32) -> bool {
        self.perms
            .get((addr / PAGE_SIZE) as usize)
            .is_some_and(|&p| p == PAGE_CODE)
    }

    fn is_writable(&self, addr: u32) -> bool {
        self.perms
            .get((addr / PAGE_SIZE) as usize)
            .is_some_and(|&p| p == PAGE_WRITABLE)
    }

    /// Every data page (mapped, not a code page) and whether it is writable, by page number: what loads
    /// (any of them) and stores (writable ones) may touch. The prover's page table.
    pub fn data_pages(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.perms.iter().enumerate().filter_map(|(i, &p)| {
            (p == PAGE_READ_ONLY || p == PAGE_WRITABLE).then_some((i as u32, p == PAGE_WRITABLE))
        })
    }

    /// The same program without page `page` mapped (tests build runs the real program forbids).
    #[cfg(test)]
    pub(crate) fn without_page(mut self, page: u32) -> Self {
        self.perms[page as usize] = 0;
        self
    }

    /// The same program with page `page`'s permission replaced (tests build runs the real program
    /// forbids).
    #[cfg(test)]
    pub(crate) fn with_page_writable(mut self, page: u32, writable: bool) -> Self {
        self.perms[page as usize] = if writable {
            PAGE_WRITABLE
        } else {
            PAGE_READ_ONLY
        };
        self
    }
}

/// A memory access of one cycle, at word granularity (byte and half-word accesses touch the
/// aligned word that contains them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemAccess {
    /// The aligned address of the word.
    pub addr: u32,
    /// The word before the access.
    pub old: u32,
    /// The word after the access (`old` for loads).
    pub new: u32,
}

/// One cycle of the execution trace: everything the prover needs besides the program.
///
/// Register accesses happen in a fixed order per cycle: read `rs1`, read `rs2`, the memory
/// access, write `rd` (writes to `x0` store 0). Timestamps are implicit: the `k`-th access of
/// cycle `c` has timestamp `4c + k + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Program counter of the instruction.
    pub pc: u32,
    /// The instruction (from the program ROM).
    pub ins: Instruction,
    /// Value of `rs1` read.
    pub rs1_val: u32,
    /// Value of `rs2` read.
    pub rs2_val: u32,
    /// Value written to `rd` (0 when `rd = x0`).
    pub rd_val: u32,
    /// The memory access, for loads and stores.
    pub mem: Option<MemAccess>,
}

/// One call of a chip syscall (a precompile): the block of words it read and wrote, for the
/// prover's chip tables. The words are contiguous from `ptr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChipCall {
    /// Index of the `ecall`'s [`Step`] in its trace (or chunk of trace).
    pub step: usize,
    /// Which chip.
    pub chip: Chip,
    /// Byte address of the block (`a0`), 4-byte aligned.
    pub ptr: u32,
    /// The block's words before the call.
    pub old: Vec<u32>,
    /// The block's words after the call.
    pub new: Vec<u32>,
}

/// The chips that syscalls call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chip {
    /// Keccak-f\[1600\] ([`syscall::KECCAK_PERMUTE`]).
    Keccak,
    /// Blake2s compression ([`syscall::BLAKE2S_COMPRESS`]).
    Blake2s,
    /// secp256k1 point addition ([`syscall::SECP256K1_ADD`]).
    Secp256k1Add,
    /// secp256k1 point doubling ([`syscall::SECP256K1_DOUBLE`]).
    Secp256k1Double,
}

impl Chip {
    /// Words of the block at `a0` that the call reads and writes.
    pub const fn words(self) -> usize {
        match self {
            Self::Keccak => crate::precompile::KECCAK_WORDS,
            Self::Blake2s => crate::precompile::BLAKE2S_WORDS,
            Self::Secp256k1Add => crate::precompile::SECP256K1_ADD_WORDS,
            Self::Secp256k1Double => crate::precompile::SECP256K1_DOUBLE_WORDS,
        }
    }

    /// The syscall number that calls the chip.
    pub const fn syscall(self) -> u32 {
        match self {
            Self::Keccak => syscall::KECCAK_PERMUTE,
            Self::Blake2s => syscall::BLAKE2S_COMPRESS,
            Self::Secp256k1Add => syscall::SECP256K1_ADD,
            Self::Secp256k1Double => syscall::SECP256K1_DOUBLE,
        }
    }

    /// The chip's id on the prover's `chip` bus (1-based: 0 never names a chip).
    pub(crate) const fn id(self) -> u32 {
        self as u32 + 1
    }

    /// The chip a syscall number calls, if any.
    pub const fn from_syscall(number: u32) -> Option<Self> {
        match number {
            syscall::KECCAK_PERMUTE => Some(Self::Keccak),
            syscall::BLAKE2S_COMPRESS => Some(Self::Blake2s),
            syscall::SECP256K1_ADD => Some(Self::Secp256k1Add),
            syscall::SECP256K1_DOUBLE => Some(Self::Secp256k1Double),
            _ => None,
        }
    }
}

/// Execution limits and options.
#[derive(Clone, Copy, Debug)]
pub struct ExecConfig {
    /// Stop with [`ExecError::CycleLimit`] after this many cycles.
    pub max_cycles: u64,
    /// Record the per-cycle [`Step`]s (needed for proving).
    pub trace: bool,
}

impl Default for ExecConfig {
    fn default() -> Self {
        Self {
            max_cycles: 1 << 32,
            trace: false,
        }
    }
}

/// The result of a run that halted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// `a0` at the halt syscall.
    pub exit_code: u32,
    /// Instructions executed, including the halting `ecall`.
    pub cycles: u64,
    /// Words committed with [`syscall::COMMIT_WORD`].
    pub output: Vec<u32>,
    /// The trace, when [`ExecConfig::trace`] was set.
    pub trace: Vec<Step>,
    /// The chip calls of the trace, in order (with [`ExecConfig::trace`]).
    pub calls: Vec<ChipCall>,
}

struct Memory {
    pages: Vec<Option<Box<[u32; WORDS_PER_PAGE]>>>,
}

impl Memory {
    fn new(program: &Program) -> Self {
        let mut pages: Vec<Option<Box<[u32; WORDS_PER_PAGE]>>> = vec![None; NUM_PAGES];
        for (&addr, &w) in &program.image {
            let page = pages[(addr / PAGE_SIZE) as usize]
                .get_or_insert_with(|| Box::new([0; WORDS_PER_PAGE]));
            page[((addr % PAGE_SIZE) / 4) as usize] = w;
        }
        Self { pages }
    }

    #[inline]
    fn load(&self, addr: u32) -> u32 {
        match &self.pages[(addr / PAGE_SIZE) as usize] {
            Some(p) => p[((addr % PAGE_SIZE) / 4) as usize],
            None => 0,
        }
    }

    #[inline]
    fn store(&mut self, addr: u32, w: u32) {
        let page = self.pages[(addr / PAGE_SIZE) as usize]
            .get_or_insert_with(|| Box::new([0; WORDS_PER_PAGE]));
        page[((addr % PAGE_SIZE) / 4) as usize] = w;
    }
}

/// `bytes` framed as private input the way the guest runtime's `read_bytes` reads it: a length word, then the
/// bytes packed little-endian into words (the last one zero-padded). The caller bounds `bytes` below 4 GiB.
pub fn input_bytes(bytes: &[u8]) -> Vec<u32> {
    let mut words = Vec::with_capacity(1 + bytes.len().div_ceil(4));
    words.push(bytes.len() as u32);
    words.extend(bytes.chunks(4).map(|c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        u32::from_le_bytes(w)
    }));
    words
}

/// Runs `program` with private `input` until it halts.
///
/// Deterministic: the same program, input and config give the same result.
///
/// # Errors
/// [`ExecError`] for every way the run can stop other than the halt syscall.
pub fn execute(
    program: &Program,
    input: &[u32],
    config: &ExecConfig,
) -> Result<Execution, ExecError> {
    run_chunked(
        program,
        input,
        config,
        None,
        &mut |_: &[Step], _: &[ChipCall], _| Ok(()),
    )
}

/// The outcome of [`run_chunked`] per segment: the steps, their chip calls (`step` counts from the
/// chunk's first step), and the next segment's pc (`None` for the halting segment).
pub(crate) type ChunkFn<'a, E> = dyn FnMut(&[Step], &[ChipCall], Option<u32>) -> Result<(), E> + 'a;

/// [`execute`], optionally handing the trace over in chunks of `chunk` steps as it is produced
/// (the returned [`Execution`] then has an empty trace), so that a long run needs memory for
/// one chunk only.
pub(crate) fn run_chunked<E: From<ExecError>>(
    program: &Program,
    input: &[u32],
    config: &ExecConfig,
    chunk: Option<usize>,
    on_chunk: &mut ChunkFn<'_, E>,
) -> Result<Execution, E> {
    let mut regs = [0u32; 32];
    let mut mem = Memory::new(program);
    let mut pc = program.entry;
    let mut input = input.iter().copied();
    let mut hints = std::collections::VecDeque::new();
    let mut output = Vec::new();
    let mut trace = Vec::new();
    let mut calls = Vec::new();
    let mut cycles: u64 = 0;
    loop {
        if cycles >= config.max_cycles {
            return Err(E::from(ExecError::CycleLimit {
                limit: config.max_cycles,
            }));
        }
        let ins = match program.fetch(pc) {
            Some(CodeWord::Ins(ins)) => ins,
            Some(CodeWord::Invalid {
                word,
                reason: DecodeError::Illegal,
            }) => {
                return Err(E::from(ExecError::IllegalInstruction { pc, word }));
            }
            Some(CodeWord::Invalid {
                word,
                reason: DecodeError::System,
            }) => {
                return Err(E::from(ExecError::SystemInstruction { pc, word }));
            }
            Some(CodeWord::NotExecutable) | None => {
                return Err(E::from(ExecError::FetchFault { pc }));
            }
        };
        cycles += 1;
        let a = regs[ins.rs1 as usize];
        let b = regs[ins.rs2 as usize];
        let imm = ins.imm;
        let mut next_pc = pc.wrapping_add(4);
        let mut access = None;
        let mut halt = None;
        let rd_val: u32 = match ins.op {
            Op::Lui => imm,
            Op::Auipc => pc.wrapping_add(imm),
            Op::Jal => {
                next_pc = pc.wrapping_add(imm);
                pc.wrapping_add(4)
            }
            Op::Jalr => {
                next_pc = a.wrapping_add(imm) & !1;
                pc.wrapping_add(4)
            }
            Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
                let taken = match ins.op {
                    Op::Beq => a == b,
                    Op::Bne => a != b,
                    Op::Blt => (a as i32) < (b as i32),
                    Op::Bge => (a as i32) >= (b as i32),
                    Op::Bltu => a < b,
                    _ => a >= b,
                };
                if taken {
                    next_pc = pc.wrapping_add(imm);
                }
                0
            }
            Op::Lb | Op::Lh | Op::Lw | Op::Lbu | Op::Lhu => {
                let addr = a.wrapping_add(imm);
                let size = match ins.op {
                    Op::Lb | Op::Lbu => 1,
                    Op::Lh | Op::Lhu => 2,
                    _ => 4,
                };
                if addr % size != 0 {
                    return Err(E::from(ExecError::MisalignedAccess { pc, addr, size }));
                }
                if addr >= MAX_ADDRESS || !program.is_mapped(addr) {
                    return Err(E::from(ExecError::Unmapped { pc, addr }));
                }
                if program.is_code(addr) {
                    return Err(E::from(ExecError::LoadFromCode { pc, addr }));
                }
                let waddr = addr & !3;
                let word = mem.load(waddr);
                access = Some(MemAccess {
                    addr: waddr,
                    old: word,
                    new: word,
                });
                let shifted = word >> (8 * (addr & 3));
                match ins.op {
                    Op::Lb => shifted as u8 as i8 as i32 as u32,
                    Op::Lbu => shifted & 0xff,
                    Op::Lh => shifted as u16 as i16 as i32 as u32,
                    Op::Lhu => shifted & 0xffff,
                    _ => word,
                }
            }
            Op::Sb | Op::Sh | Op::Sw => {
                let addr = a.wrapping_add(imm);
                let size = match ins.op {
                    Op::Sb => 1,
                    Op::Sh => 2,
                    _ => 4,
                };
                if addr % size != 0 {
                    return Err(E::from(ExecError::MisalignedAccess { pc, addr, size }));
                }
                if addr >= MAX_ADDRESS || !program.is_mapped(addr) {
                    return Err(E::from(ExecError::Unmapped { pc, addr }));
                }
                if !program.is_writable(addr) {
                    return Err(E::from(ExecError::WriteToReadOnly { pc, addr }));
                }
                let waddr = addr & !3;
                let old = mem.load(waddr);
                let shift = 8 * (addr & 3);
                let mask: u32 = match size {
                    1 => 0xff,
                    2 => 0xffff,
                    _ => u32::MAX,
                };
                let new = (old & !(mask << shift)) | ((b & mask) << shift);
                mem.store(waddr, new);
                access = Some(MemAccess {
                    addr: waddr,
                    old,
                    new,
                });
                0
            }
            Op::Addi | Op::Add => a.wrapping_add(if ins.op == Op::Add { b } else { imm }),
            Op::Sub => a.wrapping_sub(b),
            Op::Slti | Op::Slt => {
                let y = if ins.op == Op::Slt { b } else { imm };
                u32::from((a as i32) < (y as i32))
            }
            Op::Sltiu | Op::Sltu => u32::from(a < if ins.op == Op::Sltu { b } else { imm }),
            Op::Xori => a ^ imm,
            Op::Xor => a ^ b,
            Op::Ori => a | imm,
            Op::Or => a | b,
            Op::Andi => a & imm,
            Op::And => a & b,
            Op::Slli => a << (imm & 31),
            Op::Sll => a << (b & 31),
            Op::Srli => a >> (imm & 31),
            Op::Srl => a >> (b & 31),
            Op::Srai => ((a as i32) >> (imm & 31)) as u32,
            Op::Sra => ((a as i32) >> (b & 31)) as u32,
            Op::Mul => a.wrapping_mul(b),
            Op::Mulh => ((i64::from(a as i32) * i64::from(b as i32)) >> 32) as u32,
            Op::Mulhsu => ((i64::from(a as i32) * i64::from(b)) >> 32) as u32,
            Op::Mulhu => ((u64::from(a) * u64::from(b)) >> 32) as u32,
            Op::Div => {
                if b == 0 {
                    u32::MAX
                } else {
                    (a as i32).wrapping_div(b as i32) as u32
                }
            }
            Op::Divu => a.checked_div(b).unwrap_or(u32::MAX),
            Op::Rem => {
                if b == 0 {
                    a
                } else {
                    (a as i32).wrapping_rem(b as i32) as u32
                }
            }
            Op::Remu => a.checked_rem(b).unwrap_or(a),
            Op::Fence => 0,
            Op::Ecall => match a {
                syscall::HALT => {
                    halt = Some(b);
                    b
                }
                syscall::READ_WORD => input.next().ok_or(ExecError::InputExhausted { pc })?,
                syscall::HINT_WORD => hints.pop_front().ok_or(ExecError::HintExhausted { pc })?,
                syscall::HINT_REQUEST => {
                    let answer = hint_request(program, &mem, pc, b)?;
                    if hints.len() + answer.len() > MAX_PENDING_HINT_WORDS {
                        return Err(E::from(ExecError::TooManyHints {
                            pc,
                            max: MAX_PENDING_HINT_WORDS,
                        }));
                    }
                    hints.extend(answer);
                    b
                }
                syscall::COMMIT_WORD => {
                    output.push(b);
                    b
                }
                number => match Chip::from_syscall(number) {
                    Some(chip) => {
                        let call = run_chip(program, &mut mem, pc, chip, b, trace.len())?;
                        if config.trace {
                            calls.push(call);
                        }
                        b
                    }
                    None => return Err(E::from(ExecError::UnknownSyscall { pc, number })),
                },
            },
        };
        let rd_val = if ins.rd == 0 { 0 } else { rd_val };
        regs[ins.rd as usize] = rd_val;
        if config.trace {
            trace.push(Step {
                pc,
                ins,
                rs1_val: a,
                rs2_val: b,
                rd_val,
                mem: access,
            });
        }
        if let Some(exit_code) = halt {
            if chunk.is_some() {
                on_chunk(&trace, &calls, None)?;
                trace.clear();
                calls.clear();
            }
            return Ok(Execution {
                exit_code,
                cycles,
                output,
                trace,
                calls,
            });
        }
        if chunk.is_some_and(|n| trace.len() >= n) {
            on_chunk(&trace, &calls, Some(next_pc))?;
            trace.clear();
            calls.clear();
        }
        pc = next_pc;
    }
}

/// Reads the hint request at `ptr` (unproven loads: aligned, mapped, not code) and answers it.
fn hint_request(program: &Program, mem: &Memory, pc: u32, ptr: u32) -> Result<Vec<u32>, ExecError> {
    let read = |i: u32| -> Result<u32, ExecError> {
        let addr = ptr.checked_add(4 * i).ok_or(ExecError::Unmapped {
            pc,
            addr: ptr.wrapping_add(4 * i),
        })?;
        if !addr.is_multiple_of(4) {
            return Err(ExecError::MisalignedAccess { pc, addr, size: 4 });
        }
        if addr >= MAX_ADDRESS || !program.is_mapped(addr) {
            return Err(ExecError::Unmapped { pc, addr });
        }
        if program.is_code(addr) {
            return Err(ExecError::LoadFromCode { pc, addr });
        }
        Ok(mem.load(addr))
    };
    let kind = read(0)?;
    let words =
        crate::precompile::hint::request_words(kind).ok_or(ExecError::UnknownHint { pc, kind })?;
    let request = (0..words as u32)
        .map(read)
        .collect::<Result<Vec<u32>, _>>()?;
    Ok(crate::precompile::hint_answer(&request))
}

/// Runs a chip syscall on the block of `chip.words()` words at `ptr`, in place.
///
/// Every word must be 4-byte aligned, mapped, writable data (the block is updated in place); a
/// bad pointer is a typed error and changes nothing.
fn run_chip(
    program: &Program,
    mem: &mut Memory,
    pc: u32,
    chip: Chip,
    ptr: u32,
    step: usize,
) -> Result<ChipCall, ExecError> {
    if !ptr.is_multiple_of(4) {
        return Err(ExecError::MisalignedAccess {
            pc,
            addr: ptr,
            size: 4,
        });
    }
    let words = chip.words();
    let mut old = Vec::with_capacity(words);
    for i in 0..words {
        let addr = ptr
            .checked_add(4 * i as u32)
            .filter(|&a| a < MAX_ADDRESS && program.is_mapped(a))
            .ok_or(ExecError::Unmapped {
                pc,
                addr: ptr.wrapping_add(4 * i as u32),
            })?;
        if !program.is_writable(addr) {
            return Err(ExecError::WriteToReadOnly { pc, addr });
        }
        old.push(mem.load(addr));
    }
    let mut new = old.clone();
    let computed = match chip {
        Chip::Keccak => {
            crate::precompile::keccak_permute(&mut new);
            true
        }
        Chip::Blake2s => {
            crate::precompile::blake2s_compress(&mut new);
            true
        }
        Chip::Secp256k1Add => crate::precompile::secp256k1_add(&mut new).is_some(),
        Chip::Secp256k1Double => crate::precompile::secp256k1_double(&mut new).is_some(),
    };
    if !computed {
        return Err(ExecError::DegenerateCurveOp { pc, chip });
    }
    for (i, &w) in new.iter().enumerate() {
        mem.store(ptr + 4 * i as u32, w);
    }
    Ok(ChipCall {
        step,
        chip,
        ptr,
        old,
        new,
    })
}
