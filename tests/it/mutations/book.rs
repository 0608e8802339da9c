//! The edits a person makes: a workbook read with calamine into plain cells (text,
//! numbers, dates as Excel dates), changed, and written back with rust_xlsxwriter; and
//! the byte edits of a billing CSV. One function per kind of edit.

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{CalculationMode, Format, Formula, Workbook};
use std::path::Path;

/// One cell as a person typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Blank,
    Text(String),
    Num(f64),
    /// An Excel date serial, written as a number with a date format.
    Date(f64),
    /// A formula; `Some` is the value a spreadsheet program cached with it, `None` a
    /// formula as a script writes it, with no cached value.
    Formula(String, Option<f64>),
}

pub fn text(value: &str) -> V {
    V::Text(value.to_string())
}

/// A formula without a cached value (what a script that never opened Excel writes).
pub fn formula(expression: &str) -> V {
    V::Formula(expression.to_string(), None)
}

/// A sheet: its name, its cells (row 0 is the header) and its merged areas.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<V>>,
    /// (first row, first column, last row, last column), 0-based.
    merges: Vec<(u32, u16, u32, u16)>,
}

/// A workbook as its cells; sheets in order.
#[derive(Debug, Clone)]
pub struct Book {
    pub sheets: Vec<Sheet>,
}

/// `B4` → (row 3, column 1).
fn cell_ref(reference: &str) -> (usize, usize) {
    let letters = reference.chars().take_while(char::is_ascii_alphabetic);
    let column = letters.fold(0, |number, letter| {
        number * 26 + (letter.to_ascii_uppercase() as usize - 'A' as usize + 1)
    });
    let row: usize = reference
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or_else(|_| panic!("not a cell reference: {reference}"));
    (row - 1, column - 1)
}

impl Book {
    /// Every sheet of the `.xlsx` at `path`, as calamine reads its values.
    pub fn read(path: &Path) -> Book {
        let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
        let names = workbook.sheet_names();
        let sheets = names
            .into_iter()
            .map(|name| {
                let range = workbook.worksheet_range(&name).unwrap();
                let (top, left) = range.start().unwrap_or((0, 0));
                assert_eq!((top, left), (0, 0), "{name} starts at A1");
                let rows = range
                    .rows()
                    .map(|row| row.iter().map(value).collect())
                    .collect();
                Sheet {
                    name,
                    rows,
                    merges: Vec::new(),
                }
            })
            .collect();
        Book { sheets }
    }

