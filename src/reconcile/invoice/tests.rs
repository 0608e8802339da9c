//! The invoice checks, and the findings of payouts with cells that could not be read.

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
        reference: None,
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
        problem: format!("expected something else, found `{text}`").into(),
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
    // Each names its payout and its contract (the contract is part of the finding's id).
    for finding in &findings {
        assert_eq!(finding.payout_id.as_deref(), Some("P1"));
        assert_eq!(finding.contract_id.as_deref(), Some("C1"));
    }
    // The evidence states what the contract called for and what the cell held.
    let facts: Vec<(&str, &str)> = findings[1]
        .evidence
        .facts
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(
        facts,
        [("expected", "vat_special"), ("found", "VAT specail")]
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
    // Two cells of one payout are two findings: the cell is part of the id.
    assert_ne!(findings[0].id, findings[1].id);
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

#[test]
fn an_invoice_number_with_lost_digits_is_checked_but_not_matched_to_another_payout() {
    let payout = with_unread(
        good_invoice(),
        vec![unread(PayoutField::InvoiceNumber, "12345678901234567000")],
    );
    // Another payout carries the same (rounded) number: not a duplicate, a warning.
    let findings = payout_findings(&payout, &strict_contract(), TERMS, &["P9"]);
    assert_eq!(
        summary(&findings),
        [(
            "rejected_row",
            "unread_cell",
            "warning",
            "payouts.csv:5:invoice_no".to_string()
        )]
    );
    assert!(matches!(
        &findings[0].about,
        About::UnreadCell {
            outcome: Unread::NumberNotMatched,
            ..
        }
    ));
    // The invoice's other fields are still checked.
    let wrong = Invoice {
        amount: Some(d("10000")),
        ..good_invoice()
    };
    let review = check(
        &with_unread(wrong, payout.unread.clone()),
        &strict_contract(),
        d("0.01"),
        30,
        &["P9"],
    );
    assert_eq!(reasons(&review), ["amount"]);
}
