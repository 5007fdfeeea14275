//! The state tree's format: keys, leaves, node hashing and proof verification.
//!
//! The tree follows ZKsync OS: a fixed-depth (64) binary Merkle tree hashed with Blake2s-256
//! whose leaves are filled left to right in insertion order. Each leaf stores `(key, value,
//! next)`, where `next` is the index of the leaf with the next larger key, so the leaves also form
//! a linked list sorted by key. Two guard leaves bound the list: index 0 holds key `0x00..00`
//! and index 1 holds key `0xff..ff`. Non-membership of a key is shown by two neighbouring
//! leaves `left.key < key < right.key` with `left.next == right.index`.
//! The storage engine that maintains the tree lives in `ferrum-state`; this module only holds
//! what a verifier (the guest, a contract, a client) needs.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256};

use crate::hash::{blake2s, blake2s_pair};

/// Depth of the tree: leaves are addressed by a `u64` index.
pub const TREE_DEPTH: usize = 64;

/// Key of the lower guard leaf (index 0).
pub const MIN_GUARD_KEY: B256 = B256::ZERO;
/// Key of the upper guard leaf (index 1).
pub const MAX_GUARD_KEY: B256 = B256::repeat_byte(0xff);

/// Tree key of `slot` in `address`'s storage: `blake2s(address left-padded to 32 bytes ‖ slot)`.
pub fn tree_key(address: &Address, slot: &B256) -> B256 {
    let mut padded = [0u8; 32];
    padded[12..].copy_from_slice(address.as_slice());
    blake2s(&[&padded, slot.as_slice()])
}

/// Tree key of an account's properties (see [`crate::AccountState::tree_value`]).
pub fn account_key(address: &Address) -> B256 {
    let mut slot = [0u8; 32];
    slot[12..].copy_from_slice(address.as_slice());
    tree_key(&crate::ACCOUNT_PROPERTIES_ADDRESS, &B256::from(slot))
}

/// One leaf of the tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Leaf {
    /// The tree key (see [`tree_key`]).
    pub key: B256,
    /// The stored 32-byte value.
    pub value: B256,
    /// Index of the leaf holding the next larger key (0 for the upper guard).
    pub next: u64,
}

impl Leaf {
    /// Encoded length of a leaf: `key ‖ value ‖ next (u64 little-endian)`.
    pub const ENCODED_LEN: usize = 72;

    /// `key ‖ value ‖ next as u64 little-endian`.
    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        out[..32].copy_from_slice(self.key.as_slice());
        out[32..64].copy_from_slice(self.value.as_slice());
        out[64..].copy_from_slice(&self.next.to_le_bytes());
        out
    }

    /// Inverse of [`Leaf::encode`]; `None` on a wrong length.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::ENCODED_LEN {
            return None;
        }
        let mut next = [0u8; 8];
        next.copy_from_slice(&bytes[64..]);
        Some(Self {
            key: B256::from_slice(&bytes[..32]),
            value: B256::from_slice(&bytes[32..64]),
            next: u64::from_le_bytes(next),
        })
    }

    /// `blake2s(encode())`. Unused leaf positions hash as the all-zero leaf.
    pub fn hash(&self) -> B256 {
        blake2s(&[&self.encode()])
    }
}

/// Hashes of empty subtrees: `[0]` is the all-zero leaf's hash, `[d+1] = H([d] ‖ [d])`.
pub fn empty_subtree_hashes() -> [B256; TREE_DEPTH + 1] {
    let mut out = [B256::ZERO; TREE_DEPTH + 1];
    out[0] = Leaf::default().hash();
    for d in 0..TREE_DEPTH {
        out[d + 1] = blake2s_pair(&out[d], &out[d]);
    }
    out
}

/// A leaf together with its Merkle path.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LeafProof {
    /// Position of the leaf.
    pub index: u64,
    /// The leaf itself.
    pub leaf: Leaf,
    /// Sibling hashes from the leaf level up (length [`TREE_DEPTH`]).
    pub siblings: Vec<B256>,
}

