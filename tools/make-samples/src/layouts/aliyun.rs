//! Alibaba Cloud: accounts, products, instances and the two bill-detail layouts (Chinese and English header).

use super::*;

pub(super) struct AliAccount {
    pub(super) name: &'static str,
    pub(super) region_zh: &'static str,
    pub(super) region_en: &'static str,
    pub(super) region_id: &'static str,
    pub(super) zone: &'static str,
    /// instance-id region infix, as Alibaba ids carry it (`i-bp…` Hangzhou, `i-uf…` Shanghai)
    pub(super) infix: &'static str,
}

pub(super) fn ali_account(acct: &str) -> AliAccount {
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
pub(super) fn ali_product(p: Product) -> (&'static str, &'static str, &'static str) {
    match p {
        Product::Ecs => ("ecs", "云服务器 ECS", "Elastic Compute Service"),
        Product::Oss => ("oss", "对象存储 OSS", "Object Storage Service"),
        Product::Rds => ("rds", "云数据库 RDS 版", "ApsaraDB RDS"),
        Product::Slb => ("slb", "负载均衡", "Server Load Balancer"),
        Product::Marketplace => ("market", "云市场", "Alibaba Cloud Marketplace"),
    }
}

pub(super) fn ali_instance(l: &Line, a: &AliAccount) -> String {
    let k = &l.instance;
    match l.product {
        Product::Ecs => format!("i-{}{}", a.infix, &k[..17.min(k.len())]),
        Product::Rds => format!("rm-{}{}", a.infix, k),
        Product::Slb => format!("lb-{}{}", a.infix, k),
        Product::Oss => format!("{};standard", a.region_id),
        Product::Marketplace => format!("cmjj{}", &key_hex(l, 8)),
    }
}

pub(super) struct AliFacts {
    pub(super) acct: AliAccount,
    pub(super) time: String,
    pub(super) start: String,
    pub(super) end: String,
    pub(super) order_no: String,
    pub(super) instance: String,
    pub(super) nick: String,
    pub(super) config: &'static str,
    pub(super) spec: &'static str,
    pub(super) private_ip: String,
    pub(super) billing_item_zh: &'static str,
    pub(super) billing_item_en: &'static str,
    pub(super) unit_price: Decimal,
    pub(super) unit_zh: &'static str,
    pub(super) unit_en: &'static str,
    pub(super) usage: Decimal,
    pub(super) usage_unit_zh: &'static str,
    pub(super) usage_unit_en: &'static str,
}

pub(super) fn ali_facts(l: &Line) -> AliFacts {
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

pub(super) fn net_cell(l: &Line, sign: RefundSign) -> Cv {
    match l.bad_net {
        Some(raw) => t(raw),
        None => Cv::M(signed(l, sign, l.net)),
    }
}

pub(super) fn aliyun_zh(l: &Line, sign: RefundSign) -> Vec<Cv> {
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

pub(super) fn aliyun_en(l: &Line, sign: RefundSign) -> Vec<Cv> {
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
