use super::*;
use crate::domain::contract::{Bracket, Settlement};
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use rust_decimal::Decimal;

fn flat(rate: &str) -> TierTable {
    TierTable::new(vec![Bracket {
        from: Decimal::ZERO,
        to: None,
        rate: d(rate),
    }])
    .unwrap()
}

fn tiers(id: &str, effective: &str, retroactive: Retroactive, rate: &str) -> Amendment {
    Amendment {
        id: id.into(),
        effective_from: day(effective),
        retroactive,
        applies_from: applies_from(day("2026-01-01"), day(effective), retroactive),
        terms: AmendedTerms::Tiers(flat(rate)),
        source: Location::file("contracts.xlsx".into()),
    }
}

fn rate_of(contract: &Contract, on: &str, known_at: &str) -> (String, Option<usize>) {
    let (table, index) = contract.tiers_in_force(day(on), day(known_at));
    (table.brackets()[0].rate.to_string(), index)
}

#[test]
fn contract_years_start_on_the_anniversary_before_a_date() {
    let start = day("2024-02-29");
    assert_eq!(contract_year_start(start, day("2024-01-01")), start);
    assert_eq!(contract_year_start(start, start), start);
    assert_eq!(contract_year_start(start, day("2025-02-27")), start);
    // 29 February falls back to 28 February: the second year starts then.
    assert_eq!(
        contract_year_start(start, day("2025-02-28")),
        day("2025-02-28")
    );
    assert_eq!(
        contract_year_start(start, day("2026-03-01")),
        day("2026-02-28")
    );
    assert_eq!(
        applies_from(start, day("2025-06-30"), Retroactive::ContractYear),
        day("2025-02-28")
    );
    assert_eq!(
        applies_from(start, day("2025-06-30"), Retroactive::No),
        day("2025-06-30")
    );
}

/// Worked table: own table 10%; A-1 12% from 07-01 (not retroactive); A-2 15% signed
/// 10-15, retroactive to the contract year from 01-01.
///
/// | day \ known at | 06-30 | 09-30 | 12-31 |
/// |---|---|---|---|
/// | 03-01 | 10% | 10% | 15% (A-2) |
/// | 07-01 | — | 12% (A-1) | 15% (A-2) |
#[test]
fn the_table_in_force_depends_on_the_day_and_on_what_was_signed_by_then() {
    let mut amended = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    amended.tiers = flat("0.10");
    amended.amendments = vec![
        tiers("A-1", "2026-07-01", Retroactive::No, "0.12"),
        tiers("A-2", "2026-10-15", Retroactive::ContractYear, "0.15"),
    ];
    assert!(amended.has_tier_amendments());
    assert_eq!(
        rate_of(&amended, "2026-03-01", "2026-06-30"),
        ("0.10".into(), None)
    );
    assert_eq!(
        rate_of(&amended, "2026-03-01", "2026-09-30"),
        ("0.10".into(), None)
    );
    assert_eq!(
        rate_of(&amended, "2026-06-30", "2026-09-30"),
        ("0.10".into(), None)
    );
    assert_eq!(
        rate_of(&amended, "2026-07-01", "2026-09-30"),
        ("0.12".into(), Some(0))
    );
    // Effective on the day it is known: in force.
    assert_eq!(
        rate_of(&amended, "2026-07-01", "2026-07-01"),
        ("0.12".into(), Some(0))
    );
    assert_eq!(
        rate_of(&amended, "2026-07-01", "2026-06-30"),
        ("0.10".into(), None)
    );
    assert_eq!(
        rate_of(&amended, "2026-03-01", "2026-10-15"),
        ("0.15".into(), Some(1))
    );
    assert_eq!(
        rate_of(&amended, "2026-03-01", "2026-10-14"),
        ("0.10".into(), None)
    );
    assert_eq!(
        rate_of(&amended, "2026-07-01", "2026-12-31"),
        ("0.15".into(), Some(1))
    );
    assert_eq!(amended.tier_table(Some(0)).brackets()[0].rate, d("0.12"));
    assert_eq!(amended.tier_table(None).brackets()[0].rate, d("0.10"));
    assert_eq!(amended.tier_table(Some(9)).brackets()[0].rate, d("0.10"));
}

#[test]
fn of_two_taking_effect_the_same_day_the_later_listed_wins_and_an_end_prices_nothing() {
    let mut amended = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    amended.amendments = vec![
        tiers("A-1", "2026-04-01", Retroactive::No, "0.12"),
        tiers("A-2", "2026-04-01", Retroactive::No, "0.13"),
    ];
    assert_eq!(
        rate_of(&amended, "2026-04-01", "2026-06-30"),
        ("0.13".into(), Some(1))
    );
    // The later listed but earlier effective does not win over a later effective one.
    amended.amendments.swap(0, 1);
    amended.amendments[1].effective_from = day("2026-05-01");
    amended.amendments[1].applies_from = day("2026-04-01");
    assert_eq!(
        rate_of(&amended, "2026-04-01", "2026-06-30"),
        ("0.12".into(), Some(1))
    );
    let end = Amendment {
        terms: AmendedTerms::End(day("2027-06-30")),
        ..tiers("A-3", "2026-03-01", Retroactive::No, "0.5")
    };
    assert_eq!(end.tiers(), None);
    let mut extended = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    extended.amendments = vec![end.clone()];
    assert!(!extended.has_tier_amendments());
    assert_eq!(
        rate_of(&extended, "2026-04-01", "2026-06-30"),
        ("0.20".into(), None)
    );
    let note = end.note();
    assert_eq!(note.id, "A-3");
    assert!(!note.retroactive);
    assert!(
        tiers("A-4", "2026-03-01", Retroactive::ContractYear, "0.1")
            .note()
            .retroactive
    );
    assert_eq!(Change::from_word("阶梯"), Some(Change::Tiers));
    assert_eq!(Change::from_word("延期"), Some(Change::End));
    assert_eq!(
        Retroactive::from_word("追溯"),
        Some(Retroactive::ContractYear)
    );
    assert_eq!(Retroactive::from_word("不追溯"), Some(Retroactive::No));
}

