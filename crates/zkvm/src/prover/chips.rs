//! Chips: tables that compute what a syscall asks for in one CPU cycle (a precompile).
//!
//! A chip syscall's CPU row sends `(chip, clk, a0)` on the `chip` bus. The chip's **memory port**
//! (one row per call) receives it and reads and writes the block of words at `a0` on the `mem` bus,
//! all at the cycle's data-access timestamp `4 clk + 3`, so the chip sees exactly the guest's
//! memory. The port checks the pointer (aligned, below 2^29, both ends on writable data pages;
//! a block is shorter than a page, so its two ends cover every page it touches) and hands the
//! words to the chip's compute table on a chip-specific bus.
//!
//! | chip | syscall | block | compute table |
//! |---|---|---|---|
//! | Keccak-f\[1600\] | `KECCAK_PERMUTE` | 50 words (25 lanes), in place | Plonky3's `p3-keccak-air` (24 rows per permutation) |
//! | Blake2s compression | `BLAKE2S_COMPRESS` | 28 words (`h`, `m`, `t`, `f`), `h` in place | one row per compression, port included (`blake2s.rs`) |
//! | secp256k1 addition | `SECP256K1_ADD` | 32 words (`P`, `Q`), `P` in place | one row per call, port included (`secp256k1.rs`) |
//! | secp256k1 doubling | `SECP256K1_DOUBLE` | 16 words (`P`), in place | one row per call, port included (`secp256k1.rs`) |

use core::borrow::{Borrow, BorrowMut};
use core::mem::size_of;

use p3_air::{Air, AirBuilder, WindowAccess};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_keccak_air::{KeccakAir, KeccakCols, NUM_KECCAK_COLS, NUM_ROUNDS, U64_LIMBS};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::air::{
    BUS_CHIP, BUS_KECCAK, BUS_MEM, BUS_PAGE, BUS_PAIR, BUS_PAIR_OP, MEM_ADDR_OFFSET, OP_TOP3,
    PAIR_OP_ADDR, Val,
};
use crate::executor::{Chip, ChipCall};
use crate::precompile::KECCAK_WORDS;

/// Number of chips (the CPU has one syscall flag per chip).
pub(crate) const NUM_CHIPS: usize = 4;
/// The chips in CPU flag order.
pub(crate) const CHIPS: [Chip; NUM_CHIPS] = [
    Chip::Keccak,
    Chip::Blake2s,
    Chip::Secp256k1Add,
    Chip::Secp256k1Double,
];

/// The memory port of a chip whose block has `W` words: one row per call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct PortCols<T, const W: usize> {
    pub is_real: T,
    /// The cycle of the `ecall`.
    pub clk: T,
    /// `a0`: the block's byte address, as bytes.
    pub ptr: [T; 4],
    /// `ptr[1] >> 4`: with `ptr[2]`, `ptr[3]`, the page of the first word.
    pub page_lo: T,
    /// The byte address of the last word, `ptr + 4 (W - 1)`, as bytes, the carries of that sum,
    /// and its `page_lo`.
    pub end: [T; 4],
    pub end_carry: [T; 3],
    pub end_page_lo: T,
    /// The words before the call, as bytes.
    pub old: [[T; 4]; W],
    /// Per word: `ts - prev_ts - 1` as 3 bytes.
    pub gap: [[T; 3]; W],
}

impl<T: Default + Copy, const W: usize> Default for PortCols<T, W> {
    fn default() -> Self {
        Self {
            is_real: T::default(),
            clk: T::default(),
            ptr: [T::default(); 4],
            page_lo: T::default(),
            end: [T::default(); 4],
            end_carry: [T::default(); 3],
            end_page_lo: T::default(),
            old: [[T::default(); 4]; W],
            gap: [[T::default(); 3]; W],
        }
    }
}

/// The Keccak memory port: the port and the permuted state (bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeccakPortCols<T> {
    pub port: PortCols<T, KECCAK_WORDS>,
    pub new: [[T; 4]; KECCAK_WORDS],
}

impl<T: Default + Copy> Default for KeccakPortCols<T> {
    fn default() -> Self {
        Self {
            port: PortCols::default(),
            new: [[T::default(); 4]; KECCAK_WORDS],
        }
    }
}

/// Width of the Keccak memory port.
pub(crate) const KECCAK_PORT_WIDTH: usize = size_of::<KeccakPortCols<u8>>();
/// Width of the Keccak compute table (Plonky3's Keccak AIR as it is).
pub(crate) const KECCAK_WIDTH: usize = NUM_KECCAK_COLS;

