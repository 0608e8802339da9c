//! The output folders of a run, never half written, never written by two runs at once,
//! and a run that stops cleanly on SIGTERM or SIGINT.
//!
//! **Whole or untouched.** A run writes every report (and every evidence pack) into a
//! staging folder beside `--out`, in the same parent: `.<name>.partial-<pid>`. When every
//! file is written, each is flushed to disk (`fsync`), the files the user put in the old
//! folder are carried over (hard links, else copies), the folders are flushed, and the
//! staging folder is swapped into place. On Linux the swap is one `renameat2(…,
//! RENAME_EXCHANGE)`: at every instant `--out` is the complete previous report or the
//! complete new one, never a mix, never missing; the old folder, now under the staging
//! name, is then removed. Where the exchange is not supported (another system, a file
//! system without it) the swap is two renames — `--out` aside to `.<name>.old-<pid>`, the
//! staging folder to `--out` — and between the two (microseconds) `--out` does not exist;
//! a run killed right there leaves the previous report under the `.old` name and the next
//! run renames it back. A run that is killed, interrupted or fails (disk full) at any
//! other moment leaves `--out` exactly as it was; its staging folder is removed, or, after
//! `kill -9`, by the next run on the same folder.
//!
//! `--evidence DIR` outside `--out` is a second folder swapped the same way (just before
//! `--out`); inside `--out` it is part of the `--out` swap.
//!
//! **One run per folder.** A run holds `<name>.lock` beside each folder it swaps, created
//! with `O_EXCL` and held with an advisory `flock` for the run's life; it names the pid and
//! the start time. A second run on the same folder exits at once with status 2 and a
//! message naming the lock and the pid holding it. The kernel releases a `flock` when its
//! process ends, however it ends, so a lock file nobody holds (a run killed with `kill -9`)
//! is stale: the next run takes it over and says so on stderr. Nothing ever waits for a
//! lock.
//!
//! **Interruption.** [`handle_signals`] turns SIGTERM and SIGINT into a flag
//! ([`interrupted`]) that the pipeline checks between stages and per billing file and
//! part, and the report writers between files; the run then removes its staging folder,
//! releases its locks and exits with [`INTERRUPTED`] (3). Should a stage not come back to
//! a check within half a second (one large file being read, a workbook being parsed), the
//! signal thread does the same cleanup itself and exits with 3, so a run always ends
//! within two seconds of the signal (within about half a second). A signal that arrives once the reports are swapped in changes nothing: the
//! run is complete. SIGXFSZ (a file-size limit) is turned into a write error, like a full
//! disk.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// The exit status of a run stopped by SIGTERM or SIGINT.
pub const INTERRUPTED: u8 = 3;

/// How long the pipeline has to reach a check after a signal before the signal thread
/// cleans up and exits on its own.
const GRACE: Duration = Duration::from_millis(500);

/// Why the output folders cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Another run holds the folder's lock.
    #[error(
        "`{lock}` is held by another rebate-audit run ({holder}) writing to `{folder}`; wait for it to end (a lock nobody holds any more is taken over by the next run)"
    )]
    Locked {
        /// The lock file.
        lock: String,
        /// The folder it guards.
        folder: String,
        /// `pid N, started …` as the lock file says.
        holder: String,
    },
    /// The folder cannot be replaced as a whole.
    #[error("{option} `{path}`: {why}")]
    Unusable {
        /// `--out` or `--evidence`.
        option: &'static str,
        /// The folder as given.
        path: String,
        /// Why, and what to do.
        why: String,
    },
    /// The run was interrupted (SIGTERM, SIGINT).
    #[error("interrupted by {0}")]
    Interrupted(&'static str),
    /// A file system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

// ---------------------------------------------------------------------------------------
// Interruption
// ---------------------------------------------------------------------------------------

static FLAG: AtomicBool = AtomicBool::new(false);
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Set by SIGXFSZ's handler; its only purpose is that the signal no longer kills.
static FILE_SIZE_SIGNAL: AtomicBool = AtomicBool::new(false);

/// What the signal thread removes before it exits, and whether the reports are in place.
struct Registry {
    folders: Vec<PathBuf>,
    locks: Vec<PathBuf>,
    committed: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    folders: Vec::new(),
    locks: Vec::new(),
    committed: false,
});

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether SIGTERM or SIGINT has arrived.
pub fn interrupted() -> bool {
    FLAG.load(Ordering::SeqCst)
}

