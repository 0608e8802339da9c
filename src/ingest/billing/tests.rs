//! The billing reader on real and hostile tables, and its fast path against the long way.

use super::*;
use crate::domain::billing::BillingLine;
use crate::domain::expected::RowReason;
use crate::domain::location::Location;
use crate::ingest::cell::texts;
use crate::ingest::table::{Fields, TableVisitor};
use crate::ruleset::Rulesets;
use rust_decimal::Decimal;
use std::borrow::Cow;

#[derive(Default)]
pub(super) struct Recorder {
    pub(super) tables: Vec<(String, Option<String>)>,
    pub(super) lines: Vec<(usize, BillingLine<'static>)>,
    pub(super) rejected: Vec<(String, String, Option<Decimal>)>,
    blank: Vec<usize>,
    above: Vec<usize>,
    totals: Vec<(usize, Option<Decimal>)>,
}

pub(super) fn reader<'r>(
    rulesets: &'r Rulesets,
    recorder: &'r mut Recorder,
) -> BillingReader<'r, &'r mut Recorder> {
    BillingReader::new(rulesets.billing_layouts().collect(), recorder)
}

impl BillingSink for &mut Recorder {
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
        self.tables.push((
            table.to_string(),
            recognised.map(|recognised| recognised.ruleset.name.clone()),
        ));
    }
    fn above_header(&mut self, row: usize) {
        self.above.push(row);
    }
    fn totals(&mut self, row: usize, net_amount: Option<Decimal>) {
        self.totals.push((row, net_amount));
    }
    fn line(&mut self, row: usize, line: BillingLine<'_>) {
        let owned = BillingLine {
            account_id: Cow::Owned(line.account_id.into_owned()),
            product: line.product.to_string().leak(),
            order_type: line.order_type.map(|text| Cow::Owned(text.into_owned())),
            instance_id: line.instance_id.map(|text| Cow::Owned(text.into_owned())),
            currency: Cow::Owned(line.currency.into_owned()),
            ..line
        };
        self.lines.push((row, owned));
    }
    fn reject(&mut self, location: Location, reason: RowReason, net_amount: Option<Decimal>) {
        self.rejected
            .push((location.to_string(), reason.to_string(), net_amount));
    }
    fn blank(&mut self, row: usize) {
        self.blank.push(row);
    }
}

#[test]
fn generic_rows_become_lines_and_bad_rows_are_rejected_with_their_column() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::file("bill.csv".into()));
    reader.row(
        1,
        &texts(&[
            "account_id",
            "billing_month",
            "product",
            "voucher",
            "net_amount",
            "currency",
        ]),
    );
    reader.row(
        2,
        &texts(&["A1", "2025-03", "云服务器ECS", "", "¥1,234.50", "cny"]),
    );
    reader.row(3, &texts(&["", "", "", "", "", ""]));
    reader.row(4, &texts(&["A1", "2025-13", "ECS", "", "10", "CNY"]));
    reader.row(5, &texts(&["A1", "2025-03", "ECS", "", "12,34.5x", "CNY"]));
    reader.row(
        6,
        &texts(&["1.00012E+11", "2025-03", "ECS", "", "7", "CNY"]),
    );
    reader.into_sink();
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("generic".to_string()))]
    );
    assert_eq!(recorder.lines.len(), 1);
    let (row, line) = &recorder.lines[0];
    assert_eq!(*row, 2);
    assert_eq!(line.product, "ecs");
    assert!(line.product_known);
    assert_eq!(line.net_amount, Decimal::new(123_450, 2));
    assert_eq!(line.currency, "CNY");
    assert_eq!(recorder.blank, vec![3]);
    assert_eq!(recorder.rejected.len(), 3);
    assert_eq!(recorder.rejected[0].0, "bill.csv:4:billing_month");
    assert_eq!(
        recorder.rejected[0].2,
        Some(Decimal::TEN),
        "the amount still counts in the control totals"
    );
    assert_eq!(recorder.rejected[1].0, "bill.csv:5:net_amount");
    assert!(
        recorder.rejected[1].1.contains("12,34.5x"),
        "{}",
        recorder.rejected[1].1
    );
    assert_eq!(recorder.rejected[2].0, "bill.csv:6:account_id");
    assert!(recorder.rejected[2].1.contains("`1.00012E+11`"));
    assert_eq!(recorder.rejected[2].2, Some(Decimal::from(7)));
}

