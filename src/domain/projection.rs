//! A projection of one contract's open contract year (docs/ARITHMETIC.md, "Projections"):
//! the spend so far, the spend that reaches the next tier and what it would unlock, and
//! the year-end rebate at the run rate. A projection is no finding: it states where a
//! contract stands, and nothing in it changes an installment or a finding.

use super::contract::{DateRange, TierBasis, TierMode};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Where one contract stands in the contract year that holds the audit date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    /// The contract.
    pub contract_id: String,
    /// Its currency: every amount below is in it.
    pub currency: String,
    /// What volume picks the tier.
    pub tier_basis: TierBasis,
    /// Retroactive or marginal.
    pub tier_mode: TierMode,
    /// The open contract year (clipped to the term).
    pub year: DateRange,
    /// The audit date, inside `year`.
    pub as_of: NaiveDate,
    /// Days of the year through the audit date, both ends counted.
    pub days_elapsed: i64,
    /// Days in the year, both ends counted.
    pub days_in_year: i64,
    /// What the tier scope is.
    pub scope_kind: ScopeKind,
    /// The tier scope whose volume picks the next tier: the open settlement period
    /// (`period` basis), the contract year, or the term.
    pub scope: DateRange,
    /// The scope's weighted base so far: the spend that counts toward its tiers.
    pub scope_base: Decimal,
    /// The contract year's weighted base so far (the run rate's numerator).
    pub year_base: Decimal,
    /// The rate of the bracket the scope's volume reached (0 above a closed last bracket).
    pub rate: Decimal,
    /// What the contract year has earned so far, capped.
    pub earned: Decimal,
    /// The cap (per contract year, or per term when the scope is the term).
    pub cap: Option<Decimal>,
    /// Whether the cap already holds what was earned so far.
    pub cap_reached: bool,
    /// The next tier, when a bracket with a higher rate lies above the scope's volume.
    pub next: Option<NextTier>,
    /// The year-end projection at the run rate.
    pub year_end: YearEnd,
}

/// The next tier: what it takes and what it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextTier {
    /// The bracket's lower bound: the scope volume that reaches it.
    pub threshold: Decimal,
    /// Its rate.
    pub rate: Decimal,
    /// threshold − the scope's weighted base so far.
    pub spend_needed: Decimal,
    /// How much the year's (or term's) capped rebate would grow with exactly that spend.
    pub unlock: Decimal,
    /// The part of `unlock` that prices the spend so far again at the new rate
    /// (retroactive tiers; 0 for marginal ones), never more than `unlock`.
    pub catch_up: Decimal,
    /// Whether the cap holds `unlock` below what the tiers alone would give.
    pub cap_limited: bool,
}

/// The year-end rebate at the run rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearEnd {
    /// The contract year's weighted base at its last day: the spend so far, plus the
    /// rest of the year at the run rate (year base so far ÷ days elapsed per day).
    pub weighted_base: Decimal,
    /// What the contract year would earn, capped.
    pub rebate: Decimal,
    /// Whether the cap bound the projection.
    pub cap_applied: bool,
    /// Whether the projected spend reaches the next tier's threshold (within the
    /// scope); `false` without a next tier.
    pub reaches_next: bool,
}

/// What the scope of a projection's next tier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// The open settlement period (`period` basis): the year's other periods are priced
    /// on their own.
    Period,
    /// The contract year.
    ContractYear,
    /// The whole term (`term` basis, or `period` basis with a `term` settlement).
    Term,
}
