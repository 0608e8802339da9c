//! Worked tables for duplicate payouts (docs/ARITHMETIC.md, "Duplicate payouts"): one
//! quarter whose installment 1 expects the amount in each test, due 2025-04-30, audited
//! on 2025-12-31.

use super::*;
use crate::domain::contract::Settlement;
use crate::domain::location::Location;
use crate::domain::money::Rounding;
use crate::domain::payout::Invoice;
use crate::domain::period::PeriodRef;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};

fn payout(id: &str, paid_on: &str, amount: &str, reference: Option<&str>) -> Payout {
    Payout {
        id: id.into(),
        contract_id: "C1".into(),
        paid_on: day(paid_on),
        amount: d(amount),
        currency: None,
        kind: None,
        period: None,
        installment: None,
        invoice: Invoice::default(),
        reference: reference.map(str::to_string),
        source: Location::file(format!("{id}.xlsx").into()).at_row(2),
        unread: Vec::new(),
    }
}

/// A payout naming 2025-Q1 installment 1, paid as `kind`.
fn for_q1(id: &str, amount: &str, kind: PayoutKind) -> Payout {
    Payout {
        period: Some(PeriodRef::Quarter {
            year: 2025,
            quarter: 1,
        }),
        installment: Some(1),
        kind: Some(kind),
        ..payout(id, "2025-04-20", amount, None)
    }
}

fn slots(expected: &str) -> Vec<Slot> {
    vec![Slot::new(
        0,
        (day("2025-01-01"), day("2025-03-31")),
        1,
        d(expected),
        Some(day("2025-04-30")),
    )]
}

const TERMS: Terms = Terms {
    as_of: chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    tolerance: Decimal::from_parts(1, 0, 0, false, 2),
    grace_days: 0,
    late_interest: Decimal::ZERO,
    rounding: Rounding::HalfUp,
};

fn c1() -> Contract {
    let mut contract = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    contract.id = "C1".into();
    contract.payout_kind = PayoutKind::Cash;
    contract
}

/// (duplicate, first, reason) of each finding, with its effect.
fn found(expected: &str, payouts: &[&Payout]) -> Vec<(String, String, Reason, DuplicateEffect)> {
    findings(&c1(), &slots(expected), payouts, &TERMS)
        .unwrap()
        .into_iter()
        .map(|finding| {
            let About::DuplicatePayout { first, effect, .. } = finding.about else {
                panic!("a duplicate_payout finding says About::DuplicatePayout");
            };
            (
                finding.payout_id.unwrap(),
                first,
                finding.reason.unwrap(),
                effect,
            )
        })
        .collect()
}

#[test]
fn the_same_transfer_in_two_ledgers_shows_as_an_overpayment_of_its_amount() {
    // E = 1,000.00; paid 1,000.00 twice (same day, same reference R-7): 2,000.00 received,
    // overpaid by 1,000.00. Without the second booking: paid, nothing overpaid.
    let first = payout("P1", "2025-04-20", "1000.00", Some("R-7"));
    let second = payout("P2", "2025-04-20", "1000.00", Some("R-7"));
    let all = found("1000.00", &[&second, &first]);
    assert_eq!(all.len(), 1);
    let (duplicate, original, reason, effect) = &all[0];
    assert_eq!((duplicate.as_str(), original.as_str()), ("P2", "P1"));
    assert_eq!(*reason, Reason::SameBooking);
    assert_eq!(effect.overpayment, d("1000.00"));
    assert_eq!(effect.shortfall, Decimal::ZERO);
    // It found the installment already paid: it is excess on the contract.
    assert_eq!(effect.installment, None);
    // Booked for 2025-Q1 both times, the excess stays on the installment, which is paid
    // without it.
    let quarter = Some(PeriodRef::Quarter {
        year: 2025,
        quarter: 1,
    });
    let first = Payout {
        period: quarter,
        ..first
    };
    let second = Payout {
        period: quarter,
        ..second
    };
    let (_, _, _, effect) = found("1000.00", &[&first, &second]).remove(0);
    assert_eq!(effect.overpayment, d("1000.00"));
    assert_eq!(effect.installment, Some((day("2025-01-01"), 1)));
    assert_eq!(effect.status_with, Status::Overpaid.word());
    assert_eq!(effect.status_without, Status::Paid.word());
}

