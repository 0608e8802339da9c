//! Messy payout ledgers and billing exports, through the real binary (issue 13): a payout
//! is never dropped for an optional cell it cannot read (the cash counts, the cell is its
//! invoice finding or a named warning); a ledger or bill that comes close to its layout
//! but lacks a required column stops the run naming it; a CSV cut off inside its last row
//! rejects that row; a bad byte rejects its row, naming its column and real offset.
//!
//! The standard case (`common`): contract C1 covers account A1 in January 2025 at 20%;
//! the bill is 10,000.00, so installment 1 expects 2,000.00, due 2025-03-02.

use crate::common::{
    Book, Fixture, Run, assert_mentions, billing_csv, contract, csv_text, installment, only,
    payouts_csv, simple_payouts, standard_billing,
};
use serde_json::Value;
use std::path::PathBuf;

const LEDGER: [&str; 11] = [
    "payout_id",
    "contract_id",
    "paid_on",
    "amount",
    "kind",
    "invoice_no",
    "invoice_date",
    "invoice_amount",
    "invoice_tax_rate",
    "invoice_type",
    "invoice_issuer",
];

/// P1 paying C1's 2,000.00 on time, with a right invoice but for `column` = `text`.
fn ledger_with(column: &str, text: &str) -> String {
    let mut row = [
        "P1",
        "C1",
        "2025-02-15",
        "2000.00",
        "cash",
        "0451",
        "2025-02-20",
        "2000.00",
        "6%",
        "vat_special",
        "91110000TAXID0001X",
    ];
    let index = LEDGER.iter().position(|name| *name == column).unwrap();
    row[index] = text;
    payouts_csv(&LEDGER, &[&row])
}

/// C1 requiring a special VAT invoice at 6% (or nothing, `invoice` = `none`).
fn book(invoice: &str) -> Book {
    Book::default()
        .contract(contract("C1").set("invoice", invoice).set("tax_rate", "6%"))
        .tier("C1", "0", "", "20%")
}

fn audit(fixture: &Fixture, book: &Book, payouts: &str) -> Run {
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write("payouts.csv", payouts);
    fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[])
}

fn detail(finding: &Value) -> &str {
    finding["detail"].as_str().unwrap()
}

/// The installment is paid: the payout was kept and counted.
fn assert_paid(run: &Run) {
    let record = installment(run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00", "{record:#}");
    assert_eq!(record["status"], "paid", "{record:#}");
    assert!(run.of_type("unpaid").is_empty(), "{:#?}", run.findings());
}

#[test]
fn invoice_types_are_read_as_finance_people_write_them() {
    for written in [
        "VAT special",
        "专票",
        "增值税专用发票",
        "ＶＡＴ＿ＳＰＥＣＩＡＬ",
        " Vat-Special ",
    ] {
        let fixture = Fixture::new();
        let run = audit(
            &fixture,
            &book("vat_special"),
            &ledger_with("invoice_type", written),
        );
        run.expect_status(0);
        assert_paid(&run);
    }
    // 普票 is read, and is the wrong type for a contract requiring 专票.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        &book("专票"),
        &ledger_with("invoice_type", "增值税普通发票"),
    );
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["reason"], "type");
    assert!(detail(&finding).contains("is vat_general"), "{finding:#}");
}

#[test]
fn an_unreadable_invoice_cell_keeps_the_cash_and_is_the_invoice_finding_naming_the_cell() {
    // Before: `VAT specail` rejected the whole row and the 2,000.00 received showed as
    // unpaid. Now the payout counts, and the type check that could not be made is a
    // mis_invoiced finding naming the cell and what it holds.
    let cases = [
        ("invoice_type", "VAT specail", "type"),
        ("invoice_amount", "2,OOO.00", "amount"),
        ("invoice_tax_rate", "six percent", "tax_rate"),
        ("invoice_date", "2025-02-30", "invoice_date"),
    ];
    for (column, text, reason) in cases {
        let fixture = Fixture::new();
        let run = audit(&fixture, &book("vat_special"), &ledger_with(column, text));
        run.expect_status(1);
        assert_paid(&run);
        let finding = only(&run, "mis_invoiced");
        assert_eq!(finding["reason"], reason, "{finding:#}");
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["payout_id"], "P1");
        let location = &finding["evidence"]["location"];
        assert_eq!(location["row"], 2, "{finding:#}");
        assert_eq!(location["column"], column, "{finding:#}");
        assert!(
            detail(&finding).contains("could not be read"),
            "{finding:#}"
        );
        assert!(
            detail(&finding).contains(&format!("`{text}`")),
            "{finding:#}"
        );
        let check = finding["evidence"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|check| check["field"] == column)
            .cloned()
            .unwrap();
        assert_eq!(check["ok"], false);
        assert_eq!(check["found"], text);
        assert!(
            run.of_type("rejected_row").is_empty(),
            "{:#?}",
            run.findings()
        );
    }
}

