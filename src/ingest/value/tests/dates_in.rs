//! Dates and months as a billing format writes them: date orders, timestamps, zones,
//! ranges and billing-period starts.

use super::*;

#[test]
fn date_order_is_read_from_snake_case() {
    assert_eq!(DateOrder::default(), DateOrder::YearFirst);
    for (name, order) in [
        ("\"year_first\"", DateOrder::YearFirst),
        ("\"month_first\"", DateOrder::MonthFirst),
        ("\"day_first\"", DateOrder::DayFirst),
    ] {
        assert_eq!(serde_json::from_str::<DateOrder>(name).unwrap(), order);
    }
    assert!(serde_json::from_str::<DateOrder>("\"MonthFirst\"").is_err());
}

#[test]
fn dates_in_keep_every_form_parse_date_accepts() {
    let end = date(2025, 3, 31);
    let forms = "2025-03-31 | 2025/3/31 | 2025.3.31 | 2025年3月31日 | 20250331 | 45747 \
        | 2025-03-31 12:00:00 | 2025-03-31 12:00 | 2025-03-31T00:00:00Z \
        | 2025-03-31T08:00:00.123+08:00 | 2025/3/31 23:59:59 | 2025年3月31日 9:30";
    for order in ORDERS {
        for input in each(forms) {
            assert_eq!(parse_date_in(&text(input), order), Ok(end), "{input}");
        }
        for cell in [
            Cell::Date(end),
            Cell::Number(45747.0),
            Cell::Number(20250331.0),
        ] {
            assert_eq!(parse_date_in(&cell, order), Ok(end), "{cell}");
        }
        assert_eq!(parse_optional_date_in(&Cell::Empty, order), Ok(None));
        assert_eq!(parse_optional_date_in(&text("  "), order), Ok(None));
    }
}

#[test]
fn dates_in_read_the_year_last_form_of_the_format() {
    let month_first = "09/21/2023 => 2023-09-21 | 9/1/2023 => 2023-09-01 \
        | 09/21/2023 13:05:00 => 2023-09-21 | 9/21/2023 1:05:00 PM => 2023-09-21 \
        | 9/21/2023 12:30 am => 2023-09-21 | 12/31/2023 11:59 PM => 2023-12-31 \
        | 02/29/2024 => 2024-02-29";
    for (input, expected) in pairs(month_first) {
        let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
        assert_eq!(
            parse_date_in(&text(input), DateOrder::MonthFirst),
            expected,
            "{input}"
        );
    }
    let day_first = "21/09/2023 => 2023-09-21 | 1/9/2023 => 2023-09-01 \
        | 21/09/2023 13:05:00 => 2023-09-21 | 21/9/2023 1:05 PM => 2023-09-21";
    for (input, expected) in pairs(day_first) {
        let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
        assert_eq!(
            parse_date_in(&text(input), DateOrder::DayFirst),
            expected,
            "{input}"
        );
    }
    assert_eq!(
        parse_optional_date_in(&text("9/1/2023"), DateOrder::MonthFirst),
        Ok(Some(date(2023, 9, 1)))
    );
}

