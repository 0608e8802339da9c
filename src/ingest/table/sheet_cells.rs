//! calamine's cells as [`Cell`]s, and streamed cells assembled into rows: a row with a
//! value past the widest column read is rejected with its place, never cut short.

use super::as_typed::SheetTyping;
use super::column_letters::column_name;
use super::error::TableError;
use super::limits::{EXCEL_COLUMNS, Limit, Limits};
use super::visitor::TableVisitor;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use calamine::Data;

/// The values of a spreadsheet row past the widest row read (`sheet_columns`): the row is
/// rejected, naming the first, rather than read without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overflow {
    /// The first such column, 0-based.
    first: usize,
    /// How many cells past the limit hold a value.
    count: usize,
}

impl Overflow {
    /// From the 0-based columns past the limit that hold a value, in order.
    pub(super) fn of(mut columns: impl Iterator<Item = usize>) -> Option<Overflow> {
        let first = columns.next()?;
        Some(Overflow {
            first,
            count: 1 + columns.count(),
        })
    }

    /// Why row `row` is rejected, when rows are read up to `columns` columns.
    pub(super) fn why(self, row: usize, columns: usize) -> String {
        let more = match self.count {
            1 => String::new(),
            count => format!(" (and {} more cells past it)", count - 1),
        };
        format!(
            "cell {}{row} (column {}) holds a value{more}, but rows are read only up to column {} ({columns} columns, `sheet_columns` in the [limits] table of the --config file, at most {EXCEL_COLUMNS}): the row is rejected rather than read without it",
            column_name(self.first as u64),
            self.first + 1,
            column_name(columns.saturating_sub(1) as u64),
        )
    }
}

/// Assembles streamed cells into rows. Rows arrive in order in every file Excel writes;
/// should a hostile file go back, the row is simply emitted again under its number. A
/// row with a value past `limits.sheet_columns` is handed over as unreadable, naming the
/// cell; an empty cell out there (formatting only) loses nothing and is passed over.
///
/// Each cell comes with its formula when the sheet is read as typed (`typing`): a formula
/// without a computed value is reported and its cell read empty, and merged areas are
/// filled into the rows.
pub(super) fn stream_cells<'d>(
    table: &Location,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    mut typing: Option<&mut SheetTyping>,
    mut next: impl FnMut() -> Result<Option<StreamedCell<'d>>, String>,
) -> Result<(), TableError> {
    let columns = limits.sheet_columns as usize;
    let mut cells: Vec<Cell> = Vec::new();
    // Cells in use in the current row (the vector keeps more for reuse).
    let mut width = 0usize;
    let mut current: Option<u32> = None;
    // Values of the current row past the last column read.
    let mut overflow: Option<Overflow> = None;
    let mut count = 0u64;
    loop {
        let cell = next().map_err(|message| TableError::Workbook {
            location: table.clone(),
            message,
        })?;
        let Some((cell, formula)) = cell else { break };
        count += 1;
        if count > limits.sheet_cells {
            return Err(TableError::TooLarge {
                location: table.clone(),
                what: "the number of cells".into(),
                size: count,
                limit: limits.sheet_cells,
                which: Limit::SheetCells,
                partial: false,
            });
        }
        let (row, column) = cell.get_position();
        if current != Some(row) {
            if let Some(previous) = current {
                hand_over(
                    table,
                    visitor,
                    typing.as_deref_mut(),
                    previous,
                    &cells[..width],
                    columns,
                    overflow.take(),
                )?;
            }
            // Emptied, not dropped: the next row's text reuses the strings.
            for cell in &mut cells[..width] {
                empty(cell);
            }
            width = 0;
            current = Some(row);
        }
        let column = column as usize;
        if column >= columns {
            if !cell_from_data_ref(cell.get_value()).is_empty() {
                overflow = Some(match overflow {
                    None => Overflow {
                        first: column,
                        count: 1,
                    },
                    Some(seen) => Overflow {
                        first: seen.first.min(column),
                        count: seen.count + 1,
                    },
                });
            }
            continue;
        }
        if cells.len() <= column {
            cells.resize(column + 1, Cell::Empty);
        }
        width = width.max(column + 1);
        let uncalculated = match (typing.as_deref_mut(), formula.as_deref()) {
            (Some(typing), Some(formula)) => {
                typing.formula(column, formula, stored_nothing(cell.get_value()))
            }
            _ => false,
        };
        if uncalculated {
            cells[column] = Cell::Empty;
        } else {
            fill(&mut cells[column], cell.get_value());
        }
    }
    if let Some(previous) = current {
        hand_over(
            table,
            visitor,
            typing,
            previous,
            &cells[..width],
            columns,
            overflow,
        )?;
    }
    Ok(())
}

