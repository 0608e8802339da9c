//! What a finding rests on: the input place, the computation, the billing rows behind
//! it, the payouts allocated, the invoice checks and the likely causes.
//!
//! A settlement period's computation and billing rows are stored once, in a
//! [`PeriodTrail`] its contract's result holds; its installments and the findings on them
//! refer to it ([`TrailRef`]) rather than each carrying a copy (issue 17: a copy per
//! finding made a group-wide audit's evidence grow with findings × trail size).

use super::cause::LikelyCause;
use super::reason::Reason;
use crate::domain::computation::{Computation, DueRule, InstallmentSplit};
use crate::domain::location::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// A settlement period's stable key, `<contract_id>/<period_start>` (e.g.
/// `C-001/2024-01-01`): how findings.json's findings name their period in `periods`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodKey {
    /// The contract.
    pub contract_id: String,
    /// The period's first day.
    pub period_start: NaiveDate,
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.contract_id, self.period_start)
    }
}

/// One settlement period's computation trail and the billing rows behind it, stored once
/// per period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTrail {
    /// The period's key.
    pub key: PeriodKey,
    /// The trail of the whole period: its split into installments is
    /// `computation.installments`; the installment fields (`installment`, `portion`,
    /// `installment_expected`, `due_rule`) are those of its first installment — ask
    /// [`PeriodTrail::for_installment`] for another's.
    pub computation: Computation,
    /// The billing rows behind the period's weighted base.
    pub source_rows: Vec<SourceRows>,
}

impl PeriodTrail {
    /// Installment `number`'s share of the period, from its split.
    pub fn split(&self, number: u32) -> Option<&InstallmentSplit> {
        self.computation
            .installments
            .iter()
            .find(|split| split.installment == number)
    }

    /// The computation as installment `number` sees it: the period's trail with that
    /// installment's number, portion, expectation and due-date rule. Borrowed when it is
    /// the installment the trail already names (a period paid at once), a copy otherwise;
    /// the trail itself for a number the period does not have.
    pub fn for_installment(&self, number: u32) -> Cow<'_, Computation> {
        let share = self.share(number);
        if share.installment == self.computation.installment {
            return Cow::Borrowed(&self.computation);
        }
        Cow::Owned(Computation {
            installment: share.installment,
            portion: share.portion.to_string(),
            installment_expected: share.expected,
            due_rule: share.due_rule,
            ..self.computation.clone()
        })
    }

    /// Installment `number`'s share of the period, borrowed: what
    /// [`PeriodTrail::for_installment`] would change in the period's trail, without copying
    /// the trail (the reports that print one installment's formula need no more).
    pub fn share(&self, number: u32) -> Share<'_> {
        let computation = &self.computation;
        match self.split(number) {
            Some(split) if number != computation.installment => Share {
                computation,
                installment: split.installment,
                portion: &split.portion,
                expected: split.expected,
                due_rule: Some(split.due_rule),
            },
            _ => Share::own(computation),
        }
    }
}

/// One installment's view of its period, borrowed ([`PeriodTrail::share`]): the period's
/// trail and the fields that are the installment's own. `for_installment(n)` is the trail
/// with these four fields put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share<'a> {
    /// The period's trail (its installment fields are the first installment's).
    pub computation: &'a Computation,
    /// The installment's number.
    pub installment: u32,
    /// Its portion of the period (`40%`, `rest`, …).
    pub portion: &'a str,
    /// What it is expected to pay.
    pub expected: Decimal,
    /// How its due date is set.
    pub due_rule: Option<DueRule>,
}

impl<'a> Share<'a> {
    /// A computation as its own installment's share: its installment fields as they are.
    pub fn own(computation: &'a Computation) -> Self {
        Share {
            computation,
            installment: computation.installment,
            portion: &computation.portion,
            expected: computation.installment_expected,
            due_rule: computation.due_rule,
        }
    }
}

/// A reference to an installment's period trail: the period's key (through the trail)
/// and the installment's number. The trail is shared, never copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailRef {
    /// The trail of the period, shared with its contract's result.
    pub trail: Arc<PeriodTrail>,
    /// The installment.
    pub installment: u32,
}

impl TrailRef {
    /// The period's key.
    pub fn key(&self) -> &PeriodKey {
        &self.trail.key
    }

    /// The computation as the installment sees it ([`PeriodTrail::for_installment`]).
    pub fn computation(&self) -> Cow<'_, Computation> {
        self.trail.for_installment(self.installment)
    }

    /// The installment's share of its period, borrowed ([`PeriodTrail::share`]).
    pub fn share(&self) -> Share<'_> {
        self.trail.share(self.installment)
    }
}

