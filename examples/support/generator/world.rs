//! The world a run is drawn from: products, regions, agents, accounts with their fleets of instances, and contracts scaled to their spend.

use super::*;

pub(super) struct Product {
    pub(super) code: &'static str,
    /// Product name in the generic template, and the long spelling some exports use.
    pub(super) generic: [&'static str; 2],
    /// 产品
    pub(super) name: &'static str,
    /// Per mille of instances.
    pub(super) share: u64,
    /// The largest pay-as-you-go line, in cents.
    pub(super) hourly_max: i64,
    /// 计费项
    pub(super) item: &'static str,
    /// 单价单位 and 用量单位 of pay-as-you-go lines.
    pub(super) price_unit: &'static str,
    pub(super) usage_unit: &'static str,
    /// Unit price in cents for usage-priced products (0: priced by the hour, usage 1).
    pub(super) unit_price: i64,
    pub(super) specs: &'static [&'static str],
    pub(super) configs: &'static [&'static str],
}

pub(super) const PRODUCTS: [Product; 5] = [
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
pub(super) const REGIONS: [(&str, &str, &str, &str); 4] = [
    ("华东1（杭州）", "cn-hangzhou", "cn-hangzhou-h", "bp"),
    ("华东2（上海）", "cn-shanghai", "cn-shanghai-l", "uf"),
    ("华北2（北京）", "cn-beijing", "cn-beijing-k", "2z"),
    ("华南1（深圳）", "cn-shenzhen", "cn-shenzhen-e", "wz"),
];

pub(super) const COST_UNITS: [&str; 5] = ["未分配", "研发中心", "市场部", "数据平台", "电商事业部"];
pub(super) const TAGS: [&str; 5] = [
    "env:prod;team:web",
    "env:prod;team:data",
    "env:test;team:web",
    "env:staging;team:app",
    "",
];
pub(super) const AGENTS: [&str; 6] = [
    "杭州云擎信息技术有限公司",
    "上海数联科技有限公司",
    "北京智算云服务有限公司",
    "深圳前海云帆网络有限公司",
    "Nimbus Partners Ltd",
    "南京云栈软件有限公司",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    PayAsYouGo,
    Subscription,
    Refund,
}

pub(super) struct Instance {
    pub(super) product: usize,
    pub(super) id: String,
    pub(super) nick: String,
    pub(super) spec: usize,
    pub(super) region: usize,
    pub(super) public_ip: String,
    pub(super) private_ip: String,
    pub(super) tag: usize,
}

pub(super) struct Account {
    /// 账号ID: a 16-digit UID.
    pub(super) id: String,
    /// 账号: the login name.
    pub(super) name: String,
    pub(super) contract: Option<usize>,
    pub(super) weight: u64,
    /// Seconds from 2024-01-01 00:00 during which it is billed, `[from, to)`.
    pub(super) active: (u64, u64),
    /// Contract discount off list, per mille.
    pub(super) discount: i64,
    /// Writes product names the long way in the generic template.
    pub(super) long_names: bool,
    pub(super) cost_unit: usize,
    pub(super) instances: Vec<Instance>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    Net,
    List,
    Cash,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Invoice {
    None,
    Special,
    General,
}

pub(super) struct Contract {
    pub(super) id: String,
    pub(super) customer: String,
    pub(super) agent: usize,
    pub(super) accounts: Vec<usize>,
    pub(super) start_month: usize,
    pub(super) months: usize,
    pub(super) basis: Basis,
    pub(super) mode: Mode,
    pub(super) settlement: Settlement,
    pub(super) due_days: u64,
    pub(super) grace_days: Option<u32>,
    pub(super) base: Base,
    pub(super) tiers: Vec<Tier>,
    pub(super) cap: Option<i64>,
    /// Product coefficients in hundredths, by product index.
    pub(super) coefficients: [i64; 5],
    pub(super) schedule: Vec<Portion>,
    pub(super) invoice: Invoice,
    pub(super) payout_kind: &'static str,
    pub(super) late_interest: Option<&'static str>,
}

pub(super) struct World {
    pub(super) accounts: Vec<Account>,
    pub(super) contracts: Vec<Contract>,
}

pub(super) fn tax_id(agent: usize) -> String {
    format!("91330100MA2{:06}X", mix(agent as u64, 77) % 1_000_000)
}

/// Rounds to two significant digits, at least 1,000.
pub(super) fn nice(value: f64) -> i64 {
    if value < 1_000.0 {
        return 1_000;
    }
    let magnitude = 10f64.powi(value.log10().floor() as i32 - 1);
    ((value / magnitude).round() * magnitude) as i64
}

/// A billing line's kind and list amount in cents.
pub(super) fn draw_amount(random: &mut Rng, product: &Product) -> (Kind, i64) {
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

pub(super) fn new_account(
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

pub(super) fn build_world(spec: &Spec) -> World {
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
