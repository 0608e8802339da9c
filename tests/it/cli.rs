//! End-to-end tests of the `rebate-audit` binary: real files in a temporary folder, the
//! real executable, and the reports it writes. Every number asserted here is worked out
//! by hand in the test's comments.
//!
//! The standard fixture is one contract `C1` over January 2025 (monthly settlement, one
//! tier of 20% from 0, due 30 days after the period ends, late interest 0.05% a day):
//! a January bill of 10,000.00 earns E = 10,000.00 × 20% = 2,000.00, due on
//! 2025-01-31 + 30 days = 2025-03-02.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// 1. The basic audit
// ---------------------------------------------------------------------------------------

#[test]
fn a_correct_payout_on_time_is_a_clean_audit() {
    let fixture = Fixture::new();
    // E = 2,000.00 due 2025-03-02; 2,000.00 arrives on 2025-02-15.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let json = run.json();
    assert_eq!(json["schema"], "rebate-audit/findings/v1");
    assert_eq!(json["as_of"], "2025-06-30");
    let installments = run.installments();
    assert_eq!(installments.len(), 1);
    let installment = &installments[0];
    assert_eq!(installment["contract_id"], "C1");
    assert_eq!(installment["period_start"], "2025-01-01");
    assert_eq!(installment["period_end"], "2025-01-31");
    assert_eq!(installment["installment"], 1);
    assert_eq!(installment["trigger"], "settlement");
    assert_eq!(installment["weighted_base"], "10000.00");
    assert_eq!(installment["expected"], "2000.00");
    assert_eq!(installment["due_on"], "2025-03-02");
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    // Every report is written.
    for name in [
        "findings.json",
        "findings.csv",
        "findings.xlsx",
        "summary.md",
        "summary.html",
        "evidence/C1.md",
    ] {
        assert!(run.out.join(name).is_file(), "{name} is missing");
    }
    // One of anything is singular (issue 16).
    assert!(
        run.stdout
            .contains("1 contract, 1 installment, 0 findings (0 errors, 0 warnings, 0 info)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_payout_100_short_after_the_deadline_is_underpaid_with_interest() {
    let fixture = Fixture::new();
    // E = 2,000.00 due 2025-03-02 (no grace); only 1,900.00 arrived.
    // As of 2025-04-01: days_late = 2025-04-01 − 2025-03-02 = 30;
    // interest = shortfall 100.00 × 0.05% × 30 = 1.50.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "1900.00")]),
        "2025-04-01",
        &[],
    );
    run.expect_status(1);
    assert_eq!(run.types(), vec!["underpaid"]);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["period_start"], "2025-01-01");
    assert_eq!(finding["period_end"], "2025-01-31");
    assert_eq!(finding["installment"], 1);
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "1900.00");
    assert_eq!(finding["difference"], "-100.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "1.50");
    assert!(finding["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(
        finding["detail"]
            .as_str()
            .is_some_and(|detail| !detail.is_empty())
    );
    assert_eq!(run.installments()[0]["status"], "underpaid");
    let totals = &run.json()["totals"];
    assert_eq!(totals["shortfall"], "100.00");
    assert_eq!(totals["interest"], "1.50");
}

#[test]
fn a_shortfall_before_the_deadline_is_open_not_a_finding() {
    let fixture = Fixture::new();
    // Same 100.00 shortfall, but as of 2025-03-02 the deadline has not passed.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "1900.00")]),
        "2025-03-02",
        &[],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    assert_eq!(run.installments()[0]["status"], "open");
}

#[test]
fn a_payout_in_full_after_the_deadline_is_late_with_interest() {
    let fixture = Fixture::new();
    // 2,000.00 arrives 2025-03-12, 10 days after the due date 2025-03-02:
    // interest = 2,000.00 × 0.05% × 10 = 10.00.
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-03-12", "2000.00")]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "late");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["days_late"], 10);
    assert_eq!(finding["interest"], "10.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "0.00");
    assert_eq!(finding["paid_on"], "2025-03-12");
}

// ---------------------------------------------------------------------------------------
// 2. --fail-on
// ---------------------------------------------------------------------------------------

#[test]
fn fail_on_error_ignores_an_overpaid_warning() {
    let fixture = Fixture::new();
    // 2,100.00 received against E = 2,000.00: overpaid by 100.00 (a warning).
    let payouts = simple_payouts(&[("P1", "C1", "2025-02-15", "2100.00")]);
    let run = fixture.standard_audit(&payouts, "2025-06-30", &["--fail-on", "error"]);
    run.expect_status(0);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "2100.00");
    assert_eq!(finding["difference"], "100.00");
    // The default threshold (warning) fails on it.
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let run = fixture.standard_audit(&payouts, "2025-06-30", &["--fail-on", "warning"]);
    run.expect_status(1);
}

#[test]
fn fail_on_info_fails_on_uncovered_billing_only() {
    let fixture = Fixture::new();
    // Z9 is in no contract: 500.00 of uncovered spend (info).
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "ECS", "500.00", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let finding = only(&run, "uncovered_billing");
    assert_eq!(finding["severity"], "info");
    assert_eq!(run.findings().len(), 1);
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--fail-on", "info"],
    );
    run.expect_status(1);
}

// ---------------------------------------------------------------------------------------
// 3. Contract workbook errors (exit 2)
// ---------------------------------------------------------------------------------------

