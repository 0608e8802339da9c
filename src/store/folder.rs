//! The folders a run replaces as a whole: resolved and checked before anything is
//! written, tidied of what killed runs left, and swapped in at the end — on Linux with
//! one `renameat2(RENAME_EXCHANGE)`, elsewhere with two renames.

use crate::store::error::{OutputError, io_error};
use crate::store::layout::Layout;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A folder the run replaces as a whole.
#[derive(Debug)]
pub(crate) struct Target {
    /// `--out` or `--evidence`.
    pub(crate) option: &'static str,
    /// The folder, its parent resolved (a symbolic link to a folder is followed).
    pub(crate) path: PathBuf,
    pub(crate) parent: PathBuf,
    pub(crate) name: OsString,
    /// Whether this is `--out` (whose trails are reports) rather than a packs folder.
    pub(crate) reports: bool,
}

impl Target {
    fn sibling(&self, prefix: &str, suffix: &str) -> PathBuf {
        let mut name = OsString::from(prefix);
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    pub(crate) fn staging(&self) -> PathBuf {
        self.sibling(".", &format!(".partial-{}", std::process::id()))
    }

    pub(crate) fn aside(&self) -> PathBuf {
        self.sibling(".", &format!(".old-{}", std::process::id()))
    }

    pub(crate) fn lock(&self) -> PathBuf {
        self.sibling("", ".lock")
    }

    pub(crate) fn unusable(&self, why: impl Into<String>) -> OutputError {
        OutputError::Unusable {
            option: self.option,
            path: self.path.display().to_string(),
            why: why.into(),
        }
    }
}

/// Resolves `path` to a folder that can be swapped as a whole.
pub(crate) fn resolve(
    option: &'static str,
    path: &Path,
    reports: bool,
) -> Result<Target, OutputError> {
    let unusable = |why: &str| OutputError::Unusable {
        option,
        path: path.display().to_string(),
        why: why.into(),
    };
    let resolved = if fs::symlink_metadata(path).is_ok() {
        path.canonicalize().map_err(io_error(path))?
    } else {
        let Some(name) = path.file_name() else {
            return Err(unusable("not a folder name"));
        };
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        parent.canonicalize().map_err(io_error(parent))?.join(name)
    };
    if resolved.exists() && !resolved.is_dir() {
        return Err(unusable("is a file, not a folder"));
    }
    let (Some(parent), Some(name)) = (resolved.parent(), resolved.file_name()) else {
        return Err(unusable(
            "the root folder cannot be replaced; give a folder of its own",
        ));
    };
    let target = Target {
        option,
        path: resolved.clone(),
        parent: parent.to_path_buf(),
        name: name.to_os_string(),
        reports,
    };
    if let Ok(cwd) = std::env::current_dir().and_then(|cwd| cwd.canonicalize())
        && cwd.starts_with(&resolved)
    {
        return Err(target.unusable(
            "is (or holds) the current folder; the reports replace the folder as a whole, so give a folder of its own, e.g. `audit-out`",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(folder), Ok(above)) = (fs::metadata(&resolved), fs::metadata(parent))
            && folder.dev() != above.dev()
        {
            return Err(target.unusable(
                "is a mount point; the reports replace the folder as a whole, so give a folder inside it",
            ));
        }
    }
    Ok(target)
}

/// Refuses a non-empty folder that holds nothing a run wrote: replacing it would carry a
/// whole unrelated tree over (`--out ~`).
pub(crate) fn check_contents(target: &Target, layout: &Layout) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(&target.path) else {
        return Ok(());
    };
    let mut empty = true;
    for entry in entries.flatten() {
        empty = false;
        let name = entry.file_name();
        let path = entry.path();
        let ours = if target.reports {
            layout.report_markers.iter().any(|marker| name == *marker)
        } else {
            layout.is_pack(&path)
        };
        if ours {
            return Ok(());
        }
    }
    if empty {
        return Ok(());
    }
    Err(target.unusable(if target.reports {
        "is not empty and holds no report of rebate-audit (no findings.json); the reports replace the folder as a whole, so give a new or empty folder, or one an earlier run wrote"
    } else {
        "is not empty and holds no evidence pack; the packs replace the folder as a whole, so give a new or empty folder, or one an earlier run wrote"
    }))
}

/// The process id in a staging or set-aside name of `target`, when `name` is one.
fn leftover_pid(target: &Target, name: &OsStr, kind: &str) -> Option<u32> {
    let name = name.to_str()?;
    let rest = name
        .strip_prefix('.')?
        .strip_prefix(target.name.to_str()?)?
        .strip_prefix(kind)?;
    (!rest.is_empty() && rest.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| rest.parse().ok())
        .flatten()
}

/// With the lock held: puts back the previous folder a run killed mid-swap left aside,
/// and removes the staging and set-aside folders of dead runs.
pub(crate) fn tidy(target: &Target) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(&target.parent) else {
        return Ok(());
    };
    let me = std::process::id();
    let mut leftovers: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let old = leftover_pid(target, &name, ".old-");
            let partial = leftover_pid(target, &name, ".partial-");
            match (old, partial) {
                (Some(pid), _) if pid != me => Some((entry.path(), true)),
                (_, Some(pid)) if pid != me => Some((entry.path(), false)),
                _ => None,
            }
        })
        .collect();
    leftovers.sort();
    for (path, old) in leftovers {
        if old && fs::symlink_metadata(&target.path).is_err() {
            fs::rename(&path, &target.path).map_err(io_error(&target.path))?;
            let _ = writeln!(
                std::io::stderr(),
                "rebate-audit: put back `{}`, which a run stopped while swapping in its reports had set aside as `{}`",
                target.path.display(),
                path.display()
            );
            continue;
        }
        fs::remove_dir_all(&path).map_err(io_error(&path))?;
        tracing::info!(folder = %path.display(), "removed the leftover of a stopped run");
    }
    Ok(())
}

/// Puts `staging` in place of `target`; returns where the old folder now is, to remove.
pub(crate) fn swap(target: &Target, staging: &Path) -> Result<Option<PathBuf>, OutputError> {
    if fs::symlink_metadata(&target.path).is_err() {
        fs::rename(staging, &target.path).map_err(io_error(&target.path))?;
        return Ok(None);
    }
    if exchange(staging, &target.path).is_ok() {
        // The old folder is now under the staging name.
        return Ok(Some(staging.to_path_buf()));
    }
    let aside = target.aside();
    fs::rename(&target.path, &aside).map_err(io_error(&target.path))?;
    if let Err(error) = fs::rename(staging, &target.path) {
        let _ = fs::rename(&aside, &target.path);
        return Err(io_error(&target.path)(error));
    }
    Ok(Some(aside))
}

/// Exchanges two paths atomically.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
