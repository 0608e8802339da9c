//! Hostile folders through the real binary: FIFOs, devices, links out of the folder and
//! link loops under `--billing`. Only regular files are read, each once; nothing hangs:
//! every run is under the suite's limits ([`limited`]).
#![cfg(unix)]

use super::limited;
use crate::common::{Book, Fixture, Run, simple_payouts, standard_billing};
use serde_json::Value;
use std::path::Path;

/// Runs the usual audit with `billing` under the hostile suite's limits ([`limited`]:
/// 1 GB of address space, 20 s, status 0–3 in under 10 s).
fn audit(fixture: &Fixture, billing: &Path) -> Run {
    let contracts = Book::standard().write_csv_folder(&fixture.path(""), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    limited(
        fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            billing.into(),
            "--payouts".into(),
            payouts.into(),
            "--as-of".into(),
            "2025-06-30".into(),
        ],
    )
}

/// The `file` findings about `path`.
fn refused(run: &Run, path: &Path) -> Vec<Value> {
    run.of_type("rejected_row")
        .into_iter()
        .filter(|finding| finding["reason"] == "file")
        .filter(|finding| finding["evidence"]["location"]["file"] == path.display().to_string())
        .collect()
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `name` is a valid NUL-terminated path for the call's duration.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
}

fn expect_refused(run: &Run, path: &Path, what: &str) {
    let found = refused(run, path);
    assert_eq!(found.len(), 1, "{:#?}\n{}", run.findings(), run.stderr);
    let detail = found[0]["detail"].as_str().unwrap();
    assert!(detail.contains("not a regular file"), "{detail}");
    assert!(detail.contains(what), "{detail}");
}

#[test]
fn a_fifo_in_the_folder_or_given_is_a_finding_and_never_opened() {
    let fixture = Fixture::new();
    fixture.write("bills/billing.csv", standard_billing());
    let fifo = fixture.path("bills/pipe.csv");
    mkfifo(&fifo);
    let run = audit(&fixture, &fixture.path("bills"));
    run.expect_status(1);
    expect_refused(&run, &fifo, "a FIFO");
    // The real bill beside it is read: C1 earns 2,000.00.
    assert_eq!(run.installments()[0]["expected"], "2000.00");

    let run = audit(&fixture, &fifo);
    run.expect_status(1);
    expect_refused(&run, &fifo, "a FIFO");
}

#[test]
fn links_to_dev_zero_are_findings_not_hangs() {
    // One run each: the two links are one file (one device and inode), read once.
    for name in ["zero.csv", "zero.zip"] {
        let fixture = Fixture::new();
        fixture.write("bills/billing.csv", standard_billing());
        let link = fixture.path(&format!("bills/{name}"));
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let run = audit(&fixture, &fixture.path("bills"));
        run.expect_status(1);
        expect_refused(&run, &link, "a link to a device");
        assert_eq!(run.installments()[0]["expected"], "2000.00");
    }
}

#[test]
fn a_link_inside_the_folder_is_read_and_one_outside_refused() {
    let fixture = Fixture::new();
    fixture.write("bills/real/billing.csv", standard_billing());
    fixture.write("secret.csv", standard_billing());
    let inside = fixture.path("bills/latest.csv");
    std::os::unix::fs::symlink(fixture.path("bills/real/billing.csv"), &inside).unwrap();
    let outside = fixture.path("bills/passwd.csv");
    std::os::unix::fs::symlink(fixture.path("secret.csv"), &outside).unwrap();
    let run = audit(&fixture, &fixture.path("bills"));
    run.expect_status(1);
    expect_refused(&run, &outside, "a link to a file outside the folder");
    // The link inside and its target are one file, read once: no duplicate finding, and
    // C1's bill counted once.
    assert!(refused(&run, &inside).is_empty(), "{:#?}", run.findings());
    let duplicates: Vec<Value> = run
        .findings()
        .into_iter()
        .filter(|finding| finding["reason"] == "duplicate_file")
        .collect();
    assert!(duplicates.is_empty(), "{duplicates:#?}");
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    let inputs = run.json()["inputs"].as_array().unwrap().clone();
    let bills = inputs
        .iter()
        .filter(|input| input["role"] == "billing")
        .count();
    assert_eq!(bills, 2, "{inputs:#?}");

    // Named on the command line, the same link is the user's choice: followed, and read
    // under its target's path.
    let run = audit(&fixture, &outside);
    run.expect_status(0);
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    let target = fixture.path("secret.csv").canonicalize().unwrap();
    let inputs = run.json()["inputs"].as_array().unwrap().clone();
    assert!(
        inputs
            .iter()
            .any(|input| input["path"] == target.display().to_string()),
        "{inputs:#?}"
    );
}

#[test]
fn link_loops_are_never_walked_and_each_bill_is_read_once() {
    let fixture = Fixture::new();
    fixture.write("bills/billing.csv", standard_billing());
    std::os::unix::fs::symlink(".", fixture.path("bills/again")).unwrap();
    std::os::unix::fs::symlink(".", fixture.path("bills/more")).unwrap();
    std::fs::create_dir_all(fixture.path("bills/sub")).unwrap();
    std::os::unix::fs::symlink("..", fixture.path("bills/sub/back")).unwrap();
    let run = audit(&fixture, &fixture.path("bills"));
    run.expect_status(0);
    assert!(run.findings().is_empty(), "{:#?}", run.findings());
    assert_eq!(run.installments()[0]["expected"], "2000.00");
}
