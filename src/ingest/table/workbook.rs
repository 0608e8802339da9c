//! A spreadsheet (`.xlsx/.xlsm/.xls/.xlsb/.ods`) through calamine: the file's size
//! checked, its bytes hashed, the pre-checks run before calamine sees it, then every
//! visible sheet handed over row by row — streamed cell by cell for `.xlsx` and `.xlsb`,
//! from calamine's whole range for `.xls` and `.ods`.

use super::as_typed::{SheetTyping, XlsxTyping, merge_error, read_xlsx_typing};
use super::digest::{FileDigest, HashWriter};
use super::error::TableError;
use super::limits::{Limit, Limits};
use super::merged::{Area, MAX_AREAS, MergeProblem};
use super::ods;
use super::options::ReadOptions;
use super::prescan::check_zip_parts;
use super::sheet_cells::{Overflow, cell_from_data, stream_cells};
use super::visitor::TableVisitor;
use super::xls;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use calamine::{Reader, SheetVisible};
use sha2::{Digest, Sha256};
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::Path;
use std::sync::Arc;

/// A workbook's bytes for calamine: the file itself (XLSX, XLSB: sheets stream) or a copy
/// in memory (XLS, ODS: calamine reads them whole anyway), with the SHA-256 of the bytes.
enum WorkbookSource {
    File(BufReader<std::fs::File>, String),
    Memory(Cursor<Vec<u8>>, String),
}

impl WorkbookSource {
    fn sha256(&self) -> &str {
        match self {
            WorkbookSource::File(_, sha256) | WorkbookSource::Memory(_, sha256) => sha256,
        }
    }
}

impl Read for WorkbookSource {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            WorkbookSource::File(file, _) => file.read(buffer),
            WorkbookSource::Memory(cursor, _) => cursor.read(buffer),
        }
    }
}

impl Seek for WorkbookSource {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        match self {
            WorkbookSource::File(file, _) => file.seek(position),
            WorkbookSource::Memory(cursor, _) => cursor.seek(position),
        }
    }
}

