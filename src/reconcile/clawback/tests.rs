//! The worked example of docs/ARITHMETIC.md, "Clawbacks": E_p = 60,000, 105,000,
//! −70,000 and 92,500 over 2025's quarters; what each contract rule makes of a payment.

use super::*;
use crate::compute::rebate::period_rebates;
use crate::domain::contract::{
    Bracket, InstallmentRule, Portion, Settlement, TierBasis, TierTable, Trigger,
};
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::{d, day};

fn worked(
    rule: Option<ClawbackRule>,
    q4: &str,
    schedule: Vec<InstallmentRule>,
) -> (Contract, ContractComputation) {
    let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    staged.tier_basis = TierBasis::ContractYear;
    staged.tiers = TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("1000000")),
            rate: d("0.10"),
        },
        Bracket {
            from: d("1000000"),
            to: None,
            rate: d("0.15"),
        },
    ])
    .unwrap();
    staged.clawback = rule;
    staged.schedule = schedule;
    computed(staged, &[d("600000"), d("500000"), d("-150000"), d(q4)])
}

fn causes(rule: Option<ClawbackRule>, q4: &str, paid: &str) -> Vec<LikelyCause> {
    let (contract, computation) = worked(rule, q4, InstallmentRule::single());
    let input = ClawbackInput {
        contract: &contract,
        computation: &computation,
        rounding: Rounding::HalfUp,
        tolerance: d("0.01"),
    };
    likely_causes(&input, 3, 1, d(paid)).unwrap()
}

fn q3() -> Vec<DateRange> {
    vec![DateRange {
        first: day("2025-07-01"),
        last: day("2025-09-30"),
    }]
}

#[test]
fn a_deduction_the_contract_does_not_allow() {
    // `none`: Q4 expects 92,500.00; 22,500.00 is 92,500 less Q3's 70,000 carried.
    let found = causes(Some(ClawbackRule::None), "300000", "22500");
    assert_eq!(found.len(), 1);
    let cause = &found[0];
    assert_eq!(cause.code, CauseCode::ClawbackNotAllowed);
    assert_eq!(cause.expected, d("92500.00"));
    assert_eq!(cause.expected_under_mistake, d("22500.00"));
    assert_eq!(cause.portion, None);
    assert_eq!(
        cause.mistake,
        Mistake::Clawback {
            contract: Some(ClawbackRule::None),
            used: ClawbackRule::CarryForward,
            period_rebate: d("92500.00"),
            carried: d("70000.00"),
            from: q3(),
        }
    );
    // Within the tolerance is still likely; a cent beyond it is not.
    assert_eq!(
        causes(Some(ClawbackRule::None), "300000", "22500.01").len(),
        1
    );
    assert_eq!(
        causes(Some(ClawbackRule::None), "300000", "22499.99").len(),
        1
    );
    assert!(causes(Some(ClawbackRule::None), "300000", "22500.02").is_empty());
    assert!(causes(Some(ClawbackRule::None), "300000", "22499.98").is_empty());
    assert!(causes(Some(ClawbackRule::None), "300000", "92500").is_empty());
}

#[test]
fn each_contract_rule_names_its_own_cause() {
    let code = |rule, paid| causes(rule, "300000", paid).first().map(|cause| cause.code);
    assert_eq!(code(None, "22500"), Some(CauseCode::ClawbackWithoutRule));
    assert_eq!(
        code(Some(ClawbackRule::Net), "22500"),
        Some(CauseCode::ClawbackDeducted)
    );
    // `carry_forward` expects 22,500.00: paying 92,500.00 ignores the carry.
    let found = causes(Some(ClawbackRule::CarryForward), "300000", "92500");
    assert_eq!(found[0].code, CauseCode::ClawbackNotApplied);
    assert_eq!(found[0].expected, d("22500.00"));
    assert_eq!(found[0].expected_under_mistake, d("92500.00"));
    let Mistake::Clawback {
        carried,
        from,
        used,
        ..
    } = &found[0].mistake
    else {
        panic!("{:?}", found[0].mistake)
    };
    assert_eq!(
        (*carried, from.clone(), *used),
        (d("70000.00"), q3(), ClawbackRule::None)
    );
    assert!(causes(Some(ClawbackRule::CarryForward), "300000", "22500").is_empty());
}

#[test]
fn a_carry_larger_than_the_period_leaves_it_unpaid() {
    // Q4 W = 100,000: E_4 = 62,500 < 70,000 carried; carry_forward gives 0.
    let found = causes(Some(ClawbackRule::None), "100000", "0");
    assert_eq!(found[0].code, CauseCode::ClawbackNotAllowed);
    assert_eq!(found[0].expected_under_mistake, Decimal::ZERO);
    let Mistake::Clawback { carried, .. } = &found[0].mistake else {
        panic!()
    };
    assert_eq!(*carried, d("62500.00"));
}

