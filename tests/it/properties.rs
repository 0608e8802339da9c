//! Property tests (proptest): the audit's answer does not depend on how its billing input
//! is laid out or on how many threads read it; the tier arithmetic keeps its promises; and
//! money survives every report format exactly.
//!
//! The end-to-end properties run the real binary on small generated inputs, a dozen cases
//! each, so the file stays fast; the pure ones call the library and run more cases. No
//! failure file is written: a failing case is printed, shrunk. `PROPTEST_CASES=N` runs N
//! cases of every property for a longer search.

use crate::common;
use crate::common::{Book, Fixture, Run, billing_csv, contract, simple_payouts};
use calamine::{Data, Reader};
use proptest::prelude::*;
use proptest::test_runner::Config;
use rebate_audit::compute::{installments, rebate};
use rebate_audit::domain::contract::{
    Base, Bracket, Contract, InstallmentRule, InvoiceKind, PayoutKind, Settlement, TierBasis,
    TierMode, TierTable,
};
use rebate_audit::domain::location::Location;
use rebate_audit::domain::money::{Overflow, Rounding};
use rebate_audit::domain::settlement as periods;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A proptest configuration with `cases` cases (`PROPTEST_CASES` overrides it), little
/// shrinking (every case of the end-to-end properties runs the binary) and no failure
/// file in the source tree.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        max_shrink_iters: 24,
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generated audits
// ---------------------------------------------------------------------------------------

/// One billing line: account, month, product, amount in cents (possibly negative), and
/// whether the amount is written with a third decimal.
#[derive(Debug, Clone)]
struct Line {
    account: &'static str,
    month: u32,
    product: &'static str,
    cents: i64,
    third_decimal: Option<u8>,
}

impl Line {
    fn amount(&self) -> String {
        let sign = if self.cents < 0 { "-" } else { "" };
        let cents = self.cents.unsigned_abs();
        let extra = self
            .third_decimal
            .map_or_else(String::new, |digit| digit.to_string());
        format!("{sign}{}.{:02}{extra}", cents / 100, cents % 100)
    }

    fn fields(&self) -> Vec<String> {
        vec![
            self.account.to_string(),
            format!("2025-{:02}", self.month),
            self.product.to_string(),
            self.amount(),
            "CNY".to_string(),
        ]
    }
}

fn line() -> impl Strategy<Value = Line> {
    (
        prop::sample::select(vec!["A1", "A2", "B1", "Z9"]),
        1u32..=12,
        prop::sample::select(vec!["ECS", "OSS", "RDS", "Gizmo"]),
        prop_oneof![4 => 0i64..2_000_000, 1 => -50_000i64..0],
        prop::option::weighted(0.25, 0u8..10),
    )
        .prop_map(|(account, month, product, cents, third_decimal)| Line {
            account,
            month,
            product,
            cents,
            third_decimal,
        })
}

/// A bill of 2 to `max` lines.
fn lines(max: usize) -> impl Strategy<Value = Vec<Line>> {
    prop::collection::vec(line(), 2..=max)
}

/// The generic-template CSV of `lines`, in their order.
fn bill(lines: &[Line]) -> String {
    let fields: Vec<Vec<String>> = lines.iter().map(Line::fields).collect();
    let borrowed: Vec<(&str, &str, &str, &str, &str)> = fields
        .iter()
        .map(|f| (&*f[0], &*f[1], &*f[2], &*f[3], &*f[4]))
        .collect();
    billing_csv(&borrowed)
}

/// Two contracts that exercise the arithmetic: a retroactive contract-year tier with a cap
/// and a two-installment quarterly schedule on A1 and A2, and a marginal per-period tier
/// settled monthly on B1; Z9 is uncovered. Written as a CSV folder.
fn write_book(fixture: &Fixture) -> PathBuf {
    Book::default()
        .contract(
            contract("C1")
                .set("accounts", "A1;A2")
                .set("end", "2025-12-31")
                .set("tier_basis", "contract_year")
                .set("settlement", "quarterly")
                .set("cap", "9000"),
        )
        .tier("C1", "0", "20000", "10%")
        .tier("C1", "20000", "", "15%")
        .schedule("C1", "1", "settlement", "40%")
        .schedule("C1", "2", "settlement", "rest")
        .contract(
            contract("C2")
                .set("accounts", "B1")
                .set("end", "2025-12-31")
                .set("tier_basis", "period")
                .set("tier_mode", "marginal")
                .set("settlement", "monthly"),
        )
        .tier("C2", "0", "1000", "0%")
        .tier("C2", "1000", "5000", "5%")
        .tier("C2", "5000", "", "8%")
        .write_csv_folder(fixture.dir.path(), "contracts")
}

