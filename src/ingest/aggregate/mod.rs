//! Reading a billing aggregate (docs/AGGREGATE.md): its files found in the folder
//! ([`files`]), each read as CSV or Parquet through the table reader and typed cell by
//! cell ([`read_rows`]) — exact decimals, ISO dates, whole numbers, or a problem naming
//! file, row and column — and its `manifest.json` ([`manifest`]).

mod manifest;
mod problem;
#[cfg(test)]
mod tests;

pub use manifest::{CurrencyTotals, Manifest, ManifestSource, ManifestTotals, manifest};
pub use problem::Problem;

use crate::domain::aggregate::{AGGREGATE_COLUMNS, AggregateRow, Slice};
use crate::domain::location::Location;
use crate::domain::period::YearMonth;
use crate::ingest::cell::Cell;
use crate::ingest::table::{self, FileDigest, Limits, TableVisitor};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Problems reported per file before the reading stops.
pub const MAX_PROBLEMS: usize = 20;

/// One aggregate data file: its path, the month its partition folder names, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateFile {
    /// Where it is.
    pub path: PathBuf,
    /// `billing_month=YYYY-MM` of a folder it sits in.
    pub partition: Option<YearMonth>,
}

/// The aggregate's data files below `folder`: `.csv` and `.parquet` files (any depth), in
/// path order, leaving out what engines write beside them (names starting with `_` or
/// `.`: `_SUCCESS`, `.crc` files).
///
/// # Errors
/// When the folder cannot be listed, or a partition folder's month is not `YYYY-MM`.
pub fn files(folder: &Path) -> Result<Vec<AggregateFile>, Problem> {
    let mut found = Vec::new();
    walk(folder, None, &mut found)?;
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn walk(
    folder: &Path,
    partition: Option<YearMonth>,
    found: &mut Vec<AggregateFile>,
) -> Result<(), Problem> {
    let unreadable = |error: std::io::Error| Problem {
        location: Location::file(folder.display().to_string().into()),
        message: format!("cannot list the folder: {error}"),
    };
    for entry in std::fs::read_dir(folder).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            let month = match name.strip_prefix("billing_month=") {
                Some(month) => Some(parse_month(month).ok_or_else(|| Problem {
                    location: Location::file(path.display().to_string().into()),
                    message: format!(
                        "expected a partition folder billing_month=YYYY-MM, found `{name}`"
                    ),
                })?),
                None => partition,
            };
            walk(&path, month, found)?;
        } else {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".csv") || lower.ends_with(".parquet") {
                found.push(AggregateFile { path, partition });
            }
        }
    }
    Ok(())
}

fn parse_month(text: &str) -> Option<YearMonth> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    YearMonth::new(year.parse().ok()?, month.parse().ok()?)
}

/// An aggregate file read: its digest and its rows with their row numbers (the header is
/// row 1).
#[derive(Debug)]
pub struct ReadRows {
    /// The file's bytes, hashed.
    pub digest: FileDigest,
    /// The rows, typed.
    pub rows: Vec<(usize, AggregateRow)>,
}

/// Reads one aggregate file (`shown` is how reports name it).
///
/// # Errors
/// Every cell that is not of its column's type (up to [`MAX_PROBLEMS`]), a missing
/// column, or a file that cannot be read.
pub fn read_rows(
    file: &AggregateFile,
    shown: Arc<str>,
    limits: &Limits,
) -> Result<ReadRows, Vec<Problem>> {
    let mut reader = Reader {
        file: Location::file(shown.clone()),
        partition: file.partition,
        columns: None,
        rows: Vec::new(),
        problems: Vec::new(),
        tables: 0,
    };
    let digest =
        table::read_file(&file.path, shown.clone(), &mut reader, limits).map_err(|error| {
            vec![Problem {
                location: Location::file(shown.clone()),
                message: error.to_string(),
            }]
        })?;
    if reader.columns.is_none() && reader.problems.is_empty() {
        reader.problems.push(Problem {
            location: Location::file(shown),
            message: "the file has no header row; expected the aggregate's columns".into(),
        });
    }
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    Ok(ReadRows {
        digest,
        rows: reader.rows,
    })
}

/// The column indexes of the aggregate's columns in a file's header.
type Columns = [Option<usize>; 15];

