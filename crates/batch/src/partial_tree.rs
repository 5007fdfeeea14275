//! The part of the state tree a block touches, checked against the root it claims to belong to.
//!
//! A multiproof gives the leaves a block reads (and, for a key that is absent, its two neighbours) plus the
//! sibling hashes of their paths. [`PartialTree::verify`] rebuilds the root from them (positions at or past
//! `next_free_index` are empty subtrees, whose hashes are known) and keeps every node it computed or consumed. Reads
//! then answer from the checked leaves, and writes update or insert leaves and rehash exactly the paths they touch,
//! as `ferrum_state::MerkleTree` does, so the new root is the one the node computes.

use alloc::{collections::BTreeMap, vec::Vec};
use alloy_primitives::B256;
use ferrum_primitives::{
    hash::blake2s_pair,
    tree::{Leaf, TREE_DEPTH, empty_subtree_hashes, is_empty_subtree},
};
use ferrum_stf::StateTree;

use crate::BatchError;

/// Checked leaves and nodes of the state tree, with the writes of a block applied on top.
#[derive(Clone, Debug)]
pub struct PartialTree {
    leaves: BTreeMap<u64, Leaf>,
    by_key: BTreeMap<B256, u64>,
    /// Every node whose hash is known: `(height, index)`; height 0 holds leaf hashes.
    nodes: BTreeMap<(usize, u64), B256>,
    empty: [B256; TREE_DEPTH + 1],
    next_free: u64,
    root: B256,
}

impl PartialTree {
    /// Checks that `leaves` (sorted by index, distinct, below `next_free`) and `siblings` (in
    /// `multiproof_nodes` order for the leaves' positions and `next_free`'s) hash to `root`.
    pub fn verify(
        root: B256,
        next_free: u64,
        leaves: Vec<(u64, Leaf)>,
        siblings: &[B256],
    ) -> Result<Self, BatchError> {
        let empty = empty_subtree_hashes();
        let mut tree = Self {
            leaves: BTreeMap::new(),
            by_key: BTreeMap::new(),
            nodes: BTreeMap::new(),
            empty,
            next_free,
            root,
        };
        let mut level: Vec<(u64, B256)> = Vec::with_capacity(leaves.len() + 1);
        for (index, leaf) in leaves {
            if index >= next_free || level.last().is_some_and(|(last, _)| *last >= index) {
                return Err(BatchError::Witness(
                    "tree leaves out of order or past next_free",
                ));
            }
            if tree.by_key.insert(leaf.key, index).is_some() {
                return Err(BatchError::Witness("two tree leaves with one key"));
            }
            tree.leaves.insert(index, leaf);
            level.push((index, leaf.hash()));
        }
        // The first free position is on the paths too: its left siblings are the frontier that insertions need.
        level.push((next_free, empty[0]));
        let mut siblings = siblings.iter();
        for (depth, empty_sibling) in empty.iter().enumerate().take(TREE_DEPTH) {
            let mut parents = Vec::with_capacity(level.len());
            let mut i = 0;
            while i < level.len() {
                let (node, hash) = level[i];
                tree.nodes.insert((depth, node), hash);
                let (left, right) = match level.get(i + 1) {
                    Some(&(next, next_hash)) if node & 1 == 0 && next == node | 1 => {
                        tree.nodes.insert((depth, next), next_hash);
                        i += 1;
                        (hash, next_hash)
                    }
                    _ => {
                        let sibling = if is_empty_subtree(depth, node ^ 1, next_free) {
                            *empty_sibling
                        } else {
                            let s = *siblings
                                .next()
                                .ok_or(BatchError::Witness("tree proof is missing a sibling"))?;
                            tree.nodes.insert((depth, node ^ 1), s);
                            s
                        };
                        if node & 1 == 0 {
                            (hash, sibling)
                        } else {
                            (sibling, hash)
                        }
                    }
                };
                i += 1;
                let parent = (node >> 1, blake2s_pair(&left, &right));
                if parents.last().map(|(p, _)| *p) != Some(parent.0) {
                    parents.push(parent);
                }
            }
            level = parents;
        }
        if siblings.next().is_some() {
            return Err(BatchError::Witness("tree proof has unused siblings"));
        }
        if level.as_slice() != [(0, root)] {
            return Err(BatchError::TreeRootMismatch);
        }
        tree.nodes.insert((TREE_DEPTH, 0), root);
        Ok(tree)
    }

