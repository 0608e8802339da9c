//! A finding's trail: its fields, each part of its evidence and the installments of its
//! period, rendered generically from the finding as findings.json writes it.

use super::node::Node;
use crate::domain::lang::Lang;
use crate::report::html_parts::escape;
use crate::report::i18n::Word;
use crate::report::i18n::keys::{TrailWord, key_zh, value_zh};
use crate::report::i18n::words::fact_name;
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
    let own: Vec<(String, Node)> = finding
        .fields()
        .unwrap_or(&[])
        .iter()
        .filter(|(key, _)| !ROW_KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    let _ = write!(out, "<h4>{}</h4>", TrailWord::Finding.of(lang));
    write_node(out, &Node::Map(own), lang);
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
                        .filter(|(key, _)| !PERIOD_KEYS.contains(&key.as_str()))
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

/// A value as block markup: an object as a two-column table (empty fields left out), a
/// list of objects as a table with a column per key, anything else as one line.
/// The JSON key beside its Chinese label, for machines and for a reader who looks it up
/// in findings.json (nothing in English, whose labels are the keys).
fn key_attribute(key: &str, lang: Lang) -> String {
    match lang {
        Lang::En => String::new(),
        Lang::Zh => format!(" data-key=\"{}\" title=\"{}\"", escape(key), escape(key)),
    }
}

pub(super) fn write_node(out: &mut String, node: &Node, lang: Lang) {
    match node {
        Node::Map(fields) if node.inline().is_none() => {
            out.push_str("<table class=\"fields\">");
            for (key, value) in fields.iter().filter(|(_, value)| !value.is_empty()) {
                let _ = write!(
                    out,
                    "<tr><th{}>{}</th>",
                    key_attribute(key, lang),
                    escape(&label(key, lang))
                );
                write_cell(out, key, value, lang);
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        Node::List(items) if items.iter().any(|item| item.inline().is_none()) => {
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
            let _ = write!(out, "<p>{}</p>", escape(&text));
        }
    }
}

/// A value as a table cell; a number aligns right, and only a word too long for a column
/// (a path, a long id) may break anywhere.
fn write_cell(out: &mut String, key: &str, value: &Node, lang: Lang) {
    match shown(value, key, lang) {
        Some((text, number)) => {
            let class = if number {
                " class=\"number\""
            } else if text
                .split_whitespace()
                .any(|word| word.chars().count() > 28)
            {
                " class=\"long\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&text));
        }
        None => {
            out.push_str("<td>");
            write_node(out, value, lang);
            out.push_str("</td>");
        }
    }
}

/// A value on one line as a reader sees it: in Chinese yes and no are 是 and 否 and a
/// code under a key that holds codes is its Chinese name with the code beside it.
fn shown(value: &Node, key: &str, lang: Lang) -> Option<(String, bool)> {
    match (lang, value) {
        (Lang::Zh, Node::Bool(yes)) => Some((
            if *yes { Word::Yes } else { Word::No }.of(lang).to_string(),
            false,
        )),
        (Lang::Zh, Node::Text(code)) => match value_zh(key, code) {
            Some(named) => Some((named, false)),
            None => value.inline(),
        },
        _ => value.inline(),
    }
}

/// Objects as a table: one column per key (in the order keys first appear, columns empty
/// in every row left out), one row per object; rows `marked` are highlighted.
fn write_grid(out: &mut String, rows: &[Node], marked: &[bool], lang: Lang) {
    let mut columns: Vec<&str> = Vec::new();
    for row in rows {
        for (key, value) in row.fields().unwrap_or(&[]) {
            if !value.is_empty() && !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    out.push_str("<table class=\"grid\"><tr>");
    for column in &columns {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            key_attribute(column, lang),
            escape(&label(column, lang))
        );
    }
    out.push_str("</tr>");
    for (index, row) in rows.iter().enumerate() {
        out.push_str(if marked.get(index).copied().unwrap_or(false) {
            "<tr class=\"this\">"
        } else {
            "<tr>"
        });
        for column in &columns {
            write_cell(out, column, row.get(column).unwrap_or(&Node::Null), lang);
        }
        out.push_str("</tr>");
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
            out.contains("<tr><th>a new field</th><td>&lt;b&gt;new&lt;/b&gt;</td></tr>"),
            "{out}"
        );
        assert!(out.contains("<td class=\"number\">1,234.50</td>"), "{out}");
        assert!(out.contains("<td>p.csv:3</td>"), "{out}");
        assert!(out.contains("<td class=\"number\">-5.00</td>"), "{out}");
        assert!(
            out.contains("<tr class=\"this\"><td class=\"number\">2</td><td>unpaid</td></tr>"),
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
            out.contains("<th data-key=\"expected\" title=\"expected\">应为</th>"),
            "{out}"
        );
        assert!(out.contains("<td>超额累进（marginal）</td>"), "{out}");
        assert!(
            out.contains("<td>否</td>") && out.contains("<td>是</td>"),
            "{out}"
        );
        assert!(
            out.contains("<td>发票号码（invoice_no）</td><td>缺少发票（missing）</td>"),
            "{out}"
        );
        assert!(out.contains("<td>少付（underpaid）</td>"), "{out}");
        assert!(
            out.contains("<h4 data-key=\"checks\" title=\"checks\">逐项核对</h4>"),
            "{out}"
        );
    }
}
