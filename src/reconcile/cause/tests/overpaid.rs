//! The worked examples of the causes of an overpayment (issue 13), and of the portion a
//! cause names when the installment is only part of its period's rebate: five-row bills,
//! each paid too much in one usual way.

use super::*;
use crate::domain::computation::CatchUp;
use crate::domain::contract::{InstallmentRule, Trigger};

/// `40%` at settlement, the rest at renewal.
fn forty_and_rest() -> Vec<InstallmentRule> {
    vec![
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
    ]
}

/// Quarterly 2025 at 20% on the contract-year volume, capped at 10,000 a year.
fn capped() -> Contract {
    let mut capped = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    capped.tier_basis = TierBasis::ContractYear;
    capped.cap = Some(d("10000"));
    capped
}

/// Q1 25,000 (5,000 earned); Q2 35,000 (the year's 60,000 would earn 12,000, the cap
/// keeps 10,000: Q2 expects 5,000); Q3 5,000 (13,000 uncapped: Q3 expects 0).
const CAPPED: [Row<'static>; 5] = [
    ("2025-01-10", "ecs", "15000", "", "0"),
    ("2025-02-10", "ecs", "10000", "", "0"),
    ("2025-04-10", "ecs", "20000", "", "0"),
    ("2025-05-10", "ecs", "15000", "", "0"),
    ("2025-07-10", "ecs", "5000", "", "0"),
];

fn year_2025() -> DateRange {
    DateRange {
        first: day("2025-01-01"),
        last: day("2025-12-31"),
    }
}

#[test]
fn an_ignored_cap_is_recognised() {
    let audited = Audited::new(capped(), &CAPPED);
    assert_eq!(audited.expected(0), "5000.00");
    assert_eq!(audited.expected(1), "5000.00");
    assert_eq!(audited.expected(2), "0.00");
    // Uncapped, Q2 is 12,000 − 5,000 = 7,000.
    let causes = audited.causes(1, "7000");
    assert_eq!(
        causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
        [CauseCode::CapIgnored]
    );
    assert_eq!(
        (
            causes[0].expected_under_mistake,
            causes[0].expected,
            causes[0].portion
        ),
        (d("7000.00"), d("5000.00"), None)
    );
    assert_eq!(
        causes[0].mistake,
        Mistake::CapIgnored {
            cap: d("10000"),
            scope: year_2025()
        }
    );
    // Q3 expects nothing once the cap is reached; uncapped it is 13,000 − 12,000.
    assert_eq!(audited.codes(2, "1000"), [CauseCode::CapIgnored]);
    // Without a cap there is nothing to ignore: the same 7,000 is Q2's own amount.
    let mut uncapped = capped();
    uncapped.cap = None;
    let uncapped = Audited::new(uncapped, &CAPPED);
    assert_eq!(uncapped.expected(1), "7000.00");
    assert!(uncapped.codes(2, "1500").is_empty());
}

#[test]
fn the_cap_of_a_term_scope_is_the_terms() {
    // Tiered on the whole term, the cap applies to the term: 2025-01-01 to 2026-12-31.
    let mut term = capped();
    term.end = day("2026-12-31");
    term.tier_basis = TierBasis::Term;
    let audited = Audited::new(term, &CAPPED);
    let causes = audited.causes(1, "7000");
    assert_eq!(
        causes[0].mistake,
        Mistake::CapIgnored {
            cap: d("10000"),
            scope: DateRange {
                first: day("2025-01-01"),
                last: day("2026-12-31")
            }
        }
    );
}

#[test]
fn a_cause_names_the_portion_of_a_partial_installment() {
    // Q2 expects 5,000: 40% = 2,000 at settlement, the rest 3,000 at renewal. Uncapped
    // (7,000) they would be 2,800 and 4,200.
    let mut staged = capped();
    staged.schedule = forty_and_rest();
    let audited = Audited::new(staged, &CAPPED);
    let first = likely_causes(&audited.input(), 1, 1, d("2800"));
    assert_eq!(
        first
            .iter()
            .map(|cause| (cause.code, cause.expected, cause.portion))
            .collect::<Vec<_>>(),
        [(
            CauseCode::CapIgnored,
            d("2000.00"),
            Some(Portion::Percent(d("0.40")))
        )]
    );
    let rest = likely_causes(&audited.input(), 1, 2, d("4200"));
    assert_eq!(
        rest.iter()
            .map(|cause| (cause.code, cause.expected, cause.portion))
            .collect::<Vec<_>>(),
        [(CauseCode::CapIgnored, d("3000.00"), Some(Portion::Rest))]
    );
}

#[test]
fn a_higher_tier_applied_early_is_recognised() {
    // Q1's 70,000 is in the 10% bracket (7,000); at the next bracket's 15%, which starts
    // at 100,000, it is 10,500.
    let retroactive = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
    let causes = retroactive.causes(0, "10500");
    assert_eq!(
        causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
        [CauseCode::NextTierRate]
    );
    assert_eq!(
        causes[0].mistake,
        Mistake::NextTierRate {
            reached: d("0.10"),
            higher: d("0.15"),
            threshold: d("100000"),
            volume: d("70000")
        }
    );
    // Marginal tiers: the first bracket's slice at 15% is the same 10,500.
    let marginal = Audited::new(yearly_tiers(TierMode::Marginal), &TIERED);
    assert_eq!(marginal.codes(0, "10500"), [CauseCode::NextTierRate]);
    // Q2 reached the last bracket: there is no higher one (18,000 = 120,000 × 15%).
    assert!(
        !retroactive
            .codes(1, "18000")
            .contains(&CauseCode::NextTierRate)
    );
}

