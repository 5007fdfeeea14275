//! Store round trips: atomic block commits, history reads, tree reload, ordering errors.
#![allow(clippy::unwrap_used, clippy::too_many_arguments)] // test helpers: a failure is a test failure

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bytes, KECCAK256_EMPTY, U256, keccak256};
use ferrum_primitives::{AccountState, StateCommitment};
use ferrum_state::{MerkleTree, StateView, Store, StoreError, StoreOptions};
use ferrum_stf::{ExecutedBlock, StateOracle, StateTree, StateWrites};

fn block(
    number: u64,
    parent: B256,
    writes: StateWrites,
    tree: &mut MerkleTree,
) -> (ExecutedBlock, Vec<(u64, ferrum_primitives::tree::Leaf)>) {
    let (root, next) = tree.apply(&writes.tree_writes()).unwrap();
    let header = Header {
        number,
        parent_hash: parent,
        state_root: root,
        timestamp: 1000 + number,
        ..Default::default()
    };
    let hash = header.hash_slow();
    let commitment = StateCommitment {
        tree_root: root,
        next_free_index: next,
        block_number: number,
        block_hash: hash,
        timestamp: header.timestamp,
    };
    (
        ExecutedBlock {
            header,
            hash,
            transactions: vec![],
            receipts: vec![],
            writes,
            l2_to_l1_logs: vec![],
            commitment,
        },
        tree.take_dirty_leaves(),
    )
}

fn acct(nonce: u64, balance: u64) -> AccountState {
    AccountState {
        nonce,
        balance: U256::from(balance),
        code_hash: KECCAK256_EMPTY,
    }
}

#[test]
fn commits_reads_history_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let a = Address::repeat_byte(1);
    let c = Address::repeat_byte(2);
    let code = Bytes::from_static(&[0x60, 0x00]);
    let code_hash = keccak256(&code);
    let mut tree = MerkleTree::new();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(store.head().unwrap(), None);

    let (b0, l0) = block(
        0,
        B256::ZERO,
        StateWrites {
            accounts: vec![(a, acct(0, 100))],
            ..Default::default()
        },
        &mut tree,
    );
    store.commit_block(&b0, &l0, None).unwrap();
    let w1 = StateWrites {
        accounts: vec![
            (a, acct(1, 90)),
            (
                c,
                AccountState {
                    nonce: 1,
                    balance: U256::ZERO,
                    code_hash,
                },
            ),
        ],
        storage: vec![(c, U256::from(7u64), U256::from(42u64))],
        codes: vec![(code_hash, code.clone())],
    };
    let (b1, l1) = block(1, b0.hash, w1.clone(), &mut tree);
    store.commit_block(&b1, &l1, None).unwrap();
    let w2 = StateWrites {
        storage: vec![(c, U256::from(7u64), U256::ZERO)],
        accounts: vec![(a, AccountState::default())],
        ..Default::default()
    };
    let (b2, l2) = block(2, b1.hash, w2, &mut tree);
    store.commit_block(&b2, &l2, None).unwrap();

    // Out-of-order commits are refused.
    let (b9, l9) = block(9, b2.hash, StateWrites::default(), &mut tree.clone());
    assert!(matches!(
        store.commit_block(&b9, &l9, None),
        Err(StoreError::NonSequentialBlock { head: 2, got: 9 })
    ));

    assert_eq!(store.head().unwrap(), Some(2));
    assert_eq!(
        store.account(&a, None).unwrap(),
        None,
        "emptied account is deleted"
    );
    assert_eq!(store.account(&a, Some(0)).unwrap(), Some(acct(0, 100)));
    assert_eq!(store.account(&a, Some(1)).unwrap(), Some(acct(1, 90)));
    assert_eq!(
        store.storage(&c, &U256::from(7u64), Some(1)).unwrap(),
        U256::from(42u64)
    );
    assert_eq!(
        store.storage(&c, &U256::from(7u64), None).unwrap(),
        U256::ZERO
    );
    assert_eq!(
        store.storage(&c, &U256::from(7u64), Some(0)).unwrap(),
        U256::ZERO
    );
    assert_eq!(store.code(&code_hash).unwrap(), Some(code));
    assert_eq!(store.block_number(&b1.hash).unwrap(), Some(1));
    assert_eq!(store.block_hash(2).unwrap(), Some(b2.hash));
    let (commitment, writes) = store.block_state(1).unwrap().unwrap();
    assert_eq!(commitment, b1.commitment);
    assert_eq!(writes, w1);
    let view = StateView::new(&store, Some(1));
    assert_eq!(view.account(a).unwrap(), Some(acct(1, 90)));
    assert_eq!(view.block_hash(1).unwrap(), b1.hash);

    // Reopen: the tree rebuilt from its leaves has the head's root.
    let root = tree.root();
    drop(store);
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let reloaded = MerkleTree::from_leaves(store.tree_leaves().unwrap());
    assert_eq!(reloaded.root(), root);
    assert_eq!(
        reloaded.root(),
        store.header(2).unwrap().unwrap().state_root
    );
    assert_eq!(
        reloaded.get(&ferrum_primitives::tree::tree_key(
            &c,
            &B256::from(U256::from(7u64))
        )),
        B256::ZERO
    );
}

