//! The Blake2s chip: one row per compression, with its memory port.
//!
//! The row reads the 28-word block at `a0` (`h[8]`, `m[16]`, `t0, t1, f0, f1`), computes the
//! 10 rounds and writes `h ^ v[0..8] ^ v[8..16]` back over `h`. The layout of the rounds follows
//! Plonky3's Blake3 AIR (Blake3's quarter round is Blake2s' G): the working vector's rows 0 and 2
//! are kept as two 16-bit limbs per word and rows 1 and 3 as 32 bits, and each half of G is
//! checked with `p3_air::utils`' `add3` / `add2` (additions mod 2^32 on limbs) and `xor_32_shift`
//! (a xor and a rotation on bits). Every new word is range-checked by those helpers.

use core::borrow::{Borrow, BorrowMut};
use core::mem::size_of;

use p3_air::utils::{add2, add3, pack_bits_le, xor_32_shift};
use p3_air::{AirBuilder, WindowAccess};
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::air::Val;
use super::chips::{CallRow, PortCols, PortLookups, eval_port, fill_port};
use crate::executor::Chip;
use crate::precompile::{
    BLAKE2S_G_LANES, BLAKE2S_IV, BLAKE2S_SIGMA, BLAKE2S_WORDS, blake2s_init, blake2s_round,
};

/// A working vector: rows 0 and 2 as 16-bit limbs, rows 1 and 3 as bits.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct State<T> {
    pub row0: [[T; 2]; 4],
    pub row1: [[T; 32]; 4],
    pub row2: [[T; 2]; 4],
    pub row3: [[T; 32]; 4],
}

/// One round: after the first and second halves of the column G's, then of the diagonal G's.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Round<T> {
    pub prime: State<T>,
    pub middle: State<T>,
    pub middle_prime: State<T>,
    pub output: State<T>,
}

/// The Blake2s chip's row.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct Blake2sCols<T> {
    pub port: PortCols<T, BLAKE2S_WORDS>,
    /// Bits of `h` (the block's first 8 words).
    pub h_bits: [[T; 32]; 8],
    /// The initial working vector's rows 0 (`h[0..4]`), 2 (`IV[0..4]`) and 3 (`IV[4..8] ^ (t0, t1, f0, f1)`).
    pub init_row0: [[T; 2]; 4],
    pub init_row2: [[T; 2]; 4],
    pub init_row3: [[T; 32]; 4],
    pub rounds: [Round<T>; 10],
    /// Bits of the final rows 0 and 2 (for the output xor).
    pub final_a_bits: [[T; 32]; 4],
    pub final_c_bits: [[T; 32]; 4],
    /// The new `h`, as bytes.
    pub new: [[T; 4]; 8],
}

/// Width of the Blake2s chip.
pub(crate) const BLAKE2S_WIDTH: usize = size_of::<Blake2sCols<u8>>();

impl<T> Borrow<Blake2sCols<T>> for [T] {
    fn borrow(&self) -> &Blake2sCols<T> {
        debug_assert_eq!(self.len(), BLAKE2S_WIDTH);
        // SAFETY: `Blake2sCols<T>` is `#[repr(C)]` and made only of `T`s.
        let (prefix, rows, suffix) = unsafe { self.align_to::<Blake2sCols<T>>() };
        debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
        &rows[0]
    }
}
impl<T> BorrowMut<Blake2sCols<T>> for [T] {
    fn borrow_mut(&mut self) -> &mut Blake2sCols<T> {
        debug_assert_eq!(self.len(), BLAKE2S_WIDTH);
        // SAFETY: as in `borrow`.
        let (prefix, rows, suffix) = unsafe { self.align_to_mut::<Blake2sCols<T>>() };
        debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
        &mut rows[0]
    }
}

/// The cells one quarter round (G) reads and writes.
struct Quarter<'a, V, E> {
    a: &'a [V; 2],
    b: &'a [V; 32],
    c: &'a [V; 2],
    d: &'a [V; 32],
    x: &'a [E; 2],
    a1: &'a [V; 2],
    b1: &'a [V; 32],
    c1: &'a [V; 2],
    d1: &'a [V; 32],
    y: &'a [E; 2],
    a2: &'a [V; 2],
    b2: &'a [V; 32],
    c2: &'a [V; 2],
    d2: &'a [V; 32],
}

fn limbs<AB: AirBuilder>(bits: &[AB::Var; 32]) -> [AB::Expr; 2] {
    [
        pack_bits_le(bits[..16].iter().copied()),
        pack_bits_le(bits[16..].iter().copied()),
    ]
}

/// G: `a += b + x; d = (d ^ a) >>> 16; c += d; b = (b ^ c) >>> 12;` then the same with `y`
/// and rotations 8 and 7.
fn eval_quarter<AB: AirBuilder>(builder: &mut AB, q: &Quarter<'_, AB::Var, AB::Expr>) {
    add3(builder, q.a1, q.a, &limbs::<AB>(q.b), q.x);
    xor_32_shift(builder, q.a1, q.d, q.d1, 16);
    add2(builder, q.c1, q.c, &limbs::<AB>(q.d1));
    xor_32_shift(builder, q.c1, q.b, q.b1, 12);
    add3(builder, q.a2, q.a1, &limbs::<AB>(q.b1), q.y);
    xor_32_shift(builder, q.a2, q.d1, q.d2, 8);
    add2(builder, q.c2, q.c1, &limbs::<AB>(q.d2));
    xor_32_shift(builder, q.c2, q.b1, q.b2, 7);
}

