//! A deterministic generator of large, realistic audits: the contract workbook, billing
//! exports (the generic template or Alibaba's Chinese bill-detail layout, CSV or one
//! `.xlsx`) and a payout ledger that roughly matches what the contracts promise.
//!
//! Realism, as far as it matters to an auditor's speed and memory:
//! - billing covers January 2024 to December 2025; the files split that span into equal
//!   slices of time (like monthly or quarterly exports), and within a file the lines are
//!   sorted by account, then by time (`group`: in random order of account and time, as
//!   a group's merged or re-sorted exports can be);
//! - accounts weigh very differently (a few big spenders, many small), each has its own
//!   fleet of instances (ECS, RDS, OSS, SLB, CDN) and its own contract discount; most
//!   lines are small pay-as-you-go charges, about 1% are subscription orders, 0.5% are
//!   refunds (negative lines) and some carry vouchers;
//! - contracts mix every tier basis, tier mode, settlement, base, cap, schedule and
//!   invoice requirement; tiers are scaled to each contract's expected spend so tiers are
//!   crossed at any data size; a few accounts belong to no contract;
//! - the ledger pays most installments exactly and on time, and some late, short, over
//!   or not at all; some invoices are missing or late.
//!
//! Nothing depends on the clock or on hashing order: the same [`Spec`] writes the same
//! bytes. Files are written through buffers (the `.xlsx` with rust_xlsxwriter's
//! constant-memory mode), so memory stays small at any size.

use super::rebate::{self, Basis, Mode, Portion, Settlement, Terms, Tier};
use super::rng::{Rng, base36, mix};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Billing layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The generic template (docs/INPUTS.md), all eleven columns.
    Generic,
    /// Alibaba Cloud's 41-column Chinese bill detail (明细账单 / BillingItemDetail).
    Aliyun,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Billing lines in total (header rows not counted).
    pub lines: u64,
    /// Billing files (1 with `xlsx`).
    pub files: usize,
    pub contracts: usize,
    pub layout: Layout,
    /// One `.xlsx` billing workbook instead of CSV files.
    pub xlsx: bool,
    /// Parquet billing files (snappy) instead of CSV files, generic layout only.
    pub parquet: bool,
    /// The contract workbook as a folder of CSVs instead of `contracts.xlsx`.
    pub contracts_csv: bool,
    /// A group-wide audit's shape (issue 17): every contract settles quarterly over
    /// 2024–2025 with two accounts and one installment, no account is uncovered, the lines
    /// of a file come in random account order, and the ledger pays each contract-quarter
    /// once with a random amount.
    pub group: bool,
    pub seed: u64,
}

/// What was written.
#[derive(Debug)]
pub struct Generated {
    /// `contracts.xlsx` or the `contracts/` folder.
    pub contracts: PathBuf,
    /// The `billing/` folder.
    pub billing: PathBuf,
    pub billing_files: Vec<PathBuf>,
    pub payouts: PathBuf,
    pub lines: u64,
    /// Bytes of the billing files.
    pub bytes: u64,
    pub installments: usize,
    pub payout_rows: usize,
}

/// The audit date the ledger is written for (nothing is paid after it).
pub const AS_OF: (i32, u32, u32) = (2026, 6, 30);

/// Billing spans 2024-01-01 to 2025-12-31.
const DATA_MONTHS: usize = 24;
const DATA_DAYS: u64 = 731;
const DAY: u64 = 86_400;
const DATA_SECONDS: u64 = DATA_DAYS * DAY;
/// Excel's row limit less the header.
const XLSX_MAX_LINES: u64 = 1_048_575;

struct Product {
    code: &'static str,
    /// Product name in the generic template, and the long spelling some exports use.
    generic: [&'static str; 2],
    /// 产品
    name: &'static str,
    /// Per mille of instances.
    share: u64,
    /// The largest pay-as-you-go line, in cents.
    hourly_max: i64,
    /// 计费项
    item: &'static str,
    /// 单价单位 and 用量单位 of pay-as-you-go lines.
    price_unit: &'static str,
    usage_unit: &'static str,
    /// Unit price in cents for usage-priced products (0: priced by the hour, usage 1).
    unit_price: i64,
    specs: &'static [&'static str],
    configs: &'static [&'static str],
}

const PRODUCTS: [Product; 5] = [
    Product {
        code: "ecs",
        generic: ["ECS", "云服务器ECS"],
        name: "云服务器 ECS",
        share: 400,
        hourly_max: 6_000,
        item: "实例规格",
        price_unit: "元/小时",
        usage_unit: "小时",
        unit_price: 0,
        specs: &[
            "ecs.g7.xlarge",
            "ecs.c7.2xlarge",
            "ecs.r7.large",
            "ecs.g6.4xlarge",
        ],
        configs: &[
            "CPU:4核;内存:16 GB",
            "CPU:8核;内存:16 GB",
            "CPU:2核;内存:16 GB",
            "CPU:16核;内存:64 GB",
        ],
    },
    Product {
        code: "rds",
        generic: ["RDS", "云数据库RDS版"],
        name: "云数据库 RDS 版",
        share: 150,
        hourly_max: 8_000,
        item: "实例规格",
        price_unit: "元/小时",
        usage_unit: "小时",
        unit_price: 0,
        specs: &["mysql.n2.medium.1", "rds.mysql.s3.large", "pg.n4.xlarge.1"],
        configs: &[
            "MySQL 8.0;2核4GB;100 GB",
            "MySQL 5.7;4核8GB;500 GB",
            "PostgreSQL 14;4核16GB;200 GB",
        ],
    },
    Product {
        code: "oss",
        generic: ["OSS", "对象存储OSS"],
        name: "对象存储 OSS",
        share: 150,
        hourly_max: 1_000,
        item: "标准型存储容量",
        price_unit: "元/GB",
        usage_unit: "GB",
        unit_price: 12,
        specs: &["standard", "ia"],
        configs: &["标准存储", "低频访问存储"],
    },
    Product {
        code: "slb",
        generic: ["SLB", "负载均衡SLB"],
        name: "负载均衡",
        share: 100,
        hourly_max: 1_500,
        item: "实例费",
        price_unit: "元/小时",
        usage_unit: "小时",
        unit_price: 0,
        specs: &["slb.s1.small", "slb.s2.medium", "slb.s3.large"],
        configs: &["性能保障型;公网", "性能保障型;私网", "共享型;公网"],
    },
    Product {
        code: "cdn",
        generic: ["CDN", "内容分发网络CDN"],
        name: "CDN",
        share: 200,
        hourly_max: 2_500,
        item: "下行流量",
        price_unit: "元/GB",
        usage_unit: "GB",
        unit_price: 24,
        specs: &["全站加速", "静态加速"],
        configs: &["中国内地;按流量计费", "全球;按流量计费"],
    },
];

