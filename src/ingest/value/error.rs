//! What a cell should have held, and what it held instead.

use crate::domain::expected::{Expected, RowReason};
use crate::ingest::cell::Cell;

/// A cell that does not hold the kind of value its column needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, found {found}")]
pub struct ValueError {
    /// What the column accepts: its kind, and a sentence fragment ("a month such as
    /// 2025-03 …").
    pub expected: Expected,
    /// The cell as shown by `Cell`'s `Display` (e.g. "`abc`", "(empty)").
    pub found: String,
}

impl ValueError {
    /// An error quoting `cell`; blank text is shown as "(empty)".
    pub fn new(expected: impl Into<Expected>, cell: &Cell) -> Self {
        let found = if cell.is_empty() {
            Cell::Empty.to_string()
        } else {
            cell.to_string()
        };
        ValueError {
            expected: expected.into(),
            found,
        }
    }
}

impl From<ValueError> for RowReason {
    fn from(error: ValueError) -> RowReason {
        RowReason::Cell {
            expected: error.expected,
            found: error.found,
        }
    }
}
