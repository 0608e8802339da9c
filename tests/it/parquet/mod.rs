//! Billing in Parquet, read by the real binary: FOCUS 1.0 as Azure exports it (gzip,
//! doubles), FOCUS 1.2 as AWS Data Exports write it (snappy, decimals, a `Tags` map), AWS
//! CUR 2.0 (zstd, net unblended costs, several row groups), the generic template, and
//! FOCUS 1.3 in a folder partitioned by billing period. Headers and row shapes are the
//! exports' (the providers' documented layouts (docs/INPUTS.md), §7); amounts are invented, and every expected
//! total is worked out in the comments from the rows written here.

pub(crate) mod writer;

use crate::common::{Book, Fixture, Run, contract, installment, simple_payouts};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use writer::{V, col, map, text, ts, write};

const MICROS: i64 = 1_000_000;
const MILLIS: i64 = 1000;

/// `n` copies of a text value.
fn same(value: &str, n: usize) -> Vec<&str> {
    vec![value; n]
}

fn timestamps(name: &str, unit: &str, values: &[&str]) -> writer::Col {
    let per_second = if unit == "MILLIS" { MILLIS } else { MICROS };
    col(
        &format!("OPTIONAL INT64 {name} (TIMESTAMP({unit},true));"),
        values.iter().map(|value| ts(value, per_second)).collect(),
    )
}

fn doubles(name: &str, values: &[f64]) -> writer::Col {
    col(
        &format!("OPTIONAL DOUBLE {name};"),
        values
            .iter()
            .map(|value| {
                if value.is_nan() {
                    V::Null
                } else {
                    V::F(*value)
                }
            })
            .collect(),
    )
}

