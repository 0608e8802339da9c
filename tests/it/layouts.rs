//! Every layout's list amount, voucher and charge date, read through the real binary
//! (issue 14): one real-layout bill per format — the header as the provider writes it
//! (`the providers' documented layouts (docs/INPUTS.md)`), rows of invented amounts — audited under a contract on
//! a `list` base and one on a `cash` base, each expected base worked out here from the
//! rows written, not by the code under test. `inspect --json` confirms the column each
//! field is read from: the table in docs/INPUTS.md, "Billing exports".
//!
//! Also through the binary: an amount header whose currency unit contradicts the rows'
//! currency, an Azure MCA month not yet invoiced, and a daily bill dated by its 日期.

use crate::common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::path::Path;

/// The invented spend, in October 2025: (account, day, product index, list, voucher, net).
/// Account `L` is under the `list`-base contract, `C` under the `cash`-base one.
const SPEND: [(&str, u32, usize, &str, &str, &str); 5] = [
    ("L", 3, 0, "100.00", "5.00", "90.00"),
    ("L", 12, 1, "20.50", "0.00", "18.45"),
    ("L", 28, 2, "300.00", "40.00", "240.00"),
    ("C", 5, 0, "80.00", "10.00", "72.00"),
    ("C", 30, 1, "12.34", "1.00", "11.11"),
];

/// Account ids as the layouts write them (digits for the Chinese clouds).
const ACCOUNTS: [(&str, &str); 2] = [("L", "1000000001"), ("C", "1000000002")];

struct Layout {
    /// The format `inspect` must name, and the contracts' provider.
    format: &'static str,
    file: &'static str,
    currency: &'static str,
    /// The header as the provider writes it.
    header: &'static str,
    /// The cells this test fills, by header; every other cell is empty. Placeholders:
    /// `{account}`, `{month}`, `{date}`, `{product}`, `{list}`, `{discount}`, `{voucher}`,
    /// `{net}`, `{currency}`, `{price}` and `{quantity}` (list = price × quantity).
    cells: &'static [(&'static str, &'static str)],
    /// October 2025 as the layout writes its billing month.
    month: &'static str,
    /// Day `d` of October 2025 as the layout writes its charge date.
    date: fn(u32) -> String,
    products: [&'static str; 3],
    /// Decimals the layout writes amounts with.
    decimals: u32,
    /// Whether the layout has a voucher column (else cash = net).
    voucher: bool,
    /// The last row's billing month is blank (an open month).
    open_month: bool,
    /// field → header(s) read for it, for the fields of the table in docs/INPUTS.md.
    columns: &'static [(&'static str, &'static [&'static str])],
}

fn dash_date(day: u32) -> String {
    format!("2025-10-{day:02} 10:00:00")
}

fn us_date(day: u32) -> String {
    format!("10/{day:02}/2025")
}

fn huawei_range(day: u32) -> String {
    format!("2025-10-{day:02} 10:00:00 GMT+08:00-2025-10-{day:02} 11:00:00 GMT+08:00")
}

fn focus_date(day: u32) -> String {
    format!("2025-10-{day:02}T00:00:00Z")
}

fn iso_date(day: u32) -> String {
    format!("2025-10-{day:02}")
}

