//! Demo data for contract amendments: ALI-2025-005's supplementary agreement raises its
//! monthly tier rates from 2025-10-01 (not retroactive); the agent's offsets follow it,
//! and every period trail from October names the amendment.
//!
//! The generator's own arithmetic follows docs/ARITHMETIC.md ("Amendments") for the
//! `period` basis, the only one the demo amends: each month is priced under the table in
//! force for it.

use super::*;

/// One amendment of the demo: a new tier table from a date.
pub(crate) struct Amendment {
    pub(crate) contract: &'static str,
    pub(crate) id: &'static str,
    pub(crate) effective: Date,
    pub(crate) tiers: Vec<Tier>,
}

/// The demo's amendments.
pub(crate) fn amendments() -> Vec<Amendment> {
    vec![Amendment {
        contract: "ALI-2025-005",
        id: "ALI-2025-005-补1",
        effective: Date::ymd(2025, 10, 1),
        tiers: tiers(&[(0, Some(50_000), "0.11"), (50_000, None, "0.13")]),
    }]
}

/// Earned(t) for an amended contract (`None` for any other): every period priced under
/// the table in force for it as known at `t`.
pub(crate) fn earned(c: &Contract, lines: &[Weighted], t: Date) -> Option<Decimal> {
    let amendment = amendments().into_iter().find(|a| a.contract == c.id)?;
    assert_eq!(
        c.basis,
        Basis::Period,
        "the demo amends a period-basis contract"
    );
    let mut amended = c.clone();
    amended.tiers = amendment.tiers.clone();
    let capped = |x: Decimal| c.cap.map_or(x, |cap| x.min(cap));
    let scopes = periods(c);
    Some(
        contract_years(c)
            .iter()
            .map(|y| {
                capped(
                    scopes
                        .iter()
                        .filter(|s| s.year == y.year)
                        .map(|s| {
                            let table =
                                if amendment.effective <= t && amendment.effective <= s.start {
                                    &amended
                                } else {
                                    c
                                };
                            r2(tier_fn(table, scope_base(lines, s, t)))
                        })
                        .sum(),
                )
            })
            .sum(),
    )
}

/// The amended tables' rows of the `tiers` sheet, from row `r` (the fifth column is the
/// amendment id).
pub(crate) fn write_tier_rows(ws: &mut Worksheet, f: &Fmts, mut r: u32) -> Res<()> {
    for a in amendments() {
        for t in &a.tiers {
            ws.write_string(r, 0, a.contract)?;
            ws.write_number_with_format(r, 1, f64_of(t.from), &f.money)?;
            if let Some(to) = t.to {
                ws.write_number_with_format(r, 2, f64_of(to), &f.money)?;
            }
            ws.write_number_with_format(r, 3, f64_of(t.rate), &f.pct0)?;
            ws.write_string(r, 4, a.id)?;
            r += 1;
        }
    }
    Ok(())
}

/// The `变更` (amendments) sheet, with Chinese headers.
pub(crate) fn write_sheet(wb: &mut Workbook, f: &Fmts) -> Res<()> {
    let ws = wb.add_worksheet();
    ws.set_name("变更")?;
    write_header(
        ws,
        f,
        &[
            "合同编号",
            "变更编号",
            "生效日期",
            "变更内容",
            "新值",
            "追溯",
        ],
    )?;
    for (i, a) in amendments().iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, a.contract)?;
        ws.write_string(r, 1, a.id)?;
        ws.write_datetime_with_format(r, 2, a.effective.excel()?, &f.date)?;
        ws.write_string(r, 3, "阶梯")?;
        ws.write_string(r, 5, "不追溯")?;
    }
    Ok(())
}

/// The README's paragraph on a contract's amendment (nothing for the others).
pub(crate) fn readme(w: &mut String, c: &Contract) -> Res<()> {
    for a in amendments().iter().filter(|a| a.contract == c.id) {
        let rates: Vec<String> = a.tiers.iter().map(|t| pct(t.rate)).collect();
        writeln!(w)?;
        writeln!(
            w,
            "**Amendment {}** (sheet `变更`): from {} the tier table is {} (from 50,000), not \
             retroactive — months before keep the contract's own table, each month from October \
             is priced under the new one, and every period trail from then on names the \
             amendment: 2026-03 (59,876.54) is due 59,876.54 × 13% = 7,783.95, not the 7,185.18 \
             of the old 12%, and the agent's offset RB-0042 pays it.",
            a.id,
            a.effective.iso(),
            rates.join(" / ")
        )?;
    }
    Ok(())
}
