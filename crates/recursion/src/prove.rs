//! Proving a program's run and verifying it against the program's digest and public values.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ferrum_zkvm::{Poseidon2Config, SecurityParams, poseidon2_config};
use p3_baby_bear::default_babybear_poseidon2_16;
use p3_batch_stark::{
    BatchProof, CommonData, ProverData, StarkInstance, prove_batch, verify_batch,
};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;
use p3_symmetric::{CryptographicHasher, PaddingFreeSponge};

use crate::air::RecursionAir;
use crate::error::{ProveError, VerifyError};
use crate::execute::execute;
use crate::program::{Block, Program, Val};
use crate::stark::StarkShape;
use crate::trace::{airs, main_traces};

/// A proof of one run of a program (a postcard-encoded Plonky3 batch proof over Poseidon2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecursionProof {
    /// The encoded proof.
    pub bytes: Vec<u8>,
}

/// A program's verifying key in 32 bytes: Poseidon2 of its tables' preprocessed commitment, their sizes and the
/// number of public values. Two programs with the same digest have the same tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProgramDigest(pub [u32; 8]);

/// The shape of one table of a proof.
#[derive(Clone, Copy, Debug)]
pub struct TableShape {
    /// `const`, `witness`, `alu`, `poseidon2` or `public`.
    pub name: &'static str,
    /// Rows (a power of two).
    pub rows: usize,
    /// Main columns.
    pub main_width: usize,
    /// Preprocessed columns.
    pub preprocessed_width: usize,
}

/// The tables a program's proofs have.
pub fn shapes(program: &Program) -> Vec<TableShape> {
    airs(program)
        .iter()
        .map(|a| TableShape {
            name: a.name(),
            rows: a.preprocessed().height(),
            main_width: p3_air::BaseAir::<Val>::width(a),
            preprocessed_width: a.preprocessed().width(),
        })
        .collect()
}

fn degree_bits(airs: &[RecursionAir]) -> Vec<usize> {
    airs.iter()
        .map(|a| a.preprocessed().height().trailing_zeros() as usize)
        .collect()
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "panic".to_string())
}

/// A program's tables, their log2 heights and their common data (preprocessed commitment, lookups).
type Tables = (Vec<RecursionAir>, Vec<usize>, CommonData<Poseidon2Config>);

/// The program's [`Tables`].
fn tables(program: &Program, params: &SecurityParams) -> Result<Tables, VerifyError> {
    let config = poseidon2_config(params);
    let airs = airs(program);
    let bits = degree_bits(&airs);
    let data = catch_unwind(AssertUnwindSafe(|| {
        ProverData::from_airs_and_degrees(&config, &airs, &bits)
    }))
    .map_err(|p| VerifyError::Shape(panic_message(&p)))?
    .map_err(|e| VerifyError::Shape(format!("{e:?}")))?;
    Ok((airs, bits, data.common))
}

/// The program's digest under `params` (the FRI parameters shape the preprocessed commitment).
///
/// # Errors
/// [`VerifyError::Shape`] when the commitment cannot be made.
pub fn program_digest(
    program: &Program,
    params: &SecurityParams,
) -> Result<ProgramDigest, VerifyError> {
    let (_, bits, common) = tables(program, params)?;
    let commitment = common
        .preprocessed
        .as_ref()
        .and_then(|p| p.commitment.as_ref().first().copied())
        .ok_or_else(|| VerifyError::Shape("no preprocessed commitment".into()))?;
    let mut input: Vec<Val> = commitment.to_vec();
    input.extend(bits.iter().map(|&b| Val::from_usize(b)));
    input.push(Val::from_usize(program.num_public_values()));
    let hasher = PaddingFreeSponge::<_, 16, 8, 8>::new(default_babybear_poseidon2_16());
    let h: [Val; 8] = hasher.hash_iter(input);
    Ok(ProgramDigest(h.map(|v| v.as_canonical_u32())))
}

/// Changes the main traces before they are committed (soundness tests forge a prover this way).
pub(crate) type Tamper<'a> = &'a mut dyn FnMut(&mut [RowMajorMatrix<Val>], &mut Vec<Val>);

/// Runs `program` on `input` and proves the run. Returns the public values and the proof.
///
/// # Errors
/// [`ProveError::Exec`] when the input does not satisfy the circuit; [`ProveError::Stark`] when proving fails.
pub fn prove(
    program: &Program,
    input: &[Block],
    params: &SecurityParams,
) -> Result<(Vec<Val>, RecursionProof), ProveError> {
    prove_with(program, input, params, &mut |_, _| {})
}

