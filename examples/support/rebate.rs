//! The generator's own computation of what each contract promises (docs/ARITHMETIC.md), so the
//! payout ledger it writes roughly matches the billing it wrote. Months are counted from
//! January 2024 (the first month of generated data); every term starts on the first of a
//! month, so settlement periods, contract years and tier scopes are runs of whole months.

use chrono::{Days, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Period,
    ContractYear,
    Term,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Retroactive,
    Marginal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    Monthly,
    Quarterly,
    Annual,
    Term,
    Transparent,
}

#[derive(Debug, Clone, Copy)]
pub enum Portion {
    /// Whole percent of the period's rebate.
    Percent(u32),
    /// Rate points of the period's weighted base.
    Points(u32),
    Rest,
}

#[derive(Debug, Clone)]
pub struct Tier {
    /// Yuan.
    pub from: i64,
    pub to: Option<i64>,
    /// Hundredths of a percent (300 = 3%).
    pub rate_bp: u32,
}

pub struct Terms<'a> {
    /// Month index of the first month of the term (0 = 2024-01).
    pub start_month: usize,
    /// Length of the term in months.
    pub months: usize,
    pub basis: Basis,
    pub mode: Mode,
    pub settlement: Settlement,
    pub tiers: &'a [Tier],
    /// Yuan per contract year (per term when the tier scope is the term).
    pub cap: Option<i64>,
    pub schedule: &'a [Portion],
    pub due_days: u64,
}

/// One settlement period and what each of its installments expects.
pub struct Period {
    /// Month index (0 = 2024-01) of its first and last month.
    pub first_month: usize,
    pub last_month: usize,
    pub end: NaiveDate,
    pub due: NaiveDate,
    pub installments: Vec<Decimal>,
}

/// The first day of month index `month` (0 = 2024-01).
pub fn month_start(month: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024 + (month / 12) as i32, (month % 12) as u32 + 1, 1)
        .expect("a valid month")
}

/// The last day of month index `month`.
pub fn month_end(month: usize) -> NaiveDate {
    month_start(month + 1).pred_opt().expect("a valid day")
}

fn round(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Every settlement period of the term with its installments' expectations, from the
/// weighted base of each month of the term (`weighted[t]` for the term's month `t`).
pub fn expected(terms: &Terms, weighted: &[Decimal]) -> Vec<Period> {
    assert_eq!(weighted.len(), terms.months);
    let periods = runs(terms.months, |t| match terms.settlement {
        Settlement::Monthly | Settlement::Transparent => t,
        // Calendar quarters, split at contract-year boundaries.
        Settlement::Quarterly => (t / 12) * 100 + ((terms.start_month + t) % 12) / 3,
        Settlement::Annual => t / 12,
        Settlement::Term => 0,
    });
    let whole_term = terms.basis == Basis::Term
        || (terms.basis == Basis::Period && terms.settlement == Settlement::Term);
    let scopes = match terms.basis {
        Basis::Period => periods.clone(),
        _ => runs(terms.months, |t| t / 12),
    };
    let rate = |tier: &Tier| Decimal::new(i64::from(tier.rate_bp), 4);
    let tier_function = |base: Decimal| -> Decimal {
        if base <= Decimal::ZERO {
            return Decimal::ZERO;
        }
        match terms.mode {
            Mode::Retroactive => terms
                .tiers
                .iter()
                .find(|tier| {
                    Decimal::from(tier.from) <= base
                        && tier.to.is_none_or(|to| base < Decimal::from(to))
                })
                .map_or(Decimal::ZERO, |tier| base * rate(tier)),
            Mode::Marginal => terms
                .tiers
                .iter()
                .map(|tier| {
                    let top = tier.to.map_or(base, |to| base.min(Decimal::from(to)));
                    (top - Decimal::from(tier.from)).max(Decimal::ZERO) * rate(tier)
                })
                .sum(),
        }
    };
    let capped = |amount: Decimal| match terms.cap {
        Some(cap) => amount.min(Decimal::from(cap)),
        None => amount,
    };
    // Earned(t) for t = the end of the term's month `upto - 1`.
    let earned = |upto: usize| -> Decimal {
        let base = |first: usize, last: usize| -> Decimal {
            if first >= upto {
                Decimal::ZERO
            } else {
                weighted[first..=last.min(upto - 1)].iter().sum()
            }
        };
        if whole_term {
            return capped(round(tier_function(base(0, terms.months - 1))));
        }
        let years = terms.months.div_ceil(12);
        (0..years)
            .map(|year| {
                capped(
                    scopes
                        .iter()
                        .filter(|(first, _)| first / 12 == year)
                        .map(|&(first, last)| round(tier_function(base(first, last))))
                        .sum(),
                )
            })
            .sum()
    };
    periods
        .iter()
        .map(|&(first, last)| {
            let rebate = earned(last + 1) - earned(first);
            let base: Decimal = weighted[first..=last].iter().sum();
            let mut installments: Vec<Decimal> = Vec::new();
            for portion in terms.schedule {
                let taken: Decimal = installments.iter().sum();
                let amount = match *portion {
                    Portion::Percent(percent) => {
                        round(rebate * Decimal::new(i64::from(percent), 2))
                    }
                    Portion::Points(points) => round(base * Decimal::new(i64::from(points), 2))
                        .min(rebate - taken)
                        .max(Decimal::ZERO),
                    Portion::Rest => rebate - taken,
                };
                installments.push(amount);
            }
            let end = month_end(terms.start_month + last);
            let due = if terms.settlement == Settlement::Transparent {
                month_end(terms.start_month + last + 1)
            } else {
                end.checked_add_days(Days::new(terms.due_days))
                    .expect("a due date")
            };
            Period {
                first_month: terms.start_month + first,
                last_month: terms.start_month + last,
                end,
                due,
                installments,
            }
        })
        .collect()
}

/// Consecutive runs of `0..count` that share a key, as (first, last) inclusive.
fn runs(count: usize, key: impl Fn(usize) -> usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for index in 0..count {
        match out.last_mut() {
            Some((first, last)) if key(*first) == key(index) => *last = index,
            _ => out.push((index, index)),
        }
    }
    out
}
