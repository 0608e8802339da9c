//! The hostile-input limits through the real binary: the `[limits]` table of `audit.toml`
//! (a file read with the defaults is refused once a limit is lowered, with an error that
//! names the limit's key; a bad limit stops the run with exit 2 naming file, line and
//! key), a spreadsheet value past the last column read (its row rejected with its place,
//! never dropped; read once `sheet_columns` is raised), the sparse `.xls` calamine would
//! have built as a 16 GiB grid (refused under `ulimit -v`, in little memory), and a cell
//! reference calamine would overflow on (refused, naming it, without a panic).

use crate::common::{Book, Fixture, Run, assert_mentions, simple_payouts, standard_billing};
use crate::under_limit::{self, REFUSAL_RSS_KB};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The generic billing header.
const HEADER: [&str; 5] = [
    "account_id",
    "billing_month",
    "product",
    "net_amount",
    "currency",
];

/// The standard contracts (C1: account A1, 20%), the standard bill (10,000.00 in
/// January 2025) and a ledger paying `paid`, written into the fixture.
fn inputs(fixture: &Fixture, paid: &str) {
    Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    fixture.write("billing.csv", standard_billing());
    fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", paid)]),
    );
}

/// `audit.toml` in the fixture: the standard inputs, `bills` beside the standard bill,
/// and `more` appended (a `[limits]` table).
fn config(fixture: &Fixture, name: &str, bills: &[&str], more: &str) -> PathBuf {
    let billing: Vec<String> = std::iter::once("billing.csv")
        .chain(bills.iter().copied())
        .map(|bill| format!("\"{bill}\""))
        .collect();
    fixture.write(
        name,
        format!(
            "contracts = \"contracts\"\nbilling = [{}]\npayouts = \"payouts.csv\"\nas_of = \"2025-06-30\"\n{more}",
            billing.join(", ")
        ),
    )
}

fn run_config(fixture: &Fixture, out: &str, config: &Path) -> Run {
    fixture.run_into(out, &[&"run", &"--config", &config])
}

/// A generic bill as an `.xlsx`: the header, then `(net amount, extra cells)` rows for
/// account A1 in January 2025; each extra cell is `(0-based column, text)`.
fn xlsx_bill(path: &Path, rows: &[(f64, &[(u16, &str)])], header_extra: &[(u16, &str)]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, name) in HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *name).unwrap();
    }
    for (column, text) in header_extra {
        sheet.write_string(0, *column, *text).unwrap();
    }
    for (index, (amount, extra)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        sheet.write_string(row, 0, "A1").unwrap();
        sheet.write_string(row, 1, "2025-01").unwrap();
        sheet.write_string(row, 2, "ECS").unwrap();
        sheet.write_number(row, 3, *amount).unwrap();
        sheet.write_string(row, 4, "CNY").unwrap();
        for (column, text) in *extra {
            sheet.write_string(row, *column, *text).unwrap();
        }
    }
    workbook.save(path).unwrap();
}

/// The findings about `file` (by the name the config gives it, relative to its folder).
fn about(run: &Run, file: &str) -> Vec<Value> {
    run.findings()
        .into_iter()
        .filter(|finding| {
            finding["evidence"]["location"]["file"]
                .as_str()
                .is_some_and(|path| path.ends_with(file))
        })
        .collect()
}

/// The billing control of `file`'s table.
fn control(run: &Run, file: &str) -> Value {
    run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| {
            control["file"]
                .as_str()
                .is_some_and(|path| path.ends_with(file))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no control for {file}: {:#}", run.json()["controls"]))
}

fn installment(run: &Run) -> Value {
    run.installments()[0].clone()
}

/// The one `rejected_row` finding about a whole file (reason `file`), its detail.
fn refusal(run: &Run, file: &str) -> String {
    let found = about(run, file);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["type"], "rejected_row");
    assert_eq!(found[0]["reason"], "file");
    found[0]["detail"].as_str().unwrap().to_string()
}

/// A zip archive holding `bytes` as `name`, deflated.
fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file(name, options).unwrap();
    std::io::Write::write_all(&mut writer, bytes).unwrap();
    writer.finish().unwrap().into_inner()
}

fn formats_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

