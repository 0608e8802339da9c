//! `make-samples`: (re)writes every file under `samples/` deterministically.
//!
//! The generator builds six demo contracts, a few thousand billing lines written in the
//! providers' real export layouts (Alibaba Cloud 明细账单 in Chinese and English, the OSS
//! bill-subscription zip, Tencent Cloud bill details, Huawei Cloud 资源按账期, Azure EA and
//! MCA cost details, FinOps FOCUS; see `layouts.rs`) as CSV (UTF-8, UTF-8 with BOM, GBK),
//! XLSX and zip files, and a payout ledger with a handful of deliberate mistakes. It then recomputes every expected installment straight from the
//! formulas of docs/ARITHMETIC.md with exact decimals (`rust_decimal`), reconciles the ledger per
//! docs/ARITHMETIC.md, checks that exactly the intended findings come out, and writes the numbers into
//! `samples/README.md` and, machine-readable, `samples/expected.json` (which `tests/it/demo.rs`
//! compares with the auditor's `findings.json`). Nothing here reads the auditor's code.
//!
//! Run from the repository root: `cargo run -p make-samples`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use serde::Serialize;

mod accruals;
mod amendments;
mod clawbacks;
mod layouts;
mod limitation;
mod projection;
mod zipfile;

use layouts::{Cv, Layout};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

// ---------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01)
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
struct Date(i64);

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    fn ymd(y: i64, m: i64, d: i64) -> Date {
        assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
        Date(days_from_civil(y, m, d))
    }
    fn parts(self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }
    fn y(self) -> i64 {
        self.parts().0
    }
    fn m(self) -> i64 {
        self.parts().1
    }
    fn plus(self, n: i64) -> Date {
        Date(self.0 + n)
    }
    fn iso(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y:04}-{m:02}-{d:02}")
    }
    fn month_end(self) -> Date {
        let (y, m, _) = self.parts();
        Date::ymd(y, m, days_in_month(y, m))
    }
    fn excel(self) -> Res<ExcelDateTime> {
        let (y, m, d) = self.parts();
        Ok(ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?)
    }
}

fn add_months(y: i64, m: i64, k: i64) -> (i64, i64) {
    let idx = y * 12 + (m - 1) + k;
    (idx.div_euclid(12), idx.rem_euclid(12) + 1)
}

fn add_years(d: Date, k: i64) -> Date {
    let (y, m, dd) = d.parts();
    Date::ymd(y + k, m, dd.min(days_in_month(y + k, m)))
}

fn ym(y: i64, m: i64) -> String {
    format!("{y:04}-{m:02}")
}

// ---------------------------------------------------------------------------------------
// Money helpers
// ---------------------------------------------------------------------------------------

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("decimal literal")
}

fn k(thousands: i64) -> Decimal {
    Decimal::from(thousands * 1000)
}

/// docs/ARITHMETIC.md: half away from zero to 0.01.
fn r2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Plain money text with exactly two decimals, e.g. `-1234.50`.
fn m2(x: Decimal) -> String {
    let mut y = r2(x);
    if y.is_zero() {
        y = Decimal::ZERO;
    }
    y.rescale(2);
    y.to_string()
}

/// Money with thousands separators, e.g. `1,234.50`.
fn grp(x: Decimal) -> String {
    let s = m2(x);
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').expect("two decimals");
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}{out}.{frac}", if neg { "-" } else { "" })
}

fn pct(x: Decimal) -> String {
    format!("{}%", (x * Decimal::from(100)).normalize())
}

fn f64_of(x: Decimal) -> f64 {
    x.to_f64().expect("finite")
}

/// Tiny deterministic generator (PCG-style LCG); no `rand`.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn alnum(&mut self, len: usize) -> String {
        const CH: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..len)
            .map(|_| CH[self.below(CH.len() as u64) as usize] as char)
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Unified social credit codes (GB 32100-2015) with valid check characters
// ---------------------------------------------------------------------------------------

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_W: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// `head` = registration authority + type + 6-digit region (8 chars), `org8` = the first
/// eight characters of the organisation code; both check characters are computed.
fn uscc(head: &str, org8: &str) -> String {
    const ORG_W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let org_sum: u32 = org8
        .chars()
        .zip(ORG_W)
        .map(|(c, w)| c.to_digit(36).expect("org char") * w)
        .sum();
    let org_check = match 11 - org_sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("digit"),
    };
    let body = format!("{head}{org8}{org_check}");
    assert_eq!(body.len(), 17);
    let sum: u32 = body
        .chars()
        .zip(USCC_W)
        .map(|(c, w)| USCC_CHARS.find(c).expect("uscc char") as u32 * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", USCC_CHARS.as_bytes()[check as usize] as char)
}

// ---------------------------------------------------------------------------------------
// Contracts
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Product {
    Ecs,
    Oss,
    Rds,
    Slb,
    /// Third-party software sold through the provider's marketplace (云市场).
    Marketplace,
}

impl Product {
    /// The canonical product code (lower case, the same across providers).
    fn code(self) -> &'static str {
        match self {
            Product::Ecs => "ecs",
            Product::Oss => "oss",
            Product::Rds => "rds",
            Product::Slb => "slb",
            Product::Marketplace => "marketplace",
        }
    }
    /// List-price discount used to derive list_amount/discount from the net amount.
    fn discount_rate(self) -> Decimal {
        match self {
            Product::Ecs => dec("0.12"),
            Product::Oss => dec("0.05"),
            Product::Rds => dec("0.08"),
            Product::Slb | Product::Marketplace => Decimal::ZERO,
        }
    }
}

/// How a contract's `products` sheet names its products: by the canonical codes, or by the
/// provider's own names, which the contract's ruleset resolves (matching ignores case).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Naming {
    Codes,
    /// Tencent console names: 云服务器, 对象存储, 云数据库 MySQL
    TencentConsole,
    /// Azure meter categories: Virtual Machines, Storage, SQL Database
    AzureMeters,
}

impl Naming {
    fn name(self, p: Product) -> &'static str {
        match (self, p) {
            (Naming::TencentConsole, Product::Ecs) => "云服务器",
            (Naming::TencentConsole, Product::Oss) => "对象存储",
            (Naming::TencentConsole, Product::Rds) => "云数据库 MySQL",
            (Naming::AzureMeters, Product::Ecs) => "Virtual Machines",
            (Naming::AzureMeters, Product::Oss) => "Storage",
            (Naming::AzureMeters, Product::Rds) => "SQL Database",
            _ => p.code(),
        }
    }
}

/// Coefficient a product has when the contract does not list it: the rulesets weigh
/// marketplace sales at 0 (they are not the provider's), everything else at 1.
fn default_coefficient(p: Product) -> Decimal {
    if p == Product::Marketplace {
        Decimal::ZERO
    } else {
        Decimal::ONE
    }
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Basis {
    Period,
    ContractYear,
    Term,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Retroactive,
    Marginal,
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Settle {
    Monthly,
    Quarterly,
    Annual,
    Term,
    Transparent,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Trigger {
    Settlement,
    Renewal,
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Portion {
    Pct(Decimal),
    Pt(Decimal),
    Rest,
}

impl Portion {
    fn text(self) -> String {
        match self {
            Portion::Pct(x) => pct(x),
            Portion::Pt(n) => format!("{}pt", n.normalize()),
            Portion::Rest => "rest".into(),
        }
    }
}

impl Basis {
    fn word(self) -> &'static str {
        match self {
            Basis::Period => "period",
            Basis::ContractYear => "contract_year",
            Basis::Term => "term",
        }
    }
}

impl Mode {
    fn word(self) -> &'static str {
        match self {
            Mode::Retroactive => "retroactive",
            Mode::Marginal => "marginal",
        }
    }
}

impl Settle {
    fn word(self) -> &'static str {
        match self {
            Settle::Monthly => "monthly",
            Settle::Quarterly => "quarterly",
            Settle::Annual => "annual",
            Settle::Term => "term",
            Settle::Transparent => "transparent",
        }
    }
}

impl Trigger {
    fn word(self) -> &'static str {
        match self {
            Trigger::Settlement => "settlement",
            Trigger::Renewal => "renewal",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PayStyle {
    /// no period column: the auditor matches by due date
    NoPeriod,
    /// period = the month, e.g. `2025-06`
    Month,
    /// period = the quarter, e.g. `2024-Q3`, plus the installment number
    QuarterAndInstallment,
}

#[derive(Clone, Debug)]
struct Tier {
    from: Decimal,
    to: Option<Decimal>,
    rate: Decimal,
}

fn tiers(spec: &[(i64, Option<i64>, &str)]) -> Vec<Tier> {
    spec.iter()
        .map(|&(f, t, r)| Tier {
            from: Decimal::from(f),
            to: t.map(Decimal::from),
            rate: dec(r),
        })
        .collect()
}

#[derive(Clone, Debug)]
enum Split {
    /// ALI-2024-001: OSS, RDS, SLB fixed net amounts, ECS takes the rest of the weighted base.
    Fixed {
        oss: Decimal,
        rds: Decimal,
        slb: Decimal,
    },
    /// shares of the weighted base for the non-ECS products (all with coefficient 1)
    Shares(Vec<(Product, Decimal)>),
}

#[derive(Clone, Debug)]
struct Contract {
    id: &'static str,
    customer: &'static str,
    agent: &'static str,
    tax_id: String,
    provider: &'static str,
    accounts: Vec<&'static str>,
    acct_sep: &'static str,
    start: Date,
    end: Date,
    basis: Basis,
    mode: Mode,
    cap: Option<Decimal>,
    settle: Settle,
    due_days: i64,
    grace_days: i64,
    renewed_on: Option<Date>,
    invoice: &'static str,
    tax_rate: Option<Decimal>,
    late_interest: Option<Decimal>,
    payout_kind: &'static str,
    tiers: Vec<Tier>,
    coeffs: Vec<(Product, Decimal)>,
    /// empty = the default schedule (one installment, settlement, rest)
    schedule: Vec<(Trigger, Portion)>,
    /// weighted-base target per calendar month from `start`
    monthly: Vec<Decimal>,
    split: Split,
    acct_shares: Vec<Decimal>,
    province: &'static str,
    pay_style: PayStyle,
    /// how the `products` sheet names the products
    naming: Naming,
    /// own random sequence for the billing lines (contracts added later, so the lines of
    /// the others stay exactly as they were)
    rng_seed: Option<u64>,
    mechanics: &'static str,
}

impl Contract {
    fn coeff(&self, p: Product) -> Decimal {
        self.coeffs
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| default_coefficient(p))
    }
    fn effective_schedule(&self) -> Vec<(Trigger, Portion)> {
        if self.schedule.is_empty() {
            vec![(Trigger::Settlement, Portion::Rest)]
        } else {
            self.schedule.clone()
        }
    }
    fn late_rate(&self) -> Decimal {
        self.late_interest.unwrap_or(Decimal::ZERO)
    }
}

fn contracts() -> Vec<Contract> {
    let one = Decimal::ONE;
    vec![
        Contract {
            id: "ALI-2024-001",
            customer: "杭州西溪智造科技有限公司",
            agent: "浙江云栖数科信息技术有限公司",
            tax_id: uscc("91330106", "MA2GL3XK"),
            provider: "aliyun",
            accounts: vec!["1438209912345671", "1438209912345688", "1438209912345695"],
            acct_sep: "；",
            start: Date::ymd(2024, 5, 1),
            end: Date::ymd(2026, 4, 30),
            basis: Basis::ContractYear,
            mode: Mode::Retroactive,
            cap: None,
            settle: Settle::Quarterly,
            due_days: 30,
            grace_days: 5,
            renewed_on: None,
            invoice: "vat_special",
            tax_rate: Some(dec("0.06")),
            late_interest: Some(dec("0.0005")),
            payout_kind: "cash",
            tiers: tiers(&[
                (0, Some(1_000_000), "0.15"),
                (1_000_000, Some(2_000_000), "0.18"),
                (2_000_000, None, "0.22"),
            ]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, dec("0.5")),
                (Product::Slb, Decimal::ZERO),
            ],
            schedule: vec![],
            monthly: [
                150, 150, 160, 160, 170, 170, 180, 180, 170, 160, 190, 200, // year 1
                110, 110, 120, 120, 120, 130, 130, 130, 100, 90, 120, 140, // year 2
            ]
            .iter()
            .map(|&x| k(x))
            .collect(),
            split: Split::Fixed {
                oss: k(30),
                rds: k(40),
                slb: k(12),
            },
            acct_shares: vec![dec("0.5"), dec("0.3"), dec("0.2")],
            province: "33",
            pay_style: PayStyle::NoPeriod,
            naming: Naming::Codes,
            rng_seed: None,
            mechanics: "Retroactive tiers on the contract-year volume (`tier_basis = contract_year`) with \
                quarterly settlement over a two-year term that starts on 1 May, so calendar quarter \
                2025-Q2 is split at the contract-year boundary into April and May–June. When the \
                cumulative weighted base of a contract year crosses a bracket, the whole year's volume \
                moves to the higher rate and the quarter where it happens carries a catch-up \
                (year 1: 18% reached in 2024-Q4, 22% reached in the very last month, April 2025; \
                year 2: 18% reached in 2026-Q1). Product coefficients: RDS 0.5, SLB 0 (excluded). \
                Three billing accounts separated by `；`.",
        },
        Contract {
            id: "TX-2025-002",
            customer: "深圳前海速达物流科技有限公司",
            agent: "深圳市腾翼云计算服务有限公司",
            tax_id: uscc("91440300", "MA5FT8QW"),
            provider: "tencent",
            accounts: vec!["100012345678", "100012345690"],
            acct_sep: ",",
            start: Date::ymd(2025, 1, 1),
            end: Date::ymd(2025, 12, 31),
            basis: Basis::ContractYear,
            mode: Mode::Marginal,
            cap: Some(k(90)),
            settle: Settle::Monthly,
            due_days: 15,
            grace_days: 0,
            renewed_on: None,
            invoice: "vat_special",
            tax_rate: Some(dec("0.06")),
            late_interest: Some(dec("0.0005")),
            payout_kind: "cash",
            tiers: tiers(&[
                (0, Some(200_000), "0"),
                (200_000, Some(800_000), "0.10"),
                (800_000, None, "0.15"),
            ]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, one),
            ],
            schedule: vec![],
            monthly: [80, 90, 110, 100, 100, 120, 100, 110, 100, 100, 90, 80]
                .iter()
                .map(|&x| k(x))
                .collect(),
            split: Split::Shares(vec![
                (Product::Oss, dec("0.25")),
                (Product::Rds, dec("0.15")),
            ]),
            acct_shares: vec![dec("0.7"), dec("0.3")],
            province: "44",
            pay_style: PayStyle::Month,
            naming: Naming::TencentConsole,
            rng_seed: None,
            mechanics: "Marginal tiers on the contract-year volume, settled monthly, with a threshold \
                (0% on the first 200,000 = minimum spend before any rebate) and a cap of 90,000 per \
                contract year that binds in October: January and February earn nothing, October is cut \
                short by the cap, November and December earn nothing more.",
        },
        Contract {
            id: "HW-2024-003",
            customer: "成都天府智算科技有限公司",
            agent: "四川蜀云信息技术有限公司",
            tax_id: uscc("91510107", "MA6CB9RH"),
            provider: "huawei",
            accounts: vec!["cdtf-prod", "cdtf-bigdata"],
            acct_sep: ",",
            start: Date::ymd(2024, 7, 1),
            end: Date::ymd(2025, 6, 30),
            basis: Basis::Period,
            mode: Mode::Retroactive,
            cap: None,
            settle: Settle::Quarterly,
            due_days: 30,
            grace_days: 5,
            renewed_on: Some(Date::ymd(2025, 6, 18)),
            invoice: "vat_special",
            tax_rate: Some(dec("0.06")),
            late_interest: Some(dec("0.0003")),
            payout_kind: "cash",
            tiers: tiers(&[(0, Some(250_000), "0.08"), (250_000, None, "0.16")]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, one),
                (Product::Slb, one),
            ],
            schedule: vec![
                (Trigger::Settlement, Portion::Pt(Decimal::from(10))),
                (Trigger::Renewal, Portion::Rest),
            ],
            monthly: [100, 95, 105, 115, 120, 125, 90, 70, 80, 105, 110, 115]
                .iter()
                .map(|&x| k(x))
                .collect(),
            split: Split::Shares(vec![
                (Product::Oss, dec("0.2")),
                (Product::Rds, dec("0.15")),
                (Product::Slb, dec("0.1")),
            ]),
            acct_shares: vec![dec("0.8"), dec("0.2")],
            province: "51",
            pay_style: PayStyle::QuarterAndInstallment,
            naming: Naming::Codes,
            rng_seed: None,
            mechanics: "Staged payment: each quarter's rebate is paid as `10pt` of the quarter's \
                weighted base at settlement and the `rest` only after the renewal. The contract was \
                renewed on 2025-06-18, so every renewal installment is due on \
                max(period end, 2025-06-18) + 30 days. Retroactive tiers per settlement period \
                (`tier_basis = period`): a quarter under 250,000 earns 8% only, so in 2025-Q1 the \
                `10pt` installment is capped at what is left of the quarter's rebate and the `rest` is 0. \
                Billing comes as Huawei's 资源按账期 file in GBK, with the usage time range in one \
                cell and a few amounts as Excel displays them.",
        },
        Contract {
            id: "AZ-2025-004",
            customer: "北京中关村智联医疗科技有限公司",
            agent: "北京云端汇通科技有限公司",
            tax_id: uscc("91110108", "MA01KD3P"),
            provider: "azure",
            accounts: vec![MCA_BILLING_ACCOUNT, EA_ENROLLMENT],
            acct_sep: ",",
            start: Date::ymd(2025, 1, 1),
            end: Date::ymd(2025, 12, 31),
            basis: Basis::Period,
            mode: Mode::Retroactive,
            cap: None,
            settle: Settle::Quarterly,
            due_days: 45,
            grace_days: 10,
            renewed_on: None,
            invoice: "vat_special",
            tax_rate: Some(dec("0.06")),
            late_interest: None,
            payout_kind: "cash",
            tiers: tiers(&[(0, Some(600_000), "0.14"), (600_000, None, "0.16")]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, one),
            ],
            schedule: vec![
                (Trigger::Settlement, Portion::Pt(Decimal::from(10))),
                (Trigger::Renewal, Portion::Rest),
            ],
            monthly: [175, 180, 185, 200, 210, 220, 190, 195, 200, 210, 220, 230]
                .iter()
                .map(|&x| k(x))
                .collect(),
            split: Split::Shares(vec![(Product::Oss, dec("0.3")), (Product::Rds, dec("0.2"))]),
            acct_shares: vec![dec("0.6"), dec("0.4")],
            province: "11",
            pay_style: PayStyle::QuarterAndInstallment,
            naming: Naming::AzureMeters,
            rng_seed: None,
            mechanics: "Same `10pt` at settlement + `rest` at renewal schedule, but the contract has \
                NOT been renewed (`renewed_on` blank): the renewal installments have no due date and \
                stay `conditional` — never unpaid. Retroactive tiers per quarter (14% / 16% from \
                600,000). No late-payment rate, so interest is 0.00. The customer's Azure is \
                billed two ways: the EA enrollment in Azure EA cost details, and the billing \
                account Microsoft migrated to the Microsoft Customer Agreement in MCA cost \
                details (with a `Refund` row); the contract lists both accounts. One USD line on \
                the enrollment is a currency mismatch and is left out.",
        },
        Contract {
            id: "ALI-2025-005",
            customer: "上海浦江优选电子商务有限公司",
            agent: "上海申云信息科技有限公司",
            tax_id: uscc("91310115", "MA1K4TNE"),
            provider: "aliyun",
            accounts: vec!["1729304455667781", "1729304455667798"],
            acct_sep: ",",
            start: Date::ymd(2025, 4, 1),
            end: Date::ymd(2026, 3, 31),
            basis: Basis::Period,
            mode: Mode::Retroactive,
            cap: None,
            settle: Settle::Transparent,
            due_days: 30,
            grace_days: 0,
            renewed_on: None,
            invoice: "none",
            tax_rate: None,
            late_interest: None,
            payout_kind: "offset",
            tiers: tiers(&[(0, Some(50_000), "0.10"), (50_000, None, "0.12")]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, one),
            ],
            schedule: vec![],
            monthly: [
                "43217.35", "51880.20", "56402.75", "48990.10", "62345.67", "58120.00", "49999.99",
                "50000.00", "61234.56", "47650.45", "53300.30", "59876.54",
            ]
            .iter()
            .map(|s| dec(s))
            .collect(),
            split: Split::Shares(vec![(Product::Oss, dec("0.2")), (Product::Rds, dec("0.1"))]),
            acct_shares: vec![dec("0.65"), dec("0.35")],
            province: "31",
            pay_style: PayStyle::NoPeriod,
            naming: Naming::Codes,
            rng_seed: None,
            mechanics: "`transparent` settlement: the rebate is offset against the next monthly bill \
                (`payout_kind = offset`, no invoice), so each month's installment is due on the last \
                day of the following month (`due_days` is not used). Retroactive tiers per month \
                (10%, 12% from 50,000); the monthly weighted totals have cents, and 2025-10 (49,999.99) \
                and 2025-11 (50,000.00) sit on either side of the bracket boundary (`[from, to)`). \
                A 云市场 (marketplace) purchase in 2025-07 counts at coefficient 0, the rulesets' \
                default for marketplace sales, because the contract does not list it. March 2026 \
                comes from the OSS bill subscription, which split the month into two CSV parts \
                zipped under one name.",
        },
        Contract {
            id: "ALI-2025-006",
            customer: layouts::FOCUS_ACCOUNT_NAME,
            agent: layouts::FOCUS_ISSUER,
            tax_id: uscc("91320505", "MA27QX5B"),
            provider: "aliyun",
            accounts: vec![FOCUS_ACCOUNT],
            acct_sep: ",",
            start: Date::ymd(2025, 3, 1),
            end: Date::ymd(2026, 2, 28),
            basis: Basis::Period,
            mode: Mode::Marginal,
            cap: None,
            settle: Settle::Annual,
            due_days: 30,
            grace_days: 10,
            renewed_on: Some(Date::ymd(2026, 1, 20)),
            invoice: "none",
            tax_rate: None,
            late_interest: None,
            payout_kind: "credit",
            tiers: tiers(&[(0, Some(500_000), "0.06"), (500_000, None, "0.09")]),
            coeffs: vec![
                (Product::Ecs, one),
                (Product::Oss, one),
                (Product::Rds, one),
            ],
            schedule: vec![
                (Trigger::Settlement, Portion::Pct(dec("0.6"))),
                (Trigger::Renewal, Portion::Rest),
            ],
            monthly: [62, 58, 71, 66, 74, 80, 69, 77, 85, 90, 64, 73]
                .iter()
                .map(|&x| k(x))
                .collect(),
            split: Split::Shares(vec![
                (Product::Oss, dec("0.2")),
                (Product::Rds, dec("0.15")),
            ]),
            acct_shares: vec![one],
            province: "32",
            pay_style: PayStyle::NoPeriod,
            naming: Naming::Codes,
            rng_seed: Some(0x0f0c_2025_0301),
            mechanics: "Billing comes only as Alibaba Cloud's FOCUS 1.0 export (the bill \
                subscription's \"Standard Bill FOCUS\"; Alibaba calls it a preview for analysis, \
                so audit from the native bills where you can). Annual settlement on a term that \
                starts on 1 March, marginal tiers on the year's volume, and the rebate granted as \
                Alibaba Cloud credits (`payout_kind = credit`, no invoice): 60% at settlement and \
                the rest after the renewal, which was signed on 2026-01-20, before the term ended, \
                so both installments fall due 30 days after the term. The file writes \
                `BillingPeriodStart` two ways: through August 2025 as the UTC instant of the \
                China-time month (`2025-02-28T16:00:00Z` is March 2025), from September as local \
                midnight (`2025-09-01 00:00:00`); charges are dated by `ChargePeriodStart`. A \
                negative `Credit` row counts with its sign.",
        },
    ]
    .into_iter()
    .chain([clawbacks::contract()])
    .collect()
}

