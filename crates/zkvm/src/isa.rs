//! RV32IM instruction decoding.

/// An RV32IM operation (after decoding; immediates are in [`Instruction::imm`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the RISC-V mnemonics
pub enum Op {
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    /// `fence` (and `fence.tso`, `pause`): a no-op on this single-hart machine.
    Fence,
    /// `ecall`: a syscall, number in `a7`. Decoded as `rd = a0, rs1 = a7, rs2 = a0`.
    Ecall,
}

impl Op {
    /// The assembler mnemonic.
    pub const fn mnemonic(self) -> &'static str {
        use Op::*;
        match self {
            Lui => "lui",
            Auipc => "auipc",
            Jal => "jal",
            Jalr => "jalr",
            Beq => "beq",
            Bne => "bne",
            Blt => "blt",
            Bge => "bge",
            Bltu => "bltu",
            Bgeu => "bgeu",
            Lb => "lb",
            Lh => "lh",
            Lw => "lw",
            Lbu => "lbu",
            Lhu => "lhu",
            Sb => "sb",
            Sh => "sh",
            Sw => "sw",
            Addi => "addi",
            Slti => "slti",
            Sltiu => "sltiu",
            Xori => "xori",
            Ori => "ori",
            Andi => "andi",
            Slli => "slli",
            Srli => "srli",
            Srai => "srai",
            Add => "add",
            Sub => "sub",
            Sll => "sll",
            Slt => "slt",
            Sltu => "sltu",
            Xor => "xor",
            Srl => "srl",
            Sra => "sra",
            Or => "or",
            And => "and",
            Mul => "mul",
            Mulh => "mulh",
            Mulhsu => "mulhsu",
            Mulhu => "mulhu",
            Div => "div",
            Divu => "divu",
            Rem => "rem",
            Remu => "remu",
            Fence => "fence",
            Ecall => "ecall",
        }
    }
}

/// A decoded instruction. Register fields an instruction does not use are 0 (`x0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// The operation.
    pub op: Op,
    /// Destination register (0 when none).
    pub rd: u8,
    /// First source register (0 when none).
    pub rs1: u8,
    /// Second source register (0 when none).
    pub rs2: u8,
    /// Immediate, sign-extended to 32 bits (for `lui`/`auipc` already shifted left by 12;
    /// for shifts by immediate: the shift amount).
    pub imm: u32,
}

/// Why a word is not an RV32IM instruction the machine runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a valid RV32IM encoding (includes compressed and other-extension encodings).
    Illegal,
    /// A SYSTEM instruction other than `ecall` (`ebreak`, CSR access, `unimp` = `csrrw x0, cycle, x0`).
    System,
}

const fn sext(value: u32, bits: u32) -> u32 {
    let shift = 32 - bits;
    (((value << shift) as i32) >> shift) as u32
}

