//! Reports: `findings.json`, `findings.csv`, `findings.xlsx`, `summary.md`, `summary.html`,
//! `report.html` and `evidence/<contract>.md`. Rendering is pure (audit in, bytes out).
//! A run writes them into a staging folder that replaces `--out` as a whole once every
//! file is written ([`crate::output`]), so a crash never leaves half a report, nor a mix
//! of two runs' reports.

pub mod evidence;
pub mod html;
pub mod json;
pub mod pack;
pub mod summary;
pub mod tables;
pub mod totals;
pub mod workbook;

use crate::pipeline::Audit;
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
    let mut files: Vec<Renderer<'_>> = vec![
        (
            PathBuf::from("findings.json"),
            Box::new(move || Ok(json::render(audit, &for_json).into_bytes())),
        ),
        (
            PathBuf::from("findings.csv"),
            Box::new(|| tables::csv(&audit.findings).map_err(|error| error.to_string())),
        ),
        (
            PathBuf::from("findings.xlsx"),
            Box::new(|| tables::xlsx(&audit.findings).map_err(|error| error.to_string())),
        ),
        (
            PathBuf::from("report.xlsx"),
            Box::new(move || {
                workbook::render(audit, &for_workbook).map_err(|error| error.to_string())
            }),
        ),
        (
            PathBuf::from("summary.md"),
            Box::new(move || Ok(summary::markdown(audit, &for_markdown).into_bytes())),
        ),
        (
            PathBuf::from("summary.html"),
            Box::new(move || Ok(summary::html(audit, &for_html).into_bytes())),
        ),
        (
            PathBuf::from("report.html"),
            Box::new(move || html::render(audit, &for_report).map(String::into_bytes)),
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
/// folder, see [`crate::output`]); stops between files once the run is interrupted. Old
/// evidence files are removed first so the folder reflects this run only.
///
/// # Errors
/// On a rendering failure or any I/O failure, naming the path, or when interrupted.
pub fn write_all(audit: &Audit, out: &Path) -> io::Result<()> {
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
    // Rendered a worker's count at a time in parallel, written one by one in their fixed
    // order: the bytes never depend on which worker rendered what.
    let renderers = reports(audit);
    let batch = rayon::current_num_threads().max(1);
    for chunk in renderers.chunks(batch) {
        crate::output::check()?;
        let rendered: Vec<Result<Vec<u8>, String>> = {
            use rayon::prelude::*;
            chunk.par_iter().map(|(_, render)| render()).collect()
        };
        for ((relative, _), bytes) in chunk.iter().zip(rendered) {
            let path = out.join(relative);
            let bytes = bytes
                .map_err(|message| io::Error::other(format!("{}: {message}", path.display())))?;
            std::fs::write(&path, &bytes).map_err(|error| context(&path, error))?;
        }
    }
    Ok(())
}
