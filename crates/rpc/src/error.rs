//! JSON-RPC error objects with the codes and messages Ethereum clients expect.

use alloy_primitives::Bytes;
use ferrum_mempool::PoolError;
use jsonrpsee::types::ErrorObjectOwned;

/// Error codes used by Ferrum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum RpcErrorCode {
    /// Invalid method parameters (JSON-RPC 2.0).
    InvalidParams = -32602,
    /// Internal error (JSON-RPC 2.0).
    Internal = -32603,
    /// Transaction rejected / generic server error (geth's -32000).
    Server = -32000,
    /// Execution reverted; `data` carries the revert data (geth's 3).
    ExecutionReverted = 3,
    /// Request exceeds a server limit (e.g. log range).
    LimitExceeded = -32005,
}

pub(crate) fn err(code: RpcErrorCode, msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code as i32, msg.into(), None::<()>)
}

pub(crate) fn invalid_params(msg: impl Into<String>) -> ErrorObjectOwned {
    err(RpcErrorCode::InvalidParams, msg)
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ErrorObjectOwned {
    err(RpcErrorCode::Internal, e.to_string())
}

pub(crate) fn server(msg: impl Into<String>) -> ErrorObjectOwned {
    err(RpcErrorCode::Server, msg)
}

/// A transaction the pool refused: geth answers every one of these with -32000 and its message (wallets match on
/// the message: `nonce too low`, `insufficient funds`, `oversized data`, `txpool is full`, …).
pub(crate) fn pool_error(e: &PoolError) -> ErrorObjectOwned {
    match e {
        PoolError::AlreadyKnown
        | PoolError::NonceTooLow { .. }
        | PoolError::NonceGapTooLarge { .. }
        | PoolError::InsufficientFunds { .. }
        | PoolError::InsufficientFundsForQueue { .. }
        | PoolError::OversizedData { .. }
        | PoolError::FeeCapTooLow { .. }
        | PoolError::TipAboveFeeCap
        | PoolError::IntrinsicGasTooLow { .. }
        | PoolError::ExceedsBlockGasLimit
        | PoolError::InvalidChainId { .. }
        | PoolError::ReplacementUnderpriced
        | PoolError::PoolFull
        | PoolError::SenderLimit { .. }
        | PoolError::SenderBytesLimit { .. } => server(e.to_string()),
    }
}

/// `execution reverted[: reason]` with the raw revert data, as geth reports it.
pub(crate) fn reverted(data: &Bytes) -> ErrorObjectOwned {
    let msg = match decode_revert_reason(data) {
        Some(reason) => format!("execution reverted: {reason}"),
        None => "execution reverted".to_string(),
    };
    ErrorObjectOwned::owned(
        RpcErrorCode::ExecutionReverted as i32,
        msg,
        Some(data.to_string()),
    )
}

/// Decodes `Error(string)` revert data.
fn decode_revert_reason(data: &[u8]) -> Option<String> {
    const ERROR_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    if data.len() < 4 + 64 || data[..4] != ERROR_SELECTOR {
        return None;
    }
    let body = &data[4..];
    let len = alloy_primitives::U256::from_be_slice(&body[32..64]);
    let len: usize = len.try_into().ok()?;
    let bytes = body.get(64..64usize.checked_add(len)?)?;
    String::from_utf8(bytes.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_error_string() {
        // Error("nope"): selector, offset 0x20, length 4, "nope" padded to 32 bytes.
        let mut raw = vec![0x08, 0xc3, 0x79, 0xa0];
        raw.extend_from_slice(&alloy_primitives::U256::from(32u64).to_be_bytes::<32>());
        raw.extend_from_slice(&alloy_primitives::U256::from(4u64).to_be_bytes::<32>());
        let mut word = [0u8; 32];
        word[..4].copy_from_slice(b"nope");
        raw.extend_from_slice(&word);
        let data = Bytes::from(raw);
        let e = reverted(&data);
        assert_eq!(e.code(), 3);
        assert_eq!(e.message(), "execution reverted: nope");
        assert_eq!(
            reverted(&Bytes::from_static(&[1, 2])).message(),
            "execution reverted"
        );
    }

    #[test]
    fn pool_rejections_are_server_errors_with_geths_messages() {
        let e = pool_error(&PoolError::OversizedData {
            size: 131_073,
            limit: 131_072,
        });
        assert_eq!(e.code(), RpcErrorCode::Server as i32);
        assert_eq!(
            e.message(),
            "oversized data: transaction size 131073, limit 131072"
        );
        let e = pool_error(&PoolError::InsufficientFundsForQueue {
            balance: alloy_primitives::U256::from(3u64),
            queued: alloy_primitives::U256::from(2u64),
            cost: alloy_primitives::U256::from(2u64),
        });
        assert_eq!(e.code(), RpcErrorCode::Server as i32);
        assert!(
            e.message()
                .starts_with("insufficient funds for gas * price + value"),
            "{}",
            e.message()
        );
        let e = pool_error(&PoolError::SenderBytesLimit { size: 2, limit: 1 });
        assert!(e.message().starts_with("account limit exceeded"));
        assert_eq!(pool_error(&PoolError::PoolFull).message(), "txpool is full");
    }
}
