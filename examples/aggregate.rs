//! The reference implementation of the billing aggregate (docs/AGGREGATE.md): what the
//! shipped SQL computes, in Rust, from the plan's CSV tables — the answer real engines
//! (DuckDB, Spark, …) are compared with.
//!
//! ```sh
//! rebate-audit plan --config samples/audit.toml --out target/plan
//! cargo run --example aggregate -- --plan target/plan --billing samples/billing --out target/aggregate
//! rebate-audit run --config samples/audit.toml --aggregate target/aggregate --out target/audit-agg
//! ```
//!
//! Billing lines are read with rebate-audit's own readers (any format it knows), so a
//! line's product name arrives as its format's ruleset names it; from there on every step
//! is the SQL's: the line's day (its charge date, else the first day of its billing
//! month), the coverage row of its account and currency whose `[valid_from, valid_to)`
//! holds the day, the slice of that contract holding it, the product through the
//! products table by `LOWER(TRIM(name))` (else the folded name), and the sums per
//! (contract, account, slice, billing month, product, currency, source). Lines no
//! coverage row matches keep an empty contract and slice. A file whose bytes repeat an
//! earlier one is skipped, as the line route skips it.

use chrono::NaiveDate;
use clap::Parser;
use rebate_audit::app::table_files::{Column, Kind, Value, csv_text, write_parquet};
use rebate_audit::domain::billing::BillingLine;
use rebate_audit::domain::expected::RowReason;
use rebate_audit::domain::location::Location;
use rebate_audit::ingest::billing::{BillingReader, BillingSink, Recognised};
use rebate_audit::ingest::table::{self, Limits};
use rebate_audit::ruleset::Rulesets;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Build the billing aggregate from a plan and billing files, as the shipped SQL does.
#[derive(Debug, Parser)]
pub struct Args {
    /// The folder `rebate-audit plan` wrote.
    #[arg(long)]
    pub plan: PathBuf,
    /// Billing files or folders (searched recursively, in path order).
    #[arg(long, num_args = 1..)]
    pub billing: Vec<PathBuf>,
    /// A folder of ruleset TOML files, as for `run`.
    #[arg(long)]
    pub rulesets: Option<PathBuf>,
    /// The folder to write the aggregate and manifest.json into.
    #[arg(long)]
    pub out: PathBuf,
    /// Parquet files partitioned by `billing_month=YYYY-MM` folders instead of one CSV.
    #[arg(long)]
    pub parquet: bool,
}

/// The aggregate's columns, in the documented order.
const COLUMNS: [Column; 15] = [
    col("contract_id", Kind::Text, true),
    col("account_id", Kind::Text, false),
    col("slice_start", Kind::Date, true),
    col("slice_end", Kind::Date, true),
    col("billing_month", Kind::Text, false),
    col("product", Kind::Text, false),
    col("currency", Kind::Text, false),
    col("list_amount", Kind::Decimal, false),
    col("lines_without_list", Kind::Count, false),
    col("net_amount", Kind::Decimal, false),
    col("voucher_amount", Kind::Decimal, false),
    col("lines", Kind::Count, false),
    col("first_charge_date", Kind::Date, false),
    col("last_charge_date", Kind::Date, false),
    col("source", Kind::Text, false),
];

const fn col(name: &'static str, kind: Kind, optional: bool) -> Column {
    Column {
        name,
        kind,
        optional,
    }
}

/// A coverage row: valid from, valid to (exclusive), contract, ruleset.
type Covering = (NaiveDate, NaiveDate, String, String);

/// The plan's tables, indexed as the SQL's joins use them.
struct Plan {
    digest: String,
    /// (account, currency) → (valid_from, valid_to, contract, ruleset).
    coverage: HashMap<(String, String), Vec<Covering>>,
    /// contract → (start, end).
    slices: HashMap<String, Vec<(NaiveDate, NaiveDate)>>,
    /// (ruleset, name_folded) → product.
    products: HashMap<(String, String), String>,
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|error| {
        panic!("cannot read {}: {error}", path.display());
    });
    reader
        .records()
        .map(|record| {
            record
                .expect("a plan row")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a plan date")
}

impl Plan {
    fn load(folder: &Path) -> Plan {
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(folder.join("plan.json")).expect("plan.json"))
                .expect("plan.json is JSON");
        let mut coverage: HashMap<_, Vec<_>> = HashMap::new();
        for row in read_csv(&folder.join("coverage.csv")) {
            coverage
                .entry((row[1].clone(), row[3].clone()))
                .or_default()
                .push((day(&row[4]), day(&row[5]), row[0].clone(), row[2].clone()));
        }
        let mut slices: HashMap<_, Vec<_>> = HashMap::new();
        for row in read_csv(&folder.join("slices.csv")) {
            slices
                .entry(row[0].clone())
                .or_default()
                .push((day(&row[1]), day(&row[2])));
        }
        let products = read_csv(&folder.join("products.csv"))
            .into_iter()
            .map(|row| ((row[0].clone(), row[1].clone()), row[2].clone()))
            .collect();
        Plan {
            digest: json["digest"]
                .as_str()
                .expect("plan.json has a digest")
                .to_string(),
            coverage,
            slices,
            products,
        }
    }
}

