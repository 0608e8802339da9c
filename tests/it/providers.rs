//! Every provider layout the rulesets describe, read through the real binary from real
//! files: `rebate-audit inspect FILE --json`, `rebate-audit formats` and `rebate-audit run`.
//!
//! The fixtures are in `tests/fixtures/providers/` (accounts and names are fictitious), one
//! per layout of `the providers' documented layouts (docs/INPUTS.md)`:
//!
//! | fixture | layout |
//! |---|---|
//! | `aliyun-zh-billing-item-202503.csv` | Alibaba 41-column 明细账单 (§1.1), two title rows, a `合计` row, a positive 退款 row, 云市场 |
//! | `aliyun-en-billing-item-202504.csv` | Alibaba English header (§1.2) plus Pretax Amount, Deducted By Cash Coupons, Currency USD; a negative Refund |
//! | `aliyun-zip/*.csv` | the two UTF-8-with-BOM parts of a split InstanceDetail month, zipped at test time |
//! | `tencent-en-bill-detail-202505.csv` | Tencent bill detail (§2.1), 8-decimal strings, `-` Original Cost, a `Discount` rate, a positive Refund |
//! | `tencent-zh-bill-detail-202506.csv` | Tencent Chinese labels (§2.2), no currency and no bill-month column, a positive 包年包月退费 |
//! | `huawei-instance-bill-202008.utf8.csv` | Huawei 资源按账期 (§3.1), written as GBK at test time: a usage range in 消费时间, `￥1,234.50`, 代金券 + 现金券, 退款-退订 |
//! | `azure-ea-actual-cost-202309.csv` | Azure EA, finops-toolkit header (§6 #3): UTF-8 BOM, MM/DD/YYYY, `Cost`, `BillingCurrency` |
//! | (built at test time) | Azure EA 2024-08-01 header (§4.1) as an XLSX workbook with number and date cells |
//! | `azure-mca-actual-cost-202510.csv` | Azure MCA 65 columns (§4.2), `paygCostInBillingCurrency`, a Refund row |
//! | `focus-1.0-sample.csv` | FOCUS 1.0 official sample header (§6 #1): `Id`, `NULL`, `2024-09-01 00:00:00`, a Credit, Huawei's `2024-12-31T16:00:00Z` period start |
//! | `generic-template.csv` | the generic template (docs/INPUTS.md) |
//! | `unknown-layout.csv`, `aliyun-zh-without-net-amount.csv` | layouts no format accepts (the second comes close to Alibaba's: an audit stops on it) |
//! | `aliyun-huawei-ambiguous.csv` | a header both Alibaba and Huawei accept |
//! | `aliyun-zh-net-amount-yuan.csv` | Alibaba with `应付金额(元)` (a unit suffix, read built in); as `应付金额(含税)`, accepted only through a user ruleset |
//! | `acme-invoice-lines.csv` | a provider only a user ruleset (`acme.toml`) describes |
//!
//! Every expected line was worked out by hand from the fixture and its ruleset: refunds
//! count negative whatever sign they were written with, blank words (`-`, `NULL`) are empty,
//! amounts are exact decimals as written (trailing zeros dropped), products go through the
//! ruleset's aliases, then the generic ones.

use crate::common::*;
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/providers")
        .join(name)
}

/// What one run of `rebate-audit` (without `--out`) printed.
struct Cli {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn cli<S: AsRef<OsStr>>(args: &[S]) -> Cli {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("the binary runs");
    let cli = Cli {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !cli.stderr.contains("panicked") && cli.status != Some(101),
        "the binary panicked:\n{}",
        cli.stderr
    );
    cli
}

/// `rebate-audit inspect FILE --json --lines 50 EXTRA…`: the exit status and the report.
fn inspect(file: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("inspect"),
        file.as_os_str(),
        OsStr::new("--json"),
        OsStr::new("--lines"),
        OsStr::new("50"),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let run = cli(&args);
    let report = serde_json::from_str(&run.stdout).unwrap_or_else(|error| {
        panic!(
            "inspect printed no JSON ({error}); status {:?}\nstdout:\n{}\nstderr:\n{}",
            run.status, run.stdout, run.stderr
        )
    });
    (run.status, report)
}

/// Expected lines, one per string:
/// `row|account|month|date|product|order type|instance|list|discount|voucher|net|currency`.
/// An empty date, order type, instance or list amount is `null`; a product ending in `?`
/// matched no alias (`product_known` false).
fn lines(spec: &[&str]) -> Vec<Value> {
    spec.iter()
        .map(|line| {
            let fields: Vec<&str> = line.split('|').collect();
            assert_eq!(fields.len(), 12, "a line spec has 12 fields: {line}");
            let optional = |text: &str| {
                if text.is_empty() {
                    Value::Null
                } else {
                    json!(text)
                }
            };
            let (product, known) = match fields[4].strip_suffix('?') {
                Some(product) => (product, false),
                None => (fields[4], true),
            };
            json!({
                "row": fields[0].parse::<u64>().expect("a row number"),
                "account_id": fields[1],
                "billing_month": fields[2],
                "date": optional(fields[3]),
                "product": product,
                "product_known": known,
                "order_type": optional(fields[5]),
                "instance_id": optional(fields[6]),
                "list_amount": optional(fields[7]),
                "discount": fields[8],
                "voucher": fields[9],
                "net_amount": fields[10],
                "currency": fields[11],
            })
        })
        .collect()
}

/// What one table of an `inspect` report must hold.
struct Expected<'a> {
    table: &'a str,
    format: &'a str,
    header_row: u64,
    rows_above_header: u64,
    /// Every mapped field and its header(s), in field order.
    columns: &'a [(&'a str, &'a [&'a str])],
    lines: &'a [&'a str],
    net_total: &'a str,
    /// `(row, stated, rows_above)` of each totals row.
    totals_rows: &'a [(u64, &'a str, &'a str)],
}

fn check_table(table: &Value, expected: &Expected<'_>) {
    let name = expected.table;
    assert_eq!(table["table"], name, "{table:#}");
    assert_eq!(table["format"], expected.format, "{name}");
    assert_eq!(table["header_row"], expected.header_row, "{name}");
    assert_eq!(
        table["rows_above_header"], expected.rows_above_header,
        "{name}"
    );
    let columns: Vec<Value> = expected
        .columns
        .iter()
        .map(|(field, headers)| json!({"field": field, "headers": headers}))
        .collect();
    assert_eq!(table["columns"], Value::Array(columns), "{name}: columns");
    assert_eq!(
        table["rejected"],
        json!([]),
        "{name}: no row may be rejected"
    );
    assert_eq!(table["rejected_count"], 0, "{name}");
    let found = table["lines"].as_array().expect("lines");
    let wanted = lines(expected.lines);
    for (index, wanted) in wanted.iter().enumerate() {
        assert_eq!(
            found.get(index),
            Some(wanted),
            "{name}: line {} differs",
            index + 1
        );
    }
    assert_eq!(found.len(), wanted.len(), "{name}: {found:#?}");
    assert_eq!(table["line_count"], wanted.len() as u64, "{name}");
    assert_eq!(table["net_total"], expected.net_total, "{name}");
    let totals: Vec<Value> = expected
        .totals_rows
        .iter()
        .map(|(row, stated, above)| json!({"row": row, "stated": stated, "rows_above": above}))
        .collect();
    assert_eq!(table["totals_rows"], Value::Array(totals), "{name}");
}

