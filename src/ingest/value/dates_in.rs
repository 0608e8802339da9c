//! Dates, months and billing-period starts as a billing format writes them: every
//! year-first form, the year-last form its [`DateOrder`] allows, timestamps, zones and
//! ranges.

use super::error::ValueError;
use super::iso::{iso_date, iso_month};
use super::moment::{Moment, moment_of};
use super::period::period_of;
use crate::domain::expected::{Expected, Kind};
use crate::domain::period::{PeriodRef, YearMonth};
use crate::ingest::cell::{Cell, trimmed};
use crate::ruleset::DateOrder;
use chrono::{NaiveDate, TimeDelta};

// What `parse_date_in` and `parse_month_in` accept, naming the year-last form only where
// the format's date order allows it.
pub(super) const DATE_YEAR_FIRST: &str = "a date such as 2025-03-31, 2025/3/31, 2025年3月31日 or 20250331, \
    a timestamp such as 2025-03-31 13:05:00, 2025-03-31 13:05:00 GMT+08:00 or \
    2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
pub(super) const DATE_MONTH_FIRST: &str = "a date such as 2025-03-31, 03/31/2025 (MM/DD/YYYY), 2025/3/31, \
    2025年3月31日 or 20250331, a timestamp such as 03/31/2025 1:05:00 PM, \
    2025-03-31 13:05:00 GMT+08:00 or 2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
pub(super) const DATE_DAY_FIRST: &str = "a date such as 2025-03-31, 31/03/2025 (DD/MM/YYYY), 2025/3/31, \
    2025年3月31日 or 20250331, a timestamp such as 31/03/2025 13:05:00, \
    2025-03-31 13:05:00 GMT+08:00 or 2025-03-31T05:05:00Z, a range such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00, or an Excel date";
pub(super) const MONTH_YEAR_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 2025-03-01 00:00:00 GMT+08:00 or 2025-03-01T00:00:00Z";
pub(super) const MONTH_MONTH_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 03/01/2025 (MM/DD/YYYY), 2025-03-01 00:00:00 GMT+08:00 or \
    2025-03-01T00:00:00Z";
pub(super) const MONTH_DAY_FIRST: &str = "a month such as 2025-03, 202503 or 2025年3月, or a date or \
    timestamp such as 2025-03-01, 01/03/2025 (DD/MM/YYYY), 2025-03-01 00:00:00 GMT+08:00 or \
    2025-03-01T00:00:00Z";

/// A date: every form [`parse_date`](super::parse_date) accepts; the year-last slash form
/// `order` allows (`09/21/2023`, `9/21/2023 1:05:00 PM` when [`DateOrder::MonthFirst`]);
/// timestamps with a zone (`2020-08-23 22:00:00 GMT+08:00`, `2024-09-01T00:00:00Z`,
/// `2024-09-01T00:00:00.000+08:00`) or without (`2020/07/02 08:36`); an Excel date-time
/// number (`45747.5`); and Huawei's usage range in one cell
/// (`2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00`, or with ` - `, `~` or
/// ` 至 ` between the ends), read as its start. The date is taken as written, never
/// converted between zones: billing exports date a charge in the zone they were made for.
/// A range is an error unless both ends parse and the end is not before the start.
pub fn parse_date_in(cell: &Cell, order: DateOrder) -> Result<NaiveDate, ValueError> {
    if let Cell::Text(text) = cell
        && let Some(date) = iso_date(trimmed(text).as_bytes())
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

/// A month: every form [`parse_month`](super::parse_month) accepts, plus every form
/// [`parse_date_in`] accepts (the month of its date).
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
        && let Some(month) = iso_month(trimmed(text).as_bytes())
    {
        return Ok(month);
    }
    if let Some(PeriodRef::Month(month)) = period_of(cell) {
        return Ok(month);
    }
    let expected = month_expected(order);
    let moment = moment_of(cell, order).map_err(|problem| problem.error(expected.clone(), cell))?;
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

fn date_expected(order: DateOrder) -> Expected {
    Expected::new(
        Kind::Date,
        match order {
            DateOrder::YearFirst => DATE_YEAR_FIRST,
            DateOrder::MonthFirst => DATE_MONTH_FIRST,
            DateOrder::DayFirst => DATE_DAY_FIRST,
        },
    )
}

fn month_expected(order: DateOrder) -> Expected {
    Expected::new(
        Kind::Month,
        match order {
            DateOrder::YearFirst => MONTH_YEAR_FIRST,
            DateOrder::MonthFirst => MONTH_MONTH_FIRST,
            DateOrder::DayFirst => MONTH_DAY_FIRST,
        },
    )
}
