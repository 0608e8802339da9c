//! Reports: `findings.json`, `findings.csv`, `findings.xlsx`, `summary.md`, `summary.html`,
//! `report.html` and `evidence/<contract>.md`. Rendering is pure (audit in, bytes out).
//! Text from the inputs reaches the Markdown reports only through [`markdown::escape`].
//! A run writes them into a staging folder that replaces `--out` as a whole once every
//! file is written ([`crate::store`]), so a crash never leaves half a report, nor a mix
//! of two runs' reports.

pub mod evidence;
pub mod excel;
pub mod explain;
pub mod html;
pub mod html_parts;
pub mod json;
pub mod markdown;
pub mod pack;
pub mod summary;
pub mod table;
pub mod tables;
pub mod totals;
pub mod workbook;

use crate::domain::audit::Audit;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use totals::Totals;

/// A report file: its path relative to the output folder, and how to render it.
type Renderer<'a> = (
    PathBuf,
    Box<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync + 'a>,
);

/// Every report of an audit, not yet rendered: each is rendered just before it is
/// written, so memory holds a few reports at a time (one per worker), never all of them.
pub fn reports(audit: &Audit) -> Vec<Renderer<'_>> {
    let totals = std::sync::Arc::new(Totals::of(audit));
    let for_workbook = totals.clone();
    let for_report = std::sync::Arc::clone(&totals);
    let (for_json, for_markdown, for_html) = (totals.clone(), totals.clone(), totals);
    // Biggest first (they are written in this order by whichever worker is free).
    let mut files: Vec<Renderer<'_>> = vec![
        (
            PathBuf::from("report.xlsx"),
            Box::new(move || {
                workbook::render(audit, &for_workbook).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("findings.json"),
            Box::new(move || Ok(json::render(audit, &for_json).into_bytes())),
        ),
        (
            PathBuf::from("report.html"),
            Box::new(move || html::render(audit, &for_report).map(String::into_bytes)),
        ),
        (
            PathBuf::from("findings.xlsx"),
            Box::new(|| {
                tables::xlsx(&audit.findings, audit.changes.as_ref())
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("findings.csv"),
            Box::new(|| {
                tables::csv(&audit.findings, audit.changes.as_ref())
                    .map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("summary.html"),
            Box::new(move || Ok(summary::html(audit, &for_html).into_bytes())),
        ),
        (
            PathBuf::from("summary.md"),
            Box::new(move || Ok(summary::markdown(audit, &for_markdown).into_bytes())),
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
            Box::new(move || Ok(evidence::render(audit, result).into_bytes())),
        ));
    }
    files
}

/// Renders and writes every report under `out`, one at a time (a run passes its staging
/// folder, see [`crate::store`]). `check` runs before each file; its error (a run passes
/// [`crate::store::check`], an error once the run is interrupted) stops the writing, so
/// the report layer needs nothing of the output folder's signal handling. Old evidence
/// files are removed first so the folder reflects this run only.
///
/// # Errors
/// On a rendering failure or any I/O failure, naming the path, or `check`'s error.
pub fn write_all(
    audit: &Audit,
    out: &Path,
    check: impl Fn() -> io::Result<()> + Sync,
) -> io::Result<()> {
    let context = |path: &Path, error: io::Error| {
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    let evidence = out.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|error| context(&evidence, error))?;
    for entry in std::fs::read_dir(&evidence)
        .map_err(|error| context(&evidence, error))?
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|extension| extension == "md") {
            std::fs::remove_file(&path).map_err(|error| context(&path, error))?;
        }
    }
    // Every file is rendered and written by whichever worker is free next, taking the
    // files in list order (the big ones first, so no worker is left with one at the end):
    // each file's bytes depend only on the audit, never on which worker wrote it or when.
    // Only one rendered file per worker is held in memory at a time. (A parallel iterator
    // would hand the first half of the list — every big file — to one worker.)
    let files = reports(audit);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failure: std::sync::Mutex<Option<io::Error>> = std::sync::Mutex::new(None);
    let write = || {
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((relative, render)) = files.get(index) else {
                return;
            };
            let result = check().and_then(|()| {
                let path = out.join(relative);
                let bytes = render().map_err(|message| {
                    io::Error::other(format!("{}: {message}", path.display()))
                })?;
                write_flushed(&path, &bytes).map_err(|error| context(&path, error))
            });
            if let Err(error) = result {
                // The first failure met is reported, and the other workers stop.
                let mut failure = failure.lock().unwrap_or_else(|poison| poison.into_inner());
                failure.get_or_insert(error);
                next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                return;
            }
        }
    };
    // One writer per worker. Each flushes its file as soon as it is written (see
    // `write_flushed`); more writers than cores were measured slower (they compete for the
    // cores and the disk: the report stage took 337 ms with four writers on two cores
    // against 256 ms with two).
    std::thread::scope(|scope| {
        for _ in 1..rayon::current_num_threads() {
            scope.spawn(write);
        }
        write();
    });
    match failure
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Writes a report and flushes it to disk (`fsync`) while the other reports are being
/// rendered, so the commit ([`crate::store::Output::commit`]) finds it already there.
fn write_flushed(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