    /// Current root.
    pub fn root(&self) -> B256 {
        self.root
    }

    /// Next free leaf index.
    pub fn next_free_index(&self) -> u64 {
        self.next_free
    }

    /// Index of the leaf holding the largest key below `key`, checked to be `key`'s predecessor: its successor
    /// is known and holds a larger key (so `key` is absent).
    fn predecessor(&self, key: &B256) -> Result<u64, BatchError> {
        let missing = BatchError::Witness("no tree proof for a key the block reads or writes");
        let (_, &index) = self
            .by_key
            .range(..*key)
            .next_back()
            .ok_or(missing.clone())?;
        let next = self.leaves.get(&index).ok_or(missing.clone())?.next;
        match self.leaves.get(&next) {
            Some(succ) if succ.key > *key => Ok(index),
            _ => Err(missing),
        }
    }

    /// Value under `key` (zero when absent); an error when the witness does not show it.
    pub fn get(&self, key: &B256) -> Result<B256, BatchError> {
        if let Some(i) = self.by_key.get(key) {
            return self
                .leaves
                .get(i)
                .map(|l| l.value)
                .ok_or(BatchError::Witness("tree index without a leaf"));
        }
        self.predecessor(key).map(|_| B256::ZERO)
    }

    /// Writes `value` under `key` (as `MerkleTree` does: a new non-zero key takes the next free index and is
    /// linked after its predecessor; a zero write to an absent key changes nothing). Returns the leaves changed.
    fn write(&mut self, key: B256, value: B256, dirty: &mut Vec<u64>) -> Result<(), BatchError> {
        if let Some(&i) = self.by_key.get(&key) {
            if let Some(leaf) = self.leaves.get_mut(&i)
                && leaf.value != value
            {
                leaf.value = value;
                dirty.push(i);
            }
            return Ok(());
        }
        if value.is_zero() {
            return Ok(());
        }
        let pred = self.predecessor(&key)?;
        let index = self.next_free;
        let pred_leaf = self
            .leaves
            .get_mut(&pred)
            .ok_or(BatchError::Witness("tree index without a leaf"))?;
        let leaf = Leaf {
            key,
            value,
            next: pred_leaf.next,
        };
        pred_leaf.next = index;
        self.leaves.insert(index, leaf);
        self.by_key.insert(key, index);
        self.next_free = index
            .checked_add(1)
            .ok_or(BatchError::Witness("state tree is full"))?;
        dirty.push(pred);
        dirty.push(index);
        Ok(())
    }

    /// Rehashes the paths above `dirty` leaves.
    fn rehash(&mut self, mut dirty: Vec<u64>) -> Result<(), BatchError> {
        dirty.sort_unstable();
        dirty.dedup();
        for &i in &dirty {
            let leaf = self
                .leaves
                .get(&i)
                .ok_or(BatchError::Witness("tree index without a leaf"))?;
            self.nodes.insert((0, i), leaf.hash());
        }
        let mut level = dirty;
        for depth in 0..TREE_DEPTH {
            level = level.iter().map(|n| n >> 1).collect();
            level.dedup();
            for &parent in &level {
                let child = |i: u64| -> Result<B256, BatchError> {
                    match self.nodes.get(&(depth, i)) {
                        Some(h) => Ok(*h),
                        None if is_empty_subtree(depth, i, self.next_free) => Ok(self.empty[depth]),
                        None => Err(BatchError::Witness(
                            "tree proof is missing a node a write needs",
                        )),
                    }
                };
                let hash = blake2s_pair(&child(parent << 1)?, &child(parent << 1 | 1)?);
                self.nodes.insert((depth + 1, parent), hash);
            }
        }
        self.root = self
            .nodes
            .get(&(TREE_DEPTH, 0))
            .copied()
            .unwrap_or(self.root);
        Ok(())
    }
}

impl StateTree for PartialTree {
    type Error = BatchError;

    fn apply(&mut self, writes: &[(B256, B256)]) -> Result<(B256, u64), Self::Error> {
        let mut dirty = Vec::new();
        for (key, value) in writes {
            self.write(*key, *value, &mut dirty)?;
        }
        if !dirty.is_empty() {
            self.rehash(dirty)?;
        }
        Ok((self.root, self.next_free))
    }
}
