//! The projection of a contract's open contract year (docs/ARITHMETIC.md, "Projections"):
//! spend so far per tier scope, the spend that reaches the next tier and the rebate it
//! would unlock (with a retroactive catch-up, under the cap), and the year-end rebate at
//! the run rate. Pure: the same weighted bases the rebate arithmetic uses, the audit date,
//! nothing else; it changes no expectation.

use super::rebate::whole_term_scope;
use crate::domain::calendar::days_between;
use crate::domain::contract::{Contract, DateRange, TierBasis, TierMode};
use crate::domain::money::{self, Overflow, Rounding};
use crate::domain::projection::{NextTier, Projection, ScopeKind, YearEnd};
use crate::domain::settlement::{Segment, SettlementPeriod};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a projection is made from: one contract's periods and segments with their
/// weighted bases (as [`super::rebate::period_rebates`] takes them) and the audit date.
#[derive(Debug, Clone, Copy)]
pub struct ProjectionInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its settlement periods, in date order.
    pub periods: &'a [SettlementPeriod],
    /// Their segments, in date order.
    pub segments: &'a [Segment],
    /// One weighted base per segment.
    pub segment_bases: &'a [Decimal],
    /// The ruleset's money rounding.
    pub rounding: Rounding,
    /// The audit date.
    pub as_of: NaiveDate,
}

/// The projection of the contract year holding `as_of`; `None` when the audit date lies
/// outside the term (no year is open).
///
/// # Errors
/// Only on arithmetic overflow.
pub fn project(input: &ProjectionInput<'_>) -> Result<Option<Projection>, Overflow> {
    let contract = input.contract;
    let years = contract.contract_years();
    let Some(year_index) = years.iter().position(|year| year.contains(input.as_of)) else {
        return Ok(None);
    };
    let year = years[year_index];
    let days_elapsed = days_between(year.first, input.as_of) + 1;
    let calc = Calc {
        contract,
        rounding: input.rounding,
    };
    // Spend so far: every segment that has begun by the audit date (the open one with
    // the lines billed in it so far).
    let begun = |segment: &&Segment| segment.range.first <= input.as_of;
    let year_base = sum(input
        .segments
        .iter()
        .zip(input.segment_bases)
        .filter(|(segment, _)| segment.year == year_index && begun(segment))
        .map(|(_, base)| *base))?;
    let run = RunRate {
        year_base,
        days_elapsed,
        rounding: input.rounding,
    };
    let remaining = days_between(input.as_of, year.last);
    let standing = if whole_term_scope(contract) {
        let before = sum(input
            .segments
            .iter()
            .zip(input.segment_bases)
            .filter(|(segment, _)| segment.year < year_index)
            .map(|(_, base)| *base))?;
        let now = money::add(before, year_base)?;
        let at_end = money::add(now, run.extend(remaining)?)?;
        Standing {
            kind: ScopeKind::Term,
            scope: contract.term(),
            volume: now,
            others: Decimal::ZERO,
            before_year: calc.capped(calc.rebate(before)?).0,
            projected_volume: at_end,
            projected: calc.capped(calc.rebate(at_end)?),
        }
    } else if contract.tier_basis == TierBasis::ContractYear {
        let at_end = money::add(year_base, run.extend(remaining)?)?;
        Standing {
            kind: ScopeKind::ContractYear,
            scope: year,
            volume: year_base,
            others: Decimal::ZERO,
            before_year: Decimal::ZERO,
            projected_volume: at_end,
            projected: calc.capped(calc.rebate(at_end)?),
        }
    } else {
        period_standing(input, &calc, &run, year_index)?
    };
    let value = |volume: Decimal| -> Result<Decimal, Overflow> {
        Ok(calc
            .capped(money::add(standing.others, calc.rebate(volume)?)?)
            .0)
    };
    let uncapped_now = money::add(standing.others, calc.rebate(standing.volume)?)?;
    let earned_total = calc.capped(uncapped_now).0;
    let rate = contract
        .tiers
        .bracket_for(standing.volume.max(Decimal::ZERO))
        .map_or(Decimal::ZERO, |bracket| bracket.rate);
    let next = match next_bracket(contract, standing.volume, rate) {
        None => None,
        Some((threshold, next_rate)) => {
            let unlock = money::sub(value(threshold)?, earned_total)?;
            let uncapped = money::sub(calc.rebate(threshold)?, calc.rebate(standing.volume)?)?;
            let catch_up = match contract.tier_mode {
                TierMode::Retroactive => calc.round(money::mul(
                    standing.volume.max(Decimal::ZERO),
                    money::sub(next_rate, rate)?,
                )?),
                TierMode::Marginal => Decimal::ZERO,
            };
            Some(NextTier {
                threshold,
                rate: next_rate,
                spend_needed: money::sub(threshold, standing.volume)?,
                unlock,
                catch_up: catch_up.min(unlock).max(Decimal::ZERO),
                cap_limited: uncapped > unlock,
            })
        }
    };
    let reaches_next = next
        .as_ref()
        .is_some_and(|next| standing.projected_volume >= next.threshold);
    Ok(Some(Projection {
        contract_id: contract.id.clone(),
        currency: contract.currency.clone(),
        tier_basis: contract.tier_basis,
        tier_mode: contract.tier_mode,
        year,
        as_of: input.as_of,
        days_elapsed,
        days_in_year: year.days(),
        scope_kind: standing.kind,
        scope: standing.scope,
        scope_base: standing.volume,
        year_base,
        rate,
        earned: money::sub(earned_total, standing.before_year)?,
        cap: contract.cap,
        cap_reached: contract.cap.is_some_and(|cap| uncapped_now >= cap),
        next,
        year_end: YearEnd {
            weighted_base: money::add(year_base, run.extend(remaining)?)?,
            rebate: money::sub(standing.projected.0, standing.before_year)?,
            cap_applied: standing.projected.1,
            reaches_next,
        },
    }))
}

