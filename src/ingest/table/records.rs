//! Splitting CSV bytes into records, fast for the common record and exact for every one.
//!
//! Nearly every line of a billing export is a plain record: no quote anywhere, so its
//! fields are simply the text between delimiters. Such a line is split where it lies in the
//! read buffer, without copying it and without the byte-by-byte state machine a CSV parser
//! needs for quoting; so is a line whose quotes only wrap whole fields (exports that quote
//! every field), read as the fields' insides. Any other line with a quote — which may open
//! a quoted field holding delimiters, doubled quotes or line breaks — is parsed by
//! `csv-core`, the parser of the `csv` crate, from the record's first byte. Both give the
//! same fields for any line they could both read (a quote is the only byte that changes
//! how a line splits once line ends are normalised by [`LineEnds`]), and the `csv` crate's
//! conventions hold throughout: an empty line is no record, and a quote opens a quoted
//! field only at a field's start.
//!
//! Memory is one read buffer, which grows only to hold a record longer than itself (a
//! quoted field running over many lines), as the `csv` crate's record would — up to the
//! record limit (`csv_record_size`): a line without quotes longer than it is rejected as
//! a row, skipped to its line end without being held, and reading goes on; a quoted
//! record longer than it (a quoted field may hold line ends, so no line end past the
//! limit can be trusted as the record's end) rejects its row and ends the file there.
//!
//! This hand-written reader (with the SSE2 scan of `record_scan.rs`) is kept because the
//! benchmark showed it pays: it replaced the `csv` crate's reader on the hot path, which
//! took 0.6 s of CPU over the 10M-line set where the scan takes 0.26 s
//! (docs/BENCHMARK.md).

use super::fields::Fields;
use super::limits::format_size;
use super::line_ends::{LineEnds, Text};
use super::record_scan::{SLACK, Scanner};
use super::visitor::{CUT_OFF_ROW, TableVisitor};
use crate::ingest::cell::{Cell, trimmed};
use csv_core::ReadRecordResult;
use std::io::Read;

/// The read buffer's size (it is filled whole; 64 KiB to 1 MiB measured alike).
const READ_BYTES: usize = 256 * 1024;

/// Whether every quote of `line` (split at its delimiters into `bounds`) opens and
/// closes a whole field with no quote inside (`"2024-01","ECS"`, as exports that quote
/// every field write them): then no delimiter or line break stands inside quotes, and the
/// line reads as its fields' insides, to which `bounds` are narrowed. Anything else — a
/// quoted delimiter, a doubled quote, a quote inside a field — is `false` (and `bounds`
/// are left to the caller to forget): csv-core reads it.
fn unquote_whole_fields(line: &[u8], bounds: &mut [(usize, usize)]) -> bool {
    for bound in bounds.iter_mut() {
        match &line[bound.0..bound.1] {
            [b'"', inside @ .., b'"'] if memchr::memchr(b'"', inside).is_none() => {
                bound.0 += 1;
                bound.1 -= 1;
            }
            field if memchr::memchr(b'"', field).is_none() => {}
            _ => return false,
        }
    }
    true
}

/// The outcome of parsing one quoted record with `csv-core` from the buffer.
enum Quoted {
    /// The record, taking this many bytes of input (its line end included).
    Record(usize),
    /// The buffer ends inside the record: read more and parse it again.
    NeedMore,
}