/// Runs the standard bill and an empty payout ledger against `contracts`; expects exit 2
/// and returns stderr.
fn contract_error(fixture: &Fixture, contracts: &Path) -> String {
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("rebate-audit: error:"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(
        !run.out.join("findings.json").exists(),
        "no report may be written when the contracts cannot be read"
    );
    run.stderr
}

fn assert_mentions(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "stderr lacks `{part}`:\n{stderr}");
    }
}

#[test]
fn an_unknown_settlement_word_names_the_cell_xlsx_and_csv() {
    let book = Book::default()
        .contract(contract("C1").set("settlement", "weekly"))
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:settlement", xlsx.display()),
            "monthly, quarterly, annual, term, transparent",
            "`weekly`",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:2:settlement", folder.join("contracts.csv").display()),
            "`weekly`",
        ],
    );
}

#[test]
fn an_end_before_the_start_names_the_end_cell_xlsx_and_csv() {
    let book = Book::default()
        .contract(
            contract("C1")
                .set("start", "2025-06-01")
                .set("end", "2025-05-31"),
        )
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:end", xlsx.display()),
            "2025-05-31",
            "2025-06-01",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[&format!("{}:2:end", folder.join("contracts.csv").display())],
    );
}

#[test]
fn a_tier_row_for_an_unknown_contract_names_the_cell_xlsx_and_csv() {
    // tiers row 3 (header is row 1) names C9, which is not in `contracts`.
    let book = Book::standard().tier("C9", "0", "", "10%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:tiers:3:contract_id", xlsx.display()),
            "`C9`",
            "not in the `contracts` sheet",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:3:contract_id", folder.join("tiers.csv").display()),
            "`C9`",
        ],
    );
}

#[test]
fn overlapping_tier_brackets_are_rejected() {
    // [0, 100,000) then [50,000, ∞): the second bracket overlaps the first.
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "50000", "", "25%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &[&xlsx.display().to_string(), "C1", "contiguous"]);
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(&stderr, &["C1", "contiguous"]);
}

#[test]
fn overlapping_tier_brackets_name_the_tiers_row_and_column() {
    // docs/INPUTS.md: invalid contracts are errors that name workbook, sheet, row and column.
    // The offending cell is tiers row 3, column `from` (50000 starts inside [0, 100000)).
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "50000", "", "25%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &[&format!("{}:tiers:3:from", xlsx.display())]);
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[&format!("{}:3:from", folder.join("tiers.csv").display())],
    );
}

#[test]
fn a_gap_between_tier_brackets_is_rejected() {
    // [0, 100,000) then [120,000, ∞): 100,000–120,000 has no rate.
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "120000", "", "25%");
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(&stderr, &["C1", "120000", "100000", "contiguous"]);
}

#[test]
fn a_schedule_with_two_rests_is_rejected_xlsx_and_csv() {
    // schedule rows 2 and 3 are both `rest`; row 2 is the one that is not last.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "rest")
        .schedule("C1", "2", "renewal", "rest");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[&format!("{}:schedule:2", xlsx.display()), "`rest`", "last"],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:2", folder.join("schedule.csv").display()),
            "`rest`",
        ],
    );
}

#[test]
fn a_schedule_with_two_rests_names_the_portion_column() {
    // docs/INPUTS.md: errors name workbook, sheet, row and column; the cell is schedule!portion.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "rest")
        .schedule("C1", "2", "renewal", "rest");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[&format!("{}:schedule:2:portion", xlsx.display())],
    );
}

#[test]
fn every_problem_in_the_workbook_is_listed_at_once() {
    let book = Book::default()
        .contract(contract("C1").set("settlement", "weekly"))
        .contract(contract("C2").set("tier_mode", "progressive"))
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:settlement", xlsx.display()),
            &format!("{}:contracts:3:tier_mode", xlsx.display()),
            "`progressive`",
        ],
    );
}

#[test]
fn a_contract_workbook_of_random_bytes_is_exit_2() {
    let fixture = Fixture::new();
    let xlsx = fixture.write("book.xlsx", pseudo_random_bytes(4096, 7));
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &["book.xlsx"]);
}

#[test]
fn a_missing_contracts_path_is_exit_2() {
    let fixture = Fixture::new();
    let missing = fixture.path("no-such-book.xlsx");
    let stderr = contract_error(&fixture, &missing);
    assert_mentions(
        &stderr,
        &["--contracts", "no-such-book.xlsx", "does not exist"],
    );
}

#[test]
fn an_impossible_as_of_date_is_exit_2() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = fixture.standard_inputs(&[STANDARD_BILL], &[]);
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-13-01", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &["rebate-audit: error:", "--as-of", "2026-13-01"],
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = fixture.standard_inputs(&[STANDARD_BILL], &[]);
    // An unknown --fail-on level.
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--fail-on", "fatal"],
    );
    run.expect_status(2);
    // --threads 0.
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--threads", "0"],
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--threads"]);
    // No --payouts at all.
    let run = fixture.run(&[&"run", &"--contracts", &contracts, &"--billing", &billing]);
    run.expect_status(2);
    // A missing billing file.
    let missing = fixture.path("nope.csv");
    let run = fixture.audit(&contracts, &missing, &payouts, "2025-06-30", &[]);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--billing", "nope.csv"]);
}