/// AZ-2025-004's billing account on the Microsoft Customer Agreement (MCA ids are
/// `<account guid>:<tenant guid>_<date>`) and its EA enrollment number.
const MCA_BILLING_ACCOUNT: &str =
    "8d3c1f42-6b7a-4e19-a5d0-2c9e7b4f1a63:0f4e2a91-3c5d-4b8e-9a17-6d2b8c4e5f70_2019-05-31";
const EA_ENROLLMENT: &str = "82468135";
/// ALI-2025-006's Alibaba Cloud account, and a sibling account no contract covers.
const FOCUS_ACCOUNT: &str = "1873460291537706";
const FOCUS_UNCOVERED_ACCOUNT: &str = "1873460291537713";

// ---------------------------------------------------------------------------------------
// Billing files and lines
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Enc {
    Utf8,
    Utf8Bom,
    Gbk,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FileKind {
    Csv(Enc),
    Xlsx,
    /// a zip of CSV parts (UTF-8 with BOM), as the OSS bill subscription writes a large month
    Zip,
}

/// How a file writes its refund rows; the auditor counts them negative either way.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RefundSign {
    Negative,
    Positive,
}

#[derive(Clone, Debug)]
struct BFile {
    path: &'static str,
    kind: FileKind,
    layout: Layout,
    /// rows above the header (a console export's title and export note)
    title: &'static [&'static str],
    /// a `合计` row at the bottom stating the total of the readable rows above it
    totals_row: bool,
    refunds: RefundSign,
    /// zip: the number of CSV parts; 1 otherwise
    parts: usize,
    /// workbook: the sheet's name
    sheet: &'static str,
    note: &'static str,
}

impl BFile {
    /// The header's row (1-based, as a spreadsheet counts).
    fn header_row(&self) -> usize {
        1 + self.title.len()
    }
    /// What the auditor names the table: the sheet of a workbook, the member of a zip.
    fn table_name(&self, part: usize) -> Option<String> {
        match self.kind {
            FileKind::Csv(_) => None,
            FileKind::Xlsx => Some(self.sheet.to_string()),
            FileKind::Zip => Some(self.member_name(part)),
        }
    }
    fn member_name(&self, part: usize) -> String {
        let stem = Path::new(self.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("zip file name");
        format!("{stem}_{}.csv", part + 1)
    }
    fn encoding(&self) -> &'static str {
        match self.kind {
            FileKind::Csv(Enc::Utf8) => "UTF-8",
            FileKind::Csv(Enc::Utf8Bom) | FileKind::Zip => "UTF-8 with BOM",
            FileKind::Csv(Enc::Gbk) => "GBK",
            FileKind::Xlsx => "XLSX",
        }
    }
}

/// Index of each billing file in [`billing_files`].
const F_ALI_2024: usize = 0;
const F_ALI_2025: usize = 1;
const F_PUJIANG: usize = 2;
const F_PUJIANG_ZIP: usize = 3;
const F_TENCENT: usize = 4;
const F_HUAWEI: usize = 5;
const F_AZURE_EA: usize = 6;
const F_AZURE_MCA: usize = 7;
const F_FOCUS: usize = 8;
const F_CLAWBACK: usize = 9;

fn billing_files() -> Vec<BFile> {
    let file = |path, kind, layout, note| BFile {
        path,
        kind,
        layout,
        title: &[],
        totals_row: false,
        refunds: RefundSign::Negative,
        parts: 1,
        sheet: "",
        note,
    };
    vec![
        BFile {
            title: &[
                "阿里云 明细账单（账期 2024-05 至 2024-12）",
                "导出时间: 2025-01-06 09:42:17",
            ],
            totals_row: true,
            ..file(
                "billing/aliyun/aliyun-bill-2024.csv",
                FileKind::Csv(Enc::Utf8),
                Layout::AliyunZh,
                "console download: two title rows above the header, a `合计` row at the bottom \
                 (its 应付金额 is the total of the readable rows), refunds (账单类型 退款) written \
                 negative; ALI-2024-001 for 2024-05..2024-12, plus one row keyed in by hand after \
                 the export whose amount is unreadable",
            )
        },
        BFile {
            refunds: RefundSign::Positive,
            sheet: "明细账单",
            ..file(
                "billing/aliyun/aliyun-bill-2025-2026.xlsx",
                FileKind::Xlsx,
                Layout::AliyunEn,
                "English console download as a workbook, amounts as numbers, refunds (Item \
                 `Refund`) written positive; ALI-2024-001 for 2025-01..2026-04 plus spend on an \
                 account no contract covers",
            )
        },
        BFile {
            refunds: RefundSign::Positive,
            ..file(
                "billing/aliyun/pujiang-retail-2025.csv",
                FileKind::Csv(Enc::Utf8Bom),
                Layout::AliyunZh,
                "console download, refunds written positive, a 云市场 (marketplace) line; \
                 ALI-2025-005 for 2025-04..2026-02",
            )
        },
        BFile {
            parts: 2,
            ..file(
                "billing/aliyun/1729304455667781_BillingItemDetail_202603.zip",
                FileKind::Zip,
                Layout::AliyunZh,
                "the OSS bill subscription's full-month file for March 2026, split into two CSV \
                 parts zipped under one name; ALI-2025-005 for 2026-03 (both accounts)",
            )
        },
        file(
            "billing/tencent/tencent-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::Tencent,
            "amounts as strings with 8 decimals, `-` for no value (Original Cost of the \
             contract-price MySQL rows and of refunds), `Discount` as a rate, refunds (Transaction \
             Type 包年包月退费) written negative; TX-2025-002",
        ),
        file(
            "billing/huawei/huawei-2024-2025-gbk.csv",
            FileKind::Csv(Enc::Gbk),
            Layout::Huawei,
            "8-decimal amounts, except the refunds (退款-退订) and the December 2024 rows, \
             which Excel saved as it displays them (`￥1,234.50`, `(￥3,000.00)`); vouchers are \
             代金券抵扣 + 现金券抵扣; HW-2024-003",
        ),
        file(
            "billing/azure/azure-ea-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::AzureEa,
            "`MM/DD/YYYY` dates, ChargeType Usage and Purchase (reservations); AZ-2025-004's EA \
             enrollment, plus one USD line (currency mismatch)",
        ),
        file(
            "billing/azure/azure-mca-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::AzureMca,
            "camelCase (with the schema's few PascalCase names), `MM/DD/YYYY` dates, \
             paygCostInBillingCurrency as the list amount, a `Refund` row written negative; \
             AZ-2025-004's MCA billing account",
        ),
        file(
            "billing/focus/aliyun-focus-2025-2026.csv",
            FileKind::Csv(Enc::Utf8),
            Layout::Focus,
            "Alibaba Cloud's FOCUS export: `NULL` for no value, ChargeCategory Purchase, Usage \
             and a negative `Credit`, BillingPeriodStart in UTC (`2025-02-28T16:00:00Z` = March \
             2025, China time) through 2025-08 and as local midnight (`2025-09-01 00:00:00`) \
             after; ALI-2025-006, plus spend on a sibling account no contract covers",
        ),
        file(
            "billing/tencent/tencent-2025-nanshan.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::Tencent,
            "the same layout; TX-2025-007, whose August downgrade is credited as negative rows",
        ),
    ]
}

