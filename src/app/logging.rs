//! The log on stderr and the panic hook: run-wide services the application installs once,
//! before a command runs.
//!
//! A human log shows warnings only unless `REBATE_AUDIT_LOG` says more; a JSON log (for
//! log collectors) also shows this program's `info` lines: one per stage of a run, when
//! its span closes, with the stage's counts and its time (`time.busy`).

use crate::app::cli::LogFormat;
use std::io::IsTerminal;
use tracing_subscriber::fmt::format::FmtSpan;

/// The environment variable holding the log filter (`info`, `debug`, `rebate_audit=info`).
pub const LOG_VARIABLE: &str = "REBATE_AUDIT_LOG";

/// Sets up the log on stderr.
pub fn init(format: LogFormat) {
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
        // A stage is a span: its line is written when it closes, with its time.
        .with_span_events(FmtSpan::CLOSE)
        // Colours only on a terminal: a cron mail or a log file gets plain text.
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        // No clock on a human line (cron adds its own); `without_time` would also drop
        // the stages' times.
        LogFormat::Human => builder.with_timer(NoClock).init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

/// A panic while a file is read (calamine on a malformed workbook) is caught by the reader
/// and reported as that file's error, and the audit goes on: it is logged as one warning
/// line instead of Rust's raw panic message. A panic while a report workbook is written is
/// caught by the report module and reported as that file's failed write, so it prints
/// nothing here. Every other panic prints as usual.
pub fn contain_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        // A workbook's panic is caught and reported as the failed write of that report.
        if crate::report::writing_workbook() {
            return;
        }
        match crate::ingest::table::contained_panic_warning(panic) {
            Some(line) => tracing::warn!("{line}"),
            None => default(panic),
        }
    }));
}

/// A timer that writes nothing.
struct NoClock;

impl tracing_subscriber::fmt::time::FormatTime for NoClock {
    fn format_time(&self, _: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        Ok(())
    }
}
