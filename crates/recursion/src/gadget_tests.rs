//! The verifier gadgets against Plonky3's native verifier: the transcript and the folded constraints.

use ferrum_zkvm::{FAST_TEST, Poseidon2Config, ProofHash, SecurityParams, poseidon2_config};
use p3_air::symbolic::AirLayout;
use p3_air::{BaseAir, RowWindow};
use p3_baby_bear::default_babybear_poseidon2_16;
use p3_batch_stark::ProverData;
use p3_batch_stark::folder::VerifierConstraintFolderWithLookups;
use p3_challenger::{
    CanObserve, CanSample, CanSampleBits, DuplexChallenger, FieldChallenger, GrindingChallenger,
};
use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField32};
use p3_lookup::LookupProtocol;
use p3_lookup::logup::LogUpGadget;
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrixView;
use p3_matrix::stack::VerticalPair;
use p3_uni_stark::VerifierConstraintFolder;

use crate::*;

const PARAMS: SecurityParams = SecurityParams {
    hash: ProofHash::Poseidon2,
    ..FAST_TEST
};

/// A deterministic stream of field elements.
struct Rng(u64);

impl Rng {
    fn val(&mut self) -> Val {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Val::from_u32((self.0 >> 33) as u32)
    }

    fn ext(&mut self) -> Challenge {
        Challenge::from_basis_coefficients_fn(|_| self.val())
    }
}

fn publish_ext(b: &mut Builder, x: Ext) {
    for c in b.ext_to_felts(x) {
        b.public(c);
    }
}

fn coeffs(x: Challenge) -> Vec<Val> {
    x.as_basis_coefficients_slice().to_vec()
}

#[test]
fn the_circuit_transcript_draws_the_native_challenges() {
    type Native = DuplexChallenger<Val, ferrum_zkvm::Poseidon2Perm, 16, 8>;
    let mut rng = Rng(7);
    let first: Vec<Val> = (0..11).map(|_| rng.val()).collect();
    let second: Vec<Val> = (0..8).map(|_| rng.val()).collect();
    let observed_ext = rng.ext();

    let mut native = Native::new(default_babybear_poseidon2_16());
    let mut expected = Vec::new();
    native.observe_slice(&first);
    expected.extend(coeffs(native.sample_algebra_element::<Challenge>()));
    native.observe_algebra_element(observed_ext);
    expected.push(native.sample());
    expected.push(native.sample());
    expected.push(Val::from_usize(native.sample_bits(10)));
    native.observe_slice(&second);
    expected.extend(coeffs(native.sample_algebra_element::<Challenge>()));
    let witness = native.clone().grind(6);
    assert!(native.check_witness(6, witness));
    expected.push(native.sample());

    let mut b = Builder::new();
    let mut ch = CircuitChallenger::new(&mut b);
    let first_in: Vec<Felt> = first.iter().map(|_| b.input()).collect();
    let second_in: Vec<Felt> = second.iter().map(|_| b.input()).collect();
    let ext_in = b.input_ext();
    let witness_in = b.input();
    ch.observe_slice(&mut b, &first_in);
    let e = ch.sample_ext(&mut b);
    publish_ext(&mut b, e);
    ch.observe_ext(&mut b, ext_in);
    for _ in 0..2 {
        let s = ch.sample(&mut b);
        b.public(s);
    }
    let bits = ch.sample_bits(&mut b, 10);
    let mut acc = b.constant(Val::ZERO);
    for (i, &bit) in bits.iter().enumerate() {
        let w = b.constant(Val::from_u32(1 << i));
        let t = b.mul(bit, w);
        acc = b.add(acc, t);
    }
    b.public(acc);
    ch.observe_slice(&mut b, &second_in);
    let e = ch.sample_ext(&mut b);
    publish_ext(&mut b, e);
    ch.check_witness(&mut b, 6, witness_in);
    let s = ch.sample(&mut b);
    b.public(s);
    let program = b.build().unwrap();

    let mut input: Vec<Block> = first
        .iter()
        .chain(&second)
        .map(|&v| felt_block(v))
        .collect();
    input.push(block_of(observed_ext));
    input.push(felt_block(witness));
    let (pvs, proof) = prove(&program, &input, &PARAMS).unwrap();
    assert_eq!(pvs, expected);
    verify(&program, &pvs, &proof, &PARAMS).unwrap();

    // A witness that does not grind the bits is refused.
    let last = input.len() - 1;
    let bad = (1..1000u32)
        .map(|d| witness + Val::from_u32(d))
        .find(|&w| !native_checks(&first, &second, observed_ext, w))
        .unwrap();
    input[last] = felt_block(bad);
    assert!(matches!(
        prove(&program, &input, &PARAMS),
        Err(ProveError::Exec(ExecError::AssertFailed { .. }))
    ));
}