#[test]
fn an_unread_cell_no_check_needs_is_a_named_warning_never_silence() {
    // C1 requires no invoice: the unreadable type is a warning naming the cell.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        &book("none"),
        &ledger_with("invoice_type", "VAT specail"),
    );
    run.expect_status(1);
    assert_paid(&run);
    let warning = only(&run, "rejected_row");
    assert_eq!(warning["reason"], "unread_cell");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["payout_id"], "P1");
    assert_eq!(warning["evidence"]["location"]["column"], "invoice_type");
    assert_mentions(
        detail(&warning),
        &[
            "payouts.csv:2:invoice_type: the cell was not read",
            "found `VAT specail`",
            "payout P1 is kept and its amount counts",
            "contract C1 requires no invoice",
        ],
    );
    // `--fail-on error` passes: nothing is owed.
    let contracts = book("none").write_csv_folder(fixture.dir.path(), "contracts2");
    let run = fixture.audit(
        &contracts,
        &fixture.path("billing.csv"),
        &fixture.path("payouts.csv"),
        "2025-06-30",
        &["--fail-on", "error"],
    );
    run.expect_status(0);
}

#[test]
fn an_unreadable_kind_takes_the_contracts_kind_and_says_so() {
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        &book("vat_special"),
        &ledger_with("kind", "cassh"),
    );
    run.expect_status(1);
    assert_paid(&run);
    let warning = only(&run, "rejected_row");
    assert_eq!(warning["reason"], "unread_cell");
    assert_mentions(
        detail(&warning),
        &[
            "payouts.csv:2:kind",
            "found `cassh`",
            "taken as contract C1's payout kind, cash",
        ],
    );
    // The invoice is checked as the cash payout's it is: it is right.
    assert!(
        run.of_type("mis_invoiced").is_empty(),
        "{:#?}",
        run.findings()
    );
}

#[test]
fn an_unreadable_cell_in_an_xlsx_ledger_names_its_sheet_row_and_column() {
    use rust_xlsxwriter::Workbook;
    let fixture = Fixture::new();
    let path = fixture.path("payouts.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("到账").unwrap();
    let header = [
        "流水号",
        "合同编号",
        "到账日期",
        "金额",
        "发票号码",
        "开票日期",
        "价税合计",
        "发票税率",
        "发票类型",
    ];
    for (column, name) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *name).unwrap();
    }
    let row = [
        "P1",
        "C1",
        "2025-02-15",
        "2000.00",
        "0451",
        "2025-02-20",
        "2000.00",
        "6%",
        // 增值税发票 names no type: special and general invoices are both VAT invoices.
        "增值税发票",
    ];
    for (column, value) in row.iter().enumerate() {
        sheet.write_string(1, column as u16, *value).unwrap();
    }
    workbook.save(&path).unwrap();
    let contracts = book("vat_special").write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let run = fixture.audit(&contracts, &billing, &path, "2025-06-30", &[]);
    run.expect_status(1);
    assert_paid(&run);
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["reason"], "type");
    let location = &finding["evidence"]["location"];
    assert_eq!(
        (
            location["sheet"].as_str(),
            location["row"].as_u64(),
            location["column"].as_str()
        ),
        (Some("到账"), Some(2), Some("发票类型"))
    );
    assert!(detail(&finding).contains("`增值税发票`"), "{finding:#}");
}

#[test]
fn a_ledger_lacking_a_required_column_stops_the_run_naming_it() {
    // `paid_date` for `paid_on`: before, every row was rejected and 2,000.00 received
    // showed as unpaid (exit 1). Now the run stops (exit 2) like a bad contract workbook.
    let fixture = Fixture::new();
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_date", "amount"],
        &[&["P1", "C1", "2025-02-15", "2000.00"]],
    );
    let run = audit(&fixture, &Book::standard(), &payouts);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "the payout ledgers cannot be used (1 problem)",
            "payouts.csv:1: expected a column `paid_on` (到账日期) in the payout ledger's header row, found none (did you mean `paid_date`?)",
        ],
    );
    assert!(!run.out.join("findings.json").exists());
    // A sheet that is no ledger (notes) stops nothing: its rows are rejected rows.
    let fixture = Fixture::new();
    let notes = fixture.write("notes.csv", "note,remark\nsee the mail,\n");
    let good = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let run = fixture.run(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &"--payouts",
        &good,
        &notes,
        &"--as-of",
        &"2025-06-30",
    ]);
    run.expect_status(1);
    assert_paid(&run);
    assert_eq!(run.of_type("rejected_row").len(), 2);
}

