//! The recursion machine's program: straight-line instructions over a write-once memory.
//!
//! Every address is written by exactly one instruction and read by any number of later ones; the
//! number of reads is part of the program (the writer's multiplicity on the memory bus), so the
//! memory argument needs no timestamps, no sorting and no per-access columns.

use p3_field::{BasedVectorSpace, PrimeCharacteristicRing};

/// The base field (BabyBear).
pub type Val = ferrum_zkvm::Val;
/// The extension field the verifier circuits compute in (BabyBear⁴).
pub type Challenge = ferrum_zkvm::Challenge;
/// A memory cell: an extension element's four coefficients (a base element has zeros above).
pub type Block = [Val; 4];

/// Most addresses a program may use (addresses are base-field elements on the memory bus).
pub const MAX_ADDRESSES: u32 = 1 << 28;

/// A memory address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Addr(pub u32);

impl Addr {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// An extension-field operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AluOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a · b`.
    Mul,
}

/// How a witness cell gets its value when the program runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// The next block of the input stream.
    Input,
    /// The inverse of the value at an address (zero has none: the run fails).
    Inverse(Addr),
    /// Coefficient `index` of the extension element at `of`.
    Coeff {
        /// The element.
        of: Addr,
        /// Which coefficient (0 to 3).
        index: u32,
    },
    /// Bit `bit` of the canonical form of the base element at `of`.
    Bit {
        /// The element.
        of: Addr,
        /// Which bit (0 is the least significant).
        bit: u32,
    },
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instr {
    /// Writes a constant (fixed by the program).
    Const {
        /// Where.
        out: Addr,
        /// What.
        value: Block,
    },
    /// Writes a value the prover supplies; the circuit must constrain it.
    Witness {
        /// Where.
        out: Addr,
        /// How the executor computes it.
        hint: Hint,
        /// A base element: the cell's upper coefficients are constrained to zero.
        felt: bool,
    },
    /// `out = a op b` over the extension field; with `check`, `out` is read instead of written
    /// (the instruction asserts it holds the result).
    Alu {
        /// The operation.
        op: AluOp,
        /// Left operand.
        a: Addr,
        /// Right operand.
        b: Addr,
        /// Result.
        out: Addr,
        /// Assert instead of write.
        check: bool,
    },
    /// The Poseidon2-BabyBear width-16 permutation of 16 base elements; outputs not needed are `None`.
    Poseidon2 {
        /// Input cells.
        input: [Addr; 16],
        /// Output cells.
        output: [Option<Addr>; 16],
    },
    /// Orders two 8-element digests by a bit: `out = bit ? (b ‖ a) : (a ‖ b)` (a Merkle level's children).
    Swap {
        /// The bit (0 or 1; the run fails otherwise).
        bit: Addr,
        /// First digest.
        a: [Addr; 8],
        /// Second digest.
        b: [Addr; 8],
        /// Left then right child.
        out: [Addr; 16],
    },
    /// Publishes the base element at `input` as the next public value.
    Public {
        /// The element.
        input: Addr,
    },
}

/// A compiled circuit: instructions in execution order and the reads of every address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub(crate) instrs: Vec<Instr>,
    /// Reads of each address (indexed by address).
    pub(crate) reads: Vec<u32>,
    pub(crate) num_public: usize,
}

impl Program {
    /// The instructions.
    pub fn instructions(&self) -> &[Instr] {
        &self.instrs
    }

    /// Addresses used.
    pub fn num_addresses(&self) -> usize {
        self.reads.len()
    }

    /// Public values the program publishes.
    pub fn num_public_values(&self) -> usize {
        self.num_public
    }

    /// How many instructions of each table kind: `(const, witness, alu, poseidon2, swap, public)`.
    pub fn counts(&self) -> [usize; 6] {
        let mut n = [0; 6];
        for i in &self.instrs {
            n[table_of(i)] += 1;
        }
        n
    }
}

/// The table (`0..5`, [`Program::counts`] order) an instruction's row lives in.
pub(crate) fn table_of(i: &Instr) -> usize {
    match i {
        Instr::Const { .. } => 0,
        Instr::Witness { .. } => 1,
        Instr::Alu { .. } => 2,
        Instr::Poseidon2 { .. } => 3,
        Instr::Swap { .. } => 4,
        Instr::Public { .. } => 5,
    }
}

/// A block from an extension element.
pub fn block_of(x: Challenge) -> Block {
    let c = x.as_basis_coefficients_slice();
    [c[0], c[1], c[2], c[3]]
}

/// The extension element of a block.
pub fn ext_of(b: &Block) -> Challenge {
    Challenge::from_basis_coefficients_fn(|i| b[i])
}

/// The block of a base element.
pub fn felt_block(x: Val) -> Block {
    [x, Val::ZERO, Val::ZERO, Val::ZERO]
}
