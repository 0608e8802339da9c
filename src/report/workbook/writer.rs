//! Writes values into sheets by report.xlsx's cell rules, and counts what had to be
//! written otherwise (amounts as text, texts cut, rows beyond Excel's limit).

use crate::domain::lang::Lang;
use crate::domain::money::format_rate;
use crate::report::excel::{EXACT_DIGITS, MoneyCell, exact_number, excel_date, money_cell};
use crate::report::i18n::keys::{self, value_zh};
use crate::report::tables::{Value, cell_text_borrowed, into_cell_text};
use rust_xlsxwriter::{Format, Note, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;

/// Data rows a sheet holds below its header (Excel's limit is 1,048,576 rows).
const MAX_DATA_ROWS: usize = 1_048_575;

/// Largest integer an Excel number holds exactly (2^53).
const EXACT_INTEGER: u64 = 1 << 53;

pub(super) fn column_number(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

pub(super) fn row_number(index: usize) -> Result<u32, XlsxError> {
    u32::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// The kinds of cell a column format is given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Money,
    Date,
    Rate,
}

/// The colours of a severity cell: fill, then font (the badges of report.html, lightened
/// so the word stays readable in print).
const SEVERITY_COLOURS: [(&str, u32, u32); 3] = [
    ("error", 0x00F9_D6D5, 0x008C_1D18),
    ("warning", 0x00FC_E8C3, 0x006B_4100),
    ("info", 0x00D6_E4F5, 0x0017_4A85),
];

/// Cell formats, and what had to be written differently from the rules.
pub(super) struct Writer {
    header: Format,
    /// The format of a severity word, one per [`SEVERITY_COLOURS`].
    severities: Vec<(&'static str, Format)>,
    /// The column of the table being written that holds severity words, if any.
    severity_column: Option<u16>,
    money: Format,
    date: Format,
    rate: Format,
    /// Excel's default format, for a whole number in a column formatted for money.
    general: Format,
    /// The format each column of the table being written has as its column format
    /// ([`Writer::table`]): its cells of that kind are written without a format of their
    /// own, which spares rust_xlsxwriter hashing the format for every cell.
    column_formats: Vec<Option<CellKind>>,
    /// Amounts written as text because a number cannot hold them exactly.
    pub(super) amounts_as_text: usize,
    /// Texts cut to fit a cell.
    pub(super) texts_cut: usize,
    /// Sheets that reached Excel's row limit, and how many rows did not fit.
    pub(super) rows_left_out: Vec<(&'static str, usize)>,
    /// The reader's language: headers, sheet names and code values follow it.
    pub(super) lang: Lang,
    /// The keys of the current table's columns, to name a code value by its column.
    keys: Vec<String>,
}

impl Writer {
    pub(super) fn new(lang: Lang) -> Writer {
        Writer {
            header: Format::new().set_bold(),
            severities: SEVERITY_COLOURS
                .iter()
                .map(|(word, fill, font)| {
                    (
                        *word,
                        Format::new()
                            .set_background_color(*fill)
                            .set_font_color(*font)
                            .set_bold(),
                    )
                })
                .collect(),
            severity_column: None,
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            rate: Format::new().set_num_format("0.00%"),
            general: Format::new(),
            column_formats: Vec::new(),
            amounts_as_text: 0,
            texts_cut: 0,
            rows_left_out: Vec::new(),
            lang,
            keys: Vec::new(),
        }
    }

    fn text(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        text: &str,
    ) -> Result<(), XlsxError> {
        let (text, cut) = cell_text_borrowed(text);
        if cut {
            self.texts_cut += 1;
        }
        sheet.write_string(row, column, text)?;
        Ok(())
    }

    /// Writes one value; never a formula, and text always neutralised.
    fn write(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        value: &Value,
    ) -> Result<(), XlsxError> {
        match value {
            Value::Empty => {}
            Value::Text(text) if self.severity_column == Some(column) => {
                let shown = self.shown(column, text);
                match self.severities.iter().find(|(word, _)| word == text) {
                    Some((_, format)) => {
                        sheet.write_string_with_format(row, column, &*shown, format)?;
                    }
                    None => self.text(sheet, row, column, &shown)?,
                }
            }
            Value::Text(text) => {
                let shown = self.shown(column, text);
                self.text(sheet, row, column, &shown)?;
            }
            Value::Money(amount) => match money_cell(*amount) {
                MoneyCell::Number(number) if self.column_is(column, CellKind::Money) => {
                    sheet.write_number(row, column, number)?;
                }
                MoneyCell::Number(number) => {
                    sheet.write_number_with_format(row, column, number, &self.money)?;
                }
                MoneyCell::Text(shown) => {
                    sheet.write_string(row, column, &shown)?;
                    let note = Note::new(keys::workbook_note(
                        keys::Note::AmountAsText(&shown, EXACT_DIGITS),
                        self.lang,
                    ))
                    .set_author("rebate-audit")
                    .add_author_prefix(false);
                    sheet.insert_note(row, column, &note)?;
                    self.amounts_as_text += 1;
                }
            },
            Value::Integer(number) => {
                if number.unsigned_abs() <= EXACT_INTEGER {
                    #[allow(clippy::cast_precision_loss)] // at most 2^53: exact
                    let number = *number as f64;
                    if self
                        .column_formats
                        .get(usize::from(column))
                        .is_some_and(Option::is_some)
                    {
                        sheet.write_number_with_format(row, column, number, &self.general)?;
                    } else {
                        sheet.write_number(row, column, number)?;
                    }
                } else {
                    // Our own digits, like money written as text.
                    sheet.write_string(row, column, number.to_string())?;
                }
            }
            Value::Date(day) => match excel_date(*day) {
                Some(date) if self.column_is(column, CellKind::Date) => {
                    sheet.write_datetime(row, column, &date)?;
                }
                Some(date) => {
                    sheet.write_date_with_format(row, column, &date, &self.date)?;
                }
                None => self.text(sheet, row, column, &day.to_string())?,
            },
            Value::Rate(rate) => match exact_number(*rate) {
                Some(number) if self.column_is(column, CellKind::Rate) => {
                    sheet.write_number(row, column, number)?;
                }
                Some(number) => {
                    sheet.write_number_with_format(row, column, number, &self.rate)?;
                }
                None => self.text(sheet, row, column, &format_rate(*rate))?,
            },
            Value::Flag(flag) => {
                sheet.write_boolean(row, column, *flag)?;
            }
        }
        Ok(())
    }

    /// [`Writer::write`] for a value the table gives away: a text that needs no change
    /// (nearly all) is handed to the sheet as it is, without a copy.
    fn write_owned(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        value: Value,
    ) -> Result<(), XlsxError> {
        let text = match value {
            Value::Text(text) if self.severity_column != Some(column) => text,
            other => return self.write(sheet, row, column, &other),
        };
        let text = match self.shown(column, &text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(shown) => shown,
        };
        let (text, cut) = into_cell_text(text);
        if cut {
            self.texts_cut += 1;
        }
        sheet.write_string(row, column, text)?;
        Ok(())
    }

    /// Whether `column` of the table being written has `kind`'s format as its column format.
    /// The keys of the columns written next, to name their code values.
    pub(super) fn set_keys(&mut self, keys: &[&str]) {
        self.keys = keys.iter().map(|key| (*key).to_string()).collect();
    }

    /// A text as the reader sees it: in Chinese a code under a column that holds codes is
    /// its Chinese name with the code beside it (`已付清（paid）`).
    fn shown<'t>(&self, column: u16, text: &'t str) -> Cow<'t, str> {
        if self.lang == Lang::En {
            return Cow::Borrowed(text);
        }
        self.keys
            .get(usize::from(column))
            .and_then(|key| value_zh(key, text))
            .map_or(Cow::Borrowed(text), Cow::Owned)
    }

    fn column_is(&self, column: u16, kind: CellKind) -> bool {
        self.column_formats.get(usize::from(column)) == Some(&Some(kind))
    }

    /// Sets each column's format from the kind of the first row's value in it (money,
    /// date or rate; other kinds and empty cells set none). Before the widths: a column
    /// format given after a width would be lost.
    fn set_column_formats(
        &mut self,
        sheet: &mut Worksheet,
        first: Option<&Vec<Value>>,
    ) -> Result<(), XlsxError> {
        self.column_formats.clear();
        for (column, value) in first.into_iter().flatten().enumerate() {
            let kind = match value {
                Value::Money(amount) if matches!(money_cell(*amount), MoneyCell::Number(_)) => {
                    Some(CellKind::Money)
                }
                Value::Date(day) if excel_date(*day).is_some() => Some(CellKind::Date),
                Value::Rate(rate) if exact_number(*rate).is_some() => Some(CellKind::Rate),
                _ => None,
            };
            let format = match kind {
                Some(CellKind::Money) => &self.money,
                Some(CellKind::Date) => &self.date,
                Some(CellKind::Rate) => &self.rate,
                None => {
                    self.column_formats.push(None);
                    continue;
                }
            };
            sheet.set_column_format(column_number(column)?, format)?;
            self.column_formats.push(kind);
        }
        Ok(())
    }

    pub(super) fn header_row(
        &self,
        sheet: &mut Worksheet,
        row: u32,
        names: &[&str],
    ) -> Result<(), XlsxError> {
        for (column, name) in names.iter().enumerate() {
            sheet.write_string_with_format(
                row,
                column_number(column)?,
                keys::column(name, self.lang),
                &self.header,
            )?;
        }
        Ok(())
    }

    pub(super) fn cells(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        cells: &[Value],
    ) -> Result<(), XlsxError> {
        for (column, value) in cells.iter().enumerate() {
            self.write(sheet, row, column_number(column)?, value)?;
        }
        Ok(())
    }

    /// A table sheet: bold header, one row per item, autofilter over it all; the header row
    /// and the first column (the row's id, contract or table) stay in view when scrolling,
    /// and a `severity` column's words are coloured like report.html's badges. The colour
    /// is the cell's own format, so it moves with the row when the table is sorted or
    /// filtered.
    pub(super) fn table<S: AsRef<str>>(
        &mut self,
        workbook: &mut Workbook,
        name: &'static str,
        columns: &[(S, f64)],
        rows: impl IntoIterator<Item = Vec<Value>>,
    ) -> Result<Worksheet, XlsxError> {
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(keys::sheet(name, self.lang))?;
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_ref()).collect();
        self.header_row(&mut sheet, 0, &names)?;
        self.keys = names.iter().map(|name| (*name).to_string()).collect();
        let mut rows = rows.into_iter().peekable();
        self.set_column_formats(&mut sheet, rows.peek())?;
        self.severity_column = names
            .iter()
            .position(|name| *name == "severity")
            .map(column_number)
            .transpose()?;
        for (column, (_, width)) in columns.iter().enumerate() {
            sheet.set_column_width(column_number(column)?, *width)?;
        }
        let (mut written, mut left_out) = (0, 0);
        for cells in rows {
            if written == MAX_DATA_ROWS {
                left_out += 1;
                continue;
            }
            written += 1;
            let row = row_number(written)?;
            for (column, value) in cells.into_iter().enumerate() {
                self.write_owned(&mut sheet, row, column_number(column)?, value)?;
            }
        }
        self.column_formats.clear();
        self.keys.clear();
        self.severity_column = None;
        if left_out > 0 {
            self.rows_left_out.push((name, left_out));
        }
        sheet.set_freeze_panes(1, 1)?;
        sheet.autofilter(
            0,
            0,
            row_number(written)?,
            column_number(columns.len().saturating_sub(1))?,
        )?;
        Ok(sheet)
    }
}