/// Runs `inspect` on `file`, expects a clean read (exit 0) of exactly these tables.
fn inspect_clean(file: &Path, encoding: &str, tables: &[Expected<'_>]) -> Value {
    let (status, report) = inspect(file, &[]);
    assert_eq!(status, Some(0), "{report:#}");
    assert_eq!(report["file"], file.display().to_string());
    assert_eq!(report["encoding"], encoding, "{}", file.display());
    let found = report["tables"].as_array().expect("tables");
    assert_eq!(found.len(), tables.len(), "{report:#}");
    for (table, expected) in found.iter().zip(tables) {
        check_table(table, expected);
    }
    report
}

// ---------------------------------------------------------------------------------------
// Fixtures built at test time (binary: zip, GBK, XLSX)
// ---------------------------------------------------------------------------------------

const ZIP_PARTS: [&str; 2] = [
    "1234567890123456_InstanceDetail_202505_1.csv",
    "1234567890123456_InstanceDetail_202505_2.csv",
];

/// The two parts of a split Alibaba month zipped under one name, as the OSS bill
/// subscription delivers them. Written part 2 first: the reader orders members by name.
fn alibaba_zip(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("1234567890123456_InstanceDetail_202505.zip");
    let file = std::fs::File::create(&path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for part in ZIP_PARTS.iter().rev() {
        let bytes = std::fs::read(fixture(&format!("aliyun-zip/{part}"))).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{part} starts with a BOM"
        );
        zip.start_file(*part, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// The Huawei 资源按账期 file as Huawei's console and Excel on a Chinese Windows save it:
/// GBK (`￥` is 0xA3A4).
fn huawei_gbk(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("huawei-instance-bill-202008.utf8.csv")).unwrap();
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "every character of the fixture exists in GBK");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the GBK bytes are not UTF-8"
    );
    let path = dir.join("hw_acme_01_InstanceBillMonth_202008.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The Azure EA cost-details header, version 2024-08-01 (research §4.1), 57 columns.
const AZURE_EA_2024: &str = "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName,AccountId,ResourceLocationNormalized";

/// The EA 2024 layout saved as a workbook: ids, quantities and costs are number cells,
/// dates are date cells.
fn azure_ea_xlsx(dir: &Path) -> PathBuf {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let header: Vec<&str> = AZURE_EA_2024.split(',').collect();
    assert_eq!(header.len(), 57);
    let subscription = "11111111-2222-4333-8444-555555555555";
    // (meter category, day of October 2024, cost, resource, consumed service)
    let rows: [(&str, u8, f64, &str, &str); 5] = [
        (
            "Virtual Machines",
            5,
            12.34,
            "virtualMachines/web-02",
            "Microsoft.Compute",
        ),
        (
            "Azure Kubernetes Service",
            12,
            56.78,
            "managedClusters/aks-shop",
            "Microsoft.ContainerService",
        ),
        (
            "Azure Cosmos DB",
            31,
            0.5,
            "databaseAccounts/acme-catalog",
            "Microsoft.DocumentDB",
        ),
        (
            "Bandwidth",
            15,
            7.25,
            "publicIPAddresses/web-ip",
            "Microsoft.Network",
        ),
        (
            "Microsoft Defender for Cloud",
            20,
            9.99,
            "securityPricings/VirtualMachines",
            "Microsoft.Security",
        ),
    ];
    let path = dir.join("azure-ea-cost-details-202410.xlsx");
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("mm/dd/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Usage Details").unwrap();
    for (column, name) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *name).unwrap();
    }
    for (index, (category, day, cost, resource, service)) in rows.iter().enumerate() {
        let row = index as u32 + 1;
        let resource_id = format!(
            "/subscriptions/{subscription}/resourceGroups/shop-rg/providers/{service}/{resource}"
        );
        let cells: Vec<(&str, Val)> = vec![
            ("InvoiceSectionName", "Acme IT".into()),
            ("AccountName", "Acme Cloud Ops".into()),
            (
                "AccountOwnerId",
                "cloudops@acme-example.onmicrosoft.com".into(),
            ),
            ("SubscriptionId", subscription.into()),
            ("SubscriptionName", "Acme Production".into()),
            ("ResourceGroup", "shop-rg".into()),
            ("ResourceLocation", "westeurope".into()),
            ("Date", Val::Date(2024, 10, *day)),
            ("MeterCategory", (*category).into()),
            ("Quantity", 1.0.into()),
            ("EffectivePrice", (*cost).into()),
            ("CostInBillingCurrency", (*cost).into()),
            ("ConsumedService", (*service).into()),
            ("ResourceId", resource_id.into()),
            ("UnitPrice", (*cost).into()),
            ("PublisherType", "Azure".into()),
            ("ChargeType", "Usage".into()),
            ("Frequency", "UsageBased".into()),
            ("PricingModel", "OnDemand".into()),
            ("BillingAccountId", 87_654_321.0.into()),
            ("BillingAccountName", "Acme Trading (fictitious)".into()),
            ("BillingCurrencyCode", "USD".into()),
            ("BillingPeriodStartDate", Val::Date(2024, 10, 1)),
            ("BillingPeriodEndDate", Val::Date(2024, 10, 31)),
            ("BillingProfileId", 87_654_321.0.into()),
            ("IsAzureCreditEligible", "True".into()),
            ("PayGPrice", (*cost).into()),
            ("AccountId", 1_234_567.0.into()),
            ("ResourceLocationNormalized", "West Europe".into()),
        ];
        for (name, value) in cells {
            let column = header
                .iter()
                .position(|header| *header == name)
                .unwrap_or_else(|| panic!("no column {name}")) as u16;
            match value {
                Val::Text(text) => {
                    sheet.write_string(row, column, text).unwrap();
                }
                Val::Num(number) => {
                    sheet.write_number(row, column, number).unwrap();
                }
                Val::Date(year, month, day) => {
                    let date = ExcelDateTime::from_ymd(year, month, day).unwrap();
                    sheet
                        .write_datetime_with_format(row, column, &date, &date_format)
                        .unwrap();
                }
            }
        }
    }
    workbook.save(&path).unwrap();
    path
}

// ---------------------------------------------------------------------------------------
// Expected lines, per fixture
// ---------------------------------------------------------------------------------------

const ALIYUN_ACCOUNT: &str = "1234567890123456";

/// 原价 / 优惠金额 / 代金券抵扣 / 应付金额. Row 7 is a 退款 written positive: every amount
/// turns negative. 云市场 (`market`) is the canonical `marketplace`.
const ALIYUN_ZH_LINES: &[&str] = &[
    "4|1234567890123456|2025-03|2025-03-01|ecs|预付费订单|i-bp1acme0000000web01|1200|240|100|960|CNY",
    "5|1234567890123456|2025-03|2025-03-02|oss|后付费账单|cn-hangzhou;standard|356.78|35.68|0|321.1|CNY",
    "6|1234567890123456|2025-03|2025-03-05|rds|预付费订单|rm-bp1acme00000db01|2400|480|0|1920|CNY",
    "7|1234567890123456|2025-03|2025-03-20|ecs|退款|i-bp1acme0000000web01|-400|-80|-20|-320|CNY",
    "8|1234567890123456|2025-03|2025-03-31|redis|后付费账单|r-bp1acme000cache01|88|0|0|88|CNY",
    "9|1234567890123456|2025-03|2025-03-08|marketplace|预付费订单|cmjj00acme01|500|0|0|500|CNY",
];

const ALIYUN_ZH_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["账号ID"]),
    ("billing_month", &["账期"]),
    ("date", &["消费时间"]),
    ("product", &["产品Code"]),
    ("order_type", &["账单类型"]),
    ("instance_id", &["实例ID"]),
    ("list_amount", &["原价"]),
    ("discount", &["优惠金额"]),
    ("voucher", &["代金券抵扣"]),
    ("net_amount", &["应付金额"]),
];

