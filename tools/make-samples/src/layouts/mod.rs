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

mod aliyun;
mod azure;
mod focus;
mod headers;
mod huawei;
mod tencent;

use aliyun::*;
use azure::*;
use focus::*;
pub use focus::{FOCUS_ACCOUNT_NAME, FOCUS_ISSUER};
use headers::*;
use huawei::*;
use tencent::*;

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
