//! Accruals for the financial close (docs/ARITHMETIC.md, "Accruals"): each contract's
//! installments and payouts, as reconciled, sorted into what was earned by the audit date,
//! what was received by it (cash, offset, credit) and what is still open — due now, due
//! later, conditional on a renewal — plus what was paid ahead or too much, so that
//! earned + paid ahead + overpaid = received + now + later + conditional, to the cent.
//! Then the movement since a baseline run's accruals. Pure: the audit's parts in,
//! [`Accruals`] out.

use crate::domain::accrual::{
    AccrualRow, Accruals, Against, Amounts, BaselineAccruals, Bucket, TrailItem,
};
use crate::domain::audit::ContractResult;
use crate::domain::calendar::add_days;
use crate::domain::contract::{Contract, PayoutKind};
use crate::domain::finding::Allocation;
use crate::domain::installment::InstallmentRecord;
use crate::domain::payout::Payout;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Every contract's accruals as of `as_of`, rows by entity, currency and contract id;
/// `installments` are the audit's (each contract's are at its result's range) and
/// `payouts` every ledger row read.
pub fn accruals(
    contracts: &[ContractResult],
    installments: &[InstallmentRecord],
    payouts: &[Payout],
    as_of: NaiveDate,
) -> Accruals {
    let mut by_contract: HashMap<&str, Vec<&Payout>> = HashMap::new();
    for payout in payouts {
        by_contract
            .entry(payout.contract_id.as_str())
            .or_default()
            .push(payout);
    }
    let mut rows: Vec<AccrualRow> = contracts
        .iter()
        .map(|result| {
            let records = installments
                .get(result.installments.clone())
                .unwrap_or_default();
            let paid = by_contract
                .get(result.contract.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let slots: Vec<Installment<'_>> = records.iter().map(Installment::of).collect();
            contract_row(&result.contract, &slots, paid, as_of)
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.entity, &a.currency, &a.contract_id).cmp(&(&b.entity, &b.currency, &b.contract_id))
    });
    Accruals {
        as_of,
        rows,
        baseline: BaselineAccruals::None,
    }
}

/// What the accruals read of an installment after matching.
#[derive(Debug, Clone, Copy)]
pub struct Installment<'a> {
    /// Its period's first day.
    pub period_start: NaiveDate,
    /// Its period's last day.
    pub period_end: NaiveDate,
    /// Its number.
    pub number: u32,
    /// What it expects.
    pub expected: Decimal,
    /// When it is due (`None`: waiting for a renewal).
    pub due_on: Option<NaiveDate>,
    /// The payouts matched to it, any date.
    pub allocations: &'a [Allocation],
}

impl Installment<'_> {
    /// The view of a reconciled installment.
    pub fn of(record: &InstallmentRecord) -> Installment<'_> {
        Installment {
            period_start: record.period_start,
            period_end: record.period_end,
            number: record.installment,
            expected: record.expected,
            due_on: record.due_on,
            allocations: &record.allocations,
        }
    }
}

/// The entity owed a contract's rebate: its `entity` cell, else its customer.
pub fn entity_of(contract: &Contract) -> (String, bool) {
    match contract.entity.as_deref().map(str::trim) {
        Some(entity) if !entity.is_empty() => (entity.to_string(), true),
        _ => (contract.customer.trim().to_string(), false),
    }
}

/// Where what is still open on an ended period's installment counts: no due date (a
/// renewal not happened) is conditional; past the deadline (due date + grace days, the
/// summary's "due by now") is receivable now; else later.
fn open_bucket(due_on: Option<NaiveDate>, grace_days: i64, as_of: NaiveDate) -> Bucket {
    match due_on {
        None => Bucket::Conditional,
        Some(due_on) if add_days(due_on, grace_days).is_some_and(|deadline| as_of > deadline) => {
            Bucket::Now
        }
        Some(_) => Bucket::Later,
    }
}

