//! The hostile-input limits of the table reader, as one value: the defaults are the
//! constants below (`MAX_SPREADSHEET_BYTES`, …); the `[limits]` table of an `audit.toml`
//! changes them for a run (see `crate::app::settings`). The run's limits are passed to
//! every reader ([`super::read_file`]): nothing here is global.
//!
//! Every limit refuses a whole file (or, for [`Limits::sheet_columns`], one row) with an
//! error naming what was measured, the limit and the key that sets it; none is ever
//! applied by dropping data silently.

// The defaults of [`Limits`]: a run changes them with the `[limits]` table of its
// `audit.toml` (docs/NIGHTLY.md); the key of each is named where it is used.

/// Spreadsheets are read whole by calamine; refuse files so large that this alone
/// would threaten memory. CSV files stream and have no such limit.
/// (`whole_workbook_size`.)
pub const MAX_SPREADSHEET_BYTES: u64 = 256 * 1024 * 1024;

/// XLSX and XLSB files stream their sheets from disk, so they may be this large.
/// (`streamed_workbook_size`.)
pub const MAX_STREAMED_WORKBOOK_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// A decompressed workbook part larger than this is refused before calamine opens it
/// (a "zip bomb" inflates a few kilobytes into gigabytes). (`workbook_part_size`.)
pub const MAX_WORKBOOK_PART_BYTES: u64 = 1024 * 1024 * 1024;

/// calamine holds every shared string in memory; a table larger than this once
/// decompressed is refused. (`shared_strings_size`.)
pub const MAX_SHARED_STRINGS_BYTES: u64 = 512 * 1024 * 1024;

/// A sheet whose used area has more cells than this is refused. (`sheet_cells`.)
pub const MAX_SHEET_CELLS: usize = 50_000_000;

/// A worksheet part that inflates past this is refused: sheets stream cell by cell, so
/// this bounds the time a sheet of empty rows can take, not memory (50 million cells of
/// about 80 bytes of XML each fit). (`sheet_part_size`.)
pub const MAX_SHEET_PART_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// calamine's XML reader (quick-xml) holds one whole token in memory — a run of text, a
/// tag with its attributes, a comment, a CDATA section — however long: a 3 MB workbook
/// whose one cell inflates to 3 GB of text aborts the process (memory cannot be caught
/// running out). An XML part with a token longer than this is refused before calamine
/// opens the file; Excel's own limit, 32,767 characters a cell, is far below it.
/// (`xml_token_size`.)
pub const MAX_XML_TOKEN_BYTES: u64 = 16 * 1024 * 1024;

/// A member of a zip archive that inflates past this is refused, whatever its header
/// declares. Rows stream, so memory stays bounded at any size; the cap bounds the time a
/// "zip bomb" (a few kilobytes inflating without end) can take, while leaving room for
/// the largest real monthly bill. (`zip_member_size`.)
pub const MAX_ZIP_MEMBER_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// A Parquet file's footer metadata is parsed whole (and decoded structures take several
/// times its bytes): a footer declaring more than this is refused before it is read. Real
/// billing exports hold a few hundred KiB. (`parquet_metadata_size`.)
pub const MAX_PARQUET_METADATA_BYTES: u64 = 16 * 1024 * 1024;

/// A Parquet row group whose columns decompress past this (as its metadata declares) is
/// refused. Rows stream in batches, one page per column in memory, so this bounds time,
/// not memory; exports write row groups of about 128 MiB. (`parquet_row_group_size`.)
pub const MAX_PARQUET_ROW_GROUP_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// How many times its compressed size a worksheet part may inflate to once past
/// [`INFLATION_FLOOR_BYTES`]: real sheets compress 5–30 times (a bill's repeated product
/// names and dates); a few MB of empty rows that inflate to gigabytes is a bomb, refused
/// before it is read. (`inflation_ratio`.)
pub const INFLATION_RATIO: u64 = 100;

/// The inflated size below which a worksheet part is never refused for its ratio: small
/// sheets of blank cells compress far beyond any ratio and cost nothing.
/// (`inflation_floor_size`.)
pub const INFLATION_FLOOR_BYTES: u64 = 256 * 1024 * 1024;

/// The longest CSV record read, in bytes as read (UTF-8, line end excluded). The reader
/// holds one record in memory, so a file of one 700 MB line would need that much at once;
/// a longer record is rejected as a row and skipped in bounded memory (a quoted one ends
/// the file's reading there). Real billing rows hold a few KiB. (`csv_record_size`.)
pub const MAX_CSV_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// The widest spreadsheet row read. Excel's own limit is 16,384 columns; no billing,
/// contract or ledger layout comes near 1,024, and a row's cost grows with its width (a
/// hostile sheet could put one far cell in every row). A row with a value past it is
/// rejected with its place, never read without that value. (`sheet_columns`.)
pub const MAX_COLUMNS: usize = 1024;

