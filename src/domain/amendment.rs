//! Contract amendments (变更): a change of terms from an effective date — a new tier
//! table, or a new end of term — and which terms are in force on a day, as known at the
//! end of a settlement period (docs/ARITHMETIC.md, "Amendments"). Plain data, no I/O.

pub use super::contract::{
    AmendedTerms, Amendment, AmendmentNote, Change, Retroactive, applies_from, contract_year_start,
};
#[cfg(test)]
use super::contract::{Contract, TierTable};
#[cfg(test)]
use super::location::Location;

#[cfg(test)]
mod tests;
