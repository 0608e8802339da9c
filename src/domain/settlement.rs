//! Settlement periods: calendar months or quarters split at contract-year boundaries and
//! clipped to the term, contract years, or the whole term (docs/ARITHMETIC.md); and segments, the
//! pieces of settlement periods that lie in one contract year each — the unit billing is
//! summed in, so a `term` settlement can still be tiered per contract year.

use crate::domain::calendar::{next_month_start, next_quarter_start};
use crate::domain::contract::{Contract, DateRange, Settlement};

/// One settlement period of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettlementPeriod {
    /// First and last day.
    pub range: DateRange,
    /// Index of the contract year it lies in (for a `term` settlement spanning several
    /// years, the year of its last day).
    pub year: usize,
}

/// The part of a settlement period inside one contract year. Every settlement period
/// but a multi-year `term` one is a single segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First and last day.
    pub range: DateRange,
    /// Index of its contract year.
    pub year: usize,
    /// Index of its settlement period.
    pub period: usize,
}

/// The segments of the contract's settlement periods, in date order; they partition the
/// term like the periods do.
pub fn segments(contract: &Contract, periods: &[SettlementPeriod]) -> Vec<Segment> {
    let years = contract.contract_years();
    let mut segments = Vec::with_capacity(periods.len());
    for (period_index, period) in periods.iter().enumerate() {
        // Contract years are in date order and do not overlap, so those overlapping the
        // period are a run from the first one that ends on or after its first day: a
        // binary search, not a scan of every year for every period.
        let first_year = years.partition_point(|year| year.last < period.range.first);
        for (year_index, year) in years.iter().enumerate().skip(first_year) {
            if year.first > period.range.last {
                break;
            }
            if year.overlaps(&period.range) {
                segments.push(Segment {
                    range: DateRange {
                        first: year.first.max(period.range.first),
                        last: year.last.min(period.range.last),
                    },
                    year: year_index,
                    period: period_index,
                });
            }
        }
    }
    segments
}

/// The index of the segment containing `date`, if the date is in the term.
pub fn segment_index(segments: &[Segment], date: chrono::NaiveDate) -> Option<usize> {
    let index = segments.partition_point(|segment| segment.range.last < date);
    segments
        .get(index)
        .filter(|segment| segment.range.contains(date))
        .map(|_| index)
}

/// The contract's settlement periods, in date order. They partition the term, and each
/// lies inside one contract year.
pub fn settlement_periods(contract: &Contract) -> Vec<SettlementPeriod> {
    let years = contract.contract_years();
    if contract.settlement == Settlement::Term {
        return vec![SettlementPeriod {
            range: contract.term(),
            year: years.len().saturating_sub(1),
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::contract::{
        Base, Bracket, InstallmentRule, InvoiceKind, PayoutKind, TierBasis, TierMode, TierTable,
    };
    use crate::domain::location::Location;
    use crate::domain::test_support::day;
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
            amendments: Vec::new(),
            clawback: None,
            entity: None,
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
    fn a_date_finds_its_segment() {
        let quarterly = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        let segments = segments(&quarterly, &settlement_periods(&quarterly));
        assert_eq!(segments.len(), 4, "one segment per quarter");
        assert_eq!(segment_index(&segments, day("2025-05-20")), Some(1));
        assert_eq!(segment_index(&segments, day("2025-12-31")), Some(3));
        assert_eq!(segment_index(&segments, day("2026-01-01")), None);
        assert_eq!(segment_index(&segments, day("2024-12-31")), None);
    }

    #[test]
    fn a_multi_year_term_settlement_has_one_segment_per_contract_year() {
        let term = contract("2024-07-01", "2026-06-30", Settlement::Term);
        let periods = settlement_periods(&term);
        assert_eq!(periods.len(), 1);
        assert_eq!(periods[0].year, 1);
        let segments = segments(&term, &periods);
        assert_eq!(segments.len(), 2);
        assert_eq!(
            (segments[0].range.last, segments[0].year, segments[0].period),
            (day("2025-06-30"), 0, 0)
        );
        assert_eq!(
            (
                segments[1].range.first,
                segments[1].year,
                segments[1].period
            ),
            (day("2025-07-01"), 1, 0)
        );
    }

    /// Every contract year against every period, as `segments` did before it searched.
    fn segments_by_scan(contract: &Contract, periods: &[SettlementPeriod]) -> Vec<Segment> {
        let years = contract.contract_years();
        let mut segments = Vec::new();
        for (period_index, period) in periods.iter().enumerate() {
            for (year_index, year) in years.iter().enumerate() {
                if year.overlaps(&period.range) {
                    segments.push(Segment {
                        range: DateRange {
                            first: year.first.max(period.range.first),
                            last: year.last.min(period.range.last),
                        },
                        year: year_index,
                        period: period_index,
                    });
                }
            }
        }
        segments
    }

    #[test]
    fn the_searched_segments_are_the_scanned_ones() {
        for (start, end) in [
            ("2024-02-29", "2031-02-27"),
            ("2024-02-15", "2025-05-31"),
            ("2025-01-01", "2025-01-01"),
            ("2023-12-31", "2029-01-30"),
        ] {
            for settlement in [
                Settlement::Monthly,
                Settlement::Quarterly,
                Settlement::Annual,
                Settlement::Term,
                Settlement::Transparent,
            ] {
                let case = contract(start, end, settlement);
                let periods = settlement_periods(&case);
                assert_eq!(
                    segments(&case, &periods),
                    segments_by_scan(&case, &periods),
                    "{start}..{end} {settlement:?}"
                );
            }
        }
    }

    #[test]
    fn an_open_ended_term_has_one_segment_per_month() {
        // 2025-01-01 .. 9999-12-31 monthly: 7,975 years × 12 months, found without
        // comparing every month with every year.
        let open = contract("2025-01-01", "9999-12-31", Settlement::Monthly);
        let periods = settlement_periods(&open);
        let segments = segments(&open, &periods);
        assert_eq!(segments.len(), 95_700);
        assert!(
            segments
                .iter()
                .enumerate()
                .all(|(index, segment)| segment.period == index && segment.year == index / 12)
        );
    }
}
