//! The worked example of docs/ARITHMETIC.md ("Accruals"), and the boundary days.

use super::*;
use crate::domain::accrual::Opening;
use crate::domain::contract::Settlement;
use crate::domain::location::Location;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};

fn allocation(payout_id: &str, paid_on: &str, amount: &str, excess: bool) -> Allocation {
    Allocation {
        payout_id: payout_id.into(),
        paid_on: day(paid_on),
        amount: d(amount),
        excess,
        source: Location::file("payouts.xlsx".into()),
    }
}

fn payout(id: &str, paid_on: &str, amount: &str, kind: PayoutKind) -> Payout {
    Payout {
        id: id.into(),
        contract_id: "C1".into(),
        paid_on: day(paid_on),
        amount: d(amount),
        currency: None,
        kind: Some(kind),
        period: None,
        installment: None,
        invoice: Default::default(),
        reference: None,
        source: Location::file("payouts.xlsx".into()),
        unread: Vec::new(),
    }
}

fn slot<'a>(
    month: (&str, &str),
    number: u32,
    expected: &str,
    due_on: Option<&str>,
    allocations: &'a [Allocation],
) -> Installment<'a> {
    Installment {
        period_start: day(month.0),
        period_end: day(month.1),
        number,
        expected: d(expected),
        due_on: due_on.map(day),
        allocations,
    }
}

const JAN: (&str, &str) = ("2026-01-01", "2026-01-31");
const FEB: (&str, &str) = ("2026-02-01", "2026-02-28");
const MAR: (&str, &str) = ("2026-03-01", "2026-03-31");

/// The worked example: C1, monthly, installment 1 = 80% at settlement (due 30 days after
/// the month), installment 2 = the rest at renewal (not renewed), audited 2026-03-20.
fn worked() -> AccrualRow {
    let mut staged = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    staged.entity = Some("Acme Shanghai Ltd".into());
    let jan1 = [
        allocation("P1", "2026-03-01", "600", false),
        allocation("P5", "2026-04-02", "200", false),
    ];
    let jan2 = [allocation("P6", "2026-02-20", "120", false)];
    let feb1 = [allocation("P2", "2026-03-10", "300", false)];
    let mar1 = [allocation("P3", "2026-03-18", "100", false)];
    let slots = [
        slot(JAN, 1, "800", Some("2026-03-02"), &jan1),
        slot(JAN, 2, "200", None, &jan2),
        slot(FEB, 1, "400", Some("2026-03-30"), &feb1),
        slot(FEB, 2, "100", None, &[]),
        slot(MAR, 1, "240", Some("2026-04-30"), &mar1),
        slot(MAR, 2, "60", None, &[]),
    ];
    let mut usd = payout("P7", "2026-03-01", "999", PayoutKind::Cash);
    usd.currency = Some("USD".into());
    let payouts = [
        payout("P1", "2026-03-01", "600", PayoutKind::Cash),
        payout("P2", "2026-03-10", "300", PayoutKind::Offset),
        payout("P3", "2026-03-18", "100", PayoutKind::Credit),
        payout("P4", "2026-03-19", "50", PayoutKind::Cash),
        payout("P5", "2026-04-02", "200", PayoutKind::Cash),
        payout("P6", "2026-02-20", "120", PayoutKind::Cash),
        usd,
    ];
    let payouts: Vec<&Payout> = payouts.iter().collect();
    contract_row(&staged, &slots, &payouts, day("2026-03-20"))
}

#[test]
fn the_worked_example_reconciles_to_the_cent() {
    let row = worked();
    let amounts = row.amounts;
    assert_eq!(row.entity, "Acme Shanghai Ltd");
    assert!(row.entity_named);
    // January and February ended: 1,000 + 500. March is open: 240 + 60 apart.
    assert_eq!(amounts.earned, d("1500"));
    assert_eq!(amounts.open_period, d("300"));
    // Cash P1 600 + P4 50 + P6 120; offset P2 300; credit P3 100. P5 comes after the
    // audit date, P7 is in another currency.
    assert_eq!(amounts.received_cash, d("770"));
    assert_eq!(amounts.received_offset, d("300"));
    assert_eq!(amounts.received_credit, d("100"));
    assert_eq!(amounts.received(), d("1170"));
    // Jan #1: 800 − 600 past its 03-02 deadline; Feb #1: 400 − 300 due 03-30;
    // Jan #2 200 − 120 and Feb #2 100 wait for the renewal.
    assert_eq!(amounts.receivable_now, d("200"));
    assert_eq!(amounts.receivable_later, d("100"));
    assert_eq!(amounts.conditional, d("180"));
    assert_eq!(amounts.paid_ahead, d("100"));
    assert_eq!(amounts.overpaid, d("50"));
    // 1,500 + 100 + 50 = 1,170 + 200 + 100 + 180 = 1,650.
    assert!(amounts.reconciles());
    assert_eq!(amounts.balance(), d("330"));
}

