//! The stages of an audit, each one call with a typed result, timed by its tracing span
//! (its log line is written when the span closes, with the counts recorded on it):
//!
//! load rulesets → load contracts → read billing → read payouts → compute → reconcile →
//! (compare baseline) → write reports → (evidence packs) → commit; and between read
//! billing and read payouts, check products (no span of its own: a check, not a pass).
//!
//! [`audit`] composes the first six into the [`Audit`] the reports are rendered from;
//! `run` and `explain` both use it. Parallelism lives here and in `billing.rs` (rayon over
//! billing files and parts, ledgers and contracts); every merge happens in input order and
//! findings are sorted by a stable key, so the result is the same whatever the thread
//! count.

use crate::app::billing::{self, BillingStage};
use crate::app::config::Config;
use crate::app::custody::input_file;
use crate::app::discover::Inputs;
use crate::app::services::{Services, StageError, UncalculatedFormulas};
use crate::attribute::{
    BillingTotals, Bucket, ContractPlan, billed_products, check_listed_products,
};
use crate::compute::{installments, rebate};
use crate::domain::audit::{Audit, ContractResult, InputFile, InputRole};
use crate::domain::computation::ContractComputation;
use crate::domain::finding::{Finding, SourceRows};
use crate::domain::money::Overflow;
use crate::domain::payout::Payout;
use crate::domain::statement::StatementRow;
use crate::ingest::contracts::{self, ContractBook, UnmatchedProduct};
use crate::ingest::payouts::{LedgerReader, Ledgers};
use crate::ingest::statements::{Layout, StatementReader, Statements};
use crate::ingest::table::{self, FileDigest, FormulaCells, Limits, ReadOptions};
use crate::reconcile::quality::{self, shown};
use crate::reconcile::{ContractInput, ContractOutcome, reconcile_contract, route, statement};
use crate::ruleset::{Ruleset, Rulesets};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::path::Path;
use tracing::field::Empty;

/// Load rulesets: the built-in ones and a user folder's.
///
/// # Errors
/// When a ruleset is invalid.
pub fn load_rulesets(folder: Option<&Path>) -> Result<Rulesets, StageError> {
    let span = tracing::info_span!("stage", stage = "load rulesets", rulesets = Empty).entered();
    let rulesets = Rulesets::load(folder)?;
    span.record("rulesets", rulesets.names().count());
    Ok(rulesets)
}

/// Load contracts: the contract workbook, every contract checked.
///
/// # Errors
/// When the workbook cannot be read or a contract is invalid.
pub fn load_contracts(
    path: &Path,
    rulesets: &Rulesets,
    limits: &Limits,
) -> Result<ContractBook, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "load contracts",
        files = Empty,
        rows = Empty,
        contracts = Empty
    )
    .entered();
    let book = contracts::load(path, rulesets, limits)?;
    span.record("files", book.files.len());
    span.record("rows", book.files.iter().map(|file| file.rows).sum::<u64>());
    span.record("contracts", book.contracts.len());
    Ok(book)
}

