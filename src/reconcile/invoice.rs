//! Invoice checks on cash payouts (docs/ARITHMETIC.md): one problem per reason — `missing`, `amount`,
//! `tax_rate`, `type`, `issuer`, `late_invoice`, `duplicate` — and, for the evidence, every
//! field checked with what was expected and what was found, passed or not.
//!
//! A payout is kept when an optional cell of its row cannot be read (the cash counts).
//! Each such cell gives exactly one finding: the `mis_invoiced` finding of the check it
//! stands in for (reason `amount`, `tax_rate`, `type`, `issuer`, or `invoice_date` for the
//! date), when that check is made; else a warning (`rejected_row`, reason `unread_cell`)
//! saying why nothing depended on it — and for `kind`, that the contract's kind was used.

use crate::domain::calendar::{add_days, days_between};
use crate::domain::contract::{Contract, InvoiceKind, PayoutKind};
use crate::domain::finding::{
    About, Check, CheckWords, Evidence, Fact, Finding, FindingType, InvoiceIssue, Reason, Severity,
    Unread,
};
use crate::domain::location::Location;
use crate::domain::money::{format_money, format_rate};
use crate::domain::payout::{Payout, PayoutField, UnreadCell};
use rust_decimal::Decimal;

/// What is wrong with one payout's invoice, for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceProblem {
    /// `missing`, `amount`, `tax_rate`, `type`, `issuer`, `late_invoice` or `duplicate`.
    pub reason: Reason,
    /// What the contract or payout calls for.
    pub expected: String,
    /// What the invoice shows.
    pub found: String,
    /// The facts of the problem, for its sentence.
    pub issue: InvoiceIssue,
    /// The cell that could not be read, when the problem is that the check could not be
    /// made.
    pub cell: Option<Location>,
}

/// The review of one payout's invoice: every check made, and the problems among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceReview {
    /// Every field checked, in the order of the reasons.
    pub checks: Vec<Check>,
    /// One per failed check.
    pub problems: Vec<InvoiceProblem>,
    /// The unread cells a check stood in for (each is one of the problems).
    pub unread_checked: Vec<PayoutField>,
}

impl InvoiceReview {
    fn record(
        &mut self,
        field: &str,
        reason: Reason,
        expected: String,
        found: Option<String>,
        failure: Option<(String, InvoiceIssue)>,
    ) {
        self.checks.push(Check {
            field: field.into(),
            reason,
            expected: expected.clone(),
            found,
            ok: failure.is_none(),
            words: CheckWords::Values,
        });
        if let Some((found, issue)) = failure {
            self.problems.push(InvoiceProblem {
                reason,
                expected,
                found,
                issue,
                cell: None,
            });
        }
    }

    /// The check of `field` could not be made: its cell could not be read. A failed check
    /// whose `found` is the cell's text, and a problem naming the cell.
    fn unreadable(&mut self, reason: Reason, expected: String, number: &str, cell: &UnreadCell) {
        self.checks.push(Check {
            field: cell.field.column().into(),
            reason,
            expected: expected.clone(),
            found: Some(cell.text.clone()),
            ok: false,
            words: CheckWords::Values,
        });
        self.problems.push(InvoiceProblem {
            reason,
            expected,
            found: cell.text.clone(),
            issue: InvoiceIssue::Unreadable {
                number: number.to_string(),
                field: cell.field,
                problem: cell.problem.clone(),
            },
            cell: Some(cell.location.clone()),
        });
        self.unread_checked.push(cell.field);
    }

    /// Says what the last check recorded expects and found, as facts.
    fn words(&mut self, words: CheckWords) {
        if let Some(check) = self.checks.last_mut() {
            check.words = words;
        }
    }
}

