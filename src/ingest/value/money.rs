//! Amounts of money, exact: every form a provider's export or Excel's display writes, and
//! nothing else.

use super::error::ValueError;
use super::number::{digits_of, normalise, unsigned_number};
use super::plain_amount::plain_amount;
use crate::domain::expected::{Expected, Kind};
use crate::domain::number::decimal_from_f64;
use crate::ingest::cell::{Cell, trimmed};
use rust_decimal::Decimal;

pub(super) const MONEY: Expected =
    Expected::new(Kind::Amount, "an amount such as 1,234.50 or (1,234.50)");

/// The finest precision any provider bills in; a float cell's digits beyond it are noise
/// from binary floating point (a formula's `0.1 + 0.2` is stored as 0.30000000000000004).
const MONEY_FLOAT_DECIMALS: u32 = 8;

/// An amount of money: `1234.5`, `1,234.50`, `¥1,234.50`, `(1,234.50)` (negative),
/// `-¥1,234.50`, `¥-1,234.50`, or a number cell. Text keeps every decimal as given; a
/// number cell is read as its shortest text and rounded at the 8th decimal.
///
/// Text as Excel displays it (a CSV saved from Excel holds the formatted text) is read
/// too: the prefixes `¥`, `￥`, `$`, `US$`, `RMB`, `CNY` and `USD`, with or without a space
/// after them (`¥ 1,234.50`, `-¥ 1,234.50`, `(¥ 1,234.50)`, `$ (1,234.50)`, `CNY 12`); the
/// minus signs `－` and `−`; surrounding spaces, non-breaking ones included; and the
/// accounting format's zero, a prefix followed only by a dash (`¥ -`, `¥-`), which is 0.
/// A bare `-` is not an amount (formats that use it for "nothing" decide that), and a
/// trailing minus is an error. Scientific notation (`1.5E3`, `-2.5e-3`), which FOCUS
/// allows, is read exactly when written as a bare number with a plain mantissa.
pub fn parse_money(cell: &Cell) -> Result<Decimal, ValueError> {
    match cell {
        Cell::Number(number) => decimal_from_f64(*number).map(|amount| {
            amount
                .round_dp_with_strategy(
                    MONEY_FLOAT_DECIMALS,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                )
                .normalize()
        }),
        Cell::Text(text) => {
            let text = trimmed(text);
            plain_amount(text.as_bytes()).or_else(|| money_from_text(text))
        }
        _ => None,
    }
    .ok_or_else(|| ValueError::new(MONEY, cell))
}

/// Like [`parse_money`], but an empty cell is `None`.
pub fn parse_optional_money(cell: &Cell) -> Result<Option<Decimal>, ValueError> {
    if cell.is_empty() {
        Ok(None)
    } else {
        parse_money(cell).map(Some)
    }
}

pub(super) fn money_from_text(text: &str) -> Option<Decimal> {
    if let Some(value) = scientific_number(text) {
        return Some(value);
    }
    let (parenthesised, rest) = parenthesised(text);
    let (minus_before, rest) = strip_money_minus(rest);
    let (symbol, rest) = match strip_currency(rest) {
        Some(after_symbol) => (true, after_symbol.trim_start()),
        None => (false, rest),
    };
    if symbol && rest == "-" {
        // Excel's accounting format shows zero as the symbol and a dash (`¥ -`); a sign
        // on that dash would be nonsense, and a bare `-` is no amount at all.
        return (!parenthesised && !minus_before).then_some(Decimal::ZERO);
    }
    // After the symbol: `¥-1,234.50` (Chinese accounting format) or `$ (1,234.50)`
    // (United States accounting format).
    let (minus_after, rest) = if symbol {
        strip_money_minus(rest)
    } else {
        (false, rest)
    };
    let (parenthesised_after, rest) = if symbol {
        self::parenthesised(rest)
    } else {
        (false, rest)
    };
    let signs = [
        parenthesised,
        minus_before,
        minus_after,
        parenthesised_after,
    ];
    if signs.iter().filter(|sign| **sign).count() > 1 {
        return None;
    }
    let value = unsigned_number(rest, true)?;
    Some(if signs.contains(&true) {
        normalise(-value)
    } else {
        value
    })
}

/// `(inner)` → `(true, inner)`, anything else unchanged.
fn parenthesised(text: &str) -> (bool, &str) {
    match text
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
    {
        Some(inner) => (true, inner),
        None => (false, text),
    }
}

/// The currency prefixes Excel's currency and accounting formats write, longest first so
/// `US$` is not read as `U` and `S$`. Returns the text after the prefix.
fn strip_currency(text: &str) -> Option<&str> {
    ["US$", "RMB", "CNY", "USD", "¥", "￥", "$"]
        .iter()
        .find_map(|symbol| text.strip_prefix(symbol))
}

/// A leading minus: ASCII `-`, the full-width `－` of Chinese input methods, or the
/// Unicode minus `−` some exports print.
fn strip_money_minus(text: &str) -> (bool, &str) {
    match text.strip_prefix(['-', '－', '−']) {
        Some(rest) => (true, rest),
        None => (false, text),
    }
}

/// FOCUS allows scientific notation `mEn`: `1.5E3`, `-2.5e-3`, `1.2E+05` (as Excel shows
/// it). Only a bare amount with a plain mantissa (digits with an optional fraction, no
/// separators or symbols) qualifies. The mantissa is validated exactly first, so
/// `Decimal::from_scientific` only moves its decimal point; a result that needs more than
/// 28 decimals or digits is an error, not rounded.
fn scientific_number(text: &str) -> Option<Decimal> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let (negative, mantissa) = strip_money_minus(mantissa);
    unsigned_number(mantissa, false)?;
    digits_of(exponent.strip_prefix(['+', '-']).unwrap_or(exponent), 1, 3)?;
    // `from_scientific` reads the exponent as written; drop a `+` it need not know about.
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let value = Decimal::from_scientific(&format!("{mantissa}e{exponent}")).ok()?;
    Some(if negative { normalise(-value) } else { value })
}
