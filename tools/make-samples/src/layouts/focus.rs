//! None: how one billing line is written.

use super::*;

// FOCUS (Alibaba Cloud's FOCUS 1.0 export)
// ---------------------------------------------------------------------------------------

/// Months written the provider's way: the China-time month as UTC instants with `Z`
/// (March 2025 starts `2025-02-28T16:00:00Z`); later months as local midnight without a
/// zone (`2025-09-01 00:00:00`), as the official FOCUS sample writes its timestamps.
pub(super) fn focus_utc_month(month: (i64, i64)) -> bool {
    month <= (2025, 8)
}

pub const FOCUS_ISSUER: &str = "江苏云联数智科技有限公司";
pub const FOCUS_ACCOUNT_NAME: &str = "苏州金鸡湖精工智能装备有限公司";

pub(super) fn focus(l: &Line, _sign: RefundSign) -> Vec<Cv> {
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
