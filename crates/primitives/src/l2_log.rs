//! L2→L1 logs and their Merkle root, in ZKsync's format.

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, address, b256, keccak256};

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

/// The bootloader's address: sender of the status log of every priority transaction.
pub const BOOTLOADER_ADDRESS: Address = address!("0x0000000000000000000000000000000000008001");
/// The L1 messenger system contract (`sendToL1(bytes)`).
pub const L1_MESSENGER_ADDRESS: Address = address!("0x0000000000000000000000000000000000008008");
/// The base token system contract (`withdraw(address)`).
pub const L2_BASE_TOKEN_ADDRESS: Address = address!("0x000000000000000000000000000000000000800a");
/// The L2 asset router (ERC-20 bridging: `finalizeDeposit`, `withdraw`, `l2TokenAddress`).
pub const L2_ASSET_ROUTER_ADDRESS: Address = address!("0x0000000000000000000000000000000000010003");
/// The L2 native token vault (asset-id views).
pub const L2_NATIVE_TOKEN_VAULT_ADDRESS: Address =
    address!("0x0000000000000000000000000000000000010004");
/// `keccak256("L1MessageSent(address,bytes32,bytes)")`: the messenger's event.
pub const L1_MESSAGE_SENT_TOPIC: B256 =
    b256!("0x3a36e47291f4201faf137fab081d92295bce2d53be2c6ca68ba82c7faa9ce241");

impl L2ToL1Log {
    /// Inverse of [`L2ToL1Log::encode`].
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != L2_TO_L1_LOG_SERIALIZE_SIZE {
            return None;
        }
        Some(Self {
            shard_id: bytes[0],
            is_service: bytes[1] != 0,
            tx_number_in_batch: u16::from_be_bytes([bytes[2], bytes[3]]),
            sender: Address::from_slice(&bytes[4..24]),
            key: B256::from_slice(&bytes[24..56]),
            value: B256::from_slice(&bytes[56..]),
        })
    }

    /// The status log of priority transaction `canonical_hash` (`value` = 1 success, 0 failure).
    pub fn priority_status(tx_number: u16, canonical_hash: B256, success: bool) -> Self {
        Self {
            shard_id: 0,
            is_service: true,
            tx_number_in_batch: tx_number,
            sender: BOOTLOADER_ADDRESS,
            key: canonical_hash,
            value: B256::with_last_byte(success as u8),
        }
    }

    /// The log of a message `sendToL1` sent: `key = pad32(sender)`, `value = keccak256(message)`.
    pub fn message(tx_number: u16, sender: Address, message_hash: B256) -> Self {
        Self {
            shard_id: 0,
            is_service: true,
            tx_number_in_batch: tx_number,
            sender: L1_MESSENGER_ADDRESS,
            key: sender.into_word(),
            value: message_hash,
        }
    }
}

/// Hashes the logs tree level by level; returns its root and, for `index`, the siblings on the way up.
/// `None` if there are more logs than leaves.
fn walk_logs_tree(logs: &[L2ToL1Log], index: Option<usize>) -> Option<(B256, Vec<B256>)> {
    if logs.len() > 1 << L2_TO_L1_LOGS_TREE_DEPTH {
        return None;
    }
    let mut empty = keccak256([0u8; L2_TO_L1_LOG_SERIALIZE_SIZE]);
    let mut level: Vec<B256> = logs.iter().map(|l| keccak256(l.encode())).collect();
    let mut path = Vec::new();
    let mut i = index.unwrap_or(0);
    for _ in 0..L2_TO_L1_LOGS_TREE_DEPTH {
        if index.is_some() {
            path.push(level.get(i ^ 1).copied().unwrap_or(empty));
        }
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        for pair in level.chunks(2) {
            let right = pair.get(1).copied().unwrap_or(empty);
            next.push(keccak256([pair[0].as_slice(), right.as_slice()].concat()));
        }
        empty = keccak256([empty.as_slice(), empty.as_slice()].concat());
        level = next;
        i /= 2;
    }
    Some((level.first().copied().unwrap_or(empty), path))
}

/// The 14 siblings (leaf level first) proving leaf `index` of the logs tree over `logs`.
pub fn l2_to_l1_logs_proof(logs: &[L2ToL1Log], index: usize) -> Option<Vec<B256>> {
    if index >= logs.len() {
        return None;
    }
    walk_logs_tree(logs, Some(index)).map(|(_, path)| path)
}

/// Root of the keccak Merkle tree of depth [`L2_TO_L1_LOGS_TREE_DEPTH`] whose leaves are
/// `keccak256(log.encode())`, padded with `keccak256([0; 88])`.
///
/// Returns `None` if there are more logs than leaves.
pub fn l2_to_l1_logs_root(logs: &[L2ToL1Log]) -> Option<B256> {
    walk_logs_tree(logs, None).map(|(root, _)| root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `contracts/test/vectors/formats.json`, `logs`: a status log and a withdrawal message log.
    #[test]
    fn logs_root_and_proofs_match_the_contract_vectors() {
        use alloy_primitives::hex;
        let status = L2ToL1Log::priority_status(
            0,
            b256!("0xf68e461d82a005e82ceb108d185bd0bdbee2cb10eb71150c08b15d851a1916a4"),
            true,
        );
        let message = hex!(
            "6c0960f9328809bc894f92807417d2dad6b7c998c1afdac600000000000000000000000000000000000000000000000006f05b59d3b20000"
        );
        let msg_log = L2ToL1Log::message(1, L2_BASE_TOKEN_ADDRESS, keccak256(message));
        assert_eq!(
            keccak256(status.encode()),
            b256!("0x863746265299a2bcede5fb742803a853e7478c5ffc71f8127cf9c0c01d8ea264")
        );
        assert_eq!(
            keccak256(msg_log.encode()),
            b256!("0xa61012cf763ad4e66875d82a947032b24176823e22c0909d7e3618095b0663d6")
        );
        let logs = [status, msg_log];
        let root = l2_to_l1_logs_root(&logs).unwrap();
        assert_eq!(
            root,
            b256!("0xe90a1aaf6d0b1d75333acbb4b73e288a1cb33f837651ca40a535c26c7c1768b2")
        );
        for (i, log) in logs.iter().enumerate() {
            let proof = l2_to_l1_logs_proof(&logs, i).unwrap();
            assert_eq!(proof.len(), L2_TO_L1_LOGS_TREE_DEPTH);
            let mut h = keccak256(log.encode());
            let mut idx = i;
            for sib in &proof {
                h = if idx % 2 == 0 {
                    keccak256([h.as_slice(), sib.as_slice()].concat())
                } else {
                    keccak256([sib.as_slice(), h.as_slice()].concat())
                };
                idx /= 2;
            }
            assert_eq!(h, root);
            assert_eq!(L2ToL1Log::decode(&log.encode()), Some(*log));
        }
        assert!(l2_to_l1_logs_proof(&logs, 2).is_none());
    }

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
