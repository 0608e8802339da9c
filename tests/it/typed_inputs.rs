//! Contract workbooks and payout ledgers as people type them (issue 13): a `products` row
//! that names no product, formulas without a computed value, merged cells, enumerations
//! in any case, width or language, and one error per cause — each through the binary on
//! real `.xlsx` files and CSV folders, asserting exit 2 with the named cell, or the value
//! understood and the numbers unchanged.

use crate::common::*;
use rust_xlsxwriter::{CalculationMode, ExcelDateTime, Format, Workbook, Worksheet};
use std::path::{Path, PathBuf};

const AS_OF: &str = "2025-06-30";

/// Writes `book` as one `.xlsx` like [`Book::write_xlsx`], with sheets renamed by
/// `renames` and each sheet changed by `edit` (merged ranges, formulas) after its cells
/// are written.
fn write_book(
    book: &Book,
    path: &Path,
    renames: &[(&str, &str)],
    calculation: CalculationMode,
    mut edit: impl FnMut(&str, &mut Worksheet, &Sheet),
) -> PathBuf {
    let mut workbook = Workbook::new();
    workbook.set_calculation_mode(calculation);
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (sheet_name, sheet) in book.sheets() {
        let worksheet = workbook.add_worksheet();
        let name = renames
            .iter()
            .find(|(from, _)| *from == sheet_name)
            .map_or(sheet_name, |(_, to)| to);
        worksheet.set_name(name).unwrap();
        for (column, header) in sheet.header.iter().enumerate() {
            worksheet.write_string(0, column as u16, header).unwrap();
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            let row_number = index as u32 + 1;
            for (column, value) in row.iter().enumerate() {
                let column = column as u16;
                match value {
                    Val::Text(text) if text.is_empty() => {}
                    Val::Text(text) => {
                        worksheet.write_string(row_number, column, text).unwrap();
                    }
                    Val::Num(number) => {
                        worksheet.write_number(row_number, column, *number).unwrap();
                    }
                    Val::Date(year, month, day) => {
                        let date = ExcelDateTime::from_ymd(*year, *month, *day).unwrap();
                        worksheet
                            .write_datetime_with_format(row_number, column, &date, &date_format)
                            .unwrap();
                    }
                }
            }
        }
        edit(sheet_name, worksheet, &sheet);
    }
    workbook.save(path).unwrap();
    path.to_path_buf()
}

/// The 0-based column of `header` in `sheet`.
fn column_of(sheet: &Sheet, header: &str) -> u16 {
    sheet
        .header
        .iter()
        .position(|name| name == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", sheet.header)) as u16
}

/// The column letter of a 0-based column below 26.
fn letter(column: u16) -> char {
    char::from(b'A' + column as u8)
}

/// Audits `contracts` against `billing` and an empty ledger.
fn audit_with(fixture: &Fixture, contracts: &Path, billing: &str) -> Run {
    let billing = fixture.write("billing.csv", billing);
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    fixture.audit(contracts, &billing, &payouts, AS_OF, &[])
}

/// Expects exit 2 with exactly `problems` problems and no report; returns stderr.
fn stopped(run: &Run, problems: usize) -> String {
    run.expect_status(2);
    assert!(
        !run.out.join("findings.json").exists(),
        "no report may be written when the audit cannot run"
    );
    assert!(
        run.stderr.contains(&if problems == 1 {
            "(1 problem)".to_string()
        } else {
            format!("({problems} problems)")
        }),
        "expected {problems} problem(s):\n{}",
        run.stderr
    );
    run.stderr.clone()
}

// ---------------------------------------------------------------------------------------
// 1. Products must match a ruleset name or a billed product
// ---------------------------------------------------------------------------------------

#[test]
fn a_misspelt_product_stops_the_run_naming_the_cell_and_the_closest_name() {
    let book = Book::standard()
        .product("C1", "rsd", 0.5)
        .product("C1", "ecss", 1.0);
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let stderr = stopped(&audit_with(&fixture, &xlsx, &standard_billing()), 2);
    assert_mentions(
        &stderr,
        &[
            &format!(
                "{}:products:2:product: expected a product of ruleset generic or one billed to C1, found `rsd`; did you mean `rds`?",
                xlsx.display()
            ),
            &format!(
                "{}:products:3:product: expected a product of ruleset generic or one billed to C1, found `ecss`; did you mean `ecs`?",
                xlsx.display()
            ),
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "contracts");
    let stderr = stopped(&audit_with(&fixture, &folder, &standard_billing()), 2);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:2:product: expected a product of ruleset generic",
            folder.join("products.csv").display()
        )],
    );
}

