//! End-to-end check of the demo audit in `samples/`.
//!
//! Runs the real `rebate-audit` binary on the demo data and compares its `findings.json` with
//! `samples/expected.json`, which `tools/make-samples` computes independently from docs/ARITHMETIC.md
//! (never from the auditor's code). Nothing here recomputes anything: a difference means the
//! auditor and the independent computation disagree, and the message says where and how.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const AS_OF: &str = "2026-06-30";

/// Runs the demo audit from the repository root (so that reported paths start with `samples/`).
fn run_demo(out: &Path, threads: u32) -> Output {
    run_demo_in(out, threads, &[])
}

/// [`run_demo`] with extra environment variables (time zone, locale).
fn run_demo_in(out: &Path, threads: u32, environment: &[(&str, &str)]) -> Output {
    let out_arg = out.to_str().expect("UTF-8 temp path");
    let threads = threads.to_string();
    Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
        .envs(environment.iter().copied())
        .args([
            "run",
            "--contracts",
            "samples/contracts.xlsx",
            "--billing",
            "samples/billing",
            "--payouts",
            "samples/payouts.xlsx",
            "--as-of",
            AS_OF,
            "--out",
            out_arg,
            "--threads",
            &threads,
        ])
        .output()
        .expect("start rebate-audit")
}

fn assert_exit_1(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: expected exit status 1 (findings at/above warning), got {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn expected_doc() -> Value {
    read_json(&repo().join("samples/expected.json"))
}

fn arr<'a>(v: &'a Value, field: &str) -> &'a [Value] {
    v.get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("`{field}` is missing or not an array"))
}

/// A JSON scalar as plain text (strings without quotes), for keys and messages.
fn text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn field(v: &Value, name: &str) -> Value {
    v.get(name).cloned().unwrap_or(Value::Null)
}

/// Path as the auditor reports it, made relative to the samples folder.
fn sample_relative(p: &str) -> String {
    let p = p.replace('\\', "/");
    p.strip_prefix("samples/").unwrap_or(&p).to_string()
}

/// Panics with every problem found, grouped by what was compared.
fn fail_if_any(sections: &[(&str, Vec<String>)]) {
    let total: usize = sections.iter().map(|(_, p)| p.len()).sum();
    if total == 0 {
        return;
    }
    let mut msg = format!(
        "{total} difference(s) between the auditor's findings.json and samples/expected.json \
         (computed independently by tools/make-samples):\n"
    );
    for (what, problems) in sections.iter().filter(|(_, p)| !p.is_empty()) {
        let _ = writeln!(msg, "{what}:");
        for p in problems {
            let _ = writeln!(msg, "  - {p}");
        }
    }
    panic!("{msg}");
}

// ---------------------------------------------------------------------------------------
// installments
// ---------------------------------------------------------------------------------------

fn installment_key(i: &Value) -> String {
    format!(
        "{} {} #{}",
        text(&field(i, "contract_id")),
        text(&field(i, "period_start")),
        text(&field(i, "installment"))
    )
}

