//! The `Controls` sheet: billing and ledger tables in one table, a column pair per
//! exclusion reason.

use super::values::{count, optional_money, optional_text, text};
use crate::domain::controls::{Exclusion, LedgerTable, TableControl};
use crate::domain::lang::Lang;
use crate::domain::money::format_money_grouped;
use crate::report::json::{billing_balanced, payout_balanced};
use crate::report::tables::Value;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// The exclusion reasons the controls table has columns for: every reason there is,
/// and any a table carries beyond them.
pub(super) fn exclusion_words(controls: &[TableControl]) -> Vec<&'static str> {
    let mut words: BTreeSet<&'static str> = [Exclusion::Uncovered, Exclusion::CurrencyMismatch]
        .into_iter()
        .map(Exclusion::word)
        .collect();
    for control in controls {
        words.extend(control.excluded.keys().map(|reason| reason.word()));
    }
    words.into_iter().collect()
}

/// The columns of `Controls`: one table for billing and ledger tables alike.
pub(super) fn control_columns(exclusions: &[&'static str]) -> Vec<(String, f64)> {
    let mut columns: Vec<(String, f64)> = [
        ("role", 9.0),
        ("file", 45.0),
        ("sheet", 16.0),
        ("format", 11.0),
        ("rows_read", 11.0),
        ("amount_read", 16.0),
        ("rows_attributed_or_used", 12.0),
        ("amount_attributed_or_used", 16.0),
    ]
    .into_iter()
    .map(|(name, width)| (name.to_string(), width))
    .collect();
    for word in exclusions {
        columns.push((format!("rows_excluded_{word}"), 12.0));
        columns.push((format!("amount_excluded_{word}"), 16.0));
    }
    for (name, width) in [
        ("rows_rejected", 11.0),
        ("amount_rejected", 16.0),
        ("blank_rows", 10.0),
        ("rows_above_header", 10.0),
        ("totals_rows", 10.0),
        ("totals_rows_agree", 10.0),
        ("totals_check", 50.0),
        ("balanced", 10.0),
    ] {
        columns.push((name.to_string(), width));
    }
    columns
}

pub(super) fn billing_control_row(
    control: &TableControl,
    exclusions: &[&'static str],
    lang: Lang,
) -> Vec<Value> {
    let mut cells = vec![
        text("billing"),
        text(&*control.table.file),
        optional_text(control.table.sheet.as_deref()),
        optional_text(control.layout.as_deref()),
        count(control.read.rows),
        Value::Money(control.read.amount),
        count(control.attributed.rows),
        Value::Money(control.attributed.amount),
    ];
    for word in exclusions {
        let tally = control
            .excluded
            .iter()
            .find(|(reason, _)| reason.word() == *word)
            .map(|(_, tally)| tally);
        cells.push(count(tally.map_or(0, |tally| tally.rows)));
        cells.push(Value::Money(
            tally.map_or(Decimal::ZERO, |tally| tally.amount),
        ));
    }
    let checks: Vec<String> = control
        .totals_rows
        .iter()
        .map(|totals| {
            let above = format_money_grouped(totals.above.amount);
            if lang == Lang::Zh {
                return match totals.stated {
                    Some(stated) if stated == totals.above.amount => {
                        format!("第 {} 行：合计 {above}，与上方各行之和相符", totals.row)
                    }
                    Some(stated) => format!(
                        "第 {} 行：合计 {}，上方各行之和为 {above}",
                        totals.row,
                        format_money_grouped(stated)
                    ),
                    None => format!(
                        "第 {} 行：合计金额无法读取，上方各行之和为 {above}",
                        totals.row
                    ),
                };
            }
            match totals.stated {
                Some(stated) if stated == totals.above.amount => {
                    format!(
                        "row {}: states {above}, rows above add up to it",
                        totals.row
                    )
                }
                Some(stated) => format!(
                    "row {}: states {}, rows above add up to {above}",
                    totals.row,
                    format_money_grouped(stated)
                ),
                None => format!(
                    "row {}: amount unreadable, rows above add up to {above}",
                    totals.row
                ),
            }
        })
        .collect();
    cells.extend([
        count(control.rejected.rows),
        Value::Money(control.rejected.amount),
        count(control.blank_rows),
        count(control.rows_above_header),
        count(control.totals_rows.len()),
        if control.totals_rows.is_empty() {
            Value::Empty
        } else {
            Value::Flag(
                control
                    .totals_rows
                    .iter()
                    .all(|totals| totals.stated == Some(totals.above.amount)),
            )
        },
        if checks.is_empty() {
            Value::Empty
        } else {
            text(checks.join("; "))
        },
        Value::Flag(billing_balanced(control)),
    ]);
    cells
}

pub(super) fn payout_control_row(control: &LedgerTable, exclusions: &[&'static str]) -> Vec<Value> {
    let mut cells = vec![
        text("payouts"),
        text(&*control.table.file),
        optional_text(control.table.sheet.as_deref()),
        Value::Empty,
        count(control.rows),
        Value::Money(control.amount),
        count(control.used),
        Value::Money(control.used_amount),
    ];
    cells.extend(exclusions.iter().flat_map(|_| [Value::Empty, Value::Empty]));
    cells.extend([
        count(control.rejected),
        // What could be read of the rejected rows' amounts.
        optional_money(control.amount.checked_sub(control.used_amount)),
        count(control.blank),
        Value::Empty,
        Value::Empty,
        Value::Empty,
        Value::Empty,
        Value::Flag(payout_balanced(control)),
    ]);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controls_table_has_a_column_pair_per_exclusion_reason() {
        let words = exclusion_words(&[]);
        assert_eq!(words, vec!["currency_mismatch", "uncovered"]);
        let columns = control_columns(&words);
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"rows_excluded_uncovered"));
        assert!(names.contains(&"amount_excluded_currency_mismatch"));
        assert_eq!(names.last(), Some(&"balanced"));
    }
}
