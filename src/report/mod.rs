//! Reports: `findings.json`, `findings.csv`, `findings.xlsx`, `summary.md`, `summary.html`,
//! `report.html` and `evidence/<contract>.md`. Rendering is pure (audit in, bytes out),
//! each report written into a [`Sink`] as it is rendered.
//! Text from the inputs reaches the Markdown reports only through [`markdown::escape`].
//! The application writes them into a staging folder that replaces `--out` as a whole
//! once every file is written, so a crash never leaves half a report, nor a mix of two
//! runs' reports.

pub mod accruals;
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
pub mod projection_json;
pub mod projections;
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
pub const FILES: [&str; 9] = [
    "summary.md",
    "summary.html",
    "report.html",
    "report.xlsx",
    "findings.json",
    "findings.csv",
    "findings.xlsx",
    accruals::FILES[0],
    accruals::FILES[1],
];

/// The per-contract trail among the reports, as `run --help` names it.
pub const TRAILS: &str = "evidence/<contract>.md";

/// Where a renderer writes a report: the output file, buffered (`Send`, because a
/// workbook's zip writer may be handed to another thread).
pub type Sink<'w> = dyn std::io::Write + Send + 'w;

/// How a report is rendered: written into the [`Sink`] as it is rendered, so no report is
/// held whole in memory; the error names what failed (the caller adds the path).
pub type Render<'a> = Box<dyn Fn(&mut Sink<'_>) -> Result<(), String> + Send + Sync + 'a>;

/// A report file: its path relative to the output folder, and how to render it.
type Renderer<'a> = (PathBuf, Render<'a>);

/// A report rendered whole into memory, then written: for the reports not yet streamed
/// (the trails, one small file per contract), so their bytes stay what they were.
fn whole(out: &mut Sink<'_>, bytes: &[u8]) -> Result<(), String> {
    out.write_all(bytes).map_err(|error| error.to_string())
}

thread_local! {
    /// Whether this thread is writing a workbook, inside [`contained`]: a panic then is
    /// caught and becomes the report's error.
    static WRITING_WORKBOOK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `write` — a workbook being written — so that a panic inside becomes the report's
/// error rather than the end of the run. rust_xlsxwriter panics when a constant-memory
/// sheet's row cannot be written to its temporary file (a full disk, a file-size limit);
/// the run must then fail like any other failed write (exit 2, the file named, the
/// previous report left in place).
fn contained(write: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let outer = WRITING_WORKBOOK.with(|writing| writing.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(write));
    WRITING_WORKBOOK.with(|writing| writing.set(outer));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Err(format!(
            "the workbook's rows could not be written to its temporary file (is the disk full?): {message}"
        ))
    })
}

/// For the application's panic hook: whether this thread is writing a workbook, whose
/// panic [`contained`] turns into the report's error (so the raw panic need not print).
pub fn writing_workbook() -> bool {
    WRITING_WORKBOOK
        .try_with(std::cell::Cell::get)
        .unwrap_or(false)
}

/// Every report of an audit, not yet rendered, with its sentences in `lang`: each is
/// rendered as it is written, so memory holds a few reports being written at a time (one
/// per worker), never all of them. The workbooks keep their rows in anonymous temporary
/// files in `scratch` (the staging folder, so they count against the disk the reports go
/// to, never against memory or a small `/tmp`).
pub fn reports<'a>(audit: &'a Audit, lang: Lang, scratch: &'a Path) -> Vec<Renderer<'a>> {
    let totals = std::sync::Arc::new(Totals::of(audit));
    let for_workbook = totals.clone();
    let for_report = std::sync::Arc::clone(&totals);
    let (for_json, for_markdown, for_html) = (totals.clone(), totals.clone(), totals);
    // Biggest first (they are written in this order by whichever worker is free).
    let mut files: Vec<Renderer<'_>> = vec![
        (
            PathBuf::from("report.xlsx"),
            Box::new(move |out: &mut Sink<'_>| {
                contained(|| {
                    workbook::write(out, audit, &for_workbook, lang, scratch)
                        .map_err(|error| error.to_string())
                })
            }),
        ),
        (
            PathBuf::from("findings.json"),
            Box::new(move |out: &mut Sink<'_>| {
                json::write(audit, &for_json, lang, out).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("report.html"),
            Box::new(move |out: &mut Sink<'_>| {
                html::write(audit, &for_report, lang, out).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("findings.xlsx"),
            Box::new(move |out: &mut Sink<'_>| {
                contained(|| {
                    tables::write_xlsx(out, &audit.findings, audit.changes.as_ref(), lang, scratch)
                        .map_err(|error| error.to_string())
                })
            }),
        ),
        (
            PathBuf::from("findings.csv"),
            Box::new(move |out: &mut Sink<'_>| {
                tables::write_csv(out, &audit.findings, audit.changes.as_ref(), lang)
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("summary.html"),
            Box::new(move |out: &mut Sink<'_>| {
                summary::write_html(out, audit, &for_html, lang).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("summary.md"),
            Box::new(move |out: &mut Sink<'_>| {
                summary::write_markdown(out, audit, &for_markdown, lang)
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from(accruals::FILES[0]),
            Box::new(move |out: &mut Sink<'_>| {
                contained(|| {
                    accruals::write_xlsx(out, &audit.accruals, lang, scratch)
                        .map_err(|error| error.to_string())
                })
            }),
        ),
        (
            PathBuf::from(accruals::FILES[1]),
            Box::new(move |out: &mut Sink<'_>| {
                accruals::write_csv(out, &audit.accruals, lang).map_err(|error| error.to_string())
            }),
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
            Box::new(move |out: &mut Sink<'_>| {
                whole(out, evidence::render(audit, result, lang).as_bytes())
            }),
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
            projections: Vec::new(),
            accruals: Default::default(),
        };
        let mut written: Vec<String> = reports(&audit, Lang::En, std::path::Path::new("."))
            .iter()
            .map(|(path, _)| path.display().to_string())
            .collect();
        written.sort();
        let mut named: Vec<String> = FILES.iter().map(|name| name.to_string()).collect();
        named.sort();
        assert_eq!(written, named);
        assert!(TRAILS.starts_with("evidence/") && TRAILS.ends_with(".md"));
    }

    /// A panic while a workbook is written (rust_xlsxwriter's, on a full disk) is the
    /// report's error, marked for the panic hook only while it is written.
    #[test]
    fn a_panic_while_a_workbook_is_written_is_the_reports_error() {
        assert!(!super::writing_workbook());
        let result = super::contained(|| {
            assert!(super::writing_workbook());
            panic!("Couldn't write to xml file: Os {{ code: 28 }}")
        });
        let message = result.unwrap_err();
        assert!(message.contains("temporary file"), "{message}");
        assert!(message.contains("Couldn't write to xml file"), "{message}");
        assert!(!super::writing_workbook());
        assert_eq!(super::contained(|| Ok(())), Ok(()));
    }
}
