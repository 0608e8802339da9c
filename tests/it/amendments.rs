//! Contract amendments (the `amendments` / `变更` sheet): every period computed under the
//! terms in force, the trail naming the amendment in every report, and a contradictory
//! or impossible amendment stopping the run with exit 2 and its cell.

use crate::common::{
    Book, Fixture, Sheet, Val, billing_csv, contract, installment, only, simple_payouts,
};
use std::path::{Path, PathBuf};

/// Contract C1 for 2025, settled quarterly on contract-year volume, retroactive tiers
/// 10% below 1,000,000 and 12% from it.
fn book() -> Book {
    Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly")
                .set("tier_basis", "contract_year"),
        )
        .tier("C1", "0", "1000000", "10%")
        .tier("C1", "1000000", "", "12%")
}

/// The book as a workbook written with rust_xlsxwriter, with an `amendment` column on
/// `tiers` (`amended_tiers`: contract, from, to, rate, amendment) and an `amendments`
/// sheet under `sheet_name` with `header` and `rows`.
fn write(
    dir: &Path,
    book: &Book,
    amended_tiers: &[[&str; 5]],
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<&str>],
) -> PathBuf {
    use rust_xlsxwriter::Workbook;
    let mut sheets: Vec<(String, Sheet)> = book
        .sheets()
        .into_iter()
        .map(|(name, sheet)| (name.to_string(), sheet))
        .collect();
    for (name, sheet) in &mut sheets {
        if name == "tiers" {
            sheet.header.push("amendment".into());
            for row in &mut sheet.rows {
                row.push(Val::from(""));
            }
            for row in amended_tiers {
                sheet
                    .rows
                    .push(row.iter().map(|cell| Val::from(*cell)).collect());
            }
        }
    }
    sheets.push((
        sheet_name.to_string(),
        Sheet {
            header: header.iter().map(|name| name.to_string()).collect(),
            rows: rows
                .iter()
                .map(|row| row.iter().map(|cell| Val::from(*cell)).collect())
                .collect(),
        },
    ));
    let path = dir.join("contracts.xlsx");
    let mut workbook = Workbook::new();
    for (name, sheet) in &sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name).unwrap();
        for (column, header) in sheet.header.iter().enumerate() {
            worksheet.write_string(0, column as u16, header).unwrap();
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            for (column, value) in row.iter().enumerate() {
                let text = value.csv_text();
                if !text.is_empty() {
                    worksheet
                        .write_string(index as u32 + 1, column as u16, &text)
                        .unwrap();
                }
            }
        }
    }
    workbook.save(&path).unwrap();
    path
}

const HEADER: [&str; 6] = [
    "contract_id",
    "amendment",
    "effective_from",
    "change",
    "value",
    "retroactive",
];

/// A-1's new table: 12% below 1,000,000, 15% from it.
const A1_TIERS: [[&str; 5]; 2] = [
    ["C1", "0", "1000000", "12%", "A-1"],
    ["C1", "1000000", "", "15%", "A-1"],
];

fn quarterly_bill(fixture: &Fixture) -> PathBuf {
    fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "300000.00", "CNY"),
            ("A1", "2025-04", "ECS", "300000.00", "CNY"),
            ("A1", "2025-07", "ECS", "300000.00", "CNY"),
            ("A1", "2025-10", "ECS", "300000.00", "CNY"),
        ]),
    )
}