/// One aggregate row's key: contract, account, slice, billing month, product, currency,
/// source.
type Key = (
    String,
    String,
    Option<(NaiveDate, NaiveDate)>,
    String,
    String,
    String,
    String,
);

#[derive(Default)]
struct Sums {
    list: Decimal,
    without_list: u64,
    net: Decimal,
    voucher: Decimal,
    lines: u64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

/// The lines of one billing file summed into the aggregate.
struct Summer<'p> {
    plan: &'p Plan,
    source: String,
    groups: BTreeMap<Key, Sums>,
    lines: u64,
}

impl BillingSink for Summer<'_> {
    fn begin_table(&mut self, _table: &Location, _recognised: Option<&Recognised<'_>>) {}

    fn line(&mut self, _row: usize, line: BillingLine<'_>) {
        self.lines += 1;
        let date = line.effective_date();
        let name = line.product.trim().to_lowercase();
        let covering = self
            .plan
            .coverage
            .get(&(line.account_id.to_string(), line.currency.to_string()))
            .and_then(|rows| {
                rows.iter()
                    .find(|(from, to, _, _)| *from <= date && date < *to)
            });
        let (contract, slice, product) = match covering {
            Some((_, _, contract, ruleset)) => {
                let slice = self.plan.slices.get(contract).and_then(|slices| {
                    slices
                        .iter()
                        .find(|(start, end)| *start <= date && date < *end)
                        .copied()
                });
                let product = self
                    .plan
                    .products
                    .get(&(ruleset.clone(), name.clone()))
                    .cloned()
                    .unwrap_or(name);
                (contract.clone(), slice, product)
            }
            None => (String::new(), None, name),
        };
        let key = (
            contract,
            line.account_id.to_string(),
            slice,
            line.billing_month.to_string(),
            product,
            line.currency.to_string(),
            self.source.clone(),
        );
        let sums = self.groups.entry(key).or_default();
        match line.list_amount {
            Some(list) => sums.list += list,
            None => sums.without_list += 1,
        }
        sums.net += line.net_amount;
        sums.voucher += line.voucher;
        sums.lines += 1;
        sums.first = Some(sums.first.map_or(date, |first| first.min(date)));
        sums.last = Some(sums.last.map_or(date, |last| last.max(date)));
    }

    fn reject(&mut self, _location: Location, _reason: RowReason, _net: Option<Decimal>) {}
    fn blank(&mut self, _row: usize) {}
    fn above_header(&mut self, _row: usize) {}
    fn totals(&mut self, _row: usize, _net: Option<Decimal>) {}
}

fn files_of(path: &Path, into: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("a readable folder")
            .map(|entry| entry.expect("an entry").path())
            .collect();
        entries.sort();
        for entry in entries {
            files_of(&entry, into);
        }
    } else {
        into.push(path.to_path_buf());
    }
}

fn main() {
    println!("{}", build(&Args::parse()));
}