/// One contract's row: its installments (as reconciled) and its payouts in any currency
/// (those in another currency than the contract's are left out, as matching leaves them).
pub fn contract_row(
    contract: &Contract,
    records: &[Installment<'_>],
    payouts: &[&Payout],
    as_of: NaiveDate,
) -> AccrualRow {
    let mut amounts = Amounts::default();
    let mut trail = Vec::new();
    let mut allocated: HashMap<&str, Decimal> = HashMap::new();
    let key = |record: &Installment<'_>| format!("{}/{}", contract.id, record.period_start);
    for record in records {
        let ended = record.period_end <= as_of;
        let item = |bucket: Bucket, payout_id: Option<&str>, amount: Decimal| TrailItem {
            bucket,
            period_key: Some(key(record)),
            installment: Some(record.number),
            payout_id: payout_id.map(str::to_string),
            amount,
        };
        // A period with nothing expected adds nothing and is left out of the trail.
        if ended && !record.expected.is_zero() {
            amounts.earned = amounts.earned.saturating_add(record.expected);
            trail.push(item(Bucket::Earned, None, record.expected));
        } else if !ended && record.period_start <= as_of && !record.expected.is_zero() {
            amounts.open_period = amounts.open_period.saturating_add(record.expected);
            trail.push(item(Bucket::OpenPeriod, None, record.expected));
        }
        let mut received = Decimal::ZERO;
        for allocation in record.allocations {
            let sum = allocated.entry(allocation.payout_id.as_str()).or_default();
            *sum = sum.saturating_add(allocation.amount);
            if allocation.paid_on > as_of {
                continue;
            }
            let bucket = if allocation.excess {
                amounts.overpaid = amounts.overpaid.saturating_add(allocation.amount);
                Bucket::Overpaid
            } else if ended {
                received = received.saturating_add(allocation.amount);
                continue;
            } else {
                amounts.paid_ahead = amounts.paid_ahead.saturating_add(allocation.amount);
                Bucket::PaidAhead
            };
            trail.push(item(bucket, Some(&allocation.payout_id), allocation.amount));
        }
        let open = record.expected.saturating_sub(received);
        if ended && !open.is_zero() {
            let bucket = open_bucket(record.due_on, contract.grace_days, as_of);
            let column = match bucket {
                Bucket::Now => &mut amounts.receivable_now,
                Bucket::Later => &mut amounts.receivable_later,
                _ => &mut amounts.conditional,
            };
            *column = column.saturating_add(open);
            trail.push(item(bucket, None, open));
        }
    }
    for payout in payouts {
        let currency = payout.currency.as_deref().unwrap_or(&contract.currency);
        if currency != contract.currency || payout.paid_on > as_of {
            continue;
        }
        let (column, bucket) = match payout.kind.unwrap_or(contract.payout_kind) {
            PayoutKind::Cash => (&mut amounts.received_cash, Bucket::Cash),
            PayoutKind::Offset => (&mut amounts.received_offset, Bucket::Offset),
            PayoutKind::Credit => (&mut amounts.received_credit, Bucket::Credit),
        };
        *column = column.saturating_add(payout.amount);
        trail.push(TrailItem {
            bucket,
            period_key: None,
            installment: None,
            payout_id: Some(payout.id.clone()),
            amount: payout.amount,
        });
        // What no installment took (an unknown period or installment, or excess on the
        // contract) was received beyond what is owed.
        let left = payout.amount.saturating_sub(
            allocated
                .get(payout.id.as_str())
                .copied()
                .unwrap_or_default(),
        );
        if !left.is_zero() {
            amounts.overpaid = amounts.overpaid.saturating_add(left);
            trail.push(TrailItem {
                bucket: Bucket::Overpaid,
                period_key: None,
                installment: None,
                payout_id: Some(payout.id.clone()),
                amount: left,
            });
        }
    }
    let (entity, entity_named) = entity_of(contract);
    AccrualRow {
        entity,
        entity_named,
        contract_id: contract.id.clone(),
        currency: contract.currency.clone(),
        amounts,
        against: Against::NoBaseline,
        trail,
    }
}

/// The movement since the baseline: each row's opening from the baseline's row of the
/// same contract and currency. A baseline without accruals gives none (and the warning);
/// a contract the baseline lacks is `not_in_baseline`, never an opening of 0.
pub fn with_baseline(mut accruals: Accruals, baseline: BaselineAccruals) -> Accruals {
    for row in &mut accruals.rows {
        row.against = match &baseline {
            BaselineAccruals::None => Against::NoBaseline,
            BaselineAccruals::Missing { .. } => Against::BaselineWithoutAccruals,
            BaselineAccruals::Read { rows, .. } => rows
                .iter()
                .find(|(contract, currency, _)| {
                    *contract == row.contract_id && *currency == row.currency
                })
                .map_or(Against::NotInBaseline, |(_, _, opening)| {
                    Against::Opening(*opening)
                }),
        };
    }
    accruals.baseline = baseline;
    accruals
}

#[cfg(test)]
mod tests;
