//! The recursion machine against Plonky3's own Poseidon2 and Merkle trees, and forged provers against it.

use ferrum_zkvm::{FAST_TEST, ProofHash, SecurityParams};
use p3_baby_bear::default_babybear_poseidon2_16;
use p3_commit::Mmcs;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{PaddingFreeSponge, Permutation, TruncatedPermutation};

use crate::prove::prove_with;
use crate::*;

const PARAMS: SecurityParams = SecurityParams {
    hash: ProofHash::Poseidon2,
    ..FAST_TEST
};

fn v(x: u32) -> Val {
    Val::from_u32(x)
}

fn felts(xs: impl IntoIterator<Item = Val>) -> Vec<Block> {
    xs.into_iter().map(felt_block).collect()
}

/// 16 inputs permuted, the outputs published.
fn permutation_circuit() -> Program {
    let mut b = Builder::new();
    let input: [Felt; 16] = std::array::from_fn(|_| b.input());
    for o in b.poseidon2(input) {
        b.public(o);
    }
    b.build().unwrap()
}

#[test]
fn the_circuits_poseidon2_is_plonky3s() {
    let program = permutation_circuit();
    let input: [Val; 16] = std::array::from_fn(|i| v(i as u32 * 7 + 1));
    let mut expected = input;
    default_babybear_poseidon2_16().permute_mut(&mut expected);
    let (pvs, proof) = prove(&program, &felts(input), &PARAMS).unwrap();
    assert_eq!(pvs, expected);
    verify(&program, &pvs, &proof, &PARAMS).unwrap();
    let mut wrong = pvs.clone();
    wrong[3] += Val::ONE;
    assert!(verify(&program, &wrong, &proof, &PARAMS).is_err());
}

type Perm = ferrum_zkvm::Poseidon2Perm;
type Packed = <Val as Field>::Packing;
type ValMmcs = MerkleTreeMmcs<
    Packed,
    Packed,
    PaddingFreeSponge<Perm, 16, 8, 8>,
    TruncatedPermutation<Perm, 2, 8, 16>,
    2,
    8,
>;

const LOG_ROWS: u32 = 5;
const ROW_WIDTH: usize = 11;

/// Verifies a Merkle opening of one row: the row, its index and the siblings are inputs; the root is published.
fn merkle_circuit() -> Program {
    let mut b = Builder::new();
    let row: Vec<Felt> = (0..ROW_WIDTH).map(|_| b.input()).collect();
    let index = b.input();
    let siblings: Vec<[Felt; 8]> = (0..LOG_ROWS)
        .map(|_| std::array::from_fn(|_| b.input()))
        .collect();
    let bits = b.bits(index, LOG_ROWS);
    let root = b.mmcs_root(&[LOG_ROWS as usize], &[row], &bits, &siblings);
    for r in root {
        b.public(r);
    }
    b.build().unwrap()
}

/// A real Plonky3 commitment of a 2^5 × 11 matrix, and the opening of `index` as circuit input.
fn merkle_opening(index: usize) -> ([Val; 8], Vec<Block>) {
    let perm = default_babybear_poseidon2_16();
    let mmcs = ValMmcs::new(
        PaddingFreeSponge::new(perm.clone()),
        TruncatedPermutation::new(perm),
        0,
    );
    let values: Vec<Val> = (0..(1u32 << LOG_ROWS) * ROW_WIDTH as u32)
        .map(|i| v(i * 31 + 5))
        .collect();
    let (commitment, data) = mmcs.commit_matrix(RowMajorMatrix::new(values, ROW_WIDTH));
    let (opened, proof) = mmcs.open_batch(index, &data).unpack();
    let mut input = felts(opened[0].iter().copied());
    input.push(felt_block(v(index as u32)));
    for s in &proof {
        input.extend(felts(s.iter().copied()));
    }
    (commitment.as_ref()[0], input)
}

