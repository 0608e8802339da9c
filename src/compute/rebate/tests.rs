use super::*;
use crate::domain::contract::{Bracket, Settlement, TierMode, TierTable};
use crate::domain::settlement::tests::contract;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::test_support::d;

/// The definition computed literally, as `period_rebates` did before it was made
/// linear: every period re-sums every contract year from the first period on (cubic
/// in the term). The fast computation must give exactly these numbers, bit for bit.
fn reference(
    contract: &Contract,
    periods: &[SettlementPeriod],
    segments: &[Segment],
    segment_bases: &[Decimal],
    rounding: Rounding,
) -> Result<Vec<PeriodRebate>, Overflow> {
    debug_assert_eq!(segments.len(), segment_bases.len());
    let mut weighted_bases = vec![Decimal::ZERO; periods.len()];
    for (segment, base) in segments.iter().zip(segment_bases) {
        weighted_bases[segment.period] = money::add(weighted_bases[segment.period], *base)?;
    }
    let rebate = |volume: Decimal| -> Result<Decimal, Overflow> {
        Ok(rounding.round(contract.tiers.rebate(contract.tier_mode, volume)?))
    };
    let rate = |volume: Decimal| {
        contract
            .tiers
            .bracket_for(volume.max(Decimal::ZERO))
            .map_or(Decimal::ZERO, |bracket| bracket.rate)
    };
    let years = contract.contract_years();
    let whole_term = whole_term_scope(contract);
    // Rounded rebate of each period's own scope, for the `period` basis.
    let own_rebates: Vec<Decimal> = weighted_bases
        .iter()
        .map(|base| rebate(*base))
        .collect::<Result<_, _>>()?;

    let mut results = Vec::with_capacity(periods.len());
    let mut earned_before = Decimal::ZERO;
    for (index, period) in periods.iter().enumerate() {
        let through = &weighted_bases[..=index];
        let (earned_through, scope, scope_volume, scope_rebate, cap_applied) = if whole_term {
            let volume = through
                .iter()
                .try_fold(Decimal::ZERO, |sum, base| money::add(sum, *base))?;
            let scope_rebate = rebate(volume)?;
            let (earned, cap_applied) = capped(contract.cap, scope_rebate, rounding);
            (earned, contract.term(), volume, scope_rebate, cap_applied)
        } else {
            let mut earned = Decimal::ZERO;
            let mut own = None;
            for (year_index, year) in years.iter().enumerate() {
                let in_year = || {
                    periods[..=index]
                        .iter()
                        .enumerate()
                        .filter(move |(_, candidate)| candidate.year == year_index)
                        .map(|(position, _)| position)
                };
                let (year_rebate, scope_volume, scope_rebate, scope) = match contract.tier_basis {
                    TierBasis::ContractYear => {
                        let volume = segments
                            .iter()
                            .zip(segment_bases)
                            .filter(|(segment, _)| {
                                segment.year == year_index && segment.period <= index
                            })
                            .try_fold(Decimal::ZERO, |sum, (_, base)| money::add(sum, *base))?;
                        let scope_rebate = rebate(volume)?;
                        (scope_rebate, volume, scope_rebate, *year)
                    }
                    // `period` basis: each period is its own scope.
                    _ => {
                        let total = in_year().try_fold(Decimal::ZERO, |sum, position| {
                            money::add(sum, own_rebates[position])
                        })?;
                        (
                            total,
                            weighted_bases[index],
                            own_rebates[index],
                            period.range,
                        )
                    }
                };
                let (year_earned, cap_applied) = capped(contract.cap, year_rebate, rounding);
                earned = money::add(earned, year_earned)?;
                if year_index == period.year {
                    own = Some((scope, scope_volume, scope_rebate, cap_applied));
                }
            }
            let (scope, scope_volume, scope_rebate, cap_applied) = own.unwrap_or((
                period.range,
                weighted_bases[index],
                own_rebates[index],
                false,
            ));
            (earned, scope, scope_volume, scope_rebate, cap_applied)
        };
        results.push(PeriodRebate {
            weighted_base: weighted_bases[index],
            scope,
            scope_volume,
            bracket_rate: rate(scope_volume),
            scope_rebate,
            cap_applied,
            earned_before,
            earned_through,
            expected: money::sub(earned_through, earned_before)?,
            amendment: None,
        });
        earned_before = earned_through;
    }
    Ok(results)
}

