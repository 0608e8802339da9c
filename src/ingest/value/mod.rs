//! Typed values read from one cell: money, plain numbers, rates, installment portions,
//! dates, months, period references and whole numbers.
//!
//! Every number the auditor reports must be traceable to a cell, so these parsers are
//! strict on purpose: a cell that is not clearly one of the documented forms (docs/INPUTS.md) is
//! an error naming what was expected and quoting what was found, never a guess. Money is
//! exact: text goes through `Decimal::from_str_exact` (scientific notation through
//! `Decimal::from_scientific`, which only moves the point) after validation, and number
//! cells go through their shortest round-trip text, so `19.99` stays `19.99` and nothing
//! is rounded here. Error cells (`#DIV/0!`) are never read as zero.
//!
//! Integers are read by their digit count wherever a date-like value is expected:
//! 4 digits are a year, 6 digits a month (`202503`), 8 digits a date (`20250331`), and any
//! other whole number in 1..=2958465 an Excel serial date (1900 date system).
//!
//! One file per kind of value: `money` (and its hot path `plain_amount`), `number`,
//! `rate`, `period` (dates, months, quarters, years and Excel serial dates), `iso` (the
//! billing hot path's dates and months), `moment` (timestamps, zones, ranges) and
//! `dates_in` (dates and months as a billing format writes them); `error` says what a
//! cell should have held.

mod dates_in;
mod error;
mod iso;
mod moment;
mod money;
mod number;
mod period;
mod plain_amount;
mod rate;

#[cfg(test)]
mod tests;

pub use crate::domain::contract::Portion;
pub use crate::domain::period::{PeriodRef, YearMonth};
pub use crate::ruleset::DateOrder;
pub use dates_in::{
    parse_date_in, parse_month_in, parse_optional_date_in, parse_optional_date_shifted,
    parse_period_start,
};
pub use error::ValueError;
pub(crate) use iso::{iso_date, iso_month};
pub use money::{parse_money, parse_optional_money};
pub use number::{parse_decimal, parse_whole_number};
pub use period::{
    excel_serial_to_date, parse_date, parse_month, parse_optional_date, parse_period_ref,
};
pub(crate) use plain_amount::{plain_amount, plain_amount_word};
pub use rate::{parse_portion, parse_rate};
