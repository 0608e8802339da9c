//! report.xlsx is byte-identical across runs and thread counts; an amount beyond 15 significant digits is kept exact as text and noted.

use super::*;

#[test]
fn report_xlsx_is_byte_identical_across_runs_and_thread_counts() {
    let fixture = Fixture::new();
    let one = varied_run(&fixture, "out-1", "1");
    // A second later, so a clock-stamped creation date would differ.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let two = varied_run(&fixture, "out-2", "2");
    let again = varied_run(&fixture, "out-again", "2");
    let reference = one.read("report.xlsx");
    assert!(reference.starts_with(b"PK"), "a zip");
    assert_eq!(reference, two.read("report.xlsx"), "1 vs 2 threads");
    assert_eq!(reference, again.read("report.xlsx"), "two runs");
}

#[test]
fn an_amount_beyond_15_significant_digits_is_exact_text_and_noted() {
    let fixture = Fixture::new();
    // 123,456,789,012,345.60 has 16 significant digits; so has its 20%,
    // 24,691,357,802,469.12.
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[("A1", "2025-01", "ECS", "123456789012345.60", "CNY")],
        &[("-P1", "C1", "2025-02-15", "1000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let record = &run.installments()[0];
    assert_eq!(record["weighted_base"], "123456789012345.60");
    assert_eq!(record["expected"], "24691357802469.12");
    let (_, sheets) = read_sheets(&run.out.join("report.xlsx"));
    let rows = &sheets["Installments"];
    let row = &rows[1];
    assert_eq!(
        row[column(rows, "weighted_base")],
        Data::String("123456789012345.60".into())
    );
    assert_eq!(
        row[column(rows, "expected")],
        Data::String("24691357802469.12".into())
    );
    // 1,000.00 is exact: still a number.
    assert_eq!(row[column(rows, "paid")], Data::Float(1000.0));
    // A negative amount beyond 15 digits is its exact text: our own digits, so no `'`
    // (research R1b) — the underpaid finding's difference, 1,000.00 − 24,691,357,802,469.12.
    let underpaid = only(&run, "underpaid");
    assert_eq!(underpaid["difference"], "-24691357801469.12");
    let rows = &sheets["Findings"];
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        row[column(rows, "difference")],
        Data::String("-24691357801469.12".into())
    );
    assert_eq!(
        row[column(rows, "expected")],
        Data::String("24691357802469.12".into())
    );
    // The neutraliser still guards every text from the inputs in the same workbook.
    let rows = &sheets["Payouts"];
    assert_eq!(
        rows[1][column(rows, "payout_id")],
        Data::String("'-P1".into())
    );
    // findings.xlsx writes money by the same rule.
    let (_, table) = read_sheets(&run.out.join("findings.xlsx"));
    let rows = &table["findings"];
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        row[column(rows, "difference")],
        Data::String("-24691357801469.12".into())
    );
    assert_eq!(row[column(rows, "paid")], Data::Float(1000.0));
    let summary = &sheets["Summary"];
    let note = summary
        .iter()
        .find(|row| row[0].to_string().starts_with("amounts written as text"))
        .unwrap_or_else(|| panic!("no note line: {summary:?}"));
    assert!(
        matches!(note[1], Data::Float(count) if count >= 2.0),
        "{note:?}"
    );
}
