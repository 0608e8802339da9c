//! Loading contract workbooks: hidden sheets, the longest term, the documented words.

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

/// Every spelling a contract enumeration accepts is listed in the input templates
/// (docs/INPUTS.md), so the documented words and the read ones cannot drift apart.
#[test]
fn every_accepted_word_is_documented() {
    use crate::domain::contract::{
        Base, InvoiceKind, PayoutKind, Settlement, TierBasis, TierMode, Trigger,
    };
    let templates = include_str!("../../../docs/INPUTS.md");
    let spellings = Base::SPELLINGS
        .iter()
        .map(|(word, _)| *word)
        .chain(TierBasis::SPELLINGS.iter().map(|(word, _)| *word))
        .chain(TierMode::SPELLINGS.iter().map(|(word, _)| *word))
        .chain(Settlement::SPELLINGS.iter().map(|(word, _)| *word))
        .chain(InvoiceKind::SPELLINGS.iter().map(|(word, _)| *word))
        .chain(PayoutKind::SPELLINGS.iter().map(|(word, _)| *word))
        .chain(Trigger::SPELLINGS.iter().map(|(word, _)| *word));
    for word in spellings {
        let shown = if word.is_ascii() {
            format!("`{word}`")
        } else {
            word.to_string()
        };
        assert!(templates.contains(&shown), "docs/INPUTS.md lacks {shown}");
    }
}

/// Loads a CSV-folder book from `(file name, text)` pairs.
fn load_folder(files: &[(&str, &str)]) -> Result<ContractBook, ContractErrors> {
    let folder = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(folder.path().join(name), text).unwrap();
    }
    load(
        folder.path(),
        &Rulesets::load(None).unwrap(),
        &Limits::DEFAULT,
    )
}

const CONTRACTS: &str = "contract_id,accounts,start,end,tier_basis,tier_mode,settlement\n\
     C1,A1,2025-01-01,2025-12-31,period,retroactive,monthly\n\
     C2,A2,2025-01-01,2025-12-31,period,retroactive,monthly\n";
const TIERS: &str = "contract_id,from,to,rate\nC1,0,,20%\nC2,0,,20%\n";

/// The messages of the one or more errors, each with its place.
fn listed(errors: &ContractErrors) -> Vec<String> {
    errors.0.iter().map(ToString::to_string).collect()
}

#[test]
fn a_bad_rate_is_one_error_not_also_a_gap_between_brackets() {
    let errors = load_folder(&[
        ("contracts.csv", CONTRACTS),
        (
            "tiers.csv",
            "contract_id,from,to,rate\nC1,0,100000,10%\nC1,100000,,15\nC2,0,,20%\n",
        ),
    ])
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].ends_with(
            "tiers.csv:3:rate: expected a rate written as a percentage or a fraction, `15%` or `0.15`, found `15`"
        ),
        "{}",
        messages[0]
    );
}

#[test]
fn a_misspelt_required_header_is_one_error_and_the_other_sheets_keep_their_ids() {
    let errors = load_folder(&[
        ("contracts.csv", &CONTRACTS.replace("tier_mode", "tier_mod")),
        // C3 is not a contract: still reported, the ids being readable.
        ("tiers.csv", &format!("{TIERS}C3,0,,20%\n")),
    ])
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].ends_with(
            "contracts.csv:1:tier_mod: unknown column `tier_mod`; did you mean `tier_mode`?"
        ),
        "{}",
        messages[0]
    );
    assert!(
        messages[1]
            .contains("tiers.csv:4:contract_id: contract `C3` is not in the `contracts` sheet"),
        "{}",
        messages[1]
    );
}

#[test]
fn a_contracts_sheet_without_ids_does_not_make_every_other_row_unknown() {
    let errors = load_folder(&[
        ("contracts.csv", &CONTRACTS.replace("contract_id", "id")),
        ("tiers.csv", TIERS),
        (
            "schedule.csv",
            "contract_id,installment,trigger,portion\nC1,1,结算,rest\n",
        ),
    ])
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].contains("contracts.csv:1: the header row has no column `contract_id`"),
        "{}",
        messages[0]
    );
}