fn native_checks(first: &[Val], second: &[Val], observed: Challenge, witness: Val) -> bool {
    let mut native = DuplexChallenger::<Val, ferrum_zkvm::Poseidon2Perm, 16, 8>::new(
        default_babybear_poseidon2_16(),
    );
    native.observe_slice(first);
    let _: Challenge = native.sample_algebra_element();
    native.observe_algebra_element(observed);
    let _: Val = native.sample();
    let _: Val = native.sample();
    let _ = native.sample_bits(10);
    native.observe_slice(second);
    let _: Challenge = native.sample_algebra_element();
    native.check_witness(6, witness)
}

#[test]
fn canonical_bits_refuse_the_non_canonical_decomposition() {
    let mut b = Builder::new();
    let x = b.input();
    let bits = b.bits_canonical(x);
    for &bit in &bits {
        b.public(bit);
    }
    let program = b.build().unwrap();
    for x in [0u32, 5, (1 << 27) - 1, 1 << 27, Val::ORDER_U32 - 1] {
        let run = execute(&program, &[felt_block(Val::from_u32(x))]).unwrap();
        let got: u32 = run
            .public_values
            .iter()
            .enumerate()
            .map(|(i, b)| b.as_canonical_u32() << i)
            .sum();
        assert_eq!(got, x);
    }
    // A prover free to choose the bits (the hints turned into inputs) cannot use 5 + p, the other 31-bit
    // decomposition of 5: the canonicity product refuses it. The canonical bits still pass.
    let mut free = program.clone();
    for i in &mut free.instrs {
        if let Instr::Witness { hint, .. } = i
            && matches!(hint, Hint::Bit { .. })
        {
            *hint = Hint::Input;
        }
    }
    let with_bits = |v: u32| -> Vec<Block> {
        let mut input = vec![felt_block(Val::from_u32(5))];
        input.extend((0..31).map(|i| felt_block(Val::from_u32(v >> i & 1))));
        input
    };
    execute(&free, &with_bits(5)).unwrap();
    assert!(matches!(
        execute(&free, &with_bits(5 + Val::ORDER_U32)),
        Err(ExecError::AssertFailed { .. })
    ));
}

