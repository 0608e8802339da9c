//! A run killed at any moment (SIGKILL), interrupted (SIGTERM), run twice at once on one
//! folder, or out of disk space never damages the reports already in `--out`
//! (`src/store/`, `src/app/cancel.rs`). Every test runs the real binary on a generated audit of 300,000
//! billing lines — a few seconds of work for the test build — so a signal lands while it
//! reads, computes or writes.
//!
//! The tests of this file run one at a time (they measure time and kill processes, and
//! the machine has two cores): each takes [`serial`] first. The signal and lock tests of
//! the hostile suite (`hostile/signals.rs`: a signal during input discovery, stderr's
//! reader gone, a stale-lock race) share these helpers and the same [`serial`] lock.

#[path = "../../examples/support/mod.rs"]
pub(crate) mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Runs the tests of this file one after the other.
pub(crate) fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The generated audit (made once per test binary, under Cargo's target tmp folder).
pub(crate) struct Data {
    pub(crate) contracts: PathBuf,
    pub(crate) billing: PathBuf,
    pub(crate) payouts: PathBuf,
}

pub(crate) fn data(lines: u64) -> &'static Data {
    static BIG: OnceLock<Data> = OnceLock::new();
    static SMALL: OnceLock<Data> = OnceLock::new();
    let cell = if lines >= 100_000 { &BIG } else { &SMALL };
    cell.get_or_init(|| {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("kill-{lines}"));
        let spec = support::Spec {
            lines,
            files: 4,
            contracts: 60,
            layout: support::Layout::Generic,
            xlsx: false,
            parquet: false,
            contracts_csv: true,
            group: false,
            seed: 6,
        };
        // payouts.csv is written last: its presence means a complete data set.
        if !folder.join("payouts.csv").exists() {
            let _ = std::fs::remove_dir_all(&folder);
            support::generate(&folder, &spec).expect("the data set is generated");
        }
        Data {
            contracts: folder.join("contracts"),
            billing: folder.join("billing"),
            payouts: folder.join("payouts.csv"),
        }
    })
}

