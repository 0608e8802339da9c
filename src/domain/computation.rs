//! What the rebate arithmetic works out for a contract (docs/ARITHMETIC.md): each settlement period's
//! rebate, its split into installments, and the trail from weighted base to installment
//! that the reports show.

use super::contract::{DateRange, Portion, Trigger};
use super::settlement::SettlementPeriod;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What one settlement period earns, with the intermediate numbers an auditor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRebate {
    /// W_p: the period's weighted base.
    pub weighted_base: Decimal,
    /// The tier scope containing the period.
    pub scope: DateRange,
    /// B_s(≤ end_p) for that scope.
    pub scope_volume: Decimal,
    /// The rate of the bracket that volume reached.
    pub bracket_rate: Decimal,
    /// round(R(B_s(≤ end_p))).
    pub scope_rebate: Decimal,
    /// Whether the cap bound the period's year (or term) at this period's end.
    pub cap_applied: bool,
    /// Earned(end_{p−1}).
    pub earned_before: Decimal,
    /// Earned(end_p).
    pub earned_through: Decimal,
    /// E_p.
    pub expected: Decimal,
    /// The tier amendment whose table priced the period (its place in the contract's
    /// `amendments`); `None` under the contract's own table.
    pub amendment: Option<usize>,
}

/// One installment's share of a period's rebate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentShare {
    /// Installment number.
    pub number: u32,
    /// What makes it due.
    pub trigger: Trigger,
    /// The portion as written.
    pub portion: Portion,
    /// The amount expected.
    pub expected: Decimal,
    /// When it is due; `None` while a renewal has not happened.
    pub due_on: Option<NaiveDate>,
    /// The due-date rule applied, for evidence.
    pub due_rule: DueRule,
}

/// How an installment's due date follows from the contract (docs/ARITHMETIC.md): the rule, with the
/// dates and days it was applied to. Reports say it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueRule {
    /// Transparent settlement: the last day of the month after the period's end.
    MonthAfterPeriodEnd {
        /// The period's last day.
        period_end: NaiveDate,
    },
    /// The period's end plus the contract's due days.
    AfterPeriodEnd {
        /// The period's last day.
        period_end: NaiveDate,
        /// The contract's due days.
        due_days: i64,
    },
    /// The later of the period's end and the renewal, plus the contract's due days.
    AfterRenewal {
        /// The period's last day.
        period_end: NaiveDate,
        /// When the contract was renewed.
        renewed_on: NaiveDate,
        /// The contract's due days.
        due_days: i64,
    },
    /// A renewal installment of a contract that has not been renewed: not due.
    NotRenewed,
}

/// What the compute stage worked out for one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractComputation {
    /// Settlement periods.
    pub periods: Vec<SettlementPeriod>,
    /// Each period's rebate.
    pub rebates: Vec<PeriodRebate>,
    /// Each period's installments.
    pub shares: Vec<Vec<InstallmentShare>>,
    /// Each period's clawback step when the contract names a clawback rule; empty when it
    /// names none.
    pub clawback: Vec<super::clawback::ClawbackStep>,
}