/// FOCUS 1.0 as Azure Cost Management exports it: costs as doubles, dates as timestamps,
/// `Tags` as JSON text, Microsoft's `x_` columns. March 2025, USD.
fn azure_focus_1_0(path: &Path) {
    let n = 4;
    write(
        path,
        &[
            text("AvailabilityZone", &same("NULL", n)),
            // 0.1 + 0.2 is stored as 0.30000000000000004; 80.123456785 has 9 decimals.
            doubles("BilledCost", &[120.5, 0.1 + 0.2, 80.123_456_785, -20.0]),
            text("BillingAccountId", &same(AZURE_ACCOUNT, n)),
            text("BillingAccountName", &same("Contoso", n)),
            text("BillingCurrency", &same("USD", n)),
            timestamps(
                "BillingPeriodEnd",
                "MILLIS",
                &same("2025-04-01T00:00:00Z", n),
            ),
            timestamps(
                "BillingPeriodStart",
                "MILLIS",
                &same("2025-03-01T00:00:00Z", n),
            ),
            text("ChargeCategory", &["Usage", "Usage", "Usage", "Credit"]),
            text("ChargeClass", &same("NULL", n)),
            text(
                "ChargeDescription",
                &[
                    "D2s v3",
                    "LRS Write Operations",
                    "Flexible Server",
                    "Azure credit",
                ],
            ),
            text(
                "ChargeFrequency",
                &["Usage-Based", "Usage-Based", "Usage-Based", "One-Time"],
            ),
            timestamps(
                "ChargePeriodEnd",
                "MILLIS",
                &same("2025-03-02T00:00:00Z", n),
            ),
            timestamps(
                "ChargePeriodStart",
                "MILLIS",
                &same("2025-03-01T00:00:00Z", n),
            ),
            doubles("ContractedCost", &[120.5, 0.3, 80.12, -20.0]),
            doubles("EffectiveCost", &[120.5, 0.3, 80.12, -20.0]),
            text("InvoiceIssuerName", &same("Microsoft", n)),
            doubles("ListCost", &[150.0, 0.3, 100.0, f64::NAN]),
            text("ProviderName", &same("Microsoft", n)),
            text("PublisherName", &same("Microsoft", n)),
            text("RegionId", &same("eastus", n)),
            text(
                "ResourceId",
                &[
                    "/subscriptions/64e3/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/web-1",
                    "/subscriptions/64e3/resourceGroups/web/providers/Microsoft.Storage/storageAccounts/webdata",
                    "/subscriptions/64e3/resourceGroups/db/providers/Microsoft.DBforMySQL/flexibleServers/db-1",
                    "NULL",
                ],
            ),
            text(
                "ServiceCategory",
                &["Compute", "Storage", "Databases", "Compute"],
            ),
            text(
                "ServiceName",
                &[
                    "Virtual Machines",
                    "Storage Accounts",
                    "Azure Database for MySQL",
                    "Virtual Machines",
                ],
            ),
            text("SubAccountId", &same("/subscriptions/64e3", n)),
            text(
                "Tags",
                &[r#"{"env":"prod"}"#, "NULL", r#"{"env":"prod"}"#, "NULL"],
            ),
            text("x_BillingProfileId", &same("ABCD-EFGH", n)),
            text("x_ResourceGroupName", &["web", "web", "db", "NULL"]),
        ],
        "gzip",
        1000,
    );
}

const AZURE_ACCOUNT: &str = "8611537";
const AWS_PAYER: &str = "123456789012";
const AWS_LINKED: &str = "210987654321";

/// FOCUS 1.2 as AWS Data Exports write it: snappy, BilledCost a DECIMAL(38,10) in 16
/// bytes, ListCost a DECIMAL(18,6) in an INT64, `Tags` a map, the 1.2 columns
/// (`BillingAccountType`, `InvoiceId`, `PricingCurrency`, `SubAccountType`) and AWS's `x_`
/// columns. March 2025, USD.
fn aws_focus_1_2(path: &Path) {
    let n = 4;
    let prod = V::Map(vec![
        ("env".into(), "prod".into()),
        ("team".into(), "web".into()),
    ]);
    write(
        path,
        &[
            col(
                "OPTIONAL FIXED_LEN_BYTE_ARRAY (16) BilledCost (DECIMAL(38,10));",
                // 1234.5678901234, 12.34, 300.0000000001, −100.
                vec![
                    V::D(12_345_678_901_234),
                    V::D(123_400_000_000),
                    V::D(3_000_000_000_001),
                    V::D(-1_000_000_000_000),
                ],
            ),
            text("BillingAccountId", &same(AWS_PAYER, n)),
            text("BillingAccountName", &same("Example Corp", n)),
            text("BillingAccountType", &same("Billing Account", n)),
            text("BillingCurrency", &same("USD", n)),
            timestamps(
                "BillingPeriodEnd",
                "MICROS",
                &same("2025-04-01T00:00:00Z", n),
            ),
            timestamps(
                "BillingPeriodStart",
                "MICROS",
                &same("2025-03-01T00:00:00Z", n),
            ),
            text("ChargeCategory", &["Usage", "Usage", "Usage", "Credit"]),
            text("ChargeClass", &same("NULL", n)),
            timestamps(
                "ChargePeriodStart",
                "MICROS",
                &same("2025-03-05T00:00:00Z", n),
            ),
            text("InvoiceId", &same("EUINGB25-123456", n)),
            text("InvoiceIssuerName", &same("Amazon Web Services, Inc.", n)),
            col(
                "OPTIONAL INT64 ListCost (DECIMAL(18,6));",
                vec![
                    V::D(1_500_000_000),
                    V::D(12_340_000),
                    V::D(400_000_000),
                    V::Null,
                ],
            ),
            text("PricingCurrency", &same("USD", n)),
            text("ProviderName", &same("AWS", n)),
            text("PublisherName", &same("Amazon Web Services, Inc.", n)),
            text(
                "ResourceId",
                &["i-0abc", "arn:aws:s3:::acme-logs", "db-1", "NULL"],
            ),
            text(
                "ServiceName",
                &[
                    "Amazon Elastic Compute Cloud",
                    "Amazon Simple Storage Service",
                    "Amazon Relational Database Service",
                    "Amazon Elastic Compute Cloud",
                ],
            ),
            text("SubAccountId", &same(AWS_LINKED, n)),
            text("SubAccountType", &same("Account", n)),
            map("Tags", vec![prod.clone(), V::Map(vec![]), prod, V::Null]),
            text(
                "x_ServiceCode",
                &["AmazonEC2", "AmazonS3", "AmazonRDS", "AmazonEC2"],
            ),
        ],
        "snappy",
        1000,
    );
}

/// AWS CUR 2.0 (Data Exports): zstd, costs as doubles, two rows to a row group, a
/// `product` map and `resource_tags`. March 2025, USD; the usage account is the linked one.
fn aws_cur_2_0(path: &Path) {
    let n = 5;
    write(
        path,
        &[
            text("identity_line_item_id", &["l1", "l2", "l3", "l4", "l5"]),
            text(
                "identity_time_interval",
                &same("2025-03-01T00:00:00Z/2025-03-02T00:00:00Z", n),
            ),
            text("bill_invoice_id", &same("NULL", n)),
            text(
                "bill_invoicing_entity",
                &same("Amazon Web Services, Inc.", n),
            ),
            text("bill_billing_entity", &same("AWS", n)),
            text("bill_bill_type", &same("Anniversary", n)),
            text("bill_payer_account_id", &same(AWS_PAYER, n)),
            timestamps(
                "bill_billing_period_start_date",
                "MILLIS",
                &same("2025-03-01T00:00:00Z", n),
            ),
            timestamps(
                "bill_billing_period_end_date",
                "MILLIS",
                &same("2025-04-01T00:00:00Z", n),
            ),
            text("line_item_usage_account_id", &same(AWS_LINKED, n)),
            text(
                "line_item_line_item_type",
                &["Usage", "Usage", "Usage", "Usage", "Credit"],
            ),
            timestamps(
                "line_item_usage_start_date",
                "MILLIS",
                &same("2025-03-01T00:00:00Z", n),
            ),
            text(
                "line_item_product_code",
                &["AmazonEC2", "AmazonS3", "AmazonRDS", "AWSELB", "AmazonEC2"],
            ),
            text(
                "line_item_usage_type",
                &[
                    "BoxUsage:m5.large",
                    "TimedStorage-ByteHrs",
                    "InstanceUsage:db.r5.large",
                    "LoadBalancerUsage",
                    "NULL",
                ],
            ),
            text(
                "line_item_resource_id",
                &["i-0abc", "acme-logs", "db-1", "lb-1", "NULL"],
            ),
            doubles(
                "line_item_usage_amount",
                &[720.0, 2150.0, 720.0, 720.0, 0.0],
            ),
            text("line_item_currency_code", &same("USD", n)),
            doubles(
                "line_item_unblended_cost",
                &[200.0, 50.5, 100.0, 20.0, -30.0],
            ),
            doubles(
                "line_item_net_unblended_cost",
                &[190.0, 47.975, 95.0, 19.0, -30.0],
            ),
            doubles(
                "pricing_public_on_demand_cost",
                &[250.0, 50.5, 120.0, 20.0, f64::NAN],
            ),
            map(
                "product",
                vec![
                    V::Map(vec![(
                        "product_name".into(),
                        "Amazon Elastic Compute Cloud".into(),
                    )]),
                    V::Map(vec![(
                        "product_name".into(),
                        "Amazon Simple Storage Service".into(),
                    )]),
                    V::Map(vec![(
                        "product_name".into(),
                        "Amazon Relational Database Service".into(),
                    )]),
                    V::Map(vec![(
                        "product_name".into(),
                        "Elastic Load Balancing".into(),
                    )]),
                    V::Null,
                ],
            ),
            map(
                "resource_tags",
                vec![V::Null, V::Null, V::Null, V::Null, V::Null],
            ),
        ],
        "zstd",
        2,
    );
}

/// The generic template as Parquet: a DECIMAL(9,2) net amount in an INT32, list amounts
/// as doubles, dates as DATE. March 2025, CNY.
fn generic(path: &Path) {
    let days = |day: i64| V::I(20_148 + day - 1); // 2025-03-01 is day 20,148.
    write(
        path,
        &[
            text("account_id", &same("A1", 3)),
            text("billing_month", &same("2025-03", 3)),
            col(
                "OPTIONAL INT32 date (DATE);",
                vec![days(5), days(31), days(20)],
            ),
            text("product", &["ecs", "oss", "rds"]),
            text("order_type", &same("usage", 3)),
            text("instance_id", &["i-1", "bucket", "rds-1"]),
            doubles("list_amount", &[1200.0, 300.1, 0.1 + 0.2]),
            col(
                "OPTIONAL INT32 net_amount (DECIMAL(9,2));",
                vec![V::D(100_000), V::D(30_010), V::D(50_000)],
            ),
            text("currency", &same("CNY", 3)),
        ],
        "uncompressed",
        1000,
    );
}

/// One month of FOCUS 1.3 (Azure-like, with `ServiceProviderName`, `HostProviderName`,
/// `ContractApplied` and `InvoiceId`) at `path`: one Virtual Machines line of `cost`.
fn focus_1_3_month(path: &Path, month: &str, cost: i128) {
    let start = format!("{month}-01T00:00:00Z");
    write(
        path,
        &[
            col(
                "OPTIONAL INT64 BilledCost (DECIMAL(18,2));",
                vec![V::D(cost * 100)],
            ),
            text("BillingAccountId", &[AZURE_ACCOUNT]),
            text("BillingCurrency", &["USD"]),
            timestamps("BillingPeriodStart", "MICROS", &[&start]),
            text("ChargeCategory", &["Usage"]),
            timestamps("ChargePeriodStart", "MICROS", &[&start]),
            text(
                "ContractApplied",
                &[r#"[{"ContractId":"c-1","ContractCommitmentId":"cc-1"}]"#],
            ),
            text("HostProviderName", &["Microsoft"]),
            text("InvoiceId", &["G012345678"]),
            col(
                "OPTIONAL INT64 ListCost (DECIMAL(18,2));",
                vec![V::D(cost * 120)],
            ),
            text("ProviderName", &["Microsoft"]),
            text("PublisherName", &["Microsoft"]),
            text("ServiceName", &["Virtual Machines"]),
            text("ServiceProviderName", &["Microsoft"]),
        ],
        "snappy",
        1000,
    );
}

/// `rebate-audit inspect FILE --json`: the exit status and report.
fn inspect(file: &Path) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(["inspect", "--json", "--lines", "50"])
        .arg(file)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("no JSON ({error}): {stderr}"));
    (output.status.code(), report)
}