#[test]
fn a_catch_up_paid_twice_is_recognised() {
    // Q2 expects 11,000, of which 3,500 re-prices Q1's 70,000 from 10% to 15%; added
    // again it is 14,500.
    let audited = Audited::new(yearly_tiers(TierMode::Retroactive), &TIERED);
    let causes = audited.causes(1, "14500");
    assert_eq!(
        causes.iter().map(|cause| cause.code).collect::<Vec<_>>(),
        [CauseCode::CatchUpPaidTwice]
    );
    assert_eq!(
        causes[0].mistake,
        Mistake::CatchUpPaidTwice {
            period_rebate: d("11000.00"),
            catch_up: CatchUp {
                earlier_weighted_base: d("70000"),
                rate_before: d("0.10"),
                rate_after: d("0.15"),
                amount: d("3500.00")
            }
        }
    );
    // Q1 opens the year (no catch-up), Q3 stays in the bracket (none either), and
    // marginal tiers never catch up.
    assert!(audited.codes(0, "14000").is_empty());
    assert_eq!(audited.expected(2), "5250.00");
    assert!(audited.codes(2, "10500").is_empty());
    let marginal = Audited::new(yearly_tiers(TierMode::Marginal), &TIERED);
    assert!(marginal.codes(1, "9500").is_empty());
    // 40% now, the rest at renewal: 4,400 and 6,600; twice the catch-up, 5,800 and 8,700.
    let mut staged = yearly_tiers(TierMode::Retroactive);
    staged.schedule = forty_and_rest();
    let staged = Audited::new(staged, &TIERED);
    let first = likely_causes(&staged.input(), 1, 1, d("5800"));
    assert_eq!(
        first
            .iter()
            .map(|cause| (cause.code, cause.expected, cause.portion))
            .collect::<Vec<_>>(),
        [(
            CauseCode::CatchUpPaidTwice,
            d("4400.00"),
            Some(Portion::Percent(d("0.40")))
        )]
    );
    let rest = likely_causes(&staged.input(), 1, 2, d("8700"));
    assert_eq!(rest[0].code, CauseCode::CatchUpPaidTwice);
    assert_eq!(rest[0].portion, Some(Portion::Rest));
}

#[test]
fn a_refund_that_lowers_the_rate_has_no_catch_up_to_pay_twice() {
    // Q2's refund brings the year from 100,000 back to 90,000 (10% again): the "catch-up"
    // is negative, not a second payment of anything.
    let audited = Audited::new(
        yearly_tiers(TierMode::Retroactive),
        &[
            ("2025-01-15", "ecs", "60000", "", "0"),
            ("2025-02-15", "oss", "40000", "", "0"),
            ("2025-04-10", "ecs", "-10000", "", "0"),
            ("2025-05-10", "rds", "0", "", "0"),
            ("2025-07-10", "ecs", "5000", "", "0"),
        ],
    );
    // Q1 100,000 × 15% = 15,000; Q2 90,000 × 10% − 15,000 = −6,000, of which −5,000
    // re-prices Q1 at 10%. That is no catch-up to pay twice (−11,000).
    assert_eq!(audited.expected(1), "-6000.00");
    assert!(audited.codes(1, "-11000").is_empty());
}

#[test]
fn the_list_or_net_price_on_a_cash_base_overpays_a_points_installment() {
    // A cash-base contract paying 10pt of the period's weighted base now, the rest later.
    // Q1 of LISTED: cash 15,000 → 10pt = 1,500; net 15,600 → 1,560; list 19,000 → 1,900.
    let mut points = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    points.base = Base::Cash;
    points.schedule = vec![
        InstallmentRule {
            number: 1,
            trigger: Trigger::Settlement,
            portion: Portion::Points(d("0.10")),
        },
        InstallmentRule {
            number: 2,
            trigger: Trigger::Renewal,
            portion: Portion::Rest,
        },
    ];
    let audited = Audited::new(points, &LISTED);
    assert_eq!(audited.expected(0), "1500.00");
    let net = audited.causes(0, "1560");
    assert_eq!(
        net.iter()
            .map(|cause| (cause.code, cause.portion))
            .collect::<Vec<_>>(),
        [(
            CauseCode::NetInsteadOfCash,
            Some(Portion::Points(d("0.10")))
        )]
    );
    assert_eq!(audited.codes(0, "1900"), [CauseCode::ListInsteadOfCash]);
}

#[test]
fn the_neighbouring_periods_amount_explains_an_overpayment_too() {
    // Monthly at 20%: January expects 2,000; February's 2,400 paid for it.
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
    assert_eq!(audited.codes(0, "2400"), [CauseCode::WrongPeriodNext]);
    assert_eq!(audited.codes(2, "2400"), [CauseCode::WrongPeriodPrevious]);
}

#[test]
fn only_a_schedules_single_whole_installment_has_no_portion() {
    let mut single = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    assert_eq!(partial(&single, Portion::Rest), None);
    assert_eq!(partial(&single, Portion::Percent(Decimal::ONE)), None);
    assert_eq!(
        partial(&single, Portion::Percent(d("0.4"))),
        Some(Portion::Percent(d("0.4")))
    );
    assert_eq!(
        partial(&single, Portion::Points(d("0.1"))),
        Some(Portion::Points(d("0.1")))
    );
    single.schedule = forty_and_rest();
    assert_eq!(partial(&single, Portion::Rest), Some(Portion::Rest));
    assert_eq!(
        partial(&single, Portion::Percent(Decimal::ONE)),
        Some(Portion::Percent(Decimal::ONE))
    );
}
