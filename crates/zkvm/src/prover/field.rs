//! 256-bit modular relations on byte limbs, for the secp256k1 chips.
//!
//! A number is 32 byte limbs, read as the polynomial `a(X) = Σ a_i X^i` at `X = 256`. A relation
//! says that an integer combination `L` of such numbers (sums of `coef · a · b` and `coef · a`) is
//! divisible by p (secp256k1's field prime). The row witnesses `q' = L / p + 2^260` (33 bytes;
//! the offset keeps it non-negative for every `L` the chips build, |L / p| < 2^260) and checks
//!
//! `E(X) = L(X) + C(X) - q'(X) p(X) = (X - 256) c(X)`,   `C = 2^260 p` as 65 bytes,
//!
//! coefficient by coefficient, with the 64 carries `c_i` in `[-2^16, 2^16)` witnessed as two
//! range-checked bytes and a bit. `E(X)` has a root at 256, so `L + 2^260 p = q' p` as integers:
//! `L ≡ 0 (mod p)`. Soundness of reading field equations as integer ones: every coefficient of
//! `E` and every `c_{i-1} - 256 c_i` is below 2^25 in absolute value for the chips' relations
//! (at most 5 products of 32 byte pairs, 32 of `q' p`: 13 M), far from BabyBear's 2^31.
//!
//! A result is made canonical (`< p`) by [`CanonicalCols`]: `x + d = p - 1` with bytes `d` and
//! carry bits, no carry out of the top.

use core::ops::{Add, Mul, Sub};

use p3_field::PrimeCharacteristicRing;
use ruint::Uint;
use ruint::aliases::U256;

use crate::precompile::SECP256K1_P;

/// Byte limbs of a 256-bit number.
pub(crate) const LIMBS: usize = 32;
/// Byte limbs of `q'`.
pub(crate) const Q_LIMBS: usize = 33;
/// Coefficients of `E(X)`: degree 64 (`C` has 65 bytes).
pub(crate) const E_COEFFS: usize = 65;
/// Carries `c_0..c_63`.
pub(crate) const CARRIES: usize = E_COEFFS - 1;
/// A carry is witnessed as `c + 2^16 = lo + 256 hi + 2^16 top`.
const CARRY_OFFSET: i64 = 1 << 16;

/// The witness of one relation.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct RelationCols<T> {
    /// `q' = L / p + 2^260`, bytes.
    pub q: [T; Q_LIMBS],
    /// Per carry: low and high byte of `c + 2^16` (range-checked as a pair).
    pub carry: [[T; 2]; CARRIES],
    /// Per carry: bit 16 of `c + 2^16`.
    pub carry_top: [T; CARRIES],
}

/// The witness that a 32-byte number `x` is below p: `x + d = p - 1`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct CanonicalCols<T> {
    /// `p - 1 - x`, bytes.
    pub d: [T; LIMBS],
    /// Carry bits of `x + d`, limb by limb (none out of the top limb).
    pub k: [T; LIMBS - 1],
}

/// `x`'s 32 little-endian bytes.
pub(crate) fn u256_bytes(x: U256) -> [u8; LIMBS] {
    x.to_le_bytes::<LIMBS>()
}

fn p_bytes() -> [u8; LIMBS] {
    u256_bytes(SECP256K1_P)
}

/// `C = 2^260 p`, 65 bytes.
fn offset_bytes() -> [u8; E_COEFFS] {
    let mut c = [0u8; E_COEFFS];
    // 2^260 p = (16 p) << 256: 32 zero bytes, then the 33 bytes of 16 p.
    let p16: Uint<264, 5> = Uint::<264, 5>::from(SECP256K1_P) << 4;
    c[LIMBS..].copy_from_slice(&p16.to_le_bytes::<33>());
    c
}

/// The product of two limb polynomials.
pub(crate) fn poly_mul<T>(a: &[T], b: &[T], zero: &T) -> Vec<T>
where
    T: Clone + Add<Output = T> + Mul<Output = T>,
{
    let mut out = vec![zero.clone(); a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] = out[i + j].clone() + x.clone() * y.clone();
        }
    }
    out
}

