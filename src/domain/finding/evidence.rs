//! What a finding rests on: the input place, the computation, the billing rows behind
//! it, the payouts allocated, the invoice checks and the likely causes.

use super::cause::LikelyCause;
use super::reason::Reason;
use crate::domain::computation::Computation;
use crate::domain::location::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Billing rows that make up part of a weighted base, grouped by file and product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRows {
    /// The table (file and sheet) they are in.
    pub table: Location,
    /// The product.
    pub product: String,
    /// The coefficient applied.
    pub coefficient: Decimal,
    /// How many rows.
    pub rows: u64,
    /// The rows as ranges, e.g. `2-40, 57`; ends with `…` when cut short.
    pub row_ranges: String,
    /// Sum of the line bases.
    pub base: Decimal,
    /// Sum of the weighted bases.
    pub weighted_base: Decimal,
}

/// One payout's contribution to an installment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The payout.
    pub payout_id: String,
    /// When it was received.
    pub paid_on: NaiveDate,
    /// How much of it went to the installment.
    pub amount: Decimal,
    /// Whether this part is excess beyond what was open.
    pub excess: bool,
    /// Where the payout is in the ledger.
    pub source: Location,
}

/// What a finding rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The input cell or row the finding is about.
    pub location: Option<Location>,
    /// The rebate computation, for payment findings.
    pub computation: Option<Computation>,
    /// The billing rows behind the computation.
    pub source_rows: Vec<SourceRows>,
    /// The payouts that went to the installment.
    pub allocations: Vec<Allocation>,
    /// Other facts as `(name, value)` pairs: the expected and found invoice fields, the
    /// account and month of uncovered spend, and so on.
    pub facts: Vec<(String, String)>,
    /// Field-by-field checks (a payout's invoice): what was expected, what was found.
    pub checks: Vec<Check>,
    /// For a short payment: the usual mistakes that reproduce the amount paid to the cent,
    /// most likely first.
    pub likely_causes: Vec<LikelyCause>,
}

/// One checked field: what the contract or payout calls for and what the input shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The field checked (`invoice_no`, `invoice_amount`, `invoice_tax_rate`, …).
    pub field: String,
    /// The finding reason a failure of this check gives (`missing`, `amount`, …).
    pub reason: Reason,
    /// What was expected.
    pub expected: String,
    /// What was found; `None` when the input leaves the field empty.
    pub found: Option<String>,
    /// Whether the check passed.
    pub ok: bool,
    /// What `expected` and `found` say, as facts, for a report to word in its language
    /// (findings.json keeps the English text above).
    pub words: CheckWords,
}

/// What a check's `expected` and `found` say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckWords {
    /// Both are values (an amount, a rate, a tax id, a date), shown as they are.
    #[default]
    Values,
    /// An invoice of the kind the contract requires; `found` is a value.
    Kind(crate::domain::contract::InvoiceKind),
    /// An invoice number carried by this payout alone; `others` are the other payouts
    /// carrying it.
    UsedOnce {
        /// The other payouts with the same number.
        others: Vec<String>,
    },
    /// An invoice dated within `days` of the payment (on or before `latest` when that
    /// date exists); `found` is a value.
    Within {
        /// The last day allowed.
        latest: Option<chrono::NaiveDate>,
        /// The window.
        days: i64,
        /// When the payout was received.
        paid_on: chrono::NaiveDate,
    },
}
