//! Reads any tabular input — CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, a
//! spreadsheet (`.xlsx/.xlsm/.xls/.xlsb/.ods`), or a zip archive of CSV files (Alibaba
//! Cloud's bill subscription splits a large monthly bill into numbered CSVs zipped under
//! one name) — as a stream of rows of [`Cell`]s, each with the row number a spreadsheet
//! user would see, while hashing the exact bytes of the file.
//!
//! Loaders above this layer never see file formats: they receive `begin_table` once per
//! sheet (or once for a CSV, or once per member of a zip archive, named like a sheet) and
//! then `row` for every row, header included. A zip member that is not a CSV is reported
//! as an unreadable row of its own table, never silently dropped.

use super::cell::Cell;
use crate::domain::location::Location;
use calamine::{Data, Reader, SheetVisible};
use sha2::{Digest, Sha256};
use std::io::{self, BufRead, BufReader, Cursor, Read, Seek};
use std::path::Path;
use std::sync::Arc;

mod limits;
mod ods;
pub(crate) mod records;
mod xls;
mod xlsx;

pub use records::Fields;

pub use limits::{
    EXCEL_CELLS, EXCEL_COLUMNS, KEYS as LIMIT_KEYS, Limit, LimitKey, LimitKind, Limits,
    format_size, parse_size,
};

// The defaults of [`Limits`]: a run changes them with the `[limits]` table of its
// `audit.toml` (README, "Nightly runs"); the key of each is named where it is used.

/// Spreadsheets are read whole by calamine; refuse files so large that this alone
/// would threaten memory. CSV files stream and have no such limit.
/// (`whole_workbook_size`.)
pub const MAX_SPREADSHEET_BYTES: u64 = 256 * 1024 * 1024;

/// XLSX and XLSB files stream their sheets from disk, so they may be this large.
/// (`streamed_workbook_size`.)
pub const MAX_STREAMED_WORKBOOK_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// A workbook's bytes for calamine: the file itself (XLSX, XLSB: sheets stream) or a copy
/// in memory (XLS, ODS: calamine reads them whole anyway), with the SHA-256 of the bytes.
enum WorkbookSource {
    File(BufReader<std::fs::File>, String),
    Memory(Cursor<Vec<u8>>, String),
}

impl WorkbookSource {
    fn sha256(&self) -> &str {
        match self {
            WorkbookSource::File(_, sha256) | WorkbookSource::Memory(_, sha256) => sha256,
        }
    }
}

impl Read for WorkbookSource {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            WorkbookSource::File(file, _) => file.read(buffer),
            WorkbookSource::Memory(cursor, _) => cursor.read(buffer),
        }
    }
}

impl Seek for WorkbookSource {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        match self {
            WorkbookSource::File(file, _) => file.seek(position),
            WorkbookSource::Memory(cursor, _) => cursor.seek(position),
        }
    }
}

/// Feeds a hasher as an `io::Write`, so a file can be hashed with `io::copy`.
struct HashWriter<'h>(&'h mut Sha256);

impl io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A decompressed workbook part larger than this is refused before calamine opens it
/// (a "zip bomb" inflates a few kilobytes into gigabytes). (`workbook_part_size`.)
pub const MAX_WORKBOOK_PART_BYTES: u64 = 1024 * 1024 * 1024;

/// calamine holds every shared string in memory; a table larger than this once
/// decompressed is refused. (`shared_strings_size`.)
pub const MAX_SHARED_STRINGS_BYTES: u64 = 512 * 1024 * 1024;

/// A sheet whose used area has more cells than this is refused. (`sheet_cells`.)
pub const MAX_SHEET_CELLS: usize = 50_000_000;

/// A worksheet part that inflates past this is refused: sheets stream cell by cell, so
/// this bounds the time a sheet of empty rows can take, not memory (50 million cells of
/// about 80 bytes of XML each fit). (`sheet_part_size`.)
pub const MAX_SHEET_PART_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// calamine's XML reader (quick-xml) holds one whole token in memory — a run of text, a
/// tag with its attributes, a comment, a CDATA section — however long: a 3 MB workbook
/// whose one cell inflates to 3 GB of text aborts the process (memory cannot be caught
/// running out). An XML part with a token longer than this is refused before calamine
/// opens the file; Excel's own limit, 32,767 characters a cell, is far below it.
/// (`xml_token_size`.)
pub const MAX_XML_TOKEN_BYTES: u64 = 16 * 1024 * 1024;

/// A member of a zip archive that inflates past this is refused, whatever its header
/// declares. Rows stream, so memory stays bounded at any size; the cap bounds the time a
/// "zip bomb" (a few kilobytes inflating without end) can take, while leaving room for
/// the largest real monthly bill. (`zip_member_size`.)
pub const MAX_ZIP_MEMBER_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// The widest spreadsheet row read. Excel's own limit is 16,384 columns; no billing,
/// contract or ledger layout comes near 1,024, and a row's cost grows with its width (a
/// hostile sheet could put one far cell in every row). A row with a value past it is
/// rejected with its place, never read without that value. (`sheet_columns`.)
pub const MAX_COLUMNS: usize = 1024;

/// What a loader does with the rows of one file.
pub trait TableVisitor {
    /// A new table starts: a CSV file, one sheet of a workbook, or one member of a zip
    /// archive.
    fn begin_table(&mut self, table: &Location);
    /// One row of the current table; `number` is 1-based as a spreadsheet shows it.
    fn row(&mut self, number: usize, cells: &[Cell]);
    /// A row that could not be decoded at all (bad bytes, broken quoting).
    fn unreadable_row(&mut self, number: usize, why: String);
    /// A CSV record as it was parsed, its fields checked to be UTF-8 and not yet trimmed,
    /// offered before it is turned into cells: a visitor that can take it as it is returns
    /// `true` and the record is done; `false` (the default) has it delivered to
    /// [`TableVisitor::row`]. This is the billing hot path's way to skip copying and
    /// re-checking every field.
    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        let _ = (number, fields);
        false
    }
}

/// What was learnt about a file while reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA-256 of the file's bytes as on disk (for a zip archive, the whole archive),
    /// lower-case hex.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: u64,
    /// The text encoding of a CSV (`UTF-8`, `GB18030`, …); for a zip archive, that of its
    /// first CSV member in name order; `None` for spreadsheets and for a zip archive
    /// without a CSV member.
    pub encoding: Option<&'static str>,
    /// Sheets left out because they are hidden.
    pub hidden_sheets: Vec<String>,
}

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file could not be opened or read.
    #[error("{location}: cannot read the file: {source}")]
    Io {
        /// The file.
        location: Location,
        /// Why.
        source: io::Error,
    },
    /// Not a format the auditor reads.
    #[error(
        "{location}: unsupported file type; expected .csv, .tsv, .xlsx, .xlsm, .xls, .xlsb, .ods or .zip"
    )]
    UnsupportedType {
        /// The file.
        location: Location,
    },
    /// The text encoding could not be determined.
    #[error(
        "{location}: the file is neither UTF-8 nor GBK/GB18030 (undecodable bytes at byte offset {offset}); save it as UTF-8 CSV"
    )]
    Encoding {
        /// The file.
        location: Location,
        /// First undecodable byte.
        offset: u64,
    },
    /// calamine could not open the workbook or a sheet.
    #[error("{location}: cannot read the workbook: {message}")]
    Workbook {
        /// The file or sheet.
        location: Location,
        /// calamine's message.
        message: String,
    },
    /// The reader panicked on this file.
    #[error(
        "{location}: the file is malformed and crashed the reader ({message}); rows read before that are counted"
    )]
    Crashed {
        /// The file.
        location: Location,
        /// The panic message.
        message: String,
    },
    /// The workbook is larger than the auditor will load.
    #[error(
        "{location}: {what} is {size} {unit}, over the limit of {limit} {unit}{}{}",
        limit_advice(*which, *limit),
        if *partial { "; the rows read before it are counted" } else { "" },
        unit = which.unit()
    )]
    TooLarge {
        /// The file (or the part, or the sheet inside it).
        location: Location,
        /// What was measured.
        what: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
        /// Which limit: what `size` and `limit` count, and the key that sets it.
        which: Limit,
        /// Rows were handed over before the limit was passed (a sheet or zip member
        /// measured as it streams): they stay counted, and the message says so.
        partial: bool,
    },
    /// A `.zip` file whose central directory cannot be read (not a zip, truncated or
    /// corrupt).
    #[error(
        "{location}: the file is not a readable zip archive ({message}); check that the download completed"
    )]
    ZipArchive {
        /// The file.
        location: Location,
        /// The zip reader's message.
        message: String,
    },
    /// A CSV member of a zip archive is encrypted: without its password it cannot be read.
    #[error(
        "{location}: the member is encrypted; extract it with its password and pass the CSV file itself"
    )]
    ZipEncrypted {
        /// The member.
        location: Location,
    },
    /// A CSV member of a zip archive is compressed with a method the auditor cannot undo.
    #[error(
        "{location}: the member is compressed with {method}, which the auditor cannot decompress; zip it again with Deflate or pass the CSV file itself"
    )]
    ZipCompression {
        /// The member.
        location: Location,
        /// The compression method's name (or number, when unknown).
        method: String,
    },
    /// A CSV member of a zip archive could not be decompressed (corrupt data, wrong
    /// checksum, inconsistent sizes).
    #[error(
        "{location}: the member is corrupt and cannot be decompressed ({message}); rows read before that are counted"
    )]
    ZipMember {
        /// The member.
        location: Location,
        /// The zip reader's message.
        message: String,
    },
}

