//! Staged routing (`staged`) and the account table (`accounts`): the same ledger as
//! taking each line at once, whatever comes between the lines.

use super::accounts::{Accounts, INLINE, Probe};
use super::*;
use crate::domain::billing::BillingLine;
use crate::domain::contract::{Base, Settlement};
use crate::domain::location::Location;
use crate::domain::period::YearMonth;
use crate::domain::settlement::tests::contract;
use crate::domain::test_support::{d, day};
use crate::ingest::billing::BillingSink;
use crate::ruleset::Rulesets;
use rust_decimal::Decimal;

/// C1: A1 and A2, 2025, quarterly, RDS at 0.5. C2: A1 (overlapping C1 from June) and A3,
/// June 2025 to May 2026, monthly, cash base. C3: A4 in USD, list base.
fn plans() -> Vec<ContractPlan> {
    let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    first.accounts = vec!["A1".into(), "A2".into()];
    first.products.insert("RDS".into(), d("0.5"));
    let mut second = contract("2025-06-01", "2026-05-31", Settlement::Monthly);
    second.id = "C2".into();
    second.accounts = vec!["A1".into(), "A3".into()];
    second.base = Base::Cash;
    let mut third = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
    third.id = "C3".into();
    third.accounts = vec!["A4".into()];
    third.currency = "USD".into();
    third.base = Base::List;
    [first, second, third]
        .into_iter()
        .map(ContractPlan::new)
        .collect()
}

/// One line of a scrambled mix: known and unknown accounts, dates in and out of every
/// term, both currencies, amounts that wait and amounts that cannot (nine decimals),
/// lines with and without a list amount.
fn mixed(row: usize) -> BillingLine<'static> {
    let scrambled = (row * 7919) % 1009;
    let account = ["A1", "A2", "A3", "A4", "Z9", "A1"][scrambled % 6];
    let month = 1 + scrambled % 12;
    let year = if scrambled.is_multiple_of(17) {
        2024
    } else {
        2025
    };
    let date = day(&format!("{year}-{month:02}-{:02}", 1 + scrambled % 28));
    let net = if scrambled.is_multiple_of(53) {
        format!("{scrambled}.000000001")
    } else {
        format!("{scrambled}.{:02}", row % 100)
    };
    BillingLine {
        account_id: account.into(),
        billing_month: YearMonth::of(date),
        date: (!scrambled.is_multiple_of(11)).then_some(date),
        product: ["ECS", "RDS", "Zebra"][scrambled % 3],
        product_known: scrambled.is_multiple_of(3),
        product_number: None,
        order_type: Some("PayAsYouGoBill".into()),
        instance_id: Some(format!("i-{row}").into()),
        list_amount: (!scrambled.is_multiple_of(5)).then(|| d(&format!("{scrambled}"))),
        discount: Decimal::ZERO,
        voucher: if row.is_multiple_of(5) {
            d("0")
        } else {
            d("0.5")
        },
        net_amount: d(&net),
        // A4's lines in USD, the others in CNY, and one in thirteen the other way round.
        currency: if (account == "A4") != scrambled.is_multiple_of(13) {
            "USD"
        } else {
            "CNY"
        }
        .into(),
    }
}

/// Feeds the same events to an attributor that stages or not: lines across several
/// windows, with tables, rejected, blank, above-header and totals rows between them.
fn ledger(index: &ContractIndex<'_>, stages: bool) -> FileLedger {
    let mut attributor = Attributor::staging(index, stages);
    assert_eq!(attributor.stages(), stages);
    attributor.begin_table(&Location::file("bill.csv".into()), None);
    attributor.above_header(1);
    for row in 2..900_usize {
        match row {
            _ if row.is_multiple_of(311) => {
                attributor.begin_table(&Location::file(format!("bill-{row}.csv").into()), None)
            }
            _ if row.is_multiple_of(97) => attributor.reject(
                Location::file("bill.csv".into()).at_row(row),
                "a bad row".into(),
                Some(d("1.5")),
            ),
            _ if row.is_multiple_of(89) => attributor.blank(row),
            _ if row.is_multiple_of(151) => attributor.totals(row, Some(d("100"))),
            _ => attributor.line(row, mixed(row)),
        }
    }
    attributor.finish().unwrap()
}