#[test]
fn periods_the_rules_agree_on_name_nothing() {
    let (contract, computation) = worked(
        Some(ClawbackRule::None),
        "300000",
        InstallmentRule::single(),
    );
    let input = ClawbackInput {
        contract: &contract,
        computation: &computation,
        rounding: Rounding::HalfUp,
        tolerance: d("0.01"),
    };
    // Q2: 105,000 under every rule, whatever was paid.
    assert!(likely_causes(&input, 1, 1, d("35000")).unwrap().is_empty());
    assert!(likely_causes(&input, 9, 1, d("1")).unwrap().is_empty());
    assert!(likely_causes(&input, 3, 2, d("22500")).unwrap().is_empty());
}

#[test]
fn a_staged_schedule_replays_each_installment() {
    let schedule = vec![
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
    let (contract, computation) = worked(Some(ClawbackRule::None), "300000", schedule);
    let input = ClawbackInput {
        contract: &contract,
        computation: &computation,
        rounding: Rounding::HalfUp,
        tolerance: d("0.01"),
    };
    // 40% of 22,500 = 9,000 (of 92,500: 37,000).
    let found = likely_causes(&input, 3, 1, d("9000")).unwrap();
    assert_eq!(found[0].expected, d("37000.00"));
    assert_eq!(found[0].portion, Some(Portion::Percent(d("0.40"))));
    let found = likely_causes(&input, 3, 2, d("13500")).unwrap();
    assert_eq!(found[0].expected, d("55500.00"));
}

#[test]
fn carries_from_two_negative_periods_name_both() {
    let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    staged.clawback = Some(ClawbackRule::CarryForward);
    let steps = clawback::steps_of(
        ClawbackRule::CarryForward,
        &[d("-10"), d("5"), d("-5"), d("20")],
    )
    .unwrap();
    let computation = ContractComputation {
        periods: settlement_periods(&staged),
        rebates: Vec::new(),
        shares: Vec::new(),
        clawback: steps.clone(),
    };
    let from = origins(&steps, &computation, 3);
    assert_eq!(
        from.iter().map(|range| range.first).collect::<Vec<_>>(),
        [day("2025-01-01"), day("2025-07-01")]
    );
    assert!(origins(&steps, &computation, 0).is_empty());
    assert_eq!(origins(&steps, &computation, 1).len(), 1);
}

/// A flat 10% on the contract year, quarterly, under `rule`, with these quarters' bases.
fn flat(rule: ClawbackRule, bases: [&str; 4]) -> (Contract, ContractComputation) {
    let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    staged.tier_basis = TierBasis::ContractYear;
    staged.tiers = TierTable::new(vec![Bracket {
        from: d("0"),
        to: None,
        rate: d("0.10"),
    }])
    .unwrap();
    staged.clawback = Some(rule);
    computed(staged, &bases.map(d))
}

/// The contract's computation as the run makes it: E_p per quarter on these bases, the
/// contract's clawback rule applied, then the split into installments.
fn computed(staged: Contract, bases: &[Decimal]) -> (Contract, ContractComputation) {
    let periods = settlement_periods(&staged);
    let segments = segments(&staged, &periods);
    let rebates = period_rebates(&staged, &periods, &segments, bases, Rounding::HalfUp).unwrap();
    let steps = clawback::steps(staged.clawback, &rebates).unwrap();
    let shares = periods
        .iter()
        .zip(&rebates)
        .enumerate()
        .map(|(index, (period, rebate))| {
            installments::split(
                &staged,
                period.range.last,
                clawback::payable(&steps, index, rebate.expected),
                rebate.weighted_base,
                Rounding::HalfUp,
            )
            .unwrap()
        })
        .collect();
    let computation = ContractComputation {
        periods,
        rebates,
        shares,
        clawback: steps,
    };
    (staged, computation)
}

#[test]
fn a_carry_no_larger_than_the_tolerance_names_nothing() {
    // E = 10.00, −0.01, 100.00: `none` expects 100.00 in Q3; a carry of 0.01 gives 99.99,
    // which is within the tolerance of the expectation: no cause.
    let (contract, computation) = flat(ClawbackRule::None, ["100", "-0.1", "1000", "0"]);
    assert_eq!(computation.rebates[1].expected, d("-0.01"));
    let input = ClawbackInput {
        contract: &contract,
        computation: &computation,
        rounding: Rounding::HalfUp,
        tolerance: d("0.01"),
    };
    assert!(likely_causes(&input, 2, 1, d("99.99")).unwrap().is_empty());
    // A carry of 0.02 is beyond it.
    let (contract, computation) = flat(ClawbackRule::None, ["100", "-0.2", "1000", "0"]);
    let input = ClawbackInput {
        contract: &contract,
        computation: &computation,
        rounding: Rounding::HalfUp,
        tolerance: d("0.01"),
    };
    assert_eq!(likely_causes(&input, 2, 1, d("99.98")).unwrap().len(), 1);
}

#[test]
fn a_period_of_nothing_between_passes_the_carry_on_but_is_no_origin() {
    let steps =
        clawback::steps_of(ClawbackRule::CarryForward, &[d("-10"), d("0"), d("20")]).unwrap();
    let staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    let computation = ContractComputation {
        periods: settlement_periods(&staged),
        rebates: Vec::new(),
        shares: Vec::new(),
        clawback: steps.clone(),
    };
    assert_eq!(
        origins(&steps, &computation, 2)
            .iter()
            .map(|range| range.first)
            .collect::<Vec<_>>(),
        [day("2025-01-01")]
    );
}

/// An allocation of `amount` from payout `id` on `paid_on`, at ledger row `row`.
fn allocation(id: &str, paid_on: &str, amount: &str, row: usize) -> Allocation {
    let mut source = Location::file("payouts.csv".into());
    source.row = Some(row);
    Allocation {
        payout_id: id.into(),
        paid_on: day(paid_on),
        amount: d(amount),
        excess: false,
        source,
    }
}

fn ruled(rule: Option<ClawbackRule>) -> Contract {
    worked(rule, "300000", InstallmentRule::single()).0
}

#[test]
fn cash_taken_back_on_a_no_clawback_contract_is_named_with_its_rows() {
    // Q2 expects 105,000.00: P2 paid it, N1 took 25,000.00 back in cash.
    let rows = [
        allocation("P2", "2025-07-15", "105000", 3),
        allocation("N1", "2025-10-20", "-25000", 5),
    ];
    for rule in [ClawbackRule::None, ClawbackRule::CarryForward] {
        let cause = cash_taken_back(&ruled(Some(rule)), 1, d("105000"), &rows)
            .unwrap()
            .expect("named");
        assert_eq!(cause.code, CauseCode::ClawbackInCash);
        assert_eq!(cause.expected_under_mistake, d("80000"));
        assert_eq!((cause.installment, cause.expected), (1, d("105000")));
        let Mistake::ClawbackInCash {
            contract,
            rows: named,
            taken,
            received,
        } = &cause.mistake
        else {
            panic!("{:?}", cause.mistake);
        };
        assert_eq!(*contract, rule);
        assert_eq!((*taken, *received), (d("25000"), d("105000")));
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].payout_id, "N1");
        assert_eq!(named[0].amount, d("-25000"));
        assert_eq!(named[0].paid_on, day("2025-10-20"));
        assert_eq!(named[0].source.row, Some(5));
    }
    // `net` (a clawback owed back) and a blank rule allow it; no negative row, nothing.
    for rule in [Some(ClawbackRule::Net), None] {
        assert_eq!(
            cash_taken_back(&ruled(rule), 1, d("105000"), &rows).unwrap(),
            None
        );
    }
    assert_eq!(
        cash_taken_back(&ruled(Some(ClawbackRule::None)), 1, d("105000"), &rows[..1]).unwrap(),
        None
    );
}

#[test]
fn cash_left_over_on_the_contract_is_named_as_installment_zero() {
    let source = Location::file("payouts.csv".into());
    let cause = cash_left_over(
        &ruled(Some(ClawbackRule::None)),
        "N1",
        day("2025-10-20"),
        d("-30000"),
        &source,
    )
    .unwrap()
    .expect("named");
    assert_eq!((cause.installment, cause.expected), (0, d("0")));
    assert_eq!(cause.expected_under_mistake, d("-30000"));
    assert!(
        cash_left_over(
            &ruled(Some(ClawbackRule::None)),
            "P9",
            day("2025-10-20"),
            d("500"),
            &source
        )
        .unwrap()
        .is_none()
    );
}

#[test]
fn a_zero_row_takes_nothing_back() {
    // A 0.00 payout lands on its period as a zero allocation: nothing was taken back.
    let rows = [
        allocation("P2", "2025-07-15", "105000", 3),
        allocation("Z1", "2025-10-20", "0", 6),
    ];
    assert_eq!(
        cash_taken_back(&ruled(Some(ClawbackRule::None)), 1, d("105000"), &rows).unwrap(),
        None
    );
}
