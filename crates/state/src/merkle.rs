//! The in-memory state tree (format: `ferrum_primitives::tree`).

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::B256;
use ferrum_primitives::{
    hash::blake2s_pair,
    tree::{
        KeyProof, Leaf, LeafProof, MAX_GUARD_KEY, MIN_GUARD_KEY, TREE_DEPTH, empty_subtree_hashes,
        multiproof_nodes,
    },
};
use ferrum_stf::StateTree;

/// Dense, insertion-ordered Merkle tree of depth 64 with a key-sorted leaf list.
///
/// Every level is kept, so a path costs no hashing and an update of `k` leaves costs at most
/// `k × 64` hashes (much less when paths share nodes).
#[derive(Clone, Debug)]
pub struct MerkleTree {
    leaves: Vec<Leaf>,
    by_key: BTreeMap<B256, u64>,
    levels: Vec<Vec<B256>>,
    empty: [B256; TREE_DEPTH + 1],
    dirty: BTreeSet<u64>,
}

impl Default for MerkleTree {
    fn default() -> Self {
        Self::new()
    }
}

impl MerkleTree {
    /// A tree holding only the two guard leaves.
    pub fn new() -> Self {
        let guards = vec![
            Leaf {
                key: MIN_GUARD_KEY,
                value: B256::ZERO,
                next: 1,
            },
            Leaf {
                key: MAX_GUARD_KEY,
                value: B256::ZERO,
                next: 0,
            },
        ];
        Self::from_leaves(guards)
    }

