//! The agent's statements through the binary: a statement that under-counts a product (a
//! real .xlsx with Chinese headers), one that agrees but is not what was paid (CSV), a
//! provider layout in fen, and bad input — an unknown contract, a row that cannot be read,
//! a header without the columns a statement needs.

use crate::common::*;
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// C1 (January 2025, 20%) billed ECS 8,000 and OSS 2,000: W = 10,000, E = 2,000.
fn inputs(fixture: &Fixture, paid: &str) -> (PathBuf, PathBuf, PathBuf) {
    fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "8000.00", "CNY"),
            ("A1", "2025-01", "OSS", "2000.00", "CNY"),
        ],
        &[("P1", "C1", "2025-02-10", paid)],
    )
}

/// A statement workbook with the template's Chinese headers and one row.
fn statement_xlsx(fixture: &Fixture, row: &[&str]) -> PathBuf {
    let path = fixture.path("结算单.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("结算单").unwrap();
    let header = [
        "合同编号",
        "结算期间",
        "计算基数",
        "返点比例",
        "返点金额",
        "扣减金额",
        "应付金额",
        "币种",
        "结算单号",
    ];
    for (column, name) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *name).unwrap();
    }
    for (column, value) in row.iter().enumerate() {
        match value.parse::<f64>() {
            Ok(number) if (2..=6).contains(&column) => {
                sheet.write_number(1, column as u16, number).unwrap();
            }
            _ => {
                sheet.write_string(1, column as u16, *value).unwrap();
            }
        }
    }
    workbook.save(&path).unwrap();
    path
}

fn audit(fixture: &Fixture, paid: &str, statement: &Path) -> Run {
    audit_into(fixture, "out", paid, statement, &[])
}

/// [`audit`] into `out`, with `extra` arguments after the statement.
fn audit_into(
    fixture: &Fixture,
    out: &str,
    paid: &str,
    statement: &Path,
    extra: &[&dyn AsRef<std::ffi::OsStr>],
) -> Run {
    let (contracts, billing, payouts) = inputs(fixture, paid);
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"--statements", &statement];
    args.extend_from_slice(extra);
    fixture.audit_into(out, &contracts, &billing, &payouts, "2025-06-30", &args)
}

#[test]
fn a_statement_that_leaves_out_a_product_is_a_mismatch_with_its_cause_in_every_report() {
    let fixture = Fixture::new();
    let statement = statement_xlsx(
        &fixture,
        &[
            "C1", "2025-01", "8000", "0.2", "1600", "", "1600", "CNY", "JS-001",
        ],
    );
    let run = audit(&fixture, "1600", &statement);
    run.expect_status(1);
    let finding = only(&run, "statement_mismatch");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], "2025-01-01");
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "1600.00");
    assert_eq!(finding["difference"], "-400.00");
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("base 8,000.00 stated, 10,000.00 recomputed (-2,000.00)"),
        "{detail}"
    );
    assert!(
        detail.contains(
            "a product left out: the base is short by exactly oss's weighted base of 2,000.00"
        ),
        "{detail}"
    );
    let facts = &finding["evidence"]["facts"];
    assert_eq!(facts["statement_base"], "8000.00", "{facts}");
    assert_eq!(facts["recomputed_base"], "10000.00", "{facts}");
    assert_eq!(facts["likely_causes"], "product_left_out");
    // Paid what the statement says: the statement total is matched, the shortfall is the
    // installment's.
    assert!(run.of_type("statement_unpaid").is_empty());
    only(&run, "underpaid");
    // Every report format carries it.
    for name in [
        "findings.csv",
        "summary.md",
        "summary.html",
        "report.html",
        "evidence/C1.md",
    ] {
        let text = String::from_utf8(run.read(name)).unwrap();
        assert!(
            text.contains("statement_mismatch"),
            "{name} lacks the finding"
        );
    }
    for name in ["findings.xlsx", "report.xlsx"] {
        assert!(!run.read(name).is_empty(), "{name}");
    }
    let controls = &run.json()["controls"]["statements"][0];
    assert_eq!(controls["read"]["rows"], 1, "{controls}");
    assert_eq!(controls["used"]["rows"], 1, "{controls}");
    // In Chinese.
    let zh = audit_into(&fixture, "zh", "1600", &statement, &[&"--lang", &"zh"]);
    let detail = only(&zh, "statement_mismatch")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("漏计产品：基数恰好少了产品 oss 的加权基数"),
        "{detail}"
    );
    let summary = String::from_utf8(zh.read("summary.md")).unwrap();
    assert!(summary.contains("结算单不符"), "{summary}");
}

#[test]
fn a_csv_statement_that_agrees_but_is_not_what_was_paid_is_unpaid() {
    let fixture = Fixture::new();
    let statement = fixture.write(
        "statement.csv",
        "contract_id,month,base,rate,rebate,payable,statement_no\nC1,2025-01,10000,20%,2000,2000,JS-9\n",
    );
    let run = audit(&fixture, "1500", &statement);
    run.expect_status(1);
    assert!(run.of_type("statement_mismatch").is_empty());
    let unpaid = only(&run, "statement_unpaid");
    assert_eq!(unpaid["amount"], "2000.00");
    let detail = unpaid["detail"].as_str().unwrap();
    assert!(
        detail.contains("statement JS-9 (2025-01) says 2,000.00 is payable on contract C1"),
        "{detail}"
    );
    // Paid in full: nothing about the statement.
    let paid = Fixture::new();
    let statement = paid.write(
        "statement.csv",
        "contract_id,month,base,rate,rebate,payable,statement_no\nC1,2025-01,10000,20%,2000,2000,JS-9\n",
    );
    let run = audit(&paid, "2000", &statement);
    run.expect_status(0);
}

