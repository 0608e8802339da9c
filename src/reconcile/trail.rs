//! The computation trail of every settlement period: the numbers a finance person needs
//! to redo E_p by hand — the weighted base per product, the tier scope before and after
//! the period, the bracket(s), the catch-up, the cap, Earned before and after, and the
//! split into installments with their due dates (docs/ARITHMETIC.md).
//!
//! Built from what the compute stage worked out (nothing is computed twice except the
//! catch-up, which only the trail and the likely causes need, from [`catch_up`]); one
//! trail per period, stored once and shared by the period's installments and findings
//! (each sees its own share through `PeriodTrail::for_installment`).

use crate::compute::rebate::whole_term_scope;
use crate::domain::computation::ContractComputation;
use crate::domain::computation::PeriodRebate;
use crate::domain::computation::{
    BracketSlice, CatchUp, Computation, InstallmentSplit, ProductBase, TierBracket,
};
use crate::domain::contract::{Bracket, Contract, TierBasis, TierMode, TierTable};
use crate::domain::finding::SourceRows;
use crate::domain::money::{self, Overflow, Rounding};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn tier_bracket(bracket: &Bracket) -> TierBracket {
    TierBracket {
        from: bracket.from,
        to: bracket.to,
        rate: bracket.rate,
    }
}

/// W_p per product, summed over the files the rows came from, by product name.
fn products(sources: &[SourceRows]) -> Result<Vec<ProductBase>, Overflow> {
    let mut by_product: BTreeMap<(&str, Decimal), ProductBase> = BTreeMap::new();
    for source in sources {
        let entry = by_product
            .entry((source.product.as_str(), source.coefficient))
            .or_insert_with(|| ProductBase {
                product: source.product.clone(),
                coefficient: source.coefficient,
                rows: 0,
                base: Decimal::ZERO,
                weighted_base: Decimal::ZERO,
            });
        entry.rows += source.rows;
        entry.base = money::add(entry.base, source.base)?;
        entry.weighted_base = money::add(entry.weighted_base, source.weighted_base)?;
    }
    Ok(by_product.into_values().collect())
}

/// How R(B) is made up: the reached bracket for a retroactive table, each bracket's
/// slice for a marginal one; nothing when B ≤ 0 (R = 0).
fn slices(
    contract: &Contract,
    tiers: &TierTable,
    volume: Decimal,
) -> Result<Vec<BracketSlice>, Overflow> {
    if volume <= Decimal::ZERO {
        return Ok(Vec::new());
    }
    let mut slices = Vec::new();
    match contract.tier_mode {
        TierMode::Retroactive => {
            if let Some(bracket) = tiers.bracket_for(volume) {
                slices.push(BracketSlice {
                    bracket: tier_bracket(bracket),
                    volume,
                    rebate: money::mul(volume, bracket.rate)?,
                });
            }
        }
        TierMode::Marginal => {
            for bracket in tiers.brackets() {
                let top = bracket.to.map_or(volume, |to| to.min(volume));
                let width = money::sub(top, bracket.from)?;
                if width > Decimal::ZERO {
                    slices.push(BracketSlice {
                        bracket: tier_bracket(bracket),
                        volume: width,
                        rebate: money::mul(width, bracket.rate)?,
                    });
                }
            }
        }
    }
    Ok(slices)
}

/// The rebate of the period before `index` when it is in the same tier scope (a period
/// that opens its scope starts from nothing).
fn previous_in_scope(rebates: &[PeriodRebate], index: usize) -> Option<&PeriodRebate> {
    let rebate = rebates.get(index)?;
    rebates
        .get(index.checked_sub(1)?)
        .filter(|before| before.scope == rebate.scope)
}

