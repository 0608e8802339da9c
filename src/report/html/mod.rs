//! `report.html`: the whole audit as one self-contained page to read on screen or print on
//! A4, what matters first — what is due by now, paid against it, short and the late
//! interest; the errors by amount; the counts; a per-contract chart of expected, due by
//! now, paid and short at one scale (inline SVG); the findings table, sortable and with
//! filters, each finding's trail below it; and last the control totals and the input
//! files with their hashes (docs/REPORTS.md).
//!
//! The page loads nothing. Its Content-Security-Policy allows inline styles and the one
//! inline script (by its SHA-256), nothing else; every value is escaped, in text and in
//! attributes. The script only hides and reorders rows and opens the trails for printing: without
//! it the page is complete, its findings in their default order. The bytes depend on the audit alone (no clock, no randomness).
//!
//! Trails are rendered from each finding as `findings.json` writes it, field by field in
//! the schema's order, so a field added to the JSON (a new part of the computation, a new
//! kind of evidence) appears in the page without a change here (`trail::LABELS` only
//! renames). The page takes the same serialisable records findings.json is written from
//! ([`super::json`]) and turns them into a tree of values directly, never reading the
//! JSON text back.

mod assets;
mod chart;
mod contracts;
mod findings;
mod index;
mod node;
mod period;
mod serialize;
mod sink;
mod trail;

use super::html_parts::{BASE_CSS, escape, write_table};
use super::i18n::{Labels, labels};
use super::table::{self, errors_table};
use super::totals::Headline;
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::domain::money::group_thousands;
use assets::{INDEX_CSS, REPORT_CSS, SCRIPT, TRAIL_SCRIPT, content_security_policy};
use index::Layout;
use sink::Sink;
use std::fmt::Write;
use trail::GRID_CSS;

/// How many errors the page lists by amount above the findings table (every error is in
/// the table).
const ERRORS_LISTED: usize = 40;

/// Contracts the chart of a large audit draws: those short the most (three A4 pages).
const CHART_LARGEST: usize = 48;

/// The audit as `report.html`, in memory: [`write`] into a buffer.
///
/// # Errors
/// As [`write`]'s, as text.
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> Result<String, String> {
    let mut bytes = Vec::with_capacity(64 * 1024);
    write(audit, totals, lang, &mut bytes).map_err(|error| error.to_string())?;
    String::from_utf8(bytes).map_err(|error| error.to_string())
}

/// The audit as `report.html`, written as it is rendered: what is due and paid, the
/// errors by amount, the counts, the chart, the findings, for a large audit the contract
/// index with the trails, and last the control totals and the inputs.
///
/// # Errors
/// When writing fails, or a finding's or installment's record cannot be turned into a
/// tree of values (a bug: they are the records findings.json is written from).
pub fn write(
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    writer: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let words = labels(lang);
    let layout = Layout::of(audit);
    let index = matches!(layout, Layout::Index(_));
    let mut sink = Sink {
        out: String::with_capacity(2 * Sink::SPILL),
        writer,
    };
    let out = &mut sink.out;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>\n<style>\n{BASE_CSS}{REPORT_CSS}{GRID_CSS}{}</style>\n</head>\n<body>\n",
        words.html_lang,
        escape(&content_security_policy(index)),
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        escape(&words.title(&audit.as_of.to_string())),
        if index { INDEX_CSS } else { "" },
    );
    write_header(out, audit, words, index, lang);
    write_headline(out, totals, words);
    write_errors(out, audit, totals, lang, words);
    write_counts(out, totals, words);
    write_chart_section(out, totals, words, index, lang);
    sink.spill()?;
    findings::write_findings(&mut sink, audit, totals, lang, words, &layout)?;
    if let Layout::Index(contracts) = &layout {
        contracts::write_index(&mut sink, audit, totals, lang, words, contracts)?;
    }
    super::projections::write_html(&mut sink.out, audit, lang);
    write_controls(&mut sink.out, audit, words);
    let _ = write!(
        sink.out,
        "<footer><p class=\"meta\">{}</p></footer>\n<script>{SCRIPT}</script>\n{}</body>\n</html>\n",
        escape(words.footer),
        if index {
            format!("<script>{TRAIL_SCRIPT}</script>\n")
        } else {
            String::new()
        }
    );
    sink.finish()
}

