//! Nightly runs through the real binary: `--config audit.toml` (flags win over the file,
//! bad keys and values are exit 2 naming them, globs in order, `as_of` rules against a
//! fixed today), `--baseline` (new, persisting and resolved findings; `--fail-on-new`),
//! and the stage lines of `--log-format json`.
//!
//! The demo runs from the repository root so that paths read `samples/…`, as in
//! `samples/audit.toml`, whose relative paths are relative to its own folder.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2026-06-30";

/// Runs `rebate-audit <args> --out <fixture>/<out>` from the repository root, with
/// `environment` and no `REBATE_AUDIT_LOG` or `REBATE_AUDIT_TODAY` unless given there.
fn run_in_repo(
    fixture: &Fixture,
    out: &str,
    environment: &[(&str, &str)],
    args: &[&dyn AsRef<std::ffi::OsStr>],
) -> Run {
    let out = fixture.path(out);
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
        .args(args.iter().map(|arg| arg.as_ref()))
        .arg("--out")
        .arg(&out)
        .env_remove("REBATE_AUDIT_LOG")
        .env_remove("REBATE_AUDIT_TODAY")
        .envs(environment.iter().copied())
        .output()
        .expect("the binary runs");
    let run = Run {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}

/// The demo audit by flags, with `extra` arguments.
fn demo_by_flags(fixture: &Fixture, out: &str, payouts: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
        &"run",
        &"--contracts",
        &"samples/contracts.xlsx",
        &"--billing",
        &"samples/billing",
        &"--payouts",
        &payouts,
        &"--as-of",
        &AS_OF,
    ];
    for arg in extra {
        args.push(arg);
    }
    run_in_repo(fixture, out, &[], &args)
}

fn ids(findings: &[Value]) -> BTreeSet<String> {
    findings
        .iter()
        .map(|finding| finding["id"].as_str().unwrap().to_string())
        .collect()
}

fn text(run: &Run, name: &str) -> String {
    String::from_utf8(run.read(name)).unwrap()
}

// ---------------------------------------------------------------------------------------
// 1. audit.toml
// ---------------------------------------------------------------------------------------

#[test]
fn the_sample_config_runs_the_demo_with_the_same_findings_as_the_flags() {
    let fixture = Fixture::new();
    let by_flags = demo_by_flags(
        &fixture,
        "flags",
        Path::new("samples/payouts.xlsx"),
        &["--statements", "samples/statements.xlsx"],
    );
    by_flags.expect_status(1);
    let by_file = run_in_repo(
        &fixture,
        "config",
        &[],
        &[&"run", &"--config", &"samples/audit.toml"],
    );
    by_file.expect_status(1);
    assert_eq!(
        text(&by_file, "findings.json"),
        text(&by_flags, "findings.json"),
        "findings.json differs between --config samples/audit.toml and the flags"
    );
    assert_eq!(text(&by_file, "summary.md"), text(&by_flags, "summary.md"));
    // Without a baseline nothing about changes is written.
    let json = by_file.json();
    assert!(json.get("resolved").is_none());
    assert!(json["totals"].get("changes").is_none());
    assert!(json["findings"][0].get("change").is_none());
    assert!(!text(&by_file, "summary.md").contains("Changes since"));
}

/// The standard one-contract fixture of `tests/common`, with a config file in a
/// subfolder `conf/` whose relative paths point one level up.
fn standard_with_config(fixture: &Fixture, config: &str) -> PathBuf {
    Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    fixture.write("billing.csv", standard_billing());
    fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    fixture.write("conf/audit.toml", config)
}