#[test]
fn dates_in_reject_ambiguous_and_out_of_range_year_last_dates() {
    // The same text is September 21 for Azure, an error for day-first formats, and
    // ambiguous (so an error) where the format has not said.
    let error = parse_date_in(&text("09/21/2023"), DateOrder::YearFirst).unwrap_err();
    assert_eq!(error.expected, DATE_YEAR_FIRST);
    assert!(!error.expected.contains("MM/DD/YYYY") && !error.expected.contains("DD/MM"));
    assert_eq!(error.found, "`09/21/2023`");
    let error = parse_date_in(&text("13/01/2023"), DateOrder::MonthFirst).unwrap_err();
    assert_eq!(error.expected, DATE_MONTH_FIRST);
    assert!(error.expected.contains("MM/DD/YYYY"));
    let error = parse_date_in(&text("09/21/2023"), DateOrder::DayFirst).unwrap_err();
    assert_eq!(error.expected, DATE_DAY_FIRST);
    assert!(error.expected.contains("DD/MM/YYYY"));
    let month_first_bad = "13/01/2023 | 02/30/2023 | 0/1/2023 | 9/0/2023 | 9/21/23 \
        | 9/21/0023 | 009/21/2023 | 9-21-2023 | 9.21.2023 | 9/21/2023 13:05:00 PM \
        | 9/21/2023 0:05 AM | 9/21/2023 25:00 | 9/21/2023 noon | 9/21 | 2023/21/9 | 21/2023";
    for input in each(month_first_bad) {
        assert_eq!(
            parse_date_in(&text(input), DateOrder::MonthFirst)
                .unwrap_err()
                .expected,
            DATE_MONTH_FIRST,
            "{input}"
        );
    }
    assert!(parse_date_in(&text("31/02/2023"), DateOrder::DayFirst).is_err());
    assert!(parse_date_in(&text("1/13/2023"), DateOrder::DayFirst).is_err());
}

#[test]
fn dates_in_read_zoned_timestamps_as_written() {
    let cases = "2020-08-23 22:00:00 GMT+08:00 => 2020-08-23 | 2024-09-01T00:00:00Z => 2024-09-01 \
        | 2024-09-01T00:00:00+08:00 => 2024-09-01 | 2024-09-01T00:00:00.000Z => 2024-09-01 \
        | 2020/07/02 08:36 => 2020-07-02 | 2024-09-01T23:30:00-05:00 => 2024-09-01 \
        | 2024-09-01 23:30:00 GMT-05:00 => 2024-09-01 | 2024-09-01 23:30 GMT+8 => 2024-09-01 \
        | 2024-09-01 23:30:00 UTC => 2024-09-01 | 2024-09-01 08:00:00+0800 => 2024-09-01 \
        | 2024-09-01 08:00:00 +08 => 2024-09-01";
    for order in ORDERS {
        for (input, expected) in pairs(cases) {
            let expected = Ok(NaiveDate::parse_from_str(expected, "%Y-%m-%d").unwrap());
            assert_eq!(parse_date_in(&text(input), order), expected, "{input}");
        }
    }
    let bad = "2020-08-23 22:00:00 GMT+08:xx | 2020-08-23 22:00:00 GMT+15:00 \
        | 2020-08-23 22:00:00 GMT+08:60 | 2020-08-23 22:00:00 CST | 2020-08-23 GMT+08:00 \
        | 2020-08-23 22:00:00 GMT+08:00 GMT | 2020-08-23 22:00:00 GMT+08:00Z | 2025-03-31 12:00:00+xx";
    for input in each(bad) {
        assert_eq!(
            parse_date_in(&text(input), DateOrder::YearFirst)
                .unwrap_err()
                .expected,
            DATE_YEAR_FIRST,
            "{input}"
        );
    }
}

#[test]
fn dates_in_read_a_usage_range_as_its_start() {
    let start = date(2020, 8, 23);
    let ranges = "2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00 \
        | 2020-08-23 22:00:00 GMT+08:00 - 2020-08-23 23:00:00 GMT+08:00 \
        | 2020-08-23 22:00:00 GMT+08:00~2020-08-23 23:00:00 GMT+08:00 \
        | 2020-08-23 22:00:00 至 2020-08-24 00:00:00 \
        | 2020-08-23 23:00:00 GMT+08:00-2020-08-24 00:00:00 GMT+08:00 \
        | 2020-08-23-2020-08-23 | 2020/8/23 ~ 2020/8/31 | 20200823-20200831 \
        | 2020-08-23 22:00:00-05:00-2020-08-23 23:00:00-05:00";
    for order in ORDERS {
        for input in each(ranges) {
            assert_eq!(parse_date_in(&text(input), order), Ok(start), "{input}");
        }
    }
    assert_eq!(
        parse_date_in(&text("08/23/2020 - 08/24/2020"), DateOrder::MonthFirst),
        Ok(start)
    );
    // The ends are compared as instants when both name their zone.
    assert_eq!(
        parse_date_in(
            &text("2020-08-23 22:00:00 GMT+08:00-2020-08-23 15:00:00 GMT+00:00"),
            DateOrder::YearFirst
        ),
        Ok(start)
    );
}

