//! The batch-STARK verifier circuit against Plonky3's verifier, on real proofs of the recursion machine.

use ferrum_zkvm::{FAST_TEST, Poseidon2Config, ProofHash, SecurityParams, poseidon2_config};
use p3_batch_stark::{BatchProof, BatchShape, BatchVerifierTranscript, ProverData};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};
use p3_lookup::logup::LogUpGadget;
use p3_matrix::Matrix;
use p3_uni_stark::StarkGenericConfig;

use crate::*;

const PARAMS: SecurityParams = SecurityParams {
    hash: ProofHash::Poseidon2,
    ..FAST_TEST
};

/// A program using every table: ALU, Poseidon2, witness, constants and public values.
fn inner_program() -> Program {
    let mut b = Builder::new();
    let x = b.input();
    let y = b.input_ext();
    let p = b.mul_ext(x, y);
    let h = b.poseidon2([x; 16]);
    let s = b.add(h[0], h[1]);
    b.assert_eq_ext(p, p);
    b.public(s);
    b.public(h[2]);
    b.build().unwrap()
}

struct Inner {
    shape: StarkShape,
    proof: BatchProof<Poseidon2Config>,
    public_values: Vec<Vec<Val>>,
    airs: Vec<crate::air::RecursionAir>,
    common: p3_batch_stark::CommonData<Poseidon2Config>,
}

fn inner() -> Inner {
    let program = inner_program();
    let input = vec![
        felt_block(Val::from_u32(3)),
        [Val::ONE, Val::TWO, Val::ZERO, Val::ONE],
    ];
    let (pvs, proof) = prove(&program, &input, &PARAMS).unwrap();
    let proof: BatchProof<Poseidon2Config> = postcard::from_bytes(&proof.bytes).unwrap();
    let airs = crate::trace::airs(&program);
    let bits: Vec<usize> = airs
        .iter()
        .map(|a| a.preprocessed().height().trailing_zeros() as usize)
        .collect();
    let config = poseidon2_config(&PARAMS);
    let data = ProverData::from_airs_and_degrees(&config, &airs, &bits).unwrap();
    let shape = StarkShape::new(&airs, &data.common, &bits, &PARAMS).unwrap();
    let mut public_values = vec![Vec::new(); airs.len()];
    if let Some(last) = public_values.last_mut() {
        *last = pvs;
    }
    Inner {
        shape,
        proof,
        public_values,
        airs,
        common: data.common,
    }
}

/// Plonky3's own transcript replay of `proof`: (lookup alpha, lookup beta, constraint alpha, zeta).
fn native_challenges(i: &Inner) -> Vec<Challenge> {
    let config = poseidon2_config(&PARAMS);
    let shape = BatchShape {
        trace_widths: i.airs.iter().map(p3_air::BaseAir::<Val>::width).collect(),
        public_value_counts: i.public_values.iter().map(Vec::len).collect(),
        preprocessed_widths: i.airs.iter().map(|a| a.preprocessed().width()).collect(),
        has_preprocessed_commitment: true,
        num_lookup_instances: i.common.lookups.iter().filter(|l| !l.is_empty()).count(),
        lookup_pow_bits: config.lookup_proof_of_work_bits(),
        has_randomization_commitment: false,
        ood_pow_bits: config.ood_proof_of_work_bits(),
    };
    let mut ch = config.initialise_challenger();
    let mut t = BatchVerifierTranscript::<_, Val, Challenge, _>::new(&mut ch, shape);
    let p = &i.proof;
    t.instance_bindings(&p.degree_bits);
    t.main_phase(p.commitments.main.clone(), &i.public_values);
    t.preprocessed_phase(i.common.preprocessed.as_ref().map(|g| g.commitment.clone()));
    let lookup = t
        .lookup_phase(&i.common.lookups, &LogUpGadget::new(), p.lookup_pow_witness)
        .unwrap();
    let terminals: Vec<Challenge> = p.lookup_terminals.iter().flatten().map(|t| t.0).collect();
    let alpha = t.permutation_phase(p.commitments.permutation.clone(), &terminals);
    t.quotient_phase(p.commitments.quotient_chunks.clone(), None);
    let zeta = t.ood_phase(p.ood_pow_witness).unwrap();
    t.abort();
    // The first lookup's challenges are (alpha + gamma, beta) for bus 0; beta is shared.
    let first = lookup.iter().find(|c| !c.is_empty()).unwrap();
    vec![first[0], first[1], alpha, zeta]
}