/// How a [`TableError::TooLarge`] message ends: the limit's key, and what to do.
fn limit_advice(which: Limit, limit: u64) -> String {
    let unit = which.unit();
    match which.key() {
        Some(key) => {
            // `1 GiB, ` when the limit is a round size; nothing when it is plain bytes.
            let size = Some(format_size(limit))
                .filter(|size| unit == "bytes" && !size.ends_with("bytes"))
                .map(|size| format!("{size}, "))
                .unwrap_or_default();
            format!(
                " ({size}`{key}` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted"
            )
        }
        None => "; the file is corrupt or forged".into(),
    }
}

/// Reads every table in `path` with the limits of this process ([`Limits::current`]).
/// See [`read_file_with`].
///
/// # Errors
/// As [`read_file_with`].
pub fn read_file(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
) -> Result<FileDigest, TableError> {
    read_file_with(path, file, visitor, &Limits::current())
}

/// Reads every table in `path`, calling `visitor` for each row: a CSV file is one table, a
/// workbook one per visible sheet, a zip archive one per member (CSV members are read,
/// others reported as unreadable), in member-name order.
///
/// A panic while reading (calamine has had panics on malformed XLS/XLSB files) is caught
/// and returned as [`TableError::Crashed`], so one bad file never ends the whole audit;
/// rows handed to the visitor before it stay counted.
///
/// # Errors
/// When the file cannot be opened, its type or encoding is not supported, the workbook is
/// unreadable or over the size limits, a zip archive or one of its CSV members cannot be
/// opened or decompressed, or the reader crashed. Bad rows are not errors:
/// they go to [`TableVisitor::unreadable_row`] — a spreadsheet row with a value past
/// `limits.sheet_columns` among them.
pub fn read_file_with(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let outer = READING.with(|reading| reading.replace(Some(file.clone())));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_file_unguarded(path, file, visitor, limits)
    }));
    READING.with(|reading| reading.replace(outer));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(TableError::Crashed { location, message })
    })
}

thread_local! {
    /// The file [`read_file_with`] reads on this thread, while it reads it: a panic then
    /// is caught and becomes that file's [`TableError::Crashed`].
    static READING: std::cell::RefCell<Option<Arc<str>>> = const { std::cell::RefCell::new(None) };
}

/// For the binary's panic hook: one line about `panic` when it is a panic inside a
/// dependency (a crate built from Cargo's registry or a git checkout) while
/// [`read_file_with`] reads a file on this thread — a panic it contains and reports as
/// that file's [`TableError::Crashed`], so the raw panic message need not be printed.
/// `None` for any other panic, this crate's own above all: those must print as usual.
pub fn contained_panic(panic: &std::panic::PanicHookInfo<'_>) -> Option<String> {
    let location = panic.location()?;
    let source = dependency_source(location.file())?;
    // No `borrow` that could panic again inside the hook (a panic there aborts).
    let file = READING
        .try_with(|reading| reading.try_borrow().ok().and_then(|file| file.clone()))
        .ok()??;
    let message = panic
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.payload().downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic");
    Some(format!(
        "{file}: a library the reader uses panicked at {source}:{}: {message}; the panic is contained: the file is reported as malformed and the audit goes on",
        location.line()
    ))
}

/// A source file of a dependency built from Cargo's registry or a git checkout, from its
/// crate's folder on (`…/registry/src/<index>/calamine-0.38.0/src/xlsx/mod.rs` →
/// `calamine-0.38.0/src/xlsx/mod.rs`); `None` for any other file: this crate's, the
/// standard library's, a vendored or path dependency's.
fn dependency_source(file: &str) -> Option<&str> {
    [
        ("/registry/src/", true),
        ("/git/checkouts/", false),
        ("\\registry\\src\\", true),
        ("\\git\\checkouts\\", false),
    ]
    .iter()
    .find_map(|&(marker, index)| {
        let rest = &file[file.find(marker)? + marker.len()..];
        // The registry's index folder comes before the crate's.
        let source = if index {
            rest.split_once(&marker[..1])?.1
        } else {
            rest
        };
        Some(source).filter(|source| !source.is_empty())
    })
}

fn read_file_unguarded(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    // Spreadsheets and zip archives may be refused part-way (a sheet or member measured
    // as it streams): the rows handed over by then are counted, and the error says so.
    let mut counting = Counting {
        inner: visitor,
        rows: 0,
    };
    let mut result = match extension.as_str() {
        "csv" | "txt" | "tsv" => return read_csv(path, file, counting.inner),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            read_spreadsheet(path, file, &extension, &mut counting, limits)
        }
        "zip" => read_zip_capped(path, file, &mut counting, limits.zip_member_bytes),
        _ => Err(TableError::UnsupportedType {
            location: Location::file(file),
        }),
    };
    if let Err(TableError::TooLarge { partial, .. }) = &mut result {
        *partial = counting.rows > 0;
    }
    result
}

/// Passes everything on, counting the rows handed over.
struct Counting<'v> {
    inner: &'v mut dyn TableVisitor,
    rows: u64,
}

impl TableVisitor for Counting<'_> {
    fn begin_table(&mut self, table: &Location) {
        self.inner.begin_table(table);
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.rows += 1;
        self.inner.row(number, cells);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        self.rows += 1;
        self.inner.unreadable_row(number, why);
    }

    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        let taken = self.inner.record(number, fields);
        self.rows += u64::from(taken);
        taken
    }
}

/// True for file names this module can read (used when walking folders).
pub fn is_table_file(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|extension| {
            matches!(
                extension.as_str(),
                "csv" | "tsv" | "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "zip"
            )
        })
}

/// Counts and hashes bytes as they pass, so the digest is of exactly what was parsed.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..count]);
        self.bytes += count as u64;
        Ok(count)
    }
}

pub(crate) use crate::domain::digest::hex;

/// The encodings a CSV may be in, decided from its first bytes; never guessed from
/// content beyond "is this valid UTF-8, else is it valid GB18030".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// How many bytes are looked at to decide the encoding.
pub(crate) const SNIFF_BYTES: usize = 256 * 1024;

pub(crate) fn sniff_encoding(sample: &[u8], at_end: bool) -> Result<TextEncoding, u64> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return Ok(TextEncoding::Utf16Le);
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return Ok(TextEncoding::Utf16Be);
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Ok(TextEncoding::Utf8),
        // Cut in the middle of a character by the sample's end: still UTF-8.
        Err(error) if error.error_len().is_none() && !at_end => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut output = vec![0u8; sample.len() * 3 + 16];
    let (result, read, _) = decoder.decode_to_utf8_without_replacement(sample, &mut output, at_end);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => Err(read as u64 - u64::from(bad)),
        _ => Ok(TextEncoding::Gb18030),
    }
}

/// Transcodes a non-UTF-8 stream to UTF-8, failing (never replacing) on bad bytes.
struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    output: Vec<u8>,
    position: usize,
    filled: usize,
    consumed: u64,
    finished: bool,
}

impl<R: BufRead> DecodingReader<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            output: vec![0; 64 * 1024],
            position: 0,
            filled: 0,
            consumed: 0,
            finished: false,
        }
    }
}

