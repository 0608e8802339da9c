//! The bodies of the fuzz targets, as plain functions of the input bytes.
//!
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` call them under libFuzzer (nightly), and
//! `tests/it/fuzz_regressions.rs` runs the very same functions on stable Rust over the seed
//! corpus in `tests/fixtures/fuzz/<target>/` and a deterministic mutation loop (this file
//! is compiled into that test with `#[path]`). A body returns normally for every input the
//! auditor handles well, including every input it rejects with a clear error; it panics on
//! a bug:
//!
//! - any panic, even one `table::read_file` catches and reports as
//!   [`TableError::Crashed`]: [`install_panic_hook`] records every panic (and under
//!   libFuzzer aborts on it, before the catch), and the bodies check for `Crashed` too, so a
//!   caught panic is a failure either way — except the few panics inside dependencies
//!   listed in [`KNOWN_UPSTREAM_PANICS`], which the project cannot fix and the reader
//!   contains (they end as a per-file `Crashed` error);
//! - a broken invariant the readers promise (a row before its table, a field of a CSV
//!   record that is not a slice of its text at character boundaries, row numbers going
//!   back within a CSV table, the billing fast path disagreeing with the full parser, a
//!   parsed amount that does not read back as itself, …).
//!
//! It uses only crates the main package depends on (`rebate_audit`, `zip`, `csv`, `chrono`,
//! `rust_decimal`, and `tempfile` from its dev-dependencies), so it compiles in both crates.

use rebate_audit::compute::{installments, rebate};
use rebate_audit::domain::contract::{Contract, TierMode};
use rebate_audit::domain::currency::normalize_currency;
use rebate_audit::domain::location::Location;
use rebate_audit::domain::money::{self, Rounding};
use rebate_audit::domain::number::decimal_from_f64;
use rebate_audit::domain::settlement as periods;
use rebate_audit::ingest::billing::{BillingReader, BillingSink, Recognised};
use rebate_audit::ingest::cell::Cell;
use rebate_audit::ingest::table::{self, Limits, TableError, TableVisitor};
use rebate_audit::ingest::value::{self, DateOrder, Portion};
use rebate_audit::ingest::{contracts, header};
use rebate_audit::ruleset::Rulesets;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once, OnceLock};

/// One fuzz target: its name (the cargo-fuzz binary and the corpus folder) and its body.
pub struct Target {
    /// `fuzz/fuzz_targets/<name>.rs` and `tests/fixtures/fuzz/<name>/`.
    pub name: &'static str,
    /// The body: returns on every handled input, panics on a bug.
    pub body: fn(&[u8]),
}

/// Every target, in the order the stable loop runs them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "csv_reader",
        body: csv_reader,
    },
    Target {
        name: "spreadsheet_reader",
        body: spreadsheet_reader,
    },
    Target {
        name: "spreadsheet_raw",
        body: spreadsheet_raw,
    },
    Target {
        name: "value_parsers",
        body: value_parsers,
    },
    Target {
        name: "contract_loader",
        body: contract_loader,
    },
];

// ---------------------------------------------------------------------------------------
// Panics
// ---------------------------------------------------------------------------------------

/// A panic inside a dependency, found by fuzzing, that the project cannot fix in its own
/// code: `table::read_file` catches it and reports the file as `Crashed` (a per-file
/// error; the audit goes on). Matched by the crate's source folder, the file and the start
/// of the message. Each has a regression input named `upstream-*` in the corpus, which
/// must keep hitting it: when an upgrade fixes it, the stable loop says so and the entry
/// goes. (`attempt to … with overflow` panics need overflow checks: debug builds and
/// cargo-fuzz's default build; a release build wraps silently instead. Their corpus files
/// say `overflow` in their names.)
#[derive(Debug)]
pub struct KnownPanic {
    /// The crate's folder name as it starts in the registry (`calamine-`).
    pub krate: &'static str,
    /// The source file inside the crate.
    pub file: &'static str,
    /// How the panic message starts.
    pub message: &'static str,
    /// What goes wrong, for the report.
    pub what: &'static str,
}

