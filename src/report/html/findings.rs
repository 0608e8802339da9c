//! The findings table of report.html: a filter bar, then one row per finding with its
//! trail below it, in the default order (severity, then amount at stake, largest first);
//! the page's script sorts by a column when its header is clicked.

use super::index::{ContractIndex, Layout};
use super::node::Node;
use super::serialize::{NodeError, to_node};
use super::sink::Sink;
use super::trail::write_trail;
use crate::domain::audit::Audit;
use crate::domain::computation::Computation;
use crate::domain::finding::{Finding, PeriodKey};
use crate::domain::lang::Lang;
use crate::domain::money::format_money_grouped;
use crate::report::html_parts::escape;
use crate::report::i18n::Labels;
use crate::report::i18n::index::index_words;
use crate::report::i18n::words::{self, check_found, finding_type_code};
use crate::report::json;
use crate::report::totals::Totals;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
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

/// The findings section: the filter bar and the table. Inline (a small audit), every
/// finding with its trail below it, its period's computation taken from the installments
/// ([`super::period`]); as an index (a large audit), the findings with the most at stake
/// without trails, each contract cell opening the contract's trail.
///
/// # Errors
/// When a record cannot be turned into a tree of values (a bug), or writing fails.
pub(super) fn write_findings(
    sink: &mut Sink<'_>,
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    words: &Labels,
    layout: &Layout,
) -> std::io::Result<()> {
    let ranked = totals.ranked(&audit.findings);
    let listed = match layout {
        Layout::Inline => ranked,
        Layout::Index(_) => largest(ranked, LARGEST_LISTED),
    };
    let intro = match layout {
        Layout::Inline => words.findings_intro.to_string(),
        Layout::Index(_) => index_words(lang).largest(listed.len(), audit.findings.len()),
    };
    let out = &mut sink.out;
    let _ = writeln!(
        out,
        "<section id=\"findings\" class=\"page\">\n<h2>{}</h2>\n<p>{}</p>",
        escape(words.findings),
        escape(&intro)
    );
    if audit.findings.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", escape(words.no_findings));
        return Ok(());
    }
    out.push_str("<div id=\"filters\" class=\"filters\" role=\"search\" hidden>\n");
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_contract: BTreeMap<&str, usize> = BTreeMap::new();
    for (finding, _) in &listed {
        *by_type.entry(finding.finding_type.word()).or_default() += 1;
        *by_contract
            .entry(finding.contract_id.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let types: Vec<(String, String, usize)> = by_type
        .into_iter()
        .map(|(name, count)| (name.into(), type_shown(name, lang), count))
        .collect();
    write_select(out, "type", words.col_type, words.all, &types);
    let severities: Vec<(String, String, usize)> = ["error", "warning", "info"]
        .iter()
        .map(|word| {
            let count = listed
                .iter()
                .filter(|(finding, _)| finding.severity.word() == *word)
                .count();
            ((*word).into(), words.severity(word), count)
        })
        .filter(|(_, _, count)| *count > 0)
        .collect();
    write_select(out, "severity", words.col_severity, words.all, &severities);
    let contracts: Vec<(String, String, usize)> = by_contract
        .into_iter()
        .map(|(id, count)| {
            let shown = if id.is_empty() { words.none_named } else { id };
            (id.into(), shown.into(), count)
        })
        .collect();
    write_select(out, "contract", words.col_contract, words.all, &contracts);
    let (before, after) = words.shown(listed.len());
    let _ = writeln!(
        out,
        "<span>{}<output id=\"shown\">{}</output>{}</span>\n</div>",
        escape(&before),
        listed.len(),
        escape(&after)
    );
    write_head(out, words);
    match layout {
        Layout::Inline => write_inline(sink, audit, &listed, lang, words)?,
        Layout::Index(index) => {
            for (finding, stake) in &listed {
                write_row(&mut sink.out, finding, *stake, Some(index), lang, words);
                sink.spill()?;
            }
        }
    }
    sink.out.push_str("</table>\n</section>\n");
    Ok(())
}

/// How many findings a large audit's table lists: those with the most at stake.
pub(super) const LARGEST_LISTED: usize = 500;

/// The `count` findings with the most at stake, in the order given (severity, then
/// stake).
fn largest<T: Copy>(ranked: Vec<(T, Decimal)>, count: usize) -> Vec<(T, Decimal)> {
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by(|a, b| ranked[*b].1.abs().cmp(&ranked[*a].1.abs()));
    order.truncate(count);
    order.sort_unstable();
    order.into_iter().map(|index| ranked[index]).collect()
}

/// Every finding with its trail: the finding's record as findings.json writes it, its
/// computation and billing rows those of its period.
fn write_inline(
    sink: &mut Sink<'_>,
    audit: &Audit,
    listed: &[(&Finding, Decimal)],
    lang: Lang,
    words: &Labels,
) -> std::io::Result<()> {
    let unreadable =
        |error: NodeError| std::io::Error::other(format!("a finding's trail: {error}"));
    for (finding, stake) in listed {
        let node = finding_node(finding, audit, lang, true).map_err(unreadable)?;
        let of_period = period_records(audit, finding).map_err(unreadable)?;
        write_row(&mut sink.out, finding, *stake, None, lang, words);
        sink.out.push_str("<tr class=\"trail\"><td colspan=\"8\">");
        write_trail(&mut sink.out, &node, &of_period, lang);
        sink.out.push_str("</td></tr>\n</tbody>\n");
        sink.spill()?;
    }
    Ok(())
}

/// The installment records of the period a finding's row names (its contract and period
/// start), as findings.json writes them; none for a finding on no period.
fn period_records(audit: &Audit, finding: &Finding) -> Result<Vec<Node>, NodeError> {
    let (Some(contract_id), Some(period_start)) = (&finding.contract_id, finding.period_start)
    else {
        return Ok(Vec::new());
    };
    let key = PeriodKey {
        contract_id: contract_id.clone(),
        period_start,
    };
    audit
        .installments_in(&key)
        .iter()
        .map(|record| to_node(&json::expected(record)))
        .collect()
}

/// A finding's record as its trail shows it: as findings.json writes it, its evidence's
/// computation and billing rows those of its installment's period (`with_period`), or
/// left out (the contract trail shows them once, above the period's findings).
///
/// # Errors
/// When a record cannot be turned into a tree of values (a bug).
pub(super) fn finding_node(
    finding: &Finding,
    audit: &Audit,
    lang: Lang,
    with_period: bool,
) -> Result<Node, NodeError> {
    let mut node = to_node(&json::finding(finding, audit.changes.as_ref(), lang))?;
    // The period's trail and the installment's record, as the audit resolves the
    // finding's reference; only for a finding on an installment (a statement's is about
    // the whole period, which its contract's trail shows).
    let record = audit
        .trail_of(finding)
        .zip(audit.installment_of(finding))
        .filter(|(_, record)| finding.installment == Some(record.installment));
    if let Some(Node::Map(evidence)) = field_mut(&mut node, "evidence") {
        evidence.retain(|(key, _)| key != "computation" && key != "source_rows");
        if with_period && let Some((trail, record)) = record {
            let at = evidence
                .iter()
                .position(|(key, _)| key == "location")
                .map_or(0, |at| at + 1);
            let rows: Vec<_> = trail.source_rows.iter().map(json::source_rows).collect();
            evidence.insert(at, ("source_rows".into(), to_node(&rows)?));
            evidence.insert(
                at,
                (
                    "computation".into(),
                    to_node(&json::computation(&record.computation()))?,
                ),
            );
        }
    }
    if lang == Lang::Zh {
        let computation = record.map(|(_, record)| record.computation());
        in_chinese(&mut node, finding, computation.as_deref());
    }
    Ok(node)
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
pub(super) fn type_shown(code: &str, lang: Lang) -> String {
    match lang {
        Lang::En => code.to_string(),
        Lang::Zh => format!("{}（{code}）", finding_type_code(code, lang)),
    }
}

/// The parts of a finding's record findings.json keeps in English, in Chinese for the
/// Chinese trail: each check's expected and found, the due-date rules; the one-line
/// formula is left out (each of its numbers is a field beside it).
fn in_chinese(node: &mut Node, finding: &Finding, computation: Option<&Computation>) {
    let Some(evidence) = field_mut(node, "evidence") else {
        return;
    };
    // An invoice's expected and found facts repeat its failed check, which the checks
    // below say in Chinese (as the evidence file does).
    if !finding.evidence.checks.is_empty()
        && let Some(Node::Map(facts)) = field_mut(evidence, "facts")
    {
        facts.retain(|(name, _)| !matches!(name.as_ref(), "expected" | "found"));
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
    let Some(computation) = computation else {
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
pub(super) fn field_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
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

/// A finding's row, its `<tbody>` left open for its trail when inline; in the index the
/// contract cell links to the contract's trail and the `<tbody>` is closed.
fn write_row(
    out: &mut String,
    finding: &Finding,
    stake: Decimal,
    index: Option<&ContractIndex>,
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
    let contract_cell = match index.and_then(|index| index.link(contract, lang)) {
        Some(link) => link,
        None => escape(contract),
    };
    let _ = writeln!(
        out,
        "<tbody class=\"finding\" id=\"{}\" data-type=\"{}\" data-severity=\"{severity}\" data-contract=\"{}\" data-amount=\"{}\" data-date=\"{}\">\n<tr><td><span class=\"badge {severity}\">{}</span></td><td class=\"word\">{}</td><td class=\"{}\">{contract_cell}</td><td>{}</td><td class=\"number\">{}</td><td class=\"{}\">{}</td><td class=\"number\">{}</td><td>{}</td></tr>",
        escape(&finding.id),
        escape(finding.finding_type.word()),
        escape(contract),
        stake.round_dp(2),
        escape(&date),
        escape(&words.severity(severity)),
        escape(&type_shown(finding.finding_type.word(), lang)),
        id_class(contract),
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
    if index.is_some() {
        out.push_str("</tbody>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::largest;
    use rust_decimal::Decimal;

    #[test]
    fn the_largest_are_chosen_by_amount_and_keep_the_order_given() {
        let ranked: Vec<(&str, Decimal)> = [
            ("error small", "10.00"),
            ("error large", "900.00"),
            ("warning negative", "-500.00"),
            ("warning tie", "900.00"),
            ("info", "0.00"),
        ]
        .iter()
        .map(|(name, amount)| (*name, amount.parse().unwrap()))
        .collect();
        let names = |count| -> Vec<&str> {
            largest(ranked.clone(), count)
                .into_iter()
                .map(|(name, _)| name)
                .collect()
        };
        assert_eq!(names(2), ["error large", "warning tie"]);
        assert_eq!(names(3), ["error large", "warning negative", "warning tie"]);
        assert_eq!(names(10).len(), 5);
    }
}
