//! Nothing is lost silently: the demo audit (`samples/`) is run once as it is, then once
//! per mutation of one billing file — a row deleted, a row duplicated, one cent changed,
//! the file cut off in the middle of a row, the same file given twice — and each mutation
//! must show: a finding that names it, or control totals that differ from the unmutated
//! run by exactly what was changed.
//!
//! `aliyun-bill-2024.csv` ends with a totals row (合计), so a changed row there is a
//! `rejected_row` finding (`totals_mismatch`) with the difference; `tencent-2025.csv` has
//! none, so there the control totals (`controls.billing` in findings.json) carry the
//! signal, to the cent.
//!
//! Issue 13's mistakes typed by hand into the contract workbook, the payout ledger and the
//! bills, each with the outcome it must have, are the table in `mutations/typos.rs`
//! (edits in `book.rs`, runner in `harness.rs`).

mod book;
mod harness;
mod typos;

use rust_decimal::Decimal;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;

const ALIYUN: &str = "aliyun/aliyun-bill-2024.csv";
const TENCENT: &str = "tencent/tencent-2025.csv";

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// One audit of the samples with the billing folder `billing`; returns findings.json.
fn audit(billing: &Path, out: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(["run", "--contracts"])
        .arg(samples().join("contracts.xlsx"))
        .arg("--billing")
        .arg(billing)
        .arg("--payouts")
        .arg(samples().join("payouts.xlsx"))
        .args(["--as-of", "2026-06-30", "--quiet", "--out"])
        .arg(out)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap()
}

/// The unmutated audit (run once), the samples' billing folder as it is.
fn unmutated() -> &'static Value {
    static RUN: OnceLock<Value> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        audit(&samples().join("billing"), &dir.path().join("out"))
    })
}

/// The audit with a copy of the billing folder whose `file` is rewritten by `mutate`
/// (its lines, line ends kept; line 0 is the first line), plus `extra` files.
fn mutated(file: &str, mutate: impl FnOnce(&mut Vec<String>)) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let billing = dir.path().join("billing");
    copy_folder(&samples().join("billing"), &billing);
    let path = billing.join(file);
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    mutate(&mut lines);
    std::fs::write(&path, lines.concat()).unwrap();
    let json = audit(&billing, &dir.path().join("out"));
    (dir, json)
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// The control entry of the billing table in `file` (a path ending so).
fn control(json: &Value, file: &str) -> Value {
    json["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["file"].as_str().unwrap().ends_with(file))
        .cloned()
        .unwrap_or_else(|| panic!("no control entry for {file}"))
}

fn money(value: &Value) -> Decimal {
    Decimal::from_str(value.as_str().unwrap()).unwrap()
}

/// Findings of `kind` whose location's file ends with `file`.
fn findings_about(json: &Value, kind: &str, file: &str) -> Vec<Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            finding["type"] == kind
                && finding["evidence"]["location"]["file"]
                    .as_str()
                    .is_some_and(|path| path.ends_with(file))
        })
        .cloned()
        .collect()
}

/// Field `index` of a CSV line without quoted commas (the sample bills have none).
fn field(line: &str, index: usize) -> String {
    line.trim_end().split(',').nth(index).unwrap().to_string()
}

fn set_field(line: &str, index: usize, value: &str) -> String {
    let end = &line[line.trim_end().len()..];
    let mut fields: Vec<&str> = line.trim_end().split(',').collect();
    fields[index] = value;
    fields.join(",") + end
}

/// The Aliyun bill's 应付金额 (net) column, and a data row of it (line 10 = row 10).
const ALIYUN_NET: usize = 36;
/// The Tencent bill's Total Amount After Discount (net) column.
const TENCENT_NET: usize = 28;
const ROW: usize = 9;

/// The one `totals_mismatch` finding on the Aliyun bill, and its detail.
fn totals_mismatch(json: &Value) -> String {
    let found = findings_about(json, "rejected_row", ALIYUN);
    let mismatches: Vec<&Value> = found
        .iter()
        .filter(|finding| finding["reason"] == "totals_mismatch")
        .collect();
    assert_eq!(mismatches.len(), 1, "{found:#?}");
    assert_eq!(mismatches[0]["severity"], "error");
    mismatches[0]["detail"].as_str().unwrap().to_string()
}

