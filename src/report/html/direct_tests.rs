//! The contract trails written from the audit's data are the trails the records' trees
//! gave, byte for byte: the trees' writer (what the page used before, kept here) and the
//! direct one render the same audit — every field of every record filled, in both
//! languages — and must agree. A field added to findings.json's records appears in the
//! trees' trail at once and fails these tests until `direct.rs` writes it too.

use super::contracts::{DIRECT, Parts, contract_trail, orphans_trail};
use super::findings::{field_mut, finding_node};
use super::node::Node;
use super::period::Period;
use super::serialize::to_node;
use super::trail::{label, write_node, write_trail};
use crate::domain::audit::{Audit, ContractResult};
use crate::domain::clawback::ClawbackStep;
use crate::domain::computation::{
    BracketSlice, CatchUp, Computation, ContractComputation, DueRule, InstallmentSplit,
    ProductBase, TierBracket,
};
use crate::domain::contract::{
    AmendedTerms, Amendment, AmendmentNote, ClawbackRule, InvoiceKind, Retroactive, Settlement,
    Trigger,
};
use crate::domain::finding::{
    About, Allocation, CauseCode, Check, CheckWords, Evidence, Finding, FindingType, LikelyCause,
    Mistake, PeriodKey, PeriodTrail, Reason, SourceRows, TrailRef,
};
use crate::domain::installment::{InstallmentRecord, Status};
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::report::html_parts::escape;
use crate::report::i18n::due_rule;
use crate::report::i18n::keys::TrailWord;
use crate::report::json;
use std::fmt::Write as _;
use std::sync::Arc;

/// The computation fields that belong to one installment, not to its period, and the
/// period's dates: a period's trail leaves them out (its installments table has each
/// installment's, its heading the dates).
const INSTALLMENT_KEYS: [&str; 7] = [
    "formula",
    "installment",
    "portion",
    "installment_expected",
    "due_rule",
    "period_start",
    "period_end",
];

/// The installment-record fields that only say which period a record is of.
const PERIOD_KEYS: [&str; 3] = ["contract_id", "period_start", "period_end"];

/// The trail's parts as the page wrote them before: from the records' trees.
const TREES: Parts = Parts {
    period: period_from_trees,
    finding: finding_from_trees,
};

fn period_from_trees(out: &mut String, period: &Period<'_>, lang: Lang) {
    let record = &period.records[0];
    let mut computation = to_node(&json::computation(&record.computation())).unwrap();
    let mut splits = Vec::new();
    if let Node::Map(fields) = &mut computation {
        fields.retain(|(key, _)| !INSTALLMENT_KEYS.contains(&key.as_ref()));
        if let Some(at) = fields.iter().position(|(key, _)| key == "installments")
            && let (_, Node::List(list)) = fields.remove(at)
        {
            splits = list;
        }
    }
    if lang == Lang::Zh {
        let whole = record.computation();
        for (shown, split) in splits.iter_mut().zip(&whole.installments) {
            if let Some(rule) = field_mut(shown, "due_rule") {
                *rule = Node::Text(due_rule(&split.due_rule, Lang::Zh));
            }
        }
    }
    let rows: Vec<_> = period.source_rows.iter().map(json::source_rows).collect();
    let records = period
        .records
        .iter()
        .map(|record| installment(to_node(&json::expected(record)).unwrap(), &splits))
        .collect::<Vec<Node>>();
    for (key, heading, node) in [
        ("computation", label("computation", lang), computation),
        (
            "source_rows",
            label("source_rows", lang),
            to_node(&rows).unwrap(),
        ),
        (
            "installments",
            TrailWord::InstallmentsOfPeriod.of(lang).to_string(),
            Node::List(records),
        ),
    ] {
        if !node.is_empty() {
            let _ = write!(out, "<h5 data-key=\"{key}\">{}</h5>", escape(&heading));
            write_node(out, &node, lang);
        }
    }
}

fn finding_from_trees(out: &mut String, finding: &Finding, audit: &Audit, lang: Lang) {
    let node = finding_node(finding, audit, lang, false).unwrap();
    write_trail(out, &node, &[], lang);
}

