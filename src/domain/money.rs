//! Exact money arithmetic: every amount is a `Decimal`, every rounding goes through
//! [`Rounding::round`], and every operation that could overflow is checked.
//!
//! Keeping the rounding rule in one type means a ruleset can switch the whole audit to
//! banker's rounding without any call site knowing.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;
use std::fmt;

/// How amounts are rounded to cents (docs/ARITHMETIC.md: half away from zero unless the ruleset says
/// `half_even`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Half away from zero (四舍五入): 0.125 → 0.13, −0.125 → −0.13.
    #[default]
    HalfUp,
    /// Banker's rounding: 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
}

impl Rounding {
    /// Rounds to 0.01 with this rule; the result always carries exactly two decimals.
    pub fn round(self, amount: Decimal) -> Decimal {
        let strategy = match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        let mut rounded = amount.round_dp_with_strategy(2, strategy);
        rounded.rescale(2);
        rounded
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Rounding::HalfUp => "half_up",
            Rounding::HalfEven => "half_even",
        })
    }
}

/// Arithmetic overflowed the 96-bit decimal range: no real bill gets there, so this
/// only happens on hostile or corrupt input, and it is reported, never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("amount out of range")]
pub struct Overflow;

/// `a + b`, checked.
pub fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

/// `a − b`, checked.
pub fn sub(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_sub(b).ok_or(Overflow)
}

/// `a × b`, checked.
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_mul(b).ok_or(Overflow)
}

/// Money as JSON and CSV carry it: a string with exactly two decimals.
/// Callers round first; this only pads (it never truncates silently because the
/// value is already at two decimals, and if not it rounds half away from zero).
/// (The text is [`super::money_text::money`]'s, which the reports also write without a
/// string of its own.)
pub fn format_money(amount: Decimal) -> String {
    super::money_text::plain(amount).as_str().to_string()
}

/// Money for people: two decimals with thousands separators, `-1,234,567.80`.
pub fn format_money_grouped(amount: Decimal) -> String {
    super::money_text::grouped(amount).as_str().to_string()
}

/// Inserts thousands separators into a plain decimal string such as `-1234567.80` (kept
/// with the formatting it serves, in [`super::money_text`]).
pub use super::money_text::group_thousands;

/// A rate (fraction) as a person reads it: 0.22 → `22%`, 0.0005 → `0.05%`.
pub fn format_rate(rate: Decimal) -> String {
    let percent = rate.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(rate);
    format!("{}%", percent.normalize())
}

/// Decimals the fast part of a [`RunningSum`] keeps: amounts with up to this many
/// decimals (every export seen: Tencent's eight at most) are summed as integers.
const UNIT_DECIMALS: u32 = 8;

/// 10^0 … 10^8.
const POWERS_OF_TEN: [i128; UNIT_DECIMALS as usize + 1] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The largest magnitude a `Decimal` holds (2^96 − 1), in units of 10^-8: a running sum
/// beyond it would overflow exactly where a `Decimal` sum overflows.
const MAX_UNITS: i128 = 79_228_162_514_264_337_593_543_950_335 * 100_000_000;

/// An exact running sum for the billing hot path, equal to adding the amounts one by one
/// as `Decimal`s (same value, same number of decimals) at a fraction of the cost: amounts
/// with up to eight decimals are added as integers in units of 10^-8, anything finer
/// goes into a `Decimal` beside them. The sum carries the most decimals any amount had,
/// as a `Decimal` sum does, so `1.5 + 2.25` is `3.75` and `0.00 + 0.00` is `0.00`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunningSum {
    units: i128,
    decimals: u32,
    finer: Decimal,
}

impl RunningSum {
    /// Adds `amount`.
    ///
    /// # Errors
    /// When the sum's integer part leaves the `Decimal` range (the sum is then unchanged).
    #[inline]
    pub fn add(&mut self, amount: Decimal) -> Result<(), Overflow> {
        let decimals = amount.scale();
        if decimals <= UNIT_DECIMALS {
            // A mantissa below 2^96 times 10^8 stays below 2^123: no overflow here.
            let units = amount.mantissa() * POWERS_OF_TEN[(UNIT_DECIMALS - decimals) as usize];
            let sum = self.units + units;
            if sum.abs() > MAX_UNITS {
                return Err(Overflow);
            }
            self.units = sum;
        } else {
            self.finer = add(self.finer, amount)?;
        }
        self.decimals = self.decimals.max(decimals);
        Ok(())
    }

    /// Adds another running sum.
    ///
    /// # Errors
    /// As [`RunningSum::add`].
    pub fn merge(&mut self, other: &RunningSum) -> Result<(), Overflow> {
        let units = self.units + other.units;
        if units.abs() > MAX_UNITS {
            return Err(Overflow);
        }
        self.finer = add(self.finer, other.finer)?;
        self.units = units;
        self.decimals = self.decimals.max(other.decimals);
        Ok(())
    }