fn write_payouts(fixture: &Fixture) -> PathBuf {
    fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-05-10", "300.00"),
            ("P2", "C1", "2025-08-01", "1200.00"),
            ("P3", "C2", "2025-03-01", "45.50"),
            ("P4", "C9", "2025-03-01", "1.00"),
        ]),
    )
}

/// One audit of `billing` (a file or a folder) into `out`, with `--threads threads`.
fn audit(fixture: &Fixture, billing: &Path, out: &str, threads: &str) -> Run {
    let contracts = fixture.path("contracts");
    let payouts = fixture.path("payouts.csv");
    let run = fixture.audit_into(
        out,
        &contracts,
        &billing,
        &payouts,
        "2026-03-31",
        &[&"--threads", &threads],
    );
    assert!(
        matches!(run.status, Some(0 | 1)),
        "the audit ran: {:?}\n{}",
        run.status,
        run.stderr
    );
    run
}

/// A fixture with the contracts and payouts written.
fn fixture() -> Fixture {
    let fixture = Fixture::new();
    write_book(&fixture);
    write_payouts(&fixture);
    fixture
}

/// `findings.json` without what names the billing files and the rows inside them — the
/// only things a reordering or a split of the bill may change: the billing `inputs`
/// (path, hash, size, rows per file), the per-file billing control rows (compared by
/// [`assert_same_controls`] instead), each period's `source_rows` (file and row ranges)
/// and the `files` fact. Everything else — totals, every installment, every period's
/// computation, every finding with its id, amounts and detail — is compared as it is.
fn layout_free(report: &Value) -> Value {
    let mut report = report.clone();
    let object = report.as_object_mut().expect("findings.json is an object");
    let inputs: Vec<Value> = object["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter(|input| input["role"] != "billing")
        .cloned()
        .collect();
    object.insert("inputs".into(), Value::Array(inputs));
    object["controls"]
        .as_object_mut()
        .expect("controls")
        .remove("billing");
    for period in object["periods"].as_array_mut().expect("periods") {
        period
            .as_object_mut()
            .expect("a period is an object")
            .shift_remove("source_rows");
    }
    for finding in object["findings"].as_array_mut().expect("findings") {
        let evidence = finding["evidence"]
            .as_object_mut()
            .expect("every finding has evidence");
        if let Some(facts) = evidence.get_mut("facts").and_then(Value::as_object_mut) {
            facts.remove("files");
        }
    }
    report
}

/// The billing control rows added up over the files: rows per category and counts
/// (exact), amounts per category, and whether every file balanced.
#[derive(Debug, PartialEq)]
struct Controls {
    rows: BTreeMap<String, u64>,
    amounts: BTreeMap<String, Decimal>,
    balanced: bool,
    files: usize,
}

fn summed_controls(report: &Value) -> Controls {
    let mut controls = Controls {
        rows: BTreeMap::new(),
        amounts: BTreeMap::new(),
        balanced: true,
        files: 0,
    };
    let add = |controls: &mut Controls, key: String, part: &Value| {
        *controls.rows.entry(key.clone()).or_default() += part["rows"].as_u64().unwrap_or(0);
        let amount = Decimal::from_str(part["amount"].as_str().unwrap_or("0")).unwrap();
        *controls.amounts.entry(key).or_default() += amount;
    };
    for control in report["controls"]["billing"]
        .as_array()
        .expect("billing controls")
    {
        controls.files += 1;
        for category in ["read", "attributed", "rejected"] {
            add(&mut controls, category.to_string(), &control[category]);
        }
        for (reason, part) in control["excluded"].as_object().expect("excluded") {
            add(&mut controls, format!("excluded {reason}"), part);
        }
        for key in ["blank_rows", "rows_above_header"] {
            *controls.rows.entry(key.to_string()).or_default() +=
                control[key].as_u64().unwrap_or(0);
        }
        controls.balanced &= control["balanced"] == true;
    }
    controls
}

/// The billing controls of two layouts of the same bill agree: the same rows in every
/// category, every file balanced, and amounts equal up to the half cent each file's
/// rounded control amount may be off by (amounts with a third decimal).
fn assert_same_controls(one: &Value, other: &Value) {
    let (one, other) = (summed_controls(one), summed_controls(other));
    assert_eq!(one.rows, other.rows, "control rows");
    assert!(one.balanced && other.balanced, "every file balances");
    let slack = Decimal::new(5, 3) * Decimal::from(one.files + other.files);
    let keys: Vec<&String> = one.amounts.keys().chain(other.amounts.keys()).collect();
    for key in keys {
        let (left, right) = (
            one.amounts.get(key).copied().unwrap_or_default(),
            other.amounts.get(key).copied().unwrap_or_default(),
        );
        assert!(
            (left - right).abs() <= slack,
            "control amount `{key}`: {left} vs {right}"
        );
    }
}

/// Panics showing the first differing line of the two reports.
fn assert_same_report(one: &Value, other: &Value, what: &str) {
    if one != other {
        let one = serde_json::to_string_pretty(one).unwrap();
        let other = serde_json::to_string_pretty(other).unwrap();
        let difference = one
            .lines()
            .zip(other.lines())
            .enumerate()
            .find(|(_, (left, right))| left != right)
            .map(|(line, (left, right))| format!("line {line}:\n  {left}\n  {right}"));
        panic!("{what} changed findings.json: {difference:?}");
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// Reordering the data rows of a billing file changes nothing but where each row sits.
    #[test]
    fn shuffling_billing_rows_never_changes_the_findings(
        (lines, shuffled) in lines(24).prop_flat_map(|lines| {
            let shuffled = Just(lines.clone()).prop_shuffle();
            (Just(lines), shuffled)
        })
    ) {
        let fixture = fixture();
        let original = fixture.write("original/bill.csv", bill(&lines));
        let reordered = fixture.write("shuffled/bill.csv", bill(&shuffled));
        let one = audit(&fixture, &original, "out-original", "2").json();
        let other = audit(&fixture, &reordered, "out-shuffled", "2").json();
        assert_same_report(&layout_free(&one), &layout_free(&other), "shuffling the rows");
        assert_same_controls(&one, &other);
    }

    /// Splitting a billing file in two (the parts in one folder) changes nothing but which
    /// file each row came from.
    #[test]
    fn splitting_a_billing_file_never_changes_the_findings(
        (lines, at) in lines(24).prop_flat_map(|lines| {
            let len = lines.len();
            (Just(lines), 1..len)
        })
    ) {
        let fixture = fixture();
        let whole = fixture.write("whole/bill.csv", bill(&lines));
        fixture.write("parts/bill-1.csv", bill(&lines[..at]));
        fixture.write("parts/bill-2.csv", bill(&lines[at..]));
        let one = audit(&fixture, &whole, "out-whole", "2").json();
        let other = audit(&fixture, &fixture.path("parts"), "out-parts", "2").json();
        assert_same_report(&layout_free(&one), &layout_free(&other), "splitting the file");
        assert_same_controls(&one, &other);
    }
}

/// Every file of a report folder, by path relative to it, in order.
fn report_files(folder: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, folder: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                files.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(folder, folder, &mut files);
    files
}

proptest! {
    #![proptest_config(config(8))]

    /// The thread count changes no byte of any report, findings.json included.
    #[test]
    fn the_thread_count_never_changes_a_byte_of_the_reports(
        lines in lines(30),
        files in 1usize..=3,
    ) {
        let fixture = fixture();
        // The lines dealt round-robin over `files` billing files, so threads share work.
        for file in 0..files {
            let part: Vec<Line> = lines.iter().skip(file).step_by(files).cloned().collect();
            if !part.is_empty() {
                fixture.write(&format!("billing/part-{file}.csv"), bill(&part));
            }
        }
        let billing = fixture.path("billing");
        let one = audit(&fixture, &billing, "out-1", "1");
        let reference = report_files(&one.out);
        prop_assert!(reference.iter().any(|(name, _)| name == "findings.json"));
        for threads in ["2", "4"] {
            let other = audit(&fixture, &billing, &format!("out-{threads}"), threads);
            let files = report_files(&other.out);
            let names: Vec<&String> = files.iter().map(|(name, _)| name).collect();
            let expected: Vec<&String> = reference.iter().map(|(name, _)| name).collect();
            prop_assert_eq!(&names, &expected, "the same report files with {} threads", threads);
            for ((name, bytes), (_, reference)) in files.iter().zip(&reference) {
                prop_assert!(
                    bytes == reference,
                    "{} differs between 1 and {} threads",
                    name,
                    threads
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Money through every output format
// ---------------------------------------------------------------------------------------

/// An amount as written in a bill: up to 16 integer digits (so both sides of the
/// 15-significant-digit limit of spreadsheet numbers are reached) and 0 to 4 decimals,
/// half-cent ties included; never below half a cent.
fn billed_amount() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            2 => 0u64..1_000,
            2 => 0u64..10_000_000,
            2 => 0u64..10_000_000_000_000,
            1 => 10_000_000_000_000u64..10_000_000_000_000_000,
        ],
        prop_oneof![
            Just(String::new()),
            (0u32..100).prop_map(|cents| format!(".{cents:02}")),
            (0u32..1000).prop_map(|mills| format!(".{mills:03}")),
            (0u32..100).prop_map(|cents| format!(".{cents:02}5")),
            (0u32..10_000).prop_map(|value| format!(".{value:04}")),
        ],
    )
        .prop_map(|(whole, fraction)| format!("{whole}{fraction}"))
        .prop_filter("at least half a cent", |text| {
            Decimal::from_str(text).unwrap() >= Decimal::new(5, 3)
        })
}

/// The cells of `sheet` in `workbook`, with the column of each header.
fn sheet_rows(workbook: &Path, sheet: &str) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(workbook).expect("report.xlsx");
    let range = book.worksheet_range(sheet).expect("the sheet exists");
    let mut rows = range.rows().map(<[Data]>::to_vec);
    let header = rows
        .next()
        .expect("a header row")
        .iter()
        .map(ToString::to_string)
        .collect();
    (header, rows.collect())
}

/// The cell of `column` in `row`.
fn cell<'r>(header: &[String], row: &'r [Data], column: &str) -> &'r Data {
    let index = header
        .iter()
        .position(|name| name == column)
        .unwrap_or_else(|| panic!("no column `{column}` in {header:?}"));
    &row[index]
}

/// Panics unless an amount cell holds `expected` exactly: a number when it has at most
/// 15 significant digits, else its two-decimal text.
fn assert_money_cell(data: &Data, expected: Decimal, what: &str) {
    let digits = expected
        .normalize()
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(0, |power| power + 1);
    match data {
        Data::Float(number) if digits <= 15 => {
            let read = Decimal::from_str_exact(&format!("{number}")).expect("a finite number");
            assert_eq!(read, expected, "{what}: number cell {number}");
        }
        Data::String(text) if digits > 15 => {
            // Money is ours, not input text: written exactly, no neutralising `'`.
            assert_eq!(text, &expected.to_string(), "{what}: text cell");
        }
        other => panic!("{what}: {expected} ({digits} digits) written as {other:?}"),
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// A billed amount reaches findings.json, findings.csv and report.xlsx exactly as the
    /// decimal it is, rounded half away from zero to cents (docs/ARITHMETIC.md): a contract with one
    /// 100% bracket expects the whole amount, and nothing is paid, so it is the finding's
    /// `expected` and minus its `difference`.
    #[test]
    fn money_round_trips_through_every_report_format(amount in billed_amount()) {
        let fixture = Fixture::new();
        let contracts = Book::default()
            .contract(contract("C1"))
            .tier("C1", "0", "", "100%")
            .write_csv_folder(fixture.dir.path(), "contracts");
        let billing = fixture.write(
            "bill.csv",
            billing_csv(&[("A1", "2025-01", "ECS", &amount, "CNY")]),
        );
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let run = fixture.audit(&contracts, &billing, &payouts, "2026-01-31", &[]);
        run.expect_status(1);
        let exact = Decimal::from_str(&amount).unwrap();
        let rounded = Rounding::HalfUp.round(exact);
        let text = rounded.to_string();
        prop_assert_eq!(rounded.scale(), 2);

        // findings.json: the installment and the unpaid finding.
        let json = run.json();
        let installment = &json["expected"][0];
        prop_assert_eq!(installment["weighted_base"].as_str(), Some(&*text));
        prop_assert_eq!(installment["expected"].as_str(), Some(&*text));
        let unpaid = common::only(&run, "unpaid");
        prop_assert_eq!(unpaid["expected"].as_str(), Some(&*text));
        let difference = format!("-{text}");
        prop_assert_eq!(unpaid["difference"].as_str(), Some(&*difference));
        prop_assert_eq!(json["totals"]["expected"].as_str(), Some(&*text));

        // findings.csv: the same strings.
        let csv = run.read("findings.csv");
        let mut reader = csv::Reader::from_reader(&csv[..]);
        let header = reader.headers().unwrap().clone();
        let record = reader
            .records()
            .map(Result::unwrap)
            .find(|record| record.iter().any(|field| field == "unpaid"))
            .expect("the unpaid finding in findings.csv");
        let column = |name: &str| {
            let index = header.iter().position(|field| field == name).unwrap();
            record[index].to_string()
        };
        prop_assert_eq!(column("expected"), text.clone());
        prop_assert_eq!(column("difference"), difference);

        // report.xlsx: number cells equal to the decimal (text beyond 15 digits).
        let workbook = run.out.join("report.xlsx");
        let (header, rows) = sheet_rows(&workbook, "Installments");
        prop_assert_eq!(rows.len(), 1);
        assert_money_cell(cell(&header, &rows[0], "weighted_base"), rounded, "Installments weighted_base");
        assert_money_cell(cell(&header, &rows[0], "expected"), rounded, "Installments expected");
        let (header, rows) = sheet_rows(&workbook, "Findings");
        let row = rows
            .iter()
            .find(|row| matches!(cell(&header, row, "type"), Data::String(kind) if kind == "unpaid"))
            .expect("the unpaid finding in report.xlsx");
        assert_money_cell(cell(&header, row, "expected"), rounded, "Findings expected");
        assert_money_cell(cell(&header, row, "difference"), -rounded, "Findings difference");
    }
}

// ---------------------------------------------------------------------------------------
// Tier arithmetic (pure)
// ---------------------------------------------------------------------------------------

/// A tier table whose rates never fall as volume rises: 1 to 5 brackets from 0, the last
/// open; bounds in cents, rates in basis points.
fn rising_tiers() -> impl Strategy<Value = TierTable> {
    (
        prop::collection::vec(1i64..50_000_000, 0..4),
        prop::collection::vec(0i64..=3_000, 1..=5),
    )
        .prop_map(|(widths, mut rates)| {
            rates.sort_unstable();
            let count = rates.len().min(widths.len() + 1);
            let mut brackets = Vec::with_capacity(count);
            let mut from = 0i64;
            for (index, rate) in rates.iter().take(count).enumerate() {
                let to = (index + 1 < count).then(|| from + widths[index]);
                brackets.push(Bracket {
                    from: Decimal::new(from, 2),
                    to: to.map(|to| Decimal::new(to, 2)),
                    rate: Decimal::new(*rate, 4),
                });
                from = to.unwrap_or(from);
            }
            TierTable::new(brackets).expect("a valid rising tier table")
        })
}

/// Any tier table with non-negative rates (rates may fall), the last bracket open.
fn any_tiers() -> impl Strategy<Value = TierTable> {
    (
        prop::collection::vec(1i64..50_000_000, 0..4),
        prop::collection::vec(0i64..=3_000, 1..=5),
    )
        .prop_map(|(widths, rates)| {
            let count = rates.len().min(widths.len() + 1);
            let mut from = 0i64;
            let brackets = (0..count)
                .map(|index| {
                    let to = (index + 1 < count).then(|| from + widths[index]);
                    let bracket = Bracket {
                        from: Decimal::new(from, 2),
                        to: to.map(|to| Decimal::new(to, 2)),
                        rate: Decimal::new(rates[index], 4),
                    };
                    from = to.unwrap_or(from);
                    bracket
                })
                .collect();
            TierTable::new(brackets).expect("a valid tier table")
        })
}

/// A volume in cents, from a refund to far past every bracket.
fn volume() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1_000_000i64..0).prop_map(|cents| Decimal::new(cents, 2)),
        (0i64..300_000_000).prop_map(|cents| Decimal::new(cents, 2)),
        (0i64..i64::MAX).prop_map(|cents| Decimal::new(cents, 2)),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// With rates that rise with volume, marginal tiers never pay more than retroactive
    /// ones on the same base, before and after rounding.
    #[test]
    fn marginal_tiers_never_pay_more_than_retroactive_ones(
        tiers in rising_tiers(),
        base in volume(),
    ) {
        let marginal = tiers.rebate(TierMode::Marginal, base).unwrap();
        let retroactive = tiers.rebate(TierMode::Retroactive, base).unwrap();
        prop_assert!(marginal <= retroactive, "{} > {} on {}", marginal, retroactive, base);
        for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
            prop_assert!(rounding.round(marginal) <= rounding.round(retroactive));
        }
        if base <= Decimal::ZERO {
            prop_assert_eq!(marginal, Decimal::ZERO);
            prop_assert_eq!(retroactive, Decimal::ZERO);
        }
    }
}

