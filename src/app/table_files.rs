//! Small typed tables written as CSV and as Parquet (the plan's tables, and the reference
//! aggregate of `examples/aggregate.rs`): text, DATE, DECIMAL(38,10) and INT64 columns,
//! through the `parquet` crate's own writer (no Arrow).

use chrono::NaiveDate;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::data_type::{Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Text,
    /// A calendar day (Parquet DATE), `YYYY-MM-DD` in CSV.
    Date,
    /// DECIMAL(38,10), exact.
    Decimal,
    /// A whole number (INT64).
    Count,
}

/// A column: its name, type and whether it may be empty (null).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header.
    pub name: &'static str,
    /// The type.
    pub kind: Kind,
    /// Whether a value may be missing.
    pub optional: bool,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A day.
    Date(NaiveDate),
    /// An exact decimal (at most 10 decimals).
    Decimal(Decimal),
    /// A whole number.
    Count(u64),
    /// Nothing (an empty CSV field, a Parquet null).
    Null,
}

/// Scale of the DECIMAL(38,10) columns.
const SCALE: u32 = 10;

/// The day Parquet counts DATE values from.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A decimal at the columns' scale; an error when it has more decimals.
fn scaled(value: Decimal) -> io::Result<Decimal> {
    // Trailing zeros are no precision: 1.50000000000 fits.
    let value = value.normalize();
    if value.scale() > SCALE {
        return Err(io::Error::other(format!(
            "{value} has more than {SCALE} decimals"
        )));
    }
    let mut value = value;
    value.rescale(SCALE);
    Ok(value)
}

/// The table as CSV text: a header row, then one line per row; dates `YYYY-MM-DD`,
/// decimals with 10 decimals, nulls empty.
///
/// # Errors
/// When a decimal has more than 10 decimals.
pub fn csv_text(columns: &[Column], rows: &[Vec<Value>]) -> io::Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(columns.iter().map(|column| column.name))?;
    for row in rows {
        let fields = row
            .iter()
            .map(|value| {
                Ok(match value {
                    Value::Text(text) => text.clone(),
                    Value::Date(date) => date.format("%Y-%m-%d").to_string(),
                    Value::Decimal(amount) => scaled(*amount)?.to_string(),
                    Value::Count(count) => count.to_string(),
                    Value::Null => String::new(),
                })
            })
            .collect::<io::Result<Vec<String>>>()?;
        writer.write_record(&fields)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| io::Error::other(error.to_string()))?;
    String::from_utf8(bytes).map_err(io::Error::other)
}

/// Rows per Parquet row group: small enough to read in a batch, large enough to compress.
const GROUP_ROWS: usize = 65_536;

/// Writes the table as a Parquet file named `table` in its schema.
///
/// # Errors
/// When the file cannot be written, or a value does not fit its column.
pub fn write_parquet(
    path: &Path,
    table: &str,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> io::Result<()> {
    let fields: Vec<String> = columns
        .iter()
        .map(|column| {
            let repetition = if column.optional {
                "OPTIONAL"
            } else {
                "REQUIRED"
            };
            let physical = match column.kind {
                Kind::Text => "BYTE_ARRAY",
                Kind::Date => "INT32",
                Kind::Decimal => "FIXED_LEN_BYTE_ARRAY (16)",
                Kind::Count => "INT64",
            };
            let logical = match column.kind {
                Kind::Text => " (UTF8)",
                Kind::Date => " (DATE)",
                Kind::Decimal => " (DECIMAL(38,10))",
                Kind::Count => "",
            };
            format!("{repetition} {physical} {}{logical};", column.name)
        })
        .collect();
    let message = format!("message {table} {{ {} }}", fields.join(" "));
    let schema = Arc::new(parse_message_type(&message).map_err(io::Error::other)?);
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build(),
    );
    let file = std::fs::File::create(path)?;
    let mut writer =
        SerializedFileWriter::new(file, schema, properties).map_err(io::Error::other)?;
    for group in rows
        .chunks(GROUP_ROWS)
        .chain((rows.is_empty()).then_some(&[][..]))
    {
        let mut group_writer = writer.next_row_group().map_err(io::Error::other)?;
        let mut index = 0;
        while let Some(mut column_writer) = group_writer.next_column().map_err(io::Error::other)? {
            let column = columns[index];
            let levels: Vec<i16> = group
                .iter()
                .map(|row| i16::from(row[index] != Value::Null))
                .collect();
            let levels = column.optional.then_some(levels.as_slice());
            let present = group
                .iter()
                .map(|row| &row[index])
                .filter(|value| **value != Value::Null);
            let mismatch = || {
                io::Error::other(format!(
                    "a value of column {} is not of its type",
                    column.name
                ))
            };
            match column.kind {
                Kind::Text => {
                    let values = present
                        .map(|value| match value {
                            Value::Text(text) => Ok(ByteArray::from(text.as_str())),
                            _ => Err(mismatch()),
                        })
                        .collect::<io::Result<Vec<_>>>()?;
                    column_writer
                        .typed::<ByteArrayType>()
                        .write_batch(&values, levels, None)
                        .map_err(io::Error::other)?;
                }
                Kind::Date => {
                    let values = present
                        .map(|value| match value {
                            Value::Date(date) => {
                                i32::try_from((*date - epoch()).num_days()).map_err(|_| mismatch())
                            }
                            _ => Err(mismatch()),
                        })
                        .collect::<io::Result<Vec<_>>>()?;
                    column_writer
                        .typed::<Int32Type>()
                        .write_batch(&values, levels, None)
                        .map_err(io::Error::other)?;
                }
                Kind::Decimal => {
                    let values = present
                        .map(|value| match value {
                            Value::Decimal(amount) => Ok(FixedLenByteArray::from(
                                scaled(*amount)?.mantissa().to_be_bytes().to_vec(),
                            )),
                            _ => Err(mismatch()),
                        })
                        .collect::<io::Result<Vec<_>>>()?;
                    column_writer
                        .typed::<FixedLenByteArrayType>()
                        .write_batch(&values, levels, None)
                        .map_err(io::Error::other)?;
                }
                Kind::Count => {
                    let values = present
                        .map(|value| match value {
                            Value::Count(count) => i64::try_from(*count).map_err(|_| mismatch()),
                            _ => Err(mismatch()),
                        })
                        .collect::<io::Result<Vec<_>>>()?;
                    column_writer
                        .typed::<Int64Type>()
                        .write_batch(&values, levels, None)
                        .map_err(io::Error::other)?;
                }
            }
            column_writer.close().map_err(io::Error::other)?;
            index += 1;
        }
        group_writer.close().map_err(io::Error::other)?;
    }
    writer.close().map_err(io::Error::other)?;
    Ok(())
}
