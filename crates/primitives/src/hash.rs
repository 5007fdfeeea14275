//! Blake2s-256, the state tree's hash (cheap inside the zkVM).

use alloy_primitives::B256;
use blake2::{Blake2s256, Digest};

/// Blake2s-256 of the concatenation of `parts`.
pub fn blake2s(parts: &[&[u8]]) -> B256 {
    let mut h = Blake2s256::new();
    for p in parts {
        h.update(p);
    }
    B256::from_slice(&h.finalize())
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
