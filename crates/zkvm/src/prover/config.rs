//! The STARK configurations: the same field, FRI and parameters with one of two hashes for the
//! Merkle commitments and the Fiat-Shamir transcript ([`ProofHash`]).

use p3_baby_bear::{BabyBear, Poseidon2BabyBear, default_babybear_poseidon2_16};
use p3_blake3::Blake3;
use p3_challenger::{DuplexChallenger, HashChallenger, SerializingChallenger32};
use p3_commit::ExtensionMmcs;
use p3_dft::Radix2DFTSmallBatch;
use p3_field::Field;
use p3_field::extension::BinomialExtensionField;
use p3_fri::{FriParameters, TwoAdicFriPcs};
use p3_merkle_tree::MerkleTreeMmcs;
use p3_symmetric::{
    CompressionFunctionFromHasher, PaddingFreeSponge, SerializingHasher, TruncatedPermutation,
};
use p3_uni_stark::StarkConfig;

use super::SecurityParams;

/// The base field.
pub type Val = BabyBear;
/// The challenge field: BabyBear's degree-4 extension.
pub type Challenge = BinomialExtensionField<Val, 4>;
/// Plonky3's DFT that parallelises over groups of rows sharing twiddles and packs the field even
/// for narrow matrices (our LogUp and quotient traces): about 10 % faster proofs at 2^19 cycles
/// than `Radix2DitParallel` (docs/zkvm.md, "Proof system").
type Dft = Radix2DFTSmallBatch<Val>;

/// The hash of a proof's Merkle trees and Fiat-Shamir transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofHash {
    /// BLAKE3 of the rows' field elements serialized as 4-byte little-endian words (many rows at
    /// once, one SIMD lane each); digests of 32 bytes. Fastest on CPUs.
    Blake3,
    /// Poseidon2 over BabyBear (width 16, Plonky3's published round constants) as a padding-free
    /// sponge of rate 8 for rows and a truncated permutation for inner nodes; digests of 8 field
    /// elements; a duplex-sponge transcript. Cheap inside a STARK: the hash a recursive verifier
    /// needs.
    Poseidon2,
}

/// BLAKE3 commitments and transcript.
pub(super) mod blake3 {
    use super::*;

    /// Leaf hashing: each row's field elements serialized (4 bytes each, little-endian).
    type Hash = SerializingHasher<Blake3>;
    /// 2-to-1 compression: BLAKE3 of the two 32-byte children.
    type Compress = CompressionFunctionFromHasher<Blake3, 2, 32>;
    type ValMmcs = MerkleTreeMmcs<Val, u8, Hash, Compress, 2, 32>;
    type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
    /// Fiat-Shamir over BLAKE3 of the serialized transcript.
    type Challenger = SerializingChallenger32<Val, HashChallenger<u8, Blake3, 32>>;
    type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
    pub(in super::super) type Config = StarkConfig<Pcs, Challenge, Challenger>;

    pub(in super::super) fn config(p: &SecurityParams) -> Config {
        let val_mmcs = ValMmcs::new(Hash::new(Blake3), Compress::new(Blake3), 0);
        let fri = super::fri(p, ChallengeMmcs::new(val_mmcs.clone()));
        let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
        Config::new(pcs, Challenger::from_hasher(Vec::new(), Blake3))
    }
}

/// Poseidon2 commitments and transcript.
pub(super) mod poseidon2 {
    use super::*;

    /// The permutation (width 16).
    pub type Perm = Poseidon2BabyBear<16>;
    /// Leaf hashing: the row's elements absorbed 8 at a time into a width-16 state.
    type Hash = PaddingFreeSponge<Perm, 16, 8, 8>;
    /// 2-to-1 compression: the permutation of the two 8-element children, truncated to 8.
    type Compress = TruncatedPermutation<Perm, 2, 8, 16>;
    type Packed = <Val as Field>::Packing;
    type ValMmcs = MerkleTreeMmcs<Packed, Packed, Hash, Compress, 2, 8>;
    type ChallengeMmcs = ExtensionMmcs<Val, Challenge, ValMmcs>;
    type Challenger = DuplexChallenger<Val, Perm, 16, 8>;
    type Pcs = TwoAdicFriPcs<Val, Dft, ValMmcs, ChallengeMmcs>;
    /// The STARK configuration of Poseidon2 proofs.
    pub type Config = StarkConfig<Pcs, Challenge, Challenger>;

    /// The configuration `p` names, with Poseidon2 whatever `p.hash` says.
    pub fn config(p: &SecurityParams) -> Config {
        let perm = default_babybear_poseidon2_16();
        let val_mmcs = ValMmcs::new(Hash::new(perm.clone()), Compress::new(perm.clone()), 0);
        let fri = super::fri(p, ChallengeMmcs::new(val_mmcs.clone()));
        let pcs = Pcs::new(Dft::default(), val_mmcs, fri);
        Config::new(pcs, Challenger::new(perm))
    }
}

fn fri<M>(p: &SecurityParams, mmcs: M) -> FriParameters<M> {
    FriParameters {
        log_blowup: p.log_blowup,
        log_final_poly_len: p.log_final_poly_len,
        max_log_arity: p.max_log_arity,
        num_queries: p.num_queries,
        batch_proof_of_work_bits: 0,
        commit_proof_of_work_bits: p.commit_pow_bits,
        query_proof_of_work_bits: p.query_pow_bits,
        mmcs,
    }
}

/// Runs `$body` with `$config` bound to the STARK configuration `$params` names. The body is
/// compiled once per hash, so everything in it is monomorphic.
macro_rules! with_config {
    ($params:expr, $config:ident => $body:expr) => {
        match $params.hash {
            $crate::prover::ProofHash::Blake3 => {
                let $config = $crate::prover::config::blake3::config($params);
                $body
            }
            $crate::prover::ProofHash::Poseidon2 => {
                let $config = $crate::prover::config::poseidon2::config($params);
                $body
            }
        }
    };
}
pub(super) use with_config;
