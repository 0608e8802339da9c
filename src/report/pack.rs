//! Evidence packs: for every contract with at least one finding, a folder
//! `<evidence dir>/<contract>/` holding what a dispute needs, each file checkable on its own:
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
//! The audit itself streams and keeps no billing line. The source rows come from a
//! **second pass** over the billing files, made only when some contract has findings and
//! only after the audit: each file is read again through the audit's own
//! [`crate::ingest::billing::BillingReader`] (wrapped by [`CaptureReader`]), a line is looked at
//! only when its account belongs to a packed contract and its date falls in that
//! contract's term, and such a line is attributed by the audit's own [`Attributor`], so
//! the rows listed are exactly those the base was summed from. Files are read in parallel
//! and merged in file order; at most [`MAX_SOURCE_ROWS`] rows are listed per contract (the
//! manifest says when a contract has more). The bytes of every pack file, and of the
//! manifest except its `command_line`, depend only on the inputs and `--as-of`.

use super::evidence;
use super::tables::neutralise;
use crate::app::config::Config;
use crate::app::pipeline;
use crate::attribute::{Attributor, ContractIndex, ContractPlan};
use crate::domain::audit::{Audit, ContractResult, InputRole};
use crate::domain::billing::BillingLine;
use crate::domain::digest::hex;
use crate::domain::location::Location;
use crate::domain::money::{format_money, format_rate};
use crate::domain::payout::Payout;
use crate::domain::period::YearMonth;
use crate::ingest::billing::{BillingSink, Recognised};
use crate::ingest::capture::{CaptureReader, Captured, OriginalRows, Select};
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec, required};
use crate::ingest::table::{self, Limits};
use crate::reconcile::quality::shown;
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The schema name written into every pack manifest.
pub const SCHEMA: &str = "rebate-audit/evidence-pack/v1";

/// At most this many source rows are listed per contract.
pub const MAX_SOURCE_ROWS: usize = 1_000_000;

/// The files of a pack, the manifest last.
pub const FILES: [&str; 5] = [
    "trail.md",
    "source-rows.csv",
    "payouts.csv",
    "contract.csv",
    "manifest.json",
];

/// Where the packs go: `--evidence DIR`, else `<out>/evidence`.
pub fn folder(config: &Config) -> PathBuf {
    config
        .evidence
        .clone()
        .unwrap_or_else(|| config.out.join("evidence"))
}

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

/// One billing row behind a contract's weighted base, as the audit attributed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseRow {
    /// Which packed contract (position in the list given to [`capture_base_rows`]).
    pub target: usize,
    /// Index of the settlement period.
    pub period: usize,
    /// Billing account.
    pub account: String,
    /// Billing month.
    pub month: YearMonth,
    /// Charge date, when the export has one.
    pub date: Option<NaiveDate>,
    /// Product after alias resolution.
    pub product: String,
    /// Currency.
    pub currency: String,
    /// Net amount as billed.
    pub net_amount: Decimal,
    /// Coefficient applied.
    pub coefficient: Decimal,
    /// The line's base (net, list or cash, as the contract says).
    pub base: Decimal,
    /// base × coefficient.
    pub weighted: Decimal,
}

/// The source rows of one packed contract.
#[derive(Debug, Clone, Default)]
pub struct BaseRows {
    /// The rows listed, in file order (at most [`MAX_SOURCE_ROWS`]).
    pub rows: Vec<Captured<BaseRow>>,
    /// Every row attributed to the contract, listed or not.
    pub total: u64,
}

/// What the second pass found.
#[derive(Debug, Clone, Default)]
pub struct SecondPass {
    /// Per packed contract, in the order given.
    pub contracts: Vec<BaseRows>,
    /// Inputs that changed since the audit read them, or could not be read again.
    pub warnings: Vec<String>,
}

