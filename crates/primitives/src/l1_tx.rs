//! L1→L2 priority transactions (type `0xff`): created by the L1 Mailbox, executed first in L2 blocks, and
//! identified by their canonical hash `keccak256(abi.encode(L2CanonicalTransaction))` (`docs/contracts.md`).

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};

/// EIP-2718 type byte of a priority transaction (era's `PRIORITY_OPERATION_L2_TX_TYPE`).
pub const L1_TX_TYPE: u8 = 0xff;

/// The `gasPerPubdataByteLimit` every priority transaction carries (`REQUIRED_L2_GAS_PRICE_PER_PUBDATA`).
pub const L1_TX_GAS_PER_PUBDATA: u64 = 800;

/// A priority transaction: the fields of the Mailbox's `L2CanonicalTransaction` that vary (the others are fixed:
/// type 255, gas per pubdata 800, no priority fee, no paymaster, `reserved[2..4] = 0`, no signature, factory
/// deps, paymaster input or reserved bytes).
#[derive(Clone, Debug, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct L1Tx {
    /// Position in the chain's priority queue (`txId`, also the canonical transaction's `nonce`).
    pub serial_id: u64,
    /// L2 sender: the L1 caller, aliased when it is a contract.
    pub from: Address,
    /// Called L2 address.
    pub to: Address,
    /// L2 gas limit, as wide as L1 stores it (execution uses at most the block's gas).
    pub gas_limit: U256,
    /// Gas price the L1 caller paid for (`maxFeePerGas`), as wide as L1 stores it.
    pub max_fee_per_gas: U256,
    /// Value the call carries.
    pub value: U256,
    /// Base token minted to `from` before the call (`reserved[0]`); pays `value` and the fee.
    pub mint: U256,
    /// Receives what is left of `mint` (`reserved[1]`).
    pub refund_recipient: Address,
    /// Calldata.
    pub data: Bytes,
}

/// Why bytes are not a priority transaction.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum L1TxError {
    /// The first byte is not `0xff`.
    #[error("not a priority transaction (type byte {0:#x})")]
    WrongType(u8),
    /// The RLP body is malformed or followed by trailing bytes.
    #[error("malformed priority transaction: {0}")]
    Rlp(alloy_rlp::Error),
}

fn word_u(v: U256) -> [u8; 32] {
    v.to_be_bytes()
}

fn word_a(a: Address) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[12..].copy_from_slice(a.as_slice());
    w
}

impl L1Tx {
    /// `keccak256(abi.encode(L2CanonicalTransaction))`: what the L1 queue stores, what the batch's rolling hash
    /// chains, and this transaction's hash on L2.
    pub fn canonical_hash(&self) -> B256 {
        keccak256(self.abi_encode())
    }

    /// `abi.encode(L2CanonicalTransaction)` (a dynamic struct: a 0x20 offset, 19 head words, 5 tails).
    pub fn abi_encode(&self) -> Vec<u8> {
        const HEAD: usize = 19 * 32;
        let padded = self.data.len().div_ceil(32) * 32;
        let mut out = Vec::with_capacity(32 + HEAD + 32 + padded + 4 * 32);
        out.extend_from_slice(&word_u(U256::from(32)));
        let statics = [
            word_u(U256::from(L1_TX_TYPE)),
            word_a(self.from),
            word_a(self.to),
            word_u(self.gas_limit),
            word_u(U256::from(L1_TX_GAS_PER_PUBDATA)),
            word_u(self.max_fee_per_gas),
            [0u8; 32], // maxPriorityFeePerGas
            [0u8; 32], // paymaster
            word_u(U256::from(self.serial_id)),
            word_u(self.value),
            word_u(self.mint),
            word_a(self.refund_recipient),
            [0u8; 32],
            [0u8; 32],
        ];
        for w in &statics {
            out.extend_from_slice(w);
        }
        // Offsets (from the start of the struct) of data, signature, factoryDeps, paymasterInput, reservedDynamic.
        let data_at = HEAD;
        let mut next = data_at + 32 + padded;
        out.extend_from_slice(&word_u(U256::from(data_at)));
        for _ in 0..4 {
            out.extend_from_slice(&word_u(U256::from(next)));
            next += 32;
        }
        out.extend_from_slice(&word_u(U256::from(self.data.len())));
        out.extend_from_slice(&self.data);
        out.resize(out.len() + padded - self.data.len(), 0);
        // signature, factoryDeps, paymasterInput, reservedDynamic: all empty (length 0).
        out.resize(out.len() + 4 * 32, 0);
        out
    }

