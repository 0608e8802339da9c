//! Hostile input: every file of the corpus in `tests/fixtures/hostile/` (see its README),
//! and the bombs generated here (too large to keep), is given to the real binary beside a
//! good bill, under `ulimit -v` (1 GB of address space, about seven times what a normal
//! run of the test build needs) so that overcommit cannot hide an allocation. Each run
//! must end with a contract exit status — never 101 (panic), 134 (abort), 137 (killed),
//! 139 (crash) — with the hostile file reported by name and the good bill still audited,
//! and the peak memory of the process is checked.

use crate::common;
use crate::common::{Book, Fixture, simple_payouts, standard_billing};
use crate::under_limit::{self, REFUSAL_RSS_KB};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// One run under the address-space limit.
pub(crate) struct Limited {
    pub(crate) status: i32,
    pub(crate) stderr: String,
    /// Peak resident memory, KiB.
    pub(crate) peak_kb: u64,
    /// How long the run took (it is killed past its timeout, [`under_limit::strict`]).
    pub(crate) took: std::time::Duration,
    pub(crate) out: PathBuf,
}

impl Limited {
    pub(crate) fn json(&self) -> Value {
        let text = std::fs::read_to_string(self.out.join("findings.json"))
            .unwrap_or_else(|error| panic!("no findings.json ({error}); stderr:\n{}", self.stderr));
        serde_json::from_str(&text).unwrap()
    }

    /// The findings about `file` (by its path as given).
    pub(crate) fn about(&self, file: &Path) -> Vec<Value> {
        self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["evidence"]["location"]["file"] == file.display().to_string())
            .cloned()
            .collect()
    }

    pub(crate) fn installment(&self) -> Value {
        self.json()["expected"][0].clone()
    }
}

/// Runs the binary with `args` and `--out <fixture>/out` under `ulimit -v`.
pub(crate) fn run_limited(fixture: &Fixture, args: &[OsString]) -> Limited {
    let out = fixture.path("out");
    let mut all = args.to_vec();
    all.extend([OsString::from("--out"), out.clone().into_os_string()]);
    let (status, stderr, peak_kb, took) = under_limit::timed(&all, under_limit::current_timeout());
    assert!(!stderr.contains("panicked"), "{stderr}");
    Limited {
        status,
        stderr,
        peak_kb,
        took,
        out,
    }
}

/// The standard audit (contract C1, account A1, 10,000.00 in January 2025, paid 2,000.00)
/// with `hostile` as a second billing file.
pub(crate) fn audit_with_billing(fixture: &Fixture, hostile: &Path) -> Limited {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let good = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    run_limited(
        fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            good.into(),
            hostile.into(),
            "--payouts".into(),
            payouts.into(),
            "--as-of".into(),
            "2025-06-30".into(),
        ],
    )
}

/// `hostile` is refused as a whole: one `rejected_row` finding (reason `file`) whose
/// detail holds every part of `says`; the good bill is audited as if it were alone.
pub(crate) fn refused_file(hostile: &Path, says: &[&str]) -> (Fixture, Limited) {
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let about = run.about(hostile);
    assert_eq!(about.len(), 1, "{about:#?}");
    assert_eq!(about[0]["type"], "rejected_row");
    assert_eq!(about[0]["reason"], "file");
    assert_eq!(about[0]["severity"], "error");
    let detail = about[0]["detail"].as_str().unwrap();
    for part in says {
        assert!(detail.contains(part), "`{part}` not in: {detail}");
    }
    // Nothing of it reached C1: E = 20% of 10,000.00, paid in full.
    assert_eq!(run.installment()["expected"], "2000.00");
    assert_eq!(run.installment()["status"], "paid");
    assert!(
        run.peak_kb < REFUSAL_RSS_KB,
        "peak memory {} KiB",
        run.peak_kb
    );
    (fixture, run)
}

mod bombs;
mod injection;
mod rows;

pub(crate) use bombs::*;
