//! Chips: conformance with the software functions, and soundness (a forged chip row, a skipped
//! call, a call whose memory disagrees with the CPU's, a tampered input: no proof verifies).
#![allow(clippy::unwrap_used)]

use core::borrow::{Borrow, BorrowMut};

use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_keccak_air::{KeccakCols, NUM_ROUNDS};

use super::air::{BYTES_WIDTH, MEM_ADDR_OFFSET, OP_TOP3, PAIR_OP_ADDR, PAIRS_WIDTH};
use super::chips::{KECCAK_PORT_WIDTH, KECCAK_WIDTH, KeccakPortCols, PortLookups};
use super::columns::{BOUNDARY_WIDTH, BoundaryCols};
use super::trace::MainTraces;
use super::*;
use crate::asm::{self, reg::*};
use crate::{ExecError, KECCAK_WORDS, syscall};

/// A small deterministic generator (xorshift), so tests need no `rand`.
pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn words(&mut self, n: usize) -> Vec<u32> {
        (0..n).map(|_| self.next() as u32).collect()
    }
}

/// Ends a test program: commits the first `commit` words at `s0`, then halts with exit code 0.
pub(super) fn commit_and_halt(code: &mut Vec<u32>, commit: usize) {
    for i in 0..commit {
        code.extend([
            asm::lw(A0, S0, 4 * i as i32),
            asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
            asm::ECALL,
        ]);
    }
    code.extend([asm::addi(A0, ZERO, 0)]);
    code.extend(asm::HALT);
}

/// A port row's timestamp gaps, one per word (what `fill_port` takes).
pub(super) fn port_gaps<const W: usize>(port: &super::chips::PortCols<Val, W>) -> Vec<u32> {
    port.gap
        .iter()
        .map(|g| {
            g[0].as_canonical_u32()
                | (g[1].as_canonical_u32() << 8)
                | (g[2].as_canonical_u32() << 16)
        })
        .collect()
}

/// Makes memory from bus address `addr` end the run as `block`, last written at timestamp 0 (as if
/// no chip call had written it).
pub(super) fn keep_block(t: &mut MainTraces, addr: u32, block: &[u32]) {
    for (j, &w) in block.iter().enumerate() {
        set_final_word(t, addr + j as u32, w.to_le_bytes().map(Val::from_u8));
        boundary_row(t, addr + j as u32).fin_ts = Val::ZERO;
    }
}

/// Permutes the state at `DATA_BASE + offset` `calls` times, then commits its first `commit`
/// words and halts.
fn keccak_program(state: &[u32], offset: u32, calls: usize, commit: usize) -> Program {
    let mut data = vec![0; offset as usize / 4];
    data.extend_from_slice(state);
    let mut code = asm::li(S0, asm::DATA_BASE + offset).to_vec();
    for _ in 0..calls {
        code.extend([
            asm::addi(A0, S0, 0),
            asm::addi(A7, ZERO, syscall::KECCAK_PERMUTE as i32),
            asm::ECALL,
        ]);
    }
    commit_and_halt(&mut code, commit);
    Program::from_elf(&asm::elf(&code, &data)).unwrap()
}

fn keccak_f(words: &[u32]) -> Vec<u32> {
    let mut w = words.to_vec();
    crate::precompile::keccak_permute(&mut w);
    w
}

#[test]
fn keccak_f_matches_the_published_vector() {
    // Keccak-f[1600] of the all-zero state: the first lanes of the Keccak team's
    // KeccakF-1600-IntermediateValues.txt.
    let out = keccak_f(&[0; KECCAK_WORDS]);
    let lane = |i: usize| u64::from(out[2 * i]) | (u64::from(out[2 * i + 1]) << 32);
    assert_eq!(lane(0), 0xF125_8F79_40E1_DDE7);
    assert_eq!(lane(1), 0x84D5_CCF9_33C0_478A);
    assert_eq!(lane(24), 0xEAF1_FF7B_5CEC_A249);
}

