//! The validated run configuration: arguments resolved once, so the pipeline never sees
//! raw command-line text. Options from `--config FILE` ([`crate::app::settings`]) are merged
//! in first; an option given on the command line wins.

use crate::app::cli::RunArgs;
use crate::app::settings::SettingsError;
use crate::baseline::{Baseline, BaselineError};
use crate::domain::finding::Severity;
use crate::ingest::table::is_table_file;
use chrono::{Datelike, Duration, NaiveDate};
use std::path::{Path, PathBuf};

/// The environment variable that stands in for today's date (`YYYY-MM-DD`): a test hook,
/// so `today`, `yesterday` and `last-month-end` can be checked against a fixed day.
pub const TODAY_VARIABLE: &str = "REBATE_AUDIT_TODAY";

/// Today's date on this machine's clock, or the date in `REBATE_AUDIT_TODAY` when set.
///
/// # Errors
/// When `REBATE_AUDIT_TODAY` is set but is not a date.
pub fn today() -> Result<NaiveDate, ConfigError> {
    match std::env::var(TODAY_VARIABLE) {
        Ok(text) => {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| ConfigError::Today(text))
        }
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// How the audit date is chosen: a fixed date, or a rule applied to today's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// This date.
    Date(NaiveDate),
    /// The day the run starts.
    Today,
    /// The day before.
    Yesterday,
    /// The last day of the month before today's month (on 2026-07-15 and on 2026-07-31
    /// alike: 2026-06-30).
    LastMonthEnd,
}

impl AsOf {
    /// What an `--as-of` value or an `as_of` key may hold, for error messages.
    pub const EXPECTED: &'static str =
        "a date such as 2026-06-30, or `today`, `yesterday` or `last-month-end`";

    /// Reads `YYYY-MM-DD`, `today`, `yesterday` or `last-month-end` (case and surrounding
    /// space ignored; `last_month_end` accepted too).
    pub fn parse(text: &str) -> Option<AsOf> {
        let text = text.trim();
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "today" => Some(AsOf::Today),
            "yesterday" => Some(AsOf::Yesterday),
            "last-month-end" => Some(AsOf::LastMonthEnd),
            _ => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(AsOf::Date),
        }
    }

    /// The audit date this rule gives on `today`.
    pub fn resolve(self, today: NaiveDate) -> NaiveDate {
        match self {
            AsOf::Date(date) => date,
            AsOf::Today => today,
            AsOf::Yesterday => today - Duration::days(1),
            // The first of this month, minus one day.
            AsOf::LastMonthEnd => today - Duration::days(i64::from(today.day())),
        }
    }
}

/// What one audit run reads and writes.
#[derive(Debug, Clone)]
pub struct Config {
    /// Contract workbook or folder.
    pub contracts: PathBuf,
    /// Billing files, expanded from folders, in a fixed order.
    pub billing: Vec<PathBuf>,
    /// Payout ledger files, expanded from folders, in a fixed order.
    pub payouts: Vec<PathBuf>,
    /// The audit date.
    pub as_of: NaiveDate,
    /// Output folder.
    pub out: PathBuf,
    /// User rulesets folder.
    pub rulesets: Option<PathBuf>,
    /// Whether evidence packs are written (`--evidence`).
    pub packs: bool,
    /// Evidence pack folder (`--evidence DIR`); `None`: `evidence/` inside `out`.
    pub evidence: Option<PathBuf>,
    /// The billing format every billing file is read as (`--format`); `None`: recognised
    /// by header.
    pub format: Option<String>,
    /// Lowest severity that makes the exit status 1.
    pub fail_on: Severity,
    /// Worker threads; `None` = rayon's default.
    pub threads: Option<usize>,
    /// No progress bar and no summary line (cron).
    pub quiet: bool,
    /// The language of the sentences in the reports.
    pub lang: crate::domain::lang::Lang,
    /// The findings of an earlier run to compare with (`--baseline`), read and checked.
    pub baseline: Option<Baseline>,
    /// Whether only findings that are new against the baseline set the exit status.
    pub fail_on_new: bool,
    /// The hostile-input limits of the table reader (`[limits]` in the --config file);
    /// the pipeline installs them for the whole process before it reads anything.
    pub limits: crate::ingest::table::Limits,
}

