//! An AIR's constraints at the out-of-domain point, in the circuit, generated from the AIR itself.
//!
//! Plonky3's symbolic builder runs the AIR's `eval` and the LogUp gadget's constraints exactly as the native
//! verifier's folder does, and records every constraint as an expression tree in the order it was emitted. The
//! circuit evaluates those trees over the opened values and folds them with `alpha` in the same order (Horner:
//! `acc = acc · alpha + c`). A change to an AIR changes the trees, never this code.

use std::collections::HashMap;

use p3_air::Air;
use p3_air::symbolic::{
    AirLayout, BaseEntry, BaseLeaf, ConstraintLayout, ExtEntry, ExtLeaf, SymLeaf, SymbolicExpr,
    SymbolicExpression, SymbolicExpressionExt,
};
use p3_field::{Field, PrimeCharacteristicRing, TwoAdicField};
use p3_lookup::logup::LogUpGadget;
use p3_lookup::{InteractionSymbolicBuilder, Lookup, LookupProtocol};

use crate::builder::{Builder, Ext, Felt};
use crate::program::{Challenge, Val};

/// Why an AIR's constraints cannot be put in a circuit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConstraintError {
    /// Periodic columns are not supported (no Ferrum AIR has them).
    #[error("periodic columns are not supported")]
    Periodic,
    /// An expression names a column or value the opened point does not have.
    #[error("{0} index {1} out of range")]
    OutOfRange(&'static str, usize),
}

/// An AIR's constraints (base and extension) with their emission order.
#[derive(Debug)]
pub struct SymbolicConstraints {
    base: Vec<SymbolicExpression<Val>>,
    ext: Vec<SymbolicExpressionExt<Val, Challenge>>,
    layout: ConstraintLayout,
}

impl SymbolicConstraints {
    /// Records `air`'s constraints and its lookups' LogUp constraints, as the batch-STARK verifier evaluates them.
    pub fn of<A>(air: &A, layout: AirLayout, lookups: &[Lookup<Val>]) -> Self
    where
        A: Air<InteractionSymbolicBuilder<Val, Challenge>>,
    {
        let gadget = LogUpGadget::new();
        let (permutation_width, num_permutation_values) = if lookups.is_empty() {
            (0, 0)
        } else {
            (lookups.len() + 1, 1)
        };
        let layout = AirLayout {
            permutation_width,
            num_permutation_challenges: lookups.len() * gadget.num_challenges(),
            num_permutation_values,
            ..layout
        };
        let mut builder = InteractionSymbolicBuilder::new(layout);
        gadget.eval_air_and_lookups(air, &mut builder, lookups);
        Self {
            base: builder.base_constraints(),
            ext: builder.extension_constraints(),
            layout: builder.constraint_layout(),
        }
    }

    /// Constraints in all.
    pub fn len(&self) -> usize {
        self.layout.total_constraints()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The values one table's constraints read at the out-of-domain point `zeta`.
#[derive(Clone, Debug, Default)]
pub struct OpenedRow {
    /// Main trace at `zeta` and at `zeta · g`.
    pub main: [Vec<Ext>; 2],
    /// Preprocessed trace at `zeta` and at `zeta · g`.
    pub preprocessed: [Vec<Ext>; 2],
    /// LogUp trace (extension columns) at `zeta` and at `zeta · g`.
    pub permutation: [Vec<Ext>; 2],
    /// LogUp challenges.
    pub challenges: Vec<Ext>,
    /// The table's LogUp terminal.
    pub permutation_values: Vec<Ext>,
    /// Public values.
    pub public_values: Vec<Felt>,
    /// Lagrange selectors of the first and last rows and the transition selector at `zeta`.
    pub is_first_row: Option<Ext>,
    /// See `is_first_row`.
    pub is_last_row: Option<Ext>,
    /// See `is_first_row`.
    pub is_transition: Option<Ext>,
}

/// A value while evaluating: constants fold without instructions.
#[derive(Clone, Copy, Debug)]
enum V {
    Const(Challenge),
    Var(Ext),
}

struct Eval<'a> {
    b: &'a mut Builder,
    at: &'a OpenedRow,
    memo: HashMap<*const (), V>,
}

fn pick(v: &[Ext], i: usize, what: &'static str) -> Result<V, ConstraintError> {
    v.get(i)
        .map(|&e| V::Var(e))
        .ok_or(ConstraintError::OutOfRange(what, i))
}

fn selector(v: Option<Ext>, what: &'static str) -> Result<V, ConstraintError> {
    v.map(V::Var).ok_or(ConstraintError::OutOfRange(what, 0))
}

impl Eval<'_> {
    fn var(&mut self, v: V) -> Ext {
        match v {
            V::Var(e) => e,
            V::Const(c) => self.b.constant_ext(c),
        }
    }