/// The name of the signal that interrupted the run.
pub fn signal_name() -> &'static str {
    match SIGNAL.load(Ordering::SeqCst) {
        signal_hook::consts::SIGINT => "SIGINT",
        signal_hook::consts::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// `Err` once the run is interrupted: the check the report writers make between files.
///
/// # Errors
/// When SIGTERM or SIGINT has arrived.
pub fn check() -> io::Result<()> {
    if interrupted() {
        Err(io::Error::other(OutputError::Interrupted(signal_name())))
    } else {
        Ok(())
    }
}

/// Installs the handlers for SIGTERM and SIGINT (see the module comment) and makes
/// SIGXFSZ an ordinary write error. Idempotent.
///
/// # Errors
/// When the handlers cannot be installed.
pub fn handle_signals() -> io::Result<()> {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
    signal_hook::flag::register(SIGXFSZ, &FILE_SIZE_SIGNAL)?;
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if FLAG.swap(true, Ordering::SeqCst) {
                    continue;
                }
                SIGNAL.store(signal, Ordering::SeqCst);
                std::thread::sleep(GRACE);
                force_exit();
            }
        })?;
    let _ = INSTALLED.set(());
    Ok(())
}

/// The pipeline did not stop within [`GRACE`]: remove the staging folders and the locks
/// and exit with [`INTERRUPTED`] — unless the reports are already swapped in, when the
/// run is finishing anyway.
fn force_exit() {
    // Waits while a swap is under way: it never stops halfway.
    let registry = registry();
    if registry.committed {
        return;
    }
    for folder in &registry.folders {
        let _ = fs::remove_dir_all(folder);
    }
    for lock in &registry.locks {
        let _ = fs::remove_file(lock);
    }
    eprintln!(
        "rebate-audit: interrupted by {}: stopped; no report was written and the previous reports are unchanged",
        signal_name()
    );
    std::process::exit(i32::from(INTERRUPTED));
}

// ---------------------------------------------------------------------------------------
// Lock
// ---------------------------------------------------------------------------------------

/// A held `<folder>.lock`: released (and the file removed) when dropped.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    _file: File,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no run can take the file over in between.
        let _ = fs::remove_file(&self.path);
        registry().locks.retain(|lock| lock != &self.path);
    }
}

/// `Ok(true)` when this process now holds `file`'s lock, `Ok(false)` when another does.
#[cfg(unix)]
fn try_flock(file: &File) -> io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a file descriptor this process owns; no memory is shared.
    let result = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if result == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(error)
    }
}

#[cfg(not(unix))]
fn try_flock(_file: &File) -> io::Result<bool> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(unix)]
fn unlock(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: as in try_flock.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_UN) };
}

#[cfg(not(unix))]
fn unlock(_file: &File) {}

/// Whether a process with this id exists (a process of another user counts).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// Whether `file` is still the file at `path` (not one a releasing run unlinked).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// What a lock file says about its holder.
struct Holder {
    pid: Option<u32>,
    text: String,
}

impl Holder {
    fn read(file: &mut File) -> Holder {
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        let field = |key: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(key))
                .map(str::trim)
                .map(str::to_string)
        };
        let pid = field("pid=").and_then(|pid| pid.parse().ok());
        let started = field("started=");
        let shown = match (pid, started) {
            (Some(pid), Some(started)) => format!("pid {pid}, started {started}"),
            (Some(pid), None) => format!("pid {pid}"),
            _ => "no pid recorded".into(),
        };
        Holder { pid, text: shown }
    }
}

