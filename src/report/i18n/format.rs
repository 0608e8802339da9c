//! Formatting every language shares: money grouped in thousands, and the calendar names
//! of periods (`2025-06`, `2025-Q2`, `2025`), which read the same in English and Chinese.

use crate::domain::contract::DateRange;
use chrono::Datelike;
use rust_decimal::Decimal;

/// Money grouped in thousands, two decimals: `12,000.00`.
pub fn grouped(amount: Decimal) -> String {
    crate::domain::money::format_money_grouped(amount)
}

/// `2025-06` for a calendar month, `2025-Q2` for a calendar quarter, `2025` for a
/// calendar year; `None` for any other range.
pub fn period_label(range: DateRange) -> Option<String> {
    let (first, last) = (range.first, range.last);
    let month_end = |date: chrono::NaiveDate| date.succ_opt().is_none_or(|next| next.day() == 1);
    if first.day() != 1 || !month_end(last) || first.year() != last.year() {
        return None;
    }
    let months = last.month() as i64 - first.month() as i64 + 1;
    match months {
        1 => Some(format!("{:04}-{:02}", first.year(), first.month())),
        3 if first.month() % 3 == 1 => {
            Some(format!("{:04}-Q{}", first.year(), first.month() / 3 + 1))
        }
        12 => Some(format!("{:04}", first.year())),
        _ => None,
    }
}
