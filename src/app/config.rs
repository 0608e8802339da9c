//! The validated run configuration: the command line over the `--config` file, resolved
//! once into plain data, so the stages never see raw argument text. Built without I/O:
//! the settings file is read before, the inputs are discovered after
//! ([`crate::app::discover`]), the baseline is read as a stage of the run.

use crate::app::as_of::AsOf;
use crate::app::cli::RunArgs;
use crate::app::settings::{Evidence, Settings, Written};
use crate::domain::finding::Severity;
use crate::domain::lang::Lang;
use crate::ingest::table::Limits;
use chrono::NaiveDate;
use std::path::PathBuf;

/// An input path as given: on the command line (`written` is `None`), or in the
/// `--config` file, which discovery then names in its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSpec {
    /// The path (for a pattern: the path the pattern was written as).
    pub path: PathBuf,
    /// How the configuration file wrote it, when it came from there.
    pub written: Option<Written>,
}

impl InputSpec {
    fn given(path: PathBuf) -> InputSpec {
        InputSpec {
            path,
            written: None,
        }
    }

    fn from_file(written: Written) -> InputSpec {
        InputSpec {
            path: written.path.clone(),
            written: Some(written),
        }
    }
}

/// What one audit run reads and writes.
#[derive(Debug, Clone)]
pub struct Config {
    /// Contract workbook or folder.
    pub contracts: InputSpec,
    /// Billing files and folders, as given.
    pub billing: Vec<InputSpec>,
    /// Payout ledger files and folders, as given.
    pub payouts: Vec<InputSpec>,
    /// The billing aggregate's folder (`--aggregate`): read instead of billing exports.
    pub aggregate: Option<PathBuf>,
    /// The agent's statements, as given (optional).
    pub statements: Vec<InputSpec>,
    /// User rulesets folder.
    pub rulesets: Option<InputSpec>,
    /// The audit date.
    pub as_of: NaiveDate,
    /// Output folder.
    pub out: PathBuf,
    /// Whether evidence packs are written (`--evidence`).
    pub packs: bool,
    /// Evidence pack folder (`--evidence DIR`); `None`: inside `out`.
    pub evidence: Option<PathBuf>,
    /// The billing format every billing file is read as (`--format`); `None`: recognised
    /// by header.
    pub format: Option<String>,
    /// Lowest severity that makes the exit status 1.
    pub fail_on: Severity,
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// No progress bar and no summary line (cron).
    pub quiet: bool,
    /// The language of the sentences in the reports.
    pub lang: Lang,
    /// The findings of an earlier run to compare with (`--baseline`).
    pub baseline: Option<PathBuf>,
    /// Whether only findings that are new against the baseline set the exit status.
    pub fail_on_new: bool,
    /// The hostile-input limits of the table reader (`[limits]` in the --config file).
    pub limits: Limits,
}

/// A bad argument; the audit does not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--as-of` is not a date or a rule.
    #[error(
        "--as-of: expected a date such as 2026-06-30, or `today`, `yesterday` or `last-month-end`, found `{0}`"
    )]
    AsOf(String),
    /// Required inputs given neither on the command line nor in `--config`: all of them
    /// at once, so one try tells everything that is missing.
    #[error(
        "{}: required (on the command line, or as {} in a --config file)",
        .0.iter().map(|(option, _)| *option).collect::<Vec<_>>().join(", "),
        .0.iter().map(|(_, key)| format!("`{key}`")).collect::<Vec<_>>().join(", ")
    )]
    Required(
        /// Each missing option and its key in `audit.toml`, in the order of `--help`.
        Vec<(&'static str, &'static str)>,
    ),
    /// `--fail-on-new` without a baseline to tell new findings from old ones.
    #[error("--fail-on-new: needs --baseline (or `baseline` in the --config file)")]
    FailOnNewWithoutBaseline,
    /// `--threads 0`.
    #[error("--threads: expected 1 or more")]
    Threads,
}

