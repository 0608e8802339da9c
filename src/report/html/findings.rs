//! The findings table of report.html: a filter bar, then one row per finding with its
//! trail below it, in the default order (severity, then amount at stake, largest first);
//! the page's script sorts by a column when its header is clicked.

use super::node::Node;
use super::serialize::{NodeError, to_node};
use super::trail::{PeriodIndex, write_trail};
use crate::domain::audit::Audit;
use crate::domain::finding::Finding;
use crate::domain::lang::Lang;
use crate::domain::money::format_money_grouped;
use crate::report::html_parts::escape;
use crate::report::i18n::Labels;
use crate::report::i18n::words::{self, check_found, finding_type_code};
use crate::report::json;
use crate::report::totals::Totals;
use rust_decimal::Decimal;
use std::fmt::Write;

/// The filter bar's select for one attribute: "all", then each value with its count.
fn write_select(
    out: &mut String,
    name: &str,
    label: &str,
    all: &str,
    options: &[(String, String, usize)],
) {
    let _ = write!(
        out,
        "<label>{} <select name=\"{}\"><option value=\"\">{}</option>",
        escape(label),
        escape(name),
        escape(all)
    );
    for (value, shown, count) in options {
        let _ = write!(
            out,
            "<option value=\"{}\">{} ({count})</option>",
            escape(value),
            escape(shown)
        );
    }
    out.push_str("</select></label>\n");
}

/// The findings section: the filter bar and the table, each finding's trail built from
/// the records findings.json is written from ([`json::finding`], [`json::expected`]).
///
/// # Errors
/// When a record cannot be turned into a tree of values (a bug).
pub(super) fn write_findings(
    out: &mut String,
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    words: &Labels,
) -> Result<(), String> {
    let _ = writeln!(
        out,
        "<section id=\"findings\" class=\"page\">\n<h2>{}</h2>\n<p>{}</p>",
        escape(words.findings),
        escape(words.findings_intro)
    );
    if audit.findings.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", escape(words.no_findings));
        return Ok(());
    }
    out.push_str("<div id=\"filters\" class=\"filters\" role=\"search\" hidden>\n");
    let types: Vec<(String, String, usize)> = totals
        .by_type
        .iter()
        .map(|(name, total)| ((*name).into(), type_shown(name, lang), total.count))
        .collect();
    write_select(out, "type", words.col_type, words.all, &types);
    let severities: Vec<(String, String, usize)> = ["error", "warning", "info"]
        .iter()
        .map(|word| {
            let count = totals.by_severity.get(word).copied().unwrap_or(0);
            ((*word).into(), words.severity(word), count)
        })
        .filter(|(_, _, count)| *count > 0)
        .collect();
    write_select(out, "severity", words.col_severity, words.all, &severities);
    let mut contracts: std::collections::BTreeMap<&str, usize> = Default::default();
    for finding in &audit.findings {
        *contracts
            .entry(finding.contract_id.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let contracts: Vec<(String, String, usize)> = contracts
        .into_iter()
        .map(|(id, count)| {
            let shown = if id.is_empty() { words.none_named } else { id };
            (id.into(), shown.into(), count)
        })
        .collect();
    write_select(out, "contract", words.col_contract, words.all, &contracts);
    let (before, after) = words.shown(audit.findings.len());
    let _ = writeln!(
        out,
        "<span>{}<output id=\"shown\">{}</output>{}</span>\n</div>",
        escape(&before),
        audit.findings.len(),
        escape(&after)
    );
    write_head(out, words);
    let unreadable = |error: NodeError| format!("a finding's trail: {error}");
    let installments = audit
        .installments
        .iter()
        .map(|record| to_node(&json::expected(record)))
        .collect::<Result<Vec<Node>, _>>()
        .map_err(unreadable)?;
    let periods = PeriodIndex::new(&installments);
    for (finding, stake) in totals.ranked(&audit.findings) {
        let mut node = json::finding_with_trail(finding, audit.changes.as_ref(), lang, |record| {
            to_node(record)
        })
        .map_err(unreadable)?;
        if lang == Lang::Zh {
            in_chinese(&mut node, finding);
        }
        write_finding(out, finding, stake, &node, &periods, lang, words);
    }
    out.push_str("</table>\n</section>\n");
    Ok(())
}

/// The table's header row: the columns the script sorts by have a button (`data-sort`
/// names the key), the default order is marked on severity.
fn write_head(out: &mut String, words: &Labels) {
    out.push_str("<table class=\"findings\" id=\"findings-table\">\n<thead><tr>");
    for (label, key) in [
        (words.col_severity, "severity"),
        (words.col_type, "type"),
        (words.col_contract, "contract"),
        (words.col_period, "date"),
        (words.col_installment, ""),
        (words.col_payout, ""),
        (words.col_at_stake, "amount"),
        (words.col_detail, ""),
    ] {
        match key {
            "" => {
                let _ = write!(out, "<th>{}</th>", escape(label));
            }
            "severity" => {
                let _ = write!(
                    out,
                    "<th data-sort=\"severity\" aria-sort=\"descending\"><button type=\"button\" class=\"sort\">{}</button></th>",
                    escape(label)
                );
            }
            key => {
                let _ = write!(
                    out,
                    "<th data-sort=\"{key}\"><button type=\"button\" class=\"sort\">{}</button></th>",
                    escape(label)
                );
            }
        }
    }
    out.push_str("</tr></thead>\n");
}

/// A finding type as the table shows it: its code in English, its Chinese name with the
/// code beside it in Chinese (`未付（unpaid）`).
fn type_shown(code: &str, lang: Lang) -> String {
    match lang {
        Lang::En => code.to_string(),
        Lang::Zh => format!("{}（{code}）", finding_type_code(code, lang)),
    }
}

/// The parts of a finding's record findings.json keeps in English, in Chinese for the
/// Chinese trail: each check's expected and found, the due-date rules; the one-line
/// formula is left out (each of its numbers is a field beside it).
fn in_chinese(node: &mut Node, finding: &Finding) {
    let Some(evidence) = field_mut(node, "evidence") else {
        return;
    };
    // An invoice's expected and found facts repeat its failed check, which the checks
    // below say in Chinese (as the evidence file does).
    if !finding.evidence.checks.is_empty()
        && let Some(Node::Map(facts)) = field_mut(evidence, "facts")
    {
        facts.retain(|(name, _)| !matches!(name.as_str(), "expected" | "found"));
    }
    if let Some(Node::List(checks)) = field_mut(evidence, "checks") {
        for (record, check) in checks.iter_mut().zip(&finding.evidence.checks) {
            if let Some(expected) = field_mut(record, "expected") {
                *expected = Node::Text(words::check_expected(check, Lang::Zh));
            }
            if let Some(found) = field_mut(record, "found") {
                *found = check_found(check, Lang::Zh).map_or(Node::Null, Node::Text);
            }
        }
    }
    let Some(computation) = finding.evidence.computation() else {
        return;
    };
    let Some(record) = field_mut(evidence, "computation") else {
        return;
    };
    if let Node::Map(fields) = record {
        fields.retain(|(key, _)| key != "formula");
    }
    if let (Some(rule), Some(shown)) = (&computation.due_rule, field_mut(record, "due_rule")) {
        *shown = Node::Text(crate::report::i18n::due_rule(rule, Lang::Zh));
    }
    if let Some(Node::List(splits)) = field_mut(record, "installments") {
        for (shown, split) in splits.iter_mut().zip(&computation.installments) {
            if let Some(rule) = field_mut(shown, "due_rule") {
                *rule = Node::Text(crate::report::i18n::due_rule(&split.due_rule, Lang::Zh));
            }
        }
    }
}

/// A field of a record, to change.
fn field_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match node {
        Node::Map(fields) => fields
            .iter_mut()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value),
        _ => None,
    }
}

