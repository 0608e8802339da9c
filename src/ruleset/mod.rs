//! Rulesets: one TOML file per provider program, holding the billing-export column map,
//! product aliases, default coefficients, tolerance, grace days, invoice window and
//! rounding. Loaded and validated once at start; the rest of the audit only reads them.
//!
//! The repository's `rulesets/` folder is compiled into the binary so the tool works from
//! any directory; `--rulesets DIR` adds a user's own files, which replace built-in ones of
//! the same name.
//!
//! One file per concern: `field` names the normalised billing fields, `header` how header
//! names compare, `dates` how a format writes dates, `format` a billing-export layout and
//! how a header row fits it, `statement` an agent-statement layout, `rules` a validated ruleset, `toml_file` the TOML as written
//! and `parse` its validation, `built_in` the shipped files and `rulesets` every ruleset
//! in force. The layer imports only `domain`.

mod built_in;
mod dates;
mod error;
mod field;
mod format;
mod header;
mod parse;
mod rules;
mod rulesets;
mod statement;
mod toml_file;

#[cfg(test)]
mod catalog_tests;
#[cfg(test)]
mod tests;

pub use dates::{DateOrder, MonthSource};
pub use error::RulesetError;
pub use field::BillingField;
pub use format::{BillingFormat, ColumnIndex, FieldColumns, HeaderFit, unit_free_names};
pub use header::{normalize_header, split_unit};
pub use rules::{ProductName, Ruleset};
pub use rulesets::{GENERIC, Rulesets};
pub use statement::{STATEMENT_FIELDS, StatementLayout};
