//! The kit's workbooks written with rust_xlsxwriter: a header row in bold, frozen below
//! it; each column formatted as what it holds (dates, amounts, percentages, ids as text);
//! a validation on each column — a dropdown for a column of words — over the first
//! [`ROWS`] rows, so what is typed there is checked as it is typed.

use super::{Column, Kind, Plan, SheetPlan, Value};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format, Workbook,
    Worksheet, XlsxError,
};

/// The rows below the header that carry the formats and validations.
pub const ROWS: u32 = 10_000;

/// Excel's limit on an input message's title.
const TITLE_CHARS: usize = 32;

fn number_format(kind: &Kind) -> &'static str {
    match kind {
        Kind::Id => "@",
        Kind::Date => "yyyy-mm-dd",
        Kind::Money { .. } => "#,##0.00",
        Kind::Percent { decimals: 3, .. } => "0.000%",
        Kind::Percent { .. } => "0.00%",
        Kind::Whole { .. } => "0",
        Kind::Number => "0.00##",
        Kind::Text | Kind::Words(_) => "General",
    }
}

fn date_time(date: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(1900),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )
}

/// The validation of a column, `None` for free text. A column of words takes its
/// dropdown's words only (or, when the list is open, warns on another); numbers and dates
/// warn rather than refuse, since the reader takes text forms too (`20pt`, `¥1,234.50`).
fn validation(column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    let warn = DataValidationErrorStyle::Warning;
    let validation = match &column.kind {
        Kind::Text | Kind::Id => return Ok(None),
        Kind::Words(words) => DataValidation::new()
            .allow_list_strings(&words.choices)?
            .set_error_style(if words.open {
                warn
            } else {
                DataValidationErrorStyle::Stop
            }),
        Kind::Date => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(2000, 1, 1)?,
                ExcelDateTime::from_ymd(2100, 12, 31)?,
            ))
            .set_error_style(warn),
        Kind::Money { signed: false } | Kind::Number => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_style(warn),
        Kind::Money { signed: true } => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-1e15, 1e15))
            .set_error_style(warn),
        Kind::Percent { max, .. } => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, *max))
            .set_error_style(warn),
        Kind::Whole { min, max } => {
            DataValidation::new().allow_whole_number(DataValidationRule::Between(*min, *max))
        }
    };
    let title: String = column.header.chars().take(TITLE_CHARS).collect();
    Ok(Some(
        validation
            .ignore_blank(true)
            .set_input_title(title)?
            .set_input_message(column.help.meaning)?,
    ))
}

/// How wide text shows: a Chinese character takes two columns of a Latin one.
fn shown_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A column wide enough for its header, its dropdown's words and its example.
fn width(column: &Column) -> usize {
    let words = match &column.kind {
        Kind::Words(words) => words.choices.iter().map(|word| shown_width(word)).max(),
        _ => None,
    };
    let widest = [
        shown_width(column.header),
        shown_width(column.help.example),
        words.unwrap_or(0),
        8,
    ]
    .into_iter()
    .max()
    .unwrap_or(8);
    widest.min(40) + 4
}

/// One data sheet: header, formats, validations, the example's rows.
fn data_sheet(sheet: &mut Worksheet, plan: &SheetPlan) -> Result<(), XlsxError> {
    sheet.set_name(plan.name)?;
    let bold = Format::new().set_bold();
    for (index, column) in plan.columns.iter().enumerate() {
        let col = u16::try_from(index).unwrap_or(u16::MAX);
        let format = Format::new().set_num_format(number_format(&column.kind));
        sheet.write_string_with_format(0, col, column.header, &bold)?;
        sheet.set_column_format(col, &format)?;
        sheet.set_column_width(col, u32::try_from(width(column)).unwrap_or(20))?;
        if let Some(validation) = validation(column)? {
            sheet.add_data_validation(1, col, ROWS, col, &validation)?;
        }
        for (number, row) in plan.rows.iter().enumerate() {
            let at = u32::try_from(number + 1).unwrap_or(u32::MAX);
            match &row[index] {
                Value::Empty => {}
                Value::Text(text) => {
                    sheet.write_string_with_format(at, col, text, &format)?;
                }
                Value::Number(number) => {
                    sheet.write_number_with_format(at, col, *number, &format)?;
                }
                Value::Date(date) => {
                    sheet.write_date_with_format(at, col, date_time(*date)?, &format)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The README sheet: what the workbook is, what the example gives, and a row per column of
/// every sheet (and of the payout ledger): meaning, accepted values, an example.
fn readme(sheet: &mut Worksheet, plan: &Plan) -> Result<(), XlsxError> {
    let sentences = plan.sentences();
    sheet.set_name(sentences.readme_sheet())?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    sheet.write_string_with_format(
        0,
        0,
        sentences.readme_title(),
        &bold.clone().set_font_size(14),
    )?;
    let mut row = 2;
    for line in sentences.readme_intro() {
        sheet.write_string(row, 0, *line)?;
        row += 1;
    }
    row += 1;
    for line in sentences.readme_example() {
        sheet.write_string(row, 0, *line)?;
        row += 1;
    }
    row += 1;
    for (col, heading) in sentences.readme_headings().iter().enumerate() {
        sheet.write_string_with_format(row, u16::try_from(col).unwrap_or(0), *heading, &bold)?;
    }
    row += 1;
    let ledger = std::iter::once((sentences.ledger_label(), &plan.payouts));
    let sheets = plan
        .contracts
        .iter()
        .map(|sheet| (sheet.name, sheet))
        .chain(ledger);
    for (label, sheet_plan) in sheets {
        for column in &sheet_plan.columns {
            let mut accepted = column.help.accepted.to_string();
            if let Kind::Words(words) = &column.kind {
                let listed: Vec<String> = words
                    .spellings
                    .iter()
                    .map(|group| match group.split_first() {
                        Some((first, [])) => first.clone(),
                        Some((first, rest)) => format!("{first} ({})", rest.join(", ")),
                        None => String::new(),
                    })
                    .collect();
                accepted = format!(
                    "{accepted} {}{}",
                    sentences.words_label(),
                    listed.join("; ")
                );
            }
            sheet.write_string(row, 0, label)?;
            sheet.write_string(row, 1, column.header)?;
            sheet.write_string(row, 2, sentences.required(column.spec.required))?;
            sheet.write_string_with_format(row, 3, column.help.meaning, &wrap)?;
            sheet.write_string_with_format(row, 4, accepted.trim(), &wrap)?;
            sheet.write_string(row, 5, column.help.example)?;
            row += 1;
        }
    }
    for (col, width) in [(0, 16), (1, 18), (2, 10), (3, 60), (4, 70), (5, 22)] {
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}

/// `contracts.xlsx`: the README sheet first, then the four sheets.
pub(super) fn contract_book(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    readme(workbook.add_worksheet(), plan)?;
    for sheet in &plan.contracts {
        data_sheet(workbook.add_worksheet(), sheet)?;
    }
    workbook.save_to_buffer()
}

/// `payouts.xlsx`: the ledger's one sheet (a second sheet would be read as a ledger too).
pub(super) fn ledger(plan: &Plan) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    data_sheet(workbook.add_worksheet(), &plan.payouts)?;
    workbook.save_to_buffer()
}
