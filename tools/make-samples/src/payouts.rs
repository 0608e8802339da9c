//! The payout ledger: what the agent paid, with the demo's deliberate mistakes.

use super::*;

#[derive(Clone, Debug)]
pub(crate) struct Payout {
    pub(crate) id: String,
    pub(crate) contract: String,
    pub(crate) paid_on: Date,
    pub(crate) amount: Decimal,
    pub(crate) currency: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) period: Option<String>,
    pub(crate) installment: Option<u32>,
    pub(crate) inv_no: Option<String>,
    pub(crate) inv_date: Option<Date>,
    pub(crate) inv_amount: Option<Decimal>,
    pub(crate) inv_tax: Option<Decimal>,
    pub(crate) inv_type: Option<&'static str>,
    pub(crate) inv_issuer: Option<String>,
    /// the bank's reference of the transfer (only the demo's double booking has one)
    pub(crate) reference: Option<String>,
    /// (contract index, period start, installment) the payout was written for
    pub(crate) target: Option<(usize, Date, u32)>,
    /// deliberate mistake, if any
    pub(crate) mistake: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) enum Mistake {
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

pub(crate) fn mistakes() -> Vec<(&'static str, Date, u32, Mistake)> {
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
pub(crate) fn wrong_issuer() -> String {
    uscc("91440300", "MA5G2R7N")
}

pub(crate) fn period_ref(c: &Contract, i: &Inst) -> Option<String> {
    match c.pay_style {
        PayStyle::NoPeriod => None,
        PayStyle::Month => Some(ym(i.pstart.y(), i.pstart.m())),
        PayStyle::QuarterAndInstallment => {
            let q = (i.pstart.m() - 1) / 3 + 1;
            Some(format!("{}-Q{q}", i.pstart.y()))
        }
    }
}

pub(crate) fn make_payouts(cs: &[Contract], insts: &[Inst]) -> Vec<Payout> {
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

pub(crate) fn write_payouts(root: &Path, ps: &[Payout]) -> Res<()> {
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