#[test]
fn a_missing_tiers_sheet_is_one_error_and_a_misnamed_one_is_named() {
    let errors = load_folder(&[("contracts.csv", CONTRACTS)]).unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0]
            .contains(": no tier table found: expected a sheet (or CSV) named `tiers` (or `阶梯`)"),
        "{}",
        messages[0]
    );
    let errors = load_folder(&[("contracts.csv", CONTRACTS), ("Teirs.csv", TIERS)]).unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0]
            .ends_with(": no `tiers` sheet; the folder has `Teirs.csv` — did you mean `tiers`?"),
        "{}",
        messages[0]
    );
    // A sheet named in other case or width is the sheet itself.
    assert!(load_folder(&[("CONTRACTS.csv", CONTRACTS), ("Ｔｉｅｒｓ.csv", TIERS)]).is_ok());
}

#[test]
fn a_bad_schedule_row_is_one_error_not_also_a_wrong_sum() {
    let errors = load_folder(&[
        ("contracts.csv", CONTRACTS),
        ("tiers.csv", TIERS),
        (
            "schedule.csv",
            "contract_id,installment,trigger,portion\nC1,1,settlement,40\nC1,2,settlment,60%\n",
        ),
    ])
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].ends_with("schedule.csv:2:portion: expected a portion above 0% and at most 100%, such as 40%, found `40`"), "{}", messages[0]);
    assert!(
        messages[1].ends_with(
            "schedule.csv:3:trigger: expected one of settlement, renewal, found `settlment`; did you mean `settlement`?"
        ),
        "{}",
        messages[1]
    );
}

#[test]
fn chinese_and_loosely_typed_words_are_understood() {
    let book = load_folder(&[
        (
            "contracts.csv",
            "合同编号,账号,开始日期,结束日期,阶梯口径,阶梯方式,结算周期,返点基数,发票要求,返点方式,provider\n\
             C1,A1,2025-01-01,2025-12-31,合同年度,累进,季度,净额,专票,现金,ALIYUN\n\
             C2,A2,2025-01-01,2025-12-31, Contract Year ,ＭＡＲＧＩＮＡＬ, quarterly ,net,vat special,cash,aliyun\n",
        ),
        ("tiers.csv", TIERS),
        ("schedule.csv", "contract_id,installment,trigger,portion\nC1,1,结算,ＲＥＳＴ\n"),
    ])
    .unwrap();
    let [first, second] = &book.contracts[..] else {
        panic!("two contracts")
    };
    assert_eq!(first.provider, "aliyun");
    assert_eq!(first.ruleset, "aliyun");
    for (field, one, other) in [
        (
            "basis",
            format!("{:?}", first.tier_basis),
            format!("{:?}", second.tier_basis),
        ),
        (
            "mode",
            format!("{:?}", first.tier_mode),
            format!("{:?}", second.tier_mode),
        ),
        (
            "settlement",
            format!("{:?}", first.settlement),
            format!("{:?}", second.settlement),
        ),
        (
            "invoice",
            format!("{:?}", first.invoice),
            format!("{:?}", second.invoice),
        ),
    ] {
        assert_eq!(one, other, "{field}");
    }
    assert_eq!(format!("{:?}", first.settlement), "Quarterly");
    assert_eq!(format!("{:?}", first.tier_mode), "Marginal");
}

#[test]
fn a_typo_of_a_provider_or_ruleset_is_an_error_and_another_word_is_generic() {
    let errors = load_folder(&[
        (
            "contracts.csv",
            &CONTRACTS
                .replace("settlement\n", "settlement,provider,ruleset\n")
                .replace("monthly\nC2", "monthly,alyun,\nC2")
                .replace("monthly\n", "monthly,,tencnet\n"),
        ),
        ("tiers.csv", TIERS),
    ])
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(
        messages[0].contains("contracts.csv:2:provider: expected a provider of the rulesets"),
        "{}",
        messages[0]
    );
    assert!(
        messages[0].ends_with("found `alyun`; did you mean `aliyun`?"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].ends_with("found `tencnet`; did you mean `tencent`?"),
        "{}",
        messages[1]
    );
    let book = load_folder(&[
        (
            "contracts.csv",
            &CONTRACTS
                .replace("settlement\n", "settlement,provider\n")
                .replace("monthly\n", "monthly,gcp\n"),
        ),
        ("tiers.csv", TIERS),
    ])
    .unwrap();
    assert_eq!(book.contracts[0].ruleset, "generic");
}

/// A workbook of the sheets given as rows of text, with `edit` run on the `contracts`
/// sheet after its cells are written.
fn load_xlsx(
    sheets: &[(&str, &str)],
    edit: impl Fn(&mut rust_xlsxwriter::Worksheet),
) -> Result<ContractBook, ContractErrors> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("book.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, text) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (row, line) in text.lines().enumerate() {
            for (column, value) in line.split(',').enumerate() {
                if !value.is_empty() {
                    sheet
                        .write_string(row as u32, column as u16, value)
                        .unwrap();
                }
            }
        }
        if *name == "contracts" {
            edit(sheet);
        }
    }
    workbook.save(&path).unwrap();
    load(&path, &Rulesets::load(None).unwrap(), &Limits::DEFAULT)
}

