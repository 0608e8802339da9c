//! The billing aggregate (docs/AGGREGATE.md): the plan's tables as files and their digest
//! ([`PlanFiles`]), and the read-aggregate stage that stands in for read billing under
//! `run --aggregate` ([`read_aggregate`]): manifest, plan digest, every cell, the
//! manifest's totals and every row against the plan checked before any row is used.

use crate::app::billing::BillingStage;
use crate::app::services::{AggregateProblems, Services, StageError};
use crate::app::table_files::{Column, Kind, Value, csv_text};
use crate::attribute::aggregate::{AggregateAttributor, plan_tables};
use crate::attribute::{BillingTotals, ContractPlan};
use crate::domain::aggregate::{AGGREGATE_FORMAT, PlanTables};
use crate::domain::audit::{InputFile, InputRole};
use crate::domain::digest::sha256_hex;
use crate::domain::location::Location;
use crate::domain::money::{self, Overflow};
use crate::ingest::aggregate::{self, MAX_PROBLEMS, Manifest, Problem, ReadRows};
use crate::reconcile::quality::{self, shown};
use crate::ruleset::Rulesets;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;
use tracing::field::Empty;

/// One table of the plan: its name, columns, rows and CSV text.
pub type PlanFile = (&'static str, &'static [Column], Vec<Vec<Value>>, String);

/// The plan's three tables as CSV texts, their rows for Parquet, and the plan's digest.
#[derive(Debug, Clone)]
pub struct PlanFiles {
    /// (name, columns, rows, CSV text), in the order `coverage`, `slices`, `products`.
    pub tables: Vec<PlanFile>,
    /// SHA-256 of the three CSV texts one after the other: what an aggregate's manifest
    /// names as its `plan`.
    pub digest: String,
}

const fn column(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        optional: false,
    }
}

/// The coverage table's columns.
pub const COVERAGE: [Column; 6] = [
    column("contract_id", Kind::Text),
    column("account_id", Kind::Text),
    column("ruleset", Kind::Text),
    column("currency", Kind::Text),
    column("valid_from", Kind::Date),
    column("valid_to", Kind::Date),
];
/// The slices table's columns.
pub const SLICES: [Column; 3] = [
    column("contract_id", Kind::Text),
    column("slice_start", Kind::Date),
    column("slice_end", Kind::Date),
];
/// The products table's columns.
pub const PRODUCTS: [Column; 3] = [
    column("ruleset", Kind::Text),
    column("name_folded", Kind::Text),
    column("product", Kind::Text),
];

impl PlanFiles {
    /// The files of `tables`.
    ///
    /// # Errors
    /// Never in practice (the CSV writer writes into memory).
    pub fn new(tables: &PlanTables) -> std::io::Result<PlanFiles> {
        let text = |value: &String| Value::Text(value.clone());
        let coverage: Vec<Vec<Value>> = tables
            .coverage
            .iter()
            .map(|row| {
                vec![
                    text(&row.contract_id),
                    text(&row.account_id),
                    text(&row.ruleset),
                    text(&row.currency),
                    Value::Date(row.valid_from),
                    Value::Date(row.valid_to),
                ]
            })
            .collect();
        let slices: Vec<Vec<Value>> = tables
            .slices
            .iter()
            .map(|(id, slice)| vec![text(id), Value::Date(slice.start), Value::Date(slice.end)])
            .collect();
        let products: Vec<Vec<Value>> = tables
            .products
            .iter()
            .map(|row| {
                vec![
                    text(&row.ruleset),
                    text(&row.name_folded),
                    text(&row.product),
                ]
            })
            .collect();
        let mut files = Vec::new();
        let mut all = String::new();
        for (name, columns, rows) in [
            ("coverage", &COVERAGE[..], coverage),
            ("slices", &SLICES[..], slices),
            ("products", &PRODUCTS[..], products),
        ] {
            let csv = csv_text(columns, &rows)?;
            all.push_str(&csv);
            files.push((name, columns, rows, csv));
        }
        Ok(PlanFiles {
            tables: files,
            digest: sha256_hex(all.as_bytes()),
        })
    }
}

