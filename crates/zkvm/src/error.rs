//! Error types of the zkVM, one enum per layer.

/// Why an ELF file cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    /// The file does not start with `\x7fELF` or is shorter than an ELF header.
    #[error("not an ELF file")]
    BadMagic,
    /// `EI_CLASS` is not ELFCLASS32.
    #[error("not a 32-bit ELF (class {class})")]
    NotElf32 {
        /// The `EI_CLASS` byte found.
        class: u8,
    },
    /// `EI_DATA` is not little-endian.
    #[error("not a little-endian ELF")]
    NotLittleEndian,
    /// `e_type` is not `ET_EXEC`.
    #[error("not an executable ELF (e_type {e_type})")]
    NotExecutable {
        /// The `e_type` found.
        e_type: u16,
    },
    /// `e_machine` is not RISC-V.
    #[error("not a RISC-V ELF (e_machine {machine})")]
    NotRiscV {
        /// The `e_machine` found.
        machine: u16,
    },
    /// A header or segment reaches past the end of the file.
    #[error("ELF truncated: structure at offset {offset} lies outside the file")]
    Truncated {
        /// File offset of the structure.
        offset: usize,
    },
    /// `e_phentsize` is too small for an ELF32 program header.
    #[error("bad program header size {size}")]
    BadProgramHeaderSize {
        /// The `e_phentsize` found.
        size: usize,
    },
    /// `e_shentsize` is too small for an ELF32 section header.
    #[error("bad section header size {size}")]
    BadSectionHeaderSize {
        /// The `e_shentsize` found.
        size: usize,
    },
    /// An allocated section's address range wraps past 2^32.
    #[error("section at {addr:#x} of {size} bytes overflows the address space")]
    SectionOverflow {
        /// Section address.
        addr: u32,
        /// Section size.
        size: u32,
    },
    /// A segment's `p_filesz` exceeds its `p_memsz`.
    #[error("segment at {vaddr:#x}: file size exceeds memory size")]
    FileSizeExceedsMemSize {
        /// Segment address.
        vaddr: u32,
    },
    /// A segment's address range wraps past 2^32.
    #[error("segment at {vaddr:#x} of {size} bytes overflows the address space")]
    SegmentOverflow {
        /// Segment address.
        vaddr: u32,
        /// Segment memory size.
        size: u32,
    },
    /// The file has no `PT_LOAD` segment.
    #[error("ELF has no loadable segment")]
    NoLoadableSegments,
    /// A segment lies (partly) at or above [`crate::MAX_ADDRESS`], which the prover cannot encode.
    #[error(
        "segment at {vaddr:#x} of {size} bytes reaches past the zkVM's address limit {limit:#x}"
    )]
    AddressOutOfRange {
        /// Segment address.
        vaddr: u32,
        /// Segment memory size.
        size: u32,
        /// The limit ([`crate::MAX_ADDRESS`]).
        limit: u32,
    },
    /// The entry point is not 4-byte aligned or not in an executable segment.
    #[error("entry point {entry:#x} is not an aligned address in an executable segment")]
    BadEntry {
        /// The entry point.
        entry: u32,
    },
}

