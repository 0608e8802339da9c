//! Year-first dates, months, period references and Excel serial dates.

use super::*;

#[test]
fn dates_in_every_documented_form() {
    let end = date(2025, 3, 31);
    let forms = "2025-03-31 | 2025/3/31 | 2025.3.31 | 2025年3月31日 | 20250331 | 45747 \
        | 2025-03-31 12:00:00 | 2025-03-31 12:00 | 2025-03-31T00:00:00Z \
        | 2025-03-31T08:00:00.123+08:00 | 2025/3/31 23:59:59 | 2025年3月31日 9:30";
    for input in each(forms) {
        assert_eq!(parse_date(&text(input)), Ok(end), "{input}");
    }
    assert_eq!(parse_date(&Cell::Date(end)), Ok(end));
    assert_eq!(parse_date(&Cell::Number(45747.0)), Ok(end));
    assert_eq!(parse_date(&Cell::Number(20250331.0)), Ok(end));
    assert_eq!(parse_optional_date(&Cell::Empty), Ok(None));
    assert_eq!(
        parse_optional_date(&text("2025-3-1")),
        Ok(Some(date(2025, 3, 1)))
    );
}

#[test]
fn dates_reject_invalid_and_ambiguous() {
    let bad = "2025-02-30 | 2025-13-01 | 31/03/2025 | 3/31/2025 | 2025-03 | 2025 | 202503 \
        | 2025-03-31 noon | 2025-03-31T25:00 | 2025-3/31 | 20250231 | 0025-03-31 | 45747.5 \
        | 2958466 | 0 | -1 | ２０２５-03-31 | 2025-03-31 12:00:00+xx | 2025年2月30日";
    for input in each(bad) {
        assert_eq!(
            parse_date(&text(input)).unwrap_err().expected,
            DATE,
            "{input}"
        );
    }
    for cell in [Cell::Number(45747.5), Cell::Number(60.0), Cell::Bool(true)] {
        assert!(parse_date(&cell).is_err(), "{cell}");
    }
}

#[test]
fn excel_serials_follow_the_1900_system() {
    assert_eq!(excel_serial_to_date(1.0), Some(date(1900, 1, 1)));
    assert_eq!(excel_serial_to_date(59.0), Some(date(1900, 2, 28)));
    assert_eq!(excel_serial_to_date(60.0), None);
    assert_eq!(excel_serial_to_date(61.0), Some(date(1900, 3, 1)));
    assert_eq!(excel_serial_to_date(45658.75), Some(date(2025, 1, 1)));
    assert_eq!(excel_serial_to_date(2958465.0), Some(date(9999, 12, 31)));
    for serial in [0.0, 0.5, -1.0, 2958466.0, f64::NAN, f64::INFINITY] {
        assert_eq!(excel_serial_to_date(serial), None, "{serial}");
    }
}

#[test]
fn months() {
    let march = ym(2025, 3);
    let forms = "2025-03 | 2025/03 | 2025/3 | 2025-3 | 202503 | 2025年3月 | 2025年03月 \
        | 2025-03-31 | 2025年3月1日 | 45747";
    for input in each(forms) {
        assert_eq!(parse_month(&text(input)), Ok(march), "{input}");
    }
    assert_eq!(parse_month(&Cell::Number(202503.0)), Ok(march));
    assert_eq!(parse_month(&Cell::Date(date(2025, 3, 9))), Ok(march));
    for input in each("2025-13 | 202500 | 2025 | 2025.03 | 03/2025 | 2025-Q1 | 2025年") {
        assert_eq!(
            parse_month(&text(input)).unwrap_err().expected,
            MONTH,
            "{input}"
        );
    }
    assert_eq!(march.to_string(), "2025-03");
    assert_eq!(
        (march.first_day(), march.last_day()),
        (date(2025, 3, 1), date(2025, 3, 31))
    );
    assert_eq!(ym(2024, 2).last_day(), date(2024, 2, 29));
    assert_eq!(ym(2025, 12).last_day(), date(2025, 12, 31));
    assert_eq!(
        (YearMonth::new(2025, 13), YearMonth::new(2025, 0)),
        (None, None)
    );
    assert!(ym(2024, 12) < march);
}

#[test]
fn period_references() {
    let q1 = PeriodRef::Quarter {
        year: 2025,
        quarter: 1,
    };
    for input in
        each("2025-Q1 | 2025Q1 | 2025 Q1 | 2025-q1 | 2025年第1季度 | 2025年第一季度 | 2025年Q1")
    {
        assert_eq!(parse_period_ref(&text(input)), Ok(q1), "{input}");
    }
    let (year, march, day) = (2025, PeriodRef::Month(ym(2025, 3)), date(2025, 3, 31));
    for (cell, expected) in [
        (text("2025"), PeriodRef::Year(year)),
        (text("2025年"), PeriodRef::Year(year)),
        (Cell::Number(2025.0), PeriodRef::Year(year)),
        (text("2025-03"), march),
        (Cell::Number(202503.0), march),
        (text("2025-03-31"), PeriodRef::Date(day)),
        (Cell::Number(45747.0), PeriodRef::Date(day)),
        (Cell::Date(day), PeriodRef::Date(day)),
    ] {
        assert_eq!(parse_period_ref(&cell), Ok(expected), "{cell}");
    }
    for input in each("2025-Q5 | 2025Q | Q1 | 2025年第5季度 | 1899 | 2025H1 | FY2025 | 2025-") {
        assert_eq!(
            parse_period_ref(&text(input)).unwrap_err().expected,
            PERIOD,
            "{input}"
        );
    }
    let spans = [
        (
            PeriodRef::Quarter {
                year: 2024,
                quarter: 4,
            },
            date(2024, 10, 1),
            date(2024, 12, 31),
        ),
        (q1, date(2025, 1, 1), date(2025, 3, 31)),
        (PeriodRef::Year(2025), date(2025, 1, 1), date(2025, 12, 31)),
        (
            PeriodRef::Month(ym(2025, 2)),
            date(2025, 2, 1),
            date(2025, 2, 28),
        ),
        (PeriodRef::Date(day), day, day),
    ];
    for (period, first, last) in spans {
        assert_eq!(
            (period.first_day(), period.last_day()),
            (first, last),
            "{period}"
        );
    }
    let shown = [march, q1, PeriodRef::Year(year), PeriodRef::Date(day)].map(|p| p.to_string());
    assert_eq!(shown, ["2025-03", "2025-Q1", "2025", "2025-03-31"]);
}
