//! Likely cause of a payout that is not what its installment expects (issue 5).
//!
//! Agents get rebates wrong in a handful of usual ways: the previous bracket's rate, no
//! retroactive catch-up, marginal tiers read as retroactive (or the other way round), the
//! wrong base (list, net or cash), a product coefficient ignored or a product left out, or
//! the amount of the neighbouring period. [`likely_causes`] replays each of these mistakes
//! through the real arithmetic — [`rebate::period_rebates`] and [`installments::split`] on
//! a modified contract or modified per-segment weighted bases, never a copy of the tier
//! rules — and names the mistakes that reproduce the paid amount to the cent, each with
//! the numbers that argue it (`report::i18n` says it in a sentence).
//!
//! A mistake is replayed *consistently*: the agent is assumed to have made it in every
//! period, so under a cumulative tier scope the installment is the difference of two
//! Earned(t) values both computed the wrong way, exactly as E_p is computed the right way.
//!
//! Pure: no I/O, no shared state; call it per installment from the reconciliation.

use crate::attribute::{Bucket, ContractPlan};
use crate::compute::installments;
use crate::compute::rebate;
use crate::domain::computation::{InstallmentShare, PeriodRebate};
use crate::domain::contract::{Base, Bracket, Contract, TierBasis, TierMode, TierTable};
use crate::domain::finding::{CauseCode, LikelyCause, Mistake, Neighbour};
use crate::domain::money::{self, Overflow, Rounding};
use crate::domain::settlement::{Segment, SettlementPeriod};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the cause analysis of one contract reads: everything `pipeline::audit_contract`
/// already holds once it has computed the contract.
#[derive(Debug, Clone, Copy)]
pub struct CauseInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its settlement periods.
    pub periods: &'a [SettlementPeriod],
    /// Its segments (periods cut at contract-year boundaries).
    pub segments: &'a [Segment],
    /// One bucket per segment, in segment order (the billing sums, with every base).
    pub buckets: &'a [Bucket],
    /// Each period's computed rebate.
    pub rebates: &'a [PeriodRebate],
    /// Each period's installments.
    pub shares: &'a [Vec<InstallmentShare>],
    /// The ruleset's rounding.
    pub rounding: Rounding,
    /// The ruleset's tolerance: a mistake that moves the installment by no more than this
    /// (or by one cent) is not named.
    pub tolerance: Decimal,
}

impl<'a> CauseInput<'a> {
    /// The input for one contract, from its plan, its per-segment buckets, its computed
    /// rebates and installments, and its ruleset's rounding and tolerance.
    pub fn new(
        plan: &'a ContractPlan,
        buckets: &'a [Bucket],
        rebates: &'a [PeriodRebate],
        shares: &'a [Vec<InstallmentShare>],
        rounding: Rounding,
        tolerance: Decimal,
    ) -> CauseInput<'a> {
        CauseInput {
            contract: &plan.contract,
            periods: &plan.periods,
            segments: &plan.segments,
            buckets,
            rebates,
            shares,
            rounding,
            tolerance,
        }
    }
}

