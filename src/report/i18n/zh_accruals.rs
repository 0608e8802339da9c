//! 中文：应计返点文件的表头与摘要中的应计一节。

use super::accruals::{AccrualSentences, COLUMN_COUNT, TRAIL_COLUMN_COUNT};

/// The Chinese table.
pub struct ChineseAccruals;

impl AccrualSentences for ChineseAccruals {
    fn columns(&self) -> [&'static str; COLUMN_COUNT] {
        [
            "行类型",
            "收款主体",
            "合同编号",
            "币种",
            "已赚取",
            "已收现金",
            "已收抵扣",
            "已收代金券",
            "已收合计",
            "应收_已到期",
            "应收_未到期",
            "待续约",
            "预收",
            "多收",
            "余额",
            "进行中结算期",
            "期初余额",
            "本期赚取",
            "本期收到",
            "本期变动",
            "基线",
            "依据",
        ]
    }

    fn trail_columns(&self) -> [&'static str; TRAIL_COLUMN_COUNT] {
        [
            "合同编号",
            "收款主体",
            "币种",
            "栏目",
            "结算期键",
            "期次",
            "流水号",
            "金额",
        ]
    }

    fn heading(&self, as_of: &str) -> String {
        format!("截至 {as_of} 的应计返点")
    }

    fn intro(&self) -> String {
        "按收款主体、按各合同币种列示（不同币种从不相加）：截至审计日已结束结算期的已赚取返点、截至审计日已收金额，以及尚未结清部分——已到期应收（已过付款期限）、未到期应收和待续约（以续约为条件）。已赚取 + 预收 + 多收 = 已收合计 + 已到期应收 + 未到期应收 + 待续约；余额 = 已赚取 − 已收合计。每份合同及每个数字背后的分期和付款见 accruals.xlsx 和 accruals.csv。".into()
    }

    fn compared(&self, baseline_as_of: &str) -> String {
        format!(
            "自截至 {baseline_as_of} 的基线运行以来的变动：期初余额 + 本期赚取 − 本期收到 = 期末余额。"
        )
    }

    fn baseline_without_accruals(&self, path: &str) -> String {
        format!(
            "警告 baseline_without_accruals：基线没有应计数据（未找到 {path}：应计功能之前的运行），因此不显示期初余额和变动。"
        )
    }

    fn none(&self) -> &'static str {
        "没有合同，也就没有应计。"
    }

    fn summary_columns(&self, movement: bool) -> Vec<&'static str> {
        let mut columns = vec![
            "收款主体",
            "币种",
            "合同数",
            "已赚取",
            "已收合计",
            "已到期应收",
            "未到期应收",
            "待续约",
            "预收",
            "多收",
            "余额",
        ];
        if movement {
            columns.extend(["期初余额", "本期变动"]);
        }
        columns
    }

    fn more(&self, count: usize) -> String {
        format!("……另有 {count} 个收款主体；全部见 accruals.xlsx 和 accruals.csv。")
    }
}