/// 地域, region id, zone, and the two letters Alibaba puts in instance ids there.
const REGIONS: [(&str, &str, &str, &str); 4] = [
    ("华东1（杭州）", "cn-hangzhou", "cn-hangzhou-h", "bp"),
    ("华东2（上海）", "cn-shanghai", "cn-shanghai-l", "uf"),
    ("华北2（北京）", "cn-beijing", "cn-beijing-k", "2z"),
    ("华南1（深圳）", "cn-shenzhen", "cn-shenzhen-e", "wz"),
];

const COST_UNITS: [&str; 5] = ["未分配", "研发中心", "市场部", "数据平台", "电商事业部"];
const TAGS: [&str; 5] = [
    "env:prod;team:web",
    "env:prod;team:data",
    "env:test;team:web",
    "env:staging;team:app",
    "",
];
const AGENTS: [&str; 6] = [
    "杭州云擎信息技术有限公司",
    "上海数联科技有限公司",
    "北京智算云服务有限公司",
    "深圳前海云帆网络有限公司",
    "Nimbus Partners Ltd",
    "南京云栈软件有限公司",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    PayAsYouGo,
    Subscription,
    Refund,
}

struct Instance {
    product: usize,
    id: String,
    nick: String,
    spec: usize,
    region: usize,
    public_ip: String,
    private_ip: String,
    tag: usize,
}