/// The usual mistakes that reproduce `paid` for installment `installment` of period index
/// `period` (an index into `input.periods`, as `reconcile::allocate::Slot::period`).
///
/// Each mistake is replayed with the contract's own arithmetic and rounding; a mistake is
/// named when its installment equals `paid` (rounded by the ruleset) to the cent and differs
/// from the true expectation by more than the tolerance (and more than a cent). The result
/// follows the order of [`CauseCode`]: (a) previous tier rate, (b) no retroactive catch-up,
/// (c) tier mode swapped, (d) another base, (e) coefficients ignored or a product left
/// out (per product, by name), (f) the previous or next period's installment. It is empty
/// when nothing matches, when `paid` is zero (nothing was computed), when `paid` is the
/// expectation, when the period or installment does not exist, or when the input does not
/// reproduce its own expectation.
pub fn likely_causes(
    input: &CauseInput<'_>,
    period: usize,
    installment: u32,
    paid: Decimal,
) -> Vec<LikelyCause> {
    let Some(share) = input
        .shares
        .get(period)
        .and_then(|shares| shares.iter().find(|share| share.number == installment))
    else {
        return Vec::new();
    };
    let (Some(rebate), Some(settlement_period)) =
        (input.rebates.get(period), input.periods.get(period))
    else {
        return Vec::new();
    };
    let target = input.rounding.round(paid);
    if target.is_zero() || target == share.expected {
        return Vec::new();
    }
    let replay = Replay {
        input,
        period,
        installment,
    };
    let Some(weighted) = replay.actual_bases() else {
        return Vec::new();
    };
    if replay.installment(input.contract, &weighted) != Some(share.expected) {
        // The input is not the computation it claims to be: name nothing.
        return Vec::new();
    }
    let mut found = Found {
        target,
        installment,
        expected: share.expected,
        margin: input.tolerance.max(Decimal::new(1, 2)),
        causes: Vec::new(),
    };
    let contract = input.contract;
    let period_base = rebate.weighted_base;

    // (a) The previous bracket's rate.
    if let Some((reached, lower, tiers)) = previous_bracket_tiers(&contract.tiers, rebate) {
        let mistaken = Contract {
            tiers,
            ..contract.clone()
        };
        found.offer(
            CauseCode::PreviousTierRate,
            replay.installment(&mistaken, &weighted),
            || Mistake::PreviousTierRate {
                reached,
                lower,
                volume: rebate.scope_volume,
            },
        );
    }

    // (b) No retroactive catch-up: the period's own base at the rate reached.
    if contract.tier_mode == TierMode::Retroactive
        && rebate.scope.first < settlement_period.range.first
        && rebate.bracket_rate > Decimal::ZERO
        && let Ok(flat) = TierTable::new(vec![Bracket {
            from: Decimal::ZERO,
            to: None,
            rate: rebate.bracket_rate,
        }])
    {
        let mistaken = Contract {
            tier_basis: TierBasis::Period,
            tiers: flat,
            ..contract.clone()
        };
        found.offer(
            CauseCode::NoRetroactiveCatchUp,
            replay.installment(&mistaken, &weighted),
            || Mistake::NoRetroactiveCatchUp {
                period_base,
                rate: rebate.bracket_rate,
                scope: rebate.scope,
                volume: rebate.scope_volume,
            },
        );
    }

    // (c) The tier mode swapped.
    if contract.tiers.brackets().len() > 1 {
        let (code, swapped) = match contract.tier_mode {
            TierMode::Retroactive => (CauseCode::MarginalInsteadOfRetroactive, TierMode::Marginal),
            TierMode::Marginal => (
                CauseCode::RetroactiveInsteadOfMarginal,
                TierMode::Retroactive,
            ),
        };
        let mistaken = Contract {
            tier_mode: swapped,
            ..contract.clone()
        };
        found.offer(code, replay.installment(&mistaken, &weighted), || {
            Mistake::TierMode {
                contract: contract.tier_mode,
            }
        });
    }

    // (d) Another base.
    for (code, used, right) in [
        (CauseCode::ListInsteadOfNet, Base::List, Base::Net),
        (CauseCode::NetInsteadOfList, Base::Net, Base::List),
        (CauseCode::NetInsteadOfCash, Base::Net, Base::Cash),
        (CauseCode::CashInsteadOfNet, Base::Cash, Base::Net),
        (CauseCode::ListInsteadOfCash, Base::List, Base::Cash),
        (CauseCode::CashInsteadOfList, Base::Cash, Base::List),
    ] {
        if contract.base != right {
            continue;
        }
        let Some(bases) = replay.bases_on(used) else {
            continue;
        };
        found.offer(code, replay.installment(contract, &bases), || {
            Mistake::Base {
                used,
                contract: right,
                mistaken_base: replay.period_base(&bases),
                period_base,
            }
        });
    }

    // (e) Coefficients ignored, one product at a time, then all; a product left out.
    let products = replay.products();
    let weighted_off: Vec<(&String, &Decimal)> = products
        .iter()
        .filter(|(_, coefficient)| **coefficient != Decimal::ONE)
        .collect();
    let mut single_amounts = Vec::new();
    for (product, coefficient) in &weighted_off {
        let Some(bases) = replay.bases_with(Some(product.as_str()), Decimal::ONE) else {
            continue;
        };
        let amount = replay.installment(contract, &bases);
        single_amounts.extend(amount);
        found.offer(CauseCode::CoefficientIgnored, amount, || {
            Mistake::CoefficientIgnored {
                product: (*product).clone(),
                coefficient: **coefficient,
                mistaken_base: replay.period_base(&bases),
                period_base,
            }
        });
    }
    if weighted_off.len() > 1
        && let Some(bases) = replay.bases_with(None, Decimal::ONE)
    {
        let amount = replay.installment(contract, &bases);
        // One product's cause already says it when the others change nothing.
        if !amount.is_some_and(|amount| single_amounts.contains(&amount)) {
            found.offer(CauseCode::CoefficientsIgnored, amount, || {
                Mistake::CoefficientsIgnored {
                    products: weighted_off
                        .iter()
                        .map(|(product, coefficient)| ((*product).clone(), **coefficient))
                        .collect(),
                    mistaken_base: replay.period_base(&bases),
                    period_base,
                }
            });
        }
    }
    for (product, coefficient) in &products {
        if coefficient.is_zero() {
            continue;
        }
        let Some(bases) = replay.bases_with(Some(product.as_str()), Decimal::ZERO) else {
            continue;
        };
        found.offer(
            CauseCode::ProductExcluded,
            replay.installment(contract, &bases),
            || Mistake::ProductExcluded {
                product: product.clone(),
                coefficient: *coefficient,
                mistaken_base: replay.period_base(&bases),
                period_base,
            },
        );
    }

    // (f) The neighbouring periods' installments.
    for (code, neighbour, index) in [
        (
            CauseCode::WrongPeriodPrevious,
            Neighbour::Previous,
            period.checked_sub(1),
        ),
        (
            CauseCode::WrongPeriodNext,
            Neighbour::Next,
            period.checked_add(1),
        ),
    ] {
        let Some(index) = index else {
            continue;
        };
        let (Some(range), Some(shares)) = (
            input.periods.get(index).map(|period| period.range),
            input.shares.get(index),
        ) else {
            continue;
        };
        let amount = shares
            .iter()
            .find(|share| share.number == installment)
            .map(|share| share.expected);
        found.offer(code, amount, || Mistake::WrongPeriod {
            neighbour,
            period: range,
        });
    }
    found.causes
}

