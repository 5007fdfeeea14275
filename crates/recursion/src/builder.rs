//! Writing verifier circuits: typed variables whose operations record a [`Program`].

use std::collections::HashMap;

use p3_field::{BasedVectorSpace, PrimeCharacteristicRing, PrimeField32};

use crate::program::{
    Addr, AluOp, Block, Challenge, Hint, Instr, MAX_ADDRESSES, Program, Val, block_of, felt_block,
};

/// A base-field variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Felt(pub(crate) Addr);

/// An extension-field variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ext(pub(crate) Addr);

impl From<Felt> for Ext {
    /// A base element is an extension element with zero upper coefficients: same cell.
    fn from(f: Felt) -> Self {
        Self(f.0)
    }
}

/// Records a circuit.
#[derive(Debug, Default)]
pub struct Builder {
    instrs: Vec<Instr>,
    reads: Vec<u32>,
    consts: HashMap<[u32; 4], Addr>,
    num_public: usize,
}

/// Why a circuit could not be finished.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BuildError {
    /// More than [`MAX_ADDRESSES`] cells.
    #[error("the circuit uses {0} memory cells, more than {MAX_ADDRESSES}")]
    TooLarge(usize),
}

impl Builder {
    /// An empty circuit.
    pub fn new() -> Self {
        Self::default()
    }

    fn alloc(&mut self) -> Addr {
        let a = Addr(u32::try_from(self.reads.len()).unwrap_or(u32::MAX));
        self.reads.push(0);
        a
    }

    fn read(&mut self, a: Addr) -> Addr {
        if let Some(r) = self.reads.get_mut(a.index()) {
            // Read counts are field elements on the bus: saturate rather than wrap (the bus then fails).
            *r = r.saturating_add(1);
        }
        a
    }

    fn constant_block(&mut self, value: Block) -> Addr {
        let key = value.map(|v| v.as_canonical_u32());
        if let Some(&a) = self.consts.get(&key) {
            return a;
        }
        let out = self.alloc();
        self.instrs.push(Instr::Const { out, value });
        self.consts.insert(key, out);
        out
    }

    /// A base-field constant.
    pub fn constant(&mut self, v: Val) -> Felt {
        Felt(self.constant_block(felt_block(v)))
    }

    /// An extension-field constant.
    pub fn constant_ext(&mut self, v: Challenge) -> Ext {
        Ext(self.constant_block(block_of(v)))
    }

    fn witness(&mut self, hint: Hint, felt: bool) -> Addr {
        let out = self.alloc();
        self.instrs.push(Instr::Witness { out, hint, felt });
        out
    }

    /// The next input block, a base element (the run fails if its upper coefficients are not zero).
    pub fn input(&mut self) -> Felt {
        Felt(self.witness(Hint::Input, true))
    }

    /// The next input block, an extension element.
    pub fn input_ext(&mut self) -> Ext {
        Ext(self.witness(Hint::Input, false))
    }

    fn alu(&mut self, op: AluOp, a: Addr, b: Addr) -> Addr {
        let (a, b) = (self.read(a), self.read(b));
        let out = self.alloc();
        self.instrs.push(Instr::Alu {
            op,
            a,
            b,
            out,
            check: false,
        });
        out
    }

    fn check(&mut self, op: AluOp, a: Addr, b: Addr, out: Addr) {
        let (a, b, out) = (self.read(a), self.read(b), self.read(out));
        self.instrs.push(Instr::Alu {
            op,
            a,
            b,
            out,
            check: true,
        });
    }

