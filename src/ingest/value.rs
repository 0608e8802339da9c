//! Typed values read from one cell: money, plain numbers, rates, installment portions,
//! dates, months, period references and whole numbers.
//!
//! Every number the auditor reports must be traceable to a cell, so these parsers are
//! strict on purpose: a cell that is not clearly one of the documented forms (SPEC §2) is
//! an error naming what was expected and quoting what was found, never a guess. Money is
//! exact: text goes through `Decimal::from_str_exact` after validation, and number cells
//! go through their shortest round-trip text, so `19.99` stays `19.99` and nothing is
//! rounded here. Error cells (`#DIV/0!`) are never read as zero.
//!
//! Integers are read by their digit count wherever a date-like value is expected:
//! 4 digits are a year, 6 digits a month (`202503`), 8 digits a date (`20250331`), and any
//! other whole number in 1..=2958465 an Excel serial date (1900 date system).

use super::cell::{Cell, format_number};
pub use crate::domain::period::{PeriodRef, YearMonth};
use chrono::{Days, NaiveDate, NaiveTime};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

const MONEY: &str = "an amount such as 1,234.50 or (1,234.50)";
const NUMBER: &str = "a number such as 1.2 or 0";
const RATE: &str = "a rate such as 22% or 0.22";
const RATE_OR_POINTS: &str = "a rate such as 22%, 0.22 or 10pt";
const NO_POINTS: &str = "a rate such as 22% or 0.22 (points such as 10pt are not accepted here)";
const FRACTION: &str = "a fraction such as 0.22 or a percentage such as 22%";
const NEGATIVE_RATE: &str = "a rate that is not negative, such as 22% or 0.22";
const PORTION: &str = "a portion such as 40%, 0.4, 10pt or rest";
const PORTION_RANGE: &str = "a portion above 0% and at most 100%, such as 40%";
const POINTS_RANGE: &str = "a positive number of points such as 10pt";
const DATE: &str = "a date such as 2025-03-31, 2025/3/31, 2025年3月31日 or an Excel date";
const MONTH: &str = "a month such as 2025-03, 202503 or 2025年3月";
const PERIOD: &str =
    "a period such as 2025-03 (month), 2025-Q1 (quarter), 2025 (year) or 2025-03-31 (date)";
const WHOLE: &str = "a whole number such as 30";
/// Largest Excel serial date: 9999-12-31.
const MAX_SERIAL: f64 = 2_958_465.0;

/// A cell that does not hold the kind of value its column needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, found {found}")]
pub struct ValueError {
    /// What the column accepts, as a sentence fragment ("a month such as 2025-03 …").
    pub expected: String,
    /// The cell as shown by `Cell`'s `Display` (e.g. "`abc`", "(empty)").
    pub found: String,
}

impl ValueError {
    /// An error quoting `cell`; blank text is shown as "(empty)".
    pub fn new(expected: impl Into<String>, cell: &Cell) -> Self {
        let found = if cell.is_empty() {
            Cell::Empty.to_string()
        } else {
            cell.to_string()
        };
        ValueError {
            expected: expected.into(),
            found,
        }
    }
}

/// The exact decimal a spreadsheet user sees for a float: its shortest round-trip text,
/// read with `Decimal::from_str_exact` (0.1 → 0.1, never 0.1000000000000000055…).
/// `None` for NaN, infinities and values a `Decimal` cannot hold exactly.
pub fn decimal_from_f64(number: f64) -> Option<Decimal> {
    if !number.is_finite() {
        return None;
    }
    Decimal::from_str_exact(&format_number(number)).ok()
}

/// The finest precision any provider bills in; a float cell's digits beyond it are noise
/// from binary floating point (a formula's `0.1 + 0.2` is stored as 0.30000000000000004).
const MONEY_FLOAT_DECIMALS: u32 = 8;

