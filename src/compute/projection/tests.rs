//! Worked tables for the projection (docs/ARITHMETIC.md, "Projections"): one contract
//! year per test, its monthly or quarterly weighted bases, the audit date, and every
//! number the projection must show.

use super::*;
use crate::domain::contract::{Bracket, Settlement, TierTable};
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::{d, day};

fn tiers(rows: &[(&str, Option<&str>, &str)]) -> TierTable {
    TierTable::new(
        rows.iter()
            .map(|(from, to, rate)| Bracket {
                from: d(from),
                to: to.map(d),
                rate: d(rate),
            })
            .collect(),
    )
    .unwrap()
}

/// The docs' worked example: 2026, monthly, contract-year basis, retroactive
/// 10% / 12% from 1,000,000 / 15% from 2,000,000.
fn worked(mode: TierMode) -> Contract {
    let mut contract = contract("2026-01-01", "2026-12-31", Settlement::Monthly);
    contract.tier_basis = TierBasis::ContractYear;
    contract.tier_mode = mode;
    contract.tiers = tiers(&[
        ("0", Some("1000000"), "0.10"),
        ("1000000", Some("2000000"), "0.12"),
        ("2000000", None, "0.15"),
    ]);
    contract
}

/// Projects `contract` at `as_of` with the given weighted base per settlement period
/// (periods not listed have none).
fn run(contract: &Contract, bases: &[&str], as_of: &str) -> Option<Projection> {
    let periods = settlement_periods(contract);
    let segments = segments(contract, &periods);
    let mut segment_bases = vec![Decimal::ZERO; segments.len()];
    for (index, base) in bases.iter().enumerate() {
        segment_bases[index] = d(base);
    }
    project(&ProjectionInput {
        contract,
        periods: &periods,
        segments: &segments,
        segment_bases: &segment_bases,
        rounding: Rounding::HalfUp,
        as_of: day(as_of),
    })
    .unwrap()
}

const SIX_MONTHS: [&str; 6] = ["150000"; 6];

#[test]
fn the_worked_example_one_step_from_the_next_tier() {
    let projection = run(&worked(TierMode::Retroactive), &SIX_MONTHS, "2026-06-30").unwrap();
    assert_eq!(projection.year.first, day("2026-01-01"));
    assert_eq!(projection.year.last, day("2026-12-31"));
    assert_eq!(projection.days_elapsed, 181);
    assert_eq!(projection.days_in_year, 365);
    assert_eq!(projection.scope, projection.year);
    assert_eq!(projection.scope_base, d("900000"));
    assert_eq!(projection.year_base, d("900000"));
    assert_eq!(projection.rate, d("0.10"));
    assert_eq!(projection.earned, d("90000.00"));
    assert!(!projection.cap_reached);
    let next = projection.next.unwrap();
    assert_eq!(next.threshold, d("1000000"));
    assert_eq!(next.rate, d("0.12"));
    assert_eq!(next.spend_needed, d("100000"));
    // 1,000,000 × 12% − 90,000: the 100,000 at 12% (12,000) and 900,000 × 2% again.
    assert_eq!(next.unlock, d("30000.00"));
    assert_eq!(next.catch_up, d("18000.00"));
    assert!(!next.cap_limited);
    // 900,000 + round(900,000 × 184 ÷ 181) = 900,000 + 914,917.13.
    assert_eq!(projection.year_end.weighted_base, d("1814917.13"));
    // 1,814,917.13 × 12% = 217,790.0556.
    assert_eq!(projection.year_end.rebate, d("217790.06"));
    assert!(!projection.year_end.cap_applied);
    assert!(projection.year_end.reaches_next);
}

#[test]
fn marginal_tiers_unlock_no_catch_up() {
    let projection = run(&worked(TierMode::Marginal), &SIX_MONTHS, "2026-06-30").unwrap();
    assert_eq!(projection.earned, d("90000.00"));
    let next = projection.next.unwrap();
    assert_eq!(next.spend_needed, d("100000"));
    assert_eq!(next.unlock, d("10000.00"));
    assert_eq!(next.catch_up, Decimal::ZERO);
    // 1,000,000 × 10% + 814,917.13 × 12% = 100,000 + 97,790.0556.
    assert_eq!(projection.year_end.rebate, d("197790.06"));
}