// ---------------------------------------------------------------------------------------
// 4. Value formats (docs/INPUTS.md) through real files
// ---------------------------------------------------------------------------------------

#[test]
fn chinese_headers_and_words_in_a_contracts_csv_folder() {
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(
            contract("合同-001")
                .set("customer", "示例客户有限公司")
                .set("tier_basis", "周期")
                .set("tier_mode", "全额累进")
                .set("settlement", "按月")
                .set("invoice", "无")
                .set("late_interest", "万分之五")
                .set("payout_kind", "现金")
                .set("start", "2025年1月1日")
                .set("end", "2025/1/31"),
        )
        .tier("合同-001", "0", "", "20%");
    let book = [
        ("contract_id", "合同编号"),
        ("customer", "客户"),
        ("agent", "代理商"),
        ("agent_tax_id", "代理商税号"),
        ("accounts", "账号"),
        ("start", "开始日期"),
        ("end", "结束日期"),
        ("currency", "币种"),
        ("base", "返点基数"),
        ("tier_basis", "阶梯口径"),
        ("tier_mode", "阶梯方式"),
        ("settlement", "结算周期"),
        ("due_days", "付款期限"),
        ("grace_days", "宽限天数"),
        ("invoice", "发票要求"),
        ("late_interest", "逾期利率"),
        ("payout_kind", "返点方式"),
        ("from", "下限"),
        ("to", "上限"),
        ("rate", "返点比例"),
    ]
    .into_iter()
    .fold(book, |book, (column, header)| book.rename(column, header));
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    assert!(
        std::fs::read_to_string(contracts.join("contracts.csv"))
            .unwrap()
            .starts_with("合同编号,客户,")
    );
    let billing = fixture.write("billing.csv", standard_billing());
    // 1,900.00 of 2,000.00; as of 2025-04-01 that is underpaid, 30 days late, and
    // 万分之五 = 0.05% a day: 100.00 × 0.0005 × 30 = 1.50.
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "合同-001", "2025-02-15", "1900.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["contract_id"], "合同-001");
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["difference"], "-100.00");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "1.50");
    let totals = &run.json()["totals"]["per_contract"][0];
    assert_eq!(totals["customer"], "示例客户有限公司");
}

#[test]
fn billing_money_with_yen_sign_and_parentheses_and_a_chinese_month() {
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(
            contract("C1")
                .set("start", "2025-03-01")
                .set("end", "2025-03-31"),
        )
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    // ¥11,234.50 + (1,234.50) = 10,000.00 → E = 2,000.00, due 2025-03-31 + 30 = 2025-04-30.
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025年3月", "ECS", "¥11,234.50", "CNY"),
            ("A1", "202503", "ECS", "(1,234.50)", "人民币"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025/4/20", "¥2,000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installment = &run.installments()[0];
    assert_eq!(installment["weighted_base"], "10000.00");
    assert_eq!(installment["expected"], "2000.00");
    assert_eq!(installment["due_on"], "2025-04-30");
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["read"]["amount"], "10000.00");
    assert_eq!(control["attributed"]["rows"], 2);
    assert_eq!(control["balanced"], true);
}

