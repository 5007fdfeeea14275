//! Column layouts of the AIRs (`#[repr(C)]` structs over a cell type, borrowed from row slices).

use core::borrow::{Borrow, BorrowMut};
use core::mem::size_of;

/// Opcode flags, set by the program ROM (one per instruction family).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct OpFlags<T> {
    pub add: T,
    pub sub: T,
    pub slt: T,
    pub sltu: T,
    pub and: T,
    pub or: T,
    pub xor: T,
    pub beq: T,
    pub bne: T,
    pub blt: T,
    pub bge: T,
    pub bltu: T,
    pub bgeu: T,
    pub jal: T,
    pub jalr: T,
    pub lb: T,
    pub lbu: T,
    pub lh: T,
    pub lhu: T,
    pub lw: T,
    pub sb: T,
    pub sh: T,
    pub sw: T,
    pub ecall: T,
    /// Multiply and shift family (sent to the multiply chip; `RomEntry::mop` says which op).
    pub mul: T,
}

/// Number of opcode flags.
pub(crate) const NUM_FLAGS: usize = size_of::<OpFlags<u8>>();

/// One decoded instruction as the ROM stores it and the CPU looks it up.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RomEntry<T> {
    /// 1 for program rows, 0 for padding.
    pub valid: T,
    pub pc: T,
    pub rd: T,
    pub rs1: T,
    pub rs2: T,
    /// 1 when `rd != x0`.
    pub rd_nz: T,
    /// Immediate bytes (for `jal`: the link address `pc + 4`; `lui`/`auipc`: the value).
    pub imm: [T; 4],
    /// Link address bytes (`pc + 4`) for `jalr`.
    pub link: [T; 4],
    /// Branch / `jal` target as a field element.
    pub target: T,
    /// Multiply-chip operation (1..=7: mul, mulh, mulhsu, mulhu, sll, srl, sra), 0 otherwise.
    pub mop: T,
    pub f: OpFlags<T>,
}

/// Width of a ROM entry (as the CPU holds it).
pub(crate) const ROM_ENTRY_WIDTH: usize = size_of::<RomEntry<u8>>();

/// Width of a `rom` bus message and of a row of the preprocessed ROM table: `(bits, pc, rd, rs1,
/// rs2, imm[4], link[4], target, mop)`, where `bits` packs the 25 opcode flags (bits 0..25),
/// `rd_nz` (bit 25) and `valid` (bit 26) into one field element (below 2^27 < p, so the packing
/// is injective; the CPU constrains each of those columns to be boolean).
pub(crate) const ROM_MSG_WIDTH: usize = 15;
/// Bit of `rd_nz` and of `valid` in the packed ROM bits.
pub(crate) const ROM_BIT_RD_NZ: usize = NUM_FLAGS;
pub(crate) const ROM_BIT_VALID: usize = NUM_FLAGS + 1;

impl<T: Copy> RomEntry<T> {
    /// The opcode flags as a slice, in bit order.
    pub(crate) fn flags(&self) -> &[T; NUM_FLAGS] {
        // SAFETY: `OpFlags<T>` is `#[repr(C)]` with NUM_FLAGS fields of type `T`.
        unsafe { &*(core::ptr::from_ref(&self.f).cast()) }
    }

    /// The `rom` bus message, with `pack` turning `(bit, value)` pairs into the packed bits.
    pub(crate) fn message<E: From<T>>(
        &self,
        pack: impl FnOnce(&mut dyn Iterator<Item = (usize, T)>) -> E,
    ) -> [E; ROM_MSG_WIDTH] {
        let mut bits = self
            .flags()
            .iter()
            .copied()
            .enumerate()
            .chain([(ROM_BIT_RD_NZ, self.rd_nz), (ROM_BIT_VALID, self.valid)]);
        let e = E::from;
        [
            pack(&mut bits),
            e(self.pc),
            e(self.rd),
            e(self.rs1),
            e(self.rs2),
            e(self.imm[0]),
            e(self.imm[1]),
            e(self.imm[2]),
            e(self.imm[3]),
            e(self.link[0]),
            e(self.link[1]),
            e(self.link[2]),
            e(self.link[3]),
            e(self.target),
            e(self.mop),
        ]
    }
}

