//! End-to-end tests of the `rebate-audit` binary: real files in a temporary folder, the
//! real executable, and the reports it writes. Every number asserted here is worked out
//! by hand in the test's comments.
//!
//! The standard fixture is one contract `C1` over January 2025 (monthly settlement, one
//! tier of 20% from 0, due 30 days after the period ends, late interest 0.05% a day):
//! a January bill of 10,000.00 earns E = 10,000.00 × 20% = 2,000.00, due on
//! 2025-01-31 + 30 days = 2025-03-02.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// Deterministic junk bytes (xorshift), so a failure reproduces.
fn pseudo_random_bytes(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

mod basic;
mod contract_errors;
mod data_quality;
mod determinism;
mod fail_on;
mod hostile;
mod output_safety;
mod value_formats;
