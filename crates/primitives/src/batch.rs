//! State commitments, batch outputs and the batch public input proven to L1.

use alloy_primitives::{B256, U256, b256, keccak256};

use crate::hash::blake2s;

/// Initial priority-ops rolling hash: `keccak256("")`, as ZKsync.
pub const EMPTY_PRIORITY_OPS_HASH: B256 =
    b256!("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// Everything that identifies the chain's state after a block (RLP: a list of the fields in order).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, alloy_rlp::RlpEncodable, alloy_rlp::RlpDecodable,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StateCommitment {
    /// State tree root.
    pub tree_root: B256,
    /// Next free leaf index of the state tree (makes insertion deterministic).
    pub next_free_index: u64,
    /// Number of the last block applied.
    pub block_number: u64,
    /// Hash of the last block applied.
    pub block_hash: B256,
    /// Timestamp of the last block applied.
    pub timestamp: u64,
}

impl StateCommitment {
    /// `blake2s(tree_root ‖ next_free_index (u64 BE) ‖ block_number (u64 BE) ‖ block_hash ‖ timestamp (u64 BE))`.
    pub fn hash(&self) -> B256 {
        blake2s(&[
            self.tree_root.as_slice(),
            &self.next_free_index.to_be_bytes(),
            &self.block_number.to_be_bytes(),
            self.block_hash.as_slice(),
            &self.timestamp.to_be_bytes(),
        ])
    }
}

/// What a batch produced besides the new state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BatchOutput {
    /// L2 chain id.
    pub chain_id: u64,
    /// Timestamp of the batch's first block.
    pub first_block_timestamp: u64,
    /// Timestamp of the batch's last block.
    pub last_block_timestamp: u64,
    /// Protocol version the batch was executed under.
    pub protocol_version: u64,
    /// Number of L1→L2 priority operations the batch executed.
    pub priority_ops_count: u64,
    /// Rolling hash of those operations (`h = keccak(h ‖ canonical tx hash)`).
    pub priority_ops_rolling_hash: B256,
    /// Root of the batch's L2→L1 logs tree.
    pub l2_to_l1_logs_root: B256,
    /// Data-availability commitment: keccak256 of the pubdata (rollup) or of its hash (validium).
    pub da_commitment: B256,
}

impl BatchOutput {
    /// `keccak256(abi.encode(uint256 chain_id, uint256 first_ts, uint256 last_ts,
    /// uint256 protocol_version, uint256 priority_ops_count, bytes32 rolling_hash,
    /// bytes32 logs_root, bytes32 da_commitment))`: eight 32-byte words.
    pub fn hash(&self) -> B256 {
        let mut buf = [0u8; 32 * 8];
        let words: [B256; 8] = [
            U256::from(self.chain_id).into(),
            U256::from(self.first_block_timestamp).into(),
            U256::from(self.last_block_timestamp).into(),
            U256::from(self.protocol_version).into(),
            U256::from(self.priority_ops_count).into(),
            self.priority_ops_rolling_hash,
            self.l2_to_l1_logs_root,
            self.da_commitment,
        ];
        for (i, w) in words.iter().enumerate() {
            buf[i * 32..(i + 1) * 32].copy_from_slice(w.as_slice());
        }
        keccak256(buf)
    }
}

/// The batch public input the verifier checks:
/// `keccak256(commitment_before.hash() ‖ commitment_after.hash() ‖ output.hash())`.
pub fn batch_public_input(
    before: &StateCommitment,
    after: &StateCommitment,
    output: &BatchOutput,
) -> B256 {
    keccak256(
        [
            before.hash().as_slice(),
            after.hash().as_slice(),
            output.hash().as_slice(),
        ]
        .concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_rolling_hash_is_keccak_of_empty() {
        assert_eq!(EMPTY_PRIORITY_OPS_HASH, keccak256([]));
    }

    #[test]
    fn public_input_binds_every_part() {
        let a = StateCommitment::default();
        let b = StateCommitment {
            block_number: 1,
            ..Default::default()
        };
        let o = BatchOutput {
            chain_id: 270,
            ..Default::default()
        };
        let pi = batch_public_input(&a, &b, &o);
        assert_ne!(pi, batch_public_input(&b, &a, &o));
        assert_ne!(
            pi,
            batch_public_input(&a, &b, &BatchOutput { chain_id: 271, ..o })
        );
    }
}
