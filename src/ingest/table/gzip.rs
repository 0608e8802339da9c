//! A gzip file (`bill.csv.gz`, or an object with no extension whose bytes are gzip): one
//! CSV, or a tar archive of CSVs (`customerBill_202503.tar.gz`), read as it inflates. The
//! inflated bytes are capped (`zip_member_size`, the cap of a zip member): a "gzip bomb"
//! of a few megabytes inflating to gigabytes is refused once past it, naming the file.

use super::csv_file::{delimiter_for, read_csv_stream};
use super::digest::{FileDigest, HashingReader};
use super::error::TableError;
use super::limits::{Limit, Limits};
use super::sniff::{HEAD_BYTES, Magic, describe, magic};
use super::tar_archive::read_tar_stream;
use super::visitor::TableVisitor;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, Cursor, Read};
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
            read_tar_stream(&mut || open(), &file, visitor, &mut refused_members)?
        }
        Magic::Text => {
            // `bill.tsv.gz` is tab-separated, as `bill.tsv` is.
            let inner = Path::new(path.file_stem().unwrap_or_default());
            let mut rest = Cursor::new(head).chain(&mut inflating);
            let read = read_csv_stream(&mut rest, &location, delimiter_for(inner), visitor);
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

/// The SHA-256 and size of the file as on disk, in one streaming pass.
pub(super) fn hash_file(path: &Path, location: &Location) -> Result<(String, u64), TableError> {
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let opened = std::fs::File::open(path).map_err(io_error)?;
    let mut hashing = HashingReader {
        inner: BufReader::with_capacity(256 * 1024, opened),
        hasher: Sha256::new(),
        bytes: 0,
    };
    io::copy(&mut hashing, &mut io::sink()).map_err(io_error)?;
    Ok((hex(&hashing.hasher.finalize()), hashing.bytes))
}

/// Why a guarded stream stopped.
#[derive(Debug)]
enum Failure {
    /// It went past the cap; the bytes read when that was seen.
    TooLarge(u64),
    /// The stream itself failed (corrupt data, cut short); its message.
    Broken(String),
}

/// Guards a stream as it is read: counts the bytes, fails past `limit`, and remembers the
/// first failure of the stream itself, so that it is reported as the file's error rather
/// than as one unreadable row of a table read from it.
pub(super) struct Guarded<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// What the stream is, for its error: `gzip file`, `tar archive`.
    what: &'static str,
    failure: Option<Failure>,
}

impl<R: Read> Guarded<R> {
    pub(super) fn new(inner: R, limit: u64, what: &'static str) -> Self {
        Guarded {
            inner,
            read: 0,
            limit,
            what,
            failure: None,
        }
    }

    /// The stream's failure as the file's error, if it failed: too large once inflated
    /// (`partial` when rows were handed over before; the dispatcher sets it from its
    /// count), or corrupt.
    pub(super) fn error(&mut self, location: &Location, partial: bool) -> Option<TableError> {
        Some(match self.failure.take()? {
            Failure::TooLarge(size) => TableError::TooLarge {
                location: location.clone(),
                what: "its content once decompressed".into(),
                size,
                limit: self.limit,
                which: Limit::ZipMember,
                partial,
            },
            Failure::Broken(message) => TableError::Archive {
                location: location.clone(),
                what: self.what,
                message,
                partial: false,
            },
        })
    }
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other(
                "the compressed stream cannot be read further",
            ));
        }
        // Ask for at most one byte past the limit: going over is seen without inflating
        // more than that.
        let allowed = self.limit.saturating_sub(self.read).saturating_add(1);
        let wanted =
            usize::try_from(allowed).map_or(buffer.len(), |allowed| allowed.min(buffer.len()));
        match self.inner.read(&mut buffer[..wanted]) {
            Ok(count) => {
                self.read += count as u64;
                if self.read > self.limit {
                    self.failure = Some(Failure::TooLarge(self.read));
                    return Err(io::Error::other(format!(
                        "the content inflates past {} bytes",
                        self.limit
                    )));
                }
                Ok(count)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(error),
            Err(error) => {
                let message = if error.kind() == io::ErrorKind::UnexpectedEof {
                    "it ends before its compressed data does".to_string()
                } else {
                    error.to_string()
                };
                self.failure = Some(Failure::Broken(message));
                Err(error)
            }
        }
    }
}
