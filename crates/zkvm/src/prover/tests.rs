//! Soundness: an honest proof verifies; a corrupted trace, claim, program or proof does not.
#![allow(clippy::unwrap_used)]

use core::borrow::BorrowMut;

use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};

use super::columns::{BOUNDARY_WIDTH, BoundaryCols, CPU_WIDTH, CpuCols};
use super::trace::MainTraces;
use super::*;
use crate::asm::{self, reg::*};
use crate::syscall;

/// `code` followed by the halt syscall, as a program.
fn halting_program(mut code: Vec<u32>) -> Program {
    code.extend(asm::HALT);
    Program::from_elf(&asm::elf(&code, &[])).unwrap()
}

/// Stores 12, then 1, to a word, loads it back, commits and exits with `1 + 1`.
fn program() -> Program {
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    code.extend([
        asm::addi(T0, ZERO, 5), // 2
        asm::addi(T1, ZERO, 7), // 3
        asm::add(T2, T0, T1),   // 4: t2 = 12
        asm::sw(T2, S0, 0),     // 5
        asm::addi(T2, ZERO, 1), // 6
        asm::sw(T2, S0, 0),     // 7
        asm::lw(A1, S0, 0),     // 8: a1 = 1
        asm::add(A0, A1, T2),   // 9: a0 = 2
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
    ]);
    halting_program(code)
}

fn cpu_row(t: &mut MainTraces, row: usize) -> &mut CpuCols<Val> {
    t.cpu.values[row * CPU_WIDTH..(row + 1) * CPU_WIDTH].borrow_mut()
}

/// Proving fails (the debug constraint check) or the proof does not verify.
fn assert_rejected(tamper: &mut dyn FnMut(&mut MainTraces)) {
    assert_rejected_on(&program(), tamper);
}

/// [`assert_rejected`] for a run of `p`.
fn assert_rejected_on(p: &Program, tamper: &mut dyn FnMut(&mut MainTraces)) {
    match prove_with(p, &[], &FAST_TEST, &mut |t, _| tamper(t)) {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(verify(p, &claim, &proof, &FAST_TEST).is_err()),
    }
}

/// The boundary row of bus address `addr`.
fn boundary_row(t: &mut MainTraces, addr: u32) -> &mut BoundaryCols<Val> {
    t.boundary
        .values
        .chunks_exact_mut(BOUNDARY_WIDTH)
        .map(|r| -> &mut BoundaryCols<Val> { r.borrow_mut() })
        .find(|b| b.addr == Val::from_u32(addr))
        .unwrap()
}

/// Makes register `reg` end the run holding the small value `v` (its final record and the
/// inverse of its byte sum).
fn set_final_register(t: &mut MainTraces, reg: u32, v: u32) {
    assert!(v != 0 && v < 256);
    let b = boundary_row(t, reg);
    b.fin = [v, 0, 0, 0].map(Val::from_u32);
    b.finv = Val::from_u32(v).inverse();
}

fn honest() -> (Program, Claim, Proof) {
    let p = program();
    let (claim, proof, _) = prove(&p, &[], &FAST_TEST).unwrap();
    assert_eq!(
        claim,
        Claim {
            exit_code: 2,
            output: vec![2]
        }
    );
    (p, claim, proof)
}

