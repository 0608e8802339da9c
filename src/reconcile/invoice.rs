//! Invoice checks on cash payouts (SPEC §4): one problem per reason — `missing`, `amount`,
//! `tax_rate`, `type`, `issuer`, `late_invoice`, `duplicate` — and, for the evidence, every
//! field checked with what was expected and what was found, passed or not.

use crate::domain::calendar::{add_days, days_between};
use crate::domain::contract::{Contract, InvoiceKind};
use crate::domain::finding::{Check, InvoiceIssue, Reason};
use crate::domain::money::{format_money, format_rate};
use crate::domain::payout::Payout;
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
}

/// The review of one payout's invoice: every check made, and the problems among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceReview {
    /// Every field checked, in the order of the reasons.
    pub checks: Vec<Check>,
    /// One per failed check.
    pub problems: Vec<InvoiceProblem>,
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
        });
        if let Some((found, issue)) = failure {
            self.problems.push(InvoiceProblem {
                reason,
                expected,
                found,
                issue,
            });
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
        return review;
    };
    review.record(
        "invoice_no",
        Reason::Missing,
        format!("a {} invoice", contract.invoice),
        Some(number.clone()),
        None,
    );

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
                    number: number.clone(),
                    found,
                },
            )
        }),
    );

    if let Some(expected_rate) = contract.tax_rate {
        let found = invoice.tax_rate;
        review.record(
            "invoice_tax_rate",
            Reason::TaxRate,
            format_rate(expected_rate),
            found.map(format_rate),
            (found != Some(expected_rate)).then(|| {
                (
                    found.map_or("no tax rate".into(), format_rate),
                    InvoiceIssue::TaxRate {
                        number: number.clone(),
                        found,
                        expected: expected_rate,
                    },
                )
            }),
        );
    }

    let found = invoice.kind;
    review.record(
        "invoice_type",
        Reason::Type,
        contract.invoice.to_string(),
        found.map(|kind| kind.to_string()),
        (found != Some(contract.invoice)).then(|| {
            (
                found.map_or("no invoice type".into(), |kind| kind.to_string()),
                InvoiceIssue::Type {
                    number: number.clone(),
                    found,
                    required: contract.invoice,
                },
            )
        }),
    );

    if let (Some(issuer), Some(agent_tax_id)) = (&invoice.issuer, &contract.agent_tax_id) {
        review.record(
            "invoice_issuer",
            Reason::Issuer,
            agent_tax_id.clone(),
            Some(issuer.clone()),
            (!issuer.eq_ignore_ascii_case(agent_tax_id)).then(|| {
                (
                    issuer.clone(),
                    InvoiceIssue::Issuer {
                        number: number.clone(),
                        issuer: issuer.clone(),
                        agent: contract.agent.clone(),
                        agent_tax_id: agent_tax_id.clone(),
                    },
                )
            }),
        );
    }

    let found = invoice.date;
    let latest = add_days(payout.paid_on, window_days)
        .map_or_else(String::new, |date| format!("on or before {date}, "));
    review.record(
        "invoice_date",
        Reason::LateInvoice,
        format!(
            "{latest}invoiced within {window_days} days of {}",
            payout.paid_on
        ),
        found.map(|date| date.to_string()),
        found
            .is_none_or(|date| days_between(payout.paid_on, date) > window_days)
            .then(|| {
                (
                    found.map_or("no invoice date".into(), |date| date.to_string()),
                    InvoiceIssue::LateInvoice {
                        number: number.clone(),
                        dated: found,
                        window_days,
                    },
                )
            }),
    );

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
                    number: number.clone(),
                    others: others_with_same_number
                        .iter()
                        .map(|other| other.to_string())
                        .collect(),
                },
            )
        }),
    );
    review
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::Settlement;
    use crate::domain::location::Location;
    use crate::domain::payout::Invoice;
    use crate::domain::settlement::tests::contract;
    use crate::domain::test_support::{d, day};

    fn reasons(review: &InvoiceReview) -> Vec<&str> {
        review
            .problems
            .iter()
            .map(|problem| problem.reason.word())
            .collect()
    }

    fn payout(invoice: Invoice) -> Payout {
        Payout {
            id: "P1".into(),
            contract_id: "C1".into(),
            paid_on: day("2025-05-10"),
            amount: d("10600.00"),
            currency: None,
            kind: None,
            period: None,
            installment: None,
            invoice,
            source: Location::file("payouts.csv".into()),
        }
    }

    fn good_invoice() -> Invoice {
        Invoice {
            number: Some("0451".into()),
            date: Some(day("2025-05-20")),
            amount: Some(d("10600")),
            tax_rate: Some(d("0.06")),
            kind: Some(InvoiceKind::VatSpecial),
            issuer: Some("91310000MA1FL0001X".into()),
        }
    }

    fn strict_contract() -> Contract {
        let mut strict = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        strict.invoice = InvoiceKind::VatSpecial;
        strict.tax_rate = Some(d("0.06"));
        strict.agent_tax_id = Some("91310000MA1FL0001X".into());
        strict
    }

    #[test]
    fn a_correct_invoice_has_no_problem_and_every_check_passed() {
        let review = check(
            &payout(good_invoice()),
            &strict_contract(),
            d("0.01"),
            30,
            &[],
        );
        assert!(review.problems.is_empty());
        let fields: Vec<(&str, bool)> = review
            .checks
            .iter()
            .map(|check| (check.field.as_str(), check.ok))
            .collect();
        assert_eq!(
            fields,
            [
                ("invoice_no", true),
                ("invoice_amount", true),
                ("invoice_tax_rate", true),
                ("invoice_type", true),
                ("invoice_issuer", true),
                ("invoice_date", true),
                ("invoice_no", true),
            ]
        );
        assert_eq!(review.checks[1].expected, "10600.00");
        assert_eq!(review.checks[1].found.as_deref(), Some("10600.00"));
        assert_eq!(
            review.checks[5].expected,
            "on or before 2025-06-09, invoiced within 30 days of 2025-05-10"
        );
    }

    #[test]
    fn a_missing_invoice_is_the_only_problem_reported() {
        let review = check(
            &payout(Invoice::default()),
            &strict_contract(),
            d("0.01"),
            30,
            &[],
        );
        assert_eq!(reasons(&review), ["missing"]);
        assert_eq!(review.checks.len(), 1);
        assert_eq!(review.checks[0].found, None);
        assert!(!review.checks[0].ok);
    }

    #[test]
    fn each_wrong_field_is_its_own_reason_with_expected_and_found() {
        let invoice = Invoice {
            amount: Some(d("10000")),
            tax_rate: Some(d("0.13")),
            kind: Some(InvoiceKind::VatGeneral),
            issuer: Some("91440300MA5XXXXXXX".into()),
            date: Some(day("2025-07-01")),
            ..good_invoice()
        };
        let review = check(&payout(invoice), &strict_contract(), d("0.01"), 30, &["P9"]);
        assert_eq!(
            reasons(&review),
            [
                "amount",
                "tax_rate",
                "type",
                "issuer",
                "late_invoice",
                "duplicate"
            ]
        );
        let problems = &review.problems;
        assert_eq!(
            problems[4].issue,
            InvoiceIssue::LateInvoice {
                number: "0451".into(),
                dated: Some(day("2025-07-01")),
                window_days: 30
            }
        );
        assert_eq!(
            problems[2].issue,
            InvoiceIssue::Type {
                number: "0451".into(),
                found: Some(InvoiceKind::VatGeneral),
                required: InvoiceKind::VatSpecial
            }
        );
        assert_eq!(
            problems[0].issue,
            InvoiceIssue::Amount {
                number: "0451".into(),
                found: Some(d("10000"))
            }
        );
        assert_eq!(
            problems[5].issue,
            InvoiceIssue::Duplicate {
                number: "0451".into(),
                others: vec!["P9".into()]
            }
        );
        let failed: Vec<(&str, &str, Option<&str>)> = review
            .checks
            .iter()
            .filter(|check| !check.ok)
            .map(|check| {
                (
                    check.field.as_str(),
                    check.expected.as_str(),
                    check.found.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            failed,
            [
                ("invoice_amount", "10600.00", Some("10000.00")),
                ("invoice_tax_rate", "6%", Some("13%")),
                ("invoice_type", "vat_special", Some("vat_general")),
                (
                    "invoice_issuer",
                    "91310000MA1FL0001X",
                    Some("91440300MA5XXXXXXX")
                ),
                (
                    "invoice_date",
                    "on or before 2025-06-09, invoiced within 30 days of 2025-05-10",
                    Some("2025-07-01")
                ),
                (
                    "invoice_no",
                    "an invoice number used once",
                    Some("also on payout P9")
                ),
            ]
        );
    }

    #[test]
    fn contracts_without_an_invoice_requirement_are_not_checked() {
        let mut relaxed = strict_contract();
        relaxed.invoice = InvoiceKind::None;
        let review = check(&payout(Invoice::default()), &relaxed, d("0.01"), 30, &[]);
        assert_eq!(review, InvoiceReview::default());
    }
}