/// Why an execution stopped without reaching a halt syscall.
///
/// Every variant names the `pc` of the instruction that faulted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The program could not be loaded.
    #[error("bad ELF: {0}")]
    Elf(#[from] ElfError),
    /// The word at `pc` is not an RV32IM instruction.
    #[error("illegal instruction {word:#010x} at pc {pc:#x}")]
    IllegalInstruction {
        /// Address of the instruction.
        pc: u32,
        /// The instruction word.
        word: u32,
    },
    /// A SYSTEM instruction other than `ecall` (`ebreak`, CSR access, `unimp`).
    #[error("unsupported system instruction {word:#010x} at pc {pc:#x} (ebreak/csr/unimp trap)")]
    SystemInstruction {
        /// Address of the instruction.
        pc: u32,
        /// The instruction word.
        word: u32,
    },
    /// `pc` is not in an executable segment or not 4-byte aligned.
    #[error("instruction fetch fault at pc {pc:#x}")]
    FetchFault {
        /// The faulting program counter.
        pc: u32,
    },
    /// A load or store address not aligned to its access size.
    #[error("misaligned {size}-byte access to {addr:#x} at pc {pc:#x}")]
    MisalignedAccess {
        /// Address of the instruction.
        pc: u32,
        /// The data address.
        addr: u32,
        /// Access size in bytes.
        size: u32,
    },
    /// A load or store to an address no segment maps.
    #[error("access to unmapped address {addr:#x} at pc {pc:#x}")]
    Unmapped {
        /// Address of the instruction.
        pc: u32,
        /// The data address.
        addr: u32,
    },
    /// A load from an executable segment (code is not readable as data in this machine).
    #[error("load from code address {addr:#x} at pc {pc:#x}")]
    LoadFromCode {
        /// Address of the instruction.
        pc: u32,
        /// The data address.
        addr: u32,
    },
    /// A store to a read-only segment (code or read-only data).
    #[error("store to read-only address {addr:#x} at pc {pc:#x}")]
    WriteToReadOnly {
        /// Address of the instruction.
        pc: u32,
        /// The data address.
        addr: u32,
    },
    /// The program ran for the configured maximum number of cycles without halting.
    #[error("cycle limit of {limit} reached")]
    CycleLimit {
        /// The configured limit.
        limit: u64,
    },
    /// `ecall` with an `a7` the machine does not know.
    #[error("unknown syscall {number} at pc {pc:#x}")]
    UnknownSyscall {
        /// Address of the `ecall`.
        pc: u32,
        /// The value of `a7`.
        number: u32,
    },
    /// The program asked for more private input than was given.
    #[error("private input exhausted at pc {pc:#x}")]
    InputExhausted {
        /// Address of the `ecall`.
        pc: u32,
    },
    /// `HINT_WORD` with no hint word queued.
    #[error("no hint word queued at pc {pc:#x}")]
    HintExhausted {
        /// Address of the `ecall`.
        pc: u32,
    },
    /// `HINT_REQUEST` of a kind the host does not answer.
    #[error("unknown hint request kind {kind} at pc {pc:#x}")]
    UnknownHint {
        /// Address of the `ecall`.
        pc: u32,
        /// The request's kind word.
        kind: u32,
    },
    /// More hint words queued than [`crate::MAX_PENDING_HINT_WORDS`].
    #[error("more than {max} hint words pending at pc {pc:#x}")]
    TooManyHints {
        /// Address of the `ecall`.
        pc: u32,
        /// The limit.
        max: usize,
    },
    /// A secp256k1 addition of points with equal `x` (`P = ±Q`) or a doubling of a point with
    /// `y = 0`: the affine formula has no slope (the guest handles these cases itself).
    #[error("{chip:?} at pc {pc:#x} has no affine slope (P = ±Q, or y = 0)")]
    DegenerateCurveOp {
        /// Address of the `ecall`.
        pc: u32,
        /// The chip called.
        chip: crate::Chip,
    },
}

/// Why proving failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    /// The program did not run to a halt.
    #[error("execution failed: {0}")]
    Exec(#[from] ExecError),
    /// The run executed an instruction the v1 AIR does not constrain yet. No proof is produced.
    #[error(
        "instruction `{mnemonic}` at pc {pc:#x} is not supported by the prover (see docs/zkvm.md)"
    )]
    UnsupportedInstruction {
        /// Address of the instruction.
        pc: u32,
        /// Its mnemonic.
        mnemonic: &'static str,
    },
    /// A run or segment length over its limit (the run's `max_cycles`, or [`crate::MAX_SEGMENT_CYCLES`]).
    #[error("{cycles} cycles exceed the limit of {max} cycles")]
    TooManyCycles {
        /// Cycles executed.
        cycles: u64,
        /// [`crate::MAX_SEGMENT_CYCLES`].
        max: u64,
    },
    /// A segment calls a chip more often than its table may hold rows.
    #[error(
        "{calls} calls of the {chip:?} chip in one segment exceed its limit of {max}; use shorter segments"
    )]
    TooManyChipCalls {
        /// The chip.
        chip: crate::Chip,
        /// Calls in the segment.
        calls: usize,
        /// The most one segment may make.
        max: usize,
    },
    /// The progress hook asked to stop (after `segments` proven segments).
    #[error("proving cancelled after {segments} segment(s)")]
    Cancelled {
        /// Segments proven before the stop.
        segments: usize,
    },
    /// The trace does not satisfy the constraints (a bug in trace generation, never a user error).
    #[error("the STARK prover failed: {0}")]
    Stark(String),
}

/// Why a proof was rejected.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The proof bytes do not decode.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The program could not be loaded.
    #[error("bad ELF: {0}")]
    Elf(#[from] ElfError),
    /// The proof has a different number of tables or trace heights the verifier does not accept.
    #[error("proof shape rejected: {0}")]
    Shape(String),
    /// The STARK verifier rejected the proof (tampered proof, wrong public values or wrong program).
    #[error("STARK verification failed: {0}")]
    Stark(String),
}
