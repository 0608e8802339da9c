//! Clawback rules through the binary (docs/ARITHMETIC.md, "Clawbacks"): the contract
//! column `clawback` / `返点追回` on a real `.xlsx` workbook, the worked example (10% below
//! 1,000,000, 15% from it, retroactive on the 2025 contract year, quarterly; W = 600,000,
//! 500,000, 50,000 − 200,000 refunded, 300,000 → E_p = 60,000, 105,000, −70,000, 92,500).

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;

/// The worked contract under clawback rule `rule`.
pub(crate) fn book(rule: &str) -> Book {
    Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-12-31")
                .set("tier_basis", "contract_year")
                .set("settlement", "quarterly")
                .set("late_interest", "0")
                .set("clawback", rule),
        )
        .tier("C1", "0", "1000000", "10%")
        .tier("C1", "1000000", "", "15%")
}

/// The worked contract's billing: a refund of 200,000 in August.
pub(crate) fn billing() -> String {
    billing_csv(&[
        ("A1", "2025-01", "ECS", "600000.00", "CNY"),
        ("A1", "2025-04", "ECS", "500000.00", "CNY"),
        ("A1", "2025-07", "ECS", "50000.00", "CNY"),
        ("A1", "2025-08", "ECS", "-200000.00", "CNY"),
        ("A1", "2025-10", "ECS", "300000.00", "CNY"),
    ])
}

/// Q1 and Q2 paid in full, Q4 paid `q4`.
fn payouts(q4: &str) -> String {
    simple_payouts(&[
        ("P1", "C1", "2025-04-15", "60000.00"),
        ("P2", "C1", "2025-07-15", "105000.00"),
        ("P4", "C1", "2026-01-15", q4),
    ])
}

fn inputs(fixture: &Fixture, book: &Book, q4: &str) -> (PathBuf, PathBuf, PathBuf) {
    (
        book.write_xlsx(fixture.dir.path(), "contracts.xlsx"),
        fixture.write("billing.csv", billing()),
        fixture.write("payouts.csv", payouts(q4)),
    )
}

fn audit(fixture: &Fixture, book: &Book, q4: &str, extra: &[&str]) -> Run {
    let (contracts, billing, payouts) = inputs(fixture, book, q4);
    fixture.audit(&contracts, &billing, &payouts, "2026-06-30", extra)
}

fn cause_codes(finding: &Value) -> Vec<String> {
    finding["evidence"]["likely_causes"]
        .as_array()
        .map(|causes| {
            causes
                .iter()
                .map(|cause| cause["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn text(run: &Run, name: &str) -> String {
    String::from_utf8(run.read(name)).unwrap()
}

#[test]
fn a_deduction_on_a_no_clawback_contract_is_a_likely_cause_in_every_report() {
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("none"), "22500.00", &[]);
    run.expect_status(1);
    // `none`: Q3 counts as 0 (no clawback finding), Q4 expects its 92,500.00.
    assert!(run.of_type("clawback").is_empty());
    let q3 = installment(&run, "C1", "2025-07-01", 1);
    assert_eq!(q3["expected"], "0.00");
    let finding = only(&run, "underpaid");
    assert_eq!(finding["period_start"], "2025-10-01");
    assert_eq!(finding["expected"], "92500.00");
    assert_eq!(finding["paid"], "22500.00");
    assert_eq!(cause_codes(&finding), ["clawback_not_allowed"]);
    let detail = finding["detail"].as_str().unwrap();
    for part in [
        "22,500.00 is what installment 1 comes to when the negative rebate of 2025-Q3 (70,000.00)",
        "likely a clawback the contract does not allow",
    ] {
        assert!(detail.contains(part), "{detail}");
    }
    // The trail: the rule's step under the period, in findings.json.
    let json = run.json();
    let period = period_of(&json, &finding).expect("the period's trail");
    let step = &period["computation"]["clawback"];
    assert_eq!(step["rule"], "none");
    assert_eq!(step["period_rebate"], "92500.00");
    assert_eq!(step["payable"], "92500.00");
    // Every report names it.
    assert!(text(&run, "findings.csv").contains("likely a clawback the contract does not allow"));
    assert!(text(&run, "report.html").contains("likely a clawback the contract does not allow"));
    let evidence = text(&run, "evidence/C1.md");
    assert!(
        evidence.contains("Clawback rule none (no clawback)"),
        "{evidence}"
    );
    assert!(evidence.contains("| clawback | none |"), "{evidence}");
    assert!(evidence.contains("likely a clawback the contract does not allow"));
    for workbook in ["findings.xlsx", "report.xlsx"] {
        assert!(
            xlsx_text(&run.out.join(workbook))
                .contains("likely a clawback the contract does not allow"),
            "{workbook}"
        );
    }
    let summary = text(&run, "summary.md");
    assert!(summary.contains("underpaid"), "{summary}");

    // In Chinese.
    let (contracts, billing, payouts) = inputs(&fixture, &book("不追回"), "22500.00");
    let zh = fixture.run_into(
        "zh",
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
            &"--lang",
            &"zh",
        ],
    );
    let finding = only(&zh, "underpaid");
    let detail = finding["detail"].as_str().unwrap();
    assert!(detail.contains("可能扣减了合同不允许的追回款"), "{detail}");
    let evidence = text(&zh, "evidence/C1.md");
    assert!(evidence.contains("返点追回规则“不追回”"), "{evidence}");

    // `explain` shows the step and the finding.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args([
            "explain",
            "--contract",
            "C1",
            "--period",
            "2025-Q4",
            "--as-of",
            "2026-06-30",
        ])
        .arg("--contracts")
        .arg(&contracts)
        .arg("--billing")
        .arg(&billing)
        .arg("--payouts")
        .arg(&payouts)
        .output()
        .unwrap();
    let explained = String::from_utf8_lossy(&output.stdout);
    assert!(
        explained.contains("**6a. Clawback:** Clawback rule none"),
        "{explained}"
    );
    assert!(
        explained.contains("clawback_not_allowed") || explained.contains("does not allow"),
        "{explained}"
    );
}

