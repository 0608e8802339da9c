//! The audit pipeline: ingest → attribute → compute → reconcile, composed in one function.
//! Parallelism lives only here (rayon over billing files, ledgers and contracts); every
//! merge happens in input order, and findings are sorted by a stable key, so the result
//! is the same whatever the thread count.

use crate::attribute::{
    Attributor, Bucket, ContractIndex, ContractPlan, FileLedger, TableControl, Tally,
};
use crate::compute::{installments, rebate};
use crate::config::Config;
use crate::domain::contract::Contract;
use crate::domain::finding::{Finding, FindingType, SourceRows};
use crate::domain::location::Location;
use crate::domain::money::{Overflow, format_money, format_money_grouped};
use crate::domain::payout::Payout;
use crate::domain::period::YearMonth;
use crate::ingest::billing::BillingReader;
use crate::ingest::contracts::{self, ContractErrors};
use crate::ingest::payouts::{LedgerReader, LedgerTable, RejectedPayout};
use crate::ingest::table::{self, FileDigest};
use crate::reconcile::{ContractComputation, ContractInput, InstallmentRecord, reconcile_contract};
use crate::ruleset::{RulesetError, Rulesets};
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputRole {
    /// The contract workbook.
    Contracts,
    /// A billing export.
    Billing,
    /// A payout ledger.
    Payouts,
}

impl InputRole {
    /// The word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            InputRole::Contracts => "contracts",
            InputRole::Billing => "billing",
            InputRole::Payouts => "payouts",
        }
    }
}

/// One input file, for chain of custody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Its role.
    pub role: InputRole,
    /// Path as given or found.
    pub path: String,
    /// SHA-256 of the bytes parsed; `None` when the file could not be read.
    pub sha256: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// Text encoding, for CSV.
    pub encoding: Option<&'static str>,
    /// Data rows read.
    pub rows: u64,
    /// Hidden sheets, which are not read.
    pub hidden_sheets: Vec<String>,
}

/// One contract's per-period computation, for evidence files and summaries.
#[derive(Debug, Clone)]
pub struct ContractResult {
    /// The contract.
    pub contract: Contract,
    /// Ruleset in force.
    pub ruleset: String,
    /// Periods, rebates and installments.
    pub computation: ContractComputation,
    /// The billing rows behind each period.
    pub source_rows: Vec<Vec<SourceRows>>,
}

/// Everything an audit found, ready for the reports.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The audit date.
    pub as_of: NaiveDate,
    /// Rulesets in force: (name, origin).
    pub rulesets: Vec<(String, String)>,
    /// Input files in role, then argument order.
    pub inputs: Vec<InputFile>,
    /// Billing control totals, per table.
    pub billing_controls: Vec<TableControl>,
    /// Ledger control totals, per table.
    pub payout_controls: Vec<LedgerTable>,
    /// Per contract, in id order.
    pub contracts: Vec<ContractResult>,
    /// Every installment, by contract, period and number.
    pub installments: Vec<InstallmentRecord>,
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
}

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A ruleset is invalid.
    #[error(transparent)]
    Ruleset(#[from] RulesetError),
    /// The contract workbook is unusable.
    #[error(transparent)]
    Contracts(#[from] ContractErrors),
    /// A computation overflowed.
    #[error("contract {0}: amounts are out of range (more than 28 significant digits)")]
    Overflow(String),
}

fn shown(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string().as_str())
}

