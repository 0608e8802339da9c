//! English: the likely causes of issue 19's gaps — money taken back in cash against the
//! contract's clawback rule, and a period paid under the tier table an amendment replaced
//! (kept beside `en.rs`, which holds every other sentence of the language).

use super::en::{English, cause_installment};
use super::format::grouped;
use super::table::{CauseFacts, GapCauseSentences};
use crate::domain::clawback::ClawbackRule;
use crate::domain::contract::AmendmentNote;
use crate::domain::finding::CashRow;
use crate::domain::money::format_rate;
use rust_decimal::Decimal;

/// `N1 (−25,000.00 on 2025-10-20, payouts.csv:5)`, joined with `and`.
fn rows_text(rows: &[CashRow]) -> String {
    let named: Vec<String> = rows
        .iter()
        .map(|row| {
            format!(
                "{} ({} on {}, {})",
                row.payout_id,
                grouped(row.amount),
                row.paid_on,
                row.source
            )
        })
        .collect();
    match named.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
    }
}

impl GapCauseSentences for English {
    fn clawback_in_cash(
        &self,
        cause: &CauseFacts,
        contract: ClawbackRule,
        rows: &[CashRow],
        taken: Decimal,
        received: Decimal,
    ) -> String {
        let plural = if rows.len() == 1 { "row" } else { "rows" };
        let rule = match contract {
            ClawbackRule::CarryForward => {
                "carry_forward: a negative period is deducted from the later periods' rebates and lapses at the term's end, never owed in cash"
            }
            ClawbackRule::None | ClawbackRule::Net => {
                "none (no clawback): a settled period's rebate is not taken back"
            }
        };
        let against = if cause.installment == 0 {
            "on the contract, with no installment to hold it".to_string()
        } else {
            format!(
                "against {}; without it the installment would have received {} (it expects {})",
                cause_installment(cause),
                grouped(received),
                grouped(cause.expected)
            )
        };
        format!(
            "The ledger's negative {plural} {} took {} back in cash {against}. The contract's clawback rule is {rule}: likely a clawback the contract does not allow, taken back in cash.",
            rows_text(rows),
            grouped(taken),
        )
    }

    fn amendment_ignored(
        &self,
        cause: &CauseFacts,
        amendment: &AmendmentNote,
        rate_in_force: Decimal,
        rate_before: Decimal,
    ) -> String {
        format!(
            "{} is what {} comes to under the tier table before amendment {} ({}), effective {}: there the tier volume reaches {}, under the amendment {} — likely the agent kept paying the pre-amendment terms; the installment expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            amendment.id,
            amendment.source,
            amendment.effective_from,
            format_rate(rate_before),
            format_rate(rate_in_force),
            grouped(cause.expected)
        )
    }
}
