//! Trace generation: turns a program and its execution trace into the tables of [`super::air`].

use core::borrow::BorrowMut;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use p3_field::{Field, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;
use p3_maybe_rayon::prelude::*;

use super::air::{
    BYTES_WIDTH, MEM_ADDR_OFFSET, OP_AND, OP_MSB, OP_OR, OP_TOP3, OP_XOR, PAIR_OP_ADDR,
    PAIR_OP_BITWISE, PAIR_OP_MSB, PAIR_ROWS, PAIRS_WIDTH, Val,
};
use super::chips::{self, CHIPS, CallRow, PortLookups};
use super::columns::{
    BITWISE_WIDTH, BOUNDARY_WIDTH, BitwiseCols, BoundaryCols, CPU_WIDTH, CpuCols, MUL_WIDTH,
    MulCols, OpFlags, ROM_ENTRY_WIDTH, ROM_MSG_WIDTH, RomEntry,
};
use crate::error::ProveError;
use crate::executor::{ChipCall, CodeWord, Program, Step, syscall};
use crate::isa::{Instruction, Op};

/// Smallest table height.
pub(crate) const MIN_HEIGHT: usize = 4;
/// BabyBear's modulus; `P - 1` marks a jump target that is not a valid address.
const P: u32 = 0x7800_0001;

fn le(x: u32) -> [u32; 4] {
    x.to_le_bytes().map(u32::from)
}

fn f(x: u32) -> Val {
    Val::from_u32(x)
}

pub(crate) fn height(rows: usize) -> usize {
    rows.next_power_of_two().max(MIN_HEIGHT)
}

/// Field element of an address that must be a valid pc, or `P - 1` (never one) otherwise.
fn addr_or_invalid(a: u32) -> u32 {
    if a < crate::MAX_ADDRESS { a } else { P - 1 }
}

/// The ROM entry of one instruction, or `None` if the prover does not support its op yet.
pub(crate) fn rom_entry(pc: u32, ins: &Instruction) -> Option<RomEntry<u32>> {
    let mut e = RomEntry::<u32> {
        valid: 1,
        pc,
        rd: u32::from(ins.rd),
        rs1: u32::from(ins.rs1),
        rs2: u32::from(ins.rs2),
        rd_nz: u32::from(ins.rd != 0),
        ..Default::default()
    };
    let fl = &mut e.f;
    let mut imm = ins.imm;
    match ins.op {
        Op::Lui => fl.add = 1,
        Op::Auipc => {
            fl.add = 1;
            imm = pc.wrapping_add(ins.imm);
        }
        Op::Jal => {
            fl.jal = 1;
            imm = pc.wrapping_add(4);
            e.target = addr_or_invalid(pc.wrapping_add(ins.imm));
        }
        Op::Jalr => {
            fl.jalr = 1;
            e.link = le(pc.wrapping_add(4));
        }
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
            *match ins.op {
                Op::Beq => &mut fl.beq,
                Op::Bne => &mut fl.bne,
                Op::Blt => &mut fl.blt,
                Op::Bge => &mut fl.bge,
                Op::Bltu => &mut fl.bltu,
                _ => &mut fl.bgeu,
            } = 1;
            e.target = addr_or_invalid(pc.wrapping_add(ins.imm));
            imm = 0;
        }
        Op::Lb => fl.lb = 1,
        Op::Lbu => fl.lbu = 1,
        Op::Lh => fl.lh = 1,
        Op::Lhu => fl.lhu = 1,
        Op::Lw => fl.lw = 1,
        Op::Sb => fl.sb = 1,
        Op::Sh => fl.sh = 1,
        Op::Sw => fl.sw = 1,
        Op::Addi | Op::Add => fl.add = 1,
        Op::Sub => fl.sub = 1,
        Op::Slti | Op::Slt => fl.slt = 1,
        Op::Sltiu | Op::Sltu => fl.sltu = 1,
        Op::Andi | Op::And => fl.and = 1,
        Op::Ori | Op::Or => fl.or = 1,
        Op::Xori | Op::Xor => fl.xor = 1,
        Op::Fence => fl.add = 1,
        Op::Ecall => fl.ecall = 1,
        Op::Mul
        | Op::Mulh
        | Op::Mulhsu
        | Op::Mulhu
        | Op::Sll
        | Op::Slli
        | Op::Srl
        | Op::Srli
        | Op::Sra
        | Op::Srai => {
            fl.mul = 1;
            e.mop = mul_op(ins.op);
        }
        Op::Divu | Op::Remu | Op::Div | Op::Rem => {
            fl.mul = 1;
            e.mop = mul_op(ins.op);
        }
    }
    e.imm = le(imm);
    Some(e)
}

/// Multiply-chip operation id (1..=7) of a multiply/shift op.
pub(crate) const fn mul_op(op: Op) -> u32 {
    match op {
        Op::Mul => 1,
        Op::Mulh => 2,
        Op::Mulhsu => 3,
        Op::Mulhu => 4,
        Op::Sll | Op::Slli => 5,
        Op::Srl | Op::Srli => 6,
        Op::Sra | Op::Srai => 7,
        Op::Divu => 8,
        Op::Remu => 9,
        Op::Div => 10,
        Op::Rem => 11,
        _ => 0,
    }
}

/// `(2^s, 2^(32-s) or 0, s == 0)` for the shift amount `s = x & 31`.
const fn pow_entry(x: u32) -> (u32, u32, u32) {
    let s = x & 31;
    if s == 0 {
        (1, 0, 1)
    } else {
        (1 << s, 1 << (32 - s), 0)
    }
}