/// The causes found so far, and what a cause must reproduce.
struct Found {
    target: Decimal,
    installment: u32,
    expected: Decimal,
    margin: Decimal,
    causes: Vec<LikelyCause>,
}

impl Found {
    /// Names the mistake when `amount` is the paid amount and far enough from the
    /// expectation; its numbers are only gathered then.
    fn offer(
        &mut self,
        code: CauseCode,
        amount: Option<Decimal>,
        mistake: impl FnOnce() -> Mistake,
    ) {
        let Some(amount) = amount else { return };
        let far = money::sub(amount, self.expected).is_ok_and(|gap| gap.abs() > self.margin);
        if amount == self.target && far {
            self.causes.push(LikelyCause {
                code,
                expected_under_mistake: amount,
                installment: self.installment,
                expected: self.expected,
                mistake: mistake(),
            });
        }
    }
}

/// Replays one installment's computation under a mistake.
struct Replay<'i, 'a> {
    input: &'i CauseInput<'a>,
    period: usize,
    installment: u32,
}

impl Replay<'_, '_> {
    /// The installment under `contract` with these per-segment weighted bases, computed
    /// and rounded exactly as the audit computes every installment.
    fn installment(&self, contract: &Contract, bases: &[Decimal]) -> Option<Decimal> {
        let input = self.input;
        let rebates = rebate::period_rebates(
            contract,
            input.periods,
            input.segments,
            bases,
            input.rounding,
        )
        .ok()?;
        let rebate = rebates.get(self.period)?;
        let shares = installments::split(
            contract,
            input.periods.get(self.period)?.range.last,
            rebate.expected,
            rebate.weighted_base,
            input.rounding,
        )
        .ok()?;
        shares
            .into_iter()
            .find(|share| share.number == self.installment)
            .map(|share| share.expected)
    }

