//! Reports: `findings.json`, `findings.csv`, `findings.xlsx`, `summary.md`, `summary.html`
//! and `evidence/<contract>.md`. Rendering is pure (audit in, bytes out); writing is
//! atomic (temporary file, then rename), so a crash never leaves half a report.

pub mod evidence;
pub mod json;
pub mod summary;
pub mod tables;
pub mod totals;

use crate::pipeline::Audit;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use totals::Totals;

/// Renders every report: (path relative to the output folder, bytes).
///
/// # Errors
/// When the CSV or XLSX writer fails.
pub fn render_all(audit: &Audit) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let totals = Totals::of(audit);
    let mut files = vec![
        (
            PathBuf::from("findings.json"),
            json::render(audit, &totals).into_bytes(),
        ),
        (
            PathBuf::from("findings.csv"),
            tables::csv(&audit.findings).map_err(|error| error.to_string())?,
        ),
        (
            PathBuf::from("findings.xlsx"),
            tables::xlsx(&audit.findings).map_err(|error| error.to_string())?,
        ),
        (
            PathBuf::from("summary.md"),
            summary::markdown(audit, &totals).into_bytes(),
        ),
        (
            PathBuf::from("summary.html"),
            summary::html(audit, &totals).into_bytes(),
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
            evidence::render(audit, result).into_bytes(),
        ));
    }
    Ok(files)
}

/// Writes rendered reports under `out`, each atomically. Old evidence files are removed
/// first so the folder reflects this run only.
///
/// # Errors
/// On any I/O failure, naming the path.
pub fn write_all(out: &Path, files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
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
    for (relative, bytes) in files {
        let path = out.join(relative);
        let temporary = path.with_extension(format!(
            "{}.partial",
            path.extension()
                .map(|extension| extension.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        std::fs::write(&temporary, bytes).map_err(|error| context(&temporary, error))?;
        std::fs::rename(&temporary, &path).map_err(|error| context(&path, error))?;
    }
    Ok(())
}
