//! A deterministic generator of large, realistic audits: the contract workbook, billing
//! exports (the generic template or Alibaba's Chinese bill-detail layout, CSV or one
//! `.xlsx`) and a payout ledger that roughly matches what the contracts promise.
//!
//! Realism, as far as it matters to an auditor's speed and memory:
//! - billing covers January 2024 to December 2025; the files split that span into equal
//!   slices of time (like monthly or quarterly exports), and within a file the lines are
//!   sorted by account, then by time (`group`: in random order of account and time, as
//!   a group's merged or re-sorted exports can be);
//! - accounts weigh very differently (a few big spenders, many small), each has its own
//!   fleet of instances (ECS, RDS, OSS, SLB, CDN) and its own contract discount; most
//!   lines are small pay-as-you-go charges, about 1% are subscription orders, 0.5% are
//!   refunds (negative lines) and some carry vouchers;
//! - contracts mix every tier basis, tier mode, settlement, base, cap, schedule and
//!   invoice requirement; tiers are scaled to each contract's expected spend so tiers are
//!   crossed at any data size; a few accounts belong to no contract;
//! - the ledger pays most installments exactly and on time, and some late, short, over
//!   or not at all; some invoices are missing or late.
//!
//! Nothing depends on the clock or on hashing order: the same [`Spec`] writes the same
//! bytes. Files are written through buffers (the `.xlsx` with rust_xlsxwriter's
//! constant-memory mode), so memory stays small at any size.

use super::rebate::{self, Basis, Mode, Portion, Settlement, Terms, Tier};
use super::rng::{Rng, base36, mix};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Billing layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The generic template (docs/INPUTS.md), all eleven columns.
    Generic,
    /// Alibaba Cloud's 41-column Chinese bill detail (明细账单 / BillingItemDetail).
    Aliyun,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Billing lines in total (header rows not counted).
    pub lines: u64,
    /// Billing files (1 with `xlsx`).
    pub files: usize,
    pub contracts: usize,
    pub layout: Layout,
    /// One `.xlsx` billing workbook instead of CSV files.
    pub xlsx: bool,
    /// Parquet billing files (snappy) instead of CSV files, generic layout only.
    pub parquet: bool,
    /// The contract workbook as a folder of CSVs instead of `contracts.xlsx`.
    pub contracts_csv: bool,
    /// A group-wide audit's shape (issue 17): every contract settles quarterly over
    /// 2024–2025 with two accounts and one installment, no account is uncovered, the lines
    /// of a file come in random account order, and the ledger pays each contract-quarter
    /// once with a random amount.
    pub group: bool,
    pub seed: u64,
}

/// What was written.
#[derive(Debug)]
pub struct Generated {
    /// `contracts.xlsx` or the `contracts/` folder.
    pub contracts: PathBuf,
    /// The `billing/` folder.
    pub billing: PathBuf,
    pub billing_files: Vec<PathBuf>,
    pub payouts: PathBuf,
    pub lines: u64,
    /// Bytes of the billing files.
    pub bytes: u64,
    pub installments: usize,
    pub payout_rows: usize,
}

/// The audit date the ledger is written for (nothing is paid after it).
pub const AS_OF: (i32, u32, u32) = (2026, 6, 30);

/// Billing spans 2024-01-01 to 2025-12-31.
const DATA_MONTHS: usize = 24;
const DATA_DAYS: u64 = 731;
const DAY: u64 = 86_400;
const DATA_SECONDS: u64 = DATA_DAYS * DAY;
/// Excel's row limit less the header.
const XLSX_MAX_LINES: u64 = 1_048_575;

mod billing;
mod contracts;
mod payouts;
mod sinks;
mod world;

use billing::*;
use contracts::*;
use payouts::*;
pub(crate) use sinks::RowSink;
use sinks::*;
use world::*;

/// Writes the audit into `folder`: `contracts.xlsx` (or `contracts/`), `billing/` and
/// `payouts.csv` (written last, under a temporary name first: its presence means the
/// data set is complete).
pub fn generate(folder: &Path, spec: &Spec) -> io::Result<Generated> {
    if spec.xlsx && spec.lines > XLSX_MAX_LINES {
        return Err(io::Error::other(format!(
            "an .xlsx sheet holds at most {XLSX_MAX_LINES} lines; use CSV for {}",
            spec.lines
        )));
    }
    let files = if spec.xlsx { 1 } else { spec.files.max(1) };
    let billing = folder.join("billing");
    std::fs::create_dir_all(&billing)?;
    let world = build_world(spec);
    let contracts = write_contracts(folder, spec, &world)?;
    let mut weighted: Vec<Vec<i128>> = world
        .contracts
        .iter()
        .map(|contract| vec![0; contract.months])
        .collect();
    let billing_files = write_billing(&billing, spec, files, &world, &mut weighted)?;
    let bytes = billing_files
        .iter()
        .map(|path| std::fs::metadata(path).map(|metadata| metadata.len()))
        .sum::<io::Result<u64>>()?;
    let payouts = folder.join("payouts.csv");
    let (installments, payout_rows) = write_payouts(&payouts, spec, &world, &weighted)?;
    Ok(Generated {
        contracts,
        billing,
        billing_files,
        payouts,
        lines: spec.lines,
        bytes,
        installments,
        payout_rows,
    })
}

fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> io::Error {
    io::Error::other(error.to_string())
}
