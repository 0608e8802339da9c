//! Calendar arithmetic the rebate rules need: adding contract years, month and quarter
//! boundaries, and day counts. Kept apart so every date rule has one home and one test.

use chrono::{Datelike, Months, NaiveDate};

/// `date` plus `years` calendar years; 29 February falls back to 28 February.
pub fn add_years(date: NaiveDate, years: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// `date` plus `days` days (negative allowed); `None` outside the calendar.
pub fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    date.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The first day of the month `date` is in.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The last day of the month `date` is in.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    month_start(date)
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

/// The first day of the next month.
pub fn next_month_start(date: NaiveDate) -> Option<NaiveDate> {
    month_start(date).checked_add_months(Months::new(1))
}

/// The first day of the next calendar quarter.
pub fn next_quarter_start(date: NaiveDate) -> Option<NaiveDate> {
    let quarter_first_month = (date.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(date.year(), quarter_first_month, 1)?.checked_add_months(Months::new(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::day;

    #[test]
    fn contract_years_from_a_leap_day_land_on_28_february() {
        assert_eq!(add_years(day("2024-02-29"), 1), Some(day("2025-02-28")));
        assert_eq!(add_years(day("2024-03-15"), 2), Some(day("2026-03-15")));
    }

    #[test]
    fn month_and_quarter_boundaries() {
        assert_eq!(month_end(day("2024-02-10")), day("2024-02-29"));
        assert_eq!(month_end(day("2025-12-31")), day("2025-12-31"));
        assert_eq!(next_month_start(day("2025-12-31")), Some(day("2026-01-01")));
        assert_eq!(
            next_quarter_start(day("2025-02-14")),
            Some(day("2025-04-01"))
        );
        assert_eq!(
            next_quarter_start(day("2025-11-30")),
            Some(day("2026-01-01"))
        );
    }

    #[test]
    fn day_counts() {
        assert_eq!(days_between(day("2025-03-31"), day("2025-04-30")), 30);
        assert_eq!(add_days(day("2025-03-31"), 30), Some(day("2025-04-30")));
    }
}
