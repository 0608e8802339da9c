//! The aggregate's `manifest.json`: what made it (engine, query), from what (sources with
//! sizes, hashes and rows), and the totals its rows must add up to.

use super::problem::Problem;
use crate::domain::aggregate::AGGREGATE_SCHEMA;
use crate::domain::location::Location;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest, as written beside the aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `rebate-audit/aggregate/v1`.
    pub schema: String,
    /// The `digest` of the plan.json the aggregate was made from.
    pub plan: String,
    /// The engine that ran the query.
    pub engine: Engine,
    /// The query it ran.
    pub query: Query,
    /// The billing files or tables read.
    pub sources: Vec<ManifestSource>,
    /// What the rows add up to.
    pub totals: ManifestTotals,
    /// How many aggregate rows were written.
    pub rows: u64,
}

/// The engine's name and version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engine {
    /// E.g. `duckdb`, `spark`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The SQL text run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Where it was read from.
    pub path: String,
    /// SHA-256 of its text.
    pub sha256: String,
}

/// One billing file or table the engine read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSource {
    /// Path, URL or table name.
    pub path: String,
    /// Size in bytes, when known.
    #[serde(default)]
    pub bytes: Option<u64>,
    /// SHA-256 of its bytes, when computed.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The object store's etag, when that is what is known.
    #[serde(default)]
    pub etag: Option<String>,
    /// Rows read from it.
    pub rows: u64,
}

/// The totals the aggregate's rows must reproduce.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestTotals {
    /// Billing lines read from the sources.
    pub rows_in: u64,
    /// Billing lines summed into the aggregate.
    pub lines: u64,
    /// Per currency.
    pub by_currency: BTreeMap<String, CurrencyTotals>,
}

/// One currency's totals. Amounts are JSON strings, exact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyTotals {
    /// Lines in the currency.
    pub lines: u64,
    /// Σ net amount.
    #[serde(deserialize_with = "exact")]
    pub net_amount: Decimal,
    /// Σ list amount.
    #[serde(deserialize_with = "exact")]
    pub list_amount: Decimal,
    /// Σ voucher amount.
    #[serde(deserialize_with = "exact")]
    pub voucher_amount: Decimal,
}

/// An amount written as a JSON string of an exact decimal (`"1234.50"`), never a JSON
/// number, whose digits a JSON writer may already have rounded.
fn exact<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    let text = String::deserialize(deserializer)?;
    Decimal::from_str_exact(text.trim()).map_err(|_| {
        serde::de::Error::custom(format!(
            "expected an exact decimal as a string, found `{text}`"
        ))
    })
}

/// Reads `path` (`shown` as reports name it) and checks its schema word; also its bytes,
/// for the inputs.
///
/// # Errors
/// When it cannot be read, is not such JSON, or names another schema.
pub fn manifest(path: &Path, shown: &str) -> Result<(Manifest, Vec<u8>), Problem> {
    let at = Location::file(shown.into());
    let bytes = std::fs::read(path).map_err(|error| Problem {
        location: at.clone(),
        message: format!("cannot read the aggregate's manifest: {error}"),
    })?;
    let schema: Option<String> = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|value| {
            value
                .get("schema")
                .and_then(|schema| schema.as_str().map(str::to_string))
        });
    if let Some(schema) = &schema
        && schema != AGGREGATE_SCHEMA
    {
        return Err(Problem {
            location: at.at_column("schema"),
            message: format!("expected schema {AGGREGATE_SCHEMA}, found `{schema}`"),
        });
    }
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|error| Problem {
        location: at,
        message: format!(
            "not a manifest of schema {AGGREGATE_SCHEMA}: {error} (docs/AGGREGATE.md lists its keys)"
        ),
    })?;
    Ok((manifest, bytes))
}
