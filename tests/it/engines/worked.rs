//! A worked example every engine must sum to the same rows: a hand-made plan (two
//! contracts, four slices, three product aliases) and eleven billing lines, nine in the
//! generic template and three in FOCUS, each chosen for one rule of the SQL
//! (docs/ENGINES.md, "The worked example").

use super::writer::{V, col, s, text, ts, write};
use super::{dumped, job, manifest, run_engine};
use serde_json::json;
use std::path::Path;

/// The plan as `rebate-audit plan` writes it (CSV: ids stay text).
fn write_plan(plan: &Path) {
    std::fs::create_dir_all(plan).unwrap();
    let tables = [
        (
            "coverage.csv",
            "contract_id,account_id,ruleset,currency,valid_from,valid_to\n\
             C-001,1001,generic,CNY,2024-01-01,2025-01-01\n\
             C-002,2002,generic,CNY,2024-03-01,2024-07-01\n",
        ),
        (
            "slices.csv",
            "contract_id,slice_start,slice_end\n\
             C-001,2024-01-01,2024-04-01\n\
             C-001,2024-04-01,2024-07-01\n\
             C-001,2024-07-01,2025-01-01\n\
             C-002,2024-03-01,2024-07-01\n",
        ),
        (
            "products.csv",
            "ruleset,name_folded,product\n\
             generic,ecs,ecs\n\
             generic,云服务器ecs,ecs\n\
             generic,rds,rds\n",
        ),
    ];
    for (name, body) in tables {
        std::fs::write(plan.join(name), body).unwrap();
    }
}

/// A DECIMAL(18,2) amount in cents, or none.
fn cents(value: Option<i128>) -> V {
    value.map_or(V::Null, V::D)
}

fn double(value: Option<f64>) -> V {
    value.map_or(V::Null, V::F)
}

/// account, billing month, date (`NULL`: none), product, list, net and voucher in cents,
/// currency.
type GenericLine = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<f64>,
    Option<i128>,
    Option<i128>,
    &'static str,
);

/// The generic template's lines: list amounts as DOUBLE (summed through ROUND(…, 8), so
/// 0.1 + 0.2 is 0.3), net and voucher as DECIMAL(18,2).
fn write_generic(path: &Path) {
    #[rustfmt::skip]
    let rows: [GenericLine; 9] = [
        // Two lines of one group: C-001's first slice, ecs (two spellings), CNY (case).
        ("1001", "2024-03", "2024-03-31", "ECS", Some(0.1), Some(9005), Some(0), "cny"),
        ("1001", "2024-03", "2024-03-01", "ecs", Some(0.2), Some(995), Some(100), "CNY"),
        // No charge date: dated the 1st of its billing month (the second slice); no list
        // amount (counted in lines_without_list); no voucher (0); the alias with spaces.
        ("1001", "2024-04", "NULL", " 云服务器ECS ", None, Some(1000), None, "CNY"),
        ("1001", "2024-04", "2024-04-02", "RDS", Some(5.0), Some(400), Some(0), "CNY"),
        // A refund in June: same slice, its own billing month.
        ("1001", "2024-06", "2024-06-30", "ECS", Some(-0.1), Some(-150), Some(0), "CNY"),
        // Before C-002's coverage starts; in another currency than C-002's; an account no
        // contract lists: all uncovered, an empty contract, their names folded.
        ("2002", "2024-02", "2024-02-15", "ECS", Some(1.0), Some(100), Some(0), "CNY"),
        ("2002", "2024-03", "2024-03-15", "ECS", Some(1.0), Some(200), Some(0), "USD"),
        ("3003", "2024-03", "2024-03-15", "Widget", Some(1.0), Some(300), Some(0), "CNY"),
        // No net amount: not summed (rows in 9, lines summed 8).
        ("1001", "2024-03", "2024-03-02", "ECS", Some(1.0), None, Some(0), "CNY"),
    ];
    let texts = |at: usize| -> Vec<&str> {
        rows.iter()
            .map(|row| [row.0, row.1, row.2, row.3, row.7][at])
            .collect()
    };
    write(
        path,
        &[
            text("account_id", &texts(0)),
            text("billing_month", &texts(1)),
            text("date", &texts(2)),
            text("product", &texts(3)),
            col(
                "OPTIONAL DOUBLE list_amount;",
                rows.iter().map(|row| double(row.4)).collect(),
            ),
            col(
                "OPTIONAL INT64 net_amount (DECIMAL(18,2));",
                rows.iter().map(|row| cents(row.5)).collect(),
            ),
            col(
                "OPTIONAL INT64 voucher (DECIMAL(18,2));",
                rows.iter().map(|row| cents(row.6)).collect(),
            ),
            text("currency", &texts(4)),
        ],
        "snappy",
        4,
    );
}