/// Checks a cash payout's invoice against its contract. `others_with_same_number` lists
/// the other payouts that carry the same invoice number.
pub fn check(
    payout: &Payout,
    contract: &Contract,
    tolerance: Decimal,
    window_days: i64,
    others_with_same_number: &[&str],
) -> InvoiceReview {
    let mut review = InvoiceReview::default();
    if contract.invoice == InvoiceKind::None {
        return review;
    }
    let invoice = &payout.invoice;
    let Some(number) = &invoice.number else {
        review.record(
            "invoice_no",
            Reason::Missing,
            format!("a {} invoice", contract.invoice),
            None,
            Some((
                "no invoice number".into(),
                InvoiceIssue::Missing {
                    required: contract.invoice,
                },
            )),
        );
        review.words(CheckWords::Kind(contract.invoice));
        return review;
    };
    review.record(
        "invoice_no",
        Reason::Missing,
        format!("a {} invoice", contract.invoice),
        Some(number.clone()),
        None,
    );
    review.words(CheckWords::Kind(contract.invoice));

    if let Some(cell) = payout.unread(PayoutField::InvoiceAmount) {
        review.unreadable(Reason::Amount, format_money(payout.amount), number, cell);
    } else {
        check_amount(&mut review, payout, number, tolerance);
    }

    if let Some(expected_rate) = contract.tax_rate {
        if let Some(cell) = payout.unread(PayoutField::InvoiceTaxRate) {
            review.unreadable(Reason::TaxRate, format_rate(expected_rate), number, cell);
        } else {
            check_tax_rate(&mut review, payout, number, expected_rate);
        }
    }

    if let Some(cell) = payout.unread(PayoutField::InvoiceType) {
        review.unreadable(Reason::Type, contract.invoice.to_string(), number, cell);
    } else {
        check_type(&mut review, payout, number, contract.invoice);
    }

    if let Some(agent_tax_id) = &contract.agent_tax_id {
        if let Some(cell) = payout.unread(PayoutField::InvoiceIssuer) {
            review.unreadable(Reason::Issuer, agent_tax_id.clone(), number, cell);
        } else if let Some(issuer) = &invoice.issuer {
            check_issuer(&mut review, number, issuer, contract, agent_tax_id);
        }
    }

    let latest = add_days(payout.paid_on, window_days)
        .map_or_else(String::new, |date| format!("on or before {date}, "));
    let expected_date = format!(
        "{latest}invoiced within {window_days} days of {}",
        payout.paid_on
    );
    if let Some(cell) = payout.unread(PayoutField::InvoiceDate) {
        review.unreadable(Reason::InvoiceDate, expected_date, number, cell);
    } else {
        check_date(&mut review, payout, number, expected_date, window_days);
    }
    review.words(CheckWords::Within {
        latest: add_days(payout.paid_on, window_days),
        days: window_days,
        paid_on: payout.paid_on,
    });

    // A number whose last digits are lost could equal another invoice's by accident.
    if payout.unread(PayoutField::InvoiceNumber).is_none() {
        check_duplicate(&mut review, number, others_with_same_number);
    }
    review
}

fn check_amount(review: &mut InvoiceReview, payout: &Payout, number: &str, tolerance: Decimal) {
    let invoice = &payout.invoice;
    let amount_ok = invoice.amount.is_some_and(|amount| {
        amount
            .checked_sub(payout.amount)
            .is_some_and(|gap| gap.abs() <= tolerance)
    });
    let found = invoice.amount;
    review.record(
        "invoice_amount",
        Reason::Amount,
        format_money(payout.amount),
        found.map(format_money),
        (!amount_ok).then(|| {
            (
                found.map_or("no invoice amount".into(), format_money),
                InvoiceIssue::Amount {
                    number: number.to_string(),
                    found,
                },
            )
        }),
    );
}

fn check_tax_rate(review: &mut InvoiceReview, payout: &Payout, number: &str, expected: Decimal) {
    let found = payout.invoice.tax_rate;
    review.record(
        "invoice_tax_rate",
        Reason::TaxRate,
        format_rate(expected),
        found.map(format_rate),
        (found != Some(expected)).then(|| {
            (
                found.map_or("no tax rate".into(), format_rate),
                InvoiceIssue::TaxRate {
                    number: number.to_string(),
                    found,
                    expected,
                },
            )
        }),
    );
}

fn check_type(review: &mut InvoiceReview, payout: &Payout, number: &str, required: InvoiceKind) {
    let found = payout.invoice.kind;
    review.record(
        "invoice_type",
        Reason::Type,
        required.to_string(),
        found.map(|kind| kind.to_string()),
        (found != Some(required)).then(|| {
            (
                found.map_or("no invoice type".into(), |kind| kind.to_string()),
                InvoiceIssue::Type {
                    number: number.to_string(),
                    found,
                    required,
                },
            )
        }),
    );
}

fn check_issuer(
    review: &mut InvoiceReview,
    number: &str,
    issuer: &str,
    contract: &Contract,
    agent_tax_id: &str,
) {
    review.record(
        "invoice_issuer",
        Reason::Issuer,
        agent_tax_id.to_string(),
        Some(issuer.to_string()),
        (!issuer.eq_ignore_ascii_case(agent_tax_id)).then(|| {
            (
                issuer.to_string(),
                InvoiceIssue::Issuer {
                    number: number.to_string(),
                    issuer: issuer.to_string(),
                    agent: contract.agent.clone(),
                    agent_tax_id: agent_tax_id.to_string(),
                },
            )
        }),
    );
}

fn check_date(
    review: &mut InvoiceReview,
    payout: &Payout,
    number: &str,
    expected: String,
    window_days: i64,
) {
    let found = payout.invoice.date;
    review.record(
        "invoice_date",
        Reason::LateInvoice,
        expected,
        found.map(|date| date.to_string()),
        found
            .is_none_or(|date| days_between(payout.paid_on, date) > window_days)
            .then(|| {
                (
                    found.map_or("no invoice date".into(), |date| date.to_string()),
                    InvoiceIssue::LateInvoice {
                        number: number.to_string(),
                        dated: found,
                        window_days,
                    },
                )
            }),
    );
}

