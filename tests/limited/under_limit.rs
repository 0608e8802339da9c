//! One run of the binary under an address-space limit, with its peak memory.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

/// The address-space limit of every run, in KiB: about seven times what a normal run of
/// the test build needs.
pub const ADDRESS_SPACE_KB: u64 = 1_000_000;

/// Peak resident memory a refusal may take, in KiB (research H1–H3: 256 MiB).
pub const REFUSAL_RSS_KB: u64 = 256 * 1024;

/// Runs the binary with `args` under `ulimit -v`: its exit status (0–3, or the test
/// fails: anything else is a crash), stderr, and peak resident memory in KiB from `wait4`
/// on the process (the shell `exec`s the binary), which also reaps it.
#[allow(clippy::zombie_processes)]
pub fn run(args: impl IntoIterator<Item = impl AsRef<OsStr>>) -> (i32, String, u64) {
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
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    let mut status = 0;
    // SAFETY: plain structs filled in by the kernel for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: waits for our own child, writing into the two values above.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
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
    (status, stderr, u64::try_from(usage.ru_maxrss).unwrap())
}