/// An amount of money: `1234.5`, `1,234.50`, `¥1,234.50`, `(1,234.50)` (negative),
/// `-¥1,234.50`, `¥-1,234.50`, or a number cell. Text keeps every decimal as given; a
/// number cell is read as its shortest text and rounded at the 8th decimal.
pub fn parse_money(cell: &Cell) -> Result<Decimal, ValueError> {
    match cell {
        Cell::Number(number) => decimal_from_f64(*number).map(|amount| {
            amount
                .round_dp_with_strategy(
                    MONEY_FLOAT_DECIMALS,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
                .normalize()
        }),
        Cell::Text(text) => money_from_text(text.trim()),
        _ => None,
    }
    .ok_or_else(|| ValueError::new(MONEY, cell))
}

/// Like [`parse_money`], but an empty cell is `None`.
pub fn parse_optional_money(cell: &Cell) -> Result<Option<Decimal>, ValueError> {
    if cell.is_empty() {
        Ok(None)
    } else {
        parse_money(cell).map(Some)
    }
}

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
                Err(ValueError::new(FRACTION, cell))
            } else {
                Ok(value)
            }
        }
    }
}

pub use crate::domain::contract::Portion;

/// An installment portion: `40%`, `0.4` or a number cell 0.4 → `Percent(0.40)`;
/// `10pt` → `Points(0.10)`; `rest`, `剩余` or `余额` → `Rest`. Values must be above 0 and
/// percentages at most 100%.
pub fn parse_portion(cell: &Cell) -> Result<Portion, ValueError> {
    if let Cell::Text(text) = cell {
        let text = text.trim();
        if text.eq_ignore_ascii_case("rest") || text == "剩余" || text == "余额" {
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

/// A date: `2025-03-31`, `2025/3/31`, `2025.3.31`, `2025年3月31日`, `20250331`, each with an
/// optional ignored time (`2025-03-31 12:00:00`, `2025-03-31T00:00:00Z`), a date cell, or an
/// Excel serial date (number cell or integer text; 4 and 6 digits are a year and a month,
/// not serials).
pub fn parse_date(cell: &Cell) -> Result<NaiveDate, ValueError> {
    match period_of(cell) {
        Some(PeriodRef::Date(date)) => Ok(date),
        _ => Err(ValueError::new(DATE, cell)),
    }
}

/// Like [`parse_date`], but an empty cell is `None`.
pub fn parse_optional_date(cell: &Cell) -> Result<Option<NaiveDate>, ValueError> {
    if cell.is_empty() {
        Ok(None)
    } else {
        parse_date(cell).map(Some)
    }
}

/// The date of an Excel serial number in the 1900 date system: 1 = 1900-01-01, 60 is the
/// non-existent 1900-02-29 (`None`), 61 = 1900-03-01. The time of day (fraction) is
/// dropped. `None` below 1, above 2958465 (9999-12-31) and for NaN.
pub fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..MAX_SERIAL + 1.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as u64;
    let (epoch, days) = match days {
        60 => return None,
        1..=59 => (NaiveDate::from_ymd_opt(1899, 12, 31)?, days),
        _ => (NaiveDate::from_ymd_opt(1899, 12, 30)?, days),
    };
    epoch.checked_add_days(Days::new(days))
}

/// A month: `2025-03`, `2025/03`, `2025/3`, `202503`, `2025年3月`, a number cell 202503,
/// or any date form accepted by [`parse_date`] (its month).
pub fn parse_month(cell: &Cell) -> Result<YearMonth, ValueError> {
    match period_of(cell) {
        Some(PeriodRef::Month(month)) => Ok(month),
        Some(PeriodRef::Date(date)) => Ok(YearMonth::of(date)),
        _ => Err(ValueError::new(MONTH, cell)),
    }
}

/// A period reference: a month (as [`parse_month`]), a quarter (`2025-Q1`, `2025Q1`,
/// `2025 Q1`, `2025年第1季度`, `2025年Q1`), a year (`2025`, `2025年`, number cell 2025) or a
/// date (as [`parse_date`]).
pub fn parse_period_ref(cell: &Cell) -> Result<PeriodRef, ValueError> {
    period_of(cell).ok_or_else(|| ValueError::new(PERIOD, cell))
}

/// A whole number: `30`, `30.0`, or a number cell 30.0; `30.5` and empty cells are errors.
pub fn parse_whole_number(cell: &Cell) -> Result<i64, ValueError> {
    parse_decimal(cell)
        .ok()
        .filter(|value| value.fract().is_zero())
        .and_then(|value| value.to_i64())
        .ok_or_else(|| ValueError::new(WHOLE, cell))
}

// ---- money and numbers ----

fn money_from_text(text: &str) -> Option<Decimal> {
    let (parenthesised, rest) = match text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, text),
    };
    let (minus_before, rest) = strip_minus(rest);
    let (minus_after, rest) = match rest.strip_prefix(['¥', '￥', '$']) {
        Some(after_symbol) => strip_minus(after_symbol),
        None => (false, rest),
    };
    if u8::from(parenthesised) + u8::from(minus_before) + u8::from(minus_after) > 1 {
        return None;
    }
    let value = unsigned_number(rest, true)?;
    Some(if parenthesised || minus_before || minus_after {
        normalise(-value)
    } else {
        value
    })
}

