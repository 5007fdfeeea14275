//! Blake2s-256, the state tree's hash (cheap inside the zkVM).
//!
//! With the `native-blake2s` feature the hash is computed by an external function
//! `native_blake2s256(data, len, out)` that the zkVM guest runtime provides (on the Blake2s chip), as
//! alloy-primitives' `native-keccak` does for Keccak; otherwise by the `blake2` crate.

use alloy_primitives::B256;

#[cfg(feature = "native-blake2s")]
unsafe extern "C" {
    /// Writes Blake2s-256 of `len` bytes at `data` to the 32 bytes at `out`.
    fn native_blake2s256(data: *const u8, len: usize, out: *mut u8);
}

/// Blake2s-256 of the concatenation of `parts`.
#[cfg(not(feature = "native-blake2s"))]
pub fn blake2s(parts: &[&[u8]]) -> B256 {
    use blake2::{Blake2s256, Digest};
    let mut h = Blake2s256::new();
    for p in parts {
        h.update(p);
    }
    B256::from_slice(&h.finalize())
}

/// Blake2s-256 of the concatenation of `parts`.
#[cfg(feature = "native-blake2s")]
pub fn blake2s(parts: &[&[u8]]) -> B256 {
    // Tree hashing concatenates at most 72 bytes; longer inputs go through the heap.
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut stack = [0u8; 128];
    let mut heap = alloc::vec::Vec::new();
    let buf: &mut [u8] = if len <= stack.len() {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    let mut at = 0;
    for p in parts {
        buf[at..at + p.len()].copy_from_slice(p);
        at += p.len();
    }
    let mut out = B256::ZERO;
    // SAFETY: `buf` holds `len` readable bytes and `out` 32 writable ones, the hook's contract.
    unsafe { native_blake2s256(buf.as_ptr(), len, out.as_mut_ptr()) };
    out
}

/// Blake2s-256 of two 32-byte words: an internal node of the state tree.
pub fn blake2s_pair(left: &B256, right: &B256) -> B256 {
    blake2s(&[left.as_slice(), right.as_slice()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blake2s_empty_matches_reference_vector() {
        // RFC 7693 / reference implementation: BLAKE2s-256("").
        let expected: B256 = "0x69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"
            .parse()
            .unwrap();
        assert_eq!(blake2s(&[]), expected);
        assert_eq!(blake2s(&[b"ab", b"c"]), blake2s(&[b"abc"]));
    }
}