/// One streamed cell, and its formula when the sheet is read as typed.
pub(super) type StreamedCell<'d> = (calamine::Cell<calamine::DataRef<'d>>, Option<String>);

/// Hands a finished row over: as typed through `typing`, else as it is (or as unreadable
/// when it has values past the last column read).
fn hand_over(
    table: &Location,
    visitor: &mut dyn TableVisitor,
    typing: Option<&mut SheetTyping>,
    row: u32,
    cells: &[Cell],
    columns: usize,
    overflow: Option<Overflow>,
) -> Result<(), TableError> {
    let number = row as usize + 1;
    let unreadable = overflow.map(|overflow| overflow.why(number, columns));
    match (typing, unreadable) {
        (Some(typing), unreadable) => {
            typing.finish_row(table, visitor, row, cells, columns, unreadable)
        }
        (None, Some(why)) => {
            visitor.unreadable_row(number, why);
            Ok(())
        }
        (None, None) => {
            visitor.row(number, cells);
            Ok(())
        }
    }
}

/// Whether a stored value is nothing: no value, or empty text (a formula written with an
/// empty result so that LibreOffice calculates it).
pub(super) fn stored_nothing(data: &calamine::DataRef<'_>) -> bool {
    use calamine::DataRef;
    match data {
        DataRef::Empty => true,
        DataRef::SharedString(text) => text.trim().is_empty(),
        DataRef::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// Empties a cell, keeping a text cell's string for reuse (an empty text reads as empty).
fn empty(cell: &mut Cell) {
    match cell {
        Cell::Text(text) => text.clear(),
        other => *other = Cell::Empty,
    }
}

/// Sets a cell from a streamed value, reusing its string for text.
fn fill(slot: &mut Cell, data: &calamine::DataRef<'_>) {
    use calamine::DataRef;
    let text = match data {
        DataRef::SharedString(text) => Some(text.trim()),
        DataRef::String(text) => Some(text.trim()),
        _ => None,
    };
    match (text, slot) {
        (Some(""), slot) => empty(slot),
        (Some(text), Cell::Text(previous)) => {
            previous.clear();
            previous.push_str(text);
        }
        (Some(text), slot) => *slot = Cell::Text(text.to_string()),
        (None, slot) => *slot = cell_from_data_ref(data),
    }
}

fn cell_from_data_ref(data: &calamine::DataRef<'_>) -> Cell {
    use calamine::DataRef;
    match data {
        DataRef::SharedString(text) if text.trim().is_empty() => Cell::Empty,
        DataRef::SharedString(text) => Cell::Text(text.trim().to_string()),
        DataRef::String(text) => cell_from_data(&Data::String(text.clone())),
        DataRef::Int(number) => cell_from_data(&Data::Int(*number)),
        DataRef::Float(number) => Cell::Number(*number),
        DataRef::Bool(value) => Cell::Bool(*value),
        DataRef::DateTime(value) => cell_from_data(&Data::DateTime(*value)),
        DataRef::DateTimeIso(text) => cell_from_data(&Data::DateTimeIso(text.clone())),
        DataRef::DurationIso(text) => Cell::Text(text.clone()),
        DataRef::Error(error) => Cell::Error(error.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

pub(super) fn cell_from_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) if text.trim().is_empty() => Cell::Empty,
        Data::String(text) => Cell::Text(text.trim().to_string()),
        Data::Float(number) => Cell::Number(*number),
        #[allow(clippy::cast_precision_loss)]
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(value) if value.is_datetime() => {
            let (year, month, day, ..) = value.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
            {
                Some(date) => Cell::Date(date),
                None => Cell::Number(value.as_f64()),
            }
        }
        Data::DateTime(value) => Cell::Number(value.as_f64()),
        Data::DateTimeIso(text) => {
            let date_part = text.get(..10).unwrap_or(text);
            match chrono::NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
                Ok(date) => Cell::Date(date),
                Err(_) => Cell::Text(text.clone()),
            }
        }
        Data::DurationIso(text) => Cell::Text(text.clone()),
        Data::Error(error) => Cell::Error(error.to_string()),
    }
}
