//! docs/ARITHMETIC.md reconciliation (independent re-implementation, only to prove the demo data).

use super::*;

#[derive(Clone, Debug, Default)]
pub(crate) struct Finding {
    pub(crate) ftype: &'static str,
    pub(crate) reason: Option<&'static str>,
    pub(crate) contract: String,
    pub(crate) period: Option<(Date, Date)>,
    pub(crate) installment: Option<u32>,
    pub(crate) payout: Option<String>,
    pub(crate) expected: Option<Decimal>,
    pub(crate) paid: Option<Decimal>,
    pub(crate) difference: Option<Decimal>,
    pub(crate) due_on: Option<Date>,
    pub(crate) paid_on: Option<Date>,
    pub(crate) days_late: Option<i64>,
    pub(crate) interest: Option<Decimal>,
    pub(crate) amount: Option<Decimal>,
}

pub(crate) fn ref_range(s: &str) -> Option<(Date, Date)> {
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

pub(crate) fn reconcile(
    cs: &[Contract],
    insts: &mut [Inst],
    payouts: &[Payout],
    as_of: Date,
) -> Vec<Finding> {
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
pub(crate) fn limitation_years(c: &Contract) -> Option<i64> {
    matches!(c.provider, "aliyun" | "tencent" | "huawei").then_some(3)
}

/// The same month and day `years` later, or that month's last day (29 February).
pub(crate) fn plus_years(d: Date, years: i64) -> Date {
    let (y, m, day) = d.parts();
    Date::ymd(y + years, m, day.min(days_in_month(y + years, m)))
}

/// docs/ARITHMETIC.md, "Duplicate payouts": a later payout (by date, then id) with the same
/// contract, amount, date and reference as an earlier one. The demo's one double booking
/// names its installment and finds it paid, so without it the installment is paid and the
/// whole amount is the overpayment.
pub(crate) fn duplicate_payouts(
    cs: &[Contract],
    insts: &[Inst],
    payouts: &[Payout],
) -> Vec<Finding> {
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