fn rom_slice(e: &RomEntry<u32>) -> [u32; ROM_ENTRY_WIDTH] {
    // SAFETY: `RomEntry<u32>` is `#[repr(C)]` with ROM_ENTRY_WIDTH `u32` fields.
    unsafe { core::mem::transmute_copy(e) }
}

/// A row of the preprocessed ROM: the entry's `rom` bus message.
fn rom_row(e: &RomEntry<u32>) -> [u32; ROM_MSG_WIDTH] {
    e.message(|bits| bits.fold(0u32, |acc, (i, v)| acc | (v << i)))
}

/// The preprocessed ROM: one row per supported instruction of the program.
pub(crate) fn rom_table(program: &Program) -> RowMajorMatrix<Val> {
    let rows: Vec<[u32; ROM_MSG_WIDTH]> = program
        .code
        .iter()
        .enumerate()
        .filter_map(|(i, w)| match w {
            CodeWord::Ins(ins) => rom_entry(program.code_base + 4 * i as u32, ins),
            _ => None,
        })
        .map(|e| rom_row(&e))
        .collect();
    let h = height(rows.len());
    let mut values = Val::zero_vec(h * ROM_MSG_WIDTH);
    for (i, r) in rows.iter().enumerate() {
        for (j, &v) in r.iter().enumerate() {
            values[i * ROM_MSG_WIDTH + j] = f(v);
        }
    }
    RowMajorMatrix::new(values, ROM_MSG_WIDTH)
}

/// The preprocessed byte table: row `x` = `(x, x >> 7, x >> 5, 2^s bytes, 2^(32-s) bytes,
/// s == 0)` with `s = x & 31`.
pub(crate) fn byte_table() -> RowMajorMatrix<Val> {
    let values = (0..256u32)
        .flat_map(|x| {
            let (l, r, z) = pow_entry(x);
            let (l, r) = (le(l), le(r));
            [
                x,
                x >> 7,
                x >> 5,
                l[0],
                l[1],
                l[2],
                l[3],
                r[0],
                r[1],
                r[2],
                r[3],
                z,
            ]
            .map(f)
        })
        .collect();
    RowMajorMatrix::new(values, 12)
}

/// The preprocessed pair table: row `x + 256 y` = `(x, y, (x >> 7) + 2 (y >> 7), (x & 3) + 4 (y >> 4))`.
pub(crate) fn pair_table() -> RowMajorMatrix<Val> {
    let values = (0..PAIR_ROWS as u32)
        .flat_map(|i| {
            let (x, y) = (i & 255, i >> 8);
            [
                x,
                y,
                (x >> 7) + 2 * (y >> 7),
                (x & 3) + 4 * (y >> 4),
                x & y,
                x | y,
                x ^ y,
            ]
            .map(f)
        })
        .collect();
    RowMajorMatrix::new(values, 7)
}

/// A preprocessed table of `(valid, key, 4 bytes)` rows.
fn keyed_words(rows: impl Iterator<Item = (u32, u32)>) -> RowMajorMatrix<Val> {
    let mut values = Vec::new();
    let mut n = 0;
    for (key, w) in rows {
        values.push(Val::ONE);
        values.push(f(key));
        values.extend(le(w).map(f));
        n += 1;
    }
    values.resize(height(n) * 6, Val::ZERO);
    RowMajorMatrix::new(values, 6)
}

/// A machine state: every non-zero register (address `0..32`) and memory word (`32 + w`).
pub(crate) type State = BTreeMap<u32, u32>;

/// The initial state of a program: the non-zero words of its ELF image outside code pages
/// (code is only reachable through the ROM; the executor refuses loads from it). A code page that
/// shares read-only data (`Program::from_elf`) is a data page: all its words are here, and its
/// instructions are in the ROM as well. Registers are 0.
pub(crate) fn image_state(program: &Program) -> State {
    program
        .image
        .iter()
        .filter(|&(&a, &w)| w != 0 && !program.is_code(a))
        .map(|(&a, &w)| (MEM_ADDR_OFFSET + a / 4, w))
        .collect()
}

/// The page table's `(page, writable)` rows: every data page once as readable, every writable one once more
/// as writable (a load sends `(page, 0)`, a store `(page, 1)`).
fn page_rows(program: &Program) -> impl Iterator<Item = (u32, bool)> + '_ {
    program.data_pages().map(|(p, _)| (p, false)).chain(
        program
            .data_pages()
            .filter(|&(_, w)| w)
            .map(|(p, _)| (p, true)),
    )
}

/// The preprocessed page table; padding rows hold page `P − 1`, which no address has.
pub(crate) fn page_table(program: &Program) -> RowMajorMatrix<Val> {
    let mut values: Vec<Val> = page_rows(program)
        .flat_map(|(p, w)| [f(p), f(u32::from(w))])
        .collect();
    let n = values.len() / 2;
    for _ in n..height(n) {
        values.extend([f(P - 1), Val::ZERO]);
    }
    RowMajorMatrix::new(values, 2)
}

/// A preprocessed state table (initial state, or published final state).
pub(crate) fn state_table(state: &State) -> RowMajorMatrix<Val> {
    keyed_words(state.iter().map(|(&a, &w)| (a, w)))
}

