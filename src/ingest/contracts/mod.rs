//! Loads the contract workbook (docs/INPUTS.md): sheets `contracts`, `tiers`, `products`,
//! `schedule` and `amendments`, from one workbook or a folder of CSVs named after the sheets.
//!
//! Every problem is collected with its file, sheet, row and column; if there is any, no
//! contract is returned, because no audit may run on a contract it could not read.
//!
//! One file per concern: `load` reads the files (spreadsheets as typed: merged areas
//! filled, formulas without a value reported) and `sheets` sorts their tables into the
//! four sheets; `columns` names each sheet's columns and `header` finds them in a header
//! row; `builder` collects every problem, each cause once, while `assemble` builds the
//! contracts from the sheets, `contract_row` one contract from its row, `tiers` a tier
//! table and `schedule` an installment schedule; `term` bounds a contract's length;
//! `amendments` reads the changes of terms and gives each contract its own.
//!
//! A `products` row naming no product of its contract's ruleset is kept aside
//! ([`UnmatchedProduct`]): only the bills can tell whether it names a billed product,
//! which `attribute::check_listed_products` checks once they are read.

mod amendments;
mod assemble;
mod builder;
mod columns;
mod contract_row;
mod error;
mod header;
mod load;
mod schedule;
mod sheets;
mod term;
mod tiers;

#[cfg(test)]
mod tests;

pub use contract_row::known_providers;
pub use error::{ContractError, ContractErrors};
pub use load::{ContractBook, ContractFile, UnmatchedProduct, load};
pub use sheets::SheetKind;
pub use term::{MAX_TERM_YEARS, last_day_of_longest_term};
