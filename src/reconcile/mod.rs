//! Reconciliation: match each contract's payouts to its expected installments, judge
//! every installment, and check every cash payout's invoice (SPEC §4). One contract at a
//! time, with no shared state, so the pipeline can run contracts in parallel.

pub mod allocate;
pub mod evaluate;
pub mod invoice;
pub mod route;

use crate::compute::installments::InstallmentShare;
use crate::compute::periods::SettlementPeriod;
use crate::compute::rebate::PeriodRebate;
use crate::domain::contract::{Contract, PayoutKind, Trigger};
use crate::domain::finding::{Allocation, Computation, Evidence, Finding, FindingType, SourceRows};
use crate::domain::money::{Overflow, format_money_grouped as format_money, format_rate};
use crate::domain::payout::Payout;
use crate::ruleset::Ruleset;
use allocate::{Leftover, Slot};
use chrono::NaiveDate;
use evaluate::{Status, Terms};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// What the compute stage worked out for one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractComputation {
    /// Settlement periods.
    pub periods: Vec<SettlementPeriod>,
    /// Each period's rebate.
    pub rebates: Vec<PeriodRebate>,
    /// Each period's installments.
    pub shares: Vec<Vec<InstallmentShare>>,
}

/// Everything the reconciliation of one contract reads.
pub struct ContractInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its ruleset (tolerance, rounding, invoice window).
    pub ruleset: &'a Ruleset,
    /// Its computed expectations.
    pub computation: &'a ContractComputation,
    /// The billing rows behind each period's weighted base.
    pub source_rows: &'a [Vec<SourceRows>],
    /// Its payouts in its currency.
    pub payouts: &'a [&'a Payout],
    /// Invoice number → every payout id that carries it (all contracts).
    pub invoice_numbers: &'a HashMap<String, Vec<String>>,
    /// The audit date.
    pub as_of: NaiveDate,
}

/// One row of the report's `expected` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentRecord {
    /// Contract id.
    pub contract_id: String,
    /// Period first day.
    pub period_start: NaiveDate,
    /// Period last day.
    pub period_end: NaiveDate,
    /// Installment number.
    pub installment: u32,
    /// Its trigger.
    pub trigger: Trigger,
    /// The period's weighted base.
    pub weighted_base: Decimal,
    /// The expectation.
    pub expected: Decimal,
    /// Due date.
    pub due_on: Option<NaiveDate>,
    /// Total received.
    pub paid: Decimal,
    /// Its status.
    pub status: Status,
    /// The payouts allocated to it, in allocation order.
    pub allocations: Vec<Allocation>,
}

/// The result for one contract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractOutcome {
    /// Every installment.
    pub installments: Vec<InstallmentRecord>,
    /// Every finding about the contract, its installments and its payouts.
    pub findings: Vec<Finding>,
}

fn period_words(start: NaiveDate, end: NaiveDate) -> String {
    format!("{start} to {end}")
}

