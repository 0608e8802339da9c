//! Worked sentences of the likely causes of a short (or wrong-period) payment: the
//! worked examples of `reconcile::cause`'s tests, in English and in Chinese.

use super::*;

/// A likely cause of installment 1: `amount` paid where `expected` was due.
fn cause(code: CauseCode, amount: &str, expected: &str, mistake: Mistake) -> (String, String) {
    let cause = LikelyCause {
        code,
        expected_under_mistake: d(amount),
        installment: 1,
        expected: d(expected),
        portion: None,
        mistake,
    };
    (explanation(&cause, Lang::En), explanation(&cause, Lang::Zh))
}

/// The worked examples of `reconcile::cause`'s tests: five-row bills, each paid wrong in
/// one usual way.
#[test]
fn likely_causes_in_both_languages() {
    assert_eq!(
        cause(
            CauseCode::NoRetroactiveCatchUp,
            "7500",
            "11000",
            Mistake::NoRetroactiveCatchUp {
                period_base: d("50000"),
                rate: d("0.15"),
                scope: DateRange {
                    first: day("2025-01-01"),
                    last: day("2025-12-31"),
                },
                volume: d("120000"),
            },
        ),
        pair(
            "7,500.00 is the period's own weighted base 50,000.00 at the reached rate 15%, without the retroactive catch-up: the tier re-prices the whole 2025-01-01 to 2025-12-31 volume 120,000.00 at 15%, so installment 1 expects 11,000.00.",
            "7,500.00为本期加权基数50,000.00乘以已达到的比例15%，未做全额累进的追溯补差：2025-01-01至2025-12-31的阶梯量120,000.00应全部按15%重算，第1期次应为11,000.00。",
        )
    );
    assert_eq!(
        cause(
            CauseCode::MarginalInsteadOfRetroactive,
            "6000",
            "11000",
            Mistake::TierMode {
                contract: TierMode::Retroactive,
            },
        ),
        pair(
            "6,000.00 is what installment 1 comes to with marginal tiers (each bracket at its own rate); the contract's tiers are retroactive (the whole volume at the reached rate), which gives 11,000.00.",
            "6,000.00为按超额累进（各档分别按本档比例）计算的第1期次金额；合同约定全额累进（全部量按达到的档位比例），应为11,000.00。",
        )
    );
    assert_eq!(
        cause(
            CauseCode::RetroactiveInsteadOfMarginal,
            "11000",
            "6000",
            Mistake::TierMode {
                contract: TierMode::Marginal,
            },
        ),
        pair(
            "11,000.00 is what installment 1 comes to with retroactive tiers (the whole volume at the reached rate); the contract's tiers are marginal (each bracket at its own rate), which gives 6,000.00.",
            "11,000.00为按全额累进（全部量按达到的档位比例）计算的第1期次金额；合同约定超额累进（各档分别按本档比例），应为6,000.00。",
        )
    );
    assert_eq!(
        cause(
            CauseCode::NetInsteadOfList,
            "3120",
            "3800",
            Mistake::Base {
                used: Base::Net,
                contract: Base::List,
                mistaken_base: d("15600"),
                period_base: d("19000"),
            },
        ),
        pair(
            "3,120.00 is what installment 1 comes to on net amounts (payable after discounts) (period weighted base 15,600.00) instead of the list amounts (原价) the contract names (weighted base 19,000.00), which give 3,800.00.",
            "3,120.00为按应付金额（折后）计算的第1期次金额（本期加权基数15,600.00）；合同约定的返点基数为原价（加权基数19,000.00），应为3,800.00。",
        )
    );
    assert!(
        cause(
            CauseCode::CashInsteadOfNet,
            "3000",
            "3120",
            Mistake::Base {
                used: Base::Cash,
                contract: Base::Net,
                mistaken_base: d("15000"),
                period_base: d("15600"),
            },
        )
        .1
        .contains("按现金金额（应付减代金券）计算")
    );
}

#[test]
fn coefficient_and_period_causes_in_both_languages() {
    assert_eq!(
        cause(
            CauseCode::CoefficientIgnored,
            "3800",
            "3400",
            Mistake::CoefficientIgnored {
                product: "rds".into(),
                coefficient: d("0.50"),
                mistaken_base: d("19000"),
                period_base: d("17000"),
            },
        ),
        pair(
            "3,800.00 is what installment 1 comes to with product rds weighted 1 instead of its coefficient 0.5 (period weighted base 19,000.00 instead of 17,000.00); with the coefficient it expects 3,400.00.",
            "3,800.00为忽略产品rds的系数0.5（按1计）后的第1期次金额（本期加权基数19,000.00，应为17,000.00）；按系数计算应为3,400.00。",
        )
    );
    assert_eq!(
        cause(
            CauseCode::CoefficientsIgnored,
            "4000",
            "3400",
            Mistake::CoefficientsIgnored {
                products: vec![("oss".into(), d("0.8")), ("rds".into(), d("0.5"))],
                mistaken_base: d("20000"),
                period_base: d("17000"),
            },
        ),
        pair(
            "4,000.00 is what installment 1 comes to with every product weighted 1, the coefficients (oss 0.8, rds 0.5) ignored (period weighted base 20,000.00 instead of 17,000.00); with them it expects 3,400.00.",
            "4,000.00为忽略全部产品系数（oss 0.8, rds 0.5，均按1计）后的第1期次金额（本期加权基数20,000.00，应为17,000.00）；按系数计算应为3,400.00。",
        )
    );
    assert_eq!(
        cause(
            CauseCode::ProductExcluded,
            "3000",
            "3400",
            Mistake::ProductExcluded {
                product: "rds".into(),
                coefficient: d("0.5"),
                mistaken_base: d("15000"),
                period_base: d("17000"),
            },
        ),
        pair(
            "3,000.00 is what installment 1 comes to with product rds left out of the base (its coefficient 0.5 taken as 0; period weighted base 15,000.00 instead of 17,000.00); with it, it expects 3,400.00.",
            "3,000.00为将产品rds排除在返点基数之外（系数0.5按0计）后的第1期次金额（本期加权基数15,000.00，应为17,000.00）；计入后应为3,400.00。",
        )
    );
    let january = DateRange {
        first: day("2025-01-01"),
        last: day("2025-01-31"),
    };
    assert_eq!(
        cause(
            CauseCode::WrongPeriodPrevious,
            "2000",
            "2400",
            Mistake::WrongPeriod {
                neighbour: Neighbour::Previous,
                period: january,
            },
        ),
        pair(
            "2,000.00 is what installment 1 of the previous period (2025-01-01 to 2025-01-31) expects: the payout was computed for, or booked against, the wrong period; this period's installment 1 expects 2,400.00.",
            "2,000.00等于上一结算期（2025-01-01至2025-01-31）第1期次的应返金额：该笔返点按错误的期间计算或入账；本期第1期次应为2,400.00。",
        )
    );
    let next = cause(
        CauseCode::WrongPeriodNext,
        "1800",
        "2400",
        Mistake::WrongPeriod {
            neighbour: Neighbour::Next,
            period: january,
        },
    );
    assert!(
        next.0
            .contains("of the next period (2025-01-01 to 2025-01-31)")
    );
    assert!(next.1.contains("等于下一结算期"));
}
