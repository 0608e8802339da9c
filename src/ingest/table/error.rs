//! A file that could not be read at all, and why, in one sentence that names the file
//! (or the sheet, part or member) and what to do.

use super::limits::{Limit, format_size};
use crate::domain::location::Location;
use std::io;

/// A file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file could not be opened or read.
    #[error("{location}: cannot read the file: {source}")]
    Io {
        /// The file.
        location: Location,
        /// Why.
        source: io::Error,
    },
    /// Not a regular file (a FIFO, socket, device or folder, or a link to one), or a link
    /// out of its folder: refused before it is opened.
    #[error("{location}: not a regular file: it is {what}; it is not read (pass the file itself)")]
    NotRegular {
        /// The path.
        location: Location,
        /// What it is (`a FIFO (named pipe)`, `a link to a file outside the folder`).
        what: String,
    },
    /// Not a format the auditor reads, told by its bytes.
    #[error(
        "{location}: not a table the auditor reads: the file is {looks_like}; expected CSV or TSV text, an .xlsx, .xlsm, .xls, .xlsb or .ods workbook, a .parquet file, or a .zip, .gz or .tar of CSV files"
    )]
    UnsupportedType {
        /// The file (or the member of a gzip).
        location: Location,
        /// What its bytes look like (`a PNG image`, `binary data, not text`).
        looks_like: String,
    },
    /// A gzip file or tar archive that is corrupt or cut short.
    #[error(
        "{location}: the {what} is corrupt or cut short ({message}); check that the download completed{}",
        if *partial { "; the rows read before that are counted" } else { "" }
    )]
    Archive {
        /// The file (or the tar member being read).
        location: Location,
        /// `gzip file` or `tar archive`.
        what: &'static str,
        /// The decoder's message.
        message: String,
        /// Rows were handed over before the damage was met: they stay counted.
        partial: bool,
    },
    /// The text encoding could not be determined.
    #[error(
        "{location}: the file is neither UTF-8 nor GBK/GB18030: as UTF-8, its first bad byte is at offset {utf8}; as GB18030, at offset {gb18030}; and its first 256 KiB hold more bad sequences than damage would leave (over {}); save it as UTF-8 CSV",
        super::encoding::MAX_BAD_SEQUENCES
    )]
    Encoding {
        /// The file.
        location: Location,
        /// Its first byte that is not UTF-8.
        utf8: u64,
        /// Its first byte that is not GB18030.
        gb18030: u64,
    },
    /// calamine could not open the workbook or a sheet.
    #[error("{location}: cannot read the workbook: {message}")]
    Workbook {
        /// The file or sheet.
        location: Location,
        /// calamine's message.
        message: String,
    },
    /// A `.parquet` file that cannot be read: not Parquet, cut off, corrupt, or with a
    /// value the reader cannot decode.
    #[error(
        "{location}: the file is not a readable Parquet file: {message}; check that the download or export completed"
    )]
    Parquet {
        /// The file.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The reader panicked on this file.
    #[error(
        "{location}: the file is malformed and crashed the reader ({message}); rows read before that are counted"
    )]
    Crashed {
        /// The file.
        location: Location,
        /// The panic message.
        message: String,
    },
    /// The workbook is larger than the auditor will load.
    #[error(
        "{location}: {what} is {size} {unit}, over the limit of {limit} {unit}{}{}",
        limit_advice(*which, *limit),
        if *partial { "; the rows read before it are counted" } else { "" },
        unit = which.unit()
    )]
    TooLarge {
        /// The file (or the part, or the sheet inside it).
        location: Location,
        /// What was measured.
        what: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
        /// Which limit: what `size` and `limit` count, and the key that sets it.
        which: Limit,
        /// Rows were handed over before the limit was passed (a sheet or zip member
        /// measured as it streams): they stay counted, and the message says so.
        partial: bool,
    },
    /// A `.zip` file whose central directory cannot be read (not a zip, truncated or
    /// corrupt).
    #[error(
        "{location}: the file is not a readable zip archive ({message}); check that the download completed"
    )]
    ZipArchive {
        /// The file.
        location: Location,
        /// The zip reader's message.
        message: String,
    },
    /// A CSV member of a zip archive is encrypted: without its password it cannot be read.
    #[error(
        "{location}: the member is encrypted; extract it with its password and pass the CSV file itself"
    )]
    ZipEncrypted {
        /// The member.
        location: Location,
    },
    /// A CSV member of a zip archive is compressed with a method the auditor cannot undo.
    #[error(
        "{location}: the member is compressed with {method}, which the auditor cannot decompress; zip it again with Deflate or pass the CSV file itself"
    )]
    ZipCompression {
        /// The member.
        location: Location,
        /// The compression method's name (or number, when unknown).
        method: String,
    },
    /// A CSV member of a zip archive could not be decompressed (corrupt data, wrong
    /// checksum, inconsistent sizes).
    #[error(
        "{location}: the member is corrupt and cannot be decompressed ({message}); rows read before that are counted"
    )]
    ZipMember {
        /// The member.
        location: Location,
        /// The zip reader's message.
        message: String,
    },
}

/// How a [`TableError::TooLarge`] message ends: the limit's key, and what to do.
fn limit_advice(which: Limit, limit: u64) -> String {
    let unit = which.unit();
    match which.key() {
        Some(key) => {
            // `1 GiB, ` when the limit is a round size; nothing when it is plain bytes.
            let size = Some(format_size(limit))
                .filter(|size| unit == "bytes" && !size.ends_with("bytes"))
                .map(|size| format!("{size}, "))
                .unwrap_or_default();
            format!(
                " ({size}`{key}` in the [limits] table of the --config file); split the file, or raise the limit if the file is trusted"
            )
        }
        None => "; the file is corrupt or forged".into(),
    }
}
