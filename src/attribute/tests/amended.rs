//! Lines of a contract whose amendments change a coefficient or move an account: each
//! group weighted by the coefficient in force for its segment, each line routed by its
//! account's membership on its day.

use super::*;
use crate::domain::amendment::{AmendedTerms, Amendment, Retroactive};

fn amendment(id: &str, effective: &str, terms: AmendedTerms) -> Amendment {
    Amendment {
        id: id.into(),
        effective_from: day(effective),
        retroactive: Retroactive::No,
        applies_from: day(effective),
        terms,
        source: Location::file("contracts.xlsx".into()),
    }
}

/// C1 (A1): RDS 0.5 by its products sheet, 0.8 from Q2 by amendment K-1; A1 moves to
/// C2 (B1) on 1 July.
fn moved() -> Vec<ContractPlan> {
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.products.insert("RDS".into(), d("0.5"));
    first.amendments = vec![
        amendment(
            "K-1",
            "2025-04-01",
            AmendedTerms::Coefficient {
                product: "RDS".into(),
                coefficient: d("0.8"),
            },
        ),
        amendment(
            "M-1",
            "2025-07-01",
            AmendedTerms::AccountRemove("A1".into()),
        ),
    ];
    let mut second = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    second.id = "C2".into();
    second.accounts = vec!["B1".into()];
    second.amendments = vec![amendment(
        "M-1",
        "2025-07-01",
        AmendedTerms::AccountAdd("A1".into()),
    )];
    [first, second].into_iter().map(ContractPlan::new).collect()
}

#[test]
fn a_coefficient_and_an_account_follow_the_amendments_by_date() {
    let plans = moved();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    // row, account, day, product, net → contract, quarter, weighted base it adds
    attributor.line(2, line("A1", "2025-03-31", "RDS", "100", "CNY")); // C1 Q1: × 0.5 = 50
    attributor.line(3, line("A1", "2025-04-01", "RDS", "100", "CNY")); // C1 Q2: × 0.8 = 80
    attributor.line(4, line("A1", "2025-06-30", "ECS", "100", "CNY")); // C1 Q2: × 1 = 100
    attributor.line(5, line("A1", "2025-06-30", "RDS", "10", "CNY")); // C1 Q2: × 0.8 = 8
    attributor.line(6, line("A1", "2025-07-01", "RDS", "100", "CNY")); // C2 Q3: × 1 = 100
    attributor.line(7, line("B1", "2025-07-01", "ECS", "100", "CNY")); // C2 Q3: × 1 = 100
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("50.0"));
    assert_eq!(ledger.buckets[&(0, 1)].weighted_base, d("188.0"));
    assert_eq!(
        ledger.buckets[&(0, 1)].sources[(0, "RDS")].coefficient,
        d("0.8")
    );
    assert_eq!(
        ledger.buckets[&(0, 0)].sources[(0, "RDS")].coefficient,
        d("0.5")
    );
    assert_eq!(ledger.buckets[&(1, 2)].weighted_base, d("200"));
    assert!(!ledger.buckets.contains_key(&(0, 2)));
    assert!(!ledger.buckets.contains_key(&(1, 1)));
    // Each day the account belongs to one contract: no overlap, nothing uncovered.
    assert!(ledger.overlaps.is_empty());
    assert!(ledger.uncovered.is_empty());
}

#[test]
fn a_line_of_a_removed_account_is_uncovered() {
    let mut plans = moved();
    plans.truncate(1);
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-06-30", "ECS", "100", "CNY"));
    attributor.line(3, line("A1", "2025-07-01", "ECS", "40", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 1)].weighted_base, d("100"));
    assert_eq!(ledger.uncovered.len(), 1);
    assert_eq!(
        ledger.tables[0].excluded[&Exclusion::Uncovered].amount,
        d("40")
    );
}

#[test]
fn an_amended_coefficient_reaches_a_product_billed_under_an_alias() {
    // C1's amendment re-weights `marketplace` at 0.2 from Q2; the bill names it 云市场,
    // an alias the generic ruleset maps to marketplace. Only the ruleset's aliases lead
    // the billed name to the amendment.
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.amendments = vec![amendment(
        "K-1",
        "2025-04-01",
        AmendedTerms::Coefficient {
            product: "marketplace".into(),
            coefficient: d("0.2"),
        },
    )];
    let plans = vec![ContractPlan::new(first)];
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-03-10", "云市场", "100", "CNY")); // Q1: × 1
    attributor.line(3, line("A1", "2025-05-10", "云市场", "100", "CNY")); // Q2: × 0.2
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("100"));
    assert_eq!(ledger.buckets[&(0, 1)].weighted_base, d("20"));
}
