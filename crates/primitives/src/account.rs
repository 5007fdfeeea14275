//! Account properties as committed in the state tree.

use alloy_primitives::{Address, B256, U256, address};

use crate::hash::blake2s;

/// The reserved (system) address under whose storage every account's properties live, as in
/// ZKsync OS: the tree key of an account is `tree_key(ACCOUNT_PROPERTIES_ADDRESS, address)`.
pub const ACCOUNT_PROPERTIES_ADDRESS: Address =
    address!("0x0000000000000000000000000000000000008003");

/// Nonce, balance and code of one account: the preimage of its tree leaf value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccountState {
    /// Transaction count (or contract creation count for contracts).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// keccak256 of the code; `KECCAK_EMPTY` for accounts without code.
    pub code_hash: B256,
}

impl AccountState {
    /// Length of [`AccountState::encode`]'s output.
    pub const ENCODED_LEN: usize = 72;

    /// True for an account that is indistinguishable from absent (EIP-161 empty).
    pub fn is_empty(&self) -> bool {
        self.nonce == 0
            && self.balance.is_zero()
            && (self.code_hash == alloy_primitives::KECCAK256_EMPTY || self.code_hash.is_zero())
    }

    /// `nonce (u64 BE, 8) ‖ balance (U256 BE, 32) ‖ code_hash (32)`.
    pub fn encode(&self) -> [u8; Self::ENCODED_LEN] {
        let mut out = [0u8; Self::ENCODED_LEN];
        out[..8].copy_from_slice(&self.nonce.to_be_bytes());
        out[8..40].copy_from_slice(&self.balance.to_be_bytes::<32>());
        out[40..].copy_from_slice(self.code_hash.as_slice());
        out
    }

    /// Inverse of [`AccountState::encode`]; `None` if the length is wrong.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::ENCODED_LEN {
            return None;
        }
        let mut nonce = [0u8; 8];
        nonce.copy_from_slice(&bytes[..8]);
        Some(Self {
            nonce: u64::from_be_bytes(nonce),
            balance: U256::from_be_slice(&bytes[8..40]),
            code_hash: B256::from_slice(&bytes[40..]),
        })
    }

    /// The value stored in the account's tree leaf: `blake2s(encode())`, or zero for an empty
    /// account (so that an emptied account is the same as one never touched).
    pub fn tree_value(&self) -> B256 {
        if self.is_empty() {
            B256::ZERO
        } else {
            blake2s(&[&self.encode()])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_roundtrip_and_empty_value() {
        let a = AccountState {
            nonce: 7,
            balance: U256::from(1234u64),
            code_hash: B256::repeat_byte(9),
        };
        assert_eq!(AccountState::decode(&a.encode()), Some(a));
        assert_eq!(AccountState::decode(&[0u8; 3]), None);
        assert_eq!(AccountState::default().tree_value(), B256::ZERO);
        assert_ne!(a.tree_value(), B256::ZERO);
    }
}