/// Takes `<folder>.lock` (see the module comment).
fn acquire(lock: &Path, folder: &Path) -> Result<Lock, OutputError> {
    let contents = format!(
        "pid={}\nstarted={}\nfolder={}\n",
        std::process::id(),
        chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z"),
        folder.display()
    );
    let locked = |holder: &Holder| OutputError::Locked {
        lock: lock.display().to_string(),
        folder: folder.display().to_string(),
        holder: holder.text.clone(),
    };
    // A run that has just created the file may not hold it yet: look again a few times
    // (at most about a second), never longer.
    const ATTEMPTS: usize = 50;
    for attempt in 0..ATTEMPTS {
        let last = attempt + 1 == ATTEMPTS;
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(lock)
        {
            Ok(mut file) => {
                // Another run may be looking at the new file this very moment.
                let mut held = false;
                for _ in 0..ATTEMPTS {
                    match try_flock(&file) {
                        Ok(true) | Err(_) => {
                            held = true;
                            break;
                        }
                        Ok(false) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
                if !held || !same_file(&file, lock) {
                    continue;
                }
                registry().locks.push(lock.to_path_buf());
                file.write_all(contents.as_bytes())
                    .and_then(|()| file.flush())
                    .map_err(io_error(lock))?;
                return Ok(Lock {
                    path: lock.to_path_buf(),
                    _file: file,
                });
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(io_error(lock)(error)),
        }
        let mut file = match OpenOptions::new().read(true).write(true).open(lock) {
            Ok(file) => file,
            // Released between the two opens: try again.
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(io_error(lock)(error)),
        };
        let flocked = try_flock(&file);
        let mut holder = Holder::read(&mut file);
        let ours = match flocked {
            Ok(ours) => ours,
            // No flock on this file system: the pid decides.
            Err(_) => !holder.pid.is_some_and(alive),
        };
        if !ours {
            if holder.pid.is_none() {
                // Locked but not yet written: give its run a moment to say who it is.
                std::thread::sleep(Duration::from_millis(50));
                let _ = io::Seek::rewind(&mut file);
                holder = Holder::read(&mut file);
            }
            return Err(locked(&holder));
        }
        if !same_file(&file, lock) {
            continue;
        }
        // Held by nobody. Empty: a run created it and is about to lock it; look again.
        if holder.pid.is_none() && !last {
            unlock(&file);
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        let gone = match holder.pid {
            Some(pid) if alive(pid) => "its process no longer holds it",
            Some(_) => "its process is no longer running",
            None => "it names no process",
        };
        eprintln!(
            "rebate-audit: taking over the stale lock `{}` ({}): {gone}",
            lock.display(),
            holder.text
        );
        registry().locks.push(lock.to_path_buf());
        file.set_len(0)
            .and_then(|()| io::Seek::rewind(&mut file))
            .and_then(|()| file.write_all(contents.as_bytes()))
            .and_then(|()| file.flush())
            .map_err(io_error(lock))?;
        return Ok(Lock {
            path: lock.to_path_buf(),
            _file: file,
        });
    }
    let mut holder = Holder {
        pid: None,
        text: "it could not be taken".into(),
    };
    if let Ok(mut file) = File::open(lock) {
        holder = Holder::read(&mut file);
    }
    Err(locked(&holder))
}

// ---------------------------------------------------------------------------------------
// Folders
// ---------------------------------------------------------------------------------------

/// A folder the run replaces as a whole.
#[derive(Debug)]
struct Target {
    /// `--out` or `--evidence`.
    option: &'static str,
    /// The folder, its parent resolved (a symbolic link to a folder is followed).
    path: PathBuf,
    parent: PathBuf,
    name: OsString,
    /// Whether this is `--out` (whose `evidence/*.md` are reports).
    reports: bool,
}

impl Target {
    fn sibling(&self, prefix: &str, suffix: &str) -> PathBuf {
        let mut name = OsString::from(prefix);
        name.push(&self.name);
        name.push(suffix);
        self.parent.join(name)
    }

    fn staging(&self) -> PathBuf {
        self.sibling(".", &format!(".partial-{}", std::process::id()))
    }

    fn aside(&self) -> PathBuf {
        self.sibling(".", &format!(".old-{}", std::process::id()))
    }

    fn lock(&self) -> PathBuf {
        self.sibling("", ".lock")
    }

    fn unusable(&self, why: impl Into<String>) -> OutputError {
        OutputError::Unusable {
            option: self.option,
            path: self.path.display().to_string(),
            why: why.into(),
        }
    }
}

/// Resolves `path` to a folder that can be swapped as a whole.
fn resolve(option: &'static str, path: &Path, reports: bool) -> Result<Target, OutputError> {
    let unusable = |why: &str| OutputError::Unusable {
        option,
        path: path.display().to_string(),
        why: why.into(),
    };
    let resolved = if fs::symlink_metadata(path).is_ok() {
        path.canonicalize().map_err(io_error(path))?
    } else {
        let Some(name) = path.file_name() else {
            return Err(unusable("not a folder name"));
        };
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        parent.canonicalize().map_err(io_error(parent))?.join(name)
    };
    if resolved.exists() && !resolved.is_dir() {
        return Err(unusable("is a file, not a folder"));
    }
    let (Some(parent), Some(name)) = (resolved.parent(), resolved.file_name()) else {
        return Err(unusable(
            "the root folder cannot be replaced; give a folder of its own",
        ));
    };
    let target = Target {
        option,
        path: resolved.clone(),
        parent: parent.to_path_buf(),
        name: name.to_os_string(),
        reports,
    };
    if let Ok(cwd) = std::env::current_dir().and_then(|cwd| cwd.canonicalize())
        && cwd.starts_with(&resolved)
    {
        return Err(target.unusable(
            "is (or holds) the current folder; the reports replace the folder as a whole, so give a folder of its own, e.g. `audit-out`",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(folder), Ok(above)) = (fs::metadata(&resolved), fs::metadata(parent))
            && folder.dev() != above.dev()
        {
            return Err(target.unusable(
                "is a mount point; the reports replace the folder as a whole, so give a folder inside it",
            ));
        }
    }
    Ok(target)
}

/// Refuses a non-empty folder that holds nothing a run wrote: replacing it would carry a
/// whole unrelated tree over (`--out ~`).
fn check_contents(target: &Target) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(&target.path) else {
        return Ok(());
    };
    let mut empty = true;
    for entry in entries.flatten() {
        empty = false;
        let name = entry.file_name();
        let path = entry.path();
        let ours = if target.reports {
            name == "findings.json" || name == "evidence"
        } else {
            crate::report::pack::is_pack(&path)
        };
        if ours {
            return Ok(());
        }
    }
    if empty {
        return Ok(());
    }
    Err(target.unusable(if target.reports {
        "is not empty and holds no report of rebate-audit (no findings.json); the reports replace the folder as a whole, so give a new or empty folder, or one an earlier run wrote"
    } else {
        "is not empty and holds no evidence pack; the packs replace the folder as a whole, so give a new or empty folder, or one an earlier run wrote"
    }))
}

/// The process id in a staging or set-aside name of `target`, when `name` is one.
fn leftover_pid(target: &Target, name: &OsStr, kind: &str) -> Option<u32> {
    let name = name.to_str()?;
    let rest = name
        .strip_prefix('.')?
        .strip_prefix(target.name.to_str()?)?
        .strip_prefix(kind)?;
    (!rest.is_empty() && rest.bytes().all(|byte| byte.is_ascii_digit()))
        .then(|| rest.parse().ok())
        .flatten()
}

/// With the lock held: puts back the previous folder a run killed mid-swap left aside,
/// and removes the staging and set-aside folders of dead runs.
fn tidy(target: &Target) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(&target.parent) else {
        return Ok(());
    };
    let me = std::process::id();
    let mut leftovers: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name();
            let old = leftover_pid(target, &name, ".old-");
            let partial = leftover_pid(target, &name, ".partial-");
            match (old, partial) {
                (Some(pid), _) if pid != me => Some((entry.path(), true)),
                (_, Some(pid)) if pid != me => Some((entry.path(), false)),
                _ => None,
            }
        })
        .collect();
    leftovers.sort();
    for (path, old) in leftovers {
        if old && fs::symlink_metadata(&target.path).is_err() {
            fs::rename(&path, &target.path).map_err(io_error(&target.path))?;
            eprintln!(
                "rebate-audit: put back `{}`, which a run stopped while swapping in its reports had set aside as `{}`",
                target.path.display(),
                path.display()
            );
            continue;
        }
        fs::remove_dir_all(&path).map_err(io_error(&path))?;
        tracing::info!(folder = %path.display(), "removed the leftover of a stopped run");
    }
    Ok(())
}

/// A target with its staging folder, removed unless swapped in.
#[derive(Debug)]
struct Staged {
    target: Target,
    staging: PathBuf,
    done: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.staging);
        }
        registry().folders.retain(|folder| folder != &self.staging);
    }
}

