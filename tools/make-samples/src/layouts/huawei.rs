//! Huawei Cloud: how one billing line is written.

use super::*;

/// Rows shown as Excel displays them: the refunds, and the December 2024 block someone
/// formatted as currency before saving the file from Excel.
pub(super) fn huawei_excel_row(l: &Line) -> bool {
    l.refund || l.month == (2024, 12)
}

pub(super) fn huawei(l: &Line, sign: RefundSign) -> Vec<Cv> {
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