    /// `0xff ‖ rlp(fields)`: how blocks, the transactions root and the store carry it.
    pub fn encoded_2718(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.length());
        out.push(L1_TX_TYPE);
        self.encode(&mut out);
        out
    }

    /// Inverse of [`L1Tx::encoded_2718`].
    pub fn decode_2718(bytes: &[u8]) -> Result<Self, L1TxError> {
        match bytes.split_first() {
            Some((&L1_TX_TYPE, mut body)) => {
                let tx = Self::decode(&mut body).map_err(L1TxError::Rlp)?;
                if !body.is_empty() {
                    return Err(L1TxError::Rlp(alloy_rlp::Error::UnexpectedLength));
                }
                Ok(tx)
            }
            Some((&t, _)) => Err(L1TxError::WrongType(t)),
            None => Err(L1TxError::Rlp(alloy_rlp::Error::InputTooShort)),
        }
    }

    /// Extends a batch's priority-operations rolling hash: `keccak256(h ‖ canonical_hash)`.
    pub fn roll(&self, h: B256) -> B256 {
        roll_priority_hash(h, self.canonical_hash())
    }
}

/// `keccak256(h ‖ canonical_tx_hash)`.
pub fn roll_priority_hash(h: B256, canonical_tx_hash: B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(h.as_slice());
    buf[32..].copy_from_slice(canonical_tx_hash.as_slice());
    keccak256(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, bytes};

    /// `contracts/test/vectors/formats.json`, `canonicalTx` (checked by the forge tests too).
    fn vector() -> L1Tx {
        L1Tx {
            serial_id: 7,
            from: address!("0x328809Bc894f92807417D2dAD6b7C998c1aFdac6"),
            to: address!("0x1D96F2f6BeF1202E4Ce1Ff6Dad0c2CB002861d3e"),
            gas_limit: U256::from(300_000),
            max_fee_per_gas: U256::from(1_000_000_000),
            value: U256::from(1_000_000_000_000_000_000u64),
            mint: U256::from(1_000_300_000_000_000_000u64),
            refund_recipient: address!("0x328809Bc894f92807417D2dAD6b7C998c1aFdac6"),
            data: bytes!("c0ffee"),
        }
    }

    #[test]
    fn canonical_hash_matches_the_contract_vector() {
        assert_eq!(
            vector().canonical_hash(),
            b256!("0xf68e461d82a005e82ceb108d185bd0bdbee2cb10eb71150c08b15d851a1916a4")
        );
    }

    #[test]
    fn encoding_roundtrips_and_rejects_garbage() {
        let tx = vector();
        let enc = tx.encoded_2718();
        assert_eq!(enc[0], 0xff);
        assert_eq!(L1Tx::decode_2718(&enc).unwrap(), tx);
        let mut trailing = enc.clone();
        trailing.push(0);
        assert!(L1Tx::decode_2718(&trailing).is_err());
        assert_eq!(
            L1Tx::decode_2718(&[0x02, 0xc0]),
            Err(L1TxError::WrongType(2))
        );
        assert!(L1Tx::decode_2718(&enc[..enc.len() - 1]).is_err());
        assert!(L1Tx::decode_2718(&[]).is_err());
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = vector().canonical_hash();
        let mut t = vector();
        t.mint += U256::from(1);
        assert_ne!(t.canonical_hash(), base);
        let mut t = vector();
        t.data = bytes!("c0ffef");
        assert_ne!(t.canonical_hash(), base);
        let mut t = vector();
        t.serial_id = 8;
        assert_ne!(t.canonical_hash(), base);
    }
}