fn strip_minus(text: &str) -> (bool, &str) {
    match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// `-0` prints as `-0`; keep zero unsigned.
fn normalise(mut value: Decimal) -> Decimal {
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    value
}

/// An optionally negative number without separators: `-1.25`, `0`, `3`.
fn plain_number(text: &str) -> Option<Decimal> {
    let (negative, rest) = strip_minus(text);
    let value = unsigned_number(rest, false)?;
    Some(if negative { normalise(-value) } else { value })
}

/// Digits with an optional fraction; with `grouped`, the integer part may use `,` in
/// valid groups of three (`1,234,567`). Read exactly, so too many digits is an error.
fn unsigned_number(text: &str, grouped: bool) -> Option<Decimal> {
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

// ---- rates ----

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

// ---- dates, months and periods ----

/// Every date-like form, classified: the single reading shared by dates, months and
/// period references so they never disagree about what a cell means.
fn period_of(cell: &Cell) -> Option<PeriodRef> {
    match cell {
        Cell::Date(date) => Some(PeriodRef::Date(*date)),
        Cell::Number(number) => {
            if number.fract() != 0.0 || !(1.0..1e8).contains(number) {
                return None;
            }
            period_from_digits(&format!("{}", *number as u64))
        }
        Cell::Text(text) => period_from_text(text.trim()),
        _ => None,
    }
}

fn period_from_text(text: &str) -> Option<PeriodRef> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return period_from_digits(text);
    }
    if let Some(year) = text.strip_suffix('年') {
        return year_of(year).map(PeriodRef::Year);
    }
    quarter_from_text(text)
        .or_else(|| month_from_text(text).map(PeriodRef::Month))
        .or_else(|| date_from_text(text).map(PeriodRef::Date))
}

/// 4 digits = year, 6 = month, 8 = date, else an Excel serial date.
fn period_from_digits(digits: &str) -> Option<PeriodRef> {
    match digits.len() {
        4 => year_of(digits).map(PeriodRef::Year),
        6 => month_from_parts(digits.get(..4)?, digits.get(4..)?).map(PeriodRef::Month),
        8 => date_from_parts(digits.get(..4)?, digits.get(4..6)?, digits.get(6..)?)
            .map(PeriodRef::Date),
        1..=7 => excel_serial_to_date(f64::from(digits.parse::<u32>().ok()?)).map(PeriodRef::Date),
        _ => None,
    }
}

fn quarter_from_text(text: &str) -> Option<PeriodRef> {
    let (year, quarter) = match text.split_once('年') {
        Some((year, rest)) => {
            let quarter = rest.strip_prefix('第').and_then(|q| q.strip_suffix("季度"));
            (year, quarter.or_else(|| rest.strip_prefix(['Q', 'q']))?)
        }
        None => {
            let (year, quarter) = text.split_once(['Q', 'q'])?;
            (year.strip_suffix(['-', ' ']).unwrap_or(year), quarter)
        }
    };
    let quarter = match quarter {
        "1" | "一" => 1,
        "2" | "二" => 2,
        "3" | "三" => 3,
        "4" | "四" => 4,
        _ => return None,
    };
    Some(PeriodRef::Quarter {
        year: year_of(year)?,
        quarter,
    })
}

