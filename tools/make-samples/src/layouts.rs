//! The providers' real billing-export layouts: header rows and how one billing line is
//! written in each. Only presentation lives here: every
//! amount comes from the line model in `main.rs`, which computes the expectations; the
//! other columns (order numbers, instance names, regions, unit prices) are filled with
//! plausible, fictitious values derived deterministically from the line's place in its file.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{Date, Lcg, Line, Product, RefundSign, add_months, days_in_month, grp, m2, ym};

/// A billing layout: one provider's export format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    /// Alibaba Cloud 明细账单 / BillingItemDetail, Chinese header (41 columns).
    AliyunZh,
    /// Alibaba Cloud bill details, English header (`SubscribeLanguage=en`).
    AliyunEn,
    /// Tencent Cloud bill details (账单明细, bill 3.0), English header.
    Tencent,
    /// Huawei Cloud 资源按账期 (InstanceBillMonth).
    Huawei,
    /// Azure EA cost details, actual cost, schema 2024-08-01 (57 columns).
    AzureEa,
    /// Azure MCA cost details, actual cost, schema 2023-12-01-preview (65 columns).
    AzureMca,
    /// FinOps FOCUS 1.0 as the official sample writes it (with the extra `Id` column).
    Focus,
}

/// A cell before rendering: text as written, or an amount the file renders its own way
/// (CSV text in the layout's style, a number in a workbook).
#[derive(Clone, Debug)]
pub enum Cv {
    T(String),
    M(Decimal),
}

fn t(s: impl Into<String>) -> Cv {
    Cv::T(s.into())
}

const ALIYUN_ZH: &[&str] = &[
    "账期",
    "财务单元",
    "账号ID",
    "账号",
    "Owner账号",
    "产品Code",
    "产品",
    "产品明细Code",
    "产品明细",
    "消费类型",
    "消费时间",
    "账单开始时间",
    "账单结束时间",
    "服务时长",
    "订单号/账单号",
    "账单类型",
    "计费方式",
    "实例ID",
    "实例昵称",
    "资源组",
    "实例标签",
    "实例配置",
    "实例规格",
    "公网IP",
    "私网IP",
    "地域",
    "可用区",
    "计费项",
    "单价",
    "单价单位",
    "用量",
    "用量单位",
    "资源包抵扣",
    "原价",
    "优惠金额",
    "优惠券抵扣",
    "应付金额",
    "现金支付",
    "代金券抵扣",
    "储值卡支付金额",
    "欠费金额",
];

const ALIYUN_EN: &[&str] = &[
    "Billing Cycle",
    "Cost Center",
    "Account ID",
    "Account Name",
    "Owner Account ID",
    "Owner Account Name",
    "Product Code",
    "Product Name",
    "Product Type",
    "Product Detail",
    "Subscription Type",
    "Payment Time",
    "Usage Start Time",
    "Usage End Time",
    "Service Duration",
    "Order No./Bill No.",
    "Item",
    "Billing Type",
    "Instance ID",
    "Instance Name",
    "Resource Group",
    "Instance Tag",
    "Instance Config",
    "Instance Spec",
    "Internet IP",
    "Intranet IP",
    "Region",
    "Zone",
    "Billing Item",
    "List Price",
    "List Price Unit",
    "Usage",
    "Usage Unit",
    "Deducted By Resource Package",
    "Pretax Gross Amount",
    "Invoice Discount",
    "Deducted By Coupons",
    "Pretax Amount",
    "Deducted By Cash Coupons",
    "Payment Amount",
    "Currency",
];

const TENCENT: &[&str] = &[
    "Payer Account ID",
    "Owner Account ID",
    "Operator Account ID",
    "Product Name",
    "Subproduct Name",
    "Billing Mode",
    "Transaction Type",
    "Transaction ID",
    "Transaction Time",
    "Usage Start Time",
    "Usage End Time",
    "Instance ID",
    "Instance Name",
    "Instance Type",
    "Project Name",
    "Region",
    "Availability Zone",
    "Component Type",
    "Component Name",
    "Component List Price",
    "Component Contracted Price",
    "Component Price Measurement Unit",
    "Component Usage",
    "Component Usage Unit",
    "Usage Duration",
    "Duration Unit",
    "Original Cost",
    "Discount",
    "Total Amount After Discount",
    "Voucher Deduction",
    "Currency",
    "Bill Month",
];

const HUAWEI: &[&str] = &[
    "账期",
    "企业项目",
    "企业项目ID",
    "账号",
    "产品类型编码",
    "产品类型",
    "产品编码",
    "产品ID",
    "产品",
    "计费模式",
    "消费时间",
    "使用开始时间",
    "使用结束时间",
    "订单号/交易号",
    "交易时间",
    "账单类型",
    "资源ID",
    "资源名称",
    "区域",
    "官网价",
    "优惠金额",
    "抹零金额",
    "应付金额",
    "现金支付",
    "信用额度支付",
    "代金券抵扣",
    "现金券抵扣",
    "储值卡抵扣",
    "奖励金支付",
    "欠费金额",
];

const AZURE_EA: &[&str] = &[
    "InvoiceSectionName",
    "AccountName",
    "AccountOwnerId",
    "SubscriptionId",
    "SubscriptionName",
    "ResourceGroup",
    "ResourceLocation",
    "Date",
    "ProductName",
    "MeterCategory",
    "MeterSubCategory",
    "MeterId",
    "MeterName",
    "MeterRegion",
    "UnitOfMeasure",
    "Quantity",
    "EffectivePrice",
    "CostInBillingCurrency",
    "CostCenter",
    "ConsumedService",
    "ResourceId",
    "Tags",
    "OfferId",
    "AdditionalInfo",
    "ServiceInfo1",
    "ServiceInfo2",
    "ResourceName",
    "ReservationId",
    "ReservationName",
    "UnitPrice",
    "ProductOrderId",
    "ProductOrderName",
    "Term",
    "PublisherType",
    "PublisherName",
    "ChargeType",
    "Frequency",
    "PricingModel",
    "AvailabilityZone",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrencyCode",
    "BillingPeriodStartDate",
    "BillingPeriodEndDate",
    "BillingProfileId",
    "BillingProfileName",
    "InvoiceSectionId",
    "IsAzureCreditEligible",
    "PartNumber",
    "PayGPrice",
    "PlanName",
    "ServiceFamily",
    "CostAllocationRuleName",
    "benefitId",
    "benefitName",
    "AccountId",
    "ResourceLocationNormalized",
];