#[test]
fn no_lines_yet_in_the_year() {
    let projection = run(&worked(TierMode::Retroactive), &[], "2026-03-15").unwrap();
    assert_eq!(projection.days_elapsed, 74);
    assert_eq!(projection.scope_base, Decimal::ZERO);
    assert_eq!(projection.earned, Decimal::ZERO);
    let next = projection.next.unwrap();
    assert_eq!(next.spend_needed, d("1000000"));
    assert_eq!(next.unlock, d("120000.00"));
    assert_eq!(next.catch_up, Decimal::ZERO);
    assert_eq!(projection.year_end.weighted_base, Decimal::ZERO);
    assert_eq!(projection.year_end.rebate, Decimal::ZERO);
    assert!(!projection.year_end.reaches_next);
}

#[test]
fn the_first_day_of_the_year_counts_one_day() {
    let projection = run(&worked(TierMode::Retroactive), &["1000"], "2026-01-01").unwrap();
    assert_eq!(projection.days_elapsed, 1);
    // 1,000 + 1,000 × 364.
    assert_eq!(projection.year_end.weighted_base, d("365000"));
    let last = run(&worked(TierMode::Retroactive), &SIX_MONTHS, "2026-12-31").unwrap();
    assert_eq!(last.days_elapsed, 365);
    assert_eq!(last.year_end.weighted_base, d("900000"));
    assert_eq!(last.year_end.rebate, d("90000.00"));
}

#[test]
fn in_the_top_tier_there_is_no_next_one() {
    let projection = run(&worked(TierMode::Retroactive), &["2100000"], "2026-01-31").unwrap();
    assert_eq!(projection.rate, d("0.15"));
    assert_eq!(projection.earned, d("315000.00"));
    assert_eq!(projection.next, None);
    assert!(!projection.year_end.reaches_next);
    // Exactly on the threshold is the upper bracket already.
    let on = run(&worked(TierMode::Retroactive), &["1000000"], "2026-01-31").unwrap();
    assert_eq!(on.rate, d("0.12"));
    assert_eq!(on.next.unwrap().threshold, d("2000000"));
    let below = run(&worked(TierMode::Retroactive), &["999999.99"], "2026-01-31").unwrap();
    let next = below.next.unwrap();
    assert_eq!(next.threshold, d("1000000"));
    assert_eq!(next.spend_needed, d("0.01"));
    // 120,000.00 − 99,999.999 rounded to 100,000.00.
    assert_eq!(next.unlock, d("20000.00"));
    assert_eq!(next.catch_up, d("20000.00"));
}

#[test]
fn a_bracket_with_no_higher_rate_is_passed_over() {
    let mut contract = worked(TierMode::Retroactive);
    contract.tiers = tiers(&[
        ("0", Some("100"), "0.10"),
        ("100", Some("200"), "0.05"),
        ("200", Some("300"), "0.20"),
    ]);
    let projection = run(&contract, &["50"], "2026-01-31").unwrap();
    let next = projection.next.unwrap();
    assert_eq!(next.threshold, d("200"));
    assert_eq!(next.unlock, d("35.00"));
    // Above a closed last bracket the rate is 0 and nothing lies above.
    let above = run(&contract, &["350"], "2026-01-31").unwrap();
    assert_eq!(above.rate, Decimal::ZERO);
    assert_eq!(above.next, None);
}

