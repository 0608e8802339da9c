//! Worked tables for the plan and the aggregate ledger: two contracts sharing account A1
//! (C1 quarterly over 2025, C2 monthly from June 2025 to May 2026, base cash), and the
//! same lines attributed by the line route and from their aggregate.

use super::*;
use crate::attribute::Source;
use crate::attribute::plan::ContractPlan;
use crate::attribute::{Attributor, ContractIndex, FileLedger};
use crate::domain::aggregate::AggregateRow;
use crate::domain::aggregate::Slice;
use crate::domain::billing::BillingLine;
use crate::domain::contract::{Base, Settlement};
use crate::domain::location::Location;
use crate::domain::period::YearMonth;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::ingest::billing::BillingSink;
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn plans() -> Vec<ContractPlan> {
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.products.insert("RDS".into(), d("0.5"));
    let mut second = contract("2025-06-01", "2026-05-31", Settlement::Monthly);
    second.id = "C2".into();
    second.base = Base::Cash;
    [first, second].into_iter().map(ContractPlan::new).collect()
}

fn slice(start: &str, end: &str) -> Slice {
    Slice {
        start: day(start),
        end: day(end),
    }
}

#[test]
fn coverage_gives_each_day_to_the_line_routes_contract_and_slices_cut_where_it_changes() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let tables = plan_tables(&plans, &rulesets);
    // C1 starts first: it has A1 until its end; C2 from the day after.
    let coverage: Vec<(&str, NaiveDate, NaiveDate)> = tables
        .coverage
        .iter()
        .map(|row| (row.contract_id.as_str(), row.valid_from, row.valid_to))
        .collect();
    assert_eq!(
        coverage,
        vec![
            ("C1", day("2025-01-01"), day("2026-01-01")),
            ("C2", day("2026-01-01"), day("2026-06-01")),
        ]
    );
    // C1's second quarter is cut where C2 starts covering A1 too.
    let c1: Vec<Slice> = tables
        .slices
        .iter()
        .filter(|(id, _)| id == "C1")
        .map(|(_, slice)| *slice)
        .collect();
    assert_eq!(
        c1,
        vec![
            slice("2025-01-01", "2025-04-01"),
            slice("2025-04-01", "2025-06-01"),
            slice("2025-06-01", "2025-07-01"),
            slice("2025-07-01", "2025-10-01"),
            slice("2025-10-01", "2026-01-01"),
        ]
    );
    // Twelve monthly slices for C2, none cut again (C1 ends at a month's end).
    assert_eq!(
        tables.slices.iter().filter(|(id, _)| id == "C2").count(),
        12
    );
    // The generic ruleset's names, as written and folded.
    let generic: Vec<(&str, &str)> = tables
        .products
        .iter()
        .map(|row| (row.name_folded.as_str(), row.product.as_str()))
        .collect();
    assert!(generic.contains(&("ecs", "ecs")));
    assert!(
        generic
            .iter()
            .all(|(name, _)| *name == name.trim().to_lowercase())
    );
}

fn line<'a>(
    account: &'a str,
    date: &str,
    product: &'a str,
    net: &str,
    currency: &'a str,
) -> BillingLine<'a> {
    let date = day(date);
    BillingLine {
        account_id: account.into(),
        billing_month: YearMonth::of(date),
        date: Some(date),
        product,
        product_known: false,
        product_number: None,
        order_type: None,
        instance_id: None,
        list_amount: Some(d(net) + d("10")),
        discount: Decimal::ZERO,
        voucher: d("5"),
        net_amount: d(net),
        currency: currency.into(),
    }
}

