//! Rates and portions.

use super::*;

#[test]
fn rates_are_fractions() {
    let cases = "22% => 0.22 | 22 % => 0.22 | 0.05% => 0.0005 | 6％ => 0.06 | 0.22 => 0.22 \
        | 1 => 1 | 0 => 0 | 万分之五 => 0.0005 | 万分之5 => 0.0005 | 千分之三 => 0.003 \
        | 千分之十 => 0.010 | 万分之2.5 => 0.00025";
    for (input, expected) in pairs(cases) {
        assert_eq!(
            parse_rate(&text(input), false),
            Ok(dec(expected)),
            "{input}"
        );
    }
    assert_eq!(parse_rate(&Cell::Number(0.4), false), Ok(dec("0.4")));
    assert_eq!(parse_rate(&text("22pt"), true), Ok(dec("0.22")));
    assert_eq!(parse_rate(&text("22 PT"), true), Ok(dec("0.22")));
}

#[test]
fn rates_reject_ambiguous_negative_and_points() {
    // A plain number above 1 could be a percentage or a fraction: both are offered.
    assert_eq!(
        parse_rate(&text("15"), true).unwrap_err().to_string(),
        "expected a rate written as a percentage or a fraction, `15%` or `0.15`, found `15`"
    );
    assert_eq!(
        parse_rate(&Cell::Number(22.5), false).unwrap_err().expected,
        ambiguous(dec("22.5"))
    );
    assert_eq!(
        ambiguous(dec("22.5")),
        "a rate written as a percentage or a fraction, `22.5%` or `0.225`"
    );
    assert_eq!(
        parse_rate(&text("22pt"), false).unwrap_err().expected,
        NO_POINTS
    );
    assert_eq!(
        parse_rate(&text("-5%"), false).unwrap_err().expected,
        NEGATIVE_RATE
    );
    assert_eq!(
        parse_rate(&Cell::Number(-0.1), false).unwrap_err().expected,
        NEGATIVE_RATE
    );
    for input in each(" | % | 5%% | abc | 万分之 | 万分之十一 | 万分之-5 | 1,000% | pt | 1e-2")
    {
        assert_eq!(
            parse_rate(&text(input), true).unwrap_err().expected,
            RATE_OR_POINTS
        );
    }
    assert_eq!(
        parse_rate(&Cell::Bool(false), false).unwrap_err().expected,
        RATE
    );
    assert!(parse_rate(&Cell::Error("#N/A".into()), false).is_err());
}

#[test]
fn portions() {
    assert_eq!(
        parse_portion(&text("40%")),
        Ok(Portion::Percent(dec("0.40")))
    );
    assert_eq!(
        parse_portion(&text("0.4")),
        Ok(Portion::Percent(dec("0.4")))
    );
    assert_eq!(
        parse_portion(&Cell::Number(0.4)),
        Ok(Portion::Percent(dec("0.4")))
    );
    assert_eq!(
        parse_portion(&text("100%")),
        Ok(Portion::Percent(Decimal::ONE))
    );
    assert_eq!(
        parse_portion(&text("10pt")),
        Ok(Portion::Points(dec("0.10")))
    );
    for input in each("rest | REST |  Rest  | 剩余 | 余额") {
        assert_eq!(parse_portion(&text(input)), Ok(Portion::Rest), "{input}");
    }
    for input in each("0% | 120% | 40 | -10%") {
        assert_eq!(
            parse_portion(&text(input)).unwrap_err().expected,
            PORTION_RANGE
        );
    }
    assert_eq!(
        parse_portion(&text("0pt")).unwrap_err().expected,
        POINTS_RANGE
    );
    assert_eq!(
        parse_portion(&text("remainder")).unwrap_err().expected,
        PORTION
    );
    assert!(parse_portion(&Cell::Empty).is_err());
}
