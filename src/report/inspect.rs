//! `rebate-audit formats` and `rebate-audit inspect` as people and scripts read them: the
//! formats in force, and what the reader made of one export (text or JSON).

use crate::domain::inspect::{FileReport, FormatInfo};
use crate::domain::money::group_thousands;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// The billing formats in force, as `rebate-audit formats` prints them.
pub fn formats(formats: &[FormatInfo]) -> String {
    let mut out = String::new();
    for format in formats {
        let _ = writeln!(out, "{}  {}", format.name, format.label);
        let _ = writeln!(
            out,
            "    provider {}; from {}",
            format.provider, format.origin
        );
        let _ = writeln!(out, "    identified by the columns:");
        for columns in &format.signature_columns {
            let _ = writeln!(out, "      - {columns}");
        }
        if !format.excludes.is_empty() {
            let _ = writeln!(out, "    and by not having: {}", format.excludes.join(", "));
        }
        if let Some(currency) = &format.currency {
            let _ = writeln!(
                out,
                "    currency when the export has no currency column: {currency}"
            );
        }
    }
    out
}

/// The report as text for a person.
pub fn text(report: &FileReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (sha256 {}{})",
        report.file,
        report.sha256,
        report
            .encoding
            .map(|encoding| format!(", {encoding}"))
            .unwrap_or_default()
    );
    if report.tables.is_empty() {
        let _ = writeln!(out, "  no table: the file is empty");
    }
    for table in &report.tables {
        let _ = writeln!(out);
        match (&table.format, &table.label, table.header_row) {
            (Some(format), Some(label), Some(row)) => {
                let _ = writeln!(
                    out,
                    "{}: format `{format}` ({label}), header on row {row}",
                    table.table
                );
            }
            _ => {
                let _ = writeln!(out, "{}: no billing format recognised", table.table);
            }
        }
        if table.rows_above_header > 0 {
            let _ = writeln!(
                out,
                "  {} title or note row(s) above the header, not data",
                table.rows_above_header
            );
        }
        if !table.columns.is_empty() {
            let _ = writeln!(out, "  columns:");
            for column in &table.columns {
                let unit = column
                    .unit
                    .map_or_else(String::new, |unit| format!(" (amounts in {unit})"));
                let _ = writeln!(
                    out,
                    "    {:<14} <- {}{unit}",
                    column.field,
                    column.headers.join(" + ")
                );
            }
        }
        let _ = writeln!(
            out,
            "  {} line(s), net total {}; {} row(s) rejected",
            table.line_count,
            money(&table.net_total),
            table.rejected_count
        );
        if !table.lines.is_empty() {
            let _ = writeln!(out, "  first lines:");
            let _ = writeln!(
                out,
                "    {:>5}  {:<14} {:<7} {:<10} {:<12} {:<14} {:>14} {:>12} {:>12} {:>14} currency",
                "row",
                "account",
                "month",
                "date",
                "product",
                "order type",
                "list",
                "discount",
                "voucher",
                "net"
            );
            for line in &table.lines {
                let product = if line.product_known {
                    line.product.clone()
                } else {
                    format!("{}?", line.product)
                };
                let _ = writeln!(
                    out,
                    "    {:>5}  {:<14} {:<7} {:<10} {:<12} {:<14} {:>14} {:>12} {:>12} {:>14} {}",
                    line.row,
                    line.account_id,
                    line.billing_month,
                    line.date.as_deref().unwrap_or("-"),
                    product,
                    line.order_type.as_deref().unwrap_or("-"),
                    line.list_amount
                        .as_deref()
                        .map_or_else(|| "-".into(), money),
                    money(&line.discount),
                    money(&line.voucher),
                    money(&line.net_amount),
                    line.currency
                );
            }
            if table.lines.iter().any(|line| !line.product_known) {
                let _ = writeln!(
                    out,
                    "    (a product marked ? matched no alias of the format's ruleset)"
                );
            }
        }
        for totals in &table.totals_rows {
            let verdict = match &totals.stated {
                Some(stated)
                    if stated.parse::<Decimal>().ok()
                        == totals.rows_above.parse::<Decimal>().ok() =>
                {
                    "agrees with the lines above it".to_string()
                }
                Some(_) => format!(
                    "but the lines above it add up to {}",
                    money(&totals.rows_above)
                ),
                None => "with no readable amount".to_string(),
            };
            let _ = writeln!(
                out,
                "  totals row {}: {} {verdict}",
                totals.row,
                totals.stated.as_deref().map_or_else(|| "-".into(), money)
            );
        }
        if !table.rejected.is_empty() {
            let _ = writeln!(out, "  rejected rows:");
            for rejection in &table.rejected {
                let _ = writeln!(out, "    {}: {}", rejection.location, rejection.reason);
            }
        }
    }
    out
}

/// An amount for a person, as the other reports print money: thousands grouped and at
/// least two decimals (`1576000` → `1,576,000.00`), but never rounded, since `inspect`
/// shows what the reader took from the file (`0.125` stays `0.125`). Text that is not a
/// number is shown as it is.
fn money(text: &str) -> String {
    let Ok(amount) = text.trim().parse::<Decimal>() else {
        return text.to_string();
    };
    let mut amount = amount.normalize();
    if amount.scale() < 2 {
        amount.rescale(2);
    }
    if amount.is_zero() {
        // `-0.00` would confuse a reader.
        return "0.00".to_string();
    }
    group_thousands(&amount.to_string())
}

/// The report as pretty JSON, for scripts.
pub fn json(report: &FileReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_is_grouped_with_two_decimals_and_never_rounded() {
        for (read, shown) in [
            ("1576000", "1,576,000.00"),
            ("3469.1", "3,469.10"),
            ("-1234.5", "-1,234.50"),
            ("0.125", "0.125"),
            ("12.3400", "12.34"),
            ("-0", "0.00"),
            ("0", "0.00"),
            ("-", "-"),
        ] {
            assert_eq!(money(read), shown, "{read}");
        }
    }
}