/// FOCUS lines: timestamps (UTC), BilledCost and ListCost as DOUBLE.
fn write_focus(path: &Path) {
    let micros = |moment: &str| ts(moment, 1_000_000);
    write(
        path,
        &[
            text("BillingAccountId", &["1001", "1001", "4004"]),
            col(
                "OPTIONAL INT64 BillingPeriodStart (TIMESTAMP(MICROS,true));",
                vec![
                    micros("2024-05-01T00:00:00Z"),
                    micros("2024-05-01T00:00:00Z"),
                    micros("2024-07-01T00:00:00Z"),
                ],
            ),
            col(
                "OPTIONAL INT64 ChargePeriodStart (TIMESTAMP(MICROS,true));",
                vec![
                    micros("2024-05-03T10:00:00Z"),
                    micros("2024-05-31T23:00:00Z"),
                    micros("2024-07-01T00:00:00Z"),
                ],
            ),
            text("ServiceName", &["ECS", "Rds", "Elastic Compute Service"]),
            col(
                "OPTIONAL DOUBLE BilledCost;",
                vec![V::F(0.1), V::F(0.2), V::F(12.345678901)],
            ),
            col(
                "OPTIONAL DOUBLE ListCost;",
                vec![V::F(0.2), V::Null, V::F(13.0)],
            ),
            text("BillingCurrency", &["CNY", "cny", "USD"]),
            col(
                "OPTIONAL BYTE_ARRAY ChargeCategory (UTF8);",
                vec![s("Usage"), s("Usage"), s("Purchase")],
            ),
        ],
        "zstd",
        2,
    );
}

fn rows(table: &[[&str; 15]]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = table
        .iter()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect();
    rows.sort();
    rows
}

/// The generic lines' aggregate, worked by hand.
#[rustfmt::skip]
const GENERIC: [[&str; 15]; 7] = [
    ["C-001", "1001", "2024-01-01", "2024-04-01", "2024-03", "ecs", "CNY", "0.3000000000", "0", "100.0000000000", "1.0000000000", "2", "2024-03-01", "2024-03-31", "generic_billing"],
    ["C-001", "1001", "2024-04-01", "2024-07-01", "2024-04", "ecs", "CNY", "0.0000000000", "1", "10.0000000000", "0.0000000000", "1", "2024-04-01", "2024-04-01", "generic_billing"],
    ["C-001", "1001", "2024-04-01", "2024-07-01", "2024-04", "rds", "CNY", "5.0000000000", "0", "4.0000000000", "0.0000000000", "1", "2024-04-02", "2024-04-02", "generic_billing"],
    ["C-001", "1001", "2024-04-01", "2024-07-01", "2024-06", "ecs", "CNY", "-0.1000000000", "0", "-1.5000000000", "0.0000000000", "1", "2024-06-30", "2024-06-30", "generic_billing"],
    ["", "2002", "", "", "2024-02", "ecs", "CNY", "1.0000000000", "0", "1.0000000000", "0.0000000000", "1", "2024-02-15", "2024-02-15", "generic_billing"],
    ["", "2002", "", "", "2024-03", "ecs", "USD", "1.0000000000", "0", "2.0000000000", "0.0000000000", "1", "2024-03-15", "2024-03-15", "generic_billing"],
    ["", "3003", "", "", "2024-03", "widget", "CNY", "1.0000000000", "0", "3.0000000000", "0.0000000000", "1", "2024-03-15", "2024-03-15", "generic_billing"],
];

