#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;

mod builder;
mod bus;
mod challenges;
mod count;
pub mod debug_util;
pub mod indexed;
pub mod logup;
mod packed;
pub mod protocol;
pub mod symbolic;
pub mod traits;
mod types;
/// Ferrum: upstream's LogUp fraction constraint, unchanged, for differential tests (`FERRUM.md`).
#[cfg(feature = "upstream-reference")]
pub mod upstream;

pub use builder::{
    IndexedLookupBuilder, InteractionBuilder, LocalTuple, SymbolicInteraction,
    SymbolicLocalInteraction,
};
pub use bus::{LookupBus, PermutationCheckBus};
pub use challenges::Challenges;
pub use count::Count;
pub use indexed::{IndexedLookupError, IndexedLookups, IndexedRead, IndexedTable, TraceWindow};
pub use logup::LogUpGadget;
pub use protocol::LookupProtocol;
pub use symbolic::InteractionSymbolicBuilder;
pub use types::*;
