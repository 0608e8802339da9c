//! Projections through the binary (docs/ARITHMETIC.md, "Projections"): the docs' worked
//! example — contract-year retroactive tiers 10% / 12% from 1,000,000 / 15% from
//! 2,000,000, 150,000.00 a month January to June 2026, every due month paid — audited on
//! 2026-06-30, one step from its next tier; the projection in findings.json, both
//! summaries, report.html, report.xlsx and `explain`, in both languages, and no finding.

use crate::common::*;
use calamine::{Data, Reader};
use std::process::Command;

const ID: &str = "C1<b>";

fn inputs(fixture: &Fixture) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let book = Book::default()
        .contract(
            contract(ID)
                .set("start", "2026-01-01")
                .set("end", "2026-12-31")
                .set("tier_basis", "contract_year"),
        )
        .tier(ID, "0", "1000000", "10%")
        .tier(ID, "1000000", "2000000", "12%")
        .tier(ID, "2000000", "", "15%");
    let contracts = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let months: Vec<String> = (1..=6).map(|month| format!("2026-{month:02}")).collect();
    let lines: Vec<(&str, &str, &str, &str, &str)> = months
        .iter()
        .map(|month| ("A1", month.as_str(), "ECS", "150000.00", "CNY"))
        .collect();
    let billing = fixture.write("billing.csv", billing_csv(&lines));
    // Each month earns 15,000.00; January to May are due by the audit date, all paid.
    let payouts: Vec<(String, String)> = (1..=5)
        .map(|month| (format!("P{month}"), format!("2026-{:02}-05", month + 1)))
        .collect();
    let rows: Vec<(&str, &str, &str, &str)> = payouts
        .iter()
        .map(|(id, day)| (id.as_str(), ID, day.as_str(), "15000.00"))
        .collect();
    let payouts = fixture.write("payouts.csv", simple_payouts(&rows));
    (contracts, billing, payouts)
}

#[test]
fn the_worked_example_is_in_every_report_and_is_no_finding() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = inputs(&fixture);
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
    run.expect_status(0);
    let json = run.json();
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
    let projections = json["projections"].as_array().unwrap();
    assert_eq!(projections.len(), 1);
    let projection = &projections[0];
    for (key, value) in [
        ("contract_id", ID),
        ("tier_basis", "contract_year"),
        ("year_start", "2026-01-01"),
        ("year_end", "2026-12-31"),
        ("spend_so_far", "900000.00"),
        ("year_spend_so_far", "900000.00"),
        ("rate", "0.1"),
        ("earned_so_far", "90000.00"),
        ("next_threshold", "1000000.00"),
        ("next_rate", "0.12"),
        ("spend_needed", "100000.00"),
        ("unlock", "30000.00"),
        ("catch_up", "18000.00"),
        ("projected_year_spend", "1814917.13"),
        ("projected_rebate", "217790.06"),
    ] {
        assert_eq!(projection[key], value, "{key}");
    }
    assert_eq!(projection["days_elapsed"], 181);
    assert_eq!(projection["days_in_year"], 365);
    assert_eq!(projection["reaches_next_tier"], true);
    assert_eq!(projection["cap_limited"], false);

    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(
        summary.contains("## Projections: the open contract years"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "| 900,000.00 | 1,000,000.00 at 12% | 100,000.00 | 30,000.00 (incl. catch-up 18,000.00) | 217,790.06 (reaches the next tier) |"
        ),
        "{summary}"
    );
    let html = String::from_utf8(run.read("report.html")).unwrap();
    assert!(html.contains("<section id=\"projections\">"));
    assert!(html.contains("<a href=\"#projections\">"));
    assert!(html.contains("C1&lt;b&gt;"));
    assert!(!html.contains("C1<b>"));
    let summary_html = String::from_utf8(run.read("summary.html")).unwrap();
    assert!(summary_html.contains("30,000.00 (incl. catch-up 18,000.00)"));
    assert!(!summary_html.contains("C1<b>"));

    let mut workbook = calamine::open_workbook_auto(run.out.join("report.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names().last().unwrap(), "Projections");
    let sheet = workbook.worksheet_range("Projections").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    let column = |name: &str| {
        rows[0]
            .iter()
            .position(|cell| matches!(cell, Data::String(text) if text == name))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][column("contract_id")].to_string(), ID);
    assert_eq!(rows[1][column("unlock")], Data::Float(30000.0));
    assert_eq!(rows[1][column("projected_rebate")], Data::Float(217790.06));

    // Without an open contract year (the term is over) no report has the section.
    let after = fixture.run_into(
        "after",
        &[
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &billing,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2027-03-01",
        ],
    );
    assert!(after.json().get("projections").is_none());
    assert!(
        !String::from_utf8(after.read("summary.md"))
            .unwrap()
            .contains("Projections")
    );
    assert!(
        !String::from_utf8(after.read("report.html"))
            .unwrap()
            .contains("projections")
    );
    let workbook = calamine::open_workbook_auto(after.out.join("report.xlsx")).unwrap();
    assert!(!workbook.sheet_names().contains(&"Projections".to_string()));
}

