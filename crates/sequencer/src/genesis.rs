//! Genesis: the state of block 0, and loading an existing chain.

use alloy_consensus::{EMPTY_OMMER_ROOT_HASH, EMPTY_ROOT_HASH, Header};
use alloy_primitives::{Address, B256, KECCAK256_EMPTY, U256, keccak256};
use ferrum_primitives::AccountState;
use ferrum_state::{MerkleTree, Store};
use ferrum_stf::{ChainConfig, ExecutedBlock, StateTree, StateWrites};

use crate::{Head, SequencerError};

/// What block 0 contains.
#[derive(Clone, Debug, Default)]
pub struct Genesis {
    /// Genesis timestamp.
    pub timestamp: u64,
    /// Prefunded accounts.
    pub alloc: Vec<(Address, U256)>,
    /// The L1 ecosystem the chain settles in (default: none).
    pub l1: L1Ecosystem,
}

/// What the L2 genesis records of the L1 ecosystem: the L2 asset router finalizes ERC-20 deposits only from the
/// alias of `shared_bridge`. Part of the genesis state, hence of the genesis batch hash that L1's
/// ChainTypeManager stores: a chain cannot start with another bridge than the one it was registered with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct L1Ecosystem {
    /// Chain id of the L1.
    pub l1_chain_id: u64,
    /// The L1 shared bridge (era's L1AssetRouter).
    pub shared_bridge: Address,
}

/// Opens the chain in `store`, creating block 0 from `genesis` if the store is empty.
/// Checks that the persisted tree matches the head's state root (the crash-safety invariant).
pub fn init_or_load(
    store: &Store,
    config: &ChainConfig,
    genesis: &Genesis,
) -> Result<(MerkleTree, Head), SequencerError> {
    if let Some(head) = store.head()? {
        let tree = MerkleTree::from_leaves(store.tree_leaves()?);
        let mut tree = tree;
        let _ = tree.take_dirty_leaves();
        let (commitment, _) = store
            .block_state(head)?
            .ok_or_else(|| SequencerError::Inconsistent(format!("head block {head} missing")))?;
        if tree.root() != commitment.tree_root
            || tree.next_free_index() != commitment.next_free_index
        {
            return Err(SequencerError::Inconsistent(format!(
                "state tree root {} does not match head block {head} state root {}",
                tree.root(),
                commitment.tree_root
            )));
        }
        let header = store
            .header(head)?
            .ok_or_else(|| SequencerError::Inconsistent("head header missing".into()))?;
        return Ok((
            tree,
            Head {
                hash: commitment.block_hash,
                header,
                commitment,
            },
        ));
    }
    let mut tree = MerkleTree::new();
    let mut accounts: Vec<(Address, AccountState)> = genesis
        .alloc
        .iter()
        .map(|(a, b)| {
            (
                *a,
                AccountState {
                    nonce: 0,
                    balance: *b,
                    code_hash: KECCAK256_EMPTY,
                },
            )
        })
        .collect();
    let mut codes = Vec::new();
    for (address, code) in crate::system_contracts::system_contracts() {
        let code_hash = keccak256(&code);
        accounts.retain(|(a, _)| *a != address);
        accounts.push((
            address,
            AccountState {
                nonce: 1,
                balance: U256::ZERO,
                code_hash,
            },
        ));
        codes.push((code_hash, code));
    }
    accounts.sort_by_key(|(a, _)| *a);
    accounts.dedup_by_key(|(a, _)| *a);
    codes.sort_by_key(|(h, _)| *h);
    let mut storage = crate::system_contracts::system_storage(&genesis.l1);
    storage.sort_by_key(|(a, k, _)| (*a, *k));
    let writes = StateWrites {
        accounts,
        storage,
        codes,
    };
    let (root, next_free) = match tree.apply(&writes.tree_writes()) {
        Ok(r) => r,
        Err(e) => match e {},
    };
    let header = Header {
        parent_hash: B256::ZERO,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: root,
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        number: 0,
        gas_limit: config.block_gas_limit,
        timestamp: genesis.timestamp,
        base_fee_per_gas: Some(config.fee.min_base_fee),
        ..Default::default()
    };
    let hash = header.hash_slow();
    let commitment = ferrum_primitives::StateCommitment {
        tree_root: root,
        next_free_index: next_free,
        block_number: 0,
        block_hash: hash,
        timestamp: genesis.timestamp,
    };
    let block = ExecutedBlock {
        header: header.clone(),
        hash,
        transactions: vec![],
        receipts: vec![],
        writes,
        l2_to_l1_logs: vec![],
        commitment,
    };
    store.commit_block(&block, &tree.take_dirty_leaves(), None)?;
    Ok((
        tree,
        Head {
            header,
            hash,
            commitment,
        },
    ))
}
