use super::bucket::OpenGroup;
use super::groups::Groups;
use super::rows::OpenRows;
use super::*;
use crate::domain::billing::BillingLine;
use crate::domain::contract::Base;
use crate::domain::contract::Settlement;
use crate::domain::controls::{Exclusion, Tally};
use crate::domain::location::Location;
use crate::domain::money::{Overflow, RunningSum};
use crate::domain::period::YearMonth;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::ingest::billing::BillingSink;
use crate::ruleset::Rulesets;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
        product_known: product == "ECS",
        product_number: None,
        order_type: None,
        instance_id: None,
        list_amount: None,
        discount: Decimal::ZERO,
        voucher: d("5"),
        net_amount: d(net),
        currency: currency.into(),
    }
}

fn plans() -> Vec<ContractPlan> {
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.products.insert("RDS".into(), d("0.5"));
    let mut second = contract("2025-06-01", "2026-05-31", Settlement::Monthly);
    second.id = "C2".into();
    second.base = Base::Cash;
    [first, second].into_iter().map(ContractPlan::new).collect()
}

#[test]
fn lines_go_to_the_covering_contract_and_period_with_their_coefficient() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-02-10", "ECS", "100", "CNY"));
    attributor.line(3, line("A1", "2025-02-11", "RDS", "100", "CNY"));
    attributor.line(4, line("A1", "2025-03-01", "ECS", "-20", "CNY"));
    attributor.line(5, line("ZZ", "2025-03-01", "ECS", "7", "CNY"));
    attributor.line(6, line("A1", "2025-03-01", "ECS", "9", "USD"));
    attributor.line(7, line("A1", "2026-03-01", "ECS", "40", "CNY"));
    let ledger = attributor.finish().unwrap();
    let q1 = &ledger.buckets[&(0, 0)];
    // 100 + 100 × 0.5 − 20 = 130.
    assert_eq!(q1.weighted_base, d("130.0"));
    assert_eq!(q1.sources[(0, "ECS")].rows.to_string(), "2, 4");
    // C2 (base cash: net − voucher 5) takes the 2026 line.
    assert_eq!(ledger.buckets[&(1, 9)].weighted_base, d("35"));
    let control = &ledger.tables[0];
    assert_eq!(
        control.read,
        Tally {
            rows: 6,
            amount: d("236")
        }
    );
    assert_eq!(control.attributed.rows, 4);
    assert_eq!(control.excluded[&Exclusion::Uncovered].amount, d("7"));
    assert_eq!(
        control.excluded[&Exclusion::CurrencyMismatch].amount,
        d("9")
    );
    // RDS matched no alias (the test line says so) but the contract names it.
    assert!(ledger.unknown_products.is_empty());
}

#[test]
fn a_product_only_the_contracts_coefficient_sheet_names_is_known() {
    // Zebra matches no alias and no ruleset coefficient; C1's sheet weights it 0.3, so it
    // is priced 100 × 0.3 and is no unknown product (a mutant making "known" need a
    // ruleset coefficient as well raised one).
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.products.insert("Zebra".into(), d("0.3"));
    let plans = vec![ContractPlan::new(first)];
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-02-10", "Zebra", "100", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("30"));
    assert_eq!(
        ledger.buckets[&(0, 0)].sources[(0, "Zebra")].coefficient,
        d("0.3")
    );
    assert!(
        ledger.unknown_products.is_empty(),
        "{:?}",
        ledger.unknown_products
    );
}