/// The Refund row is written negative and stays negative (not flipped twice);
/// `Deducted By Coupons` is not read.
const ALIYUN_EN_LINES: &[&str] = &[
    "2|5678901234567890|2025-04|2025-04-01|ecs|SubscriptionOrder|i-t4nacme000000app01|150|15|10|135|USD",
    "3|5678901234567890|2025-04|2025-04-10|slb|PayAsYouGoBill|lb-gs5acme00000lb01|24.5|0|0|24.5|USD",
    "4|5678901234567890|2025-04|2025-04-15|cdn|PayAsYouGoBill|static.acme-example.com|80|8|0|72|USD",
    "5|5678901234567890|2025-04|2025-04-20|ecs|Refund|i-t4nacme000000app01|-50|-5|0|-45|USD",
];

const ALIYUN_EN_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["Account ID"]),
    ("billing_month", &["Billing Cycle"]),
    ("date", &["Payment Time"]),
    ("product", &["Product Code"]),
    ("order_type", &["Item"]),
    ("instance_id", &["Instance ID"]),
    ("list_amount", &["Pretax Gross Amount"]),
    ("discount", &["Invoice Discount"]),
    ("voucher", &["Deducted By Cash Coupons"]),
    ("net_amount", &["Pretax Amount"]),
    ("currency", &["Currency"]),
];

const ALIYUN_ZIP_PART_1: &[&str] = &[
    "2|1234567890123456|2025-05|2025-05-01|ecs|预付费订单|i-bp1acme0000000web01|1200|240|0|960|CNY",
    "3|1234567890123456|2025-05|2025-05-31|oss|后付费账单|cn-hangzhou;standard|400.5|40.05|60.45|360.45|CNY",
    "4|1234567890123456|2025-05|2025-05-31|nas|后付费账单|0a1b2c3d4e-acme|50|0|0|50|CNY",
];

const ALIYUN_ZIP_PART_2: &[&str] = &[
    "2|1234567890123456|2025-05|2025-05-12|polardb|预付费订单|pc-bp1acme00000pg01|3000|600|400|2400|CNY",
    "3|1234567890123456|2025-05|2025-05-31|eip|后付费账单|eip-bp1acme00000ip01|30|3|0|27|CNY",
];

/// `Discount` (a rate: 0.8, 1, `-`, 0.5) is not an amount: discount stays 0. `-` Original
/// Cost is no list amount. The month is the Transaction Time's (no bill-month column). The
/// Refund is written positive and counts negative. 8 decimals are kept exactly.
const TENCENT_EN_LINES: &[&str] = &[
    "2|100012345678|2025-05|2025-05-01|ecs|Purchase|ins-acme0001|720|0|50|576|CNY",
    "3|100012345678|2025-05|2025-05-02|oss|Hourly settlement|acme-assets-1250000000|1.23456789|0|0|1.23456789|CNY",
    "4|100012345678|2025-05|2025-05-03|rds|Purchase|cdb-acme0001||0|0|1888.12345678|CNY",
    "5|100012345678|2025-05|2025-05-20|ecs|Refund|ins-acme0001||0|0|-288|CNY",
    "6|100012345678|2025-05|2025-05-31|slb|Hourly settlement|lb-acme0001|0.02|0|0.01|0.01|CNY",
];

const TENCENT_EN_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["Payer Account ID"]),
    ("date", &["Transaction Time"]),
    ("product", &["Product Name"]),
    ("order_type", &["Transaction Type"]),
    ("instance_id", &["Instance ID"]),
    ("list_amount", &["Original Cost"]),
    ("voucher", &["Voucher Deduction"]),
    ("net_amount", &["Total Amount After Discount"]),
    ("currency", &["Currency"]),
];

/// No 币种 column: CNY. No 账单月份 column: the month of 扣费时间, so row 6 (charged
/// 2025-07-01 00:30 for June's last hour) is July. 折扣率 is not read.
const TENCENT_ZH_LINES: &[&str] = &[
    "2|100012345690|2025-06|2025-06-03|ecs|包年包月新购|ins-acme0101|1000|0|100|850|CNY",
    "3|100012345690|2025-06|2025-06-03|disk|包年包月新购|disk-acme0101|200|0|0|170|CNY",
    "4|100012345690|2025-06|2025-06-30|oss|按量计费小时结|acme-logs-1250000000|12.345678|0|0|12.345678|CNY",
    "5|100012345690|2025-06|2025-06-15|ecs|包年包月退费|ins-acme0101||0|0|-425|CNY",
    "6|100012345690|2025-07|2025-07-01|rds|按量计费小时结|cdb-acme0101|5.5|0|0|5.5|CNY",
];

const TENCENT_ZH_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["支付者UIN"]),
    ("date", &["扣费时间"]),
    ("product", &["产品名称"]),
    ("order_type", &["交易类型"]),
    ("instance_id", &["实例ID"]),
    ("list_amount", &["原价"]),
    ("voucher", &["代金券支出"]),
    ("net_amount", &["优惠后总价"]),
];

