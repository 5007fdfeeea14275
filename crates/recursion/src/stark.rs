//! Plonky3 batch-STARK verification in the circuit: the transcript, the lookup challenges, every table's
//! constraints at the out-of-domain point against its quotient, the LogUp terminal sum, and the opening
//! argument (FRI over every commitment, [`crate::pcs`]).

use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};

use ferrum_zkvm::{Poseidon2Config, SecurityParams, poseidon2_config};
use p3_air::symbolic::AirLayout;
use p3_air::{Air, BaseAir};
use p3_baby_bear::default_babybear_poseidon2_16;
use p3_batch_stark::BatchVerifierTranscript;
use p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain;
use p3_batch_stark::{BatchProof, BatchShape, CommonData};
use p3_challenger::DuplexChallenger;
use p3_commit::PolynomialSpace;
use p3_commit::{CommitmentOpening, ExtensionMmcs, MatrixOpening, PointOpening};
use p3_field::{BasedVectorSpace, Field, PrimeCharacteristicRing, TwoAdicField};
use p3_fri::verifier::{fold_query, open_inputs};
use p3_fri::{
    FriParameters, PcsVerifierTranscript, TwoAdicFriFolding, TwoAdicFriFoldingForMmcs,
    VerifierTranscript as FriVerifierTranscript,
};
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{InteractionSymbolicBuilder, Kind, check_multiplicity_height_bound};
use p3_matrix::Dimensions;
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::MerkleCap;
use p3_symmetric::{PaddingFreeSponge, TruncatedPermutation};
use p3_uni_stark::StarkGenericConfig;

use crate::builder::{Builder, Ext, Felt};
use crate::challenger::CircuitChallenger;
use crate::constraints::{ConstraintError, OpenedRow, SymbolicConstraints, fold_constraints};
use crate::error::VerifyError;
use crate::pcs::{FriVars, MatrixClaim, PcsPlan, RoundClaim};
use crate::program::{Block, Challenge, Program, Val, block_of, felt_block};

type Domain = p3_field::coset::TwoAdicMultiplicativeCoset<Val>;
type Packed = <Val as Field>::Packing;
/// The zkVM's Poseidon2 input MMCS (`ferrum_zkvm::Poseidon2Config`'s), for restoring full paths natively.
type ValMmcs = MerkleTreeMmcs<
    Packed,
    Packed,
    PaddingFreeSponge<ferrum_zkvm::Poseidon2Perm, 16, 8, 8>,
    TruncatedPermutation<ferrum_zkvm::Poseidon2Perm, 2, 8, 16>,
    2,
    8,
>;
type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
/// One commitment's opening claims, natively.
type NativeClaim = CommitmentOpening<Challenge, MerkleCap<Val, [Val; 8]>, Domain>;

/// One table's shape as the verifier knows it.
#[derive(Debug)]
struct Table {
    width: usize,
    preprocessed_width: usize,
    num_public: usize,
    main_next: bool,
    preprocessed_next: bool,
    /// Lookups (LogUp fraction columns); the LogUp trace has one more (the accumulator).
    lookups: usize,
    /// `(bus offset index, combiner)` per lookup: which bus prefix each lookup's first challenge is.
    buses: Vec<usize>,
    log_n: usize,
    quotient_domains: Vec<Domain>,
    constraints: SymbolicConstraints,
}

/// What the verifier circuit knows before it sees a proof: the tables, their sizes, the verifying key
/// (preprocessed commitment and lookups) and the transcript's seed.
#[derive(Debug)]
pub struct StarkShape {
    tables: Vec<Table>,
    max_message_width: usize,
    num_buses: usize,
    lookup_pow_bits: usize,
    ood_pow_bits: usize,
    seeded: DuplexChallenger<Val, ferrum_zkvm::Poseidon2Perm, 16, 8>,
    batch_shape: BatchShape,
    preprocessed_cap: Option<MerkleCap<Val, [Val; 8]>>,
    /// Which table each preprocessed matrix belongs to, in commit order.
    matrix_to_instance: Vec<usize>,
    lookups: Vec<Vec<p3_lookup::Lookup<Val>>>,
    pcs: PcsPlan,
    params: SecurityParams,
}

/// One table's opened values as circuit variables.
#[derive(Clone, Debug)]
pub struct OpenedVars {
    /// Main trace at `zeta` and (if the AIR reads it) `zeta · g`.
    pub main: [Vec<Ext>; 2],
    /// Preprocessed trace at `zeta` and (if read) `zeta · g`.
    pub preprocessed: [Vec<Ext>; 2],
    /// Each quotient chunk's four coefficient columns at `zeta`.
    pub quotient_chunks: Vec<[Ext; 4]>,
    /// The LogUp trace, flattened to base coefficients as committed, at `zeta` and `zeta · g`.
    pub permutation: [Vec<Ext>; 2],
}