#[test]
fn a_double_booking_can_hide_a_shortfall() {
    // E = 1,000.00; 500.00 booked twice: the installment looks paid. Without the second
    // booking it is short 500.00 — the overpayment that goes away is 0.
    let first = payout("P1", "2025-04-20", "500.00", Some("R-7"));
    let second = payout("P2", "2025-04-20", "500.00", Some("R-7"));
    let (_, _, _, effect) = found("1000.00", &[&first, &second]).remove(0);
    assert_eq!(effect.overpayment, Decimal::ZERO);
    assert_eq!(effect.shortfall, d("500.00"));
    assert_eq!(
        (effect.status_with, effect.status_without),
        (Status::Paid.word(), Status::Underpaid.word())
    );
}

#[test]
fn a_double_booking_can_show_part_as_overpayment_and_hide_the_rest() {
    // E = 1,000.00; 600.00 twice = 1,200.00: overpaid by 200.00. Without it 600.00 is
    // received, short 400.00: 200.00 overpayment goes away and 400.00 shortfall appears.
    let first = payout("P1", "2025-04-20", "600.00", Some("R-7"));
    let second = payout("P2", "2025-04-20", "600.00", Some("R-7"));
    let (_, _, _, effect) = found("1000.00", &[&first, &second]).remove(0);
    assert_eq!(effect.overpayment, d("200.00"));
    assert_eq!(effect.shortfall, d("400.00"));
}

#[test]
fn two_payments_of_one_amount_on_one_day_with_different_references_are_two_payments() {
    let first = payout("P1", "2025-04-20", "500.00", Some("R-7"));
    let second = payout("P2", "2025-04-20", "500.00", Some("R-8"));
    assert!(found("1000.00", &[&first, &second]).is_empty());
    // Without any reference there is nothing to say they are one transfer.
    let first = payout("P1", "2025-04-20", "500.00", None);
    let second = payout("P2", "2025-04-20", "500.00", None);
    assert!(found("1000.00", &[&first, &second]).is_empty());
    // The same reference on another day, or for another amount, is no duplicate either.
    let first = payout("P1", "2025-04-20", "500.00", Some("R-7"));
    let later = payout("P2", "2025-04-21", "500.00", Some("R-7"));
    let other = payout("P3", "2025-04-20", "500.01", Some("R-7"));
    assert!(found("1000.00", &[&first, &later, &other]).is_empty());
}

#[test]
fn the_invoice_number_stands_in_for_a_missing_reference() {
    let mut first = payout("P1", "2025-04-20", "1000.00", None);
    first.invoice.number = Some("0001".into());
    let mut second = payout("P2", "2025-04-20", "1000.00", None);
    second.invoice.number = Some("0001".into());
    assert_eq!(found("1000.00", &[&first, &second]).len(), 1);
    // …unless a spreadsheet lost its last digits.
    second.unread.push(crate::domain::payout::UnreadCell {
        field: PayoutField::InvoiceNumber,
        location: Location::file("P2.xlsx".into()),
        text: "1E+19".into(),
        problem: "digits lost".to_string().into(),
    });
    assert!(found("1000.00", &[&first, &second]).is_empty());
}

#[test]
fn a_credit_note_and_cash_for_one_installment_are_a_duplicate_when_they_overpay_it() {
    // E = 1,000.00: paid in cash and again as a credit (kind `credit`, or a credit note).
    let cash = for_q1("P1", "1000.00", PayoutKind::Cash);
    let credit = for_q1("P2", "1000.00", PayoutKind::Credit);
    let (duplicate, _, reason, effect) = found("1000.00", &[&cash, &credit]).remove(0);
    assert_eq!(duplicate, "P2");
    assert_eq!(reason, Reason::CreditAndCash);
    assert_eq!(effect.overpayment, d("1000.00"));
    let mut note = for_q1("P2", "1000.00", PayoutKind::Cash);
    note.invoice.kind = Some(InvoiceKind::CreditNote);
    assert_eq!(
        found("1000.00", &[&cash, &note])[0].2,
        Reason::CreditAndCash
    );
    // A rebate offset on the bill and paid in cash too.
    let offset = for_q1("P2", "1000.00", PayoutKind::Offset);
    assert_eq!(
        found("1000.00", &[&cash, &offset])[0].2,
        Reason::OffsetAndCash
    );
}