/// A contract for the pure properties; the library's own `Contract`, built by hand.
fn pure_contract(
    start: chrono::NaiveDate,
    months: u32,
    basis: TierBasis,
    mode: TierMode,
    settlement: Settlement,
    cap: Option<Decimal>,
    tiers: TierTable,
) -> Contract {
    let end = start
        .checked_add_months(chrono::Months::new(months))
        .and_then(|day| day.pred_opt())
        .unwrap();
    Contract {
        id: "P1".into(),
        customer: String::new(),
        agent: String::new(),
        agent_tax_id: None,
        provider: "generic".into(),
        ruleset: "generic".into(),
        accounts: vec!["A1".into()],
        start,
        end,
        currency: "CNY".into(),
        base: Base::Net,
        tier_basis: basis,
        tier_mode: mode,
        cap,
        settlement,
        due_days: 30,
        grace_days: 0,
        renewed_on: None,
        invoice: InvoiceKind::None,
        tax_rate: None,
        late_interest: Decimal::ZERO,
        payout_kind: PayoutKind::Cash,
        tiers,
        products: Default::default(),
        schedule: InstallmentRule::single(),
        source: Location::file("properties".into()),
        amendments: Vec::new(),
        clawback: None,
        entity: None,
    }
}

/// A contract whose R(B) is monotone: marginal tiers with any non-negative rates, or
/// retroactive tiers whose rates rise (with falling rates a retroactive rebate can drop as
/// volume grows past a bound, by design).
fn monotone_contract() -> impl Strategy<Value = Contract> {
    let mode_and_tiers = prop_oneof![
        any_tiers().prop_map(|tiers| (TierMode::Marginal, tiers)),
        rising_tiers().prop_map(|tiers| (TierMode::Retroactive, tiers)),
    ];
    (
        0i64..730,
        1u32..=30,
        prop::sample::select(vec![
            TierBasis::Period,
            TierBasis::ContractYear,
            TierBasis::Term,
        ]),
        prop::sample::select(vec![
            Settlement::Monthly,
            Settlement::Quarterly,
            Settlement::Annual,
            Settlement::Term,
            Settlement::Transparent,
        ]),
        prop::option::of((0i64..5_000_000).prop_map(|cents| Decimal::new(cents, 2))),
        mode_and_tiers,
    )
        .prop_map(|(offset, months, basis, settlement, cap, (mode, tiers))| {
            let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                + chrono::Days::new(offset as u64);
            pure_contract(start, months, basis, mode, settlement, cap, tiers)
        })
}

