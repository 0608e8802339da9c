//! Every value parser against its documented forms, its refusals, and hostile input.

use super::dates_in::{
    DATE_DAY_FIRST, DATE_MONTH_FIRST, DATE_YEAR_FIRST, MONTH_DAY_FIRST, MONTH_MONTH_FIRST,
    MONTH_YEAR_FIRST,
};
use super::moment::{RANGE_ORDER, moment_of};
use super::money::{MONEY, money_from_text};
use super::number::{NUMBER, WHOLE};
use super::period::{DATE, MONTH, PERIOD, period_of};
use super::rate::{
    NEGATIVE_RATE, NO_POINTS, POINTS_RANGE, PORTION, PORTION_RANGE, RATE, RATE_OR_POINTS, ambiguous,
};
use super::*;
use crate::ingest::cell::Cell;
use chrono::NaiveDate;
use rust_decimal::Decimal;

mod amounts;
mod dates_in;
mod fast_paths;
mod periods;
mod rates;

pub(super) fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}
pub(super) fn dec(value: &str) -> Decimal {
    Decimal::from_str_exact(value).unwrap()
}
pub(super) fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}
pub(super) fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}
/// Test inputs separated by ` | ` (so an input may contain a single space).
pub(super) fn each(list: &str) -> impl Iterator<Item = &str> {
    list.split(" | ")
}
/// `input => expected` pairs separated by ` | `.
pub(super) fn pairs(list: &str) -> impl Iterator<Item = (&str, &str)> {
    each(list).map(|pair| pair.split_once(" => ").unwrap())
}

pub(super) const ORDERS: [DateOrder; 3] = [
    DateOrder::YearFirst,
    DateOrder::MonthFirst,
    DateOrder::DayFirst,
];

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
