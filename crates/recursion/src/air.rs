//! The recursion machine's tables and their constraints.
//!
//! Five tables share one memory bus, whose messages are `(address, c0, c1, c2, c3)`. A table row that writes a
//! cell sends its message as often as the program reads the cell (a preprocessed multiplicity); a row that reads
//! a cell receives it once. The bus balances only if every read sees the value its cell was written with. The
//! program fixes every address, operation and multiplicity in preprocessed columns (the program's verifying key),
//! so the prover chooses only values.
//!
//! | table | preprocessed | main |
//! |---|---|---|
//! | const | address, value (4), reads | one zero column |
//! | witness | address, reads, is_felt | value (4): upper three zero when is_felt |
//! | alu | a, b, out, is_add, is_sub, is_mul, reads of out, is_check | a (4), b (4), out (4) |
//! | poseidon2 | input addresses (16), output addresses (16), their reads (16), is_real | Plonky3's Poseidon2 columns |
//! | swap | bit address, 8 + 8 input addresses, 16 output addresses, their reads, is_real | bit, inputs (16), outputs (16) |
//! | public | address, is_real, one selector per public value | value |

use std::borrow::Borrow;
use std::sync::Arc;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_baby_bear::{
    BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
    BABYBEAR_POSEIDON2_RC_16_INTERNAL, GenericPoseidon2LinearLayersBabyBear,
};
use p3_field::PrimeCharacteristicRing;
use p3_field::extension::BinomiallyExtendable;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;
use p3_poseidon2_air::{Poseidon2Air, Poseidon2Cols, RoundConstants, num_cols};

use crate::program::Val;

/// The memory bus.
pub(crate) const BUS_MEMORY: &str = "recursion-memory";

pub(crate) const SBOX_DEGREE: u64 = 7;
pub(crate) const SBOX_REGISTERS: usize = 1;
pub(crate) const HALF_FULL_ROUNDS: usize = 4;
pub(crate) const PARTIAL_ROUNDS: usize = 13;
/// Main columns of the Poseidon2 table.
pub(crate) const POSEIDON2_WIDTH: usize =
    num_cols::<16, SBOX_DEGREE, SBOX_REGISTERS, HALF_FULL_ROUNDS, PARTIAL_ROUNDS>();

pub(crate) type Poseidon2Chip = Poseidon2Air<
    Val,
    GenericPoseidon2LinearLayersBabyBear,
    16,
    SBOX_DEGREE,
    SBOX_REGISTERS,
    HALF_FULL_ROUNDS,
    PARTIAL_ROUNDS,
>;
type P2Cols<T> =
    Poseidon2Cols<T, 16, SBOX_DEGREE, SBOX_REGISTERS, HALF_FULL_ROUNDS, PARTIAL_ROUNDS>;

/// The Poseidon2 table's main trace: one permutation per input, generated as Plonky3's AIR lays it out.
pub(crate) fn poseidon2_trace(inputs: Vec<[Val; 16]>) -> RowMajorMatrix<Val> {
    p3_poseidon2_air::generate_trace_rows::<
        Val,
        GenericPoseidon2LinearLayersBabyBear,
        16,
        SBOX_DEGREE,
        SBOX_REGISTERS,
        HALF_FULL_ROUNDS,
        PARTIAL_ROUNDS,
    >(inputs, &poseidon2_constants(), 0)
}

/// Plonky3's published BabyBear width-16 round constants, as the AIR takes them.
pub(crate) fn poseidon2_constants() -> RoundConstants<Val, 16, HALF_FULL_ROUNDS, PARTIAL_ROUNDS> {
    RoundConstants::new(
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
        BABYBEAR_POSEIDON2_RC_16_INTERNAL,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
    )
}

pub(crate) const CONST_PREP: usize = 6;
pub(crate) const WITNESS_PREP: usize = 3;
pub(crate) const ALU_PREP: usize = 8;
pub(crate) const POSEIDON2_PREP: usize = 49;
pub(crate) const SWAP_PREP: usize = 50;
pub(crate) const SWAP_WIDTH: usize = 33;

