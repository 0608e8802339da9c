//! Duplicate payouts (docs/ARITHMETIC.md, "Duplicate payouts"): money one contract's
//! ledgers book twice. Matching is not changed — every ledger row still counts as
//! received — so a duplicate shows as an overpayment or hides a shortfall; each
//! `duplicate_payout` finding says which, by matching the contract's payouts again
//! without the duplicate. Pure: payouts and fresh slots in, findings out.

use super::allocate::{self, Leftover, Slot};
use super::evaluate::{self, Terms};
use crate::domain::contract::{Contract, InvoiceKind, PayoutKind};
use crate::domain::finding::{About, DuplicateEffect, Fact, Finding, FindingType, Reason};
use crate::domain::installment::Status;
use crate::domain::money::{self, Overflow};
use crate::domain::payout::{Payout, PayoutField};
use rust_decimal::Decimal;

/// A payout that books again what an earlier one booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'p> {
    /// The first booking (earlier by date, then payout id).
    pub first: &'p Payout,
    /// The second booking: the duplicate.
    pub second: &'p Payout,
    /// `same_booking`, `credit_and_cash` or `offset_and_cash`.
    pub reason: Reason,
}

/// What tells a transfer apart: the ledger's `reference`, else its invoice number (unless
/// a spreadsheet lost its last digits). `None` when the row has neither.
fn reference(payout: &Payout) -> Option<&str> {
    let invoice = || {
        payout
            .invoice
            .number
            .as_deref()
            .filter(|_| payout.unread(PayoutField::InvoiceNumber).is_none())
    };
    payout
        .reference
        .as_deref()
        .or_else(invoice)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// How a payout was paid: its `kind`, else the contract's; a credit note is a credit.
fn kind(payout: &Payout, default: PayoutKind) -> PayoutKind {
    match payout.invoice.kind {
        Some(InvoiceKind::CreditNote) => PayoutKind::Credit,
        _ => payout.kind.unwrap_or(default),
    }
}

/// Why `second` repeats `first`, if it does: the same amount, date and reference
/// (`same_booking`); or the same amount for the same named period and installment, once
/// in cash and once as a credit or an offset. Two payouts of one amount on one day with
/// different references, or without any, are two payments.
fn repeats(first: &Payout, second: &Payout, default: PayoutKind) -> Option<Reason> {
    if first.amount != second.amount {
        return None;
    }
    if first.paid_on == second.paid_on
        && let (Some(one), Some(other)) = (reference(first), reference(second))
        && one == other
    {
        return Some(Reason::SameBooking);
    }
    if first.period.is_none() || first.period != second.period {
        return None;
    }
    if first.installment != second.installment {
        return None;
    }
    match (kind(first, default), kind(second, default)) {
        (PayoutKind::Cash, PayoutKind::Credit) | (PayoutKind::Credit, PayoutKind::Cash) => {
            Some(Reason::CreditAndCash)
        }
        (PayoutKind::Cash, PayoutKind::Offset) | (PayoutKind::Offset, PayoutKind::Cash) => {
            Some(Reason::OffsetAndCash)
        }
        _ => None,
    }
}

/// Every payout that repeats an earlier one (in matching order: date, then payout id),
/// paired with the earliest it repeats.
pub fn pairs<'p>(payouts: &[&'p Payout], default: PayoutKind) -> Vec<Pair<'p>> {
    let mut ordered: Vec<&Payout> = payouts.to_vec();
    ordered.sort_by(|a, b| (a.paid_on, &a.id).cmp(&(b.paid_on, &b.id)));
    let mut found = Vec::new();
    for (index, second) in ordered.iter().enumerate() {
        if let Some((first, reason)) = ordered[..index]
            .iter()
            .find_map(|first| repeats(first, second, default).map(|reason| (*first, reason)))
        {
            found.push(Pair {
                first,
                second,
                reason,
            });
        }
    }
    found
}

/// The audit's overpayment and shortfall over a contract: every overpaid installment's
/// excess plus money no installment took, and every unpaid or underpaid installment's
/// shortfall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Totals {
    overpaid: Decimal,
    short: Decimal,
}

