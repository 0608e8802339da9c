//! The value conversion of [`cell_of`], one five-row table per kind of column, and the
//! footer checks on bytes that are not a whole Parquet file.

use super::*;
use parquet::data_type::ByteArray;

fn plain() -> Column {
    Column::PLAIN
}

fn stamped(unit: Unit, utc: bool) -> Column {
    Column {
        name: "t".into(),
        timestamp: Some((unit, utc)),
    }
}

#[test]
fn decimals_become_their_exact_text_whatever_their_storage() {
    let table = [
        (Decimal::from_i32(123_400, 9, 4), "12.3400"),
        (Decimal::from_i32(-5, 9, 4), "-0.0005"),
        (
            Decimal::from_i64(-123_456_789_012_345_678, 18, 10),
            "-12345678.9012345678",
        ),
        (
            // 16 bytes: 2^100 = 1267650600228229401496703205376, scale 12.
            Decimal::from_bytes(
                ByteArray::from(vec![0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
                38,
                12,
            ),
            "1267650600228229401.496703205376",
        ),
        (Decimal::from_i64(42, 18, 0), "42"),
    ];
    for (decimal, text) in table {
        assert_eq!(
            cell_of(Field::Decimal(decimal), &plain()),
            Cell::Text(text.into())
        );
    }
    // −1 on 3 bytes, scale 2.
    let minus = Decimal::from_bytes(ByteArray::from(vec![0xff, 0xff, 0xff]), 5, 2);
    assert_eq!(decimal_text(&minus), "-0.01");
}

#[test]
fn doubles_are_number_cells_and_floats_their_shortest_text() {
    let table = [
        (
            Field::Double(0.1 + 0.2),
            Cell::Number(0.300_000_000_000_000_04),
        ),
        (Field::Double(-1234.5), Cell::Number(-1234.5)),
        (Field::Float(0.1), Cell::Number(0.1)),
        (Field::Float(12.75), Cell::Number(12.75)),
        (Field::Double(0.123_456_785), Cell::Number(0.123_456_785)),
    ];
    for (field, cell) in table {
        assert_eq!(cell_of(field, &plain()), cell);
    }
    // The money parser rounds a number cell at the 8th decimal, half away from zero.
    let money = |field| crate::ingest::value::parse_money(&cell_of(field, &plain())).unwrap();
    assert_eq!(money(Field::Double(0.1 + 0.2)).to_string(), "0.3");
    assert_eq!(
        money(Field::Double(0.123_456_785)).to_string(),
        "0.12345679"
    );
    assert_eq!(money(Field::Float(0.1)).to_string(), "0.1");
}

#[test]
fn dates_and_timestamps_read_as_the_billing_readers_expect() {
    let table = [
        (
            Field::Date(20_148),
            plain(),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
        ),
        (
            Field::TimestampMillis(1_740_787_200_000),
            stamped(Unit::Millis, true),
            Cell::Text("2025-03-01T00:00:00Z".into()),
        ),
        (
            Field::TimestampMicros(1_740_787_200_000_500),
            stamped(Unit::Micros, false),
            Cell::Text("2025-03-01T00:00:00.0005".into()),
        ),
        (
            Field::Long(1_735_660_800_000_000_000),
            stamped(Unit::Nanos, true),
            Cell::Text("2024-12-31T16:00:00Z".into()),
        ),
        (
            Field::TimeMillis(3_723_000),
            plain(),
            Cell::Text("01:02:03".into()),
        ),
    ];
    for (field, column, cell) in table {
        assert_eq!(cell_of(field, &column), cell);
    }
    let Cell::Text(text) = cell_of(Field::TimestampMillis(1_740_787_200_000), &plain()) else {
        panic!("a timestamp is text");
    };
    let cell = Cell::Text(text);
    let order = crate::ruleset::DateOrder::YearFirst;
    assert!(crate::ingest::value::parse_date_in(&cell, order).is_ok());
    let (month, _) = crate::ingest::value::parse_period_start(&cell, order).unwrap();
    assert_eq!(month.to_string(), "2025-03");
    // Huawei's China-time month start in UTC, stored in nanoseconds: still January.
    let cell = cell_of(
        Field::Long(1_735_660_800_000_000_000),
        &stamped(Unit::Nanos, true),
    );
    let (month, _) = crate::ingest::value::parse_period_start(&cell, order).unwrap();
    assert_eq!(month.to_string(), "2025-01");
}

#[test]
fn nulls_text_bytes_and_integers() {
    let table = [
        (Field::Null, Cell::Empty),
        (
            Field::Str("Virtual Machines".into()),
            Cell::Text("Virtual Machines".into()),
        ),
        (
            Field::Bytes(ByteArray::from("CNY")),
            Cell::Text("CNY".into()),
        ),
        (
            Field::Bytes(ByteArray::from(vec![0xff, 0xfe])),
            Cell::Error("2 bytes of binary data".into()),
        ),
        (
            Field::Long(123_456_789_012),
            Cell::Text("123456789012".into()),
        ),
    ];
    for (field, cell) in table {
        assert_eq!(cell_of(field, &plain()), cell);
    }
    assert_eq!(cell_of(Field::Bool(true), &plain()), Cell::Bool(true));
}

#[test]
fn nested_values_become_json_text() {
    // Lists and maps are only built by the reader (an integration test reads a map); a
    // group is built here.
    let tags = parquet::record::Row::new(vec![
        ("env".into(), Field::Str("prod".into())),
        ("team".into(), Field::Null),
        ("cost".into(), Field::Double(1.5)),
    ]);
    assert_eq!(
        cell_of(Field::Group(tags), &plain()),
        Cell::Text(r#"{"env":"prod","team":null,"cost":1.5}"#.into())
    );
}

/// Writes `bytes` to a temporary `.parquet` file and reads it.
fn read_bytes(bytes: &[u8], limits: &Limits) -> TableError {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("bill.parquet");
    std::fs::write(&path, bytes).unwrap();
    struct Nothing;
    impl TableVisitor for Nothing {
        fn begin_table(&mut self, _: &Location) {}
        fn row(&mut self, _: usize, _: &[Cell]) {}
        fn unreadable_row(&mut self, _: usize, _: String) {}
    }
    read_parquet(&path, "bill.parquet".into(), &mut Nothing, limits).unwrap_err()
}

#[test]
fn bad_magic_short_files_and_huge_footers_are_refused_before_parsing() {
    let limits = Limits::DEFAULT;
    let message = read_bytes(b"PAR1", &limits).to_string();
    assert!(message.contains("too short"), "{message}");
    let message = read_bytes(b"a,b,c\n1,2,3\n4,5,6\n", &limits).to_string();
    assert!(message.contains("does not start with"), "{message}");
    let mut cut = b"PAR1".to_vec();
    cut.extend_from_slice(&[0; 40]);
    let message = read_bytes(&cut, &limits).to_string();
    assert!(message.contains("does not end with"), "{message}");
    let mut huge = b"PAR1".to_vec();
    huge.extend_from_slice(&[0; 40]);
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    huge.extend_from_slice(b"PAR1");
    let error = read_bytes(&huge, &limits);
    assert!(
        matches!(
            error,
            TableError::TooLarge {
                which: Limit::ParquetMetadata,
                ..
            }
        ),
        "{error}"
    );
    assert!(
        error.to_string().contains("parquet_metadata_size"),
        "{error}"
    );
    let mut beyond = b"PAR1".to_vec();
    beyond.extend_from_slice(&[0; 40]);
    beyond.extend_from_slice(&1000u32.to_le_bytes());
    beyond.extend_from_slice(b"PAR1");
    let message = read_bytes(&beyond, &limits).to_string();
    assert!(message.contains("more than the file holds"), "{message}");
    let mut garbage = b"PAR1".to_vec();
    garbage.extend_from_slice(&[7; 40]);
    garbage.extend_from_slice(&30u32.to_le_bytes());
    garbage.extend_from_slice(b"PAR1");
    let message = read_bytes(&garbage, &limits).to_string();
    assert!(message.contains("not a readable Parquet file"), "{message}");
}