    /// `a + b`.
    pub fn add(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Add, a.0, b.0))
    }

    /// `a - b`.
    pub fn sub(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Sub, a.0, b.0))
    }

    /// `a · b`.
    pub fn mul(&mut self, a: Felt, b: Felt) -> Felt {
        Felt(self.alu(AluOp::Mul, a.0, b.0))
    }

    /// `a + b` in the extension.
    pub fn add_ext(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Add, a.into().0, b.into().0))
    }

    /// `a - b` in the extension.
    pub fn sub_ext(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Sub, a.into().0, b.into().0))
    }

    /// `a · b` in the extension.
    pub fn mul_ext(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) -> Ext {
        Ext(self.alu(AluOp::Mul, a.into().0, b.into().0))
    }

    /// `1 / a` (the run fails for zero).
    pub fn inv_ext(&mut self, a: impl Into<Ext>) -> Ext {
        let a = a.into();
        // The hint's source is read by the executor, not by the circuit: no multiplicity.
        let inv = self.witness(Hint::Inverse(a.0), false);
        let one = self.constant_block(felt_block(Val::ONE));
        self.check(AluOp::Mul, a.0, inv, one);
        Ext(inv)
    }

    /// `1 / a` in the base field (the run fails for zero).
    pub fn inv(&mut self, a: Felt) -> Felt {
        let inv = self.witness(Hint::Inverse(a.0), true);
        let one = self.constant_block(felt_block(Val::ONE));
        self.check(AluOp::Mul, a.0, inv, one);
        Felt(inv)
    }

    /// Asserts `a = b`.
    pub fn assert_eq_ext(&mut self, a: impl Into<Ext>, b: impl Into<Ext>) {
        let zero = self.constant_block(felt_block(Val::ZERO));
        self.check(AluOp::Sub, a.into().0, b.into().0, zero);
    }

    /// Asserts `a = b`.
    pub fn assert_eq(&mut self, a: Felt, b: Felt) {
        self.assert_eq_ext(a, b);
    }

    /// Asserts `b ∈ {0, 1}` (one row: `b · b = b`).
    pub fn assert_bool(&mut self, b: Felt) {
        self.check(AluOp::Mul, b.0, b.0, b.0);
    }

    /// The `n` low bits of `x`, least significant first; the run fails unless `x < 2^n`. At most 30 bits, so the
    /// decomposition is unique (2^30 < p).
    pub fn bits(&mut self, x: Felt, n: u32) -> Vec<Felt> {
        assert!(n <= 30, "at most 30 bits");
        self.decompose(x, n)
    }

    /// `n` hinted bits, each boolean, whose weighted sum is `x` (modulo p).
    fn decompose(&mut self, x: Felt, n: u32) -> Vec<Felt> {
        let bits: Vec<Felt> = (0..n)
            .map(|bit| Felt(self.witness(Hint::Bit { of: x.0, bit }, true)))
            .collect();
        let mut acc = self.constant(Val::ZERO);
        for (i, &b) in bits.iter().enumerate() {
            self.assert_bool(b);
            let w = self.constant(Val::from_u32(1 << i));
            let t = self.mul(b, w);
            acc = self.add(acc, t);
        }
        self.assert_eq(acc, x);
        bits
    }

    /// All 31 bits of `x`'s canonical form (below p), least significant first.
    pub fn bits_canonical(&mut self, x: Felt) -> Vec<Felt> {
        let bits = self.decompose(x, 31);
        // p - 1 = 2^31 - 2^27 is bits 27..30 set and the rest clear: a sum of bits at or above p has bits 27..30
        // all set and a low bit set too.
        let mut top = bits[27];
        for &b in &bits[28..31] {
            top = self.mul(top, b);
        }
        let mut low = self.constant(Val::ZERO);
        for &b in &bits[..27] {
            low = self.add(low, b);
        }
        let both = self.mul(top, low);
        let zero = self.constant(Val::ZERO);
        self.assert_eq(both, zero);
        bits
    }

    /// The four coefficients of `x`.
    pub fn ext_to_felts(&mut self, x: Ext) -> [Felt; 4] {
        let c: [Felt; 4] = std::array::from_fn(|index| {
            Felt(self.witness(
                Hint::Coeff {
                    of: x.0,
                    index: index as u32,
                },
                true,
            ))
        });
        let back = self.felts_to_ext(c);
        self.assert_eq_ext(back, x);
        c
    }

    /// `c0 + c1·X + c2·X² + c3·X³`.
    pub fn felts_to_ext(&mut self, c: [Felt; 4]) -> Ext {
        self.ext_from_coefficients(c.map(Into::into))
    }

    /// `c0 + c1·X + c2·X² + c3·X³` for extension `c_i` (Plonky3's `from_ext_basis_coefficients`: an extension
    /// element's coefficient columns opened at an extension point).
    pub fn ext_from_coefficients(&mut self, c: [Ext; 4]) -> Ext {
        let mut acc = c[0];
        for (i, &ci) in c.iter().enumerate().skip(1) {
            let basis = self.constant_ext(Challenge::from_basis_coefficients_fn(|j| {
                if j == i { Val::ONE } else { Val::ZERO }
            }));
            let t = self.mul_ext(ci, basis);
            acc = self.add_ext(acc, t);
        }
        acc
    }

    /// `x^(2^k)`.
    pub fn exp_power_of_2(&mut self, x: Ext, k: usize) -> Ext {
        let mut r = x;
        for _ in 0..k {
            r = self.mul_ext(r, r);
        }
        r
    }

    /// `if bit { b } else { a }`; asserts `bit` is 0 or 1.
    pub fn select(&mut self, bit: Felt, a: Felt, b: Felt) -> Felt {
        self.assert_bool(bit);
        let d = self.sub(b, a);
        let t = self.mul(bit, d);
        self.add(a, t)
    }

    /// The Poseidon2-BabyBear width-16 permutation (Plonky3's published constants).
    pub fn poseidon2(&mut self, input: [Felt; 16]) -> [Felt; 16] {
        let input = input.map(|f| self.read(f.0));
        let output: [Addr; 16] = std::array::from_fn(|_| self.alloc());
        self.instrs.push(Instr::Poseidon2 {
            input,
            output: output.map(Some),
        });
        output.map(Felt)
    }

    /// Plonky3's `PaddingFreeSponge<Poseidon2, 16, 8, 8>` of `input` (the Merkle trees' leaf hash).
    pub fn hash(&mut self, input: &[Felt]) -> [Felt; 8] {
        let zero = self.constant(Val::ZERO);
        let mut state = [zero; 16];
        for chunk in input.chunks(8) {
            state[..chunk.len()].copy_from_slice(chunk);
            state = self.poseidon2(state);
        }
        std::array::from_fn(|i| state[i])
    }

    /// Plonky3's `TruncatedPermutation<Poseidon2, 2, 8, 16>`: the Merkle trees' 2-to-1 compression.
    pub fn compress(&mut self, left: [Felt; 8], right: [Felt; 8]) -> [Felt; 8] {
        let out = self.poseidon2(std::array::from_fn(|i| {
            if i < 8 { left[i] } else { right[i - 8] }
        }));
        std::array::from_fn(|i| out[i])
    }

    /// Plonky3's `MerkleTreeMmcs` (binary, Poseidon2) batch opening at one index: the root the rows and
    /// siblings lead to. `rows` are the opened rows of matrices of `2^log_heights[i]` rows (heights in any
    /// order); `index_bits` the index in the tallest, least significant bit first; one sibling per level. At
    /// each level the rows of matrices of that height are hashed and compressed into the node, as the MMCS
    /// commits them.
    pub fn mmcs_root(
        &mut self,
        log_heights: &[usize],
        rows: &[Vec<Felt>],
        index_bits: &[Felt],
        siblings: &[[Felt; 8]],
    ) -> [Felt; 8] {
        let max = log_heights.iter().copied().max().unwrap_or(0);
        let at_height = |h: usize| -> Vec<Felt> {
            log_heights
                .iter()
                .zip(rows)
                .filter(|&(&lh, _)| lh == h)
                .flat_map(|(_, r)| r.iter().copied())
                .collect()
        };
        let mut node = self.hash(&at_height(max));
        for (level, (&bit, sibling)) in index_bits.iter().zip(siblings).enumerate() {
            let (left, right) = self.swap(bit, node, *sibling);
            node = self.compress(left, right);
            let injected = at_height(max - level - 1);
            if !injected.is_empty() {
                let h = self.hash(&injected);
                node = self.compress(node, h);
            }
        }
        node
    }

    /// `(a, b)` when `bit` is 0, `(b, a)` when it is 1 (one row of the swap table; the run fails for another
    /// bit).
    pub fn swap(&mut self, bit: Felt, a: [Felt; 8], b: [Felt; 8]) -> ([Felt; 8], [Felt; 8]) {
        let bit_addr = self.read(bit.0);
        let a = a.map(|f| self.read(f.0));
        let b = b.map(|f| self.read(f.0));
        let out: [Addr; 16] = std::array::from_fn(|_| self.alloc());
        self.instrs.push(Instr::Swap {
            bit: bit_addr,
            a,
            b,
            out,
        });
        (
            std::array::from_fn(|i| Felt(out[i])),
            std::array::from_fn(|i| Felt(out[8 + i])),
        )
    }

    /// Publishes `x` as the next public value.
    pub fn public(&mut self, x: Felt) {
        let input = self.read(x.0);
        self.instrs.push(Instr::Public { input });
        self.num_public += 1;
    }

    /// The program.
    ///
    /// # Errors
    /// [`BuildError::TooLarge`] when the circuit uses more than [`MAX_ADDRESSES`] cells.
    pub fn build(self) -> Result<Program, BuildError> {
        if self.reads.len() > MAX_ADDRESSES as usize {
            return Err(BuildError::TooLarge(self.reads.len()));
        }
        Ok(Program {
            instrs: self.instrs,
            reads: self.reads,
            num_public: self.num_public,
        })
    }
}
