//! The runner of the mutation table: each mutation's inputs written to a folder of its
//! own, the real binary run on them (a few at once), and the outcome compared with the
//! one the table asserts and with the unmutated run.

use super::book::Book;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The input a mutation changes, and how.
pub enum Edit {
    /// `samples/contracts.xlsx`, rewritten.
    Contracts(fn(&mut Book)),
    /// `samples/payouts.xlsx`, rewritten.
    Payouts(fn(&mut Book)),
    /// The bill at this path under `samples/billing/`, its bytes edited.
    Bill(&'static str, fn(&mut Vec<u8>)),
    /// A copy of the billing folder, changed by adding or replacing the named file.
    Billing(&'static str, fn(&Path)),
}

impl Edit {
    /// The name of the file the mutation is in: what a finding about it names.
    pub fn file(&self) -> &'static str {
        match self {
            Edit::Contracts(_) => "contracts.xlsx",
            Edit::Payouts(_) => "payouts.xlsx",
            Edit::Bill(path, _) | Edit::Billing(path, _) => path.rsplit('/').next().unwrap_or(path),
        }
    }
}

/// Whether a warning's mutation may move amounts (a bill row rejected takes its amount
/// out of the base) or must keep them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amounts {
    Same,
    MayChange,
}

/// What the run must show.
#[derive(Debug)]
pub enum Outcome {
    /// Exit 2, with exactly one problem in the mutated file; stderr names `cell`
    /// (`file:sheet:row:column`, its end after `|` an alternative column name, e.g.
    /// the header's Chinese alias) and says each of `says`.
    Stops {
        cell: &'static str,
        says: &'static [&'static str],
    },
    /// A new finding of `kind` (`*`: any kind), severity warning or error, with `reason`
    /// when given, at a location that starts with `at` (file name, sheet, row, column;
    /// empty: anywhere) and whose record holds each of `mentions`.
    Warns {
        kind: &'static str,
        reason: Option<&'static str>,
        at: &'static str,
        mentions: &'static [&'static str],
        amounts: Amounts,
        /// The finding lists a likely cause.
        cause: bool,
    },
    /// Every amount as in the unmutated run, and no new warning or error.
    Unchanged,
}

pub use Outcome::{Stops, Unchanged};

/// A warning that keeps every amount.
pub fn warns(
    kind: &'static str,
    reason: Option<&'static str>,
    at: &'static str,
    mentions: &'static [&'static str],
) -> Outcome {
    Outcome::Warns {
        kind,
        reason,
        at,
        mentions,
        amounts: Amounts::Same,
        cause: false,
    }
}

/// A warning about a change that may move amounts (a bill row rejected, a payout that
/// names another amount).
pub fn moves(
    kind: &'static str,
    reason: Option<&'static str>,
    at: &'static str,
    mentions: &'static [&'static str],
) -> Outcome {
    Outcome::Warns {
        kind,
        reason,
        at,
        mentions,
        amounts: Amounts::MayChange,
        cause: false,
    }
}

impl Outcome {
    /// The warning, with a likely cause listed.
    pub fn with_cause(mut self) -> Outcome {
        if let Outcome::Warns { cause, .. } = &mut self {
            *cause = true;
        }
        self
    }
}

/// One generated mistake.
pub struct Mutation {
    /// What was mistyped, and where (`3` = the third item).
    pub name: &'static str,
    pub edit: Edit,
    pub expect: Outcome,
}

