//! The numbers every report leads with, computed once from the audit.

use crate::domain::audit::Audit;
use crate::domain::finding::{FindingType, Severity};
use crate::domain::installment::Status;
use crate::domain::money::format_money;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Count and money at stake for one finding type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TypeTotal {
    /// Findings of this type.
    pub count: usize,
    /// Sum of their amounts at stake (shortfall, excess, clawback, payout amount).
    pub amount: String,
}

/// One contract's line in the totals.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ContractTotal {
    /// Contract id.
    pub contract_id: String,
    /// Customer.
    pub customer: String,
    /// Agent.
    pub agent: String,
    /// Weighted base over the whole term so far.
    pub weighted_base: String,
    /// Σ expected over all installments.
    pub expected: String,
    /// Σ expected over installments whose deadline has passed.
    pub due: String,
    /// Σ paid.
    pub paid: String,
    /// Σ shortfall of unpaid and underpaid installments.
    pub shortfall: String,
    /// Findings about the contract.
    pub findings: usize,
}

/// Report totals.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Contracts audited.
    pub contracts: usize,
    /// Installments expected.
    pub installments: usize,
    /// Σ expected.
    pub expected: String,
    /// Σ paid (allocated to installments).
    pub paid: String,
    /// Σ shortfall of unpaid and underpaid installments.
    pub shortfall: String,
    /// Σ late interest claimed.
    pub interest: String,
    /// Number of findings.
    pub findings: usize,
    /// Findings by severity.
    pub by_severity: BTreeMap<&'static str, usize>,
    /// Findings by type.
    pub by_type: BTreeMap<&'static str, TypeTotal>,
    /// Per contract.
    pub per_contract: Vec<ContractTotal>,
}

impl Totals {
    /// Adds everything up.
    pub fn of(audit: &Audit) -> Totals {
        let sum = |values: &mut dyn Iterator<Item = Decimal>| {
            values.fold(Decimal::ZERO, |total, value| total.saturating_add(value))
        };
        let shortfall_of =
            |finding_type: FindingType, difference: Option<Decimal>| match finding_type {
                FindingType::Unpaid | FindingType::Underpaid => {
                    difference.map_or(Decimal::ZERO, |difference| -difference)
                }
                _ => Decimal::ZERO,
            };
        let mut by_severity: BTreeMap<&'static str, usize> =
            [Severity::Info, Severity::Warning, Severity::Error]
                .iter()
                .map(|severity| (severity.word(), 0))
                .collect();
        let mut by_type: BTreeMap<&'static str, (usize, Decimal)> = BTreeMap::new();
        for finding in &audit.findings {
            *by_severity.entry(finding.severity.word()).or_default() += 1;
            let entry = by_type.entry(finding.finding_type.word()).or_default();
            entry.0 += 1;
            entry.1 = entry.1.saturating_add(finding.amount_at_stake());
        }
        let per_contract = audit
            .contracts
            .iter()
            .map(|result| {
                let contract = &result.contract;
                let records: Vec<_> = audit.installments_of(result).iter().collect();
                let overdue = |status: Status| {
                    matches!(
                        status,
                        Status::Paid | Status::Late | Status::Unpaid | Status::Underpaid
                    )
                };
                ContractTotal {
                    contract_id: contract.id.clone(),
                    customer: contract.customer.clone(),
                    agent: contract.agent.clone(),
                    weighted_base: format_money(sum(&mut result
                        .computation
                        .rebates
                        .iter()
                        .map(|rebate| rebate.weighted_base))),
                    expected: format_money(sum(&mut records.iter().map(|record| record.expected))),
                    due: format_money(sum(&mut records
                        .iter()
                        .filter(|record| overdue(record.status))
                        .map(|record| record.expected))),
                    paid: format_money(sum(&mut records.iter().map(|record| record.paid))),
                    shortfall: format_money(sum(&mut audit
                        .findings_of(&contract.id)
                        .iter()
                        .map(|finding| shortfall_of(finding.finding_type, finding.difference)))),
                    findings: audit.findings_of(&contract.id).len(),
                }
            })
            .collect();
        Totals {
            contracts: audit.contracts.len(),
            installments: audit.installments.len(),
            expected: format_money(sum(&mut audit
                .installments
                .iter()
                .map(|record| record.expected))),
            paid: format_money(sum(&mut audit
                .installments
                .iter()
                .map(|record| record.paid))),
            shortfall: format_money(sum(&mut audit
                .findings
                .iter()
                .map(|finding| shortfall_of(finding.finding_type, finding.difference)))),
            interest: format_money(sum(&mut audit
                .findings
                .iter()
                .filter(|finding| {
                    matches!(
                        finding.finding_type,
                        FindingType::Unpaid | FindingType::Underpaid | FindingType::Late
                    )
                })
                .filter_map(|finding| finding.interest))),
            findings: audit.findings.len(),
            by_severity,
            by_type: by_type
                .into_iter()
                .map(|(name, (count, amount))| {
                    (
                        name,
                        TypeTotal {
                            count,
                            amount: format_money(amount),
                        },
                    )
                })
                .collect(),
            per_contract,
        }
    }
}
