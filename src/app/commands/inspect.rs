//! `rebate-audit inspect`: what a user runs when a new export does not load. It reads the
//! file through the same [`BillingReader`] the audit uses, so what it shows — the format,
//! the column each field comes from, the normalised lines and the rejected rows — is
//! exactly what the audit would see. Exit status 0 when every table is recognised and no
//! row rejected, else 1.

use crate::app::cli::InspectArgs;
use crate::app::services::StageError;
use crate::app::{Outcome, RunError, stages, stdout};
use crate::domain::billing::BillingLine;
use crate::domain::expected::RowReason;
use crate::domain::inspect::{
    ColumnReport, FileReport, FormatInfo, LineReport, RejectionReport, TableReport, TotalsReport,
};
use crate::domain::location::Location;
use crate::ingest::billing::{BillingReader, BillingSink, Recognised};
use crate::ingest::table::{self, FileDigest, TableError};
use crate::ruleset::{Ruleset, Rulesets, split_unit};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// Inspects the file and prints what was found.
///
/// # Errors
/// When a ruleset is invalid, `--format` names no format, or the file cannot be read.
pub fn inspect(args: &InspectArgs) -> Result<Outcome, RunError> {
    let rulesets = stages::load_rulesets(args.rulesets.as_deref())?;
    let report = read(&rulesets, args.format.as_deref(), &args.file, args.lines)?;
    if args.json {
        stdout::print(&format!("{}\n", crate::report::inspect::json(&report)))?;
    } else {
        stdout::print(&crate::report::inspect::text(&report))?;
    }
    Ok(if report.clean() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The billing formats in force.
pub fn formats_of(rulesets: &Rulesets) -> Vec<FormatInfo> {
    rulesets
        .billing_layouts()
        .filter_map(|ruleset| {
            let format = ruleset.billing_format()?;
            Some(FormatInfo {
                name: ruleset.name.clone(),
                label: format.label.clone(),
                provider: ruleset.provider.clone(),
                origin: ruleset.origin.clone(),
                signature_columns: format.signature_columns(),
                excludes: format.excludes.clone(),
                currency: format.currency.clone(),
            })
        })
        .collect()
}

/// Why `inspect` could not run.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// Rulesets or `--format` unusable.
    #[error(transparent)]
    Stage(#[from] StageError),
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
                        unit: headers
                            .iter()
                            .filter(|_| field.is_amount())
                            .find_map(|header| split_unit(header).1),
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

    fn reject(&mut self, location: Location, reason: RowReason, _net_amount: Option<Decimal>) {
        let limit = self.limit;
        let table = self.current();
        table.rejected_count += 1;
        if table.rejected.len() < limit {
            table.rejected.push(RejectionReport {
                location: location.to_string(),
                reason: reason.to_string(),
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
pub fn read(
    rulesets: &Rulesets,
    forced: Option<&str>,
    path: &Path,
    limit: usize,
) -> Result<FileReport, InspectError> {
    let layouts: Vec<&Ruleset> = stages::billing_layouts(rulesets, forced)?;
    let mut collector = Collector {
        limit,
        tables: Vec::new(),
        net_total: Decimal::ZERO,
    };
    let shown: Arc<str> = Arc::from(path.display().to_string().as_str());
    let digest: FileDigest = {
        let mut reader = BillingReader::new(layouts, &mut collector);
        // `inspect` has no --config: the default limits.
        let digest = table::read_file(path, shown.clone(), &mut reader, &table::Limits::DEFAULT);
        // Ends the last table (a header still being looked for is reported).
        let _ = reader.into_sink();
        digest?
    };
    collector.close_table();
    // A tar member refused unread (a link, a path leading outside) is a table of its own
    // with its one rejection, as the audit reports it: never left out unseen.
    for (member, why) in &digest.refused_members {
        let place = format!("{shown}:{member}");
        let mut table = empty_table(place.clone(), None);
        table.rejected_count = 1;
        let sentence = crate::report::i18n::sentences(crate::domain::lang::Lang::En)
            .refused_member(&place, *why);
        // The report prints the place before the reason.
        let reason = sentence
            .strip_prefix(&format!("{place}: "))
            .unwrap_or(&sentence)
            .to_string();
        table.rejected.push(RejectionReport {
            reason,
            location: place,
        });
        collector.tables.push(table);
    }
    Ok(FileReport {
        file: shown.to_string(),
        sha256: digest.sha256,
        encoding: digest.encoding,
        tables: collector.tables,
    })
}
