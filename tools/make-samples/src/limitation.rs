//! The demo's claim near expiry (issue 19, point 4; docs/ARITHMETIC.md, "Limitation
//! periods"): HW-2023-007, the contract before HW-2024-003 (same customer, same agent,
//! July 2023 to June 2024, quarterly). Its 2023-Q3 installment, due 2023-10-30, was paid
//! 3,000.00 short; under the Huawei ruleset's `[limitation]` (PRC Civil Code art. 188,
//! three years from the due date) the claim expires on 2026-10-30, 122 days after the
//! demo's audit date — inside the 180-day window, so it is a `limitation` finding
//! (`expiring`) that the summary lists first. The other quarters were paid in full.
//!
//! Everything of it is added after the rest of the demo, so the other contracts' billing
//! lines, payouts, ids and ledger rows stay exactly as they were: its billing is a file of
//! its own, its random sequence its own, and its payouts (from last year's ledger) are
//! keyed in at the end of the demo ledger under ids of their own (`SY-…`).

use super::*;

/// The contract's id.
pub const CONTRACT: &str = "HW-2023-007";

/// Its billing file's index in `billing_files()` (appended last).
pub const FILE: usize = 10;

/// The quarter paid short, and by how much.
const SHORT_QUARTER: (i64, u32, u32) = (2023, 7, 1);
const SHORT_BY: &str = "3000.00";

pub fn contract() -> Contract {
    let one = Decimal::ONE;
    Contract {
        id: CONTRACT,
        customer: "成都天府智算科技有限公司",
        agent: "四川蜀云信息技术有限公司",
        tax_id: uscc("91510107", "MA6CB9RH"),
        provider: "huawei",
        accounts: vec!["cdtf-prod"],
        acct_sep: ",",
        start: Date::ymd(2023, 7, 1),
        end: Date::ymd(2024, 6, 30),
        basis: Basis::Period,
        mode: Mode::Retroactive,
        cap: None,
        settle: Settle::Quarterly,
        due_days: 30,
        grace_days: 5,
        renewed_on: None,
        invoice: "vat_special",
        tax_rate: Some(dec("0.06")),
        late_interest: Some(dec("0.0003")),
        payout_kind: "cash",
        tiers: tiers(&[(0, Some(250_000), "0.06"), (250_000, None, "0.08")]),
        coeffs: vec![
            (Product::Ecs, one),
            (Product::Oss, one),
            (Product::Rds, one),
            (Product::Slb, one),
        ],
        schedule: vec![],
        monthly: [78, 82, 85, 88, 90, 95, 80, 84, 86, 92, 95, 98]
            .iter()
            .map(|&x| k(x))
            .collect(),
        split: Split::Shares(vec![
            (Product::Oss, dec("0.2")),
            (Product::Rds, dec("0.15")),
            (Product::Slb, dec("0.1")),
        ]),
        acct_shares: vec![one],
        province: "51",
        pay_style: PayStyle::QuarterAndInstallment,
        naming: Naming::Codes,
        rng_seed: Some(0x4857_2023_0701),
        mechanics: "The contract before HW-2024-003 (same customer and agent, one account), \
            settled quarterly with retroactive tiers per quarter (6%, 8% from 250,000: \
            2024-Q1's 250,000.00 sits exactly on the boundary and earns 8%). Its 2023-Q3 \
            installment, due 2023-10-30, was paid 3,000.00 short and never made good: a claim \
            near its limitation period. Under the Huawei ruleset's `[limitation]` (PRC Civil \
            Code art. 188, three years from the due date) it expires on 2026-10-30, 122 days \
            after the audit date, inside the 180-day window: the `underpaid` finding carries \
            `expires_on = 2026-10-30`, and a `limitation` finding (`expiring`, warning) is \
            the first thing the summary lists. Its payouts come from last year's ledger, \
            keyed in at the end of `payouts.xlsx` under their own ids (`SY-…`).",
    }
}

pub fn billing_file() -> BFile {
    BFile {
        path: "billing/huawei/huawei-2023-2024-gbk.csv",
        kind: FileKind::Csv(Enc::Gbk),
        layout: Layout::Huawei,
        title: &[],
        totals_row: false,
        refunds: RefundSign::Negative,
        parts: 1,
        sheet: "",
        note: "the same 资源按账期 export as the 2024-2025 file, one account, 8-decimal amounts; \
               HW-2023-007 for 2023-07..2024-06",
    }
}

/// The 2023-Q3 installment paid short.
pub fn mistakes() -> Vec<(&'static str, Date, u32, Mistake)> {
    let (y, m, no) = SHORT_QUARTER;
    vec![(
        CONTRACT,
        Date::ymd(y, i64::from(m), 1),
        no,
        Mistake::Underpaid(SHORT_BY),
    )]
}

/// Moves the contract's payouts (numbered with the others by `make_payouts`) to the end
/// of the ledger under ids `SY-0001…`, and numbers the others `RB-0001…` again in their
/// order — the ids and rows they had before this contract was added.
pub fn ledger_2023(payouts: &mut Vec<Payout>) {
    let (old, mut rest): (Vec<Payout>, Vec<Payout>) =
        payouts.drain(..).partition(|p| p.contract == CONTRACT);
    for (n, p) in rest
        .iter_mut()
        .filter(|p| p.id.starts_with("RB-"))
        .enumerate()
    {
        p.id = format!("RB-{:04}", n + 1);
    }
    rest.extend(old.into_iter().enumerate().map(|(n, mut p)| {
        p.id = format!("SY-{:04}", n + 1);
        p
    }));
    *payouts = rest;
}

/// The findings the contract must produce: the short quarter, and its claim near expiry.
pub fn intended() -> Vec<(String, &'static str, Option<&'static str>)> {
    vec![
        (CONTRACT.into(), "underpaid", None),
        (CONTRACT.into(), "limitation", Some("expiring")),
    ]
}

/// A finding's `expires_on` as expected.json states it: the claim of an `unpaid` or
/// `underpaid` installment (and its `limitation` finding) under a ruleset with a
/// `[limitation]` table expires 3 years after its due date.
pub fn expires_on(f: &Finding, cs: &[Contract]) -> Option<String> {
    let claim = matches!(f.ftype, "unpaid" | "underpaid" | "limitation");
    let c = cs.iter().find(|c| c.id == f.contract)?;
    let years = limitation_years(c).filter(|_| claim)?;
    Some(plus_years(f.due_on?, years).iso())
}