/// See [`KnownPanic`]; docs/FUZZING.md has the inputs and what upstream would change.
/// Empty: no input is known to reach a panic in a dependency.
pub const KNOWN_UPSTREAM_PANICS: &[KnownPanic] = &[
    // The `.xls` panics calamine 0.38 has on corrupt compound files and BIFF records (a
    // sector past the end of a truncated file, a FAT sector cut short, a sheet offset past
    // the stream, DIMENSIONS and MULRK records ending before they start) no longer reach
    // calamine: `table::read_file` replays its reading first and refuses such a file
    // (src/ingest/table/xls.rs). Nor do the `.xlsx` ones: calamine's `get_row_column`
    // (xlsx/mod.rs) accumulates `<row r="7954393784">` or `<c r="A99999999999">` in a u32
    // unchecked (multiply and add overflow), and `get_dimension` subtracts a used area's
    // first cell from its last; `table::read_file` checks every such reference while it
    // measures the parts, and refuses the file (src/ingest/table/cell_references.rs). Their inputs
    // are `regression-*` files now.
];

/// One panic seen by the hook of [`install_panic_hook`].
#[derive(Debug, Clone)]
pub struct PanicRecord {
    /// The source file it happened in.
    pub file: String,
    /// The line.
    pub line: u32,
    /// The panic message.
    pub message: String,
}

impl PanicRecord {
    /// The entry of [`KNOWN_UPSTREAM_PANICS`] this panic is, if any.
    pub fn known_upstream(&self) -> Option<&'static KnownPanic> {
        let file = self.file.replace('\\', "/");
        KNOWN_UPSTREAM_PANICS.iter().find(|known| {
            file.contains(&format!("/{}", known.krate))
                && file.ends_with(known.file)
                && self.message.starts_with(known.message)
        })
    }
}

impl std::fmt::Display for PanicRecord {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "panicked at {}:{}: {}",
            self.file, self.line, self.message
        )
    }
}

thread_local! {
    /// Every panic on this thread since the body began.
    static PANICS: RefCell<Vec<PanicRecord>> = const { RefCell::new(Vec::new()) };
}

/// Installs (once per process) a panic hook that records every panic on the panicking
/// thread, then lets the previous hook print it. With `abort`, as under libFuzzer, a panic
/// that is not a known upstream one aborts the process right there, before any
/// `catch_unwind` (so a panic `read_file` would contain is still a crash); with
/// `REBATE_FUZZ_STRICT=1` in the environment known upstream panics abort too.
pub fn install_panic_hook(abort: bool) {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let strict = std::env::var_os("REBATE_FUZZ_STRICT").is_some_and(|value| value == "1");
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let (file, line) = info
                .location()
                .map_or((String::new(), 0), |at| (at.file().to_string(), at.line()));
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|text| (*text).to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let record = PanicRecord {
                file,
                line,
                message,
            };
            let known = record.known_upstream().is_some();
            let _ = PANICS.try_with(|panics| panics.borrow_mut().push(record));
            if abort && (strict || !known) {
                // libFuzzer's own hook prints and aborts.
                previous(info);
                std::process::abort();
            }
            if !known {
                previous(info);
            }
        }));
    });
}

/// The panics recorded on this thread since the body began, taken.
pub fn take_panics() -> Vec<PanicRecord> {
    PANICS.with(|panics| std::mem::take(&mut *panics.borrow_mut()))
}

/// True when this body has panicked, and only in known upstream places.
fn only_known_panics() -> bool {
    PANICS.with(|panics| {
        let panics = panics.borrow();
        !panics.is_empty() && panics.iter().all(|panic| panic.known_upstream().is_some())
    })
}

/// Starts a body: forgets the panics of earlier inputs.
fn begin() {
    PANICS.with(|panics| panics.borrow_mut().clear());
}

// ---------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------

/// The built-in rulesets, loaded once per process.
fn rulesets() -> &'static Rulesets {
    static RULESETS: OnceLock<Rulesets> = OnceLock::new();
    RULESETS.get_or_init(|| Rulesets::load(None).expect("the built-in rulesets load"))
}

thread_local! {
    /// A scratch folder per thread: the readers take paths, so every input is written to a
    /// file first. Reused across inputs (one file name per use) to keep each run cheap.
    static SCRATCH: tempfile::TempDir = tempfile::tempdir().expect("a scratch folder");
}

