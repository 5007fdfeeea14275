//! The running sequencer builds a block at once on an idle chain and waits `block_time` under load.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, TxKind, U256};
use ferrum_sequencer::{
    Sequencer, SequencerConfig,
    testing::{FEE_RECIPIENT, TestChain, key},
};

/// A chain with `pending` transactions in its pool, and its sequencer running.
fn chain(idle_block_txs: usize, pending: usize) -> (TestChain, ferrum_sequencer::SequencerHandle) {
    // A block time far longer than the test: a block made within it was made because the chain was idle.
    let config = SequencerConfig {
        block_time: Duration::from_secs(3_600),
        idle_block_txs,
        fee_recipient: FEE_RECIPIENT,
        ..Default::default()
    };
    let mut t = TestChain::with_config(config);
    send(&t, pending);
    let running = std::mem::replace(
        &mut t.sequencer,
        Sequencer::new(t.chain.clone(), config).unwrap(),
    );
    (t, running.spawn())
}

fn send(t: &TestChain, n: usize) {
    for _ in 0..n {
        t.send(
            &key(1),
            TxKind::Call(Address::repeat_byte(0xb0)),
            U256::from(1u64),
            vec![],
        );
    }
}

/// Waits up to `within` for the head to reach `block`; true if it did.
fn head_reaches(t: &TestChain, block: u64, within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if t.chain.head().header.number >= block {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn idle_chain_builds_each_transaction_at_once() {
    let (t, seq) = chain(16, 0);
    for block in 1..=3 {
        send(&t, 1);
        assert!(
            head_reaches(&t, block, Duration::from_secs(30)),
            "transaction {block} waited for the block time on an idle chain"
        );
    }
    seq.stop().unwrap();
}

#[test]
fn loaded_chain_waits_for_the_block_time() {
    // 20 transactions before the first block: it takes them all and the chain counts as loaded.
    let (t, seq) = chain(16, 20);
    assert!(head_reaches(&t, 1, Duration::from_secs(30)));
    assert_eq!(t.chain.head().header.number, 1);
    send(&t, 1);
    assert!(
        !head_reaches(&t, 2, Duration::from_secs(2)),
        "a loaded chain built the next block before its block time"
    );
    assert_eq!(t.chain.pool.len(), 1);
    seq.stop().unwrap();
}

#[test]
fn idle_building_can_be_turned_off() {
    let (t, seq) = chain(0, 1);
    assert!(!head_reaches(&t, 1, Duration::from_secs(2)));
    assert_eq!(t.chain.pool.len(), 1);
    seq.stop().unwrap();
}
