//! An `.ods` checked before calamine opens it. calamine reads every table of an `.ods`
//! when it opens the file and expands repeated rows and cells (`number-rows-repeated`,
//! `number-columns-repeated`) into a dense grid up to the last row and column that hold
//! something: an 800-byte file repeating one filled row a million times, 90 cells wide,
//! asked for gigabytes and aborted the process. This pass reads `content.xml` as calamine
//! does (the same tag names, the same caps on repeats: 1,048,576 rows, 16,384 columns) and
//! measures the grid each table would become, in bounded memory; past `sheet_cells`, all
//! tables together, the file is refused before calamine sees it.

use super::error::TableError;
use super::limits::{Limit, Limits};
use crate::domain::location::Location;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};
use std::sync::Arc;

/// calamine's caps on an `.ods` table (ods.rs `MAX_ROWS`, `MAX_COLUMNS`).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The grid a table becomes: rows up to its last row with a value, columns up to its
/// widest value.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Grid {
    /// Rows so far, repeats counted (capped as calamine caps them).
    rows: u64,
    /// Rows up to and including the last one with a value.
    rows_used: u64,
    /// Columns up to the last value of the widest row.
    columns_used: u64,
}

impl Grid {
    fn cells(self) -> u64 {
        self.rows_used.saturating_mul(self.columns_used)
    }
}

/// The value of attribute `name` as a count (`None` when absent or unreadable: calamine
/// then fails on its own, or counts one).
fn count(tag: &BytesStart<'_>, name: &str) -> Option<u64> {
    let value = tag.try_get_attribute(name).ok().flatten()?;
    value.value.trim().parse().ok()
}

/// Measures every table of `content.xml`: the cells calamine would hold for all of them.
fn measure(content: impl Read) -> Result<u64, quick_xml::Error> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buffer = Vec::new();
    let (mut total, mut grid) = (0u64, Grid::default());
    // The row being read: its repeats, cells so far and the end of its last value.
    let (mut repeats, mut cells, mut used) = (1u64, 0u64, 0u64);
    loop {
        let event = reader.read_event_into(&mut buffer)?;
        let (tag, empty) = match &event {
            Event::Start(tag) => (Some(tag), false),
            Event::Empty(tag) => (Some(tag), true),
            Event::End(end) => {
                match end.name().as_ref() {
                    "table:table-row" => end_row(&mut grid, repeats, used),
                    "table:table" => {
                        total = total.saturating_add(grid.cells());
                        grid = Grid::default();
                    }
                    _ => {}
                }
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        if let Some(tag) = tag {
            match tag.name().as_ref() {
                "table:table-row" => {
                    repeats = count(tag, "table:number-rows-repeated").unwrap_or(1);
                    (cells, used) = (0, 0);
                    if empty {
                        end_row(&mut grid, repeats, used);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let columns = count(tag, "table:number-columns-repeated")
                        .unwrap_or(1)
                        .min(MAX_COLUMNS.saturating_sub(cells));
                    cells = cells.saturating_add(columns);
                    // A cell with content or a value type may hold a value: counted as one
                    // (an over-estimate for an empty one, never an under-estimate).
                    let valued = !empty
                        || tag
                            .try_get_attribute("office:value-type")
                            .ok()
                            .flatten()
                            .is_some();
                    if valued {
                        used = cells;
                    }
                }
                _ => {}
            }
        }
        buffer.clear();
    }
    Ok(total.saturating_add(grid.cells()))
}

fn end_row(grid: &mut Grid, repeats: u64, used: u64) {
    grid.rows = grid
        .rows
        .saturating_add(repeats.min(MAX_ROWS.saturating_sub(grid.rows)));
    if used > 0 {
        grid.rows_used = grid.rows;
        grid.columns_used = grid.columns_used.max(used);
    }
}

/// Refuses an `.ods` whose tables would become more than `sheet_cells` cells in calamine.
/// A file that is not a readable zip, or has no readable `content.xml`, is left to calamine,
/// which says what is wrong with it (the parts' sizes were checked before).
///
/// # Errors
/// [`TableError::TooLarge`] naming the cells and the limit.
pub(super) fn check(bytes: &[u8], file: &Arc<str>, limits: &Limits) -> Result<(), TableError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let Ok(cells) = measure(content) else {
        return Ok(());
    };
    if cells > limits.sheet_cells {
        return Err(TableError::TooLarge {
            location: Location::file(file.clone()),
            what: "the grid its tables would become (repeated rows and cells expanded up to the last value)".into(),
            size: cells,
            limit: limits.sheet_cells,
            which: Limit::SheetCells,
            partial: false,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet><table:table table:name="A">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    #[test]
    fn repeated_rows_and_cells_count_up_to_the_last_value() {
        // A header of 3 values, then one row of 90 values repeated a million times.
        let text = content(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell/><table:table-cell office:value-type="float"/></table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#,
        );
        assert_eq!(measure(text.as_bytes()).unwrap(), 1_000_001 * 90);
    }

    #[test]
    fn trailing_empty_repeats_as_spreadsheet_programs_write_them_cost_nothing() {
        // LibreOffice pads a sheet to its full size with empty repeated rows and cells.
        let text = content(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
        );
        assert_eq!(measure(text.as_bytes()).unwrap(), 1);
    }

    #[test]
    fn repeats_are_capped_as_calamine_caps_them() {
        let text = content(
            r#"<table:table-row table:number-rows-repeated="99999999999"><table:table-cell table:number-columns-repeated="99999999" office:value-type="float"/></table:table-row>"#,
        );
        assert_eq!(measure(text.as_bytes()).unwrap(), MAX_ROWS * MAX_COLUMNS);
    }
}
