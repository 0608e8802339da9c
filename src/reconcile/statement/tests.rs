//! Worked tables: a quarterly contract (2% below 100,000, 3% from 100,000) whose Q1 2025
//! weighted base is 120,000 — ecs 70,000 and oss 50,000 — so E_p is 3,600; statements
//! that agree, and statements wrong in each usual way.

use super::*;
use crate::domain::computation::PeriodRebate;
use crate::domain::contract::{Bracket, Settlement, TierTable};
use crate::domain::location::Location;
use crate::domain::payout::{Invoice, Payout};
use crate::domain::settlement::SettlementPeriod;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};

fn tiered() -> Contract {
    let mut contract = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    contract.tiers = TierTable::new(vec![
        Bracket {
            from: d("0"),
            to: Some(d("100000")),
            rate: d("0.02"),
        },
        Bracket {
            from: d("100000"),
            to: None,
            rate: d("0.03"),
        },
    ])
    .unwrap();
    contract
}

fn quarters() -> Vec<SettlementPeriod> {
    ["01", "04", "07", "10"]
        .iter()
        .zip(["03-31", "06-30", "09-30", "12-31"])
        .map(|(first, last)| SettlementPeriod {
            range: DateRange {
                first: day(&format!("2025-{first}-01")),
                last: day(&format!("2025-{last}")),
            },
            year: 0,
        })
        .collect()
}

fn computation() -> ContractComputation {
    let periods = quarters();
    let rebate = |weighted: &str, rate: &str, expected: &str| PeriodRebate {
        weighted_base: d(weighted),
        scope: periods[0].range,
        scope_volume: d(weighted),
        bracket_rate: d(rate),
        scope_rebate: d(expected),
        cap_applied: false,
        earned_before: d("0"),
        earned_through: d(expected),
        expected: d(expected),
        amendment: None,
    };
    ContractComputation {
        rebates: vec![
            rebate("120000", "0.03", "3600"),
            rebate("0", "0.02", "0"),
            rebate("0", "0.02", "0"),
            rebate("0", "0.02", "0"),
        ],
        periods,
        shares: vec![Vec::new(); 4],
        clawback: Vec::new(),
    }
}

fn sources() -> Vec<Vec<SourceRows>> {
    let source = |product: &str, weighted: &str| SourceRows {
        table: Location::file("bill.csv".into()),
        product: product.into(),
        coefficient: d("1"),
        rows: 3,
        row_ranges: "2-4".into(),
        base: d(weighted),
        weighted_base: d(weighted),
    };
    vec![
        vec![source("ecs", "70000"), source("oss", "50000")],
        Vec::new(),
        Vec::new(),
        Vec::new(),
    ]
}

/// A statement row: its dates, then base, rate, rebate, deductions, payable.
fn row(first: &str, last: &str, figures: [&str; 5]) -> StatementRow {
    let amount = |text: &str| (!text.is_empty()).then(|| d(text));
    StatementRow {
        contract_id: Some("C1".into()),
        account_id: None,
        dates: DateRange {
            first: day(first),
            last: day(last),
        },
        base: amount(figures[0]),
        rate: amount(figures[1]),
        rebate: amount(figures[2]),
        deductions: amount(figures[3]),
        deduction_reason: None,
        payable: amount(figures[4]),
        currency: None,
        statement_no: None,
        layout: "statement".into(),
        source: Location::file("st.csv".into()).at_row(2),
        contract_cell: Location::file("st.csv".into())
            .at_row(2)
            .at_column("contract_id"),
        period_cell: Location::file("st.csv".into())
            .at_row(2)
            .at_column("period"),
    }
}

fn payout(id: &str, amount: &str) -> Payout {
    Payout {
        id: id.into(),
        contract_id: "C1".into(),
        paid_on: day("2025-04-30"),
        amount: d(amount),
        currency: None,
        kind: None,
        period: None,
        installment: None,
        invoice: Invoice::default(),
        reference: None,
        source: Location::file("payouts.csv".into()),
        unread: Vec::new(),
    }
}

