//! The billing aggregate and the plan an engine builds it from (docs/AGGREGATE.md): the
//! tables `rebate-audit plan` writes (coverage, slices, products) and one row of the
//! aggregate a distributed SQL engine hands back, as plain data.

use super::period::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The schema word of `plan.json`.
pub const PLAN_SCHEMA: &str = "rebate-audit/plan/v1";
/// The schema word of the aggregate's `manifest.json`.
pub const AGGREGATE_SCHEMA: &str = "rebate-audit/aggregate/v1";
/// The format name an aggregate file's tables carry in the controls and inputs.
pub const AGGREGATE_FORMAT: &str = "aggregate";

/// The aggregate's columns, in the order the reference implementation writes them.
pub const AGGREGATE_COLUMNS: [&str; 15] = [
    "contract_id",
    "account_id",
    "slice_start",
    "slice_end",
    "billing_month",
    "product",
    "currency",
    "list_amount",
    "lines_without_list",
    "net_amount",
    "voucher_amount",
    "lines",
    "first_charge_date",
    "last_charge_date",
    "source",
];

/// One row of the coverage table: the lines of `account_id` in `currency` dated in
/// `[valid_from, valid_to)` belong to `contract_id`. Rows of one account and currency
/// never overlap.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CoverageRow {
    /// The account, as the contract lists it.
    pub account_id: String,
    /// The contract's currency: only lines in it are the contract's.
    pub currency: String,
    /// First day, inclusive.
    pub valid_from: NaiveDate,
    /// Day after the last, exclusive.
    pub valid_to: NaiveDate,
    /// The contract.
    pub contract_id: String,
    /// The contract's ruleset (the products table's rows for it apply).
    pub ruleset: String,
}

/// One period slice of a contract: `[slice_start, slice_end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slice {
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Day after the last, exclusive.
    pub end: NaiveDate,
}

/// One row of the products table: a billed name folded as the SQL folds it, under a
/// ruleset, and the product key it stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProductRow {
    /// The ruleset.
    pub ruleset: String,
    /// `LOWER(TRIM(name))` of a billed name.
    pub name_folded: String,
    /// The normalised product key.
    pub product: String,
}

/// Everything `rebate-audit plan` writes, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanTables {
    /// Account → contract, with validity dates.
    pub coverage: Vec<CoverageRow>,
    /// Per contract id, its slices in date order.
    pub slices: Vec<(String, Slice)>,
    /// The alias table of the rulesets in force.
    pub products: Vec<ProductRow>,
}

/// One row of the billing aggregate, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateRow {
    /// The contract; `None` for lines no coverage row matched.
    pub contract_id: Option<String>,
    /// The billing account.
    pub account_id: String,
    /// The period slice; `None` exactly when `contract_id` is.
    pub slice: Option<Slice>,
    /// The billing month of the lines.
    pub billing_month: YearMonth,
    /// The normalised product.
    pub product: String,
    /// The lines' currency.
    pub currency: String,
    /// Σ list amount over the lines that have one.
    pub list_amount: Decimal,
    /// Lines without a list amount.
    pub lines_without_list: u64,
    /// Σ net amount.
    pub net_amount: Decimal,
    /// Σ voucher amount.
    pub voucher_amount: Decimal,
    /// How many billing lines.
    pub lines: u64,
    /// The first and last charge day of the lines.
    pub first_charge_date: NaiveDate,
    /// See `first_charge_date`.
    pub last_charge_date: NaiveDate,
    /// The file or table the lines came from.
    pub source: String,
}
