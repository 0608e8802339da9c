//! Zip archives of CSV files: member order, members that are no CSV, encrypted, oddly
//! compressed, corrupt or inflating past the cap.

use super::super::zip_archive::{member_order_key, read_zip};
use super::{Collect, patch_headers, read_bytes, text_cells, zip_of};
use crate::domain::digest::hex;
use crate::ingest::table::{TableError, is_table_file};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

#[test]
fn a_zip_of_csv_parts_reads_every_part_in_name_order() {
    let mut first = vec![0xEF, 0xBB, 0xBF];
    first.extend_from_slice("账号,金额\nA1,\"1,234.50\"\n".as_bytes());
    let (second, _, _) = encoding_rs::GB18030.encode("账号,金额\r\nA2,99.00\r\n");
    assert!(
        std::str::from_utf8(&second).is_err(),
        "really GB18030 bytes"
    );
    // Reverse order in the archive, a directory entry and a member that is no CSV.
    let bytes = zip_of(&[
        ("readme.pdf", b"%PDF-1.4", zip::CompressionMethod::Stored),
        ("empty folder/", b"", zip::CompressionMethod::Stored),
        ("part_2.CSV", &second, zip::CompressionMethod::Deflated),
        ("part_1.csv", &first, zip::CompressionMethod::Deflated),
    ]);
    let (result, collect) = read_bytes("bill.zip", &bytes);
    let digest = result.unwrap();
    assert_eq!(
        collect.tables,
        vec![
            "bill.zip:part_1.csv",
            "bill.zip:part_2.CSV",
            "bill.zip:readme.pdf"
        ]
    );
    assert_eq!(
        collect.rows,
        vec![
            (1, text_cells(&["账号", "金额"])),
            (2, text_cells(&["A1", "1,234.50"])),
            (1, text_cells(&["账号", "金额"])),
            (2, text_cells(&["A2", "99.00"])),
        ]
    );
    assert_eq!(
        collect.places,
        vec![
            "bill.zip:part_1.csv:1",
            "bill.zip:part_1.csv:2",
            "bill.zip:part_2.CSV:1",
            "bill.zip:part_2.CSV:2",
            "bill.zip:readme.pdf:1",
        ]
    );
    assert_eq!(collect.bad.len(), 1);
    assert_eq!(collect.bad[0].0, 1);
    assert!(
        collect.bad[0].1.starts_with(
            "`readme.pdf` is not a CSV file; only CSV members of a zip archive are read"
        ),
        "{}",
        collect.bad[0].1
    );
    // The first member's encoding; the hash and size of the archive as on disk.
    assert_eq!(digest.encoding, Some("UTF-8 with BOM"));
    assert_eq!(digest.sha256, hex(&Sha256::digest(&bytes)));
    assert_eq!(digest.bytes, bytes.len() as u64);
    assert!(digest.hidden_sheets.is_empty());
}

#[test]
fn zip_files_are_table_files_and_tsv_members_split_on_tabs() {
    assert!(is_table_file(Path::new(
        "1234567890_BillingItemDetail_202503.ZIP"
    )));
    let bytes = zip_of(&[(
        "bill.tsv",
        b"a\tb\n1,5\t2\n",
        zip::CompressionMethod::Stored,
    )]);
    let (result, collect) = read_bytes("bill.zip", &bytes);
    assert_eq!(result.unwrap().encoding, Some("UTF-8"));
    assert_eq!(collect.rows[1], (2, text_cells(&["1,5", "2"])));
}

#[test]
fn zip_parts_are_read_in_the_order_their_numbers_count() {
    let mut names = vec![
        "bill_10.csv",
        "bill_2.csv",
        "bill_1.csv",
        "bill_02b.csv",
        "a.csv",
    ];
    names.sort_by_key(|name| member_order_key(name));
    assert_eq!(
        names,
        vec![
            "a.csv",
            "bill_1.csv",
            "bill_2.csv",
            "bill_02b.csv",
            "bill_10.csv"
        ]
    );
}