/// Inspects `file`: one table of `format`, nothing rejected, this net total; returns its
/// lines.
fn inspect_clean(file: &Path, format: &str, net_total: &str) -> Vec<Value> {
    let (status, report) = inspect(file);
    assert_eq!(status, Some(0), "{report:#}");
    let tables = report["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 1, "{report:#}");
    let table = &tables[0];
    assert_eq!(table["format"], format, "{table:#}");
    assert_eq!(table["rejected_count"], 0, "{table:#}");
    assert_eq!(table["net_total"], net_total, "{table:#}");
    table["lines"].as_array().unwrap().clone()
}

/// An audit of `billing` (a file or folder) against `book`, paid nothing.
fn audit(fixture: &Fixture, book: Book, billing: &Path) -> Run {
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    fixture.audit(&contracts, billing, &payouts, "2025-12-31", &[])
}

/// A monthly contract over `accounts` in `currency`, one tier at `rate`.
fn book(id: &str, provider: &str, accounts: &str, currency: &str, end: &str, rate: &str) -> Book {
    Book::default()
        .contract(
            contract(id)
                .set("provider", provider)
                .set("accounts", accounts)
                .set("currency", currency)
                .set("start", "2025-03-01")
                .set("end", end),
        )
        .tier(id, "0", "", rate)
}

fn check(run: &Run, id: &str, period: &str, weighted_base: &str, expected: &str) {
    let record = installment(run, id, period, 1);
    assert_eq!(record["weighted_base"], weighted_base, "{record:#}");
    assert_eq!(record["expected"], expected, "{record:#}");
}

fn field<'v>(line: &'v Value, name: &str) -> &'v Value {
    &line[name]
}