const LAYOUTS: [Layout; 10] = [
    Layout {
        format: "aliyun",
        file: "1000000001_BillingItemDetail_202510.csv",
        currency: "CNY",
        header: "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额",
        cells: &[
            ("账期", "{month}"),
            ("账号ID", "{account}"),
            ("账号", "acme-test"),
            ("产品Code", "{product}"),
            ("消费类型", "后付费"),
            ("消费时间", "{date}"),
            ("账单类型", "后付费账单"),
            ("原价", "{list}"),
            ("优惠金额", "{discount}"),
            ("应付金额", "{net}"),
            ("代金券抵扣", "{voucher}"),
        ],
        month: "2025-10",
        date: dash_date,
        products: ["ecs", "oss", "rds"],
        decimals: 2,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["账号ID"]),
            ("billing_month", &["账期"]),
            ("date", &["消费时间"]),
            ("product", &["产品Code"]),
            ("list_amount", &["原价"]),
            ("voucher", &["代金券抵扣"]),
            ("net_amount", &["应付金额"]),
        ],
    },
    Layout {
        format: "aliyun",
        file: "1000000001_InstanceDetail_202510.csv",
        currency: "USD",
        header: "BillingCycle,CostUnit,AccountID,AccountName,OwnerID,OwnerAccountName,SubscriptionType,ProductCode,ProductName,ProductType,ProductDetail,PaymentTime,UsageStartTime,UsageEndTime,ServicePeriod,RecordID,RelatedRecordID,Item,BillingType,InstanceID,NickName,ResourceGroup,Tag,InstanceConfig,InstanceSpec,InternetIP,IntranetIP,Region,Zone,PretaxGrossAmount,InvoiceDiscount,DeductedByCoupons,PretaxAmount,DeductedByCashCoupons,DeductedByPrepaidCard,PaymentAmount,OutstandingAmount,Currency",
        cells: &[
            ("BillingCycle", "{month}"),
            ("AccountID", "{account}"),
            ("ProductCode", "{product}"),
            ("PaymentTime", "{date}"),
            ("Item", "PayAsYouGoBill"),
            ("PretaxGrossAmount", "{list}"),
            ("InvoiceDiscount", "{discount}"),
            ("PretaxAmount", "{net}"),
            ("DeductedByCashCoupons", "{voucher}"),
            ("Currency", "{currency}"),
        ],
        month: "2025-10",
        date: dash_date,
        products: ["ecs", "oss", "rds"],
        decimals: 2,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["AccountID"]),
            ("billing_month", &["BillingCycle"]),
            ("date", &["PaymentTime"]),
            ("product", &["ProductCode"]),
            ("list_amount", &["PretaxGrossAmount"]),
            ("voucher", &["DeductedByCashCoupons"]),
            ("net_amount", &["PretaxAmount"]),
            ("currency", &["Currency"]),
        ],
    },
    Layout {
        format: "tencent",
        file: "tencent-bill-detail-202510.csv",
        currency: "CNY",
        header: "支付者UIN,使用者UIN,操作者UIN,产品名称,子产品名称,计费模式,项目名称,地域,可用区,实例ID,实例名称,交易类型,交易ID,扣费时间,开始使用时间,结束使用时间,组件类型,组件名称,组件刊例价,组件单价,组件价格单位,组件用量,组件用量单位,使用时长,时长单位,原价(元),折扣率,优惠后总价(元),代金券支出(元),现金账户支出(元),赠送账户支出(元),分成金账户支出(元)",
        cells: &[
            ("支付者UIN", "{account}"),
            ("使用者UIN", "{account}"),
            ("产品名称", "{product}"),
            ("交易类型", "按量计费小时结"),
            ("扣费时间", "{date}"),
            ("原价(元)", "{list}"),
            ("折扣率", "0.9"),
            ("优惠后总价(元)", "{net}"),
            ("代金券支出(元)", "{voucher}"),
        ],
        month: "",
        date: dash_date,
        products: ["云服务器", "对象存储", "云数据库 MySQL"],
        decimals: 8,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["支付者UIN"]),
            ("date", &["扣费时间"]),
            ("product", &["产品名称"]),
            ("list_amount", &["原价(元)"]),
            ("voucher", &["代金券支出(元)"]),
            ("net_amount", &["优惠后总价(元)"]),
        ],
    },
    Layout {
        format: "tencent",
        file: "tencent-partner-customer-bill-202510.csv",
        currency: "USD",
        header: "Payer Account ID,Customer Name,Owner Account ID,Operator Account ID,ProductName,BillingMode,ProjectName,Region,Availability Zone,InstanceID,InstanceName,SubproductName,TransactionType,TransactionID,TransactionTime,Usage Start Time,Usage End Time,ComponentType,ComponentName,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Reserved Instances,OriginalCost,OriginalCost (After Coupon),DiscountRate,Currency,Total Amount After Discount (Excluding Tax),Voucher Deduction,Amount Before Tax,TaxRate,TaxAmount,Total Cost (Including Tax),Billable Month",
        cells: &[
            ("Payer Account ID", "{account}"),
            ("ProductName", "{product}"),
            ("TransactionType", "Pay-as-you-go hourly"),
            ("TransactionTime", "{date}"),
            ("OriginalCost", "{list}"),
            ("OriginalCost (After Coupon)", "1.00"),
            ("Currency", "{currency}"),
            ("Total Amount After Discount (Excluding Tax)", "{net}"),
            ("Voucher Deduction", "{voucher}"),
            ("Billable Month", "{month}"),
        ],
        month: "2025-10",
        date: dash_date,
        products: [
            "Cloud Virtual Machine",
            "Cloud Object Storage",
            "TencentDB for MySQL",
        ],
        decimals: 8,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["Payer Account ID"]),
            ("billing_month", &["Billable Month"]),
            ("date", &["TransactionTime"]),
            ("product", &["ProductName"]),
            ("list_amount", &["OriginalCost"]),
            ("voucher", &["Voucher Deduction"]),
            (
                "net_amount",
                &["Total Amount After Discount (Excluding Tax)"],
            ),
            ("currency", &["Currency"]),
        ],
    },
    Layout {
        format: "huawei",
        file: "acme_InstanceBillMonth_202510.csv",
        currency: "CNY",
        header: "账期,企业项目,企业项目ID,账号,产品类型编码,产品类型,产品编码,产品ID,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,规格,区域,官网价(¥),优惠金额(¥),抹零金额(¥),应付金额(¥),现金支付(¥),信用额度支付(¥),代金券抵扣(¥),现金券抵扣(¥),储值卡抵扣(¥),奖励金支付(¥),欠费金额(¥)",
        cells: &[
            ("账期", "{month}"),
            ("账号", "{account}"),
            ("产品类型编码", "{product}"),
            ("计费模式", "按需"),
            ("消费时间", "{date}"),
            ("账单类型", "消费-使用"),
            ("官网价(¥)", "{list}"),
            ("优惠金额(¥)", "{discount}"),
            ("应付金额(¥)", "{net}"),
            ("代金券抵扣(¥)", "{voucher}"),
            ("现金券抵扣(¥)", "0"),
        ],
        month: "2025-10",
        date: huawei_range,
        products: [
            "hws.service.type.ec2",
            "hws.service.type.obs",
            "hws.service.type.rds",
        ],
        decimals: 8,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["账号"]),
            ("billing_month", &["账期"]),
            ("date", &["消费时间"]),
            ("product", &["产品类型编码"]),
            ("list_amount", &["官网价(¥)"]),
            ("voucher", &["代金券抵扣(¥)", "现金券抵扣(¥)"]),
            ("net_amount", &["应付金额(¥)"]),
        ],
    },
    Layout {
        format: "azure-ea",
        file: "ea-actual-cost-202510.csv",
        currency: "USD",
        header: "@EA@",
        cells: &[
            ("BillingAccountId", "{account}"),
            ("BillingPeriodStartDate", "{month}"),
            ("AccountOwnerId", "owner@example.com"),
            ("Date", "{date}"),
            ("MeterCategory", "{product}"),
            ("Quantity", "{quantity}"),
            ("PayGPrice", "{price}"),
            ("CostInBillingCurrency", "{net}"),
            ("BillingCurrencyCode", "{currency}"),
            ("ChargeType", "Usage"),
        ],
        month: "10/01/2025",
        date: us_date,
        products: ["Virtual Machines", "Storage", "SQL Database"],
        decimals: 2,
        voucher: false,
        open_month: false,
        columns: &[
            ("account_id", &["BillingAccountId"]),
            ("billing_month", &["BillingPeriodStartDate"]),
            ("date", &["Date"]),
            ("product", &["MeterCategory"]),
            ("list_amount", &["PayGPrice", "Quantity"]),
            ("net_amount", &["CostInBillingCurrency"]),
            ("currency", &["BillingCurrencyCode"]),
        ],
    },
    Layout {
        format: "azure-mca",
        file: "mca-actual-cost-202510.csv",
        currency: "EUR",
        header: "@MCA@",
        cells: &[
            ("billingAccountId", "{account}"),
            ("billingPeriodStartDate", "{month}"),
            ("date", "{date}"),
            ("meterCategory", "{product}"),
            ("chargeType", "Usage"),
            ("billingCurrency", "{currency}"),
            ("costInBillingCurrency", "{net}"),
            ("paygCostInBillingCurrency", "{list}"),
        ],
        month: "10/01/2025",
        date: us_date,
        products: ["Virtual Machines", "Storage", "SQL Database"],
        decimals: 2,
        voucher: false,
        open_month: true,
        columns: &[
            ("account_id", &["billingAccountId"]),
            ("billing_month", &["billingPeriodStartDate"]),
            ("date", &["date"]),
            ("product", &["meterCategory"]),
            ("list_amount", &["paygCostInBillingCurrency"]),
            ("net_amount", &["costInBillingCurrency"]),
            ("currency", &["billingCurrency"]),
        ],
    },
    Layout {
        format: "focus",
        file: "focus-1.0-202510.csv",
        currency: "USD",
        header: "@FOCUS@",
        cells: &[
            ("BilledCost", "{net}"),
            ("BillingAccountId", "{account}"),
            ("BillingCurrency", "{currency}"),
            ("BillingPeriodStart", "{month}"),
            ("BillingPeriodEnd", "2025-11-01T00:00:00Z"),
            ("ChargeCategory", "Usage"),
            ("ChargePeriodStart", "{date}"),
            ("ListCost", "{list}"),
            ("ServiceName", "{product}"),
        ],
        month: "2025-10-01T00:00:00Z",
        date: focus_date,
        products: ["Virtual Machines", "Storage", "Azure SQL Database"],
        decimals: 2,
        voucher: false,
        open_month: false,
        columns: &[
            ("account_id", &["BillingAccountId"]),
            ("billing_month", &["BillingPeriodStart"]),
            ("date", &["ChargePeriodStart"]),
            ("product", &["ServiceName"]),
            ("list_amount", &["ListCost"]),
            ("net_amount", &["BilledCost"]),
            ("currency", &["BillingCurrency"]),
        ],
    },
    Layout {
        format: "generic",
        file: "generic-202510.csv",
        currency: "CNY",
        header: "account_id,billing_month,date,product,order_type,instance_id,list_amount,discount,voucher,net_amount,currency",
        cells: &[
            ("account_id", "{account}"),
            ("billing_month", "{month}"),
            ("date", "{date}"),
            ("product", "{product}"),
            ("list_amount", "{list}"),
            ("discount", "{discount}"),
            ("voucher", "{voucher}"),
            ("net_amount", "{net}"),
            ("currency", "{currency}"),
        ],
        month: "2025-10",
        date: iso_date,
        products: ["ecs", "oss", "rds"],
        decimals: 2,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["account_id"]),
            ("billing_month", &["billing_month"]),
            ("date", &["date"]),
            ("product", &["product"]),
            ("list_amount", &["list_amount"]),
            ("voucher", &["voucher"]),
            ("net_amount", &["net_amount"]),
            ("currency", &["currency"]),
        ],
    },
    Layout {
        format: "generic",
        file: "generic-units-202510.csv",
        currency: "CNY",
        header: "account_id,billing_month,date,product,list_amount（元）,voucher (CNY),net_amount [CNY],currency",
        cells: &[
            ("account_id", "{account}"),
            ("billing_month", "{month}"),
            ("date", "{date}"),
            ("product", "{product}"),
            ("list_amount（元）", "{list}"),
            ("voucher (CNY)", "{voucher}"),
            ("net_amount [CNY]", "{net}"),
            ("currency", "{currency}"),
        ],
        month: "2025-10",
        date: iso_date,
        products: ["ecs", "oss", "rds"],
        decimals: 2,
        voucher: true,
        open_month: false,
        columns: &[
            ("account_id", &["account_id"]),
            ("billing_month", &["billing_month"]),
            ("date", &["date"]),
            ("product", &["product"]),
            ("list_amount", &["list_amount（元）"]),
            ("voucher", &["voucher (CNY)"]),
            ("net_amount", &["net_amount [CNY]"]),
            ("currency", &["currency"]),
        ],
    },
];

