//! Reconciliation: match each contract's payouts to its expected installments, judge
//! every installment, and check every cash payout's invoice (SPEC §4). One contract at a
//! time, with no shared state, so the pipeline can run contracts in parallel.

pub mod allocate;
pub mod cause;
pub mod evaluate;
pub mod invoice;
pub mod quality;
pub mod route;
pub mod trail;

use crate::domain::computation::{Computation, ContractComputation};
use crate::domain::contract::{Contract, PayoutKind};
use crate::domain::finding::{Evidence, Fact, Finding, FindingType, LikelyCause, SourceRows};
use crate::domain::installment::{InstallmentRecord, Status};
use crate::domain::lang::{self, Lang};
use crate::domain::money::{Overflow, format_money_grouped as format_money, format_rate};
use crate::domain::payout::Payout;
use crate::ruleset::Ruleset;
use allocate::{Leftover, Slot};
use chrono::NaiveDate;
use evaluate::Terms;
use rust_decimal::Decimal;
use std::collections::HashMap;

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
    /// The language of the findings' sentences.
    pub lang: Lang,
    /// What the usual mistakes would give, for naming the likely cause of a short payment.
    pub causes: Option<cause::CauseInput<'a>>,
}

/// The result for one contract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContractOutcome {
    /// Every installment.
    pub installments: Vec<InstallmentRecord>,
    /// Every finding about the contract, its installments and its payouts.
    pub findings: Vec<Finding>,
}

