//! The coefficient amendment of docs/ARITHMETIC.md ("Amendments", a coefficient
//! changed), from billing lines to installments: attributed by the real attributor (each
//! segment's groups weighted by the coefficient in force), then priced by the rebate
//! arithmetic, which needs nothing else — the segment's weighted base already carries it.

use crate::attribute::{Attributor, ContractIndex, ContractPlan};
use crate::domain::amendment::{AmendedTerms, Amendment, Retroactive};
use crate::domain::billing::BillingLine;
use crate::domain::contract::{Bracket, Settlement, TierBasis, TierTable};
use crate::domain::location::Location;
use crate::domain::money::Rounding;
use crate::domain::period::YearMonth;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::ingest::billing::BillingSink;
use crate::ruleset::Rulesets;
use rust_decimal::Decimal;

/// E_p of each quarter of C1 (2025, `contract_year` basis, retroactive 10% below
/// 1,000,000 and 12% from it) billed 300,000 of ECS a quarter, under `amendments`.
fn quarters(amendments: Vec<Amendment>) -> Vec<String> {
    let mut c1 = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    c1.tier_basis = TierBasis::ContractYear;
    c1.tiers = TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("1000000")),
            rate: d("0.10"),
        },
        Bracket {
            from: d("1000000"),
            to: None,
            rate: d("0.12"),
        },
    ])
    .unwrap();
    c1.amendments = amendments;
    let plans = vec![ContractPlan::new(c1)];
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    for (row, month) in ["2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15"]
        .into_iter()
        .enumerate()
    {
        let date = day(month);
        attributor.line(
            row + 2,
            BillingLine {
                account_id: "A1".into(),
                billing_month: YearMonth::of(date),
                date: Some(date),
                product: "ECS",
                product_known: true,
                product_number: None,
                order_type: None,
                instance_id: None,
                list_amount: None,
                discount: Decimal::ZERO,
                voucher: Decimal::ZERO,
                net_amount: d("300000"),
                currency: "CNY".into(),
            },
        );
    }
    let ledger = attributor.finish().unwrap();
    let plan = &plans[0];
    let bases: Vec<Decimal> = (0..plan.segments.len())
        .map(|segment| {
            ledger
                .buckets
                .get(&(0, segment))
                .map_or(Decimal::ZERO, |bucket| bucket.weighted_base)
        })
        .collect();
    super::super::rebate::period_rebates(
        &plan.contract,
        &plan.periods,
        &plan.segments,
        &bases,
        Rounding::HalfUp,
    )
    .unwrap()
    .iter()
    .map(|rebate| rebate.expected.normalize().to_string())
    .collect()
}

#[test]
fn worked_example_a_coefficient_halved_from_q3_changes_exactly_q3_and_q4() {
    // Without it the year reaches 1,200,000 in Q4: 144,000 − 90,000 = 54,000.
    assert_eq!(quarters(Vec::new()), ["30000", "30000", "30000", "54000"]);
    let k1 = Amendment {
        id: "K-1".into(),
        effective_from: day("2025-07-01"),
        retroactive: Retroactive::No,
        applies_from: day("2025-07-01"),
        terms: AmendedTerms::Coefficient {
            product: "ecs".into(),
            coefficient: d("0.5"),
        },
        source: Location::file("contracts.xlsx".into()),
    };
    // With it Q3 and Q4 weigh 150,000 each; the year stops at 900,000, below the 12%.
    assert_eq!(quarters(vec![k1]), ["30000", "30000", "15000", "15000"]);
}
