//! The evidence-packs stage: a second pass over the inputs for the contracts with
//! findings, then one pack per contract written on the workers, each file streamed
//! through a hash into a temporary name and renamed, the manifest last.
//!
//! The audit itself streams and keeps no billing line. The source rows come from this
//! second pass, made only when some contract has findings and only after the audit: each
//! billing file is read again through the audit's own billing reader (wrapped by
//! [`CaptureReader`]); a line is looked at only when its account belongs to a packed
//! contract and its date falls in that contract's term, and such a line is attributed by
//! the audit's own [`Attributor`], so the rows listed are exactly those the base was summed
//! from. Files are read in parallel and merged in file order; at most [`MAX_SOURCE_ROWS`]
//! rows are listed per contract (the manifest says when a contract has more).

use crate::app::cancel::Cancel;
use crate::app::config::Config;
use crate::app::discover::Inputs;
use crate::app::stages::billing_layouts;
use crate::attribute::{Attributor, ContractIndex, ContractPlan};
use crate::domain::audit::{Audit, InputFile, InputRole};
use crate::domain::billing::BillingLine;
use crate::domain::digest::hex;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::pack::{BaseRow, BaseRows, MAX_SOURCE_ROWS, OriginalRow, PackFile};
use crate::domain::payout::Payout;
use crate::ingest::billing::{BillingSink, Recognised};
use crate::ingest::capture::{CaptureReader, OriginalRows, Select};
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec, required};
use crate::ingest::table::{self, Limits, TableVisitor};
use crate::reconcile::quality::shown;
use crate::report::pack as render;
use crate::ruleset::Rulesets;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::field::Empty;

/// What the second pass reads again: the rulesets, the forced format and the files of
/// the audit.
#[derive(Debug, Clone, Copy)]
pub struct SecondPassInputs<'a> {
    /// The user rulesets folder.
    pub rulesets: Option<&'a Path>,
    /// The billing format forced with `--format`.
    pub format: Option<&'a str>,
    /// The billing files.
    pub billing: &'a [PathBuf],
    /// What the table reader takes from one file.
    pub limits: &'a Limits,
}

/// What the second pass found.
#[derive(Debug, Clone, Default)]
struct SecondPass {
    /// Per packed contract, in the order given.
    contracts: Vec<BaseRows>,
    /// Inputs that changed since the audit read them, or could not be read again.
    warnings: Vec<String>,
}

