//! Where the rows of a billing file go: a CSV file or the `.xlsx` sheet, amounts written from integers.

use super::*;

/// Where the rows of a billing file go: a CSV file or the `.xlsx` sheet.
pub(crate) trait RowSink {
    fn text(&mut self, value: &str) -> io::Result<()>;
    /// An amount in cents.
    fn money(&mut self, cents: i64) -> io::Result<()>;
    /// A quantity in ten-thousandths.
    fn quantity(&mut self, value: i64) -> io::Result<()>;
    fn end_row(&mut self) -> io::Result<()>;
}

pub(super) fn push_fixed(out: &mut String, value: i64, scale: u32) {
    let unit = 10i64.pow(scale);
    if value < 0 {
        out.push('-');
    }
    let magnitude = value.unsigned_abs();
    let _ = write!(
        out,
        "{}.{:0width$}",
        magnitude / unit as u64,
        magnitude % unit as u64,
        width = scale as usize
    );
}

pub(super) struct CsvSink {
    pub(super) out: BufWriter<File>,
    pub(super) line: String,
    pub(super) first: bool,
}

impl CsvSink {
    pub(super) fn create(path: &Path, bom: bool) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        Ok(CsvSink {
            out,
            line: String::with_capacity(1024),
            first: true,
        })
    }

    fn separate(&mut self) {
        if !self.first {
            self.line.push(',');
        }
        self.first = false;
    }

    pub(super) fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl RowSink for CsvSink {
    fn text(&mut self, value: &str) -> io::Result<()> {
        // Generated values never hold a comma, a quote or a line break.
        debug_assert!(!value.contains([',', '"', '\n']));
        self.separate();
        self.line.push_str(value);
        Ok(())
    }

    fn money(&mut self, cents: i64) -> io::Result<()> {
        self.separate();
        push_fixed(&mut self.line, cents, 2);
        Ok(())
    }

    fn quantity(&mut self, value: i64) -> io::Result<()> {
        self.separate();
        push_fixed(&mut self.line, value, 4);
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.line.clear();
        self.first = true;
        Ok(())
    }
}

pub(super) struct XlsxSink {
    pub(super) sheet: rust_xlsxwriter::Worksheet,
    pub(super) row: u32,
    pub(super) column: u16,
}

impl RowSink for XlsxSink {
    fn text(&mut self, value: &str) -> io::Result<()> {
        if !value.is_empty() {
            self.sheet
                .write_string(self.row, self.column, value)
                .map_err(xlsx_error)?;
        }
        self.column += 1;
        Ok(())
    }

    fn money(&mut self, cents: i64) -> io::Result<()> {
        self.sheet
            .write_number(self.row, self.column, cents as f64 / 100.0)
            .map_err(xlsx_error)?;
        self.column += 1;
        Ok(())
    }

    fn quantity(&mut self, value: i64) -> io::Result<()> {
        self.sheet
            .write_number(self.row, self.column, value as f64 / 10_000.0)
            .map_err(xlsx_error)?;
        self.column += 1;
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.row += 1;
        self.column = 0;
        Ok(())
    }
}
