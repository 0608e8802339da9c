//! Reads billing exports: recognises each table by its header row using the rulesets'
//! billing formats (Alibaba Cloud, Tencent Cloud, Huawei Cloud, Azure EA/MCA, FOCUS and the
//! generic template, plus any a user adds), normalises every row into a
//! [`BillingLine`](crate::domain::billing::BillingLine), and hands lines (or the reason a
//! row was rejected) to a [`BillingSink`] one at a time, so nothing holds every line in
//! memory.
//!
//! Real exports are not clean tables: a title or note may sit above the header, a totals
//! row below the lines, blanks may be written `-` or `NULL`, and refunds may or may not
//! carry a minus sign. Each is recognised explicitly and counted, never guessed away.
//!
//! One file per concern: `reader` recognises the header and reads each row, `sink` is
//! what it hands rows to, `fast_row` reads the common CSV record straight from its bytes
//! and `row` any row the long way, explaining every error; `products` resolves and
//! numbers product names, `totals` recognises totals rows.

mod fast_row;
mod products;
mod reader;
mod row;
mod sink;
mod totals;

#[cfg(test)]
mod tests;

pub use reader::{BillingReader, MAX_ROWS_ABOVE_HEADER, TablePosition};
pub use sink::{BillingSink, Recognised};
#[cfg(test)]
mod layout_tests;
