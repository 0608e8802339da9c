//! Reads any tabular input — CSV in UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, a
//! spreadsheet (`.xlsx/.xlsm/.xls/.xlsb/.ods`), or a zip archive of CSV files (Alibaba
//! Cloud's bill subscription splits a large monthly bill into numbered CSVs zipped under
//! one name) — as a stream of rows of [`Cell`](crate::ingest::cell::Cell)s, each with the
//! row number a spreadsheet user would see, while hashing the exact bytes of the file.
//!
//! Loaders above this layer never see file formats: they receive `begin_table` once per
//! sheet (or once for a CSV, or once per member of a zip archive, named like a sheet) and
//! then `row` for every row, header included. A zip member that is not a CSV is reported
//! as an unreadable row of its own table, never silently dropped.
//!
//! One file per concern: `dispatch` reads a file by its type inside the panic guard of
//! `containment`; `csv_file`, `encoding`, `line_ends`, `records` and `record_scan` read
//! CSV; `zip_archive` zip archives of CSVs; `parquet` Parquet files, row group by row group; `workbook` and `sheet_cells` spreadsheets
//! through calamine, after the pre-checks of `prescan` (with `xml_scan`,
//! `cell_references` and `sheet_names`), `xls` (with `compound`) and `ods`; `merged`
//! fills merged areas for a caller reading as typed (`options`); `digest` hashes every
//! byte; `limits` holds what a file may take, passed in by the caller.

mod as_typed;
mod cell_references;
mod column_letters;
mod compound;
mod containment;
mod csv_file;
mod digest;
mod dispatch;
mod encoding;
mod error;
mod fields;
mod formula_cells;
mod guarded;
mod gzip;
mod limits;
mod line_ends;
mod merged;
mod ods;
mod options;
mod parquet;
mod prescan;
mod record_scan;
mod records;
mod regular;
mod sheet_cells;
mod sheet_names;
mod sniff;
mod tar_archive;
mod visitor;
mod workbook;
mod xls;
mod xml_scan;
mod zip_archive;

#[cfg(test)]
mod tests;

pub use column_letters::column_name;
pub use containment::contained_panic_warning;
pub use digest::FileDigest;
pub use dispatch::{is_table_file, read_file, read_file_with};
pub use error::TableError;
pub use fields::{Fields, WORD};
pub use formula_cells::{FormulaCells, UncalculatedFormula, uncalculated_formula_message};
pub use limits::{
    EXCEL_CELLS, EXCEL_COLUMNS, KEYS as LIMIT_KEYS, Limit, LimitKey, LimitKind, Limits,
    MAX_COLUMNS, MAX_SHARED_STRINGS_BYTES, MAX_SHEET_CELLS, MAX_SHEET_PART_BYTES,
    MAX_SPREADSHEET_BYTES, MAX_STREAMED_WORKBOOK_BYTES, MAX_WORKBOOK_PART_BYTES,
    MAX_XML_TOKEN_BYTES, MAX_ZIP_MEMBER_BYTES, format_size, parse_size,
};
pub use options::ReadOptions;
pub use regular::{check_regular, not_regular};
pub use visitor::{CUT_OFF_ROW, TableVisitor};

// For reading one large CSV in parts (`ingest::split`).
pub(crate) use csv_file::delimiter_for;
pub(crate) use encoding::{SNIFF_BYTES, TextEncoding, sniff_encoding};
pub(crate) use line_ends::Utf8Text;
#[cfg(test)]
pub(crate) use record_scan::split_plain;
pub(crate) use records::read_records;
pub(crate) use sniff::is_text;
