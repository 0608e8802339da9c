//! `rebate-audit plan`: what a SQL engine needs to build the billing aggregate
//! (docs/AGGREGATE.md) — coverage, slices and products as CSV and Parquet, and plan.json
//! with the digest an aggregate's manifest must name.

use crate::app::aggregate::PlanFiles;
use crate::app::as_of::{self, AsOf};
use crate::app::cli::PlanArgs;
use crate::app::config::ConfigError;
use crate::app::discover::DiscoverError;
use crate::app::settings::Settings;
use crate::app::table_files::write_parquet;
use crate::app::{Outcome, RunError, stages};
use crate::attribute::ContractPlan;
use crate::attribute::aggregate::plan_tables;
use crate::domain::aggregate::PLAN_SCHEMA;
use std::path::PathBuf;

/// Writes the plan of `args` (over its `--config` file's `settings`) into `--out`.
///
/// # Errors
/// When the contracts or rulesets cannot be used, or the files cannot be written.
pub fn plan(args: &PlanArgs, settings: Option<&Settings>) -> Result<Outcome, RunError> {
    let file = settings.cloned().unwrap_or_default();
    let contracts = match (&args.contracts, &file.contracts) {
        (Some(path), _) => path.clone(),
        (None, Some(written)) => written.path.clone(),
        (None, None) => {
            return Err(ConfigError::Required(vec![("--contracts", "contracts")]).into());
        }
    };
    if !contracts.exists() {
        return Err(DiscoverError::Missing {
            option: "--contracts",
            path: contracts.display().to_string(),
        }
        .into());
    }
    let rulesets_folder: Option<PathBuf> = args
        .rulesets
        .clone()
        .or_else(|| file.rulesets.as_ref().map(|written| written.path.clone()));
    let today = as_of::today()?;
    let as_of = match args.as_of.as_ref().or(file.as_of.as_ref()) {
        None => today,
        Some(text) => AsOf::parse(text)
            .ok_or_else(|| ConfigError::AsOf(text.clone()))?
            .resolve(today),
    };
    let limits = file.limits.unwrap_or_default();
    let rulesets = stages::load_rulesets(rulesets_folder.as_deref())?;
    let book = stages::load_contracts(&contracts, &rulesets, &limits)?;
    let plans: Vec<ContractPlan> = book.contracts.into_iter().map(ContractPlan::new).collect();
    let tables = plan_tables(&plans, &rulesets);
    let files = PlanFiles::new(&tables)?;
    std::fs::create_dir_all(&args.out)?;
    let mut written = Vec::new();
    for (name, columns, rows, csv) in &files.tables {
        std::fs::write(args.out.join(format!("{name}.csv")), csv)?;
        write_parquet(
            &args.out.join(format!("{name}.parquet")),
            name,
            columns,
            rows,
        )?;
        written.push(serde_json::json!({
            "name": name,
            "rows": rows.len(),
            "csv_sha256": crate::domain::digest::sha256_hex(csv.as_bytes()),
        }));
    }
    let in_force: std::collections::BTreeSet<&str> = plans
        .iter()
        .map(|plan| plan.contract.ruleset.as_str())
        .collect();
    let plan_json = serde_json::json!({
        "schema": PLAN_SCHEMA,
        "digest": files.digest,
        "as_of": as_of.to_string(),
        "contracts": book.files.iter().map(|file| serde_json::json!({
            "path": file.path,
            "sha256": file.sha256,
            "bytes": file.bytes,
        })).collect::<Vec<_>>(),
        "rulesets": in_force.iter().filter_map(|name| rulesets.get(name)).map(|ruleset| serde_json::json!({
            "name": ruleset.name,
            "origin": ruleset.origin,
            "sha256": ruleset.sha256,
        })).collect::<Vec<_>>(),
        "tables": written,
    });
    let mut text = serde_json::to_string_pretty(&plan_json).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(args.out.join("plan.json"), text)?;
    crate::app::stdout::print(&format!(
        "plan {} written to {}: {} coverage rows, {} slices, {} product names\n",
        files.digest,
        args.out.display(),
        tables.coverage.len(),
        tables.slices.len(),
        tables.products.len()
    ))?;
    Ok(Outcome::Clean)
}