/// Reconciles one contract.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn reconcile_contract(input: &ContractInput<'_>) -> Result<ContractOutcome, Overflow> {
    let contract = input.contract;
    let computation = input.computation;
    let mut slots = Vec::new();
    for (index, (period, shares)) in computation
        .periods
        .iter()
        .zip(&computation.shares)
        .enumerate()
    {
        for share in shares {
            slots.push(Slot::new(
                index,
                (period.range.first, period.range.last),
                share.number,
                share.expected,
                share.due_on,
            ));
        }
    }
    let leftovers = allocate::allocate(&mut slots, input.payouts);
    let terms = Terms {
        as_of: input.as_of,
        tolerance: input.ruleset.tolerance,
        grace_days: contract.grace_days,
        late_interest: contract.late_interest,
        rounding: input.ruleset.rounding,
    };
    let mut outcome = ContractOutcome::default();
    let share_of = |slot: &Slot| {
        computation.shares[slot.period]
            .iter()
            .find(|share| share.number == slot.number)
            .expect("every slot comes from a share")
    };
    for slot in &slots {
        let share = share_of(slot);
        let rebate = &computation.rebates[slot.period];
        let verdict = evaluate::judge(slot, &terms)?;
        outcome.installments.push(InstallmentRecord {
            contract_id: contract.id.clone(),
            period_start: slot.period_start,
            period_end: slot.period_end,
            installment: slot.number,
            trigger: share.trigger,
            weighted_base: rebate.weighted_base,
            expected: slot.expected,
            due_on: slot.due_on,
            paid: verdict.paid,
            status: verdict.status,
            allocations: slot.allocations.clone(),
        });
        let finding_type = match verdict.status {
            Status::Overpaid => Some(FindingType::Overpaid),
            Status::Unpaid => Some(FindingType::Unpaid),
            Status::Underpaid => Some(FindingType::Underpaid),
            Status::Late => Some(FindingType::Late),
            _ => None,
        };
        // Built only for the installments that have a finding (most have none).
        let evidence = || Evidence {
            computation: Some(computation_evidence(contract, rebate, share)),
            source_rows: input.source_rows[slot.period].clone(),
            allocations: slot.allocations.clone(),
            ..Evidence::default()
        };
        let key = format!("{}|{}|{}", contract.id, slot.period_start, slot.number);
        let what = format!(
            "Installment {} of contract {} for {}",
            slot.number,
            contract.id,
            period_words(slot.period_start, slot.period_end)
        );
        if let Some(finding_type) = finding_type {
            let difference = crate::domain::money::sub(verdict.paid, slot.expected)?;
            let due = slot
                .due_on
                .map_or("not yet due".into(), |due_on| format!("due {due_on}"));
            let interest = verdict.interest.unwrap_or(Decimal::ZERO);
            let detail = match finding_type {
                FindingType::Overpaid => format!(
                    "{what} received {}, {} more than the {} expected.",
                    format_money(verdict.paid),
                    format_money(difference),
                    format_money(slot.expected)
                ),
                FindingType::Unpaid => format!(
                    "{what} expected {} ({due}) and received nothing as of {}: {} days past due, late interest {}.",
                    format_money(slot.expected),
                    input.as_of,
                    verdict.days_late.unwrap_or(0),
                    format_money(interest)
                ),
                FindingType::Underpaid => format!(
                    "{what} expected {} ({due}) but received {}, short {} as of {}: {} days past due, late interest {}.",
                    format_money(slot.expected),
                    format_money(verdict.paid),
                    format_money(-difference),
                    input.as_of,
                    verdict.days_late.unwrap_or(0),
                    format_money(interest)
                ),
                _ => format!(
                    "{what} ({} expected, {due}) was completed only on {}, {} days late; late interest {}.",
                    format_money(slot.expected),
                    verdict
                        .completed_on
                        .map_or("?".into(), |date| date.to_string()),
                    verdict.days_late.unwrap_or(0),
                    format_money(interest)
                ),
            };
            let mut finding =
                installment_finding(finding_type, &key, detail, contract, slot, &verdict)?;
            finding.paid_on = match finding_type {
                FindingType::Late => verdict.completed_on,
                _ => slot
                    .allocations
                    .iter()
                    .map(|allocation| allocation.paid_on)
                    .max(),
            };
            finding.days_late = verdict.days_late;
            finding.interest = match finding_type {
                FindingType::Overpaid => None,
                _ => Some(interest),
            };
            finding.evidence = evidence();
            outcome.findings.push(finding);
        }
        if slot.expected < Decimal::ZERO {
            let detail = format!(
                "{what} is negative ({}): refunds brought the rebate earned below what earlier periods earned, so {} may be owed back to the agent.",
                format_money(slot.expected),
                format_money(-slot.expected)
            );
            let mut finding = installment_finding(
                FindingType::Clawback,
                &key,
                detail,
                contract,
                slot,
                &verdict,
            )?;
            finding.evidence = evidence();
            outcome.findings.push(finding);
        }
    }
    for (payout, leftover) in leftovers {
        outcome
            .findings
            .push(leftover_finding(contract, payout, &leftover));
    }
    for payout in input.payouts {
        let kind = payout.kind.unwrap_or(contract.payout_kind);
        if kind != PayoutKind::Cash {
            continue;
        }
        let others: Vec<&str> = payout
            .invoice
            .number
            .as_ref()
            .and_then(|number| input.invoice_numbers.get(number))
            .map(|ids| {
                ids.iter()
                    .map(String::as_str)
                    .filter(|id| *id != payout.id)
                    .collect()
            })
            .unwrap_or_default();
        for problem in invoice::check(
            payout,
            contract,
            input.ruleset.tolerance,
            input.ruleset.invoice_window_days,
            &others,
        ) {
            let key = format!("{}|{}|{}", contract.id, payout.id, problem.reason);
            let mut finding = Finding::new(FindingType::MisInvoiced, &key, problem.detail);
            finding.contract_id = Some(contract.id.clone());
            finding.payout_id = Some(payout.id.clone());
            finding.reason = Some(problem.reason.to_string());
            finding.paid = Some(payout.amount);
            finding.paid_on = Some(payout.paid_on);
            finding.evidence = Evidence {
                location: Some(payout.source.clone()),
                facts: vec![
                    ("expected".into(), problem.expected),
                    ("found".into(), problem.found),
                ],
                ..Evidence::default()
            };
            outcome.findings.push(finding);
        }
    }
    Ok(outcome)
}

