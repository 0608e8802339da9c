//! From a generated Parquet lake to findings, both ways: `rebate-audit plan`, the shipped
//! SQL on a real engine, `rebate-audit run --aggregate` — against `rebate-audit run` on
//! the same lake's billing lines. The findings must be the same: same ids, same amounts,
//! same installments, same evidence; only the inputs, the controls (billing files against
//! one aggregate) and where each finding's lines are (`source_rows`, the files among the
//! evidence's facts: billing rows against aggregate rows) may differ.
//!
//! Two lakes, both from `examples/gen` (20,000 lines, 12 contracts): its generic template
//! as Parquet with DECIMAL amounts, and the same lines as FOCUS Parquet (timestamps, DOUBLE
//! amounts, FOCUS service names) audited under the `focus` ruleset.

use super::support;
use super::writer::{V, col, ts, write};
use super::{job, run_engine};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The generated audit: contracts (a CSV folder), billing, payouts.
struct Lake {
    contracts: PathBuf,
    billing: PathBuf,
    payouts: PathBuf,
}

const AS_OF: &str = "2026-06-30";

fn generate(name: &str, parquet: bool) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("engines-{name}"));
    let spec = support::Spec {
        lines: 20_000,
        files: 2,
        contracts: 12,
        layout: support::Layout::Generic,
        xlsx: false,
        parquet,
        contracts_csv: true,
        group: false,
        seed: 18,
    };
    // payouts.csv is written last: its presence means a complete data set.
    if !folder.join("payouts.csv").exists() {
        let _ = std::fs::remove_dir_all(&folder);
        support::generate(&folder, &spec).expect("the data set is generated");
    }
    folder
}

/// The generic template as Parquet, as `gen --parquet` writes it.
fn generic() -> &'static Lake {
    static LAKE: OnceLock<Lake> = OnceLock::new();
    LAKE.get_or_init(|| {
        let folder = generate("generic", true);
        Lake {
            contracts: folder.join("contracts"),
            billing: folder.join("billing"),
            payouts: folder.join("payouts.csv"),
        }
    })
}

/// The FOCUS name of each generated product (the generic spellings `ECS`, `云服务器ECS`…).
fn focus_service(product: &str) -> &'static str {
    match product.to_ascii_lowercase() {
        p if p.contains("ecs") => "Elastic Compute Service",
        p if p.contains("rds") => "ApsaraDB RDS",
        p if p.contains("oss") => "Object Storage Service",
        p if p.contains("slb") => "Server Load Balancer",
        p if p.contains("cdn") => "Alibaba Cloud CDN",
        other => panic!("a product the generator does not make: {other}"),
    }
}

