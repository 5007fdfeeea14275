//! Signed user transactions and their recovery.

use alloy_consensus::{Signed, Transaction, TxEnvelope, transaction::SignerRecoverable};
use alloy_eips::{Decodable2718, Encodable2718, eip7594::BlobTransactionSidecarVariant};
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
    /// A blob transaction without its blobs (a chain that takes blobs needs the network form).
    #[error(
        "blob transaction without its sidecar (send the network form with blobs, commitments and proofs)"
    )]
    MissingSidecar,
    /// Transaction bytes were followed by more data.
    #[error("failed to decode signed transaction: trailing bytes")]
    TrailingBytes,
}

/// Decodes an EIP-2718 transaction and recovers its signer (EIP-2 low-s enforced). Blob transactions are refused:
/// an L2 has no blobs (see [`recover_blob_tx`] for a chain that is an L1).
pub fn recover_tx(raw: &[u8]) -> Result<RecoveredTx, TxError> {
    let tx = decode_and_recover(raw)?;
    if tx.envelope.is_eip4844() {
        return Err(TxError::UnsupportedType);
    }
    Ok(tx)
}

/// Like [`recover_tx`], but also takes EIP-4844 blob transactions in their network form (with the blobs, their
/// commitments and proofs; EIP-4844 or EIP-7594 sidecar), for a chain that acts as an L1. The sidecar is split
/// off: the transaction keeps only the versioned hashes, as a block stores it. The caller checks the sidecar
/// against the hashes (KZG). A blob transaction without its sidecar is refused, as Ethereum nodes do.
pub fn recover_blob_tx(
    raw: &[u8],
) -> Result<(RecoveredTx, Option<BlobTransactionSidecarVariant>), TxError> {
    let mut tx = decode_and_recover(raw)?;
    let TxEnvelope::Eip4844(signed) = tx.envelope else {
        return Ok((tx, None));
    };
    let (signed_tx, signature, hash) = signed.into_parts();
    let (stripped, sidecar) = signed_tx.strip_sidecar();
    let sidecar = sidecar.ok_or(TxError::MissingSidecar)?;
    tx.envelope = TxEnvelope::Eip4844(Signed::new_unchecked(stripped, signature, hash));
    Ok((tx, Some(sidecar)))
}

fn decode_and_recover(mut raw: &[u8]) -> Result<RecoveredTx, TxError> {
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
