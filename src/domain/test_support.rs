//! Small constructors shared by the unit tests: exact decimals and dates written the way
//! a worked example reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// An exact decimal from text (`"0.125"`).
pub(crate) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal literal in a test")
}

/// A date from ISO text (`"2025-03-31"`).
pub(crate) fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("an ISO date in a test")
}

/// A year's trail paid in two installments: 20% of a weighted base of 100,000 is E_p
/// 20,000, the first installment 40% (8,000, due 30 days after the year), the second the
/// rest (12,000, due 30 days after the renewal, not yet renewed). A catch-up and a cap
/// that applied, so a formula shows every part.
pub(crate) fn two_installment_trail() -> crate::domain::finding::PeriodTrail {
    use crate::domain::computation::{CatchUp, Computation, DueRule, InstallmentSplit};
    let split =
        |installment: u32, portion: &str, expected: &str, due_rule: DueRule| InstallmentSplit {
            installment,
            trigger: "settlement".into(),
            portion: portion.into(),
            expected: d(expected),
            due_on: Some(day("2026-01-30")),
            due_rule,
        };
    let after_year = DueRule::AfterPeriodEnd {
        period_end: day("2025-12-31"),
        due_days: 30,
    };
    let computation = Computation {
        base: "net".into(),
        tier_basis: "contract_year".into(),
        tier_mode: "whole".into(),
        period_start: day("2025-01-01"),
        period_end: day("2025-12-31"),
        period_weighted_base: d("100000"),
        products: Vec::new(),
        scope_start: day("2025-01-01"),
        scope_end: day("2025-12-31"),
        scope_weighted_base_before: d("0"),
        scope_weighted_base: d("100000"),
        bracket: None,
        bracket_rate: d("0.20"),
        slices: Vec::new(),
        scope_rebate_before: d("0"),
        scope_rebate: d("20000.00"),
        catch_up: Some(CatchUp {
            earlier_weighted_base: d("50000"),
            rate_before: d("0.10"),
            rate_after: d("0.20"),
            amount: d("5000.00"),
        }),
        cap: Some(d("25000")),
        cap_scope_start: day("2025-01-01"),
        cap_scope_end: day("2025-12-31"),
        rebate_before_cap: d("20000.00"),
        cap_applied: true,
        earned_before: d("0"),
        earned_through: d("20000.00"),
        period_expected: d("20000.00"),
        installments: vec![
            split(1, "40%", "8000.00", after_year),
            split(2, "rest", "12000.00", DueRule::NotRenewed),
        ],
        grace_days: 5,
        installment: 1,
        portion: "40%".into(),
        installment_expected: d("8000.00"),
        due_rule: Some(after_year),
        amendment: None,
        clawback: None,
        amended_terms: Vec::new(),
    };
    crate::domain::finding::PeriodTrail {
        key: crate::domain::finding::PeriodKey {
            contract_id: "C1".into(),
            period_start: day("2025-01-01"),
        },
        computation,
        source_rows: Vec::new(),
    }
}
