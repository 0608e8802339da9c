//! The names of findings.json's keys and code values in Chinese, for the reports that
//! show the records themselves (report.html's trails, report.xlsx's columns). The JSON
//! keeps its English keys and codes; a Chinese page names each key in Chinese (the key
//! stays in the markup for machines) and shows a code beside its Chinese name,
//! `已付清（paid）`, so a reader can find it in findings.json.

use crate::domain::contract::{InvoiceKind, PayoutKind, Settlement, TierBasis, TierMode, Trigger};
use crate::domain::finding::{FindingType, Severity};
use crate::domain::installment::Status;

use super::words::{base_zh, finding_type, invoice_zh, severity, status_zh, tier_mode_zh};
use crate::domain::contract::Base;
use crate::domain::lang::Lang;

/// A findings.json key in Chinese; `None` for a key not named here (the caller shows it
/// as it is, which the Chinese scan test catches).
pub fn key_zh(key: &str) -> Option<&'static str> {
    Some(match key {
        "id" => "编号",
        "type" => "类型",
        "severity" => "严重程度",
        "change" => "变化",
        "contract_id" => "合同",
        "period_start" => "结算期开始",
        "period_end" => "结算期结束",
        "installment" => "分期",
        "installments" => "各期分期",
        "payout_id" => "付款",
        "reason" => "原因",
        "expected" => "应为",
        "paid" => "已付",
        "difference" => "差额",
        "due_on" => "到期日",
        "expires_on" => "诉讼时效届满日",
        "paid_on" => "付款日",
        "days_late" => "逾期天数",
        "interest" => "滞纳金",
        "amount" => "金额",
        "detail" => "说明",
        "evidence" => "证据",
        "location" => "输入中的位置",
        "computation" => "计算过程",
        "source_rows" => "各产品加权基数（账单行）",
        "allocations" => "分配的付款",
        "facts" => "核对的事实",
        "checks" => "逐项核对",
        "likely_causes" => "可能原因",
        "file" => "文件",
        "files" => "文件",
        "sheet" => "工作表",
        "row" => "行",
        "column" => "列",
        "formula" => "公式",
        "base" => "基数",
        "tier_basis" => "阶梯口径",
        "tier_mode" => "阶梯方式",
        "period_weighted_base" => "本期加权基数",
        "scope_start" => "阶梯范围开始",
        "scope_end" => "阶梯范围结束",
        "scope_weighted_base" => "阶梯范围加权基数",
        "bracket_rate" => "档位比例",
        "scope_rebate" => "阶梯范围返点",
        "cap" => "封顶",
        "cap_applied" => "是否封顶",
        "earned_before" => "此前已挣得",
        "earned_through" => "截至本期已挣得",
        "period_expected" => "本期应得",
        "portion" => "分期比例",
        "installment_expected" => "本期次应付",
        "due_rule" => "到期规则",
        "weighted_base_by_product" => "各产品加权基数",
        "scope_weighted_base_before" => "此前阶梯范围加权基数",
        "scope_rebate_before" => "此前阶梯范围返点",
        "bracket" => "档位",
        "bracket_slices" => "各档切片",
        "catch_up" => "追溯补差",
        "earlier_weighted_base" => "此前加权基数",
        "rate_before" => "原比例",
        "rate_after" => "新比例",
        "cap_scope_start" => "封顶范围开始",
        "cap_scope_end" => "封顶范围结束",
        "rebate_before_cap" => "封顶前返点",
        "cap_cut" => "封顶扣减",
        "grace_days" => "宽限天数",
        "clawback" => "返点追回",
        "carried_in" => "结转转入",
        "deducted" => "本期扣减",
        "payable" => "应付",
        "carried_out" => "结转转出",
        "lapsed" => "期末失效",
        "rule" => "规则",
        "period_rebate" => "本期返点",
        "trigger" => "触发条件",
        "product" => "产品",
        "coefficient" => "系数",
        "weighted_base" => "加权基数",
        "rows" => "行数",
        "row_ranges" => "行号",
        "from" => "起",
        "to" => "止",
        "rate" => "比例",
        "volume" => "档内基数",
        "rebate" => "返点",
        "excess" => "超额部分",
        "source" => "来源",
        "field" => "字段",
        "found" => "实际",
        "ok" => "通过",
        "code" => "代码",
        "expected_under_mistake" => "按此错误计算的金额",
        "explanation" => "解释",
        "status" => "状态",
        "account_id" => "账号",
        "billing_month" => "账单月份",
        "currency" => "币种",
        "net_amount" => "应付金额",
        // report.xlsx's columns beyond findings.json's keys.
        "kind" => "返点方式",
        "period" => "结算期",
        "invoice_no" => "发票号码",
        "invoice_date" => "开票日期",
        "invoice_amount" => "发票金额",
        "invoice_tax_rate" => "发票税率",
        "invoice_type" => "发票类型",
        "invoice_issuer" => "开票方税号",
        "role" => "用途",
        "format" => "格式",
        "rows_read" => "读取行数",
        "amount_read" => "读取金额",
        "rows_attributed_or_used" => "已归属或已使用行数",
        "amount_attributed_or_used" => "已归属或已使用金额",
        "rows_excluded_uncovered" => "排除行数：无合同覆盖",
        "amount_excluded_uncovered" => "排除金额：无合同覆盖",
        "rows_excluded_currency_mismatch" => "排除行数：币种不符",
        "amount_excluded_currency_mismatch" => "排除金额：币种不符",
        "rows_rejected" => "拒绝行数",
        "amount_rejected" => "拒绝金额",
        "blank_rows" => "空行数",
        "rows_above_header" => "表头上方行数",
        "totals_rows" => "合计行数",
        "totals_rows_agree" => "合计行是否相符",
        "totals_check" => "合计行核对",
        "balanced" => "是否平衡",
        "customer" => "客户",
        "agent" => "代理商",
        "due" => "已到期应付",
        "shortfall" => "少付",
        "paid_against_due" => "已付（针对已到期）",
        "not_yet_due" => "未到期",
        "conditional" => "续约后应付",
        "findings" => "发现",
        "path" => "路径",
        "sha256" => "SHA-256",
        "bytes" => "字节数",
        "encoding" => "编码",
        "formats" => "账单格式",
        "item" => "项目",
        "value" => "值",
        "note" => "备注",
        "count" => "数量",
        "amendment" => "合同变更",
        "effective_from" => "生效日期",
        "applies_from" => "适用起始日",
        "retroactive" => "追溯",
        "amended_terms" => "适用的系数与账号变更",
        _ => return super::projections::key_zh(key),
    })
}

