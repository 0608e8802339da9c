//! Only regular files are opened: a FIFO blocks `open()` forever, a device such as
//! `/dev/zero` never ends, and a symbolic link may lead anywhere. Each is refused before
//! the file is opened, as a finding that says what it is.
//!
//! A link is followed only to a file in the link's own folder or below it: a link out of
//! the folder (`passwd.csv → /etc/passwd`) is refused unread. Discovery enters a linked
//! folder only when it stays inside the folder given, so every path it passes sits inside.

use super::error::TableError;
use crate::domain::location::Location;
use std::path::Path;
use std::sync::Arc;

/// `Ok` when `path` may be opened: a regular file, or a link to one inside the link's own
/// folder.
///
/// # Errors
/// [`TableError::NotRegular`] naming what the path is; [`TableError::Io`] when it cannot
/// be looked at.
pub fn check_regular(path: &Path, file: &Arc<str>) -> Result<(), TableError> {
    let refuse = |what: &str| TableError::NotRegular {
        location: Location::file(file.clone()),
        what: what.into(),
    };
    let io = |source| TableError::Io {
        location: Location::file(file.clone()),
        source,
    };
    let link = std::fs::symlink_metadata(path)
        .map_err(io)?
        .file_type()
        .is_symlink();
    // `metadata` follows links: a link to a FIFO is a FIFO. A dangling link is an error.
    let metadata = std::fs::metadata(path).map_err(io)?;
    if let Some(what) = not_regular(&metadata.file_type()) {
        return Err(refuse(&if link {
            format!("a link to {what}")
        } else {
            what.to_string()
        }));
    }
    if link && !stays_inside(path) {
        return Err(refuse("a link to a file outside the folder"));
    }
    Ok(())
}

/// What a file type is when it is not a regular file.
pub fn not_regular(file_type: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    (!file_type.is_file()).then_some("not a file")
}

/// True when the link `path` resolves to a file in the link's own folder or below it.
fn stays_inside(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    match (path.canonicalize(), folder.canonicalize()) {
        (Ok(target), Ok(folder)) => target.starts_with(folder),
        _ => false,
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn regular_files_and_links_inside_pass_everything_else_is_named() {
        let folder = tempfile::tempdir().unwrap();
        let bills = folder.path().join("bills");
        std::fs::create_dir_all(bills.join("2025-03")).unwrap();
        std::fs::write(bills.join("2025-03/export.csv"), "x").unwrap();
        std::fs::write(folder.path().join("secret.csv"), "x").unwrap();
        symlink("2025-03/export.csv", bills.join("latest.csv")).unwrap();
        symlink("../secret.csv", bills.join("passwd.csv")).unwrap();
        symlink("/dev/null", bills.join("null.csv")).unwrap();
        let what = |name: &str| match check_regular(&bills.join(name), &Arc::from(name)) {
            Ok(()) => "read".to_string(),
            Err(TableError::NotRegular { what, .. }) => what,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(what("2025-03/export.csv"), "read");
        assert_eq!(what("latest.csv"), "read");
        assert_eq!(what("passwd.csv"), "a link to a file outside the folder");
        assert_eq!(what("null.csv"), "a link to a device");
        assert_eq!(what("2025-03"), "a folder");
        assert_eq!(
            check_regular(Path::new("/dev/null"), &Arc::from("/dev/null"))
                .unwrap_err()
                .to_string(),
            "/dev/null: not a regular file: it is a device; it is not read (pass the file itself)"
        );
    }
}
