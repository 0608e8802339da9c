//! Evidence packs (`packs/<contract>/`) through the real binary on the demo audit in
//! `samples/`: which contracts get one, that the source rows are exactly the base (they
//! sum to each period's weighted base and their cells are the input file's), that the
//! manifest's hashes are the files' real SHA-256, that `--evidence DIR` moves them, that
//! stale packs go, and that the bytes do not depend on the thread count.

use crate::common::repo;
use crate::common::{Book, Fixture, contract, period_of, simple_payouts};
use rust_decimal::Decimal;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::OnceLock;

const AS_OF: &str = "2026-06-30";
const PACK_FILES: [&str; 5] = [
    "trail.md",
    "source-rows.csv",
    "payouts.csv",
    "contract.csv",
    "manifest.json",
];

/// A fresh folder under Cargo's test scratch space.
fn scratch(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("packs-{name}"));
    let _ = std::fs::remove_dir_all(&path);
    std::fs::create_dir_all(&path).unwrap();
    path
}

/// Runs the demo audit from the repository root (so input paths start with `samples/`)
/// with `--out <out>` and `extra` arguments; expects exit status 1 (the demo has findings).
fn run_demo(out: &Path, threads: u32, extra: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
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
            "--threads",
            &threads.to_string(),
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        // Packs are written on request: ask for them unless the test names a folder.
        .args((!extra.contains(&"--evidence")).then_some("--evidence"))
        .env_remove("REBATE_AUDIT_LOG")
        .env_remove("REBATE_AUDIT_PART_BYTES")
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The demo audit with one thread, run once for every test that only reads it.
fn demo() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = scratch("demo-1-thread");
        run_demo(&out, 1, &[]);
        out
    })
}

fn findings_json(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap()
}

/// The contract ids with at least one finding.
fn contracts_with_findings(out: &Path) -> BTreeSet<String> {
    findings_json(out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["contract_id"].as_str().map(str::to_string))
        .collect()
}

/// The sub-folders of `dir`.
fn folders(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A pack CSV (UTF-8 with BOM) as rows of column → text.
fn pack_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes)
        .unwrap()
        .strip_prefix('\u{feff}')
        .expect("pack CSVs start with a BOM");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .cloned()
                .zip(record.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn manifest(pack: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(pack.join("manifest.json")).unwrap()).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A JSON object's entries in document order (serde_json's map would sort them).
struct Ordered(Vec<(String, String)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("an object of texts")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, String>()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// A billing CSV of the demo, decoded as the auditor decodes it (BOM, UTF-8, else
/// GB18030), as records by the line they start on (the row a spreadsheet shows).
fn csv_records(path: &Path) -> BTreeMap<u64, Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).unwrap()
    } else if let Ok(text) = String::from_utf8(bytes.clone()) {
        text
    } else {
        let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad, "{} is not GB18030 either", path.display());
        text.into_owned()
    };
    // The csv crate counts lines reliably only with `\n` line ends.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        if !reader.read_record(&mut record).unwrap() {
            break;
        }
        let line = record.position().map_or(line, csv::Position::line);
        records.insert(
            line,
            record
                .iter()
                .map(|field| field.trim().to_string())
                .collect(),
        );
    }
    records
}

#[test]
fn the_demo_has_a_pack_exactly_for_each_contract_with_findings() {
    let out = demo();
    let expected = contracts_with_findings(out);
    assert_eq!(
        expected,
        [
            "ALI-2024-001",
            "AZ-2025-004",
            "HW-2023-007",
            "HW-2024-003",
            "TX-2025-002",
            "TX-2025-007"
        ]
        .map(String::from)
        .into_iter()
        .collect(),
        "the demo's contracts with findings"
    );
    let evidence = out.join("packs");
    assert_eq!(folders(&evidence), expected);
    for id in &expected {
        let pack = evidence.join(id);
        let mut files: Vec<String> = std::fs::read_dir(&pack)
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut wanted: Vec<String> = PACK_FILES.map(String::from).to_vec();
        wanted.sort();
        assert_eq!(files, wanted, "{id}");
        let trail = std::fs::read_to_string(pack.join("trail.md")).unwrap();
        assert!(trail.starts_with(&format!("# Contract {id}\n")), "{trail}");
        let manifest = manifest(&pack);
        assert_eq!(manifest["schema"], "rebate-audit/evidence-pack/v1");
        assert_eq!(manifest["contract_id"], id.as_str());
        assert_eq!(manifest["as_of"], AS_OF);
        assert_eq!(manifest["source_rows"]["capped"], false);
        assert_eq!(manifest["warnings"], serde_json::json!([]));
        // The contract's workbook rows: its `contracts` row and its tier rows at least.
        let contract_rows = pack_csv(&pack.join("contract.csv"));
        let sheets: BTreeSet<&str> = contract_rows
            .iter()
            .map(|row| row["sheet"].as_str())
            .collect();
        assert!(
            sheets.contains("contracts") && sheets.contains("tiers"),
            "{id}: {sheets:?}"
        );
        for row in &contract_rows {
            let cells: Ordered = serde_json::from_str(&row["cells"]).unwrap();
            assert!(
                cells.0.iter().any(|(_, value)| value == id),
                "{id}: {row:?}"
            );
        }
    }
    // TX-2025-002's June payout is missing; its late one is listed with its allocation.
    let payouts = pack_csv(&evidence.join("TX-2025-002").join("payouts.csv"));
    assert!(!payouts.is_empty());
    for row in &payouts {
        assert_eq!(row["contract_id"], "TX-2025-002");
        assert!(
            ["installment", "excess", "unallocated"].contains(&row["allocation"].as_str()),
            "{row:?}"
        );
        let cells: Ordered = serde_json::from_str(&row["cells"]).unwrap();
        assert!(
            cells.0.iter().any(|(_, value)| *value == row["payout_id"]),
            "the ledger row's cells: {row:?}"
        );
    }
}

