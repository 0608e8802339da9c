//! Writing what a run produced: the reports rendered and written by the workers, each file
//! streamed into its staging file as it is rendered and flushed to disk, then the output
//! folders committed. The report module renders (audit in, bytes into a writer) and the
//! store swaps folders; the threads and the files are this module's.

use crate::app::cancel::Cancel;
use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::store::{Layout, Output, OutputError};
use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::field::Empty;

/// What in the output folders is the run's own, by name (see [`Layout`]).
pub const LAYOUT: Layout = Layout {
    report_markers: &["findings.json", "evidence"],
    trails_folder: "evidence",
    trails_suffix: ".md",
    packs_folder: "packs",
    pack_files: &crate::report::pack::FILES,
    pack_marker: "manifest.json",
};

/// Write reports: every report of `audit`, its sentences in `lang`, into `folder` (a staging folder). Each file is
/// rendered and written by whichever worker is free next, taking the files in the
/// report module's order (the big ones first, so no worker is left with one at the end):
/// each file's bytes depend only on the audit, never on which worker wrote it or when.
/// No report is held whole in memory: each is written through a buffer into its file as
/// it is rendered. Stops between files once the run is stopped.
///
/// # Errors
/// On a rendering or I/O failure, naming the path, or when stopped.
pub fn write_reports(audit: &Audit, lang: Lang, folder: &Path, cancel: &Cancel) -> io::Result<()> {
    let span = tracing::info_span!(
        "stage",
        stage = "write reports",
        contracts = audit.contracts.len(),
        findings = audit.findings.len(),
        files = Empty
    )
    .entered();
    let context = |path: &Path, error: io::Error| {
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    let evidence = folder.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|error| context(&evidence, error))?;
    let files = crate::report::reports(audit, lang, folder);
    span.record("files", files.len());
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<io::Error>> = Mutex::new(None);
    let fail = |error: io::Error| {
        // The first failure met is reported, and the other workers stop.
        let mut failure = failure.lock().unwrap_or_else(|poison| poison.into_inner());
        failure.get_or_insert(error);
        next.store(files.len(), Ordering::Relaxed);
    };
    // A written file goes to the flushers, which `fsync` it while the workers render the
    // next: a worker never waits for the disk. The queue is short, so no more than a few
    // dozen files are open at once however many contracts the audit has.
    let (flush, flushing) = std::sync::mpsc::sync_channel::<(PathBuf, std::fs::File)>(FLUSH_QUEUE);
    let flushing = Mutex::new(flushing);
    let flusher = || {
        loop {
            let next = flushing
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .recv();
            let Ok((path, file)) = next else {
                return;
            };
            if let Err(error) = file.sync_all() {
                fail(io::Error::new(
                    error.kind(),
                    format!("{}: {error}", path.display()),
                ));
            }
        }
    };
    let write = |flush: std::sync::mpsc::SyncSender<(PathBuf, std::fs::File)>| {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((relative, render)) = files.get(index) else {
                return;
            };
            let path = folder.join(relative);
            let result = cancel
                .check()
                .map_err(io::Error::other)
                .and_then(|()| write_file(&path, render));
            match result {
                // The flushers outlive the workers: the queue is open while a worker sends.
                Ok(file) => {
                    let _ = flush.send((path, file));
                }
                Err(error) => {
                    fail(error);
                    return;
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..FLUSHERS {
            scope.spawn(flusher);
        }
        // One writer per worker. More writers than cores were measured slower (they
        // compete for the cores and the disk: the report stage took 337 ms with four
        // writers on two cores against 256 ms with two). A parallel iterator would hand
        // the first half of the list — every big file — to one worker.
        rayon::broadcast(|_| write(flush.clone()));
        // The last sender goes: the flushers finish the queue and stop.
        drop(flush);
    });
    match failure
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Size of the buffer between a renderer and its file: small writes (a CSV field, an XML
/// tag) reach the disk in blocks of this size.
const BUFFER: usize = 256 * 1024;

/// Threads that flush the written files to disk (`fsync`). They wait for the disk, not
/// for a core; several at once let the file system commit their flushes together (on
/// ext4, 4,000 small files flushed by 16 threads took a third of the time two took).
const FLUSHERS: usize = 8;

/// Written files waiting for a flusher, at most: when the disk falls behind, the workers
/// wait rather than hold thousands of files open.
const FLUSH_QUEUE: usize = 32;

/// Renders a report into its file through a buffer and returns the file, written but not
/// yet flushed to disk (the flushers do that while the next report is rendered, so the
/// commit finds it already there). Errors name the path.
fn write_file(path: &Path, render: &crate::report::Render<'_>) -> io::Result<std::fs::File> {
    use std::io::Write;
    let named =
        |error: io::Error| io::Error::new(error.kind(), format!("{}: {error}", path.display()));
    let file = std::fs::File::create(path).map_err(named)?;
    let mut out = io::BufWriter::with_capacity(BUFFER, file);
    render(&mut out)
        .map_err(|message| io::Error::other(format!("{}: {message}", path.display())))?;
    out.flush().map_err(named)?;
    out.into_inner().map_err(|error| named(error.into_error()))
}

/// Commit: the output folders flushed and swapped into place, their flushes and removals
/// on all workers (each `fsync` or removal mostly waits for the disk, which takes several
/// at once).
///
/// # Errors
/// When stopped before the swap, or on an I/O failure.
pub fn commit(output: Output, cancel: &Cancel) -> Result<(), OutputError> {
    let _span = tracing::info_span!("stage", stage = "commit").entered();
    output.commit(
        &|paths: &[PathBuf], operation: &(dyn Fn(&Path) -> Result<(), OutputError> + Sync)| {
            paths.par_iter().try_for_each(|path| operation(path))
        },
        &|| cancel.stopped(),
    )
}
