//! Tencent Cloud: how one billing line is written.

use super::*;

pub(super) fn tencent(l: &Line, sign: RefundSign) -> Vec<Cv> {
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
