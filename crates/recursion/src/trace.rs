//! The tables' traces: preprocessed from the program alone, main from a run.

use std::sync::Arc;

use p3_field::PrimeCharacteristicRing;
use p3_matrix::dense::RowMajorMatrix;

use crate::air::{
    ALU_PREP, CONST_PREP, POSEIDON2_PREP, Poseidon2Chip, RecursionAir, SWAP_PREP, SWAP_WIDTH,
    WITNESS_PREP, poseidon2_constants, poseidon2_trace,
};
use crate::execute::Run;
use crate::program::{Addr, AluOp, Instr, Program, Val};

/// Fewest rows of a table.
const MIN_ROWS: usize = 4;

fn rows(n: usize) -> usize {
    n.next_power_of_two().max(MIN_ROWS)
}

fn f(x: u32) -> Val {
    Val::from_u32(x)
}

fn addr(a: Addr) -> Val {
    f(a.0)
}

/// The program's tables, in proof order: const, witness, alu, poseidon2, public.
pub(crate) fn airs(program: &Program) -> Vec<RecursionAir> {
    let [n_const, n_witness, n_alu, n_p2, n_swap, n_public] = program.counts();
    let reads = |a: &Addr| f(program.reads[a.index()]);
    let mut consts = Vec::with_capacity(rows(n_const) * CONST_PREP);
    let mut witness = Vec::with_capacity(rows(n_witness) * WITNESS_PREP);
    let mut alu = Vec::with_capacity(rows(n_alu) * ALU_PREP);
    let mut p2 = Vec::with_capacity(rows(n_p2) * POSEIDON2_PREP);
    let mut swap = Vec::with_capacity(rows(n_swap) * SWAP_PREP);
    let public_prep = 2 + program.num_public;
    let mut public = Vec::with_capacity(rows(n_public) * public_prep);
    let mut public_index = 0;
    for i in &program.instrs {
        match i {
            Instr::Const { out, value } => {
                consts.push(addr(*out));
                consts.extend(value);
                consts.push(reads(out));
            }
            Instr::Witness { out, felt, .. } => {
                witness.extend([addr(*out), reads(out), Val::from_bool(*felt)]);
            }
            Instr::Alu {
                op,
                a,
                b,
                out,
                check,
            } => {
                alu.extend([addr(*a), addr(*b), addr(*out)]);
                alu.extend([AluOp::Add, AluOp::Sub, AluOp::Mul].map(|o| Val::from_bool(o == *op)));
                if *check {
                    alu.extend([Val::ZERO, Val::ONE]);
                } else {
                    alu.extend([reads(out), Val::ZERO]);
                }
            }
            Instr::Poseidon2 { input, output } => {
                p2.extend(input.iter().map(|a| addr(*a)));
                p2.extend(output.iter().map(|o| o.map_or(Val::ZERO, addr)));
                p2.extend(output.iter().map(|o| o.as_ref().map_or(Val::ZERO, reads)));
                p2.push(Val::ONE);
            }
            Instr::Swap { bit, a, b, out } => {
                swap.push(addr(*bit));
                swap.extend(a.iter().chain(b).map(|x| addr(*x)));
                swap.extend(out.iter().map(|x| addr(*x)));
                swap.extend(out.iter().map(reads));
                swap.push(Val::ONE);
            }
            Instr::Public { input } => {
                public.extend([addr(*input), Val::ONE]);
                public.extend((0..program.num_public).map(|j| Val::from_bool(j == public_index)));
                public_index += 1;
            }
        }
    }
    let mat = |mut v: Vec<Val>, n: usize, width: usize| {
        v.resize(rows(n) * width, Val::ZERO);
        Arc::new(RowMajorMatrix::new(v, width))
    };
    vec![
        RecursionAir::Const(mat(consts, n_const, CONST_PREP)),
        RecursionAir::Witness(mat(witness, n_witness, WITNESS_PREP)),
        RecursionAir::Alu(mat(alu, n_alu, ALU_PREP)),
        RecursionAir::Poseidon2(
            mat(p2, n_p2, POSEIDON2_PREP),
            Box::new(Poseidon2Chip::new(poseidon2_constants())),
        ),
        RecursionAir::Swap(mat(swap, n_swap, SWAP_PREP)),
        RecursionAir::Public(mat(public, n_public, public_prep), program.num_public),
    ]
}

/// The main traces of a run, in [`airs`] order.
pub(crate) fn main_traces(program: &Program, run: &Run) -> Vec<RowMajorMatrix<Val>> {
    let [n_const, n_witness, n_alu, n_p2, n_swap, n_public] = program.counts();
    let mem = |a: &Addr| run.memory[a.index()];
    let mut witness = Vec::with_capacity(rows(n_witness) * 4);
    let mut alu = Vec::with_capacity(rows(n_alu) * 12);
    let mut p2_inputs = Vec::with_capacity(rows(n_p2));
    let mut public = Vec::with_capacity(rows(n_public));
    let mut swap = Vec::with_capacity(rows(n_swap) * SWAP_WIDTH);
    for i in &program.instrs {
        match i {
            Instr::Const { .. } => {}
            Instr::Witness { out, .. } => witness.extend(mem(out)),
            Instr::Alu { a, b, out, .. } => {
                alu.extend(mem(a));
                alu.extend(mem(b));
                alu.extend(mem(out));
            }
            Instr::Poseidon2 { input, .. } => p2_inputs.push(input.map(|a| mem(&a)[0])),
            Instr::Swap { bit, a, b, out } => {
                swap.push(mem(bit)[0]);
                swap.extend(a.iter().chain(b).chain(out).map(|x| mem(x)[0]));
            }
            Instr::Public { input } => public.push(mem(input)[0]),
        }
    }
    let mat = |mut v: Vec<Val>, n: usize, width: usize| {
        v.resize(rows(n) * width, Val::ZERO);
        RowMajorMatrix::new(v, width)
    };
    // Padding rows of the Poseidon2 table permute zeros (its constraints hold on every row).
    p2_inputs.resize(rows(n_p2), [Val::ZERO; 16]);
    vec![
        mat(Vec::new(), n_const, 1),
        mat(witness, n_witness, 4),
        mat(alu, n_alu, 12),
        poseidon2_trace(p2_inputs),
        mat(swap, n_swap, SWAP_WIDTH),
        mat(public, n_public, 1),
    ]
}
