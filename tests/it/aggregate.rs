//! `rebate-audit plan` and `run --aggregate` (docs/AGGREGATE.md): the plan's tables, the
//! demo and a generated set audited from their reference aggregate (examples/aggregate.rs,
//! the Rust twin of the shipped SQL) with the line route's findings and installments, and
//! bad aggregates refused with exit 2 naming the cell.

#[path = "../../examples/aggregate.rs"]
#[allow(dead_code)]
pub(crate) mod reference;

use crate::common::Fixture;
use crate::kill::support;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// `rebate-audit plan` of the demo's contracts into `folder`.
fn plan(fixture: &Fixture, folder: &str) -> PathBuf {
    let config = samples().join("audit.toml");
    let run = fixture.run_into(folder, &[&"plan", &"--config", &config]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    run.out
}

/// The reference aggregate of `billing` under `plan`, into `folder`.
fn aggregate(
    fixture: &Fixture,
    plan: &Path,
    billing: &Path,
    folder: &str,
    parquet: bool,
) -> PathBuf {
    let out = fixture.path(folder);
    reference::build(&reference::Args {
        plan: plan.to_path_buf(),
        billing: vec![billing.to_path_buf()],
        rulesets: None,
        out: out.clone(),
        parquet,
    });
    out
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Per product, its line count and base: what a period's source rows say whichever route
/// made them. Where the rows are (and, with an aggregate in several files, how many files
/// list them) changes. (Each file's weighted base is shown rounded, so their sum is not
/// compared: the computation's weighted base by product is.)
pub(crate) fn source_sums(sources: &Value) -> Value {
    let mut sums: BTreeMap<String, (u64, rust_decimal::Decimal)> = BTreeMap::new();
    for source in sources.as_array().unwrap() {
        let entry = sums
            .entry(source["product"].as_str().unwrap().to_string())
            .or_default();
        entry.0 += source["rows"].as_u64().unwrap();
        entry.1 += source["base"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap();
    }
    sums.into_iter()
        .map(|(product, (rows, base))| {
            serde_json::json!([product, rows, base.normalize().to_string()])
        })
        .collect()
}

/// The periods findings.json stores once, by key, their source rows as [`source_sums`].
pub(crate) fn comparable_periods(findings: &Value) -> BTreeMap<String, Value> {
    findings["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|period| {
            let mut period = period.clone();
            let sums = source_sums(&period["source_rows"]);
            let record = period.as_object_mut().unwrap();
            record.remove("source_rows");
            record.insert("source_sums".into(), sums);
            (period["key"].as_str().unwrap().to_string(), period)
        })
        .collect()
}

/// The findings by id, with the fields that name inputs taken out: the `files` fact (the
/// aggregate's file instead of the bills). Their periods' rows are compared apart
/// ([`comparable_periods`]). What is left must be equal on both routes.
fn comparable(findings: &Value) -> BTreeMap<String, Value> {
    findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            let mut finding = finding.clone();
            let evidence = finding["evidence"].as_object_mut().unwrap();
            if let Some(facts) = evidence.get_mut("facts").and_then(Value::as_object_mut) {
                facts.remove("files");
            }
            (finding["id"].as_str().unwrap().to_string(), finding)
        })
        .collect()
}

/// Findings a line route has that no aggregate can have: rows an engine reads or refuses
/// (rejected rows, unreadable or duplicate files, totals rows).
const INPUT_FINDINGS: [&str; 1] = ["rejected_row"];

pub(crate) fn assert_same_audit(line_json: &Value, aggregate_json: &Value) {
    let (line, aggregate) = (line_json, aggregate_json);
    assert_eq!(
        line["expected"], aggregate["expected"],
        "installments differ"
    );
    let mut line = comparable(line);
    line.retain(|_, finding| !INPUT_FINDINGS.contains(&finding["type"].as_str().unwrap()));
    let aggregate = comparable(aggregate);
    assert_eq!(
        line.keys().collect::<Vec<_>>(),
        aggregate.keys().collect::<Vec<_>>(),
        "finding ids differ"
    );
    for (id, finding) in &line {
        assert_eq!(finding, &aggregate[id], "finding {id} differs");
    }
    let (line_periods, aggregate_periods) = (
        comparable_periods(line_json),
        comparable_periods(aggregate_json),
    );
    // A period only input findings name (rejected rows) is not on the aggregate route.
    for (key, period) in &aggregate_periods {
        assert_eq!(Some(period), line_periods.get(key), "period {key} differs");
    }
    for finding in line.values() {
        if let Some(key) = finding["evidence"]["period"].as_str() {
            assert!(aggregate_periods.contains_key(key), "period {key} missing");
        }
    }
}

