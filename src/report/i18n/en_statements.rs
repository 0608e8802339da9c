//! English: the sentences about the agent's statements (kept beside `en.rs`, which
//! holds every other sentence of the language).

use super::en::English;
use super::format::grouped;
use super::table::{Sentences, StatementFacts, StatementSentences};
use crate::domain::money::format_rate;
use crate::domain::statement::{StatementCause, StatementField};
use rust_decimal::Decimal;

/// `3 statement rows`, `1 statement row`.
fn statement_rows(rows: u64) -> String {
    if rows == 1 {
        "1 statement row".into()
    } else {
        format!("{rows} statement rows")
    }
}

/// A difference with its sign: `+1,000.00`, `-10,000.00`.
fn signed(amount: Decimal) -> String {
    if amount > Decimal::ZERO {
        format!("+{}", grouped(amount))
    } else {
        grouped(amount)
    }
}

impl StatementSentences for English {
    fn statement_mismatch(
        &self,
        statement: &StatementFacts<'_>,
        figures: &[String],
        causes: &[String],
    ) -> String {
        let numbers = match statement.statements {
            "" => String::new(),
            numbers => format!(", statement {numbers}"),
        };
        let said = format!(
            "The agent's statement for contract {}, {} ({}{numbers}) differs from the recomputation: {}.",
            statement.contract,
            self.period(statement.period),
            statement_rows(statement.rows),
            figures.join("; ")
        );
        match causes {
            [] => said,
            causes => format!("{said} Likely: {}.", causes.join("; ")),
        }
    }

    fn statement_figure(
        &self,
        field: StatementField,
        stated: Decimal,
        recomputed: Decimal,
        currency: &str,
    ) -> String {
        if field == StatementField::Rate {
            return format!(
                "rate {} stated, {} recomputed",
                format_rate(stated),
                format_rate(recomputed)
            );
        }
        format!(
            "{} {} stated, {} recomputed ({})",
            field.word(),
            self.money(stated, currency),
            self.money(recomputed, currency),
            signed(stated - recomputed)
        )
    }

    fn statement_cause(&self, cause: &StatementCause, currency: &str) -> String {
        match cause {
            StatementCause::ProductLeftOut {
                product,
                weighted_base,
            } => format!(
                "a product left out: the base is short by exactly {product}'s weighted base of {}",
                self.money(*weighted_base, currency)
            ),
            StatementCause::MonthMissing { month } => {
                format!("a month missing: the statement has no row for {month}")
            }
            StatementCause::WrongTier {
                stated,
                reached,
                bracket_from,
            } => format!(
                "the wrong tier: the base agrees, but {} is the rate of the bracket from {}, not the {} of the bracket the volume reached",
                format_rate(*stated),
                grouped(*bracket_from),
                format_rate(*reached)
            ),
            StatementCause::DeductionNotInContract { amount, reasons } => {
                let why = match reasons.as_slice() {
                    [] => String::new(),
                    reasons => format!(" (“{}”)", reasons.join("”, “")),
                };
                format!(
                    "a deduction not in the contract: {} deducted{why}",
                    self.money(*amount, currency)
                )
            }
        }
    }

    fn statement_unpaid(&self, statement: &StatementFacts<'_>, amount: Decimal) -> String {
        let which = match statement.statements {
            "" => format!("for {}", self.period(statement.period)),
            number => format!("{number} ({})", self.period(statement.period)),
        };
        format!(
            "The agent's statement {which} says {} is payable on contract {} ({}), but no payout of that contract is that amount.",
            self.money(amount, statement.currency),
            statement.contract,
            statement_rows(statement.rows)
        )
    }
}
