//! The mistakes found for one installment: a mistake is named only when its replay
//! reproduces the payment to the cent and lies far enough from the expectation.

use crate::domain::contract::{Contract, Portion};
use crate::domain::finding::{CauseCode, LikelyCause, Mistake};
use crate::domain::money;
use rust_decimal::Decimal;

/// The causes found so far, and what a cause must reproduce.
pub(super) struct Found {
    pub(super) target: Decimal,
    pub(super) installment: u32,
    pub(super) expected: Decimal,
    pub(super) portion: Option<Portion>,
    pub(super) margin: Decimal,
    pub(super) causes: Vec<LikelyCause>,
}

impl Found {
    /// Names the mistake when `amount` is the paid amount and far enough from the
    /// expectation; its numbers are only gathered then.
    pub(super) fn offer(
        &mut self,
        code: CauseCode,
        amount: Option<Decimal>,
        mistake: impl FnOnce() -> Mistake,
    ) {
        let Some(amount) = amount else { return };
        let far = money::sub(amount, self.expected).is_ok_and(|gap| gap.abs() > self.margin);
        if amount == self.target && far {
            self.causes.push(LikelyCause {
                code,
                expected_under_mistake: amount,
                installment: self.installment,
                expected: self.expected,
                portion: self.portion,
                mistake: mistake(),
            });
        }
    }
}

/// The installment's portion when it is only part of its period's rebate: `None` when the
/// schedule has this one installment and it takes the whole (`rest` or `100%`).
pub(in crate::reconcile) fn partial(contract: &Contract, portion: Portion) -> Option<Portion> {
    let whole = match portion {
        Portion::Rest => contract.schedule.len() == 1,
        Portion::Percent(fraction) => contract.schedule.len() == 1 && fraction == Decimal::ONE,
        Portion::Points(_) => false,
    };
    (!whole).then_some(portion)
}
