//! Reconciliation: match each contract's payouts to its expected installments, judge
//! every installment, and check every cash payout's invoice (docs/ARITHMETIC.md). One contract at a
//! time, with no shared state, so the pipeline can run contracts in parallel. Findings
//! come out as typed facts ([`About`], reasons, likely causes); `report::i18n` words them.

pub mod accruals;
pub mod allocate;
pub mod cause;
pub mod clawback;
pub mod duplicates;
pub mod evaluate;
pub mod invoice;
pub mod limitation;
pub mod quality;
pub mod route;
pub mod statement;
pub mod trail;

use crate::domain::computation::ContractComputation;
use crate::domain::contract::{Contract, DateRange};
use crate::domain::finding::{
    About, Evidence, Fact, Finding, FindingType, LikelyCause, PeriodKey, PeriodTrail, Reason,
    SourceRows, TrailRef,
};
use crate::domain::installment::{InstallmentRecord, Status};
use crate::domain::money::Overflow;
use crate::domain::payout::Payout;
use crate::ruleset::Ruleset;
use allocate::{Leftover, Slot};
use chrono::NaiveDate;
use evaluate::Terms;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// Everything the reconciliation of one contract reads.
pub struct ContractInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its ruleset (tolerance, rounding, invoice window).
    pub ruleset: &'a Ruleset,
    /// Its computed expectations.
    pub computation: &'a ContractComputation,
    /// Its payouts in its currency.
    pub payouts: &'a [&'a Payout],
    /// Invoice number → every payout id that carries it (all contracts).
    pub invoice_numbers: &'a HashMap<String, Vec<String>>,
    /// The audit date.
    pub as_of: NaiveDate,
    /// What the usual mistakes would give, for naming the likely cause of a payment short
    /// or too much.
    pub causes: Option<cause::CauseInput<'a>>,
}

/// The result for one contract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractOutcome {
    /// Each period's trail, in period order: stored once, shared by the period's
    /// installments and findings.
    pub periods: Vec<Arc<PeriodTrail>>,
    /// Every installment.
    pub installments: Vec<InstallmentRecord>,
    /// Every finding about the contract, its installments and its payouts.
    pub findings: Vec<Finding>,
}