/// Matches `payouts` into a copy of `fresh` and judges every installment.
fn matched(
    fresh: &[Slot],
    payouts: &[&Payout],
    terms: &Terms,
) -> Result<(Vec<Slot>, Vec<Status>, Totals), Overflow> {
    let mut slots = fresh.to_vec();
    let leftovers = allocate::allocate(&mut slots, payouts);
    let mut totals = Totals::default();
    let mut statuses = Vec::with_capacity(slots.len());
    for slot in &slots {
        let verdict = evaluate::judge(slot, terms)?;
        match verdict.status {
            Status::Overpaid => {
                let excess = money::sub(verdict.paid, slot.expected.max(Decimal::ZERO))?;
                totals.overpaid = money::add(totals.overpaid, excess)?;
            }
            Status::Unpaid | Status::Underpaid => {
                totals.short = money::add(totals.short, money::sub(slot.expected, verdict.paid)?)?;
            }
            _ => {}
        }
        statuses.push(verdict.status);
    }
    for (_, leftover) in &leftovers {
        if let Leftover::Overpaid(amount) = leftover {
            totals.overpaid = money::add(totals.overpaid, *amount)?;
        }
    }
    Ok((slots, statuses, totals))
}

/// How the audit changes when `removed` is taken out of `payouts`: the overpayment that
/// goes away, the shortfall that appears, and the status, with and without it, of the
/// first installment it reached. `fresh` are the contract's slots before any matching.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn effect(
    fresh: &[Slot],
    payouts: &[&Payout],
    removed: &Payout,
    terms: &Terms,
) -> Result<DuplicateEffect, Overflow> {
    let (with_slots, with_statuses, with) = matched(fresh, payouts, terms)?;
    let rest: Vec<&Payout> = payouts
        .iter()
        .copied()
        .filter(|payout| !std::ptr::eq(*payout, removed))
        .collect();
    let (_, without_statuses, without) = matched(fresh, &rest, terms)?;
    let reached = with_slots.iter().position(|slot| {
        slot.allocations
            .iter()
            .any(|allocation| allocation.payout_id == removed.id)
    });
    Ok(DuplicateEffect {
        overpayment: money::sub(with.overpaid, without.overpaid)?.max(Decimal::ZERO),
        shortfall: money::sub(without.short, with.short)?.max(Decimal::ZERO),
        installment: reached
            .map(|index| (with_slots[index].period_start, with_slots[index].number)),
        status_with: reached
            .map_or(Status::NothingDue, |index| with_statuses[index])
            .word(),
        status_without: reached
            .map_or(Status::NothingDue, |index| without_statuses[index])
            .word(),
    })
}

/// The contract's `duplicate_payout` findings. A same-booking pair is always one; a cash
/// and credit (or offset) pair only when together they pay more than is due — a rebate
/// split in equal halves between cash and a credit is no duplicate.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn findings(
    contract: &Contract,
    fresh: &[Slot],
    payouts: &[&Payout],
    terms: &Terms,
) -> Result<Vec<Finding>, Overflow> {
    let mut findings = Vec::new();
    for pair in pairs(payouts, contract.payout_kind) {
        let effect = effect(fresh, payouts, pair.second, terms)?;
        if pair.reason != Reason::SameBooking && effect.overpayment.is_zero() {
            continue;
        }
        let installment = effect.installment;
        let mut finding = Finding::new(
            FindingType::DuplicatePayout,
            Fact {
                contract_id: Some(&contract.id),
                payout_id: Some(&pair.second.id),
                reason: Some(pair.reason),
                ..Fact::default()
            },
            About::DuplicatePayout {
                currency: contract.currency.clone(),
                first: pair.first.id.clone(),
                first_place: pair.first.source.to_string(),
                effect,
            },
        );
        finding.period_start = installment.map(|(start, _)| start);
        finding.installment = installment.map(|(_, number)| number);
        finding.period_end = installment.and_then(|(start, _)| {
            fresh
                .iter()
                .find(|slot| slot.period_start == start)
                .map(|slot| slot.period_end)
        });
        finding.paid = Some(pair.second.amount);
        finding.paid_on = Some(pair.second.paid_on);
        finding.amount = Some(pair.second.amount);
        finding.evidence.location = Some(pair.second.source.clone());
        findings.push(finding);
    }
    Ok(findings)
}

#[cfg(test)]
mod tests;