/// A batch proof as circuit variables (everything but the opening proof).
#[derive(Clone, Debug)]
pub struct ProofVars {
    /// Every table's public values.
    pub public_values: Vec<Vec<Felt>>,
    /// The main-trace commitment.
    pub main_commitment: [Felt; 8],
    /// The LogUp-trace commitment (when any table has lookups).
    pub permutation_commitment: Option<[Felt; 8]>,
    /// The quotient commitment.
    pub quotient_commitment: [Felt; 8],
    /// Each table's LogUp terminal (tables with lookups).
    pub terminals: Vec<Option<Ext>>,
    /// The grinding witness before the lookup challenges.
    pub lookup_pow_witness: Option<Felt>,
    /// The grinding witness before `zeta`.
    pub ood_pow_witness: Felt,
    /// Every table's opened values.
    pub opened: Vec<OpenedVars>,
    fri: FriVars,
}

/// The challenges the transcript drew.
#[derive(Clone, Debug)]
pub struct Drawn {
    /// LogUp's `alpha` and `beta`.
    pub lookup: Option<(Ext, Ext)>,
    /// The constraint-folding challenge.
    pub alpha: Ext,
    /// The out-of-domain point.
    pub zeta: Ext,
}

fn digest(c: &MerkleCap<Val, [Val; 8]>) -> Option<[Val; 8]> {
    c.as_ref().first().copied()
}

impl StarkShape {
    /// The shape of proofs of `airs` with tables of `2^degree_bits` rows under `params`, with `common` from
    /// `ProverData::from_airs_and_degrees`.
    ///
    /// # Errors
    /// [`VerifyError::Shape`] when the tables cannot be put in a circuit (periodic columns, zero-knowledge).
    pub fn new<A>(
        airs: &[A],
        common: &CommonData<Poseidon2Config>,
        degree_bits: &[usize],
        params: &SecurityParams,
    ) -> Result<Self, VerifyError>
    where
        A: BaseAir<Val> + Air<InteractionSymbolicBuilder<Val, Challenge>>,
    {
        let config = poseidon2_config(params);
        let shape_err = |m: String| VerifyError::Shape(m);
        if config.is_zk() != 0 {
            return Err(shape_err("zero-knowledge proofs are not supported".into()));
        }
        if airs.len() != degree_bits.len() || airs.len() != common.lookups.len() {
            return Err(shape_err("table count mismatch".into()));
        }
        let gadget = LogUpGadget::new();
        let mut bus_of_name: Vec<(String, usize, usize)> = Vec::new();
        let mut num_buses = 0usize;
        let mut max_message_width = 1usize;
        let mut tables = Vec::with_capacity(airs.len());
        for (i, air) in airs.iter().enumerate() {
            if air.num_periodic_columns() != 0 {
                return Err(shape_err(format!("table {i}: periodic columns")));
            }
            let log_n = degree_bits[i];
            let prep_width = common
                .preprocessed
                .as_ref()
                .and_then(|g| g.instances[i].as_ref().map(|m| m.width))
                .unwrap_or(0);
            let layout = AirLayout {
                preprocessed_width: prep_width,
                main_width: air.width(),
                num_public_values: air.num_public_values(),
                ..Default::default()
            };
            let lookups = &common.lookups[i];
            // Plonky3's natural trace domain (`TwoAdicFriPcs::natural_domain_for_degree`): the subgroup.
            let ext_domain = Domain::new(Val::ONE, log_n)
                .ok_or_else(|| shape_err(format!("table {i}: 2^{log_n} rows")))?;
            let log_chunks = get_log_num_quotient_chunks_for_domain::<_, Challenge, A, _>(
                air, layout, ext_domain, lookups, 0, &gadget,
            );
            let quotient_domains = ext_domain
                .try_create_disjoint_domain(1 << (log_n + log_chunks))
                .ok_or_else(|| shape_err(format!("table {i}: quotient domain too large")))?
                .split_domains(1 << log_chunks);
            if !air.public_boundary_io().is_empty() {
                return Err(shape_err(format!("table {i}: boundary public values")));
            }
            let mut buses = Vec::with_capacity(lookups.len());
            for l in lookups.iter() {
                let width = l.elements.iter().map(Vec::len).max().unwrap_or(0);
                if l.elements.iter().any(|e| e.len() != width) {
                    return Err(shape_err(format!(
                        "table {i}: tuples of one lookup differ in width"
                    )));
                }
                max_message_width = max_message_width.max(width);
                let id = match &l.kind {
                    // Every message on a global bus has one width, or a short one could alias a long one.
                    Kind::Global(name) => match bus_of_name.iter().find(|(n, _, _)| n == name) {
                        Some(&(_, id, w)) if w == width => id,
                        Some(_) => {
                            return Err(shape_err(format!(
                                "bus {name}: messages of several widths"
                            )));
                        }
                        None => {
                            bus_of_name.push((name.clone(), num_buses, width));
                            num_buses += 1;
                            num_buses - 1
                        }
                    },
                    Kind::Local => {
                        num_buses += 1;
                        num_buses - 1
                    }
                };
                buses.push(id);
            }
            tables.push(Table {
                width: air.width(),
                preprocessed_width: prep_width,
                num_public: air.num_public_values(),
                main_next: !air.main_next_row_columns().is_empty(),
                preprocessed_next: prep_width > 0
                    && !air.preprocessed_next_row_columns().is_empty(),
                lookups: lookups.len(),
                buses,
                log_n,
                quotient_domains,
                constraints: SymbolicConstraints::of(air, layout, lookups),
            });
        }
        // LogUp: no multiplicity may wrap modulo p (Plonky3's verifier checks the same bound).
        let heights: Vec<usize> = degree_bits.iter().map(|&b| 1usize << b).collect();
        check_multiplicity_height_bound(&common.lookups, &heights)
            .map_err(|e| shape_err(format!("{e:?}")))?;
        let batch_shape = BatchShape {
            trace_widths: tables.iter().map(|t| t.width).collect(),
            public_value_counts: tables.iter().map(|t| t.num_public).collect(),
            preprocessed_widths: tables.iter().map(|t| t.preprocessed_width).collect(),
            has_preprocessed_commitment: common.preprocessed.is_some(),
            num_lookup_instances: tables.iter().filter(|t| t.lookups > 0).count(),
            lookup_pow_bits: config.lookup_proof_of_work_bits(),
            has_randomization_commitment: false,
            ood_pow_bits: config.ood_proof_of_work_bits(),
        };
        // The transcript's seed depends only on the shape: the circuit starts from the seeded state.
        let mut seeded = config.initialise_challenger();
        batch_shape
            .clone()
            .domain_separator::<Val, Challenge>()
            .seed(&mut seeded);
        let matrix_to_instance = common
            .preprocessed
            .as_ref()
            .map(|g| g.matrix_to_instance.clone())
            .unwrap_or_default();
        let rounds = opening_rounds(&tables, &matrix_to_instance);
        let pcs = PcsPlan::new(&rounds, params).map_err(|e| shape_err(e.to_string()))?;
        Ok(Self {
            tables,
            max_message_width,
            num_buses,
            lookup_pow_bits: config.lookup_proof_of_work_bits(),
            ood_pow_bits: config.ood_proof_of_work_bits(),
            seeded,
            batch_shape,
            preprocessed_cap: common.preprocessed.as_ref().map(|g| g.commitment.clone()),
            matrix_to_instance,
            lookups: common.lookups.iter().map(|l| l.to_vec()).collect(),
            pcs,
            params: *params,
        })
    }