#[test]
fn a_product_named_as_typed_or_as_billed_weighs_as_listed() {
    // ECS in full-width capitals is the canonical `ecs`; `Widget` is no ruleset name but
    // is billed (as `widget`): both weigh by their listed coefficient.
    let bill = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "widget", "5000.00", "CNY"),
    ]);
    let book = Book::standard()
        .product("C1", "ＥＣＳ", 0.5)
        .product("C1", "Widget", 0.0);
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let run = audit_with(&fixture, &xlsx, &bill);
    run.expect_status(1);
    let first = installment(&run, "C1", "2025-01-01", 1);
    // 10,000 × 0.5 + 5,000 × 0 = 5,000 at 20%.
    assert_eq!(first["weighted_base"], "5000.00");
    assert_eq!(first["expected"], "1000.00");
    assert!(
        run.of_type("unknown_product").is_empty(),
        "{:#?}",
        run.findings()
    );
}

// ---------------------------------------------------------------------------------------
// 2. Formulas without a computed value
// ---------------------------------------------------------------------------------------

#[test]
fn a_contract_cell_holding_a_formula_without_a_value_stops_the_run_naming_it() {
    // A script wrote the cap as a formula: rust_xlsxwriter, like XlsxWriter and openpyxl,
    // stores no calculated value (a 0, and a request to calculate when opened).
    let book = Book::default()
        .contract(contract("C1").set("cap", ""))
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let mut cap_column = 0;
    let xlsx = write_book(
        &book,
        &fixture.path("contracts.xlsx"),
        &[],
        CalculationMode::Automatic,
        |name, worksheet, sheet| {
            if name == "contracts" {
                cap_column = column_of(sheet, "cap");
                worksheet.write_formula(1, cap_column, "=45000*2").unwrap();
            }
        },
    );
    let stderr = stopped(&audit_with(&fixture, &xlsx, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:contracts:2:cap (cell {}2): the cell holds the formula `=45000*2` but no computed value; open and save the workbook in Excel or LibreOffice so it is calculated, or type the value",
            xlsx.display(),
            letter(cap_column)
        )],
    );
}

#[test]
fn a_calculated_formula_is_read_by_its_value() {
    // Saved calculated (as Excel saves it): the cap's formula =500*2 holds 1000, and the
    // audit is the one of a typed 1000.
    let typed = Book::default()
        .contract(contract("C1").set("cap", "1000"))
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let folder = typed.write_csv_folder(fixture.dir.path(), "contracts");
    let by_hand = audit_with(&fixture, &folder, &standard_billing());
    by_hand.expect_status(1);
    let fixture = Fixture::new();
    let xlsx = write_book(
        &typed,
        &fixture.path("contracts.xlsx"),
        &[],
        CalculationMode::Manual,
        |name, worksheet, sheet| {
            if name == "contracts" {
                let column = column_of(sheet, "cap");
                worksheet
                    .write_formula(1, column, "=500*2")
                    .unwrap()
                    .set_formula_result(1, column, "1000");
            }
        },
    );
    let calculated = audit_with(&fixture, &xlsx, &standard_billing());
    calculated.expect_status(1);
    assert_eq!(calculated.installments(), by_hand.installments());
    assert_eq!(
        installment(&calculated, "C1", "2025-01-01", 1)["expected"],
        "1000.00"
    );
}

