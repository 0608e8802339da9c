//! The demo's projection (docs/ARITHMETIC.md, "Projections"), computed here on its own from
//! the generated lines. ALI-2026-008 is a contract whose 2026 contract year is open on the
//! demo's audit date (2026-06-30): billed through June, its first quarter paid, its second
//! not yet due, and one step from its next tier — so the demo command itself shows a
//! projection, with a retroactive catch-up in what reaching the tier unlocks. Audited as of
//! 2025-06-30, TX-2025-002 is in the same position (marginal tiers, capped); the README gives
//! that command too.
//!
//! The contract is added after the rest of the demo, so the others' billing lines, payouts
//! and ids stay exactly as they were: its billing is a file of its own, its random sequence
//! its own, and its payout has an id of its own (`YJ-…`).

use super::*;

/// The contract whose year is open on the demo's audit date.
pub const CONTRACT: &str = "ALI-2026-008";

/// Its billing file's index in `billing_files()` (appended after the limitation's).
pub const FILE: usize = 11;

/// The contract also open (as of 2025-06-30) in the README's second command.
const EARLIER: &str = "TX-2025-002";

/// Whether the contract's payouts are made here rather than by the main ledger.
pub fn own(contract: &str) -> bool {
    contract == CONTRACT
}

/// The contract: calendar 2026, quarterly, retroactive tiers on the contract-year volume
/// (8% below 1,500,000, 12% from it); billed 200,000 … 250,000 a month through June.
pub fn contract() -> Contract {
    let one = Decimal::ONE;
    Contract {
        id: CONTRACT,
        customer: "宁波甬江智能制造有限公司",
        agent: "宁波云港信息科技有限公司",
        tax_id: uscc("91330201", "MA2J7K3P"),
        provider: "aliyun",
        accounts: vec!["1563208874412093"],
        acct_sep: ",",
        start: Date::ymd(2026, 1, 1),
        end: Date::ymd(2026, 12, 31),
        basis: Basis::ContractYear,
        mode: Mode::Retroactive,
        cap: None,
        settle: Settle::Quarterly,
        due_days: 30,
        grace_days: 5,
        renewed_on: None,
        invoice: "none",
        tax_rate: None,
        late_interest: None,
        payout_kind: "cash",
        tiers: tiers(&[(0, Some(1_500_000), "0.08"), (1_500_000, None, "0.12")]),
        coeffs: vec![
            (Product::Ecs, one),
            (Product::Oss, one),
            (Product::Rds, one),
        ],
        schedule: vec![],
        monthly: [200, 210, 220, 230, 240, 250]
            .iter()
            .map(|&x| k(x))
            .collect(),
        split: Split::Shares(vec![
            (Product::Oss, dec("0.2")),
            (Product::Rds, dec("0.15")),
        ]),
        acct_shares: vec![one],
        province: "33",
        pay_style: PayStyle::QuarterAndInstallment,
        naming: Naming::Codes,
        rng_seed: Some(0x0a11_2026_0101),
        mechanics: "A contract year open on the audit date: the 2026 term runs to 31 December, \
            billed through June (the bills of July onwards do not exist yet), so the audit \
            projects it. Retroactive tiers on the contract-year volume (8%, 12% from \
            1,500,000), settled quarterly: Q1 (630,000) is paid, Q2 (720,000) is due on \
            2026-07-30 and still open, Q3 and Q4 have nothing billed yet. With 1,350,000 \
            so far the year is 150,000 short of 12%: reaching it re-prices the whole year, \
            so it unlocks 72,000.00, of which 54,000.00 is the catch-up (section \"A contract \
            one step from its next tier\").",
    }
}

pub fn billing_file() -> BFile {
    BFile {
        path: "billing/aliyun/yongjiang-2026-h1.csv",
        kind: FileKind::Csv(Enc::Utf8Bom),
        layout: Layout::AliyunZh,
        title: &[],
        totals_row: false,
        refunds: RefundSign::Positive,
        parts: 1,
        sheet: "",
        note: "console download, the same layout as the 2025 file; ALI-2026-008 for \
               2026-01..2026-06 (the year is still open)",
    }
}

/// The contract's payout: Q1 paid in full a week before it was due (`YJ-0001`). Q2 is
/// due after the audit date and not paid yet; Q3 and Q4 expect nothing so far.
pub fn payouts(cs: &[Contract], insts: &[Inst]) -> Vec<Payout> {
    let Some(ci) = cs.iter().position(|c| c.id == CONTRACT) else {
        return Vec::new();
    };
    insts
        .iter()
        .filter(|i| i.contract == ci && i.pstart == Date::ymd(2026, 1, 1))
        .map(|i| Payout {
            id: "YJ-0001".into(),
            contract: CONTRACT.into(),
            paid_on: i.due.expect("due").plus(-8),
            amount: i.e,
            currency: "CNY",
            kind: "cash",
            period: Some("2026-Q1".into()),
            installment: None,
            inv_no: None,
            inv_date: None,
            inv_amount: None,
            inv_tax: None,
            inv_type: None,
            inv_issuer: None,
            reference: None,
            target: Some((i.contract, i.pstart, i.no)),
            mistake: None,
        })
        .collect()
}

