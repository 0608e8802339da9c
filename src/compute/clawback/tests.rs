//! The worked example of docs/ARITHMETIC.md, "Clawbacks": a retroactive tier reached in
//! Q2, a refund in Q3 that drops the year back below it, under every rule.

use super::*;
use crate::compute::rebate::period_rebates;
use crate::domain::contract::{Bracket, Settlement, TierBasis, TierTable};
use crate::domain::money::Rounding;
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::d;

/// E_p of the worked example: 10% below 1,000,000, 15% from it, retroactive on the
/// contract year, quarterly; W = 600,000, 500,000, −150,000 (50,000 billed, 200,000
/// refunded), and `q4` in Q4.
fn worked_rebates(q4: &str) -> Vec<Decimal> {
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
    let periods = settlement_periods(&staged);
    let segments = segments(&staged, &periods);
    let bases = [d("600000"), d("500000"), d("-150000"), d(q4)];
    let rebates = period_rebates(&staged, &periods, &segments, &bases, Rounding::HalfUp).unwrap();
    rebates.iter().map(|rebate| rebate.expected).collect()
}

fn column(steps: &[ClawbackStep], field: fn(&ClawbackStep) -> Decimal) -> Vec<String> {
    steps
        .iter()
        .map(|step| field(step).normalize().to_string())
        .collect()
}

#[test]
fn the_worked_example_under_every_rule() {
    let rebates = worked_rebates("300000");
    // Earned: 60,000; 1,100,000 × 15% = 165,000; 950,000 × 10% = 95,000;
    // 1,250,000 × 15% = 187,500.
    assert_eq!(
        rebates.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["60000.00", "105000.00", "-70000.00", "92500.00"]
    );
    let net = steps_of(ClawbackRule::Net, &rebates).unwrap();
    assert_eq!(
        column(&net, |step| step.payable),
        ["60000", "105000", "-70000", "92500"]
    );
    assert!(net.iter().all(ClawbackStep::is_plain));
    let carry = steps_of(ClawbackRule::CarryForward, &rebates).unwrap();
    assert_eq!(
        column(&carry, |step| step.payable),
        ["60000", "105000", "0", "22500"]
    );
    assert_eq!(
        column(&carry, |step| step.carried_in),
        ["0", "0", "0", "70000"]
    );
    assert_eq!(
        column(&carry, |step| step.carried_out),
        ["0", "0", "70000", "0"]
    );
    assert_eq!(
        column(&carry, |step| step.deducted),
        ["0", "0", "0", "70000"]
    );
    assert_eq!(carry[3].lapsed, Decimal::ZERO);
    assert!(!carry[2].is_plain() && !carry[3].is_plain() && carry[1].is_plain());
    let none = steps_of(ClawbackRule::None, &rebates).unwrap();
    assert_eq!(
        column(&none, |step| step.payable),
        ["60000", "105000", "0", "92500"]
    );
    assert_eq!(column(&none, |step| step.carried_out), ["0", "0", "0", "0"]);
    assert!(!none[2].is_plain() && none[3].is_plain());
}

#[test]
fn what_is_left_to_carry_at_the_term_end_lapses() {
    // Q4 W = 100,000: 1,050,000 × 15% = 157,500, E_4 = 62,500 < 70,000 carried.
    let rebates = worked_rebates("100000");
    assert_eq!(rebates[3], d("62500"));
    let carry = steps_of(ClawbackRule::CarryForward, &rebates).unwrap();
    assert_eq!(carry[3].payable, Decimal::ZERO);
    assert_eq!(carry[3].deducted, d("62500"));
    assert_eq!(carry[3].carried_out, d("7500"));
    assert_eq!(carry[3].lapsed, d("7500"));
    assert_eq!(
        carry[2].lapsed,
        Decimal::ZERO,
        "only the last period lapses"
    );
}

#[test]
fn a_carry_used_exactly_leaves_nothing_and_runs_over_two_negative_periods() {
    let carry = steps_of(
        ClawbackRule::CarryForward,
        &[d("-10"), d("-5"), d("15"), d("4")],
    )
    .unwrap();
    assert_eq!(
        column(&carry, |step| step.carried_in),
        ["0", "10", "15", "0"]
    );
    assert_eq!(column(&carry, |step| step.payable), ["0", "0", "0", "4"]);
    assert_eq!(column(&carry, |step| step.deducted), ["0", "0", "15", "0"]);
    assert_eq!(carry[3].lapsed, Decimal::ZERO);
    assert!(steps_of(ClawbackRule::Net, &[]).unwrap().is_empty());
}

#[test]
fn no_rule_pays_each_period_its_own_rebate() {
    assert!(steps(None, &[]).unwrap().is_empty());
    assert_eq!(payable(&[], 0, d("-70")), d("-70"));
    let carry = steps_of(ClawbackRule::CarryForward, &[d("-70"), d("100")]).unwrap();
    assert_eq!(payable(&carry, 1, d("100")), d("30"));
    assert_eq!(payable(&carry, 5, d("9")), d("9"));
}

#[test]
fn steps_reads_each_periods_rebate() {
    let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    staged.tier_basis = TierBasis::ContractYear;
    let periods = settlement_periods(&staged);
    let segments = segments(&staged, &periods);
    // 20%: 1,000 then a refund of 1,500: E = 200, −300, 0, 0.
    let bases = [d("1000"), d("-1500"), d("0"), d("0")];
    let rebates = period_rebates(&staged, &periods, &segments, &bases, Rounding::HalfUp).unwrap();
    let carry = steps(Some(ClawbackRule::CarryForward), &rebates).unwrap();
    assert_eq!(
        column(&carry, |step| step.period_rebate),
        ["200", "-200", "0", "0"]
    );
    assert_eq!(carry[3].lapsed, d("200"));
}