/// The open year's numbers that differ by tier basis.
struct Standing {
    /// What the scope is.
    kind: ScopeKind,
    /// The scope whose volume picks the next tier.
    scope: DateRange,
    /// Its weighted base so far.
    volume: Decimal,
    /// The rounded rebates of the year's other scopes so far (`period` basis), which
    /// share the year's cap with this one.
    others: Decimal,
    /// What was earned (capped) before the year began: the term scope's earlier years.
    before_year: Decimal,
    /// The scope's volume at the year's end, at the run rate.
    projected_volume: Decimal,
    /// The capped rebate at the year's end (of the year, or of the term through it),
    /// and whether the cap bound it.
    projected: (Decimal, bool),
}

/// `period` basis: the open settlement period is the scope; the year's other periods
/// that have begun add their own rounded rebates, and the year's later periods are
/// projected at the run rate, each priced on its own.
fn period_standing(
    input: &ProjectionInput<'_>,
    calc: &Calc<'_>,
    run: &RunRate,
    year_index: usize,
) -> Result<Standing, Overflow> {
    let mut bases = vec![Decimal::ZERO; input.periods.len()];
    for (segment, base) in input.segments.iter().zip(input.segment_bases) {
        bases[segment.period] = money::add(bases[segment.period], *base)?;
    }
    let mut open = None;
    let mut others = Decimal::ZERO;
    let mut projected_sum = Decimal::ZERO;
    let mut projected_volume = Decimal::ZERO;
    for (index, period) in input.periods.iter().enumerate() {
        if period.year != year_index {
            continue;
        }
        let range = period.range;
        let projected_base = if range.first > input.as_of {
            run.extend(range.days())?
        } else if range.contains(input.as_of) {
            open = Some(index);
            let at_end = money::add(
                bases[index],
                run.extend(days_between(input.as_of, range.last))?,
            )?;
            projected_volume = at_end;
            at_end
        } else {
            others = money::add(others, calc.rebate(bases[index])?)?;
            bases[index]
        };
        projected_sum = money::add(projected_sum, calc.rebate(projected_base)?)?;
    }
    // The audit date lies in the year, and the year's periods partition it.
    let open = open.unwrap_or_default();
    Ok(Standing {
        kind: ScopeKind::Period,
        scope: input
            .periods
            .get(open)
            .map_or(input.contract.term(), |period| period.range),
        volume: bases.get(open).copied().unwrap_or_default(),
        others,
        before_year: Decimal::ZERO,
        projected_volume,
        projected: calc.capped(projected_sum),
    })
}

/// The lowest bracket above `volume` whose rate is higher than `rate`: its lower bound
/// and rate. A bracket in between with a lower or equal rate is no tier worth reaching.
fn next_bracket(contract: &Contract, volume: Decimal, rate: Decimal) -> Option<(Decimal, Decimal)> {
    contract
        .tiers
        .brackets()
        .iter()
        .find(|bracket| bracket.from > volume.max(Decimal::ZERO) && bracket.rate > rate)
        .map(|bracket| (bracket.from, bracket.rate))
}

/// The run rate: the year's weighted base so far per day elapsed.
struct RunRate {
    year_base: Decimal,
    days_elapsed: i64,
    rounding: Rounding,
}

impl RunRate {
    /// round(year base so far × days ÷ days elapsed): the spend of `days` more days at
    /// the run rate, multiplied before dividing so the one rounding is to the cent.
    fn extend(&self, days: i64) -> Result<Decimal, Overflow> {
        if days <= 0 {
            return Ok(Decimal::ZERO);
        }
        let spend = money::mul(self.year_base, Decimal::from(days))?;
        let per = spend
            .checked_div(Decimal::from(self.days_elapsed))
            .ok_or(Overflow)?;
        Ok(self.rounding.round(per))
    }
}

/// The contract's tier function, rounding and cap.
struct Calc<'a> {
    contract: &'a Contract,
    rounding: Rounding,
}

impl Calc<'_> {
    fn round(&self, amount: Decimal) -> Decimal {
        self.rounding.round(amount)
    }

    /// round(R(volume)).
    fn rebate(&self, volume: Decimal) -> Result<Decimal, Overflow> {
        Ok(self.round(
            self.contract
                .tiers
                .rebate(self.contract.tier_mode, volume)?,
        ))
    }

    /// min(cap, amount), and whether the cap bound it.
    fn capped(&self, amount: Decimal) -> (Decimal, bool) {
        match self.contract.cap {
            Some(cap) if amount > cap => (self.round(cap), true),
            _ => (amount, false),
        }
    }
}

fn sum(mut amounts: impl Iterator<Item = Decimal>) -> Result<Decimal, Overflow> {
    amounts.try_fold(Decimal::ZERO, money::add)
}

#[cfg(test)]
mod tests;
