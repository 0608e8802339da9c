//! Output safety.

use super::*;

const EVIL_CONTRACT: &str = "=HYPERLINK(\"http://evil.example/?x=1\",\"click\")";
const EVIL_PAYOUT: &str = "+cmd|' /C calc'!A0";
const EVIL_CUSTOMER: &str = "<script>alert('x')</script>";

/// A run with a hostile contract id, customer and payout id: the contract is underpaid
/// (finding with contract_id = the formula), and a payout with a hostile id names an
/// unknown contract (finding with payout_id = the command).
fn hostile_names_run(fixture: &Fixture) -> Run {
    let contracts = Book::default()
        .contract(contract(EVIL_CONTRACT).set("customer", EVIL_CUSTOMER))
        .tier(EVIL_CONTRACT, "0", "", "20%")
        .write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", EVIL_CONTRACT, "2025-02-15", "1900.00"),
            (EVIL_PAYOUT, "@SUM(A1:A9)", "2025-02-15", "5.00"),
        ]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    run
}

fn read_findings_csv(run: &Run) -> Vec<csv::StringRecord> {
    let bytes = run.read("findings.csv");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "findings.csv starts with a BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn formula_like_names_are_neutralised_in_findings_csv() {
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let json = run.json();
    // The JSON keeps the raw values.
    let underpaid = only(&run, "underpaid");
    assert_eq!(underpaid["contract_id"], EVIL_CONTRACT);
    assert_eq!(underpaid["difference"], "-100.00");
    let unmatched = only(&run, "unmatched_payout");
    assert_eq!(unmatched["payout_id"], EVIL_PAYOUT);

    let records = read_findings_csv(&run);
    let header: Vec<&str> = records[0].iter().collect();
    let column = |name: &str| header.iter().position(|column| *column == name).unwrap();
    assert_eq!(
        records.len() - 1,
        json["findings"].as_array().unwrap().len(),
        "one CSV row per finding"
    );
    let row_of = |finding_type: &str| {
        records
            .iter()
            .find(|record| &record[column("type")] == finding_type)
            .unwrap()
            .clone()
    };
    assert_eq!(
        &row_of("underpaid")[column("contract_id")],
        format!("'{EVIL_CONTRACT}")
    );
    assert_eq!(&row_of("underpaid")[column("difference")], "-100.00");
    assert_eq!(
        &row_of("unmatched_payout")[column("payout_id")],
        format!("'{EVIL_PAYOUT}")
    );
    // No text field anywhere may start a formula (money like -100.00 is a number).
    for record in &records[1..] {
        for field in record.iter() {
            assert!(
                !field.starts_with(['=', '+', '@', '\t', '\r']),
                "unneutralised field `{field}` in {record:?}"
            );
        }
    }
}

#[test]
fn script_in_a_name_is_escaped_in_summary_html() {
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let html = String::from_utf8(run.read("summary.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "the customer name appears escaped"
    );
    assert!(
        !html.contains("<script>alert"),
        "raw <script> in summary.html"
    );
    assert!(
        !html.contains(EVIL_CONTRACT),
        "raw quotes of the contract id in summary.html"
    );
}

#[test]
fn findings_xlsx_opens_and_has_one_row_per_finding() {
    use calamine::{Data, Reader};
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let findings = run.findings();
    assert!(findings.len() >= 2);
    let mut workbook = calamine::open_workbook_auto(run.out.join("findings.xlsx")).unwrap();
    let sheets = workbook.sheet_names();
    assert_eq!(sheets, vec!["findings".to_string()]);
    let range = workbook.worksheet_range("findings").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(
        rows.len() - 1,
        findings.len(),
        "header + one row per finding"
    );
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    let column = |name: &str| header.iter().position(|column| column == name).unwrap();
    for (row, finding) in rows[1..].iter().zip(&findings) {
        assert_eq!(
            row[column("id")].to_string(),
            finding["id"].as_str().unwrap()
        );
        assert_eq!(
            row[column("type")].to_string(),
            finding["type"].as_str().unwrap()
        );
    }
    let underpaid = rows[1..]
        .iter()
        .find(|row| row[column("type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        underpaid[column("contract_id")].to_string(),
        format!("'{EVIL_CONTRACT}")
    );
    assert_eq!(underpaid[column("difference")], Data::Float(-100.0));
    assert_eq!(underpaid[column("days_late")], Data::Float(30.0));
    let unmatched = rows[1..]
        .iter()
        .find(|row| row[column("type")] == Data::String("unmatched_payout".into()))
        .unwrap();
    assert_eq!(
        unmatched[column("payout_id")].to_string(),
        format!("'{EVIL_PAYOUT}")
    );
}
