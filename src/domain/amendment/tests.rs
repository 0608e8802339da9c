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
