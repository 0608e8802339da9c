//! Data quality.

use super::*;

#[test]
fn a_bad_billing_row_is_rejected_with_its_location_and_counted() {
    let fixture = Fixture::new();
    // Row 3 (header = row 1) has `12,34.5x` in net_amount: not money.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "12,34.5x", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["severity"], "error");
    let location = &finding["evidence"]["location"];
    assert_eq!(location["file"], billing.display().to_string());
    assert_eq!(location["sheet"], Value::Null);
    assert_eq!(location["row"], 3);
    assert_eq!(location["column"], "net_amount");
    assert!(finding["detail"].as_str().unwrap().contains("12,34.5x"));
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["file"], billing.display().to_string());
    assert_eq!(control["format"], "generic");
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["attributed"]["rows"], 1);
    assert_eq!(control["attributed"]["amount"], "10000.00");
    assert_eq!(control["rejected"]["rows"], 1);
    assert_eq!(control["balanced"], true);
    // The good row still counts: the rebate is unchanged and paid.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
}

#[test]
fn spend_on_an_account_no_contract_covers_is_uncovered_billing() {
    let fixture = Fixture::new();
    // Z9: 300.00 + 200.00 in January 2025 → one finding of 500.00 (2 rows);
    // A1 in February is outside C1's term → uncovered too.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "ECS", "300.00", "CNY"),
            ("Z9", "2025-01", "OSS", "200.00", "CNY"),
            ("A1", "2025-02", "ECS", "70.00", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let uncovered = run.of_type("uncovered_billing");
    assert_eq!(uncovered.len(), 2, "{uncovered:#?}");
    let z9 = uncovered
        .iter()
        .find(|finding| finding["evidence"]["facts"]["account_id"] == "Z9")
        .expect("a Z9 finding");
    assert_eq!(z9["severity"], "info");
    assert_eq!(z9["amount"], "500.00");
    assert_eq!(z9["evidence"]["facts"]["billing_month"], "2025-01");
    assert_eq!(z9["evidence"]["facts"]["rows"], "2");
    let a1 = uncovered
        .iter()
        .find(|finding| finding["evidence"]["facts"]["account_id"] == "A1")
        .expect("an A1 finding for February");
    assert_eq!(a1["amount"], "70.00");
    assert_eq!(a1["evidence"]["facts"]["billing_month"], "2025-02");
    // Control totals: 4 rows, 10,570.00 read = 10,000.00 attributed + 570.00 excluded.
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "10570.00");
    assert_eq!(control["attributed"]["amount"], "10000.00");
    assert_eq!(control["balanced"], true);
}

#[test]
fn usd_billing_on_a_cny_contract_is_a_currency_mismatch_left_out_of_the_base() {
    let fixture = Fixture::new();
    // 1,000.00 USD on A1 is left out: W stays 10,000.00, E stays 2,000.00.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "1000.00", "USD"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "currency_mismatch");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["reason"], "billing");
    assert_eq!(finding["amount"], "1000.00");
    assert_eq!(finding["evidence"]["facts"]["expected"], "CNY");
    assert_eq!(finding["evidence"]["facts"]["found"], "USD");
    assert_eq!(run.installments()[0]["weighted_base"], "10000.00");
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.json()["controls"]["billing"][0]["balanced"], true);
}

#[test]
fn a_usd_payout_on_a_cny_contract_is_not_matched() {
    let fixture = Fixture::new();
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "currency"],
        &[&["P1", "C1", "2025-02-15", "2000.00", "USD"]],
    );
    // The USD payout is not matched, so as of 2025-04-01 C1 is unpaid:
    // 2,000.00 × 0.05% × 30 = 30.00.
    let run = fixture.standard_audit(&payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let mismatch = only(&run, "currency_mismatch");
    assert_eq!(mismatch["payout_id"], "P1");
    assert_eq!(mismatch["reason"], "payout");
    let unpaid = only(&run, "unpaid");
    assert_eq!(unpaid["paid"], "0.00");
    assert_eq!(unpaid["difference"], "-2000.00");
    assert_eq!(unpaid["interest"], "30.00");
}

#[test]
fn a_payout_naming_an_unknown_contract_is_unmatched_for_contract() {
    let fixture = Fixture::new();
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C404", "2025-02-20", "123.45"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["reason"], "contract");
    assert_eq!(finding["contract_id"], Value::Null);
    assert_eq!(finding["paid"], "123.45");
    assert_eq!(finding["paid_on"], "2025-02-20");
    assert_eq!(finding["evidence"]["location"]["row"], 3);
    assert_eq!(run.findings().len(), 1);
}

#[test]
fn a_payout_for_a_period_outside_the_contract_is_unmatched_for_period() {
    let fixture = Fixture::new();
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[
            &["P1", "C1", "2025-02-15", "2000.00", "2025-01"],
            &["P2", "C1", "2025-02-16", "300.00", "2026-01"],
        ],
    );
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["reason"], "period");
    assert_eq!(run.installments()[0]["status"], "paid");
    assert_eq!(run.installments()[0]["paid"], "2000.00");
}

#[test]
fn a_bad_payout_row_is_rejected_with_its_column() {
    let fixture = Fixture::new();
    // Row 3: 2025-02-30 is not a date.
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C1", "2025-02-30", "10.00"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["evidence"]["location"]["row"], 3);
    assert_eq!(finding["evidence"]["location"]["column"], "paid_on");
    let control = &run.json()["controls"]["payouts"][0];
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["used"]["rows"], 1);
    assert_eq!(control["rejected_rows"], 1);
    assert_eq!(control["balanced"], true);
}

#[test]
fn a_vat_invoice_contract_reports_a_cash_payout_without_invoice() {
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(
            contract("C1")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["payout_id"], "P1");
    assert_eq!(finding["reason"], "missing");
    assert_eq!(run.findings().len(), 1);
}
