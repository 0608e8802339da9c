//! The application layer: composes the stages (load rulesets → load contracts → read
//! billing → read payouts → compute → reconcile → baseline → write reports → evidence
//! packs → commit), owns the thread pool, the cancellation of a run, the input limits and
//! the configuration. The only layer that imports every other one.

pub mod accrual_baseline;
pub mod aggregate;
pub mod as_of;
pub mod billing;
pub mod cancel;
pub mod cli;
pub mod commands;
pub mod config;
pub mod custody;
pub mod discover;
pub mod kit;
pub mod logging;
pub mod packs;
pub mod period_arg;
pub mod progress;
pub mod projections;
pub mod refusal;
pub mod services;
pub mod settings;
pub mod stages;
pub mod stdout;
pub mod table_files;
pub mod write;

use crate::domain::lang::Lang;
use cli::{Args, Command, LangArg, LogFormat};
use std::io::Write;
use std::process::ExitCode;

/// How a run ended, for the exit status (docs/USAGE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No finding at or above `--fail-on`: exit 0.
    Clean,
    /// Findings at or above `--fail-on`: exit 1.
    Findings,
    /// Stopped by SIGTERM or SIGINT before the reports were swapped in: exit 3; the
    /// output folder holds the previous reports, untouched.
    Interrupted,
}

impl Outcome {
    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Interrupted => cancel::INTERRUPTED,
        }
    }
}

/// Why a command could not run (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `REBATE_AUDIT_TODAY` is not a date.
    #[error(transparent)]
    Today(#[from] as_of::TodayError),
    /// The `--config` file is unreadable or wrong.
    #[error(transparent)]
    Settings(#[from] settings::SettingsError),
    /// Bad arguments.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// An input does not exist or a folder holds none.
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    /// The `--baseline` file is unreadable or not a findings.json.
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    /// Rulesets or contracts unusable, arithmetic overflow, or interrupted.
    #[error(transparent)]
    Stage(#[from] services::StageError),
    /// The thread pool could not start.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Requested threads.
        threads: usize,
        /// Why.
        message: String,
    },
    /// `init` could not write the starter kit.
    #[error(transparent)]
    Init(#[from] commands::init::InitError),
    /// `inspect` could not read its file.
    #[error(transparent)]
    Inspect(#[from] commands::inspect::InspectError),
    /// Reports could not be written.
    #[error("cannot write the reports: {0}")]
    Write(#[from] std::io::Error),
    /// Standard output could not be written (other than by a reader closing the pipe,
    /// which is not an error: `stdout`).
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
    /// `explain` was asked about a contract or period the audit does not have.
    #[error(transparent)]
    Explain(#[from] crate::report::explain::ExplainError),
    /// The output folder is locked by another run, cannot be replaced, or the run was
    /// interrupted.
    #[error(transparent)]
    Output(#[from] crate::store::OutputError),
}

/// The binary's whole life after argument parsing: the `--config` file read (it may
/// choose the log format), logging and the panic hook set up, the command run, and the
/// result mapped to the exit status (0 clean, 1 findings, 2 could not run, 3 interrupted).
pub fn main(args: Args) -> ExitCode {
    // The language of an error is the one asked for on the command line, else in the
    // `--config` file once it is read.
    let (config, asked) = match &args.command {
        Command::Run(run) => (run.config.as_deref(), run.lang),
        Command::Explain(explain) => (explain.config.as_deref(), explain.lang),
        Command::Plan(plan) => (plan.config.as_deref(), None),
        _ => (None, None),
    };
    let mut lang = asked.map_or(Lang::En, LangArg::lang);
    let settings = match config.map(settings::load).transpose() {
        Ok(settings) => settings,
        Err(error) => return fail(&RunError::Settings(error), lang),
    };
    if asked.is_none()
        && let Some(written) = settings.as_ref().and_then(|settings| settings.lang)
    {
        lang = written.lang();
    }
    let format = args
        .log_format
        .or(settings.as_ref().and_then(|settings| settings.log_format))
        .unwrap_or(LogFormat::Human);
    logging::init(format);
    logging::contain_reader_panics();
    let result = match &args.command {
        Command::Run(run) => commands::run::run(run, settings.as_ref()),
        Command::Formats(formats) => commands::formats::formats(formats),
        Command::Inspect(inspect) => commands::inspect::inspect(inspect),
        Command::Explain(explain) => commands::explain::explain(explain, settings.as_ref()),
        Command::Init(init) => commands::init::init(init),
        Command::Plan(plan) => commands::plan::plan(plan, settings.as_ref()),
    };
    match result {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => fail(&error, lang),
    }
}

/// Prints why the command could not run, in `lang`, and gives exit status 2.
fn fail(error: &RunError, lang: Lang) -> ExitCode {
    let text = match lang {
        Lang::En => format!("rebate-audit: error: {error}"),
        Lang::Zh => format!(
            "rebate-audit：错误：{}",
            crate::report::i18n::reasons::refusal_zh(&refusal::refusal(error))
        ),
    };
    // Not `eprintln!`, which panics when standard error is closed: the status says it.
    let _ = writeln!(std::io::stderr(), "{text}");
    ExitCode::from(2)
}

/// The run's worker threads: `threads`, or one per core.
///
/// # Errors
/// When the pool cannot start.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, RunError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|error| RunError::Threads {
            threads: threads.unwrap_or(0),
            message: error.to_string(),
        })
}
