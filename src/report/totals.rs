//! The numbers every report leads with, computed once from the audit.
//!
//! The headline is what is due by now (past its deadline: due date plus grace days), what
//! was paid against it, what is short and the late interest; money not yet due and money
//! due only after a renewal that has not happened are apart, never added to what is
//! owed; so is what was paid beyond the installments. Amounts in different currencies are
//! never added up in a sentence: `by_currency` holds the headline of each.

use crate::domain::audit::Audit;
use crate::domain::calendar::add_days;
use crate::domain::contract::Contract;
use crate::domain::finding::{Finding, FindingType, Severity};
use crate::domain::installment::InstallmentRecord;
use crate::domain::money::format_money;
use crate::domain::stake::{Stake, stakes};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Count and money at stake for one finding type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TypeTotal {
    /// Findings of this type.
    pub count: usize,
    /// Sum of their amounts at stake: shortfall (unpaid, underpaid), excess (overpaid),
    /// interest (late), clawback, the invoice amount once per invoice (mis_invoiced), the
    /// money named (other types).
    pub amount: String,
}

/// Installment money by whether it is due, and what was paid against it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Headline {
    /// Σ expected of the installments past their deadline (due date + grace days) as of
    /// the audit date (positive expectations only).
    pub due_by_now: String,
    /// Σ paid against those, each installment counted up to its expectation.
    pub paid_against_due: String,
    /// Σ shortfall of unpaid and underpaid installments.
    pub shortfall: String,
    /// Σ late interest claimed.
    pub interest: String,
    /// Σ expected of the installments whose deadline has not passed.
    pub not_yet_due: String,
    /// Σ paid against those (paid early), each up to its expectation.
    pub paid_not_yet_due: String,
    /// Σ expected of the installments due only after a renewal that has not happened.
    pub conditional: String,
    /// Σ paid against those, each up to its expectation.
    pub paid_conditional: String,
    /// Σ paid beyond what installments expect (the overpaid findings' excess).
    pub excess: String,
    /// Whether a contract has a late-interest rate: without one, headlines do not speak
    /// of interest.
    #[serde(skip)]
    pub charges_interest: bool,
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
    /// Σ expected over installments whose deadline has passed (positive expectations).
    pub due: String,
    /// Σ paid.
    pub paid: String,
    /// Σ shortfall of unpaid and underpaid installments.
    pub shortfall: String,
    /// Σ paid against the installments due by now, each up to its expectation.
    pub paid_against_due: String,
    /// Σ expected of installments whose deadline has not passed.
    pub not_yet_due: String,
    /// Σ expected of installments due only after a renewal that has not happened.
    pub conditional: String,
    /// Σ paid beyond what installments expect.
    pub excess: String,
    /// The contract's currency.
    pub currency: String,
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
    /// Σ expected, every installment (due, not yet due and conditional alike).
    pub expected: String,
    /// Σ paid (allocated to installments, excess included).
    pub paid: String,
    /// The headline, every currency added up (as `expected` and `paid` are).
    #[serde(flatten)]
    pub headline: Headline,
    /// The headline of each contract currency.
    pub by_currency: BTreeMap<String, Headline>,
    /// Number of findings.
    pub findings: usize,
    /// Findings by severity.
    pub by_severity: BTreeMap<&'static str, usize>,
    /// Findings by type.
    pub by_type: BTreeMap<&'static str, TypeTotal>,
    /// Per contract.
    pub per_contract: Vec<ContractTotal>,
    /// Each finding's amount at stake, in the audit's finding order.
    #[serde(skip)]
    pub stakes: Vec<Stake>,
}

/// What an installment expects, received, and when it is due.
#[derive(Debug, Clone, Copy)]
struct Owed {
    expected: Decimal,
    paid: Decimal,
    due_on: Option<NaiveDate>,
}

impl From<&InstallmentRecord> for Owed {
    fn from(record: &InstallmentRecord) -> Owed {
        Owed {
            expected: record.expected,
            paid: record.paid,
            due_on: record.due_on,
        }
    }
}

/// The headline's sums, as exact amounts.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    due: Decimal,
    paid_due: Decimal,
    shortfall: Decimal,
    interest: Decimal,
    not_yet_due: Decimal,
    paid_not_yet_due: Decimal,
    conditional: Decimal,
    paid_conditional: Decimal,
    excess: Decimal,
    charges_interest: bool,
}

impl Sums {
    /// Adds an installment — its expectation, what it received, its due date — of a
    /// contract with `grace_days`, as of `as_of`, to the money due by now (past the
    /// deadline), not yet due, or conditional (no due date: the renewal has not happened),
    /// with what was paid against it (at most the expectation; the rest is excess).
    fn installment(&mut self, installment: Owed, grace_days: i64, as_of: NaiveDate) {
        if installment.expected <= Decimal::ZERO {
            return;
        }
        let against = installment.paid.min(installment.expected);
        let (expected, paid) = match installment.due_on {
            None => (&mut self.conditional, &mut self.paid_conditional),
            Some(due_on) if add_days(due_on, grace_days).is_some_and(|end| as_of > end) => {
                (&mut self.due, &mut self.paid_due)
            }
            Some(_) => (&mut self.not_yet_due, &mut self.paid_not_yet_due),
        };
        *expected = expected.saturating_add(installment.expected);
        *paid = paid.saturating_add(against);
    }