/// The digest of the plan the current contracts and rulesets make.
///
/// # Errors
/// Never in practice.
pub fn plan_digest(plans: &[ContractPlan], rulesets: &Rulesets) -> std::io::Result<String> {
    Ok(PlanFiles::new(&plan_tables(plans, rulesets))?.digest)
}

fn stop(problems: Vec<Problem>) -> StageError {
    StageError::Aggregate(AggregateProblems(problems))
}

/// Read aggregate: the aggregate in `folder` checked whole, then its rows summed into
/// the totals read billing would have given, one ledger per file, merged in path order.
///
/// # Errors
/// [`StageError::Aggregate`] naming every problem found (file, row, column, what);
/// overflow; interruption.
pub fn read_aggregate(
    folder: &Path,
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    services: Services<'_>,
) -> Result<BillingStage, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "read aggregate",
        files = Empty,
        rows = Empty
    )
    .entered();
    let manifest_path = folder.join("manifest.json");
    let manifest_shown = shown(&manifest_path);
    let (manifest, manifest_bytes) = aggregate::manifest(&manifest_path, &manifest_shown)
        .map_err(|problem| stop(vec![problem]))?;
    let at_manifest = |key: &str| Location::file(manifest_shown.clone()).at_column(key);
    let digest = plan_digest(plans, rulesets).map_err(|error| {
        stop(vec![Problem {
            location: at_manifest("plan"),
            message: format!("cannot work out the current plan: {error}"),
        }])
    })?;
    if manifest.plan != digest {
        return Err(stop(vec![Problem {
            location: at_manifest("plan"),
            message: format!(
                "the aggregate was made from plan {}, but the current contracts and rulesets make plan {digest}: run `rebate-audit plan` again and rebuild the aggregate from it",
                manifest.plan
            ),
        }]));
    }
    let files = aggregate::files(folder).map_err(|problem| stop(vec![problem]))?;
    if files.is_empty() {
        return Err(stop(vec![Problem {
            location: Location::file(shown(folder)),
            message: "the folder holds no .csv or .parquet file of the aggregate".into(),
        }]));
    }
    span.record("files", files.len());
    let read: Vec<Result<ReadRows, Vec<Problem>>> = files
        .par_iter()
        .map(|file| aggregate::read_rows(file, shown(&file.path), services.limits))
        .collect();
    services.cancel.check()?;
    let mut problems = Vec::new();
    let mut tables = Vec::new();
    for result in read {
        match result {
            Ok(rows) => tables.push(rows),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(stop(problems));
    }
    check_totals(&manifest, &tables, at_manifest)?;
    let attributor = AggregateAttributor::new(plans, rulesets);
    let manifest_sha = sha256_hex(&manifest_bytes);
    let mut stage = BillingStage {
        totals: BillingTotals::new(plans),
        inputs: vec![InputFile {
            role: InputRole::Aggregate,
            path: manifest_shown.to_string(),
            sha256: Some(manifest_sha.clone()),
            bytes: manifest_bytes.len() as u64,
            encoding: None,
            rows: 0,
            hidden_sheets: Vec::new(),
            formats: Vec::new(),
        }],
        findings: Vec::new(),
    };
    let overflow = |Overflow| StageError::Overflow("(billing aggregate)".into());
    // The trail names aggregate rows, not billing rows, and the manifest they answer to.
    let label: std::sync::Arc<str> =
        format!("aggregate rows, manifest {}", &manifest_sha[..12]).into();
    for (file, read) in files.iter().zip(&tables) {
        let location = Location::sheet(shown(&file.path), Some(label.clone()));
        let ledger = attributor
            .ledger(&location, &read.rows, MAX_PROBLEMS)
            .map_err(|found| {
                stop(
                    found
                        .into_iter()
                        .map(|problem| Problem {
                            location: Location {
                                sheet: None,
                                ..problem.location
                            },
                            message: problem.message,
                        })
                        .collect(),
                )
            })?;
        stage.inputs.push(InputFile {
            role: InputRole::Aggregate,
            path: shown(&file.path).to_string(),
            sha256: Some(read.digest.sha256.clone()),
            bytes: read.digest.bytes,
            encoding: read.digest.encoding,
            rows: read.rows.len() as u64,
            hidden_sheets: Vec::new(),
            formats: vec![AGGREGATE_FORMAT.to_string()],
        });
        stage.totals.absorb(ledger).map_err(overflow)?;
    }
    services.cancel.check()?;
    stage
        .findings
        .extend(quality::billing_findings(&stage.totals, plans));
    span.record(
        "rows",
        tables.iter().map(|table| table.rows.len()).sum::<usize>(),
    );
    Ok(stage)
}