/// The same generated lines as FOCUS 1.2 Parquet, one file per generated CSV, under
/// contracts whose provider is `focus` (so the plan's aliases are FOCUS's).
fn focus() -> &'static Lake {
    static LAKE: OnceLock<Lake> = OnceLock::new();
    LAKE.get_or_init(|| {
        let source = generate("focus-source", false);
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("engines-focus");
        let _ = std::fs::remove_dir_all(&folder);
        let billing = folder.join("billing");
        std::fs::create_dir_all(&billing).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(source.join("billing"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        for (number, file) in files.iter().enumerate() {
            focus_file(file, &billing.join(format!("focus-{number}.parquet")));
        }
        let contracts = folder.join("contracts");
        std::fs::create_dir_all(&contracts).unwrap();
        for entry in std::fs::read_dir(source.join("contracts")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_owned();
            let body = std::fs::read_to_string(&path).unwrap();
            let body = if name == "contracts.csv" {
                with_provider(&body, "focus")
            } else {
                body
            };
            std::fs::write(contracts.join(name), body).unwrap();
        }
        std::fs::copy(source.join("payouts.csv"), folder.join("payouts.csv")).unwrap();
        Lake {
            contracts,
            billing,
            payouts: folder.join("payouts.csv"),
        }
    })
}

/// `contracts.csv` with every contract's provider set to `provider`.
fn with_provider(body: &str, provider: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|name| name == "provider").unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let record = record.unwrap();
        let row: Vec<&str> = record
            .iter()
            .enumerate()
            .map(|(column, value)| if column == at { provider } else { value })
            .collect();
        writer.write_record(&row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// One generated generic CSV as a FOCUS Parquet file.
fn focus_file(csv_path: &Path, parquet: &Path) {
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    let index = |name: &str| header.iter().position(|column| column == name).unwrap();
    let (account, month, date, product) = (
        index("account_id"),
        index("billing_month"),
        index("date"),
        index("product"),
    );
    let (list, net, currency) = (index("list_amount"), index("net_amount"), index("currency"));
    let mut columns: [Vec<V>; 8] = Default::default();
    let amount = |text: &str| -> V {
        if text.is_empty() {
            V::Null
        } else {
            V::F(text.parse::<f64>().unwrap())
        }
    };
    for record in reader.records() {
        let record = record.unwrap();
        columns[0].push(V::S(record[account].to_string()));
        columns[1].push(ts(&format!("{}-01T00:00:00Z", &record[month]), 1_000_000));
        columns[2].push(ts(&format!("{}T08:00:00Z", &record[date]), 1_000_000));
        columns[3].push(V::S(focus_service(&record[product]).to_string()));
        columns[4].push(amount(&record[net]));
        columns[5].push(amount(&record[list]));
        columns[6].push(V::S(record[currency].to_string()));
        columns[7].push(V::S("Usage".to_string()));
    }
    let [
        accounts,
        periods,
        charges,
        services,
        billed,
        listed,
        currencies,
        categories,
    ] = columns;
    write(
        parquet,
        &[
            col("OPTIONAL BYTE_ARRAY BillingAccountId (UTF8);", accounts),
            col(
                "OPTIONAL INT64 BillingPeriodStart (TIMESTAMP(MICROS,true));",
                periods,
            ),
            col(
                "OPTIONAL INT64 ChargePeriodStart (TIMESTAMP(MICROS,true));",
                charges,
            ),
            col("OPTIONAL BYTE_ARRAY ServiceName (UTF8);", services),
            col("OPTIONAL DOUBLE BilledCost;", billed),
            col("OPTIONAL DOUBLE ListCost;", listed),
            col("OPTIONAL BYTE_ARRAY BillingCurrency (UTF8);", currencies),
            col("OPTIONAL BYTE_ARRAY ChargeCategory (UTF8);", categories),
        ],
        "snappy",
        5_000,
    );
}

/// Runs the binary; exit 0 or 1 (findings) is a completed audit.
fn rebate_audit(args: &[&dyn AsRef<std::ffi::OsStr>]) {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "rebate-audit {:?} failed ({}):\n{}",
        args.iter()
            .map(|arg| arg.as_ref().to_owned())
            .collect::<Vec<_>>(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// findings.json without what differs by design between the two routes.
fn comparable(out: &Path) -> Value {
    let mut findings: Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let object = findings.as_object_mut().unwrap();
    object.remove("inputs");
    object.remove("controls");
    for finding in object["findings"].as_array_mut().unwrap() {
        // The evidence stays, but for where its lines are: billing rows on one route,
        // aggregate rows on the other (and the files they are in).
        if let Some(facts) = finding["evidence"]
            .as_object_mut()
            .and_then(|evidence| evidence.get_mut("facts"))
            .and_then(Value::as_object_mut)
        {
            facts.remove("files");
        }
    }
    // Each period's rows: per product, the line count and base
    // (`crate::aggregate::source_sums`), not where the rows are.
    for period in object["periods"].as_array_mut().unwrap() {
        let record = period.as_object_mut().unwrap();
        let sums = crate::aggregate::source_sums(&record["source_rows"]);
        record.insert("source_rows".into(), sums);
    }
    findings
}

/// Points at the first difference, so a failure reads as one finding, not two dumps.
fn assert_same(line_route: &Value, aggregate_route: &Value, what: &str) {
    if line_route == aggregate_route {
        return;
    }
    let (left, right) = (
        line_route.as_object().unwrap(),
        aggregate_route.as_object().unwrap(),
    );
    for (key, value) in left {
        if right.get(key) != Some(value) {
            if let (Some(a), Some(b)) = (value.as_array(), right.get(key).and_then(Value::as_array))
            {
                for (at, (x, y)) in a.iter().zip(b).enumerate() {
                    assert_eq!(x, y, "{what}: {key}[{at}] differs (line route left)");
                }
                assert_eq!(a.len(), b.len(), "{what}: {key} has another length");
            }
            assert_eq!(Some(value), right.get(key), "{what}: {key} differs");
        }
    }
    assert_eq!(line_route, aggregate_route, "{what}");
}

/// For each (lake, format): plan, aggregate on `engine` (one session for all), audit both
/// ways, compare.
pub fn check(engine: &str, cases: &[(&str, &str)]) {
    let audits = Audits::new(cases);
    audits.verify(engine, &run_engine(engine, &audits.jobs));
}

/// Each case's plan and the driver's job aggregating its lake, to run in an engine
/// session alone or beside other jobs.
pub struct Audits {
    folder: tempfile::TempDir,
    planned: Vec<(&'static Lake, PathBuf, String, String)>,
    /// One per case.
    pub jobs: Vec<Value>,
}

impl Audits {
    /// Plans each (lake, format) case.
    pub fn new(cases: &[(&str, &str)]) -> Audits {
        let folder = tempfile::tempdir().unwrap();
        let mut jobs = Vec::new();
        let mut planned = Vec::new();
        for (layout, format) in cases {
            let lake = if *layout == "focus" {
                focus()
            } else {
                generic()
            };
            let plan = folder.path().join(format!("plan-{layout}-{format}"));
            rebate_audit(&[
                &"plan",
                &"--contracts",
                &lake.contracts,
                &"--as-of",
                &AS_OF,
                &"--out",
                &plan,
            ]);
            let out = folder.path().join(format!("aggregate-{layout}-{format}"));
            jobs.push(job(&plan, &lake.billing, layout, &out, format));
            planned.push((lake, out, layout.to_string(), format.to_string()));
        }
        Audits {
            folder,
            planned,
            jobs,
        }
    }

    /// Audits each case both ways and compares; `said` is the driver's line per job.
    pub fn verify(&self, engine: &str, said: &[Value]) {
        assert_eq!(said.len(), self.jobs.len());
        let folder = &self.folder;
        for ((lake, aggregate, layout, format), said) in self.planned.iter().zip(said) {
            assert_eq!(said["rows_in"], 20_000, "{engine} {layout}: {said}");
            let by_lines = folder.path().join(format!("lines-{layout}-{format}"));
            let by_aggregate = folder
                .path()
                .join(format!("from-aggregate-{layout}-{format}"));
            // The same audit from the lake's lines and from the engine's aggregate.
            let audit = |source: &str, path: &Path, out: &Path| {
                rebate_audit(&[
                    &"run",
                    &"--contracts",
                    &lake.contracts,
                    &source,
                    &path,
                    &"--payouts",
                    &lake.payouts,
                    &"--as-of",
                    &AS_OF,
                    &"--quiet",
                    &"--out",
                    &out,
                ]);
            };
            audit("--billing", &lake.billing, &by_lines);
            audit("--aggregate", aggregate, &by_aggregate);
            let line_route = comparable(&by_lines);
            assert!(
                !line_route["findings"].as_array().unwrap().is_empty(),
                "the generated ledger has wrong payouts to find"
            );
            assert_same(
                &line_route,
                &comparable(&by_aggregate),
                &format!("{engine}, {layout} lake, aggregate as {format}"),
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(engine_duckdb),
    ignore = "duckdb python package not found: pip install duckdb pyarrow (docs/ENGINES.md, Tests)"
)]
fn duckdb_aggregate_audits_like_the_lines() {
    check("duckdb", &[("generic", "parquet"), ("focus", "csv")]);
}

#[test]
#[cfg_attr(
    not(engine_datafusion),
    ignore = "datafusion python package not found: pip install datafusion pyarrow (docs/ENGINES.md, Tests)"
)]
fn datafusion_aggregate_audits_like_the_lines() {
    check("datafusion", &[("generic", "csv"), ("focus", "parquet")]);
}
