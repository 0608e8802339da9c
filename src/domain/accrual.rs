//! Accruals for the financial close (docs/ARITHMETIC.md, "Accruals"): per contract and
//! per legal entity, in the contract's currency, what was earned and received by the audit
//! date and where the difference stands — due now, due later, conditional on a renewal —
//! with the change since a baseline run. Accruals are not findings: they are what a
//! controller posts. Plain data and the identity the columns keep.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Where an amount of an installment or a payout lands in the accrual columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// An installment of an ended period: its expectation counts as earned.
    Earned,
    /// What is still open on an installment past its deadline.
    Now,
    /// What is still open on an installment whose deadline has not passed.
    Later,
    /// What is still open on a renewal installment of a contract not renewed.
    Conditional,
    /// A payout received in cash.
    Cash,
    /// A payout received as an offset on a bill.
    Offset,
    /// A payout received as credits.
    Credit,
    /// Paid against an installment of a period not ended by the audit date.
    PaidAhead,
    /// Paid beyond every installment it reached, or matched to none.
    Overpaid,
    /// An installment of the period still open at the audit date (outside the identity).
    OpenPeriod,
}

impl Bucket {
    /// The word the trail writes (machine word, the same in both languages).
    pub fn word(self) -> &'static str {
        match self {
            Bucket::Earned => "earned",
            Bucket::Now => "receivable_now",
            Bucket::Later => "receivable_later",
            Bucket::Conditional => "conditional",
            Bucket::Cash => "received_cash",
            Bucket::Offset => "received_offset",
            Bucket::Credit => "received_credit",
            Bucket::PaidAhead => "paid_ahead",
            Bucket::Overpaid => "overpaid",
            Bucket::OpenPeriod => "open_period",
        }
    }
}

/// One line of the trail behind an accrual row: which installment or payout put which
/// amount into which column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailItem {
    /// The column it counts in.
    pub bucket: Bucket,
    /// The installment's period key `<contract_id>/<period_start>`, when it is one.
    pub period_key: Option<String>,
    /// The installment number, when it is one.
    pub installment: Option<u32>,
    /// The payout id, when it is one (or the payout that paid ahead or too much).
    pub payout_id: Option<String>,
    /// The amount.
    pub amount: Decimal,
}

/// The baseline's figures for one contract, as its accruals.csv wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// Earned by the baseline's audit date.
    pub earned: Decimal,
    /// Received by the baseline's audit date.
    pub received: Decimal,
}

impl Opening {
    /// The opening balance: earned − received.
    pub fn balance(&self) -> Decimal {
        self.earned.saturating_sub(self.received)
    }
}

/// How a row compares with the baseline run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// No baseline was given.
    NoBaseline,
    /// A baseline was given, but it holds no accrual data (an older run): no opening is
    /// invented.
    BaselineWithoutAccruals,
    /// The baseline's accruals do not list this contract in this currency.
    NotInBaseline,
    /// The baseline's row.
    Opening(Opening),
}

impl Against {
    /// The word the accrual files write in their `baseline` column.
    pub fn word(self) -> &'static str {
        match self {
            Against::NoBaseline => "no_baseline",
            Against::BaselineWithoutAccruals => "baseline_without_accruals",
            Against::NotInBaseline => "not_in_baseline",
            Against::Opening(_) => "compared",
        }
    }
}

/// The accrual columns of one contract (or the sum of an entity's contracts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amounts {
    /// Σ expected of the installments of periods ended by the audit date.
    pub earned: Decimal,
    /// Received on or before the audit date in cash.
    pub received_cash: Decimal,
    /// … as offsets.
    pub received_offset: Decimal,
    /// … as credits.
    pub received_credit: Decimal,
    /// Open on installments past their deadline.
    pub receivable_now: Decimal,
    /// Open on installments not yet past their deadline.
    pub receivable_later: Decimal,
    /// Open on renewal installments of a contract not renewed.
    pub conditional: Decimal,
    /// Received against installments of periods not ended.
    pub paid_ahead: Decimal,
    /// Received beyond the installments, or matched to none.
    pub overpaid: Decimal,
    /// Expected of the period still open at the audit date (information).
    pub open_period: Decimal,
}

