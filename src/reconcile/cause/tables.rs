//! The mistaken tier tables and contracts a tier mistake is replayed with.

use crate::domain::computation::PeriodRebate;
use crate::domain::contract::{AmendedTerms, Amendment, Contract, TierTable};
use rust_decimal::Decimal;

/// `contract` with the tier table of `amendment` (its own table for `None`) replaced by
/// `table`: a tier mistake made on the terms in force, every other table kept.
pub(super) fn with_table_in_force(
    contract: &Contract,
    amendment: Option<usize>,
    table: TierTable,
) -> Contract {
    let mut mistaken = contract.clone();
    match amendment.and_then(|index| mistaken.amendments.get_mut(index)) {
        // `amendment` indexes the tier amendment in force (`PeriodRebate::amendment`).
        Some(amended) => amended.terms = AmendedTerms::Tiers(table),
        None => mistaken.tiers = table,
    }
    mistaken
}

/// The contract's amendments without those that set a tier table.
pub(super) fn without_tier_amendments(contract: &Contract) -> Vec<Amendment> {
    contract
        .amendments
        .iter()
        .filter(|amendment| amendment.tiers().is_none())
        .cloned()
        .collect()
}

/// The tier table with the bracket `rebate`'s volume reached paid at the rate of the one
/// below, with that bracket's index, the reached and the lower rate; `None` in the first bracket or when the
/// rates agree.
pub(super) fn previous_bracket_tiers(
    tiers: &TierTable,
    rebate: &PeriodRebate,
) -> Option<(usize, Decimal, Decimal, TierTable)> {
    let reached = tiers.bracket_for(rebate.scope_volume.max(Decimal::ZERO))?;
    let index = tiers
        .brackets()
        .iter()
        .position(|bracket| bracket.from == reached.from)?;
    let lower = tiers.brackets().get(index.checked_sub(1)?)?;
    if lower.rate == reached.rate {
        return None;
    }
    let mut brackets = tiers.brackets().to_vec();
    brackets[index].rate = lower.rate;
    let table = TierTable::new(brackets).ok()?;
    Some((index, reached.rate, lower.rate, table))
}

/// The tier table with the bracket `rebate`'s volume reached paid at the rate of the one
/// above, with that bracket's index, the reached and the higher rate and where the
/// higher bracket starts;
/// `None` in the last bracket or when the rates agree.
pub(super) fn next_bracket_tiers(
    tiers: &TierTable,
    rebate: &PeriodRebate,
) -> Option<(usize, Decimal, Decimal, Decimal, TierTable)> {
    let reached = tiers.bracket_for(rebate.scope_volume.max(Decimal::ZERO))?;
    let index = tiers
        .brackets()
        .iter()
        .position(|bracket| bracket.from == reached.from)?;
    let next = tiers.brackets().get(index.checked_add(1)?)?;
    if next.rate == reached.rate {
        return None;
    }
    let mut brackets = tiers.brackets().to_vec();
    brackets[index].rate = next.rate;
    let table = TierTable::new(brackets).ok()?;
    Some((index, reached.rate, next.rate, next.from, table))
}
