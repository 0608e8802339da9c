//! End-to-end tests of the audit rules beyond the basics in `tests/it/cli.rs`: user rulesets
//! (`--rulesets`), overlapping contracts, unknown products, clawbacks, staged schedules,
//! transparent settlement, period-referenced payouts, every `mis_invoiced` reason, hidden
//! and unrecognised billing sheets, the `list` and `cash` bases, and late interest.
//!
//! Every test runs the real binary on real files in a temporary folder, and every number
//! asserted is worked out by hand in the comment beside it. Unless a test says otherwise,
//! contracts start from the standard terms of `common::contract`: account A1, January
//! 2025, monthly settlement, `period` basis, retroactive, due 30 days after the period
//! ends, no grace, late interest 0.05% a day, invoice `none`, payout kind `cash`.

use crate::common::{
    Book, Fixture, Run, Val, assert_mentions, billing_csv, contract, csv_text, installment, only,
    payouts_csv, simple_payouts, standard_billing,
};
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The user ruleset used throughout: tolerance 0.50, 10 grace days, a 10-day invoice
/// window, banker's rounding, an extra RDS alias and RDS weighted at 0.5. It has no
/// `[billing]` map, so it is not a billing layout.
const ACME: &str = r#"provider = "acme"
description = "Acme Cloud KA program (test)"

[defaults]
tolerance = "0.50"
grace_days = 10
invoice_window_days = 10
rounding = "half_even"

[products.aliases]
RDS = ["Acme Relational Store"]

[products.coefficients]
RDS = "0.5"
"#;

/// Writes `files` (name, TOML text) into `<tmp>/rulesets` and returns the folder.
fn rulesets_dir(fixture: &Fixture, files: &[(&str, &str)]) -> PathBuf {
    let folder = fixture.path("rulesets");
    std::fs::create_dir_all(&folder).unwrap();
    for (name, text) in files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    folder
}

fn text(path: &Path) -> String {
    path.display().to_string()
}

/// `--rulesets <folder>` as extra arguments.
fn with_rulesets(folder: &Path) -> [String; 2] {
    ["--rulesets".to_string(), text(folder)]
}

/// Runs an audit of `book` (as a CSV folder) on `billing` and `payouts` (file contents).
fn audit_book(
    fixture: &Fixture,
    book: &Book,
    billing: &str,
    payouts: &str,
    as_of: &str,
    extra: &[String],
) -> Run {
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", billing);
    let payouts = fixture.write("payouts.csv", payouts);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    fixture.audit(&contracts, &billing, &payouts, as_of, &extra)
}

/// The findings of `finding_type` about contract `id`.
fn of_type_for(run: &Run, finding_type: &str, id: &str) -> Vec<Value> {
    run.of_type(finding_type)
        .into_iter()
        .filter(|finding| finding["contract_id"] == id)
        .collect()
}

/// The `mis_invoiced` reasons reported for payout `payout_id`, sorted.
fn invoice_reasons(run: &Run, payout_id: &str) -> Vec<String> {
    let mut reasons: Vec<String> = run
        .of_type("mis_invoiced")
        .iter()
        .filter(|finding| finding["payout_id"] == payout_id)
        .map(|finding| finding["reason"].as_str().unwrap().to_string())
        .collect();
    reasons.sort();
    reasons
}

/// The `mis_invoiced` finding for `payout_id` and `reason`.
fn invoice_finding(run: &Run, payout_id: &str, reason: &str) -> Value {
    let found: Vec<Value> = run
        .of_type("mis_invoiced")
        .into_iter()
        .filter(|finding| finding["payout_id"] == payout_id && finding["reason"] == reason)
        .collect();
    assert_eq!(found.len(), 1, "{payout_id}/{reason}: {found:#?}");
    found[0].clone()
}

/// A generic-template billing CSV with extra optional columns: each row gives
/// `account_id, billing_month, product, list_amount, voucher, net_amount, currency`.
fn billing_csv_with_list_and_voucher(rows: &[[&str; 7]]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|field| field.to_string()).collect())
        .collect();
    csv_text(
        &[
            "account_id",
            "billing_month",
            "product",
            "list_amount",
            "voucher",
            "net_amount",
            "currency",
        ],
        &rows,
    )
}

/// One sheet of a billing workbook: name, hidden?, header, rows.
type BillingSheet<'a> = (&'a str, bool, &'a [&'a str], Vec<Vec<Val>>);

/// A billing workbook: one sheet per `(name, hidden, header, rows)`; cells are text
/// except values given as `Val::Num`.
fn billing_xlsx(path: &Path, sheets: &[BillingSheet<'_>]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, hidden, header, rows) in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(*name).unwrap();
        worksheet.set_hidden(*hidden);
        for (column, title) in header.iter().enumerate() {
            worksheet.write_string(0, column as u16, *title).unwrap();
        }
        for (index, row) in rows.iter().enumerate() {
            for (column, value) in row.iter().enumerate() {
                let (row_number, column) = (index as u32 + 1, column as u16);
                match value {
                    Val::Num(number) => {
                        worksheet.write_number(row_number, column, *number).unwrap();
                    }
                    other => {
                        worksheet
                            .write_string(row_number, column, other.csv_text())
                            .unwrap();
                    }
                }
            }
        }
    }
    workbook.save(path).unwrap();
}

fn bill_row(account: &str, month: &str, product: &str, net: f64, currency: &str) -> Vec<Val> {
    vec![
        account.into(),
        month.into(),
        product.into(),
        Val::Num(net),
        currency.into(),
    ]
}

const GENERIC_HEADER: &[&str] = &[
    "account_id",
    "billing_month",
    "product",
    "net_amount",
    "currency",
];

// ---------------------------------------------------------------------------------------
// 1. User rulesets (--rulesets DIR)
// ---------------------------------------------------------------------------------------

#[test]
fn a_ruleset_coefficient_weighs_a_product_the_products_sheet_does_not_list() {
    // Each account bills ECS 10,000.00 and RDS 4,000.00 in January 2025 (tier 20%).
    // C1 (ruleset acme; its products sheet lists only ECS at 1): RDS takes acme's 0.5:
    //   W = 10,000.00 × 1 + 4,000.00 × 0.5 = 12,000.00; E = 12,000.00 × 20% = 2,400.00.
    // C2 (generic ruleset, no products row): every product weighs 1:
    //   W = 10,000.00 + 4,000.00 = 14,000.00; E = 2,800.00.
    // C3 (ruleset acme, products sheet RDS 0.25): the contract's sheet beats the ruleset:
    //   W = 10,000.00 + 4,000.00 × 0.25 = 11,000.00; E = 2,200.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%")
        .product("C1", "ECS", "1")
        .product("C3", "RDS", "0.25");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "RDS", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "RDS", "4000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "云数据库RDS", "4000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "2400.00"),
        ("P2", "C2", "2025-02-15", "2800.00"),
        ("P3", "C3", "2025-02-15", "2200.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    for (id, weighted, expected) in [
        ("C1", "12000.00", "2400.00"),
        ("C2", "14000.00", "2800.00"),
        ("C3", "11000.00", "2200.00"),
    ] {
        let record = installment(&run, id, "2025-01-01", 1);
        assert_eq!(record["weighted_base"], weighted, "{id}");
        assert_eq!(record["expected"], expected, "{id}");
        assert_eq!(record["status"], "paid", "{id}");
    }
}