#[test]
fn the_unmutated_demo_has_no_totals_mismatch_and_balanced_controls() {
    let json = unmutated();
    assert!(
        findings_about(json, "rejected_row", ALIYUN)
            .iter()
            .all(|finding| finding["reason"] != "totals_mismatch")
    );
    for control in json["controls"]["billing"].as_array().unwrap() {
        assert_eq!(control["balanced"], true, "{control:#}");
    }
}

#[test]
fn a_deleted_row_is_a_totals_mismatch_and_one_row_fewer_in_the_controls() {
    let mut net = String::new();
    let (_dir, json) = mutated(ALIYUN, |lines| {
        net = field(&lines[ROW], ALIYUN_NET);
        lines.remove(ROW);
    });
    let detail = totals_mismatch(&json);
    assert!(detail.contains(&format!("(difference {net})")), "{detail}");
    let (before, after) = (control(unmutated(), ALIYUN), control(&json, ALIYUN));
    assert_eq!(
        after["read"]["rows"].as_u64().unwrap() + 1,
        before["read"]["rows"].as_u64().unwrap()
    );
    assert_eq!(
        money(&before["read"]["amount"]) - money(&after["read"]["amount"]),
        Decimal::from_str(&net).unwrap()
    );
}

#[test]
fn a_deleted_row_without_a_totals_row_shows_in_the_control_totals() {
    let mut net = String::new();
    let (_dir, json) = mutated(TENCENT, |lines| {
        net = field(&lines[ROW], TENCENT_NET);
        lines.remove(ROW);
    });
    let (before, after) = (control(unmutated(), TENCENT), control(&json, TENCENT));
    assert_eq!(
        after["read"]["rows"].as_u64().unwrap() + 1,
        before["read"]["rows"].as_u64().unwrap()
    );
    assert_eq!(
        money(&before["read"]["amount"]) - money(&after["read"]["amount"]),
        Decimal::from_str(&net).unwrap()
    );
    assert_ne!(
        json["expected"],
        unmutated()["expected"],
        "the base changed"
    );
}

#[test]
fn a_duplicated_row_is_a_totals_mismatch_and_one_row_more_in_the_controls() {
    let mut net = String::new();
    let (_dir, json) = mutated(ALIYUN, |lines| {
        net = field(&lines[ROW], ALIYUN_NET);
        let copy = lines[ROW].clone();
        lines.insert(ROW, copy);
    });
    let detail = totals_mismatch(&json);
    assert!(detail.contains(&format!("(difference -{net})")), "{detail}");
    let (before, after) = (control(unmutated(), ALIYUN), control(&json, ALIYUN));
    assert_eq!(
        after["read"]["rows"].as_u64().unwrap(),
        before["read"]["rows"].as_u64().unwrap() + 1
    );
    assert_eq!(
        money(&after["read"]["amount"]) - money(&before["read"]["amount"]),
        Decimal::from_str(&net).unwrap()
    );
}

#[test]
fn one_cent_changed_is_a_totals_mismatch_of_one_cent() {
    let (_dir, json) = mutated(ALIYUN, |lines| {
        let net = Decimal::from_str(&field(&lines[ROW], ALIYUN_NET)).unwrap();
        lines[ROW] = set_field(
            &lines[ROW],
            ALIYUN_NET,
            &(net + Decimal::new(1, 2)).to_string(),
        );
    });
    let detail = totals_mismatch(&json);
    assert!(detail.contains("(difference -0.01)"), "{detail}");
    let (before, after) = (control(unmutated(), ALIYUN), control(&json, ALIYUN));
    assert_eq!(
        money(&after["read"]["amount"]) - money(&before["read"]["amount"]),
        Decimal::new(1, 2)
    );
}

