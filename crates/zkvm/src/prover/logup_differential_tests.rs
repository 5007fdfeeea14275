//! Ferrum's LogUp fraction constraint against upstream's (issue #14).
//!
//! `vendor/p3-lookup` rewrites `LogUpGadget::eval_fraction`, the constraint `U * f - V = 0` that
//! pins each LogUp fraction column, for speed (`vendor/p3-lookup/FERRUM.md`). The prover's
//! quotient and the verifier's out-of-domain check both evaluate it, so it must give upstream's
//! value on every row, honest or not. These tests evaluate it both ways, the patched
//! `LogUpGadget::eval_fraction` and upstream's original code kept verbatim in
//! `p3_lookup::upstream` (feature `upstream-reference`), and require identical results:
//!
//! - the constraint values, over concrete rows: honest rows of a real run with their real LogUp
//!   trace (both must be zero there), honest rows with random LogUp cells and challenges, and rows
//!   of random values, in the base field (as the prover's quotient evaluates them on the trace
//!   domain) and in the extension BabyBear^4 (as the verifier evaluates them at the
//!   out-of-domain point);
//! - the degrees of the symbolic constraints, from which prover and verifier size the quotient.
//!
//! The lookups are every AIR's, gathered the way `p3-batch-stark` gathers them: one column per
//! interaction (`Lookups::from_air`) and the columns the proof really has (same-bus interactions
//! packed together, from `ProverData::from_instances` as `prove_segment` builds it), plus a few
//! synthetic columns built from each AIR's tuples for the shapes no zkVM AIR emits: three or more
//! tuples in one column, tuples wider than 16 fields, exclusive (flagged) columns, and empty ones.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use p3_air::symbolic::{AirLayout, SymbolicExpression};
use p3_air::{AirBuilder, ExtensionBuilder, PermutationAirBuilder, RowWindow};
use p3_batch_stark::ProverData;
use p3_field::{Algebra, BasedVectorSpace, PrimeCharacteristicRing, PrimeField32};
use p3_lookup::upstream::upstream_eval_fraction;
use p3_lookup::{InteractionSymbolicBuilder, Kind, LogUpGadget, Lookup, LookupProtocol, Lookups};
use p3_matrix::Matrix;
use p3_matrix::dense::RowMajorMatrix;

use super::config::{Challenge, blake3::config};
use super::test_runs::{BUSY_INPUT, HonestRun, busy_program, honest_run};
use super::*;

/// Honest rows sampled per table (the first two, the last, and random others).
const HONEST_ROWS: usize = 32;
/// Rows of random values per table, in the base field and again in the extension.
const RANDOM_ROWS: usize = 32;

/// splitmix64: deterministic field elements for the tests.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn val(&mut self) -> Val {
        Val::from_u64(self.next_u64() % u64::from(Val::ORDER_U32))
    }

    fn challenge(&mut self) -> Challenge {
        Challenge::from_basis_coefficients_fn(|_| self.val())
    }

    fn challenges(&mut self, n: usize) -> Vec<Challenge> {
        (0..n).map(|_| self.challenge()).collect()
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// What a trace cell holds on the row being evaluated: a base-field value (the prover's
/// quotient, on the trace domain) or an extension value (the verifier, at the out-of-domain
/// point).
trait Cell: Algebra<Val> + Copy + Send + Sync + Into<Challenge> {
    fn random(rng: &mut Rng) -> Self;
}

impl Cell for Val {
    fn random(rng: &mut Rng) -> Self {
        rng.val()
    }
}

impl Cell for Challenge {
    fn random(rng: &mut Rng) -> Self {
        rng.challenge()
    }
}

/// One row pair and the LogUp inputs the constraint reads.
struct Row<E> {
    main: [Vec<E>; 2],
    prep: [Vec<E>; 2],
    public: Vec<Val>,
    /// `is_first_row`, `is_last_row`, `is_transition`.
    selectors: [E; 3],
    /// The LogUp (permutation) trace's two rows: the accumulator, then one fraction per lookup.
    perm: [Vec<Challenge>; 2],
    /// `alpha, beta` for every lookup column.
    challenges: Vec<Challenge>,
    terminal: [Challenge; 1],
}

/// Evaluates constraints on one concrete row pair and records the value of every constraint
/// asserted, in order (base-field ones lifted into the extension).
struct Recorder<'a, E> {
    main: RowWindow<'a, E>,
    prep: RowWindow<'a, E>,
    public: &'a [Val],
    selectors: [E; 3],
    perm: RowWindow<'a, Challenge>,
    challenges: &'a [Challenge],
    terminal: &'a [Challenge],
    values: Vec<Challenge>,
}

