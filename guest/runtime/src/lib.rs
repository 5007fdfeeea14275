//! Runtime for Ferrum zkVM guest programs (RV32IM, `no_std`).
//!
//! - `_start` sets the stack pointer to the top of a 256 KiB stack in `.bss`, calls the guest's
//!   `ferrum_main` (declared with [`entry!`]) and halts with its return value as the exit code.
//! - A bump allocator over a 4 MiB heap in `.bss` (memory is never freed).
//! - Syscalls: [`read_word`] (private input), [`commit_word`] (public output), [`halt`], and the
//!   chips: [`keccak_permute`] (Keccak-f\[1600\]), [`blake2s_compress`] and the secp256k1
//!   add / double chips ([`secp256k1`]); host [`hint`]s.
//! - [`secp256k1::recover`] (ECDSA public-key recovery on the chips) and [`secp256k1::install`],
//!   which makes revm's ECRECOVER precompile (feature `revm`) and alloy's transaction signer
//!   recovery (feature `alloy`) use it.
//! - [`keccak256`], and the `native_keccak256` symbol that alloy-primitives' `native-keccak`
//!   feature calls, so that `alloy_primitives::keccak256` (and revm through it) use the chip.
//! - A panic executes `unimp`, which the zkVM refuses to run: a panicking guest has no proof.
#![no_std]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::arch::{asm, global_asm};
use core::sync::atomic::{AtomicUsize, Ordering};

/// Syscall numbers (`a7`), as in `ferrum_zkvm::syscall`.
pub mod syscall {
    /// Halt with exit code `a0`.
    pub const HALT: u32 = 93;
    /// `a0` ← next word of private input.
    pub const READ_WORD: u32 = 0x100;
    /// Append `a0` to the public output.
    pub const COMMIT_WORD: u32 = 0x101;
    /// Keccak-f\[1600\] on the 25 lanes at `a0`, in place.
    pub const KECCAK_PERMUTE: u32 = 0x200;
    /// Blake2s compression of the block at `a0` (`h`, `m`, `t`, `f`); `h` is updated in place.
    pub const BLAKE2S_COMPRESS: u32 = 0x201;
    /// secp256k1 `P ← P + Q` on the 32 words at `a0`.
    pub const SECP256K1_ADD: u32 = 0x202;
    /// secp256k1 `P ← 2P` on the 16 words at `a0`.
    pub const SECP256K1_DOUBLE: u32 = 0x203;
    /// `a0` ← next answered hint word.
    pub const HINT_WORD: u32 = 0x102;
    /// Ask the host for a hint (request at `a0`).
    pub const HINT_REQUEST: u32 = 0x103;
}

/// Host hints: answers the guest asks for and checks (they are not proven).
pub mod hint {
    use super::syscall;
    use core::arch::asm;

    fn request(words: &[u32]) {
        // SAFETY: the host reads the request's words; nothing is written; `a0` is kept.
        unsafe { asm!("ecall", inlateout("a0") words.as_ptr() => _, in("a7") syscall::HINT_REQUEST) };
    }

    fn word() -> u32 {
        let v: u32;
        // SAFETY: HINT_WORD only writes a0.
        unsafe { asm!("ecall", inlateout("a0") 0u32 => v, in("a7") syscall::HINT_WORD) };
        v
    }

    /// `x^-1 mod m` (256-bit little-endian words), or 0 when there is none. Unchecked.
    pub fn modinv(m: &[u32; 8], x: &[u32; 8]) -> [u32; 8] {
        let mut req = [0u32; 17];
        req[0] = 1;
        req[1..9].copy_from_slice(m);
        req[9..].copy_from_slice(x);
        request(&req);
        core::array::from_fn(|_| word())
    }

    /// `(true, r)` with `r^2 = x` mod secp256k1's p, or `(false, r)` with `r^2 = -x`. Unchecked.
    pub fn secp256k1_sqrt(x: &[u32; 8]) -> (bool, [u32; 8]) {
        let mut req = [0u32; 9];
        req[0] = 2;
        req[1..].copy_from_slice(x);
        request(&req);
        let flag = word();
        (flag == 1, core::array::from_fn(|_| word()))
    }
}