#[test]
fn one_cent_changed_without_a_totals_row_moves_the_control_total_and_the_base_by_one_cent() {
    let (_dir, json) = mutated(TENCENT, |lines| {
        let net = Decimal::from_str(&field(&lines[ROW], TENCENT_NET)).unwrap();
        lines[ROW] = set_field(
            &lines[ROW],
            TENCENT_NET,
            &(net + Decimal::new(1, 2)).to_string(),
        );
    });
    let (before, after) = (control(unmutated(), TENCENT), control(&json, TENCENT));
    assert_eq!(after["read"]["rows"], before["read"]["rows"]);
    assert_eq!(
        money(&after["read"]["amount"]) - money(&before["read"]["amount"]),
        Decimal::new(1, 2)
    );
    // One period of one contract has a weighted base one cent higher.
    let bases = |json: &Value| -> Vec<(String, String, Decimal)> {
        json["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|record| {
                (
                    record["contract_id"].as_str().unwrap().to_string(),
                    record["period_start"].as_str().unwrap().to_string(),
                    money(&record["weighted_base"]),
                )
            })
            .collect()
    };
    let changed: Vec<Decimal> = bases(unmutated())
        .into_iter()
        .zip(bases(&json))
        .filter(|(before, after)| before != after)
        .map(|(before, after)| after.2 - before.2)
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed
            .iter()
            .all(|difference| *difference == Decimal::new(1, 2)),
        "{changed:?}"
    );
}

#[test]
fn a_file_cut_off_in_the_middle_of_a_row_rejects_that_row() {
    let mut last_row = 0;
    let (_dir, json) = mutated(TENCENT, |lines| {
        // The download stops halfway through row 150, the rest of the file is gone.
        lines.truncate(150);
        let cut = lines[149].len() / 2;
        lines[149].truncate(cut);
        last_row = 150;
    });
    let rejected = findings_about(&json, "rejected_row", TENCENT);
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!(rejected[0]["evidence"]["location"]["row"], last_row);
    let (before, after) = (control(unmutated(), TENCENT), control(&json, TENCENT));
    assert_eq!(after["read"]["rows"], 149);
    assert!(before["read"]["rows"].as_u64().unwrap() > 300);
    assert_eq!(after["rejected"]["rows"], 1);
    assert_eq!(after["balanced"], true);
}

#[test]
fn the_same_bill_given_twice_is_reported_and_counted_once() {
    let (_dir, json) = mutated(TENCENT, |_| {});
    assert_eq!(json["expected"], unmutated()["expected"]);
    let dir = tempfile::tempdir().unwrap();
    let billing = dir.path().join("billing");
    copy_folder(&samples().join("billing"), &billing);
    // The same export downloaded again under another name.
    std::fs::copy(
        billing.join(TENCENT),
        billing.join("tencent/tencent-2025_2.csv"),
    )
    .unwrap();
    let json = audit(&billing, &dir.path().join("out"));
    let duplicates = findings_about(&json, "rejected_row", "tencent-2025_2.csv");
    assert_eq!(duplicates.len(), 1, "{duplicates:#?}");
    assert_eq!(duplicates[0]["reason"], "duplicate_file");
    let detail = duplicates[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("tencent-2025.csv (same SHA-256)"),
        "{detail}"
    );
    // Counted once: every installment is as in the unmutated audit.
    assert_eq!(json["expected"], unmutated()["expected"]);
    // Both files are listed among the inputs, with one hash.
    let hashes: Vec<&Value> = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|input| {
            let path = input["path"].as_str().unwrap();
            path.contains("tencent-2025") && !path.contains("nanshan")
        })
        .map(|input| &input["sha256"])
        .collect();
    assert_eq!(hashes.len(), 2);
    assert_eq!(hashes[0], hashes[1]);
    // The same path given twice is read once and not reported.
    let twice = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(["run", "--contracts"])
        .arg(samples().join("contracts.xlsx"))
        .arg("--billing")
        .arg(samples().join("billing"))
        .arg(samples().join("billing").join(TENCENT))
        .arg("--payouts")
        .arg(samples().join("payouts.xlsx"))
        .args(["--as-of", "2026-06-30", "--quiet", "--out"])
        .arg(dir.path().join("twice"))
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(1));
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("twice/findings.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["expected"], unmutated()["expected"]);
    assert_eq!(json["controls"], unmutated()["controls"]);
}
