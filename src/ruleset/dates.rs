//! How a billing format writes its dates: the order of a slash date whose year comes
//! last, and what its billing-month column holds.

use serde::Deserialize;

/// How a billing format writes slash dates whose year comes last. `03/04/2023` is March 4
/// in the United States and April 3 in most other places, so the cell alone cannot say
/// which; only the format (its ruleset) can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// Only year-first dates (`2023-09-21`, `2023/9/21`); a year-last date such as
    /// `09/21/2023` is an error because it is ambiguous.
    #[default]
    YearFirst,
    /// `MM/DD/YYYY`, as Azure cost details write it: `09/21/2023`, `9/1/2023`.
    MonthFirst,
    /// `DD/MM/YYYY`: `21/09/2023`, `1/9/2023`.
    DayFirst,
}

/// Where a normalised month comes from in a billing export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthSource {
    /// The billing-month column holds a month (or a date in it).
    #[default]
    Month,
    /// The billing-month column holds the billing period's start as a timestamp, possibly
    /// in UTC for a local-time month (FOCUS `BillingPeriodStart`): rounded to the nearest
    /// midnight before its month is taken.
    PeriodStart,
}