#[test]
fn carry_forward_deducts_the_negative_quarter_and_a_payout_that_ignores_it_is_overpaid() {
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("carry_forward"), "92500.00", &[]);
    // Q3 is no clawback: 0, carried; Q4 expects 92,500 − 70,000 = 22,500.00.
    assert!(run.of_type("clawback").is_empty());
    assert_eq!(installment(&run, "C1", "2025-07-01", 1)["expected"], "0.00");
    assert_eq!(
        installment(&run, "C1", "2025-10-01", 1)["expected"],
        "22500.00"
    );
    let finding = only(&run, "overpaid");
    assert_eq!(finding["difference"], "70000.00");
    assert_eq!(cause_codes(&finding), ["clawback_not_applied"]);
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("likely the clawback not applied, in the customer's favour"),
        "{detail}"
    );
    let json = run.json();
    let period = period_of(&json, &finding).unwrap();
    let step = &period["computation"]["clawback"];
    assert_eq!(step["carried_in"], "70000.00");
    assert_eq!(step["deducted"], "70000.00");
    assert_eq!(step["payable"], "22500.00");
    // Paid as the rule says: nothing to report.
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("结转"), "22500.00", &[]);
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
}

#[test]
fn a_deduction_on_a_contract_without_a_rule_says_the_rule_is_missing() {
    let fixture = Fixture::new();
    let run = audit(&fixture, &book(""), "22500.00", &[]);
    run.expect_status(1);
    // Blank: reckoned as today (`net`): Q3 owes 70,000.00 back, Q4 expects 92,500.00.
    let clawback = only(&run, "clawback");
    assert_eq!(clawback["expected"], "-70000.00");
    let finding = only(&run, "underpaid");
    assert_eq!(cause_codes(&finding), ["clawback_without_rule"]);
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("the contract names no clawback rule"),
        "{detail}"
    );
    // No rule, no step in the trail.
    let json = run.json();
    assert!(
        period_of(&json, &finding).unwrap()["computation"]
            .get("clawback")
            .is_none()
    );
    // `net`: the same numbers, the clawback allowed and collected by offset.
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("net"), "22500.00", &[]);
    assert_eq!(cause_codes(&only(&run, "underpaid")), ["clawback_deducted"]);
}

#[test]
fn an_unknown_rule_word_stops_the_run_naming_the_cell() {
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("sometimes"), "22500.00", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "contracts.xlsx",
            "contracts",
            "clawback",
            "net, carry_forward, none",
            "`sometimes`",
        ],
    );
    let fixture = Fixture::new();
    let run = audit(&fixture, &book("carry_froward"), "22500.00", &[]);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["carry_forward"]);
    // The Chinese header is read too.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        &book("none").rename("clawback", "返点追回"),
        "22500.00",
        &[],
    );
    run.expect_status(1);
    assert_eq!(
        cause_codes(&only(&run, "underpaid")),
        ["clawback_not_allowed"]
    );
}

/// Every text cell of every sheet of a workbook, read back through calamine.
pub(crate) fn xlsx_text(path: &std::path::Path) -> String {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let mut all = String::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                all.push_str(&cell.to_string());
                all.push('\n');
            }
        }
    }
    all
}
