//! Why a row could not be read, in Chinese: what its cell should have held (by the kind
//! of value) and what it held. English keeps the reader's own text (`expected …, found
//! …`), which findings.json and the logs show too. A reason only said in English (a
//! rare, long-tail message) stays English, after a Chinese lead-in.

use crate::domain::expected::{EMPTY, Kind, Refusal, RowReason};

/// What a column accepts, in Chinese; `None` for a kind only its English text says.
pub fn expected_zh(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Amount => "金额，如 1,234.50 或 (1,234.50)",
        Kind::Number => "数字，如 1.2 或 0",
        Kind::WholeNumber => "整数，如 30",
        Kind::Date => "日期，如 2025-03-31、2025/3/31、2025年3月31日 或 Excel 日期",
        Kind::Month => "月份，如 2025-03、202503 或 2025年3月",
        Kind::Period => "结算期，如 2025-03（月）、2025-Q1（季度）、2025（年）或 2025-03-31（日）",
        Kind::RangeOrder => "结束时间不早于开始时间的时间范围",
        Kind::Rate => "比例，如 22% 或 0.22",
        Kind::RateOrPoints => "比例，如 22%、0.22 或 10pt（点数）",
        Kind::NonNegativeRate => "不为负数的比例，如 22% 或 0.22",
        Kind::Portion => "分期比例，如 40%、0.4、10pt（点数）或 剩余",
        Kind::PortionRange => "大于 0% 且不超过 100% 的比例，如 40%",
        Kind::Points => "正的点数，如 10pt",
        Kind::Currency => "币种代码，如 CNY 或 USD",
        Kind::AccountId => "账单账号",
        Kind::Product => "产品名称",
        Kind::ChargeDate => "消费日期（该导出没有账单月份列，月份取自消费日期）",
        Kind::PayoutId => "付款流水号",
        Kind::ContractId => "合同编号",
        Kind::Installment => "不小于 1 的期次",
        Kind::Other => return None,
    })
}

/// A row's reason in Chinese: `应为金额，如 1,234.50 或 (1,234.50)，实际为 `12,34.5x``.
pub fn reason_zh(reason: &RowReason) -> String {
    match reason {
        RowReason::Cell { expected, found } => {
            let found = if found == EMPTY {
                "空白"
            } else {
                found.as_str()
            };
            match expected_zh(expected.kind) {
                Some(what) => format!("应为{what}；实际为 {found}"),
                None => format!("应为 {expected}；实际为 {found}"),
            }
        }
        RowReason::NoSheet {
            sheet,
            alias,
            folder,
            others,
        } => {
            let what = if *sheet == "contracts" {
                "合同表"
            } else {
                "阶梯表"
            };
            let named = match alias {
                Some(alias) => format!("`{sheet}`（或 `{alias}`）"),
                None => format!("`{sheet}` "),
            };
            let wanted = if *folder {
                format!("名为 {named}的 CSV 文件")
            } else {
                format!("名为 {named}的工作表")
            };
            let listed: Vec<String> = others.iter().map(|other| format!("`{other}`")).collect();
            let there = match (listed.is_empty(), folder) {
                (true, _) => String::new(),
                (false, true) => format!("；该文件夹中只有 {}", listed.join("、")),
                (false, false) => format!("；该工作簿只有工作表 {}", listed.join("、")),
            };
            format!("找不到{what}：应有{wanted}{there}")
        }
        RowReason::Text(text) => format!("原文：{text}"),
    }
}

/// Why a command could not run, in Chinese (English keeps each error's own sentence).
pub fn refusal_zh(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Required { missing } => {
            let options: Vec<&str> = missing.iter().map(|(option, _)| *option).collect();
            let keys: Vec<String> = missing.iter().map(|(_, key)| format!("`{key}`")).collect();
            format!(
                "{}：必须提供（在命令行中给出，或在 --config 文件中写 {}）",
                options.join("、"),
                keys.join("、")
            )
        }
        Refusal::Missing { option, path } => format!("{option}：`{path}` 不存在"),
        Refusal::Empty { option, path } => format!(
            "{option}：`{path}` 中没有 .csv、.tsv、.zip、.gz、.tar、.xlsx、.xls、.xlsb 或 .ods 文件"
        ),
        Refusal::AsOf { found } => format!(
            "--as-of：应为日期（如 2026-06-30），或 `today`、`yesterday`、`last-month-end`；实际为 `{found}`"
        ),
        Refusal::FailOnNewWithoutBaseline => {
            "--fail-on-new：需要 --baseline（或 --config 文件中的 `baseline`）".to_string()
        }
        Refusal::Threads => "--threads：应为 1 或更大的数".to_string(),
        Refusal::Contracts(problems) => {
            let mut text = format!("合同工作簿无法使用（{} 个问题）：", problems.len());
            for (place, reason) in problems {
                text.push_str(&format!("\n  {place}：{}", reason_zh(reason)));
            }
            text
        }
        Refusal::Tables { ledgers, problems } => {
            let what = if *ledgers {
                "付款台账"
            } else {
                "账单导出"
            };
            let mut text = format!(
                "{what}无法使用（{} 个问题：表头缺少必需的列，或无法确定是哪种格式；以下为原文）：",
                problems.len()
            );
            for (place, message) in problems {
                text.push_str(&format!("\n  {place}：{message}"));
            }
            text
        }
        Refusal::Locked {
            lock,
            folder,
            holder,
        } => format!(
            "`{lock}` 正被另一次 rebate-audit 运行持有（{holder}），它正在写入 `{folder}`；请等它结束（无人持有的锁会由下一次运行接管）"
        ),
        Refusal::UnknownContract { id, known } => {
            format!("--contract {id}：没有这个编号的合同；合同有：{known}")
        }
        Refusal::Period { found } => {
            format!("--period：应为月份、季度或年份，如 2025-06、2024-Q4 或 2025；实际为 `{found}`")
        }
        Refusal::NoPeriod {
            id,
            period,
            term: (first, last),
        } => format!("--period {period}：合同 {id}（{first} 至 {last}）没有与之重叠的结算期"),
        Refusal::Other(english) => format!("无法运行（原文）：{english}"),
    }
}
