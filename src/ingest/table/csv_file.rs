//! A CSV file, or a CSV member of a zip archive: its encoding decided, its bytes hashed,
//! its records handed to the visitor.

use super::digest::{FileDigest, HashingReader};
use super::encoding::{DecodingReader, SNIFF_BYTES, TextEncoding, sniff_encoding};
use super::error::TableError;
use super::line_ends::Utf8Text;
use super::records::read_records;
use super::visitor::TableVisitor;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

pub(super) fn read_csv(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    record_bytes: u64,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file);
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let opened = std::fs::File::open(path).map_err(io_error)?;
    let mut hashing = HashingReader {
        inner: opened,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let delimiter = delimiter_for(path);
    let encoding = read_csv_stream(&mut hashing, &location, delimiter, record_bytes, visitor)?;
    // Hash whatever the parser did not need (after a fatal decoding error) so the digest
    // always covers the whole file.
    io::copy(&mut hashing, &mut io::sink()).map_err(io_error)?;
    Ok(FileDigest {
        sha256: hex(&hashing.hasher.finalize()),
        bytes: hashing.bytes,
        encoding: Some(encoding.name()),
        hidden_sheets: Vec::new(),
        refused_members: Vec::new(),
    })
}

/// Tab for `.tsv`, comma for everything else (`.csv`, `.txt`).
pub(crate) fn delimiter_for(name: &Path) -> u8 {
    if name
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("tsv"))
    {
        b'\t'
    } else {
        b','
    }
}

/// Reads one CSV table from `input` — a file, or a member of a zip archive as it inflates —
/// and returns its encoding: decides the encoding from the first bytes, skips a UTF-8 BOM,
/// transcodes to UTF-8 when needed, then calls `begin_table` with `location` and hands
/// every row to `visitor`. Only a bounded sample is ever held in memory, and one record of
/// at most `record_bytes` (`csv_record_size`): a longer one is rejected as a row.
pub(super) fn read_csv_stream(
    mut input: impl Read,
    location: &Location,
    delimiter: u8,
    record_bytes: u64,
    visitor: &mut dyn TableVisitor,
) -> Result<TextEncoding, TableError> {
    // Read the sample to the full length even when the source returns short reads (an
    // inflating zip member does): a sample cut early would look like the end of the
    // file, and a character cut in two there would make UTF-8 look undecodable.
    let mut sample = Vec::with_capacity(SNIFF_BYTES);
    input
        .by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut sample)
        .map_err(|source| TableError::Io {
            location: location.clone(),
            source,
        })?;
    let at_end = sample.len() < SNIFF_BYTES;
    let encoding = sniff_encoding(&sample, at_end).map_err(|bad| TableError::Encoding {
        location: location.clone(),
        utf8: bad.utf8,
        gb18030: bad.gb18030,
    })?;
    let mut head = Cursor::new(sample);
    if encoding == TextEncoding::Utf8Bom {
        head.set_position(3);
    }
    let first_byte = head.position();
    let buffered = BufReader::with_capacity(64 * 1024, head.chain(input));
    visitor.begin_table(location);
    match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
            let mut text = Utf8Text {
                inner: buffered,
                first_byte,
            };
            read_records(&mut text, delimiter, 0, record_bytes, visitor);
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be | TextEncoding::Gb18030 => {
            let label = match encoding {
                TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
                TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
                _ => encoding_rs::GB18030,
            };
            let mut decoding = DecodingReader::new(buffered, label, encoding.name());
            read_records(&mut decoding, delimiter, 0, record_bytes, visitor);
        }
    }
    Ok(encoding)
}
