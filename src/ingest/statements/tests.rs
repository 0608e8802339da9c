//! The statement reader on small tables: the template in English and Chinese, a
//! provider layout in fen, rejected rows with their column, controls.

use super::*;
use crate::ingest::cell::texts;
use crate::ruleset::Ruleset;

fn reader() -> StatementReader {
    let tencent = Ruleset::parse(
        "tencent",
        "test",
        r#"provider = "tencent"
[statement]
label = "rebate rows"
amount_unit = "fen"
blank = ["NORMAL"]
[statement.columns]
account_id = ["Uin"]
month = ["RebateMonth"]
rebate = ["Amt"]
base = ["MonthSales"]
deduction_reason = ["ExceptionFlag"]
"#,
    )
    .unwrap();
    StatementReader::new(Layout::all([&tencent].into_iter()))
}

#[test]
fn reads_the_template_in_chinese_and_rejects_bad_cells_by_column() {
    let mut reader = reader();
    reader.begin_table(&Location::file("st.csv".into()));
    reader.row(
        1,
        &texts(&[
            "合同编号",
            "结算期间",
            "计算基数",
            "返点比例",
            "返点金额",
            "扣减金额",
            "扣减原因",
            "应付金额",
            "结算单号",
        ]),
    );
    reader.row(
        2,
        &texts(&[
            "C1",
            "2025-Q1",
            "90,000.00",
            "3%",
            "2,700.00",
            "100",
            "服务费",
            "2,600.00",
            "ST-1",
        ]),
    );
    reader.row(
        3,
        &texts(&["C1", "2025-Q5", "1", "3%", "1", "", "", "1", ""]),
    );
    reader.row(
        4,
        &texts(&["C1", "2025-Q2", "1", "x", "1", "", "", "7", ""]),
    );
    reader.row(5, &texts(&["", "2025-Q2", "1", "3%", "1", "", "", "1", ""]));
    reader.row(6, &texts(&["C1", "2025-Q2", "1", "3%", "", "", "", "", ""]));
    assert_eq!(reader.rows.len(), 1);
    let row = &reader.rows[0];
    assert_eq!(row.contract_id.as_deref(), Some("C1"));
    assert_eq!(row.dates.first.to_string(), "2025-01-01");
    assert_eq!(row.dates.last.to_string(), "2025-03-31");
    assert_eq!(row.base, Some(Decimal::new(90_000, 0)));
    assert_eq!(row.rate, Some(Decimal::new(3, 2)));
    assert_eq!(row.deductions, Some(Decimal::new(100, 0)));
    assert_eq!(row.deduction_reason.as_deref(), Some("服务费"));
    assert_eq!(row.stated_payable(), Some(Decimal::new(2_600, 0)));
    assert_eq!(row.statement_no.as_deref(), Some("ST-1"));
    assert_eq!(row.layout, "statement");
    assert_eq!(row.contract_cell.to_string(), "st.csv:2:合同编号");
    let places: Vec<String> = reader
        .rejected
        .iter()
        .map(|rejected| rejected.location.to_string())
        .collect();
    assert_eq!(
        places,
        [
            "st.csv:3:结算期间",
            "st.csv:4:返点比例",
            "st.csv:5:合同编号",
            "st.csv:6:应付金额"
        ]
    );
    // The rejected row's payable still counts in what was read.
    assert_eq!(reader.rejected[1].amount, Some(Decimal::new(7, 0)));
    let table = &reader.tables[0];
    assert_eq!((table.rows, table.used, table.rejected), (5, 1, 4));
    assert_eq!(table.amount, Decimal::new(2_609, 0));
    assert_eq!(table.used_amount, Decimal::new(2_600, 0));
}

#[test]
fn reads_a_provider_layout_in_fen_with_its_blank_words() {
    let mut reader = reader();
    reader.begin_table(&Location::file("rebates.csv".into()));
    reader.row(
        1,
        &texts(&[
            "Uin",
            "RebateMonth",
            "Amt",
            "MonthSales",
            "QuarterSales",
            "ExceptionFlag",
        ]),
    );
    reader.row(
        2,
        &texts(&[
            "100001", "2025-02", "150000", "5000000", "9000000", "NORMAL",
        ]),
    );
    reader.row(
        3,
        &texts(&[
            "100001",
            "2025-03",
            "0",
            "4000000",
            "9000000",
            "HAS_OVERDUE_BILL",
        ]),
    );
    assert_eq!(reader.rows.len(), 2);
    let row = &reader.rows[0];
    assert_eq!(row.layout, "tencent");
    assert_eq!(row.account_id.as_deref(), Some("100001"));
    assert_eq!(row.contract_id, None);
    assert_eq!(row.rebate, Some(Decimal::new(1_500, 0)));
    assert_eq!(row.base, Some(Decimal::new(50_000, 0)));
    assert_eq!(row.deduction_reason, None);
    assert_eq!(row.dates.last.to_string(), "2025-02-28");
    assert_eq!(
        reader.rows[1].deduction_reason.as_deref(),
        Some("HAS_OVERDUE_BILL")
    );
}

#[test]
fn a_header_with_statement_columns_but_not_enough_stops_the_run() {
    let mut reader = reader();
    reader.begin_table(&Location::file("st.xlsx".into()).at_row(0));
    reader.row(1, &texts(&["contract_id", "base", "rate"]));
    reader.row(2, &texts(&["C1", "1", "3%"]));
    assert_eq!(reader.problems.len(), 1);
    assert!(reader.problems[0].message.contains("month (月份)"));
    assert_eq!(reader.rows.len(), 0);
    // A sheet that is no statement at all only has its rows rejected.
    let mut notes = self::reader();
    notes.begin_table(&Location::file("notes.csv".into()));
    notes.row(1, &texts(&["note"]));
    notes.row(2, &texts(&["hello"]));
    assert!(notes.problems.is_empty());
    assert_eq!(notes.rejected.len(), 2);
}

#[test]
fn period_start_and_end_must_be_in_order() {
    let mut reader = reader();
    reader.begin_table(&Location::file("st.csv".into()));
    reader.row(
        1,
        &texts(&["contract_id", "period_start", "period_end", "payable"]),
    );
    reader.row(2, &texts(&["C1", "2025-04-01", "2025-06-30", "10"]));
    reader.row(3, &texts(&["C1", "2025-06-30", "2025-04-01", "10"]));
    assert_eq!(reader.rows.len(), 1);
    assert_eq!(
        reader.rejected[0].location.to_string(),
        "st.csv:3:period_end"
    );
}