/// One table with its preprocessed trace (the program's part of it).
#[derive(Clone)]
pub(crate) enum RecursionAir {
    Const(Arc<RowMajorMatrix<Val>>),
    Witness(Arc<RowMajorMatrix<Val>>),
    Alu(Arc<RowMajorMatrix<Val>>),
    Poseidon2(Arc<RowMajorMatrix<Val>>, Box<Poseidon2Chip>),
    Swap(Arc<RowMajorMatrix<Val>>),
    /// With the number of public values.
    Public(Arc<RowMajorMatrix<Val>>, usize),
}

impl std::fmt::Debug for RecursionAir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl RecursionAir {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Const(_) => "const",
            Self::Witness(_) => "witness",
            Self::Alu(_) => "alu",
            Self::Poseidon2(..) => "poseidon2",
            Self::Swap(_) => "swap",
            Self::Public(..) => "public",
        }
    }

    pub(crate) fn preprocessed(&self) -> &RowMajorMatrix<Val> {
        match self {
            Self::Const(p)
            | Self::Witness(p)
            | Self::Alu(p)
            | Self::Swap(p)
            | Self::Poseidon2(p, _) => p,
            Self::Public(p, _) => p,
        }
    }
}

impl BaseAir<Val> for RecursionAir {
    fn width(&self) -> usize {
        match self {
            Self::Const(_) | Self::Public(..) => 1,
            Self::Witness(_) => 4,
            Self::Alu(_) => 12,
            Self::Poseidon2(..) => POSEIDON2_WIDTH,
            Self::Swap(_) => SWAP_WIDTH,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            Self::Public(_, n) => *n,
            _ => 0,
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        Some(self.preprocessed().clone())
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            Self::Const(_) => CONST_PREP,
            Self::Witness(_) => WITNESS_PREP,
            Self::Alu(_) => ALU_PREP,
            Self::Poseidon2(..) => POSEIDON2_PREP,
            Self::Swap(_) => SWAP_PREP,
            Self::Public(_, n) => 2 + n,
        }
    }

    fn main_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    fn max_constraint_degree(&self) -> Option<usize> {
        Some(3)
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for RecursionAir {
    fn eval(&self, builder: &mut AB) {
        match self {
            Self::Const(_) => eval_const(builder),
            Self::Witness(_) => eval_witness(builder),
            Self::Alu(_) => eval_alu(builder),
            Self::Poseidon2(_, chip) => eval_poseidon2(chip, builder),
            Self::Swap(_) => eval_swap(builder),
            Self::Public(_, n) => eval_public(*n, builder),
        }
    }
}

/// `(address, value)` on the memory bus.
fn message<AB: AirBuilder>(addr: AB::Expr, value: [AB::Expr; 4]) -> [AB::Expr; 5] {
    let [a, b, c, d] = value;
    [addr, a, b, c, d]
}

fn felt_message<AB: AirBuilder>(addr: AB::Expr, v: AB::Expr) -> [AB::Expr; 5] {
    message::<AB>(addr, [v, AB::Expr::ZERO, AB::Expr::ZERO, AB::Expr::ZERO])
}

fn vars<AB: AirBuilder>(v: &[AB::Var]) -> [AB::Expr; 4] {
    std::array::from_fn(|i| v[i].into())
}

fn eval_const<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let dummy = builder.main().current_slice()[0];
    builder.assert_zero(dummy);
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[0].into(), vars::<AB>(&p[1..5])),
        Count::provided(p[5].into()),
    );
}

fn eval_witness<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let v = builder.main().current_slice().to_vec();
    for &c in &v[1..4] {
        builder.assert_zero(p[2] * c);
    }
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[0].into(), vars::<AB>(&v)),
        Count::provided(p[1].into()),
    );
}

/// `a · b` in BabyBear⁴ = BabyBear[X]/(X⁴ - W).
fn ext_mul<AB: AirBuilder<F = Val>>(a: &[AB::Expr; 4], b: &[AB::Expr; 4]) -> [AB::Expr; 4] {
    let w = <Val as BinomiallyExtendable<4>>::W;
    let mut r: [AB::Expr; 4] = std::array::from_fn(|_| AB::Expr::ZERO);
    for i in 0..4 {
        for j in 0..4 {
            let p = a[i].clone() * b[j].clone();
            if i + j < 4 {
                r[i + j] += p;
            } else {
                r[i + j - 4] += p * w;
            }
        }
    }
    r
}

