//! Rates and installment portions: percentages, fractions, points and the Chinese
//! 万分之/千分之 forms, each read exactly.

use super::error::ValueError;
use super::number::{plain_number, unsigned_number};
use crate::domain::contract::Portion;
use crate::domain::expected::{Expected, Kind};
use crate::domain::number::decimal_from_f64;
use crate::ingest::cell::Cell;
use rust_decimal::Decimal;

pub(super) const RATE: Expected = Expected::new(Kind::Rate, "a rate such as 22% or 0.22");
pub(super) const RATE_OR_POINTS: Expected =
    Expected::new(Kind::RateOrPoints, "a rate such as 22%, 0.22 or 10pt");
pub(super) const NO_POINTS: Expected = Expected::new(
    Kind::Rate,
    "a rate such as 22% or 0.22 (points such as 10pt are not accepted here)",
);
/// What a plain number above 1 should have been written as: `15` is either `15%` or
/// `0.15`, and which one is not for the auditor to guess.
pub(super) fn ambiguous(value: Decimal) -> String {
    let percent = value.normalize();
    let fraction =
        shift(value, 2).map_or_else(|| percent.to_string(), |f| f.normalize().to_string());
    format!("a rate written as a percentage or a fraction, `{percent}%` or `{fraction}`")
}
pub(super) const NEGATIVE_RATE: Expected = Expected::new(
    Kind::NonNegativeRate,
    "a rate that is not negative, such as 22% or 0.22",
);
pub(super) const PORTION: Expected =
    Expected::new(Kind::Portion, "a portion such as 40%, 0.4, 10pt or rest");
pub(super) const PORTION_RANGE: Expected = Expected::new(
    Kind::PortionRange,
    "a portion above 0% and at most 100%, such as 40%",
);
pub(super) const POINTS_RANGE: Expected =
    Expected::new(Kind::Points, "a positive number of points such as 10pt");

/// A rate as a fraction: `22%` → 0.22, `0.05%` → 0.0005, `万分之五` → 0.0005,
/// `千分之三` → 0.003, `0.22` or a number cell 0.22 → 0.22, and `22pt` → 0.22 when
/// `allow_points`. A plain number above 1 is ambiguous (22 or 22%?) and an error, as is a
/// negative rate.
pub fn parse_rate(cell: &Cell, allow_points: bool) -> Result<Decimal, ValueError> {
    let expected = if allow_points { RATE_OR_POINTS } else { RATE };
    match rate_form(cell) {
        None => Err(ValueError::new(expected, cell)),
        Some(RateForm::Points(_)) if !allow_points => Err(ValueError::new(NO_POINTS, cell)),
        Some(form) => {
            let value = form.value();
            if value.is_sign_negative() && !value.is_zero() {
                Err(ValueError::new(NEGATIVE_RATE, cell))
            } else if matches!(form, RateForm::Plain(_)) && value > Decimal::ONE {
                Err(ValueError::new(ambiguous(value), cell))
            } else {
                Ok(value)
            }
        }
    }
}

/// An installment portion: `40%`, `0.4` or a number cell 0.4 → `Percent(0.40)`;
/// `10pt` → `Points(0.10)`; `rest`, `剩余` or `余额` → `Rest`. Values must be above 0 and
/// percentages at most 100%.
pub fn parse_portion(cell: &Cell) -> Result<Portion, ValueError> {
    if let Cell::Text(text) = cell {
        let text = text.trim();
        if ["rest", "剩余", "余额"]
            .iter()
            .any(|word| crate::domain::words::same_word(word, text))
        {
            return Ok(Portion::Rest);
        }
    }
    match rate_form(cell) {
        None => Err(ValueError::new(PORTION, cell)),
        Some(RateForm::Points(points)) if points > Decimal::ZERO => Ok(Portion::Points(points)),
        Some(RateForm::Points(_)) => Err(ValueError::new(POINTS_RANGE, cell)),
        Some(form) => {
            let value = form.value();
            if value > Decimal::ZERO && value <= Decimal::ONE {
                Ok(Portion::Percent(value))
            } else {
                Err(ValueError::new(PORTION_RANGE, cell))
            }
        }
    }
}

/// A rate as written, already converted to a fraction.
#[derive(Clone, Copy)]
enum RateForm {
    /// A bare number (`0.22`, number cell): ambiguous above 1.
    Plain(Decimal),
    /// `22%`, `万分之五`, `千分之三`.
    Percent(Decimal),
    /// `22pt`.
    Points(Decimal),
}

impl RateForm {
    fn value(self) -> Decimal {
        match self {
            RateForm::Plain(value) | RateForm::Percent(value) | RateForm::Points(value) => value,
        }
    }
}

fn rate_form(cell: &Cell) -> Option<RateForm> {
    let text = match cell {
        Cell::Number(number) => return decimal_from_f64(*number).map(RateForm::Plain),
        Cell::Text(text) => text.trim(),
        _ => return None,
    };
    for (prefix, places) in [("万分之", 4), ("千分之", 3)] {
        if let Some(count) = text.strip_prefix(prefix) {
            let count = chinese_digit(count).or_else(|| unsigned_number(count, false))?;
            return shift(count, places).map(RateForm::Percent);
        }
    }
    if let Some(number) = text.strip_suffix(['%', '％']) {
        return shift(plain_number(number.trim_end())?, 2).map(RateForm::Percent);
    }
    let cut = text.len().saturating_sub(2);
    if let (Some(number), Some(unit)) = (text.get(..cut), text.get(cut..))
        && unit.eq_ignore_ascii_case("pt")
    {
        return shift(plain_number(number.trim_end())?, 2).map(RateForm::Points);
    }
    plain_number(text).map(RateForm::Plain)
}

fn chinese_digit(text: &str) -> Option<Decimal> {
    let position = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .iter()
        .position(|digit| *digit == text)?;
    Some(Decimal::from(position + 1))
}

/// Divides by 10^places exactly (by scale), or `None` if the scale would exceed 28.
fn shift(mut value: Decimal, places: u32) -> Option<Decimal> {
    value.set_scale(value.scale() + places).ok()?;
    Some(value)
}
