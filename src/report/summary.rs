//! `summary.md` and `summary.html`: what a person reads in a minute — totals, findings
//! by type and amount, per-contract expected against paid, the findings that matter most,
//! and the control totals. With `--baseline` it leads with what changed since: the new
//! findings (errors first), then the resolved ones.

use super::html_parts;
use super::i18n::lines::{self, Against, More, Severities};
use super::i18n::{Word, words};
use super::markdown;
use super::table::{
    Table, contracts_table, control_tables, controls_note, inputs_table, types_table, words_of,
};
use super::totals::{Headline, Totals};
use crate::domain::audit::Audit;
use crate::domain::baseline::{Change, Changes};
use crate::domain::finding::{Finding, Severity};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as format_money, group_thousands as group};
use rust_decimal::Decimal;
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

/// A period as `2026-04-01 to 2026-04-30` (`2026-04-01 至 2026-04-30`), or its start alone.
fn period_text(start: Option<String>, end: Option<String>, lang: Lang) -> String {
    match (start, end) {
        (Some(start), Some(end)) => match lang {
            Lang::En => format!("{start} to {end}"),
            Lang::Zh => format!("{start} 至 {end}"),
        },
        (Some(start), None) => start,
        _ => String::new(),
    }
}

/// What changed since the baseline: counts, the new findings (errors first, then by
/// money at stake), the resolved ones (errors first, then in the baseline's order).
fn changes_blocks(
    audit: &Audit,
    totals: &Totals,
    changes: &Changes,
    blocks: &mut Vec<Block>,
    lang: Lang,
) {
    let counts = changes.counts(&audit.findings);
    let by = |severity: Severity| {
        counts
            .new_by_severity
            .get(severity.word())
            .copied()
            .unwrap_or(0)
    };
    blocks.push(Block::Heading(match &counts.baseline_as_of {
        Some(as_of) => Prose::ours(lines::changes_heading(lang, true)).input(as_of),
        None => Prose::ours(lines::changes_heading(lang, false)),
    }));
    let (before_hash, after_hash) = lines::sha256_around(lang);
    blocks.push(Block::Paragraph(
        Prose::ours(lines::changes_counts(
            lang,
            Against {
                new: counts.new,
                new_errors: by(Severity::Error),
                new_warnings: by(Severity::Warning),
                new_info: by(Severity::Info),
                persisting: counts.persisting,
                resolved: counts.resolved,
            },
        ))
        .input(&counts.baseline)
        .then(before_hash)
        .input(&counts.baseline_sha256)
        .then(after_hash),
    ));
    let new: Vec<(&Finding, Decimal)> = totals
        .ranked(&audit.findings)
        .into_iter()
        .filter(|(finding, _)| changes.change(finding) == Change::New)
        .collect();
    blocks.push(Block::Subheading(Prose::ours(Word::New.of(lang))));
    if new.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(Word::NoNewFindings.of(lang))));
    } else {
        let shown = new.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: words_of(
                &[
                    Word::Severity,
                    Word::Type,
                    Word::Contract,
                    Word::Period,
                    Word::AtStake,
                    Word::Detail,
                    Word::Id,
                ],
                lang,
            ),
            rows: new[..shown]
                .iter()
                .map(|(finding, stake)| {
                    vec![
                        words::severity(finding.severity, lang).into(),
                        words::finding_type(finding.finding_type, lang).into(),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(
                            finding.period_start.map(|day| day.to_string()),
                            finding.period_end.map(|day| day.to_string()),
                            lang,
                        ),
                        format_money(*stake),
                        super::i18n::detail(finding, lang),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if new.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(lines::more(
                lang,
                More::New,
                new.len() - shown,
            ))));
        }
    }
    blocks.push(Block::Subheading(Prose::ours(Word::Resolved.of(lang))));
    if changes.resolved.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(
            Word::NothingResolved.of(lang),
        )));
    } else {
        let mut resolved: Vec<_> = changes.resolved.iter().enumerate().collect();
        resolved.sort_by_key(|(index, finding)| (std::cmp::Reverse(finding.severity()), *index));
        let shown = resolved.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: words_of(
                &[
                    Word::Severity,
                    Word::Type,
                    Word::Contract,
                    Word::Period,
                    Word::DetailInBaseline,
                    Word::Id,
                ],
                lang,
            ),
            rows: resolved[..shown]
                .iter()
                .map(|(_, finding)| {
                    vec![
                        words::severity_word(&finding.severity.clone().unwrap_or_default(), lang),
                        words::finding_type_code(&finding.finding_type, lang),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(
                            finding.period_start.clone(),
                            finding.period_end.clone(),
                            lang,
                        ),
                        finding.detail.clone(),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if resolved.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(lines::more(
                lang,
                More::Resolved,
                resolved.len() - shown,
            ))));
        }
    }
}

