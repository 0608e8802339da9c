//! Gzip files and tar archives, plain and hostile, through `read_file`.

use super::{Collect, read_bytes};
use crate::domain::finding::MemberRefusal;
use crate::ingest::table::{Limit, Limits, TableError, read_file};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::sync::Arc;

pub(super) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// One tar member: its name as written (even `../x.csv`), its type flag and data.
pub(super) struct TarMember<'a> {
    pub(super) name: &'a str,
    pub(super) kind: tar::EntryType,
    pub(super) data: &'a [u8],
}

pub(super) fn member<'a>(name: &'a str, data: &'a [u8]) -> TarMember<'a> {
    TarMember {
        name,
        kind: tar::EntryType::Regular,
        data,
    }
}

/// A ustar archive written header by header, so that hostile names and types can be
/// written as they are (the `tar` crate's builder refuses `..`).
pub(super) fn tar(members: &[TarMember<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for member in members {
        let mut header = tar::Header::new_ustar();
        header.as_old_mut().name[..member.name.len()].copy_from_slice(member.name.as_bytes());
        header.set_entry_type(member.kind);
        header.set_size(member.data.len() as u64);
        header.set_mode(0o644);
        if matches!(member.kind, tar::EntryType::Symlink | tar::EntryType::Link) {
            header.set_link_name("bill.csv").unwrap();
        }
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(member.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend([0u8; 1024]);
    out
}

const PART: &str = "账号,金额\nA1,1.00\n";

#[test]
fn a_gzipped_csv_is_one_table_named_as_the_file_with_or_without_an_extension() {
    for name in ["bill.csv.gz", "1234_BillingItemDetailMonthly_202503"] {
        let (result, collect) = read_bytes(name, &gzip(PART.as_bytes()));
        let digest = result.unwrap();
        assert_eq!(digest.encoding, Some("UTF-8"));
        assert_eq!(collect.tables, [name]);
        assert_eq!(collect.rows.len(), 2);
        assert_eq!(collect.places, [format!("{name}:1"), format!("{name}:2")]);
    }
    // `.tsv.gz` is tab-separated.
    let (_, collect) = read_bytes("bill.tsv.gz", &gzip(b"a\tb\n1\t2\n"));
    assert_eq!(collect.rows[1].1.len(), 2);
}

#[test]
fn tar_members_are_tables_in_name_order_however_the_archive_holds_them() {
    let archive = tar(&[
        member("customerBill_202503_10.csv", b"h\n10\n"),
        member("customerBill_202503_2.csv", b"h\n2\n"),
        member("customerBill_202503_1.csv", b"h\n1\n"),
    ]);
    for (name, bytes) in [
        ("customerBill_202503.tar.gz", gzip(&archive)),
        ("customerBill_202503.tar", archive.clone()),
    ] {
        let (result, collect) = read_bytes(name, &bytes);
        let digest = result.unwrap();
        assert!(digest.refused_members.is_empty());
        assert_eq!(digest.bytes, bytes.len() as u64);
        assert_eq!(
            collect.tables,
            ["_1.csv", "_2.csv", "_10.csv"].map(|part| format!("{name}:customerBill_202503{part}"))
        );
        let values: Vec<String> = collect
            .rows
            .iter()
            .map(|(_, cells)| format!("{:?}", cells[0]))
            .collect();
        assert_eq!(values.len(), 6);
        assert!(values[1].contains('1') && values[3].contains('2') && values[5].contains("10"));
    }
}

#[test]
fn links_devices_and_paths_leading_outside_are_refused_and_the_rest_read() {
    use tar::EntryType;
    let archive = tar(&[
        member("../escape.csv", PART.as_bytes()),
        member("/etc/bill.csv", PART.as_bytes()),
        TarMember {
            name: "link.csv",
            kind: EntryType::Symlink,
            data: b"",
        },
        TarMember {
            name: "hard.csv",
            kind: EntryType::Link,
            data: b"",
        },
        TarMember {
            name: "tty.csv",
            kind: EntryType::Char,
            data: b"",
        },
        member("bill.csv", PART.as_bytes()),
        member("picture.png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"),
    ]);
    let (result, collect) = read_bytes("bills.tar.gz", &gzip(&archive));
    let digest = result.unwrap();
    assert_eq!(
        digest.refused_members,
        [
            ("../escape.csv".to_string(), MemberRefusal::LeavesArchive),
            ("/etc/bill.csv".to_string(), MemberRefusal::LeavesArchive),
            ("hard.csv".to_string(), MemberRefusal::HardLink),
            ("link.csv".to_string(), MemberRefusal::Symlink),
            ("tty.csv".to_string(), MemberRefusal::Device),
        ]
    );
    assert_eq!(
        collect.tables,
        ["bills.tar.gz:bill.csv", "bills.tar.gz:picture.png"]
    );
    assert_eq!(collect.rows.len(), 2);
    assert_eq!(collect.bad.len(), 1);
    assert!(
        collect.bad[0]
            .1
            .starts_with("`picture.png` is not a CSV file: it is a PNG image"),
        "{}",
        collect.bad[0].1
    );
}

#[test]
fn a_gzip_that_inflates_past_the_limit_is_refused_naming_the_file() {
    let mut text = String::from("账号,金额\n");
    text.push_str(&"A1,1.00\n".repeat(100_000));
    let bomb = gzip(text.as_bytes());
    let folder = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("bomb.csv.gz", bomb.clone()),
        (
            "bomb.tar.gz",
            gzip(&tar(&[member("bill.csv", text.as_bytes())])),
        ),
    ] {
        let path = folder.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let limits = Limits {
            zip_member_bytes: 100_000,
            ..Limits::DEFAULT
        };
        let mut collect = Collect::default();
        let error = read_file(&path, Arc::from(name), &mut collect, &limits).unwrap_err();
        assert!(
            matches!(
                &error,
                TableError::TooLarge {
                    which: Limit::ZipMember,
                    limit: 100_000,
                    size: 100_001,
                    ..
                }
            ),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.starts_with(&format!(
                "{name}: its content once decompressed is 100001 bytes, over the limit of 100000 bytes"
            )),
            "{message}"
        );
        assert!(message.contains("`zip_member_size`"), "{message}");
    }
    // Ten megabytes of zeros are binary from their first bytes: refused at once.
    let (result, _) = read_bytes("zeros.gz", &gzip(&vec![0u8; 10 << 20]));
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("the file is gzip-compressed, and holds binary data, not text"),
        "{message}"
    );
}

#[test]
fn a_gzip_or_tar_cut_short_is_an_error_naming_the_file() {
    let mut text = String::from("h\n");
    for row in 0..20_000 {
        text.push_str(&format!("{row}\n"));
    }
    let whole = gzip(text.as_bytes());
    let (result, _) = read_bytes("cut.csv.gz", &whole[..whole.len() / 2]);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("cut.csv.gz: the gzip file is corrupt or cut short"),
        "{message}"
    );
    let archive = tar(&[
        member("a.csv", PART.as_bytes()),
        member("b.csv", text.as_bytes()),
    ]);
    let (result, _) = read_bytes("cut.tar", &archive[..2048]);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("cut.tar: the tar archive is corrupt or cut short"),
        "{message}"
    );
    let mut broken = archive.clone();
    broken[148..156].copy_from_slice(b"0000000\0"); // a wrong header checksum
    let (result, _) = read_bytes("bad.tar.gz", &gzip(&broken));
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("bad.tar.gz: the tar archive is corrupt or cut short"),
        "{message}"
    );
}