impl Amounts {
    /// Received, every kind.
    pub fn received(&self) -> Decimal {
        self.received_cash
            .saturating_add(self.received_offset)
            .saturating_add(self.received_credit)
    }

    /// The closing balance a controller carries: earned − received (positive: the agent
    /// owes it; negative: received ahead or too much).
    pub fn balance(&self) -> Decimal {
        self.earned.saturating_sub(self.received())
    }

    /// Whether the identity holds: earned + paid ahead + overpaid = received + receivable
    /// now + receivable later + conditional.
    pub fn reconciles(&self) -> bool {
        self.earned
            .saturating_add(self.paid_ahead)
            .saturating_add(self.overpaid)
            == self
                .received()
                .saturating_add(self.receivable_now)
                .saturating_add(self.receivable_later)
                .saturating_add(self.conditional)
    }

    /// Adds another row's amounts (an entity's subtotal).
    pub fn add(&mut self, other: &Amounts) {
        let pairs = [
            (&mut self.earned, other.earned),
            (&mut self.received_cash, other.received_cash),
            (&mut self.received_offset, other.received_offset),
            (&mut self.received_credit, other.received_credit),
            (&mut self.receivable_now, other.receivable_now),
            (&mut self.receivable_later, other.receivable_later),
            (&mut self.conditional, other.conditional),
            (&mut self.paid_ahead, other.paid_ahead),
            (&mut self.overpaid, other.overpaid),
            (&mut self.open_period, other.open_period),
        ];
        for (sum, amount) in pairs {
            *sum = sum.saturating_add(amount);
        }
    }
}

/// The movement since the baseline: opening + earned since − received since = closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    /// The baseline's balance.
    pub opening: Decimal,
    /// Earned since the baseline.
    pub earned_since: Decimal,
    /// Received since the baseline.
    pub received_since: Decimal,
    /// This run's balance.
    pub closing: Decimal,
}

impl Movement {
    /// The change of the balance: closing − opening.
    pub fn movement(&self) -> Decimal {
        self.closing.saturating_sub(self.opening)
    }
}

/// One contract's accruals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccrualRow {
    /// The legal entity owed the rebate: the contract's `entity`, else its customer.
    pub entity: String,
    /// Whether the entity was named in the `entity` column (else the customer stands in).
    pub entity_named: bool,
    /// The contract.
    pub contract_id: String,
    /// Its currency.
    pub currency: String,
    /// The columns.
    pub amounts: Amounts,
    /// Against the baseline.
    pub against: Against,
    /// Every installment and payout behind the columns, in period then ledger order.
    pub trail: Vec<TrailItem>,
}

impl AccrualRow {
    /// The movement since the baseline, when the baseline has this contract.
    pub fn movement(&self) -> Option<Movement> {
        match self.against {
            Against::Opening(opening) => Some(Movement {
                opening: opening.balance(),
                earned_since: self.amounts.earned.saturating_sub(opening.earned),
                received_since: self.amounts.received().saturating_sub(opening.received),
                closing: self.amounts.balance(),
            }),
            _ => None,
        }
    }
}

/// An entity's subtotal in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTotal {
    /// The entity.
    pub entity: String,
    /// The currency.
    pub currency: String,
    /// Its contracts' columns added up.
    pub amounts: Amounts,
    /// Its contracts' movements added up, when every one of them has one.
    pub movement: Option<Movement>,
    /// How many contracts.
    pub contracts: usize,
}

/// The baseline the movement is measured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineAccruals {
    /// No `--baseline`.
    None,
    /// A baseline whose folder holds no accruals.csv: the warning
    /// `baseline_without_accruals`, and no movement.
    Missing {
        /// The file looked for.
        path: String,
    },
    /// The baseline's accruals: per (contract, currency), its opening.
    Read {
        /// The file read.
        path: String,
        /// Its rows.
        rows: Vec<(String, String, Opening)>,
    },
}