#[test]
fn xlsx_contracts_with_real_date_cells_serial_dates_and_numeric_rates() {
    let fixture = Fixture::new();
    // start: a date-formatted cell 2025-01-01; end: the bare Excel serial 45688
    // (= 2025-01-31); due_days the number 30; the tier rate the number 0.22;
    // late_interest the number 0.0005 (0.05%).
    let book = Book::default()
        .contract(
            contract("C1")
                .set("start", Val::Date(2025, 1, 1))
                .set("end", 45688.0)
                .set("due_days", 30.0)
                .set("grace_days", 0.0)
                .set("late_interest", 0.0005),
        )
        .tier("C1", 0.0, "", 0.22);
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    // E = 10,000.00 × 22% = 2,200.00 due 2025-03-02; 2,000.00 paid; as of 2025-03-12:
    // shortfall 200.00 × 0.0005 × 10 days = 1.00.
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-03-12", &[]);
    run.expect_status(1);
    let installments = run.installments();
    assert_eq!(
        installments.len(),
        1,
        "one January period: {installments:#?}"
    );
    assert_eq!(installments[0]["period_start"], "2025-01-01");
    assert_eq!(installments[0]["period_end"], "2025-01-31");
    assert_eq!(installments[0]["expected"], "2200.00");
    let finding = only(&run, "underpaid");
    assert_eq!(finding["expected"], "2200.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "-200.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["days_late"], 10);
    assert_eq!(finding["interest"], "1.00");
    let contract_input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "contracts")
        .cloned()
        .unwrap();
    assert!(
        contract_input["path"]
            .as_str()
            .unwrap()
            .ends_with("book.xlsx")
    );
    assert_eq!(contract_input["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_points_portion_takes_rate_points_of_the_weighted_base() {
    let fixture = Fixture::new();
    // W = 10,000.00 at 20%: E = 2,000.00. Installment 1 = 10pt = 10,000.00 × 10% = 1,000.00;
    // installment 2 (rest) = 2,000.00 − 1,000.00 = 1,000.00, due only after renewal,
    // which has not happened: conditional.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "10pt")
        .schedule("C1", "2", "renewal", "rest");
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "1000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installments = run.installments();
    assert_eq!(installments.len(), 2);
    assert_eq!(installments[0]["installment"], 1);
    assert_eq!(installments[0]["trigger"], "settlement");
    assert_eq!(installments[0]["expected"], "1000.00");
    assert_eq!(installments[0]["paid"], "1000.00");
    assert_eq!(installments[0]["status"], "paid");
    assert_eq!(installments[1]["installment"], 2);
    assert_eq!(installments[1]["trigger"], "renewal");
    assert_eq!(installments[1]["expected"], "1000.00");
    assert_eq!(installments[1]["due_on"], Value::Null);
    assert_eq!(installments[1]["status"], "conditional");
}

#[test]
fn a_points_portion_never_exceeds_the_periods_rebate() {
    let fixture = Fixture::new();
    // 30pt of 10,000.00 would be 3,000.00, more than E = 2,000.00: capped at 2,000.00,
    // and the rest is 0.00.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "30pt")
        .schedule("C1", "2", "settlement", "rest");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installments = run.installments();
    assert_eq!(installments[0]["expected"], "2000.00");
    assert_eq!(installments[1]["expected"], "0.00");
}

#[test]
fn a_gbk_payout_ledger_with_chinese_headers_and_values() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let text = payouts_csv(
        &[
            "流水号",
            "合同编号",
            "到账日期",
            "金额",
            "币种",
            "方式",
            "所属期间",
        ],
        &[
            &[
                "回款001",
                "C1",
                "2025年2月15日",
                "￥2,000.00",
                "人民币",
                "现金",
                "2025年1月",
            ],
            &[
                "回款002",
                "未知合同",
                "2025年2月16日",
                "￥50.00",
                "人民币",
                "转账",
                "",
            ],
        ],
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture really is GBK, not UTF-8"
    );
    let payouts = fixture.write("payouts-gbk.csv", &*bytes);
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    // 回款001 pays January in full.
    let installment = &run.installments()[0];
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    // 回款002 names a contract that does not exist; its Chinese text survives decoding.
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["payout_id"], "回款002");
    assert_eq!(finding["reason"], "contract");
    assert_eq!(finding["paid"], "50.00");
    assert_eq!(run.findings().len(), 1);
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "payouts")
        .cloned()
        .unwrap();
    assert_eq!(input["encoding"], "GB18030");
    assert_eq!(input["rows"], 2);
}

#[test]
fn a_utf8_bom_billing_csv_is_read() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(standard_billing().as_bytes());
    let billing = fixture.write("billing-bom.csv", bytes);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    assert_eq!(run.installments()[0]["weighted_base"], "10000.00");
}

// ---------------------------------------------------------------------------------------
// 5. Data quality
// ---------------------------------------------------------------------------------------

#[test]
fn a_bad_billing_row_is_rejected_with_its_location_and_counted() {
    let fixture = Fixture::new();
    // Row 3 (header = row 1) has `12,34.5x` in net_amount: not money.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "12,34.5x", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["severity"], "error");
    let location = &finding["evidence"]["location"];
    assert_eq!(location["file"], billing.display().to_string());
    assert_eq!(location["sheet"], Value::Null);
    assert_eq!(location["row"], 3);
    assert_eq!(location["column"], "net_amount");
    assert!(finding["detail"].as_str().unwrap().contains("12,34.5x"));
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["file"], billing.display().to_string());
    assert_eq!(control["format"], "generic");
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["attributed"]["rows"], 1);
    assert_eq!(control["attributed"]["amount"], "10000.00");
    assert_eq!(control["rejected"]["rows"], 1);
    assert_eq!(control["balanced"], true);
    // The good row still counts: the rebate is unchanged and paid.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
}

#[test]
fn spend_on_an_account_no_contract_covers_is_uncovered_billing() {
    let fixture = Fixture::new();
    // Z9: 300.00 + 200.00 in January 2025 → one finding of 500.00 (2 rows);
    // A1 in February is outside C1's term → uncovered too.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "ECS", "300.00", "CNY"),
            ("Z9", "2025-01", "OSS", "200.00", "CNY"),
            ("A1", "2025-02", "ECS", "70.00", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let uncovered = run.of_type("uncovered_billing");
    assert_eq!(uncovered.len(), 2, "{uncovered:#?}");
    let z9 = uncovered
        .iter()
        .find(|finding| finding["evidence"]["facts"]["account_id"] == "Z9")
        .expect("a Z9 finding");
    assert_eq!(z9["severity"], "info");
    assert_eq!(z9["amount"], "500.00");
    assert_eq!(z9["evidence"]["facts"]["billing_month"], "2025-01");
    assert_eq!(z9["evidence"]["facts"]["rows"], "2");
    let a1 = uncovered
        .iter()
        .find(|finding| finding["evidence"]["facts"]["account_id"] == "A1")
        .expect("an A1 finding for February");
    assert_eq!(a1["amount"], "70.00");
    assert_eq!(a1["evidence"]["facts"]["billing_month"], "2025-02");
    // Control totals: 4 rows, 10,570.00 read = 10,000.00 attributed + 570.00 excluded.
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "10570.00");
    assert_eq!(control["attributed"]["amount"], "10000.00");
    assert_eq!(control["balanced"], true);
}

