//! The tier scope's two rules shared by the plain and the amended arithmetic: whether the
//! scope is the whole term, and the cap on a year's (or the term's) rebate. A module of
//! its own so `rebate.rs` and `amended.rs` both import it without importing each other.

use crate::domain::contract::{Contract, Settlement, TierBasis};
use crate::domain::money::Rounding;
use rust_decimal::Decimal;

/// Whether the tier scope is the whole term, capped as one (docs/ARITHMETIC.md).
pub fn whole_term_scope(contract: &Contract) -> bool {
    contract.tier_basis == TierBasis::Term
        || (contract.tier_basis == TierBasis::Period && contract.settlement == Settlement::Term)
}

/// The cap applied to a year's (or term's) rebate, and whether it bound.
pub(crate) fn capped(cap: Option<Decimal>, amount: Decimal, rounding: Rounding) -> (Decimal, bool) {
    match cap {
        Some(cap) if amount > cap => (rounding.round(cap), true),
        _ => (amount, false),
    }
}