impl<T> Borrow<KeccakPortCols<T>> for [T] {
    fn borrow(&self) -> &KeccakPortCols<T> {
        debug_assert_eq!(self.len(), KECCAK_PORT_WIDTH);
        // SAFETY: `KeccakPortCols<T>` is `#[repr(C)]` and made only of `T`s.
        let (prefix, rows, suffix) = unsafe { self.align_to::<KeccakPortCols<T>>() };
        debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
        &rows[0]
    }
}
impl<T> BorrowMut<KeccakPortCols<T>> for [T] {
    fn borrow_mut(&mut self) -> &mut KeccakPortCols<T> {
        debug_assert_eq!(self.len(), KECCAK_PORT_WIDTH);
        // SAFETY: as in `borrow`.
        let (prefix, rows, suffix) = unsafe { self.align_to_mut::<KeccakPortCols<T>>() };
        debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
        &mut rows[0]
    }
}

fn c<AB: AirBuilder>(x: u32) -> AB::Expr {
    AB::Expr::from_u32(x)
}

/// The port's constraints and lookups; `new` gives each word's bytes after the call.
pub(crate) fn eval_port<AB: InteractionBuilder<F = Val>, const W: usize>(
    builder: &mut AB,
    chip: Chip,
    p: &PortCols<AB::Var, W>,
    new: impl Fn(usize) -> [AB::Expr; 4],
) {
    const { assert!(4 * (W - 1) < 256 && 4 * W <= crate::PAGE_SIZE as usize) };
    let r: AB::Expr = p.is_real.into();
    builder.assert_bool(p.is_real);
    builder.push_interaction(
        BUS_CHIP,
        [
            c::<AB>(chip.id()),
            p.clk.into(),
            p.ptr[0].into(),
            p.ptr[1].into(),
            p.ptr[2].into(),
            p.ptr[3].into(),
        ],
        Count::bounded(-r.clone(), 1),
    );
    // end = ptr + 4 (W - 1), byte by byte.
    builder.assert_bools(p.end_carry);
    let span = AB::F::from_u32(4 * (W as u32 - 1));
    let radix = AB::F::from_u32(256);
    builder.assert_zero(r.clone() * (p.end[0] + p.end_carry[0] * radix - p.ptr[0] - span));
    for i in 1..3 {
        builder.assert_zero(
            r.clone() * (p.end[i] + p.end_carry[i] * radix - p.ptr[i] - p.end_carry[i - 1]),
        );
    }
    builder.assert_zero(r.clone() * (p.end[3] - p.ptr[3] - p.end_carry[2]));
    // Both ends: word-aligned (`x0 & 3 = 0` by the address lookup with offset 0), below 2^29 (top
    // byte >> 5 = 0; also range-checks the end's top byte), on a writable data page.
    for (x, page_lo) in [(&p.ptr, p.page_lo), (&p.end, p.end_page_lo)] {
        builder.push_interaction(
            BUS_PAIR_OP,
            [
                c::<AB>(PAIR_OP_ADDR),
                x[0].into(),
                x[1].into(),
                page_lo * AB::F::from_u32(4),
            ],
            Count::bounded(r.clone(), 1),
        );
        builder.push_interaction(
            super::air::BUS_BYTE,
            [c::<AB>(OP_TOP3), x[3].into(), AB::Expr::ZERO],
            Count::bounded(r.clone(), 1),
        );
        let page = page_lo + x[2] * AB::F::from_u32(16) + x[3] * AB::F::from_u32(4096);
        builder.push_interaction(
            BUS_PAGE,
            [page, AB::Expr::ONE],
            Count::bounded(r.clone(), 1),
        );
    }
    builder.push_interaction(
        BUS_PAIR,
        [p.end[2].into(), AB::Expr::ZERO],
        Count::bounded(r.clone(), 1),
    );
    // Word j is at bus address 32 + ptr / 4 + j, accessed at ts = 4 clk + 3.
    let base = p.ptr[0] * AB::F::ONE.halve().halve()
        + p.ptr[1] * AB::F::from_u32(1 << 6)
        + p.ptr[2] * AB::F::from_u32(1 << 14)
        + p.ptr[3] * AB::F::from_u32(1 << 22)
        + AB::F::from_u32(MEM_ADDR_OFFSET);
    let ts = p.clk * AB::F::from_u32(4) + AB::F::from_u32(3);
    for j in 0..W {
        let addr = base.clone() + AB::F::from_u32(j as u32);
        let g = p.gap[j];
        let prev_ts = ts.clone()
            - AB::F::ONE
            - (g[0] + g[1] * AB::F::from_u32(1 << 8) + g[2] * AB::F::from_u32(1 << 16));
        let old = p.old[j];
        builder.push_interaction(
            BUS_MEM,
            [
                addr.clone(),
                old[0].into(),
                old[1].into(),
                old[2].into(),
                old[3].into(),
                prev_ts,
            ],
            Count::bounded(-r.clone(), 1),
        );
        let [n0, n1, n2, n3] = new(j);
        builder.push_interaction(
            BUS_MEM,
            [addr, n0, n1, n2, n3, ts.clone()],
            Count::bounded(r.clone(), 1),
        );
    }
    let gaps: Vec<AB::Var> = p.gap.iter().flatten().copied().collect();
    range_pairs(builder, &gaps, &r);
}

