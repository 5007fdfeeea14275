//! Sequencer integration tests over a real store.
#![allow(clippy::unwrap_used)] // a failure is a test failure

mod idle;
mod witness;
