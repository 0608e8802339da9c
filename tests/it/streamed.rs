//! Reports streamed (issue 17). summary.md stays a one-minute read for a large audit: it
//! lists the largest findings and the contracts most short, and counts the rest, so its
//! size does not grow with the audit while its counts still add up to findings.json's. A
//! workbook written row by row through a temporary file fails the run cleanly when that
//! file cannot be written. The set: 300 contracts, each with four quarterly payouts of a
//! wrong amount, so most of the 1,200 installments raise a finding.

use crate::common::*;
use serde_json::Value;

const CONTRACTS: usize = 300;

/// 300 contracts of one account each, settled quarterly over 2024 at 2%.
fn book() -> Book {
    let mut book = Book::default();
    for number in 0..CONTRACTS {
        let id = format!("C{number:04}");
        book = book
            .contract(quarterly_2024(&id, format!("A{number:04}")))
            .tier(&id, "0", "", "2%");
    }
    book
}

/// A line per account and month, amounts spread so the contracts differ.
fn billing() -> String {
    let mut lines = Vec::new();
    for number in 0..CONTRACTS {
        for month in 1..=12 {
            lines.push((
                format!("A{number:04}"),
                format!("2024-{month:02}"),
                "ECS".to_string(),
                format!("{}.00", 1_000 + 37 * number + 11 * month),
                "CNY".to_string(),
            ));
        }
    }
    owned_billing_csv(&lines)
}

/// One payout per contract and quarter, of an amount that is rarely right.
fn payouts() -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for number in 0..CONTRACTS {
        for (quarter, paid_on) in QUARTERLY_2024_PAID_ON.iter().enumerate() {
            rows.push(vec![
                format!("P{number:04}-{quarter}"),
                format!("C{number:04}"),
                paid_on.to_string(),
                format!("{}.{:02}", (number * 7 + quarter * 13) % 900, number % 100),
                format!("2024-Q{}", quarter + 1),
            ]);
        }
    }
    csv_text(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &rows,
    )
}

/// The number in a "… and N more" line of `text` that contains `marker`, if any.
fn more(text: &str, marker: &str) -> Option<usize> {
    text.lines().find(|line| line.contains(marker)).map(|line| {
        line.chars()
            .skip_while(|character| !character.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    })
}

/// The rows of the Markdown table right after the heading `## {heading}` (and any
/// paragraph between them).
fn table_rows(text: &str, heading: &str) -> usize {
    let after = text
        .split(&format!("## {heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    after
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .count()
        .saturating_sub(2)
}

#[test]
fn a_large_audits_summary_lists_the_top_and_counts_the_rest() {
    let fixture = Fixture::new();
    let contracts = book().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", billing());
    let payouts = fixture.write("payouts.csv", payouts());
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    let count = |severity: &str| {
        findings
            .iter()
            .filter(|finding| finding["severity"] == severity)
            .count()
    };
    let (errors, warnings) = (count("error"), count("warning"));
    // The set is the one meant: far more errors, warnings and contracts than listed.
    assert!(
        errors > 200 && warnings > 100,
        "{errors} errors, {warnings} warnings"
    );

    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    // Bounded: 300 contracts and 1,000 findings listed in full would take several
    // times this.
    assert!(
        summary.len() < 40_000,
        "summary.md is {} bytes",
        summary.len()
    );

    // Listed and counted add up to findings.json's counts.
    let listed_errors = table_rows(&summary, "Errors, largest first");
    assert_eq!(listed_errors, 40);
    assert_eq!(
        listed_errors + more(&summary, "more; every finding is in").unwrap(),
        errors
    );
    let warnings_part = summary
        .split("## Warnings, largest first\n")
        .nth(1)
        .unwrap();
    assert_eq!(table_rows(&summary, "Warnings, largest first"), 40);
    assert_eq!(
        40 + more(warnings_part, "more; every finding is in").unwrap(),
        warnings
    );
    let listed_contracts = table_rows(&summary, "Contracts");
    assert_eq!(listed_contracts, 20);
    assert!(summary.contains(&format!(
        "The 20 contracts most short of {CONTRACTS}, largest shortfall first"
    )));
    assert_eq!(
        listed_contracts + more(&summary, "more contracts; every contract").unwrap(),
        CONTRACTS
    );

    // The contracts listed are the most short, largest first: no contract left out is
    // shorter than the last one listed.
    let short = |contract: &Value| -> f64 {
        contract["shortfall"]
            .as_str()
            .map_or(0.0, |amount| amount.parse().unwrap())
    };
    let mut all: Vec<f64> = json["totals"]["per_contract"]
        .as_array()
        .unwrap()
        .iter()
        .map(short)
        .collect();
    all.sort_by(|a, b| b.total_cmp(a));
    let contracts_part = summary.split("## Contracts\n").nth(1).unwrap();
    let shown: Vec<f64> = contracts_part
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            // Contract, customer, agent, weighted base, due, paid against it, short.
            let cell = line.split('|').nth(7).unwrap().trim().replace(',', "");
            cell.parse().unwrap()
        })
        .collect();
    assert_eq!(shown, all[..20].to_vec());

    // Chinese reads the same way.
    let zh = fixture.audit_into(
        "zh",
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &[&"--lang", &"zh"],
    );
    let summary = String::from_utf8(zh.read("summary.md")).unwrap();
    assert!(
        summary.len() < 40_000,
        "summary.md (zh) is {} bytes",
        summary.len()
    );
    assert!(summary.contains(&format!("共 {CONTRACTS} 个合同，列出少付最多的 20 个")));
    assert!(summary.contains(&format!("……另有 {} 个合同", CONTRACTS - 20)));
}

/// report.xlsx is written first with one thread; its rows go to a temporary file in the
/// staging folder, which a file-size limit of 32 KB stops: the run fails as any failed
/// write does (exit 2, the file named, no raw panic), and leaves nothing behind.
#[test]
fn a_workbook_whose_rows_cannot_be_written_fails_the_run_cleanly() {
    let fixture = Fixture::new();
    let contracts = book().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", billing());
    let payouts = fixture.write("payouts.csv", payouts());
    let out = fixture.path("out");
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 64; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_rebate-audit"))
        .args([
            "run",
            "--threads",
            "1",
            "--as-of",
            "2025-06-30",
            "--contracts",
        ])
        .arg(&contracts)
        .arg("--billing")
        .arg(&billing)
        .arg("--payouts")
        .arg(&payouts)
        .arg("--out")
        .arg(&out)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the reports"), "{stderr}");
    assert!(stderr.contains("report.xlsx"), "names the file: {stderr}");
    assert!(stderr.contains("temporary file"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "no report folder left");
    let left: Vec<_> = std::fs::read_dir(fixture.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
}