    /// The weighted bases the audit used, one per segment.
    fn actual_bases(&self) -> Option<Vec<Decimal>> {
        let input = self.input;
        (input.buckets.len() == input.segments.len()).then(|| {
            input
                .buckets
                .iter()
                .map(|bucket| bucket.weighted_base)
                .collect()
        })
    }

    /// The period's weighted base under some per-segment bases.
    fn period_base(&self, bases: &[Decimal]) -> Decimal {
        self.input
            .segments
            .iter()
            .zip(bases)
            .filter(|(segment, _)| segment.period == self.period)
            .fold(Decimal::ZERO, |sum, (_, base)| {
                sum.checked_add(*base).unwrap_or(sum)
            })
    }

    /// Per-segment weighted bases with every line on `base` (each product at its
    /// coefficient); `None` when a line has no list amount and `base` is `list`.
    fn bases_on(&self, base: Base) -> Option<Vec<Decimal>> {
        let sum = |bucket: &Bucket| -> Result<Option<Decimal>, Overflow> {
            let mut total = Decimal::ZERO;
            for group in bucket.sources.values().flat_map(BTreeMap::values) {
                let Some(line_base) = group.amounts.base(base)? else {
                    return Ok(None);
                };
                total = money::add(total, money::mul(line_base, group.coefficient)?)?;
            }
            Ok(Some(total))
        };
        self.each_bucket(sum)
    }

    /// Per-segment weighted bases with `product` (every product when `None`) weighted
    /// `coefficient` instead of its own.
    fn bases_with(&self, product: Option<&str>, coefficient: Decimal) -> Option<Vec<Decimal>> {
        let sum = |bucket: &Bucket| -> Result<Option<Decimal>, Overflow> {
            let mut total = bucket.weighted_base;
            for (name, group) in bucket.sources.values().flat_map(BTreeMap::iter) {
                if product.is_none_or(|product| product == name) {
                    total = money::sub(total, group.weighted_base)?;
                    total = money::add(total, money::mul(group.base.amount, coefficient)?)?;
                }
            }
            Ok(Some(total))
        };
        self.each_bucket(sum)
    }

    fn each_bucket(
        &self,
        sum: impl Fn(&Bucket) -> Result<Option<Decimal>, Overflow>,
    ) -> Option<Vec<Decimal>> {
        let buckets = self.input.buckets;
        if buckets.len() != self.input.segments.len() {
            return None;
        }
        buckets
            .iter()
            .map(|bucket| sum(bucket).ok().flatten())
            .collect()
    }

