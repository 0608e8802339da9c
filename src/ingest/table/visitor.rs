//! What a loader does with the rows of one file: the one interface between the table
//! reader and the loaders above it, which never see file formats.

use super::fields::Fields;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;

/// Why the last row of a CSV that ends without a line break is not read: a file cut off
/// inside its last field (`…,CNY,1234.56` cut to `…,CNY,123`) would otherwise be read as a
/// smaller amount, and nothing in the row shows it.
pub const CUT_OFF_ROW: &str = "the file ends inside this row, with no line break after it: the file may have been cut off (a download or copy that stopped early), so the row is not read. If the row is complete, end the file with a line break (press Enter after the last row and save) and run again";

/// What a loader does with the rows of one file.
pub trait TableVisitor {
    /// A new table starts: a CSV file, one sheet of a workbook, or one member of a zip
    /// archive.
    fn begin_table(&mut self, table: &Location);
    /// One row of the current table; `number` is 1-based as a spreadsheet shows it.
    fn row(&mut self, number: usize, cells: &[Cell]);
    /// A row that could not be decoded at all (bad bytes, broken quoting).
    fn unreadable_row(&mut self, number: usize, why: String);
    /// A cell holding a formula but no computed value — written by a script and never
    /// calculated — in row `number` (1-based) and column `column` (0-based), called before
    /// the row is handed over with that cell empty. Only when the caller asked for it
    /// ([`ReadOptions::as_typed`](super::ReadOptions)); such a reader must stop rather
    /// than read the blank. `formula` is as the workbook holds it, with its leading `=`.
    fn formula_without_value(&mut self, number: usize, column: usize, formula: &str) {
        let _ = (number, column, formula);
    }
    /// The last row of a CSV that ends without a line break (not blank): it may be cut
    /// off. By default it is unreadable ([`CUT_OFF_ROW`]); a loader that counts amounts
    /// rejects it with the amount it holds, and takes it when it is a header.
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        let _ = cells;
        self.unreadable_row(number, CUT_OFF_ROW.to_string());
    }
    /// A CSV record as it was parsed, its fields checked to be UTF-8 and not yet trimmed,
    /// offered before it is turned into cells: a visitor that can take it as it is returns
    /// `true` and the record is done; `false` (the default) has it delivered to
    /// [`TableVisitor::row`]. This is the billing hot path's way to skip copying and
    /// re-checking every field.
    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        let _ = (number, fields);
        false
    }
}
