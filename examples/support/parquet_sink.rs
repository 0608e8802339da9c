//! The billing rows of one file as Parquet, the way AWS Data Exports and Azure Cost
//! Management write them: snappy pages, dictionary-encoded text, amounts as
//! DECIMAL(18,2) in INT64, row groups of [`ROW_GROUP`] rows.

use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// Rows to a row group (exports write groups of about 128 MiB).
pub const ROW_GROUP: usize = 250_000;

enum Column {
    Text(Vec<ByteArray>),
    /// Cents (scale 2) or ten-thousandths (scale 4).
    Fixed(Vec<i64>, u32),
}

pub struct ParquetSink {
    file: Option<File>,
    writer: Option<SerializedFileWriter<File>>,
    header: Vec<String>,
    in_header: bool,
    columns: Vec<Column>,
    at: usize,
    rows: usize,
}

fn parquet_error(error: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(error.to_string())
}

impl ParquetSink {
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(ParquetSink {
            file: Some(File::create(path)?),
            writer: None,
            header: Vec::new(),
            in_header: true,
            columns: Vec::new(),
            at: 0,
            rows: 0,
        })
    }

    fn slot(&mut self, make: impl FnOnce() -> Column) -> &mut Column {
        if self.columns.len() <= self.at {
            self.columns.push(make());
        }
        self.at += 1;
        &mut self.columns[self.at - 1]
    }

    fn fixed(&mut self, value: i64, scale: u32) {
        if let Column::Fixed(values, _) = self.slot(|| Column::Fixed(Vec::new(), scale)) {
            values.push(value);
        }
    }

    /// Writes the buffered rows as one row group (the schema taken from the header and
    /// the first row's kinds).
    fn flush(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        if self.writer.is_none() {
            let fields: Vec<String> = self
                .header
                .iter()
                .zip(&self.columns)
                .map(|(name, column)| match column {
                    Column::Text(_) => format!("REQUIRED BYTE_ARRAY {name} (UTF8);"),
                    Column::Fixed(_, scale) => {
                        format!("REQUIRED INT64 {name} (DECIMAL(18,{scale}));")
                    }
                })
                .collect();
            let schema = parse_message_type(&format!("message bill {{ {} }}", fields.join(" ")))
                .map_err(parquet_error)?;
            let properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .build();
            let file = self.file.take().expect("the file");
            self.writer = Some(
                SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))
                    .map_err(parquet_error)?,
            );
        }
        let writer = self.writer.as_mut().expect("a writer");
        let mut group = writer.next_row_group().map_err(parquet_error)?;
        for column in &mut self.columns {
            let mut leaf = group
                .next_column()
                .map_err(parquet_error)?
                .expect("a column");
            match (leaf.untyped(), column) {
                (ColumnWriter::ByteArrayColumnWriter(writer), Column::Text(values)) => {
                    writer
                        .write_batch(values, None, None)
                        .map_err(parquet_error)?;
                    values.clear();
                }
                (ColumnWriter::Int64ColumnWriter(writer), Column::Fixed(values, _)) => {
                    writer
                        .write_batch(values, None, None)
                        .map_err(parquet_error)?;
                    values.clear();
                }
                _ => unreachable!("the schema follows the columns"),
            }
            leaf.close().map_err(parquet_error)?;
        }
        group.close().map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.flush()?;
        if let Some(writer) = self.writer.take() {
            writer.close().map_err(parquet_error)?;
        }
        Ok(())
    }
}

impl super::generator::RowSink for ParquetSink {
    fn text(&mut self, value: &str) -> io::Result<()> {
        if self.in_header {
            self.header.push(value.to_string());
            return Ok(());
        }
        if let Column::Text(values) = self.slot(|| Column::Text(Vec::new())) {
            values.push(ByteArray::from(value));
        }
        Ok(())
    }

    fn money(&mut self, cents: i64) -> io::Result<()> {
        self.fixed(cents, 2);
        Ok(())
    }

    fn quantity(&mut self, value: i64) -> io::Result<()> {
        self.fixed(value, 4);
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        if self.in_header {
            self.in_header = false;
            return Ok(());
        }
        self.at = 0;
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }
}
