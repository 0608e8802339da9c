//! Evidence packs: for every contract with at least one finding, a folder
//! `packs/<contract>/` (or `<--evidence DIR>/<contract>/`) holding what a dispute needs, each file checkable on its own:
//!
//! - `trail.md`: the contract's computation trail, every period, as `rebate-audit explain
//!   --contract ID` prints it ([`crate::report::explain::render`]);
//! - `source-rows.csv`: every billing row that made the contract's weighted base, with its
//!   normalised fields and its original cells;
//! - `payouts.csv`: the payouts that name the contract, their invoice fields, ledger place,
//!   allocations and original ledger cells;
//! - `contract.csv`: the contract's rows of the contract workbook (every sheet with a
//!   `contract_id` column: contracts, tiers, products, schedule), cells as read;
//! - `manifest.json`: schema [`SCHEMA`]: tool and version, `as_of`, the command line,
//!   every input with its SHA-256, every ruleset with the SHA-256 of its TOML text, and
//!   every file of the pack with its SHA-256.
//!
//! The source rows come from a second pass over the billing files that the application
//! makes after the audit (`app/packs.rs`); this module renders each file from the audit and
//! what that pass captured, into any writer, and the manifest from the files' hashes. The
//! bytes of every pack file, and of the manifest except its `command_line`, depend only
//! on the inputs and `--as-of`.

use super::evidence;
use super::tables::neutralise;
use crate::domain::audit::{Audit, ContractResult};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money, format_rate};
use crate::domain::pack::{BaseRow, BaseRows, MAX_SOURCE_ROWS, OriginalRow, PackFile};
use crate::domain::payout::Payout;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::io;

/// The schema name written into every pack manifest.
pub const SCHEMA: &str = "rebate-audit/evidence-pack/v1";

/// The files of a pack, the manifest last.
pub const FILES: [&str; 5] = [
    "trail.md",
    "source-rows.csv",
    "payouts.csv",
    "contract.csv",
    "manifest.json",
];