#[test]
fn azure_focus_1_0_with_doubles_rounded_as_documented() {
    let fixture = Fixture::new();
    let file = fixture.path("focus-1.0.parquet");
    azure_focus_1_0(&file);
    // Doubles are number cells, rounded at the 8th decimal half away from zero:
    // 0.30000000000000004 → 0.3 and 80.123456785 → 80.12345679.
    // Net: 120.5 + 0.3 + 80.12345679 − 20 = 180.92345679.
    let lines = inspect_clean(&file, "focus", "180.92345679");
    let nets: Vec<&Value> = lines.iter().map(|line| field(line, "net_amount")).collect();
    assert_eq!(nets, ["120.5", "0.3", "80.12345679", "-20"]);
    assert_eq!(field(&lines[0], "billing_month"), "2025-03");
    assert_eq!(field(&lines[0], "date"), "2025-03-01");
    assert_eq!(field(&lines[2], "product"), "rds");
    assert_eq!(field(&lines[3], "list_amount"), &Value::Null);
    // rds weighs 0.5: W = 120.5 + 0.3 + 40.061728395 − 20 = 140.861728395, E = 10% = 14.09.
    let run = audit(
        &fixture,
        book(
            "AZ-FOCUS",
            "focus",
            AZURE_ACCOUNT,
            "USD",
            "2025-03-31",
            "10%",
        )
        .product("AZ-FOCUS", "rds", "0.5"),
        &file,
    );
    check(&run, "AZ-FOCUS", "2025-03-01", "140.86", "14.09");
}

