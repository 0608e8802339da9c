//! The shipped SQL (`sql/billing_aggregate.sql` over `sql/lines_generic.sql` and
//! `sql/lines_focus.sql`) run on real engines, not mocks: DuckDB, Apache Spark in local
//! mode and DataFusion, through `tests/engines/aggregate.py` (docs/ENGINES.md).
//!
//! Each engine's tests run when `build.rs` found its Python package (`probe.rs`), or when
//! the engines are required (`REBATE_AUDIT_REQUIRE_ENGINES=1`, or `CI=true`: `.ci/run`
//! installs them); otherwise libtest lists them as ignored with the reason, never as
//! passed. Spark takes about 20 s to start, so its one test runs the worked example and
//! the audits' aggregates in one session.

pub mod probe;

// The benchmark generator and the Parquet test writer, shared with the other tests.
use crate::common::repo;
use crate::kill::support;
use crate::parquet::writer;

mod worked;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `tests/engines/aggregate.py ENGINE JOB…` (one engine session for all jobs) and
/// returns the JSON line it prints per job. Fails with the driver's stderr on any error,
/// after 10 minutes, or — the engine being required or found at build time — when the
/// engine cannot be found now, saying how to install it.
fn run_engine(engine: &str, jobs: &[Value]) -> Vec<Value> {
    let python = probe::python();
    let wanted = probe::ENGINES
        .iter()
        .find(|candidate| candidate.name == engine)
        .expect("a known engine");
    if let Some(missing) = probe::missing(&python, wanted) {
        panic!("{engine}: {missing}. {}", probe::INSTALL);
    }
    let scratch = tempfile::tempdir().unwrap();
    let stdout = scratch.path().join("stdout");
    let stderr = scratch.path().join("stderr");
    let mut child = Command::new(&python)
        .arg(repo().join("tests/engines/aggregate.py"))
        .arg(engine)
        .args(jobs.iter().map(Value::to_string))
        // Spark's scratch files (and anything else an engine leaves) stay in the temp folder.
        .current_dir(scratch.path())
        .env("REBATE_AUDIT_ENGINE_THREADS", "2")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {python}: {error}"));
    let deadline = Instant::now() + Duration::from_secs(600);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{engine} did not finish within 10 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let said = std::fs::read_to_string(&stdout).unwrap();
    assert!(
        status.success(),
        "{engine} failed ({status}); stdout:\n{said}\nstderr:\n{}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    let mut lines = said
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap());
    let started = lines.next().expect("the engine's first line");
    assert_eq!(started["engine"], engine, "{said}");
    lines.collect()
}

/// One job for the driver.
fn job(plan: &Path, billing: &Path, layout: &str, out: &Path, format: &str) -> Value {
    serde_json::json!({
        "plan": plan,
        "billing": billing,
        "layout": layout,
        "out": out,
        "format": format,
        "dump": out.with_extension("dump.json"),
    })
}

/// The aggregate as the engine read it back (`dump`): its rows, values as text, sorted.
fn dumped(out: &Path) -> Vec<Vec<String>> {
    let dump: Value =
        serde_json::from_slice(&std::fs::read(out.with_extension("dump.json")).unwrap()).unwrap();
    let mut rows: Vec<Vec<String>> = serde_json::from_value(dump["rows"].clone()).unwrap();
    rows.sort();
    rows
}

fn manifest(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn the_shipped_sql_stays_in_the_portable_subset() {
    // What one of Spark SQL, DuckDB, Trino, DataFusion (or the dialect notes' MaxCompute and
    // BigQuery) would refuse or read otherwise: date arithmetic, casts written `::`, quoted
    // identifiers (a string in Spark, an identifier elsewhere), STRING (not in Trino),
    // VARCHAR without a length (refused by Spark 4), window functions, a second statement.
    let forbidden = [
        "INTERVAL",
        "DATE_ADD",
        "DATEADD",
        "DATE_TRUNC",
        "DATE_FORMAT",
        "STRFTIME",
        "::",
        "`",
        "\"",
        " STRING",
        "QUALIFY",
        "OVER (",
        "OVER(",
        "ROW_NUMBER",
        "ILIKE",
        "LIMIT",
        ";",
        "AS VARCHAR)",
    ];
    for name in [
        "billing_aggregate.sql",
        "lines_generic.sql",
        "lines_focus.sql",
    ] {
        let text = std::fs::read_to_string(repo().join("sql").join(name)).unwrap();
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(code.trim_start().starts_with("SELECT") || code.trim_start().starts_with("WITH"));
        for word in forbidden {
            assert!(
                !code.to_uppercase().contains(word),
                "sql/{name} uses `{word}`, outside the portable subset (docs/ENGINES.md)"
            );
        }
    }
    // The aggregate reads only the `lines` view and the plan's three tables.
    let aggregate = std::fs::read_to_string(repo().join("sql/billing_aggregate.sql")).unwrap();
    for table in [
        "FROM lines",
        "JOIN coverage c",
        "JOIN slices s",
        "JOIN products p",
    ] {
        assert!(aggregate.contains(table), "{table}");
    }
}

#[test]
#[cfg_attr(
    not(engine_duckdb),
    ignore = "duckdb python package not found: pip install duckdb pyarrow (docs/ENGINES.md, Tests)"
)]
fn duckdb_sums_the_worked_example() {
    worked::check("duckdb", &["csv", "parquet"]);
}

#[test]
#[cfg_attr(
    not(engine_datafusion),
    ignore = "datafusion python package not found: pip install datafusion pyarrow (docs/ENGINES.md, Tests)"
)]
fn datafusion_sums_the_worked_example() {
    worked::check("datafusion", &["csv", "parquet"]);
}

#[test]
#[cfg_attr(
    not(engine_spark),
    ignore = "pyspark python package or java not found: pip install pyspark pyarrow, Java 17+ (docs/ENGINES.md, Tests)"
)]
fn spark_sums_the_worked_example_and_aggregates_audit_like_the_lines() {
    // Spark takes about 20 s to start: one session runs the worked example and both
    // lakes' aggregates, and each is checked as its own test checks it on the other
    // engines.
    let worked = worked::Worked::new(&["parquet"]);
    let audits = audit::Audits::new(&[("generic", "parquet"), ("focus", "parquet")]);
    let jobs: Vec<Value> = worked.jobs.iter().chain(&audits.jobs).cloned().collect();
    let said = run_engine("spark", &jobs);
    assert_eq!(said.len(), jobs.len());
    let (of_worked, of_audits) = said.split_at(worked.jobs.len());
    worked.verify("spark", of_worked);
    audits.verify("spark", of_audits);
}

mod audit;
