//! A Parquet file (Azure Cost Management and AWS Data Exports deliver FOCUS, cost details
//! and CUR 2.0 this way): one table, its header the schema's top-level column names, then
//! one row per record, read row group by row group in batches — never the whole file.
//!
//! Values become the cells a CSV or a workbook gives ([`cell_of`]): decimals as their exact
//! text, doubles as number cells (read as a workbook's are), dates as date cells,
//! timestamps as ISO text, nested values as JSON text, nulls as empty cells.

use super::digest::{FileDigest, HashWriter};
use super::error::TableError;
use super::limits::{Limit, Limits};
use super::visitor::TableVisitor;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use chrono::{DateTime, NaiveDate};
use parquet::basic::{LogicalType, TimeUnit};
use parquet::data_type::Decimal;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::Type;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// The four bytes that open and close every unencrypted Parquet file.
const MAGIC: &[u8; 4] = b"PAR1";

/// Records decoded at a time within a row group: the reader holds one batch (and one page
/// per column), whatever the row group's size.
const BATCH_ROWS: usize = 1024;

pub(super) fn read_parquet(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file);
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let mut opened = File::open(path).map_err(io_error)?;
    let size = opened.metadata().map_err(io_error)?.len();
    check_footer(&mut opened, size, &location, limits)?;
    let unreadable = |error: parquet::errors::ParquetError| TableError::Parquet {
        location: location.clone(),
        message: error.to_string(),
    };
    let reader =
        SerializedFileReader::new(opened.try_clone().map_err(io_error)?).map_err(unreadable)?;
    let metadata = reader.metadata();
    let root = metadata.file_metadata().schema_descr().root_schema();
    let columns: Vec<Column> = root
        .get_fields()
        .iter()
        .map(|field| Column::of(field))
        .collect();
    let leaves = metadata.file_metadata().schema_descr().num_columns();
    if leaves > limits.sheet_columns as usize {
        return Err(TableError::Parquet {
            location,
            message: format!(
                "its schema has {leaves} columns, over the limit of {} (`sheet_columns` in the [limits] table of the --config file)",
                limits.sheet_columns
            ),
        });
    }
    for (index, group) in metadata.row_groups().iter().enumerate() {
        let bytes = u64::try_from(group.total_byte_size()).unwrap_or(u64::MAX);
        if bytes > limits.parquet_row_group_bytes {
            return Err(TableError::TooLarge {
                location,
                what: format!("row group {} once decompressed", index + 1),
                size: bytes,
                limit: limits.parquet_row_group_bytes,
                which: Limit::ParquetRowGroup,
                partial: false,
            });
        }
    }
    visitor.begin_table(&location);
    let header: Vec<Cell> = columns
        .iter()
        .map(|column| Cell::Text(column.name.clone()))
        .collect();
    visitor.row(1, &header);
    let mut number = 1usize;
    let mut cells = Vec::with_capacity(columns.len());
    let plain = Column::PLAIN;
    for index in 0..reader.num_row_groups() {
        let group = reader.get_row_group(index).map_err(unreadable)?;
        let rows = group
            .get_row_iter(None)
            .map_err(unreadable)?
            .with_batch_size(BATCH_ROWS);
        for row in rows {
            let row = row.map_err(|error| TableError::Parquet {
                location: location.clone(),
                message: format!("{error}; the rows read before it are counted"),
            })?;
            number += 1;
            cells.clear();
            // Owned, so text moves into its cell without a copy.
            for (at, (_, field)) in row.into_columns().into_iter().enumerate() {
                let column = columns.get(at).unwrap_or(&plain);
                cells.push(cell_of(field, column));
            }
            visitor.row(number, &cells);
        }
    }
    // The digest covers the file's exact bytes, read once more from the start.
    let mut hasher = Sha256::new();
    opened.seek(SeekFrom::Start(0)).map_err(io_error)?;
    let bytes = io::copy(&mut opened, &mut HashWriter(&mut hasher)).map_err(io_error)?;
    Ok(FileDigest {
        sha256: hex(&hasher.finalize()),
        bytes,
        encoding: None,
        hidden_sheets: Vec::new(),
        refused_members: Vec::new(),
    })
}

