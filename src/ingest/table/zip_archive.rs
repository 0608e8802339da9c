//! A zip archive of CSV files (Alibaba Cloud's bill subscription splits a large monthly
//! bill into numbered CSVs zipped under one name): every member in name order, each
//! capped once inflated, and every member that is not a CSV reported, never dropped.

use super::csv_file::{delimiter_for, read_csv_stream};
use super::digest::{FileDigest, HashingReader};
use super::error::TableError;
use super::limits::Limit;
use super::visitor::TableVisitor;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;
use std::sync::Arc;

/// Reads every member of a zip archive, in member-name order, capping each member at
/// `member_limit` bytes once inflated (`zip_member_size`).
pub(super) fn read_zip(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    member_limit: u64,
    record_bytes: u64,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let mut opened = std::fs::File::open(path).map_err(io_error)?;
    // The zip reader jumps around the file (the central directory is at its end), so
    // hashing what it reads would not cover every byte once: hash the archive as on disk
    // in one streaming pass first, then read it through the same handle.
    let mut hashing = HashingReader {
        inner: &mut opened,
        hasher: Sha256::new(),
        bytes: 0,
    };
    io::copy(&mut hashing, &mut io::sink()).map_err(io_error)?;
    let sha256 = hex(&hashing.hasher.finalize());
    let bytes = hashing.bytes;
    opened.rewind().map_err(io_error)?;
    let archive_error = |error: zip::result::ZipError| match error {
        zip::result::ZipError::Io(source) => TableError::Io {
            location: location.clone(),
            source,
        },
        other => TableError::ZipArchive {
            location: location.clone(),
            message: other.to_string(),
        },
    };
    let mut archive = zip::ZipArchive::new(BufReader::new(opened)).map_err(archive_error)?;
    let mut members = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(archive_error)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_or_else(
            |_| String::from_utf8_lossy(entry.name_raw()).into_owned(),
            std::borrow::Cow::into_owned,
        );
        members.push((member_order_key(&name), name, index));
    }
    // Sorted by name, so the rows come in the same order however the archive was built;
    // numbers compare as numbers so `bill_2.csv` comes before `bill_10.csv`.
    members.sort_unstable();
    let mut first_encoding = None;
    for (_, name, index) in members {
        let table = Location::sheet(file.clone(), Some(Arc::from(name.as_str())));
        let member_path = Path::new(&name);
        let is_csv = member_path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                ["csv", "tsv", "txt"]
                    .iter()
                    .any(|csv| extension.eq_ignore_ascii_case(csv))
            });
        if !is_csv {
            // Reported as a table of its own so the finding names it: a bill saved as
            // a spreadsheet inside the archive must not drop out of the audit unseen.
            visitor.begin_table(&table);
            visitor.unreadable_row(
                1,
                format!(
                    "`{name}` is not a CSV file; only CSV members of a zip archive are read (.csv, .tsv, .txt), so extract it and pass it on its own if it holds data for the audit"
                ),
            );
            continue;
        }
        let entry = archive.by_index_data(index).map_err(archive_error)?;
        if entry.encrypted() {
            return Err(TableError::ZipEncrypted { location: table });
        }
        let compression = entry.compression();
        if !zip::SUPPORTED_COMPRESSION_METHODS.contains(&compression) {
            // The zip reader only notices on the first read, as an I/O error that would
            // read as a broken row; say what is wrong instead.
            return Err(TableError::ZipCompression {
                location: table,
                method: compression_name(compression),
            });
        }
        let member = archive
            .by_index(index)
            .map_err(|error| member_error(&table, compression, error))?;
        let mut guarded = MemberReader {
            inner: member,
            inflated: 0,
            limit: member_limit,
            failure: None,
        };
        let read = read_csv_stream(
            &mut guarded,
            &table,
            delimiter_for(member_path),
            record_bytes,
            visitor,
        );
        // A failure of the archive itself outranks what the CSV reader made of it.
        match guarded.failure.take() {
            Some(MemberFailure::TooLarge(size)) => {
                return Err(TableError::TooLarge {
                    location: table,
                    what: "the member once decompressed".into(),
                    size,
                    limit: member_limit,
                    which: Limit::ZipMember,
                    partial: false,
                });
            }
            Some(MemberFailure::Corrupt(message)) => {
                return Err(TableError::ZipMember {
                    location: table,
                    message,
                });
            }
            None => {}
        }
        let encoding = read?;
        first_encoding.get_or_insert(encoding.name());
    }
    Ok(FileDigest {
        sha256,
        bytes,
        encoding: first_encoding,
        hidden_sheets: Vec::new(),
        refused_members: Vec::new(),
    })
}

