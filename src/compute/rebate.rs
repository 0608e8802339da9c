//! Earned(t) and each settlement period's expected rebate E_p (SPEC §3).
//!
//! Earned(t) = Σ over contract years of min(cap, Σ over the tier scopes in that year of
//! round(R(B_s(≤ t)))); a scope that is the whole term is capped as a whole. Evaluating it
//! at every period end and taking differences makes a retroactive tier reached late in a
//! year pay its catch-up in the period where it is crossed.

use super::periods::{Segment, SettlementPeriod};
use crate::domain::contract::{Contract, DateRange, Settlement, TierBasis};
use crate::domain::money::{self, Overflow, Rounding};
use rust_decimal::Decimal;

/// What one settlement period earns, with the intermediate numbers an auditor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRebate {
    /// W_p: the period's weighted base.
    pub weighted_base: Decimal,
    /// The tier scope containing the period.
    pub scope: DateRange,
    /// B_s(≤ end_p) for that scope.
    pub scope_volume: Decimal,
    /// The rate of the bracket that volume reached.
    pub bracket_rate: Decimal,
    /// round(R(B_s(≤ end_p))).
    pub scope_rebate: Decimal,
    /// Whether the cap bound the period's year (or term) at this period's end.
    pub cap_applied: bool,
    /// Earned(end_{p−1}).
    pub earned_before: Decimal,
    /// Earned(end_p).
    pub earned_through: Decimal,
    /// E_p.
    pub expected: Decimal,
}

/// Whether the tier scope is the whole term, capped as one (SPEC §3).
pub fn whole_term_scope(contract: &Contract) -> bool {
    contract.tier_basis == TierBasis::Term
        || (contract.tier_basis == TierBasis::Period && contract.settlement == Settlement::Term)
}

fn capped(cap: Option<Decimal>, amount: Decimal, rounding: Rounding) -> (Decimal, bool) {
    match cap {
        Some(cap) if amount > cap => (rounding.round(cap), true),
        _ => (amount, false),
    }
}

/// Computes every period's rebate from the weighted bases of its segments (one base per
/// segment, same order). Contract-year scopes sum segments, so even a multi-year `term`
/// settlement is tiered year by year.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn period_rebates(
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
        });
        earned_before = earned_through;
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::periods::tests::contract;
    use crate::compute::periods::{segments, settlement_periods};
    use crate::domain::contract::{Bracket, TierMode, TierTable};
    use crate::test_support::d;

    /// E_p for each period, given one weighted base per segment.
    fn expectations(contract: &Contract, bases: &[&str]) -> Vec<String> {
        let periods = settlement_periods(contract);
        let segments = segments(contract, &periods);
        let bases: Vec<Decimal> = bases.iter().map(|base| d(base)).collect();
        period_rebates(contract, &periods, &segments, &bases, Rounding::HalfUp)
            .unwrap()
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
}
