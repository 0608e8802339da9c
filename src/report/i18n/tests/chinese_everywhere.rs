//! Counts, the run line, the summary's totals and the reasons and refusals in both
//! languages.

use crate::domain::expected::{EMPTY, Expected, Kind, Refusal, RowReason};
use crate::domain::lang::Lang;
use crate::report::i18n::lines::{self, Against, Headline, RunFacts, Severities};
use crate::report::i18n::reasons::{reason_zh, refusal_zh};
use crate::report::i18n::{Word, count, words};

#[test]
fn english_counts_are_singular_for_one_only() {
    assert_eq!(count(0, "contract", "contracts"), "0 contracts");
    assert_eq!(count(1, "contract", "contracts"), "1 contract");
    assert_eq!(count(2, "contract", "contracts"), "2 contracts");
    let severities = |findings, errors, warnings| Severities {
        findings,
        errors,
        warnings,
        info: 0,
    };
    assert_eq!(
        lines::findings_by_severity(Lang::En, severities(1, 1, 0)),
        " 1 finding: 1 error, 0 warnings, 0 info."
    );
    assert_eq!(
        lines::findings_by_severity(Lang::En, severities(2, 0, 2)),
        " 2 findings: 0 errors, 2 warnings, 0 info."
    );
    assert_eq!(
        lines::contracts_and_installments(Lang::En, 1, 0),
        "1 contract, 0 installments."
    );
    assert_eq!(
        lines::findings_by_severity(Lang::Zh, severities(2, 0, 2)),
        "发现 2 项：错误 0 项，警告 2 项，提示 0 项。"
    );
}

#[test]
fn the_run_line_in_both_languages() {
    let headline = Headline {
        currency: None,
        due_by_now: "3,600.00",
        paid: "3,400.00",
        short: "200.00",
        interest: Some("1.50"),
        not_yet_due: None,
        conditional: None,
        excess: None,
    };
    let money = [lines::run_money(Lang::En, &headline)];
    let severities = Severities {
        findings: 1,
        errors: 1,
        warnings: 0,
        info: 0,
    };
    let against = Against {
        new: 1,
        new_errors: 1,
        new_warnings: 0,
        new_info: 0,
        persisting: 0,
        resolved: 2,
    };
    assert_eq!(
        lines::run_line(
            Lang::En,
            RunFacts {
                as_of: "2025-06-30",
                money: &money,
                contracts: 1,
                installments: 1,
                severities,
                against: Some(against),
                out: "out",
            }
        ),
        "rebate-audit as of 2025-06-30: due by now 3,600.00, paid against it 3,400.00, short 200.00, late interest 1.50; 1 contract, 1 installment, 1 finding (1 error, 0 warnings, 0 info); against the baseline: 1 new (1 error), 0 persisting, 2 resolved; reports in out"
    );
    let money = [lines::run_money(Lang::Zh, &headline)];
    assert_eq!(
        lines::run_line(
            Lang::Zh,
            RunFacts {
                as_of: "2025-06-30",
                money: &money,
                contracts: 1,
                installments: 1,
                severities,
                against: None,
                out: "out",
            }
        ),
        "rebate-audit 审计基准日 2025-06-30：已到期应付 3,600.00，已付 3,400.00，少付 200.00，滞纳金 1.50；合同 1 份，分期 1 笔，发现 1 项（错误 1、警告 0、提示 0）；报告已写入 out"
    );
}

#[test]
fn words_have_both_languages() {
    assert_eq!(Word::DueByNow.of(Lang::En), "due by now");
    assert_eq!(Word::DueByNow.of(Lang::Zh), "已到期应付");
    assert_eq!(words::finding_type_code("unpaid", Lang::Zh), "未付");
    assert_eq!(words::finding_type_code("unpaid", Lang::En), "unpaid");
    assert_eq!(words::finding_type_code("no_such", Lang::Zh), "no_such");
    assert_eq!(words::trigger_code("renewal", Lang::Zh), "续约");
    assert_eq!(words::tier_mode_code("marginal", Lang::Zh), "超额累进");
    assert_eq!(words::portion_code("rest", Lang::Zh), "剩余部分");
    assert_eq!(words::portion_code("40%", Lang::Zh), "40%");
}

#[test]
fn a_cell_reason_is_worded_by_its_kind_and_english_stays_as_it_was() {
    let reason = RowReason::Cell {
        expected: Expected::new(Kind::Amount, "an amount such as 1,234.50 or (1,234.50)"),
        found: "`12,34.5x`".into(),
    };
    assert_eq!(
        reason.to_string(),
        "expected an amount such as 1,234.50 or (1,234.50), found `12,34.5x`"
    );
    assert_eq!(
        reason_zh(&reason),
        "应为金额，如 1,234.50 或 (1,234.50)；实际为 `12,34.5x`"
    );
    let empty = RowReason::Cell {
        expected: Expected::new(Kind::ContractId, "a contract id"),
        found: EMPTY.into(),
    };
    assert_eq!(reason_zh(&empty), "应为合同编号；实际为 空白");
    let other = RowReason::Text("the sum of the amount columns is too large".into());
    assert_eq!(
        reason_zh(&other),
        "原文：the sum of the amount columns is too large"
    );
    let sheet = RowReason::NoSheet {
        sheet: "tiers",
        alias: Some("阶梯"),
        folder: false,
        others: vec!["payouts".into()],
    };
    assert_eq!(
        sheet.to_string(),
        "no tier table found: expected a sheet (or CSV) named `tiers` (or `阶梯`); the workbook has the sheets `payouts`"
    );
    assert_eq!(
        reason_zh(&sheet),
        "找不到阶梯表：应有名为 `tiers`（或 `阶梯`）的工作表；该工作簿只有工作表 `payouts`"
    );
}

#[test]
fn refusals_in_chinese() {
    assert_eq!(
        refusal_zh(&Refusal::Required {
            missing: vec![("--contracts", "contracts")]
        }),
        "--contracts：必须提供（在命令行中给出，或在 --config 文件中写 `contracts`）"
    );
    assert_eq!(
        refusal_zh(&Refusal::Required {
            missing: vec![("--contracts", "contracts"), ("--billing", "billing")]
        }),
        "--contracts、--billing：必须提供（在命令行中给出，或在 --config 文件中写 `contracts`、`billing`）"
    );
    assert_eq!(
        refusal_zh(&Refusal::Missing {
            option: "--billing",
            path: "bills".into()
        }),
        "--billing：`bills` 不存在"
    );
    assert_eq!(
        refusal_zh(&Refusal::Other("cannot start 4 worker threads: x".into())),
        "无法运行（原文）：cannot start 4 worker threads: x"
    );
}

#[test]
fn explain_refusals_in_chinese() {
    let first = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let last = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    assert_eq!(
        refusal_zh(&Refusal::NoPeriod {
            id: "ALI-2025-005".into(),
            period: "2024-Q4".into(),
            term: (first, last),
        }),
        "--period 2024-Q4：合同 ALI-2025-005（2025-04-01 至 2026-03-31）没有与之重叠的结算期"
    );
}