#[test]
fn a_cap_already_reached_unlocks_nothing() {
    let mut contract = worked(TierMode::Retroactive);
    contract.cap = Some(d("90000"));
    let projection = run(&contract, &SIX_MONTHS, "2026-06-30").unwrap();
    assert!(projection.cap_reached);
    assert_eq!(projection.earned, d("90000.00"));
    let next = projection.next.unwrap();
    assert_eq!(next.unlock, Decimal::ZERO);
    assert_eq!(next.catch_up, Decimal::ZERO);
    assert!(next.cap_limited);
    assert_eq!(projection.year_end.rebate, d("90000.00"));
    assert!(projection.year_end.cap_applied);
    // A cap between now and the next tier: the unlock stops at it, and so does the
    // catch-up.
    contract.cap = Some(d("100000"));
    let projection = run(&contract, &SIX_MONTHS, "2026-06-30").unwrap();
    assert!(!projection.cap_reached);
    let next = projection.next.unwrap();
    assert_eq!(next.unlock, d("10000.00"));
    assert_eq!(next.catch_up, d("10000.00"));
    assert!(next.cap_limited);
    // A cap above the next tier's rebate does not limit it.
    contract.cap = Some(d("120000"));
    let next = run(&contract, &SIX_MONTHS, "2026-06-30")
        .unwrap()
        .next
        .unwrap();
    assert_eq!(next.unlock, d("30000.00"));
    assert!(!next.cap_limited);
}

#[test]
fn a_negative_base_earns_nothing_and_needs_more_spend() {
    let projection = run(
        &worked(TierMode::Retroactive),
        &["10000", "-15000"],
        "2026-02-28",
    )
    .unwrap();
    assert_eq!(projection.scope_base, d("-5000"));
    assert_eq!(projection.rate, d("0.10"));
    assert_eq!(projection.earned, Decimal::ZERO);
    let next = projection.next.unwrap();
    assert_eq!(next.spend_needed, d("1005000"));
    assert_eq!(next.unlock, d("120000.00"));
    assert_eq!(next.catch_up, Decimal::ZERO);
    // -5,000 + round(-5,000 × 306 ÷ 59) = -5,000 − 25,932.20.
    assert_eq!(projection.year_end.weighted_base, d("-30932.20"));
    assert_eq!(projection.year_end.rebate, Decimal::ZERO);
}

/// Quarterly settlement, tiers on each quarter's own volume: 8%, 10% from 300,000.
fn quarterly() -> Contract {
    let mut contract = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    contract.tier_basis = TierBasis::Period;
    contract.tiers = tiers(&[("0", Some("300000"), "0.08"), ("300000", None, "0.10")]);
    contract
}

#[test]
fn period_basis_projects_the_open_period_and_prices_each_period_on_its_own() {
    let projection = run(&quarterly(), &["330000", "120000"], "2026-05-15").unwrap();
    assert_eq!(projection.scope.first, day("2026-04-01"));
    assert_eq!(projection.scope.last, day("2026-06-30"));
    assert_eq!(projection.scope_base, d("120000"));
    assert_eq!(projection.year_base, d("450000"));
    assert_eq!(projection.days_elapsed, 135);
    // Q1 at 10% (33,000) and Q2 so far at 8% (9,600).
    assert_eq!(projection.earned, d("42600.00"));
    let next = projection.next.unwrap();
    assert_eq!(next.threshold, d("300000"));
    assert_eq!(next.spend_needed, d("180000"));
    assert_eq!(next.unlock, d("20400.00"));
    assert_eq!(next.catch_up, d("2400.00"));
    // Q2 120,000 + round(450,000 × 46 ÷ 135) = 273,333.33 at 8% = 21,866.67; Q3 and Q4
    // round(450,000 × 92 ÷ 135) = 306,666.67 at 10% = 30,666.67 each; Q1 33,000.
    assert_eq!(projection.year_end.rebate, d("116200.01"));
    assert!(!projection.year_end.reaches_next);
    // 450,000 + round(450,000 × 230 ÷ 135).
    assert_eq!(projection.year_end.weighted_base, d("1216666.67"));
}

#[test]
fn period_basis_shares_the_year_cap_with_the_closed_periods() {
    let mut contract = quarterly();
    contract.cap = Some(d("50000"));
    let projection = run(&contract, &["330000", "120000"], "2026-05-15").unwrap();
    assert!(!projection.cap_reached);
    let next = projection.next.unwrap();
    // 33,000 + 30,000 would be 63,000; the cap holds the year at 50,000.
    assert_eq!(next.unlock, d("7400.00"));
    assert!(next.cap_limited);
    assert_eq!(projection.year_end.rebate, d("50000.00"));
    assert!(projection.year_end.cap_applied);
}

