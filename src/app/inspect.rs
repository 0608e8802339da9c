//! `rebate-audit formats` and `rebate-audit inspect`: what a user runs when a new export
//! does not load. Both only read; neither writes a report.
//!
//! `inspect` reads the file through the same [`BillingReader`] the audit uses, so what it
//! shows — the format, the column each field comes from, the normalised lines and the
//! rejected rows — is exactly what the audit would see.

use crate::app::pipeline::{PipelineError, billing_layouts};
use crate::domain::billing::BillingLine;
use crate::domain::location::Location;
use crate::domain::money::format_money_grouped;
use crate::ingest::billing::{BillingReader, BillingSink, Recognised};
use crate::ingest::table::{self, FileDigest, Limits, TableError};
use crate::ruleset::{Ruleset, Rulesets};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

/// The billing formats in force, as `rebate-audit formats` prints them.
pub fn list_formats(rulesets: &Rulesets) -> String {
    let mut out = String::new();
    for ruleset in rulesets.billing_layouts() {
        let Some(format) = ruleset.billing_format() else {
            continue;
        };
        let _ = writeln!(out, "{}  {}", ruleset.name, format.label);
        let _ = writeln!(
            out,
            "    provider {}; from {}",
            ruleset.provider, ruleset.origin
        );
        let _ = writeln!(out, "    identified by the columns:");
        for columns in format.signature_columns() {
            let _ = writeln!(out, "      - {columns}");
        }
        if !format.excludes.is_empty() {
            let _ = writeln!(out, "    and by not having: {}", format.excludes.join(", "));
        }
        if let Some(currency) = &format.currency {
            let _ = writeln!(
                out,
                "    currency when the export has no currency column: {currency}"
            );
        }
    }
    out
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

/// Why `inspect` could not run.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// Rulesets or `--format` unusable.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// The file could not be read at all.
    #[error(transparent)]
    Table(#[from] TableError),
}

/// Collects the first lines and rejections of every table.
struct Collector {
    limit: usize,
    tables: Vec<TableReport>,
    net_total: Decimal,
}

impl Collector {
    fn current(&mut self) -> &mut TableReport {
        if self.tables.is_empty() {
            self.tables.push(empty_table("?".into(), None));
        }
        self.tables.last_mut().expect("one table at least")
    }

    fn close_table(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            table.net_total = self.net_total.normalize().to_string();
        }
        self.net_total = Decimal::ZERO;
    }
}

