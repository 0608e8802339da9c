//! What a run stopped by a signal must undo, shared with whoever handles the signal: the
//! staging folders and locks it holds, and whether its reports are already swapped in (then
//! there is nothing to undo).

use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) folders: Vec<PathBuf>,
    pub(crate) locks: Vec<PathBuf>,
    pub(crate) committed: bool,
}

/// The staging folders and locks of a run, registered as the output folders are taken
/// and forgotten as they are released. Clones share one registry.
#[derive(Debug, Clone, Default)]
pub struct Cleanup(Arc<Mutex<Registry>>);

impl Cleanup {
    pub(crate) fn registry(&self) -> MutexGuard<'_, Registry> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes the staging folders and locks — unless the reports are already swapped in,
    /// when the run is finishing anyway (`false` then). Waits while a swap is under way,
    /// so a swap never stops halfway.
    pub fn undo(&self) -> bool {
        let registry = self.registry();
        if registry.committed {
            return false;
        }
        for folder in &registry.folders {
            let _ = fs::remove_dir_all(folder);
        }
        for lock in &registry.locks {
            let _ = fs::remove_file(lock);
        }
        true
    }
}
