//! Signed user transactions and their recovery.

use alloy_consensus::{Transaction, TxEnvelope, transaction::SignerRecoverable};
use alloy_eips::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, B256, Bytes, TxKind};

/// A decoded transaction whose signer has been recovered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveredTx {
    /// The signed transaction.
    pub envelope: TxEnvelope,
    /// The recovered signer.
    pub sender: Address,
    /// The transaction hash (keccak of the EIP-2718 encoding).
    pub hash: B256,
}

impl RecoveredTx {
    /// The EIP-2718 encoding (what `eth_sendRawTransaction` receives).
    pub fn encoded(&self) -> Bytes {
        self.envelope.encoded_2718().into()
    }
}

/// Why a raw transaction was rejected before execution.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The bytes are not a valid EIP-2718 transaction.
    #[error("failed to decode signed transaction: {0}")]
    Decode(alloy_rlp::Error),
    /// A blob (EIP-4844) transaction: Ferrum L2 has no blobs.
    #[error("failed to decode signed transaction: transaction type not supported")]
    UnsupportedType,
    /// The signature does not recover to a valid signer.
    #[error("invalid sender: invalid signature")]
    InvalidSignature,
    /// Transaction bytes were followed by more data.
    #[error("failed to decode signed transaction: trailing bytes")]
    TrailingBytes,
}

/// Decodes an EIP-2718 transaction and recovers its signer (EIP-2 low-s enforced).
pub fn recover_tx(mut raw: &[u8]) -> Result<RecoveredTx, TxError> {
    let envelope = TxEnvelope::decode_2718(&mut raw).map_err(|e| match e {
        // A first byte up to 0x7f names a transaction type we do not know.
        alloy_eips::eip2718::Eip2718Error::UnexpectedType(ty) if ty <= 0x7f => {
            TxError::UnsupportedType
        }
        alloy_eips::eip2718::Eip2718Error::RlpError(e) => TxError::Decode(e),
        _ => TxError::Decode(alloy_rlp::Error::Custom("invalid transaction envelope")),
    })?;
    if !raw.is_empty() {
        return Err(TxError::TrailingBytes);
    }
    if envelope.is_eip4844() {
        return Err(TxError::UnsupportedType);
    }
    let sender = envelope
        .recover_signer()
        .map_err(|_| TxError::InvalidSignature)?;
    let hash = *envelope.tx_hash();
    Ok(RecoveredTx {
        envelope,
        sender,
        hash,
    })
}

/// Intrinsic gas of a transaction under Prague rules (the larger of the standard cost and the
/// EIP-7623 calldata floor).
pub fn intrinsic_gas(tx: &TxEnvelope) -> u64 {
    let data = tx.input();
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let non_zeros = data.len() as u64 - zeros;
    let tokens = zeros + non_zeros * 4;
    let mut gas = 21_000 + zeros * 4 + non_zeros * 16;
    if let TxKind::Create = tx.kind() {
        gas += 32_000 + 2 * (data.len() as u64).div_ceil(32);
    }
    if let Some(list) = tx.access_list() {
        for item in list.iter() {
            gas += 2_400 + 1_900 * item.storage_keys.len() as u64;
        }
    }
    if let Some(auths) = tx.authorization_list() {
        gas += 25_000 * auths.len() as u64;
    }
    let floor = 21_000 + 10 * tokens;
    gas.max(floor)
}
