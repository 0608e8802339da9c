//! The `.xls` check on hand-built compound files and BIFF records, and through the whole
//! reader.

use super::super::compound::END_OF_CHAIN;
use super::*;
use crate::ingest::cell::Cell;

/// One BIFF record.
fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut bytes = kind.to_le_bytes().to_vec();
    bytes.extend((data.len() as u16).to_le_bytes());
    bytes.extend_from_slice(data);
    bytes
}

fn bof(kind: u16) -> Vec<u8> {
    record(
        0x0809,
        &[0x00, 0x06, kind as u8, (kind >> 8) as u8, 0, 0, 0, 0],
    )
}

fn eof() -> Vec<u8> {
    record(0x000A, &[])
}

/// A NUMBER record: `value` at 0-based (`row`, `column`).
fn number(row: u16, column: u16, value: f64) -> Vec<u8> {
    let mut data = row.to_le_bytes().to_vec();
    data.extend(column.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(value.to_le_bytes());
    record(0x0203, &data)
}

/// A BIFF8 DIMENSIONS record: rows `first..after`, columns `first..after`.
fn dimensions(rows: (u32, u32), columns: (u16, u16)) -> Vec<u8> {
    let mut data = rows.0.to_le_bytes().to_vec();
    data.extend(rows.1.to_le_bytes());
    data.extend(columns.0.to_le_bytes());
    data.extend(columns.1.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    record(0x0200, &data)
}

/// A workbook stream: globals naming each sheet, then the sheets' records (each
/// framed by its BOF and EOF); `shift` moves every sheet's position.
fn workbook(sheets: &[(&str, Vec<u8>)], shift: u32) -> Vec<u8> {
    let bound = |position: u32, name: &str| {
        let mut data = position.to_le_bytes().to_vec();
        data.extend([0, 0, name.len() as u8, 0]);
        data.extend(name.as_bytes());
        record(0x0085, &data)
    };
    let globals_len: usize = bof(5).len()
        + sheets
            .iter()
            .map(|(name, _)| bound(0, name).len())
            .sum::<usize>()
        + eof().len();
    let mut stream = bof(5);
    let mut position = globals_len;
    for (name, body) in sheets {
        stream.extend(bound(position as u32 + shift, name));
        position += bof(0x10).len() + body.len() + eof().len();
    }
    stream.extend(eof());
    for (_, body) in sheets {
        stream.extend(bof(0x10));
        stream.extend(body);
        stream.extend(eof());
    }
    stream
}

/// A version-3 compound file (512-byte sectors) holding `stream` as `Workbook`, in
/// regular sectors: sector 0 the FAT, 1 the directory, then the stream's chain
/// (`next` rewrites a FAT entry). `difat` lists the FAT's sectors in the header.
fn compound(stream: &[u8], difat: &[u32], next: &[(usize, u32)]) -> Vec<u8> {
    let mut stream = stream.to_vec();
    stream.resize(stream.len().max(4096), 0);
    let sectors = stream.len().div_ceil(512);
    let mut fat = vec![0xFFFF_FFFFu32; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = END_OF_CHAIN;
    for sector in 0..sectors {
        fat[2 + sector] = if sector + 1 == sectors {
            END_OF_CHAIN
        } else {
            3 + sector as u32
        };
    }
    for (at, to) in next {
        fat[*at] = *to;
    }
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(SIGNATURE);
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes());
    header[48..52].copy_from_slice(&1u32.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    for (index, slot) in header[76..512].chunks_exact_mut(4).enumerate() {
        slot.copy_from_slice(&difat.get(index).copied().unwrap_or(u32::MAX).to_le_bytes());
    }
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut entry = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (index, unit) in units.iter().enumerate() {
            entry[index * 2..index * 2 + 2].copy_from_slice(&unit.to_le_bytes());
        }
        entry[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        entry[66] = kind;
        entry[68..80].copy_from_slice(&[0xFF; 12]);
        entry[76..80].copy_from_slice(&child.to_le_bytes());
        entry[116..120].copy_from_slice(&start.to_le_bytes());
        entry[120..124].copy_from_slice(&size.to_le_bytes());
        entry
    };
    let mut bytes = header;
    bytes.extend(fat.iter().flat_map(|entry| entry.to_le_bytes()));
    bytes.extend(entry("Root Entry", 5, 1, END_OF_CHAIN, 0));
    bytes.extend(entry("Workbook", 2, u32::MAX, 2, stream.len() as u32));
    bytes.extend(vec![0u8; 256]);
    bytes.extend(&stream);
    bytes.resize(512 + (2 + sectors) * 512, 0);
    bytes
}

fn xls(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
    compound(&workbook(sheets, 0), &[0], &[])
}

fn limit(cells: u64) -> Limits {
    Limits {
        sheet_cells: cells,
        ..Limits::DEFAULT
    }
}

fn checked(bytes: &[u8], cells: u64) -> Result<(), String> {
    check(bytes, &Arc::from("book.xls"), &limit(cells)).map_err(|error| error.to_string())
}

/// The rows the whole reader hands over for `bytes` saved as `name`, or its error.
fn read(bytes: &[u8], name: &str, limits: &Limits) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    struct Rows(Vec<(usize, Vec<Cell>)>);
    impl super::super::TableVisitor for Rows {
        fn begin_table(&mut self, _: &Location) {}
        fn row(&mut self, number: usize, cells: &[Cell]) {
            self.0.push((number, cells.to_vec()));
        }
        fn unreadable_row(&mut self, number: usize, why: String) {
            panic!("row {number}: {why}");
        }
    }
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut rows = Rows(Vec::new());
    super::super::read_file(&path, Arc::from(name), &mut rows, limits)
        .map(|_| rows.0)
        .map_err(|error| error.to_string())
}

#[test]
fn a_sparse_sheet_is_refused_before_calamine_builds_its_grid_and_a_small_one_reads() {
    let far = [number(0, 0, 1.0), number(99, 20, 2.0)].concat();
    let message = checked(&xls(&[("bill", far)]), 1000).unwrap_err();
    assert_eq!(
        message,
        "book.xls:bill: the used area its cell records span (100 rows × 21 columns, A1 to U100), which calamine would build whole is 2100 cells, over the limit of 1000 cells (`sheet_cells` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted"
    );
    // Within the limit the check passes, and calamine reads the same file.
    let near = [
        dimensions((0, 10), (0, 10)),
        number(0, 0, 1.0),
        number(9, 9, 2.5),
    ]
    .concat();
    let bytes = xls(&[("bill", near)]);
    checked(&bytes, 1000).unwrap();
    let rows = read(&bytes, "book.xls", &limit(1000)).unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!((rows[0].0, &rows[0].1[0]), (1, &Cell::Number(1.0)));
    assert_eq!((rows[9].0, &rows[9].1[9]), (10, &Cell::Number(2.5)));
}

#[test]
fn a_dimensions_record_is_held_to_the_limit_and_to_ending_after_it_starts() {
    let declared = checked(
        &xls(&[("bill", dimensions((0, 4_000_000), (0, 200)))]),
        50_000_000,
    )
    .unwrap_err();
    assert!(
        declared.contains("the used area its DIMENSIONS record declares (4000000 rows × 200 columns) is 800000000 cells"),
        "{declared}"
    );
    // calamine computes `last − first + 1` unchecked: rows 9 to 5 would wrap.
    let backwards = checked(&xls(&[("bill", dimensions((8, 5), (0, 3)))]), 1000).unwrap_err();
    assert!(
        backwards.starts_with("book.xls:bill: cannot read the workbook: the sheet's DIMENSIONS record ends before it starts (rows 9 to 5"),
        "{backwards}"
    );
    // An empty sheet's record (all zero) is fine.
    checked(&xls(&[("bill", dimensions((0, 0), (0, 0)))]), 1).unwrap();
}

#[test]
fn every_sheet_of_an_xls_counts_towards_the_limit_together() {
    let block = [number(0, 0, 1.0), number(19, 29, 1.0)].concat();
    let one = xls(&[("a", block.clone())]);
    checked(&one, 1000).unwrap();
    let two = xls(&[("a", block.clone()), ("b", block)]);
    let message = checked(&two, 1000).unwrap_err();
    assert!(
        message.starts_with("book.xls: the used area of its sheets together (calamine builds every sheet of an .xls at once) is 1200 cells"),
        "{message}"
    );
}

#[test]
fn a_formula_string_before_any_formula_lands_at_a1() {
    let body = [number(50, 50, 1.0), record(0x0207, &[1, 0, 0, b'x'])].concat();
    let message = checked(&xls(&[("bill", body)]), 1000).unwrap_err();
    assert!(
        message.contains("(51 rows × 51 columns, A1 to AY51)"),
        "{message}"
    );
    checked(&xls(&[("bill", number(50, 50, 1.0))]), 1000).unwrap();
}

#[test]
fn corrupt_records_calamine_would_panic_on_refuse_the_file() {
    // MULRK from column 5 back to column 2.
    let mut data = 3u16.to_le_bytes().to_vec();
    data.extend(5u16.to_le_bytes());
    data.extend([0; 6]);
    data.extend(2u16.to_le_bytes());
    let message = checked(&xls(&[("bill", record(0x00BD, &data))]), 1000).unwrap_err();
    assert!(
        message.contains("a MULRK record in row 4 runs from column 6 back to column 3"),
        "{message}"
    );
    // A sheet said to start past the end of the stream.
    let bytes = compound(
        &workbook(&[("bill", number(0, 0, 1.0))], 1 << 20),
        &[0],
        &[],
    );
    let message = checked(&bytes, 1000).unwrap_err();
    assert!(
        message.contains("book.xls:bill: cannot read the workbook: the sheet starts at byte"),
        "{message}"
    );
}

#[test]
fn corrupt_compound_files_calamine_would_panic_or_loop_on_are_refused() {
    let good = xls(&[("bill", number(0, 0, 1.0))]);
    checked(&good, 1000).unwrap();
    // Cut inside the stream, read in order: calamine stops with an error of its own.
    checked(&good[..4096], 1000).unwrap();
    // Cut, with the stream's chain jumping past the end: calamine would slice past
    // the data it read.
    let jumping = compound(
        &workbook(&[("bill", number(0, 0, 1.0))], 0),
        &[0],
        &[(2, 8)],
    );
    let message = checked(&jumping[..4096], 1000).unwrap_err();
    assert!(
        message.contains("sector 8 lies past the end of the file (it is truncated)"),
        "{message}"
    );
    // The directory's chain points back at itself: calamine would read it forever.
    let looping = compound(
        &workbook(&[("bill", number(0, 0, 1.0))], 0),
        &[0],
        &[(1, 1)],
    );
    let message = checked(&looping, 1000).unwrap_err();
    assert!(
        message.contains("the chain of sectors of the directory loops"),
        "{message}"
    );
    // The FAT sector listed 109 times: calamine would hold 109 copies of it.
    let repeated = compound(&workbook(&[("bill", number(0, 0, 1.0))], 0), &[0; 109], &[]);
    let message = checked(&repeated, 1000).unwrap_err();
    assert!(
        message.contains("more allocation-table (FAT) sectors"),
        "{message}"
    );
    // Not a compound file at all: calamine says so itself.
    checked(b"not an xls", 1000).unwrap();
}

#[test]
fn a_compound_file_named_xlsx_or_xlsb_is_checked_the_way_calamine_opens_it() {
    // calamine opens any .xlsx/.xlsb that is a compound file as one (looking for an
    // encrypted package): a looping directory would grow its memory without end.
    let looping = compound(
        &workbook(&[("bill", number(0, 0, 1.0))], 0),
        &[0],
        &[(1, 1)],
    );
    for name in ["book.xlsx", "book.xlsm", "book.xlsb"] {
        let error = read(&looping, name, &Limits::DEFAULT).unwrap_err();
        assert_eq!(
            error,
            format!(
                "{name}: cannot read the workbook: as a compound file, the chain of sectors of the directory loops: the file is corrupt; save it again from Excel, or as .xlsx"
            )
        );
    }
    // A sound compound file under those names gets calamine's own answer.
    let sound = xls(&[("bill", number(0, 0, 1.0))]);
    let error = read(&sound, "sound.xlsx", &Limits::DEFAULT).unwrap_err();
    assert!(
        error.starts_with("sound.xlsx: cannot read the workbook: Xlsx error"),
        "{error}"
    );
}

#[test]
fn columns_are_named_as_a_spreadsheet_names_them() {
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
    assert_eq!(column_name(1023), "AMJ");
    assert_eq!(column_name(16_383), "XFD");
}

#[test]
fn records_follow_calamine_framing_with_continue_records_skipped() {
    // BOF, a record with a CONTINUE after it, EOF.
    let stream = [
        0x09, 0x08, 0x02, 0x00, 0x00, 0x06, // BOF
        0x03, 0x02, 0x01, 0x00, 0xAA, // NUMBER (1 byte)
        0x3C, 0x00, 0x01, 0x00, 0xBB, // CONTINUE
        0x0A, 0x00, 0x00, 0x00, // EOF
    ];
    let kinds: Vec<u16> = Records { stream: &stream }
        .map(|record| record.unwrap().kind)
        .collect();
    assert_eq!(kinds, vec![0x0809, 0x0203, 0x000A]);
    let cut = Records {
        stream: &stream[..8],
    }
    .last()
    .unwrap();
    assert!(cut.is_err());
}
