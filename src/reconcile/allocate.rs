//! Matching payouts to installments (docs/ARITHMETIC.md, "Matching").
//!
//! Period-referenced payouts go first, then the rest, each group in (`paid_on`,
//! `payout_id`) order. A payout fills open installments; what is left over is excess on
//! the last installment it reached. Pure: slots in, allocations out.

use crate::domain::finding::Allocation;
use crate::domain::payout::Payout;
use crate::domain::period::PeriodRef;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One installment as the matcher sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Index of its settlement period.
    pub period: usize,
    /// First day of its period.
    pub period_start: NaiveDate,
    /// Last day of its period.
    pub period_end: NaiveDate,
    /// Installment number.
    pub number: u32,
    /// The expectation E.
    pub expected: Decimal,
    /// Its due date, if due at all.
    pub due_on: Option<NaiveDate>,
    /// What has been allocated to it, in allocation order.
    pub allocations: Vec<Allocation>,
    /// Sum of the allocations.
    pub allocated: Decimal,
}

impl Slot {
    /// A slot with nothing allocated.
    pub fn new(
        period: usize,
        (period_start, period_end): (NaiveDate, NaiveDate),
        number: u32,
        expected: Decimal,
        due_on: Option<NaiveDate>,
    ) -> Slot {
        Slot {
            period,
            period_start,
            period_end,
            number,
            expected,
            due_on,
            allocations: Vec::new(),
            allocated: Decimal::ZERO,
        }
    }

    /// How much more a payout of this sign can fill: for money received, what is still
    /// below a positive expectation; for money handed back (a negative payout), what is
    /// still above a negative one.
    fn room(&self, positive: bool) -> Decimal {
        let gap = self
            .expected
            .checked_sub(self.allocated)
            .unwrap_or_default();
        if positive {
            gap.max(Decimal::ZERO)
        } else {
            gap.min(Decimal::ZERO)
        }
    }

    fn take(&mut self, payout: &Payout, amount: Decimal, excess: bool) {
        self.allocated = self.allocated.checked_add(amount).unwrap_or(self.allocated);
        self.allocations.push(Allocation {
            payout_id: payout.id.clone(),
            paid_on: payout.paid_on,
            amount,
            excess,
            source: payout.source.clone(),
        });
    }
}

/// What became of a payout that did not land on an installment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leftover {
    /// Its period reference matches no settlement period.
    UnknownPeriod(PeriodRef),
    /// Its installment number is not in the period (or the schedule).
    UnknownInstallment(u32),
    /// Nothing was open: the whole amount is excess on the contract.
    Overpaid(Decimal),
}

/// The first settlement period (by index) overlapping the referenced range.
fn referenced_period(slots: &[Slot], reference: PeriodRef) -> Option<usize> {
    let (first, last) = (reference.first_day(), reference.last_day());
    slots
        .iter()
        .filter(|slot| slot.period_start <= last && first <= slot.period_end)
        .map(|slot| slot.period)
        .min()
}

/// Pours `payout` into the slots at `targets` (in order): fills what is open, then puts
/// the rest on the last slot it reached, or on `fallback` when it reached none. Returns
/// the amount that found no slot at all.
fn pour(
    slots: &mut [Slot],
    targets: &[usize],
    fallback: Option<usize>,
    payout: &Payout,
) -> Decimal {
    let positive = payout.amount >= Decimal::ZERO;
    let mut left = payout.amount;
    let mut last_reached = None;
    for &target in targets {
        if left.is_zero() {
            break;
        }
        let room = slots[target].room(positive);
        if room.is_zero() {
            continue;
        }
        let amount = if positive {
            left.min(room)
        } else {
            left.max(room)
        };
        slots[target].take(payout, amount, false);
        left -= amount;
        last_reached = Some(target);
    }
    match last_reached.or(fallback) {
        Some(target) if !left.is_zero() || last_reached.is_none() => {
            slots[target].take(payout, left, true);
            Decimal::ZERO
        }
        Some(_) => Decimal::ZERO,
        None => left,
    }
}

