//! A stream read with a guard: its bytes counted and capped, and its first failure kept,
//! so a gzip too large once inflated, or a gzip or tar cut short, is reported as the
//! file's error rather than as one unreadable row of a table read from it. Shared by the
//! gzip and tar readers; and the one-pass hash of an archive as on disk.

use super::digest::HashingReader;
use super::error::TableError;
use super::limits::Limit;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, Read};
use std::path::Path;

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
