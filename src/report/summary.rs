//! `summary.md` and `summary.html`: what a person reads in a minute — totals, findings
//! by type and amount, per-contract expected against paid, the findings that matter most,
//! and the control totals. With `--baseline` it leads with what changed since: the new
//! findings (errors first), then the resolved ones.

use super::html_parts;
use super::markdown;
use super::table::{
    CONTROLS_NOTE, Table, contracts_table, control_tables, inputs_table, types_table,
};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::baseline::{Change, Changes};
use crate::domain::finding::{Finding, Severity};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as format_money, group_thousands as group};
use std::fmt::Write;

/// How many findings the summary lists one by one (all are in findings.csv/json).
const LISTED: usize = 40;

/// A piece of a heading or paragraph: our own words, or text from an input (a baseline's
/// path or date) that each format makes inert its own way.
enum Piece {
    Ours(String),
    Input(String),
}

/// The text of a heading or paragraph.
struct Prose(Vec<Piece>);

impl Prose {
    /// Our own words.
    fn ours(text: impl Into<String>) -> Prose {
        Prose(vec![Piece::Ours(text.into())])
    }

    /// Then more of our own words.
    fn then(mut self, text: impl Into<String>) -> Prose {
        self.0.push(Piece::Ours(text.into()));
        self
    }

    /// Then text from an input.
    fn input(mut self, text: impl Into<String>) -> Prose {
        self.0.push(Piece::Input(text.into()));
        self
    }

    /// As Markdown: input text through [`markdown::escape`], ours as written.
    fn markdown(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Ours(text) => text.clone(),
                Piece::Input(text) => markdown::escape(text),
            })
            .collect()
    }

    /// As characters, for a format that escapes everything (HTML).
    fn text(&self) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Ours(text) | Piece::Input(text) => text.as_str(),
            })
            .collect()
    }
}

/// The summary as sections of prose and tables, rendered to Markdown or HTML.
enum Block {
    Heading(Prose),
    Subheading(Prose),
    Paragraph(Prose),
    Table(Table),
}

/// A period as `2026-04-01 to 2026-04-30`, or its start alone.
fn period_text(start: Option<String>, end: Option<String>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{start} to {end}"),
        (Some(start), None) => start,
        _ => String::new(),
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// What changed since the baseline: counts, the new findings (errors first, then by
/// money at stake), the resolved ones (errors first, then in the baseline's order).
fn changes_blocks(audit: &Audit, changes: &Changes, blocks: &mut Vec<Block>, lang: Lang) {
    let counts = changes.counts(&audit.findings);
    let by = |severity: Severity| {
        counts
            .new_by_severity
            .get(severity.word())
            .copied()
            .unwrap_or(0)
    };
    blocks.push(Block::Heading(match &counts.baseline_as_of {
        Some(as_of) => Prose::ours("Changes since the baseline as of ").input(as_of),
        None => Prose::ours("Changes since the baseline"),
    }));
    blocks.push(Block::Paragraph(
        Prose::ours(format!(
            "{} ({}, {}, {} info), {}, {}. Baseline: ",
            plural(counts.new, "new finding", "new findings"),
            plural(by(Severity::Error), "error", "errors"),
            plural(by(Severity::Warning), "warning", "warnings"),
            by(Severity::Info),
            plural(counts.persisting, "persisting", "persisting"),
            plural(counts.resolved, "resolved", "resolved"),
        ))
        .input(&counts.baseline)
        .then(" (sha256 ")
        .input(&counts.baseline_sha256)
        .then(")."),
    ));
    let mut new: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|finding| changes.change(finding) == Change::New)
        .collect();
    new.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.amount_at_stake().cmp(&a.amount_at_stake()))
            .then_with(|| a.id.cmp(&b.id))
    });
    blocks.push(Block::Subheading(Prose::ours("New")));
    if new.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours("No new findings.")));
    } else {
        let shown = new.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: vec![
                "severity", "type", "contract", "period", "amount", "detail", "id",
            ],
            rows: new[..shown]
                .iter()
                .map(|finding| {
                    vec![
                        finding.severity.word().into(),
                        finding.finding_type.word().into(),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(
                            finding.period_start.map(|day| day.to_string()),
                            finding.period_end.map(|day| day.to_string()),
                        ),
                        format_money(finding.amount_at_stake()),
                        super::i18n::detail(finding, lang),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if new.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(format!(
                "… and {} more new; findings.json marks each finding's `change`.",
                new.len() - shown
            ))));
        }
    }
    blocks.push(Block::Subheading(Prose::ours("Resolved")));
    if changes.resolved.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(
            "No finding of the baseline is resolved.",
        )));
    } else {
        let mut resolved: Vec<_> = changes.resolved.iter().enumerate().collect();
        resolved.sort_by_key(|(index, finding)| (std::cmp::Reverse(finding.severity()), *index));
        let shown = resolved.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: vec![
                "severity",
                "type",
                "contract",
                "period",
                "detail (as in the baseline)",
                "id",
            ],
            rows: resolved[..shown]
                .iter()
                .map(|(_, finding)| {
                    vec![
                        finding.severity.clone().unwrap_or_default(),
                        finding.finding_type.clone(),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(finding.period_start.clone(), finding.period_end.clone()),
                        finding.detail.clone(),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if resolved.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(format!(
                "… and {} more resolved; all are in findings.json under `resolved` and in report.xlsx on the `Resolved` sheet.",
                resolved.len() - shown
            ))));
        }
    }
}