/// E_p for each period, given one weighted base per segment.
fn expectations(contract: &Contract, bases: &[&str]) -> Vec<String> {
    let periods = settlement_periods(contract);
    let segments = segments(contract, &periods);
    let bases: Vec<Decimal> = bases.iter().map(|base| d(base)).collect();
    let fast = period_rebates(contract, &periods, &segments, &bases, Rounding::HalfUp);
    let literal = reference(contract, &periods, &segments, &bases, Rounding::HalfUp);
    assert_identical(&fast, &literal);
    fast.unwrap()
        .iter()
        .map(|rebate| rebate.expected.to_string())
        .collect()
}

/// 15% below 1,000,000, 20% from 1,000,000.
fn two_tiers() -> TierTable {
    TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("1000000")),
            rate: d("0.15"),
        },
        Bracket {
            from: d("1000000"),
            to: None,
            rate: d("0.20"),
        },
    ])
    .unwrap()
}

#[test]
fn period_basis_tiers_each_period_alone() {
    let mut quarterly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    quarterly.tiers = two_tiers();
    assert_eq!(
        expectations(&quarterly, &["800000", "1200000", "100000", "0"]),
        ["120000.00", "240000.00", "15000.00", "0.00"]
    );
}

#[test]
fn contract_year_basis_pays_a_retroactive_catch_up_where_the_tier_is_crossed() {
    // Quarterly 400k each: the year crosses 1M in Q3, so Q3 pays 20% on 1.2M minus
    // the 15% already earned on 800k: 240,000 − 120,000 = 120,000.
    let mut yearly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    yearly.tiers = two_tiers();
    yearly.tier_basis = TierBasis::ContractYear;
    assert_eq!(
        expectations(&yearly, &["400000", "400000", "400000", "400000"]),
        ["60000.00", "60000.00", "120000.00", "80000.00"]
    );
    // Marginal: no jump, just the top bracket's rate on what lies above 1M.
    yearly.tier_mode = TierMode::Marginal;
    assert_eq!(
        expectations(&yearly, &["400000", "400000", "400000", "400000"]),
        ["60000.00", "60000.00", "70000.00", "80000.00"]
    );
}

#[test]
fn the_cap_binds_per_contract_year() {
    let mut capped = contract("2025-01-01", "2026-12-31", Settlement::Annual);
    capped.cap = Some(d("50000"));
    assert_eq!(
        expectations(&capped, &["300000", "200000"]),
        ["50000.00", "40000.00"]
    );
    // Monthly settlement under a yearly cap: once the cap is reached nothing more.
    let mut monthly = contract("2025-01-01", "2025-03-31", Settlement::Monthly);
    monthly.tier_basis = TierBasis::ContractYear;
    monthly.cap = Some(d("30000"));
    assert_eq!(
        expectations(&monthly, &["100000", "100000", "100000"]),
        ["20000.00", "10000.00", "0.00"]
    );
}

#[test]
fn a_term_scope_is_capped_as_a_whole() {
    let mut term = contract("2025-01-01", "2026-12-31", Settlement::Annual);
    term.tier_basis = TierBasis::Term;
    term.cap = Some(d("50000"));
    assert_eq!(
        expectations(&term, &["200000", "200000"]),
        ["40000.00", "10000.00"]
    );
}

#[test]
fn a_term_settlement_on_contract_year_tiers_tiers_each_year_apart() {
    // Two contract years of 600k each, settled once for the term: each year stays in
    // the 15% bracket (90,000 + 90,000), it is not 1.2M at 20%.
    let mut term = contract("2024-07-01", "2026-06-30", Settlement::Term);
    term.tiers = two_tiers();
    term.tier_basis = TierBasis::ContractYear;
    assert_eq!(expectations(&term, &["600000", "600000"]), ["180000.00"]);
    // Capped per contract year: 50,000 + 50,000.
    term.cap = Some(d("50000"));
    assert_eq!(expectations(&term, &["600000", "600000"]), ["100000.00"]);
}

#[test]
fn refunds_below_earlier_earnings_give_a_negative_expectation() {
    // Year basis: Q1 600k at 15% = 90,000; Q2 −400k brings the year to 200k → 30,000.
    let mut yearly = contract("2025-01-01", "2025-06-30", Settlement::Quarterly);
    yearly.tiers = two_tiers();
    yearly.tier_basis = TierBasis::ContractYear;
    assert_eq!(
        expectations(&yearly, &["600000", "-400000"]),
        ["90000.00", "-60000.00"]
    );
}

