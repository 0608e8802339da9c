//! Shorthands for the cell values the sheets are made of.

use crate::report::tables::Value;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

pub(super) fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

pub(super) fn optional_text(value: Option<&str>) -> Value {
    value.map_or(Value::Empty, text)
}

pub(super) fn optional_money(amount: Option<Decimal>) -> Value {
    amount.map_or(Value::Empty, Value::Money)
}

pub(super) fn optional_date(day: Option<NaiveDate>) -> Value {
    day.map_or(Value::Empty, Value::Date)
}

pub(super) fn count(number: impl TryInto<i64>) -> Value {
    number.try_into().map_or(Value::Empty, Value::Integer)
}

/// Money the totals carry as two-decimal text, back as an amount.
pub(super) fn money_text(amount: &str) -> Value {
    Decimal::from_str(amount).map_or_else(|_| text(amount), Value::Money)
}

/// A day the baseline wrote as ISO text: a date cell, else the text as it was.
pub(super) fn baseline_date(day: Option<&str>) -> Value {
    day.map_or(Value::Empty, |day| {
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_or_else(|_| text(day), Value::Date)
    })
}
