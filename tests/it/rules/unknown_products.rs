//! Unknown products.

use super::*;

#[test]
fn an_unknown_product_weighs_1_and_is_reported_once_as_info() {
    // ECS 10,000.00 plus two lines of `Quantum Annealer` (no alias, no products row):
    // 1,000.00 + 500.00, weighted at 1 → W = 11,500.00, E = 2,300.00 (paid in full).
    // One info finding for C1 and the product: 2 lines, 1,500.00.
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "Quantum Annealer", "1000.00", "CNY"),
        ("A1", "2025-01", "Quantum Annealer", "500.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2300.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.types(), vec!["unknown_product"]);
    let finding = only(&run, "unknown_product");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["amount"], "1500.00");
    let facts = &finding["evidence"]["facts"];
    assert_eq!(facts["product"], "Quantum Annealer");
    assert_eq!(facts["coefficient"], "1");
    assert_eq!(facts["rows"], "2");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "11500.00");
    assert_eq!(record["expected"], "2300.00");
    assert_eq!(record["status"], "paid");

    // With a products row (0.4) the product is known and not reported:
    // W = 10,000.00 + 1,500.00 × 0.4 = 10,600.00, E = 2,120.00.
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard().product("C1", "Quantum Annealer", "0.4"),
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2120.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "10600.00");
    assert_eq!(record["expected"], "2120.00");
}
