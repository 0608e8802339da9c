//! The ledger reader on small tables: headers, kept and rejected rows, unread cells.

use super::*;
use crate::ingest::cell::texts;

#[test]
fn reads_chinese_headers_and_rejects_bad_rows_with_their_column() {
    let mut reader = LedgerReader::default();
    reader.begin_table(&Location::file("payouts.csv".into()));
    reader.row(
        1,
        &texts(&[
            "流水号",
            "合同编号",
            "到账日期",
            "金额",
            "所属期间",
            "发票类型",
        ]),
    );
    reader.row(
        2,
        &texts(&["P1", "C1", "2025年4月15日", "¥12,000.00", "2025-Q1", "专票"]),
    );
    reader.row(3, &texts(&["P2", "C1", "2025-04-31", "10", "", ""]));
    reader.row(4, &texts(&["P1", "C1", "2025-05-01", "10", "", ""]));
    assert_eq!(reader.payouts.len(), 1);
    let payout = &reader.payouts[0];
    assert_eq!(payout.amount, Decimal::new(12_000, 0));
    assert_eq!(
        payout.period.map(|period| period.to_string()),
        Some("2025-Q1".to_string())
    );
    assert_eq!(payout.invoice.kind, Some(InvoiceKind::VatSpecial));
    assert_eq!(reader.rejected.len(), 2);
    assert_eq!(
        reader.rejected[0].location.to_string(),
        "payouts.csv:3:到账日期"
    );
    assert!(
        reader.rejected[1]
            .reason
            .contains("already used at payouts.csv:2")
    );
    let table = &reader.tables[0];
    assert_eq!((table.rows, table.used, table.rejected), (3, 1, 2));
}

#[test]
fn invoice_types_are_read_as_people_write_them() {
    let mut reader = LedgerReader::default();
    reader.begin_table(&Location::file("payouts.csv".into()));
    reader.row(
        1,
        &texts(&[
            "payout_id",
            "contract_id",
            "paid_on",
            "amount",
            "invoice_type",
        ]),
    );
    let words = [
        ("VAT special", InvoiceKind::VatSpecial),
        ("专票", InvoiceKind::VatSpecial),
        ("增值税专用发票", InvoiceKind::VatSpecial),
        ("ＶＡＴ＿Ｓｐｅｃｉａｌ", InvoiceKind::VatSpecial),
        (" vat-special ", InvoiceKind::VatSpecial),
        ("普票", InvoiceKind::VatGeneral),
        ("增值税普通发票", InvoiceKind::VatGeneral),
        ("VAT General", InvoiceKind::VatGeneral),
        ("红字", InvoiceKind::CreditNote),
        ("Credit Note", InvoiceKind::CreditNote),
    ];
    for (index, (word, _)) in words.iter().enumerate() {
        let id = format!("P{index}");
        reader.row(index + 2, &texts(&[&id, "C1", "2025-04-15", "100", word]));
    }
    let kinds: Vec<Option<InvoiceKind>> = reader
        .payouts
        .iter()
        .map(|payout| payout.invoice.kind)
        .collect();
    let expected: Vec<Option<InvoiceKind>> = words.iter().map(|(_, kind)| Some(*kind)).collect();
    assert_eq!(kinds, expected);
    assert!(reader.payouts.iter().all(|payout| payout.unread.is_empty()));
    assert!(reader.rejected.is_empty());
}

