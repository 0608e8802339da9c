//! Period-referenced payouts.

use super::*;

/// A 2025 contract, quarterly, 20%, due 30 days, schedule 50% + rest (both on
/// settlement); A1 bills 10,000.00 in January and 5,000.00 in April.
///   Q1: E 2,000.00 → installment 1 = 1,000.00, 2 = 1,000.00, both due 2025-04-30.
///   Q2: E 1,000.00 → installment 1 = 500.00, 2 = 500.00, both due 2025-07-30.
fn two_installment_quarters() -> (Book, String) {
    let book = Book::default()
        .contract(
            contract("Q")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly"),
        )
        .tier("Q", "0", "", "20%")
        .schedule("Q", "1", "settlement", "50%")
        .schedule("Q", "2", "settlement", "rest");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-04", "ECS", "5000.00", "CNY"),
    ]);
    (book, billing)
}

const PERIOD_HEADER: &[&str] = &[
    "payout_id",
    "contract_id",
    "paid_on",
    "amount",
    "period",
    "installment",
];

#[test]
fn period_referenced_payouts_go_first_and_fill_their_period() {
    // Period-referenced payouts first, by (paid_on, id): PB then PA; then PC.
    //   PB 500.00 (2025-05, installment 2, paid 04-05) → 2025-05 lies in Q2 → Q2 #2: 500.00.
    //   PA 1,500.00 (2025-Q1, paid 04-10) → Q1's open installments in order:
    //      Q1 #1: 1,000.00, Q1 #2: 500.00.
    //   PC 1,000.00 (no period, paid 04-01 — earliest, but goes last) → by due date:
    //      Q1 #2 (due 04-30): 500.00, then Q2 #1 (due 07-30): 500.00.
    // Had PC gone first by date it would have filled Q1 #1 and PA would have overpaid Q1.
    // As of 2025-06-30: Q1 #1 and #2 paid; Q2 #1 500.00 of 500.00 paid; Q2 #2 paid.
    let (book, billing) = two_installment_quarters();
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["PA", "Q", "2025-04-10", "1500.00", "2025-Q1", ""],
            &["PB", "Q", "2025-04-05", "500.00", "2025-05", "2"],
            &["PC", "Q", "2025-04-01", "1000.00", "", ""],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    for (start, number, expected, paid, status) in [
        ("2025-01-01", 1, "1000.00", "1000.00", "paid"),
        ("2025-01-01", 2, "1000.00", "1000.00", "paid"),
        ("2025-04-01", 1, "500.00", "500.00", "paid"),
        ("2025-04-01", 2, "500.00", "500.00", "paid"),
    ] {
        let record = installment(&run, "Q", start, number);
        assert_eq!(record["expected"], expected, "{start} #{number}");
        assert_eq!(record["paid"], paid, "{start} #{number}");
        assert_eq!(record["status"], status, "{start} #{number}");
    }
}

#[test]
fn a_period_payout_with_nothing_open_is_excess_on_the_periods_last_installment() {
    // PA 2,000.00 for 2025-Q1 fills Q1 #1 and #2 (1,000.00 each). PB 150.00 for 2025-Q1
    // finds nothing open: it is excess on Q1's last installment (#2) → overpaid,
    // paid 1,150.00, difference 150.00.
    let (book, billing) = two_installment_quarters();
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["PA", "Q", "2025-04-10", "2000.00", "2025-Q1", ""],
            &["PB", "Q", "2025-04-11", "150.00", "2025-Q1", ""],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overpaid"]);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["contract_id"], "Q");
    assert_eq!(finding["period_start"], "2025-01-01");
    assert_eq!(finding["period_end"], "2025-03-31");
    assert_eq!(finding["installment"], 2);
    assert_eq!(finding["expected"], "1000.00");
    assert_eq!(finding["paid"], "1150.00");
    assert_eq!(finding["difference"], "150.00");
    assert_eq!(installment(&run, "Q", "2025-01-01", 1)["paid"], "1000.00");
    assert_eq!(installment(&run, "Q", "2025-01-01", 1)["status"], "paid");
}

#[test]
fn a_payout_naming_an_installment_the_period_lacks_is_unmatched() {
    // The standard contract has one installment. P1 (2025-01, #1) pays it; P2 (2025-01,
    // #3) and P3 (no period, #2) name installments that do not exist → unmatched_payout,
    // reason `installment`, and their money is not counted.
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["P1", "C1", "2025-02-15", "2000.00", "2025-01", "1"],
            &["P2", "C1", "2025-02-16", "100.00", "2025-01", "3"],
            &["P3", "C1", "2025-02-17", "50.00", "", "2"],
        ],
    );
    let fixture = Fixture::new();
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let unmatched = run.of_type("unmatched_payout");
    assert_eq!(unmatched.len(), 2, "{:#?}", run.findings());
    for (payout_id, paid) in [("P2", "100.00"), ("P3", "50.00")] {
        let finding = unmatched
            .iter()
            .find(|finding| finding["payout_id"] == payout_id)
            .unwrap_or_else(|| panic!("no finding for {payout_id}: {unmatched:#?}"));
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["contract_id"], "C1");
        assert_eq!(finding["reason"], "installment");
        assert_eq!(finding["paid"], paid);
    }
    assert_eq!(run.findings().len(), 2);
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}

#[test]
fn a_payout_with_nothing_open_is_overpaid_on_the_contract_itself() {
    // P1 2,000.00 fills the only installment; P2 300.00 (no period) finds nothing open
    // and reached no installment → `overpaid` on the contract: period and installment
    // null, payout_id P2, 300.00 more than expected.
    let fixture = Fixture::new();
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C1", "2025-02-20", "300.00"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overpaid"]);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], Value::Null);
    assert_eq!(finding["period_end"], Value::Null);
    assert_eq!(finding["installment"], Value::Null);
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["paid"], "300.00");
    assert_eq!(finding["difference"], "300.00");
    assert_eq!(finding["paid_on"], "2025-02-20");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}