    /// The verifying key's preprocessed commitment (its one digest).
    fn preprocessed_commitment(&self) -> Option<[Val; 8]> {
        self.preprocessed_cap.as_ref().and_then(digest)
    }

    fn has_lookups(&self) -> bool {
        self.tables.iter().any(|t| t.lookups > 0)
    }

    /// Reads a proof from the circuit's input stream, in [`StarkShape::proof_inputs`] order.
    pub fn read_proof(&self, b: &mut Builder) -> ProofVars {
        let digest = |b: &mut Builder| -> [Felt; 8] { std::array::from_fn(|_| b.input()) };
        let exts =
            |b: &mut Builder, n: usize| -> Vec<Ext> { (0..n).map(|_| b.input_ext()).collect() };
        let public_values = self
            .tables
            .iter()
            .map(|t| (0..t.num_public).map(|_| b.input()).collect())
            .collect();
        let main_commitment = digest(b);
        let permutation_commitment = self.has_lookups().then(|| digest(b));
        let quotient_commitment = digest(b);
        let terminals = self
            .tables
            .iter()
            .map(|t| (t.lookups > 0).then(|| b.input_ext()))
            .collect();
        let lookup_pow_witness = self.has_lookups().then(|| b.input());
        let ood_pow_witness = b.input();
        let opened = self
            .tables
            .iter()
            .map(|t| {
                let perm = if t.lookups > 0 {
                    (t.lookups + 1) * 4
                } else {
                    0
                };
                OpenedVars {
                    main: [
                        exts(b, t.width),
                        exts(b, if t.main_next { t.width } else { 0 }),
                    ],
                    preprocessed: [
                        exts(b, t.preprocessed_width),
                        exts(
                            b,
                            if t.preprocessed_next {
                                t.preprocessed_width
                            } else {
                                0
                            },
                        ),
                    ],
                    quotient_chunks: (0..t.quotient_domains.len())
                        .map(|_| std::array::from_fn(|_| b.input_ext()))
                        .collect(),
                    permutation: [exts(b, perm), exts(b, perm)],
                }
            })
            .collect();
        let fri = self.pcs.read(b);
        ProofVars {
            public_values,
            main_commitment,
            permutation_commitment,
            quotient_commitment,
            terminals,
            lookup_pow_witness,
            ood_pow_witness,
            opened,
            fri,
        }
    }

