//! The partial tree against the node's full tree: the same writes give the same root and next free index, and
//! a multiproof that lacks or falsifies a node is refused.

use alloy_primitives::{B256, keccak256};
use ferrum_batch::{BatchError, PartialTree};
use ferrum_primitives::tree::Leaf;
use ferrum_state::MerkleTree;
use ferrum_stf::StateTree;

/// A deterministic stream of keys and values.
fn word(seed: u64) -> B256 {
    keccak256(seed.to_be_bytes())
}

/// The partial tree of `tree` for `keys` (their leaves, or their neighbours', and the frontier).
fn partial(tree: &MerkleTree, keys: &[B256]) -> PartialTree {
    let (leaves, siblings) = tree.multiproof(keys.iter().copied());
    PartialTree::verify(tree.root(), tree.next_free_index(), leaves, &siblings).unwrap()
}

#[test]
fn writes_give_the_full_trees_root() {
    let mut tree = MerkleTree::new();
    let initial: Vec<(B256, B256)> = (0..300).map(|i| (word(i), word(i + 10_000))).collect();
    tree.apply(&initial).unwrap();
    let mut seed = 20_000u64;
    for round in 0..40u64 {
        // Updates of present keys, inserts of new ones (some between keys inserted in the same round), zero
        // writes to absent keys and zeroing of present ones.
        let mut writes = Vec::new();
        for j in 0..(round % 7 + 1) {
            writes.push((word((round * 13 + j * 7) % 300), word(seed)));
            seed += 1;
        }
        for _ in 0..(round % 5) {
            writes.push((word(seed), word(seed + 1)));
            seed += 2;
        }
        writes.push((word(seed), B256::ZERO));
        seed += 1;
        if round % 3 == 0 {
            writes.push((word(round % 300), B256::ZERO));
        }
        let keys: Vec<B256> = writes.iter().map(|(k, _)| *k).collect();
        let mut p = partial(&tree, &keys);
        for k in &keys {
            assert_eq!(p.get(k).unwrap(), tree.get(k));
        }
        let got = p.apply(&writes).unwrap();
        let want = tree.apply(&writes).unwrap();
        assert_eq!(got, want, "round {round}");
    }
}

#[test]
fn an_empty_tree_takes_its_first_inserts() {
    let mut tree = MerkleTree::new();
    let writes: Vec<(B256, B256)> = (0..5).map(|i| (word(i), word(i + 1))).collect();
    let keys: Vec<B256> = writes.iter().map(|(k, _)| *k).collect();
    let mut p = partial(&tree, &keys);
    assert_eq!(p.apply(&writes).unwrap(), tree.apply(&writes).unwrap());
}

#[test]
fn a_key_outside_the_witness_is_an_error_not_a_zero() {
    let mut tree = MerkleTree::new();
    let initial: Vec<(B256, B256)> = (0..50).map(|i| (word(i), word(i + 100))).collect();
    tree.apply(&initial).unwrap();
    let mut p = partial(&tree, &[word(3)]);
    assert!(matches!(p.get(&word(4)), Err(BatchError::Witness(_))));
    assert!(matches!(
        p.apply(&[(word(4), word(9))]),
        Err(BatchError::Witness(_))
    ));
    // An absent key whose neighbours are in the witness reads as zero.
    let absent = word(1_000);
    let p = partial(&tree, &[absent]);
    assert_eq!(p.get(&absent).unwrap(), B256::ZERO);
}

#[test]
fn falsified_multiproofs_are_refused() {
    let mut tree = MerkleTree::new();
    let initial: Vec<(B256, B256)> = (0..64).map(|i| (word(i), word(i + 100))).collect();
    tree.apply(&initial).unwrap();
    let (leaves, siblings) = tree.multiproof([word(1), word(2), word(500)]);
    let (root, nf) = (tree.root(), tree.next_free_index());
    let verify = |leaves: Vec<(u64, Leaf)>, siblings: &[B256]| {
        PartialTree::verify(root, nf, leaves, siblings)
    };
    assert!(verify(leaves.clone(), &siblings).is_ok());
    let mut bad = leaves.clone();
    bad[0].1.value.0[0] ^= 1;
    assert_eq!(
        verify(bad, &siblings).unwrap_err(),
        BatchError::TreeRootMismatch
    );
    let mut bad = leaves.clone();
    bad[1].0 ^= 1;
    assert!(verify(bad, &siblings).is_err());
    let mut extra = siblings.clone();
    extra.push(B256::ZERO);
    assert!(verify(leaves.clone(), &extra).is_err());
    assert!(verify(leaves.clone(), &siblings[1..]).is_err());
    let mut swapped = leaves.clone();
    swapped.swap(0, 1);
    assert!(verify(swapped, &siblings).is_err());
    assert!(PartialTree::verify(root, nf + 1, leaves, &siblings).is_err());
}