/// The retroactive catch-up of period `index`: the scope's earlier volume priced again at
/// the rate reached in this period; `None` for marginal tiers, a period that opens its
/// scope, or a rate that did not change. The trail shows it; `cause` replays it paid twice.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn catch_up(
    contract: &Contract,
    rebates: &[PeriodRebate],
    index: usize,
    rounding: Rounding,
) -> Result<Option<CatchUp>, Overflow> {
    let (Some(rebate), Some(before)) = (rebates.get(index), previous_in_scope(rebates, index))
    else {
        return Ok(None);
    };
    // A new table from an amendment is not a bracket crossed: the trail names the
    // amendment instead, and its re-pricing is in the scope's rebate before and after.
    if contract.tier_mode != TierMode::Retroactive
        || before.amendment != rebate.amendment
        || before.scope_volume <= Decimal::ZERO
        || before.bracket_rate == rebate.bracket_rate
    {
        return Ok(None);
    }
    let repriced = rounding.round(money::mul(rebate.bracket_rate, before.scope_volume)?);
    Ok(Some(CatchUp {
        earlier_weighted_base: before.scope_volume,
        rate_before: before.bracket_rate,
        rate_after: rebate.bracket_rate,
        amount: money::sub(repriced, before.scope_rebate)?,
    }))
}