/// The findings for `rows` (all in Q1) against `payouts`.
fn findings(rows: &[StatementRow], payouts: &[Payout]) -> Vec<Finding> {
    let contract = tiered();
    let computation = computation();
    let sources = sources();
    let sources: Vec<&[SourceRows]> = sources.iter().map(Vec::as_slice).collect();
    let payouts: Vec<&Payout> = payouts.iter().collect();
    compare(&StatementInput {
        contract: &contract,
        computation: &computation,
        periods: &[],
        source_rows: &sources,
        rows: rows.iter().map(|row| (0, row)).collect(),
        payouts: &payouts,
        tolerance: d("0.01"),
    })
}

fn mismatch_of(findings: &[Finding]) -> (Vec<(StatementField, Decimal)>, Vec<StatementCause>) {
    let found: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.finding_type == FindingType::StatementMismatch)
        .collect();
    assert_eq!(found.len(), 1, "{findings:#?}");
    let About::StatementMismatch {
        figures, causes, ..
    } = &found[0].about
    else {
        panic!("{:?}", found[0].about)
    };
    (
        figures
            .iter()
            .filter(|figure| figure.differs)
            .map(|figure| (figure.field, figure.difference()))
            .collect(),
        causes.clone(),
    )
}

#[test]
fn a_statement_that_agrees_within_the_tolerance_gives_no_finding() {
    // Month rows rolled up into the quarter: 40,000 a month, 1,200 a month.
    let rows = [
        row(
            "2025-01-01",
            "2025-01-31",
            ["40000", "0.03", "1200", "", "1200"],
        ),
        row(
            "2025-02-01",
            "2025-02-28",
            ["40000", "0.03", "1200", "", "1200"],
        ),
        row(
            "2025-03-01",
            "2025-03-31",
            ["40000.01", "0.03", "1200.01", "", "1200.01"],
        ),
    ];
    assert_eq!(findings(&rows, &[payout("P1", "3600.01")]), Vec::new());
}

#[test]
fn a_product_left_out_is_named_by_its_weighted_base() {
    // oss's 50,000 left out: 70,000 at 2% = 1,400.
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["70000", "0.02", "1400", "", "1400"],
    )];
    let found = findings(&rows, &[payout("P1", "1400")]);
    let (differs, causes) = mismatch_of(&found);
    assert_eq!(
        differs,
        vec![
            (StatementField::Base, d("-50000")),
            (StatementField::Rate, d("-0.01")),
            (StatementField::Rebate, d("-2200")),
            (StatementField::Payable, d("-2200")),
        ]
    );
    assert_eq!(
        causes,
        vec![StatementCause::ProductLeftOut {
            product: "oss".into(),
            weighted_base: d("50000"),
        }]
    );
    let finding = &found[0];
    assert_eq!(finding.expected, Some(d("3600")));
    assert_eq!(finding.paid, Some(d("1400")));
    assert_eq!(finding.difference, Some(d("-2200")));
    assert_eq!(finding.amount_at_stake(), d("2200"));
    assert_eq!(finding.period_end, Some(day("2025-03-31")));
    // The agent's numbers beside the recomputed ones.
    let facts = &finding.evidence.facts;
    assert!(facts.contains(&("statement_base".into(), "70000.00".into())));
    assert!(facts.contains(&("recomputed_base".into(), "120000.00".into())));
    assert!(facts.contains(&("likely_causes".into(), "product_left_out".into())));
    // Paid what the statement says: no statement_unpaid.
    assert_eq!(found.len(), 1);
}

#[test]
fn a_month_missing_is_named() {
    let rows = [
        row("2025-01-01", "2025-01-31", ["40000", "", "", "", "1200"]),
        row("2025-02-01", "2025-02-28", ["40000", "", "", "", "1200"]),
    ];
    let (differs, causes) = mismatch_of(&findings(&rows, &[payout("P1", "2400")]));
    assert_eq!(
        differs,
        vec![
            (StatementField::Base, d("-40000")),
            (StatementField::Payable, d("-1200")),
        ]
    );
    assert_eq!(
        causes,
        vec![StatementCause::MonthMissing {
            month: YearMonth::new(2025, 3).unwrap()
        }]
    );
}

