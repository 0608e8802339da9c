//! Reading a file by its type, told by its bytes: CSV text, spreadsheet, zip, gzip or tar
//! archive, with the limits of the run, inside the panic guard.

use super::containment::contain;
use super::csv_file::read_csv;
use super::digest::FileDigest;
use super::error::TableError;
use super::fields::Fields;
use super::gzip::read_gzip;
use super::limits::Limits;
use super::options::ReadOptions;
use super::parquet::read_parquet;
use super::sniff::{Kind, kind_of};
use super::tar_archive::read_tar;
use super::visitor::TableVisitor;
use super::workbook::read_spreadsheet;
use super::zip_archive::read_zip;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use std::path::Path;
use std::sync::Arc;

/// Reads every table in `path`, calling `visitor` for each row: a CSV file is one table, a
/// workbook one per visible sheet, a zip archive one per member (CSV members are read,
/// others reported as unreadable), in member-name order.
///
/// `limits` are the run's: what the reader takes from one file before it refuses it.
///
/// A panic while reading (calamine has had panics on malformed XLS/XLSB files) is caught
/// and returned as [`TableError::Crashed`], so one bad file never ends the whole audit;
/// rows handed to the visitor before it stay counted.
///
/// # Errors
/// When the file cannot be opened, its type or encoding is not supported, the workbook is
/// unreadable or over the size limits, a zip archive or one of its CSV members cannot be
/// opened or decompressed, or the reader crashed. Bad rows are not errors:
/// they go to [`TableVisitor::unreadable_row`] — a spreadsheet row with a value past
/// `limits.sheet_columns` among them.
pub fn read_file(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    read_file_with(path, file, visitor, limits, ReadOptions::STORED)
}

/// [`read_file`] with the caller's [`ReadOptions`]: [`ReadOptions::AS_TYPED`] for the
/// small hand-made tables (merged areas filled, formulas without a value reported).
///
/// # Errors
/// As [`read_file`]; and, reading as typed, a workbook whose merged areas cannot be read
/// (corrupt, overlapping, or more than 100,000 in a sheet).
pub fn read_file_with(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    options: ReadOptions,
) -> Result<FileDigest, TableError> {
    contain(file.clone(), || {
        read_by_type(path, file, visitor, limits, options)
    })
}

/// Reads `path` as its bytes say ([`kind_of`]; the extension only breaks ties), unguarded.
fn read_by_type(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    options: ReadOptions,
) -> Result<FileDigest, TableError> {
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    // Before anything opens it: a FIFO would block, a device never end.
    super::regular::check_regular(path, &file)?;
    let kind = kind_of(path, &extension).map_err(|source| TableError::Io {
        location: Location::file(file.clone()),
        source,
    })?;
    // Spreadsheets and archives may be refused part-way (a sheet or member measured as it
    // streams): the rows handed over by then are counted, and the error says so.
    let mut counting = Counting {
        inner: visitor,
        rows: 0,
    };
    let mut result = match kind {
        Kind::Text => return read_csv(path, file, counting.inner, limits.csv_record_bytes),
        Kind::Workbook(extension) => {
            read_spreadsheet(path, file, extension, &mut counting, limits, options)
        }
        Kind::Zip => read_zip(
            path,
            file,
            &mut counting,
            limits.zip_member_bytes,
            limits.csv_record_bytes,
        ),
        Kind::Gzip => read_gzip(path, file, &mut counting, limits),
        Kind::Tar => read_tar(path, file, &mut counting, limits.csv_record_bytes),
        Kind::Parquet => read_parquet(path, file, &mut counting, limits),
        Kind::Other(looks_like) => Err(TableError::UnsupportedType {
            location: Location::file(file),
            looks_like: looks_like.into(),
        }),
    };
    if let Err(TableError::TooLarge { partial, .. } | TableError::Archive { partial, .. }) =
        &mut result
    {
        *partial = counting.rows > 0;
    }
    result
}

/// Passes everything on, counting the rows handed over.
struct Counting<'v> {
    inner: &'v mut dyn TableVisitor,
    rows: u64,
}

impl TableVisitor for Counting<'_> {
    fn begin_table(&mut self, table: &Location) {
        self.inner.begin_table(table);
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.rows += 1;
        self.inner.row(number, cells);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        self.rows += 1;
        self.inner.unreadable_row(number, why);
    }

    fn formula_without_value(&mut self, number: usize, column: usize, formula: &str) {
        self.inner.formula_without_value(number, column, formula);
    }

    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        self.rows += 1;
        self.inner.cut_off_row(number, cells);
    }

    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        let taken = self.inner.record(number, fields);
        self.rows += u64::from(taken);
        taken
    }
}

/// True for file names this module can read by their extension: what a pattern of the
/// `--config` file and a `--payouts` folder take (a `--billing` folder takes every file,
/// each told by its bytes).
pub fn is_table_file(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|extension| {
            matches!(
                extension.as_str(),
                "csv"
                    | "tsv"
                    | "xlsx"
                    | "xlsm"
                    | "xls"
                    | "xlsb"
                    | "ods"
                    | "zip"
                    | "gz"
                    | "tgz"
                    | "tar"
                    | "parquet"
            )
        })
}