/// An installment as the period's trail lists it: its record (the period's key and
/// weighted base aside) with its split's portion after the trigger and its due rule after
/// the due date.
fn installment(record: Node, splits: &[Node]) -> Node {
    let Node::Map(fields) = record else {
        return record;
    };
    let split = splits.iter().find(|split| {
        split.get("installment")
            == fields
                .iter()
                .find(|(key, _)| key == "installment")
                .map(|(_, value)| value)
    });
    let mut shown = Vec::with_capacity(fields.len() + 2);
    for (key, value) in fields {
        if PERIOD_KEYS.contains(&key.as_ref()) || key == "weighted_base" {
            continue;
        }
        let after = match key.as_ref() {
            "trigger" => "portion",
            "due_on" => "due_rule",
            _ => "",
        };
        shown.push((key, value));
        if let Some(value) = split.and_then(|split| split.get(after)) {
            shown.push((after.into(), value.clone()));
        }
    }
    Node::Map(shown)
}

/// A place in an input.
fn place(file: &str, sheet: Option<&str>, row: Option<usize>, column: Option<&str>) -> Location {
    Location {
        file: file.into(),
        sheet: sheet.map(Into::into),
        row,
        column: column.map(Into::into),
    }
}

/// A period's computation with every part filled: two products, a bracket and its
/// slices, a catch-up, a cap that cut, an amendment, a clawback, amended terms and two
/// installments.
fn computation(start: &str, end: &str) -> Computation {
    let bracket = TierBracket {
        from: d("100000"),
        to: Some(d("500000")),
        rate: d("0.025"),
    };
    Computation {
        base: "net".into(),
        tier_basis: "contract_year".into(),
        tier_mode: "marginal".into(),
        period_start: day(start),
        period_end: day(end),
        period_weighted_base: d("123456.785"),
        products: vec![
            ProductBase {
                product: "ECS".into(),
                coefficient: d("1.00"),
                rows: 12,
                base: d("100000"),
                weighted_base: d("100000"),
            },
            ProductBase {
                // An amount-shaped name is grouped, as findings.json's text would be.
                product: "1234.50".into(),
                coefficient: d("0.85"),
                rows: 3,
                base: d("27596.22"),
                weighted_base: d("23456.787"),
            },
        ],
        scope_start: day("2025-01-01"),
        scope_end: day("2025-12-31"),
        scope_weighted_base_before: d("0"),
        scope_weighted_base: d("123456.78"),
        bracket: Some(bracket.clone()),
        bracket_rate: d("0.025"),
        slices: vec![
            BracketSlice {
                bracket: TierBracket {
                    from: d("0"),
                    to: Some(d("100000")),
                    rate: d("0.02"),
                },
                volume: d("100000"),
                rebate: d("2000"),
            },
            BracketSlice {
                bracket: TierBracket {
                    from: d("500000"),
                    to: None,
                    rate: d("0.03"),
                },
                volume: d("0"),
                rebate: d("0"),
            },
        ],
        scope_rebate_before: d("0"),
        scope_rebate: d("2586.42"),
        catch_up: Some(CatchUp {
            earlier_weighted_base: d("50000"),
            rate_before: d("0.02"),
            rate_after: d("0.025"),
            amount: d("250"),
        }),
        cap: Some(d("2500")),
        cap_scope_start: day("2025-01-01"),
        cap_scope_end: day("2025-12-31"),
        rebate_before_cap: d("2586.42"),
        cap_applied: true,
        earned_before: d("0"),
        earned_through: d("2500"),
        period_expected: d("-2500"),
        installments: vec![
            InstallmentSplit {
                installment: 1,
                trigger: "settlement".into(),
                portion: "40%".into(),
                expected: d("1000"),
                due_on: Some(day("2026-01-31")),
                due_rule: DueRule::AfterPeriodEnd {
                    period_end: day(end),
                    due_days: 30,
                },
            },
            InstallmentSplit {
                installment: 2,
                trigger: "renewal".into(),
                portion: "rest".into(),
                expected: d("1500"),
                due_on: None,
                due_rule: DueRule::MonthAfterPeriodEnd {
                    period_end: day(end),
                },
            },
        ],
        grace_days: 5,
        installment: 1,
        portion: "40%".into(),
        installment_expected: d("1000"),
        due_rule: Some(DueRule::AfterPeriodEnd {
            period_end: day(end),
            due_days: 30,
        }),
        amendment: Some(AmendmentNote {
            id: "A-1".into(),
            effective_from: day("2025-03-01"),
            applies_from: day("2025-01-01"),
            retroactive: true,
            source: "contracts.xlsx:amendments:2".into(),
        }),
        clawback: Some(ClawbackStep {
            rule: ClawbackRule::CarryForward,
            period_rebate: d("-2500"),
            carried_in: d("0"),
            deducted: d("0"),
            payable: d("0"),
            carried_out: d("2500"),
            lapsed: d("0"),
        }),
        amended_terms: vec![
            Amendment {
                id: "A-2".into(),
                effective_from: day("2025-02-01"),
                retroactive: Retroactive::No,
                applies_from: day("2025-02-01"),
                terms: AmendedTerms::Coefficient {
                    product: "ECS".into(),
                    coefficient: d("0.90"),
                },
                source: place("contracts.xlsx", Some("amendments"), Some(3), None),
            },
            Amendment {
                id: "A-3".into(),
                effective_from: day("2025-02-01"),
                retroactive: Retroactive::No,
                applies_from: day("2025-02-01"),
                terms: AmendedTerms::AccountAdd("acct-<9>".into()),
                source: place("contracts.xlsx", Some("amendments"), Some(4), None),
            },
        ],
    }
}