#[test]
fn the_keccak_table_computes_keccak_f_on_random_states() {
    // The table's trace (Plonky3's generator, the rows the AIR constrains) against the executor's
    // function, on 2,000 random states; the AIR's constraints are checked on proofs below.
    let mut rng = Rng(7);
    let states: Vec<Vec<u32>> = (0..2000).map(|_| rng.words(KECCAK_WORDS)).collect();
    let inputs: Vec<[u64; 25]> = states
        .iter()
        .map(|s| core::array::from_fn(|i| u64::from(s[2 * i]) | (u64::from(s[2 * i + 1]) << 32)))
        .collect();
    let trace = p3_keccak_air::generate_trace_rows::<Val>(inputs, 0);
    for (k, s) in states.iter().enumerate() {
        let row: &KeccakCols<Val> = trace.values
            [(k * NUM_ROUNDS + NUM_ROUNDS - 1) * KECCAK_WIDTH..][..KECCAK_WIDTH]
            .borrow();
        let want = keccak_f(s);
        for i in 0..25 {
            let (y, x) = (i / 5, i % 5);
            let limb = |l: usize| row.a_prime_prime_prime(y, x, l).as_canonical_u32();
            assert_eq!(limb(0) | (limb(1) << 16), want[2 * i], "state {k} lane {i}");
            assert_eq!(
                limb(2) | (limb(3) << 16),
                want[2 * i + 1],
                "state {k} lane {i}"
            );
        }
    }
}

#[test]
fn keccak_calls_run_prove_and_verify() {
    let mut rng = Rng(1);
    let state = rng.words(KECCAK_WORDS);
    // The state straddles a page boundary (offset 4,000: bytes 4,000..4,200).
    for (offset, calls) in [(0, 1), (4000, 3)] {
        let p = keccak_program(&state, offset, calls, KECCAK_WORDS);
        let run = crate::execute(&p, &[], &crate::ExecConfig::default()).unwrap();
        let mut want = state.clone();
        for _ in 0..calls {
            want = keccak_f(&want);
        }
        assert_eq!(run.output, want);
        let (claim, proof, stats) = prove(&p, &[], &FAST_TEST).unwrap();
        assert_eq!(claim.output, want);
        verify(&p, &claim, &proof, &FAST_TEST).unwrap();
        let names: Vec<&str> = stats.tables.iter().map(|t| t.name).collect();
        assert!(names.contains(&"keccak") && names.contains(&"keccak_port"));
    }
}

#[test]
fn a_run_without_keccak_calls_has_no_keccak_tables() {
    let p = keccak_program(&[0; KECCAK_WORDS], 0, 0, 1);
    let (_, _, stats) = prove(&p, &[], &FAST_TEST).unwrap();
    assert!(stats.tables.iter().all(|t| !t.name.starts_with("keccak")));
}

#[test]
fn keccak_calls_in_several_segments_verify() {
    let state = Rng(3).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 6, 2);
    let (claim, segments) = prove_segments(&p, &[], 8, 1 << 20, &FAST_TEST).unwrap();
    assert!(segments.len() >= 3);
    let mut want = state;
    for _ in 0..6 {
        want = keccak_f(&want);
    }
    assert_eq!(claim.output, want[..2]);
    assert_eq!(verify_segments(&p, &segments, &FAST_TEST).unwrap(), claim);
}

#[test]
fn bad_keccak_pointers_are_typed_errors() {
    let run = |ptr: u32| {
        let mut code = asm::li(A0, ptr).to_vec();
        code.extend([
            asm::addi(A7, ZERO, syscall::KECCAK_PERMUTE as i32),
            asm::ECALL,
        ]);
        code.extend(asm::HALT);
        let p = Program::from_elf(&asm::elf(&code, &[0; 16])).unwrap();
        crate::execute(&p, &[], &crate::ExecConfig::default())
    };
    assert!(matches!(
        run(asm::DATA_BASE + 2),
        Err(ExecError::MisalignedAccess { size: 4, .. })
    ));
    // The data segment is one page: a state starting 100 bytes before its end runs off it.
    assert!(matches!(
        run(asm::DATA_BASE + 4096 - 100),
        Err(ExecError::Unmapped { addr, .. }) if addr == asm::DATA_BASE + 4096
    ));
    assert!(matches!(
        run(asm::CODE_BASE),
        Err(ExecError::WriteToReadOnly { .. })
    ));
    assert!(matches!(run(0x1fff_fff0), Err(ExecError::Unmapped { .. })));
    assert!(matches!(run(u32::MAX - 3), Err(ExecError::Unmapped { .. })));
    assert!(run(asm::DATA_BASE + 4096 - 200).is_ok());
}

