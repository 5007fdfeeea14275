//! Integration tests of ferrum-recursion (one binary).
#![allow(clippy::unwrap_used)]

mod zkvm_proofs;
