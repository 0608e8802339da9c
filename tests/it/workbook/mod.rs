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

mod baselines;
mod exact;
mod neutralised;
mod sheets;