fn port_row(t: &mut MainTraces, row: usize) -> &mut KeccakPortCols<Val> {
    t.keccak.as_mut().unwrap().0.values[row * KECCAK_PORT_WIDTH..][..KECCAK_PORT_WIDTH].borrow_mut()
}

fn keccak_row(t: &mut MainTraces, row: usize) -> &mut KeccakCols<Val> {
    t.keccak.as_mut().unwrap().1.values[row * KECCAK_WIDTH..][..KECCAK_WIDTH].borrow_mut()
}

pub(super) fn boundary_row(t: &mut MainTraces, addr: u32) -> &mut BoundaryCols<Val> {
    t.boundary
        .values
        .chunks_exact_mut(BOUNDARY_WIDTH)
        .map(|r| -> &mut BoundaryCols<Val> { r.borrow_mut() })
        .find(|b| b.addr == Val::from_u32(addr))
        .unwrap()
}

/// Replaces the port row `row` by `after`, moving its lookups in the shared tables (pair, byte and
/// page multiplicities) so that only the chip's own buses and constraints can notice.
fn replace_port_row(t: &mut MainTraces, p: &Program, row: usize, after: KeccakPortCols<Val>) {
    let mut before = PortLookups::default();
    before.keccak_port(port_row(t, row));
    *port_row(t, row) = after;
    let mut now = PortLookups::default();
    now.keccak_port(&after);
    move_lookups(t, p, before, now);
}

/// Takes `before`'s lookups out of the shared tables' multiplicities and puts `after`'s in.
pub(super) fn move_lookups(
    t: &mut MainTraces,
    p: &Program,
    before: PortLookups,
    after: PortLookups,
) {
    let writable: Vec<u32> = p
        .data_pages()
        .filter(|&(_, w)| w)
        .map(|(pg, _)| pg)
        .collect();
    let data_pages = p.data_pages().count();
    for (l, sign) in [(before, -Val::ONE), (after, Val::ONE)] {
        let pair = |(x, y): (u32, u32)| (x | (y << 8)) as usize * PAIRS_WIDTH;
        for xy in l.ranges {
            t.pairs.values[pair(xy)] += sign;
        }
        for xy in l.addr_ops {
            t.pairs.values[pair(xy) + PAIR_OP_ADDR as usize] += sign;
        }
        for x in l.top3 {
            t.bytes.values[x as usize * BYTES_WIDTH + OP_TOP3 as usize - 1] += sign;
        }
        for page in l.pages {
            let i = writable.iter().position(|&w| w == page).unwrap();
            t.pages.values[data_pages + i] += sign;
        }
    }
}

/// Makes the word at bus address `addr` end the run as `bytes` (its final record and the inverse of
/// its byte sum).
pub(super) fn set_final_word(t: &mut MainTraces, addr: u32, bytes: [Val; 4]) {
    let b = boundary_row(t, addr);
    b.fin = bytes;
    let sum = bytes.iter().copied().sum::<Val>();
    b.fnz = Val::from_bool(sum != Val::ZERO);
    b.finv = sum.try_inverse().unwrap_or(Val::ZERO);
}

/// Proving fails (the debug constraint check) or the proof does not verify.
pub(super) fn assert_rejected(p: &Program, tamper: &mut dyn FnMut(&mut MainTraces)) {
    match prove_with(p, &[], &FAST_TEST, &mut |t, _| tamper(t)) {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(verify(p, &claim, &proof, &FAST_TEST).is_err()),
    }
}

/// Bus address of the first state word of [`keccak_program`] at offset 0.
const STATE_ADDR: u32 = MEM_ADDR_OFFSET + asm::DATA_BASE / 4;

#[test]
fn a_forged_keccak_output_has_no_proof() {
    // Nothing reads the state after the call, so a forged output word only reaches the port,
    // the Keccak table's output and the final memory: only the Keccak AIR can refuse it.
    let state = Rng(5).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 1, 0);
    assert_rejected(&p, &mut |t| {
        let out = port_row(t, 0).new[0][0].as_canonical_u32();
        let forged = (out + 1) % 256;
        let mut row = *port_row(t, 0);
        row.new[0][0] = Val::from_u32(forged);
        replace_port_row(t, &p, 0, row);
        let k = keccak_row(t, NUM_ROUNDS - 1);
        let limb = k.a_prime_prime_prime_0_0_limbs[0].as_canonical_u32();
        k.a_prime_prime_prime_0_0_limbs[0] = Val::from_u32((limb & 0xff00) | forged);
        let word = port_row(t, 0).new[0];
        set_final_word(t, STATE_ADDR, word);
    });
}

