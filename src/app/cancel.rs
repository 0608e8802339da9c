//! Stopping a run cleanly on SIGTERM or SIGINT: the signal sets the run's [`Cancel`]
//! token, which the stages check between stages and per file, and the report writers
//! between files; the run then removes its staging folders, releases its locks and exits
//! with [`INTERRUPTED`] (3). Should a stage not come back to a check within half a second
//! (one large file being read, a workbook being parsed), the signal thread asks the store
//! to undo the run itself and exits with 3, so a run always ends within about half a
//! second of the signal. A signal that arrives once the reports are swapped in changes
//! nothing: the run is complete. SIGXFSZ (a file-size limit) becomes a write error, like a
//! full disk.

use crate::store::Cleanup;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::Duration;

/// The exit status of a run stopped by SIGTERM or SIGINT.
pub const INTERRUPTED: u8 = 3;

/// How long the stages have to reach a check after a signal before the signal thread
/// cleans up and exits on its own.
const GRACE: Duration = Duration::from_millis(500);

/// The run was stopped by a signal.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("interrupted by {0}")]
pub struct Interrupted(pub &'static str);

/// Whether the run has been asked to stop, shared by every stage of one run.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    signal: Arc<AtomicI32>,
}

impl Cancel {
    /// A token no signal sets (`explain`, `inspect`, tests).
    pub fn never() -> Cancel {
        Cancel::default()
    }

    /// Installs the handlers for SIGTERM and SIGINT (see the module comment): their
    /// token, and a thread that undoes the run through `cleanup` when the stages are too
    /// slow to stop. Call once per process.
    ///
    /// # Errors
    /// When the handlers cannot be installed.
    pub fn on_signals(cleanup: Cleanup) -> std::io::Result<Cancel> {
        use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
        let cancel = Cancel::default();
        // Its only purpose is that the signal no longer kills: the write fails instead.
        signal_hook::flag::register(SIGXFSZ, Arc::new(AtomicBool::new(false)))?;
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
        let token = cancel.clone();
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if token.flag.swap(true, Ordering::SeqCst) {
                        continue;
                    }
                    token.signal.store(signal, Ordering::SeqCst);
                    std::thread::sleep(GRACE);
                    if cleanup.undo() {
                        let _ =
                            writeln!(std::io::stderr(), "{}", stopped_line(token.signal_name()));
                        std::process::exit(i32::from(INTERRUPTED));
                    }
                }
            })?;
        Ok(cancel)
    }

    /// Whether SIGTERM or SIGINT has arrived.
    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// The name of the signal that stopped the run.
    pub fn signal_name(&self) -> &'static str {
        match self.signal.load(Ordering::SeqCst) {
            signal_hook::consts::SIGINT => "SIGINT",
            signal_hook::consts::SIGTERM => "SIGTERM",
            _ => "a signal",
        }
    }

    /// `Err` once the run is stopped: the check between stages and files.
    ///
    /// # Errors
    /// When SIGTERM or SIGINT has arrived.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.is_set() {
            Err(Interrupted(self.signal_name()))
        } else {
            Ok(())
        }
    }

    /// The signal's name once the run is stopped, for the store's last check before the
    /// swap.
    pub fn stopped(&self) -> Option<&'static str> {
        self.is_set().then(|| self.signal_name())
    }

    /// Sets the token as SIGINT would, without a signal: for the stages' unit tests.
    #[cfg(test)]
    pub(crate) fn set_for_test(&self) {
        self.signal
            .store(signal_hook::consts::SIGINT, Ordering::SeqCst);
        self.flag.store(true, Ordering::SeqCst);
    }
}

/// What a stopped run says on stderr.
pub fn stopped_line(signal: &str) -> String {
    format!(
        "rebate-audit: interrupted by {signal}: stopped; no report was written and the previous reports are unchanged"
    )
}
