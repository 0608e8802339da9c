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
//! quoted field running over many lines), as the `csv` crate's record would.

use super::{Cell, LineEnds, TableVisitor};
use csv_core::ReadRecordResult;
use std::io::Read;

/// The read buffer's size (it is filled whole; 64 KiB to 1 MiB measured alike).
const READ_BYTES: usize = 256 * 1024;

/// One CSV record's fields as slices of one checked text: field `i` is
/// `text[bounds[i].0..bounds[i].1]`. Handed to [`TableVisitor::record`] before the record
/// is turned into cells.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    text: &'a str,
    /// `text`'s bytes and [`WORD`] bytes more, so any field's first 16 bytes can be read
    /// as one word ([`Fields::word`]).
    padded: &'a [u8],
    bounds: &'a [(usize, usize)],
}

/// The bytes [`Fields::word`] reads at once.
pub const WORD: usize = 16;

impl<'a> Fields<'a> {
    /// Fields over `text`; `padded` starts with `text` and goes on for [`WORD`] bytes or
    /// more (what they hold does not matter). Every bound must lie on a character
    /// boundary of `text`, or the field reads as missing.
    pub fn new(text: &'a str, padded: &'a [u8], bounds: &'a [(usize, usize)]) -> Self {
        debug_assert!(padded.starts_with(text.as_bytes()) && padded.len() >= text.len() + WORD);
        Fields {
            text,
            padded,
            bounds,
        }
    }

    /// `text` and the padding [`Fields::new`] needs, in `scratch`.
    pub fn pad<'s>(text: &str, scratch: &'s mut Vec<u8>) -> &'s [u8] {
        scratch.clear();
        scratch.extend_from_slice(text.as_bytes());
        scratch.extend_from_slice(&[0; WORD]);
        scratch
    }

    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether the record has no field.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Field `index`, as it stands (not trimmed); `None` past the last field.
    #[inline(always)]
    pub fn get(&self, index: usize) -> Option<&'a str> {
        let (start, end) = *self.bounds.get(index)?;
        self.text.get(start..end)
    }

    /// Field `index` as a little-endian word — its first byte lowest, the bytes past its
    /// end zero — and its length in bytes: a value of up to 16 bytes compared or parsed
    /// at once. `None` past the last field or for a longer field.
    #[inline(always)]
    pub fn word(&self, index: usize) -> Option<(u128, usize)> {
        let (start, end) = *self.bounds.get(index)?;
        let length = end - start;
        if length > WORD {
            return None;
        }
        let bytes: [u8; WORD] = self.padded.get(start..start + WORD)?.try_into().ok()?;
        let keep = if length == WORD {
            u128::MAX
        } else {
            (1u128 << (8 * length)) - 1
        };
        Some((u128::from_le_bytes(bytes) & keep, length))
    }
}

/// Bytes kept readable past the filled part of the read buffer, so the scan can always
/// classify a whole block (the bytes past the end are ignored).
const SLACK: usize = BLOCK;

/// Bytes classified at once.
const BLOCK: usize = 64;

/// Which of 16 bytes are the delimiter, a line end, a quote, or not ASCII: bit `i` stands
/// for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    delimiters: u32,
    line_ends: u32,
    quotes: u32,
    non_ascii: u32,
}

/// [`Classes`] of `bytes`, sixteen at a time with SSE2, which every x86-64 processor has.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify(bytes: &[u8; 16], delimiter: u8) -> Classes {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions exist on every
    // processor this code runs on; the load reads exactly the 16 bytes of `bytes`, and
    // an unaligned load has no alignment requirement.
    unsafe {
        let vector = _mm_loadu_si128(bytes.as_ptr().cast());
        let mask =
            |byte: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(vector, _mm_set1_epi8(byte as i8))) as u32;
        Classes {
            delimiters: mask(delimiter),
            line_ends: mask(b'\n'),
            quotes: mask(b'"'),
            non_ascii: _mm_movemask_epi8(vector) as u32,
        }
    }
}

