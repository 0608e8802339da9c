//! The billing hot path's amounts: `-1234.50` and its like read straight from the bytes,
//! and from a field's first 16 bytes as one word, without a branch per byte. This
//! hand-written word-at-a-time parser is kept because the benchmark showed it pays:
//! branch mispredictions were most of the byte loop's cost (docs/BENCHMARK.md).

use rust_decimal::Decimal;

/// The common case of the billing hot path, read straight from the bytes: an optional `-`,
/// up to 18 digits in all, an optional `.` with at least one digit after it. Anything else
/// (separators, symbols, parentheses, exponents, more digits) is `None` and goes through
/// the full parser, which accepts exactly the same values for these forms.
pub(crate) fn plain_amount(bytes: &[u8]) -> Option<Decimal> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    // At most 19 digits: below 10^19 < 2^64, so the digits add up without overflow.
    if digits.is_empty() || digits.len() > 19 || digits[0] == b'.' {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut dot: Option<usize> = None;
    for (index, &byte) in digits.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + u64::from(digit);
        } else if byte == b'.' && dot.is_none() {
            dot = Some(index);
        } else {
            return None;
        }
    }
    let scale = match dot {
        None => 0,
        // `12.` has no decimals after its point: the full parser decides.
        Some(index) if index + 1 == digits.len() => return None,
        Some(index) => (digits.len() - index - 1) as u32,
    };
    // Never `-0`: a zero is positive, whatever its sign in the file.
    let negative = negative && mantissa != 0;
    Some(Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        0,
        negative,
        scale,
    ))
}

/// [`plain_amount`] of a value of at most 16 bytes (sign included) given as a little-endian
/// word (its first byte lowest, the bytes past `length` zero), without a branch per byte:
/// the amounts of a billing line differ in length and in where their point is, which a
/// byte loop pays for in mispredicted branches. The same forms give the same value and
/// scale (tested against [`plain_amount`]); `None` for anything else, longer values
/// included. Values of up to 8 bytes, the usual ones, are read in 64-bit arithmetic.
#[inline(always)]
pub(crate) fn plain_amount_word(word: u128, length: usize) -> Option<Decimal> {
    if length <= 8 {
        plain_amount_u64(word as u64, length)
    } else {
        plain_amount_u128(word, length)
    }
}

/// Eight digit values (0-9), the first in the lowest byte, as one number: pairs, then
/// fours, then all eight combined by one multiplication each (what a product carries past
/// the top of the word is not needed, hence the wrapping).
#[inline(always)]
fn eight_digits(mut value: u64) -> u64 {
    value = value.wrapping_mul(2561) >> 8;
    value = (value & 0x00FF_00FF_00FF_00FF).wrapping_mul(6_553_601) >> 16;
    (value & 0x0000_FFFF_0000_FFFF).wrapping_mul(42_949_672_960_001) >> 32
}

/// The word arithmetic of [`plain_amount_word`] for one word type: `$ty` holds `$bytes`
/// bytes; `$digits` turns the right-aligned digit values into the mantissa.
macro_rules! plain_amount_in {
    ($name:ident, $ty:ty, $bytes:expr, $digits:expr) => {
        #[inline(always)]
        fn $name(word: $ty, length: usize) -> Option<Decimal> {
            const ONES: $ty = <$ty>::MAX / 0xFF;
            const HIGH: $ty = ONES * 0x80;
            const LOW: $ty = ONES * 0x7F;
            if length > $bytes {
                return None;
            }
            let negative = word as u8 == b'-';
            let (word, length) = if negative {
                (word >> 8, length.checked_sub(1)?)
            } else {
                (word, length)
            };
            if length == 0 {
                return None;
            }
            let bytes_below = |count: usize| -> $ty {
                if count >= $bytes {
                    <$ty>::MAX
                } else {
                    ((1 as $ty) << (8 * count)) - 1
                }
            };
            let valid = bytes_below(length);
            let word = word & valid;
            // 0x80 in every byte that is a `.` (an exact zero-byte test of word ^ "....").
            let dotted = word ^ (ONES * <$ty>::from(b'.'));
            let dots = !(((dotted & LOW) + LOW) | dotted | LOW) & valid;
            if dots & dots.wrapping_sub(1) != 0 {
                return None;
            }
            let point = if dots == 0 {
                length
            } else {
                (dots.trailing_zeros() / 8) as usize
            };
            // `.5` and `5.` are for the full parser.
            if point == 0 || (dots != 0 && point + 1 == length) {
                return None;
            }
            // The digits without the point, then each byte's digit value, checked 0-9.
            let below = bytes_below(point);
            let digits = (word & below) | ((word >> 8) & !below);
            let count = length - usize::from(dots != 0);
            let in_count = bytes_below(count);
            let values = (digits ^ (ONES * <$ty>::from(b'0'))) & in_count;
            // A byte above 9 reaches 0x80 once 0x76 is added (a carry out of a byte only
            // comes from one with its high bit already set).
            if (values | values.wrapping_add(ONES * 0x76)) & HIGH & in_count != 0 {
                return None;
            }
            // Right-aligned (leading zeros first), then combined.
            let aligned = values << (8 * ($bytes - count));
            let mantissa: u64 = $digits(aligned);
            let scale = if dots == 0 { 0 } else { length - point - 1 };
            // Never `-0`: a zero is positive, whatever its sign in the file.
            Some(Decimal::from_parts(
                mantissa as u32,
                (mantissa >> 32) as u32,
                0,
                negative && mantissa != 0,
                scale as u32,
            ))
        }
    };
}

plain_amount_in!(plain_amount_u64, u64, 8, eight_digits);
plain_amount_in!(plain_amount_u128, u128, 16, |aligned: u128| {
    eight_digits(aligned as u64) * 100_000_000 + eight_digits((aligned >> 64) as u64)
});