fn verifier_circuit(shape: &StarkShape) -> Program {
    let mut b = Builder::new();
    let vars = shape.read_proof(&mut b);
    let drawn = shape.verify(&mut b, &vars).unwrap();
    let (_, lb) = drawn.lookup.unwrap();
    for e in [lb, drawn.alpha, drawn.zeta] {
        for c in b.ext_to_felts(e) {
            b.public(c);
        }
    }
    b.build().unwrap()
}

fn coeffs(xs: &[Challenge]) -> Vec<Val> {
    xs.iter()
        .flat_map(|x| x.as_basis_coefficients_slice().to_vec())
        .collect()
}

#[test]
fn the_circuit_replays_plonky3s_transcript_and_accepts_an_honest_proof() {
    let i = inner();
    let native = native_challenges(&i);
    let circuit = verifier_circuit(&i.shape);
    let input = i.shape.proof_inputs(&i.proof, &i.public_values).unwrap();
    let run = execute(&circuit, &input).unwrap();
    assert_eq!(run.public_values, coeffs(&native[1..]));
    let [consts, witness, alu, poseidon2, _, public] = circuit.counts();
    eprintln!(
        "verifier circuit: {consts} constants, {witness} inputs and hints, {alu} ALU rows, {poseidon2} Poseidon2 rows, {public} public values"
    );

    // The verifier circuit's own run is proven and verified: a STARK of a STARK's algebraic checks.
    let (pvs, proof) = prove(&circuit, &input, &PARAMS).unwrap();
    verify(&circuit, &pvs, &proof, &PARAMS).unwrap();
}

#[test]
fn the_circuit_refuses_tampered_openings_public_values_and_terminals() {
    let i = inner();
    let circuit = verifier_circuit(&i.shape);
    let honest = i.shape.proof_inputs(&i.proof, &i.public_values).unwrap();
    let assert_refused = |input: &[Block], what: &str| {
        assert!(
            matches!(
                execute(&circuit, input),
                Err(ExecError::AssertFailed { .. })
            ),
            "{what} accepted"
        );
    };
    // Inputs in `proof_inputs` order: public values (2), commitments (3 × 8), terminals (6), lookup witness,
    // OOD witness, then each table's opened values.
    let n_pv = 2;
    let terminals_at = n_pv + 24;
    let opened_at = terminals_at + 6 + 2;
    let mut x = honest.clone();
    x[0][0] += Val::ONE;
    assert_refused(&x, "a changed public value");
    let mut x = honest.clone();
    x[terminals_at][0] += Val::ONE;
    assert_refused(&x, "a changed LogUp terminal");
    let mut x = honest.clone();
    x[opened_at][1] += Val::ONE;
    assert_refused(&x, "a changed opened value");
    let fri_len = i
        .shape
        .fri_inputs(&i.proof, &i.public_values)
        .unwrap()
        .len();
    let algebra_end = honest.len() - fri_len;
    // The public table's LogUp trace (accumulator and one fraction column, 8 coefficient columns) is opened at
    // zeta, then at zeta · g. The last value at zeta is the fraction column's top coefficient (a constraint reads
    // it); the last at zeta · g enters no constraint: only the opening argument binds it.
    for (at, what) in [
        (algebra_end - 1 - 8, "a changed LogUp opening"),
        (algebra_end - 1, "a changed LogUp opening at zeta · g"),
    ] {
        let mut x = honest.clone();
        x[at][0] += Val::ONE;
        assert_refused(&x, what);
    }
    // The opening proof: batch grinding witness, FRI commitments, a row opened at a query, a Merkle sibling, the
    // last FRI layer's last sibling digest.
    for (at, what) in [
        (algebra_end, "a non-zero unused grinding witness"),
        (algebra_end + 1, "a changed FRI commitment"),
        (algebra_end + 20, "a changed value of the opening proof"),
        (honest.len() / 2 + fri_len / 3, "a changed query opening"),
        (honest.len() - 1, "a changed Merkle sibling"),
    ] {
        let mut x = honest.clone();
        x[at][0] += Val::ONE;
        assert_refused(&x, what);
    }
    let mut x = honest;
    x[n_pv][0] += Val::ONE;
    assert_refused(&x, "a changed main commitment");
}

#[test]
fn a_proof_of_another_shape_is_refused_before_the_circuit() {
    let i = inner();
    let mut wrong = i.public_values.clone();
    wrong[4].push(Val::ONE);
    assert!(i.shape.proof_inputs(&i.proof, &wrong).is_err());
    let mut proof = i.proof;
    proof.degree_bits[2] += 1;
    assert!(i.shape.proof_inputs(&proof, &i.public_values).is_err());
}