/// The preprocessed public-output table (indices from `out_start`).
pub(crate) fn io_table(output: &[u32], out_start: u32) -> RowMajorMatrix<Val> {
    keyed_words(
        output
            .iter()
            .enumerate()
            .map(|(i, &w)| (out_start + i as u32, w)),
    )
}

/// Multiplicities of the byte table (per row: 4 byte ops, 3 nibble ops) and the bitwise
/// chip's rows.
struct ByteCounts(
    Vec<[u32; BYTES_WIDTH]>,
    Vec<BitwiseCols<Val>>,
    Vec<[u32; PAIRS_WIDTH]>,
);

impl ByteCounts {
    fn new() -> Self {
        Self(
            vec![[0; BYTES_WIDTH]; 256],
            Vec::new(),
            vec![[0; PAIRS_WIDTH]; PAIR_ROWS],
        )
    }
    fn add(&mut self, op: u32, x: u32) {
        self.0[x as usize][op as usize - 1] += 1;
    }
    /// Adds another chunk's counts (and its bitwise rows after ours).
    fn merge(&mut self, other: Self) {
        add_counts(self.0.as_flattened_mut(), other.0.as_flattened());
        self.1.extend(other.1);
        add_counts(self.2.as_flattened_mut(), other.2.as_flattened());
    }
    /// Range checks of bytes, two per pair-table row (as the AIR pairs them).
    fn range(&mut self, bytes: &[u32]) {
        for p in bytes.chunks_exact(2) {
            self.2[(p[0] | (p[1] << 8)) as usize][0] += 1;
        }
    }
    /// A `pair_op` lookup of `(x, y)`.
    fn pair_op(&mut self, op: u32, x: u32, y: u32) {
        self.2[(x | (y << 8)) as usize][op as usize] += 1;
    }
    fn bitwise(&mut self, op: u32, a: u32, b: u32, r: u32) {
        let mut row = BitwiseCols::<Val>::default();
        *[&mut row.and, &mut row.or, &mut row.xor][op as usize - 1] = Val::ONE;
        let (a, b) = (le(a), le(b));
        row.a = a.map(f);
        row.b = b.map(f);
        row.r = le(r).map(f);
        for i in 0..4 {
            self.pair_op(PAIR_OP_BITWISE + op, a[i], b[i]);
        }
        self.1.push(row);
    }
}

/// The main traces of the non-preprocessed tables.
pub(crate) struct MainTraces {
    pub cpu: RowMajorMatrix<Val>,
    pub rom: RowMajorMatrix<Val>,
    pub bytes: RowMajorMatrix<Val>,
    pub bitwise: RowMajorMatrix<Val>,
    pub mul: RowMajorMatrix<Val>,
    pub boundary: RowMajorMatrix<Val>,
    pub image: RowMajorMatrix<Val>,
    pub io: RowMajorMatrix<Val>,
    pub pages: RowMajorMatrix<Val>,
    pub pairs: RowMajorMatrix<Val>,
    /// The Keccak memory port and compute table (when the segment calls Keccak).
    pub keccak: Option<(RowMajorMatrix<Val>, RowMajorMatrix<Val>)>,
    /// The Blake2s chip (when the segment calls it).
    pub blake2s: Option<RowMajorMatrix<Val>>,
    /// The secp256k1 addition and doubling chips (when the segment calls them).
    pub secp256k1_add: Option<RowMajorMatrix<Val>>,
    pub secp256k1_double: Option<RowMajorMatrix<Val>>,
}

fn set4(dst: &mut [Val; 4], x: u32) {
    *dst = le(x).map(f);
}

