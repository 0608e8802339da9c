//! A worked table of stakes: the demo's invoice findings (one invoice number given for two
//! payouts, an invoice amount that is not the payout's, a payout without an invoice, one
//! payout's invoice wrong in two ways) beside a payment finding of each kind.

use super::*;
use crate::domain::finding::{About, Fact, Reason};
use crate::domain::location::Location;
use crate::domain::payout::Invoice;
use crate::domain::test_support::{d, day};

/// Payout `id` of contract C1: `amount` received on `paid_on`, with invoice `number`
/// stating `stated`.
fn payout(
    id: &str,
    paid_on: &str,
    amount: &str,
    number: Option<&str>,
    stated: Option<&str>,
) -> Payout {
    Payout {
        id: id.into(),
        contract_id: "C1".into(),
        paid_on: day(paid_on),
        amount: d(amount),
        currency: None,
        kind: None,
        period: None,
        installment: None,
        invoice: Invoice {
            number: number.map(str::to_string),
            amount: stated.map(d),
            ..Invoice::default()
        },
        reference: None,
        source: Location::file("payouts.csv".into()),
        unread: Vec::new(),
    }
}

fn invoice_finding(payout: &Payout, reason: Reason) -> Finding {
    let fact = Fact {
        contract_id: Some("C1"),
        payout_id: Some(&payout.id),
        reason: Some(reason),
        ..Fact::default()
    };
    let mut finding = Finding::new(
        FindingType::MisInvoiced,
        fact,
        About::Excess {
            currency: "CNY".into(),
            payout_amount: payout.amount,
        },
    );
    finding.paid = Some(payout.amount);
    finding
}

fn payment(kind: FindingType, difference: &str, interest: Option<&str>) -> Finding {
    let fact = Fact {
        contract_id: Some("C1"),
        period_start: Some(day("2025-01-01")),
        installment: Some(1),
        ..Fact::default()
    };
    let mut finding = Finding::new(
        kind,
        fact,
        About::Installment {
            currency: "CNY".into(),
            as_of: day("2026-06-30"),
            charges_interest: interest.is_some(),
        },
    );
    finding.expected = Some(d("1000"));
    finding.difference = Some(d(difference));
    finding.interest = interest.map(d);
    finding
}

#[test]
fn each_invoice_is_at_stake_once_at_the_amount_of_its_first_use() {
    let payouts = [
        // The same number on two payouts: first used on 2024-10-19 for 73,500.
        payout(
            "RB-0004",
            "2025-01-20",
            "119100",
            Some("INV-A"),
            Some("119100"),
        ),
        payout(
            "RB-0002",
            "2024-10-19",
            "73500",
            Some("INV-A"),
            Some("73500"),
        ),
        // The invoice states 96,300 for a payout of 93,600.
        payout(
            "RB-0008",
            "2025-04-28",
            "93600",
            Some("INV-B"),
            Some("96300"),
        ),
        // No invoice at all.
        payout("RB-0021", "2025-08-05", "63000", None, None),
        // One invoice, wrong in two ways; the ledger states no invoice amount.
        payout("RB-0031", "2025-11-10", "58500", Some("INV-C"), None),
    ];
    let findings = [
        invoice_finding(&payouts[1], Reason::Duplicate),
        invoice_finding(&payouts[0], Reason::Duplicate),
        invoice_finding(&payouts[2], Reason::Amount),
        invoice_finding(&payouts[3], Reason::Missing),
        invoice_finding(&payouts[4], Reason::TaxRate),
        invoice_finding(&payouts[4], Reason::Type),
        payment(FindingType::Underpaid, "-100", Some("1.50")),
        payment(FindingType::Overpaid, "50", None),
        payment(FindingType::Late, "0", Some("7.25")),
        payment(FindingType::Clawback, "0", None),
    ];
    let table: Vec<(Decimal, bool)> = stakes(&findings, &payouts)
        .iter()
        .map(|stake| (stake.amount, stake.counted))
        .collect();
    assert_eq!(
        table,
        [
            (d("73500"), true),
            (d("73500"), false),
            (d("96300"), true),
            (d("63000"), true),
            (d("58500"), true),
            (d("58500"), false),
            (d("100"), true),
            (d("50"), true),
            (d("7.25"), true),
            (d("1000"), true),
        ]
    );
    // Counted once each, the invoices at stake add up to 291,300.00 — not the 466,200.00
    // of the six payout amounts.
    let total: Decimal = stakes(&findings, &payouts)
        .iter()
        .zip(&findings)
        .filter(|(stake, finding)| {
            stake.counted && finding.finding_type == FindingType::MisInvoiced
        })
        .map(|(stake, _)| stake.amount)
        .sum();
    assert_eq!(total, d("291300"));
}

#[test]
fn a_finding_whose_payout_is_not_in_the_ledger_stakes_its_own_amount() {
    let missing = payout("P9", "2025-01-01", "10", Some("INV-X"), None);
    let finding = invoice_finding(&missing, Reason::Issuer);
    assert_eq!(
        stakes(&[finding], &[]),
        [Stake {
            amount: d("10"),
            counted: true
        }]
    );
}
