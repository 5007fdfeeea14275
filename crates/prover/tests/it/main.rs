//! Proving real batches with the batch guest, and the proof job queue.
#![allow(clippy::unwrap_used)] // a failure is a test failure

mod postgres;
mod prove;
mod queue;