struct Reader {
    file: Location,
    partition: Option<YearMonth>,
    columns: Option<Columns>,
    rows: Vec<(usize, AggregateRow)>,
    problems: Vec<Problem>,
    tables: usize,
}

impl TableVisitor for Reader {
    fn begin_table(&mut self, table: &Location) {
        self.tables += 1;
        if self.tables > 1 && self.problems.is_empty() {
            self.problems.push(Problem {
                location: table.clone(),
                message: "an aggregate file holds one table; this is a second one".into(),
            });
        }
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        // A blank line (a CSV's last one, say) is no row.
        if self.problems.len() >= MAX_PROBLEMS || cells.iter().all(|cell| *cell == Cell::Empty) {
            return;
        }
        match self.columns {
            None => self.header(number, cells),
            Some(columns) => {
                match typed(&self.file.at_row(number), &columns, cells, self.partition) {
                    Ok(row) => self.rows.push((number, row)),
                    Err(problem) => self.problems.push(problem),
                }
            }
        }
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                location: self.file.at_row(number),
                message: why,
            });
        }
    }
}

impl Reader {
    fn header(&mut self, number: usize, cells: &[Cell]) {
        let names: Vec<String> = cells
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) => text.trim().trim_start_matches('\u{feff}').to_string(),
                _ => String::new(),
            })
            .collect();
        let mut columns: Columns = [None; 15];
        for (slot, wanted) in columns.iter_mut().zip(AGGREGATE_COLUMNS) {
            *slot = names.iter().position(|name| name == wanted);
        }
        let missing: Vec<&str> = AGGREGATE_COLUMNS
            .iter()
            .zip(&columns)
            .filter(|(name, found)| {
                found.is_none() && !(**name == "billing_month" && self.partition.is_some())
            })
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            self.problems.push(Problem {
                location: self.file.at_row(number),
                message: format!(
                    "the header lacks the column(s) {} of schema rebate-audit/aggregate/v1; found: {}",
                    missing.join(", "),
                    names.join(", ")
                ),
            });
        }
        self.columns = Some(columns);
    }
}

/// A cell of a row, by column name.
struct Cells<'a> {
    at: &'a Location,
    columns: &'a Columns,
    cells: &'a [Cell],
}

impl Cells<'_> {
    fn cell(&self, column: usize) -> &Cell {
        self.columns[column]
            .and_then(|index| self.cells.get(index))
            .unwrap_or(&Cell::Empty)
    }

    fn problem(&self, column: usize, message: String) -> Problem {
        Problem {
            location: self.at.at_column(AGGREGATE_COLUMNS[column]),
            message,
        }
    }

    fn text(&self, column: usize, required: bool) -> Result<String, Problem> {
        let text = match self.cell(column) {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_string(),
            other => {
                return Err(self.problem(column, format!("expected text, found {}", shown(other))));
            }
        };
        if required && text.is_empty() {
            return Err(self.problem(column, "expected a value, found an empty cell".into()));
        }
        Ok(text)
    }

    fn date(&self, column: usize) -> Result<Option<NaiveDate>, Problem> {
        match self.cell(column) {
            Cell::Empty => Ok(None),
            Cell::Date(date) => Ok(Some(*date)),
            Cell::Text(text) if text.trim().is_empty() => Ok(None),
            Cell::Text(text) => {
                let text = text.trim();
                let date = (text.len() == 10)
                    .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                    .flatten();
                date.map(Some).ok_or_else(|| {
                    self.problem(
                        column,
                        format!("expected a date YYYY-MM-DD, found `{text}`"),
                    )
                })
            }
            other => Err(self.problem(
                column,
                format!("expected a date YYYY-MM-DD, found {}", shown(other)),
            )),
        }
    }

    fn required_date(&self, column: usize) -> Result<NaiveDate, Problem> {
        self.date(column)?.ok_or_else(|| {
            self.problem(
                column,
                "expected a date YYYY-MM-DD, found an empty cell".into(),
            )
        })
    }

    /// An exact decimal: digits with an optional sign and decimal point, as DECIMAL(38,10)
    /// writes it — never a floating-point number, whose digits are not the sum's.
    fn decimal(&self, column: usize) -> Result<Decimal, Problem> {
        let text = match self.cell(column) {
            Cell::Text(text) => text.trim(),
            Cell::Number(number) => {
                return Err(self.problem(
                    column,
                    format!(
                        "expected an exact decimal (DECIMAL(38,10)), found the floating-point number {number}: cast the sum to DECIMAL(38,10)"
                    ),
                ));
            }
            Cell::Empty => {
                return Err(self.problem(
                    column,
                    "expected an exact decimal, found an empty cell".into(),
                ));
            }
            other => {
                return Err(self.problem(
                    column,
                    format!("expected an exact decimal, found {}", shown(other)),
                ));
            }
        };
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let plain = !whole.is_empty()
            && whole.bytes().all(|byte| byte.is_ascii_digit())
            && fraction.bytes().all(|byte| byte.is_ascii_digit())
            && !(digits.contains('.') && fraction.is_empty());
        if !plain {
            return Err(self.problem(
                column,
                format!("expected an exact decimal such as -1234.5000000000, found `{text}`"),
            ));
        }
        Decimal::from_str_exact(text).map_err(|_| {
            self.problem(
                column,
                format!("`{text}` is out of range (more than 28 significant digits)"),
            )
        })
    }

    fn count(&self, column: usize) -> Result<u64, Problem> {
        let text = match self.cell(column) {
            Cell::Text(text) => text.trim().to_string(),
            other => {
                return Err(self.problem(
                    column,
                    format!("expected a whole number, found {}", shown(other)),
                ));
            }
        };
        text.parse::<u64>()
            .map_err(|_| self.problem(column, format!("expected a whole number, found `{text}`")))
    }
}