    /// The circuit input of `proof` (with its public values), after checking the proof has this shape.
    ///
    /// # Errors
    /// [`VerifyError::Shape`] when the proof's sizes are not the shape's.
    pub fn proof_inputs(
        &self,
        proof: &BatchProof<Poseidon2Config>,
        public_values: &[Vec<Val>],
    ) -> Result<Vec<Block>, VerifyError> {
        let bad = |m: &str| VerifyError::Shape(m.to_string());
        let n = self.tables.len();
        if proof.degree_bits.len() != n
            || proof.opened_values.instances.len() != n
            || proof.lookup_terminals.len() != n
            || public_values.len() != n
        {
            return Err(bad("table count"));
        }
        let mut input = Vec::new();
        let felts =
            |input: &mut Vec<Block>, v: &[Val]| input.extend(v.iter().map(|&x| felt_block(x)));
        let exts =
            |input: &mut Vec<Block>, v: &[Challenge], len: usize| -> Result<(), VerifyError> {
                if v.len() != len {
                    return Err(VerifyError::Shape(format!(
                        "{} opened values, expected {len}",
                        v.len()
                    )));
                }
                input.extend(v.iter().map(|&x| block_of(x)));
                Ok(())
            };
        for (t, pv) in self.tables.iter().zip(public_values) {
            if pv.len() != t.num_public {
                return Err(bad("public value count"));
            }
            felts(&mut input, pv);
        }
        let commitment =
            |c: &MerkleCap<Val, [Val; 8]>| digest(c).ok_or_else(|| bad("empty commitment"));
        felts(&mut input, &commitment(&proof.commitments.main)?);
        match (&proof.commitments.permutation, self.has_lookups()) {
            (Some(c), true) => felts(&mut input, &commitment(c)?),
            (None, false) => {}
            _ => return Err(bad("permutation commitment")),
        }
        felts(&mut input, &commitment(&proof.commitments.quotient_chunks)?);
        for (t, term) in self.tables.iter().zip(&proof.lookup_terminals) {
            match (term, t.lookups > 0) {
                (Some(term), true) => input.push(block_of(term.0)),
                (None, false) => {}
                _ => return Err(bad("lookup terminal")),
            }
        }
        match (proof.lookup_pow_witness, self.has_lookups()) {
            (Some(w), true) => input.push(felt_block(w)),
            (None, false) => {}
            _ => return Err(bad("lookup grinding witness")),
        }
        input.push(felt_block(proof.ood_pow_witness));
        for (t, (o, &bits)) in self
            .tables
            .iter()
            .zip(proof.opened_values.instances.iter().zip(&proof.degree_bits))
        {
            if bits != t.log_n {
                return Err(bad("table size"));
            }
            let base = &o.base_opened_values;
            exts(&mut input, &base.trace_local, t.width)?;
            match (&base.trace_next, t.main_next) {
                (Some(v), true) => exts(&mut input, v, t.width)?,
                (None, false) => {}
                _ => return Err(bad("main next row")),
            }
            match (&base.preprocessed, t.preprocessed_width) {
                (Some(p), w) if w > 0 => {
                    exts(&mut input, &p.local, w)?;
                    match (&p.next, t.preprocessed_next) {
                        (Some(v), true) => exts(&mut input, v, w)?,
                        (None, false) => {}
                        _ => return Err(bad("preprocessed next row")),
                    }
                }
                (None, 0) => {}
                _ => return Err(bad("preprocessed values")),
            }
            if base.quotient_chunks.len() != t.quotient_domains.len() {
                return Err(bad("quotient chunk count"));
            }
            for chunk in &base.quotient_chunks {
                exts(&mut input, chunk, 4)?;
            }
            let perm = if t.lookups > 0 {
                (t.lookups + 1) * 4
            } else {
                0
            };
            exts(&mut input, &o.permutation_local, perm)?;
            exts(&mut input, &o.permutation_next, perm)?;
        }
        let fri = catch_unwind(AssertUnwindSafe(|| self.fri_inputs(proof, public_values)))
            .map_err(|_| VerifyError::Stark("the opening proof does not replay".into()))??;
        input.extend(fri);
        Ok(input)
    }