#[test]
fn a_bill_lacking_a_required_column_stops_the_run_and_a_notes_sheet_does_not() {
    use rust_xlsxwriter::Workbook;
    // A generic bill whose net amount column is headed `amount`.
    let fixture = Fixture::new();
    let billing = fixture.write(
        "billing.csv",
        csv_text(
            &[
                "account_id",
                "billing_month",
                "product",
                "amount",
                "currency",
            ],
            &[vec![
                "A1".into(),
                "2025-01".into(),
                "ECS".into(),
                "10000.00".into(),
                "CNY".into(),
            ]],
        ),
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "the billing exports cannot be used (1 problem)",
            "billing.csv:1: this header row comes close to the billing format `generic`",
            "with 4 of its 5 required columns, but lacks a column for net_amount (did you mean `amount`?)",
        ],
    );
    // An .xlsx bill with a notes sheet beside the bill: the notes are rejected rows, the
    // bill is audited.
    let path = fixture.path("bill.xlsx");
    let mut workbook = Workbook::new();
    let bill = workbook.add_worksheet();
    bill.set_name("Bill").unwrap();
    let header = [
        "account_id",
        "billing_month",
        "product",
        "net_amount",
        "currency",
    ];
    let row = ["A1", "2025-01", "ECS", "10000.00", "CNY"];
    for (column, (name, value)) in header.iter().zip(row).enumerate() {
        bill.write_string(0, column as u16, *name).unwrap();
        bill.write_string(1, column as u16, value).unwrap();
    }
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "说明").unwrap();
    notes.write_string(1, 0, "导出于 2025-02-01").unwrap();
    workbook.save(&path).unwrap();
    let run = fixture.audit(&contracts, &path, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    assert_paid(&run);
    let rejected = run.of_type("rejected_row");
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert!(
        rejected
            .iter()
            .all(|finding| finding["evidence"]["location"]["sheet"] == "Notes")
    );
}

/// The control totals of the billing file `name`.
fn billing_control(run: &Run, name: &str) -> Value {
    run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["file"].as_str().unwrap().ends_with(name))
        .cloned()
        .unwrap()
}

#[test]
fn a_bill_cut_off_inside_its_last_row_rejects_that_row_with_its_amount() {
    // `…,CNY,1234.56` cut to `…,CNY,123`: the last row, with no line break after it, is
    // rejected (it would have read 123.00); the controls count it as read and rejected.
    let fixture = Fixture::new();
    let mut text = csv_text(
        &[
            "account_id",
            "billing_month",
            "product",
            "currency",
            "net_amount",
        ],
        &[vec![
            "A1".into(),
            "2025-01".into(),
            "ECS".into(),
            "CNY".into(),
            "10000.00".into(),
        ]],
    );
    text.push_str("A1,2025-01,OSS,CNY,123");
    let billing = fixture.write("billing.csv", text);
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    assert_paid(&run);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["reason"], "row");
    assert_eq!(rejected["evidence"]["location"]["row"], 3);
    assert_mentions(
        detail(&rejected),
        &[
            "billing.csv:3: the file ends inside this row, with no line break after it",
            "may have been cut off",
            "If the row is complete, end the file with a line break",
        ],
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "10000.00"
    );
    let control = billing_control(&run, "billing.csv");
    assert_eq!(control["read"]["rows"], 2, "{control:#}");
    assert_eq!(control["read"]["amount"], "10123.00", "{control:#}");
    assert_eq!(control["rejected"]["rows"], 1, "{control:#}");
    assert_eq!(control["rejected"]["amount"], "123.00", "{control:#}");
    assert_eq!(control["balanced"], true, "{control:#}");
}