const EA_HEADER: &str = "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName,AccountId,ResourceLocationNormalized";

const MCA_HEADER: &str = "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider";

const FOCUS_HEADER: &str = "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,Id,ServiceName,SkuId,SkuPriceId,SubAccountId,SubAccountName,Tags";

const FIELDS: [&str; 8] = [
    "account_id",
    "billing_month",
    "date",
    "product",
    "net_amount",
    "list_amount",
    "voucher",
    "currency",
];

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// The header of a layout, the Azure and FOCUS ones as published.
fn header(layout: &Layout) -> Vec<&'static str> {
    let text = match layout.header {
        "@EA@" => EA_HEADER,
        "@MCA@" => MCA_HEADER,
        "@FOCUS@" => FOCUS_HEADER,
        text => text,
    };
    text.split(',').collect()
}

/// The bill of a layout: its header and one row per [`SPEND`] line.
fn bill(layout: &Layout) -> String {
    let header = header(layout);
    let mut text = header.join(",") + "\n";
    for (number, (account, day, product, list, voucher, net)) in SPEND.iter().enumerate() {
        let account = ACCOUNTS.iter().find(|(key, _)| key == account).unwrap().1;
        let amount = |text: &str| format!("{:.*}", layout.decimals as usize, decimal(text));
        // List = price × quantity where the layout has no list column: 4 units.
        let quantity = Decimal::from(4);
        let month = if layout.open_month && number == SPEND.len() - 1 {
            String::new()
        } else {
            layout.month.to_string()
        };
        let row: Vec<String> = header
            .iter()
            .map(|column| {
                let Some((_, template)) = layout.cells.iter().find(|(name, _)| name == column)
                else {
                    return String::new();
                };
                template
                    .replace("{account}", account)
                    .replace("{month}", &month)
                    .replace("{date}", &(layout.date)(*day))
                    .replace("{product}", layout.products[*product])
                    .replace("{list}", &amount(list))
                    .replace(
                        "{discount}",
                        &amount(&(decimal(list) - decimal(net)).to_string()),
                    )
                    .replace("{voucher}", &amount(voucher))
                    .replace("{net}", &amount(net))
                    .replace("{currency}", layout.currency)
                    .replace("{price}", &(decimal(list) / quantity).to_string())
                    .replace("{quantity}", &quantity.to_string())
            })
            .map(|cell| csv_field(&cell))
            .collect();
        text += &(row.join(",") + "\n");
    }
    text
}