#[test]
fn plan_writes_coverage_slices_and_products_as_csv_and_parquet_with_a_digest() {
    let fixture = Fixture::new();
    let out = plan(&fixture, "plan");
    let plan_json = json(&out.join("plan.json"));
    assert_eq!(plan_json["schema"], "rebate-audit/plan/v1");
    assert_eq!(plan_json["as_of"], "2026-06-30");
    let mut texts = String::new();
    for (name, header) in [
        (
            "coverage",
            "contract_id,account_id,ruleset,currency,valid_from,valid_to",
        ),
        ("slices", "contract_id,slice_start,slice_end"),
        ("products", "ruleset,name_folded,product"),
    ] {
        let text = std::fs::read_to_string(out.join(format!("{name}.csv"))).unwrap();
        assert_eq!(text.lines().next(), Some(header));
        texts.push_str(&text);
        let parquet = std::fs::File::open(out.join(format!("{name}.parquet"))).unwrap();
        let reader = parquet::file::reader::SerializedFileReader::new(parquet).unwrap();
        use parquet::file::reader::FileReader;
        let rows = reader.metadata().file_metadata().num_rows();
        assert_eq!(
            rows as usize,
            text.lines().count() - 1,
            "{name}.parquet rows"
        );
    }
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(texts.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(plan_json["digest"], digest.as_str());
    let coverage = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(coverage.contains("ALI-2024-001,1438209912345671,aliyun,CNY,2024-05-01,2026-05-01"));
    // ALI-2024-001 settles quarterly from May: its first slice ends where the quarter does.
    let slices = std::fs::read_to_string(out.join("slices.csv")).unwrap();
    assert!(
        slices.contains("ALI-2024-001,2024-05-01,2024-07-01\nALI-2024-001,2024-07-01,2024-10-01\n")
    );
    let products = std::fs::read_to_string(out.join("products.csv")).unwrap();
    // As written and folded as the line route folds it (spaces dropped).
    assert!(products.contains("aliyun,云服务器 ecs,ecs\n"));
    assert!(products.contains("aliyun,云服务器ecs,ecs\n"));
}

#[test]
fn the_demo_audited_from_its_aggregate_has_the_line_routes_installments_and_findings() {
    let fixture = Fixture::new();
    let config = samples().join("audit.toml");
    let line = fixture.run_into("line", &[&"run", &"--config", &config, &"--quiet"]);
    assert_eq!(line.status, Some(1), "{}", line.stderr);
    let plan = plan(&fixture, "plan");
    for parquet in [false, true] {
        let folder = if parquet {
            "aggregate-parquet"
        } else {
            "aggregate-csv"
        };
        let aggregate = aggregate(&fixture, &plan, &samples().join("billing"), folder, parquet);
        let run = fixture.run_into(
            &format!("audit-{folder}"),
            &[
                &"run",
                &"--config",
                &config,
                &"--aggregate",
                &aggregate,
                &"--quiet",
            ],
        );
        assert_eq!(run.status, Some(1), "{}", run.stderr);
        let line_json = line.json();
        let aggregate_json = run.json();
        assert_same_audit(&line_json, &aggregate_json);
        // The manifest is an input, and the trail names aggregate rows.
        let inputs = aggregate_json["inputs"].as_array().unwrap();
        assert!(inputs.iter().any(|input| input["role"] == "aggregate"
            && input["path"].as_str().unwrap().ends_with("manifest.json")));
        let trail = String::from_utf8(run.read("evidence/ALI-2024-001.md")).unwrap();
        assert!(trail.contains(":aggregate rows, manifest "), "{trail}");
        // explain reads the aggregate as run does: June 2025 of TX-2025-002, W = 120,000.
        let explain = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args([
                "explain",
                "--contract",
                "TX-2025-002",
                "--period",
                "2025-06",
                "--config",
            ])
            .arg(&config)
            .arg("--aggregate")
            .arg(&aggregate)
            .env_remove("REBATE_AUDIT_LOG")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&explain.stdout);
        assert_eq!(
            explain.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&explain.stderr)
        );
        assert!(
            stdout.contains("**1. Weighted base W_p = 120,000.00**"),
            "{stdout}"
        );
    }
}

