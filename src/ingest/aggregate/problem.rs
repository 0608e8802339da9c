//! A problem with the aggregate, named by place.

use crate::domain::location::Location;

/// A problem with the aggregate: where (file, row, column) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The cell, row or file.
    pub location: Location,
    /// One sentence: expected, found.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}
