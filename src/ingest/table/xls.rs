//! The check of an `.xls` before calamine opens it.
//!
//! calamine 0.38 parses every sheet of an `.xls` (BIFF records in the `Workbook` stream of
//! a compound file, CFB) when it opens the workbook, and builds each one as a dense grid
//! between its farthest cells (`Range::from_sparse`: `vec![Data::Empty; rows × columns]`,
//! calamine#693), after reserving room for the area a sheet's `DIMENSIONS` record
//! declares. Two cells far apart in a 13 KB file made it ask for 16 GiB, and running out
//! of memory aborts the process: no `catch_unwind` contains it. So before calamine sees an
//! `.xls`, this module reads it the way calamine 0.38 will — the compound file exactly as
//! `calamine::cfb` walks it, so the stream checked is the very stream calamine parses (an
//! independent CFB reader could be shown another `Workbook` entry than calamine picks, or
//! another chain) — and scans the BIFF records of every sheet for the area their cell
//! records span. A sheet (or all sheets together, since calamine holds them all at once)
//! over the cell limit refuses the file.
//!
//! The replay also refuses, with a clear error, the corrupt files on which calamine would
//! panic or loop: a sector past the end of a truncated file, a FAT sector cut short, a
//! chain of sectors that loops, a sheet whose `BoundSheet8` record points past the end of
//! the stream, a `DIMENSIONS` or `MULRK` record whose end comes before its start. Where
//! calamine would stop with an ordinary error, the check stops too and lets calamine say
//! it. Memory stays within a small multiple of the file's size (already bounded by
//! `whole_workbook_size`), and time within one pass over it.
//!
//! The compound file's replay is `compound.rs`; this file scans the BIFF records. Tied to
//! calamine 0.38 (`src/cfb.rs`, `Xls::parse_workbook`): a calamine upgrade is a reviewed
//! change, and `tests/it/fuzz_regressions.rs` keeps the inputs that once failed.

use super::column_letters::column_name;
use super::compound::{Compound, SIGNATURE, Stop, u16_at, u32_at};
use super::error::TableError;
use super::limits::{Limit, Limits};
use crate::domain::location::Location;
use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

/// One BIFF record, with calamine's `RecordIter` framing: the `CONTINUE` records (0x003C)
/// after it are part of it and skipped.
struct Record<'s> {
    kind: u16,
    data: &'s [u8],
}

/// calamine's `RecordIter`; `Err` where calamine returns an error (a record cut short),
/// and nothing after it.
struct Records<'s> {
    stream: &'s [u8],
}

impl<'s> Iterator for Records<'s> {
    type Item = Result<Record<'s>, ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.len() < 4 {
            return if self.stream.is_empty() {
                None
            } else {
                self.stream = &[];
                Some(Err(()))
            };
        }
        let kind = u16::from_le_bytes([self.stream[0], self.stream[1]]);
        let len = usize::from(u16::from_le_bytes([self.stream[2], self.stream[3]]));
        if self.stream.len() < len + 4 {
            self.stream = &[];
            return Some(Err(()));
        }
        let (record, next) = self.stream.split_at(len + 4);
        self.stream = next;
        if next.len() > 4 && u16::from_le_bytes([next[0], next[1]]) == 0x003C {
            while self.stream.len() > 4
                && u16::from_le_bytes([self.stream[0], self.stream[1]]) == 0x003C
            {
                let len = usize::from(u16::from_le_bytes([self.stream[2], self.stream[3]]));
                if self.stream.len() < len + 4 {
                    self.stream = &[];
                    return Some(Err(()));
                }
                self.stream = &self.stream[len + 4..];
            }
        }
        Some(Ok(Record {
            kind,
            data: &record[4..],
        }))
    }
}

/// A sheet's name from its `BoundSheet8` record, as far as it can be read (only for
/// messages; calamine decodes it itself).
fn sheet_name(data: &[u8], biff8: bool, number: usize) -> String {
    let name = data.get(6..).and_then(|rest| {
        let count = usize::from(*rest.first()?);
        if biff8 {
            let wide = rest.get(1)? & 1 != 0;
            let text = rest.get(2..)?;
            if wide {
                let units: Vec<u16> = text
                    .chunks_exact(2)
                    .take(count)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .collect();
                Some(String::from_utf16_lossy(&units))
            } else {
                Some(
                    text.iter()
                        .take(count)
                        .map(|byte| char::from(*byte))
                        .collect(),
                )
            }
        } else {
            Some(
                rest.get(1..)?
                    .iter()
                    .take(count)
                    .map(|byte| char::from(*byte))
                    .collect(),
            )
        }
    });
    name.filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| format!("sheet {number}"))
}

