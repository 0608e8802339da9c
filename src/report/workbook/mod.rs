//! `report.xlsx`: the whole audit as one workbook for people who work in Excel — a
//! summary, then one table per sheet (findings, expected installments, payouts, their
//! allocation to installments, rejected rows, control totals). With `--baseline`, the
//! `Findings` sheet has a `change` column (`new` or `persisting`, after the columns of
//! `findings.csv`), a [`RESOLVED_SHEET`] after it lists the baseline's findings that are
//! gone, as the baseline states them, and the `Summary` counts the three.
//!
//! Every table sheet has a bold header row, frozen with the first column, an autofilter
//! over the table and fixed column widths; severity words are coloured (error red, warning
//! amber, info blue). Rows keep findings.csv's order (docs/DECISIONS.md: "Reports lead
//! with what matters"); the autofilter sorts them. Money is a number cell formatted `#,##0.00` holding the amount rounded to
//! cents exactly as `findings.json` shows it; an amount of more than 15 significant digits,
//! which an Excel number cannot hold exactly, is written as its exact text with a cell note
//! instead (research R2) — our own digits, so without the neutraliser's `'`
//! (`-10000066605424.55`, research R1b). Dates are date cells (`yyyy-mm-dd`), rates are
//! percentages (the cell rules both workbooks share are in [`super::excel`]). The workbook
//! holds no formula at all, and every text cell that is not such a number of ours goes
//! through [`super::tables::neutralise`] (research R1). The creation date in
//! `docProps/core.xml` is the audit's `as_of`, so the same audit gives the same bytes on
//! every run and thread count.

mod columns;
mod controls;
mod rows;
mod summary_sheet;
mod values;
mod writer;

pub use columns::{RESOLVED_SHEET, SHEETS};

use super::excel::{XLSX_COMPRESSION, excel_date};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::finding::FindingType;
use crate::domain::lang::Lang;
use chrono::NaiveDate;
use columns::{
    ALLOCATION_COLUMNS, INSTALLMENT_COLUMNS, PAYOUT_COLUMNS, REJECTED_COLUMNS, RESOLVED_COLUMNS,
    finding_columns,
};
use controls::{billing_control_row, control_columns, exclusion_words, payout_control_row};
use rows::{allocation_rows, finding_row, installment_row, payout_row, rejected_row, resolved_row};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use writer::Writer;

/// The document properties: a fixed creation date (the audit's `as_of`, midnight UTC) so
/// the bytes depend on the audit only, never on the clock.
fn properties(as_of: NaiveDate) -> Result<DocProperties, XlsxError> {
    let created = match excel_date(as_of) {
        Some(date) => date,
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    Ok(DocProperties::new()
        .set_creation_datetime(&created)
        .set_title("rebate-audit report")
        .set_subject(format!("Rebate audit as of {as_of}"))
        .set_author(env!("CARGO_PKG_NAME")))
}

/// Writes `report.xlsx` into `out`. Every sheet is written in rust_xlsxwriter's
/// constant-memory mode: its rows go to an anonymous temporary file in `scratch` as they
/// are written, its strings inline in their cells, so memory holds a row at a time
/// whatever the audit's size (docs/DECISIONS.md, "Reports streamed").
///
/// # Errors
/// When the workbook cannot be assembled, a temporary file cannot be made in `scratch`,
/// or `out` fails.
pub fn write(
    out: &mut (dyn std::io::Write + Send),
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    scratch: &std::path::Path,
) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(scratch)?;
    let book = &mut workbook;
    let mut writer = Writer::new(lang);
    let changes = audit.changes.as_ref();
    let finding_columns = finding_columns(changes);
    let findings = writer.table(
        book,
        SHEETS[1],
        &finding_columns,
        audit
            .findings
            .iter()
            .map(|finding| finding_row(finding, changes, lang)),
    )?;
    let resolved = changes
        .map(|changes| {
            writer.table(
                book,
                RESOLVED_SHEET,
                &RESOLVED_COLUMNS,
                changes.resolved.iter().map(resolved_row),
            )
        })
        .transpose()?;
    let installments = writer.table(
        book,
        SHEETS[2],
        &INSTALLMENT_COLUMNS,
        audit.installments.iter().map(installment_row),
    )?;
    let payouts = writer.table(
        book,
        SHEETS[3],
        &PAYOUT_COLUMNS,
        audit.payouts.iter().map(payout_row),
    )?;
    let allocations = writer.table(
        book,
        SHEETS[4],
        &ALLOCATION_COLUMNS,
        allocation_rows(&audit.installments),
    )?;
    let rejected = writer.table(
        book,
        SHEETS[5],
        &REJECTED_COLUMNS,
        audit
            .findings
            .iter()
            .filter(|finding| finding.finding_type == FindingType::RejectedRow)
            .map(|finding| rejected_row(finding, lang)),
    )?;
    let exclusions = exclusion_words(&audit.billing_controls);
    let controls = writer.table(
        book,
        SHEETS[6],
        &control_columns(&exclusions),
        audit
            .billing_controls
            .iter()
            .map(|control| billing_control_row(control, &exclusions, lang))
            .chain(
                audit
                    .payout_controls
                    .iter()
                    .chain(&audit.statement_controls)
                    .map(|control| payout_control_row(control, &exclusions)),
            ),
    )?;
    // Only when a contract year is open on the audit date (docs/REPORTS.md).
    let projections = (!audit.projections.is_empty())
        .then(|| {
            writer.table(
                book,
                super::projections::SHEET,
                &super::projections::COLUMNS,
                super::projections::sheet_rows(audit, lang),
            )
        })
        .transpose()?;
    let summary = writer.summary(book, audit, totals)?;
    workbook.set_properties(&properties(audit.as_of)?);
    workbook.set_zip_compression_level(XLSX_COMPRESSION);
    for sheet in [Some(summary), Some(findings), resolved]
        .into_iter()
        .flatten()
        .chain([installments, payouts, allocations, rejected, controls])
        .chain(projections)
    {
        workbook.push_worksheet(sheet);
    }
    workbook.save_to_writer(out)
}
