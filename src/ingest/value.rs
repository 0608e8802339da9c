//! Typed values read from one cell: money, plain numbers, rates, installment portions,
//! dates, months, period references and whole numbers.
//!
//! Every number the auditor reports must be traceable to a cell, so these parsers are
//! strict on purpose: a cell that is not clearly one of the documented forms (SPEC §2) is
//! an error naming what was expected and quoting what was found, never a guess. Money is
//! exact: text goes through `Decimal::from_str_exact` (scientific notation through
//! `Decimal::from_scientific`, which only moves the point) after validation, and number
//! cells go through their shortest round-trip text, so `19.99` stays `19.99` and nothing
//! is rounded here. Error cells (`#DIV/0!`) are never read as zero.
//!
//! Integers are read by their digit count wherever a date-like value is expected:
//! 4 digits are a year, 6 digits a month (`202503`), 8 digits a date (`20250331`), and any
//! other whole number in 1..=2958465 an Excel serial date (1900 date system).

use super::cell::Cell;
pub use crate::domain::period::{PeriodRef, YearMonth};
use chrono::{Days, NaiveDate, NaiveTime, TimeDelta, Timelike};
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
// What `parse_date_in` and `parse_month_in` accept, naming the year-last form only where
// the format's date order allows it.
const DATE_YEAR_FIRST: &str = "a date such as 2025-03-31, 2025/3/31, 2025年3月31日 or 20250331, \
    a timestamp such as 2025-03-31 13:05:00, 2025-03-31 13:05:00 GMT+08:00 or \
    2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
const DATE_MONTH_FIRST: &str = "a date such as 2025-03-31, 03/31/2025 (MM/DD/YYYY), 2025/3/31, \
    2025年3月31日 or 20250331, a timestamp such as 03/31/2025 1:05:00 PM, \
    2025-03-31 13:05:00 GMT+08:00 or 2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
const DATE_DAY_FIRST: &str = "a date such as 2025-03-31, 31/03/2025 (DD/MM/YYYY), 2025/3/31, \
    2025年3月31日 or 20250331, a timestamp such as 31/03/2025 13:05:00, \
    2025-03-31 13:05:00 GMT+08:00 or 2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
const MONTH_YEAR_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 2025-03-01 00:00:00 GMT+08:00 or 2025-03-01T00:00:00Z";
const MONTH_MONTH_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 03/01/2025 (MM/DD/YYYY), 2025-03-01 00:00:00 GMT+08:00 or \
    2025-03-01T00:00:00Z";
const MONTH_DAY_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 01/03/2025 (DD/MM/YYYY), 2025-03-01 00:00:00 GMT+08:00 or \
    2025-03-01T00:00:00Z";
const RANGE_ORDER: &str = "a range whose end is not before its start, such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00";
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

pub use crate::domain::number::decimal_from_f64;

/// The finest precision any provider bills in; a float cell's digits beyond it are noise
/// from binary floating point (a formula's `0.1 + 0.2` is stored as 0.30000000000000004).
const MONEY_FLOAT_DECIMALS: u32 = 8;

/// An amount of money: `1234.5`, `1,234.50`, `¥1,234.50`, `(1,234.50)` (negative),
/// `-¥1,234.50`, `¥-1,234.50`, or a number cell. Text keeps every decimal as given; a
/// number cell is read as its shortest text and rounded at the 8th decimal.
///
/// Text as Excel displays it (a CSV saved from Excel holds the formatted text) is read
/// too: the prefixes `¥`, `￥`, `$`, `US$`, `RMB`, `CNY` and `USD`, with or without a space
/// after them (`¥ 1,234.50`, `-¥ 1,234.50`, `(¥ 1,234.50)`, `$ (1,234.50)`, `CNY 12`); the
/// minus signs `－` and `−`; surrounding spaces, non-breaking ones included; and the
/// accounting format's zero, a prefix followed only by a dash (`¥ -`, `¥-`), which is 0.
/// A bare `-` is not an amount (formats that use it for "nothing" decide that), and a
/// trailing minus is an error. Scientific notation (`1.5E3`, `-2.5e-3`), which FOCUS
/// allows, is read exactly when written as a bare number with a plain mantissa.
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
        Cell::Text(text) => {
            let text = super::cell::trimmed(text);
            plain_amount(text.as_bytes()).or_else(|| money_from_text(text))
        }
        _ => None,
    }
    .ok_or_else(|| ValueError::new(MONEY, cell))
}

/// The common case of the billing hot path, read straight from the bytes: an optional `-`,
/// up to 18 digits in all, an optional `.` with at least one digit after it. Anything else
/// (separators, symbols, parentheses, exponents, more digits) is `None` and goes through
/// the full parser, which accepts exactly the same values for these forms.
pub(crate) fn plain_amount(bytes: &[u8]) -> Option<Decimal> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    // At most 19 digits: below 10^19 < 2^64, so the digits add up without overflow.
    if digits.is_empty() || digits.len() > 19 || digits[0] == b'.' {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot: Option<usize> = None;
    for (index, &byte) in digits.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + u64::from(digit);
        } else if byte == b'.' && dot.is_none() {
            dot = Some(index);
        } else {
            return None;
        }
    }
    let scale = match dot {
        None => 0,
        // `12.` has no decimals after its point: the full parser decides.
        Some(index) if index + 1 == digits.len() => return None,
        Some(index) => (digits.len() - index - 1) as u32,
    };
    // Never `-0`: a zero is positive, whatever its sign in the file.
    let negative = negative && mantissa != 0;
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        negative,
        scale,
    ))
}

/// [`plain_amount`] of a value of at most 16 bytes (sign included) given as a little-endian
/// word (its first byte lowest, the bytes past `length` zero), without a branch per byte:
/// the amounts of a billing line differ in length and in where their point is, which a
/// byte loop pays for in mispredicted branches. The same forms give the same value and
/// scale (tested against [`plain_amount`]); `None` for anything else, longer values
/// included. Values of up to 8 bytes, the usual ones, are read in 64-bit arithmetic.
#[inline(always)]
pub(crate) fn plain_amount_word(word: u128, length: usize) -> Option<Decimal> {
    if length <= 8 {
        plain_amount_u64(word as u64, length)
    } else {
        plain_amount_u128(word, length)
    }
}

