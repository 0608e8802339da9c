//! The application layer: composes the stages (load rulesets → load contracts → read
//! billing → read payouts → compute → reconcile → baseline → write reports → evidence
//! packs → commit), owns the thread pool, the cancellation of a run, the input limits
//! and the configuration. The only layer that imports every other one.

pub mod cli;
pub mod config;
pub mod inspect;
pub mod pipeline;
pub mod progress;
pub mod settings;

use crate::baseline;
use crate::domain::finding::Severity;
use crate::report;
use crate::ruleset;
use crate::store as output;
use cli::{Args, Command, ExplainArgs, InspectArgs, RunArgs};
use config::{Config, ConfigError};
use pipeline::PipelineError;

/// How a run ended, for the exit status (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No finding at or above `--fail-on`: exit 0.
    Clean,
    /// Findings at or above `--fail-on`: exit 1.
    Findings,
    /// Stopped by SIGTERM or SIGINT before the reports were swapped in: exit 3; the
    /// output folder holds the previous reports, untouched (see [`output`]).
    Interrupted,
}

impl Outcome {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Interrupted => output::INTERRUPTED,
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
    Explain(#[from] report::explain::ExplainError),
    /// The output folder is locked by another run, cannot be replaced, or the run was
    /// interrupted.
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

/// Runs the command the arguments name; prints a short summary on standard output.
///
/// # Errors
/// When the audit cannot run; see [`RunError`].
pub fn run(args: Args) -> Result<Outcome, RunError> {
    match args.command {
        Command::Run(run_args) => match run_audit(&run_args) {
            // Whatever stopped the pipeline once SIGTERM or SIGINT came is the signal's doing.
            Err(_) if output::interrupted() => {
                eprintln!(
                    "rebate-audit: interrupted by {}: stopped; no report was written and the previous reports are unchanged",
                    output::signal_name()
                );
                Ok(Outcome::Interrupted)
            }
            result => result,
        },
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
    let today = config::today()?;
    let period = args
        .period
        .as_deref()
        .map(report::explain::parse_period)
        .transpose()?;
    let config = Config::from_args(&args.run_args(), today)?;
    let audit = pipeline::audit(&config)?;
    print!(
        "{}",
        report::explain::render(&audit, &args.contract, period, config.lang)?
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
    let today = config::today()?;
    let config = Config::from_args(args, today)?;
    // Locks --out (and --evidence DIR) and stages the reports beside it: the folders are
    // swapped in whole at the end, or left untouched (src/output.rs).
    output::handle_signals().map_err(|source| output::OutputError::Io {
        path: "signal handlers".into(),
        source,
    })?;
    let packs_folder = config.packs.then(|| report::pack::folder(&config));
    let output = output::Output::begin(&config.out, packs_folder.as_deref())?;
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
    let mut audit = audit;
    if let Some(baseline) = &config.baseline {
        baseline::attach(&mut audit, baseline);
    }
    let started = std::time::Instant::now();
    report::write_all(&audit, output.reports(), output::check)?;
    tracing::info!(
        stage = "write reports",
        contracts = audit.contracts.len(),
        findings = audit.findings.len(),
        out = %config.out.display(),
        elapsed_ms = pipeline::elapsed_ms(started),
        "stage finished"
    );
    // Evidence packs: a second pass over the inputs, on as many worker threads.
    let command_line = report::pack::command_line(std::env::args_os());
    // Without --evidence no pack is written, and packs a previous run left in this
    // output folder are not carried over, so nothing stale sits beside the new reports.
    let write_packs = || match output.packs() {
        Some(folder) => report::pack::write_to(&audit, &config, &command_line, folder),
        None => Ok(Vec::new()),
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
    output.commit()?;
    let count = |severity: Severity| {
        audit
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    };
    if !config.quiet {
        println!(
            "rebate-audit as of {}: {} contracts, {} installments, {} findings ({} error, {} warning, {} info){}; reports in {}",
            audit.as_of,
            audit.contracts.len(),
            audit.installments.len(),
            audit.findings.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
            baseline::summary_line(&audit),
            config.out.display()
        );
    }
    Ok(
        if baseline::fails(&audit, config.fail_on, config.fail_on_new) {
            Outcome::Findings
        } else {
            Outcome::Clean
        },
    )
}