/// The billing formats to try: every one, or only the one `--format` forces.
///
/// # Errors
/// When the forced name is not a ruleset with a billing format.
pub fn billing_layouts<'r>(
    rulesets: &'r Rulesets,
    forced: Option<&str>,
) -> Result<Vec<&'r Ruleset>, StageError> {
    match forced {
        None => Ok(rulesets.billing_layouts().collect()),
        Some(name) => match rulesets.get(name) {
            Some(ruleset) if ruleset.billing_format().is_some() => Ok(vec![ruleset]),
            _ => Err(StageError::UnknownFormat {
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

/// Check products: every `products` row the contract workbook alone could not place (its
/// product is no name of the contract's ruleset) must name a product billed to the
/// contract — else it is a typo that would leave the product it meant unweighted, and the
/// run stops (exit 2) naming the cell and the closest names. Made once the bills are read,
/// before anything is computed from them.
///
/// # Errors
/// Every such row that names no billed product either.
pub fn check_products(
    unmatched: &[UnmatchedProduct],
    plans: &[ContractPlan],
    billing: &BillingTotals,
    rulesets: &Rulesets,
) -> Result<(), StageError> {
    if unmatched.is_empty() {
        return Ok(());
    }
    let billed = billed_products(plans, billing);
    check_listed_products(unmatched, &billed, rulesets)?;
    Ok(())
}

/// Read payouts: every ledger, in parallel, merged in file order.
#[derive(Debug)]
pub struct PayoutStage {
    /// The payouts and the ledgers' control counts.
    pub ledgers: Ledgers,
    /// The ledger files, for chain of custody.
    pub inputs: Vec<InputFile>,
    /// Unreadable files and rejected rows.
    pub findings: Vec<Finding>,
}

/// Read payouts. Ledgers are read as typed: a merged area's value in every cell of it,
/// and a formula cell without a computed value stops the run (it would read as blank).
///
/// # Errors
/// [`StageError::Formulas`]: every formula cell without a computed value, named;
/// [`StageError::Tables`]: a ledger table that comes close to a ledger but lacks a
/// required column.
pub fn read_payouts(
    files: &[std::path::PathBuf],
    services: Services<'_>,
) -> Result<PayoutStage, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "read payouts",
        files = files.len(),
        rows = Empty,
        payouts = Empty
    )
    .entered();
    let read: Vec<(Result<FileDigest, table::TableError>, LedgerReader, Vec<_>)> = files
        .par_iter()
        .map(|path| {
            let mut reader = LedgerReader::default();
            let mut watch = FormulaCells::new(&mut reader);
            let digest = table::read_file_with(
                path,
                shown(path),
                &mut watch,
                services.limits,
                ReadOptions::AS_TYPED,
            );
            let formulas = std::mem::take(&mut watch.found);
            (digest, reader, formulas)
        })
        .collect();
    let mut formulas = Vec::new();
    let mut readers = Vec::with_capacity(read.len());
    for (digest, reader, found) in read {
        formulas.extend(found);
        readers.push((digest, reader));
    }
    if !formulas.is_empty() {
        return Err(StageError::Formulas(UncalculatedFormulas(formulas)));
    }
    let mut stage = PayoutStage {
        ledgers: Ledgers::default(),
        inputs: Vec::new(),
        findings: Vec::new(),
    };
    let mut payout_ids = HashMap::new();
    for (path, (digest, reader)) in files.iter().zip(readers) {
        let rows = reader.tables.iter().map(|table| table.rows).sum();
        stage
            .inputs
            .push(input_file(InputRole::Payouts, path, &digest, rows));
        stage
            .findings
            .extend(quality::file_findings(path, &digest, reader.saw_header()));
        stage.ledgers.absorb(reader, &mut payout_ids);
    }
    for rejected in &stage.ledgers.rejected {
        stage.findings.push(quality::rejected_row_finding(
            &rejected.location,
            &rejected.reason,
            rejected.amount,
        ));
    }
    span.record(
        "rows",
        stage
            .ledgers
            .tables
            .iter()
            .map(|table| table.rows)
            .sum::<u64>(),
    );
    span.record("payouts", stage.ledgers.payouts.len());
    if !stage.ledgers.problems.is_empty() {
        return Err(crate::ingest::missing_columns::TableProblems {
            what: "payout ledgers",
            problems: std::mem::take(&mut stage.ledgers.problems),
        }
        .into());
    }
    Ok(stage)
}

/// Read statements: every agent statement, in parallel, merged in file order.
#[derive(Debug, Default)]
pub struct StatementStage {
    /// The rows and the statements' control counts.
    pub statements: Statements,
    /// The statement files, for chain of custody.
    pub inputs: Vec<InputFile>,
    /// Unreadable files and rejected rows.
    pub findings: Vec<Finding>,
}

/// Read statements, as typed like ledgers: the template's columns or a ruleset's
/// `[statement]` layout, recognised by the header.
///
/// # Errors
/// [`StageError::Formulas`]: every formula cell without a computed value, named;
/// [`StageError::Tables`]: a table with statement columns but not enough of them.
pub fn read_statements(
    files: &[std::path::PathBuf],
    rulesets: &Rulesets,
    services: Services<'_>,
) -> Result<StatementStage, StageError> {
    // No statements, no stage: a run without them logs what it always did.
    if files.is_empty() {
        return Ok(StatementStage::default());
    }
    let span = tracing::info_span!(
        "stage",
        stage = "read statements",
        files = files.len(),
        rows = Empty
    )
    .entered();
    let layouts = Layout::all(rulesets.statement_layouts());
    let read: Vec<(
        Result<FileDigest, table::TableError>,
        StatementReader,
        Vec<_>,
    )> = files
        .par_iter()
        .map(|path| {
            let mut reader = StatementReader::new(layouts.clone());
            let mut watch = FormulaCells::new(&mut reader);
            let digest = table::read_file_with(
                path,
                shown(path),
                &mut watch,
                services.limits,
                ReadOptions::AS_TYPED,
            );
            let formulas = std::mem::take(&mut watch.found);
            (digest, reader, formulas)
        })
        .collect();
    let mut stage = StatementStage::default();
    let mut formulas = Vec::new();
    for (path, (digest, reader, found)) in files.iter().zip(read) {
        formulas.extend(found);
        let rows = reader.tables.iter().map(|table| table.rows).sum();
        stage
            .inputs
            .push(input_file(InputRole::Statements, path, &digest, rows));
        stage
            .findings
            .extend(quality::file_findings(path, &digest, reader.saw_header()));
        stage.statements.absorb(reader);
    }
    if !formulas.is_empty() {
        return Err(StageError::Formulas(UncalculatedFormulas(formulas)));
    }
    for rejected in &stage.statements.rejected {
        stage.findings.push(quality::rejected_row_finding(
            &rejected.location,
            &rejected.reason,
            rejected.amount,
        ));
    }
    span.record("rows", stage.statements.rows.len());
    if !stage.statements.problems.is_empty() {
        return Err(crate::ingest::missing_columns::TableProblems {
            what: "agent statements",
            problems: std::mem::take(&mut stage.statements.problems),
        }
        .into());
    }
    Ok(stage)
}

/// Compare statements: every statement row placed on its contract and settlement period
/// and compared with the recomputation (docs/ARITHMETIC.md, "Agent statements").
///
/// # Errors
/// [`StageError::Tables`]: rows naming an unknown contract or account, another currency,
/// or dates in no single settlement period, each named by its cell; an overflow.
pub fn compare_statements(
    rulesets: &Rulesets,
    contracts: &[ContractResult],
    rows: &[StatementRow],
    payouts: &[Payout],
) -> Result<Vec<Finding>, StageError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let _span =
        tracing::info_span!("stage", stage = "compare statements", rows = rows.len()).entered();
    let list: Vec<&crate::domain::contract::Contract> =
        contracts.iter().map(|result| &result.contract).collect();
    let periods: Vec<&[crate::domain::settlement::SettlementPeriod]> = contracts
        .iter()
        .map(|result| result.computation.periods.as_slice())
        .collect();
    let placed = statement::place(&list, &periods, rows).map_err(|problems| {
        crate::ingest::missing_columns::TableProblems {
            what: "agent statements",
            problems,
        }
    })?;
    let routed = route::route(&list, payouts);
    let mut per_contract: Vec<Vec<(usize, &StatementRow)>> = vec![Vec::new(); contracts.len()];
    for one in placed {
        per_contract[one.contract].push((one.period, &rows[one.row]));
    }
    let mut findings = Vec::new();
    for (index, (result, rows)) in contracts.iter().zip(per_contract).enumerate() {
        if rows.is_empty() {
            continue;
        }
        let ruleset = rulesets
            .get(&result.ruleset)
            .unwrap_or_else(|| rulesets.default_for_provider(&result.contract.provider));
        let source_rows: Vec<&[SourceRows]> = result
            .periods
            .iter()
            .map(|period| period.source_rows.as_slice())
            .collect();
        findings.extend(statement::compare(&statement::StatementInput {
            contract: &result.contract,
            computation: &result.computation,
            periods: &result.periods,
            source_rows: &source_rows,
            rows,
            payouts: &routed.per_contract[index],
            tolerance: ruleset.tolerance,
        }));
    }
    Ok(findings)
}

/// One contract's computation: its periods' rebates and installments, and the billing
/// rows behind each period.
#[derive(Debug)]
pub struct Computed {
    /// Periods, rebates and installments.
    pub computation: ContractComputation,
    /// The billing rows behind each period.
    pub source_rows: Vec<Vec<SourceRows>>,
}

/// The ruleset a contract is audited under.
fn ruleset_of<'r>(rulesets: &'r Rulesets, plan: &ContractPlan) -> &'r Ruleset {
    rulesets
        .get(&plan.contract.ruleset)
        .unwrap_or_else(|| rulesets.default_for_provider(&plan.contract.provider))
}