#[test]
fn usd_billing_on_a_cny_contract_is_a_currency_mismatch_left_out_of_the_base() {
    let fixture = Fixture::new();
    // 1,000.00 USD on A1 is left out: W stays 10,000.00, E stays 2,000.00.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "1000.00", "USD"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "currency_mismatch");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["reason"], "billing");
    assert_eq!(finding["amount"], "1000.00");
    assert_eq!(finding["evidence"]["facts"]["expected"], "CNY");
    assert_eq!(finding["evidence"]["facts"]["found"], "USD");
    assert_eq!(run.installments()[0]["weighted_base"], "10000.00");
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.json()["controls"]["billing"][0]["balanced"], true);
}

#[test]
fn a_usd_payout_on_a_cny_contract_is_not_matched() {
    let fixture = Fixture::new();
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "currency"],
        &[&["P1", "C1", "2025-02-15", "2000.00", "USD"]],
    );
    // The USD payout is not matched, so as of 2025-04-01 C1 is unpaid:
    // 2,000.00 × 0.05% × 30 = 30.00.
    let run = fixture.standard_audit(&payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let mismatch = only(&run, "currency_mismatch");
    assert_eq!(mismatch["payout_id"], "P1");
    assert_eq!(mismatch["reason"], "payout");
    let unpaid = only(&run, "unpaid");
    assert_eq!(unpaid["paid"], "0.00");
    assert_eq!(unpaid["difference"], "-2000.00");
    assert_eq!(unpaid["interest"], "30.00");
}

#[test]
fn a_payout_naming_an_unknown_contract_is_unmatched_for_contract() {
    let fixture = Fixture::new();
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C404", "2025-02-20", "123.45"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["reason"], "contract");
    assert_eq!(finding["contract_id"], Value::Null);
    assert_eq!(finding["paid"], "123.45");
    assert_eq!(finding["paid_on"], "2025-02-20");
    assert_eq!(finding["evidence"]["location"]["row"], 3);
    assert_eq!(run.findings().len(), 1);
}

#[test]
fn a_payout_for_a_period_outside_the_contract_is_unmatched_for_period() {
    let fixture = Fixture::new();
    let payouts = payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &[
            &["P1", "C1", "2025-02-15", "2000.00", "2025-01"],
            &["P2", "C1", "2025-02-16", "300.00", "2026-01"],
        ],
    );
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["payout_id"], "P2");
    assert_eq!(finding["contract_id"], "C1");
    assert_eq!(finding["reason"], "period");
    assert_eq!(run.installments()[0]["status"], "paid");
    assert_eq!(run.installments()[0]["paid"], "2000.00");
}

#[test]
fn a_bad_payout_row_is_rejected_with_its_column() {
    let fixture = Fixture::new();
    // Row 3: 2025-02-30 is not a date.
    let run = fixture.standard_audit(
        &simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P2", "C1", "2025-02-30", "10.00"),
        ]),
        "2025-06-30",
        &[],
    );
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["evidence"]["location"]["row"], 3);
    assert_eq!(finding["evidence"]["location"]["column"], "paid_on");
    let control = &run.json()["controls"]["payouts"][0];
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["used"]["rows"], 1);
    assert_eq!(control["rejected_rows"], 1);
    assert_eq!(control["balanced"], true);
}

#[test]
fn a_vat_invoice_contract_reports_a_cash_payout_without_invoice() {
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(
            contract("C1")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let finding = only(&run, "mis_invoiced");
    assert_eq!(finding["payout_id"], "P1");
    assert_eq!(finding["reason"], "missing");
    assert_eq!(run.findings().len(), 1);
}

// ---------------------------------------------------------------------------------------
// 6. Output safety
// ---------------------------------------------------------------------------------------

const EVIL_CONTRACT: &str = "=HYPERLINK(\"http://evil.example/?x=1\",\"click\")";
const EVIL_PAYOUT: &str = "+cmd|' /C calc'!A0";
const EVIL_CUSTOMER: &str = "<script>alert('x')</script>";

/// A run with a hostile contract id, customer and payout id: the contract is underpaid
/// (finding with contract_id = the formula), and a payout with a hostile id names an
/// unknown contract (finding with payout_id = the command).
fn hostile_names_run(fixture: &Fixture) -> Run {
    let contracts = Book::default()
        .contract(contract(EVIL_CONTRACT).set("customer", EVIL_CUSTOMER))
        .tier(EVIL_CONTRACT, "0", "", "20%")
        .write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", EVIL_CONTRACT, "2025-02-15", "1900.00"),
            (EVIL_PAYOUT, "@SUM(A1:A9)", "2025-02-15", "5.00"),
        ]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    run
}