fn explain(
    fixture: &Fixture,
    contracts: &Path,
    billing: &Path,
    payouts: &Path,
    lang: &str,
) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args([
            "explain",
            "--contract",
            "C1",
            "--period",
            "2025-Q3",
            "--lang",
            lang,
        ])
        .arg("--contracts")
        .arg(contracts)
        .arg("--billing")
        .arg(billing)
        .arg("--payouts")
        .arg(payouts)
        .args(["--as-of", "2026-06-30"])
        .current_dir(fixture.dir.path())
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The worked example of docs/ARITHMETIC.md ("Amendments"), end to end.
#[test]
fn every_period_is_computed_under_the_terms_in_force_and_the_trail_names_the_amendment() {
    let fixture = Fixture::new();
    for (retroactive, expected) in [
        ("no", ["30000.00", "30000.00", "36000.00", "72000.00"]),
        (
            "contract_year",
            ["30000.00", "30000.00", "48000.00", "72000.00"],
        ),
    ] {
        let contracts = write(
            fixture.dir.path(),
            &book(),
            &A1_TIERS,
            "amendments",
            &HEADER,
            &[vec!["C1", "A-1", "2025-07-01", "tiers", "", retroactive]],
        );
        let billing = quarterly_bill(&fixture);
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
        run.expect_status(1);
        for (start, amount) in ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
            .iter()
            .zip(expected)
        {
            assert_eq!(
                installment(&run, "C1", start, 1)["expected"],
                amount,
                "{retroactive} {start}"
            );
        }
        let report = run.json();
        let periods = report["periods"].as_array().unwrap();
        let q3 = periods
            .iter()
            .find(|period| period["key"] == "C1/2025-07-01")
            .unwrap();
        assert_eq!(q3["computation"]["amendment"]["id"], "A-1");
        assert_eq!(
            q3["computation"]["amendment"]["retroactive"],
            retroactive == "contract_year"
        );
        let q2 = periods
            .iter()
            .find(|period| period["key"] == "C1/2025-04-01")
            .unwrap();
        assert!(q2["computation"].get("amendment").is_none());
        let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
        assert!(
            evidence.contains("**Terms in force:** amendment A-1"),
            "{evidence}"
        );
        assert!(
            evidence.contains("| amendments | A-1: new tier table, effective 2025-07-01"),
            "{evidence}"
        );
        let html = String::from_utf8(run.read("report.html")).unwrap();
        assert!(html.contains("A-1"));
        let english = explain(&fixture, &contracts, &billing, &payouts, "en");
        assert!(
            english.contains("**Terms in force:** amendment A-1"),
            "{english}"
        );
        let chinese = explain(&fixture, &contracts, &billing, &payouts, "zh");
        assert!(chinese.contains("**适用条款：**变更 A-1"), "{chinese}");
    }
}

/// The Chinese sheet and header names, a term extended by an amendment, and a tier
/// table from a period's first day.
#[test]
fn chinese_headers_and_a_term_extended_to_a_new_end() {
    let fixture = Fixture::new();
    let contracts = write(
        fixture.dir.path(),
        &book(),
        &[],
        "变更",
        &[
            "合同编号",
            "变更编号",
            "生效日期",
            "变更内容",
            "新值",
            "追溯",
        ],
        &[vec![
            "C1",
            "补充协议1",
            "2025-11-01",
            "延期",
            "2026-03-31",
            "不追溯",
        ]],
    );
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-10", "ECS", "100000.00", "CNY"),
            ("A1", "2026-02", "ECS", "100000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-12-31", &[]);
    run.expect_status(1);
    // 2026-02 is in the extended term: a second contract year from 2026-01-01.
    assert_eq!(
        installment(&run, "C1", "2026-01-01", 1)["expected"],
        "10000.00"
    );
    let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
    assert!(
        evidence.contains("| amendments | 补充协议1: term ends 2026-03-31"),
        "{evidence}"
    );
}