/// A finding about one installment, with the fields every such finding carries.
fn installment_finding(
    finding_type: FindingType,
    key: &str,
    detail: String,
    contract: &Contract,
    slot: &Slot,
    verdict: &evaluate::Verdict,
) -> Result<Finding, Overflow> {
    let mut finding = Finding::new(finding_type, key, detail);
    finding.contract_id = Some(contract.id.clone());
    finding.period_start = Some(slot.period_start);
    finding.period_end = Some(slot.period_end);
    finding.installment = Some(slot.number);
    finding.expected = Some(slot.expected);
    finding.paid = Some(verdict.paid);
    finding.difference = Some(crate::domain::money::sub(verdict.paid, slot.expected)?);
    finding.due_on = slot.due_on;
    Ok(finding)
}

fn leftover_finding(contract: &Contract, payout: &Payout, leftover: &Leftover) -> Finding {
    let (finding_type, reason, detail) = match leftover {
        Leftover::UnknownPeriod(reference) => (
            FindingType::UnmatchedPayout,
            Some("period"),
            format!(
                "Payout {} of {} names period {reference}, which is not a settlement period of contract {} ({} to {}).",
                payout.id,
                format_money(payout.amount),
                contract.id,
                contract.start,
                contract.end
            ),
        ),
        Leftover::UnknownInstallment(number) => (
            FindingType::UnmatchedPayout,
            Some("installment"),
            format!(
                "Payout {} of {} names installment {number}, which the period it pays does not have (contract {} has installments 1 to {}).",
                payout.id,
                format_money(payout.amount),
                contract.id,
                contract.schedule.len()
            ),
        ),
        Leftover::Overpaid(amount) => (
            FindingType::Overpaid,
            None,
            format!(
                "Payout {} of {} on {} found no open installment on contract {}: {} is more than the contract has earned so far.",
                payout.id,
                format_money(payout.amount),
                payout.paid_on,
                contract.id,
                format_money(*amount)
            ),
        ),
    };
    let key = format!("{}|{}", contract.id, payout.id);
    let mut finding = Finding::new(finding_type, &key, detail);
    finding.contract_id = Some(contract.id.clone());
    finding.payout_id = Some(payout.id.clone());
    finding.reason = reason.map(str::to_string);
    finding.paid = Some(payout.amount);
    finding.paid_on = Some(payout.paid_on);
    if let Leftover::Overpaid(amount) = leftover {
        finding.expected = Some(Decimal::ZERO);
        finding.difference = Some(*amount);
        finding.paid = Some(*amount);
    }
    finding.evidence.location = Some(payout.source.clone());
    finding
}

fn computation_evidence(
    contract: &Contract,
    rebate: &PeriodRebate,
    share: &InstallmentShare,
) -> Computation {
    Computation {
        base: contract.base.to_string(),
        tier_basis: contract.tier_basis.to_string(),
        tier_mode: contract.tier_mode.to_string(),
        period_weighted_base: rebate.weighted_base,
        scope_start: rebate.scope.first,
        scope_end: rebate.scope.last,
        scope_weighted_base: rebate.scope_volume,
        bracket_rate: rebate.bracket_rate,
        scope_rebate: rebate.scope_rebate,
        cap: contract.cap,
        cap_applied: rebate.cap_applied,
        earned_before: rebate.earned_before,
        earned_through: rebate.earned_through,
        period_expected: rebate.expected,
        portion: share.portion.to_string(),
        installment_expected: share.expected,
        due_rule: share.due_rule.clone(),
    }
}

/// The formula behind a computation, in one line, for summaries and evidence files.
pub fn explain(computation: &Computation) -> String {
    let rate = match computation.tier_mode.as_str() {
        "marginal" => format!(
            "marginal brackets up to {}",
            format_rate(computation.bracket_rate)
        ),
        _ => format!("× {}", format_rate(computation.bracket_rate)),
    };
    format!(
        "tier scope {} to {} ({} basis): weighted base {} {rate} = {}{}; Earned {} − {} = period rebate {}; installment {} = {}",
        computation.scope_start,
        computation.scope_end,
        computation.tier_basis,
        format_money(computation.scope_weighted_base),
        format_money(computation.scope_rebate),
        match (computation.cap, computation.cap_applied) {
            (Some(cap), true) => format!(" (capped at {})", format_money(cap)),
            _ => String::new(),
        },
        format_money(computation.earned_through),
        format_money(computation.earned_before),
        format_money(computation.period_expected),
        computation.portion,
        format_money(computation.installment_expected),
    )
}
