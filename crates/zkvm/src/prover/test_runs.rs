//! Runs shared by the soundness tests: a program that fills every table, and its honest tables.
#![allow(clippy::unwrap_used)]

use super::trace::MainTraces;
use super::*;
use crate::asm::{self, reg::*};
use crate::syscall;

/// The input [`busy_program`] reads.
pub(super) const BUSY_INPUT: &[u32] = &[0xdead_beef];

/// A run that puts real rows in every table: loads and stores of each width, multiplies,
/// divides, shifts, bitwise ops, comparisons, a branch, a read, a call of each chip and a commit.
pub(super) fn busy_program() -> Program {
    let mut code = asm::li(S0, asm::DATA_BASE).to_vec();
    code.extend([
        asm::addi(A7, ZERO, syscall::READ_WORD as i32),
        asm::ECALL,
        asm::addi(T0, ZERO, 300),
        asm::addi(T1, ZERO, 7),
        asm::mul(T2, T0, T1),
        asm::mulh(A4, T0, A0),
        asm::sll(A2, T0, T1),
        asm::sra(A2, A0, T1),
        asm::and(A3, T0, T1),
        asm::or(A4, T0, T1),
        asm::xor(A5, T0, T1),
        asm::divu(S1, T2, T1),
        asm::rem(S1, A0, T1),
        asm::sltu(S1, T1, T0),
        asm::sub(S1, T1, T0),
        // The state at S0 + 16 (and one instruction more keeps a CPU padding row to probe).
        asm::addi(A0, S0, 16),
        asm::addi(A0, A0, 0),
        asm::addi(A7, ZERO, syscall::KECCAK_PERMUTE as i32),
        asm::ECALL,
        asm::addi(A0, S0, 256),
        asm::addi(A7, ZERO, syscall::BLAKE2S_COMPRESS as i32),
        asm::ECALL,
        // secp256k1: (1, 2) + (3, 4) at S0 + 1024, then 2 (5, 6) at S0 + 1152 (the chips do
        // not ask for points on the curve).
        asm::addi(A0, S0, 1024),
        asm::addi(A7, ZERO, syscall::SECP256K1_ADD as i32),
        asm::ECALL,
        asm::addi(A0, S0, 1152),
        asm::addi(A7, ZERO, syscall::SECP256K1_DOUBLE as i32),
        asm::ECALL,
        asm::sw(T2, S0, 0),
        asm::sh(A2, S0, 4),
        asm::sb(A5, S0, 9),
        asm::lw(A1, S0, 0),
        asm::lhu(A2, S0, 4),
        asm::lb(A2, S0, 9),
        asm::beq(A2, A2, 8),
        asm::addi(A1, A1, 1),
        asm::add(A0, A1, A3),
        asm::addi(A7, ZERO, syscall::COMMIT_WORD as i32),
        asm::ECALL,
    ]);
    code.extend(asm::HALT);
    let mut data = vec![0u32; 256 + 32 + 16];
    for (i, v) in [(256, 1), (264, 2), (272, 3), (280, 4), (288, 5), (296, 6)] {
        data[i] = v;
    }
    Program::from_elf(&asm::elf(&code, &data)).unwrap()
}

/// The honest tables of a one-segment run: the AIRs and public values of the halting segment, its traces, and
/// the final state (what a non-halting segment would publish).
pub(super) struct HonestRun {
    pub(super) airs: Vec<ZkvmAir>,
    pub(super) traces: MainTraces,
    pub(super) state_out: trace::State,
    pub(super) pvs: Vec<Vec<Val>>,
}

/// [`HonestRun`] of `p` on `input`.
pub(super) fn honest_run(p: &Program, input: &[u32]) -> HonestRun {
    let run = run(p, input, MAX_SEGMENT_CYCLES).unwrap();
    let init = trace::image_state(p);
    let output = run.output.clone();
    let seg = Segment {
        start_pc: p.entry,
        end_pc: 0,
        halted: true,
        exit_code: run.exit_code,
        out_start: 0,
        output: &output,
        state_in: &init,
        state_out: None,
        chips: super::chips::CHIPS.map(|chip| run.calls.iter().any(|c| c.chip == chip)),
    };
    let airs = airs(p, &seg);
    let (traces, state_out) = trace::generate(
        p,
        &run.trace,
        &run.calls,
        &init,
        0,
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Rom(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Image(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Io(_))),
        preprocessed_height(&airs, |a| matches!(a, ZkvmAir::Pages(_))),
    )
    .unwrap();
    let pvs = public_values(&seg, airs.len());
    HonestRun {
        airs,
        traces,
        state_out,
        pvs,
    }
}