/// Parses the one record at the start of `input` with `parser` (reset first) into
/// `record`; `output` and `ends` are the parser's scratch space, grown as needed. `at_end`
/// says `input` is the rest of the file.
fn parse_quoted(
    parser: &mut csv_core::Reader,
    input: &[u8],
    at_end: bool,
    scratch: &mut (Vec<u8>, Vec<usize>),
    record: &mut csv::ByteRecord,
) -> Quoted {
    let (output, ends) = scratch;
    parser.reset();
    let (mut consumed, mut told_end) = (0, false);
    let (mut written, mut fields) = (0, 0);
    if output.len() < 1024 {
        output.resize(1024, 0);
    }
    if ends.len() < 64 {
        ends.resize(64, 0);
    }
    loop {
        let rest = if told_end {
            &[][..]
        } else {
            &input[consumed..]
        };
        let (result, read, wrote, ended) =
            parser.read_record(rest, &mut output[written..], &mut ends[fields..]);
        consumed += read;
        written += wrote;
        fields += ended;
        match result {
            ReadRecordResult::InputEmpty if at_end => told_end = true,
            ReadRecordResult::InputEmpty => return Quoted::NeedMore,
            ReadRecordResult::OutputFull => {
                let grown = output.len() * 2;
                output.resize(grown, 0);
            }
            ReadRecordResult::OutputEndsFull => {
                let grown = ends.len() * 2;
                ends.resize(grown, 0);
            }
            ReadRecordResult::Record | ReadRecordResult::End => {
                record.clear();
                let mut field_start = 0;
                for &end in &ends[..fields] {
                    record.push_field(&output[field_start..end]);
                    field_start = end;
                }
                return Quoted::Record(consumed);
            }
        }
    }
}

/// The read buffer: `bytes[start..filled]` is read and not yet consumed; [`SLACK`] bytes
/// past the capacity stay unread.
struct Buffer<'r> {
    source: LineEnds<&'r mut dyn Text>,
    /// The stream position (in `source`'s output) of `bytes[0]`.
    base: u64,
    bytes: Vec<u8>,
    start: usize,
    filled: usize,
    /// The input ended.
    at_end: bool,
    /// The input failed: the bytes read before stay to be parsed, none come after.
    failed: Option<std::io::Error>,
}

impl Buffer<'_> {
    /// Moves the unconsumed bytes to the front and reads more after them until the
    /// buffer is full or the input ends or fails, growing the buffer when the unconsumed
    /// bytes fill half of it (one record longer than the buffer). Filling it whole
    /// matters: a line or quoted record is scanned again from its start after each refill,
    /// so a source that returns a few kilobytes per read (an inflating zip member) must
    /// not make a long record cost its length once per read. A read error is kept in
    /// `failed`, after the bytes read before it.
    fn refill(&mut self) {
        self.base += self.start as u64;
        self.source.forget_before(self.base);
        self.bytes.copy_within(self.start..self.filled, 0);
        self.filled -= self.start;
        self.start = 0;
        let capacity = self.bytes.len() - SLACK;
        if capacity - self.filled < capacity / 2 {
            let grown = (capacity * 2).max(self.filled + READ_BYTES);
            self.bytes.resize(grown + SLACK, 0);
        }
        let capacity = self.bytes.len() - SLACK;
        while self.filled < capacity {
            match self.source.read(&mut self.bytes[self.filled..capacity]) {
                Ok(0) => {
                    self.at_end = true;
                    return;
                }
                Ok(count) => self.filled += count,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.failed = Some(error);
                    return;
                }
            }
        }
    }

    /// Reads more for a line or record the buffer ends inside: `false` when no more will
    /// come — at the end of the input (`LineEnds` ends every file with a line end, so
    /// nothing is left over), or after a read error, which the visitor is then told of at
    /// the row after the last one handed on (what is left over is a line the failure cut
    /// short).
    fn more(
        &mut self,
        scanner: &mut Scanner,
        visitor: &mut dyn TableVisitor,
        last_line: usize,
    ) -> bool {
        if let Some(error) = &self.failed {
            visitor.unreadable_row(
                last_line + 1,
                format!("the file cannot be read past here: {error}"),
            );
            return false;
        }
        if self.at_end {
            return false;
        }
        scanner.moved();
        self.refill();
        true
    }
}

impl Buffer<'_> {
    /// Skips the rest of the line at `start`, whose first bytes are already known to pass
    /// the record limit, reading on without keeping them (the buffer does not grow), and
    /// returns the line's whole length — `None` when the input fails or ends first.
    fn skip_line(&mut self, scanner: &mut Scanner) -> Option<u64> {
        scanner.moved();
        let mut length = 0u64;
        loop {
            let unread = &self.bytes[self.start..self.filled];
            if let Some(end) = memchr::memchr(b'\n', unread) {
                length += end as u64;
                self.start += end + 1;
                return Some(length);
            }
            length += unread.len() as u64;
            self.start = self.filled;
            if self.failed.is_some() || self.at_end {
                return None;
            }
            self.refill();
        }
    }
}

