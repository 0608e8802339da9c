//! None: how one billing line is written.

use super::*;

// Azure (EA and MCA)
// ---------------------------------------------------------------------------------------

pub(super) struct Meter {
    /// the meter's id (the same on every line of the meter)
    pub(super) id: &'static str,
    /// MCA product id
    pub(super) product_id: &'static str,
    pub(super) category: &'static str,
    pub(super) sub: &'static str,
    pub(super) name: &'static str,
    pub(super) family: &'static str,
    pub(super) service: &'static str,
    pub(super) unit: &'static str,
    pub(super) quantity: Decimal,
    pub(super) provider_path: &'static str,
    pub(super) resource: String,
    pub(super) part: &'static str,
}

pub(super) fn meter(l: &Line, r: &mut Lcg) -> Meter {
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
pub(super) fn azure_purchase(l: &Line) -> bool {
    l.product == Product::Rds && !l.refund && pres(l).below(3) == 0
}

/// The reservation a purchase (or its refund) is about: order name and reservation name.
pub(super) fn reservation_names(p: Product, region: &str) -> (String, &'static str) {
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

pub(super) fn per_unit(x: Decimal, q: Decimal) -> Decimal {
    (x / q).round_dp_with_strategy(8, RoundingStrategy::MidpointAwayFromZero)
}

pub(super) const EA_ENROLLMENT_NAME: &str = "Beijing Zhilian Medical Technology Co., Ltd.";

pub(super) fn azure_ea(l: &Line, _sign: RefundSign) -> Vec<Cv> {
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
pub(super) fn mca_invoice(y: i64, m: i64) -> String {
    let mut r = Lcg((y * 100 + m) as u64 * 7_919);
    r.next();
    format!("G0{}", digits(&mut r, 8))
}

/// USD → CNY rate of a month (pricing currency to billing currency).
pub(super) fn mca_rate(y: i64, m: i64) -> Decimal {
    Decimal::new(71_600 + ((y * 12 + m) % 7) * 45, 4)
}

pub(super) fn azure_mca(l: &Line, sign: RefundSign) -> Vec<Cv> {
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