impl LeafProof {
    /// Root implied by this path, or `None` if the path has the wrong length.
    pub fn root(&self) -> Option<B256> {
        if self.siblings.len() != TREE_DEPTH {
            return None;
        }
        let mut node = self.leaf.hash();
        let mut index = self.index;
        for sibling in &self.siblings {
            node = if index & 1 == 0 {
                blake2s_pair(&node, sibling)
            } else {
                blake2s_pair(sibling, &node)
            };
            index >>= 1;
        }
        Some(node)
    }
}

/// Proof that a key is, or is not, in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum KeyProof {
    /// The key is present: its leaf and path.
    Present(LeafProof),
    /// The key is absent: its neighbours in key order.
    Absent {
        /// Leaf with the largest key smaller than the queried key.
        left: LeafProof,
        /// `left`'s successor, whose key is larger than the queried key.
        right: LeafProof,
    },
}

/// Why a [`KeyProof`] was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TreeProofError {
    /// A Merkle path does not lead to the expected root.
    #[error("merkle path does not match the state root")]
    RootMismatch,
    /// The present leaf holds another key.
    #[error("leaf key differs from the queried key")]
    KeyMismatch,
    /// The neighbours do not bracket the key or are not linked.
    #[error("neighbour leaves do not prove absence of the key")]
    NotNeighbours,
}

impl KeyProof {
    /// Checks the proof against `root` for `key`; returns the value (zero if absent).
    pub fn verify(&self, root: &B256, key: &B256) -> Result<B256, TreeProofError> {
        match self {
            Self::Present(p) => {
                if p.leaf.key != *key {
                    return Err(TreeProofError::KeyMismatch);
                }
                if p.root() != Some(*root) {
                    return Err(TreeProofError::RootMismatch);
                }
                Ok(p.leaf.value)
            }
            Self::Absent { left, right } => {
                if !(left.leaf.key < *key && *key < right.leaf.key && left.leaf.next == right.index)
                {
                    return Err(TreeProofError::NotNeighbours);
                }
                if left.root() != Some(*root) || right.root() != Some(*root) {
                    return Err(TreeProofError::RootMismatch);
                }
                Ok(B256::ZERO)
            }
        }
    }
}

/// True when every position under node `index` at height `depth` is at or past `next_free`: an empty subtree.
pub fn is_empty_subtree(depth: usize, index: u64, next_free: u64) -> bool {
    (u128::from(index) << depth) >= u128::from(next_free)
}

/// The nodes a multiproof of the leaves at `positions` carries, in the order its verifier consumes them: level by
/// level from the leaves up, left to right, every sibling of a node on a path that is neither on a path itself nor an
/// empty subtree (all of it at or past `next_free`, whose hash the verifier knows). `positions` must be sorted and
/// distinct. The node itself (its hash) is the caller's: the prover reads it from its tree.
pub fn multiproof_nodes(positions: &[u64], next_free: u64) -> Vec<(usize, u64)> {
    let mut out = Vec::new();
    let mut level: Vec<u64> = positions.to_vec();
    for depth in 0..TREE_DEPTH {
        let mut i = 0;
        while i < level.len() {
            let node = level[i];
            if node & 1 == 0 && level.get(i + 1) == Some(&(node | 1)) {
                i += 2;
                continue;
            }
            if !is_empty_subtree(depth, node ^ 1, next_free) {
                out.push((depth, node ^ 1));
            }
            i += 1;
        }
        level = level.iter().map(|n| n >> 1).collect();
        level.dedup();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_encoding_roundtrips() {
        let l = Leaf {
            key: B256::repeat_byte(1),
            value: B256::repeat_byte(2),
            next: 0x0102,
        };
        assert_eq!(Leaf::decode(&l.encode()), Some(l));
        assert_eq!(l.encode()[64], 0x02, "next is little-endian");
    }

    #[test]
    fn empty_hashes_chain() {
        let e = empty_subtree_hashes();
        assert_eq!(e[1], blake2s_pair(&e[0], &e[0]));
        assert_ne!(e[TREE_DEPTH], e[TREE_DEPTH - 1]);
    }

    #[test]
    fn keys_differ_per_address_and_slot() {
        let a = Address::repeat_byte(1);
        assert_ne!(
            tree_key(&a, &B256::ZERO),
            tree_key(&a, &B256::with_last_byte(1))
        );
        assert_ne!(account_key(&a), tree_key(&a, &B256::ZERO));
    }
}