    fn add(&mut self, x: V, y: V) -> V {
        match (x, y) {
            (V::Const(a), V::Const(b)) => V::Const(a + b),
            (V::Const(a), v) | (v, V::Const(a)) if a.is_zero() => v,
            (x, y) => {
                let (x, y) = (self.var(x), self.var(y));
                V::Var(self.b.add_ext(x, y))
            }
        }
    }

    fn sub(&mut self, x: V, y: V) -> V {
        match (x, y) {
            (V::Const(a), V::Const(b)) => V::Const(a - b),
            (v, V::Const(b)) if b.is_zero() => v,
            (x, y) => {
                let (x, y) = (self.var(x), self.var(y));
                V::Var(self.b.sub_ext(x, y))
            }
        }
    }

    fn mul(&mut self, x: V, y: V) -> V {
        match (x, y) {
            (V::Const(a), V::Const(b)) => V::Const(a * b),
            (V::Const(a), _) | (_, V::Const(a)) if a.is_zero() => V::Const(Challenge::ZERO),
            (V::Const(a), v) | (v, V::Const(a)) if a.is_one() => v,
            (x, y) => {
                let (x, y) = (self.var(x), self.var(y));
                V::Var(self.b.mul_ext(x, y))
            }
        }
    }

    /// Evaluates an expression tree once per node (shared sub-trees are `Arc`s: memoised by address).
    fn tree<L: SymLeaf>(
        &mut self,
        e: &SymbolicExpr<L>,
        leaf: fn(&mut Self, &L) -> Result<V, ConstraintError>,
    ) -> Result<V, ConstraintError> {
        let key = (e as *const SymbolicExpr<L>).cast::<()>();
        if let Some(&v) = self.memo.get(&key) {
            return Ok(v);
        }
        let v = match e {
            SymbolicExpr::Leaf(l) => leaf(self, l)?,
            SymbolicExpr::Add { x, y, .. } => {
                let (x, y) = (self.tree(x, leaf)?, self.tree(y, leaf)?);
                self.add(x, y)
            }
            SymbolicExpr::Sub { x, y, .. } => {
                let (x, y) = (self.tree(x, leaf)?, self.tree(y, leaf)?);
                self.sub(x, y)
            }
            SymbolicExpr::Neg { x, .. } => {
                let x = self.tree(x, leaf)?;
                self.sub(V::Const(Challenge::ZERO), x)
            }
            SymbolicExpr::Mul { x, y, .. } => {
                let (x, y) = (self.tree(x, leaf)?, self.tree(y, leaf)?);
                self.mul(x, y)
            }
        };
        self.memo.insert(key, v);
        Ok(v)
    }