#[test]
fn the_trail_names_each_installment_and_payout() {
    let row = worked();
    let has = |bucket: Bucket, key: Option<&str>, payout: Option<&str>, amount: &str| {
        row.trail.iter().any(|item| {
            item.bucket == bucket
                && item.period_key.as_deref() == key
                && item.payout_id.as_deref() == payout
                && item.amount == d(amount)
        })
    };
    assert!(has(Bucket::Earned, Some("C1/2026-01-01"), None, "800"));
    assert!(has(Bucket::Now, Some("C1/2026-01-01"), None, "200"));
    assert!(has(Bucket::Later, Some("C1/2026-02-01"), None, "100"));
    assert!(has(Bucket::Conditional, Some("C1/2026-01-01"), None, "80"));
    assert!(has(Bucket::OpenPeriod, Some("C1/2026-03-01"), None, "240"));
    assert!(has(
        Bucket::PaidAhead,
        Some("C1/2026-03-01"),
        Some("P3"),
        "100"
    ));
    assert!(has(Bucket::Overpaid, None, Some("P4"), "50"));
    assert!(has(Bucket::Offset, None, Some("P2"), "300"));
    assert!(
        !row.trail
            .iter()
            .any(|item| { matches!(item.payout_id.as_deref(), Some("P5" | "P7")) })
    );
    // Each column is the sum of its trail.
    let sum = |bucket: Bucket| {
        row.trail
            .iter()
            .filter(|item| item.bucket == bucket)
            .map(|item| item.amount)
            .sum::<Decimal>()
    };
    assert_eq!(sum(Bucket::Earned), row.amounts.earned);
    assert_eq!(sum(Bucket::Cash), row.amounts.received_cash);
    assert_eq!(sum(Bucket::Conditional), row.amounts.conditional);
}

#[test]
fn excess_on_an_installment_counts_as_overpaid() {
    let staged = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    let jan = [
        allocation("P1", "2026-02-10", "100", false),
        allocation("P1", "2026-02-10", "20", true),
    ];
    let slots = [slot(JAN, 1, "100", Some("2026-03-02"), &jan)];
    let p1 = payout("P1", "2026-02-10", "120", PayoutKind::Cash);
    let row = contract_row(&staged, &slots, &[&p1], day("2026-03-20"));
    assert_eq!(row.amounts.overpaid, d("20"));
    assert_eq!(row.amounts.receivable_now, d("0"));
    assert!(row.amounts.reconciles());
    assert_eq!(row.amounts.balance(), d("-20"));
    // Nothing is left over beside the excess.
    assert_eq!(
        row.trail
            .iter()
            .filter(|item| item.bucket == Bucket::Overpaid)
            .count(),
        1
    );
}

#[test]
fn boundary_days_count_as_the_rules_say() {
    let mut staged = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    staged.grace_days = 2;
    // Audited on January's last day: January has ended; due on 01-29 + 2 grace days is
    // a deadline of 01-31, not passed on 01-31 itself.
    let on_time = [allocation("P1", "2026-01-31", "10", false)];
    let slots = [
        slot(JAN, 1, "100", Some("2026-01-29"), &on_time),
        slot(FEB, 1, "7", Some("2026-03-30"), &[]),
    ];
    let p1 = payout("P1", "2026-01-31", "10", PayoutKind::Offset);
    let row = contract_row(&staged, &slots, &[&p1], day("2026-01-31"));
    assert_eq!(row.amounts.earned, d("100"));
    assert_eq!(row.amounts.receivable_later, d("90"));
    assert_eq!(row.amounts.receivable_now, d("0"));
    assert_eq!(row.amounts.received_offset, d("10"));
    // February starts after the audit date: not even the open period.
    assert_eq!(row.amounts.open_period, d("0"));
    // The day after the deadline it is due now; February started that day.
    let row = contract_row(&staged, &slots, &[&p1], day("2026-02-01"));
    assert_eq!(row.amounts.receivable_now, d("90"));
    assert_eq!(row.amounts.receivable_later, d("0"));
    assert_eq!(row.amounts.open_period, d("7"));
    assert!(row.amounts.reconciles());
    // A payout received the day after the audit date is not received yet.
    let row = contract_row(&staged, &slots, &[&p1], day("2026-01-30"));
    assert_eq!(row.amounts.received(), d("0"));
    assert_eq!(row.amounts.earned, d("0"));
    assert_eq!(row.amounts.open_period, d("100"));
}

