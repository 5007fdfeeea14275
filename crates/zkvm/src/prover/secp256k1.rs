//! The secp256k1 chips: affine point addition and doubling, one row per call, memory port
//! included.
//!
//! A row witnesses the slope `λ`, `inv` (the inverse of the slope's denominator, which proves it
//! is not zero, so `λ` is the only slope) and the result `(x3, y3)`, and checks four relations
//! mod p ([`super::field`]) and that `x3`, `y3` are canonical (`< p`):
//!
//! | relation | addition `P + Q` | doubling `2P` |
//! |---|---|---|
//! | slope | `λ (x2 - x1) = y2 - y1` | `λ · 2y = 3x²` |
//! | denominator ≠ 0 | `inv (x2 - x1) = 1` | `inv · y = 1` |
//! | x | `x3 = λ² - x1 - x2` | `x3 = λ² - 2x` |
//! | y | `y3 = λ (x1 - x3) - y1` | `y3 = λ (x - x3) - y` |
//!
//! Inputs are any 256-bit integers (taken mod p); whether they are on the curve is the guest's
//! business. Padding rows are a valid dummy computation with the port off.

use core::borrow::{Borrow, BorrowMut};
use core::mem::size_of;

use p3_air::WindowAccess;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;
use ruint::aliases::U256;

use super::air::Val;
use super::chips::{CallRow, PortCols, PortLookups, eval_port, fill_port, range_pairs};
use super::field::{
    CanonicalCols, LIMBS, RelationCols, eval_canonical, eval_relation, fill_canonical,
    fill_relation, poly_axpy, poly_mul, relation_witness, residual, u256_bytes,
};
use crate::executor::Chip;
use crate::precompile::{
    CurveStep, SECP256K1_ADD_WORDS, SECP256K1_DOUBLE_WORDS, secp256k1_add_step,
    secp256k1_double_step, u256_from_words,
};

/// What both chips' rows hold after the port.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct CurveCols<T> {
    pub lambda: [T; LIMBS],
    pub inv: [T; LIMBS],
    pub x3: [T; LIMBS],
    pub y3: [T; LIMBS],
    /// Slope, denominator, x and y relations.
    pub rel: [RelationCols<T>; 4],
    /// `x3 < p`, `y3 < p`.
    pub canon: [CanonicalCols<T>; 2],
}

/// A row of the addition chip.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct AddCols<T> {
    pub port: PortCols<T, SECP256K1_ADD_WORDS>,
    pub curve: CurveCols<T>,
}

/// A row of the doubling chip.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct DoubleCols<T> {
    pub port: PortCols<T, SECP256K1_DOUBLE_WORDS>,
    pub curve: CurveCols<T>,
}

/// Width of the addition chip.
pub(crate) const ADD_WIDTH: usize = size_of::<AddCols<u8>>();
/// Width of the doubling chip.
pub(crate) const DOUBLE_WIDTH: usize = size_of::<DoubleCols<u8>>();

macro_rules! borrow_cols {
    ($cols:ident, $width:ident) => {
        impl<T> Borrow<$cols<T>> for [T] {
            fn borrow(&self) -> &$cols<T> {
                debug_assert_eq!(self.len(), $width);
                // SAFETY: `#[repr(C)]` and made only of `T`s.
                let (prefix, rows, suffix) = unsafe { self.align_to::<$cols<T>>() };
                debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
                &rows[0]
            }
        }
        impl<T> BorrowMut<$cols<T>> for [T] {
            fn borrow_mut(&mut self) -> &mut $cols<T> {
                debug_assert_eq!(self.len(), $width);
                // SAFETY: as in `borrow`.
                let (prefix, rows, suffix) = unsafe { self.align_to_mut::<$cols<T>>() };
                debug_assert!(prefix.is_empty() && suffix.is_empty() && rows.len() == 1);
                &mut rows[0]
            }
        }
    };
}
borrow_cols!(AddCols, ADD_WIDTH);
borrow_cols!(DoubleCols, DOUBLE_WIDTH);