/// Why a record longer than the limit is not read.
fn too_long(length: u64, limit: u64, known: bool) -> String {
    let found = if known {
        format!("{length} bytes")
    } else {
        format!("at least {length} bytes")
    };
    format!(
        "the record is {found} long, more than the limit of {} (`csv_record_size` in `[limits]`): the row is not read",
        format_size(limit)
    )
}

/// Where a record's bytes lie, for its messages: its raw bytes as read (quotes and all),
/// their stream position, the stream, and whether the file ends inside the record.
struct Origin<'a, 'r> {
    raw: &'a [u8],
    position: u64,
    source: &'a LineEnds<&'r mut dyn Text>,
    cut_off: bool,
}

/// Parses CSV records from UTF-8 bytes that start after `lines_before` line ends, so rows
/// keep the numbers they have in the whole file. Ragged rows are passed through as they
/// are (the loader rejects them by column); a field that is not UTF-8 (a bad sequence the
/// decoder marked) rejects its row, naming its column and file offset; the last record of
/// an input that ends without a line break goes to
/// [`TableVisitor::cut_off_row`]; a read failure ends the file at that row. A record
/// longer than `record_bytes` is rejected as a row (see the module's note).
pub(crate) fn read_records(
    input: &mut dyn Text,
    delimiter: u8,
    lines_before: usize,
    record_bytes: u64,
    visitor: &mut dyn TableVisitor,
) {
    let mut buffer = Buffer {
        source: LineEnds::new(input),
        base: 0,
        bytes: vec![0; READ_BYTES + SLACK],
        start: 0,
        filled: 0,
        at_end: false,
        failed: None,
    };
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut scratch = (Vec::new(), Vec::new());
    // Line ends consumed so far, and the number of the last row handed on.
    let mut lines = lines_before;
    let mut last_line = lines_before;
    let mut scanner = Scanner::default();
    loop {
        let Some(found) = scanner.line(
            &buffer.bytes,
            buffer.start,
            buffer.filled,
            delimiter,
            &mut bounds,
        ) else {
            let unread = &buffer.bytes[buffer.start..buffer.filled];
            if unread.len() as u64 > record_bytes {
                // No line end yet and already past the limit: never hold the rest.
                lines += 1;
                let number = lines.max(last_line + 1);
                last_line = number;
                if memchr::memchr(b'"', unread).is_some() {
                    visitor.unreadable_row(number, quoted_too_long(unread.len(), record_bytes));
                    return;
                }
                let seen = unread.len() as u64;
                match buffer.skip_line(&mut scanner) {
                    Some(length) => {
                        visitor.unreadable_row(number, too_long(length, record_bytes, true));
                    }
                    None => {
                        visitor.unreadable_row(number, too_long(seen, record_bytes, false));
                        return;
                    }
                }
                continue;
            }
            if !buffer.more(&mut scanner, visitor, last_line) {
                return;
            }
            continue;
        };
        let line = &buffer.bytes[buffer.start..found.end];
        if line.len() as u64 > record_bytes
            && (!found.quoted || unquote_whole_fields(line, &mut bounds))
        {
            // A whole record on one line past the limit (the buffer held it): rejected
            // all the same. (A quote that may span lines is measured by csv-core below.)
            lines += 1;
            let number = lines.max(last_line + 1);
            last_line = number;
            visitor.unreadable_row(number, too_long(line.len() as u64, record_bytes, true));
            buffer.start = found.end + 1;
            continue;
        }
        if line.is_empty() {
            // An empty line is no record (as in the `csv` crate), but it is a line.
            lines += 1;
            buffer.start += 1;
            continue;
        }
        // The input ended inside this line: the line end was added.
        let cut_off = buffer.source.added_line_end() && found.end + 1 == buffer.filled;
        // A line without quotes, or whose quotes only wrap whole fields, is split in place.
        if !found.quoted || unquote_whole_fields(line, &mut bounds) {
            lines += 1;
            let number = lines.max(last_line + 1);
            last_line = number;
            // A delimiter is one ASCII byte: in valid UTF-8 it never falls inside a
            // character, so every field of a valid line is valid text.
            let text = if let Some(first) = found.non_ascii {
                // An ASCII start ends on a character boundary: the line is UTF-8 when the
                // rest is.
                match std::str::from_utf8(&line[first - buffer.start..]) {
                    // SAFETY: `line[..first]` is ASCII (the scan looked at every byte) and
                    // the rest was just checked: the whole is valid UTF-8.
                    Ok(_) => Some(unsafe { std::str::from_utf8_unchecked(line) }),
                    Err(_) => None,
                }
            } else {
                // SAFETY: no byte of the line is 0x80 or above (the scan looked at
                // every one), and ASCII is valid UTF-8.
                Some(unsafe { std::str::from_utf8_unchecked(line) })
            };
            // The line's bytes run on into the next lines or the buffer's slack: `WORD`
            // bytes at least.
            let padded = &buffer.bytes[buffer.start..found.end + SLACK];
            let taken = !cut_off
                && text.is_some_and(|text| {
                    visitor.record(number, &Fields::new(text, padded, &bounds))
                });
            if !taken {
                record.clear();
                for &(start, end) in &bounds {
                    record.push_field(&line[start..end]);
                }
                let origin = Origin {
                    raw: line,
                    position: buffer.base + buffer.start as u64,
                    source: &buffer.source,
                    cut_off,
                };
                deliver(&record, number, &mut cells, visitor, &origin);
            }
            buffer.start = found.end + 1;
            continue;
        }
        // A quote: the record may run over several lines.
        let unread = &buffer.bytes[buffer.start..buffer.filled];
        let consumed = match parse_quoted(
            &mut parser,
            unread,
            buffer.at_end,
            &mut scratch,
            &mut record,
        ) {
            Quoted::Record(consumed) => consumed,
            // (At the end of the input `parse_quoted` finishes the record.)
            Quoted::NeedMore if unread.len() as u64 > record_bytes => {
                lines += 1;
                let number = lines.max(last_line + 1);
                visitor.unreadable_row(number, quoted_too_long(unread.len(), record_bytes));
                return;
            }
            Quoted::NeedMore => {
                if !buffer.more(&mut scanner, visitor, last_line) {
                    return;
                }
                continue;
            }
        };
        lines += memchr::memchr_iter(b'\n', &unread[..consumed]).count();
        let record_start = buffer.start;
        // The record's own bytes, without its line end (when it has one).
        let length = consumed - usize::from(unread[..consumed].ends_with(b"\n"));
        if length as u64 > record_bytes {
            // Held whole already (it fit the buffer): rejected, and reading goes on.
            let inner_breaks = memchr::memchr_iter(b'\n', &unread[..length]).count();
            let number = lines.saturating_sub(inner_breaks).max(last_line + 1);
            last_line = number;
            buffer.start += consumed;
            visitor.unreadable_row(number, too_long(length as u64, record_bytes, true));
            continue;
        }
        let cut_off = buffer.source.added_line_end() && record_start + consumed == buffer.filled;
        buffer.start += consumed;
        // A record with a line break inside starts that many lines before its end.
        let inner_breaks = memchr::memchr_iter(b'\n', record.as_slice()).count();
        let number = lines.saturating_sub(inner_breaks).max(last_line + 1);
        last_line = number;
        if inner_breaks > 0
            && let Some(field) = swallowed_rows(&record, delimiter)
        {
            // A quote left open at the end of the file also takes the final line end.
            let trailing = usize::from(
                record
                    .iter()
                    .next_back()
                    .is_some_and(|field| field.ends_with(b"\n")),
            );
            let last = number + inner_breaks - trailing;
            last_line = last;
            visitor.unreadable_row(
                number,
                format!(
                    "field {field} opens a quote that runs over {} lines, to line {last}, across delimiters: probably a missing closing quote; lines {number}-{last} are not read",
                    inner_breaks + 1
                ),
            );
            for swallowed in number + 1..=last {
                visitor.unreadable_row(
                    swallowed,
                    format!("swallowed by the unclosed quote opened on line {number}"),
                );
            }
            continue;
        }
        // One validation of the whole record, plus a check that no character straddles
        // two fields (the fields are joined without their delimiters: `\xE8\xAE` `,`
        // `\xA1` joins to a valid `计`); a visitor may then take the record without any
        // field being copied.
        if !cut_off
            && let Ok(text) = std::str::from_utf8(record.as_slice())
            && (text.is_ascii()
                || (1..record.len()).all(|index| {
                    record
                        .range(index)
                        .is_some_and(|range| text.is_char_boundary(range.start))
                }))
        {
            bounds.clear();
            bounds.extend(
                (0..record.len())
                    .filter_map(|index| record.range(index).map(|range| (range.start, range.end))),
            );
            let padded = Fields::pad(text, &mut scratch.0);
            if visitor.record(number, &Fields::new(text, padded, &bounds)) {
                continue;
            }
        }
        let origin = Origin {
            raw: &buffer.bytes[record_start..record_start + consumed],
            position: buffer.base + record_start as u64,
            source: &buffer.source,
            cut_off,
        };
        deliver(&record, number, &mut cells, visitor, &origin);
    }
}

