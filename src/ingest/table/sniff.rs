//! What a file is, told from its bytes rather than its name: cloud bill subscriptions
//! write objects without an extension (`<account>_BillingItemDetailMonthly_202503`), and a
//! renamed file must read as what it is. The first bytes decide between the containers
//! and workbooks the reader knows, text (read as CSV/TSV), and everything else, which is
//! named ("a PNG image") so its finding says what was given. The extension only breaks
//! ties the bytes leave open: a zip that is neither clearly a workbook nor unreadable as
//! one, or a compound file that may be an encrypted `.xlsx`.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// How many first bytes are looked at: enough for a tar header (its magic is at 257) and
/// for a fair sample of text.
pub(super) const HEAD_BYTES: usize = 64 * 1024;

/// The kinds of file the reader tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Text: read as CSV (tab-separated for a `.tsv` name).
    Text,
    /// A workbook, with the extension its reader expects (`xlsx`, `xlsm`, `xlsb`, `ods`,
    /// `xls`).
    Workbook(&'static str),
    /// A zip archive that is not a workbook: its CSV members are read.
    Zip,
    /// Apache Parquet (`PAR1` at both ends).
    Parquet,
    /// A gzip stream: one CSV, or a tar archive (`.tar.gz`).
    Gzip,
    /// A POSIX or GNU tar archive (`ustar` at offset 257).
    Tar,
    /// None of them: what the bytes look like, for the finding.
    Other(&'static str),
}

/// What the first bytes alone say, before a zip's members are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Magic {
    Zip,
    Compound,
    Parquet,
    Gzip,
    Tar,
    Text,
    Other(&'static str),
}

/// Signatures of formats the reader does not read, so a finding can say what the file is.
const FOREIGN: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x7FELF", "an executable program (ELF)"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"Rar!\x1A\x07", "a RAR archive"),
    (b"\xFD7zXZ\x00", "an xz-compressed file"),
    (b"\x28\xB5\x2F\xFD", "a Zstandard-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
];

/// The kind the first bytes show. `head` is the file's first bytes (up to
/// [`HEAD_BYTES`]); `tail` its last four when the file is on disk (Parquet's closing
/// magic), `None` for a stream whose end is not known yet.
pub(super) fn magic(head: &[u8], tail: Option<&[u8]>) -> Magic {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Magic::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Magic::Compound;
    }
    if head.starts_with(b"PAR1") {
        return if tail.is_none_or(|tail| tail == b"PAR1") {
            Magic::Parquet
        } else {
            Magic::Other("a Parquet file cut short (it does not end with `PAR1`)")
        };
    }
    if head.starts_with(&[0x1F, 0x8B]) {
        return Magic::Gzip;
    }
    if head.len() >= 263 && &head[257..262] == b"ustar" {
        return Magic::Tar;
    }
    // UTF-16 text holds a NUL in every ASCII character: its BOM says it is text.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Magic::Text;
    }
    if let Some((_, what)) = FOREIGN.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Magic::Other(what);
    }
    if looks_binary(head) {
        return Magic::Other("binary data, not text");
    }
    Magic::Text
}

/// True when a file's first bytes are text (CSV), by the same rule the reader goes by.
pub(crate) fn is_text(head: &[u8]) -> bool {
    magic(head, None) == Magic::Text
}

/// Binary rather than text: a NUL byte, or control characters other than tab, line
/// ends and form feed in more than one byte in a hundred. Text in UTF-8 or GB18030 holds
/// neither (their multi-byte sequences never use bytes below 0x40), while random bytes
/// hold a NUL in every 256; a mistyped encoding (Latin-1, Shift-JIS) is still text and
/// is refused by the CSV reader with its own message.
fn looks_binary(head: &[u8]) -> bool {
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|byte| matches!(byte, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F))
        .count();
    controls * 100 > head.len() && controls > 2
}

/// What a kind of file is, for a sentence: `a zip archive`, `a PNG image`.
pub(super) fn describe(magic: Magic) -> &'static str {
    match magic {
        Magic::Zip => "a zip archive (or a workbook)",
        Magic::Compound => "an Excel 97-2003 workbook (or another compound file)",
        Magic::Parquet => "a Parquet file",
        Magic::Gzip => "a gzip-compressed file",
        Magic::Tar => "a tar archive",
        Magic::Text => "text",
        Magic::Other(what) => what,
    }
}