/// The quarter round of lanes `(i, i + s, i + 2s, i + 3s)` (s = 0: a column, s = 1: a diagonal)
/// from `input` through `mid` to `out`.
fn quarter<'a, V, E>(
    input: &'a State<V>,
    mid: &'a State<V>,
    out: &'a State<V>,
    i: usize,
    s: usize,
    x: &'a [E; 2],
    y: &'a [E; 2],
) -> Quarter<'a, V, E> {
    let (j1, j2, j3) = ((i + s) % 4, (i + 2 * s) % 4, (i + 3 * s) % 4);
    Quarter {
        a: &input.row0[i],
        b: &input.row1[j1],
        c: &input.row2[j2],
        d: &input.row3[j3],
        x,
        a1: &mid.row0[i],
        b1: &mid.row1[j1],
        c1: &mid.row2[j2],
        d1: &mid.row3[j3],
        y,
        a2: &out.row0[i],
        b2: &out.row1[j1],
        c2: &out.row2[j2],
        d2: &out.row3[j3],
    }
}

fn xor3<E: PrimeCharacteristicRing>(a: E, b: E, c: E) -> E {
    a.xor(&b).xor(&c)
}

pub(crate) fn eval_blake2s<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &Blake2sCols<AB::Var> = main.current_slice().borrow();
    let old = &loc.port.old;
    eval_port(builder, Chip::Blake2s, &loc.port, |j| {
        if j < 8 {
            loc.new[j].map(Into::into)
        } else {
            old[j].map(Into::into)
        }
    });
    let byte_of = |bits: &[AB::Expr]| -> AB::Expr { pack_bits_le(bits.iter().cloned()) };

    // h: its bytes are its bits (memory holds bytes, so the bits are unique).
    for (j, bits) in loc.h_bits.iter().enumerate() {
        builder.assert_bools(*bits);
        for k in 0..4 {
            let b: Vec<AB::Expr> = bits[8 * k..8 * k + 8].iter().map(|&v| v.into()).collect();
            builder.assert_eq(old[j][k], byte_of(&b));
        }
    }
    // Initial working vector.
    for i in 0..4 {
        let [lo, hi] = limbs::<AB>(&loc.h_bits[i]);
        builder.assert_eq(loc.init_row0[i][0], lo);
        builder.assert_eq(loc.init_row0[i][1], hi);
        builder.assert_eq(
            loc.init_row2[i][0],
            AB::Expr::from_u32(BLAKE2S_IV[i] & 0xffff),
        );
        builder.assert_eq(loc.init_row2[i][1], AB::Expr::from_u32(BLAKE2S_IV[i] >> 16));
        // Row 3 is IV[4 + i] ^ (t0, t1, f0, f1)[i]: its bits, with the IV's set bits flipped, are
        // the block word's bits.
        builder.assert_bools(loc.init_row3[i]);
        let iv = BLAKE2S_IV[4 + i];
        for (k, &old_byte) in old[24 + i].iter().enumerate() {
            let b: Vec<AB::Expr> = (8 * k..8 * k + 8)
                .map(|z| {
                    let bit: AB::Expr = loc.init_row3[i][z].into();
                    if iv >> z & 1 == 1 {
                        AB::Expr::ONE - bit
                    } else {
                        bit
                    }
                })
                .collect();
            builder.assert_eq(old_byte, byte_of(&b));
        }
    }
    let init = State {
        row0: loc.init_row0,
        row1: [loc.h_bits[4], loc.h_bits[5], loc.h_bits[6], loc.h_bits[7]],
        row2: loc.init_row2,
        row3: loc.init_row3,
    };
    let m: Vec<[AB::Expr; 2]> = (0..16)
        .map(|j| {
            let w = old[8 + j];
            [
                w[0] + w[1] * AB::F::from_u32(256),
                w[2] + w[3] * AB::F::from_u32(256),
            ]
        })
        .collect();
    let mut input = &init;
    for (round, r) in loc.rounds.iter().enumerate() {
        let s = &BLAKE2S_SIGMA[round];
        for i in 0..4 {
            let q = quarter(
                input,
                &r.prime,
                &r.middle,
                i,
                0,
                &m[s[2 * i]],
                &m[s[2 * i + 1]],
            );
            eval_quarter(builder, &q);
        }
        for i in 0..4 {
            let q = quarter(
                &r.middle,
                &r.middle_prime,
                &r.output,
                i,
                1,
                &m[s[8 + 2 * i]],
                &m[s[9 + 2 * i]],
            );
            eval_quarter(builder, &q);
        }
        input = &r.output;
    }
    // Output: h[i] ^ v[i] ^ v[i + 8], byte by byte (bits, so the bytes are in range).
    let fin = &loc.rounds[9].output;
    for (bits, words) in [
        (&loc.final_a_bits, &fin.row0),
        (&loc.final_c_bits, &fin.row2),
    ] {
        for (b, w) in bits.iter().zip(words) {
            builder.assert_bools(*b);
            let [lo, hi] = limbs::<AB>(b);
            builder.assert_eq(w[0], lo);
            builder.assert_eq(w[1], hi);
        }
    }
    for i in 0..8 {
        let (va, vc) = if i < 4 {
            (&loc.final_a_bits[i], &loc.final_c_bits[i])
        } else {
            (&fin.row1[i - 4], &fin.row3[i - 4])
        };
        for k in 0..4 {
            let b: Vec<AB::Expr> = (8 * k..8 * k + 8)
                .map(|z| xor3(loc.h_bits[i][z].into(), va[z].into(), vc[z].into()))
                .collect();
            builder.assert_eq(loc.new[i][k], byte_of(&b));
        }
    }
}