#[test]
fn half_even_rounding_from_the_ruleset_rounds_a_half_cent_to_even() {
    // Tier 10%. A1 and A2 bill 10,000.05: R = 10,000.05 × 10% = 1,000.005 exactly.
    //   C1 (acme, half_even): the cent digit 0 is even → 1,000.00.
    //   C2 (generic, half away from zero) → 1,000.01.
    // A3 bills 10,000.15: R = 1,000.015; C3 (acme, half_even): 1 is odd → 1,000.02.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(contract("C3").set("accounts", "A3").set("ruleset", "acme"))
        .tier("C1", "0", "", "10%")
        .tier("C2", "0", "", "10%")
        .tier("C3", "0", "", "10%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.05", "CNY"),
        ("A2", "2025-01", "ECS", "10000.05", "CNY"),
        ("A3", "2025-01", "ECS", "10000.15", "CNY"),
    ]);
    // As of 2025-02-01 nothing is due yet (due 2025-03-02): no payment findings.
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    let c1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(c1["weighted_base"], "10000.05");
    assert_eq!(c1["expected"], "1000.00");
    assert_eq!(c1["status"], "open");
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["expected"],
        "1000.01"
    );
    assert_eq!(
        installment(&run, "C3", "2025-01-01", 1)["expected"],
        "1000.02"
    );
}

#[test]
fn grace_days_from_the_ruleset_delay_lateness_unless_the_contract_sets_its_own() {
    // E = 2,000.00 due 2025-01-31 + 30 = 2025-03-02 for all three; each is paid in full on
    // 2025-03-10, 8 days after the due date.
    //   C1 (acme, grace_days blank → acme's 10): deadline 2025-03-12 → paid, no finding.
    //   C2 (generic, grace 0): late, days_late 8, interest 2,000.00 × 0.05% × 8 = 8.00.
    //   C3 (acme, grace_days 0 in the contract): the contract's 0 wins → late, 8.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", "0"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-03-10", "2000.00"),
        ("P2", "C2", "2025-03-10", "2000.00"),
        ("P3", "C3", "2025-03-10", "2000.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
    assert!(of_type_for(&run, "late", "C1").is_empty());
    for id in ["C2", "C3"] {
        let late = of_type_for(&run, "late", id);
        assert_eq!(late.len(), 1, "{id}: {:#?}", run.findings());
        assert_eq!(late[0]["due_on"], "2025-03-02");
        assert_eq!(late[0]["paid_on"], "2025-03-10");
        assert_eq!(late[0]["days_late"], 8);
        assert_eq!(late[0]["interest"], "8.00");
    }
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn tolerance_from_the_ruleset_lets_a_50_cent_shortfall_pass() {
    // E = 2,000.00 due 2025-03-02; as of 2025-04-01 every deadline has passed
    // (acme's 10 grace days end 2025-03-12).
    //   C1 (acme, tolerance 0.50) receives 1,999.50: short 0.50 ≤ 0.50 → paid.
    //   C2 (generic, tolerance 0.01) receives 1,999.50: underpaid by 0.50;
    //     days_late = 2025-04-01 − 2025-03-02 = 30;
    //     interest = 0.50 × 0.05% × 30 = 0.0075 → 0.01.
    //   C3 (acme) receives 1,999.49: short 0.51 > 0.50 → underpaid;
    //     interest = 0.51 × 0.05% × 30 = 0.00765 → 0.01.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "1999.50"),
        ("P2", "C2", "2025-02-15", "1999.50"),
        ("P3", "C3", "2025-02-15", "1999.49"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-04-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    let c1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(c1["paid"], "1999.50");
    assert_eq!(c1["status"], "paid");
    assert!(
        run.findings()
            .iter()
            .all(|finding| finding["contract_id"] != "C1"),
        "{:#?}",
        run.findings()
    );
    for (id, paid, difference) in [("C2", "1999.50", "-0.50"), ("C3", "1999.49", "-0.51")] {
        let found = of_type_for(&run, "underpaid", id);
        assert_eq!(found.len(), 1, "{id}: {:#?}", run.findings());
        let finding = &found[0];
        assert_eq!(finding["expected"], "2000.00");
        assert_eq!(finding["paid"], paid);
        assert_eq!(finding["difference"], difference);
        assert_eq!(finding["days_late"], 30);
        assert_eq!(finding["interest"], "0.01");
    }
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn a_blank_ruleset_cell_takes_the_ruleset_of_the_contracts_provider() {
    // Same bill as the coefficient test (ECS 10,000.00 + RDS 4,000.00 per account).
    //   C1 provider `acme`, ruleset blank → acme.toml: W = 10,000 + 2,000 = 12,000.00.
    //   C2 provider `aliyun` (no such ruleset) → generic: W = 14,000.00.
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "RDS", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "RDS", "4000.00", "CNY"),
    ]);
    let book = Book::default()
        .contract(contract("C1").set("provider", "acme").set("ruleset", ""))
        .contract(
            contract("C2")
                .set("accounts", "A2")
                .set("provider", "aliyun")
                .set("ruleset", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    // The ruleset is found by file name (acme.toml) …
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2400.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
    let rulesets_in_force = run.json()["rulesets"].clone();
    assert!(
        rulesets_in_force
            .as_array()
            .unwrap()
            .iter()
            .any(|ruleset| ruleset["name"] == "acme"
                && ruleset["origin"] == text(&rulesets.join("acme.toml"))),
        "{rulesets_in_force:#}"
    );
    // … and, when no file is named after the provider, by its `provider` key.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme-ka-2025.toml", ACME)]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
}

#[test]
fn a_ruleset_alias_names_a_product_only_for_its_own_contracts() {
    // `Acme Relational Store` 4,000.00 is RDS under acme (alias) and weighs 0.5 there:
    //   C1 (acme): W = 10,000.00 + 4,000.00 × 0.5 = 12,000.00, E = 2,400.00, no finding.
    // The generic ruleset knows no such name:
    //   C2 (generic): W = 10,000.00 + 4,000.00 × 1 = 14,000.00, and one `unknown_product`
    //   (info) for C2 and the product, 4,000.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "Acme Relational Store", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "Acme Relational Store", "4000.00", "CNY"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2400.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
    assert_eq!(run.types(), vec!["unknown_product"]);
    let finding = only(&run, "unknown_product");
    assert_eq!(finding["contract_id"], "C2");
    assert_eq!(finding["amount"], "4000.00");
    assert_eq!(
        finding["evidence"]["facts"]["product"],
        "Acme Relational Store"
    );
}

#[test]
fn half_even_rounding_also_rounds_portions_and_late_interest() {
    // Portions. Tier 10%, January bill 10,000.10 → E = 1,000.01 under both rulesets.
    // Schedule 50% (settlement) + rest (settlement): 50% of 1,000.01 = 500.005.
    //   C1 (acme, half_even): #1 = 500.00, #2 = 1,000.01 − 500.00 = 500.01.
    //   C2 (generic, half up): #1 = 500.01, #2 = 500.00.
    // Interest. Late interest 0.1% a day; a third contract per ruleset bills 10,000.00 at
    // 20% (E = 2,000.00, due 2025-03-02) and receives 1,999.00 (short 1.00 > either
    // tolerance). As of 2025-03-27 (past acme's 10 grace days): days_late = 25,
    // interest = 1.00 × 0.1% × 25 = 0.025 → C3 (acme, half_even) 0.02; C4 (generic) 0.03.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", "")
                .set("late_interest", "0.1%"),
        )
        .contract(
            contract("C4")
                .set("accounts", "A4")
                .set("late_interest", "0.1%"),
        )
        .tier("C1", "0", "", "10%")
        .tier("C2", "0", "", "10%")
        .tier("C3", "0", "", "20%")
        .tier("C4", "0", "", "20%")
        .schedule("C1", "1", "settlement", "50%")
        .schedule("C1", "2", "settlement", "rest")
        .schedule("C2", "1", "settlement", "50%")
        .schedule("C2", "2", "settlement", "rest");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.10", "CNY"),
        ("A2", "2025-01", "ECS", "10000.10", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
        ("A4", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    // C1 and C2 are paid in full on time so only C3 and C4 carry findings.
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "1000.01"),
        ("P2", "C2", "2025-02-15", "1000.01"),
        ("P3", "C3", "2025-02-15", "1999.00"),
        ("P4", "C4", "2025-02-15", "1999.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-03-27",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "500.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 2)["expected"],
        "500.01"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["expected"],
        "500.01"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 2)["expected"],
        "500.00"
    );
    for (id, interest) in [("C3", "0.02"), ("C4", "0.03")] {
        let found = of_type_for(&run, "underpaid", id);
        assert_eq!(found.len(), 1, "{id}: {:#?}", run.findings());
        assert_eq!(found[0]["difference"], "-1.00", "{id}");
        assert_eq!(found[0]["days_late"], 25, "{id}");
        assert_eq!(found[0]["interest"], interest, "{id}");
    }
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
}

#[test]
fn the_rulesets_invoice_window_and_tolerance_apply_to_invoice_checks() {
    // C1 (acme: window 10 days, tolerance 0.50) requires vat_special invoices; E = 2,000.00.
    //   P1 1,000.00 paid 2025-02-10, invoiced 2025-02-20 (10 days, in window) for 999.50
    //      (off by 0.50 ≤ 0.50) → clean.
    //   P2 1,000.00 paid 2025-02-11, invoiced 2025-02-22 (11 days > 10) for 999.49
    //      (off by 0.51) → late_invoice and amount.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(
            contract("C1")
                .set("ruleset", "acme")
                .set("invoice", "vat_special"),
        )
        .tier("C1", "0", "", "20%");
    let payouts = payouts_csv(
        &[
            "payout_id",
            "contract_id",
            "paid_on",
            "amount",
            "invoice_no",
            "invoice_date",
            "invoice_amount",
            "invoice_type",
        ],
        &[
            &[
                "P1",
                "C1",
                "2025-02-10",
                "1000.00",
                "INV-1",
                "2025-02-20",
                "999.50",
                "vat_special",
            ],
            &[
                "P2",
                "C1",
                "2025-02-11",
                "1000.00",
                "INV-2",
                "2025-02-22",
                "999.49",
                "vat_special",
            ],
        ],
    );
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(invoice_reasons(&run, "P1"), Vec::<String>::new());
    assert_eq!(invoice_reasons(&run, "P2"), vec!["amount", "late_invoice"]);
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
    assert!(
        invoice_finding(&run, "P2", "late_invoice")["detail"]
            .as_str()
            .unwrap()
            .contains("11 days"),
    );
}

#[test]
fn a_rulesets_folder_that_does_not_exist_is_exit_2() {
    let fixture = Fixture::new();
    let missing = fixture.path("no-such-rulesets");
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-06-30",
        &with_rulesets(&missing),
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["rebate-audit: error:", "no-such-rulesets"]);
}

