//! A proof opened up for a verifier outside this crate (the recursion machine): its tables, their public values
//! and the Plonky3 batch proof, exactly what [`super::verify`] checks.

use p3_air::{Air, BaseAir};
use p3_batch_stark::BatchProof;
use p3_lookup::InteractionBuilder;
use p3_matrix::dense::RowMajorMatrix;

use super::air::ZkvmAir;
use super::config::{Val, poseidon2::Config};
use super::{
    Claim, Envelope, Proof, ProofHash, SecurityParams, checked_airs, chips_of, public_values,
    trace, whole_run,
};
use crate::error::VerifyError;
use crate::executor::Program;

/// One table of a zkVM proof, with the constraints and lookups the native verifier checks.
#[derive(Clone, Debug)]
pub struct ProofTable(ZkvmAir);

impl ProofTable {
    /// The table's name (`cpu`, `rom`, `keccak`, ...).
    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl BaseAir<Val> for ProofTable {
    fn width(&self) -> usize {
        self.0.width()
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.0.preprocessed_trace()
    }

    fn preprocessed_width(&self) -> usize {
        self.0.preprocessed_width()
    }

    fn num_public_values(&self) -> usize {
        self.0.num_public_values()
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        self.0.main_next_row_columns()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        self.0.preprocessed_next_row_columns()
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        self.0.max_constraint_degree()
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for ProofTable {
    fn eval(&self, builder: &mut AB) {
        self.0.eval(builder);
    }
}

/// A one-segment proof ([`super::prove`]) of `program` with `claim`, opened up: every table, each table's public
/// values and the batch proof. Only Poseidon2 proofs: the hash a recursive verifier computes.
pub struct StarkView {
    /// The proof's tables, in proof order.
    pub tables: Vec<ProofTable>,
    /// Each table's public values.
    pub public_values: Vec<Vec<Val>>,
    /// The Plonky3 proof.
    pub proof: BatchProof<Config>,
}

impl std::fmt::Debug for StarkView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StarkView")
            .field("tables", &self.tables)
            .field("public_values", &self.public_values)
            .field("degree_bits", &self.proof.degree_bits)
            .finish_non_exhaustive()
    }
}

/// Opens up a one-segment proof for a recursive verifier, after the same shape checks as [`super::verify`].
///
/// # Errors
/// [`VerifyError`] when the proof is not a Poseidon2 proof, does not decode, or has another shape than the
/// program's and claim's tables.
pub fn stark_view(
    program: &Program,
    claim: &Claim,
    proof: &Proof,
    params: &SecurityParams,
) -> Result<StarkView, VerifyError> {
    if params.hash != ProofHash::Poseidon2 {
        return Err(VerifyError::Shape(
            "a recursive verifier needs a Poseidon2 proof".into(),
        ));
    }
    let Envelope { chips: mask, proof }: Envelope<BatchProof<Config>> =
        postcard::from_bytes(&proof.bytes).map_err(|e| VerifyError::Malformed(e.to_string()))?;
    let init = trace::image_state(program);
    let mut seg = whole_run(program, claim, &init);
    seg.chips = chips_of(mask)?;
    let airs = checked_airs(program, &seg, &proof.degree_bits)?;
    let public_values = public_values(&seg, airs.len());
    Ok(StarkView {
        tables: airs.into_iter().map(ProofTable).collect(),
        public_values,
        proof,
    })
}