#[test]
fn a_ledger_cut_off_inside_its_last_row_rejects_that_payout() {
    let fixture = Fixture::new();
    let mut payouts = simple_payouts(&[("P1", "C1", "2025-02-15", "1000.00")]);
    payouts.push_str("P2,C1,2025-02-16,10");
    let run = audit(&fixture, &Book::standard(), &payouts);
    run.expect_status(1);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 3);
    assert!(
        detail(&rejected).contains("the file ends inside this row"),
        "{rejected:#}"
    );
    let control = &run.json()["controls"]["payouts"][0];
    assert_eq!(control["read"]["rows"], 2, "{control:#}");
    assert_eq!(control["read"]["amount"], "1010.00", "{control:#}");
    assert_eq!(control["used"]["amount"], "1000.00", "{control:#}");
    assert_eq!(control["rejected_rows"], 1, "{control:#}");
    assert_eq!(control["balanced"], true, "{control:#}");
}

/// 3,000 rows of 1.00 on ECS (云服务器) for A1 in January 2025, in UTF-8; the product of
/// row `bad` has its last character broken (its last byte dropped). Returns the bytes and
/// the offset of the broken character.
fn bill_with_a_broken_character(bad: usize) -> (Vec<u8>, usize) {
    let mut bytes = "account_id,billing_month,product,net_amount,currency\n"
        .as_bytes()
        .to_vec();
    let mut offset = 0;
    for row in 2..=3_001 {
        bytes.extend_from_slice(b"A1,2025-01,");
        if row == bad {
            let word = "云服务器".as_bytes();
            offset = bytes.len() + word.len() - 3;
            bytes.extend_from_slice(&word[..word.len() - 1]);
        } else {
            bytes.extend_from_slice("云服务器".as_bytes());
        }
        bytes.extend_from_slice(b",1.00,CNY\n");
    }
    (bytes, offset)
}

#[test]
fn a_broken_character_in_row_3000_rejects_that_row_with_its_real_offset() {
    let fixture = Fixture::new();
    let (bytes, offset) = bill_with_a_broken_character(3_000);
    assert!(offset > 73_000, "{offset}");
    let billing = fixture.write("billing.csv", &bytes);
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["reason"], "row");
    assert_eq!(rejected["evidence"]["location"]["row"], 3_000);
    assert!(
        detail(&rejected).contains(&format!(
            "column 3 is not valid UTF-8 (byte offset {offset}), although the rest of the file is"
        )),
        "{rejected:#}"
    );
    // The 2,999 other rows count.
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "2999.00"
    );
    let json = run.json();
    let input = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "billing")
        .cloned()
        .unwrap();
    assert_eq!(input["encoding"], "UTF-8");
    // The same file cut inside that character, at its very end: UTF-8 still (it was
    // refused whole, naming offset 8, before), and the cut last row is rejected.
    let cut: Vec<u8> = {
        let (bytes, _) = bill_with_a_broken_character(0);
        let end = bytes.len() - ",1.00,CNY\n".len() - 1;
        bytes[..end].to_vec()
    };
    let billing = fixture.write("cut.csv", &cut);
    let run = fixture.audit_into("cut", &contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 3_001);
    assert_mentions(
        detail(&rejected),
        &[
            "the file ends inside this row",
            &format!(
                "column 3 is not valid UTF-8 (byte offset {})",
                cut.len() - 2
            ),
        ],
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "2999.00"
    );
}

#[test]
fn the_gbk_sample_bill_is_still_read_as_gb18030() {
    let sample: PathBuf = [env!("CARGO_MANIFEST_DIR"), "samples", "billing", "huawei"]
        .iter()
        .collect::<PathBuf>()
        .join("huawei-2024-2025-gbk.csv");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(["inspect", "--json"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["encoding"], "GB18030", "{report:#}");
    // A generic bill, GBK encoded, with one bad pair in its third row.
    let fixture = Fixture::new();
    let text = billing_csv(&[
        ("A1", "2025-01", "云服务器", "10000.00", "CNY"),
        ("A1", "2025-01", "对象存储", "5.00", "CNY"),
    ]);
    let (head, _, _) = encoding_rs::GBK.encode(&text);
    let mut bytes = head.into_owned();
    let at = bytes.len() + "A1,2025-01,".len();
    bytes.extend_from_slice(b"A1,2025-01,\x81 ,7.00,CNY\n");
    let billing = fixture.write("gbk.csv", &bytes);
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 4);
    assert!(
        detail(&rejected).contains(&format!("column 3 is not valid GB18030 (byte offset {at})")),
        "{rejected:#}"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "10005.00"
    );
}
