//! A gzip file (`bill.csv.gz`, or an object with no extension whose bytes are gzip): one
//! CSV, or a tar archive of CSVs (`customerBill_202503.tar.gz`), read as it inflates. The
//! inflated bytes are capped (`zip_member_size`, the cap of a zip member): a "gzip bomb"
//! of a few megabytes inflating to gigabytes is refused once past it, naming the file.

use super::csv_file::{delimiter_for, read_csv_stream};
use super::digest::FileDigest;
use super::error::TableError;
use super::guarded::{Guarded, hash_file};
use super::limits::Limits;
use super::sniff::{HEAD_BYTES, Magic, describe, magic};
use super::tar_archive::read_tar_stream;
use super::visitor::TableVisitor;
use crate::domain::location::Location;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

/// Reads the gzip file at `path`: a tar archive inside is read member by member, anything
/// else that is text as one CSV (tab-separated when the name is `….tsv.gz`).
pub(super) fn read_gzip(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let (sha256, bytes) = hash_file(path, &location)?;
    let limit = limits.zip_member_bytes;
    let open = || -> Result<Guarded<Box<dyn Read>>, TableError> {
        let opened = std::fs::File::open(path).map_err(|source| TableError::Io {
            location: location.clone(),
            source,
        })?;
        let decoder =
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, opened));
        Ok(Guarded::new(Box::new(decoder), limit, "gzip file"))
    };
    let mut inflating = open()?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    let sampled = (&mut inflating)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head);
    if let Some(error) = inflating.error(&location, false) {
        return Err(error);
    }
    sampled.map_err(|source| TableError::Io {
        location: location.clone(),
        source,
    })?;
    let mut refused_members = Vec::new();
    let encoding = match magic(&head, None) {
        Magic::Tar => {
            drop(inflating);
            read_tar_stream(
                &mut || open(),
                &file,
                visitor,
                &mut refused_members,
                limits.csv_record_bytes,
            )?
        }
        Magic::Text => {
            // `bill.tsv.gz` is tab-separated, as `bill.tsv` is.
            let inner = Path::new(path.file_stem().unwrap_or_default());
            let mut rest = Cursor::new(head).chain(&mut inflating);
            let read = read_csv_stream(
                &mut rest,
                &location,
                delimiter_for(inner),
                limits.csv_record_bytes,
                visitor,
            );
            // A failure of the gzip stream outranks what the CSV reader made of it.
            if let Some(error) = inflating.error(&location, false) {
                return Err(error);
            }
            Some(read?.name())
        }
        other => {
            return Err(TableError::UnsupportedType {
                location,
                looks_like: format!("gzip-compressed, and holds {}", describe(other)),
            });
        }
    };
    Ok(FileDigest {
        sha256,
        bytes,
        encoding,
        hidden_sheets: Vec::new(),
        refused_members,
    })
}
