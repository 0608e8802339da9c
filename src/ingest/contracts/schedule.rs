//! A contract's installment schedule from its `schedule` rows, checked as a whole.

use super::error::ContractError;
use crate::domain::contract::{InstallmentRule, Portion};
use crate::domain::location::Location;
use rust_decimal::Decimal;
use std::sync::Arc;

/// One `schedule` row with where its number and portion are.
pub(super) struct ScheduleRow {
    pub(super) rule: InstallmentRule,
    pub(super) installment: Location,
    pub(super) portion: Location,
}

/// Checks a contract's schedule: numbers 1..n once each, at most one `rest` and it is the
/// last, and without `rest` the percentages add up to 100%.
// The error names its place and a typed reason; it is built once per bad schedule, so
// its size does not matter.
#[allow(clippy::result_large_err)]
pub(super) fn validate_schedule(
    mut rows: Vec<ScheduleRow>,
) -> Result<Vec<InstallmentRule>, ContractError> {
    rows.sort_by_key(|row| row.rule.number);
    for (index, row) in rows.iter().enumerate() {
        let expected = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if row.rule.number != expected {
            return Err(ContractError {
                location: row.installment.clone(),
                message: format!(
                    "installment {} is out of sequence; installments must be numbered 1, 2, … without gaps or repeats (expected {expected})",
                    row.rule.number
                ).into(),
            });
        }
        if row.rule.portion == Portion::Rest && index + 1 != rows.len() {
            return Err(ContractError {
                location: row.portion.clone(),
                message: format!(
                    "installment {} is `rest` but is not the last; only the last installment may take the rest",
                    row.rule.number
                ).into(),
            });
        }
    }
    let has_rest = rows.iter().any(|row| row.rule.portion == Portion::Rest);
    if !has_rest {
        let total = rows
            .iter()
            .filter_map(|row| match row.rule.portion {
                Portion::Percent(fraction) => Some(fraction),
                _ => None,
            })
            .fold(Decimal::ZERO, Decimal::saturating_add);
        if total != Decimal::ONE {
            let location = rows
                .last()
                .map_or_else(|| Location::file(Arc::from("?")), |row| row.portion.clone());
            return Err(ContractError {
                location,
                message: format!(
                    "without a `rest` installment the percentages must add up to 100%, but they add up to {}",
                    crate::domain::money::format_rate(total)
                ).into(),
            });
        }
    }
    Ok(rows.into_iter().map(|row| row.rule).collect())
}
