//! Layouts no format accepts.

use super::*;

#[test]
fn an_almost_alibaba_header_names_aliyun_and_the_missing_net_amount() {
    let file = fixture("aliyun-zh-without-net-amount.csv");
    let (status, report) = inspect(&file, &[]);
    assert_eq!(status, Some(1), "{report:#}");
    let table = &report["tables"][0];
    assert_eq!(table["format"], Value::Null);
    assert_eq!(table["line_count"], 0);
    assert_eq!(table["rejected_count"], 3);
    let rejected = table["rejected"].as_array().unwrap();
    let location = file.display().to_string();
    assert_eq!(rejected[0]["location"], format!("{location}:1"));
    let reason = rejected[0]["reason"].as_str().unwrap();
    assert_mentions(
        reason,
        &[
            CLOSEST_ALIYUN,
            "with 4 of 5 required columns",
            LACKS_NET_AMOUNT,
        ],
    );
    for (rejection, row) in rejected[1..].iter().zip(2..) {
        assert_eq!(rejection["location"], format!("{location}:{row}"));
        assert_eq!(
            rejection["reason"],
            "the table has no recognised header (see row 1)"
        );
    }
    // The text report, for a person.
    let text = cli(&[OsStr::new("inspect"), file.as_os_str()]);
    assert_eq!(text.status, Some(1));
    assert_mentions(
        &text.stdout,
        &[
            "no billing format recognised",
            "`aliyun`",
            "net_amount (应付金额 / Pretax Amount / PretaxAmount)",
            "3 row(s) rejected",
        ],
    );
}

#[test]
fn an_unknown_layout_is_rejected_with_what_the_generic_template_needs() {
    let file = fixture("unknown-layout.csv");
    let (status, report) = inspect(&file, &[]);
    assert_eq!(status, Some(1), "{report:#}");
    let table = &report["tables"][0];
    assert_eq!(table["format"], Value::Null);
    assert_eq!(table["rejected_count"], 3);
    assert_eq!(
        table["rejected"][0]["reason"],
        "this header row matches no billing format: it has none of the columns any format requires. The generic template needs account_id, billing_month, product, net_amount, currency; run `rebate-audit formats` for the provider formats"
    );
}

#[test]
fn an_unknown_layout_in_an_audit_is_rejected_rows_with_the_same_message() {
    // A table that resembles no format (none of its columns is a required one) is not a
    // bill: its rows are rejected rows and the audit goes on (a stray sheet must not
    // stop a nightly run).
    let fixture_dir = Fixture::new();
    let billing = fixture_dir.path("billing");
    std::fs::create_dir_all(&billing).unwrap();
    std::fs::copy(
        fixture("unknown-layout.csv"),
        billing.join("unknown-layout.csv"),
    )
    .unwrap();
    let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
    let run = fixture_dir.audit(&contracts, &billing, &payouts, "2025-12-31", &[]);
    run.expect_status(1);
    let rejected = run.of_type("rejected_row");
    // Three rows: the header with the reason, the rest pointing at it.
    assert_eq!(rejected.len(), 3, "{rejected:#?}");
    let header = rejected
        .iter()
        .find(|finding| {
            finding["detail"]
                .as_str()
                .unwrap()
                .contains("unknown-layout.csv:1: ")
        })
        .unwrap_or_else(|| panic!("no finding for row 1: {rejected:#?}"));
    assert_eq!(header["severity"], "error");
    assert_mentions(
        header["detail"].as_str().unwrap(),
        &["it has none of the columns any format requires"],
    );
    let json = run.json();
    for input in json["inputs"].as_array().unwrap() {
        if input["role"] == "billing" {
            assert_eq!(input["formats"], json!([]), "{input:#}");
        }
    }
}

#[test]
fn an_almost_alibaba_bill_in_an_audit_stops_it_naming_the_missing_column() {
    // Four of Alibaba's five requirements: someone's bill with its net amount column
    // missing. Reading it would reject every row and report its spend as missing, so
    // the run stops (exit 2), naming the file, the format and the column.
    let fixture_dir = Fixture::new();
    let file = fixture("aliyun-zh-without-net-amount.csv");
    let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
    let run = fixture_dir.audit(&contracts, &file, &payouts, "2025-12-31", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "the billing exports cannot be used (1 problem)",
            &format!("{}:1: ", file.display()),
            "comes close to the billing format `aliyun`",
            "with 4 of its 5 required columns",
            "lacks a column for net_amount (应付金额 / Pretax Amount / PretaxAmount)",
            "--format NAME",
        ],
    );
    // Nothing was written.
    assert!(!run.out.join("findings.json").exists());
}