/// `bytes` written to `name` in this thread's scratch folder.
fn scratch_file(name: &str, bytes: &[u8]) -> PathBuf {
    SCRATCH.with(|folder| {
        let path = folder.path().join(name);
        std::fs::write(&path, bytes).expect("the scratch file is written");
        path
    })
}

/// A fresh, empty folder `name` in this thread's scratch folder.
fn scratch_folder(name: &str) -> PathBuf {
    SCRATCH.with(|folder| {
        let path = folder.path().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the scratch folder is made");
        path
    })
}

/// Panics when a reader caught a panic: it is still a bug, only a contained one — unless
/// every panic so far is a known upstream one.
fn assert_not_crashed(what: &str, result: &Result<table::FileDigest, TableError>) {
    if let Err(error @ TableError::Crashed { .. }) = result {
        let known = only_known_panics();
        assert!(known, "{what}: the reader panicked and caught it: {error}");
    }
}

/// Splits `bytes` at every occurrence of `separator`.
fn split_on<'a>(bytes: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest
        .windows(separator.len())
        .position(|window| window == separator)
    {
        parts.push(&rest[..at]);
        rest = &rest[at + separator.len()..];
    }
    parts.push(rest);
    parts
}

/// A zip archive of `(name, bytes)` members.
fn zip_of(members: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        writer
            .start_file(*name, options)
            .expect("a zip member starts");
        writer.write_all(bytes).expect("a zip member is written");
    }
    writer
        .finish()
        .expect("the zip archive is written")
        .into_inner()
}

/// A visitor that looks at everything it is handed and checks the reader's promises.
struct Recorder {
    /// CSV tables: row numbers must go up strictly within a table.
    ordered: bool,
    tables: usize,
    rows: usize,
    unreadable: usize,
    records: u64,
    in_table: bool,
    last_row: usize,
}

impl Recorder {
    fn new(ordered: bool) -> Self {
        Recorder {
            ordered,
            tables: 0,
            rows: 0,
            unreadable: 0,
            records: 0,
            in_table: false,
            last_row: 0,
        }
    }

    fn numbered(&mut self, number: usize, what: &str) {
        assert!(self.in_table, "{what} {number} before any table began");
        assert!(number >= 1, "{what} numbered 0; rows count from 1");
        if self.ordered {
            assert!(
                number > self.last_row,
                "{what} {number} after row {}: CSV row numbers must go up",
                self.last_row
            );
        }
        self.last_row = number;
    }
}

impl TableVisitor for Recorder {
    fn begin_table(&mut self, table: &Location) {
        let _ = table.to_string();
        self.tables += 1;
        self.in_table = true;
        self.last_row = 0;
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.numbered(number, "row");
        for cell in cells {
            let _ = (cell.to_text(), cell.to_string(), cell.is_empty());
        }
        let _ = header::is_blank(cells);
        self.rows += 1;
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        self.numbered(number, "unreadable row");
        assert!(!why.is_empty(), "an unreadable row without a reason");
        self.unreadable += 1;
    }

    fn record(&mut self, number: usize, fields: &table::Fields<'_>) -> bool {
        for index in 0..fields.len() {
            let field = fields.get(index).unwrap_or_else(|| {
                panic!("field {index} is not a slice of the record's text at character boundaries")
            });
            let _ = field.len();
        }
        assert!(
            fields.get(fields.len()).is_none(),
            "a field past the last one"
        );
        self.records += 1;
        // Take every other record, so both the record path and the row path run.
        let take = self.records.is_multiple_of(2);
        if take {
            self.numbered(number, "record");
            self.rows += 1;
        }
        take
    }
}

/// Reads `bytes` as the file `name` with a [`Recorder`].
fn read_recorded(name: &str, bytes: &[u8], ordered: bool) -> Recorder {
    let path = scratch_file(name, bytes);
    let mut recorder = Recorder::new(ordered);
    let result = table::read_file(&path, Arc::from(name), &mut recorder, &Limits::DEFAULT);
    assert_not_crashed(name, &result);
    if let Ok(digest) = &result {
        assert_eq!(
            digest.bytes,
            bytes.len() as u64,
            "{name}: the digest's size"
        );
        assert_eq!(digest.sha256.len(), 64, "{name}: the digest's hash");
    }
    recorder
}

