//! Code shared by the examples (`gen` and `bench`): the deterministic generator of large,
//! realistic audits. Each example includes it with
//! `#[path = "support/mod.rs"] mod support;` and uses a different part of it.
#![allow(dead_code)]

pub mod generator;
mod parquet_sink;
mod rebate;
mod rng;

pub use generator::{Layout, Spec, generate};