#[test]
fn a_generated_set_audited_from_its_aggregate_has_the_line_routes_findings() {
    let fixture = Fixture::new();
    let folder = fixture.path("generated");
    let spec = support::Spec {
        lines: 20_000,
        files: 2,
        contracts: 40,
        layout: support::Layout::Generic,
        xlsx: false,
        parquet: false,
        contracts_csv: true,
        group: false,
        seed: 18,
    };
    support::generate(&folder, &spec).unwrap();
    let (contracts, payouts, billing) = (
        folder.join("contracts"),
        folder.join("payouts.csv"),
        folder.join("billing"),
    );
    let args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
        &"run",
        &"--quiet",
        &"--contracts",
        &contracts,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2026-06-30",
    ];
    let mut line_args = args.clone();
    line_args.extend([&"--billing" as &dyn AsRef<std::ffi::OsStr>, &billing]);
    let line = fixture.run_into("line", &line_args);
    assert!(matches!(line.status, Some(0 | 1)), "{}", line.stderr);
    let plan_run = fixture.run_into("plan", &[&"plan", &"--contracts", &contracts]);
    assert_eq!(plan_run.status, Some(0), "{}", plan_run.stderr);
    let aggregate = aggregate(&fixture, &plan_run.out, &billing, "aggregate", true);
    let mut aggregate_args = args.clone();
    aggregate_args.extend([&"--aggregate" as &dyn AsRef<std::ffi::OsStr>, &aggregate]);
    let run = fixture.run_into("audit", &aggregate_args);
    assert_eq!(run.status, line.status, "{}", run.stderr);
    assert_same_audit(&line.json(), &run.json());
}

/// The demo's CSV aggregate, for the refusals: its folder and its text.
fn demo_aggregate(fixture: &Fixture) -> (PathBuf, String) {
    let plan = plan(fixture, "plan");
    let folder = aggregate(
        fixture,
        &plan,
        &samples().join("billing"),
        "aggregate",
        false,
    );
    let text = std::fs::read_to_string(folder.join("aggregate.csv")).unwrap();
    (folder, text)
}

/// `run --aggregate` on the demo with `folder`; must stop with exit 2.
fn refused(fixture: &Fixture, folder: &Path) -> String {
    let config = samples().join("audit.toml");
    let run = fixture.run_into(
        "refused",
        &[&"run", &"--config", &config, &"--aggregate", &folder],
    );
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(!run.out.join("findings.json").exists());
    run.stderr
}

