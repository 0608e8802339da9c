//! The sheets of report.xlsx and the columns of its table sheets, with their widths.

use crate::domain::baseline::Changes;
use crate::report::tables;

/// The sheets, in order.
pub const SHEETS: [&str; 7] = [
    "Summary",
    "Findings",
    "Installments",
    "Payouts",
    "Allocations",
    "Rejected rows",
    "Controls",
];

/// The sheet after `Findings` when the run has a baseline: the baseline's findings that
/// this run no longer has.
pub const RESOLVED_SHEET: &str = "Resolved";

/// A column: header text and width in characters.
pub(super) type Column = (&'static str, f64);

pub(super) const INSTALLMENT_COLUMNS: [Column; 10] = [
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("trigger", 11.0),
    ("weighted_base", 16.0),
    ("expected", 14.0),
    ("due_on", 12.0),
    ("paid", 14.0),
    ("status", 12.0),
];

pub(super) const PAYOUT_COLUMNS: [Column; 15] = [
    ("payout_id", 18.0),
    ("contract_id", 18.0),
    ("paid_on", 12.0),
    ("amount", 14.0),
    ("currency", 9.0),
    ("kind", 9.0),
    ("period", 11.0),
    ("installment", 11.0),
    ("invoice_no", 18.0),
    ("invoice_date", 12.0),
    ("invoice_amount", 15.0),
    ("invoice_tax_rate", 15.0),
    ("invoice_type", 13.0),
    ("invoice_issuer", 22.0),
    ("source", 40.0),
];

pub(super) const ALLOCATION_COLUMNS: [Column; 9] = [
    ("payout_id", 18.0),
    ("paid_on", 12.0),
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("amount", 14.0),
    ("excess", 8.0),
    ("source", 40.0),
];

pub(super) const REJECTED_COLUMNS: [Column; 8] = [
    ("id", 26.0),
    ("file", 40.0),
    ("sheet", 16.0),
    ("row", 8.0),
    ("column", 18.0),
    ("reason", 22.0),
    ("amount", 14.0),
    ("detail", 90.0),
];

/// The findings columns after [`tables::COLUMNS`] (and `change`): the rest of the
/// evidence.
pub(super) const FINDING_EVIDENCE_COLUMNS: [&str; 4] =
    ["allocations", "checks", "facts", "source_rows"];

/// Widths of the findings columns: [`tables::COLUMNS`]…
pub(super) const FINDING_WIDTHS: [f64; 21] = [
    26.0, 18.0, 9.0, 18.0, 12.0, 12.0, 11.0, 18.0, 16.0, 14.0, 14.0, 14.0, 12.0, 12.0, 10.0, 12.0,
    14.0, 90.0, 45.0, 60.0, 12.0,
];

/// … `change` …
pub(super) const CHANGE_WIDTH: f64 = 11.0;

/// … and [`FINDING_EVIDENCE_COLUMNS`].
pub(super) const EVIDENCE_WIDTHS: [f64; 4] = [45.0, 60.0, 60.0, 60.0];

/// The `Resolved` sheet: the fields a baseline keeps of each finding, named as in
/// `findings.json` and on `Findings`; `detail` is the baseline's sentence.
pub(super) const RESOLVED_COLUMNS: [Column; 10] = [
    ("id", 26.0),
    ("type", 18.0),
    ("severity", 9.0),
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("payout_id", 18.0),
    ("reason", 16.0),
    ("detail", 90.0),
];

/// The `Findings` columns: those of `findings.csv` (with `change` given a baseline), then
/// the rest of the evidence.
pub(super) fn finding_columns(changes: Option<&Changes>) -> Vec<Column> {
    let mut columns: Vec<Column> = tables::COLUMNS
        .iter()
        .copied()
        .zip(FINDING_WIDTHS)
        .collect();
    if changes.is_some() {
        columns.push((tables::CHANGE_COLUMN, CHANGE_WIDTH));
    }
    columns.extend(FINDING_EVIDENCE_COLUMNS.into_iter().zip(EVIDENCE_WIDTHS));
    columns
}