/// Whether a two-decimal amount is not zero.
fn nonzero(amount: &str) -> bool {
    amount
        .parse::<Decimal>()
        .is_ok_and(|amount| !amount.is_zero())
}

/// One currency's headline in `lang` (see [`lines::headline`]); `In USD:` leads it when
/// the contracts have several currencies.
fn headline_text(currency: Option<&str>, headline: &Headline, lang: Lang) -> String {
    let amounts = [
        &headline.due_by_now,
        &headline.paid_against_due,
        &headline.shortfall,
        &headline.interest,
        &headline.not_yet_due,
        &headline.paid_not_yet_due,
        &headline.conditional,
        &headline.paid_conditional,
        &headline.excess,
    ]
    .map(|amount| group(amount));
    let [
        due,
        paid,
        short,
        interest,
        not_yet,
        paid_early,
        conditional,
        paid_conditional,
        excess,
    ] = &amounts;
    lines::headline(
        lang,
        &lines::Headline {
            currency,
            due_by_now: due,
            paid,
            short,
            interest: headline.charges_interest.then_some(interest.as_str()),
            not_yet_due: (nonzero(&headline.not_yet_due) || nonzero(&headline.paid_not_yet_due))
                .then_some((not_yet.as_str(), paid_early.as_str())),
            conditional: (nonzero(&headline.conditional) || nonzero(&headline.paid_conditional))
                .then_some((conditional.as_str(), paid_conditional.as_str())),
            excess: nonzero(&headline.excess).then_some(excess.as_str()),
        },
    )
}

/// The totals paragraph: counts, each currency's headline, the findings by severity.
fn headline_paragraph(totals: &Totals, lang: Lang) -> String {
    let severity = |word: &str| totals.by_severity.get(word).copied().unwrap_or(0);
    let mut text = lines::contracts_and_installments(lang, totals.contracts, totals.installments);
    for (currency, headline) in totals.headlines() {
        if lang == Lang::En {
            text.push(' ');
        }
        text.push_str(&headline_text(currency, headline, lang));
    }
    text.push_str(&lines::findings_by_severity(
        lang,
        Severities {
            findings: totals.findings,
            errors: severity("error"),
            warnings: severity("warning"),
            info: severity("info"),
        },
    ));
    text
}