#[test]
fn account_ids_in_scientific_notation_are_told_from_real_ids() {
    for shown in ["1.00012E+11", "1.00012e+11", "1E+11", "1.2E11"] {
        assert!(row::in_scientific_notation(shown), "{shown}");
    }
    for id in [
        "100012345678",
        "E+11",
        "1.E+11",
        "1.2E+",
        "sub-1E+5",
        "1e5-ab",
        "a1.2E+11",
    ] {
        assert!(!row::in_scientific_notation(id), "{id}");
    }
}

#[test]
fn the_fast_path_reads_every_row_it_takes_exactly_as_the_long_way() {
    // Each row goes once through `record` (the fast path) and once through `row` (the
    // cells): whenever the fast path takes a row, the line must be the same.
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "account_id",
        "billing_month",
        "date",
        "product",
        "order_type",
        "instance_id",
        "list_amount",
        "discount",
        "voucher",
        "net_amount",
        "currency",
    ];
    let rows: &[[&str; 11]] = &[
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "ECS",
            "",
            "i-1",
            "100",
            "0",
            "",
            "100.00",
            "CNY",
        ],
        [
            "A1",
            "2025-03",
            "",
            "云服务器ECS",
            "退款",
            "",
            "100",
            "5",
            "1",
            "95",
            "CNY",
        ],
        [
            " A1 ",
            "2025-03",
            "2025-03-02 10:00:00",
            "rds",
            "Refund",
            "",
            "0",
            "0",
            "0",
            "0",
            "USD",
        ],
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "Gizmo",
            "",
            "",
            "-0",
            "",
            "",
            "-0.00",
            "CNY",
        ],
        [
            "A1",
            "2025/03",
            "2025-03-02",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "1,000.00",
            "cny",
        ],
        [
            "A1",
            "2025-03",
            "2025-02-30",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "10",
            "CNY",
        ],
        ["合计", "", "", "", "", "", "", "", "", "10", ""],
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "(10)",
            "CNY",
        ],
        [
            "A1",
            "2025-13",
            "2025-03-02",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "10",
            "CNY",
        ],
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "",
            "",
            "",
            "",
            "",
            "",
            "10",
            "CNY",
        ],
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "",
            "CNY",
        ],
        [
            "A1",
            "2025-03",
            "2025-03-02",
            "ECS",
            "",
            "",
            "",
            "",
            "",
            "10",
            "",
        ],
    ];
    let read = |fast: bool| {
        let mut recorder = Recorder::default();
        let mut reader = reader(&rulesets, &mut recorder);
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.row(1, &texts(&header));
        let mut taken = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            let number = index + 2;
            if fast {
                let line = row.join(",");
                let mut bounds = Vec::new();
                crate::ingest::table::split_plain(line.as_bytes(), b',', &mut bounds);
                let mut scratch = Vec::new();
                let padded = Fields::pad(&line, &mut scratch);
                taken.push(reader.record(number, &Fields::new(&line, padded, &bounds)));
            } else {
                reader.row(number, &texts(row));
            }
        }
        reader.into_sink();
        (recorder.lines, taken)
    };
    let (fast_lines, taken) = read(true);
    let (slow_lines, _) = read(false);
    for (row, line) in &fast_lines {
        let slow = slow_lines
            .iter()
            .find(|(slow_row, _)| slow_row == row)
            .map(|(_, line)| line);
        assert_eq!(Some(line), slow, "row {row}");
    }
    // The plain rows were taken; the others were left for the long way.
    assert_eq!(
        taken,
        vec![
            true, true, true, true, false, false, false, false, false, false, false, false
        ]
    );
}