#[test]
fn a_blank_entity_is_the_customer() {
    let mut staged = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    assert_eq!(entity_of(&staged), ("Customer".into(), false));
    staged.entity = Some("  ".into());
    assert_eq!(entity_of(&staged), ("Customer".into(), false));
    staged.entity = Some(" Acme HK ".into());
    assert_eq!(entity_of(&staged), ("Acme HK".into(), true));
}

#[test]
fn a_payout_of_the_contracts_currency_named_or_not_is_received() {
    let staged = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    let mut named = payout("P1", "2026-02-01", "5", PayoutKind::Cash);
    named.currency = Some("CNY".into());
    let unnamed = payout("P2", "2026-02-01", "6", PayoutKind::Credit);
    let row = contract_row(&staged, &[], &[&named, &unnamed], day("2026-02-01"));
    assert_eq!(row.amounts.received_cash, d("5"));
    assert_eq!(row.amounts.received_credit, d("6"));
    // Matched to nothing: both received beyond what is owed.
    assert_eq!(row.amounts.overpaid, d("11"));
    assert!(row.amounts.reconciles());
}

#[test]
fn the_movement_since_the_baseline_never_invents_an_opening() {
    let row = worked();
    let other = AccrualRow {
        contract_id: "C2".into(),
        ..row.clone()
    };
    let accruals = Accruals {
        as_of: day("2026-03-20"),
        rows: vec![row, other],
        baseline: BaselineAccruals::None,
    };
    let read = BaselineAccruals::Read {
        path: "prev/accruals.csv".into(),
        rows: vec![(
            "C1".into(),
            "CNY".into(),
            Opening {
                earned: d("1000"),
                received: d("600"),
            },
        )],
    };
    let compared = with_baseline(accruals.clone(), read);
    let movement = compared.rows[0].movement().unwrap();
    // Opening 1,000 − 600 = 400; earned since 500; received since 570; closing 330.
    assert_eq!(movement.opening, d("400"));
    assert_eq!(movement.earned_since, d("500"));
    assert_eq!(movement.received_since, d("570"));
    assert_eq!(movement.closing, d("330"));
    assert_eq!(movement.movement(), d("-70"));
    assert_eq!(compared.rows[1].against, Against::NotInBaseline);
    assert_eq!(compared.rows[1].movement(), None);
    let missing = with_baseline(
        accruals.clone(),
        BaselineAccruals::Missing {
            path: "prev/accruals.csv".into(),
        },
    );
    assert!(
        missing
            .rows
            .iter()
            .all(|row| row.against == Against::BaselineWithoutAccruals && row.movement().is_none())
    );
    assert_eq!(missing.warning(), Some("prev/accruals.csv"));
    let none = with_baseline(accruals, BaselineAccruals::None);
    assert_eq!(none.rows[0].against, Against::NoBaseline);
}

#[test]
fn rows_are_sorted_by_entity_currency_and_contract() {
    let mut a = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    a.id = "C9".into();
    a.entity = Some("Alpha".into());
    let mut b = a.clone();
    b.id = "C1".into();
    b.entity = Some("Beta".into());
    let mut c = a.clone();
    c.id = "C5".into();
    let result = |contract: Contract| ContractResult {
        contract,
        ruleset: "generic".into(),
        computation: crate::domain::computation::ContractComputation {
            periods: Vec::new(),
            rebates: Vec::new(),
            shares: Vec::new(),
            clawback: Vec::new(),
        },
        periods: Vec::new(),
        installments: 0..0,
    };
    let accruals = accruals(
        &[result(b), result(a), result(c)],
        &[],
        &[],
        day("2026-03-20"),
    );
    let ids: Vec<&str> = accruals
        .rows
        .iter()
        .map(|row| row.contract_id.as_str())
        .collect();
    assert_eq!(ids, ["C5", "C9", "C1"]);
    assert_eq!(accruals.as_of, day("2026-03-20"));
}
