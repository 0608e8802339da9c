//! One row per finding, resolved finding, installment, payout, allocation and rejected row.

use super::values::{baseline_date, count, optional_date, optional_money, optional_text, text};
use crate::domain::baseline::{BaselineFinding, Changes};
use crate::domain::finding::Finding;
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::money::format_money_grouped;
use crate::domain::payout::Payout;
use crate::report::i18n::formula_zh_of;
use crate::report::i18n::keys;
use crate::report::i18n::words;
use crate::report::tables::{self, Value};

/// `allocations`: each payout that went to the finding's installment.
fn allocations_text(finding: &Finding, lang: Lang) -> String {
    finding
        .evidence
        .allocations
        .iter()
        .map(|allocation| match lang {
            Lang::En => format!(
                "{} {} on {}{}",
                allocation.payout_id,
                format_money_grouped(allocation.amount),
                allocation.paid_on,
                if allocation.excess { " (excess)" } else { "" }
            ),
            Lang::Zh => format!(
                "{} {}，{} 付款{}",
                allocation.payout_id,
                format_money_grouped(allocation.amount),
                allocation.paid_on,
                if allocation.excess {
                    "（超额）"
                } else {
                    ""
                }
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `checks`: each field checked, what was expected and what was found.
fn checks_text(finding: &Finding, lang: Lang) -> String {
    finding
        .evidence
        .checks
        .iter()
        .map(|check| match lang {
            Lang::Zh => format!(
                "{}：应为 {}，实际 {}（{}）",
                words::check_field(&check.field, lang),
                words::check_expected(check, lang),
                words::check_found(check, lang).unwrap_or_else(|| "空白".to_string()),
                if check.ok {
                    "通过".to_string()
                } else {
                    format!(
                        "不符：{}",
                        keys::value_zh("reason", check.reason.word())
                            .unwrap_or_else(|| check.reason.word().to_string())
                    )
                }
            ),
            Lang::En => format!(
                "{}: expected {}, found {} ({})",
                check.field,
                check.expected,
                check.found.as_deref().unwrap_or("nothing"),
                if check.ok {
                    "ok".to_string()
                } else {
                    format!("fails: {}", check.reason)
                }
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `facts`: the finding's other facts as `name: value` pairs. In Chinese an invoice's
/// expected and found facts are left out: they repeat its failed check, which `checks`
/// says in Chinese (as the evidence file does).
fn facts_text(finding: &Finding, lang: Lang) -> String {
    let checked = !finding.evidence.checks.is_empty();
    finding
        .evidence
        .facts
        .iter()
        .filter(|(name, _)| {
            lang == Lang::En || !(checked && matches!(name.as_str(), "expected" | "found"))
        })
        .map(|(name, value)| match lang {
            Lang::En => format!("{name}: {value}"),
            Lang::Zh => format!("{}：{value}", words::fact_name(name, lang)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `source_rows`: the billing rows behind the computation, per table and product.
fn source_rows_text(finding: &Finding, lang: Lang) -> String {
    finding
        .evidence
        .source_rows()
        .iter()
        .map(|rows| match lang {
            Lang::Zh => format!(
                "{} {} × {}：{} 行（{}），基数 {}，加权 {}",
                rows.table,
                rows.product,
                rows.coefficient.normalize(),
                rows.rows,
                rows.row_ranges,
                format_money_grouped(rows.base),
                format_money_grouped(rows.weighted_base)
            ),
            Lang::En => format!(
                "{} {} × {}: {} {} ({}), base {}, weighted {}",
                rows.table,
                rows.product,
                rows.coefficient.normalize(),
                rows.rows,
                if rows.rows == 1 { "row" } else { "rows" },
                rows.row_ranges,
                format_money_grouped(rows.base),
                format_money_grouped(rows.weighted_base)
            ),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One finding: the columns of `findings.csv` (dates as dates; `change` with a baseline),
/// then the rest of its evidence.
pub(super) fn finding_row(finding: &Finding, changes: Option<&Changes>, lang: Lang) -> Vec<Value> {
    let mut cells = tables::row_with_change(finding, changes, lang);
    // The formula column: findings.csv keeps it English; the Chinese workbook says it in
    // Chinese.
    if lang == Lang::Zh
        && let Some(share) = finding.evidence.share()
        && let Some(at) = tables::COLUMNS.iter().position(|name| *name == "formula")
        && let Some(cell) = cells.get_mut(at)
    {
        *cell = Value::Text(formula_zh_of(share));
    }
    for joined in [
        allocations_text(finding, lang),
        checks_text(finding, lang),
        facts_text(finding, lang),
        source_rows_text(finding, lang),
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