/// `a + s b`, limb by limb (the longer length).
pub(crate) fn poly_axpy<T>(a: &[T], s: T, b: &[T], zero: &T) -> Vec<T>
where
    T: Clone + Add<Output = T> + Mul<Output = T>,
{
    (0..a.len().max(b.len()))
        .map(|i| {
            let x = a.get(i).cloned().unwrap_or_else(|| zero.clone());
            match b.get(i) {
                Some(y) => x + s.clone() * y.clone(),
                None => x,
            }
        })
        .collect()
}

/// `E(X) = L(X) + C(X) - q'(X) p(X)`, 65 coefficients.
pub(crate) fn residual<T>(l: &[T], q: &[T], int: impl Fn(i64) -> T) -> Vec<T>
where
    T: Clone + Add<Output = T> + Sub<Output = T> + Mul<Output = T>,
{
    debug_assert!(l.len() <= E_COEFFS && q.len() == Q_LIMBS);
    let zero = int(0);
    let p: Vec<T> = p_bytes().iter().map(|&b| int(i64::from(b))).collect();
    let qp = poly_mul(q, &p, &zero);
    let c = offset_bytes();
    (0..E_COEFFS)
        .map(|i| {
            let mut e = int(i64::from(c[i]));
            if let Some(x) = l.get(i) {
                e = e + x.clone();
            }
            if let Some(x) = qp.get(i) {
                e = e - x.clone();
            }
            e
        })
        .collect()
}

/// Why a relation's witness could not be built (a bug in the caller: the inputs do not satisfy
/// the relation, or a bound above is wrong).
#[derive(Debug)]
pub(crate) struct NotARelation;

/// The witness of the relation with integer limb polynomial `l` (coefficients as computed from
/// the row's bytes), or [`NotARelation`] when `L` is not divisible by p.
pub(crate) fn relation_witness(l: &[i64]) -> Result<([u8; Q_LIMBS], [i64; CARRIES]), NotARelation> {
    // V = L + 2^260 p >= 0, as bytes (signed carries), then q' = V / p.
    let c = offset_bytes();
    let mut bytes = Vec::with_capacity(E_COEFFS + 8);
    let mut carry: i64 = 0;
    for i in 0..E_COEFFS.max(l.len()) {
        let t = l.get(i).copied().unwrap_or(0) + i64::from(*c.get(i).unwrap_or(&0)) + carry;
        bytes.push(t.rem_euclid(256) as u8);
        carry = t.div_euclid(256);
    }
    if carry < 0 {
        return Err(NotARelation);
    }
    while carry > 0 {
        bytes.push((carry % 256) as u8);
        carry /= 256;
    }
    bytes.resize(72, 0);
    let v = Uint::<576, 9>::try_from_le_slice(&bytes).ok_or(NotARelation)?;
    let (q, rem) = v.div_rem(Uint::<576, 9>::from(SECP256K1_P));
    if !rem.is_zero() || q.bit_len() > 8 * Q_LIMBS {
        return Err(NotARelation);
    }
    let qb = q.to_le_bytes::<72>();
    let mut q_bytes = [0u8; Q_LIMBS];
    q_bytes.copy_from_slice(&qb[..Q_LIMBS]);
    let q_limbs: Vec<i64> = q_bytes.iter().map(|&b| i64::from(b)).collect();
    let e = residual(l, &q_limbs, |x| x);
    // E_0 = -256 c_0; E_i = c_{i-1} - 256 c_i; E_64 = c_63.
    let mut carries = [0i64; CARRIES];
    let mut prev = 0i64;
    for (i, ci) in carries.iter_mut().enumerate() {
        let t = prev - e[i];
        if t % 256 != 0 {
            return Err(NotARelation);
        }
        *ci = t / 256;
        if !(-CARRY_OFFSET..CARRY_OFFSET).contains(ci) {
            return Err(NotARelation);
        }
        prev = *ci;
    }
    if e[CARRIES] != prev {
        return Err(NotARelation);
    }
    Ok((q_bytes, carries))
}