/// A finding on `installment` of `trail`, with every part of its evidence.
fn finding(id: &str, trail: Option<&Arc<PeriodTrail>>, installment: Option<u32>) -> Finding {
    let (start, end) = trail.map_or((None, None), |trail| {
        (
            Some(trail.computation.period_start),
            Some(trail.computation.period_end),
        )
    });
    Finding {
        id: id.into(),
        finding_type: FindingType::Underpaid,
        severity: FindingType::Underpaid.severity(),
        contract_id: Some("C1".into()),
        period_start: start,
        period_end: end,
        installment,
        payout_id: Some("P-\"1\"".into()),
        reason: Some(Reason::Amount),
        expected: Some(d("1000")),
        paid: Some(d("600")),
        difference: Some(d("-400")),
        due_on: Some(day("2026-01-31")),
        paid_on: None,
        days_late: Some(12),
        interest: Some(d("0")),
        amount: None,
        about: About::Installment {
            currency: "CNY".into(),
            as_of: day("2026-06-30"),
            charges_interest: true,
        },
        evidence: Evidence {
            location: Some(place(
                "payouts.xlsx",
                Some("2024.01"),
                Some(7),
                Some("amount"),
            )),
            period: trail.zip(installment).map(|(trail, installment)| TrailRef {
                trail: Arc::clone(trail),
                installment,
            }),
            allocations: vec![
                Allocation {
                    payout_id: "P1".into(),
                    paid_on: day("2026-01-20"),
                    amount: d("600"),
                    excess: false,
                    source: place("payouts.csv", None, Some(3), None),
                },
                Allocation {
                    payout_id: "P2".into(),
                    paid_on: day("2026-02-20"),
                    amount: d("1234567.5"),
                    excess: true,
                    source: place(
                        "a/very/long/path/to/the/payouts/ledger.csv",
                        None,
                        None,
                        None,
                    ),
                },
            ],
            facts: vec![
                ("expected".into(), "vat_special".into()),
                ("found".into(), "vat_general".into()),
                ("account".into(), "acct-1".into()),
                ("empty".into(), String::new()),
                ("account".into(), "acct-2 <b>".into()),
            ],
            checks: vec![
                Check {
                    field: "invoice_type".into(),
                    reason: Reason::Type,
                    expected: "vat_special".into(),
                    found: Some("vat_general".into()),
                    ok: false,
                    words: CheckWords::Kind(InvoiceKind::VatSpecial),
                },
                Check {
                    field: "invoice_no".into(),
                    reason: Reason::Duplicate,
                    expected: "used once".into(),
                    found: None,
                    ok: true,
                    words: CheckWords::UsedOnce { others: Vec::new() },
                },
                Check {
                    field: "invoice_date".into(),
                    reason: Reason::LateInvoice,
                    expected: "on or before 2026-02-19".into(),
                    found: Some("2026-03-01".into()),
                    ok: false,
                    words: CheckWords::Within {
                        latest: Some(day("2026-02-19")),
                        days: 30,
                        paid_on: day("2026-01-20"),
                    },
                },
            ],
            likely_causes: vec![LikelyCause {
                code: CauseCode::PreviousTierRate,
                expected_under_mistake: d("600"),
                installment: installment.unwrap_or(1),
                expected: d("1000"),
                portion: None,
                mistake: Mistake::PreviousTierRate {
                    reached: d("0.025"),
                    lower: d("0.02"),
                    volume: d("123456.78"),
                },
            }],
        },
        expires_on: Some(day("2028-01-31")),
    }
}