#[test]
fn honest_proof_verifies() {
    let (p, claim, proof) = honest();
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

#[test]
fn wrong_alu_result_rejected() {
    assert_rejected(&mut |t| {
        let r = cpu_row(t, 4);
        r.res[0] = Val::from_u32(13);
        r.rd_val[0] = Val::from_u32(13);
    });
}

#[test]
fn stale_load_rejected() {
    // The load returns 12 (the first store) instead of 1 (the last store).
    assert_rejected(&mut |t| {
        let r = cpu_row(t, 8);
        r.mem_old[0] = Val::from_u32(12);
        r.mem_new[0] = Val::from_u32(12);
        r.rd_val[0] = Val::from_u32(12);
    });
}

/// A load that returns the older of two stores by letting the later store consume the load's
/// record: every bus balances and every constraint holds except that the store's timestamp gap
/// is "negative" (a field element far above 2^24), which only the pair table's byte range check
/// refuses.
#[test]
fn load_reordered_by_a_negative_timestamp_gap_rejected() {
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    code.extend([
        asm::addi(T2, ZERO, 12),
        asm::sw(T2, S0, 0), // first store: 12
        asm::addi(T2, ZERO, 1),
        asm::sw(T2, S0, 0), // second store: 1
        asm::lw(A1, S0, 0), // honest: 1; forged: 12
        asm::addi(A0, ZERO, 0),
    ]);
    let p = halting_program(code);
    let ts = |clk: usize| Val::from_usize(4 * clk + 3);
    let mut tamper = |t: &mut MainTraces| {
        let rows = t.cpu.values.len() / CPU_WIDTH;
        let find = |t: &mut MainTraces, pick: &dyn Fn(&CpuCols<Val>) -> bool| -> Vec<usize> {
            (0..rows).filter(|&r| pick(cpu_row(t, r))).collect()
        };
        let stores = find(t, &|r| r.rom.f.sw == Val::ONE);
        let load = find(t, &|r| r.rom.f.lw == Val::ONE)[0];
        let (first, second) = (stores[0], stores[1]);
        assert!(first < second && second < load);
        let twelve = [12, 0, 0, 0].map(Val::from_u32);
        // The load consumes the first store's record and re-emits 12 at its own timestamp.
        let gap = ts(load) - Val::ONE - ts(first);
        let r = cpu_row(t, load);
        r.mem_old = twelve;
        r.mem_new = twelve;
        r.rd_val = twelve;
        r.ts_gap[2] = [gap, Val::ZERO, Val::ZERO];
        r.prev_ts[2] = ts(first);
        // The second store consumes the load's record: its gap is negative.
        let gap = ts(second) - Val::ONE - ts(load);
        let r = cpu_row(t, second);
        r.mem_old = twelve;
        r.ts_gap[2] = [gap, Val::ZERO, Val::ZERO];
        r.prev_ts[2] = ts(load);
        // Final records: the word ends with the second store's record, a1 holds 12.
        boundary_row(t, air::MEM_ADDR_OFFSET + asm::DATA_BASE / 4).fin_ts = ts(second);
        set_final_register(t, A1, 12);
    };
    assert_rejected_on(&p, &mut tamper);
}

/// The ROM message packs the opcode flags as `Σ 2^i flag_i`. `add = 3, sub = -1` packs like
/// `add = 1`; on `add t1, t0, zero` both adder rules hold (the second operand is 0), and the written
/// value becomes `(add + sub) · res = 2 · res`. Only the flags' booleanity refuses it.
#[test]
fn non_boolean_flags_with_the_packed_bits_of_add_rejected() {
    let code = vec![
        asm::addi(T0, ZERO, 5),
        asm::add(T1, T0, ZERO), // honest: t1 = 5; forged: 10
        asm::addi(A0, ZERO, 0),
    ];
    let p = halting_program(code);
    let ten = [10, 0, 0, 0].map(Val::from_u32);
    let mut tamper = |t: &mut MainTraces| {
        let r = cpu_row(t, 1);
        assert_eq!(r.rom.f.add, Val::ONE);
        r.rom.f.add = Val::from_u32(3);
        r.rom.f.sub = -Val::ONE;
        r.rd_val = ten;
        set_final_register(t, T1, 10);
    };
    assert_rejected_on(&p, &mut tamper);
}

/// The two top bits of a signed compare come from one `pair_op` lookup of `s0 + 2 s1`. With
/// `s0 = 2, s1 = -1` that sum is still 0, and `slt` of 5 and 7 would write 6 instead of 1. Only
/// the bits' booleanity refuses it.
#[test]
fn non_boolean_top_bits_with_the_looked_up_sum_rejected() {
    let code = vec![
        asm::addi(T0, ZERO, 5),
        asm::addi(T2, ZERO, 7),
        asm::slt(T1, T0, T2), // honest: 1; forged: 6
        asm::addi(A0, ZERO, 0),
    ];
    let p = halting_program(code);
    let six = [6, 0, 0, 0].map(Val::from_u32);
    let mut tamper = |t: &mut MainTraces| {
        let r = cpu_row(t, 2);
        assert_eq!(
            (r.rom.f.slt, r.lt, r.carry[3]),
            (Val::ONE, Val::ONE, Val::ONE)
        );
        r.msb_s = [Val::TWO, -Val::ONE];
        r.sx = Val::from_u32(5); // s0 + s1 - 2 s0 s1
        r.lt = Val::from_u32(6); // c3 + sx (s0 - c3)
        r.rd_val = six;
        set_final_register(t, T1, 6);
    };
    assert_rejected_on(&p, &mut tamper);
}

/// `xori t1, t0, 3` with t0 = 5 claimed as 7 in the CPU row, in the bitwise chip's row and in the
/// final registers: the buses balance, and only the pair table's XOR rows refuse it.
#[test]
fn wrong_xor_result_rejected() {
    let code = vec![
        asm::addi(T0, ZERO, 5),
        asm::xori(T1, T0, 3), // honest: 6; forged: 7
        asm::addi(A0, ZERO, 0),
    ];
    let p = halting_program(code);
    let seven = [7, 0, 0, 0].map(Val::from_u32);
    let mut tamper = |t: &mut MainTraces| {
        let r = cpu_row(t, 1);
        assert_eq!((r.rom.f.xor, r.res[0]), (Val::ONE, Val::from_u32(6)));
        r.res = seven;
        r.rd_val = seven;
        // The bus address column follows res on every row.
        r.maddr =
            Val::from_u32(7) * Val::from_u32(4).inverse() + Val::from_u32(air::MEM_ADDR_OFFSET);
        // The range check of res's low bytes moves from the (6, 0) row of the pair table to (7, 0).
        let pw = air::PAIRS_WIDTH;
        t.pairs.values[6 * pw] -= Val::ONE;
        t.pairs.values[7 * pw] += Val::ONE;
        let w = super::columns::BITWISE_WIDTH;
        let chip: &mut super::columns::BitwiseCols<Val> = t.bitwise.values[..w].borrow_mut();
        assert_eq!(chip.xor, Val::ONE);
        chip.r = seven;
        set_final_register(t, T1, 7);
    };
    assert_rejected_on(&p, &mut tamper);
}

#[test]
fn skipped_instruction_rejected() {
    // Drop cycle 6 (`addi t2, zero, 1`): later rows move up, clocks renumbered.
    assert_rejected(&mut |t| {
        let n = t.cpu.values.len() / CPU_WIDTH;
        t.cpu.values.copy_within(7 * CPU_WIDTH.., 6 * CPU_WIDTH);
        for row in 6..n {
            let r = cpu_row(t, row);
            r.clk = Val::from_usize(row);
        }
    });
}

#[test]
fn wrong_final_memory_rejected() {
    assert_rejected(&mut |t| {
        let rows = t.boundary.values.len() / BOUNDARY_WIDTH;
        for row in 0..rows {
            let r: &mut BoundaryCols<Val> =
                t.boundary.values[row * BOUNDARY_WIDTH..(row + 1) * BOUNDARY_WIDTH].borrow_mut();
            if r.is_real == Val::ONE && r.addr.as_canonical_u32() >= air::MEM_ADDR_OFFSET {
                r.fin[0] += Val::ONE;
                break;
            }
        }
    });
}

#[test]
fn changed_claim_rejected() {
    let (p, claim, proof) = honest();
    let mut c = claim.clone();
    c.exit_code = 3;
    assert!(matches!(
        verify(&p, &c, &proof, &FAST_TEST),
        Err(VerifyError::Stark(_))
    ));
    let mut c = claim.clone();
    c.output = vec![3];
    assert!(verify(&p, &c, &proof, &FAST_TEST).is_err());
    let mut c = claim;
    c.output = vec![2, 0];
    assert!(verify(&p, &c, &proof, &FAST_TEST).is_err());
}

#[test]
fn other_program_rejected() {
    let (_, claim, proof) = honest();
    // Same code with one immediate changed (exits 3 instead of 2).
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    code.extend([
        asm::addi(T0, ZERO, 5),
        asm::addi(T1, ZERO, 7),
        asm::add(T2, T0, T1),
        asm::sw(T2, S0, 0),
        asm::addi(T2, ZERO, 2),
        asm::sw(T2, S0, 0),
        asm::lw(A1, S0, 0),
        asm::add(A0, A1, T2),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
    ]);
    let other = halting_program(code);
    assert!(verify(&other, &claim, &proof, &FAST_TEST).is_err());
}

/// A bit flipped at the start, the end and in between of `proof` makes it fail.
fn assert_flipped_bytes_rejected(
    p: &Program,
    claim: &Claim,
    proof: &Proof,
    params: &SecurityParams,
) {
    let n = proof.bytes.len();
    for pos in [0, 1, 40, n / 3, n / 2, 2 * n / 3, n - 40, n - 1] {
        let mut bad = proof.clone();
        bad.bytes[pos] ^= 0x01;
        assert!(
            verify(p, claim, &bad, params).is_err(),
            "flipped byte {pos} of {n} accepted"
        );
    }
}

#[test]
fn tampered_proof_bytes_rejected() {
    let (p, claim, proof) = honest();
    assert_flipped_bytes_rejected(&p, &claim, &proof, &FAST_TEST);
    let n = proof.bytes.len();
    let mut short = proof;
    short.bytes.truncate(n - 1);
    assert!(verify(&p, &claim, &short, &FAST_TEST).is_err());
}

/// [`FAST_TEST`] with Poseidon2 commitments and transcript.
const POSEIDON2_TEST: SecurityParams = SecurityParams {
    hash: ProofHash::Poseidon2,
    ..FAST_TEST
};

#[test]
fn a_poseidon2_proof_verifies_only_with_its_hash_program_and_claim() {
    let p = program();
    let (claim, proof, _) = prove(&p, &[], &POSEIDON2_TEST).unwrap();
    assert_eq!(claim.output, vec![2]);
    verify(&p, &claim, &proof, &POSEIDON2_TEST).unwrap();
    // The same run proven with BLAKE3 is another proof; neither verifies with the other's hash.
    let (_, _, blake3) = honest();
    assert!(verify(&p, &claim, &proof, &FAST_TEST).is_err());
    assert!(verify(&p, &claim, &blake3, &POSEIDON2_TEST).is_err());
    let other_exit = Claim {
        exit_code: 3,
        ..claim.clone()
    };
    assert!(verify(&p, &other_exit, &proof, &POSEIDON2_TEST).is_err());
    let other_output = Claim {
        output: vec![3],
        ..claim.clone()
    };
    assert!(verify(&p, &other_output, &proof, &POSEIDON2_TEST).is_err());
    assert_flipped_bytes_rejected(&p, &claim, &proof, &POSEIDON2_TEST);
}

#[test]
fn a_forged_trace_has_no_poseidon2_proof() {
    let p = program();
    match prove_with(&p, &[], &POSEIDON2_TEST, &mut |t, _| {
        let r = cpu_row(t, 4);
        r.res[0] = Val::from_u32(13);
        r.rd_val[0] = Val::from_u32(13);
    }) {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(verify(&p, &claim, &proof, &POSEIDON2_TEST).is_err()),
    }
}

#[test]
fn too_long_run_is_refused() {
    let code = vec![asm::jal(ZERO, 0)];
    let p = halting_program(code);
    assert!(matches!(
        prove(&p, &[], &FAST_TEST),
        Err(ProveError::TooManyCycles { .. })
    ));
}

#[test]
fn security_parameters() {
    assert_eq!(PRODUCTION.conjectured_security_bits(), 116);
    assert!(FAST_TEST.conjectured_security_bits() < 100);
    // The proven figure stated next to PRODUCTION, for the largest table a segment may have (the boundary
    // table of a 2^22-cycle segment: up to 2^25 rows).
    let (udr, ldr) = PRODUCTION.proven_security_bits(25);
    eprintln!(
        "PRODUCTION proven security at 2^25 rows: unique decoding {udr}, list decoding {ldr}"
    );
    assert_eq!(udr.max(ldr), PROVEN_BITS_DOCUMENTED);
    // More queries raise the proven bound until the terms that queries do not touch cap it (the statement next
    // to PRODUCTION: 87 bits, reached at 200 queries).
    let at = |num_queries| {
        let (udr, ldr) = SecurityParams {
            num_queries,
            ..PRODUCTION
        }
        .proven_security_bits(25);
        udr.max(ldr)
    };
    for q in [150, 200, 260, 400, 1000] {
        eprintln!("{q} queries: {} proven bits", at(q));
    }
    assert!(at(150) > PROVEN_BITS_DOCUMENTED);
    assert_eq!(at(200), at(1000), "the cap is reached at 200 queries");
    assert_eq!(at(400), at(1000), "the cap");
}

/// What the doc comment of [`PRODUCTION`] states.
const PROVEN_BITS_DOCUMENTED: usize = 65;

/// Multiplies, shifts and divides, with signs and edge cases (divide by zero, -2^31 / -1), prove;
/// the results come out right.
#[test]
fn multiply_and_shift_chip() {
    let cases: [(u32, u32); 10] = [
        (7, 6),
        (0xffff_fff9, 6),
        (0x8000_0000, 0xffff_ffff),
        (0x1234_5678, 0x9abc_def1),
        (5, 0),
        (0xffff_ffff, 0x10),
        (0xffff_fff9, 0xffff_fffe),
        (7, 0xffff_fffe),
        (0x8000_0000, 0),
        (0x8000_0000, 0x8000_0000),
    ];
    let mut code = vec![];
    for (x, y) in cases {
        code.extend(asm::li(T0, x));
        code.extend(asm::li(T1, y));
        for ins in [
            asm::mul(A0, T0, T1),
            asm::mulh(A0, T0, T1),
            asm::mulhsu(A0, T0, T1),
            asm::mulhu(A0, T0, T1),
            asm::sll(A0, T0, T1),
            asm::srl(A0, T0, T1),
            asm::sra(A0, T0, T1),
            asm::slli(A0, T0, 0),
            asm::srai(A0, T0, 31),
            asm::srli(A0, T0, 1),
            asm::divu(A0, T0, T1),
            asm::remu(A0, T0, T1),
            asm::div(A0, T0, T1),
            asm::rem(A0, T0, T1),
        ] {
            code.extend([
                ins,
                asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
                asm::ECALL,
            ]);
        }
    }
    code.extend([asm::addi(A0, ZERO, 0)]);
    let p = halting_program(code);
    let (claim, proof, _) = prove(&p, &[], &FAST_TEST).unwrap();
    let mut want = vec![];
    for (x, y) in cases {
        let (sx, sy) = (i64::from(x as i32), i64::from(y as i32));
        want.extend([
            x.wrapping_mul(y),
            ((sx * sy) >> 32) as u32,
            ((sx * i64::from(y)) >> 32) as u32,
            ((u64::from(x) * u64::from(y)) >> 32) as u32,
            x << (y & 31),
            x >> (y & 31),
            ((x as i32) >> (y & 31)) as u32,
            x,
            ((x as i32) >> 31) as u32,
            x >> 1,
            x.checked_div(y).unwrap_or(u32::MAX),
            x.checked_rem(y).unwrap_or(x),
            if y == 0 {
                u32::MAX
            } else {
                (x as i32).wrapping_div(y as i32) as u32
            },
            if y == 0 {
                x
            } else {
                (x as i32).wrapping_rem(y as i32) as u32
            },
        ]);
    }
    assert_eq!(claim.output, want);
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
}

#[test]
fn wrong_product_rejected() {
    let mut code = asm::li(T0, 0x1234_5678).to_vec();
    code.extend([asm::mul(A0, T0, T0)]);
    let p = halting_program(code);
    let r = prove_with(&p, &[], &FAST_TEST, &mut |t, _| {
        // Change the product's low byte in the chip and the result everywhere.
        let row: &mut super::columns::MulCols<Val> =
            t.mul.values[..super::columns::MUL_WIDTH].borrow_mut();
        row.p[0] += Val::ONE;
        row.res[0] += Val::ONE;
        let c = cpu_row(t, 2);
        c.res[0] += Val::ONE;
        c.rd_val[0] += Val::ONE;
    });
    match r {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(verify(&p, &claim, &proof, &FAST_TEST).is_err()),
    }
}

#[test]
fn wrong_quotient_rejected() {
    // 7 / 2: claim q = 2, r = 3 (q * b + r = a still holds, but r >= b).
    let code = vec![
        asm::addi(T0, ZERO, 7),
        asm::addi(T1, ZERO, 2),
        asm::divu(A0, T0, T1),
    ];
    let p = halting_program(code);
    let r = prove_with(&p, &[], &FAST_TEST, &mut |t, _| {
        let row: &mut super::columns::MulCols<Val> =
            t.mul.values[..super::columns::MUL_WIDTH].borrow_mut();
        row.x[0] = Val::from_u32(2);
        row.add[0] = Val::from_u32(3);
        row.res[0] = Val::from_u32(2);
        // p = 2 * 2 + 3 = 7 still; carries unchanged.
        let c = cpu_row(t, 2);
        c.res[0] = Val::from_u32(2);
        c.rd_val[0] = Val::from_u32(2);
    });
    match r {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(verify(&p, &claim, &proof, &FAST_TEST).is_err()),
    }
}

/// A loop: sums 1..=n (n from input) with loads and stores, commits the sum, exits 0.
pub(super) fn loop_program() -> Program {
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    code.extend([
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL,
        asm::sw(ZERO, S0, 0),
        // loop:
        asm::lw(T0, S0, 0),
        asm::add(T0, T0, A0),
        asm::sw(T0, S0, 0),
        asm::addi(A0, A0, -1),
        asm::bne(A0, ZERO, -16),
        asm::lw(A0, S0, 0),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
        asm::addi(A0, ZERO, 0),
    ]);
    halting_program(code)
}

#[test]
fn segments_prove_and_link() {
    let p = loop_program();
    let (claim, segs) = prove_segments(&p, &[10], 16, 1 << 20, &FAST_TEST).unwrap();
    assert_eq!(
        claim,
        Claim {
            exit_code: 0,
            output: vec![55]
        }
    );
    assert!(segs.len() >= 4, "{} segments", segs.len());
    assert_eq!(verify_segments(&p, &segs, &FAST_TEST).unwrap(), claim);

    // Broken links are rejected.
    let mut bad = segs.clone();
    let (addr, w) = bad[1].final_state[0];
    bad[1].final_state[0] = (addr, w + 1);
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "changed carried state"
    );
    let mut bad = segs.clone();
    bad[0].end_pc += 4;
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "changed end pc"
    );
    let mut bad = segs.clone();
    bad.swap(1, 2);
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "swapped segments"
    );
    let mut bad = segs.clone();
    bad.remove(1);
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "dropped segment"
    );
    let mut bad = segs.clone();
    bad[0].output = vec![1];
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "output in a non-final segment"
    );
    let mut bad = segs;
    bad.last_mut().unwrap().output = vec![56];
    assert!(
        verify_segments(&p, &bad, &FAST_TEST).is_err(),
        "changed output"
    );
}