struct Account {
    /// 账号ID: a 16-digit UID.
    id: String,
    /// 账号: the login name.
    name: String,
    contract: Option<usize>,
    weight: u64,
    /// Seconds from 2024-01-01 00:00 during which it is billed, `[from, to)`.
    active: (u64, u64),
    /// Contract discount off list, per mille.
    discount: i64,
    /// Writes product names the long way in the generic template.
    long_names: bool,
    cost_unit: usize,
    instances: Vec<Instance>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Net,
    List,
    Cash,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Invoice {
    None,
    Special,
    General,
}

struct Contract {
    id: String,
    customer: String,
    agent: usize,
    accounts: Vec<usize>,
    start_month: usize,
    months: usize,
    basis: Basis,
    mode: Mode,
    settlement: Settlement,
    due_days: u64,
    grace_days: Option<u32>,
    base: Base,
    tiers: Vec<Tier>,
    cap: Option<i64>,
    /// Product coefficients in hundredths, by product index.
    coefficients: [i64; 5],
    schedule: Vec<Portion>,
    invoice: Invoice,
    payout_kind: &'static str,
    late_interest: Option<&'static str>,
}

struct World {
    accounts: Vec<Account>,
    contracts: Vec<Contract>,
}

fn tax_id(agent: usize) -> String {
    format!("91330100MA2{:06}X", mix(agent as u64, 77) % 1_000_000)
}

/// Rounds to two significant digits, at least 1,000.
fn nice(value: f64) -> i64 {
    if value < 1_000.0 {
        return 1_000;
    }
    let magnitude = 10f64.powi(value.log10().floor() as i32 - 1);
    ((value / magnitude).round() * magnitude) as i64
}

/// A billing line's kind and list amount in cents.
fn draw_amount(random: &mut Rng, product: &Product) -> (Kind, i64) {
    let roll = random.below(1000);
    if roll < 5 {
        (Kind::Refund, -(random.between(1_000, 300_000) as i64))
    } else if roll < 15 {
        (Kind::Subscription, random.between(50_000, 2_000_000) as i64)
    } else {
        let u = random.below(10_000) as i64;
        (
            Kind::PayAsYouGo,
            1 + product.hourly_max * u * u / 100_000_000,
        )
    }
}

fn new_account(
    accounts: &mut Vec<Account>,
    seed: u64,
    random: &mut Rng,
    contract: Option<usize>,
    active: (u64, u64),
) {
    let index = accounts.len() as u64;
    // A few big spenders, many small ones.
    let weight = 20 + 2_000 / (1 + random.below(60));
    let instance_count = 3 + (weight / 40).min(40) as usize + random.below(5) as usize;
    let region = random.below(REGIONS.len() as u64) as usize;
    let instances = (0..instance_count)
        .map(|number| {
            let roll = random.below(1000);
            let mut product = 0;
            let mut cumulative = 0;
            for (candidate, item) in PRODUCTS.iter().enumerate() {
                cumulative += item.share;
                if roll < cumulative {
                    product = candidate;
                    break;
                }
            }
            let region = if random.chance(800) {
                region
            } else {
                random.below(REGIONS.len() as u64) as usize
            };
            let hash = mix(seed ^ index, number as u64);
            let spec_index = random.below(PRODUCTS[product].specs.len() as u64) as usize;
            let mut id = String::new();
            match PRODUCTS[product].code {
                "ecs" => {
                    let _ = write!(id, "i-{}", REGIONS[region].3);
                    base36(hash, 18, &mut id);
                }
                "rds" => {
                    let _ = write!(id, "rm-{}", REGIONS[region].3);
                    base36(hash, 17, &mut id);
                }
                "slb" => {
                    let _ = write!(id, "lb-{}", REGIONS[region].3);
                    base36(hash, 19, &mut id);
                }
                "oss" => {
                    let _ = write!(
                        id,
                        "{};{}",
                        REGIONS[region].1, PRODUCTS[product].specs[spec_index]
                    );
                }
                _ => {
                    id.push_str("cdn");
                    base36(hash, 4, &mut id);
                    let _ = write!(id, ".corp{index:04}.com.cn");
                }
            }
            Instance {
                product,
                id,
                nick: format!(
                    "{}-{:02}",
                    ["web", "api", "db", "etl", "media"][number % 5],
                    number
                ),
                spec: spec_index,
                region,
                public_ip: format!(
                    "47.{}.{}.{}",
                    96 + hash % 24,
                    (hash >> 8) % 256,
                    (hash >> 16) % 254 + 1
                ),
                private_ip: format!("172.16.{}.{}", (hash >> 24) % 256, (hash >> 32) % 254 + 1),
                tag: (hash >> 40) as usize % TAGS.len(),
            }
        })
        .collect();
    accounts.push(Account {
        id: format!("1{:09}{:06}", mix(seed, index) % 1_000_000_000, index),
        name: format!("ops{index:05}@corp{:04}.com.cn", index / 3),
        contract,
        weight,
        active,
        discount: random.between(0, 200) as i64,
        long_names: random.chance(250),
        cost_unit: random.below(COST_UNITS.len() as u64) as usize,
        instances,
    });
}

fn build_world(spec: &Spec) -> World {
    let mut random = Rng::new(spec.seed);
    let uncovered = if spec.group {
        0
    } else {
        (spec.contracts / 40).max(1)
    };
    let mut accounts: Vec<Account> = Vec::new();
    let mut contracts: Vec<Contract> = Vec::new();
    // Mean list amount of a line, for scaling tiers to each contract's spend.
    let mean_line = {
        let mut sample = Rng::new(spec.seed ^ 0xA11CE);
        let draws = 40_000;
        let total: i64 = (0..draws)
            .map(|draw| {
                let product = &PRODUCTS[draw % PRODUCTS.len()];
                let weight = product.share as i64;
                draw_amount(&mut sample, product).1 * weight
            })
            .sum();
        total as f64 / draws as f64 / 200.0 / 100.0
    };
    for number in 0..spec.contracts {
        let (basis, mode, mut settlement, due_days) = match number % 8 {
            0 => (
                Basis::ContractYear,
                Mode::Retroactive,
                Settlement::Quarterly,
                30,
            ),
            1 => (Basis::Period, Mode::Marginal, Settlement::Monthly, 15),
            2 => (Basis::Term, Mode::Retroactive, Settlement::Annual, 45),
            3 => (
                Basis::ContractYear,
                Mode::Marginal,
                Settlement::Transparent,
                0,
            ),
            4 => (Basis::Period, Mode::Retroactive, Settlement::Quarterly, 30),
            5 => (
                Basis::ContractYear,
                Mode::Retroactive,
                Settlement::Annual,
                60,
            ),
            6 => (Basis::Period, Mode::Marginal, Settlement::Term, 90),
            _ => (Basis::ContractYear, Mode::Marginal, Settlement::Monthly, 20),
        };
        // Most terms are 2024–2025; some start mid-2024 and run into 2026, some start in
        // April (contract years across calendar quarters, the last one clipped).
        let (start_month, months) = match number % 10 {
            _ if spec.group => (0, 24),
            9 => (6, 24),
            8 => (3, 21),
            _ => (0, 24),
        };
        if spec.group {
            settlement = Settlement::Quarterly;
        }
        let start = rebate::month_start(start_month);
        let from = (start - rebate::month_start(0)).num_days() as u64 * DAY;
        let to = ((rebate::month_start(start_month + months) - rebate::month_start(0)).num_days()
            as u64
            * DAY)
            .min(DATA_SECONDS);
        let first_account = accounts.len();
        let own_accounts = if spec.group { 2 } else { 1 + number % 4 };
        for _ in 0..own_accounts {
            new_account(
                &mut accounts,
                spec.seed,
                &mut random,
                Some(number),
                (from, to),
            );
        }
        let mut coefficients = [100; 5];
        if number % 3 == 1 {
            coefficients[1] = 50;
        }
        if number % 4 == 0 {
            coefficients[3] = 0;
        }
        if number % 5 == 2 {
            coefficients[4] = 80;
        }
        let schedule = if spec.group {
            vec![Portion::Rest]
        } else if number % 6 == 5 {
            vec![Portion::Percent(60), Portion::Rest]
        } else if number % 11 == 7 {
            vec![Portion::Points(2), Portion::Rest]
        } else {
            vec![Portion::Rest]
        };
        contracts.push(Contract {
            id: format!("RB-{}-{number:05}", 2024 + start_month / 12),
            customer: format!("客户{number:04}科技有限公司"),
            agent: number % AGENTS.len(),
            accounts: (first_account..accounts.len()).collect(),
            start_month,
            months,
            basis,
            mode,
            settlement,
            due_days,
            grace_days: (number % 4 == 2).then_some(10),
            base: match number % 7 {
                3 => Base::List,
                5 => Base::Cash,
                _ => Base::Net,
            },
            tiers: Vec::new(),
            cap: None,
            coefficients,
            schedule,
            invoice: match number % 3 {
                0 => Invoice::Special,
                1 => Invoice::None,
                _ => Invoice::General,
            },
            payout_kind: match number % 9 {
                4 => "offset",
                _ => "cash",
            },
            late_interest: (number % 2 == 0).then_some("0.05%"),
        });
    }
    for _ in 0..uncovered {
        new_account(
            &mut accounts,
            spec.seed,
            &mut random,
            None,
            (0, DATA_SECONDS),
        );
    }
    // Tiers and caps scaled to each contract's expected spend.
    let share = |account: &Account| {
        u128::from(account.weight) * u128::from(account.active.1 - account.active.0)
    };
    let total_share: u128 = accounts.iter().map(share).sum();
    for (number, contract) in contracts.iter_mut().enumerate() {
        let contract_share: u128 = contract.accounts.iter().map(|&a| share(&accounts[a])).sum();
        let lines = spec.lines as f64 * contract_share as f64 / total_share as f64;
        let active_months = contract
            .months
            .min(DATA_MONTHS - contract.start_month.min(DATA_MONTHS))
            .max(1);
        let coefficient = PRODUCTS
            .iter()
            .zip(contract.coefficients)
            .map(|(product, coefficient)| product.share as f64 * coefficient as f64 / 100_000.0)
            .sum::<f64>();
        let annual = lines * mean_line * coefficient * 0.9 * 12.0 / active_months as f64;
        let scope = match (contract.basis, contract.settlement) {
            (Basis::ContractYear, _) => annual,
            (Basis::Term, _) | (Basis::Period, Settlement::Term) => {
                annual * contract.months as f64 / 12.0
            }
            (Basis::Period, Settlement::Quarterly) => annual / 4.0,
            (Basis::Period, Settlement::Annual) => annual,
            (Basis::Period, _) => annual / 12.0,
        };
        let brackets = |low: f64, high: f64| {
            let low = nice(scope * low);
            (low, nice(scope * high).max(low + 1_000))
        };
        contract.tiers = match number % 3 {
            0 => {
                let (low, high) = brackets(0.6, 1.0);
                vec![
                    Tier {
                        from: 0,
                        to: Some(low),
                        rate_bp: 100,
                    },
                    Tier {
                        from: low,
                        to: Some(high),
                        rate_bp: 300,
                    },
                    Tier {
                        from: high,
                        to: None,
                        rate_bp: 500,
                    },
                ]
            }
            1 => {
                let (low, high) = brackets(0.3, 0.9);
                vec![
                    Tier {
                        from: 0,
                        to: Some(low),
                        rate_bp: 0,
                    },
                    Tier {
                        from: low,
                        to: Some(high),
                        rate_bp: 400,
                    },
                    Tier {
                        from: high,
                        to: None,
                        rate_bp: 750,
                    },
                ]
            }
            _ => vec![Tier {
                from: 0,
                to: None,
                rate_bp: 250,
            }],
        };
        if number % 5 == 0 {
            contract.cap = Some(nice(annual * 0.035));
        }
    }
    // Real exports list accounts in order: sort them, and renumber the contracts' lists.
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by(|&a, &b| accounts[a].id.cmp(&accounts[b].id));
    let mut position = vec![0; accounts.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    for contract in &mut contracts {
        for account in &mut contract.accounts {
            *account = position[*account];
        }
        contract.accounts.sort_unstable();
    }
    let mut slots: Vec<Option<Account>> = accounts.into_iter().map(Some).collect();
    let accounts = order
        .iter()
        .map(|&old| slots[old].take().expect("each account once"))
        .collect();
    World {
        accounts,
        contracts,
    }
}

/// Writes the audit into `folder`: `contracts.xlsx` (or `contracts/`), `billing/` and
/// `payouts.csv` (written last, under a temporary name first: its presence means the
/// data set is complete).
pub fn generate(folder: &Path, spec: &Spec) -> io::Result<Generated> {
    if spec.xlsx && spec.lines > XLSX_MAX_LINES {
        return Err(io::Error::other(format!(
            "an .xlsx sheet holds at most {XLSX_MAX_LINES} lines; use CSV for {}",
            spec.lines
        )));
    }
    let files = if spec.xlsx { 1 } else { spec.files.max(1) };
    let billing = folder.join("billing");
    std::fs::create_dir_all(&billing)?;
    let world = build_world(spec);
    let contracts = write_contracts(folder, spec, &world)?;
    let mut weighted: Vec<Vec<i128>> = world
        .contracts
        .iter()
        .map(|contract| vec![0; contract.months])
        .collect();
    let billing_files = write_billing(&billing, spec, files, &world, &mut weighted)?;
    let bytes = billing_files
        .iter()
        .map(|path| std::fs::metadata(path).map(|metadata| metadata.len()))
        .sum::<io::Result<u64>>()?;
    let payouts = folder.join("payouts.csv");
    let (installments, payout_rows) = write_payouts(&payouts, spec, &world, &weighted)?;
    Ok(Generated {
        contracts,
        billing,
        billing_files,
        payouts,
        lines: spec.lines,
        bytes,
        installments,
        payout_rows,
    })
}

fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> io::Error {
    io::Error::other(error.to_string())
}

/// Writes the contract workbook: English sheet and column names with the generic layout,
/// the Chinese ones (合同, 阶梯, 产品系数, 分期) with Alibaba's.
fn write_contracts(folder: &Path, spec: &Spec, world: &World) -> io::Result<PathBuf> {
    let chinese = spec.layout == Layout::Aliyun;
    let pick = |english: &'static str, chinese_name: &'static str| {
        if chinese { chinese_name } else { english }
    };
    let mut sheets: Vec<(&str, &str, Vec<Vec<String>>)> = Vec::new();
    let header = |names: &[(&'static str, &'static str)]| -> Vec<String> {
        names
            .iter()
            .map(|&(english, chinese_name)| pick(english, chinese_name).to_string())
            .collect()
    };
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("customer", "客户"),
        ("agent", "代理商"),
        ("agent_tax_id", "代理商税号"),
        ("provider", "云厂商"),
        ("accounts", "账号"),
        ("start", "开始日期"),
        ("end", "结束日期"),
        ("currency", "币种"),
        ("base", "返点基数"),
        ("tier_basis", "阶梯口径"),
        ("tier_mode", "阶梯方式"),
        ("cap", "封顶"),
        ("settlement", "结算周期"),
        ("due_days", "付款期限"),
        ("grace_days", "宽限天数"),
        ("invoice", "发票要求"),
        ("tax_rate", "税率"),
        ("late_interest", "逾期利率"),
        ("payout_kind", "返点方式"),
    ])];
    for contract in &world.contracts {
        let accounts: Vec<&str> = contract
            .accounts
            .iter()
            .map(|&a| world.accounts[a].id.as_str())
            .collect();
        rows.push(vec![
            contract.id.clone(),
            contract.customer.clone(),
            AGENTS[contract.agent].to_string(),
            tax_id(contract.agent),
            if chinese { "aliyun" } else { "" }.to_string(),
            accounts.join(if chinese { "，" } else { "," }),
            rebate::month_start(contract.start_month).to_string(),
            rebate::month_end(contract.start_month + contract.months - 1).to_string(),
            "CNY".to_string(),
            match contract.base {
                Base::Net => "net",
                Base::List => "list",
                Base::Cash => "cash",
            }
            .to_string(),
            match contract.basis {
                Basis::Period => "period",
                Basis::ContractYear => "contract_year",
                Basis::Term => "term",
            }
            .to_string(),
            match contract.mode {
                Mode::Retroactive => "retroactive",
                Mode::Marginal => "marginal",
            }
            .to_string(),
            contract.cap.map(|cap| cap.to_string()).unwrap_or_default(),
            match contract.settlement {
                Settlement::Monthly => "monthly",
                Settlement::Quarterly => "quarterly",
                Settlement::Annual => "annual",
                Settlement::Term => "term",
                Settlement::Transparent => "transparent",
            }
            .to_string(),
            contract.due_days.to_string(),
            contract
                .grace_days
                .map(|days| days.to_string())
                .unwrap_or_default(),
            match contract.invoice {
                Invoice::None => "none",
                Invoice::Special => "vat_special",
                Invoice::General => "vat_general",
            }
            .to_string(),
            if contract.invoice == Invoice::None {
                ""
            } else {
                "6%"
            }
            .to_string(),
            contract.late_interest.unwrap_or_default().to_string(),
            contract.payout_kind.to_string(),
        ]);
    }
    sheets.push(("contracts", "合同", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("from", "下限"),
        ("to", "上限"),
        ("rate", "返点比例"),
    ])];
    for contract in &world.contracts {
        for tier in &contract.tiers {
            rows.push(vec![
                contract.id.clone(),
                tier.from.to_string(),
                tier.to.map(|to| to.to_string()).unwrap_or_default(),
                format!("{}%", Decimal::new(i64::from(tier.rate_bp), 2).normalize()),
            ]);
        }
    }
    sheets.push(("tiers", "阶梯", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("product", "产品"),
        ("coefficient", "系数"),
    ])];
    for contract in &world.contracts {
        for (product, coefficient) in PRODUCTS.iter().zip(contract.coefficients) {
            if coefficient != 100 {
                rows.push(vec![
                    contract.id.clone(),
                    product.generic[0].to_string(),
                    Decimal::new(coefficient, 2).normalize().to_string(),
                ]);
            }
        }
    }
    sheets.push(("products", "产品系数", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("installment", "期次"),
        ("trigger", "触发"),
        ("portion", "比例"),
    ])];
    for contract in &world.contracts {
        if contract.schedule.len() > 1 {
            for (number, portion) in contract.schedule.iter().enumerate() {
                rows.push(vec![
                    contract.id.clone(),
                    (number + 1).to_string(),
                    "settlement".to_string(),
                    match portion {
                        Portion::Percent(percent) => format!("{percent}%"),
                        Portion::Points(points) => format!("{points}pt"),
                        Portion::Rest => "rest".to_string(),
                    },
                ]);
            }
        }
    }
    sheets.push(("schedule", "分期", rows));
    if spec.contracts_csv {
        let path = folder.join("contracts");
        std::fs::create_dir_all(&path)?;
        for (name, _, rows) in &sheets {
            let mut writer = csv::Writer::from_path(path.join(format!("{name}.csv")))?;
            for row in rows {
                writer.write_record(row)?;
            }
            writer.flush()?;
        }
        return Ok(path);
    }
    let path = folder.join("contracts.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_creation_datetime(
            &rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).map_err(xlsx_error)?,
        ),
    );
    for (english, chinese_name, rows) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet
            .set_name(pick(english, chinese_name))
            .map_err(xlsx_error)?;
        for (row, cells) in rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                sheet
                    .write_string(row as u32, column as u16, cell)
                    .map_err(xlsx_error)?;
            }
        }
    }
    workbook.save(&path).map_err(xlsx_error)?;
    Ok(path)
}