impl<R: BufRead> Read for DecodingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.position == self.filled && !self.finished {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(input, &mut self.output, last);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "undecodable bytes near byte offset {}",
                        self.consumed + read as u64
                    ),
                ));
            }
            self.inner.consume(read);
            self.consumed += read as u64;
            self.position = 0;
            self.filled = written;
            if last && matches!(result, encoding_rs::DecoderResult::InputEmpty) {
                self.finished = true;
            }
        }
        let count = buffer.len().min(self.filled - self.position);
        buffer[..count].copy_from_slice(&self.output[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}

/// Normalises line ends before the CSV parser sees them: `\r\n` and a lone `\r` become
/// `\n`, and a missing final line end is added. The csv crate does not count a record's
/// line reliably after CRLF or blank lines; with every line ending in exactly one `\n`, a
/// record's row is the parser's line after it, less one, less the line breaks inside its
/// quoted fields — the row a spreadsheet shows.
struct LineEnds<R> {
    inner: R,
    after_cr: bool,
    last: Option<u8>,
    finished: bool,
}

impl<R: Read> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds {
            inner,
            after_cr: false,
            last: None,
            finished: false,
        }
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() || self.finished {
            return Ok(0);
        }
        loop {
            let count = self.inner.read(out)?;
            if count == 0 {
                self.finished = true;
                if self.last.is_some_and(|last| last != b'\n') {
                    out[0] = b'\n';
                    return Ok(1);
                }
                return Ok(0);
            }
            // Most files have no `\r` at all: then nothing is rewritten (a `\n` right after a
            // `\r` that ended the previous read still has to go).
            if !(memchr::memchr(b'\r', &out[..count]).is_some() || self.after_cr && out[0] == b'\n')
            {
                self.after_cr = false;
                self.last = Some(out[count - 1]);
                return Ok(count);
            }
            // Rewrite in place: output never outgrows input.
            let mut written = 0;
            for index in 0..count {
                let byte = out[index];
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                let emitted = match byte {
                    b'\n' if after_cr => continue,
                    b'\r' => b'\n',
                    other => other,
                };
                out[written] = emitted;
                written += 1;
            }
            if written > 0 {
                self.last = Some(out[written - 1]);
                return Ok(written);
            }
        }
    }
}

fn read_csv(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
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
    let encoding = read_csv_stream(&mut hashing, &location, delimiter, visitor)?;
    // Hash whatever the parser did not need (after a fatal decoding error) so the digest
    // always covers the whole file.
    io::copy(&mut hashing, &mut io::sink()).map_err(io_error)?;
    Ok(FileDigest {
        sha256: hex(&hashing.hasher.finalize()),
        bytes: hashing.bytes,
        encoding: Some(encoding.name()),
        hidden_sheets: Vec::new(),
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
/// every row to `visitor`. Only a bounded sample is ever held in memory.
fn read_csv_stream(
    mut input: impl Read,
    location: &Location,
    delimiter: u8,
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
    let encoding = sniff_encoding(&sample, at_end).map_err(|offset| TableError::Encoding {
        location: location.clone(),
        offset,
    })?;
    let mut head = Cursor::new(sample);
    if encoding == TextEncoding::Utf8Bom {
        head.set_position(3);
    }
    let mut buffered = BufReader::with_capacity(64 * 1024, head.chain(input));
    visitor.begin_table(location);
    match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
            read_csv_records(&mut buffered, delimiter, visitor);
        }
        TextEncoding::Utf16Le | TextEncoding::Utf16Be | TextEncoding::Gb18030 => {
            let label = match encoding {
                TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
                TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
                _ => encoding_rs::GB18030,
            };
            let mut decoding = DecodingReader::new(buffered, label);
            read_csv_records(&mut decoding, delimiter, visitor);
        }
    }
    Ok(encoding)
}

/// Parses CSV records from UTF-8 bytes. Ragged rows are passed through as they are (the
/// loader rejects them by column); a decoding failure ends the file at that row.
fn read_csv_records(input: &mut dyn Read, delimiter: u8, visitor: &mut dyn TableVisitor) {
    records::read_records(input, delimiter, 0, visitor);
}

/// Reads every member of a zip archive, in member-name order, capping each member at
/// `member_limit` bytes once inflated (`zip_member_size`).
fn read_zip_capped(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    member_limit: u64,
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
        let read = read_csv_stream(&mut guarded, &table, delimiter_for(member_path), visitor);
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
enum NamePiece {
    /// Digits without leading zeros, ordered by length first so they compare as numbers
    /// of any size.
    Number(usize, String),
    /// Anything between numbers.
    Text(String),
}

/// The sort key of a member name: `bill_2.csv` before `bill_10.csv`, as a person numbers
/// parts. A derived key (rather than a comparison function) keeps the order total for any
/// name a hostile archive holds.
fn member_order_key(name: &str) -> Vec<NamePiece> {
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

fn read_spreadsheet(
    path: &Path,
    file: Arc<str>,
    extension: &str,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let size = std::fs::metadata(path)
        .map_err(|source| TableError::Io {
            location: location.clone(),
            source,
        })?
        .len();
    // XLSX and XLSB sheets stream from the file; XLS and ODS are loaded whole by calamine.
    let streamed = matches!(extension, "xlsx" | "xlsm" | "xlsb");
    let (limit, which) = if streamed {
        (limits.streamed_workbook_bytes, Limit::StreamedWorkbook)
    } else {
        (limits.whole_workbook_bytes, Limit::WholeWorkbook)
    };
    if size > limit {
        return Err(TableError::TooLarge {
            location,
            what: "the file".to_string(),
            size,
            limit,
            which,
            partial: false,
        });
    }
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let cursor = if streamed {
        let mut file =
            BufReader::with_capacity(256 * 1024, std::fs::File::open(path).map_err(io_error)?);
        let mut hasher = Sha256::new();
        io::copy(&mut file, &mut HashWriter(&mut hasher)).map_err(io_error)?;
        file.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
        WorkbookSource::File(file, hex(&hasher.finalize()))
    } else {
        let bytes = std::fs::read(path).map_err(io_error)?;
        let sha256 = hex(&Sha256::digest(&bytes));
        WorkbookSource::Memory(Cursor::new(bytes), sha256)
    };
    let sha256 = cursor.sha256().to_string();
    let mut cursor = cursor;
    if matches!(extension, "xlsx" | "xlsm" | "xlsb" | "ods") {
        let references = matches!(extension, "xlsx" | "xlsm");
        check_zip_parts(&mut cursor, &location, limits, references)?;
        cursor.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
    }
    if streamed {
        // calamine opens an .xlsx or .xlsb that is a compound file (an encrypted package,
        // or an .xls renamed) as one, to look for encryption: the same reading as an .xls.
        xls::check_compound(&mut cursor, size, &file)?;
        cursor.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
    }
    if let ("xls", WorkbookSource::Memory(bytes, _)) = (extension, &cursor) {
        // calamine builds every sheet of an .xls, as a dense grid, when it opens it.
        xls::check(bytes.get_ref(), &file, limits)?;
    }
    if let ("ods", WorkbookSource::Memory(bytes, _)) = (extension, &cursor) {
        // And every table of an .ods, its repeated rows and cells expanded.
        ods::check(bytes.get_ref(), &file, limits)?;
    }
    let workbook_error = |location: &Location, error: calamine::Error| TableError::Workbook {
        location: location.clone(),
        message: error.to_string(),
    };
    let mut workbook: calamine::Sheets<_> = match extension {
        "xls" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xls)
            .map_err(|error| workbook_error(&location, calamine::Error::Xls(error)))?,
        "xlsb" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsb)
            .map_err(|error| workbook_error(&location, calamine::Error::Xlsb(error)))?,
        "ods" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Ods)
            .map_err(|error| workbook_error(&location, calamine::Error::Ods(error)))?,
        _ => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsx)
            .map_err(|error| workbook_error(&location, calamine::Error::Xlsx(error)))?,
    };
    let sheets: Vec<(String, bool)> = workbook
        .sheets_metadata()
        .iter()
        .map(|sheet| (sheet.name.clone(), sheet.visible == SheetVisible::Visible))
        .collect();
    let mut hidden_sheets = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let columns = limits.sheet_columns as usize;
    for (name, visible) in sheets {
        if !visible {
            hidden_sheets.push(name);
            continue;
        }
        let table = Location::sheet(file.clone(), Some(Arc::from(name.as_str())));
        visitor.begin_table(&table);
        // XLSX and XLSB stream cell by cell: memory stays bounded whatever the sheet's
        // size, and a hostile file with one cell at A1 and one at XFD1048576 cannot make
        // calamine allocate the grid between them.
        let streamed = match &mut workbook {
            calamine::Sheets::Xlsx(book) => {
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|error| workbook_error(&table, calamine::Error::Xlsx(error)))?;
                stream_cells(&table, visitor, limits, || {
                    reader
                        .next_cell()
                        .map_err(|error| calamine::Error::Xlsx(error).to_string())
                })?;
                true
            }
            calamine::Sheets::Xlsb(book) => {
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|error| workbook_error(&table, calamine::Error::Xlsb(error)))?;
                stream_cells(&table, visitor, limits, || {
                    reader
                        .next_cell()
                        .map_err(|error| calamine::Error::Xlsb(error).to_string())
                })?;
                true
            }
            _ => false,
        };
        if streamed {
            continue;
        }
        // XLS and ODS: calamine has no streaming reader; it loaded them whole already.
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| workbook_error(&table, error))?;
        let (height, width) = range.get_size();
        let area = (height as u64).saturating_mul(width as u64);
        if area > limits.sheet_cells {
            return Err(TableError::TooLarge {
                location: table,
                what: format!("the used area ({height} rows × {width} columns)"),
                size: area,
                limit: limits.sheet_cells,
                which: Limit::SheetCells,
                partial: false,
            });
        }
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        for (offset, row) in range.rows().enumerate() {
            let number = first_row as usize + offset + 1;
            cells.clear();
            // Keep columns where a user sees them even when the used area starts at C.
            cells.extend((0..first_column).map(|_| Cell::Empty));
            cells.extend(row.iter().map(cell_from_data));
            let past = cells
                .iter()
                .enumerate()
                .skip(columns)
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(column, _)| column);
            match Overflow::of(past) {
                Some(overflow) => visitor.unreadable_row(number, overflow.why(number, columns)),
                None => {
                    cells.truncate(columns);
                    visitor.row(number, &cells);
                }
            }
        }
    }
    Ok(FileDigest {
        sha256,
        bytes: size,
        encoding: None,
        hidden_sheets,
    })
}

