//! Ferrum: SIMD-packed LogUp trace generation (see `FERRUM.md`).
//!
//! The scalar path in `logup.rs` resolves every message expression once per row and inverts the
//! denominators one extension element at a time. Here `F::Packing::WIDTH` consecutive rows go
//! through the same work at once: the expressions are resolved over packed base-field values,
//! the denominators are packed extension elements, and one batch inversion serves all lanes. The
//! values written are exactly the scalar path's.

use alloc::vec::Vec;

use p3_air::{AirBuilder, RowWindow};
use p3_field::{ExtensionField, Field, PackedFieldExtension, PackedValue, PrimeCharacteristicRing};
use p3_matrix::dense::RowMajorMatrix;

use crate::types::Lookup;
use p3_air::SymbolicExpression;

/// Evaluates expressions over `F::Packing::WIDTH` consecutive rows at once.
struct PackedRowBuilder<'a, F: Field> {
    main: RowWindow<'a, F::Packing>,
    preprocessed: RowWindow<'a, F::Packing>,
    public_values: &'a [F],
    is_first_row: F::Packing,
    is_last_row: F::Packing,
    is_transition: F::Packing,
}

impl<'a, F: Field> AirBuilder for PackedRowBuilder<'a, F> {
    type F = F;
    type Expr = F::Packing;
    type Var = F::Packing;
    type PreprocessedWindow = RowWindow<'a, F::Packing>;
    type MainWindow = RowWindow<'a, F::Packing>;
    type PublicVar = F;
    type PeriodicVar = F::Packing;

    fn main(&self) -> Self::MainWindow {
        self.main
    }

    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        &self.preprocessed
    }

    fn is_first_row(&self) -> Self::Expr {
        self.is_first_row
    }

    fn is_last_row(&self) -> Self::Expr {
        self.is_last_row
    }

    fn is_transition(&self) -> Self::Expr {
        self.is_transition
    }

    fn assert_zero<I: Into<Self::Expr>>(&mut self, _x: I) {
        unreachable!("the LogUp trace builder only resolves message expressions")
    }

    fn public_values(&self) -> &[Self::PublicVar] {
        self.public_values
    }
}

/// Packs rows `first, first + 1, ...` (wrapping at `height`) of a row-major matrix column by column.
fn pack_rows<F: Field>(matrix: &RowMajorMatrix<F>, first: usize, out: &mut Vec<F::Packing>) {
    let width = matrix.width;
    let height = matrix.values.len() / width.max(1);
    out.clear();
    if width == 0 {
        return;
    }
    // Row offsets of the lanes, computed once (no division per element).
    let mut starts = [0usize; 64];
    let lanes = F::Packing::WIDTH;
    assert!(lanes <= starts.len(), "packing width above 64 lanes");
    for (lane, start) in starts[..lanes].iter_mut().enumerate() {
        *start = ((first + lane) % height) * width;
    }
    out.extend((0..width).map(|col| F::Packing::from_fn(|lane| matrix.values[starts[lane] + col])));
}

/// `alpha - combine(tuple)` on packed rows, with `powers[d] = beta^d` (as in `combine_tuple`).
fn packed_term<F: Field, EF: ExtensionField<F>>(
    builder: &PackedRowBuilder<'_, F>,
    elts: &[SymbolicExpression<F>],
    alpha: EF::ExtensionPacking,
    powers: &[EF::ExtensionPacking],
) -> EF::ExtensionPacking {
    let k = elts.len();
    let mut term = alpha;
    for (i, e) in elts.iter().enumerate() {
        let value: F::Packing = e.resolve(builder);
        match k - 1 - i {
            0 => term -= value,
            d => term -= powers[d] * value,
        }
    }
    term
}

/// Everything `fill_chunk` needs that is the same for every chunk.
pub(crate) struct PackedContext<'a, F: Field, EF: ExtensionField<F>> {
    pub main: &'a RowMajorMatrix<F>,
    pub preprocessed: &'a Option<RowMajorMatrix<F>>,
    pub public_values: &'a [F],
    pub lookups: &'a [Lookup<F>],
    /// Per lookup: `(alpha, beta)`.
    pub challenges: &'a [(EF, EF)],
    /// Per lookup: `beta^0, beta^1, ...` up to the widest tuple.
    pub beta_powers: &'a [Vec<EF>],
    pub denoms_per_row: usize,
    pub lookup_denom_offsets: &'a [usize],
    pub height: usize,
    /// Width of the LogUp trace: the accumulator and one column per lookup.
    pub width: usize,
}

