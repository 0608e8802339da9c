//! Spreadsheets: sheets streamed cell by cell, rows past the column limit, and the
//! pre-checks that refuse a hostile workbook before calamine opens it.

use super::super::prescan::check_zip_parts;
use super::super::xml_scan::XmlScan;
use super::{Collect, read_bytes};
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::table::{EXCEL_COLUMNS, Limits, MAX_XML_TOKEN_BYTES, read_file};
use std::io::Cursor;
use std::sync::Arc;

#[test]
fn a_sheet_with_cells_far_apart_streams_without_building_the_grid() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "corner").unwrap();
    sheet.write_string(1_048_575, 16_383, "far corner").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let (result, collect) = read_bytes("sparse.xlsx", &bytes);
    result.unwrap();
    assert_eq!(collect.rows, vec![(1, vec![Cell::Text("corner".into())])]);
    // The far cell is past the widest row read: its row is rejected, naming it, never
    // read as blank; nor is the grid between allocated.
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(collect.bad[0].0, 1_048_576);
    assert!(
        collect.bad[0].1.starts_with(
            "cell XFD1048576 (column 16384) holds a value, but rows are read only up to column AMJ (1024 columns, `sheet_columns`"
        ),
        "{}",
        collect.bad[0].1
    );
    assert_eq!(collect.places[1], "sparse.xlsx:Sheet1:1048576");
    // With the limit raised to Excel's last column, the cell is read where it is.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("sparse.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let mut wide = Collect::default();
    let limits = Limits {
        sheet_columns: EXCEL_COLUMNS,
        ..Limits::DEFAULT
    };
    read_file(&path, Arc::from("sparse.xlsx"), &mut wide, &limits).unwrap();
    assert!(wide.bad.is_empty());
    let (number, far) = &wide.rows[1];
    assert_eq!((*number, far.len()), (1_048_576, 16_384));
    assert_eq!(far[16_383], Cell::Text("far corner".into()));
}

#[test]
fn cells_past_the_column_limit_reject_their_row_unless_they_are_empty() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("bill").unwrap();
    let blank = rust_xlsxwriter::Format::new().set_bold();
    for column in 0..3u16 {
        sheet.write_string(0, column, format!("h{column}")).unwrap();
    }
    // Row 2: two values past column C; row 3: only a formatted blank there.
    sheet.write_string(1, 0, "a").unwrap();
    sheet.write_number(1, 4, 5.0).unwrap();
    sheet.write_string(1, 7, "x").unwrap();
    sheet.write_string(2, 0, "b").unwrap();
    sheet.write_blank(2, 5, &blank).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("narrow.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let limits = Limits {
        sheet_columns: 3,
        ..Limits::DEFAULT
    };
    let mut collect = Collect::default();
    read_file(&path, Arc::from("narrow.xlsx"), &mut collect, &limits).unwrap();
    let numbers: Vec<usize> = collect.rows.iter().map(|(number, _)| *number).collect();
    assert_eq!(numbers, vec![1, 3]);
    assert_eq!(collect.rows[1].1, vec![Cell::Text("b".into())]);
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(
        collect.bad[0].1,
        "cell E2 (column 5) holds a value (and 1 more cells past it), but rows are read only up to column C (3 columns, `sheet_columns` in the [limits] table of the --config file, at most 16384): the row is rejected rather than read without it"
    );
    assert_eq!(
        collect.places,
        vec![
            "narrow.xlsx:bill:1",
            "narrow.xlsx:bill:2",
            "narrow.xlsx:bill:3"
        ]
    );
}

