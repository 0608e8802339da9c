//! A payment that follows another clawback rule than the contract's (docs/ARITHMETIC.md,
//! "Clawbacks"): a likely cause on the installment's `underpaid`, `unpaid` or `overpaid`
//! finding, never a finding of its own, so the money is stated once.
//!
//! The installment is replayed under the rule that differs from the contract's on a
//! positive period — `carry_forward` (earlier negative periods deducted) for a contract
//! whose rule is blank, `net` or `none`; `none` (nothing deducted) for a `carry_forward`
//! contract — through the real arithmetic ([`clawback::steps_of`], [`installments::split`]).
//! When what was paid is that replay within the tolerance, and the replay differs from the
//! expectation by more than the tolerance, the cause is named, with the carry and the
//! negative periods it comes from. It is worded as likely, never as fact: another reason
//! can give the same amount.

use crate::compute::{clawback, installments};
use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::computation::ContractComputation;
use crate::domain::contract::{Contract, DateRange};
use crate::domain::finding::{Allocation, CashRow, CauseCode, LikelyCause, Mistake};
use crate::domain::location::Location;
use crate::domain::money::{self, Overflow, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What the replay of one contract reads.
#[derive(Debug, Clone, Copy)]
pub struct ClawbackInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its computed periods, rebates, installments and clawback steps.
    pub computation: &'a ContractComputation,
    /// The ruleset's rounding.
    pub rounding: Rounding,
    /// The ruleset's tolerance.
    pub tolerance: Decimal,
}

/// The rule a payment is replayed under, and the cause it names, for a contract's rule.
fn alternative(contract: Option<ClawbackRule>) -> (ClawbackRule, CauseCode) {
    match contract {
        None => (ClawbackRule::CarryForward, CauseCode::ClawbackWithoutRule),
        Some(ClawbackRule::Net) => (ClawbackRule::CarryForward, CauseCode::ClawbackDeducted),
        Some(ClawbackRule::None) => (ClawbackRule::CarryForward, CauseCode::ClawbackNotAllowed),
        Some(ClawbackRule::CarryForward) => (ClawbackRule::None, CauseCode::ClawbackNotApplied),
    }
}

/// The clawback cause that reproduces `paid` for installment `installment` of period
/// index `period`, if any (at most one).
///
/// # Errors
/// Only on arithmetic overflow.
pub fn likely_causes(
    input: &ClawbackInput<'_>,
    period: usize,
    installment: u32,
    paid: Decimal,
) -> Result<Vec<LikelyCause>, Overflow> {
    let computation = input.computation;
    let (Some(rebate), Some(settlement_period), Some(share)) = (
        computation.rebates.get(period),
        computation.periods.get(period),
        computation
            .shares
            .get(period)
            .and_then(|shares| shares.iter().find(|share| share.number == installment)),
    ) else {
        return Ok(Vec::new());
    };
    let rebates: Vec<Decimal> = computation
        .rebates
        .iter()
        .map(|rebate| rebate.expected)
        .collect();
    let (used, code) = alternative(input.contract.clawback);
    let replayed = clawback::steps_of(used, &rebates)?;
    let own_payable = clawback::payable(&computation.clawback, period, rebate.expected);
    let Some(step) = replayed.get(period) else {
        return Ok(Vec::new());
    };
    if step.payable == own_payable {
        return Ok(Vec::new());
    }
    let split = installments::split(
        input.contract,
        settlement_period.range.last,
        step.payable,
        rebate.weighted_base,
        input.rounding,
    )?;
    let Some(amount) = split
        .iter()
        .find(|share| share.number == installment)
        .map(|share| share.expected)
    else {
        return Ok(Vec::new());
    };
    let margin = input.tolerance.max(Decimal::new(1, 2));
    let matches = money::sub(input.rounding.round(paid), amount)?.abs() <= margin;
    let far = money::sub(amount, share.expected)?.abs() > margin;
    if !matches || !far {
        return Ok(Vec::new());
    }
    // The carry one rule deducts and the other does not: the `carry_forward` steps'.
    let carrying = if used == ClawbackRule::CarryForward {
        &replayed
    } else {
        &computation.clawback
    };
    let carried = carrying
        .get(period)
        .map_or(Decimal::ZERO, |step| step.deducted);
    Ok(vec![LikelyCause {
        code,
        expected_under_mistake: amount,
        installment,
        expected: share.expected,
        portion: super::cause::partial(input.contract, share.portion),
        mistake: Mistake::Clawback {
            contract: input.contract.clawback,
            used,
            period_rebate: rebate.expected,
            carried,
            from: origins(carrying, computation, period),
        },
    }])
}