// ---------------------------------------------------------------------------------------
// csv_reader
// ---------------------------------------------------------------------------------------

/// Everything a billing sink is told, as text, to compare two readings.
#[derive(Default)]
struct SinkLog(Vec<String>);

impl BillingSink for SinkLog {
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
        self.0.push(format!(
            "table {table} {:?}",
            recognised.map(|found| (&found.ruleset.name, found.header_row, &found.columns))
        ));
    }
    fn line(&mut self, row: usize, line: rebate_audit::domain::billing::BillingLine<'_>) {
        let _ = line.effective_date();
        self.0.push(format!("line {row} {line:?}"));
    }
    fn reject(
        &mut self,
        location: Location,
        reason: rebate_audit::domain::expected::RowReason,
        net_amount: Option<Decimal>,
    ) {
        self.0
            .push(format!("reject {location} {reason} {net_amount:?}"));
    }
    fn blank(&mut self, row: usize) {
        self.0.push(format!("blank {row}"));
    }
    fn above_header(&mut self, row: usize) {
        self.0.push(format!("above {row}"));
    }
    fn totals(&mut self, row: usize, net_amount: Option<Decimal>) {
        self.0.push(format!("totals {row} {net_amount:?}"));
    }
}

/// Hands a visitor rows only: the CSV record fast path is declined, so every row takes
/// the full parser.
struct RowsOnly<'v, V>(&'v mut V);

impl<V: TableVisitor> TableVisitor for RowsOnly<'_, V> {
    fn begin_table(&mut self, table: &Location) {
        self.0.begin_table(table);
    }
    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.0.row(number, cells);
    }
    fn unreadable_row(&mut self, number: usize, why: String) {
        self.0.unreadable_row(number, why);
    }
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        self.0.cut_off_row(number, cells);
    }
}

/// The billing reader's account of `path`: with its CSV fast path, or rows only.
fn billing_log(path: &Path, name: &str, fast: bool) -> Vec<String> {
    let layouts: Vec<_> = rulesets().billing_layouts().collect();
    let mut reader = BillingReader::new(layouts, SinkLog::default());
    let result = if fast {
        table::read_file(path, Arc::from(name), &mut reader, &Limits::DEFAULT)
    } else {
        table::read_file(
            path,
            Arc::from(name),
            &mut RowsOnly(&mut reader),
            &Limits::DEFAULT,
        )
    };
    assert_not_crashed(name, &result);
    let mut log = reader.into_sink().0;
    log.push(format!("result {:?}", result.map(|digest| digest.encoding)));
    log
}

/// `csv_reader`: the bytes as a CSV file (`.csv` and `.tsv`), as the only member of a zip
/// archive (stored, and deflated), and through the billing reader with and without its
/// CSV fast path — which must agree line for line.
pub fn csv_reader(data: &[u8]) {
    begin();
    let csv = read_recorded("fuzz.csv", data, true);
    read_recorded("fuzz.tsv", data, true);
    for deflate in [false, true] {
        let archive = zip_of(&[("part_1.csv", data)], deflate);
        let zipped = read_recorded("fuzz.zip", &archive, true);
        // A file is told by its bytes: on its own, bytes that are no text (binary, or
        // another format's signature) are refused whole, with no table; a zip member is
        // taken by its name. Text reads alike both ways.
        if csv.tables > 0 {
            assert_eq!(
                (zipped.rows, zipped.unreadable),
                (csv.rows, csv.unreadable),
                "a CSV reads alike on its own and inside a zip archive"
            );
        }
    }
    let path = scratch_file("bill.csv", data);
    let fast = billing_log(&path, "bill.csv", true);
    let full = billing_log(&path, "bill.csv", false);
    if fast != full {
        let at = fast
            .iter()
            .zip(&full)
            .position(|(one, other)| one != other)
            .unwrap_or(fast.len().min(full.len()));
        panic!(
            "the billing fast path disagrees with the full parser at entry {at}:\nfast: {:?}\nfull: {:?}",
            fast.get(at),
            full.get(at)
        );
    }
}