/// The multiply-chip row of one multiply/shift/divide op, and its result.
fn mul_row(mop: u32, a: u32, b: u32, bytes: &mut ByteCounts) -> (MulCols<Val>, u32) {
    let mut row = MulCols::<Val>::default();
    row.op[mop as usize - 1] = Val::ONE;
    let (pl, pr, zero) = pow_entry(b);
    let div = mop >= 8;
    let signed = mop >= 10;
    let ovf = signed && a == 0x8000_0000 && b == u32::MAX;
    let (q, r) = if b == 0 {
        (u32::MAX, a)
    } else if signed {
        (
            (a as i32).wrapping_div(b as i32) as u32,
            (a as i32).wrapping_rem(b as i32) as u32,
        )
    } else {
        (a / b, a % b)
    };
    let (x, m, add) = match mop {
        1..=4 => (a, b, 0),
        5 => (a, pl, 0),
        6 | 7 => (a, pr, 0),
        _ => (q, b, r),
    };
    let sa = matches!(mop, 2 | 3 | 7 | 10 | 11) && x >> 31 == 1;
    let sm = matches!(mop, 2 | 10 | 11) && m >> 31 == 1;
    let sr = signed && add >> 31 == 1;
    let s_a = signed && a >> 31 == 1;
    let wide = |v: u32, signed: bool| -> [u64; 8] {
        let v = if signed {
            u64::from(v) | 0xffff_ffff_0000_0000
        } else {
            u64::from(v)
        };
        v.to_le_bytes().map(u64::from)
    };
    let (xw, mw, aw) = (wide(x, sa), wide(m, sm), wide(add, sr));
    let mut carry = 0u64;
    let mut p = [0u32; 8];
    let mut carries = [0u32; 16];
    for k in 0..8 {
        let mut sum = carry + aw[k];
        for i in 0..=k {
            sum += xw[i] * mw[k - i];
        }
        p[k] = (sum & 255) as u32;
        carry = sum >> 8;
        row.carry[k] = [f((carry & 255) as u32), f((carry >> 8) as u32)];
        carries[2 * k] = (carry & 255) as u32;
        carries[2 * k + 1] = (carry >> 8) as u32;
    }
    bytes.range(&p);
    bytes.range(&carries);
    let word = |w: &[u32]| w.iter().rev().fold(0u32, |acc, &v| (acc << 8) | v);
    let res = match mop {
        1 | 5 => word(&p[..4]),
        6 | 7 if zero == 1 => a,
        8 | 10 => q,
        9 | 11 => r,
        _ => word(&p[4..]),
    };
    if div {
        let bsum: u32 = le(b).iter().sum();
        row.bzero = f(u32::from(b == 0));
        row.binv = f(bsum).try_inverse().unwrap_or(Val::ZERO);
        let nr = if sr { r.wrapping_neg() } else { r };
        let nb = if sm { b.wrapping_neg() } else { b };
        let d = if b == 0 {
            0
        } else {
            nb.wrapping_sub(nr).wrapping_sub(1)
        };
        row.d = le(d).map(f);
        let (rb, db, nrb) = (le(r), le(d), le(nr));
        let mut cin = 1;
        for i in 0..4 {
            let t = nrb[i] + db[i] + cin;
            cin = t >> 8;
            row.dc[i] = f(cin);
        }
        for v in [le(q), rb, db, nrb, le(nb)] {
            bytes.range(&v);
        }
        row.ovf = f(u32::from(ovf));
    }
    // |r| and |b| with their negation carries (filled whenever the sign bit is set).
    let neg = |v: u32, s: bool| -> ([Val; 4], [Val; 4]) {
        let n = if s { v.wrapping_neg() } else { v };
        let (nb, vb) = (le(n), le(v));
        let mut c = [Val::ZERO; 4];
        let mut cin = 0;
        for i in 0..4 {
            let t = nb[i] + vb[i] + cin;
            cin = t >> 8;
            c[i] = f(if s { cin } else { 0 });
        }
        (nb.map(f), c)
    };
    (row.nr, row.cr) = neg(add, sr);
    (row.nb, row.cb) = neg(b, sm);
    row.sr = f(u32::from(sr));
    row.s_a = f(u32::from(s_a));
    row.p = p.map(f);
    row.a = le(a).map(f);
    row.b = le(b).map(f);
    row.res = le(res).map(f);
    row.x = le(x).map(f);
    row.m = le(m).map(f);
    row.add = le(add).map(f);
    row.pl = le(pl).map(f);
    row.pr = le(pr).map(f);
    row.zero = f(zero);
    row.sa = f(u32::from(sa));
    row.sm = f(u32::from(sm));
    if (5..=7).contains(&mop) {
        bytes.0[(b & 255) as usize][BYTES_WIDTH - 1] += 1;
    }
    if matches!(mop, 2 | 3 | 7 | 10 | 11) {
        bytes.add(OP_MSB, x >> 24);
    }
    if matches!(mop, 2 | 10 | 11) {
        bytes.add(OP_MSB, m >> 24);
    }
    if signed {
        bytes.add(OP_MSB, add >> 24);
        bytes.add(OP_MSB, a >> 24);
    }
    (row, res)
}

/// Read-only data the row filler needs.
struct RowContext<'a> {
    program: &'a Program,
    rom_rows: &'a [Option<(usize, RomEntry<u32>)>],
    page_rows: &'a HashMap<(u32, bool), usize>,
}

/// What one step's access pass found: timestamp gaps (rs1, rs2, memory, rd), the value `rd`
/// held before, and the output index.
struct Access {
    gaps: [u32; 4],
    rd_prev: u32,
    out_idx: u32,
}

/// Multiplicities and chip rows gathered by a chunk of CPU rows.
struct Counts {
    rom_mult: Vec<u32>,
    page_mult: Vec<u32>,
    bytes: ByteCounts,
    mul_rows: Vec<MulCols<Val>>,
}

impl Counts {
    fn new(rom_height: usize, pages_height: usize) -> Self {
        Self {
            rom_mult: vec![0; rom_height],
            page_mult: vec![0; pages_height],
            bytes: ByteCounts::new(),
            mul_rows: Vec::new(),
        }
    }

    /// Adds a later chunk's counts (its chip rows go after ours).
    fn merge(&mut self, other: Self) {
        add_counts(&mut self.rom_mult, &other.rom_mult);
        add_counts(&mut self.page_mult, &other.page_mult);
        self.bytes.merge(other.bytes);
        self.mul_rows.extend(other.mul_rows);
    }
}

/// Adds multiplicities element by element (both sides have the same table's shape).
fn add_counts(dst: &mut [u32], src: &[u32]) {
    debug_assert_eq!(dst.len(), src.len());
    for (x, y) in dst.iter_mut().zip(src) {
        *x += y;
    }
}

