//! Contracts.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Product {
    Ecs,
    Oss,
    Rds,
    Slb,
    /// Third-party software sold through the provider's marketplace (云市场).
    Marketplace,
}

impl Product {
    /// The canonical product code (lower case, the same across providers).
    pub(crate) fn code(self) -> &'static str {
        match self {
            Product::Ecs => "ecs",
            Product::Oss => "oss",
            Product::Rds => "rds",
            Product::Slb => "slb",
            Product::Marketplace => "marketplace",
        }
    }
    /// List-price discount used to derive list_amount/discount from the net amount.
    pub(crate) fn discount_rate(self) -> Decimal {
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
pub(crate) enum Naming {
    Codes,
    /// Tencent console names: 云服务器, 对象存储, 云数据库 MySQL
    TencentConsole,
    /// Azure meter categories: Virtual Machines, Storage, SQL Database
    AzureMeters,
}

impl Naming {
    pub(crate) fn name(self, p: Product) -> &'static str {
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
pub(crate) fn default_coefficient(p: Product) -> Decimal {
    if p == Product::Marketplace {
        Decimal::ZERO
    } else {
        Decimal::ONE
    }
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Basis {
    Period,
    ContractYear,
    Term,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Retroactive,
    Marginal,
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Settle {
    Monthly,
    Quarterly,
    Annual,
    Term,
    Transparent,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Trigger {
    Settlement,
    Renewal,
}

// Not every variant is used by the demo contracts; the arithmetic covers every documented rule.
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Portion {
    Pct(Decimal),
    Pt(Decimal),
    Rest,
}

impl Portion {
    pub(crate) fn text(self) -> String {
        match self {
            Portion::Pct(x) => pct(x),
            Portion::Pt(n) => format!("{}pt", n.normalize()),
            Portion::Rest => "rest".into(),
        }
    }
}

impl Basis {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Basis::Period => "period",
            Basis::ContractYear => "contract_year",
            Basis::Term => "term",
        }
    }
}

impl Mode {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Mode::Retroactive => "retroactive",
            Mode::Marginal => "marginal",
        }
    }
}

impl Settle {
    pub(crate) fn word(self) -> &'static str {
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
    pub(crate) fn word(self) -> &'static str {
        match self {
            Trigger::Settlement => "settlement",
            Trigger::Renewal => "renewal",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum PayStyle {
    /// no period column: the auditor matches by due date
    NoPeriod,
    /// period = the month, e.g. `2025-06`
    Month,
    /// period = the quarter, e.g. `2024-Q3`, plus the installment number
    QuarterAndInstallment,
}

#[derive(Clone, Debug)]
pub(crate) struct Tier {
    pub(crate) from: Decimal,
    pub(crate) to: Option<Decimal>,
    pub(crate) rate: Decimal,
}

pub(crate) fn tiers(spec: &[(i64, Option<i64>, &str)]) -> Vec<Tier> {
    spec.iter()
        .map(|&(f, t, r)| Tier {
            from: Decimal::from(f),
            to: t.map(Decimal::from),
            rate: dec(r),
        })
        .collect()
}

#[derive(Clone, Debug)]
pub(crate) enum Split {
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
pub(crate) struct Contract {
    pub(crate) id: &'static str,
    pub(crate) customer: &'static str,
    pub(crate) agent: &'static str,
    pub(crate) tax_id: String,
    pub(crate) provider: &'static str,
    pub(crate) accounts: Vec<&'static str>,
    pub(crate) acct_sep: &'static str,
    pub(crate) start: Date,
    pub(crate) end: Date,
    pub(crate) basis: Basis,
    pub(crate) mode: Mode,
    pub(crate) cap: Option<Decimal>,
    pub(crate) settle: Settle,
    pub(crate) due_days: i64,
    pub(crate) grace_days: i64,
    pub(crate) renewed_on: Option<Date>,
    pub(crate) invoice: &'static str,
    pub(crate) tax_rate: Option<Decimal>,
    pub(crate) late_interest: Option<Decimal>,
    pub(crate) payout_kind: &'static str,
    pub(crate) tiers: Vec<Tier>,
    pub(crate) coeffs: Vec<(Product, Decimal)>,
    /// empty = the default schedule (one installment, settlement, rest)
    pub(crate) schedule: Vec<(Trigger, Portion)>,
    /// weighted-base target per calendar month from `start`
    pub(crate) monthly: Vec<Decimal>,
    pub(crate) split: Split,
    pub(crate) acct_shares: Vec<Decimal>,
    pub(crate) province: &'static str,
    pub(crate) pay_style: PayStyle,
    /// how the `products` sheet names the products
    pub(crate) naming: Naming,
    /// own random sequence for the billing lines (contracts added later, so the lines of
    /// the others stay exactly as they were)
    pub(crate) rng_seed: Option<u64>,
    pub(crate) mechanics: &'static str,
}

impl Contract {
    pub(crate) fn coeff(&self, p: Product) -> Decimal {
        self.coeffs
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, c)| *c)
            .unwrap_or_else(|| default_coefficient(p))
    }
    pub(crate) fn effective_schedule(&self) -> Vec<(Trigger, Portion)> {
        if self.schedule.is_empty() {
            vec![(Trigger::Settlement, Portion::Rest)]
        } else {
            self.schedule.clone()
        }
    }
    pub(crate) fn late_rate(&self) -> Decimal {
        self.late_interest.unwrap_or(Decimal::ZERO)
    }
}

pub(crate) fn contracts() -> Vec<Contract> {
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
pub(crate) const MCA_BILLING_ACCOUNT: &str =
    "8d3c1f42-6b7a-4e19-a5d0-2c9e7b4f1a63:0f4e2a91-3c5d-4b8e-9a17-6d2b8c4e5f70_2019-05-31";
pub(crate) const EA_ENROLLMENT: &str = "82468135";
/// ALI-2025-006's Alibaba Cloud account, and a sibling account no contract covers.
pub(crate) const FOCUS_ACCOUNT: &str = "1873460291537706";
pub(crate) const FOCUS_UNCOVERED_ACCOUNT: &str = "1873460291537713";