#[test]
fn the_term_scope_counts_earlier_years_and_caps_the_term() {
    let mut contract = contract("2025-01-01", "2026-12-31", Settlement::Monthly);
    contract.tier_basis = TierBasis::Term;
    contract.tiers = tiers(&[("0", Some("1000000"), "0.05"), ("1000000", None, "0.08")]);
    contract.cap = Some(d("100000"));
    let mut bases = vec!["0"; 12];
    bases[11] = "800000";
    bases.extend(["50000", "50000", "50000"]);
    let projection = run(&contract, &bases, "2026-03-31").unwrap();
    assert_eq!(projection.year.first, day("2026-01-01"));
    assert_eq!(projection.scope, contract.term());
    assert_eq!(projection.scope_base, d("950000"));
    assert_eq!(projection.year_base, d("150000"));
    // The term's 47,500 less the 40,000 of 2025.
    assert_eq!(projection.earned, d("7500.00"));
    let next = projection.next.unwrap();
    assert_eq!(next.spend_needed, d("50000"));
    assert_eq!(next.unlock, d("32500.00"));
    assert_eq!(next.catch_up, d("28500.00"));
    // 950,000 + round(150,000 × 275 ÷ 90) = 1,408,333.33 → 112,666.67, capped 100,000,
    // less 2025's 40,000.
    assert_eq!(projection.year_end.rebate, d("60000.00"));
    assert!(projection.year_end.cap_applied);
    assert!(projection.year_end.reaches_next);
    assert_eq!(projection.year_end.weighted_base, d("608333.33"));
}

#[test]
fn no_open_year_outside_the_term() {
    let contract = worked(TierMode::Retroactive);
    assert_eq!(run(&contract, &SIX_MONTHS, "2025-12-31"), None);
    assert_eq!(run(&contract, &SIX_MONTHS, "2027-01-01"), None);
}

#[test]
fn lines_of_periods_after_the_audit_date_do_not_count() {
    let projection = run(
        &worked(TierMode::Retroactive),
        &["100", "200", "400"],
        "2026-02-10",
    )
    .unwrap();
    assert_eq!(projection.year_base, d("300"));
    assert_eq!(projection.currency, "CNY");
    assert_eq!(projection.contract_id, "C1");
}

#[test]
fn on_the_first_day_of_a_period_that_period_is_the_open_one() {
    let projection = run(&quarterly(), &["330000", "1000"], "2026-04-01").unwrap();
    assert_eq!(projection.scope.first, day("2026-04-01"));
    assert_eq!(projection.scope_base, d("1000"));
    assert_eq!(projection.days_elapsed, 91);
    // Q1 at 10% and April's first day at 8%.
    assert_eq!(projection.earned, d("33080.00"));
}

#[test]
fn a_bracket_with_the_same_rate_is_passed_over_too() {
    let mut contract = worked(TierMode::Retroactive);
    contract.tiers = tiers(&[
        ("0", Some("100"), "0.10"),
        ("100", Some("200"), "0.10"),
        ("200", None, "0.20"),
    ]);
    let next = run(&contract, &["50"], "2026-01-31").unwrap().next.unwrap();
    assert_eq!(next.threshold, d("200"));
    assert_eq!(next.spend_needed, d("150"));
}

#[test]
fn a_projection_exactly_at_the_cap_is_not_cut_by_it() {
    let mut contract = worked(TierMode::Retroactive);
    contract.cap = Some(d("217790.06"));
    let projection = run(&contract, &SIX_MONTHS, "2026-06-30").unwrap();
    assert_eq!(projection.year_end.rebate, d("217790.06"));
    assert!(!projection.year_end.cap_applied);
    // Earned exactly at the cap: reached, and nothing more to unlock.
    contract.cap = Some(d("90000"));
    let projection = run(&contract, &SIX_MONTHS, "2026-06-30").unwrap();
    assert!(projection.cap_reached);
    // A year end exactly on the threshold reaches it: 200,000 in 73 days, 292 more days
    // at the same rate add 800,000.
    let on = run(
        &worked(TierMode::Retroactive),
        &["100000", "100000"],
        "2026-03-14",
    )
    .unwrap();
    assert_eq!(on.days_elapsed, 73);
    assert_eq!(on.year_end.weighted_base, d("1000000"));
    assert!(on.year_end.reaches_next);
}