const AZURE_MCA: &[&str] = &[
    "invoiceId",
    "previousInvoiceId",
    "billingAccountId",
    "billingAccountName",
    "billingProfileId",
    "billingProfileName",
    "invoiceSectionId",
    "invoiceSectionName",
    "resellerName",
    "resellerMpnId",
    "costCenter",
    "billingPeriodEndDate",
    "billingPeriodStartDate",
    "servicePeriodEndDate",
    "servicePeriodStartDate",
    "date",
    "serviceFamily",
    "productOrderId",
    "productOrderName",
    "consumedService",
    "meterId",
    "meterName",
    "meterCategory",
    "meterSubCategory",
    "meterRegion",
    "ProductId",
    "ProductName",
    "SubscriptionId",
    "subscriptionName",
    "publisherType",
    "publisherId",
    "publisherName",
    "resourceGroupName",
    "ResourceId",
    "resourceLocation",
    "location",
    "effectivePrice",
    "quantity",
    "unitOfMeasure",
    "chargeType",
    "billingCurrency",
    "pricingCurrency",
    "costInBillingCurrency",
    "costInPricingCurrency",
    "costInUsd",
    "paygCostInBillingCurrency",
    "paygCostInUsd",
    "exchangeRatePricingToBilling",
    "exchangeRateDate",
    "isAzureCreditEligible",
    "serviceInfo1",
    "serviceInfo2",
    "additionalInfo",
    "tags",
    "PayGPrice",
    "frequency",
    "term",
    "reservationId",
    "reservationName",
    "pricingModel",
    "unitPrice",
    "costAllocationRuleName",
    "benefitId",
    "benefitName",
    "provider",
];

const FOCUS: &[&str] = &[
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "Id",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
];

impl Layout {
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Layout::AliyunZh => ALIYUN_ZH,
            Layout::AliyunEn => ALIYUN_EN,
            Layout::Tencent => TENCENT,
            Layout::Huawei => HUAWEI,
            Layout::AzureEa => AZURE_EA,
            Layout::AzureMca => AZURE_MCA,
            Layout::Focus => FOCUS,
        }
    }

    /// The header of the net-amount column (where an unreadable amount is reported).
    pub fn net_column(self) -> &'static str {
        match self {
            Layout::AliyunZh | Layout::Huawei => "应付金额",
            Layout::AliyunEn => "Pretax Amount",
            Layout::Tencent => "Total Amount After Discount",
            Layout::AzureEa => "CostInBillingCurrency",
            Layout::AzureMca => "costInBillingCurrency",
            Layout::Focus => "BilledCost",
        }
    }

    /// What the README says about the layout: its name and the columns that carry the
    /// normalised fields.
    pub fn describe(self) -> String {
        let (name, key) = match self {
            Layout::AliyunZh => (
                "Alibaba Cloud 明细账单 (BillingItemDetail), Chinese header",
                "账号ID, 账期, 消费时间, 产品Code, 账单类型, 实例ID, 原价, 优惠金额, 代金券抵扣, 应付金额; no currency column (CNY)",
            ),
            Layout::AliyunEn => (
                "Alibaba Cloud bill details, English header",
                "Account ID, Billing Cycle, Payment Time, Product Code, Item, Instance ID, Pretax Gross Amount, Invoice Discount, Deducted By Cash Coupons, Pretax Amount, Currency",
            ),
            Layout::Tencent => (
                "Tencent Cloud bill details (bill 3.0), English header",
                "Payer Account ID, Bill Month, Transaction Time, Product Name, Transaction Type, Instance ID, Original Cost, Voucher Deduction, Total Amount After Discount, Currency",
            ),
            Layout::Huawei => (
                "Huawei Cloud 资源按账期 (InstanceBillMonth)",
                "账号, 账期, 消费时间 (a range in one cell), 产品类型编码, 账单类型, 资源ID, 官网价, 优惠金额, 代金券抵扣 + 现金券抵扣, 应付金额; no currency column (CNY)",
            ),
            Layout::AzureEa => (
                "Azure EA cost details, actual cost, schema 2024-08-01",
                "BillingAccountId (the enrollment), BillingPeriodStartDate, Date, MeterCategory, ChargeType, ResourceId, CostInBillingCurrency, BillingCurrencyCode",
            ),
            Layout::AzureMca => (
                "Azure MCA cost details, actual cost, schema 2023-12-01-preview",
                "billingAccountId, billingPeriodStartDate, date, meterCategory, chargeType, ResourceId, paygCostInBillingCurrency, costInBillingCurrency, billingCurrency",
            ),
            Layout::Focus => (
                "FinOps FOCUS 1.0 (the official sample's columns, with `Id`)",
                "BillingAccountId, BillingPeriodStart, ChargePeriodStart, ServiceName, ChargeCategory, ResourceId, ListCost, BilledCost, BillingCurrency",
            ),
        };
        format!(
            "{name}, {} columns; the fields come from {key}",
            self.header().len()
        )
    }

    /// How a CSV of this layout writes an amount.
    pub fn money_text(self, x: Decimal) -> String {
        match self {
            Layout::AliyunZh | Layout::AliyunEn => m2(x),
            // amounts as strings with 8 decimals
            Layout::Tencent | Layout::Huawei => fixed(x, 8),
            // Azure writes floats as they come: no trailing zeros
            Layout::AzureEa | Layout::AzureMca => plain(x),
            // the official FOCUS sample writes 11 decimals
            Layout::Focus => fixed(x, 11),
        }
    }

    /// One billing line as a row of this layout.
    pub fn row(self, l: &Line, sign: RefundSign) -> Vec<Cv> {
        let cells = match self {
            Layout::AliyunZh => aliyun_zh(l, sign),
            Layout::AliyunEn => aliyun_en(l, sign),
            Layout::Tencent => tencent(l, sign),
            Layout::Huawei => huawei(l, sign),
            Layout::AzureEa => azure_ea(l, sign),
            Layout::AzureMca => azure_mca(l, sign),
            Layout::Focus => focus(l, sign),
        };
        assert_eq!(cells.len(), self.header().len(), "{self:?} row width");
        cells
    }

    /// The 合计 row at the bottom of a console export: the amounts summed over `lines`
    /// (the rows the file states a total for), every other cell blank.
    pub fn totals_row(self, lines: &[&Line], sign: RefundSign) -> Vec<Cv> {
        assert_eq!(
            self,
            Layout::AliyunZh,
            "only the Chinese console export has one"
        );
        let sum = |f: &dyn Fn(&Line) -> Decimal| -> Decimal {
            lines.iter().map(|l| signed(l, sign, f(l))).sum()
        };
        let mut row: Vec<Cv> = ALIYUN_ZH.iter().map(|_| t("")).collect();
        row[0] = t("合计");
        row[32] = Cv::M(Decimal::ZERO);
        row[33] = Cv::M(sum(&|l| l.list));
        row[34] = Cv::M(sum(&|l| l.discount));
        row[35] = Cv::M(Decimal::ZERO);
        row[36] = Cv::M(sum(&|l| l.net));
        row[37] = Cv::M(sum(&|l| l.net - l.voucher));
        row[38] = Cv::M(sum(&|l| l.voucher));
        row[39] = Cv::M(Decimal::ZERO);
        row[40] = Cv::M(Decimal::ZERO);
        row
    }
}