/// Fills a relation's cells.
pub(crate) fn fill_relation<F: PrimeCharacteristicRing>(
    cols: &mut RelationCols<F>,
    q: &[u8; Q_LIMBS],
    carries: &[i64; CARRIES],
) {
    for (dst, &b) in cols.q.iter_mut().zip(q) {
        *dst = F::from_u8(b);
    }
    for ((dst, top), &c) in cols.carry.iter_mut().zip(&mut cols.carry_top).zip(carries) {
        // In [0, 2^17) by `relation_witness`'s bound.
        let v = (c + CARRY_OFFSET) as u32;
        *dst = [F::from_u32(v & 0xff), F::from_u32((v >> 8) & 0xff)];
        *top = F::from_u32(v >> 16);
    }
}

/// The relation's constraints, given `E`'s coefficients as expressions.
pub(crate) fn eval_relation<AB: p3_air::AirBuilder>(
    builder: &mut AB,
    e: &[AB::Expr],
    cols: &RelationCols<AB::Var>,
) {
    builder.assert_bools(cols.carry_top);
    let carry = |i: usize| -> AB::Expr {
        cols.carry[i][0]
            + cols.carry[i][1] * AB::F::from_u32(256)
            + cols.carry_top[i] * AB::F::from_u32(1 << 16)
            - AB::F::from_u32(1 << 16)
    };
    for (i, ei) in e.iter().enumerate() {
        let prev = if i == 0 { AB::Expr::ZERO } else { carry(i - 1) };
        let cur = if i < CARRIES {
            carry(i) * AB::F::from_u32(256)
        } else {
            AB::Expr::ZERO
        };
        builder.assert_eq(ei.clone(), prev - cur);
    }
}

/// The canonical-form constraints: `x + d = p - 1` limb by limb.
pub(crate) fn eval_canonical<AB: p3_air::AirBuilder>(
    builder: &mut AB,
    x: &[AB::Expr],
    cols: &CanonicalCols<AB::Var>,
) {
    builder.assert_bools(cols.k);
    let pm1 = u256_bytes(SECP256K1_P - U256::from(1u8));
    for i in 0..LIMBS {
        let cin = if i == 0 {
            AB::Expr::ZERO
        } else {
            cols.k[i - 1].into()
        };
        let cout = if i < LIMBS - 1 {
            cols.k[i] * AB::F::from_u32(256)
        } else {
            AB::Expr::ZERO
        };
        builder.assert_eq(
            x[i].clone() + cols.d[i] + cin,
            cout + AB::F::from_u8(pm1[i]),
        );
    }
}

/// Fills the canonical-form cells of `x < p`.
pub(crate) fn fill_canonical<F: PrimeCharacteristicRing>(cols: &mut CanonicalCols<F>, x: U256) {
    let xb = u256_bytes(x);
    let db = u256_bytes((SECP256K1_P - U256::from(1u8)).wrapping_sub(x));
    let mut carry = 0u32;
    for i in 0..LIMBS {
        cols.d[i] = F::from_u8(db[i]);
        let t = u32::from(xb[i]) + u32::from(db[i]) + carry;
        carry = t >> 8;
        if i < LIMBS - 1 {
            cols.k[i] = F::from_u32(carry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limbs(x: U256) -> Vec<i64> {
        u256_bytes(x).iter().map(|&b| i64::from(b)).collect()
    }

    #[test]
    fn a_relation_holds_exactly_when_p_divides() {
        let p = SECP256K1_P;
        let a: U256 = U256::from(123_456_789u64) << 200;
        let b = p - U256::from(977u32);
        // a b - r = q p with r = a b mod p.
        let r = a.mul_mod(b, p);
        let ab = poly_mul(&limbs(a), &limbs(b), &0);
        let l = poly_axpy(&ab, -1, &limbs(r), &0);
        assert!(relation_witness(&l).is_ok());
        let l = poly_axpy(&ab, -1, &limbs(r + U256::from(1u8)), &0);
        assert!(relation_witness(&l).is_err());
        // Negative L: r - a b.
        let l = poly_axpy(&limbs(r), -1, &ab, &0);
        assert!(relation_witness(&l).is_ok());
    }
}
