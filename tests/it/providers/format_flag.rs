//! --format.

use super::*;

#[test]
fn format_forces_one_layout_and_says_what_the_file_lacks_for_it() {
    let file = fixture("generic-template.csv");
    let (status, report) = inspect(&file, &["--format", "aliyun"]);
    assert_eq!(status, Some(1), "{report:#}");
    let table = &report["tables"][0];
    assert_eq!(table["format"], Value::Null);
    let reason = table["rejected"][0]["reason"].as_str().unwrap();
    // account_id matches Alibaba's `Account ID` (case, spaces and underscores ignored) and
    // currency is optional; the rest is missing.
    assert_mentions(
        reason,
        &[
            "this header row does not match the billing format `aliyun`",
            "it lacks: billing_month (账期 / 賬期 / Billing Cycle / BillingCycle); product (产品Code / Product Code / ProductCode / 产品 / Product Name / ProductName); net_amount (应付金额 / Pretax Amount / PretaxAmount); 产品Code / Product Code / ProductCode.",
        ],
    );
    assert!(!reason.contains("account_id ("), "{reason}");

    // The same in an audit.
    let fixture_dir = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
    let run = fixture_dir.audit(
        &contracts,
        &file,
        &payouts,
        "2025-12-31",
        &["--format", "aliyun"],
    );
    run.expect_status(1);
    let rejected = run.of_type("rejected_row");
    assert_eq!(rejected.len(), 4, "{rejected:#?}");
    assert!(
        rejected.iter().any(|finding| finding["detail"]
            .as_str()
            .unwrap()
            .contains("does not match the billing format `aliyun`")),
        "{rejected:#?}"
    );
}

#[test]
fn format_chooses_between_two_formats_a_header_fits() {
    let file = fixture("aliyun-huawei-ambiguous.csv");
    let (status, report) = inspect(&file, &[]);
    assert_eq!(status, Some(1), "{report:#}");
    assert_eq!(
        report["tables"][0]["rejected"][0]["reason"],
        "this header row matches 2 billing formats (`aliyun`, `huawei`); run with --format NAME to choose one"
    );
    let shown = file.display().to_string();
    // As Huawei: the product is 产品类型编码, the list amount 官网价.
    let (status, report) = inspect(&file, &["--format", "huawei"]);
    assert_eq!(status, Some(0), "{report:#}");
    check_table(
        &report["tables"][0],
        &Expected {
            table: &shown,
            format: "huawei",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["账号ID"]),
                ("billing_month", &["账期"]),
                ("product", &["产品类型编码"]),
                ("list_amount", &["官网价"]),
                ("net_amount", &["应付金额"]),
            ],
            lines: &[
                "2|3344556677889900|2025-03||ecs|||100|0|0|80|CNY",
                "3|3344556677889900|2025-03||oss|||10|0|0|10|CNY",
            ],
            net_total: "90",
            totals_rows: &[],
        },
    );
    // As Alibaba: the product is 产品Code, and 官网价 is the list amount (the name of the
    // new-version bills) there too.
    let (status, report) = inspect(&file, &["--format", "aliyun"]);
    assert_eq!(status, Some(0), "{report:#}");
    check_table(
        &report["tables"][0],
        &Expected {
            table: &shown,
            format: "aliyun",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["账号ID"]),
                ("billing_month", &["账期"]),
                ("product", &["产品Code"]),
                ("list_amount", &["官网价"]),
                ("net_amount", &["应付金额"]),
            ],
            lines: &[
                "2|3344556677889900|2025-03||ecs|||100|0|0|80|CNY",
                "3|3344556677889900|2025-03||oss|||10|0|0|10|CNY",
            ],
            net_total: "90",
            totals_rows: &[],
        },
    );
    // In an audit, --format huawei reads it and records the format.
    let fixture_dir = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
    let run = fixture_dir.audit(
        &contracts,
        &file,
        &payouts,
        "2025-12-31",
        &["--format", "huawei"],
    );
    assert!(
        run.of_type("rejected_row").is_empty(),
        "{:#?}",
        run.findings()
    );
    let json = run.json();
    let input = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "billing")
        .unwrap()
        .clone();
    assert_eq!(input["formats"], json!(["huawei"]));
    assert_eq!(json["controls"]["billing"][0]["format"], "huawei");
}

const KNOWN_FORMATS: &str =
    "the formats are: aliyun, aws, azure-ea, azure-mca, focus, huawei, tencent, generic";

#[test]
fn an_unknown_format_name_exits_2_listing_the_formats() {
    let file = fixture("generic-template.csv");
    let run = cli(&[
        OsStr::new("inspect"),
        file.as_os_str(),
        OsStr::new("--format"),
        OsStr::new("nosuch"),
    ]);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert_mentions(
        &run.stderr,
        &[
            "--format nosuch: no ruleset with a billing format has this name",
            KNOWN_FORMATS,
        ],
    );
    let fixture_dir = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
    let run = fixture_dir.audit(
        &contracts,
        &file,
        &payouts,
        "2025-12-31",
        &["--format", "nosuch"],
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--format nosuch", KNOWN_FORMATS]);
}