/// Eight digit values (0-9), the first in the lowest byte, as one number: pairs, then
/// fours, then all eight combined by one multiplication each (what a product carries past
/// the top of the word is not needed, hence the wrapping).
#[inline(always)]
fn eight_digits(mut value: u64) -> u64 {
    value = value.wrapping_mul(2561) >> 8;
    value = (value & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (value & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
}

/// The word arithmetic of [`plain_amount_word`] for one word type: `$ty` holds `$bytes`
/// bytes; `$digits` turns the right-aligned digit values into the mantissa.
macro_rules! plain_amount_in {
    ($name:ident, $ty:ty, $bytes:expr, $digits:expr) => {
        #[inline(always)]
        fn $name(word: $ty, length: usize) -> Option<Decimal> {
            const ONES: $ty = <$ty>::MAX / 0xFF;
            const HIGH: $ty = ONES * 0x80;
            const LOW: $ty = ONES * 0x7F;
            if length > $bytes {
                return None;
            }
            let negative = word as u8 == b'-';
            let (word, length) = if negative {
                (word >> 8, length.checked_sub(1)?)
            } else {
                (word, length)
            };
            if length == 0 {
                return None;
            }
            let bytes_below = |count: usize| -> $ty {
                if count >= $bytes {
                    <$ty>::MAX
                } else {
                    ((1 as $ty) << (8 * count)) - 1
                }
            };
            let valid = bytes_below(length);
            let word = word & valid;
            // 0x80 in every byte that is a `.` (an exact zero-byte test of word ^ "....").
            let dotted = word ^ (ONES * <$ty>::from(b'.'));
            let dots = !(((dotted & LOW) + LOW) | dotted | LOW) & valid;
            if dots & dots.wrapping_sub(1) != 0 {
                return None;
            }
            let point = if dots == 0 {
                length
            } else {
                (dots.trailing_zeros() / 8) as usize
            };
            // `.5` and `5.` are for the full parser.
            if point == 0 || (dots != 0 && point + 1 == length) {
                return None;
            }
            // The digits without the point, then each byte's digit value, checked 0-9.
            let below = bytes_below(point);
            let digits = (word & below) | ((word >> 8) & !below);
            let count = length - usize::from(dots != 0);
            let in_count = bytes_below(count);
            let values = (digits ^ (ONES * <$ty>::from(b'0'))) & in_count;
            // A byte above 9 reaches 0x80 once 0x76 is added (a carry out of a byte only
            // comes from one with its high bit already set).
            if (values | values.wrapping_add(ONES * 0x76)) & HIGH & in_count != 0 {
                return None;
            }
            // Right-aligned (leading zeros first), then combined.
            let aligned = values << (8 * ($bytes - count));
            let mantissa: u64 = $digits(aligned);
            let scale = if dots == 0 { 0 } else { length - point - 1 };
            // Never `-0`: a zero is positive, whatever its sign in the file.
            Some(Decimal::from_parts(
                mantissa as u32,
                (mantissa >> 32) as u32,
                0,
                negative && mantissa != 0,
                scale as u32,
            ))
        }
    };
}

plain_amount_in!(plain_amount_u64, u64, 8, eight_digits);
plain_amount_in!(plain_amount_u128, u128, 16, |aligned: u128| {
    eight_digits(aligned as u64) * 100_000_000 + eight_digits((aligned >> 64) as u64)
});

/// `YYYY-MM-DD`, the common date of the billing hot path, read straight from the bytes;
/// optionally followed by a time ` HH:MM:SS` (or `THH:MM:SS`) that is checked and dropped.
/// Anything else is `None` and goes through the full parser.
pub(crate) fn iso_date(bytes: &[u8]) -> Option<NaiveDate> {
    let digit = |index: usize| -> Option<u32> {
        bytes
            .get(index)
            .filter(|byte| byte.is_ascii_digit())
            .map(|byte| u32::from(byte - b'0'))
    };
    let date_part = bytes.get(..10)?;
    if date_part[4] != b'-' || date_part[7] != b'-' {
        return None;
    }
    match bytes.len() {
        10 => {}
        19 if matches!(bytes[10], b' ' | b'T')
            && bytes[13] == b':'
            && bytes[16] == b':'
            && [11, 12, 14, 15, 17, 18]
                .iter()
                .all(|index| bytes[*index].is_ascii_digit())
            && (u32::from(bytes[11] - b'0') * 10 + u32::from(bytes[12] - b'0')) < 24
            && bytes[14] < b'6'
            && bytes[17] < b'6' => {}
        _ => return None,
    }
    let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
    if !(1900..=9999).contains(&year) {
        return None;
    }
    let month = digit(5)? * 10 + digit(6)?;
    let day = digit(8)? * 10 + digit(9)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// `YYYY-MM`, the common billing month, read straight from the bytes.
pub(crate) fn iso_month(bytes: &[u8]) -> Option<YearMonth> {
    if bytes.len() != 7 || bytes[4] != b'-' {
        return None;
    }
    let mut year = 0u32;
    for byte in &bytes[..4] {
        if !byte.is_ascii_digit() {
            return None;
        }
        year = year * 10 + u32::from(byte - b'0');
    }
    if !(1900..=9999).contains(&year) || !bytes[5].is_ascii_digit() || !bytes[6].is_ascii_digit() {
        return None;
    }
    let month = u32::from(bytes[5] - b'0') * 10 + u32::from(bytes[6] - b'0');
    YearMonth::new(i32::try_from(year).ok()?, month)
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

pub use crate::ruleset::DateOrder;

/// A date: every form [`parse_date`] accepts; the year-last slash form `order` allows
/// (`09/21/2023`, `9/21/2023 1:05:00 PM` when [`DateOrder::MonthFirst`]); timestamps with a
/// zone (`2020-08-23 22:00:00 GMT+08:00`, `2024-09-01T00:00:00Z`,
/// `2024-09-01T00:00:00.000+08:00`) or without (`2020/07/02 08:36`); an Excel date-time
/// number (`45747.5`); and Huawei's usage range in one cell
/// (`2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00`, or with ` - `, `~` or
/// ` 至 ` between the ends), read as its start. The date is taken as written, never
/// converted between zones: billing exports date a charge in the zone they were made for.
/// A range is an error unless both ends parse and the end is not before the start.
pub fn parse_date_in(cell: &Cell, order: DateOrder) -> Result<NaiveDate, ValueError> {
    if let Cell::Text(text) = cell
        && let Some(date) = iso_date(super::cell::trimmed(text).as_bytes())
    {
        return Ok(date);
    }
    moment_of(cell, order)
        .map(|moment| moment.date)
        .map_err(|problem| problem.error(date_expected(order), cell))
}

/// Like [`parse_date_in`], but an empty cell is `None`.
pub fn parse_optional_date_in(
    cell: &Cell,
    order: DateOrder,
) -> Result<Option<NaiveDate>, ValueError> {
    if cell.is_empty() {
        Ok(None)
    } else {
        parse_date_in(cell, order).map(Some)
    }
}

/// A month: every form [`parse_month`] accepts, plus every form [`parse_date_in`] accepts
/// (the month of its date).
///
/// With `period_start`, the cell is the first moment of a billing period, and a time of
/// day (in text, or the fraction of an Excel date-time number) is first rounded to the
/// nearest midnight. Billing periods start at local midnight in the zone the bill was made
/// for, which is within ±12 hours of UTC, but exports may write that instant in another
/// zone: FOCUS writes UTC, so China's January 2025 starts at `2024-12-31T16:00:00Z`, and a
/// United States month starts at `2024-09-01 05:00:00`. Taking the written date's month
/// would put the first case in December. Exactly noon rounds up, since zones run from
/// UTC−11 (inhabited) to UTC+14. A date cell carries no time and is not rounded.
pub fn parse_month_in(
    cell: &Cell,
    order: DateOrder,
    period_start: bool,
) -> Result<YearMonth, ValueError> {
    if let Cell::Text(text) = cell
        && let Some(month) = iso_month(super::cell::trimmed(text).as_bytes())
    {
        return Ok(month);
    }
    if let Some(PeriodRef::Month(month)) = period_of(cell) {
        return Ok(month);
    }
    let expected = month_expected(order);
    let moment = moment_of(cell, order).map_err(|problem| problem.error(expected, cell))?;
    let date = if period_start {
        moment.nearest_midnight()
    } else {
        Some(moment.date)
    };
    date.map(YearMonth::of)
        .ok_or_else(|| ValueError::new(expected, cell))
}

/// A billing period's start as written (FOCUS `BillingPeriodStart`): its month, after
/// rounding to the nearest midnight as [`parse_month_in`] does with `period_start`, and the
/// shift in seconds that rounding implies — the bill's zone relative to the zone the file
/// is written in (`2024-12-31T16:00:00Z` → January 2025 and +8 h, China time written in
/// UTC). Charge times of the same row are written in the same zone, so
/// [`parse_optional_date_shifted`] moves them by the same shift before taking their date.
pub fn parse_period_start(cell: &Cell, order: DateOrder) -> Result<(YearMonth, i64), ValueError> {
    let month = parse_month_in(cell, order, true)?;
    let shift = match moment_of(cell, order) {
        Ok(Moment {
            date,
            time: Some(time),
            ..
        }) => {
            let written = date.and_time(time);
            match Moment::day(date).nearest_midnight_of(written) {
                Some(midnight) => (midnight - written).num_seconds(),
                None => 0,
            }
        }
        _ => 0,
    };
    Ok((month, shift))
}

/// Like [`parse_optional_date_in`], but a cell with a time of day is first moved by
/// `shift` seconds (see [`parse_period_start`]); a date without a time is taken as it is.
pub fn parse_optional_date_shifted(
    cell: &Cell,
    order: DateOrder,
    shift: i64,
) -> Result<Option<NaiveDate>, ValueError> {
    if shift == 0 || cell.is_empty() {
        return parse_optional_date_in(cell, order);
    }
    match moment_of(cell, order) {
        Ok(Moment {
            date,
            time: Some(time),
            ..
        }) => Ok(TimeDelta::try_seconds(shift)
            .and_then(|delta| date.and_time(time).checked_add_signed(delta))
            .map_or(date, |moved| moved.date())
            .into()),
        _ => parse_optional_date_in(cell, order),
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
    if let Some(value) = scientific_number(text) {
        return Some(value);
    }
    let (parenthesised, rest) = parenthesised(text);
    let (minus_before, rest) = strip_money_minus(rest);
    let (symbol, rest) = match strip_currency(rest) {
        Some(after_symbol) => (true, after_symbol.trim_start()),
        None => (false, rest),
    };
    if symbol && rest == "-" {
        // Excel's accounting format shows zero as the symbol and a dash (`¥ -`); a sign
        // on that dash would be nonsense, and a bare `-` is no amount at all.
        return (!parenthesised && !minus_before).then_some(Decimal::ZERO);
    }
    // After the symbol: `¥-1,234.50` (Chinese accounting format) or `$ (1,234.50)`
    // (United States accounting format).
    let (minus_after, rest) = if symbol {
        strip_money_minus(rest)
    } else {
        (false, rest)
    };
    let (parenthesised_after, rest) = if symbol {
        self::parenthesised(rest)
    } else {
        (false, rest)
    };
    let signs = [
        parenthesised,
        minus_before,
        minus_after,
        parenthesised_after,
    ];
    if signs.iter().filter(|sign| **sign).count() > 1 {
        return None;
    }
    let value = unsigned_number(rest, true)?;
    Some(if signs.contains(&true) {
        normalise(-value)
    } else {
        value
    })
}

/// `(inner)` → `(true, inner)`, anything else unchanged.
fn parenthesised(text: &str) -> (bool, &str) {
    match text
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
    {
        Some(inner) => (true, inner),
        None => (false, text),
    }
}

/// The currency prefixes Excel's currency and accounting formats write, longest first so
/// `US$` is not read as `U` and `S$`. Returns the text after the prefix.
fn strip_currency(text: &str) -> Option<&str> {
    ["US$", "RMB", "CNY", "USD", "¥", "￥", "$"]
        .iter()
        .find_map(|symbol| text.strip_prefix(symbol))
}

/// A leading minus: ASCII `-`, the full-width `－` of Chinese input methods, or the
/// Unicode minus `−` some exports print.
fn strip_money_minus(text: &str) -> (bool, &str) {
    match text.strip_prefix(['-', '－', '−']) {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// FOCUS allows scientific notation `mEn`: `1.5E3`, `-2.5e-3`, `1.2E+05` (as Excel shows
/// it). Only a bare amount with a plain mantissa (digits with an optional fraction, no
/// separators or symbols) qualifies. The mantissa is validated exactly first, so
/// `Decimal::from_scientific` only moves its decimal point; a result that needs more than
/// 28 decimals or digits is an error, not rounded.
fn scientific_number(text: &str) -> Option<Decimal> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let (negative, mantissa) = strip_money_minus(mantissa);
    unsigned_number(mantissa, false)?;
    digits_of(exponent.strip_prefix(['+', '-']).unwrap_or(exponent), 1, 3)?;
    // `from_scientific` reads the exponent as written; drop a `+` it need not know about.
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let value = Decimal::from_scientific(&format!("{mantissa}e{exponent}")).ok()?;
    Some(if negative { normalise(-value) } else { value })
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
    written_date(date)
}

/// A year-first date without a time: `2025-03-31`, `2025/3/31`, `2025.3.31`,
/// `2025年3月31日`, `20250331`.
fn written_date(date: &str) -> Option<NaiveDate> {
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

// ---- dates with times, zones, year-last forms and ranges ----

/// A date and time as written in a cell: the date is the one shown, whatever the zone.
#[derive(Clone, Copy)]
struct Moment {
    date: NaiveDate,
    /// The time of day, when the cell has one.
    time: Option<NaiveTime>,
    /// The written zone's offset east of UTC in seconds, when the cell has one; used only
    /// to compare the two ends of a range.
    offset: Option<i32>,
}

impl Moment {
    fn day(date: NaiveDate) -> Self {
        Moment {
            date,
            time: None,
            offset: None,
        }
    }

    /// The date of the midnight nearest to this moment (noon rounds up); `None` past the
    /// last date chrono can hold.
    fn nearest_midnight(self) -> Option<NaiveDate> {
        match self.time {
            Some(time) if time.hour() >= 12 => self.date.succ_opt(),
            _ => Some(self.date),
        }
    }

    /// The midnight nearest to `moment` (a time on this moment's date), as a date-time.
    fn nearest_midnight_of(self, moment: chrono::NaiveDateTime) -> Option<chrono::NaiveDateTime> {
        let date = if moment.time().hour() >= 12 {
            self.date.succ_opt()?
        } else {
            self.date
        };
        Some(date.and_time(NaiveTime::MIN))
    }

    /// True when `self` is at or after `start`: compared in UTC when both ends name a zone,
    /// else as written (a range's ends are written in the same zone).
    fn is_not_before(self, start: Moment) -> bool {
        let written = |moment: Moment| moment.date.and_time(moment.time.unwrap_or(NaiveTime::MIN));
        match (start.offset, self.offset) {
            (Some(start_offset), Some(end_offset)) => {
                let in_utc = |moment: Moment, offset: i32| {
                    TimeDelta::try_seconds(i64::from(offset))
                        .and_then(|delta| written(moment).checked_sub_signed(delta))
                };
                match (in_utc(start, start_offset), in_utc(self, end_offset)) {
                    (Some(start), Some(end)) => end >= start,
                    _ => false,
                }
            }
            _ => written(self) >= written(start),
        }
    }
}

/// Why a cell is not a date.
enum DateProblem {
    /// Not any documented form.
    NotADate,
    /// A range whose end is before its start.
    ReversedRange,
}

impl DateProblem {
    fn error(self, expected: &str, cell: &Cell) -> ValueError {
        match self {
            DateProblem::NotADate => ValueError::new(expected, cell),
            DateProblem::ReversedRange => ValueError::new(RANGE_ORDER, cell),
        }
    }
}

fn date_expected(order: DateOrder) -> &'static str {
    match order {
        DateOrder::YearFirst => DATE_YEAR_FIRST,
        DateOrder::MonthFirst => DATE_MONTH_FIRST,
        DateOrder::DayFirst => DATE_DAY_FIRST,
    }
}

fn month_expected(order: DateOrder) -> &'static str {
    match order {
        DateOrder::YearFirst => MONTH_YEAR_FIRST,
        DateOrder::MonthFirst => MONTH_MONTH_FIRST,
        DateOrder::DayFirst => MONTH_DAY_FIRST,
    }
}

/// Every form `parse_date_in` accepts. Text is tried as one moment, then as a range, then
/// through [`period_of`], so everything `parse_date` accepts is still accepted.
fn moment_of(cell: &Cell, order: DateOrder) -> Result<Moment, DateProblem> {
    let moment = match cell {
        Cell::Text(text) => {
            let text = text.trim();
            match moment_from_text(text, order) {
                Some(moment) => Some(moment),
                None => match usage_range(text, order) {
                    Some(Ok(start)) => Some(start),
                    Some(Err(problem)) => return Err(problem),
                    None => date_of(cell).map(Moment::day),
                },
            }
        }
        Cell::Number(number) if number.fract() != 0.0 => excel_date_time(*number),
        _ => date_of(cell).map(Moment::day),
    };
    moment.ok_or(DateProblem::NotADate)
}

/// The date `parse_date` reads from `cell`, if any.
fn date_of(cell: &Cell) -> Option<NaiveDate> {
    match period_of(cell)? {
        PeriodRef::Date(date) => Some(date),
        _ => None,
    }
}

/// A date with an optional time of day and zone: `2020-08-23 22:00:00 GMT+08:00`,
/// `2024-09-01T00:00:00.000Z`, `2020/07/02 08:36`, `9/21/2023 1:05:00 PM` (per `order`).
fn moment_from_text(text: &str, order: DateOrder) -> Option<Moment> {
    let (date, time, offset) = match text.split_once([' ', 'T']) {
        Some((date, rest)) => {
            let (time, offset) = time_of_day(rest.trim())?;
            (date, Some(time), offset)
        }
        None => (text, None, None),
    };
    let date = written_date(date).or_else(|| year_last_date(date, order))?;
    Some(Moment { date, time, offset })
}

/// `first/second/YYYY`, read as month/day or day/month per `order`; never for
/// [`DateOrder::YearFirst`], where it is ambiguous.
fn year_last_date(date: &str, order: DateOrder) -> Option<NaiveDate> {
    let mut parts = date.split('/');
    let (first, second, year) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(first), Some(second), Some(year), None) => (first, second, year),
        _ => return None,
    };
    let (month, day) = match order {
        DateOrder::YearFirst => return None,
        DateOrder::MonthFirst => (first, second),
        DateOrder::DayFirst => (second, first),
    };
    date_from_parts(year, month, day)
}

/// A clock time with an optional zone: `22:00:00 GMT+08:00`, `00:00:00.000Z`,
/// `13:05+08:00`, `1:05:00 PM`. Returns the time as written and the zone's offset east of
/// UTC in seconds.
fn time_of_day(text: &str) -> Option<(NaiveTime, Option<i32>)> {
    let (clock, offset) = split_zone(text)?;
    Some((clock_time(clock.trim_end())?, offset))
}

/// Splits a zone suffix off a time: `Z`, `GMT`, `UTC`, `GMT+08:00`, `+08:00`, `-0500`.
/// `None` when a zone is there but malformed.
fn split_zone(text: &str) -> Option<(&str, Option<i32>)> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Some((clock, Some(0)));
    }
    for name in ["GMT", "UTC"] {
        if let Some((clock, zone)) = text.split_once(name) {
            let offset = if zone.is_empty() {
                0
            } else {
                utc_offset(zone)?
            };
            return Some((clock, Some(offset)));
        }
    }
    match text.rfind(['+', '-']) {
        Some(at) => Some((text.get(..at)?, Some(utc_offset(text.get(at..)?)?))),
        None => Some((text, None)),
    }
}

/// `+08:00`, `-05:00`, `+0800`, `+08` or `+8` as seconds east of UTC; at most 14 hours,
/// the widest offset in use.
fn utc_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.strip_prefix('+') {
        Some(rest) => (1, rest),
        None => (-1, text.strip_prefix('-')?),
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((hours, minutes)) => (digits_of(hours, 1, 2)?, digits_of(minutes, 2, 2)?),
        None if rest.len() == 4 => (
            digits_of(rest.get(..2)?, 2, 2)?,
            digits_of(rest.get(2..)?, 2, 2)?,
        ),
        None => (digits_of(rest, 1, 2)?, 0),
    };
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    (hours <= 14 && minutes < 60).then_some(sign * seconds)
}

