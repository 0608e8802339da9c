//! `accruals.csv` and `accruals.xlsx`: what a controller posts at the close — one row per
//! contract (each contract has one currency), each entity's subtotal per currency after
//! its contracts, the movement since the baseline run, and the trail behind each number
//! (a `trail` column; in the workbook also a `trail` sheet, one line per installment or
//! payout). Text cells are neutralised against formula injection as in `findings.csv`;
//! headers in the run's language (docs/REPORTS.md, "Accruals").

use super::i18n::accrual_sentences;
use super::i18n::accruals::{AccrualSentences, COLUMN_COUNT};
use super::table::Table;
use super::tables::{into_cell_text, neutralised};
use crate::domain::accrual::{AccrualRow, Accruals, Amounts, EntityTotal, Movement, TrailItem};
use crate::domain::lang::Lang;
use crate::domain::money::format_money_grouped;
use crate::domain::money_text;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The report files this module writes, in the order a reader opens them.
pub const FILES: [&str; 2] = ["accruals.xlsx", "accruals.csv"];

/// The `row` word of a contract's row (what a baseline's file is read by).
pub const CONTRACT_ROW: &str = "contract";

/// The `row` word of an entity's subtotal.
pub const ENTITY_ROW: &str = "entity_total";

/// Both languages' headers of `accruals.csv`: a baseline's file is read in either.
pub fn csv_headers() -> [[&'static str; COLUMN_COUNT]; 2] {
    [
        accrual_sentences(Lang::En).columns(),
        accrual_sentences(Lang::Zh).columns(),
    ]
}

/// A cell of an accrual row.
enum Cell {
    Text(String),
    Money(Decimal),
    Whole(u32),
    Empty,
}

/// The trail as one text: `earned C1/2026-01-01#1 800.00; received_cash P1 600.00; …`.
fn trail_text(trail: &[TrailItem]) -> String {
    // One string, written in place: a large audit's trails hold a hundred thousand items.
    let mut text = String::new();
    for (index, item) in trail.iter().enumerate() {
        if index > 0 {
            text.push_str("; ");
        }
        text.push_str(item.bucket.word());
        if let Some(key) = &item.period_key {
            text.push(' ');
            text.push_str(key);
            if let Some(number) = item.installment {
                let _ = write!(text, "#{number}");
            }
        }
        if let Some(payout) = &item.payout_id {
            text.push(' ');
            text.push_str(payout);
        }
        text.push(' ');
        text.push_str(&money_text::plain(item.amount));
    }
    text
}

/// The cells of the money columns, earned to open period.
fn amount_cells(amounts: &Amounts) -> Vec<Cell> {
    [
        amounts.earned,
        amounts.received_cash,
        amounts.received_offset,
        amounts.received_credit,
        amounts.received(),
        amounts.receivable_now,
        amounts.receivable_later,
        amounts.conditional,
        amounts.paid_ahead,
        amounts.overpaid,
        amounts.balance(),
        amounts.open_period,
    ]
    .into_iter()
    .map(Cell::Money)
    .collect()
}

/// The movement's cells: opening, earned since, received since, movement.
fn movement_cells(movement: Option<Movement>) -> Vec<Cell> {
    match movement {
        Some(movement) => vec![
            Cell::Money(movement.opening),
            Cell::Money(movement.earned_since),
            Cell::Money(movement.received_since),
            Cell::Money(movement.movement()),
        ],
        None => (0..4).map(|_| Cell::Empty).collect(),
    }
}

fn contract_cells(row: &AccrualRow) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(CONTRACT_ROW.into()),
        Cell::Text(row.entity.clone()),
        Cell::Text(row.contract_id.clone()),
        Cell::Text(row.currency.clone()),
    ];
    cells.extend(amount_cells(&row.amounts));
    cells.extend(movement_cells(row.movement()));
    cells.push(Cell::Text(row.against.word().into()));
    cells.push(Cell::Text(trail_text(&row.trail)));
    cells
}

fn entity_cells(total: &EntityTotal) -> Vec<Cell> {
    let mut cells = vec![
        Cell::Text(ENTITY_ROW.into()),
        Cell::Text(total.entity.clone()),
        Cell::Empty,
        Cell::Text(total.currency.clone()),
    ];
    cells.extend(amount_cells(&total.amounts));
    cells.extend(movement_cells(total.movement));
    cells.push(Cell::Empty);
    cells.push(Cell::Empty);
    cells
}

/// Every row in file order: each entity's contracts, then its subtotal.
fn rows(accruals: &Accruals) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let mut at = 0;
    for total in accruals.entities() {
        for row in accruals.rows.iter().skip(at).take(total.contracts) {
            rows.push(contract_cells(row));
        }
        at += total.contracts;
        rows.push(entity_cells(&total));
    }
    rows
}

