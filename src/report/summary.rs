//! `summary.md` and `summary.html`: what a person reads in a minute, what matters first —
//! the headline (due by now, paid against it, short, late interest), the errors by amount,
//! with `--baseline` what changed since (the new findings, errors first, then the resolved
//! ones), findings by type, per-contract due against paid, the warnings by amount, and
//! last the control totals and the input files with their hashes (docs/REPORTS.md).

use super::html_parts;
use super::i18n::{Labels, labels};
use super::markdown;
use super::table::{
    Table, by_amount_table, contracts_table, control_tables, errors_table, inputs_table,
    types_table,
};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::baseline::{Change, Changes};
use crate::domain::finding::{Finding, Severity};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as format_money, group_thousands as group};
use rust_decimal::Decimal;
use std::io;

/// How many findings the summary lists one by one (all are in findings.csv/json).
const LISTED: usize = 40;

/// How many contracts, billing or payout tables and input files the summary lists; the
/// rest are counted (every one is in report.xlsx, report.html and findings.json), so the
/// summary stays a one-minute read whatever the audit's size.
const ROWS_LISTED: usize = 20;

/// Which of `count` items a summary lists: every one, in order, when they fit in
/// `listed`; else the `listed` with the largest `key`, largest first (ties keep their
/// order). Returns their indices and how many are left out.
fn top<K: Ord>(count: usize, listed: usize, key: impl Fn(usize) -> K) -> (Vec<usize>, usize) {
    let mut chosen: Vec<usize> = (0..count).collect();
    if count <= listed {
        return (chosen, 0);
    }
    // A stable sort on the key alone: ties stay in the items' order.
    chosen.sort_by_key(|&index| std::cmp::Reverse(key(index)));
    chosen.truncate(listed);
    (chosen, count - listed)
}

/// `table` with only the rows at `chosen`, in that order.
fn only_rows(mut table: Table, chosen: &[usize]) -> Table {
    let mut rows: Vec<Option<Vec<String>>> = table.rows.into_iter().map(Some).collect();
    table.rows = chosen
        .iter()
        .filter_map(|&index| rows.get_mut(index).and_then(Option::take))
        .collect();
    table
}

/// The contracts: every one when they fit in [`ROWS_LISTED`], else those most short
/// (then paid beyond the installments, then with the most findings), a line above saying
/// which and one below counting the rest.
fn contracts_blocks(blocks: &mut Vec<Block>, totals: &Totals, words: &Labels) {
    let amount = |text: &str| text.parse::<Decimal>().unwrap_or(Decimal::ZERO);
    let contracts = &totals.per_contract;
    let (chosen, more) = top(contracts.len(), ROWS_LISTED, |index| {
        let total = &contracts[index];
        (
            amount(&total.shortfall),
            amount(&total.excess),
            total.findings,
        )
    });
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(
            words.contracts_listed(chosen.len(), contracts.len()),
        )));
    }
    blocks.push(Block::Table(only_rows(
        contracts_table(totals, words),
        &chosen,
    )));
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(words.more_contracts(more))));
    }
}

/// The control totals: every table when they fit in [`ROWS_LISTED`] (billing and payout
/// tables counted together), else those not balanced first, in order, and a line counting
/// the rest.
fn control_blocks(blocks: &mut Vec<Block>, audit: &Audit, words: &Labels) {
    use super::json::{billing_balanced, payout_balanced};
    let balanced: Vec<bool> = audit
        .billing_controls
        .iter()
        .map(billing_balanced)
        .chain(audit.payout_controls.iter().map(payout_balanced))
        .collect();
    let (chosen, more) = top(balanced.len(), ROWS_LISTED, |index| !balanced[index]);
    let split = audit.billing_controls.len();
    let [billing, payouts] = control_tables(audit, words);
    let billing_rows: Vec<usize> = chosen.iter().copied().filter(|&i| i < split).collect();
    let payout_rows: Vec<usize> = chosen
        .iter()
        .filter(|&&index| index >= split)
        .map(|&index| index - split)
        .collect();
    let not_balanced = |rows: &[usize]| rows.iter().filter(|&&index| !balanced[index]).count();
    let unlisted_not_balanced =
        not_balanced(&(0..balanced.len()).collect::<Vec<_>>()) - not_balanced(&chosen);
    blocks.push(Block::Table(only_rows(billing, &billing_rows)));
    blocks.push(Block::Table(only_rows(payouts, &payout_rows)));
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(
            words.more_tables(more, unlisted_not_balanced),
        )));
    }
}

