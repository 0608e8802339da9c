//! Late payment with period references.

use super::*;

#[test]
fn late_interest_counts_only_the_allocations_paid_after_the_deadline() {
    // Standard contract with 3 grace days: E = 2,000.00 due 2025-03-02, deadline 2025-03-05.
    // Three payouts, each naming January in another form:
    //   P1 1,000.00 on 2025-03-04 (`2025-01`)    — after due, within grace: no interest;
    //   P2   600.00 on 2025-03-07 (`2025-Q1`)    — 5 days after due: 600 × 0.05% × 5 = 1.50;
    //   P3   400.00 on 2025-03-22 (`2025-01-15`) — 20 days: 400 × 0.05% × 20 = 4.00.
    // Completed on 2025-03-22 > deadline → late, days_late 20, interest 1.50 + 4.00 = 5.50
    // (not 2,000.00 × 0.05% × 20 = 20.00).
    let book = Book::default()
        .contract(contract("C1").set("grace_days", "3"))
        .tier("C1", "0", "", "20%");
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[
            &["P1", "C1", "2025-03-04", "1000.00", "2025-01"],
            &["P2", "C1", "2025-03-07", "600.00", "2025-Q1"],
            &["P3", "C1", "2025-03-22", "400.00", "2025-01-15"],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &payouts,
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["late"]);
    let finding = only(&run, "late");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "0.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["paid_on"], "2025-03-22");
    assert_eq!(finding["days_late"], 20);
    assert_eq!(finding["interest"], "5.50");
    let allocations = finding["evidence"]["allocations"].as_array().unwrap();
    let mut allocated: Vec<(String, String)> = allocations
        .iter()
        .map(|allocation| {
            (
                allocation["payout_id"].as_str().unwrap().to_string(),
                allocation["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    allocated.sort();
    assert_eq!(
        allocated,
        vec![
            ("P1".to_string(), "1000.00".to_string()),
            ("P2".to_string(), "600.00".to_string()),
            ("P3".to_string(), "400.00".to_string()),
        ]
    );
    assert_eq!(run.json()["totals"]["interest"], "5.50");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["status"], "late");
}

#[test]
fn an_underpaid_period_payout_accrues_interest_on_the_shortfall_from_the_due_date() {
    // Standard contract: E = 2,000.00 due 2025-03-02, no grace. One payout for `2025-01`:
    // 1,500.00 on 2025-03-20. As of 2025-04-01: underpaid, shortfall 500.00,
    // days_late = 2025-04-01 − 2025-03-02 = 30, interest = 500.00 × 0.05% × 30 = 7.50;
    // paid_on is the latest payment allocated to it, 2025-03-20.
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[&["P1", "C1", "2025-03-20", "1500.00", "2025-01"]],
    );
    let fixture = Fixture::new();
    let run = fixture.standard_audit(&payouts, "2025-04-01", &[]);
    run.expect_status(1);
    assert_eq!(run.types(), vec!["underpaid"]);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["paid"], "1500.00");
    assert_eq!(finding["difference"], "-500.00");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "7.50");
    assert_eq!(finding["paid_on"], "2025-03-20");
}