/// `13:05`, `13:05:00`, `13:05:00.123`, or a 12-hour clock `1:05:00 PM`, `12:30 am`.
fn clock_time(text: &str) -> Option<NaiveTime> {
    let cut = text.len().saturating_sub(2);
    let (clock, afternoon) = match (text.get(..cut), text.get(cut..)) {
        (Some(clock), Some(half)) if half.eq_ignore_ascii_case("AM") => {
            (clock.trim_end(), Some(false))
        }
        (Some(clock), Some(half)) if half.eq_ignore_ascii_case("PM") => {
            (clock.trim_end(), Some(true))
        }
        _ => (text, None),
    };
    let time = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(clock, format).ok())?;
    let Some(afternoon) = afternoon else {
        return Some(time);
    };
    // A 12-hour clock runs 12, 1, …, 11: 12 AM is midnight, 12 PM is noon, 13 PM is nothing.
    if !(1..=12).contains(&time.hour()) {
        return None;
    }
    time.with_hour(time.hour() % 12 + if afternoon { 12 } else { 0 })
}

/// Huawei writes a usage period as both ends in one cell
/// (`2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00`). `None` when the text
/// is not a range; the start when it is one; an error when its end is before its start.
/// The separators `-` also occur inside each end, so every split is tried and exactly one
/// must give two moments; two readings would be a guess.
fn usage_range(text: &str, order: DateOrder) -> Option<Result<Moment, DateProblem>> {
    let mut readings = ['-', '~', '至'].into_iter().flat_map(|separator| {
        text.match_indices(separator).filter_map(move |(at, _)| {
            let start = text.get(..at)?.trim();
            let end = text.get(at + separator.len_utf8()..)?.trim();
            Some((
                moment_from_text(start, order)?,
                moment_from_text(end, order)?,
            ))
        })
    });
    let (start, end) = readings.next()?;
    if readings.next().is_some() {
        return Some(Err(DateProblem::NotADate));
    }
    Some(if end.is_not_before(start) {
        Ok(start)
    } else {
        Err(DateProblem::ReversedRange)
    })
}