    /// The opening proof's part of the circuit input: Plonky3's transcript is replayed natively for the query
    /// indices, then each query's full Merkle paths are restored from the pruned multi-paths (the circuit checks
    /// every path against its commitment).
    pub(crate) fn fri_inputs(
        &self,
        proof: &BatchProof<Poseidon2Config>,
        public_values: &[Vec<Val>],
    ) -> Result<Vec<Block>, VerifyError> {
        let stark = |e: String| VerifyError::Stark(e);
        let config = poseidon2_config(&self.params);
        let fri_proof = &proof.opening_proof;
        let mut ch = config.initialise_challenger();
        let mut t =
            BatchVerifierTranscript::<_, Val, Challenge, _>::new(&mut ch, self.batch_shape.clone());
        t.instance_bindings(&proof.degree_bits);
        t.main_phase(proof.commitments.main.clone(), public_values);
        t.preprocessed_phase(self.preprocessed_cap.clone());
        t.lookup_phase(&self.lookups, &LogUpGadget::new(), proof.lookup_pow_witness)
            .map_err(|e| stark(e.to_string()))?;
        let terminals: Vec<Challenge> = proof
            .lookup_terminals
            .iter()
            .flatten()
            .map(|t| t.0)
            .collect();
        let _constraint_alpha =
            t.permutation_phase(proof.commitments.permutation.clone(), &terminals);
        t.quotient_phase(proof.commitments.quotient_chunks.clone(), None);
        let zeta = t
            .ood_phase(proof.ood_pow_witness)
            .map_err(|e| stark(e.to_string()))?;
        let claims = self.native_claims(proof, zeta)?;
        let (alpha, betas, indices) = t
            .delegate(|ch| {
                let mut pt =
                    PcsVerifierTranscript::<_, Val, Challenge>::new(ch, self.pcs.pcs_shape.clone());
                pt.claimed_openings(&claims).map_err(|e| e.to_string())?;
                let alpha = pt
                    .batch_phase(Some(fri_proof.batch_pow_witness))
                    .map_err(|e| e.to_string())?;
                let r = pt.delegate(|ch| {
                    let mut ft = FriVerifierTranscript::<_, Val, Challenge>::new(
                        ch,
                        self.pcs.fri_shape.clone(),
                    );
                    let betas = ft
                        .commit_rounds(
                            &fri_proof.commit_phase_commits,
                            &fri_proof.commit_pow_witnesses,
                        )
                        .map_err(|e| e.to_string())?;
                    let indices = ft
                        .query_phase(&fri_proof.final_poly, Some(fri_proof.query_pow_witness))
                        .map_err(|e| e.to_string())?;
                    ft.finish();
                    Ok::<_, String>((betas, indices))
                });
                pt.finish();
                r.map(|(betas, indices)| (alpha, betas, indices))
            })
            .map_err(stark)?;
        t.finish();

        let perm = default_babybear_poseidon2_16();
        let mmcs = ValMmcs::new(
            PaddingFreeSponge::new(perm.clone()),
            TruncatedPermutation::new(perm),
            0,
        );
        let fri_params = FriParameters {
            log_blowup: self.params.log_blowup,
            log_final_poly_len: self.params.log_final_poly_len,
            max_log_arity: self.params.max_log_arity,
            num_queries: self.params.num_queries,
            batch_proof_of_work_bits: 0,
            commit_proof_of_work_bits: self.params.commit_pow_bits,
            query_proof_of_work_bits: self.params.query_pow_bits,
            mmcs: ChallengeMmcs::new(mmcs.clone()),
        };
        let reduced = open_inputs(
            &fri_params,
            self.pcs.log_max_height,
            &indices,
            &fri_proof.input_openings,
            alpha,
            &mmcs,
            &claims,
        )
        .map_err(|e| stark(format!("{e:?}")))?;
        let layers = self.pcs.num_layers();
        let log_arities = self.pcs.fri_shape.log_arities.clone();
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); layers];
        let mut rows: Vec<Vec<Vec<Vec<Challenge>>>> = vec![Vec::new(); layers];
        let folding: TwoAdicFriFoldingForMmcs<Val, ValMmcs> = TwoAdicFriFolding(PhantomData);
        for (q, (&index, ro)) in indices.iter().zip(reduced).enumerate() {
            let mut domain_index = index;
            // The folded value is the circuit's to check against the final polynomial.
            let _folded = fold_query::<_, Val, Challenge, ChallengeMmcs>(
                &folding,
                q,
                &mut domain_index,
                &betas,
                &log_arities,
                &fri_proof.commit_phase_openings,
                ro,
                self.pcs.log_max_height,
                self.params.log_blowup + self.params.log_final_poly_len,
                &mut groups,
                &mut rows,
            )
            .map_err(|e| stark(format!("{e:?}")))?;
        }

        // Full paths per query: input commitments, then FRI layers.
        let mut input_paths = Vec::with_capacity(claims.len());
        for ((claim, opening), mats) in claims
            .iter()
            .zip(&fri_proof.input_openings)
            .zip(&self.pcs.rounds)
        {
            let depth = self.pcs.round_log_height(mats);
            let dims: Vec<Dimensions> = claim
                .matrices
                .iter()
                .map(|m| Dimensions {
                    width: m.points.first().map_or(0, |p| p.values.len()),
                    height: m.domain.size() << self.params.log_blowup,
                })
                .collect();
            let reduced: Vec<usize> = indices
                .iter()
                .map(|&i| i >> (self.pcs.log_max_height - depth))
                .collect();
            let paths = mmcs
                .restore_and_recompute_paths(
                    &dims,
                    &reduced,
                    &opening.opened_values,
                    &opening.opening_proof,
                )
                .map_err(|e| stark(format!("{e:?}")))?;
            input_paths.push(paths);
        }
        let mut layer_paths = Vec::with_capacity(layers);
        let mut log_height = self.pcs.log_max_height;
        for (r, step) in fri_proof.commit_phase_openings.iter().enumerate() {
            log_height -= log_arities[r];
            let dims = [Dimensions {
                width: (1 << log_arities[r]) * 4,
                height: 1 << log_height,
            }];
            let flat: Vec<Vec<Vec<Val>>> = rows[r]
                .iter()
                .map(|m| {
                    m.iter()
                        .map(|row| Challenge::flatten_to_base(row.clone()))
                        .collect()
                })
                .collect();
            let paths = mmcs
                .restore_and_recompute_paths(&dims, &groups[r], &flat, &step.opening_proof)
                .map_err(|e| stark(format!("{e:?}")))?;
            layer_paths.push(paths);
        }

        let mut out = Vec::new();
        out.push(felt_block(fri_proof.batch_pow_witness));
        for (c, &w) in fri_proof
            .commit_phase_commits
            .iter()
            .zip(&fri_proof.commit_pow_witnesses)
        {
            let d = digest(c).ok_or_else(|| VerifyError::Shape("empty FRI commitment".into()))?;
            out.extend(d.iter().map(|&v| felt_block(v)));
            out.push(felt_block(w));
        }
        out.extend(fri_proof.final_poly.iter().map(|&c| block_of(c)));
        out.push(felt_block(fri_proof.query_pow_witness));
        for q in 0..indices.len() {
            for (opening, paths) in fri_proof.input_openings.iter().zip(&input_paths) {
                for row in &opening.opened_values[q] {
                    out.extend(row.iter().map(|&v| felt_block(v)));
                }
                for s in &paths[q].siblings {
                    out.extend(s.iter().map(|&v| felt_block(v)));
                }
            }
            for (step, paths) in fri_proof.commit_phase_openings.iter().zip(&layer_paths) {
                out.extend(step.sibling_values[q].iter().map(|&v| block_of(v)));
                for s in &paths[q].siblings {
                    out.extend(s.iter().map(|&v| felt_block(v)));
                }
            }
        }
        Ok(out)
    }

    /// The opening claims as Plonky3's verifier builds them (native values, for the replay).
    pub(crate) fn native_claims(
        &self,
        proof: &BatchProof<Poseidon2Config>,
        zeta: Challenge,
    ) -> Result<Vec<NativeClaim>, VerifyError> {
        let bad = || VerifyError::Shape("opened values".into());
        let domain = |log_n: usize| Domain::new(Val::ONE, log_n).ok_or_else(bad);
        let next = |log_n: usize| zeta * Val::two_adic_generator(log_n);
        let point = |point: Challenge, values: &[Challenge]| PointOpening {
            point,
            values: values.to_vec(),
        };
        let inst = &proof.opened_values.instances;
        let mut rounds = Vec::new();
        let mut main = Vec::new();
        for (t, o) in self.tables.iter().zip(inst) {
            let b = &o.base_opened_values;
            let mut points = vec![point(zeta, &b.trace_local)];
            if let Some(n) = &b.trace_next {
                points.push(point(next(t.log_n), n));
            }
            main.push(MatrixOpening {
                domain: domain(t.log_n)?,
                points,
            });
        }
        rounds.push(CommitmentOpening {
            commitment: proof.commitments.main.clone(),
            matrices: main,
        });
        let mut quotient = Vec::new();
        for (t, o) in self.tables.iter().zip(inst) {
            for chunk in &o.base_opened_values.quotient_chunks {
                quotient.push(MatrixOpening {
                    domain: domain(t.log_n)?,
                    points: vec![point(zeta, chunk)],
                });
            }
        }
        rounds.push(CommitmentOpening {
            commitment: proof.commitments.quotient_chunks.clone(),
            matrices: quotient,
        });
        if let Some(cap) = &self.preprocessed_cap {
            let mut mats = Vec::new();
            for &i in &self.matrix_to_instance {
                let t = &self.tables[i];
                let pre = inst
                    .get(i)
                    .and_then(|o| o.base_opened_values.preprocessed.as_ref())
                    .ok_or_else(bad)?;
                let mut points = vec![point(zeta, &pre.local)];
                if let Some(n) = &pre.next {
                    points.push(point(next(t.log_n), n));
                }
                mats.push(MatrixOpening {
                    domain: domain(t.log_n)?,
                    points,
                });
            }
            rounds.push(CommitmentOpening {
                commitment: cap.clone(),
                matrices: mats,
            });
        }
        if let Some(c) = &proof.commitments.permutation {
            let mut mats = Vec::new();
            for (t, o) in self.tables.iter().zip(inst) {
                if t.lookups > 0 {
                    mats.push(MatrixOpening {
                        domain: domain(t.log_n)?,
                        points: vec![
                            point(zeta, &o.permutation_local),
                            point(next(t.log_n), &o.permutation_next),
                        ],
                    });
                }
            }
            rounds.push(CommitmentOpening {
                commitment: c.clone(),
                matrices: mats,
            });
        }
        Ok(rounds)
    }

    /// The recursion program that verifies one proof of this shape (read from its input, in
    /// [`StarkShape::proof_inputs`] order) and publishes the proof's public values, every table's in order. Its
    /// digest binds the inner proof's tables and verifying key.
    ///
    /// # Errors
    /// [`VerifyError::Shape`] when the tables cannot be put in a circuit.
    pub fn verifier_program(&self) -> Result<Program, VerifyError> {
        let mut b = Builder::new();
        let vars = self.read_proof(&mut b);
        self.verify(&mut b, &vars)
            .map_err(|e| VerifyError::Shape(e.to_string()))?;
        for &v in vars.public_values.iter().flatten() {
            b.public(v);
        }
        b.build().map_err(|e| VerifyError::Shape(e.to_string()))
    }

    /// Verifies the proof `p` in the circuit: the whole of Plonky3's `verify_batch` for this shape. Returns the
    /// challenges drawn.
    ///
    /// # Errors
    /// [`ConstraintError`] when a table's constraints read values the proof does not carry.
    pub fn verify(&self, b: &mut Builder, p: &ProofVars) -> Result<Drawn, ConstraintError> {
        let (drawn, mut ch) = self.verify_algebra(b, p)?;
        let claims = self.claims(b, p, drawn.zeta);
        self.pcs.verify(b, &mut ch, &claims, &p.fri);
        Ok(drawn)
    }

    /// The commitments and the values claimed at `zeta` (and `zeta · g`), in Plonky3's opening order.
    fn claims(&self, b: &mut Builder, p: &ProofVars, zeta: Ext) -> Vec<RoundClaim> {
        let next = |b: &mut Builder, log_n: usize| -> Ext {
            let g = b.constant(Val::two_adic_generator(log_n));
            b.mul_ext(zeta, g)
        };
        let mut rounds = Vec::new();
        let mut main = Vec::new();
        for (t, o) in self.tables.iter().zip(&p.opened) {
            let mut points = vec![(zeta, o.main[0].clone())];
            if t.main_next {
                points.push((next(b, t.log_n), o.main[1].clone()));
            }
            main.push(MatrixClaim {
                log_height: t.log_n,
                points,
            });
        }
        rounds.push(RoundClaim {
            commitment: p.main_commitment,
            matrices: main,
        });
        let mut quotient = Vec::new();
        for (t, o) in self.tables.iter().zip(&p.opened) {
            for chunk in &o.quotient_chunks {
                quotient.push(MatrixClaim {
                    log_height: t.log_n,
                    points: vec![(zeta, chunk.to_vec())],
                });
            }
        }
        rounds.push(RoundClaim {
            commitment: p.quotient_commitment,
            matrices: quotient,
        });
        if let Some(c) = self.preprocessed_commitment() {
            let matrices = self
                .matrix_to_instance
                .iter()
                .map(|&i| {
                    let (t, o) = (&self.tables[i], &p.opened[i]);
                    let mut points = vec![(zeta, o.preprocessed[0].clone())];
                    if t.preprocessed_next {
                        points.push((next(b, t.log_n), o.preprocessed[1].clone()));
                    }
                    MatrixClaim {
                        log_height: t.log_n,
                        points,
                    }
                })
                .collect();
            rounds.push(RoundClaim {
                commitment: c.map(|v| b.constant(v)),
                matrices,
            });
        }
        if let Some(c) = p.permutation_commitment {
            let mut matrices = Vec::new();
            for (t, o) in self.tables.iter().zip(&p.opened) {
                if t.lookups > 0 {
                    let zn = next(b, t.log_n);
                    matrices.push(MatrixClaim {
                        log_height: t.log_n,
                        points: vec![
                            (zeta, o.permutation[0].clone()),
                            (zn, o.permutation[1].clone()),
                        ],
                    });
                }
            }
            rounds.push(RoundClaim {
                commitment: c,
                matrices,
            });
        }
        rounds
    }

    fn verify_algebra(
        &self,
        b: &mut Builder,
        p: &ProofVars,
    ) -> Result<(Drawn, CircuitChallenger), ConstraintError> {
        let mut ch = CircuitChallenger::from_state(
            b,
            &self.seeded.sponge_state,
            &self.seeded.input_buffer,
            &self.seeded.output_buffer,
        );
        for t in &self.tables {
            let bits = b.constant(Val::from_usize(t.log_n));
            let zero = b.constant(Val::ZERO);
            ch.observe_slice(b, &[bits, zero, zero, zero]);
        }
        ch.observe_slice(b, &p.main_commitment);
        for pv in &p.public_values {
            ch.observe_slice(b, pv);
        }
        if let Some(c) = self.preprocessed_commitment() {
            let c = c.map(|v| b.constant(v));
            ch.observe_slice(b, &c);
        }
        let lookup = match p.lookup_pow_witness {
            Some(w) => {
                if self.lookup_pow_bits == 0 {
                    let zero = b.constant(Val::ZERO);
                    b.assert_eq(w, zero);
                }
                ch.check_witness(b, self.lookup_pow_bits, w);
                let alpha = ch.sample_ext(b);
                let beta = ch.sample_ext(b);
                Some((alpha, beta))
            }
            None => None,
        };
        if let Some(c) = &p.permutation_commitment {
            ch.observe_slice(b, c);
        }
        for &t in p.terminals.iter().flatten() {
            ch.observe_ext(b, t);
        }
        let alpha = ch.sample_ext(b);
        ch.observe_slice(b, &p.quotient_commitment);
        if self.ood_pow_bits == 0 {
            let zero = b.constant(Val::ZERO);
            b.assert_eq(p.ood_pow_witness, zero);
        }
        ch.check_witness(b, self.ood_pow_bits, p.ood_pow_witness);
        let zeta = ch.sample_ext(b);

        // Bus prefixes: alpha + (k + 1) · beta^w for bus k.
        let prefixes: Vec<Ext> = match lookup {
            Some((la, lb)) => {
                let mut gamma = lb;
                for _ in 1..self.max_message_width {
                    gamma = b.mul_ext(gamma, lb);
                }
                let mut prefix = la;
                (0..self.num_buses)
                    .map(|_| {
                        prefix = b.add_ext(prefix, gamma);
                        prefix
                    })
                    .collect()
            }
            None => Vec::new(),
        };

        // Tables of one size share their selectors at zeta.
        let mut selectors = std::collections::BTreeMap::new();
        for (i, (t, o)) in self.tables.iter().zip(&p.opened).enumerate() {
            let (first, last, transition, z_h) = *selectors
                .entry(t.log_n)
                .or_insert_with(|| crate::constraints::selectors(b, zeta, t.log_n));
            let quotient = self.quotient_at(b, t, &o.quotient_chunks, zeta);
            let perm_ext = |b: &mut Builder, flat: &[Ext]| -> Vec<Ext> {
                flat.chunks_exact(4)
                    .map(|c| b.ext_from_coefficients([c[0], c[1], c[2], c[3]]))
                    .collect()
            };
            let challenges = match lookup {
                Some((_, beta)) => t
                    .buses
                    .iter()
                    .flat_map(|&bus| [prefixes[bus], beta])
                    .collect(),
                None => Vec::new(),
            };
            let at = OpenedRow {
                main: o.main.clone(),
                preprocessed: o.preprocessed.clone(),
                permutation: [
                    perm_ext(b, &o.permutation[0]),
                    perm_ext(b, &o.permutation[1]),
                ],
                challenges,
                permutation_values: p.terminals[i].into_iter().collect(),
                public_values: p.public_values[i].clone(),
                is_first_row: Some(first),
                is_last_row: Some(last),
                is_transition: Some(transition),
            };
            let folded = fold_constraints(b, &t.constraints, &at, alpha)?;
            let expected = b.mul_ext(quotient, z_h);
            b.assert_eq_ext(folded, expected);
        }
        // LogUp: the terminals of all tables sum to zero.
        if let Some(&first) = p.terminals.iter().flatten().next() {
            let mut sum = first;
            for &t in p.terminals.iter().flatten().skip(1) {
                sum = b.add_ext(sum, t);
            }
            let zero = b.constant(Val::ZERO);
            b.assert_eq_ext(sum, zero);
        }
        Ok((
            Drawn {
                lookup,
                alpha,
                zeta,
            },
            ch,
        ))
    }

    /// `Σ_i zp_i(zeta) · chunk_i(zeta)` with `zp_i = Π_{j≠i} Z_j(zeta) / Z_j(first point of chunk i)`, as
    /// Plonky3's `recompose_quotient_from_chunks`.
    fn quotient_at(&self, b: &mut Builder, t: &Table, chunks: &[[Ext; 4]], zeta: Ext) -> Ext {
        let one = b.constant(Val::ONE);
        let vanishing: Vec<Ext> = t
            .quotient_domains
            .iter()
            .map(|d| {
                let s = b.constant(d.shift_inverse());
                let x = b.mul_ext(zeta, s);
                let x = b.exp_power_of_2(x, d.log_size());
                b.sub_ext(x, one)
            })
            .collect();
        let mut acc: Option<Ext> = None;
        for (i, (d, chunk)) in t.quotient_domains.iter().zip(chunks).enumerate() {
            let mut zp: Ext = one.into();
            for (j, other) in t.quotient_domains.iter().enumerate() {
                if j == i {
                    continue;
                }
                let c = other
                    .vanishing_poly_at_point(Challenge::from(d.first_point()))
                    .inverse();
                let c = b.constant_ext(c);
                let f = b.mul_ext(vanishing[j], c);
                zp = b.mul_ext(zp, f);
            }
            let value = b.ext_from_coefficients(*chunk);
            let term = b.mul_ext(zp, value);
            acc = Some(match acc {
                Some(a) => b.add_ext(a, term),
                None => term,
            });
        }
        acc.unwrap_or_else(|| b.constant(Val::ZERO).into())
    }
}

/// `(log domain size, width, points)` of every opened matrix, per commitment, in Plonky3's order: main traces,
/// quotient chunks, preprocessed traces, LogUp traces.
fn opening_rounds(
    tables: &[Table],
    matrix_to_instance: &[usize],
) -> Vec<Vec<(usize, usize, usize)>> {
    let mut rounds = vec![
        tables
            .iter()
            .map(|t| (t.log_n, t.width, 1 + usize::from(t.main_next)))
            .collect(),
        tables
            .iter()
            .flat_map(|t| t.quotient_domains.iter().map(move |_| (t.log_n, 4, 1)))
            .collect(),
    ];
    if !matrix_to_instance.is_empty() {
        rounds.push(
            matrix_to_instance
                .iter()
                .map(|&i| {
                    let t = &tables[i];
                    (
                        t.log_n,
                        t.preprocessed_width,
                        1 + usize::from(t.preprocessed_next),
                    )
                })
                .collect(),
        );
    }
    if tables.iter().any(|t| t.lookups > 0) {
        rounds.push(
            tables
                .iter()
                .filter(|t| t.lookups > 0)
                .map(|t| (t.log_n, (t.lookups + 1) * 4, 2))
                .collect(),
        );
    }
    rounds
}
