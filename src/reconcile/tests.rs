//! A period's trail is stored once: the installments and findings of the period share it,
//! and the audit resolves a finding to it by key.

use super::*;
use crate::compute::installments::split;
use crate::compute::rebate::period_rebates;
use crate::domain::audit::{Audit, ContractResult};
use crate::domain::contract::{InstallmentRule, Portion, Settlement, Trigger};
use crate::domain::location::Location;
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::{d, day};
use crate::ruleset::Rulesets;
use std::sync::Arc;

/// 20% of a year's 100,000 = 20,000, paid 40% (8,000) then the rest (12,000), both due
/// 30 days after the year; one payout of 10,000 fills the first and 2,000 of the second.
fn two_installments() -> (Contract, ContractComputation, Vec<Vec<SourceRows>>, Payout) {
    let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Annual);
    staged.schedule = vec![
        InstallmentRule {
            number: 1,
            trigger: Trigger::Settlement,
            portion: Portion::Percent(d("0.40")),
        },
        InstallmentRule {
            number: 2,
            trigger: Trigger::Settlement,
            portion: Portion::Rest,
        },
    ];
    let periods = settlement_periods(&staged);
    let segments = segments(&staged, &periods);
    assert_eq!(segments.len(), 1);
    let rounding = crate::domain::money::Rounding::HalfUp;
    let rebates = period_rebates(&staged, &periods, &segments, &[d("100000")], rounding).unwrap();
    let shares = vec![
        split(
            &staged,
            periods[0].range.last,
            rebates[0].expected,
            rebates[0].weighted_base,
            rounding,
        )
        .unwrap(),
    ];
    let rows = vec![vec![SourceRows {
        table: Location::file("billing.csv".into()),
        product: "ECS".into(),
        coefficient: d("1"),
        rows: 3,
        row_ranges: "2-4".into(),
        base: d("100000"),
        weighted_base: d("100000"),
    }]];
    let payout = Payout {
        id: "P1".into(),
        contract_id: "C1".into(),
        paid_on: day("2026-01-20"),
        amount: d("10000.00"),
        currency: None,
        kind: None,
        period: None,
        installment: None,
        invoice: Default::default(),
        reference: None,
        source: Location::file("payouts.csv".into()),
        unread: Vec::new(),
    };
    let computation = ContractComputation {
        periods,
        rebates,
        shares,
        clawback: Vec::new(),
    };
    (staged, computation, rows, payout)
}

#[test]
fn a_periods_installments_and_findings_share_its_one_trail() {
    let (staged, computation, rows, payout) = two_installments();
    let rulesets = Rulesets::load(None).unwrap();
    let ruleset = rulesets.default_for_provider("generic");
    let payouts = [&payout];
    let invoice_numbers = HashMap::new();
    let outcome = reconcile_contract(
        &ContractInput {
            contract: &staged,
            ruleset,
            computation: &computation,
            payouts: &payouts,
            invoice_numbers: &invoice_numbers,
            as_of: day("2026-06-30"),
            causes: None,
        },
        rows.clone(),
    )
    .unwrap();
    assert_eq!(outcome.periods.len(), 1);
    let trail = &outcome.periods[0];
    assert_eq!(trail.key.to_string(), "C1/2025-01-01");
    assert_eq!(trail.source_rows, rows[0]);
    assert_eq!(trail.computation.period_expected, d("20000.00"));
    let short: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|finding| finding.finding_type == FindingType::Underpaid)
        .collect();
    assert_eq!(short.len(), 1, "{:?}", outcome.findings);
    let finding = short[0];
    assert_eq!(finding.installment, Some(2));
    let reference = finding
        .evidence
        .period
        .as_ref()
        .expect("a period reference");
    assert_eq!(reference.installment, 2);
    assert_eq!(reference.key(), &trail.key);
    // One trail: the result's, both installments' and the finding's are the same object.
    assert!(Arc::ptr_eq(&reference.trail, trail));
    for record in &outcome.installments {
        assert!(Arc::ptr_eq(&record.trail, trail));
    }
    assert_eq!(Arc::strong_count(trail), 1 + 2 + 1);
    // The finding sees its own installment: the rest, 12,000, not the first's 8,000.
    let seen = finding.evidence.computation().expect("a computation");
    assert_eq!(seen.installment, 2);
    assert_eq!(seen.portion, "rest");
    assert_eq!(seen.installment_expected, d("12000.00"));
    assert_eq!(seen.period_expected, d("20000.00"));
    assert_eq!(finding.evidence.source_rows(), rows[0].as_slice());
    assert_eq!(
        outcome.installments[0].computation().installment_expected,
        d("8000.00")
    );
    assert_eq!(outcome.installments[1].computation().portion, "rest");

    // The audit resolves the finding by key to the same trail and to its installment.
    let findings = outcome.findings.clone();
    let installments = outcome.installments.clone();
    let audit = Audit {
        as_of: day("2026-06-30"),
        rulesets: Vec::new(),
        inputs: Vec::new(),
        billing_controls: Vec::new(),
        payout_controls: Vec::new(),
        statement_controls: Vec::new(),
        contracts: vec![ContractResult {
            contract: staged.clone(),
            ruleset: ruleset.name.clone(),
            computation,
            periods: outcome.periods,
            installments: 0..installments.len(),
        }],
        installments,
        findings,
        payouts: vec![payout.clone()],
        changes: None,
        projections: Vec::new(),
        accruals: Default::default(),
    };
    let finding = &audit.findings[audit
        .findings
        .iter()
        .position(|finding| finding.finding_type == FindingType::Underpaid)
        .unwrap()];
    let resolved = audit.trail_of(finding).expect("the period is in the audit");
    assert!(std::ptr::eq(
        resolved,
        audit.contracts[0].periods[0].as_ref()
    ));
    let record = audit.installment_of(finding).expect("its installment");
    assert_eq!((record.installment, record.paid), (2, d("2000.00")));
    assert_eq!(audit.periods().count(), 1);
    assert_eq!(audit.named_periods().count(), 1);
    let elsewhere = PeriodKey {
        contract_id: "C1".into(),
        period_start: day("2024-01-01"),
    };
    assert!(audit.period(&elsewhere).is_none());
    let unknown = PeriodKey {
        contract_id: "C9".into(),
        period_start: day("2025-01-01"),
    };
    assert!(audit.period(&unknown).is_none());
    // A period's installments: both of its records, by number; none for a period or a
    // contract the audit does not have.
    let numbers: Vec<u32> = audit
        .installments_in(&resolved.key)
        .iter()
        .map(|record| record.installment)
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert!(audit.installments_in(&elsewhere).is_empty());
    assert!(audit.installments_in(&unknown).is_empty());
    let later = PeriodKey {
        contract_id: "C1".into(),
        period_start: day("2027-01-01"),
    };
    assert!(audit.installments_in(&later).is_empty());
}