/// [`Classes`] of `bytes`, byte by byte (processors without SSE2).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn classify_bytes(bytes: &[u8; 16], delimiter: u8) -> Classes {
    let mut classes = Classes {
        delimiters: 0,
        line_ends: 0,
        quotes: 0,
        non_ascii: 0,
    };
    for (index, &byte) in bytes.iter().enumerate() {
        classes.delimiters |= u32::from(byte == delimiter) << index;
        classes.line_ends |= u32::from(byte == b'\n') << index;
        classes.quotes |= u32::from(byte == b'"') << index;
        classes.non_ascii |= u32::from(byte >= 0x80) << index;
    }
    classes
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn classify(bytes: &[u8; 16], delimiter: u8) -> Classes {
    classify_bytes(bytes, delimiter)
}

/// The classes of the [`BLOCK`] bytes from `base`: bit `i` stands for byte `base + i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    base: usize,
    delimiters: u64,
    line_ends: u64,
    quotes: u64,
    non_ascii: u64,
}

impl Block {
    /// The classes of `bytes[base..base + BLOCK]`; `None` when `bytes` is shorter.
    #[inline(always)]
    fn at(bytes: &[u8], base: usize, delimiter: u8) -> Option<Block> {
        let block: &[u8; BLOCK] = bytes.get(base..base + BLOCK)?.try_into().ok()?;
        let mut classes = Block {
            base,
            delimiters: 0,
            line_ends: 0,
            quotes: 0,
            non_ascii: 0,
        };
        for (index, part) in block.chunks_exact(16).enumerate() {
            let part: &[u8; 16] = part.try_into().ok()?;
            let found = classify(part, delimiter);
            let shift = 16 * index;
            classes.delimiters |= u64::from(found.delimiters) << shift;
            classes.line_ends |= u64::from(found.line_ends) << shift;
            classes.quotes |= u64::from(found.quotes) << shift;
            classes.non_ascii |= u64::from(found.non_ascii) << shift;
        }
        Some(classes)
    }
}

/// One line found by [`Scanner::line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    /// Offset of its line end.
    end: usize,
    /// It holds a quote: its fields are not simply split at delimiters.
    quoted: bool,
    /// Where its first byte that is not ASCII is, if it has one: check the line is UTF-8
    /// from there before reading it as text (what comes before is ASCII).
    non_ascii: Option<usize>,
}

/// Walks a buffer line by line, classifying each byte once: the block holding the end of
/// one line is kept for the next line, which starts in it.
#[derive(Debug, Default)]
struct Scanner {
    block: Option<Block>,
}

impl Scanner {
    /// Forgets the kept block (the buffer's bytes moved).
    fn moved(&mut self) {
        self.block = None;
    }

    /// Finds the line starting at `from` in `bytes[..limit]` and where it splits at
    /// `delimiter`: `bounds` gets each field's `(start, end)`, relative to `from`. `None`
    /// when no line end comes before `limit`. `bytes` must reach [`SLACK`] bytes past
    /// `limit`, and hold the same bytes as at the last call unless [`Scanner::moved`].
    #[inline]
    fn line(
        &mut self,
        bytes: &[u8],
        from: usize,
        limit: usize,
        delimiter: u8,
        bounds: &mut Vec<(usize, usize)>,
    ) -> Option<Line> {
        bounds.clear();
        let mut field_start = from;
        let (mut quoted, mut non_ascii) = (false, None);
        let mut block = match self.block {
            Some(block) if block.base <= from && from < block.base + BLOCK => block,
            _ => Block::at(bytes, from, delimiter)?,
        };
        loop {
            if block.base >= limit {
                return None;
            }
            let first = from.saturating_sub(block.base);
            let last = (limit - block.base).min(BLOCK);
            let below_last = if last == BLOCK {
                u64::MAX
            } else {
                (1u64 << last) - 1
            };
            let valid = below_last & (u64::MAX << first);
            let line_ends = block.line_ends & valid;
            // The bytes before the first line end (all valid ones when there is none).
            let before = if line_ends == 0 {
                valid
            } else {
                valid & ((line_ends & line_ends.wrapping_neg()) - 1)
            };
            let mut delimiters = block.delimiters & before;
            while delimiters != 0 {
                let end = block.base + delimiters.trailing_zeros() as usize;
                bounds.push((field_start - from, end - from));
                field_start = end + 1;
                delimiters &= delimiters - 1;
            }
            quoted |= block.quotes & before != 0;
            if non_ascii.is_none() && block.non_ascii & before != 0 {
                non_ascii = Some(block.base + (block.non_ascii & before).trailing_zeros() as usize);
            }
            if line_ends != 0 {
                let end = block.base + line_ends.trailing_zeros() as usize;
                bounds.push((field_start - from, end - from));
                self.block = Some(block);
                return Some(Line {
                    end,
                    quoted,
                    non_ascii,
                });
            }
            block = Block::at(bytes, block.base + BLOCK, delimiter)?;
        }
    }
}

