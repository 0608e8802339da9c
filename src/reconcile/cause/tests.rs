//! The worked examples of the likely causes: five-row bills, each paid wrong in one
//! usual way, and the mistake named with its numbers.

use super::*;
use crate::attribute::{Attributor, BillingTotals, Bucket, ContractIndex, ContractPlan};
use crate::compute::{installments, rebate};
use crate::domain::billing::BillingLine;
use crate::domain::computation::{InstallmentShare, PeriodRebate};
use crate::domain::contract::{
    AmendedTerms, Amendment, Base, Bracket, Contract, DateRange, Portion, Settlement, TierBasis,
    TierMode, TierTable,
};
use crate::domain::finding::{CauseCode, Mistake, Neighbour};
use crate::domain::location::Location;
use crate::domain::money::Rounding;
use crate::domain::period::YearMonth;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::ingest::billing::BillingSink;
use crate::ruleset::Rulesets;

mod overpaid;
mod shared;

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
        let weighted: Vec<Decimal> = buckets.iter().map(|bucket| bucket.weighted_base).collect();
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
fn a_missing_catch_up_prices_each_period_on_its_own() {
    // Cents that round apart. Q1 70,000.03 at 10% → 7,000.00; the year reaches 120,000.06,
    // at 15% 18,000.009 → 18,000.01, so Q2 expects 11,000.01. Without the catch-up each
    // period is priced on its own base at 15%: Q1 10,500.0045 → 10,500.00, Q2 7,500.0045 →
    // 7,500.00, so Q2 = 7,500.00. The same flat rate on the year's volume would round the
    // year as a whole (18,000.01 − 10,500.00 = 7,500.01): not what the agent paid.
    let mut rows = TIERED;
    rows[0].2 = "50000.03";
    rows[2].2 = "30000.03";
    let audited = Audited::new(yearly_tiers(TierMode::Retroactive), &rows);
    assert_eq!(audited.expected(1), "11000.01");
    assert_eq!(
        audited.codes(1, "7500.00"),
        [CauseCode::NoRetroactiveCatchUp]
    );
    assert!(
        !audited
            .codes(1, "7500.01")
            .contains(&CauseCode::NoRetroactiveCatchUp)
    );
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

/// `yearly_tiers(Retroactive)` (10% / 15% from 100,000) with amendment A-1, effective
/// 2025-04-01 and not retroactive, setting 12% / 18% from 100,000.
///
/// | quarter | volume | pieces | Earned | E_p | pre-amendment E_p |
/// |---|---|---|---|---|---|
/// | Q1 | 70,000 | own R(70k) = 7,000 | 7,000 | 7,000 | 7,000 |
/// | Q2 | 120,000 | 7,000 + A-1 R(120k) − R(70k) = 7,000 + 21,600 − 8,400 | 20,200 | 13,200 | 11,000 |
fn amended_yearly() -> Contract {
    use crate::domain::amendment::{Retroactive, applies_from};
    let mut amended = yearly_tiers(TierMode::Retroactive);
    let table = TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("100000")),
            rate: d("0.12"),
        },
        Bracket {
            from: d("100000"),
            to: None,
            rate: d("0.18"),
        },
    ])
    .unwrap();
    amended.amendments = vec![Amendment {
        id: "A-1".into(),
        effective_from: day("2025-04-01"),
        retroactive: Retroactive::No,
        applies_from: applies_from(day("2025-01-01"), day("2025-04-01"), Retroactive::No),
        terms: AmendedTerms::Tiers(table),
        source: Location::file("contracts.xlsx".into()),
    }];
    amended
}

#[test]
fn a_tier_mistake_on_an_amended_period_is_made_on_the_table_in_force() {
    let audited = Audited::new(amended_yearly(), &TIERED);
    assert_eq!(audited.expected(0), "7000.00");
    assert_eq!(audited.expected(1), "13200.00");
    // A-1's 120,000 paid at its previous bracket's 12%: 7,000 + 14,400 − 8,400 − 7,000
    // = 6,000. (Replayed on the contract's own table the mistake changes nothing, and
    // nothing would be named.)
    let causes = audited.causes(1, "6000");
    assert_eq!(
        causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
        [CauseCode::PreviousTierRate]
    );
    assert_eq!(
        causes[0].mistake,
        Mistake::PreviousTierRate {
            reached: d("0.18"),
            lower: d("0.12"),
            volume: d("120000")
        }
    );
    // No catch-up at A-1's reached 18%: Q2's own 50,000 × 18% = 9,000.
    assert_eq!(audited.codes(1, "9000"), [CauseCode::NoRetroactiveCatchUp]);
    // Q1, before A-1 took effect, keeps the contract's own table: 70,000 at the next
    // bracket's 15% = 10,500.
    assert_eq!(audited.codes(0, "10500"), [CauseCode::NextTierRate]);
}

#[test]
fn the_pre_amendment_table_is_a_likely_cause() {
    // Q2 under the contract's own table: 120,000 × 15% − 7,000 = 11,000.
    let audited = Audited::new(amended_yearly(), &TIERED);
    let causes = audited.causes(1, "11000");
    assert_eq!(
        causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
        [CauseCode::AmendmentIgnored]
    );
    let cause = &causes[0];
    assert_eq!(cause.expected_under_mistake, d("11000.00"));
    assert_eq!(cause.expected, d("13200.00"));
    let Mistake::AmendmentIgnored {
        amendment,
        rate_in_force,
        rate_before,
    } = &cause.mistake
    else {
        panic!("{:?}", cause.mistake);
    };
    assert_eq!(amendment.id, "A-1");
    assert_eq!(amendment.effective_from, day("2025-04-01"));
    assert_eq!((*rate_in_force, *rate_before), (d("0.18"), d("0.15")));
    // Q1 was priced before A-1: nothing to ignore, whatever was paid.
    assert!(audited.codes(0, "6000").is_empty());
    // Without amendments the cause is never tried.
    let plain = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
    assert!(
        !plain
            .codes(1, "13200")
            .contains(&CauseCode::AmendmentIgnored)
    );
}