/// The error for a CSV member the zip reader refused to open.
fn member_error(
    table: &Location,
    compression: zip::CompressionMethod,
    error: zip::result::ZipError,
) -> TableError {
    use zip::result::ZipError;
    match error {
        ZipError::UnsupportedArchive(message) if message == ZipError::PASSWORD_REQUIRED => {
            TableError::ZipEncrypted {
                location: table.clone(),
            }
        }
        ZipError::InvalidPassword => TableError::ZipEncrypted {
            location: table.clone(),
        },
        ZipError::CompressionMethodNotSupported(_) => TableError::ZipCompression {
            location: table.clone(),
            method: compression_name(compression),
        },
        other => TableError::ZipMember {
            location: table.clone(),
            message: other.to_string(),
        },
    }
}

/// A compression method as a person can look it up: its name and its number in the zip
/// specification (APPNOTE 4.4.5), which is all there is for a method nobody named.
#[allow(deprecated)] // `to_u16` is deprecated for matching on methods; here it is only printed.
fn compression_name(method: zip::CompressionMethod) -> String {
    let number = method.to_u16();
    match zip::CompressionMethod::name_from_u16(number) {
        "Unknown" => format!("an unknown method ({number})"),
        name => format!("{name} (method {number})"),
    }
}

/// One piece of a member name for ordering: a run of digits by its value, or other text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum NamePiece {
    /// Digits without leading zeros, ordered by length first so they compare as numbers
    /// of any size.
    Number(usize, String),
    /// Anything between numbers.
    Text(String),
}

/// The sort key of a member name: `bill_2.csv` before `bill_10.csv`, as a person numbers
/// parts. A derived key (rather than a comparison function) keeps the order total for any
/// name a hostile archive holds.
pub(super) fn member_order_key(name: &str) -> Vec<NamePiece> {
    let mut pieces = Vec::new();
    let mut rest = name;
    while let Some(first) = rest.chars().next() {
        let digits = first.is_ascii_digit();
        let end = rest
            .find(|character: char| character.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (piece, after) = rest.split_at(end);
        pieces.push(if digits {
            let value = piece.trim_start_matches('0');
            NamePiece::Number(value.len(), value.to_string())
        } else {
            NamePiece::Text(piece.to_string())
        });
        rest = after;
    }
    pieces
}

/// Why a zip member stopped inflating.
enum MemberFailure {
    /// It went past the cap; the bytes inflated when that was seen.
    TooLarge(u64),
    /// The zip reader failed (corrupt data, wrong checksum); its message.
    Corrupt(String),
}

/// Guards one zip member as it inflates: counts the bytes and fails past `limit` (the
/// sizes in the zip headers can lie), and remembers the first failure of the archive
/// itself, so it is reported as the archive's error rather than as one unreadable row.
struct MemberReader<R> {
    inner: R,
    inflated: u64,
    limit: u64,
    failure: Option<MemberFailure>,
}

impl<R: Read> Read for MemberReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other("the zip member cannot be read further"));
        }
        // Ask for at most one byte past the limit: going over is seen without inflating
        // more than that.
        let allowed = self.limit.saturating_sub(self.inflated).saturating_add(1);
        let wanted =
            usize::try_from(allowed).map_or(buffer.len(), |allowed| allowed.min(buffer.len()));
        match self.inner.read(&mut buffer[..wanted]) {
            Ok(count) => {
                self.inflated += count as u64;
                if self.inflated > self.limit {
                    self.failure = Some(MemberFailure::TooLarge(self.inflated));
                    return Err(io::Error::other(format!(
                        "the zip member inflates past {} bytes",
                        self.limit
                    )));
                }
                Ok(count)
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => Err(error),
            Err(error) => {
                self.failure = Some(MemberFailure::Corrupt(error.to_string()));
                Err(error)
            }
        }
    }
}
