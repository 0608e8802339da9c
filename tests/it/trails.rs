//! Computation trails and languages (issue 5), through the real binary:
//!
//! - `rebate-audit explain` prints, for the demo's contracts, exactly the trails committed
//!   under `tests/golden/` — a retroactive catch-up (ALI-2024-001, 2024-Q4), a marginal
//!   table cut by its cap (TX-2025-002, 2025-10) and an unpaid month in Chinese
//!   (TX-2025-002, 2025-06), as insta snapshots. After a deliberate change to the trail,
//!   regenerate them with `INSTA_UPDATE=always cargo test --test it trails::` and review
//!   the diff.
//! - `evidence/<contract>.md` carries the same trail, and `findings.json` the same numbers.
//! - `--lang zh` changes the sentences only: ids and every other field stay the same, and
//!   every installment finding type reads as Chinese.
//! - Invoice findings carry every field checked, expected against found.

use crate::common;
use crate::common::repo;
use crate::common::{Book, Fixture, billing_csv, contract, payouts_csv, period_of, simple_payouts};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const AS_OF: &str = "2026-06-30";

/// `rebate-audit <args>` from the repository root, so input paths print as
/// `samples/...` whatever machine runs the test.
fn binary(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("start rebate-audit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked:\n{stderr}"
    );
    output
}

const DEMO: [&str; 8] = [
    "--contracts",
    "samples/contracts.xlsx",
    "--billing",
    "samples/billing",
    "--payouts",
    "samples/payouts.xlsx",
    "--as-of",
    AS_OF,
];

