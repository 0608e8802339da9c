//! Very long contract terms through the real binary. A contract workbook is untrusted
//! input: a term of centuries, or an "open-ended" end of 9999-12-31, must never hang the
//! run. The loader refuses terms longer than 100 contract years (exit 2, naming workbook,
//! sheet, row and column); a term of exactly 100 years is audited, and quickly, because
//! the rebate arithmetic is linear in the number of settlement periods.
//!
//! Each run is watched: if the binary is still running after its deadline it is killed
//! and the test fails, so a regression shows up as a failure, not a stuck test run.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a refusal may take: reading a one-row workbook.
const REFUSAL_DEADLINE: Duration = Duration::from_secs(10);

/// How long auditing the longest accepted term (1,200 monthly periods) may take, for a
/// debug build on a busy machine; it takes well under a second in release.
const LONGEST_TERM_DEADLINE: Duration = Duration::from_secs(60);

/// What one watched run did.
struct Watched {
    status: Option<i32>,
    stderr: String,
    out: std::path::PathBuf,
    elapsed: Duration,
}

impl Watched {
    fn json(&self) -> Value {
        let text = std::fs::read_to_string(self.out.join("findings.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// Runs `rebate-audit run` on the inputs; kills it and fails the test if it is still
/// running after `deadline`.
fn audit_within(
    fixture: &Fixture,
    contracts: &Path,
    billing: &Path,
    payouts: &Path,
    as_of: &str,
    deadline: Duration,
) -> Watched {
    let out = fixture.path("out");
    let stderr_path = fixture.path("stderr.txt");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("run")
        .arg("--contracts")
        .arg(contracts)
        .arg("--billing")
        .arg(billing)
        .arg("--payouts")
        .arg(payouts)
        .arg("--as-of")
        .arg(as_of)
        .arg("--out")
        .arg(&out)
        .env_remove("REBATE_AUDIT_LOG")
        .env_remove("REBATE_AUDIT_PART_BYTES")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("the binary starts");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "rebate-audit was still running after {deadline:?}; stderr:\n{}",
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let watched = Watched {
        status: status.code(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap(),
        out,
        elapsed: started.elapsed(),
    };
    assert!(
        !watched.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        watched.stderr
    );
    watched
}

/// A refused term: exit 2, no report, and one clear message naming the `end` cell.
fn assert_refused(watched: &Watched, cell: &str, start: &str, last_day: &str, end: &str) {
    assert_eq!(watched.status, Some(2), "stderr:\n{}", watched.stderr);
    assert!(
        !watched.out.join("findings.json").exists(),
        "no report may be written when the contracts cannot be read"
    );
    assert_mentions(
        &watched.stderr,
        &[
            "rebate-audit: error:",
            cell,
            &format!(
                "expected a term of at most 100 years, so an end on or before {last_day} for \
                 the start {start}, found `{end}`"
            ),
            "open-ended",
        ],
    );
    assert!(
        watched.elapsed < REFUSAL_DEADLINE,
        "took {:?}",
        watched.elapsed
    );
}

#[test]
fn an_open_ended_9999_12_31_end_in_a_workbook_is_refused_at_once() {
    // The end is a real Excel date cell, 9999-12-31 (the largest date Excel holds).
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", Val::Date(9999, 12, 31))
                .set("tier_basis", "contract_year"),
        )
        .tier("C1", "0", "", "20%");
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let watched = audit_within(
        &fixture,
        &xlsx,
        &billing,
        &payouts,
        "2025-06-30",
        REFUSAL_DEADLINE,
    );
    assert_refused(
        &watched,
        &format!("{}:contracts:2:end", xlsx.display()),
        "2025-01-01",
        "2124-12-31",
        "9999-12-31",
    );
}

#[test]
fn a_300_year_term_is_refused_at_once() {
    // Before the fix a 300-year monthly term took 18 s in a release build (the
    // arithmetic was cubic in the term); now the loader refuses it outright.
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(contract("C1").set("end", "2324-12-31"))
        .tier("C1", "0", "", "20%");
    let folder = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let watched = audit_within(
        &fixture,
        &folder,
        &billing,
        &payouts,
        "2025-06-30",
        REFUSAL_DEADLINE,
    );
    assert_refused(
        &watched,
        "contracts.csv:2:end",
        "2025-01-01",
        "2124-12-31",
        "2324-12-31",
    );
}

#[test]
fn the_longest_accepted_term_of_100_years_is_audited_quickly() {
    // 2025-01-01 .. 2124-12-31, settled monthly: 1,200 periods. Tiers per contract year,
    // retroactive: 15% below 1,000,000, 20% from it.
    //   2025-01: 400,000 → 60,000.00.
    //   2025-02: +700,000, the year reaches 1,100,000 at 20% = 220,000.00, so February
    //            pays 220,000.00 − 60,000.00 = 160,000.00 (the catch-up).
    //   2026-01: a new contract year, 100.00 at 15% = 15.00.
    // Each is paid on time, so the audit is clean (exit 0).
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", "2124-12-31")
                .set("tier_basis", "contract_year"),
        )
        .tier("C1", "0", "1000000", "15%")
        .tier("C1", "1000000", "", "20%");
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "400000.00", "CNY"),
            ("A1", "2025-02", "ECS", "700000.00", "CNY"),
            ("A1", "2026-01", "ECS", "100.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-20", "60000.00"),
            ("P2", "C1", "2025-03-20", "160000.00"),
            ("P3", "C1", "2026-02-20", "15.00"),
        ]),
    );
    let watched = audit_within(
        &fixture,
        &xlsx,
        &billing,
        &payouts,
        "2026-06-30",
        LONGEST_TERM_DEADLINE,
    );
    assert_eq!(watched.status, Some(0), "stderr:\n{}", watched.stderr);
    let json = watched.json();
    assert_eq!(json["findings"], Value::Array(Vec::new()));
    let installments = json["expected"].as_array().unwrap();
    assert_eq!(installments.len(), 1200, "one installment per month");
    let month = |start: &str| {
        installments
            .iter()
            .find(|record| record["period_start"] == start)
            .unwrap_or_else(|| panic!("no installment for {start}"))
    };
    assert_eq!(month("2025-01-01")["expected"], "60000.00");
    assert_eq!(month("2025-02-01")["expected"], "160000.00");
    assert_eq!(month("2025-03-01")["expected"], "0.00");
    assert_eq!(month("2026-01-01")["expected"], "15.00");
    assert_eq!(month("2124-12-01")["expected"], "0.00");
    assert_eq!(month("2124-12-01")["period_end"], "2124-12-31");
    assert!(
        watched.elapsed < LONGEST_TERM_DEADLINE,
        "took {:?}",
        watched.elapsed
    );
}
