//! The validated run configuration: arguments resolved once, so the pipeline never sees
//! raw command-line text.

use crate::cli::{FailOn, RunArgs};
use crate::domain::finding::Severity;
use crate::ingest::table::is_table_file;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

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
    pub lang: crate::lang::Lang,
}

/// A bad argument; the audit does not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--as-of` is not a date.
    #[error("--as-of: expected a date such as 2026-06-30, found `{0}`")]
    AsOf(String),
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
    /// Resolves arguments; `today` is the default audit date.
    ///
    /// # Errors
    /// On a bad date, a missing path or an empty folder.
    pub fn from_args(args: &RunArgs, today: NaiveDate) -> Result<Config, ConfigError> {
        let as_of = match &args.as_of {
            None => today,
            Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| ConfigError::AsOf(text.clone()))?,
        };
        if !args.contracts.exists() {
            return Err(ConfigError::Missing {
                option: "--contracts",
                path: args.contracts.display().to_string(),
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
        Ok(Config {
            contracts: args.contracts.clone(),
            billing: expand("--billing", &args.billing, &args.out)?,
            payouts: expand("--payouts", &args.payouts, &args.out)?,
            as_of,
            out: args.out.clone(),
            rulesets: args.rulesets.clone(),
            packs: args.evidence.is_some(),
            evidence: args.evidence.clone().flatten(),
            format: args.format.clone(),
            fail_on: match args.fail_on {
                FailOn::Info => Severity::Info,
                FailOn::Warning => Severity::Warning,
                FailOn::Error => Severity::Error,
            },
            threads: args.threads,
            quiet: args.quiet,
            lang: args.lang,
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
