//! Signals and the lock around a run (issue 15), through the real binary: SIGTERM and
//! SIGINT during input discovery, SIGTERM with stderr's reader gone, and two runs racing
//! to take over a stale lock. They share the kill suite's generated audit and helpers and
//! run one at a time with it ([`serial`]).

use crate::common::{Fixture, STANDARD_BILL};
use crate::kill::{
    Data, NEW, command, data, names, prepared, serial, stderr_of, tree, wait_at_most, which,
};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Builds under `root` a billing folder whose walk takes seconds: a chain of 200 nested
/// folders holding one bill, and 3,000 links to the deepest one. Discovery resolves every
/// linked folder to learn whether it stays inside the folder given — 200 components each —
/// so the walk is long although the folder is small to make.
fn slow_folder(root: &Path, bill: &Path) {
    let mut deepest = root.join("deep");
    for _ in 0..200 {
        deepest.push("d");
    }
    std::fs::create_dir_all(&deepest).unwrap();
    std::fs::copy(bill, deepest.join("bill.csv")).unwrap();
    for link in 0..3_000 {
        std::os::unix::fs::symlink(&deepest, root.join(format!("link-{link:04}"))).unwrap();
    }
}

#[test]
fn sigterm_or_sigint_during_input_discovery_ends_with_status_3_and_leaves_out_untouched() {
    let _serial = serial();
    let data = data(20_000);
    let dir = tempfile::tempdir().unwrap();
    let bills = dir.path().join("bills");
    slow_folder(&bills, &first_bill(data));
    interrupt_discovery(
        data,
        dir.path(),
        "discovery: walking",
        &["audit-out", "bills"],
        |run| {
            run.args(["run", "--contracts"])
                .arg(&data.contracts)
                .arg("--billing")
                .arg(&bills)
                .arg("--payouts")
                .arg(&data.payouts);
        },
    );
}

/// A `--config` pattern over the same slow folder: `**` follows each link down its 200
/// folders, so the expansion takes seconds between two matches; the signal still stops it
/// from inside the stage.
#[test]
fn sigterm_or_sigint_while_a_config_pattern_is_expanded_ends_with_status_3() {
    let _serial = serial();
    let data = data(20_000);
    let dir = tempfile::tempdir().unwrap();
    slow_folder(&dir.path().join("bills"), &first_bill(data));
    let config = dir.path().join("audit.toml");
    std::fs::write(
        &config,
        format!(
            "contracts = {:?}\nbilling = \"bills/**/*.csv\"\npayouts = {:?}\n",
            data.contracts.display().to_string(),
            data.payouts.display().to_string()
        ),
    )
    .unwrap();
    interrupt_discovery(
        data,
        dir.path(),
        "discovery: expanding",
        &["audit-out", "audit.toml", "bills"],
        |run| {
            run.args(["run", "--config"]).arg(&config);
        },
    );
}

/// The first bill of the generated audit.
fn first_bill(data: &Data) -> std::path::PathBuf {
    std::fs::read_dir(&data.billing)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .min()
        .unwrap()
}

/// Runs the audit `inputs` names into `<dir>/audit-out` (holding a previous report) once
/// per signal, sends the signal when stderr shows `marker` (a `trace` line of discovery),
/// and checks the run stopped itself inside discovery: status 3 within two seconds, the
/// discovery stage closed and no other begun, `--out` untouched, and `dir` holding only
/// `names`.
fn interrupt_discovery(
    data: &'static Data,
    dir: &Path,
    marker: &str,
    names_left: &[&str],
    inputs: impl Fn(&mut Command),
) {
    let out = dir.join("audit-out");
    let (old, _, _) = prepared(data, &out);
    for (signal, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGINT, "SIGINT")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rebate-audit"));
        inputs(&mut command);
        let mut child = command
            .args(["--as-of", NEW, "--quiet", "--out"])
            .arg(&out)
            // A line per folder entered or pattern expanded (`trace`) and one per stage as
            // it ends (`info`).
            .env("REBATE_AUDIT_LOG", "rebate_audit=trace")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (lines, received) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        // The signal goes once discovery has begun its slow part.
        let mut seen = Vec::new();
        let started = Instant::now();
        while !seen.iter().any(|line: &String| line.contains(marker)) {
            match received.recv_timeout(Duration::from_secs(10)) {
                Ok(line) => seen.push(line),
                Err(_) => {
                    let _ = child.kill();
                    panic!("no `{marker}` line in {:?}: {seen:#?}", started.elapsed());
                }
            }
        }
        let sent = Instant::now();
        // SAFETY: signals a child process of this test.
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let status = wait_at_most(&mut child, Duration::from_secs(5));
        let ended = sent.elapsed();
        let status = status.unwrap_or_else(|| {
            let _ = child.kill();
            panic!("still running 5 s after {name} during discovery")
        });
        reader.join().unwrap();
        seen.extend(received.try_iter());
        let log = seen.join("\n");
        let stages: Vec<&String> = seen
            .iter()
            .filter(|line| line.contains("stage{") && line.contains(": close"))
            .collect();
        // A handler installed after discovery would leave the run to the signal (143 or
        // 130); a walk or an expansion that did not check the token would be ended by the
        // signal thread half a second later, without closing the stage.
        assert_eq!(status.code(), Some(3), "{name}: {status}\n{log}");
        assert!(ended <= Duration::from_secs(2), "{name}: ended {ended:?}");
        assert!(
            log.contains(&format!("interrupted by {name}")),
            "{name}:\n{log}"
        );
        // The discovery stage closed without its counts: discovery stopped itself, and
        // no later stage began.
        assert_eq!(stages.len(), 1, "{name}: {stages:#?}");
        assert!(
            stages[0].contains("stage{stage=\"discover inputs\"}: close"),
            "{name}: {stages:#?}"
        );
        assert_eq!(tree(&out), old, "{name}: --out changed");
        assert_eq!(names(dir), names_left, "{name}");
    }
}