/// The output folders of one `run`: locked, with a staging folder each; written into
/// [`Output::reports`] and [`Output::packs`], then swapped into place by
/// [`Output::commit`]. Dropped without a commit, the staging folders are removed and the
/// old folders stay as they were.
#[derive(Debug)]
pub struct Output {
    // Dropped in this order: staging folders, then locks.
    staged: Vec<Staged>,
    _locks: Vec<Lock>,
    /// Where the packs go, inside a staging folder.
    packs: Option<PathBuf>,
}

impl Output {
    /// Locks `out` (and the pack folder `evidence`, when packs are written and it is not
    /// inside `out`), tidies what stopped runs left, and creates the staging folders.
    ///
    /// # Errors
    /// When a folder is locked by a live run, cannot be replaced as a whole (a file, a
    /// mount point, the current folder, a folder of other things), or on an I/O failure.
    pub fn begin(out: &Path, evidence: Option<&Path>) -> Result<Output, OutputError> {
        let out = resolve("--out", out, true)?;
        let mut targets = vec![out];
        let mut inside: Option<PathBuf> = None;
        if let Some(evidence) = evidence {
            let packs = resolve("--evidence", evidence, false)?;
            let out = &targets[0];
            if let Ok(relative) = packs.path.strip_prefix(&out.path) {
                inside = Some(relative.to_path_buf());
            } else if out.path.starts_with(&packs.path) {
                return Err(packs.unusable(
                    "holds --out; give a folder of its own for the packs (or none: they then go to `evidence/` inside --out)",
                ));
            } else {
                targets.insert(0, packs);
            }
        }
        let mut locks = Vec::new();
        for target in &targets {
            locks.push(acquire(&target.lock(), &target.path)?);
        }
        let mut staged = Vec::new();
        for target in targets {
            tidy(&target)?;
            check_contents(&target)?;
            let staging = target.staging();
            if fs::symlink_metadata(&staging).is_ok() {
                fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
            }
            registry().folders.push(staging.clone());
            let entry = Staged {
                target,
                staging,
                done: false,
            };
            fs::create_dir(&entry.staging).map_err(io_error(&entry.staging))?;
            staged.push(entry);
        }
        let reports = &staged.last().expect("--out is always a target").staging;
        let packs = match (evidence, inside) {
            (None, _) => None,
            (Some(_), Some(relative)) => Some(reports.join(relative)),
            (Some(_), None) => Some(staged[0].staging.clone()),
        };
        Ok(Output {
            staged,
            _locks: locks,
            packs,
        })
    }