/// Builds the aggregate `args` asks for; says what it wrote. (The integration tests call
/// it directly: tests/it/aggregate.rs.)
pub fn build(args: &Args) -> String {
    let plan = Plan::load(&args.plan);
    let rulesets = Rulesets::load(args.rulesets.as_deref()).expect("rulesets");
    let layouts: Vec<_> = rulesets.billing_layouts().collect();
    let mut files = Vec::new();
    for path in &args.billing {
        files_of(path, &mut files);
    }
    let mut groups = BTreeMap::new();
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    let mut rows_in = 0u64;
    for path in files {
        let shown = path.display().to_string();
        let summer = Summer {
            plan: &plan,
            source: shown.clone(),
            groups: BTreeMap::new(),
            lines: 0,
        };
        let mut reader = BillingReader::new(layouts.clone(), summer);
        let digest = table::read_file(&path, shown.clone().into(), &mut reader, &Limits::default());
        let (summer, _) = reader.finish();
        let (lines, summed) = (summer.lines, summer.groups);
        let Ok(digest) = digest else { continue };
        if lines == 0 || !seen.insert(digest.sha256.clone()) {
            continue;
        }
        for (key, sums) in summed {
            let into: &mut Sums = groups.entry(key).or_default();
            into.list += sums.list;
            into.without_list += sums.without_list;
            into.net += sums.net;
            into.voucher += sums.voucher;
            into.lines += sums.lines;
            into.first = match (into.first, sums.first) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            into.last = into.last.max(sums.last);
        }
        rows_in += lines;
        sources.push(serde_json::json!({
            "path": shown,
            "bytes": digest.bytes,
            "sha256": digest.sha256,
            "rows": lines,
        }));
    }
    write(args, &plan, groups, sources, rows_in)
}

fn write(
    args: &Args,
    plan: &Plan,
    groups: BTreeMap<Key, Sums>,
    sources: Vec<serde_json::Value>,
    rows_in: u64,
) -> String {
    std::fs::create_dir_all(&args.out).expect("the output folder");
    let mut by_month: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    let mut by_currency: BTreeMap<String, (u64, Decimal, Decimal, Decimal)> = BTreeMap::new();
    let mut rows = 0u64;
    for ((contract, account, slice, month, product, currency, source), sums) in groups {
        let totals = by_currency.entry(currency.clone()).or_default();
        totals.0 += sums.lines;
        totals.1 += sums.net;
        totals.2 += sums.list;
        totals.3 += sums.voucher;
        rows += 1;
        let text = Value::Text;
        by_month.entry(month.clone()).or_default().push(vec![
            if contract.is_empty() {
                Value::Null
            } else {
                text(contract)
            },
            text(account),
            slice.map_or(Value::Null, |slice| Value::Date(slice.0)),
            slice.map_or(Value::Null, |slice| Value::Date(slice.1)),
            text(month),
            text(product),
            text(currency),
            Value::Decimal(sums.list),
            Value::Count(sums.without_list),
            Value::Decimal(sums.net),
            Value::Decimal(sums.voucher),
            Value::Count(sums.lines),
            Value::Date(sums.first.expect("a line")),
            Value::Date(sums.last.expect("a line")),
            text(source),
        ]);
    }
    if args.parquet {
        for (month, rows) in &by_month {
            let folder = args.out.join(format!("billing_month={month}"));
            std::fs::create_dir_all(&folder).expect("a partition folder");
            write_parquet(&folder.join("part-0.parquet"), "aggregate", &COLUMNS, rows)
                .expect("the aggregate's Parquet file");
        }
    } else {
        let all: Vec<Vec<Value>> = by_month.into_values().flatten().collect();
        let text = csv_text(&COLUMNS, &all).expect("the aggregate's CSV text");
        std::fs::write(args.out.join("aggregate.csv"), text).expect("aggregate.csv");
    }
    let this = include_str!("aggregate.rs");
    let manifest = serde_json::json!({
        "schema": "rebate-audit/aggregate/v1",
        "plan": plan.digest,
        "engine": {"name": "rebate-audit reference (examples/aggregate.rs)", "version": env!("CARGO_PKG_VERSION")},
        "query": {"path": "examples/aggregate.rs", "sha256": rebate_audit::domain::digest::sha256_hex(this.as_bytes())},
        "sources": sources,
        "totals": {
            "rows_in": rows_in,
            "lines": by_currency.values().map(|totals| totals.0).sum::<u64>(),
            "by_currency": by_currency.iter().map(|(currency, totals)| (currency.clone(), serde_json::json!({
                "lines": totals.0,
                "net_amount": totals.1.to_string(),
                "list_amount": totals.2.to_string(),
                "voucher_amount": totals.3.to_string(),
            }))).collect::<serde_json::Map<_, _>>(),
        },
        "rows": rows,
    });
    let mut text = serde_json::to_string_pretty(&manifest).expect("JSON");
    text.push('\n');
    std::fs::write(args.out.join("manifest.json"), text).expect("manifest.json");
    format!(
        "{rows} aggregate rows from {rows_in} lines written to {}",
        args.out.display()
    )
}