fn read_findings_csv(run: &Run) -> Vec<csv::StringRecord> {
    let bytes = run.read("findings.csv");
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "findings.csv starts with a BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn formula_like_names_are_neutralised_in_findings_csv() {
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let json = run.json();
    // The JSON keeps the raw values.
    let underpaid = only(&run, "underpaid");
    assert_eq!(underpaid["contract_id"], EVIL_CONTRACT);
    assert_eq!(underpaid["difference"], "-100.00");
    let unmatched = only(&run, "unmatched_payout");
    assert_eq!(unmatched["payout_id"], EVIL_PAYOUT);

    let records = read_findings_csv(&run);
    let header: Vec<&str> = records[0].iter().collect();
    let column = |name: &str| header.iter().position(|column| *column == name).unwrap();
    assert_eq!(
        records.len() - 1,
        json["findings"].as_array().unwrap().len(),
        "one CSV row per finding"
    );
    let row_of = |finding_type: &str| {
        records
            .iter()
            .find(|record| &record[column("type")] == finding_type)
            .unwrap()
            .clone()
    };
    assert_eq!(
        &row_of("underpaid")[column("contract_id")],
        format!("'{EVIL_CONTRACT}")
    );
    assert_eq!(&row_of("underpaid")[column("difference")], "-100.00");
    assert_eq!(
        &row_of("unmatched_payout")[column("payout_id")],
        format!("'{EVIL_PAYOUT}")
    );
    // No text field anywhere may start a formula (money like -100.00 is a number).
    for record in &records[1..] {
        for field in record.iter() {
            assert!(
                !field.starts_with(['=', '+', '@', '\t', '\r']),
                "unneutralised field `{field}` in {record:?}"
            );
        }
    }
}

#[test]
fn script_in_a_name_is_escaped_in_summary_html() {
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let html = String::from_utf8(run.read("summary.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "the customer name appears escaped"
    );
    assert!(
        !html.contains("<script>alert"),
        "raw <script> in summary.html"
    );
    assert!(
        !html.contains(EVIL_CONTRACT),
        "raw quotes of the contract id in summary.html"
    );
}

#[test]
fn findings_xlsx_opens_and_has_one_row_per_finding() {
    use calamine::{Data, Reader};
    let fixture = Fixture::new();
    let run = hostile_names_run(&fixture);
    let findings = run.findings();
    assert!(findings.len() >= 2);
    let mut workbook = calamine::open_workbook_auto(run.out.join("findings.xlsx")).unwrap();
    let sheets = workbook.sheet_names();
    assert_eq!(sheets, vec!["findings".to_string()]);
    let range = workbook.worksheet_range("findings").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(
        rows.len() - 1,
        findings.len(),
        "header + one row per finding"
    );
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    let column = |name: &str| header.iter().position(|column| column == name).unwrap();
    for (row, finding) in rows[1..].iter().zip(&findings) {
        assert_eq!(
            row[column("id")].to_string(),
            finding["id"].as_str().unwrap()
        );
        assert_eq!(
            row[column("type")].to_string(),
            finding["type"].as_str().unwrap()
        );
    }
    let underpaid = rows[1..]
        .iter()
        .find(|row| row[column("type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        underpaid[column("contract_id")].to_string(),
        format!("'{EVIL_CONTRACT}")
    );
    assert_eq!(underpaid[column("difference")], Data::Float(-100.0));
    assert_eq!(underpaid[column("days_late")], Data::Float(30.0));
    let unmatched = rows[1..]
        .iter()
        .find(|row| row[column("type")] == Data::String("unmatched_payout".into()))
        .unwrap();
    assert_eq!(
        unmatched[column("payout_id")].to_string(),
        format!("'{EVIL_PAYOUT}")
    );
}

// ---------------------------------------------------------------------------------------
// 7. Determinism
// ---------------------------------------------------------------------------------------

#[test]
fn thread_count_does_not_change_a_byte_of_the_reports() {
    let fixture = Fixture::new();
    // Several contracts and billing files so there is work to spread over threads.
    let mut book = Book::default();
    for index in 1..=6 {
        let id = format!("C{index}");
        book = book
            .contract(
                contract(&id)
                    .set("accounts", format!("A{index}"))
                    .set("end", "2025-06-30")
                    .set(
                        "settlement",
                        if index % 2 == 0 {
                            "quarterly"
                        } else {
                            "monthly"
                        },
                    )
                    .set("tier_basis", "contract_year"),
            )
            .tier(&id, "0", "20000", "10%")
            .tier(&id, "20000", "", "15%");
    }
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    for file in 1..=4 {
        let mut lines = Vec::new();
        for index in 1..=6 {
            for month in 1..=6 {
                lines.push((
                    format!("A{index}"),
                    format!("2025-{month:02}"),
                    if month % 2 == 0 {
                        "ECS"
                    } else {
                        "MysteryProduct"
                    }
                    .to_string(),
                    format!("{}.{:02}", 1000 * index + 37 * month + file, month * 7),
                    "CNY".to_string(),
                ));
            }
        }
        lines.push((
            "Z9".into(),
            "2025-03".into(),
            "OSS".into(),
            "12.00".into(),
            "CNY".into(),
        ));
        lines.push((
            "A1".into(),
            "2025-03".into(),
            "ECS".into(),
            "oops".into(),
            "CNY".into(),
        ));
        let borrowed: Vec<(&str, &str, &str, &str, &str)> = lines
            .iter()
            .map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), c.as_str(), d.as_str(), e.as_str()))
            .collect();
        fixture.write(&format!("billing/part{file}.csv"), billing_csv(&borrowed));
    }
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "400.00"),
            ("P2", "C2", "2025-05-01", "1500.00"),
            ("P3", "C3", "2025-09-01", "99999.00"),
            ("P4", "C9", "2025-03-01", "1.00"),
        ]),
    );
    let billing = fixture.path("billing");
    let run_with = |threads: &str, out: &str| {
        fixture.audit_into(
            out,
            &contracts,
            &billing,
            &payouts,
            "2025-12-31",
            &[&"--threads", &threads],
        )
    };
    let one = run_with("1", "out-1");
    let two = run_with("2", "out-2");
    let four = run_with("4", "out-4");
    one.expect_status(1);
    two.expect_status(1);
    four.expect_status(1);
    assert!(
        one.findings().len() > 5,
        "a run with findings worth comparing"
    );
    let mut names = vec![
        "findings.json".to_string(),
        "findings.csv".to_string(),
        "findings.xlsx".to_string(),
        "summary.md".to_string(),
        "summary.html".to_string(),
    ];
    for index in 1..=6 {
        names.push(format!("evidence/C{index}.md"));
    }
    for name in &names {
        let reference = one.read(name);
        assert_eq!(
            reference,
            two.read(name),
            "{name} differs between 1 and 2 threads"
        );
        assert_eq!(
            reference,
            four.read(name),
            "{name} differs between 1 and 4 threads"
        );
    }
    // The same run again gives the same finding ids.
    let again = run_with("2", "out-again");
    assert_eq!(one.read("findings.json"), again.read("findings.json"));
}

