//! A rerunnable in-process throughput benchmark: generates a synthetic audit of the
//! requested size under `target/bench/` with the shared generator (the one `gen` uses;
//! an existing data set is reused), then runs the real pipeline and report writers on it
//! and reports lines per second and peak memory.
//!
//! ```sh
//! cargo run --release --example bench -- --lines 3000000 --files 4 --contracts 400 --threads 2
//! ```
//!
//! The data is generated deterministically, so runs on the same machine are comparable;
//! generation time is reported apart from audit time. For the end-to-end benchmark of the
//! binary against a bare CSV pass and DuckDB, see `bench/run.sh`.

#[path = "support/mod.rs"]
mod support;

use clap::Parser;
use rebate_audit::app::cli::{Args as CliArgs, Command};
use rebate_audit::app::config::Config;
use std::path::PathBuf;
use std::time::Instant;

/// Generate (or reuse) a synthetic audit and time the pipeline on it.
#[derive(Debug, Parser)]
struct Options {
    /// Billing lines.
    #[arg(long, default_value_t = 1_000_000)]
    lines: u64,
    /// Billing CSV files.
    #[arg(long, default_value_t = 8)]
    files: usize,
    /// Contracts.
    #[arg(long, default_value_t = 400)]
    contracts: usize,
    /// Worker threads (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM"))
                .map(|line| {
                    line.split_whitespace()
                        .skip(1)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let options = Options::parse();
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench")
        .join(format!(
            "gen-{}-{}-{}",
            options.lines, options.files, options.contracts
        ));
    let started = Instant::now();
    let spec = support::Spec {
        lines: options.lines,
        files: options.files.max(1),
        contracts: options.contracts.max(1),
        layout: support::Layout::Generic,
        xlsx: false,
        parquet: false,
        contracts_csv: false,
        group: false,
        seed: 1,
    };
    let (contracts, billing, payouts) = if folder.join("payouts.csv").exists() {
        (
            folder.join("contracts.xlsx"),
            folder.join("billing"),
            folder.join("payouts.csv"),
        )
    } else {
        let generated = support::generate(&folder, &spec).expect("write the benchmark data");
        (generated.contracts, generated.billing, generated.payouts)
    };
    let generated = started.elapsed();
    let bytes: u64 = std::fs::read_dir(&billing)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0);
    // Parsed like the command line, so the benchmark follows the CLI's options.
    let path = |path: &PathBuf| path.display().to_string();
    let mut argv = vec![
        "rebate-audit".to_string(),
        "run".into(),
        "--contracts".into(),
        path(&contracts),
        "--billing".into(),
        path(&billing),
        "--payouts".into(),
        path(&payouts),
        "--as-of".into(),
        "2026-06-30".into(),
        "--out".into(),
        path(&folder.join("out")),
    ];
    if let Some(threads) = options.threads {
        argv.extend(["--threads".to_string(), threads.to_string()]);
    }
    let Command::Run(args) = CliArgs::try_parse_from(&argv)
        .expect("valid arguments")
        .command
    else {
        unreachable!("a run command");
    };
    let config = Config::new(
        &args,
        None,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date"),
    )
    .expect("valid arguments");
    let pool = rebate_audit::app::thread_pool(options.threads).expect("thread pool");
    let started = Instant::now();
    let cancel = rebate_audit::app::cancel::Cancel::never();
    let progress = rebate_audit::app::progress::Progress::hidden();
    let audit = pool
        .install(|| {
            let inputs = rebate_audit::app::discover::discover(
                &config,
                &rebate_audit::app::cancel::Cancel::never(),
            )
            .expect("the inputs exist");
            let services = rebate_audit::app::services::Services {
                cancel: &cancel,
                progress: &progress,
                limits: &config.limits,
            };
            rebate_audit::app::stages::audit(&config, &inputs, services)
        })
        .expect("the audit runs");
    let audited = started.elapsed();
    std::fs::create_dir_all(&config.out).expect("the output folder");
    pool.install(|| {
        rebate_audit::app::write::write_reports(&audit, config.lang, &config.out, &cancel)
    })
    .expect("reports write");
    let reported = started.elapsed() - audited;
    let lines: u64 = audit
        .billing_controls
        .iter()
        .map(|control| control.read.rows)
        .sum();
    println!(
        "data:      {} billing lines in {} files ({:.1} MiB), {} contracts (prepared in {:.2?})",
        lines,
        options.files,
        bytes as f64 / 1_048_576.0,
        options.contracts,
        generated
    );
    println!("threads:   {}", pool.current_num_threads());
    println!(
        "audit:     {audited:.2?}  ({:.0} lines/s, {:.1} MiB/s)",
        lines as f64 / audited.as_secs_f64(),
        bytes as f64 / 1_048_576.0 / audited.as_secs_f64()
    );
    println!(
        "reports:   {reported:.2?}  ({} installments, {} findings)",
        audit.installments.len(),
        audit.findings.len()
    );
    println!("peak RSS:  {}", peak_memory());
}
