//! The formula of an installment's share, written without copying its period's trail:
//! word for word what the copied trail gave, for each installment, both languages, with
//! a catch-up, a cap, marginal brackets and a clawback step.

use super::*;
use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::test_support::two_installment_trail;

#[test]
fn a_share_reads_as_the_copied_trail() {
    let trail = two_installment_trail();
    assert_eq!(
        formula_of(trail.share(1)),
        "tier scope 2025-01-01 to 2025-12-31 (contract_year basis): weighted base 100,000.00 \
         × 20% = 20,000.00 (catch-up 5,000.00: the earlier 50,000.00 re-priced from 10% to \
         20%) (capped at 25,000.00); Earned 20,000.00 − 0.00 = period rebate 20,000.00; \
         installment 40% = 8,000.00"
    );
    assert_eq!(
        formula_zh_of(trail.share(2)),
        format!(
            "阶梯范围 2025-01-01 至 2025-12-31（{}口径）：加权基数 100,000.00 × 20% = 20,000.00\
             （追溯补差 5,000.00：此前的 50,000.00 由 10% 改按 20% 计）（封顶 25,000.00）；\
             截至本期已挣得 20,000.00 − 此前已挣得 0.00 = 本期返点 20,000.00；本期次 {} = 12,000.00",
            words::tier_basis_code("contract_year", Lang::Zh),
            words::portion_code("rest", Lang::Zh)
        )
    );
    let mut marginal = two_installment_trail();
    marginal.computation.tier_mode = "marginal".into();
    marginal.computation.catch_up = None;
    marginal.computation.cap_applied = false;
    marginal.computation.clawback = Some(ClawbackStep {
        rule: ClawbackRule::CarryForward,
        period_rebate: d("20000.00"),
        carried_in: d("-1500.00"),
        deducted: d("1500.00"),
        payable: d("18500.00"),
        carried_out: d("0.00"),
        lapsed: d("0.00"),
    });
    for trail in [two_installment_trail(), marginal] {
        for number in [1, 2, 3] {
            let copied = trail.for_installment(number);
            assert_eq!(formula_of(trail.share(number)), formula(&copied));
            assert_eq!(formula_zh_of(trail.share(number)), formula_zh(&copied));
        }
    }
}
