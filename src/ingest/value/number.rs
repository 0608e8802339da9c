//! Plain numbers and whole numbers, and the digit rules every other value builds on.

use super::error::ValueError;
use crate::domain::expected::{Expected, Kind};
use crate::domain::number::decimal_from_f64;
use crate::ingest::cell::Cell;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub(super) const NUMBER: Expected = Expected::new(Kind::Number, "a number such as 1.2 or 0");
pub(super) const WHOLE: Expected = Expected::new(Kind::WholeNumber, "a whole number such as 30");

/// A plain number such as a coefficient: `1.2`, `0`, `-3`, or a number cell.
/// No thousands separators, currency symbols or exponents.
pub fn parse_decimal(cell: &Cell) -> Result<Decimal, ValueError> {
    match cell {
        Cell::Number(number) => decimal_from_f64(*number),
        Cell::Text(text) => plain_number(text.trim()),
        _ => None,
    }
    .ok_or_else(|| ValueError::new(NUMBER, cell))
}

/// A whole number: `30`, `30.0`, or a number cell 30.0; `30.5` and empty cells are errors.
pub fn parse_whole_number(cell: &Cell) -> Result<i64, ValueError> {
    parse_decimal(cell)
        .ok()
        .filter(|value| value.fract().is_zero())
        .and_then(|value| value.to_i64())
        .ok_or_else(|| ValueError::new(WHOLE, cell))
}

fn strip_minus(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// `-0` prints as `-0`; keep zero unsigned.
pub(super) fn normalise(mut value: Decimal) -> Decimal {
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    value
}

/// An optionally negative number without separators: `-1.25`, `0`, `3`.
pub(super) fn plain_number(text: &str) -> Option<Decimal> {
    let (negative, rest) = strip_minus(text);
    let value = unsigned_number(rest, false)?;
    Some(if negative { normalise(-value) } else { value })
}

/// Digits with an optional fraction; with `grouped`, the integer part may use `,` in
/// valid groups of three (`1,234,567`). Read exactly, so too many digits is an error.
pub(super) fn unsigned_number(text: &str, grouped: bool) -> Option<Decimal> {
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text, None),
    };
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if fraction.is_some_and(|fraction| !all_digits(fraction)) {
        return None;
    }
    let mut groups = integer.split(',');
    let first = groups.next()?;
    let mut clean = first.to_string();
    let mut separated = false;
    for group in groups {
        if !grouped || group.len() != 3 {
            return None;
        }
        separated = true;
        clean.push_str(group);
    }
    if !all_digits(first)
        || !all_digits(&clean)
        || (separated && (first.len() > 3 || first.starts_with('0')))
    {
        return None;
    }
    if let Some(fraction) = fraction {
        clean.push('.');
        clean.push_str(fraction);
    }
    Decimal::from_str_exact(&clean).ok()
}

pub(super) fn digits_of(text: &str, min: usize, max: usize) -> Option<u32> {
    let valid = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if valid { text.parse().ok() } else { None }
}