/// Fills the CPU row of cycle `clk` and counts its lookups.
#[allow(clippy::too_many_lines)]
fn fill_cpu_row(
    ctx: &RowContext<'_>,
    clk: usize,
    s: &Step,
    acc: &Access,
    row: &mut CpuCols<Val>,
    counts: &mut Counts,
) -> Result<(), ProveError> {
    let ins = &s.ins;
    let Some((rom_row, e)) =
        s.pc.checked_sub(ctx.program.code_base)
            .and_then(|d| ctx.rom_rows.get(d as usize / 4)?.as_ref())
    else {
        return Err(match rom_entry(s.pc, ins) {
            None => ProveError::UnsupportedInstruction {
                pc: s.pc,
                mnemonic: ins.op.mnemonic(),
            },
            Some(_) => ProveError::Stark(format!("pc {:#x} not in ROM", s.pc)),
        });
    };
    counts.rom_mult[*rom_row] += 1;
    let fl: &OpFlags<u32> = &e.f;
    row.clk = f(clk as u32);
    row.is_real = Val::ONE;
    let rom_vals = rom_slice(e);
    {
        let dst: &mut [Val; ROM_ENTRY_WIDTH] =
            // SAFETY: `RomEntry<Val>` is `#[repr(C)]` with ROM_ENTRY_WIDTH `Val` fields.
            unsafe { &mut *(core::ptr::from_mut(&mut row.rom).cast()) };
        for (d, &v) in dst.iter_mut().zip(rom_vals.iter()) {
            *d = f(v);
        }
    }
    let a = s.rs1_val;
    let is_store = fl.sb + fl.sh + fl.sw == 1;
    let imm = u32::from_le_bytes(e.imm.map(|x| x as u8));
    let b = if is_store {
        imm
    } else {
        imm.wrapping_add(s.rs2_val)
    };
    set4(&mut row.rs1v, a);
    set4(&mut row.rs2v, s.rs2_val);
    set4(&mut row.b, b);

    let add_sel =
        fl.add + fl.jal + fl.jalr + fl.lb + fl.lbu + fl.lh + fl.lhu + fl.lw + u32::from(is_store)
            == 1;
    let sub_sel =
        fl.sub + fl.slt + fl.sltu + fl.beq + fl.bne + fl.blt + fl.bge + fl.bltu + fl.bgeu == 1;
    let (ab, bb) = (le(a), le(b));
    let mut res = 0u32;
    let mut carries = [0u32; 4];
    if add_sel {
        res = a.wrapping_add(b);
        let mut cin = 0;
        for i in 0..4 {
            let t = ab[i] + bb[i] + cin;
            carries[i] = t >> 8;
            cin = carries[i];
        }
    } else if sub_sel {
        res = a.wrapping_sub(b);
        let rb = le(res);
        let mut cin = 0;
        for i in 0..4 {
            let t = rb[i] + bb[i] + cin;
            carries[i] = t >> 8;
            cin = carries[i];
        }
    } else if fl.and == 1 {
        res = a & b;
    } else if fl.or == 1 {
        res = a | b;
    } else if fl.xor == 1 {
        res = a ^ b;
    } else if fl.mul == 1 {
        let (row, r) = mul_row(e.mop, a, b, &mut counts.bytes);
        counts.mul_rows.push(row);
        res = r;
    }
    let f_read = fl.ecall == 1 && (a == syscall::READ_WORD || a == syscall::HINT_WORD);
    let f_hint = fl.ecall == 1 && a == syscall::HINT_REQUEST;
    let f_halt = fl.ecall == 1 && a == syscall::HALT;
    let f_commit = fl.ecall == 1 && a == syscall::COMMIT_WORD;
    for (flag, chip) in row.f_chip.iter_mut().zip(CHIPS) {
        *flag = f(u32::from(fl.ecall == 1 && a == chip.syscall()));
    }
    if f_read {
        res = s.rd_val;
    }
    let rb = le(res);
    set4(&mut row.res, res);
    row.carry = carries.map(f);
    counts.bytes.range(&rb);
    for (op, on) in [(OP_AND, fl.and), (OP_OR, fl.or), (OP_XOR, fl.xor)] {
        if on == 1 {
            counts.bytes.bitwise(op, a, b, res);
        }
    }

    // Compare.
    let signed_cmp = fl.slt + fl.blt + fl.bge == 1;
    let unsigned_cmp = fl.sltu + fl.bltu + fl.bgeu == 1;
    let lt = if signed_cmp {
        (a as i32) < (b as i32)
    } else {
        unsigned_cmp && a < b
    };
    row.lt = f(u32::from(lt));
    let mut msb_x = [0u32; 2];
    if signed_cmp {
        msb_x = [ab[3], bb[3]];
    }
    if fl.beq + fl.bne == 1 {
        let sum: u32 = rb.iter().sum();
        row.eq = f(u32::from(sum == 0));
        row.eq_inv = f(sum).try_inverse().unwrap_or(Val::ZERO);
    }
    let eq = a == b;
    let taken = (fl.beq == 1 && eq)
        || (fl.bne == 1 && !eq)
        || ((fl.blt + fl.bltu) == 1 && lt)
        || ((fl.bge + fl.bgeu) == 1 && !lt);
    row.taken = f(u32::from(taken));

    // Next pc.
    let bit0 = res & 1;
    row.jalr_bit0 = f(if fl.jalr == 1 { bit0 } else { 0 });
    let npc = if fl.jal == 1 || taken {
        f(e.target)
    } else if fl.jalr == 1 {
        f(res) - f(bit0)
    } else {
        f(s.pc) + f(4)
    };
    row.npc = npc;

    row.f_halt = f(u32::from(f_halt));
    row.f_read = f(u32::from(f_read));
    row.f_commit = f(u32::from(f_commit));
    row.f_hint = f(u32::from(f_hint));
    row.out_idx = f(acc.out_idx);

    // Memory.
    let is_mem = fl.lb + fl.lbu + fl.lh + fl.lhu + fl.lw + u32::from(is_store) == 1;
    let (mut old, mut new) = (0u32, 0u32);
    if is_mem {
        let m = s.mem.ok_or(ProveError::Stark(
            "load/store step without memory access".into(),
        ))?;
        old = m.old;
        new = m.new;
        let off = (res & 3) as usize;
        row.off[off] = Val::ONE;
        row.page_lo = f(rb[1] >> 4);
        counts.bytes.pair_op(PAIR_OP_ADDR, rb[0], rb[1]);
        // A page the program does not allow gets no row: the proof fails, as the executor does.
        if let Some(&r) = ctx.page_rows.get(&(res >> 12, is_store)) {
            counts.page_mult[r] += 1;
        }
        let ob = le(old);
        if fl.lb + fl.lbu == 1 {
            row.sb0 = f(ob[off]);
            if fl.lb == 1 {
                msb_x[0] = ob[off];
            }
        }
        if fl.lh + fl.lhu == 1 {
            row.sb0 = f(ob[off]);
            row.sb1 = f(ob[off + 1]);
            if fl.lh == 1 {
                msb_x[0] = ob[off + 1];
            }
        }
    }
    if is_mem || fl.jalr == 1 {
        counts.bytes.add(OP_TOP3, rb[3]);
    }
    set4(&mut row.mem_old, old);
    set4(&mut row.mem_new, new);
    let s0 = msb_x[0] >> 7;
    let s1 = msb_x[1] >> 7;
    row.msb_x = msb_x.map(f);
    row.msb_s = [f(s0), f(s1)];
    row.sx = f(s0 ^ s1);
    if signed_cmp || fl.lb + fl.lh == 1 {
        counts.bytes.pair_op(PAIR_OP_MSB, msb_x[0], msb_x[1]);
    }

    // Memory-bus accesses (rs1, rs2, memory word, rd): gaps from the sequential pass.
    let (gaps, prev) = (acc.gaps, acc.rd_prev);
    set4(&mut row.rd_prev, prev);
    set4(&mut row.rd_val, s.rd_val);
    for (k, g) in gaps.iter().enumerate() {
        let gb = le(*g);
        row.ts_gap[k] = [f(gb[0]), f(gb[1]), f(gb[2])];
        row.prev_ts[k] = f(4 * clk as u32 + k as u32) - f(*g);
    }
    row.is_mem = f(u32::from(is_mem));
    row.maddr = mem_word(&row.res, &row.off);
    let gap_bytes: Vec<u32> = gaps.iter().flat_map(|&g| le(g)[..3].to_vec()).collect();
    counts.bytes.range(&gap_bytes);
    Ok(())
}

