//! English: the sentences about a contract's clawback rule (kept beside `en.rs`, which
//! holds every other sentence of the language).

use super::en::{English, cause_installment};
use super::format::grouped;
use super::table::{CauseFacts, ClawbackSentences, Sentences};
use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::contract::DateRange;
use rust_decimal::Decimal;

/// `2025-Q3`, `2025-Q3 and 2025-Q4`; `earlier periods` when none is known.
fn periods(words: &English, from: &[DateRange]) -> String {
    let named: Vec<String> = from.iter().map(|range| words.period(*range)).collect();
    match named.as_slice() {
        [] => "earlier periods".into(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

impl ClawbackSentences for English {
    fn clawback_cause(
        &self,
        cause: &CauseFacts,
        contract: Option<ClawbackRule>,
        used: ClawbackRule,
        period_rebate: Decimal,
        carried: Decimal,
        from: &[DateRange],
    ) -> String {
        let amount = grouped(cause.amount);
        let installment = cause_installment(cause);
        let from = periods(self, from);
        let carried = grouped(carried);
        let rebate = grouped(period_rebate);
        let expected = grouped(cause.expected);
        match (contract, used) {
            (Some(ClawbackRule::CarryForward), _) => format!(
                "{amount} is {installment} without deducting the {carried} carried from the negative rebate of {from}, which the contract's carry_forward rule deducts from this period's rebate of {rebate}: likely the clawback not applied, in the customer's favour; the installment expects {expected}."
            ),
            (Some(ClawbackRule::Net), _) => format!(
                "{amount} is what {installment} comes to when the negative rebate of {from} ({carried}), which the contract's net rule makes an installment owed back, is deducted from this period's rebate of {rebate}: likely the clawback the contract allows, collected by offset, so this shortfall and that clawback cancel."
            ),
            (Some(ClawbackRule::None), _) => format!(
                "{amount} is what {installment} comes to when the negative rebate of {from} ({carried}) is carried against this period's rebate of {rebate}: likely a clawback the contract does not allow (its rule is none: no clawback), so the installment expects {expected}."
            ),
            (None, _) => format!(
                "{amount} is what {installment} comes to when the negative rebate of {from} ({carried}) is deducted from this period's rebate of {rebate}: likely a clawback deducted, but the contract names no clawback rule (its clawback cell is blank, so the audit reckons as net: the negative period is owed back on its own and this installment expects {expected}); write the contract's rule in the clawback column."
            ),
        }
    }

    fn clawback_step(&self, step: &ClawbackStep) -> String {
        let rebate = grouped(step.period_rebate);
        let payable = grouped(step.payable);
        match step.rule {
            ClawbackRule::Net if step.period_rebate < Decimal::ZERO => format!(
                "Clawback rule net: a negative E_p is an installment owed back; this period owes {} back.",
                grouped(-step.period_rebate)
            ),
            ClawbackRule::Net => {
                "Clawback rule net: E_p is paid as computed; a negative E_p would be an installment owed back.".into()
            }
            ClawbackRule::None => format!(
                "Clawback rule none (no clawback): a negative E_p counts as 0 and reduces no later period; E_p {rebate} → payable {payable}."
            ),
            ClawbackRule::CarryForward => {
                let mut said = format!(
                    "Clawback rule carry_forward: {} carried in from earlier negative periods; E_p {rebate}",
                    grouped(step.carried_in)
                );
                if step.deducted > Decimal::ZERO {
                    said.push_str(&format!(" − {}", grouped(step.deducted)));
                }
                said.push_str(&format!(
                    " → payable {payable}; {} carried to the next periods",
                    grouped(step.carried_out)
                ));
                if step.lapsed > Decimal::ZERO {
                    said.push_str(&format!(
                        "; {} lapses at the term's end, never owed in cash",
                        grouped(step.lapsed)
                    ));
                }
                said.push('.');
                said
            }
        }
    }
}