#[test]
fn a_large_csv_read_in_parts_gives_the_reports_of_a_whole_read() {
    // A part size of a few hundred bytes cuts this bill into dozens of parts; the cuts must
    // never fall inside the quoted field with line breaks, rows keep their numbers, and
    // every count, row range and rejection is what one pass over the file gives.
    let fixture = Fixture::new();
    let mut book = Book::default();
    for index in 1..=3 {
        let id = format!("C{index}");
        book = book
            .contract(
                contract(&id)
                    .set("accounts", format!("A{index}"))
                    .set("end", "2025-12-31")
                    .set("settlement", "quarterly")
                    .set("tier_basis", "contract_year"),
            )
            .tier(&id, "0", "50000", "10%")
            .tier(&id, "50000", "", "12%");
    }
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let mut text = String::from("账单导出\r\n\r\n");
    text.push_str("account_id,billing_month,date,product,instance_id,net_amount,currency\r\n");
    let mut total = 0i64;
    for row in 0..400 {
        let account = format!("A{}", row % 4 + 1);
        let month = row % 12 + 1;
        let product = ["ECS", "RDS", "OSS", "Gizmo"][row % 4];
        let instance = if row % 37 == 0 {
            "\"i-1\r\nsecond line\"".to_string()
        } else if row % 41 == 0 {
            "\"say \"\"hi\"\"\"".to_string()
        } else {
            format!("i-{row}")
        };
        let amount = if row % 97 == 5 {
            "12.34.5x".to_string()
        } else {
            total += 100 + row as i64;
            format!("{}.00", 100 + row)
        };
        text.push_str(&format!(
            "{account},2025-{month:02},2025-{month:02}-{:02},{product},{instance},{amount},CNY\r\n",
            row % 28 + 1
        ));
        if row % 50 == 49 {
            text.push_str("\r\n");
        }
    }
    text.push_str(&format!("合计,,,,,{total}.00,\r\n"));
    let billing = fixture.write("bill.csv", text);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-04-15", "900.00")]),
    );
    let run = |out: &str, environment: &[(&str, &str)], threads: &str| {
        fixture.run_into_with(
            out,
            environment,
            &[
                &"run",
                &"--contracts",
                &contracts,
                &"--billing",
                &billing,
                &"--payouts",
                &payouts,
                &"--as-of",
                &"2026-06-30",
                &"--threads",
                &threads,
            ],
        )
    };
    let whole = run("whole", &[], "1");
    let parts = run("parts", &[("REBATE_AUDIT_PART_BYTES", "300")], "2");
    let parts_one_thread = run("parts-1", &[("REBATE_AUDIT_PART_BYTES", "300")], "1");
    whole.expect_status(1);
    let control = &whole.json()["controls"]["billing"][0];
    assert_eq!(control["rows_above_header"], 1);
    assert_eq!(control["totals_rows"][0]["agrees"], true, "{control}");
    assert_eq!(control["balanced"], true);
    let rejected = whole.of_type("rejected_row");
    let mut rows: Vec<u64> = rejected
        .iter()
        .map(|finding| finding["evidence"]["location"]["row"].as_u64().unwrap())
        .collect();
    rows.sort_unstable();
    // Data row 5 is on line 10: a title, a blank line, the header, and one quoted line
    // break (row 0) come before it; each later one is 97 data rows, two blank lines and
    // the quoted breaks of rows 37 and 74 (or 111, 148 …) further on.
    assert_eq!(rows, vec![10, 111, 212, 313, 415], "{rejected:?}");
    for name in [
        "findings.json",
        "findings.csv",
        "summary.md",
        "evidence/C1.md",
        "evidence/C2.md",
        "evidence/C3.md",
    ] {
        let (one, other) = (whole.read(name), parts.read(name));
        let first_difference = String::from_utf8_lossy(&one)
            .lines()
            .zip(String::from_utf8_lossy(&other).lines())
            .find(|(left, right)| left != right)
            .map(|(left, right)| format!("whole: {left}\nparts: {right}"));
        assert!(
            one == other,
            "{name} differs when the file is read in parts: {first_difference:?}"
        );
        assert_eq!(parts.read(name), parts_one_thread.read(name), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// 8. Hostile input never crashes
// ---------------------------------------------------------------------------------------

/// Deterministic junk bytes (xorshift), so a failure reproduces.
fn pseudo_random_bytes(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Audits the standard contract with the standard bill plus `hostile` as a second billing
/// file; the run must finish (exit 0 or 1) and report `hostile` as a rejected_row.
fn hostile_billing(name: &str, bytes: &[u8]) -> (Fixture, Run, Vec<Value>) {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let good = fixture.write("billing.csv", standard_billing());
    let hostile = fixture.write(name, bytes);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.run(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &good,
        &hostile,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2025-06-30",
    ]);
    assert!(
        matches!(run.status, Some(0 | 1)),
        "status {:?}; stderr:\n{}",
        run.status,
        run.stderr
    );
    // The good file is still audited.
    assert_eq!(run.installments().len(), 1);
    let rejected: Vec<Value> = run
        .of_type("rejected_row")
        .into_iter()
        .filter(|finding| finding["evidence"]["location"]["file"] == hostile.display().to_string())
        .collect();
    (fixture, run, rejected)
}

#[test]
fn a_billing_xlsx_of_random_bytes_is_a_rejected_file() {
    let (_fixture, run, rejected) = hostile_billing("export.xlsx", &pseudo_random_bytes(8192, 42));
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
    assert_eq!(rejected[0]["reason"], "file");
    assert_eq!(rejected[0]["severity"], "error");
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("export.xlsx"))
        .cloned()
        .unwrap();
    assert_eq!(input["sha256"], Value::Null);
    assert_eq!(input["bytes"], 8192);
}

#[test]
fn a_billing_xlsx_that_is_a_truncated_zip_is_a_rejected_file() {
    // A real workbook cut in half: a ZIP whose central directory is gone.
    let fixture = Fixture::new();
    let whole = Book::standard().write_xlsx(fixture.dir.path(), "whole.xlsx");
    let bytes = std::fs::read(whole).unwrap();
    let (_fixture, run, rejected) = hostile_billing("cut.xlsx", &bytes[..bytes.len() / 2]);
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
}

#[test]
fn a_zero_byte_billing_csv_is_reported() {
    let (_fixture, run, rejected) = hostile_billing("empty.csv", b"");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
}

#[test]
fn a_zero_byte_billing_csv_does_not_crash() {
    let (_fixture, run, _) = hostile_billing("empty.csv", b"");
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    assert!(matches!(run.status, Some(0 | 1)));
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("empty.csv"))
        .cloned()
        .expect("the empty file is listed among the inputs");
    assert_eq!(input["rows"], 0);
    assert_eq!(input["bytes"], 0);
}