#[test]
fn a_plonky3_merkle_opening_verifies_in_the_circuit() {
    let program = merkle_circuit();
    let (root, input) = merkle_opening(13);
    let (pvs, proof) = prove(&program, &input, &PARAMS).unwrap();
    assert_eq!(pvs, root);
    verify(&program, &root, &proof, &PARAMS).unwrap();

    // A tampered sibling leads elsewhere: the proof is of another root.
    let mut bad = input.clone();
    let last = bad.len() - 1;
    bad[last][0] += Val::ONE;
    let (other, bad_proof) = prove(&program, &bad, &PARAMS).unwrap();
    assert_ne!(other, root);
    assert!(verify(&program, &root, &bad_proof, &PARAMS).is_err());

    // An index beyond the tree has no bit decomposition: no proof at all.
    let mut far = input.clone();
    far[ROW_WIDTH] = felt_block(v(1 << LOG_ROWS));
    assert!(matches!(
        prove(&program, &far, &PARAMS),
        Err(ProveError::Exec(ExecError::AssertFailed { .. }))
    ));

    // A proof verifies only with its own program.
    let other_program = permutation_circuit();
    assert!(verify(&other_program, &pvs[..8], &proof, &PARAMS).is_err());
    assert_ne!(
        program_digest(&program, &PARAMS).unwrap(),
        program_digest(&other_program, &PARAMS).unwrap()
    );
    assert_eq!(
        program_digest(&program, &PARAMS).unwrap(),
        program_digest(&merkle_circuit(), &PARAMS).unwrap()
    );

    // Flipped proof bytes are refused.
    for at in [
        0,
        proof.bytes.len() / 3,
        proof.bytes.len() / 2,
        proof.bytes.len() - 1,
    ] {
        let mut p = proof.clone();
        p.bytes[at] ^= 1;
        assert!(verify(&program, &root, &p, &PARAMS).is_err(), "byte {at}");
    }
}

#[test]
fn a_plonky3_batch_opening_of_matrices_of_several_heights_verifies_in_the_circuit() {
    // Heights 2^5, 2^5, 2^3 and 2^4 in one tree (the MMCS injects the shorter ones on the way up).
    let shapes = [(5usize, 3usize), (5, 9), (3, 2), (4, 17)];
    let perm = default_babybear_poseidon2_16();
    let mmcs = ValMmcs::new(
        PaddingFreeSponge::new(perm.clone()),
        TruncatedPermutation::new(perm),
        0,
    );
    let mats: Vec<RowMajorMatrix<Val>> = shapes
        .iter()
        .enumerate()
        .map(|(m, &(log_h, w))| {
            let values = (0..(w << log_h) as u32)
                .map(|i| v(i * 7 + m as u32 * 1000 + 1))
                .collect();
            RowMajorMatrix::new(values, w)
        })
        .collect();
    let (commitment, data) = mmcs.commit(mats);
    let log_heights: Vec<usize> = shapes.iter().map(|s| s.0).collect();

    let mut b = Builder::new();
    let rows: Vec<Vec<Felt>> = shapes
        .iter()
        .map(|&(_, w)| (0..w).map(|_| b.input()).collect())
        .collect();
    let index = b.input();
    let siblings: Vec<[Felt; 8]> = (0..5).map(|_| std::array::from_fn(|_| b.input())).collect();
    let bits = b.bits(index, 5);
    let root = b.mmcs_root(&log_heights, &rows, &bits, &siblings);
    for r in root {
        b.public(r);
    }
    let program = b.build().unwrap();
    for index in [0usize, 13, 31] {
        let (opened, proof) = mmcs.open_batch(index, &data).unpack();
        let mut input: Vec<Block> = opened
            .iter()
            .flat_map(|r| felts(r.iter().copied()))
            .collect();
        input.push(felt_block(v(index as u32)));
        for s in &proof {
            input.extend(felts(s.iter().copied()));
        }
        let run = execute(&program, &input).unwrap();
        assert_eq!(run.public_values, commitment.as_ref()[0], "index {index}");
        // A changed value of the shortest matrix leads elsewhere.
        let short_at = shapes[0].1 + shapes[1].1;
        input[short_at][0] += Val::ONE;
        let run = execute(&program, &input).unwrap();
        assert_ne!(run.public_values, commitment.as_ref()[0]);
    }
}

#[test]
fn inputs_that_do_not_fit_the_program_are_refused_before_proving() {
    let mut b = Builder::new();
    let x = b.input();
    let y = b.input_ext();
    let xi = b.inv(x);
    let p = b.mul_ext(xi, y);
    let _ = b.inv_ext(p);
    b.public(x);
    let program = b.build().unwrap();
    let ext = [v(1), v(2), v(3), v(4)];
    let ok = vec![felt_block(v(5)), ext];
    let (pvs, proof) = prove(&program, &ok, &PARAMS).unwrap();
    verify(&program, &pvs, &proof, &PARAMS).unwrap();
    let cases: [(Vec<Block>, ExecError); 4] = [
        (
            vec![felt_block(v(5))],
            ExecError::InputExhausted { instr: 1 },
        ),
        (
            vec![felt_block(v(5)), ext, ext],
            ExecError::InputLeftOver { left: 1 },
        ),
        (vec![ext, ext], ExecError::NotBase { instr: 0 }),
        (
            vec![felt_block(v(0)), ext],
            ExecError::ZeroInverse { instr: 2 },
        ),
    ];
    for (input, err) in cases {
        match prove(&program, &input, &PARAMS) {
            Err(ProveError::Exec(e)) => assert_eq!(e, err),
            other => panic!("{other:?}"),
        }
    }
}