#[test]
fn a_lying_shared_string_count_is_refused_before_calamine_reserves_it() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "hello")
        .unwrap();
    let honest = workbook.save_to_buffer().unwrap();
    // Rewrite the archive with sharedStrings.xml declaring four billion strings.
    let mut source = zip::ZipArchive::new(Cursor::new(honest.as_slice())).unwrap();
    let mut forged = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..source.len() {
        let part = source.by_index(index).unwrap();
        if part.name().is_ok_and(|name| name == "xl/sharedStrings.xml") {
            drop(part);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            forged.start_file("xl/sharedStrings.xml", options).unwrap();
            std::io::Write::write_all(
                &mut forged,
                br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4294967295"><si><t>hello</t></si></sst>"#,
            )
            .unwrap();
        } else {
            drop(part);
            forged
                .raw_copy_file(source.by_index_raw(index).unwrap())
                .unwrap();
        }
    }
    let bytes = forged.finish().unwrap().into_inner();
    let (result, _) = read_bytes("forged.xlsx", &bytes);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("shared-string table's declared count (4294967295"),
        "{message}"
    );
    let (result, collect) = read_bytes("honest.xlsx", &honest);
    result.unwrap();
    assert_eq!(collect.rows[0].1, vec![Cell::Text("hello".into())]);
}

#[test]
fn corrupted_workbooks_never_panic_out_of_the_reader() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for row in 0..20u32 {
        sheet
            .write_string(row, 0, format!("account {row}"))
            .unwrap();
        sheet.write_number(row, 1, f64::from(row) * 1.5).unwrap();
    }
    let original = workbook.save_to_buffer().unwrap();
    // Deterministic byte flips at several densities, as xlsx, xlsb and xls.
    let mut state = 7u64;
    for round in 0..120 {
        let mut bytes = original.clone();
        for _ in 0..(1 + round % 12) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let index = (state >> 33) as usize % bytes.len();
            bytes[index] ^= (state >> 17) as u8 | 1;
        }
        for name in ["fuzz.xlsx", "fuzz.xlsb", "fuzz.xls", "fuzz.ods", "fuzz.csv"] {
            // Ok or Err are both fine; returning at all is the point.
            let _ = read_bytes(name, &bytes);
        }
    }
}

fn part_limit(bytes: u64) -> Limits {
    Limits {
        workbook_part_bytes: bytes,
        ..Limits::DEFAULT
    }
}

#[test]
fn a_part_that_inflates_past_the_limit_is_refused_whatever_its_header_says() {
    // 4 MiB of zeros deflate to a few KiB; with a 1 MiB limit the workbook is refused.
    let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    bomb.start_file("xl/styles.xml", options).unwrap();
    std::io::Write::write_all(&mut bomb, &vec![0u8; 4 << 20]).unwrap();
    let bytes = bomb.finish().unwrap().into_inner();
    assert!(bytes.len() < 64 * 1024);
    let location = Location::file("bomb.xlsx".into());
    let error = check_zip_parts(
        &mut Cursor::new(&bytes),
        &location,
        &part_limit(1 << 20),
        true,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("the part `xl/styles.xml` once decompressed is 1048577 bytes"),
        "{error}"
    );
    assert!(
        check_zip_parts(
            &mut Cursor::new(&bytes),
            &location,
            &part_limit(8 << 20),
            true
        )
        .is_ok()
    );
    // Sheets stream cell by cell (bounded by the cell limit), so a sheet larger than
    // the part limit is not refused: a million-row export is a large sheet.
    let mut large = zip::ZipWriter::new(Cursor::new(Vec::new()));
    large
        .start_file("xl/worksheets/sheet1.xml", options)
        .unwrap();
    std::io::Write::write_all(&mut large, &vec![b' '; 4 << 20]).unwrap();
    let bytes = large.finish().unwrap().into_inner();
    assert!(
        check_zip_parts(
            &mut Cursor::new(&bytes),
            &location,
            &part_limit(1 << 20),
            true
        )
        .is_ok()
    );
}

