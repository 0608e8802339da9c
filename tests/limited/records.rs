//! The CSV record bound through the real binary (`[limits] csv_record_size`): a bill
//! holding one 700 MB line, generated here as it is written (never held in memory), is
//! read under the address-space limit in bounded memory with that row rejected and the
//! rows after it read; and a limit lowered in `audit.toml` rejects an ordinary long row.

use crate::common::{Book, Fixture, simple_payouts, standard_billing};
use crate::hostile::audit_with_billing;
use crate::under_limit::REFUSAL_RSS_KB;
use std::io::Write;
use std::time::Duration;

/// The generic billing header.
const HEADER: &str = "account_id,billing_month,product,net_amount,currency\n";

#[test]
fn a_csv_of_one_700_mb_line_rejects_that_row_and_reads_on_in_bounded_memory() {
    crate::under_limit::strict();
    let fixture = Fixture::new();
    let path = fixture.path("huge.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(HEADER.as_bytes()).unwrap();
    file.write_all(b"A1,2025-01,ECS,1.00,CNY,").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..700 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\nA1,2025-01,ECS,5000.00,CNY\n").unwrap();
    file.into_inner().unwrap().sync_all().unwrap();

    let run = audit_with_billing(&fixture, &path);
    // The test build too: SHA-256 and memchr are optimised in it (Cargo.toml), and the
    // split planner skips the bytes inside a field (about 2 s).
    assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
    assert!(matches!(run.status, 0..=3), "{}", run.stderr);
    let about = run.about(&path);
    let rejected: Vec<_> = about
        .iter()
        .filter(|finding| finding["type"] == "rejected_row")
        .collect();
    assert_eq!(rejected.len(), 1, "{about:#?}");
    assert_eq!(rejected[0]["evidence"]["location"]["row"], 2, "{about:#?}");
    let detail = rejected[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("is 734003224 bytes long, more than the limit of 4 MiB (`csv_record_size` in `[limits]`)"),
        "{detail}"
    );
    // The row after it was read: E = 20% of 15,000.00.
    assert_eq!(run.installment()["expected"], "3000.00");
    assert!(
        run.peak_kb < REFUSAL_RSS_KB,
        "peak memory {} KiB",
        run.peak_kb
    );
}

#[test]
fn csv_record_size_in_audit_toml_rejects_an_ordinary_long_row() {
    let fixture = Fixture::new();
    Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    fixture.write("billing.csv", standard_billing());
    fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let long_product = "P".repeat(300);
    fixture.write(
        "long.csv",
        format!("{HEADER}A1,2025-01,{long_product},5000.00,CNY\nA1,2025-01,ECS,1000.00,CNY\n"),
    );
    let config = |limit: &str| {
        fixture.write(
            "audit.toml",
            format!(
                "contracts = \"contracts\"\nbilling = [\"billing.csv\", \"long.csv\"]\npayouts = \"payouts.csv\"\nas_of = \"2025-06-30\"\n{limit}"
            ),
        )
    };
    let config_path = config("");
    let read = fixture.run_into("read", &[&"run", &"--config", &config_path]);
    // Read whole with the default limit: E = 20% of 16,000.00.
    assert_eq!(read.installments()[0]["expected"], "3200.00");
    let config_path = config("[limits]\ncsv_record_size = \"256 B\"\n");
    let limited = fixture.run_into("limited", &[&"run", &"--config", &config_path]);
    let rejected: Vec<_> = limited
        .findings()
        .into_iter()
        .filter(|finding| {
            finding["type"] == "rejected_row"
                && finding["evidence"]["location"]["file"]
                    .as_str()
                    .is_some_and(|file| file.ends_with("long.csv"))
        })
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!(rejected[0]["evidence"]["location"]["row"], 2);
    let detail = rejected[0]["detail"].as_str().unwrap();
    assert!(
        detail.contains(
            "is 323 bytes long, more than the limit of 256 bytes (`csv_record_size` in `[limits]`)"
        ),
        "{detail}"
    );
    // The long row is not read, the next one is: E = 20% of 11,000.00.
    assert_eq!(limited.installments()[0]["expected"], "2200.00");
}
