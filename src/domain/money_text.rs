//! Money and days as text without a heap string of their own: the reports of a large audit
//! write hundreds of thousands of amounts and days, and formatting each through `Decimal`'s
//! and `NaiveDate`'s `Display` into a fresh `String` was about a twentieth of the run's
//! CPU (docs/BENCHMARK.md, "The other reports at 4,000 contracts"). Each function gives
//! exactly the bytes of its `Display`-based counterpart in `super::money` (the tests
//! compare them over many values); a value the fast path does not cover (an amount
//! beyond 96 bits at two decimals, a year outside 0–9999) takes the old path.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// Bytes of the longest text written inline: 27 whole digits, 8 separators, a sign, the
/// point and two decimals (a `Decimal` has at most 29 digits).
const CAP: usize = 40;

/// A short text built from its end, on the stack.
#[derive(Clone, Copy)]
pub struct Inline {
    bytes: [u8; CAP],
    start: usize,
}

impl Inline {
    fn new() -> Inline {
        Inline {
            bytes: [0; CAP],
            start: CAP,
        }
    }

    fn push_front(&mut self, byte: u8) {
        self.start -= 1;
        self.bytes[self.start] = byte;
    }

    fn of_ascii(text: &str) -> Inline {
        let mut inline = Inline::new();
        for byte in text.bytes().rev() {
            inline.push_front(byte);
        }
        inline
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, signs, points and commas are ever pushed.
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or_default()
    }
}

/// Money or a day as text: inline on the stack, or (rarely) a heap string.
#[derive(Clone)]
pub enum Shown {
    /// The common case: no allocation.
    Inline(Inline),
    /// What the fast path does not cover, formatted the old way.
    Heap(String),
}

impl Shown {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            Shown::Inline(inline) => inline.as_str(),
            Shown::Heap(text) => text,
        }
    }
}

impl std::ops::Deref for Shown {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Shown {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Shown {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl fmt::Display for Shown {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As a `String` shows: width and alignment honoured.
        formatter.pad(self.as_str())
    }
}

impl fmt::Debug for Shown {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), formatter)
    }
}

impl PartialEq for Shown {
    fn eq(&self, other: &Shown) -> bool {
        self.as_str() == other.as_str()
    }
}

impl serde::Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Pushes `value`'s decimal digits in front, with a `,` every three digits when `grouped`.
fn push_digits(inline: &mut Inline, mut value: u128, grouped: bool) {
    let mut count = 0;
    // Most amounts fit 64 bits, whose division is far cheaper than 128-bit division.
    while value > u128::from(u64::MAX) {
        if grouped && count > 0 && count % 3 == 0 {
            inline.push_front(b',');
        }
        inline.push_front(b'0' + (value % 10) as u8);
        value /= 10;
        count += 1;
    }
    let mut small = value as u64;
    loop {
        if grouped && count > 0 && count % 3 == 0 {
            inline.push_front(b',');
        }
        inline.push_front(b'0' + (small % 10) as u8);
        small /= 10;
        count += 1;
        if small == 0 {
            break;
        }
    }
}

/// Money as findings.json and the CSVs carry it (`-1234567.80`): `format_money`'s text.
pub fn plain(amount: Decimal) -> Shown {
    money(amount, false)
}

/// Money for people (`-1,234,567.80`): `format_money_grouped`'s text.
pub fn grouped(amount: Decimal) -> Shown {
    money(amount, true)
}

/// `format_money`'s text (`grouped`: `format_money_grouped`'s):
/// rounded half away from zero to two decimals, `0.00` for zero.
fn money(amount: Decimal, grouped: bool) -> Shown {
    let mut shown = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    shown.rescale(2);
    if shown.is_zero() {
        // `-0.00` would confuse a reader.
        return Shown::Inline(Inline::of_ascii("0.00"));
    }
    if shown.scale() != 2 {
        // Too large for two decimals: `Decimal` shows it with fewer.
        let plain = shown.to_string();
        return Shown::Heap(if grouped {
            group_thousands(&plain)
        } else {
            plain
        });
    }
    let mantissa = shown.mantissa();
    let cents = mantissa.unsigned_abs();
    let mut inline = Inline::new();
    let fraction = (cents % 100) as u8;
    inline.push_front(b'0' + fraction % 10);
    inline.push_front(b'0' + fraction / 10);
    inline.push_front(b'.');
    push_digits(&mut inline, cents / 100, grouped);
    if mantissa < 0 {
        inline.push_front(b'-');
    }
    Shown::Inline(inline)
}

/// A day as `NaiveDate`'s `Display` writes it (`2026-06-30`).
pub fn day(day: NaiveDate) -> Shown {
    let year = day.year();
    if !(0..=9999).contains(&year) {
        return Shown::Heap(day.to_string());
    }
    let mut inline = Inline::new();
    let two = |inline: &mut Inline, value: u32| {
        inline.push_front(b'0' + (value % 10) as u8);
        inline.push_front(b'0' + (value / 10 % 10) as u8);
    };
    two(&mut inline, day.day());
    inline.push_front(b'-');
    two(&mut inline, day.month());
    inline.push_front(b'-');
    let year = year.unsigned_abs();
    two(&mut inline, year % 100);
    two(&mut inline, year / 100);
    Shown::Inline(inline)
}

/// Inserts thousands separators into a plain decimal string such as `-1234567.80`.
pub fn group_thousands(plain: &str) -> String {
    let (sign, digits) = plain
        .strip_prefix('-')
        .map_or(("", plain), |rest| ("-", rest));
    let (whole, fraction) = digits
        .split_once('.')
        .map_or((digits, None), |(whole, fraction)| (whole, Some(fraction)));
    if !whole.bytes().all(|byte| byte.is_ascii_digit()) {
        return plain.to_string();
    }
    // One string, written once: reports format tens of thousands of amounts.
    let mut grouped = String::with_capacity(plain.len() + whole.len() / 3);
    grouped.push_str(sign);
    for (index, digit) in whole.char_indices() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

#[cfg(test)]
mod tests;