#[test]
fn a_formula_without_a_value_is_one_error_naming_its_cell() {
    // tier_mode (F) holds a formula a script wrote: one error, not also "expected one of
    // retroactive, marginal, found (empty)"; a formula in a column of notes stops nothing.
    let contracts = "contract_id,accounts,start,end,tier_basis,tier_mode,settlement,notes\n\
         C1,A1,2025-01-01,2025-12-31,period,retroactive,monthly\n";
    let errors = load_xlsx(
        &[
            ("contracts", contracts),
            ("tiers", "contract_id,from,to,rate\nC1,0,,20%"),
        ],
        |sheet| {
            sheet.write_formula(1, 5, "=\"retro\"&\"active\"").unwrap();
            sheet.write_formula(1, 7, "=1+1").unwrap();
        },
    )
    .unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].ends_with(
            "book.xlsx:contracts:2:tier_mode (cell F2): the cell holds the formula `=\"retro\"&\"active\"` but no computed value; open and save the workbook in Excel or LibreOffice so it is calculated, or type the value"
        ),
        "{}",
        messages[0]
    );
    assert!(
        load_xlsx(
            &[
                ("contracts", contracts),
                ("tiers", "contract_id,from,to,rate\nC1,0,,20%")
            ],
            |sheet| {
                sheet.write_formula(1, 7, "=1+1").unwrap();
            }
        )
        .is_ok()
    );
}

#[test]
fn a_merged_due_days_is_read_for_every_row_it_covers() {
    let contracts = "contract_id,accounts,start,end,tier_basis,tier_mode,settlement,due_days\n\
         C1,A1,2025-01-01,2025-12-31,period,retroactive,monthly,45\n\
         C2,A2,2025-01-01,2025-12-31,period,retroactive,monthly\n";
    let book = load_xlsx(&[("contracts", contracts), ("tiers", TIERS)], |sheet| {
        sheet
            .merge_range(1, 7, 2, 7, "45", &rust_xlsxwriter::Format::new())
            .unwrap();
    })
    .unwrap();
    let due: Vec<i64> = book
        .contracts
        .iter()
        .map(|contract| contract.due_days)
        .collect();
    assert_eq!(due, [45, 45]);
}

#[test]
fn a_tier_row_naming_a_contract_in_lower_case_is_one_error_not_also_a_broken_table() {
    let contracts = "contract_id,accounts,start,end,tier_basis,tier_mode,settlement\n\
         CX-1,A1,2025-01-01,2025-12-31,period,retroactive,monthly\n";
    let tiers = "contract_id,from,to,rate\ncx-1,0,1000,10%\nCX-1,1000,,20%\n";
    let errors = load_folder(&[("contracts.csv", contracts), ("tiers.csv", tiers)]).unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].ends_with(
            "tiers.csv:2:contract_id: contract `cx-1` is not in the `contracts` sheet; did you mean `CX-1`?"
        ),
        "{}",
        messages[0]
    );
}

#[test]
fn accounts_split_on_the_enumeration_comma_and_a_daily_interest_of_five_percent_is_refused() {
    let contracts = "contract_id,accounts,start,end,tier_basis,tier_mode,settlement,late_interest\n\
         C1,A1、A2,2025-01-01,2025-12-31,period,retroactive,monthly,1%\n\
         C2,A3,2025-01-01,2025-12-31,period,retroactive,monthly,0.0101\n";
    let errors = load_folder(&[("contracts.csv", contracts), ("tiers.csv", TIERS)]).unwrap_err();
    let messages = listed(&errors);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].contains(
            "contracts.csv:3:late_interest: expected a daily late-payment rate of at most 1%"
        ),
        "{}",
        messages[0]
    );
    assert!(messages[0].contains("`0.0101%`"), "{}", messages[0]);
    let fixed = contracts.replace("0.0101", "0.0101%");
    let book = load_folder(&[("contracts.csv", &fixed), ("tiers.csv", TIERS)]).unwrap();
    assert_eq!(book.contracts[0].accounts, ["A1", "A2"]);
    assert_eq!(
        book.contracts[0].late_interest,
        rust_decimal::Decimal::new(1, 2)
    );
}