impl<'a, E: Cell> Recorder<'a, E> {
    fn new(row: &'a Row<E>) -> Self {
        Self {
            main: RowWindow::from_two_rows(&row.main[0], &row.main[1]),
            prep: RowWindow::from_two_rows(&row.prep[0], &row.prep[1]),
            public: &row.public,
            selectors: row.selectors,
            perm: RowWindow::from_two_rows(&row.perm[0], &row.perm[1]),
            challenges: &row.challenges,
            terminal: &row.terminal,
            values: Vec::new(),
        }
    }
}

impl<'a, E: Cell> AirBuilder for Recorder<'a, E> {
    type F = Val;
    type Expr = E;
    type Var = E;
    type PreprocessedWindow = RowWindow<'a, E>;
    type MainWindow = RowWindow<'a, E>;
    type PublicVar = Val;
    type PeriodicVar = E;

    fn main(&self) -> Self::MainWindow {
        self.main
    }
    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        &self.prep
    }
    fn is_first_row(&self) -> E {
        self.selectors[0]
    }
    fn is_last_row(&self) -> E {
        self.selectors[1]
    }
    fn is_transition(&self) -> E {
        self.selectors[2]
    }
    fn assert_zero<I: Into<E>>(&mut self, x: I) {
        self.values.push(x.into().into());
    }
    fn public_values(&self) -> &[Val] {
        self.public
    }
}

impl<E: Cell> ExtensionBuilder for Recorder<'_, E>
where
    Challenge: Algebra<E>,
{
    type EF = Challenge;
    type ExprEF = Challenge;
    type VarEF = Challenge;

    fn assert_zero_ext<I: Into<Challenge>>(&mut self, x: I) {
        self.values.push(x.into());
    }
}

impl<'a, E: Cell> PermutationAirBuilder for Recorder<'a, E>
where
    Challenge: Algebra<E>,
{
    type MP = RowWindow<'a, Challenge>;
    type RandomVar = Challenge;
    type PermutationVar = Challenge;

    fn permutation(&self) -> Self::MP {
        self.perm
    }
    fn permutation_randomness(&self) -> &[Challenge] {
        self.challenges
    }
    fn permutation_values(&self) -> &[Challenge] {
        self.terminal
    }
}

/// One table of the zkVM: its AIR, honest main trace and public values, and its lookups.
struct Table {
    name: &'static str,
    air: ZkvmAir,
    main: RowMajorMatrix<Val>,
    public: Vec<Val>,
    /// The lookup sets to compare on: `(what, lookups)`.
    lookups: Vec<(&'static str, Vec<Lookup<Val>>)>,
}

const fn table_name(air: &ZkvmAir) -> &'static str {
    air.name()
}

/// Every table of the zkVM for one run (the ten of a halting segment, and the final-state table
/// a non-halting one adds), with their lookups gathered as `p3-batch-stark` gathers them.
fn tables() -> Vec<Table> {
    let HonestRun {
        mut airs,
        traces,
        state_out,
        mut pvs,
    } = honest_run(&busy_program(), BUSY_INPUT);
    airs.push(final_table(&state_out));
    pvs.push(Vec::new());
    let mains: Vec<RowMajorMatrix<Val>> = airs
        .iter()
        .map(|a| match a {
            ZkvmAir::Final(m) => RowMajorMatrix::new(vec![Val::ZERO; m.height()], 1),
            a => traces.matrix(a).unwrap().clone(),
        })
        .collect();

    // The columns the proof has: what `prove_segment` and `verify_segment` hand to
    // `p3-batch-stark`, which packs same-bus interactions into shared columns.
    let config = config(&FAST_TEST);
    let instances = instances(&config, &airs, &mains, &pvs);
    let data = ProverData::from_instances(&config, &instances).unwrap();
    let packed = data.common.lookups;
    assert_eq!(packed.len(), airs.len());

    airs.into_iter()
        .zip(mains)
        .zip(pvs)
        .zip(packed)
        .map(|(((air, main), public), packed)| {
            // One column per interaction, before packing.
            let unpacked = Lookups::<Val>::from_air::<Challenge, ZkvmAir>(&air).to_vec();
            let synthetic = synthetic(&unpacked);
            Table {
                name: table_name(&air),
                air,
                main,
                public,
                lookups: vec![
                    ("unpacked", unpacked),
                    ("packed", packed.to_vec()),
                    ("synthetic", synthetic),
                ],
            }
        })
        .collect()
}

