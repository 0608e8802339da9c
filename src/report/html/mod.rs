//! `report.html`: the whole audit as one self-contained page to read on screen or print on
//! A4 — a header (as-of, tool version, rulesets, input hashes), the totals, a per-contract
//! expected-against-paid chart (inline SVG), the findings table with filters and each
//! finding's trail, and the control totals.
//!
//! The page loads nothing. Its Content-Security-Policy allows inline styles and the one
//! inline script (by its SHA-256), nothing else; every value is escaped, in text and in
//! attributes. The script only hides rows and opens the trails for printing: without it the
//! page is complete. The bytes depend on the audit alone (no clock, no randomness).
//!
//! Trails are rendered from each finding as `findings.json` writes it, field by field in
//! the schema's order, so a field added to the JSON (a new part of the computation, a new
//! kind of evidence) appears in the page without a change here (`trail::LABELS` only
//! renames). The page takes the same serialisable records findings.json is written from
//! ([`super::json`]) and turns them into a tree of values directly, never reading the
//! JSON text back.

mod assets;
mod chart;
mod findings;
mod node;
mod serialize;
mod trail;

use super::html_parts::{BASE_CSS, escape, write_table};
use super::table;
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::domain::money::group_thousands;
use assets::{REPORT_CSS, SCRIPT, content_security_policy};
use std::fmt::Write;

/// The audit as `report.html`.
///
/// # Errors
/// When a finding's or installment's record cannot be turned into a tree of values (a
/// bug: they are the records findings.json is written from).
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> Result<String, String> {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{} {}\">\n<title>Rebate audit as of {}</title>\n<style>\n{BASE_CSS}{REPORT_CSS}</style>\n</head>\n<body>\n",
        escape(&content_security_policy()),
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        escape(&audit.as_of.to_string()),
    );
    write_header(&mut out, audit, lang);
    write_totals(&mut out, totals, lang);
    write_chart_section(&mut out, totals, lang);
    findings::write_findings(&mut out, audit, totals, lang)?;
    write_controls(&mut out, audit, lang);
    let _ = write!(
        out,
        "<footer><p class=\"meta\">Every finding is also in findings.json, findings.csv and findings.xlsx; per-contract evidence is in evidence/.</p></footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    Ok(out)
}

fn write_header(out: &mut String, audit: &Audit, lang: Lang) {
    let _ = writeln!(
        out,
        "<header>\n<h1>Rebate audit as of <time id=\"as-of\" datetime=\"{0}\">{0}</time></h1>",
        escape(&audit.as_of.to_string())
    );
    let rulesets: Vec<String> = audit
        .rulesets
        .iter()
        .map(|(name, origin, _)| format!("{name} ({origin})"))
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"meta\"><span id=\"tool\">{} {}</span> · findings schema {} · rulesets: {}</p>",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        escape(super::json::SCHEMA),
        escape(&rulesets.join(", "))
    );
    out.push_str("<nav><a href=\"#totals\">Totals</a><a href=\"#chart\">Expected and paid</a><a href=\"#findings\">Findings</a><a href=\"#controls\">Control totals</a></nav>\n<h3>Inputs</h3>\n");
    write_table(out, &table::inputs_table(audit, lang));
    out.push_str("</header>\n");
}

/// The totals: each currency's headline first — due by now, paid against it, short, late
/// interest (where a contract charges it), then apart what is not yet due, conditional on
/// a renewal, and paid beyond the installments — then the counts, and last what every
/// installment expects and was paid, due or not. Each figure is a `data-total` element
/// whose key is findings.json's (`by_currency.USD.due_by_now` with several currencies).
fn write_totals(out: &mut String, totals: &Totals, lang: Lang) {
    let severity = |word: &str| totals.by_severity.get(word).copied().unwrap_or(0);
    let money = |amount: &str| (amount.to_string(), group_thousands(amount));
    let count = |number: usize| (number.to_string(), number.to_string());
    let mut figures: Vec<(String, String, &str, (String, String))> = Vec::new();
    for (currency, headline) in totals.headlines() {
        let (key, unit) = currency.map_or((String::new(), String::new()), |currency| {
            (format!("by_currency.{currency}."), format!(" ({currency})"))
        });
        let mut figure = |name: &str, label: &str, amount: &str| {
            figures.push((
                format!("{key}{name}"),
                format!("{label}{unit}"),
                "",
                money(amount),
            ));
        };
        figure(
            "due_by_now",
            "Due by now (past the deadline)",
            &headline.due_by_now,
        );
        figure(
            "paid_against_due",
            "Paid against it",
            &headline.paid_against_due,
        );
        figure(
            "shortfall",
            "Short (unpaid, underpaid)",
            &headline.shortfall,
        );
        if headline.charges_interest {
            figure("interest", "Late interest", &headline.interest);
        }
        figure("not_yet_due", "Not yet due", &headline.not_yet_due);
        figure(
            "paid_not_yet_due",
            "Paid early against it",
            &headline.paid_not_yet_due,
        );
        figure(
            "conditional",
            "Due only after a renewal not yet made",
            &headline.conditional,
        );
        figure(
            "paid_conditional",
            "Paid against that",
            &headline.paid_conditional,
        );
        figure("excess", "Paid beyond the installments", &headline.excess);
    }
    let counts = [
        ("findings", "Findings", "", count(totals.findings)),
        (
            "by_severity.error",
            "Errors",
            " error",
            count(severity("error")),
        ),
        (
            "by_severity.warning",
            "Warnings",
            " warning",
            count(severity("warning")),
        ),
        ("by_severity.info", "Info", " info", count(severity("info"))),
        ("contracts", "Contracts", "", count(totals.contracts)),
        (
            "installments",
            "Installments",
            "",
            count(totals.installments),
        ),
        (
            "expected",
            "Expected, every installment (due or not)",
            "",
            money(&totals.expected),
        ),
        (
            "paid",
            "Paid, every installment (excess included)",
            "",
            money(&totals.paid),
        ),
    ];
    figures.extend(
        counts
            .into_iter()
            .map(|(key, label, class, value)| (key.to_string(), label.to_string(), class, value)),
    );
    out.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"figures\">\n");
    for (key, label, class, (value, shown)) in figures {
        let _ = writeln!(
            out,
            "<div class=\"figure{class}\"><span class=\"label\">{}</span><data id=\"total-{}\" data-total=\"{}\" value=\"{}\">{}</data></div>",
            escape(&label),
            escape(&key.replace('.', "-")),
            escape(&key),
            escape(&value),
            escape(&shown)
        );
    }
    out.push_str("</div>\n<h3>Findings by type</h3>\n");
    write_table(out, &table::types_table(totals, lang));
    out.push_str("</section>\n");
}

fn write_chart_section(out: &mut String, totals: &Totals, lang: Lang) {
    out.push_str(
        "<section id=\"chart\" class=\"page\">\n<h2>Expected and paid per contract</h2>\n",
    );
    if totals.per_contract.is_empty() {
        out.push_str("<p>No contracts.</p>\n");
    } else {
        chart::write_chart(out, totals);
    }
    out.push_str("<h3>Contracts</h3>\n");
    write_table(out, &table::contracts_table(totals, lang));
    out.push_str("</section>\n");
}

fn write_controls(out: &mut String, audit: &Audit, lang: Lang) {
    let _ = writeln!(
        out,
        "<section id=\"controls\" class=\"page\">\n<h2>Control totals</h2>\n<p>{}</p>",
        escape(table::controls_note(lang))
    );
    for table in table::control_tables(audit, lang) {
        write_table(out, &table);
    }
    out.push_str("</section>\n");
}