#[test]
fn staged_lines_make_the_ledger_taking_each_line_at_once_makes() {
    let plans = plans();
    let rulesets = Rulesets::load(None).unwrap();
    let index = ContractIndex::new(&plans, &rulesets);
    let at_once = ledger(&index, false);
    let staged = ledger(&index, true);
    assert_eq!(format!("{staged:#?}"), format!("{at_once:#?}"));
    // The events reach every outcome: groups of all three contracts, rejections in file
    // order (reader's and attributor's), and each kind of exclusion and overlap.
    let contracts: std::collections::BTreeSet<usize> = staged
        .buckets
        .keys()
        .map(|&(contract, _)| contract)
        .collect();
    assert_eq!(contracts, [0, 1, 2].into());
    assert!(staged.rejections.len() > 10, "{}", staged.rejections.len());
    assert!(
        staged
            .rejections
            .iter()
            .any(|rejection| rejection.reason.contains("a bad row"))
    );
    assert!(
        staged
            .rejections
            .iter()
            .any(|rejection| rejection.reason.contains("no list_amount"))
    );
    assert!(!staged.uncovered.is_empty());
    assert!(!staged.currency_mismatches.is_empty());
    assert!(!staged.overlaps.is_empty());
    assert!(!staged.unknown_products.is_empty());
    assert!(staged.tables.len() >= 3);
    assert!(
        staged
            .tables
            .iter()
            .any(|table| !table.totals_rows.is_empty())
    );
    assert!(staged.tables.iter().any(|table| table.blank_rows > 0));
}

#[test]
fn lines_are_staged_from_1024_accounts() {
    let rulesets = Rulesets::load(None).unwrap();
    for (accounts, stages) in [(1023, false), (1024, true)] {
        let mut only = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        only.accounts = (0..accounts).map(|number| format!("A{number}")).collect();
        let plans = vec![ContractPlan::new(only)];
        let index = ContractIndex::new(&plans, &rulesets);
        assert_eq!(index.accounts(), accounts);
        assert_eq!(Attributor::new(&index).stages(), stages, "{accounts}");
    }
}

#[test]
fn the_account_table_finds_every_id_and_mostly_where_it_reads_ahead() {
    let mut accounts = Accounts::default();
    let id = |number: u32| format!("{:016}", u64::from(number) * 7_919_000_013);
    for number in 0..5000 {
        accounts.insert(&id(number), (number, number % 3 + 1));
    }
    let long = "x".repeat(INLINE + 1);
    accounts.insert(&long, (7, 2));
    assert_eq!(accounts.len(), 5001);
    let mut touched_right = 0;
    for number in 0..5000 {
        let account = id(number);
        let probe = Probe::new(&account);
        assert_eq!(
            accounts.get(&account, &probe),
            Some((number, number % 3 + 1))
        );
        // What `touch` read is the entry found when the id sits at its first slot.
        if accounts.touch(&probe) == number {
            touched_right += 1;
        }
    }
    assert!(
        touched_right > 3500,
        "{touched_right} of 5000 at their first slot"
    );
    assert_eq!(accounts.get(&long, &Probe::new(&long)), Some((7, 2)));
    for unknown in ["", "0", &id(5000), &long[1..], &"x".repeat(INLINE)] {
        assert_eq!(
            accounts.get(unknown, &Probe::new(unknown)),
            None,
            "{unknown}"
        );
    }
    // An empty table finds nothing and reads nothing.
    let empty = Accounts::default();
    let probe = Probe::new("A1");
    assert_eq!(empty.get("A1", &probe), None);
    assert_eq!(empty.touch(&probe), 0);
}
