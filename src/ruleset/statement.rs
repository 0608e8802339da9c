//! An agent-statement layout (a ruleset's `[statement]` table): which header names mean
//! which statement field, in what unit the amounts are, and which texts mean "nothing".
//! The template's own columns are `ingest::statements`'; a ruleset adds a provider's
//! export (docs/INPUTS.md, "Agent statements").

use super::header::normalize_header;
use super::toml_file::StatementFile;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Every field a statement layout may map, as its `[statement.columns]` keys.
pub const STATEMENT_FIELDS: [&str; 15] = [
    "contract_id",
    "account_id",
    "period",
    "period_start",
    "period_end",
    "month",
    "base",
    "rate",
    "rebate",
    "deductions",
    "deduction_reason",
    "payable",
    "currency",
    "statement_no",
    "statement_date",
];

/// A provider's statement layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLayout {
    /// What the export is, for messages and `formats`.
    pub label: String,
    /// Field → header names that mean it, normalised for matching.
    pub columns: BTreeMap<String, Vec<String>>,
    /// What the amounts are divided by to give currency units: 1, or 100 for amounts in
    /// fen (分) or cents.
    pub amount_divisor: Decimal,
    /// Cell texts that mean "no value" in this export (Tencent's `NORMAL` exception
    /// flag), compared after trimming, ignoring case.
    pub blank: Vec<String>,
}

impl StatementLayout {
    /// Validates a `[statement]` table: known fields, a way to find the contract, the
    /// dates and the money.
    ///
    /// # Errors
    /// The key at fault and what is wrong.
    pub(super) fn parse(file: &StatementFile) -> Result<StatementLayout, (String, String)> {
        let mut columns = BTreeMap::new();
        for (field, names) in &file.columns {
            if !STATEMENT_FIELDS.contains(&field.as_str()) {
                return Err((
                    format!("statement.columns.{field}"),
                    format!(
                        "unknown statement field; the fields are {}",
                        STATEMENT_FIELDS.join(", ")
                    ),
                ));
            }
            let names: Vec<String> = names.names().iter().map(|n| normalize_header(n)).collect();
            if names.is_empty() {
                return Err((
                    format!("statement.columns.{field}"),
                    "expected at least one header name".into(),
                ));
            }
            columns.insert(field.clone(), names);
        }
        let has = |field: &str| columns.contains_key(field);
        let needs = [
            (
                has("contract_id") || has("account_id"),
                "contract_id or account_id",
            ),
            (
                has("month") || has("period") || (has("period_start") && has("period_end")),
                "month, period, or period_start and period_end",
            ),
            (has("rebate") || has("payable"), "rebate or payable"),
        ];
        if let Some((_, what)) = needs.iter().find(|(ok, _)| !ok) {
            return Err((
                "statement.columns".into(),
                format!("a statement layout must map {what}"),
            ));
        }
        let amount_divisor = match file.amount_unit.as_deref().map(str::trim) {
            None | Some("unit" | "yuan" | "元") => Decimal::ONE,
            Some("fen" | "cent" | "分") => Decimal::ONE_HUNDRED,
            Some(other) => {
                return Err((
                    "statement.amount_unit".into(),
                    format!("expected `unit` (元) or `fen` (分, cents), found `{other}`"),
                ));
            }
        };
        Ok(StatementLayout {
            label: file.label.clone(),
            columns,
            amount_divisor,
            blank: file
                .blank
                .iter()
                .map(|text| text.trim().to_lowercase())
                .collect(),
        })
    }
}
