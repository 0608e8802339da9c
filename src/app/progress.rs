//! A progress bar on stderr for long runs: billing bytes read out of the total.
//!
//! It appears only when stderr is a terminal, `--quiet` is not given, and the run has
//! already taken two seconds — a short audit or a cron job prints nothing. Progress is
//! counted in bytes of billing files as each file (or each part of a large CSV) is done,
//! so the bar never depends on the order work finishes in, and never touches the outputs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(2);

/// Progress of the billing pass.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// No bar at all (tests, libraries, `--quiet`, stderr not a terminal).
    pub fn hidden() -> Progress {
        Progress {
            bar: None,
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// A bar on stderr unless `quiet` or stderr is not a terminal.
    pub fn on_stderr(quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message("reading billing");
        Progress {
            bar: Some(bar),
            started: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    /// The bytes to read in all.
    pub fn set_total(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
        }
    }

    /// `bytes` more were read.
    pub fn advance(&self, bytes: u64) {
        let Some(bar) = &self.bar else {
            return;
        };
        bar.inc(bytes);
        if self.started.elapsed() >= SHOW_AFTER && !self.shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// The billing pass is over: the bar goes away.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