#[test]
fn a_flag_overrides_the_file_and_file_paths_are_relative_to_it() {
    let fixture = Fixture::new();
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = [\"../payouts.csv\"]\nas_of = \"2025-06-30\"\nlang = \"en\"\nfail_on = \"info\"\nthreads = 1\n",
    );
    // Paths from the file resolve against conf/, not against the folder the run starts in.
    let run = run_in_repo(&fixture, "file", &[], &[&"run", &"--config", &config]);
    run.expect_status(0);
    let json = run.json();
    assert_eq!(json["as_of"], "2025-06-30");
    assert_eq!(json["lang"], "en");
    // Flags win: the date, the language, and a --payouts list that replaces the file's.
    let late = fixture.write(
        "late.csv",
        simple_payouts(&[("P1", "C1", "2025-04-01", "2000.00")]),
    );
    let run = run_in_repo(
        &fixture,
        "flags",
        &[],
        &[
            &"run",
            &"--config",
            &config,
            &"--as-of",
            &"2025-12-31",
            &"--lang",
            &"zh",
            &"--payouts",
            &late,
            &"--fail-on",
            &"error",
        ],
    );
    // The late payout is a warning; --fail-on error (over the file's info) keeps exit 0.
    run.expect_status(0);
    let json = run.json();
    assert_eq!(json["as_of"], "2025-12-31");
    assert_eq!(json["lang"], "zh");
    assert_eq!(run.types(), ["late"]);
    let payout_inputs: Vec<&str> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|input| input["role"] == "payouts")
        .map(|input| input["path"].as_str().unwrap())
        .collect();
    assert_eq!(payout_inputs, [late.display().to_string()]);
}

#[test]
fn a_bad_key_or_value_is_exit_2_naming_the_file_the_key_and_what_was_expected() {
    let fixture = Fixture::new();
    let base = "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = \"../payouts.csv\"\n";
    let cases: [(&str, &[&str]); 6] = [
        (
            "as-of = \"2025-06-30\"\n",
            &[
                "audit.toml:4",
                "as-of",
                "unknown key",
                "did you mean `as_of`?",
            ],
        ),
        (
            "as_of = \"last-monday\"\n",
            &[
                "audit.toml:4",
                "as_of",
                "expected a date such as 2026-06-30",
                "last-month-end",
                "`last-monday`",
            ],
        ),
        (
            "threads = 0\n",
            &["audit.toml:4", "threads", "expected a whole number"],
        ),
        (
            "fail_on = \"fatal\"\n",
            &[
                "audit.toml:4",
                "fail_on",
                "expected `info`, `warning` or `error`",
                "`fatal`",
            ],
        ),
        (
            "evidence = 3\n",
            &["audit.toml:4", "evidence", "expected `true`, `false`"],
        ),
        (
            "billing_files = \"x\"\n",
            &[
                "audit.toml:4",
                "billing_files",
                "unknown key",
                "contracts, billing, payouts",
            ],
        ),
    ];
    for (line, mentions) in cases {
        let config = standard_with_config(&fixture, &format!("{base}{line}"));
        let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
        run.expect_status(2);
        assert_mentions(
            &run.stderr,
            &["rebate-audit: error:", &config.display().to_string()],
        );
        assert_mentions(&run.stderr, mentions);
        assert!(
            !fixture.path("out/findings.json").exists(),
            "no report on exit 2"
        );
    }
    // Not TOML at all; a file that does not exist.
    let config = standard_with_config(&fixture, "contracts = \n");
    let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[&config.display().to_string(), "expected a TOML file"],
    );
    let missing = fixture.path("conf/nope.toml");
    let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &missing]);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--config", "nope.toml", "cannot read"]);
    // A path in the file that does not exist is named with the file and the key.
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../no-bills\"\npayouts = \"../payouts.csv\"\n",
    );
    let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &["audit.toml:2", "billing", "no-bills", "does not exist"],
    );
    // Without contracts anywhere.
    let config = standard_with_config(
        &fixture,
        "billing = \"../billing.csv\"\npayouts = \"../payouts.csv\"\n",
    );
    let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--contracts", "required", "`contracts`"]);
}

