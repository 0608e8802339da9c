//! Projections in every report (docs/ARITHMETIC.md, "Projections"; docs/REPORTS.md): the
//! table the summaries (top by rebate within reach) and report.html (all) show, the
//! `Projections` sheet of report.xlsx, findings.json's `projections` array and the lines
//! `explain` prints (findings.json's `projections` is `projection_json.rs`, which imports
//! none of the tables, so json.rs and the tables do not import each other). Every report shows the section only when a contract year is open
//! on the audit date, so an audit without one reads as before.

use super::i18n::projections::{ProjectionSentences, projection_sentences};
use super::table::Table;
use super::tables::Value;
use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::domain::projection::Projection;

/// The sheet's English name (report.xlsx; `预测` in Chinese).
pub const SHEET: &str = "Projections";

/// The columns of the sheet, with widths; findings.json's `projections` has the same keys.
pub(super) const COLUMNS: [(&str, f64); 28] = [
    ("contract_id", 18.0),
    ("currency", 9.0),
    ("tier_basis", 13.0),
    ("tier_mode", 12.0),
    ("year_start", 12.0),
    ("year_end", 12.0),
    ("as_of", 12.0),
    ("days_elapsed", 10.0),
    ("days_in_year", 10.0),
    ("scope_start", 12.0),
    ("scope_end", 12.0),
    ("spend_so_far", 16.0),
    ("year_spend_so_far", 16.0),
    ("rate", 9.0),
    ("earned_so_far", 15.0),
    ("cap", 14.0),
    ("cap_reached", 10.0),
    ("next_threshold", 16.0),
    ("next_rate", 9.0),
    ("spend_needed", 16.0),
    ("unlock", 15.0),
    ("catch_up", 15.0),
    ("cap_limited", 10.0),
    ("projected_year_spend", 16.0),
    ("projected_rebate", 15.0),
    ("projected_cap_applied", 10.0),
    ("reaches_next_tier", 10.0),
    ("as_words", 60.0),
];

/// The rows of the sheet, in contract order; the last cell says the projection in `lang`.
pub(super) fn sheet_rows(audit: &Audit, lang: Lang) -> impl Iterator<Item = Vec<Value>> + '_ {
    let words = projection_sentences(lang);
    audit.projections.iter().map(move |projection| {
        let next = projection.next.as_ref();
        let money =
            |amount: Option<rust_decimal::Decimal>| amount.map_or(Value::Empty, Value::Money);
        vec![
            Value::Text(projection.contract_id.clone()),
            Value::Text(projection.currency.clone()),
            Value::Text(projection.tier_basis.word().into()),
            Value::Text(projection.tier_mode.word().into()),
            Value::Date(projection.year.first),
            Value::Date(projection.year.last),
            Value::Date(projection.as_of),
            Value::Integer(projection.days_elapsed),
            Value::Integer(projection.days_in_year),
            Value::Date(projection.scope.first),
            Value::Date(projection.scope.last),
            Value::Money(projection.scope_base),
            Value::Money(projection.year_base),
            Value::Rate(projection.rate),
            Value::Money(projection.earned),
            money(projection.cap),
            Value::Flag(projection.cap_reached),
            money(next.map(|next| next.threshold)),
            next.map_or(Value::Empty, |next| Value::Rate(next.rate)),
            money(next.map(|next| next.spend_needed)),
            money(next.map(|next| next.unlock)),
            money(next.map(|next| next.catch_up)),
            next.map_or(Value::Empty, |next| Value::Flag(next.cap_limited)),
            Value::Money(projection.year_end.weighted_base),
            Value::Money(projection.year_end.rebate),
            Value::Flag(projection.year_end.cap_applied),
            Value::Flag(projection.year_end.reaches_next),
            Value::Text(words.explain(projection).join(" ")),
        ]
    })
}

/// The table of `projections` in `lang` (a currency column when they are in more than one).
pub(super) fn table(projections: &[&Projection], lang: Lang) -> Table {
    let words = projection_sentences(lang);
    let currencies = projections
        .iter()
        .any(|projection| projection.currency != projections[0].currency);
    Table {
        header: words.header(currencies),
        rows: projections
            .iter()
            .map(|projection| row(words, projection, currencies))
            .collect(),
    }
}

fn row(words: &dyn ProjectionSentences, projection: &Projection, currencies: bool) -> Vec<String> {
    let mut cells = vec![
        projection.contract_id.clone(),
        words.scope(projection),
        crate::domain::money::format_money_grouped(projection.scope_base),
        words.next_tier(projection),
        words.spend_needed(projection),
        words.unlock(projection),
        words.year_end(projection),
    ];
    if currencies {
        cells.insert(1, projection.currency.clone());
    }
    cells
}

/// The summaries' section: heading, note, the `listed` projections with the most rebate
/// within reach (what reaching the next tier unlocks; contract order on a tie), and a
/// line counting the rest; `None` when no contract year is open.
pub(super) struct Section {
    /// The heading.
    pub(super) heading: &'static str,
    /// The note under it.
    pub(super) note: &'static str,
    /// The table.
    pub(super) table: Table,
    /// The line counting the projections left out.
    pub(super) more: Option<String>,
}

/// The section with the top `listed` projections (all of them for `usize::MAX`).
pub(super) fn section(audit: &Audit, lang: Lang, listed: usize) -> Option<Section> {
    if audit.projections.is_empty() {
        return None;
    }
    let words = projection_sentences(lang);
    let mut order: Vec<&Projection> = audit.projections.iter().collect();
    // A stable sort: contract order among equal amounts; no next tier goes last.
    order.sort_by_key(|projection| {
        std::cmp::Reverse(projection.next.as_ref().map(|next| next.unlock))
    });
    let rest = order.split_off(listed.min(order.len()));
    let more = (!rest.is_empty()).then(|| {
        words.more(
            rest.len(),
            rest.iter()
                .filter(|projection| projection.next.is_some())
                .count(),
        )
    });
    Some(Section {
        heading: words.heading(),
        note: words.note(),
        table: table(&order, lang),
        more,
    })
}

/// The contract's projection for `explain` (and an evidence pack's trail): a heading and
/// its lines, when its term holds the audit date and the open year overlaps `period`
/// (every period when `None`). Only our own words, numbers and the contract's currency
/// code (three letters) are written.
pub(super) fn write_explain(
    out: &mut String,
    audit: &Audit,
    contract_id: &str,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    lang: Lang,
) {
    use std::fmt::Write;
    let Some(projection) = audit.projections.iter().find(|projection| {
        projection.contract_id == contract_id
            && period.is_none_or(|(first, last)| {
                projection.year.first <= last && first <= projection.year.last
            })
    }) else {
        return;
    };
    let words = projection_sentences(lang);
    let _ = writeln!(out, "## {}\n", words.heading());
    for line in words.explain(projection) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

/// report.html's section: every projection, most rebate within reach first; nothing
/// when no contract year is open. Every cell is escaped.
pub(super) fn write_html(out: &mut String, audit: &Audit, lang: Lang) {
    use std::fmt::Write;
    let Some(section) = section(audit, lang, usize::MAX) else {
        return;
    };
    let _ = writeln!(
        out,
        "<section id=\"projections\">\n<h2>{}</h2>\n<p>{}</p>",
        super::html_parts::escape(section.heading),
        super::html_parts::escape(section.note)
    );
    super::html_parts::write_table(out, &section.table);
    out.push_str("</section>\n");
}