/// How a cell that is not what was expected is named in a message.
fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Empty => "an empty cell".into(),
        Cell::Text(text) => format!("`{text}`"),
        Cell::Number(number) => format!("the number {number}"),
        Cell::Date(date) => format!("the date {date}"),
        Cell::Bool(value) => format!("the boolean {value}"),
        Cell::Error(error) => format!("the error {error}"),
    }
}

/// The row typed, or its first bad cell.
fn typed(
    at: &Location,
    columns: &Columns,
    cells: &[Cell],
    partition: Option<YearMonth>,
) -> Result<AggregateRow, Problem> {
    let row = Cells { at, columns, cells };
    let contract = row.text(0, false)?;
    let start = row.date(2)?;
    let end = row.date(3)?;
    let slice = match (contract.is_empty(), start, end) {
        (false, Some(start), Some(end)) if start < end => Some(Slice { start, end }),
        (false, Some(start), Some(end)) => {
            return Err(row.problem(
                3,
                format!("the slice end {end} is not after its start {start}"),
            ));
        }
        (false, None, _) => {
            return Err(row.problem(2, "a row with a contract_id needs its slice_start".into()));
        }
        (false, _, None) => {
            return Err(row.problem(3, "a row with a contract_id needs its slice_end".into()));
        }
        (true, None, None) => None,
        (true, _, _) => {
            return Err(row.problem(
                2,
                "a row without a contract_id (uncovered lines) has no slice".into(),
            ));
        }
    };
    let month_text = row.text(4, false)?;
    let billing_month = match (month_text.is_empty(), partition) {
        (true, Some(month)) => month,
        (false, _) => {
            let month = parse_month(&month_text).ok_or_else(|| {
                row.problem(4, format!("expected a month YYYY-MM, found `{month_text}`"))
            })?;
            if let Some(folder) = partition.filter(|folder| *folder != month) {
                return Err(row.problem(
                    4,
                    format!("the row says {month}, its partition folder billing_month={folder}"),
                ));
            }
            month
        }
        (true, None) => {
            return Err(row.problem(4, "expected a month YYYY-MM, found an empty cell".into()));
        }
    };
    Ok(AggregateRow {
        contract_id: (!contract.is_empty()).then_some(contract),
        account_id: row.text(1, true)?,
        slice,
        billing_month,
        product: row.text(5, true)?,
        currency: row.text(6, true)?,
        list_amount: row.decimal(7)?,
        lines_without_list: row.count(8)?,
        net_amount: row.decimal(9)?,
        voucher_amount: row.decimal(10)?,
        lines: row.count(11)?,
        first_charge_date: row.required_date(12)?,
        last_charge_date: row.required_date(13)?,
        source: row.text(14, true)?,
    })
}