#[test]
fn the_wrong_tier_is_named_when_the_base_agrees() {
    // The whole base at the first bracket's 2%.
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["120000", "0.02", "2400", "", "2400"],
    )];
    let (differs, causes) = mismatch_of(&findings(&rows, &[payout("P1", "2400")]));
    assert_eq!(differs[0], (StatementField::Rate, d("-0.01")));
    assert_eq!(
        causes,
        vec![StatementCause::WrongTier {
            stated: d("0.02"),
            reached: d("0.03"),
            bracket_from: d("0"),
        }]
    );
}

#[test]
fn a_deduction_the_contract_lacks_is_named_with_its_reason() {
    let mut deducted = row(
        "2025-01-01",
        "2025-03-31",
        ["120000", "0.03", "3600", "500", "3100"],
    );
    deducted.deduction_reason = Some("服务费".into());
    let (differs, causes) = mismatch_of(&findings(&[deducted], &[payout("P1", "3100")]));
    assert_eq!(differs, vec![(StatementField::Payable, d("-500"))]);
    assert_eq!(
        causes,
        vec![StatementCause::DeductionNotInContract {
            amount: d("500"),
            reasons: vec!["服务费".into()],
        }]
    );
}

#[test]
fn a_statement_total_no_payout_matches_is_reported_once_per_statement() {
    let mut first = row("2025-01-01", "2025-01-31", ["", "", "", "", "1200"]);
    let mut second = row("2025-02-01", "2025-03-31", ["", "", "", "", "2400"]);
    first.statement_no = Some("ST-1".into());
    second.statement_no = Some("ST-1".into());
    let rows = [first, second];
    // 3,600 paid: the statement is matched, and it agrees with the recomputation.
    assert_eq!(findings(&rows, &[payout("P1", "3600")]), Vec::new());
    // 3,000 paid: nothing matches 3,600.
    let found = findings(&rows, &[payout("P1", "3000")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = &found[0];
    assert_eq!(finding.finding_type, FindingType::StatementUnpaid);
    assert_eq!(finding.amount, Some(d("3600")));
    assert_eq!(finding.period_start, Some(day("2025-01-01")));
    assert_eq!(finding.period_end, Some(day("2025-03-31")));
    assert_eq!(
        finding.about,
        About::StatementUnpaid {
            currency: "CNY".into(),
            statement: "ST-1".into(),
            rows: 2,
        }
    );
    // One payout matches one total at most.
    let mut other = row("2025-04-01", "2025-04-30", ["", "", "", "", "3600"]);
    other.statement_no = Some("ST-2".into());
    let found = findings(
        &[rows[0].clone(), rows[1].clone(), other],
        &[payout("P1", "3600")],
    );
    assert!(found.iter().any(
        |finding| finding.finding_type == FindingType::StatementUnpaid
            && finding.about
                == About::StatementUnpaid {
                    currency: "CNY".into(),
                    statement: "ST-2".into(),
                    rows: 1,
                }
    ));
}

#[test]
fn rows_are_placed_by_contract_or_account_and_a_month_rolls_up_into_its_quarter() {
    let contract = tiered();
    let periods = quarters();
    let mut by_account = row("2025-05-01", "2025-05-31", ["", "", "", "", "1"]);
    by_account.contract_id = None;
    by_account.account_id = Some("A1".into());
    let placed = place(
        &[&contract],
        &[&periods],
        &[
            row("2025-02-01", "2025-02-28", ["", "", "", "", "1"]),
            by_account,
        ],
    )
    .unwrap();
    assert_eq!(
        placed,
        vec![
            Placed {
                contract: 0,
                period: 0,
                row: 0
            },
            Placed {
                contract: 0,
                period: 1,
                row: 1
            }
        ]
    );
}

#[test]
fn a_row_that_cannot_be_placed_names_its_cell() {
    let contract = tiered();
    let periods = quarters();
    let mut unknown = row("2025-02-01", "2025-02-28", ["", "", "", "", "1"]);
    unknown.contract_id = Some("C2".into());
    let mut no_account = unknown.clone();
    no_account.contract_id = None;
    no_account.account_id = Some("A9".into());
    let across = row("2025-03-01", "2025-04-30", ["", "", "", "", "1"]);
    let outside = row("2026-01-01", "2026-01-31", ["", "", "", "", "1"]);
    let mut dollars = row("2025-01-01", "2025-01-31", ["", "", "", "", "1"]);
    dollars.currency = Some("USD".into());
    let problems = place(
        &[&contract],
        &[&periods],
        &[unknown, no_account, across, outside, dollars],
    )
    .unwrap_err();
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 5, "{messages:#?}");
    assert!(messages[0].starts_with("st.csv:2:contract_id: expected a contract id"));
    assert!(
        messages[0].contains("found `C2`; did you mean `C1`?"),
        "{}",
        messages[0]
    );
    assert!(messages[1].contains("found `A9`, which no contract lists"));
    assert!(
        messages[2].starts_with("st.csv:2:period: expected dates within one settlement period")
    );
    assert!(messages[3].contains("found 2026-01-01 to 2026-01-31"));
    assert!(messages[4].contains("found `USD`"));
}

/// Q1's 3,600 under a `carry_forward` rule that brings 1,000 from an earlier negative
/// period: 2,600 payable.
fn carried_computation() -> ContractComputation {
    let mut computation = computation();
    computation.clawback = crate::compute::clawback::steps_of(
        crate::domain::clawback::ClawbackRule::CarryForward,
        &[d("3600"), d("0"), d("0"), d("0")],
    )
    .unwrap();
    computation.clawback[0].carried_in = d("1000");
    computation.clawback[0].deducted = d("1000");
    computation.clawback[0].payable = d("2600");
    computation
}

#[test]
fn a_deduction_the_contracts_clawback_rule_makes_is_no_mismatch() {
    // The agent deducts the 1,000 carried: payable 2,600, as the rule says.
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["120000", "0.03", "3600", "1000", "2600"],
    )];
    let contract = tiered();
    let computation = carried_computation();
    let sources = sources();
    let sources: Vec<&[SourceRows]> = sources.iter().map(Vec::as_slice).collect();
    let payouts = [payout("P1", "2600")];
    let payouts: Vec<&Payout> = payouts.iter().collect();
    let input = StatementInput {
        contract: &contract,
        computation: &computation,
        periods: &[],
        source_rows: &sources,
        rows: rows.iter().map(|row| (0, row)).collect(),
        payouts: &payouts,
        tolerance: d("0.01"),
    };
    assert_eq!(compare(&input), Vec::new());
    // Without a rule the same deduction is not in the contract.
    let found = findings(&rows, &[payout("P1", "2600")]);
    let (differs, causes) = mismatch_of(&found);
    assert_eq!(differs, vec![(StatementField::Payable, d("-1000"))]);
    assert!(matches!(
        causes.as_slice(),
        [StatementCause::DeductionNotInContract { .. }]
    ));
}