/// A bad case: the amended `tiers` rows, the `amendments` rows, and what stderr must say.
type Case = (
    Vec<[&'static str; 5]>,
    Vec<Vec<&'static str>>,
    Vec<&'static str>,
);

/// Each bad amendment stops the run with exit 2 naming file:sheet:row:column and what
/// was expected.
#[test]
fn contradictory_or_impossible_amendments_stop_the_run_with_their_cell() {
    let cases: Vec<Case> = vec![
        (
            A1_TIERS.to_vec(),
            vec![vec!["C1", "A-1", "2024-12-01", "tiers", "", ""]],
            vec![
                "contracts.xlsx:amendments:2:effective_from",
                "before contract `C1` starts (2025-01-01)",
            ],
        ),
        (
            A1_TIERS.to_vec(),
            vec![
                vec!["C1", "A-1", "2025-07-01", "tiers", "", ""],
                vec!["C1", "A-2", "2025-07-01", "tiers", "", ""],
            ],
            vec![
                "contracts.xlsx:amendments:3:effective_from",
                "amendment `A-2` contradicts amendment `A-1`",
            ],
        ),
        (
            A1_TIERS.to_vec(),
            vec![vec!["C1", "A-1", "2025-08-15", "tiers", "", "no"]],
            vec![
                "contracts.xlsx:amendments:2:effective_from",
                "inside the settlement period 2025-07-01 to 2025-09-30",
                "expected 2025-07-01 or 2025-10-01, or retroactive `contract_year`",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "tiers", "", ""]],
            vec![
                "contracts.xlsx:amendments:2:change",
                "no `tiers` row carries it",
            ],
        ),
        (
            A1_TIERS.to_vec(),
            vec![vec!["C9", "A-1", "2025-07-01", "tiers", "", ""]],
            vec![
                "contracts.xlsx:amendments:2:contract_id",
                "contract `C9` is not in the `contracts` sheet",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "coefficient", "ECS", ""]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "expected a product and its new coefficient such as `RDS=0.5`, found `ECS`",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "coefficient", "ECS=-1", ""]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "expected a coefficient of 0 or more",
            ],
        ),
        (
            vec![],
            vec![vec![
                "C1",
                "A-1",
                "2025-07-01",
                "coefficient",
                "GPU-X=0.5",
                "",
            ]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "found `GPU-X`; a coefficient for a product no line is known by",
            ],
        ),
        (
            vec![],
            vec![vec![
                "C1",
                "A-1",
                "2025-08-15",
                "coefficient",
                "ECS=0.5",
                "",
            ]],
            vec![
                "contracts.xlsx:amendments:2:effective_from",
                "brings in a new coefficient of `ecs` on 2025-08-15, inside the settlement period 2025-07-01 to 2025-09-30",
            ],
        ),
        (
            vec![],
            vec![vec![
                "C1",
                "A-1",
                "2025-07-01",
                "coefficient",
                "ECS=0.5",
                "contract_year",
            ]],
            vec![
                "contracts.xlsx:amendments:2:retroactive",
                "expected `no` for a `coefficient` change",
            ],
        ),
        (
            vec![],
            vec![
                vec!["C1", "A-1", "2025-07-01", "coefficient", "ECS=0.5", ""],
                vec!["C1", "A-2", "2025-07-01", "系数", "ecs 0.8", ""],
            ],
            vec![
                "contracts.xlsx:amendments:3:effective_from",
                "amendment `A-2` contradicts amendment `A-1`",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "account_add", "A1", ""]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "account `A1` already belongs to contract `C1` on 2025-07-01: it is listed in the contract's `accounts` cell",
            ],
        ),
        (
            vec![],
            vec![
                vec!["C1", "A-1", "2025-04-01", "account_remove", "A1", ""],
                vec!["C1", "A-2", "2025-07-01", "account_remove", "A1", ""],
            ],
            vec![
                "contracts.xlsx:amendments:3:value",
                "account `A1` does not belong to contract `C1` on 2025-07-01: amendment `A-1` (",
                "contracts.xlsx:amendments:2) removed it on 2025-04-01",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "account_remove", "Z9", ""]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "account `Z9` does not belong to contract `C1`",
            ],
        ),
        (
            vec![],
            vec![vec![
                "C1",
                "A-1",
                "2025-07-01",
                "account_add",
                "B1",
                "contract_year",
            ]],
            vec![
                "contracts.xlsx:amendments:2:retroactive",
                "an account counts from its effective date; give the earlier date instead",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "account_move", "A1", ""]],
            vec![
                "contracts.xlsx:amendments:2:change",
                "a move is two rows on the same date",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "end", "2025-06-30", ""]],
            vec![
                "contracts.xlsx:amendments:2:value",
                "expected a new end on or after the amendment's effective date 2025-07-01",
            ],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2026-02-01", "end", "2026-06-30", ""]],
            vec!["after contract `C1` ended (2025-12-31)"],
        ),
        (
            vec![],
            vec![vec!["C1", "A-1", "2025-07-01", "tierz", "", ""]],
            vec!["contracts.xlsx:amendments:2:change", "did you mean `tiers`"],
        ),
        (
            vec![["C1", "0", "", "12%", "A-7"]],
            vec![],
            vec![
                "contracts.xlsx:tiers:4:amendment",
                "amendment `A-7` of contract `C1` is not in the `amendments` sheet",
            ],
        ),
    ];
    for (tiers, rows, parts) in cases {
        let fixture = Fixture::new();
        let contracts = write(
            fixture.dir.path(),
            &book(),
            &tiers,
            "amendments",
            &HEADER,
            &rows,
        );
        let billing = quarterly_bill(&fixture);
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
        assert_eq!(run.status, Some(2), "{parts:?}\n{}", run.stderr);
        for part in parts {
            assert!(
                run.stderr.contains(part),
                "stderr lacks `{part}`:\n{}",
                run.stderr
            );
        }
    }
}

