//! Worked sentences of the likely causes of an overpayment (issue 13), and of the part of
//! its period's rebate a partial installment is, in English and in Chinese. The numbers
//! are those of `reconcile::cause`'s worked examples.

use super::*;
use crate::domain::computation::CatchUp;
use crate::domain::contract::Portion;

/// A likely cause of installment `number` (`portion` of its period's rebate, `None` for
/// the whole): `amount` paid where `expected` was due.
fn explained(
    number: u32,
    portion: Option<Portion>,
    amounts: (&str, &str),
    mistake: Mistake,
) -> (String, String) {
    let cause = LikelyCause {
        code: CauseCode::CapIgnored,
        expected_under_mistake: d(amounts.0),
        installment: number,
        expected: d(amounts.1),
        portion,
        mistake,
    };
    (explanation(&cause, Lang::En), explanation(&cause, Lang::Zh))
}

fn pair(en: &str, zh: &str) -> (String, String) {
    (en.to_string(), zh.to_string())
}

fn year_2025() -> DateRange {
    DateRange {
        first: day("2025-01-01"),
        last: day("2025-12-31"),
    }
}

fn forty() -> Option<Portion> {
    Some(Portion::Percent(d("0.40")))
}

#[test]
fn the_causes_of_an_overpayment_in_both_languages() {
    assert_eq!(
        explained(
            1,
            None,
            ("7000", "5000"),
            Mistake::CapIgnored {
                cap: d("10000"),
                scope: year_2025(),
            },
        ),
        pair(
            "7,000.00 is what installment 1 comes to without the cap of 10,000.00 on the rebate of 2025-01-01 to 2025-12-31; with the cap it expects 5,000.00.",
            "7,000.00为未按2025-01-01至2025-12-31的封顶10,000.00计算的第1期次金额；按封顶计算应为5,000.00。",
        )
    );
    assert_eq!(
        explained(
            1,
            None,
            ("10500", "7000"),
            Mistake::NextTierRate {
                reached: d("0.10"),
                higher: d("0.15"),
                threshold: d("100000"),
                volume: d("70000"),
            },
        ),
        pair(
            "10,500.00 is what installment 1 comes to when the tier volume 70,000.00 is paid at the next bracket's rate 15% before it reaches that bracket at 100,000.00; in the 10% bracket it reached, it expects 7,000.00.",
            "10,500.00为按下一档比例15%计算的第1期次金额；阶梯量70,000.00尚未达到该档下限100,000.00，按已达到的10%档应为7,000.00。",
        )
    );
    assert_eq!(
        explained(
            1,
            None,
            ("14500", "11000"),
            Mistake::CatchUpPaidTwice {
                period_rebate: d("11000"),
                catch_up: CatchUp {
                    earlier_weighted_base: d("70000"),
                    rate_before: d("0.10"),
                    rate_after: d("0.15"),
                    amount: d("3500"),
                },
            },
        ),
        pair(
            "14,500.00 is what installment 1 comes to when the period's retroactive catch-up 3,500.00 (the earlier volume 70,000.00 re-priced from 10% to 15%) is added again to the period's rebate 11,000.00, which already holds it; installment 1 expects 11,000.00.",
            "14,500.00为将本期全额累进的追溯补差3,500.00（之前的阶梯量70,000.00由10%重算为15%）再次计入本期返点11,000.00后的第1期次金额；本期返点已含该补差，第1期次应为11,000.00。",
        )
    );
}