/// The CPU table: one row per cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CpuCols<T> {
    pub clk: T,
    pub is_real: T,
    /// Next program counter.
    pub npc: T,
    /// The instruction (bound to the ROM by a lookup; `rom.valid` = `is_real`).
    pub rom: RomEntry<T>,
    pub rs1v: [T; 4],
    pub rs2v: [T; 4],
    /// Second ALU operand: `imm + rs2v` (just `imm` for stores).
    pub b: [T; 4],
    /// ALU result (add/sub/bitwise; the address for loads/stores; the difference for compares).
    pub res: [T; 4],
    pub carry: [T; 4],
    pub rd_prev: [T; 4],
    pub rd_val: [T; 4],
    pub lt: T,
    pub eq: T,
    pub eq_inv: T,
    pub taken: T,
    pub f_halt: T,
    /// `READ_WORD` or `HINT_WORD`: `a0` gets a word the prover chooses (private input or a hint).
    pub f_read: T,
    pub f_commit: T,
    /// `HINT_REQUEST`: no proven effect.
    pub f_hint: T,
    /// Chip syscalls, one flag per chip (`chips::CHIPS` order).
    pub f_chip: [T; super::chips::NUM_CHIPS],
    pub out_idx: T,
    /// One-hot byte offset of a load/store inside its word.
    pub off: [T; 4],
    /// `res[1] >> 4`: with `res[2]` and `res[3]` it makes the 4 KiB page of a load/store address.
    pub page_lo: T,
    pub mem_old: [T; 4],
    pub mem_new: [T; 4],
    /// Selected byte (and second byte, for half-words) of a narrow load.
    pub sb0: T,
    pub sb1: T,
    /// Bytes whose top bit is extracted, and those bits.
    pub msb_x: [T; 2],
    pub msb_s: [T; 2],
    /// `sign_a xor sign_b` for signed compares.
    pub sx: T,
    pub jalr_bit0: T,
    /// 1 on the last real row.
    pub last: T,
    /// Per access (rs1, rs2, memory, rd): `ts - prev_ts - 1` as 3 bytes.
    pub ts_gap: [[T; 3]; 4],
    /// Values the bus messages use, kept in columns so the lookup argument reads one cell instead
    /// of re-evaluating an expression per row: 1 for loads and stores, the memory word's bus
    /// address, and the previous timestamp of each access.
    pub is_mem: T,
    pub maddr: T,
    pub prev_ts: [T; 4],
}

/// Width of the CPU table.
pub(crate) const CPU_WIDTH: usize = size_of::<CpuCols<u8>>();

/// The memory boundary table: one row per touched address (registers and memory words).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BoundaryCols<T> {
    pub addr: T,
    pub init: [T; 4],
    pub fin: [T; 4],
    pub fin_ts: T,
    pub is_real: T,
    pub in_image: T,
    /// `next.addr - addr - 1` as 4 bytes (addresses strictly increase).
    pub gap: [T; 4],
    /// `addr` as 4 bytes (bounds it below 2^29).
    pub ab: [T; 4],
    /// `fin != 0`, and the inverse of the byte sum of `fin`.
    pub fnz: T,
    pub finv: T,
}

/// Width of the boundary table.
pub(crate) const BOUNDARY_WIDTH: usize = size_of::<BoundaryCols<u8>>();

/// The bitwise chip: one row per executed AND/OR/XOR, operands and result as nibbles.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BitwiseCols<T> {
    pub and: T,
    pub or: T,
    pub xor: T,
    /// Bytes of the first operand, the second operand and the result.
    pub a: [T; 4],
    pub b: [T; 4],
    pub r: [T; 4],
}

