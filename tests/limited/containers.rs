//! Hostile gzip files and tar archives, given to the real binary beside a good bill under
//! the address-space limit of `hostile.rs`: a tar whose members leave the archive or are
//! links and devices, a tar cut short, a gzip with damaged data, and gzip bombs built here
//! (too large to keep) — each a finding naming the file (or the member), never a panic, in
//! bounded memory, and the good bill still audited.

use crate::common::{Book, Fixture, simple_payouts, standard_billing};
use crate::hostile::{Deflate, GIB, audit_with_billing, corpus, refused_file, run_limited};
use crate::under_limit::REFUSAL_RSS_KB;
use std::ffi::OsString;

/// A gzip file around a raw deflate stream; its trailer's CRC is left 0 (a refused
/// stream is never read to its end).
fn gzip_of(deflate: Vec<u8>, size: u64) -> Vec<u8> {
    let mut bytes = vec![0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3];
    bytes.extend(deflate);
    bytes.extend(0u32.to_le_bytes());
    bytes.extend((size as u32).to_le_bytes());
    bytes
}

#[test]
fn tar_members_that_leave_the_archive_or_are_links_or_devices_are_refused_by_name() {
    // tar-escape.tar.gz: `../escape.csv` and `/tmp/absolute.csv` (each a bill of 500.00
    // for A1), a symbolic link to /etc/passwd, a hard link, a character device, and one
    // plain `bill.csv` of 500.00 for A1.
    let hostile = corpus("tar-escape.tar.gz");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let about = run.about(&hostile);
    let refused: Vec<(String, String, String)> = about
        .iter()
        .map(|finding| {
            (
                finding["evidence"]["location"]["sheet"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                finding["reason"].as_str().unwrap().to_string(),
                finding["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // findings.json orders findings by their own key; each member once.
    let mut refused = refused;
    refused.sort();
    let members: Vec<&str> = refused
        .iter()
        .map(|(member, _, _)| member.as_str())
        .collect();
    assert_eq!(
        members,
        [
            "../escape.csv",
            "/tmp/absolute.csv",
            "hard.csv",
            "link.csv",
            "null.csv"
        ],
        "{about:#?}"
    );
    for ((_, reason, detail), says) in refused.iter().zip([
        "its path leads outside the archive",
        "its path leads outside the archive",
        "a hard link to another member",
        "a symbolic link",
        "a device or named pipe",
    ]) {
        assert_eq!(reason, "file");
        assert!(detail.contains(says), "`{says}` not in {detail}");
    }
    // Only the plain member counts: 20% of 10,500.00, of which 2,000.00 paid.
    assert_eq!(run.installment()["weighted_base"], "10500.00");
    assert!(run.peak_kb < REFUSAL_RSS_KB, "peak {} KiB", run.peak_kb);
}

#[test]
fn a_tar_cut_short_and_a_damaged_gzip_are_refused_naming_the_file() {
    // truncated.tar: two parts of 300 rows of 1.00 for A1, cut inside the second.
    refused_file(
        &corpus("truncated.tar"),
        &[
            "the tar archive is corrupt or cut short (it ends inside a member)",
            "check that the download completed",
        ],
    );
    // corrupt.csv.gz: its first deflate block has the reserved block type.
    refused_file(
        &corpus("corrupt.csv.gz"),
        &["the gzip file is corrupt or cut short (corrupt deflate stream)"],
    );
}

#[test]
fn a_gzip_of_ten_gigabytes_of_zeros_is_refused_from_its_first_bytes() {
    let mut deflate = Deflate::new();
    deflate.repeat(&[0], 10 * GIB);
    let bytes = gzip_of(deflate.finish(), 10 * GIB);
    assert!(bytes.len() < 70_000_000, "{} bytes", bytes.len());
    let fixture = Fixture::new();
    let bomb = fixture.write("zeros.csv.gz", &bytes);
    let (_fixture, run) = refused_file(
        &bomb,
        &["the file is gzip-compressed, and holds binary data, not text"],
    );
    eprintln!("zeros bomb refused; peak {} KiB", run.peak_kb);
}

#[test]
fn a_gzip_of_text_inflating_past_the_limit_is_refused_naming_the_key() {
    // A bill header, then a gigabyte of blank lines: text, so it streams until the
    // decompressed bytes pass `zip_member_size`, lowered to 16 MiB here.
    let header = "account_id,billing_month,product,net_amount,currency\n";
    let mut deflate = Deflate::new();
    deflate.bytes(header.as_bytes());
    deflate.repeat(b"\n", GIB);
    let bytes = gzip_of(deflate.finish(), header.len() as u64 + GIB);
    let fixture = Fixture::new();
    fixture.write("bomb.csv.gz", &bytes);
    Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    fixture.write("billing.csv", standard_billing());
    fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let config = fixture.write(
        "audit.toml",
        "contracts = \"contracts\"\nbilling = [\"billing.csv\", \"bomb.csv.gz\"]\npayouts = \"payouts.csv\"\nas_of = \"2025-06-30\"\n\n[limits]\nzip_member_size = \"16 MiB\"\n",
    );
    let run = run_limited(
        &fixture,
        &[
            OsString::from("run"),
            OsString::from("--config"),
            config.into_os_string(),
        ],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    let json = run.json();
    let about: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| {
            finding["evidence"]["location"]["file"]
                .as_str()
                .is_some_and(|file| file.ends_with("bomb.csv.gz"))
        })
        .collect();
    // The file refused, and the row where reading stopped (row 2: the header was read).
    assert_eq!(about.len(), 2, "{about:#?}");
    let file = about
        .iter()
        .find(|finding| finding["reason"] == "file")
        .unwrap_or_else(|| panic!("{about:#?}"));
    let stopped = about
        .iter()
        .find(|finding| finding["reason"] == "row")
        .unwrap_or_else(|| panic!("{about:#?}"));
    assert_eq!(stopped["evidence"]["location"]["row"], 2);
    let detail = file["detail"].as_str().unwrap();
    for part in [
        "bomb.csv.gz: its content once decompressed is 16777217 bytes, over the limit of 16777216 bytes",
        "`zip_member_size`",
    ] {
        assert!(detail.contains(part), "`{part}` not in {detail}");
    }
    assert_eq!(run.installment()["expected"], "2000.00");
    assert!(run.peak_kb < REFUSAL_RSS_KB, "peak {} KiB", run.peak_kb);
}
