//! Duplicate payouts through the binary (docs/ARITHMETIC.md, "Duplicate payouts"): real
//! `.xlsx` ledgers, the standard contract C1 (2,000.00 due for January 2025).

use crate::common::*;
use std::path::PathBuf;

const HEADER: [&str; 8] = [
    "payout_id",
    "contract_id",
    "paid_on",
    "amount",
    "period",
    "installment",
    "kind",
    "reference",
];

/// A ledger workbook `<name>` with sheet `到账` and one row per payout (every cell text).
fn ledger(fixture: &Fixture, name: &str, rows: &[[&str; 8]]) -> PathBuf {
    use rust_xlsxwriter::Workbook;
    let path = fixture.path(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("到账").unwrap();
    for (column, header) in HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    for (index, row) in rows.iter().enumerate() {
        for (column, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(index as u32 + 1, column as u16, *value)
                    .unwrap();
            }
        }
    }
    workbook.save(&path).unwrap();
    path
}

/// Audits the standard book (as a workbook) and bill with the ledgers in `ledgers/`.
fn audit(fixture: &Fixture, as_of: &str, extra: &[&str]) -> Run {
    let contracts = Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let ledgers = fixture.path("ledgers");
    fixture.audit(&contracts, &billing, &ledgers, as_of, extra)
}

#[test]
fn the_same_transfer_in_two_ledgers_is_a_duplicate_that_shows_as_an_overpayment() {
    let fixture = Fixture::new();
    let row = |id| [id, "C1", "2025-02-15", "2000.00", "", "", "", "RB-1"];
    ledger(&fixture, "ledgers/bank.xlsx", &[row("P1")]);
    ledger(&fixture, "ledgers/finance.xlsx", &[row("P9")]);
    let run = audit(&fixture, "2025-06-30", &[]);
    run.expect_status(1);
    let duplicate = only(&run, "duplicate_payout");
    assert_eq!(duplicate["payout_id"], "P9");
    assert_eq!(duplicate["reason"], "same_booking");
    assert_eq!(duplicate["severity"], "warning");
    assert_eq!(duplicate["amount"], "2000.00");
    let detail = duplicate["detail"].as_str().unwrap();
    for part in [
        "finance.xlsx:到账:2",
        "repeats payout P1",
        "bank.xlsx:到账:2",
        "shows as an overpayment of 2,000.00",
    ] {
        assert!(detail.contains(part), "{detail}");
    }
    // Matching is unchanged: both rows count, and the excess is still reported.
    assert_eq!(run.of_type("overpaid").len(), 1);
    let report = String::from_utf8(run.read("findings.csv")).unwrap();
    assert!(report.contains("duplicate_payout"), "{report}");
    assert!(report.contains("same_booking"), "{report}");
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(summary.contains("duplicate_payout"), "{summary}");
    let html = String::from_utf8(run.read("report.html")).unwrap();
    assert!(html.contains("repeats payout P1"));
}

#[test]
fn a_double_booking_that_hides_a_shortfall_says_so_in_both_languages() {
    let fixture = Fixture::new();
    let row = |id| [id, "C1", "2025-02-15", "1000.00", "", "", "", "RB-1"];
    ledger(&fixture, "ledgers/ledger.xlsx", &[row("P1"), row("P2")]);
    let run = audit(&fixture, "2025-06-30", &[]);
    // Counted twice, the installment looks paid: no underpaid finding…
    assert!(run.of_type("underpaid").is_empty());
    let duplicate = only(&run, "duplicate_payout");
    let detail = duplicate["detail"].as_str().unwrap();
    // …but without the second row it is short 1,000.00.
    assert!(
        detail.contains("hides a shortfall of 1,000.00")
            && detail.contains("is underpaid instead of paid"),
        "{detail}"
    );
    assert_eq!(duplicate["installment"], 1);
    assert_eq!(duplicate["period_start"], "2025-01-01");
    let zh = fixture.run_into(
        "zh",
        &[
            &"run",
            &"--contracts",
            &Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx"),
            &"--billing",
            &fixture.path("billing.csv"),
            &"--payouts",
            &fixture.path("ledgers"),
            &"--as-of",
            &"2025-06-30",
            &"--lang",
            &"zh",
        ],
    );
    let duplicate = only(&zh, "duplicate_payout");
    let detail = duplicate["detail"].as_str().unwrap();
    assert!(
        detail.contains("同一笔款项记了两次") && detail.contains("掩盖了"),
        "{detail}"
    );
}

#[test]
fn two_payments_of_one_amount_on_one_day_with_different_references_are_not_duplicates() {
    let fixture = Fixture::new();
    ledger(
        &fixture,
        "ledgers/ledger.xlsx",
        &[
            ["P1", "C1", "2025-02-15", "1000.00", "", "", "", "RB-1"],
            ["P2", "C1", "2025-02-15", "1000.00", "", "", "", "RB-2"],
        ],
    );
    let run = audit(&fixture, "2025-06-30", &[]);
    run.expect_status(0);
    assert!(run.of_type("duplicate_payout").is_empty());
}

#[test]
fn a_rebate_paid_in_cash_and_again_as_a_credit_or_an_offset_is_a_duplicate() {
    for (kind, reason) in [("credit", "credit_and_cash"), ("抵扣", "offset_and_cash")] {
        let fixture = Fixture::new();
        ledger(
            &fixture,
            "ledgers/ledger.xlsx",
            &[
                [
                    "P1",
                    "C1",
                    "2025-02-15",
                    "2000.00",
                    "2025-01",
                    "1",
                    "cash",
                    "",
                ],
                [
                    "P2",
                    "C1",
                    "2025-03-01",
                    "2000.00",
                    "2025-01",
                    "1",
                    kind,
                    "",
                ],
            ],
        );
        let run = audit(&fixture, "2025-06-30", &[]);
        let duplicate = only(&run, "duplicate_payout");
        assert_eq!(duplicate["payout_id"], "P2", "{kind}");
        assert_eq!(duplicate["reason"], reason);
        let detail = duplicate["detail"].as_str().unwrap();
        assert!(detail.contains("is paid instead of overpaid"), "{detail}");
    }
    // Split in halves between cash and a credit: exactly what is due, no duplicate.
    let fixture = Fixture::new();
    ledger(
        &fixture,
        "ledgers/ledger.xlsx",
        &[
            [
                "P1",
                "C1",
                "2025-02-15",
                "1000.00",
                "2025-01",
                "1",
                "cash",
                "",
            ],
            [
                "P2",
                "C1",
                "2025-02-15",
                "1000.00",
                "2025-01",
                "1",
                "credit",
                "",
            ],
        ],
    );
    let run = audit(&fixture, "2025-06-30", &[]);
    run.expect_status(0);
    assert!(run.of_type("duplicate_payout").is_empty());
}
