//! The audit pipeline: ingest → attribute → compute → reconcile, composed in one function.
//! Parallelism lives only here (rayon over billing files, ledgers and contracts); every
//! merge happens in input order, and findings are sorted by a stable key, so the result
//! is the same whatever the thread count.

use crate::app::config::Config;
use crate::app::progress::Progress;
use crate::attribute::{
    Attributor, BillingTotals, Bucket, ContractIndex, ContractPlan, FileLedger,
};
use crate::compute::{installments, rebate};
use crate::domain::audit::{Audit, ContractResult, InputFile, InputRole};
use crate::domain::computation::ContractComputation;
use crate::domain::contract::Contract;
use crate::domain::finding::{Finding, SourceRows};
use crate::domain::money::Overflow;
use crate::domain::payout::Payout;
use crate::ingest::billing::BillingReader;
use crate::ingest::contracts::{self, ContractErrors};
use crate::ingest::payouts::{LedgerReader, Ledgers};
use crate::ingest::split;
use crate::ingest::table::{self, FileDigest};
use crate::reconcile::quality::{self, shown};
use crate::reconcile::{ContractInput, ContractOutcome, reconcile_contract, route};
use crate::ruleset::{Ruleset, RulesetError, Rulesets};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;

/// Why an audit could not run.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A ruleset is invalid.
    #[error(transparent)]
    Ruleset(#[from] RulesetError),
    /// The contract workbook is unusable.
    #[error(transparent)]
    Contracts(#[from] ContractErrors),
    /// `--format` names no billing format.
    #[error(
        "--format {name}: no ruleset with a billing format has this name; the formats are: {known}"
    )]
    UnknownFormat {
        /// The name given.
        name: String,
        /// The names that exist.
        known: String,
    },
    /// A computation overflowed.
    #[error("contract {0}: amounts are out of range (more than 28 significant digits)")]
    Overflow(String),
    /// SIGTERM or SIGINT arrived ([`crate::store::interrupted`]).
    #[error("interrupted")]
    Interrupted,
}

/// A `rejected_row` finding (reason `duplicate_file`) for a billing file whose bytes are
/// those of an earlier one: its rows are not counted twice.
fn duplicate_file(path: &Path, first: &Path, lang: crate::domain::lang::Lang) -> Finding {
    let location = crate::domain::location::Location::file(shown(path));
    let detail = match lang {
        crate::domain::lang::Lang::En => format!(
            "{location}: the file is byte for byte the same as {} (same SHA-256); its rows were counted once, not twice",
            shown(first)
        ),
        crate::domain::lang::Lang::Zh => format!(
            "{location}：该文件与 {} 完全相同（SHA-256 相同）；其中的行只计算一次，未重复计算",
            shown(first)
        ),
    };
    let subject = quality::subject(&location);
    let fact = crate::domain::finding::Fact {
        subject: Some(&subject),
        reason: Some("duplicate_file"),
        ..Default::default()
    };
    let mut finding = Finding::new(
        crate::domain::finding::FindingType::RejectedRow,
        fact,
        detail,
    );
    finding.evidence.location = Some(location);
    finding
}

/// The check between stages: `Err` once SIGTERM or SIGINT has arrived.
fn stop_if_interrupted() -> Result<(), PipelineError> {
    if crate::store::interrupted() {
        Err(PipelineError::Interrupted)
    } else {
        Ok(())
    }
}

/// Runs the audit described by `config`.
///
/// # Errors
/// When a ruleset or the contract workbook cannot be used, or amounts overflow.
pub fn audit(config: &Config) -> Result<Audit, PipelineError> {
    audit_with_progress(config, &Progress::hidden())
}

