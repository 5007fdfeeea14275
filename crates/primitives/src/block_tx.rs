//! A transaction of an L2 block: a signed user transaction or an L1→L2 priority transaction.

use alloc::vec::Vec;
use alloy_eips::Encodable2718;
use alloy_primitives::{Address, B256};

use crate::{L1Tx, RecoveredTx};

/// One transaction of an L2 block. Priority transactions come first in a block, in queue order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // nearly all are L2: boxing them would cost an allocation per transaction
pub enum BlockTx {
    /// A signed Ethereum transaction.
    L2(RecoveredTx),
    /// A priority transaction from the L1 Mailbox.
    L1(L1Tx),
}

impl BlockTx {
    /// Transaction hash: keccak of the EIP-2718 encoding, or the canonical hash of a priority transaction.
    pub fn hash(&self) -> B256 {
        match self {
            Self::L2(t) => t.hash,
            Self::L1(t) => t.canonical_hash(),
        }
    }

    /// The sender (recovered signer, or the possibly aliased L1 caller).
    pub fn sender(&self) -> Address {
        match self {
            Self::L2(t) => t.sender,
            Self::L1(t) => t.from,
        }
    }

    /// EIP-2718 bytes (`0xff ‖ rlp` for priority transactions): what the transactions root and the store hold.
    pub fn encoded_2718(&self) -> Vec<u8> {
        match self {
            Self::L2(t) => t.envelope.encoded_2718(),
            Self::L1(t) => t.encoded_2718(),
        }
    }

    /// The priority transaction, if this is one.
    pub fn as_l1(&self) -> Option<&L1Tx> {
        match self {
            Self::L1(t) => Some(t),
            Self::L2(_) => None,
        }
    }

    /// The signed transaction, if this is one.
    pub fn as_l2(&self) -> Option<&RecoveredTx> {
        match self {
            Self::L2(t) => Some(t),
            Self::L1(_) => None,
        }
    }
}
