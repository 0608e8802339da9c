//! The audit date: a fixed date, or a rule applied to today's date (`today`, `yesterday`,
//! `last-month-end`), and today's date itself (the machine's clock, or a test hook).

use chrono::{Datelike, Duration, NaiveDate};

/// The environment variable that stands in for today's date (`YYYY-MM-DD`): a test hook,
/// so `today`, `yesterday` and `last-month-end` can be checked against a fixed day.
pub const TODAY_VARIABLE: &str = "REBATE_AUDIT_TODAY";

/// `REBATE_AUDIT_TODAY` is set but is not a date.
#[derive(Debug, thiserror::Error)]
#[error("REBATE_AUDIT_TODAY: expected a date such as 2026-06-30, found `{0}`")]
pub struct TodayError(pub String);

/// Today's date on this machine's clock, or the date in `REBATE_AUDIT_TODAY` when set.
///
/// # Errors
/// When `REBATE_AUDIT_TODAY` is set but is not a date.
pub fn today() -> Result<NaiveDate, TodayError> {
    match std::env::var(TODAY_VARIABLE) {
        Ok(text) => {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| TodayError(text))
        }
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// How the audit date is chosen: a fixed date, or a rule applied to today's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// This date.
    Date(NaiveDate),
    /// The day the run starts.
    Today,
    /// The day before.
    Yesterday,
    /// The last day of the month before today's month (on 2026-07-15 and on 2026-07-31
    /// alike: 2026-06-30).
    LastMonthEnd,
}

impl AsOf {
    /// What an `--as-of` value or an `as_of` key may hold, for error messages.
    pub const EXPECTED: &'static str =
        "a date such as 2026-06-30, or `today`, `yesterday` or `last-month-end`";

    /// Reads `YYYY-MM-DD`, `today`, `yesterday` or `last-month-end` (case and surrounding
    /// space ignored; `last_month_end` accepted too).
    pub fn parse(text: &str) -> Option<AsOf> {
        let text = text.trim();
        match text.to_ascii_lowercase().replace('_', "-").as_str() {
            "today" => Some(AsOf::Today),
            "yesterday" => Some(AsOf::Yesterday),
            "last-month-end" => Some(AsOf::LastMonthEnd),
            _ => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(AsOf::Date),
        }
    }

    /// The audit date this rule gives on `today`.
    pub fn resolve(self, today: NaiveDate) -> NaiveDate {
        match self {
            AsOf::Date(date) => date,
            AsOf::Today => today,
            AsOf::Yesterday => today - Duration::days(1),
            // The first of this month, minus one day.
            AsOf::LastMonthEnd => today - Duration::days(i64::from(today.day())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn as_of_rules_read_dates_and_words() {
        assert_eq!(
            AsOf::parse("2026-06-30"),
            Some(AsOf::Date(day("2026-06-30")))
        );
        assert_eq!(AsOf::parse(" Today "), Some(AsOf::Today));
        assert_eq!(AsOf::parse("yesterday"), Some(AsOf::Yesterday));
        assert_eq!(AsOf::parse("last-month-end"), Some(AsOf::LastMonthEnd));
        assert_eq!(AsOf::parse("last_month_end"), Some(AsOf::LastMonthEnd));
        assert_eq!(AsOf::parse("2026-13-01"), None);
        assert_eq!(AsOf::parse("last-month"), None);
        assert_eq!(AsOf::parse(""), None);
    }

    #[test]
    fn last_month_end_is_the_day_before_this_month_began() {
        let rule = AsOf::LastMonthEnd;
        assert_eq!(rule.resolve(day("2026-07-15")), day("2026-06-30"));
        assert_eq!(rule.resolve(day("2026-07-01")), day("2026-06-30"));
        // On a month's last day it is still the month before.
        assert_eq!(rule.resolve(day("2026-07-31")), day("2026-06-30"));
        assert_eq!(rule.resolve(day("2026-01-05")), day("2025-12-31"));
        assert_eq!(rule.resolve(day("2024-03-10")), day("2024-02-29"));
        assert_eq!(rule.resolve(day("2025-03-31")), day("2025-02-28"));
    }

    #[test]
    fn today_and_yesterday_count_from_the_given_day() {
        assert_eq!(AsOf::Today.resolve(day("2026-03-01")), day("2026-03-01"));
        assert_eq!(
            AsOf::Yesterday.resolve(day("2026-03-01")),
            day("2026-02-28")
        );
        assert_eq!(
            AsOf::Yesterday.resolve(day("2026-01-01")),
            day("2025-12-31")
        );
        assert_eq!(
            AsOf::Date(day("2025-06-30")).resolve(day("2026-03-01")),
            day("2025-06-30")
        );
    }
}