/// Runs the standard audit with `acme.toml` = `toml`; expects exit 2 and no report, and
/// returns (stderr, the ruleset's path).
fn ruleset_error(toml: &str) -> (String, String) {
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", toml)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .tier("C1", "0", "", "20%");
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(2);
    assert!(
        !run.out.join("findings.json").exists(),
        "no report may be written when a ruleset is invalid"
    );
    assert_mentions(&run.stderr, &["rebate-audit: error:"]);
    (run.stderr.clone(), text(&rulesets.join("acme.toml")))
}

#[test]
fn a_ruleset_with_an_unknown_key_stops_the_audit_naming_file_and_key() {
    let (stderr, path) =
        ruleset_error("provider = \"acme\"\n[defaults]\ntolerance = \"0.50\"\ngrace = 10\n");
    assert_mentions(&stderr, &[&path, "grace", "unknown field"]);
}

#[test]
fn a_ruleset_with_rounding_up_stops_the_audit_naming_file_and_key() {
    let (stderr, path) = ruleset_error("provider = \"acme\"\n[defaults]\nrounding = \"up\"\n");
    assert_mentions(&stderr, &[&path, "rounding", "up"]);
}

#[test]
fn a_ruleset_with_a_negative_tolerance_stops_the_audit_naming_file_and_key() {
    let (stderr, path) = ruleset_error("provider = \"acme\"\n[defaults]\ntolerance = \"-0.01\"\n");
    assert_mentions(&stderr, &[&format!("{path}: defaults.tolerance")]);
}

#[test]
fn a_contract_naming_a_ruleset_that_does_not_exist_names_the_contracts_cell() {
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "nope"))
        .tier("C1", "0", "", "20%");
    for as_xlsx in [false, true] {
        let fixture = Fixture::new();
        let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
        let (contracts, cell) = if as_xlsx {
            let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
            let cell = format!("{}:contracts:2:ruleset", xlsx.display());
            (xlsx, cell)
        } else {
            let folder = book.write_csv_folder(fixture.dir.path(), "book");
            let cell = format!("{}:2:ruleset", folder.join("contracts.csv").display());
            (folder, cell)
        };
        let billing = fixture.write("billing.csv", standard_billing());
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let extra = with_rulesets(&rulesets);
        let run = fixture.audit(
            &contracts,
            &billing,
            &payouts,
            "2025-06-30",
            &[extra[0].as_str(), extra[1].as_str()],
        );
        run.expect_status(2);
        assert!(!run.out.join("findings.json").exists());
        // The message lists the rulesets that do exist.
        assert_mentions(&run.stderr, &[&cell, "`nope`", "acme", "generic"]);
    }
}

// ---------------------------------------------------------------------------------------
// 2. A user ruleset's billing column map
// ---------------------------------------------------------------------------------------

const CN_LAYOUT: &str = r#"provider = "cnbill"
description = "A billing export with Chinese headers (test)"

[billing]
account_id = ["账号"]
billing_month = ["账期"]
product = ["产品"]
net_amount = ["应付金额"]
currency = ["币种"]
"#;

#[test]
fn a_user_rulesets_billing_map_recognises_chinese_headers() {
    // 云服务器ECS 10,000.00 (the contract's generic ruleset knows it as ECS) and OSS
    // 2,500.00 in 2025-01 (written 202501): W = 12,500.00, E = 12,500.00 × 20% = 2,500.00.
    let billing = csv_text(
        &["账号", "账期", "产品", "应付金额", "币种"],
        &[
            vec![
                "A1".into(),
                "2025-01".into(),
                "云服务器ECS".into(),
                "10,000.00".into(),
                "CNY".into(),
            ],
            vec![
                "A1".into(),
                "202501".into(),
                "OSS".into(),
                "2500.00".into(),
                "CNY".into(),
            ],
        ],
    );
    let payouts = simple_payouts(&[("P1", "C1", "2025-02-15", "2500.00")]);
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("cn.toml", CN_LAYOUT)]);
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "12500.00");
    assert_eq!(record["expected"], "2500.00");
    assert_eq!(record["status"], "paid");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["format"], "cn");
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["read"]["amount"], "12500.00");
    assert_eq!(control["attributed"]["rows"], 2);
    assert_eq!(control["balanced"], true);

    // Without the ruleset no layout takes these headers, but they come close to
    // Alibaba's (four of its five requirements): the run stops (exit 2) naming the column
    // Alibaba's layout needs, rather than rejecting every row and reporting C1 unearned.
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &simple_payouts(&[]),
        "2025-06-30",
        &[],
    );
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "billing.csv:1: this header row comes close to the billing format `aliyun`",
            "but lacks a column 产品Code / Product Code / ProductCode",
            "add its name to a ruleset (--rulesets)",
        ],
    );
}