/// A folder of CSVs takes `amendments.csv` like the workbook's sheet.
#[test]
fn a_folder_of_csvs_takes_amendments_csv() {
    let fixture = Fixture::new();
    let folder = book().write_csv_folder(fixture.dir.path(), "contracts");
    let tiers = std::fs::read_to_string(folder.join("tiers.csv")).unwrap();
    let mut lines: Vec<String> = tiers.lines().map(str::to_string).collect();
    lines[0].push_str(",amendment");
    for line in lines.iter_mut().skip(1) {
        line.push(',');
    }
    for row in A1_TIERS {
        lines.push(row.join(","));
    }
    std::fs::write(folder.join("tiers.csv"), lines.join("\n") + "\n").unwrap();
    std::fs::write(
        folder.join("amendments.csv"),
        "contract_id,amendment,effective_from,change,value,retroactive\nC1,A-1,2025-08-15,tiers,,contract_year\n",
    )
    .unwrap();
    let billing = quarterly_bill(&fixture);
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&folder, &billing, &payouts, "2026-06-30", &[]);
    run.expect_status(1);
    assert_eq!(
        installment(&run, "C1", "2025-07-01", 1)["expected"],
        "48000.00"
    );
    // Not retroactive, the same day inside Q3 stops the run at its cell.
    std::fs::write(
        folder.join("amendments.csv"),
        "contract_id,amendment,effective_from,change,value,retroactive\nC1,A-1,2025-08-15,tiers,,no\n",
    )
    .unwrap();
    let run = fixture.audit(&folder, &billing, &payouts, "2026-06-30", &[]);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("amendments.csv:2:effective_from"),
        "{}",
        run.stderr
    );
}

