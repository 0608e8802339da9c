//! A rebate contract as the auditor understands it: term, accounts, tiers, product
//! weights, settlement cadence and installment schedule. Plain data, no I/O.

use super::calendar::{add_years, days_between};
use super::location::Location;
use super::money::{self, Overflow};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Declares an enum whose values are read from a closed list of words (English and
/// Chinese), so an unknown word in a contract is an error that lists what is allowed and
/// offers the closest spelling. Words match as people type them: case, full-width
/// letters, spaces, underscores and hyphens do not matter ([`super::words::fold`]).
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $canonical:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$variant_meta])* $variant),+ }

        impl $name {
            /// The canonical words, one per value.
            pub const WORDS: &'static [&'static str] = &[$($canonical),+];

            /// Every accepted spelling with its value: each canonical word, then its
            /// aliases.
            pub const SPELLINGS: &'static [(&'static str, $name)] =
                &[$(($canonical, $name::$variant) $(, ($alias, $name::$variant))*),+];

            /// Reads a word, ignoring case, width, spaces, underscores and hyphens.
            pub fn from_word(word: &str) -> Option<$name> {
                // The spellings are folded once per process: folding every one on every
                // call was a fifth of reading a 32,000-row payout ledger.
                static FOLDED: std::sync::OnceLock<Vec<(String, $name)>> =
                    std::sync::OnceLock::new();
                let folded = FOLDED.get_or_init(|| {
                    Self::SPELLINGS
                        .iter()
                        .map(|(spelling, value)| ($crate::domain::words::fold(spelling), *value))
                        .collect()
                });
                let word = $crate::domain::words::fold(word);
                folded
                    .iter()
                    .find(|(spelling, _)| *spelling == word)
                    .map(|(_, value)| *value)
            }

            /// The accepted spellings nearest a word that matched none (at most three).
            pub fn closest(word: &str) -> Vec<&'static str> {
                $crate::domain::words::closest(
                    word,
                    Self::SPELLINGS.iter().map(|(spelling, _)| *spelling),
                )
            }

            /// The canonical word, as written in reports.
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => $canonical),+ }
            }

            /// Its first Chinese spelling, as the Chinese reports name it (the canonical
            /// word when it has none).
            pub fn chinese(self) -> &'static str {
                Self::SPELLINGS
                    .iter()
                    .find(|(spelling, value)| *value == self && !spelling.is_ascii())
                    .map_or(self.word(), |(spelling, _)| *spelling)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.word())
            }
        }
    };
}
pub(crate) use word_enum;

word_enum! {
    /// Which billing amount the rebate is computed on.
    Base {
        /// Payable after discounts (应付金额).
        Net => "net" | "net_amount" | "应付" | "应付金额" | "净额",
        /// List price (原价).
        List => "list" | "list_price" | "原价" | "官网价" | "目录价",
        /// Net minus vouchers and coupons (现金).
        Cash => "cash" | "现金" | "现金支付" | "实付",
    }
}

word_enum! {
    /// What volume picks the tier.
    TierBasis {
        /// Each settlement period's own volume.
        Period => "period" | "settlement_period" | "结算期" | "结算周期" | "周期" | "按期",
        /// The contract year's volume so far.
        ContractYear => "contract_year" | "合同年度" | "合同年" | "年度",
        /// The whole term's volume so far.
        Term => "term" | "合同期" | "全期" | "全周期",
    }
}

word_enum! {
    /// How a tier table turns volume into rebate.
    TierMode {
        /// The whole volume at the rate of the bracket it reached (全额累进).
        Retroactive => "retroactive" | "全额" | "全额累进",
        /// Each bracket at its own rate (超额累进).
        Marginal => "marginal" | "累进" | "超额" | "超额累进",
    }
}

word_enum! {
    /// How often the rebate is settled.
    Settlement {
        /// Calendar months.
        Monthly => "monthly" | "month" | "月度" | "按月" | "月结" | "每月",
        /// Calendar quarters.
        Quarterly => "quarterly" | "quarter" | "季度" | "按季" | "按季度" | "季结" | "每季",
        /// Contract years.
        Annual => "annual" | "annually" | "yearly" | "年度" | "按年" | "年结" | "每年",
        /// Once, for the whole term.
        Term => "term" | "合同期" | "全期" | "一次性",
        /// Calendar months, offset against the next month's bill.
        Transparent => "transparent" | "透明" | "抵扣",
    }
}