    /// Where the reports are written (the staging folder of `--out`).
    pub fn reports(&self) -> &Path {
        &self
            .staged
            .last()
            .expect("--out is always a target")
            .staging
    }

    /// Where the evidence packs are written, when they are.
    pub fn packs(&self) -> Option<&Path> {
        self.packs.as_deref()
    }

    /// The folder the reports end up in (`--out`, resolved).
    pub fn out(&self) -> &Path {
        &self
            .staged
            .last()
            .expect("--out is always a target")
            .target
            .path
    }

    /// Flushes every file written, carries over what the user kept in the old folders,
    /// and swaps the staging folders into place (see the module comment).
    ///
    /// # Errors
    /// When interrupted before the swap (nothing is swapped then), or on an I/O failure.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let started = std::time::Instant::now();
        let stopped = || OutputError::Interrupted(signal_name());
        if interrupted() {
            return Err(stopped());
        }
        for staged in &self.staged {
            sync_files(&staged.staging)?;
            if let Ok(old) = fs::metadata(&staged.target.path) {
                carry(
                    &staged.target.path,
                    &staged.staging,
                    staged.target.reports,
                    Path::new(""),
                )?;
                // The folder keeps the permissions it had.
                fs::set_permissions(&staged.staging, old.permissions())
                    .map_err(io_error(&staged.staging))?;
            }
            sync_folders(&staged.staging)?;
        }
        let mut asides = Vec::new();
        {
            // The signal thread waits while this lock is held: a swap never stops halfway.
            let mut registry = registry();
            if interrupted() {
                return Err(stopped());
            }
            for staged in &mut self.staged {
                if let Some(aside) = swap(&staged.target, &staged.staging)? {
                    asides.push(aside);
                }
                staged.done = true;
            }
            registry.committed = true;
        }
        for staged in &self.staged {
            sync_folder(&staged.target.parent)?;
        }
        for aside in asides {
            remove_folder(&aside)?;
        }
        tracing::debug!(
            out = %self.out().display(),
            folders = self.staged.len(),
            elapsed_ms = crate::app::pipeline::elapsed_ms(started),
            "reports flushed to disk and swapped in"
        );
        Ok(())
    }
}

