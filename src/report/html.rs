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
//! kind of evidence) appears in the page without a change here; [`LABELS`] only renames.
//!
//! [`escape`], [`write_table`] and [`BASE_CSS`] are shared with `summary.html`.

use super::summary::{self, Table};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::finding::Finding;
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped, group_thousands};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::str::FromStr;

/// Escapes text for HTML element content and attribute values (always double-quoted).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The table styles both HTML reports use.
pub(super) const BASE_CSS: &str = "body{font-family:system-ui,sans-serif;margin:2em;max-width:80em}\ntable{border-collapse:collapse;margin:1em 0}\nth,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\nth{background:#f3f3f3}\ntd.number{text-align:right;white-space:nowrap}\ntd.word{white-space:nowrap}\n";

/// Numbers align right; short single words (ids, dates, types) do not wrap.
fn cell_class(text: &str) -> &'static str {
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|character| character.is_ascii_digit() || matches!(character, ',' | '.' | '-'))
        && text.chars().any(|character| character.is_ascii_digit());
    if numeric {
        " class=\"number\""
    } else if text.chars().count() <= 28 && !text.contains(' ') {
        " class=\"word\""
    } else {
        ""
    }
}

/// Writes a table of text: a header row, then one row per line, every cell escaped.
pub(super) fn write_table(out: &mut String, table: &Table) {
    out.push_str("<table>\n<tr>");
    for name in &table.header {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td{}>{}</td>", cell_class(cell), escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

// ---------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------

/// Styles of report.html, after [`BASE_CSS`]: screen first, then A4 print.
const REPORT_CSS: &str = r#":root{color-scheme:light}
body{color:#1b1b1b;line-height:1.4}
h1{margin-bottom:.2em}
h2{margin-top:1.6em;border-bottom:2px solid #1b1b1b;padding-bottom:.15em}
h4{margin:.7em 0 .2em;font-size:1em}
.meta{color:#555;margin-top:0}
nav a{margin-right:1em}
header td{overflow-wrap:anywhere}
header td:last-child,td.id,div.trail td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
header td:last-child{word-break:break-all}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(11em,1fr));gap:.6em;margin:1em 0}
.figure{border:1px solid #ccc;border-radius:4px;padding:.5em .7em}
.figure .label{display:block;color:#555;font-size:.85em}
.figure data{display:block;font-size:1.35em;font-weight:600;font-variant-numeric:tabular-nums}
.figure.error data{color:#b3261e}
.figure.warning data{color:#8a5300}
.figure.info data{color:#1f5fa8}
svg.chart{display:block;width:100%;max-width:60em;height:auto;margin:1em 0}
svg.chart text{font:11px system-ui,sans-serif;fill:#1b1b1b}
.filters{display:flex;flex-wrap:wrap;gap:1em;align-items:center;margin:1em 0;padding:.5em .7em;background:#f6f6f6;border:1px solid #ddd}
[hidden]{display:none!important}
table.findings{width:100%}
table.findings thead th{position:sticky;top:0}
tbody.finding>tr:first-child>td{border-top:2px solid #999}
tr.trail>td{border-top:none;padding-top:0}
td.id{overflow-wrap:anywhere}
td.id.word{white-space:nowrap}
#chart td.word{white-space:normal}
#controls td{overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45em;border-radius:3px;color:#fff;font-size:.85em;font-weight:600}
.badge.error{background:#b3261e}
.badge.warning{background:#8a5300}
.badge.info{background:#1f5fa8}
details>summary{cursor:pointer;color:#1f5fa8}
div.trail{padding:.2em 0 .5em 1em;border-left:3px solid #ddd}
div.trail table{margin:.3em 0;width:auto}
div.trail th{white-space:nowrap}
div.trail td.long{overflow-wrap:anywhere}
div.trail table.fields>tbody>tr>td.number{text-align:left}
tr.this>td{background:#fff3c4}
@page{size:A4;margin:14mm 12mm}
@media print{
body{margin:0;max-width:none;font-size:8.5pt}
nav,.filters,details>summary{display:none!important}
section.page{break-before:page}
h2,h3,h4{break-after:avoid}
table{width:100%}
div.trail table{width:auto}
thead{display:table-header-group}
tr,.figure,svg.chart{break-inside:avoid}
tbody.finding[hidden]{display:table-row-group!important}
details::details-content{content-visibility:visible;display:block}
table.findings thead th{position:static}
.badge,.figure data,tr.this>td,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// The page's one script: shows the filter bar, hides the rows a filter leaves out, reads
/// and writes the filters in the address (`#severity=error&contract=C1`), opens every trail
/// before printing, and marks the page `data-ready` when it has run. It reads no data but
/// the rows' `data-*` attributes and never writes markup.
const SCRIPT: &str = r#"(function () {
  var doc = document, bar = doc.getElementById('filters'), opened = [];
  if (bar) {
    var selects = bar.querySelectorAll('select'), rows = doc.querySelectorAll('tbody.finding');
    var shown = doc.getElementById('shown'), wanted = Object.create(null);
    var apply = function () {
      var count = 0, address = [];
      selects.forEach(function (select) {
        if (select.selectedIndex > 0) address.push(select.name + '=' + encodeURIComponent(select.value));
      });
      rows.forEach(function (row) {
        var keep = true;
        selects.forEach(function (select) {
          if (select.selectedIndex > 0 && row.getAttribute('data-' + select.name) !== select.value) keep = false;
        });
        row.hidden = !keep;
        if (keep) count++;
      });
      shown.textContent = count;
      return address.join('&');
    };
    location.hash.slice(1).split('&').forEach(function (pair) {
      var at = pair.indexOf('=');
      try { if (at > 0) wanted[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (error) {}
    });
    selects.forEach(function (select) {
      for (var index = 1; index < select.options.length; index++) {
        if (select.name in wanted && select.options[index].value === wanted[select.name]) select.selectedIndex = index;
      }
      select.addEventListener('change', function () {
        var address = apply();
        try { history.replaceState(null, '', address ? '#' + address : location.pathname); } catch (error) {}
      });
    });
    apply();
    bar.hidden = false;
  }
  addEventListener('beforeprint', function () {
    doc.querySelectorAll('details:not([open])').forEach(function (details) { details.open = true; opened.push(details); });
  });
  addEventListener('afterprint', function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  doc.body.setAttribute('data-ready', 'filters');
})();
"#;

/// Standard base64 (RFC 4648, padded), for the script's hash in the CSP.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |word, (index, byte)| {
            word | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= chunk.len() {
                text.push(char::from(
                    ALPHABET[(word >> (18 - 6 * index)) as usize & 63],
                ));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// The page's Content-Security-Policy: nothing may load; inline styles and the one script
/// (by hash) may run.
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{}'; base-uri 'none'; form-action 'none'",
        base64(&Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// What the trails are rendered from: the findings and installments as findings.json
/// writes them.
#[derive(serde::Deserialize)]
struct Json {
    expected: Vec<Node>,
    findings: Vec<Node>,
}

/// The audit as `report.html`.
///
/// # Errors
/// When the audit's findings.json cannot be read back or lists other findings than the
/// audit (a bug: both come from the same audit).
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> Result<String, String> {
    render_with(
        audit,
        totals,
        &super::json::render(audit, totals, lang),
        lang,
    )
}

/// [`render`] from the audit's findings.json text, already rendered.
///
/// # Errors
/// As [`render`].
pub fn render_with(
    audit: &Audit,
    totals: &Totals,
    findings_json: &str,
    lang: Lang,
) -> Result<String, String> {
    let json: Json = serde_json::from_str(findings_json)
        .map_err(|error| format!("findings.json could not be read back: {error}"))?;
    if json.findings.len() != audit.findings.len()
        || json
            .findings
            .iter()
            .zip(&audit.findings)
            .any(|(node, finding)| node.text_of("id") != Some(finding.id.as_str()))
    {
        return Err("findings.json and the audit list different findings".into());
    }
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{} {}\">\n<title>Rebate audit as of {}</title>\n<style>\n{BASE_CSS}{REPORT_CSS}</style>\n</head>\n<body>\n",
        escape(&content_security_policy()),
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        escape(&audit.as_of.to_string()),
    );
    write_header(&mut out, audit);
    write_totals(&mut out, totals);
    write_chart_section(&mut out, totals);
    write_findings(&mut out, audit, totals, &json, lang);
    write_controls(&mut out, audit);
    let _ = write!(
        out,
        "<footer><p class=\"meta\">Every finding is also in findings.json, findings.csv and findings.xlsx; per-contract evidence is in evidence/.</p></footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    Ok(out)
}

fn write_header(out: &mut String, audit: &Audit) {
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
    write_table(out, &summary::inputs_table(audit));
    out.push_str("</header>\n");
}

fn write_totals(out: &mut String, totals: &Totals) {
    let severity = |word: &str| totals.by_severity.get(word).copied().unwrap_or(0);
    let money = |amount: &str| (amount.to_string(), group_thousands(amount));
    let count = |number: usize| (number.to_string(), number.to_string());
    let figures = [
        ("expected", "Expected", "", money(&totals.expected)),
        ("paid", "Paid", "", money(&totals.paid)),
        (
            "shortfall",
            "Short (unpaid, underpaid)",
            "",
            money(&totals.shortfall),
        ),
        ("interest", "Late interest", "", money(&totals.interest)),
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
    ];
    out.push_str("<section id=\"totals\">\n<h2>Totals</h2>\n<div class=\"figures\">\n");
    for (key, label, class, (value, shown)) in figures {
        let _ = writeln!(
            out,
            "<div class=\"figure{class}\"><span class=\"label\">{}</span><data id=\"total-{}\" data-total=\"{}\" value=\"{}\">{}</data></div>",
            escape(label),
            escape(&key.replace('.', "-")),
            escape(key),
            escape(&value),
            escape(&shown)
        );
    }
    out.push_str("</div>\n<h3>Findings by type</h3>\n");
    write_table(out, &summary::types_table(totals));
    out.push_str("</section>\n");
}

fn write_chart_section(out: &mut String, totals: &Totals) {
    out.push_str(
        "<section id=\"chart\" class=\"page\">\n<h2>Expected and paid per contract</h2>\n",
    );
    if totals.per_contract.is_empty() {
        out.push_str("<p>No contracts.</p>\n");
    } else {
        write_chart(out, totals);
    }
    out.push_str("<h3>Contracts</h3>\n");
    write_table(out, &summary::contracts_table(totals));
    out.push_str("</section>\n");
}

fn write_controls(out: &mut String, audit: &Audit) {
    let _ = writeln!(
        out,
        "<section id=\"controls\" class=\"page\">\n<h2>Control totals</h2>\n<p>{}</p>",
        escape(summary::CONTROLS_NOTE)
    );
    for table in summary::control_tables(audit) {
        write_table(out, &table);
    }
    out.push_str("</section>\n");
}

// ---------------------------------------------------------------------------------------
// Chart
// ---------------------------------------------------------------------------------------

/// Contracts per SVG: one chart of this many fits an A4 page.
const CHART_ROWS: usize = 24;
/// Geometry of a chart, in SVG units.
const WIDTH: u32 = 760;
const PLOT_LEFT: f64 = 190.0;
const PLOT_RIGHT: f64 = 640.0;
const TOP: u32 = 30;
const ROW: u32 = 36;
const BAR: u32 = 13;
const EXPECTED_COLOUR: &str = "#9db4d3";
const PAID_COLOUR: &str = "#2e6b3a";
const SHORT_COLOUR: &str = "#b3261e";
const DUE_COLOUR: &str = "#1b1b1b";

/// A money string as a number; what is not a number counts as zero.
fn amount(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

/// The axis: a round step (1, 2 or 5 × a power of ten, at least 0.01) giving about five
/// intervals, and the domain widened to whole steps around `low..=high`.
fn axis(low: Decimal, high: Decimal) -> (Decimal, Decimal, Decimal) {
    let range = high.checked_sub(low).unwrap_or(Decimal::MAX);
    if range.is_zero() {
        return (low, low.saturating_add(Decimal::ONE), Decimal::ONE);
    }
    let target = range.checked_div(Decimal::from(5)).unwrap_or(range);
    let mut magnitude = Decimal::new(1, 2);
    let step = 'search: loop {
        for multiple in [1, 2, 5] {
            let step = magnitude.saturating_mul(Decimal::from(multiple));
            if step >= target {
                break 'search step;
            }
        }
        match magnitude.checked_mul(Decimal::TEN) {
            Some(next) => magnitude = next,
            None => break range,
        }
    };
    let whole_steps = |value: Decimal, round: fn(&Decimal) -> Decimal| {
        value
            .checked_div(step)
            .map_or(value, |steps| round(&steps).saturating_mul(step))
    };
    let start = whole_steps(low, Decimal::floor);
    let end = whole_steps(high, Decimal::ceil);
    (start, end, step)
}

/// Where an amount falls on the x axis of `start..end`, to a tenth of a unit.
fn x_of(value: Decimal, start: Decimal, end: Decimal) -> f64 {
    let share = value
        .checked_sub(start)
        .zip(end.checked_sub(start))
        .and_then(|(offset, range)| offset.checked_div(range))
        .and_then(|share| share.to_f64())
        .unwrap_or(0.0)
        .clamp(0.0, 1.0);
    ((PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT)) * 10.0).round() / 10.0
}

/// An axis label: whole numbers when the step is whole, else cents.
fn tick_label(value: Decimal, step: Decimal) -> String {
    if step.fract().is_zero() {
        group_thousands(&value.trunc().to_string())
    } else {
        format_money_grouped(value)
    }
}

/// At most 28 characters of a contract id, ellipsis if cut (the whole id is in the title).
fn short_label(text: &str) -> String {
    if text.chars().count() <= 28 {
        text.to_string()
    } else {
        text.chars().take(27).chain(['…']).collect()
    }
}

/// Horizontal bars, expected above paid, one pair per contract, with a mark where the
/// expected amount due by now ends; every chart shares one scale so bars compare across
/// pages. Coordinates are rounded to a tenth of a unit.
fn write_chart(out: &mut String, totals: &Totals) {
    let amounts: Vec<[Decimal; 4]> = totals
        .per_contract
        .iter()
        .map(|total| {
            [
                amount(&total.expected),
                amount(&total.due),
                amount(&total.paid),
                amount(&total.shortfall),
            ]
        })
        .collect();
    let shown = || {
        amounts
            .iter()
            .flat_map(|[expected, due, paid, _]| [*expected, *due, *paid])
    };
    let low = shown().fold(Decimal::ZERO, Decimal::min);
    let high = shown().fold(Decimal::ZERO, Decimal::max);
    let (start, end, step) = axis(low, high);
    let zero = x_of(Decimal::ZERO, start, end);
    let count = totals.per_contract.len();
    for (chunk, contracts) in totals.per_contract.chunks(CHART_ROWS).enumerate() {
        let first = chunk * CHART_ROWS;
        let bottom = TOP + ROW * contracts.len() as u32;
        let height = bottom + 24;
        let _ = writeln!(
            out,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"Expected and paid per contract, contracts {} to {} of {count}\">",
            first + 1,
            first + contracts.len()
        );
        let legend = PLOT_LEFT;
        let _ = writeln!(
            out,
            "<g class=\"legend\"><rect x=\"{legend}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{EXPECTED_COLOUR}\"/><text x=\"{}\" y=\"16\">expected</text><rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{PAID_COLOUR}\"/><text x=\"{}\" y=\"16\">paid</text><rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{SHORT_COLOUR}\"/><text x=\"{}\" y=\"16\">paid, contract short</text><line x1=\"{}\" y1=\"4\" x2=\"{}\" y2=\"20\" stroke=\"{DUE_COLOUR}\" stroke-width=\"2\"/><text x=\"{}\" y=\"16\">due by now</text></g>",
            legend + 16.0,
            legend + 80.0,
            legend + 96.0,
            legend + 140.0,
            legend + 156.0,
            legend + 286.0,
            legend + 286.0,
            legend + 292.0
        );
        out.push_str("<g class=\"axis\">");
        let mut tick = start;
        while tick <= end {
            let x = x_of(tick, start, end);
            let colour = if tick.is_zero() { "#555" } else { "#ddd" };
            let _ = write!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{colour}\" stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                TOP - 4,
                bottom + 15,
                escape(&tick_label(tick, step))
            );
            match tick.checked_add(step) {
                Some(next) => tick = next,
                None => break,
            }
        }
        out.push_str("</g>\n");
        for (index, (total, [expected, due, paid, shortfall])) in contracts
            .iter()
            .zip(&amounts[first..first + contracts.len()])
            .enumerate()
        {
            let top = TOP + ROW * index as u32 + 4;
            let short = *shortfall > Decimal::ZERO;
            let _ = write!(
                out,
                "<g class=\"contract\"><title>{}: expected {}, due by now {}, paid {}, short {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                escape(&total.contract_id),
                escape(&group_thousands(&total.expected)),
                escape(&group_thousands(&total.due)),
                escape(&group_thousands(&total.paid)),
                escape(&group_thousands(&total.shortfall)),
                PLOT_LEFT - 8.0,
                top + BAR + 5,
                escape(&short_label(&total.contract_id))
            );
            for (offset, value, colour, text) in [
                (0, *expected, EXPECTED_COLOUR, &total.expected),
                (
                    BAR + 2,
                    *paid,
                    if short { SHORT_COLOUR } else { PAID_COLOUR },
                    &total.paid,
                ),
            ] {
                let x = x_of(value, start, end);
                let (left, right) = if x < zero { (x, zero) } else { (zero, x) };
                let y = top + offset;
                let _ = write!(
                    out,
                    "<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                    right - left,
                    right + 4.0,
                    y + BAR - 3,
                    escape(&group_thousands(text))
                );
            }
            if due != expected {
                let x = x_of(*due, start, end);
                let _ = write!(
                    out,
                    "<line class=\"due\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{DUE_COLOUR}\" stroke-width=\"2\"/>",
                    top - 2,
                    top + BAR + 1
                );
            }
            out.push_str("</g>\n");
        }
        out.push_str("</svg>\n");
    }
}

// ---------------------------------------------------------------------------------------
// Findings and trails
// ---------------------------------------------------------------------------------------

/// The filter bar's select for one attribute: "all", then each value with its count.
fn write_select(out: &mut String, name: &str, label: &str, options: &[(String, String, usize)]) {
    let _ = write!(
        out,
        "<label>{} <select name=\"{}\"><option>all</option>",
        escape(label),
        escape(name)
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

fn write_findings(out: &mut String, audit: &Audit, totals: &Totals, json: &Json, lang: Lang) {
    let _ = writeln!(
        out,
        "<section id=\"findings\" class=\"page\">\n<h2>Findings</h2>\n<p>Every finding, in report order. Open a finding's trail to see what it rests on: the computation, the billing rows behind the weighted base, the installments, the payouts allocated and the facts checked. Printed, every trail is open.</p>"
    );
    if audit.findings.is_empty() {
        out.push_str("<p>No findings.</p>\n</section>\n");
        return;
    }
    out.push_str("<div id=\"filters\" class=\"filters\" role=\"search\" hidden>\n");
    let types: Vec<(String, String, usize)> = totals
        .by_type
        .iter()
        .map(|(name, total)| ((*name).into(), (*name).into(), total.count))
        .collect();
    write_select(out, "type", "Type", &types);
    let severities: Vec<(String, String, usize)> = ["error", "warning", "info"]
        .iter()
        .map(|word| {
            let count = totals.by_severity.get(word).copied().unwrap_or(0);
            ((*word).into(), (*word).into(), count)
        })
        .filter(|(_, _, count)| *count > 0)
        .collect();
    write_select(out, "severity", "Severity", &severities);
    let mut contracts: std::collections::BTreeMap<&str, usize> = Default::default();
    for finding in &audit.findings {
        *contracts
            .entry(finding.contract_id.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let contracts: Vec<(String, String, usize)> = contracts
        .into_iter()
        .map(|(id, count)| {
            let shown = if id.is_empty() { "(none)" } else { id };
            (id.into(), shown.into(), count)
        })
        .collect();
    write_select(out, "contract", "Contract", &contracts);
    let _ = writeln!(
        out,
        "<span><output id=\"shown\">{0}</output> of {0} shown</span>\n</div>",
        audit.findings.len()
    );
    out.push_str("<table class=\"findings\" id=\"findings-table\">\n<thead><tr><th>severity</th><th>type</th><th>contract</th><th>period</th><th>inst.</th><th>payout</th><th>at stake</th><th>detail</th></tr></thead>\n");
    let periods = PeriodIndex::new(&json.expected);
    for (finding, node) in audit.findings.iter().zip(&json.findings) {
        write_finding(out, finding, node, &periods, lang);
    }
    out.push_str("</table>\n</section>\n");
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

/// The installment records of each (contract, period start), so a finding's trail finds
/// its period's records without scanning every installment of the audit.
struct PeriodIndex<'a> {
    /// Contract id → period start → records.
    records: HashMap<&'a str, HashMap<&'a str, Vec<&'a Node>>>,
}

impl<'a> PeriodIndex<'a> {
    fn new(installments: &'a [Node]) -> Self {
        let mut records: HashMap<&str, HashMap<&str, Vec<&Node>>> = HashMap::new();
        for record in installments {
            if let (Some(Node::Text(contract)), Some(Node::Text(start))) =
                (record.get("contract_id"), record.get("period_start"))
            {
                records
                    .entry(contract.as_str())
                    .or_default()
                    .entry(start.as_str())
                    .or_default()
                    .push(record);
            }
        }
        PeriodIndex { records }
    }

    /// The records of a finding's period, in the JSON's order.
    fn of<'s>(&'s self, finding: &Node) -> &'s [&'a Node] {
        match (finding.get("contract_id"), finding.get("period_start")) {
            (Some(Node::Text(contract)), Some(Node::Text(start))) => self
                .records
                .get(contract.as_str())
                .and_then(|periods| periods.get(start.as_str()))
                .map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }
}

fn write_finding(
    out: &mut String,
    finding: &Finding,
    node: &Node,
    periods: &PeriodIndex<'_>,
    lang: Lang,
) {
    let severity = finding.severity.word();
    let contract = finding.contract_id.as_deref().unwrap_or("");
    let payout = finding.payout_id.as_deref().unwrap_or("");
    let period = match (finding.period_start, finding.period_end) {
        (Some(start), Some(end)) => format!("{start} to {end}"),
        _ => String::new(),
    };
    let stake = finding.amount_at_stake();
    let _ = writeln!(
        out,
        "<tbody class=\"finding\" id=\"{}\" data-type=\"{}\" data-severity=\"{severity}\" data-contract=\"{}\">\n<tr><td><span class=\"badge {severity}\">{severity}</span></td><td class=\"word\">{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"number\">{}</td><td class=\"{}\">{}</td><td class=\"number\">{}</td><td>{}</td></tr>",
        escape(&finding.id),
        escape(finding.finding_type.word()),
        escape(contract),
        escape(finding.finding_type.word()),
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
        escape(&super::i18n::detail(finding, lang))
    );
    out.push_str("<tr class=\"trail\"><td colspan=\"8\">");
    write_trail(out, node, periods);
    out.push_str("</td></tr>\n</tbody>\n");
}

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
/// the installments of its period.
fn write_trail(out: &mut String, finding: &Node, periods: &PeriodIndex<'_>) {
    let evidence = finding
        .get("evidence")
        .and_then(Node::fields)
        .unwrap_or(&[]);
    let of_period = periods.of(finding);
    let mut parts: Vec<String> = evidence
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| match value {
            Node::List(items) => format!("{} ({})", label(key), items.len()),
            _ => label(key),
        })
        .collect();
    if !of_period.is_empty() {
        parts.push(format!("installments of the period ({})", of_period.len()));
    }
    let _ = write!(
        out,
        "<details><summary>Trail{}{}</summary><div class=\"trail\">",
        if parts.is_empty() { "" } else { ": " },
        escape(&parts.join(" · "))
    );
    let own: Vec<(String, Node)> = finding
        .fields()
        .unwrap_or(&[])
        .iter()
        .filter(|(key, _)| !ROW_KEYS.contains(&key.as_str()))
        .cloned()
        .collect();
    out.push_str("<h4>finding</h4>");
    write_node(out, &Node::Map(own));
    for (key, value) in evidence {
        if !value.is_empty() {
            let _ = write!(out, "<h4>{}</h4>", escape(&label(key)));
            write_node(out, value);
        }
    }
    if !of_period.is_empty() {
        out.push_str("<h4>installments of the period</h4>");
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
        write_grid(out, &records, &marked);
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

fn label(key: &str) -> String {
    LABELS
        .iter()
        .find(|(name, _)| *name == key)
        .map_or_else(|| key.replace('_', " "), |(_, shown)| (*shown).to_string())
}

/// A JSON value with its object keys in the order they were written (serde_json's own
/// `Value` sorts them), so trails list fields in the schema's order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn fields(&self) -> Option<&[(String, Node)]> {
        match self {
            Node::Map(fields) => Some(fields),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&Node> {
        self.fields()?
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    fn text_of(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Node::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether there is nothing to show: null, or an empty text, list or object.
    fn is_empty(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Text(text) => text.is_empty(),
            Node::List(items) => items.is_empty(),
            Node::Map(fields) => fields.iter().all(|(_, value)| value.is_empty()),
            Node::Bool(_) | Node::Number(_) => false,
        }
    }

    /// The value as one line of text, with whether it is a number; `None` for a value that
    /// needs a table. A money string is grouped; a location reads `file:sheet:row:column`.
    fn inline(&self) -> Option<(String, bool)> {
        match self {
            Node::Null => Some((String::new(), false)),
            Node::Bool(value) => Some((if *value { "yes" } else { "no" }.into(), false)),
            Node::Number(number) => Some((number.clone(), true)),
            Node::Text(text) if is_money(text) => Some((group_thousands(text), true)),
            Node::Text(text) => Some((text.clone(), false)),
            Node::List(items) => items
                .iter()
                .map(|item| item.inline().map(|(text, _)| text))
                .collect::<Option<Vec<_>>>()
                .map(|texts| (texts.join(", "), false)),
            Node::Map(fields) if is_location(fields) => {
                let parts: Option<Vec<String>> = fields
                    .iter()
                    .filter(|(_, value)| !value.is_empty())
                    .map(|(_, value)| value.inline().map(|(text, _)| text))
                    .collect();
                parts.map(|parts| (parts.join(":"), false))
            }
            Node::Map(_) => None,
        }
    }
}

/// Whether an object is a place in the input: a `file` and at most its `sheet`, `row` and
/// `column`.
fn is_location(fields: &[(String, Node)]) -> bool {
    fields.iter().any(|(key, _)| key == "file")
        && fields
            .iter()
            .all(|(key, _)| matches!(key.as_str(), "file" | "sheet" | "row" | "column"))
}

/// A plain amount with exactly two decimals, as findings.json writes money.
fn is_money(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.split_once('.').is_some_and(|(whole, cents)| {
        !whole.is_empty()
            && cents.len() == 2
            && whole
                .bytes()
                .chain(cents.bytes())
                .all(|byte| byte.is_ascii_digit())
    })
}

/// A value as block markup: an object as a two-column table (empty fields left out), a
/// list of objects as a table with a column per key, anything else as one line.
fn write_node(out: &mut String, node: &Node) {
    match node {
        Node::Map(fields) if node.inline().is_none() => {
            out.push_str("<table class=\"fields\">");
            for (key, value) in fields.iter().filter(|(_, value)| !value.is_empty()) {
                let _ = write!(out, "<tr><th>{}</th>", escape(&label(key)));
                write_cell(out, value);
                out.push_str("</tr>");
            }
            out.push_str("</table>");
        }
        Node::List(items) if items.iter().any(|item| item.inline().is_none()) => {
            if items.iter().all(|item| matches!(item, Node::Map(_))) {
                write_grid(out, items, &[]);
            } else {
                for item in items {
                    write_node(out, item);
                }
            }
        }
        _ => {
            let (text, _) = node.inline().unwrap_or_default();
            let _ = write!(out, "<p>{}</p>", escape(&text));
        }
    }
}

/// A value as a table cell; a number aligns right, and only a word too long for a column
/// (a path, a long id) may break anywhere.
fn write_cell(out: &mut String, value: &Node) {
    match value.inline() {
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
            write_node(out, value);
            out.push_str("</td>");
        }
    }
}

/// Objects as a table: one column per key (in the order keys first appear, columns empty
/// in every row left out), one row per object; rows `marked` are highlighted.
fn write_grid(out: &mut String, rows: &[Node], marked: &[bool]) {
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
        let _ = write!(out, "<th>{}</th>", escape(&label(column)));
    }
    out.push_str("</tr>");
    for (index, row) in rows.iter().enumerate() {
        out.push_str(if marked.get(index).copied().unwrap_or(false) {
            "<tr class=\"this\">"
        } else {
            "<tr>"
        });
        for column in &columns {
            write_cell(out, row.get(column).unwrap_or(&Node::Null));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(value.to_string()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
        Ok(Node::Number(value.to_string()))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Text(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Node, E> {
        Ok(Node::Text(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut fields = Vec::new();
        while let Some(entry) = map.next_entry::<String, Node>()? {
            fields.push(entry);
        }
        Ok(Node::Map(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> Node {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn base64_follows_rfc_4648() {
        for (bytes, text) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(bytes.as_bytes()), text, "{bytes}");
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_policy_allows_exactly_the_page_script() {
        let policy = content_security_policy();
        assert!(
            policy
                .starts_with("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-")
        );
        assert_eq!(policy.matches("sha256-").count(), 1);
        assert!(!policy.contains("unsafe-eval") && !policy.contains("http"));
    }

    #[test]
    fn the_axis_steps_by_round_amounts() {
        let d = |text: &str| Decimal::from_str(text).unwrap();
        assert_eq!(
            axis(d("0"), d("704400")),
            (d("0"), d("800000"), d("200000"))
        );
        assert_eq!(
            axis(d("-1500"), d("9000")),
            (d("-5000"), d("10000"), d("5000"))
        );
        assert_eq!(axis(d("0"), d("0.03")), (d("0"), d("0.03"), d("0.01")));
        assert_eq!(axis(d("0"), d("0")), (d("0"), d("1"), d("1")));
        let (start, end, _) = axis(d("0"), d("704400"));
        assert_eq!(x_of(d("0"), start, end), PLOT_LEFT);
        assert_eq!(x_of(d("800000"), start, end), PLOT_RIGHT);
        assert_eq!(x_of(d("704400"), start, end), 586.2);
        assert_eq!(tick_label(d("200000"), d("200000")), "200,000");
        assert_eq!(tick_label(d("0.02"), d("0.01")), "0.02");
    }

    #[test]
    fn objects_keep_the_order_they_were_written_in() {
        let value = node(r#"{"formula": "a", "base": "net", "cap": null, "z": [1, true]}"#);
        let keys: Vec<&str> = value
            .fields()
            .unwrap()
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(keys, ["formula", "base", "cap", "z"]);
        assert_eq!(
            value.get("z").unwrap().inline(),
            Some(("1, yes".into(), false))
        );
    }

    #[test]
    fn a_trail_shows_every_field_the_json_has_even_new_ones() {
        let finding = node(
            r#"{"id": "unpaid-1", "contract_id": "C1", "period_start": "2025-01-01", "installment": 2,
                "detail": "skipped", "expected": "1234.50",
                "evidence": {"location": null,
                  "computation": {"formula": "W × r", "a_new_field": "<b>new</b>", "cap": null},
                  "allocations": [{"payout_id": "P1", "amount": "-5.00",
                                   "source": {"file": "p.csv", "sheet": null, "row": 3, "column": null}}],
                  "facts": {}}}"#,
        );
        let installments = [
            node(
                r#"{"contract_id": "C1", "period_start": "2025-01-01", "installment": 1, "status": "paid"}"#,
            ),
            node(
                r#"{"contract_id": "C1", "period_start": "2025-01-01", "installment": 2, "status": "unpaid"}"#,
            ),
            node(
                r#"{"contract_id": "C2", "period_start": "2025-01-01", "installment": 2, "status": "paid"}"#,
            ),
        ];
        let mut out = String::new();
        write_trail(&mut out, &finding, &PeriodIndex::new(&installments));
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
    fn money_is_recognised_only_in_the_json_form() {
        assert!(is_money("0.00") && is_money("-1234567.80"));
        assert!(!is_money("1,234.00") && !is_money("12") && !is_money("0.5") && !is_money(".50"));
    }
}
