//! Reports: `findings.json`, `findings.csv`, `findings.xlsx`, `summary.md`, `summary.html`,
//! `report.html` and `evidence/<contract>.md`. Rendering is pure (audit in, bytes out).
//! Text from the inputs reaches the Markdown reports only through [`markdown::escape`].
//! The application writes them into a staging folder that replaces `--out` as a whole
//! once every file is written, so a crash never leaves half a report, nor a mix of two
//! runs' reports.

pub mod bidi;
pub mod evidence;
pub mod excel;
pub mod explain;
pub mod html;
pub mod html_parts;
pub mod i18n;
pub mod inspect;
pub mod json;
pub mod markdown;
pub mod pack;
pub mod summary;
pub mod table;
pub mod tables;
pub mod totals;
pub mod workbook;

use crate::domain::audit::Audit;
use crate::domain::finding::Severity;
use crate::domain::lang::Lang;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use totals::Totals;

/// The report files of a run, in the order a reader opens them (`run --help` names them
/// from this list; a test holds it to [`reports`]), and the trail written per contract.
pub const FILES: [&str; 7] = [
    "summary.md",
    "summary.html",
    "report.html",
    "report.xlsx",
    "findings.json",
    "findings.csv",
    "findings.xlsx",
];

/// The per-contract trail among the reports, as `run --help` names it.
pub const TRAILS: &str = "evidence/<contract>.md";

/// A report file: its path relative to the output folder, and how to render it.
type Renderer<'a> = (
    PathBuf,
    Box<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync + 'a>,
);

/// Every report of an audit, not yet rendered, with its sentences in `lang`: each is
/// rendered just before it is written, so memory holds a few reports at a time (one per
/// worker), never all of them.
pub fn reports(audit: &Audit, lang: Lang) -> Vec<Renderer<'_>> {
    let totals = std::sync::Arc::new(Totals::of(audit));
    let for_workbook = totals.clone();
    let for_report = std::sync::Arc::clone(&totals);
    let (for_json, for_markdown, for_html) = (totals.clone(), totals.clone(), totals);
    // Biggest first (they are written in this order by whichever worker is free).
    let mut files: Vec<Renderer<'_>> = vec![
        (
            PathBuf::from("report.xlsx"),
            Box::new(move || {
                workbook::render(audit, &for_workbook, lang).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("findings.json"),
            Box::new(move || Ok(json::render(audit, &for_json, lang).into_bytes())),
        ),
        (
            PathBuf::from("report.html"),
            Box::new(move || html::render(audit, &for_report, lang).map(String::into_bytes)),
        ),
        (
            PathBuf::from("findings.xlsx"),
            Box::new(move || {
                tables::xlsx(&audit.findings, audit.changes.as_ref(), lang)
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("findings.csv"),
            Box::new(move || {
                tables::csv(&audit.findings, audit.changes.as_ref(), lang)
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("summary.html"),
            Box::new(move || Ok(summary::html(audit, &for_html, lang).into_bytes())),
        ),
        (
            PathBuf::from("summary.md"),
            Box::new(move || Ok(summary::markdown(audit, &for_markdown, lang).into_bytes())),
        ),
    ];
    let mut names = BTreeSet::new();
    for result in &audit.contracts {
        let mut name = evidence::file_name(&result.contract.id);
        let mut suffix = 2;
        while !names.insert(name.to_lowercase()) {
            name = format!("{}-{suffix}", evidence::file_name(&result.contract.id));
            suffix += 1;
        }
        files.push((
            Path::new("evidence").join(format!("{name}.md")),
            Box::new(move || Ok(evidence::render(audit, result, lang).into_bytes())),
        ));
    }
    files
}

/// The line a run prints on standard output, in `lang`: what is due by now, paid against
/// it, short and the late interest (per currency when the contracts have several; the
/// interest only where a contract charges it), the counts, the changes since the
/// baseline, and where the reports are.
pub fn run_line(audit: &Audit, out: &Path, lang: Lang) -> String {
    let count = |severity: Severity| {
        audit
            .findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    };
    let totals = Totals::of(audit);
    let group = crate::domain::money::group_thousands;
    let money: Vec<String> = totals
        .headlines()
        .into_iter()
        .map(|(currency, headline)| {
            let (due, paid, short, interest) = (
                group(&headline.due_by_now),
                group(&headline.paid_against_due),
                group(&headline.shortfall),
                group(&headline.interest),
            );
            i18n::lines::run_money(
                lang,
                &i18n::lines::Headline {
                    currency,
                    due_by_now: &due,
                    paid: &paid,
                    short: &short,
                    interest: headline.charges_interest.then_some(interest.as_str()),
                    not_yet_due: None,
                    conditional: None,
                    excess: None,
                },
            )
        })
        .collect();
    let against = audit.changes.as_ref().map(|changes| {
        let counts = changes.counts(&audit.findings);
        let by = |word: &str| counts.new_by_severity.get(word).copied().unwrap_or(0);
        i18n::lines::Against {
            new: counts.new,
            new_errors: by("error"),
            new_warnings: by("warning"),
            new_info: by("info"),
            persisting: counts.persisting,
            resolved: counts.resolved,
        }
    });
    i18n::lines::run_line(
        lang,
        i18n::lines::RunFacts {
            as_of: &audit.as_of.to_string(),
            money: &money,
            contracts: audit.contracts.len(),
            installments: audit.installments.len(),
            severities: i18n::lines::Severities {
                findings: audit.findings.len(),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                info: count(Severity::Info),
            },
            against,
            out: &out.display().to_string(),
        },
    )
}

#[cfg(test)]
mod files_tests {
    use super::{FILES, TRAILS, reports};
    use crate::domain::audit::Audit;
    use crate::domain::lang::Lang;

    /// `FILES` is what `reports` writes, so `run --help` cannot name too few or too many.
    #[test]
    fn the_files_named_are_the_files_written() {
        let audit = Audit {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            rulesets: Vec::new(),
            inputs: Vec::new(),
            billing_controls: Vec::new(),
            payout_controls: Vec::new(),
            statement_controls: Vec::new(),
            contracts: Vec::new(),
            installments: Vec::new(),
            findings: Vec::new(),
            payouts: Vec::new(),
            changes: None,
        };
        let mut written: Vec<String> = reports(&audit, Lang::En)
            .iter()
            .map(|(path, _)| path.display().to_string())
            .collect();
        written.sort();
        let mut named: Vec<String> = FILES.iter().map(|name| name.to_string()).collect();
        named.sort();
        assert_eq!(written, named);
        assert!(TRAILS.starts_with("evidence/") && TRAILS.ends_with(".md"));
    }
}
