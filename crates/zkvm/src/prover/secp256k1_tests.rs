//! The secp256k1 chips: the executor's formulas against k256 on random points, proofs of runs
//! that call them, typed errors, and soundness (a forged or non-canonical result, a skipped call).

use core::borrow::BorrowMut;

use k256::elliptic_curve::PrimeField;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use ruint::aliases::U256;

use super::air::MEM_ADDR_OFFSET;
use super::chip_tests::{
    Rng, assert_rejected, commit_and_halt, keep_block, move_lookups, port_gaps, set_final_word,
};
use super::chips::PortLookups;
use super::field::{fill_relation, relation_witness};
use super::secp256k1::{ADD_WIDTH, AddCols};
use super::trace::MainTraces;
use super::*;
use crate::asm::{self, reg::*};
use crate::precompile::{
    SECP256K1_P, secp256k1_add_step, secp256k1_double_step, u256_from_words, u256_to_words,
};
use crate::{ExecError, SECP256K1_ADD_WORDS, SECP256K1_DOUBLE_WORDS, syscall};

fn scalar(rng: &mut Rng) -> Scalar {
    let mut b = [0u8; 32];
    for chunk in b.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next().to_le_bytes());
    }
    // Reduce by retrying: a random 256-bit value is below n almost always.
    loop {
        if let Some(s) = Option::<Scalar>::from(Scalar::from_repr(b.into())) {
            return s;
        }
        b[0] ^= 0x80;
    }
}

/// A point's affine `(x, y)` as integers.
fn affine(p: &ProjectivePoint) -> (U256, U256) {
    let e = p.to_affine().to_encoded_point(false);
    (
        U256::from_be_slice(e.x().unwrap()),
        U256::from_be_slice(e.y().unwrap()),
    )
}

fn point_words((x, y): (U256, U256)) -> Vec<u32> {
    [u256_to_words(x), u256_to_words(y)].concat()
}

#[test]
fn the_curve_formulas_match_k256_on_random_points() {
    let mut rng = Rng(21);
    for _ in 0..1000 {
        let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
        let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
        let ((x1, y1), (x2, y2)) = (affine(&a), affine(&b));
        let s = secp256k1_add_step(x1, y1, x2, y2).unwrap();
        assert_eq!((s.x3, s.y3), affine(&(a + b)));
        let d = secp256k1_double_step(x1, y1).unwrap();
        assert_eq!((d.x3, d.y3), affine(&a.double()));
        // Inputs are taken mod p: x + p (when it fits) is the same point.
        if let Some(x1p) = x1.checked_add(SECP256K1_P) {
            assert_eq!(secp256k1_add_step(x1p, y1, x2, y2), Some(s));
        }
    }
    // P + P and P + (-P) have no chord; a y = 0 point has no tangent.
    let g = affine(&ProjectivePoint::GENERATOR);
    assert_eq!(secp256k1_add_step(g.0, g.1, g.0, g.1), None);
    assert_eq!(secp256k1_add_step(g.0, g.1, g.0, SECP256K1_P - g.1), None);
    assert_eq!(secp256k1_double_step(g.0, U256::ZERO), None);
    assert_eq!(secp256k1_double_step(g.0, SECP256K1_P), None);
}

/// The operations of a test program: `Add(i)` adds block `i`'s `Q` into its `P`, `Double(i)`
/// doubles block `i`'s point.
#[derive(Clone, Copy)]
enum Op {
    Add(usize),
    Double(usize),
}

/// Blocks laid out from `DATA_BASE`: each op's block gets 32 words (a double uses the first 16).
fn curve_program(blocks: &[Vec<u32>], ops: &[Op], commit: usize) -> Program {
    let mut data = Vec::new();
    for b in blocks {
        let mut b = b.clone();
        b.resize(SECP256K1_ADD_WORDS, 0);
        data.extend(b);
    }
    let mut code = Vec::new();
    for op in ops {
        let (i, num) = match *op {
            Op::Add(i) => (i, syscall::SECP256K1_ADD),
            Op::Double(i) => (i, syscall::SECP256K1_DOUBLE),
        };
        code.extend(asm::li(
            A0,
            asm::DATA_BASE + (4 * SECP256K1_ADD_WORDS * i) as u32,
        ));
        code.extend([asm::addi(A7, ZERO, num as i32), asm::ECALL]);
    }
    code.extend(asm::li(S0, asm::DATA_BASE));
    commit_and_halt(&mut code, commit);
    Program::from_elf(&asm::elf(&code, &data)).unwrap()
}