/// Decodes one 32-bit instruction word.
///
/// # Errors
/// [`DecodeError::Illegal`] for encodings outside RV32IM, [`DecodeError::System`] for SYSTEM
/// instructions other than `ecall` (LLVM's `unimp` trap is one of them).
pub fn decode(word: u32) -> Result<Instruction, DecodeError> {
    use Op::*;
    let opcode = word & 0x7f;
    let rd = ((word >> 7) & 31) as u8;
    let funct3 = (word >> 12) & 7;
    let rs1 = ((word >> 15) & 31) as u8;
    let rs2 = ((word >> 20) & 31) as u8;
    let funct7 = word >> 25;
    let i_imm = sext(word >> 20, 12);
    let s_imm = sext(((word >> 25) << 5) | ((word >> 7) & 31), 12);
    let b_imm = sext(
        (((word >> 31) & 1) << 12)
            | (((word >> 7) & 1) << 11)
            | (((word >> 25) & 0x3f) << 5)
            | (((word >> 8) & 0xf) << 1),
        13,
    );
    let u_imm = word & 0xffff_f000;
    let j_imm = sext(
        (((word >> 31) & 1) << 20)
            | (((word >> 12) & 0xff) << 12)
            | (((word >> 20) & 1) << 11)
            | (((word >> 21) & 0x3ff) << 1),
        21,
    );
    let ins = |op, rd, rs1, rs2, imm| {
        Ok(Instruction {
            op,
            rd,
            rs1,
            rs2,
            imm,
        })
    };
    match opcode {
        0x37 => ins(Lui, rd, 0, 0, u_imm),
        0x17 => ins(Auipc, rd, 0, 0, u_imm),
        0x6f => ins(Jal, rd, 0, 0, j_imm),
        0x67 if funct3 == 0 => ins(Jalr, rd, rs1, 0, i_imm),
        0x63 => {
            let op = match funct3 {
                0 => Beq,
                1 => Bne,
                4 => Blt,
                5 => Bge,
                6 => Bltu,
                7 => Bgeu,
                _ => return Err(DecodeError::Illegal),
            };
            ins(op, 0, rs1, rs2, b_imm)
        }
        0x03 => {
            let op = match funct3 {
                0 => Lb,
                1 => Lh,
                2 => Lw,
                4 => Lbu,
                5 => Lhu,
                _ => return Err(DecodeError::Illegal),
            };
            ins(op, rd, rs1, 0, i_imm)
        }
        0x23 => {
            let op = match funct3 {
                0 => Sb,
                1 => Sh,
                2 => Sw,
                _ => return Err(DecodeError::Illegal),
            };
            ins(op, 0, rs1, rs2, s_imm)
        }
        0x13 => {
            let shamt = (word >> 20) & 31;
            match funct3 {
                0 => ins(Addi, rd, rs1, 0, i_imm),
                2 => ins(Slti, rd, rs1, 0, i_imm),
                3 => ins(Sltiu, rd, rs1, 0, i_imm),
                4 => ins(Xori, rd, rs1, 0, i_imm),
                6 => ins(Ori, rd, rs1, 0, i_imm),
                7 => ins(Andi, rd, rs1, 0, i_imm),
                1 if funct7 == 0 => ins(Slli, rd, rs1, 0, shamt),
                5 if funct7 == 0 => ins(Srli, rd, rs1, 0, shamt),
                5 if funct7 == 0x20 => ins(Srai, rd, rs1, 0, shamt),
                _ => Err(DecodeError::Illegal),
            }
        }
        0x33 => {
            let op = match (funct7, funct3) {
                (0, 0) => Add,
                (0x20, 0) => Sub,
                (0, 1) => Sll,
                (0, 2) => Slt,
                (0, 3) => Sltu,
                (0, 4) => Xor,
                (0, 5) => Srl,
                (0x20, 5) => Sra,
                (0, 6) => Or,
                (0, 7) => And,
                (1, 0) => Mul,
                (1, 1) => Mulh,
                (1, 2) => Mulhsu,
                (1, 3) => Mulhu,
                (1, 4) => Div,
                (1, 5) => Divu,
                (1, 6) => Rem,
                (1, 7) => Remu,
                _ => return Err(DecodeError::Illegal),
            };
            ins(op, rd, rs1, rs2, 0)
        }
        0x0f if funct3 == 0 => ins(Fence, 0, 0, 0, 0),
        0x73 => {
            if word == 0x0000_0073 {
                // The syscall ABI reads a7 (x17) and a0 (x10) and may write a0.
                ins(Ecall, 10, 17, 10, 0)
            } else {
                Err(DecodeError::System)
            }
        }
        _ => Err(DecodeError::Illegal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_words() {
        // addi a0, zero, -1
        assert_eq!(
            decode(0xfff0_0513),
            Ok(Instruction {
                op: Op::Addi,
                rd: 10,
                rs1: 0,
                rs2: 0,
                imm: u32::MAX
            })
        );
        // unimp (csrrw x0, cycle, x0) is a SYSTEM instruction
        assert_eq!(decode(0xc000_1073), Err(DecodeError::System));
        assert_eq!(decode(0x0010_0073), Err(DecodeError::System)); // ebreak
        assert_eq!(decode(0x0000_0073).map(|i| i.op), Ok(Op::Ecall));
        assert_eq!(decode(0x0ff0_000f).map(|i| i.op), Ok(Op::Fence));
        assert_eq!(decode(0), Err(DecodeError::Illegal));
        // jal x0, -4
        assert_eq!(decode(0xffdf_f06f).map(|i| i.imm), Ok((-4i32) as u32));
        // beq x0, x0, -8
        assert_eq!(decode(0xfe00_0ce3).map(|i| i.imm), Ok((-8i32) as u32));
        // sw a1, -12(a0)
        assert_eq!(
            decode(0xfeb5_2a23),
            Ok(Instruction {
                op: Op::Sw,
                rd: 0,
                rs1: 10,
                rs2: 11,
                imm: (-12i32) as u32
            })
        );
    }
}