/// A forged prover changes the honest run's traces or public values: no proof verifies.
fn assert_forgery_fails(
    program: &Program,
    input: &[Block],
    what: &str,
    forge: crate::prove::Tamper<'_>,
) {
    match prove_with(program, input, &PARAMS, forge) {
        Ok((pvs, proof)) => assert!(
            verify(program, &pvs, &proof, &PARAMS).is_err(),
            "forged {what} verified"
        ),
        // Only the debug build's prover checks its constraints; the release pass of `scripts/test` makes the
        // verifier see every forgery.
        Err(e) if cfg!(debug_assertions) => drop(e),
        Err(e) => panic!("the release prover refused the forged {what}: {e}"),
    }
}

#[test]
fn every_column_family_is_constrained() {
    // Const, witness, ALU (add, sub, mul, check), Poseidon2, swap and public rows all in one circuit.
    let mut b = Builder::new();
    let x = b.input();
    let y = b.input_ext();
    let c = b.constant(v(9));
    let s = b.add(x, c);
    let d = b.sub_ext(y, s);
    let m = b.mul_ext(d, y);
    b.assert_eq_ext(m, m);
    let h = b.poseidon2(std::array::from_fn(|i| if i % 2 == 0 { x } else { s }));
    let (one, zero) = (b.constant(v(1)), b.constant(v(0)));
    let (l, _) = b.swap(
        one,
        std::array::from_fn(|i| h[i]),
        std::array::from_fn(|i| h[8 + i]),
    );
    let (_, r) = b.swap(zero, l, std::array::from_fn(|i| h[i]));
    let _ = b.add(r[6], l[2]);
    b.public(h[0]);
    b.public(x);
    let program = b.build().unwrap();
    let input = vec![felt_block(v(3)), [v(1), v(2), v(3), v(4)]];
    let (pvs, proof) = prove(&program, &input, &PARAMS).unwrap();
    verify(&program, &pvs, &proof, &PARAMS).unwrap();

    use crate::air::{HALF_FULL_ROUNDS, PARTIAL_ROUNDS};
    let full = 32; // sbox register and post state per element of a full round
    let partial_start = 16 + HALF_FULL_ROUNDS * full;
    let ending_start = partial_start + PARTIAL_ROUNDS * 2;
    let cases: &[(usize, usize, &str)] = &[
        (0, 0, "const table's zero column"),
        (1, 0, "witness value"),
        (1, 1, "witness upper coefficient of a base element"),
        (2, 0, "alu a"),
        (2, 5, "alu b"),
        (2, 10, "alu out"),
        (2, 12 + 8, "alu out of the sub row"),
        (2, 24 + 9, "alu out of the mul row"),
        (2, 36 + 8, "alu checked value of the assertion row"),
        (3, 0, "poseidon2 input"),
        (3, 16, "poseidon2 first full round's s-box register"),
        (3, 16 + 16, "poseidon2 first full round's post state"),
        (3, partial_start, "poseidon2 partial round's s-box register"),
        (3, partial_start + 1, "poseidon2 partial round's output"),
        (3, ending_start + 3 * full + 16 + 5, "poseidon2 output"),
        (4, 0, "swap bit"),
        (4, 3, "swap input"),
        (4, 17 + 2, "swap left output"),
        (4, 25 + 6, "swap right output"),
        (4, 33 + 17, "swap output of the second row"),
        (4, 2 * 33 + 17, "swap output of a padding row"),
        (5, 0, "published value"),
        (5, 1, "second published value"),
    ];
    for &(table, col, what) in cases {
        assert_forgery_fails(&program, &input, what, &mut |mains, _| {
            mains[table].values[col] += Val::ONE
        });
    }
    // A padding row may hold any boolean bit (it reads and writes nothing), never another value.
    assert_forgery_fails(
        &program,
        &input,
        "non-boolean swap bit of a padding row",
        &mut |mains, _| mains[4].values[2 * 33] += Val::TWO,
    );
    assert_forgery_fails(&program, &input, "public value alone", &mut |_, pvs| {
        pvs[1] += Val::ONE
    });
}