#[test]
fn chinese_reports_and_explain_show_the_projection() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = inputs(&fixture);
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2026-06-30",
        &["--lang", "zh"],
    );
    run.expect_status(0);
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(summary.contains("## 预测：进行中的合同年度"), "{summary}");
    assert!(
        summary.contains("30,000.00（含追溯补差 18,000.00）"),
        "{summary}"
    );
    let mut workbook = calamine::open_workbook_auto(run.out.join("report.xlsx")).unwrap();
    let sheet = workbook.worksheet_range("预测").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(Data::to_string)
        .collect();
    assert!(
        header.contains(&"下一档门槛（next_threshold）".to_string()),
        "{header:?}"
    );

    for (lang, expected) in [
        (
            "en",
            "- Next tier: 1,000,000.00 at 12%. 100,000.00 more spend reaches it and unlocks 30,000.00, of which 18,000.00 is the catch-up: the spend so far priced again at 12%.",
        ),
        (
            "zh",
            "- 下一档：1,000,000.00 元，返点率 12%。再消费 100,000.00 元 即可达到，可增返点 30,000.00 元，其中 18,000.00 元 为追溯补差：迄今消费按 12% 重新计算。",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .arg("explain")
            .arg("--contract")
            .arg(ID)
            .arg("--contracts")
            .arg(&contracts)
            .arg("--billing")
            .arg(&billing)
            .arg("--payouts")
            .arg(&payouts)
            .args(["--as-of", "2026-06-30", "--lang", lang])
            .env_remove("REBATE_AUDIT_LOG")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains(expected), "{stdout}");
        assert!(
            stdout.contains("1,814,917.13"),
            "the year end's weighted base: {stdout}"
        );
    }
}

#[test]
fn the_demo_as_of_2025_06_30_has_tx_2025_002_one_step_from_its_next_tier() {
    // The numbers samples/README.md gives (computed there by tools/make-samples).
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let fixture = Fixture::new();
    let run = fixture.audit(
        &samples.join("contracts.xlsx"),
        &samples.join("billing"),
        &samples.join("payouts.xlsx"),
        "2025-06-30",
        &[],
    );
    let json = run.json();
    let projection = json["projections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|projection| projection["contract_id"] == "TX-2025-002")
        .unwrap()
        .clone();
    for (key, value) in [
        ("spend_so_far", "600000.00"),
        ("earned_so_far", "40000.00"),
        ("next_threshold", "800000.00"),
        ("spend_needed", "200000.00"),
        ("unlock", "20000.00"),
        ("catch_up", "0.00"),
        ("projected_year_spend", "1209944.75"),
        ("projected_rebate", "90000.00"),
    ] {
        assert_eq!(projection[key], value, "{key}");
    }
    assert_eq!(projection["projected_cap_applied"], true);
    assert_eq!(projection["reaches_next_tier"], true);
}