fn eval_alu<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let m = builder.main().current_slice().to_vec();
    let (a, b, c) = (
        vars::<AB>(&m[0..4]),
        vars::<AB>(&m[4..8]),
        vars::<AB>(&m[8..12]),
    );
    let (is_add, is_sub, is_mul) = (p[3], p[4], p[5]);
    let prod = ext_mul::<AB>(&a, &b);
    for i in 0..4 {
        builder.assert_zero(is_add * (c[i].clone() - a[i].clone() - b[i].clone()));
        builder.assert_zero(is_sub * (c[i].clone() - a[i].clone() + b[i].clone()));
        builder.assert_zero(is_mul * (c[i].clone() - prod[i].clone()));
    }
    let is_real: AB::Expr = is_add.into() + is_sub.into() + is_mul.into();
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[0].into(), a),
        Count::bounded(-is_real.clone(), 1),
    );
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[1].into(), b),
        Count::bounded(-is_real, 1),
    );
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[2].into(), c.clone()),
        Count::provided(p[6].into()),
    );
    builder.push_interaction(
        BUS_MEMORY,
        message::<AB>(p[2].into(), c),
        Count::bounded(-p[7].into(), 1),
    );
}

fn eval_poseidon2<AB: InteractionBuilder<F = Val>>(chip: &Poseidon2Chip, builder: &mut AB) {
    chip.eval(builder);
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let main = builder.main().clone();
    let cols: &P2Cols<AB::Var> = main.current_slice().borrow();
    let is_real = p[48];
    for (&addr, &x) in p[..16].iter().zip(&cols.inputs) {
        builder.push_interaction(
            BUS_MEMORY,
            felt_message::<AB>(addr.into(), x.into()),
            Count::bounded(-is_real.into(), 1),
        );
    }
    let out = &cols.ending_full_rounds[HALF_FULL_ROUNDS - 1].post;
    for ((&addr, &reads), &x) in p[16..32].iter().zip(&p[32..48]).zip(out) {
        builder.push_interaction(
            BUS_MEMORY,
            felt_message::<AB>(addr.into(), x.into()),
            Count::provided(reads.into()),
        );
    }
}

/// `out = bit ? (b ‖ a) : (a ‖ b)`, the bit boolean. Preprocessed: bit address, a (8), b (8), out (16), reads of
/// out (16), is_real. Main: bit, a (8), b (8), out (16).
fn eval_swap<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let m = builder.main().current_slice().to_vec();
    let bit = m[0];
    let (a, b, out) = (&m[1..9], &m[9..17], &m[17..33]);
    builder.assert_bool(bit);
    for i in 0..8 {
        builder.assert_zero(out[i] - a[i] - bit * (b[i] - a[i]));
        builder.assert_zero(out[8 + i] - b[i] - bit * (a[i] - b[i]));
    }
    let is_real: AB::Expr = p[49].into();
    builder.push_interaction(
        BUS_MEMORY,
        felt_message::<AB>(p[0].into(), bit.into()),
        Count::bounded(-is_real.clone(), 1),
    );
    for (&addr, &v) in p[1..17].iter().zip(a.iter().chain(b)) {
        builder.push_interaction(
            BUS_MEMORY,
            felt_message::<AB>(addr.into(), v.into()),
            Count::bounded(-is_real.clone(), 1),
        );
    }
    for ((&addr, &reads), &v) in p[17..33].iter().zip(&p[33..49]).zip(out) {
        builder.push_interaction(
            BUS_MEMORY,
            felt_message::<AB>(addr.into(), v.into()),
            Count::provided(reads.into()),
        );
    }
}

fn eval_public<AB: InteractionBuilder<F = Val>>(n: usize, builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let v = builder.main().current_slice()[0];
    let pvs: Vec<AB::Expr> = builder
        .public_values()
        .iter()
        .take(n)
        .map(|&x| x.into())
        .collect();
    for (j, pv) in pvs.into_iter().enumerate() {
        builder.assert_zero(p[2 + j] * (v.into() - pv));
    }
    builder.push_interaction(
        BUS_MEMORY,
        felt_message::<AB>(p[0].into(), v.into()),
        Count::bounded(-p[1].into(), 1),
    );
}
