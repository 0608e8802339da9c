//! The billing hot path's dates and months, `YYYY-MM-DD` and `YYYY-MM`, read straight from
//! the bytes; anything else goes through the full parsers.

use crate::domain::period::YearMonth;
use chrono::NaiveDate;

/// `YYYY-MM-DD`, the common date of the billing hot path, read straight from the bytes;
/// optionally followed by a time ` HH:MM:SS` (or `THH:MM:SS`) that is checked and dropped.
/// Anything else is `None` and goes through the full parser.
pub(crate) fn iso_date(bytes: &[u8]) -> Option<NaiveDate> {
    let digit = |index: usize| -> Option<u32> {
        bytes
            .get(index)
            .filter(|byte| byte.is_ascii_digit())
            .map(|byte| u32::from(byte - b'0'))
    };
    let date_part = bytes.get(..10)?;
    if date_part[4] != b'-' || date_part[7] != b'-' {
        return None;
    }
    match bytes.len() {
        10 => {}
        19 if matches!(bytes[10], b' ' | b'T')
            && bytes[13] == b':'
            && bytes[16] == b':'
            && [11, 12, 14, 15, 17, 18]
                .iter()
                .all(|index| bytes[*index].is_ascii_digit())
            && (u32::from(bytes[11] - b'0') * 10 + u32::from(bytes[12] - b'0')) < 24
            && bytes[14] < b'6'
            && bytes[17] < b'6' => {}
        _ => return None,
    }
    let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
    if !(1900..=9999).contains(&year) {
        return None;
    }
    let month = digit(5)? * 10 + digit(6)?;
    let day = digit(8)? * 10 + digit(9)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// `YYYY-MM`, the common billing month, read straight from the bytes.
pub(crate) fn iso_month(bytes: &[u8]) -> Option<YearMonth> {
    if bytes.len() != 7 || bytes[4] != b'-' {
        return None;
    }
    let mut year = 0u32;
    for byte in &bytes[..4] {
        if !byte.is_ascii_digit() {
            return None;
        }
        year = year * 10 + u32::from(byte - b'0');
    }
    if !(1900..=9999).contains(&year) || !bytes[5].is_ascii_digit() || !bytes[6].is_ascii_digit() {
        return None;
    }
    let month = u32::from(bytes[5] - b'0') * 10 + u32::from(bytes[6] - b'0');
    YearMonth::new(i32::try_from(year).ok()?, month)
}