/// The input files, at most [`ROWS_LISTED`], and a line counting the rest: when they do
/// not all fit, the contract workbooks and payout ledgers first (they are few, and the
/// audit rests on each), then the billing files, each in order.
fn inputs_blocks(blocks: &mut Vec<Block>, audit: &Audit, words: &Labels) {
    use crate::domain::audit::InputRole;
    let (chosen, more) = top(audit.inputs.len(), ROWS_LISTED, |index| {
        audit.inputs[index].role != InputRole::Billing
    });
    blocks.push(Block::Table(only_rows(inputs_table(audit, words), &chosen)));
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(words.more_inputs(more))));
    }
}

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
fn period_text(start: Option<String>, end: Option<String>, words: &Labels) -> String {
    match (start, end) {
        (Some(start), Some(end)) => format!("{start}{}{end}", words.to),
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
    let words = labels(lang);
    let counts = changes.counts(&audit.findings);
    let by = |severity: Severity| {
        counts
            .new_by_severity
            .get(severity.word())
            .copied()
            .unwrap_or(0)
    };
    let (before, after) = words.changes_heading(counts.baseline_as_of.is_some());
    blocks.push(Block::Heading(match &counts.baseline_as_of {
        Some(as_of) => Prose::ours(before).input(as_of).then(after),
        None => Prose::ours(before),
    }));
    let (sentence, [baseline, sha, end]) = words.changes_counts([
        counts.new,
        by(Severity::Error),
        by(Severity::Warning),
        by(Severity::Info),
        counts.persisting,
        counts.resolved,
    ]);
    blocks.push(Block::Paragraph(
        Prose::ours(sentence)
            .then(baseline)
            .input(&counts.baseline)
            .then(sha)
            .input(&counts.baseline_sha256)
            .then(end),
    ));
    let new: Vec<(&Finding, Decimal)> = totals
        .ranked(&audit.findings)
        .into_iter()
        .filter(|(finding, _)| changes.change(finding) == Change::New)
        .collect();
    blocks.push(Block::Subheading(Prose::ours(words.new_heading)));
    if new.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(words.no_new)));
    } else {
        let shown = new.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: vec![
                words.col_severity,
                words.col_type,
                words.col_contract,
                words.col_period,
                words.col_at_stake,
                words.col_detail,
                words.col_id,
            ],
            rows: new[..shown]
                .iter()
                .map(|(finding, stake)| {
                    vec![
                        words.severity(finding.severity.word()),
                        finding.finding_type.word().into(),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(
                            finding.period_start.map(|day| day.to_string()),
                            finding.period_end.map(|day| day.to_string()),
                            words,
                        ),
                        format_money(*stake),
                        super::i18n::detail(finding, lang),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if new.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(
                words.more_new(new.len() - shown),
            )));
        }
    }
    blocks.push(Block::Subheading(Prose::ours(words.resolved_heading)));
    if changes.resolved.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(words.none_resolved)));
    } else {
        let mut resolved: Vec<_> = changes.resolved.iter().enumerate().collect();
        resolved.sort_by_key(|(index, finding)| (std::cmp::Reverse(finding.severity()), *index));
        let shown = resolved.len().min(LISTED);
        blocks.push(Block::Table(Table {
            header: vec![
                words.col_severity,
                words.col_type,
                words.col_contract,
                words.col_period,
                words.col_detail_baseline,
                words.col_id,
            ],
            rows: resolved[..shown]
                .iter()
                .map(|(_, finding)| {
                    vec![
                        words.severity(finding.severity.as_deref().unwrap_or_default()),
                        finding.finding_type.clone(),
                        finding.contract_id.clone().unwrap_or_default(),
                        period_text(
                            finding.period_start.clone(),
                            finding.period_end.clone(),
                            words,
                        ),
                        finding.detail.clone(),
                        finding.id.clone(),
                    ]
                })
                .collect(),
        }));
        if resolved.len() > shown {
            blocks.push(Block::Paragraph(Prose::ours(
                words.more_resolved(resolved.len() - shown),
            )));
        }
    }
}

/// The headline as a table, a line per currency: due by now, paid against it, short, and
/// late interest where a contract charges it.
fn headline_table(totals: &Totals, words: &Labels) -> Table {
    let headlines = totals.headlines();
    let currencies = headlines.iter().any(|(currency, _)| currency.is_some());
    let interest = headlines
        .iter()
        .any(|(_, headline)| headline.charges_interest);
    let mut header = vec![
        words.col_due_by_now,
        words.col_paid_against_due,
        words.col_short,
    ];
    if currencies {
        header.insert(0, words.col_currency);
    }
    if interest {
        header.push(words.col_interest);
    }
    let rows = headlines
        .iter()
        .map(|(currency, headline)| {
            let mut row = vec![
                group(&headline.due_by_now),
                group(&headline.paid_against_due),
                group(&headline.shortfall),
            ];
            if currencies {
                row.insert(0, currency.unwrap_or_default().to_string());
            }
            if interest {
                row.push(if headline.charges_interest {
                    group(&headline.interest)
                } else {
                    String::new()
                });
            }
            row
        })
        .collect();
    Table { header, rows }
}