// ---------------------------------------------------------------------------------------
// spreadsheet_reader (structure-aware) and spreadsheet_raw
// ---------------------------------------------------------------------------------------

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
/// Styles when the input gives none: general, a built-in date, a Chinese custom date and a
/// percentage, as `s="0"` … `s="3"`.
const DEFAULT_STYLES: &str = r#"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="10" xfId="0" applyNumberFormat="1"/></cellXfs>"#;
const DEFAULT_SHEETS: &str =
    r#"<sheet name="bill" sheetId="1" r:id="rId1"/><sheet name="two" sheetId="2" r:id="rId2"/>"#;

/// How [`xlsx_from_fragments`] reads the first byte of its input.
pub mod flags {
    /// The first fragment is the whole `sheet1.xml` (else it goes inside `<sheetData>`).
    pub const SHEET_WHOLE: u8 = 1;
    /// The second fragment is the whole `sharedStrings.xml` (else it goes inside `<sst>`).
    pub const STRINGS_WHOLE: u8 = 2;
    /// The third fragment is the whole `workbook.xml` (else it goes inside `<sheets>`).
    pub const WORKBOOK_WHOLE: u8 = 4;
    /// The fourth fragment is the whole `styles.xml` (else it goes inside `<styleSheet>`).
    pub const STYLES_WHOLE: u8 = 8;
    /// Parts are deflated (else stored).
    pub const DEFLATE: u8 = 16;
    /// No `sharedStrings.xml` part.
    pub const NO_STRINGS: u8 = 32;
    /// No `styles.xml` part.
    pub const NO_STYLES: u8 = 64;
    /// The wrapped workbook uses the 1904 date system.
    pub const DATE_1904: u8 = 128;
}