/// Fills the fraction columns of rows `start_row .. start_row + chunk_row_totals.len()` and their
/// row totals, `F::Packing::WIDTH` rows at a time.
///
/// Returns `false`, having written nothing, when the chunk cannot go this way (a row count that
/// is not a multiple of the packing width, an exclusive column, or a zero denominator in some
/// lane, which the scalar path handles by skipping zero multiplicities); the caller then takes
/// the scalar path.
pub(crate) fn fill_chunk<F: Field, EF: ExtensionField<F>>(
    ctx: &PackedContext<'_, F, EF>,
    start_row: usize,
    chunk_aux: &mut [EF],
    chunk_row_totals: &mut [EF],
) -> bool {
    let lanes = F::Packing::WIDTH;
    let num_rows = chunk_row_totals.len();
    // Exclusive (flagged) columns, which Ferrum's AIRs do not use, stay on the scalar path.
    if lanes == 1 || num_rows % lanes != 0 || ctx.lookups.iter().any(|l| l.flags.is_some()) {
        return false;
    }
    let groups = num_rows / lanes;
    let per_row = ctx.denoms_per_row;

    let challenges: Vec<(EF::ExtensionPacking, Vec<EF::ExtensionPacking>)> = ctx
        .challenges
        .iter()
        .zip(ctx.beta_powers)
        .map(|(&(alpha, _), powers)| {
            (
                EF::ExtensionPacking::from(alpha),
                powers
                    .iter()
                    .map(|&p| EF::ExtensionPacking::from(p))
                    .collect(),
            )
        })
        .collect();

    let mut denoms: Vec<EF::ExtensionPacking> = Vec::with_capacity(groups * per_row);
    let mut mults: Vec<F::Packing> = Vec::with_capacity(groups * per_row);
    let (mut cur, mut nxt, mut prep_cur, mut prep_nxt) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());

    // Phase 1: denominators and multiplicities.
    for g in 0..groups {
        let first = start_row + g * lanes;
        pack_rows(ctx.main, first, &mut cur);
        pack_rows(ctx.main, first + 1, &mut nxt);
        if let Some(prep) = ctx.preprocessed {
            pack_rows(prep, first, &mut prep_cur);
            pack_rows(prep, first + 1, &mut prep_nxt);
        }
        let builder = PackedRowBuilder::<F> {
            main: RowWindow::from_two_rows(&cur, &nxt),
            preprocessed: RowWindow::from_two_rows(&prep_cur, &prep_nxt),
            public_values: ctx.public_values,
            is_first_row: F::Packing::from_fn(|l| F::from_bool(first + l == 0)),
            is_last_row: F::Packing::from_fn(|l| F::from_bool(first + l + 1 == ctx.height)),
            is_transition: F::Packing::from_fn(|l| F::from_bool(first + l + 1 < ctx.height)),
        };

        for (lookup, (alpha, powers)) in ctx.lookups.iter().zip(&challenges) {
            for (elts, mult) in lookup.elements.iter().zip(&lookup.multiplicities) {
                mults.push(mult.resolve(&builder));
                denoms.push(packed_term::<F, EF>(&builder, elts, *alpha, powers));
            }
        }
    }

    // Phase 2: one batch inversion (Montgomery's trick) for every lane.
    let mut prefix: Vec<EF::ExtensionPacking> = Vec::with_capacity(denoms.len());
    let mut acc = EF::ExtensionPacking::ONE;
    for d in &denoms {
        acc *= *d;
        prefix.push(acc);
    }
    let mut lane_inverses = Vec::with_capacity(lanes);
    for lane in 0..lanes {
        match acc.extract(lane).try_inverse() {
            Some(inv) => lane_inverses.push(inv),
            None => return false,
        }
    }
    let mut inv_acc = EF::ExtensionPacking::from_ext_slice(&lane_inverses);
    let mut inverses = denoms;
    for k in (0..inverses.len()).rev() {
        let d = inverses[k];
        inverses[k] = if k == 0 {
            inv_acc
        } else {
            inv_acc * prefix[k - 1]
        };
        inv_acc *= d;
    }

    // Phase 3: fractions and row totals.
    for g in 0..groups {
        let base = g * per_row;
        let mut row_total = EF::ExtensionPacking::ZERO;
        for lookup_idx in 0..ctx.lookups.len() {
            let start = base + ctx.lookup_denom_offsets[lookup_idx];
            let end = base + ctx.lookup_denom_offsets[lookup_idx + 1];
            let mut frac = EF::ExtensionPacking::ZERO;
            for (inv, m) in inverses[start..end].iter().zip(&mults[start..end]) {
                frac += *inv * *m;
            }
            row_total += frac;
            for lane in 0..lanes {
                chunk_aux[(g * lanes + lane) * ctx.width + lookup_idx + 1] = frac.extract(lane);
            }
        }
        for lane in 0..lanes {
            chunk_row_totals[g * lanes + lane] = row_total.extract(lane);
        }
    }
    true
}