/// A code value of findings.json in Chinese with the code beside it (`已付清（paid）`),
/// by the key it is under; `None` when the key holds no code or the code is unknown.
pub fn value_zh(key: &str, code: &str) -> Option<String> {
    // Only a code is named: a value already in Chinese (a check's wording) stays.
    if !code.is_ascii() {
        return None;
    }
    if key == "encoding" {
        return code
            .strip_suffix(" with BOM")
            .map(|name| format!("{name}（带 BOM）"));
    }
    let chinese: &str = match key {
        "status" => status_zh(status_of(code)?),
        "type" => match FindingType::from_word(code) {
            Some(kind) => finding_type(kind, Lang::Zh),
            None => invoice_zh(InvoiceKind::from_word(code)?),
        },
        "expected" | "found" => invoice_zh(InvoiceKind::from_word(code)?),
        "severity" => severity(Severity::from_word(code)?, Lang::Zh),
        "trigger" => Trigger::from_word(code)?.chinese(),
        "settlement" => Settlement::from_word(code)?.chinese(),
        "tier_basis" => TierBasis::from_word(code)?.chinese(),
        "tier_mode" => tier_mode_zh(TierMode::from_word(code)?),
        "base" => base_zh(Base::from_word(code)?),
        "portion" if code == "rest" => "剩余部分",
        "reason" => reason_zh(code)?,
        "code" => cause_zh(code)?,
        "field" => field_zh(code)?,
        "kind" => PayoutKind::from_word(code)?.chinese(),
        "invoice_type" => invoice_zh(InvoiceKind::from_word(code)?),
        "role" => match code {
            "billing" => "账单",
            "payouts" => "付款台账",
            "contracts" => "合同",
            _ => return None,
        },
        "rule" => crate::domain::clawback::ClawbackRule::from_word(code)?.chinese(),
        "change" => match code {
            "new" => "新增",
            "persisting" => "仍存在",
            // The change an amendment in force made (a trail's `amended_terms`).
            "coefficient" => "系数变更",
            "account_add" => "增加账号",
            "account_remove" => "移除账号",
            _ => return None,
        },
        _ => return None,
    };
    Some(format!("{chinese}（{code}）"))
}