/// A bad argument; the audit does not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--as-of` is not a date or a rule.
    #[error(
        "--as-of: expected a date such as 2026-06-30, or `today`, `yesterday` or `last-month-end`, found `{0}`"
    )]
    AsOf(String),
    /// `REBATE_AUDIT_TODAY` is set but is not a date.
    #[error("REBATE_AUDIT_TODAY: expected a date such as 2026-06-30, found `{0}`")]
    Today(String),
    /// A required input is given neither on the command line nor in `--config`.
    #[error("{option}: required (on the command line, or as `{key}` in a --config file)")]
    Required {
        /// The option.
        option: &'static str,
        /// Its key in `audit.toml`.
        key: &'static str,
    },
    /// `--fail-on-new` without a baseline to tell new findings from old ones.
    #[error("--fail-on-new: needs --baseline (or `baseline` in the --config file)")]
    FailOnNewWithoutBaseline,
    /// The `--config` file is unreadable or wrong.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The `--baseline` file is unreadable or not a findings.json.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// A path does not exist.
    #[error("{option}: `{path}` does not exist")]
    Missing {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// A folder holds no readable file.
    #[error("{option}: `{path}` holds no .csv, .tsv, .zip, .xlsx, .xls, .xlsb or .ods file")]
    Empty {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// A folder cannot be listed.
    #[error("{option}: cannot read `{path}`: {source}")]
    Io {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// `--threads 0`.
    #[error("--threads: expected 1 or more")]
    Threads,
}

impl Config {
    /// Resolves arguments, after merging in the `--config` file when one is named;
    /// `today` is the day the `--as-of` rules count from (and the default audit date).
    ///
    /// # Errors
    /// On a bad configuration file, a bad date, a missing path, an empty folder or an
    /// unreadable baseline.
    pub fn from_args(args: &RunArgs, today: NaiveDate) -> Result<Config, ConfigError> {
        let merged;
        let args = if args.config.is_some() {
            merged = crate::app::settings::apply(args.clone())?;
            &merged
        } else {
            args
        };
        let as_of = match &args.as_of {
            None => today,
            Some(text) => AsOf::parse(text)
                .ok_or_else(|| ConfigError::AsOf(text.clone()))?
                .resolve(today),
        };
        let contracts = args.contracts.clone().ok_or(ConfigError::Required {
            option: "--contracts",
            key: "contracts",
        })?;
        if args.billing.is_empty() {
            return Err(ConfigError::Required {
                option: "--billing",
                key: "billing",
            });
        }
        if args.payouts.is_empty() {
            return Err(ConfigError::Required {
                option: "--payouts",
                key: "payouts",
            });
        }
        if !contracts.exists() {
            return Err(ConfigError::Missing {
                option: "--contracts",
                path: contracts.display().to_string(),
            });
        }
        if let Some(folder) = &args.rulesets
            && !folder.is_dir()
        {
            return Err(ConfigError::Missing {
                option: "--rulesets",
                path: folder.display().to_string(),
            });
        }
        if args.threads == Some(0) {
            return Err(ConfigError::Threads);
        }
        if args.fail_on_new && args.baseline.is_none() {
            return Err(ConfigError::FailOnNewWithoutBaseline);
        }
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from("audit-out"));
        // Read before anything is written: the baseline may be last night's findings.json
        // in this very output folder.
        let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
        Ok(Config {
            contracts,
            billing: expand("--billing", &args.billing, &out)?,
            payouts: expand("--payouts", &args.payouts, &out)?,
            as_of,
            out,
            rulesets: args.rulesets.clone(),
            packs: args.evidence.is_some() && !args.no_evidence,
            evidence: if args.no_evidence {
                None
            } else {
                args.evidence.clone().flatten()
            },
            format: args.format.clone(),
            fail_on: args.fail_on.unwrap_or_default().severity(),
            threads: args.threads,
            quiet: args.quiet,
            lang: args.lang.unwrap_or_default(),
            baseline,
            fail_on_new: args.fail_on_new,
            limits: args.limits.unwrap_or_default(),
        })
    }
}

/// Files as given, folders walked recursively (sorted, hidden and lock files skipped, and
/// the report folder skipped so last run's findings.csv is never read as input),
/// duplicates removed; the order is fixed so reports never depend on the file system.
fn expand(
    option: &'static str,
    paths: &[PathBuf],
    out: &Path,
) -> Result<Vec<PathBuf>, ConfigError> {
    let out = out.canonicalize().ok();
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            walk(option, path, out.as_deref(), &mut files)?;
            if files.len() == before {
                return Err(ConfigError::Empty {
                    option,
                    path: path.display().to_string(),
                });
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(ConfigError::Missing {
                option,
                path: path.display().to_string(),
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.clone()));
    Ok(files)
}

fn walk(
    option: &'static str,
    folder: &Path,
    out: Option<&Path>,
    files: &mut Vec<PathBuf>,
) -> Result<(), ConfigError> {
    if out.is_some_and(|out| folder.canonicalize().is_ok_and(|folder| folder == out)) {
        return Ok(());
    }
    let io = |source| ConfigError::Io {
        option,
        path: folder.display().to_string(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Dot files and Excel's `~$book.xlsx` lock files are never data.
        if name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        if entry.is_dir() {
            // An evidence pack's CSVs (`--evidence` put inside an input folder) are never input.
            if crate::report::pack::is_pack(&entry) {
                continue;
            }
            walk(option, &entry, out, files)?;
        } else if is_table_file(&entry) {
            files.push(entry);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn as_of_rules_read_dates_and_words() {
        assert_eq!(
            AsOf::parse("2026-06-30"),
            Some(AsOf::Date(day("2026-06-30")))
        );
        assert_eq!(AsOf::parse(" Today "), Some(AsOf::Today));
        assert_eq!(AsOf::parse("yesterday"), Some(AsOf::Yesterday));
        assert_eq!(AsOf::parse("last-month-end"), Some(AsOf::LastMonthEnd));
        assert_eq!(AsOf::parse("last_month_end"), Some(AsOf::LastMonthEnd));
        assert_eq!(AsOf::parse("2026-13-01"), None);
        assert_eq!(AsOf::parse("last-month"), None);
        assert_eq!(AsOf::parse(""), None);
    }

    #[test]
    fn last_month_end_is_the_day_before_this_month_began() {
        let rule = AsOf::LastMonthEnd;
        assert_eq!(rule.resolve(day("2026-07-15")), day("2026-06-30"));
        assert_eq!(rule.resolve(day("2026-07-01")), day("2026-06-30"));
        // On a month's last day it is still the month before.
        assert_eq!(rule.resolve(day("2026-07-31")), day("2026-06-30"));
        assert_eq!(rule.resolve(day("2026-01-05")), day("2025-12-31"));
        assert_eq!(rule.resolve(day("2024-03-10")), day("2024-02-29"));
        assert_eq!(rule.resolve(day("2025-03-31")), day("2025-02-28"));
    }

    #[test]
    fn today_and_yesterday_count_from_the_given_day() {
        assert_eq!(AsOf::Today.resolve(day("2026-03-01")), day("2026-03-01"));
        assert_eq!(
            AsOf::Yesterday.resolve(day("2026-03-01")),
            day("2026-02-28")
        );
        assert_eq!(
            AsOf::Yesterday.resolve(day("2026-01-01")),
            day("2025-12-31")
        );
        assert_eq!(
            AsOf::Date(day("2025-06-30")).resolve(day("2026-03-01")),
            day("2025-06-30")
        );
    }
}
