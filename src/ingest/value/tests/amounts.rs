//! Money, plain decimals and whole numbers.

use super::*;

#[test]
fn float_money_cells_lose_binary_noise_but_keep_real_decimals() {
    assert_eq!(
        parse_money(&Cell::Number(0.1 + 0.2)).unwrap().to_string(),
        "0.3"
    );
    assert_eq!(
        parse_money(&Cell::Number(19.99)).unwrap().to_string(),
        "19.99"
    );
    assert_eq!(
        parse_money(&Cell::Number(12.34567891)).unwrap().to_string(),
        "12.34567891"
    );
    assert_eq!(
        parse_money(&Cell::Number(12.345600000000001))
            .unwrap()
            .to_string(),
        "12.3456"
    );
}

#[test]
fn money_accepts_documented_forms() {
    let cases = "1234.5 => 1234.5 | 1,234.50 => 1234.50 | ¥1,234.50 => 1234.50 \
        | ￥1,234.50 => 1234.50 | $1,234,567.00 => 1234567.00 | (1,234.50) => -1234.50 \
        | (¥1,234.50) => -1234.50 | -1234.5 => -1234.5 | -¥1,234.50 => -1234.50 \
        | ¥-1,234.50 => -1234.50 | 0.12345678 => 0.12345678 | -0.00 => 0.00";
    for (input, expected) in pairs(cases) {
        assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
    }
    assert_eq!(
        parse_money(&text(" ¥1,234.50 ")).unwrap().to_string(),
        "1234.50"
    );
    assert_eq!(parse_money(&Cell::Number(19.99)), Ok(dec("19.99")));
    assert_eq!(parse_money(&Cell::Number(-3.0)), Ok(dec("-3")));
}

#[test]
fn money_rejects_everything_else() {
    let bad = "1,23.4 | 1234,567 | 1,2345 | ,123 | 0,123 | 1 234 | 12 USD | --1 | (-1) \
        | -(1) | -¥-1 | ¥ | () | 1. | .5 | 1.2.3 | 1.2,3 | 12元 | +5 | abc \
        | 99999999999999999999999999999999";
    for input in each(bad) {
        assert!(parse_money(&text(input)).is_err(), "{input}");
    }
    let error = parse_money(&Cell::Error("#DIV/0!".into())).unwrap_err();
    assert_eq!(error.expected, MONEY);
    assert_eq!(error.found, "error cell `#DIV/0!`");
    assert_eq!(parse_money(&Cell::Empty).unwrap_err().found, "(empty)");
    assert_eq!(parse_money(&text("  ")).unwrap_err().found, "(empty)");
    assert!(parse_money(&Cell::Bool(true)).is_err());
    assert!(parse_money(&Cell::Number(f64::NAN)).is_err());
    let message = parse_money(&text("abc")).unwrap_err().to_string();
    assert_eq!(
        message,
        "expected an amount such as 1,234.50 or (1,234.50), found `abc`"
    );
}

#[test]
fn money_reads_excel_display_forms() {
    let cases = "¥ 1,234.50 => 1234.50 | -¥ 1,234.50 => -1234.50 | (¥ 1,234.50) => -1234.50 \
        | ¥ -1,234.50 => -1234.50 | $ (1,234.50) => -1234.50 | ￥ 12 => 12 \
        | US$1,234.50 => 1234.50 | US$ 1,234.50 => 1234.50 | RMB 1,234.50 => 1234.50 \
        | CNY1,234.50 => 1234.50 | USD 12 => 12 | CNY 12 => 12 | －1,234.50 => -1234.50 \
        | −1,234.50 => -1234.50 | ¥－12 => -12 | (¥ 12) => -12 | ¥ 12 => 12";
    for (input, expected) in pairs(cases) {
        assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
    }
    let spaced = "\u{a0}¥\u{a0}1,234.50\u{a0} ";
    assert_eq!(parse_money(&text(spaced)), Ok(dec("1234.50")));
    assert_eq!(
        parse_optional_money(&text(" ¥ 1,234.50 ")),
        Ok(Some(dec("1234.50")))
    );
}