/// Allocates the contract's payouts to its slots (ordered by period, then schedule
/// order). Returns, for each payout that did not (wholly) land, what happened to it.
pub fn allocate<'p>(slots: &mut [Slot], payouts: &[&'p Payout]) -> Vec<(&'p Payout, Leftover)> {
    let mut ordered: Vec<&Payout> = payouts.to_vec();
    ordered.sort_by(|a, b| {
        (a.period.is_none(), a.paid_on, &a.id).cmp(&(b.period.is_none(), b.paid_on, &b.id))
    });
    let mut leftovers = Vec::new();
    for payout in ordered {
        match payout.period {
            Some(reference) => {
                let Some(period) = referenced_period(slots, reference) else {
                    leftovers.push((payout, Leftover::UnknownPeriod(reference)));
                    continue;
                };
                let in_period: Vec<usize> = (0..slots.len())
                    .filter(|&index| slots[index].period == period)
                    .collect();
                let targets: Vec<usize> = match payout.installment {
                    Some(number) => in_period
                        .iter()
                        .copied()
                        .filter(|&index| slots[index].number == number)
                        .collect(),
                    None => in_period.clone(),
                };
                let Some(&last) = targets.last() else {
                    leftovers.push((
                        payout,
                        Leftover::UnknownInstallment(payout.installment.unwrap_or(0)),
                    ));
                    continue;
                };
                pour(slots, &targets, Some(last), payout);
            }
            None => {
                let mut targets: Vec<usize> = (0..slots.len())
                    .filter(|&index| {
                        payout
                            .installment
                            .is_none_or(|number| slots[index].number == number)
                    })
                    .collect();
                if targets.is_empty() && !slots.is_empty() {
                    leftovers.push((
                        payout,
                        Leftover::UnknownInstallment(payout.installment.unwrap_or(0)),
                    ));
                    continue;
                }
                // By due date (undated last), then period start, then installment.
                targets.sort_by_key(|&index| {
                    let slot = &slots[index];
                    (
                        slot.due_on.is_none(),
                        slot.due_on,
                        slot.period_start,
                        slot.number,
                    )
                });
                let unplaced = pour(slots, &targets, None, payout);
                if !unplaced.is_zero() {
                    leftovers.push((payout, Leftover::Overpaid(unplaced)));
                }
            }
        }
    }
    leftovers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::Location;
    use crate::domain::payout::Invoice;
    use crate::domain::test_support::{d, day};

    fn payout(id: &str, paid_on: &str, amount: &str) -> Payout {
        Payout {
            id: id.into(),
            contract_id: "C1".into(),
            paid_on: day(paid_on),
            amount: d(amount),
            currency: None,
            kind: None,
            period: None,
            installment: None,
            invoice: Invoice::default(),
            reference: None,
            source: Location::file("payouts.csv".into()),
            unread: Vec::new(),
        }
    }

    /// Two quarters, each with installment 1 (settlement) and 2 (renewal, undated).
    fn slots() -> Vec<Slot> {
        vec![
            Slot::new(
                0,
                (day("2025-01-01"), day("2025-03-31")),
                1,
                d("100"),
                Some(day("2025-04-30")),
            ),
            Slot::new(0, (day("2025-01-01"), day("2025-03-31")), 2, d("50"), None),
            Slot::new(
                1,
                (day("2025-04-01"), day("2025-06-30")),
                1,
                d("200"),
                Some(day("2025-07-30")),
            ),
            Slot::new(1, (day("2025-04-01"), day("2025-06-30")), 2, d("80"), None),
        ]
    }

    fn allocated(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|slot| slot.allocated.to_string())
            .collect()
    }

    #[test]
    fn unreferenced_payouts_fill_by_due_date_with_undated_installments_last() {
        let mut slots = slots();
        let first = payout("P1", "2025-05-01", "250");
        let leftovers = allocate(&mut slots, &[&first]);
        assert!(leftovers.is_empty());
        assert_eq!(allocated(&slots), ["100", "0", "150", "0"]);
        let second = payout("P2", "2025-08-01", "200");
        let leftovers = allocate(&mut slots, &[&second]);
        assert!(leftovers.is_empty());
        // 50 closes Q2 #1, then Q1 #2 (period start before Q2 #2) takes 50, Q2 #2 takes 80 … and 20 is excess on it.
        assert_eq!(allocated(&slots), ["100", "50", "200", "100"]);
        assert!(slots[3].allocations.last().unwrap().excess);
    }

    #[test]
    fn period_referenced_payouts_go_first_and_fill_their_period_in_order() {
        let mut slots = slots();
        let early = payout("P1", "2025-01-15", "120");
        let mut referenced = payout("P2", "2025-07-10", "130");
        referenced.period = Some(PeriodRef::Quarter {
            year: 2025,
            quarter: 1,
        });
        allocate(&mut slots, &[&early, &referenced]);
        // P2 goes first although paid later: Q1 gets 100 + 30; P1 then fills Q2 #1.
        assert_eq!(allocated(&slots), ["100", "30", "120", "0"]);
    }

    #[test]
    fn a_named_installment_takes_the_whole_payout_and_excess_stays_on_it() {
        let mut slots = slots();
        let mut named = payout("P1", "2025-05-01", "130");
        named.period = Some(PeriodRef::Month(crate::domain::period::YearMonth {
            year: 2025,
            month: 2,
        }));
        named.installment = Some(1);
        allocate(&mut slots, &[&named]);
        assert_eq!(allocated(&slots), ["130", "0", "0", "0"]);
    }

    #[test]
    fn unknown_periods_and_installments_and_nothing_open() {
        let mut slots = slots();
        let mut outside = payout("P1", "2025-05-01", "10");
        outside.period = Some(PeriodRef::Year(2024));
        let mut bad_installment = payout("P2", "2025-05-01", "10");
        bad_installment.period = Some(PeriodRef::Quarter {
            year: 2025,
            quarter: 2,
        });
        bad_installment.installment = Some(7);
        let everything = payout("P3", "2025-06-01", "500");
        let leftovers = allocate(&mut slots, &[&outside, &bad_installment, &everything]);
        assert_eq!(leftovers.len(), 2);
        assert_eq!(
            leftovers[0].1,
            Leftover::UnknownPeriod(PeriodRef::Year(2024))
        );
        assert_eq!(leftovers[1].1, Leftover::UnknownInstallment(7));
        // 430 fills everything; 70 is excess on the last installment reached.
        assert_eq!(allocated(&slots), ["100", "50", "200", "150"]);
        let extra = payout("P4", "2025-09-01", "5");
        let leftovers = allocate(&mut slots, &[&extra]);
        assert_eq!(leftovers[0].1, Leftover::Overpaid(d("5")));
    }
}