// ---------------------------------------------------------------------------------------
// 3. Overlapping contracts
// ---------------------------------------------------------------------------------------

#[test]
fn overlapping_contracts_give_the_lines_to_the_earlier_start() {
    // C1 covers A1 from 2025-01-01 to 2025-03-31, C2 from 2025-02-01 to 2025-04-30.
    // A1 bills Jan 1,000, Feb 2,000, Mar 4,000, Apr 8,000 (dated the 1st of each month).
    //   Jan → C1 only; Feb and Mar → both cover, C1 starts earlier → C1; Apr → C2 only.
    //   C1: Jan W 1,000.00 (E 200.00), Feb 2,000.00 (E 400.00), Mar 4,000.00 (E 800.00).
    //   C2: Feb 0.00, Mar 0.00, Apr 8,000.00 (E 1,600.00).
    // One finding: A1, C1 over C2, 2025-02-01 … 2025-03-01, 2 lines, 6,000.00.
    let book = Book::default()
        .contract(contract("C1").set("end", "2025-03-31"))
        .contract(
            contract("C2")
                .set("start", "2025-02-01")
                .set("end", "2025-04-30"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "1000.00", "CNY"),
        ("A1", "2025-02", "ECS", "2000.00", "CNY"),
        ("A1", "2025-03", "ECS", "4000.00", "CNY"),
        ("A1", "2025-04", "ECS", "8000.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    // As of 2025-02-15 nothing is due yet, so the overlap is the only finding.
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-15",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overlapping_contracts"]);
    let finding = only(&run, "overlapping_contracts");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["amount"], "6000.00");
    let facts = &finding["evidence"]["facts"];
    assert_eq!(facts["account_id"], "A1");
    assert_eq!(facts["attributed_to"], "C1");
    assert_eq!(facts["also_covered_by"], "C2");
    assert_eq!(facts["first_date"], "2025-02-01");
    assert_eq!(facts["last_date"], "2025-03-01");
    assert_eq!(facts["rows"], "2");
    for (id, start, weighted, expected) in [
        ("C1", "2025-01-01", "1000.00", "200.00"),
        ("C1", "2025-02-01", "2000.00", "400.00"),
        ("C1", "2025-03-01", "4000.00", "800.00"),
        ("C2", "2025-02-01", "0.00", "0.00"),
        ("C2", "2025-03-01", "0.00", "0.00"),
        ("C2", "2025-04-01", "8000.00", "1600.00"),
    ] {
        let record = installment(&run, id, start, 1);
        assert_eq!(record["weighted_base"], weighted, "{id} {start}");
        assert_eq!(record["expected"], expected, "{id} {start}");
    }
}

#[test]
fn overlapping_contracts_with_the_same_start_go_to_the_lowest_id() {
    // K2 (listed first) and K1 both cover A1 over January 2025: same start, so the
    // January 10,000.00 goes to K1 (W 10,000.00, E 2,000.00); K2 gets nothing.
    let book = Book::default()
        .contract(contract("K2"))
        .contract(contract("K1"))
        .tier("K2", "0", "", "20%")
        .tier("K1", "0", "", "20%");
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-02-15",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "overlapping_contracts");
    assert_eq!(finding["contract_id"], "K1");
    assert_eq!(finding["evidence"]["facts"]["also_covered_by"], "K2");
    assert_eq!(finding["amount"], "10000.00");
    assert_eq!(
        installment(&run, "K1", "2025-01-01", 1)["weighted_base"],
        "10000.00"
    );
    assert_eq!(
        installment(&run, "K1", "2025-01-01", 1)["expected"],
        "2000.00"
    );
    assert_eq!(
        installment(&run, "K2", "2025-01-01", 1)["weighted_base"],
        "0.00"
    );
}

// ---------------------------------------------------------------------------------------
// 4. Unknown products
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_product_weighs_1_and_is_reported_once_as_info() {
    // ECS 10,000.00 plus two lines of `Quantum Annealer` (no alias, no products row):
    // 1,000.00 + 500.00, weighted at 1 → W = 11,500.00, E = 2,300.00 (paid in full).
    // One info finding for C1 and the product: 2 lines, 1,500.00.
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "Quantum Annealer", "1000.00", "CNY"),
        ("A1", "2025-01", "Quantum Annealer", "500.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2300.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.types(), vec!["unknown_product"]);
    let finding = only(&run, "unknown_product");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["amount"], "1500.00");
    let facts = &finding["evidence"]["facts"];
    assert_eq!(facts["product"], "Quantum Annealer");
    assert_eq!(facts["coefficient"], "1");
    assert_eq!(facts["rows"], "2");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "11500.00");
    assert_eq!(record["expected"], "2300.00");
    assert_eq!(record["status"], "paid");

    // With a products row (0.4) the product is known and not reported:
    // W = 10,000.00 + 1,500.00 × 0.4 = 10,600.00, E = 2,120.00.
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard().product("C1", "Quantum Annealer", "0.4"),
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2120.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "10600.00");
    assert_eq!(record["expected"], "2120.00");
}

// ---------------------------------------------------------------------------------------
// 5. Clawback
// ---------------------------------------------------------------------------------------

#[test]
fn a_refund_after_a_paid_quarter_is_a_clawback_never_unpaid() {
    // 2025 contract, contract_year basis, quarterly, 20%, due 30 days after quarter end.
    // Q1: 10,000.00 billed → Earned(2025-03-31) = 10,000 × 20% = 2,000.00 = E_Q1,
    //     due 2025-04-30, paid 2025-04-15.
    // Q2: a refund of −4,000.00 → year volume 6,000.00 → Earned(2025-06-30) = 1,200.00;
    //     E_Q2 = 1,200.00 − 2,000.00 = −800.00, due 2025-06-30 + 30 = 2025-07-30.
    // Q3, Q4: no lines → E = 0.00.
    // The clawback finding: expected −800.00, paid 0.00, difference 0.00 − (−800.00) = 800.00.
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-12-31")
                .set("tier_basis", "contract_year")
                .set("settlement", "quarterly"),
        )
        .tier("C1", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-04", "ECS", "-4000.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[("P1", "C1", "2025-04-15", "2000.00")]),
        "2026-06-30",
        &[],
    );
    // Info only: exit 0 at the default --fail-on warning.
    run.expect_status(0);
    assert_eq!(run.types(), vec!["clawback"]);
    let q1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(q1["weighted_base"], "10000.00");
    assert_eq!(q1["expected"], "2000.00");
    assert_eq!(q1["status"], "paid");
    let q2 = installment(&run, "C1", "2025-04-01", 1);
    assert_eq!(q2["period_end"], "2025-06-30");
    assert_eq!(q2["weighted_base"], "-4000.00");
    assert_eq!(q2["expected"], "-800.00");
    assert_eq!(q2["due_on"], "2025-07-30");
    assert_eq!(q2["paid"], "0.00");
    assert_eq!(q2["status"], "clawback");
    for start in ["2025-07-01", "2025-10-01"] {
        let record = installment(&run, "C1", start, 1);
        assert_eq!(record["expected"], "0.00", "{start}");
        assert_eq!(record["status"], "nothing_due", "{start}");
    }
    let finding = only(&run, "clawback");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], "2025-04-01");
    assert_eq!(finding["period_end"], "2025-06-30");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "-800.00");
    assert_eq!(finding["paid"], "0.00");
    assert_eq!(finding["difference"], "800.00");
    assert_eq!(finding["due_on"], "2025-07-30");
    assert!(run.of_type("unpaid").is_empty());
    assert!(run.of_type("underpaid").is_empty());
}

// ---------------------------------------------------------------------------------------
// 6. Staged schedules
// ---------------------------------------------------------------------------------------

