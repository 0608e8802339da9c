//! The short words people read around the sentences: headings, table headers, the names
//! of severities, finding types, installment statuses and input roles, yes and no. Each
//! word is written once with its English and its Chinese side by side, so neither can be
//! missing and the pair is the glossary (docs/USAGE.md, "Languages").

use crate::domain::audit::InputRole;
use crate::domain::baseline::Change;
use crate::domain::contract::{
    Base, InvoiceKind, Portion, Settlement, TierBasis, TierMode, Trigger,
};
use crate::domain::finding::{Check, CheckWords, FindingType, Severity};
use crate::domain::installment::Status;
use crate::domain::lang::Lang;

/// A word or short phrase of a heading, a table header or a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is its English text, given in `pair`.
pub enum Word {
    // Table headers.
    Type,
    Count,
    AtStake,
    Contract,
    Customer,
    Agent,
    Currency,
    WeightedBase,
    DueByNow,
    PaidAgainstIt,
    Short,
    NotYetDue,
    AfterRenewal,
    PaidBeyond,
    Findings,
    BillingTable,
    PayoutTable,
    RowsRead,
    AmountRead,
    Attributed,
    Excluded,
    Rejected,
    Used,
    Balanced,
    Role,
    File,
    Format,
    Rows,
    Severity,
    Period,
    Detail,
    DetailInBaseline,
    Id,
    Change,
    // Headings.
    Totals,
    FindingsByType,
    Contracts,
    ErrorsAndWarnings,
    ControlTotals,
    Inputs,
    New,
    Resolved,
    // Cells and short sentences.
    Yes,
    No,
    NoneRecognised,
    Unreadable,
    NoneAtAll,
    NoNewFindings,
    NothingResolved,
    ControlsNote,
}

impl Word {
    /// The word in English and in Chinese.
    pub fn pair(self) -> (&'static str, &'static str) {
        use Word::*;
        match self {
            Type => ("type", "类型"),
            Count => ("count", "数量"),
            AtStake => ("at stake", "涉及金额"),
            Contract => ("contract", "合同"),
            Customer => ("customer", "客户"),
            Agent => ("agent", "代理商"),
            Currency => ("currency", "币种"),
            WeightedBase => ("weighted base", "加权基数"),
            DueByNow => ("due by now", "已到期应付"),
            PaidAgainstIt => ("paid against it", "已付"),
            Short => ("short", "少付"),
            NotYetDue => ("not yet due", "未到期"),
            AfterRenewal => ("after renewal", "续约后应付"),
            PaidBeyond => ("paid beyond", "超额支付"),
            Findings => ("findings", "发现"),
            BillingTable => ("billing table", "账单表"),
            PayoutTable => ("payout table", "付款表"),
            RowsRead => ("rows read", "读取行数"),
            AmountRead => ("amount read", "读取金额"),
            Attributed => ("attributed", "已归属"),
            Excluded => ("excluded", "已排除"),
            Rejected => ("rejected", "已拒绝"),
            Used => ("used", "已使用"),
            Balanced => ("balanced", "是否平衡"),
            Role => ("role", "用途"),
            File => ("file", "文件"),
            Format => ("format", "格式"),
            Rows => ("rows", "行数"),
            Severity => ("severity", "严重程度"),
            Period => ("period", "结算期"),
            Detail => ("detail", "说明"),
            DetailInBaseline => ("detail (as in the baseline)", "说明（基线原文）"),
            Id => ("id", "编号"),
            Change => ("change", "变化"),
            Totals => ("Totals", "合计"),
            FindingsByType => ("Findings by type", "各类发现"),
            Contracts => ("Contracts", "合同"),
            ErrorsAndWarnings => (
                "Errors and warnings, largest first",
                "错误和警告（按金额从大到小）",
            ),
            ControlTotals => ("Control totals", "控制合计"),
            Inputs => ("Inputs", "输入文件"),
            New => ("New", "新增"),
            Resolved => ("Resolved", "已解决"),
            Yes => ("yes", "是"),
            No => ("NO", "否"),
            NoneRecognised => ("(none recognised)", "（未识别）"),
            Unreadable => ("(unreadable)", "（无法读取）"),
            NoneAtAll => ("None.", "无。"),
            NoNewFindings => ("No new findings.", "没有新增的发现。"),
            NothingResolved => (
                "No finding of the baseline is resolved.",
                "基线中的发现均未解决。",
            ),
            ControlsNote => (
                "Every input row is attributed to a contract, excluded with a reason, or rejected; amounts are net amounts.",
                "每一行输入都已归属到合同、按原因排除或被拒绝；金额均为应付金额（净额）。",
            ),
        }
    }