/// The trail of every settlement period, in period order. Each carries the split of the
/// whole period; the installment fields are those of its first installment
/// (`PeriodTrail::for_installment` gives another's).
///
/// # Errors
/// Only on arithmetic overflow.
pub fn period_trails(
    contract: &Contract,
    computation: &ContractComputation,
    source_rows: &[Vec<SourceRows>],
    rounding: Rounding,
) -> Result<Vec<Computation>, Overflow> {
    let years = contract.contract_years();
    let whole_term = whole_term_scope(contract);
    let rebates = &computation.rebates;
    let mut trails = Vec::with_capacity(rebates.len());
    for (index, (period, rebate)) in computation.periods.iter().zip(rebates).enumerate() {
        // The scope's state at the end of the previous period, when that period is in
        // the same scope (a period that opens its scope starts from nothing).
        let previous = previous_in_scope(rebates, index);
        let (volume_before, rebate_before) = previous
            .map_or((Decimal::ZERO, Decimal::ZERO), |before| {
                (before.scope_volume, before.scope_rebate)
            });
        let catch_up = catch_up(contract, rebates, index, rounding)?;
        // What the cap is compared with: the year's (or term's) rebate through end_p.
        let (cap_scope, rebate_before_cap) =
            if whole_term || contract.tier_basis == TierBasis::ContractYear {
                (rebate.scope, rebate.scope_rebate)
            } else {
                let mut total = Decimal::ZERO;
                for (other, other_rebate) in computation.periods[..=index].iter().zip(rebates) {
                    if other.year == period.year {
                        total = money::add(total, other_rebate.scope_rebate)?;
                    }
                }
                (
                    years.get(period.year).copied().unwrap_or(period.range),
                    total,
                )
            };
        let shares = &computation.shares[index];
        let first = shares.first();
        trails.push(Computation {
            base: contract.base.to_string(),
            tier_basis: contract.tier_basis.to_string(),
            tier_mode: contract.tier_mode.to_string(),
            period_start: period.range.first,
            period_end: period.range.last,
            period_weighted_base: rebate.weighted_base,
            products: products(&source_rows[index])?,
            scope_start: rebate.scope.first,
            scope_end: rebate.scope.last,
            scope_weighted_base_before: volume_before,
            scope_weighted_base: rebate.scope_volume,
            bracket: contract
                .tier_table(rebate.amendment)
                .bracket_for(rebate.scope_volume.max(Decimal::ZERO))
                .map(tier_bracket),
            bracket_rate: rebate.bracket_rate,
            slices: slices(
                contract,
                contract.tier_table(rebate.amendment),
                rebate.scope_volume,
            )?,
            scope_rebate_before: rebate_before,
            scope_rebate: rebate.scope_rebate,
            catch_up,
            cap: contract.cap,
            cap_scope_start: cap_scope.first,
            cap_scope_end: cap_scope.last,
            rebate_before_cap,
            cap_applied: rebate.cap_applied,
            earned_before: rebate.earned_before,
            earned_through: rebate.earned_through,
            period_expected: rebate.expected,
            installments: shares
                .iter()
                .map(|share| InstallmentSplit {
                    installment: share.number,
                    trigger: share.trigger.to_string(),
                    portion: share.portion.to_string(),
                    expected: share.expected,
                    due_on: share.due_on,
                    due_rule: share.due_rule,
                })
                .collect(),
            grace_days: contract.grace_days,
            installment: first.map_or(0, |share| share.number),
            portion: first.map_or_else(String::new, |share| share.portion.to_string()),
            installment_expected: first.map_or(Decimal::ZERO, |share| share.expected),
            due_rule: first.map(|share| share.due_rule),
            amendment: rebate
                .amendment
                .and_then(|index| contract.amendments.get(index))
                .map(|amendment| amendment.note()),
            clawback: computation.clawback.get(index).cloned(),
            amended_terms: contract
                .amendments_in_force(period.range.last)
                .into_iter()
                .cloned()
                .collect(),
        });
    }
    Ok(trails)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::installments::split;
    use crate::compute::rebate::period_rebates;
    use crate::domain::contract::{Settlement, TierTable};
    use crate::domain::settlement::tests::contract;
    use crate::domain::settlement::{segments, settlement_periods};
    use crate::domain::test_support::d;

    fn trails(contract: &Contract, bases: &[&str]) -> Vec<Computation> {
        let periods = settlement_periods(contract);
        let segments = segments(contract, &periods);
        let bases: Vec<Decimal> = bases.iter().map(|base| d(base)).collect();
        let rebates =
            period_rebates(contract, &periods, &segments, &bases, Rounding::HalfUp).unwrap();
        let shares = periods
            .iter()
            .zip(&rebates)
            .map(|(period, rebate)| {
                split(
                    contract,
                    period.range.last,
                    rebate.expected,
                    rebate.weighted_base,
                    Rounding::HalfUp,
                )
                .unwrap()
            })
            .collect();
        let computation = ContractComputation {
            periods,
            rebates,
            shares,
            clawback: Vec::new(),
        };
        let sources = vec![Vec::new(); computation.periods.len()];
        period_trails(contract, &computation, &sources, Rounding::HalfUp).unwrap()
    }

    /// 15% below 1,000,000, 18% to 2,000,000, 22% above (ALI-2024-001's table).
    fn three_tiers() -> TierTable {
        TierTable::new(vec![
            Bracket {
                from: d("0"),
                to: Some(d("1000000")),
                rate: d("0.15"),
            },
            Bracket {
                from: d("1000000"),
                to: Some(d("2000000")),
                rate: d("0.18"),
            },
            Bracket {
                from: d("2000000"),
                to: None,
                rate: d("0.22"),
            },
        ])
        .unwrap()
    }

    #[test]
    fn a_retroactive_crossing_states_its_catch_up() {
        // The samples' worked example: the year holds 790,000 before the quarter and
        // 1,320,000 after; 18% re-prices the earlier 790,000: 142,200 − 118,500 = 23,700.
        let mut yearly = contract("2024-07-01", "2025-06-30", Settlement::Quarterly);
        yearly.tiers = three_tiers();
        yearly.tier_basis = TierBasis::ContractYear;
        let trails = trails(&yearly, &["790000", "530000", "0", "0"]);
        let crossing = &trails[1];
        assert_eq!(crossing.scope_weighted_base_before, d("790000"));
        assert_eq!(crossing.scope_weighted_base, d("1320000"));
        assert_eq!(crossing.scope_rebate_before, d("118500.00"));
        assert_eq!(crossing.period_expected, d("119100.00"));
        assert_eq!(
            crossing.catch_up,
            Some(CatchUp {
                earlier_weighted_base: d("790000"),
                rate_before: d("0.15"),
                rate_after: d("0.18"),
                amount: d("23700.00"),
            })
        );
        assert_eq!(crossing.slices.len(), 1);
        assert_eq!(crossing.slices[0].rebate, d("237600.00"));
        assert_eq!(
            trails[0].catch_up, None,
            "the first period re-prices nothing"
        );
        assert_eq!(trails[2].catch_up, None, "no bracket crossed");
    }

    #[test]
    fn marginal_tiers_show_each_slice_and_never_catch_up() {
        let mut yearly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        yearly.tiers = three_tiers();
        yearly.tier_basis = TierBasis::ContractYear;
        yearly.tier_mode = TierMode::Marginal;
        let trails = trails(&yearly, &["800000", "700000", "0", "0"]);
        let second = &trails[1];
        let slices: Vec<(Decimal, Decimal)> = second
            .slices
            .iter()
            .map(|slice| (slice.volume, slice.rebate))
            .collect();
        assert_eq!(
            slices,
            [(d("1000000"), d("150000.00")), (d("500000"), d("90000.00"))]
        );
        assert_eq!(second.catch_up, None);
    }

    #[test]
    fn the_cap_is_compared_with_the_year_of_period_basis_tiers() {
        let mut capped = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        capped.cap = Some(d("50000"));
        // 20% of 100,000 each quarter: the year reaches 60,000 in Q3 and is capped.
        let trails = trails(&capped, &["100000", "100000", "100000", "0"]);
        assert_eq!(trails[2].rebate_before_cap, d("60000.00"));
        assert!(trails[2].cap_applied);
        assert_eq!(trails[2].period_expected, d("10000.00"));
        assert_eq!(trails[2].cap_scope_start, capped.start);
        assert_eq!(trails[2].scope_start, trails[2].period_start);
    }

    #[test]
    fn each_installment_of_a_period_carries_its_own_portion_amount_and_due_rule() {
        use crate::domain::computation::DueRule;
        use crate::domain::contract::{InstallmentRule, Portion, Trigger};
        // 20% of 100,000 = 20,000 for the year: 40% at settlement, the rest at renewal.
        let mut staged = contract("2025-01-01", "2025-12-31", Settlement::Annual);
        staged.schedule = vec![
            InstallmentRule {
                number: 1,
                trigger: Trigger::Settlement,
                portion: Portion::Percent(d("0.40")),
            },
            InstallmentRule {
                number: 2,
                trigger: Trigger::Renewal,
                portion: Portion::Rest,
            },
        ];
        let computation = trails(&staged, &["100000"]).remove(0);
        let trail = crate::domain::finding::PeriodTrail {
            key: crate::domain::finding::PeriodKey {
                contract_id: staged.id.clone(),
                period_start: computation.period_start,
            },
            computation,
            source_rows: Vec::new(),
        };
        assert_eq!(trail.key.to_string(), format!("{}/2025-01-01", staged.id));
        let second = trail.for_installment(2);
        assert_eq!(second.installment, 2);
        assert_eq!(second.portion, "rest");
        assert_eq!(second.installment_expected, d("12000.00"));
        assert_eq!(second.due_rule, Some(DueRule::NotRenewed));
        let first = trail.for_installment(1);
        assert!(
            matches!(first, std::borrow::Cow::Borrowed(_)),
            "the first installment is the trail itself"
        );
        assert_eq!(first.installment, 1);
        assert_eq!(first.portion, "40%");
        assert_eq!(first.installment_expected, d("8000.00"));
        assert_ne!(first.due_rule, Some(DueRule::NotRenewed));
        assert_eq!(first.period_expected, second.period_expected);
        assert_eq!(
            trail.for_installment(3).installment,
            1,
            "a number the period does not have gives the trail"
        );
    }
}