pub(super) fn read_spreadsheet(
    path: &Path,
    file: Arc<str>,
    extension: &str,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    options: ReadOptions,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let size = std::fs::metadata(path)
        .map_err(|source| TableError::Io {
            location: location.clone(),
            source,
        })?
        .len();
    // XLSX and XLSB sheets stream from the file; XLS and ODS are loaded whole by calamine.
    let streamed = matches!(extension, "xlsx" | "xlsm" | "xlsb");
    let (limit, which) = if streamed {
        (limits.streamed_workbook_bytes, Limit::StreamedWorkbook)
    } else {
        (limits.whole_workbook_bytes, Limit::WholeWorkbook)
    };
    if size > limit {
        return Err(TableError::TooLarge {
            location,
            what: "the file".to_string(),
            size,
            limit,
            which,
            partial: false,
        });
    }
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let cursor = if streamed {
        let mut file =
            BufReader::with_capacity(256 * 1024, std::fs::File::open(path).map_err(io_error)?);
        let mut hasher = Sha256::new();
        io::copy(&mut file, &mut HashWriter(&mut hasher)).map_err(io_error)?;
        file.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
        WorkbookSource::File(file, hex(&hasher.finalize()))
    } else {
        let bytes = std::fs::read(path).map_err(io_error)?;
        let sha256 = hex(&Sha256::digest(&bytes));
        WorkbookSource::Memory(Cursor::new(bytes), sha256)
    };
    let sha256 = cursor.sha256().to_string();
    let mut cursor = cursor;
    if matches!(extension, "xlsx" | "xlsm" | "xlsb" | "ods") {
        let references = matches!(extension, "xlsx" | "xlsm");
        check_zip_parts(&mut cursor, &location, limits, references)?;
        cursor.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
    }
    // Read as typed, an .xlsx's merged areas and calculation flag come from its parts
    // (calamine reads merged areas without checking their references).
    let mut xlsx_typing = XlsxTyping::default();
    if options.as_typed && matches!(extension, "xlsx" | "xlsm") {
        xlsx_typing = read_xlsx_typing(&mut cursor, &location)?;
        cursor.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
    }
    if streamed {
        // calamine opens an .xlsx or .xlsb that is a compound file (an encrypted package,
        // or an .xls renamed) as one, to look for encryption: the same reading as an .xls.
        xls::check_compound(&mut cursor, size, &file)?;
        cursor.seek(io::SeekFrom::Start(0)).map_err(io_error)?;
    }
    if let ("xls", WorkbookSource::Memory(bytes, _)) = (extension, &cursor) {
        // calamine builds every sheet of an .xls, as a dense grid, when it opens it.
        xls::check(bytes.get_ref(), &file, limits)?;
    }
    if let ("ods", WorkbookSource::Memory(bytes, _)) = (extension, &cursor) {
        // And every table of an .ods, its repeated rows and cells expanded.
        ods::check(bytes.get_ref(), &file, limits)?;
    }
    let workbook_error = |location: &Location, error: calamine::Error| TableError::Workbook {
        location: location.clone(),
        message: error.to_string(),
    };
    let mut workbook: calamine::Sheets<_> = match extension {
        "xls" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xls)
            .map_err(|error| workbook_error(&location, calamine::Error::Xls(error)))?,
        "xlsb" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsb)
            .map_err(|error| workbook_error(&location, calamine::Error::Xlsb(error)))?,
        "ods" => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Ods)
            .map_err(|error| workbook_error(&location, calamine::Error::Ods(error)))?,
        _ => calamine::open_workbook_from_rs(cursor)
            .map(calamine::Sheets::Xlsx)
            .map_err(|error| workbook_error(&location, calamine::Error::Xlsx(error)))?,
    };
    let sheets: Vec<(String, bool)> = workbook
        .sheets_metadata()
        .iter()
        .map(|sheet| (sheet.name.clone(), sheet.visible == SheetVisible::Visible))
        .collect();
    let mut hidden_sheets = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let columns = limits.sheet_columns as usize;
    for (name, visible) in sheets {
        if !visible {
            hidden_sheets.push(name);
            continue;
        }
        let table = Location::sheet(file.clone(), Some(Arc::from(name.as_str())));
        visitor.begin_table(&table);
        let mut typing = if options.as_typed {
            let areas = match &workbook {
                calamine::Sheets::Xls(book) => {
                    let areas = book
                        .merge_cells_by_sheet_name(&name)
                        .map_err(|error| workbook_error(&table, calamine::Error::Xls(error)))?;
                    if areas.len() > MAX_AREAS {
                        return Err(merge_error(&location, &name, &MergeProblem::TooMany));
                    }
                    areas
                        .iter()
                        .map(|area| Area::new(area.start, area.end))
                        .collect()
                }
                _ => xlsx_typing.areas.remove(&name).unwrap_or_default(),
            };
            Some(SheetTyping::new(
                areas,
                xlsx_typing.values_uncalculated,
                limits,
            ))
        } else {
            None
        };
        // XLSX and XLSB stream cell by cell: memory stays bounded whatever the sheet's
        // size, and a hostile file with one cell at A1 and one at XFD1048576 cannot make
        // calamine allocate the grid between them.
        let streamed = match &mut workbook {
            calamine::Sheets::Xlsx(book) => {
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|error| workbook_error(&table, calamine::Error::Xlsx(error)))?;
                let as_typed = typing.is_some();
                stream_cells(&table, visitor, limits, typing.as_mut(), || {
                    let error = |error| calamine::Error::Xlsx(error).to_string();
                    if as_typed {
                        // The formula comes with its cell, in the same pass.
                        return reader.next_cell_with_formula().map_err(error).map(|cell| {
                            cell.map(|cell| {
                                (calamine::Cell::new(cell.pos, cell.value), cell.formula)
                            })
                        });
                    }
                    reader
                        .next_cell()
                        .map_err(error)
                        .map(|cell| cell.map(|cell| (cell, None)))
                })?;
                true
            }
            calamine::Sheets::Xlsb(book) => {
                // An .xlsb stores a computed value with every formula (the format has no
                // formula record without one), and calamine does not tell its merged
                // areas: it is read by its values alone, as typed or not.
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|error| workbook_error(&table, calamine::Error::Xlsb(error)))?;
                stream_cells(&table, visitor, limits, typing.as_mut(), || {
                    reader
                        .next_cell()
                        .map_err(|error| calamine::Error::Xlsb(error).to_string())
                        .map(|cell| cell.map(|cell| (cell, None)))
                })?;
                true
            }
            _ => false,
        };
        if streamed {
            continue;
        }
        // XLS and ODS: calamine has no streaming reader; it loaded them whole already.
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| workbook_error(&table, error))?;
        let (height, width) = range.get_size();
        let area = (height as u64).saturating_mul(width as u64);
        if area > limits.sheet_cells {
            return Err(TableError::TooLarge {
                location: table,
                what: format!("the used area ({height} rows × {width} columns)"),
                size: area,
                limit: limits.sheet_cells,
                which: Limit::SheetCells,
                partial: false,
            });
        }
        // Read as typed, the formulas of the sheet (calamine loaded them with it).
        let formulas = match &typing {
            Some(_) => Some(
                workbook
                    .worksheet_formula(&name)
                    .map_err(|error| workbook_error(&table, error))?,
            ),
            None => None,
        };
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        for (offset, row) in range.rows().enumerate() {
            let number = first_row as usize + offset + 1;
            cells.clear();
            // Keep columns where a user sees them even when the used area starts at C.
            cells.extend((0..first_column).map(|_| Cell::Empty));
            cells.extend(row.iter().map(cell_from_data));
            let past = cells
                .iter()
                .enumerate()
                .skip(columns)
                .filter(|(_, cell)| !cell.is_empty())
                .map(|(column, _)| column);
            let overflow = Overflow::of(past);
            cells.truncate(columns);
            let Some(typing) = typing.as_mut() else {
                match overflow {
                    Some(overflow) => {
                        visitor.unreadable_row(number, overflow.why(number, columns));
                    }
                    None => visitor.row(number, &cells),
                }
                continue;
            };
            let row_index = (number - 1) as u32;
            if let Some(formulas) = &formulas {
                for (column, cell) in cells.iter_mut().enumerate() {
                    let formula = formulas.get_value((row_index, column as u32));
                    if let Some(formula) = formula
                        && typing.formula(column, formula, cell.is_empty())
                    {
                        *cell = Cell::Empty;
                    }
                }
            }
            let unreadable = overflow.map(|overflow| overflow.why(number, columns));
            typing.finish_row(&table, visitor, row_index, &cells, columns, unreadable)?;
        }
    }
    Ok(FileDigest {
        sha256,
        bytes: size,
        encoding: None,
        hidden_sheets,
        refused_members: Vec::new(),
    })
}