/// The area cells span: first and last row and column seen.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, row: u32, column: u32) {
        let widen = |range: Option<(u32, u32)>, at: u32| {
            Some(range.map_or((at, at), |(low, high)| (low.min(at), high.max(at))))
        };
        self.rows = widen(self.rows, row);
        self.columns = widen(self.columns, column);
    }

    /// Rows and columns between the farthest cells, both ends included.
    fn size(&self) -> (u64, u64) {
        match (self.rows, self.columns) {
            (Some((top, bottom)), Some((left, right))) => {
                (u64::from(bottom - top) + 1, u64::from(right - left) + 1)
            }
            _ => (0, 0),
        }
    }
}

fn corrupt(location: Location, why: String) -> TableError {
    TableError::Workbook {
        location,
        message: format!("{why}: the file is corrupt; save it again from Excel, or as .xlsx"),
    }
}

/// Checks a file calamine will read as a compound file — an `.xlsx`, `.xlsm` or `.xlsb`
/// that starts with the compound-file signature, which calamine opens as one to see
/// whether it is an encrypted package — the way calamine's `Cfb::new` reads it. `source`
/// is read from where it is; the caller rewinds it.
///
/// # Errors
/// [`TableError::Workbook`] when calamine would panic, loop or run out of memory on it.
pub(super) fn check_compound<R: Read + Seek>(
    source: &mut R,
    len: u64,
    file: &Arc<str>,
) -> Result<(), TableError> {
    let mut signature = [0u8; 8];
    if source.read_exact(&mut signature).is_err() || &signature != SIGNATURE {
        return Ok(());
    }
    if source.seek(std::io::SeekFrom::Start(0)).is_err() {
        return Ok(());
    }
    let Ok(len) = usize::try_from(len) else {
        return Ok(());
    };
    match Compound::open(source, len) {
        Ok(_) | Err(Stop::Calamine) => Ok(()),
        Err(Stop::Corrupt(why)) => Err(corrupt(
            Location::file(file.clone()),
            format!("as a compound file, {why}"),
        )),
    }
}

