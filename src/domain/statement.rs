//! The agent's own statement (结算单 / 返点明细 / 激励明细): one row per contract or account,
//! per month, quarter or settlement period, with the base the agent counted, the rate, the
//! rebate, deductions and what the agent will pay (docs/INPUTS.md). Plain data: the
//! reader is `ingest::statements`, the comparison with the recomputation
//! `reconcile::statement`.

use super::contract::DateRange;
use super::location::Location;
use super::period::YearMonth;
use rust_decimal::Decimal;

/// One statement row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    /// The contract the row names, when it names one.
    pub contract_id: Option<String>,
    /// The customer account the row names, when it names one (a row without a contract
    /// id is placed by its account).
    pub account_id: Option<String>,
    /// The dates the row covers: a month, a quarter, or a settlement period.
    pub dates: DateRange,
    /// The base the agent counted.
    pub base: Option<Decimal>,
    /// The rate the agent applied, as a fraction.
    pub rate: Option<Decimal>,
    /// The rebate the agent worked out.
    pub rebate: Option<Decimal>,
    /// What the agent deducted from it (positive = less to pay).
    pub deductions: Option<Decimal>,
    /// Why, as the statement says it.
    pub deduction_reason: Option<String>,
    /// What the agent will pay.
    pub payable: Option<Decimal>,
    /// The row's currency, when it states one.
    pub currency: Option<String>,
    /// The statement's number, when it has one.
    pub statement_no: Option<String>,
    /// The layout it was read with: `statement` (the template) or a ruleset's name.
    pub layout: String,
    /// Where it is: file, sheet and row.
    pub source: Location,
    /// Where its contract (or account) cell is, for messages.
    pub contract_cell: Location,
    /// Where its period cell is, for messages.
    pub period_cell: Location,
}

impl StatementRow {
    /// What the agent says is payable: the payable column, else the rebate less the
    /// deductions.
    pub fn stated_payable(&self) -> Option<Decimal> {
        self.payable.or_else(|| {
            self.rebate
                .map(|rebate| rebate - self.deductions.unwrap_or_default())
        })
    }
}

/// A field of a statement compared with the recomputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatementField {
    /// The base counted, against the period's weighted base W_p.
    Base,
    /// The rate applied, against the rate of the bracket the volume reached.
    Rate,
    /// The rebate, against the period's rebate E_p.
    Rebate,
    /// What will be paid, against E_p (the contract allows no deduction).
    Payable,
}

impl StatementField {
    /// The word findings.json and the evidence facts use.
    pub fn word(self) -> &'static str {
        match self {
            StatementField::Base => "base",
            StatementField::Rate => "rate",
            StatementField::Rebate => "rebate",
            StatementField::Payable => "payable",
        }
    }
}

/// One compared field: the agent's number beside the recomputed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedFigure {
    /// Which field.
    pub field: StatementField,
    /// The agent's number (summed over the rows rolled up).
    pub stated: Decimal,
    /// The recomputed number.
    pub recomputed: Decimal,
    /// Whether they differ by more than the ruleset's tolerance (rates: at all).
    pub differs: bool,
}

impl StatedFigure {
    /// stated − recomputed.
    pub fn difference(&self) -> Decimal {
        self.stated - self.recomputed
    }
}

/// The likely reason a statement differs from the recomputation: the usual mistake
/// whose numbers reproduce the difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementCause {
    /// The base is short by exactly one product's weighted base in the period.
    ProductLeftOut {
        /// The product.
        product: String,
        /// Its weighted base in the period.
        weighted_base: Decimal,
    },
    /// The statement has no row for a month of the period.
    MonthMissing {
        /// The month.
        month: YearMonth,
    },
    /// The base agrees, but the rate is another bracket's of the tier table.
    WrongTier {
        /// The rate the statement applies.
        stated: Decimal,
        /// The rate of the bracket the volume reached.
        reached: Decimal,
        /// Where the bracket whose rate the statement applies starts.
        bracket_from: Decimal,
    },
    /// A deduction the contract does not provide for.
    DeductionNotInContract {
        /// The deductions, summed.
        amount: Decimal,
        /// The reasons the statement gives, as written.
        reasons: Vec<String>,
    },
}

impl StatementCause {
    /// Its code in findings.json.
    pub fn code(&self) -> &'static str {
        match self {
            StatementCause::ProductLeftOut { .. } => "product_left_out",
            StatementCause::MonthMissing { .. } => "month_missing",
            StatementCause::WrongTier { .. } => "wrong_tier",
            StatementCause::DeductionNotInContract { .. } => "deduction_not_in_contract",
        }
    }
}
