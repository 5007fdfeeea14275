//! Guest: reads bytes (length word, then packed words), commits their Keccak-256 (8 words), exits 0.
#![no_std]
#![no_main]

use ferrum_guest_runtime as rt;
use tiny_keccak::{Hasher, Keccak};

fn main() -> u32 {
    let data = rt::read_bytes();
    let mut k = Keccak::v256();
    k.update(&data);
    let mut out = [0u8; 32];
    k.finalize(&mut out);
    rt::commit_bytes(&out);
    0
}

rt::entry!(main);