fn file_for(contract: &str, (y, m): (i64, i64), account_index: usize) -> usize {
    match contract {
        "ALI-2024-001" if y <= 2024 => F_ALI_2024,
        "ALI-2024-001" => F_ALI_2025,
        "ALI-2025-005" if (y, m) == (2026, 3) => F_PUJIANG_ZIP,
        "ALI-2025-005" => F_PUJIANG,
        "TX-2025-002" => F_TENCENT,
        "HW-2024-003" => F_HUAWEI,
        "AZ-2025-004" if account_index == 0 => F_AZURE_MCA,
        "AZ-2025-004" => F_AZURE_EA,
        "ALI-2025-006" => F_FOCUS,
        limitation::CONTRACT => limitation::FILE,
        id if clawbacks::own(id) => F_CLAWBACK,
        projection::CONTRACT => projection::FILE,
        _ => unreachable!(),
    }
}

#[derive(Clone, Debug)]
struct Line {
    file: usize,
    /// zip member (0 for every other file)
    part: usize,
    row: usize,
    account: String,
    month: (i64, i64),
    charge_date: Date,
    product: Product,
    /// a refund (a credit in FOCUS): negative amounts in the model
    refund: bool,
    /// random key the layouts derive the resource's ids from
    instance: String,
    list: Decimal,
    discount: Decimal,
    voucher: Decimal,
    net: Decimal,
    currency: &'static str,
    /// raw text written instead of net_amount: an unreadable amount
    bad_net: Option<&'static str>,
}

/// Refunds written into the data: (contract, year, month, amount). The refund is a negative
/// ECS line on the contract's first account; the month's total is unchanged because another
/// line of the same group carries the refunded amount.
const REFUNDS: &[(&str, i64, i64, &str)] = &[
    ("ALI-2024-001", 2024, 8, "2400.00"),
    ("ALI-2024-001", 2025, 11, "1850.00"),
    ("TX-2025-002", 2025, 5, "1234.50"),
    ("HW-2024-003", 2024, 11, "3000.00"),
    ("AZ-2025-004", 2025, 8, "980.00"),
    ("ALI-2025-005", 2025, 9, "615.40"),
    ("ALI-2025-006", 2025, 10, "500.00"),
];

#[allow(clippy::too_many_arguments)]
fn push_line(
    lines: &mut Vec<Line>,
    rng: &mut Lcg,
    file: usize,
    account: &str,
    (y, m): (i64, i64),
    product: Product,
    net: Decimal,
    refund: bool,
) {
    let d = product.discount_rate();
    let list = r2(net / (Decimal::ONE - d));
    let discount = list - net;
    let voucher = if !refund && net > k(2) && rng.below(9) == 0 {
        Decimal::from(50 * (1 + rng.below(4)))
    } else {
        Decimal::ZERO
    };
    let day = 1 + rng.below(days_in_month(y, m) as u64) as i64;
    let instance = rng.alnum(16);
    lines.push(Line {
        file,
        part: 0,
        row: 0,
        account: account.to_string(),
        month: (y, m),
        charge_date: Date::ymd(y, m, day),
        product,
        refund,
        instance,
        list,
        discount,
        voucher,
        net,
        currency: "CNY",
        bad_net: None,
    });
}

fn product_targets(c: &Contract, w: Decimal) -> Vec<(Product, Decimal)> {
    match &c.split {
        Split::Fixed { oss, rds, slb } => {
            // weighted = ECS + OSS + 0.5·RDS + 0·SLB = w
            let ecs = w - *oss - c.coeff(Product::Rds) * *rds - c.coeff(Product::Slb) * *slb;
            vec![
                (Product::Ecs, ecs),
                (Product::Oss, *oss),
                (Product::Rds, *rds),
                (Product::Slb, *slb),
            ]
        }
        Split::Shares(shares) => {
            let others: Vec<(Product, Decimal)> =
                shares.iter().map(|&(p, s)| (p, r2(w * s))).collect();
            let ecs = w - others.iter().map(|(_, v)| *v).sum::<Decimal>();
            let mut v = vec![(Product::Ecs, ecs)];
            v.extend(others);
            v
        }
    }
}

/// The lines of one contract: each month's weighted target split over products, accounts
/// and 2..6 lines per account, with the planned refunds.
fn contract_lines(c: &Contract, rng: &mut Lcg, lines: &mut Vec<Line>) {
    let (sy, sm, _) = c.start.parts();
    for (i, w) in c.monthly.iter().enumerate() {
        let (y, m) = add_months(sy, sm, i as i64);
        for (p, target) in product_targets(c, *w) {
            // split the product's net total over the accounts
            let mut left = target;
            for (ai, acct) in c.accounts.iter().enumerate() {
                let file = file_for(c.id, (y, m), ai);
                let part = if ai + 1 == c.accounts.len() {
                    left
                } else {
                    r2(target * c.acct_shares[ai])
                };
                left -= part;
                // split the account's part over 2..6 lines
                let n = 2 + rng.below(5) as usize;
                let weights: Vec<u64> = (0..n).map(|_| 20 + rng.below(80)).collect();
                let total_w: u64 = weights.iter().sum();
                let mut amounts: Vec<Decimal> = weights
                    .iter()
                    .map(|&wt| {
                        (part * Decimal::from(wt) / Decimal::from(total_w))
                            .round_dp_with_strategy(2, RoundingStrategy::ToZero)
                    })
                    .collect();
                let refund = REFUNDS
                    .iter()
                    .find(|r| r.0 == c.id && r.1 == y && r.2 == m && ai == 0 && p == Product::Ecs);
                let last = n - 1;
                amounts[last] = part - amounts[..last].iter().sum::<Decimal>();
                if let Some(r) = refund {
                    amounts[last] += dec(r.3);
                }
                for a in amounts {
                    push_line(lines, rng, file, acct, (y, m), p, a, false);
                }
                if let Some(r) = refund {
                    push_line(lines, rng, file, acct, (y, m), p, -dec(r.3), true);
                }
            }
            assert!(left.is_zero());
        }
    }
}

fn generate_lines(cs: &[Contract], files: &[BFile]) -> Vec<Line> {
    let mut rng = Lcg(0x5eed_2026_0630);
    let mut lines = Vec::new();
    for c in cs.iter().filter(|c| c.rng_seed.is_none()) {
        contract_lines(c, &mut rng, &mut lines);
    }
    // The bad amount: a row keyed in by hand after the export, on an account ALI-2024-001
    // covers, whose net amount cannot be read.
    push_line(
        &mut lines,
        &mut rng,
        F_ALI_2024,
        "1438209912345688",
        (2024, 9),
        Product::Ecs,
        dec("1234.50"),
        false,
    );
    let bad = lines.last_mut().expect("just pushed");
    bad.bad_net = Some("12,34.5x");
    // Spend on an account no contract covers.
    for (y, m, amts) in [
        (2025, 2, ["1520.00", "1236.78", "700.00"].as_slice()),
        (2025, 3, ["1300.00", "800.00"].as_slice()),
    ] {
        for a in amts {
            push_line(
                &mut lines,
                &mut rng,
                F_ALI_2025,
                UNCOVERED_ACCOUNT,
                (y, m),
                Product::Ecs,
                dec(a),
                false,
            );
        }
    }
    // A USD line on AZ-2025-004's enrollment (the contract is in CNY).
    push_line(
        &mut lines,
        &mut rng,
        F_AZURE_EA,
        EA_ENROLLMENT,
        (2025, 6),
        Product::Ecs,
        dec("1250.00"),
        false,
    );
    lines.last_mut().expect("just pushed").currency = "USD";
    // A marketplace purchase on an ALI-2025-005 account: covered, weighted 0.
    push_line(
        &mut lines,
        &mut rng,
        F_PUJIANG,
        "1729304455667781",
        (2025, 7),
        Product::Marketplace,
        dec("1280.00"),
        false,
    );
    // Contracts added later draw from their own sequences.
    for c in cs.iter().filter(|c| c.rng_seed.is_some()) {
        let mut own = Lcg(c.rng_seed.expect("filtered"));
        contract_lines(c, &mut own, &mut lines);
    }
    // Spend in the FOCUS file on a sibling account of ALI-2025-006's that no contract
    // covers, in a month whose period start is written in UTC.
    let mut focus_rng = Lcg(0x0f0c_0000_0713);
    for a in ["2380.00", "1120.00"] {
        push_line(
            &mut lines,
            &mut focus_rng,
            F_FOCUS,
            FOCUS_UNCOVERED_ACCOUNT,
            (2025, 3),
            Product::Ecs,
            dec(a),
            false,
        );
    }

    // Order each file like an export: by month, account, charge date, product (stable).
    lines.sort_by(|a, b| {
        (a.file, a.month, &a.account, a.charge_date, a.product).cmp(&(
            b.file,
            b.month,
            &b.account,
            b.charge_date,
            b.product,
        ))
    });
    // A zip's parts split the file's rows in order, the first parts taking the extra row.
    let mut per_file: BTreeMap<usize, usize> = BTreeMap::new();
    for l in &lines {
        *per_file.entry(l.file).or_default() += 1;
    }
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut next_row: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for l in &mut lines {
        let f = &files[l.file];
        let i = seen.entry(l.file).or_default();
        let per_part = per_file[&l.file].div_ceil(f.parts);
        l.part = *i / per_part;
        *i += 1;
        let r = next_row
            .entry((l.file, l.part))
            .or_insert(f.header_row() + 1);
        l.row = *r;
        *r += 1;
    }
    lines
}

const UNCOVERED_ACCOUNT: &str = "1438209912345700";

// ---------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------

fn fixed_props() -> Res<DocProperties> {
    let created = ExcelDateTime::from_ymd(2026, 6, 30)?.and_hms(9, 0, 0)?;
    Ok(DocProperties::new()
        .set_title("rebate-audit demo data")
        .set_author("make-samples")
        .set_creation_datetime(&created))
}

struct Fmts {
    header: Format,
    date: Format,
    money: Format,
    pct0: Format,
    pct2: Format,
    int: Format,
}

fn fmts() -> Fmts {
    Fmts {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        money: Format::new().set_num_format("#,##0.00"),
        pct0: Format::new().set_num_format("0%"),
        pct2: Format::new().set_num_format("0.00%"),
        int: Format::new().set_num_format("0"),
    }
}

fn write_header(ws: &mut Worksheet, f: &Fmts, names: &[&str]) -> Res<()> {
    for (i, n) in names.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *n, &f.header)?;
        ws.set_column_width(i as u16, 14)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn save(wb: &mut Workbook, path: &Path) -> Res<()> {
    wb.set_properties(&fixed_props()?);
    let buf = wb.save_to_buffer()?;
    fs::write(path, buf)?;
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One table of a billing file (the file itself, or one part of a zip) as rows of cells:
/// title rows, the header, the lines, and a totals row when the file has one.
fn billing_table(bf: &BFile, rows: &[&Line]) -> Vec<Vec<Cv>> {
    let mut out: Vec<Vec<Cv>> = bf
        .title
        .iter()
        .map(|t| vec![Cv::T(t.to_string())])
        .collect();
    out.push(
        bf.layout
            .header()
            .iter()
            .map(|h| Cv::T(h.to_string()))
            .collect(),
    );
    for (i, l) in rows.iter().enumerate() {
        assert_eq!(
            l.row,
            bf.header_row() + 1 + i,
            "row numbers are consecutive"
        );
        out.push(bf.layout.row(l, bf.refunds));
    }
    if bf.totals_row {
        // the total the export states: every row that can be read
        let readable: Vec<&Line> = rows
            .iter()
            .copied()
            .filter(|l| l.bad_net.is_none())
            .collect();
        out.push(bf.layout.totals_row(&readable, bf.refunds));
    }
    out
}

fn csv_text(layout: Layout, table: &[Vec<Cv>]) -> String {
    let mut text = String::new();
    for row in table {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cv::T(s) => csv_field(s),
                Cv::M(x) => csv_field(&layout.money_text(*x)),
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    text
}

fn encode(text: String, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.into_bytes(),
        Enc::Utf8Bom => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend(text.into_bytes());
            b
        }
        Enc::Gbk => {
            let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
            assert!(!had_errors, "GBK cannot encode the text");
            bytes.into_owned()
        }
    }
}

fn write_billing(root: &Path, files: &[BFile], lines: &[Line]) -> Res<()> {
    let f = fmts();
    for (fi, bf) in files.iter().enumerate() {
        let path = root.join(bf.path);
        fs::create_dir_all(path.parent().expect("parent"))?;
        let part_rows = |part: usize| -> Vec<&Line> {
            lines
                .iter()
                .filter(|l| l.file == fi && l.part == part)
                .collect()
        };
        match bf.kind {
            FileKind::Csv(enc) => {
                let table = billing_table(bf, &part_rows(0));
                fs::write(&path, encode(csv_text(bf.layout, &table), enc))?;
            }
            FileKind::Zip => {
                let members: Vec<(String, Vec<u8>)> = (0..bf.parts)
                    .map(|part| {
                        let table = billing_table(bf, &part_rows(part));
                        (
                            bf.member_name(part),
                            encode(csv_text(bf.layout, &table), Enc::Utf8Bom),
                        )
                    })
                    .collect();
                // written on the 4th of the next month, as the subscription delivers
                fs::write(&path, zipfile::zip(&members, (2026, 4, 4, 12, 0)))?;
            }
            FileKind::Xlsx => {
                let table = billing_table(bf, &part_rows(0));
                let mut wb = Workbook::new();
                let ws = wb.add_worksheet();
                ws.set_name(bf.sheet)?;
                let header = bf.title.len() as u32;
                for (r, row) in table.iter().enumerate() {
                    let r = r as u32;
                    for (c, cell) in row.iter().enumerate() {
                        let c = c as u16;
                        match cell {
                            Cv::T(s) if r == header => {
                                ws.write_string_with_format(r, c, s, &f.header)?;
                            }
                            Cv::T(s) if s.is_empty() => {}
                            Cv::T(s) => {
                                ws.write_string(r, c, s)?;
                            }
                            Cv::M(x) => {
                                ws.write_number_with_format(r, c, f64_of(*x), &f.money)?;
                            }
                        }
                    }
                }
                for c in 0..bf.layout.header().len() {
                    ws.set_column_width(c as u16, 16)?;
                }
                ws.set_freeze_panes(header + 1, 0)?;
                save(&mut wb, &path)?;
            }
        }
    }
    Ok(())
}