/// What one run did.
pub struct Run {
    pub code: Option<i32>,
    pub stderr: String,
    pub json: Option<Value>,
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn run(contracts: &Path, billing: &Path, payouts: &Path, out: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(["run", "--threads", "1", "--contracts"])
        .arg(contracts)
        .arg("--billing")
        .arg(billing)
        .arg("--payouts")
        .arg(payouts)
        .args(["--as-of", "2026-06-30", "--quiet", "--out"])
        .arg(out)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("the binary runs");
    let json = std::fs::read_to_string(out.join("findings.json"))
        .ok()
        .map(|text| serde_json::from_str(&text).unwrap());
    Run {
        code: output.status.code(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        json,
    }
}

/// The demo as it is.
pub fn unmutated(dir: &Path) -> Run {
    let samples = samples();
    let run = run(
        &samples.join("contracts.xlsx"),
        &samples.join("billing"),
        &samples.join("payouts.xlsx"),
        &dir.join("out"),
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    run
}

/// The demo with `edit` applied to a copy of one input, in `dir`.
pub fn mutated(edit: &Edit, dir: &Path) -> Run {
    let samples = samples();
    let mut contracts = samples.join("contracts.xlsx");
    let mut payouts = samples.join("payouts.xlsx");
    let mut billing = samples.join("billing");
    match edit {
        Edit::Contracts(change) | Edit::Payouts(change) => {
            let original = if matches!(edit, Edit::Contracts(_)) {
                &mut contracts
            } else {
                &mut payouts
            };
            let mut book = Book::read(original);
            change(&mut book);
            *original = dir.join(edit.file());
            book.write(original);
        }
        Edit::Bill(path, change) => {
            billing = dir.join("billing");
            copy_folder(&samples.join("billing"), &billing);
            let mut bytes = std::fs::read(billing.join(path)).unwrap();
            change(&mut bytes);
            std::fs::write(billing.join(path), bytes).unwrap();
        }
        Edit::Billing(_, change) => {
            billing = dir.join("billing");
            copy_folder(&samples.join("billing"), &billing);
            change(&billing);
        }
    }
    run(&contracts, &billing, &payouts, &dir.join("out"))
}

pub fn copy_folder(from: &Path, to: &Path) {
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

/// Runs every mutation, a few at once; results in table order.
pub fn run_all(mutations: &[Mutation]) -> Vec<Run> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Run>>> = Mutex::new((0..mutations.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(mutation) = mutations.get(index) else {
                        break;
                    };
                    let dir = tempfile::tempdir().unwrap();
                    let run = mutated(&mutation.edit, dir.path());
                    results.lock().unwrap()[index] = Some(run);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Amounts and findings
// ---------------------------------------------------------------------------------------

/// Every amount the audit asserts, one line each: every installment's expected, paid and
/// status, and every payment finding's type, expected, paid, difference and interest.
pub fn amounts(json: &Value) -> BTreeSet<String> {
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut lines = BTreeSet::new();
    for record in json["expected"].as_array().unwrap() {
        lines.insert(format!(
            "{} {} #{}: expected {}, paid {}, {}",
            text(&record["contract_id"]),
            text(&record["period_start"]),
            record["installment"],
            text(&record["expected"]),
            text(&record["paid"]),
            text(&record["status"]),
        ));
    }
    for finding in json["findings"].as_array().unwrap() {
        if finding["installment"].is_null() {
            continue;
        }
        lines.insert(format!(
            "{} {} {} #{}: expected {}, paid {}, difference {}, interest {}",
            text(&finding["type"]),
            text(&finding["contract_id"]),
            text(&finding["period_start"]),
            finding["installment"],
            text(&finding["expected"]),
            text(&finding["paid"]),
            text(&finding["difference"]),
            text(&finding["interest"]),
        ));
    }
    lines
}

/// The amounts of `after` that differ from `before` (`-` gone, `+` new).
pub fn changed(before: &Value, after: &Value) -> Vec<String> {
    let (before, after) = (amounts(before), amounts(after));
    let gone = before.difference(&after).map(|line| format!("- {line}"));
    let new = after.difference(&before).map(|line| format!("+ {line}"));
    gone.chain(new).collect()
}

/// The warnings and errors of `after` that `before` does not have (by id).
pub fn new_findings<'a>(before: &Value, after: &'a Value) -> Vec<&'a Value> {
    let ids: BTreeSet<&str> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["id"].as_str().unwrap())
        .collect();
    after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            !ids.contains(finding["id"].as_str().unwrap())
                && matches!(finding["severity"].as_str(), Some("warning" | "error"))
        })
        .collect()
}

/// A finding's place as `file:sheet:row:column`, with the file's name only.
pub fn place(finding: &Value) -> String {
    let location = &finding["evidence"]["location"];
    let Some(file) = location["file"].as_str() else {
        return String::new();
    };
    let mut place = file.rsplit(['/', '\\']).next().unwrap_or(file).to_string();
    for part in ["sheet", "row", "column"] {
        match &location[part] {
            Value::Null => {}
            Value::String(text) => place += &format!(":{text}"),
            other => place += &format!(":{other}"),
        }
    }
    place
}

/// Whether `finding` is at `at` (`file`, `file:sheet`, … `file:sheet:row:column`).
fn is_at(finding: &Value, at: &str) -> bool {
    let place = place(finding);
    place == at || place.starts_with(&format!("{at}:"))
}

/// One line about a finding, for the table.
pub fn brief(finding: &Value) -> String {
    let mut at = place(finding);
    if at.is_empty() {
        // An installment's finding has no cell: its contract, period and number.
        at = format!(
            "{} {} #{}",
            finding["contract_id"].as_str().unwrap_or("?"),
            finding["period_start"].as_str().unwrap_or("?"),
            finding["installment"]
        );
    }
    format!(
        "{}/{} at {at}",
        finding["type"].as_str().unwrap_or("?"),
        finding["reason"].as_str().unwrap_or("-"),
    )
}

/// Whether `finding` is the warning `expect` asks for (its likely cause aside, unless
/// `with_cause`).
pub fn is_the_warning(expect: &Outcome, finding: &Value, with_cause: bool) -> bool {
    let Outcome::Warns {
        kind,
        reason,
        at,
        mentions,
        cause,
        ..
    } = expect
    else {
        return false;
    };
    let record = finding.to_string();
    let causes = finding["evidence"]["likely_causes"]
        .as_array()
        .is_some_and(|causes| !causes.is_empty());
    (*kind == "*" || finding["type"] == *kind)
        && reason.is_none_or(|reason| finding["reason"] == reason)
        && (at.is_empty() || is_at(finding, at))
        && mentions.iter().all(|mention| record.contains(mention))
        && (!with_cause || !cause || causes)
}

// ---------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------

/// The problem lines of an exit-2 message that name `file`.
fn problems<'a>(stderr: &'a str, file: &str) -> Vec<&'a str> {
    let named = format!("{file}:");
    stderr
        .lines()
        .filter(|line| line.contains(&named))
        .collect()
}