/// The negative periods whose carry reaches period `period`: walking back while each
/// earlier period hands a carry on.
fn origins(
    steps: &[ClawbackStep],
    computation: &ContractComputation,
    period: usize,
) -> Vec<DateRange> {
    let mut from = Vec::new();
    let mut index = period;
    while let Some(before) = index.checked_sub(1) {
        let Some(step) = steps.get(before) else { break };
        if step.carried_out <= Decimal::ZERO {
            break;
        }
        if step.period_rebate < Decimal::ZERO
            && let Some(range) = computation.periods.get(before).map(|period| period.range)
        {
            from.push(range);
        }
        index = before;
    }
    from.reverse();
    from
}

/// Money taken back in cash on a contract whose rule does not allow it: the negative
/// rows among what an installment short of its expectation holds (`installment` > 0), or a
/// negative payout left over on the contract (`installment` 0). `None` unless the
/// contract's rule is `none` or `carry_forward` and some row is negative. It only explains:
/// the rows stay matched as they are, every ledger row counting as received.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn cash_taken_back(
    contract: &Contract,
    installment: u32,
    expected: Decimal,
    allocations: &[Allocation],
) -> Result<Option<LikelyCause>, Overflow> {
    let rows: Vec<(&str, NaiveDate, Decimal, &Location)> = allocations
        .iter()
        .map(|allocation| {
            (
                allocation.payout_id.as_str(),
                allocation.paid_on,
                allocation.amount,
                &allocation.source,
            )
        })
        .collect();
    cash_cause(contract, installment, expected, &rows)
}

/// [`cash_taken_back`] on plain rows `(payout, paid_on, amount, source)`.
fn cash_cause(
    contract: &Contract,
    installment: u32,
    expected: Decimal,
    rows: &[(&str, NaiveDate, Decimal, &Location)],
) -> Result<Option<LikelyCause>, Overflow> {
    let rule = match contract.clawback {
        Some(rule @ (ClawbackRule::None | ClawbackRule::CarryForward)) => rule,
        _ => return Ok(None),
    };
    let mut taken = Decimal::ZERO;
    let mut received = Decimal::ZERO;
    let mut negative = Vec::new();
    for &(payout_id, paid_on, amount, source) in rows {
        if amount < Decimal::ZERO {
            taken = money::sub(taken, amount)?;
            negative.push(CashRow {
                payout_id: payout_id.to_string(),
                paid_on,
                amount,
                source: source.clone(),
            });
        } else {
            received = money::add(received, amount)?;
        }
    }
    if negative.is_empty() {
        return Ok(None);
    }
    Ok(Some(LikelyCause {
        code: CauseCode::ClawbackInCash,
        expected_under_mistake: money::sub(received, taken)?,
        installment,
        expected,
        portion: None,
        mistake: Mistake::ClawbackInCash {
            contract: rule,
            rows: negative,
            taken,
            received,
        },
    }))
}

/// The cause on a negative payout left over on the contract (an `overpaid` finding with
/// a negative amount: nothing it could be matched to).
///
/// # Errors
/// Only on arithmetic overflow.
pub fn cash_left_over(
    contract: &Contract,
    payout_id: &str,
    paid_on: NaiveDate,
    amount: Decimal,
    source: &Location,
) -> Result<Option<LikelyCause>, Overflow> {
    cash_cause(
        contract,
        0,
        Decimal::ZERO,
        &[(payout_id, paid_on, amount, source)],
    )
}

#[cfg(test)]
mod tests;
