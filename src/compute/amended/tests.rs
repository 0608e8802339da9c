use super::*;
use crate::domain::amendment::{AmendedTerms, Amendment, Retroactive, applies_from};
use crate::domain::contract::{Bracket, Settlement, TierMode, TierTable};
use crate::domain::location::Location;
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::{d, day};

/// `low` below 1,000,000, `high` from it.
fn table(low: &str, high: &str) -> TierTable {
    TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("1000000")),
            rate: d(low),
        },
        Bracket {
            from: d("1000000"),
            to: None,
            rate: d(high),
        },
    ])
    .unwrap()
}

fn amendment(
    id: &str,
    start: &str,
    effective: &str,
    retroactive: Retroactive,
    tiers: TierTable,
) -> Amendment {
    Amendment {
        id: id.into(),
        effective_from: day(effective),
        retroactive,
        applies_from: applies_from(day(start), day(effective), retroactive),
        terms: AmendedTerms::Tiers(tiers),
        source: Location::file("contracts.xlsx".into()),
    }
}

/// The docs' worked example (docs/ARITHMETIC.md, "Amendments"): 2026, quarterly,
/// contract-year basis, retroactive tiers 10% / 12% from 1,000,000; amendment A-1 sets
/// 12% / 15% from 2026-07-01; 300,000 of weighted base a quarter.
fn worked(retroactive: Retroactive, effective: &str) -> Contract {
    let mut amended = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    amended.tier_basis = TierBasis::ContractYear;
    amended.tier_mode = TierMode::Retroactive;
    amended.tiers = table("0.10", "0.12");
    amended.amendments = vec![amendment(
        "A-1",
        "2026-01-01",
        effective,
        retroactive,
        table("0.12", "0.15"),
    )];
    amended
}

fn run(contract: &Contract, bases: &[&str]) -> Vec<PeriodRebate> {
    let periods = settlement_periods(contract);
    let segments = segments(contract, &periods);
    let bases: Vec<Decimal> = bases.iter().map(|base| d(base)).collect();
    super::super::rebate::period_rebates(contract, &periods, &segments, &bases, Rounding::HalfUp)
        .unwrap()
}

fn column(rebates: &[PeriodRebate], pick: impl Fn(&PeriodRebate) -> String) -> Vec<String> {
    rebates.iter().map(pick).collect()
}

/// | quarter | B (year) | runs | Earned | E_p |
/// |---|---|---|---|---|
/// | Q1 | 300,000 | old R(300k) = 30,000 | 30,000 | 30,000 |
/// | Q2 | 600,000 | old R(600k) = 60,000 | 60,000 | 30,000 |
/// | Q3 | 900,000 | 60,000 + new R(900k) − new R(600k) = 60,000 + 108,000 − 72,000 | 96,000 | 36,000 |
/// | Q4 | 1,200,000 | 60,000 + new R(1.2M) − new R(600k) = 60,000 + 180,000 − 72,000 | 168,000 | 72,000 |
#[test]
fn worked_example_not_retroactive_prices_each_stretch_under_its_table() {
    let rebates = run(&worked(Retroactive::No, "2026-07-01"), &["300000"; 4]);
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        ["30000.00", "30000.00", "36000.00", "72000.00"]
    );
    assert_eq!(
        column(&rebates, |r| r.earned_through.to_string()),
        ["30000.00", "60000.00", "96000.00", "168000.00"]
    );
    assert_eq!(
        column(&rebates, |r| format!("{:?}", r.amendment)),
        ["None", "None", "Some(0)", "Some(0)"]
    );
    assert_eq!(
        column(&rebates, |r| r.bracket_rate.to_string()),
        ["0.10", "0.10", "0.12", "0.15"]
    );
    assert_eq!(rebates[3].scope_volume, d("1200000"));
    assert_eq!(rebates[3].scope_rebate, d("168000.00"));
    assert_eq!(
        rebates[3].scope,
        DateRange {
            first: day("2026-01-01"),
            last: day("2026-12-31")
        }
    );
}

/// Retroactive to the contract year: at Q3's end the year's 900,000 is priced under the
/// new table, 108,000; Q3 pays 108,000 − 60,000 = 48,000, of which 600,000 × 2% =
/// 12,000 re-prices Q1 and Q2. Signed mid-quarter (08-15) it is the same: the whole
/// year is priced again from the first period ending after it.
#[test]
fn worked_example_retroactive_pays_the_catch_up_in_the_period_it_takes_effect() {
    for effective in ["2026-07-01", "2026-08-15", "2026-09-30"] {
        let rebates = run(
            &worked(Retroactive::ContractYear, effective),
            &["300000"; 4],
        );
        assert_eq!(
            column(&rebates, |r| r.expected.to_string()),
            ["30000.00", "30000.00", "48000.00", "72000.00"],
            "{effective}"
        );
    }
    // Signed the day after Q3 ends: Q3 is still priced under the old table.
    let rebates = run(
        &worked(Retroactive::ContractYear, "2026-10-01"),
        &["300000"; 4],
    );
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        ["30000.00", "30000.00", "30000.00", "90000.00"]
    );
}