/// A coefficient amendment from 1 July (docs/ARITHMETIC.md, "Amendments", second worked
/// example): ECS counts half from Q3 on, so the year never reaches the 12% bracket and
/// exactly Q3 and Q4 change; the trail of Q3 names the amendment.
#[test]
fn a_coefficient_changed_mid_year_changes_exactly_the_later_installments() {
    let fixture = Fixture::new();
    let billing = quarterly_bill(&fixture);
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    for (rows, expected) in [
        (vec![], ["30000.00", "30000.00", "30000.00", "54000.00"]),
        (
            vec![vec![
                "C1",
                "A-2",
                "2025-07-01",
                "coefficient",
                "ECS=0.5",
                "",
            ]],
            ["30000.00", "30000.00", "15000.00", "15000.00"],
        ),
    ] {
        let contracts = write(
            fixture.dir.path(),
            &book(),
            &[],
            "amendments",
            &HEADER,
            &rows,
        );
        let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
        run.expect_status(1);
        for (start, amount) in ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
            .iter()
            .zip(expected)
        {
            assert_eq!(
                installment(&run, "C1", start, 1)["expected"],
                amount,
                "{rows:?} {start}"
            );
        }
        if rows.is_empty() {
            continue;
        }
        let report = run.json();
        let periods = report["periods"].as_array().unwrap();
        let period = |key: &str| {
            periods
                .iter()
                .find(|period| period["key"] == key)
                .unwrap()
                .clone()
        };
        let q3 = period("C1/2025-07-01");
        let named = &q3["computation"]["amended_terms"][0];
        assert_eq!(named["id"], "A-2");
        assert_eq!(named["change"], "coefficient");
        assert_eq!(named["product"], "ecs");
        assert_eq!(named["coefficient"], "0.5");
        assert_eq!(
            q3["computation"]["weighted_base_by_product"][0]["coefficient"], "0.5",
            "{q3:#}"
        );
        assert!(
            period("C1/2025-04-01")["computation"]
                .get("amended_terms")
                .is_none()
        );
        let evidence = String::from_utf8(run.read("evidence/C1.md")).unwrap();
        assert!(
            evidence.contains("A-2: coefficient of ecs becomes 0.5, effective 2025-07-01"),
            "{evidence}"
        );
        let english = explain(&fixture, &contracts, &billing, &payouts, "en");
        for part in [
            "**Terms in force:** amendment A-2 (",
            "contracts.xlsx:amendments:2), effective 2025-07-01: coefficient of ecs becomes 0.5.",
        ] {
            assert!(english.contains(part), "{english}");
        }
        let chinese = explain(&fixture, &contracts, &billing, &payouts, "zh");
        for part in [
            "**适用条款：**变更 A-2（",
            "contracts.xlsx:amendments:2），2025-07-01 生效：产品 ecs 的系数改为 0.5。",
        ] {
            assert!(chinese.contains(part), "{chinese}");
        }
    }
}