    /// The sum as a `Decimal`, with as many decimals as the most precise amount added.
    ///
    /// # Errors
    /// When it does not fit a `Decimal` (more than 28 significant digits).
    pub fn total(&self) -> Result<Decimal, Overflow> {
        let decimals = self.decimals.min(UNIT_DECIMALS);
        // Every amount in `units` had at most `decimals` decimals: the division is exact.
        let scaled = self.units / POWERS_OF_TEN[(UNIT_DECIMALS - decimals) as usize];
        let fixed = Decimal::try_from_i128_with_scale(scaled, decimals).map_err(|_| Overflow)?;
        if self.finer.is_zero() && self.decimals <= UNIT_DECIMALS {
            return Ok(fixed);
        }
        let mut sum = add(fixed, self.finer)?;
        if sum.scale() < self.decimals {
            sum.rescale(self.decimals);
        }
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::d;

    #[test]
    fn half_up_rounds_midpoints_away_from_zero() {
        assert_eq!(Rounding::HalfUp.round(d("0.125")).to_string(), "0.13");
        assert_eq!(Rounding::HalfUp.round(d("0.135")).to_string(), "0.14");
        assert_eq!(Rounding::HalfUp.round(d("-0.125")).to_string(), "-0.13");
        assert_eq!(Rounding::HalfUp.round(d("3")).to_string(), "3.00");
    }

    #[test]
    fn half_even_rounds_midpoints_to_even() {
        assert_eq!(Rounding::HalfEven.round(d("0.125")).to_string(), "0.12");
        assert_eq!(Rounding::HalfEven.round(d("0.135")).to_string(), "0.14");
        assert_eq!(Rounding::HalfEven.round(d("2.345")).to_string(), "2.34");
    }

    #[test]
    fn money_is_shown_with_two_decimals() {
        assert_eq!(format_money(d("12")), "12.00");
        assert_eq!(format_money(d("-0.001")), "0.00");
        assert_eq!(format_money(d("1234.5")), "1234.50");
        assert_eq!(format_rate(d("0.22")), "22%");
        assert_eq!(format_money_grouped(d("-1234567.8")), "-1,234,567.80");
        assert_eq!(format_money_grouped(d("999.5")), "999.50");
        assert_eq!(group_thousands("100000"), "100,000");
        assert_eq!(group_thousands("-1234567.80"), "-1,234,567.80");
        assert_eq!(group_thousands("123.4"), "123.4");
        assert_eq!(group_thousands("-0.50"), "-0.50");
        assert_eq!(group_thousands("1e5"), "1e5");
        assert_eq!(format_rate(d("0.0005")), "0.05%");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        assert_eq!(add(Decimal::MAX, Decimal::ONE), Err(Overflow));
        assert_eq!(mul(Decimal::MAX, Decimal::TWO), Err(Overflow));
    }
    /// Adds the amounts one by one as `Decimal`s and as a [`RunningSum`].
    fn both(amounts: &[&str]) -> (Decimal, Decimal) {
        let mut decimal = Decimal::ZERO;
        let mut running = RunningSum::default();
        for amount in amounts {
            decimal = add(decimal, d(amount)).unwrap();
            running.add(d(amount)).unwrap();
        }
        (decimal, running.total().unwrap())
    }

    #[test]
    fn a_running_sum_equals_the_decimal_sum_digit_for_digit() {
        for amounts in [
            &[][..],
            &["0.00", "0.00"],
            &["1.5", "2.25"],
            &["12.30", "-0.01", "7"],
            &["0.00000001", "3"],
            // Finer than eight decimals goes beside the integer part.
            &["0.000000001", "1.10", "-2.123456789012"],
            &["-40.41", "40.41"],
            &["99999999999999999999.99", "0.01"],
        ] {
            let (decimal, running) = both(amounts);
            assert_eq!(running, decimal, "{amounts:?}");
            assert_eq!(running.to_string(), decimal.to_string(), "{amounts:?}");
            assert_eq!(running.scale(), decimal.scale(), "{amounts:?}");
        }
    }

    #[test]
    fn a_running_sum_overflows_where_a_decimal_sum_does() {
        let max = Decimal::MAX;
        let mut running = RunningSum::default();
        running.add(max).unwrap();
        assert_eq!(running.add(d("1")), Err(Overflow));
        assert_eq!(
            running.total().unwrap(),
            max,
            "the failed add left the sum alone"
        );
        let mut merged = RunningSum::default();
        merged.add(d("1")).unwrap();
        assert_eq!(merged.merge(&running), Err(Overflow));
        let mut parts = RunningSum::default();
        parts.add(d("1.25")).unwrap();
        let mut other = RunningSum::default();
        other.add(d("-0.005")).unwrap();
        parts.merge(&other).unwrap();
        assert_eq!(parts.total().unwrap().to_string(), "1.245");
    }
}
