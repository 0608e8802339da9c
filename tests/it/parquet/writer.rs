//! Writes Parquet test files with the `parquet` crate's own writer: one column per schema
//! line, values per row, any compression, any number of rows per row group.

use parquet::basic::{Compression, GzipLevel, ZstdLevel};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::path::Path;
use std::sync::Arc;

/// One value of a row.
#[derive(Debug, Clone)]
pub enum V {
    Null,
    /// Text (BYTE_ARRAY UTF8).
    S(String),
    /// An unscaled decimal, an INT32/INT64 or a 16-byte FIXED_LEN_BYTE_ARRAY by the schema.
    D(i128),
    /// A DOUBLE.
    F(f64),
    /// An INT64 timestamp (or any INT64), or an INT32 date in days.
    I(i64),
    /// A MAP<string, string>.
    Map(Vec<(String, String)>),
}

pub fn s(text: &str) -> V {
    V::S(text.into())
}

/// A timestamp: `2025-03-01T00:00:00Z` in the unit `per_second` (1000 for millis).
pub fn ts(text: &str, per_second: i64) -> V {
    let moment = chrono::DateTime::parse_from_rfc3339(text).unwrap();
    V::I(moment.timestamp() * per_second)
}

/// One column: its schema line (`OPTIONAL BYTE_ARRAY ServiceName (UTF8);`) and a value
/// per row. A MAP column's line is its whole group.
pub struct Col {
    pub schema: String,
    pub values: Vec<V>,
}

pub fn col(schema: &str, values: Vec<V>) -> Col {
    Col {
        schema: schema.into(),
        values,
    }
}

/// A text column of `name`.
pub fn text(name: &str, values: &[&str]) -> Col {
    col(
        &format!("OPTIONAL BYTE_ARRAY {name} (UTF8);"),
        values
            .iter()
            .map(|value| if *value == "NULL" { V::Null } else { s(value) })
            .collect(),
    )
}

/// A MAP<string, string> column of `name` (FOCUS `Tags`, CUR 2.0 `resource_tags`).
pub fn map(name: &str, values: Vec<V>) -> Col {
    col(
        &format!(
            "OPTIONAL group {name} (MAP) {{ REPEATED group key_value {{ REQUIRED BYTE_ARRAY key (UTF8); OPTIONAL BYTE_ARRAY value (UTF8); }} }}"
        ),
        values,
    )
}

pub fn compression(name: &str) -> Compression {
    match name {
        "snappy" => Compression::SNAPPY,
        "zstd" => Compression::ZSTD(ZstdLevel::default()),
        "gzip" => Compression::GZIP(GzipLevel::default()),
        _ => Compression::UNCOMPRESSED,
    }
}

/// Writes `columns` to `path`, `rows_per_group` rows to a row group.
pub fn write(path: &Path, columns: &[Col], codec: &str, rows_per_group: usize) {
    let schema = format!(
        "message schema {{ {} }}",
        columns
            .iter()
            .map(|column| column.schema.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let schema = Arc::new(parse_message_type(&schema).unwrap());
    let properties = Arc::new(
        WriterProperties::builder()
            .set_compression(compression(codec))
            .build(),
    );
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let file = std::fs::File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(file, schema, properties).unwrap();
    let rows = columns.first().map_or(0, |column| column.values.len());
    let mut start = 0;
    while start < rows {
        let end = (start + rows_per_group).min(rows);
        let mut group = writer.next_row_group().unwrap();
        for column in columns {
            let values = &column.values[start..end];
            if column.schema.contains("(MAP)") {
                for leaf in 0..2 {
                    let mut writer = group.next_column().unwrap().unwrap();
                    write_map_leaf(writer.untyped(), values, leaf);
                    writer.close().unwrap();
                }
            } else {
                let mut writer = group.next_column().unwrap().unwrap();
                write_leaf(writer.untyped(), values);
                writer.close().unwrap();
            }
        }
        group.close().unwrap();
        start = end;
    }
    writer.close().unwrap();
}

fn write_leaf(writer: &mut ColumnWriter<'_>, values: &[V]) {
    let levels: Vec<i16> = values
        .iter()
        .map(|value| i16::from(!matches!(value, V::Null)))
        .collect();
    let present = || values.iter().filter(|value| !matches!(value, V::Null));
    match writer {
        ColumnWriter::ByteArrayColumnWriter(writer) => {
            let data: Vec<ByteArray> = present()
                .map(|value| match value {
                    V::S(text) => ByteArray::from(text.as_str()),
                    other => panic!("text expected, got {other:?}"),
                })
                .collect();
            writer.write_batch(&data, Some(&levels), None).unwrap();
        }
        ColumnWriter::FixedLenByteArrayColumnWriter(writer) => {
            let data: Vec<FixedLenByteArray> = present()
                .map(|value| match value {
                    V::D(unscaled) => FixedLenByteArray::from(unscaled.to_be_bytes().to_vec()),
                    other => panic!("a decimal expected, got {other:?}"),
                })
                .collect();
            writer.write_batch(&data, Some(&levels), None).unwrap();
        }
        ColumnWriter::Int64ColumnWriter(writer) => {
            let data: Vec<i64> = present()
                .map(|value| match value {
                    V::D(unscaled) => i64::try_from(*unscaled).unwrap(),
                    V::I(number) => *number,
                    other => panic!("an integer expected, got {other:?}"),
                })
                .collect();
            writer.write_batch(&data, Some(&levels), None).unwrap();
        }
        ColumnWriter::Int32ColumnWriter(writer) => {
            let data: Vec<i32> = present()
                .map(|value| match value {
                    V::D(unscaled) => i32::try_from(*unscaled).unwrap(),
                    V::I(number) => i32::try_from(*number).unwrap(),
                    other => panic!("an integer expected, got {other:?}"),
                })
                .collect();
            writer.write_batch(&data, Some(&levels), None).unwrap();
        }
        ColumnWriter::DoubleColumnWriter(writer) => {
            let data: Vec<f64> = present()
                .map(|value| match value {
                    V::F(number) => *number,
                    other => panic!("a double expected, got {other:?}"),
                })
                .collect();
            writer.write_batch(&data, Some(&levels), None).unwrap();
        }
        _ => panic!("no test writer for this column type"),
    }
}

/// The key (`leaf` 0) or value (1) leaf of a MAP column: definition levels 0 (null map),
/// 1 (empty map), 2 (an entry; a value's 3 when present); repetition 0 for a row's first
/// entry, 1 for the next.
fn write_map_leaf(writer: &mut ColumnWriter<'_>, values: &[V], leaf: usize) {
    let ColumnWriter::ByteArrayColumnWriter(writer) = writer else {
        panic!("map leaves are text");
    };
    let (mut data, mut definitions, mut repetitions) = (Vec::new(), Vec::new(), Vec::new());
    for value in values {
        match value {
            V::Map(entries) if !entries.is_empty() => {
                for (at, (key, entry)) in entries.iter().enumerate() {
                    repetitions.push(i16::from(at > 0));
                    if leaf == 0 {
                        definitions.push(2);
                        data.push(ByteArray::from(key.as_str()));
                    } else {
                        definitions.push(3);
                        data.push(ByteArray::from(entry.as_str()));
                    }
                }
            }
            V::Map(_) => {
                definitions.push(1);
                repetitions.push(0);
            }
            _ => {
                definitions.push(0);
                repetitions.push(0);
            }
        }
    }
    writer
        .write_batch(&data, Some(&definitions), Some(&repetitions))
        .unwrap();
}