#[test]
fn dates_in_reject_reversed_and_half_ranges() {
    for input in [
        "2020-08-23 23:00:00 GMT+08:00-2020-08-23 22:00:00 GMT+08:00",
        "2020-08-24 至 2020-08-23",
        "2020-08-23 22:00:00 GMT+08:00-2020-08-23 13:00:00 GMT+00:00",
    ] {
        let error = parse_date_in(&text(input), DateOrder::YearFirst).unwrap_err();
        assert_eq!(error.expected, RANGE_ORDER, "{input}");
    }
    let bad = "2020-08-23 22:00:00 GMT+08:00- | -2020-08-23 | 2020-08-23 22:00:00 GMT+08:00-garbage \
        | 2020-08-23~2020-08-32 | 2020-08-23 -- 2020-08-24 | 2020-08-23 ~ 2020-08-24 ~ 2020-08-25 \
        | 45000-45001 | 2020-08 - 2020-09 | 08/23/2020 - 08/24/2020";
    for input in each(bad) {
        assert_eq!(
            parse_date_in(&text(input), DateOrder::YearFirst)
                .unwrap_err()
                .expected,
            DATE_YEAR_FIRST,
            "{input}"
        );
    }
}

#[test]
fn dates_in_read_excel_date_times() {
    // 45657 is 2024-12-31; .75 is 18:00.
    let evening = Cell::Number(45657.75);
    assert_eq!(
        parse_date_in(&evening, DateOrder::YearFirst),
        Ok(date(2024, 12, 31))
    );
    assert_eq!(
        parse_date_in(&Cell::Number(45657.999999999), DateOrder::YearFirst),
        Ok(date(2025, 1, 1))
    );
    // A fraction on a year (2025) or a month (202503) is no date-time.
    for number in [2025.5, 202503.5, 20250331.5, 0.5, -45657.5, 2958466.5] {
        assert!(
            parse_date_in(&Cell::Number(number), DateOrder::YearFirst).is_err(),
            "{number}"
        );
    }
}

#[test]
fn months_in_read_every_date_form() {
    let september = ym(2023, 9);
    for (cell, order) in [
        (text("2023-09"), DateOrder::YearFirst),
        (text("202309"), DateOrder::DayFirst),
        (Cell::Number(202309.0), DateOrder::MonthFirst),
        (text("2023年9月"), DateOrder::YearFirst),
        (text("09/21/2023"), DateOrder::MonthFirst),
        (text("9/21/2023 1:05:00 PM"), DateOrder::MonthFirst),
        (text("21/09/2023"), DateOrder::DayFirst),
        (text("2023-09-21 22:00:00 GMT+08:00"), DateOrder::YearFirst),
        (
            text("2023-09-21 22:00:00 GMT+08:00-2023-09-21 23:00:00 GMT+08:00"),
            DateOrder::YearFirst,
        ),
        (Cell::Date(date(2023, 9, 30)), DateOrder::YearFirst),
    ] {
        for period_start in [false, true] {
            assert_eq!(
                parse_month_in(&cell, order, period_start),
                Ok(september),
                "{cell}"
            );
        }
    }
    let error = parse_month_in(&text("09/21/2023"), DateOrder::YearFirst, false).unwrap_err();
    assert_eq!(error.expected, MONTH_YEAR_FIRST);
    let error = parse_month_in(&text("13/01/2023"), DateOrder::MonthFirst, true).unwrap_err();
    assert_eq!(error.expected, MONTH_MONTH_FIRST);
    assert!(error.expected.contains("MM/DD/YYYY"));
    let error = parse_month_in(&text("2023-13"), DateOrder::DayFirst, false).unwrap_err();
    assert_eq!(error.expected, MONTH_DAY_FIRST);
    let reversed = text("2023-10-01 至 2023-09-30");
    let error = parse_month_in(&reversed, DateOrder::YearFirst, true).unwrap_err();
    assert_eq!(error.expected, RANGE_ORDER);
    for input in each("2025 | 2025-Q1 | 03/2025 | 2025.03 | abc") {
        assert!(
            parse_month_in(&text(input), DateOrder::MonthFirst, true).is_err(),
            "{input}"
        );
    }
}