/// `rebate-audit run` on `data` into `out`, as of `as_of`, with `extra` arguments.
pub(crate) fn command(data: &Data, out: &Path, as_of: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rebate-audit"));
    command
        .args(["run", "--contracts"])
        .arg(&data.contracts)
        .arg("--billing")
        .arg(&data.billing)
        .arg("--payouts")
        .arg(&data.payouts)
        .args(["--as-of", as_of, "--threads", "2", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .env_remove("REBATE_AUDIT_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Runs to the end; returns the exit status, stderr and how long it took.
pub(crate) fn complete(mut command: Command) -> (i32, String, Duration) {
    let started = Instant::now();
    let output = command.output().expect("the binary runs");
    let status = output.status.code().expect("not killed by a signal");
    (
        status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
        started.elapsed(),
    )
}

/// Waits at most `limit` for `child`; `None` when it is still running.
pub(crate) fn wait_at_most(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// Waits until `path` exists (a file the run writes into its staging folder); `false`
/// when the run ended first.
pub(crate) fn wait_for(child: &mut Child, path: &Path) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if path.exists() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

/// The staging folder of run `child` for the folder `out`.
pub(crate) fn staging(out: &Path, child: &Child) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy();
    out.with_file_name(format!(".{name}.partial-{}", child.id()))
}

/// Moments of a run, besides fractions of its time: once these files exist in its
/// staging folder (the reports being written).
const WRITING: [&str; 3] = ["findings.json", "report.html", "evidence"];

pub(crate) fn stderr_of(child: &mut Child) -> String {
    let mut text = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
    }
    text
}

/// Every file under `folder`: relative path → bytes.
pub(crate) type Tree = BTreeMap<String, Vec<u8>>;

pub(crate) fn tree(folder: &Path) -> Tree {
    fn walk(root: &Path, folder: &Path, into: &mut Tree) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let relative = path.strip_prefix(root).unwrap().display().to_string();
                into.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = Tree::new();
    walk(folder, folder, &mut files);
    files
}

/// Puts `files` back as the whole content of `folder`.
pub(crate) fn restore(folder: &Path, files: &Tree) {
    let _ = std::fs::remove_dir_all(folder);
    for (relative, bytes) in files {
        let path = folder.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Names in `folder` (not recursive), sorted.
pub(crate) fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Which complete report `folder` holds, failing on anything else.
pub(crate) fn which(folder: &Path, old: &Tree, new: &Tree, context: &str) -> &'static str {
    let now = tree(folder);
    let partial: Vec<&String> = now
        .keys()
        .filter(|name| name.contains(".partial"))
        .collect();
    assert!(
        partial.is_empty(),
        "{context}: partial files inside --out: {partial:?}"
    );
    if &now == old {
        "previous"
    } else if &now == new {
        "new"
    } else {
        let differ: Vec<&String> = now
            .keys()
            .chain(old.keys())
            .filter(|name| now.get(*name) != old.get(*name))
            .collect();
        panic!(
            "{context}: --out is neither the previous nor the new report; differs from the previous in {differ:?}"
        )
    }
}

/// Deterministic fractions in [0.05, 1.1) (xorshift), so a failure reproduces.
fn fractions(seed: u64, count: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..count)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            0.05 + (state >> 11) as f64 / (1u64 << 53) as f64 * 1.05
        })
        .collect()
}

const OLD: &str = "2026-06-30";
pub(crate) const NEW: &str = "2026-07-31";

/// The previous (`OLD`) and new (`NEW`) reports of `data` in `out`, and the time a full
/// new run takes; `out` is left holding the previous one.
fn prepare(
    data: &Data,
    out: &Path,
    extra: &[&str],
    packs: Option<&Path>,
) -> (Tree, Tree, Duration) {
    let snapshot = |out: &Path| {
        let mut files = tree(out);
        if let Some(packs) = packs {
            for (name, bytes) in tree(packs) {
                files.insert(format!("<packs>/{name}"), bytes);
            }
        }
        files
    };
    let (status, stderr, took) = complete(command(data, out, NEW, extra));
    assert_eq!(status, 1, "{stderr}");
    let new = snapshot(out);
    let (status, stderr, _) = complete(command(data, out, OLD, extra));
    assert_eq!(status, 1, "{stderr}");
    let old = snapshot(out);
    assert_ne!(old, new, "the two audit dates give different reports");
    (old, new, took)
}

/// [`prepare`] without packs, made once per data set and put into `out`: the reports do
/// not depend on where `--out` is, so every test can start from the same two.
pub(crate) fn prepared(data: &'static Data, out: &Path) -> (Tree, Tree, Duration) {
    static BIG: OnceLock<(Tree, Tree, Duration)> = OnceLock::new();
    static SMALL: OnceLock<(Tree, Tree, Duration)> = OnceLock::new();
    let cell = if std::ptr::eq(data, self::data(300_000)) {
        &BIG
    } else {
        &SMALL
    };
    let (old, new, took) = cell.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        prepare(data, &dir.path().join("audit-out"), &[], None)
    });
    restore(out, old);
    (old.clone(), new.clone(), *took)
}

#[test]
fn sigkill_at_random_moments_leaves_the_previous_report_whole() {
    let _serial = serial();
    let data = data(300_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let (old, new, took) = prepared(data, &out);
    let mut outcomes = Vec::new();
    let started = Instant::now();
    for (trial, fraction) in fractions(7, 10).into_iter().enumerate() {
        let delay = took.mul_f64(fraction);
        let mut child = command(data, &out, NEW, &[]).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let context = format!("trial {trial}, SIGKILL after {delay:?} of {took:?}");
        let holds = which(&out, &old, &new, &context);
        outcomes.push(format!("{:.2}s: {holds} ({status})", delay.as_secs_f64()));
        if holds == "new" {
            restore(&out, &old);
        }
    }
    // And while the reports are being written.
    for file in WRITING {
        let mut child = command(data, &out, NEW, &[]).spawn().unwrap();
        let staged = staging(&out, &child).join(file);
        let writing = wait_for(&mut child, &staged);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let holds = which(
            &out,
            &old,
            &new,
            &format!("SIGKILL once {file} was written"),
        );
        assert!(writing, "the run ended before writing {file}");
        assert_eq!(holds, "previous");
        outcomes.push(format!("once {file} was staged: {holds} ({status})"));
    }
    eprintln!(
        "full run {took:?}; 13 kills in {:?}: {outcomes:#?}",
        started.elapsed()
    );
    // Killed runs leave their staging folder and a lock nobody holds; the next run
    // removes both and publishes its reports.
    let (status, stderr, _) = complete(command(data, &out, NEW, &[]));
    assert_eq!(status, 1, "{stderr}");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["audit-out"], "{stderr}");
}