/// The findings of one severity by amount, or a line saying there are none; a line
/// after a cut list says where the rest are.
fn by_amount_blocks(
    blocks: &mut Vec<Block>,
    (table, more): (Table, usize),
    none: &str,
    words: &Labels,
) {
    if table.rows.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(none)));
        return;
    }
    blocks.push(Block::Table(table));
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(words.more_findings(more))));
    }
}

/// The summary, what matters first: the headline (due by now, paid against it, short,
/// late interest), the errors by amount; with a baseline what changed since; then
/// findings by type, the contracts, the warnings by amount, and last the control totals
/// and the input files.
fn blocks(audit: &Audit, totals: &Totals, lang: Lang) -> Vec<Block> {
    let words = labels(lang);
    let mut blocks = vec![
        Block::Heading(Prose::ours(words.title(&audit.as_of.to_string()))),
        Block::Heading(Prose::ours(words.due_and_paid)),
        Block::Table(headline_table(totals, words)),
        Block::Paragraph(Prose::ours(words.totals_sentence(totals))),
    ];
    // Claims about to expire come first: they are the one thing that cannot wait.
    if let Some(claims) = super::table::claims_table(audit, lang, words) {
        blocks.push(Block::Heading(Prose::ours(super::i18n::claims_heading(
            lang,
        ))));
        blocks.push(Block::Table(claims));
    }
    blocks.push(Block::Heading(Prose::ours(words.errors_by_amount)));
    by_amount_blocks(
        &mut blocks,
        errors_table(audit, totals, lang, words, LISTED),
        words.no_errors,
        words,
    );
    if let Some(changes) = &audit.changes {
        changes_blocks(audit, totals, changes, &mut blocks, lang);
    }
    blocks.push(Block::Heading(Prose::ours(words.findings_by_type)));
    blocks.push(Block::Table(types_table(totals, words)));
    blocks.push(Block::Heading(Prose::ours(words.contracts)));
    contracts_blocks(&mut blocks, totals, words);
    projection_blocks(&mut blocks, audit, lang);
    accrual_blocks(&mut blocks, audit, lang);
    blocks.push(Block::Heading(Prose::ours(words.warnings_by_amount)));
    by_amount_blocks(
        &mut blocks,
        by_amount_table(audit, totals, Severity::Warning, lang, words, LISTED),
        words.none,
        words,
    );
    blocks.push(Block::Heading(Prose::ours(words.controls)));
    blocks.push(Block::Paragraph(Prose::ours(words.controls_note)));
    control_blocks(&mut blocks, audit, words);
    blocks.push(Block::Heading(Prose::ours(words.inputs)));
    inputs_blocks(&mut blocks, audit, words);
    blocks
}

/// How many projections the summary lists (the most rebate within reach first).
const PROJECTIONS_LISTED: usize = 10;

/// The open contract years' projections, when there are any (docs/REPORTS.md).
fn projection_blocks(blocks: &mut Vec<Block>, audit: &Audit, lang: Lang) {
    let Some(section) = super::projections::section(audit, lang, PROJECTIONS_LISTED) else {
        return;
    };
    blocks.push(Block::Heading(Prose::ours(section.heading)));
    blocks.push(Block::Paragraph(Prose::ours(section.note)));
    blocks.push(Block::Table(section.table));
    if let Some(more) = section.more {
        blocks.push(Block::Paragraph(Prose::ours(more)));
    }
}

/// The accruals (docs/REPORTS.md, "Accruals"): per entity and currency, with the movement
/// since the baseline when the baseline has accruals, and the named warning when it has
/// none.
fn accrual_blocks(blocks: &mut Vec<Block>, audit: &Audit, lang: Lang) {
    use crate::domain::accrual::BaselineAccruals;
    let words = super::i18n::accrual_sentences(lang);
    let accruals = &audit.accruals;
    blocks.push(Block::Heading(Prose::ours(
        words.heading(&audit.as_of.to_string()),
    )));
    if accruals.rows.is_empty() {
        blocks.push(Block::Paragraph(Prose::ours(words.none())));
        return;
    }
    blocks.push(Block::Paragraph(Prose::ours(words.intro())));
    match &accruals.baseline {
        BaselineAccruals::None => {}
        BaselineAccruals::Missing { path } => {
            // The sentence quotes a path from the command line: escaped whole.
            blocks.push(Block::Paragraph(Prose(vec![Piece::Input(
                words.baseline_without_accruals(path),
            )])));
        }
        BaselineAccruals::Read { .. } => {
            let as_of = audit
                .changes
                .as_ref()
                .and_then(|changes| changes.baseline_as_of.clone())
                .unwrap_or_default();
            blocks.push(Block::Paragraph(Prose(vec![Piece::Input(
                words.compared(&as_of),
            )])));
        }
    }
    let (table, more) = super::accruals::summary_table(accruals, words, ROWS_LISTED);
    blocks.push(Block::Table(table));
    if more > 0 {
        blocks.push(Block::Paragraph(Prose::ours(words.more(more))));
    }
}