/// The values of a spreadsheet row past the widest row read (`sheet_columns`): the row is
/// rejected, naming the first, rather than read without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Overflow {
    /// The first such column, 0-based.
    first: usize,
    /// How many cells past the limit hold a value.
    count: usize,
}

impl Overflow {
    /// From the 0-based columns past the limit that hold a value, in order.
    fn of(mut columns: impl Iterator<Item = usize>) -> Option<Overflow> {
        let first = columns.next()?;
        Some(Overflow {
            first,
            count: 1 + columns.count(),
        })
    }

    /// Why row `row` is rejected, when rows are read up to `columns` columns.
    fn why(self, row: usize, columns: usize) -> String {
        let more = match self.count {
            1 => String::new(),
            count => format!(" (and {} more cells past it)", count - 1),
        };
        format!(
            "cell {}{row} (column {}) holds a value{more}, but rows are read only up to column {} ({columns} columns, `sheet_columns` in the [limits] table of the --config file, at most {EXCEL_COLUMNS}): the row is rejected rather than read without it",
            xls::column_name(self.first as u64),
            self.first + 1,
            xls::column_name(columns.saturating_sub(1) as u64),
        )
    }
}

/// Assembles streamed cells into rows. Rows arrive in order in every file Excel writes;
/// should a hostile file go back, the row is simply emitted again under its number. A
/// row with a value past `limits.sheet_columns` is handed over as unreadable, naming the
/// cell; an empty cell out there (formatting only) loses nothing and is passed over.
fn stream_cells<'d>(
    table: &Location,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'d>>>, String>,
) -> Result<(), TableError> {
    let columns = limits.sheet_columns as usize;
    let mut cells: Vec<Cell> = Vec::new();
    // Cells in use in the current row (the vector keeps more for reuse).
    let mut width = 0usize;
    let mut current: Option<u32> = None;
    // Values of the current row past the last column read.
    let mut overflow: Option<Overflow> = None;
    let mut count = 0u64;
    let mut finish_row = |row: u32, cells: &[Cell], overflow: Option<Overflow>| match overflow {
        Some(overflow) => {
            let number = row as usize + 1;
            visitor.unreadable_row(number, overflow.why(number, columns));
        }
        None => visitor.row(row as usize + 1, cells),
    };
    loop {
        let cell = next().map_err(|message| TableError::Workbook {
            location: table.clone(),
            message,
        })?;
        let Some(cell) = cell else { break };
        count += 1;
        if count > limits.sheet_cells {
            return Err(TableError::TooLarge {
                location: table.clone(),
                what: "the number of cells".into(),
                size: count,
                limit: limits.sheet_cells,
                which: Limit::SheetCells,
                partial: false,
            });
        }
        let (row, column) = cell.get_position();
        if current != Some(row) {
            if let Some(previous) = current {
                finish_row(previous, &cells[..width], overflow.take());
            }
            // Emptied, not dropped: the next row's text reuses the strings.
            for cell in &mut cells[..width] {
                empty(cell);
            }
            width = 0;
            current = Some(row);
        }
        let column = column as usize;
        if column >= columns {
            if !cell_from_data_ref(cell.get_value()).is_empty() {
                overflow = Some(match overflow {
                    None => Overflow {
                        first: column,
                        count: 1,
                    },
                    Some(seen) => Overflow {
                        first: seen.first.min(column),
                        count: seen.count + 1,
                    },
                });
            }
            continue;
        }
        if cells.len() <= column {
            cells.resize(column + 1, Cell::Empty);
        }
        width = width.max(column + 1);
        fill(&mut cells[column], cell.get_value());
    }
    if let Some(previous) = current {
        finish_row(previous, &cells[..width], overflow);
    }
    Ok(())
}

/// Empties a cell, keeping a text cell's string for reuse (an empty text reads as empty).
fn empty(cell: &mut Cell) {
    match cell {
        Cell::Text(text) => text.clear(),
        other => *other = Cell::Empty,
    }
}

/// Sets a cell from a streamed value, reusing its string for text.
fn fill(slot: &mut Cell, data: &calamine::DataRef<'_>) {
    use calamine::DataRef;
    let text = match data {
        DataRef::SharedString(text) => Some(text.trim()),
        DataRef::String(text) => Some(text.trim()),
        _ => None,
    };
    match (text, slot) {
        (Some(""), slot) => empty(slot),
        (Some(text), Cell::Text(previous)) => {
            previous.clear();
            previous.push_str(text);
        }
        (Some(text), slot) => *slot = Cell::Text(text.to_string()),
        (None, slot) => *slot = cell_from_data_ref(data),
    }
}