/// An installment status by its word (report code, not domain: the domain reads none).
fn status_of(code: &str) -> Option<Status> {
    use Status::*;
    [
        Paid,
        Late,
        Overpaid,
        Unpaid,
        Underpaid,
        Open,
        Conditional,
        Clawback,
        NothingDue,
    ]
    .into_iter()
    .find(|status| status.word() == code)
}

/// A finding's reason code in Chinese.
fn reason_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "missing" => "缺少发票",
        "amount" => "金额",
        "tax_rate" => "税率",
        "type" => "发票类型",
        "issuer" => "开票方",
        "late_invoice" => "开票过晚",
        "duplicate" => "重复发票号码",
        "invoice_date" => "开票日期",
        "contract" => "合同",
        "period" => "结算期",
        "installment" => "分期",
        "payout" => "付款",
        "billing" => "账单",
        "file" => "文件",
        "hidden_sheet" => "隐藏工作表",
        "empty" => "空文件",
        "row" => "行",
        "totals_mismatch" => "合计行不符",
        "duplicate_file" => "重复文件",
        "unread_cell" => "未能读取的单元格",
        "same_booking" => "同一笔款项记了两次",
        "credit_and_cash" => "代金券与现金重复",
        "offset_and_cash" => "抵扣与现金重复",
        "expired" => "时效已届满",
        "expiring" => "时效即将届满",
        "running" => "时效未届满",
        _ => return None,
    })
}

/// A likely cause's code in Chinese.
fn cause_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "previous_tier_rate" => "按上一档比例",
        "next_tier_rate" => "按下一档比例",
        "no_retroactive_catch_up" => "未做追溯补差",
        "catch_up_paid_twice" => "追溯补差付了两次",
        "marginal_instead_of_retroactive" => "按超额累进而非全额累进",
        "retroactive_instead_of_marginal" => "按全额累进而非超额累进",
        "cap_ignored" => "忽略封顶",
        "list_instead_of_net" => "按原价而非应付金额",
        "net_instead_of_list" => "按应付金额而非原价",
        "net_instead_of_cash" => "按应付金额而非现金支付",
        "cash_instead_of_net" => "按现金支付而非应付金额",
        "list_instead_of_cash" => "按原价而非现金支付",
        "cash_instead_of_list" => "按现金支付而非原价",
        "coefficient_ignored" => "忽略产品系数",
        "coefficients_ignored" => "忽略全部产品系数",
        "product_excluded" => "产品被排除",
        "wrong_period_previous" => "付了上一期",
        "wrong_period_next" => "付了下一期",
        "clawback_without_rule" => "扣减追回款但合同未约定规则",
        "clawback_deducted" => "以抵扣方式收回追回款",
        "clawback_not_allowed" => "扣减了合同不允许的追回款",
        "clawback_not_applied" => "未执行合同约定的追回",
        "clawback_in_cash" => "以现金收回了合同不允许的追回款",
        "amendment_ignored" => "仍按变更前的条款支付",
        _ => return None,
    })
}

/// A checked invoice field in Chinese.
fn field_zh(code: &str) -> Option<&'static str> {
    Some(match code {
        "invoice_no" => "发票号码",
        "invoice_amount" => "发票金额",
        "invoice_tax_rate" => "发票税率",
        "invoice_type" => "发票类型",
        "invoice_issuer" => "开票方税号",
        "invoice_date" => "开票日期",
        _ => return None,
    })
}