/// The FOCUS lines' aggregate: doubles rounded at the 8th decimal (12.345678901 →
/// 12.34567890), no voucher, an uncovered service keeps its folded name.
#[rustfmt::skip]
const FOCUS: [[&str; 15]; 3] = [
    ["C-001", "1001", "2024-04-01", "2024-07-01", "2024-05", "ecs", "CNY", "0.2000000000", "0", "0.1000000000", "0.0000000000", "1", "2024-05-03", "2024-05-03", "focus_billing"],
    ["C-001", "1001", "2024-04-01", "2024-07-01", "2024-05", "rds", "CNY", "0.0000000000", "1", "0.2000000000", "0.0000000000", "1", "2024-05-31", "2024-05-31", "focus_billing"],
    ["", "4004", "", "", "2024-07", "elastic compute service", "USD", "13.0000000000", "0", "12.3456789000", "0.0000000000", "1", "2024-07-01", "2024-07-01", "focus_billing"],
];

/// Runs both layouts in each of `formats` on `engine` (one session) and checks every row
/// and the manifest's totals.
pub fn check(engine: &str, formats: &[&str]) {
    let worked = Worked::new(formats);
    worked.verify(engine, &run_engine(engine, &worked.jobs));
}

/// The worked example's inputs and the driver's jobs for it, written in a folder of its
/// own, to run in an engine session alone or beside other jobs.
pub struct Worked {
    folder: tempfile::TempDir,
    formats: Vec<String>,
    /// Both layouts in each format.
    pub jobs: Vec<serde_json::Value>,
}

impl Worked {
    pub fn new(formats: &[&str]) -> Worked {
        let folder = tempfile::tempdir().unwrap();
        let plan = folder.path().join("plan");
        write_plan(&plan);
        let generic = folder.path().join("generic");
        write_generic(&generic.join("part-0.parquet"));
        let focus = folder.path().join("focus");
        write_focus(&focus.join("focus-2024.parquet"));
        let mut jobs = Vec::new();
        for format in formats {
            let out = folder.path().join(format!("generic-{format}"));
            jobs.push(job(&plan, &generic, "generic", &out, format));
            let out = folder.path().join(format!("focus-{format}"));
            jobs.push(job(&plan, &focus, "focus", &out, format));
        }
        Worked {
            folder,
            formats: formats.iter().map(ToString::to_string).collect(),
            jobs,
        }
    }

    /// Checks every row and the manifest's totals; `said` is the driver's line per job.
    pub fn verify(&self, engine: &str, said: &[serde_json::Value]) {
        assert_eq!(said.len(), self.jobs.len());
        let generic = self.folder.path().join("generic");
        for format in &self.formats {
            let out = self.folder.path().join(format!("generic-{format}"));
            assert_eq!(dumped(&out), rows(&GENERIC), "{engine} {format} generic");
            let written = manifest(&out);
            assert_eq!(written["schema"], "rebate-audit/aggregate/v1");
            assert_eq!(written["engine"]["name"], engine);
            assert_eq!(written["rows"], 7);
            // Nine rows in, eight summed: the line without a net amount shows as the gap.
            assert_eq!(written["totals"]["rows_in"], 9);
            assert_eq!(written["totals"]["lines"], 8);
            assert_eq!(
                written["totals"]["by_currency"],
                json!({
                    "CNY": {"lines": 7, "net_amount": "116.5000000000", "list_amount": "7.2000000000", "voucher_amount": "1.0000000000"},
                    "USD": {"lines": 1, "net_amount": "2.0000000000", "list_amount": "1.0000000000", "voucher_amount": "0.0000000000"},
                }),
                "{engine} {format}"
            );
            let source = &written["sources"][0];
            assert_eq!(source["rows"], 9);
            assert_eq!(
                source["bytes"],
                std::fs::metadata(generic.join("part-0.parquet"))
                    .unwrap()
                    .len()
            );
            assert_eq!(source["sha256"].as_str().unwrap().len(), 64);
            let out = self.folder.path().join(format!("focus-{format}"));
            assert_eq!(dumped(&out), rows(&FOCUS), "{engine} {format} focus");
            assert_eq!(manifest(&out)["totals"]["lines"], 3);
            if format == "parquet" && engine != "datafusion" {
                // Partitioned by billing month, as the aggregate's format allows.
                assert!(out.join("billing_month=2024-05").is_dir(), "{engine}");
            }
        }
    }
}