#[test]
fn a_product_is_weighted_under_each_contracts_own_ruleset() {
    // One file, two contracts: C1 on the generic ruleset (every product at 1) and C2 on
    // Alibaba's, whose default coefficient for marketplace sales is 0. The same product
    // meets both; what it is under one ruleset must not carry over to the other.
    let first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    let mut second = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    second.id = "C2".into();
    second.ruleset = "aliyun".into();
    second.accounts = vec!["A2".into()];
    let plans: Vec<ContractPlan> = [first, second].into_iter().map(ContractPlan::new).collect();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-02-10", "marketplace", "100", "CNY"));
    attributor.line(3, line("A2", "2025-02-10", "marketplace", "100", "CNY"));
    attributor.line(4, line("A1", "2025-02-11", "marketplace", "50", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("150"));
    assert_eq!(ledger.buckets[&(1, 0)].weighted_base, d("0"));
    assert_eq!(
        ledger.buckets[&(1, 0)].sources[(0, "marketplace")].coefficient,
        d("0")
    );
}

#[test]
fn a_line_without_a_date_counts_on_the_first_of_its_billing_month() {
    // Billed in 2025-04 with no charge date: dated 2025-04-01, so Q2 of C1.
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    let mut undated = line("A1", "2025-04-30", "ECS", "10", "CNY");
    undated.date = None;
    assert_eq!(undated.effective_date(), day("2025-04-01"));
    attributor.line(2, undated);
    assert_eq!(
        attributor.finish().unwrap().buckets[&(0, 1)].weighted_base,
        d("10")
    );
}

#[test]
fn a_list_base_takes_the_list_amount_and_rejects_lines_without_one() {
    let mut plans = plans();
    plans[0].contract.base = Base::List;
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    let mut listed = line("A1", "2025-01-10", "ECS", "80", "CNY");
    listed.list_amount = Some(d("100"));
    attributor.line(2, listed);
    attributor.line(3, line("A1", "2025-01-11", "ECS", "80", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("100"));
    assert_eq!(ledger.rejections.len(), 1);
    assert!(ledger.rejections[0].reason.contains("no list_amount"));
    assert_eq!(
        ledger.tables[0].rejected,
        Tally {
            rows: 1,
            amount: d("80")
        }
    );
}

#[test]
fn overlapping_contracts_give_the_line_to_the_earliest_start() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-07-15", "Quantum", "10", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert!(ledger.buckets.contains_key(&(0, 2)));
    let ((account, chosen, other), (tally, _, _)) = ledger.overlaps.iter().next().unwrap();
    assert_eq!(
        (account.as_str(), *chosen, *other, tally.rows),
        ("A1", 0, 1, 1)
    );
    assert_eq!(
        ledger.unknown_products.keys().next(),
        Some(&(0, "Quantum".to_string()))
    );
}

#[test]
fn every_base_is_summed_and_parts_merge_to_the_whole() {
    // C1 (base net, RDS at 0.5), Q1: two ECS rows and an RDS row, one without list.
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let rows = |attributor: &mut Attributor<'_, '_>, rows: std::ops::Range<usize>| {
        for row in rows {
            let (product, net, list) = [
                ("ECS", "100", Some("120")),
                ("RDS", "60", Some("80")),
                ("ECS", "-20", None),
                ("ECS", "0.005", Some("0.01")),
            ][row];
            let mut billed = line("A1", "2025-02-10", product, net, "CNY");
            billed.list_amount = list.map(d);
            attributor.line(row + 2, billed);
        }
    };
    let mut whole = Attributor::new(&index);
    whole.begin_table(&Location::file("bill.csv".into()), None);
    rows(&mut whole, 0..4);
    let whole = whole.finish().unwrap();
    let q1 = &whole.buckets[&(0, 0)];
    let ecs = &q1.sources[(0, "ECS")];
    assert_eq!(
        ecs.amounts,
        LineAmounts {
            net: d("80.005"),
            list: d("120.01"),
            without_list: 1,
            voucher: d("15"),
        }
    );
    assert_eq!(ecs.amounts.base(Base::Net), Ok(Some(d("80.005"))));
    assert_eq!(ecs.amounts.base(Base::Cash), Ok(Some(d("65.005"))));
    assert_eq!(ecs.amounts.base(Base::List), Ok(None));
    let rds = &q1.sources[(0, "RDS")];
    assert_eq!(rds.amounts.base(Base::List), Ok(Some(d("80"))));
    assert_eq!(rds.weighted_base, d("30"));
    // The same rows read in two parts and appended give the same buckets.
    let mut first = Attributor::new(&index);
    first.begin_table(&Location::file("bill.csv".into()), None);
    rows(&mut first, 0..2);
    let mut later = Attributor::new(&index);
    later.begin_table(&Location::file("bill.csv".into()), None);
    rows(&mut later, 2..4);
    let mut parts = first.finish().unwrap();
    parts.append(later.finish().unwrap()).unwrap();
    assert_eq!(parts.buckets, whole.buckets);
}

#[test]
fn row_ranges_compress_and_stay_bounded() {
    let mut ranges = RowRanges::default();
    for row in [2, 3, 4, 7, 9, 10] {
        ranges.push(row);
    }
    assert_eq!(ranges.to_string(), "2-4, 7, 9-10");
    let mut many = RowRanges::default();
    for row in (0..200).map(|row| row * 2) {
        many.push(row);
    }
    assert!(many.to_string().ends_with(", …"));
}

/// Pushes `rows` through [`OpenRows`] and through [`RowRanges::push`] one by one.
fn both_ways(rows: &[usize]) -> (RowRanges, RowRanges) {
    let mut open = OpenRows::default();
    let mut reference = RowRanges::default();
    for &row in rows {
        open.push(row);
        reference.push(row);
    }
    (open.close(), reference)
}

#[test]
fn open_rows_close_into_the_ranges_pushing_each_row_gives() {
    // A worked table: rows as read → ranges shown.
    let table: [(&[usize], &str); 6] = [
        (&[], ""),
        (&[5], "5"),
        (&[5, 5, 6, 7], "5-7"),
        (&[2, 3, 4, 7, 9, 10], "2-4, 7, 9-10"),
        // Random account order: every row of a group starts a range of its own.
        (&[3, 17, 40], "3, 17, 40"),
        // Eleven ranges closed and the twelfth open: the twelfth still grows.
        (
            &[0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 23, 24, 30, 31],
            "0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22-24, …",
        ),
    ];
    for (rows, shown) in table {
        let (open, reference) = both_ways(rows);
        assert_eq!(open.to_string(), shown, "rows {rows:?}");
        assert_eq!(open, reference, "rows {rows:?}");
    }
    let spread: Vec<usize> = (0..200).map(|row| row * 3 % 101).collect();
    let (open, reference) = both_ways(&spread);
    assert_eq!(open, reference);
    assert!(open.to_string().ends_with(", …"));
}

#[test]
fn the_index_finds_the_segment_the_plan_does_on_every_edge_day() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    // A worked table for the quarterly contract (2025): day → segment.
    let table = [
        ("2024-12-31", None),
        ("2025-01-01", Some(0)),
        ("2025-03-31", Some(0)),
        ("2025-04-01", Some(1)),
        ("2025-06-30", Some(1)),
        ("2025-12-31", Some(3)),
        ("2026-01-01", None),
    ];
    for (date, expected) in table {
        assert_eq!(index.segment(0, day(date)), expected, "{date}");
    }
    // Every day of both contracts' terms and around them, as the plan's own search gives it.
    for (contract, plan) in plans.iter().enumerate() {
        let mut date = day("2024-12-25");
        while date <= day("2026-06-05") {
            assert_eq!(
                index.segment(contract, date),
                crate::domain::settlement::segment_index(&plan.segments, date),
                "contract {contract}, {date}"
            );
            date = date.succ_opt().unwrap();
        }
    }
    // A line on a quarter's last day is summed in that quarter.
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-03-31", "ECS", "100", "CNY"));
    let ledger = attributor.finish().unwrap();
    assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("100"));
    assert!(ledger.rejections.is_empty());
}