/// What the rows of one currency add up to.
#[derive(Default)]
struct Sums {
    lines: u64,
    net: Decimal,
    list: Decimal,
    voucher: Decimal,
}

/// The manifest's counts and totals against the rows read: rows, lines (and lines read
/// against lines summed), and per currency lines and Σ net, list and voucher.
fn check_totals(
    manifest: &Manifest,
    tables: &[ReadRows],
    at: impl Fn(&str) -> Location,
) -> Result<(), StageError> {
    let overflow = |Overflow| StageError::Overflow("(billing aggregate)".into());
    let rows: u64 = tables.iter().map(|table| table.rows.len() as u64).sum();
    let mut by_currency: BTreeMap<&str, Sums> = BTreeMap::new();
    let mut lines = 0u64;
    for (_, row) in tables.iter().flat_map(|table| &table.rows) {
        let sums = by_currency.entry(row.currency.as_str()).or_default();
        sums.lines += row.lines;
        lines += row.lines;
        sums.net = money::add(sums.net, row.net_amount).map_err(overflow)?;
        sums.list = money::add(sums.list, row.list_amount).map_err(overflow)?;
        sums.voucher = money::add(sums.voucher, row.voucher_amount).map_err(overflow)?;
    }
    let mut problems = Vec::new();
    let differ = |key: &str, stated: String, found: String| Problem {
        location: at(key),
        message: format!("the manifest says {stated}, the aggregate's rows add up to {found}"),
    };
    if manifest.rows != rows {
        problems.push(differ("rows", manifest.rows.to_string(), rows.to_string()));
    }
    if manifest.totals.lines != lines {
        problems.push(differ(
            "totals.lines",
            manifest.totals.lines.to_string(),
            lines.to_string(),
        ));
    }
    let sources: u64 = manifest.sources.iter().map(|source| source.rows).sum();
    if !manifest.sources.is_empty() && sources != manifest.totals.rows_in {
        problems.push(Problem {
            location: at("totals.rows_in"),
            message: format!(
                "the manifest's sources hold {sources} rows, but it says {} were read",
                manifest.totals.rows_in
            ),
        });
    }
    if manifest.totals.rows_in != manifest.totals.lines {
        problems.push(Problem {
            location: at("totals.lines"),
            message: format!(
                "{} lines were read but {} summed: the aggregate leaves lines out, and their spend with them",
                manifest.totals.rows_in, manifest.totals.lines
            ),
        });
    }
    let empty = Sums::default();
    let currencies: std::collections::BTreeSet<&str> = by_currency
        .keys()
        .copied()
        .chain(manifest.totals.by_currency.keys().map(String::as_str))
        .collect();
    for currency in currencies {
        let found = by_currency.get(currency).unwrap_or(&empty);
        let stated = manifest.totals.by_currency.get(currency);
        let key = |what: &str| format!("totals.by_currency.{currency}.{what}");
        let Some(stated) = stated else {
            problems.push(Problem {
                location: at(&format!("totals.by_currency.{currency}")),
                message: format!(
                    "the rows hold {currency} amounts, the manifest has no totals for {currency}"
                ),
            });
            continue;
        };
        if stated.lines != found.lines {
            problems.push(differ(
                &key("lines"),
                stated.lines.to_string(),
                found.lines.to_string(),
            ));
        }
        for (what, stated, found) in [
            ("net_amount", stated.net_amount, found.net),
            ("list_amount", stated.list_amount, found.list),
            ("voucher_amount", stated.voucher_amount, found.voucher),
        ] {
            if stated != found {
                problems.push(differ(&key(what), stated.to_string(), found.to_string()));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(stop(problems))
    }
}