/// Earned at the end of every settlement period, for one base per segment.
fn earned(contract: &Contract, bases: &[Decimal], rounding: Rounding) -> Vec<Decimal> {
    let settlement = periods::settlement_periods(contract);
    let segments = periods::segments(contract, &settlement);
    rebate::period_rebates(contract, &settlement, &segments, bases, rounding)
        .expect("no overflow on these bases")
        .iter()
        .map(|period| period.earned_through)
        .collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// With non-negative lines, Earned never falls: not from one period end to the next
    /// (so no E_p is negative), and not when any line grows.
    #[test]
    fn earned_is_monotone_in_the_base_for_non_negative_lines(
        contract in monotone_contract(),
        seeds in prop::collection::vec(0i64..5_000_000, 64),
        grow in (0usize..64, 1i64..5_000_000),
        rounding in prop::sample::select(vec![Rounding::HalfUp, Rounding::HalfEven]),
    ) {
        let settlement = periods::settlement_periods(&contract);
        let segments = periods::segments(&contract, &settlement);
        let bases: Vec<Decimal> = (0..segments.len())
            .map(|index| Decimal::new(seeds[index % seeds.len()], 2))
            .collect();
        let before = earned(&contract, &bases, rounding);
        for pair in before.windows(2) {
            prop_assert!(pair[0] <= pair[1], "Earned fell over time: {:?}", before);
        }
        let (segment, more) = grow;
        let mut grown = bases.clone();
        let index = segment % grown.len();
        grown[index] += Decimal::new(more, 2);
        let after = earned(&contract, &grown, rounding);
        for (period, (was, now)) in before.iter().zip(&after).enumerate() {
            prop_assert!(
                was <= now,
                "growing segment {} fell Earned at period {}: {} -> {}",
                index,
                period,
                was,
                now
            );
        }
    }
}