/// Builds a valid XLSX container from the input: the first byte is [`flags`], the rest
/// NUL-separated fragments — sheet1 XML, shared strings XML, workbook `<sheets>` XML,
/// styles XML, sheet2 XML — each either wrapped in its part's boilerplate or, by its flag,
/// the whole part. Random bytes rarely make a zip with a valid central directory and
/// CRCs; built this way every input reaches calamine's XML parsing.
pub fn xlsx_from_fragments(data: &[u8]) -> Vec<u8> {
    let (flags, rest) = match data.split_first() {
        Some((flags, rest)) => (*flags, rest),
        None => (0, &[][..]),
    };
    let fragments = split_on(rest, b"\0");
    let fragment = |index: usize| -> String {
        String::from_utf8_lossy(fragments.get(index).copied().unwrap_or_default()).into_owned()
    };
    let wrapped = |flag: u8, whole: String, wrap: &dyn Fn(String) -> String| {
        if flags & flag != 0 {
            whole
        } else {
            wrap(whole)
        }
    };
    let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
    let sheet = |body: String| {
        format!(
            r#"{xml}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetData>{body}</sheetData></worksheet>"#
        )
    };
    let sheet1 = wrapped(flags::SHEET_WHOLE, fragment(0), &sheet);
    let sheet2 = sheet(fragment(4));
    let strings = wrapped(flags::STRINGS_WHOLE, fragment(1), &|body| {
        format!(r#"{xml}<sst xmlns="{MAIN_NS}">{body}</sst>"#)
    });
    let date_1904 = if flags & flags::DATE_1904 != 0 {
        r#"<workbookPr date1904="1"/>"#
    } else {
        ""
    };
    let workbook = wrapped(flags::WORKBOOK_WHOLE, fragment(2), &|body| {
        let body = if body.is_empty() {
            DEFAULT_SHEETS.to_string()
        } else {
            body
        };
        format!(
            r#"{xml}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{date_1904}<sheets>{body}</sheets></workbook>"#
        )
    });
    let styles = wrapped(flags::STYLES_WHOLE, fragment(3), &|body| {
        let body = if body.is_empty() {
            DEFAULT_STYLES.to_string()
        } else {
            body
        };
        format!(r#"{xml}<styleSheet xmlns="{MAIN_NS}">{body}</styleSheet>"#)
    });
    let root_rels = format!(
        r#"{xml}<Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook_rels = format!(
        r#"{xml}<Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" Type="{DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_REL}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId4" Type="{DOC_REL}/styles" Target="styles.xml"/></Relationships>"#
    );
    let mut members: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
        ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
    ];
    if flags & flags::NO_STRINGS == 0 {
        members.push(("xl/sharedStrings.xml", strings.as_bytes()));
    }
    if flags & flags::NO_STYLES == 0 {
        members.push(("xl/styles.xml", styles.as_bytes()));
    }
    zip_of(&members, flags & flags::DEFLATE != 0)
}

/// The bytes as file `name`, read as typed (merged areas filled, formulas without a value
/// reported: how contract workbooks and ledgers are read); it must not crash either.
fn read_as_typed(name: &str, bytes: &[u8]) {
    let path = scratch_file(name, bytes);
    let mut recorder = Recorder::new(false);
    let result = table::read_file_with(
        &path,
        Arc::from(name),
        &mut recorder,
        &Limits::DEFAULT,
        table::ReadOptions::AS_TYPED,
    );
    assert_not_crashed(name, &result);
}

/// `spreadsheet_reader`: an XLSX built from fuzzer-chosen XML fragments
/// ([`xlsx_from_fragments`]), read as `.xlsx`, as stored and as typed.
pub fn spreadsheet_reader(data: &[u8]) {
    begin();
    let workbook = xlsx_from_fragments(data);
    read_recorded("fuzz.xlsx", &workbook, false);
    read_as_typed("fuzz.xlsx", &workbook);
}

/// `spreadsheet_raw`: the bytes as they are, read as `.xlsx`, `.xlsb`, `.xls` and `.ods`,
/// as stored and as typed.
pub fn spreadsheet_raw(data: &[u8]) {
    begin();
    for name in ["fuzz.xlsx", "fuzz.xlsb", "fuzz.xls", "fuzz.ods"] {
        read_recorded(name, data, false);
        read_as_typed(name, data);
    }
}

// ---------------------------------------------------------------------------------------
// value_parsers
// ---------------------------------------------------------------------------------------

const ORDERS: [DateOrder; 3] = [
    DateOrder::YearFirst,
    DateOrder::MonthFirst,
    DateOrder::DayFirst,
];

/// Amounts below this print with exactly two decimals (larger ones lose decimals to the
/// 96-bit mantissa; no bill comes near).
fn printable(amount: Decimal) -> bool {
    amount.abs() < Decimal::from_i128_with_scale(10_i128.pow(26), 0)
}

/// Money read from `cell` must read back as itself from its own text, and print with
/// exactly two decimals that read back as the rounded amount.
fn check_money(cell: &Cell) {
    let Ok(amount) = value::parse_money(cell) else {
        return;
    };
    let again = value::parse_money(&Cell::Text(amount.to_string()));
    assert_eq!(
        again,
        Ok(amount),
        "{cell}: money does not read back as itself"
    );
    assert_eq!(
        value::parse_optional_money(cell),
        Ok(Some(amount)),
        "{cell}: optional money"
    );
    for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
        let rounded = rounding.round(amount);
        if printable(amount) {
            assert_eq!(rounded.scale(), 2, "{cell}: rounded money has two decimals");
            assert!(
                (rounded - amount).abs() <= Decimal::new(5, 3),
                "{cell}: rounding moved {amount} to {rounded}"
            );
        }
    }
    let shown = money::format_money(amount);
    let grouped = money::format_money_grouped(amount);
    if printable(amount) {
        let decimals = shown.split_once('.').map(|(_, decimals)| decimals.len());
        assert_eq!(decimals, Some(2), "{cell}: `{shown}` has two decimals");
        let read = value::parse_money(&Cell::Text(shown.clone()));
        assert_eq!(
            read,
            Ok(Rounding::HalfUp.round(amount)),
            "{cell}: `{shown}` reads back as the rounded amount"
        );
        assert_eq!(
            value::parse_money(&Cell::Text(grouped.clone())),
            read,
            "{cell}: `{grouped}` reads like `{shown}`"
        );
    }
    // Overflow is an error, never a panic.
    for other in [Decimal::MAX, Decimal::MIN, amount, Decimal::new(1, 28)] {
        let _ = (
            money::add(amount, other),
            money::sub(amount, other),
            money::mul(amount, other),
        );
    }
}