pub(crate) fn prove_with(
    program: &Program,
    input: &[Block],
    params: &SecurityParams,
    tamper: Tamper<'_>,
) -> Result<(Vec<Val>, RecursionProof), ProveError> {
    let run = tracing::info_span!("execute").in_scope(|| execute(program, input))?;
    let airs = airs(program);
    let mut mains = tracing::info_span!("traces").in_scope(|| main_traces(program, &run));
    let mut public_values = run.public_values;
    tamper(&mut mains, &mut public_values);
    let config = poseidon2_config(params);
    let pvs = per_table(&public_values, airs.len());
    let instances: Vec<StarkInstance<'_, Poseidon2Config, RecursionAir>> = airs
        .iter()
        .zip(&mains)
        .zip(&pvs)
        .map(|((air, trace), pv)| StarkInstance {
            air,
            trace,
            public_values: pv.clone(),
        })
        .collect();
    let proof = catch_unwind(AssertUnwindSafe(|| {
        let data = ProverData::from_instances(&config, &instances).map_err(|e| format!("{e:?}"))?;
        prove_batch(&config, &instances, &data).map_err(|e| format!("{e:?}"))
    }))
    .map_err(|p| ProveError::Stark(panic_message(&p)))?
    .map_err(ProveError::Stark)?;
    let bytes = postcard::to_allocvec(&proof).map_err(|e| ProveError::Stark(e.to_string()))?;
    Ok((public_values, RecursionProof { bytes }))
}

/// The public values go to the last (public) table.
fn per_table(public_values: &[Val], tables: usize) -> Vec<Vec<Val>> {
    let mut pvs = vec![Vec::new(); tables];
    if let Some(last) = pvs.last_mut() {
        *last = public_values.to_vec();
    }
    pvs
}

/// The shape of `program`'s proofs, for a verifier circuit one recursion layer up.
///
/// # Errors
/// [`VerifyError::Shape`] when the tables cannot be committed or put in a circuit.
pub fn proof_shape(program: &Program, params: &SecurityParams) -> Result<StarkShape, VerifyError> {
    let (airs, bits, common) = tables(program, params)?;
    StarkShape::new(&airs, &common, &bits, params)
}

/// The input of [`StarkShape::verifier_program`] (for `shape = proof_shape(program, params)`) that verifies
/// `proof` of a run of `program` publishing `public_values`.
///
/// # Errors
/// [`VerifyError`] when the proof does not decode or has another shape.
pub fn proof_input(
    shape: &StarkShape,
    program: &Program,
    public_values: &[Val],
    proof: &RecursionProof,
) -> Result<Vec<Block>, VerifyError> {
    let proof: BatchProof<Poseidon2Config> =
        postcard::from_bytes(&proof.bytes).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    if public_values.len() != program.num_public_values() {
        return Err(VerifyError::Shape("public value count".into()));
    }
    shape.proof_inputs(&proof, &per_table(public_values, PROOF_TABLES))
}

/// Tables of every recursion proof (const, witness, alu, poseidon2, swap, public).
const PROOF_TABLES: usize = 6;

/// Verifies that a run of `program` published `public_values`.
///
/// # Errors
/// [`VerifyError`] when the proof does not decode, has another shape than the program's tables, or does not verify.
pub fn verify(
    program: &Program,
    public_values: &[Val],
    proof: &RecursionProof,
    params: &SecurityParams,
) -> Result<(), VerifyError> {
    if public_values.len() != program.num_public_values() {
        return Err(VerifyError::Shape(format!(
            "{} public values, the program publishes {}",
            public_values.len(),
            program.num_public_values()
        )));
    }
    let proof: BatchProof<Poseidon2Config> =
        postcard::from_bytes(&proof.bytes).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let airs = airs(program);
    let bits = degree_bits(&airs);
    if proof.degree_bits != bits {
        return Err(VerifyError::Shape(format!(
            "table sizes 2^{:?}, the program's are 2^{bits:?}",
            proof.degree_bits
        )));
    }
    let config = poseidon2_config(params);
    let pvs = per_table(public_values, airs.len());
    catch_unwind(AssertUnwindSafe(|| {
        let data = ProverData::from_airs_and_degrees(&config, &airs, &bits)
            .map_err(|e| VerifyError::Shape(format!("{e:?}")))?;
        verify_batch(&config, &airs, &proof, &pvs, &data.common)
            .map_err(|e| VerifyError::Stark(format!("{e:?}")))
    }))
    .map_err(|p| VerifyError::Malformed(panic_message(&p)))?
}