#[test]
fn the_wrong_tier_of_an_amended_period_is_a_bracket_of_the_table_in_force() {
    // Amendment A-1 (index 0) prices Q1 with 2.5% below 100,000 and 4% from it: E_p =
    // 120,000 × 4% = 4,800. The statement says 2.5%, A-1's first bracket; the contract's
    // own table has no 2.5%, so read from it nothing would be named.
    use crate::domain::amendment::{AmendedTerms, Amendment, Retroactive};
    let mut contract = tiered();
    contract.amendments = vec![Amendment {
        id: "A-1".into(),
        effective_from: day("2025-01-01"),
        retroactive: Retroactive::No,
        applies_from: day("2025-01-01"),
        terms: AmendedTerms::Tiers(
            TierTable::new(vec![
                Bracket {
                    from: d("0"),
                    to: Some(d("100000")),
                    rate: d("0.025"),
                },
                Bracket {
                    from: d("100000"),
                    to: None,
                    rate: d("0.04"),
                },
            ])
            .unwrap(),
        ),
        source: Location::file("contracts.xlsx".into()),
    }];
    let mut computation = computation();
    let q1 = &mut computation.rebates[0];
    (q1.bracket_rate, q1.scope_rebate) = (d("0.04"), d("4800"));
    (q1.earned_through, q1.expected, q1.amendment) = (d("4800"), d("4800"), Some(0));
    let sources = sources();
    let sources: Vec<&[SourceRows]> = sources.iter().map(Vec::as_slice).collect();
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["120000", "0.025", "3000", "", "3000"],
    )];
    let paid = [payout("P1", "3000")];
    let payouts: Vec<&Payout> = paid.iter().collect();
    let found = compare(&StatementInput {
        contract: &contract,
        computation: &computation,
        periods: &[],
        source_rows: &sources,
        rows: rows.iter().map(|row| (0, row)).collect(),
        payouts: &payouts,
        tolerance: d("0.01"),
    });
    let (_, causes) = mismatch_of(&found);
    assert_eq!(
        causes,
        vec![StatementCause::WrongTier {
            stated: d("0.025"),
            reached: d("0.04"),
            bracket_from: d("0"),
        }]
    );
}

