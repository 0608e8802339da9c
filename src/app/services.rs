//! What every stage of a run shares: the run-wide services, passed rather than global,
//! and the error that stops a run.

use crate::app::cancel::{Cancel, Interrupted};
use crate::app::progress::Progress;
use crate::ingest::contracts::ContractErrors;
use crate::ingest::missing_columns::TableProblems;
use crate::ingest::table::{Limits, UncalculatedFormula};
use crate::ruleset::RulesetError;

/// Why an audit could not run (exit status 2; 3 when interrupted).
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// A ruleset is invalid.
    #[error(transparent)]
    Ruleset(#[from] RulesetError),
    /// The contract workbook is unusable.
    #[error(transparent)]
    Contracts(#[from] ContractErrors),
    /// A payout ledger holds formula cells without a computed value.
    #[error(transparent)]
    Formulas(#[from] UncalculatedFormulas),
    /// A payout ledger or billing table lacks a required column (or a bill matches two
    /// formats).
    #[error(transparent)]
    Tables(#[from] TableProblems),
    /// `--format` names no billing format.
    #[error(
        "--format {name}: no ruleset with a billing format has this name; the formats are: {known}"
    )]
    UnknownFormat {
        /// The name given.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// The billing aggregate (`run --aggregate`) cannot be used.
    #[error(transparent)]
    Aggregate(#[from] AggregateProblems),
    /// A computation overflowed.
    #[error("contract {0}: amounts are out of range (more than 28 significant digits)")]
    Overflow(String),
    /// SIGTERM or SIGINT arrived.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

/// Formula cells of the payout ledgers without a computed value: read as blank they would
/// drop a payout or its fields, so the audit does not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UncalculatedFormulas(pub Vec<UncalculatedFormula>);

impl std::fmt::Display for UncalculatedFormulas {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "the payout ledger cannot be used ({}):",
            match self.0.len() {
                1 => "1 problem".to_string(),
                count => format!("{count} problems"),
            }
        )?;
        for formula in &self.0 {
            write!(formatter, "\n  {formula}")?;
        }
        Ok(())
    }
}

/// Why an aggregate cannot be used: each problem with its file, row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AggregateProblems(pub Vec<crate::ingest::aggregate::Problem>);

impl std::fmt::Display for AggregateProblems {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "the billing aggregate cannot be used ({}):",
            match self.0.len() {
                1 => "1 problem".to_string(),
                count => format!("{count} problems"),
            }
        )?;
        for problem in &self.0 {
            write!(formatter, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// The run-wide services every stage may use: passed, never global.
#[derive(Debug, Clone, Copy)]
pub struct Services<'a> {
    /// Whether the run has been asked to stop.
    pub cancel: &'a Cancel,
    /// The billing pass's progress bar.
    pub progress: &'a Progress,
    /// What the table reader takes from one file.
    pub limits: &'a Limits,
}
