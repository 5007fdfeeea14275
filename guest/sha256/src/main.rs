//! Guest: reads bytes (length word, then packed words), commits their SHA-256 (8 words), exits 0.
#![no_std]
#![no_main]

use ferrum_guest_runtime as rt;
use sha2::{Digest, Sha256};

fn main() -> u32 {
    let data = rt::read_bytes();
    rt::commit_bytes(&Sha256::digest(&data));
    0
}

rt::entry!(main);