fn cell_from_data_ref(data: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match data {
        DataRef::SharedString(text) if text.trim().is_empty() => Cell::Empty,
        DataRef::SharedString(text) => Cell::Text(text.trim().to_string()),
        DataRef::String(text) => cell_from_data(&Data::String(text.clone())),
        DataRef::Int(number) => cell_from_data(&Data::Int(*number)),
        DataRef::Float(number) => Cell::Number(*number),
        DataRef::Bool(value) => Cell::Bool(*value),
        DataRef::DateTime(value) => cell_from_data(&Data::DateTime(*value)),
        DataRef::DateTimeIso(text) => cell_from_data(&Data::DateTimeIso(text.clone())),
        DataRef::DurationIso(text) => Cell::Text(text.clone()),
        DataRef::Error(error) => Cell::Error(error.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

/// Refuses zip containers whose parts claim to inflate beyond the limit, before calamine
/// allocates anything for them.
///
/// With `references` (an `.xlsx` or `.xlsm`), the row and cell references calamine reads
/// are checked too, and one it would overflow on refuses the file
/// (`src/ingest/table/xlsx.rs`).
fn check_zip_parts<R: Read + Seek>(
    source: &mut R,
    location: &Location,
    limits: &Limits,
    references: bool,
) -> Result<(), TableError> {
    let Ok(mut archive) = zip::ZipArchive::new(source) else {
        // Not a zip: calamine will report the real problem.
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let name = part.name().unwrap_or_default().into_owned();
        // Every part's real inflated size is measured (headers can lie), stopping one
        // byte past the limit: sheets stream cell by cell and may be large; every other
        // part is read whole by calamine. Every XML part's longest token is measured too.
        let (part_limit, which) = if name.starts_with("xl/worksheets/") {
            (limits.sheet_part_bytes, Limit::SheetPart)
        } else {
            (limits.workbook_part_bytes, Limit::WorkbookPart)
        };
        let mut scan = XmlScan::new(
            name.ends_with(".xml") || name.ends_with(".rels"),
            limits.xml_token_bytes,
        );
        if references {
            scan = scan.with_references();
        }
        let _ = io::copy(&mut part.take(part_limit.saturating_add(1)), &mut scan);
        if let Some(bad) = scan.bad_reference() {
            // Named by its sheet when the workbook says which sheet the part is.
            let table = match xlsx::sheet_of_part(&mut archive, &name) {
                Some(sheet) => Location::sheet(location.file.clone(), Some(Arc::from(sheet))),
                None => location.clone(),
            };
            return Err(TableError::Workbook {
                location: table,
                message: format!(
                    "{}: the file is corrupt; save it again from Excel",
                    bad.describe(&name)
                ),
            });
        }
        if scan.longest() > limits.xml_token_bytes {
            return Err(TableError::TooLarge {
                location: location.clone(),
                what: format!(
                    "an XML token (a text, tag, comment or CDATA section) in the part `{name}`"
                ),
                size: scan.longest(),
                limit: limits.xml_token_bytes,
                which: Limit::XmlToken,
                partial: false,
            });
        }
        let size = scan.bytes;
        if size > part_limit {
            return Err(TableError::TooLarge {
                location: location.clone(),
                what: format!("the part `{name}` once decompressed"),
                size,
                limit: part_limit,
                which,
                partial: false,
            });
        }
    }
    check_shared_strings(&mut archive, location, limits.shared_strings_bytes)
}

/// Where [`XmlScan`] is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XmlState {
    Text,
    /// Just after `<`.
    Open,
    /// In a tag, inside the quote when one is open.
    Tag(Option<u8>),
    /// Just after `<!`, or `<!-`.
    Bang(u8),
    /// In a comment, after this many `-`.
    Comment(u8),
    /// In a CDATA section, after this many `]`.
    CData(u8),
    /// In a processing instruction, just after a `?` or not.
    Instruction(bool),
    /// In a DOCTYPE declaration, this many `[` deep.
    Doctype(u32),
    /// In a tag [`xlsx::References`] reads (its name, and the attributes it checks).
    Checked,
}

/// Counts the bytes of a part written into it and, for XML, measures the longest token
/// quick-xml would hold at once (`xml_token_size`); stops (a write error) as soon as a
/// token passes `token_limit`, so a bomb is never inflated further than that. With
/// [`XmlScan::with_references`] (the parts of an `.xlsx` or `.xlsm`, whatever their
/// names: calamine reads a sheet from wherever the workbook points), it also checks the
/// row and cell references calamine reads (`src/ingest/table/xlsx.rs`), and stops at the
/// first one out of range.
struct XmlScan {
    xml: bool,
    token_limit: u64,
    state: XmlState,
    length: u64,
    longest: u64,
    bytes: u64,
    references: Option<xlsx::References>,
}

impl XmlScan {
    fn new(xml: bool, token_limit: u64) -> Self {
        XmlScan {
            xml,
            token_limit,
            state: XmlState::Text,
            length: 0,
            longest: 0,
            bytes: 0,
            references: None,
        }
    }

    /// Checks the references calamine reads too (the tokens of a part not named as XML
    /// are then followed, but not measured).
    fn with_references(mut self) -> Self {
        self.references = Some(xlsx::References::new());
        self
    }

    /// The first reference out of range, when references are checked.
    fn bad_reference(&self) -> Option<&xlsx::BadReference> {
        self.references.as_ref().and_then(xlsx::References::bad)
    }

    /// The longest token seen, an unfinished one included (0 for a part not named as XML).
    fn longest(&self) -> u64 {
        if self.xml {
            self.longest.max(self.length)
        } else {
            0
        }
    }

    fn end(&mut self) {
        self.longest = self.longest.max(self.length);
        self.length = 0;
        self.state = XmlState::Text;
    }

    fn tag(&mut self, quote: Option<u8>, byte: u8) {
        self.state = match (quote, byte) {
            (Some(open), byte) if byte == open => XmlState::Tag(None),
            (Some(open), _) => XmlState::Tag(Some(open)),
            (None, b'"' | b'\'') => XmlState::Tag(Some(byte)),
            (None, b'>') => return self.end(),
            (None, _) => XmlState::Tag(None),
        };
    }

    fn step(&mut self, byte: u8) {
        use XmlState::*;
        self.length += 1;
        match self.state {
            Text => {
                if byte == b'<' {
                    self.length -= 1;
                    self.end();
                    self.state = Open;
                    self.length = 1;
                }
            }
            Open => match byte {
                b'!' => self.state = Bang(0),
                b'?' => self.state = Instruction(false),
                _ => self.tag(None, byte),
            },
            Tag(quote) => self.tag(quote, byte),
            // Read in `write`.
            Checked => {}
            Bang(0) if byte == b'-' => self.state = Bang(1),
            Bang(1) if byte == b'-' => self.state = Comment(0),
            Bang(0) if byte == b'[' => self.state = CData(0),
            Bang(_) if byte == b'>' => self.end(),
            Bang(_) => self.state = Doctype(0),
            Comment(dashes) => match byte {
                b'-' => self.state = Comment(dashes.saturating_add(1)),
                b'>' if dashes >= 2 => self.end(),
                _ => self.state = Comment(0),
            },
            CData(brackets) => match byte {
                b']' => self.state = CData(brackets.saturating_add(1)),
                b'>' if brackets >= 2 => self.end(),
                _ => self.state = CData(0),
            },
            Instruction(question) => match byte {
                b'>' if question => self.end(),
                _ => self.state = Instruction(byte == b'?'),
            },
            Doctype(depth) => match byte {
                b'[' => self.state = Doctype(depth.saturating_add(1)),
                b']' => self.state = Doctype(depth.saturating_sub(1)),
                b'>' if depth == 0 => self.end(),
                _ => {}
            },
        }
    }
}

impl io::Write for XmlScan {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        if self.bad_reference().is_some() {
            return Err(io::Error::other("a cell reference is out of range"));
        }
        self.bytes += buffer.len() as u64;
        if self.xml || self.references.is_some() {
            let mut at = 0;
            while at < buffer.len() {
                if let Some(references) = &mut self.references {
                    // A tag's name (not `<!` or `<?`), and the attributes to check: read
                    // by `References`, which hands back a plain tag when nothing is left
                    // to check in it.
                    if self.state == XmlState::Open && !matches!(buffer[at], b'!' | b'?') {
                        references.begin_tag();
                        self.state = XmlState::Checked;
                    }
                    if self.state == XmlState::Checked {
                        let (used, tag) = references.tag(&buffer[at..]);
                        self.length += used as u64;
                        at += used;
                        match tag {
                            xlsx::Tag::Reading => {}
                            xlsx::Tag::Plain(quote) => self.state = XmlState::Tag(quote),
                            xlsx::Tag::Ended => self.end(),
                            xlsx::Tag::Bad => break,
                        }
                        continue;
                    }
                }
                // Text runs to the next `<`, a tag to its next `>` or quote, a quoted
                // value to its closing quote: skip each in one step.
                let next = match self.state {
                    XmlState::Text => memchr::memchr(b'<', &buffer[at..]),
                    XmlState::Tag(None) => memchr::memchr3(b'>', b'"', b'\'', &buffer[at..]),
                    XmlState::Tag(Some(quote)) => memchr::memchr(quote, &buffer[at..]),
                    _ => Some(0),
                };
                let Some(offset) = next else {
                    self.length += (buffer.len() - at) as u64;
                    break;
                };
                self.length += offset as u64;
                at += offset;
                self.step(buffer[at]);
                at += 1;
            }
            if self.bad_reference().is_some() {
                return Err(io::Error::other("a cell reference is out of range"));
            }
            if self.longest() > self.token_limit {
                return Err(io::Error::other("an XML token is over the limit"));
            }
        }
        Ok(buffer.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// calamine reserves room for as many shared strings as the workbook declares before
/// reading any (calamine#684): a few bytes declaring four billion strings abort the
/// process. Each string takes at least `<si><t/></si>` (12 bytes) of XML, so a declared
/// count above the part's size over 12 is a lie, and the file is refused.
fn check_shared_strings<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    location: &Location,
    limit: u64,
) -> Result<(), TableError> {
    let Ok(part) = archive.by_name("xl/sharedStrings.xml") else {
        return Ok(());
    };
    // The declared size in the zip header can lie too: measure the real one, reading at
    // most one byte past the limit.
    let mut reader = part.take(limit.saturating_add(1));
    let mut head = vec![0u8; 4096];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(count) => filled += count,
        }
    }
    head.truncate(filled);
    let rest = io::copy(&mut reader, &mut io::sink()).unwrap_or(0);
    let size = filled as u64 + rest;
    if size > limit {
        return Err(TableError::TooLarge {
            location: location.clone(),
            what: "the shared-string table once decompressed".into(),
            size,
            limit,
            which: Limit::SharedStrings,
            partial: false,
        });
    }
    let head = String::from_utf8_lossy(&head);
    let declared = head
        .split("uniqueCount=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|count| count.parse::<u64>().ok());
    match declared {
        Some(count) if count > size / 12 + 16 => Err(TableError::TooLarge {
            location: location.clone(),
            what: format!(
                "the shared-string table's declared count ({count} strings in a part of {size} bytes)"
            ),
            size: count,
            limit: size / 12 + 16,
            which: Limit::DeclaredStrings,
            partial: false,
        }),
        _ => Ok(()),
    }
}

fn cell_from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) if text.trim().is_empty() => Cell::Empty,
        Data::String(text) => Cell::Text(text.trim().to_string()),
        Data::Float(number) => Cell::Number(*number),
        #[allow(clippy::cast_precision_loss)]
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
            {
                Some(date) => Cell::Date(date),
                None => Cell::Number(value.as_f64()),
            }
        }
        Data::DateTime(value) => Cell::Number(value.as_f64()),
        Data::DateTimeIso(text) => {
            let date_part = text.get(..10).unwrap_or(text);
            match chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Text(text.clone()),
            }
        }
        Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Error(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        tables: Vec<String>,
        rows: Vec<(usize, Vec<Cell>)>,
        bad: Vec<(usize, String)>,
        /// Where each row and unreadable row was, as a finding would print it.
        places: Vec<String>,
        current: Option<Location>,
    }

    impl Collect {
        fn place(&mut self, number: usize) {
            let place = self.current.as_ref().map(|table| table.at_row(number));
            self.places
                .push(place.map_or_else(|| "(no table)".into(), |place| place.to_string()));
        }
    }

    impl TableVisitor for Collect {
        fn begin_table(&mut self, table: &Location) {
            self.tables.push(table.to_string());
            self.current = Some(table.clone());
        }
        fn row(&mut self, number: usize, cells: &[Cell]) {
            self.rows.push((number, cells.to_vec()));
            self.place(number);
        }
        fn unreadable_row(&mut self, number: usize, why: String) {
            self.bad.push((number, why));
            self.place(number);
        }
    }

    fn read_bytes(name: &str, bytes: &[u8]) -> (Result<FileDigest, TableError>, Collect) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut collect = Collect::default();
        let result = read_file(&path, Arc::from(name), &mut collect);
        (result, collect)
    }

    #[test]
    fn the_same_content_reads_alike_in_every_encoding() {
        let text = "账号,金额\nA1,\"1,234.50\"\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let expected = vec![
            (
                1,
                vec![Cell::Text("账号".into()), Cell::Text("金额".into())],
            ),
            (
                2,
                vec![Cell::Text("A1".into()), Cell::Text("1,234.50".into())],
            ),
        ];
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), "UTF-8"),
            (bom, "UTF-8 with BOM"),
            (gbk.into_owned(), "GB18030"),
            (utf16, "UTF-16LE"),
        ] {
            let (result, collect) = read_bytes("bill.csv", &bytes);
            let digest = result.unwrap();
            assert_eq!(digest.encoding, Some(encoding));
            assert_eq!(digest.bytes, bytes.len() as u64);
            assert_eq!(collect.rows, expected, "{encoding}");
        }
    }

    #[test]
    fn rows_keep_their_numbers_with_windows_line_ends_and_quoted_newlines() {
        let (result, collect) =
            read_bytes("bill.csv", b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n");
        result.unwrap();
        let numbers: Vec<usize> = collect.rows.iter().map(|(number, _)| *number).collect();
        assert_eq!(numbers, vec![1, 2, 4, 6]);
        assert_eq!(collect.rows[2].1[1], Cell::Text("x\ny".into()));
        let mut tiny = LineEnds::new(&b"a\r\nb\rc"[..]);
        let mut out = Vec::new();
        let mut byte = [0u8; 1];
        while tiny.read(&mut byte).unwrap() == 1 {
            out.push(byte[0]);
        }
        assert_eq!(out, b"a\nb\nc\n");
    }

    #[test]
    fn an_unclosed_quote_rejects_every_line_it_swallows() {
        let (result, collect) = read_bytes("bill.csv", b"a,b\n1,\"2\n3,4\n5,6\n");
        result.unwrap();
        assert_eq!(collect.rows.len(), 1, "only the header is read");
        let lines: Vec<usize> = collect.bad.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert!(
            collect.bad[0].1.contains("missing closing quote"),
            "{}",
            collect.bad[0].1
        );
        // A legitimate multi-line note without delimiters is still one row.
        let (_, collect) = read_bytes("bill.csv", b"a,b\n1,\"line one\nline two\"\n");
        assert_eq!(collect.rows.len(), 2);
        assert!(collect.bad.is_empty());
    }

    #[test]
    fn a_sheet_with_cells_far_apart_streams_without_building_the_grid() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "corner").unwrap();
        sheet.write_string(1_048_575, 16_383, "far corner").unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let (result, collect) = read_bytes("sparse.xlsx", &bytes);
        result.unwrap();
        assert_eq!(collect.rows, vec![(1, vec![Cell::Text("corner".into())])]);
        // The far cell is past the widest row read: its row is rejected, naming it, never
        // read as blank; nor is the grid between allocated.
        assert_eq!(collect.bad.len(), 1);
        assert_eq!(collect.bad[0].0, 1_048_576);
        assert!(
            collect.bad[0].1.starts_with(
                "cell XFD1048576 (column 16384) holds a value, but rows are read only up to column AMJ (1024 columns, `sheet_columns`"
            ),
            "{}",
            collect.bad[0].1
        );
        assert_eq!(collect.places[1], "sparse.xlsx:Sheet1:1048576");
        // With the limit raised to Excel's last column, the cell is read where it is.
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("sparse.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let mut wide = Collect::default();
        let limits = Limits {
            sheet_columns: EXCEL_COLUMNS,
            ..Limits::DEFAULT
        };
        read_file_with(&path, Arc::from("sparse.xlsx"), &mut wide, &limits).unwrap();
        assert!(wide.bad.is_empty());
        let (number, far) = &wide.rows[1];
        assert_eq!((*number, far.len()), (1_048_576, 16_384));
        assert_eq!(far[16_383], Cell::Text("far corner".into()));
    }

    #[test]
    fn cells_past_the_column_limit_reject_their_row_unless_they_are_empty() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("bill").unwrap();
        let blank = rust_xlsxwriter::Format::new().set_bold();
        for column in 0..3u16 {
            sheet.write_string(0, column, format!("h{column}")).unwrap();
        }
        // Row 2: two values past column C; row 3: only a formatted blank there.
        sheet.write_string(1, 0, "a").unwrap();
        sheet.write_number(1, 4, 5.0).unwrap();
        sheet.write_string(1, 7, "x").unwrap();
        sheet.write_string(2, 0, "b").unwrap();
        sheet.write_blank(2, 5, &blank).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("narrow.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let limits = Limits {
            sheet_columns: 3,
            ..Limits::DEFAULT
        };
        let mut collect = Collect::default();
        read_file_with(&path, Arc::from("narrow.xlsx"), &mut collect, &limits).unwrap();
        let numbers: Vec<usize> = collect.rows.iter().map(|(number, _)| *number).collect();
        assert_eq!(numbers, vec![1, 3]);
        assert_eq!(collect.rows[1].1, vec![Cell::Text("b".into())]);
        assert_eq!(collect.bad.len(), 1);
        assert_eq!(
            collect.bad[0].1,
            "cell E2 (column 5) holds a value (and 1 more cells past it), but rows are read only up to column C (3 columns, `sheet_columns` in the [limits] table of the --config file, at most 16384): the row is rejected rather than read without it"
        );
        assert_eq!(
            collect.places,
            vec![
                "narrow.xlsx:bill:1",
                "narrow.xlsx:bill:2",
                "narrow.xlsx:bill:3"
            ]
        );
    }

    #[test]
    fn a_lying_shared_string_count_is_refused_before_calamine_reserves_it() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook
            .add_worksheet()
            .write_string(0, 0, "hello")
            .unwrap();
        let honest = workbook.save_to_buffer().unwrap();
        // Rewrite the archive with sharedStrings.xml declaring four billion strings.
        let mut source = zip::ZipArchive::new(Cursor::new(honest.as_slice())).unwrap();
        let mut forged = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..source.len() {
            let part = source.by_index(index).unwrap();
            if part.name().is_ok_and(|name| name == "xl/sharedStrings.xml") {
                drop(part);
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored);
                forged.start_file("xl/sharedStrings.xml", options).unwrap();
                std::io::Write::write_all(
                    &mut forged,
                    br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4294967295"><si><t>hello</t></si></sst>"#,
                )
                .unwrap();
            } else {
                drop(part);
                forged
                    .raw_copy_file(source.by_index_raw(index).unwrap())
                    .unwrap();
            }
        }
        let bytes = forged.finish().unwrap().into_inner();
        let (result, _) = read_bytes("forged.xlsx", &bytes);
        let message = result.unwrap_err().to_string();
        assert!(
            message.contains("shared-string table's declared count (4294967295"),
            "{message}"
        );
        let (result, collect) = read_bytes("honest.xlsx", &honest);
        result.unwrap();
        assert_eq!(collect.rows[0].1, vec![Cell::Text("hello".into())]);
    }

    #[test]
    fn corrupted_workbooks_never_panic_out_of_the_reader() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for row in 0..20u32 {
            sheet
                .write_string(row, 0, format!("account {row}"))
                .unwrap();
            sheet.write_number(row, 1, f64::from(row) * 1.5).unwrap();
        }
        let original = workbook.save_to_buffer().unwrap();
        // Deterministic byte flips at several densities, as xlsx, xlsb and xls.
        let mut state = 7u64;
        for round in 0..120 {
            let mut bytes = original.clone();
            for _ in 0..(1 + round % 12) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let index = (state >> 33) as usize % bytes.len();
                bytes[index] ^= (state >> 17) as u8 | 1;
            }
            for name in ["fuzz.xlsx", "fuzz.xlsb", "fuzz.xls", "fuzz.ods", "fuzz.csv"] {
                // Ok or Err are both fine; returning at all is the point.
                let _ = read_bytes(name, &bytes);
            }
        }
    }

    fn part_limit(bytes: u64) -> Limits {
        Limits {
            workbook_part_bytes: bytes,
            ..Limits::DEFAULT
        }
    }

    #[test]
    fn a_part_that_inflates_past_the_limit_is_refused_whatever_its_header_says() {
        // 4 MiB of zeros deflate to a few KiB; with a 1 MiB limit the workbook is refused.
        let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        bomb.start_file("xl/styles.xml", options).unwrap();
        std::io::Write::write_all(&mut bomb, &vec![0u8; 4 << 20]).unwrap();
        let bytes = bomb.finish().unwrap().into_inner();
        assert!(bytes.len() < 64 * 1024);
        let location = Location::file("bomb.xlsx".into());
        let error = check_zip_parts(
            &mut Cursor::new(&bytes),
            &location,
            &part_limit(1 << 20),
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("the part `xl/styles.xml` once decompressed is 1048577 bytes"),
            "{error}"
        );
        assert!(
            check_zip_parts(
                &mut Cursor::new(&bytes),
                &location,
                &part_limit(8 << 20),
                true
            )
            .is_ok()
        );
        // Sheets stream cell by cell (bounded by the cell limit), so a sheet larger than
        // the part limit is not refused: a million-row export is a large sheet.
        let mut large = zip::ZipWriter::new(Cursor::new(Vec::new()));
        large
            .start_file("xl/worksheets/sheet1.xml", options)
            .unwrap();
        std::io::Write::write_all(&mut large, &vec![b' '; 4 << 20]).unwrap();
        let bytes = large.finish().unwrap().into_inner();
        assert!(
            check_zip_parts(
                &mut Cursor::new(&bytes),
                &location,
                &part_limit(1 << 20),
                true
            )
            .is_ok()
        );
    }

    #[test]
    fn the_longest_xml_token_is_measured_whatever_hides_it() {
        let longest = |xml: &[u8]| {
            let mut scan = XmlScan::new(true, MAX_XML_TOKEN_BYTES);
            // In pieces, as inflated data arrives.
            for piece in xml.chunks(3) {
                std::io::Write::write_all(&mut scan, piece).unwrap();
            }
            scan.longest()
        };
        assert_eq!(longest(b"<a>hello</a>"), 5);
        // `>` and `<` inside a quoted value do not end the tag.
        assert_eq!(longest(b"<c r=\"<>\" s='>'/><v>1</v>"), 17);
        // Tags inside a comment or a CDATA section do not end it.
        assert_eq!(longest(b"<!-- <x> -- > --><v/>"), 17);
        assert_eq!(longest(b"<![CDATA[ <x> ]] ]]><v/>"), 20);
        assert_eq!(longest(b"<?xml version=\"1.0\"?><a/>"), 21);
        // An unfinished token counts too.
        assert_eq!(longest(b"<a>123456789"), 9);
        let mut scan = XmlScan::new(true, MAX_XML_TOKEN_BYTES);
        let text = vec![b'A'; 1 << 20];
        let mut refused = false;
        for _ in 0..17 {
            refused |= std::io::Write::write_all(&mut scan, &text).is_err();
        }
        assert!(refused && scan.longest() > MAX_XML_TOKEN_BYTES);
        // Parts that are not XML are only counted.
        let mut binary = XmlScan::new(false, MAX_XML_TOKEN_BYTES);
        std::io::Write::write_all(&mut binary, &text).unwrap();
        assert_eq!((binary.bytes, binary.longest()), (1 << 20, 0));
    }

    #[test]
    fn panics_inside_dependencies_while_a_file_is_read_are_told_apart() {
        for (file, source) in [
            (
                "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/calamine-0.38.0/src/xlsx/mod.rs",
                Some("calamine-0.38.0/src/xlsx/mod.rs"),
            ),
            (
                "/home/u/.cargo/git/checkouts/calamine-0a1b/6f3c2d1/src/xls.rs",
                Some("calamine-0a1b/6f3c2d1/src/xls.rs"),
            ),
            (
                r"C:\Users\u\.cargo\registry\src\index.crates.io-x\zip-9.8.2\src\read.rs",
                Some(r"zip-9.8.2\src\read.rs"),
            ),
            // This crate's code, the standard library's, a vendored crate's: never.
            ("src/ingest/table.rs", None),
            ("/rustc/59807616e1fa/library/core/src/slice/index.rs", None),
            ("/work/vendor/calamine/src/xlsx/mod.rs", None),
            ("/root/.cargo/registry/src/index", None),
        ] {
            assert_eq!(dependency_source(file), source, "{file}");
        }
        // The file being read is known while, and only while, it is read.
        struct Spy(Vec<Option<Arc<str>>>);
        impl TableVisitor for Spy {
            fn begin_table(&mut self, _: &Location) {
                self.0
                    .push(READING.with(|reading| reading.borrow().clone()));
            }
            fn row(&mut self, _: usize, _: &[Cell]) {}
            fn unreadable_row(&mut self, _: usize, _: String) {}
        }
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("seen.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let mut spy = Spy(Vec::new());
        read_file(&path, Arc::from("seen.csv"), &mut spy).unwrap();
        assert_eq!(spy.0, vec![Some(Arc::from("seen.csv"))]);
        assert!(READING.with(|reading| reading.borrow().is_none()));
    }

    #[test]
    fn undecodable_bytes_are_an_error_not_replacement_characters() {
        let (result, _) = read_bytes("bad.csv", b"a,b\n\xff\xff\xff,1\n");
        assert!(matches!(result, Err(TableError::Encoding { .. })));
    }

    #[test]
    fn unknown_extensions_are_refused() {
        let (result, _) = read_bytes("bill.pdf", b"%PDF");
        assert!(matches!(result, Err(TableError::UnsupportedType { .. })));
    }

    #[test]
    fn a_corrupt_workbook_is_an_error_naming_the_file() {
        let (result, _) = read_bytes("broken.xlsx", b"not a zip at all");
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with("broken.xlsx: cannot read the workbook"),
            "{message}"
        );
    }

    #[test]
    fn spreadsheet_rows_keep_their_row_numbers_and_types() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("bill").unwrap();
        sheet.write_string(2, 1, "amount").unwrap();
        sheet.write_number(3, 1, 1234.5).unwrap();
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 31).unwrap();
        sheet
            .write_datetime_with_format(4, 1, &date, &format)
            .unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let (result, collect) = read_bytes("bill.xlsx", &bytes);
        result.unwrap();
        assert_eq!(collect.tables, vec!["bill.xlsx:bill"]);
        assert_eq!(
            collect.rows[0],
            (3, vec![Cell::Empty, Cell::Text("amount".into())])
        );
        assert_eq!(
            collect.rows[1],
            (4, vec![Cell::Empty, Cell::Number(1234.5)])
        );
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        assert_eq!(collect.rows[2], (5, vec![Cell::Empty, Cell::Date(day)]));
    }

    /// A zip archive of `(name, bytes, compression)` members, in that order; a name
    /// ending in `/` is a directory entry.
    fn zip_of(members: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes, method) in members {
            let options = zip::write::SimpleFileOptions::default().compression_method(*method);
            if name.ends_with('/') {
                writer.add_directory(*name, options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                std::io::Write::write_all(&mut writer, bytes).unwrap();
            }
        }
        writer.finish().unwrap().into_inner()
    }

    /// Rewrites the general-purpose flags and compression method of every local and
    /// central header, as a hostile archive would have them.
    fn patch_headers(bytes: &mut [u8], flags: u16, method: u16) {
        for index in 0..bytes.len().saturating_sub(12) {
            let (flags_at, method_at) = match &bytes[index..index + 4] {
                b"PK\x03\x04" => (index + 6, index + 8),
                b"PK\x01\x02" => (index + 8, index + 10),
                _ => continue,
            };
            bytes[flags_at..flags_at + 2].copy_from_slice(&flags.to_le_bytes());
            bytes[method_at..method_at + 2].copy_from_slice(&method.to_le_bytes());
        }
    }

    fn text_cells(texts: &[&str]) -> Vec<Cell> {
        texts
            .iter()
            .map(|text| Cell::Text((*text).into()))
            .collect()
    }

    #[test]
    fn a_zip_of_csv_parts_reads_every_part_in_name_order() {
        let mut first = vec![0xEF, 0xBB, 0xBF];
        first.extend_from_slice("账号,金额\nA1,\"1,234.50\"\n".as_bytes());
        let (second, _, _) = encoding_rs::GB18030.encode("账号,金额\r\nA2,99.00\r\n");
        assert!(
            std::str::from_utf8(&second).is_err(),
            "really GB18030 bytes"
        );
        // Reverse order in the archive, a directory entry and a member that is no CSV.
        let bytes = zip_of(&[
            ("readme.pdf", b"%PDF-1.4", zip::CompressionMethod::Stored),
            ("empty folder/", b"", zip::CompressionMethod::Stored),
            ("part_2.CSV", &second, zip::CompressionMethod::Deflated),
            ("part_1.csv", &first, zip::CompressionMethod::Deflated),
        ]);
        let (result, collect) = read_bytes("bill.zip", &bytes);
        let digest = result.unwrap();
        assert_eq!(
            collect.tables,
            vec![
                "bill.zip:part_1.csv",
                "bill.zip:part_2.CSV",
                "bill.zip:readme.pdf"
            ]
        );
        assert_eq!(
            collect.rows,
            vec![
                (1, text_cells(&["账号", "金额"])),
                (2, text_cells(&["A1", "1,234.50"])),
                (1, text_cells(&["账号", "金额"])),
                (2, text_cells(&["A2", "99.00"])),
            ]
        );
        assert_eq!(
            collect.places,
            vec![
                "bill.zip:part_1.csv:1",
                "bill.zip:part_1.csv:2",
                "bill.zip:part_2.CSV:1",
                "bill.zip:part_2.CSV:2",
                "bill.zip:readme.pdf:1",
            ]
        );
        assert_eq!(collect.bad.len(), 1);
        assert_eq!(collect.bad[0].0, 1);
        assert!(
            collect.bad[0].1.starts_with(
                "`readme.pdf` is not a CSV file; only CSV members of a zip archive are read"
            ),
            "{}",
            collect.bad[0].1
        );
        // The first member's encoding; the hash and size of the archive as on disk.
        assert_eq!(digest.encoding, Some("UTF-8 with BOM"));
        assert_eq!(digest.sha256, hex(&Sha256::digest(&bytes)));
        assert_eq!(digest.bytes, bytes.len() as u64);
        assert!(digest.hidden_sheets.is_empty());
    }

    /// Hands out at most `.1` bytes a call, as a decompressor or a buffer may.
    struct ShortReads<'a>(&'a [u8], usize);

    impl Read for ShortReads<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let count = buffer.len().min(self.0.len()).min(self.1);
            buffer[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }

    #[test]
    fn a_sample_cut_by_a_short_read_is_not_mistaken_for_another_encoding() {
        // A zip member comes as it inflates, in reads of any length; a sniff sample cut
        // by one in the middle of a character must not look like undecodable text.
        let text = format!("产品,金额\n{}", "云服务器,1.00\n".repeat(40_000));
        assert!(text.len() > 2 * SNIFF_BYTES);
        let table = Location::sheet("bill.zip".into(), Some("part_1.csv".into()));
        // The first read ends one byte into the first `云`.
        let cut = text.find('云').unwrap() + 1;
        let mut collect = Collect::default();
        let short = ShortReads(text.as_bytes(), cut);
        let encoding = read_csv_stream(short, &table, b',', &mut collect).unwrap();
        assert_eq!(encoding, TextEncoding::Utf8);
        assert_eq!(collect.rows.len(), 40_001);
        assert!(collect.bad.is_empty());
        assert_eq!(
            collect.rows[40_000],
            (40_001, text_cells(&["云服务器", "1.00"]))
        );
    }

    #[test]
    fn zip_files_are_table_files_and_tsv_members_split_on_tabs() {
        assert!(is_table_file(Path::new(
            "1234567890_BillingItemDetail_202503.ZIP"
        )));
        let bytes = zip_of(&[(
            "bill.tsv",
            b"a\tb\n1,5\t2\n",
            zip::CompressionMethod::Stored,
        )]);
        let (result, collect) = read_bytes("bill.zip", &bytes);
        assert_eq!(result.unwrap().encoding, Some("UTF-8"));
        assert_eq!(collect.rows[1], (2, text_cells(&["1,5", "2"])));
    }

    #[test]
    fn zip_parts_are_read_in_the_order_their_numbers_count() {
        let mut names = vec![
            "bill_10.csv",
            "bill_2.csv",
            "bill_1.csv",
            "bill_02b.csv",
            "a.csv",
        ];
        names.sort_by_key(|name| member_order_key(name));
        assert_eq!(
            names,
            vec![
                "a.csv",
                "bill_1.csv",
                "bill_2.csv",
                "bill_02b.csv",
                "bill_10.csv"
            ]
        );
    }

    #[test]
    fn a_zip_without_members_reads_as_no_table() {
        let bytes = zip_of(&[("only a folder/", b"", zip::CompressionMethod::Stored)]);
        let (result, collect) = read_bytes("empty.zip", &bytes);
        let digest = result.unwrap();
        assert_eq!(digest.encoding, None);
        assert_eq!(digest.sha256, hex(&Sha256::digest(&bytes)));
        assert!(collect.tables.is_empty());
    }

    #[test]
    fn a_corrupt_zip_is_an_error_naming_the_file() {
        let mut state = 11u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                (state >> 33) as u8
            })
            .collect();
        let (result, collect) = read_bytes("bill.zip", &noise);
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with("bill.zip: the file is not a readable zip archive"),
            "{message}"
        );
        assert!(collect.tables.is_empty());
    }

    #[test]
    fn encrypted_or_oddly_compressed_zip_members_are_errors_naming_the_member() {
        let plain = zip_of(&[("part_1.csv", b"a,b\n1,2\n", zip::CompressionMethod::Stored)]);
        let mut encrypted = plain.clone();
        patch_headers(&mut encrypted, 1, 0);
        let (result, _) = read_bytes("bill.zip", &encrypted);
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with("bill.zip:part_1.csv: the member is encrypted;"),
            "{message}"
        );
        // Bzip2 is not built in; 200 is no method at all.
        for (method, named) in [(12, "Bzip2 (method 12)"), (200, "an unknown method (200)")] {
            let mut odd = plain.clone();
            patch_headers(&mut odd, 0, method);
            let (result, _) = read_bytes("bill.zip", &odd);
            let message = result.unwrap_err().to_string();
            assert!(
                message.starts_with(&format!(
                    "bill.zip:part_1.csv: the member is compressed with {named}, which the auditor cannot decompress"
                )),
                "{message}"
            );
        }
        // A member whose bytes no longer match their checksum.
        let mut tampered = plain;
        let at = tampered
            .windows(3)
            .position(|window| window == b"1,2")
            .unwrap();
        tampered[at] = b'9';
        let (result, _) = read_bytes("bill.zip", &tampered);
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with("bill.zip:part_1.csv: the member is corrupt"),
            "{message}"
        );
    }

    #[test]
    fn a_zip_member_that_inflates_past_the_cap_is_refused() {
        // 4 MiB of CSV lines deflate to a few KiB; with a 1 MiB cap the member is refused.
        let lines = "1,2\n".repeat(1 << 20);
        let bytes = zip_of(&[(
            "bomb.csv",
            lines.as_bytes(),
            zip::CompressionMethod::Deflated,
        )]);
        assert!(bytes.len() < 64 * 1024);
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("bomb.zip");
        std::fs::write(&path, &bytes).unwrap();
        let mut collect = Collect::default();
        let error = read_zip_capped(&path, Arc::from("bomb.zip"), &mut collect, 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "bomb.zip:bomb.csv: the member once decompressed is 1048577 bytes, over the limit of 1048576 bytes"
            ),
            "{error}"
        );
        let mut collect = Collect::default();
        read_zip_capped(&path, Arc::from("bomb.zip"), &mut collect, 8 << 20).unwrap();
        assert_eq!(collect.rows.len(), 1 << 20);
    }

    #[test]
    fn corrupted_zips_never_panic_out_of_the_reader() {
        let original = zip_of(&[
            (
                "part_1.csv",
                "账号,金额\nA1,1.00\n".repeat(50).as_bytes(),
                zip::CompressionMethod::Deflated,
            ),
            ("part_2.csv", b"a,b\n1,2\n", zip::CompressionMethod::Stored),
        ]);
        let mut state = 5u64;
        for round in 0..200 {
            let mut bytes = original.clone();
            for _ in 0..(1 + round % 8) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let index = (state >> 33) as usize % bytes.len();
                bytes[index] ^= (state >> 17) as u8 | 1;
            }
            // Ok or a clear error are both fine; a caught panic is not.
            let (result, _) = read_bytes("fuzz.zip", &bytes);
            assert!(
                !matches!(result, Err(TableError::Crashed { .. })),
                "round {round}: {result:?}"
            );
        }
    }
}
