//! Clawback.

use super::*;

#[test]
fn a_refund_after_a_paid_quarter_is_a_clawback_never_unpaid() {
    // 2025 contract, contract_year basis, quarterly, 20%, due 30 days after quarter end.
    // Q1: 10,000.00 billed → Earned(2025-03-31) = 10,000 × 20% = 2,000.00 = E_Q1,
    //     due 2025-04-30, paid 2025-04-15.
    // Q2: a refund of −4,000.00 → year volume 6,000.00 → Earned(2025-06-30) = 1,200.00;
    //     E_Q2 = 1,200.00 − 2,000.00 = −800.00, due 2025-06-30 + 30 = 2025-07-30.
    // Q3, Q4: no lines → E = 0.00.
    // The clawback finding: expected −800.00, paid 0.00, difference 0.00 − (−800.00) = 800.00.
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-12-31")
                .set("tier_basis", "contract_year")
                .set("settlement", "quarterly"),
        )
        .tier("C1", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-04", "ECS", "-4000.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-04-15", "2000.00")]),
        "2026-06-30",
        &[],
    );
    // Info only: exit 0 at the default --fail-on warning.
    run.expect_status(0);
    assert_eq!(run.types(), vec!["clawback"]);
    let q1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(q1["weighted_base"], "10000.00");
    assert_eq!(q1["expected"], "2000.00");
    assert_eq!(q1["status"], "paid");
    let q2 = installment(&run, "C1", "2025-04-01", 1);
    assert_eq!(q2["period_end"], "2025-06-30");
    assert_eq!(q2["weighted_base"], "-4000.00");
    assert_eq!(q2["expected"], "-800.00");
    assert_eq!(q2["due_on"], "2025-07-30");
    assert_eq!(q2["paid"], "0.00");
    assert_eq!(q2["status"], "clawback");
    for start in ["2025-07-01", "2025-10-01"] {
        let record = installment(&run, "C1", start, 1);
        assert_eq!(record["expected"], "0.00", "{start}");
        assert_eq!(record["status"], "nothing_due", "{start}");
    }
    let finding = only(&run, "clawback");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], "2025-04-01");
    assert_eq!(finding["period_end"], "2025-06-30");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "-800.00");
    assert_eq!(finding["paid"], "0.00");
    assert_eq!(finding["difference"], "800.00");
    assert_eq!(finding["due_on"], "2025-07-30");
    assert!(run.of_type("unpaid").is_empty());
    assert!(run.of_type("underpaid").is_empty());
}