/// Where the rows of a billing file go: a CSV file or the `.xlsx` sheet.
pub(super) trait RowSink {
    fn text(&mut self, value: &str) -> io::Result<()>;
    /// An amount in cents.
    fn money(&mut self, cents: i64) -> io::Result<()>;
    /// A quantity in ten-thousandths.
    fn quantity(&mut self, value: i64) -> io::Result<()>;
    fn end_row(&mut self) -> io::Result<()>;
}

fn push_fixed(out: &mut String, value: i64, scale: u32) {
    let unit = 10i64.pow(scale);
    if value < 0 {
        out.push('-');
    }
    let magnitude = value.unsigned_abs();
    let _ = write!(
        out,
        "{}.{:0width$}",
        magnitude / unit as u64,
        magnitude % unit as u64,
        width = scale as usize
    );
}

struct CsvSink {
    out: BufWriter<File>,
    line: String,
    first: bool,
}

impl CsvSink {
    fn create(path: &Path, bom: bool) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        Ok(CsvSink {
            out,
            line: String::with_capacity(1024),
            first: true,
        })
    }

    fn separate(&mut self) {
        if !self.first {
            self.line.push(',');
        }
        self.first = false;
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl RowSink for CsvSink {
    fn text(&mut self, value: &str) -> io::Result<()> {
        // Generated values never hold a comma, a quote or a line break.
        debug_assert!(!value.contains([',', '"', '\n']));
        self.separate();
        self.line.push_str(value);
        Ok(())
    }

    fn money(&mut self, cents: i64) -> io::Result<()> {
        self.separate();
        push_fixed(&mut self.line, cents, 2);
        Ok(())
    }

    fn quantity(&mut self, value: i64) -> io::Result<()> {
        self.separate();
        push_fixed(&mut self.line, value, 4);
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.line.clear();
        self.first = true;
        Ok(())
    }
}

struct XlsxSink {
    sheet: rust_xlsxwriter::Worksheet,
    row: u32,
    column: u16,
}

impl RowSink for XlsxSink {
    fn text(&mut self, value: &str) -> io::Result<()> {
        if !value.is_empty() {
            self.sheet
                .write_string(self.row, self.column, value)
                .map_err(xlsx_error)?;
        }
        self.column += 1;
        Ok(())
    }

    fn money(&mut self, cents: i64) -> io::Result<()> {
        self.sheet
            .write_number(self.row, self.column, cents as f64 / 100.0)
            .map_err(xlsx_error)?;
        self.column += 1;
        Ok(())
    }

    fn quantity(&mut self, value: i64) -> io::Result<()> {
        self.sheet
            .write_number(self.row, self.column, value as f64 / 10_000.0)
            .map_err(xlsx_error)?;
        self.column += 1;
        Ok(())
    }

    fn end_row(&mut self) -> io::Result<()> {
        self.row += 1;
        self.column = 0;
        Ok(())
    }
}

const GENERIC_HEADER: [&str; 11] = [
    "account_id",
    "billing_month",
    "date",
    "product",
    "order_type",
    "instance_id",
    "list_amount",
    "discount",
    "voucher",
    "net_amount",
    "currency",
];

/// The 41 columns of Alibaba's Chinese BillingItemDetail (the providers' documented layouts (docs/INPUTS.md)).
const ALIYUN_HEADER: [&str; 41] = [
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

/// Calendar text precomputed per day from 2024-01-01 (a little past the data, for usage
/// end times).
struct Calendar {
    days: Vec<String>,
    months: Vec<String>,
    /// Month index (0 = 2024-01) of each day.
    month_of_day: Vec<usize>,
}

impl Calendar {
    fn new() -> Self {
        let first = rebate::month_start(0);
        let mut days = Vec::new();
        let mut month_of_day = Vec::new();
        for offset in 0..DATA_DAYS + 70 {
            let day = first + Days::new(offset);
            days.push(day.format("%Y-%m-%d").to_string());
            month_of_day.push((day.year() - 2024) as usize * 12 + day.month0() as usize);
        }
        let months = (0..DATA_MONTHS + 3)
            .map(|month| format!("{}-{:02}", 2024 + month / 12, month % 12 + 1))
            .collect();
        Calendar {
            days,
            months,
            month_of_day,
        }
    }

    fn timestamp(&self, seconds: u64, out: &mut String) {
        let second = seconds % DAY;
        let _ = write!(
            out,
            "{} {:02}:{:02}:{:02}",
            self.days[(seconds / DAY) as usize],
            second / 3600,
            second / 60 % 60,
            second % 60
        );
    }
}

/// One billing line, before it takes a layout.
struct Line {
    seconds: u64,
    instance: usize,
    kind: Kind,
    list: i64,
    discount: i64,
    voucher: i64,
    net: i64,
}

fn write_billing(
    billing: &Path,
    spec: &Spec,
    files: usize,
    world: &World,
    weighted: &mut [Vec<i128>],
) -> io::Result<Vec<PathBuf>> {
    let calendar = Calendar::new();
    let mut random = Rng::new(spec.seed ^ 0xB111);
    let header: &[&str] = match spec.layout {
        Layout::Generic => &GENERIC_HEADER,
        Layout::Aliyun => &ALIYUN_HEADER,
    };
    let mut paths = Vec::new();
    let mut xlsx: Option<(rust_xlsxwriter::Workbook, XlsxSink)> = None;
    if spec.xlsx {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.set_properties(
            &rust_xlsxwriter::DocProperties::new().set_creation_datetime(
                &rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 4).map_err(xlsx_error)?,
            ),
        );
        let mut sheet = workbook
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(if spec.layout == Layout::Aliyun {
                "明细账单"
            } else {
                "billing"
            })
            .map_err(xlsx_error)?;
        xlsx = Some((
            workbook,
            XlsxSink {
                sheet,
                row: 0,
                column: 0,
            },
        ));
    }
    let mut scratch = String::new();
    for file in 0..files {
        let count =
            spec.lines / files as u64 + u64::from((file as u64) < spec.lines % files as u64);
        let slice = (
            DATA_SECONDS * file as u64 / files as u64,
            DATA_SECONDS * (file as u64 + 1) / files as u64,
        );
        let name = match (spec.layout, spec.xlsx) {
            (Layout::Generic, false) if spec.parquet => format!("bill-{file:02}.parquet"),
            (Layout::Generic, false) => format!("bill-{file:02}.csv"),
            (Layout::Generic, true) => "bill.xlsx".to_string(),
            (Layout::Aliyun, false) => {
                format!("1688000000000000_BillingItemDetail_part{file:02}.csv")
            }
            (Layout::Aliyun, true) => "1688000000000000_BillingItemDetail.xlsx".to_string(),
        };
        paths.push(billing.join(name));
        let mut parquet = if spec.parquet && !spec.xlsx {
            Some(super::parquet_sink::ParquetSink::create(
                paths.last().expect("a path"),
            )?)
        } else {
            None
        };
        let mut csv = if spec.xlsx || parquet.is_some() {
            None
        } else {
            Some(CsvSink::create(
                paths.last().expect("a path"),
                spec.layout == Layout::Aliyun,
            )?)
        };
        let sink: &mut dyn RowSink = match (&mut csv, &mut xlsx) {
            (Some(csv), _) => csv,
            (None, _) if parquet.is_some() => parquet.as_mut().expect("a sink"),
            (None, Some((_, sheet))) => sheet,
            (None, None) => unreachable!("a sink"),
        };
        for column in header {
            sink.text(column)?;
        }
        sink.end_row()?;
        // Each account's share of the file: its weight times the time it is active in
        // the file's slice; lines are dealt out by cumulative rounding, so they add up.
        let overlaps: Vec<(u64, u64)> = world
            .accounts
            .iter()
            .map(|account| (account.active.0.max(slice.0), account.active.1.min(slice.1)))
            .collect();
        let shares: Vec<u128> = world
            .accounts
            .iter()
            .zip(&overlaps)
            .map(|(account, &(from, to))| {
                u128::from(account.weight) * u128::from(to.saturating_sub(from))
            })
            .collect();
        let total: u128 = shares.iter().sum::<u128>().max(1);
        let mut cumulative = 0u128;
        let mut dealt = 0u64;
        if spec.group {
            // Random account order: each line draws its account by weight (its share of
            // the file) and its time anywhere in the account's part of the slice.
            let running: Vec<u128> = shares
                .iter()
                .scan(0u128, |sum, share| {
                    *sum += share;
                    Some(*sum)
                })
                .collect();
            for _ in 0..count {
                let draw = (u128::from(random.next_u64()) * total) >> 64;
                let index = running.partition_point(|&upto| upto <= draw);
                let (from, to) = overlaps[index];
                let seconds = from + random.below((to - from).max(1));
                let emit = Emit {
                    spec,
                    calendar: &calendar,
                    world,
                    account: index,
                    seconds,
                };
                emit.line(sink, &mut random, weighted, &mut scratch)?;
            }
            dealt = count;
        }
        for index in 0..if spec.group { 0 } else { world.accounts.len() } {
            cumulative += shares[index];
            let upto = (cumulative * u128::from(count) / total) as u64;
            let lines = upto - dealt;
            dealt = upto;
            if lines == 0 {
                continue;
            }
            let (from, to) = overlaps[index];
            let step = (to - from) / lines;
            for number in 0..lines {
                let seconds = from + (to - from) * number / lines + random.below(step.max(1));
                let emit = Emit {
                    spec,
                    calendar: &calendar,
                    world,
                    account: index,
                    seconds,
                };
                emit.line(sink, &mut random, weighted, &mut scratch)?;
            }
        }
        debug_assert_eq!(dealt, count);
        if let Some(csv) = csv {
            csv.finish()?;
        }
        if let Some(parquet) = parquet {
            parquet.finish()?;
        }
    }
    if let Some((mut workbook, sink)) = xlsx {
        workbook.push_worksheet(sink.sheet);
        workbook.save(&paths[0]).map_err(xlsx_error)?;
    }
    Ok(paths)
}

/// One billing line to write: whose, and when.
struct Emit<'w> {
    spec: &'w Spec,
    calendar: &'w Calendar,
    world: &'w World,
    account: usize,
    seconds: u64,
}

