//! A problem in the contract workbook, with its place; and all of them together, the
//! error that stops the audit.

use crate::domain::location::Location;
use std::fmt;

/// One problem in the contract workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError {
    /// Where.
    pub location: Location,
    /// What is wrong: what a cell should hold and holds, or one sentence.
    pub message: crate::domain::expected::RowReason,
}

impl fmt::Display for ContractError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}

/// Every problem found; the workbook is unusable while there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContractErrors(pub Vec<ContractError>);

impl fmt::Display for ContractErrors {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            formatter,
            "the contract workbook cannot be used ({}):",
            match self.0.len() {
                1 => "1 problem".to_string(),
                count => format!("{count} problems"),
            }
        )?;
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(formatter)?;
            }
            write!(formatter, "  {error}")?;
        }
        Ok(())
    }
}