#[test]
fn the_longest_xml_token_is_measured_whatever_hides_it() {
    let longest = |xml: &[u8]| {
        let mut scan = XmlScan::new(true, MAX_XML_TOKEN_BYTES);
        // In pieces, as inflated data arrives.
        for piece in xml.chunks(3) {
            std::io::Write::write_all(&mut scan, piece).unwrap();
        }
        scan.longest()
    };
    assert_eq!(longest(b"<a>hello</a>"), 5);
    // `>` and `<` inside a quoted value do not end the tag.
    assert_eq!(longest(b"<c r=\"<>\" s='>'/><v>1</v>"), 17);
    // Tags inside a comment or a CDATA section do not end it.
    assert_eq!(longest(b"<!-- <x> -- > --><v/>"), 17);
    assert_eq!(longest(b"<![CDATA[ <x> ]] ]]><v/>"), 20);
    assert_eq!(longest(b"<?xml version=\"1.0\"?><a/>"), 21);
    // An unfinished token counts too.
    assert_eq!(longest(b"<a>123456789"), 9);
    let mut scan = XmlScan::new(true, MAX_XML_TOKEN_BYTES);
    let text = vec![b'A'; 1 << 20];
    let mut refused = false;
    for _ in 0..17 {
        refused |= std::io::Write::write_all(&mut scan, &text).is_err();
    }
    assert!(refused && scan.longest() > MAX_XML_TOKEN_BYTES);
    // Parts that are not XML are only counted.
    let mut binary = XmlScan::new(false, MAX_XML_TOKEN_BYTES);
    std::io::Write::write_all(&mut binary, &text).unwrap();
    assert_eq!((binary.bytes, binary.longest()), (1 << 20, 0));
}

#[test]
fn a_corrupt_workbook_is_an_error_naming_the_file() {
    // A zip cut short: its members cannot be listed, so its name says workbook.
    let (result, _) = read_bytes("broken.xlsx", b"PK\x03\x04 and then nothing");
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("broken.xlsx: cannot read the workbook"),
        "{message}"
    );
}

#[test]
fn spreadsheet_rows_keep_their_row_numbers_and_types() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("bill").unwrap();
    sheet.write_string(2, 1, "amount").unwrap();
    sheet.write_number(3, 1, 1234.5).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 31).unwrap();
    sheet
        .write_datetime_with_format(4, 1, &date, &format)
        .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let (result, collect) = read_bytes("bill.xlsx", &bytes);
    result.unwrap();
    assert_eq!(collect.tables, vec!["bill.xlsx:bill"]);
    assert_eq!(
        collect.rows[0],
        (3, vec![Cell::Empty, Cell::Text("amount".into())])
    );
    assert_eq!(
        collect.rows[1],
        (4, vec![Cell::Empty, Cell::Number(1234.5)])
    );
    let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
    assert_eq!(collect.rows[2], (5, vec![Cell::Empty, Cell::Date(day)]));
}

/// A sheet part that inflates far past its compressed size (a bomb of empty rows) is
/// refused from what its header declares, before a byte is inflated; under the floor, or
/// within the ratio, it is read.
#[test]
fn a_sheet_that_inflates_far_past_its_compressed_size_is_refused_at_once() {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut rows = String::from("<worksheet><sheetData>");
    for _ in 0..200_000 {
        rows.push_str("<row><c/></row>");
    }
    rows.push_str("</sheetData></worksheet>");
    let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
    bomb.start_file("xl/worksheets/sheet1.xml", options)
        .unwrap();
    std::io::Write::write_all(&mut bomb, rows.as_bytes()).unwrap();
    let bytes = bomb.finish().unwrap().into_inner();
    let ratio = rows.len() as u64 / bytes.len() as u64;
    assert!(ratio > 20, "compressed {} times", ratio);
    let location = Location::file("bomb.xlsx".into());
    let check = |inflation_ratio: u64, inflation_floor_bytes: u64| {
        let limits = Limits {
            inflation_ratio,
            inflation_floor_bytes,
            ..Limits::DEFAULT
        };
        check_zip_parts(&mut Cursor::new(&bytes), &location, &limits, true)
    };
    let error = check(10, 1 << 20).unwrap_err().to_string();
    assert!(
        error.contains("the sheet part `xl/worksheets/sheet1.xml` once decompressed")
            && error.contains(&format!("is {} bytes", rows.len()))
            && error.contains("`inflation_ratio` in the [limits] table"),
        "{error}"
    );
    // Under the floor: never refused for its ratio.
    assert!(check(10, 64 << 20).is_ok());
    // Within the ratio (the archive is larger than the part compressed alone).
    assert!(check(ratio * 2, 1 << 20).is_ok());
}
