//! inspect: each layout, line by line.

use super::*;

#[test]
fn alibaba_chinese_bill_with_titles_and_a_totals_row() {
    let file = fixture("aliyun-zh-billing-item-202503.csv");
    // Net: 960 + 321.10 + 1920 − 320 + 88 + 500 = 3469.10, which the 合计 row states.
    inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "aliyun",
            header_row: 3,
            rows_above_header: 2,
            columns: ALIYUN_ZH_COLUMNS,
            lines: ALIYUN_ZH_LINES,
            net_total: "3469.1",
            totals_rows: &[(10, "3469.1", "3469.1")],
        }],
    );
    // The text report says the same for a person.
    let text = cli(&[OsStr::new("inspect"), file.as_os_str()]);
    assert_eq!(text.status, Some(0), "{}", text.stderr);
    assert_mentions(
        &text.stdout,
        &[
            "format `aliyun`",
            "header on row 3",
            "2 title or note row(s) above the header",
            "6 line(s), net total 3,469.10; 0 row(s) rejected",
            "totals row 10: 3,469.10 agrees with the lines above it",
        ],
    );
}

#[test]
fn alibaba_english_bill_in_usd() {
    let file = fixture("aliyun-en-billing-item-202504.csv");
    // Net: 135 + 24.50 + 72 − 45 = 186.50.
    inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "aliyun",
            header_row: 1,
            rows_above_header: 0,
            columns: ALIYUN_EN_COLUMNS,
            lines: ALIYUN_EN_LINES,
            net_total: "186.5",
            totals_rows: &[],
        }],
    );
}

#[test]
fn alibaba_zip_of_two_csv_parts_is_two_tables() {
    let dir = tempfile::tempdir().unwrap();
    let file = alibaba_zip(dir.path());
    let shown = file.display().to_string();
    let columns: &[(&str, &[&str])] = ALIYUN_ZH_COLUMNS;
    // Part 1: 960 + 360.45 + 50 = 1370.45; part 2: 2400 + 27 = 2427.
    inspect_clean(
        &file,
        "UTF-8 with BOM",
        &[
            Expected {
                table: &format!("{shown}:{}", ZIP_PARTS[0]),
                format: "aliyun",
                header_row: 1,
                rows_above_header: 0,
                columns,
                lines: ALIYUN_ZIP_PART_1,
                net_total: "1370.45",
                totals_rows: &[],
            },
            Expected {
                table: &format!("{shown}:{}", ZIP_PARTS[1]),
                format: "aliyun",
                header_row: 1,
                rows_above_header: 0,
                columns,
                lines: ALIYUN_ZIP_PART_2,
                net_total: "2427",
                totals_rows: &[],
            },
        ],
    );
}

#[test]
fn tencent_english_bill_detail() {
    let file = fixture("tencent-en-bill-detail-202505.csv");
    // Net: 576 + 1.23456789 + 1888.12345678 − 288 + 0.01 = 2177.36802467.
    let report = inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "tencent",
            header_row: 1,
            rows_above_header: 0,
            columns: TENCENT_EN_COLUMNS,
            lines: TENCENT_EN_LINES,
            net_total: "2177.36802467",
            totals_rows: &[],
        }],
    );
    let columns = report["tables"][0]["columns"].as_array().unwrap();
    assert!(
        columns.iter().all(|column| column["field"] != "discount"),
        "Tencent's Discount is a rate and must not be read as an amount: {columns:?}"
    );
}

#[test]
fn tencent_chinese_bill_without_currency_or_month_columns() {
    let file = fixture("tencent-zh-bill-detail-202506.csv");
    // Net: 850 + 170 + 12.345678 − 425 + 5.5 = 612.845678.
    inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "tencent",
            header_row: 1,
            rows_above_header: 0,
            columns: TENCENT_ZH_COLUMNS,
            lines: TENCENT_ZH_LINES,
            net_total: "612.845678",
            totals_rows: &[],
        }],
    );
}