fn set_limbs(dst: &mut [Val; 2], w: u32) {
    *dst = [Val::from_u32(w & 0xffff), Val::from_u32(w >> 16)];
}

fn set_bits(dst: &mut [Val; 32], w: u32) {
    for (z, d) in dst.iter_mut().enumerate() {
        *d = Val::from_u32(w >> z & 1);
    }
}

fn save(dst: &mut State<Val>, v: &[u32; 16]) {
    for i in 0..4 {
        set_limbs(&mut dst.row0[i], v[i]);
        set_bits(&mut dst.row1[i], v[4 + i]);
        set_limbs(&mut dst.row2[i], v[8 + i]);
        set_bits(&mut dst.row3[i], v[12 + i]);
    }
}

/// Half of G: `a += b + x; d = (d ^ a) >>> r1; c += d; b = (b ^ c) >>> r2`.
fn half_g(v: &mut [u32; 16], [a, b, c, d]: [usize; 4], x: u32, (r1, r2): (u32, u32)) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(r1);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(r2);
}

/// The compute cells of a row for `block` (everything but the port's pointer and gaps).
pub(crate) fn fill_compute(row: &mut Blake2sCols<Val>, block: &[u32]) {
    for (bits, &word) in row.h_bits.iter_mut().zip(block) {
        set_bits(bits, word);
    }
    let mut v = blake2s_init(block);
    for i in 0..4 {
        set_limbs(&mut row.init_row0[i], v[i]);
        set_limbs(&mut row.init_row2[i], v[8 + i]);
        set_bits(&mut row.init_row3[i], v[12 + i]);
    }
    let m = &block[8..24];
    for (round, r) in row.rounds.iter_mut().enumerate() {
        let s = &BLAKE2S_SIGMA[round];
        let mut check = v;
        for (stage, dst) in [
            &mut r.prime,
            &mut r.middle,
            &mut r.middle_prime,
            &mut r.output,
        ]
        .into_iter()
        .enumerate()
        {
            let (g0, second) = (4 * (stage / 2), stage % 2 == 1);
            for (i, lanes) in BLAKE2S_G_LANES[g0..g0 + 4].iter().enumerate() {
                let (x, rot) = if second {
                    (m[s[2 * (g0 + i) + 1]], (8, 7))
                } else {
                    (m[s[2 * (g0 + i)]], (16, 12))
                };
                half_g(&mut v, *lanes, x, rot);
            }
            save(dst, &v);
        }
        blake2s_round(&mut check, m, round);
        debug_assert_eq!(check, v);
    }
    for i in 0..4 {
        set_bits(&mut row.final_a_bits[i], v[i]);
        set_bits(&mut row.final_c_bits[i], v[8 + i]);
    }
    for i in 0..8 {
        row.new[i] = (block[i] ^ v[i] ^ v[i + 8])
            .to_le_bytes()
            .map(|b| Val::from_u32(u32::from(b)));
    }
}

/// The Blake2s table for `calls` (in order). Padding rows compress the all-zero block with the
/// port switched off.
pub(crate) fn blake2s_trace(calls: &[CallRow<'_>], out: &mut PortLookups) -> RowMajorMatrix<Val> {
    let h = super::trace::height(calls.len());
    let mut m = RowMajorMatrix::new(Val::zero_vec(h * BLAKE2S_WIDTH), BLAKE2S_WIDTH);
    let mut rows = m.values.chunks_exact_mut(BLAKE2S_WIDTH);
    // Calls first: `zip` takes from its first iterator before it sees the other end.
    for (c, row) in calls.iter().zip(rows.by_ref()) {
        let row: &mut Blake2sCols<Val> = row.borrow_mut();
        fill_port(&mut row.port, c.clk, c.call, &c.gaps);
        fill_compute(row, &c.call.old);
        out.blake2s(row);
    }
    let mut pad = vec![Val::ZERO; BLAKE2S_WIDTH];
    fill_compute(pad.as_mut_slice().borrow_mut(), &[0; BLAKE2S_WORDS]);
    for row in rows {
        row.copy_from_slice(&pad);
    }
    m
}
