//! The demo's clawback (docs/ARITHMETIC.md, "Clawbacks"): TX-2025-007, whose contract says
//! `clawback = none`, is the worked example — a retroactive tier reached in Q2, a downgrade
//! in August that drops the year back below it — and its reseller deducted Q3's negative
//! rebate from Q4's payout anyway. Its payouts carry their own ids (`SZ-…`), so the other
//! contracts' payout ids stay as they were.

use super::*;

/// The demo contract with a clawback rule.
pub const ID: &str = "TX-2025-007";

/// The contract's `clawback` cell, if it is the one that names a rule.
pub fn rule(contract: &str) -> Option<&'static str> {
    (contract == ID).then_some("none")
}

/// Whether the contract's payouts are made here rather than by the main ledger.
pub fn own(contract: &str) -> bool {
    contract == ID
}

/// E_p after the contract's rule (`none`: a negative period counts as 0).
pub fn payable(contract: &str, period_rebate: Decimal) -> Decimal {
    match rule(contract) {
        Some("none") => period_rebate.max(Decimal::ZERO),
        _ => period_rebate,
    }
}

/// The contract: 2025, quarterly, retroactive tiers on the contract year (10% below
/// 1,000,000, 15% from it); W = 600,000, 500,000, −150,000 (a downgrade credited in
/// August), 300,000 by quarter.
pub fn contract() -> Contract {
    Contract {
        id: ID,
        customer: "深圳南山云帆网络科技有限公司",
        agent: "深圳市腾翼云计算服务有限公司",
        tax_id: uscc("91440300", "MA5FT8QW"),
        provider: "tencent",
        accounts: vec!["100012345702"],
        acct_sep: ",",
        start: Date::ymd(2025, 1, 1),
        end: Date::ymd(2025, 12, 31),
        basis: Basis::ContractYear,
        mode: Mode::Retroactive,
        cap: None,
        settle: Settle::Quarterly,
        due_days: 30,
        grace_days: 0,
        renewed_on: None,
        invoice: "none",
        tax_rate: None,
        late_interest: None,
        payout_kind: "cash",
        tiers: tiers(&[(0, Some(1_000_000), "0.10"), (1_000_000, None, "0.15")]),
        coeffs: vec![(Product::Ecs, Decimal::ONE)],
        schedule: vec![],
        monthly: [200, 200, 200, 150, 150, 200, 20, -190, 20, 100, 100, 100]
            .iter()
            .map(|&x| k(x))
            .collect(),
        split: Split::Shares(vec![]),
        acct_shares: vec![Decimal::ONE],
        province: "44",
        pay_style: PayStyle::QuarterAndInstallment,
        naming: Naming::TencentConsole,
        rng_seed: Some(0x0c1a_2025_0807),
        mechanics: "The clawback: `clawback = none` (不追回) — a settled quarter's rebate stands, \
            and a quarter whose refunds make its rebate negative counts as 0 without reducing a \
            later one. Retroactive tiers on the contract-year volume (10%, 15% from 1,000,000), \
            settled quarterly: 600,000 in Q1 earn 60,000; 500,000 in Q2 reach 15% (105,000 with \
            the catch-up); a downgrade credited in August (−190,000 of ECS, as negative rows) \
            leaves Q3 at −150,000, the year back at 950,000 and E = −70,000, which the contract \
            does not claw back; Q4's 300,000 earn 92,500. The reseller paid Q4 22,500 — Q3's \
            70,000 deducted, as a `carry_forward` contract would allow — so Q4 is underpaid \
            with the likely cause `clawback_not_allowed`. The worked example of \
            docs/ARITHMETIC.md, \"Clawbacks\".",
    }
}

/// The deliberate mistake: Q4 paid 70,000 short (Q3's negative rebate deducted).
pub fn mistakes() -> Vec<(&'static str, Date, u32, Mistake)> {
    vec![(
        ID,
        Date::ymd(2025, 10, 1),
        1,
        Mistake::Underpaid("70000.00"),
    )]
}

/// The finding the demo must show for it.
pub fn findings() -> Vec<(String, &'static str, Option<&'static str>)> {
    vec![(ID.into(), "underpaid", None)]
}

/// The contract's payouts: each quarter's installment paid 20 days after the quarter,
/// naming its quarter, Q4 short by its mistake; ids `SZ-0001`, ….
pub fn payouts(cs: &[Contract], insts: &[Inst]) -> Vec<Payout> {
    let Some(ci) = cs.iter().position(|c| c.id == ID) else {
        return Vec::new();
    };
    let ms = mistakes();
    let mut out = Vec::new();
    for i in insts
        .iter()
        .filter(|i| i.contract == ci && i.e > Decimal::ZERO)
    {
        let mistake = ms
            .iter()
            .find(|m| m.1 == i.pstart && m.2 == i.no)
            .map(|m| m.3.clone());
        let amount = match &mistake {
            Some(Mistake::Underpaid(short)) => i.e - dec(short),
            _ => i.e,
        };
        let q = (i.pstart.m() - 1) / 3 + 1;
        out.push(Payout {
            id: format!("SZ-{:04}", out.len() + 1),
            contract: ID.into(),
            paid_on: i.pend.plus(20),
            amount,
            currency: "CNY",
            kind: "cash",
            period: Some(format!("{}-Q{q}", i.pstart.y())),
            installment: None,
            inv_no: None,
            inv_date: None,
            inv_amount: None,
            inv_tax: None,
            inv_type: None,
            inv_issuer: None,
            reference: None,
            target: Some((i.contract, i.pstart, i.no)),
            mistake: mistake.map(|m| format!("{m:?}")),
        });
    }
    out
}

/// The README's section on the clawback.
pub fn section(root: &Path, mut readme: String) -> Res<String> {
    readme.push_str(
        "\n## The clawback\n\n\
         TX-2025-007's contract names the clawback rule `none` (column `clawback`, 返点追回): \
         refunds after a quarter is settled do not take its rebate back. Its quarters earn \
         E = 60,000.00, 105,000.00, −70,000.00 (a downgrade credited in August drops the year \
         back below the 15% tier) and 92,500.00; under `none` Q3 counts as 0.00 and Q4 stays \
         92,500.00. The reseller paid 22,500.00 for Q4 (payout SZ-0003): Q3's 70,000.00 deducted, \
         as only a `carry_forward` contract allows. The audit reports Q4 `underpaid` by \
         70,000.00 with the likely cause `clawback_not_allowed`; `explain --contract TX-2025-007 \
         --period 2025-Q4` shows the rule's step (6a) in the trail. Under `net` the same payout \
         would be the clawback collected by offset (`clawback_deducted`), under `carry_forward` \
         it would be exactly what is due.\n",
    );
    fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}
