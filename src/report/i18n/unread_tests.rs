//! Worked sentences of the cells a payout is kept without (issue 13): the `mis_invoiced`
//! finding of a check an unreadable cell stands in for, and the warning of a cell no check
//! needed, word for word in English and in Chinese. (Beside `tests.rs`, which is full.)

use super::*;
use crate::domain::contract::PayoutKind;
use crate::domain::finding::{About, Fact, FindingType, InvoiceIssue, Reason, Unread};
use crate::domain::location::Location;
use crate::domain::payout::PayoutField;
use crate::domain::test_support::{d, day};

fn said(finding: &Finding) -> (String, String) {
    (detail(finding, Lang::En), detail(finding, Lang::Zh))
}

/// Payout P1 of contract C1: 10,600.00 received on 2025-05-10.
fn payout_finding(kind: FindingType, reason: Reason, about: About) -> Finding {
    let fact = Fact {
        contract_id: Some("C1"),
        payout_id: Some("P1"),
        reason: Some(reason),
        ..Fact::default()
    };
    let mut finding = Finding::new(kind, fact, about);
    finding.paid = Some(d("10600"));
    finding.paid_on = Some(day("2025-05-10"));
    finding
}

#[test]
fn an_unreadable_invoice_cell_in_both_languages() {
    let finding = payout_finding(
        FindingType::MisInvoiced,
        Reason::Type,
        About::Invoice {
            currency: "CNY".into(),
            issue: InvoiceIssue::Unreadable {
                number: "0451".into(),
                field: PayoutField::InvoiceType,
                problem: "expected an invoice type: vat_special (专票), found `VAT specail`".into(),
            },
        },
    );
    assert_eq!(
        said(&finding),
        (
            "Invoice 0451 on payout P1: its type could not be checked against contract C1, because its cell could not be read (expected an invoice type: vat_special (专票), found `VAT specail`).".to_string(),
            "付款 P1 的发票 0451：单元格未能读取（原文：expected an invoice type: vat_special (专票), found `VAT specail`），无法按合同 C1 核对其发票类型。".to_string()
        )
    );
    let fields = [
        (PayoutField::InvoiceDate, "date", "开票日期"),
        (PayoutField::InvoiceAmount, "amount", "价税合计"),
        (PayoutField::InvoiceTaxRate, "VAT rate", "税率"),
        (PayoutField::InvoiceIssuer, "issuer", "开票方税号"),
        (PayoutField::Kind, "payout kind", "返点方式"),
    ];
    for (field, en, zh) in fields {
        assert_eq!(sentences(Lang::En).payout_field(field), en);
        assert_eq!(sentences(Lang::Zh).payout_field(field), zh);
    }
}

#[test]
fn an_unread_cell_warning_in_both_languages() {
    let warning = |field: PayoutField, outcome: Unread| {
        let mut finding = payout_finding(
            FindingType::RejectedRow,
            Reason::UnreadCell,
            About::UnreadCell {
                field,
                problem: "expected a rate, found `six`".into(),
                outcome,
            },
        );
        finding.paid = None;
        finding.evidence.location = Some(
            Location::file("ledger/payouts.csv".into())
                .at_row(5)
                .at_column(field.column()),
        );
        said(&finding)
    };
    let cases = [
        (
            PayoutField::Kind,
            Unread::ContractKind {
                contract: "C1".into(),
                kind: PayoutKind::Cash,
            },
            "ledger/payouts.csv:5:kind: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts, taken as contract C1's payout kind, cash.",
            "ledger/payouts.csv:5:kind：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入，按合同 C1 的返点方式（现金）处理。",
        ),
        (
            PayoutField::InvoiceTaxRate,
            Unread::NoInvoiceRequired {
                contract: "C1".into(),
            },
            "ledger/payouts.csv:5:invoice_tax_rate: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts; contract C1 requires no invoice, so no check needed the cell.",
            "ledger/payouts.csv:5:invoice_tax_rate：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入；合同 C1 不要求发票，无需核对该单元格。",
        ),
        (
            PayoutField::InvoiceTaxRate,
            Unread::NotCash {
                kind: PayoutKind::Offset,
            },
            "ledger/payouts.csv:5:invoice_tax_rate: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts; it is paid as offset, not cash, so its invoice is not checked.",
            "ledger/payouts.csv:5:invoice_tax_rate：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入；该付款以抵扣方式支付，不是现金，不核对发票。",
        ),
        (
            PayoutField::InvoiceTaxRate,
            Unread::NoInvoiceNumber,
            "ledger/payouts.csv:5:invoice_tax_rate: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts; it has no invoice number, so its invoice is reported as missing and not checked further.",
            "ledger/payouts.csv:5:invoice_tax_rate：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入；该付款没有发票号码，已按缺少发票报告，不再进一步核对。",
        ),
        (
            PayoutField::InvoiceTaxRate,
            Unread::NothingToCheck {
                contract: "C1".into(),
            },
            "ledger/payouts.csv:5:invoice_tax_rate: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts; contract C1 states nothing to check the cell against.",
            "ledger/payouts.csv:5:invoice_tax_rate：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入；合同 C1 未约定可核对该单元格的内容。",
        ),
        (
            PayoutField::InvoiceTaxRate,
            Unread::NoContract,
            "ledger/payouts.csv:5:invoice_tax_rate: the cell was not read (expected a rate, found `six`); payout P1 is kept and its amount counts; it was matched to no contract, so no check needed the cell.",
            "ledger/payouts.csv:5:invoice_tax_rate：未读取该单元格（原文：expected a rate, found `six`）；付款 P1 仍保留，金额照常计入；该付款未匹配到任何合同，无需核对该单元格。",
        ),
    ];
    for (field, outcome, en, zh) in cases {
        assert_eq!(warning(field, outcome), (en.to_string(), zh.to_string()));
    }
}