#[test]
fn files_read_with_the_default_limits_are_refused_once_audit_toml_lowers_them() {
    let fixture = Fixture::new();
    // 10,000.00 + 600.00 in the workbook: 20% is 2,120.00, paid in full.
    inputs(&fixture, "2120.00");
    xlsx_bill(
        &fixture.path("bill.xlsx"),
        &[(100.0, &[]), (200.0, &[]), (300.0, &[])],
        &[],
    );
    std::fs::copy(formats_fixture("billing.xls"), fixture.path("old.xls")).unwrap();
    fixture.write(
        "parts.zip",
        zip_of("part_1.csv", standard_billing().as_bytes()),
    );
    let bills = ["bill.xlsx", "old.xls", "parts.zip"];

    // The defaults read all three.
    let defaults = config(&fixture, "defaults.toml", &bills, "");
    let run = run_config(&fixture, "out-defaults", &defaults);
    for bill in bills {
        assert!(
            about(&run, bill)
                .iter()
                .all(|finding| finding["reason"] != "file"),
            "{bill}: {:#?}",
            about(&run, bill)
        );
    }
    assert_eq!(control(&run, "bill.xlsx")["read"]["rows"], 3);
    assert_eq!(control(&run, "bill.xlsx")["attributed"]["amount"], "600.00");
    assert!(control(&run, "old.xls")["read"]["rows"].as_u64().unwrap() > 0);
    assert_eq!(control(&run, "parts.zip")["read"]["rows"], 1);

    // Lowered: each is refused as a whole, naming what was measured and the key.
    let lowered = config(
        &fixture,
        "lowered.toml",
        &bills,
        "\n[limits]\nsheet_cells = 12\nzip_member_size = \"64 B\"\n",
    );
    let run = run_config(&fixture, "out-lowered", &lowered);
    // As for any refused file: a rejected_row finding (error), exit 1, the rest audited.
    run.expect_status(1);
    // The sheet streams, so the limit is passed at its 13th cell: the row before it was
    // read and counts, and the message says so.
    let detail = refusal(&run, "bill.xlsx");
    assert!(
        detail.ends_with("bill.xlsx:Sheet1: the number of cells is 13 cells, over the limit of 12 cells (`sheet_cells` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted; the rows read before it are counted"),
        "{detail}"
    );
    assert_eq!(control(&run, "bill.xlsx")["attributed"]["amount"], "100.00");
    let detail = refusal(&run, "old.xls");
    assert!(
        detail.contains("old.xls:billing: the used area its"),
        "{detail}"
    );
    // The .xls is refused before calamine opens it: nothing of it is read.
    assert!(
        detail.ends_with("over the limit of 12 cells (`sheet_cells` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted"),
        "{detail}"
    );
    let detail = refusal(&run, "parts.zip");
    assert!(
        detail.contains(
            "parts.zip:part_1.csv: the member once decompressed is 65 bytes, over the limit of 64 bytes (`zip_member_size` in the [limits] table"
        ),
        "{detail}"
    );
    // The CSV bill and the workbook's first row count: 20% of 10,100.00 against 2,120.00.
    assert_eq!(installment(&run)["weighted_base"], "10100.00");
    assert_eq!(installment(&run)["status"], "overpaid");

    // A command-line run of the same inputs (no --config) keeps the defaults.
    let contracts = fixture.path("contracts");
    let billing = fixture.path("billing.csv");
    let xlsx = fixture.path("bill.xlsx");
    let payouts = fixture.path("payouts.csv");
    let run = fixture.run_into(
        "out-flags",
        &[
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &billing,
            &xlsx,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2025-06-30",
        ],
    );
    run.expect_status(0);
}

#[test]
fn byte_sizes_in_audit_toml_refuse_workbooks_past_them() {
    let fixture = Fixture::new();
    inputs(&fixture, "2000.00");
    xlsx_bill(&fixture.path("bill.xlsx"), &[(100.0, &[])], &[]);
    std::fs::copy(formats_fixture("billing.xls"), fixture.path("old.xls")).unwrap();
    let size = std::fs::metadata(fixture.path("bill.xlsx")).unwrap().len();
    let lowered = config(
        &fixture,
        "audit.toml",
        &["bill.xlsx", "old.xls"],
        "\n[limits]\nstreamed_workbook_size = \"1 KiB\"\nwhole_workbook_size = 4096\n",
    );
    let run = run_config(&fixture, "out", &lowered);
    run.expect_status(1);
    let detail = refusal(&run, "bill.xlsx");
    assert!(
        detail.ends_with(&format!("bill.xlsx: the file is {size} bytes, over the limit of 1024 bytes (1 KiB, `streamed_workbook_size` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted")),
        "{detail}"
    );
    let detail = refusal(&run, "old.xls");
    assert!(
        detail.contains(
            "over the limit of 4096 bytes (4 KiB, `whole_workbook_size` in the [limits] table"
        ),
        "{detail}"
    );
}