#[test]
fn an_unreadable_optional_cell_keeps_the_payout_and_names_the_cell() {
    let mut reader = LedgerReader::default();
    reader.begin_table(&Location::file("payouts.csv".into()));
    reader.row(
        1,
        &texts(&[
            "payout_id",
            "contract_id",
            "paid_on",
            "amount",
            "kind",
            "invoice_no",
            "开票日期",
            "invoice_amount",
            "invoice_tax_rate",
            "invoice_type",
            "invoice_issuer",
        ]),
    );
    reader.row(
        2,
        &[
            Cell::Text("P1".into()),
            Cell::Text("C1".into()),
            Cell::Text("2025-04-15".into()),
            Cell::Text("12,000.00".into()),
            Cell::Text("cassh".into()),
            Cell::Text("0451".into()),
            Cell::Text("2025-04-31".into()),
            Cell::Text("1２,000".into()),
            Cell::Text("six".into()),
            Cell::Text("VAT specail".into()),
            Cell::Error("#N/A".into()),
        ],
    );
    assert!(reader.rejected.is_empty(), "{:?}", reader.rejected);
    let payout = &reader.payouts[0];
    assert_eq!(payout.amount, Decimal::new(12_000, 0));
    assert_eq!(payout.kind, None);
    assert_eq!(payout.invoice.number.as_deref(), Some("0451"));
    assert_eq!(
        (
            payout.invoice.date,
            payout.invoice.amount,
            payout.invoice.tax_rate,
            payout.invoice.kind,
            payout.invoice.issuer.as_deref()
        ),
        (None, None, None, None, None)
    );
    let unread: Vec<(PayoutField, String, &str)> = payout
        .unread
        .iter()
        .map(|cell| (cell.field, cell.location.to_string(), cell.text.as_str()))
        .collect();
    assert_eq!(
        unread,
        [
            (PayoutField::Kind, "payouts.csv:2:kind".into(), "cassh"),
            (
                PayoutField::InvoiceDate,
                "payouts.csv:2:开票日期".into(),
                "2025-04-31"
            ),
            (
                PayoutField::InvoiceAmount,
                "payouts.csv:2:invoice_amount".into(),
                "1２,000"
            ),
            (
                PayoutField::InvoiceTaxRate,
                "payouts.csv:2:invoice_tax_rate".into(),
                "six"
            ),
            (
                PayoutField::InvoiceType,
                "payouts.csv:2:invoice_type".into(),
                "VAT specail"
            ),
            (
                PayoutField::InvoiceIssuer,
                "payouts.csv:2:invoice_issuer".into(),
                "#N/A"
            ),
        ]
    );
    assert!(
        payout.unread[4].problem.contains("found `VAT specail`"),
        "{}",
        payout.unread[4].problem
    );
    assert_eq!(
        payout.unread[5].problem,
        "expected a value, found error cell `#N/A`"
    );
    let table = &reader.tables[0];
    assert_eq!((table.rows, table.used, table.rejected), (1, 1, 0));
}

#[test]
fn a_currency_period_or_installment_that_cannot_be_read_still_rejects_the_row() {
    let mut reader = LedgerReader::default();
    reader.begin_table(&Location::file("payouts.csv".into()));
    reader.row(
        1,
        &texts(&[
            "payout_id",
            "contract_id",
            "paid_on",
            "amount",
            "currency",
            "period",
            "installment",
        ]),
    );
    reader.row(2, &texts(&["P1", "C1", "2025-04-15", "10", "元", "", ""]));
    reader.row(
        3,
        &texts(&["P2", "C1", "2025-04-15", "10", "", "2025-Q5", ""]),
    );
    reader.row(4, &texts(&["P3", "C1", "2025-04-15", "10", "", "", "0"]));
    assert!(reader.payouts.is_empty());
    let places: Vec<String> = reader
        .rejected
        .iter()
        .map(|rejected| rejected.location.to_string())
        .collect();
    assert_eq!(
        places,
        [
            "payouts.csv:2:currency",
            "payouts.csv:3:period",
            "payouts.csv:4:installment"
        ]
    );
}

#[test]
fn a_header_close_to_a_ledgers_that_lacks_a_column_is_a_problem_naming_it() {
    let mut reader = LedgerReader::default();
    reader.begin_table(&Location::sheet(
        "payouts.xlsx".into(),
        Some("Ledger".into()),
    ));
    reader.row(
        1,
        &texts(&["payout_id", "contract_id", "paid_date", "amount", "备注"]),
    );
    reader.row(2, &texts(&["P1", "C1", "2025-04-15", "100", ""]));
    assert_eq!(reader.problems.len(), 1);
    let problem = &reader.problems[0];
    assert_eq!(problem.location.to_string(), "payouts.xlsx:Ledger:1");
    assert!(
        problem.message.starts_with(
            "expected a column `paid_on` (到账日期) in the payout ledger's header row, found none (did you mean `paid_date`?)."
        ),
        "{}",
        problem.message
    );
    // Two missing columns of four: not close. A notes sheet is rejected row by row,
    // as before, and stops nothing.
    let mut notes = LedgerReader::default();
    notes.begin_table(&Location::sheet(
        "payouts.xlsx".into(),
        Some("Notes".into()),
    ));
    notes.row(1, &texts(&["payout_id", "remark", "amount"]));
    notes.row(2, &texts(&["P1", "see mail", "100"]));
    assert!(notes.problems.is_empty());
    assert_eq!(notes.rejected.len(), 2);
}
