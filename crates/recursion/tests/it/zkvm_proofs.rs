//! zkVM proofs verified inside the recursion machine: a segment proof of a real RV32IM run is checked by the
//! verifier circuit, and the circuit's run is itself proven.

use ferrum_recursion::{
    ExecError, StarkShape, Val, execute, proof_input, proof_shape, prove, verify,
};
use ferrum_zkvm::asm::{self, reg::*};
use ferrum_zkvm::{
    FAST_TEST, Program, ProofHash, SecurityParams, poseidon2_config, stark_view, syscall,
};
use p3_batch_stark::ProverData;
use p3_field::PrimeCharacteristicRing;

/// Poseidon2 commitments, FRI folding by 2 (what the recursion machine verifies), 16 queries: a test setting.
const INNER: SecurityParams = SecurityParams {
    hash: ProofHash::Poseidon2,
    ..FAST_TEST
};
const OUTER: SecurityParams = INNER;

/// Sum 1..=n read from input, commit it, exit with n.
fn sum_program() -> Program {
    let mut code = vec![
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL,
        asm::addi(T0, ZERO, 0),
        asm::addi(T1, A0, 0),
        asm::beq(T1, ZERO, 16),
        asm::add(T0, T0, T1),
        asm::addi(T1, T1, -1),
        asm::jal(ZERO, -12),
        asm::addi(S1, A0, 0),
        asm::addi(A0, T0, 0),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
        asm::addi(A0, S1, 0),
    ];
    code.extend(asm::HALT);
    Program::from_elf(&asm::elf(&code, &[])).unwrap()
}

#[test]
fn a_zkvm_proof_is_verified_inside_a_recursion_proof() {
    let program = sum_program();
    let (claim, proof, _) = ferrum_zkvm::prove(&program, &[10], &INNER).unwrap();
    assert_eq!(claim.output, vec![55]);
    let view = stark_view(&program, &claim, &proof, &INNER).unwrap();
    let bits = view.proof.degree_bits.clone();
    let data =
        ProverData::from_airs_and_degrees(&poseidon2_config(&INNER), &view.tables, &bits).unwrap();
    let shape = StarkShape::new(&view.tables, &data.common, &bits, &INNER).unwrap();
    let verifier = shape.verifier_program().unwrap();
    let input = shape
        .proof_inputs(&view.proof, &view.public_values)
        .unwrap();
    let [consts, witness, alu, poseidon2, _, public] = verifier.counts();
    eprintln!(
        "zkVM proof of {} tables: verifier circuit of {consts} constants, {witness} inputs and hints, {alu} ALU rows, {poseidon2} Poseidon2 rows, {public} public values",
        view.tables.len()
    );

    let run = execute(&verifier, &input).unwrap();
    let inner_pvs: Vec<Val> = view.public_values.iter().flatten().copied().collect();
    assert_eq!(run.public_values, inner_pvs);

    let t = std::time::Instant::now();
    let (pvs, outer) = prove(&verifier, &input, &OUTER).unwrap();
    eprintln!(
        "recursion proof: {:.1} s, {} bytes",
        t.elapsed().as_secs_f64(),
        outer.bytes.len()
    );
    verify(&verifier, &pvs, &outer, &OUTER).unwrap();
    // The outer proof states the inner claim: another exit code is another statement.
    let mut wrong = pvs.clone();
    wrong[3] += Val::ONE;
    assert!(verify(&verifier, &wrong, &outer, &OUTER).is_err());

    // One layer up: the recursion proof verified by the recursion machine, whose circuit depends only on the
    // layer below's table sizes, not on the zkVM run.
    let shape2 = proof_shape(&verifier, &OUTER).unwrap();
    let verifier2 = shape2.verifier_program().unwrap();
    let input2 = proof_input(&shape2, &verifier, &pvs, &outer).unwrap();
    let t = std::time::Instant::now();
    let (pvs2, outer2) = prove(&verifier2, &input2, &OUTER).unwrap();
    eprintln!(
        "second layer: circuit of {:?} rows (const, witness, alu, poseidon2, swap, public), {:.1} s, {} bytes",
        verifier2.counts(),
        t.elapsed().as_secs_f64(),
        outer2.bytes.len()
    );
    assert_eq!(pvs2, pvs);
    verify(&verifier2, &pvs2, &outer2, &OUTER).unwrap();

    // A tampered inner proof has no run of the verifier, hence no outer proof.
    for at in [0, input.len() / 3, input.len() / 2, input.len() - 1] {
        let mut bad = input.clone();
        bad[at][0] += Val::ONE;
        assert!(
            matches!(
                execute(&verifier, &bad),
                Err(ExecError::AssertFailed { .. })
            ),
            "input {at}"
        );
    }
}
