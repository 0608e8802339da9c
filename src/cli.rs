//! Command-line arguments. Parsing only: [`crate::config::Config`] turns them into what the
//! audit runs on.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Recomputes the rebates cloud-reseller contracts promise and reports every payout that
/// is unpaid, underpaid, overpaid, late or mis-invoiced.
#[derive(Debug, Parser)]
#[command(name = "rebate-audit", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an audit and write findings.json, findings.csv, findings.xlsx, summary.md,
    /// summary.html and per-contract evidence into --out.
    Run(RunArgs),
}

/// Arguments of `rebate-audit run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The contract workbook (.xlsx/.xls/.xlsb/.ods) or a folder with contracts.csv,
    /// tiers.csv, products.csv and schedule.csv.
    #[arg(long, value_name = "PATH")]
    pub contracts: PathBuf,
    /// Billing exports: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub billing: Vec<PathBuf>,
    /// Payout ledgers: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1.., required = true)]
    pub payouts: Vec<PathBuf>,
    /// The audit date (YYYY-MM-DD): what is due is judged as of this day. Default: today.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// Where to write the reports (created if missing).
    #[arg(long, value_name = "DIR", default_value = "audit-out")]
    pub out: PathBuf,
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// Exit with status 1 when a finding of this severity or higher exists.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Severity threshold for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Info,
    /// Warnings and errors.
    Warning,
    /// Errors only.
    Error,
}