    /// Writes the book as an `.xlsx`: dates as date-formatted numbers, formulas with
    /// their cached value or with none (an empty result), merged areas merged.
    pub fn write(&self, path: &Path) {
        let mut workbook = Workbook::new();
        // rust_xlsxwriter marks a workbook to be calculated when opened
        // (`fullCalcOnLoad`), which the auditor rightly takes as "values never
        // calculated". A workbook whose formulas carry their values stands for one saved
        // by Excel, which writes no such mark.
        let cached = self
            .sheets
            .iter()
            .flat_map(|sheet| &sheet.rows)
            .flatten()
            .any(|cell| matches!(cell, V::Formula(_, Some(_))));
        if cached {
            workbook.set_calculation_mode(CalculationMode::Manual);
        }
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for sheet in &self.sheets {
            let worksheet = workbook.add_worksheet();
            worksheet.set_name(&sheet.name).unwrap();
            worksheet.set_formula_result_default("");
            for &(top, left, bottom, right) in &sheet.merges {
                worksheet
                    .merge_range(top, left, bottom, right, "", &Format::new())
                    .unwrap();
            }
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    match cell {
                        V::Blank => {}
                        V::Text(text) => {
                            worksheet.write_string(r, c, text).unwrap();
                        }
                        V::Num(number) => {
                            worksheet.write_number(r, c, *number).unwrap();
                        }
                        V::Date(serial) => {
                            worksheet
                                .write_number_with_format(r, c, *serial, &date)
                                .unwrap();
                        }
                        V::Formula(expression, cached) => {
                            let mut formula = Formula::new(expression.as_str());
                            if let Some(cached) = cached {
                                formula = formula.set_result(cached.to_string());
                            }
                            worksheet.write_formula(r, c, formula).unwrap();
                        }
                    }
                }
            }
        }
        workbook.save(path).unwrap();
    }

    pub fn sheet(&mut self, name: &str) -> &mut Sheet {
        self.sheets
            .iter_mut()
            .find(|sheet| sheet.name == name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }

    /// Sets cell `reference` (`B4`) of `sheet`.
    pub fn set(&mut self, sheet: &str, reference: &str, value: V) {
        let (row, column) = cell_ref(reference);
        let rows = &mut self.sheet(sheet).rows;
        if rows.len() <= row {
            rows.resize(row + 1, Vec::new());
        }
        if rows[row].len() <= column {
            rows[row].resize(column + 1, V::Blank);
        }
        rows[row][column] = value;
    }

    pub fn get(&mut self, sheet: &str, reference: &str) -> V {
        let (row, column) = cell_ref(reference);
        let rows = &self.sheet(sheet).rows;
        rows.get(row)
            .and_then(|cells| cells.get(column))
            .cloned()
            .unwrap_or(V::Blank)
    }

    /// Replaces the value of cell `reference` by `change` of it.
    pub fn retype(&mut self, sheet: &str, reference: &str, change: fn(V) -> V) {
        let value = self.get(sheet, reference);
        self.set(sheet, reference, change(value));
    }

    /// Merges `area` (`P6:P7`) as a spreadsheet program does: the first cell's value
    /// stays, every other cell of the area becomes blank.
    pub fn merge(&mut self, sheet: &str, area: &str) {
        let (first, last) = area.split_once(':').unwrap();
        let ((top, left), (bottom, right)) = (cell_ref(first), cell_ref(last));
        let sheet = self.sheet(sheet);
        for row in top..=bottom {
            for column in left..=right {
                if (row, column) != (top, left)
                    && let Some(cell) = sheet.rows[row].get_mut(column)
                {
                    *cell = V::Blank;
                }
            }
        }
        sheet
            .merges
            .push((top as u32, left as u16, bottom as u32, right as u16));
    }

    pub fn rename_sheet(&mut self, from: &str, to: &str) {
        self.sheet(from).name = to.to_string();
    }

    /// Replaces the header `from` (row 1) of `sheet` by `to`.
    pub fn rename_header(&mut self, sheet: &str, from: &str, to: &str) {
        let column = self.column(sheet, from);
        self.sheet(sheet).rows[0][column] = text(to);
    }

    /// Moves the column headed `header` to the end of its sheet.
    pub fn move_column_last(&mut self, sheet: &str, header: &str) {
        let column = self.column(sheet, header);
        let rows = &mut self.sheet(sheet).rows;
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for row in rows.iter_mut() {
            row.resize(width, V::Blank);
            let cell = row.remove(column);
            row.push(cell);
        }
    }

    /// Inserts a copy of row `row` (1-based, as Excel numbers it) right below it.
    pub fn duplicate_row(&mut self, sheet: &str, row: usize) {
        let rows = &mut self.sheet(sheet).rows;
        let copy = rows[row - 1].clone();
        rows.insert(row, copy);
    }

    /// Inserts an empty row before row `row` (1-based).
    pub fn insert_blank_row(&mut self, sheet: &str, row: usize) {
        self.sheet(sheet).rows.insert(row - 1, Vec::new());
    }

    fn column(&mut self, sheet: &str, header: &str) -> usize {
        self.sheet(sheet).rows[0]
            .iter()
            .position(|cell| *cell == text(header))
            .unwrap_or_else(|| panic!("no column {header} in {sheet}"))
    }
}

fn value(cell: &Data) -> V {
    match cell {
        Data::Empty => V::Blank,
        Data::String(text) => V::Text(text.clone()),
        Data::Float(number) => V::Num(*number),
        Data::Int(number) => V::Num(*number as f64),
        Data::DateTime(date) => V::Date(date.as_f64()),
        other => panic!("the samples hold no {other:?}"),
    }
}