/// The kind of the file at `path`, from its bytes; `extension` (lower case) breaks ties.
///
/// # Errors
/// When the file cannot be opened or read.
pub(super) fn kind_of(path: &Path, extension: &str) -> io::Result<Kind> {
    let mut opened = std::fs::File::open(path)?;
    let size = opened.metadata()?.len();
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut opened)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    let mut tail = [0u8; 4];
    let tail: &[u8] = if size >= 12 {
        opened.seek(SeekFrom::End(-4))?;
        opened.read_exact(&mut tail)?;
        &tail
    } else {
        &[]
    };
    Ok(match magic(&head, Some(tail)) {
        Magic::Zip => {
            opened.rewind()?;
            zip_kind(opened, extension)
        }
        // An encrypted .xlsx is a compound file too: its workbook reader says so.
        Magic::Compound => Kind::Workbook(match extension {
            "xlsx" => "xlsx",
            "xlsm" => "xlsm",
            "xlsb" => "xlsb",
            _ => "xls",
        }),
        Magic::Parquet => Kind::Parquet,
        Magic::Gzip => Kind::Gzip,
        Magic::Tar => Kind::Tar,
        Magic::Text => Kind::Text,
        // A file named `.parquet` that is not one is left to the Parquet reader, which
        // says which magic bytes are missing (as a zip named `.xlsx` goes to the workbook
        // reader).
        Magic::Other(_) if extension == "parquet" => Kind::Parquet,
        Magic::Other(what) => Kind::Other(what),
    })
}

/// A zip archive is a workbook when its members say so (`xl/workbook.xml`,
/// `xl/workbook.bin`, an OpenDocument spreadsheet's `mimetype`); else a zip of CSVs —
/// unless its name says workbook, which then breaks the tie (and the workbook reader
/// says what is missing), as it does when the archive's directory cannot be read.
fn zip_kind(opened: std::fs::File, extension: &str) -> Kind {
    let named = match extension {
        "xlsx" => Some("xlsx"),
        "xlsm" => Some("xlsm"),
        "xlsb" => Some("xlsb"),
        "ods" => Some("ods"),
        _ => None,
    };
    let Ok(mut archive) = zip::ZipArchive::new(io::BufReader::new(opened)) else {
        return named.map_or(Kind::Zip, Kind::Workbook);
    };
    if archive.index_for_name("xl/workbook.xml").is_some() {
        return Kind::Workbook(if extension == "xlsm" { "xlsm" } else { "xlsx" });
    }
    if archive.index_for_name("xl/workbook.bin").is_some() {
        return Kind::Workbook("xlsb");
    }
    let spreadsheet = b"application/vnd.oasis.opendocument.spreadsheet";
    if let Ok(mut mimetype) = archive.by_name("mimetype") {
        let mut text = Vec::new();
        if (&mut mimetype)
            .take(spreadsheet.len() as u64 + 16)
            .read_to_end(&mut text)
            .is_ok()
            && text.starts_with(spreadsheet)
        {
            return Kind::Workbook("ods");
        }
    }
    named.map_or(Kind::Zip, Kind::Workbook)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_tell_the_kind() {
        let mut tar = vec![0u8; 512];
        tar[..10].copy_from_slice(b"bill_1.csv");
        tar[257..263].copy_from_slice(b"ustar\0");
        let mut parquet = b"PAR1".to_vec();
        parquet.extend([0u8; 8]);
        parquet.extend(b"PAR1");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 13]);
        // (first bytes, last four bytes, kind)
        let table: &[(&[u8], &[u8], Magic)] = &[
            (b"PK\x03\x04\x14\x00", b"\x00\x00\x00\x00", Magic::Zip),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                b"\x00\x00\x00\x00",
                Magic::Compound,
            ),
            (&parquet, b"PAR1", Magic::Parquet),
            (
                b"\x1F\x8B\x08\x00\x00\x00",
                b"\x00\x00\x00\x00",
                Magic::Gzip,
            ),
            (&tar, b"\x00\x00\x00\x00", Magic::Tar),
            (
                "账单月份,金额\n2025-03,1.00\n".as_bytes(),
                b"00\n",
                Magic::Text,
            ),
            (b"\xFF\xFEa\x00,\x00b\x00", b"b\x00", Magic::Text),
            (&png, b"\x00\x00\x00\x00", Magic::Other("a PNG image")),
            (b"%PDF-1.7\n", b"EOF\n", Magic::Other("a PDF document")),
            (
                b"PAR1\x15\x04",
                b"\x15\x04",
                Magic::Other("a Parquet file cut short (it does not end with `PAR1`)"),
            ),
            (
                b"\x01\x02\x03\x04\x05\x06\x07\x08",
                b"\x05\x06\x07\x08",
                Magic::Other("binary data, not text"),
            ),
        ];
        for (head, tail, kind) in table {
            assert_eq!(magic(head, Some(tail)), *kind, "{head:?}");
        }
        // A stream's end is not known: its start decides.
        assert_eq!(magic(b"PAR1\x15\x04", None), Magic::Parquet);
    }

    #[test]
    fn text_with_a_stray_control_character_is_still_text() {
        let mut text = "a,b\n".repeat(100).into_bytes();
        text.push(0x1A); // DOS end of file
        assert_eq!(magic(&text, Some(b"")), Magic::Text);
        assert_eq!(magic(b"", Some(b"")), Magic::Text);
    }
}