#[test]
fn secp256k1_calls_prove_and_verify() {
    let mut rng = Rng(22);
    let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
    // Block 0: A + B, doubled, then + B again; block 1: a non-canonical x (x + p when it fits,
    // else a random off-curve pair), added to A.
    let mut blocks = vec![[point_words(affine(&a)), point_words(affine(&b))].concat()];
    let (bx, by) = affine(&b);
    let wide = bx.checked_add(SECP256K1_P).unwrap_or(bx);
    blocks.push([point_words((wide, by)), point_words(affine(&a))].concat());
    let ops = [
        Op::Add(0),
        Op::Double(0),
        Op::Add(0),
        Op::Add(1),
        Op::Double(1),
    ];
    let p = curve_program(&blocks, &ops, 16);
    let (claim, proof, stats) = prove(&p, &[], &FAST_TEST).unwrap();
    let expect = (a + b).double() + b;
    assert_eq!(claim.output, point_words(affine(&expect)));
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
    for (name, rows) in [("secp256k1_add", 4), ("secp256k1_double", 4)] {
        let t = stats.tables.iter().find(|t| t.name == name).unwrap();
        assert_eq!(t.rows, rows, "{name}");
        eprintln!(
            "{name}: main {} + aux {} cells per row",
            t.main_width, t.aux_width
        );
    }
}

/// The chips' tables against k256 on random points: 1,000 additions and 1,000 doublings in one
/// proof, every result committed and compared (the debug prover checks every row's constraints).
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "slow in debug builds; run `cargo test --release -p ferrum-zkvm`"
)]
fn the_secp256k1_tables_agree_with_k256_on_random_points() {
    let mut rng = Rng(25);
    let n = 1000;
    let mut blocks = Vec::new();
    let mut expect = Vec::new();
    for _ in 0..n {
        let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
        let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
        blocks.push([point_words(affine(&a)), point_words(affine(&b))].concat());
        expect.push(point_words(affine(&(a + b))));
    }
    for _ in 0..n {
        let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
        blocks.push(point_words(affine(&a)));
        expect.push(point_words(affine(&a.double())));
    }
    let ops: Vec<Op> = (0..n)
        .map(Op::Add)
        .chain((n..2 * n).map(Op::Double))
        .collect();
    let p = curve_program(&blocks, &ops, 0);
    let (claim, proof, stats) = prove(&p, &[], &FAST_TEST).unwrap();
    verify(&p, &claim, &proof, &FAST_TEST).unwrap();
    let run = crate::execute(
        &p,
        &[],
        &ExecConfig {
            trace: true,
            ..ExecConfig::default()
        },
    )
    .unwrap();
    assert_eq!(run.calls.len(), 2 * n);
    for (call, e) in run.calls.iter().zip(&expect) {
        assert_eq!(&call.new[..16], &e[..]);
    }
    for name in ["secp256k1_add", "secp256k1_double"] {
        assert!(
            stats
                .tables
                .iter()
                .any(|t| t.name == name && t.rows == 1024)
        );
    }
}

#[test]
fn degenerate_and_bad_secp256k1_calls_are_typed_errors() {
    let g = point_words(affine(&ProjectivePoint::GENERATOR));
    // Each call is `li a0` (two words), `addi a7`, `ecall`.
    let pc = asm::CODE_BASE + 12;
    let run = |blocks: &[Vec<u32>], op: Op| {
        let p = curve_program(blocks, &[op], 0);
        crate::execute(&p, &[], &ExecConfig::default()).map(|_| ())
    };
    let chip_add = crate::Chip::Secp256k1Add;
    let degenerate = |chip| Err(ExecError::DegenerateCurveOp { pc, chip });
    assert_eq!(
        run(&[[g.clone(), g.clone()].concat()], Op::Add(0)),
        degenerate(chip_add)
    );
    let mut neg = g.clone();
    neg[8..].copy_from_slice(&u256_to_words(SECP256K1_P - u256_from_words(&g[8..16])));
    assert_eq!(
        run(&[[g.clone(), neg].concat()], Op::Add(0)),
        degenerate(chip_add)
    );
    let mut flat = g.clone();
    flat[8..].fill(0);
    assert_eq!(
        run(&[flat], Op::Double(0)),
        degenerate(crate::Chip::Secp256k1Double)
    );
    // Nothing was written by the refused call: the block is as it was.
    // Bad pointers: misaligned, unmapped (past the data), into code.
    for (ptr, err) in [
        (
            asm::DATA_BASE + 2,
            ExecError::MisalignedAccess {
                pc: asm::CODE_BASE + 12,
                addr: asm::DATA_BASE + 2,
                size: 4,
            },
        ),
        (
            asm::DATA_BASE + crate::PAGE_SIZE - 4 * (SECP256K1_DOUBLE_WORDS as u32 - 1),
            ExecError::Unmapped {
                pc: asm::CODE_BASE + 12,
                addr: asm::DATA_BASE + crate::PAGE_SIZE,
            },
        ),
        (
            asm::CODE_BASE,
            ExecError::WriteToReadOnly {
                pc: asm::CODE_BASE + 12,
                addr: asm::CODE_BASE,
            },
        ),
    ] {
        let mut code = asm::li(A0, ptr).to_vec();
        code.extend([
            asm::addi(A7, ZERO, syscall::SECP256K1_DOUBLE as i32),
            asm::ECALL,
        ]);
        code.extend(asm::HALT);
        let p = Program::from_elf(&asm::elf(&code, &g)).unwrap();
        assert_eq!(
            crate::execute(&p, &[], &ExecConfig::default()).map(|_| ()),
            Err(err)
        );
    }
}