/// Proves a run of `runs` (which the executor accepts) against `judged`, a program with the same code and
/// data but other page permissions: the run breaks `judged`'s page rules, so proving must fail or the proof
/// must not verify against `judged`.
fn assert_page_rules_enforced(runs: &Program, judged: &Program) {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let (steps, exit_code) = {
            let run = crate::execute(
                runs,
                &[],
                &crate::ExecConfig {
                    trace: true,
                    ..Default::default()
                },
            )
            .unwrap();
            (run.trace, run.exit_code)
        };
        prove_segment(
            judged,
            &steps,
            &[],
            &trace::image_state(judged),
            0,
            exit_code,
            None,
            &FAST_TEST,
            &mut |_, _| {},
        )
    }));
    match result {
        Err(_) | Ok(Err(_)) => {}
        Ok(Ok((sp, _, _))) => {
            let claim = Claim {
                exit_code: sp.exit_code,
                output: sp.output.clone(),
            };
            assert!(verify(judged, &claim, &sp.proof, &FAST_TEST).is_err());
        }
    }
}

#[test]
fn a_store_to_a_read_only_page_has_no_proof() {
    let writable = program();
    let page = asm::DATA_BASE / crate::executor::PAGE_SIZE;
    let read_only = program().with_page_writable(page, false);
    // The executor refuses the run on the read-only program...
    assert!(matches!(
        crate::execute(&read_only, &[], &crate::ExecConfig::default()),
        Err(crate::ExecError::WriteToReadOnly { .. })
    ));
    // ... and the same run has no proof for it.
    assert_page_rules_enforced(&writable, &read_only);
    // The honest combination still proves and verifies.
    let (claim, proof, _) = prove(&writable, &[], &FAST_TEST).unwrap();
    verify(&writable, &claim, &proof, &FAST_TEST).unwrap();
}

