//! The integration tests: one test binary (so `tests/` compiles once), one module per
//! concern. Each runs the real `rebate-audit` binary on real files; `common` holds the
//! fixtures they share.

#![allow(dead_code)]

mod accruals;
mod aggregate;
mod amendments;
mod architecture;
mod browser;
mod catalogs;
mod claims_everywhere;
mod clawback_cash;
mod clawbacks;
mod cli;
mod commands;
mod common;
mod containers;
mod demo;
mod duplicates;
mod engines;
mod formats;
mod fuzz_regressions;
mod headlines;
mod hostile;
mod html;
mod init;
mod kill;
mod layouts;
mod ledgers_and_bills;
mod limitation;
mod long_terms;
mod many_contracts;
mod mutations;
mod nightly;
mod packs;
mod parquet;
mod projections;
mod properties;
mod providers;
mod rules;
mod statements;
mod streamed;
mod trails;
mod typed_inputs;
mod workbook;
mod zh_everywhere;
