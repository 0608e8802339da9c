//! One spreadsheet or CSV cell as read, before any column knows what it means.
//!
//! CSV gives only text; spreadsheets give typed values. Keeping both in one enum lets
//! every value parser (money, rate, date, month) accept either source with one code path,
//! and lets error messages quote the cell exactly as the user typed it.

use crate::domain::number::format_number;
use chrono::NaiveDate;
use std::fmt;

/// A cell value as read from a CSV field or a spreadsheet cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in the cell (or only white space).
    Empty,
    /// Text as typed (CSV fields are always text).
    Text(String),
    /// A number cell. XLSX stores every number as a float.
    Number(f64),
    /// A cell formatted as a date (calamine `DateTime`, serial already resolved for the
    /// workbook's 1900/1904 date system, time of day dropped) or an ODS ISO date.
    Date(NaiveDate),
    /// A boolean cell.
    Bool(bool),
    /// An error cell such as `#DIV/0!` or `#REF!`; never read as zero.
    Error(String),
}

/// `text` without surrounding white space. Most cells start and end with a visible ASCII
/// character and are returned as they are, without the Unicode scan of `str::trim`.
pub fn trimmed(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

impl Cell {
    /// True when the cell holds nothing or only white space.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => trimmed(text).is_empty(),
            _ => false,
        }
    }

    /// True for a number cell of 16 digits or more: a spreadsheet keeps 15 significant
    /// digits, so an id typed as a number (an account, a 20-digit invoice number) has
    /// already lost its last ones.
    pub fn digits_lost(&self) -> bool {
        matches!(self, Cell::Number(number) if number.abs() >= 1e15)
    }

    /// The cell's content as text without copying when it already is text.
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Cell::Text(text) => std::borrow::Cow::Borrowed(trimmed(text)),
            other => std::borrow::Cow::Owned(other.to_text()),
        }
    }

    /// The cell's content as text, for header matching and identifiers.
    /// Whole numbers print without a fraction (`2025`, not `2025.0`).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_string(),
            Cell::Number(number) => format_number(*number),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
            Cell::Bool(value) => value.to_string(),
            Cell::Error(error) => error.clone(),
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => formatter.write_str("(empty)"),
            Cell::Text(text) => write!(formatter, "`{text}`"),
            Cell::Number(_) | Cell::Date(_) | Cell::Bool(_) => {
                write!(formatter, "`{}`", self.to_text())
            }
            Cell::Error(error) => write!(formatter, "error cell `{error}`"),
        }
    }
}

/// A row of text cells; `""` is an empty cell (for the unit tests).
#[cfg(test)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_of_sixteen_digits_or_more_have_lost_some() {
        assert!(!Cell::Number(999_999_999_999_999.0).digits_lost());
        assert!(Cell::Number(1e15).digits_lost());
        assert!(Cell::Number(-12_345_678_901_234_567_890.0).digits_lost());
        assert!(!Cell::Text("12345678901234567890".into()).digits_lost());
        assert!(!Cell::Empty.digits_lost());
    }
}