#[test]
fn money_reads_the_accounting_zero_but_not_a_bare_dash() {
    for input in [
        "¥ -",
        "¥-",
        " ¥ -   ",
        "$ -",
        "CNY -",
        "\u{a0}￥\u{a0}-\u{a0}",
    ] {
        let zero = parse_money(&text(input)).unwrap();
        assert_eq!(
            (zero, zero.to_string()),
            (Decimal::ZERO, "0".into()),
            "{input}"
        );
    }
    for input in [
        "-", " - ", "－", "−", "-¥ -", "(¥ -)", "¥ --", "¥ - 1", "¥ -)",
    ] {
        let error = parse_money(&text(input)).unwrap_err();
        assert_eq!(error.expected, MONEY, "{input}");
    }
    assert!(parse_optional_money(&text("-")).is_err());
}

#[test]
fn money_keeps_every_digit() {
    for input in [
        "12.34000000",
        "0.00000001",
        "1234567890123456789012345678",
        "12345678901234567890.12345678",
        "¥ 1,234,567,890,123,456,789,012.345678",
    ] {
        let expected = input.trim_start_matches("¥ ").replace(',', "");
        assert_eq!(parse_money(&text(input)).unwrap().to_string(), expected);
    }
}

#[test]
fn money_reads_scientific_notation_exactly() {
    let cases = "1.5E3 => 1500 | -2.5e-3 => -0.0025 | 1e3 => 1000 | 1.2E+05 => 120000 \
        | 1.50E1 => 15.0 | 0E0 => 0 | -0e5 => 0 | 123.456e-2 => 1.23456 \
        | 1.5E27 => 1500000000000000000000000000";
    for (input, expected) in pairs(cases) {
        assert_eq!(parse_money(&text(input)), Ok(dec(expected)), "{input}");
    }
    assert_eq!(parse_money(&text("1.5E3")).unwrap().to_string(), "1500");
}

#[test]
fn money_rejects_malformed_excel_and_scientific_forms() {
    let bad = "¥ 1,2345.00 | 1,234.50- | ¥ 12- | - ¥ 12 | ¥ ¥ 12 | usd 12 | EUR 12 | HK$12 \
        | 12 CNY | ¥ 1 234 | (¥ -12) | (−12) | -$ (1) | ( ¥ 12) | 1,500E3 | .5E3 | 1.E3 | 1.5E | E3 \
        | 1.5E3.2 | 1.5E 3 | 1.5 E3 | ¥1.5E3 | (1.5E3) | 1.5E99 | 1.5e-30 | 1.5E1000 | --1e3 \
        | 1e--3 | 1e+-3 | 1.5e3e3 | 99999999999999999999999999999e0";
    for input in each(bad) {
        assert_eq!(
            parse_money(&text(input)).unwrap_err().expected,
            MONEY,
            "{input}"
        );
    }
}

#[test]
fn optional_money_and_plain_decimals() {
    assert_eq!(parse_optional_money(&Cell::Empty), Ok(None));
    assert_eq!(parse_optional_money(&text(" ")), Ok(None));
    assert_eq!(parse_optional_money(&text("(5)")), Ok(Some(dec("-5"))));
    assert!(parse_optional_money(&text("x")).is_err());
    for (input, expected) in pairs("1.2 => 1.2 | 0 => 0 | -0.5 => -0.5 | 007 => 7") {
        assert_eq!(parse_decimal(&text(input)), Ok(dec(expected)), "{input}");
    }
    assert_eq!(parse_decimal(&Cell::Number(0.7)), Ok(dec("0.7")));
    for input in each("1,000 | ¥1 | 1e3 | (1) | 50% | ") {
        assert_eq!(parse_decimal(&text(input)).unwrap_err().expected, NUMBER);
    }
}

#[test]
fn whole_numbers() {
    for (input, expected) in [("30", 30), ("30.0", 30), ("-2", -2), ("0", 0)] {
        assert_eq!(parse_whole_number(&text(input)), Ok(expected));
    }
    assert_eq!(parse_whole_number(&Cell::Number(30.0)), Ok(30));
    let big = text("99999999999999999999");
    for cell in [
        text("30.5"),
        Cell::Number(30.5),
        Cell::Empty,
        text("1e3"),
        big,
    ] {
        assert_eq!(
            parse_whole_number(&cell).unwrap_err().expected,
            WHOLE,
            "{cell}"
        );
    }
    assert!(parse_whole_number(&Cell::Number(1e20)).is_err());
}