/// Evidence packs: writes a pack for every contract with findings into `folder` (a
/// staging folder), its trails in `lang`. Returns the pack folders written.
///
/// # Errors
/// On any I/O failure, naming the path, or when stopped.
pub fn write_packs(
    audit: &Audit,
    inputs: SecondPassInputs<'_>,
    lang: Lang,
    command_line: &str,
    folder: &Path,
    cancel: &Cancel,
) -> io::Result<Vec<PathBuf>> {
    let targets = render::contracts_with_findings(audit);
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let names = render::folder_names(audit);
    let mut pass = capture_base_rows(audit, inputs, &targets, cancel).map_err(io::Error::other)?;
    let ids: HashSet<&str> = targets
        .iter()
        .map(|&index| audit.contracts[index].contract.id.as_str())
        .collect();
    let mut warnings = std::mem::take(&mut pass.warnings);
    let contract_rows = contract_rows(audit, &ids, inputs.limits, &mut warnings);
    let payouts = render::payouts_of(audit, &ids);
    let payout_cells = payout_rows(audit, &payouts, inputs.limits, &mut warnings);
    let context = |path: &Path, error: io::Error| {
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    std::fs::create_dir_all(folder).map_err(|error| context(folder, error))?;
    // One pack per task: each pack's bytes depend on its contract alone.
    let write_pack = |(position, &index): (usize, &usize)| -> io::Result<PathBuf> {
        cancel.check().map_err(io::Error::other)?;
        let result = &audit.contracts[index];
        let id = result.contract.id.as_str();
        let rows = &pass.contracts[position];
        let pack = folder.join(&names[index]);
        std::fs::create_dir_all(&pack).map_err(|error| context(&pack, error))?;
        let own_payouts: Vec<&Payout> = payouts
            .iter()
            .copied()
            .filter(|payout| payout.contract_id == id)
            .collect();
        let files = vec![
            write_pack_file(&pack, "trail.md", |out| render::trail(out, audit, id, lang))?,
            write_pack_file(&pack, "source-rows.csv", |out| {
                render::source_rows_csv(out, result, rows)
            })?,
            write_pack_file(&pack, "payouts.csv", |out| {
                render::payouts_csv(out, audit, result, &own_payouts, &payout_cells)
            })?,
            write_pack_file(&pack, "contract.csv", |out| {
                render::contract_csv(out, contract_rows.get(id).map_or(&[], Vec::as_slice))
            })?,
        ];
        let manifest = render::manifest(audit, result, rows, command_line, &warnings, &files);
        write_pack_file(&pack, "manifest.json", |out| {
            out.write_all(manifest.as_bytes())
        })?;
        Ok(pack)
    };
    targets
        .par_iter()
        .enumerate()
        .map(write_pack)
        .collect::<io::Result<Vec<PathBuf>>>()
}

/// The evidence-packs stage of a run: the packs of `audit` into `folder`, its span
/// counting them.
///
/// # Errors
/// On an I/O failure, naming the path, or when stopped.
pub fn stage(
    audit: &Audit,
    config: &Config,
    inputs: &Inputs,
    folder: &Path,
    cancel: &Cancel,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    let span = tracing::info_span!("stage", stage = "evidence packs", packs = Empty).entered();
    let command_line = crate::report::pack::command_line(std::env::args_os());
    let second = SecondPassInputs {
        rulesets: inputs.rulesets.as_deref(),
        format: config.format.as_deref(),
        billing: &inputs.billing,
        limits: &config.limits,
    };
    let written = write_packs(audit, second, config.lang, &command_line, folder, cancel)?;
    span.record("packs", written.len());
    Ok(written)
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
) -> io::Result<PackFile> {
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
    Ok(PackFile {
        name,
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

/// Picks the lines of packed contracts' accounts inside their terms and attributes them
/// as the audit did.
struct Selector<'i, 'a> {
    index: &'i ContractIndex<'a>,
    /// Account → packed contracts (indices into the plans) that name it.
    accounts: &'i FxHashMap<String, Vec<usize>>,
    /// Plan index → packed position.
    target_of: &'i [Option<usize>],
    table: Location,
    /// Per packed contract: rows attributed, rows kept.
    counts: Vec<(u64, usize)>,
}

/// What the selector keeps of a line: which packed contract it went to, and the row.
type Kept = (usize, BaseRow);

impl Select for Selector<'_, '_> {
    type Kept = Kept;

    fn begin_table(&mut self, table: &Location, _recognised: Option<&Recognised<'_>>) {
        self.table = table.clone();
    }

    fn select(&mut self, row: usize, line: BillingLine<'_>) -> Option<Kept> {
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
        let group = bucket.sources.into_iter().next()?.group;
        let counts = &mut self.counts[target];
        counts.0 += 1;
        if counts.1 >= MAX_SOURCE_ROWS {
            return None;
        }
        counts.1 += 1;
        Some((
            target,
            BaseRow {
                location: Location::file(Arc::from("")),
                format: String::new(),
                cells: String::new(),
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
            },
        ))
    }
}

/// The second pass: reads every billing file again and keeps, per contract of `targets`
/// (indices into `audit.contracts`), the rows attributed to it, in file order.
///
/// # Errors
/// When the rulesets can no longer be loaded or `--format` no longer names a format.
fn capture_base_rows(
    audit: &Audit,
    inputs: SecondPassInputs<'_>,
    targets: &[usize],
    cancel: &Cancel,
) -> Result<SecondPass, String> {
    let _span = tracing::info_span!("evidence second pass", contracts = targets.len()).entered();
    let rulesets = Rulesets::load(inputs.rulesets).map_err(|error| error.to_string())?;
    let layouts = billing_layouts(&rulesets, inputs.format).map_err(|error| error.to_string())?;
    let plans: Vec<ContractPlan> = audit
        .contracts
        .iter()
        .map(|result| ContractPlan::new(result.contract.clone()))
        .collect();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut target_of = vec![None; plans.len()];
    let mut accounts: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (position, &contract) in targets.iter().enumerate() {
        target_of[contract] = Some(position);
        for account in plans[contract].contract.accounts_ever() {
            accounts
                .entry(account.to_string())
                .or_default()
                .push(contract);
        }
    }
    let per_file: Vec<_> = inputs
        .billing
        .par_iter()
        .map(|path| {
            // Stopped: the pass is abandoned, skip the remaining files.
            if cancel.is_set() {
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
            let digest = table::read_file(path, shown(path), &mut reader, inputs.limits);
            let (selector, rows) = reader.finish();
            (digest, selector.counts, rows)
        })
        .collect();
    let mut pass = SecondPass {
        contracts: vec![BaseRows::default(); targets.len()],
        warnings: Vec::new(),
    };
    for (path, (digest, counts, rows)) in inputs.billing.iter().zip(per_file) {
        let file = shown(path);
        if let Some(warning) = changed(audit, InputRole::Billing, &file, &digest) {
            pass.warnings.push(warning);
        }
        for (into, (total, _)) in pass.contracts.iter_mut().zip(counts) {
            into.total += total;
        }
        for captured in rows {
            let (target, mut row) = captured.kept;
            let into = &mut pass.contracts[target];
            if into.rows.len() < MAX_SOURCE_ROWS {
                row.location = captured.location;
                row.format = captured.format.to_string();
                row.cells = captured.cells;
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

/// Reads a contract workbook or a ledger of the audit again through `visitor`, as typed
/// (merged areas filled), as the audit read it; a warning when it is not the file the
/// audit read.
fn read_again(
    audit: &Audit,
    input: &InputFile,
    visitor: &mut dyn TableVisitor,
    limits: &Limits,
    warnings: &mut Vec<String>,
) {
    let digest = table::read_file_with(
        Path::new(&input.path),
        Arc::from(input.path.as_str()),
        visitor,
        limits,
        table::ReadOptions::AS_TYPED,
    );
    if let Some(warning) = changed(audit, input.role, &input.path, &digest) {
        warnings.push(warning);
    }
}

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
        read_again(audit, input, &mut visitor, limits, warnings);
        for (id, location, cells) in visitor.rows {
            by_id
                .entry(id)
                .or_default()
                .push(OriginalRow { location, cells });
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
        read_again(audit, input, &mut visitor, limits, warnings);
        for (id, _, cells) in visitor.rows {
            by_id.insert(id, cells);
        }
    }
    by_id
}