/// The words of a trail around the records: its summary and headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is its English text, given in `of`.
pub enum TrailWord {
    Trail,
    Finding,
    InstallmentsOfPeriod,
}

impl TrailWord {
    /// The word in `lang`.
    pub fn of(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            TrailWord::Trail => ("Trail", "追溯"),
            TrailWord::Finding => ("finding", "发现"),
            TrailWord::InstallmentsOfPeriod => ("installments of the period", "本期各期次"),
        };
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A report.xlsx column header in Chinese with its key beside it (`合同（contract_id）`),
/// so a reader or a script can still find the column by findings.json's key; the key
/// itself in English.
pub fn column(key: &str, lang: Lang) -> String {
    match (lang, key_zh(key)) {
        (Lang::Zh, Some(chinese)) => format!("{chinese}（{key}）"),
        _ => key.to_string(),
    }
}

/// A report.xlsx sheet name in `lang` (the English names are the sheets' names in code).
pub fn sheet(english: &'static str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return english;
    }
    match english {
        "Summary" => "摘要",
        "Findings" => "发现",
        "Installments" => "分期",
        "Payouts" => "付款",
        "Allocations" => "付款分配",
        "Rejected rows" => "未能读取的行",
        "Controls" => "控制合计",
        "Resolved" => "已解决",
        "Projections" => "预测",
        _ => english,
    }
}

/// An item of report.xlsx's Summary sheet in `lang`, by its English text; the finding
/// counts (`findings: error`, `findings: unpaid`) name the severity or type in Chinese.
pub fn summary_item(english: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return english.to_string();
    }
    let chinese = match english {
        "as of" => "审计基准日",
        "tool" => "工具",
        "contracts" => "合同数",
        "due by now (past the deadline)" => "已到期应付（已过期限）",
        "paid against it" => "已付",
        "shortfall (unpaid and underpaid)" => "少付（未付和少付）",
        "late interest" => "滞纳金",
        "not yet due" => "未到期",
        "paid early against it" => "提前支付",
        "due only after a renewal not yet made" => "续约后才应付（尚未续约）",
        "paid against that" => "已就此支付",
        "paid beyond the installments" => "超出各期次的付款",
        "installments expected" => "应付期次",
        "paid (allocated to installments)" => "已付（已分配到期次）",
        "payouts read" => "读取的付款",
        "findings" => "发现",
        "baseline" => "基线",
        "baseline as of" => "基线基准日",
        "baseline sha256" => "基线 SHA-256",
        "findings: new since the baseline" => "发现：基线后新增",
        "findings: persisting" => "发现：仍存在",
        "baseline findings resolved (sheet Resolved)" => "基线中已解决的发现（见“已解决”表）",
        _ => {
            return match english.strip_prefix("findings: ") {
                Some(code) => format!(
                    "发现：{}",
                    value_zh("severity", code)
                        .or_else(|| value_zh("type", code))
                        .unwrap_or_else(|| code.to_string())
                ),
                None => english.to_string(),
            };
        }
    };
    chinese.to_string()
}

