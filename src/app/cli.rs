//! Command-line arguments. Parsing only: [`crate::app::config::Config`] turns them into what the
//! audit runs on.

use crate::domain::lang::Lang;
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
    /// How the log on stderr is written: `human` lines (default) or one JSON object per
    /// line (with `json`, the stage lines of a run are shown by default). The filter is
    /// `REBATE_AUDIT_LOG` (e.g. `info`, `debug`).
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

/// How the log on stderr is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Plain lines for people.
    #[default]
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

impl LogFormat {
    /// `human` or `json`.
    pub fn word(self) -> &'static str {
        match self {
            LogFormat::Human => "human",
            LogFormat::Json => "json",
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an audit and write its reports into --out (the files are named by
    /// [`run_about`]).
    #[command(about = run_about())]
    Run(RunArgs),
    /// List the billing formats (built-in and from --rulesets) with the columns that
    /// identify each.
    Formats(FormatsArgs),
    /// Show which billing format a file is taken for, its column mapping, the first
    /// normalised lines and the rows that would be rejected: what to run when a new export
    /// does not load.
    Inspect(InspectArgs),
    /// Run the audit in memory (no reports written) and print the computation trail of
    /// one contract: every settlement period (or those overlapping --period) from the
    /// weighted base per product to each installment, its payouts and its findings.
    Explain(ExplainArgs),
    /// Write a starter kit into DIR: contracts.xlsx (one worked example, dropdowns, a
    /// README sheet explaining every column), an empty payouts.xlsx, a sample bill and a
    /// commented audit.toml; then `rebate-audit run --config DIR/audit.toml` audits it.
    Init(InitArgs),
    /// Write what a SQL engine needs to build the billing aggregate (docs/AGGREGATE.md)
    /// into --out: the coverage (account → contract, with validity dates), slices
    /// (half-open period slices) and products (alias) tables, each as CSV and Parquet,
    /// and plan.json with the plan's digest.
    Plan(PlanArgs),
}

/// Arguments of `rebate-audit plan`: the contract and ruleset options of `run`.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct PlanArgs {
    /// A configuration file (`audit.toml`): its `contracts`, `rulesets` and `as_of` are
    /// used (relative paths are relative to its folder); options given here win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The contract workbook (.xlsx/.xls/.xlsb/.ods) or a folder with contracts.csv,
    /// tiers.csv, products.csv and schedule.csv.
    #[arg(long, value_name = "PATH")]
    pub contracts: Option<PathBuf>,
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// The audit date written into plan.json: a date (YYYY-MM-DD), `today` (the
    /// default), `yesterday` or `last-month-end`. The tables do not depend on it.
    #[arg(long, value_name = "YYYY-MM-DD|RULE")]
    pub as_of: Option<String>,
    /// The folder to write the plan into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Arguments of `rebate-audit init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to write the kit into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The language of the kit's headers, dropdown words, README sheet and comments.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// Replace the kit's files when they exist (other files in DIR are left alone).
    #[arg(long)]
    pub force: bool,
}

/// What `run --help` says `run` does, naming every report file from the list the writer
/// is held to ([`crate::report::FILES`]), so the help cannot drift from what is written.
pub fn run_about() -> String {
    format!(
        "Run an audit and write its reports into --out: {}, and {} per contract (with \
         --evidence, also an evidence pack per contract with findings)",
        crate::report::FILES.join(", "),
        crate::report::TRAILS
    )
}

/// Arguments of `rebate-audit formats`.
#[derive(Debug, clap::Args)]
pub struct FormatsArgs {
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
}

/// Arguments of `rebate-audit inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The billing export to inspect (.csv, .zip of CSVs, .xlsx, .xls, .xlsb, .ods).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the file as this format instead of recognising it by its header.
    #[arg(long, value_name = "NAME")]
    pub format: Option<String>,
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// How many normalised lines (and rejected rows) to show per table.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub lines: usize,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `rebate-audit run`. Every option may also come from `--config FILE`
/// (`audit.toml`); an option given on the command line wins over the file.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct RunArgs {
    /// A configuration file (`audit.toml`) with any of the options below; relative paths
    /// in it are relative to its folder. Options given on the command line win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The contract workbook (.xlsx/.xls/.xlsb/.ods) or a folder with contracts.csv,
    /// tiers.csv, products.csv and schedule.csv.
    #[arg(long, value_name = "PATH")]
    pub contracts: Option<PathBuf>,
    /// Billing exports: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub billing: Vec<PathBuf>,
    /// Audit from a billing aggregate instead of billing exports: a folder with
    /// manifest.json and the aggregate as CSV or Parquet files (partition folders
    /// `billing_month=YYYY-MM` allowed), made by a SQL engine from `rebate-audit plan`'s
    /// tables (docs/AGGREGATE.md). The --config file's `billing` is then unused.
    #[arg(long, value_name = "PATH", conflicts_with = "billing")]
    pub aggregate: Option<PathBuf>,
    /// Payout ledgers: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub payouts: Vec<PathBuf>,
    /// The agent's statements (结算单, 返点明细, 激励明细): files or folders (searched
    /// recursively), CSV or spreadsheets, compared with the recomputation. Optional.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub statements: Vec<PathBuf>,
    /// The audit date: what is due is judged as of this day. A date (YYYY-MM-DD) or a
    /// rule: `today` (the default), `yesterday` or `last-month-end` (the last day of the
    /// month before this one).
    #[arg(long, value_name = "YYYY-MM-DD|RULE")]
    pub as_of: Option<String>,
    /// Where to write the reports (created if missing). Default: `audit-out`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// Write an evidence pack per contract with findings (trail, the source rows with
    /// their original cells, payouts, contract rows, manifest of hashes): a second pass
    /// over the inputs for those contracts' accounts. Into DIR, or `evidence/` inside
    /// --out when no DIR is given. Off by default, so nightly runs stay one streaming pass.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    pub evidence: Option<Option<PathBuf>>,
    /// No evidence packs, even when the --config file asks for them.
    #[arg(long, conflicts_with = "evidence")]
    pub no_evidence: bool,
    /// Read every billing file as this format (see `rebate-audit formats`) instead of
    /// recognising each by its header row.
    #[arg(long, value_name = "NAME")]
    pub format: Option<String>,
    /// Exit with status 1 when a finding of this severity or higher exists (default:
    /// warning).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// The findings.json of an earlier run: mark each finding `new` or `persisting` and
    /// list the baseline's findings that are gone as `resolved`.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit with status 1 only for new findings (not in --baseline) at or above
    /// --fail-on. Needs --baseline.
    #[arg(long, overrides_with = "no_fail_on_new")]
    pub fail_on_new: bool,
    /// Every finding at or above --fail-on counts for the exit status, even when the
    /// --config file sets `fail_on_new`.
    #[arg(long, overrides_with = "fail_on_new")]
    pub no_fail_on_new: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print nothing on success: no progress bar, no summary line (for cron). Errors still
    /// go to stderr and the exit status still tells.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// The language of the sentences in the reports (`detail`, evidence trails): English
    /// (default) or Chinese. Types, reasons, ids and JSON keys stay English.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

/// Arguments of `rebate-audit explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A configuration file (`audit.toml`), the one `run` reads: its inputs, --as-of,
    /// rulesets, format and language, with the same rules (relative paths are relative to
    /// its folder; options given on the command line win). Its report settings are unused.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The contract whose trail to print.
    #[arg(long, value_name = "ID")]
    pub contract: String,
    /// Only the settlement periods overlapping this month, quarter or year (`2025-06`,
    /// `2024-Q4`, `2025`); default: every period.
    #[arg(long, value_name = "YYYY-MM|YYYY-Qn|YYYY")]
    pub period: Option<String>,
    /// The contract workbook (.xlsx/.xls/.xlsb/.ods) or a folder with contracts.csv,
    /// tiers.csv, products.csv and schedule.csv.
    #[arg(long, value_name = "PATH")]
    pub contracts: Option<PathBuf>,
    /// Billing exports: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub billing: Vec<PathBuf>,
    /// A billing aggregate's folder instead of billing exports, as for `run`.
    #[arg(long, value_name = "PATH", conflicts_with = "billing")]
    pub aggregate: Option<PathBuf>,
    /// Payout ledgers: files or folders (searched recursively), CSV or spreadsheets.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub payouts: Vec<PathBuf>,
    /// The agent's statements: files or folders (optional); their findings show with
    /// the period's.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub statements: Vec<PathBuf>,
    /// The audit date: a date (YYYY-MM-DD), `today` (the default), `yesterday` or
    /// `last-month-end`.
    #[arg(long, value_name = "YYYY-MM-DD|RULE")]
    pub as_of: Option<String>,
    /// A folder of ruleset TOML files that add to (and override) the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub rulesets: Option<PathBuf>,
    /// Read every billing file as this format instead of recognising it by its header.
    #[arg(long, value_name = "NAME")]
    pub format: Option<String>,
    /// The language of the trail and of the findings' sentences (default: English).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

impl ExplainArgs {
    /// The audit `explain` runs: the same inputs as `run`, quietly, writing nothing.
    pub fn run_args(&self) -> RunArgs {
        RunArgs {
            config: self.config.clone(),
            contracts: self.contracts.clone(),
            billing: self.billing.clone(),
            aggregate: self.aggregate.clone(),
            payouts: self.payouts.clone(),
            statements: self.statements.clone(),
            as_of: self.as_of.clone(),
            rulesets: self.rulesets.clone(),
            format: self.format.clone(),
            lang: self.lang,
            quiet: true,
            ..RunArgs::default()
        }
    }
}

/// `--lang`: the language of the sentences people read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl LangArg {
    /// The language it names.
    pub fn lang(self) -> Lang {
        match self {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

/// Severity threshold for the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Info,
    /// Warnings and errors.
    #[default]
    Warning,
    /// Errors only.
    Error,
}

impl FailOn {
    /// The severity it names.
    pub fn severity(self) -> crate::domain::finding::Severity {
        use crate::domain::finding::Severity;
        match self {
            FailOn::Info => Severity::Info,
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
        }
    }
}