/// Where `line` (a whole line without its line end and without any quote) splits at
/// `delimiter`, as `(start, end)` offsets added to `bounds` (cleared first).
#[cfg(test)]
pub(crate) fn split_plain(line: &[u8], delimiter: u8, bounds: &mut Vec<(usize, usize)>) {
    let mut bytes = line.to_vec();
    bytes.push(b'\n');
    let limit = bytes.len();
    bytes.resize(limit + SLACK, 0);
    Scanner::default().line(&bytes, 0, limit, delimiter, bounds);
}

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
    source: LineEnds<&'r mut dyn Read>,
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

/// Parses CSV records from UTF-8 bytes that start after `lines_before` line ends, so rows
/// keep the numbers they have in the whole file. Ragged rows are passed through as they
/// are (the loader rejects them by column); a read failure ends the file at that row.
pub(crate) fn read_records(
    input: &mut dyn Read,
    delimiter: u8,
    lines_before: usize,
    visitor: &mut dyn TableVisitor,
) {
    let mut buffer = Buffer {
        source: LineEnds::new(input),
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
            if !buffer.more(&mut scanner, visitor, last_line) {
                return;
            }
            continue;
        };
        let line = &buffer.bytes[buffer.start..found.end];
        if line.is_empty() {
            // An empty line is no record (as in the `csv` crate), but it is a line.
            lines += 1;
            buffer.start += 1;
            continue;
        }
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
            let taken = text
                .is_some_and(|text| visitor.record(number, &Fields::new(text, padded, &bounds)));
            if !taken {
                record.clear();
                for &(start, end) in &bounds {
                    record.push_field(&line[start..end]);
                }
                deliver(&record, number, &mut cells, visitor);
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
            Quoted::NeedMore => {
                if !buffer.more(&mut scanner, visitor, last_line) {
                    return;
                }
                continue;
            }
        };
        lines += memchr::memchr_iter(b'\n', &unread[..consumed]).count();
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
        if let Ok(text) = std::str::from_utf8(record.as_slice())
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
        deliver(&record, number, &mut cells, visitor);
    }
}

