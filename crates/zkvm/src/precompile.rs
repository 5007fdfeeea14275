//! What the chip syscalls compute, on blocks of little-endian words (the executor's side; the
//! prover's chips constrain the same functions).

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
