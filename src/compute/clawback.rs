//! A contract's clawback rule applied to its periods' rebates (docs/ARITHMETIC.md,
//! "Clawbacks"): what each period's installments share once a negative period rebate is
//! owed back (`net`), carried against later periods (`carry_forward`) or given up (`none`).
//!
//! With C_0 = 0, period by period in order:
//! - `net`: payable_p = E_p (a negative one is an installment owed back);
//! - `carry_forward`: payable_p = max(0, E_p − C_{p−1}), C_p = max(0, C_{p−1} − E_p); the
//!   last period's C lapses at the term's end, never owed in cash;
//! - `none`: payable_p = max(0, E_p), nothing carried.

use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::computation::PeriodRebate;
use crate::domain::money::{self, Overflow};
use rust_decimal::Decimal;

/// Each period's step under `rule`, from the periods' rebates E_p in period order; empty
/// when the contract names no rule (every period then pays its E_p, as under `net`).
///
/// # Errors
/// Only on arithmetic overflow.
pub fn steps(
    rule: Option<ClawbackRule>,
    rebates: &[PeriodRebate],
) -> Result<Vec<ClawbackStep>, Overflow> {
    match rule {
        None => Ok(Vec::new()),
        Some(rule) => steps_of(
            rule,
            &rebates
                .iter()
                .map(|rebate| rebate.expected)
                .collect::<Vec<_>>(),
        ),
    }
}

/// Each period's step under `rule`, from the periods' rebates E_p in period order.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn steps_of(
    rule: ClawbackRule,
    period_rebates: &[Decimal],
) -> Result<Vec<ClawbackStep>, Overflow> {
    let mut carried = Decimal::ZERO;
    let mut steps = Vec::with_capacity(period_rebates.len());
    for &period_rebate in period_rebates {
        let carried_in = carried;
        let (payable, carried_out) = match rule {
            ClawbackRule::Net => (period_rebate, Decimal::ZERO),
            ClawbackRule::None => (period_rebate.max(Decimal::ZERO), Decimal::ZERO),
            ClawbackRule::CarryForward => {
                let left = money::sub(period_rebate, carried_in)?;
                (left.max(Decimal::ZERO), (-left).max(Decimal::ZERO))
            }
        };
        // What a positive E_p lost to the carry; a negative E_p loses nothing, it is the
        // carry (or is given up).
        let deducted = money::sub(period_rebate, payable)?.max(Decimal::ZERO);
        carried = carried_out;
        steps.push(ClawbackStep {
            rule,
            period_rebate,
            carried_in,
            deducted,
            payable,
            carried_out,
            lapsed: Decimal::ZERO,
        });
    }
    if let Some(last) = steps.last_mut() {
        last.lapsed = last.carried_out;
    }
    Ok(steps)
}

/// What period `index`'s installments share: its payable under the rule, or `expected`
/// (E_p) when the contract names no rule.
pub fn payable(steps: &[ClawbackStep], index: usize, expected: Decimal) -> Decimal {
    steps.get(index).map_or(expected, |step| step.payable)
}

#[cfg(test)]
mod tests;
