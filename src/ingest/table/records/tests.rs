//! The record reader against the `csv` crate, on plain, quoted, random and long input.

use super::*;
use crate::domain::location::Location;
use crate::ingest::table::Utf8Text;

/// What a reader handed on: `(row, fields)` for records (and rows, as their trimmed
/// cells: `trimmed` lists them), `(row, reason)` for unreadable rows, and the row the
/// file ended inside.
#[derive(Default, Debug, PartialEq)]
struct Seen {
    records: Vec<(usize, Vec<String>)>,
    unreadable: Vec<(usize, String)>,
    trimmed: Vec<usize>,
    cut_off: Vec<usize>,
}

impl TableVisitor for Seen {
    fn begin_table(&mut self, _table: &Location) {}
    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.records
            .push((number, cells.iter().map(Cell::to_text).collect()));
        self.trimmed.push(number);
    }
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        self.row(number, cells);
        self.cut_off.push(number);
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

/// `bytes` as a UTF-8 file's text from its first byte.
fn text(bytes: &[u8]) -> Utf8Text<&[u8]> {
    Utf8Text {
        inner: bytes,
        first_byte: 0,
    }
}

fn read(bytes: &[u8], lines_before: usize) -> Seen {
    let mut seen = Seen::default();
    read_records(&mut text(bytes), b',', lines_before, u64::MAX, &mut seen);
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

/// `reference`, with the records `seen` got as cells trimmed as cells are, and the rows
/// it marked.
fn as_seen(mut reference: Seen, seen: &Seen) -> Seen {
    for (number, fields) in &mut reference.records {
        if seen.trimmed.contains(number) {
            for field in fields {
                *field = field.trim().to_string();
            }
        }
    }
    reference.trimmed = seen.trimmed.clone();
    reference.cut_off = seen.cut_off.clone();
    reference
}

/// Asserts `text` reads as the `csv` crate reads it (the last row of a text without a
/// final line end comes as cells, marked cut off).
fn reads_as_the_csv_crate(text: &[u8]) {
    let seen = read(text, 0);
    assert_eq!(
        seen,
        as_seen(reference(text, 0), &seen),
        "{:?}",
        String::from_utf8_lossy(text)
    );
    // Only the last record of a text that ends without a line end is cut off.
    let ends = text.last().is_none_or(|last| b"\r\n".contains(last));
    assert!(seen.cut_off.len() <= 1);
    if let Some(number) = seen.cut_off.first() {
        assert!(!ends);
        assert_eq!(
            Some(*number),
            seen.records.last().map(|(number, _)| *number)
        );
    }
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
            let seen = read(case, lines_before);
            assert_eq!(
                seen,
                as_seen(reference(case, lines_before), &seen),
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
    let mut input = Utf8Text {
        inner: Trickle(text.as_bytes()),
        first_byte: 0,
    };
    read_records(&mut input, b',', 0, u64::MAX, &mut seen);
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
        let mut input = Utf8Text {
            inner: FailsAfter(text.as_bytes()),
            first_byte: 0,
        };
        read_records(&mut input, b',', 10, u64::MAX, &mut seen);
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
fn the_last_row_of_a_file_without_a_final_line_end_is_cut_off() {
    // `…,CNY,1234.56` cut to `…,CNY,123`: the last row comes as cut off, plain or quoted;
    // a blank last line, or a file ending in a line end of any kind, does not.
    for (text, cut_off) in [
        (&b"a,b\nA1,123"[..], vec![2]),
        (b"a,b\nA1,\"12\"", vec![2]),
        (b"a,b\nA1,\"1,2\"", vec![2]),
        (b"a,b\nA1,123\n", vec![]),
        (b"a,b\r\nA1,123\r\n", vec![]),
        (b"a,b\rA1,123\r", vec![]),
        (b"a,b\nA1,123\n  ", vec![]),
        (b"a,b", vec![1]),
    ] {
        let seen = read(text, 0);
        assert_eq!(seen.cut_off, cut_off, "{:?}", String::from_utf8_lossy(text));
    }
}

/// What `read_records` said about a UTF-8 file with one bad byte.
fn unreadable(bytes: &[u8], first_byte: u64) -> Vec<(usize, String)> {
    let mut seen = Seen::default();
    let mut input = Utf8Text {
        inner: bytes,
        first_byte,
    };
    read_records(&mut input, b',', 0, u64::MAX, &mut seen);
    seen.unreadable
}

#[test]
fn a_bad_byte_rejects_its_row_naming_its_column_and_file_offset() {
    // Byte 0xFF at offset 12 of the text (CRLF line ends, each counted), 15 of a file
    // with a BOM; plain and quoted.
    let text = b"a,b,c\r\n1,2,x\xffy\r\n4,5,6\r\n";
    let said = unreadable(text, 3);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, 2);
    assert!(
        said[0].1.starts_with(
            "column 3 is not valid UTF-8 (byte offset 15), although the rest of the file is"
        ),
        "{}",
        said[0].1
    );
    let quoted = b"a,b,c\n1,\"2\",\"x\xffy\"\n";
    let said = unreadable(quoted, 0);
    assert!(
        said[0]
            .1
            .starts_with("column 3 is not valid UTF-8 (byte offset 14)"),
        "{said:?}"
    );
    // Far into a file, past several refills of the read buffer.
    let mut long = b"a,b\r\n".to_vec();
    for _ in 0..100_000 {
        long.extend_from_slice(b"x,yyyyyyyy\r\n");
    }
    let at = long.len() + 2;
    long.extend_from_slice(b"x,\xe4\xb8,z\r\n");
    let said = unreadable(&long, 0);
    assert_eq!(said[0].0, 100_002);
    assert!(
        said[0]
            .1
            .starts_with(&format!("column 2 is not valid UTF-8 (byte offset {at})")),
        "{said:?}"
    );
    // A file cut inside its last character.
    let said = unreadable(b"a,b\n1,\xe4\xb8", 0);
    assert!(said[0].1.starts_with(CUT_OFF_ROW), "{said:?}");
    assert!(
        said[0]
            .1
            .ends_with("column 2 is not valid UTF-8 (byte offset 6)"),
        "{said:?}"
    );
}

/// Reads `bytes` with a record limit of `limit` bytes.
fn read_limited(bytes: &[u8], limit: u64) -> Seen {
    let mut seen = Seen::default();
    read_records(&mut text(bytes), b',', 0, limit, &mut seen);
    seen
}

fn fields(row: usize, values: &[&str]) -> (usize, Vec<String>) {
    (row, values.iter().map(|value| value.to_string()).collect())
}

#[test]
fn a_record_past_the_limit_is_rejected_and_the_next_one_read() {
    // Five rows, a limit of 20 bytes: the short ones pass (a quoted one spanning two
    // lines included), the 31-byte plain row and the 29-byte last row without a line
    // end are rejected with their sizes, and a whole-field-quoted one too.
    let long = "c".repeat(29);
    let last = "j".repeat(29);
    let text = format!("a,b\n{long},d\n\"e\nE\",f\n\"{long}\",g\n{last}");
    let seen = read_limited(text.as_bytes(), 20);
    assert_eq!(
        seen.records,
        vec![fields(1, &["a", "b"]), fields(3, &["e\nE", "f"])]
    );
    let why = |size: usize| {
        format!(
            "the record is {size} bytes long, more than the limit of 20 bytes (`csv_record_size` in `[limits]`): the row is not read"
        )
    };
    assert_eq!(
        seen.unreadable,
        vec![(2, why(31)), (5, why(33)), (6, why(29))]
    );
    // At the limit exactly, a record passes.
    let seen = read_limited(format!("{long},d\n").as_bytes(), 31);
    assert_eq!(seen.records, vec![fields(1, &[&long, "d"])]);
    assert!(seen.unreadable.is_empty());
}

#[test]
fn a_quoted_record_spanning_lines_past_the_limit_is_rejected_once_measured() {
    // csv-core reads it whole within the buffer: its line breaks count, and the row
    // after it keeps its number.
    let text = "a,\"1\n2\n3\n4\n5\n6\n7\n8\n9\",b\nc,d\n";
    let seen = read_limited(text.as_bytes(), 12);
    assert_eq!(seen.records, vec![fields(10, &["c", "d"])]);
    assert_eq!(seen.unreadable.len(), 1);
    assert_eq!(seen.unreadable[0].0, 1);
    assert!(
        seen.unreadable[0].1.contains("is 23 bytes long"),
        "{}",
        seen.unreadable[0].1
    );
}

#[test]
fn a_line_longer_than_the_buffer_is_skipped_without_being_held() {
    // 1 MiB, four times the read buffer, past a limit of 1 KiB: the buffer never grows
    // to hold it, the whole length is still counted, and the next row is read.
    let long = "x".repeat(1 << 20);
    let text = format!("a,b\n{long}\nc,d\n");
    let mut seen = Seen::default();
    let mut input = Utf8Text {
        inner: Trickle(text.as_bytes()),
        first_byte: 0,
    };
    read_records(&mut input, b',', 0, 1024, &mut seen);
    assert_eq!(
        seen.records,
        vec![fields(1, &["a", "b"]), fields(3, &["c", "d"])]
    );
    assert_eq!(seen.unreadable.len(), 1);
    assert_eq!(seen.unreadable[0].0, 2);
    assert!(
        seen.unreadable[0]
            .1
            .starts_with("the record is 1048576 bytes long, more than the limit of 1 KiB"),
        "{:?}",
        seen.unreadable
    );
}

#[test]
fn a_quoted_record_longer_than_the_buffer_past_the_limit_ends_the_file() {
    // Its end cannot be found without holding it: the row is rejected and the rest of
    // the file is not read, both said.
    let long = "q\n".repeat(1 << 19);
    let text = format!("a,b\nc,\"{long}\"\ne,f\n");
    let seen = read_limited(text.as_bytes(), 4096);
    assert_eq!(seen.records, vec![fields(1, &["a", "b"])]);
    assert_eq!(seen.unreadable.len(), 1, "{:?}", seen.unreadable);
    assert_eq!(seen.unreadable[0].0, 2);
    assert!(
        seen.unreadable[0]
            .1
            .contains("past the limit of 4 KiB (`csv_record_size` in `[limits]`): the row is not read, nor the rest of the file"),
        "{}",
        seen.unreadable[0].1
    );
}