fn empty_table(table: String, recognised: Option<&Recognised<'_>>) -> TableReport {
    TableReport {
        table,
        format: recognised.map(|recognised| recognised.ruleset.name.clone()),
        label: recognised
            .and_then(|recognised| recognised.ruleset.billing_format())
            .map(|format| format.label.clone()),
        header_row: recognised.map(|recognised| recognised.header_row),
        columns: recognised
            .map(|recognised| {
                recognised
                    .columns
                    .iter()
                    .map(|(field, headers)| ColumnReport {
                        field: field.name(),
                        headers: headers.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        rows_above_header: 0,
        line_count: 0,
        net_total: "0".into(),
        lines: Vec::new(),
        rejected_count: 0,
        rejected: Vec::new(),
        totals_rows: Vec::new(),
    }
}

fn exact(amount: Decimal) -> String {
    amount.normalize().to_string()
}

impl BillingSink for &mut Collector {
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
        self.close_table();
        self.tables.push(empty_table(table.to_string(), recognised));
    }

    fn line(&mut self, row: usize, line: BillingLine<'_>) {
        self.net_total = self
            .net_total
            .checked_add(line.net_amount)
            .unwrap_or(self.net_total);
        let limit = self.limit;
        let table = self.current();
        table.line_count += 1;
        if table.lines.len() < limit {
            table.lines.push(LineReport {
                row,
                account_id: line.account_id.into_owned(),
                billing_month: line.billing_month.to_string(),
                date: line.date.map(|date| date.to_string()),
                product: line.product.to_string(),
                product_known: line.product_known,
                order_type: line.order_type.map(|text| text.into_owned()),
                instance_id: line.instance_id.map(|text| text.into_owned()),
                list_amount: line.list_amount.map(exact),
                discount: exact(line.discount),
                voucher: exact(line.voucher),
                net_amount: exact(line.net_amount),
                currency: line.currency.into_owned(),
            });
        }
    }

    fn reject(&mut self, location: Location, reason: String, _net_amount: Option<Decimal>) {
        let limit = self.limit;
        let table = self.current();
        table.rejected_count += 1;
        if table.rejected.len() < limit {
            table.rejected.push(RejectionReport {
                location: location.to_string(),
                reason,
            });
        }
    }

    fn blank(&mut self, _row: usize) {}

    fn above_header(&mut self, _row: usize) {
        self.current().rows_above_header += 1;
    }

    fn totals(&mut self, row: usize, net_amount: Option<Decimal>) {
        let rows_above = exact(self.net_total);
        self.current().totals_rows.push(TotalsReport {
            row,
            stated: net_amount.map(exact),
            rows_above,
        });
    }
}

/// Reads `path` as a billing export.
///
/// # Errors
/// When `--format` names no billing format or the file cannot be read at all.
pub fn inspect(
    rulesets: &Rulesets,
    forced: Option<&str>,
    path: &Path,
    limit: usize,
) -> Result<FileReport, InspectError> {
    let layouts: Vec<&Ruleset> = billing_layouts(rulesets, forced)?;
    let mut collector = Collector {
        limit,
        tables: Vec::new(),
        net_total: Decimal::ZERO,
    };
    let shown: Arc<str> = Arc::from(path.display().to_string().as_str());
    let digest: FileDigest = {
        let mut reader = BillingReader::new(layouts, &mut collector);
        let digest = table::read_file(path, shown.clone(), &mut reader, &Limits::DEFAULT);
        // Ends the last table (a header still being looked for is reported).
        let _ = reader.into_sink();
        digest?
    };
    collector.close_table();
    Ok(FileReport {
        file: shown.to_string(),
        sha256: digest.sha256,
        encoding: digest.encoding,
        tables: collector.tables,
    })
}

/// The report as text for a person.
pub fn render_text(report: &FileReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (sha256 {}{})",
        report.file,
        report.sha256,
        report
            .encoding
            .map(|encoding| format!(", {encoding}"))
            .unwrap_or_default()
    );
    if report.tables.is_empty() {
        let _ = writeln!(out, "  no table: the file is empty");
    }
    for table in &report.tables {
        let _ = writeln!(out);
        match (&table.format, &table.label, table.header_row) {
            (Some(format), Some(label), Some(row)) => {
                let _ = writeln!(
                    out,
                    "{}: format `{format}` ({label}), header on row {row}",
                    table.table
                );
            }
            _ => {
                let _ = writeln!(out, "{}: no billing format recognised", table.table);
            }
        }
        if table.rows_above_header > 0 {
            let _ = writeln!(
                out,
                "  {} title or note row(s) above the header, not data",
                table.rows_above_header
            );
        }
        if !table.columns.is_empty() {
            let _ = writeln!(out, "  columns:");
            for column in &table.columns {
                let _ = writeln!(
                    out,
                    "    {:<14} <- {}",
                    column.field,
                    column.headers.join(" + ")
                );
            }
        }
        let _ = writeln!(
            out,
            "  {} line(s), net total {}; {} row(s) rejected",
            table.line_count,
            table
                .net_total
                .parse::<Decimal>()
                .map_or_else(|_| table.net_total.clone(), format_money_grouped),
            table.rejected_count
        );
        if !table.lines.is_empty() {
            let _ = writeln!(out, "  first lines:");
            let _ = writeln!(
                out,
                "    {:>5}  {:<14} {:<7} {:<10} {:<12} {:<14} {:>14} {:>12} {:>12} {:>14} currency",
                "row",
                "account",
                "month",
                "date",
                "product",
                "order type",
                "list",
                "discount",
                "voucher",
                "net"
            );
            for line in &table.lines {
                let product = if line.product_known {
                    line.product.clone()
                } else {
                    format!("{}?", line.product)
                };
                let _ = writeln!(
                    out,
                    "    {:>5}  {:<14} {:<7} {:<10} {:<12} {:<14} {:>14} {:>12} {:>12} {:>14} {}",
                    line.row,
                    line.account_id,
                    line.billing_month,
                    line.date.as_deref().unwrap_or("-"),
                    product,
                    line.order_type.as_deref().unwrap_or("-"),
                    line.list_amount.as_deref().unwrap_or("-"),
                    line.discount,
                    line.voucher,
                    line.net_amount,
                    line.currency
                );
            }
            if table.lines.iter().any(|line| !line.product_known) {
                let _ = writeln!(
                    out,
                    "    (a product marked ? matched no alias of the format's ruleset)"
                );
            }
        }
        for totals in &table.totals_rows {
            let verdict = match &totals.stated {
                Some(stated)
                    if stated.parse::<Decimal>().ok()
                        == totals.rows_above.parse::<Decimal>().ok() =>
                {
                    "agrees with the lines above it".to_string()
                }
                Some(_) => format!("but the lines above it add up to {}", totals.rows_above),
                None => "with no readable amount".to_string(),
            };
            let _ = writeln!(
                out,
                "  totals row {}: {} {verdict}",
                totals.row,
                totals.stated.as_deref().unwrap_or("-")
            );
        }
        if !table.rejected.is_empty() {
            let _ = writeln!(out, "  rejected rows:");
            for rejection in &table.rejected {
                let _ = writeln!(out, "    {}: {}", rejection.location, rejection.reason);
            }
        }
    }
    out
}