#[test]
fn a_load_from_an_unmapped_page_has_no_proof() {
    // Loads from a page the ELF maps only in the "runs" program (a second data page).
    let mut code = asm::li(S0, asm::DATA_BASE + 4096).to_vec();
    code.extend([asm::lw(A0, S0, 0)]);
    code.extend(asm::HALT);
    let elf = asm::elf(&code, &[0; 1025]); // data spans two pages
    let runs = Program::from_elf(&elf).unwrap();
    let page = (asm::DATA_BASE + 4096) / crate::executor::PAGE_SIZE;
    let mut judged = Program::from_elf(&elf).unwrap();
    judged = judged.without_page(page);
    assert!(matches!(
        crate::execute(&judged, &[], &crate::ExecConfig::default()),
        Err(crate::ExecError::Unmapped { .. })
    ));
    assert_page_rules_enforced(&runs, &judged);
}

#[test]
fn production_parameters_prove_and_verify() {
    // FRI folds by 8 and grinds 16 bits here (the tests above use FAST_TEST).
    let p = program();
    let (claim, proof, _) = prove(&p, &[], &PRODUCTION).unwrap();
    verify(&p, &claim, &proof, &PRODUCTION).unwrap();
    let mut bad = proof.clone();
    let n = bad.bytes.len();
    bad.bytes[n / 2] ^= 1;
    assert!(verify(&p, &claim, &bad, &PRODUCTION).is_err());
    // A proof made for the fast parameters is not a production proof.
    let (claim, fast, _) = prove(&p, &[], &FAST_TEST).unwrap();
    assert!(verify(&p, &claim, &fast, &PRODUCTION).is_err());
}

#[test]
fn a_store_to_rodata_in_the_text_segment_has_no_proof() {
    // `.rodata` right after the code, in the R+X segment (GNU ld's layout): a read-only data page.
    let table = asm::CODE_BASE + 4 * 5;
    let mut code = asm::li(S0, table).to_vec();
    code.extend([asm::sw(S0, S0, 0)]);
    code.extend(asm::HALT);
    let elf = asm::elf_with_rodata(&code, &[7, 8], &[], true);
    let judged = Program::from_elf(&elf).unwrap();
    assert!(matches!(
        crate::execute(&judged, &[], &crate::ExecConfig::default()),
        Err(crate::ExecError::WriteToReadOnly { .. })
    ));
    // The same run on a program whose text page were writable has no proof for the real one.
    let page = table / crate::executor::PAGE_SIZE;
    let runs = Program::from_elf(&elf)
        .unwrap()
        .with_page_writable(page, true);
    assert_page_rules_enforced(&runs, &judged);
}
