//! Where a value came from: file, sheet, row and column, as a spreadsheet user counts them.
//!
//! Every record carries one from ingest to report, so each error and each finding can
//! point at the cell a person has to look at.

use std::fmt;
use std::sync::Arc;

/// A place in an input file. Rows are 1-based, as a spreadsheet shows them (the header
/// is usually row 1); columns are named by their header text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The path as the user gave it (or as found below a folder they gave).
    pub file: Arc<str>,
    /// The sheet, for spreadsheets.
    pub sheet: Option<Arc<str>>,
    /// The 1-based row.
    pub row: Option<usize>,
    /// The column's header text.
    pub column: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(file: Arc<str>) -> Location {
        Location {
            file,
            sheet: None,
            row: None,
            column: None,
        }
    }

    /// A sheet (or, for CSV, `None`) of a file.
    pub fn sheet(file: Arc<str>, sheet: Option<Arc<str>>) -> Location {
        Location {
            file,
            sheet,
            row: None,
            column: None,
        }
    }

    /// The same place narrowed to a row.
    pub fn at_row(&self, row: usize) -> Location {
        Location {
            row: Some(row),
            column: None,
            ..self.clone()
        }
    }

    /// The same place narrowed to a column.
    pub fn at_column(&self, column: impl Into<String>) -> Location {
        Location {
            column: Some(column.into()),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.file)?;
        if let Some(sheet) = &self.sheet {
            write!(formatter, ":{sheet}")?;
        }
        if let Some(row) = self.row {
            write!(formatter, ":{row}")?;
        }
        if let Some(column) = &self.column {
            write!(formatter, ":{column}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_file_sheet_row_column() {
        let place = Location::sheet("book.xlsx".into(), Some("tiers".into()))
            .at_row(4)
            .at_column("rate");
        assert_eq!(place.to_string(), "book.xlsx:tiers:4:rate");
        assert_eq!(
            Location::file("a.csv".into()).at_row(2).to_string(),
            "a.csv:2"
        );
    }
}