#[test]
fn every_cause_names_the_portion_of_a_partial_installment() {
    // 40% of the period's rebate: the cap of the worked example.
    assert_eq!(
        explained(
            1,
            forty(),
            ("2800", "2000"),
            Mistake::CapIgnored {
                cap: d("10000"),
                scope: year_2025(),
            },
        ),
        pair(
            "2,800.00 is what installment 1 (40% of the period's rebate) comes to without the cap of 10,000.00 on the rebate of 2025-01-01 to 2025-12-31; with the cap it expects 2,000.00.",
            "2,800.00为未按2025-01-01至2025-12-31的封顶10,000.00计算的第1期次（本期返点的40%）金额；按封顶计算应为2,000.00。",
        )
    );
    // The rest after installment 1, and 10pt of the weighted base.
    assert_eq!(
        explained(
            2,
            Some(Portion::Rest),
            ("8700", "6600"),
            Mistake::CatchUpPaidTwice {
                period_rebate: d("11000"),
                catch_up: CatchUp {
                    earlier_weighted_base: d("70000"),
                    rate_before: d("0.10"),
                    rate_after: d("0.15"),
                    amount: d("3500"),
                },
            },
        ),
        pair(
            "8,700.00 is what installment 2 (the rest of the period's rebate after the installments before it) comes to when the period's retroactive catch-up 3,500.00 (the earlier volume 70,000.00 re-priced from 10% to 15%) is added again to the period's rebate 11,000.00, which already holds it; installment 2 expects 6,600.00.",
            "8,700.00为将本期全额累进的追溯补差3,500.00（之前的阶梯量70,000.00由10%重算为15%）再次计入本期返点11,000.00后的第2期次（本期返点扣除前几期次后的余额）金额；本期返点已含该补差，第2期次应为6,600.00。",
        )
    );
    assert_eq!(
        explained(
            1,
            Some(Portion::Points(d("0.10"))),
            ("1560", "1500"),
            Mistake::Base {
                used: Base::Net,
                contract: Base::Cash,
                mistaken_base: d("15600"),
                period_base: d("15000"),
            },
        ),
        pair(
            "1,560.00 is what installment 1 (10pt of the period's weighted base, at most what is left of its rebate) comes to on net amounts (payable after discounts) (period weighted base 15,600.00) instead of the cash amounts (net minus vouchers) the contract names (weighted base 15,000.00), which give 1,500.00.",
            "1,560.00为按应付金额（折后）计算的第1期次（本期加权基数的10pt，以本期返点余额为限）金额（本期加权基数15,600.00）；合同约定的返点基数为现金金额（应付减代金券）（加权基数15,000.00），应为1,500.00。",
        )
    );
}

#[test]
fn the_rebate_at_the_reached_rate_is_said_as_the_installments_share_of_it() {
    // Q2's own 50,000 at 15% is 7,500; 40% of it is 3,000 where 40% of 11,000 is due.
    let catch_up = || Mistake::NoRetroactiveCatchUp {
        period_base: d("50000"),
        rate: d("0.15"),
        scope: year_2025(),
        volume: d("120000"),
    };
    assert_eq!(
        explained(1, forty(), ("3000", "4400"), catch_up()),
        pair(
            "3,000.00 is 40% of the rebate at the reached rate 15% of the period's own weighted base 50,000.00, without the retroactive catch-up: the tier re-prices the whole 2025-01-01 to 2025-12-31 volume 120,000.00 at 15%, so installment 1 expects 4,400.00.",
            "3,000.00为本期加权基数50,000.00乘以已达到的比例15%所得返点中的40%，未做全额累进的追溯补差：2025-01-01至2025-12-31的阶梯量120,000.00应全部按15%重算，第1期次应为4,400.00。",
        )
    );
    let (english, chinese) = explained(2, Some(Portion::Rest), ("4500", "6600"), catch_up());
    assert!(
        english.starts_with("4,500.00 is the rest, after the installments before it, of the rebate at the reached rate 15% of the period's own weighted base 50,000.00, without"),
        "{english}"
    );
    assert!(
        chinese.starts_with(
            "4,500.00为本期加权基数50,000.00乘以已达到的比例15%所得返点中的扣除前几期次后的余额，"
        ),
        "{chinese}"
    );
    let (english, chinese) = explained(
        1,
        Some(Portion::Points(d("0.10"))),
        ("7500", "11000"),
        catch_up(),
    );
    assert!(
        english.starts_with("7,500.00 is what is left for installment 1 (10pt of the period's weighted base at most) of the rebate at the reached rate 15%"),
        "{english}"
    );
    assert!(
        chinese.contains("所得返点中的第1期次可得的余额（以本期加权基数的10pt为限），"),
        "{chinese}"
    );
}