#[test]
fn points_then_rest_on_renewal_is_due_after_the_renewal_or_conditional() {
    // Three 2025 contracts, annual settlement, tier 25%, due 30 days, each billing
    // 100,000.00 in March: W = 100,000.00, E = 25,000.00.
    // Schedule: 1 settlement `10pt` = round(100,000.00 × 10%) = 10,000.00 (≤ 25,000.00),
    //           2 renewal `rest` = 25,000.00 − 10,000.00 = 15,000.00.
    // Installment 1 is due 2025-12-31 + 30 = 2026-01-30 for all three.
    //   S1 renewed 2026-02-15: installment 2 due max(2025-12-31, 2026-02-15) + 30 =
    //      2026-03-17; only 10,000.00 paid → as of 2026-06-30 unpaid,
    //      days_late = 14 (Mar) + 30 + 31 + 30 = 105,
    //      interest = 15,000.00 × 0.05% × 105 = 787.50.
    //   S2 renewed 2025-12-01 (before the period end): due max(2025-12-31, 2025-12-01) + 30
    //      = 2026-01-30; 25,000.00 paid 2026-01-25 fills both → paid.
    //   S3 not renewed: installment 2 has no due date → conditional, no finding.
    let make = |id: &str, account: &str, renewed_on: &str| {
        contract(id)
            .set("accounts", account)
            .set("end", "2025-12-31")
            .set("settlement", "annual")
            .set("renewed_on", renewed_on)
    };
    let mut book = Book::default()
        .contract(make("S1", "A1", "2026-02-15"))
        .contract(make("S2", "A2", "2025-12-01"))
        .contract(make("S3", "A3", ""));
    for id in ["S1", "S2", "S3"] {
        book = book
            .tier(id, "0", "", "25%")
            .schedule(id, "1", "settlement", "10pt")
            .schedule(id, "2", "renewal", "rest");
    }
    let billing = billing_csv(&[
        ("A1", "2025-03", "ECS", "100000.00", "CNY"),
        ("A2", "2025-03", "ECS", "100000.00", "CNY"),
        ("A3", "2025-03", "ECS", "100000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "S1", "2026-01-20", "10000.00"),
        ("P2", "S2", "2026-01-25", "25000.00"),
        ("P3", "S3", "2026-01-20", "10000.00"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2026-06-30", &[]);
    run.expect_status(1);
    for id in ["S1", "S2", "S3"] {
        let first = installment(&run, id, "2025-01-01", 1);
        assert_eq!(first["period_end"], "2025-12-31", "{id}");
        assert_eq!(first["trigger"], "settlement", "{id}");
        assert_eq!(first["weighted_base"], "100000.00", "{id}");
        assert_eq!(first["expected"], "10000.00", "{id}");
        assert_eq!(first["due_on"], "2026-01-30", "{id}");
        assert_eq!(first["paid"], "10000.00", "{id}");
        assert_eq!(first["status"], "paid", "{id}");
        let second = installment(&run, id, "2025-01-01", 2);
        assert_eq!(second["trigger"], "renewal", "{id}");
        assert_eq!(second["expected"], "15000.00", "{id}");
    }
    let s1 = installment(&run, "S1", "2025-01-01", 2);
    assert_eq!(s1["due_on"], "2026-03-17");
    assert_eq!(s1["status"], "unpaid");
    let s2 = installment(&run, "S2", "2025-01-01", 2);
    assert_eq!(s2["due_on"], "2026-01-30");
    assert_eq!(s2["paid"], "15000.00");
    assert_eq!(s2["status"], "paid");
    let s3 = installment(&run, "S3", "2025-01-01", 2);
    assert_eq!(s3["due_on"], Value::Null);
    assert_eq!(s3["paid"], "0.00");
    assert_eq!(s3["status"], "conditional");
    assert_eq!(run.types(), vec!["unpaid"]);
    let unpaid = only(&run, "unpaid");
    assert_eq!(unpaid["contract_id"], "S1");
    assert_eq!(unpaid["installment"], 2);
    assert_eq!(unpaid["expected"], "15000.00");
    assert_eq!(unpaid["paid"], "0.00");
    assert_eq!(unpaid["difference"], "-15000.00");
    assert_eq!(unpaid["due_on"], "2026-03-17");
    assert_eq!(unpaid["days_late"], 105);
    assert_eq!(unpaid["interest"], "787.50");
}

#[test]
fn percent_portions_without_rest_each_take_their_rounded_share() {
    // January bill 6,172.85 → E = 6,172.85 × 20% = 1,234.57.
    //   1 settlement 40%: round(1,234.57 × 40%) = round(493.828) = 493.83, due 2025-03-02.
    //   2 renewal 60%: round(740.742) = 740.74; renewed 2025-03-20 →
    //     due max(2025-01-31, 2025-03-20) + 30 = 2025-04-19.
    //   493.83 + 740.74 = 1,234.57.
    // Payouts without a period go by due date: 493.83 → 1, 740.74 → 2; both on time.
    let book = Book::default()
        .contract(contract("C1").set("renewed_on", "2025-03-20"))
        .tier("C1", "0", "", "20%")
        .schedule("C1", "1", "settlement", "40%")
        .schedule("C1", "2", "renewal", "60%");
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &billing_csv(&[("A1", "2025-01", "ECS", "6172.85", "CNY")]),
        &simple_payouts(&[
            ("P1", "C1", "2025-02-20", "493.83"),
            ("P2", "C1", "2025-04-10", "740.74"),
        ]),
        "2025-12-31",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let first = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(first["weighted_base"], "6172.85");
    assert_eq!(first["expected"], "493.83");
    assert_eq!(first["due_on"], "2025-03-02");
    assert_eq!(first["paid"], "493.83");
    assert_eq!(first["status"], "paid");
    let second = installment(&run, "C1", "2025-01-01", 2);
    assert_eq!(second["trigger"], "renewal");
    assert_eq!(second["expected"], "740.74");
    assert_eq!(second["due_on"], "2025-04-19");
    assert_eq!(second["paid"], "740.74");
    assert_eq!(second["status"], "paid");
}

// ---------------------------------------------------------------------------------------
// 7. Transparent settlement and offsets
// ---------------------------------------------------------------------------------------

#[test]
fn transparent_settlement_is_due_on_the_next_bill_and_offsets_need_no_invoice() {
    // Q1 2025, transparent (calendar months), payout_kind offset, invoice vat_special 6%,
    // due_days 30 (which the settlement trigger ignores under transparent settlement).
    //   Jan 10,000.00 → E 2,000.00 due on the last day of February: 2025-02-28.
    //   Feb  5,000.00 → E 1,000.00 due 2025-03-31.
    //   Mar nothing   → E 0.00, due 2025-04-30.
    // P1 (kind blank → the contract's offset) 2,000.00 on 2025-02-28; P2 (offset) 600.00
    // and P3 (cash) 400.00 on 2025-03-31: all on time. None carries an invoice; only the
    // cash payout P3 is invoice-checked → one `mis_invoiced` (missing).
    let book = Book::default()
        .contract(
            contract("T1")
                .set("end", "2025-03-31")
                .set("settlement", "transparent")
                .set("payout_kind", "offset")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("T1", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-02", "ECS", "5000.00", "CNY"),
    ]);
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "kind"],
        &[
            &["P1", "T1", "2025-02-28", "2000.00", ""],
            &["P2", "T1", "2025-03-31", "600.00", "offset"],
            &["P3", "T1", "2025-03-31", "400.00", "cash"],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    for (start, expected, due_on, paid, status) in [
        ("2025-01-01", "2000.00", "2025-02-28", "2000.00", "paid"),
        ("2025-02-01", "1000.00", "2025-03-31", "1000.00", "paid"),
        ("2025-03-01", "0.00", "2025-04-30", "0.00", "nothing_due"),
    ] {
        let record = installment(&run, "T1", start, 1);
        assert_eq!(record["expected"], expected, "{start}");
        assert_eq!(record["due_on"], due_on, "{start}");
        assert_eq!(record["paid"], paid, "{start}");
        assert_eq!(record["status"], status, "{start}");
    }
    assert_eq!(run.types(), vec!["mis_invoiced"]);
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["payout_id"], "P3");
    assert_eq!(finding["reason"], "missing");
}

// ---------------------------------------------------------------------------------------
// 8. Period-referenced payouts
// ---------------------------------------------------------------------------------------

/// A 2025 contract, quarterly, 20%, due 30 days, schedule 50% + rest (both on
/// settlement); A1 bills 10,000.00 in January and 5,000.00 in April.
///   Q1: E 2,000.00 → installment 1 = 1,000.00, 2 = 1,000.00, both due 2025-04-30.
///   Q2: E 1,000.00 → installment 1 = 500.00, 2 = 500.00, both due 2025-07-30.
fn two_installment_quarters() -> (Book, String) {
    let book = Book::default()
        .contract(
            contract("Q")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly"),
        )
        .tier("Q", "0", "", "20%")
        .schedule("Q", "1", "settlement", "50%")
        .schedule("Q", "2", "settlement", "rest");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-04", "ECS", "5000.00", "CNY"),
    ]);
    (book, billing)
}

const PERIOD_HEADER: &[&str] = &[
    "payout_id",
    "contract_id",
    "paid_on",
    "amount",
    "period",
    "installment",
];

#[test]
fn period_referenced_payouts_go_first_and_fill_their_period() {
    // Period-referenced payouts first, by (paid_on, id): PB then PA; then PC.
    //   PB 500.00 (2025-05, installment 2, paid 04-05) → 2025-05 lies in Q2 → Q2 #2: 500.00.
    //   PA 1,500.00 (2025-Q1, paid 04-10) → Q1's open installments in order:
    //      Q1 #1: 1,000.00, Q1 #2: 500.00.
    //   PC 1,000.00 (no period, paid 04-01 — earliest, but goes last) → by due date:
    //      Q1 #2 (due 04-30): 500.00, then Q2 #1 (due 07-30): 500.00.
    // Had PC gone first by date it would have filled Q1 #1 and PA would have overpaid Q1.
    // As of 2025-06-30: Q1 #1 and #2 paid; Q2 #1 500.00 of 500.00 paid; Q2 #2 paid.
    let (book, billing) = two_installment_quarters();
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["PA", "Q", "2025-04-10", "1500.00", "2025-Q1", ""],
            &["PB", "Q", "2025-04-05", "500.00", "2025-05", "2"],
            &["PC", "Q", "2025-04-01", "1000.00", "", ""],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    for (start, number, expected, paid, status) in [
        ("2025-01-01", 1, "1000.00", "1000.00", "paid"),
        ("2025-01-01", 2, "1000.00", "1000.00", "paid"),
        ("2025-04-01", 1, "500.00", "500.00", "paid"),
        ("2025-04-01", 2, "500.00", "500.00", "paid"),
    ] {
        let record = installment(&run, "Q", start, number);
        assert_eq!(record["expected"], expected, "{start} #{number}");
        assert_eq!(record["paid"], paid, "{start} #{number}");
        assert_eq!(record["status"], status, "{start} #{number}");
    }
}

#[test]
fn a_period_payout_with_nothing_open_is_excess_on_the_periods_last_installment() {
    // PA 2,000.00 for 2025-Q1 fills Q1 #1 and #2 (1,000.00 each). PB 150.00 for 2025-Q1
    // finds nothing open: it is excess on Q1's last installment (#2) → overpaid,
    // paid 1,150.00, difference 150.00.
    let (book, billing) = two_installment_quarters();
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["PA", "Q", "2025-04-10", "2000.00", "2025-Q1", ""],
            &["PB", "Q", "2025-04-11", "150.00", "2025-Q1", ""],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overpaid"]);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["contract_id"], "Q");
    assert_eq!(finding["period_start"], "2025-01-01");
    assert_eq!(finding["period_end"], "2025-03-31");
    assert_eq!(finding["installment"], 2);
    assert_eq!(finding["expected"], "1000.00");
    assert_eq!(finding["paid"], "1150.00");
    assert_eq!(finding["difference"], "150.00");
    assert_eq!(installment(&run, "Q", "2025-01-01", 1)["paid"], "1000.00");
    assert_eq!(installment(&run, "Q", "2025-01-01", 1)["status"], "paid");
}

#[test]
fn a_payout_naming_an_installment_the_period_lacks_is_unmatched() {
    // The standard contract has one installment. P1 (2025-01, #1) pays it; P2 (2025-01,
    // #3) and P3 (no period, #2) name installments that do not exist → unmatched_payout,
    // reason `installment`, and their money is not counted.
    let payouts = payouts_csv(
        PERIOD_HEADER,
        &[
            &["P1", "C1", "2025-02-15", "2000.00", "2025-01", "1"],
            &["P2", "C1", "2025-02-16", "100.00", "2025-01", "3"],
            &["P3", "C1", "2025-02-17", "50.00", "", "2"],
        ],
    );
    let fixture = Fixture::new();
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let unmatched = run.of_type("unmatched_payout");
    assert_eq!(unmatched.len(), 2, "{:#?}", run.findings());
    for (payout_id, paid) in [("P2", "100.00"), ("P3", "50.00")] {
        let finding = unmatched
            .iter()
            .find(|finding| finding["payout_id"] == payout_id)
            .unwrap_or_else(|| panic!("no finding for {payout_id}: {unmatched:#?}"));
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["contract_id"], "C1");
        assert_eq!(finding["reason"], "installment");
        assert_eq!(finding["paid"], paid);
    }
    assert_eq!(run.findings().len(), 2);
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}