pub mod secp256k1;

/// Keccak-f\[1600\] on `state` (25 lanes, little-endian), in place: one cycle of the zkVM's
/// Keccak chip.
pub fn keccak_permute(state: &mut [u64; 25]) {
    // SAFETY: the chip reads and writes exactly the 200 bytes of `state`; `a0` is kept.
    unsafe {
        asm!("ecall", inlateout("a0") state.as_mut_ptr() => _, in("a7") syscall::KECCAK_PERMUTE)
    };
}

/// A Blake2s compression's operands, laid out as the chip reads them.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Blake2sBlock {
    /// The chaining value, replaced by the compressed one.
    pub h: [u32; 8],
    /// The message block (16 little-endian words).
    pub m: [u32; 16],
    /// The byte counter `(low, high)`.
    pub t: [u32; 2],
    /// The finalization words: `f[0] = !0` for the last block, `f[1] = !0` for a tree's last node.
    pub f: [u32; 2],
}

/// The Blake2s compression function F (RFC 7693): `block.h ← F(h, m, t, f)`: one cycle of the
/// zkVM's Blake2s chip.
pub fn blake2s_compress(block: &mut Blake2sBlock) {
    // SAFETY: the chip reads the block's 112 bytes and writes its first 32; `a0` is kept.
    unsafe {
        asm!("ecall", inlateout("a0") core::ptr::from_mut(block) => _, in("a7") syscall::BLAKE2S_COMPRESS)
    };
}

/// Blake2s-256 (RFC 7693, unkeyed, 32-byte digest) of `data`, with the Blake2s chip.
pub fn blake2s256(data: &[u8]) -> [u8; 32] {
    const IV: [u32; 8] = [
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ];
    let mut block = Blake2sBlock { h: IV, ..Default::default() };
    // Parameter block: digest length 32, no key, fanout 1, depth 1.
    block.h[0] ^= 0x0101_0020;
    let mut done = 0usize;
    loop {
        let rest = data.len() - done;
        let last = rest <= 64;
        let take = rest.min(64);
        let mut m = [0u8; 64];
        m[..take].copy_from_slice(&data[done..done + take]);
        for (w, b) in block.m.iter_mut().zip(m.chunks_exact(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        done += take;
        let t = done as u64;
        block.t = [t as u32, (t >> 32) as u32];
        block.f = [if last { u32::MAX } else { 0 }, 0];
        blake2s_compress(&mut block);
        if last {
            break;
        }
    }
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(block.h) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The hook of ferrum-primitives' `native-blake2s` feature: the state tree's hashing on the Blake2s chip.
///
/// # Safety
/// `data` points to `len` readable bytes and `out` to 32 writable ones (the hook's contract).
#[cfg(feature = "blake2s-hook")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn native_blake2s256(data: *const u8, len: usize, out: *mut u8) {
    // SAFETY: the caller's contract above.
    let (data, out) = unsafe {
        (
            core::slice::from_raw_parts(data, len),
            core::slice::from_raw_parts_mut(out, 32),
        )
    };
    out.copy_from_slice(&blake2s256(data));
}

/// Keccak-256 (Ethereum's: the original padding `0x01`) of `data`, with the Keccak chip.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    const RATE: usize = 136;
    let mut state = [0u64; 25];
    let absorb = |block: &[u8; RATE], state: &mut [u64; 25]| {
        for (lane, b) in state.iter_mut().zip(block.chunks_exact(8)) {
            *lane ^= u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        }
        keccak_permute(state);
    };
    let mut blocks = data.chunks_exact(RATE);
    for block in blocks.by_ref() {
        let mut b = [0u8; RATE];
        b.copy_from_slice(block);
        absorb(&b, &mut state);
    }
    let rest = blocks.remainder();
    let mut last = [0u8; RATE];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[RATE - 1] ^= 0x80;
    absorb(&last, &mut state);
    let mut out = [0u8; 32];
    for (o, lane) in out.chunks_exact_mut(8).zip(state) {
        o.copy_from_slice(&lane.to_le_bytes());
    }
    out
}

/// The hook of alloy-primitives' `native-keccak` feature: `alloy_primitives::keccak256` calls
/// this symbol instead of its own Keccak.
///
/// # Safety
/// `bytes` points to `len` readable bytes and `output` to 32 writable ones (alloy's contract).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: the caller's contract above.
    let (data, out) = unsafe {
        (
            core::slice::from_raw_parts(bytes, len),
            core::slice::from_raw_parts_mut(output, 32),
        )
    };
    out.copy_from_slice(&keccak256(data));
}