fn blocks(audit: &Audit, totals: &Totals, lang: Lang) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(Prose::ours(format!(
        "Rebate audit as of {}",
        audit.as_of
    )))];
    if let Some(changes) = &audit.changes {
        changes_blocks(audit, changes, &mut blocks, lang);
        blocks.push(Block::Heading(Prose::ours("Totals")));
    }
    let errors = totals.by_severity.get("error").copied().unwrap_or(0);
    let warnings = totals.by_severity.get("warning").copied().unwrap_or(0);
    blocks.push(Block::Paragraph(Prose::ours(format!(
        "{} contracts, {} installments. Expected {}, paid {}; unpaid and underpaid installments are short {} plus {} late interest. {} findings: {errors} errors, {warnings} warnings, {} info.",
        totals.contracts,
        totals.installments,
        group(&totals.expected),
        group(&totals.paid),
        group(&totals.shortfall),
        group(&totals.interest),
        totals.findings,
        totals.by_severity.get("info").copied().unwrap_or(0),
    ))));
    blocks.push(Block::Heading(Prose::ours("Findings by type")));
    blocks.push(Block::Table(types_table(totals)));
    blocks.push(Block::Heading(Prose::ours("Contracts")));
    blocks.push(Block::Table(contracts_table(totals)));
    let mut important: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|finding| finding.severity >= Severity::Warning)
        .collect();
    important.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.amount_at_stake().cmp(&a.amount_at_stake()))
            .then_with(|| a.id.cmp(&b.id))
    });
    blocks.push(Block::Heading(Prose::ours(
        "Errors and warnings, largest first",
    )));
    if important.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours("None.")));
    } else {
        let shown = important.len().min(LISTED);
        let mut header = vec!["severity", "type", "contract", "amount", "detail", "id"];
        if audit.changes.is_some() {
            header.insert(2, "change");
        }
        blocks.push(Block::Table(Table {
            header,
            rows: important[..shown]
                .iter()
                .map(|finding| {
                    let mut row: Vec<String> = vec![
                        finding.severity.word().into(),
                        finding.finding_type.word().into(),
                        finding.contract_id.clone().unwrap_or_default(),
                        format_money(finding.amount_at_stake()),
                        super::i18n::detail(finding, lang),
                        finding.id.clone(),
                    ];
                    if let Some(changes) = &audit.changes {
                        row.insert(2, changes.change(finding).word().into());
                    }
                    row
                })
                .collect(),
        }));
        if important.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(format!(
                "… and {} more; every finding is in findings.csv, findings.xlsx and findings.json.",
                important.len() - shown
            ))));
        }
    }
    blocks.push(Block::Heading(Prose::ours("Control totals")));
    blocks.push(Block::Paragraph(Prose::ours(CONTROLS_NOTE)));
    let [billing, payouts] = control_tables(audit);
    blocks.push(Block::Table(billing));
    blocks.push(Block::Table(payouts));
    blocks.push(Block::Heading(Prose::ours("Inputs")));
    blocks.push(Block::Table(inputs_table(audit)));
    blocks
}

/// The summary as Markdown.
pub fn markdown(audit: &Audit, totals: &Totals, lang: Lang) -> String {
    let mut out = String::new();
    for block in blocks(audit, totals, lang) {
        match block {
            Block::Heading(text) if out.is_empty() => {
                let _ = writeln!(out, "# {}\n", text.markdown());
            }
            Block::Heading(text) => {
                let _ = writeln!(out, "## {}\n", text.markdown());
            }
            Block::Subheading(text) => {
                let _ = writeln!(out, "### {}\n", text.markdown());
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{}\n", text.markdown());
            }
            // Every cell is escaped: most hold input (ids, names, paths, sentences quoting
            // cells), and the escaping leaves our own words and numbers as they are.
            Block::Table(table) => {
                let _ = writeln!(out, "| {} |", table.header.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(table.header.len()));
                for row in table.rows {
                    let cells: Vec<String> =
                        row.iter().map(|cell| markdown::escape(cell)).collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The summary as a self-contained HTML page (no scripts, no external resources).
pub fn html(audit: &Audit, totals: &Totals, lang: Lang) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Rebate audit</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        html_parts::BASE_CSS
    );
    let mut first = true;
    for block in blocks(audit, totals, lang) {
        match block {
            Block::Heading(text) => {
                let tag = if first { "h1" } else { "h2" };
                first = false;
                let _ = writeln!(out, "<{tag}>{}</{tag}>", html_parts::escape(&text.text()));
            }
            Block::Subheading(text) => {
                let _ = writeln!(out, "<h3>{}</h3>", html_parts::escape(&text.text()));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", html_parts::escape(&text.text()));
            }
            Block::Table(table) => html_parts::write_table(&mut out, &table),
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_escapes_only_its_input_pieces() {
        let prose = Prose::ours("Baseline: `x` ")
            .input("<b>|[x](javascript:y)")
            .then(".");
        assert_eq!(
            prose.markdown(),
            "Baseline: `x` &lt;b&gt;\\|\\[x\\](javascript:y)."
        );
        assert_eq!(prose.text(), "Baseline: `x` <b>|[x](javascript:y).");
    }
}
