//! Formula cells without a computed value, named for the person who has to fix them: by
//! file, sheet, row, the header of their column, and the cell's letters — for a reader
//! that reads a table as typed and passes its rows on to a loader that does not know
//! about formulas (the payout ledger's).

use super::column_letters::column_name;
use super::fields::Fields;
use super::visitor::TableVisitor;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::header::is_blank;
use std::fmt;

/// What a formula cell without a computed value says, after its place.
pub fn uncalculated_formula_message(formula: &str) -> String {
    format!(
        "the cell holds the formula `{formula}` but no computed value; open and save the workbook in Excel or LibreOffice so it is calculated, or type the value"
    )
}

/// One formula cell without a computed value, and where it is: the column named by its
/// header and the cell's letters (`payouts.xlsx:Sheet1:5:amount (cell D5)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncalculatedFormula {
    /// File, sheet, row, and as its column the header with the cell's letters.
    pub location: Location,
    /// The formula, with its `=`.
    pub formula: String,
}

impl fmt::Display for UncalculatedFormula {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: {}",
            self.location,
            uncalculated_formula_message(&self.formula)
        )
    }
}

/// Passes every table, row and record on to `inner`, and notes each formula cell without
/// a computed value with the header of its column — a table's header being its first
/// row that is not blank, as the loaders read it.
pub struct FormulaCells<'v> {
    inner: &'v mut dyn TableVisitor,
    table: Option<Location>,
    header: Option<Vec<String>>,
    /// Reported for the row about to be handed over: (row, column, formula).
    pending: Vec<(usize, usize, String)>,
    /// Every such cell, in file order.
    pub found: Vec<UncalculatedFormula>,
}

impl<'v> FormulaCells<'v> {
    /// Watches what `inner` is handed.
    pub fn new(inner: &'v mut dyn TableVisitor) -> Self {
        FormulaCells {
            inner,
            table: None,
            header: None,
            pending: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Names the pending cells of the row about to be handed over, whose cells are
    /// `cells` (none when the row is unreadable); the first row that is not blank is the
    /// header.
    fn name_pending(&mut self, cells: Option<&[Cell]>) {
        if !self.pending.is_empty() {
            let table = self
                .table
                .clone()
                .unwrap_or_else(|| Location::file("?".into()));
            for (row, column, formula) in std::mem::take(&mut self.pending) {
                let cell = format!("cell {}{row}", column_name(column as u64));
                // In the header row itself (or above it) only the cell's letters name it.
                let name = self
                    .header
                    .as_ref()
                    .and_then(|header| header.get(column))
                    .filter(|name| !name.is_empty())
                    .map_or(cell.clone(), |name| format!("{name} ({cell})"));
                self.found.push(UncalculatedFormula {
                    location: table.at_row(row).at_column(name),
                    formula,
                });
            }
        }
        if self.header.is_none()
            && let Some(cells) = cells.filter(|cells| !is_blank(cells))
        {
            self.header = Some(cells.iter().map(Cell::to_text).collect());
        }
    }
}

impl TableVisitor for FormulaCells<'_> {
    fn begin_table(&mut self, table: &Location) {
        self.table = Some(table.clone());
        self.header = None;
        self.pending.clear();
        self.inner.begin_table(table);
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.name_pending(Some(cells));
        self.inner.row(number, cells);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        self.name_pending(None);
        self.inner.unreadable_row(number, why);
    }

    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        self.name_pending(Some(cells));
        self.inner.cut_off_row(number, cells);
    }

    fn formula_without_value(&mut self, number: usize, column: usize, formula: &str) {
        self.pending.push((number, column, formula.to_string()));
        self.inner.formula_without_value(number, column, formula);
    }

    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        // A CSV has no formulas: nothing to name in it.
        self.inner.record(number, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;

    #[derive(Default)]
    struct Rows(Vec<usize>);

    impl TableVisitor for Rows {
        fn begin_table(&mut self, _: &Location) {}
        fn row(&mut self, number: usize, _: &[Cell]) {
            self.0.push(number);
        }
        fn unreadable_row(&mut self, _: usize, _: String) {}
    }

    #[test]
    fn each_formula_is_named_by_the_header_of_its_column() {
        let mut rows = Rows::default();
        let mut watch = FormulaCells::new(&mut rows);
        watch.begin_table(&Location::sheet(
            "payouts.xlsx".into(),
            Some("Sheet1".into()),
        ));
        watch.row(
            1,
            &texts(&["payout_id", "contract_id", "paid_on", "amount"]),
        );
        watch.formula_without_value(5, 3, "=1200*3");
        watch.row(5, &texts(&["P1", "C1", "2025-03-01", ""]));
        // A formula under no header: the cell's letters alone.
        watch.formula_without_value(6, 7, "=A1");
        watch.row(6, &texts(&["P2"]));
        let found = watch.found.clone();
        assert_eq!(rows.0, [1, 5, 6]);
        assert_eq!(
            found[0].to_string(),
            "payouts.xlsx:Sheet1:5:amount (cell D5): the cell holds the formula `=1200*3` but no computed value; open and save the workbook in Excel or LibreOffice so it is calculated, or type the value"
        );
        assert_eq!(
            found[1].location.to_string(),
            "payouts.xlsx:Sheet1:6:cell H6"
        );
    }

    #[test]
    fn a_formula_in_the_header_row_is_named_by_its_letters() {
        let mut rows = Rows::default();
        let mut watch = FormulaCells::new(&mut rows);
        watch.begin_table(&Location::sheet("l.xlsx".into(), Some("S".into())));
        watch.formula_without_value(1, 0, "=\"payout_id\"");
        watch.row(1, &texts(&["", "contract_id"]));
        watch.formula_without_value(2, 1, "=B1");
        watch.row(2, &texts(&["P1", ""]));
        let found: Vec<String> = watch
            .found
            .iter()
            .map(|found| found.location.to_string())
            .collect();
        assert_eq!(
            found,
            ["l.xlsx:S:1:cell A1", "l.xlsx:S:2:contract_id (cell B2)"]
        );
    }
}