/// Whether `text` holds `place` as a whole place: not followed by another digit (row 1 is
/// not row 14) or letter.
fn holds_place(text: &str, place: &str) -> bool {
    text.match_indices(place).any(|(at, _)| {
        text[at + place.len()..]
            .chars()
            .next()
            .is_none_or(|next| !next.is_alphanumeric() && next != '_')
    })
}

/// Whether `stderr` names `cell`, or the cell with its alternative column name.
fn names_cell(stderr: &str, cell: &str) -> bool {
    let mut names = cell.split('|');
    let full = names.next().unwrap();
    let prefix = full.rsplit_once(':').map_or("", |(prefix, _)| prefix);
    holds_place(stderr, full)
        || names.any(|column| holds_place(stderr, &format!("{prefix}:{column}")))
}

/// What `run` shows, in a few words: `exit 2: …`, or the amounts and new findings.
pub fn describe(before: &Value, edit: &Edit, run: &Run) -> String {
    match (run.code, &run.json) {
        (Some(2), _) => {
            let lines = problems(&run.stderr, edit.file());
            let shown = if lines.is_empty() {
                run.stderr.lines().next().unwrap_or("").trim().to_string()
            } else {
                // Every line when there are several: "one problem" is what is checked.
                lines
                    .iter()
                    .map(|line| line.trim())
                    .collect::<Vec<_>>()
                    .join("\n          ")
            };
            format!("exit 2 ({} problem line(s)): {shown}", lines.len())
        }
        (Some(0 | 1), Some(json)) => {
            let changed = changed(before, json);
            let new = new_findings(before, json);
            let mut named: Vec<String> = new.iter().take(3).map(|finding| brief(finding)).collect();
            if new.len() > 3 {
                named.push(format!("and {} more", new.len() - 3));
            }
            let amounts = if changed.is_empty() {
                "amounts same".to_string()
            } else {
                format!("{} amount line(s) changed ({})", changed.len(), changed[0])
            };
            if named.is_empty() {
                format!("{amounts}; no new warning")
            } else {
                format!("{amounts}; new: {}", named.join(", "))
            }
        }
        (code, _) => format!("exit {code:?}: {}", run.stderr.trim()),
    }
}

