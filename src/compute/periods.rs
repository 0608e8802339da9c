//! Settlement periods: calendar months or quarters split at contract-year boundaries and
//! clipped to the term, contract years, or the whole term (SPEC §3).

use crate::domain::calendar::{next_month_start, next_quarter_start};
use crate::domain::contract::{Contract, DateRange, Settlement};

/// One settlement period of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementPeriod {
    /// First and last day.
    pub range: DateRange,
    /// Index of the contract year it lies in.
    pub year: usize,
}

/// The contract's settlement periods, in date order. They partition the term, and each
/// lies inside one contract year.
pub fn settlement_periods(contract: &Contract) -> Vec<SettlementPeriod> {
    let years = contract.contract_years();
    if contract.settlement == Settlement::Term {
        return vec![SettlementPeriod {
            range: contract.term(),
            year: 0,
        }];
    }
    let mut periods = Vec::new();
    for (year_index, year) in years.iter().enumerate() {
        let mut first = year.first;
        while first <= year.last {
            let next = match contract.settlement {
                Settlement::Monthly | Settlement::Transparent => next_month_start(first),
                Settlement::Quarterly => next_quarter_start(first),
                Settlement::Annual | Settlement::Term => None,
            };
            let last = next
                .and_then(|next| next.pred_opt())
                .map_or(year.last, |last| last.min(year.last));
            periods.push(SettlementPeriod {
                range: DateRange { first, last },
                year: year_index,
            });
            match last.succ_opt() {
                Some(following) => first = following,
                None => break,
            }
        }
    }
    periods
}

/// The index of the period containing `date`, if the date is in the term.
pub fn period_index(periods: &[SettlementPeriod], date: chrono::NaiveDate) -> Option<usize> {
    let index = periods.partition_point(|period| period.range.last < date);
    periods
        .get(index)
        .filter(|period| period.range.contains(date))
        .map(|_| index)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::contract::{
        Base, Bracket, InstallmentRule, InvoiceKind, PayoutKind, TierBasis, TierMode, TierTable,
    };
    use crate::domain::location::Location;
    use crate::test_support::day;
    use rust_decimal::Decimal;

    /// A contract with one 20% bracket; tests change what they need.
    pub(crate) fn contract(start: &str, end: &str, settlement: Settlement) -> Contract {
        Contract {
            id: "C1".into(),
            customer: "Customer".into(),
            agent: "Agent".into(),
            agent_tax_id: None,
            provider: "generic".into(),
            ruleset: "generic".into(),
            accounts: vec!["A1".into()],
            start: day(start),
            end: day(end),
            currency: "CNY".into(),
            base: Base::Net,
            tier_basis: TierBasis::Period,
            tier_mode: TierMode::Retroactive,
            cap: None,
            settlement,
            due_days: 30,
            grace_days: 0,
            renewed_on: None,
            invoice: InvoiceKind::None,
            tax_rate: None,
            late_interest: Decimal::ZERO,
            payout_kind: PayoutKind::Cash,
            tiers: TierTable::new(vec![Bracket {
                from: Decimal::ZERO,
                to: None,
                rate: Decimal::new(20, 2),
            }])
            .unwrap(),
            products: Default::default(),
            schedule: InstallmentRule::single(),
            source: Location::file("contracts.xlsx".into()),
        }
    }

    fn ranges(periods: &[SettlementPeriod]) -> Vec<(String, String, usize)> {
        periods
            .iter()
            .map(|period| {
                (
                    period.range.first.to_string(),
                    period.range.last.to_string(),
                    period.year,
                )
            })
            .collect()
    }

    #[test]
    fn quarters_are_split_at_contract_year_boundaries_and_clipped_to_the_term() {
        // Term 2024-02-15 .. 2025-05-31: contract years start 02-15.
        let periods =
            settlement_periods(&contract("2024-02-15", "2025-05-31", Settlement::Quarterly));
        let expected = [
            ("2024-02-15", "2024-03-31", 0),
            ("2024-04-01", "2024-06-30", 0),
            ("2024-07-01", "2024-09-30", 0),
            ("2024-10-01", "2024-12-31", 0),
            ("2025-01-01", "2025-02-14", 0),
            ("2025-02-15", "2025-03-31", 1),
            ("2025-04-01", "2025-05-31", 1),
        ]
        .map(|(first, last, year)| (first.to_string(), last.to_string(), year));
        assert_eq!(ranges(&periods), expected);
    }

    #[test]
    fn months_annual_and_term_periods() {
        let monthly =
            settlement_periods(&contract("2025-01-10", "2025-03-05", Settlement::Monthly));
        assert_eq!(monthly.len(), 3);
        assert_eq!(monthly[0].range.first, day("2025-01-10"));
        assert_eq!(monthly[2].range.last, day("2025-03-05"));
        let annual = settlement_periods(&contract("2024-07-01", "2026-06-30", Settlement::Annual));
        assert_eq!(
            ranges(&annual),
            [
                ("2024-07-01", "2025-06-30", 0),
                ("2025-07-01", "2026-06-30", 1)
            ]
            .map(|(first, last, year)| (first.to_string(), last.to_string(), year))
        );
        let term = settlement_periods(&contract("2024-07-01", "2026-06-30", Settlement::Term));
        assert_eq!(term.len(), 1);
        assert_eq!(term[0].range.last, day("2026-06-30"));
    }

    #[test]
    fn a_date_finds_its_period() {
        let periods =
            settlement_periods(&contract("2025-01-01", "2025-12-31", Settlement::Quarterly));
        assert_eq!(period_index(&periods, day("2025-05-20")), Some(1));
        assert_eq!(period_index(&periods, day("2025-12-31")), Some(3));
        assert_eq!(period_index(&periods, day("2026-01-01")), None);
        assert_eq!(period_index(&periods, day("2024-12-31")), None);
    }
}