/// A cron wrapper that closed its pipes: SIGTERM still ends the run with status 3 and
/// the previous report, though the line saying so cannot be written.
#[test]
fn sigterm_with_standard_error_closed_still_ends_with_status_3() {
    let _serial = serial();
    let data = data(300_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-out");
    let (old, new, took) = prepared(data, &out);
    let mut child = command(data, &out, NEW, &[]).spawn().unwrap();
    drop(child.stderr.take());
    std::thread::sleep(took.mul_f64(0.3));
    // SAFETY: signals a child process of this test.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = wait_at_most(&mut child, Duration::from_secs(5)).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("still running 5 s after SIGTERM")
    });
    assert_eq!(status.code(), Some(3), "{status}");
    assert_eq!(which(&out, &old, &new, "stderr closed"), "previous");
}

/// Two runs start together on a folder whose lock names a dead run. One takes the stale
/// lock over; the other is refused and names the run holding the lock at that moment —
/// the live one — never the dead pid still written in the file when it looked.
#[test]
fn the_refused_run_of_a_stale_lock_race_names_the_live_holder_never_the_dead_run() {
    let _serial = serial();
    // The standard audit: a run holds the lock for a few tens of milliseconds.
    let fixture = Fixture::new();
    let (contracts, billing, payouts) =
        fixture.standard_inputs(&[STANDARD_BILL], &[("P1", "C1", "2025-02-15", "2000.00")]);
    let out = fixture.path("audit-out");
    let lock = fixture.path("audit-out.lock");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args(["run", "--contracts"])
            .arg(&contracts)
            .arg("--billing")
            .arg(&billing)
            .arg("--payouts")
            .arg(&payouts)
            .args(["--as-of", "2025-06-30", "--quiet", "--out"])
            .arg(&out)
            .env_remove("REBATE_AUDIT_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // A pid that has just ended: a process of this test, reaped.
    let dead = {
        let mut child = Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        child.id()
    };
    const ROUNDS: usize = 12;
    let started = Instant::now();
    let mut raced = 0;
    for round in 0..ROUNDS {
        std::fs::write(
            &lock,
            format!(
                "pid={dead}\nstarted=2026-07-31T02:00:00+08:00\nfolder={}\n",
                out.display()
            ),
        )
        .unwrap();
        let mut first = run();
        let mut second = run();
        let ended = |child: &mut std::process::Child| {
            let status = wait_at_most(child, Duration::from_secs(20)).expect("the run ends");
            (child.id(), status.code(), stderr_of(child))
        };
        let runs = [ended(&mut first), ended(&mut second)];
        let refused: Vec<_> = runs.iter().filter(|run| run.1 == Some(2)).collect();
        let done: Vec<_> = runs.iter().filter(|run| run.1 == Some(0)).collect();
        assert_eq!(refused.len() + done.len(), 2, "round {round}: {runs:#?}");
        // Whoever came first took the stale lock over and said whose it was.
        assert!(
            done.iter()
                .any(|run| run.2.contains("taking over the stale lock")
                    && run.2.contains(&format!("pid {dead}"))),
            "round {round}: {runs:#?}"
        );
        if let [refused] = refused.as_slice() {
            raced += 1;
            let holder = done[0].0;
            assert!(
                refused.2.contains("is held by another rebate-audit run"),
                "round {round}: {runs:#?}"
            );
            assert!(
                refused.2.contains(&format!("(pid {holder}, started ")),
                "round {round}: the refusal names not the holder {holder}: {runs:#?}"
            );
            assert!(
                !refused.2.contains(&format!("pid {dead}")),
                "round {round}: the refusal names the dead run {dead}: {runs:#?}"
            );
        }
        assert!(!lock.exists(), "round {round}: the lock is left");
    }
    eprintln!("{raced} of {ROUNDS} rounds raced, {:?}", started.elapsed());
    assert!(raced >= ROUNDS / 2, "only {raced} of {ROUNDS} rounds raced");
}
