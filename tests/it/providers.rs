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

const CLOSEST_ALIYUN: &str = "this header row matches no billing format; the closest is `aliyun`";

const LACKS_NET_AMOUNT: &str = "it lacks: net_amount (应付金额 / Pretax Amount / PretaxAmount).";

mod format_flag;
mod formats;
mod inspect;
mod one_audit;
mod refused_layouts;
mod user_rulesets;
