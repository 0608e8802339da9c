//! Generates a large, realistic audit: the contract workbook, billing exports and a payout
//! ledger that roughly matches them. Deterministic: the same arguments write the same bytes.
//!
//! ```sh
//! cargo run --release --example gen -- --out target/bench-data/10m --lines 10000000 --files 8 --contracts 400
//! cargo run --release --example gen -- --out target/bench-data/10m-parquet --lines 10000000 --files 8 --contracts 400 --parquet
//! cargo run --release --example gen -- --out target/bench-data/aliyun --lines 1000000 --contracts 400 --layout aliyun --xlsx
//! cargo run --release --example gen -- --out target/bench-data/group-4000 --lines 1000000 --files 2 --contracts 4000 --group
//! ```
//!
//! Writes `OUT/contracts.xlsx` (or `OUT/contracts/*.csv` with `--contracts-csv`),
//! `OUT/billing/` (F CSV files, or one `.xlsx` with `--xlsx`) and `OUT/payouts.csv`, last:
//! its presence means the data set is complete. Audit it as of 2026-06-30. See
//! `examples/support/generator.rs` for what the data looks like.

#[path = "support/mod.rs"]
mod support;

use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// The generic template (docs/INPUTS.md), eleven columns.
    Generic,
    /// Alibaba Cloud's 41-column Chinese bill detail (明细账单).
    Aliyun,
}

/// Generate a synthetic audit (contracts, billing, payouts).
#[derive(Debug, Parser)]
struct Args {
    /// Folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Billing lines in total.
    #[arg(long, default_value_t = 1_000_000)]
    lines: u64,
    /// Billing files (ignored with --xlsx: one workbook).
    #[arg(long, default_value_t = 8)]
    files: usize,
    /// Contracts.
    #[arg(long, default_value_t = 400)]
    contracts: usize,
    /// Billing layout.
    #[arg(long, value_enum, default_value_t = LayoutArg::Generic)]
    layout: LayoutArg,
    /// One .xlsx billing workbook instead of CSV files (at most 1,048,575 lines).
    #[arg(long)]
    xlsx: bool,
    /// Snappy Parquet billing files instead of CSV files (generic layout only), as AWS and
    /// Azure exports write them.
    #[arg(long)]
    parquet: bool,
    /// Write the contract workbook as a folder of CSVs instead of contracts.xlsx.
    #[arg(long)]
    contracts_csv: bool,
    /// A group-wide audit's shape (issue 17): two accounts per contract, every contract
    /// settled quarterly over 2024–2025, lines in random account order, one payout of a
    /// random amount per contract-quarter.
    #[arg(long)]
    group: bool,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() {
    let args = Args::parse();
    if args.parquet && (args.xlsx || matches!(args.layout, LayoutArg::Aliyun)) {
        eprintln!(
            "gen: --parquet writes the generic layout only, not with --xlsx or --layout aliyun"
        );
        std::process::exit(2);
    }
    let spec = support::Spec {
        lines: args.lines,
        files: args.files.max(1),
        contracts: args.contracts.max(1),
        layout: match args.layout {
            LayoutArg::Generic => support::Layout::Generic,
            LayoutArg::Aliyun => support::Layout::Aliyun,
        },
        xlsx: args.xlsx,
        parquet: args.parquet,
        contracts_csv: args.contracts_csv,
        group: args.group,
        seed: args.seed,
    };
    let started = Instant::now();
    match support::generate(&args.out, &spec) {
        Ok(generated) => {
            println!("contracts: {}", generated.contracts.display());
            println!(
                "billing:   {} ({} lines in {} files, {} bytes, {:.0} bytes a line)",
                generated.billing.display(),
                generated.lines,
                generated.billing_files.len(),
                generated.bytes,
                generated.bytes as f64 / generated.lines.max(1) as f64
            );
            println!(
                "payouts:   {} ({} payouts for {} installments)",
                generated.payouts.display(),
                generated.payout_rows,
                generated.installments
            );
            println!("written in {:.1} s", started.elapsed().as_secs_f64());
        }
        Err(error) => {
            eprintln!("gen: {}: {error}", args.out.display());
            std::process::exit(1);
        }
    }
}