word_enum! {
    /// An invoice type: what a contract requires, or what a payout came with.
    InvoiceKind {
        /// No invoice expected.
        None => "none" | "无" | "不需要" | "不开票",
        /// 增值税专用发票.
        VatSpecial => "vat_special" | "专票" | "增值税专票" | "专用发票" | "增值税专用发票",
        /// 增值税普通发票.
        VatGeneral => "vat_general" | "普票" | "增值税普票" | "普通发票" | "增值税普通发票",
        /// 红字发票 / credit memo.
        CreditNote => "credit_note" | "credit_memo" | "红字" | "红字发票" | "红票",
    }
}

word_enum! {
    /// How a rebate is paid out.
    PayoutKind {
        /// Money transferred.
        Cash => "cash" | "现金" | "转账" | "返还" | "现金返还",
        /// Deducted from a later bill.
        Offset => "offset" | "抵扣" | "冲抵",
        /// Credits or service packs at face value.
        Credit => "credit" | "代金券" | "信用额度",
    }
}

word_enum! {
    /// What makes an installment due.
    Trigger {
        /// The end of the settlement period.
        Settlement => "settlement" | "结算" | "结算后",
        /// The contract's renewal.
        Renewal => "renewal" | "续约" | "续签",
    }
}

word_enum! {
    /// What happens when refunds or downgrades make a settlement period's rebate E_p
    /// negative. A blank cell is no rule: the audit reckons as under `net` and says so.
    ClawbackRule {
        /// A negative E_p is an installment owed back to the reseller (冲减).
        Net => "net" | "net_off" | "冲减" | "净额冲减" | "退回" | "追回",
        /// A negative E_p is never paid back in cash: it is carried against the next
        /// periods' rebates until used up; what is left at the term's end lapses (结转).
        CarryForward => "carry_forward" | "carry" | "结转" | "后期抵扣" | "结转抵扣" | "递延抵扣",
        /// No clawback: a negative E_p counts as 0 and reduces nothing later (不追回).
        None => "none" | "no_clawback" | "不追回" | "无追回" | "不追溯",
    }
}

/// A share of a settlement period's rebate that one installment pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Portion {
    /// A fraction of the period's rebate (`40%` → 0.40).
    Percent(Decimal),
    /// Rate points of the period's weighted base (`10pt` → 0.10).
    Points(Decimal),
    /// Whatever the other installments leave.
    Rest,
}

impl std::fmt::Display for Portion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Portion::Percent(fraction) => formatter.write_str(&money::format_rate(*fraction)),
            Portion::Points(fraction) => {
                let points = fraction
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .unwrap_or(*fraction);
                write!(formatter, "{}pt", points.normalize())
            }
            Portion::Rest => formatter.write_str("rest"),
        }
    }
}

/// One installment of the schedule every settlement period follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentRule {
    /// 1, 2, … in payment order.
    pub number: u32,
    /// What makes it due.
    pub trigger: Trigger,
    /// How much of the period's rebate it pays.
    pub portion: Portion,
}

impl InstallmentRule {
    /// The default schedule: everything at settlement.
    pub fn single() -> Vec<InstallmentRule> {
        vec![InstallmentRule {
            number: 1,
            trigger: Trigger::Settlement,
            portion: Portion::Rest,
        }]
    }
}

/// One bracket `[from, to)` of a tier table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bracket {
    /// Lower bound, inclusive.
    pub from: Decimal,
    /// Upper bound, exclusive; `None` = no limit.
    pub to: Option<Decimal>,
    /// Rebate rate as a fraction.
    pub rate: Decimal,
}

/// A validated tier table: brackets start at 0, are contiguous and only the last is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierTable {
    brackets: Vec<Bracket>,
}

/// Why a list of brackets is not a tier table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TierTableError {
    /// No brackets at all.
    #[error("the contract has no tier brackets; add at least one row `from 0, rate …`")]
    Empty,
    /// The first bracket does not start at 0.
    #[error("the first bracket starts at {0}, but brackets must start at 0")]
    DoesNotStartAtZero(Decimal),
    /// A gap or overlap between two brackets.
    #[error(
        "bracket {index} starts at {from}, but the bracket before it ends at {previous_to}; brackets must be contiguous"
    )]
    NotContiguous {
        /// 1-based bracket number in sorted order.
        index: usize,
        /// Its lower bound.
        from: Decimal,
        /// The previous bracket's upper bound.
        previous_to: Decimal,
    },
    /// An open bracket that is not the last.
    #[error("bracket {0} has no upper limit but is not the last")]
    OpenBeforeLast(usize),
    /// `to` not above `from`.
    #[error("bracket {index} ends at {to}, which is not above its start {from}")]
    EmptyBracket {
        /// 1-based bracket number in sorted order.
        index: usize,
        /// Its lower bound.
        from: Decimal,
        /// Its upper bound.
        to: Decimal,
    },
}