/// The four relations' `L` polynomials. `inputs` are `x1, y1, x2, y2` (`x, y` for a doubling),
/// `w` is `λ, inv, x3, y3`.
pub(crate) fn relations<T>(
    chip: Chip,
    inputs: &[Vec<T>],
    w: [&[T]; 4],
    int: &impl Fn(i64) -> T,
) -> [Vec<T>; 4]
where
    T: Clone + core::ops::Add<Output = T> + core::ops::Sub<Output = T> + core::ops::Mul<Output = T>,
{
    let zero = int(0);
    let one = [int(1)];
    let [lambda, inv, x3, y3] = w;
    let (x1, y1) = (&inputs[0], &inputs[1]);
    let sub = |a: &[T], b: &[T]| poly_axpy(a, int(-1), b, &zero);
    match chip {
        Chip::Secp256k1Add => {
            let (x2, y2) = (&inputs[2], &inputs[3]);
            let dx = sub(x2, x1);
            let slope = sub(&poly_mul(lambda, &dx, &zero), &sub(y2, y1));
            let nonzero = sub(&poly_mul(inv, &dx, &zero), &one);
            let rx = sub(&sub(&sub(&poly_mul(lambda, lambda, &zero), x1), x2), x3);
            let ry = sub(&sub(&poly_mul(lambda, &sub(x1, x3), &zero), y1), y3);
            [slope, nonzero, rx, ry]
        }
        _ => {
            let slope = poly_axpy(
                &poly_mul(lambda, y1, &zero)
                    .into_iter()
                    .map(|c| int(2) * c)
                    .collect::<Vec<_>>(),
                int(-3),
                &poly_mul(x1, x1, &zero),
                &zero,
            );
            let nonzero = sub(&poly_mul(inv, y1, &zero), &one);
            let rx = sub(
                &poly_axpy(&poly_mul(lambda, lambda, &zero), int(-2), x1, &zero),
                x3,
            );
            let ry = sub(&sub(&poly_mul(lambda, &sub(x1, x3), &zero), y1), y3);
            [slope, nonzero, rx, ry]
        }
    }
}

/// The cells range-checked as bytes, in the order they are paired.
pub(crate) fn byte_cells<T: Copy>(c: &CurveCols<T>) -> Vec<T> {
    let mut v: Vec<T> = [c.lambda, c.inv, c.x3, c.y3].concat();
    for r in &c.rel {
        v.extend(r.q);
        v.extend(r.carry.iter().flatten());
    }
    for k in &c.canon {
        v.extend(k.d);
    }
    v
}

fn eval_curve<AB: InteractionBuilder<F = Val>, const W: usize>(
    builder: &mut AB,
    chip: Chip,
    port: &PortCols<AB::Var, W>,
    c: &CurveCols<AB::Var>,
) {
    let r: AB::Expr = port.is_real.into();
    let x3y3: Vec<[AB::Var; 4]> =
        c.x3.chunks_exact(4)
            .chain(c.y3.chunks_exact(4))
            .map(|w| [w[0], w[1], w[2], w[3]])
            .collect();
    eval_port(builder, chip, port, |j| {
        x3y3.get(j).copied().unwrap_or(port.old[j]).map(Into::into)
    });
    range_pairs(builder, &byte_cells(c), &r);
    let coords: Vec<Vec<AB::Expr>> = port
        .old
        .chunks_exact(8)
        .map(|ws| ws.iter().flatten().map(|&b| b.into()).collect())
        .collect();
    let as_expr = |a: &[AB::Var; LIMBS]| -> Vec<AB::Expr> { a.iter().map(|&b| b.into()).collect() };
    let (lambda, inv, x3, y3) = (
        as_expr(&c.lambda),
        as_expr(&c.inv),
        as_expr(&c.x3),
        as_expr(&c.y3),
    );
    let int = |x: i64| AB::Expr::from_i64(x);
    let ls = relations(chip, &coords, [&lambda, &inv, &x3, &y3], &int);
    for (l, cols) in ls.iter().zip(&c.rel) {
        let q: Vec<AB::Expr> = cols.q.iter().map(|&b| b.into()).collect();
        let e = residual(l, &q, int);
        eval_relation(builder, &e, cols);
    }
    eval_canonical(builder, &x3, &c.canon[0]);
    eval_canonical(builder, &y3, &c.canon[1]);
}

/// The addition chip's constraints.
pub(crate) fn eval_add<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &AddCols<AB::Var> = main.current_slice().borrow();
    eval_curve(builder, Chip::Secp256k1Add, &loc.port, &loc.curve);
}

/// The doubling chip's constraints.
pub(crate) fn eval_double<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &DoubleCols<AB::Var> = main.current_slice().borrow();
    eval_curve(builder, Chip::Secp256k1Double, &loc.port, &loc.curve);
}