#[test]
fn globs_pick_input_files_in_sorted_order() {
    let fixture = Fixture::new();
    let line = |amount: &str| billing_csv(&[("A1", "2025-01", "ECS", amount, "CNY")]);
    // Written out of order; a note and a hidden file that no pattern may pick.
    fixture.write("bills/2025-01-b.csv", line("3500.00"));
    fixture.write("bills/2025-01-a.csv", line("2500.00"));
    fixture.write("bills/older/2025-01-c.csv", line("4000.00"));
    fixture.write("bills/notes.txt", "not a bill");
    fixture.write("bills/.2025-01-hidden.csv", line("99.00"));
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = [\"../bills/*.csv\", \"../bills/**/2025-01-c.csv\"]\npayouts = \"../payouts.csv\"\nas_of = \"2025-06-30\"\n",
    );
    let run = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    run.expect_status(0);
    let json = run.json();
    let billing: Vec<String> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|input| input["role"] == "billing")
        .map(|input| {
            Path::new(input["path"].as_str().unwrap())
                .strip_prefix(fixture.path("conf/../bills"))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        billing,
        ["2025-01-a.csv", "2025-01-b.csv", "older/2025-01-c.csv"]
    );
    // 2,500 + 3,500 + 4,000 = the standard 10,000.00, so the 2,000.00 payout is exact.
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2000.00"
    );
    // A pattern that matches no input file is exit 2.
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../bills/*.xlsx\"\npayouts = \"../payouts.csv\"\n",
    );
    let run = run_in_repo(&fixture, "none", &[], &[&"run", &"--config", &config]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &["audit.toml:2", "billing", "*.xlsx", "matches no"],
    );
}

#[test]
fn as_of_rules_count_from_today_which_tests_can_fix() {
    let fixture = Fixture::new();
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = \"../payouts.csv\"\nas_of = \"last-month-end\"\n",
    );
    for (today, as_of) in [
        ("2026-07-15", "2026-06-30"),
        ("2026-07-31", "2026-06-30"),
        ("2026-03-01", "2026-02-28"),
        ("2024-03-31", "2024-02-29"),
        ("2026-01-02", "2025-12-31"),
    ] {
        let run = run_in_repo(
            &fixture,
            "out",
            &[("REBATE_AUDIT_TODAY", today)],
            &[&"run", &"--config", &config],
        );
        run.expect_status(0);
        assert_eq!(run.json()["as_of"], as_of, "last-month-end on {today}");
    }
    // The same rules on the command line, over the file's.
    for (rule, as_of) in [("yesterday", "2026-02-28"), ("today", "2026-03-01")] {
        let run = run_in_repo(
            &fixture,
            "out",
            &[("REBATE_AUDIT_TODAY", "2026-03-01")],
            &[&"run", &"--config", &config, &"--as-of", &rule],
        );
        run.expect_status(0);
        assert_eq!(run.json()["as_of"], as_of, "{rule} on 2026-03-01");
    }
    // A bad test hook is exit 2, not a silent fallback to the clock.
    let run = run_in_repo(
        &fixture,
        "out",
        &[("REBATE_AUDIT_TODAY", "July")],
        &[&"run", &"--config", &config],
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["REBATE_AUDIT_TODAY", "July"]);
}

// ---------------------------------------------------------------------------------------
// 2. Baselines
// ---------------------------------------------------------------------------------------

/// The demo ledger (`samples/payouts.xlsx`) as CSV rows, header first, cells as a person
/// reads them (dates ISO, numbers in their shortest text).
fn demo_ledger() -> Vec<Vec<String>> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut book = open_workbook_auto(repo().join("samples/payouts.xlsx")).unwrap();
    let range = book.worksheet_range("payouts").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(text) => text.clone(),
                    Data::Float(number) => format!("{number}"),
                    Data::Int(number) => number.to_string(),
                    Data::DateTime(value) => {
                        (epoch + chrono::Duration::days(value.as_f64().floor() as i64)).to_string()
                    }
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn write_ledger(fixture: &Fixture, name: &str, rows: &[Vec<String>]) -> PathBuf {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).unwrap();
    }
    fixture.write(name, writer.into_inner().unwrap())
}

/// Sets `column` of the ledger row of `payout` to `value`.
fn set(rows: &mut [Vec<String>], payout: &str, column: &str, value: &str) {
    let index = rows[0].iter().position(|name| name == column).unwrap();
    let row = rows
        .iter_mut()
        .find(|row| row[0] == payout)
        .unwrap_or_else(|| panic!("no payout {payout}"));
    row[index] = value.to_string();
}

#[test]
fn a_baseline_run_marks_new_persisting_and_resolved_findings() {
    let fixture = Fixture::new();
    // Last night: the demo as it is.
    let night1 = demo_by_flags(&fixture, "night1", Path::new("samples/payouts.xlsx"), &[]);
    night1.expect_status(1);
    let before = night1.findings();
    let baseline = night1.out.join("findings.json");
    // RB-0043 paid 21,600.00 of installment 1 of ALI-2024-001's April 2026 (25,200.00):
    // the one `underpaid` of the demo.
    const FIXED: &str = "underpaid-503d92c9dce4";
    assert!(ids(&before).contains(FIXED), "{:?}", ids(&before));

    // Tonight, same inputs: nothing new, nothing resolved, and --fail-on-new exits 0.
    let same = demo_by_flags(
        &fixture,
        "same",
        Path::new("samples/payouts.xlsx"),
        &["--baseline", baseline.to_str().unwrap(), "--fail-on-new"],
    );
    same.expect_status(0);
    let json = same.json();
    assert!(
        same.findings()
            .iter()
            .all(|finding| finding["change"] == "persisting")
    );
    assert_eq!(json["resolved"], Value::Array(Vec::new()));
    assert_eq!(json["totals"]["changes"]["new"], 0);
    assert_eq!(json["totals"]["changes"]["persisting"], before.len());
    assert_eq!(json["totals"]["changes"]["resolved"], 0);
    // Without --fail-on-new the same findings still fail the run.
    let same = demo_by_flags(
        &fixture,
        "same-all",
        Path::new("samples/payouts.xlsx"),
        &["--baseline", baseline.to_str().unwrap()],
    );
    same.expect_status(1);

    // The ledger changes: RB-0043 is topped up to the full 25,200.00 (its invoice too),
    // and the offset RB-0042 of ALI-2025-005's March 2026 (7,783.95, under its amendment's
    // 13%) drops to 7,000.00.
    let mut rows = demo_ledger();
    set(&mut rows, "RB-0043", "amount", "25200");
    set(&mut rows, "RB-0043", "invoice_amount", "25200");
    set(&mut rows, "RB-0042", "amount", "7000.00");
    let ledger = write_ledger(&fixture, "payouts-changed.csv", &rows);
    let night2 = demo_by_flags(
        &fixture,
        "night2",
        &ledger,
        &["--baseline", baseline.to_str().unwrap(), "--fail-on-new"],
    );
    night2.expect_status(1);
    let json = night2.json();
    let after = night2.findings();
    let new: Vec<&Value> = after
        .iter()
        .filter(|finding| finding["change"] == "new")
        .collect();
    assert_eq!(new.len(), 1, "exactly one new finding: {new:#?}");
    assert_eq!(new[0]["type"], "underpaid");
    assert_eq!(new[0]["contract_id"], "ALI-2025-005");
    assert_eq!(new[0]["period_start"], "2026-03-01");
    assert_eq!(new[0]["difference"], "-783.95");
    let new_id = new[0]["id"].as_str().unwrap().to_string();
    assert!(!ids(&before).contains(&new_id));
    // Every other finding of tonight was there last night, and nothing else was.
    let persisting: BTreeSet<String> = after
        .iter()
        .filter(|finding| finding["change"] == "persisting")
        .map(|finding| finding["id"].as_str().unwrap().to_string())
        .collect();
    let mut expected_persisting = ids(&before);
    expected_persisting.remove(FIXED);
    assert_eq!(persisting, expected_persisting);
    assert_eq!(persisting.len() + 1, after.len(), "every finding is marked");
    // The fixed underpaid is resolved, listed with the baseline's fields.
    let resolved = json["resolved"].as_array().unwrap();
    assert_eq!(resolved.len(), 1, "{resolved:#?}");
    assert_eq!(resolved[0]["id"], FIXED);
    assert_eq!(resolved[0]["type"], "underpaid");
    assert_eq!(resolved[0]["severity"], "error");
    assert_eq!(resolved[0]["contract_id"], "ALI-2024-001");
    assert_eq!(resolved[0]["period_start"], "2026-04-01");
    assert_eq!(resolved[0]["period_end"], "2026-04-30");
    let old = before
        .iter()
        .find(|finding| finding["id"] == FIXED)
        .unwrap();
    assert_eq!(resolved[0]["detail"], old["detail"]);
    let changes = &json["totals"]["changes"];
    assert_eq!(changes["new"], 1);
    assert_eq!(changes["persisting"], before.len() - 1);
    assert_eq!(changes["resolved"], 1);
    assert_eq!(changes["new_by_severity"]["error"], 1);
    assert_eq!(changes["resolved_by_severity"]["error"], 1);
    assert_eq!(changes["baseline"], baseline.to_str().unwrap());
    assert_eq!(changes["baseline_as_of"], AS_OF);

    // After the headline and the errors, the summary shows the changes: new first, then
    // resolved.
    let summary = text(&night2, "summary.md");
    let sections: Vec<&str> = summary.split("\n## ").collect();
    assert!(sections[1].starts_with("Due and paid"), "{summary}");
    // The demo's claim near expiry (HW-2023-007) leads, before the errors.
    assert!(
        sections[2].starts_with("Claims expiring soon or expired"),
        "{summary}"
    );
    assert!(
        sections[3].starts_with("Errors, largest first"),
        "{summary}"
    );
    let first = sections[4];
    assert!(
        first.starts_with("Changes since the baseline as of 2026-06-30"),
        "{summary}"
    );
    assert!(
        first.contains("1 new finding (1 error, 0 warnings, 0 info)"),
        "{first}"
    );
    assert!(first.contains("1 resolved"), "{first}");
    let new_at = first.find(&new_id).expect("the new finding is listed");
    let resolved_at = first.find(FIXED).expect("the resolved finding is listed");
    assert!(new_at < resolved_at, "new before resolved:\n{first}");
    let html = text(&night2, "summary.html");
    let h2 = html.match_indices("<h2>").nth(3).unwrap().0;
    assert!(
        html[h2..].starts_with("<h2>Changes since the baseline"),
        "{html}"
    );
    assert!(html.contains(&new_id) && html.contains(FIXED));

    // --fail-on-new with --fail-on error still fails on the new underpaid (an error).
    let night2 = demo_by_flags(
        &fixture,
        "night2-errors",
        &ledger,
        &[
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on-new",
            "--fail-on",
            "error",
        ],
    );
    night2.expect_status(1);
}

#[test]
fn a_baseline_that_is_not_a_findings_json_is_exit_2_naming_it() {
    let fixture = Fixture::new();
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = \"../payouts.csv\"\nas_of = \"2025-06-30\"\n",
    );
    let other = fixture.write(
        "other.json",
        r#"{"schema": "something/else", "findings": []}"#,
    );
    let broken = fixture.write("broken.json", "{\"schema\": ");
    let missing = fixture.path("missing.json");
    for (baseline, mentions) in [
        (
            &other,
            &["other.json", "rebate-audit/findings/v1", "something/else"][..],
        ),
        (&broken, &["broken.json", "not a JSON object"][..]),
        (&missing, &["missing.json", "cannot read"][..]),
    ] {
        let run = run_in_repo(
            &fixture,
            "out",
            &[],
            &[&"run", &"--config", &config, &"--baseline", baseline],
        );
        run.expect_status(2);
        assert_mentions(&run.stderr, &["--baseline"]);
        assert_mentions(&run.stderr, mentions);
    }
    // --fail-on-new needs a baseline.
    let run = run_in_repo(
        &fixture,
        "out",
        &[],
        &[&"run", &"--config", &config, &"--fail-on-new"],
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--fail-on-new", "--baseline"]);
    // A baseline in the file, relative to it: this run's own previous report folder.
    let first = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    first.expect_status(0);
    let config = standard_with_config(
        &fixture,
        "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = \"../payouts.csv\"\nas_of = \"2025-06-30\"\nbaseline = \"../out/findings.json\"\nfail_on_new = true\n",
    );
    let again = run_in_repo(&fixture, "out", &[], &[&"run", &"--config", &config]);
    again.expect_status(0);
    assert_eq!(again.json()["totals"]["changes"]["new"], 0);
}

// ---------------------------------------------------------------------------------------
// 3. Logs
// ---------------------------------------------------------------------------------------

#[test]
fn json_logs_give_one_object_per_line_for_each_stage() {
    let fixture = Fixture::new();
    // The default run says nothing on stderr.
    let plain = demo_by_flags(
        &fixture,
        "plain",
        Path::new("samples/payouts.xlsx"),
        &["-q"],
    );
    plain.expect_status(1);
    assert_eq!(plain.stderr, "", "a default run keeps stderr quiet");
    assert_eq!(plain.stdout, "", "--quiet prints nothing");

    let run = demo_by_flags(
        &fixture,
        "json",
        Path::new("samples/payouts.xlsx"),
        &["--log-format", "json", "-q"],
    );
    run.expect_status(1);
    let lines: Vec<Value> = run
        .stderr
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("not JSON ({error}): {line}\n{}", run.stderr))
        })
        .collect();
    // One line per stage, written when its span closes: the stage and its counts in
    // `span`, its time in `time.busy`.
    let stages: Vec<&Value> = lines
        .iter()
        .filter(|line| line["span"]["name"] == "stage" && line["message"] == "close")
        .collect();
    let names: Vec<&str> = stages
        .iter()
        .map(|line| line["span"]["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "discover inputs",
            "load rulesets",
            "load contracts",
            "read billing",
            "read payouts",
            "compute",
            "reconcile",
            "write reports",
            "commit"
        ],
        "{}",
        run.stderr
    );
    for line in &stages {
        assert_eq!(line["level"], "INFO");
        assert!(line["time.busy"].is_string(), "{line}");
    }
    let stage = |name: &str| {
        &stages
            .iter()
            .find(|line| line["span"]["stage"] == name)
            .unwrap()["span"]
    };
    // The demo's HW-2023-007 (a claim near expiry) brought its own bill (203 rows) and 4
    // payouts, TX-2025-007 (a clawback) its own bill and 3 payouts, ALI-2026-008 (a year
    // open on the audit date) its own bill (76 rows) and 1 payout.
    assert_eq!(stage("discover inputs")["billing"], 12);
    assert_eq!(stage("discover inputs")["payouts"], 1);
    assert_eq!(stage("load contracts")["files"], 1);
    assert_eq!(stage("load contracts")["contracts"], 9);
    assert!(stage("load contracts")["rows"].as_u64().unwrap() > 0);
    assert_eq!(stage("read billing")["files"], 12);
    assert_eq!(stage("read billing")["rows"], 2886);
    assert_eq!(stage("read payouts")["files"], 1);
    assert_eq!(stage("read payouts")["rows"], 52);
    assert_eq!(stage("compute")["contracts"], 9);
    let findings = run.findings().len();
    assert_eq!(stage("write reports")["findings"], findings);

    // REBATE_AUDIT_LOG still sets the filter: human lines at info, nothing at error.
    let args: [&dyn AsRef<std::ffi::OsStr>; 10] = [
        &"run",
        &"--contracts",
        &"samples/contracts.xlsx",
        &"--billing",
        &"samples/billing",
        &"--payouts",
        &"samples/payouts.xlsx",
        &"--as-of",
        &AS_OF,
        &"-q",
    ];
    let human = run_in_repo(&fixture, "human", &[("REBATE_AUDIT_LOG", "info")], &args);
    human.expect_status(1);
    assert_mentions(
        &human.stderr,
        &["stage=\"read billing\"", "rows=2886", "time.busy="],
    );
    assert!(
        !human.stderr.contains('\u{1b}'),
        "no colours off a terminal"
    );
    let mut quiet_json = args.to_vec();
    quiet_json.extend([&"--log-format" as &dyn AsRef<std::ffi::OsStr>, &"json"]);
    let silent = run_in_repo(
        &fixture,
        "silent",
        &[("REBATE_AUDIT_LOG", "error")],
        &quiet_json,
    );
    silent.expect_status(1);
    assert_eq!(silent.stderr, "");
}