/// Ids do not wrap unless they are long (a long one breaks anywhere rather than widen the
/// table past the page).
fn id_class(id: &str) -> &'static str {
    if id.chars().count() <= 28 && !id.contains(char::is_whitespace) {
        "id word"
    } else {
        "id"
    }
}

fn write_finding(
    out: &mut String,
    finding: &Finding,
    stake: Decimal,
    node: &Node,
    periods: &PeriodIndex<'_>,
    lang: Lang,
    words: &Labels,
) {
    let severity = finding.severity.word();
    let contract = finding.contract_id.as_deref().unwrap_or("");
    let payout = finding.payout_id.as_deref().unwrap_or("");
    let period = match (finding.period_start, finding.period_end) {
        (Some(start), Some(end)) => crate::report::i18n::range(start, end, lang),
        _ => String::new(),
    };
    let date = finding
        .period_start
        .map_or(String::new(), |start| start.to_string());
    let _ = writeln!(
        out,
        "<tbody class=\"finding\" id=\"{}\" data-type=\"{}\" data-severity=\"{severity}\" data-contract=\"{}\" data-amount=\"{}\" data-date=\"{}\">\n<tr><td><span class=\"badge {severity}\">{}</span></td><td class=\"word\">{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"number\">{}</td><td class=\"{}\">{}</td><td class=\"number\">{}</td><td>{}</td></tr>",
        escape(&finding.id),
        escape(finding.finding_type.word()),
        escape(contract),
        stake.round_dp(2),
        escape(&date),
        escape(&words.severity(severity)),
        escape(&type_shown(finding.finding_type.word(), lang)),
        id_class(contract),
        escape(contract),
        escape(&period),
        finding
            .installment
            .map_or(String::new(), |number| number.to_string()),
        id_class(payout),
        escape(payout),
        if stake.is_zero() {
            String::new()
        } else {
            escape(&format_money_grouped(stake))
        },
        escape(&crate::report::i18n::detail(finding, lang))
    );
    out.push_str("<tr class=\"trail\"><td colspan=\"8\">");
    write_trail(out, node, periods, lang);
    out.push_str("</td></tr>\n</tbody>\n");
}