fn month_from_text(text: &str) -> Option<YearMonth> {
    let (year, month) = match text.strip_suffix('月') {
        Some(rest) => rest.split_once('年')?,
        None => text.split_once(['-', '/'])?,
    };
    month_from_parts(year, month)
}

fn date_from_text(text: &str) -> Option<NaiveDate> {
    let date = match text.split_once([' ', 'T']) {
        Some((date, time)) if is_time(time.trim()) => date,
        Some(_) => return None,
        None => text,
    };
    if let Some(rest) = date.strip_suffix('日') {
        let (year, rest) = rest.split_once('年')?;
        let (month, day) = rest.split_once('月')?;
        return date_from_parts(year, month, day);
    }
    if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        return date_from_parts(date.get(..4)?, date.get(4..6)?, date.get(6..)?);
    }
    ['-', '/', '.'].into_iter().find_map(|separator| {
        let mut parts = date.split(separator);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(year), Some(month), Some(day), None) => date_from_parts(year, month, day),
            _ => None,
        }
    })
}

/// `12:00`, `12:00:00`, `12:00:00.5`, optionally followed by `Z` or a UTC offset.
fn is_time(time: &str) -> bool {
    let time = time.strip_suffix(['Z', 'z']).unwrap_or(time);
    let clock = match time.rfind(['+', '-']) {
        Some(at) => {
            let offset = &time[at + 1..];
            let valid = (2..=5).contains(&offset.len())
                && offset.bytes().all(|b| b.is_ascii_digit() || b == b':');
            if !valid {
                return false;
            }
            &time[..at]
        }
        None => time,
    };
    ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .any(|format| NaiveTime::parse_from_str(clock, format).is_ok())
}

/// A four-digit year in 1900..=9999 (a typo like `0025` is not a year).
fn year_of(text: &str) -> Option<i32> {
    let year = digits_of(text, 4, 4)?;
    (1900..=9999).contains(&year).then_some(year as i32)
}

fn digits_of(text: &str, min: usize, max: usize) -> Option<u32> {
    let valid = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    if valid { text.parse().ok() } else { None }
}

fn month_from_parts(year: &str, month: &str) -> Option<YearMonth> {
    YearMonth::new(year_of(year)?, digits_of(month, 1, 2)?)
}

