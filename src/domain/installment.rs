//! An installment after reconciliation: what it expects, what it received and its status
//! (docs/ARITHMETIC.md, the `expected` list of findings.json).

use super::computation::Computation;
use super::contract::Trigger;
use super::finding::{Allocation, PeriodTrail};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::sync::Arc;

/// One row of the report's `expected` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentRecord {
    /// Contract id.
    pub contract_id: String,
    /// Period first day.
    pub period_start: NaiveDate,
    /// Period last day.
    pub period_end: NaiveDate,
    /// Installment number.
    pub installment: u32,
    /// Its trigger.
    pub trigger: Trigger,
    /// The period's weighted base.
    pub weighted_base: Decimal,
    /// The expectation.
    pub expected: Decimal,
    /// Due date.
    pub due_on: Option<NaiveDate>,
    /// Total received.
    pub paid: Decimal,
    /// Its status.
    pub status: Status,
    /// The payouts allocated to it, in allocation order.
    pub allocations: Vec<Allocation>,
    /// How its expectation was computed: the full trail of its period, shared with the
    /// period's other installments, its findings and its contract's result.
    pub trail: Arc<PeriodTrail>,
}

impl InstallmentRecord {
    /// The computation as this installment sees it: its period's trail with its own
    /// portion, expectation and due-date rule ([`PeriodTrail::for_installment`]).
    pub fn computation(&self) -> Cow<'_, Computation> {
        self.trail.for_installment(self.installment)
    }
}

/// The state an installment is in after matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Fully paid by the deadline.
    Paid,
    /// Fully paid after the deadline.
    Late,
    /// More than expected received.
    Overpaid,
    /// Past the deadline with nothing received.
    Unpaid,
    /// Past the deadline with part received.
    Underpaid,
    /// Short but not yet past the deadline.
    Open,
    /// Not due: waits for a renewal that has not happened.
    Conditional,
    /// Negative expectation: money owed back.
    Clawback,
    /// Nothing expected and nothing received.
    NothingDue,
}

impl Status {
    /// The word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            Status::Paid => "paid",
            Status::Late => "late",
            Status::Overpaid => "overpaid",
            Status::Unpaid => "unpaid",
            Status::Underpaid => "underpaid",
            Status::Open => "open",
            Status::Conditional => "conditional",
            Status::Clawback => "clawback",
            Status::NothingDue => "nothing_due",
        }
    }
}
