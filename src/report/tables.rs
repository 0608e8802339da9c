//! Findings as CSV and XLSX for spreadsheet users. Text that a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@`, tab, carriage return at the start) is prefixed with `'`.

use crate::domain::finding::Finding;
use crate::domain::money::format_money;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The columns, in order.
pub const COLUMNS: [&str; 20] = [
    "id",
    "type",
    "severity",
    "contract_id",
    "period_start",
    "period_end",
    "installment",
    "payout_id",
    "reason",
    "expected",
    "paid",
    "difference",
    "due_on",
    "paid_on",
    "days_late",
    "interest",
    "amount",
    "detail",
    "location",
    "formula",
];

/// A cell of the findings table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text (neutralised on output).
    Text(String),
    /// Money.
    Money(Decimal),
    /// A whole number.
    Integer(i64),
}

impl Value {
    fn text(text: Option<&str>) -> Value {
        text.map_or(Value::Empty, |text| Value::Text(text.to_string()))
    }
}

/// Makes text safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or carriage
/// return would start a formula (CSV injection), so such text gets a leading `'`.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// One finding as a row of [`COLUMNS`].
pub fn row(finding: &Finding) -> Vec<Value> {
    let date = |day: Option<chrono::NaiveDate>| {
        day.map_or(Value::Empty, |day| Value::Text(day.to_string()))
    };
    let money = |amount: Option<Decimal>| amount.map_or(Value::Empty, Value::Money);
    vec![
        Value::Text(finding.id.clone()),
        Value::Text(finding.finding_type.word().into()),
        Value::Text(finding.severity.word().into()),
        Value::text(finding.contract_id.as_deref()),
        date(finding.period_start),
        date(finding.period_end),
        finding
            .installment
            .map_or(Value::Empty, |number| Value::Integer(i64::from(number))),
        Value::text(finding.payout_id.as_deref()),
        Value::text(finding.reason.as_deref()),
        money(finding.expected),
        money(finding.paid),
        money(finding.difference),
        date(finding.due_on),
        date(finding.paid_on),
        finding.days_late.map_or(Value::Empty, Value::Integer),
        money(finding.interest),
        money(finding.amount),
        Value::Text(finding.detail.clone()),
        finding
            .evidence
            .location
            .as_ref()
            .map_or(Value::Empty, |location| Value::Text(location.to_string())),
        finding
            .evidence
            .computation
            .as_ref()
            .map_or(Value::Empty, |computation| {
                Value::Text(crate::reconcile::explain(computation))
            }),
    ]
}

/// The findings as CSV (UTF-8 with a BOM so Excel reads Chinese text correctly).
///
/// # Errors
/// Only if writing to memory fails.
pub fn csv(findings: &[Finding]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer.write_record(COLUMNS)?;
    for finding in findings {
        let cells: Vec<String> = row(finding)
            .into_iter()
            .map(|value| match value {
                Value::Empty => String::new(),
                Value::Text(text) => neutralise(&text),
                Value::Money(amount) => format_money(amount),
                Value::Integer(number) => number.to_string(),
            })
            .collect();
        writer.write_record(&cells)?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// The findings as an XLSX workbook with a fixed creation time, so the same findings give
/// the same bytes.
///
/// # Errors
/// When the workbook cannot be assembled.
pub fn xlsx(findings: &[Finding]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("rebate-audit findings"),
    );
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = workbook.add_worksheet();
    sheet.set_name("findings")?;
    for (column, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &bold)?;
    }
    for (index, finding) in findings.iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, value) in self::row(finding).into_iter().enumerate() {
            let column = column as u16;
            match value {
                Value::Empty => {}
                // Strings are never evaluated by Excel, but a copy pasted elsewhere might be.
                Value::Text(text) => {
                    sheet.write_string(row, column, neutralise(&text))?;
                }
                Value::Money(amount) => {
                    sheet.write_number_with_format(
                        row,
                        column,
                        amount.to_f64().unwrap_or_default(),
                        &money,
                    )?;
                }
                #[allow(clippy::cast_precision_loss)]
                Value::Integer(number) => {
                    sheet.write_number(row, column, number as f64)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (column, width) in [
        (0u16, 26.0),
        (1, 16.0),
        (3, 16.0),
        (16, 90.0),
        (17, 40.0),
        (18, 90.0),
    ] {
        sheet.set_column_width(column, width)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starters_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("plain"), "plain");
    }
}