/// Width of the bitwise chip.
pub(crate) const BITWISE_WIDTH: usize = size_of::<BitwiseCols<u8>>();

/// Number of multiply-chip operations.
pub(crate) const NUM_MUL_OPS: usize = 11;

/// The multiply chip: one row per executed mul/mulh/mulhsu/mulhu/sll/srl/sra (and immediate
/// shifts), divu, remu, div, rem. Every row checks `x * m + add = p` over 64 bits, byte by byte.
/// Shifts are multiplications by a power of two; divisions check `q * b + r = a` with
/// `|r| < |b|` and `r` of the sign of `a`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MulCols<T> {
    /// One-hot: mul, mulh, mulhsu, mulhu, sll, srl, sra, divu, remu, div, rem.
    pub op: [T; NUM_MUL_OPS],
    /// The bus operands and result (rs1, second operand, rd).
    pub a: [T; 4],
    pub b: [T; 4],
    pub res: [T; 4],
    /// First factor: `a`, or the quotient for divu/remu.
    pub x: [T; 4],
    /// Second factor: `b`, or `2^s` (sll), or `2^(32-s)` (srl/sra, 0 when s = 0).
    pub m: [T; 4],
    /// Addend: 0, or the remainder for divu/remu.
    pub add: [T; 4],
    /// `2^s` and `2^(32-s)` bytes from the pow table, and `s == 0`.
    pub pl: [T; 4],
    pub pr: [T; 4],
    pub zero: T,
    /// Sign bits that extend `x` and `m` to 64 bits.
    pub sa: T,
    pub sm: T,
    /// The 64-bit value `x * m + add`, bytes.
    pub p: [T; 8],
    /// Convolution carries as (low byte, high byte).
    pub carry: [[T; 2]; 8],
    /// divu/remu: `b == 0`, the inverse of the byte sum of `b`, and `d = b - r - 1` (bytes, carries).
    pub bzero: T,
    pub binv: T,
    pub d: [T; 4],
    pub dc: [T; 4],
    /// `|r|`, `|b|` (bytes) and their negation carries; signs of `r` and `a`.
    pub nr: [T; 4],
    pub nb: [T; 4],
    pub cr: [T; 4],
    pub cb: [T; 4],
    pub sr: T,
    pub s_a: T,
    /// Signed overflow (`-2^31 / -1`).
    pub ovf: T,
}

/// Width of the multiply chip.
pub(crate) const MUL_WIDTH: usize = size_of::<MulCols<u8>>();

macro_rules! impl_borrow {
    ($t:ident, $w:expr) => {
        impl<T> Borrow<$t<T>> for [T] {
            fn borrow(&self) -> &$t<T> {
                debug_assert_eq!(self.len(), $w);
                // SAFETY: `$t<T>` is `#[repr(C)]` and made only of `T`s, so it has the layout
                // of `[T; $w]`; the slice has exactly that many elements.
                let (prefix, rows, suffix) = unsafe { self.align_to::<$t<T>>() };
                debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
                &rows[0]
            }
        }
        impl<T> BorrowMut<$t<T>> for [T] {
            fn borrow_mut(&mut self) -> &mut $t<T> {
                debug_assert_eq!(self.len(), $w);
                // SAFETY: as in `borrow`.
                let (prefix, rows, suffix) = unsafe { self.align_to_mut::<$t<T>>() };
                debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
                &mut rows[0]
            }
        }
    };
}
impl_borrow!(CpuCols, CPU_WIDTH);
impl_borrow!(BoundaryCols, BOUNDARY_WIDTH);
impl_borrow!(RomEntry, ROM_ENTRY_WIDTH);
impl_borrow!(BitwiseCols, BITWISE_WIDTH);
impl_borrow!(MulCols, MUL_WIDTH);
