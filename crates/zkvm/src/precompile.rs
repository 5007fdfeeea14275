//! What the chip syscalls compute, on blocks of little-endian words (the executor's side; the
//! prover's chips constrain the same functions).

use ruint::aliases::U256;

/// Words of a Keccak-f\[1600\] state: 25 lanes of 64 bits.
pub const KECCAK_WORDS: usize = 50;

/// Keccak-f\[1600\] on 25 little-endian 64-bit lanes held as 50 words (lane `i` = words `2i`,
/// `2i + 1`, low word first), in place.
pub(crate) fn keccak_permute(words: &mut [u32]) {
    debug_assert_eq!(words.len(), KECCAK_WORDS);
    let mut lanes = [0u64; 25];
    for (lane, w) in lanes.iter_mut().zip(words.chunks_exact(2)) {
        *lane = u64::from(w[0]) | (u64::from(w[1]) << 32);
    }
    keccak::f1600(&mut lanes);
    for (lane, w) in lanes.iter().zip(words.chunks_exact_mut(2)) {
        w[0] = *lane as u32;
        w[1] = (*lane >> 32) as u32;
    }
}

/// Words of a Blake2s compression block: `h[8]` (updated in place), `m[16]`, `t0, t1, f0, f1`.
pub const BLAKE2S_WORDS: usize = 28;

/// Blake2s initialisation vector (RFC 7693, section 2.6).
pub(crate) const BLAKE2S_IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

/// Message schedule of the 10 rounds (RFC 7693, section 2.7).
pub(crate) const BLAKE2S_SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// The Blake2s mixing function G on `v[a], v[b], v[c], v[d]` with message words `x`, `y`.
fn blake2s_g(v: &mut [u32; 16], [a, b, c, d]: [usize; 4], x: u32, y: u32) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(12);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(8);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(7);
}

/// The four column and four diagonal quarter rounds of a round: `(a, b, c, d)` state indices.
pub(crate) const BLAKE2S_G_LANES: [[usize; 4]; 8] = [
    [0, 4, 8, 12],
    [1, 5, 9, 13],
    [2, 6, 10, 14],
    [3, 7, 11, 15],
    [0, 5, 10, 15],
    [1, 6, 11, 12],
    [2, 7, 8, 13],
    [3, 4, 9, 14],
];

/// The initial working vector of a Blake2s compression of `block` (layout of [`BLAKE2S_WORDS`]).
pub(crate) fn blake2s_init(block: &[u32]) -> [u32; 16] {
    let mut v = [0u32; 16];
    v[..8].copy_from_slice(&block[..8]);
    v[8..].copy_from_slice(&BLAKE2S_IV);
    for i in 0..4 {
        v[12 + i] ^= block[24 + i];
    }
    v
}

/// One Blake2s round on `v` with message `m`.
pub(crate) fn blake2s_round(v: &mut [u32; 16], m: &[u32], round: usize) {
    let s = &BLAKE2S_SIGMA[round];
    for (i, lanes) in BLAKE2S_G_LANES.iter().enumerate() {
        blake2s_g(v, *lanes, m[s[2 * i]], m[s[2 * i + 1]]);
    }
}

/// The Blake2s compression function F (RFC 7693, section 3.2) on a block of [`BLAKE2S_WORDS`]
/// words: `h ← F(h, m, t, f)` with `t = (t0, t1)` and both finalization words `f0, f1` (`f1` is
/// the last-node flag of tree hashing), in place.
pub(crate) fn blake2s_compress(block: &mut [u32]) {
    debug_assert_eq!(block.len(), BLAKE2S_WORDS);
    let mut v = blake2s_init(block);
    for round in 0..10 {
        blake2s_round(&mut v, &block[8..24], round);
    }
    for i in 0..8 {
        block[i] ^= v[i] ^ v[i + 8];
    }
}

/// Words of a secp256k1 affine point: `x` then `y`, each 8 little-endian words (a 256-bit
/// little-endian integer).
pub const SECP256K1_POINT_WORDS: usize = 16;
/// Words of a secp256k1 addition block: point `P` then point `Q`; `P` is replaced by `P + Q`.
pub const SECP256K1_ADD_WORDS: usize = 32;
/// Words of a secp256k1 doubling block: point `P`, replaced by `2P`.
pub const SECP256K1_DOUBLE_WORDS: usize = 16;

/// The secp256k1 base field's prime `p = 2^256 - 2^32 - 977`.
pub(crate) const SECP256K1_P: U256 = U256::from_limbs([
    0xFFFF_FFFE_FFFF_FC2F,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_FFFF_FFFF,
    0xFFFF_FFFF_FFFF_FFFF,
]);

/// The 256-bit integer held in 8 little-endian words.
pub(crate) fn u256_from_words(words: &[u32]) -> U256 {
    let mut limbs = [0u64; 4];
    for (limb, w) in limbs.iter_mut().zip(words.chunks_exact(2)) {
        *limb = u64::from(w[0]) | (u64::from(w[1]) << 32);
    }
    U256::from_limbs(limbs)
}

/// `x` as 8 little-endian words.
pub(crate) fn u256_to_words(x: U256) -> [u32; 8] {
    let mut words = [0u32; 8];
    for (w, limb) in words.chunks_exact_mut(2).zip(x.as_limbs()) {
        w[0] = *limb as u32;
        w[1] = (*limb >> 32) as u32;
    }
    words
}

