//! Guest: reads `n` from private input, commits `fib(n) mod 2^32`, exits 0.
#![no_std]
#![no_main]

use ferrum_guest_runtime as rt;

fn main() -> u32 {
    let n = rt::read_word();
    let (mut a, mut b) = (0u32, 1u32);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    rt::commit_word(a);
    0
}

rt::entry!(main);
