//! Spreadsheets read as typed ([`ReadOptions::AS_TYPED`]): merged areas filled, formulas
//! without a computed value reported — on real `.xlsx` files written by rust_xlsxwriter
//! (and one rewritten as openpyxl writes formulas: without a stored value).

use super::super::{ReadOptions, TableVisitor, read_file_with};
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::table::Limits;
use rust_xlsxwriter::{CalculationMode, Format, Workbook};
use std::io::Cursor;
use std::sync::Arc;

/// What a reader as typed is handed: rows and formulas without a value, in order.
#[derive(Default)]
struct Typed {
    rows: Vec<(usize, Vec<Cell>)>,
    formulas: Vec<(usize, usize, String)>,
    /// Everything in the order it came: `row N` or `formula N`.
    order: Vec<String>,
}

impl TableVisitor for Typed {
    fn begin_table(&mut self, _: &Location) {}
    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.rows.push((number, cells.to_vec()));
        self.order.push(format!("row {number}"));
    }
    fn unreadable_row(&mut self, number: usize, why: String) {
        panic!("row {number} unreadable: {why}");
    }
    fn formula_without_value(&mut self, number: usize, column: usize, formula: &str) {
        self.formulas.push((number, column, formula.to_string()));
        self.order.push(format!("formula {number}"));
    }
}

fn read(name: &str, bytes: &[u8], options: ReadOptions) -> Result<Typed, String> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut typed = Typed::default();
    read_file_with(
        &path,
        Arc::from(name),
        &mut typed,
        &Limits::DEFAULT,
        options,
    )
    .map_err(|error| error.to_string())?;
    Ok(typed)
}

fn text(value: &str) -> Cell {
    Cell::Text(value.into())
}

/// Two contracts whose `due_days` (B2:B3) is typed once and merged, and a note merged
/// over C2:D2.
fn merged_book() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("contracts").unwrap();
    for (column, header) in ["contract_id", "due_days", "note", "more"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "C1").unwrap();
    sheet.write_string(2, 0, "C2").unwrap();
    let format = Format::new();
    sheet.merge_range(1, 1, 2, 1, "", &format).unwrap();
    sheet.write_number(1, 1, 30.0).unwrap();
    sheet.merge_range(1, 2, 1, 3, "both", &format).unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_merged_value_is_read_in_every_cell_of_its_area() {
    let bytes = merged_book();
    let typed = read("merged.xlsx", &bytes, ReadOptions::AS_TYPED).unwrap();
    assert_eq!(
        typed.rows[1],
        (
            2,
            vec![text("C1"), Cell::Number(30.0), text("both"), text("both")]
        )
    );
    assert_eq!(typed.rows[2].0, 3);
    assert_eq!(&typed.rows[2].1[..2], &[text("C2"), Cell::Number(30.0)]);
    // Read as stored (billing exports), the second row has an empty due_days.
    let stored = read("merged.xlsx", &bytes, ReadOptions::STORED).unwrap();
    assert!(stored.rows[2].1.get(1).is_none_or(Cell::is_empty));
    assert_eq!(
        stored.rows[1].1.get(3).cloned().unwrap_or(Cell::Empty),
        Cell::Empty
    );
}

#[test]
fn a_script_written_formula_is_reported_not_read_as_its_placeholder() {
    // rust_xlsxwriter (like XlsxWriter and openpyxl) stores no calculated value: a 0 in
    // the cell and a flag asking Excel to calculate the workbook when it opens it.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "cap").unwrap();
    sheet.write_formula(1, 0, "=45000*2").unwrap();
    sheet.write_string(1, 1, "C1").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let typed = read("script.xlsx", &bytes, ReadOptions::AS_TYPED).unwrap();
    assert_eq!(typed.formulas, [(2, 0, "=45000*2".to_string())]);
    assert_eq!(typed.rows[1].1, vec![Cell::Empty, text("C1")]);
    // Reported before its row is handed over.
    assert_eq!(typed.order, ["row 1", "formula 2", "row 2"]);
    // Read as stored, the placeholder 0 is what the cell holds (billing's path, unchanged).
    let stored = read("script.xlsx", &bytes, ReadOptions::STORED).unwrap();
    assert!(stored.formulas.is_empty());
    assert_eq!(stored.rows[1].1[0], Cell::Number(0.0));
}

