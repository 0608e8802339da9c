//! Staged schedules.

use super::*;

#[test]
fn points_then_rest_on_renewal_is_due_after_the_renewal_or_conditional() {
    // Three 2025 contracts, annual settlement, tier 25%, due 30 days, each billing
    // 100,000.00 in March: W = 100,000.00, E = 25,000.00.
    // Schedule: 1 settlement `10pt` = round(100,000.00 × 10%) = 10,000.00 (≤ 25,000.00),
    //           2 renewal `rest` = 25,000.00 − 10,000.00 = 15,000.00.
    // Installment 1 is due 2025-12-31 + 30 = 2026-01-30 for all three.
    //   S1 renewed 2026-02-15: installment 2 due max(2025-12-31, 2026-02-15) + 30 =
    //      2026-03-17; only 10,000.00 paid → as of 2026-06-30 unpaid,
    //      days_late = 14 (Mar) + 30 + 31 + 30 = 105,
    //      interest = 15,000.00 × 0.05% × 105 = 787.50.
    //   S2 renewed 2025-12-01 (before the period end): due max(2025-12-31, 2025-12-01) + 30
    //      = 2026-01-30; 25,000.00 paid 2026-01-25 fills both → paid.
    //   S3 not renewed: installment 2 has no due date → conditional, no finding.
    let make = |id: &str, account: &str, renewed_on: &str| {
        contract(id)
            .set("accounts", account)
            .set("end", "2025-12-31")
            .set("settlement", "annual")
            .set("renewed_on", renewed_on)
    };
    let mut book = Book::default()
        .contract(make("S1", "A1", "2026-02-15"))
        .contract(make("S2", "A2", "2025-12-01"))
        .contract(make("S3", "A3", ""));
    for id in ["S1", "S2", "S3"] {
        book = book
            .tier(id, "0", "", "25%")
            .schedule(id, "1", "settlement", "10pt")
            .schedule(id, "2", "renewal", "rest");
    }
    let billing = billing_csv(&[
        ("A1", "2025-03", "ECS", "100000.00", "CNY"),
        ("A2", "2025-03", "ECS", "100000.00", "CNY"),
        ("A3", "2025-03", "ECS", "100000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "S1", "2026-01-20", "10000.00"),
        ("P2", "S2", "2026-01-25", "25000.00"),
        ("P3", "S3", "2026-01-20", "10000.00"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2026-06-30", &[]);
    run.expect_status(1);
    for id in ["S1", "S2", "S3"] {
        let first = installment(&run, id, "2025-01-01", 1);
        assert_eq!(first["period_end"], "2025-12-31", "{id}");
        assert_eq!(first["trigger"], "settlement", "{id}");
        assert_eq!(first["weighted_base"], "100000.00", "{id}");
        assert_eq!(first["expected"], "10000.00", "{id}");
        assert_eq!(first["due_on"], "2026-01-30", "{id}");
        assert_eq!(first["paid"], "10000.00", "{id}");
        assert_eq!(first["status"], "paid", "{id}");
        let second = installment(&run, id, "2025-01-01", 2);
        assert_eq!(second["trigger"], "renewal", "{id}");
        assert_eq!(second["expected"], "15000.00", "{id}");
    }
    let s1 = installment(&run, "S1", "2025-01-01", 2);
    assert_eq!(s1["due_on"], "2026-03-17");
    assert_eq!(s1["status"], "unpaid");
    let s2 = installment(&run, "S2", "2025-01-01", 2);
    assert_eq!(s2["due_on"], "2026-01-30");
    assert_eq!(s2["paid"], "15000.00");
    assert_eq!(s2["status"], "paid");
    let s3 = installment(&run, "S3", "2025-01-01", 2);
    assert_eq!(s3["due_on"], Value::Null);
    assert_eq!(s3["paid"], "0.00");
    assert_eq!(s3["status"], "conditional");
    assert_eq!(run.types(), vec!["unpaid"]);
    let unpaid = only(&run, "unpaid");
    assert_eq!(unpaid["contract_id"], "S1");
    assert_eq!(unpaid["installment"], 2);
    assert_eq!(unpaid["expected"], "15000.00");
    assert_eq!(unpaid["paid"], "0.00");
    assert_eq!(unpaid["difference"], "-15000.00");
    assert_eq!(unpaid["due_on"], "2026-03-17");
    assert_eq!(unpaid["days_late"], 105);
    assert_eq!(unpaid["interest"], "787.50");
}

#[test]
fn percent_portions_without_rest_each_take_their_rounded_share() {
    // January bill 6,172.85 → E = 6,172.85 × 20% = 1,234.57.
    //   1 settlement 40%: round(1,234.57 × 40%) = round(493.828) = 493.83, due 2025-03-02.
    //   2 renewal 60%: round(740.742) = 740.74; renewed 2025-03-20 →
    //     due max(2025-01-31, 2025-03-20) + 30 = 2025-04-19.
    //   493.83 + 740.74 = 1,234.57.
    // Payouts without a period go by due date: 493.83 → 1, 740.74 → 2; both on time.
    let book = Book::default()
        .contract(contract("C1").set("renewed_on", "2025-03-20"))
        .tier("C1", "0", "", "20%")
        .schedule("C1", "1", "settlement", "40%")
        .schedule("C1", "2", "renewal", "60%");
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &billing_csv(&[("A1", "2025-01", "ECS", "6172.85", "CNY")]),
        &simple_payouts(&[
            ("P1", "C1", "2025-02-20", "493.83"),
            ("P2", "C1", "2025-04-10", "740.74"),
        ]),
        "2025-12-31",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let first = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(first["weighted_base"], "6172.85");
    assert_eq!(first["expected"], "493.83");
    assert_eq!(first["due_on"], "2025-03-02");
    assert_eq!(first["paid"], "493.83");
    assert_eq!(first["status"], "paid");
    let second = installment(&run, "C1", "2025-01-01", 2);
    assert_eq!(second["trigger"], "renewal");
    assert_eq!(second["expected"], "740.74");
    assert_eq!(second["due_on"], "2025-04-19");
    assert_eq!(second["paid"], "740.74");
    assert_eq!(second["status"], "paid");
}