/// [`audit`], reporting the billing pass's progress.
///
/// # Errors
/// As [`audit`].
pub fn audit_with_progress(config: &Config, progress: &Progress) -> Result<Audit, PipelineError> {
    let started = std::time::Instant::now();
    let rulesets = {
        let _span = tracing::info_span!("load rulesets").entered();
        Rulesets::load(config.rulesets.as_deref())?
    };
    tracing::info!(
        stage = "load rulesets",
        rulesets = rulesets.names().count(),
        elapsed_ms = elapsed_ms(started),
        "stage finished"
    );
    let started = std::time::Instant::now();
    let book = {
        let _span = tracing::info_span!("load contracts").entered();
        contracts::load(&config.contracts, &rulesets, &config.limits)?
    };
    tracing::info!(
        stage = "load contracts",
        files = book.files.len(),
        rows = book.files.iter().map(|file| file.rows).sum::<u64>(),
        contracts = book.contracts.len(),
        elapsed_ms = elapsed_ms(started),
        "stage finished"
    );
    let started = std::time::Instant::now();
    let mut inputs: Vec<InputFile> = book
        .files
        .iter()
        .map(|file| InputFile {
            role: InputRole::Contracts,
            path: file.path.clone(),
            sha256: Some(file.sha256.clone()),
            bytes: file.bytes,
            encoding: None,
            rows: file.rows,
            hidden_sheets: Vec::new(),
            formats: Vec::new(),
        })
        .collect();
    stop_if_interrupted()?;
    let layouts = billing_layouts(&rulesets, config.format.as_deref())?;
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut findings = Vec::new();

    // Billing: one ledger per file, in parallel, merged in file order.
    let ledgers: Vec<(Result<FileDigest, table::TableError>, FileLedger)> = {
        let _span = tracing::info_span!("read billing", files = config.billing.len()).entered();
        progress.set_total(
            config
                .billing
                .iter()
                .filter_map(|path| std::fs::metadata(path).ok())
                .map(|metadata| metadata.len())
                .sum(),
        );
        let ledgers: Result<Vec<_>, Overflow> = config
            .billing
            .par_iter()
            .map(|path| read_billing_file(path, &layouts, &index, &config.limits, progress))
            .collect();
        progress.finish();
        ledgers.map_err(|Overflow| PipelineError::Overflow("(billing totals)".into()))?
    };
    let mut billing = BillingTotals::new(&plans);
    let mut first_copy: HashMap<String, &Path> = HashMap::new();
    for (path, (digest, ledger)) in config.billing.iter().zip(ledgers) {
        let rows = ledger.tables.iter().map(|table| table.read.rows).sum();
        let mut input = input_file(InputRole::Billing, path, &digest, rows);
        for table in &ledger.tables {
            if let Some(format) = &table.layout
                && !input.formats.contains(format)
            {
                input.formats.push(format.clone());
            }
        }
        inputs.push(input);
        findings.extend(quality::file_findings(
            path,
            &digest,
            !ledger.tables.is_empty(),
            config.lang,
        ));
        // A second copy of a bill already read (same SHA-256, under another name) is
        // reported and not counted again.
        if let Ok(digest) = &digest
            && rows > 0
        {
            if let Some(first) = first_copy.get(&digest.sha256) {
                findings.push(duplicate_file(path, first, config.lang));
                continue;
            }
            first_copy.insert(digest.sha256.clone(), path);
        }
        billing
            .absorb(ledger)
            .map_err(|Overflow| PipelineError::Overflow("(billing totals)".into()))?;
    }
    stop_if_interrupted()?;
    findings.extend(quality::billing_findings(&billing, &plans, config.lang));
    tracing::info!(
        stage = "read billing",
        files = config.billing.len(),
        tables = billing.tables.len(),
        rows = billing
            .tables
            .iter()
            .map(|table| table.read.rows)
            .sum::<u64>(),
        elapsed_ms = elapsed_ms(started),
        "stage finished"
    );
    let started = std::time::Instant::now();

    // Payout ledgers, in parallel, merged in file order.
    let readers: Vec<(Result<FileDigest, table::TableError>, LedgerReader)> = {
        let _span = tracing::info_span!("read payouts", files = config.payouts.len()).entered();
        config
            .payouts
            .par_iter()
            .map(|path| {
                let mut reader = LedgerReader::default();
                let digest = table::read_file(path, shown(path), &mut reader, &config.limits);
                (digest, reader)
            })
            .collect()
    };
    let mut ledgers = Ledgers::default();
    let mut payout_ids = HashMap::new();
    for (path, (digest, reader)) in config.payouts.iter().zip(readers) {
        let rows = reader.tables.iter().map(|table| table.rows).sum();
        inputs.push(input_file(InputRole::Payouts, path, &digest, rows));
        findings.extend(quality::file_findings(
            path,
            &digest,
            reader.saw_header(),
            config.lang,
        ));
        ledgers.absorb(reader, &mut payout_ids);
    }
    for rejected in &ledgers.rejected {
        findings.push(quality::rejected_row_finding(
            &rejected.location,
            &rejected.reason,
            rejected.amount,
            config.lang,
        ));
    }
    tracing::info!(
        stage = "read payouts",
        files = config.payouts.len(),
        rows = ledgers.tables.iter().map(|table| table.rows).sum::<u64>(),
        payouts = ledgers.payouts.len(),
        elapsed_ms = elapsed_ms(started),
        "stage finished"
    );
    let started = std::time::Instant::now();
    stop_if_interrupted()?;
    let contracts: Vec<&Contract> = plans.iter().map(|plan| &plan.contract).collect();
    let routed = route::route(&contracts, &ledgers.payouts, config.lang);
    findings.extend(routed.findings);
    let (per_contract, invoice_numbers) = (routed.per_contract, routed.invoice_numbers);

    // Compute and reconcile, one contract per task.
    let outcomes: Vec<Result<(ContractResult, ContractOutcome), PipelineError>> = {
        let _span = tracing::info_span!("compute and reconcile", contracts = plans.len()).entered();
        plans
            .par_iter()
            .enumerate()
            .map(|(contract_index, plan)| {
                let ruleset = rulesets
                    .get(&plan.contract.ruleset)
                    .unwrap_or_else(|| rulesets.default_for_provider(&plan.contract.provider));
                audit_contract(
                    plan,
                    ruleset,
                    &billing,
                    &billing.buckets[contract_index],
                    &per_contract[contract_index],
                    &invoice_numbers,
                    config,
                )
            })
            .collect()
    };
    let mut contract_results = Vec::with_capacity(outcomes.len());
    let mut installments = Vec::new();
    for outcome in outcomes {
        let (mut result, outcome) = outcome?;
        let first = installments.len();
        installments.extend(outcome.installments);
        result.installments = first..installments.len();
        contract_results.push(result);
        findings.extend(outcome.findings);
    }
    stop_if_interrupted()?;
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::domain::finding::make_ids_unique(&mut findings);
    inputs.sort_by_key(|input| input.role);
    tracing::info!(
        stage = "compute and reconcile",
        contracts = contract_results.len(),
        installments = installments.len(),
        findings = findings.len(),
        elapsed_ms = elapsed_ms(started),
        "stage finished"
    );
    Ok(Audit {
        as_of: config.as_of,
        rulesets: rulesets
            .names()
            .filter_map(|name| rulesets.get(name))
            .map(|ruleset| {
                (
                    ruleset.name.clone(),
                    ruleset.origin.clone(),
                    ruleset.sha256.clone(),
                )
            })
            .collect(),
        inputs,
        billing_controls: billing.tables,
        payout_controls: ledgers.tables,
        contracts: contract_results,
        installments,
        findings,
        payouts: ledgers.payouts,
        lang: config.lang,
        changes: None,
    })
}