/// An Excel date-time number (`45747.5` is 2025-03-31 12:00), when its whole part is read
/// as a serial date by [`period_from_digits`]: 4 and 6 digits are a year and a month, so a
/// fraction on them is no date-time. The fraction is rounded to the second, as Excel shows
/// it; a fraction that rounds to 24:00 is the next midnight.
fn excel_date_time(number: f64) -> Option<Moment> {
    let whole = number.trunc();
    if !(1.0..MAX_SERIAL + 1.0).contains(&whole)
        || matches!(whole as u64, 1000..=9999 | 100_000..=999_999)
    {
        return None;
    }
    let date = excel_serial_to_date(whole)?;
    let seconds = (number.fract() * 86_400.0).round() as u32;
    let (date, seconds) = if seconds >= 86_400 {
        (date.succ_opt()?, 0)
    } else {
        (date, seconds)
    };
    Some(Moment {
        date,
        time: Some(NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)?),
        offset: None,
    })
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
        let bad = "1,23.4 | 1234,567 | 1,2345 | ,123 | 0,123 | 1 234 | 12 USD | --1 | (-1) \
            | -(1) | -¥-1 | ¥ | () | 1. | .5 | 1.2.3 | 1.2,3 | 12元 | +5 | abc \
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
    fn charge_times_move_with_their_period_start() {
        // China time written in UTC: the period starts 8 hours after the written instant's
        // date, and a charge at 2025-02-28T16:00:00Z is on 1 March local time.
        let (month, shift) =
            parse_period_start(&text("2025-02-28T16:00:00Z"), DateOrder::YearFirst).unwrap();
        assert_eq!(
            (month.to_string(), shift),
            ("2025-03".to_string(), 8 * 3600)
        );
        let charge =
            parse_optional_date_shifted(&text("2025-02-28T16:00:00Z"), DateOrder::YearFirst, shift)
                .unwrap();
        assert_eq!(charge, NaiveDate::from_ymd_opt(2025, 3, 1));
        // A US month written in UTC starts at 05:00: shift −5 h.
        let (month, shift) =
            parse_period_start(&text("2024-09-01 05:00:00"), DateOrder::YearFirst).unwrap();
        assert_eq!(
            (month.to_string(), shift),
            ("2024-09".to_string(), -5 * 3600)
        );
        let charge =
            parse_optional_date_shifted(&text("2024-09-01 03:00:00"), DateOrder::YearFirst, shift)
                .unwrap();
        assert_eq!(charge, NaiveDate::from_ymd_opt(2024, 8, 31));
        // Local midnight as written: no shift, dates as written.
        let (_, shift) = parse_period_start(&text("2024-09-01"), DateOrder::YearFirst).unwrap();
        assert_eq!(shift, 0);
    }

    #[test]
    fn the_fast_paths_agree_with_the_full_parsers() {
        // Every form the byte-level fast paths take must read exactly as the full parsers
        // read it, and anything they decline must still be read (or refused) by those.
        for text in [
            "0",
            "-0",
            "12",
            "-12.5",
            "1234.50",
            "0.00000001",
            "123456789012345678",
            "1.",
            ".5",
            "-",
            "1-2",
            "12a",
            "1234567890123456789",
            "00012.10",
            "-0.00",
            "9999999999999999999",
            "-9999999999999999999",
            "99999999999999999999",
            "4294967296.5",
            "-.5",
            "1.2.3",
            "",
        ] {
            let fast = plain_amount(text.as_bytes());
            let full = money_from_text(text);
            if let Some(fast) = fast {
                // Same value and same decimals (`1234.50` stays two decimals), never `-0`.
                let full = full.unwrap_or_else(|| panic!("{text}: full parser refuses"));
                assert_eq!(fast.to_string(), full.to_string(), "{text}");
                assert_eq!(fast.scale(), full.scale(), "{text}");
                assert!(!(fast.is_zero() && fast.is_sign_negative()), "{text}");
            }
        }
        assert_eq!(
            plain_amount(b"9999999999999999999").map(|value| value.to_string()),
            Some("9999999999999999999".to_string())
        );
        assert_eq!(
            plain_amount(b"-0.00").map(|value| value.to_string()),
            Some("0.00".to_string())
        );
        for text in [
            "2025-03-31",
            "2025-02-29",
            "2024-02-29",
            "1899-12-31",
            "2025-03-31 23:59:59",
            "2025-03-31T00:00:00",
            "2025-03-31 24:00:00",
            "2025-13-01",
            "2025-3-1",
        ] {
            let fast = iso_date(text.as_bytes());
            if let Some(date) = fast {
                assert_eq!(
                    parse_date_in(&self::text(text), DateOrder::YearFirst).ok(),
                    Some(date),
                    "{text}"
                );
                assert_eq!(
                    moment_of(&self::text(text), DateOrder::YearFirst)
                        .map(|m| m.date)
                        .ok(),
                    Some(date),
                    "{text}"
                );
            }
        }
        assert_eq!(iso_date(b"2025-02-29"), None);
        assert_eq!(iso_date(b"2025-03-31 24:00:00"), None);
        for text in ["2025-03", "1899-03", "2025-13", "2025-00", "2025/03"] {
            if let Some(month) = iso_month(text.as_bytes()) {
                assert_eq!(
                    period_of(&self::text(text)),
                    Some(PeriodRef::Month(month)),
                    "{text}"
                );
            }
        }
        assert_eq!(iso_month(b"2025-13"), None);
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

    const ORDERS: [DateOrder; 3] = [
        DateOrder::YearFirst,
        DateOrder::MonthFirst,
        DateOrder::DayFirst,
    ];

    #[test]
    fn money_reads_excel_display_forms() {
        let cases = "¥ 1,234.50 => 1234.50 | -¥ 1,234.50 => -1234.50 | (¥ 1,234.50) => -1234.50 \
            | ¥ -1,234.50 => -1234.50 | $ (1,234.50) => -1234.50 | ￥ 12 => 12 \
            | US$1,234.50 => 1234.50 | US$ 1,234.50 => 1234.50 | RMB 1,234.50 => 1234.50 \
            | CNY1,234.50 => 1234.50 | USD 12 => 12 | CNY 12 => 12 | －1,234.50 => -1234.50 \
            | −1,234.50 => -1234.50 | ¥－12 => -12 | (¥ 12) => -12 | ¥ 12 => 12";
        for (input, expected) in pairs(cases) {
            assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
        }
        let spaced = "\u{a0}¥\u{a0}1,234.50\u{a0} ";
        assert_eq!(parse_money(&text(spaced)), Ok(dec("1234.50")));
        assert_eq!(
            parse_optional_money(&text(" ¥ 1,234.50 ")),
            Ok(Some(dec("1234.50")))
        );
    }

    #[test]
    fn money_reads_the_accounting_zero_but_not_a_bare_dash() {
        for input in [
            "¥ -",
            "¥-",
            " ¥ -   ",
            "$ -",
            "CNY -",
            "\u{a0}￥\u{a0}-\u{a0}",
        ] {
            let zero = parse_money(&text(input)).unwrap();
            assert_eq!(
                (zero, zero.to_string()),
                (Decimal::ZERO, "0".into()),
                "{input}"
            );
        }
        for input in [
            "-", " - ", "－", "−", "-¥ -", "(¥ -)", "¥ --", "¥ - 1", "¥ -)",
        ] {
            let error = parse_money(&text(input)).unwrap_err();
            assert_eq!(error.expected, MONEY, "{input}");
        }
        assert!(parse_optional_money(&text("-")).is_err());
    }

    #[test]
    fn money_keeps_every_digit() {
        for input in [
            "12.34000000",
            "0.00000001",
            "1234567890123456789012345678",
            "12345678901234567890.12345678",
            "¥ 1,234,567,890,123,456,789,012.345678",
        ] {
            let expected = input.trim_start_matches("¥ ").replace(',', "");
            assert_eq!(parse_money(&text(input)).unwrap().to_string(), expected);
        }
    }

    #[test]
    fn money_reads_scientific_notation_exactly() {
        let cases = "1.5E3 => 1500 | -2.5e-3 => -0.0025 | 1e3 => 1000 | 1.2E+05 => 120000 \
            | 1.50E1 => 15.0 | 0E0 => 0 | -0e5 => 0 | 123.456e-2 => 1.23456 \
            | 1.5E27 => 1500000000000000000000000000";
        for (input, expected) in pairs(cases) {
            assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
        }
        assert_eq!(parse_money(&text("1.5E3")).unwrap().to_string(), "1500");
    }

    #[test]
    fn money_rejects_malformed_excel_and_scientific_forms() {
        let bad = "¥ 1,2345.00 | 1,234.50- | ¥ 12- | - ¥ 12 | ¥ ¥ 12 | usd 12 | EUR 12 | HK$12 \
            | 12 CNY | ¥ 1 234 | (¥ -12) | (−12) | -$ (1) | ( ¥ 12) | 1,500E3 | .5E3 | 1.E3 | 1.5E | E3 \
            | 1.5E3.2 | 1.5E 3 | 1.5 E3 | ¥1.5E3 | (1.5E3) | 1.5E99 | 1.5e-30 | 1.5E1000 | --1e3 \
            | 1e--3 | 1e+-3 | 1.5e3e3 | 99999999999999999999999999999e0";
        for input in each(bad) {
            assert_eq!(
                parse_money(&text(input)).unwrap_err().expected,
                MONEY,
                "{input}"
            );
        }
    }

    #[test]
    fn date_order_is_read_from_snake_case() {
        assert_eq!(DateOrder::default(), DateOrder::YearFirst);
        for (name, order) in [
            ("\"year_first\"", DateOrder::YearFirst),
            ("\"month_first\"", DateOrder::MonthFirst),
            ("\"day_first\"", DateOrder::DayFirst),
        ] {
            assert_eq!(serde_json::from_str::<DateOrder>(name).unwrap(), order);
        }
        assert!(serde_json::from_str::<DateOrder>("\"MonthFirst\"").is_err());
    }

    #[test]
    fn dates_in_keep_every_form_parse_date_accepts() {
        let end = date(2025, 3, 31);
        let forms = "2025-03-31 | 2025/3/31 | 2025.3.31 | 2025年3月31日 | 20250331 | 45747 \
            | 2025-03-31 12:00:00 | 2025-03-31 12:00 | 2025-03-31T00:00:00Z \
            | 2025-03-31T08:00:00.123+08:00 | 2025/3/31 23:59:59 | 2025年3月31日 9:30";
        for order in ORDERS {
            for input in each(forms) {
                assert_eq!(parse_date_in(&text(input), order), Ok(end), "{input}");
            }
            for cell in [
                Cell::Date(end),
                Cell::Number(45747.0),
                Cell::Number(20250331.0),
            ] {
                assert_eq!(parse_date_in(&cell, order), Ok(end), "{cell}");
            }
            assert_eq!(parse_optional_date_in(&Cell::Empty, order), Ok(None));
            assert_eq!(parse_optional_date_in(&text("  "), order), Ok(None));
        }
    }

    #[test]
    fn dates_in_read_the_year_last_form_of_the_format() {
        let month_first = "09/21/2023 => 2023-09-21 | 9/1/2023 => 2023-09-01 \
            | 09/21/2023 13:05:00 => 2023-09-21 | 9/21/2023 1:05:00 PM => 2023-09-21 \
            | 9/21/2023 12:30 am => 2023-09-21 | 12/31/2023 11:59 PM => 2023-12-31 \
            | 02/29/2024 => 2024-02-29";
        for (input, expected) in pairs(month_first) {
            let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
            assert_eq!(
                parse_date_in(&text(input), DateOrder::MonthFirst),
                expected,
                "{input}"
            );
        }
        let day_first = "21/09/2023 => 2023-09-21 | 1/9/2023 => 2023-09-01 \
            | 21/09/2023 13:05:00 => 2023-09-21 | 21/9/2023 1:05 PM => 2023-09-21";
        for (input, expected) in pairs(day_first) {
            let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
            assert_eq!(
                parse_date_in(&text(input), DateOrder::DayFirst),
                expected,
                "{input}"
            );
        }
        assert_eq!(
            parse_optional_date_in(&text("9/1/2023"), DateOrder::MonthFirst),
            Ok(Some(date(2023, 9, 1)))
        );
    }

    #[test]
    fn dates_in_reject_ambiguous_and_out_of_range_year_last_dates() {
        // The same text is September 21 for Azure, an error for day-first formats, and
        // ambiguous (so an error) where the format has not said.
        let error = parse_date_in(&text("09/21/2023"), DateOrder::YearFirst).unwrap_err();
        assert_eq!(error.expected, DATE_YEAR_FIRST);
        assert!(!error.expected.contains("MM/DD/YYYY") && !error.expected.contains("DD/MM"));
        assert_eq!(error.found, "`09/21/2023`");
        let error = parse_date_in(&text("13/01/2023"), DateOrder::MonthFirst).unwrap_err();
        assert_eq!(error.expected, DATE_MONTH_FIRST);
        assert!(error.expected.contains("MM/DD/YYYY"));
        let error = parse_date_in(&text("09/21/2023"), DateOrder::DayFirst).unwrap_err();
        assert_eq!(error.expected, DATE_DAY_FIRST);
        assert!(error.expected.contains("DD/MM/YYYY"));
        let month_first_bad = "13/01/2023 | 02/30/2023 | 0/1/2023 | 9/0/2023 | 9/21/23 \
            | 9/21/0023 | 009/21/2023 | 9-21-2023 | 9.21.2023 | 9/21/2023 13:05:00 PM \
            | 9/21/2023 0:05 AM | 9/21/2023 25:00 | 9/21/2023 noon | 9/21 | 2023/21/9 | 21/2023";
        for input in each(month_first_bad) {
            assert_eq!(
                parse_date_in(&text(input), DateOrder::MonthFirst)
                    .unwrap_err()
                    .expected,
                DATE_MONTH_FIRST,
                "{input}"
            );
        }
        assert!(parse_date_in(&text("31/02/2023"), DateOrder::DayFirst).is_err());
        assert!(parse_date_in(&text("1/13/2023"), DateOrder::DayFirst).is_err());
    }

    #[test]
    fn dates_in_read_zoned_timestamps_as_written() {
        let cases = "2020-08-23 22:00:00 GMT+08:00 => 2020-08-23 | 2024-09-01T00:00:00Z => 2024-09-01 \
            | 2024-09-01T00:00:00+08:00 => 2024-09-01 | 2024-09-01T00:00:00.000Z => 2024-09-01 \
            | 2020/07/02 08:36 => 2020-07-02 | 2024-09-01T23:30:00-05:00 => 2024-09-01 \
            | 2024-09-01 23:30:00 GMT-05:00 => 2024-09-01 | 2024-09-01 23:30 GMT+8 => 2024-09-01 \
            | 2024-09-01 23:30:00 UTC => 2024-09-01 | 2024-09-01 08:00:00+0800 => 2024-09-01 \
            | 2024-09-01 08:00:00 +08 => 2024-09-01";
        for order in ORDERS {
            for (input, expected) in pairs(cases) {
                let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
                assert_eq!(parse_date_in(&text(input), order), expected, "{input}");
            }
        }
        let bad = "2020-08-23 22:00:00 GMT+08:xx | 2020-08-23 22:00:00 GMT+15:00 \
            | 2020-08-23 22:00:00 GMT+08:60 | 2020-08-23 22:00:00 CST | 2020-08-23 GMT+08:00 \
            | 2020-08-23 22:00:00 GMT+08:00 GMT | 2020-08-23 22:00:00 GMT+08:00Z | 2025-03-31 12:00:00+xx";
        for input in each(bad) {
            assert_eq!(
                parse_date_in(&text(input), DateOrder::YearFirst)
                    .unwrap_err()
                    .expected,
                DATE_YEAR_FIRST,
                "{input}"
            );
        }
    }

    #[test]
    fn dates_in_read_a_usage_range_as_its_start() {
        let start = date(2020, 8, 23);
        let ranges = "2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00 \
            | 2020-08-23 22:00:00 GMT+08:00 - 2020-08-23 23:00:00 GMT+08:00 \
            | 2020-08-23 22:00:00 GMT+08:00~2020-08-23 23:00:00 GMT+08:00 \
            | 2020-08-23 22:00:00 至 2020-08-24 00:00:00 \
            | 2020-08-23 23:00:00 GMT+08:00-2020-08-24 00:00:00 GMT+08:00 \
            | 2020-08-23-2020-08-23 | 2020/8/23 ~ 2020/8/31 | 20200823-20200831 \
            | 2020-08-23 22:00:00-05:00-2020-08-23 23:00:00-05:00";
        for order in ORDERS {
            for input in each(ranges) {
                assert_eq!(parse_date_in(&text(input), order), Ok(start), "{input}");
            }
        }
        assert_eq!(
            parse_date_in(&text("08/23/2020 - 08/24/2020"), DateOrder::MonthFirst),
            Ok(start)
        );
        // The ends are compared as instants when both name their zone.
        assert_eq!(
            parse_date_in(
                &text("2020-08-23 22:00:00 GMT+08:00-2020-08-23 15:00:00 GMT+00:00"),
                DateOrder::YearFirst
            ),
            Ok(start)
        );
    }

    #[test]
    fn dates_in_reject_reversed_and_half_ranges() {
        for input in [
            "2020-08-23 23:00:00 GMT+08:00-2020-08-23 22:00:00 GMT+08:00",
            "2020-08-24 至 2020-08-23",
            "2020-08-23 22:00:00 GMT+08:00-2020-08-23 13:00:00 GMT+00:00",
        ] {
            let error = parse_date_in(&text(input), DateOrder::YearFirst).unwrap_err();
            assert_eq!(error.expected, RANGE_ORDER, "{input}");
        }
        let bad = "2020-08-23 22:00:00 GMT+08:00- | -2020-08-23 | 2020-08-23 22:00:00 GMT+08:00-garbage \
            | 2020-08-23~2020-08-32 | 2020-08-23 -- 2020-08-24 | 2020-08-23 ~ 2020-08-24 ~ 2020-08-25 \
            | 45000-45001 | 2020-08 - 2020-09 | 08/23/2020 - 08/24/2020";
        for input in each(bad) {
            assert_eq!(
                parse_date_in(&text(input), DateOrder::YearFirst)
                    .unwrap_err()
                    .expected,
                DATE_YEAR_FIRST,
                "{input}"
            );
        }
    }

    #[test]
    fn dates_in_read_excel_date_times() {
        // 45657 is 2024-12-31; .75 is 18:00.
        let evening = Cell::Number(45657.75);
        assert_eq!(
            parse_date_in(&evening, DateOrder::YearFirst),
            Ok(date(2024, 12, 31))
        );
        assert_eq!(
            parse_date_in(&Cell::Number(45657.999999999), DateOrder::YearFirst),
            Ok(date(2025, 1, 1))
        );
        // A fraction on a year (2025) or a month (202503) is no date-time.
        for number in [2025.5, 202503.5, 20250331.5, 0.5, -45657.5, 2958466.5] {
            assert!(
                parse_date_in(&Cell::Number(number), DateOrder::YearFirst).is_err(),
                "{number}"
            );
        }
    }

    #[test]
    fn months_in_read_every_date_form() {
        let september = ym(2023, 9);
        for (cell, order) in [
            (text("2023-09"), DateOrder::YearFirst),
            (text("202309"), DateOrder::DayFirst),
            (Cell::Number(202309.0), DateOrder::MonthFirst),
            (text("2023年9月"), DateOrder::YearFirst),
            (text("09/21/2023"), DateOrder::MonthFirst),
            (text("9/21/2023 1:05:00 PM"), DateOrder::MonthFirst),
            (text("21/09/2023"), DateOrder::DayFirst),
            (text("2023-09-21 22:00:00 GMT+08:00"), DateOrder::YearFirst),
            (
                text("2023-09-21 22:00:00 GMT+08:00-2023-09-21 23:00:00 GMT+08:00"),
                DateOrder::YearFirst,
            ),
            (Cell::Date(date(2023, 9, 30)), DateOrder::YearFirst),
        ] {
            for period_start in [false, true] {
                assert_eq!(
                    parse_month_in(&cell, order, period_start),
                    Ok(september),
                    "{cell}"
                );
            }
        }
        let error = parse_month_in(&text("09/21/2023"), DateOrder::YearFirst, false).unwrap_err();
        assert_eq!(error.expected, MONTH_YEAR_FIRST);
        let error = parse_month_in(&text("13/01/2023"), DateOrder::MonthFirst, true).unwrap_err();
        assert_eq!(error.expected, MONTH_MONTH_FIRST);
        assert!(error.expected.contains("MM/DD/YYYY"));
        let error = parse_month_in(&text("2023-13"), DateOrder::DayFirst, false).unwrap_err();
        assert_eq!(error.expected, MONTH_DAY_FIRST);
        let reversed = text("2023-10-01 至 2023-09-30");
        let error = parse_month_in(&reversed, DateOrder::YearFirst, true).unwrap_err();
        assert_eq!(error.expected, RANGE_ORDER);
        for input in each("2025 | 2025-Q1 | 03/2025 | 2025.03 | abc") {
            assert!(
                parse_month_in(&text(input), DateOrder::MonthFirst, true).is_err(),
                "{input}"
            );
        }
    }

    #[test]
    fn period_starts_round_to_the_nearest_midnight() {
        // FOCUS writes China's January 2025 as starting at 16:00 UTC on December 31.
        let china_january = text("2024-12-31T16:00:00Z");
        assert_eq!(
            parse_month_in(&china_january, DateOrder::YearFirst, true),
            Ok(ym(2025, 1))
        );
        assert_eq!(
            parse_month_in(&china_january, DateOrder::YearFirst, false),
            Ok(ym(2024, 12))
        );
        let cases = "2024-09-01T00:00:00Z => 2024-09 | 2024-09-01 05:00:00 => 2024-09 \
            | 2024-08-31 19:00:00 => 2024-09 | 2024-09-30 11:59:59 => 2024-09 \
            | 2024-09-30 12:00:00 => 2024-10 | 2024-08-31T16:00:00.000Z => 2024-09 \
            | 2024-08-31 16:00:00 GMT+00:00 => 2024-09 | 08/31/2024 7:00 PM => 2024-09 \
            | 09/01/2024 5:00 AM => 2024-09 | 2024-08-31T16:00:00Z-2024-09-30T16:00:00Z => 2024-09";
        for (input, expected) in pairs(cases) {
            let month = parse_month_in(&text(input), DateOrder::MonthFirst, true).unwrap();
            assert_eq!(month.to_string(), expected, "{input}");
        }
        // An Excel date-time number: 45657.75 is 2024-12-31 18:00.
        let evening = Cell::Number(45657.75);
        assert_eq!(
            parse_month_in(&evening, DateOrder::YearFirst, true),
            Ok(ym(2025, 1))
        );
        assert_eq!(
            parse_month_in(&evening, DateOrder::YearFirst, false),
            Ok(ym(2024, 12))
        );
        // A date without a time is not moved.
        assert_eq!(
            parse_month_in(&text("2024-12-31"), DateOrder::YearFirst, true),
            Ok(ym(2024, 12))
        );
        assert!(parse_month_in(&Cell::Date(NaiveDate::MAX), DateOrder::YearFirst, true).is_ok());
    }

    #[test]
    fn weird_input_never_panics_in_the_extended_parsers() {
        let pieces = "( | ) | ¥ | US$ | CNY | - | － | − | ~ | 至 | 1 | 1,234 | . | e | E | E+ | 1e3 \
            | / | 9/21/2023 | 21/9/2023 | 2025-03-31 | T | Z | : | GMT | GMT+08:00 | UTC | +08:00 \
            | +0800 | AM | PM | 12:00 | 13:05:00.5 | 年 | 日 | é | 🎉 | 0. | 99999999999999999999 |  | ";
        let pieces: Vec<&str> = each(pieces).collect();
        let mut cells = Vec::new();
        for first in &pieces {
            for second in &pieces {
                cells.push(text(&format!("{first}{second}")));
                cells.push(text(&format!("{second} {first}-{second}")));
                cells.push(text(&format!("{first}{second}{first}")));
            }
        }
        let numbers = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.5,
            0.5,
            59.5,
            60.5,
            2958465.99999999,
            2958465.5,
            1e300,
            f64::MIN_POSITIVE,
        ];
        cells.extend(numbers.map(Cell::Number));
        cells.extend([Cell::Empty, Cell::Bool(true), Cell::Error("#REF!".into())]);
        cells.extend([Cell::Date(NaiveDate::MAX), Cell::Date(NaiveDate::MIN)]);
        for cell in &cells {
            let _ = (parse_money(cell), parse_optional_money(cell));
            for order in ORDERS {
                let _ = (
                    parse_date_in(cell, order),
                    parse_optional_date_in(cell, order),
                );
                let _ = (
                    parse_month_in(cell, order, true),
                    parse_month_in(cell, order, false),
                );
            }
        }
        assert!(cells.len() > 1000);
    }

    /// The word of `text` as [`plain_amount_word`] takes it (its first 16 bytes).
    fn word_of(text: &[u8]) -> (u128, usize) {
        let mut bytes = [0u8; 16];
        let length = text.len().min(16);
        bytes[..length].copy_from_slice(&text[..length]);
        (u128::from_le_bytes(bytes), text.len())
    }

    #[test]
    fn the_word_amount_parser_reads_what_the_byte_parser_reads() {
        let parse = |text: &[u8]| {
            let (word, length) = word_of(text);
            plain_amount_word(word, length).map(|value| (value.to_string(), value.scale()))
        };
        let byte_parse =
            |text: &[u8]| plain_amount(text).map(|value| (value.to_string(), value.scale()));
        // Worked examples: the value and its decimals, never `-0`.
        assert_eq!(parse(b"48.92"), Some(("48.92".into(), 2)));
        assert_eq!(parse(b"-0.00"), Some(("0.00".into(), 2)));
        assert_eq!(
            parse(b"1234567890123456"),
            Some(("1234567890123456".into(), 0))
        );
        assert_eq!(parse(b"-0.00000001"), Some(("-0.00000001".into(), 8)));
        assert_eq!(parse(b"12345678901234567"), None, "longer than 16 bytes");
        for text in [
            &b""[..],
            b"-",
            b".5",
            b"5.",
            b"-.5",
            b"1.2.3",
            b"1-2",
            b"12a",
            b" 12",
            b"12 ",
            b"1,234.50",
            b"\x0012",
            b"12\x00",
            b"--5",
            b"+5",
            b"1e5",
            b"\xE8\xAE\xA1",
            b"0",
            b"-0",
            b"007.10",
            b"9999999999999999",
            b"-9999999999999.9",
        ] {
            assert_eq!(
                parse(text),
                byte_parse(text),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        // Every length and every place of the point, signs, and bytes next to the digits
        // in ASCII ('/' and ':' border '0'-'9').
        let alphabet = b"0123456789.-/: a\x80\xff";
        let mut state = 0x853C_49E6_748F_EA9Bu64;
        for _ in 0..300_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let length = (state >> 59) as usize % 18;
            let mut text = Vec::with_capacity(length);
            let mut bits = state;
            for _ in 0..length {
                bits = bits.rotate_left(7).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                // Mostly digits, so valid amounts are common.
                let pick = (bits >> 58) as usize;
                text.push(if pick < 40 {
                    b'0' + (pick % 10) as u8
                } else {
                    alphabet[pick % alphabet.len()]
                });
            }
            let expected = if length <= 16 {
                byte_parse(&text)
            } else {
                None
            };
            assert_eq!(
                parse(&text),
                expected,
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }
}
