//! The money each finding puts at stake, for the summaries (issue 13): the shortfall of an
//! unpaid or underpaid installment, the excess of an overpaid one, the interest of a late
//! one, the clawback, the invoice of a mis-invoiced payout, else the money the finding
//! names. A type's total counts every invoice once: two findings about one invoice (a
//! number given for two payouts, or one payout's invoice wrong in two ways) are one
//! invoice at stake, not two payout amounts.

use super::finding::{Finding, FindingType};
use super::payout::Payout;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// One finding's amount at stake, and whether its type's total counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stake {
    /// The money at stake.
    pub amount: Decimal,
    /// `false` for a later finding about an invoice an earlier finding (in report order)
    /// already counts.
    pub counted: bool,
}

/// What an invoice is told apart by: its number, or, with none, the payout it should
/// have come with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum InvoiceKey<'a> {
    Number(&'a str),
    Payout(&'a str, &'a str),
}

/// Each finding's stake, in the findings' order. `payouts` are the audit's (every payout
/// read): a `mis_invoiced` finding's stake is the amount of its payout's invoice — as the
/// ledger states it on the invoice's first use (earliest `paid_on`, then payout id), else
/// that payout's amount — so every finding about one invoice states the same amount; a
/// payout without an invoice number stakes its own amount.
pub fn stakes(findings: &[Finding], payouts: &[Payout]) -> Vec<Stake> {
    let mut by_id: HashMap<(&str, &str), &Payout> = HashMap::new();
    let mut by_number: HashMap<&str, Vec<&Payout>> = HashMap::new();
    for payout in payouts {
        by_id
            .entry((payout.contract_id.as_str(), payout.id.as_str()))
            .or_insert(payout);
        if let Some(number) = payout.invoice.number.as_deref() {
            by_number.entry(number).or_default().push(payout);
        }
    }
    let invoice_amount = |number: &str| -> Option<Decimal> {
        let mut uses = by_number.get(number)?.clone();
        uses.sort_by(|a, b| (a.paid_on, &a.id).cmp(&(b.paid_on, &b.id)));
        uses.iter()
            .find_map(|payout| payout.invoice.amount)
            .or_else(|| uses.first().map(|payout| payout.amount))
    };
    let mut seen: HashSet<InvoiceKey<'_>> = HashSet::new();
    findings
        .iter()
        .map(|finding| {
            if finding.finding_type != FindingType::MisInvoiced {
                return Stake {
                    amount: finding.amount_at_stake(),
                    counted: true,
                };
            }
            let contract = finding.contract_id.as_deref().unwrap_or("");
            let id = finding.payout_id.as_deref().unwrap_or("");
            let payout = by_id.get(&(contract, id));
            let number = payout.and_then(|payout| payout.invoice.number.as_deref());
            let key = number.map_or(InvoiceKey::Payout(contract, id), InvoiceKey::Number);
            let amount = number
                .and_then(invoice_amount)
                .or_else(|| payout.map(|payout| payout.amount))
                .unwrap_or_else(|| finding.amount_at_stake());
            Stake {
                amount: amount.abs(),
                counted: seen.insert(key),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