    /// Adds a finding's shortfall, interest or excess.
    fn finding(&mut self, finding: &Finding) {
        let difference = finding.difference.unwrap_or_default();
        match finding.finding_type {
            FindingType::Unpaid | FindingType::Underpaid => {
                self.shortfall = self.shortfall.saturating_sub(difference);
            }
            FindingType::Overpaid => self.excess = self.excess.saturating_add(difference),
            _ => {}
        }
        if matches!(
            finding.finding_type,
            FindingType::Unpaid | FindingType::Underpaid | FindingType::Late
        ) {
            let interest = finding.interest.unwrap_or_default();
            self.interest = self.interest.saturating_add(interest);
        }
    }

    fn headline(&self) -> Headline {
        Headline {
            due_by_now: format_money(self.due),
            paid_against_due: format_money(self.paid_due),
            shortfall: format_money(self.shortfall),
            interest: format_money(self.interest),
            not_yet_due: format_money(self.not_yet_due),
            paid_not_yet_due: format_money(self.paid_not_yet_due),
            conditional: format_money(self.conditional),
            paid_conditional: format_money(self.paid_conditional),
            excess: format_money(self.excess),
            charges_interest: self.charges_interest,
        }
    }
}

impl Totals {
    /// Adds everything up.
    pub fn of(audit: &Audit) -> Totals {
        let sum = |values: &mut dyn Iterator<Item = Decimal>| {
            values.fold(Decimal::ZERO, |total, value| total.saturating_add(value))
        };
        let contracts: HashMap<&str, &Contract> = audit
            .contracts
            .iter()
            .map(|result| (result.contract.id.as_str(), &result.contract))
            .collect();
        let mut overall = Sums::default();
        let mut by_currency: BTreeMap<&str, Sums> = BTreeMap::new();
        let mut per_contract: HashMap<&str, Sums> = HashMap::new();
        for contract in contracts.values() {
            let charges = !contract.late_interest.is_zero();
            overall.charges_interest |= charges;
            by_currency
                .entry(contract.currency.as_str())
                .or_default()
                .charges_interest |= charges;
        }
        for record in &audit.installments {
            let Some(contract) = contracts.get(record.contract_id.as_str()) else {
                continue;
            };
            for sums in [
                &mut overall,
                by_currency.entry(contract.currency.as_str()).or_default(),
                per_contract.entry(contract.id.as_str()).or_default(),
            ] {
                sums.installment(record.into(), contract.grace_days, audit.as_of);
            }
        }
        for finding in &audit.findings {
            let Some(contract) = finding
                .contract_id
                .as_deref()
                .and_then(|id| contracts.get(id))
            else {
                continue;
            };
            for sums in [
                &mut overall,
                by_currency.entry(contract.currency.as_str()).or_default(),
                per_contract.entry(contract.id.as_str()).or_default(),
            ] {
                sums.finding(finding);
            }
        }

        let stakes = stakes(&audit.findings, &audit.payouts);
        let mut by_severity: BTreeMap<&'static str, usize> =
            [Severity::Info, Severity::Warning, Severity::Error]
                .iter()
                .map(|severity| (severity.word(), 0))
                .collect();
        let mut by_type: BTreeMap<&'static str, (usize, Decimal)> = BTreeMap::new();
        for (finding, stake) in audit.findings.iter().zip(&stakes) {
            *by_severity.entry(finding.severity.word()).or_default() += 1;
            let entry = by_type.entry(finding.finding_type.word()).or_default();
            entry.0 += 1;
            if stake.counted {
                entry.1 = entry.1.saturating_add(stake.amount);
            }
        }
        let per_contract = audit
            .contracts
            .iter()
            .map(|result| {
                let contract = &result.contract;
                let records = audit.installments_of(result);
                let sums = per_contract
                    .get(contract.id.as_str())
                    .copied()
                    .unwrap_or_default();
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
                    due: format_money(sums.due),
                    paid: format_money(sum(&mut records.iter().map(|record| record.paid))),
                    shortfall: format_money(sums.shortfall),
                    paid_against_due: format_money(sums.paid_due),
                    not_yet_due: format_money(sums.not_yet_due),
                    conditional: format_money(sums.conditional),
                    excess: format_money(sums.excess),
                    currency: contract.currency.clone(),
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
            headline: overall.headline(),
            by_currency: by_currency
                .into_iter()
                .map(|(currency, sums)| (currency.to_string(), sums.headline()))
                .collect(),
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
            stakes,
        }
    }

    /// The headlines to show: the one of all contracts when they share a currency (or
    /// there are none), else one per currency, with its code.
    pub fn headlines(&self) -> Vec<(Option<&str>, &Headline)> {
        if self.by_currency.len() > 1 {
            self.by_currency
                .iter()
                .map(|(currency, headline)| (Some(currency.as_str()), headline))
                .collect()
        } else {
            vec![(None, &self.headline)]
        }
    }

    /// The audit's findings (`findings`, whose stakes these totals hold) in the order
    /// reports list them (see [`rank`]), each with its stake.
    pub fn ranked<'a>(&self, findings: &'a [Finding]) -> Vec<(&'a Finding, Decimal)> {
        rank(findings, &self.stakes)
    }
}

/// Findings in the order reports list them: by severity, then amount at stake, largest
/// first, then report order; each with its stake (`stakes` in the findings' order; a
/// finding without one stakes [`Finding::amount_at_stake`]).
fn rank<'a>(findings: &'a [Finding], stakes: &[Stake]) -> Vec<(&'a Finding, Decimal)> {
    let mut ranked: Vec<(usize, &Finding, Decimal)> = findings
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            let stake = stakes
                .get(index)
                .map_or_else(|| finding.amount_at_stake(), |stake| stake.amount);
            (index, finding, stake)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.severity
            .cmp(&a.1.severity)
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| a.0.cmp(&b.0))
    });
    ranked
        .into_iter()
        .map(|(_, finding, stake)| (finding, stake))
        .collect()
}

#[cfg(test)]
mod tests;
