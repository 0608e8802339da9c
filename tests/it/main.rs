//! The integration tests: one test binary (so `tests/` compiles once), one module per
//! concern. Each runs the real `rebate-audit` binary on real files; `common` holds the
//! fixtures they share.

#![allow(dead_code)]

mod architecture;
mod catalogs;
mod cli;
mod common;
mod containers;
mod demo;
mod formats;
mod fuzz_regressions;
mod headlines;
mod hostile_folders;
mod html;
mod kill;
mod layouts;
mod ledgers_and_bills;
mod long_terms;
mod mutations;
mod names;
mod nightly;
mod packs;
mod parquet;
mod pipes;
mod properties;
mod providers;
mod rules;
mod text_safety;
mod trails;
mod typed_inputs;
mod workbook;
mod zh_everywhere;