    /// The word in `lang`.
    pub fn of(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A severity as people read it: the word itself in English (`error`), 错误 in Chinese.
pub fn severity(severity: Severity, lang: Lang) -> &'static str {
    match lang {
        Lang::En => severity.word(),
        Lang::Zh => match severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        },
    }
}

/// A finding type as people read it: its code in English (`unpaid`), its name in Chinese.
pub fn finding_type(kind: FindingType, lang: Lang) -> &'static str {
    match lang {
        Lang::En => kind.word(),
        Lang::Zh => match kind {
            FindingType::Unpaid => "未付",
            FindingType::Underpaid => "少付",
            FindingType::Overpaid => "多付",
            FindingType::Late => "迟付",
            FindingType::MisInvoiced => "发票不符",
            FindingType::UnmatchedPayout => "无法匹配的付款",
            FindingType::Clawback => "应退回",
            FindingType::RejectedRow => "未能读取的行",
            FindingType::CurrencyMismatch => "币种不符",
            FindingType::OverlappingContracts => "合同重叠",
            FindingType::UncoveredBilling => "无合同覆盖的账单",
            FindingType::UnknownProduct => "未知产品",
            FindingType::StatementMismatch => "结算单不符",
            FindingType::StatementUnpaid => "结算单未付",
            FindingType::DuplicatePayout => "重复付款",
            FindingType::Limitation => "诉讼时效",
        },
    }
}

/// A finding type named by its code (as the totals keep it); an unknown code as it is.
pub fn finding_type_code(code: &str, lang: Lang) -> String {
    FindingType::from_word(code).map_or_else(
        || code.to_string(),
        |kind| finding_type(kind, lang).to_string(),
    )
}

/// A severity named by its word (as a baseline keeps it); an unknown word as it is.
pub fn severity_word(word: &str, lang: Lang) -> String {
    Severity::from_word(word).map_or_else(
        || word.to_string(),
        |level| severity(level, lang).to_string(),
    )
}

/// An installment's status in Chinese (its code stays beside it where a table shows it).
pub fn status_zh(status: Status) -> &'static str {
    match status {
        Status::Paid => "已付清",
        Status::Late => "迟付",
        Status::Overpaid => "多付",
        Status::Unpaid => "未付",
        Status::Underpaid => "少付",
        Status::Open => "未到期",
        Status::Conditional => "待续约",
        Status::Clawback => "应退回",
        Status::NothingDue => "无应付",
    }
}

/// An installment's status: its word in English (`unpaid`), its Chinese name in Chinese.
pub fn status(status: Status, lang: Lang) -> &'static str {
    match lang {
        Lang::En => status.word(),
        Lang::Zh => status_zh(status),
    }
}

/// What an input file is for.
pub fn input_role(role: InputRole, lang: Lang) -> &'static str {
    match lang {
        Lang::En => role.word(),
        Lang::Zh => match role {
            InputRole::Contracts => "合同",
            InputRole::Billing => "账单",
            InputRole::Payouts => "付款台账",
            InputRole::Aggregate => "账单汇总",
            InputRole::Statements => "代理商结算单",
        },
    }
}

