//! calamine 0.38's reading of a compound file (CFB, `src/cfb.rs`), replayed step by step
//! so the stream the `.xls` check scans is the very stream calamine will parse, and so
//! the corrupt files on which calamine would panic, loop or allocate without bound are
//! found first: a sector past the end of a truncated file, a FAT sector cut short, a
//! chain of sectors that loops. Where calamine would stop with an ordinary error, the
//! replay stops too ([`Stop::Calamine`]) and lets calamine say it.

use std::io::Read;

pub(super) const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
pub(super) const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// Why the replay stopped.
#[derive(Debug)]
pub(super) enum Stop {
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

pub(super) fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
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
pub(super) struct Compound<R> {
    reader: R,
    sectors: Sectors,
    fats: Vec<u32>,
    mini_sectors: Sectors,
    mini_fats: Vec<u32>,
    directories: Vec<Directory>,
}

impl<R: Read> Compound<R> {
    /// calamine's `Cfb::new` on a file of `len` bytes, `reader` at its start.
    pub(super) fn open(mut reader: R, len: usize) -> Result<Compound<R>, Stop> {
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
    pub(super) fn workbook_stream(&mut self) -> Result<Vec<u8>, Stop> {
        match self.stream("Workbook") {
            Err(Stop::Calamine) => self.stream("Book"),
            other => other,
        }
    }
}