/// Period basis: each quarter alone under the table in force for it; retroactive, the
/// year's earlier quarters are priced again (2% of 600,000) when it takes effect.
#[test]
fn period_basis_prices_each_period_under_its_table() {
    let mut amended = worked(Retroactive::No, "2026-07-01");
    amended.tier_basis = TierBasis::Period;
    let rebates = run(&amended, &["300000", "300000", "300000", "1100000"]);
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        ["30000.00", "30000.00", "36000.00", "165000.00"]
    );
    assert_eq!(rebates[2].scope_rebate, d("36000.00"));
    assert_eq!(rebates[2].scope_volume, d("300000"));
    amended.amendments[0] = amendment(
        "A-1",
        "2026-01-01",
        "2026-07-01",
        Retroactive::ContractYear,
        table("0.12", "0.15"),
    );
    let rebates = run(&amended, &["300000", "300000", "300000", "1100000"]);
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        ["30000.00", "30000.00", "48000.00", "165000.00"]
    );
}

/// A cap per contract year binds the amended rebate; a second year starts under the
/// table in force then.
#[test]
fn the_cap_binds_the_amended_year_and_the_next_year_starts_under_the_new_table() {
    let mut amended = worked(Retroactive::No, "2026-07-01");
    amended.end = day("2027-12-31");
    amended.cap = Some(d("100000"));
    let rebates = run(&amended, &["300000"; 8]);
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        [
            "30000.00", "30000.00", "36000.00", "4000.00", "36000.00", "36000.00", "28000.00",
            "0.00"
        ]
    );
    assert_eq!(
        column(&rebates, |r| r.cap_applied.to_string()),
        [
            "false", "false", "false", "true", "false", "false", "true", "true"
        ]
    );
    assert_eq!(rebates[4].amendment, Some(0));
    assert_eq!(rebates[4].scope.first, day("2027-01-01"));
}

/// A whole-term scope is one run per table, capped as a whole; marginal tiers price
/// each stretch as the increase of the table's R.
#[test]
fn a_term_scope_and_marginal_tiers() {
    let mut amended = worked(Retroactive::No, "2026-07-01");
    amended.tier_basis = TierBasis::Term;
    amended.tier_mode = TierMode::Marginal;
    let rebates = run(&amended, &["300000", "300000", "300000", "300000"]);
    // Q4: old R(600k) = 60,000; new R(1.2M) − new R(600k) = (120,000 + 30,000) − 72,000.
    assert_eq!(
        column(&rebates, |r| r.expected.to_string()),
        ["30000.00", "30000.00", "36000.00", "42000.00"]
    );
    assert_eq!(rebates[3].scope.last, day("2026-12-31"));
    assert_eq!(rebates[3].scope_volume, d("1200000"));
    amended.cap = Some(d("130000"));
    let rebates = run(&amended, &["300000", "300000", "300000", "300000"]);
    assert_eq!(rebates[3].expected, d("34000.00"));
    assert!(rebates[3].cap_applied);
    assert!(!rebates[2].cap_applied);
}

/// An amendment that sets the table already in force changes nothing, on every basis,
/// mode and settlement: the runs add up to the single-table arithmetic.
#[test]
fn an_amendment_repeating_the_table_changes_no_number() {
    let amounts = [
        "120000",
        "-5000.5",
        "0",
        "777777.77",
        "1000000",
        "33.335",
        "250000",
    ];
    let mut checked = 0;
    for settlement in [
        Settlement::Monthly,
        Settlement::Quarterly,
        Settlement::Annual,
        Settlement::Term,
    ] {
        for basis in [TierBasis::Period, TierBasis::ContractYear, TierBasis::Term] {
            for mode in [TierMode::Retroactive, TierMode::Marginal] {
                for cap in [None, Some("150000")] {
                    let mut plain = contract("2025-07-01", "2027-06-30", settlement);
                    plain.tiers = table("0.10", "0.125");
                    plain.tier_basis = basis;
                    plain.tier_mode = mode;
                    plain.cap = cap.map(d);
                    let periods = settlement_periods(&plain);
                    let segments = segments(&plain, &periods);
                    let bases: Vec<Decimal> = (0..segments.len())
                        .map(|index| d(amounts[(index + checked) % amounts.len()]))
                        .collect();
                    let single = super::super::rebate::period_rebates(
                        &plain,
                        &periods,
                        &segments,
                        &bases,
                        Rounding::HalfUp,
                    )
                    .unwrap();
                    // The same arithmetic, run by definition on the contract itself.
                    let literal =
                        period_rebates(&plain, &periods, &segments, &bases, Rounding::HalfUp)
                            .unwrap();
                    let mut repeated = plain.clone();
                    let effective = segments[segments.len() / 2].range.first.to_string();
                    repeated.amendments = vec![amendment(
                        "same",
                        "2025-07-01",
                        &effective,
                        Retroactive::No,
                        plain.tiers.clone(),
                    )];
                    let amended = super::super::rebate::period_rebates(
                        &repeated,
                        &periods,
                        &segments,
                        &bases,
                        Rounding::HalfUp,
                    )
                    .unwrap();
                    let values = |rebates: &[PeriodRebate]| {
                        column(rebates, |r| {
                            format!(
                                "{} {} {} {} {} {} {} {}",
                                r.weighted_base.normalize(),
                                r.scope.first,
                                r.scope_volume.normalize(),
                                r.bracket_rate.normalize(),
                                r.scope_rebate.normalize(),
                                r.cap_applied,
                                r.earned_through.normalize(),
                                r.expected.normalize()
                            )
                        })
                    };
                    let case = format!("{settlement:?} {basis:?} {mode:?} {cap:?}");
                    assert_eq!(values(&single), values(&literal), "{case}");
                    assert_eq!(values(&single), values(&amended), "{case}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 48);
}
