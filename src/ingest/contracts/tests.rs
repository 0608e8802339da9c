//! Loading contract workbooks: hidden sheets and the longest term.

use super::*;
use crate::ingest::table::Limits;
use crate::ruleset::Rulesets;

#[test]
fn a_hidden_contract_sheet_is_an_error_naming_it() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("book.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let contracts = workbook.add_worksheet();
    contracts.set_name("contracts").unwrap();
    for (column, header) in [
        "contract_id",
        "accounts",
        "start",
        "end",
        "tier_basis",
        "tier_mode",
        "settlement",
    ]
    .iter()
    .enumerate()
    {
        contracts.write_string(0, column as u16, *header).unwrap();
    }
    for (column, value) in [
        "C1",
        "A1",
        "2025-01-01",
        "2025-12-31",
        "period",
        "retroactive",
        "monthly",
    ]
    .iter()
    .enumerate()
    {
        contracts.write_string(1, column as u16, *value).unwrap();
    }
    let tiers = workbook.add_worksheet();
    tiers.set_name("tiers").unwrap();
    for (column, value) in ["contract_id", "from", "to", "rate"].iter().enumerate() {
        tiers.write_string(0, column as u16, *value).unwrap();
    }
    tiers.write_string(1, 0, "C1").unwrap();
    tiers.write_number(1, 1, 0.0).unwrap();
    tiers.write_number(1, 3, 0.2).unwrap();
    tiers.set_hidden(true);
    workbook.save(&path).unwrap();
    let errors = load(&path, &Rulesets::load(None).unwrap(), &Limits::DEFAULT).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("book.xlsx:tiers: the `tiers` sheet is hidden"),
        "{text}"
    );
}

/// Loads a CSV-folder book with one contract `C1` from `start` to `end`.
fn load_term(start: &str, end: &str) -> Result<ContractBook, ContractErrors> {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("contracts.csv"),
        format!(
            "contract_id,accounts,start,end,tier_basis,tier_mode,settlement\n\
             C1,A1,{start},{end},contract_year,retroactive,monthly\n"
        ),
    )
    .unwrap();
    std::fs::write(
        folder.path().join("tiers.csv"),
        "contract_id,from,to,rate\nC1,0,,20%\n",
    )
    .unwrap();
    load(
        folder.path(),
        &Rulesets::load(None).unwrap(),
        &Limits::DEFAULT,
    )
}

#[test]
fn a_term_of_100_years_is_the_longest_accepted() {
    // 100 contract years from 2025-01-01 end on 2124-12-31.
    let book = load_term("2025-01-01", "2124-12-31").unwrap();
    assert_eq!(book.contracts[0].contract_years().len(), 100);
    // From a leap day: 2024-02-29 + 100 years = 2124-02-29, so the last day is the 28th.
    assert!(load_term("2024-02-29", "2124-02-28").is_ok());
    let errors = load_term("2024-02-29", "2124-02-29").unwrap_err();
    assert!(
        errors.to_string().contains("on or before 2124-02-28"),
        "{errors}"
    );
}

#[test]
fn an_open_ended_9999_12_31_term_is_refused_naming_the_cell() {
    for end in ["9999-12-31", "2125-01-01"] {
        let errors = load_term("2025-01-01", end).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        let error = &errors.0[0];
        // A CSV folder's sheet is its file: contracts.csv, row 2, column `end`.
        assert!(
            error.location.to_string().ends_with("contracts.csv:2:end"),
            "{error}"
        );
        assert_eq!(
            error.message,
            format!(
                "expected a term of at most 100 years, so an end on or before 2124-12-31 \
                 for the start 2025-01-01, found `{end}`; an open-ended contract needs a \
                 real end date (e.g. the last day being audited)"
            )
        );
    }
}