// ---------------------------------------------------------------------------------------
// Rendering helpers
// ---------------------------------------------------------------------------------------

fn fixed(x: Decimal, dp: u32) -> String {
    let mut y = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    if y.is_zero() {
        y = Decimal::ZERO;
    }
    y.rescale(dp);
    y.to_string()
}

fn plain(x: Decimal) -> String {
    let y = x.normalize();
    if y.is_zero() {
        "0".into()
    } else {
        y.to_string()
    }
}

/// An amount as Excel's Chinese currency format displays it (`￥1,234.50`, `(￥3,000.00)`):
/// what a CSV saved from Excel holds once the column was formatted.
fn excel_yuan(x: Decimal) -> String {
    if x.is_sign_negative() && !x.is_zero() {
        format!("(￥{})", grp(-x))
    } else {
        format!("￥{}", grp(x))
    }
}

/// A refund's amount with the sign the file writes it with (the model holds it negative).
fn signed(l: &Line, sign: RefundSign, x: Decimal) -> Decimal {
    if l.refund && sign == RefundSign::Positive {
        x.abs()
    } else {
        x
    }
}

fn ts(d: Date, h: i64) -> String {
    format!("{} {h:02}:00:00", d.iso())
}

fn mdy(d: Date) -> String {
    let (y, m, dd) = d.parts();
    format!("{m:02}/{dd:02}/{y:04}")
}

/// The same day one month later (clipped to the month's end).
fn next_month(d: Date) -> Date {
    let (y, m, dd) = d.parts();
    let (ny, nm) = add_months(y, m, 1);
    Date::ymd(ny, nm, dd.min(days_in_month(ny, nm)))
}

/// Deterministic presentation values for one line, from where it sits in its file.
fn pres(l: &Line) -> Lcg {
    let mut r = Lcg(0x9e37_79b9_7f4a_7c15
        ^ ((l.file as u64) << 40)
        ^ ((l.part as u64) << 32)
        ^ l.row as u64);
    r.next();
    r
}

fn digits(r: &mut Lcg, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.below(10) as u8))
        .collect()
}

fn hex(r: &mut Lcg, n: usize) -> String {
    const H: &[u8] = b"0123456789abcdef";
    (0..n).map(|_| H[r.below(16) as usize] as char).collect()
}

/// A stable id derived from the line's instance key (the same resource keeps its id).
fn key_hex(l: &Line, n: usize) -> String {
    let mut r = Lcg(l.instance.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    }));
    hex(&mut r, n)
}

