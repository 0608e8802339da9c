//! Judging one installment once payouts are allocated (docs/ARITHMETIC.md): at most one payment
//! finding — overpaid, unpaid/underpaid, or late — plus `clawback` when E < 0.

use super::allocate::Slot;
use crate::domain::calendar::{add_days, days_between};
use crate::domain::installment::Status;
use crate::domain::money::{self, Overflow, Rounding};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The rules that judge an installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// The audit date.
    pub as_of: NaiveDate,
    /// Differences up to this are not findings.
    pub tolerance: Decimal,
    /// Days of tolerance after the due date.
    pub grace_days: i64,
    /// Daily late-payment rate.
    pub late_interest: Decimal,
    /// Rounding for interest.
    pub rounding: Rounding,
}

/// The verdict on one installment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Its status.
    pub status: Status,
    /// Total received.
    pub paid: Decimal,
    /// The date the allocations first reached E − tolerance.
    pub completed_on: Option<NaiveDate>,
    /// Days past the due date (as of the audit date, or at completion for `late`).
    pub days_late: Option<i64>,
    /// Late-payment interest.
    pub interest: Option<Decimal>,
}

/// Judges an installment.
///
/// # Errors
/// Only on arithmetic overflow.
pub fn judge(slot: &Slot, terms: &Terms) -> Result<Verdict, Overflow> {
    let expected = slot.expected;
    let paid = slot.allocated;
    let tolerance = terms.tolerance;
    let mut allocations: Vec<_> = slot.allocations.iter().collect();
    allocations.sort_by(|a, b| (a.paid_on, &a.payout_id).cmp(&(b.paid_on, &b.payout_id)));
    let threshold = money::sub(expected, tolerance)?;
    let mut running = Decimal::ZERO;
    let mut completed_on = None;
    for allocation in &allocations {
        running = money::add(running, allocation.amount)?;
        if running >= threshold {
            completed_on = Some(allocation.paid_on);
            break;
        }
    }
    let deadline = slot
        .due_on
        .and_then(|due_on| add_days(due_on, terms.grace_days));
    let mut verdict = Verdict {
        status: Status::NothingDue,
        paid,
        completed_on,
        days_late: None,
        interest: None,
    };
    let overpaid_limit = money::add(expected.max(Decimal::ZERO), tolerance)?;
    if paid > overpaid_limit {
        verdict.status = Status::Overpaid;
        return Ok(verdict);
    }
    if expected < Decimal::ZERO {
        verdict.status = Status::Clawback;
        return Ok(verdict);
    }
    // Nothing expected: nothing due, unless money was taken back (a negative ledger row
    // on a period that owes nothing back), which leaves the customer short.
    if expected.is_zero() && paid >= threshold {
        return Ok(verdict);
    }
    let (Some(due_on), Some(deadline)) = (slot.due_on, deadline) else {
        verdict.status = if paid >= threshold {
            Status::Paid
        } else {
            Status::Conditional
        };
        return Ok(verdict);
    };
    if paid < threshold {
        if terms.as_of > deadline {
            let days_late = days_between(due_on, terms.as_of);
            let shortfall = money::sub(expected, paid)?;
            let interest = money::mul(
                money::mul(shortfall, terms.late_interest)?,
                Decimal::from(days_late),
            )?;
            verdict.status = if paid.is_zero() {
                Status::Unpaid
            } else {
                Status::Underpaid
            };
            verdict.days_late = Some(days_late);
            verdict.interest = Some(terms.rounding.round(interest));
        } else {
            verdict.status = Status::Open;
        }
        return Ok(verdict);
    }
    match completed_on {
        Some(completed_on) if completed_on > deadline => {
            let mut interest = Decimal::ZERO;
            for allocation in allocations
                .iter()
                .filter(|allocation| allocation.paid_on > deadline)
            {
                let days = Decimal::from(days_between(due_on, allocation.paid_on));
                interest = money::add(
                    interest,
                    money::mul(money::mul(allocation.amount, terms.late_interest)?, days)?,
                )?;
            }
            verdict.status = Status::Late;
            verdict.days_late = Some(days_between(due_on, completed_on));
            verdict.interest = Some(terms.rounding.round(interest));
        }
        _ => verdict.status = Status::Paid,
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::Allocation;
    use crate::domain::location::Location;
    use crate::domain::test_support::{d, day};

    fn slot(expected: &str, due_on: Option<&str>, payments: &[(&str, &str)]) -> Slot {
        let mut slot = Slot::new(
            0,
            (day("2025-01-01"), day("2025-03-31")),
            1,
            d(expected),
            due_on.map(day),
        );
        for (index, (paid_on, amount)) in payments.iter().enumerate() {
            slot.allocations.push(Allocation {
                payout_id: format!("P{index}"),
                paid_on: day(paid_on),
                amount: d(amount),
                excess: false,
                source: Location::file("payouts.csv".into()),
            });
            slot.allocated += d(amount);
        }
        slot
    }

    fn terms(as_of: &str, grace_days: i64, late_interest: &str) -> Terms {
        Terms {
            as_of: day(as_of),
            tolerance: d("0.01"),
            grace_days,
            late_interest: d(late_interest),
            rounding: Rounding::HalfUp,
        }
    }

    #[test]
    fn underpaid_past_the_deadline_accrues_interest_on_the_shortfall() {
        // 10,000 due 2025-04-30, 6,000 paid; as of 2025-06-29 = 60 days late.
        // Interest = 4,000 × 0.05% × 60 = 120.00.
        let verdict = judge(
            &slot("10000", Some("2025-04-30"), &[("2025-04-20", "6000")]),
            &terms("2025-06-29", 0, "0.0005"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Underpaid);
        assert_eq!(verdict.days_late, Some(60));
        assert_eq!(verdict.interest, Some(d("120.00")));
        let verdict = judge(
            &slot("10000", Some("2025-04-30"), &[]),
            &terms("2025-06-29", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Unpaid);
        assert_eq!(verdict.interest, Some(d("0.00")));
    }

    #[test]
    fn a_shortfall_inside_the_grace_period_is_open() {
        let verdict = judge(
            &slot("10000", Some("2025-04-30"), &[]),
            &terms("2025-05-05", 10, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Open);
        let verdict = judge(&slot("10000", None, &[]), &terms("2030-01-01", 0, "0")).unwrap();
        assert_eq!(verdict.status, Status::Conditional);
    }

    #[test]
    fn late_counts_from_the_completion_date_and_charges_only_late_parts() {
        // Due 04-30, grace 5 → deadline 05-05. 4,000 on 05-01 (in grace), 6,000 on 05-20.
        // Completion 05-20: 20 days late; interest 6,000 × 0.05% × 20 = 60.00.
        let paid = slot(
            "10000",
            Some("2025-04-30"),
            &[("2025-05-01", "4000"), ("2025-05-20", "6000")],
        );
        let verdict = judge(&paid, &terms("2025-12-31", 5, "0.0005")).unwrap();
        assert_eq!(verdict.status, Status::Late);
        assert_eq!(verdict.completed_on, Some(day("2025-05-20")));
        assert_eq!(verdict.days_late, Some(20));
        assert_eq!(verdict.interest, Some(d("60.00")));
    }

    #[test]
    fn within_tolerance_is_paid_and_beyond_it_is_overpaid() {
        let verdict = judge(
            &slot("100", Some("2025-04-30"), &[("2025-04-01", "99.99")]),
            &terms("2025-12-31", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Paid);
        let verdict = judge(
            &slot("100", Some("2025-04-30"), &[("2025-04-01", "100.02")]),
            &terms("2025-12-31", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Overpaid);
    }

    #[test]
    fn negative_expectations_are_clawbacks_and_zero_is_nothing_due() {
        let verdict = judge(
            &slot("-500", Some("2025-04-30"), &[]),
            &terms("2025-12-31", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Clawback);
        let verdict = judge(
            &slot("0", Some("2025-04-30"), &[]),
            &terms("2025-12-31", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::NothingDue);
        let verdict = judge(
            &slot("-500", Some("2025-04-30"), &[("2025-05-01", "10")]),
            &terms("2025-12-31", 0, "0"),
        )
        .unwrap();
        assert_eq!(verdict.status, Status::Overpaid);
    }

    #[test]
    fn money_taken_back_from_a_period_that_owes_nothing_is_a_shortfall() {
        // E = 0; a ledger row of −3,000 on 05-01 (the agent took cash back). Due 04-30,
        // as of 06-29: 60 days, 3,000 × 0.05% × 60 = 90.00.
        let taken = slot("0", Some("2025-04-30"), &[("2025-05-01", "-3000")]);
        let verdict = judge(&taken, &terms("2025-06-29", 0, "0.0005")).unwrap();
        assert_eq!(verdict.status, Status::Underpaid);
        assert_eq!(verdict.paid, d("-3000"));
        assert_eq!(verdict.days_late, Some(60));
        assert_eq!(verdict.interest, Some(d("90.00")));
        // Before the deadline it is open; within the tolerance it is nothing.
        let verdict = judge(&taken, &terms("2025-04-30", 0, "0")).unwrap();
        assert_eq!(verdict.status, Status::Open);
        let cent = slot("0", Some("2025-04-30"), &[("2025-05-01", "-0.01")]);
        let verdict = judge(&cent, &terms("2025-06-29", 0, "0")).unwrap();
        assert_eq!(verdict.status, Status::NothingDue);
    }
}