// Worked examples that kill the mutants `cargo mutants` left alive in statement.rs (the
// fields a finding carries, the boundaries of the likely causes).

/// `compare` over Q1 `rows` with the given computation, billing rows, payouts and trails.
fn compare_q1(
    rows: &[StatementRow],
    computation: &ContractComputation,
    sources: &[Vec<SourceRows>],
    payouts: &[Payout],
    trails: &[Arc<PeriodTrail>],
) -> Vec<Finding> {
    let contract = tiered();
    let sources: Vec<&[SourceRows]> = sources.iter().map(Vec::as_slice).collect();
    let payouts: Vec<&Payout> = payouts.iter().collect();
    compare(&StatementInput {
        contract: &contract,
        computation,
        periods: trails,
        source_rows: &sources,
        rows: rows.iter().map(|row| (0, row)).collect(),
        payouts: &payouts,
        tolerance: d("0.01"),
    })
}

#[test]
fn a_mismatch_names_its_contract_period_first_row_and_the_periods_trail() {
    // January 40,000 and February–March 70,000: 110,000 stated against W_p 120,000.
    let mut later = row(
        "2025-02-01",
        "2025-03-31",
        ["70000", "0.03", "2100", "", "2100"],
    );
    later.source = Location::file("st.csv".into()).at_row(3);
    let rows = [
        row(
            "2025-01-01",
            "2025-01-31",
            ["40000", "0.03", "1200", "", "1200"],
        ),
        later,
    ];
    let contract = tiered();
    let computation = computation();
    let trails: Vec<Arc<PeriodTrail>> = crate::reconcile::trail::period_trails(
        &contract,
        &computation,
        &sources(),
        crate::domain::money::Rounding::HalfUp,
    )
    .unwrap()
    .into_iter()
    .map(|trail| {
        Arc::new(PeriodTrail {
            key: crate::domain::finding::PeriodKey {
                contract_id: contract.id.clone(),
                period_start: trail.period_start,
            },
            computation: trail,
            source_rows: Vec::new(),
        })
    })
    .collect();
    let found = compare_q1(
        &rows,
        &computation,
        &sources(),
        &[payout("P1", "3300")],
        &trails,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = &found[0];
    assert_eq!(finding.finding_type, FindingType::StatementMismatch);
    assert_eq!(finding.contract_id.as_deref(), Some("C1"));
    assert_eq!(finding.period_start, Some(day("2025-01-01")));
    assert_eq!(finding.difference, Some(d("-300")));
    // The first row's cell, and Q1's trail (shared, not copied).
    assert_eq!(
        finding.evidence.location,
        Some(Location::file("st.csv".into()).at_row(2))
    );
    let trail = finding.evidence.period.as_ref().expect("Q1's trail");
    assert!(Arc::ptr_eq(&trail.trail, &trails[0]));
    assert_eq!(trail.installment, trails[0].computation.installment);
    assert!(finding.evidence.facts.contains(&(
        "statement_rows".into(),
        format!("{}, {}", rows[0].source, rows[1].source)
    )));
}

#[test]
fn a_stated_rate_is_shown_as_written_and_amounts_with_two_decimals() {
    // 10% stated (no bracket has it): the rate keeps its one decimal, money gets two.
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["120000", "0.1", "12000", "", "12000"],
    )];
    let found = findings(&rows, &[payout("P1", "12000")]);
    let (differs, causes) = mismatch_of(&found);
    assert_eq!(
        differs,
        vec![
            (StatementField::Rate, d("0.07")),
            (StatementField::Rebate, d("8400")),
            (StatementField::Payable, d("8400")),
        ]
    );
    assert_eq!(causes, Vec::new());
    let facts = &found[0].evidence.facts;
    for (name, text) in [
        ("statement_rate", "0.1"),
        ("recomputed_rate", "0.03"),
        ("statement_rebate", "12000.00"),
        ("recomputed_payable", "3600.00"),
    ] {
        assert!(
            facts.contains(&(name.into(), text.into())),
            "{name} {text}: {facts:?}"
        );
    }
}