/// Runs the audit described by `config`.
///
/// # Errors
/// When a ruleset or the contract workbook cannot be used, or amounts overflow.
pub fn audit(config: &Config) -> Result<Audit, PipelineError> {
    let rulesets = {
        let _span = tracing::info_span!("load rulesets").entered();
        Rulesets::load(config.rulesets.as_deref())?
    };
    let book = {
        let _span = tracing::info_span!("load contracts").entered();
        contracts::load(&config.contracts, &rulesets)?
    };
    tracing::info!(contracts = book.contracts.len(), "contracts loaded");
    let mut inputs: Vec<InputFile> = book
        .files
        .iter()
        .map(|file| InputFile {
            role: InputRole::Contracts,
            path: file.path.clone(),
            sha256: Some(file.sha256.clone()),
            bytes: std::fs::metadata(&file.path).map_or(0, |metadata| metadata.len()),
            encoding: None,
            rows: file.rows,
            hidden_sheets: Vec::new(),
        })
        .collect();
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut findings = Vec::new();

    // Billing: one ledger per file, in parallel, merged in file order.
    let ledgers: Vec<(Result<FileDigest, table::TableError>, FileLedger)> = {
        let _span = tracing::info_span!("read billing", files = config.billing.len()).entered();
        config
            .billing
            .par_iter()
            .map(|path| {
                let mut reader = BillingReader::new(&rulesets, Attributor::new(&index));
                let digest = table::read_file(path, shown(path), &mut reader);
                (digest, reader.into_sink().finish())
            })
            .collect()
    };
    let mut merged = MergedBilling::new(&plans);
    for (path, (digest, ledger)) in config.billing.iter().zip(ledgers) {
        let rows = ledger.tables.iter().map(|table| table.read.rows).sum();
        inputs.push(input_file(InputRole::Billing, path, &digest, rows));
        findings.extend(hidden_sheet_findings(path, &digest));
        match &digest {
            Err(error) => findings.push(unreadable_file(path, error)),
            Ok(_) if ledger.tables.is_empty() => findings.push(empty_file(path)),
            Ok(_) => {}
        }
        merged
            .absorb(ledger)
            .map_err(|Overflow| PipelineError::Overflow("(billing totals)".into()))?;
    }
    findings.extend(merged.data_quality_findings(&plans));

    // Payout ledgers.
    let ledgers: Vec<(Result<FileDigest, table::TableError>, LedgerReader)> = {
        let _span = tracing::info_span!("read payouts", files = config.payouts.len()).entered();
        config
            .payouts
            .par_iter()
            .map(|path| {
                let mut reader = LedgerReader::default();
                let digest = table::read_file(path, shown(path), &mut reader);
                (digest, reader)
            })
            .collect()
    };
    let mut payouts: Vec<Payout> = Vec::new();
    let mut payout_controls = Vec::new();
    let mut rejected_payouts: Vec<RejectedPayout> = Vec::new();
    for (path, (digest, reader)) in config.payouts.iter().zip(ledgers) {
        let rows = reader.tables.iter().map(|table| table.rows).sum();
        inputs.push(input_file(InputRole::Payouts, path, &digest, rows));
        findings.extend(hidden_sheet_findings(path, &digest));
        match &digest {
            Err(error) => findings.push(unreadable_file(path, error)),
            Ok(_) if !reader.saw_header() => findings.push(empty_file(path)),
            Ok(_) => {}
        }
        let mut tables = reader.tables;
        rejected_payouts.extend(reader.rejected);
        // A payout id already used in an earlier file is rejected like one repeated
        // within a file.
        for payout in reader.payouts {
            if let Some(first) = payouts.iter().find(|earlier| earlier.id == payout.id) {
                if let Some(table) = tables.iter_mut().find(|table| {
                    table.table.file == payout.source.file
                        && table.table.sheet == payout.source.sheet
                }) {
                    table.used -= 1;
                    table.used_amount = table.used_amount.saturating_sub(payout.amount);
                    table.rejected += 1;
                }
                rejected_payouts.push(RejectedPayout {
                    location: payout.source.at_column("payout_id"),
                    reason: format!(
                        "payout id `{}` is already used at {}; ids must be unique",
                        payout.id, first.source
                    ),
                    amount: Some(payout.amount),
                });
                continue;
            }
            payouts.push(payout);
        }
        payout_controls.extend(tables);
    }
    for rejected in &rejected_payouts {
        findings.push(rejected_row_finding(
            &rejected.location,
            &rejected.reason,
            rejected.amount,
        ));
    }

    // Route payouts to contracts.
    let by_id: HashMap<&str, usize> = plans
        .iter()
        .enumerate()
        .map(|(index, plan)| (plan.contract.id.as_str(), index))
        .collect();
    let mut per_contract: Vec<Vec<&Payout>> = vec![Vec::new(); plans.len()];
    let mut invoice_numbers: HashMap<String, Vec<String>> = HashMap::new();
    for payout in &payouts {
        if let Some(number) = &payout.invoice.number {
            invoice_numbers
                .entry(number.clone())
                .or_default()
                .push(payout.id.clone());
        }
        let Some(&contract_index) = by_id.get(payout.contract_id.as_str()) else {
            let mut finding = Finding::new(
                FindingType::UnmatchedPayout,
                &format!("{}|{}", payout.contract_id, payout.id),
                format!(
                    "Payout {} of {} on {} names contract {}, which is not in the contract workbook.",
                    payout.id,
                    format_money_grouped(payout.amount),
                    payout.paid_on,
                    payout.contract_id
                ),
            );
            finding.payout_id = Some(payout.id.clone());
            finding.reason = Some("contract".into());
            finding.paid = Some(payout.amount);
            finding.paid_on = Some(payout.paid_on);
            finding.evidence.location = Some(payout.source.clone());
            finding
                .evidence
                .facts
                .push(("contract_id".into(), payout.contract_id.clone()));
            findings.push(finding);
            continue;
        };
        let contract = &plans[contract_index].contract;
        let currency = payout.currency.as_deref().unwrap_or(&contract.currency);
        if currency != contract.currency {
            let mut finding = Finding::new(
                FindingType::CurrencyMismatch,
                &format!("{}|payout|{}", contract.id, payout.id),
                format!(
                    "Payout {} of {} {currency} is not in contract {}'s currency {}; it was not matched to any installment.",
                    payout.id,
                    format_money_grouped(payout.amount),
                    contract.id,
                    contract.currency
                ),
            );
            finding.contract_id = Some(contract.id.clone());
            finding.payout_id = Some(payout.id.clone());
            finding.reason = Some("payout".into());
            finding.paid = Some(payout.amount);
            finding.paid_on = Some(payout.paid_on);
            finding.evidence.location = Some(payout.source.clone());
            finding.evidence.facts = vec![
                ("expected".into(), contract.currency.clone()),
                ("found".into(), currency.to_string()),
            ];
            findings.push(finding);
            continue;
        }
        per_contract[contract_index].push(payout);
    }

    // Compute and reconcile, one contract per task.
    let outcomes: Vec<Result<(ContractResult, crate::reconcile::ContractOutcome), PipelineError>> = {
        let _span = tracing::info_span!("compute and reconcile", contracts = plans.len()).entered();
        plans
            .par_iter()
            .enumerate()
            .map(|(contract_index, plan)| {
                let contract = &plan.contract;
                let ruleset = rulesets
                    .get(&contract.ruleset)
                    .unwrap_or_else(|| rulesets.default_for_provider(&contract.provider));
                let overflow = |Overflow| PipelineError::Overflow(contract.id.clone());
                let buckets = &merged.buckets[contract_index];
                let weighted: Vec<Decimal> =
                    buckets.iter().map(|bucket| bucket.weighted_base).collect();
                let rebates = rebate::period_rebates(
                    contract,
                    &plan.periods,
                    &plan.segments,
                    &weighted,
                    ruleset.rounding,
                )
                .map_err(overflow)?;
                let shares = plan
                    .periods
                    .iter()
                    .zip(&rebates)
                    .map(|(period, rebate)| {
                        installments::split(
                            contract,
                            period.range.last,
                            rebate.expected,
                            rebate.weighted_base,
                            ruleset.rounding,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(overflow)?;
                let computation = ContractComputation {
                    periods: plan.periods.clone(),
                    rebates,
                    shares,
                };
                // Evidence is per settlement period: its segments' sources together.
                let mut period_buckets = vec![Bucket::default(); plan.periods.len()];
                for (segment, bucket) in plan.segments.iter().zip(buckets) {
                    period_buckets[segment.period]
                        .absorb(bucket.clone(), 0)
                        .map_err(overflow)?;
                }
                let source_rows: Vec<Vec<SourceRows>> = period_buckets
                    .iter()
                    .map(|bucket| merged.source_rows(bucket))
                    .collect();
                let outcome = reconcile_contract(&ContractInput {
                    contract,
                    ruleset,
                    computation: &computation,
                    source_rows: &source_rows,
                    payouts: &per_contract[contract_index],
                    invoice_numbers: &invoice_numbers,
                    as_of: config.as_of,
                })
                .map_err(overflow)?;
                Ok((
                    ContractResult {
                        contract: contract.clone(),
                        ruleset: ruleset.name.clone(),
                        computation,
                        source_rows,
                    },
                    outcome,
                ))
            })
            .collect()
    };
    let mut contract_results = Vec::with_capacity(outcomes.len());
    let mut installments = Vec::new();
    for outcome in outcomes {
        let (result, outcome) = outcome?;
        contract_results.push(result);
        installments.extend(outcome.installments);
        findings.extend(outcome.findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    inputs.sort_by_key(|input| input.role);
    Ok(Audit {
        as_of: config.as_of,
        rulesets: rulesets
            .names()
            .filter_map(|name| rulesets.get(name))
            .map(|ruleset| (ruleset.name.clone(), ruleset.origin.clone()))
            .collect(),
        inputs,
        billing_controls: merged.tables,
        payout_controls,
        contracts: contract_results,
        installments,
        findings,
    })
}

fn input_file(
    role: InputRole,
    path: &Path,
    digest: &Result<FileDigest, table::TableError>,
    rows: u64,
) -> InputFile {
    let (sha256, bytes, encoding, hidden_sheets) = match digest {
        Ok(digest) => (
            Some(digest.sha256.clone()),
            digest.bytes,
            digest.encoding,
            digest.hidden_sheets.clone(),
        ),
        Err(_) => (
            None,
            std::fs::metadata(path).map_or(0, |metadata| metadata.len()),
            None,
            Vec::new(),
        ),
    };
    InputFile {
        role,
        path: path.display().to_string(),
        sha256,
        bytes,
        encoding,
        rows,
        hidden_sheets,
    }
}

fn unreadable_file(path: &Path, error: &table::TableError) -> Finding {
    let location = Location::file(shown(path));
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &format!("{location}|file"),
        format!("The file could not be read: {error}"),
    );
    finding.reason = Some("file".into());
    finding.evidence.location = Some(location);
    finding
}

/// Hidden sheets are not read — data a person cannot see in Excel should not move money
/// unseen — but each is reported, so nothing in an input goes unmentioned.
fn hidden_sheet_findings(
    path: &Path,
    digest: &Result<FileDigest, table::TableError>,
) -> Vec<Finding> {
    let Ok(digest) = digest else {
        return Vec::new();
    };
    digest
        .hidden_sheets
        .iter()
        .map(|sheet| {
            let location = Location::sheet(shown(path), Some(Arc::from(sheet.as_str())));
            let mut finding = Finding::new(
                FindingType::RejectedRow,
                &format!("{location}|hidden"),
                format!("{location}: the sheet is hidden, so its rows were not read; unhide it if it holds data for the audit."),
            );
            finding.reason = Some("hidden_sheet".into());
            finding.evidence.location = Some(location);
            finding
        })
        .collect()
}

/// `1 line`, `2 lines`.
fn count(number: u64, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

fn empty_file(path: &Path) -> Finding {
    let location = Location::file(shown(path));
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &format!("{location}|empty"),
        format!(
            "{location}: the file holds no table (it is empty or every sheet is blank); an export with no header row is not what was asked for."
        ),
    );
    finding.reason = Some("empty".into());
    finding.evidence.location = Some(location);
    finding
}

fn rejected_row_finding(location: &Location, reason: &str, amount: Option<Decimal>) -> Finding {
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &location.to_string(),
        format!("{location}: {reason}"),
    );
    finding.reason = Some("row".into());
    finding.paid = None;
    finding.evidence.location = Some(location.clone());
    if let Some(amount) = amount {
        finding
            .evidence
            .facts
            .push(("net_amount".into(), format_money(amount)));
    }
    finding
}

/// Billing ledgers of all files merged: tables numbered globally.
/// Lines of one kind with the tables they came from (global table numbers).
type TalliedTables = (Tally, Vec<usize>);

struct MergedBilling {
    tables: Vec<TableControl>,
    /// Per contract, per segment.
    buckets: Vec<Vec<Bucket>>,
    /// Per (account, month, currency).
    uncovered: BTreeMap<(String, YearMonth, String), TalliedTables>,
    /// Per (contract, account, month, currency).
    currency_mismatches: BTreeMap<(usize, String, YearMonth, String), TalliedTables>,
    overlaps: BTreeMap<(String, usize, usize), (Tally, NaiveDate, NaiveDate)>,
    unknown_products: BTreeMap<(usize, String), Tally>,
    rejections: Vec<crate::attribute::Rejection>,
    rejections_not_kept: Vec<(String, u64)>,
}

impl MergedBilling {
    fn new(plans: &[ContractPlan]) -> Self {
        MergedBilling {
            tables: Vec::new(),
            buckets: plans
                .iter()
                .map(|plan| vec![Bucket::default(); plan.segments.len()])
                .collect(),
            uncovered: BTreeMap::new(),
            currency_mismatches: BTreeMap::new(),
            overlaps: BTreeMap::new(),
            unknown_products: BTreeMap::new(),
            rejections: Vec::new(),
            rejections_not_kept: Vec::new(),
        }
    }

    fn absorb(&mut self, ledger: FileLedger) -> Result<(), Overflow> {
        let offset = self.tables.len();
        let file = ledger
            .tables
            .first()
            .map(|table| table.table.file.to_string())
            .unwrap_or_default();
        // Sorted so the merge order (and with it every row-range list) is fixed.
        let mut buckets: Vec<_> = ledger.buckets.into_iter().collect();
        buckets.sort_by_key(|(key, _)| *key);
        for ((contract, period), bucket) in buckets {
            self.buckets[contract][period].absorb(bucket, offset)?;
        }
        let first_table = offset;
        for (key, tally) in ledger.uncovered {
            let entry = self.uncovered.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        for (key, tally) in ledger.currency_mismatches {
            let entry = self.currency_mismatches.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        for (key, (tally, first, last)) in ledger.overlaps {
            let entry = self
                .overlaps
                .entry(key)
                .or_insert((Tally::default(), first, last));
            entry.0.merge(&tally)?;
            entry.1 = entry.1.min(first);
            entry.2 = entry.2.max(last);
        }
        for (key, tally) in ledger.unknown_products {
            self.unknown_products
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        self.rejections.extend(ledger.rejections);
        if ledger.rejections_not_kept > 0 {
            self.rejections_not_kept
                .push((file, ledger.rejections_not_kept));
        }
        self.tables.extend(ledger.tables);
        Ok(())
    }

    fn source_rows(&self, bucket: &Bucket) -> Vec<SourceRows> {
        bucket
            .sources
            .iter()
            .flat_map(|(table, products)| {
                products
                    .iter()
                    .map(move |(product, group)| (table, product, group))
            })
            .map(|(table, product, group)| SourceRows {
                table: self.tables.get(*table).map_or_else(
                    || Location::file("?".into()),
                    |control| control.table.clone(),
                ),
                product: product.clone(),
                coefficient: group.coefficient,
                rows: group.base.rows,
                row_ranges: group.rows.to_string(),
                base: group.base.amount,
                weighted_base: group.weighted_base,
            })
            .collect()
    }

    fn files_of(&self, tables: &[usize]) -> String {
        let mut files: Vec<String> = tables
            .iter()
            .filter_map(|table| self.tables.get(*table))
            .map(|control| control.table.file.to_string())
            .collect();
        files.dedup();
        files.join(", ")
    }

    fn data_quality_findings(&self, plans: &[ContractPlan]) -> Vec<Finding> {
        let mut findings = Vec::new();
        for rejection in &self.rejections {
            findings.push(rejected_row_finding(
                &rejection.location,
                &rejection.reason,
                rejection.amount,
            ));
        }
        for (file, count) in &self.rejections_not_kept {
            let location = Location::file(Arc::from(file.as_str()));
            let mut finding = Finding::new(
                FindingType::RejectedRow,
                &format!("{file}|more"),
                format!(
                    "{file}: {count} more rows were rejected; only the first {} are listed one by one (the control totals count them all).",
                    crate::attribute::MAX_REJECTIONS_PER_FILE
                ),
            );
            finding.reason = Some("row".into());
            finding.evidence.location = Some(location);
            findings.push(finding);
        }
        for ((account, month, currency), (tally, tables)) in &self.uncovered {
            let mut finding = Finding::new(
                FindingType::UncoveredBilling,
                &format!("{account}|{month}|{currency}"),
                format!(
                    "Account {account} spent {} {currency} in {month} ({}) but no contract covers it then; no rebate is claimed on it.",
                    format_money_grouped(tally.amount),
                    count(tally.rows, "line")
                ),
            );
            finding.amount = Some(tally.amount);
            finding.evidence.facts = vec![
                ("account_id".into(), account.clone()),
                ("billing_month".into(), month.to_string()),
                ("currency".into(), currency.clone()),
                ("rows".into(), tally.rows.to_string()),
                ("net_amount".into(), format_money(tally.amount)),
                ("files".into(), self.files_of(tables)),
            ];
            findings.push(finding);
        }
        for ((contract, account, month, currency), (tally, tables)) in &self.currency_mismatches {
            let contract = &plans[*contract].contract;
            let mut finding = Finding::new(
                FindingType::CurrencyMismatch,
                &format!("{}|billing|{account}|{month}|{currency}", contract.id),
                format!(
                    "Account {account} billed {} {currency} in {month} ({}), but contract {} is in {}; these lines were left out of the rebate base.",
                    format_money_grouped(tally.amount),
                    count(tally.rows, "line"),
                    contract.id,
                    contract.currency
                ),
            );
            finding.contract_id = Some(contract.id.clone());
            finding.reason = Some("billing".into());
            finding.amount = Some(tally.amount);
            finding.evidence.facts = vec![
                ("expected".into(), contract.currency.clone()),
                ("found".into(), currency.clone()),
                ("account_id".into(), account.clone()),
                ("billing_month".into(), month.to_string()),
                ("rows".into(), tally.rows.to_string()),
                ("net_amount".into(), format_money(tally.amount)),
                ("files".into(), self.files_of(tables)),
            ];
            findings.push(finding);
        }
        for ((account, chosen, other), (tally, first, last)) in &self.overlaps {
            let (chosen, other) = (&plans[*chosen].contract, &plans[*other].contract);
            let mut finding = Finding::new(
                FindingType::OverlappingContracts,
                &format!("{account}|{}|{}", chosen.id, other.id),
                format!(
                    "Account {account} is covered by both {} and {} from {first} to {last} ({}, {}); the lines went to {} (earliest start, then lowest id).",
                    chosen.id,
                    other.id,
                    count(tally.rows, "line"),
                    format_money_grouped(tally.amount),
                    chosen.id
                ),
            );
            finding.contract_id = Some(chosen.id.clone());
            finding.amount = Some(tally.amount);
            finding.evidence.facts = vec![
                ("account_id".into(), account.clone()),
                ("attributed_to".into(), chosen.id.clone()),
                ("also_covered_by".into(), other.id.clone()),
                ("first_date".into(), first.to_string()),
                ("last_date".into(), last.to_string()),
                ("rows".into(), tally.rows.to_string()),
                ("net_amount".into(), format_money(tally.amount)),
            ];
            findings.push(finding);
        }
        for ((contract, product), tally) in &self.unknown_products {
            let contract = &plans[*contract].contract;
            let mut finding = Finding::new(
                FindingType::UnknownProduct,
                &format!("{}|{product}", contract.id),
                format!(
                    "Product `{product}` ({}, {}) matched no product alias of ruleset {} and is not in contract {}'s products sheet; it was weighted at coefficient 1.",
                    count(tally.rows, "line"),
                    format_money_grouped(tally.amount),
                    contract.ruleset,
                    contract.id
                ),
            );
            finding.contract_id = Some(contract.id.clone());
            finding.amount = Some(tally.amount);
            finding.evidence.facts = vec![
                ("product".into(), product.clone()),
                ("coefficient".into(), "1".into()),
                ("rows".into(), tally.rows.to_string()),
                ("net_amount".into(), format_money(tally.amount)),
            ];
            findings.push(finding);
        }
        findings
    }
}