/// Milliseconds since `started`, for the stage lines of the log.
pub fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Computes one contract's expectations from its billing segments and reconciles its
/// payouts: the sequential, pure work one rayon task does.
fn audit_contract(
    plan: &ContractPlan,
    ruleset: &Ruleset,
    billing: &BillingTotals,
    buckets: &[Bucket],
    payouts: &[&Payout],
    invoice_numbers: &HashMap<String, Vec<String>>,
    config: &Config,
) -> Result<(ContractResult, ContractOutcome), PipelineError> {
    let contract = &plan.contract;
    let overflow = |Overflow| PipelineError::Overflow(contract.id.clone());
    let weighted: Vec<Decimal> = buckets.iter().map(|bucket| bucket.weighted_base).collect();
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
        .map(|bucket| billing.source_rows(bucket))
        .collect();
    let outcome = reconcile_contract(&ContractInput {
        contract,
        ruleset,
        computation: &computation,
        source_rows: &source_rows,
        payouts,
        invoice_numbers,
        as_of: config.as_of,
        lang: config.lang,
        causes: Some(crate::reconcile::cause::CauseInput::new(
            plan,
            buckets,
            &computation.rebates,
            &computation.shares,
            ruleset.rounding,
            ruleset.tolerance,
        )),
    })
    .map_err(overflow)?;
    Ok((
        ContractResult {
            contract: contract.clone(),
            ruleset: ruleset.name.clone(),
            computation,
            source_rows,
            installments: 0..0,
        },
        outcome,
    ))
}