/// What the reader will take from one file before it refuses it. Sizes are bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// `.xls` and `.ods` files, which calamine loads whole: the file's size.
    pub whole_workbook_bytes: u64,
    /// `.xlsx`, `.xlsm` and `.xlsb` files, whose sheets stream: the file's size.
    pub streamed_workbook_bytes: u64,
    /// A part of a zipped workbook other than a sheet, once decompressed.
    pub workbook_part_bytes: u64,
    /// The shared-string table of an `.xlsx`, once decompressed.
    pub shared_strings_bytes: u64,
    /// A worksheet part of a zipped workbook, once decompressed.
    pub sheet_part_bytes: u64,
    /// The longest XML token (a text, tag, comment or CDATA section) of any XML part.
    pub xml_token_bytes: u64,
    /// A CSV member of a `.zip` archive, once decompressed.
    pub zip_member_bytes: u64,
    /// A Parquet file's footer metadata, as its footer declares it.
    pub parquet_metadata_bytes: u64,
    /// One row group of a Parquet file, decompressed, as its metadata declares it.
    pub parquet_row_group_bytes: u64,
    /// One CSV record, in bytes as read: a longer one is rejected as a row.
    pub csv_record_bytes: u64,
    /// Cells of one sheet: those an `.xlsx`/`.xlsb` sheet streams, the used area of an
    /// `.xls`/`.ods` sheet (and of all the sheets of an `.xls` together, which calamine
    /// builds at once).
    pub sheet_cells: u64,
    /// The widest spreadsheet row read: a row with a value past this column is rejected
    /// (with its place), never cut short.
    pub sheet_columns: u32,
    /// How many times its compressed size a worksheet part may inflate to, once past
    /// `inflation_floor_bytes`.
    pub inflation_ratio: u64,
    /// The inflated size below which the ratio is not checked.
    pub inflation_floor_bytes: u64,
}

/// Excel's last column (XFD): the most `sheet_columns` can be.
pub const EXCEL_COLUMNS: u32 = 16_384;

/// Excel's whole grid (1,048,576 rows × 16,384 columns): the most `sheet_cells` can be.
pub const EXCEL_CELLS: u64 = 1_048_576 * 16_384;

impl Limits {
    /// Today's values, as the constants of the reader state them.
    pub const DEFAULT: Limits = Limits {
        whole_workbook_bytes: MAX_SPREADSHEET_BYTES,
        streamed_workbook_bytes: MAX_STREAMED_WORKBOOK_BYTES,
        workbook_part_bytes: MAX_WORKBOOK_PART_BYTES,
        shared_strings_bytes: MAX_SHARED_STRINGS_BYTES,
        sheet_part_bytes: MAX_SHEET_PART_BYTES,
        xml_token_bytes: MAX_XML_TOKEN_BYTES,
        zip_member_bytes: MAX_ZIP_MEMBER_BYTES,
        parquet_metadata_bytes: MAX_PARQUET_METADATA_BYTES,
        parquet_row_group_bytes: MAX_PARQUET_ROW_GROUP_BYTES,
        csv_record_bytes: MAX_CSV_RECORD_BYTES,
        sheet_cells: MAX_SHEET_CELLS as u64,
        sheet_columns: MAX_COLUMNS as u32,
        inflation_ratio: INFLATION_RATIO,
        inflation_floor_bytes: INFLATION_FLOOR_BYTES,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Which limit a `TableError::TooLarge` is about: its unit and its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `whole_workbook_size`.
    WholeWorkbook,
    /// `streamed_workbook_size`.
    StreamedWorkbook,
    /// `workbook_part_size`.
    WorkbookPart,
    /// `sheet_part_size`.
    SheetPart,
    /// `shared_strings_size`.
    SharedStrings,
    /// `xml_token_size`.
    XmlToken,
    /// `zip_member_size`.
    ZipMember,
    /// `parquet_metadata_size`.
    ParquetMetadata,
    /// `parquet_row_group_size`.
    ParquetRowGroup,
    /// `sheet_cells`.
    SheetCells,
    /// `inflation_ratio` (with `inflation_floor_size`).
    Inflation,
    /// The shared strings a table declares against what its size can hold: no setting.
    DeclaredStrings,
}

impl Limit {
    /// The `[limits]` key that sets it; `None` for a bound no setting changes.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Limit::WholeWorkbook => "whole_workbook_size",
            Limit::StreamedWorkbook => "streamed_workbook_size",
            Limit::WorkbookPart => "workbook_part_size",
            Limit::SheetPart => "sheet_part_size",
            Limit::SharedStrings => "shared_strings_size",
            Limit::XmlToken => "xml_token_size",
            Limit::ZipMember => "zip_member_size",
            Limit::ParquetMetadata => "parquet_metadata_size",
            Limit::ParquetRowGroup => "parquet_row_group_size",
            Limit::SheetCells => "sheet_cells",
            Limit::Inflation => "inflation_ratio",
            Limit::DeclaredStrings => return None,
        })
    }

    /// What the size and the limit count.
    pub fn unit(self) -> &'static str {
        match self {
            Limit::SheetCells => "cells",
            Limit::DeclaredStrings => "strings",
            _ => "bytes",
        }
    }
}