#[test]
fn a_bad_limit_stops_the_run_with_exit_2_naming_file_line_and_key() {
    let fixture = Fixture::new();
    inputs(&fixture, "2000.00");
    for (limits, says) in [
        (
            "[limits]\nsheet_cells = 1000\nsheet_columns = 0\n",
            "audit.toml:8: limits.sheet_columns: expected a whole number of columns, from 1 to 16384 (Excel's last column, XFD), found `0`",
        ),
        (
            "[limits]\n\nwhole_workbook_size = \"256 megabytes\"\n",
            "audit.toml:8: limits.whole_workbook_size: expected a size: a whole number of bytes, or a text such as \"256 MiB\"",
        ),
        (
            "[limits]\nmax_columns = 2048\n",
            "audit.toml:7: limits.max_columns: unknown key (did you mean `limits.sheet_columns`?)",
        ),
        (
            "[limits]\nsheet_cells = \"many\"\n",
            "audit.toml:7: limits.sheet_cells: expected a whole number of cells, from 1 to 17179869184 (Excel's whole grid), found the text \"many\"",
        ),
    ] {
        let file = config(&fixture, "audit.toml", &[], &format!("\n{limits}"));
        let run = run_config(&fixture, "out", &file);
        assert_eq!(run.status, Some(2), "{limits}\n{}", run.stderr);
        assert_mentions(&run.stderr, &[says]);
        assert!(
            run.stderr.contains(&file.display().to_string()),
            "{}",
            run.stderr
        );
        assert!(!fixture.path("out").exists(), "nothing is written");
    }
}

/// A cell past column 1,024 is neither dropped nor read blank: its row is rejected with
/// its place (file, sheet, row, the cell) and what was expected, and counted as rejected.
#[test]
fn a_value_past_the_last_column_read_rejects_its_row_and_is_read_once_the_limit_is_raised() {
    let fixture = Fixture::new();
    inputs(&fixture, "2000.00");
    // Row 3 has a stray note in column 1,100 (APH).
    xlsx_bill(
        &fixture.path("stray.xlsx"),
        &[(100.0, &[]), (200.0, &[(1099, "see e-mail")]), (300.0, &[])],
        &[],
    );
    // A layout whose last column (a remark) is column 1,100: header and rows.
    xlsx_bill(
        &fixture.path("wide.xlsx"),
        &[(40.0, &[(1099, "ok")]), (60.0, &[])],
        &[(1099, "remark")],
    );
    let defaults = config(&fixture, "defaults.toml", &["stray.xlsx", "wide.xlsx"], "");
    let run = run_config(&fixture, "out-defaults", &defaults);
    run.expect_status(1);
    let stray = about(&run, "stray.xlsx");
    assert_eq!(stray.len(), 1, "{stray:#?}");
    assert_eq!(stray[0]["type"], "rejected_row");
    let location = &stray[0]["evidence"]["location"];
    assert_eq!(
        (&location["sheet"], &location["row"]),
        (&Value::from("Sheet1"), &Value::from(3))
    );
    let detail = stray[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("stray.xlsx:Sheet1:3")
            && detail.contains("cell APH3 (column 1100) holds a value, but rows are read only up to column AMJ (1024 columns, `sheet_columns` in the [limits] table of the --config file, at most 16384): the row is rejected rather than read without it"),
        "{detail}"
    );
    // Counted: three rows read, two attributed (400.00), one rejected; balanced.
    let counted = control(&run, "stray.xlsx");
    assert_eq!(counted["read"]["rows"], 3);
    assert_eq!(counted["attributed"]["amount"], "400.00");
    assert_eq!(counted["rejected"]["rows"], 1);
    assert_eq!(counted["blank_rows"], 0);
    assert_eq!(counted["balanced"], true);
    // The wide layout's header row is rejected the same way, naming its cell.
    let wide = about(&run, "wide.xlsx");
    assert!(
        wide.iter().any(|finding| finding["detail"]
            .as_str()
            .unwrap()
            .contains("cell APH1 (column 1100) holds a value")),
        "{wide:#?}"
    );
    assert_eq!(installment(&run)["weighted_base"], "10400.00");

    // Raised to Excel's last column: every cell is read. The wide layout reads whole;
    // the stray note now sits past its header's last column, which the bill's own rule
    // rejects as a shifted row.
    let raised = config(
        &fixture,
        "raised.toml",
        &["stray.xlsx", "wide.xlsx"],
        "\n[limits]\nsheet_columns = 16384\n",
    );
    let run = run_config(&fixture, "out-raised", &raised);
    assert!(
        about(&run, "wide.xlsx").is_empty(),
        "{:#?}",
        about(&run, "wide.xlsx")
    );
    let read = control(&run, "wide.xlsx");
    assert_eq!(
        (
            read["read"]["rows"].clone(),
            read["attributed"]["amount"].clone()
        ),
        (Value::from(2), Value::from("100.00"))
    );
    let stray = about(&run, "stray.xlsx");
    assert_eq!(stray.len(), 1, "{stray:#?}");
    let detail = stray[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("the row has a value in column 1100, past the header's 5 columns"),
        "{detail}"
    );
    assert_eq!(installment(&run)["weighted_base"], "10500.00");
}

