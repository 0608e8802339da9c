use super::{day, money};
use crate::domain::money::group_thousands;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// The old text: `Decimal`'s `Display` after rounding, as `format_money` wrote it.
fn old_money(amount: Decimal) -> String {
    let mut shown = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    shown.rescale(2);
    if shown.is_zero() {
        return "0.00".to_string();
    }
    shown.to_string()
}

/// Amounts of every size and scale: zero, cents, half cents, thousands, 64-bit and
/// 96-bit edges, negatives.
fn amounts() -> Vec<Decimal> {
    let mut amounts = vec![
        Decimal::ZERO,
        Decimal::MAX,
        Decimal::MIN,
        Decimal::new(-1, 28),
        Decimal::new(5, 3),
        Decimal::new(-5, 3),
        Decimal::new(4, 3),
        Decimal::new(-4, 3),
        Decimal::from_i128_with_scale(i128::from(u64::MAX), 2),
        Decimal::from_i128_with_scale(i128::from(u64::MAX) + 1, 2),
        Decimal::from_i128_with_scale(-i128::from(u64::MAX) - 7, 2),
        Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 0),
        Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 1),
        Decimal::from_i128_with_scale(79_228_162_514_264_337_593_543_950_335, 3),
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let digits = (seed % 20) as u32;
        let scale = ((seed >> 8) % 9) as u32;
        let mantissa = i128::from(seed >> 20) % 10_i128.pow(digits.max(1));
        let mantissa = if seed & 1 == 1 { -mantissa } else { mantissa };
        amounts.push(Decimal::from_i128_with_scale(mantissa, scale));
    }
    amounts
}

#[test]
fn money_is_the_display_text_byte_for_byte() {
    for amount in amounts() {
        let old = old_money(amount);
        assert_eq!(money(amount, false).as_str(), old, "{amount:?}");
        assert_eq!(
            money(amount, true).as_str(),
            group_thousands(&old),
            "{amount:?}"
        );
    }
    // A worked table.
    for (amount, plain, grouped) in [
        ("0", "0.00", "0.00"),
        ("-0.004", "0.00", "0.00"),
        ("-0.005", "-0.01", "-0.01"),
        ("0.125", "0.13", "0.13"),
        ("999.995", "1000.00", "1,000.00"),
        ("-1234567.8", "-1234567.80", "-1,234,567.80"),
        ("100", "100.00", "100.00"),
    ] {
        let amount: Decimal = amount.parse().unwrap();
        assert_eq!(money(amount, false).as_str(), plain);
        assert_eq!(money(amount, true).as_str(), grouped);
        assert_eq!(
            format!("{:>12}", money(amount, false)),
            format!("{plain:>12}")
        );
    }
}

#[test]
fn a_day_is_the_display_text_byte_for_byte() {
    let mut date = NaiveDate::from_ymd_opt(-3, 1, 1).unwrap();
    while date < NaiveDate::from_ymd_opt(12, 12, 31).unwrap() {
        assert_eq!(day(date).as_str(), date.to_string());
        date = date.succ_opt().unwrap();
    }
    for date in [
        NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
        NaiveDate::MIN,
        NaiveDate::MAX,
    ] {
        assert_eq!(day(date).as_str(), date.to_string());
    }
    assert_eq!(
        day(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).as_str(),
        "2026-06-30"
    );
}

#[test]
fn a_shown_text_reads_the_same_every_way_it_is_asked_for() {
    let amount = Decimal::new(123_456_789, 2);
    let shown = money(amount, true);
    let text: &str = &shown;
    assert_eq!(text, "1,234,567.89");
    assert_eq!(AsRef::<str>::as_ref(&shown), "1,234,567.89");
    assert_eq!(AsRef::<[u8]>::as_ref(&shown), b"1,234,567.89");
    assert_eq!(format!("{shown:?}"), "\"1,234,567.89\"");
    assert_eq!(shown, money(amount, true));
    assert_ne!(shown, money(amount, false));
    assert_eq!(serde_json::to_string(&shown).unwrap(), "\"1,234,567.89\"");
}