/// One key of the `[limits]` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// A size: a whole number of bytes, or a text such as `"256 MiB"`.
    Bytes,
    /// A count of cells, a whole number.
    Cells,
    /// A count of columns, a whole number up to [`EXCEL_COLUMNS`].
    Columns,
    /// A multiple, a whole number.
    Multiple,
}

/// A key of the `[limits]` table: its name, what it takes, and where it goes.
#[derive(Debug, Clone, Copy)]
pub struct LimitKey {
    /// The key in `audit.toml`.
    pub name: &'static str,
    /// What it takes.
    pub kind: LimitKind,
    /// The constant whose name people may know it by (`max_columns`), for hints.
    pub constant: &'static str,
}

/// Every key of `[limits]`, in the order docs/NIGHTLY.md documents them.
pub const KEYS: &[LimitKey] = &[
    LimitKey {
        name: "whole_workbook_size",
        kind: LimitKind::Bytes,
        constant: "max_spreadsheet_bytes",
    },
    LimitKey {
        name: "streamed_workbook_size",
        kind: LimitKind::Bytes,
        constant: "max_streamed_workbook_bytes",
    },
    LimitKey {
        name: "workbook_part_size",
        kind: LimitKind::Bytes,
        constant: "max_workbook_part_bytes",
    },
    LimitKey {
        name: "sheet_part_size",
        kind: LimitKind::Bytes,
        constant: "max_sheet_part_bytes",
    },
    LimitKey {
        name: "shared_strings_size",
        kind: LimitKind::Bytes,
        constant: "max_shared_strings_bytes",
    },
    LimitKey {
        name: "xml_token_size",
        kind: LimitKind::Bytes,
        constant: "max_xml_token_bytes",
    },
    LimitKey {
        name: "zip_member_size",
        kind: LimitKind::Bytes,
        constant: "max_zip_member_bytes",
    },
    LimitKey {
        name: "parquet_metadata_size",
        kind: LimitKind::Bytes,
        constant: "max_parquet_metadata_bytes",
    },
    LimitKey {
        name: "parquet_row_group_size",
        kind: LimitKind::Bytes,
        constant: "max_parquet_row_group_bytes",
    },
    LimitKey {
        name: "csv_record_size",
        kind: LimitKind::Bytes,
        constant: "max_csv_record_bytes",
    },
    LimitKey {
        name: "sheet_cells",
        kind: LimitKind::Cells,
        constant: "max_sheet_cells",
    },
    LimitKey {
        name: "sheet_columns",
        kind: LimitKind::Columns,
        constant: "max_columns",
    },
    LimitKey {
        name: "inflation_ratio",
        kind: LimitKind::Multiple,
        constant: "inflation_ratio",
    },
    LimitKey {
        name: "inflation_floor_size",
        kind: LimitKind::Bytes,
        constant: "inflation_floor_bytes",
    },
];

impl Limits {
    /// The limit of `key` (one of [`KEYS`]); `None` for a key that is not one of them.
    /// The starter kit's `audit.toml` shows each default through it.
    pub fn get(&self, key: &str) -> Option<u64> {
        Some(match key {
            "whole_workbook_size" => self.whole_workbook_bytes,
            "streamed_workbook_size" => self.streamed_workbook_bytes,
            "workbook_part_size" => self.workbook_part_bytes,
            "sheet_part_size" => self.sheet_part_bytes,
            "shared_strings_size" => self.shared_strings_bytes,
            "xml_token_size" => self.xml_token_bytes,
            "zip_member_size" => self.zip_member_bytes,
            "parquet_metadata_size" => self.parquet_metadata_bytes,
            "parquet_row_group_size" => self.parquet_row_group_bytes,
            "csv_record_size" => self.csv_record_bytes,
            "sheet_cells" => self.sheet_cells,
            "inflation_ratio" => self.inflation_ratio,
            "inflation_floor_size" => self.inflation_floor_bytes,
            "sheet_columns" => u64::from(self.sheet_columns),
            _ => return None,
        })
    }

