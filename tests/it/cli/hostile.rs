//! Hostile input never crashes.

use super::*;

/// Audits the standard contract with the standard bill plus `hostile` as a second billing
/// file; the run must finish (exit 0 or 1) and report `hostile` as a rejected_row.
fn hostile_billing(name: &str, bytes: &[u8]) -> (Fixture, Run, Vec<Value>) {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let good = fixture.write("billing.csv", standard_billing());
    let hostile = fixture.write(name, bytes);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.run(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &good,
        &hostile,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2025-06-30",
    ]);
    assert!(
        matches!(run.status, Some(0 | 1)),
        "status {:?}; stderr:\n{}",
        run.status,
        run.stderr
    );
    // The good file is still audited.
    assert_eq!(run.installments().len(), 1);
    let rejected: Vec<Value> = run
        .of_type("rejected_row")
        .into_iter()
        .filter(|finding| finding["evidence"]["location"]["file"] == hostile.display().to_string())
        .collect();
    (fixture, run, rejected)
}

#[test]
fn a_billing_xlsx_of_random_bytes_is_a_rejected_file() {
    let (_fixture, run, rejected) = hostile_billing("export.xlsx", &pseudo_random_bytes(8192, 42));
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
    assert_eq!(rejected[0]["reason"], "file");
    assert_eq!(rejected[0]["severity"], "error");
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("export.xlsx"))
        .cloned()
        .unwrap();
    assert_eq!(input["sha256"], Value::Null);
    assert_eq!(input["bytes"], 8192);
}

#[test]
fn a_billing_xlsx_that_is_a_truncated_zip_is_a_rejected_file() {
    // A real workbook cut in half: a ZIP whose central directory is gone.
    let fixture = Fixture::new();
    let whole = Book::standard().write_xlsx(fixture.dir.path(), "whole.xlsx");
    let bytes = std::fs::read(whole).unwrap();
    let (_fixture, run, rejected) = hostile_billing("cut.xlsx", &bytes[..bytes.len() / 2]);
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
}

#[test]
fn a_zero_byte_billing_csv_is_reported() {
    let (_fixture, run, rejected) = hostile_billing("empty.csv", b"");
    run.expect_status(1);
    assert_eq!(rejected.len(), 1, "{:#?}", run.findings());
}

#[test]
fn a_zero_byte_billing_csv_does_not_crash() {
    let (_fixture, run, _) = hostile_billing("empty.csv", b"");
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    assert!(matches!(run.status, Some(0 | 1)));
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["path"].as_str().unwrap().ends_with("empty.csv"))
        .cloned()
        .expect("the empty file is listed among the inputs");
    assert_eq!(input["rows"], 0);
    assert_eq!(input["bytes"], 0);
}

#[test]
fn a_billing_csv_with_an_unterminated_quote_is_rejected_not_crashed() {
    // Row 3 opens a quote that never closes: the rest of the file is one field.
    let text = "account_id,billing_month,product,net_amount,currency\n\
                A1,2025-01,ECS,100.00,CNY\n\
                A1,2025-01,ECS,\"200.00,CNY\n\
                A1,2025-01,ECS,300.00,CNY\n";
    let (_fixture, run, rejected) = hostile_billing("quote.csv", text.as_bytes());
    run.expect_status(1);
    assert!(!rejected.is_empty(), "{:#?}", run.findings());
    assert!(
        rejected
            .iter()
            .any(|finding| finding["evidence"]["location"]["row"] == 3),
        "the row with the open quote is named: {rejected:#?}"
    );
    // Row 2 was read and counts for C1 (account A1): 10,000.00 + 100.00 = 10,100.00.
    // Row 4 is swallowed by row 3's open quote, so neither adds to the base.
    assert_eq!(run.installments()[0]["weighted_base"], "10100.00");
    assert_eq!(run.installments()[0]["expected"], "2020.00");
    let control = run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|control| control["file"].as_str().unwrap().ends_with("quote.csv"))
        .cloned()
        .unwrap();
    assert_eq!(control["balanced"], true);
}

#[test]
fn a_binary_file_named_csv_is_rejected_not_crashed() {
    // NULs, invalid UTF-8 and invalid GB18030 sequences (0xFF is never valid in GBK).
    let mut bytes = vec![0x00, 0xFF, 0xFE, 0x00, 0x89, b'P', b'N', b'G', 0xFF, 0xFF];
    bytes.extend(pseudo_random_bytes(4096, 3));
    let bytes: Vec<u8> = bytes
        .into_iter()
        .enumerate()
        .map(|(index, byte)| if index % 97 == 5 { 0xFF } else { byte })
        .collect();
    // Keep the BOM-like 0xFF 0xFE out of the first two bytes so it is not taken as UTF-16.
    let (_fixture, run, rejected) = hostile_billing("binary.csv", &bytes);
    // Nothing of it reached C1: E = 2,000.00 as in the standard audit, paid on time.
    assert_eq!(run.installments()[0]["expected"], "2000.00");
    assert_eq!(run.installments()[0]["status"], "paid");
    run.expect_status(1);
    assert!(!rejected.is_empty(), "{:#?}", run.findings());
}

#[test]
fn a_payout_xlsx_of_random_bytes_is_a_rejected_file() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let good = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let junk = fixture.write("ledger.xlsx", pseudo_random_bytes(5000, 9));
    let run = fixture.run(&[
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &"--payouts",
        &good,
        &junk,
        &"--as-of",
        &"2025-06-30",
    ]);
    run.expect_status(1);
    let finding = only(&run, "rejected_row");
    assert_eq!(finding["reason"], "file");
    assert_eq!(
        finding["evidence"]["location"]["file"],
        junk.display().to_string()
    );
    assert_eq!(run.installments()[0]["status"], "paid");
}