/// The lines, as the reference aggregate sums them: per (contract, account, slice,
/// month, product, currency) of the plan's tables.
fn aggregate(
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    lines: &[BillingLine<'_>],
) -> Vec<(usize, AggregateRow)> {
    let tables = plan_tables(plans, rulesets);
    let mut rows: Vec<AggregateRow> = Vec::new();
    for line in lines {
        let date = line.effective_date();
        let covering = tables.coverage.iter().find(|row| {
            row.account_id == *line.account_id
                && row.currency == *line.currency
                && row.valid_from <= date
                && date < row.valid_to
        });
        let contract_id = covering.map(|row| row.contract_id.clone());
        let slice = covering.and_then(|row| {
            tables
                .slices
                .iter()
                .find(|(id, slice)| {
                    *id == row.contract_id && slice.start <= date && date < slice.end
                })
                .map(|(_, slice)| *slice)
        });
        let product = line.product.trim().to_lowercase();
        let product = covering
            .and_then(|row| {
                tables
                    .products
                    .iter()
                    .find(|name| name.ruleset == row.ruleset && name.name_folded == product)
                    .map(|name| name.product.clone())
            })
            .unwrap_or(product);
        let same = rows.iter_mut().find(|row| {
            row.contract_id == contract_id
                && row.account_id == *line.account_id
                && row.slice == slice
                && row.billing_month == line.billing_month
                && row.product == product
                && row.currency == *line.currency
        });
        match same {
            Some(row) => {
                row.list_amount += line.list_amount.unwrap_or_default();
                row.net_amount += line.net_amount;
                row.voucher_amount += line.voucher;
                row.lines += 1;
                row.first_charge_date = row.first_charge_date.min(date);
                row.last_charge_date = row.last_charge_date.max(date);
            }
            None => rows.push(AggregateRow {
                contract_id,
                account_id: line.account_id.to_string(),
                slice,
                billing_month: line.billing_month,
                product,
                currency: line.currency.to_string(),
                list_amount: line.list_amount.unwrap_or_default(),
                lines_without_list: 0,
                net_amount: line.net_amount,
                voucher_amount: line.voucher,
                lines: 1,
                first_charge_date: date,
                last_charge_date: date,
                source: "bill.csv".into(),
            }),
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| (index + 2, row))
        .collect()
}

fn lines() -> Vec<BillingLine<'static>> {
    vec![
        line("A1", "2025-02-10", "ecs", "100", "CNY"),
        line("A1", "2025-02-11", "rds", "100", "CNY"),
        line("A1", "2025-03-01", "ecs", "-20", "CNY"),
        line("A1", "2025-07-15", "ecs", "10", "CNY"),
        line("ZZ", "2025-03-01", "ecs", "7", "CNY"),
        line("A1", "2025-03-01", "ecs", "9", "USD"),
        line("A1", "2026-03-01", "ecs", "40", "CNY"),
        line("A1", "2026-03-02", "quantum", "3", "CNY"),
    ]
}

fn by_lines(plans: &[ContractPlan], rulesets: &Rulesets) -> FileLedger {
    let index = ContractIndex::new(plans, rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    for (row, line) in lines().into_iter().enumerate() {
        attributor.line(row + 2, line);
    }
    attributor.finish().unwrap()
}

#[test]
fn the_aggregate_fills_the_ledger_the_lines_fill() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let expected = by_lines(&plans, &rulesets);
    let rows = aggregate(&plans, &rulesets, &lines());
    let attributor = AggregateAttributor::new(&plans, &rulesets);
    let found = attributor
        .ledger(&Location::file("aggregate.csv".into()), &rows, 20)
        .unwrap();
    let mut keys: Vec<_> = expected.buckets.keys().copied().collect();
    keys.sort();
    let mut found_keys: Vec<_> = found.buckets.keys().copied().collect();
    found_keys.sort();
    assert_eq!(keys, found_keys);
    for key in keys {
        let (line, summed) = (&expected.buckets[&key], &found.buckets[&key]);
        assert_eq!(line.weighted_base, summed.weighted_base, "{key:?}");
        for Source {
            table,
            product,
            group,
        } in &line.sources
        {
            let other = &summed.sources[(*table, &**product)];
            assert_eq!(
                (
                    group.coefficient,
                    group.base,
                    group.weighted_base,
                    group.amounts
                ),
                (
                    other.coefficient,
                    other.base,
                    other.weighted_base,
                    other.amounts
                ),
                "{key:?} {product}"
            );
        }
    }
    // Q1 of C1: 100 + 100 × 0.5 − 20 = 130; the 2026 lines are C2's, on cash (net − 5).
    assert_eq!(found.buckets[&(0, 0)].weighted_base, d("130"));
    assert_eq!(found.uncovered, expected.uncovered);
    assert_eq!(found.currency_mismatches, expected.currency_mismatches);
    assert_eq!(found.overlaps, expected.overlaps);
    assert_eq!(found.unknown_products, expected.unknown_products);
    let (line, summed) = (&expected.tables[0], &found.tables[0]);
    assert_eq!(
        (line.read, line.attributed, &line.excluded),
        (summed.read, summed.attributed, &summed.excluded)
    );
}

#[test]
fn rows_that_do_not_fit_the_plan_are_named_by_row_and_column() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let attributor = AggregateAttributor::new(&plans, &rulesets);
    let rows = aggregate(&plans, &rulesets, &lines());
    let problem = |edit: &dyn Fn(&mut AggregateRow)| {
        let mut rows = rows.clone();
        edit(&mut rows[0].1);
        let problems = attributor
            .ledger(&Location::file("aggregate.csv".into()), &rows, 20)
            .unwrap_err();
        problems[0].to_string()
    };
    assert_eq!(
        problem(&|row| row.slice = Some(slice("2025-01-01", "2025-03-01"))),
        "aggregate.csv:2:slice_start: [2025-01-01, 2025-03-01) is not a slice of contract C1 in the plan of the current contracts and rulesets; run `rebate-audit plan` again and rebuild the aggregate"
    );
    assert!(
        problem(&|row| row.currency = "USD".into())
            .starts_with("aggregate.csv:2:currency: contract C1 is in CNY, this row is in USD")
    );
    assert!(
        problem(&|row| row.contract_id = Some("C9".into()))
            .starts_with("aggregate.csv:2:contract_id: `C9` is not a contract")
    );
    assert!(
        problem(&|row| row.contract_id = Some("C2".into()))
            .starts_with("aggregate.csv:2:slice_start:")
    );
    // Lines of A1 in CNY left uncovered: the coverage gives them to C1.
    assert!(
        problem(&|row| {
            row.contract_id = None;
            row.slice = None;
        })
        .contains("the coverage gives account A1's CNY lines of 2025-02-10 to contract C1")
    );
    assert!(
        problem(&|row| row.first_charge_date = day("2024-12-31"))
            .starts_with("aggregate.csv:2:first_charge_date:")
    );
}