/// Why a quoted record longer than the limit ends the file's reading: its end cannot be
/// found without holding it (a quoted field may hold line ends).
fn quoted_too_long(seen: usize, limit: u64) -> String {
    format!(
        "the record holds a quote and is at least {seen} bytes long, past the limit of {} (`csv_record_size` in `[limits]`): the row is not read, nor the rest of the file (a quoted field may hold line ends, so where the record ends cannot be known without reading it whole)",
        format_size(limit)
    )
}

/// Hands `record` to the visitor as cells (trimmed text) — as a cut-off row when the file
/// ends inside it — or as an unreadable row when a field is not UTF-8, naming the column
/// and the file offset of the first bad byte.
fn deliver(
    record: &csv::ByteRecord,
    number: usize,
    cells: &mut Vec<Cell>,
    visitor: &mut dyn TableVisitor,
    origin: &Origin<'_, '_>,
) {
    let mut bad_utf8 = None;
    for (index, field) in record.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(field) else {
            bad_utf8 = Some(index + 1);
            break;
        };
        let text = trimmed(text);
        // Reuse last row's strings: after the first rows, reading a field allocates
        // nothing.
        match (cells.get_mut(index), text.is_empty()) {
            // An empty text cell is empty to every reader (`Cell::is_empty`); keeping its
            // string saves an allocation when the column fills again.
            (Some(Cell::Text(previous)), true) => previous.clear(),
            (Some(slot), true) => *slot = Cell::Empty,
            (Some(Cell::Text(previous)), false) => {
                previous.clear();
                previous.push_str(text);
            }
            (Some(slot), false) => *slot = Cell::Text(text.to_string()),
            (None, true) => cells.push(Cell::Empty),
            (None, false) => cells.push(Cell::Text(text.to_string())),
        }
    }
    cells.truncate(record.len());
    match bad_utf8 {
        Some(field) => {
            let offset = std::str::from_utf8(origin.raw)
                .err()
                .and_then(|error| {
                    origin
                        .source
                        .file_offset(origin.position + error.valid_up_to() as u64)
                })
                .map(|offset| format!(" (byte offset {offset})"))
                .unwrap_or_default();
            let bad = format!(
                "column {field} is not valid {}{offset}",
                origin.source.encoding()
            );
            let why = if origin.cut_off {
                format!("{CUT_OFF_ROW}; {bad}")
            } else {
                format!(
                    "{bad}, although the rest of the file is: the row is not read (the file may be damaged there, or the cell was written in another encoding)"
                )
            };
            visitor.unreadable_row(number, why);
        }
        None if origin.cut_off && !cells.iter().all(Cell::is_empty) => {
            visitor.cut_off_row(number, cells);
        }
        None => visitor.row(number, cells),
    }
}

/// A quoted field whose later lines hold the delimiter is almost always a quote that was
/// never closed, which would silently merge the following rows into one (csv crate issue
/// #289). Returns the 1-based field number when a record looks like that.
fn swallowed_rows(record: &csv::ByteRecord, delimiter: u8) -> Option<usize> {
    record
        .iter()
        .position(|field| {
            field
                .iter()
                .position(|byte| *byte == b'\n')
                .is_some_and(|first_break| field[first_break..].contains(&delimiter))
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests;