#[test]
fn a_provider_layout_in_fen_is_read_by_its_ruleset() {
    let fixture = Fixture::new();
    // Tencent's monthly rebate rows: the account is the contract's, amounts in fen.
    let statement = fixture.write(
        "rebates.csv",
        "Uin,RebateMonth,Amt,MonthSales,QuarterSales,ExceptionFlag\nA1,2025-01,160000,800000,800000,NORMAL\n",
    );
    let run = audit(&fixture, "1600", &statement);
    let finding = only(&run, "statement_mismatch");
    assert_eq!(finding["paid"], "1600.00");
    assert_eq!(finding["evidence"]["facts"]["statement_layout"], "tencent");
    assert_eq!(
        finding["evidence"]["facts"]["likely_causes"],
        "product_left_out"
    );
}

#[test]
fn a_statement_for_an_unknown_contract_stops_the_run_naming_the_cell() {
    let fixture = Fixture::new();
    let statement = fixture.write(
        "statement.csv",
        "contract_id,period,payable\nC2,2025-01,2000\n",
    );
    let run = audit(&fixture, "2000", &statement);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "statement.csv:2:contract_id",
            "found `C2`; did you mean `C1`?",
        ],
    );
    // Dates outside every settlement period stop it too.
    let statement = fixture.write(
        "outside.csv",
        "contract_id,period,payable\nC1,2025-Q1,2000\n",
    );
    let run = audit(&fixture, "2000", &statement);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &["outside.csv:2:period", "found 2025-01-01 to 2025-03-31"],
    );
}

#[test]
fn an_unreadable_statement_row_is_rejected_and_counted() {
    let fixture = Fixture::new();
    let statement = fixture.write(
        "statement.csv",
        "contract_id,month,rate,payable\nC1,2025-01,20%,2000\nC1,2025-01,twenty,5\n",
    );
    let run = audit(&fixture, "2000", &statement);
    run.expect_status(1);
    let rejected = only(&run, "rejected_row");
    assert_eq!(rejected["evidence"]["location"]["row"], 3);
    assert_eq!(rejected["evidence"]["location"]["column"], "rate");
    let controls = &run.json()["controls"]["statements"][0];
    assert_eq!(controls["read"]["rows"], 2, "{controls}");
    assert_eq!(controls["read"]["amount"], "2005.00", "{controls}");
    assert_eq!(controls["rejected_rows"], 1, "{controls}");
    assert!(run.of_type("statement_mismatch").is_empty());
    // A header with statement columns but without a period column stops the run.
    let statement = fixture.write("short.csv", "contract_id,base,payable\nC1,1,2\n");
    let run = audit(&fixture, "2000", &statement);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["short.csv:1", "month (月份)"]);
}

#[test]
fn the_demo_statement_under_counts_rds_and_adds_exactly_one_finding() {
    let fixture = Fixture::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = |name: &str| root.join("samples").join(name);
    let (contracts, billing, payouts, statements) = (
        sample("contracts.xlsx"),
        sample("billing"),
        sample("payouts.xlsx"),
        sample("statements.xlsx"),
    );
    let audit = |out: &str, extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        fixture.audit_into(out, &contracts, &billing, &payouts, "2026-06-30", extra)
    };
    let without = audit("without", &[]);
    let with = audit("with", &[&"--statements", &statements]);
    with.expect_status(1);
    let finding = only(&with, "statement_mismatch");
    assert_eq!(finding["contract_id"], "ALI-2024-001");
    assert_eq!(finding["period_start"], "2026-04-01");
    assert_eq!(finding["expected"], "25200.00");
    assert_eq!(finding["paid"], "21600.00");
    assert_eq!(
        finding["evidence"]["facts"]["likely_causes"],
        "product_left_out"
    );
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .contains("exactly rds's weighted base of 20,000.00")
    );
    assert!(with.of_type("statement_unpaid").is_empty());
    let others: Vec<Value> = with
        .findings()
        .into_iter()
        .filter(|finding| finding["type"] != "statement_mismatch")
        .collect();
    assert_eq!(others, without.findings());
}

#[test]
fn explain_shows_the_statement_finding_with_the_period() {
    let fixture = Fixture::new();
    let statement = fixture.write(
        "statement.csv",
        "contract_id,month,base,payable\nC1,2025-01,8000,1600\n",
    );
    let (contracts, billing, payouts) = inputs(&fixture, "1600");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args([
            "explain",
            "--contract",
            "C1",
            "--period",
            "2025-01",
            "--as-of",
            "2025-06-30",
        ])
        .arg("--contracts")
        .arg(&contracts)
        .arg("--billing")
        .arg(&billing)
        .arg("--payouts")
        .arg(&payouts)
        .arg("--statements")
        .arg(&statement)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("statement_mismatch"), "{text}");
    assert!(
        text.contains("base 8,000.00 stated, 10,000.00 recomputed"),
        "{text}"
    );
}