/// Row 2's 消费时间 is the one-cell range `2020-08-23 22:00:00 GMT+08:00-2020-08-23
/// 23:00:00 GMT+08:00` (its start is the date); row 5's range ends in September but starts
/// on 2020-08-31. Row 3: `￥1,234.50`, voucher = 代金券 ￥200.00 + 现金券 ￥100.00. Row 4:
/// 退款-退订 written positive, all negative, voucher −(20 + 10). Row 6: 退款-变更 written
/// `-￥50.00` stays −50.
const HUAWEI_LINES: &[&str] = &[
    "2|hw_acme_01|2020-08|2020-08-23|ecs|消费-使用|6b7c1d2e-acme-4f00-9a00-000000000001|0.52|0.052|0|0.468|CNY",
    "3|hw_acme_01|2020-08|2020-08-05|rds|消费-新购|a1b2c3d4acme4e5f0000000000000002in01|1500|265.5|300|1234.5|CNY",
    "4|hw_acme_01|2020-08|2020-08-20|disk|退款-退订|9f8e7d6c-acme-4b00-8c00-000000000003|-300|-30|-30|-270|CNY",
    "5|hw_acme_01|2020-08|2020-08-31|oss|消费-使用|acme-backup|12.34567891|0|0|12.34567891|CNY",
    "6|hw_acme_01|2020-08|2020-08-27|eip|退款-变更|c0ffee00-acme-4d00-8e00-000000000004|-50|0|0|-50|CNY",
];

const HUAWEI_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["账号"]),
    ("billing_month", &["账期"]),
    ("date", &["消费时间"]),
    ("product", &["产品类型编码"]),
    ("order_type", &["账单类型"]),
    ("instance_id", &["资源ID"]),
    ("list_amount", &["官网价"]),
    ("discount", &["优惠金额"]),
    ("voucher", &["代金券抵扣", "现金券抵扣"]),
    ("net_amount", &["应付金额"]),
];

/// MM/DD/YYYY dates; the list amount is PayGPrice × Quantity: 0.1354166667 × 24 =
/// 3.2500000008, 0.1 × 0.0004 = 0.00004, 0 × 1 = 0 (the reservation purchase), 5.0208333333 ×
/// 24 = 120.4999999992.
const AZURE_EA_CSV_LINES: &[&str] = &[
    "2|87654321|2023-09|2023-09-21|ecs|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/web-rg/providers/Microsoft.Compute/virtualMachines/web-01|3.2500000008|0|0|3.25|USD",
    "3|87654321|2023-09|2023-09-04|oss|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/acmedata01|0.00004|0|0|0.00004|USD",
    "4|87654321|2023-09|2023-09-01|ecs|Purchase|/providers/Microsoft.Capacity/reservationOrders/49ed0e4d-0000-4000-8000-000000000003/reservations/|0|0|0|36.5|USD",
    "5|87654321|2023-09|2023-09-30|rds|Usage|/subscriptions/66666666-7777-4888-9999-000000000000/resourceGroups/bi-rg/providers/Microsoft.Sql/servers/acme-sql/databases/reporting|120.4999999992|0|0|120.5|USD",
];

const AZURE_EA_CSV_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["BillingAccountId"]),
    ("billing_month", &["BillingPeriodStartDate"]),
    ("date", &["Date"]),
    ("product", &["MeterCategory"]),
    ("order_type", &["ChargeType"]),
    ("instance_id", &["ResourceId"]),
    ("list_amount", &["PayGPrice", "Quantity"]),
    ("net_amount", &["Cost"]),
    ("currency", &["BillingCurrency"]),
];

/// Number cells (account 87654321.0 reads `87654321`), date cells; the meter category
/// Microsoft Defender for Cloud is in Azure's catalog (issue 14): `security_center`. The
/// list amount is PayGPrice (the cost) × Quantity (1).
const AZURE_EA_XLSX_LINES: &[&str] = &[
    "2|87654321|2024-10|2024-10-05|ecs|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/shop-rg/providers/Microsoft.Compute/virtualMachines/web-02|12.34|0|0|12.34|USD",
    "3|87654321|2024-10|2024-10-12|k8s|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/shop-rg/providers/Microsoft.ContainerService/managedClusters/aks-shop|56.78|0|0|56.78|USD",
    "4|87654321|2024-10|2024-10-31|mongodb|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/shop-rg/providers/Microsoft.DocumentDB/databaseAccounts/acme-catalog|0.5|0|0|0.5|USD",
    "5|87654321|2024-10|2024-10-15|eip|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/shop-rg/providers/Microsoft.Network/publicIPAddresses/web-ip|7.25|0|0|7.25|USD",
    "6|87654321|2024-10|2024-10-20|security_center|Usage|/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/shop-rg/providers/Microsoft.Security/securityPricings/VirtualMachines|9.99|0|0|9.99|USD",
];

const AZURE_EA_XLSX_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["BillingAccountId"]),
    ("billing_month", &["BillingPeriodStartDate"]),
    ("date", &["Date"]),
    ("product", &["MeterCategory"]),
    ("order_type", &["ChargeType"]),
    ("instance_id", &["ResourceId"]),
    ("list_amount", &["PayGPrice", "Quantity"]),
    ("net_amount", &["CostInBillingCurrency"]),
    ("currency", &["BillingCurrencyCode"]),
];

const MCA_ACCOUNT: &str =
    "1a2b3c4d-0000-4000-8000-00000000abcd:5e6f7a8b-0000-4000-8000-00000000cdef_2019-05-31";

/// paygCostInBillingCurrency is the list amount (empty on the reservation purchase); the
/// Refund written negative stays negative.
const AZURE_MCA_LINES: &[&str] = &[
    "2|1a2b3c4d-0000-4000-8000-00000000abcd:5e6f7a8b-0000-4000-8000-00000000cdef_2019-05-31|2025-10|2025-10-10|ecs|Usage|/subscriptions/22222222-3333-4444-8555-666666666666/resourceGroups/shop-rg/providers/Microsoft.Compute/virtualMachines/shop-01|57|0|0|45.6|USD",
    "3|1a2b3c4d-0000-4000-8000-00000000abcd:5e6f7a8b-0000-4000-8000-00000000cdef_2019-05-31|2025-10|2025-10-11|oss|Usage|/subscriptions/22222222-3333-4444-8555-666666666666/resourceGroups/shop-rg/providers/Microsoft.Storage/storageAccounts/shopassets|4|0|0|3.21|USD",
    "4|1a2b3c4d-0000-4000-8000-00000000abcd:5e6f7a8b-0000-4000-8000-00000000cdef_2019-05-31|2025-10|2025-10-01|rds|Purchase|/providers/Microsoft.Capacity/reservationOrders/f6a7b8c9-0000-4000-8000-000000000014||0|0|300|USD",
    "5|1a2b3c4d-0000-4000-8000-00000000abcd:5e6f7a8b-0000-4000-8000-00000000cdef_2019-05-31|2025-10|2025-10-20|ecs|Refund|/subscriptions/22222222-3333-4444-8555-666666666666/resourceGroups/shop-rg/providers/Microsoft.Compute/virtualMachines/shop-01|-25|0|0|-20|USD",
];