    /// Sets the limit of `key` (one of [`KEYS`]) to `value`, already checked against
    /// its kind; `false` for a key that is not one of them.
    pub fn set(&mut self, key: &str, value: u64) -> bool {
        let slot = match key {
            "whole_workbook_size" => &mut self.whole_workbook_bytes,
            "streamed_workbook_size" => &mut self.streamed_workbook_bytes,
            "workbook_part_size" => &mut self.workbook_part_bytes,
            "sheet_part_size" => &mut self.sheet_part_bytes,
            "shared_strings_size" => &mut self.shared_strings_bytes,
            "xml_token_size" => &mut self.xml_token_bytes,
            "zip_member_size" => &mut self.zip_member_bytes,
            "parquet_metadata_size" => &mut self.parquet_metadata_bytes,
            "parquet_row_group_size" => &mut self.parquet_row_group_bytes,
            "csv_record_size" => &mut self.csv_record_bytes,
            "sheet_cells" => &mut self.sheet_cells,
            "inflation_ratio" => &mut self.inflation_ratio,
            "inflation_floor_size" => &mut self.inflation_floor_bytes,
            "sheet_columns" => {
                self.sheet_columns = u32::try_from(value).unwrap_or(EXCEL_COLUMNS);
                return true;
            }
            _ => return false,
        };
        *slot = value;
        true
    }
}

/// Reads a size as `audit.toml` may write it: `"256 MiB"`, `"4GiB"`, `"1.5 GiB"`,
/// `"500 MB"` (decimal units: 1 MB = 1,000,000 bytes), `"1024 B"`, `"1024 bytes"` or a
/// plain `"1024"`; at least one byte, a whole number of bytes. `None` when it is not one.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|character: char| !(character.is_ascii_digit() || character == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let multiplier: u128 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return None,
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || fraction.len() > 12 {
        return None;
    }
    let whole: u128 = whole.parse().ok()?;
    let scale = 10u128.pow(u32::try_from(fraction.len()).ok()?);
    let fraction: u128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let scaled = whole.checked_mul(scale)?.checked_add(fraction)?;
    let bytes = scaled.checked_mul(multiplier)?;
    if bytes % scale != 0 {
        // Not a whole number of bytes.
        return None;
    }
    u64::try_from(bytes / scale).ok().filter(|bytes| *bytes > 0)
}

/// A size as a person reads it: `256 MiB`, `4 GiB`, or bytes when not a round number.
pub fn format_size(bytes: u64) -> String {
    for (unit, size) in [
        ("TiB", 1u64 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_and_decimal_units_and_whole_bytes_only() {
        assert_eq!(parse_size("256 MiB"), Some(256 << 20));
        assert_eq!(parse_size("4GiB"), Some(4 << 30));
        assert_eq!(parse_size(" 1.5 GiB "), Some(3 << 29));
        assert_eq!(parse_size("500 MB"), Some(500_000_000));
        assert_eq!(parse_size("64 kib"), Some(64 << 10));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("1024 bytes"), Some(1024));
        assert_eq!(parse_size("2 TiB"), Some(2 << 40));
        for bad in [
            "",
            "0",
            "0 MiB",
            "MiB",
            "1.2.3 MiB",
            "0.1 B",
            "-5 MiB",
            "5 MiBs",
            "5 lots",
            "99999999999 TiB",
            "1e6",
        ] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn sizes_print_as_people_write_them() {
        assert_eq!(format_size(256 << 20), "256 MiB");
        assert_eq!(format_size(64 << 30), "64 GiB");
        assert_eq!(format_size(1000), "1000 bytes");
        assert_eq!(format_size(1536), "1536 bytes");
    }

    #[test]
    fn every_key_sets_its_own_limit() {
        for (index, key) in KEYS.iter().enumerate() {
            let mut limits = Limits::DEFAULT;
            assert!(limits.set(key.name, 7 + index as u64), "{}", key.name);
            assert_ne!(limits, Limits::DEFAULT, "{}", key.name);
        }
        let mut limits = Limits::DEFAULT;
        assert!(!limits.set("max_columns", 1));
    }
}
