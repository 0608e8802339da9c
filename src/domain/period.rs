//! Calendar months and the period references a payout may carry (`2025-03`, `2025-Q1`,
//! `2025`, a date). Parsed in `ingest::value`; used by billing lines and payouts.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// 1..=12.
    pub month: u32,
}

impl YearMonth {
    /// `None` unless `month` is 1..=12 and the year is within chrono's range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        // Years well inside chrono's range need no calendar call (the billing hot path
        // builds one month per line).
        if (1..=12).contains(&month) && (1..=9999).contains(&year) {
            return Some(YearMonth { year, month });
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| YearMonth { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The first day of the month.
    ///
    /// # Panics
    /// If the value was built by hand with an invalid month (not through `new` or a parser).
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("YearMonth is a valid month")
    }

    /// The last day of the month (same panics as [`YearMonth::first_day`]).
    pub fn last_day(&self) -> NaiveDate {
        let first = self.first_day();
        first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(
                // Only December of chrono's last year has no next month.
                NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or(first),
            )
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a payout says it pays for: a month, a quarter, a year or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRef {
    /// A calendar month.
    Month(YearMonth),
    /// `quarter` is 1..=4.
    Quarter {
        /// The year.
        year: i32,
        /// 1..=4.
        quarter: u32,
    },
    /// A calendar year.
    Year(i32),
    /// One day.
    Date(NaiveDate),
}

impl PeriodRef {
    /// The first day the reference covers (panics only for hand-built invalid values).
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            PeriodRef::Month(month) => month.first_day(),
            PeriodRef::Quarter { year, quarter } => month_of(year, quarter * 3 - 2).first_day(),
            PeriodRef::Year(year) => month_of(year, 1).first_day(),
            PeriodRef::Date(date) => date,
        }
    }

    /// The last day the reference covers (panics only for hand-built invalid values).
    pub fn last_day(&self) -> NaiveDate {
        match *self {
            PeriodRef::Month(month) => month.last_day(),
            PeriodRef::Quarter { year, quarter } => month_of(year, quarter * 3).last_day(),
            PeriodRef::Year(year) => month_of(year, 12).last_day(),
            PeriodRef::Date(date) => date,
        }
    }
}

fn month_of(year: i32, month: u32) -> YearMonth {
    YearMonth { year, month }
}

impl fmt::Display for PeriodRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodRef::Month(month) => month.fmt(formatter),
            PeriodRef::Quarter { year, quarter } => write!(formatter, "{year:04}-Q{quarter}"),
            PeriodRef::Year(year) => write!(formatter, "{year:04}"),
            PeriodRef::Date(date) => write!(formatter, "{}", date.format("%Y-%m-%d")),
        }
    }
}