#[test]
fn a_list_base_row_with_lines_without_a_list_amount_is_refused() {
    let mut plans = plans();
    plans[0].contract.base = Base::List;
    let rulesets = Rulesets::load(None).unwrap();
    let attributor = AggregateAttributor::new(&plans, &rulesets);
    let mut rows = aggregate(&plans, &rulesets, &lines());
    rows[0].1.lines_without_list = 1;
    let problems = attributor
        .ledger(&Location::file("a.csv".into()), &rows, 20)
        .unwrap_err();
    assert!(problems[0].to_string().starts_with(
        "a.csv:2:lines_without_list: contract C1 computes its rebate on list amounts"
    ));
    // With every list amount, the list sum is the base: 110 + (110 × 0.5) + (−10) = 155.
    rows[0].1.lines_without_list = 0;
    let ledger = attributor
        .ledger(&Location::file("a.csv".into()), &rows, 20)
        .unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("155.0"));
}

/// A1 leaves C1 on 15 May and joins C2 on 1 August (removed before C2 takes it: the
/// days between are nobody's), and comes back to C1 on 1 November.
#[test]
fn coverage_follows_an_accounts_dated_membership_and_slices_cut_where_it_changes() {
    use crate::domain::amendment::{AmendedTerms, Amendment, Retroactive};
    let amendment = |id: &str, effective: &str, terms: AmendedTerms| Amendment {
        id: id.into(),
        effective_from: day(effective),
        retroactive: Retroactive::No,
        applies_from: day(effective),
        terms,
        source: Location::file("contracts.xlsx".into()),
    };
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.amendments = vec![
        amendment(
            "M-1",
            "2025-05-15",
            AmendedTerms::AccountRemove("A1".into()),
        ),
        amendment("M-3", "2025-11-01", AmendedTerms::AccountAdd("A1".into())),
    ];
    let mut second = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    second.id = "C2".into();
    second.accounts = vec!["B1".into()];
    second.amendments = vec![amendment(
        "M-2",
        "2025-08-01",
        AmendedTerms::AccountAdd("A1".into()),
    )];
    let plans: Vec<ContractPlan> = [first, second].into_iter().map(ContractPlan::new).collect();
    let rulesets = Rulesets::load(None).unwrap();
    let tables = plan_tables(&plans, &rulesets);
    let coverage: Vec<(&str, &str, NaiveDate, NaiveDate)> = tables
        .coverage
        .iter()
        .map(|row| {
            (
                row.account_id.as_str(),
                row.contract_id.as_str(),
                row.valid_from,
                row.valid_to,
            )
        })
        .collect();
    // From 1 November both have A1: C1 (the earlier id of two equal starts) takes it.
    assert_eq!(
        coverage,
        vec![
            ("A1", "C1", day("2025-01-01"), day("2025-05-15")),
            ("A1", "C2", day("2025-08-01"), day("2025-11-01")),
            ("A1", "C1", day("2025-11-01"), day("2026-01-01")),
            ("B1", "C2", day("2025-01-01"), day("2026-01-01")),
        ]
    );
    let of = |id: &str| -> Vec<Slice> {
        tables
            .slices
            .iter()
            .filter(|(contract, _)| contract == id)
            .map(|(_, slice)| *slice)
            .collect()
    };
    assert_eq!(
        of("C1"),
        vec![
            slice("2025-01-01", "2025-04-01"),
            slice("2025-04-01", "2025-05-15"),
            slice("2025-05-15", "2025-07-01"),
            slice("2025-07-01", "2025-08-01"),
            slice("2025-08-01", "2025-10-01"),
            slice("2025-10-01", "2025-11-01"),
            slice("2025-11-01", "2026-01-01"),
        ]
    );
    assert_eq!(of("C2"), of("C1"));
}
