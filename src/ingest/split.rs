//! Reading one large CSV on several cores: the file is cut into parts at record
//! boundaries, and each part parses on its own thread with its rows keeping the numbers
//! they have in the whole file.
//!
//! A cut must never fall inside a quoted field (a quoted field may hold line breaks), so a
//! planning pass walks the bytes once with the same quoting rules as the CSV parser — a
//! quote opens a quoted field only at a field's start, `""` inside it is a literal quote —
//! counting line ends as the parser numbers rows (CRLF and a lone CR are one line end
//! each). The same pass computes the file's SHA-256, which the parts then do not repeat.
//! Only UTF-8 files above [`SPLIT_ABOVE`] bytes are split; everything else is read whole,
//! and a file whose quoting never closes simply yields no cut after the open quote.
//!
//! Where the cuts fall depends only on the file, never on the thread count, and the
//! parts' results are merged in file order, so the audit's outputs are the same however
//! many threads read them.

use super::table::{
    FileDigest, SNIFF_BYTES, TableError, TableVisitor, TextEncoding, Utf8Text, delimiter_for,
    is_text, read_records, sniff_encoding,
};
use crate::domain::digest::hex;
use crate::domain::location::Location;
use sha2::{Digest, Sha256};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// Files up to this size are read whole (in parallel with other files).
pub const SPLIT_ABOVE: u64 = 256 * 1024 * 1024;

/// The size parts aim at; a part ends at the first record boundary after it.
pub const PART_BYTES: u64 = 64 * 1024 * 1024;

/// One part of a file: bytes `[start, end)`, beginning after `lines_before` line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvPart {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Line ends before `start`, so the first row of the part is row `lines_before + 1`.
    pub lines_before: usize,
}

/// How a file will be read in parts.
#[derive(Debug, Clone)]
pub struct CsvPlan {
    /// The whole file's digest (hash, size, encoding).
    pub digest: FileDigest,
    /// Field delimiter.
    pub delimiter: u8,
    /// The parts, in file order; at least two.
    pub parts: Vec<CsvPart>,
}

/// Where the quoting rules stand after a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field (after a delimiter or a line end).
    FieldStart,
    /// Inside a field that did not start with a quote.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: either the closing quote or the first
    /// half of `""`.
    QuoteInQuoted,
}

/// Walks the bytes of a CSV, tracking quoting and line ends, and proposes cuts.
struct Planner {
    delimiter: u8,
    quoting: Quoting,
    /// Line ends seen so far.
    lines: usize,
    /// The previous byte was a `\r` (whose line end is counted when the next byte is not
    /// `\n`).
    after_cr: bool,
}

impl Planner {
    /// Feeds `block`, which starts at file offset `offset`. Returns the first cut at or
    /// after `from` — the offset just after a `\n` that ends a record (outside quotes) —
    /// with the line ends before it.
    ///
    /// Inside a field only a few bytes change anything (a quote, a line end, the
    /// delimiter), so the bytes between them are skipped with `memchr`: a 700 MB line
    /// is planned at memory speed, not byte by byte.
    fn feed(&mut self, block: &[u8], offset: u64, from: u64) -> Option<(u64, usize)> {
        let mut index = 0;
        while index < block.len() {
            let rest = &block[index..];
            let skip = match self.quoting {
                Quoting::Quoted => memchr::memchr3(b'"', b'\n', b'\r', rest),
                Quoting::Unquoted => memchr::memchr3(self.delimiter, b'\n', b'\r', rest),
                Quoting::FieldStart | Quoting::QuoteInQuoted => Some(0),
            };
            let Some(skip) = skip else {
                // No byte of the rest changes the state: it stays, and none is a `\r`.
                self.after_cr = false;
                return None;
            };
            if skip > 0 {
                self.after_cr = false;
                index += skip;
            }
            let byte = block[index];
            self.step(byte);
            let cut = offset + index as u64 + 1;
            if byte == b'\n' && self.quoting == Quoting::FieldStart && cut >= from {
                // Stop here: the caller feeds the rest of the block after recording the cut.
                return Some((cut, self.lines));
            }
            index += 1;
        }
        None
    }

