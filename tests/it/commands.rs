//! The small promises of each command's interface, through the real binary: `explain`
//! reads the `--config` file `run` reads, `run` names every missing input at once and the
//! report folder without `..` hops, `run --help` names every report file it writes,
//! `formats` shows each identifying condition once, and `inspect` prints money as the
//! reports do.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary printed.
struct Output {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `rebate-audit ARGS…` started in `folder` (no `--out` added).
fn binary(folder: &Path, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(folder)
        .args(args.iter().map(|arg| arg.as_ref()))
        .env_remove("REBATE_AUDIT_LOG")
        .env_remove("REBATE_AUDIT_TODAY")
        .output()
        .expect("the binary runs");
    let output = Output {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !output.stderr.contains("panicked") && output.status != Some(101),
        "the binary panicked:\n{}",
        output.stderr
    );
    output
}

/// The standard one-contract inputs, and `conf/audit.toml` naming them one level up.
fn standard_with_config(fixture: &Fixture, config: &str) -> PathBuf {
    Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    fixture.write("billing.csv", standard_billing());
    fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "1900.00")]),
    );
    fixture.write(
        "conf/audit.toml",
        format!(
            "contracts = \"../contracts\"\nbilling = \"../billing.csv\"\npayouts = \"../payouts.csv\"\n{config}"
        ),
    )
}

#[test]
fn explain_reads_the_config_file_run_reads_and_flags_win_over_it() {
    let fixture = Fixture::new();
    standard_with_config(&fixture, "as_of = \"2025-04-01\"\nlang = \"zh\"\n");
    let config = "conf/audit.toml";
    let folder = fixture.dir.path();
    let by_flags = |lang: &str| {
        let run = binary(
            folder,
            &[
                &"explain",
                &"--contract",
                &"C1",
                // The paths as the file's resolve, so the trails name the same files.
                &"--contracts",
                &"conf/../contracts",
                &"--billing",
                &"conf/../billing.csv",
                &"--payouts",
                &"conf/../payouts.csv",
                &"--as-of",
                &"2025-04-01",
                &"--lang",
                &lang,
            ],
        );
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        run.stdout
    };
    // The file's inputs, date and language, its paths relative to its folder.
    let by_file = binary(
        folder,
        &[&"explain", &"--config", &config, &"--contract", &"C1"],
    );
    assert_eq!(by_file.status, Some(0), "{}", by_file.stderr);
    assert_eq!(by_file.stdout, by_flags("zh"));
    // A flag wins over the file.
    let english = binary(
        folder,
        &[
            &"explain",
            &"--config",
            &config,
            &"--contract",
            &"C1",
            &"--lang",
            &"en",
        ],
    );
    assert_eq!(english.status, Some(0), "{}", english.stderr);
    assert_eq!(english.stdout, by_flags("en"));
    assert_ne!(english.stdout, by_file.stdout);
    // Neither flags nor file: every missing input named, exit 2.
    let bare = binary(folder, &[&"explain", &"--contract", &"C1"]);
    assert_eq!(bare.status, Some(2), "{}", bare.stderr);
    assert!(
        bare.stderr
            .contains("--contracts, --billing, --payouts: required"),
        "{}",
        bare.stderr
    );
}

#[test]
fn run_without_arguments_names_every_missing_input_at_once() {
    let fixture = Fixture::new();
    let run = binary(fixture.dir.path(), &[&"run"]);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end(),
        "rebate-audit: error: --contracts, --billing, --payouts: required (on the command line, or as `contracts`, `billing`, `payouts` in a --config file)"
    );
    let run = binary(
        fixture.dir.path(),
        &[&"run", &"--contracts", &"contracts.xlsx"],
    );
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "--billing, --payouts: required (on the command line, or as `billing`, `payouts` in a --config file)"
        ),
        "{}",
        run.stderr
    );
    // Nothing was written.
    assert!(!fixture.path("audit-out").exists());
}

/// The folder the summary line names: what follows `reports in ` on the last line.
fn reports_in(stdout: &str) -> &str {
    stdout
        .trim_end()
        .rsplit_once("; reports in ")
        .unwrap_or_else(|| panic!("no `reports in`: {stdout}"))
        .1
}