fn changed(id: &str, effective: &str, terms: AmendedTerms) -> Amendment {
    Amendment {
        id: id.into(),
        effective_from: day(effective),
        retroactive: Retroactive::No,
        applies_from: day(effective),
        terms,
        source: Location::file("contracts.xlsx".into()),
    }
}

fn coefficient(id: &str, effective: &str, product: &str, value: &str) -> Amendment {
    changed(
        id,
        effective,
        AmendedTerms::Coefficient {
            product: product.into(),
            coefficient: d(value),
        },
    )
}

/// A contract whose RDS counts half from Q2 and 0.8 from Q4, OSS nothing from Q3, and
/// whose account A1 leaves in Q2 and comes back in Q4 while B1 joins for Q2 to November.
fn amended() -> Contract {
    let mut amended = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    amended.accounts = vec!["A1".into(), "A2".into()];
    amended.amendments = vec![
        coefficient("K-1", "2026-04-01", "rds", "0.5"),
        changed(
            "M-1",
            "2026-04-01",
            AmendedTerms::AccountRemove("A1".into()),
        ),
        changed("M-1", "2026-04-01", AmendedTerms::AccountAdd("B1".into())),
        coefficient("K-3", "2026-07-01", "oss", "0"),
        coefficient("K-2", "2026-10-01", "rds", "0.8"),
        changed("M-2", "2026-10-01", AmendedTerms::AccountAdd("A1".into())),
        changed(
            "M-3",
            "2026-12-01",
            AmendedTerms::AccountRemove("B1".into()),
        ),
    ];
    amended
}

#[test]
fn a_coefficient_amendment_weights_its_product_from_its_date() {
    let amended = amended();
    assert!(amended.has_coefficient_amendments());
    assert!(!amended.has_tier_amendments());
    // product, day → (coefficient, amendment's place), or none: the products sheet decides.
    for (product, on, expected) in [
        ("rds", "2026-03-31", None),
        ("RDS", "2026-04-01", Some(("0.5", 0))),
        ("r d s", "2026-09-30", Some(("0.5", 0))),
        ("rds", "2026-10-01", Some(("0.8", 4))),
        ("oss", "2026-07-01", Some(("0", 3))),
        ("ecs", "2026-12-31", None),
    ] {
        assert_eq!(
            amended.amended_coefficient(product, day(on)),
            expected.map(|(value, index)| (d(value), index)),
            "{product} {on}"
        );
    }
    let plain = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
    assert!(!plain.has_coefficient_amendments());
    assert!(!plain.has_account_amendments());
    assert_eq!(plain.amended_coefficient("rds", day("2026-06-30")), None);
}

#[test]
fn an_account_belongs_to_the_contract_between_its_amendments() {
    let amended = amended();
    assert!(amended.has_account_amendments());
    for (account, on, member) in [
        ("A1", "2026-03-31", true),
        ("A1", "2026-04-01", false),
        ("A1", "2026-09-30", false),
        ("A1", "2026-10-01", true),
        ("B1", "2026-03-31", false),
        ("B1", "2026-04-01", true),
        ("B1", "2026-11-30", true),
        ("B1", "2026-12-01", false),
        ("A2", "2026-12-31", true),
        ("Z9", "2026-06-30", false),
    ] {
        assert_eq!(
            amended.account_member(account, day(on)),
            member,
            "{account} {on}"
        );
    }
    assert_eq!(amended.accounts_ever(), ["A1", "A2", "B1"]);
}

#[test]
fn a_period_names_for_each_product_and_account_the_last_amendment_by_its_end() {
    let amended = amended();
    let names = |last: &str| -> Vec<(String, String)> {
        amended
            .amendments_in_force(day(last))
            .iter()
            .map(|amendment| (amendment.id.clone(), amendment.effective_from.to_string()))
            .collect()
    };
    assert!(names("2026-03-31").is_empty());
    // An amendment effective on a period's last day is in force for that day.
    assert_eq!(names("2026-04-01"), names("2026-06-30"));
    assert_eq!(
        names("2026-06-30"),
        [
            ("K-1".into(), "2026-04-01".into()),
            ("M-1".into(), "2026-04-01".into()),
            ("M-1".into(), "2026-04-01".into())
        ]
    );
    // Q4: RDS's K-2 replaces K-1, A1's M-2 replaces M-1's removal, B1's M-3 its addition.
    assert_eq!(
        names("2026-12-31"),
        [
            ("K-3".into(), "2026-07-01".into()),
            ("K-2".into(), "2026-10-01".into()),
            ("M-2".into(), "2026-10-01".into()),
            ("M-3".into(), "2026-12-01".into())
        ]
    );
    let tiers_only = {
        let mut contract = contract("2026-01-01", "2026-12-31", Settlement::Quarterly);
        contract.amendments = vec![tiers("A-1", "2026-07-01", Retroactive::No, "0.12")];
        contract
    };
    assert!(tiers_only.amendments_in_force(day("2026-12-31")).is_empty());
}