/// Writes the summary as Markdown into `out`, a block at a time.
///
/// # Errors
/// When `out` fails.
pub fn write_markdown(
    out: &mut dyn io::Write,
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
) -> io::Result<()> {
    let mut first = true;
    for block in blocks(audit, totals, lang) {
        match block {
            Block::Heading(text) if first => {
                writeln!(out, "# {}\n", text.markdown())?;
            }
            Block::Heading(text) => {
                writeln!(out, "## {}\n", text.markdown())?;
            }
            Block::Subheading(text) => {
                writeln!(out, "### {}\n", text.markdown())?;
            }
            Block::Paragraph(text) => {
                writeln!(out, "{}\n", text.markdown())?;
            }
            // Every cell is escaped: most hold input (ids, names, paths, sentences quoting
            // cells), and the escaping leaves our own words and numbers as they are.
            Block::Table(table) => {
                writeln!(out, "| {} |", table.header.join(" | "))?;
                writeln!(out, "|{}", "---|".repeat(table.header.len()))?;
                for row in table.rows {
                    let cells: Vec<String> =
                        row.iter().map(|cell| markdown::escape(cell)).collect();
                    writeln!(out, "| {} |", cells.join(" | "))?;
                }
                writeln!(out)?;
            }
        }
        first = false;
    }
    Ok(())
}

/// Writes the summary as a self-contained HTML page (no scripts, no external resources)
/// into `out`, a block at a time.
///
/// # Errors
/// When `out` fails.
pub fn write_html(
    out: &mut dyn io::Write,
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
) -> io::Result<()> {
    let words = labels(lang);
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        words.html_lang,
        html_parts::escape(&words.title(&audit.as_of.to_string())),
        html_parts::BASE_CSS
    )?;
    let mut first = true;
    for block in blocks(audit, totals, lang) {
        match block {
            Block::Heading(text) => {
                let tag = if first { "h1" } else { "h2" };
                first = false;
                writeln!(out, "<{tag}>{}</{tag}>", html_parts::escape(&text.text()))?;
            }
            Block::Subheading(text) => {
                writeln!(out, "<h3>{}</h3>", html_parts::escape(&text.text()))?;
            }
            Block::Paragraph(text) => {
                writeln!(out, "<p>{}</p>", html_parts::escape(&text.text()))?;
            }
            Block::Table(table) => {
                let mut html = String::new();
                html_parts::write_table(&mut html, &table);
                out.write_all(html.as_bytes())?;
            }
        }
    }
    out.write_all(b"</body>\n</html>\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::totals::Headline;

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
            labels(Lang::En).headline(None, &due),
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
            labels(Lang::En).headline(Some("USD"), &apart),
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
            labels(Lang::En)
                .headline(None, &early)
                .ends_with(" Not yet due: 0.00 (5.00 paid early).")
        );
        assert_eq!(
            labels(Lang::Zh).headline(None, &due),
            "已到期应付（已过期限）3,600.00，已付 3,400.00：少付 200.00，另有滞纳金 1.50。尚未到期：32,400.00（提前支付 0.00）。"
        );
    }

    /// A worked table: five contracts' shortfalls, three listed.
    #[test]
    fn top_lists_everything_in_order_when_it_fits_else_the_largest_first() {
        let short = [300, 900, 100, 900, 500];
        // Fits: every item, in the items' order, none left out.
        assert_eq!(top(5, 5, |index| short[index]), (vec![0, 1, 2, 3, 4], 0));
        assert_eq!(top(5, 40, |index| short[index]), (vec![0, 1, 2, 3, 4], 0));
        // Cut: the three largest (900, 900, 500), the tie in the items' order; two left out.
        assert_eq!(top(5, 3, |index| short[index]), (vec![1, 3, 4], 2));
        // A key of `()` keeps the first ones.
        assert_eq!(top(5, 2, |_| ()), (vec![0, 1], 3));
        assert_eq!(top(0, 2, |_| ()), (vec![], 0));
    }

    #[test]
    fn only_rows_keeps_the_chosen_rows_in_the_order_chosen() {
        let table = Table {
            header: vec!["n"],
            rows: (0..5).map(|n| vec![n.to_string()]).collect(),
        };
        let kept = only_rows(table, &[3, 0]);
        assert_eq!(
            kept.rows,
            vec![vec!["3".to_string()], vec!["0".to_string()]]
        );
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
