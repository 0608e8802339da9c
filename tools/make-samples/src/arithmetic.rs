//! The expected installments, straight from the formulas of docs/ARITHMETIC.md.

use super::*;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub(crate) start: Date,
    pub(crate) end: Date,
    pub(crate) year: usize,
}

pub(crate) fn contract_years(c: &Contract) -> Vec<Span> {
    let mut v = Vec::new();
    let mut k = 0;
    loop {
        let s = add_years(c.start, k);
        if s > c.end {
            break;
        }
        let e = add_years(c.start, k + 1).plus(-1).min(c.end);
        v.push(Span {
            start: s,
            end: e,
            year: k as usize,
        });
        k += 1;
    }
    v
}

pub(crate) fn periods(c: &Contract) -> Vec<Span> {
    let years = contract_years(c);
    match c.settle {
        Settle::Annual => years,
        Settle::Term => vec![Span {
            start: c.start,
            end: c.end,
            year: 0,
        }],
        Settle::Monthly | Settle::Transparent | Settle::Quarterly => {
            let step = if c.settle == Settle::Quarterly { 3 } else { 1 };
            let mut v = Vec::new();
            for y in &years {
                let (sy, sm, _) = y.start.parts();
                // calendar block containing the year start
                let first_m = if step == 3 { (sm - 1) / 3 * 3 + 1 } else { sm };
                let (mut by, mut bm) = (sy, first_m);
                loop {
                    let bs = Date::ymd(by, bm, 1);
                    if bs > y.end {
                        break;
                    }
                    let (ey, em) = add_months(by, bm, step - 1);
                    let be = Date::ymd(ey, em, days_in_month(ey, em));
                    v.push(Span {
                        start: bs.max(y.start),
                        end: be.min(y.end),
                        year: y.year,
                    });
                    (by, bm) = add_months(by, bm, step);
                }
            }
            v
        }
    }
}

pub(crate) fn tier_fn(c: &Contract, b: Decimal) -> Decimal {
    if b <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    match c.mode {
        Mode::Retroactive => {
            let t = c
                .tiers
                .iter()
                .find(|t| t.from <= b && t.to.is_none_or(|to| b < to))
                .expect("brackets cover [0, inf)");
            b * t.rate
        }
        Mode::Marginal => c
            .tiers
            .iter()
            .map(|t| {
                let top = t.to.map_or(b, |to| b.min(to));
                t.rate * (top - t.from).max(Decimal::ZERO)
            })
            .sum(),
    }
}

/// A covered billing line: (date used by the audit, weighted base).
pub(crate) type Weighted = (Date, Decimal);

pub(crate) fn scope_base(lines: &[Weighted], s: &Span, t: Date) -> Decimal {
    lines
        .iter()
        .filter(|(d, _)| *d >= s.start && *d <= s.end && *d <= t)
        .map(|(_, w)| *w)
        .sum()
}

pub(crate) fn earned(c: &Contract, lines: &[Weighted], t: Date) -> Decimal {
    if let Some(amended) = amendments::earned(c, lines, t) {
        return amended;
    }
    let capped = |x: Decimal| c.cap.map_or(x, |cap| x.min(cap));
    let term = Span {
        start: c.start,
        end: c.end,
        year: 0,
    };
    if c.basis == Basis::Term || (c.basis == Basis::Period && c.settle == Settle::Term) {
        return capped(r2(tier_fn(c, scope_base(lines, &term, t))));
    }
    let years = contract_years(c);
    let scopes: Vec<Span> = match c.basis {
        Basis::Period => periods(c),
        Basis::ContractYear => years.clone(),
        Basis::Term => unreachable!(),
    };
    years
        .iter()
        .map(|y| {
            capped(
                scopes
                    .iter()
                    .filter(|s| s.year == y.year)
                    .map(|s| r2(tier_fn(c, scope_base(lines, s, t))))
                    .sum(),
            )
        })
        .sum()
}

#[derive(Clone, Debug)]
pub(crate) struct Inst {
    pub(crate) contract: usize,
    pub(crate) pstart: Date,
    pub(crate) pend: Date,
    pub(crate) no: u32,
    pub(crate) trigger: Trigger,
    pub(crate) portion: Portion,
    pub(crate) w: Decimal,
    pub(crate) earned_end: Decimal,
    pub(crate) e_period: Decimal,
    pub(crate) e: Decimal,
    pub(crate) due: Option<Date>,
    pub(crate) allocs: Vec<(Date, String, Decimal)>,
}

impl Inst {
    pub(crate) fn paid(&self) -> Decimal {
        self.allocs.iter().map(|a| a.2).sum()
    }
}

pub(crate) fn installments(ci: usize, c: &Contract, lines: &[Weighted]) -> Vec<Inst> {
    let mut out = Vec::new();
    let mut prev = Decimal::ZERO;
    for p in periods(c) {
        let e_end = earned(c, lines, p.end);
        let e_p = e_end - prev;
        prev = e_end;
        let (e_period, e_p) = (e_p, clawbacks::payable(c.id, e_p));
        let w: Decimal = lines
            .iter()
            .filter(|(d, _)| *d >= p.start && *d <= p.end)
            .map(|(_, w)| *w)
            .sum();
        let mut left = e_p;
        for (i, (trig, portion)) in c.effective_schedule().into_iter().enumerate() {
            let amount = match portion {
                Portion::Pct(x) => r2(e_p * x),
                Portion::Pt(n) => r2(w * n / Decimal::from(100)).min(left).max(Decimal::ZERO),
                Portion::Rest => left,
            };
            left -= amount;
            let due = match trig {
                Trigger::Settlement if c.settle == Settle::Transparent => {
                    Some(p.end.month_end().plus(1).month_end())
                }
                Trigger::Settlement => Some(p.end.plus(c.due_days)),
                Trigger::Renewal => c.renewed_on.map(|r| p.end.max(r).plus(c.due_days)),
            };
            out.push(Inst {
                contract: ci,
                pstart: p.start,
                pend: p.end,
                no: (i + 1) as u32,
                trigger: trig,
                portion,
                w,
                earned_end: e_end,
                e_period,
                e: amount,
                due,
                allocs: Vec::new(),
            });
        }
    }
    out
}