fn sub_mod(a: U256, b: U256) -> U256 {
    let p = SECP256K1_P;
    a.reduce_mod(p).add_mod(p - b.reduce_mod(p), p)
}

/// An affine secp256k1 addition or doubling with what the chip's rows witness: the slope
/// `lambda`, `inv` (the inverse of `x2 - x1`, or of `y` for a doubling: it proves the slope's
/// denominator is not zero) and the canonical result `(x3, y3)`. Inputs are any 256-bit integers,
/// taken mod p; the curve equation is not checked (the chip computes the formulas).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CurveStep {
    pub lambda: U256,
    pub inv: U256,
    pub x3: U256,
    pub y3: U256,
}

/// `P + Q` by the affine chord formula; `None` when `x1 = x2 (mod p)` (`P = ±Q`: no chord).
pub(crate) fn secp256k1_add_step(x1: U256, y1: U256, x2: U256, y2: U256) -> Option<CurveStep> {
    let p = SECP256K1_P;
    let inv = sub_mod(x2, x1).inv_mod(p)?;
    let lambda = sub_mod(y2, y1).mul_mod(inv, p);
    let x3 = sub_mod(sub_mod(lambda.mul_mod(lambda, p), x1), x2);
    let y3 = sub_mod(lambda.mul_mod(sub_mod(x1, x3), p), y1);
    Some(CurveStep {
        lambda,
        inv,
        x3,
        y3,
    })
}

/// `2P` by the affine tangent formula; `None` when `y = 0 (mod p)` (no tangent slope).
pub(crate) fn secp256k1_double_step(x: U256, y: U256) -> Option<CurveStep> {
    let p = SECP256K1_P;
    let inv = y.reduce_mod(p).inv_mod(p)?;
    let two_y_inv = y.add_mod(y, p).inv_mod(p)?;
    let three_x2 = x.mul_mod(x, p).mul_mod(U256::from(3u8), p);
    let lambda = three_x2.mul_mod(two_y_inv, p);
    let x3 = sub_mod(lambda.mul_mod(lambda, p), x.add_mod(x, p));
    let y3 = sub_mod(lambda.mul_mod(sub_mod(x, x3), p), y);
    Some(CurveStep {
        lambda,
        inv,
        x3,
        y3,
    })
}

/// `P ← P + Q` on a [`SECP256K1_ADD_WORDS`] block; `None` (block unchanged) when `P = ±Q`.
pub(crate) fn secp256k1_add(block: &mut [u32]) -> Option<()> {
    let w = |i: usize| u256_from_words(&block[8 * i..8 * i + 8]);
    let s = secp256k1_add_step(w(0), w(1), w(2), w(3))?;
    block[..8].copy_from_slice(&u256_to_words(s.x3));
    block[8..16].copy_from_slice(&u256_to_words(s.y3));
    Some(())
}

/// `P ← 2P` on a [`SECP256K1_DOUBLE_WORDS`] block; `None` (block unchanged) when `y = 0`.
pub(crate) fn secp256k1_double(block: &mut [u32]) -> Option<()> {
    let s = secp256k1_double_step(u256_from_words(&block[..8]), u256_from_words(&block[8..16]))?;
    block[..8].copy_from_slice(&u256_to_words(s.x3));
    block[8..16].copy_from_slice(&u256_to_words(s.y3));
    Some(())
}

/// Hint request kinds ([`crate::syscall::HINT_REQUEST`]): what the host computes for the guest,
/// unproven; the guest checks every answer.
pub mod hint {
    /// `[1, m (8 words), x (8 words)]` → 8 words: `x^-1 mod m`, or 0 when there is none.
    pub const MODINV: u32 = 1;
    /// `[2, x (8 words)]` → 9 words: `1, r` with `r^2 = x mod p` (secp256k1's p), or `0, r` with
    /// `r^2 = -x mod p` (as p = 3 mod 4, exactly one of `x`, `-x` is a square when `x != 0`).
    pub const SECP256K1_SQRT: u32 = 2;
    /// Words of each request (the kind word included).
    pub(crate) const fn request_words(kind: u32) -> Option<usize> {
        match kind {
            MODINV => Some(17),
            SECP256K1_SQRT => Some(9),
            _ => None,
        }
    }
}

/// The answer words to a hint request (`words` includes the kind word).
pub(crate) fn hint_answer(words: &[u32]) -> Vec<u32> {
    match words.first().copied() {
        Some(hint::MODINV) => {
            let m = u256_from_words(&words[1..9]);
            let x = u256_from_words(&words[9..17]);
            let inv = if m.is_zero() {
                U256::ZERO
            } else {
                x.inv_mod(m).unwrap_or(U256::ZERO)
            };
            u256_to_words(inv).to_vec()
        }
        Some(hint::SECP256K1_SQRT) => {
            let p = SECP256K1_P;
            let x = u256_from_words(&words[1..9]).reduce_mod(p);
            // p = 3 mod 4: a square's root is x^((p + 1) / 4).
            let e = (p + U256::from(1u8)) >> 2;
            let r = x.pow_mod(e, p);
            let (flag, r) = if r.mul_mod(r, p) == x {
                (1, r)
            } else {
                (0, (p - x).reduce_mod(p).pow_mod(e, p))
            };
            let mut out = vec![flag];
            out.extend(u256_to_words(r));
            out
        }
        _ => Vec::new(),
    }
}
