//! Contract workbook errors (exit 2).

use super::*;

/// Runs the standard bill and an empty payout ledger against `contracts`; expects exit 2
/// and returns stderr.
fn contract_error(fixture: &Fixture, contracts: &Path) -> String {
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("rebate-audit: error:"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(
        !run.out.join("findings.json").exists(),
        "no report may be written when the contracts cannot be read"
    );
    run.stderr
}

fn assert_mentions(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "stderr lacks `{part}`:\n{stderr}");
    }
}

#[test]
fn an_unknown_settlement_word_names_the_cell_xlsx_and_csv() {
    let book = Book::default()
        .contract(contract("C1").set("settlement", "weekly"))
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:settlement", xlsx.display()),
            "monthly, quarterly, annual, term, transparent",
            "`weekly`",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:2:settlement", folder.join("contracts.csv").display()),
            "`weekly`",
        ],
    );
}

#[test]
fn an_end_before_the_start_names_the_end_cell_xlsx_and_csv() {
    let book = Book::default()
        .contract(
            contract("C1")
                .set("start", "2025-06-01")
                .set("end", "2025-05-31"),
        )
        .tier("C1", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:end", xlsx.display()),
            "2025-05-31",
            "2025-06-01",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[&format!("{}:2:end", folder.join("contracts.csv").display())],
    );
}

#[test]
fn a_tier_row_for_an_unknown_contract_names_the_cell_xlsx_and_csv() {
    // tiers row 3 (header is row 1) names C9, which is not in `contracts`.
    let book = Book::standard().tier("C9", "0", "", "10%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:tiers:3:contract_id", xlsx.display()),
            "`C9`",
            "not in the `contracts` sheet",
        ],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:3:contract_id", folder.join("tiers.csv").display()),
            "`C9`",
        ],
    );
}

#[test]
fn overlapping_tier_brackets_are_rejected() {
    // [0, 100,000) then [50,000, ∞): the second bracket overlaps the first.
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "50000", "", "25%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &[&xlsx.display().to_string(), "C1", "contiguous"]);
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(&stderr, &["C1", "contiguous"]);
}

#[test]
fn overlapping_tier_brackets_name_the_tiers_row_and_column() {
    // docs/INPUTS.md: invalid contracts are errors that name workbook, sheet, row and column.
    // The offending cell is tiers row 3, column `from` (50000 starts inside [0, 100000)).
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "50000", "", "25%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &[&format!("{}:tiers:3:from", xlsx.display())]);
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[&format!("{}:3:from", folder.join("tiers.csv").display())],
    );
}

#[test]
fn a_gap_between_tier_brackets_is_rejected() {
    // [0, 100,000) then [120,000, ∞): 100,000–120,000 has no rate.
    let book = Book::default()
        .contract(contract("C1"))
        .tier("C1", "0", "100000", "20%")
        .tier("C1", "120000", "", "25%");
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(&stderr, &["C1", "120000", "100000", "contiguous"]);
}

#[test]
fn a_schedule_with_two_rests_is_rejected_xlsx_and_csv() {
    // schedule rows 2 and 3 are both `rest`; row 2 is the one that is not last.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "rest")
        .schedule("C1", "2", "renewal", "rest");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[&format!("{}:schedule:2", xlsx.display()), "`rest`", "last"],
    );
    let fixture = Fixture::new();
    let folder = book.write_csv_folder(fixture.dir.path(), "book");
    let stderr = contract_error(&fixture, &folder);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:2", folder.join("schedule.csv").display()),
            "`rest`",
        ],
    );
}

#[test]
fn a_schedule_with_two_rests_names_the_portion_column() {
    // docs/INPUTS.md: errors name workbook, sheet, row and column; the cell is schedule!portion.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "rest")
        .schedule("C1", "2", "renewal", "rest");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[&format!("{}:schedule:2:portion", xlsx.display())],
    );
}

#[test]
fn every_problem_in_the_workbook_is_listed_at_once() {
    let book = Book::default()
        .contract(contract("C1").set("settlement", "weekly"))
        .contract(contract("C2").set("tier_mode", "progressive"))
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let fixture = Fixture::new();
    let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(
        &stderr,
        &[
            &format!("{}:contracts:2:settlement", xlsx.display()),
            &format!("{}:contracts:3:tier_mode", xlsx.display()),
            "`progressive`",
        ],
    );
}

#[test]
fn a_contract_workbook_of_random_bytes_is_exit_2() {
    let fixture = Fixture::new();
    let xlsx = fixture.write("book.xlsx", pseudo_random_bytes(4096, 7));
    let stderr = contract_error(&fixture, &xlsx);
    assert_mentions(&stderr, &["book.xlsx"]);
}

#[test]
fn a_missing_contracts_path_is_exit_2() {
    let fixture = Fixture::new();
    let missing = fixture.path("no-such-book.xlsx");
    let stderr = contract_error(&fixture, &missing);
    assert_mentions(
        &stderr,
        &["--contracts", "no-such-book.xlsx", "does not exist"],
    );
}

#[test]
fn an_impossible_as_of_date_is_exit_2() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = fixture.standard_inputs(&[STANDARD_BILL], &[]);
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-13-01", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &["rebate-audit: error:", "--as-of", "2026-13-01"],
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    let fixture = Fixture::new();
    let (contracts, billing, payouts) = fixture.standard_inputs(&[STANDARD_BILL], &[]);
    // An unknown --fail-on level.
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--fail-on", "fatal"],
    );
    run.expect_status(2);
    // --threads 0.
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--threads", "0"],
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--threads"]);
    // No --payouts at all.
    let run = fixture.run(&[&"run", &"--contracts", &contracts, &"--billing", &billing]);
    run.expect_status(2);
    // A missing billing file.
    let missing = fixture.path("nope.csv");
    let run = fixture.audit(&contracts, &missing, &payouts, "2025-06-30", &[]);
    run.expect_status(2);
    assert_mentions(&run.stderr, &["--billing", "nope.csv"]);
}
