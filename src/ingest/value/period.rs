//! Dates, months, quarters and years as a contract or ledger writes them, year first,
//! and Excel serial dates: one classification shared by every date-like value.

use super::error::ValueError;
use super::number::digits_of;
use crate::domain::expected::{Expected, Kind};
use crate::domain::period::{PeriodRef, YearMonth};
use crate::ingest::cell::Cell;
use chrono::{Days, NaiveDate, NaiveTime};

pub(super) const DATE: Expected = Expected::new(
    Kind::Date,
    "a date such as 2025-03-31, 2025/3/31, 2025年3月31日 or an Excel date",
);
pub(super) const MONTH: Expected =
    Expected::new(Kind::Month, "a month such as 2025-03, 202503 or 2025年3月");
pub(super) const PERIOD: Expected = Expected::new(
    Kind::Period,
    "a period such as 2025-03 (month), 2025-Q1 (quarter), 2025 (year) or 2025-03-31 (date)",
);
/// Largest Excel serial date: 9999-12-31.
pub(super) const MAX_SERIAL: f64 = 2_958_465.0;

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

/// Every date-like form, classified: the single reading shared by dates, months and
/// period references so they never disagree about what a cell means.
pub(super) fn period_of(cell: &Cell) -> Option<PeriodRef> {
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
pub(super) fn written_date(date: &str) -> Option<NaiveDate> {
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

fn month_from_parts(year: &str, month: &str) -> Option<YearMonth> {
    YearMonth::new(year_of(year)?, digits_of(month, 1, 2)?)
}

pub(super) fn date_from_parts(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        year_of(year)?,
        digits_of(month, 1, 2)?,
        digits_of(day, 1, 2)?,
    )
}
