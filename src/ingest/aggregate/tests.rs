//! Aggregate files read cell by cell: exact decimals, ISO dates, whole numbers, the
//! partition folder's month, and every refusal naming file, row and column.

use super::*;
use crate::domain::test_support::{d, day};

const HEADER: &str = "contract_id,account_id,slice_start,slice_end,billing_month,product,currency,list_amount,lines_without_list,net_amount,voucher_amount,lines,first_charge_date,last_charge_date,source";
const ROW: &str = "C1,A1,2025-01-01,2025-04-01,2025-02,ecs,CNY,120.0000000000,1,100.5000000000,5.0000000000,3,2025-02-03,2025-02-27,bill.csv";

fn read(folder: &tempfile::TempDir, name: &str, text: &str) -> Result<ReadRows, Vec<Problem>> {
    let path = folder.path().join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let found = files(folder.path()).unwrap();
    let file = found.iter().find(|file| file.path == path).unwrap();
    read_rows(file, name.into(), &Limits::default())
}

fn problem(text: &str) -> String {
    let folder = tempfile::tempdir().unwrap();
    read(&folder, "a.csv", text).unwrap_err()[0].to_string()
}

#[test]
fn a_row_is_typed_exactly() {
    let folder = tempfile::tempdir().unwrap();
    let read = read(&folder, "a.csv", &format!("{HEADER}\n{ROW}\n,Z9,,,2025-03,quantum,USD,0,2,7.25,0,2,2025-03-01,2025-03-09,bill.csv\n")).unwrap();
    let (number, row) = &read.rows[0];
    assert_eq!(*number, 2);
    assert_eq!(row.contract_id.as_deref(), Some("C1"));
    assert_eq!(
        row.slice,
        Some(Slice {
            start: day("2025-01-01"),
            end: day("2025-04-01")
        })
    );
    assert_eq!(row.billing_month, YearMonth::new(2025, 2).unwrap());
    assert_eq!(
        (row.net_amount, row.list_amount, row.voucher_amount),
        (d("100.5"), d("120"), d("5"))
    );
    assert_eq!((row.lines, row.lines_without_list), (3, 1));
    let uncovered = &read.rows[1].1;
    assert_eq!(
        (uncovered.contract_id.clone(), uncovered.slice),
        (None, None)
    );
}

#[test]
fn cells_that_are_not_of_their_columns_type_are_named() {
    let with = |column: usize, value: &str| {
        let mut fields: Vec<&str> = ROW.split(',').collect();
        fields[column] = value;
        problem(&format!("{HEADER}\n{}\n", fields.join(",")))
    };
    assert_eq!(
        with(9, "1.5e2"),
        "a.csv:2:net_amount: expected an exact decimal such as -1234.5000000000, found `1.5e2`"
    );
    assert_eq!(
        with(9, "1,005.00"),
        problem(&format!(
            "{HEADER}\n{}\n",
            ROW.replace("100.5000000000", "1,005.00")
        ))
    );
    assert_eq!(
        with(11, "3.0"),
        "a.csv:2:lines: expected a whole number, found `3.0`"
    );
    assert_eq!(
        with(2, "2025/01/01"),
        "a.csv:2:slice_start: expected a date YYYY-MM-DD, found `2025/01/01`"
    );
    assert_eq!(
        with(4, "2025-2"),
        "a.csv:2:billing_month: expected a month YYYY-MM, found `2025-2`"
    );
    assert_eq!(
        with(3, ""),
        "a.csv:2:slice_end: a row with a contract_id needs its slice_end"
    );
    assert_eq!(
        with(0, ""),
        "a.csv:2:slice_start: a row without a contract_id (uncovered lines) has no slice"
    );
    assert_eq!(
        with(6, ""),
        "a.csv:2:currency: expected a value, found an empty cell"
    );
    assert!(
        problem(&format!(
            "{}\n{ROW}\n",
            HEADER.replace(",lines,", ",count,")
        ))
        .starts_with(
            "a.csv:1: the header lacks the column(s) lines of schema rebate-audit/aggregate/v1"
        )
    );
}

#[test]
fn a_partition_folder_gives_the_month_the_file_leaves_out() {
    let folder = tempfile::tempdir().unwrap();
    let header = HEADER.replace("billing_month,", "");
    let row = ROW.replace("2025-02,", "");
    let read = read(
        &folder,
        "billing_month=2025-02/part-0.csv",
        &format!("{header}\n{row}\n"),
    )
    .unwrap();
    assert_eq!(
        read.rows[0].1.billing_month,
        YearMonth::new(2025, 2).unwrap()
    );
    // Engines' side files are not the aggregate's.
    std::fs::write(folder.path().join("_SUCCESS"), "").unwrap();
    std::fs::write(folder.path().join(".part-0.csv.crc"), "").unwrap();
    assert_eq!(files(folder.path()).unwrap().len(), 1);
    // A row that names another month than its folder is refused.
    let other = tempfile::tempdir().unwrap();
    let problems = super::tests::read(
        &other,
        "billing_month=2025-03/p.csv",
        &format!("{HEADER}\n{ROW}\n"),
    )
    .unwrap_err();
    assert_eq!(
        problems[0].to_string(),
        "billing_month=2025-03/p.csv:2:billing_month: the row says 2025-02, its partition folder billing_month=2025-03"
    );
}
