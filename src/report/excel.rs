//! How values go into Excel cells, for both workbooks (`report.xlsx`, `findings.xlsx`):
//! money as an exact number or, beyond what a double holds, as its exact text (research
//! R2); the days Excel shows as dates; and the deflate level.

use crate::domain::money::format_money;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::ExcelDateTime;
use std::str::FromStr;

/// The most significant digits a decimal may have and still survive the trip through an
/// Excel number (an IEEE double) unchanged.
pub const EXACT_DIGITS: u32 = 15;

/// How an amount goes into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum MoneyCell {
    /// A number: the amount rounded to cents has at most [`EXACT_DIGITS`] significant
    /// digits, so the double holds it exactly.
    Number(f64),
    /// Text with exactly two decimals (`-10000066605424.55`): the amount has more digits
    /// than a double keeps. Written as it is, never neutralised: it is our own rendering
    /// of a decimal (digits, a point, perhaps a leading `-`), which no spreadsheet runs as
    /// a formula, and a `'` would make it a different text from the amount.
    Text(String),
}

/// Significant digits of a decimal (trailing zeros of the fraction do not count).
pub fn significant_digits(value: Decimal) -> u32 {
    value
        .normalize()
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(0, |power| power + 1)
}

/// An exact number for `value` when it has at most [`EXACT_DIGITS`] significant digits.
pub(super) fn exact_number(value: Decimal) -> Option<f64> {
    if value.is_zero() {
        return Some(0.0);
    }
    if significant_digits(value) > EXACT_DIGITS {
        return None;
    }
    let normal = value.normalize();
    // At most 15 digits is a mantissa under 2^53, exact as a double; so is 10^scale up to
    // 10^22. IEEE division of two exact doubles is correctly rounded, which is what
    // parsing the decimal text gives (Clinger's fast path), without making the text.
    if let Some(&power) = EXACT_POWERS_OF_TEN.get(normal.scale() as usize) {
        #[allow(clippy::cast_precision_loss)] // under 2^53: exact
        let mantissa = normal.mantissa() as f64;
        return Some(mantissa / power);
    }
    // Parsing the decimal text rounds correctly to the nearest double.
    f64::from_str(&normal.to_string()).ok()
}

/// 10^0 … 10^22: the powers of ten a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The cell for an amount: rounded to cents as `findings.json` writes it, then a number
/// when that is exact, else text.
pub fn money_cell(amount: Decimal) -> MoneyCell {
    let cents = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    match exact_number(cents) {
        Some(number) => MoneyCell::Number(number),
        None => MoneyCell::Text(format_money(amount)),
    }
}

/// A date cell's value, for days Excel shows correctly (from 1900-03-01, after its
/// phantom 1900-02-29, to 9999-12-31); other days are written as ISO text.
pub(super) fn excel_date(day: NaiveDate) -> Option<ExcelDateTime> {
    if day < NaiveDate::from_ymd_opt(1900, 3, 1)? {
        return None;
    }
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).ok()?,
        u8::try_from(day.month()).ok()?,
        u8::try_from(day.day()).ok()?,
    )
    .ok()
}

/// The deflate level of the workbooks written (`report.xlsx`, `findings.xlsx`): 3 of 9.
/// rust_xlsxwriter's default, 6, took a third of the time of writing report.xlsx for
/// files a tenth smaller (1.47 MB against 1.62 MB for 400 contracts); see DECISIONS.
pub const XLSX_COMPRESSION: u8 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::d;

    /// The division gives the very double the decimal text parses to, for every scale
    /// and every number of digits up to 15 (and 0.1 + 0.2 style values).
    #[test]
    fn exact_number_is_the_parsed_text() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..50_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 16) as u32;
            let scale = ((seed >> 8) % 29) as u32;
            let mantissa = i64::try_from((seed >> 12) % 10_u64.pow(digits)).unwrap();
            let mantissa = if seed & 1 == 1 { -mantissa } else { mantissa };
            let value = Decimal::new(mantissa, scale);
            let parsed = f64::from_str(&value.normalize().to_string()).unwrap();
            assert_eq!(
                exact_number(value).map(f64::to_bits),
                Some(parsed.to_bits()),
                "{value}"
            );
        }
        assert_eq!(exact_number(d("0.1")), Some(0.1));
        assert_eq!(exact_number(d("-123.45")), Some(-123.45));
        assert_eq!(exact_number(d("1234567890123456")), None);
    }

    #[test]
    fn significant_digits_ignore_trailing_fraction_zeros() {
        assert_eq!(significant_digits(d("0")), 0);
        assert_eq!(significant_digits(d("0.05")), 1);
        assert_eq!(significant_digits(d("2000.00")), 4);
        assert_eq!(significant_digits(d("-1234567890123.45")), 15);
        assert_eq!(significant_digits(d("12345678901234.56")), 16);
    }

    /// Research R2: up to 15 significant digits an amount is an exact number; beyond, it
    /// is its exact text.
    #[test]
    fn money_is_an_exact_number_up_to_15_digits_and_text_beyond() {
        assert_eq!(money_cell(d("2000.00")), MoneyCell::Number(2000.0));
        assert_eq!(money_cell(d("-100.00")), MoneyCell::Number(-100.0));
        assert_eq!(money_cell(d("0.10")), MoneyCell::Number(0.1));
        // Rounded to cents first, as findings.json shows it.
        assert_eq!(money_cell(d("12.34567891")), MoneyCell::Number(12.35));
        assert_eq!(money_cell(d("-0.001")), MoneyCell::Number(0.0));
        assert_eq!(
            money_cell(d("9999999999999.99")),
            MoneyCell::Number(9_999_999_999_999.99)
        );
        assert_eq!(
            money_cell(d("12345678901234.56")),
            MoneyCell::Text("12345678901234.56".into())
        );
        assert_eq!(
            money_cell(d("-99999999999999.99")),
            MoneyCell::Text("-99999999999999.99".into())
        );
        // Every 15-digit amount comes back from the double as the same decimal.
        for text in [
            "0.01",
            "1234567890123.45",
            "-999999999999.99",
            "7.77",
            "100000000.01",
        ] {
            let MoneyCell::Number(number) = money_cell(d(text)) else {
                panic!("{text} should be a number");
            };
            assert_eq!(format!("{number:.2}"), text);
        }
    }

    #[test]
    fn dates_excel_cannot_show_fall_back_to_text() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(excel_date(day(2025, 3, 31)).is_some());
        assert!(excel_date(day(1900, 3, 1)).is_some());
        assert!(excel_date(day(1900, 2, 28)).is_none());
        assert!(excel_date(day(1899, 12, 31)).is_none());
        assert!(excel_date(day(10000, 1, 1)).is_none());
    }
}
