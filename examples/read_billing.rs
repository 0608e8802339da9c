//! Times the read-billing stage alone, in CPU seconds (every thread's user and system
//! time, from `/proc/self/stat`, in clock ticks of 10 ms): on a machine shared with other
//! work, CPU time moves far less with the load than wall time does. Used for the
//! attribution line of docs/BENCHMARK.md (many contracts).
//!
//! ```sh
//! cargo run --release --example read_billing -- target/bench-data/group-1000000-4000 5
//! ```
//!
//! Reads `DIR/contracts.xlsx` and every file of `DIR/billing/` REPEAT times (default 3)
//! and prints the best CPU and wall time and the rows read. Linux only.

use rebate_audit::app::billing::read_billing;
use rebate_audit::app::cancel::Cancel;
use rebate_audit::app::progress::Progress;
use rebate_audit::app::services::Services;
use rebate_audit::app::stages::{billing_layouts, load_contracts, load_rulesets};
use rebate_audit::attribute::ContractPlan;
use rebate_audit::ingest::table::Limits;
use std::path::PathBuf;
use std::time::Instant;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

// The binary's allocator (src/main.rs), so the stage is timed as `rebate-audit run` runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: read_billing DIR [REPEAT]"));
    let repeat: usize = args.next().map_or(3, |repeat| repeat.parse().unwrap());
    let limits = Limits::default();
    let rulesets = load_rulesets(None).unwrap();
    let book = load_contracts(&dir.join("contracts.xlsx"), &rulesets, &limits).unwrap();
    let layouts = billing_layouts(&rulesets, None).unwrap();
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("billing"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let cancel = Cancel::never();
    let progress = Progress::hidden();
    let services = Services {
        cancel: &cancel,
        progress: &progress,
        limits: &limits,
    };
    let (mut best_cpu, mut best_wall, mut rows) = (f64::MAX, f64::MAX, 0);
    for _ in 0..repeat {
        let (cpu, wall) = (cpu_seconds(), Instant::now());
        let stage = read_billing(&files, &layouts, &plans, &rulesets, services).unwrap();
        best_wall = best_wall.min(wall.elapsed().as_secs_f64());
        rows = stage
            .totals
            .tables
            .iter()
            .map(|table| table.read.rows)
            .sum::<u64>();
        drop(stage);
        best_cpu = best_cpu.min(cpu_seconds() - cpu);
    }
    println!(
        "{}: {} contracts, {rows} rows: read billing best of {repeat}: {best_cpu:.3} s CPU, {best_wall:.3} s wall",
        dir.display(),
        plans.len()
    );
}
