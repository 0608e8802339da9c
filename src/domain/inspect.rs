//! What `rebate-audit inspect` learnt about a billing export, and the billing formats in
//! force as `rebate-audit formats` lists them: data for the report to render.

use serde::Serialize;

/// A billing format in force: its ruleset, and the columns that identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatInfo {
    /// The ruleset's name.
    pub name: String,
    /// The format's label.
    pub label: String,
    /// The provider.
    pub provider: String,
    /// Where the ruleset comes from (built in, or its file).
    pub origin: String,
    /// The column sets that identify it, each as written.
    pub signature_columns: Vec<String>,
    /// Columns whose presence rules it out.
    pub excludes: Vec<String>,
    /// The currency of an export without a currency column.
    pub currency: Option<String>,
}

/// What `inspect` learnt about one table.
#[derive(Debug, Serialize)]
pub struct TableReport {
    /// The table (`file` or `file:sheet`).
    pub table: String,
    /// The format's name, when the header was recognised.
    pub format: Option<String>,
    /// The format's label.
    pub label: Option<String>,
    /// The header's row.
    pub header_row: Option<usize>,
    /// Each mapped field and the header(s) it is read from.
    pub columns: Vec<ColumnReport>,
    /// Title or note rows above the header.
    pub rows_above_header: u64,
    /// Normalised lines.
    pub line_count: u64,
    /// Their net amounts summed, exact.
    pub net_total: String,
    /// The first lines.
    pub lines: Vec<LineReport>,
    /// Rows rejected.
    pub rejected_count: u64,
    /// The first rejections.
    pub rejected: Vec<RejectionReport>,
    /// Totals rows at the bottom.
    pub totals_rows: Vec<TotalsReport>,
}

/// One field's source columns.
#[derive(Debug, Serialize)]
pub struct ColumnReport {
    /// The normalised field.
    pub field: &'static str,
    /// The header(s), summed when several.
    pub headers: Vec<String>,
    /// The currency an amount header names as its unit (`应付金额(¥)` → CNY), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
}

/// One normalised line; amounts exact, as read.
#[derive(Debug, Serialize)]
pub struct LineReport {
    /// Its row.
    pub row: usize,
    /// Billing account id.
    pub account_id: String,
    /// Billing month.
    pub billing_month: String,
    /// Charge date.
    pub date: Option<String>,
    /// Product after alias resolution.
    pub product: String,
    /// Whether an alias knew it.
    pub product_known: bool,
    /// Order type.
    pub order_type: Option<String>,
    /// Instance id.
    pub instance_id: Option<String>,
    /// List amount.
    pub list_amount: Option<String>,
    /// Discount.
    pub discount: String,
    /// Voucher.
    pub voucher: String,
    /// Net amount.
    pub net_amount: String,
    /// Currency.
    pub currency: String,
}

/// One rejected row.
#[derive(Debug, Serialize)]
pub struct RejectionReport {
    /// `file:sheet:row:column`.
    pub location: String,
    /// Why.
    pub reason: String,
}

/// A totals row and whether it agrees with the rows above it.
#[derive(Debug, Serialize)]
pub struct TotalsReport {
    /// Its row.
    pub row: usize,
    /// The net amount it states.
    pub stated: Option<String>,
    /// The net amounts of the rows above it, summed.
    pub rows_above: String,
}

/// What `inspect` learnt about a file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The file as given.
    pub file: String,
    /// Its SHA-256.
    pub sha256: String,
    /// CSV text encoding.
    pub encoding: Option<&'static str>,
    /// Its tables.
    pub tables: Vec<TableReport>,
}

impl FileReport {
    /// Whether every table was recognised and no row rejected.
    pub fn clean(&self) -> bool {
        self.tables
            .iter()
            .all(|table| table.format.is_some() && table.rejected_count == 0)
    }
}
