//! rebate-audit: recomputes the rebates cloud-reseller contracts promise and reports
//! every payout that is unpaid, underpaid, overpaid, late or mis-invoiced.
//!
//! The pipeline runs one way — [`ingest`] → [`attribute`] → [`compute`] → [`reconcile`] →
//! [`report`] — composed in [`pipeline::audit`]. Domain types in [`domain`] carry no I/O.

#![deny(missing_docs)]

pub mod attribute;
pub mod cli;
pub mod compute;
pub mod config;
pub mod domain;
pub mod explain;
pub mod fast_hash;
pub mod ingest;
pub mod inspect;
pub mod lang;
pub mod pipeline;
pub mod progress;
pub mod quality;
pub mod reconcile;
pub mod report;
pub mod ruleset;
#[cfg(test)]
mod test_support;

use cli::{Args, Command, ExplainArgs, InspectArgs, RunArgs};
use config::{Config, ConfigError};
use domain::finding::Severity;
use pipeline::PipelineError;

/// How a run ended, for the exit status (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No finding at or above `--fail-on`: exit 0.
    Clean,
    /// Findings at or above `--fail-on`: exit 1.
    Findings,
}

impl Outcome {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
        }
    }
}

/// Why the audit could not run (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Bad arguments.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Rulesets or contracts unusable, or arithmetic overflow.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The thread pool could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Why.
        message: String,
    },
    /// `inspect` could not read its file.
    #[error(transparent)]
    Inspect(#[from] inspect::InspectError),
    /// Reports could not be written.
    #[error("cannot write the reports: {0}")]
    Write(#[from] std::io::Error),
    /// `explain` was asked about a contract or period the audit does not have.
    #[error(transparent)]
    Explain(#[from] explain::ExplainError),
}

/// Runs the command the arguments name; prints a short summary on standard output.
///
/// # Errors
/// When the audit cannot run; see [`RunError`].
pub fn run(args: Args) -> Result<Outcome, RunError> {
    match args.command {
        Command::Run(run_args) => run_audit(&run_args),
        Command::Formats(formats_args) => {
            let rulesets = ruleset::Rulesets::load(formats_args.rulesets.as_deref())
                .map_err(PipelineError::from)?;
            print!("{}", inspect::list_formats(&rulesets));
            Ok(Outcome::Clean)
        }
        Command::Inspect(inspect_args) => run_inspect(&inspect_args),
        Command::Explain(explain_args) => run_explain(&explain_args),
    }
}

/// `explain`: the audit in memory, the trail of one contract on standard output; exit 0.
fn run_explain(args: &ExplainArgs) -> Result<Outcome, RunError> {
    let today = chrono::Local::now().date_naive();
    let period = args
        .period
        .as_deref()
        .map(explain::parse_period)
        .transpose()?;
    let config = Config::from_args(&args.run_args(), today)?;
    let audit = pipeline::audit(&config)?;
    print!(
        "{}",
        explain::render(&audit, &args.contract, period, config.lang)?
    );
    Ok(Outcome::Clean)
}

/// `inspect`: exit 0 when every table is recognised and no row rejected, else 1.
fn run_inspect(args: &InspectArgs) -> Result<Outcome, RunError> {
    let rulesets =
        ruleset::Rulesets::load(args.rulesets.as_deref()).map_err(PipelineError::from)?;
    let report = inspect::inspect(&rulesets, args.format.as_deref(), &args.file, args.lines)?;
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|error| RunError::Write(std::io::Error::other(error)))?;
        println!("{text}");
    } else {
        print!("{}", inspect::render_text(&report));
    }
    Ok(if report.clean() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn run_audit(args: &RunArgs) -> Result<Outcome, RunError> {
    let today = chrono::Local::now().date_naive();
    let config = Config::from_args(args, today)?;
    let progress = progress::Progress::on_stderr(config.quiet);
    let audit = match config.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|error| RunError::Threads {
                threads,
                message: error.to_string(),
            })?
            .install(|| pipeline::audit_with_progress(&config, &progress))?,
        None => pipeline::audit_with_progress(&config, &progress)?,
    };
    report::write_all(&audit, &config.out)?;
    // Evidence packs: a second pass over the inputs, on as many worker threads.
    let command_line = report::pack::command_line(std::env::args_os());
    // Without --evidence no pack is written, and packs a previous run left in this
    // output folder are removed so nothing stale sits beside the new reports.
    let write_packs = || {
        if config.packs {
            report::pack::write(&audit, &config, &command_line)
        } else {
            report::pack::remove_all(&config.out.join("evidence")).map(|()| Vec::new())
        }
    };
    match config.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|error| RunError::Threads {
                threads,
                message: error.to_string(),
            })?
            .install(write_packs)?,
        None => write_packs()?,
    };
    let worst = audit.findings.iter().map(|finding| finding.severity).max();
    let count = |severity: Severity| {
        audit
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    };
    if !config.quiet {
        println!(
            "rebate-audit as of {}: {} contracts, {} installments, {} findings ({} error, {} warning, {} info); reports in {}",
            audit.as_of,
            audit.contracts.len(),
            audit.installments.len(),
            audit.findings.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            config.out.display()
        );
    }
    Ok(match worst {
        Some(worst) if worst >= config.fail_on => Outcome::Findings,
        _ => Outcome::Clean,
    })
}
