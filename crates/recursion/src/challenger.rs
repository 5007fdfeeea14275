//! Plonky3's `DuplexChallenger<BabyBear, Poseidon2, 16, 8>` in the circuit: the same transcript, so a circuit
//! that replays a proof's observations draws the verifier's challenges.

use p3_field::PrimeCharacteristicRing;

use crate::builder::{Builder, Ext, Felt};
use crate::program::Val;

const WIDTH: usize = 16;
const RATE: usize = 8;

/// The duplex sponge's state, buffers as the native challenger keeps them.
#[derive(Clone, Debug)]
pub struct CircuitChallenger {
    state: [Felt; WIDTH],
    input: Vec<Felt>,
    output: Vec<Felt>,
}

impl CircuitChallenger {
    /// A fresh transcript (the all-zero state).
    pub fn new(b: &mut Builder) -> Self {
        let zero = b.constant(Val::ZERO);
        Self {
            state: [zero; WIDTH],
            input: Vec::with_capacity(RATE),
            output: Vec::with_capacity(RATE),
        }
    }

    /// A transcript in a known state (a native challenger's `sponge_state`, `input_buffer` and `output_buffer`),
    /// e.g. after a seeding that depends only on constants.
    pub fn from_state(
        b: &mut Builder,
        state: &[Val; WIDTH],
        input: &[Val],
        output: &[Val],
    ) -> Self {
        Self {
            state: state.map(|v| b.constant(v)),
            input: input.iter().map(|&v| b.constant(v)).collect(),
            output: output.iter().map(|&v| b.constant(v)).collect(),
        }
    }

    fn duplexing(&mut self, b: &mut Builder) {
        let n = self.input.len();
        for (i, v) in self.input.drain(..).enumerate() {
            self.state[i] = v;
        }
        if n > 0 {
            // Unused rate slots are cleared and the absorbed length is added to the first capacity slot.
            let zero = b.constant(Val::ZERO);
            for s in &mut self.state[n..RATE] {
                *s = zero;
            }
            let len = b.constant(Val::from_usize(n));
            self.state[RATE] = b.add(self.state[RATE], len);
        }
        self.state = b.poseidon2(self.state);
        self.output.clear();
        self.output.extend_from_slice(&self.state[..RATE]);
    }

    /// Absorbs one element.
    pub fn observe(&mut self, b: &mut Builder, v: Felt) {
        self.output.clear();
        self.input.push(v);
        if self.input.len() == RATE {
            self.duplexing(b);
        }
    }

    /// Absorbs elements in order.
    pub fn observe_slice(&mut self, b: &mut Builder, vs: &[Felt]) {
        for &v in vs {
            self.observe(b, v);
        }
    }

    /// Absorbs an extension element (its four coefficients, as `observe_algebra_element` does).
    pub fn observe_ext(&mut self, b: &mut Builder, v: Ext) {
        let coeffs = b.ext_to_felts(v);
        self.observe_slice(b, &coeffs);
    }

    /// Draws a base element.
    pub fn sample(&mut self, b: &mut Builder) -> Felt {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplexing(b);
        }
        match self.output.pop() {
            Some(v) => v,
            // `duplexing` refilled the buffer.
            None => unreachable!("a duplexing leaves RATE outputs"),
        }
    }

    /// Draws an extension element (four base draws, lowest coefficient first).
    pub fn sample_ext(&mut self, b: &mut Builder) -> Ext {
        let c: [Felt; 4] = std::array::from_fn(|_| self.sample(b));
        b.felts_to_ext(c)
    }

    /// Draws `bits` random bits (the low bits of a base draw), least significant first.
    pub fn sample_bits(&mut self, b: &mut Builder, bits: usize) -> Vec<Felt> {
        let x = self.sample(b);
        let mut all = b.bits_canonical(x);
        all.truncate(bits);
        all
    }

    /// Asserts the proof-of-work `witness` makes `bits` zero bits (Plonky3's `check_witness`: nothing is
    /// absorbed when `bits` is 0).
    pub fn check_witness(&mut self, b: &mut Builder, bits: usize, witness: Felt) {
        if bits == 0 {
            return;
        }
        self.observe(b, witness);
        let zero = b.constant(Val::ZERO);
        for bit in self.sample_bits(b, bits) {
            b.assert_eq(bit, zero);
        }
    }
}
