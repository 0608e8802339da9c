//! Bases `list` and `cash`.

use super::*;

#[test]
fn list_base_uses_list_amount_and_cash_base_subtracts_vouchers() {
    // L1 (base list, A1) and K1 (base cash, A2), January 2025, 20%.
    //   row 2  A1 ECS list 12,000.00, voucher 500.00, net 10,000.00 → L1 line base 12,000.00
    //   row 3  A2 ECS list 12,000.00, voucher 500.00, net 10,000.00 → K1: 10,000 − 500 = 9,500.00
    //   row 4  A1 OSS no list amount, net 3,000.00 → rejected (L1 needs list_amount)
    //   row 5  A2 OSS no list, no voucher, net 1,000.00 → K1: 1,000.00 − 0 = 1,000.00
    // L1: W = 12,000.00, E = 2,400.00.  K1: W = 9,500.00 + 1,000.00 = 10,500.00, E = 2,100.00.
    // Controls: 4 rows, 24,000.00 read = 20,000.00 attributed (net) + 1 row, 3,000.00 rejected.
    let book = Book::default()
        .contract(contract("L1").set("base", "list"))
        .contract(contract("K1").set("accounts", "A2").set("base", "cash"))
        .tier("L1", "0", "", "20%")
        .tier("K1", "0", "", "20%");
    let billing = billing_csv_with_list_and_voucher(&[
        [
            "A1", "2025-01", "ECS", "12000.00", "500.00", "10000.00", "CNY",
        ],
        [
            "A2", "2025-01", "ECS", "12000.00", "500.00", "10000.00", "CNY",
        ],
        ["A1", "2025-01", "OSS", "", "", "3000.00", "CNY"],
        ["A2", "2025-01", "OSS", "", "", "1000.00", "CNY"],
    ]);
    let payouts = simple_payouts(&[
        ("P1", "L1", "2025-02-15", "2400.00"),
        ("P2", "K1", "2025-02-15", "2100.00"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let l1 = installment(&run, "L1", "2025-01-01", 1);
    assert_eq!(l1["weighted_base"], "12000.00");
    assert_eq!(l1["expected"], "2400.00");
    assert_eq!(l1["status"], "paid");
    let k1 = installment(&run, "K1", "2025-01-01", 1);
    assert_eq!(k1["weighted_base"], "10500.00");
    assert_eq!(k1["expected"], "2100.00");
    assert_eq!(k1["status"], "paid");
    assert_eq!(run.types(), vec!["rejected_row"]);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 4);
    let detail = rejected["detail"].as_str().unwrap();
    assert!(
        detail.contains("list_amount") && detail.contains("L1"),
        "{detail}"
    );
    assert_eq!(rejected["evidence"]["facts"]["net_amount"], "3000.00");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "24000.00");
    assert_eq!(control["attributed"]["rows"], 3);
    assert_eq!(control["attributed"]["amount"], "21000.00");
    assert_eq!(control["rejected"]["rows"], 1);
    assert_eq!(control["rejected"]["amount"], "3000.00");
    assert_eq!(control["balanced"], true);
}
