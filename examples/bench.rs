//! A rerunnable throughput benchmark: generates a synthetic audit (contracts, billing CSVs,
//! payouts) of the requested size under `target/bench/`, then runs the real pipeline on it
//! and reports lines per second and peak memory.
//!
//! ```sh
//! cargo run --release --example bench -- --lines 2000000 --files 8 --contracts 400 --threads 2
//! ```
//!
//! The data is generated deterministically, so runs on the same machine are comparable;
//! generation time is reported apart from audit time.

use rebate_audit::cli::{FailOn, RunArgs};
use rebate_audit::config::Config;
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Options {
    lines: usize,
    files: usize,
    contracts: usize,
    threads: Option<usize>,
}

fn options() -> Options {
    let mut options = Options {
        lines: 1_000_000,
        files: 8,
        contracts: 400,
        threads: None,
    };
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    for pair in arguments.chunks(2) {
        let value = pair.get(1).and_then(|value| value.parse::<usize>().ok());
        match (pair[0].as_str(), value) {
            ("--lines", Some(value)) => options.lines = value,
            ("--files", Some(value)) => options.files = value.max(1),
            ("--contracts", Some(value)) => options.contracts = value.max(1),
            ("--threads", Some(value)) => options.threads = Some(value),
            _ => {
                eprintln!("usage: bench [--lines N] [--files N] [--contracts N] [--threads N]");
                std::process::exit(2);
            }
        }
    }
    options
}

/// A small deterministic generator (64-bit LCG), so every run writes the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn generate(folder: &Path, options: &Options) -> std::io::Result<(PathBuf, PathBuf, PathBuf)> {
    let contracts = folder.join("contracts");
    let billing = folder.join("billing");
    std::fs::create_dir_all(&contracts)?;
    std::fs::create_dir_all(&billing)?;
    let mut sheet = String::from(
        "contract_id,accounts,start,end,tier_basis,tier_mode,settlement,due_days,cap,late_interest\n",
    );
    let mut tiers = String::from("contract_id,from,to,rate\n");
    let mut products = String::from("contract_id,product,coefficient\n");
    for contract in 0..options.contracts {
        let (basis, mode, settlement) = match contract % 4 {
            0 => ("contract_year", "retroactive", "quarterly"),
            1 => ("period", "marginal", "monthly"),
            2 => ("term", "retroactive", "annual"),
            _ => ("contract_year", "marginal", "transparent"),
        };
        let _ = writeln!(
            sheet,
            "C{contract:05},\"A{contract:05}-1,A{contract:05}-2,A{contract:05}-3\",2024-01-01,2025-12-31,{basis},{mode},{settlement},30,{},0.05%",
            if contract % 5 == 0 { "500000" } else { "" }
        );
        let _ = writeln!(
            tiers,
            "C{contract:05},0,100000,0%\nC{contract:05},100000,1000000,15%\nC{contract:05},1000000,,22%"
        );
        let _ = writeln!(products, "C{contract:05},RDS,0.5\nC{contract:05},SLB,0");
    }
    std::fs::write(contracts.join("contracts.csv"), sheet)?;
    std::fs::write(contracts.join("tiers.csv"), tiers)?;
    std::fs::write(contracts.join("products.csv"), products)?;
    let names = ["ECS", "OSS", "RDS", "SLB", "CDN", "云服务器ECS"];
    let per_file = options.lines.div_ceil(options.files);
    let mut random = Lcg(42);
    for file in 0..options.files {
        let path = billing.join(format!("bill-{file:02}.csv"));
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        writeln!(
            out,
            "account_id,billing_month,date,product,instance_id,list_amount,discount,net_amount,currency"
        )?;
        for _ in 0..per_file {
            let contract = random.next() as usize % options.contracts;
            let account = random.next() % 3 + 1;
            let month = random.next() % 24;
            let (year, month) = (2024 + month / 12, month % 12 + 1);
            let day = random.next() % 28 + 1;
            let product = names[random.next() as usize % names.len()];
            let cents = random.next() % 2_000_000;
            let discount = cents / 10;
            writeln!(
                out,
                "A{contract:05}-{account},{year}-{month:02},{year}-{month:02}-{day:02},{product},i-{:08x},{}.{:02},{}.{:02},{}.{:02},CNY",
                random.next(),
                cents / 100,
                cents % 100,
                discount / 100,
                discount % 100,
                (cents - discount) / 100,
                (cents - discount) % 100
            )?;
        }
        out.flush()?;
    }
    let mut payouts = String::from("payout_id,contract_id,paid_on,amount,kind\n");
    for contract in 0..options.contracts {
        for quarter in 0..8 {
            let _ = writeln!(
                payouts,
                "P{contract:05}-{quarter},C{contract:05},{}-{:02}-15,{}.00,cash",
                2024 + quarter / 4,
                (quarter % 4) * 3 + 2,
                10_000 + quarter * 1_000
            );
        }
    }
    let payouts_path = folder.join("payouts.csv");
    std::fs::write(&payouts_path, payouts)?;
    Ok((contracts, billing, payouts_path))
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
    let options = options();
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench")
        .join(format!(
            "{}-{}-{}",
            options.lines, options.files, options.contracts
        ));
    let started = Instant::now();
    let (contracts, billing, payouts) = if folder.join("payouts.csv").exists() {
        (
            folder.join("contracts"),
            folder.join("billing"),
            folder.join("payouts.csv"),
        )
    } else {
        generate(&folder, &options).expect("write the benchmark data")
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
    let args = RunArgs {
        contracts,
        billing: vec![billing],
        payouts: vec![payouts],
        as_of: Some("2026-06-30".into()),
        out: folder.join("out"),
        rulesets: None,
        format: None,
        fail_on: FailOn::Warning,
        threads: options.threads,
        quiet: true,
    };
    let config = Config::from_args(
        &args,
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date"),
    )
    .expect("valid arguments");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .expect("thread pool");
    let started = Instant::now();
    let audit = pool
        .install(|| rebate_audit::pipeline::audit(&config))
        .expect("the audit runs");
    let audited = started.elapsed();
    rebate_audit::report::write_all(&audit, &config.out).expect("reports write");
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