    /// Rebuilds a tree from its leaves in index order. Every leaf is marked as not yet persisted.
    pub fn from_leaves(leaves: Vec<Leaf>) -> Self {
        let by_key = leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.key, i as u64))
            .collect();
        let mut tree = Self {
            leaves,
            by_key,
            levels: vec![Vec::new(); TREE_DEPTH + 1],
            empty: empty_subtree_hashes(),
            dirty: BTreeSet::new(),
        };
        tree.levels[0] = tree.leaves.iter().map(Leaf::hash).collect();
        for d in 1..=TREE_DEPTH {
            let below = &tree.levels[d - 1];
            let level: Vec<B256> = (0..below.len().div_ceil(2).max(1))
                .map(|i| {
                    let l = below.get(2 * i).copied().unwrap_or(tree.empty[d - 1]);
                    let r = below.get(2 * i + 1).copied().unwrap_or(tree.empty[d - 1]);
                    blake2s_pair(&l, &r)
                })
                .collect();
            tree.levels[d] = level;
        }
        tree.dirty = (0..tree.leaves.len() as u64).collect();
        tree
    }

    /// Current root.
    pub fn root(&self) -> B256 {
        self.levels[TREE_DEPTH][0]
    }

    /// Index of the next leaf to be inserted.
    pub fn next_free_index(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Value stored under `key` (zero if absent).
    pub fn get(&self, key: &B256) -> B256 {
        self.by_key
            .get(key)
            .map(|i| self.leaves[*i as usize].value)
            .unwrap_or_default()
    }

    /// Leaves changed since the last call, for persisting (index order).
    pub fn take_dirty_leaves(&mut self) -> Vec<(u64, Leaf)> {
        std::mem::take(&mut self.dirty)
            .into_iter()
            .map(|i| (i, self.leaves[i as usize]))
            .collect()
    }

    fn set_leaf(&mut self, index: u64, leaf: Leaf, touched: &mut BTreeSet<u64>) {
        let i = index as usize;
        if i == self.leaves.len() {
            self.leaves.push(leaf);
        } else {
            self.leaves[i] = leaf;
        }
        touched.insert(index);
        self.dirty.insert(index);
    }

    /// Writes `value` under `key` (inserting a leaf for a new non-zero key).
    fn write(&mut self, key: B256, value: B256, touched: &mut BTreeSet<u64>) {
        if let Some(&i) = self.by_key.get(&key) {
            if self.leaves[i as usize].value != value {
                let leaf = Leaf {
                    value,
                    ..self.leaves[i as usize]
                };
                self.set_leaf(i, leaf, touched);
            }
            return;
        }
        if value.is_zero() {
            // A zero write to an absent key changes nothing: absent reads as zero.
            return;
        }
        // Guards make a predecessor always exist for keys strictly between them.
        let Some((_, &pred)) = self.by_key.range(..key).next_back() else {
            return;
        };
        let index = self.leaves.len() as u64;
        let pred_leaf = self.leaves[pred as usize];
        self.set_leaf(
            index,
            Leaf {
                key,
                value,
                next: pred_leaf.next,
            },
            touched,
        );
        self.set_leaf(
            pred,
            Leaf {
                next: index,
                ..pred_leaf
            },
            touched,
        );
        self.by_key.insert(key, index);
    }

    /// Recomputes the paths above `touched` leaves.
    fn rehash(&mut self, touched: BTreeSet<u64>) {
        let mut indices: Vec<u64> = touched.into_iter().collect();
        for &i in &indices {
            let h = self.leaves[i as usize].hash();
            let level = &mut self.levels[0];
            if i as usize == level.len() {
                level.push(h);
            } else {
                level[i as usize] = h;
            }
        }
        for d in 1..=TREE_DEPTH {
            indices = indices.into_iter().map(|i| i >> 1).collect();
            indices.dedup();
            for &i in &indices {
                let below = &self.levels[d - 1];
                let l = below
                    .get(2 * i as usize)
                    .copied()
                    .unwrap_or(self.empty[d - 1]);
                let r = below
                    .get(2 * i as usize + 1)
                    .copied()
                    .unwrap_or(self.empty[d - 1]);
                let h = blake2s_pair(&l, &r);
                let level = &mut self.levels[d];
                if i as usize >= level.len() {
                    level.resize(i as usize + 1, self.empty[d]);
                }
                level[i as usize] = h;
            }
        }
    }

    fn leaf_proof(&self, index: u64) -> LeafProof {
        let siblings = (0..TREE_DEPTH)
            .map(|d| self.node(d, (index >> d) ^ 1))
            .collect();
        LeafProof {
            index,
            leaf: self.leaves[index as usize],
            siblings,
        }
    }

    /// Hash of the node at `height`, `index` (an empty subtree's past the used leaves).
    fn node(&self, height: usize, index: u64) -> B256 {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels[height].get(i))
            .copied()
            .unwrap_or(self.empty[height])
    }

    /// Index of the leaf with the largest key below `key` (the lower guard's for keys at or below it).
    fn predecessor(&self, key: &B256) -> u64 {
        self.by_key
            .range(..*key)
            .next_back()
            .map(|(_, i)| *i)
            .unwrap_or(0)
    }

    /// A multiproof of `keys` against [`MerkleTree::root`]: for each key its leaf, or (absent) its two
    /// neighbours in key order, sorted by index; and the sibling hashes of their paths and of the first free
    /// position's (where insertions go), in the order `ferrum_primitives::tree::multiproof_nodes` lists them.
    pub fn multiproof(
        &self,
        keys: impl IntoIterator<Item = B256>,
    ) -> (Vec<(u64, Leaf)>, Vec<B256>) {
        let mut positions: Vec<u64> = keys
            .into_iter()
            .flat_map(|key| match self.by_key.get(&key) {
                Some(&i) => vec![i],
                None => {
                    let left = self.predecessor(&key);
                    vec![left, self.leaves[left as usize].next]
                }
            })
            .collect();
        positions.sort_unstable();
        positions.dedup();
        let leaves = positions
            .iter()
            .map(|&i| (i, self.leaves[i as usize]))
            .collect();
        positions.push(self.next_free_index());
        let siblings = multiproof_nodes(&positions, self.next_free_index())
            .into_iter()
            .map(|(height, index)| self.node(height, index))
            .collect();
        (leaves, siblings)
    }

    /// Proof that `key` is present (with its value) or absent, against [`MerkleTree::root`].
    pub fn prove(&self, key: &B256) -> KeyProof {
        if let Some(&i) = self.by_key.get(key) {
            return KeyProof::Present(self.leaf_proof(i));
        }
        // Keys strictly between the guards always have both neighbours.
        let left = self.predecessor(key);
        let right = self.leaves[left as usize].next;
        KeyProof::Absent {
            left: self.leaf_proof(left),
            right: self.leaf_proof(right),
        }
    }
}