/// A priority transaction from `from` to `to`, with one receipt carrying `logs`.
fn indexed_tx(
    serial_id: u64,
    from: Address,
    to: Address,
    logs: Vec<alloy_primitives::Log>,
) -> (ferrum_primitives::BlockTx, ferrum_stf::TxReceipt) {
    let tx = ferrum_primitives::BlockTx::L1(ferrum_primitives::L1Tx {
        serial_id,
        from,
        to,
        gas_limit: U256::from(100_000u64),
        max_fee_per_gas: U256::ZERO,
        value: U256::ZERO,
        mint: U256::ZERO,
        refund_recipient: from,
        data: Bytes::new(),
    });
    let receipt = alloy_consensus::Receipt {
        status: true.into(),
        cumulative_gas_used: 21_000,
        logs,
    };
    let receipt = ferrum_stf::TxReceipt {
        envelope: alloy_consensus::ReceiptEnvelope::Legacy(receipt.with_bloom()),
        gas_used: 21_000,
        contract_address: None,
        output: Bytes::new(),
        effective_gas_price: 0,
    };
    (tx, receipt)
}

fn transfer_log(token: Address, from: Address, to: Address) -> alloy_primitives::Log {
    alloy_primitives::Log::new_unchecked(
        token,
        vec![
            ferrum_state::ERC20_TRANSFER_TOPIC,
            from.into_word(),
            to.into_word(),
        ],
        U256::from(5u64).to_be_bytes::<32>().to_vec().into(),
    )
}

#[test]
fn address_and_token_indexes_page_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let mut tree = MerkleTree::new();
    let (alice, bob, carol) = (
        Address::repeat_byte(0xa1),
        Address::repeat_byte(0xb0),
        Address::repeat_byte(0xc0),
    );
    let (token, nft) = (Address::repeat_byte(0x70), Address::repeat_byte(0x71));
    let mut parent = B256::ZERO;
    let mut serial = 0;
    for number in 0..4u64 {
        let (mut b, leaves) = block(number, parent, StateWrites::default(), &mut tree);
        // Block n: alice → bob twice; from block 2 on, the second also moves a token from bob to carol, and an
        // ERC-721-shaped Transfer (four topics) that is no ERC-20.
        for i in 0..2 {
            let logs = if number >= 2 && i == 1 {
                let mut nft_log = transfer_log(nft, alice, carol);
                let mut topics = nft_log.data.topics().to_vec();
                topics.push(B256::with_last_byte(1));
                nft_log.data = alloy_primitives::LogData::new_unchecked(topics, Bytes::new());
                vec![transfer_log(token, bob, carol), nft_log]
            } else {
                vec![]
            };
            let (tx, r) = indexed_tx(serial, alice, bob, logs);
            serial += 1;
            b.transactions.push(tx);
            b.receipts.push(r);
        }
        store.commit_block(&b, &leaves, None).unwrap();
        parent = b.hash;
    }

    let all = store.address_txs(&alice, None, 100).unwrap();
    let expected: Vec<(u64, u32)> = (0..4u64).rev().flat_map(|n| [(n, 1), (n, 0)]).collect();
    assert_eq!(all, expected);
    assert_eq!(store.address_txs(&bob, None, 100).unwrap(), expected);
    // Paging: strictly before the cursor, across block boundaries, never past the limit.
    assert_eq!(
        store.address_txs(&alice, Some((2, 0)), 3).unwrap(),
        vec![(1, 1), (1, 0), (0, 1)]
    );
    assert_eq!(
        store.address_txs(&alice, Some((2, 1)), 1).unwrap(),
        vec![(2, 0)]
    );
    assert!(
        store
            .address_txs(&alice, Some((0, 0)), 10)
            .unwrap()
            .is_empty()
    );
    assert!(store.address_txs(&alice, None, 0).unwrap().is_empty());
    // Carol only appears as a token recipient.
    assert_eq!(
        store.address_txs(&carol, None, 100).unwrap(),
        vec![(3, 1), (2, 1)]
    );
    assert!(store.address_txs(&token, None, 100).unwrap().is_empty());
    assert!(
        store
            .address_txs(&Address::repeat_byte(0xee), None, 100)
            .unwrap()
            .is_empty()
    );

    // Only the ERC-20 is a token, with the block of its first transfer; paging by address.
    assert_eq!(store.tokens(None, 100).unwrap(), vec![(token, 2)]);
    assert!(store.tokens(Some(&token), 100).unwrap().is_empty());

    // The indexes survive a reopen (written in the block's own batch).
    drop(store);
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(store.address_txs(&alice, None, 100).unwrap(), expected);
    assert_eq!(store.tokens(None, 100).unwrap(), vec![(token, 2)]);
}