/// The memory bus address of a load/store's word, as the AIR computes it from the result bytes
/// and the offset (any row: padding and non-memory rows give the same field value).
fn mem_word(res: &[Val; 4], off: &[Val; 4]) -> Val {
    let off_val = off[1] + off[2] * f(2) + off[3] * f(3);
    // x / 4 as two halvings: an inversion per row cost about 0.5 % of a proof.
    (res[0] - off_val).halve().halve()
        + res[1] * f(1 << 6)
        + res[2] * f(1 << 14)
        + res[3] * f(1 << 22)
        + f(MEM_ADDR_OFFSET)
}

/// Builds every main trace from the execution trace.
///
/// # Errors
/// [`ProveError::UnsupportedInstruction`] when the run executed an op the AIR does not cover.
#[allow(clippy::too_many_lines)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn generate(
    program: &Program,
    steps: &[Step],
    calls: &[ChipCall],
    init: &State,
    out_start: u32,
    rom_height: usize,
    image_height: usize,
    io_height: usize,
    pages_height: usize,
) -> Result<(MainTraces, State), ProveError> {
    // ROM row and decoded entry of every code word, indexed by (pc - code_base) / 4.
    let mut rom_rows: Vec<Option<(usize, RomEntry<u32>)>> = vec![None; program.code.len()];
    let mut next_row = 0;
    for (i, w) in program.code.iter().enumerate() {
        if let CodeWord::Ins(ins) = w
            && let Some(e) = rom_entry(program.code_base + 4 * i as u32, ins)
        {
            rom_rows[i] = Some((next_row, e));
            next_row += 1;
        }
    }
    let page_rows: HashMap<(u32, bool), usize> = page_rows(program)
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let h = height(steps.len());
    let mut cpu = RowMajorMatrix::new(Val::zero_vec(h * CPU_WIDTH), CPU_WIDTH);

    // Sequential pass: the previous value and timestamp of every access (registers and touched
    // memory words), and the output index. Everything else about a row depends on its step only.
    let init_word = |a: u32| init.get(&a).copied().unwrap_or(0);
    let mut regs = [(0u32, 0u32); 32];
    for (i, r) in regs.iter_mut().enumerate() {
        r.0 = init_word(i as u32);
    }
    let mut mem: HashMap<u32, (u32, u32)> = HashMap::new();
    let mut out_idx = out_start;
    let mut accesses = Vec::with_capacity(steps.len());
    let mut call_rows: Vec<CallRow<'_>> = Vec::with_capacity(calls.len());
    let mut next_call = calls.iter().peekable();
    let access_pass = tracing::debug_span!("access pass").entered();
    for (clk, s) in steps.iter().enumerate() {
        let ts0 = 4 * clk as u32;
        let ins = &s.ins;
        let mut reg_access = |r: u8, new: u32, ts: u32| -> (u32, u32) {
            let (v, t) = regs[r as usize];
            regs[r as usize] = (new, ts);
            (v, ts - t - 1)
        };
        let (v1, g1) = reg_access(ins.rs1, s.rs1_val, ts0 + 1);
        let (v2, g2) = reg_access(ins.rs2, s.rs2_val, ts0 + 2);
        debug_assert_eq!((v1, v2), (s.rs1_val, s.rs2_val));
        let mut g_mem = 0;
        if let Some(m) = s.mem {
            let addr = MEM_ADDR_OFFSET + m.addr / 4;
            let e = mem.entry(addr).or_insert((init_word(addr), 0));
            g_mem = ts0 + 3 - e.1 - 1;
            *e = (m.new, ts0 + 3);
        }
        // A chip call reads and writes its block in the data-access slot.
        while let Some(call) = next_call.next_if(|c| c.step == clk) {
            let base = MEM_ADDR_OFFSET + call.ptr / 4;
            let gaps = call
                .new
                .iter()
                .enumerate()
                .map(|(j, &w)| {
                    let e = mem
                        .entry(base + j as u32)
                        .or_insert((init_word(base + j as u32), 0));
                    let gap = ts0 + 3 - e.1 - 1;
                    *e = (w, ts0 + 3);
                    gap
                })
                .collect();
            call_rows.push(CallRow {
                clk: clk as u32,
                call,
                gaps,
            });
        }
        let (rd_prev, g3) = reg_access(ins.rd, s.rd_val, ts0 + 4);
        accesses.push(Access {
            gaps: [g1, g2, g_mem, g3],
            rd_prev,
            out_idx,
        });
        if ins.op == Op::Ecall && s.rs1_val == syscall::COMMIT_WORD {
            out_idx += 1;
        }
    }

    drop(access_pass);

    // Parallel pass: rows in chunks, each with its own multiplicities, merged in order.
    let row_pass = tracing::debug_span!("cpu rows").entered();
    let ctx = RowContext {
        program,
        rom_rows: &rom_rows,
        page_rows: &page_rows,
    };
    let chunk = steps.len().div_ceil(4 * current_num_threads()).max(1 << 12);
    let parts: Vec<Result<Counts, ProveError>> = cpu.values[..steps.len() * CPU_WIDTH]
        .par_chunks_mut(chunk * CPU_WIDTH)
        .zip(steps.par_chunks(chunk))
        .zip(accesses.par_chunks(chunk))
        .enumerate()
        .map(|(c, ((rows, steps), accesses))| {
            let mut counts = Counts::new(rom_height, pages_height);
            for (i, ((row, s), acc)) in rows
                .chunks_exact_mut(CPU_WIDTH)
                .zip(steps)
                .zip(accesses)
                .enumerate()
            {
                fill_cpu_row(&ctx, c * chunk + i, s, acc, row.borrow_mut(), &mut counts)?;
            }
            Ok(counts)
        })
        .collect();
    let mut counts = Counts::new(rom_height, pages_height);
    for part in parts {
        counts.merge(part?);
    }
    drop(row_pass);
    let _tables = tracing::debug_span!("boundary and chip tables").entered();
    let Counts {
        rom_mult,
        page_mult,
        mut bytes,
        mul_rows,
    } = counts;
    if let Some(row) = cpu
        .values
        .chunks_exact_mut(CPU_WIDTH)
        .nth(steps.len().saturating_sub(1))
    {
        let row: &mut CpuCols<Val> = row.borrow_mut();
        row.last = row.is_real;
    }
    // Padding rows: clk counts on, npc = pc + 4 = 4, output index stays.
    for (clk, row) in cpu
        .values
        .chunks_exact_mut(CPU_WIDTH)
        .enumerate()
        .skip(steps.len())
    {
        let row: &mut CpuCols<Val> = row.borrow_mut();
        row.clk = f(clk as u32);
        row.npc = f(4);
        row.out_idx = f(out_idx);
        row.maddr = mem_word(&row.res, &row.off);
        row.prev_ts = core::array::from_fn(|k| f(4 * clk as u32 + k as u32));
    }

    // Boundary: all registers, every touched word, every word of the initial state.
    let mut rows: BTreeMap<u32, (u32, bool, u32, u32)> = BTreeMap::new(); // addr -> (init, in_image, fin, fin_ts)
    for (&a, &w) in init {
        rows.insert(a, (w, true, w, 0));
    }
    for (i, &(v, t)) in regs.iter().enumerate() {
        let e = rows.entry(i as u32).or_insert((0, false, 0, 0));
        e.2 = v;
        e.3 = t;
    }
    for (&addr, &(v, t)) in &mem {
        let e = rows.entry(addr).or_insert((0, false, 0, 0));
        e.2 = v;
        e.3 = t;
    }
    let bh = height(rows.len());
    let mut boundary = RowMajorMatrix::new(Val::zero_vec(bh * BOUNDARY_WIDTH), BOUNDARY_WIDTH);
    let addrs: Vec<u32> = rows.keys().copied().collect();
    for (i, ((&addr, &(init, in_image, fin, fin_ts)), row)) in rows
        .iter()
        .zip(boundary.values.chunks_exact_mut(BOUNDARY_WIDTH))
        .enumerate()
    {
        let row: &mut BoundaryCols<Val> = row.borrow_mut();
        row.addr = f(addr);
        set4(&mut row.init, init);
        set4(&mut row.fin, fin);
        row.fin_ts = f(fin_ts);
        row.is_real = Val::ONE;
        row.in_image = f(u32::from(in_image));
        let fsum: u32 = le(fin).iter().sum();
        row.fnz = f(u32::from(fin != 0));
        row.finv = f(fsum).try_inverse().unwrap_or(Val::ZERO);
        let gap = addrs.get(i + 1).map_or(0, |&n| n - addr - 1);
        set4(&mut row.gap, gap);
        let g = le(gap);
        set4(&mut row.ab, addr);
        let a = le(addr);
        bytes.range(&[g[0], g[1], g[2], a[0], a[1], a[2]]);
        bytes.add(OP_TOP3, g[3]);
        bytes.add(OP_TOP3, le(addr)[3]);
    }

    // Chip tables, and their lookups into the shared tables.
    let mut port_lookups = PortLookups::default();
    let mut by_chip: [Vec<CallRow<'_>>; chips::NUM_CHIPS] = Default::default();
    for c in call_rows {
        by_chip[c.call.chip as usize].push(c);
    }
    let [keccak_calls, blake2s_calls, add_calls, double_calls] = by_chip;
    let keccak =
        (!keccak_calls.is_empty()).then(|| chips::keccak_traces(&keccak_calls, &mut port_lookups));
    let blake2s = (!blake2s_calls.is_empty())
        .then(|| super::blake2s::blake2s_trace(&blake2s_calls, &mut port_lookups));
    let secp256k1_add = (!add_calls.is_empty())
        .then(|| super::secp256k1::add_trace(&add_calls, &mut port_lookups))
        .transpose()
        .map_err(ProveError::Stark)?;
    let secp256k1_double = (!double_calls.is_empty())
        .then(|| super::secp256k1::double_trace(&double_calls, &mut port_lookups))
        .transpose()
        .map_err(ProveError::Stark)?;
    for (x, y) in port_lookups.ranges {
        bytes.range(&[x, y]);
    }
    for (x, y) in port_lookups.addr_ops {
        bytes.pair_op(PAIR_OP_ADDR, x, y);
    }
    for x in port_lookups.top3 {
        bytes.add(OP_TOP3, x);
    }
    let mut page_mult = page_mult;
    for page in port_lookups.pages {
        // A page the program does not allow gets no row: the proof fails, as the executor does.
        if let Some(&r) = page_rows.get(&(page, true)) {
            page_mult[r] += 1;
        }
    }

    let rom = RowMajorMatrix::new(rom_mult.into_iter().map(f).collect(), 1);
    let mut bitwise = RowMajorMatrix::new(
        Val::zero_vec(height(bytes.1.len()) * BITWISE_WIDTH),
        BITWISE_WIDTH,
    );
    for (row, src) in bitwise.values.chunks_exact_mut(BITWISE_WIDTH).zip(&bytes.1) {
        let row: &mut BitwiseCols<Val> = row.borrow_mut();
        *row = *src;
    }
    let pairs = RowMajorMatrix::new(bytes.2.iter().flat_map(|m| m.map(f)).collect(), PAIRS_WIDTH);
    let bytes = RowMajorMatrix::new(bytes.0.iter().flat_map(|m| m.map(f)).collect(), BYTES_WIDTH);
    let mut mul = RowMajorMatrix::new(Val::zero_vec(height(mul_rows.len()) * MUL_WIDTH), MUL_WIDTH);
    for (row, src) in mul.values.chunks_exact_mut(MUL_WIDTH).zip(&mul_rows) {
        let row: &mut MulCols<Val> = row.borrow_mut();
        *row = *src;
    }
    let final_state: State = rows
        .iter()
        .filter(|(_, r)| r.2 != 0)
        .map(|(&a, r)| (a, r.2))
        .collect();
    Ok((
        MainTraces {
            cpu,
            rom,
            bytes,
            bitwise,
            mul,
            boundary,
            image: RowMajorMatrix::new(Val::zero_vec(image_height), 1),
            io: RowMajorMatrix::new(Val::zero_vec(io_height), 1),
            pages: RowMajorMatrix::new(page_mult.into_iter().map(f).collect(), 1),
            pairs,
            keccak,
            blake2s,
            secp256k1_add,
            secp256k1_double,
        },
        final_state,
    ))
}

impl MainTraces {
    /// The main trace of `air`'s table: `None` for the final-state table (its cells are
    /// preprocessed) and for a chip table the segment does not use.
    pub(crate) fn matrix(&self, air: &super::air::ZkvmAir) -> Option<&RowMajorMatrix<Val>> {
        use super::air::ZkvmAir as A;
        match air {
            A::Cpu => Some(&self.cpu),
            A::Rom(_) => Some(&self.rom),
            A::Bytes(_) => Some(&self.bytes),
            A::Bitwise => Some(&self.bitwise),
            A::Mul => Some(&self.mul),
            A::Boundary => Some(&self.boundary),
            A::Image(_) => Some(&self.image),
            A::Io(_) => Some(&self.io),
            A::Pages(_) => Some(&self.pages),
            A::Pairs(_) => Some(&self.pairs),
            A::Final(_) => None,
            A::KeccakPort => self.keccak.as_ref().map(|k| &k.0),
            A::Keccak => self.keccak.as_ref().map(|k| &k.1),
            A::Blake2s => self.blake2s.as_ref(),
            A::Secp256k1Add => self.secp256k1_add.as_ref(),
            A::Secp256k1Double => self.secp256k1_double.as_ref(),
        }
    }
}

/// Shared pointer helper for the preprocessed tables.
pub(crate) fn shared(m: RowMajorMatrix<Val>) -> Arc<RowMajorMatrix<Val>> {
    Arc::new(m)
}
