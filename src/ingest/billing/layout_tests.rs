//! Real layouts' quirks (issue 14): amount headers with a currency unit, open months, daily
//! bills' dates — each read both ways (fast path first, the long way when it declines).

use super::tests::{Recorder, reader};
use crate::domain::location::Location;
use crate::ingest::cell::texts;
use crate::ingest::table::{Fields, TableVisitor};
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Reads a CSV-like table as the CSV reader does: each record the fast way, the long way
/// when the fast path declines it (`fast` false: the long way only).
fn read(rulesets: &Rulesets, header: &[&str], rows: &[&[&str]], fast: bool) -> Recorder {
    let mut recorder = Recorder::default();
    let mut reader = reader(rulesets, &mut recorder);
    reader.begin_table(&Location::file("bill.csv".into()));
    reader.row(1, &texts(header));
    for (index, row) in rows.iter().enumerate() {
        let number = index + 2;
        let line = row.join(",");
        let mut bounds = Vec::new();
        crate::ingest::table::split_plain(line.as_bytes(), b',', &mut bounds);
        let mut scratch = Vec::new();
        let padded = Fields::pad(&line, &mut scratch);
        if !(fast && reader.record(number, &Fields::new(&line, padded, &bounds))) {
            reader.row(number, &texts(row));
        }
    }
    reader.into_sink();
    recorder
}

/// Both ways, which must agree; the fast way's recorder.
fn read_both(rulesets: &Rulesets, header: &[&str], rows: &[&[&str]]) -> Recorder {
    let fast = read(rulesets, header, rows, true);
    let slow = read(rulesets, header, rows, false);
    assert_eq!(fast.lines, slow.lines);
    assert_eq!(fast.rejected, slow.rejected);
    fast
}

fn amount(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn huawei_headers_with_a_yuan_unit_are_its_columns_and_list_and_voucher_are_read() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "账期",
        "账号",
        "产品类型编码",
        "消费时间",
        "官网价(¥)",
        "优惠金额(¥)",
        "代金券(¥)",
        "应付金额(¥)",
    ];
    let rows: [&[&str]; 5] = [
        &[
            "2025-03",
            "hw-acct",
            "hws.service.type.ec2",
            "2025-03-02 10:00:00",
            "100.00",
            "10.00",
            "5.00",
            "90.00",
        ],
        &[
            "2025-03",
            "hw-acct",
            "hws.service.type.ebs",
            "2025-03-03 10:00:00",
            "50.00",
            "0",
            "0",
            "50.00",
        ],
        &[
            "2025-03",
            "hw-acct",
            "hws.service.type.obs",
            "2025-03-04 10:00:00",
            "20.5",
            "0.5",
            "1",
            "20",
        ],
        &[
            "2025-03",
            "hw-acct",
            "hws.service.type.ec2",
            "2025-03-05 10:00:00",
            "8.12345678",
            "0",
            "0",
            "8.12345678",
        ],
        &[
            "2025-03",
            "hw-acct",
            "hws.service.type.rds",
            "2025-03-06 10:00:00",
            "300",
            "60",
            "40",
            "240",
        ],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("huawei".to_string()))]
    );
    assert_eq!(recorder.rejected, vec![]);
    assert_eq!(recorder.lines.len(), 5);
    let sum = |pick: fn(&crate::domain::billing::BillingLine<'_>) -> Decimal| {
        recorder
            .lines
            .iter()
            .map(|(_, line)| pick(line))
            .sum::<Decimal>()
    };
    // By hand: list 100 + 50 + 20.5 + 8.12345678 + 300; voucher 5 + 1 + 40; net 90 + 50 +
    // 20 + 8.12345678 + 240.
    assert_eq!(
        sum(|line| line.list_amount.unwrap()),
        amount("478.62345678")
    );
    assert_eq!(sum(|line| line.voucher), amount("46"));
    assert_eq!(sum(|line| line.net_amount), amount("408.12345678"));
    assert!(
        recorder
            .lines
            .iter()
            .all(|(_, line)| line.currency == "CNY")
    );
}