// ---------------------------------------------------------------------------------------
// Under an address-space limit (tests/limited/under_limit.rs)
// ---------------------------------------------------------------------------------------

/// One run of the binary under `ulimit -v`: status, stderr, peak memory in KiB.
fn run_limited(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (i32, String, u64) {
    under_limit::run(args.iter().map(|arg| arg.as_ref()))
}

#[test]
fn the_sparse_xls_calamine_built_as_a_16_gib_grid_is_refused_in_little_memory() {
    // 13 KB, found by libFuzzer: calamine 0.38 asked for 17,475,341,056 bytes when it
    // opened it, and the process aborted (exit 134) under any memory limit.
    let sparse = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz/spreadsheet_raw/regression-xls-sparse-16gib.xls");
    let fixture = Fixture::new();
    inputs(&fixture, "2000.00");
    let contracts = fixture.path("contracts");
    let billing = fixture.path("billing.csv");
    let payouts = fixture.path("payouts.csv");
    let out = fixture.path("out");
    let (status, stderr, peak_kb) = run_limited(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &sparse,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2025-06-30",
        &"--out",
        &out,
    ]);
    assert_eq!(status, 1, "{stderr}");
    assert!(!stderr.contains("memory allocation"), "{stderr}");
    let findings: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    let about: Vec<&Value> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["evidence"]["location"]["file"] == sparse.display().to_string())
        .collect();
    assert_eq!(about.len(), 1, "{about:#?}");
    let detail = about[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(":products: the used area its cell records span (47624 rows × 11467 columns, A1 to PYA47624), which calamine would build whole is 546104408 cells, over the limit of 50000000 cells (`sheet_cells`"),
        "{detail}"
    );
    // The good bill is audited as if alone: 20% of 10,000.00, paid.
    assert_eq!(findings["expected"][0]["status"], "paid");
    assert!(peak_kb < REFUSAL_RSS_KB, "peak memory {peak_kb} KiB");
    // `inspect` says the same, with exit 2 (the file cannot be read).
    let (status, stderr, _) = run_limited(&[&"inspect", &sparse]);
    assert_eq!(status, 2, "{stderr}");
    assert_mentions(
        &stderr,
        &["546104408 cells, over the limit of 50000000 cells"],
    );
}

// ---------------------------------------------------------------------------------------
// Panics inside calamine: contained to their file, and the known ones never reached
// ---------------------------------------------------------------------------------------

#[test]
fn no_profile_aborts_on_panic() {
    // `table::read_file` turns a panic inside calamine into a per-file error with
    // `catch_unwind`, which only works when panics unwind.
    const { assert!(cfg!(panic = "unwind")) };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    if let Some(profiles) = manifest.get("profile").and_then(toml::Value::as_table) {
        for (name, profile) in profiles {
            assert_ne!(
                profile.get("panic").and_then(toml::Value::as_str),
                Some("abort"),
                "[profile.{name}] sets panic = \"abort\": calamine's panics would end the whole audit"
            );
        }
    }
    for config in [".cargo/config.toml", ".cargo/config"] {
        if let Ok(text) = std::fs::read_to_string(root.join(config)) {
            assert!(!text.contains("panic=abort"), "{config} sets panic=abort");
        }
    }
}