/// Replaces the first row's field `column` (by header) with `value`.
fn with_cell(text: &str, line: usize, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let index = lines[0].split(',').position(|name| name == column).unwrap();
    let mut fields: Vec<String> = lines[line].split(',').map(str::to_string).collect();
    fields[index] = value.to_string();
    lines[line] = fields.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn bad_aggregates_stop_the_run_naming_file_row_column_and_what_is_wrong() {
    let fixture = Fixture::new();
    let (folder, text) = demo_aggregate(&fixture);
    let csv = folder.join("aggregate.csv");
    let manifest = folder.join("manifest.json");
    let manifest_text = std::fs::read_to_string(&manifest).unwrap();
    let restore = || {
        std::fs::write(&csv, &text).unwrap();
        std::fs::write(&manifest, &manifest_text).unwrap();
    };
    // ALI-2024-001's first row: 2024-05 ecs, net 50000 (row 2 until the demo gained
    // HW-2023-007, whose 2023 rows may come first: found, not assumed).
    let first = "ALI-2024-001,1438209912345671,2024-05-01,2024-07-01,2024-05,ecs,CNY,";
    let at = text
        .lines()
        .position(|line| line.starts_with(first))
        .unwrap_or_else(|| panic!("no row {first}…"));
    let row = text.lines().nth(at).unwrap();
    let cell = |column: &str| format!("aggregate.csv:{}:{column}", at + 1);

    // A schema the tool does not know.
    std::fs::write(
        &manifest,
        manifest_text.replace("rebate-audit/aggregate/v1", "rebate-audit/aggregate/v2"),
    )
    .unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains("manifest.json")
            && stderr.contains(
                "expected schema rebate-audit/aggregate/v1, found `rebate-audit/aggregate/v2`"
            ),
        "{stderr}"
    );
    restore();

    // A missing column.
    std::fs::write(
        &csv,
        text.replacen("lines_without_list", "lines_no_list", 1),
    )
    .unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains("aggregate.csv:1") && stderr.contains("lines_without_list"),
        "{stderr}"
    );
    restore();

    // Totals that disagree: one row's net changed, the manifest not.
    std::fs::write(&csv, with_cell(&text, at, "net_amount", "50001.0000000000")).unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains("manifest.json")
            && stderr.contains("totals.by_currency.CNY.net_amount")
            && stderr.contains("the manifest says"),
        "{stderr}"
    );
    restore();

    // A slice that is not one of the plan's.
    std::fs::write(&csv, with_cell(&text, at, "slice_end", "2024-08-01")).unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains(&cell("slice_start"))
            && stderr.contains("[2024-05-01, 2024-08-01) is not a slice of contract ALI-2024-001"),
        "{stderr}"
    );
    restore();

    // A contract's row in another currency (the manifest's totals moved with it, so the
    // row itself is what is refused).
    let usd = with_cell(&text, at, "currency", "USD");
    std::fs::write(&csv, &usd).unwrap();
    let mut moved: Value = serde_json::from_str(&manifest_text).unwrap();
    let cny = moved["totals"]["by_currency"]["CNY"].clone();
    let minus = |key: &str, amount: &str| {
        let total: rust_decimal::Decimal = cny[key].as_str().unwrap().parse().unwrap();
        let amount: rust_decimal::Decimal = amount.parse().unwrap();
        (total - amount).to_string()
    };
    let fields: Vec<&str> = row.split(',').collect();
    moved["totals"]["by_currency"]["CNY"] = serde_json::json!({
        "lines": cny["lines"].as_u64().unwrap() - fields[11].parse::<u64>().unwrap(),
        "net_amount": minus("net_amount", fields[9]),
        "list_amount": minus("list_amount", fields[7]),
        "voucher_amount": minus("voucher_amount", fields[10]),
    });
    let mut usd_totals = moved["totals"]["by_currency"]["USD"].clone();
    let plus = |key: &str, amount: &str| {
        let total: rust_decimal::Decimal = usd_totals[key].as_str().unwrap().parse().unwrap();
        let amount: rust_decimal::Decimal = amount.parse().unwrap();
        (total + amount).to_string()
    };
    let lines = usd_totals["lines"].as_u64().unwrap() + fields[11].parse::<u64>().unwrap();
    usd_totals = serde_json::json!({
        "lines": lines,
        "net_amount": plus("net_amount", fields[9]),
        "list_amount": plus("list_amount", fields[7]),
        "voucher_amount": plus("voucher_amount", fields[10]),
    });
    moved["totals"]["by_currency"]["USD"] = usd_totals;
    std::fs::write(&manifest, serde_json::to_string_pretty(&moved).unwrap()).unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains(&cell("currency"))
            && stderr.contains("contract ALI-2024-001 is in CNY, this row is in USD"),
        "{stderr}"
    );
    restore();

    // An amount that is a floating-point number, not an exact decimal.
    std::fs::write(&csv, with_cell(&text, at, "net_amount", "5.0e4")).unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains(&cell("net_amount")) && stderr.contains("expected an exact decimal"),
        "{stderr}"
    );
    restore();

    // A plan made from other contracts.
    std::fs::write(
        &manifest,
        manifest_text.replacen("\"plan\": \"", "\"plan\": \"0", 1),
    )
    .unwrap();
    let stderr = refused(&fixture, &folder);
    assert!(
        stderr.contains("manifest.json:plan") && stderr.contains("run `rebate-audit plan` again"),
        "{stderr}"
    );
    restore();

    // Restored, it is used.
    let config = samples().join("audit.toml");
    let run = fixture.run_into(
        "ok",
        &[
            &"run",
            &"--config",
            &config,
            &"--aggregate",
            &folder,
            &"--quiet",
        ],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
}
