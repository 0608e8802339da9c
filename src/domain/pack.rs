//! What an evidence pack shows besides the audit itself: the billing rows behind a
//! contract's weighted base, read a second time with their original cells; the contract's
//! and its payouts' rows as written; warnings when an input changed since the audit read
//! it; and each written file's size and SHA-256 for the manifest.

use super::location::Location;
use super::period::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// At most this many source rows are listed per contract.
pub const MAX_SOURCE_ROWS: usize = 1_000_000;

/// One billing row behind a contract's weighted base, as the audit attributed it, with
/// its cells as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseRow {
    /// The table (file, and sheet or zip member) and row.
    pub location: Location,
    /// The billing format its table was recognised as.
    pub format: String,
    /// The row's cells as read, as a JSON object in column order (header → text).
    pub cells: String,
    /// Index of the settlement period.
    pub period: usize,
    /// Billing account.
    pub account: String,
    /// Billing month.
    pub month: YearMonth,
    /// Charge date, when the export has one.
    pub date: Option<NaiveDate>,
    /// Product after alias resolution.
    pub product: String,
    /// Currency.
    pub currency: String,
    /// Net amount as billed.
    pub net_amount: Decimal,
    /// Coefficient applied.
    pub coefficient: Decimal,
    /// The line's base (net, list or cash, as the contract says).
    pub base: Decimal,
    /// base × coefficient.
    pub weighted: Decimal,
}

/// The source rows of one packed contract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseRows {
    /// The rows listed, in file order (at most [`MAX_SOURCE_ROWS`]).
    pub rows: Vec<BaseRow>,
    /// Every row attributed to the contract, listed or not.
    pub total: u64,
}

/// A row of a plain input table (the contract workbook, a payout ledger) with its cells
/// as read (a JSON object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalRow {
    /// Where it is.
    pub location: Location,
    /// Its cells.
    pub cells: String,
}

/// A file written into a pack: its size and SHA-256, for the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackFile {
    /// Its name in the pack.
    pub name: &'static str,
    /// Its size.
    pub bytes: u64,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}