impl Emit<'_> {
    /// Draws the line's instance and amounts, adds its weighted base to its contract's
    /// month, and writes it.
    fn line(
        &self,
        sink: &mut dyn RowSink,
        random: &mut Rng,
        weighted: &mut [Vec<i128>],
        scratch: &mut String,
    ) -> io::Result<()> {
        let (spec, calendar, world, seconds) = (self.spec, self.calendar, self.world, self.seconds);
        let account = &world.accounts[self.account];
        let instance = random.below(account.instances.len() as u64) as usize;
        let product = &PRODUCTS[account.instances[instance].product];
        let (kind, list) = draw_amount(random, product);
        let discount = if kind == Kind::Refund {
            list / 10
        } else {
            list * account.discount / 1000
        };
        let net = list - discount;
        let voucher = if kind == Kind::PayAsYouGo && random.chance(30) {
            net * random.between(10, 100) as i64 / 100
        } else {
            0
        };
        let line = Line {
            seconds,
            instance,
            kind,
            list,
            discount,
            voucher,
            net,
        };
        let month = calendar.month_of_day[(seconds / DAY) as usize];
        if let Some(contract_index) = account.contract {
            let contract = &world.contracts[contract_index];
            let base = match contract.base {
                Base::Net => net,
                Base::List => list,
                Base::Cash => net - voucher,
            };
            weighted[contract_index][month - contract.start_month] += i128::from(base)
                * i128::from(contract.coefficients[account.instances[instance].product]);
        }
        match spec.layout {
            Layout::Generic => generic_row(sink, calendar, account, &line, month)?,
            Layout::Aliyun => aliyun_row(sink, calendar, account, &line, month, scratch)?,
        }
        Ok(())
    }
}

