//! Ingest: reading input files into domain values. `table` turns any CSV or spreadsheet
//! into rows of cells; `value` parses one cell; the loaders (`contracts`, `billing`,
//! `payouts`) map columns by header name and report every bad cell by location.

pub mod aggregate;
pub mod billing;
pub mod capture;
pub mod cell;
pub mod contracts;
pub mod header;
pub mod missing_columns;
pub mod payouts;
pub mod split;
pub mod statements;
pub mod table;
pub mod value;