/// The shared-table lookups of add row `row`.
fn add_row_lookups(t: &mut MainTraces, row: usize) -> PortLookups {
    let r = add_row(t, row);
    let mut l = PortLookups::default();
    l.secp256k1(&r.port, &r.curve);
    l
}

fn add_row(t: &mut MainTraces, row: usize) -> &mut AddCols<Val> {
    t.secp256k1_add.as_mut().unwrap().values[row * ADD_WIDTH..][..ADD_WIDTH].borrow_mut()
}

const BLOCK_ADDR: u32 = MEM_ADDR_OFFSET + asm::DATA_BASE / 4;

fn bytes_of(x: U256) -> [Val; 32] {
    x.to_le_bytes::<32>().map(Val::from_u8)
}

/// Writes `x3` (as the result's x) into add row 0, with the relations' witnesses for it (they
/// hold mod p for any `x3 ≡ the true x3`), the port's new words and the final memory.
fn forge_add_x3(t: &mut MainTraces, p: &Program, old: &[u32], x3: U256) {
    let before = add_row_lookups(t, 0);
    let row = add_row(t, 0);
    row.curve.x3 = bytes_of(x3);
    let limbs = |x: U256| -> Vec<i64> {
        x.to_le_bytes::<32>()
            .iter()
            .map(|&b| i64::from(b))
            .collect()
    };
    let w = |i: usize| limbs(u256_from_words(&old[8 * i..8 * i + 8]));
    let lambda = limbs(U256::from_le_bytes::<32>(
        row.curve.lambda.map(|v| v.as_canonical_u32() as u8),
    ));
    let y3 = limbs(U256::from_le_bytes::<32>(
        row.curve.y3.map(|v| v.as_canonical_u32() as u8),
    ));
    let ls = super::secp256k1::relations(
        crate::Chip::Secp256k1Add,
        &[w(0), w(1), w(2), w(3)],
        [&lambda, &limbs(U256::ZERO), &limbs(x3), &y3],
        &|x| x,
    );
    // A result that is not the sum keeps the honest witnesses (none fits it).
    for k in [2, 3] {
        if let Ok((q, c)) = relation_witness(&ls[k]) {
            fill_relation(&mut row.curve.rel[k], &q, &c);
        }
    }
    let after = add_row_lookups(t, 0);
    let x3w = u256_to_words(x3);
    move_lookups(t, p, before, after);
    for (j, w) in x3w.iter().enumerate() {
        set_final_word(t, BLOCK_ADDR + j as u32, w.to_le_bytes().map(Val::from_u8));
    }
}

#[test]
fn a_forged_secp256k1_result_has_no_proof() {
    let mut rng = Rng(23);
    let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let block = [point_words(affine(&a)), point_words(affine(&b))].concat();
    let p = curve_program(std::slice::from_ref(&block), &[Op::Add(0)], 0);
    let (x3, _) = affine(&(a + b));
    assert_rejected(&p, &mut |t| {
        forge_add_x3(t, &p, &block, x3 ^ U256::from(1u8))
    });
}

