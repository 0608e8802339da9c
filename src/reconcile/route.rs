//! Routing payouts to their contracts (docs/ARITHMETIC.md): a payout naming an unknown contract is
//! `unmatched_payout` (reason `contract`); one in another currency than its contract is a
//! `currency_mismatch` and is not matched. Also indexes invoice numbers across all
//! payouts, for the `duplicate` invoice check.

use crate::domain::contract::Contract;
use crate::domain::finding::{About, Fact, Finding, FindingType, Reason};
use crate::domain::payout::{Payout, PayoutField};
use std::collections::HashMap;

/// Payouts sorted to their contracts.
#[derive(Debug, Default)]
pub struct Routed<'p> {
    /// Per contract (same order as the contracts given), its payouts in its currency.
    pub per_contract: Vec<Vec<&'p Payout>>,
    /// Invoice number → every payout id that carries it.
    pub invoice_numbers: HashMap<String, Vec<String>>,
    /// Unmatched and currency-mismatched payouts.
    pub findings: Vec<Finding>,
}

/// Routes every payout to its contract.
pub fn route<'p>(contracts: &[&Contract], payouts: &'p [Payout]) -> Routed<'p> {
    let by_id: HashMap<&str, usize> = contracts
        .iter()
        .enumerate()
        .map(|(index, contract)| (contract.id.as_str(), index))
        .collect();
    let mut routed = Routed {
        per_contract: vec![Vec::new(); contracts.len()],
        ..Routed::default()
    };
    for payout in payouts {
        // A number with lost digits is matched to no other payout's (see `invoice`).
        if let Some(number) = &payout.invoice.number
            && payout.unread(PayoutField::InvoiceNumber).is_none()
        {
            routed
                .invoice_numbers
                .entry(number.clone())
                .or_default()
                .push(payout.id.clone());
        }
        let Some(&index) = by_id.get(payout.contract_id.as_str()) else {
            routed.findings.push(unknown_contract(payout));
            routed
                .findings
                .extend(super::invoice::unmatched_payout_findings(payout));
            continue;
        };
        let contract = contracts[index];
        let currency = payout.currency.as_deref().unwrap_or(&contract.currency);
        if currency != contract.currency {
            routed
                .findings
                .push(currency_mismatch(contract, payout, currency));
            routed
                .findings
                .extend(super::invoice::unmatched_payout_findings(payout));
            continue;
        }
        routed.per_contract[index].push(payout);
    }
    routed
}

fn unknown_contract(payout: &Payout) -> Finding {
    // The contract it names is part of the fact (it is not a contract of the audit, so
    // the finding's `contract_id` stays null).
    let subject = format!("contract {}", payout.contract_id);
    let mut finding = Finding::new(
        FindingType::UnmatchedPayout,
        Fact {
            payout_id: Some(&payout.id),
            reason: Some(Reason::Contract),
            subject: Some(&subject),
            ..Fact::default()
        },
        About::UnknownContract {
            currency: payout.currency.clone().unwrap_or_default(),
            named: payout.contract_id.clone(),
        },
    );
    finding.paid = Some(payout.amount);
    finding.paid_on = Some(payout.paid_on);
    finding.evidence.location = Some(payout.source.clone());
    finding
        .evidence
        .facts
        .push(("contract_id".into(), payout.contract_id.clone()));
    finding
}

fn currency_mismatch(contract: &Contract, payout: &Payout, currency: &str) -> Finding {
    let mut finding = Finding::new(
        FindingType::CurrencyMismatch,
        Fact {
            contract_id: Some(&contract.id),
            payout_id: Some(&payout.id),
            reason: Some(Reason::Payout),
            ..Fact::default()
        },
        About::PayoutCurrency {
            found: currency.to_string(),
            expected: contract.currency.clone(),
        },
    );
    finding.paid = Some(payout.amount);
    finding.paid_on = Some(payout.paid_on);
    finding.evidence.location = Some(payout.source.clone());
    finding.evidence.facts = vec![
        ("expected".into(), contract.currency.clone()),
        ("found".into(), currency.to_string()),
    ];
    finding
}