fn check_duplicate(review: &mut InvoiceReview, number: &str, others_with_same_number: &[&str]) {
    let others = others_with_same_number.join(", ");
    review.record(
        "invoice_no",
        Reason::Duplicate,
        "an invoice number used once".into(),
        Some(if others.is_empty() {
            "on no other payout".into()
        } else {
            format!("also on payout {others}")
        }),
        (!others.is_empty()).then(|| {
            (
                format!("also on payout {others}"),
                InvoiceIssue::Duplicate {
                    number: number.to_string(),
                    others: others_with_same_number
                        .iter()
                        .map(|other| other.to_string())
                        .collect(),
                },
            )
        }),
    );
    review.words(CheckWords::UsedOnce {
        others: others_with_same_number
            .iter()
            .map(|other| other.to_string())
            .collect(),
    });
}

/// The invoice terms of one contract's ruleset.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceTerms {
    /// How far an invoice amount may be off.
    pub tolerance: Decimal,
    /// How many days after the payout an invoice may be dated.
    pub window_days: i64,
}

/// Every finding about one payout of `contract`'s (in its currency): the `mis_invoiced`
/// findings of a cash payout's invoice, and a warning for each unread cell no check stood
/// in for. `others_with_same_number` lists the other payouts with its invoice number.
pub fn payout_findings(
    payout: &Payout,
    contract: &Contract,
    terms: InvoiceTerms,
    others_with_same_number: &[&str],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut unread: Vec<&UnreadCell> = payout.unread.iter().collect();
    if let Some(cell) = payout.unread(PayoutField::Kind) {
        unread.retain(|other| other.field != PayoutField::Kind);
        findings.push(unread_finding(
            payout,
            Some(&contract.id),
            cell,
            Unread::ContractKind {
                contract: contract.id.clone(),
                kind: contract.payout_kind,
            },
        ));
    }
    let kind = payout.kind.unwrap_or(contract.payout_kind);
    let review = if kind == PayoutKind::Cash {
        check(
            payout,
            contract,
            terms.tolerance,
            terms.window_days,
            others_with_same_number,
        )
    } else {
        InvoiceReview::default()
    };
    for problem in &review.problems {
        let mut finding = Finding::new(
            FindingType::MisInvoiced,
            Fact {
                contract_id: Some(&contract.id),
                payout_id: Some(&payout.id),
                reason: Some(problem.reason),
                ..Fact::default()
            },
            About::Invoice {
                currency: contract.currency.clone(),
                issue: problem.issue.clone(),
            },
        );
        finding.paid = Some(payout.amount);
        finding.paid_on = Some(payout.paid_on);
        finding.evidence = Evidence {
            location: Some(
                problem
                    .cell
                    .clone()
                    .unwrap_or_else(|| payout.source.clone()),
            ),
            facts: vec![
                ("expected".into(), problem.expected.clone()),
                ("found".into(), problem.found.clone()),
            ],
            checks: review.checks.clone(),
            ..Evidence::default()
        };
        findings.push(finding);
    }
    unread.retain(|cell| !review.unread_checked.contains(&cell.field));
    for cell in unread {
        let outcome = if cell.field == PayoutField::InvoiceNumber {
            Unread::NumberNotMatched
        } else if kind != PayoutKind::Cash {
            Unread::NotCash { kind }
        } else if contract.invoice == InvoiceKind::None {
            Unread::NoInvoiceRequired {
                contract: contract.id.clone(),
            }
        } else if payout.invoice.number.is_none() {
            Unread::NoInvoiceNumber
        } else {
            Unread::NothingToCheck {
                contract: contract.id.clone(),
            }
        };
        findings.push(unread_finding(payout, Some(&contract.id), cell, outcome));
    }
    findings
}

/// A warning for each unread cell of a payout matched to no contract (one naming an
/// unknown contract, or in another currency than its contract's).
pub fn unmatched_payout_findings(payout: &Payout) -> Vec<Finding> {
    payout
        .unread
        .iter()
        .map(|cell| unread_finding(payout, None, cell, Unread::NoContract))
        .collect()
}

/// An unread cell's warning: a `rejected_row` finding (reason `unread_cell`) of severity
/// warning, since its row is kept and no amount depends on the cell.
fn unread_finding(
    payout: &Payout,
    contract_id: Option<&str>,
    cell: &UnreadCell,
    outcome: Unread,
) -> Finding {
    let subject = super::quality::subject(&cell.location);
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        Fact {
            contract_id,
            payout_id: Some(&payout.id),
            reason: Some(Reason::UnreadCell),
            subject: Some(&subject),
            ..Fact::default()
        },
        About::UnreadCell {
            field: cell.field,
            problem: cell.problem.clone(),
            outcome,
        },
    );
    finding.severity = Severity::Warning;
    finding.paid_on = Some(payout.paid_on);
    finding.evidence.location = Some(cell.location.clone());
    finding.evidence.facts = vec![
        ("field".into(), cell.field.column().into()),
        ("found".into(), cell.text.clone()),
        ("payout_amount".into(), format_money(payout.amount)),
    ];
    finding
}

#[cfg(test)]
mod tests;