/// A billing line as the group tests give it: row, net, list and voucher amounts.
type GroupLine<'a> = (usize, &'a str, Option<&'a str>, &'a str);

/// Sums `lines` (row, net, list, voucher) into [`groups::Groups`] and, the reference, one
/// by one into an [`OpenGroup`]; both closed.
fn groups_both_ways(
    lines: &[GroupLine<'_>],
) -> (
    Result<SourceGroup, Overflow>,
    Result<SourceGroup, Overflow>,
    Vec<bool>,
) {
    let mut groups = Groups::default();
    let group = groups.open(d("0.5"));
    let mut reference = OpenGroup {
        coefficient: d("0.5"),
        rows: 0,
        base: RunningSum::default(),
        ranges: OpenRows::default(),
        net: RunningSum::default(),
        list: RunningSum::default(),
        without_list: 0,
        voucher: RunningSum::default(),
    };
    let mut added = Vec::new();
    for &(row, net, list, voucher) in lines {
        let mut billed = line("A1", "2025-02-10", "ECS", net, "CNY");
        billed.list_amount = list.map(d);
        billed.voucher = d(voucher);
        let ours = groups.add(group, row, billed.net_amount, &billed);
        let theirs = reference.add(
            row,
            billed.net_amount,
            billed.net_amount,
            billed.list_amount,
            billed.voucher,
        );
        assert_eq!(ours, theirs, "line {row}");
        added.push(ours.is_ok());
    }
    // Closed both ways the file's end can: walking the group's chain, and straight from
    // the small form after gathering every group's ranges (`Closing`), field for field.
    let walked = groups.clone().close(group);
    let gathered = groups.closing().close(group);
    assert_eq!(format!("{walked:?}"), format!("{gathered:?}"), "{lines:?}");
    (gathered, reference.close(), added)
}

#[test]
fn compact_groups_sum_exactly_what_an_open_group_sums() {
    // Worked tables: (row, net, list, voucher) → the group both ways, field for field.
    let tables: [&[GroupLine<'_>]; 7] = [
        &[],
        // Two decimals, a zero voucher whose decimals do not count, a row without list.
        &[
            (2, "100.00", Some("120.00"), "0.000"),
            (3, "-20.5", None, "5"),
            (9, "0.005", Some("0.01"), "0.25"),
        ],
        // Finer than eight decimals: the group leaves its small form at the second line
        // and keeps the rows and sums it had.
        &[
            (4, "1.10", Some("2"), "0"),
            (5, "0.000000001", Some("1"), "0"),
            (7, "3", None, "0.5"),
        ],
        // Past the i64 range of 10^-8 units (92 billion): same move, exact sums.
        &[
            (2, "90000000000.00", Some("1"), "0"),
            (3, "90000000000.00", Some("1"), "0"),
            (4, "-1.25", None, "0"),
        ],
        // Negative and positive sums cancelling to zero keep their decimals.
        &[
            (1, "-40.41", Some("-40.41"), "0"),
            (2, "40.41", Some("40.41"), "0"),
        ],
        // Three ranges: two closed, the third still growing when the file ends (one more
        // than a group holds in place).
        &[
            (1, "1", None, "0"),
            (3, "2", None, "0"),
            (5, "3", None, "0"),
            (6, "4", None, "0"),
        ],
        // Random rows: eleven ranges closed, then truncated while the twelfth grows.
        &[
            (0, "1", None, "0"),
            (2, "1", None, "0"),
            (4, "1", None, "0"),
            (6, "1", None, "0"),
            (8, "1", None, "0"),
            (10, "1", None, "0"),
            (12, "1", None, "0"),
            (14, "1", None, "0"),
            (16, "1", None, "0"),
            (18, "1", None, "0"),
            (20, "1", None, "0"),
            (22, "1", None, "0"),
            (23, "1", None, "0"),
            (30, "1", None, "0"),
            (31, "1", None, "0"),
        ],
    ];
    for lines in tables {
        let (ours, theirs, _) = groups_both_ways(lines);
        // Debug shows each amount's decimals too (`5.250` is not `5.25` there).
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{lines:?}");
    }
    let (ours, _, _) = groups_both_ways(tables[1]);
    let ours = ours.unwrap();
    assert_eq!(ours.base.amount.to_string(), "79.505");
    assert_eq!(ours.amounts.voucher.to_string(), "5.25");
    assert_eq!(ours.amounts.list.to_string(), "120.01");
    assert_eq!(ours.rows.to_string(), "2-3, 9");
    let (ours, _, _) = groups_both_ways(tables[3]);
    assert_eq!(ours.unwrap().base.amount.to_string(), "179999999998.75");
    let (ours, _, _) = groups_both_ways(tables[4]);
    assert_eq!(ours.unwrap().base.amount.to_string(), "0.00");
    let (ours, _, _) = groups_both_ways(tables[5]);
    assert_eq!(ours.unwrap().rows.to_string(), "1, 3, 5-6");
    let (ours, _, _) = groups_both_ways(tables[6]);
    assert_eq!(
        ours.unwrap().rows.to_string(),
        "0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22-23, …"
    );
}

#[test]
fn a_compact_group_overflows_where_an_open_group_does() {
    let max = Decimal::MAX.to_string();
    // The third line takes the sum past the Decimal range: rejected both ways, the
    // sums left as they were.
    let lines = [
        (2, max.as_str(), None, "0"),
        (3, "-1", None, "0"),
        (4, "2", None, "0"),
        (5, "1", None, "0"),
    ];
    let (ours, theirs, added) = groups_both_ways(&lines);
    assert_eq!(added, [true, true, false, true]);
    assert_eq!(ours, theirs);
}

#[test]
fn the_account_index_finds_short_and_long_account_ids() {
    // Ids of 21, 22 (the longest kept inside the entry) and 23 bytes, and a Chinese one.
    let accounts = [
        "123456789012345678901",
        "1234567890123456789012",
        "12345678901234567890123",
        "集团子公司账户",
    ];
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.accounts = accounts.iter().map(|account| account.to_string()).collect();
    let mut second = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    second.id = "C2".into();
    second.accounts = vec![accounts[2].to_string()];
    let plans: Vec<ContractPlan> = [first, second].into_iter().map(ContractPlan::new).collect();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    assert_eq!(index.candidates(accounts[0]), [0]);
    assert_eq!(index.candidates(accounts[1]), [0]);
    assert_eq!(index.candidates(accounts[2]), [0, 1]);
    assert_eq!(index.candidates(accounts[3]), [0]);
    // A prefix or an extension of a known id is another account.
    assert!(index.candidates("12345678901234567890").is_empty());
    assert!(index.candidates("123456789012345678901234").is_empty());
    assert!(index.candidates("").is_empty());
}

#[test]
fn compact_groups_stay_small_until_an_amount_does_not_fit_and_keep_apart() {
    let mut groups = Groups::default();
    let (first, second) = (groups.open(d("1")), groups.open(d("0.5")));
    assert_ne!(first, second);
    let mut billed = line("A1", "2025-02-10", "ECS", "0.12345678", "CNY");
    billed.voucher = Decimal::ZERO;
    // Eight decimals still fit the small form; lines of two groups interleaved.
    for row in [2, 3, 5] {
        groups.add(first, row, billed.net_amount, &billed).unwrap();
        groups.add(second, row + 10, d("2"), &billed).unwrap();
    }
    assert_eq!(groups.spilled(), 0);
    billed.net_amount = d("0.123456789");
    groups.add(second, 20, billed.net_amount, &billed).unwrap();
    assert_eq!(
        groups.spilled(),
        1,
        "nine decimals move the group to the full form"
    );
    let (first, second) = (groups.close(first).unwrap(), groups.close(second).unwrap());
    assert_eq!(first.base.amount.to_string(), "0.37037034");
    assert_eq!(first.rows.to_string(), "2-3, 5");
    assert_eq!(second.base.amount.to_string(), "6.123456789");
    assert_eq!(second.weighted_base.to_string(), "3.0617283945");
    assert_eq!(second.rows.to_string(), "12-13, 15, 20");
}

/// Five groups whose rows interleave (row → group below), one spilled midway, one empty;
/// the rows each group took, in order.
fn interleaved_groups() -> (Groups, Vec<Vec<usize>>) {
    let mut groups = Groups::default();
    let mut taken = vec![Vec::new(); 5];
    for _ in 0..5 {
        groups.open(d("0.5"));
    }
    for row in 2..=200 {
        let group = match row {
            _ if row % 50 == 3 => 2,
            _ if row % 2 == 0 && row < 60 => 1,
            60..120 => 0,
            _ => 4,
        };
        // Group 4 leaves the small form at row 151 (nine decimals).
        let net = if row == 151 { "0.123456789" } else { "1.5" };
        let billed = line("A1", "2025-02-10", "ECS", net, "CNY");
        groups.add(group, row, billed.net_amount, &billed).unwrap();
        taken[group].push(row);
    }
    (groups, taken)
}

#[test]
fn closing_gathers_each_groups_ranges_as_walking_its_chain_does() {
    let (mut walked, taken) = interleaved_groups();
    let (groups, _) = interleaved_groups();
    assert_eq!(groups.spilled(), 1);
    let mut closing = groups.closing();
    // In an order unrelated to the groups' numbers, as the buckets ask for them.
    for group in [3, 1, 4, 0, 2] {
        let gathered = closing.close(group).unwrap();
        let walked = walked.close(group).unwrap();
        // Debug shows each amount's decimals too.
        assert_eq!(
            format!("{gathered:?}"),
            format!("{walked:?}"),
            "group {group}"
        );
        let mut pushed = RowRanges::default();
        for &row in &taken[group] {
            pushed.push(row);
        }
        assert_eq!(gathered.rows, pushed, "group {group}");
        assert_eq!(gathered.base.rows, taken[group].len() as u64);
    }
    assert_eq!(rows(0), "60-102, 104-119");
    assert_eq!(rows(2), "3, 53, 103, 153");
    assert_eq!(rows(3), "");
    assert_eq!(rows(1), "2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, …");
    assert_eq!(
        rows(4),
        "5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, …",
        "odd rows, then the rows after 120"
    );
}

/// Group `group`'s rows in [`interleaved_groups`], closed from the gathered ranges.
fn rows(group: usize) -> String {
    let (groups, _) = interleaved_groups();
    groups.closing().close(group).unwrap().rows.to_string()
}

#[test]
fn slots_find_every_key_and_mostly_at_its_first_slot() {
    use super::slots::{EMPTY, Slots};
    let mut slots = Slots::default();
    // Empty: nothing found, nothing read.
    assert_eq!(slots.get([0, 0, 0]), None);
    assert_eq!(slots.touch([0, 0, 0]), EMPTY);
    // Keys differing in one part only (segment, table or product), across several growths.
    let key = |number: u32| [number / 6, number % 2, number % 3];
    for number in 0..1000 {
        assert_eq!(slots.get(key(number)), None, "{number} before");
        slots.insert(key(number), number);
    }
    assert_eq!(slots.len(), 1000);
    // At most half full, in a power of two: 1,000 keys take 2,048 entries.
    assert_eq!(slots.capacity(), 2048);
    let mut at_home = 0;
    for number in 0..1000 {
        assert_eq!(slots.get(key(number)), Some(number), "{number}");
        if slots.touch(key(number)) == number {
            at_home += 1;
        }
    }
    // A lookup reads the slot read ahead for most keys (the hash spreads them).
    assert!(at_home > 700, "{at_home} of 1000 keys at their first slot");
    for number in 1000..1100 {
        assert_eq!(slots.get(key(number)), None, "{number} never inserted");
    }
    assert_eq!(slots.get([7, 7, 7]), None);
}

/// Lines of A1 in the first half of 2025 (C1, quarterly: Q1 and Q2), three products
/// interleaved in a scrambled order, more than two windows of them; (row, line).
fn scrambled_lines() -> Vec<(usize, BillingLine<'static>)> {
    let count = 2 * super::window::WINDOW + 7;
    (0..count)
        .map(|row| {
            let scrambled = (row * 37) % 101;
            let product = ["ECS", "RDS", "Zebra"][scrambled % 3];
            let date = format!("2025-0{}-{:02}", 1 + scrambled % 6, 1 + scrambled % 28);
            let net = format!("{}.{:02}", scrambled, row % 100);
            let mut billed = line("A1", &date, product, &net, "CNY");
            billed.voucher = if row % 5 == 0 { d("0") } else { d("0.5") };
            billed.list_amount = (row % 4 != 0).then(|| d(&format!("{scrambled}")));
            (row + 2, billed)
        })
        .collect()
}

/// What summing each line into its group at once gives: (quarter, product) → (Σ net,
/// rows pushed one by one).
fn line_by_line(
    lines: &[(usize, BillingLine<'_>)],
) -> BTreeMap<(usize, String), (Decimal, RowRanges)> {
    let mut sums: BTreeMap<(usize, String), (Decimal, RowRanges)> = BTreeMap::new();
    for (row, billed) in lines {
        let quarter = (billed
            .effective_date()
            .format("%m")
            .to_string()
            .parse::<usize>()
            .unwrap()
            - 1)
            / 3;
        let entry = sums
            .entry((quarter, billed.product.to_string()))
            .or_default();
        entry.0 += billed.net_amount;
        entry.1.push(*row);
    }
    sums
}

#[test]
fn a_window_of_lines_sums_what_summing_line_by_line_gives() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut lines = scrambled_lines();
    // A line that cannot wait (nine decimals) in the middle of the second window, and one
    // whose amount leaves the i64 range: summed after the lines before them.
    lines[300].1.net_amount = d("1.000000001");
    lines[301].1.net_amount = d("100000000000.00");
    let expected = line_by_line(&lines);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    for (row, billed) in lines.iter().cloned() {
        attributor.line(row, billed);
    }
    let ledger = attributor.finish().unwrap();
    let mut found = BTreeMap::new();
    for (&(contract, quarter), bucket) in &ledger.buckets {
        assert_eq!(contract, 0);
        for Source { product, group, .. } in &bucket.sources {
            found.insert(
                (quarter, product.to_string()),
                (group.amounts.net, group.rows.clone()),
            );
            let coefficient = if &**product == "RDS" {
                d("0.5")
            } else {
                d("1")
            };
            assert_eq!(group.coefficient, coefficient);
            assert_eq!(group.base.amount, group.amounts.net, "base net");
        }
    }
    assert_eq!(found, expected);
    // Zebra is named by no one: its lines are tallied as an unknown product, all of them.
    let zebra: Decimal = lines
        .iter()
        .filter(|(_, billed)| billed.product == "Zebra")
        .map(|(_, billed)| billed.net_amount)
        .sum();
    assert_eq!(
        ledger.unknown_products[&(0, "Zebra".to_string())].amount,
        zebra
    );
    assert_eq!(ledger.tables[0].attributed.rows, lines.len() as u64);
}

#[test]
fn a_window_ends_at_its_last_line_and_an_empty_one_changes_nothing() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    // No line at all: an empty ledger.
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    let empty = attributor.finish().unwrap();
    assert!(empty.buckets.is_empty());
    // Exactly one window, then one window and one line: each line counted once, in its
    // group, whether it was summed when the window filled or when the file ended.
    let all = scrambled_lines();
    for count in [
        super::window::WINDOW - 1,
        super::window::WINDOW,
        super::window::WINDOW + 1,
    ] {
        let lines = &all[..count];
        let mut attributor = Attributor::new(&index);
        attributor.begin_table(&Location::file("bill.csv".into()), None);
        for (row, billed) in lines.iter().cloned() {
            attributor.line(row, billed);
        }
        let ledger = attributor.finish().unwrap();
        let rows: u64 = ledger
            .buckets
            .values()
            .flat_map(|bucket| bucket.sources.groups())
            .map(|group| group.base.rows)
            .sum();
        assert_eq!(rows, count as u64, "{count} lines");
        let net: Decimal = ledger
            .buckets
            .values()
            .flat_map(|bucket| bucket.sources.groups())
            .map(|group| group.amounts.net)
            .sum();
        let expected: Decimal = lines.iter().map(|(_, billed)| billed.net_amount).sum();
        assert_eq!(net, expected, "{count} lines");
    }
}

#[test]
fn lines_of_one_group_with_equal_keys_in_two_tables_stay_apart() {
    // The same account, day and product in two tables of a file: two groups (the key
    // holds the table), each with its own rows.
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let mut attributor = Attributor::new(&index);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.line(2, line("A1", "2025-02-10", "ECS", "1", "CNY"));
    attributor.line(3, line("A1", "2025-02-10", "ECS", "2", "CNY"));
    attributor.begin_table(&Location::file("bill2.csv".into()), None);
    attributor.line(2, line("A1", "2025-02-10", "ECS", "4", "CNY"));
    let ledger = attributor.finish().unwrap();
    let q1 = &ledger.buckets[&(0, 0)];
    assert_eq!(q1.sources[(0, "ECS")].amounts.net, d("3"));
    assert_eq!(q1.sources[(0, "ECS")].rows.to_string(), "2-3");
    assert_eq!(q1.sources[(1, "ECS")].amounts.net, d("4"));
    assert_eq!(q1.weighted_base, d("7"));
}

mod amended;
mod sources;
mod storage;