/// Whether a finding was in the baseline.
pub fn change(change: Change, lang: Lang) -> &'static str {
    match lang {
        Lang::En => change.word(),
        Lang::Zh => match change {
            Change::New => "新增",
            Change::Persisting => "仍存在",
        },
    }
}

/// An installment's portion: `40%`, `10pt`, and the rest (`rest`, 剩余部分).
pub fn portion(portion: Portion, lang: Lang) -> String {
    match (portion, lang) {
        (Portion::Rest, Lang::Zh) => "剩余部分".to_string(),
        _ => portion.to_string(),
    }
}

/// A line of a contract's terms in the evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is its English text, given in `of`.
pub enum Term {
    Customer,
    Agent,
    AgentTaxId,
    ProviderRuleset,
    Accounts,
    Term,
    Currency,
    Base,
    Tiers,
    Cap,
    Settlement,
    RenewedOn,
    Invoice,
    LateInterest,
    PayoutKind,
    Amendments,
    Clawback,
}

impl Term {
    /// Its name in `lang`.
    pub fn of(self, lang: Lang) -> &'static str {
        let (en, zh) = match self {
            Term::Customer => ("customer", "客户"),
            Term::Agent => ("agent", "代理商"),
            Term::AgentTaxId => ("agent tax id", "代理商税号"),
            Term::ProviderRuleset => ("provider / ruleset", "云厂商 / 规则集"),
            Term::Accounts => ("accounts", "账号"),
            Term::Term => ("term", "合同期"),
            Term::Currency => ("currency", "币种"),
            Term::Base => ("base", "返点基数"),
            Term::Tiers => ("tiers", "阶梯"),
            Term::Cap => ("cap", "封顶"),
            Term::Settlement => ("settlement", "结算"),
            Term::RenewedOn => ("renewed on", "续约日期"),
            Term::Invoice => ("invoice", "发票"),
            Term::LateInterest => ("late interest", "逾期利率"),
            Term::PayoutKind => ("payout kind", "返点方式"),
            Term::Amendments => ("amendments", "合同变更"),
            Term::Clawback => ("clawback", "返点追回"),
        };
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// A contract word kept as its code (a computation's `trigger`), in `lang`: the code in
/// English, its Chinese name in Chinese; an unknown code as it is.
fn code_in<T: Copy>(
    code: &str,
    lang: Lang,
    read: fn(&str) -> Option<T>,
    chinese: fn(T) -> &'static str,
) -> String {
    match (lang, read(code)) {
        (Lang::Zh, Some(value)) => chinese(value).to_string(),
        _ => code.to_string(),
    }
}

/// An installment's trigger (`settlement`, 结算).
pub fn trigger_code(code: &str, lang: Lang) -> String {
    code_in(code, lang, Trigger::from_word, Trigger::chinese)
}

/// A tier mode (`marginal`, 累进).
pub fn tier_mode_code(code: &str, lang: Lang) -> String {
    code_in(code, lang, TierMode::from_word, tier_mode_zh)
}

/// A tier basis (`contract_year`, 合同年度).
pub fn tier_basis_code(code: &str, lang: Lang) -> String {
    code_in(code, lang, TierBasis::from_word, TierBasis::chinese)
}

/// A settlement cadence (`monthly`, 月度).
pub fn settlement_code(code: &str, lang: Lang) -> String {
    code_in(code, lang, Settlement::from_word, Settlement::chinese)
}

/// A portion as a computation keeps it (`40%`, `10pt`, `rest`).
pub fn portion_code(code: &str, lang: Lang) -> String {
    match (lang, code) {
        (Lang::Zh, "rest") => "剩余部分".to_string(),
        _ => code.to_string(),
    }
}

/// A checked invoice field's name: its column in English (`invoice_no`), its Chinese name.
pub fn check_field(field: &str, lang: Lang) -> String {
    let chinese = match field {
        "invoice_no" => "发票号码",
        "invoice_amount" => "发票金额",
        "invoice_tax_rate" => "发票税率",
        "invoice_type" => "发票类型",
        "invoice_issuer" => "开票方税号",
        "invoice_date" => "开票日期",
        _ => return field.to_string(),
    };
    match lang {
        Lang::En => field.to_string(),
        Lang::Zh => format!("{chinese}（{field}）"),
    }
}

/// What a check expected, in `lang` (English: findings.json's text).
pub fn check_expected(check: &Check, lang: Lang) -> String {
    match (lang, &check.words) {
        (Lang::En, _) | (Lang::Zh, CheckWords::Values) => {
            match InvoiceKind::from_word(&check.expected) {
                Some(kind) if lang == Lang::Zh => invoice_zh(kind).to_string(),
                _ => check.expected.clone(),
            }
        }
        (Lang::Zh, CheckWords::Kind(kind)) => format!("一张{}", invoice_zh(*kind)),
        (Lang::Zh, CheckWords::UsedOnce { .. }) => "仅用于本笔付款的发票号码".to_string(),
        (
            Lang::Zh,
            CheckWords::Within {
                latest,
                days,
                paid_on,
            },
        ) => match latest {
            Some(latest) => format!("{latest} 或之前（到账日 {paid_on} 后 {days} 天内开票）"),
            None => format!("到账日 {paid_on} 后 {days} 天内开票"),
        },
    }
}

/// What a check found, in `lang` (English: findings.json's text); `None` for an empty
/// field.
pub fn check_found(check: &Check, lang: Lang) -> Option<String> {
    match (lang, &check.words) {
        (Lang::Zh, CheckWords::UsedOnce { others }) if others.is_empty() => {
            Some("没有其他付款使用".to_string())
        }
        (Lang::Zh, CheckWords::UsedOnce { others }) => {
            Some(format!("付款 {} 也使用了该号码", others.join("、")))
        }
        (Lang::Zh, _) => check.found.as_ref().map(|found| {
            InvoiceKind::from_word(found)
                .map_or_else(|| found.clone(), |kind| invoice_zh(kind).into())
        }),
        (Lang::En, _) => check.found.clone(),
    }
}

/// A fact's name in a finding's evidence: its key in English (`net_amount`), its Chinese
/// name in Chinese (an unknown key as it is).
pub fn fact_name(name: &str, lang: Lang) -> &str {
    if lang == Lang::En {
        return name;
    }
    match name {
        "account_id" => "账号",
        "also_covered_by" => "同时覆盖该账号的合同",
        "attributed_to" => "归属合同",
        "billing_month" => "账单月份",
        "coefficient" => "系数",
        "contract_id" => "合同",
        "currency" => "币种",
        "expected" => "应为",
        "field" => "字段",
        "files" => "文件",
        "first_date" => "首日",
        "found" => "实际",
        "last_date" => "末日",
        "net_amount" => "应付金额",
        "payout_amount" => "付款金额",
        "product" => "产品",
        "rows" => "行数",
        "rows_above" => "上方各行",
        "rows_above_amount" => "上方各行金额合计",
        "stated" => "合计行金额",
        "weighted_products" => "计入加权的产品",
        _ => name,
    }
}

/// A rebate base in Chinese, as the Chinese sentences name it.
pub fn base_zh(base: Base) -> &'static str {
    match base {
        Base::Net => "应付金额",
        Base::List => "原价",
        Base::Cash => "现金支付",
    }
}

/// A tier mode in Chinese.
pub fn tier_mode_zh(mode: TierMode) -> &'static str {
    match mode {
        TierMode::Retroactive => "全额累进",
        TierMode::Marginal => "超额累进",
    }
}

/// An invoice type in Chinese, as the findings' sentences name it.
pub fn invoice_zh(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::None => "无需发票",
        InvoiceKind::VatSpecial => "增值税专用发票",
        InvoiceKind::VatGeneral => "增值税普通发票",
        InvoiceKind::CreditNote => "红字发票",
    }
}