fn generic_row(
    sink: &mut dyn RowSink,
    calendar: &Calendar,
    account: &Account,
    line: &Line,
    month: usize,
) -> io::Result<()> {
    let instance = &account.instances[line.instance];
    let product = &PRODUCTS[instance.product];
    sink.text(&account.id)?;
    sink.text(&calendar.months[month])?;
    sink.text(&calendar.days[(line.seconds / DAY) as usize])?;
    sink.text(product.generic[usize::from(account.long_names)])?;
    sink.text(match line.kind {
        Kind::PayAsYouGo => "PayAsYouGoBill",
        Kind::Subscription => "SubscriptionOrder",
        Kind::Refund => "Refund",
    })?;
    sink.text(&instance.id)?;
    sink.money(line.list)?;
    sink.money(line.discount)?;
    sink.money(line.voucher)?;
    sink.money(line.net)?;
    sink.text("CNY")?;
    sink.end_row()
}

fn aliyun_row(
    sink: &mut dyn RowSink,
    calendar: &Calendar,
    account: &Account,
    line: &Line,
    month: usize,
    scratch: &mut String,
) -> io::Result<()> {
    let instance = &account.instances[line.instance];
    let product = &PRODUCTS[instance.product];
    let region = &REGIONS[instance.region];
    let payg = line.kind == Kind::PayAsYouGo;
    sink.text(&calendar.months[month])?; // 账期
    sink.text(COST_UNITS[account.cost_unit])?; // 财务单元
    sink.text(&account.id)?; // 账号ID
    sink.text(&account.name)?; // 账号
    sink.text(&account.name)?; // Owner账号
    sink.text(product.code)?; // 产品Code
    sink.text(product.name)?; // 产品
    sink.text(product.code)?; // 产品明细Code
    scratch.clear();
    let _ = write!(
        scratch,
        "{}-{}",
        product.name,
        if payg { "按量付费" } else { "包年包月" }
    );
    sink.text(scratch)?; // 产品明细
    sink.text(if payg { "后付费" } else { "预付费" })?; // 消费类型
    scratch.clear();
    calendar.timestamp(line.seconds, scratch);
    sink.text(scratch)?; // 消费时间
    // Pay-as-you-go lines bill the hour before the charge; orders the month after.
    let (start, end) = if payg {
        let end = line.seconds - line.seconds % 3600;
        (end.saturating_sub(3600), end)
    } else {
        (line.seconds, line.seconds + 30 * DAY)
    };
    scratch.clear();
    calendar.timestamp(start, scratch);
    sink.text(scratch)?; // 账单开始时间
    scratch.clear();
    calendar.timestamp(end, scratch);
    sink.text(scratch)?; // 账单结束时间
    sink.text(if payg { "3600" } else { "2592000" })?; // 服务时长
    scratch.clear();
    let _ = write!(
        scratch,
        "{}",
        200_000_000_000_000 + mix(line.seconds, line.instance as u64) % 100_000_000_000_000
    );
    sink.text(scratch)?; // 订单号/账单号
    sink.text(match line.kind {
        Kind::PayAsYouGo => "后付费账单",
        Kind::Subscription => "预付费订单",
        Kind::Refund => "退款",
    })?; // 账单类型
    sink.text(if payg { "按量付费" } else { "包年包月" })?; // 计费方式
    sink.text(&instance.id)?; // 实例ID
    sink.text(&instance.nick)?; // 实例昵称
    sink.text(if instance.tag == 0 {
        "rg-prod"
    } else {
        "默认资源组"
    })?; // 资源组
    sink.text(TAGS[instance.tag])?; // 实例标签
    sink.text(product.configs[instance.spec % product.configs.len()])?; // 实例配置
    sink.text(product.specs[instance.spec])?; // 实例规格
    let has_ip = matches!(product.code, "ecs" | "slb");
    sink.text(if has_ip { &instance.public_ip } else { "" })?; // 公网IP
    sink.text(if has_ip { &instance.private_ip } else { "" })?; // 私网IP
    sink.text(region.0)?; // 地域
    sink.text(region.2)?; // 可用区
    if payg && product.unit_price > 0 {
        sink.text(product.item)?; // 计费项
        sink.quantity(product.unit_price * 100)?; // 单价
        sink.text(product.price_unit)?; // 单价单位
        sink.quantity(line.list * 10_000 / product.unit_price)?; // 用量
        sink.text(product.usage_unit)?; // 用量单位
    } else if payg {
        sink.text(product.item)?;
        sink.quantity(line.list * 100)?;
        sink.text(product.price_unit)?;
        sink.quantity(10_000)?;
        sink.text(product.usage_unit)?;
    } else {
        sink.text("包年包月")?;
        sink.quantity(line.list * 100)?;
        sink.text("元/月")?;
        sink.quantity(if line.kind == Kind::Refund {
            -10_000
        } else {
            10_000
        })?;
        sink.text("月")?;
    }
    sink.money(0)?; // 资源包抵扣
    sink.money(line.list)?; // 原价
    sink.money(line.discount)?; // 优惠金额
    sink.money(0)?; // 优惠券抵扣
    sink.money(line.net)?; // 应付金额
    sink.money(line.net - line.voucher)?; // 现金支付
    sink.money(line.voucher)?; // 代金券抵扣
    sink.money(0)?; // 储值卡支付金额
    sink.money(0)?; // 欠费金额
    sink.end_row()
}