/// Columns of shapes the zkVM's AIRs do not emit, made from one AIR's interactions (`lookups`,
/// one column each): every tuple in one additive column (the general path, three or more
/// tuples, mixed widths), the first three tuples, one and two tuples of at least 20 fields
/// (powers of beta past the 16 kept on the stack), exclusive columns of one, two and every
/// tuple (each tuple's multiplicity also serving as its flag), and the degenerate columns with
/// no tuple and with one empty tuple.
fn synthetic(lookups: &[Lookup<Val>]) -> Vec<Lookup<Val>> {
    type Tuple = (Vec<SymbolicExpression<Val>>, SymbolicExpression<Val>);
    let tuples: Vec<Tuple> = lookups
        .iter()
        .flat_map(|l| {
            l.elements
                .iter()
                .cloned()
                .zip(l.multiplicities.iter().cloned())
        })
        .collect();
    let additive = |ts: &[Tuple]| Lookup {
        kind: Kind::Local,
        elements: ts.iter().map(|t| t.0.clone()).collect(),
        multiplicities: ts.iter().map(|t| t.1.clone()).collect(),
        count_weight: 0,
        column: 0,
        flags: None,
    };
    let exclusive = |ts: &[Tuple]| Lookup {
        flags: Some(ts.iter().map(|t| t.1.clone()).collect()),
        kind: Kind::Global("synthetic".into()),
        ..additive(ts)
    };
    let mut out = vec![
        additive(&[]),
        additive(&[(Vec::new(), SymbolicExpression::<Val>::ONE)]),
    ];
    if !tuples.is_empty() {
        let fields: Vec<SymbolicExpression<Val>> =
            tuples.iter().flat_map(|t| t.0.clone()).collect();
        let wide: Vec<SymbolicExpression<Val>> = fields
            .iter()
            .cycle()
            .take(fields.len().max(20))
            .cloned()
            .collect();
        let mut reversed = wide.clone();
        reversed.reverse();
        let wide = [
            (wide, tuples[0].1.clone()),
            (reversed, tuples[tuples.len() - 1].1.clone()),
        ];
        out.extend([
            additive(&tuples),
            additive(&tuples[..tuples.len().min(3)]),
            additive(&wide[..1]),
            additive(&wide),
            exclusive(&tuples[..1]),
            exclusive(&tuples[..tuples.len().min(2)]),
            exclusive(&tuples),
            exclusive(&wide),
        ]);
    }
    for (i, l) in out.iter_mut().enumerate() {
        l.column = i;
    }
    out
}

/// Rows `r` and `r + 1` (wrapping) of `m`, lifted into the cell type.
fn two_rows<E: Cell>(m: &RowMajorMatrix<Val>, r: usize) -> [Vec<E>; 2] {
    let w = m.width();
    let n = (r + 1) % m.height();
    [r, n].map(|r| {
        m.values[r * w..(r + 1) * w]
            .iter()
            .map(|&v| E::from(v))
            .collect()
    })
}

/// Rows of a table to sample: the first two, the last (it wraps to row 0), and random others.
fn sample_rows(h: usize, rng: &mut Rng) -> Vec<usize> {
    let mut rows = vec![0, 1 % h, h - 1];
    rows.extend((0..HONEST_ROWS - 3).map(|_| rng.below(h)));
    rows
}