/// Reads one billing file into its ledger: a large UTF-8 CSV in parts on every core
/// (merged in file order, so the ledger is the one a single pass gives), anything else in
/// one pass.
fn read_billing_file(
    path: &Path,
    layouts: &[&Ruleset],
    index: &ContractIndex<'_>,
    limits: &table::Limits,
    progress: &Progress,
) -> Result<(Result<FileDigest, table::TableError>, FileLedger), Overflow> {
    let file = shown(path);
    if crate::store::interrupted() {
        let interrupted = table::TableError::Io {
            location: crate::domain::location::Location::file(file),
            source: std::io::Error::other("interrupted"),
        };
        return Ok((Err(interrupted), Attributor::new(index).finish()?));
    }
    let plan = match split::plan(path, file.clone()) {
        Ok(Some(plan)) => plan,
        Ok(None) => {
            let mut reader = BillingReader::new(layouts.to_vec(), Attributor::new(index));
            let digest = table::read_file(path, file, &mut reader, limits);
            progress.advance(std::fs::metadata(path).map_or(0, |metadata| metadata.len()));
            return Ok((digest, reader.into_sink().finish()?));
        }
        Err(error) => return Ok((Err(error), Attributor::new(index).finish()?)),
    };
    let part_size = |part: &split::CsvPart| part.end - part.start;
    let mut first = BillingReader::new(layouts.to_vec(), Attributor::new(index));
    if let Err(error) = split::read_part(path, file.clone(), &plan, 0, &mut first) {
        return Ok((Err(error), first.into_sink().finish()?));
    }
    progress.advance(part_size(&plan.parts[0]));
    let Some(position) = first.position() else {
        // The header is not settled after the first part (an odd file): read on in order.
        for part in 1..plan.parts.len() {
            if let Err(error) = split::read_part(path, file.clone(), &plan, part, &mut first) {
                return Ok((Err(error), first.into_sink().finish()?));
            }
            progress.advance(part_size(&plan.parts[part]));
        }
        return Ok((Ok(plan.digest), first.into_sink().finish()?));
    };
    let later: Vec<(Result<(), table::TableError>, Result<FileLedger, Overflow>)> =
        (1..plan.parts.len())
            .into_par_iter()
            .map(|part| {
                let mut reader = BillingReader::resume(&position, Attributor::new(index));
                if crate::store::interrupted() {
                    return (Ok(()), reader.into_sink().finish());
                }
                let read = split::read_part(path, file.clone(), &plan, part, &mut reader);
                progress.advance(part_size(&plan.parts[part]));
                (read, reader.into_sink().finish())
            })
            .collect();
    let mut ledger = first.into_sink().finish()?;
    let mut digest = Ok(plan.digest);
    for (read, part_ledger) in later {
        if let (Err(error), Ok(_)) = (read, &digest) {
            digest = Err(error);
        }
        ledger.append(part_ledger?)?;
    }
    Ok((digest, ledger))
}

/// The billing formats to try: every one, or only the one `--format` forces.
///
/// # Errors
/// When the forced name is not a ruleset with a billing format.
pub fn billing_layouts<'r>(
    rulesets: &'r Rulesets,
    forced: Option<&str>,
) -> Result<Vec<&'r Ruleset>, PipelineError> {
    match forced {
        None => Ok(rulesets.billing_layouts().collect()),
        Some(name) => match rulesets.get(name) {
            Some(ruleset) if ruleset.billing_format().is_some() => Ok(vec![ruleset]),
            _ => Err(PipelineError::UnknownFormat {
                name: name.to_string(),
                known: rulesets
                    .billing_layouts()
                    .map(|ruleset| ruleset.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        },
    }
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
        formats: Vec::new(),
    }
}
