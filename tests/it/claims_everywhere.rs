//! Issue 19's findings in every report format and both languages: one audit with an agent
//! statement that leaves out a product (`statement_mismatch`), a transfer booked twice
//! (`duplicate_payout`) and a claim near expiry (`limitation`, and `expires_on` on the
//! `underpaid` finding) — findings.json, findings.csv, findings.xlsx and report.xlsx (read
//! back through calamine), report.html, summary.md, summary.html, the evidence file and
//! `explain`, in English and in Chinese.
//!
//! Worked example: C1 (January 2025, 20%) billed ECS 8,000.00 and OSS 2,000.00, so W =
//! 10,000.00 and E = 2,000.00, due 2025-03-02. The ledger books 800.00 on 2025-02-15 with
//! reference RB-1 twice (P1, P2): paid 1,600.00, `underpaid` by 400.00; without P2 it would
//! be short 1,200.00 (the duplicate hides a shortfall of 800.00). The statement says base
//! 8,000.00, payable 1,600.00: OSS left out. Audited 2027-12-01: the claim expires
//! 2028-03-02 (3 years from the due date), 92 days later — inside the 180-day window.

use crate::common::*;
use calamine::{Data, Reader};
use std::path::{Path, PathBuf};

const AS_OF: &str = "2027-12-01";
const EXPIRES: &str = "2028-03-02";

struct Inputs {
    contracts: PathBuf,
    billing: PathBuf,
    payouts: PathBuf,
    statement: PathBuf,
}

fn inputs(fixture: &Fixture) -> Inputs {
    let contracts = Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "8000.00", "CNY"),
            ("A1", "2025-01", "OSS", "2000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        "payout_id,contract_id,paid_on,amount,reference\n\
         P1,C1,2025-02-15,800.00,RB-1\n\
         P2,C1,2025-02-15,800.00,RB-1\n",
    );
    let statement = fixture.write(
        "statement.csv",
        "contract_id,month,base,rate,rebate,payable\nC1,2025-01,8000,20%,1600,1600\n",
    );
    Inputs {
        contracts,
        billing,
        payouts,
        statement,
    }
}

/// The cells of a workbook's sheet (by position: its names follow the language) as text,
/// dates as ISO days.
fn sheet_text(path: &Path, sheet: usize) -> Vec<Vec<String>> {
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range_at(sheet).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::DateTime(date) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                        .unwrap()
                        + chrono::Days::new(date.as_f64() as u64))
                    .to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The row of the finding of `code` (its type cell names the code, alone or beside its
/// Chinese name).
fn row_of<'a>(rows: &'a [Vec<String>], code: &str) -> &'a [String] {
    rows.iter()
        .find(|row| {
            row.iter()
                .any(|cell| cell == code || cell.ends_with(&format!("（{code}）")))
        })
        .unwrap_or_else(|| panic!("no `{code}` row in {rows:?}"))
}

#[test]
fn statement_duplicate_and_claim_findings_are_in_every_report_in_both_languages() {
    for lang in ["en", "zh"] {
        let fixture = Fixture::new();
        let inputs = inputs(&fixture);
        let statement = inputs.statement.display().to_string();
        let run = fixture.audit(
            &inputs.contracts,
            &inputs.billing,
            &inputs.payouts,
            AS_OF,
            &["--statements", &statement, "--lang", lang],
        );
        run.expect_status(1);
        // findings.json: the three, and the claim's date on the underpaid finding.
        let underpaid = only(&run, "underpaid");
        assert_eq!(underpaid["difference"], "-400.00");
        assert_eq!(underpaid["expires_on"], EXPIRES);
        let claim = only(&run, "limitation");
        assert_eq!(claim["reason"], "expiring");
        assert_eq!(claim["expires_on"], EXPIRES);
        let duplicate = only(&run, "duplicate_payout");
        assert_eq!(duplicate["payout_id"], "P2");
        assert_eq!(duplicate["expires_on"], serde_json::Value::Null);
        let mismatch = only(&run, "statement_mismatch");
        assert_eq!(
            mismatch["evidence"]["facts"]["likely_causes"],
            "product_left_out"
        );
        let codes = ["statement_mismatch", "duplicate_payout", "limitation"];
        // findings.csv and report.html name each by its code.
        for name in ["findings.csv", "report.html"] {
            let text = String::from_utf8(run.read(name)).unwrap();
            for code in codes {
                assert!(text.contains(code), "{lang} {name} lacks {code}");
            }
            assert!(text.contains(EXPIRES), "{lang} {name} lacks {EXPIRES}");
        }
        // findings.xlsx and report.xlsx: a row each, and the underpaid row's last column
        // of the findings table is the expiry date.
        for (name, sheet) in [("findings.xlsx", 0), ("report.xlsx", 1)] {
            let rows = sheet_text(&run.out.join(name), sheet);
            for code in codes {
                row_of(&rows, code);
            }
            let header = &rows[0];
            let column = header
                .iter()
                .position(|cell| cell == "expires_on" || cell.contains("诉讼时效届满日"))
                .unwrap_or_else(|| panic!("{lang} {name}: no expires_on column in {header:?}"));
            assert_eq!(row_of(&rows, "underpaid")[column], EXPIRES, "{lang} {name}");
            assert_eq!(
                row_of(&rows, "limitation")[column],
                EXPIRES,
                "{lang} {name}"
            );
        }
        // The summaries (the claim first) and the evidence file, in the reader's language.
        let (heading, names): (&str, [&str; 3]) = match lang {
            "en" => (
                "Claims expiring soon or expired",
                ["statement_mismatch", "duplicate_payout", "limitation"],
            ),
            _ => (
                "即将或已经届满诉讼时效的请求",
                ["结算单不符", "重复付款", "诉讼时效"],
            ),
        };
        for name in ["summary.md", "summary.html"] {
            let text = String::from_utf8(run.read(name)).unwrap();
            assert!(text.contains(heading), "{lang} {name}");
            for shown in names {
                assert!(text.contains(shown), "{lang} {name} lacks {shown}");
            }
        }
        let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
        for code in codes {
            let shown = match lang {
                "en" => code.to_string(),
                _ => names[codes.iter().position(|c| *c == code).unwrap()].to_string(),
            };
            assert!(evidence.contains(&shown), "{lang} evidence lacks {shown}");
        }
        assert!(evidence.contains(EXPIRES));
        // `explain` shows all three with the period.
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args([
                "explain",
                "--contract",
                "C1",
                "--as-of",
                AS_OF,
                "--lang",
                lang,
            ])
            .arg("--contracts")
            .arg(&inputs.contracts)
            .arg("--billing")
            .arg(&inputs.billing)
            .arg("--payouts")
            .arg(&inputs.payouts)
            .arg("--statements")
            .arg(&inputs.statement)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{text}");
        for (code, name) in codes.iter().zip(names) {
            let shown = if lang == "en" { code } else { &name };
            assert!(
                text.contains(shown),
                "{lang} explain lacks {shown}:\n{text}"
            );
        }
        assert!(text.contains(EXPIRES));
    }
}