fn date_from_parts(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        year_of(year)?,
        digits_of(month, 1, 2)?,
        digits_of(day, 1, 2)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_string())
    }
    fn dec(value: &str) -> Decimal {
        Decimal::from_str_exact(value).unwrap()
    }
    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }
    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }
    /// Test inputs separated by ` | ` (so an input may contain a single space).
    fn each(list: &str) -> impl Iterator<Item = &str> {
        list.split(" | ")
    }
    /// `input => expected` pairs separated by ` | `.
    fn pairs(list: &str) -> impl Iterator<Item = (&str, &str)> {
        each(list).map(|pair| pair.split_once(" => ").unwrap())
    }

    #[test]
    fn float_money_cells_lose_binary_noise_but_keep_real_decimals() {
        assert_eq!(
            parse_money(&Cell::Number(0.1 + 0.2)).unwrap().to_string(),
            "0.3"
        );
        assert_eq!(
            parse_money(&Cell::Number(19.99)).unwrap().to_string(),
            "19.99"
        );
        assert_eq!(
            parse_money(&Cell::Number(12.34567891)).unwrap().to_string(),
            "12.34567891"
        );
        assert_eq!(
            parse_money(&Cell::Number(12.345600000000001))
                .unwrap()
                .to_string(),
            "12.3456"
        );
    }

    #[test]
    fn decimal_from_f64_uses_shortest_text() {
        assert_eq!(decimal_from_f64(0.1), Some(dec("0.1")));
        assert_eq!(decimal_from_f64(19.99), Some(dec("19.99")));
        assert_eq!(decimal_from_f64(1234.56), Some(dec("1234.56")));
        assert_eq!(decimal_from_f64(-0.0).unwrap().to_string(), "0");
        for number in [f64::NAN, f64::INFINITY, 1e300, 1e-300] {
            assert_eq!(decimal_from_f64(number), None, "{number}");
        }
    }

    #[test]
    fn money_accepts_documented_forms() {
        let cases = "1234.5 => 1234.5 | 1,234.50 => 1234.50 | ¥1,234.50 => 1234.50 \
            | ￥1,234.50 => 1234.50 | $1,234,567.00 => 1234567.00 | (1,234.50) => -1234.50 \
            | (¥1,234.50) => -1234.50 | -1234.5 => -1234.5 | -¥1,234.50 => -1234.50 \
            | ¥-1,234.50 => -1234.50 | 0.12345678 => 0.12345678 | -0.00 => 0.00";
        for (input, expected) in pairs(cases) {
            assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
        }
        assert_eq!(
            parse_money(&text(" ¥1,234.50 ")).unwrap().to_string(),
            "1234.50"
        );
        assert_eq!(parse_money(&Cell::Number(19.99)), Ok(dec("19.99")));
        assert_eq!(parse_money(&Cell::Number(-3.0)), Ok(dec("-3")));
    }

    #[test]
    fn money_rejects_everything_else() {
        let bad = "1,23.4 | 1234,567 | 1,2345 | ,123 | 0,123 | 1e3 | 1 234 | CNY 12 | 12 USD | --1 | (-1) \
            | -(1) | -¥-1 | ¥ | () | 1. | .5 | 1.2.3 | 1.2,3 | 12元 | +5 | abc | ¥ 12 \
            | 99999999999999999999999999999999";
        for input in each(bad) {
            assert!(parse_money(&text(input)).is_err(), "{input}");
        }
        let error = parse_money(&Cell::Error("#DIV/0!".into())).unwrap_err();
        assert_eq!(error.expected, MONEY);
        assert_eq!(error.found, "error cell `#DIV/0!`");
        assert_eq!(parse_money(&Cell::Empty).unwrap_err().found, "(empty)");
        assert_eq!(parse_money(&text("  ")).unwrap_err().found, "(empty)");
        assert!(parse_money(&Cell::Bool(true)).is_err());
        assert!(parse_money(&Cell::Number(f64::NAN)).is_err());
        let message = parse_money(&text("abc")).unwrap_err().to_string();
        assert_eq!(
            message,
            "expected an amount such as 1,234.50 or (1,234.50), found `abc`"
        );
    }

    #[test]
    fn optional_money_and_plain_decimals() {
        assert_eq!(parse_optional_money(&Cell::Empty), Ok(None));
        assert_eq!(parse_optional_money(&text(" ")), Ok(None));
        assert_eq!(parse_optional_money(&text("(5)")), Ok(Some(dec("-5"))));
        assert!(parse_optional_money(&text("x")).is_err());
        for (input, expected) in pairs("1.2 => 1.2 | 0 => 0 | -0.5 => -0.5 | 007 => 7") {
            assert_eq!(parse_decimal(&text(input)), Ok(dec(expected)), "{input}");
        }
        assert_eq!(parse_decimal(&Cell::Number(0.7)), Ok(dec("0.7")));
        for input in each("1,000 | ¥1 | 1e3 | (1) | 50% | ") {
            assert_eq!(parse_decimal(&text(input)).unwrap_err().expected, NUMBER);
        }
    }

    #[test]
    fn rates_are_fractions() {
        let cases = "22% => 0.22 | 22 % => 0.22 | 0.05% => 0.0005 | 6％ => 0.06 | 0.22 => 0.22 \
            | 1 => 1 | 0 => 0 | 万分之五 => 0.0005 | 万分之5 => 0.0005 | 千分之三 => 0.003 \
            | 千分之十 => 0.010 | 万分之2.5 => 0.00025";
        for (input, expected) in pairs(cases) {
            assert_eq!(
                parse_rate(&text(input), false),
                Ok(dec(expected)),
                "{input}"
            );
        }
        assert_eq!(parse_rate(&Cell::Number(0.4), false), Ok(dec("0.4")));
        assert_eq!(parse_rate(&text("22pt"), true), Ok(dec("0.22")));
        assert_eq!(parse_rate(&text("22 PT"), true), Ok(dec("0.22")));
    }

    #[test]
    fn rates_reject_ambiguous_negative_and_points() {
        assert_eq!(
            parse_rate(&text("22"), true).unwrap_err().expected,
            FRACTION
        );
        assert_eq!(
            parse_rate(&Cell::Number(22.0), false).unwrap_err().expected,
            FRACTION
        );
        assert_eq!(
            parse_rate(&text("22pt"), false).unwrap_err().expected,
            NO_POINTS
        );
        assert_eq!(
            parse_rate(&text("-5%"), false).unwrap_err().expected,
            NEGATIVE_RATE
        );
        assert_eq!(
            parse_rate(&Cell::Number(-0.1), false).unwrap_err().expected,
            NEGATIVE_RATE
        );
        for input in each(" | % | 5%% | abc | 万分之 | 万分之十一 | 万分之-5 | 1,000% | pt | 1e-2")
        {
            assert_eq!(
                parse_rate(&text(input), true).unwrap_err().expected,
                RATE_OR_POINTS
            );
        }
        assert_eq!(
            parse_rate(&Cell::Bool(false), false).unwrap_err().expected,
            RATE
        );
        assert!(parse_rate(&Cell::Error("#N/A".into()), false).is_err());
    }

    #[test]
    fn portions() {
        assert_eq!(
            parse_portion(&text("40%")),
            Ok(Portion::Percent(dec("0.40")))
        );
        assert_eq!(
            parse_portion(&text("0.4")),
            Ok(Portion::Percent(dec("0.4")))
        );
        assert_eq!(
            parse_portion(&Cell::Number(0.4)),
            Ok(Portion::Percent(dec("0.4")))
        );
        assert_eq!(
            parse_portion(&text("100%")),
            Ok(Portion::Percent(Decimal::ONE))
        );
        assert_eq!(
            parse_portion(&text("10pt")),
            Ok(Portion::Points(dec("0.10")))
        );
        for input in each("rest | REST |  Rest  | 剩余 | 余额") {
            assert_eq!(parse_portion(&text(input)), Ok(Portion::Rest), "{input}");
        }
        for input in each("0% | 120% | 40 | -10%") {
            assert_eq!(
                parse_portion(&text(input)).unwrap_err().expected,
                PORTION_RANGE
            );
        }
        assert_eq!(
            parse_portion(&text("0pt")).unwrap_err().expected,
            POINTS_RANGE
        );
        assert_eq!(
            parse_portion(&text("remainder")).unwrap_err().expected,
            PORTION
        );
        assert!(parse_portion(&Cell::Empty).is_err());
    }

    #[test]
    fn dates_in_every_documented_form() {
        let end = date(2025, 3, 31);
        let forms = "2025-03-31 | 2025/3/31 | 2025.3.31 | 2025年3月31日 | 20250331 | 45747 \
            | 2025-03-31 12:00:00 | 2025-03-31 12:00 | 2025-03-31T00:00:00Z \
            | 2025-03-31T08:00:00.123+08:00 | 2025/3/31 23:59:59 | 2025年3月31日 9:30";
        for input in each(forms) {
            assert_eq!(parse_date(&text(input)), Ok(end), "{input}");
        }
        assert_eq!(parse_date(&Cell::Date(end)), Ok(end));
        assert_eq!(parse_date(&Cell::Number(45747.0)), Ok(end));
        assert_eq!(parse_date(&Cell::Number(20250331.0)), Ok(end));
        assert_eq!(parse_optional_date(&Cell::Empty), Ok(None));
        assert_eq!(
            parse_optional_date(&text("2025-3-1")),
            Ok(Some(date(2025, 3, 1)))
        );
    }

    #[test]
    fn dates_reject_invalid_and_ambiguous() {
        let bad = "2025-02-30 | 2025-13-01 | 31/03/2025 | 3/31/2025 | 2025-03 | 2025 | 202503 \
            | 2025-03-31 noon | 2025-03-31T25:00 | 2025-3/31 | 20250231 | 0025-03-31 | 45747.5 \
            | 2958466 | 0 | -1 | ２０２５-03-31 | 2025-03-31 12:00:00+xx | 2025年2月30日";
        for input in each(bad) {
            assert_eq!(
                parse_date(&text(input)).unwrap_err().expected,
                DATE,
                "{input}"
            );
        }
        for cell in [Cell::Number(45747.5), Cell::Number(60.0), Cell::Bool(true)] {
            assert!(parse_date(&cell).is_err(), "{cell}");
        }
    }

    #[test]
    fn excel_serials_follow_the_1900_system() {
        assert_eq!(excel_serial_to_date(1.0), Some(date(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0), Some(date(1900, 2, 28)));
        assert_eq!(excel_serial_to_date(60.0), None);
        assert_eq!(excel_serial_to_date(61.0), Some(date(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(45658.75), Some(date(2025, 1, 1)));
        assert_eq!(excel_serial_to_date(2958465.0), Some(date(9999, 12, 31)));
        for serial in [0.0, 0.5, -1.0, 2958466.0, f64::NAN, f64::INFINITY] {
            assert_eq!(excel_serial_to_date(serial), None, "{serial}");
        }
    }

    #[test]
    fn months() {
        let march = ym(2025, 3);
        let forms = "2025-03 | 2025/03 | 2025/3 | 2025-3 | 202503 | 2025年3月 | 2025年03月 \
            | 2025-03-31 | 2025年3月1日 | 45747";
        for input in each(forms) {
            assert_eq!(parse_month(&text(input)), Ok(march), "{input}");
        }
        assert_eq!(parse_month(&Cell::Number(202503.0)), Ok(march));
        assert_eq!(parse_month(&Cell::Date(date(2025, 3, 9))), Ok(march));
        for input in each("2025-13 | 202500 | 2025 | 2025.03 | 03/2025 | 2025-Q1 | 2025年") {
            assert_eq!(
                parse_month(&text(input)).unwrap_err().expected,
                MONTH,
                "{input}"
            );
        }
        assert_eq!(march.to_string(), "2025-03");
        assert_eq!(
            (march.first_day(), march.last_day()),
            (date(2025, 3, 1), date(2025, 3, 31))
        );
        assert_eq!(ym(2024, 2).last_day(), date(2024, 2, 29));
        assert_eq!(ym(2025, 12).last_day(), date(2025, 12, 31));
        assert_eq!(
            (YearMonth::new(2025, 13), YearMonth::new(2025, 0)),
            (None, None)
        );
        assert!(ym(2024, 12) < march);
    }

    #[test]
    fn period_references() {
        let q1 = PeriodRef::Quarter {
            year: 2025,
            quarter: 1,
        };
        for input in
            each("2025-Q1 | 2025Q1 | 2025 Q1 | 2025-q1 | 2025年第1季度 | 2025年第一季度 | 2025年Q1")
        {
            assert_eq!(parse_period_ref(&text(input)), Ok(q1), "{input}");
        }
        let (year, march, day) = (2025, PeriodRef::Month(ym(2025, 3)), date(2025, 3, 31));
        for (cell, expected) in [
            (text("2025"), PeriodRef::Year(year)),
            (text("2025年"), PeriodRef::Year(year)),
            (Cell::Number(2025.0), PeriodRef::Year(year)),
            (text("2025-03"), march),
            (Cell::Number(202503.0), march),
            (text("2025-03-31"), PeriodRef::Date(day)),
            (Cell::Number(45747.0), PeriodRef::Date(day)),
            (Cell::Date(day), PeriodRef::Date(day)),
        ] {
            assert_eq!(parse_period_ref(&cell), Ok(expected), "{cell}");
        }
        for input in each("2025-Q5 | 2025Q | Q1 | 2025年第5季度 | 1899 | 2025H1 | FY2025 | 2025-")
        {
            assert_eq!(
                parse_period_ref(&text(input)).unwrap_err().expected,
                PERIOD,
                "{input}"
            );
        }
        let spans = [
            (
                PeriodRef::Quarter {
                    year: 2024,
                    quarter: 4,
                },
                date(2024, 10, 1),
                date(2024, 12, 31),
            ),
            (q1, date(2025, 1, 1), date(2025, 3, 31)),
            (PeriodRef::Year(2025), date(2025, 1, 1), date(2025, 12, 31)),
            (
                PeriodRef::Month(ym(2025, 2)),
                date(2025, 2, 1),
                date(2025, 2, 28),
            ),
            (PeriodRef::Date(day), day, day),
        ];
        for (period, first, last) in spans {
            assert_eq!(
                (period.first_day(), period.last_day()),
                (first, last),
                "{period}"
            );
        }
        let shown = [march, q1, PeriodRef::Year(year), PeriodRef::Date(day)].map(|p| p.to_string());
        assert_eq!(shown, ["2025-03", "2025-Q1", "2025", "2025-03-31"]);
    }

    #[test]
    fn whole_numbers() {
        for (input, expected) in [("30", 30), ("30.0", 30), ("-2", -2), ("0", 0)] {
            assert_eq!(parse_whole_number(&text(input)), Ok(expected));
        }
        assert_eq!(parse_whole_number(&Cell::Number(30.0)), Ok(30));
        let big = text("99999999999999999999");
        for cell in [
            text("30.5"),
            Cell::Number(30.5),
            Cell::Empty,
            text("1e3"),
            big,
        ] {
            assert_eq!(
                parse_whole_number(&cell).unwrap_err().expected,
                WHOLE,
                "{cell}"
            );
        }
        assert!(parse_whole_number(&Cell::Number(1e20)).is_err());
    }

    #[test]
    fn weird_input_never_panics() {
        let pieces = "( | ) | ¥ | ￥ | $ | % | ％ | - | --1 | 1 | 1,234 | . | , | 年 | 月 | 日 | 第 | 季度 \
            | Q | q | 万分之 | 千分之 | pt | T | Z | : | +08:00 | 2025 | -03 | é | 🎉 | 一 | 0. \
            | 9999999999999999999999999999999 |  | ";
        let pieces: Vec<&str> = each(pieces).collect();
        let mut cells = Vec::new();
        for first in &pieces {
            for second in &pieces {
                cells.push(text(&format!("{first}{second}")));
                cells.push(text(&format!("{second}{first}{second}")));
            }
        }
        let numbers = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            1e300,
            -1e300,
            1e-300,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            0.5,
            60.0,
            2958465.0,
            2958466.0,
            99999999.0,
            1e8,
            9e15,
            1e16,
            -45747.0,
        ];
        cells.extend(numbers.map(Cell::Number));
        cells.extend([Cell::Empty, Cell::Bool(true), Cell::Error("#REF!".into())]);
        cells.extend([Cell::Date(NaiveDate::MAX), Cell::Date(NaiveDate::MIN)]);
        for cell in &cells {
            let _ = (
                parse_money(cell),
                parse_optional_money(cell),
                parse_decimal(cell),
            );
            let _ = (
                parse_rate(cell, true),
                parse_rate(cell, false),
                parse_portion(cell),
            );
            let _ = (
                parse_date(cell),
                parse_optional_date(cell),
                parse_month(cell),
            );
            let _ = parse_period_ref(cell).map(|p| (p.first_day(), p.last_day(), p.to_string()));
            let _ = parse_whole_number(cell);
        }
        assert!(cells.len() > 300);
    }
}
