//! The output folders of a run: never half written, never written by two runs at once.
//!
//! A run writes every report and pack into a staging folder beside `--out`
//! (`.<name>.partial-<pid>`); [`Output::commit`] flushes it, carries over what the user
//! put in the old folder, and swaps it in whole (`folder.rs`: one `renameat2` exchange on
//! Linux, two renames elsewhere), so `--out` is always the complete previous report or the
//! complete new one. `--evidence DIR` outside `--out` is a second folder swapped the same
//! way. A run holds `<name>.lock` beside each folder it swaps (`lock.rs`). The store starts
//! no thread and handles no signal: the application runs its flushes (`ForEach`), tells it
//! which names are the run's own (`Layout`), and asks [`Cleanup::undo`] to clear up after
//! a signal. The reasons are in docs/DECISIONS.md, *Output folders, locks and signals*.

mod cleanup;
mod error;
mod files;
mod folder;
mod layout;
mod lock;

pub use cleanup::Cleanup;
pub use error::OutputError;
pub use layout::{ForEach, Layout};

use error::io_error;
use files::{carry, remove_folder, sync_files, sync_folder, sync_folders};
use folder::{Target, check_contents, resolve, swap, tidy};
use lock::{Lock, acquire};
use std::fs;
use std::path::{Path, PathBuf};

/// A target with its staging folder, removed unless swapped in.
#[derive(Debug)]
struct Staged {
    target: Target,
    staging: PathBuf,
    done: bool,
    cleanup: Cleanup,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
        self.cleanup
            .registry()
            .folders
            .retain(|folder| folder != &self.staging);
    }
}

/// The output folders of one `run`: locked, with a staging folder each; written into
/// [`Output::reports`] and [`Output::packs`], then swapped into place by
/// [`Output::commit`]. Dropped without a commit, the staging folders are removed and the
/// old folders stay as they were.
#[derive(Debug)]
pub struct Output {
    // Dropped in this order: staging folders, then locks.
    staged: Vec<Staged>,
    _locks: Vec<Lock>,
    /// Where the packs go, inside a staging folder.
    packs: Option<PathBuf>,
    layout: Layout,
    cleanup: Cleanup,
}

impl Output {
    /// Locks `out` (and the pack folder `evidence`, when packs are written and it is not
    /// inside `out`), tidies what stopped runs left, and creates the staging folders.
    ///
    /// # Errors
    /// When a folder is locked by a live run, cannot be replaced as a whole (a file, a
    /// mount point, the current folder, a folder of other things), or on an I/O failure.
    pub fn begin(
        out: &Path,
        evidence: Option<&Path>,
        layout: Layout,
        cleanup: &Cleanup,
    ) -> Result<Output, OutputError> {
        let out = resolve("--out", out, true)?;
        let mut targets = vec![out];
        let mut inside: Option<PathBuf> = None;
        if let Some(evidence) = evidence {
            let packs = resolve("--evidence", evidence, false)?;
            let out = &targets[0];
            if let Ok(relative) = packs.path.strip_prefix(&out.path) {
                inside = Some(relative.to_path_buf());
            } else if out.path.starts_with(&packs.path) {
                return Err(packs.unusable(
                    "holds --out; give a folder of its own for the packs (or none: they then go to `packs/` inside --out)",
                ));
            } else {
                targets.insert(0, packs);
            }
        }
        let mut locks = Vec::new();
        for target in &targets {
            locks.push(acquire(&target.lock(), &target.path, cleanup)?);
        }
        let mut staged = Vec::new();
        for target in targets {
            tidy(&target)?;
            check_contents(&target, &layout)?;
            let staging = target.staging();
            if fs::symlink_metadata(&staging).is_ok() {
                fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
            }
            cleanup.registry().folders.push(staging.clone());
            let entry = Staged {
                target,
                staging,
                done: false,
                cleanup: cleanup.clone(),
            };
            fs::create_dir(&entry.staging).map_err(io_error(&entry.staging))?;
            staged.push(entry);
        }
        let reports = &staged.last().expect("--out is always a target").staging;
        let packs = match (evidence, inside) {
            (None, _) => None,
            (Some(_), Some(relative)) => Some(reports.join(relative)),
            (Some(_), None) => Some(staged[0].staging.clone()),
        };
        Ok(Output {
            staged,
            _locks: locks,
            packs,
            layout,
            cleanup: cleanup.clone(),
        })
    }

    /// Where the reports are written (the staging folder of `--out`).
    pub fn reports(&self) -> &Path {
        &self
            .staged
            .last()
            .expect("--out is always a target")
            .staging
    }

    /// Where the evidence packs are written, when they are.
    pub fn packs(&self) -> Option<&Path> {
        self.packs.as_deref()
    }

    /// The folder the reports end up in (`--out`, resolved).
    pub fn out(&self) -> &Path {
        &self
            .staged
            .last()
            .expect("--out is always a target")
            .target
            .path
    }

    /// Flushes every file written, carries over what the user kept in the old folders,
    /// and swaps the staging folders into place (see the module comment). `each` runs the
    /// flushes and removals (on as many threads as the application likes); `stopped`
    /// names the signal that stopped the run, if one did — asked just before the swap.
    ///
    /// # Errors
    /// When stopped before the swap (nothing is swapped then), or on an I/O failure.
    pub fn commit(
        mut self,
        each: ForEach<'_>,
        stopped: &dyn Fn() -> Option<&'static str>,
    ) -> Result<(), OutputError> {
        if let Some(signal) = stopped() {
            return Err(OutputError::Interrupted(signal));
        }
        for staged in &self.staged {
            sync_files(&staged.staging, each)?;
            if let Ok(old) = fs::metadata(&staged.target.path) {
                carry(
                    &staged.target.path,
                    &staged.staging,
                    staged.target.reports,
                    Path::new(""),
                    &self.layout,
                )?;
                // The folder keeps the permissions it had.
                fs::set_permissions(&staged.staging, old.permissions())
                    .map_err(io_error(&staged.staging))?;
            }
            sync_folders(&staged.staging)?;
        }
        let mut asides = Vec::new();
        {
            // A signal's cleanup waits while this lock is held: a swap never stops halfway.
            let cleanup = self.cleanup.clone();
            let mut registry = cleanup.registry();
            if let Some(signal) = stopped() {
                return Err(OutputError::Interrupted(signal));
            }
            for staged in &mut self.staged {
                if let Some(aside) = swap(&staged.target, &staged.staging)? {
                    asides.push(aside);
                }
                staged.done = true;
            }
            registry.committed = true;
        }
        for staged in &self.staged {
            sync_folder(&staged.target.parent)?;
        }
        for aside in asides {
            remove_folder(&aside, each)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