/// The title, what wrote the page, and the links to its sections; the input files and
/// their hashes are at the end ([`write_controls`]).
fn write_header(out: &mut String, audit: &Audit, words: &Labels, index: bool, lang: Lang) {
    let as_of = escape(&audit.as_of.to_string());
    let title = escape(&words.title("\u{0}"));
    let _ = writeln!(
        out,
        "<header>\n<h1>{}</h1>",
        title.replace(
            '\u{0}',
            &format!("<time id=\"as-of\" datetime=\"{as_of}\">{as_of}</time>")
        )
    );
    let rulesets: Vec<String> = audit
        .rulesets
        .iter()
        .map(|(name, origin, _)| match origin.strip_prefix("built-in ") {
            Some(file) if words.html_lang != "en" => format!("{name}（内置 {file}）"),
            _ => format!("{name} ({origin})"),
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"meta\"><span id=\"tool\">{} {}</span> · {} {} · {}: {}</p>",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        escape(words.schema),
        escape(super::json::SCHEMA),
        escape(words.rulesets),
        escape(&rulesets.join(", "))
    );
    out.push_str("<nav>");
    let contracts = super::i18n::index::index_words(lang).heading();
    let mut links = vec![
        ("headline", words.due_and_paid),
        ("errors", words.errors_by_amount),
        ("counts", words.counts),
        ("chart", words.chart_link),
        ("findings", words.findings),
        ("controls", words.controls_link),
    ];
    if index {
        links.insert(5, ("contracts", &contracts));
    }
    if !audit.projections.is_empty() {
        let heading = super::i18n::projections::projection_sentences(lang).heading();
        links.insert(links.len() - 1, ("projections", heading));
    }
    for (anchor, label) in links {
        let _ = write!(out, "<a href=\"#{anchor}\">{}</a>", escape(label));
    }
    out.push_str("</nav>\n</header>\n");
}

/// One figure: a label and a `data-total` element whose key is findings.json's.
fn write_figure(out: &mut String, key: &str, label: &str, class: &str, value: &str, shown: &str) {
    let _ = writeln!(
        out,
        "<div class=\"figure{class}\"><span class=\"label\">{}</span><data id=\"total-{}\" data-total=\"{}\" value=\"{}\">{}</data></div>",
        escape(label),
        escape(&key.replace('.', "-")),
        escape(key),
        escape(value),
        escape(shown)
    );
}

/// The headline, each currency's: due by now, paid against it, short, late interest
/// (where a contract charges it); then apart what is not yet due, conditional on a renewal,
/// and paid beyond the installments (docs/DECISIONS.md, "Honest headlines"). Each figure's
/// key is findings.json's (`by_currency.USD.due_by_now` with several currencies).
fn write_headline(out: &mut String, totals: &Totals, words: &Labels) {
    let _ = writeln!(
        out,
        "<section id=\"headline\">\n<h2>{}</h2>",
        escape(words.due_and_paid)
    );
    let headlines = totals.headlines();
    let figures = |currency: Option<&str>,
                   names: &[(&str, &str, &str)],
                   amounts: &dyn Fn(&str) -> String,
                   out: &mut String| {
        let (key, unit) = currency.map_or((String::new(), String::new()), |currency| {
            (format!("by_currency.{currency}."), format!(" ({currency})"))
        });
        for (name, label, class) in names {
            let amount = amounts(name);
            write_figure(
                out,
                &format!("{key}{name}"),
                &format!("{label}{unit}"),
                class,
                &amount,
                &group_thousands(&amount),
            );
        }
    };
    out.push_str("<div class=\"figures headline\">\n");
    for (currency, headline) in &headlines {
        let short = if nonzero(&headline.shortfall) {
            " short"
        } else {
            ""
        };
        let mut names = vec![
            ("due_by_now", words.figure_due_by_now, ""),
            ("paid_against_due", words.figure_paid_against_due, ""),
            ("shortfall", words.figure_shortfall, short),
        ];
        if headline.charges_interest {
            names.push(("interest", words.figure_interest, short));
        }
        figures(
            *currency,
            &names,
            &|name| amount_of(headline, name).to_string(),
            out,
        );
    }
    let _ = writeln!(
        out,
        "</div>\n<h3>{}</h3>\n<div class=\"figures\">",
        escape(words.apart)
    );
    for (currency, headline) in &headlines {
        let names = [
            ("not_yet_due", words.figure_not_yet_due, ""),
            ("paid_not_yet_due", words.figure_paid_not_yet_due, ""),
            ("conditional", words.figure_conditional, ""),
            ("paid_conditional", words.figure_paid_conditional, ""),
            ("excess", words.figure_excess, ""),
        ];
        figures(
            *currency,
            &names,
            &|name| amount_of(headline, name).to_string(),
            out,
        );
    }
    out.push_str("</div>\n</section>\n");
}

/// A headline's amount by its findings.json key.
fn amount_of<'a>(headline: &'a Headline, name: &str) -> &'a str {
    match name {
        "due_by_now" => &headline.due_by_now,
        "paid_against_due" => &headline.paid_against_due,
        "shortfall" => &headline.shortfall,
        "interest" => &headline.interest,
        "not_yet_due" => &headline.not_yet_due,
        "paid_not_yet_due" => &headline.paid_not_yet_due,
        "conditional" => &headline.conditional,
        "paid_conditional" => &headline.paid_conditional,
        _ => &headline.excess,
    }
}