impl TierTable {
    /// Validates brackets given in any order.
    ///
    /// # Errors
    /// When the brackets do not start at 0, overlap, leave a gap, or leave a bracket
    /// other than the last open-ended.
    pub fn new(mut brackets: Vec<Bracket>) -> Result<TierTable, TierTableError> {
        brackets.sort_by_key(|bracket| bracket.from);
        let first = brackets.first().ok_or(TierTableError::Empty)?;
        if !first.from.is_zero() {
            return Err(TierTableError::DoesNotStartAtZero(first.from));
        }
        for (index, bracket) in brackets.iter().enumerate() {
            if let Some(to) = bracket.to
                && to <= bracket.from
            {
                return Err(TierTableError::EmptyBracket {
                    index: index + 1,
                    from: bracket.from,
                    to,
                });
            }
            if let Some(next) = brackets.get(index + 1) {
                match bracket.to {
                    None => return Err(TierTableError::OpenBeforeLast(index + 1)),
                    Some(to) if to != next.from => {
                        return Err(TierTableError::NotContiguous {
                            index: index + 2,
                            from: next.from,
                            previous_to: to,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(TierTable { brackets })
    }

    /// The brackets, lowest first.
    pub fn brackets(&self) -> &[Bracket] {
        &self.brackets
    }

    /// The bracket a volume falls in (`[from, to)`); above the last closed bracket,
    /// none applies and the rate is 0.
    pub fn bracket_for(&self, volume: Decimal) -> Option<&Bracket> {
        self.brackets
            .iter()
            .find(|bracket| volume >= bracket.from && bracket.to.is_none_or(|to| volume < to))
    }

    /// The unrounded rebate R(B) on volume B (docs/ARITHMETIC.md); 0 when B ≤ 0.
    ///
    /// # Errors
    /// Only on arithmetic overflow.
    pub fn rebate(&self, mode: TierMode, volume: Decimal) -> Result<Decimal, Overflow> {
        if volume <= Decimal::ZERO {
            return Ok(Decimal::ZERO);
        }
        match mode {
            TierMode::Retroactive => match self.bracket_for(volume) {
                Some(bracket) => money::mul(volume, bracket.rate),
                None => Ok(Decimal::ZERO),
            },
            TierMode::Marginal => {
                let mut total = Decimal::ZERO;
                for bracket in &self.brackets {
                    let top = bracket.to.map_or(volume, |to| to.min(volume));
                    let width = money::sub(top, bracket.from)?;
                    if width > Decimal::ZERO {
                        total = money::add(total, money::mul(width, bracket.rate)?)?;
                    }
                }
                Ok(total)
            }
        }
    }
}

/// A rebate contract, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    /// Unique id (合同编号).
    pub id: String,
    /// Who receives the rebate.
    pub customer: String,
    /// Who owes it.
    pub agent: String,
    /// The agent's unified social credit code: the expected invoice issuer.
    pub agent_tax_id: Option<String>,
    /// Cloud provider word (`aliyun`, `tencent`, …).
    pub provider: String,
    /// Name of the ruleset in force (resolved from the contract or its provider).
    pub ruleset: String,
    /// Billing accounts covered.
    pub accounts: Vec<String>,
    /// First day of the term.
    pub start: NaiveDate,
    /// Last day of the term (inclusive).
    pub end: NaiveDate,
    /// ISO currency code.
    pub currency: String,
    /// What amount the rebate is computed on.
    pub base: Base,
    /// What volume picks the tier.
    pub tier_basis: TierBasis,
    /// Retroactive or marginal.
    pub tier_mode: TierMode,
    /// Maximum rebate per contract year (per term with `term` basis).
    pub cap: Option<Decimal>,
    /// Settlement cadence.
    pub settlement: Settlement,
    /// Days after the trigger date the payout is due.
    pub due_days: i64,
    /// Days of tolerance before lateness counts.
    pub grace_days: i64,
    /// When the contract was renewed.
    pub renewed_on: Option<NaiveDate>,
    /// Which invoice cash payouts need.
    pub invoice: InvoiceKind,
    /// Expected VAT rate on the invoice.
    pub tax_rate: Option<Decimal>,
    /// Daily late-payment rate (fraction).
    pub late_interest: Decimal,
    /// How the rebate is paid by default.
    pub payout_kind: PayoutKind,
    /// The tier table.
    pub tiers: TierTable,
    /// Product coefficients from the contract's own `products` sheet, keyed by the
    /// product's canonical name (names compare ignoring case, width and spaces).
    pub products: BTreeMap<String, Decimal>,
    /// The installment schedule.
    pub schedule: Vec<InstallmentRule>,
    /// The contract's row in the workbook.
    pub source: Location,
    /// Its amendments from the `amendments` sheet, by effective date (empty without one).
    pub amendments: Vec<Amendment>,
    /// What a negative period rebate does (column `clawback`); `None` when the cell is
    /// blank: reckoned as `net`, and a payout that looks like a clawback says the rule is
    /// missing.
    pub clawback: Option<ClawbackRule>,
    /// The group company owed the rebate (`entity`, 收款主体); `None` when blank: the
    /// customer then stands in (docs/INPUTS.md).
    pub entity: Option<String>,
}

/// One contract year or other closed date range `[first, last]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateRange {
    /// First day, inclusive.
    pub first: NaiveDate,
    /// Last day, inclusive.
    pub last: NaiveDate,
}

impl DateRange {
    /// True when `date` is inside.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// True when the two ranges share a day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// Number of days, both ends counted.
    pub fn days(&self) -> i64 {
        days_between(self.first, self.last) + 1
    }
}

impl Contract {
    /// The term as a range.
    pub fn term(&self) -> DateRange {
        DateRange {
            first: self.start,
            last: self.end,
        }
    }

    /// Contract years `Y_k = [start + k years, start + (k+1) years − 1 day]`, clipped to
    /// the term (docs/ARITHMETIC.md).
    pub fn contract_years(&self) -> Vec<DateRange> {
        let mut years = Vec::new();
        let mut k = 0;
        while let Some(first) = add_years(self.start, k) {
            if first > self.end {
                break;
            }
            let next = add_years(self.start, k + 1);
            let last = next
                .and_then(|next| next.pred_opt())
                .map_or(self.end, |last| last.min(self.end));
            years.push(DateRange { first, last });
            k += 1;
        }
        years
    }

    /// The coefficient the contract's own sheet gives a product, if any.
    /// Names compare as people type them: case, width and spaces do not matter.
    pub fn product_coefficient(&self, product: &str) -> Option<Decimal> {
        let product = super::words::fold(product);
        self.folded_products()
            .find(|(listed, _)| *listed == product)
            .map(|(_, coefficient)| coefficient)
    }

    /// The sheet's products with their names folded as `product_coefficient` compares
    /// them, in the order it tries them (the first match wins): for a caller that folds
    /// them once and asks for many products.
    pub fn folded_products(&self) -> impl Iterator<Item = (String, Decimal)> + '_ {
        self.products
            .iter()
            .map(|(listed, &coefficient)| (super::words::fold(listed), coefficient))
    }
}

// Amendments live here, beside the contract they change, so the contract does not
// import a file that imports it back (docs/ARITHMETIC.md, "Amendments").

word_enum! {
    /// What an amendment row changes.
    Change {
        /// A new tier table (its brackets are `tiers` rows carrying the amendment's id).
        Tiers => "tiers" | "tier" | "tier_table" | "阶梯" | "返点阶梯",
        /// A new last day of the term (extended or shortened).
        End => "end" | "term_end" | "结束日期" | "合同期限" | "延期",
        /// A product's new coefficient (`value` = product and coefficient, `RDS=0.5`).
        Coefficient => "coefficient" | "系数" | "产品系数",
        /// An account that belongs to the contract from the effective date.
        AccountAdd => "account_add" | "增加账号" | "新增账号",
        /// An account that no longer belongs to the contract from the effective date.
        AccountRemove => "account_remove" | "移除账号" | "删除账号",
    }
}

word_enum! {
    /// Whether an amendment re-prices what came before its effective date.
    Retroactive {
        /// From the effective date on only.
        No => "no" | "none" | "否" | "不追溯",
        /// From the first day of the contract year the effective date falls in.
        ContractYear => "contract_year" | "追溯至合同年度" | "合同年度" | "追溯",
    }
}

/// What an amendment sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmendedTerms {
    /// The tier table in force from [`Amendment::applies_from`].
    Tiers(TierTable),
    /// The term's new last day.
    End(NaiveDate),
    /// A product's coefficient from the effective date (the product's canonical name).
    Coefficient {
        /// The product, as the `products` sheet and the ruleset name it.
        product: String,
        /// Its new coefficient.
        coefficient: Decimal,
    },
    /// An account whose lines belong to the contract from the effective date.
    AccountAdd(String),
    /// An account whose lines no longer belong to the contract from the effective date.
    AccountRemove(String),
}

/// One validated amendment of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// The amendment's id (变更编号), as the auditor wrote it.
    pub id: String,
    /// The day it takes effect (signed or agreed).
    pub effective_from: NaiveDate,
    /// Whether it reaches back to the start of its contract year.
    pub retroactive: Retroactive,
    /// The first day whose volume it prices: the effective date, or the first day of the
    /// contract year containing it when retroactive.
    pub applies_from: NaiveDate,
    /// What it sets.
    pub terms: AmendedTerms,
    /// Its row in the `amendments` sheet.
    pub source: Location,
}

/// The amendment a period's trail names: who changed the terms it was computed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentNote {
    /// The amendment's id.
    pub id: String,
    /// The day it took effect.
    pub effective_from: NaiveDate,
    /// The first day whose volume it prices.
    pub applies_from: NaiveDate,
    /// Whether it reached back to the start of its contract year.
    pub retroactive: bool,
    /// Its row, as `file:sheet:row`.
    pub source: String,
}