#[test]
fn each_scope_is_rounded_half_up_before_summing() {
    // 0.125 × 20% … use a 10% rate on 0.05 → 0.005 → 0.01 per period.
    let mut monthly = contract("2025-01-01", "2025-02-28", Settlement::Monthly);
    monthly.tiers = TierTable::new(vec![Bracket {
        from: d("0"),
        to: None,
        rate: d("0.1"),
    }])
    .unwrap();
    assert_eq!(expectations(&monthly, &["0.05", "0.05"]), ["0.01", "0.01"]);
}

/// Every field of every period, bit for bit (a `Decimal`'s value and its scale, so
/// `90000.00` and `90000` differ), or the error.
fn bits(result: &Result<Vec<PeriodRebate>, Overflow>) -> Result<Vec<String>, Overflow> {
    let exact = |value: Decimal| format!("{value}/{:?}", value.serialize());
    result.clone().map(|rebates| {
        rebates
            .iter()
            .map(|rebate| {
                format!(
                    "W {} scope {}..{} B {} rate {} R {} capped {} before {} through {} E {}",
                    exact(rebate.weighted_base),
                    rebate.scope.first,
                    rebate.scope.last,
                    exact(rebate.scope_volume),
                    exact(rebate.bracket_rate),
                    exact(rebate.scope_rebate),
                    rebate.cap_applied,
                    exact(rebate.earned_before),
                    exact(rebate.earned_through),
                    exact(rebate.expected),
                )
            })
            .collect()
    })
}

fn assert_identical(
    fast: &Result<Vec<PeriodRebate>, Overflow>,
    literal: &Result<Vec<PeriodRebate>, Overflow>,
) {
    assert_eq!(bits(fast), bits(literal));
}

/// Two contract years 2024-07-01 .. 2026-06-30, settled quarterly (8 periods), 15%
/// below 1,000,000 and 20% from it, a cap of 250,000; 300,000 a quarter in the first
/// year and 500,000 a quarter in the second.
fn two_years(basis: TierBasis, mode: TierMode) -> (Contract, Vec<PeriodRebate>) {
    let mut two = contract("2024-07-01", "2026-06-30", Settlement::Quarterly);
    two.tiers = two_tiers();
    two.cap = Some(d("250000"));
    two.tier_basis = basis;
    two.tier_mode = mode;
    let periods = settlement_periods(&two);
    let segments = segments(&two, &periods);
    assert_eq!(segments.len(), 8);
    let bases: Vec<Decimal> = ["300000"; 4]
        .into_iter()
        .chain(["500000"; 4])
        .map(d)
        .collect();
    let fast = period_rebates(&two, &periods, &segments, &bases, Rounding::HalfUp);
    assert_identical(
        &fast,
        &reference(&two, &periods, &segments, &bases, Rounding::HalfUp),
    );
    (two, fast.unwrap())
}

fn expected(rebates: &[PeriodRebate]) -> Vec<String> {
    rebates
        .iter()
        .map(|rebate| rebate.expected.to_string())
        .collect()
}

#[test]
fn worked_example_contract_year_basis_over_two_years() {
    // Retroactive. Year 1: 300k → 45,000; 600k → 90,000; 900k → 135,000; 1.2M is
    // in the 20% bracket: 240,000, a catch-up of 105,000 in the fourth quarter.
    // Year 2 starts from nothing: 500k → 75,000; 1M → 200,000 (+125,000);
    // 1.5M → 300,000, capped at 250,000 (+50,000); 2M → still 250,000 (+0).
    let (_, rebates) = two_years(TierBasis::ContractYear, TierMode::Retroactive);
    assert_eq!(
        expected(&rebates),
        [
            "45000.00",
            "45000.00",
            "45000.00",
            "105000.00",
            "75000.00",
            "125000.00",
            "50000.00",
            "0.00"
        ]
    );
    let third = &rebates[6];
    assert_eq!(
        third.scope.first,
        crate::domain::test_support::day("2025-07-01")
    );
    assert_eq!(third.scope_volume, d("1500000"));
    assert_eq!(third.bracket_rate, d("0.20"));
    assert_eq!(third.scope_rebate.to_string(), "300000.00");
    assert!(third.cap_applied);
    // Earned(end of Q3 of year 2) = 240,000 (year 1) + 250,000 (year 2, capped).
    assert_eq!(third.earned_through.to_string(), "490000.00");
    // Marginal. Year 1: 1.2M = 150,000 + 20% × 200,000 = 190,000 (+55,000).
    // Year 2: 75,000; 150,000; 150,000 + 100,000 = 250,000; 350,000 capped 250,000.
    let (_, rebates) = two_years(TierBasis::ContractYear, TierMode::Marginal);
    assert_eq!(
        expected(&rebates),
        [
            "45000.00",
            "45000.00",
            "45000.00",
            "55000.00",
            "75000.00",
            "75000.00",
            "100000.00",
            "0.00"
        ]
    );
}

