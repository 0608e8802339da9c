//! Limitation periods through the binary (docs/ARITHMETIC.md, "Limitation periods"): the
//! standard contract C1 (2,000.00 for January 2025, due 30 days after the month), nothing
//! paid, audited on different days; contracts as a real `.xlsx` workbook.

use crate::common::*;

fn audit(fixture: &Fixture, book: &Book, billing: &str, as_of: &str, extra: &[&str]) -> Run {
    let contracts = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write("billing.csv", billing);
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    fixture.audit(&contracts, &billing, &payouts, as_of, extra)
}

/// The standard audit on `as_of`; the fixture keeps the reports until it is dropped.
fn standard(as_of: &str, extra: &[&str]) -> (Fixture, Run) {
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        as_of,
        extra,
    );
    (fixture, run)
}

#[test]
fn with_all_claims_every_unpaid_installment_gets_its_expiry_date() {
    // The shipped rulesets report a running claim only with `all_claims = true`.
    let (_fixture, run) = standard("2026-01-15", &[]);
    assert!(run.of_type("limitation").is_empty());
    let fixture = Fixture::new();
    let folder = rulesets(
        &fixture,
        "[limitation]\nrule = \"prc_civil_code_188\"\nall_claims = true",
    )
    .display()
    .to_string();
    let run = audit(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        "2026-01-15",
        &["--rulesets", &folder],
    );
    let unpaid = only(&run, "unpaid");
    assert_eq!(unpaid["due_on"], "2025-03-02");
    let claim = only(&run, "limitation");
    assert_eq!(claim["reason"], "running");
    assert_eq!(claim["severity"], "info");
    // The payment finding keeps its amounts; the claim restates them.
    assert_eq!(claim["difference"], unpaid["difference"]);
    assert_eq!(claim["due_on"], "2025-03-02");
    let detail = claim["detail"].as_str().unwrap();
    assert!(
        detail.contains("can be brought until 2028-03-02 under PRC Civil Code art. 188"),
        "{detail}"
    );
}

#[test]
fn a_claim_within_the_window_is_a_warning_and_an_expired_one_an_error() {
    // 2028-03-02 − 180 days = 2027-09-04: the first day inside the window.
    let (_one, outside) = standard("2027-09-03", &["--fail-on", "error"]);
    assert!(outside.of_type("limitation").is_empty());
    let (_two, inside) = standard("2027-09-04", &["--fail-on", "error"]);
    let claim = only(&inside, "limitation");
    assert_eq!(claim["reason"], "expiring");
    assert_eq!(claim["severity"], "warning");
    assert!(
        claim["detail"]
            .as_str()
            .unwrap()
            .contains("expires on 2028-03-02 under PRC Civil Code art. 188 (3 years from the due date), 180 days after the audit date 2027-09-04")
    );
    // The summary lists it before everything else.
    let summary = String::from_utf8(inside.read("summary.md")).unwrap();
    let claims = summary
        .find("## Claims expiring soon or expired (limitation periods)")
        .expect("the claims section");
    assert!(
        claims < summary.find("## Errors, largest first").unwrap(),
        "{summary}"
    );
    assert!(summary[claims..].contains("2028-03-02"));
    // Outside the window the summary has no such section.
    let summary = String::from_utf8(outside.read("summary.md")).unwrap();
    assert!(!summary.contains("Claims expiring soon"));
    // The last day itself is still inside; the next day it has expired.
    assert_eq!(
        only(&standard("2028-03-02", &[]).1, "limitation")["reason"],
        "expiring"
    );
    let (_three, expired) = standard("2028-03-03", &[]);
    let claim = only(&expired, "limitation");
    assert_eq!(claim["reason"], "expired");
    assert_eq!(claim["severity"], "error");
    let (_four, zh) = standard("2028-03-03", &["--lang", "zh"]);
    let detail = only(&zh, "limitation")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("诉讼时效已于 2028-03-02 届满")
            && detail.contains("《民法典》第一百八十八条"),
        "{detail}"
    );
}

#[test]
fn a_due_date_on_a_leap_day_expires_on_the_last_day_of_february() {
    // January 2024, due 29 days after the month: 2024-02-29; + 3 years: 2027-02-28.
    let book = Book::default()
        .contract(
            contract("C1")
                .set("start", "2024-01-01")
                .set("end", "2024-01-31")
                .set("due_days", "29"),
        )
        .tier("C1", "0", "", "20%");
    let billing = billing_csv(&[("A1", "2024-01", "ECS", "10000.00", "CNY")]);
    let fixture = Fixture::new();
    let run = audit(&fixture, &book, &billing, "2027-02-28", &[]);
    assert_eq!(only(&run, "unpaid")["due_on"], "2024-02-29");
    let claim = only(&run, "limitation");
    assert_eq!(claim["reason"], "expiring");
    assert!(claim["detail"].as_str().unwrap().contains("2027-02-28"));
    let fixture = Fixture::new();
    let run = audit(&fixture, &book, &billing, "2027-03-01", &[]);
    assert_eq!(only(&run, "limitation")["reason"], "expired");
}