/// Range-checks bytes two at a time (a last odd byte is paired with 0).
pub(crate) fn range_pairs<AB: InteractionBuilder<F = Val>>(
    builder: &mut AB,
    bytes: &[AB::Var],
    r: &AB::Expr,
) {
    for p in bytes.chunks(2) {
        let y = p.get(1).map_or(AB::Expr::ZERO, |&v| v.into());
        builder.push_interaction(BUS_PAIR, [p[0].into(), y], Count::bounded(r.clone(), 1));
    }
}

/// The Keccak memory port: reads the state, writes the permuted state (range-checked bytes), and
/// sends both, as 16-bit limbs, to the Keccak table.
pub(crate) fn eval_keccak_port<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &KeccakPortCols<AB::Var> = main.current_slice().borrow();
    let r: AB::Expr = loc.port.is_real.into();
    eval_port(builder, Chip::Keccak, &loc.port, |j| {
        loc.new[j].map(Into::into)
    });
    let new: Vec<AB::Var> = loc.new.iter().flatten().copied().collect();
    range_pairs(builder, &new, &r);
    let limbs = |words: &[[AB::Var; 4]; KECCAK_WORDS]| -> Vec<AB::Expr> {
        words
            .iter()
            .flat_map(|w| {
                [
                    w[0] + w[1] * AB::F::from_u32(256),
                    w[2] + w[3] * AB::F::from_u32(256),
                ]
            })
            .collect()
    };
    let mut msg = limbs(&loc.port.old);
    msg.extend(limbs(&loc.new));
    builder.push_interaction(BUS_KECCAK, msg, Count::bounded(r, 1));
}

/// The Keccak table: Plonky3's Keccak-f AIR (24 rows per permutation); the last row of each
/// exported permutation receives `(input limbs, output limbs)` from the port.
pub(crate) fn eval_keccak<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    KeccakAir {}.eval(builder);
    let main = builder.main();
    let loc: &KeccakCols<AB::Var> = main.current_slice().borrow();
    let lanes = || (0..25).map(|i| (i / 5, i % 5));
    let mut msg: Vec<AB::Expr> = lanes()
        .flat_map(|(y, x)| loc.preimage[y][x].map(Into::into))
        .collect();
    msg.extend(
        lanes().flat_map(|(y, x)| {
            (0..U64_LIMBS).map(move |l| loc.a_prime_prime_prime(y, x, l).into())
        }),
    );
    builder.push_interaction(BUS_KECCAK, msg, Count::bounded(-loc.export.into(), 1));
}

/// What chip rows add to the shared tables: range-checked byte pairs, `pair_op` address lookups
/// `(x0, x1)`, top-3-bit lookups and (writable) page lookups.
#[derive(Default)]
pub(crate) struct PortLookups {
    pub ranges: Vec<(u32, u32)>,
    pub addr_ops: Vec<(u32, u32)>,
    pub top3: Vec<u32>,
    pub pages: Vec<u32>,
}

impl PortLookups {
    /// Byte pairs as the AIR pairs them (a last odd byte with 0).
    pub(crate) fn range(&mut self, bytes: impl IntoIterator<Item = Val>) {
        let b: Vec<u32> = bytes.into_iter().map(|v| v.as_canonical_u32()).collect();
        for p in b.chunks(2) {
            self.ranges.push((p[0], p.get(1).copied().unwrap_or(0)));
        }
    }

    /// The lookups of one port row, read from its cells exactly as [`eval_port`] makes them
    /// (nothing for a padding row).
    pub(crate) fn port<const W: usize>(&mut self, p: &PortCols<Val, W>) {
        if p.is_real != Val::ONE {
            return;
        }
        let u = |v: Val| v.as_canonical_u32();
        for (x, page_lo) in [(&p.ptr, p.page_lo), (&p.end, p.end_page_lo)] {
            self.addr_ops.push((u(x[0]), u(x[1])));
            self.top3.push(u(x[3]));
            self.pages.push(u(page_lo) + 16 * u(x[2]) + 4096 * u(x[3]));
        }
        self.ranges.push((u(p.end[2]), 0));
        self.range(p.gap.iter().flatten().copied());
    }