/// Compute: every contract's expectations from its billing segments, one contract per
/// task.
///
/// # Errors
/// When a contract's amounts overflow.
pub fn compute(
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    billing: &BillingTotals,
) -> Result<Vec<Computed>, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "compute",
        contracts = plans.len(),
        periods = Empty
    )
    .entered();
    let computed: Vec<Computed> = plans
        .par_iter()
        .enumerate()
        .map(|(index, plan)| {
            compute_contract(
                plan,
                ruleset_of(rulesets, plan),
                billing,
                &billing.buckets[index],
            )
            .map_err(|Overflow| StageError::Overflow(plan.contract.id.clone()))
        })
        .collect::<Result<_, _>>()?;
    span.record(
        "periods",
        computed
            .iter()
            .map(|one| one.computation.periods.len())
            .sum::<usize>(),
    );
    Ok(computed)
}

fn compute_contract(
    plan: &ContractPlan,
    ruleset: &Ruleset,
    billing: &BillingTotals,
    buckets: &[Bucket],
) -> Result<Computed, Overflow> {
    let contract = &plan.contract;
    let weighted: Vec<Decimal> = buckets.iter().map(|bucket| bucket.weighted_base).collect();
    let rebates = rebate::period_rebates(
        contract,
        &plan.periods,
        &plan.segments,
        &weighted,
        ruleset.rounding,
    )?;
    let clawback = crate::compute::clawback::steps(contract.clawback, &rebates)?;
    let shares = plan
        .periods
        .iter()
        .zip(&rebates)
        .enumerate()
        .map(|(index, (period, rebate))| {
            installments::split(
                contract,
                period.range.last,
                crate::compute::clawback::payable(&clawback, index, rebate.expected),
                rebate.weighted_base,
                ruleset.rounding,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Evidence is per settlement period: its segments' sources together.
    let mut period_buckets = vec![Bucket::default(); plan.periods.len()];
    for (segment, bucket) in plan.segments.iter().zip(buckets) {
        period_buckets[segment.period].absorb(bucket.clone(), 0)?;
    }
    Ok(Computed {
        computation: ContractComputation {
            periods: plan.periods.clone(),
            rebates,
            shares,
            clawback,
        },
        source_rows: period_buckets
            .iter()
            .map(|bucket| billing.source_rows(bucket))
            .collect(),
    })
}

/// Reconcile: what the contracts' results, installments and findings are.
#[derive(Debug)]
pub struct Reconciled {
    /// Per contract, in id order.
    pub contracts: Vec<ContractResult>,
    /// Every installment, by contract, period and number.
    pub installments: Vec<crate::domain::installment::InstallmentRecord>,
    /// Every finding about the contracts, their installments and their payouts, and the
    /// payouts routed to no contract.
    pub findings: Vec<Finding>,
}

/// Reconcile: payouts routed to their contracts, then each contract's payouts matched to
/// its installments, one contract per task.
///
/// # Errors
/// When a contract's amounts overflow.
pub fn reconcile(
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    billing: &BillingTotals,
    computed: Vec<Computed>,
    payouts: &[Payout],
    config: &Config,
) -> Result<Reconciled, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "reconcile",
        contracts = plans.len(),
        installments = Empty,
        findings = Empty
    )
    .entered();
    let contracts: Vec<&crate::domain::contract::Contract> =
        plans.iter().map(|plan| &plan.contract).collect();
    let routed = route::route(&contracts, payouts);
    let outcomes: Vec<Result<(ContractResult, ContractOutcome), StageError>> = plans
        .par_iter()
        .zip(computed)
        .enumerate()
        .map(|(index, (plan, computed))| {
            let ruleset = ruleset_of(rulesets, plan);
            let Computed {
                computation,
                source_rows,
            } = computed;
            let outcome = reconcile_contract(
                &ContractInput {
                    contract: &plan.contract,
                    ruleset,
                    computation: &computation,
                    payouts: &routed.per_contract[index],
                    invoice_numbers: &routed.invoice_numbers,
                    as_of: config.as_of,
                    causes: Some(crate::reconcile::cause::CauseInput::new(
                        plan,
                        &billing.buckets[index],
                        &computation.rebates,
                        &computation.shares,
                        ruleset.rounding,
                        ruleset.tolerance,
                    )),
                },
                source_rows,
            )
            .map_err(|Overflow| StageError::Overflow(plan.contract.id.clone()))?;
            // The period trails (with their billing rows, moved into them) are kept once,
            // in the result.
            let mut outcome = outcome;
            let periods = std::mem::take(&mut outcome.periods);
            Ok((
                ContractResult {
                    contract: plan.contract.clone(),
                    ruleset: ruleset.name.clone(),
                    computation,
                    periods,
                    installments: 0..0,
                },
                outcome,
            ))
        })
        .collect();
    let mut reconciled = Reconciled {
        contracts: Vec::with_capacity(outcomes.len()),
        installments: Vec::new(),
        findings: routed.findings,
    };
    for outcome in outcomes {
        let (mut result, outcome) = outcome?;
        let first = reconciled.installments.len();
        reconciled.installments.extend(outcome.installments);
        result.installments = first..reconciled.installments.len();
        reconciled.contracts.push(result);
        reconciled.findings.extend(outcome.findings);
    }
    span.record("installments", reconciled.installments.len());
    span.record("findings", reconciled.findings.len());
    Ok(reconciled)
}

/// The audit of `inputs`: every stage from the rulesets to the reconciliation, and the
/// result assembled once, its findings in their stable report order.
///
/// # Errors
/// When a ruleset or the contract workbook cannot be used, amounts overflow, or the run
/// is interrupted.
pub fn audit(
    config: &Config,
    inputs: &Inputs,
    services: Services<'_>,
) -> Result<Audit, StageError> {
    let rulesets = load_rulesets(inputs.rulesets.as_deref())?;
    let book = load_contracts(&inputs.contracts, &rulesets, services.limits)?;
    services.cancel.check()?;
    let layouts = billing_layouts(&rulesets, config.format.as_deref())?;
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let BillingStage {
        totals: billing,
        inputs: billing_inputs,
        findings: billing_findings,
    } = match &config.aggregate {
        // The aggregate stands in for the bills: the same totals, summed by an engine.
        Some(folder) => crate::app::aggregate::read_aggregate(folder, &plans, &rulesets, services)?,
        None => billing::read_billing(&inputs.billing, &layouts, &plans, &rulesets, services)?,
    };
    services.cancel.check()?;
    check_products(&book.unmatched_products, &plans, &billing, &rulesets)?;
    let payouts = read_payouts(&inputs.payouts, services)?;
    services.cancel.check()?;
    let statements = read_statements(&inputs.statements, &rulesets, services)?;
    services.cancel.check()?;
    let computed = compute(&plans, &rulesets, &billing)?;
    let projections = crate::app::projections::project(&plans, &rulesets, &billing, config.as_of)?;
    let reconciled = reconcile(
        &plans,
        &rulesets,
        &billing,
        computed,
        &payouts.ledgers.payouts,
        config,
    )?;
    services.cancel.check()?;
    let statement_findings = compare_statements(
        &rulesets,
        &reconciled.contracts,
        &statements.statements.rows,
        &payouts.ledgers.payouts,
    )?;
    let mut findings = billing_findings;
    findings.extend(payouts.findings);
    findings.extend(statements.findings);
    findings.extend(reconciled.findings);
    findings.extend(statement_findings);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::domain::finding::make_ids_unique(&mut findings);
    let mut files: Vec<InputFile> = book
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
    files.extend(billing_inputs);
    files.extend(payouts.inputs);
    files.extend(statements.inputs);
    files.sort_by_key(|input| input.role);
    let accruals = accruals(
        &reconciled.contracts,
        &reconciled.installments,
        &payouts.ledgers.payouts,
        config.as_of,
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
        inputs: files,
        billing_controls: billing.tables,
        payout_controls: payouts.ledgers.tables,
        statement_controls: statements.statements.tables,
        contracts: reconciled.contracts,
        installments: reconciled.installments,
        findings,
        accruals,
        payouts: payouts.ledgers.payouts,
        changes: None,
        projections,
    })
}