/// Row `r` of table `t` (and row `r + 1`), with the given LogUp rows and challenges.
fn honest_row<E: Cell>(
    t: &Table,
    r: usize,
    perm: [Vec<Challenge>; 2],
    challenges: Vec<Challenge>,
    rng: &mut Rng,
) -> Row<E> {
    let h = t.main.height();
    Row {
        main: two_rows(&t.main, r),
        prep: t
            .air
            .preprocessed()
            .map_or([Vec::new(), Vec::new()], |p| two_rows(p, r)),
        public: t.public.clone(),
        selectors: [r == 0, r == h - 1, r != h - 1].map(|b| E::from(Val::from_bool(b))),
        perm,
        challenges,
        terminal: [rng.challenge()],
    }
}

/// A row pair of random values for `t`, with random LogUp rows and challenges for `columns`
/// lookup columns.
fn random_row<E: Cell>(t: &Table, columns: usize, rng: &mut Rng) -> Row<E> {
    let mut cells = |n: usize| (0..n).map(|_| E::random(rng)).collect::<Vec<E>>();
    let main = [cells(t.main.width()), cells(t.main.width())];
    let pw = t.air.preprocessed().map_or(0, |p| p.width());
    let prep = [cells(pw), cells(pw)];
    let selectors = [E::random(rng), E::random(rng), E::random(rng)];
    Row {
        main,
        prep,
        public: (0..t.public.len()).map(|_| rng.val()).collect(),
        selectors,
        perm: [rng.challenges(columns + 1), rng.challenges(columns + 1)],
        challenges: rng.challenges(2 * columns),
        terminal: [rng.challenge()],
    }
}

/// Evaluates every lookup's fraction constraint on `row` with Ferrum's and upstream's code;
/// panics unless both record the same values. Returns the patched values.
fn compare<E: Cell>(what: &str, lookups: &[Lookup<Val>], row: &Row<E>) -> Vec<Challenge>
where
    Challenge: Algebra<E>,
{
    let mut all = Vec::new();
    for lookup in lookups {
        let mut patched = Recorder::new(row);
        LogUpGadget::new().eval_fraction(&mut patched, lookup);
        let mut upstream = Recorder::new(row);
        upstream_eval_fraction(&mut upstream, lookup);
        assert_eq!(patched.values.len(), 1, "{what}: one constraint per lookup");
        assert_eq!(
            patched.values,
            upstream.values,
            "{what}, lookup column {} ({} tuples of widths {:?}, {}): patched and upstream constraint values differ",
            lookup.column,
            lookup.elements.len(),
            lookup.elements.iter().map(Vec::len).collect::<Vec<_>>(),
            if lookup.flags.is_some() {
                "exclusive"
            } else {
                "additive"
            },
        );
        all.extend(patched.values);
    }
    all
}

