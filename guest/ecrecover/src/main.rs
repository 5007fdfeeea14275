//! Runs revm's ECRECOVER precompile on each input (128 bytes: hash, v, r, s as 32-byte words)
//! with the runtime's chip crypto installed, and commits per input a word with the output's length
//! (0 for no address, 32) and the output's bytes.
#![no_std]
#![no_main]

use ferrum_guest_runtime as rt;

fn main() -> u32 {
    assert!(rt::secp256k1::install());
    let count = rt::read_word();
    for _ in 0..count {
        let input = rt::read_bytes();
        let out = revm_precompile::secp256k1::ec_recover_run(&input, 3_000)
            .expect("3,000 gas covers ECRECOVER");
        rt::commit_word(out.bytes.len() as u32);
        rt::commit_bytes(&out.bytes);
    }
    0
}

rt::entry!(main);