/// Accruals: each contract's earned, received and open amounts as of the audit date
/// (docs/ARITHMETIC.md, "Accruals"); the movement is added once the baseline is read.
fn accruals(
    contracts: &[crate::domain::audit::ContractResult],
    installments: &[crate::domain::installment::InstallmentRecord],
    payouts: &[crate::domain::payout::Payout],
    as_of: chrono::NaiveDate,
) -> crate::domain::accrual::Accruals {
    crate::reconcile::accruals::accruals(contracts, installments, payouts, as_of)
}

/// Read the baseline: an earlier run's findings.json.
///
/// # Errors
/// When it cannot be read or is not a findings.json of this tool.
pub fn load_baseline(
    path: &Path,
) -> Result<crate::baseline::Baseline, crate::baseline::BaselineError> {
    let _span = tracing::info_span!("stage", stage = "load baseline").entered();
    crate::baseline::Baseline::load(path)
}

/// Compare baseline: this run's findings against the baseline's, by id.
pub fn compare_baseline(
    baseline: &crate::baseline::Baseline,
    findings: &[Finding],
) -> crate::domain::baseline::Changes {
    let span = tracing::info_span!(
        "stage",
        stage = "compare baseline",
        baseline = %baseline.path,
        findings = findings.len(),
        new = Empty,
        persisting = Empty,
        resolved = Empty
    )
    .entered();
    let changes = crate::baseline::compare(baseline, findings);
    let counts = changes.counts(findings);
    span.record("new", counts.new);
    span.record("persisting", counts.persisting);
    span.record("resolved", counts.resolved);
    changes
}
