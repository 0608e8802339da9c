//! One contract's replays shared by all its findings name exactly what a fresh replay per
//! finding names, and replay each mistake once.

use super::*;
use crate::domain::computation::ContractComputation;
use crate::domain::finding::FindingType;
use crate::domain::payout::Payout;
use crate::domain::period::PeriodRef;
use std::collections::HashMap;

/// 10% below 100,000, 15% to 200,000, 20% from 200,000.
fn three_tiers() -> TierTable {
    TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("100000")),
            rate: d("0.10"),
        },
        Bracket {
            from: d("100000"),
            to: Some(d("200000")),
            rate: d("0.15"),
        },
        Bracket {
            from: d("200000"),
            to: None,
            rate: d("0.20"),
        },
    ])
    .unwrap()
}

/// Every (period, paid) of the worked example, with the cause a fresh replay names.
///
/// The year is tiered retroactively on its volume: Q1 70,000 → 7,000; Q2 reaches 120,000
/// → 18,000 − 7,000 = 11,000; Q3 reaches 155,000 → 23,250 − 18,000 = 5,250.
const ASKED: [(usize, &str, Option<CauseCode>); 8] = [
    // Q1 at the next bracket's 15%: 10,500.
    (0, "10500", Some(CauseCode::NextTierRate)),
    // Q2 at the previous bracket's 10%: 12,000 − 7,000 = 5,000.
    (1, "5000", Some(CauseCode::PreviousTierRate)),
    // Q2 at the next bracket's 20%: 24,000 − 7,000 = 17,000. The same bracket as the
    // line above, the other way: a replay of its own.
    (1, "17000", Some(CauseCode::NextTierRate)),
    // Q2 without the catch-up: 50,000 × 15% = 7,500.
    (1, "7500", Some(CauseCode::NoRetroactiveCatchUp)),
    // Q2 marginally: 10,000 + 3,000 − 7,000 = 6,000.
    (1, "6000", Some(CauseCode::MarginalInsteadOfRetroactive)),
    // Q3 at 10%: 15,500 − 12,000 = 3,500 (the mistake made in Q2 as well).
    (2, "3500", Some(CauseCode::PreviousTierRate)),
    // Q3 without the catch-up: 35,000 × 15% = 5,250 is what is expected, so not that;
    // marginally: 10,000 + 8,250 − 13,000 = 5,250 too. Nothing names 5,000.
    (2, "5000", None),
    // Q3 at 20%: 31,000 − 24,000 = 7,000.
    (2, "7000", Some(CauseCode::NextTierRate)),
];

fn audited() -> Audited {
    let mut yearly = yearly_tiers(TierMode::Retroactive);
    yearly.tiers = three_tiers();
    Audited::new(yearly, &TIERED)
}

#[test]
fn shared_replays_name_what_fresh_ones_name_in_any_order() {
    let audited = audited();
    let input = audited.input();
    assert_eq!(
        (0..3)
            .map(|period| audited.expected(period))
            .collect::<Vec<_>>(),
        ["7000.00", "11000.00", "5250.00"]
    );
    for order in [ASKED.to_vec(), ASKED.iter().rev().copied().collect()] {
        let replays = Replays::new(input);
        for (period, paid, code) in order {
            let fresh = likely_causes(&input, period, 1, d(paid));
            let shared = replays.likely_causes(period, 1, d(paid));
            assert_eq!(shared, fresh, "Q{} paid {paid}", period + 1);
            assert_eq!(
                shared.first().map(|cause| cause.code),
                code,
                "Q{} paid {paid}",
                period + 1
            );
        }
    }
}

#[test]
fn each_mistake_is_replayed_once_per_contract() {
    let audited = audited();
    let input = audited.input();
    let replays = Replays::new(input);
    let mut fresh = 0;
    for (period, paid, _) in ASKED {
        replays.likely_causes(period, 1, d(paid));
        let alone = Replays::new(input);
        alone.likely_causes(period, 1, d(paid));
        fresh += alone.runs.borrow().len();
    }
    // The contract as it is; the next bracket's rate in brackets 0 and 1 and the
    // previous one's in 1 (Q3 is in bracket 1 too); one flat table at 15% (Q2 and Q3);
    // the tier mode swapped; every line on cash (no list replay: the rows have no list
    // amount); each of ecs, oss and rds left out (rds is billed from Q2).
    let runs = replays.runs.borrow().len();
    assert_eq!(runs, 10, "{:?}", replays.runs.borrow().keys());
    // A fresh replay per finding: 69 replays of the whole contract for eight findings.
    assert_eq!(fresh, 69);
    // Asked again, in any number, nothing is replayed again.
    for (period, paid, _) in ASKED.iter().chain(&ASKED) {
        replays.likely_causes(*period, 1, d(paid));
    }
    assert_eq!(replays.runs.borrow().len(), runs);
}

#[test]
fn the_reconciliation_names_each_findings_cause_from_the_contracts_replays() {
    // Q1 paid its 7,000; Q2 and Q3 paid at the previous bracket's 10% (5,000 and 3,500,
    // worked above): both findings name that cause, exactly as a fresh replay does.
    let audited = audited();
    let input = audited.input();
    let computation = ContractComputation {
        periods: audited.plan.periods.clone(),
        rebates: audited.rebates.clone(),
        shares: audited.shares.clone(),
        clawback: Vec::new(),
    };
    let rows = vec![Vec::new(); computation.periods.len()];
    let paid = |id: &str, quarter: u32, amount: &str, on: &str| Payout {
        id: id.into(),
        contract_id: audited.plan.contract.id.clone(),
        paid_on: day(on),
        amount: d(amount),
        currency: None,
        kind: None,
        period: Some(PeriodRef::Quarter {
            year: 2025,
            quarter,
        }),
        installment: Some(1),
        invoice: Default::default(),
        reference: None,
        source: Location::file("payouts.csv".into()),
        unread: Vec::new(),
    };
    let payouts = [
        paid("P1", 1, "7000", "2025-04-20"),
        paid("P2", 2, "5000", "2025-07-20"),
        paid("P3", 3, "3500", "2025-10-20"),
    ];
    let payouts: Vec<&Payout> = payouts.iter().collect();
    let rulesets = Rulesets::load(None).unwrap();
    let outcome = crate::reconcile::reconcile_contract(
        &crate::reconcile::ContractInput {
            contract: &audited.plan.contract,
            ruleset: rulesets.default_for_provider("generic"),
            computation: &computation,
            payouts: &payouts,
            invoice_numbers: &HashMap::new(),
            as_of: day("2026-06-30"),
            causes: Some(input),
        },
        rows,
    )
    .unwrap();
    let short: Vec<_> = outcome
        .findings
        .iter()
        .filter(|finding| finding.finding_type == FindingType::Underpaid)
        .map(|finding| (finding.period_start, &finding.evidence.likely_causes))
        .collect();
    assert_eq!(
        short,
        [
            (
                Some(day("2025-04-01")),
                &likely_causes(&input, 1, 1, d("5000"))
            ),
            (
                Some(day("2025-07-01")),
                &likely_causes(&input, 2, 1, d("3500"))
            ),
        ]
    );
    for (_, causes) in short {
        assert_eq!(causes[0].code, CauseCode::PreviousTierRate);
    }
}
