//! Files built to exhaust memory or time: workbooks and parts that inflate without end, Parquet footers that lie, a sparse file of zero bytes.

use super::*;

// ---------------------------------------------------------------------------------------
// Workbooks that inflate without end ("zip bombs"), built here: a deflate stream of
// repeats costs 13 to 21 bits per 258 bytes, so gigabytes fit in a few megabytes.
// ---------------------------------------------------------------------------------------

/// Writes a raw deflate stream (RFC 1951) with the fixed Huffman codes.
pub(crate) struct Deflate {
    out: Vec<u8>,
    bits: u64,
    count: u32,
}

impl Deflate {
    pub(crate) fn new() -> Self {
        let mut deflate = Deflate {
            out: Vec::new(),
            bits: 0,
            count: 0,
        };
        deflate.put(1, 1); // the last block
        deflate.put(1, 2); // fixed Huffman codes
        deflate
    }

    /// `count` bits of `value`, least significant first.
    fn put(&mut self, value: u32, count: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += count;
        while self.count >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code: most significant bit first.
    fn code(&mut self, code: u32, length: u32) {
        self.put(code.reverse_bits() >> (32 - length), length);
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u32::from(byte), 8),
            _ => self.code(0x190 + u32::from(byte - 144), 9),
        }
    }

    /// A copy of 258 bytes from `distance` back.
    fn copy_258(&mut self, distance: u32) {
        const BASE: [u32; 30] = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025,
            1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ];
        self.code(0xC5, 8); // length symbol 285: 258
        let symbol = BASE.iter().rposition(|&base| base <= distance).unwrap();
        self.code(symbol as u32, 5);
        let extra = match symbol {
            0..=3 => 0,
            _ => (symbol as u32 - 2) / 2,
        };
        self.put(distance - BASE[symbol], extra);
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.literal(byte);
        }
    }

    /// `unit` repeated until `total` bytes.
    pub(crate) fn repeat(&mut self, unit: &[u8], total: u64) {
        self.bytes(unit);
        let mut written = unit.len() as u64;
        while total - written >= 258 {
            self.copy_258(unit.len() as u32);
            written += 258;
        }
        for position in written..total {
            self.literal(unit[(position % unit.len() as u64) as usize]);
        }
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.code(0, 7); // end of block
        if self.count > 0 {
            self.put(0, 8 - self.count);
        }
        self.out
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// A zip member: name, then either stored bytes or a deflate stream with its inflated
/// size (its CRC is left 0: a refused part is never read to its end).
enum Member {
    Stored(&'static str, Vec<u8>),
    Deflated(&'static str, Vec<u8>, u64),
}

fn zip(members: &[Member]) -> Vec<u8> {
    let mut file = Vec::new();
    let mut directory = Vec::new();
    for member in members {
        let (name, method, crc, data, size) = match member {
            Member::Stored(name, data) => (*name, 0u16, crc32(data), data, data.len() as u64),
            Member::Deflated(name, data, size) => (*name, 8u16, 0, data, *size),
        };
        let offset = file.len() as u32;
        let header = |signature: u32, central: bool| {
            let mut bytes = signature.to_le_bytes().to_vec();
            if central {
                bytes.extend(20u16.to_le_bytes());
            }
            for value in [20u16, 0, method, 0, 0x21] {
                bytes.extend(value.to_le_bytes());
            }
            bytes.extend(crc.to_le_bytes());
            bytes.extend((data.len() as u32).to_le_bytes());
            bytes.extend(u32::try_from(size).unwrap().to_le_bytes());
            bytes.extend((name.len() as u16).to_le_bytes());
            bytes.extend(0u16.to_le_bytes());
            if central {
                for value in [0u16, 0, 0] {
                    bytes.extend(value.to_le_bytes());
                }
                bytes.extend(0u32.to_le_bytes());
                bytes.extend(offset.to_le_bytes());
            }
            bytes.extend(name.as_bytes());
            bytes
        };
        file.extend(header(0x0403_4b50, false));
        file.extend(data);
        directory.extend(header(0x0201_4b50, true));
    }
    let start = file.len() as u32;
    file.extend(&directory);
    file.extend(0x0605_4b50u32.to_le_bytes());
    for value in [0u16, 0, members.len() as u16, members.len() as u16] {
        file.extend(value.to_le_bytes());
    }
    file.extend((directory.len() as u32).to_le_bytes());
    file.extend(start.to_le_bytes());
    file.extend(0u16.to_le_bytes());
    file
}

const MAIN: &str = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";

/// A one-sheet workbook whose parts are `sheet` and `styles` as given, the rest minimal.
fn workbook(sheet: Member, styles: Option<Member>) -> Vec<u8> {
    let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut members = vec![
        Member::Stored(
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        Member::Stored(
            "_rels/.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).into_bytes(),
        ),
        Member::Stored(
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0"?><workbook {MAIN} xmlns:r="{relationships}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#).into_bytes(),
        ),
        Member::Stored(
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#).into_bytes(),
        ),
        sheet,
    ];
    members.extend(styles);
    zip(&members)
}

pub(crate) const GIB: u64 = 1024 * 1024 * 1024;

/// A sheet part whose one cell inflates to `text` bytes of one text (2 GiB are 14 MB on
/// disk), its size declared by its header as `declared`.
fn text_bomb(text: u64, declared: Option<u64>) -> Vec<u8> {
    let head = format!(
        r#"<?xml version="1.0"?><worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#
    );
    let tail = "</t></is></c></row></sheetData></worksheet>";
    let mut deflate = Deflate::new();
    deflate.bytes(head.as_bytes());
    deflate.repeat(b"A", text);
    deflate.bytes(tail.as_bytes());
    let size = head.len() as u64 + text + tail.len() as u64;
    let bytes = workbook(
        Member::Deflated(
            "xl/worksheets/sheet1.xml",
            deflate.finish(),
            declared.unwrap_or(size),
        ),
        None,
    );
    assert!(bytes.len() < 16_000_000, "{} bytes", bytes.len());
    bytes
}

#[test]
fn a_workbook_whose_sheet_of_empty_rows_inflates_to_gigabytes_is_refused_at_once() {
    under_limit::strict();
    // A few MB of empty rows that inflate to 2.4 GB: read to the end, it took 19 s and
    // handed over 16 million blank rows without a word.
    let head = format!(r#"<?xml version="1.0"?><worksheet {MAIN}><sheetData>"#);
    let tail = "</sheetData></worksheet>";
    let total = 2_400_000_000u64;
    let mut deflate = Deflate::new();
    deflate.bytes(head.as_bytes());
    deflate.repeat(b"<row><c/></row>", total);
    deflate.bytes(tail.as_bytes());
    let size = head.len() as u64 + total + tail.len() as u64;
    let bytes = workbook(
        Member::Deflated("xl/worksheets/sheet1.xml", deflate.finish(), size),
        None,
    );
    let fixture = Fixture::new();
    let bomb = fixture.write("empty-rows.xlsx", &bytes);
    let started = std::time::Instant::now();
    refused_file(
        &bomb,
        &["a sheet of millions of empty rows", "`inflation_ratio`"],
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_workbook_whose_one_cell_inflates_to_two_gigabytes_is_refused_in_little_memory() {
    // calamine's XML reader holds a token whole: the process aborted before the limits.
    // Its header says what it inflates to, far past 100 times its size: refused at once.
    let fixture = Fixture::new();
    let bomb = fixture.write("bomb.xlsx", text_bomb(2 * GIB, None));
    let started = std::time::Instant::now();
    let (_run_fixture, run) = refused_file(
        &bomb,
        &[
            "the sheet part `xl/worksheets/sheet1.xml` once decompressed",
            "is 2147483842 bytes",
            "`inflation_ratio`",
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    eprintln!("text bomb refused; peak {} KiB", run.peak_kb);
    // A header that lies about the size: the zip reader stops at the declared size, and
    // the file is refused as corrupt.
    let fixture = Fixture::new();
    let liar = fixture.write("liar.xlsx", text_bomb(2 * GIB, Some(4096)));
    let (_run_fixture, run) = refused_file(
        &liar,
        &["File is larger than its declared uncompressed size"],
    );
    eprintln!("lying text bomb refused; peak {} KiB", run.peak_kb);
    // Under the inflation floor, a 64 MiB text in one cell is still refused: calamine
    // would hold it whole.
    let fixture = Fixture::new();
    let token = fixture.write("token.xlsx", text_bomb(64 << 20, None));
    refused_file(
        &token,
        &[
            "an XML token",
            "`xl/worksheets/sheet1.xml`",
            "over the limit of 16777216 bytes",
        ],
    );
}

#[test]
fn a_workbook_part_that_inflates_past_a_gigabyte_is_refused_before_calamine() {
    // Styles made of a small tag repeated: no long token, but 1.1 GiB once inflated, and
    // calamine reads the styles whole.
    let mut unit = b"<x a=\"".to_vec();
    unit.extend(std::iter::repeat_n(b'a', 1012));
    unit.extend(b"\"/>");
    assert_eq!(unit.len(), 1021);
    let mut deflate = Deflate::new();
    deflate.repeat(&unit, GIB + GIB / 10);
    let sheet = format!(
        r#"<?xml version="1.0"?><worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>account_id</t></is></c></row></sheetData></worksheet>"#
    );
    let bytes = workbook(
        Member::Stored("xl/worksheets/sheet1.xml", sheet.into_bytes()),
        Some(Member::Deflated(
            "xl/styles.xml",
            deflate.finish(),
            GIB + GIB / 10,
        )),
    );
    assert!(bytes.len() < 16_000_000, "{} bytes", bytes.len());
    let fixture = Fixture::new();
    let bomb = fixture.write("styles-bomb.xlsx", &bytes);
    let (_run_fixture, run) = refused_file(
        &bomb,
        &[
            "the part `xl/styles.xml` once decompressed is 1073741825 bytes",
            "over the limit of 1073741824 bytes",
        ],
    );
    eprintln!("part bomb refused; peak {} KiB", run.peak_kb);
}

#[test]
fn a_shared_string_table_declaring_four_billion_strings_is_refused() {
    refused_file(
        &corpus("shared-strings-count.xlsx"),
        &["declared count (4294967295 strings"],
    );
}

#[test]
fn an_xls_whose_header_declares_every_sector_is_a_rejected_file() {
    refused_file(
        &corpus("max-fat-counts.xls"),
        &["cannot read the workbook", "Cfb error"],
    );
}

#[test]
fn a_parquet_file_cut_off_is_a_rejected_file() {
    refused_file(
        &corpus("truncated.parquet"),
        &[
            "not a readable Parquet file",
            "does not end with the Parquet magic bytes PAR1",
        ],
    );
}

#[test]
fn a_parquet_file_with_a_bad_magic_is_a_rejected_file() {
    refused_file(
        &corpus("bad-magic.parquet"),
        &[
            "not a readable Parquet file",
            "does not start with the Parquet magic bytes PAR1",
        ],
    );
}

#[test]
fn a_parquet_file_whose_footer_is_garbage_is_a_rejected_file() {
    refused_file(
        &corpus("bad-footer.parquet"),
        &["not a readable Parquet file"],
    );
}

#[test]
fn a_parquet_footer_claiming_four_gigabytes_of_metadata_is_refused_before_it_is_read() {
    refused_file(
        &corpus("huge-metadata.parquet"),
        &["4294967280 bytes", "parquet_metadata_size"],
    );
}

#[test]
fn a_parquet_file_matching_no_layout_is_rejected_like_any_unrecognised_table() {
    let hostile = corpus("wrong-schema.parquet");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    // The header row with the reason, then its two rows pointing at it.
    let about = run.about(&hostile);
    assert_eq!(about.len(), 3, "{about:#?}");
    assert!(
        about
            .iter()
            .all(|finding| finding["type"] == "rejected_row")
    );
    let header = about
        .iter()
        .find(|finding| finding["evidence"]["location"]["row"] == 1)
        .unwrap();
    let detail = header["detail"].as_str().unwrap();
    assert!(
        detail.contains("none of the columns any format requires"),
        "{detail}"
    );
    assert_eq!(run.installment()["expected"], "2000.00");
    assert!(
        run.peak_kb < REFUSAL_RSS_KB,
        "peak memory {} KiB",
        run.peak_kb
    );
}

#[test]
fn a_2_kb_xlsx_declaring_the_whole_grid_streams_its_rows_in_little_memory() {
    // <dimension ref="A1:XFD1048576"/>, a header and one bill row, and a cell at
    // XFD1048576: read cell by cell, the grid between is never allocated.
    let hostile = corpus("huge-dimension.xlsx");
    assert!(std::fs::metadata(&hostile).unwrap().len() < 2048);
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    // The far cell is past the widest row read (1,024 columns): its row is rejected,
    // naming the cell, never dropped.
    let about = run.about(&hostile);
    assert_eq!(about.len(), 1, "{about:#?}");
    assert_eq!(about[0]["reason"], "row", "{about:#?}");
    assert_eq!(
        about[0]["evidence"]["location"]["row"], 1048576,
        "{about:#?}"
    );
    assert!(
        about[0]["detail"]
            .as_str()
            .unwrap()
            .contains("cell XFD1048576 (column 16384) holds a value"),
        "{about:#?}"
    );
    // Its row counts: 20% of 10,500.00, of which 2,000.00 paid.
    assert_eq!(run.installment()["weighted_base"], "10500.00");
    assert_eq!(run.installment()["status"], "underpaid");
    let control = run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["file"] == hostile.display().to_string())
        .cloned()
        .unwrap();
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["rejected"]["rows"], 1);
    assert_eq!(control["blank_rows"], 0);
    assert_eq!(control["balanced"], true);
    assert!(run.peak_kb < REFUSAL_RSS_KB, "peak {} KiB", run.peak_kb);
}

#[test]
fn a_sparse_three_gigabyte_file_of_zero_bytes_named_csv_is_refused_from_its_first_bytes() {
    under_limit::strict();
    // It aborted the process: zero bytes are no text, and the file is refused before a
    // line of it is looked for.
    let fixture = Fixture::new();
    let zeros = fixture.path("zeros.csv");
    std::fs::File::create(&zeros)
        .unwrap()
        .set_len(3 * GIB)
        .unwrap();
    let started = std::time::Instant::now();
    refused_file(&zeros, &["binary data, not text"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}