#[test]
fn a_base_short_by_just_the_tolerance_blames_no_product() {
    // W_p 120,000 with a product of weighted base 0 (coefficient 0); the base stated
    // 119,999.99 is short by exactly the tolerance, 0.01: it agrees, and the product
    // whose 0 is within 0.01 of that is no product left out. The payable differs.
    let mut sources = sources();
    sources[0].push(SourceRows {
        table: Location::file("bill.csv".into()),
        product: "cdn".into(),
        coefficient: d("0"),
        rows: 1,
        row_ranges: "5".into(),
        base: d("800"),
        weighted_base: d("0"),
    });
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["119999.99", "0.03", "3500", "", "3500"],
    )];
    let found = compare_q1(
        &rows,
        &computation(),
        &sources,
        &[payout("P1", "3500")],
        &[],
    );
    let (differs, causes) = mismatch_of(&found);
    assert_eq!(
        differs,
        vec![
            (StatementField::Rebate, d("-100")),
            (StatementField::Payable, d("-100")),
        ]
    );
    assert_eq!(causes, Vec::new());
}

#[test]
fn a_deduction_is_no_cause_when_the_payable_agrees() {
    // Under the carry-forward rule 2,600 is payable and the agent deducts the 1,000
    // carried: the payable agrees. The base differs (110,000 stated, no product is
    // 10,000), so there is a finding, but the deduction explains nothing.
    let rows = [row(
        "2025-01-01",
        "2025-03-31",
        ["110000", "0.03", "3600", "1000", "2600"],
    )];
    let found = compare_q1(
        &rows,
        &carried_computation(),
        &sources(),
        &[payout("P1", "2600")],
        &[],
    );
    let (differs, causes) = mismatch_of(&found);
    assert_eq!(differs, vec![(StatementField::Base, d("-10000"))]);
    assert_eq!(causes, Vec::new());
}

#[test]
fn each_unpaid_statement_is_its_own_finding_with_its_rows_and_the_payouts() {
    // ST-1 (January, 1,200) and ST-2 (February–March, 2,400) in one quarter; only 3,000
    // was paid, which matches neither total.
    let mut january = row("2025-01-01", "2025-01-31", ["", "", "", "", "1200"]);
    january.statement_no = Some("ST-1".into());
    let mut rest = row("2025-02-01", "2025-03-31", ["", "", "", "", "2400"]);
    rest.statement_no = Some("ST-2".into());
    rest.source = Location::file("st.csv".into()).at_row(3);
    let found = findings(&[january, rest], &[payout("P1", "3000")]);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(
        |finding| finding.finding_type == FindingType::StatementUnpaid
            && finding.contract_id.as_deref() == Some("C1")
            && finding.period_start == Some(day("2025-01-01"))
    ));
    // Same contract and period: the statement number keeps their ids apart.
    assert_ne!(found[0].id, found[1].id);
    assert_eq!(
        found[1].evidence.location,
        Some(Location::file("st.csv".into()).at_row(3))
    );
    assert_eq!(
        found[1].evidence.facts,
        vec![
            ("statement_payable".to_string(), "2400.00".to_string()),
            ("statement_rows".to_string(), "st.csv:3".to_string()),
            ("payouts_of_contract".to_string(), "P1 3000".to_string()),
        ]
    );
}