#[test]
fn the_source_rows_of_each_period_sum_to_its_weighted_base() {
    let out = demo();
    let mut checked = 0;
    let report = findings_json(out);
    for finding in report["findings"].as_array().unwrap() {
        let Some(trail) = period_of(&report, finding) else {
            continue;
        };
        let computation = &trail["computation"];
        let id = finding["contract_id"].as_str().unwrap();
        let start = finding["period_start"].as_str().unwrap();
        let rows = pack_csv(&out.join("packs").join(id).join("source-rows.csv"));
        let period: Vec<_> = rows
            .iter()
            .filter(|row| row["period_start"] == start)
            .collect();
        let sum: Decimal = period
            .iter()
            .map(|row| Decimal::from_str(&row["weighted"]).unwrap())
            .sum();
        let expected =
            Decimal::from_str(computation["period_weighted_base"].as_str().unwrap()).unwrap();
        assert_eq!(
            sum.round_dp(2),
            expected,
            "{id} {start}: the listed rows sum to {sum}"
        );
        let counted: u64 = trail["source_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|group| group["rows"].as_u64().unwrap())
            .sum();
        assert_eq!(period.len() as u64, counted, "{id} {start}");
        for row in &period {
            let base = Decimal::from_str(&row["base"]).unwrap();
            let coefficient = Decimal::from_str(&row["coefficient"]).unwrap();
            let weighted = Decimal::from_str(&row["weighted"]).unwrap();
            assert_eq!(base * coefficient, weighted, "{row:?}");
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} findings with a computation");
    // The manifest says the same for every period, as the audit's own check.
    for id in contracts_with_findings(out) {
        let manifest = manifest(&out.join("packs").join(&id));
        for period in manifest["source_rows"]["periods"].as_array().unwrap() {
            assert_eq!(period["agrees"], true, "{id}: {period}");
        }
    }
}

#[test]
fn every_listed_row_has_the_cells_of_its_input_row() {
    let out = demo();
    let mut files_checked = BTreeSet::new();
    let mut rows_checked = 0;
    let mut cache: BTreeMap<String, BTreeMap<u64, Vec<String>>> = BTreeMap::new();
    for id in contracts_with_findings(out) {
        for row in pack_csv(&out.join("packs").join(&id).join("source-rows.csv")) {
            let file = &row["file"];
            if !file.ends_with(".csv") {
                // Zip members and workbooks: checked through their CSV siblings.
                continue;
            }
            let records = cache
                .entry(file.clone())
                .or_insert_with(|| csv_records(&repo().join(file)));
            let number: u64 = row["row"].parse().unwrap();
            let cells: Ordered = serde_json::from_str(&row["cells"]).unwrap();
            let (names, values): (Vec<&String>, Vec<&String>) =
                cells.0.iter().map(|(name, value)| (name, value)).unzip();
            let record = &records[&number];
            for (index, value) in values.iter().enumerate() {
                let read = record.get(index).map_or("", String::as_str);
                assert_eq!(
                    value.as_str(),
                    read,
                    "{file}:{number} column {} ({})",
                    index + 1,
                    names[index]
                );
            }
            assert!(record.len() <= values.len(), "{file}:{number}");
            // The names are the header row's, which is above the row.
            let header = records
                .iter()
                .find(|(_, fields)| {
                    fields.len() == names.len()
                        && fields
                            .iter()
                            .zip(&names)
                            .all(|(field, name)| field == *name)
                })
                .map(|(line, _)| *line)
                .unwrap_or_else(|| panic!("{file}: no header row {names:?}"));
            assert!(header < number, "{file}:{number}");
            // The normalised fields come from those cells.
            assert!(
                values.iter().any(|value| **value == row["account"]),
                "{row:?}"
            );
            files_checked.insert(file.clone());
            rows_checked += 1;
        }
    }
    for file in [
        "samples/billing/tencent/tencent-2025.csv",
        "samples/billing/huawei/huawei-2024-2025-gbk.csv",
        "samples/billing/aliyun/aliyun-bill-2024.csv",
        "samples/billing/azure/azure-ea-2025.csv",
    ] {
        assert!(
            files_checked.contains(file),
            "{file} not checked: {files_checked:?}"
        );
    }
    assert!(rows_checked > 500, "{rows_checked}");
}

#[test]
fn manifest_hashes_are_the_real_sha256_of_the_files() {
    let out = demo();
    for id in contracts_with_findings(out) {
        let pack = out.join("packs").join(&id);
        let manifest = manifest(&pack);
        assert_eq!(manifest["tool"]["name"], "rebate-audit");
        assert_eq!(manifest["tool"]["version"], env!("CARGO_PKG_VERSION"));
        let command_line = manifest["command_line"].as_str().unwrap();
        assert!(
            command_line.contains(" run ") && command_line.contains("--as-of 2026-06-30"),
            "{command_line}"
        );
        let files = manifest["files"].as_array().unwrap();
        let names: Vec<&str> = files
            .iter()
            .map(|file| file["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, PACK_FILES[..4].to_vec());
        for file in files {
            let bytes = std::fs::read(pack.join(file["name"].as_str().unwrap())).unwrap();
            assert_eq!(file["sha256"], sha256_hex(&bytes), "{id}: {file}");
            assert_eq!(file["bytes"], bytes.len() as u64, "{id}: {file}");
        }
        let inputs = manifest["inputs"].as_array().unwrap();
        assert!(inputs.len() >= 10, "{inputs:?}");
        for input in inputs {
            let bytes = std::fs::read(repo().join(input["path"].as_str().unwrap())).unwrap();
            assert_eq!(input["sha256"], sha256_hex(&bytes), "{input}");
            assert_eq!(input["bytes"], bytes.len() as u64, "{input}");
        }
        let roles: BTreeSet<&str> = inputs
            .iter()
            .map(|input| input["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["billing", "contracts", "payouts"].into());
        let rulesets = manifest["rulesets"].as_array().unwrap();
        // Every built-in ruleset (aws since issue 14).
        assert_eq!(rulesets.len(), 8);
        for ruleset in rulesets {
            let name = ruleset["name"].as_str().unwrap();
            let text = std::fs::read(repo().join("rulesets").join(format!("{name}.toml"))).unwrap();
            assert_eq!(ruleset["sha256"], sha256_hex(&text), "{ruleset}");
        }
    }
}

#[test]
fn evidence_dir_takes_the_packs_and_stale_packs_are_removed() {
    let root = scratch("evidence-option");
    let (out, dir) = (root.join("out"), root.join("packs"));
    // A pack of a contract that has no finding any more, and a folder that is no pack.
    std::fs::create_dir_all(dir.join("OLD-1")).unwrap();
    std::fs::write(
        dir.join("OLD-1").join("manifest.json"),
        r#"{"schema": "rebate-audit/evidence-pack/v1"}"#,
    )
    .unwrap();
    std::fs::write(dir.join("OLD-1").join("trail.md"), "old").unwrap();
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes").join("trail.md"), "mine").unwrap();
    run_demo(&out, 2, &["--evidence", dir.to_str().unwrap()]);
    let mut expected = contracts_with_findings(&out);
    expected.insert("notes".into());
    assert_eq!(folders(&dir), expected);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes").join("trail.md")).unwrap(),
        "mine"
    );
    assert!(
        !out.join("packs").exists() && folders(&out.join("evidence")).is_empty(),
        "no pack inside --out when --evidence is given"
    );
    assert!(
        out.join("evidence").join("TX-2025-002.md").is_file(),
        "the evidence files stay in --out"
    );
}

/// A pack's files, the manifest without its command line.
fn pack_bytes(pack: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    PACK_FILES
        .iter()
        .map(|name| {
            let bytes = std::fs::read(pack.join(name)).unwrap();
            let bytes = if *name == "manifest.json" {
                let text = String::from_utf8(bytes).unwrap();
                text.lines()
                    .filter(|line| !line.trim_start().starts_with("\"command_line\":"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes()
            } else {
                bytes
            };
            (*name, bytes)
        })
        .collect()
}

#[test]
fn packs_are_identical_for_one_and_two_threads() {
    let one = demo();
    let two = scratch("demo-2-threads");
    run_demo(&two, 2, &[]);
    let ids = contracts_with_findings(one);
    assert_eq!(folders(&two.join("packs")), ids);
    for id in ids {
        let (a, b) = (
            pack_bytes(&one.join("packs").join(&id)),
            pack_bytes(&two.join("packs").join(&id)),
        );
        for name in PACK_FILES {
            assert!(
                a[name] == b[name],
                "{id}/{name} differs between 1 and 2 threads"
            );
        }
        // Only the command line tells the runs apart.
        let (mut first, mut second) = (
            manifest(&one.join("packs").join(&id)),
            manifest(&two.join("packs").join(&id)),
        );
        assert_ne!(first["command_line"], second["command_line"]);
        first["command_line"] = Value::Null;
        second["command_line"] = Value::Null;
        assert_eq!(first, second);
    }
}

#[test]
fn only_the_rows_the_audit_gave_a_contract_are_listed_and_text_is_neutralised() {
    let fixture = Fixture::new();
    // C1 and C2 both cover A1 from 15 January: the earlier start (C1) takes those lines.
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "", "20%")
        .contract(
            contract("C2")
                .set("accounts", "A1,A2")
                .set("start", "2025-01-15")
                .set("end", "2025-02-28"),
        )
        .tier("C2", "0", "", "10%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        "account_id,billing_month,date,product,net_amount,currency\n\
         A1,2025-01,2025-01-05,ECS,100,CNY\n\
         A1,2025-01,2025-01-20,ECS,200,CNY\n\
         A1,2025-02,2025-02-03,ECS,400,CNY\n\
         A2,2025-01,2025-01-20,ECS,800,CNY\n\
         A2,2025-01,2025-01-10,ECS,1600,CNY\n\
         A1,2025-01,2025-01-21,ECS,3200,USD\n\
         A3,2025-01,2025-01-21,ECS,6400,CNY\n\
         A2,2025-02,2025-02-10,=SUM(1),50,CNY\n",
    );
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        AS_OF,
        &["--threads", "2", "--evidence"],
    );
    run.expect_status(1);
    let evidence = run.out.join("packs");
    assert_eq!(folders(&evidence), ["C1", "C2"].map(String::from).into());
    let listed = |id: &str| -> Vec<(String, String, String)> {
        pack_csv(&evidence.join(id).join("source-rows.csv"))
            .into_iter()
            .map(|row| {
                (
                    row["row"].clone(),
                    row["product"].clone(),
                    row["weighted"].clone(),
                )
            })
            .collect()
    };
    let row = |number: &str, product: &str, weighted: &str| {
        (
            number.to_string(),
            product.to_string(),
            weighted.to_string(),
        )
    };
    assert_eq!(
        listed("C1"),
        vec![row("2", "ecs", "100.00"), row("3", "ecs", "200.00")]
    );
    assert_eq!(
        listed("C2"),
        vec![
            row("5", "ecs", "800.00"),
            row("4", "ecs", "400.00"),
            row("9", "'=SUM(1)", "50.00"),
        ],
        "by period (January, then February), in file order within one"
    );
    let rows = pack_csv(&evidence.join("C2").join("source-rows.csv"));
    let cells: Ordered = serde_json::from_str(&rows[2]["cells"]).unwrap();
    assert_eq!(
        cells.0[3],
        ("product".to_string(), "=SUM(1)".to_string()),
        "original cells are kept as read, inside a JSON cell no spreadsheet runs"
    );
    let manifest = manifest(&evidence.join("C2"));
    assert_eq!(manifest["source_rows"]["rows"], 3);
    let contract_rows = pack_csv(&evidence.join("C2").join("contract.csv"));
    let files: Vec<&str> = contract_rows
        .iter()
        .map(|row| row["file"].rsplit('/').next().unwrap())
        .collect();
    assert_eq!(files, vec!["contracts.csv", "tiers.csv"]);
}

#[test]
fn without_evidence_no_pack_is_written_and_old_packs_are_removed() {
    let temporary = tempfile::tempdir().unwrap();
    let out = temporary.path().join("out");
    run_demo(&out, 2, &[]);
    assert!(
        out.join("packs")
            .join("ALI-2024-001")
            .join("manifest.json")
            .is_file(),
        "a pack with --evidence"
    );
    // The same output folder without --evidence: the trails stay, the packs go.
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
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
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(out.join("evidence").join("ALI-2024-001.md").is_file());
    assert!(
        !out.join("packs").exists(),
        "packs from the earlier run are removed"
    );
}
