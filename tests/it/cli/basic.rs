//! The basic audit.

use super::*;

#[test]
fn a_correct_payout_on_time_is_a_clean_audit() {
    let fixture = Fixture::new();
    // E = 2,000.00 due 2025-03-02; 2,000.00 arrives on 2025-02-15.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let json = run.json();
    assert_eq!(json["schema"], "rebate-audit/findings/v1");
    assert_eq!(json["as_of"], "2025-06-30");
    let installments = run.installments();
    assert_eq!(installments.len(), 1);
    let installment = &installments[0];
    assert_eq!(installment["contract_id"], "C1");
    assert_eq!(installment["period_start"], "2025-01-01");
    assert_eq!(installment["period_end"], "2025-01-31");
    assert_eq!(installment["installment"], 1);
    assert_eq!(installment["trigger"], "settlement");
    assert_eq!(installment["weighted_base"], "10000.00");
    assert_eq!(installment["expected"], "2000.00");
    assert_eq!(installment["due_on"], "2025-03-02");
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    // Every report is written.
    for name in [
        "findings.json",
        "findings.csv",
        "findings.xlsx",
        "summary.md",
        "summary.html",
        "evidence/C1.md",
    ] {
        assert!(run.out.join(name).is_file(), "{name} is missing");
    }
    // One of anything is singular (issue 16).
    assert!(
        run.stdout
            .contains("1 contract, 1 installment, 0 findings (0 errors, 0 warnings, 0 info)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_payout_100_short_after_the_deadline_is_underpaid_with_interest() {
    let fixture = Fixture::new();
    // E = 2,000.00 due 2025-03-02 (no grace); only 1,900.00 arrived.
    // As of 2025-04-01: days_late = 2025-04-01 − 2025-03-02 = 30;
    // interest = shortfall 100.00 × 0.05% × 30 = 1.50.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "1900.00")]),
        "2025-04-01",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["underpaid"]);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], "2025-01-01");
    assert_eq!(finding["period_end"], "2025-01-31");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "1900.00");
    assert_eq!(finding["difference"], "-100.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "1.50");
    assert!(finding["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(
        finding["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty())
    );
    assert_eq!(run.installments()[0]["status"], "underpaid");
    let totals = &run.json()["totals"];
    assert_eq!(totals["shortfall"], "100.00");
    assert_eq!(totals["interest"], "1.50");
}

#[test]
fn a_shortfall_before_the_deadline_is_open_not_a_finding() {
    let fixture = Fixture::new();
    // Same 100.00 shortfall, but as of 2025-03-02 the deadline has not passed.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "1900.00")]),
        "2025-03-02",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    assert_eq!(run.installments()[0]["status"], "open");
}

#[test]
fn a_payout_in_full_after_the_deadline_is_late_with_interest() {
    let fixture = Fixture::new();
    // 2,000.00 arrives 2025-03-12, 10 days after the due date 2025-03-02:
    // interest = 2,000.00 × 0.05% × 10 = 10.00.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-03-12", "2000.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "late");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["days_late"], 10);
    assert_eq!(finding["interest"], "10.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "0.00");
    assert_eq!(finding["paid_on"], "2025-03-12");
}