/// A note report.xlsx writes where a value could not follow the cell rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note<'a> {
    /// A cell's note: this amount has more significant digits than an Excel number holds.
    AmountAsText(&'a str, u32),
    /// Summary: how many amounts were written as text.
    AmountsAsText(u32),
    /// Summary: how many texts were cut to one cell's length.
    TextsCut,
    /// Summary: rows of this sheet left out at Excel's row limit.
    RowsLeftOut(&'a str),
}

/// A note of report.xlsx in `lang`.
pub fn workbook_note(note: Note<'_>, lang: Lang) -> String {
    match (note, lang) {
        (Note::AmountAsText(shown, digits), Lang::En) => format!(
            "{shown} has more than {digits} significant digits, more than an Excel number \
             holds exactly, so it is written as text."
        ),
        (Note::AmountAsText(shown, digits), Lang::Zh) => {
            format!("{shown} 的有效数字超过 {digits} 位，Excel 数字无法精确保存，因此以文本写入。")
        }
        (Note::AmountsAsText(digits), Lang::En) => format!(
            "amounts written as text (more than {digits} significant digits; see the cell notes)"
        ),
        (Note::AmountsAsText(digits), Lang::Zh) => {
            format!("以文本写入的金额（有效数字超过 {digits} 位；见单元格批注）")
        }
        (Note::TextsCut, Lang::En) => {
            "texts cut to one cell's 32,767 characters (ending in …)".to_string()
        }
        (Note::TextsCut, Lang::Zh) => {
            "截断到单元格上限 32,767 个字符的文本（以 … 结尾）".to_string()
        }
        (Note::RowsLeftOut(sheet), Lang::En) => {
            format!("{sheet}: rows left out at Excel's row limit (see findings.json)")
        }
        (Note::RowsLeftOut(sheet), Lang::Zh) => {
            format!("{sheet}：超出 Excel 行数上限而未写入的行（见 findings.json）")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_in_chinese_and_unknown_keys_are_not_guessed() {
        assert_eq!(key_zh("weighted_base"), Some("加权基数"));
        assert_eq!(key_zh("interest"), Some("滞纳金"));
        assert_eq!(key_zh("cap"), Some("封顶"));
        assert_eq!(key_zh("a_new_field"), None);
        assert_eq!(column("contract_id", Lang::Zh), "合同（contract_id）");
        assert_eq!(column("contract_id", Lang::En), "contract_id");
        assert_eq!(column("a_new_field", Lang::Zh), "a_new_field");
    }

    #[test]
    fn codes_are_named_with_the_code_beside_them() {
        assert_eq!(
            value_zh("status", "paid").as_deref(),
            Some("已付清（paid）")
        );
        assert_eq!(
            value_zh("type", "unpaid").as_deref(),
            Some("未付（unpaid）")
        );
        assert_eq!(
            value_zh("type", "vat_special").as_deref(),
            Some("增值税专用发票（vat_special）")
        );
        assert_eq!(
            value_zh("severity", "error").as_deref(),
            Some("错误（error）")
        );
        assert_eq!(
            value_zh("reason", "late_invoice").as_deref(),
            Some("开票过晚（late_invoice）")
        );
        assert_eq!(
            value_zh("portion", "rest").as_deref(),
            Some("剩余部分（rest）")
        );
        assert_eq!(
            value_zh("change", "account_add").as_deref(),
            Some("增加账号（account_add）")
        );
        assert_eq!(value_zh("portion", "40%"), None);
        // A value that is not a code, or already Chinese, stays as it is.
        assert_eq!(value_zh("status", "someday"), None);
        assert_eq!(value_zh("expected", "增值税专用发票"), None);
        assert_eq!(value_zh("product", "ecs"), None);
        assert_eq!(
            value_zh("encoding", "UTF-8 with BOM").as_deref(),
            Some("UTF-8（带 BOM）")
        );
    }

    #[test]
    fn workbook_notes_keep_their_english_text() {
        assert_eq!(
            workbook_note(Note::AmountAsText("1", 15), Lang::En),
            "1 has more than 15 significant digits, more than an Excel number holds exactly, so it is written as text."
        );
        assert_eq!(
            workbook_note(Note::RowsLeftOut("Findings"), Lang::En),
            "Findings: rows left out at Excel's row limit (see findings.json)"
        );
        assert_eq!(
            workbook_note(Note::RowsLeftOut("发现"), Lang::Zh),
            "发现：超出 Excel 行数上限而未写入的行（见 findings.json）"
        );
    }

    #[test]
    fn sheets_and_summary_items_follow_the_language() {
        assert_eq!(sheet("Findings", Lang::Zh), "发现");
        assert_eq!(sheet("Findings", Lang::En), "Findings");
        assert_eq!(summary_item("late interest", Lang::Zh), "滞纳金");
        assert_eq!(
            summary_item("findings: error", Lang::Zh),
            "发现：错误（error）"
        );
        assert_eq!(
            summary_item("findings: unpaid", Lang::Zh),
            "发现：未付（unpaid）"
        );
        assert_eq!(summary_item("late interest", Lang::En), "late interest");
    }
}