/// One contract with two periods (the first with every part of a trail, the second
/// plain), findings on both, one on no period of the contract and one on no contract.
fn audit() -> Audit {
    let staged = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    let first = Arc::new(PeriodTrail {
        key: PeriodKey {
            contract_id: "C1".into(),
            period_start: day("2025-01-01"),
        },
        computation: computation("2025-01-01", "2025-06-30"),
        source_rows: vec![
            SourceRows {
                table: place("billing/2025-h1.csv", None, None, None),
                product: "ECS".into(),
                coefficient: d("1"),
                rows: 12,
                row_ranges: "2-13".into(),
                base: d("100000"),
                weighted_base: d("100000"),
            },
            SourceRows {
                table: place("billing/aliyun.xlsx", Some("明细"), None, None),
                product: "1234.50".into(),
                coefficient: d("0.85"),
                rows: 3,
                row_ranges: "2, 5, 9-2000000000000000000000000000000000…".into(),
                // Too large for two decimals: findings.json writes it as it is, no money.
                base: rust_decimal::Decimal::MAX,
                weighted_base: d("23456.787"),
            },
        ],
    });
    let mut plain = computation("2025-07-01", "2025-12-31");
    plain.amendment = None;
    plain.clawback = None;
    plain.amended_terms.clear();
    plain.catch_up = None;
    plain.bracket = None;
    plain.slices.clear();
    plain.products.clear();
    plain.cap = None;
    plain.cap_applied = false;
    plain.installments.truncate(1);
    let second = Arc::new(PeriodTrail {
        key: PeriodKey {
            contract_id: "C1".into(),
            period_start: day("2025-07-01"),
        },
        computation: plain,
        source_rows: Vec::new(),
    });
    let record = |trail: &Arc<PeriodTrail>, number: u32, status: Status| InstallmentRecord {
        contract_id: "C1".into(),
        period_start: trail.computation.period_start,
        period_end: trail.computation.period_end,
        installment: number,
        trigger: if number == 1 {
            Trigger::Settlement
        } else {
            Trigger::Renewal
        },
        weighted_base: trail.computation.period_weighted_base,
        expected: d("1000"),
        due_on: (number == 1).then(|| day("2026-01-31")),
        paid: d("600"),
        status,
        allocations: Vec::new(),
        trail: Arc::clone(trail),
    };
    let installments = vec![
        record(&first, 1, Status::Underpaid),
        record(&first, 2, Status::Conditional),
        // A record whose split the period does not have.
        record(&first, 3, Status::Open),
        record(&second, 1, Status::Paid),
    ];
    let mut on_nothing = finding("F-4", None, None);
    on_nothing.evidence = Evidence::default();
    let mut orphan = finding("F-5", None, None);
    orphan.contract_id = None;
    orphan.evidence.facts = vec![
        ("file".into(), "payouts.xlsx".into()),
        ("row".into(), "1000.00".into()),
    ];
    // Findings are sorted by contract id, none first.
    let findings = vec![
        orphan,
        finding("F-1", Some(&first), Some(1)),
        finding("F-2", Some(&first), Some(2)),
        finding("F-3", Some(&second), Some(1)),
        on_nothing,
    ];
    Audit {
        as_of: day("2026-06-30"),
        rulesets: Vec::new(),
        inputs: Vec::new(),
        billing_controls: Vec::new(),
        payout_controls: Vec::new(),
        statement_controls: Vec::new(),
        contracts: vec![ContractResult {
            contract: staged,
            ruleset: "default".into(),
            computation: ContractComputation {
                periods: Vec::new(),
                rebates: Vec::new(),
                shares: Vec::new(),
                clawback: Vec::new(),
            },
            periods: vec![first, second],
            installments: 0..installments.len(),
        }],
        installments,
        findings,
        payouts: Vec::new(),
        changes: None,
        projections: Vec::new(),
        accruals: Default::default(),
    }
}