#[test]
fn an_amount_header_in_another_currency_than_the_row_rejects_the_row() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "account_id",
        "billing_month",
        "product",
        "list_amount [USD]",
        "net_amount (USD)",
        "currency",
    ];
    let rows: [&[&str]; 5] = [
        &["A1", "2025-03", "ecs", "12", "10", "USD"],
        &["A1", "2025-03", "ecs", "24", "20", "CNY"],
        &["A1", "2025-03", "ecs", "36", "30", "usd"],
        &["A1", "2025-03", "ecs", "48", "40", "RMB"],
        &["A1", "2025-03", "ecs", "60", "50", "USD"],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("generic".to_string()))]
    );
    let rows_read: Vec<usize> = recorder.lines.iter().map(|(row, _)| *row).collect();
    assert_eq!(rows_read, vec![2, 4, 6]);
    let net: Decimal = recorder.lines.iter().map(|(_, line)| line.net_amount).sum();
    assert_eq!(net, amount("90"));
    assert_eq!(recorder.rejected.len(), 2);
    assert_eq!(recorder.rejected[0].0, "bill.csv:3:list_amount [USD]");
    assert_eq!(
        recorder.rejected[0].1,
        "the header `list_amount [USD]` says its amounts are in USD, but the row's currency (currency) is CNY: which is right cannot be told, so the row is not counted; correct the header or the currency (or give a ruleset whose default currency is USD)"
    );
    assert_eq!(recorder.rejected[0].2, Some(amount("20")));
    assert_eq!(recorder.rejected[1].0, "bill.csv:5:list_amount [USD]");
    assert_eq!(recorder.rejected[1].2, Some(amount("40")));
}

#[test]
fn a_unit_against_a_formats_fixed_currency_rejects_every_row() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = ["账期", "账号", "产品类型编码", "官网价", "应付金额(USD)"];
    let rows: [&[&str]; 2] = [
        &["2025-03", "hw-acct", "hws.service.type.ec2", "100", "90"],
        &["2025-03", "hw-acct", "hws.service.type.ec2", "10", "9"],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(recorder.lines.len(), 0);
    assert_eq!(recorder.rejected.len(), 2);
    assert!(
        recorder.rejected[0]
            .1
            .contains("but the format `huawei` has no currency column and takes every line as CNY"),
        "{}",
        recorder.rejected[0].1
    );
}

#[test]
fn a_suffix_that_is_no_currency_is_not_stripped() {
    let rulesets = Rulesets::load(None).unwrap();
    // `net_amount(万元)` is in ten-thousands: it must not be read as net_amount.
    let header = [
        "account_id",
        "billing_month",
        "product",
        "net_amount(万元)",
        "currency",
    ];
    let rows: [&[&str]; 1] = [&["A1", "2025-03", "ecs", "1", "CNY"]];
    let recorder = read(&rulesets, &header, &rows, false);
    assert_eq!(recorder.tables, vec![("bill.csv".to_string(), None)]);
    assert!(recorder.lines.is_empty());
}

#[test]
fn an_open_month_takes_the_charge_dates_month_in_azure_mca_only() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "invoiceId",
        "billingAccountId",
        "billingPeriodStartDate",
        "date",
        "meterCategory",
        "costInBillingCurrency",
        "paygCostInBillingCurrency",
        "billingCurrency",
    ];
    let rows: [&[&str]; 4] = [
        &[
            "G01",
            "ba-1",
            "10/01/2025",
            "10/31/2025",
            "Virtual Machines",
            "10",
            "12",
            "USD",
        ],
        &[
            "",
            "ba-1",
            "",
            "11/02/2025",
            "Virtual Machines",
            "20",
            "25",
            "USD",
        ],
        &["", "ba-1", "", "2025-12-01", "Storage", "30", "31", "USD"],
        &["", "ba-1", "", "", "Storage", "40", "41", "USD"],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("azure-mca".to_string()))]
    );
    let months: Vec<(usize, String)> = recorder
        .lines
        .iter()
        .map(|(row, line)| (*row, line.billing_month.to_string()))
        .collect();
    assert_eq!(
        months,
        vec![
            (2, "2025-10".to_string()),
            (3, "2025-11".to_string()),
            (4, "2025-12".to_string())
        ]
    );
    // Neither a month nor a date: rejected for its blank month.
    assert_eq!(recorder.rejected.len(), 1);
    assert_eq!(recorder.rejected[0].0, "bill.csv:5:billingPeriodStartDate");
    // The generic template has no open months: a blank month is rejected even with a date.
    let generic = read_both(
        &rulesets,
        &[
            "account_id",
            "billing_month",
            "date",
            "product",
            "net_amount",
            "currency",
        ],
        &[&["A1", "", "2025-03-02", "ecs", "1", "CNY"]],
    );
    assert!(generic.lines.is_empty());
    assert_eq!(generic.rejected[0].0, "bill.csv:2:billing_month");
}

