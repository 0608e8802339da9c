//! A finding's trail: its fields, each part of its evidence and the installments of its
//! period, rendered generically from the finding as findings.json writes it.

use super::node::{FieldName, Node};
use crate::domain::lang::Lang;
use crate::report::html_parts::{escape, escape_to};
use crate::report::i18n::Word;
use crate::report::i18n::keys::{TrailWord, key_zh, value_zh};
use crate::report::i18n::words::fact_name;
use std::borrow::Cow;
use std::fmt::Write;

/// The installment-record fields that only say which period a record is of.
const PERIOD_KEYS: [&str; 3] = ["contract_id", "period_start", "period_end"];

/// The finding fields its row already shows, left out of its trail.
const ROW_KEYS: [&str; 9] = [
    "type",
    "severity",
    "contract_id",
    "period_start",
    "period_end",
    "installment",
    "payout_id",
    "detail",
    "evidence",
];

/// A finding's trail: its own fields, each part of its evidence in the JSON's order, and
/// the installments of its period (`of_period`, as the caller found them in the audit).
pub(super) fn write_trail(out: &mut String, finding: &Node, of_period: &[Node], lang: Lang) {
    let evidence = finding
        .get("evidence")
        .and_then(Node::fields)
        .unwrap_or(&[]);
    let mut parts: Vec<String> = evidence
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| match value {
            Node::List(items) => format!("{} ({})", label(key, lang), items.len()),
            _ => label(key, lang),
        })
        .collect();
    let in_period = TrailWord::InstallmentsOfPeriod.of(lang);
    if !of_period.is_empty() {
        parts.push(format!("{in_period} ({})", of_period.len()));
    }
    let _ = write!(
        out,
        "<details><summary>{}{}{}</summary><div class=\"trail\">",
        TrailWord::Trail.of(lang),
        match (parts.is_empty(), lang) {
            (true, _) => "",
            (false, Lang::En) => ": ",
            (false, Lang::Zh) => "：",
        },
        escape(&parts.join(" · "))
    );
    let _ = write!(out, "<h4>{}</h4>", TrailWord::Finding.of(lang));
    write_fields(
        out,
        finding
            .fields()
            .unwrap_or(&[])
            .iter()
            .filter(|(key, _)| !ROW_KEYS.contains(&key.as_ref())),
        lang,
    );
    for (key, value) in evidence {
        if !value.is_empty() {
            let _ = write!(
                out,
                "<h4{}>{}</h4>",
                key_attribute(key, lang),
                escape(&label(key, lang))
            );
            write_node(out, value, lang);
        }
    }
    if !of_period.is_empty() {
        let _ = write!(out, "<h4>{in_period}</h4>");
        let this = finding.get("installment");
        let records: Vec<Node> = of_period
            .iter()
            .map(|record| {
                Node::Map(
                    record
                        .fields()
                        .unwrap_or(&[])
                        .iter()
                        .filter(|(key, _)| !PERIOD_KEYS.contains(&key.as_ref()))
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        let marked: Vec<bool> = of_period
            .iter()
            .map(|record| this.is_some() && record.get("installment") == this)
            .collect();
        write_grid(out, &records, &marked, lang);
    }
    out.push_str("</div></details>");
}

/// Names for JSON keys where the key alone reads badly; any other key is shown with its
/// underscores as spaces. Add a line here to rename a new field.
const LABELS: &[(&str, &str)] = &[
    ("location", "where in the input"),
    ("source_rows", "weighted base per product (billing rows)"),
    ("allocations", "payouts allocated"),
    ("facts", "facts checked"),
    ("earned_through", "earned after"),
    ("scope_start", "tier scope from"),
    ("scope_end", "tier scope to"),
    ("scope_weighted_base", "tier scope weighted base"),
    ("bracket_rate", "bracket rate"),
    ("due_rule", "due rule"),
    ("row_ranges", "row numbers"),
];

/// A key as a reader sees it: in Chinese its Chinese name (a key not named yet as it
/// is), in English by [`LABELS`].
pub(super) fn label(key: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return key_zh(key).map_or_else(|| fact_name(key, lang).to_string(), str::to_string);
    }
    LABELS
        .iter()
        .find(|(name, _)| *name == key)
        .map_or_else(|| key.replace('_', " "), |(_, shown)| (*shown).to_string())
}

/// A key's label written escaped onto `out`, without a label's own allocation in English.
fn write_label(out: &mut String, key: &str, lang: Lang) {
    if lang == Lang::Zh {
        escape_to(out, &label(key, lang));
    } else if let Some((_, shown)) = LABELS.iter().find(|(name, _)| *name == key) {
        escape_to(out, shown);
    } else if key.contains('_') {
        escape_to(out, &key.replace('_', " "));
    } else {
        escape_to(out, key);
    }
}

/// The JSON key beside its Chinese label, for machines and for a reader who looks it up
/// in findings.json (nothing in English, whose labels are the keys).
fn key_attribute(key: &str, lang: Lang) -> String {
    let mut attribute = String::new();
    write_key_attribute(&mut attribute, key, lang);
    attribute
}

/// [`key_attribute`] written onto `out`.
fn write_key_attribute(out: &mut String, key: &str, lang: Lang) {
    if lang == Lang::Zh {
        out.push_str(" data-key=\"");
        escape_to(out, key);
        out.push_str("\" title=\"");
        escape_to(out, key);
        out.push('"');
    }
}

/// Grids up to this many columns say which columns hold numbers in their table's class
/// (`n1` … `n16`, right-aligned by [`GRID_CSS`]); a number in a wider grid, or in a column
/// that also holds text, says so in its own cell.
const CLASSED_COLUMNS: usize = 16;

/// Right-aligns, unbroken, the cells of a grid's number columns (as `td.number` does a
/// cell), so a trail need not repeat `class="number"` in every cell.
pub(super) const GRID_CSS: &str = "table.n1>tbody>tr>td:nth-child(1),table.n2>tbody>tr>td:nth-child(2),table.n3>tbody>tr>td:nth-child(3),table.n4>tbody>tr>td:nth-child(4),table.n5>tbody>tr>td:nth-child(5),table.n6>tbody>tr>td:nth-child(6),table.n7>tbody>tr>td:nth-child(7),table.n8>tbody>tr>td:nth-child(8),table.n9>tbody>tr>td:nth-child(9),table.n10>tbody>tr>td:nth-child(10),table.n11>tbody>tr>td:nth-child(11),table.n12>tbody>tr>td:nth-child(12),table.n13>tbody>tr>td:nth-child(13),table.n14>tbody>tr>td:nth-child(14),table.n15>tbody>tr>td:nth-child(15),table.n16>tbody>tr>td:nth-child(16){text-align:right;white-space:nowrap}\n";

/// A value as block markup: an object as a two-column table (empty fields left out), a
/// list of objects as a table with a column per key, anything else as one line.
///
/// Tables leave out the end tags HTML lets them (`</tr>`, `</th>`, `</td>`: the browser
/// closes each cell at the next and each row at the next row or the table's end), and
/// attribute values without spaces go unquoted: the page shows exactly what it did, from
/// a third less markup to carry and deflate (docs/REPORTS.md).
pub(super) fn write_node(out: &mut String, node: &Node, lang: Lang) {
    match node {
        Node::Map(fields) if !node.is_inline() => write_fields(out, fields.iter(), lang),
        Node::List(items) if !items.iter().all(Node::is_inline) => {
            if items.iter().all(|item| matches!(item, Node::Map(_))) {
                write_grid(out, items, &[], lang);
            } else {
                for item in items {
                    write_node(out, item, lang);
                }
            }
        }
        _ => {
            let (text, _) = shown(node, "", lang).unwrap_or_default();
            out.push_str("<p>");
            escape_to(out, &text);
            out.push_str("</p>");
        }
    }
}

/// Fields as a two-column table, empty ones left out. A number here needs no class: a
/// field table aligns its numbers left like its text (the styles' `table.fields` rule),
/// and a number has no place to break.
fn write_fields<'a>(
    out: &mut String,
    fields: impl Iterator<Item = &'a (FieldName, Node)>,
    lang: Lang,
) {
    out.push_str("<table class=fields>");
    for (key, value) in fields.filter(|(_, value)| !value.is_empty()) {
        out.push_str("<tr><th");
        write_key_attribute(out, key, lang);
        out.push('>');
        write_label(out, key, lang);
        write_cell(out, shown(value, key, lang), value, false, lang);
    }
    out.push_str("</table>");
}

