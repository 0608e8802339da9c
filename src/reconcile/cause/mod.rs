//! Likely cause of a payout that is not what its installment expects: short (issue 5) or
//! too much (issue 13).
//!
//! Agents get rebates wrong in a handful of usual ways: the previous bracket's rate or the
//! next one's (a higher tier applied early), no retroactive catch-up or the catch-up paid
//! twice, marginal tiers read as retroactive (or the other way round), the cap ignored,
//! the wrong base (list, net or cash), a product coefficient ignored or a product left out,
//! or the amount of the neighbouring period. [`likely_causes`] replays each of these
//! mistakes through the real arithmetic — [`rebate::period_rebates`] and
//! [`installments::split`] on a modified contract or modified per-segment weighted bases,
//! never a copy of the tier rules — and names the mistakes that reproduce the paid amount
//! to the cent, each with the numbers that argue it (`report::i18n` says it in a sentence).
//! Every mistake is tried whatever the direction of the payment: the replay alone decides.
//! (Some can only overpay a period on their own — list ≥ net ≥ cash on every real line —
//! but with a cap or a cumulative tier scope a mistake that pays too much early leaves a
//! later period short, and the replay shows that too.)
//!
//! A mistake is replayed *consistently*: the agent is assumed to have made it in every
//! period, so under a cumulative tier scope the installment is the difference of two
//! Earned(t) values both computed the wrong way, exactly as E_p is computed the right way.
//!
//! Pure: no I/O, no shared state; call it per installment from the reconciliation.
//!
//! The files, by concern: [`input`] is what the analysis reads ([`CauseInput`]), [`replays`]
//! runs and keeps the replays of one contract ([`Replays`]), `checks` tries each usual
//! mistake on one installment, `found` keeps the mistakes that reproduce the payment, and
//! `tables` makes the mistaken tier tables.

mod checks;
mod found;
pub mod input;
pub mod replays;
mod tables;

use crate::domain::finding::LikelyCause;
pub(super) use found::partial;
pub use input::CauseInput;
pub use replays::Replays;
use rust_decimal::Decimal;

/// The usual mistakes that reproduce `paid` for installment `installment` of period index
/// `period` (an index into `input.periods`, as `reconcile::allocate::Slot::period`).
///
/// Each mistake is replayed with the contract's own arithmetic and rounding; a mistake is
/// named when its installment equals `paid` (rounded by the ruleset) to the cent and differs
/// from the true expectation by more than the tolerance (and more than a cent). The result
/// follows the order of [`CauseCode`]: (a) previous or next tier rate, (b) no retroactive
/// catch-up or the catch-up paid twice, (c) tier mode swapped or the cap ignored, (d)
/// another base, (e) coefficients ignored or a product left out (per product, by name),
/// (f) the previous or next period's installment, (h) on a period an amendment priced,
/// the pre-amendment table (every tier mistake is made on the table in force for the
/// period, every other period keeping its own). Each cause says which part of the
/// period's rebate the installment is, when it is not the whole. It is empty
/// when nothing matches, when `paid` is zero (nothing was computed), when `paid` is the
/// expectation, when the period or installment does not exist, or when the input does not
/// reproduce its own expectation.
///
/// Each call replays the contract afresh; the reconciliation asks [`Replays`] instead, so
/// that a mistake replayed for one finding serves every other finding of the contract.
pub fn likely_causes(
    input: &CauseInput<'_>,
    period: usize,
    installment: u32,
    paid: Decimal,
) -> Vec<LikelyCause> {
    Replays::new(*input).likely_causes(period, installment, paid)
}

#[cfg(test)]
mod tests;