#[test]
fn a_skipped_keccak_call_has_no_proof() {
    let state = Rng(6).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 1, 0);
    // The port row and the permutation go (so the chip side is silent), and memory is left as
    // it was before the call.
    assert_rejected(&p, &mut |t| {
        let old = port_row(t, 0).port.old;
        replace_port_row(t, &p, 0, KeccakPortCols::default());
        keccak_row(t, NUM_ROUNDS - 1).export = Val::ZERO;
        for (j, w) in old.iter().enumerate() {
            set_final_word(t, STATE_ADDR + j as u32, *w);
            boundary_row(t, STATE_ADDR + j as u32).fin_ts = Val::ZERO;
        }
    });
}

#[test]
fn a_keccak_call_reading_other_memory_has_no_proof() {
    // The port claims the state held different bytes (and the Keccak table permutes those):
    // consistent with the chip, not with the guest's memory.
    let state = Rng(8).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 1, 0);
    let mut forged_in = state.clone();
    forged_in[3] ^= 0x0100;
    let forged_out = keccak_f(&forged_in);
    let honest_out = keccak_f(&state);
    assert_ne!(forged_out, honest_out);
    assert_rejected(&p, &mut |t| {
        let inputs = vec![core::array::from_fn(|i| {
            u64::from(forged_in[2 * i]) | (u64::from(forged_in[2 * i + 1]) << 32)
        })];
        let mut keccak = p3_keccak_air::generate_trace_rows::<Val>(inputs, 0);
        let row: &mut KeccakCols<Val> =
            keccak.values[(NUM_ROUNDS - 1) * KECCAK_WIDTH..][..KECCAK_WIDTH].borrow_mut();
        row.export = Val::ONE;
        t.keccak.as_mut().unwrap().1 = keccak;
        let mut port = *port_row(t, 0);
        port.port.old[3] = forged_in[3]
            .to_le_bytes()
            .map(|b| Val::from_u32(u32::from(b)));
        for (j, w) in forged_out.iter().enumerate() {
            port.new[j] = w.to_le_bytes().map(|b| Val::from_u32(u32::from(b)));
        }
        replace_port_row(t, &p, 0, port);
        for (j, &w) in forged_out.iter().enumerate() {
            set_final_word(
                t,
                STATE_ADDR + j as u32,
                w.to_le_bytes().map(|b| Val::from_u32(u32::from(b))),
            );
        }
    });
}

#[test]
fn a_tampered_keccak_input_has_no_proof() {
    // The Keccak table permutes (correctly) another input than the port read and sends it.
    let state = Rng(9).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 1, 0);
    assert_rejected(&p, &mut |t| {
        let mut other: [u64; 25] =
            core::array::from_fn(|i| u64::from(state[2 * i]) | (u64::from(state[2 * i + 1]) << 32));
        other[0] ^= 1;
        let mut keccak = p3_keccak_air::generate_trace_rows::<Val>(vec![other], 0);
        let row: &mut KeccakCols<Val> =
            keccak.values[(NUM_ROUNDS - 1) * KECCAK_WIDTH..][..KECCAK_WIDTH].borrow_mut();
        row.export = Val::ONE;
        t.keccak.as_mut().unwrap().1 = keccak;
    });
}

#[test]
fn an_exported_padding_permutation_has_no_proof() {
    let state = Rng(10).words(KECCAK_WORDS);
    let p = keccak_program(&state, 0, 1, 0);
    // Export a row that is not a permutation's last (its limbs are a round's state, not an output).
    assert_rejected(&p, &mut |t| {
        keccak_row(t, NUM_ROUNDS - 2).export = Val::ONE;
    });
}