fn blocks(audit: &Audit, totals: &Totals, lang: Lang) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(Prose::ours(lines::title(
        lang,
        &audit.as_of.to_string(),
    )))];
    if let Some(changes) = &audit.changes {
        changes_blocks(audit, totals, changes, &mut blocks, lang);
        blocks.push(Block::Heading(Prose::ours(Word::Totals.of(lang))));
    }
    blocks.push(Block::Paragraph(Prose::ours(headline_paragraph(
        totals, lang,
    ))));
    blocks.push(Block::Heading(Prose::ours(Word::FindingsByType.of(lang))));
    blocks.push(Block::Table(types_table(totals, lang)));
    blocks.push(Block::Heading(Prose::ours(Word::Contracts.of(lang))));
    blocks.push(Block::Table(contracts_table(totals, lang)));
    let important: Vec<(&Finding, Decimal)> = totals
        .ranked(&audit.findings)
        .into_iter()
        .filter(|(finding, _)| finding.severity >= Severity::Warning)
        .collect();
    blocks.push(Block::Heading(Prose::ours(
        Word::ErrorsAndWarnings.of(lang),
    )));
    if important.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(Word::NoneAtAll.of(lang))));
    } else {
        let shown = important.len().min(LISTED);
        let mut header = words_of(
            &[
                Word::Severity,
                Word::Type,
                Word::Contract,
                Word::AtStake,
                Word::Detail,
                Word::Id,
            ],
            lang,
        );
        if audit.changes.is_some() {
            header.insert(2, Word::Change.of(lang));
        }
        blocks.push(Block::Table(Table {
            header,
            rows: important[..shown]
                .iter()
                .map(|(finding, stake)| {
                    let mut row: Vec<String> = vec![
                        words::severity(finding.severity, lang).into(),
                        words::finding_type(finding.finding_type, lang).into(),
                        finding.contract_id.clone().unwrap_or_default(),
                        format_money(*stake),
                        super::i18n::detail(finding, lang),
                        finding.id.clone(),
                    ];
                    if let Some(changes) = &audit.changes {
                        row.insert(2, words::change(changes.change(finding), lang).into());
                    }
                    row
                })
                .collect(),
        }));
        if important.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(lines::more(
                lang,
                More::Important,
                important.len() - shown,
            ))));
        }
    }
    blocks.push(Block::Heading(Prose::ours(Word::ControlTotals.of(lang))));
    blocks.push(Block::Paragraph(Prose::ours(controls_note(lang))));
    let [billing, payouts] = control_tables(audit, lang);
    blocks.push(Block::Table(billing));
    blocks.push(Block::Table(payouts));
    blocks.push(Block::Heading(Prose::ours(Word::Inputs.of(lang))));
    blocks.push(Block::Table(inputs_table(audit, lang)));
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
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        match lang {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        },
        lines::page_title(lang),
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

    fn headline(amounts: [&str; 9], charges_interest: bool) -> Headline {
        let [
            due_by_now,
            paid_against_due,
            shortfall,
            interest,
            not_yet_due,
            paid_not_yet_due,
            conditional,
            paid_conditional,
            excess,
        ] = amounts.map(str::to_string);
        Headline {
            due_by_now,
            paid_against_due,
            shortfall,
            interest,
            not_yet_due,
            paid_not_yet_due,
            conditional,
            paid_conditional,
            excess,
            charges_interest,
        }
    }

    #[test]
    fn the_headline_leads_with_what_is_due_and_keeps_the_rest_apart() {
        // 3,600 due and 3,400 paid against it; 32,400 not yet due is not "expected".
        let due = headline(
            [
                "3600.00", "3400.00", "200.00", "1.50", "32400.00", "0.00", "0.00", "0.00", "0.00",
            ],
            true,
        );
        assert_eq!(
            headline_text(None, &due, Lang::En),
            "Due by now (past the deadline) 3,600.00, paid against it 3,400.00: short 200.00 plus 1.50 late interest. Not yet due: 32,400.00 (0.00 paid early)."
        );
        // No late-interest rate: no interest; a renewal not made and an excess, apart.
        let apart = headline(
            [
                "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "21600.00", "600.00", "1800.00",
            ],
            false,
        );
        assert_eq!(
            headline_text(Some("USD"), &apart, Lang::En),
            "In USD: due by now (past the deadline) 0.00, paid against it 0.00: short 0.00. Due only after a renewal that has not happened: 21,600.00 (600.00 paid). Paid beyond what the installments expect: 1,800.00."
        );
        // Paid early on nothing due yet still shows.
        let early = headline(
            [
                "0.00", "0.00", "0.00", "0.00", "0.00", "5.00", "0.00", "0.00", "0.00",
            ],
            false,
        );
        assert!(
            headline_text(None, &early, Lang::En)
                .ends_with(" Not yet due: 0.00 (5.00 paid early).")
        );
        assert!(!nonzero("0.00") && !nonzero("-0.00") && nonzero("-0.01"));
    }

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
