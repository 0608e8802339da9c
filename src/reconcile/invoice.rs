//! Invoice checks on cash payouts (SPEC §4): one problem per reason — `missing`, `amount`,
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
    About, Check, Evidence, Fact, Finding, FindingType, InvoiceIssue, Reason, Severity, Unread,
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

    check_duplicate(&mut review, number, others_with_same_number);
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
        let outcome = if kind != PayoutKind::Cash {
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
mod tests {
    use super::*;
    use crate::domain::contract::Settlement;
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
            unread: Vec::new(),
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

    /// A payout whose `field` cell held `text` that could not be read.
    fn unread(field: PayoutField, text: &str) -> UnreadCell {
        UnreadCell {
            field,
            location: Location::file("payouts.csv".into())
                .at_row(5)
                .at_column(field.column()),
            text: text.into(),
            problem: format!("expected something else, found `{text}`"),
        }
    }

    fn with_unread(invoice: Invoice, cells: Vec<UnreadCell>) -> Payout {
        Payout {
            unread: cells,
            ..payout(invoice)
        }
    }

    const TERMS: InvoiceTerms = InvoiceTerms {
        tolerance: Decimal::from_parts(1, 0, 0, false, 2),
        window_days: 30,
    };

    /// (type, reason, severity, location) of each finding.
    fn summary(findings: &[Finding]) -> Vec<(&str, &str, &str, String)> {
        findings
            .iter()
            .map(|finding| {
                (
                    finding.finding_type.word(),
                    finding.reason.map_or("", Reason::word),
                    finding.severity.word(),
                    finding
                        .evidence
                        .location
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn an_unreadable_invoice_cell_is_the_finding_of_the_check_it_stands_in_for() {
        // The type, amount and date cells could not be read; the rest of the invoice is
        // right. Each unread cell is one mis_invoiced finding, named by its cell, and no
        // other finding (no warning besides).
        let invoice = Invoice {
            kind: None,
            amount: None,
            date: None,
            ..good_invoice()
        };
        let payout = with_unread(
            invoice,
            vec![
                unread(PayoutField::InvoiceDate, "2025-13-01"),
                unread(PayoutField::InvoiceAmount, "10,6OO"),
                unread(PayoutField::InvoiceType, "VAT specail"),
            ],
        );
        let findings = payout_findings(&payout, &strict_contract(), TERMS, &[]);
        assert_eq!(
            summary(&findings),
            [
                (
                    "mis_invoiced",
                    "amount",
                    "warning",
                    "payouts.csv:5:invoice_amount".to_string()
                ),
                (
                    "mis_invoiced",
                    "type",
                    "warning",
                    "payouts.csv:5:invoice_type".to_string()
                ),
                (
                    "mis_invoiced",
                    "invoice_date",
                    "warning",
                    "payouts.csv:5:invoice_date".to_string()
                ),
            ]
        );
        let About::Invoice { issue, .. } = &findings[1].about else {
            panic!("{:?}", findings[1].about);
        };
        assert_eq!(
            issue,
            &InvoiceIssue::Unreadable {
                number: "0451".into(),
                field: PayoutField::InvoiceType,
                problem: "expected something else, found `VAT specail`".into()
            }
        );
        // The evidence shows the check as failed, with the cell's text found.
        let checks: Vec<(&str, bool, Option<&str>)> = findings[1]
            .evidence
            .checks
            .iter()
            .map(|check| (check.field.as_str(), check.ok, check.found.as_deref()))
            .collect();
        assert_eq!(
            checks,
            [
                ("invoice_no", true, Some("0451")),
                ("invoice_amount", false, Some("10,6OO")),
                ("invoice_tax_rate", true, Some("6%")),
                ("invoice_type", false, Some("VAT specail")),
                ("invoice_issuer", true, Some("91310000MA1FL0001X")),
                ("invoice_date", false, Some("2025-13-01")),
                ("invoice_no", true, Some("on no other payout")),
            ]
        );
        assert_eq!(findings[1].paid, Some(d("10600.00")));
    }

    #[test]
    fn an_unread_cell_no_check_needs_is_a_named_warning() {
        let tax = || unread(PayoutField::InvoiceTaxRate, "six");
        let issuer = || unread(PayoutField::InvoiceIssuer, "#N/A");
        let outcome = |findings: &[Finding]| -> Vec<Unread> {
            findings
                .iter()
                .filter_map(|finding| match &finding.about {
                    About::UnreadCell { outcome, .. } => Some(outcome.clone()),
                    _ => None,
                })
                .collect()
        };
        // The contract states no tax rate and no agent tax id: nothing to check against.
        let mut loose = strict_contract();
        loose.tax_rate = None;
        loose.agent_tax_id = None;
        let payout = with_unread(good_invoice(), vec![tax(), issuer()]);
        let findings = payout_findings(&payout, &loose, TERMS, &[]);
        assert_eq!(
            summary(&findings),
            [
                (
                    "rejected_row",
                    "unread_cell",
                    "warning",
                    "payouts.csv:5:invoice_tax_rate".to_string()
                ),
                (
                    "rejected_row",
                    "unread_cell",
                    "warning",
                    "payouts.csv:5:invoice_issuer".to_string()
                ),
            ]
        );
        let nothing = Unread::NothingToCheck {
            contract: "C1".into(),
        };
        assert_eq!(outcome(&findings), [nothing.clone(), nothing]);
        assert_eq!(findings[0].payout_id.as_deref(), Some("P1"));
        assert_eq!(findings[0].contract_id.as_deref(), Some("C1"));
        // No invoice required.
        let mut relaxed = strict_contract();
        relaxed.invoice = InvoiceKind::None;
        let findings = payout_findings(&payout, &relaxed, TERMS, &[]);
        assert_eq!(
            outcome(&findings),
            vec![
                Unread::NoInvoiceRequired {
                    contract: "C1".into()
                };
                2
            ]
        );
        // Not cash: its invoice is not checked.
        let offset = Payout {
            kind: Some(PayoutKind::Offset),
            ..payout.clone()
        };
        let findings = payout_findings(&offset, &strict_contract(), TERMS, &[]);
        assert_eq!(
            outcome(&findings),
            vec![
                Unread::NotCash {
                    kind: PayoutKind::Offset
                };
                2
            ]
        );
        // No invoice number: `missing`, and the cells are not checked further.
        let unnumbered = with_unread(Invoice::default(), vec![tax()]);
        let findings = payout_findings(&unnumbered, &strict_contract(), TERMS, &[]);
        assert_eq!(
            summary(&findings)
                .iter()
                .map(|(kind, reason, ..)| (*kind, *reason))
                .collect::<Vec<_>>(),
            [("mis_invoiced", "missing"), ("rejected_row", "unread_cell")]
        );
        assert_eq!(outcome(&findings), [Unread::NoInvoiceNumber]);
        // A payout matched to no contract.
        assert_eq!(
            outcome(&unmatched_payout_findings(&payout)),
            vec![Unread::NoContract; 2]
        );
    }

    #[test]
    fn an_unread_kind_takes_the_contracts_kind_and_says_so() {
        // The contract pays cash: the payout is taken as cash and its invoice checked.
        let payout = with_unread(
            Invoice {
                kind: Some(InvoiceKind::VatGeneral),
                ..good_invoice()
            },
            vec![unread(PayoutField::Kind, "cassh")],
        );
        let findings = payout_findings(&payout, &strict_contract(), TERMS, &[]);
        assert_eq!(
            summary(&findings)
                .iter()
                .map(|(kind, reason, severity, _)| (*kind, *reason, *severity))
                .collect::<Vec<_>>(),
            [
                ("rejected_row", "unread_cell", "warning"),
                ("mis_invoiced", "type", "warning")
            ]
        );
        assert_eq!(
            findings[0].about,
            About::UnreadCell {
                field: PayoutField::Kind,
                problem: "expected something else, found `cassh`".into(),
                outcome: Unread::ContractKind {
                    contract: "C1".into(),
                    kind: PayoutKind::Cash
                }
            }
        );
        // A contract paying by offset: no invoice check, one warning.
        let mut offsetting = strict_contract();
        offsetting.payout_kind = PayoutKind::Offset;
        let findings = payout_findings(&payout, &offsetting, TERMS, &[]);
        assert_eq!(findings.len(), 1);
    }
}