#[test]
fn huawei_gbk_bill_with_usage_ranges_and_excel_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let file = huawei_gbk(dir.path());
    // Net: 0.468 + 1234.50 − 270 + 12.34567891 − 50 = 927.31367891.
    inspect_clean(
        &file,
        "GB18030",
        &[Expected {
            table: &file.display().to_string(),
            format: "huawei",
            header_row: 1,
            rows_above_header: 0,
            columns: HUAWEI_COLUMNS,
            lines: HUAWEI_LINES,
            net_total: "927.31367891",
            totals_rows: &[],
        }],
    );
}

#[test]
fn azure_ea_csv_with_old_column_names_and_us_dates() {
    let file = fixture("azure-ea-actual-cost-202309.csv");
    assert!(std::fs::read(&file).unwrap().starts_with(b"\xEF\xBB\xBF"));
    // Net: 3.25 + 0.00004 + 36.5 + 120.5 = 160.25004.
    inspect_clean(
        &file,
        "UTF-8 with BOM",
        &[Expected {
            table: &file.display().to_string(),
            format: "azure-ea",
            header_row: 1,
            rows_above_header: 0,
            columns: AZURE_EA_CSV_COLUMNS,
            lines: AZURE_EA_CSV_LINES,
            net_total: "160.25004",
            totals_rows: &[],
        }],
    );
}

#[test]
fn azure_ea_2024_header_in_an_xlsx_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let file = azure_ea_xlsx(dir.path());
    let (status, report) = inspect(&file, &[]);
    // The Defender line's product is unknown but the line is read: inspect is clean.
    assert_eq!(status, Some(0), "{report:#}");
    assert_eq!(report["encoding"], Value::Null);
    let tables = report["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 1, "{report:#}");
    // Net: 12.34 + 56.78 + 0.5 + 7.25 + 9.99 = 86.86.
    check_table(
        &tables[0],
        &Expected {
            table: &format!("{}:Usage Details", file.display()),
            format: "azure-ea",
            header_row: 1,
            rows_above_header: 0,
            columns: AZURE_EA_XLSX_COLUMNS,
            lines: AZURE_EA_XLSX_LINES,
            net_total: "86.86",
            totals_rows: &[],
        },
    );
}

#[test]
fn azure_mca_csv_with_a_refund_and_payg_cost() {
    let file = fixture("azure-mca-actual-cost-202510.csv");
    // Net: 45.60 + 3.21 + 300 − 20 = 328.81.
    inspect_clean(
        &file,
        "UTF-8 with BOM",
        &[Expected {
            table: &file.display().to_string(),
            format: "azure-mca",
            header_row: 1,
            rows_above_header: 0,
            columns: AZURE_MCA_COLUMNS,
            lines: AZURE_MCA_LINES,
            net_total: "328.81",
            totals_rows: &[],
        }],
    );
}

#[test]
fn focus_sample_with_nulls_a_credit_and_a_utc_period_start() {
    let file = fixture("focus-1.0-sample.csv");
    // Net: 0.000015 − 2.6137 + 12.5 + 88.8 − 20 = 78.686315.
    inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "focus",
            header_row: 1,
            rows_above_header: 0,
            columns: FOCUS_COLUMNS,
            lines: FOCUS_LINES,
            net_total: "78.686315",
            totals_rows: &[],
        }],
    );
}

#[test]
fn generic_template() {
    let file = fixture("generic-template.csv");
    // The generic format names no refund words: amounts count as written.
    inspect_clean(
        &file,
        "UTF-8",
        &[Expected {
            table: &file.display().to_string(),
            format: "generic",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["account_id"]),
                ("billing_month", &["billing_month"]),
                ("date", &["date"]),
                ("product", &["product"]),
                ("order_type", &["order_type"]),
                ("instance_id", &["instance_id"]),
                ("list_amount", &["list_amount"]),
                ("discount", &["discount"]),
                ("voucher", &["voucher"]),
                ("net_amount", &["net_amount"]),
                ("currency", &["currency"]),
            ],
            lines: &[
                "2|A1|2025-01|2025-01-05|ecs|purchase|i-acme-0001|1200|200|0|1000|CNY",
                "3|A1|2025-01|2025-01-31|oss|usage|acme-bucket|300|0|50|300|CNY",
                "4|A1|2025-01|2025-01-20|ecs|refund|i-acme-0001|-120|-20|0|-100|CNY",
            ],
            net_total: "1200",
            totals_rows: &[],
        }],
    );
}