/// Writes `accruals.csv` into `out`: UTF-8 with a BOM, every field that is not a number
/// quoted, text neutralised.
///
/// # Errors
/// When `out` fails.
pub fn write_csv(
    out: &mut dyn std::io::Write,
    accruals: &Accruals,
    lang: Lang,
) -> Result<(), csv::Error> {
    out.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(out);
    writer.write_record(accrual_sentences(lang).columns())?;
    let mut number = String::new();
    for cells in rows(accruals) {
        // Each field written as it is formatted, without a string of its own.
        for cell in cells {
            match cell {
                Cell::Text(text) => writer.write_field(&*neutralised(&text))?,
                Cell::Money(amount) => writer.write_field(money_text::plain(amount))?,
                Cell::Whole(whole) => {
                    number.clear();
                    let _ = write!(number, "{whole}");
                    writer.write_field(&number)?;
                }
                Cell::Empty => writer.write_field("")?,
            }
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes `accruals.xlsx` into `out`: the `accruals` sheet (the columns of
/// `accruals.csv`) and the `trail` sheet (one line per installment or payout behind a
/// number), with a fixed creation time so the same audit gives the same bytes.
///
/// # Errors
/// When the workbook cannot be assembled or `out` fails.
pub fn write_xlsx(
    out: &mut (dyn std::io::Write + Send),
    accruals: &Accruals,
    lang: Lang,
    scratch: &std::path::Path,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use super::excel::{MoneyCell, XLSX_COMPRESSION, money_cell};
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
    let words = accrual_sentences(lang);
    let mut workbook = Workbook::new();
    workbook.set_tempdir(scratch)?;
    workbook.set_zip_compression_level(XLSX_COMPRESSION);
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?)
            .set_title("rebate-audit accruals"),
    );
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let write = |sheet: &mut Worksheet, row: u32, column: u16, cell: Cell| {
        match cell {
            Cell::Empty => Ok(sheet),
            Cell::Text(text) => sheet.write_string(row, column, into_cell_text(text).0),
            Cell::Money(amount) => match money_cell(amount) {
                MoneyCell::Number(number) => {
                    sheet.write_number_with_format(row, column, number, &money)
                }
                MoneyCell::Text(shown) => sheet.write_string(row, column, shown),
            },
            Cell::Whole(number) => sheet.write_number(row, column, f64::from(number)),
        }
        .map(|_| ())
    };
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("accruals")?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(1, 28.0)?;
    sheet.set_column_width(2, 16.0)?;
    sheet.set_column_width(21, 90.0)?;
    for (column, name) in words.columns().into_iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, name, &bold)?;
    }
    for (index, cells) in rows(accruals).into_iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, cell) in cells.into_iter().enumerate() {
            write(sheet, row, column as u16, cell)?;
        }
    }
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("trail")?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(1, 28.0)?;
    sheet.set_column_width(4, 26.0)?;
    for (column, name) in words.trail_columns().into_iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, name, &bold)?;
    }
    let mut line = 0u32;
    for row in &accruals.rows {
        for item in &row.trail {
            line = line.saturating_add(1);
            let cells = [
                Cell::Text(row.contract_id.clone()),
                Cell::Text(row.entity.clone()),
                Cell::Text(row.currency.clone()),
                Cell::Text(item.bucket.word().into()),
                item.period_key.clone().map_or(Cell::Empty, Cell::Text),
                item.installment.map_or(Cell::Empty, Cell::Whole),
                item.payout_id.clone().map_or(Cell::Empty, Cell::Text),
                Cell::Money(item.amount),
            ];
            for (column, cell) in cells.into_iter().enumerate() {
                write(sheet, line, column as u16, cell)?;
            }
        }
    }
    workbook.save_to_writer(out)
}

/// The summary's table: one line per entity and currency, at most `listed`, and how many
/// are left out.
pub(super) fn summary_table(
    accruals: &Accruals,
    words: &dyn AccrualSentences,
    listed: usize,
) -> (Table, usize) {
    let movement = matches!(
        accruals.baseline,
        crate::domain::accrual::BaselineAccruals::Read { .. }
    );
    let totals = accruals.entities();
    let more = totals.len().saturating_sub(listed);
    let rows = totals
        .iter()
        .take(listed)
        .map(|total| {
            let amounts = &total.amounts;
            let mut cells = vec![
                total.entity.clone(),
                total.currency.clone(),
                total.contracts.to_string(),
            ];
            cells.extend(
                [
                    amounts.earned,
                    amounts.received(),
                    amounts.receivable_now,
                    amounts.receivable_later,
                    amounts.conditional,
                    amounts.paid_ahead,
                    amounts.overpaid,
                    amounts.balance(),
                ]
                .into_iter()
                .map(format_money_grouped),
            );
            if movement {
                match total.movement {
                    Some(movement) => cells.extend([
                        format_money_grouped(movement.opening),
                        format_money_grouped(movement.movement()),
                    ]),
                    None => cells.extend([String::new(), String::new()]),
                }
            }
            cells
        })
        .collect();
    (
        Table {
            header: words.summary_columns(movement),
            rows,
        },
        more,
    )
}

#[cfg(test)]
mod tests;
