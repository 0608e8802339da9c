//! One row per finding, resolved finding, installment, payout, allocation and rejected row.

use super::values::{baseline_date, count, optional_date, optional_money, optional_text, text};
use crate::domain::baseline::{BaselineFinding, Changes};
use crate::domain::finding::Finding;
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::money::format_money_grouped;
use crate::domain::payout::Payout;
use crate::report::tables::{self, Value};

/// `allocations`: each payout that went to the finding's installment.
fn allocations_text(finding: &Finding) -> String {
    finding
        .evidence
        .allocations
        .iter()
        .map(|allocation| {
            format!(
                "{} {} on {}{}",
                allocation.payout_id,
                format_money_grouped(allocation.amount),
                allocation.paid_on,
                if allocation.excess { " (excess)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `checks`: each field checked, what was expected and what was found.
fn checks_text(finding: &Finding) -> String {
    finding
        .evidence
        .checks
        .iter()
        .map(|check| {
            format!(
                "{}: expected {}, found {} ({})",
                check.field,
                check.expected,
                check.found.as_deref().unwrap_or("nothing"),
                if check.ok {
                    "ok".to_string()
                } else {
                    format!("fails: {}", check.reason)
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `facts`: the finding's other facts as `name: value` pairs.
fn facts_text(finding: &Finding) -> String {
    finding
        .evidence
        .facts
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `source_rows`: the billing rows behind the computation, per table and product.
fn source_rows_text(finding: &Finding) -> String {
    finding
        .evidence
        .source_rows
        .iter()
        .map(|rows| {
            format!(
                "{} {} × {}: {} {} ({}), base {}, weighted {}",
                rows.table,
                rows.product,
                rows.coefficient.normalize(),
                rows.rows,
                if rows.rows == 1 { "row" } else { "rows" },
                rows.row_ranges,
                format_money_grouped(rows.base),
                format_money_grouped(rows.weighted_base)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One finding: the columns of `findings.csv` (dates as dates; `change` with a baseline),
/// then the rest of its evidence.
pub(super) fn finding_row(finding: &Finding, changes: Option<&Changes>, lang: Lang) -> Vec<Value> {
    let mut cells = tables::row_with_change(finding, changes, lang);
    for joined in [
        allocations_text(finding),
        checks_text(finding),
        facts_text(finding),
        source_rows_text(finding),
    ] {
        cells.push(if joined.is_empty() {
            Value::Empty
        } else {
            Value::Text(joined)
        });
    }
    cells
}

/// A resolved finding, as the baseline states it.
pub(super) fn resolved_row(finding: &BaselineFinding) -> Vec<Value> {
    vec![
        text(finding.id.as_str()),
        text(finding.finding_type.as_str()),
        optional_text(finding.severity.as_deref()),
        optional_text(finding.contract_id.as_deref()),
        baseline_date(finding.period_start.as_deref()),
        baseline_date(finding.period_end.as_deref()),
        finding.installment.map_or(Value::Empty, count),
        optional_text(finding.payout_id.as_deref()),
        optional_text(finding.reason.as_deref()),
        text(finding.detail.as_str()),
    ]
}

pub(super) fn installment_row(record: &InstallmentRecord) -> Vec<Value> {
    vec![
        text(record.contract_id.as_str()),
        Value::Date(record.period_start),
        Value::Date(record.period_end),
        count(record.installment),
        text(record.trigger.word()),
        Value::Money(record.weighted_base),
        Value::Money(record.expected),
        optional_date(record.due_on),
        Value::Money(record.paid),
        text(record.status.word()),
    ]
}

pub(super) fn payout_row(payout: &Payout) -> Vec<Value> {
    let invoice = &payout.invoice;
    vec![
        text(payout.id.as_str()),
        text(payout.contract_id.as_str()),
        Value::Date(payout.paid_on),
        Value::Money(payout.amount),
        optional_text(payout.currency.as_deref()),
        optional_text(payout.kind.map(|kind| kind.word())),
        payout
            .period
            .map_or(Value::Empty, |period| text(period.to_string())),
        payout.installment.map_or(Value::Empty, count),
        optional_text(invoice.number.as_deref()),
        optional_date(invoice.date),
        optional_money(invoice.amount),
        invoice.tax_rate.map_or(Value::Empty, Value::Rate),
        optional_text(invoice.kind.map(|kind| kind.word())),
        optional_text(invoice.issuer.as_deref()),
        text(payout.source.to_string()),
    ]
}

pub(super) fn allocation_rows(
    records: &[InstallmentRecord],
) -> impl Iterator<Item = Vec<Value>> + '_ {
    records.iter().flat_map(|record| {
        record.allocations.iter().map(move |allocation| {
            vec![
                text(allocation.payout_id.as_str()),
                Value::Date(allocation.paid_on),
                text(record.contract_id.as_str()),
                Value::Date(record.period_start),
                Value::Date(record.period_end),
                count(record.installment),
                Value::Money(allocation.amount),
                Value::Flag(allocation.excess),
                text(allocation.source.to_string()),
            ]
        })
    })
}

pub(super) fn rejected_row(finding: &Finding, lang: Lang) -> Vec<Value> {
    let location: Option<&Location> = finding.evidence.location.as_ref();
    vec![
        text(finding.id.as_str()),
        location.map_or(Value::Empty, |location| text(&*location.file)),
        optional_text(location.and_then(|location| location.sheet.as_deref())),
        location
            .and_then(|location| location.row)
            .map_or(Value::Empty, count),
        optional_text(location.and_then(|location| location.column.as_deref())),
        optional_text(finding.reason.map(|reason| reason.word())),
        optional_money(finding.amount),
        text(crate::report::i18n::detail(finding, lang)),
    ]
}
