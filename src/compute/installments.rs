//! Splitting a period's rebate into installments and dating them (docs/ARITHMETIC.md).
//!
//! In schedule order: `x%` takes round(E_p × x); `Npt` takes round(W_p × N/100) but never
//! more than what is left of E_p nor less than 0; `rest` takes what the others leave.

use crate::domain::calendar::{add_days, month_end, next_month_start};
use crate::domain::computation::{DueRule, InstallmentShare};
use crate::domain::contract::{Contract, Portion, Settlement, Trigger};
use crate::domain::money::{self, Overflow, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Splits E_p (with weighted base W_p) by the contract's schedule.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn split(
    contract: &Contract,
    period_end: NaiveDate,
    period_expected: Decimal,
    period_weighted_base: Decimal,
    rounding: Rounding,
) -> Result<Vec<InstallmentShare>, Overflow> {
    let mut shares = Vec::with_capacity(contract.schedule.len());
    let mut left = period_expected;
    for rule in &contract.schedule {
        let expected = match rule.portion {
            Portion::Percent(fraction) => rounding.round(money::mul(period_expected, fraction)?),
            Portion::Points(fraction) => {
                let points = rounding.round(money::mul(period_weighted_base, fraction)?);
                points.min(left).max(Decimal::ZERO)
            }
            Portion::Rest => left,
        };
        left = money::sub(left, expected)?;
        let (due_on, due_rule) = due_date(contract, rule.trigger, period_end);
        shares.push(InstallmentShare {
            number: rule.number,
            trigger: rule.trigger,
            portion: rule.portion,
            expected: rounding.round(expected),
            due_on,
            due_rule,
        });
    }
    Ok(shares)
}

/// The due date of an installment with `trigger` for a period ending on `period_end`, and
/// the rule that gives it.
pub fn due_date(
    contract: &Contract,
    trigger: Trigger,
    period_end: NaiveDate,
) -> (Option<NaiveDate>, DueRule) {
    let due_days = contract.due_days;
    match trigger {
        Trigger::Settlement if contract.settlement == Settlement::Transparent => (
            next_month_start(period_end).map(month_end),
            DueRule::MonthAfterPeriodEnd { period_end },
        ),
        Trigger::Settlement => (
            add_days(period_end, due_days),
            DueRule::AfterPeriodEnd {
                period_end,
                due_days,
            },
        ),
        Trigger::Renewal => match contract.renewed_on {
            Some(renewed_on) => (
                add_days(period_end.max(renewed_on), due_days),
                DueRule::AfterRenewal {
                    period_end,
                    renewed_on,
                    due_days,
                },
            ),
            None => (None, DueRule::NotRenewed),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::InstallmentRule;
    use crate::domain::settlement::tests::contract;
    use crate::domain::test_support::{d, day};

    fn rule(number: u32, trigger: Trigger, portion: Portion) -> InstallmentRule {
        InstallmentRule {
            number,
            trigger,
            portion,
        }
    }

    fn amounts(shares: &[InstallmentShare]) -> Vec<String> {
        shares
            .iter()
            .map(|share| share.expected.to_string())
            .collect()
    }

    #[test]
    fn points_at_settlement_and_the_rest_at_renewal() {
        // W = 500,000 at 20% → E = 100,000; 10pt = 50,000 now, 50,000 after renewal.
        let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Annual);
        staged.schedule = vec![
            rule(1, Trigger::Settlement, Portion::Points(d("0.10"))),
            rule(2, Trigger::Renewal, Portion::Rest),
        ];
        let shares = split(
            &staged,
            day("2025-12-31"),
            d("100000"),
            d("500000"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(amounts(&shares), ["50000.00", "50000.00"]);
        assert_eq!(shares[0].due_on, Some(day("2026-01-30")));
        assert_eq!(
            shares[0].due_rule,
            DueRule::AfterPeriodEnd {
                period_end: day("2025-12-31"),
                due_days: 30
            }
        );
        assert_eq!(shares[1].due_on, None, "not renewed: not due");
        assert_eq!(shares[1].due_rule, DueRule::NotRenewed);
        staged.renewed_on = Some(day("2026-02-10"));
        let shares = split(
            &staged,
            day("2025-12-31"),
            d("100000"),
            d("500000"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(shares[1].due_on, Some(day("2026-03-12")));
        assert_eq!(
            shares[1].due_rule,
            DueRule::AfterRenewal {
                period_end: day("2025-12-31"),
                renewed_on: day("2026-02-10"),
                due_days: 30
            }
        );
    }

    #[test]
    fn points_never_take_more_than_is_left_nor_less_than_zero() {
        let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Annual);
        staged.schedule = vec![
            rule(1, Trigger::Settlement, Portion::Points(d("0.30"))),
            rule(2, Trigger::Settlement, Portion::Rest),
        ];
        let shares = split(
            &staged,
            day("2025-12-31"),
            d("100000"),
            d("500000"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(amounts(&shares), ["100000.00", "0.00"]);
        // A clawback period: the points installment takes 0, the rest is negative.
        let shares = split(
            &staged,
            day("2025-12-31"),
            d("-500"),
            d("-2500"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(amounts(&shares), ["0.00", "-500.00"]);
    }

    #[test]
    fn percentages_are_rounded_and_rest_takes_the_remainder() {
        let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Annual);
        staged.schedule = vec![
            rule(1, Trigger::Settlement, Portion::Percent(d("0.40"))),
            rule(2, Trigger::Settlement, Portion::Rest),
        ];
        // 40% of 100.01 = 40.004 → 40.00; the rest 60.01.
        let shares = split(
            &staged,
            day("2025-12-31"),
            d("100.01"),
            d("500"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(amounts(&shares), ["40.00", "60.01"]);
    }

    #[test]
    fn transparent_settlement_is_due_at_the_end_of_the_next_month() {
        let transparent = contract("2025-01-01", "2025-12-31", Settlement::Transparent);
        let shares = split(
            &transparent,
            day("2025-01-31"),
            d("10"),
            d("50"),
            Rounding::HalfUp,
        )
        .unwrap();
        assert_eq!(shares[0].due_on, Some(day("2025-02-28")));
        assert_eq!(
            shares[0].due_rule,
            DueRule::MonthAfterPeriodEnd {
                period_end: day("2025-01-31")
            }
        );
    }
}