/// The contract book: `LIST` on account L (base list), `CASH` on account C (base cash),
/// both for October 2025 at 10%.
fn contracts(dir: &Path, layout: &Layout) -> std::path::PathBuf {
    let contract = |id: &str, account: &str, base: &str| {
        contract(id)
            .set("provider", layout.format)
            .set(
                "accounts",
                ACCOUNTS.iter().find(|(key, _)| *key == account).unwrap().1,
            )
            .set("start", "2025-10-01")
            .set("end", "2025-10-31")
            .set("currency", layout.currency)
            .set("base", base)
    };
    Book::default()
        .contract(contract("LIST", "L", "list"))
        .tier("LIST", "0", "", "10%")
        .contract(contract("CASH", "C", "cash"))
        .tier("CASH", "0", "", "10%")
        .write_csv_folder(dir, "contracts")
}

/// The base each contract must have, summed here from [`SPEND`].
fn expected(layout: &Layout) -> (Decimal, Decimal) {
    let of = |account: &'static str| SPEND.iter().filter(move |line| line.0 == account);
    let list: Decimal = of("L").map(|line| decimal(line.3)).sum();
    let cash: Decimal = of("C")
        .map(|line| {
            decimal(line.5)
                - if layout.voucher {
                    decimal(line.4)
                } else {
                    Decimal::ZERO
                }
        })
        .sum();
    (list, cash)
}