#[test]
fn a_keccak_call_into_a_read_only_page_has_no_proof() {
    // The run is legal for the program with a writable data page; the same run judged against the
    // program with that page read-only must not prove.
    let state = Rng(11).words(KECCAK_WORDS);
    let runs = keccak_program(&state, 0, 1, 0);
    let page = asm::DATA_BASE / crate::PAGE_SIZE;
    let judged = runs.clone().with_page_writable(page, false);
    let run = crate::execute(
        &runs,
        &[],
        &crate::ExecConfig {
            trace: true,
            ..Default::default()
        },
    )
    .unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        prove_segment(
            &judged,
            &run.trace,
            &run.calls,
            &trace::image_state(&judged),
            0,
            run.exit_code,
            None,
            &FAST_TEST,
            &mut |_, _| {},
        )
    }));
    match result {
        Err(_) | Ok(Err(ProveError::Stark(_))) => {}
        Ok(Err(e)) => panic!("unexpected error {e}"),
        Ok(Ok((sp, _, _))) => {
            let claim = Claim {
                exit_code: sp.exit_code,
                output: sp.output.clone(),
            };
            assert!(verify(&judged, &claim, &sp.proof, &FAST_TEST).is_err());
        }
    }
}

// ---- Blake2s.

use super::blake2s::{BLAKE2S_WIDTH, Blake2sCols};
use crate::BLAKE2S_WORDS;