#[test]
fn a_payout_with_nothing_open_is_overpaid_on_the_contract_itself() {
    // P1 2,000.00 fills the only installment; P2 300.00 (no period) finds nothing open
    // and reached no installment → `overpaid` on the contract: period and installment
    // null, payout_id P2, 300.00 more than expected.
    let fixture = Fixture::new();
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C1", "2025-02-20", "300.00"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["overpaid"]);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], Value::Null);
    assert_eq!(finding["period_end"], Value::Null);
    assert_eq!(finding["installment"], Value::Null);
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["paid"], "300.00");
    assert_eq!(finding["difference"], "300.00");
    assert_eq!(finding["paid_on"], "2025-02-20");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}

// ---------------------------------------------------------------------------------------
// 9. mis_invoiced reasons
// ---------------------------------------------------------------------------------------

#[test]
fn every_invoice_reason_is_reported_once_per_payout() {
    // C1 needs a vat_special invoice at 6% from 91110000TAXID0001X, within 30 days.
    // E = 2,000.00, paid by four payouts on time (1,000 + 500 + 250 + 250).
    //   P1: all correct; invoiced 2025-03-12 = paid_on 2025-02-10 + 30 days → in window.
    //   P2 (500.00): invoice 499.00 (off by 1.00 > 0.01) → amount; 13% → tax_rate;
    //       vat_general → type; issuer 91330000OTHER0002Y → issuer; dated 2025-03-20,
    //       37 days after 2025-02-11 → late_invoice.
    //   P3 (250.00): invoice 249.99 (within 0.01), type 专票 (= vat_special), but INV-3 …
    //   P4 (250.00): … is also on P4 → one `duplicate` for P3 and one for P4. P4's issuer
    //       differs only in letter case → not an issuer problem.
    let book = Book::default()
        .contract(
            contract("C1")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%");
    let header = [
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_tax_rate",
        "invoice_type",
        "invoice_issuer",
    ];
    let payouts = payouts_csv(
        &header,
        &[
            &[
                "P1",
                "C1",
                "2025-02-10",
                "1000.00",
                "INV-1",
                "2025-03-12",
                "1000.00",
                "6%",
                "vat_special",
                "91110000TAXID0001X",
            ],
            &[
                "P2",
                "C1",
                "2025-02-11",
                "500.00",
                "INV-2",
                "2025-03-20",
                "499.00",
                "13%",
                "vat_general",
                "91330000OTHER0002Y",
            ],
            &[
                "P3",
                "C1",
                "2025-02-12",
                "250.00",
                "INV-3",
                "2025-02-12",
                "249.99",
                "6%",
                "专票",
                "91110000TAXID0001X",
            ],
            &[
                "P4",
                "C1",
                "2025-02-13",
                "250.00",
                "INV-3",
                "2025-02-13",
                "250.00",
                "6%",
                "vat_special",
                "91110000taxid0001x",
            ],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &payouts,
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(invoice_reasons(&run, "P1"), Vec::<String>::new());
    assert_eq!(
        invoice_reasons(&run, "P2"),
        vec!["amount", "issuer", "late_invoice", "tax_rate", "type"]
    );
    assert_eq!(invoice_reasons(&run, "P3"), vec!["duplicate"]);
    assert_eq!(invoice_reasons(&run, "P4"), vec!["duplicate"]);
    assert_eq!(run.findings().len(), 7, "{:#?}", run.findings());
    for finding in run.of_type("mis_invoiced") {
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["contract_id"], "C1");
        assert_eq!(finding["installment"], Value::Null);
    }
    let facts = |reason: &str| invoice_finding(&run, "P2", reason)["evidence"]["facts"].clone();
    assert_eq!(facts("amount")["expected"], "500.00");
    assert_eq!(facts("amount")["found"], "499.00");
    assert_eq!(facts("tax_rate")["expected"], "6%");
    assert_eq!(facts("tax_rate")["found"], "13%");
    assert_eq!(facts("type")["expected"], "vat_special");
    assert_eq!(facts("type")["found"], "vat_general");
    assert_eq!(facts("issuer")["expected"], "91110000TAXID0001X");
    assert_eq!(facts("issuer")["found"], "91330000OTHER0002Y");
    assert_eq!(facts("late_invoice")["found"], "2025-03-20");
    let p2 = invoice_finding(&run, "P2", "amount");
    assert_eq!(p2["paid"], "500.00");
    assert_eq!(p2["paid_on"], "2025-02-11");
    assert!(
        invoice_finding(&run, "P2", "late_invoice")["detail"]
            .as_str()
            .unwrap()
            .contains("37 days"),
    );
    assert_eq!(
        invoice_finding(&run, "P3", "duplicate")["evidence"]["facts"]["found"],
        "also on payout P4"
    );
    assert_eq!(
        invoice_finding(&run, "P4", "duplicate")["evidence"]["facts"]["found"],
        "also on payout P3"
    );
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["paid"], "2000.00");
    assert_eq!(record["status"], "paid");
}

#[test]
fn an_invoice_number_reused_in_another_ledger_is_a_duplicate() {
    // Two ledgers in one --payouts folder: P1 (a.csv) and P2 (b.csv), 1,000.00 each, both
    // with invoice INV-7 and otherwise correct → one `duplicate` each; E = 2,000.00 paid.
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(contract("C1").set("invoice", "vat_general"))
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let header = [
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_type",
    ];
    let row = |id: &'static str, day: &'static str| -> [&'static str; 8] {
        [
            id,
            "C1",
            day,
            "1000.00",
            "INV-7",
            day,
            "1000.00",
            "vat_general",
        ]
    };
    let (p1, p2) = (row("P1", "2025-02-10"), row("P2", "2025-02-11"));
    fixture.write("ledgers/a.csv", payouts_csv(&header, &[&p1]));
    fixture.write("ledgers/b.csv", payouts_csv(&header, &[&p2]));
    let run = fixture.audit(
        &contracts,
        &billing,
        &fixture.path("ledgers"),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(invoice_reasons(&run, "P1"), vec!["duplicate"]);
    assert_eq!(invoice_reasons(&run, "P2"), vec!["duplicate"]);
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
}

// ---------------------------------------------------------------------------------------
// 10. Hidden and unrecognised billing sheets
// ---------------------------------------------------------------------------------------

#[test]
fn a_hidden_billing_sheet_is_not_read() {
    // Visible `bill`: A1 10,000.00 → W 10,000.00, E 2,000.00 (paid).
    // Hidden `extra`: A1 5,000.00 and Z9 777.00 — neither counts (no uncovered Z9 either);
    // the sheet itself is reported once, as a rejected_row with reason hidden_sheet.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "extra",
                true,
                GENERIC_HEADER,
                vec![
                    bill_row("A1", "2025-01", "ECS", 5000.0, "CNY"),
                    bill_row("Z9", "2025-01", "ECS", 777.0, "CNY"),
                ],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let findings = run.findings();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["reason"], "hidden_sheet");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "10000.00");
    assert_eq!(record["expected"], "2000.00");
    let controls = run.json()["controls"]["billing"].clone();
    assert_eq!(controls.as_array().unwrap().len(), 1, "{controls:#}");
    assert_eq!(controls[0]["sheet"], "bill");
    assert_eq!(controls[0]["read"]["rows"], 1);
    assert_eq!(controls[0]["read"]["amount"], "10000.00");
}

