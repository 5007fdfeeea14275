//! Ferrum's L1 side as seen from Rust: typed `alloy::sol!` bindings generated from the committed artifacts in
//! `contracts/artifacts/` (ABI and creation bytecode, so they can deploy), the formats the L1 contracts check
//! (canonical priority-transaction hashes, address aliasing), and [`deploy::deploy_ecosystem`], which deploys and
//! wires the whole ecosystem (Bridgehub, ChainTypeManager, shared bridge, verifier, exodus verifier, optional ZK token
//! and governance) and registers chains, in the order documented in `docs/contracts.md`.

pub mod bindings;
pub mod deploy;
mod error;
pub mod fees;
pub mod priority;
pub mod sender;
mod stats;
pub mod watcher;

pub use deploy::{ChainParams, Deployment, EcosystemParams, create_chain, deploy_ecosystem};
pub use error::L1Error;
pub use fees::{FeePolicy, Mined};
pub use priority::{apply_l1_to_l2_alias, undo_l1_to_l2_alias};
pub use sender::{L1Sender, ProofMode, PubdataMode, SenderConfig};
pub use stats::{SenderStats, SenderStatsSnapshot};
pub use watcher::{L1Watcher, WatcherConfig, l1_tx_from_event};