#[test]
fn constraints_fold_as_plonky3s_verifier_folds_them() {
    // The recursion machine's own five tables: ALU (extension products), Poseidon2 (hundreds of constraints), and
    // LogUp on every table.
    let mut b = Builder::new();
    let x = b.input();
    let y = b.input_ext();
    let p = b.mul_ext(x, y);
    let h = b.poseidon2([x; 16]);
    b.assert_eq_ext(p, p);
    b.public(h[0]);
    let program = b.build().unwrap();
    let airs = crate::trace::airs(&program);
    let config: Poseidon2Config = poseidon2_config(&PARAMS);
    let bits: Vec<usize> = airs
        .iter()
        .map(|a| a.preprocessed().height().trailing_zeros() as usize)
        .collect();
    let data = ProverData::from_airs_and_degrees(&config, &airs, &bits).unwrap();
    let mut rng = Rng(11);
    for (air, lookups) in airs.iter().zip(&data.common.lookups) {
        let layout = AirLayout {
            preprocessed_width: air.preprocessed_width(),
            main_width: air.width(),
            num_public_values: air.num_public_values(),
            ..Default::default()
        };
        let constraints = SymbolicConstraints::of(air, layout, lookups);
        assert!(!constraints.is_empty(), "{}", air.name());
        let perm_width = if lookups.is_empty() {
            0
        } else {
            lookups.len() + 1
        };
        let n_challenges = lookups.len() * LogUpGadget::new().num_challenges();
        let main: [Vec<Challenge>; 2] =
            std::array::from_fn(|_| (0..air.width()).map(|_| rng.ext()).collect());
        let prep: [Vec<Challenge>; 2] =
            std::array::from_fn(|_| (0..air.preprocessed_width()).map(|_| rng.ext()).collect());
        let perm: [Vec<Challenge>; 2] =
            std::array::from_fn(|_| (0..perm_width).map(|_| rng.ext()).collect());
        let challenges: Vec<Challenge> = (0..n_challenges).map(|_| rng.ext()).collect();
        let terminal: Vec<Challenge> = (0..usize::from(perm_width > 0))
            .map(|_| rng.ext())
            .collect();
        let publics: Vec<Val> = (0..air.num_public_values()).map(|_| rng.val()).collect();
        let [first, last, transition, alpha] = std::array::from_fn(|_| rng.ext());

        let inner = VerifierConstraintFolder::<Poseidon2Config> {
            main: VerticalPair::new(
                RowMajorMatrixView::new_row(&main[0]),
                RowMajorMatrixView::new_row(&main[1]),
            ),
            preprocessed: VerticalPair::new(
                RowMajorMatrixView::new_row(&prep[0]),
                RowMajorMatrixView::new_row(&prep[1]),
            ),
            preprocessed_window: RowWindow::from_two_rows(&prep[0], &prep[1]),
            periodic_values: &[],
            public_values: &publics,
            is_first_row: first,
            is_last_row: last,
            is_transition: transition,
            alpha,
            accumulator: Challenge::ZERO,
        };
        let mut folder = VerifierConstraintFolderWithLookups {
            inner,
            permutation: VerticalPair::new(
                RowMajorMatrixView::new_row(&perm[0]),
                RowMajorMatrixView::new_row(&perm[1]),
            ),
            permutation_challenges: &challenges,
            permutation_values: &terminal,
        };
        LogUpGadget::new().eval_air_and_lookups(air, &mut folder, lookups);
        let expected = folder.inner.accumulator;

        let mut b = Builder::new();
        let ext_inputs = |b: &mut Builder, v: &[Challenge]| -> Vec<Ext> {
            v.iter().map(|_| b.input_ext()).collect()
        };
        let at = OpenedRow {
            main: [ext_inputs(&mut b, &main[0]), ext_inputs(&mut b, &main[1])],
            preprocessed: [ext_inputs(&mut b, &prep[0]), ext_inputs(&mut b, &prep[1])],
            permutation: [ext_inputs(&mut b, &perm[0]), ext_inputs(&mut b, &perm[1])],
            challenges: ext_inputs(&mut b, &challenges),
            permutation_values: ext_inputs(&mut b, &terminal),
            public_values: publics.iter().map(|_| b.input()).collect(),
            is_first_row: Some(b.input_ext()),
            is_last_row: Some(b.input_ext()),
            is_transition: Some(b.input_ext()),
        };
        let alpha_in = b.input_ext();
        let folded = fold_constraints(&mut b, &constraints, &at, alpha_in).unwrap();
        publish_ext(&mut b, folded);
        let circuit = b.build().unwrap();
        let mut input: Vec<Block> = Vec::new();
        for v in main.iter().chain(&prep).chain(&perm) {
            input.extend(v.iter().map(|&e| block_of(e)));
        }
        input.extend(challenges.iter().map(|&e| block_of(e)));
        input.extend(terminal.iter().map(|&e| block_of(e)));
        input.extend(publics.iter().map(|&v| felt_block(v)));
        input.extend([first, last, transition, alpha].map(block_of));
        let run = execute(&circuit, &input).unwrap();
        assert_eq!(run.public_values, coeffs(expected), "{}", air.name());
        if air.name() == "alu" {
            let (pvs, proof) = prove(&circuit, &input, &PARAMS).unwrap();
            verify(&circuit, &pvs, &proof, &PARAMS).unwrap();
        }
    }
}

#[test]
fn selectors_match_plonky3s_trace_domain() {
    use p3_commit::PolynomialSpace;
    use p3_field::coset::TwoAdicMultiplicativeCoset;
    let mut rng = Rng(3);
    for log_n in [2usize, 5, 10] {
        let zeta = rng.ext();
        // Plonky3's natural trace domain (`TwoAdicFriPcs::natural_domain_for_degree`): the subgroup itself.
        let domain = TwoAdicMultiplicativeCoset::new(Val::ONE, log_n).unwrap();
        let sels = domain.selectors_at_point(zeta);
        let mut b = Builder::new();
        let z = b.input_ext();
        let (first, last, transition, z_h) = selectors(&mut b, z, log_n);
        let inv = b.inv_ext(z_h);
        for e in [first, last, transition, inv] {
            publish_ext(&mut b, e);
        }
        let run = execute(&b.build().unwrap(), &[block_of(zeta)]).unwrap();
        let expected: Vec<Val> = [
            sels.is_first_row,
            sels.is_last_row,
            sels.is_transition,
            sels.inv_vanishing,
        ]
        .into_iter()
        .flat_map(coeffs)
        .collect();
        assert_eq!(run.public_values, expected, "2^{log_n} rows");
    }
}