/// Whether a two-decimal amount is not zero.
fn nonzero(amount: &str) -> bool {
    amount
        .parse::<rust_decimal::Decimal>()
        .is_ok_and(|amount| !amount.is_zero())
}

/// The errors, largest amount at stake first: contract, period, type, amount and the
/// finding's sentence.
fn write_errors(out: &mut String, audit: &Audit, totals: &Totals, lang: Lang, words: &Labels) {
    let _ = writeln!(
        out,
        "<section id=\"errors\">\n<h2>{}</h2>",
        escape(words.errors_by_amount)
    );
    let (table, more) = errors_table(audit, totals, lang, words, ERRORS_LISTED);
    if table.rows.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(words.no_errors));
    } else {
        write_table(out, &table);
        if more > 0 {
            let _ = writeln!(out, "<p>{}</p>", escape(&words.more_errors(more)));
        }
    }
    out.push_str("</section>\n");
}

/// The counts (findings, by severity, contracts, installments) and the totals over every
/// installment, then findings by type.
fn write_counts(out: &mut String, totals: &Totals, words: &Labels) {
    let severity = |word: &str| totals.by_severity.get(word).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "<section id=\"counts\">\n<h2>{}</h2>\n<div class=\"figures\">",
        escape(words.counts)
    );
    for (key, label, class, number) in [
        ("findings", words.count_findings, "", totals.findings),
        (
            "by_severity.error",
            words.count_errors,
            " error",
            severity("error"),
        ),
        (
            "by_severity.warning",
            words.count_warnings,
            " warning",
            severity("warning"),
        ),
        (
            "by_severity.info",
            words.count_info,
            " info",
            severity("info"),
        ),
        ("contracts", words.count_contracts, "", totals.contracts),
        (
            "installments",
            words.count_installments,
            "",
            totals.installments,
        ),
    ] {
        let number = number.to_string();
        write_figure(out, key, label, class, &number, &number);
    }
    for (key, label, amount) in [
        ("expected", words.figure_expected_all, &totals.expected),
        ("paid", words.figure_paid_all, &totals.paid),
    ] {
        write_figure(out, key, label, "", amount, &group_thousands(amount));
    }
    let _ = writeln!(out, "</div>\n<h3>{}</h3>", escape(words.findings_by_type));
    write_table(out, &table::types_table(totals, words));
    out.push_str("</section>\n");
}

/// The chart and the contracts table; for a large audit the chart of the contracts short
/// the most, the contracts being in the index.
fn write_chart_section(out: &mut String, totals: &Totals, words: &Labels, index: bool, lang: Lang) {
    let _ = writeln!(
        out,
        "<section id=\"chart\" class=\"page\">\n<h2>{}</h2>",
        escape(words.chart_heading)
    );
    if totals.per_contract.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", escape(words.no_contracts));
    } else if index {
        let mut short: Vec<&super::totals::ContractTotal> = totals.per_contract.iter().collect();
        short.sort_by_key(|total| {
            std::cmp::Reverse(
                total
                    .shortfall
                    .parse::<rust_decimal::Decimal>()
                    .unwrap_or_default(),
            )
        });
        let shown: Vec<super::totals::ContractTotal> =
            short.into_iter().take(CHART_LARGEST).cloned().collect();
        let _ = writeln!(
            out,
            "<p>{}</p>",
            escape(
                &super::i18n::index::index_words(lang)
                    .chart_of(shown.len(), totals.per_contract.len())
            )
        );
        chart::write_chart(out, &shown, words);
    } else {
        chart::write_chart(out, &totals.per_contract, words);
    }
    if !index {
        let _ = writeln!(out, "<h3>{}</h3>", escape(words.contracts));
        write_table(out, &table::contracts_table(totals, words));
    }
    out.push_str("</section>\n");
}

/// The control totals, then the input files with their SHA-256: what the audit rests on,
/// for whoever checks it, at the end.
fn write_controls(out: &mut String, audit: &Audit, words: &Labels) {
    let _ = writeln!(
        out,
        "<section id=\"controls\" class=\"page\">\n<h2>{}</h2>\n<p>{}</p>",
        escape(words.controls),
        escape(words.controls_note)
    );
    for table in table::control_tables(audit, words) {
        write_table(out, &table);
    }
    let _ = writeln!(out, "<h3 id=\"inputs\">{}</h3>", escape(words.inputs));
    write_table(out, &table::inputs_table(audit, words));
    out.push_str("</section>\n");
}
