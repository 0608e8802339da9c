//! Earned(t) and each settlement period's expected rebate E_p (docs/ARITHMETIC.md).
//!
//! Earned(t) = Σ over contract years of min(cap, Σ over the tier scopes in that year of
//! round(R(B_s(≤ t)))); a scope that is the whole term is capped as a whole. Evaluating it
//! at every period end and taking differences makes a retroactive tier reached late in a
//! year pay its catch-up in the period where it is crossed.

use crate::domain::computation::PeriodRebate;
use crate::domain::contract::{Contract, TierBasis};
use crate::domain::money::{self, Overflow, Rounding};
use crate::domain::settlement::{Segment, SettlementPeriod};
use rust_decimal::Decimal;

pub(crate) use super::scope::capped;
pub use super::scope::whole_term_scope;

/// Computes every period's rebate from the weighted bases of its segments (one base per
/// segment, same order). Contract-year scopes sum segments, so even a multi-year `term`
/// settlement is tiered year by year.
///
/// `segments` must be in period order, as [`crate::domain::settlement::segments`] makes them.
///
/// The work is linear in the number of periods, segments and contract years: each
/// contract year keeps a running volume (or running sum of its periods' rebates), and
/// Earned(end_p) folds the years' capped rebates from a running prefix of the years that
/// can no longer change, the years still open, and the years not reached yet. The fold
/// performs exactly the additions the definition spells out, in the same order, so every
/// amount (value and scale) is the one the definition gives; a run of years not reached
/// yet adds the same amount again and again, and stops as soon as adding it changes
/// nothing (adding a zero, which it is for every cap of 0 or more).
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
    // A contract whose tier table an amendment changed is priced under the terms in force
    // period by period; every other keeps this single-table arithmetic.
    if contract.has_tier_amendments() {
        return super::amended::period_rebates(
            contract,
            periods,
            segments,
            segment_bases,
            rounding,
        );
    }
    debug_assert!(
        segments
            .windows(2)
            .all(|pair| pair[0].period <= pair[1].period),
        "segments in period order"
    );
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
    // Rounded rebate of each period's own scope, for the `period` basis (computed for
    // every basis, so an overflow here fails the contract whatever its basis).
    let own_rebates: Vec<Decimal> = weighted_bases
        .iter()
        .map(|base| rebate(*base))
        .collect::<Result<_, _>>()?;
    if whole_term_scope(contract) {
        return whole_term_rebates(contract, periods, &weighted_bases, rounding, rebate, rate);
    }
    let years = contract.contract_years();
    let by_year = contract.tier_basis == TierBasis::ContractYear;
    // What changes a year's tally, and when: a segment of that year (contract-year
    // basis) or a period of that year (period basis). Anything outside the contract
    // years counts in no year, as in the definition.
    let changes: Vec<(usize, usize)> = if by_year {
        segments
            .iter()
            .map(|segment| (segment.period, segment.year))
            .collect()
    } else {
        periods
            .iter()
            .enumerate()
            .map(|(index, period)| (index, period.year))
            .collect()
    };
    let mut first_change: Vec<Option<usize>> = vec![None; years.len()];
    let mut last_change: Vec<Option<usize>> = vec![None; years.len()];
    for &(index, year) in &changes {
        if year < years.len() {
            first_change[year] = Some(first_change[year].map_or(index, |first| first.min(index)));
            last_change[year] = Some(last_change[year].map_or(index, |last| last.max(index)));
        }
    }
    // Per contract year: the volume B_y(≤ t) (contract-year basis), or the running sum
    // of its periods' rounded rebates (period basis); both start from nothing.
    let mut tallies = vec![Decimal::ZERO; years.len()];
    // A year's capped contribution to Earned, and the numbers behind it.
    let year_value = |tally: Decimal| -> Result<YearValue, Overflow> {
        let scope_rebate = if by_year { rebate(tally)? } else { tally };
        let (earned, cap_applied) = capped(contract.cap, scope_rebate, rounding);
        Ok(YearValue {
            earned,
            cap_applied,
            scope_rebate,
        })
    };
    // What a year not reached yet contributes.
    let untouched = year_value(Decimal::ZERO)?.earned;
    // The fold of the final contributions of years 0..settled, each of which can no
    // longer change.
    let mut settled = 0;
    let mut settled_sum = Decimal::ZERO;
    // One past the last year changed so far.
    let mut reached = 0;
    let mut next_change = 0;

    let mut results = Vec::with_capacity(periods.len());
    let mut earned_before = Decimal::ZERO;
    for (index, period) in periods.iter().enumerate() {
        while let Some(&(at, year)) = changes.get(next_change) {
            if at > index {
                break;
            }
            if let Some(tally) = tallies.get_mut(year) {
                let amount = if by_year {
                    segment_bases[next_change]
                } else {
                    own_rebates[at]
                };
                *tally = money::add(*tally, amount)?;
                reached = reached.max(year + 1);
            }
            next_change += 1;
        }
        while settled < years.len() && last_change[settled].is_none_or(|last| last <= index) {
            settled_sum = money::add(settled_sum, year_value(tallies[settled])?.earned)?;
            settled += 1;
        }
        let mut earned_through = settled_sum;
        let open_end = reached.max(settled);
        for tally in &tallies[settled..open_end] {
            earned_through = money::add(earned_through, year_value(*tally)?.earned)?;
        }
        // Years not reached yet all add `untouched`; once an addition leaves the sum as
        // it was (bit for bit), the rest would too.
        for _ in open_end..years.len() {
            let next = money::add(earned_through, untouched)?;
            if next.serialize() == earned_through.serialize() {
                break;
            }
            earned_through = next;
        }
        let (scope, scope_volume, scope_rebate, cap_applied) = match tallies.get(period.year) {
            Some(tally) => {
                let own = year_value(*tally)?;
                if by_year {
                    (
                        years[period.year],
                        *tally,
                        own.scope_rebate,
                        own.cap_applied,
                    )
                } else {
                    (
                        period.range,
                        weighted_bases[index],
                        own_rebates[index],
                        own.cap_applied,
                    )
                }
            }
            None => (
                period.range,
                weighted_bases[index],
                own_rebates[index],
                false,
            ),
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

/// One contract year's capped contribution to Earned(t).
struct YearValue {
    earned: Decimal,
    cap_applied: bool,
    scope_rebate: Decimal,
}

/// [`period_rebates`] when the tier scope is the whole term: one running volume.
fn whole_term_rebates(
    contract: &Contract,
    periods: &[SettlementPeriod],
    weighted_bases: &[Decimal],
    rounding: Rounding,
    rebate: impl Fn(Decimal) -> Result<Decimal, Overflow>,
    rate: impl Fn(Decimal) -> Decimal,
) -> Result<Vec<PeriodRebate>, Overflow> {
    let mut results = Vec::with_capacity(periods.len());
    let mut volume = Decimal::ZERO;
    let mut earned_before = Decimal::ZERO;
    for base in weighted_bases {
        volume = money::add(volume, *base)?;
        let scope_rebate = rebate(volume)?;
        let (earned_through, cap_applied) = capped(contract.cap, scope_rebate, rounding);
        results.push(PeriodRebate {
            weighted_base: *base,
            scope: contract.term(),
            scope_volume: volume,
            bracket_rate: rate(volume),
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

#[cfg(test)]
mod tests;