/// Patched and upstream `eval_fraction` give identical constraint values on honest rows (with
/// the real LogUp trace, where both are zero, and with random LogUp cells) and on rows of random
/// base-field and extension values, for every lookup of every zkVM table.
#[test]
fn patched_logup_constraint_values_equal_upstreams() {
    let mut rng = Rng(0x0014_1095_0fad);
    let (mut zero, mut nonzero, mut zero_rows) = (0usize, 0usize, 0usize);
    // Columns compared, by set and shape.
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    // A row with random LogUp cells gives `U * f - V` with a random `f`: never zero, so a
    // comparison there really compares two evaluations.
    let mut random_cells = |values: Vec<Challenge>| {
        assert!(values.iter().all(|v| *v != Challenge::ZERO));
        nonzero += values.len();
    };
    for t in tables() {
        for (set, lookups) in &t.lookups {
            let columns = lookups.len();
            for l in lookups {
                let kind = if l.flags.is_some() {
                    "exclusive"
                } else {
                    "additive"
                };
                *shapes
                    .entry(format!("{set} {kind} {}", l.elements.len()))
                    .or_default() += 1;
            }
            let what =
                |kind: &str, r: usize| format!("{} table, {set} lookups, {kind} row {r}", t.name);

            // Honest rows with the LogUp trace an honest prover commits (for the real columns,
            // which `generate_permutation` accepts): every constraint is zero, both ways.
            if *set != "synthetic" {
                let challenges = rng.challenges(2 * columns);
                let (perm, _) = LogUpGadget::new().generate_permutation(
                    &t.main,
                    &t.air.preprocessed().cloned(),
                    &t.public,
                    lookups,
                    &challenges,
                );
                for r in sample_rows(t.main.height(), &mut rng) {
                    let row: Row<Val> =
                        honest_row(&t, r, two_rows_ext(&perm, r), challenges.clone(), &mut rng);
                    let values = compare(&what("honest, real LogUp trace,", r), lookups, &row);
                    assert!(
                        values.iter().all(|v| *v == Challenge::ZERO),
                        "{}: an honest row breaks its LogUp constraint",
                        what("honest", r)
                    );
                    zero += values.len();
                    zero_rows += 1;
                }
            }
            // Honest rows, random LogUp cells and challenges: base field, and lifted into the
            // extension as the verifier's arithmetic does.
            for r in sample_rows(t.main.height(), &mut rng) {
                let perm = [rng.challenges(columns + 1), rng.challenges(columns + 1)];
                let challenges = rng.challenges(2 * columns);
                let row: Row<Val> = honest_row(&t, r, perm.clone(), challenges.clone(), &mut rng);
                random_cells(compare(
                    &what("honest, random LogUp cells,", r),
                    lookups,
                    &row,
                ));
                let row: Row<Challenge> = honest_row(&t, r, perm, challenges, &mut rng);
                let what = what("honest (extension), random LogUp cells,", r);
                random_cells(compare(&what, lookups, &row));
            }
            // Rows of random values: base field (invalid trace rows), and extension (the verifier's
            // out-of-domain evaluation).
            for r in 0..RANDOM_ROWS {
                let row: Row<Val> = random_row(&t, columns, &mut rng);
                random_cells(compare(&what("random", r), lookups, &row));
                let row: Row<Challenge> = random_row(&t, columns, &mut rng);
                random_cells(compare(&what("random extension", r), lookups, &row));
            }
        }
    }
    let columns: usize = shapes.values().sum();
    eprintln!(
        "compared {} constraint values ({zero} zero, on {zero_rows} honest rows with their real \
         LogUp trace; {nonzero} non-zero) over {columns} lookup columns of 11 tables; columns by \
         set, kind and tuples: {shapes:?}",
        zero + nonzero
    );
    assert!(
        columns > 100 && zero + nonzero > 10_000,
        "too little was compared"
    );
}

/// Rows `r` and `r + 1` (wrapping) of an extension matrix.
fn two_rows_ext(m: &RowMajorMatrix<Challenge>, r: usize) -> [Vec<Challenge>; 2] {
    let w = m.width();
    let n = (r + 1) % m.height();
    [r, n].map(|r| m.values[r * w..(r + 1) * w].to_vec())
}

/// Patched and upstream `eval_fraction` give symbolic constraints of the same degree (the
/// quotient's size, hence the proof's shape, comes from these).
#[test]
fn patched_logup_constraint_degrees_equal_upstreams() {
    let mut compared = 0;
    for t in tables() {
        for (set, lookups) in &t.lookups {
            let layout = AirLayout {
                permutation_width: lookups.len() + 1,
                num_permutation_challenges: 2 * lookups.len(),
                num_permutation_values: 1,
                ..AirLayout::from_air::<Val>(&t.air)
            };
            for lookup in lookups {
                let degrees = |eval: &dyn Fn(&mut InteractionSymbolicBuilder<Val, Challenge>)| {
                    let mut b = InteractionSymbolicBuilder::<Val, Challenge>::new(layout);
                    eval(&mut b);
                    assert!(b.base_constraints().is_empty());
                    b.extension_constraints()
                        .iter()
                        .map(|c| (c.degree_multiple(), c.degree_multiple_with_transition(1)))
                        .collect::<Vec<_>>()
                };
                let patched = degrees(&|b| LogUpGadget::new().eval_fraction(b, lookup));
                let upstream = degrees(&|b| upstream_eval_fraction(b, lookup));
                assert_eq!(patched.len(), 1);
                assert_eq!(
                    patched, upstream,
                    "{} table, {set} lookups, column {}: symbolic degrees differ",
                    t.name, lookup.column
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} lookups compared");
}