#[test]
fn worked_example_term_and_period_bases_over_two_years() {
    // Term basis, one scope capped as a whole. Retroactive: 240,000 after year 1,
    // then 1.7M → 340,000 capped at 250,000 (+10,000), and nothing more.
    let (_, rebates) = two_years(TierBasis::Term, TierMode::Retroactive);
    assert_eq!(
        expected(&rebates),
        [
            "45000.00",
            "45000.00",
            "45000.00",
            "105000.00",
            "10000.00",
            "0.00",
            "0.00",
            "0.00"
        ]
    );
    // Marginal: 190,000 after year 1 (+55,000 in its fourth quarter); 1.7M →
    // 150,000 + 140,000 = 290,000, capped at 250,000 (+60,000).
    let (_, rebates) = two_years(TierBasis::Term, TierMode::Marginal);
    assert_eq!(
        expected(&rebates),
        [
            "45000.00", "45000.00", "45000.00", "55000.00", "60000.00", "0.00", "0.00", "0.00"
        ]
    );
    // Period basis: each quarter alone, 45,000 then 75,000 a quarter; the cap binds
    // the second year at 250,000: 75,000 × 3 + 25,000.
    let (_, rebates) = two_years(TierBasis::Period, TierMode::Retroactive);
    assert_eq!(
        expected(&rebates),
        [
            "45000.00", "45000.00", "45000.00", "45000.00", "75000.00", "75000.00", "75000.00",
            "25000.00"
        ]
    );
    assert!(!rebates[6].cap_applied && rebates[7].cap_applied);
    assert_eq!(rebates[7].earned_through.to_string(), "430000.00");
}

