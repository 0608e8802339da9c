//! Chinese: the likely causes of issue 19's gaps — money taken back in cash against the
//! contract's clawback rule, and a period paid under the tier table an amendment replaced
//! (kept beside `zh.rs`, which holds every other sentence of the language).

use super::format::grouped;
use super::table::{CauseFacts, GapCauseSentences};
use super::zh::{Chinese, cause_installment};
use crate::domain::clawback::ClawbackRule;
use crate::domain::contract::AmendmentNote;
use crate::domain::finding::CashRow;
use crate::domain::money::format_rate;
use rust_decimal::Decimal;

/// `N1（2025-10-20，−25,000.00，payouts.csv:5）`, joined with `、`.
fn rows_text(rows: &[CashRow]) -> String {
    rows.iter()
        .map(|row| {
            format!(
                "{}（{}，{}，{}）",
                row.payout_id,
                row.paid_on,
                grouped(row.amount),
                row.source
            )
        })
        .collect::<Vec<_>>()
        .join("、")
}

impl GapCauseSentences for Chinese {
    fn clawback_in_cash(
        &self,
        cause: &CauseFacts,
        contract: ClawbackRule,
        rows: &[CashRow],
        taken: Decimal,
        received: Decimal,
    ) -> String {
        let rule = match contract {
            ClawbackRule::CarryForward => {
                "“结转”（carry_forward）：负返点从以后各期返点中扣减，期满未抵完的部分作废，不以现金退回"
            }
            ClawbackRule::None | ClawbackRule::Net => "“不追回”（none）：已结算期次的返点不予追回",
        };
        let against = if cause.installment == 0 {
            "，合同上没有可承接的期次".to_string()
        } else {
            format!(
                "，冲减{}；不计该行，该期次已收{}，应收{}",
                cause_installment(cause),
                grouped(received),
                grouped(cause.expected)
            )
        };
        format!(
            "回款台账中的负数行 {} 以现金收回了{}{against}。合同的返点追回规则为{rule}：可能是以现金收回了合同不允许的追回款。",
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
            "{}为按变更 {}（{}，{} 生效）之前的阶梯表计算的{}金额：按变更前的阶梯表，阶梯量适用{}，按变更后适用{}——可能代理商仍按变更前的条款支付；该期次应为{}。",
            grouped(cause.amount),
            amendment.id,
            amendment.source,
            amendment.effective_from,
            cause_installment(cause),
            format_rate(rate_before),
            format_rate(rate_in_force),
            grouped(cause.expected)
        )
    }
}