fn compare_installments(actual: &[Value], expected: &[Value]) -> Vec<String> {
    const FIELDS: &[&str] = &[
        "period_end",
        "trigger",
        "weighted_base",
        "expected",
        "due_on",
        "paid",
        "status",
    ];
    let mut problems = Vec::new();
    let mut got: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for a in actual {
        got.entry(installment_key(a)).or_default().push(a);
    }
    let mut seen = BTreeSet::new();
    for e in expected {
        let key = installment_key(e);
        seen.insert(key.clone());
        let Some(matches) = got.get(&key) else {
            problems.push(format!(
                "installment {key} is missing from findings.json (expected {} due {}, status {})",
                text(&field(e, "expected")),
                text(&field(e, "due_on")),
                text(&field(e, "status"))
            ));
            continue;
        };
        if matches.len() > 1 {
            problems.push(format!(
                "installment {key} appears {} times in findings.json",
                matches.len()
            ));
        }
        let a = matches[0];
        for f in FIELDS {
            let (want, have) = (field(e, f), field(a, f));
            if want != have {
                problems.push(format!(
                    "installment {key}: `{f}` is {} in findings.json, expected.json says {}",
                    text(&have),
                    text(&want)
                ));
            }
        }
    }
    for (key, matches) in &got {
        if !seen.contains(key) {
            let a = matches[0];
            problems.push(format!(
                "unexpected installment {key} in findings.json (expected {}, paid {}, status {})",
                text(&field(a, "expected")),
                text(&field(a, "paid")),
                text(&field(a, "status"))
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// findings
// ---------------------------------------------------------------------------------------

/// What a data-quality finding of the auditor is about, in the shape of expected.json's
/// `subject`: the source location of a rejected row, the account and month of spend that was
/// left out (uncovered, or in the wrong currency).
fn actual_subject(f: &Value) -> Option<BTreeMap<String, String>> {
    let ev = f.get("evidence")?;
    match f.get("type")?.as_str()? {
        "rejected_row" => {
            let loc = ev.get("location")?;
            Some(BTreeMap::from([
                (
                    "file".to_string(),
                    sample_relative(&text(&field(loc, "file"))),
                ),
                ("row".to_string(), text(&field(loc, "row"))),
                ("column".to_string(), text(&field(loc, "column"))),
            ]))
        }
        "uncovered_billing" | "currency_mismatch" => {
            let facts = ev.get("facts")?;
            facts.get("account_id")?;
            // evidence facts are written for people (`1,250.00`); compare the plain amount
            Some(
                ["account_id", "billing_month", "rows", "net_amount"]
                    .iter()
                    .map(|k| (k.to_string(), text(&field(facts, k)).replace(',', "")))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn expected_subject(f: &Value) -> Option<BTreeMap<String, String>> {
    let s = f.get("subject")?.as_object()?;
    Some(s.iter().map(|(k, v)| (k.clone(), text(v))).collect())
}

fn finding_key(f: &Value, subject: Option<BTreeMap<String, String>>) -> String {
    let mut key = format!(
        "{} contract={} period={}..{} installment={} payout={} reason={}",
        text(&field(f, "type")),
        text(&field(f, "contract_id")),
        text(&field(f, "period_start")),
        text(&field(f, "period_end")),
        text(&field(f, "installment")),
        text(&field(f, "payout_id")),
        text(&field(f, "reason")),
    );
    if let Some(s) = subject {
        let parts: Vec<String> = s.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = write!(key, " [{}]", parts.join(", "));
    }
    key
}

fn compare_findings(actual: &[Value], expected: &[Value]) -> Vec<String> {
    const FIELDS: &[&str] = &[
        "expected",
        "paid",
        "difference",
        "due_on",
        "paid_on",
        "days_late",
        "interest",
        "amount",
        "expires_on",
    ];
    let mut problems = Vec::new();
    let mut got: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for a in actual {
        got.entry(finding_key(a, actual_subject(a)))
            .or_default()
            .push(a);
    }
    let mut want: BTreeMap<String, &Value> = BTreeMap::new();
    for e in expected {
        let key = finding_key(e, expected_subject(e));
        assert!(
            want.insert(key.clone(), e).is_none(),
            "samples/expected.json lists finding {key} twice"
        );
    }
    for (key, e) in &want {
        let Some(matches) = got.get(key) else {
            let quantities: Vec<String> = FIELDS
                .iter()
                .map(|f| format!("{f}={}", text(&field(e, f))))
                .collect();
            problems.push(format!("missing finding {key} ({})", quantities.join(", ")));
            continue;
        };
        if matches.len() > 1 {
            problems.push(format!(
                "finding {key} is reported {} times (ids {})",
                matches.len(),
                matches
                    .iter()
                    .map(|m| text(&field(m, "id")))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let a = matches[0];
        for f in FIELDS {
            let (w, h) = (field(e, f), field(a, f));
            if w != h {
                problems.push(format!(
                    "finding {key} ({}): `{f}` is {} in findings.json, expected.json says {}",
                    text(&field(a, "id")),
                    text(&h),
                    text(&w)
                ));
            }
        }
    }
    for (key, matches) in &got {
        if !want.contains_key(key) {
            for a in matches {
                problems.push(format!(
                    "unexpected finding {key} ({}): {}",
                    text(&field(a, "id")),
                    text(&field(a, "detail"))
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// control totals
// ---------------------------------------------------------------------------------------

fn rows_amount(v: &Value) -> (Value, Value) {
    (field(v, "rows"), field(v, "amount"))
}

fn compare_controls(actual: &Value, expected: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for section in ["billing", "payouts"] {
        let entries = arr(actual, section);
        if entries.is_empty() {
            problems.push(format!("controls.{section} is empty"));
        }
        for c in entries {
            if c.get("balanced") != Some(&Value::Bool(true)) {
                problems.push(format!(
                    "controls.{section} entry for {} is not balanced: {c}",
                    text(&field(c, "file"))
                ));
            }
        }
    }

    let find = |section: &str, file: &str| -> Option<&Value> {
        arr(actual, section)
            .iter()
            .find(|c| sample_relative(&text(&field(c, "file"))) == file)
    };
    // Every table of every billing file (a zip's members, a workbook's sheets), matched by
    // file and sheet.
    let actual_tables = arr(actual, "billing");
    let expected_tables = arr(expected, "billing_tables");
    if actual_tables.len() != expected_tables.len() {
        problems.push(format!(
            "{} billing tables reported but {} expected",
            actual_tables.len(),
            expected_tables.len()
        ));
    }
    for e in expected_tables {
        let file = text(&field(e, "file"));
        let sheet = field(e, "sheet");
        let Some(a) = actual_tables.iter().find(|c| {
            sample_relative(&text(&field(c, "file"))) == file && field(c, "sheet") == sheet
        }) else {
            problems.push(format!("no billing control entry for {file} {sheet}"));
            continue;
        };
        if field(e, "rows_above_header") != Value::Null
            && field(e, "rows_above_header") != field(a, "rows_above_header")
        {
            problems.push(format!(
                "billing control {file} {sheet}: {} rows above the header but expected {}",
                field(a, "rows_above_header"),
                field(e, "rows_above_header")
            ));
        }
        if let Some(stated) = e
            .get("totals_row_stated")
            .filter(|stated| !stated.is_null())
        {
            let totals = &a["totals_rows"][0];
            if &totals["stated"] != stated || totals["agrees"] != Value::Bool(true) {
                problems.push(format!(
                    "billing control {file} {sheet}: totals row {totals} but expected {stated}, agreeing"
                ));
            }
        }
        for part in ["read", "attributed"] {
            let (want, have) = (rows_amount(&field(e, part)), rows_amount(&field(a, part)));
            if want != have {
                problems.push(format!(
                    "billing control {file}: {part} is {} rows / {} but expected {} rows / {}",
                    text(&have.0),
                    text(&have.1),
                    text(&want.0),
                    text(&want.1)
                ));
            }
        }
        let empty = serde_json::Map::new();
        let want_ex = e["excluded"].as_object().unwrap_or(&empty);
        let have_ex = a["excluded"].as_object().unwrap_or(&empty);
        for reason in want_ex
            .keys()
            .chain(have_ex.keys())
            .collect::<BTreeSet<_>>()
        {
            let want = want_ex.get(reason).map(rows_amount);
            let have = have_ex.get(reason).map(rows_amount);
            let zero =
                |x: &Option<(Value, Value)>| x.as_ref().is_none_or(|(r, _)| r.as_u64() == Some(0));
            if want != have && !(zero(&want) && zero(&have)) {
                let show = |x: &Option<(Value, Value)>| {
                    x.as_ref().map_or("nothing".to_string(), |(r, m)| {
                        format!("{} rows / {}", text(r), text(m))
                    })
                };
                problems.push(format!(
                    "billing control {file}: excluded as {reason} is {} but expected {}",
                    show(&have),
                    show(&want)
                ));
            }
        }
        let want_rej = field(e, "rejected_rows");
        let have_rej = field(&field(a, "rejected"), "rows");
        if want_rej != have_rej {
            problems.push(format!(
                "billing control {file}: {} rejected rows but expected {}",
                text(&have_rej),
                text(&want_rej)
            ));
        }
    }
    for e in arr(expected, "payouts") {
        let file = text(&field(e, "file"));
        let Some(a) = find("payouts", &file) else {
            problems.push(format!("no payout control entry for {file}"));
            continue;
        };
        let (want, have) = (
            rows_amount(&field(e, "read")),
            rows_amount(&field(a, "read")),
        );
        if want != have {
            problems.push(format!(
                "payout control {file}: read is {} rows / {} but expected {} rows / {}",
                text(&have.0),
                text(&have.1),
                text(&want.0),
                text(&want.1)
            ));
        }
        if field(e, "rejected_rows") != field(a, "rejected_rows") {
            problems.push(format!(
                "payout control {file}: {} rejected rows but expected {}",
                text(&field(a, "rejected_rows")),
                text(&field(e, "rejected_rows"))
            ));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------
// tests
// ---------------------------------------------------------------------------------------

#[test]
fn demo_audit_matches_independent_expectations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_demo(dir.path(), 2);
    assert_exit_1(&out, "demo audit");

    let actual = read_json(&dir.path().join("findings.json"));
    let expected = expected_doc();
    assert_eq!(
        actual["as_of"], expected["as_of"],
        "findings.json as_of differs from expected.json"
    );

    let installments =
        compare_installments(arr(&actual, "expected"), arr(&expected, "installments"));
    let findings = compare_findings(arr(&actual, "findings"), arr(&expected, "findings"));

    let mut ids = Vec::new();
    let mut seen = BTreeSet::new();
    for f in arr(&actual, "findings") {
        match f.get("id").and_then(Value::as_str) {
            None | Some("") => ids.push(format!(
                "finding without an id: {}",
                text(&field(f, "detail"))
            )),
            Some(id) if !seen.insert(id.to_string()) => {
                ids.push(format!("finding id {id} is used more than once"))
            }
            Some(_) => {}
        }
    }

    let controls = match actual.get("controls") {
        Some(c) => compare_controls(c, &expected["controls"]),
        None => vec!["findings.json has no `controls`".to_string()],
    };
    fail_if_any(&[
        ("installments (`expected`)", installments),
        ("findings", findings),
        ("finding ids", ids),
        ("control totals", controls),
    ]);
}

/// Every report file of an output folder, by path relative to it.
fn report_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    // Every file the run wrote, evidence packs included.
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{} unreadable: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("report entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let mut bytes = std::fs::read(&path).expect("read report file");
            if name.ends_with("manifest.json") {
                // A pack's manifest records the command line, which names the output
                // folder; everything else in it must be identical.
                let mut manifest: Value = serde_json::from_slice(&bytes).expect("manifest JSON");
                if let Some(object) = manifest.as_object_mut() {
                    object.retain(|key, _| !key.contains("command"));
                }
                bytes = manifest.to_string().into_bytes();
            }
            files.insert(name, bytes);
        }
    }
    for name in [
        "findings.json",
        "findings.csv",
        "findings.xlsx",
        "summary.md",
        "summary.html",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing in {}",
            dir.display()
        );
    }
    let evidence = dir.join("evidence");
    let count = files
        .keys()
        .filter(|name| name.starts_with("evidence/"))
        .count();
    assert!(count > 0, "no evidence files in {}", evidence.display());
    files
}

#[test]
fn demo_reports_are_identical_whatever_the_thread_count() {
    // Thread count, time zone and locale all differ between the two runs.
    let two = tempfile::tempdir().expect("temp dir");
    let one = tempfile::tempdir().expect("temp dir");
    assert_exit_1(
        &run_demo_in(
            two.path(),
            2,
            &[
                ("TZ", "Asia/Shanghai"),
                ("LANG", "zh_CN.UTF-8"),
                ("LC_ALL", "zh_CN.UTF-8"),
            ],
        ),
        "demo audit with --threads 2 in China time",
    );
    assert_exit_1(
        &run_demo_in(
            one.path(),
            1,
            &[
                ("TZ", "America/Los_Angeles"),
                ("LANG", "C"),
                ("LC_ALL", "C"),
            ],
        ),
        "demo audit with --threads 1 in US Pacific time",
    );

    let (a, b) = (report_files(two.path()), report_files(one.path()));
    let names_a: BTreeSet<&String> = a.keys().collect();
    let names_b: BTreeSet<&String> = b.keys().collect();
    assert_eq!(
        names_a, names_b,
        "--threads 2 and --threads 1 wrote different sets of report files"
    );
    let differing: Vec<String> = a
        .iter()
        .filter(|(name, bytes)| b[*name] != **bytes)
        .map(|(name, bytes)| {
            let other = &b[name];
            let at = bytes
                .iter()
                .zip(other.iter())
                .position(|(x, y)| x != y)
                .unwrap_or(bytes.len().min(other.len()));
            format!(
                "{name}: {} vs {} bytes, first difference at byte {at}",
                bytes.len(),
                other.len()
            )
        })
        .collect();
    assert!(
        differing.is_empty(),
        "reports differ between --threads 2 and --threads 1:\n  {}",
        differing.join("\n  ")
    );
}
