//! Small constructors shared by the unit tests: exact decimals and dates written the way
//! a worked example reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// An exact decimal from text (`"0.125"`).
pub(crate) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal literal in a test")
}

/// A date from ISO text (`"2025-03-31"`).
pub(crate) fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("an ISO date in a test")
}