    /// The products billed up to the end of the period, with their coefficients, by
    /// name: only they can move Earned(end_p).
    fn products(&self) -> BTreeMap<String, Decimal> {
        let mut products = BTreeMap::new();
        for (segment, bucket) in self.input.segments.iter().zip(self.input.buckets) {
            if segment.period > self.period {
                continue;
            }
            for (name, group) in bucket.sources.values().flat_map(BTreeMap::iter) {
                products.entry(name.clone()).or_insert(group.coefficient);
            }
        }
        products
    }
}
/// The tier table with the bracket `rebate`'s volume reached paid at the rate of the one
/// below, with the reached and the lower rate; `None` in the first bracket or when the
/// rates agree.
fn previous_bracket_tiers(
    tiers: &TierTable,
    rebate: &PeriodRebate,
) -> Option<(Decimal, Decimal, TierTable)> {
    let reached = tiers.bracket_for(rebate.scope_volume.max(Decimal::ZERO))?;
    let index = tiers
        .brackets()
        .iter()
        .position(|bracket| bracket.from == reached.from)?;
    let lower = tiers.brackets().get(index.checked_sub(1)?)?;
    if lower.rate == reached.rate {
        return None;
    }
    let mut brackets = tiers.brackets().to_vec();
    brackets[index].rate = lower.rate;
    let table = TierTable::new(brackets).ok()?;
    Some((reached.rate, lower.rate, table))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::{Attributor, BillingTotals, ContractIndex};
    use crate::domain::billing::BillingLine;
    use crate::domain::contract::{DateRange, Settlement};
    use crate::domain::location::Location;
    use crate::domain::period::YearMonth;
    use crate::domain::settlement::tests::contract;
    use crate::domain::test_support::{d, day};
    use crate::ingest::billing::BillingSink;
    use crate::ruleset::Rulesets;

    /// A billing row of a worked example: date, product, net, list (`""` = none), voucher.
    type Row<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

    /// A contract audited from a few billing rows, the way the pipeline does it.
    struct Audited {
        plan: ContractPlan,
        buckets: Vec<Bucket>,
        rebates: Vec<PeriodRebate>,
        shares: Vec<Vec<InstallmentShare>>,
    }

    impl Audited {
        /// Streams the rows through the attributor into per-segment buckets, then
        /// computes every period's rebate and installments.
        fn new(contract: Contract, rows: &[Row<'_>]) -> Audited {
            let plans = vec![ContractPlan::new(contract)];
            let rulesets = Rulesets::load(None).unwrap();
            let index = ContractIndex::new(&plans, &rulesets);
            let mut attributor = Attributor::new(&index);
            attributor.begin_table(&Location::file("bill.csv".into()), None);
            for (number, (date, product, net, list, voucher)) in rows.iter().enumerate() {
                let date = day(date);
                attributor.line(
                    number + 2,
                    BillingLine {
                        account_id: "A1".into(),
                        billing_month: YearMonth::of(date),
                        date: Some(date),
                        product,
                        product_known: true,
                        product_number: None,
                        order_type: None,
                        instance_id: None,
                        list_amount: (!list.is_empty()).then(|| d(list)),
                        discount: Decimal::ZERO,
                        voucher: d(voucher),
                        net_amount: d(net),
                        currency: "CNY".into(),
                    },
                );
            }
            let ledger = attributor.finish().unwrap();
            assert!(ledger.rejections.is_empty(), "{:?}", ledger.rejections);
            let mut billing = BillingTotals::new(&plans);
            billing.absorb(ledger).unwrap();
            let plan = plans[0].clone();
            let buckets = billing.buckets.swap_remove(0);
            let weighted: Vec<Decimal> =
                buckets.iter().map(|bucket| bucket.weighted_base).collect();
            let rebates = rebate::period_rebates(
                &plan.contract,
                &plan.periods,
                &plan.segments,
                &weighted,
                Rounding::HalfUp,
            )
            .unwrap();
            let shares = plan
                .periods
                .iter()
                .zip(&rebates)
                .map(|(period, rebate)| {
                    installments::split(
                        &plan.contract,
                        period.range.last,
                        rebate.expected,
                        rebate.weighted_base,
                        Rounding::HalfUp,
                    )
                    .unwrap()
                })
                .collect();
            Audited {
                plan,
                buckets,
                rebates,
                shares,
            }
        }

        fn input(&self) -> CauseInput<'_> {
            CauseInput::new(
                &self.plan,
                &self.buckets,
                &self.rebates,
                &self.shares,
                Rounding::HalfUp,
                d("0.01"),
            )
        }

        fn expected(&self, period: usize) -> String {
            self.shares[period][0].expected.to_string()
        }

        fn causes(&self, period: usize, paid: &str) -> Vec<LikelyCause> {
            likely_causes(&self.input(), period, 1, d(paid))
        }

        fn codes(&self, period: usize, paid: &str) -> Vec<CauseCode> {
            self.causes(period, paid)
                .iter()
                .map(|cause| cause.code)
                .collect()
        }
    }

    /// 10% below 100,000, 15% from 100,000.
    fn two_tiers() -> TierTable {
        TierTable::new(vec![
            Bracket {
                from: d("0"),
                to: Some(d("100000")),
                rate: d("0.10"),
            },
            Bracket {
                from: d("100000"),
                to: None,
                rate: d("0.15"),
            },
        ])
        .unwrap()
    }

    /// Quarterly settlement of 2025, tiered on the contract-year volume.
    fn yearly_tiers(mode: TierMode) -> Contract {
        let mut yearly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        yearly.tiers = two_tiers();
        yearly.tier_basis = TierBasis::ContractYear;
        yearly.tier_mode = mode;
        yearly
    }

    /// Q1 70,000; Q2 50,000 (the year reaches 120,000 and crosses 100,000); Q3 35,000.
    const TIERED: [Row<'static>; 5] = [
        ("2025-01-15", "ecs", "50000", "", "0"),
        ("2025-02-15", "oss", "20000", "", "0"),
        ("2025-04-10", "ecs", "30000", "", "0"),
        ("2025-05-10", "rds", "20000", "", "0"),
        ("2025-07-10", "ecs", "35000", "", "0"),
    ];

    /// Q1 net 15,600, list 19,000, vouchers 600; Q2 net 1,600. Every row has a list amount.
    const LISTED: [Row<'static>; 5] = [
        ("2025-01-10", "ecs", "8000", "10000", "0"),
        ("2025-02-10", "ecs", "4000", "5000", "500"),
        ("2025-02-20", "oss", "2700", "3000", "0"),
        ("2025-03-05", "rds", "900", "1000", "100"),
        ("2025-04-10", "ecs", "1600", "2000", "0"),
    ];

    #[test]
    fn the_previous_brackets_rate_is_recognised() {
        // Q1 70,000 × 10% = 7,000. Q2 the year reaches 120,000: 120,000 × 15% − 7,000 =
        // 11,000. At the previous bracket's 10%: 12,000 − 7,000 = 5,000.
        let audited = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
        assert_eq!(audited.expected(0), "7000.00");
        assert_eq!(audited.expected(1), "11000.00");
        let causes = audited.causes(1, "5000");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::PreviousTierRate]
        );
        assert_eq!(causes[0].expected_under_mistake, d("5000.00"));
        assert_eq!(
            (causes[0].installment, causes[0].expected),
            (1, d("11000.00"))
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::PreviousTierRate {
                reached: d("0.15"),
                lower: d("0.10"),
                volume: d("120000")
            }
        );
    }

    #[test]
    fn a_missing_retroactive_catch_up_is_recognised() {
        // Q2's own 50,000 at the reached 15% = 7,500, without re-pricing Q1's 70,000 from
        // 10% to 15% (the 3,500 catch-up).
        let audited = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
        let causes = audited.causes(1, "7500.00");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::NoRetroactiveCatchUp]
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::NoRetroactiveCatchUp {
                period_base: d("50000"),
                rate: d("0.15"),
                scope: DateRange {
                    first: day("2025-01-01"),
                    last: day("2025-12-31")
                },
                volume: d("120000")
            }
        );
        // The first quarter of the year has nothing to catch up.
        assert!(audited.codes(0, "6000").is_empty());
    }

    #[test]
    fn a_swapped_tier_mode_is_recognised_both_ways() {
        // Retroactive contract paid marginally: 100,000 × 10% + 20,000 × 15% = 13,000,
        // minus Q1's 7,000 = 6,000.
        let retroactive = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
        assert_eq!(
            retroactive.codes(1, "6000"),
            [CauseCode::MarginalInsteadOfRetroactive]
        );
        // Marginal contract (Q2 expects 6,000) paid retroactively: 11,000.
        let marginal = Audited::new(yearly_tiers(TierMode::Marginal), &TIERED);
        assert_eq!(marginal.expected(1), "6000.00");
        assert_eq!(
            marginal.codes(1, "11000"),
            [CauseCode::RetroactiveInsteadOfMarginal]
        );
    }

    #[test]
    fn another_base_is_recognised() {
        // Q1 at 20%: net 15,600 → 3,120; list 19,000 → 3,800; cash 15,000 → 3,000.
        let on = |base: Base| {
            let mut quarterly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
            quarterly.base = base;
            Audited::new(quarterly, &LISTED)
        };
        let net = on(Base::Net);
        assert_eq!(net.expected(0), "3120.00");
        assert_eq!(net.codes(0, "3800"), [CauseCode::ListInsteadOfNet]);
        assert_eq!(net.codes(0, "3000"), [CauseCode::CashInsteadOfNet]);
        let list = on(Base::List);
        assert_eq!(list.expected(0), "3800.00");
        assert_eq!(list.codes(0, "3120"), [CauseCode::NetInsteadOfList]);
        assert_eq!(list.codes(0, "3000"), [CauseCode::CashInsteadOfList]);
        let causes = list.causes(0, "3120");
        assert_eq!(
            causes[0].mistake,
            Mistake::Base {
                used: Base::Net,
                contract: Base::List,
                mistaken_base: d("15600"),
                period_base: d("19000")
            }
        );
        let cash = on(Base::Cash);
        assert_eq!(cash.expected(0), "3000.00");
        assert_eq!(cash.codes(0, "3120"), [CauseCode::NetInsteadOfCash]);
        assert_eq!(cash.codes(0, "3800"), [CauseCode::ListInsteadOfCash]);
    }

    #[test]
    fn list_amounts_are_not_guessed_when_a_row_has_none() {
        // The oss row has no list amount: the list base of Q1 is unknown, so 16,000 × 20%
        // (the list amounts there are) is not a cause.
        let mut rows = LISTED;
        rows[2].3 = "";
        let audited = Audited::new(
            contract("2025-01-01", "2025-12-31", Settlement::Quarterly),
            &rows,
        );
        assert!(audited.codes(0, "3200").is_empty());
        assert_eq!(audited.codes(0, "3000"), [CauseCode::CashInsteadOfNet]);
    }

    #[test]
    fn an_ignored_coefficient_or_a_left_out_product_is_recognised() {
        // rds weighs 0.5, oss 0.8: Q1 = 11,000 + 2,000 + 4,000 = 17,000 → 3,400.
        let mut weighted = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        weighted.products.insert("rds".into(), d("0.5"));
        weighted.products.insert("oss".into(), d("0.8"));
        let audited = Audited::new(
            weighted,
            &[
                ("2025-01-10", "ecs", "10000", "", "0"),
                ("2025-02-10", "rds", "4000", "", "0"),
                ("2025-02-20", "oss", "5000", "", "0"),
                ("2025-03-10", "ecs", "1000", "", "0"),
                ("2025-04-10", "ecs", "3000", "", "0"),
            ],
        );
        assert_eq!(audited.expected(0), "3400.00");
        // rds at 1: 19,000 → 3,800.
        let causes = audited.causes(0, "3800");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::CoefficientIgnored]
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::CoefficientIgnored {
                product: "rds".into(),
                coefficient: d("0.5"),
                mistaken_base: d("19000"),
                period_base: d("17000")
            }
        );
        // oss at 1: 18,000 → 3,600; every product at 1: 20,000 → 4,000.
        assert_eq!(audited.codes(0, "3600"), [CauseCode::CoefficientIgnored]);
        let causes = audited.causes(0, "4000");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::CoefficientsIgnored]
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::CoefficientsIgnored {
                products: vec![("oss".into(), d("0.8")), ("rds".into(), d("0.5"))],
                mistaken_base: d("20000"),
                period_base: d("17000")
            }
        );
        // rds left out altogether: 15,000 → 3,000.
        let causes = audited.causes(0, "3000");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::ProductExcluded]
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::ProductExcluded {
                product: "rds".into(),
                coefficient: d("0.5"),
                mistaken_base: d("15000"),
                period_base: d("17000")
            }
        );
    }

    #[test]
    fn the_neighbouring_periods_amount_is_recognised() {
        // Monthly at 20%: January 10,000 → 2,000; February 12,000 → 2,400; March 9,000
        // → 1,800.
        let audited = Audited::new(
            contract("2025-01-01", "2025-03-31", Settlement::Monthly),
            &[
                ("2025-01-05", "ecs", "6000", "", "0"),
                ("2025-01-20", "oss", "4000", "", "0"),
                ("2025-02-05", "ecs", "8000", "", "0"),
                ("2025-02-25", "oss", "4000", "", "0"),
                ("2025-03-10", "ecs", "9000", "", "0"),
            ],
        );
        assert_eq!(audited.expected(1), "2400.00");
        let causes = audited.causes(1, "2000");
        assert_eq!(
            causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
            [CauseCode::WrongPeriodPrevious]
        );
        assert_eq!(
            causes[0].mistake,
            Mistake::WrongPeriod {
                neighbour: Neighbour::Previous,
                period: DateRange {
                    first: day("2025-01-01"),
                    last: day("2025-01-31")
                }
            }
        );
        assert_eq!(audited.codes(1, "1800"), [CauseCode::WrongPeriodNext]);
        // January has no previous period, March no next one.
        assert!(audited.codes(0, "1800").is_empty());
    }

    #[test]
    fn a_shortfall_for_no_recognisable_reason_names_no_cause() {
        let audited = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
        assert!(audited.codes(1, "9999.99").is_empty());
        // Nothing paid, or exactly what is expected: nothing to explain.
        assert!(audited.codes(1, "0").is_empty());
        assert!(audited.codes(1, "11000").is_empty());
        // An installment the schedule does not have, a period the contract does not have.
        assert!(likely_causes(&audited.input(), 1, 2, d("5000")).is_empty());
        assert!(likely_causes(&audited.input(), 9, 1, d("5000")).is_empty());
    }

    #[test]
    fn two_mistakes_with_the_same_amount_are_both_named_in_priority_order() {
        // January 90,000 → 18,000. February 100,000 net with 10,000 of vouchers →
        // 20,000; on cash (90,000) it is 18,000 — which is also January's amount.
        let audited = Audited::new(
            contract("2025-01-01", "2025-03-31", Settlement::Monthly),
            &[
                ("2025-01-05", "ecs", "50000", "", "0"),
                ("2025-01-20", "ecs", "40000", "", "0"),
                ("2025-02-05", "ecs", "60000", "", "6000"),
                ("2025-02-25", "oss", "40000", "", "4000"),
                ("2025-03-10", "ecs", "10000", "", "0"),
            ],
        );
        assert_eq!(audited.expected(1), "20000.00");
        assert_eq!(
            audited.codes(1, "18000"),
            [CauseCode::CashInsteadOfNet, CauseCode::WrongPeriodPrevious]
        );
    }

    #[test]
    fn the_codes_are_distinct() {
        let mut codes = CauseCode::WORDS.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CauseCode::WORDS.len());
    }
}
