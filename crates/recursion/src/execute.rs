//! Running a program: every cell's value, the circuit's assertions checked on the way.

use p3_baby_bear::default_babybear_poseidon2_16;
use p3_field::{Field, PrimeCharacteristicRing, PrimeField32};
use p3_symmetric::Permutation;

use crate::error::ExecError;
use crate::program::{Addr, AluOp, Block, Hint, Instr, Program, Val, block_of, ext_of, felt_block};

/// The values of a run.
#[derive(Clone, Debug)]
pub struct Run {
    /// Every cell's value, by address.
    pub memory: Vec<Block>,
    /// The published values, in order.
    pub public_values: Vec<Val>,
}

/// Runs `program` on the input stream `input`.
///
/// # Errors
/// [`ExecError`] when the input does not fit the program (too short, too long, a base element that is not) or
/// an assertion of the circuit fails.
pub fn execute(program: &Program, input: &[Block]) -> Result<Run, ExecError> {
    let perm = default_babybear_poseidon2_16();
    let mut memory: Vec<Option<Block>> = vec![None; program.reads.len()];
    let mut next_input = 0usize;
    let mut public_values = Vec::with_capacity(program.num_public);
    for (n, instr) in program.instrs.iter().enumerate() {
        let get = |memory: &[Option<Block>], addr: Addr| {
            memory
                .get(addr.index())
                .copied()
                .flatten()
                .ok_or(ExecError::Unwritten { instr: n, addr })
        };
        match instr {
            Instr::Const { out, value } => memory[out.index()] = Some(*value),
            Instr::Witness { out, hint, felt } => {
                let v = match *hint {
                    Hint::Input => {
                        let v = *input
                            .get(next_input)
                            .ok_or(ExecError::InputExhausted { instr: n })?;
                        next_input += 1;
                        v
                    }
                    Hint::Inverse(of) => {
                        let x = ext_of(&get(&memory, of)?);
                        block_of(x.try_inverse().ok_or(ExecError::ZeroInverse { instr: n })?)
                    }
                    Hint::Coeff { of, index } => {
                        let x = get(&memory, of)?;
                        felt_block(x[(index & 3) as usize])
                    }
                    Hint::Bit { of, bit } => {
                        let x = get(&memory, of)?[0].as_canonical_u32();
                        felt_block(Val::from_u32(x >> bit & 1))
                    }
                };
                if *felt && v[1..].iter().any(|c| *c != Val::ZERO) {
                    return Err(ExecError::NotBase { instr: n });
                }
                memory[out.index()] = Some(v);
            }
            Instr::Alu {
                op,
                a,
                b,
                out,
                check,
            } => {
                let (x, y) = (ext_of(&get(&memory, *a)?), ext_of(&get(&memory, *b)?));
                let r = block_of(match op {
                    AluOp::Add => x + y,
                    AluOp::Sub => x - y,
                    AluOp::Mul => x * y,
                });
                if *check {
                    if get(&memory, *out)? != r {
                        return Err(ExecError::AssertFailed { instr: n });
                    }
                } else {
                    memory[out.index()] = Some(r);
                }
            }
            Instr::Poseidon2 { input, output } => {
                let mut state = [Val::ZERO; 16];
                for (s, &a) in state.iter_mut().zip(input) {
                    let v = get(&memory, a)?;
                    if v[1..].iter().any(|c| *c != Val::ZERO) {
                        return Err(ExecError::NotBase { instr: n });
                    }
                    *s = v[0];
                }
                perm.permute_mut(&mut state);
                for (o, s) in output.iter().zip(state) {
                    if let Some(o) = o {
                        memory[o.index()] = Some(felt_block(s));
                    }
                }
            }
            Instr::Swap { bit, a, b, out } => {
                let bit = get(&memory, *bit)?;
                let swap = match bit {
                    [x, ..] if bit[1..].iter().all(|c| *c == Val::ZERO) && x == Val::ZERO => false,
                    [x, ..] if bit[1..].iter().all(|c| *c == Val::ZERO) && x == Val::ONE => true,
                    _ => return Err(ExecError::AssertFailed { instr: n }),
                };
                let (first, second) = if swap { (b, a) } else { (a, b) };
                for (o, &src) in out.iter().zip(first.iter().chain(second)) {
                    let v = get(&memory, src)?;
                    if v[1..].iter().any(|c| *c != Val::ZERO) {
                        return Err(ExecError::NotBase { instr: n });
                    }
                    memory[o.index()] = Some(v);
                }
            }
            Instr::Public { input } => {
                let v = get(&memory, *input)?;
                if v[1..].iter().any(|c| *c != Val::ZERO) {
                    return Err(ExecError::NotBase { instr: n });
                }
                public_values.push(v[0]);
            }
        }
    }
    if next_input != input.len() {
        return Err(ExecError::InputLeftOver {
            left: input.len() - next_input,
        });
    }
    Ok(Run {
        // A cell no instruction writes is never read (the builder only reads what it wrote).
        memory: memory
            .into_iter()
            .map(|v| v.unwrap_or([Val::ZERO; 4]))
            .collect(),
        public_values,
    })
}