fn inspect_columns(file: &Path) -> (String, Vec<(String, Vec<String>)>) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("inspect")
        .arg(file)
        .arg("--json")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&output.stderr)));
    let table = &report["tables"][0];
    let columns = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|column| {
            (
                column["field"].as_str().unwrap().to_string(),
                column["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|header| header.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(table["rejected_count"], 0, "{table:#}");
    (table["format"].as_str().unwrap_or("").to_string(), columns)
}

#[test]
fn every_layout_reads_list_and_voucher_for_list_and_cash_base_contracts() {
    for layout in &LAYOUTS {
        let fixture = Fixture::new();
        let billing = fixture.write(layout.file, bill(layout));
        // The columns each field is read from: the table in docs/INPUTS.md.
        let (format, columns) = inspect_columns(&billing);
        assert_eq!(format, layout.format, "{}", layout.file);
        for field in FIELDS {
            let read = columns
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, headers)| headers.clone());
            let documented = layout
                .columns
                .iter()
                .find(|(name, _)| *name == field)
                .map(|(_, headers)| headers.iter().map(|header| header.to_string()).collect());
            assert_eq!(read, documented, "{}: {field}", layout.file);
        }
        let contracts = contracts(fixture.dir.path(), layout);
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let run = fixture.audit(&contracts, &billing, &payouts, "2026-03-31", &[]);
        assert!(
            run.status == Some(0) || run.status == Some(1),
            "{}: {:?}\n{}",
            layout.file,
            run.status,
            run.stderr
        );
        let rejected = run.of_type("rejected_row");
        assert!(rejected.is_empty(), "{}: {rejected:#?}", layout.file);
        let (list, cash) = expected(layout);
        for (id, base) in [("LIST", list), ("CASH", cash)] {
            let record = installment(&run, id, "2025-10-01", 1);
            assert_eq!(
                record["weighted_base"],
                format!("{base:.2}"),
                "{}: {id}",
                layout.file
            );
            assert_eq!(
                record["expected"],
                format!("{:.2}", base / Decimal::TEN),
                "{}: {id}",
                layout.file
            );
        }
    }
}

#[test]
fn an_amount_header_naming_another_currency_than_the_rows_rejects_them() {
    let fixture = Fixture::new();
    let header = "account_id,billing_month,product,list_amount,net_amount (USD),currency\n";
    let rows = [
        ("ecs", "100.00", "CNY"),
        ("oss", "40.00", "CNY"),
        ("rds", "7.50", "USD"),
    ];
    let mut text = header.to_string();
    for (product, net, currency) in rows {
        text += &format!("1000000001,2025-10,{product},{net},{net},{currency}\n");
    }
    let billing = fixture.write("bill-usd-header.csv", text);
    let contracts = Book::default()
        .contract(
            contract("CNY-NET")
                .set("accounts", "1000000001")
                .set("start", "2025-10-01")
                .set("end", "2025-10-31"),
        )
        .tier("CNY-NET", "0", "", "10%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-03-31", &[]);
    let rejected = run.of_type("rejected_row");
    let texts: Vec<String> = rejected.iter().map(|finding| finding.to_string()).collect();
    // The two CNY rows: their header says USD. The USD row agrees with its header, and is
    // left out of the CNY contract as a currency mismatch (not a rejected row).
    let contradicting: Vec<&String> = texts
        .iter()
        .filter(|text| {
            text.contains("the header `net_amount (USD)` says its amounts are in USD, but the row's currency (currency) is CNY")
        })
        .collect();
    assert_eq!(contradicting.len(), 2, "{rejected:#?}");
    assert!(
        contradicting[0].contains("bill-usd-header.csv:2:net_amount (USD)")
            && contradicting[1].contains("bill-usd-header.csv:3:net_amount (USD)"),
        "{contradicting:#?}"
    );
    // Nothing of the contradicting rows counts.
    let record = installment(&run, "CNY-NET", "2025-10-01", 1);
    assert_eq!(record["weighted_base"], "0.00");
}

#[test]
fn a_daily_bill_is_dated_by_its_date_column_for_the_contract_term() {
    let fixture = Fixture::new();
    // An Alibaba daily bill (日期 per row); the term starts on the 10th.
    let days = [(3, "100.00"), (12, "20.50"), (28, "300.00")];
    let mut text = "账期,日期,账号ID,产品Code,原价,代金券抵扣,应付金额\n".to_string();
    for (day, net) in days {
        text += &format!("2025-10,2025-10-{day:02},1000000001,ecs,{net},0,{net}\n");
    }
    let billing = fixture.write("1000000001_BillingItemDetail_20251031.csv", text);
    let contracts = Book::default()
        .contract(
            contract("DAILY")
                .set("provider", "aliyun")
                .set("accounts", "1000000001")
                .set("start", "2025-10-10")
                .set("end", "2026-10-09"),
        )
        .tier("DAILY", "0", "", "10%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-03-31", &[]);
    assert!(run.of_type("rejected_row").is_empty());
    // By hand: the lines of the 12th and the 28th are in the term; the 3rd's is not.
    let base: Decimal = days
        .iter()
        .filter(|(day, _)| *day >= 10)
        .map(|(_, net)| decimal(net))
        .sum();
    let record = installment(&run, "DAILY", "2025-10-10", 1);
    assert_eq!(record["weighted_base"], format!("{base:.2}"));
}
