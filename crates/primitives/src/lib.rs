//! Ferrum chain primitives.
//!
//! Everything that both the native node and the proven guest need to agree on lives here:
//! block/batch numbers, the account encoding of the state tree, the state tree's hashing and
//! proof verification, the EIP-1559 base-fee rule, L2→L1 logs and the batch public input.
//!
//! The crate is `no_std + alloc` (disable the default `std` feature) so that the state transition
//! function can be compiled to RISC-V and proven. Every byte-level format here is specified in
//! `docs/architecture.md`; a change to one is a protocol change.
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

extern crate alloc;

// With `native-blake2s` the hash comes from the guest runtime; the crate stays a dependency of the default build.
#[cfg(feature = "native-blake2s")]
use blake2 as _;

mod account;
mod batch;
mod block_tx;
mod fee;
pub mod hash;
mod l1_tx;
mod l2_log;
mod numbers;
mod transaction;
pub mod tree;

pub use account::{ACCOUNT_PROPERTIES_ADDRESS, AccountState};
pub use batch::{BatchOutput, EMPTY_PRIORITY_OPS_HASH, StateCommitment, batch_public_input};
pub use block_tx::BlockTx;
pub use fee::{FeeParams, next_base_fee};
pub use l1_tx::{L1_TX_GAS_PER_PUBDATA, L1_TX_TYPE, L1Tx, L1TxError, roll_priority_hash};
pub use l2_log::{
    BOOTLOADER_ADDRESS, L1_MESSAGE_SENT_TOPIC, L1_MESSENGER_ADDRESS, L2_ASSET_ROUTER_ADDRESS,
    L2_BASE_TOKEN_ADDRESS, L2_NATIVE_TOKEN_VAULT_ADDRESS, L2_TO_L1_LOG_SERIALIZE_SIZE,
    L2_TO_L1_LOGS_TREE_DEPTH, L2ToL1Log, l2_to_l1_logs_proof, l2_to_l1_logs_root,
};
pub use numbers::{BatchNumber, BlockNumber};
pub use transaction::{RecoveredTx, TxError, intrinsic_gas, recover_blob_tx, recover_tx};

/// Protocol version recorded in every batch's public input.
pub const PROTOCOL_VERSION: u64 = 1;