#[test]
fn period_starts_round_to_the_nearest_midnight() {
    // FOCUS writes China's January 2025 as starting at 16:00 UTC on December 31.
    let china_january = text("2024-12-31T16:00:00Z");
    assert_eq!(
        parse_month_in(&china_january, DateOrder::YearFirst, true),
        Ok(ym(2025, 1))
    );
    assert_eq!(
        parse_month_in(&china_january, DateOrder::YearFirst, false),
        Ok(ym(2024, 12))
    );
    let cases = "2024-09-01T00:00:00Z => 2024-09 | 2024-09-01 05:00:00 => 2024-09 \
        | 2024-08-31 19:00:00 => 2024-09 | 2024-09-30 11:59:59 => 2024-09 \
        | 2024-09-30 12:00:00 => 2024-10 | 2024-08-31T16:00:00.000Z => 2024-09 \
        | 2024-08-31 16:00:00 GMT+00:00 => 2024-09 | 08/31/2024 7:00 PM => 2024-09 \
        | 09/01/2024 5:00 AM => 2024-09 | 2024-08-31T16:00:00Z-2024-09-30T16:00:00Z => 2024-09";
    for (input, expected) in pairs(cases) {
        let month = parse_month_in(&text(input), DateOrder::MonthFirst, true).unwrap();
        assert_eq!(month.to_string(), expected, "{input}");
    }
    // An Excel date-time number: 45657.75 is 2024-12-31 18:00.
    let evening = Cell::Number(45657.75);
    assert_eq!(
        parse_month_in(&evening, DateOrder::YearFirst, true),
        Ok(ym(2025, 1))
    );
    assert_eq!(
        parse_month_in(&evening, DateOrder::YearFirst, false),
        Ok(ym(2024, 12))
    );
    // A date without a time is not moved.
    assert_eq!(
        parse_month_in(&text("2024-12-31"), DateOrder::YearFirst, true),
        Ok(ym(2024, 12))
    );
    assert!(parse_month_in(&Cell::Date(NaiveDate::MAX), DateOrder::YearFirst, true).is_ok());
}

#[test]
fn charge_times_move_with_their_period_start() {
    // China time written in UTC: the period starts 8 hours after the written instant's
    // date, and a charge at 2025-02-28T16:00:00Z is on 1 March local time.
    let (month, shift) =
        parse_period_start(&text("2025-02-28T16:00:00Z"), DateOrder::YearFirst).unwrap();
    assert_eq!(
        (month.to_string(), shift),
        ("2025-03".to_string(), 8 * 3600)
    );
    let charge =
        parse_optional_date_shifted(&text("2025-02-28T16:00:00Z"), DateOrder::YearFirst, shift)
            .unwrap();
    assert_eq!(charge, NaiveDate::from_ymd_opt(2025, 3, 1));
    // A US month written in UTC starts at 05:00: shift −5 h.
    let (month, shift) =
        parse_period_start(&text("2024-09-01 05:00:00"), DateOrder::YearFirst).unwrap();
    assert_eq!(
        (month.to_string(), shift),
        ("2024-09".to_string(), -5 * 3600)
    );
    let charge =
        parse_optional_date_shifted(&text("2024-09-01 03:00:00"), DateOrder::YearFirst, shift)
            .unwrap();
    assert_eq!(charge, NaiveDate::from_ymd_opt(2024, 8, 31));
    // Local midnight as written: no shift, dates as written.
    let (_, shift) = parse_period_start(&text("2024-09-01"), DateOrder::YearFirst).unwrap();
    assert_eq!(shift, 0);
}