impl Amendment {
    /// The note a trail carries.
    pub fn note(&self) -> AmendmentNote {
        AmendmentNote {
            id: self.id.clone(),
            effective_from: self.effective_from,
            applies_from: self.applies_from,
            retroactive: self.retroactive == Retroactive::ContractYear,
            source: self.source.to_string(),
        }
    }

    /// Its tier table, when it sets one.
    pub fn tiers(&self) -> Option<&TierTable> {
        match &self.terms {
            AmendedTerms::Tiers(table) => Some(table),
            _ => None,
        }
    }
}

/// The first day of the contract year (from `start`) that contains `date`; `start`
/// itself for a date before it.
pub fn contract_year_start(start: NaiveDate, date: NaiveDate) -> NaiveDate {
    let mut first = start;
    let mut k = 1;
    while let Some(next) = add_years(start, k) {
        if next > date {
            break;
        }
        first = next;
        k += 1;
    }
    first
}

/// The first day an amendment prices: its effective date, or its contract year's first
/// day when it is retroactive.
pub fn applies_from(
    start: NaiveDate,
    effective_from: NaiveDate,
    retroactive: Retroactive,
) -> NaiveDate {
    match retroactive {
        Retroactive::No => effective_from,
        Retroactive::ContractYear => contract_year_start(start, effective_from),
    }
}