#[test]
fn a_calculated_formula_is_read_by_its_value() {
    // Saved as Excel saves a calculated workbook: the value beside the formula, and no
    // request to calculate on opening.
    let mut workbook = Workbook::new();
    workbook.set_calculation_mode(CalculationMode::Manual);
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "cap").unwrap();
    sheet
        .write_formula(1, 0, "=45000*2")
        .unwrap()
        .set_formula_result(1, 0, "90000");
    // An empty result (what LibreOffice is told to calculate) is no value.
    sheet
        .write_formula(2, 0, "=45000*3")
        .unwrap()
        .set_formula_result(2, 0, "");
    let bytes = workbook.save_to_buffer().unwrap();
    let typed = read("calculated.xlsx", &bytes, ReadOptions::AS_TYPED).unwrap();
    assert_eq!(typed.rows[1].1, vec![Cell::Number(90000.0)]);
    assert_eq!(typed.formulas, [(3, 0, "=45000*3".to_string())]);
}

/// `bytes` with part `name` rewritten by `change`.
fn rewrite_part(bytes: &[u8], name: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    let mut source = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut rewritten = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..source.len() {
        let mut part = source.by_index(index).unwrap();
        let part_name = part.name().unwrap().to_string();
        if part_name == name {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut part, &mut text).unwrap();
            drop(part);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            rewritten.start_file(name, options).unwrap();
            std::io::Write::write_all(&mut rewritten, change(&text).as_bytes()).unwrap();
        } else {
            drop(part);
            rewritten
                .raw_copy_file(source.by_index_raw(index).unwrap())
                .unwrap();
        }
    }
    rewritten.finish().unwrap().into_inner()
}

#[test]
fn a_formula_without_a_stored_value_is_reported_as_openpyxl_writes_it() {
    let mut workbook = Workbook::new();
    workbook.set_calculation_mode(CalculationMode::Manual);
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "cap").unwrap();
    sheet.write_formula(1, 0, "=45000*2").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    // openpyxl writes `<c r="A2"><f>45000*2</f></c>`: no `<v>` at all.
    let bytes = rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
        xml.replace("<v>0</v>", "")
    });
    let typed = read("openpyxl.xlsx", &bytes, ReadOptions::AS_TYPED).unwrap();
    assert_eq!(typed.formulas, [(2, 0, "=45000*2".to_string())]);
    assert_eq!(typed.rows[1].1, vec![Cell::Empty]);
}

#[test]
fn overlapping_or_corrupt_merged_areas_refuse_the_file() {
    let bytes = rewrite_part(&merged_book(), "xl/worksheets/sheet1.xml", |xml| {
        xml.replace(r#"<mergeCell ref="C2:D2"/>"#, r#"<mergeCell ref="B2:D2"/>"#)
    });
    let message = read("overlap.xlsx", &bytes, ReadOptions::AS_TYPED)
        .err()
        .unwrap();
    assert!(
        message.contains("overlap.xlsx:contracts: cannot read the workbook: the merged areas"),
        "{message}"
    );
    assert!(message.contains("overlap"), "{message}");
    let bytes = rewrite_part(&merged_book(), "xl/worksheets/sheet1.xml", |xml| {
        xml.replace(
            r#"<mergeCell ref="C2:D2"/>"#,
            r#"<mergeCell ref="C2:D99999999999"/>"#,
        )
    });
    let message = read("corrupt.xlsx", &bytes, ReadOptions::AS_TYPED)
        .err()
        .unwrap();
    assert!(
        message.contains("a merged area `C2:D99999999999` is not a range of the sheet"),
        "{message}"
    );
    // Read as stored, merged areas are not looked at: the billing path is unchanged.
    assert!(read("corrupt.xlsx", &bytes, ReadOptions::STORED).is_ok());
}

#[test]
fn too_many_merged_areas_refuse_the_file_rather_than_being_held() {
    let bytes = rewrite_part(&merged_book(), "xl/worksheets/sheet1.xml", |xml| {
        let many: String = (0..100_001)
            .map(|index| format!(r#"<mergeCell ref="F{0}:G{0}"/>"#, index + 10))
            .collect();
        xml.replace(r#"<mergeCell ref="C2:D2"/>"#, &many)
    });
    let message = read("many.xlsx", &bytes, ReadOptions::AS_TYPED)
        .err()
        .unwrap();
    assert!(
        message.contains("more than 100000 merged areas"),
        "{message}"
    );
}
