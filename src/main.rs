//! The `rebate-audit` binary: parse arguments, merge a `--config` file, set up logging,
//! run, map the result to an exit status (0 clean, 1 findings, 2 the audit could not run).

use clap::Parser;
use rebate_audit::app::cli::LogFormat;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The environment variable holding the log filter (`info`, `debug`, `rebate_audit=info`).
const LOG_VARIABLE: &str = "REBATE_AUDIT_LOG";

fn main() -> ExitCode {
    let args = match rebate_audit::app::cli::Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            // Help and version are not failures; every other argument error is status 2.
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    // The configuration file is read first: it may choose the log format.
    let args = match rebate_audit::app::settings::resolve(args) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("rebate-audit: error: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(args.log_format.unwrap_or_default());
    contain_reader_panics();
    match rebate_audit::app::run(args) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => {
            eprintln!("rebate-audit: error: {error}");
            ExitCode::from(2)
        }
    }
}

/// A panic while a file is read (calamine on a malformed workbook) is caught by the reader
/// and reported as that file's error, and the audit goes on: it is logged as one warning
/// line instead of Rust's raw panic message. Every other panic prints as usual.
fn contain_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        match rebate_audit::ingest::table::contained_panic_warning(panic) {
            Some(line) => tracing::warn!("{line}"),
            None => default(panic),
        }
    }));
}

/// Logs go to stderr. `REBATE_AUDIT_LOG` sets the filter; without it a human log shows
/// warnings only (a plain run prints nothing there), and a JSON log — asked for by a log
/// collector — also shows this program's stage lines (`info`).
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env(LOG_VARIABLE).unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(match format {
            LogFormat::Human => "warn",
            LogFormat::Json => "warn,rebate_audit=info",
        })
    });
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false)
        // Colours only on a terminal: a cron mail or a log file gets plain text.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Human => builder.without_time().init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}