impl StateTree for MerkleTree {
    type Error = std::convert::Infallible;

    fn apply(&mut self, writes: &[(B256, B256)]) -> Result<(B256, u64), Self::Error> {
        let mut touched = BTreeSet::new();
        for (key, value) in writes {
            self.write(*key, *value, &mut touched);
        }
        self.rehash(touched);
        Ok((self.root(), self.next_free_index()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrum_primitives::tree::TreeProofError;

    fn key(n: u8) -> B256 {
        B256::with_last_byte(n)
    }

    #[test]
    fn incremental_root_equals_rebuilt_root() {
        let mut t = MerkleTree::new();
        t.apply(&[(key(5), key(1)), (key(3), key(2)), (key(9), key(3))])
            .unwrap();
        t.apply(&[(key(3), key(7)), (key(4), key(8))]).unwrap();
        let rebuilt = MerkleTree::from_leaves(t.leaves.clone());
        assert_eq!(t.root(), rebuilt.root());
        assert_eq!(t.next_free_index(), 6);
        // Sorted list: 0 -> 3 -> 4 -> 5 -> 9 -> max.
        let mut walk = vec![];
        let mut i = 0u64;
        loop {
            walk.push(t.leaves[i as usize].key);
            if i == 1 {
                break;
            }
            i = t.leaves[i as usize].next;
        }
        assert_eq!(
            walk,
            vec![MIN_GUARD_KEY, key(3), key(4), key(5), key(9), MAX_GUARD_KEY]
        );
    }

    #[test]
    fn proofs_verify_and_tampering_fails() {
        let mut t = MerkleTree::new();
        t.apply(&[(key(5), key(1)), (key(9), key(3))]).unwrap();
        let root = t.root();
        assert_eq!(t.prove(&key(5)).verify(&root, &key(5)), Ok(key(1)));
        assert_eq!(t.prove(&key(7)).verify(&root, &key(7)), Ok(B256::ZERO));
        // Wrong key for a membership proof.
        assert_eq!(
            t.prove(&key(5)).verify(&root, &key(9)),
            Err(TreeProofError::KeyMismatch)
        );
        // A non-membership proof for a present key's neighbourhood does not bracket it.
        assert_eq!(
            t.prove(&key(7)).verify(&root, &key(9)),
            Err(TreeProofError::NotNeighbours)
        );
        // Tampered value.
        let KeyProof::Present(mut p) = t.prove(&key(5)) else {
            panic!("present")
        };
        p.leaf.value = key(2);
        assert_eq!(
            KeyProof::Present(p).verify(&root, &key(5)),
            Err(TreeProofError::RootMismatch)
        );
        // Tampered sibling.
        let KeyProof::Absent { left, mut right } = t.prove(&key(7)) else {
            panic!("absent")
        };
        right.siblings[3] = B256::repeat_byte(1);
        assert_eq!(
            KeyProof::Absent { left, right }.verify(&root, &key(7)),
            Err(TreeProofError::RootMismatch)
        );
    }

    #[test]
    fn zero_write_to_absent_key_is_noop_and_dirty_tracking() {
        let mut t = MerkleTree::new();
        let _ = t.take_dirty_leaves();
        let before = t.root();
        t.apply(&[(key(5), B256::ZERO)]).unwrap();
        assert_eq!(t.root(), before);
        assert!(t.take_dirty_leaves().is_empty());
        t.apply(&[(key(5), key(1))]).unwrap();
        let dirty: Vec<u64> = t.take_dirty_leaves().into_iter().map(|(i, _)| i).collect();
        assert_eq!(dirty, vec![0, 2]);
    }
}
