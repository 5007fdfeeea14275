//! Integration tests of ferrum-zkvm (one binary).
#![allow(clippy::unwrap_used)]

mod conformance;
mod ecrecover;
mod executor;
mod guest;
mod prove;
mod rodata;
mod transfers;