/// A minimal `.xlsx` whose one sheet is `sheet_data` (the inside of `<sheetData>`).
fn xlsx_with_sheet_data(sheet_data: &str) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELATIONSHIPS: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>"#),
        ),
    ];
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        writer.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut writer, text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn a_cell_reference_calamine_would_overflow_on_refuses_its_file_without_a_panic() {
    // calamine 0.38 reads `<c r="A99999999999">` and `<row r="7954393784">` into a u32
    // unchecked: with overflow checks (this test build) that panicked inside calamine, and
    // a release build silently wrapped the row. The reader now checks every reference
    // before calamine reads the sheet (src/ingest/table/cell_references.rs) and refuses the file,
    // naming sheet, part and reference, in every build and without a panic.
    let cell = |column: &str, text: &str| {
        format!(r#"<c r="{column}1" t="inlineStr"><is><t>{text}</t></is></c>"#)
    };
    let header: String = ["A", "B", "C", "D", "E"]
        .iter()
        .zip(HEADER)
        .map(|(column, name)| cell(column, name))
        .collect();
    let bill_row = |row: &str, reference: &str| {
        format!(
            r#"<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>A1</t></is></c><c t="inlineStr"><is><t>2025-01</t></is></c><c t="inlineStr"><is><t>ECS</t></is></c><c><v>100</v></c><c t="inlineStr"><is><t>CNY</t></is></c></row>"#
        )
    };
    let fixture = Fixture::new();
    inputs(&fixture, "2000.00");
    let broken_cell = fixture.write(
        "cell.xlsx",
        xlsx_with_sheet_data(&format!(
            r#"<row r="1">{header}</row>{}"#,
            bill_row("2", "A99999999999")
        )),
    );
    let broken_row = fixture.write(
        "row.xlsx",
        xlsx_with_sheet_data(&format!(
            r#"<row r="1">{header}</row>{}"#,
            bill_row("7954393784", "A7954393784")
        )),
    );
    let contracts = fixture.path("contracts");
    let billing = fixture.path("billing.csv");
    let payouts = fixture.path("payouts.csv");
    let out = fixture.path("out");
    let (status, stderr, _) = run_limited(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &broken_cell,
        &broken_row,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2025-06-30",
        &"--out",
        &out,
    ]);
    // As for any refused file: a rejected_row finding (an error), exit 1, the rest audited.
    assert_eq!(status, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let findings: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    for (file, reference, what) in [
        (
            "cell.xlsx",
            "<c r=\"A99999999999\">",
            "a cell of a worksheet (expected column letters from A to XFD, then a row number from 1 to 1048576)",
        ),
        (
            "row.xlsx",
            "<row r=\"7954393784\">",
            "a row number of a worksheet (expected a row number from 1 to 1048576)",
        ),
    ] {
        let refused: Vec<&Value> = findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| {
                finding["evidence"]["location"]["file"]
                    .as_str()
                    .is_some_and(|path| path.ends_with(file))
            })
            .collect();
        assert_eq!(refused.len(), 1, "{refused:#?}");
        assert_eq!(
            (&refused[0]["type"], &refused[0]["reason"]),
            (&Value::from("rejected_row"), &Value::from("file"))
        );
        let detail = refused[0]["detail"].as_str().unwrap();
        assert!(
            detail.ends_with(&format!(
                "{file}:Sheet1: cannot read the workbook: its part `xl/worksheets/sheet1.xml` has {reference}, which is not {what}: the file is corrupt; save it again from Excel"
            )),
            "{detail}"
        );
    }
    // Nothing of either is read; the good bill is audited as if alone.
    assert_eq!(findings["expected"][0]["weighted_base"], "10000.00");
    // `inspect` says the same, with exit 2 (the file cannot be read), and no panic.
    let (status, stderr, _) = run_limited(&[&"inspect", &broken_cell]);
    assert_eq!(status, 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_mentions(
        &stderr,
        &["has <c r=\"A99999999999\">, which is not a cell of a worksheet"],
    );
}

#[test]
fn an_800_byte_ods_repeating_one_row_a_million_times_is_refused_in_little_memory() {
    // calamine expands `number-rows-repeated` and `number-columns-repeated` into a dense
    // grid when it opens an .ods: this file asked for gigabytes and the process aborted
    // (signal 6) under a 2 GB address-space limit.
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">
<table:table-row><table:table-cell office:value-type="string"><text:p>account_id</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer.start_file("mimetype", stored).unwrap();
    std::io::Write::write_all(
        &mut writer,
        b"application/vnd.oasis.opendocument.spreadsheet",
    )
    .unwrap();
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("content.xml", deflated).unwrap();
    std::io::Write::write_all(&mut writer, content.as_bytes()).unwrap();
    let bytes = writer.finish().unwrap().into_inner();
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    let fixture = Fixture::new();
    let bomb = fixture.path("bomb.ods");
    std::fs::write(&bomb, &bytes).unwrap();
    let (status, stderr, peak_kb) = run_limited(&[&"inspect", &bomb]);
    assert_eq!(status, 2, "{stderr}");
    assert_mentions(
        &stderr,
        &[
            "bomb.ods: the grid its tables would become (repeated rows and cells expanded up to the last value) is 90000090 cells, over the limit of 50000000 cells (`sheet_cells`",
        ],
    );
    assert!(peak_kb < REFUSAL_RSS_KB, "peak memory {peak_kb} KiB");
}