/// A value as a table cell (`line`: its text on one line and whether it is a number, or
/// `None` for a value that needs a table); a number says so when `number_class` (its
/// column does not), and only a word too long for a column (a path, a long id) may break
/// anywhere.
fn write_cell(
    out: &mut String,
    line: Option<Line<'_>>,
    value: &Node,
    number_class: bool,
    lang: Lang,
) {
    match line {
        Some((text, number)) => {
            out.push_str(if number {
                if number_class {
                    "<td class=number>"
                } else {
                    "<td>"
                }
            } else if text.len() > 28
                && text
                    .split_whitespace()
                    .any(|word| word.chars().count() > 28)
            {
                "<td class=long>"
            } else {
                "<td>"
            });
            escape_to(out, &text);
        }
        None => {
            out.push_str("<td>");
            write_node(out, value, lang);
        }
    }
}

/// A value's text on one line and whether it is a number.
type Line<'a> = (Cow<'a, str>, bool);

/// A value on one line as a reader sees it: in Chinese yes and no are 是 and 否 and a
/// code under a key that holds codes is its Chinese name with the code beside it.
fn shown<'a>(value: &'a Node, key: &str, lang: Lang) -> Option<Line<'a>> {
    match (lang, value) {
        (Lang::Zh, Node::Bool(yes)) => Some((
            Cow::Borrowed(if *yes { Word::Yes } else { Word::No }.of(lang)),
            false,
        )),
        (Lang::Zh, Node::Text(code)) => match value_zh(key, code) {
            Some(named) => Some((Cow::Owned(named), false)),
            None => value.line(),
        },
        _ => value.line(),
    }
}

