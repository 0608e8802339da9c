//! Contract amendments (变更): a change of terms from an effective date — a new tier
//! table, or a new end of term — and which terms are in force on a day, as known at the
//! end of a settlement period (docs/ARITHMETIC.md, "Amendments"). Plain data, no I/O.

use super::calendar::add_years;
use super::contract::{Contract, TierTable, word_enum};
use super::location::Location;
use chrono::NaiveDate;

word_enum! {
    /// What an amendment row changes.
    Change {
        /// A new tier table (its brackets are `tiers` rows carrying the amendment's id).
        Tiers => "tiers" | "tier" | "tier_table" | "阶梯" | "返点阶梯",
        /// A new last day of the term (extended or shortened).
        End => "end" | "term_end" | "结束日期" | "合同期限" | "延期",
    }
}

word_enum! {
    /// Whether an amendment re-prices what came before its effective date.
    Retroactive {
        /// From the effective date on only.
        No => "no" | "none" | "否" | "不追溯",
        /// From the first day of the contract year the effective date falls in.
        ContractYear => "contract_year" | "追溯至合同年度" | "合同年度" | "追溯",
    }
}

/// What an amendment sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmendedTerms {
    /// The tier table in force from [`Amendment::applies_from`].
    Tiers(TierTable),
    /// The term's new last day.
    End(NaiveDate),
}

/// One validated amendment of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// The amendment's id (变更编号), as the auditor wrote it.
    pub id: String,
    /// The day it takes effect (signed or agreed).
    pub effective_from: NaiveDate,
    /// Whether it reaches back to the start of its contract year.
    pub retroactive: Retroactive,
    /// The first day whose volume it prices: the effective date, or the first day of the
    /// contract year containing it when retroactive.
    pub applies_from: NaiveDate,
    /// What it sets.
    pub terms: AmendedTerms,
    /// Its row in the `amendments` sheet.
    pub source: Location,
}

/// The amendment a period's trail names: who changed the terms it was computed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentNote {
    /// The amendment's id.
    pub id: String,
    /// The day it took effect.
    pub effective_from: NaiveDate,
    /// The first day whose volume it prices.
    pub applies_from: NaiveDate,
    /// Whether it reached back to the start of its contract year.
    pub retroactive: bool,
    /// Its row, as `file:sheet:row`.
    pub source: String,
}

impl Amendment {
    /// The note a trail carries.
    pub fn note(&self) -> AmendmentNote {
        AmendmentNote {
            id: self.id.clone(),
            effective_from: self.effective_from,
            applies_from: self.applies_from,
            retroactive: self.retroactive == Retroactive::ContractYear,
            source: self.source.to_string(),
        }
    }

    /// Its tier table, when it sets one.
    pub fn tiers(&self) -> Option<&TierTable> {
        match &self.terms {
            AmendedTerms::Tiers(table) => Some(table),
            AmendedTerms::End(_) => None,
        }
    }
}

/// The first day of the contract year (from `start`) that contains `date`; `start`
/// itself for a date before it.
pub fn contract_year_start(start: NaiveDate, date: NaiveDate) -> NaiveDate {
    let mut first = start;
    let mut k = 1;
    while let Some(next) = add_years(start, k) {
        if next > date {
            break;
        }
        first = next;
        k += 1;
    }
    first
}

/// The first day an amendment prices: its effective date, or its contract year's first
/// day when it is retroactive.
pub fn applies_from(
    start: NaiveDate,
    effective_from: NaiveDate,
    retroactive: Retroactive,
) -> NaiveDate {
    match retroactive {
        Retroactive::No => effective_from,
        Retroactive::ContractYear => contract_year_start(start, effective_from),
    }
}

impl Contract {
    /// Whether any amendment sets a tier table (then the amended arithmetic applies).
    pub fn has_tier_amendments(&self) -> bool {
        self.amendments
            .iter()
            .any(|amendment| amendment.tiers().is_some())
    }

    /// The tier table that prices the volume of `day`, as known at `known_at` (the end
    /// of the settlement period being computed): among the tier amendments in effect by
    /// `known_at` that reach back to `day`, the one taking effect last; the contract's own
    /// table when none does. The index is the amendment's place in `amendments`.
    pub fn tiers_in_force(
        &self,
        day: NaiveDate,
        known_at: NaiveDate,
    ) -> (&TierTable, Option<usize>) {
        let mut found: Option<(usize, &TierTable)> = None;
        for (index, amendment) in self.amendments.iter().enumerate() {
            let Some(table) = amendment.tiers() else {
                continue;
            };
            if amendment.effective_from <= known_at
                && amendment.applies_from <= day
                && found.is_none_or(|(best, _)| {
                    self.amendments[best].effective_from <= amendment.effective_from
                })
            {
                found = Some((index, table));
            }
        }
        match found {
            Some((index, table)) => (table, Some(index)),
            None => (&self.tiers, None),
        }
    }

    /// The tier table of amendment `index` (the contract's own for `None`).
    pub fn tier_table(&self, amendment: Option<usize>) -> &TierTable {
        amendment
            .and_then(|index| self.amendments.get(index))
            .and_then(Amendment::tiers)
            .unwrap_or(&self.tiers)
    }
}

#[cfg(test)]
mod tests;