/// Puts `staging` in place of `target`; returns where the old folder now is, to remove.
fn swap(target: &Target, staging: &Path) -> Result<Option<PathBuf>, OutputError> {
    if fs::symlink_metadata(&target.path).is_err() {
        fs::rename(staging, &target.path).map_err(io_error(&target.path))?;
        return Ok(None);
    }
    if exchange(staging, &target.path).is_ok() {
        // The old folder is now under the staging name.
        return Ok(Some(staging.to_path_buf()));
    }
    let aside = target.aside();
    fs::rename(&target.path, &aside).map_err(io_error(&target.path))?;
    if let Err(error) = fs::rename(staging, &target.path) {
        let _ = fs::rename(&aside, &target.path);
        return Err(io_error(&target.path)(error));
    }
    Ok(Some(aside))
}

/// Exchanges two paths atomically.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: two NUL-terminated paths that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE as _,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Flushes every regular file under `folder` to disk, on all workers: each `fsync` mostly
/// waits for the disk, and the disk takes several at once.
fn sync_files(folder: &Path) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    regular_files(folder, &mut files)?;
    files.par_iter().try_for_each(|path| {
        File::open(path)
            .and_then(|file| file.sync_all())
            .map_err(io_error(path))
    })
}

/// Removes `folder` and everything in it, its files on all workers (on a file system that
/// discards freed blocks, each removal waits for the disk).
fn remove_folder(folder: &Path) -> Result<(), OutputError> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    regular_files(folder, &mut files)?;
    files
        .par_iter()
        .try_for_each(|path| fs::remove_file(path).map_err(io_error(path)))?;
    fs::remove_dir_all(folder).map_err(io_error(folder))
}

/// Every regular file under `folder`, in directory order.
fn regular_files(folder: &Path, files: &mut Vec<PathBuf>) -> Result<(), OutputError> {
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io_error(&path))?;
        if kind.is_dir() {
            regular_files(&path, files)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// Flushes `folder` and every folder under it (their entries) to disk.
fn sync_folders(folder: &Path) -> Result<(), OutputError> {
    for entry in fs::read_dir(folder).map_err(io_error(folder))? {
        let entry = entry.map_err(io_error(folder))?;
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            sync_folders(&entry.path())?;
        }
    }
    sync_folder(folder)
}

