//! Merged cells read as a person sees them: the value of a merged area (held by its
//! top-left cell) in every cell of the area. A `due_days` typed once and merged over two
//! contracts' rows is both contracts' `due_days`, as Excel shows it; read cell by cell,
//! the second contract would get an empty cell and its default.
//!
//! Only for the small hand-made tables whose caller asks for it
//! ([`ReadOptions`](super::ReadOptions)). The areas come from the sheet's `<mergeCell>`
//! elements in an `.xlsx` (read here, bounded and checked: calamine's own reader
//! accumulates references without a check) and from calamine for an `.xls`; an `.ods` or
//! `.xlsb` is read cell by cell, calamine not telling its merged areas.

use super::column_letters::column_name;
use crate::ingest::cell::Cell;
use quick_xml::events::Event;
use std::io::{BufReader, Read};

/// The most merged areas a sheet read this way may have: hand-made tables have a few; a
/// sheet with more is refused rather than held.
pub(super) const MAX_AREAS: usize = 100_000;

/// Excel's last row and column, 1-based.
const MAX_ROW: u32 = 1_048_576;
const MAX_COLUMN: u32 = 16_384;

/// One merged area, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Area {
    pub(super) first_row: u32,
    pub(super) first_column: u32,
    pub(super) last_row: u32,
    pub(super) last_column: u32,
}

impl Area {
    /// An area from its corners, in either order.
    pub(super) fn new(start: (u32, u32), end: (u32, u32)) -> Area {
        Area {
            first_row: start.0.min(end.0),
            first_column: start.1.min(end.1),
            last_row: start.0.max(end.0),
            last_column: start.1.max(end.1),
        }
    }

    /// `B3:C4` as a spreadsheet names it.
    pub(super) fn name(self) -> String {
        format!(
            "{}{}:{}{}",
            column_name(u64::from(self.first_column)),
            self.first_row + 1,
            column_name(u64::from(self.last_column)),
            self.last_row + 1
        )
    }
}

/// A cell reference `B3` as 0-based (row, column), within Excel's grid.
fn cell_reference(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    let digits = text.find(|character: char| character.is_ascii_digit())?;
    let (letters, number) = text.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || number.len() > 7 {
        return None;
    }
    let mut column = 0u32;
    for letter in letters.bytes() {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        column = column * 26 + u32::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    let row: u32 = number.parse().ok()?;
    ((1..=MAX_COLUMN).contains(&column) && (1..=MAX_ROW).contains(&row))
        .then(|| (row - 1, column - 1))
}

/// A `ref` such as `B3:C4` (or one cell `B3`) as an area; `None` when it is not one.
pub(super) fn area_reference(text: &str) -> Option<Area> {
    let (start, end) = text.split_once(':').unwrap_or((text, text));
    Some(Area::new(cell_reference(start)?, cell_reference(end)?))
}

/// Why a sheet's merged areas cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MergeProblem {
    /// More than [`MAX_AREAS`].
    TooMany,
    /// A `ref` that is no area of Excel's grid.
    BadReference(String),
    /// The sheet part is not readable XML.
    Xml(String),
}

impl MergeProblem {
    pub(super) fn message(&self) -> String {
        match self {
            MergeProblem::TooMany => format!(
                "the sheet has more than {MAX_AREAS} merged areas; unmerge the cells and save it again"
            ),
            MergeProblem::BadReference(text) => format!(
                "a merged area `{}` is not a range of the sheet; the file is corrupt, save it again from Excel",
                text.chars().take(40).collect::<String>()
            ),
            MergeProblem::Xml(message) => {
                format!("the merged areas of the sheet cannot be read ({message})")
            }
        }
    }
}