/// Picks the lines of packed contracts' accounts inside their terms and attributes them
/// as the audit did.
struct Selector<'i, 'a> {
    index: &'i ContractIndex<'a>,
    /// Account → packed contracts (indices into the plans) that name it.
    accounts: &'i FastMap<String, Vec<usize>>,
    /// Plan index → packed position.
    target_of: &'i [Option<usize>],
    table: Location,
    /// Per packed contract: rows attributed, rows kept.
    counts: Vec<(u64, usize)>,
}

impl Select for Selector<'_, '_> {
    type Kept = BaseRow;

    fn begin_table(&mut self, table: &Location, _recognised: Option<&Recognised<'_>>) {
        self.table = table.clone();
    }

    fn select(&mut self, row: usize, line: BillingLine<'_>) -> Option<BaseRow> {
        let candidates = self.accounts.get(line.account_id.as_ref())?;
        let date = line.effective_date();
        let plans = self.index.plans();
        if !candidates
            .iter()
            .any(|&contract| plans[contract].contract.term().contains(date))
        {
            return None;
        }
        let (account, month, charged, product, currency, net_amount) = (
            line.account_id.to_string(),
            line.billing_month,
            line.date,
            line.product.to_string(),
            line.currency.to_string(),
            line.net_amount,
        );
        // The audit's own attribution, applied to this one line: which contract and
        // segment it went to (overlaps, currency and base rules included), with the
        // coefficient and amounts it counted.
        let mut attributor = Attributor::new(self.index);
        attributor.begin_table(&self.table, None);
        attributor.line(row, line);
        let ledger = attributor.finish().ok()?;
        let ((contract, segment), bucket) = ledger.buckets.into_iter().next()?;
        let target = self.target_of.get(contract).copied().flatten()?;
        let group = bucket.sources.into_values().next()?.into_values().next()?;
        let counts = &mut self.counts[target];
        counts.0 += 1;
        if counts.1 >= MAX_SOURCE_ROWS {
            return None;
        }
        counts.1 += 1;
        Some(BaseRow {
            target,
            period: plans[contract].segments[segment].period,
            account,
            month,
            date: charged,
            product,
            currency,
            net_amount,
            coefficient: group.coefficient,
            base: group.base.amount,
            weighted: group.weighted_base,
        })
    }
}

/// The second pass: reads every billing file again and keeps, per contract of `targets`
/// (indices into `audit.contracts`), the rows attributed to it, in file order.
///
/// # Errors
/// When the rulesets can no longer be loaded or `--format` no longer names a format.
pub fn capture_base_rows(
    audit: &Audit,
    config: &Config,
    targets: &[usize],
) -> Result<SecondPass, String> {
    let _span = tracing::info_span!("evidence second pass", contracts = targets.len()).entered();
    let rulesets = Rulesets::load(config.rulesets.as_deref()).map_err(|error| error.to_string())?;
    let layouts = pipeline::billing_layouts(&rulesets, config.format.as_deref())
        .map_err(|error| error.to_string())?;
    let plans: Vec<ContractPlan> = audit
        .contracts
        .iter()
        .map(|result| ContractPlan::new(result.contract.clone()))
        .collect();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut target_of = vec![None; plans.len()];
    let mut accounts: FastMap<String, Vec<usize>> = FastMap::default();
    for (position, &contract) in targets.iter().enumerate() {
        target_of[contract] = Some(position);
        for account in &plans[contract].contract.accounts {
            accounts.entry(account.clone()).or_default().push(contract);
        }
    }
    let per_file: Vec<_> = config
        .billing
        .par_iter()
        .map(|path| {
            // Interrupted: the pass is abandoned, skip the remaining files.
            if crate::store::interrupted() {
                return (
                    Err(table::TableError::Io {
                        location: Location::file(shown(path)),
                        source: io::Error::other("interrupted"),
                    }),
                    vec![(0, 0); targets.len()],
                    Vec::new(),
                );
            }
            let selector = Selector {
                index: &index,
                accounts: &accounts,
                target_of: &target_of,
                table: Location::file(shown(path)),
                counts: vec![(0, 0); targets.len()],
            };
            let mut reader = CaptureReader::new(layouts.clone(), selector);
            let digest = table::read_file(path, shown(path), &mut reader, &config.limits);
            let (selector, rows) = reader.finish();
            (digest, selector.counts, rows)
        })
        .collect();
    let mut pass = SecondPass {
        contracts: vec![BaseRows::default(); targets.len()],
        warnings: Vec::new(),
    };
    for (path, (digest, counts, rows)) in config.billing.iter().zip(per_file) {
        let file = shown(path);
        if let Some(warning) = changed(audit, InputRole::Billing, &file, &digest) {
            pass.warnings.push(warning);
        }
        for (into, (total, _)) in pass.contracts.iter_mut().zip(counts) {
            into.total += total;
        }
        for row in rows {
            let into = &mut pass.contracts[row.kept.target];
            if into.rows.len() < MAX_SOURCE_ROWS {
                into.rows.push(row);
            }
        }
    }
    Ok(pass)
}