#[test]
fn the_running_sums_give_exactly_the_definition_on_every_kind_of_contract() {
    // A 0% minimum-spend bracket, then rates that make half cents; amounts with
    // refunds, zeros, half cents and more decimals than money has.
    let tiers = TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("10000")),
            rate: d("0"),
        },
        Bracket {
            from: d("10000"),
            to: Some(d("250000")),
            rate: d("0.125"),
        },
        Bracket {
            from: d("250000"),
            to: None,
            rate: d("0.1875"),
        },
    ])
    .unwrap();
    let amounts = [
        "12345.67",
        "0",
        "98000.005",
        "-4000.5",
        "250000",
        "0.05",
        "131072.125",
        "77",
        "-120000",
        "310000.4",
        "0.00",
    ];
    let mut checked = 0;
    for (start, end) in [("2024-02-29", "2027-05-15"), ("2023-07-01", "2026-06-30")] {
        for settlement in [
            Settlement::Monthly,
            Settlement::Quarterly,
            Settlement::Annual,
            Settlement::Term,
            Settlement::Transparent,
        ] {
            for basis in [TierBasis::Period, TierBasis::ContractYear, TierBasis::Term] {
                for mode in [TierMode::Retroactive, TierMode::Marginal] {
                    // A negative cap is refused by the loader, but the arithmetic
                    // still follows the definition.
                    for cap in [
                        None,
                        Some("40000"),
                        Some("0"),
                        Some("12345.678"),
                        Some("-10"),
                    ] {
                        for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
                            let mut case = contract(start, end, settlement);
                            case.tiers = tiers.clone();
                            case.tier_basis = basis;
                            case.tier_mode = mode;
                            case.cap = cap.map(d);
                            let periods = settlement_periods(&case);
                            let segments = segments(&case, &periods);
                            let bases: Vec<Decimal> = (0..segments.len())
                                .map(|index| d(amounts[(index * 3 + checked) % amounts.len()]))
                                .collect();
                            let fast = period_rebates(&case, &periods, &segments, &bases, rounding);
                            let literal = reference(&case, &periods, &segments, &bases, rounding);
                            assert!(fast.is_ok(), "{settlement:?} {basis:?} {mode:?} {cap:?}");
                            assert_eq!(
                                bits(&fast),
                                bits(&literal),
                                "{start}..{end} {settlement:?} {basis:?} {mode:?} cap \
                                 {cap:?} {rounding:?}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 600);
}

#[test]
fn overflow_is_reported_like_the_definition_reports_it() {
    let mut huge = contract("2024-01-01", "2025-12-31", Settlement::Quarterly);
    huge.tier_basis = TierBasis::ContractYear;
    let periods = settlement_periods(&huge);
    let segments = segments(&huge, &periods);
    let mut bases = vec![d("1"); segments.len()];
    bases[5] = Decimal::MAX;
    bases[6] = Decimal::MAX;
    let fast = period_rebates(&huge, &periods, &segments, &bases, Rounding::HalfUp);
    assert_eq!(fast, Err(Overflow));
    assert_identical(
        &fast,
        &reference(&huge, &periods, &segments, &bases, Rounding::HalfUp),
    );
}

#[test]
fn a_25_year_monthly_term_matches_the_definition() {
    for basis in [TierBasis::ContractYear, TierBasis::Period] {
        let mut long = contract("2025-03-15", "2050-03-14", Settlement::Monthly);
        long.tiers = two_tiers();
        long.tier_basis = basis;
        long.cap = Some(d("1000000"));
        let periods = settlement_periods(&long);
        let segments = segments(&long, &periods);
        assert_eq!(long.contract_years().len(), 25);
        let bases: Vec<Decimal> = (0..segments.len())
            .map(|index| Decimal::from(index as u64 * 7919 % 400_000) / Decimal::from(3))
            .collect();
        assert_identical(
            &period_rebates(&long, &periods, &segments, &bases, Rounding::HalfEven),
            &reference(&long, &periods, &segments, &bases, Rounding::HalfEven),
        );
    }
}

#[test]
fn an_open_ended_term_to_9999_12_31_is_computed_in_linear_time() {
    // 2025-01-01 .. 9999-12-31: 7,975 contract years of 12 months. The literal
    // definition never finished on this; the running sums take a moment.
    for (basis, settlement) in [
        (TierBasis::ContractYear, Settlement::Monthly),
        (TierBasis::Period, Settlement::Monthly),
        (TierBasis::Term, Settlement::Monthly),
        (TierBasis::ContractYear, Settlement::Term),
    ] {
        let mut open = contract("2025-01-01", "9999-12-31", settlement);
        open.tier_basis = basis;
        let started = std::time::Instant::now();
        let periods = settlement_periods(&open);
        let segments = segments(&open, &periods);
        assert_eq!(open.contract_years().len(), 7975);
        // 1,200 a contract year, spread evenly over its segments.
        let per_segment = d("1200") / Decimal::from(segments.len() / 7975);
        let bases = vec![per_segment; segments.len()];
        let rebates = period_rebates(&open, &periods, &segments, &bases, Rounding::HalfUp).unwrap();
        // 100 a month at 20%: 20.00 a month, 1,914,000.00 over the term.
        let last = rebates.last().unwrap();
        assert_eq!(last.earned_through.to_string(), "1914000.00");
        if settlement == Settlement::Monthly {
            assert!(rebates.iter().all(|rebate| rebate.expected == d("20")));
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{basis:?} {settlement:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn adding_a_zero_again_and_again_settles_at_once() {
    // The years not reached yet add a zero each (0 or 0.00: no cap is below 0);
    // `period_rebates` stops adding once the sum stops changing, which must happen
    // after an addition or two, or an open-ended term would cost a pass over its
    // years for every period.
    let zeros = [
        Decimal::ZERO,
        Rounding::HalfUp.round(Decimal::ZERO),
        d("-0.00"),
    ];
    let sums = [
        "0", "0.00", "-0.00", "0.0", "5", "5.0", "5.00", "-1234.56", "0.001",
    ];
    for zero in zeros {
        for sum in sums {
            let mut sum = d(sum);
            let mut additions = 0;
            loop {
                let next = money::add(sum, zero).unwrap();
                additions += 1;
                if next.serialize() == sum.serialize() {
                    break;
                }
                assert!(additions < 3, "{sum} + {zero} keeps changing");
                sum = next;
            }
        }
    }
}