/// Account A1 moves from C1 to C2 on 1 July: its lines before then are C1's, from then
/// C2's; removed from C1 on 1 October with no contract taking it, its Q4 line is
/// uncovered spend, as any account's outside every contract.
#[test]
fn an_account_moved_between_two_contracts_is_attributed_to_each_by_date() {
    let fixture = Fixture::new();
    let book = book()
        .contract(
            contract("C2")
                .set("accounts", "B1")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly")
                .set("tier_basis", "contract_year"),
        )
        .tier("C2", "0", "1000000", "10%")
        .tier("C2", "1000000", "", "12%");
    let billing = quarterly_bill(&fixture);
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let contracts = write(
        fixture.dir.path(),
        &book,
        &[],
        "amendments",
        &HEADER,
        &[
            vec!["C1", "M-1", "2025-07-01", "account_remove", "A1", ""],
            vec!["C2", "M-1", "2025-07-01", "增加账号", "A1", "no"],
        ],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
    run.expect_status(1);
    for (id, start, amount) in [
        ("C1", "2025-01-01", "30000.00"),
        ("C1", "2025-04-01", "30000.00"),
        ("C1", "2025-07-01", "0.00"),
        ("C1", "2025-10-01", "0.00"),
        ("C2", "2025-01-01", "0.00"),
        ("C2", "2025-04-01", "0.00"),
        ("C2", "2025-07-01", "30000.00"),
        ("C2", "2025-10-01", "30000.00"),
    ] {
        assert_eq!(
            installment(&run, id, start, 1)["expected"],
            amount,
            "{id} {start}"
        );
    }
    assert!(run.of_type("uncovered_billing").is_empty());
    assert!(run.of_type("overlapping_contracts").is_empty());
    let report = run.json();
    let q3 = report["periods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|period| period["key"] == "C2/2025-07-01")
        .unwrap();
    assert_eq!(
        q3["computation"]["amended_terms"][0]["change"],
        "account_add"
    );
    assert_eq!(q3["computation"]["amended_terms"][0]["account"], "A1");

    // Removed on 1 October and taken by no contract: the Q4 line is uncovered.
    let contracts = write(
        fixture.dir.path(),
        &book,
        &[],
        "amendments",
        &HEADER,
        &[vec!["C1", "M-2", "2025-10-01", "account_remove", "A1", ""]],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
    assert_eq!(installment(&run, "C1", "2025-10-01", 1)["expected"], "0.00");
    assert_eq!(
        installment(&run, "C1", "2025-07-01", 1)["expected"],
        "30000.00"
    );
    let uncovered = only(&run, "uncovered_billing");
    assert_eq!(uncovered["amount"], "300000.00");
    assert_eq!(uncovered["evidence"]["facts"]["billing_month"], "2025-10");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["attributed"]["amount"], "900000.00");
    assert_eq!(control["balanced"], true);
}

/// The aggregate route routes by the same dated membership and coefficients: the plan's
/// coverage gives A1 to C1 before 1 July and to C2 from then, and the audit from the
/// reference aggregate has the line route's installments and findings.
#[test]
fn the_aggregate_route_follows_a_move_and_a_coefficient_change() {
    let fixture = Fixture::new();
    let book = book()
        .contract(
            contract("C2")
                .set("accounts", "B1")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly")
                .set("tier_basis", "contract_year"),
        )
        .tier("C2", "0", "1000000", "10%")
        .tier("C2", "1000000", "", "12%");
    let contracts = write(
        fixture.dir.path(),
        &book,
        &[],
        "amendments",
        &HEADER,
        &[
            vec!["C1", "M-1", "2025-07-01", "account_remove", "A1", ""],
            vec!["C2", "M-1", "2025-07-01", "account_add", "A1", ""],
            vec!["C2", "K-1", "2025-10-01", "coefficient", "ECS=0.5", ""],
        ],
    );
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-06", "ECS", "300000.00", "CNY"),
            ("A1", "2025-07", "ECS", "300000.00", "CNY"),
            ("A1", "2025-10", "ECS", "300000.00", "CNY"),
            ("B1", "2025-10", "ECS", "100000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let line = fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[]);
    line.expect_status(1);
    assert_eq!(
        installment(&line, "C1", "2025-04-01", 1)["expected"],
        "30000.00"
    );
    assert_eq!(
        installment(&line, "C2", "2025-07-01", 1)["expected"],
        "30000.00"
    );
    // Q4: (300,000 + 100,000) × 0.5 = 200,000 at 10%.
    assert_eq!(
        installment(&line, "C2", "2025-10-01", 1)["expected"],
        "20000.00"
    );
    let plan = fixture.run_into("plan", &[&"plan", &"--contracts", &contracts]);
    assert_eq!(plan.status, Some(0), "{}", plan.stderr);
    let coverage = std::fs::read_to_string(plan.out.join("coverage.csv")).unwrap();
    assert!(coverage.contains("C1,A1,"), "{coverage}");
    assert!(coverage.contains("2025-01-01,2025-07-01"), "{coverage}");
    assert!(coverage.contains("2025-07-01,2026-01-01"), "{coverage}");
    let aggregate = fixture.path("aggregate");
    crate::aggregate::reference::build(&crate::aggregate::reference::Args {
        plan: plan.out.clone(),
        billing: vec![billing.clone()],
        rulesets: None,
        out: aggregate.clone(),
        parquet: false,
    });
    let args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
        &"run",
        &"--quiet",
        &"--contracts",
        &contracts,
        &"--payouts",
        &payouts,
        &"--as-of",
        &"2026-06-30",
        &"--aggregate",
        &aggregate,
    ];
    let run = fixture.run_into("audit", &args);
    assert_eq!(run.status, line.status, "{}", run.stderr);
    crate::aggregate::assert_same_audit(&line.json(), &run.json());
}
