//! Guest: reads bytes (length word, then packed words), commits their Keccak-256 (8 words), exits 0.
//! The permutation runs on the zkVM's Keccak chip (`ferrum_guest_runtime::keccak256`).
#![no_std]
#![no_main]

use ferrum_guest_runtime as rt;

fn main() -> u32 {
    let data = rt::read_bytes();
    rt::commit_bytes(&rt::keccak256(&data));
    0
}

rt::entry!(main);
