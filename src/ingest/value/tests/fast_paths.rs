//! The billing hot path's parsers against the full ones.

use super::*;

#[test]
fn the_fast_paths_agree_with_the_full_parsers() {
    // Every form the byte-level fast paths take must read exactly as the full parsers
    // read it, and anything they decline must still be read (or refused) by those.
    for text in [
        "0",
        "-0",
        "12",
        "-12.5",
        "1234.50",
        "0.00000001",
        "123456789012345678",
        "1.",
        ".5",
        "-",
        "1-2",
        "12a",
        "1234567890123456789",
        "00012.10",
        "-0.00",
        "9999999999999999999",
        "-9999999999999999999",
        "99999999999999999999",
        "4294967296.5",
        "-.5",
        "1.2.3",
        "",
    ] {
        let fast = plain_amount(text.as_bytes());
        let full = money_from_text(text);
        if let Some(fast) = fast {
            // Same value and same decimals (`1234.50` stays two decimals), never `-0`.
            let full = full.unwrap_or_else(|| panic!("{text}: full parser refuses"));
            assert_eq!(fast.to_string(), full.to_string(), "{text}");
            assert_eq!(fast.scale(), full.scale(), "{text}");
            assert!(!(fast.is_zero() && fast.is_sign_negative()), "{text}");
        }
    }
    assert_eq!(
        plain_amount(b"9999999999999999999").map(|value| value.to_string()),
        Some("9999999999999999999".to_string())
    );
    assert_eq!(
        plain_amount(b"-0.00").map(|value| value.to_string()),
        Some("0.00".to_string())
    );
    for text in [
        "2025-03-31",
        "2025-02-29",
        "2024-02-29",
        "1899-12-31",
        "2025-03-31 23:59:59",
        "2025-03-31T00:00:00",
        "2025-03-31 24:00:00",
        "2025-13-01",
        "2025-3-1",
    ] {
        let fast = iso_date(text.as_bytes());
        if let Some(date) = fast {
            assert_eq!(
                parse_date_in(&self::text(text), DateOrder::YearFirst).ok(),
                Some(date),
                "{text}"
            );
            assert_eq!(
                moment_of(&self::text(text), DateOrder::YearFirst)
                    .map(|m| m.date)
                    .ok(),
                Some(date),
                "{text}"
            );
        }
    }
    assert_eq!(iso_date(b"2025-02-29"), None);
    assert_eq!(iso_date(b"2025-03-31 24:00:00"), None);
    for text in ["2025-03", "1899-03", "2025-13", "2025-00", "2025/03"] {
        if let Some(month) = iso_month(text.as_bytes()) {
            assert_eq!(
                period_of(&self::text(text)),
                Some(PeriodRef::Month(month)),
                "{text}"
            );
        }
    }
    assert_eq!(iso_month(b"2025-13"), None);
}

/// The word of `text` as [`plain_amount_word`] takes it (its first 16 bytes).
fn word_of(text: &[u8]) -> (u128, usize) {
    let mut bytes = [0u8; 16];
    let length = text.len().min(16);
    bytes[..length].copy_from_slice(&text[..length]);
    (u128::from_le_bytes(bytes), text.len())
}

#[test]
fn the_word_amount_parser_reads_what_the_byte_parser_reads() {
    let parse = |text: &[u8]| {
        let (word, length) = word_of(text);
        plain_amount_word(word, length).map(|value| (value.to_string(), value.scale()))
    };
    let byte_parse =
        |text: &[u8]| plain_amount(text).map(|value| (value.to_string(), value.scale()));
    // Worked examples: the value and its decimals, never `-0`.
    assert_eq!(parse(b"48.92"), Some(("48.92".into(), 2)));
    assert_eq!(parse(b"-0.00"), Some(("0.00".into(), 2)));
    assert_eq!(
        parse(b"1234567890123456"),
        Some(("1234567890123456".into(), 0))
    );
    assert_eq!(parse(b"-0.00000001"), Some(("-0.00000001".into(), 8)));
    assert_eq!(parse(b"12345678901234567"), None, "longer than 16 bytes");
    for text in [
        &b""[..],
        b"-",
        b".5",
        b"5.",
        b"-.5",
        b"1.2.3",
        b"1-2",
        b"12a",
        b" 12",
        b"12 ",
        b"1,234.50",
        b"\x0012",
        b"12\x00",
        b"--5",
        b"+5",
        b"1e5",
        b"\xE8\xAE\xA1",
        b"0",
        b"-0",
        b"007.10",
        b"9999999999999999",
        b"-9999999999999.9",
    ] {
        assert_eq!(
            parse(text),
            byte_parse(text),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }
    // Every length and every place of the point, signs, and bytes next to the digits
    // in ASCII ('/' and ':' border '0'-'9').
    let alphabet = b"0123456789.-/: a\x80\xff";
    let mut state = 0x853C_49E6_748F_EA9Bu64;
    for _ in 0..300_000 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let length = (state >> 59) as usize % 18;
        let mut text = Vec::with_capacity(length);
        let mut bits = state;
        for _ in 0..length {
            bits = bits.rotate_left(7).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            // Mostly digits, so valid amounts are common.
            let pick = (bits >> 58) as usize;
            text.push(if pick < 40 {
                b'0' + (pick % 10) as u8
            } else {
                alphabet[pick % alphabet.len()]
            });
        }
        let expected = if length <= 16 {
            byte_parse(&text)
        } else {
            None
        };
        assert_eq!(
            parse(&text),
            expected,
            "{:?}",
            String::from_utf8_lossy(&text)
        );
    }
}
