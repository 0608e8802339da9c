//! Overlapping contracts.

use super::*;

#[test]
fn overlapping_contracts_give_the_lines_to_the_earlier_start() {
    // C1 covers A1 from 2025-01-01 to 2025-03-31, C2 from 2025-02-01 to 2025-04-30.
    // A1 bills Jan 1,000, Feb 2,000, Mar 4,000, Apr 8,000 (dated the 1st of each month).
    //   Jan → C1 only; Feb and Mar → both cover, C1 starts earlier → C1; Apr → C2 only.
    //   C1: Jan W 1,000.00 (E 200.00), Feb 2,000.00 (E 400.00), Mar 4,000.00 (E 800.00).
    //   C2: Feb 0.00, Mar 0.00, Apr 8,000.00 (E 1,600.00).
    // One finding: A1, C1 over C2, 2025-02-01 … 2025-03-01, 2 lines, 6,000.00.
    let book = Book::default()
        .contract(contract("C1").set("end", "2025-03-31"))
        .contract(
            contract("C2")
                .set("start", "2025-02-01")
                .set("end", "2025-04-30"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "1000.00", "CNY"),
        ("A1", "2025-02", "ECS", "2000.00", "CNY"),
        ("A1", "2025-03", "ECS", "4000.00", "CNY"),
        ("A1", "2025-04", "ECS", "8000.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    // As of 2025-02-15 nothing is due yet, so the overlap is the only finding.
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-15",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overlapping_contracts"]);
    let finding = only(&run, "overlapping_contracts");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["amount"], "6000.00");
    let facts = &finding["evidence"]["facts"];
    assert_eq!(facts["account_id"], "A1");
    assert_eq!(facts["attributed_to"], "C1");
    assert_eq!(facts["also_covered_by"], "C2");
    assert_eq!(facts["first_date"], "2025-02-01");
    assert_eq!(facts["last_date"], "2025-03-01");
    assert_eq!(facts["rows"], "2");
    for (id, start, weighted, expected) in [
        ("C1", "2025-01-01", "1000.00", "200.00"),
        ("C1", "2025-02-01", "2000.00", "400.00"),
        ("C1", "2025-03-01", "4000.00", "800.00"),
        ("C2", "2025-02-01", "0.00", "0.00"),
        ("C2", "2025-03-01", "0.00", "0.00"),
        ("C2", "2025-04-01", "8000.00", "1600.00"),
    ] {
        let record = installment(&run, id, start, 1);
        assert_eq!(record["weighted_base"], weighted, "{id} {start}");
        assert_eq!(record["expected"], expected, "{id} {start}");
    }
}

#[test]
fn overlapping_contracts_with_the_same_start_go_to_the_lowest_id() {
    // K2 (listed first) and K1 both cover A1 over January 2025: same start, so the
    // January 10,000.00 goes to K1 (W 10,000.00, E 2,000.00); K2 gets nothing.
    let book = Book::default()
        .contract(contract("K2"))
        .contract(contract("K1"))
        .tier("K2", "0", "", "20%")
        .tier("K1", "0", "", "20%");
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-02-15",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "overlapping_contracts");
    assert_eq!(finding["contract_id"], "K1");
    assert_eq!(finding["evidence"]["facts"]["also_covered_by"], "K2");
    assert_eq!(finding["amount"], "10000.00");
    assert_eq!(
        installment(&run, "K1", "2025-01-01", 1)["weighted_base"],
        "10000.00"
    );
    assert_eq!(
        installment(&run, "K1", "2025-01-01", 1)["expected"],
        "2000.00"
    );
    assert_eq!(
        installment(&run, "K2", "2025-01-01", 1)["weighted_base"],
        "0.00"
    );
}
