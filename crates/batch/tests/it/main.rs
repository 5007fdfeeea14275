//! `ferrum-batch` integration tests.
#![allow(clippy::unwrap_used)] // a failure is a test failure

mod partial_tree;
