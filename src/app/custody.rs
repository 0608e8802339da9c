//! Chain of custody: each input file with its role, size, SHA-256 and rows read.

use crate::domain::audit::{InputFile, InputRole};
use crate::ingest::table::{self, FileDigest};
use std::path::Path;

/// One input file, for chain of custody.
pub fn input_file(
    role: InputRole,
    path: &Path,
    digest: &Result<FileDigest, table::TableError>,
    rows: u64,
) -> InputFile {
    let (sha256, bytes, encoding, hidden_sheets) = match digest {
        Ok(digest) => (
            Some(digest.sha256.clone()),
            digest.bytes,
            digest.encoding,
            digest.hidden_sheets.clone(),
        ),
        Err(_) => (
            None,
            std::fs::metadata(path).map_or(0, |metadata| metadata.len()),
            None,
            Vec::new(),
        ),
    };
    InputFile {
        role,
        path: path.display().to_string(),
        sha256,
        bytes,
        encoding,
        rows,
        hidden_sheets,
        formats: Vec::new(),
    }
}