    /// The lookups of a Blake2s row (its new bytes are bits packed by its constraints).
    pub(crate) fn blake2s(&mut self, row: &super::blake2s::Blake2sCols<Val>) {
        self.port(&row.port);
    }

    /// The lookups of a secp256k1 row (nothing for a padding row).
    pub(crate) fn secp256k1<const W: usize>(
        &mut self,
        port: &PortCols<Val, W>,
        curve: &super::secp256k1::CurveCols<Val>,
    ) {
        if port.is_real == Val::ONE {
            self.port(port);
            self.range(super::secp256k1::byte_cells(curve));
        }
    }

    /// The lookups of a Keccak port row.
    pub(crate) fn keccak_port(&mut self, row: &KeccakPortCols<Val>) {
        self.port(&row.port);
        if row.port.is_real == Val::ONE {
            self.range(row.new.iter().flatten().copied());
        }
    }
}

/// Fills a port row for `call` (word gaps from the sequential access pass).
pub(crate) fn fill_port<const W: usize>(
    p: &mut PortCols<Val, W>,
    clk: u32,
    call: &ChipCall,
    gaps: &[u32],
) {
    let f = Val::from_u32;
    let bytes = |x: u32| x.to_le_bytes().map(|b| f(u32::from(b)));
    p.is_real = Val::ONE;
    p.clk = f(clk);
    let end_addr = call.ptr + 4 * (W as u32 - 1);
    p.ptr = bytes(call.ptr);
    p.end = bytes(end_addr);
    let ptr = call.ptr.to_le_bytes();
    let mut carry = 0;
    for (i, (&byte, end_carry)) in ptr.iter().zip(&mut p.end_carry).enumerate() {
        let t = u32::from(byte) + carry + if i == 0 { 4 * (W as u32 - 1) } else { 0 };
        carry = t >> 8;
        *end_carry = f(carry);
    }
    p.page_lo = f(u32::from(ptr[1]) >> 4);
    p.end_page_lo = f((end_addr >> 12) & 15);
    for ((old, gap), (&word, &g)) in p
        .old
        .iter_mut()
        .zip(&mut p.gap)
        .zip(call.old.iter().zip(gaps))
    {
        *old = bytes(word);
        let g = bytes(g);
        *gap = [g[0], g[1], g[2]];
    }
}

/// One Keccak call, ready for the tables: the cycle, the call and its words' timestamp gaps.
pub(crate) struct CallRow<'a> {
    pub clk: u32,
    pub call: &'a ChipCall,
    pub gaps: Vec<u32>,
}

/// The Keccak port and compute tables for `calls` (in order).
pub(crate) fn keccak_traces(
    calls: &[CallRow<'_>],
    out: &mut PortLookups,
) -> (RowMajorMatrix<Val>, RowMajorMatrix<Val>) {
    let h = super::trace::height(calls.len());
    let mut port = RowMajorMatrix::new(Val::zero_vec(h * KECCAK_PORT_WIDTH), KECCAK_PORT_WIDTH);
    let mut inputs = Vec::with_capacity(calls.len());
    for (row, c) in port.values.chunks_exact_mut(KECCAK_PORT_WIDTH).zip(calls) {
        let row: &mut KeccakPortCols<Val> = row.borrow_mut();
        fill_port(&mut row.port, c.clk, c.call, &c.gaps);
        for (dst, &w) in row.new.iter_mut().zip(&c.call.new) {
            *dst = w.to_le_bytes().map(|b| Val::from_u32(u32::from(b)));
        }
        out.keccak_port(row);
        let mut lanes = [0u64; 25];
        for (lane, w) in lanes.iter_mut().zip(c.call.old.chunks_exact(2)) {
            *lane = u64::from(w[0]) | (u64::from(w[1]) << 32);
        }
        inputs.push(lanes);
    }
    let n = calls.len();
    // At least one (padding) permutation, so the table has its round structure.
    if inputs.is_empty() {
        inputs.push([0; 25]);
    }
    let mut keccak = p3_keccak_air::generate_trace_rows::<Val>(inputs, 0);
    for k in 0..n {
        let row: &mut KeccakCols<Val> = keccak.values
            [(k * NUM_ROUNDS + NUM_ROUNDS - 1) * KECCAK_WIDTH..][..KECCAK_WIDTH]
            .borrow_mut();
        row.export = Val::ONE;
    }
    (port, keccak)
}
