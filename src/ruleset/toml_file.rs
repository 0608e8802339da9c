//! A ruleset file as written: the TOML model serde reads, before validation
//! (`parse.rs`). Unknown keys are errors.

use super::dates::{DateOrder, MonthSource};
use crate::domain::money::Rounding;
use crate::domain::number::decimal_from_f64;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesetFile {
    pub(super) provider: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) defaults: DefaultsFile,
    #[serde(default)]
    pub(super) format: FormatFile,
    #[serde(default)]
    pub(super) billing: BTreeMap<String, ColumnsFile>,
    #[serde(default)]
    pub(super) products: ProductsFile,
    pub(super) statement: Option<StatementFile>,
    pub(super) limitation: Option<LimitationFile>,
}

/// A `[statement]` table: an agent-statement export's layout.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatementFile {
    pub(super) label: String,
    pub(super) amount_unit: Option<String>,
    #[serde(default)]
    pub(super) blank: Vec<String>,
    pub(super) columns: BTreeMap<String, Alternatives>,
}

/// `[limitation]`: the limitation period of claims (docs/INPUTS.md, "Rulesets").
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitationFile {
    pub(super) rule: Option<String>,
    pub(super) years: Option<i64>,
    pub(super) window_days: Option<i64>,
    pub(super) expired_severity: Option<String>,
    pub(super) all_claims: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct FormatFile {
    pub(super) label: Option<String>,
    #[serde(default)]
    pub(super) signature: Vec<Alternatives>,
    #[serde(default)]
    pub(super) excludes: Vec<String>,
    #[serde(default)]
    pub(super) date_order: DateOrder,
    #[serde(default)]
    pub(super) billing_month: MonthSource,
    #[serde(default)]
    pub(super) month_from_date: bool,
    #[serde(default)]
    pub(super) open_months: bool,
    #[serde(default)]
    pub(super) blank: Vec<String>,
    pub(super) currency: Option<String>,
    #[serde(default)]
    pub(super) refunds: Vec<String>,
}

/// One column's names: a single name or a list of alternatives.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum Alternatives {
    One(String),
    Many(Vec<String>),
}

impl Alternatives {
    pub(super) fn names(&self) -> Vec<String> {
        match self {
            Alternatives::One(name) => vec![name.clone()],
            Alternatives::Many(names) => names.clone(),
        }
    }
}

/// A field's columns: alternatives of one column, `{ sum = [[…], […]] }`, or
/// `{ product = [[…], […]] }` (a price times a quantity).
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum ColumnsFile {
    Column(Vec<String>),
    Sum { sum: Vec<Alternatives> },
    Product { product: Vec<Alternatives> },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct DefaultsFile {
    pub(super) tolerance: Option<NumberText>,
    pub(super) grace_days: Option<i64>,
    pub(super) invoice_window_days: Option<i64>,
    pub(super) rounding: Option<Rounding>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct ProductsFile {
    #[serde(default)]
    pub(super) aliases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub(super) coefficients: BTreeMap<String, NumberText>,
}

/// A number written either as a string (exact) or as a TOML number.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum NumberText {
    Text(String),
    Integer(i64),
    Float(f64),
}

impl NumberText {
    pub(super) fn to_decimal(&self) -> Option<Decimal> {
        match self {
            NumberText::Text(text) => Decimal::from_str_exact(text.trim()).ok(),
            NumberText::Integer(number) => Some(Decimal::from(*number)),
            NumberText::Float(number) => decimal_from_f64(*number),
        }
    }
}
