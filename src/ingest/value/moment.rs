//! Dates with times and zones, year-last dates and usage ranges, as billing exports write
//! them: the date is always the one written, never converted between zones.

use super::error::ValueError;
use super::number::digits_of;
use super::period::{MAX_SERIAL, date_from_parts, excel_serial_to_date, period_of, written_date};
use crate::domain::expected::{Expected, Kind};
use crate::domain::period::PeriodRef;
use crate::ingest::cell::Cell;
use crate::ruleset::DateOrder;
use chrono::{NaiveDate, NaiveTime, TimeDelta, Timelike};

pub(super) const RANGE_ORDER: &str = "a range whose end is not before its start, such as \
    2025-03-31 13:00:00 GMT+08:00-2025-03-31 14:00:00 GMT+08:00";

/// A date and time as written in a cell: the date is the one shown, whatever the zone.
#[derive(Clone, Copy)]
pub(super) struct Moment {
    pub(super) date: NaiveDate,
    /// The time of day, when the cell has one.
    pub(super) time: Option<NaiveTime>,
    /// The written zone's offset east of UTC in seconds, when the cell has one; used only
    /// to compare the two ends of a range.
    pub(super) offset: Option<i32>,
}

impl Moment {
    pub(super) fn day(date: NaiveDate) -> Self {
        Moment {
            date,
            time: None,
            offset: None,
        }
    }

    /// The date of the midnight nearest to this moment (noon rounds up); `None` past the
    /// last date chrono can hold.
    pub(super) fn nearest_midnight(self) -> Option<NaiveDate> {
        match self.time {
            Some(time) if time.hour() >= 12 => self.date.succ_opt(),
            _ => Some(self.date),
        }
    }

    /// The midnight nearest to `moment` (a time on this moment's date), as a date-time.
    pub(super) fn nearest_midnight_of(
        self,
        moment: chrono::NaiveDateTime,
    ) -> Option<chrono::NaiveDateTime> {
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
pub(super) enum DateProblem {
    /// Not any documented form.
    NotADate,
    /// A range whose end is before its start.
    ReversedRange,
}

impl DateProblem {
    pub(super) fn error(self, expected: Expected, cell: &Cell) -> ValueError {
        match self {
            DateProblem::NotADate => ValueError::new(expected, cell),
            DateProblem::ReversedRange => {
                ValueError::new(Expected::new(Kind::RangeOrder, RANGE_ORDER), cell)
            }
        }
    }
}

/// Every form `parse_date_in` accepts. Text is tried as one moment, then as a range, then
/// through [`period_of`], so everything `parse_date` accepts is still accepted.
pub(super) fn moment_of(cell: &Cell, order: DateOrder) -> Result<Moment, DateProblem> {
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
/// as a serial date by `period_from_digits` (`period.rs`): 4 and 6 digits are a year and a
/// month, so a fraction on them is no date-time. The fraction is rounded to the second, as
/// Excel shows it; a fraction that rounds to 24:00 is the next midnight.
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
