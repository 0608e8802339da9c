//! Earned(t) and E_p for a contract whose tier table an amendment changed
//! (docs/ARITHMETIC.md, "Amendments"), straight from the definition.
//!
//! At each period end t, every piece of volume (a segment: a settlement period, or its
//! part in one contract year) is priced by the table in force for its day as known at t
//! ([`Contract::tiers_in_force`]). Within a tier scope, consecutive pieces under one table
//! form a run, and a run adds round(R_T(B after it)) − round(R_T(B before it)): the
//! scope's volume still picks the bracket, but each table prices only its own stretch.
//! A retroactive amendment reaches back to its contract year's first day, so at its
//! effective date the year's earlier volume is priced again under the new table and the
//! difference is the period's catch-up. Caps apply per contract year (or per term) as in
//! [`super::rebate::period_rebates`], which calls this only for contracts with a tier
//! amendment, so every other contract keeps the single-table arithmetic untouched.
//!
//! The work is O(periods × segments) per amended contract, which is small: amended
//! contracts are few and have tens of periods.

use super::scope::{capped, whole_term_scope};
use crate::domain::computation::PeriodRebate;
use crate::domain::contract::{Contract, DateRange, TierBasis};
use crate::domain::money::{self, Overflow, Rounding};
use crate::domain::settlement::{Segment, SettlementPeriod};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One tier scope's rebate through `known_at`: the pieces `(first day, volume)` in date
/// order, each run of pieces under one table priced as the increase of that table's
/// R over the run, rounded at each end.
fn scope_rebate(
    contract: &Contract,
    pieces: &[(NaiveDate, Decimal)],
    known_at: NaiveDate,
    rounding: Rounding,
) -> Result<Decimal, Overflow> {
    let mut total = Decimal::ZERO;
    let mut volume = Decimal::ZERO;
    let mut run: Option<(Option<usize>, Decimal)> = None;
    let close = |table: Option<usize>, from: Decimal, to: Decimal| -> Result<Decimal, Overflow> {
        let table = contract.tier_table(table);
        let after = rounding.round(table.rebate(contract.tier_mode, to)?);
        let before = rounding.round(table.rebate(contract.tier_mode, from)?);
        money::sub(after, before)
    };
    for &(day, base) in pieces {
        let (_, amendment) = contract.tiers_in_force(day, known_at);
        match run {
            Some((current, _)) if current == amendment => {}
            Some((current, from)) => {
                total = money::add(total, close(current, from, volume)?)?;
                run = Some((amendment, volume));
            }
            None => run = Some((amendment, volume)),
        }
        volume = money::add(volume, base)?;
    }
    if let Some((current, from)) = run {
        total = money::add(total, close(current, from, volume)?)?;
    }
    Ok(total)
}

/// Every period's rebate under the terms in force (see the module's documentation);
/// `segments` in period order, one base per segment.
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
    let mut weighted_bases = vec![Decimal::ZERO; periods.len()];
    for (segment, base) in segments.iter().zip(segment_bases) {
        weighted_bases[segment.period] = money::add(weighted_bases[segment.period], *base)?;
    }
    let years = contract.contract_years();
    let whole_term = whole_term_scope(contract);
    let by_year = contract.tier_basis == TierBasis::ContractYear;
    let mut results = Vec::with_capacity(periods.len());
    let mut earned_before = Decimal::ZERO;
    for (index, period) in periods.iter().enumerate() {
        let known_at = period.range.last;
        let (table, amendment) = contract.tiers_in_force(known_at, known_at);
        // The pieces of a scope through this period, as (first day, weighted base).
        let pieces = |in_scope: &dyn Fn(&Segment) -> bool| -> Vec<(NaiveDate, Decimal)> {
            segments
                .iter()
                .zip(segment_bases)
                .filter(|(segment, _)| segment.period <= index && in_scope(segment))
                .map(|(segment, base)| (segment.range.first, *base))
                .collect()
        };
        // A period-basis period's own rebate, under the table in force for it at t.
        let own = |other: usize| -> Result<Decimal, Overflow> {
            let (table, _) = contract.tiers_in_force(periods[other].range.first, known_at);
            Ok(rounding.round(table.rebate(contract.tier_mode, weighted_bases[other])?))
        };
        let mut earned_through = Decimal::ZERO;
        let scope: DateRange;
        let scope_volume: Decimal;
        let rebate_of_scope: Decimal;
        let mut cap_applied = false;
        if whole_term {
            let through = pieces(&|_| true);
            rebate_of_scope = scope_rebate(contract, &through, known_at, rounding)?;
            let (earned, applied) = capped(contract.cap, rebate_of_scope, rounding);
            earned_through = earned;
            cap_applied = applied;
            scope = contract.term();
            scope_volume = through
                .iter()
                .try_fold(Decimal::ZERO, |sum, (_, base)| money::add(sum, *base))?;
        } else {
            let mut this_year = (Decimal::ZERO, Decimal::ZERO);
            for year in 0..years.len() {
                let (volume, tally) = if by_year {
                    let through = pieces(&|segment| segment.year == year);
                    let volume = through
                        .iter()
                        .try_fold(Decimal::ZERO, |sum, (_, base)| money::add(sum, *base))?;
                    (
                        volume,
                        scope_rebate(contract, &through, known_at, rounding)?,
                    )
                } else {
                    let mut tally = Decimal::ZERO;
                    for (other, earlier) in periods[..=index].iter().enumerate() {
                        if earlier.year == year {
                            tally = money::add(tally, own(other)?)?;
                        }
                    }
                    (Decimal::ZERO, tally)
                };
                let (earned, applied) = capped(contract.cap, tally, rounding);
                earned_through = money::add(earned_through, earned)?;
                if year == period.year {
                    this_year = (volume, tally);
                    cap_applied = applied;
                }
            }
            if by_year && period.year < years.len() {
                scope = years[period.year];
                scope_volume = this_year.0;
                rebate_of_scope = this_year.1;
            } else {
                scope = period.range;
                scope_volume = weighted_bases[index];
                rebate_of_scope = own(index)?;
            }
        }
        results.push(PeriodRebate {
            weighted_base: weighted_bases[index],
            scope,
            scope_volume,
            bracket_rate: table
                .bracket_for(scope_volume.max(Decimal::ZERO))
                .map_or(Decimal::ZERO, |bracket| bracket.rate),
            scope_rebate: rebate_of_scope,
            cap_applied,
            earned_before,
            earned_through,
            expected: money::sub(earned_through, earned_before)?,
            amendment,
        });
        earned_before = earned_through;
    }
    Ok(results)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod coefficient_tests;