#[test]
fn a_daily_bills_date_column_is_the_lines_charge_date() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "账期",
        "日期",
        "账号ID",
        "产品Code",
        "原价",
        "代金券抵扣",
        "应付金额",
    ];
    let rows: [&[&str]; 2] = [
        &["2025-03", "2025-03-07", "1001", "ecs", "10", "1", "9"],
        &["2025-03", "2025-03-08", "1001", "oss", "5", "0", "5"],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("aliyun".to_string()))]
    );
    let dates: Vec<Option<NaiveDate>> = recorder.lines.iter().map(|(_, line)| line.date).collect();
    assert_eq!(
        dates,
        vec![
            NaiveDate::from_ymd_opt(2025, 3, 7),
            NaiveDate::from_ymd_opt(2025, 3, 8)
        ]
    );
}

#[test]
fn azure_ea_list_amount_is_payg_price_times_quantity() {
    let rulesets = Rulesets::load(None).unwrap();
    let header = [
        "BillingAccountId",
        "BillingPeriodStartDate",
        "Date",
        "MeterCategory",
        "Quantity",
        "CostInBillingCurrency",
        "BillingCurrencyCode",
        "AccountOwnerId",
        "PayGPrice",
    ];
    let rows: [&[&str]; 4] = [
        &[
            "E1",
            "10/01/2025",
            "10/02/2025",
            "Virtual Machines",
            "24",
            "2.4",
            "USD",
            "o@x",
            "0.125",
        ],
        &[
            "E1",
            "10/01/2025",
            "10/03/2025",
            "Storage",
            "0.5",
            "1",
            "USD",
            "o@x",
            "2.5",
        ],
        // A reservation row: no PayGPrice, so no list amount.
        &[
            "E1",
            "10/01/2025",
            "10/04/2025",
            "Virtual Machines",
            "24",
            "0",
            "USD",
            "o@x",
            "",
        ],
        &[
            "E1",
            "10/01/2025",
            "10/05/2025",
            "Storage",
            "1e-05",
            "1",
            "USD",
            "o@x",
            "2",
        ],
    ];
    let recorder = read_both(&rulesets, &header, &rows);
    assert_eq!(
        recorder.tables,
        vec![("bill.csv".to_string(), Some("azure-ea".to_string()))]
    );
    let list: Vec<Option<Decimal>> = recorder
        .lines
        .iter()
        .map(|(_, line)| line.list_amount)
        .collect();
    // 0.125 × 24 = 3, 2.5 × 0.5 = 1.25, 2 × 0.00001 (written 1e-05) = 0.00002.
    assert_eq!(
        list,
        vec![
            Some(amount("3")),
            Some(amount("1.25")),
            None,
            Some(amount("0.00002"))
        ]
    );
    assert!(recorder.rejected.is_empty());
}

#[test]
fn the_fast_path_multiplies_price_and_quantity_as_the_long_way_does() {
    let rulesets = Rulesets::load(None).unwrap();
    // ISO dates (as the Cost Details API writes them) keep the rows on the fast path.
    let header = [
        "BillingAccountId",
        "BillingPeriodStartDate",
        "Date",
        "MeterCategory",
        "Quantity",
        "CostInBillingCurrency",
        "BillingCurrencyCode",
        "AccountOwnerId",
        "PayGPrice",
    ];
    let rows: [&[&str]; 3] = [
        &[
            "E1",
            "2025-10",
            "2025-10-02",
            "Storage",
            "24",
            "2.4",
            "USD",
            "o@x",
            "0.125",
        ],
        &[
            "E1",
            "2025-10",
            "2025-10-03",
            "Storage",
            "0.5",
            "1",
            "USD",
            "o@x",
            "2.5",
        ],
        &[
            "E1",
            "2025-10",
            "2025-10-04",
            "Storage",
            "24",
            "0",
            "USD",
            "o@x",
            "",
        ],
    ];
    let mut recorder = Recorder::default();
    let mut reader = reader(&rulesets, &mut recorder);
    reader.begin_table(&Location::file("bill.csv".into()));
    reader.row(1, &texts(&header));
    for (index, row) in rows.iter().enumerate() {
        let line = row.join(",");
        let mut bounds = Vec::new();
        crate::ingest::table::split_plain(line.as_bytes(), b',', &mut bounds);
        let mut scratch = Vec::new();
        let padded = Fields::pad(&line, &mut scratch);
        assert!(
            reader.record(index + 2, &Fields::new(&line, padded, &bounds)),
            "row {} takes the fast path",
            index + 2
        );
    }
    reader.into_sink();
    let list: Vec<Option<Decimal>> = recorder
        .lines
        .iter()
        .map(|(_, line)| line.list_amount)
        .collect();
    // 0.125 × 24 = 3, 2.5 × 0.5 = 1.25, no PayGPrice: no list amount.
    assert_eq!(list, vec![Some(amount("3")), Some(amount("1.25")), None]);
    // The long way reads the same.
    let slow = read(&rulesets, &header, &rows, false);
    assert_eq!(slow.lines, recorder.lines);
}