/// Any decimal, near the 96-bit limits included.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale)),
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(
                lo, mid, hi, negative, scale
            )),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Reliability research M1: bases, bounds, rates and caps near the decimal limits go
    /// through the whole rebate arithmetic as a result or an `Overflow` error, never a
    /// panic.
    #[test]
    fn rebate_arithmetic_overflows_as_an_error_never_a_panic(
        bound in any_decimal(),
        rates in (any_decimal(), any_decimal()),
        cap in prop::option::of(any_decimal()),
        bases in prop::collection::vec(any_decimal(), 1..16),
        mode in prop::sample::select(vec![TierMode::Retroactive, TierMode::Marginal]),
        basis in prop::sample::select(vec![TierBasis::Period, TierBasis::ContractYear, TierBasis::Term]),
    ) {
        let bound = bound.abs().max(Decimal::new(1, 28));
        let tiers = TierTable::new(vec![
            Bracket { from: Decimal::ZERO, to: Some(bound), rate: rates.0 },
            Bracket { from: bound, to: None, rate: rates.1 },
        ])
        .expect("two contiguous brackets");
        let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let contract = pure_contract(start, 14, basis, mode, Settlement::Quarterly, cap, tiers);
        for base in &bases {
            let _: Result<Decimal, Overflow> = contract.tiers.rebate(mode, *base);
        }
        let settlement = periods::settlement_periods(&contract);
        let segments = periods::segments(&contract, &settlement);
        let segment_bases: Vec<Decimal> =
            (0..segments.len()).map(|index| bases[index % bases.len()]).collect();
        for rounding in [Rounding::HalfUp, Rounding::HalfEven] {
            if let Ok(rebates) =
                rebate::period_rebates(&contract, &settlement, &segments, &segment_bases, rounding)
            {
                for (period, rebate) in settlement.iter().zip(&rebates) {
                    let _ = installments::split(
                        &contract,
                        period.range.last,
                        rebate.expected,
                        rebate.weighted_base,
                        rounding,
                    );
                }
            }
        }
    }
}
