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

mod bases;
mod billing_map;
mod clawback;
mod late_with_refs;
mod mis_invoiced;
mod overlaps;
mod period_refs;
mod sheets;
mod staged;
mod transparent;
mod unknown_products;
mod user_rulesets;
