//! Hidden and unrecognised billing sheets.

use super::*;

#[test]
fn a_hidden_billing_sheet_is_not_read() {
    // Visible `bill`: A1 10,000.00 → W 10,000.00, E 2,000.00 (paid).
    // Hidden `extra`: A1 5,000.00 and Z9 777.00 — neither counts (no uncovered Z9 either);
    // the sheet itself is reported once, as a rejected_row with reason hidden_sheet.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "extra",
                true,
                GENERIC_HEADER,
                vec![
                    bill_row("A1", "2025-01", "ECS", 5000.0, "CNY"),
                    bill_row("Z9", "2025-01", "ECS", 777.0, "CNY"),
                ],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["reason"], "hidden_sheet");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "10000.00");
    assert_eq!(record["expected"], "2000.00");
    let controls = run.json()["controls"]["billing"].clone();
    assert_eq!(controls.as_array().unwrap().len(), 1, "{controls:#}");
    assert_eq!(controls[0]["sheet"], "bill");
    assert_eq!(controls[0]["read"]["rows"], 1);
    assert_eq!(controls[0]["read"]["amount"], "10000.00");
}

#[test]
fn a_hidden_billing_sheet_is_listed_in_the_reports() {
    // docs/DECISIONS.md: "hidden sheets are skipped and listed". docs/ARITHMETIC.md: every input row
    // is accounted for. The hidden sheet's name should appear in findings.json or the
    // summary so a reader knows rows were left out.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "secret_extra",
                true,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 5000.0, "CNY")],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    let json = String::from_utf8(run.read("findings.json")).unwrap();
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(
        json.contains("secret_extra") && summary.contains("secret_extra"),
        "the hidden sheet is listed nowhere"
    );
    let hidden: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|finding| finding["reason"] == "hidden_sheet")
        .collect();
    assert_eq!(hidden.len(), 1, "{:#?}", run.findings());
    assert_eq!(hidden[0]["type"], "rejected_row");
    assert_eq!(hidden[0]["evidence"]["location"]["sheet"], "secret_extra");
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("billing.xlsx"))
        .cloned()
        .unwrap();
    assert_eq!(input["hidden_sheets"][0], "secret_extra");
}

#[test]
fn a_notes_sheet_whose_header_matches_no_layout_is_rejected_row_by_row() {
    // `bill` is read as usual (W 10,000.00, E 2,000.00, paid). `notes` has the header
    // `note, author` and two rows: its header row (row 1) and both rows (2, 3) are
    // rejected → 3 rejected_row findings, and its control counts 3 rows read = 3 rejected.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "notes",
                false,
                &["note", "author"],
                vec![
                    vec!["check the RDS line".into(), "bob".into()],
                    vec!["ask the agent for the invoice".into(), "alice".into()],
                ],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let rejected = run.of_type("rejected_row");
    assert_eq!(rejected.len(), 3, "{:#?}", run.findings());
    let mut rows: Vec<i64> = rejected
        .iter()
        .map(|finding| {
            let location = &finding["evidence"]["location"];
            assert_eq!(location["file"], text(&billing));
            assert_eq!(location["sheet"], "notes");
            assert_eq!(finding["severity"], "error");
            location["row"].as_i64().unwrap()
        })
        .collect();
    rows.sort();
    assert_eq!(rows, vec![1, 2, 3]);
    assert_eq!(run.findings().len(), 3);
    let controls = run.json()["controls"]["billing"].clone();
    assert_eq!(controls.as_array().unwrap().len(), 2, "{controls:#}");
    let bill = &controls[0];
    assert_eq!(bill["sheet"], "bill");
    assert_eq!(bill["format"], "generic");
    assert_eq!(bill["attributed"]["rows"], 1);
    assert_eq!(bill["attributed"]["amount"], "10000.00");
    let notes = &controls[1];
    assert_eq!(notes["sheet"], "notes");
    assert_eq!(notes["format"], Value::Null);
    assert_eq!(notes["read"]["rows"], 3);
    assert_eq!(notes["rejected"]["rows"], 3);
    assert_eq!(notes["attributed"]["rows"], 0);
    assert_eq!(notes["balanced"], true);
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
}
