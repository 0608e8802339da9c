//! CSV files: encodings, line ends, quoting, undecodable bytes.

use super::super::csv_file::read_csv_stream;
use super::super::encoding::{SNIFF_BYTES, TextEncoding};
use super::super::line_ends::LineEnds;
use super::{Collect, read_bytes, text_cells};
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::table::TableError;
use std::io::{self, Read};

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
    let (result, collect) = read_bytes("bill.csv", b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n");
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
    let encoding = read_csv_stream(short, &table, b',', u64::MAX, &mut collect).unwrap();
    assert_eq!(encoding, TextEncoding::Utf8);
    assert_eq!(collect.rows.len(), 40_001);
    assert!(collect.bad.is_empty());
    assert_eq!(
        collect.rows[40_000],
        (40_001, text_cells(&["云服务器", "1.00"]))
    );
}

#[test]
fn undecodable_bytes_reject_their_row_never_replaced() {
    // Three bad bytes in a file otherwise UTF-8: that row is rejected, naming its column
    // and byte offset; the rows around it are read.
    let (result, collect) = read_bytes("bad.csv", b"a,b\n\xff\xff\xff,1\nc,2\n");
    assert_eq!(result.unwrap().encoding, Some("UTF-8"));
    assert_eq!(collect.rows.len(), 2);
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(collect.bad[0].0, 2);
    assert!(
        collect.bad[0]
            .1
            .starts_with("column 1 is not valid UTF-8 (byte offset 4)"),
        "{}",
        collect.bad[0].1
    );
    // Bytes that are text in neither encoding — more than MAX_BAD_SEQUENCES bad
    // sequences where the encoding is decided — refuse the file at the first.
    let mut junk = b"a,b\n".to_vec();
    junk.extend(std::iter::repeat_n(0xFFu8, 40));
    let (result, _) = read_bytes("junk.csv", &junk);
    assert!(
        matches!(result, Err(TableError::Encoding { utf8: 4, .. })),
        "{result:?}"
    );
}

#[test]
fn a_utf8_file_cut_inside_a_character_is_read_as_utf8_and_names_the_real_offset() {
    // Chinese text cut in the middle of its last character: UTF-8 reads to the cut,
    // GB18030 stops at the first character, so the file is UTF-8 and the last row — cut
    // off — is rejected naming the offset of the cut character.
    let mut text = "产品,金额\n".to_string();
    for _ in 0..3_000 {
        text.push_str("云服务器,1.00\n");
    }
    let mut bytes = text.into_bytes();
    let at = bytes.len() + 4;
    bytes.extend_from_slice("ECS,云".as_bytes());
    bytes.pop();
    let (result, collect) = read_bytes("cut.csv", &bytes);
    assert_eq!(result.unwrap().encoding, Some("UTF-8"));
    assert_eq!(collect.rows.len(), 3_001);
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(collect.bad[0].0, 3_002);
    assert!(
        collect.bad[0]
            .1
            .ends_with(&format!("column 2 is not valid UTF-8 (byte offset {at})")),
        "{}",
        collect.bad[0].1
    );
}

#[test]
fn a_gbk_file_is_still_gbk_and_a_bad_pair_rejects_its_row_with_its_offset() {
    // GBK text (UTF-8 fails at its first character) with the pair 81 20, which no
    // GBK/GB18030 character has, in row 3: that row is rejected naming the pair's offset.
    let (head, _, _) = encoding_rs::GBK.encode("产品,金额\n云服务器,1.00\n");
    let mut bytes = head.into_owned();
    let at = bytes.len();
    bytes.extend_from_slice(b"\x81 x,2.00\n");
    let (tail, _, _) = encoding_rs::GBK.encode("对象存储,3.00\n");
    bytes.extend_from_slice(&tail);
    let (result, collect) = read_bytes("gbk.csv", &bytes);
    assert_eq!(result.unwrap().encoding, Some("GB18030"));
    assert_eq!(
        collect.rows,
        vec![
            (1, text_cells(&["产品", "金额"])),
            (2, text_cells(&["云服务器", "1.00"])),
            (4, text_cells(&["对象存储", "3.00"])),
        ]
    );
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(collect.bad[0].0, 3);
    assert!(
        collect.bad[0]
            .1
            .starts_with(&format!("column 1 is not valid GB18030 (byte offset {at})")),
        "{}",
        collect.bad[0].1
    );
}

#[test]
fn files_that_are_no_table_are_refused_saying_what_they_look_like() {
    // By their bytes, whatever their name: a PDF named as a bill is still a PDF.
    for name in ["bill.pdf", "bill.csv", "BillingItemDetailMonthly_202503"] {
        let (result, collect) = read_bytes(name, b"%PDF-1.7\n%\xE2\xE3\n1 0 obj\n");
        let message = result.unwrap_err().to_string();
        assert_eq!(
            message,
            format!(
                "{name}: not a table the auditor reads: the file is a PDF document; expected CSV or TSV text, an .xlsx, .xlsm, .xls, .xlsb or .ods workbook, a .parquet file, or a .zip, .gz or .tar of CSV files"
            )
        );
        assert!(collect.tables.is_empty());
    }
    let (result, _) = read_bytes("noise.csv", &[0x13, 0x00, 0x37, 0xFF, 0x00, 0x10]);
    assert!(
        result
            .unwrap_err()
            .to_string()
            .contains("the file is binary data, not text"),
    );
}

#[test]
fn text_is_read_as_csv_whatever_its_name() {
    // An extensionless OSS object, a `.txt`, and a CSV saved under an Excel name.
    for name in [
        "1234_BillingItemDetailMonthly_202503",
        "说明.txt",
        "bill.xls",
    ] {
        let (result, collect) = read_bytes(name, "账号,金额\nA1,1.00\n".as_bytes());
        assert_eq!(result.unwrap().encoding, Some("UTF-8"), "{name}");
        assert_eq!(collect.tables.len(), 1, "{name}");
        assert_eq!(collect.rows.len(), 2, "{name}");
    }
}