const AZURE_MCA_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["billingAccountId"]),
    ("billing_month", &["billingPeriodStartDate"]),
    ("date", &["date"]),
    ("product", &["meterCategory"]),
    ("order_type", &["chargeType"]),
    ("instance_id", &["ResourceId"]),
    ("list_amount", &["paygCostInBillingCurrency"]),
    ("net_amount", &["costInBillingCurrency"]),
    ("currency", &["billingCurrency"]),
];

/// `NULL` is empty (row 3 has no resource, row 6 no list cost); `2024-09-01 00:00:00`
/// timestamps; the Credit is negative as written; Huawei's `2024-12-31T16:00:00Z` period
/// start is January 2025. ServiceName goes through the generic aliases.
const FOCUS_LINES: &[&str] = &[
    "2|/providers/Microsoft.Billing/billingAccounts/7654321|2024-09|2024-09-04|oss|Usage|/subscriptions/33333333-4444-4555-8666-777777777777/resourcegroups/shop-rg/providers/microsoft.storage/storageaccounts/acmeshop01|0.000015|0|0|0.000015|USD",
    "3|123456789012|2024-09|2024-09-24|ecs|Credit||-2.6137|0|0|-2.6137|USD",
    "4|123456789012|2024-09|2024-09-10|oss|Usage|acme-labs-datasets|12.5|0|0|12.5|USD",
    "5|0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d|2025-01|2025-01-10|ecs|Purchase|4f0e9d8c-acme-4b00-8a00-000000000021|100|0|0|88.8|USD",
    "6|0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d|2025-01|2025-01-20|oss|Adjustment|acme-hk-archive||0|0|-20|USD",
];

const FOCUS_COLUMNS: &[(&str, &[&str])] = &[
    ("account_id", &["BillingAccountId"]),
    ("billing_month", &["BillingPeriodStart"]),
    ("date", &["ChargePeriodStart"]),
    ("product", &["ServiceName"]),
    ("order_type", &["ChargeCategory"]),
    ("instance_id", &["ResourceId"]),
    ("list_amount", &["ListCost"]),
    ("net_amount", &["BilledCost"]),
    ("currency", &["BillingCurrency"]),
];

// ---------------------------------------------------------------------------------------
// 1. inspect: each layout, line by line
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// 2. One audit over every layout at once
// ---------------------------------------------------------------------------------------