impl Contract {
    /// Whether any amendment sets a tier table (then the amended arithmetic applies).
    pub fn has_tier_amendments(&self) -> bool {
        self.amendments
            .iter()
            .any(|amendment| amendment.tiers().is_some())
    }

    /// The tier table that prices the volume of `day`, as known at `known_at` (the end
    /// of the settlement period being computed): among the tier amendments in effect by
    /// `known_at` that reach back to `day`, the one taking effect last; the contract's own
    /// table when none does. The index is the amendment's place in `amendments`.
    pub fn tiers_in_force(
        &self,
        day: NaiveDate,
        known_at: NaiveDate,
    ) -> (&TierTable, Option<usize>) {
        let mut found: Option<(usize, &TierTable)> = None;
        for (index, amendment) in self.amendments.iter().enumerate() {
            let Some(table) = amendment.tiers() else {
                continue;
            };
            if amendment.effective_from <= known_at
                && amendment.applies_from <= day
                && found.is_none_or(|(best, _)| {
                    self.amendments[best].effective_from <= amendment.effective_from
                })
            {
                found = Some((index, table));
            }
        }
        match found {
            Some((index, table)) => (table, Some(index)),
            None => (&self.tiers, None),
        }
    }

    /// The tier table of amendment `index` (the contract's own for `None`).
    pub fn tier_table(&self, amendment: Option<usize>) -> &TierTable {
        amendment
            .and_then(|index| self.amendments.get(index))
            .and_then(Amendment::tiers)
            .unwrap_or(&self.tiers)
    }
}

#[cfg(test)]
mod tests;