/// `Ok` when `run` shows `expect`, else what differs.
pub fn check(before: &Value, mutation: &Mutation, run: &Run) -> Result<(), String> {
    let file = mutation.edit.file();
    match (&mutation.expect, run.code, &run.json) {
        (Outcome::Stops { cell, says }, Some(2), _) => {
            let mut missing: Vec<&str> = says
                .iter()
                .copied()
                .filter(|part| !run.stderr.contains(part))
                .collect();
            if !names_cell(&run.stderr, cell) {
                missing.insert(0, cell);
            }
            let problems = problems(&run.stderr, file).len();
            if !missing.is_empty() {
                Err(format!("stderr lacks {missing:?}"))
            } else if problems != 1 {
                Err(format!("{problems} problems named in {file}, not one"))
            } else {
                Ok(())
            }
        }
        (Outcome::Stops { .. }, ..) => Err("the run did not stop with exit 2".into()),
        (Outcome::Warns { amounts, .. }, Some(0 | 1), Some(json)) => {
            let new = new_findings(before, json);
            let found = |with_cause| {
                new.iter()
                    .any(|finding| is_the_warning(&mutation.expect, finding, with_cause))
            };
            if !found(false) {
                Err("no such new finding".into())
            } else if !found(true) {
                Err("the finding lists no likely cause".into())
            } else if *amounts == Amounts::Same && !changed(before, json).is_empty() {
                Err("the warning is there, but amounts changed".into())
            } else {
                Ok(())
            }
        }
        (Outcome::Unchanged, Some(0 | 1), Some(json)) => {
            if !changed(before, json).is_empty() {
                Err("amounts changed".into())
            } else if !new_findings(before, json).is_empty() {
                Err("a new warning".into())
            } else {
                Ok(())
            }
        }
        _ => Err("the audit did not run".into()),
    }
}

/// `Ok` unless `run` changed an amount without stopping and without a new finding about
/// the mutated place (its file, or the warning the table asks for).
pub fn no_silent_change(before: &Value, mutation: &Mutation, run: &Run) -> Result<(), String> {
    match (run.code, &run.json) {
        (Some(2), _) => Ok(()),
        (Some(0 | 1), Some(json)) => {
            let changed = changed(before, json);
            if changed.is_empty() {
                return Ok(());
            }
            let file = mutation.edit.file();
            let named = new_findings(before, json).into_iter().any(|finding| {
                is_at(finding, file) || is_the_warning(&mutation.expect, finding, false)
            });
            if named {
                Ok(())
            } else {
                let mut lines: Vec<&str> = changed.iter().map(String::as_str).take(6).collect();
                let more = format!("… and {} more", changed.len().saturating_sub(6));
                if changed.len() > 6 {
                    lines.push(&more);
                }
                Err(lines.join("\n        "))
            }
        }
        (code, _) => Err(format!("exit {code:?}: {}", run.stderr.trim())),
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Stops { cell, says } => write!(formatter, "Stops at {cell} saying {says:?}"),
            Outcome::Warns {
                kind,
                reason,
                at,
                mentions,
                amounts,
                cause,
            } => {
                write!(formatter, "Warns {kind}/{}", reason.unwrap_or("-"))?;
                if !at.is_empty() {
                    write!(formatter, " at {at}")?;
                }
                if !mentions.is_empty() {
                    write!(formatter, " mentioning {mentions:?}")?;
                }
                if *cause {
                    write!(formatter, " with a likely cause")?;
                }
                if *amounts == Amounts::MayChange {
                    write!(formatter, " (amounts may move)")?;
                }
                Ok(())
            }
            Outcome::Unchanged => write!(formatter, "Unchanged"),
        }
    }
}
