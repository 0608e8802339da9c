//! Small constructors shared by the unit tests: exact decimals, dates and rows of cells
//! written the way a worked example reads.

use crate::ingest::cell::Cell;
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

/// A row of text cells; `""` is an empty cell.
pub(crate) fn texts(values: &[&str]) -> Vec<Cell> {
    values
        .iter()
        .map(|value| {
            if value.is_empty() {
                Cell::Empty
            } else {
                Cell::Text((*value).into())
            }
        })
        .collect()
}
