//! The demo's projection (docs/ARITHMETIC.md, "Projections"), computed here on its own from
//! the generated lines: TX-2025-002 audited as of 2025-06-30 is one step from its next tier.
//! The demo command (as of 2026-06-30) finds every term over and shows no projection, so
//! the README gives the command that shows this one, with its numbers.

use super::*;

const CONTRACT: &str = "TX-2025-002";

/// Appends the README section and writes the README.
pub(crate) fn section(
    root: &Path,
    mut readme: String,
    cs: &[Contract],
    audit: &BillingAudit,
) -> Res<String> {
    let as_of = Date::ymd(2025, 6, 30);
    let day = as_of.iso();
    let ci = cs
        .iter()
        .position(|c| c.id == CONTRACT)
        .expect("the contract");
    let c = &cs[ci];
    assert_eq!(
        c.basis,
        Basis::ContractYear,
        "the projection below is for contract-year tiers"
    );
    let year = contract_years(c)
        .into_iter()
        .find(|y| y.start <= as_of && as_of <= y.end)
        .expect("an open contract year");
    let lines = &audit.weighted[ci];
    let capped = |x: Decimal| c.cap.map_or(x, |cap| x.min(cap));
    let value = |b: Decimal| capped(r2(tier_fn(c, b)));
    let spent = scope_base(lines, &year, as_of);
    let rate_of = |b: Decimal| {
        c.tiers
            .iter()
            .find(|t| t.from <= b && t.to.is_none_or(|to| b < to))
            .map_or(Decimal::ZERO, |t| t.rate)
    };
    let rate = rate_of(spent);
    let next = c
        .tiers
        .iter()
        .find(|t| t.from > spent && t.rate > rate)
        .expect("a next tier");
    let needed = next.from - spent;
    let unlock = value(next.from) - value(spent);
    let elapsed = as_of.0 - year.start.0 + 1;
    let left = year.end.0 - as_of.0;
    let year_end = spent + r2(spent * Decimal::from(left) / Decimal::from(elapsed));
    let projected = value(year_end);
    // One step: the spend needed is at most two of the year's average months so far.
    let months = Decimal::from(as_of.m() - year.start.m() + 1);
    assert!(needed > Decimal::ZERO && needed <= spent / months * Decimal::TWO);
    assert!(year_end >= next.from, "the run rate reaches the next tier");
    readme.push_str(&format!(
        "\n## A contract one step from its next tier (projection)\n\n\
         Audited as of 2026-06-30 every demo term is over, so the demo's reports show no \
         projection. Audited as of {day} — the day of the worked finding in \
         docs/ARITHMETIC.md — {CONTRACT}'s contract year {} is open:\n\n\
         ```sh\n\
         cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    \
         --payouts samples/payouts.xlsx --as-of {day} --out audit-out-2025\n\
         ```\n\n\
         | figure | value |\n\
         |---|---:|\n\
         | spend so far (weighted base, the contract year) | {} |\n\
         | rate now ({}) / earned so far | {} / {} |\n\
         | next tier | {} at {} |\n\
         | spend needed | {} |\n\
         | reaching it unlocks ({} tiers: no catch-up) | {} |\n\
         | year end at the run rate: {} + round({} × {left} ÷ {elapsed}) | {} weighted |\n\
         | year-end rebate (capped at {}) | {} |\n\n\
         The summaries, report.html, report.xlsx (sheet `Projections`), findings.json \
         (`projections`) and `explain --contract {CONTRACT}` show it (docs/REPORTS.md); the \
         other contracts open that day are listed beside it.\n",
        span_text(year.start, year.end),
        grp(spent),
        if c.mode == Mode::Marginal { "marginal" } else { "retroactive" },
        pct(rate),
        grp(value(spent)),
        grp(next.from),
        pct(next.rate),
        grp(needed),
        if c.mode == Mode::Marginal { "marginal" } else { "retroactive" },
        grp(unlock),
        grp(spent),
        grp(spent),
        grp(year_end),
        opt_money(c.cap),
        grp(projected),
    ));
    fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}