/// The reports and the packs of a snapshot taken with packs (`<packs>/…`).
fn split(files: &Tree) -> (Tree, Tree) {
    let (packs, reports): (Tree, Tree) = files
        .clone()
        .into_iter()
        .partition(|(name, _)| name.starts_with("<packs>/"));
    let packs = packs
        .into_iter()
        .map(|(name, bytes)| (name["<packs>/".len()..].to_string(), bytes))
        .collect();
    (reports, packs)
}

#[test]
fn sigkill_while_evidence_packs_are_written_elsewhere_leaves_both_folders_whole() {
    let _serial = serial();
    let data = data(20_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let packs = dir.path().join("packs");
    let evidence = ["--evidence".to_string(), packs.display().to_string()];
    let extra: Vec<&str> = evidence.iter().map(String::as_str).collect();
    let (old, new, took) = prepare(data, &out, &extra, Some(&packs));
    let ((reports_old, packs_old), (reports_new, packs_new)) = (split(&old), split(&new));
    assert!(
        packs_old.keys().any(|name| name.ends_with("manifest.json")),
        "packs were written"
    );
    let state = |now: &Tree, old: &Tree, new: &Tree, what: &str| {
        let partial: Vec<&String> = now
            .keys()
            .filter(|name| name.contains(".partial"))
            .collect();
        assert!(
            partial.is_empty(),
            "partial files in the {what}: {partial:?}"
        );
        if now == old {
            "previous"
        } else if now == new {
            "new"
        } else {
            panic!("the {what} are neither the previous nor the new ones")
        }
    };
    let mut outcomes = Vec::new();
    for fraction in fractions(2, 5) {
        let delay = took.mul_f64(fraction);
        let mut child = command(data, &out, NEW, &extra).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let reports = state(&tree(&out), &reports_old, &reports_new, "reports");
        let pack_files = state(&tree(&packs), &packs_old, &packs_new, "packs");
        // Each folder is swapped whole, the packs just before the reports.
        assert!(
            !(reports == "new" && pack_files == "previous"),
            "new reports beside the previous packs"
        );
        outcomes.push(format!(
            "{:.2}s: reports {reports}, packs {pack_files}",
            delay.as_secs_f64()
        ));
        if reports == "new" || pack_files == "new" {
            restore(&out, &reports_old);
            restore(&packs, &packs_old);
        }
    }
    eprintln!("full run with packs {took:?}: {outcomes:#?}");
    let (status, stderr, _) = complete(command(data, &out, NEW, &extra));
    assert_eq!(status, 1, "{stderr}");
    assert_eq!((tree(&out), tree(&packs)), (reports_new, packs_new));
    assert_eq!(names(dir.path()), ["audit-out", "packs"], "{stderr}");
}

#[test]
fn sigterm_ends_the_run_within_two_seconds_with_status_3_and_the_previous_report() {
    let _serial = serial();
    let data = data(300_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let (old, new, took) = prepared(data, &out);
    let mut timings = Vec::new();
    for (fraction, signal) in [
        (Some(0.05), libc::SIGTERM),
        (Some(0.4), libc::SIGTERM),
        (Some(0.05), libc::SIGINT),
        (Some(0.6), libc::SIGINT),
        (None, libc::SIGTERM),
        (None, libc::SIGINT),
    ] {
        let started = Instant::now();
        let mut child = command(data, &out, NEW, &[]).spawn().unwrap();
        match fraction {
            Some(fraction) => std::thread::sleep(took.mul_f64(fraction)),
            // While the reports are being written.
            None => {
                let staged = staging(&out, &child).join("report.xlsx");
                assert!(wait_for(&mut child, &staged));
            }
        }
        let delay = started.elapsed();
        let sent = Instant::now();
        // SAFETY: signals a child process of this test.
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        let alive = unsafe { libc::kill(pid, signal) } == 0;
        let status = wait_at_most(&mut child, Duration::from_secs(5));
        let ended = sent.elapsed();
        let stderr = stderr_of(&mut child);
        let status = status.unwrap_or_else(|| {
            let _ = child.kill();
            panic!("still running 5 s after signal {signal} at {delay:?}; stderr:\n{stderr}")
        });
        let holds = which(&out, &old, &new, &format!("signal at {delay:?}"));
        timings.push(format!(
            "signal {signal} at {:.2}s: {status}, ended {ended:?} later, --out {holds}",
            delay.as_secs_f64()
        ));
        if !alive || (status.code() == Some(1) && holds == "new") {
            // The run had already finished, or swapped its reports in just before.
            restore(&out, &old);
            continue;
        }
        assert!(
            ended <= Duration::from_secs(2),
            "ended {ended:?} after the signal"
        );
        assert_eq!(status.code(), Some(3), "stderr:\n{stderr}");
        assert_eq!(holds, "previous");
        assert!(stderr.contains("interrupted by SIG"), "{stderr}");
        assert_eq!(
            names(dir.path()),
            ["audit-out"],
            "staging folder and lock removed"
        );
    }
    eprintln!("full run {took:?}: {timings:#?}");
    assert!(
        timings
            .iter()
            .filter(|line| line.contains("exit status: 3"))
            .count()
            >= 4,
        "{timings:#?}"
    );
}

#[test]
fn a_second_run_on_the_same_folder_is_refused_and_a_dead_runs_lock_taken_over() {
    let _serial = serial();
    let data = data(300_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let lock = dir.path().join("audit-out.lock");
    let (old, new, _) = prepared(data, &out);
    let mut first = command(data, &out, NEW, &[]).spawn().unwrap();
    let started = Instant::now();
    while !lock.exists() {
        assert!(started.elapsed() < Duration::from_secs(5), "no lock file");
        std::thread::sleep(Duration::from_millis(5));
    }
    let (status, stderr, took) = complete(command(data, &out, NEW, &[]));
    assert_eq!(status, 2, "{stderr}");
    assert!(
        took < Duration::from_secs(1),
        "refused at once, took {took:?}"
    );
    assert!(stderr.contains(&lock.display().to_string()), "{stderr}");
    assert!(stderr.contains(&format!("pid {}", first.id())), "{stderr}");
    assert!(first.try_wait().unwrap().is_none(), "the first run goes on");
    // The first run dies holding the lock: the file stays, nobody holds it.
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(tree(&out), old);
    assert!(lock.exists());
    let (status, stderr, _) = complete(command(data, &out, NEW, &[]));
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("taking over the stale lock"), "{stderr}");
    assert!(stderr.contains(&format!("pid {}", first.id())), "{stderr}");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["audit-out"]);
}

#[test]
fn a_full_disk_fails_the_run_and_leaves_the_previous_report() {
    let _serial = serial();
    let data = data(20_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let (old, _, _) = prepared(data, &out);
    // A file-size limit of 64 blocks: findings.json cannot be written whole.
    let mut limited = Command::new("sh");
    let inner = command(data, &out, NEW, &[]);
    let program = inner.get_program().to_owned();
    let args: Vec<_> = inner.get_args().map(|arg| arg.to_owned()).collect();
    limited
        .arg("-c")
        .arg("ulimit -f 64; exec \"$@\"")
        .arg("sh")
        .arg(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let (status, stderr, _) = complete(limited);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("cannot write the reports"), "{stderr}");
    assert!(stderr.contains(".partial-"), "names the file: {stderr}");
    assert_eq!(tree(&out), old);
    assert_eq!(names(dir.path()), ["audit-out"]);
}