fn sync_folder(folder: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    File::open(folder)
        .and_then(|file| file.sync_all())
        .map_err(io_error(folder))?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

/// Carries into `new` what the user put in `old` (hard links, else copies): everything
/// the new run did not write, except the files of runs — `*.partial`, the files of an
/// evidence pack, and `evidence/*.md` of a report folder — so reports and packs of
/// contracts that no longer have findings are gone, and nothing else is.
fn carry(old: &Path, new: &Path, reports: bool, relative: &Path) -> Result<(), OutputError> {
    let pack = crate::report::pack::is_pack(old);
    let evidence_files = reports && relative == Path::new("evidence");
    for entry in fs::read_dir(old).map_err(io_error(old))? {
        let entry = entry.map_err(io_error(old))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let from = entry.path();
        let kind = entry.file_type().map_err(io_error(&from))?;
        let run_file = text.ends_with(".partial")
            || (pack && crate::report::pack::FILES.contains(&text.as_ref()))
            || (evidence_files && kind.is_file() && text.ends_with(".md"));
        if run_file {
            continue;
        }
        let to = new.join(&name);
        if let Ok(existing) = fs::symlink_metadata(&to) {
            // The new run wrote this name: its file wins; folders merge.
            if kind.is_dir() && existing.is_dir() {
                carry(&from, &to, reports, &relative.join(&name))?;
            }
            continue;
        }
        if kind.is_dir() {
            carry(&from, &to, reports, &relative.join(&name))?;
            // An empty folder of the user's stays; a pack folder left empty goes.
            if !crate::report::pack::is_pack(&from) && fs::symlink_metadata(&to).is_err() {
                fs::create_dir_all(&to).map_err(io_error(&to))?;
            }
            if let (Ok(metadata), true) = (fs::metadata(&from), to.is_dir()) {
                fs::set_permissions(&to, metadata.permissions()).map_err(io_error(&to))?;
            }
            continue;
        }
        fs::create_dir_all(new).map_err(io_error(new))?;
        if kind.is_file() {
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to).map_err(io_error(&to))?;
            }
        } else if kind.is_symlink() {
            #[cfg(unix)]
            {
                let link = fs::read_link(&from).map_err(io_error(&from))?;
                std::os::unix::fs::symlink(link, &to).map_err(io_error(&to))?;
            }
        } else {
            tracing::warn!(path = %from.display(), "not carried over: neither a file, a folder nor a link");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn pack_manifest() -> String {
        format!("{{\"schema\": \"{}\"}}", crate::report::pack::SCHEMA)
    }

    #[test]
    fn a_commit_replaces_the_folder_and_keeps_what_the_user_put_there() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("audit-out");
        write(&out.join("findings.json"), "old");
        write(&out.join("evidence/C1.md"), "old trail");
        write(&out.join("evidence/notes.txt"), "mine");
        write(&out.join("evidence/C9/manifest.json"), &pack_manifest());
        write(&out.join("evidence/C9/trail.md"), "stale pack");
        write(&out.join("evidence/C9/reply.eml"), "mine too");
        write(&out.join("evidence/C2/manifest.json"), &pack_manifest());
        write(&out.join("readme.txt"), "mine");
        write(&out.join("findings.csv.partial"), "junk");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
        }
        let output = Output::begin(&out, None).unwrap();
        let staging = output.reports().to_path_buf();
        assert!(staging.starts_with(dir.path()));
        assert!(dir.path().join("audit-out.lock").exists());
        write(&staging.join("findings.json"), "new");
        write(&staging.join("evidence/C3.md"), "new trail");
        output.commit().unwrap();
        let read = |name: &str| fs::read_to_string(out.join(name)).ok();
        assert_eq!(read("findings.json").as_deref(), Some("new"));
        assert_eq!(read("evidence/C3.md").as_deref(), Some("new trail"));
        assert_eq!(read("evidence/C1.md"), None);
        assert_eq!(read("evidence/notes.txt").as_deref(), Some("mine"));
        assert_eq!(read("readme.txt").as_deref(), Some("mine"));
        assert_eq!(read("evidence/C9/reply.eml").as_deref(), Some("mine too"));
        assert_eq!(read("evidence/C9/trail.md"), None);
        assert_eq!(read("evidence/C9/manifest.json"), None);
        assert!(!out.join("evidence/C2").exists());
        assert_eq!(read("findings.csv.partial"), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&out).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o750, "the folder keeps its permissions");
        }
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["audit-out"], "no staging folder nor lock is left");
    }

    #[test]
    fn dropped_without_a_commit_the_old_folder_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(&out.join("findings.json"), "old");
        let output = Output::begin(&out, None).unwrap();
        write(&output.reports().join("findings.json"), "half");
        drop(output);
        assert_eq!(
            fs::read_to_string(out.join("findings.json")).unwrap(),
            "old"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_second_run_on_the_same_folder_is_refused_and_a_stale_lock_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let first = Output::begin(&out, None).unwrap();
        let error = Output::begin(&out, None).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, OutputError::Locked { .. }), "{message}");
        assert!(message.contains("out.lock"), "{message}");
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        assert!(!dir.path().join("out.lock").exists());
        // A lock file nobody holds, naming a process that is gone.
        write(
            &dir.path().join("out.lock"),
            "pid=999999999\nstarted=2026-01-01T00:00:00+08:00\n",
        );
        let second = Output::begin(&out, None).unwrap();
        let text = fs::read_to_string(dir.path().join("out.lock")).unwrap();
        assert!(text.contains(&format!("pid={}", std::process::id())));
        drop(second);
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed_and_a_folder_set_aside_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write(
            &dir.path().join(".out.partial-999999991/findings.json"),
            "half",
        );
        write(
            &dir.path().join(".out.old-999999992/findings.json"),
            "previous",
        );
        write(&dir.path().join(".out.partial-9x/keep"), "not ours");
        write(
            &dir.path().join(".output.partial-999999993/keep"),
            "not ours",
        );
        let output = Output::begin(&out, None).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("findings.json")).unwrap(),
            "previous"
        );
        assert!(!dir.path().join(".out.partial-999999991").exists());
        assert!(!dir.path().join(".out.old-999999992").exists());
        assert!(dir.path().join(".out.partial-9x").exists());
        assert!(dir.path().join(".output.partial-999999993").exists());
        drop(output);
    }

    #[test]
    fn folders_that_cannot_be_replaced_whole_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("home/photos.jpg"), "x");
        let error = Output::begin(&dir.path().join("home"), None).unwrap_err();
        assert!(error.to_string().contains("no report"), "{error}");
        write(&dir.path().join("file"), "x");
        let error = Output::begin(&dir.path().join("file"), None).unwrap_err();
        assert!(error.to_string().contains("not a folder"), "{error}");
        let error = Output::begin(&dir.path().join("out"), Some(dir.path())).unwrap_err();
        assert!(error.to_string().contains("holds --out"), "{error}");
    }

    #[test]
    fn packs_inside_out_are_staged_with_the_reports_and_outside_on_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let inside = Output::begin(&out, Some(&out.join("evidence"))).unwrap();
        assert_eq!(inside.packs().unwrap(), inside.reports().join("evidence"));
        drop(inside);
        let packs = dir.path().join("packs");
        write(&packs.join("C1/manifest.json"), &pack_manifest());
        write(&packs.join("C1/trail.md"), "old");
        let outside = Output::begin(&out, Some(&packs)).unwrap();
        let staging = outside.packs().unwrap().to_path_buf();
        assert!(staging.starts_with(dir.path()) && !staging.starts_with(outside.reports()));
        assert!(dir.path().join("packs.lock").exists());
        write(&staging.join("C2/manifest.json"), &pack_manifest());
        write(&outside.reports().join("findings.json"), "new");
        outside.commit().unwrap();
        assert!(!packs.join("C1").exists());
        assert!(packs.join("C2/manifest.json").exists());
        assert!(out.join("findings.json").exists());
    }
}