/// Hands `record` to the visitor as cells (trimmed text), or as an unreadable row when a
/// field is not UTF-8.
fn deliver(
    record: &csv::ByteRecord,
    number: usize,
    cells: &mut Vec<Cell>,
    visitor: &mut dyn TableVisitor,
) {
    let mut bad_utf8 = None;
    for (index, field) in record.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(field) else {
            bad_utf8 = Some(index + 1);
            break;
        };
        let text = super::super::cell::trimmed(text);
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
        Some(field) => visitor.unreadable_row(
            number,
            format!("field {field} is not valid UTF-8 although the file is"),
        ),
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
mod tests {
    use super::*;
    use crate::domain::location::Location;

    /// What a reader handed on: `(row, fields)` for records, `(row, reason)` for
    /// unreadable rows.
    #[derive(Default, Debug, PartialEq)]
    struct Seen {
        records: Vec<(usize, Vec<String>)>,
        unreadable: Vec<(usize, String)>,
    }

    impl TableVisitor for Seen {
        fn begin_table(&mut self, _table: &Location) {}
        fn row(&mut self, number: usize, _cells: &[Cell]) {
            self.unreadable.push((number, "a row".into()));
        }
        fn unreadable_row(&mut self, number: usize, why: String) {
            self.unreadable.push((number, why));
        }
        fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
            let fields = (0..fields.len())
                .map(|index| fields.get(index).expect("a field").to_string())
                .collect();
            self.records.push((number, fields));
            true
        }
    }

    /// The same bytes read by the `csv` crate, numbered as the reader numbers rows (the
    /// reader this module replaced did exactly this).
    fn reference(bytes: &[u8], lines_before: usize) -> Seen {
        let mut seen = Seen::default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineEnds::new(bytes));
        let mut record = csv::ByteRecord::new();
        let mut last_line = lines_before;
        while reader.read_byte_record(&mut record).expect("in memory") {
            let end_line = lines_before + reader.position().line() as usize;
            let inner_breaks = memchr::memchr_iter(b'\n', record.as_slice()).count();
            let line = end_line.saturating_sub(1 + inner_breaks).max(last_line + 1);
            last_line = line;
            if inner_breaks > 0
                && let Some(field) = swallowed_rows(&record, b',')
            {
                let trailing = usize::from(
                    record
                        .iter()
                        .next_back()
                        .is_some_and(|field| field.ends_with(b"\n")),
                );
                let last = line + inner_breaks - trailing;
                last_line = last;
                seen.unreadable.push((line, format!("swallowed {field}")));
                for swallowed in line + 1..=last {
                    seen.unreadable.push((swallowed, "swallowed".into()));
                }
                continue;
            }
            let fields = record
                .iter()
                .map(|field| String::from_utf8(field.to_vec()).expect("UTF-8 input"))
                .collect();
            seen.records.push((line, fields));
        }
        seen
    }

    fn read(bytes: &[u8], lines_before: usize) -> Seen {
        let mut seen = Seen::default();
        let mut input: &[u8] = bytes;
        read_records(&mut input, b',', lines_before, &mut seen);
        // Only the swallowed rows' first reason differs in wording: compare the places.
        for (_, why) in &mut seen.unreadable {
            if let Some(field) = why
                .strip_prefix("field ")
                .and_then(|rest| rest.split(' ').next())
            {
                *why = format!("swallowed {field}");
            } else if why.starts_with("swallowed") {
                *why = "swallowed".into();
            }
        }
        seen
    }

    /// Asserts `text` reads as the `csv` crate reads it.
    fn reads_as_the_csv_crate(text: &[u8]) {
        assert_eq!(
            read(text, 0),
            reference(text, 0),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }

    #[test]
    fn plain_lines_split_at_every_delimiter_whatever_their_length() {
        for length in 0..70 {
            let line: String = (0..length)
                .map(|index| if index % 3 == 2 { ',' } else { 'x' })
                .collect();
            reads_as_the_csv_crate(format!("{line}\n{line}\n").as_bytes());
        }
    }

    #[test]
    fn quoted_fields_line_breaks_and_empty_lines_read_as_the_csv_crate_reads_them() {
        let cases: [&[u8]; 14] = [
            b"\"a\",\"b\"\n\"\",\"\"\n\"2024-01\",\"48.92\",x\n",
            b"\"a\"b,c\n",
            b" \"a\",b\n",
            b"\"a\"\"b\",c\n",
            b"\",\"\n\"\n",
            b"a,b\n\"x,y\",z\n",
            b"a,\"b\nc\",d\ne,f\n",
            b"\n\na,b\n\n\nc\n",
            b"a,b\r\nc,d\re,f",
            b"a,\"b\"\"c\",d\n",
            b"a,d\"e,f\n\"g\"h,i\n",
            b"a,\"b\nc,d\ne,f\n",
            b"\xE8\xAE\xA1,\xE8\xAE\xA1\n\"\xE8\xAE\xA1\",x\n",
            b"last line without an end",
        ];
        for case in cases {
            for lines_before in [0, 41] {
                assert_eq!(
                    read(case, lines_before),
                    reference(case, lines_before),
                    "{:?}",
                    String::from_utf8_lossy(case)
                );
            }
        }
    }

    #[test]
    fn random_csv_reads_as_the_csv_crate_reads_it() {
        // Short texts over the bytes that matter, many of each: every mix of quotes,
        // delimiters, line ends of all kinds and multi-byte characters, across the
        // 16-byte steps of the scan.
        let alphabet = [
            "a",
            "bc",
            " ",
            ",",
            ",",
            "\"",
            "\n",
            "\r",
            "\r\n",
            "计",
            "0123456789",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = next() % 40;
            let text: String = (0..length)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            reads_as_the_csv_crate(text.as_bytes());
        }
    }

    #[test]
    fn a_record_longer_than_the_buffer_grows_it() {
        let long = "x".repeat(READ_BYTES * 3);
        reads_as_the_csv_crate(format!("a,b\n{long},\"{long}\n{long}\"\nc,d\n").as_bytes());
    }

    /// A source that returns a few bytes per read, as an inflating zip member can.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let count = out.len().min(self.0.len()).min(7);
            out[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }

    #[test]
    fn long_records_from_a_trickling_source_are_read_once_not_once_per_read() {
        // 2 MB in one quoted field and 2 MB in one plain line, 7 bytes per read: scanning
        // each again from its start after every read would take hours.
        let long = "y".repeat(2 * 1024 * 1024);
        let text = format!("a,\"{long}\"\n{long},b\nc,d\n");
        let mut seen = Seen::default();
        let mut input = Trickle(text.as_bytes());
        read_records(&mut input, b',', 0, &mut seen);
        assert_eq!(seen, reference(text.as_bytes(), 0));
        assert_eq!(seen.records.len(), 3);
    }

    /// A source that fails after its bytes, as a decoder meeting bad bytes does.
    struct FailsAfter<'a>(&'a [u8]);

    impl Read for FailsAfter<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("undecodable bytes"));
            }
            let count = out.len().min(self.0.len());
            out[..count].copy_from_slice(&self.0[..count]);
            self.0 = &self.0[count..];
            Ok(count)
        }
    }

    #[test]
    fn a_read_error_keeps_the_lines_read_before_it_and_names_the_next_row() {
        // Three whole lines, then half of one (plain or quoted) when the source fails.
        for cut in ["d,e", "\"d,e"] {
            let text = format!("a,b\n\"c\",1\n\nf,g\n{cut}");
            let mut seen = Seen::default();
            let mut input = FailsAfter(text.as_bytes());
            read_records(&mut input, b',', 10, &mut seen);
            let numbers: Vec<usize> = seen.records.iter().map(|(number, _)| *number).collect();
            assert_eq!(numbers, vec![11, 12, 14], "{cut}");
            assert_eq!(seen.unreadable.len(), 1, "{cut}");
            assert_eq!(seen.unreadable[0].0, 15, "{cut}");
            assert!(
                seen.unreadable[0]
                    .1
                    .contains("cannot be read past here: undecodable bytes")
            );
        }
    }

    #[test]
    fn the_byte_scan_and_the_sse2_scan_classify_alike() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            let mut bytes = [0u8; 16];
            for byte in &mut bytes {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                *byte = match (state >> 60) % 5 {
                    0 => b',',
                    1 => b'\n',
                    2 => b'"',
                    _ => (state >> 32) as u8,
                };
            }
            assert_eq!(classify(&bytes, b','), classify_bytes(&bytes, b','));
            assert_eq!(classify(&bytes, b'\t'), classify_bytes(&bytes, b'\t'));
        }
    }
}