/// A projection's figures, computed here from the definition.
struct Figures {
    year: Span,
    spent: Decimal,
    rate: Decimal,
    earned: Decimal,
    next: Tier,
    needed: Decimal,
    unlock: Decimal,
    catch_up: Decimal,
    left: i64,
    elapsed: i64,
    year_end: Decimal,
    projected: Decimal,
}

fn figures(c: &Contract, lines: &[Weighted], as_of: Date) -> Figures {
    assert_eq!(
        c.basis,
        Basis::ContractYear,
        "the projections below are for contract-year tiers"
    );
    let year = contract_years(c)
        .into_iter()
        .find(|y| y.start <= as_of && as_of <= y.end)
        .expect("an open contract year");
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
        .expect("a next tier")
        .clone();
    let needed = next.from - spent;
    let unlock = value(next.from) - value(spent);
    let catch_up = match c.mode {
        Mode::Retroactive => r2(spent * (next.rate - rate)).min(unlock),
        Mode::Marginal => Decimal::ZERO,
    };
    let elapsed = as_of.0 - year.start.0 + 1;
    let left = year.end.0 - as_of.0;
    let year_end = spent + r2(spent * Decimal::from(left) / Decimal::from(elapsed));
    let projected = value(year_end);
    // One step: the spend needed is at most two of the year's average months so far.
    let months = Decimal::from(as_of.m() - year.start.m() + 1);
    assert!(needed > Decimal::ZERO && needed <= spent / months * Decimal::TWO);
    assert!(year_end >= next.from, "the run rate reaches the next tier");
    Figures {
        year,
        spent,
        rate,
        earned: value(spent),
        next,
        needed,
        unlock,
        catch_up,
        left,
        elapsed,
        year_end,
        projected,
    }
}

/// The figures as a README table.
fn table(c: &Contract, f: &Figures) -> String {
    let mode = if c.mode == Mode::Marginal {
        "marginal tiers: no catch-up".to_string()
    } else {
        format!(
            "retroactive tiers: {} of it is the catch-up, the spend so far re-priced at {}",
            grp(f.catch_up),
            pct(f.next.rate)
        )
    };
    let cap = c
        .cap
        .map_or(String::new(), |cap| format!(" (capped at {})", grp(cap)));
    format!(
        "| figure | value |\n\
         |---|---:|\n\
         | spend so far (weighted base, the contract year {}) | {} |\n\
         | rate now ({}) / earned so far | {} / {} |\n\
         | next tier | {} at {} |\n\
         | spend needed | {} |\n\
         | reaching it unlocks ({mode}) | {} |\n\
         | year end at the run rate: {} + round({} × {} ÷ {}) | {} weighted |\n\
         | year-end rebate{cap} | {} |\n",
        span_text(f.year.start, f.year.end),
        grp(f.spent),
        if c.mode == Mode::Marginal {
            "marginal"
        } else {
            "retroactive"
        },
        pct(f.rate),
        grp(f.earned),
        grp(f.next.from),
        pct(f.next.rate),
        grp(f.needed),
        grp(f.unlock),
        grp(f.spent),
        grp(f.spent),
        f.left,
        f.elapsed,
        grp(f.year_end),
        grp(f.projected),
    )
}

/// Appends the README section and writes the README.
pub(crate) fn section(
    root: &Path,
    mut readme: String,
    cs: &[Contract],
    audit: &BillingAudit,
    as_of: Date,
) -> Res<String> {
    let at = |id: &str| cs.iter().position(|c| c.id == id).expect("the contract");
    let now = at(CONTRACT);
    let open = figures(&cs[now], &audit.weighted[now], as_of);
    assert_eq!(open.year.end, cs[now].end, "the term's only year is open");
    assert_eq!(
        as_of,
        as_of.month_end(),
        "billed through the audit date's month"
    );
    assert_eq!(
        as_of.m() % 3,
        0,
        "the audit date ends a quarter, due after it"
    );
    let earlier_day = Date::ymd(2025, 6, 30);
    let before = at(EARLIER);
    let earlier = figures(&cs[before], &audit.weighted[before], earlier_day);
    readme.push_str(&format!(
        "\n## A contract one step from its next tier (projection)\n\n\
         On the demo's audit date, {} — the demo command above — one contract year is open: \
         {CONTRACT}'s {}, billed through June. Every other demo term is over by then. Its \
         first quarter is paid; its second, due {}, is not yet due (`open`); nothing is \
         billed after June yet, so its third and fourth quarters expect nothing so far \
         (`nothing_due`), and none of this is a finding.\n\n{}\n\
         The summaries, report.html, report.xlsx (sheet `Projections`), findings.json \
         (`projections`) and `explain --contract {CONTRACT}` show it (docs/REPORTS.md).\n\n\
         Audited as of {} — the day of the worked finding in docs/ARITHMETIC.md — \
         {EARLIER}'s contract year {} is open too, with marginal tiers and a cap; the other \
         contracts open that day are listed beside it:\n\n\
         ```sh\n\
         cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    \
         --payouts samples/payouts.xlsx --as-of {} --out audit-out-2025\n\
         ```\n\n{}",
        as_of.iso(),
        span_text(open.year.start, open.year.end),
        as_of.plus(cs[now].due_days).iso(),
        table(&cs[now], &open),
        earlier_day.iso(),
        span_text(earlier.year.start, earlier.year.end),
        earlier_day.iso(),
        table(&cs[before], &earlier),
    ));
    fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}