fn write_contracts(root: &Path, cs: &[Contract]) -> Res<()> {
    let f = fmts();
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("contracts")?;
        let names = [
            "contract_id",
            "customer",
            "agent",
            "agent_tax_id",
            "provider",
            "ruleset",
            "accounts",
            "start",
            "end",
            "currency",
            "base",
            "tier_basis",
            "tier_mode",
            "cap",
            "settlement",
            "due_days",
            "grace_days",
            "renewed_on",
            "invoice",
            "tax_rate",
            "late_interest",
            "payout_kind",
            "clawback",
            "entity",
        ];
        write_header(ws, &f, &names)?;
        ws.set_column_width(1, 30)?;
        ws.set_column_width(2, 30)?;
        ws.set_column_width(3, 22)?;
        ws.set_column_width(6, 40)?;
        for (i, c) in cs.iter().enumerate() {
            let r = (i + 1) as u32;
            ws.write_string(r, 0, c.id)?;
            ws.write_string(r, 1, c.customer)?;
            ws.write_string(r, 2, c.agent)?;
            ws.write_string(r, 3, &c.tax_id)?;
            ws.write_string(r, 4, c.provider)?;
            // column 5 (ruleset) left blank: the provider's ruleset, else generic
            ws.write_string(r, 6, c.accounts.join(c.acct_sep))?;
            ws.write_datetime_with_format(r, 7, c.start.excel()?, &f.date)?;
            ws.write_datetime_with_format(r, 8, c.end.excel()?, &f.date)?;
            ws.write_string(r, 9, "CNY")?;
            ws.write_string(r, 10, "net")?;
            ws.write_string(r, 11, c.basis.word())?;
            ws.write_string(r, 12, c.mode.word())?;
            if let Some(cap) = c.cap {
                ws.write_number_with_format(r, 13, f64_of(cap), &f.money)?;
            }
            ws.write_string(r, 14, c.settle.word())?;
            ws.write_number_with_format(r, 15, c.due_days as f64, &f.int)?;
            ws.write_number_with_format(r, 16, c.grace_days as f64, &f.int)?;
            if let Some(d) = c.renewed_on {
                ws.write_datetime_with_format(r, 17, d.excel()?, &f.date)?;
            }
            ws.write_string(r, 18, c.invoice)?;
            if let Some(t) = c.tax_rate {
                ws.write_number_with_format(r, 19, f64_of(t), &f.pct0)?;
            }
            if let Some(li) = c.late_interest {
                ws.write_number_with_format(r, 20, f64_of(li), &f.pct2)?;
            }
            ws.write_string(r, 21, c.payout_kind)?;
            if let Some(rule) = clawbacks::rule(c.id) {
                ws.write_string(r, 22, rule)?;
            }
            if let Some(entity) = accruals::entity(c.id) {
                ws.write_string(r, 23, entity)?;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("tiers")?;
        write_header(ws, &f, &["contract_id", "from", "to", "rate", "amendment"])?;
        let mut r = 1u32;
        for c in cs {
            for t in &c.tiers {
                ws.write_string(r, 0, c.id)?;
                ws.write_number_with_format(r, 1, f64_of(t.from), &f.money)?;
                if let Some(to) = t.to {
                    ws.write_number_with_format(r, 2, f64_of(to), &f.money)?;
                }
                ws.write_number_with_format(r, 3, f64_of(t.rate), &f.pct0)?;
                r += 1;
            }
        }
        amendments::write_tier_rows(ws, &f, r)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("products")?;
        // Chinese header aliases on purpose (合同编号 / 产品 / 系数); products by their
        // canonical codes or by the provider's names (the contract's ruleset resolves them).
        write_header(ws, &f, &["合同编号", "产品", "系数"])?;
        let mut r = 1u32;
        for c in cs {
            for (p, coef) in &c.coeffs {
                ws.write_string(r, 0, c.id)?;
                ws.write_string(r, 1, c.naming.name(*p))?;
                ws.write_number(r, 2, f64_of(*coef))?;
                r += 1;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("schedule")?;
        write_header(
            ws,
            &f,
            &["contract_id", "installment", "trigger", "portion"],
        )?;
        let mut r = 1u32;
        for c in cs {
            for (i, (t, p)) in c.schedule.iter().enumerate() {
                ws.write_string(r, 0, c.id)?;
                ws.write_number(r, 1, (i + 1) as f64)?;
                ws.write_string(r, 2, t.word())?;
                ws.write_string(r, 3, p.text())?;
                r += 1;
            }
        }
    }
    amendments::write_sheet(&mut wb, &f)?;
    save(&mut wb, &root.join("contracts.xlsx"))
}

// ---------------------------------------------------------------------------------------
// docs/ARITHMETIC.md arithmetic
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
struct Span {
    start: Date,
    end: Date,
    year: usize,
}

fn contract_years(c: &Contract) -> Vec<Span> {
    let mut v = Vec::new();
    let mut k = 0;
    loop {
        let s = add_years(c.start, k);
        if s > c.end {
            break;
        }
        let e = add_years(c.start, k + 1).plus(-1).min(c.end);
        v.push(Span {
            start: s,
            end: e,
            year: k as usize,
        });
        k += 1;
    }
    v
}

fn periods(c: &Contract) -> Vec<Span> {
    let years = contract_years(c);
    match c.settle {
        Settle::Annual => years,
        Settle::Term => vec![Span {
            start: c.start,
            end: c.end,
            year: 0,
        }],
        Settle::Monthly | Settle::Transparent | Settle::Quarterly => {
            let step = if c.settle == Settle::Quarterly { 3 } else { 1 };
            let mut v = Vec::new();
            for y in &years {
                let (sy, sm, _) = y.start.parts();
                // calendar block containing the year start
                let first_m = if step == 3 { (sm - 1) / 3 * 3 + 1 } else { sm };
                let (mut by, mut bm) = (sy, first_m);
                loop {
                    let bs = Date::ymd(by, bm, 1);
                    if bs > y.end {
                        break;
                    }
                    let (ey, em) = add_months(by, bm, step - 1);
                    let be = Date::ymd(ey, em, days_in_month(ey, em));
                    v.push(Span {
                        start: bs.max(y.start),
                        end: be.min(y.end),
                        year: y.year,
                    });
                    (by, bm) = add_months(by, bm, step);
                }
            }
            v
        }
    }
}

fn tier_fn(c: &Contract, b: Decimal) -> Decimal {
    if b <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    match c.mode {
        Mode::Retroactive => {
            let t = c
                .tiers
                .iter()
                .find(|t| t.from <= b && t.to.is_none_or(|to| b < to))
                .expect("brackets cover [0, inf)");
            b * t.rate
        }
        Mode::Marginal => c
            .tiers
            .iter()
            .map(|t| {
                let top = t.to.map_or(b, |to| b.min(to));
                t.rate * (top - t.from).max(Decimal::ZERO)
            })
            .sum(),
    }
}

/// A covered billing line: (date used by the audit, weighted base).
type Weighted = (Date, Decimal);

fn scope_base(lines: &[Weighted], s: &Span, t: Date) -> Decimal {
    lines
        .iter()
        .filter(|(d, _)| *d >= s.start && *d <= s.end && *d <= t)
        .map(|(_, w)| *w)
        .sum()
}

fn earned(c: &Contract, lines: &[Weighted], t: Date) -> Decimal {
    if let Some(amended) = amendments::earned(c, lines, t) {
        return amended;
    }
    let capped = |x: Decimal| c.cap.map_or(x, |cap| x.min(cap));
    let term = Span {
        start: c.start,
        end: c.end,
        year: 0,
    };
    if c.basis == Basis::Term || (c.basis == Basis::Period && c.settle == Settle::Term) {
        return capped(r2(tier_fn(c, scope_base(lines, &term, t))));
    }
    let years = contract_years(c);
    let scopes: Vec<Span> = match c.basis {
        Basis::Period => periods(c),
        Basis::ContractYear => years.clone(),
        Basis::Term => unreachable!(),
    };
    years
        .iter()
        .map(|y| {
            capped(
                scopes
                    .iter()
                    .filter(|s| s.year == y.year)
                    .map(|s| r2(tier_fn(c, scope_base(lines, s, t))))
                    .sum(),
            )
        })
        .sum()
}

#[derive(Clone, Debug)]
struct Inst {
    contract: usize,
    pstart: Date,
    pend: Date,
    no: u32,
    trigger: Trigger,
    portion: Portion,
    w: Decimal,
    earned_end: Decimal,
    e_period: Decimal,
    e: Decimal,
    due: Option<Date>,
    allocs: Vec<(Date, String, Decimal)>,
}

impl Inst {
    fn paid(&self) -> Decimal {
        self.allocs.iter().map(|a| a.2).sum()
    }
}

fn installments(ci: usize, c: &Contract, lines: &[Weighted]) -> Vec<Inst> {
    let mut out = Vec::new();
    let mut prev = Decimal::ZERO;
    for p in periods(c) {
        let e_end = earned(c, lines, p.end);
        let e_p = e_end - prev;
        prev = e_end;
        let (e_period, e_p) = (e_p, clawbacks::payable(c.id, e_p));
        let w: Decimal = lines
            .iter()
            .filter(|(d, _)| *d >= p.start && *d <= p.end)
            .map(|(_, w)| *w)
            .sum();
        let mut left = e_p;
        for (i, (trig, portion)) in c.effective_schedule().into_iter().enumerate() {
            let amount = match portion {
                Portion::Pct(x) => r2(e_p * x),
                Portion::Pt(n) => r2(w * n / Decimal::from(100)).min(left).max(Decimal::ZERO),
                Portion::Rest => left,
            };
            left -= amount;
            let due = match trig {
                Trigger::Settlement if c.settle == Settle::Transparent => {
                    Some(p.end.month_end().plus(1).month_end())
                }
                Trigger::Settlement => Some(p.end.plus(c.due_days)),
                Trigger::Renewal => c.renewed_on.map(|r| p.end.max(r).plus(c.due_days)),
            };
            out.push(Inst {
                contract: ci,
                pstart: p.start,
                pend: p.end,
                no: (i + 1) as u32,
                trigger: trig,
                portion,
                w,
                earned_end: e_end,
                e_period,
                e: amount,
                due,
                allocs: Vec::new(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Payouts
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Payout {
    id: String,
    contract: String,
    paid_on: Date,
    amount: Decimal,
    currency: &'static str,
    kind: &'static str,
    period: Option<String>,
    installment: Option<u32>,
    inv_no: Option<String>,
    inv_date: Option<Date>,
    inv_amount: Option<Decimal>,
    inv_tax: Option<Decimal>,
    inv_type: Option<&'static str>,
    inv_issuer: Option<String>,
    /// the bank's reference of the transfer (only the demo's double booking has one)
    reference: Option<String>,
    /// (contract index, period start, installment) the payout was written for
    target: Option<(usize, Date, u32)>,
    /// deliberate mistake, if any
    mistake: Option<String>,
}

#[derive(Clone, Debug)]
enum Mistake {
    Unpaid,
    Underpaid(&'static str),
    Overpaid(&'static str),
    Late(i64),
    NoInvoice,
    InvoiceAmount(&'static str),
    TaxRate(&'static str),
    InvoiceType(&'static str),
    Issuer,
    DuplicateInvoiceOf(&'static str, Date, u32),
    LateInvoice(i64),
}

fn mistakes() -> Vec<(&'static str, Date, u32, Mistake)> {
    vec![
        ("TX-2025-002", Date::ymd(2025, 6, 1), 1, Mistake::Unpaid),
        (
            "ALI-2024-001",
            Date::ymd(2026, 4, 1),
            1,
            Mistake::Underpaid("3600.00"),
        ),
        (
            "HW-2024-003",
            Date::ymd(2024, 10, 1),
            1,
            Mistake::Overpaid("1800.00"),
        ),
        ("TX-2025-002", Date::ymd(2025, 8, 1), 1, Mistake::Late(24)),
        ("AZ-2025-004", Date::ymd(2025, 4, 1), 1, Mistake::NoInvoice),
        (
            "ALI-2024-001",
            Date::ymd(2025, 1, 1),
            1,
            Mistake::InvoiceAmount("96300.00"),
        ),
        (
            "HW-2024-003",
            Date::ymd(2025, 4, 1),
            1,
            Mistake::TaxRate("0.13"),
        ),
        (
            "AZ-2025-004",
            Date::ymd(2025, 7, 1),
            1,
            Mistake::InvoiceType("vat_general"),
        ),
        ("TX-2025-002", Date::ymd(2025, 4, 1), 1, Mistake::Issuer),
        (
            "ALI-2024-001",
            Date::ymd(2024, 10, 1),
            1,
            Mistake::DuplicateInvoiceOf("ALI-2024-001", Date::ymd(2024, 7, 1), 1),
        ),
        (
            "HW-2024-003",
            Date::ymd(2024, 7, 1),
            2,
            Mistake::LateInvoice(45),
        ),
    ]
}

/// Issuer tax id on the wrong-issuer invoice: the agent's sister company.
fn wrong_issuer() -> String {
    uscc("91440300", "MA5G2R7N")
}

fn period_ref(c: &Contract, i: &Inst) -> Option<String> {
    match c.pay_style {
        PayStyle::NoPeriod => None,
        PayStyle::Month => Some(ym(i.pstart.y(), i.pstart.m())),
        PayStyle::QuarterAndInstallment => {
            let q = (i.pstart.m() - 1) / 3 + 1;
            Some(format!("{}-Q{q}", i.pstart.y()))
        }
    }
}

fn make_payouts(cs: &[Contract], insts: &[Inst]) -> Vec<Payout> {
    let mut rng = Lcg(0x00c0_ffee_0001);
    let mut ms = mistakes();
    ms.extend(limitation::mistakes());
    let mut out: Vec<Payout> = Vec::new();
    for i in insts {
        let c = &cs[i.contract];
        if clawbacks::own(c.id) || projection::own(c.id) {
            continue;
        }
        let Some(due) = i.due else { continue };
        if i.e <= Decimal::ZERO {
            continue;
        }
        let mistake = ms
            .iter()
            .find(|m| m.0 == c.id && m.1 == i.pstart && m.2 == i.no)
            .map(|m| m.3.clone());
        if matches!(mistake, Some(Mistake::Unpaid)) {
            continue;
        }
        let offset = c.payout_kind == "offset";
        let mut paid_on = if offset {
            due.plus(-(rng.below(3) as i64))
        } else {
            due.plus(-(2 + rng.below(10) as i64))
                .max(i.pend.plus(5))
                .max(
                    c.renewed_on
                        .filter(|_| i.trigger == Trigger::Renewal)
                        .map_or(Date(i64::MIN), |r| r.plus(3)),
                )
        };
        let mut amount = i.e;
        let with_invoice = !offset && c.invoice != "none";
        let mut p = Payout {
            id: String::new(),
            contract: c.id.to_string(),
            paid_on,
            amount,
            currency: "CNY",
            kind: c.payout_kind,
            period: period_ref(c, i),
            installment: (c.pay_style == PayStyle::QuarterAndInstallment).then_some(i.no),
            inv_no: None,
            inv_date: None,
            inv_amount: None,
            inv_tax: None,
            inv_type: None,
            inv_issuer: None,
            reference: None,
            target: Some((i.contract, i.pstart, i.no)),
            mistake: None,
        };
        let mut inv_date = paid_on.plus(-(1 + rng.below(5) as i64));
        let inv_no = format!(
            "{:02}{}{:016}",
            paid_on.y() % 100,
            c.province,
            ((rng.next() << 31) | rng.next()) % 10_000_000_000_000_000
        );
        let mut inv_amount = amount;
        let mut inv_tax = c.tax_rate;
        let mut inv_type = c.invoice;
        let mut issuer = c.tax_id.clone();
        let mut has_invoice = with_invoice;
        match &mistake {
            None | Some(Mistake::Unpaid) | Some(Mistake::DuplicateInvoiceOf(..)) => {}
            Some(Mistake::Underpaid(s)) => {
                amount -= dec(s);
                inv_amount = amount;
            }
            Some(Mistake::Overpaid(s)) => {
                amount += dec(s);
                inv_amount = amount;
            }
            Some(Mistake::Late(d)) => {
                paid_on = due.plus(*d);
                inv_date = paid_on.plus(-2);
            }
            Some(Mistake::NoInvoice) => has_invoice = false,
            Some(Mistake::InvoiceAmount(s)) => inv_amount = dec(s),
            Some(Mistake::TaxRate(s)) => inv_tax = Some(dec(s)),
            Some(Mistake::InvoiceType(t)) => inv_type = t,
            Some(Mistake::Issuer) => issuer = wrong_issuer(),
            Some(Mistake::LateInvoice(d)) => inv_date = paid_on.plus(*d),
        }
        p.paid_on = paid_on;
        p.amount = amount;
        if has_invoice {
            p.inv_no = Some(inv_no);
            p.inv_date = Some(inv_date);
            p.inv_amount = Some(inv_amount);
            p.inv_tax = inv_tax;
            p.inv_type = Some(inv_type);
            p.inv_issuer = Some(issuer);
        }
        p.mistake = mistake.map(|m| format!("{m:?}"));
        out.push(p);
    }
    // duplicate invoice numbers
    for (cid, ps, no, m) in &ms {
        if let Mistake::DuplicateInvoiceOf(oc, ops, ono) = m {
            let ci = cs.iter().position(|c| c.id == *oc).expect("contract");
            let src_payout = out
                .iter_mut()
                .find(|p| p.target == Some((ci, *ops, *ono)))
                .expect("source payout");
            // the first payout is correct; it only shares its number with the next one
            src_payout.mistake = Some("InvoiceNumberReusedLater".into());
            let src = src_payout.inv_no.clone().expect("source invoice");
            let ti = cs.iter().position(|c| c.id == *cid).expect("contract");
            let p = out
                .iter_mut()
                .find(|p| p.target == Some((ti, *ps, *no)))
                .expect("target payout");
            p.inv_no = Some(src);
        }
    }
    // a payout naming a contract that does not exist (typo of ALI-2024-001)
    let a = &cs[0];
    out.push(Payout {
        id: String::new(),
        contract: "ALI-2024-010".into(),
        paid_on: Date::ymd(2025, 9, 12),
        amount: dec("8000.00"),
        currency: "CNY",
        kind: "cash",
        period: Some("2025-Q2".into()),
        installment: None,
        inv_no: Some("25330000000088812345".into()),
        inv_date: Some(Date::ymd(2025, 9, 10)),
        inv_amount: Some(dec("8000.00")),
        inv_tax: Some(dec("0.06")),
        inv_type: Some("vat_special"),
        inv_issuer: Some(a.tax_id.clone()),
        reference: None,
        target: None,
        mistake: Some("UnknownContract".into()),
    });
    out.sort_by(|x, y| (x.paid_on, &x.contract, x.target).cmp(&(y.paid_on, &y.contract, y.target)));
    for (n, p) in out.iter_mut().enumerate() {
        p.id = format!("RB-{:04}", n + 1);
    }
    // The double booking: TX-2025-002's March 2025 payout, booked again from the finance
    // ledger under its own id (same amount, date, reference and invoice), so matching
    // counts it twice (an overpayment, and its invoice number on two payouts).
    let tx = cs
        .iter()
        .position(|c| c.id == "TX-2025-002")
        .expect("TX contract");
    let first = out
        .iter_mut()
        .find(|p| p.target == Some((tx, Date::ymd(2025, 3, 1), 1)))
        .expect("TX March payout");
    first.reference = Some("CMB-20250412-7731".into());
    first.mistake = Some("BookedTwiceFirst".into());
    let mut again = first.clone();
    again.id = "ZZ-0001".into();
    again.target = None;
    again.mistake = Some("BookedTwice".into());
    out.push(again);
    out.extend(clawbacks::payouts(cs, insts));
    out
}

fn write_payouts(root: &Path, ps: &[Payout]) -> Res<()> {
    let f = fmts();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("payouts")?;
    let names = [
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "currency",
        "kind",
        "period",
        "installment",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_tax_rate",
        "invoice_type",
        "invoice_issuer",
        "reference",
    ];
    write_header(ws, &f, &names)?;
    ws.set_column_width(8, 24)?;
    ws.set_column_width(13, 22)?;
    for (i, p) in ps.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, &p.id)?;
        ws.write_string(r, 1, &p.contract)?;
        ws.write_datetime_with_format(r, 2, p.paid_on.excel()?, &f.date)?;
        ws.write_number_with_format(r, 3, f64_of(p.amount), &f.money)?;
        ws.write_string(r, 4, p.currency)?;
        ws.write_string(r, 5, p.kind)?;
        if let Some(per) = &p.period {
            ws.write_string(r, 6, per)?;
        }
        if let Some(n) = p.installment {
            ws.write_number(r, 7, n as f64)?;
        }
        if let Some(no) = &p.inv_no {
            ws.write_string(r, 8, no)?;
        }
        if let Some(d) = p.inv_date {
            ws.write_datetime_with_format(r, 9, d.excel()?, &f.date)?;
        }
        if let Some(a) = p.inv_amount {
            ws.write_number_with_format(r, 10, f64_of(a), &f.money)?;
        }
        if let Some(t) = p.inv_tax {
            ws.write_number_with_format(r, 11, f64_of(t), &f.pct0)?;
        }
        if let Some(t) = p.inv_type {
            ws.write_string(r, 12, t)?;
        }
        if let Some(s) = &p.inv_issuer {
            ws.write_string(r, 13, s)?;
        }
        if let Some(s) = &p.reference {
            ws.write_string(r, 14, s)?;
        }
    }
    save(&mut wb, &root.join("payouts.xlsx"))
}

// ---------------------------------------------------------------------------------------
// The agent's statement (docs/INPUTS.md, "Agent statements")
// ---------------------------------------------------------------------------------------

/// One row of the demo statement: contract, period, base, rate, rebate, payable, number.
struct StatementLine {
    contract: &'static str,
    period: &'static str,
    base: Decimal,
    rate: Decimal,
    rebate: Decimal,
    payable: Decimal,
    number: &'static str,
}

/// The agent's statement for ALI-2024-001's last two periods: 2026-Q1 as the contract
/// computes it, and 2026-04 without RDS — the base short by exactly RDS's weighted base,
/// which reproduces the 21,600.00 the ledger's RB-0043 paid. Checked here against the
/// billing lines and the installments, so the statement and the README cannot drift.
fn statement_lines(
    cs: &[Contract],
    lines: &[Line],
    insts: &[Inst],
) -> (Vec<StatementLine>, Decimal) {
    let c = &cs[0];
    assert_eq!(c.id, "ALI-2024-001");
    let inst = |start: Date| {
        insts
            .iter()
            .find(|i| i.contract == 0 && i.pstart == start)
            .expect("period")
    };
    let (q1, april) = (inst(Date::ymd(2026, 1, 1)), inst(Date::ymd(2026, 4, 1)));
    let rds: Decimal = lines
        .iter()
        .filter(|l| {
            l.bad_net.is_none()
                && l.product == Product::Rds
                && l.month == (2026, 4)
                && c.accounts.contains(&l.account.as_str())
        })
        .map(|l| l.net * c.coeff(Product::Rds))
        .sum();
    let rate = dec("0.18");
    let short = april.e - rds * rate;
    assert_eq!(
        short,
        april.paid(),
        "RDS left out reproduces what RB-0043 paid"
    );
    let lines = vec![
        StatementLine {
            contract: c.id,
            period: "2026-Q1",
            base: q1.w,
            rate,
            rebate: q1.e,
            payable: q1.e,
            number: "ZJYQ-JS-2026-01",
        },
        StatementLine {
            contract: c.id,
            period: "2026-04",
            base: april.w - rds,
            rate,
            rebate: short,
            payable: short,
            number: "ZJYQ-JS-2026-02",
        },
    ];
    (lines, rds)
}

/// `statements.xlsx`: the template with its Chinese headers, amounts as numbers.
fn write_statements(root: &Path, rows: &[StatementLine]) -> Res<()> {
    let f = fmts();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("结算单")?;
    let names = [
        "合同编号",
        "结算期间",
        "计算基数",
        "返点比例",
        "返点金额",
        "扣减金额",
        "应付金额",
        "币种",
        "结算单号",
    ];
    write_header(ws, &f, &names)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(8, 18)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, row.contract)?;
        ws.write_string(r, 1, row.period)?;
        ws.write_number_with_format(r, 2, f64_of(row.base), &f.money)?;
        ws.write_number_with_format(r, 3, f64_of(row.rate), &f.pct0)?;
        ws.write_number_with_format(r, 4, f64_of(row.rebate), &f.money)?;
        ws.write_number_with_format(r, 6, f64_of(row.payable), &f.money)?;
        ws.write_string(r, 7, "CNY")?;
        ws.write_string(r, 8, row.number)?;
    }
    save(&mut wb, &root.join("statements.xlsx"))
}

/// The README's section on the agent's statement, appended to what `write_readme` wrote.
fn statement_section(
    root: &Path,
    mut readme: String,
    rows: &[StatementLine],
    rds: Decimal,
) -> Res<String> {
    let april = &rows[1];
    readme.push_str(
        "\n## The agent's statement\n\n\
         `statements.xlsx` is the agent's own statement (结算单) for ALI-2024-001's last two \
         periods, in the template of docs/INPUTS.md with its Chinese headers. It is not read \
         by the demo command above (nor listed in `expected.json`); `samples/audit.toml` reads \
         it, and so does\n\n\
         ```sh\n\
         cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    \
         --payouts samples/payouts.xlsx --statements samples/statements.xlsx --as-of 2026-06-30 --out audit-out\n\
         ```\n\n\
         | statement no. | period | base | rate | rebate | payable |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for row in rows {
        readme.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.number,
            row.period,
            grp(row.base),
            pct(row.rate),
            grp(row.rebate),
            grp(row.payable)
        ));
    }
    readme.push_str(&format!(
        "\n2026-Q1 agrees with the recomputation. 2026-04 leaves RDS out: its base is short by \
         exactly RDS's weighted base in April 2026 ({}: net × 0.5), so the tier volume is that \
         much lower and the rebate comes to {} instead of {} — what RB-0043 paid. The run adds \
         one finding, `statement_mismatch` on ALI-2024-001 2026-04-01 .. 2026-04-30 (expected \
         {}, paid {}, difference {}), naming base, rebate and payable beside the recomputed \
         figures and the likely cause `product_left_out` (rds, {}); the statement's totals \
         match payouts of the ledger, so there is no `statement_unpaid`.\n",
        grp(rds),
        grp(april.rebate),
        grp(april.rebate + rds * april.rate),
        grp(april.rebate + rds * april.rate),
        grp(april.payable),
        grp(april.payable - (april.rebate + rds * april.rate)),
        grp(rds),
    ));
    fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}

// ---------------------------------------------------------------------------------------
// docs/ARITHMETIC.md reconciliation (independent re-implementation, only to prove the demo data)
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, Default)]
struct Finding {
    ftype: &'static str,
    reason: Option<&'static str>,
    contract: String,
    period: Option<(Date, Date)>,
    installment: Option<u32>,
    payout: Option<String>,
    expected: Option<Decimal>,
    paid: Option<Decimal>,
    difference: Option<Decimal>,
    due_on: Option<Date>,
    paid_on: Option<Date>,
    days_late: Option<i64>,
    interest: Option<Decimal>,
    amount: Option<Decimal>,
}

fn ref_range(s: &str) -> Option<(Date, Date)> {
    if let Some((y, q)) = s.split_once("-Q") {
        let (y, q): (i64, i64) = (y.parse().ok()?, q.parse().ok()?);
        let s = Date::ymd(y, (q - 1) * 3 + 1, 1);
        return Some((s, Date::ymd(y, q * 3, days_in_month(y, q * 3))));
    }
    let parts: Vec<i64> = s
        .split('-')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [y] => Some((Date::ymd(y, 1, 1), Date::ymd(y, 12, 31))),
        [y, m] => Some((Date::ymd(y, m, 1), Date::ymd(y, m, days_in_month(y, m)))),
        [y, m, d] => Some((Date::ymd(y, m, d), Date::ymd(y, m, d))),
        _ => None,
    }
}

fn reconcile(cs: &[Contract], insts: &mut [Inst], payouts: &[Payout], as_of: Date) -> Vec<Finding> {
    let tol = dec("0.01");
    let mut findings = Vec::new();
    let mut order: Vec<&Payout> = payouts.iter().collect();
    order.sort_by(|a, b| {
        (a.period.is_none(), a.paid_on, &a.id).cmp(&(b.period.is_none(), b.paid_on, &b.id))
    });
    for p in order {
        let Some(ci) = cs.iter().position(|c| c.id == p.contract) else {
            findings.push(Finding {
                ftype: "unmatched_payout",
                reason: Some("contract"),
                contract: p.contract.clone(),
                payout: Some(p.id.clone()),
                paid: Some(p.amount),
                paid_on: Some(p.paid_on),
                ..Default::default()
            });
            continue;
        };
        assert_eq!(p.currency, "CNY");
        let mut left = p.amount;
        let mut last: Option<usize> = None;
        let candidates: Vec<usize> = if let Some(per) = &p.period {
            let (rs, re) = ref_range(per).expect("period ref");
            let first = insts
                .iter()
                .filter(|i| i.contract == ci && i.pstart <= re && i.pend >= rs)
                .map(|i| i.pstart)
                .min()
                .expect("period exists");
            let mut v: Vec<usize> = (0..insts.len())
                .filter(|&k| insts[k].contract == ci && insts[k].pstart == first)
                .collect();
            if let Some(no) = p.installment {
                v.retain(|&k| insts[k].no == no);
                assert_eq!(v.len(), 1, "installment exists");
                // everything goes to that installment
                insts[v[0]].allocs.push((p.paid_on, p.id.clone(), left));
                continue;
            }
            v
        } else {
            let mut v: Vec<usize> = (0..insts.len())
                .filter(|&k| insts[k].contract == ci)
                .collect();
            v.sort_by_key(|&k| {
                (
                    insts[k].due.is_none(),
                    insts[k].due,
                    insts[k].pstart,
                    insts[k].no,
                )
            });
            v
        };
        for &k in &candidates {
            let open = insts[k].e - insts[k].paid();
            if open > Decimal::ZERO && left > Decimal::ZERO {
                let take = open.min(left);
                insts[k].allocs.push((p.paid_on, p.id.clone(), take));
                left -= take;
                last = Some(k);
            }
        }
        if left > Decimal::ZERO {
            let target = last.or_else(|| p.period.as_ref().and(candidates.last().copied()));
            match target {
                Some(k) => insts[k].allocs.push((p.paid_on, p.id.clone(), left)),
                None => findings.push(Finding {
                    ftype: "overpaid",
                    contract: p.contract.clone(),
                    payout: Some(p.id.clone()),
                    paid: Some(left),
                    ..Default::default()
                }),
            }
        }
    }

    for i in insts.iter_mut() {
        i.allocs.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let c = &cs[i.contract];
        let paid = i.paid();
        let base = Finding {
            contract: c.id.to_string(),
            period: Some((i.pstart, i.pend)),
            installment: Some(i.no),
            expected: Some(i.e),
            paid: Some(paid),
            difference: Some(paid - i.e),
            due_on: i.due,
            ..Default::default()
        };
        if paid > i.e.max(Decimal::ZERO) + tol {
            findings.push(Finding {
                ftype: "overpaid",
                paid_on: i.allocs.last().map(|a| a.0),
                ..base.clone()
            });
        } else if let Some(due) = i.due {
            let deadline = due.plus(c.grace_days);
            if i.e > Decimal::ZERO && paid < i.e - tol && as_of > deadline {
                let days = as_of.0 - due.0;
                findings.push(Finding {
                    ftype: if paid.is_zero() {
                        "unpaid"
                    } else {
                        "underpaid"
                    },
                    days_late: Some(days),
                    interest: Some(r2((i.e - paid) * c.late_rate() * Decimal::from(days))),
                    paid_on: i.allocs.last().map(|a| a.0),
                    ..base.clone()
                });
            } else if i.e > Decimal::ZERO && paid >= i.e - tol {
                let mut run = Decimal::ZERO;
                let mut completion = None;
                for a in &i.allocs {
                    run += a.2;
                    if run >= i.e - tol {
                        completion = Some(a.0);
                        break;
                    }
                }
                let completion = completion.expect("fully paid");
                if completion > deadline {
                    let interest: Decimal = i
                        .allocs
                        .iter()
                        .filter(|a| a.0 > deadline)
                        .map(|a| a.2 * c.late_rate() * Decimal::from(a.0.0 - due.0))
                        .sum();
                    findings.push(Finding {
                        ftype: "late",
                        days_late: Some(completion.0 - due.0),
                        interest: Some(r2(interest)),
                        paid_on: Some(completion),
                        ..base.clone()
                    });
                }
            }
        }
        if i.e < Decimal::ZERO {
            findings.push(Finding {
                ftype: "clawback",
                ..base
            });
        }
    }

    // invoices
    let mut by_no: BTreeMap<&str, usize> = BTreeMap::new();
    for p in payouts {
        if let Some(n) = &p.inv_no {
            *by_no.entry(n).or_default() += 1;
        }
    }
    for p in payouts {
        let Some(c) = cs.iter().find(|c| c.id == p.contract) else {
            continue;
        };
        if p.kind != "cash" || c.invoice == "none" {
            continue;
        }
        let mk = |reason: &'static str| Finding {
            ftype: "mis_invoiced",
            reason: Some(reason),
            contract: c.id.to_string(),
            payout: Some(p.id.clone()),
            paid: Some(p.amount),
            paid_on: Some(p.paid_on),
            ..Default::default()
        };
        let Some(no) = &p.inv_no else {
            findings.push(mk("missing"));
            continue;
        };
        if p.inv_amount.is_some_and(|a| (a - p.amount).abs() > tol) {
            findings.push(mk("amount"));
        }
        if let (Some(t), Some(e)) = (p.inv_tax, c.tax_rate)
            && t != e
        {
            findings.push(mk("tax_rate"));
        }
        if p.inv_type.is_some_and(|t| t != c.invoice) {
            findings.push(mk("type"));
        }
        if p.inv_issuer.as_ref().is_some_and(|s| *s != c.tax_id) {
            findings.push(mk("issuer"));
        }
        if p.inv_date.is_some_and(|d| d.0 - p.paid_on.0 > 30) {
            findings.push(mk("late_invoice"));
        }
        if by_no[no.as_str()] > 1 {
            findings.push(mk("duplicate"));
        }
    }
    findings.extend(duplicate_payouts(cs, insts, payouts));
    let claims: Vec<Finding> = findings
        .iter()
        .filter(|f| f.ftype == "unpaid" || f.ftype == "underpaid")
        .filter(|f| {
            limitation_years(&cs[cs.iter().position(|c| c.id == f.contract).unwrap()]).is_some()
        })
        .map(|f| {
            let due = f.due_on.expect("a due payment");
            let expires = plus_years(due, 3);
            let left = expires.0 - as_of.0;
            Finding {
                ftype: "limitation",
                reason: Some(if left < 0 {
                    "expired"
                } else if left <= 180 {
                    "expiring"
                } else {
                    "running"
                }),
                paid_on: None,
                days_late: None,
                interest: None,
                ..f.clone()
            }
        })
        // the shipped rulesets report running claims only with `all_claims = true`
        .filter(|f| f.reason != Some("running"))
        .collect();
    findings.extend(claims);
    findings
}

/// The shipped rulesets with a `[limitation]` table (PRC Civil Code art. 188, 3 years):
/// those of the Chinese clouds; Azure's has none.
fn limitation_years(c: &Contract) -> Option<i64> {
    matches!(c.provider, "aliyun" | "tencent" | "huawei").then_some(3)
}

/// The same month and day `years` later, or that month's last day (29 February).
fn plus_years(d: Date, years: i64) -> Date {
    let (y, m, day) = d.parts();
    Date::ymd(y + years, m, day.min(days_in_month(y + years, m)))
}

/// docs/ARITHMETIC.md, "Duplicate payouts": a later payout (by date, then id) with the same
/// contract, amount, date and reference as an earlier one. The demo's one double booking
/// names its installment and finds it paid, so without it the installment is paid and the
/// whole amount is the overpayment.
fn duplicate_payouts(cs: &[Contract], insts: &[Inst], payouts: &[Payout]) -> Vec<Finding> {
    let mut order: Vec<&Payout> = payouts.iter().collect();
    order.sort_by(|a, b| (a.paid_on, &a.id).cmp(&(b.paid_on, &b.id)));
    let mut found = Vec::new();
    for (k, p) in order.iter().enumerate() {
        let Some(reference) = &p.reference else {
            continue;
        };
        let repeats = order[..k].iter().any(|q| {
            q.contract == p.contract
                && q.amount == p.amount
                && q.paid_on == p.paid_on
                && q.reference.as_ref() == Some(reference)
        });
        if !repeats || !cs.iter().any(|c| c.id == p.contract) {
            continue;
        }
        let reached = insts
            .iter()
            .find(|i| i.allocs.iter().any(|a| a.1 == p.id))
            .expect("the double booking lands on its installment");
        found.push(Finding {
            ftype: "duplicate_payout",
            reason: Some("same_booking"),
            contract: p.contract.clone(),
            period: Some((reached.pstart, reached.pend)),
            installment: Some(reached.no),
            payout: Some(p.id.clone()),
            paid: Some(p.amount),
            paid_on: Some(p.paid_on),
            amount: Some(p.amount),
            ..Default::default()
        });
    }
    found
}

// ---------------------------------------------------------------------------------------
// Audit of the billing lines (coverage, exclusions, control totals)
// ---------------------------------------------------------------------------------------

#[derive(Default, Clone)]
struct FileTotals {
    rows: usize,
    amount_read: Decimal,
    attributed_rows: usize,
    attributed_amount: Decimal,
    uncovered_rows: usize,
    uncovered_amount: Decimal,
    currency_rows: usize,
    currency_amount: Decimal,
    rejected_rows: usize,
}

struct BillingAudit {
    /// per contract: covered lines (date, weighted base)
    weighted: Vec<Vec<Weighted>>,
    /// per contract and month: (net, weighted)
    monthly: Vec<BTreeMap<(i64, i64), (Decimal, Decimal)>>,
    /// per table: (file, zip part)
    per_table: BTreeMap<(usize, usize), FileTotals>,
    uncovered: BTreeMap<(String, (i64, i64)), (usize, Decimal)>,
    /// (file, part, row, raw text)
    rejected: Vec<(usize, usize, usize, &'static str)>,
    /// (file, part, row, currency, net)
    mismatched: Vec<(usize, usize, usize, String, Decimal)>,
}

fn audit_billing(cs: &[Contract], files: &[BFile], lines: &[Line]) -> BillingAudit {
    let mut a = BillingAudit {
        weighted: vec![Vec::new(); cs.len()],
        monthly: vec![BTreeMap::new(); cs.len()],
        per_table: BTreeMap::new(),
        uncovered: BTreeMap::new(),
        rejected: Vec::new(),
        mismatched: Vec::new(),
    };
    for (fi, f) in files.iter().enumerate() {
        for part in 0..f.parts {
            a.per_table.insert((fi, part), FileTotals::default());
        }
    }
    for l in lines {
        let ft = a.per_table.get_mut(&(l.file, l.part)).expect("table");
        ft.rows += 1;
        if let Some(raw) = l.bad_net {
            ft.rejected_rows += 1;
            a.rejected.push((l.file, l.part, l.row, raw));
            continue;
        }
        ft.amount_read += l.net;
        // every layout dates its lines (docs/ARITHMETIC.md: the charge date, else the billing month's
        // first day)
        let date = l.charge_date;
        let covering: Vec<usize> = (0..cs.len())
            .filter(|&ci| {
                cs[ci].accounts.contains(&l.account.as_str())
                    && date >= cs[ci].start
                    && date <= cs[ci].end
            })
            .collect();
        assert!(covering.len() <= 1, "no overlapping contracts in the demo");
        match covering.first() {
            None => {
                assert!(
                    !cs.iter().any(|c| c.accounts.contains(&l.account.as_str())),
                    "every covered account's lines fall inside its term"
                );
                ft.uncovered_rows += 1;
                ft.uncovered_amount += l.net;
                let e = a.uncovered.entry((l.account.clone(), l.month)).or_default();
                e.0 += 1;
                e.1 += l.net;
            }
            Some(_) if l.currency != "CNY" => {
                ft.currency_rows += 1;
                ft.currency_amount += l.net;
                a.mismatched
                    .push((l.file, l.part, l.row, l.currency.to_string(), l.net));
            }
            Some(&ci) => {
                ft.attributed_rows += 1;
                ft.attributed_amount += l.net;
                let w = l.net * cs[ci].coeff(l.product);
                a.weighted[ci].push((date, w));
                let m = a.monthly[ci].entry(l.month).or_default();
                m.0 += l.net;
                m.1 += w;
            }
        }
    }
    a
}

// ---------------------------------------------------------------------------------------
// README
// ---------------------------------------------------------------------------------------

fn span_text(s: Date, e: Date) -> String {
    format!("{} .. {}", s.iso(), e.iso())
}

fn opt_money(x: Option<Decimal>) -> String {
    x.map_or("—".into(), grp)
}

fn tier_text(c: &Contract) -> String {
    c.tiers
        .iter()
        .map(|t| {
            format!(
                "[{}, {}) {}",
                grp(t.from).trim_end_matches(".00"),
                t.to.map_or("∞".into(), |x| grp(x).trim_end_matches(".00").to_string()),
                pct(t.rate)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn status(c: &Contract, i: &Inst, findings: &[Finding], as_of: Date) -> String {
    if let Some(f) = findings.iter().find(|f| {
        f.contract == c.id
            && f.period == Some((i.pstart, i.pend))
            && f.installment == Some(i.no)
            && f.payout.is_none()
    }) {
        return f.ftype.to_string();
    }
    if i.e.is_zero() && i.paid().is_zero() {
        return "nothing due".into();
    }
    match i.due {
        None => "conditional".into(),
        Some(d) if i.paid() < i.e && as_of <= d.plus(c.grace_days) => "open".into(),
        Some(_) => "paid".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn write_readme(
    root: &Path,
    cs: &[Contract],
    files: &[BFile],
    lines: &[Line],
    audit: &BillingAudit,
    insts: &[Inst],
    payouts: &[Payout],
    findings: &[Finding],
    as_of: Date,
) -> Res<String> {
    let mut s = String::new();
    let w = &mut s;
    writeln!(w, "# rebate-audit demo data")?;
    writeln!(w)?;
    writeln!(
        w,
        "Everything in this folder — including this README and every number in it — is written by \
         `tools/make-samples` (`cargo run -p make-samples` from the repository root). The program \
         generates the billing lines, then recomputes every installment with exact decimals straight \
         from docs/ARITHMETIC.md and reconciles the payout ledger per docs/ARITHMETIC.md, and refuses to write the README \
         unless exactly the intended findings come out. Do not edit these files by hand; change the \
         generator and re-run it. The output is byte-identical from run to run."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Demo audit (from the repository root; reports go to `audit-out/`):"
    )?;
    writeln!(w)?;
    writeln!(w, "```sh")?;
    writeln!(
        w,
        "cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    --payouts samples/payouts.xlsx --as-of {} --out audit-out",
        as_of.iso()
    )?;
    writeln!(w, "```")?;
    writeln!(w)?;
    writeln!(
        w,
        "It exits with status 1, because the demo contains findings at warning level and above. \
         The same expectations are in `expected.json` (every installment, every finding with the \
         fields that identify and quantify it, and the control totals per table), and \
         `cargo test --test it demo::` runs the auditor on this folder and compares its `findings.json` \
         with them."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Every billing file is in a provider's real export layout, as a user downloads it from \
         the cloud console, the bill subscription or Cost Management — none uses the generic \
         template — with fictitious accounts, ids and names (the layouts are the \
         providers' documented layouts, see docs/INPUTS.md; nobody's real bill is reproduced). \
         The auditor recognises \
         each table by its header and reads it through its provider's ruleset; products arrive \
         as provider codes and console names (`ecs`, `hws.service.type.ec2`, `云服务器`, \
         `Virtual Machines`, `Elastic Compute Service`, …) and are normalised by the rulesets' \
         aliases."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Assumptions behind the expected \
         numbers: rounding half away from zero to cents, tolerance 0.01, invoice window 30 days \
         (the documented defaults); `grace_days` is set explicitly on every contract, and every product a \
         contract buys is listed with an explicit coefficient in the `products` sheet — by its \
         canonical code (`ecs`, `oss`, `rds`, `slb`) or by the provider's name for it, which the \
         contract's ruleset resolves (Tencent's `云服务器`, Azure's `Virtual Machines`) — so the \
         only ruleset default that counts is the one for marketplace sales, which the rulesets \
         weigh 0 (one 云市场 line of ALI-2025-005 relies on it). `ruleset` is blank, so each \
         contract uses its provider's ruleset."
    )?;
    writeln!(w)?;

    // files
    writeln!(w, "## Files")?;
    writeln!(w)?;
    writeln!(w, "| file | rows | what |")?;
    writeln!(w, "|---|---:|---|")?;
    writeln!(
        w,
        "| `contracts.xlsx` | {} contracts | sheets `contracts`, `tiers`, `products` (headers in Chinese: 合同编号 / 产品 / 系数; products by code or provider name), `schedule`; dates are real Excel dates, rates are numbers formatted as percentages, `10pt` is text |",
        cs.len()
    )?;
    for (fi, f) in files.iter().enumerate() {
        let rows: usize = (0..f.parts).map(|p| audit.per_table[&(fi, p)].rows).sum();
        let members = if f.kind == FileKind::Zip {
            format!(
                " Members: {}.",
                (0..f.parts)
                    .map(|p| format!(
                        "`{}` ({} rows)",
                        f.member_name(p),
                        audit.per_table[&(fi, p)].rows
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        writeln!(
            w,
            "| `{}` | {} | {}: {}; {}.{} |",
            f.path,
            rows,
            f.encoding(),
            f.layout.describe(),
            f.note,
            members
        )?;
    }
    writeln!(
        w,
        "| `payouts.xlsx` | {} | payout ledger (docs/INPUTS.md), one row per payout received |",
        payouts.len()
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Billing rows in total: {} (header, title and totals rows not counted). Where a layout \
         has a list amount, it is consistent with the net amount (原价 − 优惠金额 = 应付金额; \
         官网价 − 优惠金额 − 抹零金额 = 应付金额; Tencent's `Discount` is a rate, Original Cost × \
         Discount = Total Amount After Discount; Azure MCA's paygCostInBillingCurrency and FOCUS's \
         ListCost are the list prices, without a discount column; Azure EA has no list amount); \
         vouchers and coupons are the part of the net \
         paid with them and are informational (all contracts use `base = net`). Refunds are \
         written positive in some files and negative in others, as the providers' documentation \
         leaves open; the order type says they are refunds (退款, Refund, 包年包月退费, \
         退款-退订, chargeType `Refund`), so they count negative either way, and FOCUS credits \
         are negative rows. Each refund is balanced by another line of the same month, so the \
         monthly totals below stay round.",
        lines.len()
    )?;
    writeln!(w)?;

    // contracts
    for (ci, c) in cs.iter().enumerate() {
        writeln!(w, "## {} — {}", c.id, c.customer)?;
        writeln!(w)?;
        writeln!(w, "{}", c.mechanics)?;
        amendments::readme(w, c)?;
        writeln!(w)?;
        writeln!(w, "| term | value |")?;
        writeln!(w, "|---|---|")?;
        writeln!(w, "| agent | {} (`{}`) |", c.agent, c.tax_id)?;
        writeln!(w, "| provider | {} |", c.provider)?;
        writeln!(
            w,
            "| accounts | {} |",
            c.accounts
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(w, "| term | {} |", span_text(c.start, c.end))?;
        writeln!(
            w,
            "| base / tier_basis / tier_mode | net / {} / {} |",
            c.basis.word(),
            c.mode.word()
        )?;
        writeln!(w, "| tiers | {} |", tier_text(c))?;
        writeln!(w, "| cap | {} |", opt_money(c.cap))?;
        writeln!(
            w,
            "| settlement / due_days / grace_days | {} / {} / {} |",
            c.settle.word(),
            c.due_days,
            c.grace_days
        )?;
        writeln!(
            w,
            "| renewed_on | {} |",
            c.renewed_on.map_or("— (not renewed)".into(), |d| d.iso())
        )?;
        writeln!(
            w,
            "| invoice / tax_rate | {} / {} |",
            c.invoice,
            c.tax_rate.map_or("—".into(), pct)
        )?;
        writeln!(
            w,
            "| late_interest (per day) | {} |",
            c.late_interest.map_or("— (0)".into(), pct)
        )?;
        writeln!(w, "| payout_kind | {} |", c.payout_kind)?;
        writeln!(
            w,
            "| coefficients | {} |",
            c.coeffs
                .iter()
                .map(|(p, k)| {
                    let name = c.naming.name(*p);
                    if name == p.code() {
                        format!("`{name}` {}", k.normalize())
                    } else {
                        format!("`{name}` (= `{}`) {}", p.code(), k.normalize())
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(
            w,
            "| schedule | {} |",
            c.effective_schedule()
                .iter()
                .enumerate()
                .map(|(i, (t, p))| format!("{}: {} {}", i + 1, t.word(), p.text()))
                .collect::<Vec<_>>()
                .join("; ")
                + if c.schedule.is_empty() {
                    " (default, no rows in `schedule`)"
                } else {
                    ""
                }
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "Monthly totals of the covered billing lines (net as billed, weighted = net × coefficient):"
        )?;
        writeln!(w)?;
        writeln!(w, "| month | net | weighted base |")?;
        writeln!(w, "|---|---:|---:|")?;
        let mut tot = (Decimal::ZERO, Decimal::ZERO);
        for ((y, m), (net, wb)) in &audit.monthly[ci] {
            writeln!(w, "| {} | {} | {} |", ym(*y, *m), grp(*net), grp(*wb))?;
            tot.0 += net;
            tot.1 += wb;
        }
        writeln!(w, "| **total** | **{}** | **{}** |", grp(tot.0), grp(tot.1))?;
        writeln!(w)?;
        writeln!(
            w,
            "Expected installments (W = period's weighted base, Earned = Earned(period end), \
             E_p = Earned(end_p) − Earned(end_p−1)):"
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "| period | inst | trigger / portion | W | Earned | E_p | expected | due_on | paid | status |"
        )?;
        writeln!(w, "|---|---:|---|---:|---:|---:|---:|---|---:|---|")?;
        let mut sum_e = Decimal::ZERO;
        let mut sum_p = Decimal::ZERO;
        for i in insts.iter().filter(|i| i.contract == ci) {
            let first = i.no == 1;
            writeln!(
                w,
                "| {} | {} | {} {} | {} | {} | {} | {} | {} | {} | {} |",
                span_text(i.pstart, i.pend),
                i.no,
                i.trigger.word(),
                i.portion.text(),
                if first { grp(i.w) } else { "″".into() },
                if first {
                    grp(i.earned_end)
                } else {
                    "″".into()
                },
                if first { grp(i.e_period) } else { "″".into() },
                grp(i.e),
                i.due.map_or("— (conditional)".into(), |d| d.iso()),
                grp(i.paid()),
                status(c, i, findings, as_of)
            )?;
            sum_e += i.e;
            sum_p += i.paid();
        }
        writeln!(
            w,
            "| **total** | | | | | | **{}** | | **{}** | |",
            grp(sum_e),
            grp(sum_p)
        )?;
        writeln!(w)?;
        if c.basis == Basis::ContractYear && c.mode == Mode::Retroactive {
            let rate = |b: Decimal| {
                c.tiers
                    .iter()
                    .find(|t| t.from <= b && t.to.is_none_or(|to| b < to))
                    .map_or(Decimal::ZERO, |t| t.rate)
            };
            for y in contract_years(c) {
                let mut before = Decimal::ZERO;
                for p in periods(c).iter().filter(|p| p.year == y.year) {
                    let after = scope_base(&audit.weighted[ci], &y, p.end);
                    let (r0, r1) = (rate(before), rate(after));
                    if before > Decimal::ZERO && r1 > r0 {
                        writeln!(
                            w,
                            "- Catch-up in {}: the contract-year base goes from {} to {} and \
                             crosses into {}; E_p = {} × {} − {} (earned so far) = {}, of which \
                             ({} − {}) × {} = {} is the catch-up on the earlier volume.",
                            span_text(p.start, p.end),
                            grp(before),
                            grp(after),
                            pct(r1),
                            pct(r1),
                            grp(after),
                            grp(r2(before * r0)),
                            grp(r2(after * r1) - r2(before * r0)),
                            pct(r1),
                            pct(r0),
                            grp(before),
                            grp(r2((r1 - r0) * before)),
                        )?;
                    }
                    before = after;
                }
            }
            writeln!(w)?;
        }
    }

    // deliberate errors
    writeln!(
        w,
        "## Deliberately wrong payouts and the findings they must produce"
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "All other payouts are correct and on time. Money columns are the finding's `expected`, \
         `paid`, `difference` (= paid − expected); `days_late` and `interest` as docs/ARITHMETIC.md \
         (unpaid/underpaid: as_of − due_on and shortfall × rate × days; late: completion − due_on \
         and amount × rate × (paid_on − due_on)). For payment findings `paid_on` is the date of the \
         last payment allocated to the installment (for `late`: the completion date). “—” = null / \
         not applicable (an `overpaid` finding has no lateness and no interest). The payout_id column \
         of a payment finding names the payouts allocated to the installment, for reference; the \
         finding itself is about the installment and its `payout_id` is null."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| # | payout_id | contract | period | inst | what is wrong | finding | reason | expected | paid | difference | due_on | paid_on | days_late | interest |"
    )?;
    writeln!(
        w,
        "|---:|---|---|---|---:|---|---|---|---:|---:|---:|---|---|---:|---:|"
    )?;
    let mut n = 0;
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| {
        (
            f.ftype == "mis_invoiced" || f.ftype == "unmatched_payout",
            f.payout.clone(),
            f.contract.clone(),
            f.period,
            f.installment,
        )
    });
    for f in order {
        n += 1;
        let payout = f.payout.clone().or_else(|| {
            // the payout(s) allocated to the installment
            let i = insts.iter().find(|i| {
                cs[i.contract].id == f.contract
                    && Some((i.pstart, i.pend)) == f.period
                    && Some(i.no) == f.installment
            })?;
            let ids: BTreeSet<&str> = i.allocs.iter().map(|a| a.1.as_str()).collect();
            Some(ids.into_iter().collect::<Vec<_>>().join(", "))
        });
        let what = explain(f, payouts, cs);
        writeln!(
            w,
            "| {n} | {} | {} | {} | {} | {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            payout.filter(|s| !s.is_empty()).unwrap_or("—".into()),
            f.contract,
            f.period.map_or("—".into(), |(a, b)| span_text(a, b)),
            f.installment.map_or("—".into(), |x| x.to_string()),
            what,
            f.ftype,
            f.reason.unwrap_or("—"),
            opt_money(f.expected),
            opt_money(f.paid),
            opt_money(f.difference),
            f.due_on.map_or("—".into(), |d| d.iso()),
            f.paid_on.map_or("—".into(), |d| d.iso()),
            f.days_late.map_or("—".into(), |d| d.to_string()),
            opt_money(f.interest),
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "No `clawback` is expected (no installment has a negative expectation), and no payment \
         finding on any other installment. The renewal installments of AZ-2025-004 are \
         `conditional` (not renewed), not unpaid."
    )?;
    writeln!(w)?;

    // data quality
    writeln!(w, "## Data-quality findings")?;
    writeln!(w)?;
    writeln!(w, "| finding | where | detail |")?;
    writeln!(w, "|---|---|---|")?;
    for (fi, part, row, raw) in &audit.rejected {
        assert_eq!(*part, 0, "rejected rows are in plain files");
        writeln!(
            w,
            "| `rejected_row` | `{}` row {row}, column `{}` | `{raw}` is not an amount; the row is not counted |",
            files[*fi].path,
            files[*fi].layout.net_column()
        )?;
    }
    for (fi, part, row, cur, amt) in &audit.mismatched {
        assert_eq!(*part, 0, "mismatched rows are in plain files");
        let l = lines
            .iter()
            .find(|l| l.file == *fi && l.row == *row)
            .expect("mismatched line");
        let c = cs
            .iter()
            .find(|c| c.accounts.contains(&l.account.as_str()))
            .expect("covered account");
        writeln!(
            w,
            "| `currency_mismatch` | `{}` row {row} | {} {} on {}'s account `{}` (contract currency CNY); left out |",
            files[*fi].path,
            grp(*amt),
            cur,
            c.id,
            l.account
        )?;
    }
    for ((acct, (y, m)), (rows, amt)) in &audit.uncovered {
        writeln!(
            w,
            "| `uncovered_billing` (info) | account `{acct}`, {} | {rows} rows, net {} — no contract covers this account |",
            ym(*y, *m),
            grp(*amt)
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "No `unknown_product` is expected (every product is billed under a code or name the \
         provider's ruleset, or the generic one, aliases), no `overlapping_contracts`, and no \
         other rejected row: title rows above a header and the `合计` row are recognised as such."
    )?;
    writeln!(w)?;

    // control totals
    writeln!(w, "## Control totals per billing table (net amount)")?;
    writeln!(w)?;
    let titled: Vec<String> = files
        .iter()
        .filter(|f| !f.title.is_empty() || f.totals_row)
        .map(|f| {
            format!(
                "`{}` has {} row(s) above its header{}",
                f.path,
                f.title.len(),
                if f.totals_row {
                    " and a `合计` row, which states the amount read and so must raise no \
                     `totals_mismatch`"
                } else {
                    ""
                }
            )
        })
        .collect();
    writeln!(
        w,
        "One table per CSV file, workbook sheet or zip member, as the auditor reports them. \
         Rows are billing rows: the header, the rows above it and a totals row are not counted \
         ({}).",
        titled.join("; ")
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| table | rows | amount read | attributed rows | attributed | uncovered rows | uncovered | currency-mismatch rows | mismatched | rejected rows |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for (&(fi, part), t) in &audit.per_table {
        let f = &files[fi];
        assert_eq!(
            t.rows,
            t.attributed_rows + t.uncovered_rows + t.currency_rows + t.rejected_rows
        );
        assert_eq!(
            t.amount_read,
            t.attributed_amount + t.uncovered_amount + t.currency_amount
        );
        writeln!(
            w,
            "| `{}`{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.path,
            f.table_name(part)
                .map_or(String::new(), |n| format!(" › `{n}`")),
            t.rows,
            grp(t.amount_read),
            t.attributed_rows,
            grp(t.attributed_amount),
            t.uncovered_rows,
            grp(t.uncovered_amount),
            t.currency_rows,
            grp(t.currency_amount),
            t.rejected_rows
        )?;
    }
    writeln!(w)?;
    let total_e: Decimal = insts.iter().map(|i| i.e).sum();
    let total_paid: Decimal = payouts.iter().map(|p| p.amount).sum();
    writeln!(
        w,
        "Ledger: {} payouts, {} received in total; {} installments expected, {} in total (of which {} conditional).",
        payouts.len(),
        grp(total_paid),
        insts.len(),
        grp(total_e),
        grp(insts.iter().filter(|i| i.due.is_none()).map(|i| i.e).sum())
    )?;
    fs::write(root.join("README.md"), &s)?;
    Ok(s)
}

fn explain(f: &Finding, payouts: &[Payout], cs: &[Contract]) -> String {
    let p = f
        .payout
        .as_ref()
        .and_then(|id| payouts.iter().find(|p| &p.id == id));
    match (f.ftype, f.reason) {
        ("unpaid", _) => "installment never paid".into(),
        ("underpaid", _) => "paid short".into(),
        ("overpaid", _)
            if f.payout
                .as_deref()
                .is_some_and(|ids| ids.contains("ZZ-0001")) =>
        {
            "booked twice: the same transfer in both ledgers".into()
        }
        ("overpaid", _) => "paid too much".into(),
        ("duplicate_payout", _) => {
            let reference = p.and_then(|p| p.reference.clone()).unwrap_or_default();
            let first = payouts
                .iter()
                .find(|q| {
                    q.reference.as_deref() == Some(&reference) && Some(&q.id) != f.payout.as_ref()
                })
                .map(|q| q.id.clone())
                .unwrap_or_default();
            format!(
                "same amount, paid_on and reference `{reference}` as {first}: booked twice; without it the installment is paid (overpayment {} goes away)",
                opt_money(f.amount)
            )
        }
        ("limitation", _) => format!(
            "claim expires {} (3 years from due_on, PRC Civil Code art. 188)",
            f.due_on.map(|d| plus_years(d, 3).iso()).unwrap_or_default()
        ),
        ("late", _) => "paid after due_on + grace_days".into(),
        ("unmatched_payout", _) => format!(
            "names contract `{}`, which does not exist (typo of ALI-2024-001)",
            f.contract
        ),
        ("mis_invoiced", Some("missing")) => "cash payout without invoice".into(),
        ("mis_invoiced", Some("amount")) => format!(
            "invoice_amount {} ≠ amount",
            opt_money(p.and_then(|p| p.inv_amount))
        ),
        ("mis_invoiced", Some("tax_rate")) => format!(
            "invoice_tax_rate {} (contract: {})",
            p.and_then(|p| p.inv_tax).map_or("—".into(), pct),
            cs.iter()
                .find(|c| c.id == f.contract)
                .and_then(|c| c.tax_rate)
                .map_or("—".into(), pct)
        ),
        ("mis_invoiced", Some("type")) => format!(
            "invoice_type `{}` (contract: vat_special)",
            p.and_then(|p| p.inv_type).unwrap_or("—")
        ),
        ("mis_invoiced", Some("issuer")) => format!(
            "invoice_issuer `{}` ≠ agent_tax_id",
            p.and_then(|p| p.inv_issuer.clone()).unwrap_or_default()
        ),
        ("mis_invoiced", Some("late_invoice")) => format!(
            "invoice dated {} — more than 30 days after paid_on",
            p.and_then(|p| p.inv_date).map_or("—".into(), |d| d.iso())
        ),
        ("mis_invoiced", Some("duplicate")) => format!(
            "invoice_no `{}` used on two payouts",
            p.and_then(|p| p.inv_no.clone()).unwrap_or_default()
        ),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// expected.json: the same expectations, machine-readable (read by tests/it/demo.rs)
// ---------------------------------------------------------------------------------------

#[derive(Serialize)]
struct ExpectedDoc {
    schema: &'static str,
    note: &'static str,
    as_of: String,
    installments: Vec<ExpInstallment>,
    findings: Vec<ExpFinding>,
    controls: ExpControls,
}

#[derive(Serialize)]
struct ExpInstallment {
    contract_id: String,
    period_start: String,
    period_end: String,
    installment: u32,
    trigger: &'static str,
    weighted_base: String,
    expected: String,
    due_on: Option<String>,
    paid: String,
    status: String,
}

/// One finding, with the fields that identify it (`type`, `contract_id`, period, `installment`,
/// `payout_id`, `reason`, and for data-quality findings `subject`) and the ones that quantify it.
/// Fields that do not apply are null, as in the auditor's `findings.json`.
#[derive(Serialize)]
struct ExpFinding {
    #[serde(rename = "type")]
    ftype: &'static str,
    contract_id: Option<String>,
    period_start: Option<String>,
    period_end: Option<String>,
    installment: Option<u32>,
    payout_id: Option<String>,
    reason: Option<&'static str>,
    expected: Option<String>,
    paid: Option<String>,
    difference: Option<String>,
    due_on: Option<String>,
    paid_on: Option<String>,
    days_late: Option<i64>,
    interest: Option<String>,
    /// data-quality findings only: the net amount of the billing lines left out
    /// (`uncovered_billing`, `currency_mismatch`); null elsewhere
    amount: Option<String>,
    /// data-quality findings only: what the finding is about. `rejected_row`: `file` (relative to
    /// the samples folder), `row`, `column`; `currency_mismatch` / `uncovered_billing`:
    /// `account_id`, `billing_month`, `rows`, `net_amount`.
    subject: Option<BTreeMap<&'static str, String>>,
    /// `unpaid`, `underpaid` and `limitation` findings under a ruleset with a
    /// `[limitation]` table: due_on + 3 years (docs/ARITHMETIC.md, "Limitation periods")
    expires_on: Option<String>,
}

#[derive(Serialize)]
struct RowsAmount {
    rows: usize,
    amount: String,
}

/// The control totals of one billing table: a CSV file, a workbook sheet or a zip member.
#[derive(Serialize)]
struct ExpBillingControl {
    /// relative to the samples folder
    file: &'static str,
    /// the sheet of a workbook or the member of a zip archive; null for a CSV file
    sheet: Option<String>,
    read: RowsAmount,
    attributed: RowsAmount,
    /// by exclusion reason (`uncovered`, `currency_mismatch`); only reasons that occur
    excluded: BTreeMap<&'static str, RowsAmount>,
    rejected_rows: usize,
    /// title or note rows above the header
    rows_above_header: usize,
    /// the net amount a totals row (合计) states, when the table has one; it equals the
    /// amount read, so no `totals_mismatch` is expected
    totals_row_stated: Option<String>,
}

#[derive(Serialize)]
struct ExpPayoutControl {
    file: &'static str,
    read: RowsAmount,
    rejected_rows: usize,
}

#[derive(Serialize)]
struct ExpControls {
    note: &'static str,
    /// the first table of every billing file (tests/it/demo.rs looks controls up by file)
    billing: Vec<ExpBillingControl>,
    /// every billing table, zip members and sheets included
    billing_tables: Vec<ExpBillingControl>,
    payouts: Vec<ExpPayoutControl>,
}

fn opt_m2(x: Option<Decimal>) -> Option<String> {
    x.map(m2)
}

#[allow(clippy::too_many_arguments)]
fn write_expected(
    root: &Path,
    cs: &[Contract],
    files: &[BFile],
    lines: &[Line],
    audit: &BillingAudit,
    insts: &[Inst],
    payouts: &[Payout],
    findings: &[Finding],
    as_of: Date,
) -> Res<String> {
    let installments = insts
        .iter()
        .map(|i| {
            let c = &cs[i.contract];
            ExpInstallment {
                contract_id: c.id.to_string(),
                period_start: i.pstart.iso(),
                period_end: i.pend.iso(),
                installment: i.no,
                trigger: i.trigger.word(),
                weighted_base: m2(i.w),
                expected: m2(i.e),
                due_on: i.due.map(Date::iso),
                paid: m2(i.paid()),
                status: status(c, i, findings, as_of).replace(' ', "_"),
            }
        })
        .collect();

    // payment findings first, then the per-payout ones (the README's order), then data quality
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| {
        (
            f.ftype == "mis_invoiced" || f.ftype == "unmatched_payout",
            f.payout.clone(),
            f.contract.clone(),
            f.period,
            f.installment,
        )
    });
    let mut out: Vec<ExpFinding> = order
        .into_iter()
        .map(|f| {
            // a payout naming an unknown contract is about no contract of the workbook
            let contract_known = cs.iter().any(|c| c.id == f.contract);
            ExpFinding {
                ftype: f.ftype,
                contract_id: contract_known.then(|| f.contract.clone()),
                period_start: f.period.map(|p| p.0.iso()),
                period_end: f.period.map(|p| p.1.iso()),
                installment: f.installment,
                payout_id: f.payout.clone(),
                reason: f.reason,
                expected: opt_m2(f.expected),
                paid: opt_m2(f.paid),
                difference: opt_m2(f.difference),
                due_on: f.due_on.map(Date::iso),
                paid_on: f.paid_on.map(Date::iso),
                days_late: f.days_late,
                interest: opt_m2(f.interest),
                amount: opt_m2(f.amount),
                subject: None,
                expires_on: limitation::expires_on(f, cs),
            }
        })
        .collect();
    let dq = |ftype: &'static str,
              contract_id: Option<String>,
              reason: Option<&'static str>,
              amount: Option<Decimal>,
              subject: BTreeMap<&'static str, String>| ExpFinding {
        ftype,
        contract_id,
        period_start: None,
        period_end: None,
        installment: None,
        payout_id: None,
        reason,
        expected: None,
        paid: None,
        difference: None,
        due_on: None,
        paid_on: None,
        days_late: None,
        interest: None,
        amount: opt_m2(amount),
        subject: Some(subject),
        expires_on: None,
    };
    // docs/ARITHMETIC.md names no `reason` for data-quality findings; the auditor labels a rejected row
    // `row` and a billing-side currency mismatch `billing` — labels only, no numbers.
    for (fi, _part, row, _raw) in &audit.rejected {
        out.push(dq(
            "rejected_row",
            None,
            Some("row"),
            None,
            BTreeMap::from([
                ("file", files[*fi].path.to_string()),
                ("row", row.to_string()),
                ("column", files[*fi].layout.net_column().to_string()),
            ]),
        ));
    }
    // currency mismatches, per account and month (one line each in the demo)
    // (account, month) -> (rows, net amount, contract index)
    type AccountMonth = (String, (i64, i64));
    let mut mism: BTreeMap<AccountMonth, (usize, Decimal, usize)> = BTreeMap::new();
    for (fi, part, row, _cur, amt) in &audit.mismatched {
        let l = lines
            .iter()
            .find(|l| l.file == *fi && l.part == *part && l.row == *row)
            .expect("mismatched line");
        let ci = cs
            .iter()
            .position(|c| c.accounts.contains(&l.account.as_str()))
            .expect("covered account");
        let e = mism
            .entry((l.account.clone(), l.month))
            .or_insert((0, Decimal::ZERO, ci));
        e.0 += 1;
        e.1 += *amt;
    }
    for ((acct, (y, m)), (rows, amt, ci)) in &mism {
        out.push(dq(
            "currency_mismatch",
            Some(cs[*ci].id.to_string()),
            Some("billing"),
            Some(*amt),
            BTreeMap::from([
                ("account_id", acct.clone()),
                ("billing_month", ym(*y, *m)),
                ("rows", rows.to_string()),
                ("net_amount", m2(*amt)),
            ]),
        ));
    }
    for ((acct, (y, m)), (rows, amt)) in &audit.uncovered {
        out.push(dq(
            "uncovered_billing",
            None,
            None,
            Some(*amt),
            BTreeMap::from([
                ("account_id", acct.clone()),
                ("billing_month", ym(*y, *m)),
                ("rows", rows.to_string()),
                ("net_amount", m2(*amt)),
            ]),
        ));
    }

    let ra = |rows: usize, amount: Decimal| RowsAmount {
        rows,
        amount: m2(amount),
    };
    let control = |fi: usize, part: usize| {
        let f = &files[fi];
        let t = &audit.per_table[&(fi, part)];
        let mut excluded = BTreeMap::new();
        if t.uncovered_rows > 0 {
            excluded.insert("uncovered", ra(t.uncovered_rows, t.uncovered_amount));
        }
        if t.currency_rows > 0 {
            excluded.insert("currency_mismatch", ra(t.currency_rows, t.currency_amount));
        }
        ExpBillingControl {
            file: f.path,
            sheet: f.table_name(part),
            read: ra(t.rows, t.amount_read),
            attributed: ra(t.attributed_rows, t.attributed_amount),
            excluded,
            rejected_rows: t.rejected_rows,
            rows_above_header: f.title.len(),
            totals_row_stated: f.totals_row.then(|| m2(t.amount_read)),
        }
    };
    let billing = (0..files.len()).map(|fi| control(fi, 0)).collect();
    let billing_tables = audit
        .per_table
        .keys()
        .map(|&(fi, part)| control(fi, part))
        .collect();
    let doc = ExpectedDoc {
        schema: "make-samples/expected/v1",
        note: "Written by tools/make-samples from docs/ARITHMETIC.md, independently of the auditor; \
               checked by tests/it/demo.rs. Do not edit by hand.",
        as_of: as_of.iso(),
        installments,
        findings: out,
        controls: ExpControls {
            note: "The auditor reports control totals per table. `billing` lists the first \
                   table of each file; `billing_tables` lists every table, with the zip members \
                   of a bill-subscription archive and the sheet of a workbook.",
            billing,
            billing_tables,
            payouts: vec![ExpPayoutControl {
                file: "payouts.xlsx",
                read: ra(payouts.len(), payouts.iter().map(|p| p.amount).sum()),
                rejected_rows: 0,
            }],
        },
    };
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    fs::write(root.join("expected.json"), &text)?;
    Ok(text)
}

// ---------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------

fn main() -> Res<()> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize()?;
    let samples = root.join("samples");
    fs::create_dir_all(&samples)?;
    // the billing tree is fully generated: start from scratch so no stale file survives
    let billing_dir = samples.join("billing");
    if billing_dir.exists() {
        fs::remove_dir_all(&billing_dir)?;
    }
    let as_of = Date::ymd(2026, 6, 30);

    let mut cs = contracts();
    cs.push(limitation::contract());
    let mut files = billing_files();
    files.push(limitation::billing_file());
    assert_eq!(files.len() - 1, limitation::FILE);
    cs.push(projection::contract());
    files.push(projection::billing_file());
    assert_eq!(files.len() - 1, projection::FILE);
    let lines = generate_lines(&cs, &files);
    for f in files.iter().filter(|f| f.totals_row) {
        // the auditor compares a totals row with the rows' signed sum, refunds negative
        assert_eq!(f.refunds, RefundSign::Negative, "{}", f.path);
    }
    let audit = audit_billing(&cs, &files, &lines);

    // the monthly weighted totals must be exactly the round targets
    for (ci, c) in cs.iter().enumerate() {
        let (sy, sm, _) = c.start.parts();
        assert_eq!(audit.monthly[ci].len(), c.monthly.len());
        for (i, target) in c.monthly.iter().enumerate() {
            let key = add_months(sy, sm, i as i64);
            assert_eq!(audit.monthly[ci][&key].1, *target, "{} {key:?}", c.id);
        }
    }

    let mut insts: Vec<Inst> = Vec::new();
    for (ci, c) in cs.iter().enumerate() {
        insts.extend(installments(ci, c, &audit.weighted[ci]));
    }
    let mut payouts = make_payouts(&cs, &insts);
    limitation::ledger_2023(&mut payouts);
    payouts.extend(projection::payouts(&cs, &insts));
    let findings = reconcile(&cs, &mut insts, &payouts, as_of);

    // exactly the intended findings
    let mut got: Vec<(String, &str, Option<&str>)> = findings
        .iter()
        .map(|f| (f.contract.clone(), f.ftype, f.reason))
        .collect();
    got.sort();
    let mut want: Vec<(String, &str, Option<&str>)> = vec![
        ("TX-2025-002".into(), "unpaid", None),
        ("ALI-2024-001".into(), "underpaid", None),
        ("HW-2024-003".into(), "overpaid", None),
        ("TX-2025-002".into(), "late", None),
        ("AZ-2025-004".into(), "mis_invoiced", Some("missing")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("amount")),
        ("HW-2024-003".into(), "mis_invoiced", Some("tax_rate")),
        ("AZ-2025-004".into(), "mis_invoiced", Some("type")),
        ("TX-2025-002".into(), "mis_invoiced", Some("issuer")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("duplicate")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("duplicate")),
        ("HW-2024-003".into(), "mis_invoiced", Some("late_invoice")),
        ("ALI-2024-010".into(), "unmatched_payout", Some("contract")),
        // the double booking: the installment overpaid, its invoice number twice
        ("TX-2025-002".into(), "overpaid", None),
        (
            "TX-2025-002".into(),
            "duplicate_payout",
            Some("same_booking"),
        ),
        ("TX-2025-002".into(), "mis_invoiced", Some("duplicate")),
        ("TX-2025-002".into(), "mis_invoiced", Some("duplicate")),
    ];
    want.extend(limitation::intended());
    want.extend(clawbacks::findings());
    want.sort();
    assert_eq!(
        got, want,
        "the demo must produce exactly the intended findings"
    );
    // each mistake is on the installment / payout it was planned for
    for f in &findings {
        if let Some(pid) = &f.payout {
            let p = payouts.iter().find(|p| &p.id == pid).expect("payout");
            assert!(
                p.mistake.is_some(),
                "finding on a payout without a mistake: {f:?}"
            );
        }
    }
    // sanity on the demo design
    let n = |ftype: &str| findings.iter().filter(|f| f.ftype == ftype).count();
    assert_eq!(n("clawback"), 0);
    assert!(
        insts.iter().all(|i| projection::own(cs[i.contract].id)
            || i.due
                .is_none_or(|d| d.plus(cs[i.contract].grace_days) < as_of)),
        "every due installment is past its deadline at as_of (but the open year's)"
    );
    // catch-up: ALI-2024-001 2025-04 carries more than the period's own volume at the top rate
    let apr = insts
        .iter()
        .find(|i| i.contract == 0 && i.pstart == Date::ymd(2025, 4, 1))
        .expect("split period");
    assert_eq!(apr.pend, Date::ymd(2025, 4, 30));
    assert!(apr.e > apr.w * dec("0.22"));
    // cap binds: TX-2025-002 earns exactly the cap
    assert_eq!(
        insts
            .iter()
            .filter(|i| i.contract == 1)
            .map(|i| i.e)
            .sum::<Decimal>(),
        k(90)
    );

    write_billing(&samples, &files, &lines)?;
    write_contracts(&samples, &cs)?;
    write_payouts(&samples, &payouts)?;
    let (statement, rds_left_out) = statement_lines(&cs, &lines, &insts);
    write_statements(&samples, &statement)?;
    let readme = write_readme(
        &samples, &cs, &files, &lines, &audit, &insts, &payouts, &findings, as_of,
    )?;
    let readme = statement_section(&samples, readme, &statement, rds_left_out)?;
    let readme = clawbacks::section(&samples, readme)?;
    let readme = projection::section(&samples, readme, &cs, &audit, as_of)?;
    let readme = accruals::readme_section(&samples, readme)?;
    let expected = write_expected(
        &samples, &cs, &files, &lines, &audit, &insts, &payouts, &findings, as_of,
    )?;

    println!("wrote samples/ under {}", root.display());
    println!(
        "  {} billing rows in {} files, {} contracts, {} installments, {} payouts, {} findings",
        lines.len(),
        files.len(),
        cs.len(),
        insts.len(),
        payouts.len(),
        findings.len()
    );
    for i in &insts {
        println!(
            "  {:<13} {} #{} W={:>14} E={:>12} due={}",
            cs[i.contract].id,
            span_text(i.pstart, i.pend),
            i.no,
            grp(i.w),
            grp(i.e),
            i.due.map_or("conditional".into(), |d| d.iso())
        );
    }
    println!("  README.md: {} bytes", readme.len());
    println!("  expected.json: {} bytes", expected.len());
    Ok(())
}