#[test]
fn a_non_canonical_secp256k1_result_has_no_proof() {
    // Inputs chosen (off the curve: the chip does not care) so that x3 = 5: then x3 + p also fits
    // in 256 bits and satisfies every relation mod p; only the canonical check refuses it.
    let p_ = SECP256K1_P;
    let m4 = p_ - U256::from(4u8);
    let block = [point_words((U256::ZERO, U256::ZERO)), point_words((m4, m4))].concat();
    let s = secp256k1_add_step(U256::ZERO, U256::ZERO, m4, m4).unwrap();
    assert_eq!(s.x3, U256::from(5u8));
    let p = curve_program(std::slice::from_ref(&block), &[Op::Add(0)], 0);
    assert_rejected(&p, &mut |t| forge_add_x3(t, &p, &block, s.x3 + p_));
}

#[test]
fn a_skipped_secp256k1_call_has_no_proof() {
    let mut rng = Rng(24);
    let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let block = [point_words(affine(&a)), point_words(affine(&b))].concat();
    let p = curve_program(std::slice::from_ref(&block), &[Op::Add(0)], 0);
    assert_rejected(&p, &mut |t| {
        let before = add_row_lookups(t, 0);
        add_row(t, 0).port.is_real = Val::ZERO;
        move_lookups(t, &p, before, PortLookups::default());
        keep_block(t, BLOCK_ADDR, &block);
    });
}

#[test]
fn a_segment_with_too_many_secp256k1_calls_is_refused() {
    // A loop doubling one (off-curve) point MAX_SECP256K1_CALLS + 1 times.
    let mut code = asm::li(A0, asm::DATA_BASE).to_vec();
    code.extend(asm::li(T0, crate::MAX_SECP256K1_CALLS as u32 + 1));
    code.extend([
        asm::addi(A7, ZERO, syscall::SECP256K1_DOUBLE as i32),
        asm::ECALL,
        asm::addi(T0, T0, -1),
        asm::bne(T0, ZERO, -8),
        asm::addi(A0, ZERO, 0),
    ]);
    code.extend(asm::HALT);
    let p = Program::from_elf(&asm::elf(
        &code,
        &point_words((U256::from(5u8), U256::from(6u8))),
    ))
    .unwrap();
    assert!(matches!(
        prove(&p, &[], &FAST_TEST),
        Err(ProveError::TooManyChipCalls {
            chip: crate::Chip::Secp256k1Double,
            calls,
            max: crate::MAX_SECP256K1_CALLS,
        }) if calls == crate::MAX_SECP256K1_CALLS + 1
    ));
}

#[test]
fn a_secp256k1_call_on_other_memory_has_no_proof() {
    // The row adds (correctly) a Q that differs from memory in one word; the result it writes is
    // the sum with that Q. Only the memory argument can notice.
    let mut rng = Rng(26);
    let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let block = [point_words(affine(&a)), point_words(affine(&b))].concat();
    let p = curve_program(std::slice::from_ref(&block), &[Op::Add(0)], 0);
    let mut forged = block.clone();
    forged[20] ^= 1;
    let mut new = forged.clone();
    crate::precompile::secp256k1_add(&mut new).unwrap();
    assert_rejected(&p, &mut |t| {
        let before = add_row_lookups(t, 0);
        let port = add_row(t, 0).port;
        let call = crate::ChipCall {
            step: 0,
            chip: crate::Chip::Secp256k1Add,
            ptr: asm::DATA_BASE,
            old: forged.clone(),
            new: new.clone(),
        };
        let gaps = port_gaps(&port);
        let row = add_row(t, 0);
        super::chips::fill_port(&mut row.port, port.clk.as_canonical_u32(), &call, &gaps);
        super::secp256k1::fill_curve(crate::Chip::Secp256k1Add, &mut row.curve, &forged).unwrap();
        let after = add_row_lookups(t, 0);
        move_lookups(t, &p, before, after);
        for (j, w) in new.iter().enumerate().take(16) {
            set_final_word(t, BLOCK_ADDR + j as u32, w.to_le_bytes().map(Val::from_u8));
        }
    });
}

#[test]
fn a_padding_secp256k1_row_that_speaks_has_no_proof() {
    // The first padding row made a copy of the real one, port on: a second call where the CPU
    // made one. Its shared-table lookups are added, so only the `chip` and `mem` buses can notice.
    let mut rng = Rng(27);
    let a = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let b = ProjectivePoint::GENERATOR * scalar(&mut rng);
    let block = [point_words(affine(&a)), point_words(affine(&b))].concat();
    let p = curve_program(std::slice::from_ref(&block), &[Op::Add(0)], 0);
    assert_rejected(&p, &mut |t| {
        let before = add_row_lookups(t, 1);
        *add_row(t, 1) = *add_row(t, 0);
        let after = add_row_lookups(t, 1);
        move_lookups(t, &p, before, after);
    });
}