#[test]
fn aws_focus_1_2_with_exact_decimals_and_a_tags_map() {
    let fixture = Fixture::new();
    let file = fixture.path("focus-1.2.snappy.parquet");
    aws_focus_1_2(&file);
    // Net: 1234.5678901234 + 12.34 + 300.0000000001 − 100 = 1446.9078901235, every decimal
    // kept (a double could not hold 300.0000000001 beside 1234.5678901234 exactly).
    let lines = inspect_clean(&file, "focus", "1446.9078901235");
    let nets: Vec<&Value> = lines.iter().map(|line| field(line, "net_amount")).collect();
    assert_eq!(nets, ["1234.5678901234", "12.34", "300.0000000001", "-100"]);
    assert_eq!(field(&lines[1], "list_amount"), "12.34");
    assert_eq!(field(&lines[1], "product"), "oss");
    // W = 1234.5678901234 + 12.34 + 0.5 × 300.0000000001 − 100 = 1296.90789012345;
    // E = 5% = 64.8453945061725 → 64.85.
    let run = audit(
        &fixture,
        book("AWS-FOCUS", "focus", AWS_PAYER, "USD", "2025-03-31", "5%").product(
            "AWS-FOCUS",
            "rds",
            "0.5",
        ),
        &file,
    );
    check(&run, "AWS-FOCUS", "2025-03-01", "1296.91", "64.85");
}

#[test]
fn aws_cur_2_0_in_zstd_row_groups_takes_the_net_unblended_cost() {
    let fixture = Fixture::new();
    let file = fixture.path("cur2-00001.snappy.parquet");
    aws_cur_2_0(&file);
    // Net unblended: 190 + 47.975 + 95 + 19 − 30 = 321.975 (over three row groups).
    let lines = inspect_clean(&file, "aws", "321.975");
    let products: Vec<&Value> = lines.iter().map(|line| field(line, "product")).collect();
    assert_eq!(products, ["ecs", "oss", "rds", "slb", "ecs"]);
    assert_eq!(field(&lines[0], "account_id"), AWS_LINKED);
    assert_eq!(field(&lines[0], "list_amount"), "250");
    assert_eq!(field(&lines[4], "order_type"), "Credit");
    // rds 0.5, slb 0: W = 190 + 47.975 + 47.5 + 0 − 30 = 255.475; E = 10% = 25.5475 → 25.55.
    let run = audit(
        &fixture,
        book("AWS-CUR", "aws", AWS_LINKED, "USD", "2025-03-31", "10%")
            .product("AWS-CUR", "rds", "0.5")
            .product("AWS-CUR", "slb", "0"),
        &file,
    );
    check(&run, "AWS-CUR", "2025-03-01", "255.48", "25.55");
}

