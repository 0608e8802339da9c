//! Domain types: contracts, billing lines, payouts, findings and the calendar and money
//! rules they obey. Nothing here does I/O; everything can be tested with a five-row table.

pub mod accrual;
pub mod aggregate;
pub mod amendment;
pub mod audit;
pub mod baseline;
pub mod billing;
pub mod calendar;
pub mod clawback;
pub mod computation;
pub mod contract;
pub mod controls;
pub mod currency;
pub mod digest;
pub mod expected;
pub mod finding;
pub mod inspect;
pub mod installment;
pub mod lang;
pub mod limitation;
pub mod location;
pub mod money;
pub mod number;
pub mod pack;
pub mod payout;
pub mod period;
pub mod projection;
pub mod settlement;
pub mod stake;
pub mod statement;
#[cfg(test)]
pub(crate) mod test_support;
pub mod words;
// Money and days as text without a heap string (the reports of a large audit).
pub mod money_text;
