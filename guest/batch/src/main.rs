//! Guest: proves one Ferrum batch.
//!
//! Input: the batch witness (`ferrum_batch::BatchWitness::encode`) as one `read_bytes` blob. The guest executes
//! the batch with `ferrum_batch::run_batch` (the sequencer's `ferrum-stf`, every read checked against the state
//! commitment before the batch) and commits the 32-byte batch public input as eight little-endian words. A
//! witness that is malformed, incomplete or false stops the run (no proof).
#![no_std]
#![no_main]

extern crate alloc;

use ferrum_guest_runtime as rt;

// Linked for their hooks: keccak256 and signature recovery on the chips.
use alloy_consensus as _;
use alloy_primitives as _;
use ferrum_primitives as _;

fn main() -> u32 {
    assert!(rt::secp256k1::install());
    let witness = rt::read_bytes();
    let witness = match ferrum_batch::BatchWitness::decode(&witness) {
        Ok(w) => w,
        Err(e) => panic!("{e}"),
    };
    match ferrum_batch::run_batch(&witness) {
        Ok(run) => rt::commit_bytes(run.public_input.as_slice()),
        Err(e) => panic!("{e}"),
    }
    0
}

rt::entry!(main);