    /// One byte through the quoting rules and the line count.
    fn step(&mut self, byte: u8) {
        let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
        let line_end = match byte {
            b'\n' if after_cr => false,
            b'\n' | b'\r' => true,
            _ => false,
        };
        self.quoting = match (self.quoting, byte) {
            (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
            (Quoting::Quoted, _) => Quoting::Quoted,
            (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
            (Quoting::FieldStart, b'"') => Quoting::Quoted,
            (_, b'\n' | b'\r') => Quoting::FieldStart,
            (_, byte) if byte == self.delimiter => Quoting::FieldStart,
            _ => Quoting::Unquoted,
        };
        if line_end {
            self.lines += 1;
        }
    }
}

/// The part size in force: [`PART_BYTES`], files above [`SPLIT_ABOVE`]; or, for tests
/// that check a split read gives the same reports as a whole one, both set to the value of
/// the environment variable `REBATE_AUDIT_PART_BYTES`.
pub fn sizes() -> (u64, u64) {
    std::env::var("REBATE_AUDIT_PART_BYTES")
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .filter(|bytes| *bytes > 0)
        .map_or((SPLIT_ABOVE, PART_BYTES), |bytes| (bytes, bytes))
}

/// Plans the parts of `path` with the sizes of [`sizes`], hashing it on the way. `None`
/// when the file is read whole: not above the split size, not a CSV, not UTF-8, or no
/// second part found.
///
/// # Errors
/// When the file cannot be read.
pub fn plan(path: &Path, file: Arc<str>) -> Result<Option<CsvPlan>, TableError> {
    let (split_above, part_bytes) = sizes();
    plan_with(path, file, split_above, part_bytes)
}

/// [`plan`] with explicit sizes.
///
/// # Errors
/// When the file cannot be read.
pub fn plan_with(
    path: &Path,
    file: Arc<str>,
    split_above: u64,
    part_bytes: u64,
) -> Result<Option<CsvPlan>, TableError> {
    // Before it is opened: a FIFO would block, a device never end.
    super::table::check_regular(path, &file)?;
    let location = Location::file(file);
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    // An object with no extension (an Alibaba OSS bill) may be a large CSV too: its bytes
    // decide below, as they do for the reader.
    if !matches!(extension.as_str(), "csv" | "tsv" | "txt" | "") {
        return Ok(None);
    }
    let size = std::fs::metadata(path).map_err(io_error)?.len();
    if size <= split_above {
        return Ok(None);
    }
    let mut input = std::fs::File::open(path).map_err(io_error)?;
    let mut sample = Vec::with_capacity(SNIFF_BYTES);
    (&mut input)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut sample)
        .map_err(io_error)?;
    // Only text is cut in parts; anything else (a gzip, a zip with stored members) is
    // read whole, told by its bytes.
    if !is_text(&sample) {
        return Ok(None);
    }
    let encoding = match sniff_encoding(&sample, sample.len() < SNIFF_BYTES) {
        Ok(encoding @ (TextEncoding::Utf8 | TextEncoding::Utf8Bom)) => encoding,
        // Other encodings are transcoded as a stream; an undecodable file is reported by
        // the ordinary reader.
        _ => return Ok(None),
    };
    let start = if encoding == TextEncoding::Utf8Bom {
        3
    } else {
        0
    };
    let delimiter = delimiter_for(path);
    let mut hasher = Sha256::new();
    let mut planner = Planner {
        delimiter,
        quoting: Quoting::FieldStart,
        lines: 0,
        after_cr: false,
    };
    let mut parts = Vec::new();
    let mut part_start = start;
    let mut part_lines = 0usize;
    let mut next_cut = start + part_bytes;
    let mut offset = 0u64;
    let mut block = vec![0u8; 1024 * 1024];
    input.seek(SeekFrom::Start(0)).map_err(io_error)?;
    loop {
        let count = input.read(&mut block).map_err(io_error)?;
        if count == 0 {
            break;
        }
        let bytes = &block[..count];
        hasher.update(bytes);
        // The BOM is not CSV: skip it in the first block.
        let skip = usize::try_from(start.saturating_sub(offset))
            .unwrap_or(count)
            .min(count);
        let mut position = skip;
        while let Some((cut, lines)) =
            planner.feed(&bytes[position..], offset + position as u64, next_cut)
        {
            parts.push(CsvPart {
                start: part_start,
                end: cut,
                lines_before: part_lines,
            });
            part_start = cut;
            part_lines = lines;
            next_cut = cut + part_bytes;
            position = usize::try_from(cut - offset).unwrap_or(count);
        }
        offset += count as u64;
    }
    if part_start < offset {
        parts.push(CsvPart {
            start: part_start,
            end: offset,
            lines_before: part_lines,
        });
    }
    if parts.len() < 2 {
        return Ok(None);
    }
    Ok(Some(CsvPlan {
        digest: FileDigest {
            sha256: hex(&hasher.finalize()),
            bytes: offset,
            encoding: Some(encoding.name()),
            hidden_sheets: Vec::new(),
            refused_members: Vec::new(),
        },
        delimiter,
        parts,
    }))
}

/// Reads part `index` of a planned file into `visitor`. Part 0 begins the table; the
/// others continue it (the visitor must already be in the table).
///
/// # Errors
/// When the file cannot be read.
pub fn read_part(
    path: &Path,
    file: Arc<str>,
    plan: &CsvPlan,
    index: usize,
    record_bytes: u64,
    visitor: &mut dyn TableVisitor,
) -> Result<(), TableError> {
    let location = Location::file(file);
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let Some(part) = plan.parts.get(index) else {
        return Ok(());
    };
    let mut input = std::fs::File::open(path).map_err(io_error)?;
    input.seek(SeekFrom::Start(part.start)).map_err(io_error)?;
    let mut buffered = Utf8Text {
        inner: BufReader::with_capacity(256 * 1024, input.take(part.end - part.start)),
        first_byte: part.start,
    };
    if index == 0 {
        visitor.begin_table(&location);
    }
    read_records(
        &mut buffered,
        plan.delimiter,
        part.lines_before,
        record_bytes,
        visitor,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &[u8], every: u64) -> Vec<(u64, usize)> {
        let mut planner = Planner {
            delimiter: b',',
            quoting: Quoting::FieldStart,
            lines: 0,
            after_cr: false,
        };
        let mut found = Vec::new();
        let mut from = every;
        for (index, byte) in text.iter().enumerate() {
            if let Some(cut) = planner.feed(std::slice::from_ref(byte), index as u64, from) {
                found.push(cut);
                from = cut.0 + every;
            }
        }
        found
    }

    /// [`cuts`] with the text fed in blocks of `block` bytes, as [`plan_with`] feeds it:
    /// the bytes between quotes, line ends and delimiters are skipped, not stepped.
    fn cuts_in_blocks(text: &[u8], every: u64, block: usize) -> Vec<(u64, usize)> {
        let mut planner = Planner {
            delimiter: b',',
            quoting: Quoting::FieldStart,
            lines: 0,
            after_cr: false,
        };
        let mut found = Vec::new();
        let mut from = every;
        for (number, chunk) in text.chunks(block).enumerate() {
            let offset = (number * block) as u64;
            let mut position = 0;
            while let Some(cut) = planner.feed(&chunk[position..], offset + position as u64, from) {
                found.push(cut);
                from = cut.0 + every;
                position = usize::try_from(cut.0 - offset).unwrap();
            }
        }
        found
    }

    #[test]
    fn skipping_inside_fields_cuts_where_stepping_byte_by_byte_does() {
        let texts: [&[u8]; 5] = [
            b"a,b\n1,\"x\ny\"\"z\"\n2,c\n3,d\"e\n4,f\n",
            b"long field without end,xxxxxxxxxxxxxxxxxxxxxxxxx\r\nnext,\"q\rq\",r\rlast\n",
            b"a\r\nb\rc\nd\n\"open\nquote,never\ncloses\n",
            b"\"\"\"x\"\"\",y\n\"a\"b,c\nplain\"quote\",d\r\r\n\n",
            b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nA1,2\n",
        ];
        for text in texts {
            for every in [1, 7, 20] {
                let stepped = cuts(text, every);
                for block in [1, 3, 8, 64, 4096] {
                    assert_eq!(
                        cuts_in_blocks(text, every, block),
                        stepped,
                        "{:?}, every {every}, blocks of {block}",
                        String::from_utf8_lossy(text)
                    );
                }
            }
        }
    }

    #[test]
    fn cuts_fall_after_record_ends_and_never_inside_quotes() {
        // Line 2 holds a quoted field with a line break and a `""`; a quote inside an
        // unquoted field (line 4) opens nothing.
        let text = b"a,b\n1,\"x\ny\"\"z\"\n2,c\n3,d\"e\n4,f\n";
        let found = cuts(text, 1);
        let offsets: Vec<u64> = found.iter().map(|cut| cut.0).collect();
        let ends: Vec<u64> = text
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .map(|(index, _)| index as u64 + 1)
            .collect();
        // Every line end except the one inside the quoted field.
        assert_eq!(offsets, vec![ends[0], ends[2], ends[3], ends[4], ends[5]]);
        // Lines before each cut count the quoted line break too, as the parser numbers rows.
        let lines: Vec<usize> = found.iter().map(|cut| cut.1).collect();
        assert_eq!(lines, vec![1, 3, 4, 5, 6]);
    }

    #[test]
    fn crlf_and_lone_cr_count_one_line_each() {
        let text = b"a\r\nb\rc\nd\n";
        let found = cuts(text, 1);
        assert_eq!(found, vec![(3, 1), (7, 3), (9, 4)]);
    }

    #[test]
    fn a_large_csv_is_planned_in_parts_with_or_without_an_extension_and_nothing_else_is() {
        let folder = tempfile::tempdir().unwrap();
        let text = "a,b\n".to_string() + &"1,2\n".repeat(100);
        for (name, bytes, parts) in [
            ("bill.csv", text.as_bytes().to_vec(), true),
            (
                "1234_BillingItemDetailMonthly_202503",
                text.as_bytes().to_vec(),
                true,
            ),
            ("bill.png", text.as_bytes().to_vec(), false),
            // A zip with a stored CSV member is UTF-8 enough to fool an encoding check.
            (
                "1234_BillingItemDetailMonthly_202504",
                [b"PK\x03\x04\x14\x00\x00\x00".as_slice(), text.as_bytes()].concat(),
                false,
            ),
        ] {
            let path = folder.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let plan = plan_with(&path, Arc::from(name), 100, 100).unwrap();
            assert_eq!(plan.is_some(), parts, "{name}");
        }
    }

    #[test]
    fn an_unclosed_quote_stops_the_cuts() {
        let text = b"a\n\"b\nc\nd\n";
        assert_eq!(cuts(text, 1), vec![(2, 1)]);
    }
}