#[test]
fn a_value_past_the_headers_last_column_rejects_the_row() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::file("bill.csv".into()));
    reader.row(
        1,
        &texts(&[
            "account_id",
            "billing_month",
            "product",
            "net_amount",
            "currency",
        ]),
    );
    reader.row(2, &texts(&["A1", "2025-03", "ECS", "10", "CNY", ""]));
    reader.row(3, &texts(&["A1", "2025-03", "ECS", "1", "234.50", "CNY"]));
    reader.into_sink();
    assert_eq!(
        recorder.lines.len(),
        1,
        "an empty trailing field is harmless"
    );
    assert_eq!(recorder.rejected.len(), 1);
    assert_eq!(recorder.rejected[0].0, "bill.csv:3");
    assert!(
        recorder.rejected[0]
            .1
            .contains("value in column 6, past the header's 5 columns"),
        "{}",
        recorder.rejected[0].1
    );
}

#[test]
fn an_unrecognised_header_rejects_the_header_and_every_row() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::sheet("bill.xlsx".into(), Some("说明".into())));
    reader.row(1, &texts(&["说明"]));
    reader.row(2, &texts(&["这是一个说明"]));
    reader.into_sink();
    assert_eq!(recorder.tables[0].1, None, "{:?}", recorder.rejected);
    assert_eq!(recorder.rejected.len(), 2);
    assert!(
        recorder.rejected[0]
            .1
            .contains("account_id, billing_month, product, net_amount, currency")
    );
}

#[test]
fn an_unreadable_first_row_still_opens_the_table_it_is_counted_in() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::file("bill.csv".into()));
    reader.unreadable_row(1, "field 2 is not valid UTF-8 although the file is".into());
    reader.row(2, &texts(&["A1", "2025-01", "ECS", "10", "CNY"]));
    reader.into_sink();
    assert_eq!(recorder.tables, vec![("bill.csv".to_string(), None)]);
    assert_eq!(recorder.rejected.len(), 2);
    assert_eq!(recorder.rejected[0].0, "bill.csv:1");
    assert!(
        recorder.rejected[1]
            .1
            .contains("header (row 1) matches no billing format")
    );
}

#[test]
fn a_header_close_to_a_format_that_lacks_a_column_stops_the_audit_naming_it() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::sheet("bill.xlsx".into(), Some("Bill".into())));
    reader.row(
        1,
        &texts(&[
            "account_id",
            "billing_month",
            "product",
            "amount",
            "currency",
        ]),
    );
    reader.row(2, &texts(&["A1", "2025-01", "ECS", "10", "CNY"]));
    let (_, problems) = reader.finish();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].location.to_string(), "bill.xlsx:Bill:1");
    assert!(
        problems[0].message.starts_with(
            "this header row comes close to the billing format `generic` (Generic billing template (account_id, billing_month, product, net_amount, currency)), with 4 of its 5 required columns, but lacks a column for net_amount (did you mean `amount`?)."
        ),
        "{}",
        problems[0].message
    );
    // Its rows are still handed on as rejected rows (the audit stops anyway).
    assert_eq!(recorder.rejected.len(), 2);
}

#[test]
fn a_header_like_no_format_and_a_header_of_two_formats() {
    let rulesets = Rulesets::load(None).unwrap();
    // A notes sheet, and a sheet with two of the generic template's five columns: not
    // close to any format, so no problem — its rows are rejected rows.
    let mut recorder = Recorder::default();
    let mut notes = reader(&rulesets, &mut recorder);
    notes.begin_table(&Location::sheet("bill.xlsx".into(), Some("说明".into())));
    notes.row(1, &texts(&["说明"]));
    notes.begin_table(&Location::sheet("bill.xlsx".into(), Some("Sum".into())));
    notes.row(1, &texts(&["account_id", "net_amount", "remark"]));
    notes.row(2, &texts(&["A1", "10", ""]));
    let (_, problems) = notes.finish();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(recorder.rejected.len(), 3);
    // A header both Alibaba and Huawei accept.
    let mut recorder = Recorder::default();
    let mut two = reader(&rulesets, &mut recorder);
    two.begin_table(&Location::file("bill.csv".into()));
    two.row(
        1,
        &texts(&[
            "账期",
            "账号ID",
            "产品Code",
            "产品类型编码",
            "官网价",
            "应付金额",
        ]),
    );
    let (_, problems) = two.finish();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].to_string(),
        "bill.csv:1: this header row matches 2 billing formats (`aliyun`, `huawei`); run with --format NAME to choose one"
    );
}