#[test]
fn the_summary_line_names_the_report_folder_without_dot_dot_hops() {
    let fixture = Fixture::new();
    // samples/audit.toml's `out = "../audit-out"`, relative to the file's folder:
    // `conf/../audit-out` from where the run starts.
    standard_with_config(&fixture, "as_of = \"2025-06-30\"\nout = \"../audit-out\"\n");
    let config = "conf/audit.toml";
    let run = binary(fixture.dir.path(), &[&"run", &"--config", &config]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert_eq!(reports_in(&run.stdout), "audit-out");
    assert!(fixture.path("audit-out/findings.json").is_file());
    // A path without `..` is printed as it was given.
    let run = binary(
        fixture.dir.path(),
        &[&"run", &"--config", &config, &"--out", &"./plain/out"],
    );
    assert_eq!(reports_in(&run.stdout), "./plain/out");
    // Through a symlink, `link/..` is not where `link` sits: the real folder is named.
    std::fs::create_dir_all(fixture.path("deep/real")).unwrap();
    std::os::unix::fs::symlink(fixture.path("deep/real"), fixture.path("link")).unwrap();
    let run = binary(
        fixture.dir.path(),
        &[&"run", &"--config", &config, &"--out", &"link/../beside"],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let real = std::fs::canonicalize(fixture.path("deep/beside")).unwrap();
    assert_eq!(Path::new(reports_in(&run.stdout)), real);
}

#[test]
fn run_help_names_every_report_file_the_demo_writes() {
    let help = binary(&repo(), &[&"run", &"--help"]);
    assert_eq!(help.status, Some(0), "{}", help.stderr);
    let fixture = Fixture::new();
    let out = fixture.path("out");
    let samples = repo().join("samples");
    let demo = binary(
        &repo(),
        &[
            &"run",
            &"--contracts",
            &samples.join("contracts.xlsx"),
            &"--billing",
            &samples.join("billing"),
            &"--payouts",
            &samples.join("payouts.xlsx"),
            &"--as-of",
            &"2026-06-30",
            &"--out",
            &out,
        ],
    );
    assert_eq!(demo.status, Some(1), "{}", demo.stderr);
    let mut written = BTreeSet::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            assert_eq!(name, "evidence", "a folder run --help does not name");
            for trail in std::fs::read_dir(entry.path()).unwrap() {
                let trail = trail.unwrap().file_name().to_string_lossy().into_owned();
                assert!(trail.ends_with(".md"), "{trail}");
            }
            written.insert("evidence/<contract>.md".to_string());
        } else {
            written.insert(name);
        }
    }
    assert!(written.contains("report.xlsx") && written.contains("report.html"));
    for name in &written {
        assert!(
            help.stdout.contains(name.as_str()),
            "run --help does not name {name}:\n{}",
            help.stdout
        );
    }
}

#[test]
fn formats_shows_each_identifying_condition_once() {
    let run = binary(&repo(), &[&"formats"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    // One block per format: its name line, then indented lines.
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for line in run.stdout.lines() {
        if line.starts_with(' ') {
            blocks.last_mut().expect("a format first").push(line);
        } else {
            blocks.push(vec![line]);
        }
    }
    assert!(blocks.len() >= 6, "{}", run.stdout);
    for block in &blocks {
        let mut seen = BTreeSet::new();
        for line in block
            .iter()
            .filter(|line| line.trim_start().starts_with("- "))
        {
            assert!(
                seen.insert(*line),
                "`{line}` twice in:\n{}",
                block.join("\n")
            );
        }
    }
    let block = |name: &str| {
        blocks
            .iter()
            .find(|block| block[0].starts_with(&format!("{name}  ")))
            .unwrap_or_else(|| panic!("no format {name}"))
            .join("\n")
    };
    // Alibaba's product code is the narrower of its two product conditions: shown once,
    // instead of the product field's wider names.
    let aliyun = block("aliyun");
    assert_eq!(aliyun.matches("产品Code").count(), 1, "{aliyun}");
    assert!(
        aliyun.contains("      - 产品Code / Product Code / ProductCode\n"),
        "{aliyun}"
    );
    let tencent = block("tencent");
    assert_eq!(tencent.matches("Payer Account ID").count(), 1, "{tencent}");
}

#[test]
fn inspect_prints_money_grouped_with_two_decimals() {
    // The demo's 2024 Alibaba bill: 376 lines of 1,576,000.00 and a 合计 row stating it.
    let bill = repo().join("samples/billing/aliyun/aliyun-bill-2024.csv");
    let run = binary(&repo(), &[&"inspect", &bill, &"--lines", &"2"]);
    assert_eq!(run.status, Some(1), "one row is rejected: {}", run.stderr);
    assert_mentions(
        &run.stdout,
        &[
            "376 line(s), net total 1,576,000.00; 1 row(s) rejected",
            "totals row 381: 1,576,000.00 agrees with the lines above it",
            // Row 4: list 14,204.55, discount 1,704.55, voucher 0, net 12,500.00.
            "14,204.55     1,704.55         0.00      12,500.00 CNY",
        ],
    );
    assert!(!run.stdout.contains("1576000"), "{}", run.stdout);
}