/// `explain` on the demo; panics unless it exits 0.
fn explain(contract: &str, period: Option<&str>, lang: &str) -> String {
    let mut args = vec!["explain", "--contract", contract, "--lang", lang];
    if let Some(period) = period {
        args.extend(["--period", period]);
    }
    args.extend(DEMO);
    let output = binary(&args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "explain {args:?}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The demo audit into `out`; panics unless it exits 1 (the demo has findings).
fn run_demo(out: &Path, lang: &str) -> Value {
    let out_text = out.to_str().expect("UTF-8 temp path");
    let mut args = vec!["run", "--out", out_text, "--lang", lang, "--quiet"];
    args.extend(DEMO);
    let output = binary(&args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Compares `actual` with the snapshot `tests/golden/<name>.snap` (insta). After an
/// intended change, `INSTA_UPDATE=always cargo test --test it trails::` rewrites it
/// (or `cargo insta review` shows each change); review the diff before committing.
fn assert_golden(name: &str, actual: &str) {
    insta::with_settings!({
        snapshot_path => repo().join("tests/golden"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, actual);
    });
}

#[test]
fn explain_shows_a_retroactive_catch_up_exactly_as_the_golden_trail() {
    let trail = explain("ALI-2024-001", Some("2024-Q4"), "en");
    // The samples' worked numbers (samples/README.md), before the byte-for-byte check.
    for part in [
        "Weighted base before this period 790,000.00 + W_p 530,000.00 = **1,320,000.00**",
        "1,320,000.00 × 18% = **237,600.00**",
        "790,000.00 × 18% − 118,500.00 = **23,700.00** (= (18% − 15%) × 790,000.00)",
        "E_p = 237,600.00 − 118,500.00 = **119,100.00**",
        "| rds | 120,000.00 | 0.5 | 60,000.00 |",
    ] {
        assert!(trail.contains(part), "trail lacks `{part}`:\n{trail}");
    }
    assert_golden("explain-ALI-2024-001-2024-Q4", &trail);
}

#[test]
fn explain_shows_marginal_slices_and_the_cap_exactly_as_the_golden_trail() {
    let trail = explain("TX-2025-002", Some("2025-10"), "en");
    for part in [
        "- [200,000.00, 800,000.00) 10%: 600,000.00 × 10% = 60,000.00",
        "- [800,000.00, ∞) 15%: 210,000.00 × 15% = 31,500.00",
        "- R(1,010,000.00) = **91,500.00**",
        "**5. Cap:** 90,000.00 for 2025-01-01 to 2025-12-31: the rebate earned in it through this period is 91,500.00, above the cap, so it counts as 90,000.00 (cut 1,500.00).",
        "E_p = 90,000.00 − 76,500.00 = **13,500.00**",
        "**4. Catch-up:** None: marginal tiers never re-price earlier volume.",
    ] {
        assert!(trail.contains(part), "trail lacks `{part}`:\n{trail}");
    }
    assert_golden("explain-TX-2025-002-2025-10", &trail);
}

#[test]
fn explain_in_chinese_shows_the_unpaid_month_exactly_as_the_golden_trail() {
    let trail = explain("TX-2025-002", Some("2025-06"), "zh");
    assert!(
        trail.contains(
            "合同 TX-2025-002 2025-06 期第 1 期返点应付 12,000.00 元（2025-07-15 到期），截至 2026-06-30 未收到：逾期 350 天，滞纳金 2,100.00 元。"
        ),
        "{trail}"
    );
    assert_golden("explain-TX-2025-002-2025-06.zh", &trail);
}

#[test]
fn explain_without_a_period_shows_every_period_and_writes_nothing() {
    let fixture = Fixture::new();
    let mut args: Vec<String> = vec!["explain".into(), "--contract".into(), "HW-2024-003".into()];
    for (index, arg) in DEMO.iter().enumerate() {
        // Absolute input paths, so the binary can run in an empty folder.
        if index % 2 == 1 && arg.starts_with("samples") {
            args.push(repo().join(arg).display().to_string());
        } else {
            args.push(arg.to_string());
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(fixture.dir.path())
        .args(&args)
        .output()
        .expect("start rebate-audit");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let periods = text.matches("\n## Period ").count();
    assert!(periods >= 4, "{periods} periods:\n{text}");
    assert!(
        text.contains("overpaid-"),
        "the overpaid finding is shown:\n{text}"
    );
    let left: Vec<_> = std::fs::read_dir(fixture.dir.path()).unwrap().collect();
    assert!(left.is_empty(), "explain wrote {left:?}");
}

#[test]
fn explain_an_unknown_contract_exits_2_naming_the_known_ones() {
    let mut args = vec!["explain", "--contract", "ALI-9999"];
    args.extend(DEMO);
    let output = binary(&args);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    common::assert_mentions(
        &stderr,
        &["ALI-9999", "ALI-2024-001", "TX-2025-002", "HW-2024-003"],
    );
    let mut args = vec![
        "explain",
        "--contract",
        "TX-2025-002",
        "--period",
        "2031-Q1",
    ];
    args.extend(DEMO);
    let output = binary(&args);
    assert_eq!(output.status.code(), Some(2));
    common::assert_mentions(&String::from_utf8_lossy(&output.stderr), &["2031-Q1"]);
}

#[test]
fn the_evidence_file_carries_the_explain_trail_and_the_json_its_numbers() {
    let out = tempfile::tempdir().unwrap();
    let report = run_demo(out.path(), "en");
    let trail = explain("ALI-2024-001", Some("2024-Q4"), "en");
    let period = &trail[trail.find("## Period").expect("a period heading")..];
    let evidence = std::fs::read_to_string(out.path().join("evidence/ALI-2024-001.md")).unwrap();
    assert!(
        evidence.contains(&format!("#{period}")),
        "evidence/ALI-2024-001.md lacks the explain trail:\n{period}"
    );
    // The underpaid installment of the demo, with its period's whole computation in
    // findings.json (under `periods`, which the finding names).
    let findings = report["findings"].as_array().unwrap();
    let underpaid = findings
        .iter()
        .find(|finding| finding["type"] == "underpaid")
        .expect("the demo's underpaid finding");
    let computation = &period_of(&report, underpaid).expect("a period")["computation"];
    // Only the periods findings name are under `periods`; every period is in `expected`.
    let periods = report["periods"].as_array().unwrap();
    let mut all: Vec<(&Value, &Value)> = report["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|installment| (&installment["contract_id"], &installment["period_start"]))
        .collect();
    all.dedup();
    assert!(
        !periods.is_empty() && periods.len() < all.len(),
        "{} periods of {}",
        periods.len(),
        all.len()
    );
    assert_eq!(computation["period_start"], "2026-04-01");
    assert_eq!(computation["scope_weighted_base_before"], "1280000.00");
    assert_eq!(computation["scope_rebate_before"], "230400.00");
    assert_eq!(computation["bracket"]["rate"], "18%");
    assert_eq!(computation["catch_up"], Value::Null);
    assert_eq!(computation["installments"][0]["expected"], "25200.00");
    assert_eq!(computation["installments"][0]["due_on"], "2026-05-30");
    let rds = computation["weighted_base_by_product"]
        .as_array()
        .unwrap()
        .iter()
        .find(|product| product["product"] == "rds")
        .unwrap();
    assert_eq!(rds["base"], "40000.00");
    assert_eq!(rds["coefficient"], "0.5");
    assert_eq!(rds["weighted_base"], "20000.00");
    // The capped month of TX-2025-002 is paid, so its trail is in `explain` only; the
    // late August has no catch-up (marginal) and a cap not yet reached.
    let late = findings
        .iter()
        .find(|finding| finding["type"] == "late")
        .expect("the demo's late finding");
    let computation = &period_of(&report, late).expect("a period")["computation"];
    assert_eq!(computation["tier_mode"], "marginal");
    assert_eq!(computation["bracket_slices"].as_array().unwrap().len(), 3);
    assert_eq!(computation["bracket_slices"][2]["volume"], "10000.00");
    assert_eq!(computation["cap"], "90000.00");
    assert_eq!(computation["rebate_before_cap"], "61500.00");
    assert_eq!(computation["cap_cut"], Value::Null);
}

#[test]
fn ids_and_every_field_but_the_sentences_are_equal_in_english_and_chinese() {
    let (english_out, chinese_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let english = run_demo(english_out.path(), "en");
    let chinese = run_demo(chinese_out.path(), "zh");
    assert_eq!(english["lang"], "en");
    assert_eq!(chinese["lang"], "zh");
    assert_eq!(english["expected"], chinese["expected"]);
    let (english, chinese) = (
        english["findings"].as_array().unwrap(),
        chinese["findings"].as_array().unwrap(),
    );
    assert_eq!(english.len(), chinese.len());
    assert!(!english.is_empty());
    for (a, b) in english.iter().zip(chinese) {
        assert_eq!(a["id"], b["id"], "ids differ:\n{a:#}\n{b:#}");
        let (mut a, mut b) = (a.clone(), b.clone());
        let detail_a = a.as_object_mut().unwrap().remove("detail").unwrap();
        let detail_b = b.as_object_mut().unwrap().remove("detail").unwrap();
        // A likely cause's explanation is a sentence too; its code and amount are not.
        for finding in [&mut a, &mut b] {
            if let Some(causes) = finding["evidence"]["likely_causes"].as_array_mut() {
                for cause in causes {
                    cause.as_object_mut().unwrap().remove("explanation");
                }
            }
        }
        assert_eq!(a, b, "a field other than `detail` depends on --lang");
        let (detail_a, detail_b) = (detail_a.as_str().unwrap(), detail_b.as_str().unwrap());
        assert_ne!(detail_a, detail_b, "{} has no Chinese sentence", a["id"]);
        assert!(
            detail_b
                .chars()
                .any(|character| ('\u{4e00}'..='\u{9fff}').contains(&character)),
            "{}: `{detail_b}` is not Chinese",
            a["id"]
        );
    }
}

/// Five one-month contracts, one per installment finding type, judged on 2025-04-01:
/// each earns 20% of 10,000.00 = 2,000.00, due 2025-03-02 (30 days after January);
/// C5 runs two months on its contract-year volume and February's refund of 5,000.00
/// makes February's rebate −1,000.00.
fn installment_types_run(fixture: &Fixture, lang: &str) -> common::Run {
    let mut book = Book::default();
    for id in ["C1", "C2", "C3", "C4"] {
        let account = id.replace('C', "A");
        book = book
            .contract(contract(id).set("accounts", account.as_str()))
            .tier(id, "0", "", "20%");
    }
    book = book
        .contract(
            contract("C5")
                .set("accounts", "A5")
                .set("end", "2025-02-28")
                .set("tier_basis", "contract_year"),
        )
        .tier("C5", "0", "", "20%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A2", "2025-01", "ECS", "10000.00", "CNY"),
            ("A3", "2025-01", "ECS", "10000.00", "CNY"),
            ("A4", "2025-01", "ECS", "10000.00", "CNY"),
            ("A5", "2025-01", "ECS", "10000.00", "CNY"),
            ("A5", "2025-02", "ECS", "-5000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P2", "C2", "2025-02-15", "1900.00"),
            ("P3", "C3", "2025-02-15", "2500.00"),
            ("P4", "C4", "2025-03-12", "2000.00"),
            ("P5", "C5", "2025-02-10", "2000.00"),
        ]),
    );
    fixture.audit_into(
        lang,
        &contracts,
        &billing,
        &payouts,
        "2025-04-01",
        &[&"--lang", &lang],
    )
}

#[test]
fn every_installment_finding_type_has_a_chinese_sentence() {
    let fixture = Fixture::new();
    let run = installment_types_run(&fixture, "zh");
    run.expect_status(1);
    let detail = |finding_type: &str, contract: &str| {
        run.findings()
            .into_iter()
            .find(|finding| finding["type"] == finding_type && finding["contract_id"] == contract)
            .unwrap_or_else(|| panic!("no {finding_type} on {contract}: {:#?}", run.findings()))
            ["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        detail("unpaid", "C1"),
        "合同 C1 2025-01 期第 1 期返点应付 2,000.00 元（2025-03-02 到期），截至 2025-04-01 未收到：逾期 30 天，滞纳金 30.00 元。"
    );
    assert_eq!(
        detail("underpaid", "C2"),
        "合同 C2 2025-01 期第 1 期返点应付 2,000.00 元（2025-03-02 到期），截至 2025-04-01 只收到 1,900.00 元，少付 100.00 元：逾期 30 天，滞纳金 1.50 元。"
    );
    assert_eq!(
        detail("overpaid", "C3"),
        "合同 C3 2025-01 期第 1 期返点应付 2,000.00 元，实收 2,500.00 元，多付 500.00 元。"
    );
    assert_eq!(
        detail("late", "C4"),
        "合同 C4 2025-01 期第 1 期返点应付 2,000.00 元（2025-03-02 到期），直到 2025-03-12 才付清，迟付 10 天，滞纳金 10.00 元。"
    );
    assert_eq!(
        detail("clawback", "C5"),
        "合同 C5 2025-02 期第 1 期返点为负数（-1,000.00 元）：退款使累计已赚返点低于前期已结算的金额，代理商可追回 1,000.00 元。"
    );
    // The same findings in English carry the same ids.
    let english = installment_types_run(&fixture, "en");
    let ids = |run: &common::Run| -> Vec<String> {
        run.findings()
            .iter()
            .map(|finding| finding["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&run), ids(&english));
    let clawback = common::only(&english, "clawback");
    assert!(
        clawback["detail"].as_str().unwrap().starts_with(
            "Installment 1 of contract C5 for 2025-02-01 to 2025-02-28 is negative (-1,000.00)"
        ),
        "{clawback:#}"
    );
}

#[test]
fn an_invoice_finding_lists_every_field_checked_expected_against_found() {
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(
            contract("C1")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", common::standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
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
            ],
            &[&[
                "P1",
                "C1",
                "2025-02-15",
                "2000.00",
                "INV-1",
                "2025-03-20",
                "1900.00",
                "6%",
                "vat_general",
                "91110000TAXID0001X",
            ]],
        ),
    );
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-04-01",
        &["--lang", "zh"],
    );
    run.expect_status(1);
    let invoice_findings = run.of_type("mis_invoiced");
    let reasons: Vec<&str> = invoice_findings
        .iter()
        .map(|finding| finding["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["amount", "late_invoice", "type"]);
    let checks = invoice_findings[0]["evidence"]["checks"]
        .as_array()
        .unwrap();
    for finding in &invoice_findings {
        assert_eq!(finding["evidence"]["checks"].as_array().unwrap(), checks);
    }
    let table: Vec<(String, String, String, Value, bool)> = checks
        .iter()
        .map(|check| {
            (
                check["field"].as_str().unwrap().to_string(),
                check["reason"].as_str().unwrap().to_string(),
                check["expected"].as_str().unwrap().to_string(),
                check["found"].clone(),
                check["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    let row = |field: &str, reason: &str, expected: &str, found: &str, ok: bool| {
        (
            field.to_string(),
            reason.to_string(),
            expected.to_string(),
            Value::String(found.to_string()),
            ok,
        )
    };
    assert_eq!(
        table,
        [
            row(
                "invoice_no",
                "missing",
                "a vat_special invoice",
                "INV-1",
                true
            ),
            row("invoice_amount", "amount", "2000.00", "1900.00", false),
            row("invoice_tax_rate", "tax_rate", "6%", "6%", true),
            row("invoice_type", "type", "vat_special", "vat_general", false),
            row(
                "invoice_issuer",
                "issuer",
                "91110000TAXID0001X",
                "91110000TAXID0001X",
                true
            ),
            row(
                "invoice_date",
                "late_invoice",
                "on or before 2025-03-17, invoiced within 30 days of 2025-02-15",
                "2025-03-20",
                false
            ),
            row(
                "invoice_no",
                "duplicate",
                "an invoice number used once",
                "on no other payout",
                true
            ),
        ]
    );
    let type_finding = &invoice_findings[2];
    assert_eq!(
        type_finding["detail"],
        "付款 P1 的发票 INV-1 是增值税普通发票，但合同 C1 要求增值税专用发票。"
    );
    // The evidence file shows the same checks as a table.
    let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
    assert!(
        evidence.contains("| 发票金额（invoice_amount） | 2000.00 | 1900.00 | **不符** |"),
        "{evidence}"
    );
    // Every check in Chinese, with the field's code beside its name (issue 16).
    assert!(
        evidence.contains(
            "| 开票日期（invoice_date） | 2025-03-17 或之前（到账日 2025-02-15 后 30 天内开票） | 2025-03-20 | **不符** |"
        ),
        "{evidence}"
    );
    assert!(
        evidence.contains(
            "| 发票号码（invoice_no） | 仅用于本笔付款的发票号码 | 没有其他付款使用 | 通过 |"
        ),
        "{evidence}"
    );
}

#[test]
fn the_demos_short_payment_names_the_mistake_that_reproduces_it() {
    // ALI-2024-001 April 2026 expects 18% of 140,000.00 (RDS counted at 0.5) = 25,200.00;
    // the agent paid 21,600.00 = 18% of 120,000.00: the RDS spend left out of the base.
    let out = tempfile::tempdir().unwrap();
    let report = run_demo(out.path(), "en");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["type"] == "underpaid")
        .expect("the demo's underpaid installment");
    let cause = &finding["evidence"]["likely_causes"][0];
    assert_eq!(cause["code"], "product_excluded", "{finding:#}");
    assert_eq!(cause["expected_under_mistake"], "21600.00");
    assert_eq!(finding["paid"], "21600.00");
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("Likely cause: 21,600.00 is what installment 1 comes to with product rds left out of the base"),
        "{detail}"
    );
}
