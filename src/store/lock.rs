//! One run per folder: `<name>.lock` beside each folder a run swaps, created with
//! `O_EXCL` and held with an advisory `flock` for the run's life, naming the pid and the
//! start time. The kernel releases a `flock` when its process ends, however it ends, so a
//! lock file nobody holds (a run killed with `kill -9`) is stale: the next run takes it
//! over and says so on stderr. Nothing ever waits for a lock.

use crate::store::cleanup::Cleanup;
use crate::store::error::{OutputError, io_error};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A held `<folder>.lock`: released (and the file removed) when dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    _file: File,
    cleanup: Cleanup,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no run can take the file over in between.
        let _ = fs::remove_file(&self.path);
        self.cleanup
            .registry()
            .locks
            .retain(|lock| lock != &self.path);
    }
}

/// `Ok(true)` when this process now holds `file`'s lock (an advisory `flock`), `Ok(false)`
/// when another does.
fn try_flock(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(error)) => Err(error),
    }
}

fn unlock(file: &File) {
    let _ = file.unlock();
}

/// Whether a process with this id exists (a process of another user counts).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // Signal 0 only checks that the process exists; EPERM means it does, as another user's.
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(error) => error == rustix::io::Errno::PERM,
    }
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
pub(crate) fn acquire(lock: &Path, folder: &Path, cleanup: &Cleanup) -> Result<Lock, OutputError> {
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
            Ok(file) => {
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
                return take(lock, file, &contents, cleanup);
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
            // Locked but not yet written, or still naming the dead run whose stale lock the
            // holder is taking over: give the holder a moment to say who it is, so the
            // refusal names the process that holds the lock now.
            for _ in 0..25 {
                if holder.pid.is_some_and(alive) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
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
        let _ = writeln!(
            std::io::stderr(),
            "rebate-audit: taking over the stale lock `{}` ({}): {gone}",
            lock.display(),
            holder.text
        );
        return take(lock, file, &contents, cleanup);
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

/// The lock file `file` is now this run's: registered for a signal's cleanup, and made to
/// name this run (a stale holder's text replaced).
fn take(
    lock: &Path,
    mut file: File,
    contents: &str,
    cleanup: &Cleanup,
) -> Result<Lock, OutputError> {
    cleanup.registry().locks.push(lock.to_path_buf());
    file.set_len(0)
        .and_then(|()| io::Seek::rewind(&mut file))
        .and_then(|()| file.write_all(contents.as_bytes()))
        .and_then(|()| file.flush())
        .map_err(io_error(lock))?;
    Ok(Lock {
        path: lock.to_path_buf(),
        _file: file,
        cleanup: cleanup.clone(),
    })
}
