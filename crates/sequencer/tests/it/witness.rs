//! Batch witnesses recorded by the sequencer: executing one from its witness gives the batch's public input, and
//! a witness that omits or falsifies anything is refused (or proves another public input, which L1 refuses).

use alloy_primitives::{Address, B256, Bytes, keccak256};
use ferrum_batch::{BatchError, BatchWitness, run_batch};
use ferrum_sequencer::testing::mixed_batch;

#[test]
fn a_batch_executed_from_its_witness_has_the_sealed_public_input() {
    let (_t, record, witness) = mixed_batch();
    let run = run_batch(&witness).unwrap();
    assert_eq!(run.public_input, record.public_input);
    assert_eq!(run.tx_count, 8);
    assert_eq!(run.output.priority_ops_count, 1);
    assert_eq!(run.output.da_commitment, keccak256(&record.pubdata));
    assert_eq!(run.output.l2_to_l1_logs_root, record.l2_to_l1_logs_root);
    // The witness survives its byte encoding.
    let decoded = BatchWitness::decode(&witness.encode()).unwrap();
    assert_eq!(
        run_batch(&decoded).unwrap().public_input,
        record.public_input
    );
}

/// `tamper` changes the witness; the run must fail or give another public input.
fn refused(
    witness: &BatchWitness,
    expected: B256,
    what: &str,
    tamper: impl FnOnce(&mut BatchWitness),
) {
    let mut w = witness.clone();
    tamper(&mut w);
    assert_ne!(&w, witness, "{what}: the tamper changed nothing");
    if let Ok(run) = run_batch(&w) {
        assert_ne!(
            run.public_input, expected,
            "{what}: accepted with the same public input"
        );
    }
}

fn flip(bytes: &mut Bytes, at: usize) {
    let mut v = bytes.to_vec();
    v[at] ^= 1;
    *bytes = v.into();
}

#[test]
fn a_falsified_or_incomplete_witness_is_refused() {
    let (_t, record, w) = mixed_batch();
    let pi = record.public_input;
    // Leaf value (bytes 8..40 are the key, 40..72 the value).
    refused(&w, pi, "leaf value", |w| {
        flip(&mut w.blocks[1].leaves[3], 50)
    });
    refused(&w, pi, "leaf key", |w| flip(&mut w.blocks[0].leaves[2], 10));
    refused(&w, pi, "leaf next", |w| {
        flip(&mut w.blocks[0].leaves[2], 75)
    });
    refused(&w, pi, "merkle sibling", |w| {
        w.blocks[0].siblings[1].0[0] ^= 1
    });
    refused(&w, pi, "top sibling", |w| {
        let last = w.blocks[1].siblings.len() - 1;
        w.blocks[1].siblings[last].0[31] ^= 1;
    });
    refused(&w, pi, "missing sibling", |w| {
        w.blocks[1].siblings.pop();
    });
    refused(&w, pi, "missing leaf", |w| {
        w.blocks[1].leaves.remove(0);
    });
    refused(&w, pi, "missing account", |w| {
        w.blocks[1].accounts.remove(0);
    });
    refused(&w, pi, "forged account", |w| {
        flip(&mut w.blocks[1].accounts[0], 30)
    });
    refused(&w, pi, "forged bytecode", |w| {
        let code = &mut w.blocks[1].codes[0];
        let at = code.len() / 2;
        flip(code, at);
    });
    refused(&w, pi, "dropped transaction", |w| {
        w.blocks[1].txs.remove(1);
    });
    refused(&w, pi, "reordered transactions", |w| {
        w.blocks[0].txs.swap(1, 3)
    });
    refused(&w, pi, "altered transaction", |w| {
        let tx = &mut w.blocks[1].txs[3];
        let at = tx.len() - 70;
        flip(tx, at);
    });
    refused(&w, pi, "omitted priority operation", |w| {
        w.blocks[0].txs.remove(0);
    });
    refused(&w, pi, "priority operation after user transactions", |w| {
        let op = w.blocks[0].txs.remove(0);
        w.blocks[0].txs.push(op);
    });
    refused(&w, pi, "wrong timestamp", |w| w.blocks[1].timestamp += 1);
    refused(&w, pi, "timestamp before the parent's", |w| {
        w.blocks[0].timestamp = 1
    });
    refused(&w, pi, "wrong base fee rule", |w| w.chain.min_base_fee += 1);
    refused(&w, pi, "other fee recipient", |w| {
        w.blocks[0].fee_recipient = Address::repeat_byte(1)
    });
    refused(&w, pi, "other starting state", |w| {
        w.before.next_free_index += 1
    });
    refused(&w, pi, "other parent header", |w| {
        flip(&mut w.parent_header, 40)
    });
    refused(&w, pi, "other chain id", |w| w.chain.chain_id += 1);
}

#[test]
fn witness_errors_name_what_is_wrong() {
    let (_t, _record, w) = mixed_batch();
    let mut bad = w.clone();
    bad.blocks[0].siblings[0].0[0] ^= 1;
    assert_eq!(run_batch(&bad), Err(BatchError::TreeRootMismatch));
    let mut bad = w.clone();
    bad.blocks[1].codes.clear();
    assert_eq!(
        run_batch(&bad),
        Err(BatchError::Witness(
            "no bytecode for a contract the block runs"
        ))
    );
    let mut bytes = w.encode();
    bytes[3] = 9;
    assert_eq!(
        BatchWitness::decode(&bytes),
        Err(BatchError::WitnessVersion(9))
    );
    assert!(BatchWitness::decode(&bytes[..3]).is_err());
    let mut long = w.encode();
    long.push(0);
    assert!(BatchWitness::decode(&long).is_err());
}