/// Checks an `.xls` (its bytes, as calamine will get them) before calamine opens it.
///
/// # Errors
/// [`TableError::TooLarge`] when a sheet's used area, or all sheets' together, is over
/// `limits.sheet_cells`; [`TableError::Workbook`] when the compound file or a BIFF record
/// is corrupt in a way calamine would panic, loop or run out of memory on.
pub(super) fn check(bytes: &[u8], file: &Arc<str>, limits: &Limits) -> Result<(), TableError> {
    let location = Location::file(file.clone());
    let stream = match Compound::open(Cursor::new(bytes), bytes.len())
        .and_then(|mut compound| compound.workbook_stream())
    {
        Ok(stream) => stream,
        Err(Stop::Calamine) => return Ok(()),
        Err(Stop::Corrupt(why)) => {
            return Err(corrupt(
                location,
                format!("as a compound file (.xls), {why}"),
            ));
        }
    };

    // The workbook globals, up to their EOF: the sheets, and where each starts.
    let mut sheets = Vec::new();
    let mut biff8 = true;
    for record in (Records { stream: &stream }) {
        let Ok(record) = record else {
            return Ok(());
        };
        match record.kind {
            // FilePass: encrypted, which calamine reports; a record too short to say panics
            // in calamine before any sheet is built.
            0x002F if u16_at(record.data, 0) != Some(0) => return Ok(()),
            0x0809 => {
                if let Some(version) = u16_at(record.data, 0) {
                    biff8 = version == 0x0600;
                }
            }
            0x0085 => {
                // calamine panics on a record too short for its fields, before any grid.
                let Some(position) = u32_at(record.data, 0) else {
                    return Ok(());
                };
                if record.data.len() < 6 {
                    return Ok(());
                }
                let name = sheet_name(record.data, biff8, sheets.len() + 1);
                sheets.push((position as usize, name));
            }
            0x000A => break,
            _ => {}
        }
    }

    let cell_limit = limits.sheet_cells;
    let mut total = 0u64;
    for (position, name) in sheets {
        let table = Location::sheet(file.clone(), Some(Arc::from(name.as_str())));
        let Some(records) = stream.get(position..) else {
            return Err(corrupt(
                table,
                format!(
                    "the sheet starts at byte {position} of the workbook stream, past its end ({} bytes)",
                    stream.len()
                ),
            ));
        };
        let mut span = Span::default();
        let mut cells = 0u64;
        let mut seen_bof = false;
        let mut formula_seen = false;
        let mut depth = 0usize;
        for record in (Records { stream: records }) {
            // A record cut short: calamine stops the whole workbook there.
            let Ok(record) = record else {
                return Ok(());
            };
            if depth > 0 {
                match record.kind {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let data = record.data;
            let at = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
            match record.kind {
                // A chart or macro sheet inside the sheet: skipped, as calamine does.
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                // DIMENSIONS: calamine reserves room for the whole area it declares.
                0x0200 => {
                    let (first_row, last_row, mut first_column, last_column) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0).unwrap_or(0)),
                            u32::from(u16_at(data, 2).unwrap_or(0)),
                            u32::from(u16_at(data, 4).unwrap_or(0)),
                            u32::from(u16_at(data, 6).unwrap_or(0)),
                        ),
                        14 | 16 => (
                            u32_at(data, 0).unwrap_or(0),
                            u32_at(data, 4).unwrap_or(0),
                            u32::from(u16_at(data, 8).unwrap_or(0)),
                            u32::from(u16_at(data, 10).unwrap_or(0)),
                        ),
                        // calamine: an error of its own.
                        _ => return Ok(()),
                    };
                    if 0xFF < first_column || last_column < first_column {
                        first_column = 0;
                    }
                    if last_row >= 1 && last_column >= 1 {
                        if last_row - 1 < first_row || last_column - 1 < first_column {
                            return Err(corrupt(
                                table,
                                format!(
                                    "the sheet's DIMENSIONS record ends before it starts (rows {} to {last_row}, columns {} to {last_column})",
                                    u64::from(first_row) + 1,
                                    u64::from(first_column) + 1
                                ),
                            ));
                        }
                        let rows = u64::from(last_row - first_row);
                        let columns = u64::from(last_column - first_column);
                        let area = rows.saturating_mul(columns);
                        if area > cell_limit {
                            return Err(too_large(
                                table,
                                format!(
                                    "the used area its DIMENSIONS record declares ({rows} rows × {columns} columns)"
                                ),
                                area,
                                cell_limit,
                            ));
                        }
                    }
                }
                // Cells calamine keeps: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST,
                // FORMULA; and, though calamine skips them today, BLANK and ROW.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201 => {
                    formula_seen |= record.kind == 0x0006;
                    if let Some((row, column)) = at() {
                        span.add(row, column);
                        cells += u64::from(record.kind != 0x0201);
                    }
                }
                // STRING (a formula's text result) lands where the last FORMULA was, at
                // A1 before any.
                0x0207 => {
                    if !formula_seen {
                        span.add(0, 0);
                    }
                    cells += 1;
                }
                // ROW: its row, and its first and last column (colMac is one past it).
                0x0208 => {
                    if let (Some((row, first)), Some(after)) = (at(), u16_at(data, 4)) {
                        span.add(row, first);
                        span.add(row, u32::from(after.saturating_sub(1)).max(first));
                    }
                }
                // MULRK and MULBLANK: a run of cells in one row, the last column at the end.
                // calamine subtracts the first column from the last unchecked in a MULRK
                // (it skips MULBLANK, so a backwards one is passed over here too).
                0x00BD | 0x00BE if data.len() >= 6 => {
                    let row = u32::from(u16_at(data, 0).unwrap_or(0));
                    let first = u16_at(data, 2).unwrap_or(0);
                    let last = u16_at(data, data.len() - 2).unwrap_or(0);
                    match (record.kind, last < first) {
                        (0x00BD, true) => {
                            return Err(corrupt(
                                table,
                                format!(
                                    "a MULRK record in row {} runs from column {} back to column {}",
                                    row + 1,
                                    u32::from(first) + 1,
                                    u32::from(last) + 1
                                ),
                            ));
                        }
                        (_, true) => {}
                        (kind, false) => {
                            span.add(row, u32::from(first));
                            span.add(row, u32::from(last));
                            if kind == 0x00BD {
                                cells += u64::from(last - first) + 1;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let (rows, columns) = span.size();
        let area = rows * columns;
        if area > cell_limit || cells > cell_limit {
            let (top, left) = (
                span.rows.map_or(0, |(top, _)| top),
                span.columns.map_or(0, |(left, _)| left),
            );
            let (what, size) = if area > cell_limit {
                (
                    format!(
                        "the used area its cell records span ({rows} rows × {columns} columns, {}{} to {}{}), which calamine would build whole",
                        column_name(u64::from(left)),
                        u64::from(top) + 1,
                        column_name(u64::from(left) + columns - 1),
                        u64::from(top) + rows
                    ),
                    area,
                )
            } else {
                ("the number of its cells".to_string(), cells)
            };
            return Err(too_large(table, what, size, cell_limit));
        }
        total = total.saturating_add(area);
        if total > cell_limit {
            return Err(too_large(
                location,
                "the used area of its sheets together (calamine builds every sheet of an .xls at once)".into(),
                total,
                cell_limit,
            ));
        }
    }
    Ok(())
}

fn too_large(location: Location, what: String, size: u64, limit: u64) -> TableError {
    TableError::TooLarge {
        location,
        what,
        size,
        limit,
        which: Limit::SheetCells,
        partial: false,
    }
}

#[cfg(test)]
mod tests;