#[test]
fn the_other_causes_name_the_portion_after_the_installment() {
    let previous = Mistake::PreviousTierRate {
        reached: d("0.15"),
        lower: d("0.10"),
        volume: d("120000"),
    };
    let (english, chinese) = explained(1, forty(), ("2000", "4400"), previous);
    assert!(
        english.starts_with("2,000.00 is what installment 1 (40% of the period's rebate) comes to when the 15% bracket"),
        "{english}"
    );
    assert!(
        chinese.starts_with("2,000.00为按上一档比例10%计算的第1期次（本期返点的40%）金额；"),
        "{chinese}"
    );
    let (english, chinese) = explained(
        1,
        forty(),
        ("2400", "4400"),
        Mistake::TierMode {
            contract: TierMode::Retroactive,
        },
    );
    assert!(
        english.contains(
            "what installment 1 (40% of the period's rebate) comes to with marginal tiers"
        ),
        "{english}"
    );
    assert!(
        chinese.contains("计算的第1期次（本期返点的40%）金额；"),
        "{chinese}"
    );
    let bases = |product: &str| (product.to_string(), d("0.5"));
    let (english, chinese) = explained(
        1,
        forty(),
        ("1520", "1360"),
        Mistake::CoefficientIgnored {
            product: bases("rds").0,
            coefficient: bases("rds").1,
            mistaken_base: d("19000"),
            period_base: d("17000"),
        },
    );
    assert!(
        english.contains(
            "what installment 1 (40% of the period's rebate) comes to with product rds weighted 1"
        ),
        "{english}"
    );
    assert!(
        chinese.contains("（按1计）后的第1期次（本期返点的40%）金额"),
        "{chinese}"
    );
    let (english, chinese) = explained(
        1,
        forty(),
        ("1600", "1360"),
        Mistake::CoefficientsIgnored {
            products: vec![bases("oss"), bases("rds")],
            mistaken_base: d("20000"),
            period_base: d("17000"),
        },
    );
    assert!(
        english.contains(
            "what installment 1 (40% of the period's rebate) comes to with every product weighted 1"
        ),
        "{english}"
    );
    assert!(
        chinese.contains("均按1计）后的第1期次（本期返点的40%）金额"),
        "{chinese}"
    );
    let (english, chinese) = explained(
        1,
        forty(),
        ("1200", "1360"),
        Mistake::ProductExcluded {
            product: "rds".into(),
            coefficient: d("0.5"),
            mistaken_base: d("15000"),
            period_base: d("17000"),
        },
    );
    assert!(
        english.contains(
            "what installment 1 (40% of the period's rebate) comes to with product rds left out"
        ),
        "{english}"
    );
    assert!(
        chinese.contains("按0计）后的第1期次（本期返点的40%）金额"),
        "{chinese}"
    );
    let (english, chinese) = explained(
        1,
        forty(),
        ("960", "800"),
        Mistake::WrongPeriod {
            neighbour: Neighbour::Next,
            period: DateRange {
                first: day("2025-02-01"),
                last: day("2025-02-28"),
            },
        },
    );
    assert_eq!(
        (english, chinese),
        pair(
            "960.00 is what installment 1 (40% of the period's rebate) of the next period (2025-02-01 to 2025-02-28) expects: the payout was computed for, or booked against, the wrong period; this period's installment 1 expects 800.00.",
            "960.00等于下一结算期（2025-02-01至2025-02-28）第1期次（本期返点的40%）的应返金额：该笔返点按错误的期间计算或入账；本期第1期次应为800.00。",
        )
    );
}