/// A warning when a file read again is not the file the audit read.
fn changed(
    audit: &Audit,
    role: InputRole,
    file: &str,
    digest: &Result<table::FileDigest, table::TableError>,
) -> Option<String> {
    let before = audit
        .inputs
        .iter()
        .find(|input| input.role == role && input.path == file)
        .and_then(|input| input.sha256.as_deref());
    match (before, digest) {
        (Some(before), Ok(now)) if before != now.sha256 => Some(format!(
            "{file} changed after the audit read it (SHA-256 {before}, now {}): the pack may not match the findings; run the audit again",
            now.sha256
        )),
        (Some(_), Err(error)) => Some(format!(
            "{file} could not be read again for the pack: {error}"
        )),
        _ => None,
    }
}

/// Rows of plain input tables (contract workbook, payout ledgers) with their cells.
type OriginalRow = (Location, String);

/// The contract workbook rows of `ids`, per id, in file, sheet and row order: every table
/// whose header has a `contract_id` (合同编号) column.
fn contract_rows(
    audit: &Audit,
    ids: &HashSet<&str>,
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> HashMap<String, Vec<OriginalRow>> {
    const SPEC: [ColumnSpec; 1] = [required("contract_id", &["合同编号"])];
    let mut by_id: HashMap<String, Vec<OriginalRow>> = HashMap::new();
    for input in audit
        .inputs
        .iter()
        .filter(|input| input.role == InputRole::Contracts)
    {
        // Contract workbooks are small: the header is mapped again for each row.
        let mut visitor = OriginalRows::new(|_: &Location, header: &[Cell], cells: &[Cell]| {
            let map = ColumnMap::new(header, &SPEC).ok()?;
            let id = map.cell(cells, 0).to_text();
            ids.contains(id.as_str()).then_some(id)
        });
        let digest = table::read_file(
            Path::new(&input.path),
            Arc::from(input.path.as_str()),
            &mut visitor,
            limits,
        );
        if let Some(warning) = changed(audit, InputRole::Contracts, &input.path, &digest) {
            warnings.push(warning);
        }
        for (id, location, cells) in visitor.rows {
            by_id.entry(id).or_default().push((location, cells));
        }
    }
    by_id
}

/// The ledger rows of `payouts`, by payout id.
fn payout_rows(
    audit: &Audit,
    payouts: &[&Payout],
    limits: &Limits,
    warnings: &mut Vec<String>,
) -> HashMap<String, String> {
    let wanted: HashMap<(&str, Option<&str>, Option<usize>), &str> = payouts
        .iter()
        .map(|payout| {
            (
                (
                    &*payout.source.file,
                    payout.source.sheet.as_deref(),
                    payout.source.row,
                ),
                payout.id.as_str(),
            )
        })
        .collect();
    let files: BTreeSet<&str> = payouts.iter().map(|payout| &*payout.source.file).collect();
    let mut by_id = HashMap::new();
    for input in audit
        .inputs
        .iter()
        .filter(|input| input.role == InputRole::Payouts && files.contains(input.path.as_str()))
    {
        let mut visitor = OriginalRows::new(|location: &Location, _: &[Cell], _: &[Cell]| {
            wanted
                .get(&(&*location.file, location.sheet.as_deref(), location.row))
                .map(|id| (*id).to_string())
        });
        let digest = table::read_file(
            Path::new(&input.path),
            Arc::from(input.path.as_str()),
            &mut visitor,
            limits,
        );
        if let Some(warning) = changed(audit, InputRole::Payouts, &input.path, &digest) {
            warnings.push(warning);
        }
        for (id, _, cells) in visitor.rows {
            by_id.insert(id, cells);
        }
    }
    by_id
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

/// `source-rows.csv`: the rows by settlement period, in file order within a period.
fn source_rows_csv(
    out: &mut dyn io::Write,
    result: &ContractResult,
    rows: &BaseRows,
) -> io::Result<()> {
    let mut ordered: Vec<&Captured<BaseRow>> = rows.rows.iter().collect();
    ordered.sort_by_key(|row| row.kept.period);
    let periods = &result.computation.periods;
    write_csv(
        out,
        &SOURCE_COLUMNS,
        ordered.into_iter().map(|row| {
            let kept = &row.kept;
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
fn payouts_csv(
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
fn contract_csv(out: &mut dyn io::Write, rows: &[OriginalRow]) -> io::Result<()> {
    write_csv(
        out,
        &["file", "sheet", "row", "cells"],
        rows.iter().map(|(location, cells)| {
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
    files: Vec<FileEntry>,
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
struct FileEntry {
    name: &'static str,
    bytes: u64,
    sha256: String,
}

fn period_summaries(result: &ContractResult, rows: &BaseRows) -> Vec<PeriodSummary> {
    let computation = &result.computation;
    let mut listed = vec![(0usize, Decimal::ZERO); computation.periods.len()];
    for row in &rows.rows {
        if let Some((count, sum)) = listed.get_mut(row.kept.period) {
            *count += 1;
            *sum = sum.saturating_add(row.kept.weighted);
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

/// Counts and hashes what passes through to the file.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: io::Write> io::Write for Hashing<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let count = self.inner.write(buffer)?;
        self.hasher.update(&buffer[..count]);
        self.bytes += count as u64;
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the pack file `name` in `folder` through a temporary file in the same folder,
/// streaming what `render` writes (a large `source-rows.csv` is never held whole), and
/// returns its size and SHA-256.
fn write_pack_file(
    folder: &Path,
    name: &'static str,
    render: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<FileEntry> {
    let path = folder.join(name);
    let temporary = folder.join(format!("{name}.partial"));
    let context = |path: &Path, error: io::Error| {
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    let file = std::fs::File::create(&temporary).map_err(|error| context(&temporary, error))?;
    let mut out = Hashing {
        inner: io::BufWriter::new(file),
        hasher: Sha256::new(),
        bytes: 0,
    };
    render(&mut out)
        .and_then(|()| io::Write::flush(&mut out))
        .map_err(|error| context(&temporary, error))?;
    let Hashing { hasher, bytes, .. } = out;
    std::fs::rename(&temporary, &path).map_err(|error| context(&path, error))?;
    Ok(FileEntry {
        name,
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

/// Whether `folder` holds an evidence pack (its manifest names [`SCHEMA`]).
pub fn is_pack(folder: &Path) -> bool {
    std::fs::read(folder.join("manifest.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|manifest| manifest["schema"] == SCHEMA)
}

/// Removes the packs in `dir` not named in `keep`: only folders whose manifest names
/// [`SCHEMA`], only the pack's own files; a folder holding anything else stays.
fn remove_stale(dir: &Path, keep: &BTreeSet<&str>) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if !is_folder || keep.contains(name.as_str()) || !is_pack(&path) {
            continue;
        }
        for file in FILES {
            for name in [file.to_string(), format!("{file}.partial")] {
                match std::fs::remove_file(path.join(&name)) {
                    Err(error) if error.kind() != io::ErrorKind::NotFound => {
                        return Err(io::Error::new(
                            error.kind(),
                            format!("{}: {error}", path.join(&name).display()),
                        ));
                    }
                    _ => {}
                }
            }
        }
        // Left in place when someone put other files in it.
        let _ = std::fs::remove_dir(&path);
    }
    Ok(())
}

/// Writes a pack for every contract with findings into [`folder`], after a second pass
/// over the inputs, and removes the packs of contracts that no longer have findings.
/// Returns the pack folders written.
///
/// # Errors
/// On any I/O failure, naming the path.
pub fn write(audit: &Audit, config: &Config, command_line: &str) -> io::Result<Vec<PathBuf>> {
    write_to(audit, config, command_line, &folder(config))
}

/// [`write`] into `dir` (a run stages its packs in a temporary folder, see
/// [`crate::store`]); stops between packs once the run is interrupted.
///
/// # Errors
/// On any I/O failure, naming the path, or when interrupted.
pub fn write_to(
    audit: &Audit,
    config: &Config,
    command_line: &str,
    dir: &Path,
) -> io::Result<Vec<PathBuf>> {
    let dir = dir.to_path_buf();
    let targets = contracts_with_findings(audit);
    let names = folder_names(audit);
    let keep: BTreeSet<&str> = targets.iter().map(|&index| names[index].as_str()).collect();
    if targets.is_empty() {
        remove_stale(&dir, &keep)?;
        return Ok(Vec::new());
    }
    let mut pass = capture_base_rows(audit, config, &targets).map_err(io::Error::other)?;
    let ids: HashSet<&str> = targets
        .iter()
        .map(|&index| audit.contracts[index].contract.id.as_str())
        .collect();
    let mut warnings = std::mem::take(&mut pass.warnings);
    let contract_rows = contract_rows(audit, &ids, &config.limits, &mut warnings);
    let payouts: Vec<&Payout> = audit
        .payouts
        .iter()
        .filter(|payout| ids.contains(payout.contract_id.as_str()))
        .collect();
    let payout_cells = payout_rows(audit, &payouts, &config.limits, &mut warnings);
    std::fs::create_dir_all(&dir)
        .map_err(|error| io::Error::new(error.kind(), format!("{}: {error}", dir.display())))?;
    // One pack per task: each pack's bytes depend on its contract alone.
    let write_pack = |(position, &index): (usize, &usize)| -> io::Result<PathBuf> {
        crate::store::check()?;
        let result = &audit.contracts[index];
        let id = result.contract.id.as_str();
        let rows = &pass.contracts[position];
        let folder = dir.join(&names[index]);
        std::fs::create_dir_all(&folder).map_err(|error| {
            io::Error::new(error.kind(), format!("{}: {error}", folder.display()))
        })?;
        let own_payouts: Vec<&Payout> = payouts
            .iter()
            .copied()
            .filter(|payout| payout.contract_id == id)
            .collect();
        let entries = vec![
            write_pack_file(&folder, "trail.md", |out| {
                let trail = crate::report::explain::render(audit, id, None, audit.lang)
                    .map_err(io::Error::other)?;
                out.write_all(trail.as_bytes())
            })?,
            write_pack_file(&folder, "source-rows.csv", |out| {
                source_rows_csv(out, result, rows)
            })?,
            write_pack_file(&folder, "payouts.csv", |out| {
                payouts_csv(out, audit, result, &own_payouts, &payout_cells)
            })?,
            write_pack_file(&folder, "contract.csv", |out| {
                contract_csv(out, contract_rows.get(id).map_or(&[], Vec::as_slice))
            })?,
        ];
        let mut own_warnings = warnings.clone();
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
            files: entries,
        };
        let mut json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
        json.push('\n');
        write_pack_file(&folder, "manifest.json", |out| {
            out.write_all(json.as_bytes())
        })?;
        Ok(folder)
    };
    let written = targets
        .par_iter()
        .enumerate()
        .map(write_pack)
        .collect::<io::Result<Vec<PathBuf>>>()?;
    remove_stale(&dir, &keep)?;
    Ok(written)
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
