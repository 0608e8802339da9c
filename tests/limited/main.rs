//! The integration tests that run the binary under an address-space limit and measure its
//! peak memory (`wait4`'s `ru_maxrss`): hostile inputs and the input limits.
//!
//! They are a test binary of their own because a child's peak is only its own when the
//! process that spawns it is small: `posix_spawn` shares the parent's memory until `exec`,
//! and Linux carries that memory's high-water mark across the `exec` into the child's
//! `ru_maxrss`. Spawned from the main test binary, after its other tests have grown it,
//! a 20 MB run would measure as 280 MB.

#![allow(dead_code)]

#[path = "../it/common.rs"]
mod common;
mod containers;
mod hostile;
mod limits;
mod records;
mod under_limit;