/// The trail of every contract and of the findings on none, written with `parts`.
fn trails(audit: &Audit, lang: Lang, parts: &Parts) -> String {
    let mut out = String::new();
    for result in &audit.contracts {
        contract_trail(&mut out, audit, result, lang, parts);
        out.push('\n');
    }
    let orphans: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|finding| finding.contract_id.is_none())
        .collect();
    orphans_trail(&mut out, &orphans, audit, lang, parts);
    out
}

#[test]
fn a_trail_written_from_the_audit_is_the_trail_of_its_records() {
    let audit = audit();
    for lang in [Lang::En, Lang::Zh] {
        let trees = trails(&audit, lang, &TREES);
        let direct = trails(&audit, lang, &DIRECT);
        // Every part is there to compare.
        let parts = [
            "data-key=\"computation\"",
            "data-key=\"source_rows\"",
            "data-key=\"installments\"",
            "clawback",
            "amended_terms",
            "bracket_slices",
            "catch_up",
            "likely_causes",
            "checks",
            "facts",
        ];
        for part in parts.iter().skip(if lang == Lang::En { 3 } else { 0 }) {
            let shown = if lang == Lang::En {
                part.replace('_', " ")
            } else {
                (*part).to_string()
            };
            assert!(trees.contains(&shown), "{lang:?}: {shown} in {trees}");
        }
        if trees != direct {
            let at = trees
                .bytes()
                .zip(direct.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(trees.len().min(direct.len()));
            let from = at.saturating_sub(200);
            panic!(
                "{lang:?}: the trails differ at byte {at}:\ntrees:  {}\ndirect: {}",
                &trees[from..(at + 200).min(trees.len())],
                &direct[from..(at + 200).min(direct.len())]
            );
        }
    }
}

#[test]
fn an_installment_shows_its_split_beside_its_record() {
    let record = Node::parse(
        r#"{"contract_id": "C1", "period_start": "2025-01-01", "period_end": "2025-03-31",
            "installment": 2, "trigger": "settlement", "weighted_base": "100.00",
            "expected": "6.00", "due_on": "2025-04-30", "paid": "0.00", "status": "unpaid"}"#,
    );
    let splits = [
        Node::parse(r#"{"installment": 1, "portion": "40%", "due_rule": "a"}"#),
        Node::parse(r#"{"installment": 2, "portion": "rest", "due_rule": "b"}"#),
    ];
    let shown = installment(record, &splits);
    let keys: Vec<&str> = shown
        .fields()
        .unwrap()
        .iter()
        .map(|(key, _)| key.as_ref())
        .collect();
    assert_eq!(
        keys,
        [
            "installment",
            "trigger",
            "portion",
            "expected",
            "due_on",
            "due_rule",
            "paid",
            "status"
        ]
    );
    assert_eq!(shown.get("portion"), Some(&Node::Text("rest".into())));
    assert_eq!(shown.get("due_rule"), Some(&Node::Text("b".into())));
}
