//! English: the accrual files' headers and the summary's accrual section.

use super::accruals::{AccrualSentences, COLUMN_COUNT, TRAIL_COLUMN_COUNT};

/// The English table.
pub struct EnglishAccruals;

impl AccrualSentences for EnglishAccruals {
    fn columns(&self) -> [&'static str; COLUMN_COUNT] {
        [
            "row",
            "entity",
            "contract_id",
            "currency",
            "earned",
            "received_cash",
            "received_offset",
            "received_credit",
            "received",
            "receivable_now",
            "receivable_later",
            "conditional",
            "paid_ahead",
            "overpaid",
            "balance",
            "open_period",
            "opening",
            "earned_since",
            "received_since",
            "movement",
            "baseline",
            "trail",
        ]
    }

    fn trail_columns(&self) -> [&'static str; TRAIL_COLUMN_COUNT] {
        [
            "contract_id",
            "entity",
            "currency",
            "column",
            "period_key",
            "installment",
            "payout_id",
            "amount",
        ]
    }

    fn heading(&self, as_of: &str) -> String {
        format!("Accruals as of {as_of}")
    }

    fn intro(&self) -> String {
        "Per legal entity owed the rebate, in each contract's currency (never added across currencies): earned in the periods ended by the audit date, received by it, and what is open — receivable now (past its deadline), later (not yet due) and conditional on a renewal. Earned + paid ahead + overpaid = received + receivable now + later + conditional; balance = earned − received. Every contract, and the installments and payouts behind each number, are in accruals.xlsx and accruals.csv.".into()
    }

    fn compared(&self, baseline_as_of: &str) -> String {
        format!(
            "Movement since the baseline run as of {baseline_as_of}: opening balance + earned since − received since = closing balance."
        )
    }

    fn baseline_without_accruals(&self, path: &str) -> String {
        format!(
            "Warning baseline_without_accruals: the baseline has no accruals ({path} not found: a run before accruals), so no opening balance or movement is shown."
        )
    }

    fn none(&self) -> &'static str {
        "No contract, no accruals."
    }

    fn summary_columns(&self, movement: bool) -> Vec<&'static str> {
        let mut columns = vec![
            "Entity",
            "Currency",
            "Contracts",
            "Earned",
            "Received",
            "Receivable now",
            "Receivable later",
            "Conditional",
            "Paid ahead",
            "Overpaid",
            "Balance",
        ];
        if movement {
            columns.extend(["Opening", "Movement"]);
        }
        columns
    }

    fn more(&self, count: usize) -> String {
        format!("… and {count} more entities; every one is in accruals.xlsx and accruals.csv.")
    }
}
