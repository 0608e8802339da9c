//! Times the stages before the reports one at a time — load contracts, read payouts,
//! compute, reconcile — in CPU seconds (every thread's user and system time, from
//! `/proc/self/stat`, in clock ticks of 10 ms), so a stage's cost on a machine shared with
//! other work can be told apart from the rest of the run. Used for the "stages before the
//! reports" section of docs/BENCHMARK.md.
//!
//! ```sh
//! cargo run --release --example stages -- target/bench-data/group-1000000-4000 reconcile 10
//! ```
//!
//! Prepares everything the stage needs once (the billing is read once), then runs STAGE
//! (`contracts`, `payouts`, `compute`, `reconcile` or `none`) REPEAT times and prints the
//! CPU and wall time per run. Under `perf stat`, the instructions of one run of a stage
//! are the difference between REPEAT = 11 and REPEAT = 1, divided by 10. Linux only.

use rebate_audit::app::billing::read_billing;
use rebate_audit::app::cancel::Cancel;
use rebate_audit::app::cli::RunArgs;
use rebate_audit::app::config::Config;
use rebate_audit::app::progress::Progress;
use rebate_audit::app::services::Services;
use rebate_audit::app::stages::{
    billing_layouts, compute, load_contracts, load_rulesets, read_payouts, reconcile,
};
use rebate_audit::attribute::ContractPlan;
use rebate_audit::ingest::table::Limits;
use std::path::PathBuf;
use std::time::Instant;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::cpu_seconds;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: stages DIR contracts|payouts|compute|reconcile|none [REPEAT]";
    let dir = PathBuf::from(args.next().expect(usage));
    let stage = args.next().expect(usage);
    let repeat: usize = args.next().map_or(5, |repeat| repeat.parse().unwrap());
    let limits = Limits::default();
    let rulesets = load_rulesets(None).unwrap();
    let contracts = dir.join("contracts.xlsx");
    let book = load_contracts(&contracts, &rulesets, &limits).unwrap();
    let layouts = billing_layouts(&rulesets, None).unwrap();
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("billing"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let payout_files = vec![dir.join("payouts.csv")];
    let cancel = Cancel::never();
    let progress = Progress::hidden();
    let services = Services {
        cancel: &cancel,
        progress: &progress,
        limits: &limits,
    };
    let billing = read_billing(&files, &layouts, &plans, &rulesets, services).unwrap();
    let billing = billing.totals;
    let payouts = read_payouts(&payout_files, services).unwrap();
    let run_args = RunArgs {
        contracts: Some(contracts.clone()),
        billing: files.clone(),
        payouts: payout_files.clone(),
        as_of: Some("2026-06-30".to_string()),
        ..RunArgs::default()
    };
    let config = Config::new(&run_args, None, chrono::NaiveDate::MIN).unwrap();
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let mut count = 0;
    for _ in 0..repeat {
        count = match stage.as_str() {
            "contracts" => load_contracts(&contracts, &rulesets, &limits)
                .unwrap()
                .contracts
                .len(),
            "payouts" => read_payouts(&payout_files, services)
                .unwrap()
                .ledgers
                .payouts
                .len(),
            "compute" => compute(&plans, &rulesets, &billing).unwrap().len(),
            "reconcile" => {
                let computed = compute(&plans, &rulesets, &billing).unwrap();
                reconcile(
                    &plans,
                    &rulesets,
                    &billing,
                    computed,
                    &payouts.ledgers.payouts,
                    &config,
                )
                .unwrap()
                .findings
                .len()
            }
            "none" => 0,
            other => panic!("unknown stage {other}; {usage}"),
        };
    }
    let runs = repeat.max(1) as f64;
    println!(
        "{}: {stage} x{repeat}: {:.3} s CPU, {:.3} s wall per run ({count} out)",
        dir.display(),
        (cpu_seconds() - cpu) / runs,
        wall.elapsed().as_secs_f64() / runs,
    );
}
