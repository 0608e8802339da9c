//! Domain types: contracts, billing lines, payouts, findings and the calendar and money
//! rules they obey. Nothing here does I/O; everything can be tested with a five-row table.

pub mod billing;
pub mod calendar;
pub mod contract;
pub mod finding;
pub mod location;
pub mod money;
pub mod payout;
pub mod period;