/// Reconciles one contract, whose billing rows behind each period's weighted base are
/// `source_rows`: they move into the period trails (kept for the reports) rather than
/// being copied, since the caller has no further use for them.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn reconcile_contract(
    input: &ContractInput<'_>,
    source_rows: Vec<Vec<SourceRows>>,
) -> Result<ContractOutcome, Overflow> {
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
    // The slots before matching: duplicates are matched again without each duplicate.
    let fresh = slots.clone();
    let leftovers = allocate::allocate(&mut slots, input.payouts);
    let terms = Terms {
        as_of: input.as_of,
        tolerance: input.ruleset.tolerance,
        grace_days: contract.grace_days,
        late_interest: contract.late_interest,
        rounding: input.ruleset.rounding,
    };
    let trails: Vec<Arc<PeriodTrail>> =
        trail::period_trails(contract, computation, &source_rows, input.ruleset.rounding)?
            .into_iter()
            .zip(source_rows)
            .map(|(trail, rows)| {
                Arc::new(PeriodTrail {
                    key: PeriodKey {
                        contract_id: contract.id.clone(),
                        period_start: trail.period_start,
                    },
                    computation: trail,
                    source_rows: rows,
                })
            })
            .collect();
    let clawback_input = clawback::ClawbackInput {
        contract,
        computation,
        rounding: input.ruleset.rounding,
        tolerance: input.ruleset.tolerance,
    };
    let mut outcome = ContractOutcome::default();
    let share_of = |slot: &Slot| {
        computation.shares[slot.period]
            .iter()
            .find(|share| share.number == slot.number)
            .expect("every slot comes from a share")
    };
    let about = || About::Installment {
        currency: contract.currency.clone(),
        as_of: input.as_of,
        charges_interest: !contract.late_interest.is_zero(),
    };
    // The contract replayed under each usual mistake once, for all its findings.
    let replays = input.causes.map(cause::Replays::new);
    for slot in &slots {
        let share = share_of(slot);
        let rebate = &computation.rebates[slot.period];
        let verdict = evaluate::judge(slot, &terms)?;
        let period_trail = &trails[slot.period];
        let finding_type = match verdict.status {
            Status::Overpaid => Some(FindingType::Overpaid),
            Status::Unpaid => Some(FindingType::Unpaid),
            Status::Underpaid => Some(FindingType::Underpaid),
            Status::Late => Some(FindingType::Late),
            _ => None,
        };
        let evidence = || Evidence {
            period: Some(TrailRef {
                trail: Arc::clone(period_trail),
                installment: slot.number,
            }),
            allocations: slot.allocations.clone(),
            ..Evidence::default()
        };
        let fact = Fact {
            contract_id: Some(&contract.id),
            period_start: Some(slot.period_start),
            installment: Some(slot.number),
            ..Fact::default()
        };
        // A payment short or too much: the usual mistakes that reproduce what was paid,
        // to the cent.
        let mut likely_causes: Vec<LikelyCause> = match (finding_type, &replays) {
            (Some(FindingType::Underpaid | FindingType::Overpaid), Some(replays)) => {
                replays.likely_causes(slot.period, slot.number, verdict.paid)
            }
            _ => Vec::new(),
        };
        // A payment that follows another clawback rule than the contract's.
        if let Some(FindingType::Underpaid | FindingType::Overpaid | FindingType::Unpaid) =
            finding_type
        {
            likely_causes.extend(clawback::likely_causes(
                &clawback_input,
                slot.period,
                slot.number,
                verdict.paid,
            )?);
        }
        // Money taken back in cash, which the contract's rule does not allow.
        if let Some(FindingType::Underpaid | FindingType::Unpaid) = finding_type {
            likely_causes.extend(clawback::cash_taken_back(
                contract,
                slot.number,
                slot.expected,
                &slot.allocations,
            )?);
        }
        if let Some(finding_type) = finding_type {
            let interest = verdict.interest.unwrap_or(Decimal::ZERO);
            let mut finding = installment_finding(finding_type, fact, about(), slot, &verdict)?;
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
            // The finding's sentence names the first (most likely) cause, so the sentence
            // alone argues it.
            finding.evidence.likely_causes = likely_causes;
            outcome.findings.push(finding);
        }
        if slot.expected < Decimal::ZERO {
            let mut finding =
                installment_finding(FindingType::Clawback, fact, about(), slot, &verdict)?;
            finding.evidence = evidence();
            outcome.findings.push(finding);
        }
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
            trail: Arc::clone(period_trail),
        });
    }
    outcome.periods = trails;
    if let Some(rule) = &input.ruleset.limitation {
        limitation::date_claims(&mut outcome.findings, rule, input.as_of, &contract.currency);
    }
    outcome.findings.extend(duplicates::findings(
        contract,
        &fresh,
        input.payouts,
        &terms,
    )?);
    for (payout, leftover) in leftovers {
        let mut finding = leftover_finding(contract, payout, &leftover);
        if let Leftover::Overpaid(amount) = leftover {
            finding
                .evidence
                .likely_causes
                .extend(clawback::cash_left_over(
                    contract,
                    &payout.id,
                    payout.paid_on,
                    amount,
                    &payout.source,
                )?);
        }
        outcome.findings.push(finding);
    }
    let terms = invoice::InvoiceTerms {
        tolerance: input.ruleset.tolerance,
        window_days: input.ruleset.invoice_window_days,
    };
    for payout in input.payouts {
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
        outcome
            .findings
            .extend(invoice::payout_findings(payout, contract, terms, &others));
    }
    Ok(outcome)
}

/// A finding about one installment, with the fields every such finding carries.
fn installment_finding(
    finding_type: FindingType,
    fact: Fact<'_>,
    about: About,
    slot: &Slot,
    verdict: &evaluate::Verdict,
) -> Result<Finding, Overflow> {
    let mut finding = Finding::new(finding_type, fact, about);
    finding.period_end = Some(slot.period_end);
    finding.expected = Some(slot.expected);
    finding.paid = Some(verdict.paid);
    finding.difference = Some(crate::domain::money::sub(verdict.paid, slot.expected)?);
    finding.due_on = slot.due_on;
    Ok(finding)
}

fn leftover_finding(contract: &Contract, payout: &Payout, leftover: &Leftover) -> Finding {
    let currency = contract.currency.clone();
    let (finding_type, reason, about) = match leftover {
        Leftover::UnknownPeriod(reference) => (
            FindingType::UnmatchedPayout,
            Some(Reason::Period),
            About::UnknownPeriod {
                currency,
                reference: *reference,
                term: DateRange {
                    first: contract.start,
                    last: contract.end,
                },
            },
        ),
        Leftover::UnknownInstallment(number) => (
            FindingType::UnmatchedPayout,
            Some(Reason::Installment),
            About::UnknownInstallment {
                currency,
                number: *number,
                installments: contract.schedule.len(),
            },
        ),
        Leftover::Overpaid(_) => (
            FindingType::Overpaid,
            None,
            About::Excess {
                currency,
                payout_amount: payout.amount,
            },
        ),
    };
    let mut finding = Finding::new(
        finding_type,
        Fact {
            contract_id: Some(&contract.id),
            payout_id: Some(&payout.id),
            reason,
            ..Fact::default()
        },
        about,
    );
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

#[cfg(test)]
mod tests;
