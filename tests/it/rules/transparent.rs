//! Transparent settlement and offsets.

use super::*;

#[test]
fn transparent_settlement_is_due_on_the_next_bill_and_offsets_need_no_invoice() {
    // Q1 2025, transparent (calendar months), payout_kind offset, invoice vat_special 6%,
    // due_days 30 (which the settlement trigger ignores under transparent settlement).
    //   Jan 10,000.00 → E 2,000.00 due on the last day of February: 2025-02-28.
    //   Feb  5,000.00 → E 1,000.00 due 2025-03-31.
    //   Mar nothing   → E 0.00, due 2025-04-30.
    // P1 (kind blank → the contract's offset) 2,000.00 on 2025-02-28; P2 (offset) 600.00
    // and P3 (cash) 400.00 on 2025-03-31: all on time. None carries an invoice; only the
    // cash payout P3 is invoice-checked → one `mis_invoiced` (missing).
    let book = Book::default()
        .contract(
            contract("T1")
                .set("end", "2025-03-31")
                .set("settlement", "transparent")
                .set("payout_kind", "offset")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("T1", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-02", "ECS", "5000.00", "CNY"),
    ]);
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "kind"],
        &[
            &["P1", "T1", "2025-02-28", "2000.00", ""],
            &["P2", "T1", "2025-03-31", "600.00", "offset"],
            &["P3", "T1", "2025-03-31", "400.00", "cash"],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    for (start, expected, due_on, paid, status) in [
        ("2025-01-01", "2000.00", "2025-02-28", "2000.00", "paid"),
        ("2025-02-01", "1000.00", "2025-03-31", "1000.00", "paid"),
        ("2025-03-01", "0.00", "2025-04-30", "0.00", "nothing_due"),
    ] {
        let record = installment(&run, "T1", start, 1);
        assert_eq!(record["expected"], expected, "{start}");
        assert_eq!(record["due_on"], due_on, "{start}");
        assert_eq!(record["paid"], paid, "{start}");
        assert_eq!(record["status"], status, "{start}");
    }
    assert_eq!(run.types(), vec!["mis_invoiced"]);
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["payout_id"], "P3");
    assert_eq!(finding["reason"], "missing");
}