/// Every parser on one cell, with every date order, and the promises they make to each
/// other: `parse_date_in` accepts every date `parse_date` does, `parse_month_in` every
/// month `parse_month` does, and a period reference agrees with both.
fn check_cell(cell: &Cell, shift: i64) {
    check_money(cell);
    let _ = value::parse_decimal(cell);
    let _ = value::parse_whole_number(cell);
    for allow_points in [false, true] {
        if let Ok(rate) = value::parse_rate(cell, allow_points) {
            assert!(
                !rate.is_sign_negative() || rate.is_zero(),
                "{cell}: rate {rate}"
            );
            let _ = money::format_rate(rate);
        }
    }
    match value::parse_portion(cell) {
        Ok(Portion::Percent(fraction)) => assert!(
            fraction > Decimal::ZERO && fraction <= Decimal::ONE,
            "{cell}: portion {fraction}"
        ),
        Ok(Portion::Points(points)) => assert!(points > Decimal::ZERO, "{cell}: points {points}"),
        Ok(Portion::Rest) | Err(_) => {}
    }
    let date = value::parse_date(cell);
    let _ = value::parse_optional_date(cell);
    let month = value::parse_month(cell);
    let period = value::parse_period_ref(cell);
    if let Ok(period) = period {
        let (first, last) = (period.first_day(), period.last_day());
        assert!(
            first <= last,
            "{cell}: period {period} ends before it starts"
        );
        let _ = period.to_string();
    }
    if let Ok(date) = date {
        assert_eq!(
            period,
            Ok(value::PeriodRef::Date(date)),
            "{cell}: a date is a date period"
        );
    }
    for order in ORDERS {
        let dated = value::parse_date_in(cell, order);
        if let Ok(date) = date {
            assert_eq!(
                dated,
                Ok(date),
                "{cell}: parse_date_in({order:?}) must accept what parse_date accepts"
            );
        }
        let _ = value::parse_optional_date_in(cell, order);
        for period_start in [false, true] {
            let in_order = value::parse_month_in(cell, order, period_start);
            if let (Ok(month), false) = (&month, period_start) {
                assert_eq!(
                    in_order,
                    Ok(*month),
                    "{cell}: parse_month_in({order:?}) must accept what parse_month accepts"
                );
            }
            if let Ok(month) = in_order {
                let (first, last) = (month.first_day(), month.last_day());
                assert!(first <= last, "{cell}: month {month}");
            }
        }
        if let Ok((month, seconds)) = value::parse_period_start(cell, order) {
            assert!(
                seconds.abs() <= 12 * 3600,
                "{cell}: a period start moves by at most 12 hours, not {seconds} s ({month})"
            );
        }
        for shift in [shift, 8 * 3600, -5 * 3600, i64::MAX, i64::MIN] {
            let _ = value::parse_optional_date_shifted(cell, order, shift);
        }
    }
}

fn word(bytes: &[u8], at: usize) -> u64 {
    let mut buffer = [0u8; 8];
    for (index, slot) in buffer.iter_mut().enumerate() {
        *slot = bytes.get(at + index).copied().unwrap_or(0);
    }
    u64::from_le_bytes(buffer)
}

/// `value_parsers`: the bytes as text, and as numbers (their bits as an `f64`, the text
/// read as a float, as an integer), as a date, a bool and an error cell, through every
/// parser of `ingest::value` with every date order, plus the money helpers and currency
/// codes. Invariants: see [`check_cell`] and [`check_money`].
pub fn value_parsers(data: &[u8]) {
    begin();
    let text = String::from_utf8_lossy(data).into_owned();
    let bits = f64::from_bits(word(data, 0));
    let shift = word(data, 8) as i64;
    let mut cells = vec![
        Cell::Text(text.clone()),
        Cell::Number(bits),
        Cell::Number(bits.trunc()),
        Cell::Number((word(data, 0) % 100_000_000) as f64),
        Cell::Empty,
        Cell::Bool(data.first().is_some_and(|byte| byte & 1 == 1)),
        Cell::Error(text.clone()),
    ];
    if let Ok(number) = text.trim().parse::<f64>() {
        cells.push(Cell::Number(number));
    }
    if let Some(date) =
        chrono::NaiveDate::from_num_days_from_ce_opt((word(data, 0) % 4_000_000) as i32)
    {
        cells.push(Cell::Date(date));
    }
    for cell in &cells {
        check_cell(cell, shift);
    }
    let _ = value::excel_serial_to_date(bits);
    if let Some(amount) = decimal_from_f64(bits) {
        assert!(bits.is_finite(), "{bits}: only finite floats are decimals");
        let _ = money::format_money(amount);
    }
    if let Some(code) = normalize_currency(&text) {
        assert_eq!(code.len(), 3, "`{text}`: currency `{code}`");
        assert!(code.bytes().all(|byte| byte.is_ascii_uppercase()));
    }
    let _ = money::group_thousands(&text);
}

