//! Chinese: the sentences about a contract's clawback rule (kept beside `zh.rs`, which
//! holds every other sentence of the language).

use super::format::grouped;
use super::table::{CauseFacts, ClawbackSentences, Sentences};
use super::zh::{Chinese, cause_installment};
use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::contract::DateRange;
use rust_decimal::Decimal;

/// `2025-Q3`、`2025-Q3、2025-Q4`; `此前各期` when none is known.
fn periods(words: &Chinese, from: &[DateRange]) -> String {
    let named: Vec<String> = from.iter().map(|range| words.period(*range)).collect();
    if named.is_empty() {
        "此前各期".into()
    } else {
        named.join("、")
    }
}

impl ClawbackSentences for Chinese {
    fn clawback_cause(
        &self,
        cause: &CauseFacts,
        contract: Option<ClawbackRule>,
        _used: ClawbackRule,
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
        match contract {
            Some(ClawbackRule::CarryForward) => format!(
                "{amount}为{installment}未扣减自 {from} 负返点结转的{carried}时的金额；合同的返点追回规则为“结转”（carry_forward），应从本期返点{rebate}中扣减：可能未执行追回，有利于客户；该期次应为{expected}。"
            ),
            Some(ClawbackRule::Net) => format!(
                "{amount}为从本期返点{rebate}中扣减 {from} 负返点（{carried}）后的{installment}金额；合同的返点追回规则为“冲减”（net），该负返点本应作为应退回的期次：可能是以抵扣方式收回合同允许的追回款，本期短付与该追回款相互抵销。"
            ),
            Some(ClawbackRule::None) => format!(
                "{amount}为将 {from} 负返点（{carried}）结转抵扣本期返点{rebate}后的{installment}金额：可能扣减了合同不允许的追回款（合同规定“不追回”（none）），该期次应为{expected}。"
            ),
            None => format!(
                "{amount}为从本期返点{rebate}中扣减 {from} 负返点（{carried}）后的{installment}金额：可能扣减了追回款，但合同未约定返点追回规则（“返点追回”列为空，审计按“冲减”（net）计算，负返点单独应退回，该期次应为{expected}）；请在“返点追回”列填写合同的规则。"
            ),
        }
    }

    fn clawback_step(&self, step: &ClawbackStep) -> String {
        let rebate = grouped(step.period_rebate);
        let payable = grouped(step.payable);
        match step.rule {
            ClawbackRule::Net if step.period_rebate < Decimal::ZERO => format!(
                "返点追回规则“冲减”（net）：负的 E_p 为应退回的期次；本期应退回 {}。",
                grouped(-step.period_rebate)
            ),
            ClawbackRule::Net => {
                "返点追回规则“冲减”（net）：E_p 按计算支付；负的 E_p 将作为应退回的期次。".into()
            }
            ClawbackRule::None => format!(
                "返点追回规则“不追回”（none）：负的 E_p 按 0 计，不减少以后各期；E_p {rebate} → 应付 {payable}。"
            ),
            ClawbackRule::CarryForward => {
                let mut said = format!(
                    "返点追回规则“结转”（carry_forward）：自此前负返点结转 {}；E_p {rebate}",
                    grouped(step.carried_in)
                );
                if step.deducted > Decimal::ZERO {
                    said.push_str(&format!(" − {}", grouped(step.deducted)));
                }
                said.push_str(&format!(
                    " → 应付 {payable}；结转至以后各期 {}",
                    grouped(step.carried_out)
                ));
                if step.lapsed > Decimal::ZERO {
                    said.push_str(&format!(
                        "；{} 于合同期末失效，不以现金追回",
                        grouped(step.lapsed)
                    ));
                }
                said.push('。');
                said
            }
        }
    }
}