#[test]
fn a_hidden_billing_sheet_is_listed_in_the_reports() {
    // docs/DECISIONS.md: "hidden sheets are skipped and listed". docs/ARITHMETIC.md: every input row
    // is accounted for. The hidden sheet's name should appear in findings.json or the
    // summary so a reader knows rows were left out.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "secret_extra",
                true,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 5000.0, "CNY")],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    let json = String::from_utf8(run.read("findings.json")).unwrap();
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(
        json.contains("secret_extra") && summary.contains("secret_extra"),
        "the hidden sheet is listed nowhere"
    );
    let hidden: Vec<_> = run
        .findings()
        .into_iter()
        .filter(|finding| finding["reason"] == "hidden_sheet")
        .collect();
    assert_eq!(hidden.len(), 1, "{:#?}", run.findings());
    assert_eq!(hidden[0]["type"], "rejected_row");
    assert_eq!(hidden[0]["evidence"]["location"]["sheet"], "secret_extra");
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("billing.xlsx"))
        .cloned()
        .unwrap();
    assert_eq!(input["hidden_sheets"][0], "secret_extra");
}

#[test]
fn a_notes_sheet_whose_header_matches_no_layout_is_rejected_row_by_row() {
    // `bill` is read as usual (W 10,000.00, E 2,000.00, paid). `notes` has the header
    // `note, author` and two rows: its header row (row 1) and both rows (2, 3) are
    // rejected → 3 rejected_row findings, and its control counts 3 rows read = 3 rejected.
    let fixture = Fixture::new();
    let billing = fixture.path("billing.xlsx");
    billing_xlsx(
        &billing,
        &[
            (
                "bill",
                false,
                GENERIC_HEADER,
                vec![bill_row("A1", "2025-01", "ECS", 10000.0, "CNY")],
            ),
            (
                "notes",
                false,
                &["note", "author"],
                vec![
                    vec!["check the RDS line".into(), "bob".into()],
                    vec!["ask the agent for the invoice".into(), "alice".into()],
                ],
            ),
        ],
    );
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let rejected = run.of_type("rejected_row");
    assert_eq!(rejected.len(), 3, "{:#?}", run.findings());
    let mut rows: Vec<i64> = rejected
        .iter()
        .map(|finding| {
            let location = &finding["evidence"]["location"];
            assert_eq!(location["file"], text(&billing));
            assert_eq!(location["sheet"], "notes");
            assert_eq!(finding["severity"], "error");
            location["row"].as_i64().unwrap()
        })
        .collect();
    rows.sort();
    assert_eq!(rows, vec![1, 2, 3]);
    assert_eq!(run.findings().len(), 3);
    let controls = run.json()["controls"]["billing"].clone();
    assert_eq!(controls.as_array().unwrap().len(), 2, "{controls:#}");
    let bill = &controls[0];
    assert_eq!(bill["sheet"], "bill");
    assert_eq!(bill["format"], "generic");
    assert_eq!(bill["attributed"]["rows"], 1);
    assert_eq!(bill["attributed"]["amount"], "10000.00");
    let notes = &controls[1];
    assert_eq!(notes["sheet"], "notes");
    assert_eq!(notes["format"], Value::Null);
    assert_eq!(notes["read"]["rows"], 3);
    assert_eq!(notes["rejected"]["rows"], 3);
    assert_eq!(notes["attributed"]["rows"], 0);
    assert_eq!(notes["balanced"], true);
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
}