const STACK_SIZE: usize = 256 * 1024;
const HEAP_SIZE: usize = 4 * 1024 * 1024;

#[repr(align(16))]
#[allow(dead_code)] // only its address is used
struct Stack([u8; STACK_SIZE]);

#[unsafe(no_mangle)]
static mut FERRUM_STACK: Stack = Stack([0; STACK_SIZE]);

global_asm!(
    ".section .text._start, \"ax\"",
    ".globl _start",
    "_start:",
    "la sp, {stack}",
    "li t0, {size}",
    "add sp, sp, t0",
    "call ferrum_main",
    "li a7, 93",
    "ecall",
    stack = sym FERRUM_STACK,
    size = const STACK_SIZE,
);

/// Declares the guest's entry function (`fn() -> u32`, returning the exit code).
#[macro_export]
macro_rules! entry {
    ($f:path) => {
        #[unsafe(no_mangle)]
        extern "C" fn ferrum_main() -> u32 {
            $f()
        }
    };
}

/// Reads the next word of private input (the run fails when there is none).
pub fn read_word() -> u32 {
    let v: u32;
    // SAFETY: the zkVM's READ_WORD syscall only writes a0.
    unsafe { asm!("ecall", inlateout("a0") 0u32 => v, in("a7") syscall::READ_WORD) };
    v
}

/// Appends a word to the public output.
pub fn commit_word(w: u32) {
    // SAFETY: the zkVM's COMMIT_WORD syscall leaves a0 unchanged.
    unsafe { asm!("ecall", inlateout("a0") w => _, in("a7") syscall::COMMIT_WORD) };
}

/// Reads `len` bytes of private input, packed little-endian into words, after a length word.
pub fn read_bytes() -> alloc::vec::Vec<u8> {
    let len = read_word() as usize;
    let mut out = alloc::vec::Vec::with_capacity(len);
    while out.len() < len {
        let w = read_word().to_le_bytes();
        let take = (len - out.len()).min(4);
        out.extend_from_slice(&w[..take]);
    }
    out
}

/// Commits bytes as little-endian words (the last one zero-padded).
pub fn commit_bytes(bytes: &[u8]) {
    for chunk in bytes.chunks(4) {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        commit_word(u32::from_le_bytes(w));
    }
}

/// Halts with `code` as the exit code.
pub fn halt(code: u32) -> ! {
    // SAFETY: HALT ends the run.
    unsafe { asm!("ecall", in("a0") code, in("a7") syscall::HALT, options(noreturn)) }
}

struct Bump;

#[repr(align(16))]
#[allow(dead_code)] // only its address is used
struct Heap([u8; HEAP_SIZE]);
static mut HEAP: Heap = Heap([0; HEAP_SIZE]);
static NEXT: AtomicUsize = AtomicUsize::new(0);

// SAFETY: single-threaded guest; allocations are disjoint ranges of HEAP, never reused.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = core::ptr::addr_of_mut!(HEAP) as usize;
        let start = (base + NEXT.load(Ordering::Relaxed) + layout.align() - 1) & !(layout.align() - 1);
        let end = start + layout.size();
        if end > base + HEAP_SIZE {
            return core::ptr::null_mut();
        }
        NEXT.store(end - base, Ordering::Relaxed);
        start as *mut u8
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOC: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        // SAFETY: `unimp` traps; the zkVM stops with an error, so no proof exists.
        unsafe { asm!("unimp") };
    }
}