#[test]
fn a_billing_csv_with_an_unterminated_quote_is_rejected_not_crashed() {
    // Row 3 opens a quote that never closes: the rest of the file is one field.
    let text = "account_id,billing_month,product,net_amount,currency\n\
                A1,2025-01,ECS,100.00,CNY\n\
                A1,2025-01,ECS,\"200.00,CNY\n\
                A1,2025-01,ECS,300.00,CNY\n";
    let (_fixture, run, rejected) = hostile_billing("quote.csv", text.as_bytes());
    run.expect_status(1);
    assert!(!rejected.is_empty(), "{:#?}", run.findings());
    assert!(
        rejected
            .iter()
            .any(|finding| finding["evidence"]["location"]["row"] == 3),
        "the row with the open quote is named: {rejected:#?}"
    );
    // Row 2 was read and counts for C1 (account A1): 10,000.00 + 100.00 = 10,100.00.
    // Row 4 is swallowed by row 3's open quote, so neither adds to the base.
    assert_eq!(run.installments()[0]["weighted_base"], "10100.00");
    assert_eq!(run.installments()[0]["expected"], "2020.00");
    let control = run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["file"].as_str().unwrap().ends_with("quote.csv"))
        .cloned()
        .unwrap();
    assert_eq!(control["balanced"], true);
}

#[test]
fn a_binary_file_named_csv_is_rejected_not_crashed() {
    // NULs, invalid UTF-8 and invalid GB18030 sequences (0xFF is never valid in GBK).
    let mut bytes = vec![0x00, 0xFF, 0xFE, 0x00, 0x89, b'P', b'N', b'G', 0xFF, 0xFF];
    bytes.extend(pseudo_random_bytes(4096, 3));
    let bytes: Vec<u8> = bytes
        .into_iter()
        .enumerate()
        .map(|(index, byte)| if index % 97 == 5 { 0xFF } else { byte })
        .collect();
    // Keep the BOM-like 0xFF 0xFE out of the first two bytes so it is not taken as UTF-16.
    let (_fixture, run, rejected) = hostile_billing("binary.csv", &bytes);
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert!(!rejected.is_empty(), "{:#?}", run.findings());
}

#[test]
fn a_payout_xlsx_of_random_bytes_is_a_rejected_file() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let good = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let junk = fixture.write("ledger.xlsx", pseudo_random_bytes(5000, 9));
    let run = fixture.run(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &"--payouts",
        &good,
        &junk,
        &"--as-of",
        &"2025-06-30",
    ]);
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["reason"], "file");
    assert_eq!(
        finding["evidence"]["location"]["file"],
        junk.display().to_string()
    );
    assert_eq!(run.installments()[0]["status"], "paid");
}
