//! Rows that cannot be read — invalid UTF-8 or GBK, an unbalanced quote, ragged rows — are rejected one by one, and the rest of the file is read.

use super::*;

/// `hostile`'s bad row is rejected (reason `row`), naming its row, column and byte offset
/// (every part of `says`), and its `good` other rows of 1.00 count for C1; `findings` are
/// about the file in all.
fn rejected_row(
    hostile: &Path,
    row: u64,
    says: &[&str],
    good: u64,
    findings: usize,
) -> (Fixture, Limited) {
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let about = run.about(hostile);
    assert_eq!(about.len(), findings, "{about:#?}");
    let bad = about
        .iter()
        .find(|finding| finding["evidence"]["location"]["row"] == row)
        .unwrap_or_else(|| panic!("no finding on row {row}: {about:#?}"));
    assert_eq!(bad["type"], "rejected_row");
    assert_eq!(bad["reason"], "row");
    let detail = bad["detail"].as_str().unwrap();
    for part in says {
        assert!(detail.contains(part), "`{part}` not in: {detail}");
    }
    assert_eq!(
        run.installment()["weighted_base"],
        format!("{}.00", 10_000 + good)
    );
    let text = std::fs::read_to_string(run.out.join("findings.json")).unwrap();
    assert!(!text.contains('\u{FFFD}'));
    (fixture, run)
}

#[test]
fn invalid_utf8_in_the_middle_of_a_csv_rejects_its_row_never_replaces_bytes() {
    // 998 good rows, then a row cut by a spliced-in row whose product holds the bytes
    // FF FE (row 1,000, its 7th column), the rest of the cut row (`NY`, row 1,001: too
    // short, rejected), then 1,001 good rows. UTF-8 reads furthest, so the file is UTF-8
    // and the bad bytes reject their row, naming the column and the byte offset.
    let hostile = corpus("invalid-utf8-mid-file.csv");
    let (_run_fixture, run) = rejected_row(
        &hostile,
        1000,
        &["column 7 is not valid UTF-8 (byte offset 24039)"],
        1999,
        2,
    );
    for name in ["findings.json", "findings.csv", "report.html", "summary.md"] {
        let text = std::fs::read_to_string(run.out.join(name)).unwrap();
        assert!(
            !text.contains('\u{FFFD}'),
            "a replacement character in {name}"
        );
    }
}

/// A bill of `rows` rows of 1.00 for account A1, with `bad` as the product of row `at`;
/// in GBK, each row also names its instance 实例 (so the start is not plain ASCII).
fn long_bill(rows: usize, at: usize, bad: &[u8], gbk: bool) -> Vec<u8> {
    let mut bytes = b"account_id,billing_month,product,net_amount,currency".to_vec();
    bytes.extend(if gbk { &b",instance_id\n"[..] } else { b"\n" });
    for row in 2..=rows + 1 {
        bytes.extend(b"A1,2025-01,");
        if row == at {
            bytes.extend(bad);
        } else {
            bytes.extend(b"ECS");
        }
        bytes.extend(b",1.00,CNY");
        // 实例 in GBK.
        bytes.extend(if gbk {
            &b",\xca\xb5\xc0\xfd\n"[..]
        } else {
            b"\n"
        });
    }
    bytes
}

#[test]
fn invalid_utf8_past_the_sniffed_start_rejects_its_row_and_reads_the_rest() {
    // 20,000 rows (about 500 KB); the encoding is decided from the first 256 KiB, so row
    // 15,000 is read as UTF-8 and its bad bytes reject that row alone.
    let fixture = Fixture::new();
    let bytes = long_bill(20_000, 15_000, b"EC\xff\xfeS", false);
    let offset = bytes.iter().position(|byte| *byte == 0xFF).unwrap();
    let hostile = fixture.write("late.csv", bytes);
    // The 19,999 other rows count.
    rejected_row(
        &hostile,
        15_000,
        &[&format!(
            "column 3 is not valid UTF-8 (byte offset {offset}), although the rest of the file is"
        )],
        19_999,
        1,
    );
}