/// Blake2s-256 of `msg` through [`crate::precompile::blake2s_compress`], as a guest would call it.
fn blake2s_256(msg: &[u8]) -> [u8; 32] {
    let mut block = [0u32; BLAKE2S_WORDS];
    block[..8].copy_from_slice(&crate::precompile::BLAKE2S_IV);
    block[0] ^= 0x0101_0020;
    let chunks: Vec<&[u8]> = if msg.is_empty() {
        vec![&[]]
    } else {
        msg.chunks(64).collect()
    };
    let mut t: u64 = 0;
    for (i, chunk) in chunks.iter().enumerate() {
        let mut bytes = [0u8; 64];
        bytes[..chunk.len()].copy_from_slice(chunk);
        for (w, b) in block[8..24].iter_mut().zip(bytes.chunks_exact(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        t += chunk.len() as u64;
        block[24] = t as u32;
        block[25] = (t >> 32) as u32;
        block[26] = if i + 1 == chunks.len() { u32::MAX } else { 0 };
        block[27] = 0;
        crate::precompile::blake2s_compress(&mut block);
    }
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(&block[..8]) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[test]
fn blake2s_compress_matches_rfc_7693_and_the_blake2_crate() {
    use blake2::Digest;
    // RFC 7693, appendix B: BLAKE2s-256("abc").
    let abc = blake2s_256(b"abc");
    let hex: String = abc.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"
    );
    // 2,000 random messages of 0..300 bytes (0 to 5 blocks, partial and whole).
    let mut rng = Rng(12);
    for n in 0..2000 {
        let len = (rng.next() % 300) as usize;
        let msg: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let want: [u8; 32] = blake2::Blake2s256::digest(&msg).into();
        assert_eq!(blake2s_256(&msg), want, "message {n} of {len} bytes");
    }
}

/// Compresses each block (placed one after another from `DATA_BASE`), then commits the first
/// `commit` words of the first block.
fn blake2s_program(blocks: &[Vec<u32>], commit: usize) -> Program {
    let data: Vec<u32> = blocks.iter().flatten().copied().collect();
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    for i in 0..blocks.len() {
        code.extend(asm::li(A0, asm::DATA_BASE + (4 * BLAKE2S_WORDS * i) as u32));
        code.extend([
            asm::addi(A7, ZERO, syscall::BLAKE2S_COMPRESS as i32),
            asm::ECALL,
        ]);
    }
    commit_and_halt(&mut code, commit);
    Program::from_elf(&asm::elf(&code, &data)).unwrap()
}

fn compress(block: &[u32]) -> Vec<u32> {
    let mut b = block.to_vec();
    crate::precompile::blake2s_compress(&mut b);
    b
}

#[test]
fn blake2s_calls_prove_and_verify_on_random_blocks() {
    let mut rng = Rng(13);
    let blocks: Vec<Vec<u32>> = (0..20).map(|_| rng.words(BLAKE2S_WORDS)).collect();
    let p = blake2s_program(&blocks, 8);
    let (claim, proof, stats) = prove(&p, &[], &FAST_TEST).unwrap();
    assert_eq!(claim.output, compress(&blocks[0])[..8]);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
    assert!(
        stats
            .tables
            .iter()
            .any(|t| t.name == "blake2s" && t.rows == 32)
    );
}

#[test]
fn keccak_and_blake2s_calls_in_one_run_verify_in_segments() {
    let mut rng = Rng(14);
    let blocks: Vec<Vec<u32>> = (0..3).map(|_| rng.words(BLAKE2S_WORDS)).collect();
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    for i in 0..3 {
        code.extend([
            asm::addi(A0, S0, (4 * BLAKE2S_WORDS * i) as i32),
            asm::addi(A7, ZERO, syscall::BLAKE2S_COMPRESS as i32),
            asm::ECALL,
            asm::addi(A0, S0, 1024),
            asm::addi(A7, ZERO, syscall::KECCAK_PERMUTE as i32),
            asm::ECALL,
        ]);
    }
    code.extend([asm::lw(A0, S0, 0)]);
    code.extend(asm::HALT);
    let mut data: Vec<u32> = blocks.iter().flatten().copied().collect();
    data.resize(256 + KECCAK_WORDS, 0);
    let p = Program::from_elf(&asm::elf(&code, &data)).unwrap();
    // Both hashes: every table, chips included, proves and verifies with Poseidon2 commitments too.
    let poseidon2 = SecurityParams {
        hash: ProofHash::Poseidon2,
        ..FAST_TEST
    };
    for params in [FAST_TEST, poseidon2] {
        let (claim, segments) = prove_segments(&p, &[], 8, 1 << 20, &params).unwrap();
        assert!(segments.len() >= 3);
        assert_eq!(claim.exit_code, compress(&blocks[0])[0]);
        assert_eq!(verify_segments(&p, &segments, &params).unwrap(), claim);
    }
}

fn blake2s_row(t: &mut MainTraces, row: usize) -> &mut Blake2sCols<Val> {
    t.blake2s.as_mut().unwrap().values[row * BLAKE2S_WIDTH..][..BLAKE2S_WIDTH].borrow_mut()
}

/// Bus address of the first block word of [`blake2s_program`].
const BLOCK_ADDR: u32 = MEM_ADDR_OFFSET + asm::DATA_BASE / 4;

#[test]
fn a_forged_blake2s_output_has_no_proof() {
    // Nothing reads h after the call: a forged output byte reaches the row and the final memory
    // only, and only the chip's output constraint can refuse it.
    let block = Rng(15).words(BLAKE2S_WORDS);
    let p = blake2s_program(&[block], 0);
    assert_rejected(&p, &mut |t| {
        let row = blake2s_row(t, 0);
        let forged = Val::from_u32((row.new[0][0].as_canonical_u32() + 1) % 256);
        row.new[0][0] = forged;
        let word = row.new[0];
        set_final_word(t, BLOCK_ADDR, word);
    });
}

#[test]
fn a_skipped_blake2s_call_has_no_proof() {
    let block = Rng(16).words(BLAKE2S_WORDS);
    let p = blake2s_program(std::slice::from_ref(&block), 0);
    // The row is switched off (as a padding row) and memory is left as it was.
    assert_rejected(&p, &mut |t| {
        let mut before = PortLookups::default();
        before.blake2s(blake2s_row(t, 0));
        blake2s_row(t, 0).port.is_real = Val::ZERO;
        move_lookups(t, &p, before, PortLookups::default());
        keep_block(t, BLOCK_ADDR, &block);
    });
}

#[test]
fn a_blake2s_call_on_other_memory_has_no_proof() {
    // The row compresses (correctly) a block whose message word differs from memory.
    let block = Rng(17).words(BLAKE2S_WORDS);
    let p = blake2s_program(std::slice::from_ref(&block), 0);
    let mut forged = block.clone();
    forged[12] ^= 1;
    let out = compress(&forged);
    assert_rejected(&p, &mut |t| {
        let row = blake2s_row(t, 0);
        let port = row.port;
        let mut fresh = vec![Val::ZERO; BLAKE2S_WIDTH];
        let call = crate::ChipCall {
            step: 0,
            chip: crate::Chip::Blake2s,
            ptr: asm::DATA_BASE,
            old: forged.clone(),
            new: out.clone(),
        };
        let clk = port.clk.as_canonical_u32();
        let gaps = port_gaps(&port);
        let r: &mut Blake2sCols<Val> = fresh.as_mut_slice().borrow_mut();
        super::chips::fill_port(&mut r.port, clk, &call, &gaps);
        super::blake2s::fill_compute(r, &forged);
        *blake2s_row(t, 0) = *r;
        for (j, word) in out.iter().enumerate().take(8) {
            set_final_word(
                t,
                BLOCK_ADDR + j as u32,
                word.to_le_bytes().map(|b| Val::from_u32(u32::from(b))),
            );
        }
    });
}