/// Billing rows that make up part of a weighted base, grouped by file and product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRows {
    /// The table (file and sheet) they are in.
    pub table: Location,
    /// The product.
    pub product: String,
    /// The coefficient applied.
    pub coefficient: Decimal,
    /// How many rows.
    pub rows: u64,
    /// The rows as ranges, e.g. `2-40, 57`; ends with `…` when cut short.
    pub row_ranges: String,
    /// Sum of the line bases.
    pub base: Decimal,
    /// Sum of the weighted bases.
    pub weighted_base: Decimal,
}

/// One payout's contribution to an installment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The payout.
    pub payout_id: String,
    /// When it was received.
    pub paid_on: NaiveDate,
    /// How much of it went to the installment.
    pub amount: Decimal,
    /// Whether this part is excess beyond what was open.
    pub excess: bool,
    /// Where the payout is in the ledger.
    pub source: Location,
}

/// What a finding rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The input cell or row the finding is about.
    pub location: Option<Location>,
    /// For a finding on an installment: its period's trail (the rebate computation and
    /// the billing rows behind it), by reference.
    pub period: Option<TrailRef>,
    /// The payouts that went to the installment.
    pub allocations: Vec<Allocation>,
    /// Other facts as `(name, value)` pairs: the expected and found invoice fields, the
    /// account and month of uncovered spend, and so on.
    pub facts: Vec<(String, String)>,
    /// Field-by-field checks (a payout's invoice): what was expected, what was found.
    pub checks: Vec<Check>,
    /// For a short payment: the usual mistakes that reproduce the amount paid to the cent,
    /// most likely first.
    pub likely_causes: Vec<LikelyCause>,
}

impl Evidence {
    /// The rebate computation as the finding's installment sees it, for a finding on an
    /// installment.
    pub fn computation(&self) -> Option<Cow<'_, Computation>> {
        self.period.as_ref().map(TrailRef::computation)
    }

    /// The installment's share of its period, borrowed, for a finding on an installment
    /// ([`PeriodTrail::share`]: [`Evidence::computation`] without the copy).
    pub fn share(&self) -> Option<Share<'_>> {
        self.period.as_ref().map(TrailRef::share)
    }

    /// The billing rows behind the computation (none for a finding on no installment).
    pub fn source_rows(&self) -> &[SourceRows] {
        self.period
            .as_ref()
            .map_or(&[], |period| period.trail.source_rows.as_slice())
    }
}

/// One checked field: what the contract or payout calls for and what the input shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The field checked (`invoice_no`, `invoice_amount`, `invoice_tax_rate`, …).
    pub field: String,
    /// The finding reason a failure of this check gives (`missing`, `amount`, …).
    pub reason: Reason,
    /// What was expected.
    pub expected: String,
    /// What was found; `None` when the input leaves the field empty.
    pub found: Option<String>,
    /// Whether the check passed.
    pub ok: bool,
    /// What `expected` and `found` say, as facts, for a report to word in its language
    /// (findings.json keeps the English text above).
    pub words: CheckWords,
}

/// What a check's `expected` and `found` say.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CheckWords {
    /// Both are values (an amount, a rate, a tax id, a date), shown as they are.
    #[default]
    Values,
    /// An invoice of the kind the contract requires; `found` is a value.
    Kind(crate::domain::contract::InvoiceKind),
    /// An invoice number carried by this payout alone; `others` are the other payouts
    /// carrying it.
    UsedOnce {
        /// The other payouts with the same number.
        others: Vec<String>,
    },
    /// An invoice dated within `days` of the payment (on or before `latest` when that
    /// date exists); `found` is a value.
    Within {
        /// The last day allowed.
        latest: Option<chrono::NaiveDate>,
        /// The window.
        days: i64,
        /// When the payout was received.
        paid_on: chrono::NaiveDate,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{d, two_installment_trail};

    /// A share is what `for_installment` puts into the trail, for every installment and
    /// for a number the period does not have (the trail's own first installment).
    #[test]
    fn a_share_is_the_installments_view_without_the_copy() {
        let trail = two_installment_trail();
        for number in [1, 2, 3] {
            let share = trail.share(number);
            let view = trail.for_installment(number);
            assert!(std::ptr::eq(share.computation, &trail.computation));
            assert_eq!(share.installment, view.installment, "{number}");
            assert_eq!(share.portion, view.portion, "{number}");
            assert_eq!(share.expected, view.installment_expected, "{number}");
            assert_eq!(share.due_rule, view.due_rule, "{number}");
        }
        let second = trail.share(2);
        assert_eq!(
            (second.installment, second.portion, second.expected),
            (2, "rest", d("12000.00"))
        );
        assert_eq!(second.due_rule, Some(DueRule::NotRenewed));
        let reference = TrailRef {
            trail: Arc::new(trail),
            installment: 2,
        };
        assert_eq!(reference.share().portion, "rest");
        let evidence = Evidence {
            period: Some(reference),
            ..Evidence::default()
        };
        assert_eq!(
            evidence.share().map(|share| share.expected),
            Some(d("12000.00"))
        );
        assert!(Evidence::default().share().is_none());
    }
}