/// The date of an Excel date cell.
fn date_of(value: &V) -> chrono::NaiveDate {
    let V::Date(serial) = value else {
        panic!("not a date: {value:?}")
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    epoch + chrono::Duration::days(*serial as i64)
}

/// A date cell typed as text `2024/7/19`.
pub fn slash_date(value: V) -> V {
    V::Text(date_of(&value).format("%Y/%-m/%-d").to_string())
}

/// A date cell typed as text `2024年7月19日`.
pub fn chinese_date(value: V) -> V {
    V::Text(date_of(&value).format("%Y年%-m月%-d日").to_string())
}

/// A date cell whose column is formatted General: its bare serial number.
pub fn bare_serial(value: V) -> V {
    let V::Date(serial) = value else {
        panic!("not a date: {value:?}")
    };
    V::Num(serial)
}

/// A number cell typed as text `¥12,000.00`.
pub fn yuan(value: V) -> V {
    let V::Num(number) = value else {
        panic!("not a number: {value:?}")
    };
    let cents = format!("{number:.2}");
    let (whole, fraction) = cents.split_once('.').unwrap();
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    V::Text(format!("¥{grouped}.{fraction}"))
}

/// A number cell replaced by a formula giving it, with its value cached as a
/// spreadsheet program caches it.
pub fn cached_formula(value: V) -> V {
    let V::Num(number) = value else {
        panic!("not a number: {value:?}")
    };
    V::Formula(format!("={number}*2/2"), Some(number))
}

// ---------------------------------------------------------------------------------------
// Billing CSV edits (bytes: a bill may be GBK or hold a broken UTF-8 sequence)
// ---------------------------------------------------------------------------------------

/// The file's lines, each with its line end.
pub fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|byte| *byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Sets field `index` of line `line` (1-based, the file's row number) to `value`; the
/// sample bills quote no field before the ones edited here.
pub fn set_field(bytes: &mut Vec<u8>, line: usize, index: usize, value: &str) {
    edit_line(bytes, line, |fields| fields[index] = value.to_string());
}

/// Rewrites line `line` (1-based) as its fields, split on commas.
pub fn edit_line(bytes: &mut Vec<u8>, line: usize, edit: impl FnOnce(&mut Vec<String>)) {
    let mut all = lines(bytes);
    let text = String::from_utf8(all[line - 1].clone()).unwrap();
    let body = text.trim_end_matches(['\r', '\n']);
    let end = &text[body.len()..];
    let mut fields: Vec<String> = body.split(',').map(str::to_string).collect();
    edit(&mut fields);
    all[line - 1] = (fields.join(",") + end).into_bytes();
    *bytes = all.concat();
}

/// Inserts an empty line before line `line` (1-based).
pub fn blank_line(bytes: &mut Vec<u8>, line: usize) {
    let mut all = lines(bytes);
    all.insert(line - 1, b"\n".to_vec());
    *bytes = all.concat();
}

/// Moves column `index` of every line to the end of the line.
pub fn move_field_last(bytes: &mut Vec<u8>, index: usize) {
    let count = lines(bytes).len();
    for line in 1..=count {
        edit_line(bytes, line, |fields| {
            if fields.len() > index {
                let field = fields.remove(index);
                fields.push(field);
            }
        });
    }
}

/// Drops column `index` of every line.
pub fn drop_field(bytes: &mut Vec<u8>, index: usize) {
    let count = lines(bytes).len();
    for line in 1..=count {
        edit_line(bytes, line, |fields| {
            if fields.len() > index {
                fields.remove(index);
            }
        });
    }
}

/// Cuts the file `cut` bytes before its end: the download stopped there.
pub fn cut_end(bytes: &mut Vec<u8>, cut: usize) {
    bytes.truncate(bytes.len() - cut);
}

/// Every line end as CRLF.
pub fn crlf(bytes: &mut Vec<u8>) {
    let text = String::from_utf8(bytes.clone()).unwrap();
    *bytes = text
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes();
}

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn strip_bom(bytes: &mut Vec<u8>) {
    assert!(bytes.starts_with(BOM));
    bytes.drain(..BOM.len());
}

pub fn add_bom(bytes: &mut Vec<u8>) {
    assert!(!bytes.starts_with(BOM));
    bytes.splice(0..0, BOM.iter().copied());
}

/// The byte offset in the file of the first occurrence of `needle` on line `line`.
pub fn offset_in_line(bytes: &[u8], line: usize, needle: &str) -> usize {
    let start: usize = lines(bytes)[..line - 1].iter().map(Vec::len).sum();
    let found = lines(bytes)[line - 1]
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
        .unwrap_or_else(|| panic!("no {needle} on line {line}"));
    start + found
}
