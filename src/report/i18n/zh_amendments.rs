//! 中文：合同变更的句子（放在 `zh.rs` 旁，该文件包含本语言的其余句子）。

use crate::domain::amendment::AmendmentNote;

/// 期间计算过程中说明所用变更的一行；`rebate` 为阶梯范围返点（已格式化）。
pub(super) fn terms_in_force(note: &AmendmentNote, rebate: &str) -> String {
    if note.retroactive {
        format!(
            "**适用条款：**变更 {}（{}），{} 生效，追溯至 {} 起的合同年度：按其阶梯表计算整个阶梯范围的加权基数，R = {rebate}；对此前各期增加的部分，在 {} 当日或之后结束的第一个结算期支付。",
            note.id, note.source, note.effective_from, note.applies_from, note.effective_from
        )
    } else {
        format!(
            "**适用条款：**变更 {}（{}），{} 生效，不追溯：其阶梯表只计算 {} 起的加权基数，此前的基数仍按原阶梯表计算；R = {rebate} 为两表各自部分之和。",
            note.id, note.source, note.effective_from, note.applies_from
        )
    }
}

/// 合同变更列表的标题。
pub(super) fn amendments_heading() -> &'static str {
    "合同变更"
}

/// 合同条款中的一项变更：变更内容与生效日期。
pub(super) fn amendment_item(note: &AmendmentNote, change: &str) -> String {
    let reach = if note.retroactive {
        format!("追溯至 {} 起的合同年度", note.applies_from)
    } else {
        "不追溯".to_string()
    };
    format!(
        "{}：{change}，{} 生效，{reach}（{}）",
        note.id, note.effective_from, note.source
    )
}

/// 变更内容（文字）。
pub(super) fn change_of(terms: &crate::domain::amendment::AmendedTerms) -> String {
    use crate::domain::amendment::AmendedTerms;
    match terms {
        AmendedTerms::Tiers(_) => "新阶梯表".to_string(),
        AmendedTerms::End(end) => format!("合同期至 {end}"),
        AmendedTerms::Coefficient {
            product,
            coefficient,
        } => format!("产品 {product} 的系数改为 {coefficient}"),
        AmendedTerms::AccountAdd(account) => format!("账号 {account} 加入本合同"),
        AmendedTerms::AccountRemove(account) => format!("账号 {account} 移出本合同"),
    }
}

/// 期间计算过程中说明所用系数或账号变更的一行。
pub(super) fn amended_terms(amendment: &crate::domain::amendment::Amendment) -> String {
    format!(
        "**适用条款：**变更 {}（{}），{} 生效：{}。",
        amendment.id,
        amendment.source,
        amendment.effective_from,
        change_of(&amendment.terms)
    )
}