/// Reconciles one contract.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn reconcile_contract(input: &ContractInput<'_>) -> Result<ContractOutcome, Overflow> {
    let contract = input.contract;
    let computation = input.computation;
    let lang = input.lang;
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
    let trails = trail::period_trails(
        contract,
        computation,
        input.source_rows,
        input.ruleset.rounding,
    )?;
    let mut outcome = ContractOutcome::default();
    let share_of = |slot: &Slot| {
        computation.shares[slot.period]
            .iter()
            .find(|share| share.number == slot.number)
            .expect("every slot comes from a share")
    };
    let money = |amount: Decimal| lang::money(amount, &contract.currency, lang);
    for slot in &slots {
        let share = share_of(slot);
        let rebate = &computation.rebates[slot.period];
        let verdict = evaluate::judge(slot, &terms)?;
        let installment_computation = trail::for_installment(&trails[slot.period], share);
        let finding_type = match verdict.status {
            Status::Overpaid => Some(FindingType::Overpaid),
            Status::Unpaid => Some(FindingType::Unpaid),
            Status::Underpaid => Some(FindingType::Underpaid),
            Status::Late => Some(FindingType::Late),
            _ => None,
        };
        let evidence = || Evidence {
            computation: Some(installment_computation.clone()),
            source_rows: input.source_rows[slot.period].clone(),
            allocations: slot.allocations.clone(),
            ..Evidence::default()
        };
        let fact = Fact {
            contract_id: Some(&contract.id),
            period_start: Some(slot.period_start),
            installment: Some(slot.number),
            ..Fact::default()
        };
        let what = match lang {
            Lang::En => format!(
                "Installment {} of contract {} for {} to {}",
                slot.number, contract.id, slot.period_start, slot.period_end
            ),
            Lang::Zh => format!(
                "合同 {} {} 期第 {} 期返点",
                contract.id,
                lang::period(slot.period_start, slot.period_end, lang),
                slot.number
            ),
        };
        // A short payment: the usual mistakes that reproduce what was paid, to the cent.
        let likely_causes: Vec<LikelyCause> = match (finding_type, &input.causes) {
            (Some(FindingType::Underpaid), Some(causes)) => {
                cause::likely_causes(causes, slot.period, slot.number, verdict.paid)
                    .into_iter()
                    .map(|found| LikelyCause {
                        code: found.code.to_string(),
                        expected_under_mistake: found.expected_under_mistake,
                        explanation: match lang {
                            Lang::En => found.explanation_en,
                            Lang::Zh => found.explanation_zh,
                        },
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        if let Some(finding_type) = finding_type {
            let difference = crate::domain::money::sub(verdict.paid, slot.expected)?;
            let due = match (slot.due_on, lang) {
                (Some(due_on), Lang::En) => format!("due {due_on}"),
                (None, Lang::En) => "not yet due".to_string(),
                (Some(due_on), Lang::Zh) => format!("{due_on} 到期"),
                (None, Lang::Zh) => "尚未到期".to_string(),
            };
            let interest = verdict.interest.unwrap_or(Decimal::ZERO);
            let days_late = verdict.days_late.unwrap_or(0);
            let as_of = input.as_of;
            let detail = match (finding_type, lang) {
                (FindingType::Overpaid, Lang::En) => format!(
                    "{what} received {}, {} more than the {} expected.",
                    money(verdict.paid),
                    money(difference),
                    money(slot.expected)
                ),
                (FindingType::Overpaid, Lang::Zh) => format!(
                    "{what}应付 {}，实收 {}，多付 {}。",
                    money(slot.expected),
                    money(verdict.paid),
                    money(difference)
                ),
                (FindingType::Unpaid, Lang::En) => format!(
                    "{what} expected {} ({due}) and received nothing as of {as_of}: {days_late} days past due, late interest {}.",
                    money(slot.expected),
                    money(interest)
                ),
                (FindingType::Unpaid, Lang::Zh) => format!(
                    "{what}应付 {}（{due}），截至 {as_of} 未收到：逾期 {days_late} 天，滞纳金 {}。",
                    money(slot.expected),
                    money(interest)
                ),
                (FindingType::Underpaid, Lang::En) => format!(
                    "{what} expected {} ({due}) but received {}, short {} as of {as_of}: {days_late} days past due, late interest {}.",
                    money(slot.expected),
                    money(verdict.paid),
                    money(-difference),
                    money(interest)
                ),
                (FindingType::Underpaid, Lang::Zh) => format!(
                    "{what}应付 {}（{due}），截至 {as_of} 只收到 {}，少付 {}：逾期 {days_late} 天，滞纳金 {}。",
                    money(slot.expected),
                    money(verdict.paid),
                    money(-difference),
                    money(interest)
                ),
                (_, Lang::En) => format!(
                    "{what} ({} expected, {due}) was completed only on {}, {days_late} days late; late interest {}.",
                    money(slot.expected),
                    verdict
                        .completed_on
                        .map_or("?".into(), |date| date.to_string()),
                    money(interest)
                ),
                (_, Lang::Zh) => format!(
                    "{what}应付 {}（{due}），直到 {} 才付清，迟付 {days_late} 天，滞纳金 {}。",
                    money(slot.expected),
                    verdict
                        .completed_on
                        .map_or("?".into(), |date| date.to_string()),
                    money(interest)
                ),
            };
            // The detail names the most likely cause, so the sentence alone argues it.
            let detail = match (likely_causes.first(), lang) {
                (Some(cause), Lang::En) => format!("{detail} Likely cause: {}", cause.explanation),
                (Some(cause), Lang::Zh) => format!("{detail}可能原因：{}", cause.explanation),
                (None, _) => detail,
            };
            let mut finding = installment_finding(finding_type, fact, detail, slot, &verdict)?;
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
            finding.evidence.likely_causes = likely_causes;
            outcome.findings.push(finding);
        }
        if slot.expected < Decimal::ZERO {
            let detail = match lang {
                Lang::En => format!(
                    "{what} is negative ({}): refunds brought the rebate earned below what earlier periods earned, so {} may be owed back to the agent.",
                    money(slot.expected),
                    money(-slot.expected)
                ),
                Lang::Zh => format!(
                    "{what}为负数（{}）：退款使累计已赚返点低于前期已结算的金额，代理商可追回 {}。",
                    money(slot.expected),
                    money(-slot.expected)
                ),
            };
            let mut finding =
                installment_finding(FindingType::Clawback, fact, detail, slot, &verdict)?;
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
            computation: installment_computation,
        });
    }
    for (payout, leftover) in leftovers {
        outcome
            .findings
            .push(leftover_finding(contract, payout, &leftover, lang));
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
        let review = invoice::check(
            payout,
            contract,
            input.ruleset.tolerance,
            input.ruleset.invoice_window_days,
            &others,
            lang,
        );
        for problem in &review.problems {
            let mut finding = Finding::new(
                FindingType::MisInvoiced,
                Fact {
                    contract_id: Some(&contract.id),
                    payout_id: Some(&payout.id),
                    reason: Some(problem.reason),
                    ..Fact::default()
                },
                problem.detail.clone(),
            );
            finding.paid = Some(payout.amount);
            finding.paid_on = Some(payout.paid_on);
            finding.evidence = Evidence {
                location: Some(payout.source.clone()),
                facts: vec![
                    ("expected".into(), problem.expected.clone()),
                    ("found".into(), problem.found.clone()),
                ],
                checks: review.checks.clone(),
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
    fact: Fact<'_>,
    detail: String,
    slot: &Slot,
    verdict: &evaluate::Verdict,
) -> Result<Finding, Overflow> {
    let mut finding = Finding::new(finding_type, fact, detail);
    finding.period_end = Some(slot.period_end);
    finding.expected = Some(slot.expected);
    finding.paid = Some(verdict.paid);
    finding.difference = Some(crate::domain::money::sub(verdict.paid, slot.expected)?);
    finding.due_on = slot.due_on;
    Ok(finding)
}

fn leftover_finding(
    contract: &Contract,
    payout: &Payout,
    leftover: &Leftover,
    lang: Lang,
) -> Finding {
    let amount = lang::money(payout.amount, &contract.currency, lang);
    let (finding_type, reason, detail) = match leftover {
        Leftover::UnknownPeriod(reference) => (
            FindingType::UnmatchedPayout,
            Some("period"),
            match lang {
                Lang::En => format!(
                    "Payout {} of {amount} names period {reference}, which is not a settlement period of contract {} ({} to {}).",
                    payout.id, contract.id, contract.start, contract.end
                ),
                Lang::Zh => format!(
                    "付款 {}（{amount}）注明的所属期间 {reference} 不是合同 {}（{} 至 {}）的结算期。",
                    payout.id, contract.id, contract.start, contract.end
                ),
            },
        ),
        Leftover::UnknownInstallment(number) => (
            FindingType::UnmatchedPayout,
            Some("installment"),
            match lang {
                Lang::En => format!(
                    "Payout {} of {amount} names installment {number}, which the period it pays does not have (contract {} has installments 1 to {}).",
                    payout.id,
                    contract.id,
                    contract.schedule.len()
                ),
                Lang::Zh => format!(
                    "付款 {}（{amount}）注明第 {number} 期，但它所付的期间没有这一期次（合同 {} 的分期为第 1 至 {} 期）。",
                    payout.id,
                    contract.id,
                    contract.schedule.len()
                ),
            },
        ),
        Leftover::Overpaid(excess) => (
            FindingType::Overpaid,
            None,
            match lang {
                Lang::En => format!(
                    "Payout {} of {amount} on {} found no open installment on contract {}: {} is more than the contract has earned so far.",
                    payout.id,
                    payout.paid_on,
                    contract.id,
                    lang::money(*excess, &contract.currency, lang)
                ),
                Lang::Zh => format!(
                    "付款 {}（{amount}，{} 到账）在合同 {} 上没有未付清的分期可对应：其中 {} 超过了合同迄今应得的返点。",
                    payout.id,
                    payout.paid_on,
                    contract.id,
                    lang::money(*excess, &contract.currency, lang)
                ),
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
        detail,
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

/// The formula behind a computation, in one line, for the JSON report and summaries.
pub fn explain(computation: &Computation) -> String {
    let rate = match computation.tier_mode.as_str() {
        "marginal" => format!(
            "marginal brackets up to {}",
            format_rate(computation.bracket_rate)
        ),
        _ => format!("× {}", format_rate(computation.bracket_rate)),
    };
    format!(
        "tier scope {} to {} ({} basis): weighted base {} {rate} = {}{}{}; Earned {} − {} = period rebate {}; installment {} = {}",
        computation.scope_start,
        computation.scope_end,
        computation.tier_basis,
        format_money(computation.scope_weighted_base),
        format_money(computation.scope_rebate),
        match &computation.catch_up {
            Some(catch_up) => format!(
                " (catch-up {}: the earlier {} re-priced from {} to {})",
                format_money(catch_up.amount),
                format_money(catch_up.earlier_weighted_base),
                format_rate(catch_up.rate_before),
                format_rate(catch_up.rate_after)
            ),
            None => String::new(),
        },
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