/// Copies of every fixture in one folder tree, binary ones built; returns the folder and
/// `(file name, formats)` of each.
fn mixed_billing(dir: &Path) -> (PathBuf, Vec<(String, Vec<&'static str>)>) {
    let billing = dir.join("billing");
    let mut files = Vec::new();
    for (sub, name, format) in [
        ("aliyun", "aliyun-zh-billing-item-202503.csv", "aliyun"),
        ("aliyun", "aliyun-en-billing-item-202504.csv", "aliyun"),
        ("tencent", "tencent-en-bill-detail-202505.csv", "tencent"),
        ("tencent", "tencent-zh-bill-detail-202506.csv", "tencent"),
        ("azure", "azure-ea-actual-cost-202309.csv", "azure-ea"),
        ("azure", "azure-mca-actual-cost-202510.csv", "azure-mca"),
        ("focus", "focus-1.0-sample.csv", "focus"),
    ] {
        let folder = billing.join(sub);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(fixture(name), folder.join(name)).unwrap();
        files.push((name.to_string(), vec![format]));
    }
    let zip = alibaba_zip(&billing.join("aliyun"));
    files.push((file_name(&zip), vec!["aliyun"]));
    std::fs::create_dir_all(billing.join("huawei")).unwrap();
    let gbk = huawei_gbk(&billing.join("huawei"));
    files.push((file_name(&gbk), vec!["huawei"]));
    let xlsx = azure_ea_xlsx(&billing.join("azure"));
    files.push((file_name(&xlsx), vec!["azure-ea"]));
    (billing, files)
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Aliyun account 1234567890123456 March–May 2025, Tencent payers 100012345678 and
/// 100012345690 May–July 2025 (both CNY), the MCA account for October 2025 in USD; each
/// monthly, one tier from 0, due 30 days after the month.
fn mixed_contracts(dir: &Path) -> PathBuf {
    Book::default()
        .contract(
            contract("ALI-2025")
                .set("provider", "aliyun")
                .set("accounts", ALIYUN_ACCOUNT)
                .set("start", "2025-03-01")
                .set("end", "2025-05-31"),
        )
        .tier("ALI-2025", "0", "", "10%")
        .contract(
            contract("TX-2025")
                .set("provider", "tencent")
                .set("accounts", "100012345678;100012345690")
                .set("start", "2025-05-01")
                .set("end", "2025-07-31"),
        )
        .tier("TX-2025", "0", "", "10%")
        .contract(
            contract("AZ-2025")
                .set("provider", "azure")
                .set("ruleset", "azure-mca")
                .set("accounts", MCA_ACCOUNT)
                .set("currency", "USD")
                .set("start", "2025-10-01")
                .set("end", "2025-10-31"),
        )
        .tier("AZ-2025", "0", "", "5%")
        .write_csv_folder(dir, "contracts")
}

#[test]
fn one_audit_reads_every_layout_and_records_each_files_format() {
    let fixture_dir = Fixture::new();
    let (billing, files) = mixed_billing(fixture_dir.dir.path());
    let contracts = mixed_contracts(fixture_dir.dir.path());
    // Expected rebates, from the lines above (docs/ARITHMETIC.md: round(R(W)) on the exact base):
    // ALI-2025 March  W = 960 + 321.10 + 1920 − 320 + 88 + 500 × 0 (marketplace) = 2969.10
    //                 E = 296.91
    //          April  no line of this account: W = 0, E = 0
    //          May    W = 1370.45 + 2427 = 3797.45, E = round(379.745) = 379.75
    // TX-2025  May    W = 2177.36802467, E = round(217.736802467) = 217.74
    //          June   W = 850 + 170 + 12.345678 − 425 = 607.345678,
    //                 E = round(60.7345678) = 60.73 (not 60.74 from a rounded W)
    //          July   W = 5.50, E = 0.55
    // AZ-2025  Oct.   W = 45.60 + 3.21 + 300 − 20 = 328.81, E = round(16.4405) = 16.44 USD
    let payouts = fixture_dir.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "currency",
                "period",
            ],
            &[
                &["P1", "ALI-2025", "2025-04-20", "296.91", "CNY", "2025-03"],
                &["P2", "ALI-2025", "2025-06-20", "379.75", "CNY", "2025-05"],
                &["P3", "TX-2025", "2025-06-20", "217.74", "CNY", "2025-05"],
                &["P4", "TX-2025", "2025-07-20", "60.73", "CNY", "2025-06"],
                &["P5", "TX-2025", "2025-08-20", "0.55", "CNY", "2025-07"],
                &["P6", "AZ-2025", "2025-11-20", "16.44", "USD", "2025-10"],
            ],
        ),
    );
    let run = fixture_dir.audit(&contracts, &billing, &payouts, "2025-12-31", &[]);
    // Every rebate is paid in full and on time; what is left is information only.
    run.expect_status(0);
    for (contract, period, weighted_base, expected) in [
        ("ALI-2025", "2025-03-01", "2969.10", "296.91"),
        ("ALI-2025", "2025-04-01", "0.00", "0.00"),
        ("ALI-2025", "2025-05-01", "3797.45", "379.75"),
        ("TX-2025", "2025-05-01", "2177.37", "217.74"),
        ("TX-2025", "2025-06-01", "607.35", "60.73"),
        ("TX-2025", "2025-07-01", "5.50", "0.55"),
        ("AZ-2025", "2025-10-01", "328.81", "16.44"),
    ] {
        let record = installment(&run, contract, period, 1);
        assert_eq!(record["weighted_base"], weighted_base, "{record:#}");
        assert_eq!(record["expected"], expected, "{record:#}");
        assert_eq!(record["paid"], expected, "{record:#}");
    }
    // Spend no contract covers, by (account, month): one info finding each, amounts as in
    // the inspect tests (money rounded to cents).
    let mut uncovered: Vec<(String, String, String, String)> = run
        .findings()
        .iter()
        .map(|finding| {
            assert_eq!(finding["type"], "uncovered_billing", "{finding:#}");
            assert_eq!(finding["severity"], "info", "{finding:#}");
            let facts = &finding["evidence"]["facts"];
            let fact = |name: &str| -> String {
                facts[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("no fact {name}: {finding:#}"))
                    .to_string()
            };
            (
                fact("account_id"),
                fact("billing_month"),
                fact("currency"),
                finding["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    uncovered.sort();
    let owned = |(account, month, currency, amount): (&str, &str, &str, &str)| {
        (
            account.to_string(),
            month.to_string(),
            currency.to_string(),
            amount.to_string(),
        )
    };
    let mut wanted: Vec<_> = [
        (
            "/providers/Microsoft.Billing/billingAccounts/7654321",
            "2024-09",
            "USD",
            "0.00",
        ),
        (
            "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
            "2025-01",
            "USD",
            "68.80",
        ),
        ("123456789012", "2024-09", "USD", "9.89"),
        ("5678901234567890", "2025-04", "USD", "186.50"),
        ("87654321", "2023-09", "USD", "160.25"),
        ("87654321", "2024-10", "USD", "86.86"),
        ("hw_acme_01", "2020-08", "CNY", "927.31"),
    ]
    .into_iter()
    .map(owned)
    .collect();
    wanted.sort();
    assert_eq!(uncovered, wanted);
    // With --fail-on info the same audit fails.
    let strict = fixture_dir.audit_into(
        "strict",
        &contracts,
        &billing,
        &payouts,
        "2025-12-31",
        &[&"--fail-on", &"info"],
    );
    strict.expect_status(1);

    // inputs[]: each billing file with the formats its tables were taken for.
    let json = run.json();
    let inputs = json["inputs"].as_array().unwrap();
    let billing_inputs: Vec<&Value> = inputs
        .iter()
        .filter(|input| input["role"] == "billing")
        .collect();
    assert_eq!(billing_inputs.len(), files.len(), "{inputs:#?}");
    for (name, formats) in &files {
        let input = billing_inputs
            .iter()
            .find(|input| input["path"].as_str().unwrap().ends_with(name.as_str()))
            .unwrap_or_else(|| panic!("no input {name}: {inputs:#?}"));
        assert_eq!(input["formats"], json!(formats), "{input:#}");
    }
    let encoding_of = |name: &str| {
        billing_inputs
            .iter()
            .find(|input| input["path"].as_str().unwrap().ends_with(name))
            .map(|input| input["encoding"].clone())
            .unwrap()
    };
    assert_eq!(
        encoding_of("hw_acme_01_InstanceBillMonth_202008.csv"),
        "GB18030"
    );
    assert_eq!(
        encoding_of("1234567890123456_InstanceDetail_202505.zip"),
        "UTF-8 with BOM"
    );
    assert_eq!(
        encoding_of("azure-ea-cost-details-202410.xlsx"),
        Value::Null
    );

    // controls.billing[]: one entry per table with its format; every table balances.
    let controls = json["controls"]["billing"].as_array().unwrap();
    let mut tables: Vec<(String, Option<String>, String)> = controls
        .iter()
        .map(|control| {
            assert_eq!(control["balanced"], true, "{control:#}");
            assert_eq!(control["rejected"]["rows"], 0, "{control:#}");
            let file = control["file"].as_str().unwrap();
            (
                file_name(Path::new(file)),
                control["sheet"].as_str().map(str::to_string),
                control["format"].as_str().unwrap_or("(none)").to_string(),
            )
        })
        .collect();
    tables.sort();
    let mut wanted_tables: Vec<(String, Option<String>, String)> = files
        .iter()
        .flat_map(|(name, formats)| {
            let sheets: Vec<Option<String>> = if name.ends_with(".zip") {
                ZIP_PARTS
                    .iter()
                    .map(|part| Some(part.to_string()))
                    .collect()
            } else if name.ends_with(".xlsx") {
                vec![Some("Usage Details".to_string())]
            } else {
                vec![None]
            };
            sheets
                .into_iter()
                .map(|sheet| (name.clone(), sheet, formats[0].to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    wanted_tables.sort();
    assert_eq!(tables, wanted_tables);
    let alibaba = controls
        .iter()
        .find(|control| {
            control["file"]
                .as_str()
                .unwrap()
                .ends_with("aliyun-zh-billing-item-202503.csv")
        })
        .unwrap();
    assert_eq!(alibaba["read"]["rows"], 6, "{alibaba:#}");
    assert_eq!(alibaba["read"]["amount"], "3469.10", "{alibaba:#}");
    assert_eq!(alibaba["rows_above_header"], 2, "{alibaba:#}");
    assert_eq!(
        alibaba["totals_rows"],
        json!([{"row": 10, "stated": "3469.10", "rows_above": "3469.10", "agrees": true}])
    );
}

// ---------------------------------------------------------------------------------------
// 3. Layouts no format accepts
// ---------------------------------------------------------------------------------------

const CLOSEST_ALIYUN: &str = "this header row matches no billing format; the closest is `aliyun`";
const LACKS_NET_AMOUNT: &str = "it lacks: net_amount (应付金额 / Pretax Amount / PretaxAmount).";

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

// ---------------------------------------------------------------------------------------
// 4. --format
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// 5. User rulesets (--rulesets)
// ---------------------------------------------------------------------------------------

/// `rulesets/aliyun.toml` with `应付金额(含税)` added to the net amount's names.
fn aliyun_with_yuan(dir: &Path) -> PathBuf {
    let folder = dir.join("rulesets");
    std::fs::create_dir_all(&folder).unwrap();
    let built_in =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/aliyun.toml"))
            .unwrap();
    let edited = built_in.replacen(
        "net_amount = [\"应付金额\",",
        "net_amount = [\"应付金额\", \"应付金额(含税)\",",
        1,
    );
    assert_ne!(
        edited, built_in,
        "aliyun.toml maps net_amount = [\"应付金额\", …]"
    );
    std::fs::write(folder.join("aliyun.toml"), edited).unwrap();
    folder
}

#[test]
fn a_user_ruleset_adds_a_column_name_to_a_built_in_format() {
    let fixture_dir = Fixture::new();
    let rulesets = aliyun_with_yuan(fixture_dir.dir.path());
    // Built in, 应付金额(元) is 应付金额 in 元 (CNY, the format's currency): read as it is.
    let yuan = fixture("aliyun-zh-net-amount-yuan.csv");
    let (status, report) = inspect(&yuan, &[]);
    assert_eq!(status, Some(0), "{report:#}");
    assert_eq!(report["tables"][0]["format"], "aliyun");
    assert_eq!(
        report["tables"][0]["columns"][9],
        json!({"field": "net_amount", "headers": ["应付金额(元)"], "unit": "CNY"})
    );
    assert_eq!(report["tables"][0]["net_total"], "380");
    // 应付金额(含税) (tax included) is another column: only a ruleset can say it is the net.
    let file = fixture_dir.write(
        "aliyun-zh-net-amount-with-tax.csv",
        std::fs::read_to_string(&yuan)
            .unwrap()
            .replace("应付金额(元)", "应付金额(含税)"),
    );
    let (status, report) = inspect(&file, &[]);
    assert_eq!(status, Some(1), "{report:#}");
    assert_mentions(
        report["tables"][0]["rejected"][0]["reason"]
            .as_str()
            .unwrap(),
        &[CLOSEST_ALIYUN, LACKS_NET_AMOUNT],
    );
    // With the user's aliyun.toml it loads; the 退款 row counts negative.
    let (status, report) = inspect(&file, &["--rulesets", rulesets.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{report:#}");
    check_table(
        &report["tables"][0],
        &Expected {
            table: &file.display().to_string(),
            format: "aliyun",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["账号ID"]),
                ("billing_month", &["账期"]),
                ("date", &["消费时间"]),
                ("product", &["产品Code"]),
                ("order_type", &["账单类型"]),
                ("instance_id", &["实例ID"]),
                ("list_amount", &["原价"]),
                ("discount", &["优惠金额"]),
                ("voucher", &["代金券抵扣"]),
                ("net_amount", &["应付金额(含税)"]),
            ],
            lines: &[
                "2|2233445566778899|2025-03|2025-03-03|ecs|预付费订单|i-bp1acme00000test01|500|50|0|450|CNY",
                "3|2233445566778899|2025-03|2025-03-31|oss|后付费账单|cn-beijing;standard|20|0|5|20|CNY",
                "4|2233445566778899|2025-03|2025-03-15|ecs|退款|i-bp1acme00000test01|-100|-10|0|-90|CNY",
            ],
            net_total: "380",
            totals_rows: &[],
        },
    );
    // In an audit: W = 450 + 20 − 90 = 380.00, E = 380.00 × 20% = 76.00, paid on time.
    let contracts = Book::default()
        .contract(
            contract("ALI-T")
                .set("provider", "aliyun")
                .set("accounts", "2233445566778899")
                .set("start", "2025-03-01")
                .set("end", "2025-03-31"),
        )
        .tier("ALI-T", "0", "", "20%")
        .write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write(
        "payouts.csv",
        simple_payouts(&[("P1", "ALI-T", "2025-04-15", "76.00")]),
    );
    let run = fixture_dir.audit(
        &contracts,
        &file,
        &payouts,
        "2025-12-31",
        &["--rulesets", rulesets.to_str().unwrap()],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "ALI-T", "2025-03-01", 1);
    assert_eq!(record["weighted_base"], "380.00");
    assert_eq!(record["expected"], "76.00");
    assert_eq!(record["status"], "paid");
    let json = run.json();
    let input = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "billing")
        .unwrap()
        .clone();
    assert_eq!(input["formats"], json!(["aliyun"]));
    let aliyun = json["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ruleset| ruleset["name"] == "aliyun")
        .unwrap()
        .clone();
    assert_eq!(
        aliyun["origin"],
        rulesets.join("aliyun.toml").display().to_string()
    );
    // Without the user ruleset the same audit stops (exit 2): the file comes close to
    // Alibaba's layout, and the message names the column it lacks and the header meant.
    let run = fixture_dir.audit_into("built-in", &contracts, &file, &payouts, "2025-12-31", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "comes close to the billing format `aliyun`",
            "lacks a column for net_amount (应付金额 / Pretax Amount / PretaxAmount) (did you mean `应付金额(含税)`?)",
            "add its name to a ruleset (--rulesets)",
        ],
    );
}

const ACME_TOML: &str = r#"# ACME Cloud's invoice lines: a provider the built-in rulesets do not know.
provider = "acme"
description = "ACME Cloud rebate program"

[format]
label = "ACME Cloud invoice lines (CSV)"
signature = [["ACME Line Ref"]]
date_order = "day_first"
billing_month = "month"
blank = ["n/a"]
refunds = ["gutschrift"]

[billing]
account_id = ["Customer No"]
billing_month = ["Invoice Month"]
date = ["Service Date"]
product = ["Service"]
order_type = ["Line Type"]
list_amount = ["List"]
net_amount = ["Net"]
currency = ["Curr"]

[products.aliases]
ecs = ["ACME Compute"]
oss = ["ACME Blob"]
"#;

#[test]
fn a_user_ruleset_adds_a_new_provider_format() {
    let dir = tempfile::tempdir().unwrap();
    let rulesets = dir.path().join("rulesets");
    std::fs::create_dir_all(&rulesets).unwrap();
    std::fs::write(rulesets.join("acme.toml"), ACME_TOML).unwrap();
    let listed = cli(&[
        OsStr::new("formats"),
        OsStr::new("--rulesets"),
        rulesets.as_os_str(),
    ]);
    assert_eq!(listed.status, Some(0), "{}", listed.stderr);
    assert_mentions(
        &listed.stdout,
        &[
            "acme  ACME Cloud invoice lines (CSV)",
            &format!(
                "provider acme; from {}",
                rulesets.join("acme.toml").display()
            ),
            "      - ACME Line Ref",
            "      - Customer No",
            "      - Net",
            "      - Curr",
        ],
    );
    // The built-in formats are still there.
    assert!(listed.stdout.contains("aliyun  "), "{}", listed.stdout);
    let file = fixture("acme-invoice-lines.csv");
    let (status, report) = inspect(&file, &["--rulesets", rulesets.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{report:#}");
    // Day-first dates; `n/a` is blank; the Gutschrift (credit note) counts negative.
    check_table(
        &report["tables"][0],
        &Expected {
            table: &file.display().to_string(),
            format: "acme",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["Customer No"]),
                ("billing_month", &["Invoice Month"]),
                ("date", &["Service Date"]),
                ("product", &["Service"]),
                ("order_type", &["Line Type"]),
                ("list_amount", &["List"]),
                ("net_amount", &["Net"]),
                ("currency", &["Curr"]),
            ],
            lines: &[
                "2|ACME-C-042|2025-09|2025-09-21|ecs|charge||120|0|0|100|EUR",
                "3|ACME-C-042|2025-09|2025-09-03|oss|charge|||0|0|15.5|EUR",
                "4|ACME-C-042|2025-09|2025-09-30|ecs|Gutschrift||-24|0|0|-20|EUR",
            ],
            net_total: "95.5",
            totals_rows: &[],
        },
    );
    // Without it the file is not recognised.
    let (status, _) = inspect(&file, &[]);
    assert_eq!(status, Some(1));
}

/// Each bad ruleset, and what its error must name besides the file.
const BAD_RULESETS: &[(&str, &str, &[&str])] = &[
    (
        "badfield.toml",
        "provider = \"badfield\"\n\n[billing]\naccount_id = [\"Account\"]\nbilling_month = [\"Month\"]\nproduct = [\"Product\"]\nnet_amount = [\"Net\"]\ncurrency = [\"Currency\"]\nsku = [\"SKU\"]\n",
        &["billing.sku: unknown billing field"],
    ),
    (
        "sideways.toml",
        "provider = \"sideways\"\n\n[format]\nlabel = \"Sideways\"\ndate_order = \"sideways\"\n\n[billing]\naccount_id = [\"Account\"]\nbilling_month = [\"Month\"]\nproduct = [\"Product\"]\nnet_amount = [\"Net\"]\ncurrency = [\"Currency\"]\n",
        &["date_order", "sideways"],
    ),
];

#[test]
fn a_bad_ruleset_stops_formats_inspect_and_run_naming_the_file_and_key() {
    for (name, text, key) in BAD_RULESETS {
        let fixture_dir = Fixture::new();
        let rulesets = fixture_dir.path("rulesets");
        std::fs::create_dir_all(&rulesets).unwrap();
        let path = rulesets.join(name);
        std::fs::write(&path, text).unwrap();
        let shown = path.display().to_string();
        let mut expected: Vec<&str> = vec![&shown];
        expected.extend(key.iter());

        let formats = cli(&[
            OsStr::new("formats"),
            OsStr::new("--rulesets"),
            rulesets.as_os_str(),
        ]);
        assert_eq!(formats.status, Some(2), "{name}: {}", formats.stdout);
        assert_mentions(&formats.stderr, &expected);

        let file = fixture("generic-template.csv");
        let inspected = cli(&[
            OsStr::new("inspect"),
            file.as_os_str(),
            OsStr::new("--rulesets"),
            rulesets.as_os_str(),
        ]);
        assert_eq!(inspected.status, Some(2), "{name}: {}", inspected.stdout);
        assert_mentions(&inspected.stderr, &expected);

        let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
        let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
        let run = fixture_dir.audit(
            &contracts,
            &file,
            &payouts,
            "2025-12-31",
            &["--rulesets", rulesets.to_str().unwrap()],
        );
        run.expect_status(2);
        assert_mentions(&run.stderr, &expected);
        assert!(
            !run.out.join("findings.json").exists(),
            "{name}: no report is written"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 6. formats
// ---------------------------------------------------------------------------------------

#[test]
fn formats_lists_every_built_in_format_with_its_signature_columns() {
    let listed = cli(&["formats"]);
    assert_eq!(listed.status, Some(0), "{}", listed.stderr);
    let out = &listed.stdout;
    // Each format's first line is `name  label`, in the order headers are tried: providers
    // by name, the generic template last; then its provider and identifying columns.
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in out.lines() {
        if line.starts_with(' ') {
            let (_, text) = sections.last_mut().expect("a format line comes first");
            text.push_str(line);
            text.push('\n');
        } else if !line.is_empty() {
            let name = line.split("  ").next().unwrap().to_string();
            sections.push((name, format!("{line}\n")));
        }
    }
    let names: Vec<&str> = sections.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "aliyun",
            "aws",
            "azure-ea",
            "azure-mca",
            "focus",
            "huawei",
            "tencent",
            "generic"
        ],
        "{out}"
    );
    let section = |name: &str| -> &str {
        sections
            .iter()
            .find(|(found, _)| found == name)
            .map(|(_, text)| text.as_str())
            .unwrap()
    };
    let expectations: [(&str, &[&str]); 8] = [
        (
            "aliyun",
            &[
                "provider aliyun; from built-in rulesets/aliyun.toml",
                "      - 账号ID / Account ID / AccountID / BillAccountID / 账号 / Account Name",
                "      - 应付金额 / Pretax Amount / PretaxAmount",
                "      - 产品Code / Product Code / ProductCode",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "azure-ea",
            &[
                "provider azure; from built-in rulesets/azure-ea.toml",
                "      - AccountOwnerId / Account Owner Id / AccountOwnerEmail",
                "      - CostInBillingCurrency / Cost In Billing Currency / Cost / ExtendedCost",
                "and by not having: invoiceId, paygCostInBillingCurrency, costInPricingCurrency",
            ],
        ),
        (
            "azure-mca",
            &[
                "provider azure; from built-in rulesets/azure-mca.toml",
                "      - invoiceId / paygCostInBillingCurrency / costInPricingCurrency",
                "      - costInBillingCurrency",
            ],
        ),
        (
            "aws",
            &[
                "provider aws; from built-in rulesets/aws.toml",
                "      - line_item_line_item_type / lineItem/LineItemType",
                "      - line_item_net_unblended_cost / lineItem/NetUnblendedCost / line_item_unblended_cost / lineItem/UnblendedCost",
            ],
        ),
        (
            "focus",
            &[
                "provider focus; from built-in rulesets/focus.toml",
                "      - ChargeCategory",
                "      - BilledCost",
                "      - BillingPeriodStart",
            ],
        ),
        (
            "huawei",
            &[
                "provider huawei; from built-in rulesets/huawei.toml",
                "      - 产品类型编码 / cloud_service_type / Product Type Code / 官网价 / 官网价总金额 / official_amount / 计费模式",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "tencent",
            &[
                "provider tencent; from built-in rulesets/tencent.toml",
                "      - Payer Account ID / PayerAccountID / PayerUin / 支付者UIN / 支付者账号ID / 支付者账号",
                "      - Total Amount After Discount (Excluding Tax) / Total Amount After Discount /",
                "      - Product Name / ProductName / 产品名称",
                "currency when the export has no currency column: CNY",
            ],
        ),
        (
            "generic",
            &[
                "provider generic; from built-in rulesets/generic.toml",
                "      - account_id",
                "      - billing_month",
                "      - product",
                "      - net_amount",
                "      - currency",
            ],
        ),
    ];
    for (name, parts) in expectations {
        let text = section(name);
        for part in parts {
            assert!(text.contains(part), "`{name}` lacks `{part}`:\n{text}");
        }
    }
}
