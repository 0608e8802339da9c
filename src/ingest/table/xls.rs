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
//! Tied to calamine 0.38 (`src/cfb.rs`, `Xls::parse_workbook`): a calamine upgrade is a
//! reviewed change, and `tests/it/fuzz_regressions.rs` keeps the inputs that once failed.

use super::{Limit, Limits, TableError};
use crate::domain::location::Location;
use std::io::{Cursor, Read, Seek};
use std::sync::Arc;

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// Why the replay stopped.
#[derive(Debug)]
enum Stop {
    /// calamine stops here with an error of its own before it allocates anything large:
    /// let it open the file and say so.
    Calamine,
    /// calamine would panic, loop or allocate without bound here: the file is refused.
    Corrupt(String),
}

/// calamine's `cfb::Sectors`: sectors read on demand from the shared reader into `data`,
/// which is padded with zeros when the file ends inside a sector.
struct Sectors {
    data: Vec<u8>,
    size: usize,
    maxid: u32,
}

impl Sectors {
    /// Sector `id`, as calamine's `Sectors::get` returns it: cut short at the end of the
    /// file, padded when an earlier read padded it.
    fn get(&mut self, id: u32, reader: &mut impl Read) -> Result<&[u8], Stop> {
        if self.maxid < id {
            return Err(Stop::Calamine);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.data.len() {
            let mut filled = self.data.len();
            self.data.resize(end, 0);
            while filled < end {
                let read = reader
                    .read(&mut self.data[filled..end])
                    .map_err(|_| Stop::Calamine)?;
                if read == 0 {
                    if start > filled {
                        // calamine: `data[start..len]` with start > len, a panic.
                        return Err(Stop::Corrupt(format!(
                            "sector {id} lies past the end of the file (it is truncated)"
                        )));
                    }
                    return Ok(&self.data[start..filled]);
                }
                filled += read;
            }
        }
        Ok(&self.data[start..end])
    }

    /// calamine's `Sectors::get_chain`: the sectors from `id` on through `fats`, up to
    /// `len` bytes. A chain longer than the sectors there are loops (calamine would go
    /// round until its memory ran out); a link to a sector the FAT has no entry for
    /// would panic in calamine.
    fn get_chain(
        &mut self,
        mut id: u32,
        fats: &[u32],
        reader: &mut impl Read,
        len: usize,
        what: &str,
    ) -> Result<Vec<u8>, Stop> {
        let mut chain = Vec::new();
        let mut links = 0usize;
        while id != END_OF_CHAIN {
            let sector = self.get(id, reader)?;
            let to_copy = sector.len().min(len - chain.len());
            chain.extend_from_slice(&sector[..to_copy]);
            if chain.len() >= len {
                break;
            }
            links += 1;
            if links > self.maxid as usize + 1 {
                return Err(Stop::Corrupt(format!(
                    "the chain of sectors of {what} loops"
                )));
            }
            id = *fats.get(id as usize).ok_or_else(|| {
                Stop::Corrupt(format!(
                    "the chain of sectors of {what} runs through sector {id}, which the allocation table does not cover"
                ))
            })?;
        }
        Ok(chain)
    }
}

/// calamine's `to_u32`, which asserts the length is a multiple of 4.
fn to_u32(bytes: &[u8], what: &str) -> Result<Vec<u32>, Stop> {
    if !bytes.len().is_multiple_of(4) {
        return Err(Stop::Corrupt(format!(
            "{what} is cut short ({} bytes; the file is truncated)",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
        .collect())
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// A directory entry as calamine reads it.
struct Directory {
    name: String,
    start: u32,
    len: usize,
}

impl Directory {
    fn from_slice(entry: &[u8], sector_size: usize) -> Result<Directory, Stop> {
        // As calamine: `UTF_16LE.decode` (which follows a byte-order mark), cut at the
        // first NUL.
        let mut name = encoding_rs::UTF_16LE.decode(&entry[..64]).0.into_owned();
        if let Some(nul) = name.as_bytes().iter().position(|byte| *byte == 0) {
            name.truncate(nul);
        }
        let start = u32_at(entry, 116).ok_or(Stop::Calamine)?;
        let len = if sector_size == 512 {
            u64::from(u32_at(entry, 120).ok_or(Stop::Calamine)?)
        } else {
            u64::from_le_bytes(entry[120..128].try_into().map_err(|_| Stop::Calamine)?)
        };
        let len = usize::try_from(len).map_err(|_| {
            Stop::Corrupt(format!("the directory entry `{name}` declares {len} bytes"))
        })?;
        Ok(Directory { name, start, len })
    }
}

/// The compound file as calamine 0.38 sees it once `Cfb::new` has run.
struct Compound<R> {
    reader: R,
    sectors: Sectors,
    fats: Vec<u32>,
    mini_sectors: Sectors,
    mini_fats: Vec<u32>,
    directories: Vec<Directory>,
}

impl<R: Read> Compound<R> {
    /// calamine's `Cfb::new` on a file of `len` bytes, `reader` at its start.
    fn open(mut reader: R, len: usize) -> Result<Compound<R>, Stop> {
        let mut header = [0u8; 512];
        if len < 512 || reader.read_exact(&mut header).is_err() || &header[..8] != SIGNATURE {
            return Err(Stop::Calamine);
        }
        let version = u16_at(&header, 26).ok_or(Stop::Calamine)?;
        let sector_size = match u16_at(&header, 30).ok_or(Stop::Calamine)? {
            0x0009 => 512,
            0x000C => {
                // The header takes the whole first 4096-byte sector; calamine reads it all.
                let mut rest = [0u8; 4096 - 512];
                reader.read_exact(&mut rest).map_err(|_| Stop::Calamine)?;
                4096
            }
            _ => return Err(Stop::Calamine),
        };
        if u16_at(&header, 32) != Some(0x0006) {
            return Err(Stop::Calamine);
        }
        let field = |at| u32_at(&header, at).ok_or(Stop::Calamine);
        let dir_start = field(48)?;
        let mini_fat_start = field(60)?;
        let mini_fat_len = field(64)? as usize;
        let difat_start = field(68)?;
        let mut difat = to_u32(&header[76..512], "the header")?;
        let maxid = len / sector_size;
        let mut sectors = Sectors {
            data: Vec::new(),
            size: sector_size,
            maxid: maxid as u32,
        };

        // The DIFAT chain: as calamine, at most one sector more than the file has.
        let mut sector_id = difat_start;
        let mut difat_sectors = 0usize;
        while sector_id < RESERVED_SECTORS {
            difat_sectors += 1;
            if difat_sectors > maxid.saturating_add(1) {
                return Err(Stop::Calamine);
            }
            let sector = sectors.get(sector_id, &mut reader)?;
            difat.extend(to_u32(sector, "a DIFAT sector")?);
            sector_id = difat.pop().ok_or(Stop::Calamine)?;
        }

        // The FAT: one sector per DIFAT entry, duplicates included. A FAT longer than one
        // entry per sector of the file can only repeat sectors, and calamine would hold
        // every copy (up to 128 times the file's size): refused at that point.
        let most = (maxid + 1) * (sector_size / 4);
        let mut fats = Vec::new();
        for id in difat.into_iter().filter(|id| *id < DIFSECT) {
            let sector = sectors.get(id, &mut reader)?;
            if fats.len() + sector.len() / 4 > most {
                return Err(Stop::Corrupt(format!(
                    "its DIFAT lists more allocation-table (FAT) sectors than the file's {} sectors need",
                    maxid + 1
                )));
            }
            fats.extend(to_u32(sector, "an allocation-table (FAT) sector")?);
        }

        // The directory: the whole chain, 128-byte entries.
        let entries =
            sectors.get_chain(dir_start, &fats, &mut reader, usize::MAX, "the directory")?;
        let directories = entries
            .chunks(128)
            .filter(|entry| entry.len() == 128)
            .map(|entry| Directory::from_slice(entry, sector_size))
            .collect::<Result<Vec<_>, _>>()?;
        if directories.is_empty() || (version != 3 && directories[0].start == END_OF_CHAIN) {
            return Err(Stop::Calamine);
        }

        // The mini stream and its allocation table.
        let (mini_fats, ministream) = if mini_fat_len > 0 {
            let ministream = sectors.get_chain(
                directories[0].start,
                &fats,
                &mut reader,
                directories[0].len,
                "the mini stream",
            )?;
            let minifat = sectors.get_chain(
                mini_fat_start,
                &fats,
                &mut reader,
                mini_fat_len * sector_size,
                "the mini allocation table",
            )?;
            (to_u32(&minifat, "the mini allocation table")?, ministream)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(Compound {
            reader,
            sectors,
            fats,
            mini_sectors: Sectors {
                data: ministream,
                size: 64,
                maxid: (maxid * 8) as u32,
            },
            mini_fats,
            directories,
        })
    }

    /// calamine's `Cfb::get_stream`: the first entry of that name (any case).
    fn stream(&mut self, name: &str) -> Result<Vec<u8>, Stop> {
        let Some(entry) = self
            .directories
            .iter()
            .find(|entry| entry.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            return Err(Stop::Calamine);
        };
        let what = format!("the stream `{name}`");
        if entry.len < 4096 {
            self.mini_sectors.get_chain(
                entry.start,
                &self.mini_fats,
                &mut self.reader,
                entry.len,
                &what,
            )
        } else {
            self.sectors
                .get_chain(entry.start, &self.fats, &mut self.reader, entry.len, &what)
        }
    }

    /// The BIFF stream calamine parses: `Workbook`, else (after any error) `Book`.
    fn workbook_stream(&mut self) -> Result<Vec<u8>, Stop> {
        match self.stream("Workbook") {
            Err(Stop::Calamine) => self.stream("Book"),
            other => other,
        }
    }
}

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

/// The column letters of a 0-based column (`0` → `A`, `16383` → `XFD`).
pub(super) fn column_name(column: u64) -> String {
    let mut letters = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(b'A' + digit as u8);
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
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
mod tests {
    use super::*;
    use crate::ingest::cell::Cell;

    /// One BIFF record.
    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    fn bof(kind: u16) -> Vec<u8> {
        record(
            0x0809,
            &[0x00, 0x06, kind as u8, (kind >> 8) as u8, 0, 0, 0, 0],
        )
    }

    fn eof() -> Vec<u8> {
        record(0x000A, &[])
    }

    /// A NUMBER record: `value` at 0-based (`row`, `column`).
    fn number(row: u16, column: u16, value: f64) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        data.extend(value.to_le_bytes());
        record(0x0203, &data)
    }

    /// A BIFF8 DIMENSIONS record: rows `first..after`, columns `first..after`.
    fn dimensions(rows: (u32, u32), columns: (u16, u16)) -> Vec<u8> {
        let mut data = rows.0.to_le_bytes().to_vec();
        data.extend(rows.1.to_le_bytes());
        data.extend(columns.0.to_le_bytes());
        data.extend(columns.1.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        record(0x0200, &data)
    }

    /// A workbook stream: globals naming each sheet, then the sheets' records (each
    /// framed by its BOF and EOF); `shift` moves every sheet's position.
    fn workbook(sheets: &[(&str, Vec<u8>)], shift: u32) -> Vec<u8> {
        let bound = |position: u32, name: &str| {
            let mut data = position.to_le_bytes().to_vec();
            data.extend([0, 0, name.len() as u8, 0]);
            data.extend(name.as_bytes());
            record(0x0085, &data)
        };
        let globals_len: usize = bof(5).len()
            + sheets
                .iter()
                .map(|(name, _)| bound(0, name).len())
                .sum::<usize>()
            + eof().len();
        let mut stream = bof(5);
        let mut position = globals_len;
        for (name, body) in sheets {
            stream.extend(bound(position as u32 + shift, name));
            position += bof(0x10).len() + body.len() + eof().len();
        }
        stream.extend(eof());
        for (_, body) in sheets {
            stream.extend(bof(0x10));
            stream.extend(body);
            stream.extend(eof());
        }
        stream
    }

    /// A version-3 compound file (512-byte sectors) holding `stream` as `Workbook`, in
    /// regular sectors: sector 0 the FAT, 1 the directory, then the stream's chain
    /// (`next` rewrites a FAT entry). `difat` lists the FAT's sectors in the header.
    fn compound(stream: &[u8], difat: &[u32], next: &[(usize, u32)]) -> Vec<u8> {
        let mut stream = stream.to_vec();
        stream.resize(stream.len().max(4096), 0);
        let sectors = stream.len().div_ceil(512);
        let mut fat = vec![0xFFFF_FFFFu32; 128];
        fat[0] = 0xFFFF_FFFD;
        fat[1] = END_OF_CHAIN;
        for sector in 0..sectors {
            fat[2 + sector] = if sector + 1 == sectors {
                END_OF_CHAIN
            } else {
                3 + sector as u32
            };
        }
        for (at, to) in next {
            fat[*at] = *to;
        }
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(SIGNATURE);
        header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
        header[26..28].copy_from_slice(&3u16.to_le_bytes());
        header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        header[30..32].copy_from_slice(&9u16.to_le_bytes());
        header[32..34].copy_from_slice(&6u16.to_le_bytes());
        header[44..48].copy_from_slice(&1u32.to_le_bytes());
        header[48..52].copy_from_slice(&1u32.to_le_bytes());
        header[56..60].copy_from_slice(&4096u32.to_le_bytes());
        header[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        header[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for (index, slot) in header[76..512].chunks_exact_mut(4).enumerate() {
            slot.copy_from_slice(&difat.get(index).copied().unwrap_or(u32::MAX).to_le_bytes());
        }
        let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
            let mut entry = vec![0u8; 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (index, unit) in units.iter().enumerate() {
                entry[index * 2..index * 2 + 2].copy_from_slice(&unit.to_le_bytes());
            }
            entry[64..66].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
            entry[66] = kind;
            entry[68..80].copy_from_slice(&[0xFF; 12]);
            entry[76..80].copy_from_slice(&child.to_le_bytes());
            entry[116..120].copy_from_slice(&start.to_le_bytes());
            entry[120..124].copy_from_slice(&size.to_le_bytes());
            entry
        };
        let mut bytes = header;
        bytes.extend(fat.iter().flat_map(|entry| entry.to_le_bytes()));
        bytes.extend(entry("Root Entry", 5, 1, END_OF_CHAIN, 0));
        bytes.extend(entry("Workbook", 2, u32::MAX, 2, stream.len() as u32));
        bytes.extend(vec![0u8; 256]);
        bytes.extend(&stream);
        bytes.resize(512 + (2 + sectors) * 512, 0);
        bytes
    }

    fn xls(sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
        compound(&workbook(sheets, 0), &[0], &[])
    }

    fn limit(cells: u64) -> Limits {
        Limits {
            sheet_cells: cells,
            ..Limits::DEFAULT
        }
    }

    fn checked(bytes: &[u8], cells: u64) -> Result<(), String> {
        check(bytes, &Arc::from("book.xls"), &limit(cells)).map_err(|error| error.to_string())
    }

    /// The rows the whole reader hands over for `bytes` saved as `name`, or its error.
    fn read(bytes: &[u8], name: &str, limits: &Limits) -> Result<Vec<(usize, Vec<Cell>)>, String> {
        struct Rows(Vec<(usize, Vec<Cell>)>);
        impl super::super::TableVisitor for Rows {
            fn begin_table(&mut self, _: &Location) {}
            fn row(&mut self, number: usize, cells: &[Cell]) {
                self.0.push((number, cells.to_vec()));
            }
            fn unreadable_row(&mut self, number: usize, why: String) {
                panic!("row {number}: {why}");
            }
        }
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let mut rows = Rows(Vec::new());
        super::super::read_file_with(&path, Arc::from(name), &mut rows, limits)
            .map(|_| rows.0)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn a_sparse_sheet_is_refused_before_calamine_builds_its_grid_and_a_small_one_reads() {
        let far = [number(0, 0, 1.0), number(99, 20, 2.0)].concat();
        let message = checked(&xls(&[("bill", far)]), 1000).unwrap_err();
        assert_eq!(
            message,
            "book.xls:bill: the used area its cell records span (100 rows × 21 columns, A1 to U100), which calamine would build whole is 2100 cells, over the limit of 1000 cells (`sheet_cells` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted"
        );
        // Within the limit the check passes, and calamine reads the same file.
        let near = [
            dimensions((0, 10), (0, 10)),
            number(0, 0, 1.0),
            number(9, 9, 2.5),
        ]
        .concat();
        let bytes = xls(&[("bill", near)]);
        checked(&bytes, 1000).unwrap();
        let rows = read(&bytes, "book.xls", &limit(1000)).unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!((rows[0].0, &rows[0].1[0]), (1, &Cell::Number(1.0)));
        assert_eq!((rows[9].0, &rows[9].1[9]), (10, &Cell::Number(2.5)));
    }

    #[test]
    fn a_dimensions_record_is_held_to_the_limit_and_to_ending_after_it_starts() {
        let declared = checked(
            &xls(&[("bill", dimensions((0, 4_000_000), (0, 200)))]),
            50_000_000,
        )
        .unwrap_err();
        assert!(
            declared.contains("the used area its DIMENSIONS record declares (4000000 rows × 200 columns) is 800000000 cells"),
            "{declared}"
        );
        // calamine computes `last − first + 1` unchecked: rows 9 to 5 would wrap.
        let backwards = checked(&xls(&[("bill", dimensions((8, 5), (0, 3)))]), 1000).unwrap_err();
        assert!(
            backwards.starts_with("book.xls:bill: cannot read the workbook: the sheet's DIMENSIONS record ends before it starts (rows 9 to 5"),
            "{backwards}"
        );
        // An empty sheet's record (all zero) is fine.
        checked(&xls(&[("bill", dimensions((0, 0), (0, 0)))]), 1).unwrap();
    }

    #[test]
    fn every_sheet_of_an_xls_counts_towards_the_limit_together() {
        let block = [number(0, 0, 1.0), number(19, 29, 1.0)].concat();
        let one = xls(&[("a", block.clone())]);
        checked(&one, 1000).unwrap();
        let two = xls(&[("a", block.clone()), ("b", block)]);
        let message = checked(&two, 1000).unwrap_err();
        assert!(
            message.starts_with("book.xls: the used area of its sheets together (calamine builds every sheet of an .xls at once) is 1200 cells"),
            "{message}"
        );
    }

    #[test]
    fn a_formula_string_before_any_formula_lands_at_a1() {
        let body = [number(50, 50, 1.0), record(0x0207, &[1, 0, 0, b'x'])].concat();
        let message = checked(&xls(&[("bill", body)]), 1000).unwrap_err();
        assert!(
            message.contains("(51 rows × 51 columns, A1 to AY51)"),
            "{message}"
        );
        checked(&xls(&[("bill", number(50, 50, 1.0))]), 1000).unwrap();
    }

    #[test]
    fn corrupt_records_calamine_would_panic_on_refuse_the_file() {
        // MULRK from column 5 back to column 2.
        let mut data = 3u16.to_le_bytes().to_vec();
        data.extend(5u16.to_le_bytes());
        data.extend([0; 6]);
        data.extend(2u16.to_le_bytes());
        let message = checked(&xls(&[("bill", record(0x00BD, &data))]), 1000).unwrap_err();
        assert!(
            message.contains("a MULRK record in row 4 runs from column 6 back to column 3"),
            "{message}"
        );
        // A sheet said to start past the end of the stream.
        let bytes = compound(
            &workbook(&[("bill", number(0, 0, 1.0))], 1 << 20),
            &[0],
            &[],
        );
        let message = checked(&bytes, 1000).unwrap_err();
        assert!(
            message.contains("book.xls:bill: cannot read the workbook: the sheet starts at byte"),
            "{message}"
        );
    }

    #[test]
    fn corrupt_compound_files_calamine_would_panic_or_loop_on_are_refused() {
        let good = xls(&[("bill", number(0, 0, 1.0))]);
        checked(&good, 1000).unwrap();
        // Cut inside the stream, read in order: calamine stops with an error of its own.
        checked(&good[..4096], 1000).unwrap();
        // Cut, with the stream's chain jumping past the end: calamine would slice past
        // the data it read.
        let jumping = compound(
            &workbook(&[("bill", number(0, 0, 1.0))], 0),
            &[0],
            &[(2, 8)],
        );
        let message = checked(&jumping[..4096], 1000).unwrap_err();
        assert!(
            message.contains("sector 8 lies past the end of the file (it is truncated)"),
            "{message}"
        );
        // The directory's chain points back at itself: calamine would read it forever.
        let looping = compound(
            &workbook(&[("bill", number(0, 0, 1.0))], 0),
            &[0],
            &[(1, 1)],
        );
        let message = checked(&looping, 1000).unwrap_err();
        assert!(
            message.contains("the chain of sectors of the directory loops"),
            "{message}"
        );
        // The FAT sector listed 109 times: calamine would hold 109 copies of it.
        let repeated = compound(&workbook(&[("bill", number(0, 0, 1.0))], 0), &[0; 109], &[]);
        let message = checked(&repeated, 1000).unwrap_err();
        assert!(
            message.contains("more allocation-table (FAT) sectors"),
            "{message}"
        );
        // Not a compound file at all: calamine says so itself.
        checked(b"not an xls", 1000).unwrap();
    }

    #[test]
    fn a_compound_file_named_xlsx_or_xlsb_is_checked_the_way_calamine_opens_it() {
        // calamine opens any .xlsx/.xlsb that is a compound file as one (looking for an
        // encrypted package): a looping directory would grow its memory without end.
        let looping = compound(
            &workbook(&[("bill", number(0, 0, 1.0))], 0),
            &[0],
            &[(1, 1)],
        );
        for name in ["book.xlsx", "book.xlsm", "book.xlsb"] {
            let error = read(&looping, name, &Limits::DEFAULT).unwrap_err();
            assert_eq!(
                error,
                format!(
                    "{name}: cannot read the workbook: as a compound file, the chain of sectors of the directory loops: the file is corrupt; save it again from Excel, or as .xlsx"
                )
            );
        }
        // A sound compound file under those names gets calamine's own answer.
        let sound = xls(&[("bill", number(0, 0, 1.0))]);
        let error = read(&sound, "sound.xlsx", &Limits::DEFAULT).unwrap_err();
        assert!(
            error.starts_with("sound.xlsx: cannot read the workbook: Xlsx error"),
            "{error}"
        );
    }

    #[test]
    fn columns_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(1023), "AMJ");
        assert_eq!(column_name(16_383), "XFD");
    }

    #[test]
    fn records_follow_calamine_framing_with_continue_records_skipped() {
        // BOF, a record with a CONTINUE after it, EOF.
        let stream = [
            0x09, 0x08, 0x02, 0x00, 0x00, 0x06, // BOF
            0x03, 0x02, 0x01, 0x00, 0xAA, // NUMBER (1 byte)
            0x3C, 0x00, 0x01, 0x00, 0xBB, // CONTINUE
            0x0A, 0x00, 0x00, 0x00, // EOF
        ];
        let kinds: Vec<u16> = Records { stream: &stream }
            .map(|record| record.unwrap().kind)
            .collect();
        assert_eq!(kinds, vec![0x0809, 0x0203, 0x000A]);
        let cut = Records {
            stream: &stream[..8],
        }
        .last()
        .unwrap();
        assert!(cut.is_err());
    }
}