#[test]
fn a_ledger_cell_holding_a_formula_without_a_value_stops_the_run_naming_it() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.path("payouts.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["payout_id", "contract_id", "paid_on", "amount"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "P1").unwrap();
    sheet.write_string(1, 1, "C1").unwrap();
    sheet.write_string(1, 2, "2025-02-15").unwrap();
    sheet.write_formula(1, 3, "=1000*2").unwrap();
    workbook.save(&payouts).unwrap();
    let run = fixture.audit(&contracts, &billing, &payouts, AS_OF, &[]);
    let stderr = stopped(&run, 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:Sheet1:2:amount (cell D2): the cell holds the formula `=1000*2` but no computed value",
            payouts.display()
        )],
    );
}

// ---------------------------------------------------------------------------------------
// 3. Merged cells
// ---------------------------------------------------------------------------------------

#[test]
fn a_due_days_merged_over_two_contracts_is_both_contracts_due_days() {
    let book = Book::default()
        .contract(contract("C1").set("due_days", "45"))
        .contract(contract("C2").set("accounts", "A2").set("due_days", ""))
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let bill = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    let fixture = Fixture::new();
    let xlsx = write_book(
        &book,
        &fixture.path("contracts.xlsx"),
        &[],
        CalculationMode::Automatic,
        |name, worksheet, sheet| {
            if name == "contracts" {
                let column = column_of(sheet, "due_days");
                worksheet
                    .merge_range(1, column, 2, column, "", &Format::new())
                    .unwrap();
                worksheet.write_number(1, column, 45.0).unwrap();
            }
        },
    );
    let run = audit_with(&fixture, &xlsx, &bill);
    run.expect_status(1);
    // January 31 + 45 days, for both: the second contract is not given the default 0.
    for id in ["C1", "C2"] {
        assert_eq!(
            installment(&run, id, "2025-01-01", 1)["due_on"],
            "2025-03-17",
            "{id}"
        );
    }
}

#[test]
fn a_contract_id_merged_over_two_ledger_rows_is_both_payouts_contract() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.path("payouts.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["payout_id", "contract_id", "paid_on", "amount"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    for (row, (id, amount)) in [("P1", 1500.0), ("P2", 500.0)].iter().enumerate() {
        let row = row as u32 + 1;
        sheet.write_string(row, 0, *id).unwrap();
        sheet.write_string(row, 2, "2025-02-15").unwrap();
        sheet.write_number(row, 3, *amount).unwrap();
    }
    sheet.merge_range(1, 1, 2, 1, "C1", &Format::new()).unwrap();
    workbook.save(&payouts).unwrap();
    let run = fixture.audit(&contracts, &billing, &payouts, AS_OF, &[]);
    run.expect_status(0);
    let first = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(first["paid"], "2000.00");
    assert_eq!(first["status"], "paid");
    assert!(run.findings().is_empty(), "{:#?}", run.findings());
}

// ---------------------------------------------------------------------------------------
// 4. Enumerations as typed, and one error per cause
// ---------------------------------------------------------------------------------------

