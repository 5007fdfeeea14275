//! Plonky3 batch-STARK verification in the circuit: the transcript, the lookup challenges, every table's
//! constraints at the out-of-domain point against its quotient, and the LogUp terminal sum.
//!
//! Not yet here: the opening argument (FRI and the Merkle openings of every commitment). Until it is, a circuit
//! built with [`StarkShape::verify_algebra`] checks that the opened values satisfy the AIRs but not that they
//! are the committed polynomials' values: it is a building block, not a sound verifier.

use ferrum_zkvm::{Poseidon2Config, SecurityParams, poseidon2_config};
use p3_air::symbolic::AirLayout;
use p3_air::{Air, BaseAir};
use p3_batch_stark::symbolic::get_log_num_quotient_chunks_for_domain;
use p3_batch_stark::{BatchProof, BatchShape, CommonData};
use p3_challenger::DuplexChallenger;
use p3_commit::PolynomialSpace;
use p3_field::{Field, PrimeCharacteristicRing};
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{InteractionSymbolicBuilder, Kind};
use p3_uni_stark::StarkGenericConfig;

use crate::builder::{Builder, Ext, Felt};
use crate::challenger::CircuitChallenger;
use crate::constraints::{ConstraintError, OpenedRow, SymbolicConstraints, fold_constraints};
use crate::error::VerifyError;
use crate::program::{Block, Challenge, Val, block_of, felt_block};

type Domain = p3_field::coset::TwoAdicMultiplicativeCoset<Val>;

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
    preprocessed_commitment: Option<[Val; 8]>,
    max_message_width: usize,
    num_buses: usize,
    lookup_pow_bits: usize,
    ood_pow_bits: usize,
    seeded: DuplexChallenger<Val, ferrum_zkvm::Poseidon2Perm, 16, 8>,
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

fn digest(c: &p3_symmetric::MerkleCap<Val, [Val; 8]>) -> Option<[Val; 8]> {
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
        let mut bus_of_name: Vec<(String, usize)> = Vec::new();
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
            let mut buses = Vec::with_capacity(lookups.len());
            for l in lookups.iter() {
                let width = l.elements.iter().map(Vec::len).max().unwrap_or(0);
                max_message_width = max_message_width.max(width);
                let id = match &l.kind {
                    Kind::Global(name) => match bus_of_name.iter().find(|(n, _)| n == name) {
                        Some(&(_, id)) => id,
                        None => {
                            bus_of_name.push((name.clone(), num_buses));
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
            .domain_separator::<Val, Challenge>()
            .seed(&mut seeded);
        Ok(Self {
            tables,
            preprocessed_commitment: common
                .preprocessed
                .as_ref()
                .and_then(|g| digest(&g.commitment)),
            max_message_width,
            num_buses,
            lookup_pow_bits: config.lookup_proof_of_work_bits(),
            ood_pow_bits: config.ood_proof_of_work_bits(),
            seeded,
        })
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
        ProofVars {
            public_values,
            main_commitment,
            permutation_commitment,
            quotient_commitment,
            terminals,
            lookup_pow_witness,
            ood_pow_witness,
            opened,
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
        let commitment = |c: &p3_symmetric::MerkleCap<Val, [Val; 8]>| {
            digest(c).ok_or_else(|| bad("empty commitment"))
        };
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
        Ok(input)
    }

    /// Replays the transcript up to `zeta` and checks every table's constraints against its quotient at `zeta`
    /// and that the LogUp terminals sum to zero. The opening argument is NOT checked (see the module docs).
    ///
    /// # Errors
    /// [`ConstraintError`] when a table's constraints read values the proof does not carry.
    pub fn verify_algebra(&self, b: &mut Builder, p: &ProofVars) -> Result<Drawn, ConstraintError> {
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
        if let Some(c) = self.preprocessed_commitment {
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

        for (i, (t, o)) in self.tables.iter().zip(&p.opened).enumerate() {
            let (first, last, transition, z_h) = crate::constraints::selectors(b, zeta, t.log_n);
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
        Ok(Drawn {
            lookup,
            alpha,
            zeta,
        })
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