/// Every contract's accruals, as of the audit date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accruals {
    /// The audit date.
    pub as_of: NaiveDate,
    /// One row per contract, by entity, currency and contract id.
    pub rows: Vec<AccrualRow>,
    /// The file the movement was measured against, and whether it held accruals.
    pub baseline: BaselineAccruals,
}

impl Default for Accruals {
    fn default() -> Accruals {
        Accruals {
            as_of: NaiveDate::MIN,
            rows: Vec::new(),
            baseline: BaselineAccruals::None,
        }
    }
}

impl Accruals {
    /// Per entity and currency, in row order: the subtotals.
    pub fn entities(&self) -> Vec<EntityTotal> {
        let mut totals: Vec<EntityTotal> = Vec::new();
        for row in &self.rows {
            let movement = row.movement();
            match totals.last_mut() {
                Some(total) if total.entity == row.entity && total.currency == row.currency => {
                    total.amounts.add(&row.amounts);
                    total.contracts += 1;
                    total.movement = match (total.movement, movement) {
                        (Some(sum), Some(one)) => Some(Movement {
                            opening: sum.opening.saturating_add(one.opening),
                            earned_since: sum.earned_since.saturating_add(one.earned_since),
                            received_since: sum.received_since.saturating_add(one.received_since),
                            closing: sum.closing.saturating_add(one.closing),
                        }),
                        _ => None,
                    };
                }
                _ => totals.push(EntityTotal {
                    entity: row.entity.clone(),
                    currency: row.currency.clone(),
                    amounts: row.amounts,
                    movement,
                    contracts: 1,
                }),
            }
        }
        totals
    }

    /// The named warning the movement carries, if any: `baseline_without_accruals`.
    pub fn warning(&self) -> Option<&str> {
        match &self.baseline {
            BaselineAccruals::Missing { path } => Some(path),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::d;

    #[test]
    fn the_identity_and_the_balance() {
        let amounts = Amounts {
            earned: d("1000"),
            received_cash: d("600"),
            received_offset: d("100"),
            received_credit: d("50"),
            receivable_now: d("300"),
            receivable_later: d("100"),
            conditional: d("0"),
            paid_ahead: d("100"),
            overpaid: d("50"),
            open_period: d("999"),
        };
        // 1000 + 100 + 50 = 750 + 300 + 100 + 0.
        assert!(amounts.reconciles());
        assert_eq!(amounts.received(), d("750"));
        assert_eq!(amounts.balance(), d("250"));
        let off = Amounts {
            conditional: d("0.01"),
            ..amounts
        };
        assert!(!off.reconciles());
    }

    #[test]
    fn entity_subtotals_add_consecutive_rows_and_movements_only_when_all_have_one() {
        let row = |entity: &str, id: &str, earned: &str, against: Against| AccrualRow {
            entity: entity.into(),
            entity_named: true,
            contract_id: id.into(),
            currency: "CNY".into(),
            amounts: Amounts {
                earned: d(earned),
                received_cash: d("10"),
                ..Amounts::default()
            },
            against,
            trail: Vec::new(),
        };
        let opening = Against::Opening(Opening {
            earned: d("50"),
            received: d("5"),
        });
        let accruals = Accruals {
            as_of: NaiveDate::MIN,
            rows: vec![
                row("A", "C1", "100", opening),
                row("A", "C2", "200", opening),
                row("B", "C3", "300", opening),
                row("B", "C4", "400", Against::NotInBaseline),
            ],
            baseline: BaselineAccruals::None,
        };
        let totals = accruals.entities();
        assert_eq!(totals.len(), 2);
        assert_eq!(totals[0].amounts.earned, d("300"));
        assert_eq!(totals[0].contracts, 2);
        let movement = totals[0].movement.unwrap();
        // Each: opening 45, earned since 50 / 150, received since 5, closing 90 / 190.
        assert_eq!(movement.opening, d("90"));
        assert_eq!(movement.earned_since, d("200"));
        assert_eq!(movement.received_since, d("10"));
        assert_eq!(movement.closing, d("280"));
        assert_eq!(movement.movement(), d("190"));
        assert_eq!(totals[1].movement, None);
        assert_eq!(accruals.warning(), None);
    }
}