/// A ruleset folder whose `generic.toml` is the shipped one with `[limitation]` replaced.
fn rulesets(fixture: &Fixture, limitation: &str) -> std::path::PathBuf {
    let shipped = include_str!("../../rulesets/generic.toml");
    let start = shipped.find("[limitation]").unwrap();
    let end = shipped[start..].find("\n\n").unwrap() + start;
    let text = format!("{}{limitation}{}", &shipped[..start], &shipped[end..]);
    fixture.write("rulesets/generic.toml", text);
    fixture.path("rulesets")
}

#[test]
fn the_ruleset_sets_the_years_window_and_severity() {
    let fixture = Fixture::new();
    let folder = rulesets(
        &fixture,
        "[limitation]\nrule = \"prc_civil_code_188\"\nyears = 2\nwindow_days = 30\nexpired_severity = \"warning\"",
    );
    let folder = folder.display().to_string();
    // Due 2025-03-02 + 2 years = 2027-03-02, expired the next day, as a warning.
    let run = audit(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        "2027-03-03",
        &["--rulesets", &folder],
    );
    let claim = only(&run, "limitation");
    assert_eq!(
        (claim["reason"].as_str(), claim["severity"].as_str()),
        (Some("expired"), Some("warning"))
    );
}

#[test]
fn an_unknown_rule_or_negative_years_stop_the_run_naming_the_file_and_key() {
    for (table, key, says) in [
        (
            "[limitation]\nrule = \"roman_law\"",
            "limitation.rule",
            "unknown rule `roman_law`",
        ),
        ("[limitation]\nyears = -3", "limitation.years", "found -3"),
    ] {
        let fixture = Fixture::new();
        let folder = rulesets(&fixture, table).display().to_string();
        let run = audit(
            &fixture,
            &Book::standard(),
            &standard_billing(),
            "2026-01-15",
            &["--rulesets", &folder],
        );
        assert_eq!(run.status, Some(2), "{}", run.stderr);
        assert_mentions(&run.stderr, &["generic.toml", key, says]);
    }
}

#[test]
fn a_running_claim_carries_its_expiry_date_in_every_report_without_all_claims() {
    // The shipped `generic` ruleset (all_claims = false), audited 2026-01-15: the claim
    // for C1's January 2025 installment (due 2025-03-02) runs until 2028-03-02, far
    // outside the window, so there is no `limitation` finding — but the `unpaid` finding
    // carries the date.
    for lang in ["en", "zh"] {
        let fixture = Fixture::new();
        let contracts = Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx");
        let billing = fixture.write("billing.csv", standard_billing());
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let run = fixture.audit(
            &contracts,
            &billing,
            &payouts,
            "2026-01-15",
            &["--lang", lang],
        );
        assert!(run.of_type("limitation").is_empty());
        let unpaid = only(&run, "unpaid");
        assert_eq!(unpaid["expires_on"], "2028-03-02");
        // findings.csv: the last column.
        let csv = String::from_utf8(run.read("findings.csv")).unwrap();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().ends_with(",\"expires_on\""));
        let row = lines.find(|line| line.contains("unpaid")).unwrap();
        assert!(row.ends_with(",\"2028-03-02\""), "{row}");
        // report.html shows the record, the key named in Chinese on a Chinese page.
        let html = String::from_utf8(run.read("report.html")).unwrap();
        assert!(html.contains("2028-03-02"));
        if lang == "zh" {
            assert!(html.contains("诉讼时效届满日"));
        }
        // The evidence file and `explain`.
        let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
        let line = match lang {
            "en" => "claim expires on 2028-03-02 (limitation period counted from the due date)",
            _ => "诉讼时效届满日：2028-03-02（自到期日起算）",
        };
        assert!(evidence.contains(line), "{evidence}");
        let explain = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args(["explain", "--contract", "C1", "--contracts"])
            .arg(&contracts)
            .arg("--billing")
            .arg(&billing)
            .arg("--payouts")
            .arg(&payouts)
            .args(["--as-of", "2026-01-15", "--lang", lang])
            .output()
            .unwrap();
        let stdout = String::from_utf8(explain.stdout).unwrap();
        assert_eq!(explain.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains(line), "{stdout}");
    }
}

#[test]
fn a_paid_installment_and_a_ruleset_without_limitation_have_no_expiry_date() {
    // Paid in full: no claim, no date.
    let fixture = Fixture::new();
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-20", "2000.00")]),
        "2026-01-15",
        &[],
    );
    assert!(
        run.findings()
            .iter()
            .all(|finding| finding["expires_on"].is_null()),
        "{:#?}",
        run.findings()
    );
    // No `[limitation]` table: the unpaid installment has no expiry date either.
    let fixture = Fixture::new();
    let shipped = include_str!("../../rulesets/generic.toml");
    let start = shipped.find("[limitation]").unwrap();
    let end = shipped[start..].find("\n\n").unwrap() + start;
    let text = format!("{}{}", &shipped[..start], &shipped[end..]);
    fixture.write("rulesets/generic.toml", text);
    let folder = fixture.path("rulesets").display().to_string();
    let run = audit(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        "2026-01-15",
        &["--rulesets", &folder],
    );
    assert_eq!(only(&run, "unpaid")["expires_on"], serde_json::Value::Null);
}
