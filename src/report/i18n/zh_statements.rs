//! Chinese: the sentences about the agent's statements (kept beside `zh.rs`, which
//! holds every other sentence of the language).

use super::format::grouped;
use super::table::{Sentences, StatementFacts, StatementSentences};
use super::zh::Chinese;
use crate::domain::money::format_rate;
use crate::domain::statement::{StatementCause, StatementField};
use rust_decimal::Decimal;

impl StatementSentences for Chinese {
    fn statement_mismatch(
        &self,
        statement: &StatementFacts<'_>,
        figures: &[String],
        causes: &[String],
    ) -> String {
        let numbers = match statement.statements {
            "" => String::new(),
            numbers => format!("，结算单号 {numbers}"),
        };
        let said = format!(
            "代理商结算单（合同 {}，{}，{}{numbers}）与重算结果不符：{}。",
            statement.contract,
            self.period(statement.period),
            self.lines(statement.rows),
            figures.join("；")
        );
        match causes {
            [] => said,
            causes => format!("{said}可能原因：{}。", causes.join("；")),
        }
    }

    fn statement_figure(
        &self,
        field: StatementField,
        stated: Decimal,
        recomputed: Decimal,
        currency: &str,
    ) -> String {
        let name = match field {
            StatementField::Base => "基数",
            StatementField::Rate => "比例",
            StatementField::Rebate => "返点",
            StatementField::Payable => "应付金额",
        };
        if field == StatementField::Rate {
            return format!(
                "{name}结算单为 {}，重算为 {}",
                format_rate(stated),
                format_rate(recomputed)
            );
        }
        format!(
            "{name}结算单为 {}，重算为 {}（差额 {}）",
            self.money(stated, currency),
            self.money(recomputed, currency),
            grouped(stated - recomputed)
        )
    }

    fn statement_cause(&self, cause: &StatementCause, currency: &str) -> String {
        match cause {
            StatementCause::ProductLeftOut {
                product,
                weighted_base,
            } => format!(
                "漏计产品：基数恰好少了产品 {product} 的加权基数 {}",
                self.money(*weighted_base, currency)
            ),
            StatementCause::MonthMissing { month } => {
                format!("漏计月份：结算单没有 {month} 的行")
            }
            StatementCause::WrongTier {
                stated,
                reached,
                bracket_from,
            } => format!(
                "档位错误：基数一致，但 {} 是自 {} 起那一档的比例，而非用量所达档位的 {}",
                format_rate(*stated),
                grouped(*bracket_from),
                format_rate(*reached)
            ),
            StatementCause::DeductionNotInContract { amount, reasons } => {
                let why = match reasons.as_slice() {
                    [] => String::new(),
                    reasons => format!("（“{}”）", reasons.join("”、“")),
                };
                format!(
                    "合同未约定的扣减：扣减 {}{why}",
                    self.money(*amount, currency)
                )
            }
        }
    }

    fn statement_unpaid(&self, statement: &StatementFacts<'_>, amount: Decimal) -> String {
        let which = match statement.statements {
            "" => format!("（{}）", self.period(statement.period)),
            number => format!(" {number}（{}）", self.period(statement.period)),
        };
        format!(
            "代理商结算单{which}列明合同 {} 应付 {}（{}），但该合同没有任何一笔付款是这个金额。",
            statement.contract,
            self.money(amount, statement.currency),
            self.lines(statement.rows)
        )
    }
}