    fn base_leaf(&mut self, leaf: &BaseLeaf<Val>) -> Result<V, ConstraintError> {
        Ok(match leaf {
            BaseLeaf::Constant(c) => V::Const(Challenge::from(*c)),
            BaseLeaf::IsFirstRow => selector(self.at.is_first_row, "is_first_row")?,
            BaseLeaf::IsLastRow => selector(self.at.is_last_row, "is_last_row")?,
            BaseLeaf::IsTransition => selector(self.at.is_transition, "is_transition")?,
            BaseLeaf::Variable(v) => match v.entry {
                BaseEntry::Main { offset } => pick(
                    self.at.main.get(offset).map_or(&[][..], |r| r),
                    v.index,
                    "main",
                )?,
                BaseEntry::Preprocessed { offset } => pick(
                    self.at.preprocessed.get(offset).map_or(&[][..], |r| r),
                    v.index,
                    "preprocessed",
                )?,
                BaseEntry::Public => self
                    .at
                    .public_values
                    .get(v.index)
                    .map(|&f| V::Var(f.into()))
                    .ok_or(ConstraintError::OutOfRange("public", v.index))?,
                BaseEntry::Periodic => return Err(ConstraintError::Periodic),
            },
        })
    }

    fn ext_leaf(&mut self, leaf: &ExtLeaf<Val, Challenge>) -> Result<V, ConstraintError> {
        Ok(match leaf {
            ExtLeaf::Base(b) => self.tree(b, Self::base_leaf)?,
            ExtLeaf::ExtConstant(c) => V::Const(*c),
            ExtLeaf::ExtVariable(v) => match v.entry {
                ExtEntry::Permutation { offset } => pick(
                    self.at.permutation.get(offset).map_or(&[][..], |r| r),
                    v.index,
                    "permutation",
                )?,
                ExtEntry::Challenge => pick(&self.at.challenges, v.index, "challenge")?,
                ExtEntry::PermutationValue => {
                    pick(&self.at.permutation_values, v.index, "permutation value")?
                }
            },
        })
    }
}

/// `Σ alpha^(K-1-i) · C_i(at)` over the `K` constraints in emission order: what Plonky3's verifier folder computes.
///
/// # Errors
/// [`ConstraintError`] when a constraint reads a value `at` does not hold.
pub fn fold_constraints(
    b: &mut Builder,
    constraints: &SymbolicConstraints,
    at: &OpenedRow,
    alpha: Ext,
) -> Result<Ext, ConstraintError> {
    let n = constraints.len();
    let mut order: Vec<Option<(bool, usize)>> = vec![None; n];
    for (j, &i) in constraints.layout.base_indices.iter().enumerate() {
        order[i] = Some((false, j));
    }
    for (j, &i) in constraints.layout.ext_indices.iter().enumerate() {
        order[i] = Some((true, j));
    }
    let mut eval = Eval {
        b,
        at,
        memo: HashMap::new(),
    };
    let mut acc = V::Const(Challenge::ZERO);
    for slot in order.into_iter().flatten() {
        let c = match slot {
            (false, j) => eval.tree(&constraints.base[j], Eval::base_leaf)?,
            (true, j) => eval.tree(&constraints.ext[j], Eval::ext_leaf)?,
        };
        let shifted = eval.mul(acc, V::Var(alpha));
        acc = eval.add(shifted, c);
    }
    Ok(eval.var(acc))
}

/// The Lagrange selectors of the trace domain of `2^log_n` rows (the subgroup, Plonky3's natural domain) at
/// `zeta`: `(is_first_row, is_last_row, is_transition, Z_H(zeta))`.
pub fn selectors(b: &mut Builder, zeta: Ext, log_n: usize) -> (Ext, Ext, Ext, Ext) {
    let z = b.exp_power_of_2(zeta, log_n);
    let one = b.constant(Val::ONE);
    let z_h = b.sub_ext(z, one);
    let g_inv = Val::two_adic_generator(log_n).inverse();
    let g_inv = b.constant(g_inv);
    let zeta_minus_one = b.sub_ext(zeta, one);
    let inv = b.inv_ext(zeta_minus_one);
    let is_first_row = b.mul_ext(z_h, inv);
    let is_transition = b.sub_ext(zeta, g_inv);
    let inv = b.inv_ext(is_transition);
    let is_last_row = b.mul_ext(z_h, inv);
    (is_first_row, is_last_row, is_transition, z_h)
}