// ---------------------------------------------------------------------------------------
// 11. Bases `list` and `cash`
// ---------------------------------------------------------------------------------------

#[test]
fn list_base_uses_list_amount_and_cash_base_subtracts_vouchers() {
    // L1 (base list, A1) and K1 (base cash, A2), January 2025, 20%.
    //   row 2  A1 ECS list 12,000.00, voucher 500.00, net 10,000.00 → L1 line base 12,000.00
    //   row 3  A2 ECS list 12,000.00, voucher 500.00, net 10,000.00 → K1: 10,000 − 500 = 9,500.00
    //   row 4  A1 OSS no list amount, net 3,000.00 → rejected (L1 needs list_amount)
    //   row 5  A2 OSS no list, no voucher, net 1,000.00 → K1: 1,000.00 − 0 = 1,000.00
    // L1: W = 12,000.00, E = 2,400.00.  K1: W = 9,500.00 + 1,000.00 = 10,500.00, E = 2,100.00.
    // Controls: 4 rows, 24,000.00 read = 20,000.00 attributed (net) + 1 row, 3,000.00 rejected.
    let book = Book::default()
        .contract(contract("L1").set("base", "list"))
        .contract(contract("K1").set("accounts", "A2").set("base", "cash"))
        .tier("L1", "0", "", "20%")
        .tier("K1", "0", "", "20%");
    let billing = billing_csv_with_list_and_voucher(&[
        [
            "A1", "2025-01", "ECS", "12000.00", "500.00", "10000.00", "CNY",
        ],
        [
            "A2", "2025-01", "ECS", "12000.00", "500.00", "10000.00", "CNY",
        ],
        ["A1", "2025-01", "OSS", "", "", "3000.00", "CNY"],
        ["A2", "2025-01", "OSS", "", "", "1000.00", "CNY"],
    ]);
    let payouts = simple_payouts(&[
        ("P1", "L1", "2025-02-15", "2400.00"),
        ("P2", "K1", "2025-02-15", "2100.00"),
    ]);
    let fixture = Fixture::new();
    let run = audit_book(&fixture, &book, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let l1 = installment(&run, "L1", "2025-01-01", 1);
    assert_eq!(l1["weighted_base"], "12000.00");
    assert_eq!(l1["expected"], "2400.00");
    assert_eq!(l1["status"], "paid");
    let k1 = installment(&run, "K1", "2025-01-01", 1);
    assert_eq!(k1["weighted_base"], "10500.00");
    assert_eq!(k1["expected"], "2100.00");
    assert_eq!(k1["status"], "paid");
    assert_eq!(run.types(), vec!["rejected_row"]);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 4);
    let detail = rejected["detail"].as_str().unwrap();
    assert!(
        detail.contains("list_amount") && detail.contains("L1"),
        "{detail}"
    );
    assert_eq!(rejected["evidence"]["facts"]["net_amount"], "3000.00");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "24000.00");
    assert_eq!(control["attributed"]["rows"], 3);
    assert_eq!(control["attributed"]["amount"], "21000.00");
    assert_eq!(control["rejected"]["rows"], 1);
    assert_eq!(control["rejected"]["amount"], "3000.00");
    assert_eq!(control["balanced"], true);
}

// ---------------------------------------------------------------------------------------
// 12. Late payment with period references
// ---------------------------------------------------------------------------------------

#[test]
fn late_interest_counts_only_the_allocations_paid_after_the_deadline() {
    // Standard contract with 3 grace days: E = 2,000.00 due 2025-03-02, deadline 2025-03-05.
    // Three payouts, each naming January in another form:
    //   P1 1,000.00 on 2025-03-04 (`2025-01`)    — after due, within grace: no interest;
    //   P2   600.00 on 2025-03-07 (`2025-Q1`)    — 5 days after due: 600 × 0.05% × 5 = 1.50;
    //   P3   400.00 on 2025-03-22 (`2025-01-15`) — 20 days: 400 × 0.05% × 20 = 4.00.
    // Completed on 2025-03-22 > deadline → late, days_late 20, interest 1.50 + 4.00 = 5.50
    // (not 2,000.00 × 0.05% × 20 = 20.00).
    let book = Book::default()
        .contract(contract("C1").set("grace_days", "3"))
        .tier("C1", "0", "", "20%");
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[
            &["P1", "C1", "2025-03-04", "1000.00", "2025-01"],
            &["P2", "C1", "2025-03-07", "600.00", "2025-Q1"],
            &["P3", "C1", "2025-03-22", "400.00", "2025-01-15"],
        ],
    );
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &payouts,
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["late"]);
    let finding = only(&run, "late");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "0.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["paid_on"], "2025-03-22");
    assert_eq!(finding["days_late"], 20);
    assert_eq!(finding["interest"], "5.50");
    let allocations = finding["evidence"]["allocations"].as_array().unwrap();
    let mut allocated: Vec<(String, String)> = allocations
        .iter()
        .map(|allocation| {
            (
                allocation["payout_id"].as_str().unwrap().to_string(),
                allocation["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    allocated.sort();
    assert_eq!(
        allocated,
        vec![
            ("P1".to_string(), "1000.00".to_string()),
            ("P2".to_string(), "600.00".to_string()),
            ("P3".to_string(), "400.00".to_string()),
        ]
    );
    assert_eq!(run.json()["totals"]["interest"], "5.50");
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["status"], "late");
}

#[test]
fn an_underpaid_period_payout_accrues_interest_on_the_shortfall_from_the_due_date() {
    // Standard contract: E = 2,000.00 due 2025-03-02, no grace. One payout for `2025-01`:
    // 1,500.00 on 2025-03-20. As of 2025-04-01: underpaid, shortfall 500.00,
    // days_late = 2025-04-01 − 2025-03-02 = 30, interest = 500.00 × 0.05% × 30 = 7.50;
    // paid_on is the latest payment allocated to it, 2025-03-20.
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[&["P1", "C1", "2025-03-20", "1500.00", "2025-01"]],
    );
    let fixture = Fixture::new();
    let run = fixture.standard_audit(&payouts, "2025-04-01", &[]);
    run.expect_status(1);
    assert_eq!(run.types(), vec!["underpaid"]);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["paid"], "1500.00");
    assert_eq!(finding["difference"], "-500.00");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "7.50");
    assert_eq!(finding["paid_on"], "2025-03-20");
}