/// The command line as a POSIX shell takes it back: arguments that hold anything but
/// letters, digits and `-_./=:,+@%` are single-quoted.
pub fn command_line(args: impl IntoIterator<Item = OsString>) -> String {
    args.into_iter()
        .map(|arg| {
            let arg = arg.to_string_lossy();
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                arg.into_owned()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The folder name of each contract (in `audit.contracts` order): the same name its
/// `evidence/<name>.md` file has.
pub fn folder_names(audit: &Audit) -> Vec<String> {
    let mut names = BTreeSet::new();
    audit
        .contracts
        .iter()
        .map(|result| {
            let mut name = evidence::file_name(&result.contract.id);
            let mut suffix = 2;
            while !names.insert(name.to_lowercase()) {
                name = format!("{}-{suffix}", evidence::file_name(&result.contract.id));
                suffix += 1;
            }
            name
        })
        .collect()
}

/// The contracts (indices into `audit.contracts`) with at least one finding.
pub fn contracts_with_findings(audit: &Audit) -> Vec<usize> {
    let ids: HashSet<&str> = audit
        .findings
        .iter()
        .filter_map(|finding| finding.contract_id.as_deref())
        .collect();
    audit
        .contracts
        .iter()
        .enumerate()
        .filter(|(_, result)| ids.contains(result.contract.id.as_str()))
        .map(|(index, _)| index)
        .collect()
}

/// An amount as billed: every decimal kept, at least two.
fn exact(amount: Decimal) -> String {
    let mut shown = amount.normalize();
    if shown.scale() < 2 {
        shown.rescale(2);
    }
    if shown.is_zero() {
        return "0.00".into();
    }
    shown.to_string()
}

fn text(value: &str) -> String {
    neutralise(value)
}

/// Writes a CSV into `out` as `findings.csv` is written: UTF-8 with a BOM, every field
/// that is not a number quoted (so a separator inside a text never starts a cell; text
/// cells are [`neutralise`]d by the callers).
fn write_csv(
    out: &mut dyn io::Write,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> io::Result<()> {
    out.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(out);
    writer.write_record(header).map_err(io::Error::other)?;
    for row in rows {
        writer.write_record(&row).map_err(io::Error::other)?;
    }
    writer.flush()
}

/// Columns of `source-rows.csv`.
pub const SOURCE_COLUMNS: [&str; 16] = [
    "period_start",
    "period_end",
    "file",
    "sheet",
    "row",
    "format",
    "account",
    "billing_month",
    "date",
    "product",
    "currency",
    "net_amount",
    "coefficient",
    "base",
    "weighted",
    "cells",
];

/// `trail.md`: the contract's computation trail in `lang`, as `explain --contract ID`
/// prints it.
///
/// # Errors
/// When writing fails.
pub fn trail(out: &mut dyn io::Write, audit: &Audit, id: &str, lang: Lang) -> io::Result<()> {
    let trail = crate::report::explain::render(audit, id, None, lang).map_err(io::Error::other)?;
    out.write_all(trail.as_bytes())
}

/// `source-rows.csv`: the rows by settlement period, in file order within a period.
///
/// # Errors
/// When writing fails.
pub fn source_rows_csv(
    out: &mut dyn io::Write,
    result: &ContractResult,
    rows: &BaseRows,
) -> io::Result<()> {
    let mut ordered: Vec<&BaseRow> = rows.rows.iter().collect();
    ordered.sort_by_key(|row| row.period);
    let periods = &result.computation.periods;
    write_csv(
        out,
        &SOURCE_COLUMNS,
        ordered.into_iter().map(|row| {
            let kept = row;
            let period = periods.get(kept.period);
            vec![
                period.map_or(String::new(), |period| period.range.first.to_string()),
                period.map_or(String::new(), |period| period.range.last.to_string()),
                text(&row.location.file),
                text(row.location.sheet.as_deref().unwrap_or("")),
                row.location
                    .row
                    .map_or(String::new(), |row| row.to_string()),
                text(&row.format),
                text(&kept.account),
                kept.month.to_string(),
                kept.date.map_or(String::new(), |date| date.to_string()),
                text(&kept.product),
                text(&kept.currency),
                exact(kept.net_amount),
                kept.coefficient.normalize().to_string(),
                exact(kept.base),
                exact(kept.weighted),
                text(&row.cells),
            ]
        }),
    )
}

/// Columns of `payouts.csv`.
pub const PAYOUT_COLUMNS: [&str; 23] = [
    "payout_id",
    "contract_id",
    "paid_on",
    "amount",
    "currency",
    "kind",
    "period",
    "installment",
    "invoice_no",
    "invoice_date",
    "invoice_amount",
    "invoice_tax_rate",
    "invoice_type",
    "invoice_issuer",
    "file",
    "sheet",
    "row",
    "allocation",
    "allocation_period_start",
    "allocation_period_end",
    "allocation_installment",
    "allocation_amount",
    "cells",
];

/// `payouts.csv`: one row per allocation of each payout naming the contract (`installment`,
/// or `excess` beyond what the installment expected), and one `unallocated` row for what
/// went nowhere.
///
/// # Errors
/// When writing fails.
pub fn payouts_csv(
    out: &mut dyn io::Write,
    audit: &Audit,
    result: &ContractResult,
    payouts: &[&Payout],
    cells: &HashMap<String, String>,
) -> io::Result<()> {
    let records: Vec<_> = audit.installments_of(result).iter().collect();
    let mut rows = Vec::new();
    for payout in payouts {
        let invoice = &payout.invoice;
        let fields = vec![
            text(&payout.id),
            text(&payout.contract_id),
            payout.paid_on.to_string(),
            format_money(payout.amount),
            text(payout.currency.as_deref().unwrap_or("")),
            payout.kind.map_or(String::new(), |kind| kind.to_string()),
            payout
                .period
                .map_or(String::new(), |period| period.to_string()),
            payout
                .installment
                .map_or(String::new(), |number| number.to_string()),
            text(invoice.number.as_deref().unwrap_or("")),
            invoice.date.map_or(String::new(), |date| date.to_string()),
            invoice.amount.map_or(String::new(), format_money),
            invoice.tax_rate.map_or(String::new(), format_rate),
            invoice.kind.map_or(String::new(), |kind| kind.to_string()),
            text(invoice.issuer.as_deref().unwrap_or("")),
            text(&payout.source.file),
            text(payout.source.sheet.as_deref().unwrap_or("")),
            payout
                .source
                .row
                .map_or(String::new(), |row| row.to_string()),
        ];
        let original = text(cells.get(&payout.id).map_or("", String::as_str));
        let mut allocated = Decimal::ZERO;
        let mut any = false;
        for record in &records {
            for allocation in record
                .allocations
                .iter()
                .filter(|allocation| allocation.payout_id == payout.id)
            {
                allocated = allocated.saturating_add(allocation.amount);
                any = true;
                let mut row = fields.clone();
                row.extend([
                    if allocation.excess {
                        "excess".to_string()
                    } else {
                        "installment".to_string()
                    },
                    record.period_start.to_string(),
                    record.period_end.to_string(),
                    record.installment.to_string(),
                    format_money(allocation.amount),
                    original.clone(),
                ]);
                rows.push(row);
            }
        }
        let rest = payout.amount.saturating_sub(allocated);
        if !any || !rest.is_zero() {
            let mut row = fields;
            row.extend([
                "unallocated".to_string(),
                String::new(),
                String::new(),
                String::new(),
                format_money(rest),
                original,
            ]);
            rows.push(row);
        }
    }
    write_csv(out, &PAYOUT_COLUMNS, rows)
}

/// `contract.csv`: the contract's rows of the workbook.
///
/// # Errors
/// When writing fails.
pub fn contract_csv(out: &mut dyn io::Write, rows: &[OriginalRow]) -> io::Result<()> {
    write_csv(
        out,
        &["file", "sheet", "row", "cells"],
        rows.iter().map(|OriginalRow { location, cells }| {
            vec![
                text(&location.file),
                text(location.sheet.as_deref().unwrap_or("")),
                location.row.map_or(String::new(), |row| row.to_string()),
                text(cells),
            ]
        }),
    )
}

#[derive(Serialize)]
struct Manifest<'a> {
    schema: &'static str,
    tool: Tool,
    contract_id: &'a str,
    as_of: String,
    /// The one field that depends on how the tool was started, not on the inputs.
    command_line: &'a str,
    ruleset: &'a str,
    findings: Vec<&'a str>,
    inputs: Vec<InputEntry<'a>>,
    rulesets: Vec<RulesetEntry<'a>>,
    source_rows: SourceSummary,
    warnings: &'a [String],
    files: Vec<FileEntry<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct InputEntry<'a> {
    path: &'a str,
    role: &'static str,
    bytes: u64,
    sha256: Option<&'a str>,
}

#[derive(Serialize)]
struct RulesetEntry<'a> {
    name: &'a str,
    origin: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct SourceSummary {
    /// Rows attributed to the contract.
    rows: u64,
    /// Rows listed in `source-rows.csv`.
    listed: usize,
    cap: usize,
    capped: bool,
    periods: Vec<PeriodSummary>,
}

#[derive(Serialize)]
struct PeriodSummary {
    period_start: String,
    period_end: String,
    rows: usize,
    /// Sum of the listed rows' weighted amounts.
    weighted_base: String,
    /// The period's weighted base as the audit computed it.
    audit_weighted_base: String,
    agrees: bool,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    name: &'static str,
    bytes: u64,
    sha256: &'a str,
}

fn period_summaries(result: &ContractResult, rows: &BaseRows) -> Vec<PeriodSummary> {
    let computation = &result.computation;
    let mut listed = vec![(0usize, Decimal::ZERO); computation.periods.len()];
    for row in &rows.rows {
        if let Some((count, sum)) = listed.get_mut(row.period) {
            *count += 1;
            *sum = sum.saturating_add(row.weighted);
        }
    }
    computation
        .periods
        .iter()
        .zip(&computation.rebates)
        .zip(listed)
        .map(|((period, rebate), (count, sum))| PeriodSummary {
            period_start: period.range.first.to_string(),
            period_end: period.range.last.to_string(),
            rows: count,
            weighted_base: exact(sum),
            audit_weighted_base: exact(rebate.weighted_base),
            agrees: sum == rebate.weighted_base,
        })
        .collect()
}

/// `manifest.json`: what the pack rests on — the tool, the audit date, the command line,
/// every input and ruleset with its SHA-256 — and every file of the pack with its size and
/// SHA-256 (`files`, written before it).
pub fn manifest(
    audit: &Audit,
    result: &ContractResult,
    rows: &BaseRows,
    command_line: &str,
    warnings: &[String],
    files: &[PackFile],
) -> String {
    let id = result.contract.id.as_str();
    let mut own_warnings = warnings.to_vec();
    if rows.total > rows.rows.len() as u64 {
        own_warnings.push(format!(
            "{} billing rows made the base; source-rows.csv lists the first {} in file order",
            rows.total,
            rows.rows.len()
        ));
    }
    let manifest = Manifest {
        schema: SCHEMA,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        contract_id: id,
        as_of: audit.as_of.to_string(),
        command_line,
        ruleset: &result.ruleset,
        findings: audit
            .findings
            .iter()
            .filter(|finding| finding.contract_id.as_deref() == Some(id))
            .map(|finding| finding.id.as_str())
            .collect(),
        inputs: audit
            .inputs
            .iter()
            .map(|input| InputEntry {
                path: &input.path,
                role: input.role.word(),
                bytes: input.bytes,
                sha256: input.sha256.as_deref(),
            })
            .collect(),
        rulesets: audit
            .rulesets
            .iter()
            .map(|(name, origin, sha256)| RulesetEntry {
                name,
                origin,
                sha256,
            })
            .collect(),
        source_rows: SourceSummary {
            rows: rows.total,
            listed: rows.rows.len(),
            cap: MAX_SOURCE_ROWS,
            capped: rows.total > rows.rows.len() as u64,
            periods: period_summaries(result, rows),
        },
        warnings: &own_warnings,
        files: files
            .iter()
            .map(|file| FileEntry {
                name: file.name,
                bytes: file.bytes,
                sha256: &file.sha256,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    json.push('\n');
    json
}

/// The payouts naming any of `ids`, in ledger order.
pub fn payouts_of<'a>(audit: &'a Audit, ids: &HashSet<&str>) -> Vec<&'a Payout> {
    audit
        .payouts
        .iter()
        .filter(|payout| ids.contains(payout.contract_id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_quoted_for_a_shell() {
        let args = [
            "rebate-audit",
            "run",
            "--out",
            "my out",
            "it's",
            "",
            "a=b,c",
        ]
        .map(OsString::from);
        assert_eq!(
            command_line(args),
            r"rebate-audit run --out 'my out' 'it'\''s' '' a=b,c"
        );
    }

    #[test]
    fn exact_amounts_keep_every_decimal_and_at_least_two() {
        assert_eq!(exact(Decimal::new(900_000_000_000, 8)), "9000.00");
        assert_eq!(exact(Decimal::new(12_345_678, 8)), "0.12345678");
        assert_eq!(exact(Decimal::new(-5, 1)), "-0.50");
        assert_eq!(exact(Decimal::new(-0, 2)), "0.00");
    }
}
