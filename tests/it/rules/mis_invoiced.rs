//! mis_invoiced reasons.

use super::*;

#[test]
fn every_invoice_reason_is_reported_once_per_payout() {
    // C1 needs a vat_special invoice at 6% from 91110000TAXID0001X, within 30 days.
    // E = 2,000.00, paid by four payouts on time (1,000 + 500 + 250 + 250).
    //   P1: all correct; invoiced 2025-03-12 = paid_on 2025-02-10 + 30 days → in window.
    //   P2 (500.00): invoice 499.00 (off by 1.00 > 0.01) → amount; 13% → tax_rate;
    //       vat_general → type; issuer 91330000OTHER0002Y → issuer; dated 2025-03-20,
    //       37 days after 2025-02-11 → late_invoice.
    //   P3 (250.00): invoice 249.99 (within 0.01), type 专票 (= vat_special), but INV-3 …
    //   P4 (250.00): … is also on P4 → one `duplicate` for P3 and one for P4. P4's issuer
    //       differs only in letter case → not an issuer problem.
    let book = Book::default()
        .contract(
            contract("C1")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%");
    let header = [
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_tax_rate",
        "invoice_type",
        "invoice_issuer",
    ];
    let payouts = payouts_csv(
        &header,
        &[
            &[
                "P1",
                "C1",
                "2025-02-10",
                "1000.00",
                "INV-1",
                "2025-03-12",
                "1000.00",
                "6%",
                "vat_special",
                "91110000TAXID0001X",
            ],
            &[
                "P2",
                "C1",
                "2025-02-11",
                "500.00",
                "INV-2",
                "2025-03-20",
                "499.00",
                "13%",
                "vat_general",
                "91330000OTHER0002Y",
            ],
            &[
                "P3",
                "C1",
                "2025-02-12",
                "250.00",
                "INV-3",
                "2025-02-12",
                "249.99",
                "6%",
                "专票",
                "91110000TAXID0001X",
            ],
            &[
                "P4",
                "C1",
                "2025-02-13",
                "250.00",
                "INV-3",
                "2025-02-13",
                "250.00",
                "6%",
                "vat_special",
                "91110000taxid0001x",
            ],
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
    assert_eq!(invoice_reasons(&run, "P1"), Vec::<String>::new());
    assert_eq!(
        invoice_reasons(&run, "P2"),
        vec!["amount", "issuer", "late_invoice", "tax_rate", "type"]
    );
    assert_eq!(invoice_reasons(&run, "P3"), vec!["duplicate"]);
    assert_eq!(invoice_reasons(&run, "P4"), vec!["duplicate"]);
    assert_eq!(run.findings().len(), 7, "{:#?}", run.findings());
    for finding in run.of_type("mis_invoiced") {
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["contract_id"], "C1");
        assert_eq!(finding["installment"], Value::Null);
    }
    let facts = |reason: &str| invoice_finding(&run, "P2", reason)["evidence"]["facts"].clone();
    assert_eq!(facts("amount")["expected"], "500.00");
    assert_eq!(facts("amount")["found"], "499.00");
    assert_eq!(facts("tax_rate")["expected"], "6%");
    assert_eq!(facts("tax_rate")["found"], "13%");
    assert_eq!(facts("type")["expected"], "vat_special");
    assert_eq!(facts("type")["found"], "vat_general");
    assert_eq!(facts("issuer")["expected"], "91110000TAXID0001X");
    assert_eq!(facts("issuer")["found"], "91330000OTHER0002Y");
    assert_eq!(facts("late_invoice")["found"], "2025-03-20");
    let p2 = invoice_finding(&run, "P2", "amount");
    assert_eq!(p2["paid"], "500.00");
    assert_eq!(p2["paid_on"], "2025-02-11");
    assert!(
        invoice_finding(&run, "P2", "late_invoice")["detail"]
            .as_str()
            .unwrap()
            .contains("37 days"),
    );
    assert_eq!(
        invoice_finding(&run, "P3", "duplicate")["evidence"]["facts"]["found"],
        "also on payout P4"
    );
    assert_eq!(
        invoice_finding(&run, "P4", "duplicate")["evidence"]["facts"]["found"],
        "also on payout P3"
    );
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}

#[test]
fn an_invoice_number_reused_in_another_ledger_is_a_duplicate() {
    // Two ledgers in one --payouts folder: P1 (a.csv) and P2 (b.csv), 1,000.00 each, both
    // with invoice INV-7 and otherwise correct → one `duplicate` each; E = 2,000.00 paid.
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(contract("C1").set("invoice", "vat_general"))
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let header = [
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_type",
    ];
    let row = |id: &'static str, day: &'static str| -> [&'static str; 8] {
        [
            id,
            "C1",
            day,
            "1000.00",
            "INV-7",
            day,
            "1000.00",
            "vat_general",
        ]
    };
    let (p1, p2) = (row("P1", "2025-02-10"), row("P2", "2025-02-11"));
    fixture.write("ledgers/a.csv", payouts_csv(&header, &[&p1]));
    fixture.write("ledgers/b.csv", payouts_csv(&header, &[&p2]));
    let run = fixture.audit(
        &contracts,
        &billing,
        &fixture.path("ledgers"),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(invoice_reasons(&run, "P1"), vec!["duplicate"]);
    assert_eq!(invoice_reasons(&run, "P2"), vec!["duplicate"]);
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
}
