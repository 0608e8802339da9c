//! One run of the binary under an address-space limit and a timeout, with its peak
//! memory and its time.

use std::ffi::OsStr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The address-space limit of every run, in KiB: about seven times what a normal run of
/// the test build needs.
pub const ADDRESS_SPACE_KB: u64 = 1_000_000;

/// Peak resident memory a refusal may take, in KiB (research H1–H3: 256 MiB).
pub const REFUSAL_RSS_KB: u64 = 256 * 1024;

/// How long a run of one of the hostile cases may take before it is killed and
/// the test fails (each must also end in under 10 s): a hang is a failure, never a stuck
/// test suite. A test takes it with [`strict`].
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The timeout of every other run: a hang still fails, but a bomb the test build is meant
/// to inflate whole to measure it (1.1 GiB of styles: 20–40 s at opt-level 0 on a loaded
/// machine) is not mistaken for one.
pub const HANG_TIMEOUT: Duration = Duration::from_secs(180);

thread_local! {
    /// The timeout of the runs of the test running on this thread.
    static CURRENT: std::cell::Cell<Duration> = const { std::cell::Cell::new(HANG_TIMEOUT) };
}

/// Puts this test's runs under [`TIMEOUT`] (a test runs on a thread of its own).
pub fn strict() {
    CURRENT.with(|current| current.set(TIMEOUT));
}

/// This test's timeout: [`TIMEOUT`] after [`strict`], else [`HANG_TIMEOUT`].
pub fn current_timeout() -> Duration {
    CURRENT.with(std::cell::Cell::get)
}

/// Runs the binary with `args` under `ulimit -v` and this test's timeout ([`strict`]):
/// its exit status (0–3, or the test fails: anything else is a crash), stderr, and peak
/// resident memory in KiB from `wait4` on the process (the shell `exec`s the binary),
/// which also reaps it.
pub fn run(args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> (i32, String, u64) {
    let (status, stderr, peak, _) = timed(args, current_timeout());
    (status, stderr, peak)
}

/// [`run`] under `timeout`, and how long the run took.
#[allow(clippy::zombie_processes)]
pub fn timed(
    args: impl IntoIterator<Item = impl AsRef<OsStr>>,
    timeout: Duration,
) -> (i32, String, u64, Duration) {
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {ADDRESS_SPACE_KB}; exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        stderr
    });
    let mut status = 0;
    // SAFETY: plain structs filled in by the kernel for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    loop {
        // SAFETY: polls our own child, writing into the two values above.
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if waited == pid {
            break;
        }
        assert_eq!(waited, 0, "wait4");
        if started.elapsed() > timeout {
            // SAFETY: signals our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            // SAFETY: reaps it.
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            let stderr = reader.join().unwrap_or_default();
            panic!("still running after {timeout:?}: killed; stderr:\n{stderr}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    assert!(
        libc::WIFEXITED(status),
        "killed by signal {}; stderr:\n{stderr}",
        libc::WTERMSIG(status)
    );
    let status = libc::WEXITSTATUS(status);
    assert!(
        matches!(status, 0..=3),
        "exit status {status} is a crash; stderr:\n{stderr}"
    );
    (
        status,
        stderr,
        u64::try_from(usage.ru_maxrss).unwrap(),
        took,
    )
}
