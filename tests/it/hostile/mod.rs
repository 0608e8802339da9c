//! The hostile suite (issue 15): folders, devices, pipes, signals, names and text an
//! adversary controls, each through the real binary. The cases that need the process's
//! peak memory run in the `limited` test binary (`tests/limited/`, a binary of its own so
//! that the peak is the run's); they are listed here too.

mod folders;
mod names;
mod pipes;
mod signals;
mod text_safety;

#[path = "../../limited/under_limit.rs"]
mod under_limit;

use crate::common::{Fixture, Run};
use std::ffi::OsString;
use std::time::Duration;

/// Runs the binary with `args` and `--out <fixture>/out` as the issue asks of every
/// hostile case: under a 1 GB address-space limit, killed (and failed) past 20 s, ending
/// with a status 0–3 (a crash fails) in under 10 s.
pub(crate) fn limited(fixture: &Fixture, args: &[OsString]) -> Run {
    let out = fixture.path("out");
    let mut all = args.to_vec();
    all.extend([OsString::from("--out"), out.clone().into_os_string()]);
    let (status, stderr, _, took) = under_limit::timed(&all);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}: {stderr}");
    Run {
        status: Some(status),
        stdout: String::new(),
        stderr,
        out,
    }
}