/// The chip's step for a block (`None`: no slope, which the executor refuses).
fn step(chip: Chip, old: &[u32]) -> Option<CurveStep> {
    let w = |i: usize| u256_from_words(&old[8 * i..8 * i + 8]);
    match chip {
        Chip::Secp256k1Add => secp256k1_add_step(w(0), w(1), w(2), w(3)),
        _ => secp256k1_double_step(w(0), w(1)),
    }
}

/// Fills the compute cells for the block `old` (the port's cells are filled apart).
pub(crate) fn fill_curve(chip: Chip, c: &mut CurveCols<Val>, old: &[u32]) -> Result<(), String> {
    let s = step(chip, old).ok_or("a curve operation without a slope")?;
    let bytes = |x: U256| u256_bytes(x).map(Val::from_u8);
    c.lambda = bytes(s.lambda);
    c.inv = bytes(s.inv);
    c.x3 = bytes(s.x3);
    c.y3 = bytes(s.y3);
    let limbs = |x: U256| -> Vec<i64> { u256_bytes(x).iter().map(|&b| i64::from(b)).collect() };
    let coords: Vec<Vec<i64>> = (0..old.len() / 8)
        .map(|i| limbs(u256_from_words(&old[8 * i..8 * i + 8])))
        .collect();
    let w = [limbs(s.lambda), limbs(s.inv), limbs(s.x3), limbs(s.y3)];
    let ls = relations(chip, &coords, [&w[0], &w[1], &w[2], &w[3]], &|x| x);
    for (l, cols) in ls.iter().zip(&mut c.rel) {
        let (q, carries) =
            relation_witness(l).map_err(|_| "a curve relation without a witness".to_string())?;
        fill_relation(cols, &q, &carries);
    }
    fill_canonical(&mut c.canon[0], s.x3);
    fill_canonical(&mut c.canon[1], s.y3);
    Ok(())
}

/// A padding row's block: a valid computation (`(0, 0) + (1, 0)`; `2 (0, 1)`).
fn padding_block(chip: Chip) -> Vec<u32> {
    let mut b = vec![0u32; chip.words()];
    match chip {
        Chip::Secp256k1Add => b[16] = 1,
        _ => b[8] = 1,
    }
    b
}

fn curve_trace<C, const W: usize>(
    chip: Chip,
    width: usize,
    calls: &[CallRow<'_>],
    out: &mut PortLookups,
    parts: impl Fn(&mut C) -> (&mut PortCols<Val, W>, &mut CurveCols<Val>),
) -> Result<RowMajorMatrix<Val>, String>
where
    [Val]: BorrowMut<C>,
{
    let h = super::trace::height(calls.len());
    let mut m = RowMajorMatrix::new(Val::zero_vec(h * width), width);
    let mut rows = m.values.chunks_exact_mut(width);
    for (c, row) in calls.iter().zip(rows.by_ref()) {
        let (port, curve) = parts(row.borrow_mut());
        fill_port(port, c.clk, c.call, &c.gaps);
        fill_curve(chip, curve, &c.call.old)?;
        out.secp256k1(port, curve);
    }
    let mut pad = vec![Val::ZERO; width];
    {
        // The port is off (no bus traffic) but its `old` words are the relations' inputs.
        let (port, curve) = parts(pad.as_mut_slice().borrow_mut());
        let block = padding_block(chip);
        for (dst, w) in port.old.iter_mut().zip(&block) {
            *dst = w.to_le_bytes().map(Val::from_u8);
        }
        fill_curve(chip, curve, &block)?;
    }
    for row in rows {
        row.copy_from_slice(&pad);
    }
    Ok(m)
}

/// The addition chip's table for `calls`.
pub(crate) fn add_trace(
    calls: &[CallRow<'_>],
    out: &mut PortLookups,
) -> Result<RowMajorMatrix<Val>, String> {
    curve_trace(
        Chip::Secp256k1Add,
        ADD_WIDTH,
        calls,
        out,
        |r: &mut AddCols<Val>| (&mut r.port, &mut r.curve),
    )
}

/// The doubling chip's table for `calls`.
pub(crate) fn double_trace(
    calls: &[CallRow<'_>],
    out: &mut PortLookups,
) -> Result<RowMajorMatrix<Val>, String> {
    curve_trace(
        Chip::Secp256k1Double,
        DOUBLE_WIDTH,
        calls,
        out,
        |r: &mut DoubleCols<Val>| (&mut r.port, &mut r.curve),
    )
}