#[test]
fn enumerations_in_any_case_width_or_chinese_give_the_same_audit() {
    let canonical = contract("C1")
        .set("end", "2025-06-30")
        .set("settlement", "quarterly")
        .set("tier_basis", "contract_year")
        .set("tier_mode", "marginal");
    let bill = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-04", "ECS", "20000.00", "CNY"),
    ]);
    let tiers = |book: Book| {
        book.tier("C1", "0", "15000", "10%")
            .tier("C1", "15000", "", "20%")
    };
    let fixture = Fixture::new();
    let folder = tiers(Book::default().contract(canonical.clone()))
        .write_csv_folder(fixture.dir.path(), "contracts");
    let expected = audit_with(&fixture, &folder, &bill);
    expected.expect_status(1);
    for (settlement, basis, mode, base, invoice, kind) in [
        (
            " Quarterly ",
            "Contract Year",
            "MARGINAL",
            " Net",
            "None",
            "CASH",
        ),
        ("季度", "合同年度", "累进", "净额", "无", "现金"),
        (
            "ＱＵＡＲＴＥＲＬＹ",
            "contract-year",
            "超额累进",
            "应付",
            "不开票",
            "返还",
        ),
        ("按季", "年度", "marginal", "net", "none", "cash"),
    ] {
        let typed = canonical
            .clone()
            .set("settlement", settlement)
            .set("tier_basis", basis)
            .set("tier_mode", mode)
            .set("base", base)
            .set("invoice", invoice)
            .set("payout_kind", kind);
        let fixture = Fixture::new();
        let xlsx =
            tiers(Book::default().contract(typed)).write_xlsx(fixture.dir.path(), "contracts.xlsx");
        let run = audit_with(&fixture, &xlsx, &bill);
        run.expect_status(1);
        assert_eq!(run.installments(), expected.installments(), "{settlement}");
    }
}

#[test]
fn an_unknown_word_names_its_column_and_offers_the_closest_word() {
    let book = Book::default()
        .contract(contract("C1").set("settlement", "quartely"))
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let stderr = stopped(&audit_with(&fixture, &xlsx, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:contracts:2:settlement: expected one of monthly, quarterly, annual, term, transparent, found `quartely`; did you mean `quarterly`?",
            xlsx.display()
        )],
    );
}

#[test]
fn a_misspelt_header_is_one_error_naming_the_column_it_could_be() {
    // Not also a missing `tier_mode`, an empty cell per contract, or a `tiers` row per
    // contract "not in the contracts sheet".
    let book = Book::standard()
        .contract(contract("C2").set("accounts", "A2"))
        .tier("C2", "0", "", "20%")
        .product("C2", "ecs", 1.0)
        .rename("tier_mode", "tier_mod");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let stderr = stopped(&audit_with(&fixture, &xlsx, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:contracts:1:tier_mod: unknown column `tier_mod`; did you mean `tier_mode`?",
            xlsx.display()
        )],
    );
}

#[test]
fn a_rate_of_15_is_one_error_without_a_gap_between_the_brackets() {
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "10%")
        .tier("C1", "100000", "", "15");
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "contracts");
    let stderr = stopped(&audit_with(&fixture, &folder, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}:3:rate: expected a rate written as a percentage or a fraction, `15%` or `0.15`, found `15`",
            folder.join("tiers.csv").display()
        )],
    );
}

#[test]
fn a_misnamed_tiers_sheet_is_named_with_the_sheet_it_could_be() {
    let book = Book::standard();
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "contracts");
    std::fs::rename(folder.join("tiers.csv"), folder.join("teirs.csv")).unwrap();
    let stderr = stopped(&audit_with(&fixture, &folder, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}: no `tiers` sheet; the folder has `teirs.csv` — did you mean `tiers`?",
            folder.display()
        )],
    );
    let fixture = Fixture::new();
    let xlsx = write_book(
        &book,
        &fixture.path("contracts.xlsx"),
        &[("tiers", "teirs")],
        CalculationMode::Automatic,
        |_, _, _| {},
    );
    let stderr = stopped(&audit_with(&fixture, &xlsx, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &[&format!(
            "{}: no `tiers` sheet; the workbook has a sheet `teirs` — did you mean `tiers`?",
            xlsx.display()
        )],
    );
}

#[test]
fn a_misnamed_optional_sheet_is_not_skipped_silently() {
    // Without its `products` sheet the contract would weigh ECS at 1, not 0.5.
    let book = Book::standard().product("C1", "ecs", 0.5);
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "contracts");
    std::fs::rename(folder.join("products.csv"), folder.join("prodcts.csv")).unwrap();
    let stderr = stopped(&audit_with(&fixture, &folder, &standard_billing()), 1);
    assert_mentions(
        &stderr,
        &["no `products` sheet; the folder has `prodcts.csv` — did you mean `products`?"],
    );
}