fn key_guid(l: &Line) -> String {
    let h = key_hex(l, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Subscription-like products (bought by the month) vs usage-billed ones.
fn prepaid(p: Product) -> bool {
    matches!(p, Product::Ecs | Product::Rds | Product::Marketplace)
}

/// Usage quantity for a usage-billed line at a unit price, to 4 decimals.
fn usage(list: Decimal, unit_price: Decimal) -> Decimal {
    (list.abs() / unit_price).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

// ---------------------------------------------------------------------------------------
// Accounts (names and regions are fictitious, like the ids)
// ---------------------------------------------------------------------------------------

struct AliAccount {
    name: &'static str,
    region_zh: &'static str,
    region_en: &'static str,
    region_id: &'static str,
    zone: &'static str,
    /// instance-id region infix, as Alibaba ids carry it (`i-bp…` Hangzhou, `i-uf…` Shanghai)
    infix: &'static str,
}

fn ali_account(acct: &str) -> AliAccount {
    let (name, shanghai) = match acct {
        "1438209912345671" => ("xxzz-main", false),
        "1438209912345688" => ("xxzz-iot", false),
        "1438209912345695" => ("xxzz-data", false),
        "1438209912345700" => ("xxzz-lab", false),
        "1729304455667781" => ("pjyx-shop", true),
        "1729304455667798" => ("pjyx-ops", true),
        "1873460291537706" => ("jjh-mfg", true),
        "1873460291537713" => ("jjh-rnd", true),
        _ => ("aliyun-account", false),
    };
    if shanghai {
        AliAccount {
            name,
            region_zh: "华东2（上海）",
            region_en: "China (Shanghai)",
            region_id: "cn-shanghai",
            zone: "cn-shanghai-l",
            infix: "uf",
        }
    } else {
        AliAccount {
            name,
            region_zh: "华东1（杭州）",
            region_en: "China (Hangzhou)",
            region_id: "cn-hangzhou",
            zone: "cn-hangzhou-h",
            infix: "bp",
        }
    }
}

/// Alibaba product code, Chinese console name, English name.
fn ali_product(p: Product) -> (&'static str, &'static str, &'static str) {
    match p {
        Product::Ecs => ("ecs", "云服务器 ECS", "Elastic Compute Service"),
        Product::Oss => ("oss", "对象存储 OSS", "Object Storage Service"),
        Product::Rds => ("rds", "云数据库 RDS 版", "ApsaraDB RDS"),
        Product::Slb => ("slb", "负载均衡", "Server Load Balancer"),
        Product::Marketplace => ("market", "云市场", "Alibaba Cloud Marketplace"),
    }
}

fn ali_instance(l: &Line, a: &AliAccount) -> String {
    let k = &l.instance;
    match l.product {
        Product::Ecs => format!("i-{}{}", a.infix, &k[..17.min(k.len())]),
        Product::Rds => format!("rm-{}{}", a.infix, k),
        Product::Slb => format!("lb-{}{}", a.infix, k),
        Product::Oss => format!("{};standard", a.region_id),
        Product::Marketplace => format!("cmjj{}", &key_hex(l, 8)),
    }
}

struct AliFacts {
    acct: AliAccount,
    time: String,
    start: String,
    end: String,
    order_no: String,
    instance: String,
    nick: String,
    config: &'static str,
    spec: &'static str,
    private_ip: String,
    billing_item_zh: &'static str,
    billing_item_en: &'static str,
    unit_price: Decimal,
    unit_zh: &'static str,
    unit_en: &'static str,
    usage: Decimal,
    usage_unit_zh: &'static str,
    usage_unit_en: &'static str,
}

fn ali_facts(l: &Line) -> AliFacts {
    let mut r = pres(l);
    let h = 8 + r.below(12) as i64;
    let acct = ali_account(&l.account);
    let pre = prepaid(l.product);
    let d = l.charge_date;
    let (start, end) = if pre && !l.refund {
        (ts(d, h), ts(next_month(d), h))
    } else if l.refund {
        (ts(d, h), ts(d, h))
    } else {
        (ts(d, h), ts(d, h + 1))
    };
    let order_no = if pre {
        format!("2{}", digits(&mut r, 14))
    } else {
        format!("{}{}", d.iso().replace('-', ""), digits(&mut r, 8))
    };
    let n = 1 + r.below(12);
    let (nick, config, spec, item_zh, item_en) = match l.product {
        Product::Ecs => (
            format!("{}-app-{n:02}", acct.name),
            "CPU:8核;内存:32 GB;系统盘:ESSD 100 GB",
            "ecs.g7.2xlarge",
            "实例规格",
            "Instance Type",
        ),
        Product::Rds => (
            format!("{}-db-{:02}", acct.name, 1 + n % 3),
            "MySQL 8.0;高可用版;8核 32 GB",
            "mysql.n4.xlarge.2c",
            "实例规格",
            "Instance Type",
        ),
        Product::Slb => (
            format!("{}-slb-web", acct.name),
            "性能保障型",
            "slb.s3.medium",
            "性能容量单位（LCU）",
            "LCU",
        ),
        Product::Oss => (
            String::new(),
            "",
            "",
            "标准存储容量",
            "Standard Storage Capacity",
        ),
        Product::Marketplace => (
            "SSL证书部署服务".into(),
            "",
            "",
            "商品费用",
            "Commodity Fee",
        ),
    };
    let private_ip = if l.product == Product::Ecs {
        format!("172.16.{}.{}", r.below(32), 2 + r.below(250))
    } else {
        String::new()
    };
    let (unit_price, unit_zh, unit_en, usage_q, uu_zh, uu_en) = match l.product {
        Product::Oss => {
            let p = crate::dec("0.12");
            (p, "元/GB/月", "CNY/GB/Month", usage(l.list, p), "GB", "GB")
        }
        Product::Slb => {
            let p = crate::dec("0.05");
            (p, "元/LCU", "CNY/LCU", usage(l.list, p), "LCU", "LCU")
        }
        _ => (
            l.list.abs(),
            "元/月",
            "CNY/Month",
            Decimal::ONE,
            "月",
            "Month",
        ),
    };
    AliFacts {
        time: ts(d, h),
        start,
        end,
        order_no,
        instance: ali_instance(l, &acct),
        nick,
        config,
        spec,
        private_ip,
        billing_item_zh: item_zh,
        billing_item_en: item_en,
        unit_price,
        unit_zh,
        unit_en,
        usage: usage_q,
        usage_unit_zh: uu_zh,
        usage_unit_en: uu_en,
        acct,
    }
}

fn net_cell(l: &Line, sign: RefundSign) -> Cv {
    match l.bad_net {
        Some(raw) => t(raw),
        None => Cv::M(signed(l, sign, l.net)),
    }
}

fn aliyun_zh(l: &Line, sign: RefundSign) -> Vec<Cv> {
    let f = ali_facts(l);
    let (code, name, _) = ali_product(l.product);
    let pre = prepaid(l.product);
    let s = |x: Decimal| Cv::M(signed(l, sign, x));
    let detail = match l.product {
        Product::Ecs => "云服务器ECS（包年包月）",
        Product::Rds => "云数据库RDS（包年包月）",
        Product::Slb => "传统型负载均衡CLB（按量付费）",
        Product::Oss => "对象存储OSS（按量付费）",
        Product::Marketplace => "云市场（包年包月）",
    };
    vec![
        t(ym(l.month.0, l.month.1)),
        t("未分配"),
        t(&l.account),
        t(f.acct.name),
        t(&l.account),
        t(code),
        t(name),
        t(code),
        t(detail),
        t(if pre { "预付费" } else { "后付费" }),
        t(&f.time),
        t(&f.start),
        t(&f.end),
        t("1"),
        t(&f.order_no),
        t(match (l.refund, pre) {
            (true, _) => "退款",
            (false, true) => "预付费订单",
            (false, false) => "后付费账单",
        }),
        t(if pre { "包年包月" } else { "按量付费" }),
        t(&f.instance),
        t(&f.nick),
        t("默认资源组"),
        t("env:prod"),
        t(f.config),
        t(f.spec),
        t(""),
        t(&f.private_ip),
        t(f.acct.region_zh),
        t(f.acct.zone),
        t(f.billing_item_zh),
        Cv::M(f.unit_price),
        t(f.unit_zh),
        t(f.usage.normalize().to_string()),
        t(f.usage_unit_zh),
        Cv::M(Decimal::ZERO),
        s(l.list),
        s(l.discount),
        Cv::M(Decimal::ZERO),
        net_cell(l, sign),
        s(l.net - l.voucher),
        s(l.voucher),
        Cv::M(Decimal::ZERO),
        Cv::M(Decimal::ZERO),
    ]
}

fn aliyun_en(l: &Line, sign: RefundSign) -> Vec<Cv> {
    let f = ali_facts(l);
    let (code, _, name) = ali_product(l.product);
    let pre = prepaid(l.product);
    let s = |x: Decimal| Cv::M(signed(l, sign, x));
    vec![
        t(ym(l.month.0, l.month.1)),
        t("Unassigned"),
        t(&l.account),
        t(f.acct.name),
        t(&l.account),
        t(f.acct.name),
        t(code),
        t(name),
        t(code.to_uppercase()),
        t(format!(
            "{name} ({})",
            if pre { "Subscription" } else { "Pay-As-You-Go" }
        )),
        t(if pre { "Subscription" } else { "Pay-As-You-Go" }),
        t(&f.time),
        t(&f.start),
        t(&f.end),
        t("1"),
        t(&f.order_no),
        t(match (l.refund, pre) {
            (true, _) => "Refund",
            (false, true) => "SubscriptionOrder",
            (false, false) => "PayAsYouGoBill",
        }),
        t(if pre { "Subscription" } else { "PayAsYouGo" }),
        t(&f.instance),
        t(&f.nick),
        t("Default Resource Group"),
        t("env:prod"),
        t(f.spec),
        t(f.spec),
        t(""),
        t(&f.private_ip),
        t(f.acct.region_en),
        t(f.acct.zone),
        t(f.billing_item_en),
        Cv::M(f.unit_price),
        t(f.unit_en),
        t(f.usage.normalize().to_string()),
        t(f.usage_unit_en),
        Cv::M(Decimal::ZERO),
        s(l.list),
        s(l.discount),
        Cv::M(Decimal::ZERO),
        net_cell(l, sign),
        s(l.voucher),
        s(l.net - l.voucher),
        t(l.currency),
    ]
}

// ---------------------------------------------------------------------------------------
// Tencent Cloud
// ---------------------------------------------------------------------------------------

fn tencent(l: &Line, sign: RefundSign) -> Vec<Cv> {
    let mut r = pres(l);
    let h = 8 + r.below(12) as i64;
    let d = l.charge_date;
    let k = &l.instance;
    let pre = prepaid(l.product);
    // RDS is bought at a contract price (一口价): no list price and no discount rate.
    let contract_price = l.product == Product::Rds || l.refund;
    let rate = Decimal::ONE - l.product.discount_rate();
    let (product, sub, itype, iid, iname, comp_type, comp_name, unit) = match l.product {
        Product::Ecs => (
            "云服务器",
            "云服务器CVM-标准型S5",
            "S5.2XLARGE16",
            format!("ins-{}", &k[..8]),
            format!("qhsd-app-{:02}", 1 + r.below(12)),
            "实例类型",
            "标准型S5",
            "元/月",
        ),
        Product::Oss => (
            "对象存储",
            "对象存储COS-标准存储",
            "-",
            format!("qhsd-logs-{}", 1_312_000_000 + r.below(900_000)),
            "qhsd-logs".to_string(),
            "存储空间",
            "标准存储容量",
            "元/GB/月",
        ),
        Product::Rds => (
            "云数据库 MySQL",
            "云数据库MySQL-双节点",
            "MYSQL.HA.8C32G",
            format!("cdb-{}", &k[..8]),
            format!("qhsd-order-db-{}", 1 + r.below(3)),
            "实例规格",
            "8核32000MB",
            "元/月",
        ),
        Product::Slb | Product::Marketplace => unreachable!("not billed through Tencent"),
    };
    let s = |x: Decimal| signed(l, sign, x);
    let original = (l.net / rate).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero);
    let dash = || t("-");
    // a month of an instance at its price, or a month's storage at 0.118 元/GB
    let (list_price, contracted_price, used) = if pre {
        (original.abs(), l.net.abs(), Decimal::ONE)
    } else {
        let price = crate::dec("0.118");
        (price, price * rate, usage(original, price))
    };
    vec![
        t(&l.account),
        t(&l.account),
        t(&l.account),
        t(product),
        t(sub),
        t(if pre { "包年包月" } else { "按量计费" }),
        t(match (l.refund, pre) {
            (true, _) => "包年包月退费",
            (false, true) => "包年包月新购",
            (false, false) => "按量计费月结",
        }),
        t(format!(
            "{}{}",
            d.iso().replace('-', ""),
            digits(&mut r, 15)
        )),
        t(ts(d, h)),
        t(ts(d, h)),
        t(if pre && !l.refund {
            ts(next_month(d), h)
        } else {
            format!("{} 23:59:59", d.month_end().iso())
        }),
        t(iid),
        t(iname),
        t(itype),
        t("默认项目"),
        t("华南地区（广州）"),
        t("广州六区"),
        t(comp_type),
        t(comp_name),
        if contract_price {
            dash()
        } else {
            Cv::M(list_price)
        },
        Cv::M(contracted_price),
        t(unit),
        t(used.normalize().to_string()),
        t(if pre { "个" } else { "GB" }),
        t("1"),
        t("月"),
        if contract_price {
            dash()
        } else {
            Cv::M(s(original))
        },
        if contract_price {
            dash()
        } else {
            t(rate.normalize().to_string())
        },
        Cv::M(s(l.net)),
        Cv::M(l.voucher),
        t(l.currency),
        t(ym(l.month.0, l.month.1)),
    ]
}

// ---------------------------------------------------------------------------------------
// Huawei Cloud
// ---------------------------------------------------------------------------------------

/// Rows shown as Excel displays them: the refunds, and the December 2024 block someone
/// formatted as currency before saving the file from Excel.
fn huawei_excel_row(l: &Line) -> bool {
    l.refund || l.month == (2024, 12)
}

fn huawei(l: &Line, sign: RefundSign) -> Vec<Cv> {
    let mut r = pres(l);
    let h = 8 + r.below(12) as i64;
    let d = l.charge_date;
    let pre = prepaid(l.product);
    let gmt = |d: Date, h: i64| format!("{} GMT+08:00", ts(d, h));
    let (start, end) = if pre && !l.refund {
        (gmt(d, h), gmt(next_month(d), h))
    } else {
        (gmt(d, h), gmt(d, h + 1))
    };
    let (code, kind, res_code, product, name) = match l.product {
        Product::Ecs => (
            "hws.service.type.ec2",
            "弹性云服务器",
            "hws.resource.type.vm",
            "通用计算增强型 | c7.2xlarge.2 | 8vCPUs | 16GiB | linux",
            format!("ecs-{}-{:02}", l.account, 1 + r.below(12)),
        ),
        Product::Oss => (
            "hws.service.type.obs",
            "对象存储服务",
            "hws.resource.type.obs",
            "标准存储 | 存储空间",
            format!("obs-{}-logs", l.account),
        ),
        Product::Rds => (
            "hws.service.type.rds",
            "云数据库 RDS",
            "hws.resource.type.rds.vm",
            "MySQL | 8.0 | 主备 | 8vCPUs | 32GB",
            format!("rds-{}-{}", l.account, 1 + r.below(3)),
        ),
        Product::Slb => (
            "hws.service.type.elb",
            "弹性负载均衡",
            "hws.resource.type.elb",
            "共享型负载均衡 | 按规格计费",
            format!("elb-{}-web", l.account),
        ),
        Product::Marketplace => unreachable!("not billed through Huawei"),
    };
    // the voucher part: 代金券 first, a flexi-purchase coupon (现金券) for the larger ones
    let (coupon, flexi) = if l.voucher >= Decimal::from(100) {
        (l.voucher - Decimal::from(50), Decimal::from(50))
    } else {
        (l.voucher, Decimal::ZERO)
    };
    let excel = huawei_excel_row(l);
    let money = |x: Decimal| {
        let x = signed(l, sign, x);
        if excel { t(excel_yuan(x)) } else { Cv::M(x) }
    };
    let zero = || money(Decimal::ZERO);
    vec![
        t(ym(l.month.0, l.month.1)),
        t("default"),
        t("0"),
        t(&l.account),
        t(code),
        t(kind),
        t(res_code),
        t(format!("OFFI{}", digits(&mut r, 18))),
        t(product),
        t(if pre { "包年/包月-月" } else { "按需" }),
        t(format!("{start}-{}", gmt(d, h + 1))),
        t(&start),
        t(&end),
        t(if pre {
            format!(
                "CS{}{}",
                &d.iso().replace('-', "")[2..],
                hex(&mut r, 5).to_uppercase()
            )
        } else {
            hex(&mut r, 32)
        }),
        t(gmt(d, h)),
        t(match (l.refund, pre) {
            (true, _) => "退款-退订",
            (false, true) => "消费-新购",
            (false, false) => "消费-使用",
        }),
        t(key_guid(l)),
        t(name),
        t("西南-贵阳一"),
        money(l.list),
        money(l.discount),
        zero(),
        money(l.net),
        money(l.net - l.voucher),
        zero(),
        money(coupon),
        money(flexi),
        zero(),
        zero(),
        zero(),
    ]
}

// ---------------------------------------------------------------------------------------
// Azure (EA and MCA)
// ---------------------------------------------------------------------------------------

struct Meter {
    /// the meter's id (the same on every line of the meter)
    id: &'static str,
    /// MCA product id
    product_id: &'static str,
    category: &'static str,
    sub: &'static str,
    name: &'static str,
    family: &'static str,
    service: &'static str,
    unit: &'static str,
    quantity: Decimal,
    provider_path: &'static str,
    resource: String,
    part: &'static str,
}

fn meter(l: &Line, r: &mut Lcg) -> Meter {
    let n = 1 + r.below(9);
    match l.product {
        Product::Ecs => Meter {
            id: "b9c8f1a2-5e3d-4c7b-9a61-0d2e4f8b7c15",
            product_id: "DZH318Z0BQ4P",
            category: "Virtual Machines",
            sub: "Dsv5 Series",
            name: "D8s v5",
            family: "Compute",
            service: "Microsoft.Compute",
            unit: "1 Hour",
            quantity: Decimal::from(24 * (1 + r.below(31))),
            provider_path: "Microsoft.Compute/virtualMachines",
            resource: format!("vm-pacs-{n:02}"),
            part: "AAH-71934",
        },
        Product::Oss => Meter {
            id: "3f7d2c9e-8b1a-4e56-a0c4-7e9b1d3f5a28",
            product_id: "DZH318Z0BNVX",
            category: "Storage",
            sub: "Tiered Block Blob",
            name: "Hot LRS Data Stored",
            family: "Storage",
            service: "Microsoft.Storage",
            unit: "1 GB/Month",
            quantity: Decimal::from(1000 + r.below(40_000)),
            provider_path: "Microsoft.Storage/storageAccounts",
            resource: format!("stpacsimg{n:02}"),
            part: "AAD-37090",
        },
        Product::Rds => Meter {
            id: "6a1e4b7d-2c9f-4d83-b5e0-9f3a7c1d2e64",
            product_id: "DZH318Z0BQ3K",
            category: "SQL Database",
            sub: "General Purpose - Compute Gen5",
            name: "8 vCore",
            family: "Databases",
            service: "Microsoft.Sql",
            unit: "1 Hour",
            quantity: Decimal::from(24 * (1 + r.below(31))),
            provider_path: "Microsoft.Sql/servers",
            resource: format!("sql-his-{n:02}"),
            part: "AAA-91285",
        },
        Product::Slb | Product::Marketplace => unreachable!("not billed through Azure here"),
    }
}

/// Purchases (reservations) among the Azure lines: a third of the SQL Database lines.
fn azure_purchase(l: &Line) -> bool {
    l.product == Product::Rds && !l.refund && pres(l).below(3) == 0
}

/// The reservation a purchase (or its refund) is about: order name and reservation name.
fn reservation_names(p: Product, region: &str) -> (String, &'static str) {
    match p {
        Product::Rds => (
            format!("Reserved SQL Database vCore, General Purpose Gen5, {region}, 1 Year"),
            "SQL_RI_2025",
        ),
        _ => (
            format!("Reserved VM Instance, Standard_D8s_v5, {region}, 1 Year"),
            "VM_RI_2025",
        ),
    }
}

fn per_unit(x: Decimal, q: Decimal) -> Decimal {
    (x / q).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
}

pub const EA_ENROLLMENT_NAME: &str = "Beijing Zhilian Medical Technology Co., Ltd.";

fn azure_ea(l: &Line, _sign: RefundSign) -> Vec<Cv> {
    let mut r = pres(l);
    let m = meter(l, &mut r);
    let purchase = azure_purchase(l);
    let q = if purchase { Decimal::ONE } else { m.quantity };
    let (y, mo) = l.month;
    let sub = "3c9e51d2-7a4b-4f0e-9b6d-2e8f1a7c5d30";
    let rg = "rg-pacs-prod";
    let reservation = if purchase { key_guid(l) } else { String::new() };
    let resource_id = if purchase {
        format!("/providers/Microsoft.Capacity/reservationOrders/{reservation}")
    } else {
        format!(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/{}/{}",
            m.provider_path, m.resource
        )
    };
    let unit_price = per_unit(l.net, q);
    let (order_name, reservation_name) = reservation_names(l.product, "CN North 3");
    vec![
        t("医学影像平台部"),
        t("ZLMed Cloud Ops"),
        t("ops@zhilianmed.example"),
        t(sub),
        t("zlmed-pacs-prod"),
        t(rg),
        t("chinanorth3"),
        t(mdy(l.charge_date)),
        t(format!(
            "{} {} - {} - CN North 3",
            m.category, m.sub, m.name
        )),
        t(m.category),
        t(m.sub),
        t(m.id),
        t(m.name),
        t("CN North 3"),
        t(m.unit),
        t(q.normalize().to_string()),
        Cv::M(unit_price),
        Cv::M(l.net),
        t("PACS"),
        t(m.service),
        t(resource_id),
        t("\"env\": \"prod\",\"app\": \"pacs\""),
        t("MS-AZR-0017P"),
        t(""),
        t(""),
        t(""),
        t(if purchase { "" } else { &m.resource }),
        t(&reservation),
        t(if purchase { reservation_name } else { "" }),
        Cv::M(unit_price),
        t(&reservation),
        t(if purchase { order_name.as_str() } else { "" }),
        t(if purchase { "12" } else { "" }),
        t("Azure"),
        t("Microsoft"),
        t(if purchase { "Purchase" } else { "Usage" }),
        t(if purchase { "Recurring" } else { "UsageBased" }),
        t(if purchase { "Reservation" } else { "OnDemand" }),
        t(""),
        t(&l.account),
        t(EA_ENROLLMENT_NAME),
        t(l.currency),
        t(mdy(Date::ymd(y, mo, 1))),
        t(mdy(Date::ymd(y, mo, days_in_month(y, mo)))),
        t(&l.account),
        t(EA_ENROLLMENT_NAME),
        t("410244"),
        t("True"),
        t(m.part),
        Cv::M(per_unit(l.list, q)),
        t(""),
        t(m.family),
        t(""),
        t(""),
        t(""),
        t("1200245"),
        t("China North 3"),
    ]
}

/// An MCA invoice number for a billing month (`G0` + 8 digits), stable per month.
fn mca_invoice(y: i64, m: i64) -> String {
    let mut r = Lcg((y * 100 + m) as u64 * 7_919);
    r.next();
    format!("G0{}", digits(&mut r, 8))
}

/// USD → CNY rate of a month (pricing currency to billing currency).
fn mca_rate(y: i64, m: i64) -> Decimal {
    Decimal::new(71_600 + ((y * 12 + m) % 7) * 45, 4)
}

fn azure_mca(l: &Line, sign: RefundSign) -> Vec<Cv> {
    let mut r = pres(l);
    let m = meter(l, &mut r);
    let purchase = azure_purchase(l);
    let q = if purchase || l.refund {
        Decimal::ONE
    } else {
        m.quantity
    };
    let (y, mo) = l.month;
    let rate = mca_rate(y, mo);
    let net = signed(l, sign, l.net);
    let list = signed(l, sign, l.list);
    let sub = "9a4f7e21-0c3d-4b8a-8e5f-6d1b2c3a4e57";
    let rg = "rg-his-eastasia";
    let reservation = if purchase || l.refund {
        key_guid(l)
    } else {
        String::new()
    };
    let resource_id = if reservation.is_empty() {
        format!(
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/{}/{}",
            m.provider_path, m.resource
        )
    } else {
        format!("/providers/Microsoft.Capacity/reservationOrders/{reservation}")
    };
    let first = Date::ymd(y, mo, 1);
    let last = Date::ymd(y, mo, days_in_month(y, mo));
    let (py, pm) = add_months(y, mo, -1);
    let (order_name, reservation_name) = reservation_names(l.product, "East Asia");
    let usd =
        |x: Decimal| (x / rate).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero);
    vec![
        t(mca_invoice(y, mo)),
        t(if l.refund {
            mca_invoice(py, pm)
        } else {
            String::new()
        }),
        t(&l.account),
        t("北京中关村智联医疗科技有限公司"),
        t("7XQ2-9KDP-BG7-PGB"),
        t("ZLMed HIS"),
        t("4HLX-R2MN-PJA-PGB"),
        t("HIS"),
        t("北京云端汇通科技有限公司"),
        t("6512347"),
        t("HIS"),
        t(mdy(last)),
        t(mdy(first)),
        t(mdy(last)),
        t(mdy(first)),
        t(mdy(l.charge_date)),
        t(m.family),
        t(&reservation),
        t(if reservation.is_empty() {
            ""
        } else {
            order_name.as_str()
        }),
        t(m.service),
        t(m.id),
        t(m.name),
        t(m.category),
        t(m.sub),
        t("AP East"),
        t(format!("{}/003", m.product_id)),
        t(format!("{} {} - {} - AP East", m.category, m.sub, m.name)),
        t(sub),
        t("zlmed-his-prod"),
        t("Microsoft"),
        t(""),
        t("Microsoft"),
        t(rg),
        t(resource_id),
        t("eastasia"),
        t("AP East"),
        Cv::M(per_unit(l.net.abs(), q)),
        t(q.normalize().to_string()),
        t(m.unit),
        t(match (l.refund, purchase) {
            (true, _) => "Refund",
            (false, true) => "Purchase",
            (false, false) => "Usage",
        }),
        t(l.currency),
        t("USD"),
        Cv::M(net),
        Cv::M(usd(net)),
        Cv::M(usd(net)),
        Cv::M(list),
        Cv::M(usd(list)),
        t(rate.to_string()),
        t(mdy(first)),
        t("True"),
        t(""),
        t(""),
        t(""),
        t("{\"env\":\"prod\",\"app\":\"his\"}"),
        Cv::M(usd(per_unit(l.list.abs(), q))),
        t(if l.refund || purchase {
            "OneTime"
        } else {
            "UsageBased"
        }),
        t(if reservation.is_empty() { "" } else { "12" }),
        t(&reservation),
        t(if reservation.is_empty() {
            ""
        } else {
            reservation_name
        }),
        t(if reservation.is_empty() {
            "OnDemand"
        } else {
            "Reservation"
        }),
        Cv::M(usd(per_unit(l.net.abs(), q))),
        t(""),
        t(""),
        t(""),
        t("Azure"),
    ]
}

// ---------------------------------------------------------------------------------------
// FOCUS (Alibaba Cloud's FOCUS 1.0 export)
// ---------------------------------------------------------------------------------------

/// Months written the provider's way: the China-time month as UTC instants with `Z`
/// (March 2025 starts `2025-02-28T16:00:00Z`); later months as local midnight without a
/// zone (`2025-09-01 00:00:00`), as the official FOCUS sample writes its timestamps.
pub fn focus_utc_month(month: (i64, i64)) -> bool {
    month <= (2025, 8)
}

pub const FOCUS_ISSUER: &str = "江苏云联数智科技有限公司";
pub const FOCUS_ACCOUNT_NAME: &str = "苏州金鸡湖精工智能装备有限公司";

fn focus(l: &Line, _sign: RefundSign) -> Vec<Cv> {
    let mut r = pres(l);
    let h = 8 + r.below(12) as i64;
    let d = l.charge_date;
    let (y, m) = l.month;
    let utc = focus_utc_month(l.month);
    // a China-time instant (day, hour) as the file writes it
    let at = |d: Date, h: i64| -> String {
        if utc {
            // UTC+8 → UTC: the previous day when before 08:00
            let (d, h) = if h >= 8 {
                (d, h - 8)
            } else {
                (d.plus(-1), h + 16)
            };
            format!("{}T{h:02}:00:00Z", d.iso())
        } else {
            ts(d, h)
        }
    };
    let month_start = Date::ymd(y, m, 1);
    let (ny, nm) = add_months(y, m, 1);
    let next_start = Date::ymd(ny, nm, 1);
    let acct = ali_account(&l.account);
    let (_, _, service) = ali_product(l.product);
    let pre = prepaid(l.product);
    let (category, frequency) = match (l.refund, pre) {
        (true, _) => ("Credit", "One-Time"),
        (false, true) => ("Purchase", "Recurring"),
        (false, false) => ("Usage", "Usage-Based"),
    };
    let (svc_category, unit, rtype) = match l.product {
        Product::Ecs => ("Compute", "Month", "Instance"),
        Product::Oss => ("Storage", "GB-Month", "Bucket"),
        Product::Rds => ("Databases", "Month", "DBInstance"),
        Product::Slb => ("Networking", "Hour", "LoadBalancer"),
        Product::Marketplace => ("Other", "Month", "Commodity"),
    };
    let end = if pre && !l.refund {
        at(next_month(d), h)
    } else {
        at(d, h + 1)
    };
    let null = || t("NULL");
    let instance = ali_instance(l, &acct);
    let (qty, unit_price) = if l.refund {
        (null(), null())
    } else if pre {
        (t("1"), Cv::M(l.list))
    } else {
        let p = crate::dec("0.12");
        (t(usage(l.list, p).normalize().to_string()), Cv::M(p))
    };
    vec![
        t(acct.zone),
        Cv::M(l.net),
        t(&l.account),
        t(FOCUS_ACCOUNT_NAME),
        t(l.currency),
        t(at(next_start, 0)),
        t(at(month_start, 0)),
        t(category),
        null(),
        null(),
        t(frequency),
        t(end),
        t(at(d, h)),
        null(),
        null(),
        null(),
        null(),
        null(),
        null(),
        null(),
        null(),
        null(),
        Cv::M(l.net),
        t(FOCUS_ISSUER),
        Cv::M(l.list),
        unit_price,
        t(if l.refund { "Other" } else { "Standard" }),
        qty,
        if l.refund { null() } else { t(unit) },
        t("Alibaba Cloud"),
        t("Alibaba Cloud"),
        t(acct.region_id),
        t(acct.region_en),
        if l.refund { null() } else { t(&instance) },
        if l.refund {
            null()
        } else {
            t(format!("{}-{}", acct.name, &l.instance[..6]))
        },
        if l.refund { null() } else { t(rtype) },
        t(svc_category),
        t(format!("{}", 7_310_000 + l.row)),
        t(service),
        null(),
        null(),
        t(&l.account),
        t(acct.name),
        t("{\"env\": \"prod\"}"),
    ]
}
