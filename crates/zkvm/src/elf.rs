//! A minimal ELF32 (little-endian, RISC-V, executable) loader.
//!
//! Only what the zkVM needs: the entry point, the `PT_LOAD` segments with their permissions, and
//! where the section headers (if any) put read-only data (to find `.rodata` inside a code segment).

use crate::error::ElfError;

/// ELF machine number of RISC-V.
const EM_RISCV: u16 = 243;
/// `e_type` of an executable.
const ET_EXEC: u16 = 2;
/// `p_type` of a loadable segment.
const PT_LOAD: u32 = 1;
/// Segment flag: executable.
const PF_X: u32 = 1;
/// Segment flag: writable.
const PF_W: u32 = 2;
/// Size of an ELF32 section header.
const SHDR_SIZE: usize = 40;
/// Section flag: occupies memory at run time.
const SHF_ALLOC: u32 = 2;
/// Section flag: executable instructions.
const SHF_EXECINSTR: u32 = 4;

/// One loadable segment of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Virtual address of the first byte.
    pub vaddr: u32,
    /// Size in memory; bytes past `data.len()` are zero.
    pub mem_size: u32,
    /// The bytes from the file (`p_filesz` of them).
    pub data: Vec<u8>,
    /// Segment is executable.
    pub exec: bool,
    /// Segment is writable.
    pub write: bool,
}

/// A parsed ELF program: entry point and loadable segments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElfProgram {
    /// Entry point (`e_entry`).
    pub entry: u32,
    /// `PT_LOAD` segments in file order.
    pub segments: Vec<Segment>,
    /// Address ranges of the non-executable `SHF_ALLOC` sections of non-zero size (`.rodata`,
    /// `.eh_frame`, `.data`, `.bss`, ...), in section order; `None` when the file has no section
    /// headers. The loader reads data on code pages only where these say there is some.
    pub data_sections: Option<Vec<std::ops::Range<u32>>>,
}

fn u16_at(b: &[u8], off: usize) -> Result<u16, ElfError> {
    b.get(off..off + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(ElfError::Truncated { offset: off })
}

fn u32_at(b: &[u8], off: usize) -> Result<u32, ElfError> {
    b.get(off..off + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(ElfError::Truncated { offset: off })
}

impl ElfProgram {
    /// Parses an ELF32 little-endian RISC-V executable.
    ///
    /// # Errors
    /// [`ElfError`] when the bytes are not such an ELF, a header or segment lies outside the file,
    /// or a segment's memory range overflows 32 bits.
    pub fn parse(bytes: &[u8]) -> Result<Self, ElfError> {
        if bytes.len() < 52 || bytes[0..4] != [0x7f, b'E', b'L', b'F'] {
            return Err(ElfError::BadMagic);
        }
        if bytes[4] != 1 {
            return Err(ElfError::NotElf32 { class: bytes[4] });
        }
        if bytes[5] != 1 {
            return Err(ElfError::NotLittleEndian);
        }
        let e_type = u16_at(bytes, 16)?;
        if e_type != ET_EXEC {
            return Err(ElfError::NotExecutable { e_type });
        }
        let machine = u16_at(bytes, 18)?;
        if machine != EM_RISCV {
            return Err(ElfError::NotRiscV { machine });
        }
        let entry = u32_at(bytes, 24)?;
        let phoff = u32_at(bytes, 28)? as usize;
        let phentsize = u16_at(bytes, 42)? as usize;
        let phnum = u16_at(bytes, 44)? as usize;
        if phentsize < 32 {
            return Err(ElfError::BadProgramHeaderSize { size: phentsize });
        }
        let mut segments = Vec::new();
        for i in 0..phnum {
            let h = phoff
                .checked_add(i * phentsize)
                .ok_or(ElfError::Truncated { offset: phoff })?;
            if u32_at(bytes, h)? != PT_LOAD {
                continue;
            }
            let offset = u32_at(bytes, h + 4)? as usize;
            let vaddr = u32_at(bytes, h + 8)?;
            let filesz = u32_at(bytes, h + 16)?;
            let memsz = u32_at(bytes, h + 20)?;
            let flags = u32_at(bytes, h + 24)?;
            if filesz > memsz {
                return Err(ElfError::FileSizeExceedsMemSize { vaddr });
            }
            if vaddr.checked_add(memsz).is_none() {
                return Err(ElfError::SegmentOverflow { vaddr, size: memsz });
            }
            let data = bytes
                .get(offset..offset + filesz as usize)
                .ok_or(ElfError::Truncated { offset })?
                .to_vec();
            segments.push(Segment {
                vaddr,
                mem_size: memsz,
                data,
                exec: flags & PF_X != 0,
                write: flags & PF_W != 0,
            });
        }
        if segments.is_empty() {
            return Err(ElfError::NoLoadableSegments);
        }
        let data_sections = data_sections(bytes)?;
        Ok(Self {
            entry,
            segments,
            data_sections,
        })
    }
}

/// The address ranges of the non-executable `SHF_ALLOC` sections, or `None` without section headers.
fn data_sections(bytes: &[u8]) -> Result<Option<Vec<std::ops::Range<u32>>>, ElfError> {
    let shoff = u32_at(bytes, 32)? as usize;
    let shentsize = u16_at(bytes, 46)? as usize;
    let mut shnum = u32::from(u16_at(bytes, 48)?);
    if shoff == 0 {
        return Ok(None);
    }
    if shentsize < SHDR_SIZE {
        return Err(ElfError::BadSectionHeaderSize { size: shentsize });
    }
    // ELF extended numbering: with 0xff00 sections or more, `e_shnum` is 0 and section 0's
    // `sh_size` holds the count.
    if shnum == 0 {
        shnum = u32_at(
            bytes,
            shoff
                .checked_add(20)
                .ok_or(ElfError::Truncated { offset: shoff })?,
        )?;
    }
    let mut ranges = Vec::new();
    for i in 0..shnum as usize {
        // Every header must lie in the file, so the loop ends within `bytes.len() / 40` steps.
        let h = i
            .checked_mul(shentsize)
            .and_then(|o| o.checked_add(shoff))
            .filter(|h| h.checked_add(SHDR_SIZE).is_some_and(|e| e <= bytes.len()))
            .ok_or(ElfError::Truncated { offset: shoff })?;
        let flags = u32_at(bytes, h + 8)?;
        let addr = u32_at(bytes, h + 12)?;
        let size = u32_at(bytes, h + 20)?;
        if flags & SHF_ALLOC == 0 || flags & SHF_EXECINSTR != 0 || size == 0 {
            continue;
        }
        let end = addr
            .checked_add(size)
            .ok_or(ElfError::SectionOverflow { addr, size })?;
        ranges.push(addr..end);
    }
    Ok(Some(ranges))
}