/// Writes the payout ledger from what each contract's installments expect, and returns
/// (installments expecting money, payout rows).
fn write_payouts(
    path: &Path,
    spec: &Spec,
    world: &World,
    weighted: &[Vec<i128>],
) -> io::Result<(usize, usize)> {
    let as_of = NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).expect("a date");
    let mut random = Rng::new(spec.seed ^ 0xFA1D);
    struct Row {
        paid_on: NaiveDate,
        contract: usize,
        amount: Decimal,
        period: Option<String>,
        installment: Option<usize>,
        invoice: Option<(String, NaiveDate)>,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut installments = 0;
    for (index, contract) in world.contracts.iter().enumerate() {
        let base: Vec<Decimal> = weighted[index]
            .iter()
            .map(|&units| Decimal::from_i128_with_scale(units, 4))
            .collect();
        let terms = Terms {
            start_month: contract.start_month,
            months: contract.months,
            basis: contract.basis,
            mode: contract.mode,
            settlement: contract.settlement,
            tiers: &contract.tiers,
            cap: contract.cap,
            schedule: &contract.schedule,
            due_days: contract.due_days,
        };
        for period in rebate::expected(&terms, &base) {
            let months = period.last_month - period.first_month + 1;
            let label = if months == 3 && period.first_month % 3 == 0 {
                format!(
                    "{}-Q{}",
                    2024 + period.first_month / 12,
                    period.first_month % 12 / 3 + 1
                )
            } else if months == 12 && period.first_month % 12 == 0 {
                format!("{}", 2024 + period.first_month / 12)
            } else {
                format!(
                    "{}-{:02}",
                    2024 + period.first_month / 12,
                    period.first_month % 12 + 1
                )
            };
            let split = period.installments.len() > 1;
            for (number, &expected) in period.installments.iter().enumerate() {
                if expected < Decimal::new(1, 2) && !spec.group {
                    continue;
                }
                installments += 1;
                // A group-wide audit pays each contract-quarter once, a random amount
                // (most of them wrong), on time.
                let fate = if spec.group { 1000 } else { random.below(1000) };
                let mut amount = expected;
                let mut paid_on = period
                    .due
                    .checked_sub_days(Days::new(random.below(10)))
                    .expect("a date")
                    .max(period.end + Days::new(1));
                match fate {
                    0..30 => continue, // never paid
                    30..70 => amount = (expected * Decimal::new(9, 1)).round_dp(2),
                    70..100 => {
                        amount = expected
                            + (expected * Decimal::new(2, 2))
                                .round_dp(2)
                                .max(Decimal::ONE)
                    }
                    100..140 => paid_on = period.due + Days::new(random.between(5, 60)),
                    _ if spec.group => {
                        amount = Decimal::new(random.between(100, 10_000_000) as i64, 2);
                    }
                    _ => {}
                }
                if paid_on > as_of {
                    continue;
                }
                let invoice = (contract.invoice != Invoice::None
                    && contract.payout_kind == "cash"
                    && !random.chance(20))
                .then(|| {
                    let late = if random.chance(10) {
                        45
                    } else {
                        random.below(12)
                    };
                    (
                        format!(
                            "{}{:018}",
                            paid_on.format("%y"),
                            mix(spec.seed, rows.len() as u64) % 1_000_000_000_000_000_000
                        ),
                        paid_on + Days::new(late),
                    )
                });
                rows.push(Row {
                    paid_on,
                    contract: index,
                    amount,
                    period: (split || spec.group || !random.chance(100)).then(|| label.clone()),
                    installment: split.then_some(number + 1),
                    invoice,
                });
            }
        }
    }
    rows.sort_by_key(|row| (row.paid_on, row.contract));
    let temporary = path.with_extension("csv.partial");
    let mut writer = csv::Writer::from_writer(BufWriter::new(File::create(&temporary)?));
    writer.write_record([
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
    ])?;
    for (number, row) in rows.iter().enumerate() {
        let contract = &world.contracts[row.contract];
        let (invoice_no, invoice_date, invoice_amount, rate, kind, issuer) = match &row.invoice {
            Some((no, date)) => (
                no.clone(),
                date.to_string(),
                format!("{:.2}", row.amount),
                "6%",
                if contract.invoice == Invoice::Special {
                    "专票"
                } else {
                    "普票"
                },
                tax_id(contract.agent),
            ),
            None => Default::default(),
        };
        writer.write_record([
            format!("LS{}{:06}", row.paid_on.format("%Y%m%d"), number),
            contract.id.clone(),
            row.paid_on.to_string(),
            format!("{:.2}", row.amount),
            "CNY".to_string(),
            contract.payout_kind.to_string(),
            row.period.clone().unwrap_or_default(),
            row.installment
                .map(|number| number.to_string())
                .unwrap_or_default(),
            invoice_no,
            invoice_date,
            invoice_amount,
            rate.to_string(),
            kind.to_string(),
            issuer,
        ])?;
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&temporary, path)?;
    Ok((installments, rows.len()))
}