/// Checks the magic at both ends and the footer's declared metadata length before the
/// Parquet reader parses (and holds) the metadata: a footer claiming more than the run's
/// limit is refused.
fn check_footer(
    opened: &mut File,
    size: u64,
    location: &Location,
    limits: &Limits,
) -> Result<(), TableError> {
    let not_parquet = |message: String| TableError::Parquet {
        location: location.clone(),
        message,
    };
    if size < 12 {
        return Err(not_parquet(format!(
            "it is {size} bytes long, too short for a Parquet file"
        )));
    }
    let io_error = |source| TableError::Io {
        location: location.clone(),
        source,
    };
    let mut head = [0u8; 4];
    opened.read_exact(&mut head).map_err(io_error)?;
    let mut tail = [0u8; 8];
    opened.seek(SeekFrom::End(-8)).map_err(io_error)?;
    opened.read_exact(&mut tail).map_err(io_error)?;
    opened.seek(SeekFrom::Start(0)).map_err(io_error)?;
    if &head != MAGIC {
        return Err(not_parquet(
            "it does not start with the Parquet magic bytes PAR1".into(),
        ));
    }
    if &tail[4..] == b"PARE" {
        return Err(not_parquet(
            "its footer is encrypted; export it without encryption".into(),
        ));
    }
    if &tail[4..] != MAGIC {
        return Err(not_parquet(
            "it does not end with the Parquet magic bytes PAR1: the file is cut off or corrupt"
                .into(),
        ));
    }
    let declared = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if declared > limits.parquet_metadata_bytes {
        return Err(TableError::TooLarge {
            location: location.clone(),
            what: "its footer's metadata".into(),
            size: declared,
            limit: limits.parquet_metadata_bytes,
            which: Limit::ParquetMetadata,
            partial: false,
        });
    }
    if declared + 12 > size {
        return Err(not_parquet(format!(
            "its footer declares {declared} bytes of metadata, more than the file holds: the file is cut off or corrupt"
        )));
    }
    Ok(())
}

/// What the schema says about a top-level column beyond its physical type: its name, and
/// for a timestamp stored as a plain integer (nanoseconds have no converted type), its unit.
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) name: String,
    /// The timestamp's unit and whether it is adjusted to UTC; `None` for other columns.
    pub(super) timestamp: Option<(Unit, bool)>,
}

/// A timestamp's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Millis,
    Micros,
    Nanos,
}

impl Column {
    const PLAIN: Column = Column {
        name: String::new(),
        timestamp: None,
    };

    fn of(field: &Type) -> Column {
        let timestamp = match field.get_basic_info().logical_type_ref() {
            Some(LogicalType::Timestamp(timestamp)) if field.is_primitive() => Some((
                match timestamp.unit {
                    TimeUnit::MILLIS => Unit::Millis,
                    TimeUnit::MICROS => Unit::Micros,
                    TimeUnit::NANOS => Unit::Nanos,
                },
                timestamp.is_adjusted_to_u_t_c,
            )),
            _ => None,
        };
        Column {
            name: field.name().to_string(),
            timestamp,
        }
    }
}

/// One Parquet value as the cell a loader reads.
///
/// - null → empty; boolean → boolean cell; integers → their digits as text;
/// - DECIMAL (INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY) → its exact text
///   (`-12.3400` for unscaled −123400 at scale 4), so the money parser reads it exactly;
/// - DOUBLE → a number cell, read as a workbook's number cells are (shortest round-trip
///   text, then rounded at the 8th decimal by the money parser); FLOAT → its shortest
///   `f32` text as a number cell (`0.1f32` is 0.1, not 0.10000000149…);
/// - DATE → a date cell; TIMESTAMP → `2025-03-01T00:00:00Z` (UTC-adjusted) or
///   `2025-03-01T00:00:00` (local), with a fraction only when there is one; TIME → `HH:MM:SS`;
/// - text → text; bytes without a text annotation → text when UTF-8, else an error cell;
/// - lists, maps and groups (FOCUS `Tags`) → their JSON text.
pub(super) fn cell_of(field: Field, column: &Column) -> Cell {
    match field {
        Field::Null => Cell::Empty,
        Field::Bool(value) => Cell::Bool(value),
        Field::Byte(value) => Cell::Text(value.to_string()),
        Field::Short(value) => Cell::Text(value.to_string()),
        Field::Int(value) => Cell::Text(value.to_string()),
        Field::Long(value) => match column.timestamp {
            Some((unit, utc)) => timestamp_cell(value, unit, utc),
            None => Cell::Text(value.to_string()),
        },
        Field::UByte(value) => Cell::Text(value.to_string()),
        Field::UShort(value) => Cell::Text(value.to_string()),
        Field::UInt(value) => Cell::Text(value.to_string()),
        Field::ULong(value) => Cell::Text(value.to_string()),
        Field::Float16(value) => float_cell(f32::from(value)),
        Field::Float(value) => float_cell(value),
        Field::Double(value) => Cell::Number(value),
        Field::Decimal(decimal) => Cell::Text(decimal_text(&decimal)),
        Field::Str(text) => Cell::Text(text),
        Field::Bytes(bytes) => match std::str::from_utf8(bytes.data()) {
            Ok(text) => Cell::Text(text.to_string()),
            Err(_) => Cell::Error(format!("{} bytes of binary data", bytes.len())),
        },
        Field::Date(days) => NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163))
            .map_or_else(|| Cell::Error(format!("day {days}")), Cell::Date),
        Field::TimeMillis(millis) => Cell::Text(time_text(i64::from(millis) * 1_000_000)),
        Field::TimeMicros(micros) => Cell::Text(time_text(micros.saturating_mul(1000))),
        Field::TimestampMillis(millis) => timestamp_cell(millis, Unit::Millis, utc_of(column)),
        Field::TimestampMicros(micros) => timestamp_cell(micros, Unit::Micros, utc_of(column)),
        Field::Group(_) | Field::ListInternal(_) | Field::MapInternal(_) => {
            Cell::Text(json_of(&field).to_string())
        }
    }
}

