//! The files of a staged folder: flushed to disk before the swap, carried over from the
//! folder it replaces (what the user put there), and removed with the old folder after.

use crate::store::error::{OutputError, io_error};
use crate::store::layout::{ForEach, Layout};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// Flushes every regular file under `folder` to disk, through `each`: each `fsync` mostly
/// waits for the disk, and the disk takes several at once.
pub(crate) fn sync_files(folder: &Path, each: ForEach<'_>) -> Result<(), OutputError> {
    let mut files = Vec::new();
    regular_files(folder, &mut files)?;
    each(&files, &|path| {
        File::open(path)
            .and_then(|file| file.sync_all())
            .map_err(io_error(path))
    })
}

/// Removes `folder` and everything in it, its files through `each` (on a file system that
/// discards freed blocks, each removal waits for the disk).
pub(crate) fn remove_folder(folder: &Path, each: ForEach<'_>) -> Result<(), OutputError> {
    let mut files = Vec::new();
    regular_files(folder, &mut files)?;
    each(&files, &|path| {
        fs::remove_file(path).map_err(io_error(path))
    })?;
    fs::remove_dir_all(folder).map_err(io_error(folder))
}

/// Every regular file under `folder`, in directory order.
fn regular_files(folder: &Path, files: &mut Vec<PathBuf>) -> Result<(), OutputError> {
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_error(&path))?;
        if kind.is_dir() {
            regular_files(&path, files)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// Flushes `folder` and every folder under it (their entries) to disk.
pub(crate) fn sync_folders(folder: &Path) -> Result<(), OutputError> {
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            sync_folders(&entry.path())?;
        }
    }
    sync_folder(folder)
}

pub(crate) fn sync_folder(folder: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    File::open(folder)
        .and_then(|file| file.sync_all())
        .map_err(io_error(folder))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

/// Carries into `new` what the user put in `old` (hard links, else copies): everything
/// the new run did not write, except the files of runs — `*.partial`, the files of an
/// evidence pack, and the trails (`evidence/*.md`) of a report folder — so reports and
/// packs of contracts that no longer have findings are gone, and nothing else is.
pub(crate) fn carry(
    old: &Path,
    new: &Path,
    reports: bool,
    relative: &Path,
    layout: &Layout,
) -> Result<(), OutputError> {
    let pack = layout.is_pack(old);
    let evidence_files = reports && relative == Path::new(layout.trails_folder);
    for entry in fs::read_dir(old).map_err(io_error(old))? {
        let entry = entry.map_err(io_error(old))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let from = entry.path();
        let kind = entry.file_type().map_err(io_error(&from))?;
        let run_file = text.ends_with(".partial")
            || (pack && layout.pack_files.contains(&text.as_ref()))
            || (evidence_files && kind.is_file() && text.ends_with(layout.trails_suffix));
        if run_file {
            continue;
        }
        let to = new.join(&name);
        if let Ok(existing) = fs::symlink_metadata(&to) {
            // The new run wrote this name: its file wins; folders merge.
            if kind.is_dir() && existing.is_dir() {
                carry(&from, &to, reports, &relative.join(&name), layout)?;
            }
            continue;
        }
        if kind.is_dir() {
            carry(&from, &to, reports, &relative.join(&name), layout)?;
            // An empty folder of the user's stays; a pack folder (or the folder of packs)
            // left empty goes.
            let packs = reports && relative.join(&name) == Path::new(layout.packs_folder);
            if !packs && !layout.is_pack(&from) && fs::symlink_metadata(&to).is_err() {
                fs::create_dir_all(&to).map_err(io_error(&to))?;
            }
            if let (Ok(metadata), true) = (fs::metadata(&from), to.is_dir()) {
                fs::set_permissions(&to, metadata.permissions()).map_err(io_error(&to))?;
            }
            continue;
        }
        fs::create_dir_all(new).map_err(io_error(new))?;
        if kind.is_file() {
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to).map_err(io_error(&to))?;
            }
        } else if kind.is_symlink() {
            #[cfg(unix)]
            {
                let link = fs::read_link(&from).map_err(io_error(&from))?;
                std::os::unix::fs::symlink(link, &to).map_err(io_error(&to))?;
            }
        } else {
            tracing::warn!(path = %from.display(), "not carried over: neither a file, a folder nor a link");
        }
    }
    Ok(())
}
