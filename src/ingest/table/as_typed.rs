//! A spreadsheet read as a person typed and sees it ([`ReadOptions::AS_TYPED`]): what a
//! sheet needs besides its cells — its merged areas, and whether the values stored beside
//! its formulas were ever calculated — and a row finished with both: formulas without a
//! computed value reported, merged areas filled.
//!
//! [`ReadOptions::AS_TYPED`]: super::ReadOptions::AS_TYPED

use super::error::TableError;
use super::limits::{Limit, Limits};
use super::merged::{Area, MergeProblem, Merges, read_xlsx_areas};
use super::sheet_names::{calculates_on_load, open_part, sheet_parts};
use super::visitor::TableVisitor;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use std::collections::HashMap;
use std::io::{Read, Seek};

/// What reading one sheet as typed needs.
#[derive(Debug, Default)]
pub(super) struct SheetTyping {
    /// The sheet's merged areas.
    pub(super) merges: Merges,
    /// The workbook asks to be calculated when opened: the values stored beside its
    /// formulas were written by a script, not calculated, and are not read.
    pub(super) values_uncalculated: bool,
    /// Formula cells of the row being read that have no computed value: (0-based column,
    /// formula).
    pub(super) pending: Vec<(usize, String)>,
    /// The row handed over when merged areas widen it.
    scratch: Vec<Cell>,
    /// Cells filled from merged areas so far, and how many may be (`sheet_cells`): an
    /// area as wide as the sheet over every row of a large sheet is refused, not copied.
    filled: u64,
    fill_limit: u64,
}

impl SheetTyping {
    pub(super) fn new(areas: Vec<Area>, values_uncalculated: bool, limits: &Limits) -> Self {
        SheetTyping {
            merges: Merges::new(areas, limits.sheet_columns as usize),
            values_uncalculated,
            pending: Vec::new(),
            scratch: Vec::new(),
            filled: 0,
            fill_limit: limits.sheet_cells,
        }
    }

    /// Whether a formula cell holding `empty` (its stored value is nothing) is one without
    /// a computed value; if so it is noted for its row, and the cell is to be read empty.
    pub(super) fn formula(&mut self, column: usize, formula: &str, empty: bool) -> bool {
        let formula = formula.trim();
        if formula.is_empty() || !(empty || self.values_uncalculated) {
            return false;
        }
        self.pending.push((column, shown_formula(formula)));
        true
    }

    /// Hands row `row` (0-based) over: its formulas without a value first, then the row
    /// with its merged areas filled (or `unreadable`, when the row is rejected).
    ///
    /// # Errors
    /// When two merged areas overlap in the row.
    pub(super) fn finish_row(
        &mut self,
        table: &Location,
        visitor: &mut dyn TableVisitor,
        row: u32,
        cells: &[Cell],
        columns: usize,
        unreadable: Option<String>,
    ) -> Result<(), TableError> {
        let number = row as usize + 1;
        for (column, formula) in self.pending.drain(..) {
            visitor.formula_without_value(number, column, &formula);
        }
        if let Some(why) = unreadable {
            visitor.unreadable_row(number, why);
            return Ok(());
        }
        if self.merges.is_empty() {
            visitor.row(number, cells);
            return Ok(());
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(cells);
        let filled = self
            .merges
            .fill(row, &mut self.scratch, columns)
            .map_err(|(one, other)| TableError::Workbook {
                location: table.clone(),
                message: format!(
                    "the merged areas {one} and {other} overlap; the file is corrupt, save it again from Excel"
                ),
            })?;
        self.filled = self.filled.saturating_add(filled);
        if self.filled > self.fill_limit {
            return Err(TableError::TooLarge {
                location: table.clone(),
                what: "the number of cells its merged areas fill".into(),
                size: self.filled,
                limit: self.fill_limit,
                which: Limit::SheetCells,
                partial: true,
            });
        }
        visitor.row(number, &self.scratch);
        Ok(())
    }
}

/// A formula as a person types it: with its `=`, without an `.ods` file's `of:` prefix.
pub(super) fn shown_formula(formula: &str) -> String {
    let formula = formula.trim();
    let formula = formula.strip_prefix("of:").unwrap_or(formula);
    if formula.starts_with('=') {
        formula.to_string()
    } else {
        format!("={formula}")
    }
}

/// What an `.xlsx` read as typed needs before calamine opens it: each sheet's merged
/// areas (by sheet name) and whether the workbook asks to be calculated when opened.
#[derive(Debug, Default)]
pub(super) struct XlsxTyping {
    pub(super) areas: HashMap<String, Vec<Area>>,
    pub(super) values_uncalculated: bool,
}

/// Reads [`XlsxTyping`] from the workbook's parts (already measured by the pre-scan). A
/// workbook that cannot be followed this way has no areas here; calamine then says what
/// is wrong with it.
///
/// # Errors
/// A sheet's merged areas that cannot be read: corrupt, or more than
/// [`MAX_AREAS`](super::merged::MAX_AREAS).
pub(super) fn read_xlsx_typing<R: Read + Seek>(
    source: R,
    file: &Location,
) -> Result<XlsxTyping, TableError> {
    let Ok(mut archive) = zip::ZipArchive::new(source) else {
        return Ok(XlsxTyping::default());
    };
    let mut typing = XlsxTyping {
        values_uncalculated: calculates_on_load(&mut archive),
        ..XlsxTyping::default()
    };
    for (name, path) in sheet_parts(&mut archive).unwrap_or_default() {
        let Some(part) = open_part(&mut archive, &path) else {
            continue;
        };
        let areas = read_xlsx_areas(part).map_err(|problem| merge_error(file, &name, &problem))?;
        typing.areas.insert(name, areas);
    }
    Ok(typing)
}

/// A sheet whose merged areas cannot be used, as the error refusing the file.
pub(super) fn merge_error(file: &Location, sheet: &str, problem: &MergeProblem) -> TableError {
    TableError::Workbook {
        location: Location::sheet(file.file.clone(), Some(sheet.into())),
        message: problem.message(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_as_typed() {
        assert_eq!(shown_formula("45000*2"), "=45000*2");
        assert_eq!(shown_formula("=45000*2"), "=45000*2");
        assert_eq!(shown_formula("of:=[.A1]*2"), "=[.A1]*2");
    }

    #[test]
    fn a_formula_counts_as_uncalculated_when_empty_or_when_the_workbook_says_so() {
        let mut typing = SheetTyping::new(Vec::new(), false, &Limits::DEFAULT);
        assert!(!typing.formula(3, "45000*2", false));
        assert!(typing.formula(3, "45000*2", true));
        assert!(!typing.formula(4, " ", true));
        let mut stale = SheetTyping::new(Vec::new(), true, &Limits::DEFAULT);
        assert!(stale.formula(3, "45000*2", false));
        assert_eq!(stale.pending, [(3, "=45000*2".to_string())]);
    }
}
