//! Writing to a closed pipe (`rebate-audit inspect FILE | head -1`, the reader gone before
//! anything is written) ends quietly, with the status the command would have had: no
//! panic, no message, and a run's reports stay committed.

use crate::common::*;
use std::ffi::OsStr;
use std::process::{Command, Stdio};

/// Runs the binary with standard output a pipe whose read end is closed at once, before
/// the child has started writing: the status and standard error.
fn with_closed_stdout<S: AsRef<OsStr>>(args: &[S]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn inspect_formats_explain_and_run_end_quietly_on_a_closed_pipe() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) =
        fixture.standard_inputs(&[STANDARD_BILL], &[("P1", "C1", "2025-02-15", "1500.00")]);
    let out = fixture.path("out");
    let path = |path: &std::path::Path| path.display().to_string();
    let audit = [
        "--contracts".to_string(),
        path(&contracts),
        "--billing".into(),
        path(&billing),
        "--payouts".into(),
        path(&payouts),
        "--as-of".into(),
        "2025-06-30".into(),
    ];
    let mut run = vec!["run".to_string()];
    run.extend(audit.iter().cloned());
    run.extend(["--out".to_string(), path(&out)]);
    let mut explain = vec!["explain".to_string()];
    explain.extend(audit.iter().cloned());
    explain.extend(["--contract".to_string(), "C1".into()]);
    let unknown = fixture.write("unknown.csv", "a,b\n1,2\n");
    // (arguments, the status the command has with its output read)
    let cases: Vec<(Vec<String>, i32)> = vec![
        (vec!["inspect".into(), path(&billing)], 0),
        (vec!["inspect".into(), path(&billing), "--json".into()], 0),
        // A table no format recognises: status 1, as with the output read.
        (vec!["inspect".into(), path(&unknown)], 1),
        (vec!["formats".into()], 0),
        (explain, 0),
        // Paid 1,500.00 of 2,000.00: an underpayment, status 1.
        (run, 1),
    ];
    for (args, status) in cases {
        let (found, stderr) = with_closed_stdout(&args);
        assert_eq!(found, Some(status), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
    // The run's reports were committed before its summary line met the closed pipe.
    let findings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    assert_eq!(findings["expected"][0]["expected"], "2000.00");
}