#[test]
fn invalid_gbk_past_the_sniffed_start_rejects_its_row_and_reads_the_rest() {
    // The decoder marks the pair 81 20 (no GBK/GB18030 character) instead of failing:
    // its row is rejected naming the pair's offset, and the 19,999 other rows count.
    let fixture = Fixture::new();
    let bytes = long_bill(20_000, 15_000, b"\x81\x20", true);
    let offset = bytes
        .windows(2)
        .position(|pair| pair == b"\x81\x20")
        .unwrap();
    let hostile = fixture.write("late-gbk.csv", bytes);
    rejected_row(
        &hostile,
        15_000,
        &[&format!(
            "column 3 is not valid GB18030 (byte offset {offset})"
        )],
        19_999,
        1,
    );
}

#[test]
fn an_invalid_gbk_byte_pair_rejects_its_row_with_its_offset() {
    // GBK text (so GB18030 reads further than UTF-8) whose row 3 holds the pair 81 20:
    // that row is rejected naming the pair's offset; rows 2 and 4 count.
    rejected_row(
        &corpus("invalid-gbk.csv"),
        3,
        &["column 3 is not valid GB18030 (byte offset 93)"],
        2,
        1,
    );
}

#[test]
fn bytes_that_are_text_in_no_encoding_refuse_the_file_with_the_first_offset() {
    // A header, then binary bytes: far more bad sequences than damage would make.
    let fixture = Fixture::new();
    let mut bytes = b"account_id,billing_month,product,net_amount,currency\n".to_vec();
    let at = bytes.len();
    bytes.extend((0..4096u32).map(|index| (index.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80));
    let hostile = fixture.write("binary.csv", bytes);
    refused_file(
        &hostile,
        &[
            "neither UTF-8 nor GBK/GB18030",
            &format!("as UTF-8, its first bad byte is at offset {at}"),
        ],
    );
}

#[test]
fn an_unbalanced_quote_rejects_every_row_it_swallows_and_the_totals_still_balance() {
    // Rows 2–11 are good; row 12 opens a quote that never closes and swallows 13–32.
    let hostile = corpus("unbalanced-quote.csv");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let rows: Vec<u64> = run
        .about(&hostile)
        .iter()
        .map(|finding| {
            assert_eq!(finding["type"], "rejected_row");
            finding["evidence"]["location"]["row"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(rows.len(), 21, "{rows:?}");
    assert!(rows.contains(&12) && rows.contains(&32), "{rows:?}");
    let swallowed = run
        .about(&hostile)
        .iter()
        .filter(|finding| {
            finding["detail"]
                .as_str()
                .unwrap()
                .contains("swallowed by the unclosed quote opened on line 12")
        })
        .count();
    assert_eq!(swallowed, 20);
    // The ten good rows count: 10,000.00 + 10 × 1.00.
    assert_eq!(run.installment()["weighted_base"], "10010.00");
    let control = run.json()["controls"]["billing"][1].clone();
    assert_eq!(control["read"]["rows"], 31);
    assert_eq!(control["rejected"]["rows"], 21);
    assert_eq!(control["balanced"], true);
}

#[test]
fn ragged_rows_short_and_long_ones_are_rejected_with_their_row() {
    // Row 3 has a sixth field beyond the header, row 4 lacks its currency.
    let hostile = corpus("ragged-rows.csv");
    let fixture = Fixture::new();
    let run = audit_with_billing(&fixture, &hostile);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let mut about = run.about(&hostile);
    about.sort_by_key(|finding| finding["evidence"]["location"]["row"].as_u64());
    assert_eq!(about.len(), 2, "{about:#?}");
    assert_eq!(about[0]["evidence"]["location"]["row"], 3);
    assert!(
        about[0]["detail"]
            .as_str()
            .unwrap()
            .contains("past the header's 5 columns"),
        "{about:#?}"
    );
    assert_eq!(about[1]["evidence"]["location"]["row"], 4);
    assert!(
        about[1]["detail"]
            .as_str()
            .unwrap()
            .contains("currency: expected a currency code such as CNY, found (empty)"),
        "{about:#?}"
    );
    // Rows 2 and 5 count: 1.00 + 8.00; rows 3 (2.00) and 4 (4.00) are rejected and counted.
    assert_eq!(run.installment()["weighted_base"], "10009.00");
    let control = run.json()["controls"]["billing"][1].clone();
    assert_eq!(control["read"]["rows"], 4);
    assert_eq!(control["read"]["amount"], "15.00");
    assert_eq!(control["rejected"]["amount"], "6.00");
    assert_eq!(control["balanced"], true);
}