#[test]
fn a_rebate_split_between_cash_and_a_credit_is_no_duplicate() {
    // E = 1,000.00 paid 500.00 in cash and 500.00 as a credit: exactly what is due.
    let cash = for_q1("P1", "500.00", PayoutKind::Cash);
    let credit = for_q1("P2", "500.00", PayoutKind::Credit);
    assert_eq!(pairs(&[&cash, &credit], PayoutKind::Cash).len(), 1);
    assert!(found("1000.00", &[&cash, &credit]).is_empty());
    // Two cash payouts for one installment are no cash-and-credit pair.
    let again = for_q1("P2", "1000.00", PayoutKind::Cash);
    let cash = for_q1("P1", "1000.00", PayoutKind::Cash);
    assert!(pairs(&[&cash, &again], PayoutKind::Cash).is_empty());
    // Nor a cash payout and a credit for different installments.
    let mut other = for_q1("P2", "1000.00", PayoutKind::Credit);
    other.installment = Some(2);
    assert!(pairs(&[&cash, &other], PayoutKind::Cash).is_empty());
}

#[test]
fn a_third_booking_repeats_the_first_and_each_is_a_finding() {
    let one = payout("P1", "2025-04-20", "1000.00", Some("R-7"));
    let two = payout("P2", "2025-04-20", "1000.00", Some("R-7"));
    let three = payout("P3", "2025-04-20", "1000.00", Some("R-7"));
    let found = found("1000.00", &[&three, &one, &two]);
    let named: Vec<(&str, &str)> = found
        .iter()
        .map(|(duplicate, first, _, _)| (duplicate.as_str(), first.as_str()))
        .collect();
    assert_eq!(named, [("P2", "P1"), ("P3", "P1")]);
    // Each taken out alone: the other two still overpay by 1,000.00.
    assert_eq!(found[0].3.overpayment, d("1000.00"));
}

#[test]
fn a_duplicate_that_found_nothing_open_counts_as_contract_excess() {
    // Nothing is expected: both bookings are excess on the contract; the second one's
    // 1,000.00 goes away without it, and it reached no installment.
    let first = payout("P1", "2025-04-20", "1000.00", Some("R-7"));
    let second = payout("P2", "2025-04-20", "1000.00", Some("R-7"));
    let effect = effect(&[], &[&first, &second], &second, &TERMS).unwrap();
    assert_eq!(effect.overpayment, d("1000.00"));
    assert_eq!(effect.installment, None);
    assert_eq!(effect.status_with, Status::NothingDue.word());
}

#[test]
fn the_finding_names_the_duplicate_row_and_its_amount() {
    let first = for_q1("P1", "1000.00", PayoutKind::Cash);
    let second = Payout {
        reference: Some("R-7".into()),
        ..for_q1("P2", "1000.00", PayoutKind::Cash)
    };
    let first = Payout {
        reference: Some("R-7".into()),
        ..first
    };
    let finding = findings(&c1(), &slots("1000.00"), &[&first, &second], &TERMS)
        .unwrap()
        .remove(0);
    assert_eq!(finding.finding_type, FindingType::DuplicatePayout);
    assert_eq!(finding.contract_id.as_deref(), Some("C1"));
    assert_eq!(finding.payout_id.as_deref(), Some("P2"));
    assert_eq!(finding.severity, crate::domain::finding::Severity::Warning);
    assert_eq!(finding.amount_at_stake(), d("1000.00"));
    assert_eq!(finding.paid_on, Some(day("2025-04-20")));
    assert_eq!(finding.installment, Some(1));
    assert_eq!(finding.period_end, Some(day("2025-03-31")));
    assert_eq!(finding.reason, Some(Reason::SameBooking));
    assert_eq!(
        finding.evidence.location.unwrap().to_string(),
        second.source.to_string()
    );
    let About::DuplicatePayout { first_place, .. } = finding.about else {
        panic!()
    };
    assert_eq!(first_place, first.source.to_string());
}

#[test]
fn cash_and_a_credit_that_name_no_period_are_not_paired() {
    // Without a named period nothing says they pay the same installment.
    let cash = Payout {
        kind: Some(PayoutKind::Cash),
        ..payout("P1", "2025-04-20", "1000.00", None)
    };
    let credit = Payout {
        kind: Some(PayoutKind::Credit),
        ..payout("P2", "2025-05-20", "1000.00", None)
    };
    assert!(pairs(&[&cash, &credit], PayoutKind::Cash).is_empty());
    // The contract's payout kind stands in for a blank `kind`.
    let blank = Payout {
        kind: None,
        ..for_q1("P1", "1000.00", PayoutKind::Cash)
    };
    let credit = for_q1("P2", "1000.00", PayoutKind::Credit);
    assert_eq!(pairs(&[&blank, &credit], PayoutKind::Cash).len(), 1);
    assert!(pairs(&[&blank, &credit], PayoutKind::Credit).is_empty());
}
