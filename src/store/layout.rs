//! What in the output folders is the run's own, as the application describes it: which
//! names mark a report folder, where the trails are, and what makes a folder an evidence
//! pack — by file names only, never by reading a file. The store knows no report.

use std::path::{Path, PathBuf};

/// The names the store must know to replace folders without losing a user's files.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Names that mark a folder as a report folder an earlier run wrote (`findings.json`).
    pub report_markers: &'static [&'static str],
    /// The folder of the report folder whose files ending in [`Layout::trails_suffix`] are
    /// reports (`evidence`, `.md`).
    pub trails_folder: &'static str,
    /// See [`Layout::trails_folder`].
    pub trails_suffix: &'static str,
    /// The folder of the report folder that holds the evidence packs (`packs`): the run's
    /// own, not kept when no pack is left in it.
    pub packs_folder: &'static str,
    /// The files of an evidence pack.
    pub pack_files: &'static [&'static str],
    /// The file whose presence makes a folder an evidence pack (`manifest.json`).
    pub pack_marker: &'static str,
}

impl Layout {
    /// Whether `folder` holds an evidence pack: it has the marker file.
    pub fn is_pack(&self, folder: &Path) -> bool {
        folder.join(self.pack_marker).is_file()
    }
}

/// Runs an operation on every path — possibly on several threads at once: the
/// application decides (the store starts no thread of its own).
pub type ForEach<'a> = &'a (
        dyn Fn(
    &[PathBuf],
    &(dyn Fn(&Path) -> Result<(), crate::store::error::OutputError> + Sync),
) -> Result<(), crate::store::error::OutputError>
            + Sync
    );