#[test]
fn generic_template_as_parquet() {
    let fixture = Fixture::new();
    let file = fixture.path("generic.parquet");
    generic(&file);
    // Net (DECIMAL(9,2)): 1000.00 + 300.10 + 500.00 = 1800.10.
    let lines = inspect_clean(&file, "generic", "1800.1");
    assert_eq!(field(&lines[1], "date"), "2025-03-31");
    // The list amount 0.1 + 0.2 as a double reads 0.3.
    assert_eq!(field(&lines[2], "list_amount"), "0.3");
    // W = 1800.10, E = 10% = 180.01.
    let run = audit(
        &fixture,
        book("GEN", "generic", "A1", "CNY", "2025-03-31", "10%"),
        &file,
    );
    check(&run, "GEN", "2025-03-01", "1800.10", "180.01");
}

#[test]
fn a_folder_partitioned_by_billing_period_is_walked() {
    let fixture = Fixture::new();
    let billing = fixture.path("focus-export");
    focus_1_3_month(
        &billing.join("billing_period=2025-03/part-0.parquet"),
        "2025-03",
        100,
    );
    focus_1_3_month(
        &billing.join("billing_period=2025-04/part-0.parquet"),
        "2025-04",
        200,
    );
    for month in ["2025-03", "2025-04"] {
        let file: PathBuf = billing.join(format!("billing_period={month}/part-0.parquet"));
        let net = if month == "2025-03" { "100" } else { "200" };
        inspect_clean(&file, "focus", net);
    }
    // March W = 100, E = 10; April W = 200, E = 20.
    let run = audit(
        &fixture,
        book("P13", "focus", AZURE_ACCOUNT, "USD", "2025-04-30", "10%"),
        &billing,
    );
    check(&run, "P13", "2025-03-01", "100.00", "10.00");
    check(&run, "P13", "2025-04-01", "200.00", "20.00");
    let inputs = run.json()["inputs"].as_array().unwrap().clone();
    let parts = inputs
        .iter()
        .filter(|input| input["path"].as_str().unwrap().ends_with("part-0.parquet"))
        .count();
    assert_eq!(parts, 2, "{inputs:#?}");
}

/// Writes the Parquet files of the hostile corpus (`tests/fixtures/hostile/`, see its
/// README) from a good generic bill: run once with `--ignored`; the files are kept byte
/// for byte.
#[test]
#[ignore = "writes the hostile corpus's Parquet files; run by hand"]
fn write_the_hostile_parquet_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let fixture = Fixture::new();
    let good = fixture.path("good.parquet");
    generic(&good);
    let bytes = std::fs::read(&good).unwrap();
    let length = bytes.len();
    let declared = u32::from_le_bytes(bytes[length - 8..length - 4].try_into().unwrap()) as usize;
    std::fs::write(corpus.join("truncated.parquet"), &bytes[..length * 3 / 5]).unwrap();
    let mut bad_magic = bytes.clone();
    bad_magic[..4].copy_from_slice(b"PAR0");
    std::fs::write(corpus.join("bad-magic.parquet"), bad_magic).unwrap();
    let mut bad_footer = bytes.clone();
    for (at, byte) in bad_footer[length - 8 - declared..length - 8]
        .iter_mut()
        .enumerate()
    {
        *byte = (at as u8).wrapping_mul(37).wrapping_add(0xA5);
    }
    std::fs::write(corpus.join("bad-footer.parquet"), bad_footer).unwrap();
    let mut huge = bytes.clone();
    huge[length - 8..length - 4].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    std::fs::write(corpus.join("huge-metadata.parquet"), huge).unwrap();
    write(
        &corpus.join("wrong-schema.parquet"),
        &[text("foo", &["1", "2"]), doubles("bar", &[1.5, 2.5])],
        "snappy",
        1000,
    );
}