impl Config {
    /// The command line over the settings of its `--config` file (read before, when it
    /// names one): an option given on the command line wins; a list given on the command
    /// line (`--billing`, `--payouts`) replaces the file's whole list. `today` is the day
    /// the `--as-of` rules count from (and the default audit date).
    ///
    /// # Errors
    /// On a bad date, a missing input, `--threads 0` or `--fail-on-new` without a
    /// baseline.
    pub fn new(
        args: &RunArgs,
        settings: Option<&Settings>,
        today: NaiveDate,
    ) -> Result<Config, ConfigError> {
        let file = settings.cloned().unwrap_or_default();
        let as_of = match args.as_of.as_ref().or(file.as_of.as_ref()) {
            None => today,
            Some(text) => AsOf::parse(text)
                .ok_or_else(|| ConfigError::AsOf(text.clone()))?
                .resolve(today),
        };
        let contracts = match (&args.contracts, file.contracts) {
            (Some(path), _) => Some(InputSpec::given(path.clone())),
            (None, written) => written.map(InputSpec::from_file),
        };
        let inputs = |given: &[PathBuf], written: Vec<Written>| -> Vec<InputSpec> {
            if given.is_empty() {
                written.into_iter().map(InputSpec::from_file).collect()
            } else {
                given.iter().cloned().map(InputSpec::given).collect()
            }
        };
        // An aggregate stands in for the bills: the file's billing list is then unused.
        let billing = if args.aggregate.is_some() {
            Vec::new()
        } else {
            inputs(&args.billing, file.billing)
        };
        let payouts = inputs(&args.payouts, file.payouts);
        let statements = inputs(&args.statements, file.statements);
        let missing: Vec<(&'static str, &'static str)> = [
            (contracts.is_none(), ("--contracts", "contracts")),
            (
                billing.is_empty() && args.aggregate.is_none(),
                ("--billing", "billing"),
            ),
            (payouts.is_empty(), ("--payouts", "payouts")),
        ]
        .into_iter()
        .filter_map(|(missing, names)| missing.then_some(names))
        .collect();
        let Some(contracts) = contracts.filter(|_| missing.is_empty()) else {
            return Err(ConfigError::Required(missing));
        };
        let threads = args.threads.or(file.threads);
        if threads == Some(0) {
            return Err(ConfigError::Threads);
        }
        let fail_on_new = if args.fail_on_new {
            true
        } else if args.no_fail_on_new {
            false
        } else {
            file.fail_on_new.unwrap_or(false)
        };
        let baseline = args.baseline.clone().or(file.baseline);
        if fail_on_new && baseline.is_none() {
            return Err(ConfigError::FailOnNewWithoutBaseline);
        }
        // The command line's --evidence or --no-evidence wins over the file's `evidence`.
        let evidence = if args.no_evidence {
            None
        } else if let Some(folder) = &args.evidence {
            Some(folder.clone())
        } else {
            match file.evidence {
                Some(Evidence::On(folder)) => Some(folder),
                Some(Evidence::Off) | None => None,
            }
        };
        Ok(Config {
            contracts,
            billing,
            payouts,
            aggregate: args.aggregate.clone(),
            statements,
            rulesets: match (&args.rulesets, file.rulesets) {
                (Some(path), _) => Some(InputSpec::given(path.clone())),
                (None, written) => written.map(InputSpec::from_file),
            },
            as_of,
            out: args
                .out
                .clone()
                .or(file.out)
                .unwrap_or_else(|| PathBuf::from("audit-out")),
            packs: evidence.is_some(),
            evidence: evidence.flatten(),
            format: args.format.clone().or(file.format),
            fail_on: args.fail_on.or(file.fail_on).unwrap_or_default().severity(),
            threads,
            quiet: args.quiet || file.quiet.unwrap_or(false),
            lang: args.lang.or(file.lang).unwrap_or_default().lang(),
            baseline,
            fail_on_new,
            limits: file.limits.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::cli::LangArg;
    use crate::app::settings::Origin;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn written(path: &str) -> Written {
        Written {
            text: path.into(),
            path: path.into(),
            pattern: None,
            origin: Origin {
                file: "/f/audit.toml".into(),
                line: 1,
                key: "billing",
            },
        }
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let file = Settings {
            contracts: Some(written("/f/contracts.xlsx")),
            as_of: Some("today".into()),
            out: Some("/f/out".into()),
            billing: vec![written("/f/b1.csv")],
            payouts: vec![written("/f/p.csv")],
            fail_on_new: Some(true),
            baseline: Some("/f/prev.json".into()),
            evidence: Some(Evidence::On(None)),
            threads: Some(4),
            lang: Some(LangArg::Zh),
            ..Settings::default()
        };
        let args = RunArgs {
            as_of: Some("2026-06-30".into()),
            billing: vec!["cli.csv".into()],
            no_fail_on_new: true,
            no_evidence: true,
            ..RunArgs::default()
        };
        let config = Config::new(&args, Some(&file), day("2026-12-01")).unwrap();
        assert_eq!(config.as_of, day("2026-06-30"));
        assert_eq!(config.out, PathBuf::from("/f/out"));
        assert_eq!(config.billing, vec![InputSpec::given("cli.csv".into())]);
        assert_eq!(config.payouts[0].path, PathBuf::from("/f/p.csv"));
        assert!(config.payouts[0].written.is_some());
        assert_eq!(config.contracts.path, PathBuf::from("/f/contracts.xlsx"));
        assert!(!config.fail_on_new);
        assert!(!config.packs);
        assert_eq!(config.threads, Some(4));
        assert_eq!(config.lang, Lang::Zh);
        // Without the command line's say, the file's choices stand.
        let config = Config::new(&RunArgs::default(), Some(&file), day("2026-12-01")).unwrap();
        assert_eq!(config.as_of, day("2026-12-01"));
        assert!(config.fail_on_new && config.packs && config.evidence.is_none());
    }

    #[test]
    fn what_is_missing_or_contradictory_is_refused() {
        let message = |args: &RunArgs| {
            Config::new(args, None, day("2026-12-01"))
                .unwrap_err()
                .to_string()
        };
        let mut args = RunArgs::default();
        assert_eq!(
            message(&args),
            "--contracts, --billing, --payouts: required (on the command line, or as \
             `contracts`, `billing`, `payouts` in a --config file)"
        );
        args.contracts = Some("c.xlsx".into());
        assert!(message(&args).starts_with("--billing, --payouts: required"));
        args.billing = vec!["b".into()];
        assert_eq!(
            message(&args),
            "--payouts: required (on the command line, or as `payouts` in a --config file)"
        );
        args.payouts = vec!["p".into()];
        args.threads = Some(0);
        assert_eq!(message(&args), "--threads: expected 1 or more");
        args.threads = None;
        args.fail_on_new = true;
        assert!(message(&args).starts_with("--fail-on-new: needs --baseline"));
        args.fail_on_new = false;
        args.as_of = Some("someday".into());
        assert!(message(&args).ends_with("found `someday`"));
    }
}