/// How one settlement period's rebate and one installment were computed: the full trail
/// from the period's weighted base per product, through the tier scope, the bracket(s),
/// the catch-up and the cap, to Earned before and after, the split into installments and
/// the due-date rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computation {
    /// `net`, `list` or `cash`.
    pub base: String,
    /// `period`, `contract_year` or `term`.
    pub tier_basis: String,
    /// `retroactive` or `marginal`.
    pub tier_mode: String,
    /// The settlement period's first day.
    pub period_start: NaiveDate,
    /// The settlement period's last day.
    pub period_end: NaiveDate,
    /// The period's weighted base W_p.
    pub period_weighted_base: Decimal,
    /// W_p per product: base × coefficient = weighted base.
    pub products: Vec<ProductBase>,
    /// The tier scope containing the period: its first and last day.
    pub scope_start: NaiveDate,
    /// Last day of the tier scope.
    pub scope_end: NaiveDate,
    /// The scope's weighted base through the previous period's end, B_s(≤ end_{p−1});
    /// 0 when the period opens its scope.
    pub scope_weighted_base_before: Decimal,
    /// The scope's weighted base through the period's end, B_s(≤ end_p).
    pub scope_weighted_base: Decimal,
    /// The bracket that volume reached; `None` when it is above a closed last bracket.
    pub bracket: Option<TierBracket>,
    /// The rate of the bracket that volume reached.
    pub bracket_rate: Decimal,
    /// How R(B) is made up: the reached bracket (retroactive) or each bracket's slice
    /// (marginal), unrounded; empty when B ≤ 0.
    pub slices: Vec<BracketSlice>,
    /// round(R(B_s(≤ end_{p−1}))): the scope's rebate before this period.
    pub scope_rebate_before: Decimal,
    /// The scope's rebate R(B), rounded.
    pub scope_rebate: Decimal,
    /// The part of E_p that re-prices the scope's earlier periods, when a retroactive
    /// tier's rate changed in this period.
    pub catch_up: Option<CatchUp>,
    /// The cap, if the contract has one.
    pub cap: Option<Decimal>,
    /// What the cap applies to: the contract year of the period, or the whole term.
    pub cap_scope_start: NaiveDate,
    /// Last day of what the cap applies to.
    pub cap_scope_end: NaiveDate,
    /// The rebate of the cap's year (or term) through the period's end, before the cap.
    pub rebate_before_cap: Decimal,
    /// Whether the cap cut the rebate down.
    pub cap_applied: bool,
    /// Earned(end of the previous period).
    pub earned_before: Decimal,
    /// Earned(end of this period).
    pub earned_through: Decimal,
    /// E_p = Earned(end_p) − Earned(end_{p−1}).
    pub period_expected: Decimal,
    /// Every installment of the period: the split of E_p.
    pub installments: Vec<InstallmentSplit>,
    /// Days of tolerance after each due date.
    pub grace_days: i64,
    /// The installment this computation is about: its number.
    pub installment: u32,
    /// The installment's portion, as written (`40%`, `10pt`, `rest`).
    pub portion: String,
    /// The installment's expectation.
    pub installment_expected: Decimal,
    /// The due-date rule applied; `None` only for a period with no installment.
    pub due_rule: Option<DueRule>,
    /// The amendment whose tier table priced the period; `None` under the contract's own.
    pub amendment: Option<super::amendment::AmendmentNote>,
    /// What the contract's clawback rule made of E_p before the split; `None` when the
    /// contract names no rule.
    pub clawback: Option<super::clawback::ClawbackStep>,
    /// The coefficient and account amendments the period was computed under (per
    /// product and account, the last effective by the period's end); empty without any.
    pub amended_terms: Vec<super::amendment::Amendment>,
}

/// One product's part of a period's weighted base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductBase {
    /// The product.
    pub product: String,
    /// Its coefficient.
    pub coefficient: Decimal,
    /// How many billing rows.
    pub rows: u64,
    /// Sum of the line bases.
    pub base: Decimal,
    /// Sum of the weighted bases (base × coefficient).
    pub weighted_base: Decimal,
}

/// A bracket `[from, to)` of the tier table and its rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierBracket {
    /// Lower bound, inclusive.
    pub from: Decimal,
    /// Upper bound, exclusive; `None` = no limit.
    pub to: Option<Decimal>,
    /// Rate as a fraction.
    pub rate: Decimal,
}

/// The volume a bracket prices and what it earns (unrounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BracketSlice {
    /// The bracket.
    pub bracket: TierBracket,
    /// The volume priced at its rate.
    pub volume: Decimal,
    /// volume × rate.
    pub rebate: Decimal,
}

/// A retroactive catch-up: the scope's volume before this period, priced again at the
/// new rate. `amount` = round(rate_after × B_before) − round(R(B_before)), before the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchUp {
    /// B_s(≤ end_{p−1}): the earlier volume of the scope.
    pub earlier_weighted_base: Decimal,
    /// The rate it was priced at.
    pub rate_before: Decimal,
    /// The rate it is priced at now.
    pub rate_after: Decimal,
    /// The difference: what E_p pays for earlier periods.
    pub amount: Decimal,
}

/// One installment of a period: its share of E_p and when it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentSplit {
    /// Installment number.
    pub installment: u32,
    /// `settlement` or `renewal`.
    pub trigger: String,
    /// The portion as written.
    pub portion: String,
    /// Its expectation.
    pub expected: Decimal,
    /// When it is due; `None` while a renewal has not happened.
    pub due_on: Option<NaiveDate>,
    /// The due-date rule applied.
    pub due_rule: DueRule,
}
