//! L2→L1 logs and their Merkle root, in ZKsync's format.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, keccak256};

/// Serialized size of one log.
pub const L2_TO_L1_LOG_SERIALIZE_SIZE: usize = 88;
/// Depth of the logs tree (2^14 = 16,384 leaves per batch, as ZKsync).
pub const L2_TO_L1_LOGS_TREE_DEPTH: usize = 14;

/// A log sent from L2 to L1; messages are logs from the L1 messenger whose value is the
/// message's keccak256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct L2ToL1Log {
    /// Shard id (0 = rollup shard).
    pub shard_id: u8,
    /// True for logs emitted by the system itself.
    pub is_service: bool,
    /// Index of the emitting transaction inside its batch.
    pub tx_number_in_batch: u16,
    /// Emitting contract.
    pub sender: Address,
    /// Log key.
    pub key: B256,
    /// Log value.
    pub value: B256,
}

impl L2ToL1Log {
    /// `shard_id (1) ‖ is_service (1) ‖ tx_number_in_batch (2, BE) ‖ sender (20) ‖ key (32) ‖ value (32)`.
    pub fn encode(&self) -> [u8; L2_TO_L1_LOG_SERIALIZE_SIZE] {
        let mut out = [0u8; L2_TO_L1_LOG_SERIALIZE_SIZE];
        out[0] = self.shard_id;
        out[1] = self.is_service as u8;
        out[2..4].copy_from_slice(&self.tx_number_in_batch.to_be_bytes());
        out[4..24].copy_from_slice(self.sender.as_slice());
        out[24..56].copy_from_slice(self.key.as_slice());
        out[56..].copy_from_slice(self.value.as_slice());
        out
    }
}

/// Root of the keccak Merkle tree of depth [`L2_TO_L1_LOGS_TREE_DEPTH`] whose leaves are
/// `keccak256(log.encode())`, padded with `keccak256([0; 88])`.
///
/// Returns `None` if there are more logs than leaves.
pub fn l2_to_l1_logs_root(logs: &[L2ToL1Log]) -> Option<B256> {
    if logs.len() > 1 << L2_TO_L1_LOGS_TREE_DEPTH {
        return None;
    }
    let mut empty = keccak256([0u8; L2_TO_L1_LOG_SERIALIZE_SIZE]);
    let mut level: Vec<B256> = logs.iter().map(|l| keccak256(l.encode())).collect();
    for _ in 0..L2_TO_L1_LOGS_TREE_DEPTH {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            let right = pair.get(1).copied().unwrap_or(empty);
            next.push(keccak256([pair[0].as_slice(), right.as_slice()].concat()));
        }
        empty = keccak256([empty.as_slice(), empty.as_slice()].concat());
        level = next;
    }
    Some(level.first().copied().unwrap_or(empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_padding_root_and_one_log_changes_it() {
        let empty = l2_to_l1_logs_root(&[]).unwrap();
        let one = l2_to_l1_logs_root(&[L2ToL1Log::default()]).unwrap();
        // A default log encodes as 88 zero bytes, the padding leaf itself.
        assert_eq!(empty, one);
        let log = L2ToL1Log {
            value: B256::repeat_byte(1),
            ..Default::default()
        };
        assert_ne!(l2_to_l1_logs_root(&[log]).unwrap(), empty);
    }
}
