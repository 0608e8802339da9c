//! The same audit from `.xlsx`, `.xls` and `.ods` workbooks gives the same result: every
//! installment and every finding, field by field (only file names differ).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn audit(extension: &str, out: &Path) -> Value {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    let status = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("run")
        .arg("--contracts")
        .arg(fixtures.join(format!("contracts.{extension}")))
        .arg("--billing")
        .arg(fixtures.join(format!("billing.{extension}")))
        .arg("--payouts")
        .arg(fixtures.join(format!("payouts.{extension}")))
        .args(["--as-of", "2026-06-30", "--out"])
        .arg(out)
        .status()
        .expect("the binary runs");
    // Only the Azure billing is given, so the other contracts' payouts are overpaid.
    assert_eq!(status.code(), Some(1), "{extension}");
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Findings without the parts that name input files.
fn comparable(report: &Value, extension: &str) -> (Value, Vec<Value>) {
    let findings = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| {
            let mut finding = finding.clone();
            let object = finding.as_object_mut().expect("a finding is an object");
            object.remove("evidence");
            let detail = object["detail"]
                .as_str()
                .unwrap_or_default()
                .replace(extension, "EXT");
            object.insert("detail".into(), Value::String(detail));
            finding
        })
        .collect();
    (report["expected"].clone(), findings)
}

#[test]
fn xls_and_ods_workbooks_audit_exactly_like_xlsx() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let reference = audit("xlsx", &folder.path().join("xlsx"));
    let (expected, findings) = comparable(&reference, "xlsx");
    assert_eq!(expected.as_array().map(Vec::len), Some(50));
    assert!(!findings.is_empty());
    for extension in ["xls", "ods"] {
        let report = audit(extension, &folder.path().join(extension));
        let (other_expected, other_findings) = comparable(&report, extension);
        assert_eq!(
            other_expected, expected,
            "installments from .{extension} differ from .xlsx"
        );
        assert_eq!(other_findings.len(), findings.len(), ".{extension}");
        for (found, wanted) in other_findings.iter().zip(&findings) {
            assert_eq!(found, wanted, ".{extension} finding differs from .xlsx");
        }
        // Billing rows: 295 read from every format, all balanced.
        let control = &report["controls"]["billing"][0];
        assert_eq!(control["read"]["rows"], 295, ".{extension}");
        assert_eq!(control["balanced"], true, ".{extension}");
    }
}