// ---------------------------------------------------------------------------------------
// contract_loader
// ---------------------------------------------------------------------------------------

/// Separates the sheets in a `contract_loader` input.
pub const SHEET_SEPARATOR: &[u8] = b"\n====\n";
const SHEET_FILES: [&str; 4] = ["contracts.csv", "tiers.csv", "products.csv", "schedule.csv"];

/// Weighted bases the rebate arithmetic is run on: ordinary, negative, and near the 96-bit
/// limit (reliability research M1: overflow must be an error, never a panic).
fn bases() -> [Decimal; 10] {
    [
        Decimal::ZERO,
        Decimal::new(1, 2),
        Decimal::new(1_000_000, 2),
        Decimal::new(-25_050, 2),
        Decimal::new(99_999_995, 3),
        Decimal::new(123_456_789_012_345, 2),
        Decimal::MAX,
        Decimal::MIN,
        Decimal::MAX / Decimal::from(3),
        Decimal::new(1, 28),
    ]
}

/// The rebate arithmetic on a loaded contract with bases picked by `seed`: settlement
/// periods, segments, E_p with both roundings, installments. Errors (overflow) are fine.
fn compute(contract: &Contract, seed: u64) {
    // Every period of a long term is summed against every other (the work grows with the
    // square of the number of periods), so fuzzing stays on short terms.
    if contract.contract_years().len() > 3 {
        return;
    }
    let settlement = periods::settlement_periods(contract);
    let segments = periods::segments(contract, &settlement);
    let bases = bases();
    let segment_bases: Vec<Decimal> = (0..segments.len())
        .map(|index| bases[(seed as usize).wrapping_add(index * 7) % bases.len()])
        .collect();
    for mode in [TierMode::Retroactive, TierMode::Marginal] {
        for base in bases {
            let _ = contract.tiers.rebate(mode, base);
        }
    }
    for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
        let Ok(rebates) =
            rebate::period_rebates(contract, &settlement, &segments, &segment_bases, rounding)
        else {
            continue;
        };
        assert_eq!(rebates.len(), settlement.len(), "one rebate per period");
        for (period, rebate) in settlement.iter().zip(&rebates) {
            let _ = installments::split(
                contract,
                period.range.last,
                rebate.expected,
                rebate.weighted_base,
                rounding,
            );
        }
    }
}

/// `contract_loader`: the input is up to four CSV texts separated by
/// [`SHEET_SEPARATOR`] — `contracts.csv`, `tiers.csv`, `products.csv`, `schedule.csv`
/// (missing ones are not written) — loaded as a contract folder with the built-in
/// rulesets; every contract that loads then goes through the rebate arithmetic with
/// ordinary and extreme weighted bases.
pub fn contract_loader(data: &[u8]) {
    begin();
    let folder = scratch_folder("book");
    for (name, text) in SHEET_FILES.iter().zip(split_on(data, SHEET_SEPARATOR)) {
        std::fs::write(folder.join(name), text).expect("a sheet is written");
    }
    match contracts::load(&folder, rulesets(), &Limits::DEFAULT) {
        Ok(book) => {
            let seed = data.iter().fold(0u64, |hash, byte| {
                hash.wrapping_mul(31).wrapping_add(u64::from(*byte))
            });
            for contract in &book.contracts {
                assert!(contract.start <= contract.end, "{}: term", contract.id);
                assert!(!contract.accounts.is_empty(), "{}: accounts", contract.id);
                compute(contract, seed);
            }
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "an error without problems");
            let text = errors.to_string();
            let known = only_known_panics();
            assert!(
                known || !text.contains("crashed the reader"),
                "the reader panicked and caught it: {text}"
            );
        }
    }
}