/// A timestamp with a converted type only (or INT96) is UTC-adjusted, as the format says.
fn utc_of(column: &Column) -> bool {
    column.timestamp.is_none_or(|(_, utc)| utc)
}

/// An `f32` as the number its shortest text says.
fn float_cell(value: f32) -> Cell {
    match value.to_string().parse::<f64>() {
        Ok(number) if value.is_finite() => Cell::Number(number),
        _ => Cell::Number(f64::from(value)),
    }
}

/// The exact text of a DECIMAL: its big-endian two's-complement unscaled value (any
/// length), with the point `scale` digits from the right.
pub(super) fn decimal_text(decimal: &Decimal) -> String {
    let bytes = decimal.data();
    let negative = bytes.first().is_some_and(|byte| byte & 0x80 != 0);
    // The magnitude, as base-10^9 limbs (least significant first): no width limit.
    let mut limbs: Vec<u32> = vec![0];
    for &byte in bytes {
        let byte = if negative { !byte } else { byte };
        let mut carry = u64::from(byte);
        for limb in &mut limbs {
            let value = u64::from(*limb) * 256 + carry;
            *limb = (value % 1_000_000_000) as u32;
            carry = value / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push((carry % 1_000_000_000) as u32);
            carry /= 1_000_000_000;
        }
    }
    if negative {
        // Two's complement: the magnitude is !bytes + 1.
        let mut carry = 1u64;
        for limb in &mut limbs {
            let value = u64::from(*limb) + carry;
            *limb = (value % 1_000_000_000) as u32;
            carry = value / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry as u32);
        }
    }
    let mut digits = String::new();
    for (at, limb) in limbs.iter().rev().enumerate() {
        if at == 0 {
            digits.push_str(&limb.to_string());
        } else {
            digits.push_str(&format!("{limb:09}"));
        }
    }
    let digits = digits.trim_start_matches('0');
    let scale = usize::try_from(decimal.scale().max(0)).unwrap_or(0);
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if negative && digits.bytes().any(|digit| digit != b'0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// `count` units since the Unix epoch as ISO text; an error cell when out of range.
fn timestamp_cell(count: i64, unit: Unit, utc: bool) -> Cell {
    let (seconds, nanos) = match unit {
        Unit::Millis => (count.div_euclid(1000), count.rem_euclid(1000) * 1_000_000),
        Unit::Micros => (
            count.div_euclid(1_000_000),
            count.rem_euclid(1_000_000) * 1000,
        ),
        Unit::Nanos => (
            count.div_euclid(1_000_000_000),
            count.rem_euclid(1_000_000_000),
        ),
    };
    let Some(moment) = DateTime::from_timestamp(seconds, nanos as u32) else {
        return Cell::Error(format!("timestamp {count} out of range"));
    };
    let mut text = moment.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    if utc {
        text.push('Z');
    }
    Cell::Text(text)
}

/// A time of day from nanoseconds since midnight: `HH:MM:SS`, with a fraction when any.
fn time_text(nanos: i64) -> String {
    let seconds = nanos.div_euclid(1_000_000_000);
    let fraction = nanos.rem_euclid(1_000_000_000);
    let mut text = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if fraction != 0 {
        text.push_str(format!(".{fraction:09}").trim_end_matches('0'));
    }
    text
}

/// A nested value as JSON: maps as objects (keys as their text), lists as arrays.
fn json_of(field: &Field) -> serde_json::Value {
    use serde_json::Value;
    match field {
        Field::Group(row) => Value::Object(
            row.get_column_iter()
                .map(|(name, value)| (name.clone(), json_of(value)))
                .collect(),
        ),
        Field::ListInternal(list) => Value::Array(list.elements().iter().map(json_of).collect()),
        Field::MapInternal(map) => Value::Object(
            map.entries()
                .iter()
                .map(|(key, value)| {
                    let key = match cell_of(key.clone(), &Column::PLAIN) {
                        Cell::Text(text) => text,
                        other => other.to_text(),
                    };
                    (key, json_of(value))
                })
                .collect(),
        ),
        Field::Null => Value::Null,
        Field::Bool(value) => Value::Bool(*value),
        Field::Double(value) => {
            serde_json::Number::from_f64(*value).map_or(Value::Null, Value::Number)
        }
        other => match cell_of(other.clone(), &Column::PLAIN) {
            Cell::Empty => Value::Null,
            Cell::Number(number) => {
                serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number)
            }
            cell => Value::String(cell.to_text()),
        },
    }
}

#[cfg(test)]
mod tests;
