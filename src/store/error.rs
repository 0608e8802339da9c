//! Why the output folders cannot be used.

use std::io;
use std::path::Path;

/// Why the output folders cannot be used (exit status 2, or 3 when interrupted).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Another run holds the folder's lock.
    #[error(
        "`{lock}` is held by another rebate-audit run ({holder}) writing to `{folder}`; wait for it to end (a lock nobody holds any more is taken over by the next run)"
    )]
    Locked {
        /// The lock file.
        lock: String,
        /// The folder it guards.
        folder: String,
        /// `pid N, started …` as the lock file says.
        holder: String,
    },
    /// The folder cannot be replaced as a whole.
    #[error("{option} `{path}`: {why}")]
    Unusable {
        /// `--out` or `--evidence`.
        option: &'static str,
        /// The folder as given.
        path: String,
        /// Why, and what to do.
        why: String,
    },
    /// The run was stopped (SIGTERM, SIGINT) before the swap.
    #[error("interrupted by {0}")]
    Interrupted(&'static str),
    /// A file system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: io::Error,
    },
}

/// Wraps an I/O error with the path it is about.
pub fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}