/// Every `<mergeCell ref="…">` of an `.xlsx` sheet part, streamed.
pub(super) fn read_xlsx_areas(part: impl Read) -> Result<Vec<Area>, MergeProblem> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buffer = Vec::new();
    let mut areas = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|error| MergeProblem::Xml(error.to_string()))?;
        match &event {
            Event::Start(tag) | Event::Empty(tag) if tag.local_name().as_ref() == "mergeCell" => {
                let reference = tag
                    .try_get_attribute("ref")
                    .ok()
                    .flatten()
                    .map(|attribute| attribute.value.into_owned())
                    .unwrap_or_default();
                let area = area_reference(&reference)
                    .ok_or_else(|| MergeProblem::BadReference(reference.clone()))?;
                if areas.len() == MAX_AREAS {
                    return Err(MergeProblem::TooMany);
                }
                areas.push(area);
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(areas)
}

/// Fills the merged areas of one sheet into its rows as they are handed over, in order.
///
/// A row is filled only when it holds a value of its own: the cells a merged area covers
/// in an otherwise empty row stay empty (the row stays blank rather than becoming a row
/// that holds nothing but a copy). The top-left cell's value is what every cell of the
/// area shows, a value hidden under the merge included (Excel shows the top-left one).
#[derive(Debug, Default)]
pub(super) struct Merges {
    /// By first row, then column.
    areas: Vec<Area>,
    /// The next area of `areas` not yet reached.
    next: usize,
    /// Areas reached and not yet passed, with their top-left cell's value.
    active: Vec<(Area, Cell)>,
}

impl Merges {
    /// The areas of a sheet whose rows are read up to `columns` columns: an area starting
    /// past them fills nothing and is dropped; one cell alone is no merge.
    pub(super) fn new(mut areas: Vec<Area>, columns: usize) -> Merges {
        areas.retain(|area| {
            (area.first_column as usize) < columns
                && (area.first_row, area.first_column) != (area.last_row, area.last_column)
        });
        areas.sort();
        Merges {
            areas,
            next: 0,
            active: Vec::new(),
        }
    }

    /// Whether the sheet has any area to fill.
    pub(super) fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Fills row `row` (0-based) of at most `columns` cells. Rows must come in order; a
    /// row that comes again (a hostile file) is filled from the areas still open.
    ///
    /// Returns how many cells were filled.
    ///
    /// # Errors
    /// When two areas overlap in the row (Excel never writes that; the file is corrupt):
    /// the areas' names.
    pub(super) fn fill(
        &mut self,
        row: u32,
        cells: &mut Vec<Cell>,
        columns: usize,
    ) -> Result<u64, (String, String)> {
        if self.areas.is_empty() {
            return Ok(0);
        }
        self.active.retain(|(area, _)| area.last_row >= row);
        while let Some(area) = self.areas.get(self.next) {
            if area.first_row > row {
                break;
            }
            self.next += 1;
            if area.last_row < row {
                continue;
            }
            // The top-left cell's value, when its row is this one; an area whose first row
            // was never handed over (it held nothing) has nothing to show.
            let value = if area.first_row == row {
                cells
                    .get(area.first_column as usize)
                    .cloned()
                    .unwrap_or(Cell::Empty)
            } else {
                Cell::Empty
            };
            self.active.push((*area, value));
        }
        if !cells.iter().any(|cell| !cell.is_empty()) {
            return Ok(0);
        }
        let mut count = 0u64;
        // Overlapping areas would fill a cell twice: refused, which also bounds the work
        // per row to the row's width.
        let mut filled: Vec<(u32, u32, usize)> = Vec::new();
        for (index, (area, value)) in self.active.iter().enumerate() {
            let last = (area.last_column as usize).min(columns.saturating_sub(1));
            let first = area.first_column as usize;
            if let Some((_, _, other)) = filled
                .iter()
                .find(|(start, end, _)| first <= *end as usize && (*start as usize) <= last)
            {
                return Err((self.active[*other].0.name(), area.name()));
            }
            filled.push((area.first_column, last as u32, index));
            if value.is_empty() {
                continue;
            }
            if cells.len() <= last {
                cells.resize(last + 1, Cell::Empty);
            }
            for cell in &mut cells[first..=last] {
                *cell = value.clone();
            }
            count += (last + 1 - first) as u64;
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;

    #[test]
    fn references_are_read_within_excels_grid() {
        assert_eq!(
            area_reference("B3:C4"),
            Some(Area {
                first_row: 2,
                first_column: 1,
                last_row: 3,
                last_column: 2
            })
        );
        assert_eq!(
            area_reference("XFD1048576").map(Area::name).as_deref(),
            Some("XFD1048576:XFD1048576")
        );
        assert_eq!(
            area_reference("C4:B3").map(Area::name).as_deref(),
            Some("B3:C4")
        );
        for bad in [
            "",
            "A0",
            "XFE1",
            "A1048577",
            "A99999999999",
            "1:2",
            "$A$1",
            "A1:",
        ] {
            assert_eq!(area_reference(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_merged_areas_of_a_sheet_part_are_read() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"/></row></sheetData><mergeCells count="2"><mergeCell ref="P2:P3"/><mergeCell ref="A5:C5"/></mergeCells></worksheet>"#;
        let areas = read_xlsx_areas(xml.as_bytes()).unwrap();
        assert_eq!(
            areas.iter().map(|area| area.name()).collect::<Vec<_>>(),
            ["P2:P3", "A5:C5"]
        );
        let bad =
            r#"<worksheet><mergeCells><mergeCell ref="A1:A99999999999"/></mergeCells></worksheet>"#;
        assert!(matches!(
            read_xlsx_areas(bad.as_bytes()),
            Err(MergeProblem::BadReference(_))
        ));
    }

    #[test]
    fn a_merged_value_fills_every_cell_of_its_area_in_rows_that_hold_values() {
        // B2:B3 holds 30 (typed in B2); C2:D2 holds `x`; row 4 holds only the area A4:A5.
        let areas = ["B2:B3", "C2:D2", "A4:A5"]
            .iter()
            .map(|text| area_reference(text).unwrap())
            .collect();
        let mut merges = Merges::new(areas, 10);
        let mut second = texts(&["C1", "30", "x", ""]);
        merges.fill(1, &mut second, 10).unwrap();
        assert_eq!(second, texts(&["C1", "30", "x", "x"]));
        let mut third = texts(&["C2"]);
        merges.fill(2, &mut third, 10).unwrap();
        assert_eq!(third, texts(&["C2", "30"]));
        // A4 is empty and row 5 holds nothing of its own: it stays blank.
        let mut fifth: Vec<Cell> = vec![Cell::Empty, Cell::Empty];
        merges.fill(4, &mut fifth, 10).unwrap();
        assert!(fifth.iter().all(Cell::is_empty));
    }

    #[test]
    fn areas_past_the_columns_read_are_clipped_and_overlaps_refused() {
        let areas = vec![area_reference("B1:Z2").unwrap()];
        let mut merges = Merges::new(areas, 3);
        let mut first = texts(&["a", "b"]);
        assert_eq!(merges.fill(0, &mut first, 3), Ok(2));
        assert_eq!(first, texts(&["a", "b", "b"]));
        let overlapping = vec![
            area_reference("A1:B2").unwrap(),
            area_reference("B2:C3").unwrap(),
        ];
        let mut merges = Merges::new(overlapping, 10);
        merges.fill(0, &mut texts(&["a"]), 10).unwrap();
        assert_eq!(
            merges.fill(1, &mut texts(&["a", "b"]), 10),
            Err(("A1:B2".to_string(), "B2:C3".to_string()))
        );
    }
}