#[test]
fn a_zip_without_members_reads_as_no_table() {
    let bytes = zip_of(&[("only a folder/", b"", zip::CompressionMethod::Stored)]);
    let (result, collect) = read_bytes("empty.zip", &bytes);
    let digest = result.unwrap();
    assert_eq!(digest.encoding, None);
    assert_eq!(digest.sha256, hex(&Sha256::digest(&bytes)));
    assert!(collect.tables.is_empty());
}

#[test]
fn a_corrupt_zip_is_an_error_naming_the_file() {
    let mut state = 11u64;
    // A zip's first bytes, then noise: a download cut or damaged.
    let noise: Vec<u8> = b"PK\x03\x04"
        .iter()
        .copied()
        .chain((0..4096).map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as u8
        }))
        .collect();
    let (result, collect) = read_bytes("bill.zip", &noise);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("bill.zip: the file is not a readable zip archive"),
        "{message}"
    );
    assert!(collect.tables.is_empty());
}

#[test]
fn encrypted_or_oddly_compressed_zip_members_are_errors_naming_the_member() {
    let plain = zip_of(&[("part_1.csv", b"a,b\n1,2\n", zip::CompressionMethod::Stored)]);
    let mut encrypted = plain.clone();
    patch_headers(&mut encrypted, 1, 0);
    let (result, _) = read_bytes("bill.zip", &encrypted);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("bill.zip:part_1.csv: the member is encrypted;"),
        "{message}"
    );
    // Bzip2 is not built in; 200 is no method at all.
    for (method, named) in [(12, "Bzip2 (method 12)"), (200, "an unknown method (200)")] {
        let mut odd = plain.clone();
        patch_headers(&mut odd, 0, method);
        let (result, _) = read_bytes("bill.zip", &odd);
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with(&format!(
                "bill.zip:part_1.csv: the member is compressed with {named}, which the auditor cannot decompress"
            )),
            "{message}"
        );
    }
    // A member whose bytes no longer match their checksum.
    let mut tampered = plain;
    let at = tampered
        .windows(3)
        .position(|window| window == b"1,2")
        .unwrap();
    tampered[at] = b'9';
    let (result, _) = read_bytes("bill.zip", &tampered);
    let message = result.unwrap_err().to_string();
    assert!(
        message.starts_with("bill.zip:part_1.csv: the member is corrupt"),
        "{message}"
    );
}

#[test]
fn a_zip_member_that_inflates_past_the_cap_is_refused() {
    // 4 MiB of CSV lines deflate to a few KiB; with a 1 MiB cap the member is refused.
    let lines = "1,2\n".repeat(1 << 20);
    let bytes = zip_of(&[(
        "bomb.csv",
        lines.as_bytes(),
        zip::CompressionMethod::Deflated,
    )]);
    assert!(bytes.len() < 64 * 1024);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("bomb.zip");
    std::fs::write(&path, &bytes).unwrap();
    let mut collect = Collect::default();
    let error = read_zip(
        &path,
        Arc::from("bomb.zip"),
        &mut collect,
        1 << 20,
        u64::MAX,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with(
            "bomb.zip:bomb.csv: the member once decompressed is 1048577 bytes, over the limit of 1048576 bytes"
        ),
        "{error}"
    );
    let mut collect = Collect::default();
    read_zip(
        &path,
        Arc::from("bomb.zip"),
        &mut collect,
        8 << 20,
        u64::MAX,
    )
    .unwrap();
    assert_eq!(collect.rows.len(), 1 << 20);
}

#[test]
fn corrupted_zips_never_panic_out_of_the_reader() {
    let original = zip_of(&[
        (
            "part_1.csv",
            "账号,金额\nA1,1.00\n".repeat(50).as_bytes(),
            zip::CompressionMethod::Deflated,
        ),
        ("part_2.csv", b"a,b\n1,2\n", zip::CompressionMethod::Stored),
    ]);
    let mut state = 5u64;
    for round in 0..200 {
        let mut bytes = original.clone();
        for _ in 0..(1 + round % 8) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let index = (state >> 33) as usize % bytes.len();
            bytes[index] ^= (state >> 17) as u8 | 1;
        }
        // Ok or a clear error are both fine; a caught panic is not.
        let (result, _) = read_bytes("fuzz.zip", &bytes);
        assert!(
            !matches!(result, Err(TableError::Crashed { .. })),
            "round {round}: {result:?}"
        );
    }
}
