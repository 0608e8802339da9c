//! The rebate arithmetic of docs/ARITHMETIC.md, as pure functions: settlement periods and tier
//! scopes from a contract, Earned(t) and each period's expectation from weighted bases,
//! and the split of each period's rebate into installments with due dates.

pub mod amended;
pub mod clawback;
pub mod installments;
pub mod projection;
pub mod rebate;
pub mod scope;