/// Objects as a table: one column per key (in the order keys first appear, columns empty
/// in every row left out), one row per object; rows `marked` are highlighted. A column of
/// numbers (empty cells aside) is named in the table's class instead of in each cell.
fn write_grid(out: &mut String, rows: &[Node], marked: &[bool], lang: Lang) {
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        for (key, value) in row.fields().unwrap_or(&[]) {
            if !value.is_empty() && !columns.contains(&key.as_ref()) {
                columns.push(key);
            }
        }
    }
    let mut cells: Vec<(Option<Line<'_>>, &Node)> = Vec::with_capacity(rows.len() * columns.len());
    for row in rows {
        for column in &columns {
            let value = row.get(column).unwrap_or(&Node::Null);
            cells.push((shown(value, column, lang), value));
        }
    }
    let numeric: Vec<bool> = (0..columns.len())
        .map(|at| {
            at < CLASSED_COLUMNS
                && cells
                    .iter()
                    .skip(at)
                    .step_by(columns.len().max(1))
                    .all(|(line, _)| {
                        line.as_ref()
                            .is_some_and(|(text, number)| *number || text.is_empty())
                    })
        })
        .collect();
    if numeric.contains(&true) {
        out.push_str("<table class=\"grid");
        for (at, _) in numeric.iter().enumerate().filter(|(_, number)| **number) {
            let _ = write!(out, " n{}", at + 1);
        }
        out.push_str("\">");
    } else {
        out.push_str("<table class=grid>");
    }
    out.push_str("<tr>");
    for column in &columns {
        out.push_str("<th");
        write_key_attribute(out, column, lang);
        out.push('>');
        write_label(out, column, lang);
    }
    let mut cells = cells.into_iter();
    for index in 0..rows.len() {
        out.push_str(if marked.get(index).copied().unwrap_or(false) {
            "<tr class=this>"
        } else {
            "<tr>"
        });
        for number in &numeric {
            if let Some((line, value)) = cells.next() {
                write_cell(out, line, value, !number, lang);
            }
        }
    }
    out.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trail_shows_every_field_the_json_has_even_new_ones() {
        let finding = Node::parse(
            r#"{"id": "unpaid-1", "contract_id": "C1", "period_start": "2025-01-01", "installment": 2,
                "detail": "skipped", "expected": "1234.50",
                "evidence": {"location": null,
                  "computation": {"formula": "W × r", "a_new_field": "<b>new</b>", "cap": null},
                  "allocations": [{"payout_id": "P1", "amount": "-5.00",
                                   "source": {"file": "p.csv", "sheet": null, "row": 3, "column": null}}],
                  "facts": {}}}"#,
        );
        let installments = [
            Node::parse(
                r#"{"contract_id": "C1", "period_start": "2025-01-01", "installment": 1, "status": "paid"}"#,
            ),
            Node::parse(
                r#"{"contract_id": "C1", "period_start": "2025-01-01", "installment": 2, "status": "unpaid"}"#,
            ),
        ];
        let mut out = String::new();
        write_trail(&mut out, &finding, &installments, Lang::En);
        assert!(out.starts_with("<details><summary>Trail: computation · payouts allocated (1) · installments of the period (2)</summary>"), "{out}");
        assert!(
            out.contains("<tr><th>a new field<td>&lt;b&gt;new&lt;/b&gt;</table>"),
            "{out}"
        );
        // A field table aligns numbers like text: no class needed.
        assert!(
            out.contains("<tr><th>expected<td>1,234.50</table>"),
            "{out}"
        );
        // A grid names its number columns once, in its class.
        assert!(
            out.contains("<table class=\"grid n2\"><tr><th>payout id<th>amount<th>source<tr><td>P1<td>-5.00<td>p.csv:3</table>"),
            "{out}"
        );
        assert!(
            out.contains("<table class=\"grid n1\"><tr><th>installment<th>status<tr><td>1<td>paid<tr class=this><td>2<td>unpaid</table>"),
            "{out}"
        );
        assert!(
            !out.contains("skipped") && !out.contains(">cap<") && !out.contains("facts"),
            "{out}"
        );
    }

    #[test]
    fn a_chinese_trail_names_keys_in_chinese_and_keeps_them_in_the_markup() {
        let finding = Node::parse(
            r#"{"id": "underpaid-1", "contract_id": "C1", "period_start": "2025-01-01", "installment": 1,
                "expected": "1234.50",
                "evidence": {"computation": {"tier_mode": "marginal", "cap_applied": false},
                  "checks": [{"field": "invoice_no", "reason": "missing", "ok": true}]}}"#,
        );
        let installments = [Node::parse(
            r#"{"contract_id": "C1", "period_start": "2025-01-01", "installment": 1, "status": "underpaid"}"#,
        )];
        let mut out = String::new();
        write_trail(&mut out, &finding, &installments, Lang::Zh);
        assert!(
            out.starts_with(
                "<details><summary>追溯：计算过程 · 逐项核对 (1) · 本期各期次 (1)</summary>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<th data-key=\"expected\" title=\"expected\">应为<td>"),
            "{out}"
        );
        assert!(out.contains("<td>超额累进（marginal）<tr>"), "{out}");
        assert!(
            out.contains("<td>否</table>") && out.contains("<td>是</table>"),
            "{out}"
        );
        assert!(
            out.contains("<td>发票号码（invoice_no）<td>缺少发票（missing）<td>"),
            "{out}"
        );
        assert!(out.contains("<td>少付（underpaid）</table>"), "{out}");
        assert!(
            out.contains("<h4 data-key=\"checks\" title=\"checks\">逐项核对</h4>"),
            "{out}"
        );
    }

    /// A column of numbers (empty cells aside) is named once in the grid's class; a number
    /// in a column that also holds text, or in a grid too wide for the styles, keeps its
    /// own class; a long word may still break; every end tag HTML implies is left out.
    #[test]
    fn a_grid_names_its_number_columns_once() {
        let rows = [
            Node::parse(
                r#"{"amount": "1234.50", "note": "x", "mixed": "2.00", "rows": 3, "path": "/a/very/long/path/to/a/billing/file.csv"}"#,
            ),
            Node::parse(r#"{"amount": null, "note": "y", "mixed": "n/a", "rows": 4}"#),
        ];
        let mut out = String::new();
        write_grid(&mut out, &rows, &[false, true], Lang::En);
        assert_eq!(
            out,
            "<table class=\"grid n1 n4\"><tr><th>amount<th>note<th>mixed<th>rows<th>path\
             <tr><td>1,234.50<td>x<td class=number>2.00<td>3<td class=long>/a/very/long/path/to/a/billing/file.csv\
             <tr class=this><td><td>y<td>n/a<td>4<td></table>"
        );
        assert!(!out.contains("</td>") && !out.contains("</tr>") && !out.contains("</th>"));

        let wide = Node::Map(
            (0..=CLASSED_COLUMNS)
                .map(|at| (format!("c{at}").into(), Node::Number(at.to_string())))
                .collect(),
        );
        let mut out = String::new();
        write_grid(&mut out, std::slice::from_ref(&wide), &[], Lang::En);
        assert!(out.starts_with("<table class=\"grid n1 n2 "), "{out}");
        assert!(out.contains(" n16\">") && !out.contains(" n17"), "{out}");
        assert!(out.ends_with("<td>15<td class=number>16</table>"), "{out}");
        // Every column class the markup can name is styled.
        for at in 1..=CLASSED_COLUMNS {
            assert!(GRID_CSS.contains(&format!("table.n{at}>tbody>tr>td:nth-child({at})")));
        }
        assert!(GRID_CSS.ends_with("{text-align:right;white-space:nowrap}\n"));
    }
}
