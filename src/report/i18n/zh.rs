//! Chinese (简体中文, `--lang zh`): every sentence of the reports.

use super::format::grouped;
use super::table::{Bases, CauseFacts, InstallmentFacts, PayoutFacts, Sentences, Spend, Tally};
use crate::domain::computation::CatchUp;
use crate::domain::contract::PayoutKind;
use crate::domain::contract::{Base, DateRange, InvoiceKind, Portion, TierMode};
use crate::domain::expected::RowReason;
use crate::domain::finding::{MemberRefusal, Neighbour, Unread};
use crate::domain::money::format_rate;
use crate::domain::payout::PayoutField;
use crate::domain::period::PeriodRef;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The Chinese table.
pub struct Chinese;

impl Chinese {
    /// `，滞纳金 2,100.00 元`; nothing when the contract has no late-interest rate.
    fn interest_clause(&self, facts: &InstallmentFacts<'_>) -> String {
        facts.interest.map_or(String::new(), |interest| {
            format!("，滞纳金 {}", self.money(interest, facts.currency))
        })
    }
}

/// `合同 C1 2025-Q2 期第 1 期返点`.
fn installment(facts: &InstallmentFacts<'_>) -> String {
    format!(
        "合同 {} {} 期第 {} 期返点",
        facts.contract,
        Chinese.period(facts.period),
        facts.number
    )
}

/// `2025-07-30 到期`, `尚未到期`.
fn due(due_on: Option<NaiveDate>) -> String {
    due_on.map_or_else(|| "尚未到期".to_string(), |day| format!("{day} 到期"))
}

/// `第1期次`, and which part of the period's rebate it is when it is not the whole:
/// `第1期次（本期返点的40%）`.
pub(super) fn cause_installment(cause: &CauseFacts) -> String {
    match cause.portion {
        None => format!("第{}期次", cause.installment),
        Some(portion) => format!("第{}期次（{}）", cause.installment, portion_words(portion)),
    }
}

/// Which part of its period's rebate an installment is.
fn portion_words(portion: Portion) -> String {
    match portion {
        Portion::Percent(fraction) => format!("本期返点的{}", format_rate(fraction)),
        Portion::Points(_) => format!("本期加权基数的{portion}，以本期返点余额为限"),
        Portion::Rest => "本期返点扣除前几期次后的余额".into(),
    }
}

/// The installment's share of a rebate, after `所得返点中的`: `40%`.
fn share_of(number: u32, portion: Portion) -> String {
    match portion {
        Portion::Percent(fraction) => format_rate(fraction),
        Portion::Points(_) => {
            format!("第{number}期次可得的余额（以本期加权基数的{portion}为限）")
        }
        Portion::Rest => "扣除前几期次后的余额".into(),
    }
}

/// A base in words.
fn base_words(base: Base) -> &'static str {
    match base {
        Base::Net => "应付金额（折后）",
        Base::List => "原价",
        Base::Cash => "现金金额（应付减代金券）",
    }
}

impl Sentences for Chinese {
    fn duplicate_payout(&self, facts: &super::table::DuplicateFacts<'_>) -> String {
        super::claims::duplicate_zh(self, facts)
    }

    fn limitation(&self, facts: &super::table::LimitationFacts<'_>) -> String {
        super::claims::limitation_zh(self, facts)
    }

    /// With its unit: `12,000.00 元` for CNY, `1,250.00 USD` for any other currency,
    /// nothing when the currency is unknown (`""`).
    fn money(&self, amount: Decimal, currency: &str) -> String {
        let grouped = grouped(amount);
        if currency.is_empty() {
            grouped
        } else if currency.eq_ignore_ascii_case("CNY") {
            format!("{grouped} 元")
        } else {
            format!("{grouped} {currency}")
        }
    }

    fn range(&self, range: DateRange) -> String {
        format!("{} 至 {}", range.first, range.last)
    }

    fn lines(&self, rows: u64) -> String {
        format!("{rows} 行")
    }

    /// The tax term (`增值税专用发票`).
    fn invoice_kind(&self, kind: InvoiceKind) -> String {
        match kind {
            InvoiceKind::None => "无需发票",
            InvoiceKind::VatSpecial => "增值税专用发票",
            InvoiceKind::VatGeneral => "增值税普通发票",
            InvoiceKind::CreditNote => "红字发票",
        }
        .to_string()
    }

    fn overpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{}应付 {}，实收 {}，多付 {}。",
            installment(facts),
            money(facts.expected),
            money(facts.paid),
            money(facts.difference)
        )
    }

    fn unpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{}应付 {}（{}），截至 {} 未收到：逾期 {} 天{}。",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            facts.as_of,
            facts.days_late,
            self.interest_clause(facts)
        )
    }

    fn underpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{}应付 {}（{}），截至 {} 只收到 {}，少付 {}：逾期 {} 天{}。",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            facts.as_of,
            money(facts.paid),
            money(-facts.difference),
            facts.days_late,
            self.interest_clause(facts)
        )
    }

    fn late(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{}应付 {}（{}），直到 {} 才付清，迟付 {} 天{}。",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            facts.completed_on.map_or("?".into(), |day| day.to_string()),
            facts.days_late,
            self.interest_clause(facts)
        )
    }

    fn clawback(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{}为负数（{}）：退款使累计已赚返点低于前期已结算的金额，代理商可追回 {}。",
            installment(facts),
            money(facts.expected),
            money(-facts.expected)
        )
    }

    fn with_likely_cause(&self, sentence: String, cause: &str) -> String {
        format!("{sentence}可能原因：{cause}")
    }

    fn unknown_period(
        &self,
        payout: &PayoutFacts<'_>,
        named: PeriodRef,
        term: DateRange,
    ) -> String {
        format!(
            "付款 {}（{}）注明的所属期间 {named} 不是合同 {}（{} 至 {}）的结算期。",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract,
            term.first,
            term.last
        )
    }

    fn unknown_installment(
        &self,
        payout: &PayoutFacts<'_>,
        named: u32,
        installments: usize,
    ) -> String {
        format!(
            "付款 {}（{}）注明第 {named} 期，但它所付的期间没有这一期次（合同 {} 的分期为第 1 至 {installments} 期）。",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract
        )
    }

    fn excess(&self, payout: &PayoutFacts<'_>, excess: Decimal) -> String {
        format!(
            "付款 {}（{}，{} 到账）在合同 {} 上没有未付清的分期可对应：其中 {} 超过了合同迄今应得的返点。",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.paid_on,
            payout.contract,
            self.money(excess, payout.currency)
        )
    }

    fn unknown_contract(&self, payout: &PayoutFacts<'_>, named: &str) -> String {
        format!(
            "付款 {}（{}，{} 到账）注明的合同 {named} 不在合同表中。",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.paid_on
        )
    }

    fn payout_currency(&self, payout: &PayoutFacts<'_>, found: &str, expected: &str) -> String {
        format!(
            "付款 {}（{} {found}）与合同 {} 的币种 {expected} 不符，未匹配到任何分期。",
            payout.id,
            grouped(payout.amount),
            payout.contract
        )
    }

    fn invoice_missing(&self, payout: &PayoutFacts<'_>, required: InvoiceKind) -> String {
        format!(
            "付款 {}（{}）没有发票；合同 {} 要求每笔现金返点都开具{}。",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract,
            self.invoice_kind(required)
        )
    }

    fn invoice_amount(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
    ) -> String {
        format!(
            "付款 {} 的发票 {number} 金额为 {}，但付款金额为 {}。",
            payout.id,
            found.map_or("空".into(), |amount| self.money(amount, payout.currency)),
            self.money(payout.amount, payout.currency)
        )
    }

    fn invoice_tax_rate(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
        expected: Decimal,
    ) -> String {
        format!(
            "付款 {} 的发票 {number} 税率为 {}，但合同 {} 要求 {}。",
            payout.id,
            found.map_or("空".into(), format_rate),
            payout.contract,
            format_rate(expected)
        )
    }

    fn invoice_type(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<InvoiceKind>,
        required: InvoiceKind,
    ) -> String {
        format!(
            "付款 {} 的发票 {number} 是{}，但合同 {} 要求{}。",
            payout.id,
            found.map_or("未注明类型的发票".into(), |kind| self
                .invoice_kind(kind)),
            payout.contract,
            self.invoice_kind(required)
        )
    }

    fn invoice_issuer(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        issuer: &str,
        agent: &str,
        agent_tax_id: &str,
    ) -> String {
        format!(
            "付款 {} 的发票 {number} 由税号 {issuer} 开具，而非代理商 {agent}（{agent_tax_id}）。",
            payout.id
        )
    }

    fn invoice_late(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        dated: NaiveDate,
        days: i64,
        window_days: i64,
    ) -> String {
        format!(
            "付款 {} 的发票 {number} 开票日期为 {dated}，比 {} 到账晚 {days} 天（开票期限 {window_days} 天）。",
            payout.id, payout.paid_on
        )
    }

    fn invoice_undated(&self, payout: &PayoutFacts<'_>, number: &str) -> String {
        format!("付款 {} 的发票 {number} 没有开票日期。", payout.id)
    }

    fn invoice_duplicate(&self, payout: &PayoutFacts<'_>, number: &str, others: &str) -> String {
        format!("付款 {} 的发票 {number} 也被用于付款 {others}。", payout.id)
    }

    fn payout_field(&self, field: PayoutField) -> String {
        match field {
            PayoutField::Kind => "返点方式",
            PayoutField::InvoiceDate => "开票日期",
            PayoutField::InvoiceAmount => "价税合计",
            PayoutField::InvoiceTaxRate => "税率",
            PayoutField::InvoiceType => "发票类型",
            PayoutField::InvoiceIssuer => "开票方税号",
            PayoutField::InvoiceNumber => "发票号码",
        }
        .to_string()
    }

    fn invoice_unreadable(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        field: PayoutField,
        problem: &RowReason,
    ) -> String {
        format!(
            "付款 {} 的发票 {number}：单元格未能读取（{}），无法按合同 {} 核对其{}。",
            payout.id,
            super::reasons::reason_zh(problem),
            payout.contract,
            self.payout_field(field)
        )
    }

    fn unread_cell(
        &self,
        place: &str,
        payout: &str,
        problem: &RowReason,
        outcome: &Unread,
    ) -> String {
        let kind_word = |kind: &PayoutKind| match kind {
            PayoutKind::Cash => "现金",
            PayoutKind::Offset => "抵扣",
            PayoutKind::Credit => "信用额度",
        };
        let tail = match outcome {
            Unread::ContractKind { contract, kind } => {
                format!(
                    "，按合同 {contract} 的返点方式（{}）处理。",
                    kind_word(kind)
                )
            }
            Unread::NoInvoiceRequired { contract } => {
                format!("；合同 {contract} 不要求发票，无需核对该单元格。")
            }
            Unread::NotCash { kind } => {
                format!(
                    "；该付款以{}方式支付，不是现金，不核对发票。",
                    kind_word(kind)
                )
            }
            Unread::NoInvoiceNumber => {
                "；该付款没有发票号码，已按缺少发票报告，不再进一步核对。".to_string()
            }
            Unread::NothingToCheck { contract } => {
                format!("；合同 {contract} 未约定可核对该单元格的内容。")
            }
            Unread::NoContract => "；该付款未匹配到任何合同，无需核对该单元格。".to_string(),
            Unread::NumberNotMatched => {
                "；其发票照常核对，但无法核对是否有其他付款使用同一张发票。".to_string()
            }
        };
        format!(
            "{place}：未读取该单元格（{}）；付款 {payout} 仍保留，金额照常计入{tail}",
            super::reasons::reason_zh(problem)
        )
    }

    fn unreadable_file(&self, error: &str) -> String {
        format!("文件无法读取：{error}")
    }

    fn hidden_sheet(&self, place: &str) -> String {
        format!("{place}：该工作表已隐藏，其中的行未被读取；如含审计所需数据，请取消隐藏。")
    }

    fn empty_file(&self, place: &str) -> String {
        format!(
            "{place}：文件中没有表格（文件为空或每个工作表都是空白）；没有表头行的导出不是所需的文件。"
        )
    }

    fn refused_member(&self, place: &str, why: MemberRefusal) -> String {
        let what = match why {
            MemberRefusal::LeavesArchive => "其路径指向压缩包之外（绝对路径，或用 `..` 跳出）",
            MemberRefusal::Symlink => "它是符号链接",
            MemberRefusal::HardLink => "它是指向另一成员的硬链接",
            MemberRefusal::Device => "它是设备文件或命名管道",
            MemberRefusal::OtherType => "其类型不是普通文件",
        };
        format!(
            "{place}：未读取该成员：{what}；压缩包中只读取普通文件，如含审计所需数据，请解压后单独提供账单文件。"
        )
    }

    fn rejected_row(&self, place: &str, message: &RowReason) -> String {
        format!(
            "{place}：该行未能读取：{}",
            super::reasons::reason_zh(message)
        )
    }

    fn more_rejections(&self, file: &str, count: u64, listed: usize) -> String {
        format!("{file}：另有 {count} 行被拒绝；只逐条列出前 {listed} 行（控制合计计入全部行）。")
    }

    fn duplicate_file(&self, place: &str, first: &str) -> String {
        format!(
            "{place}：该文件与 {first} 完全相同（SHA-256 相同）；其中的行只计算一次，未重复计算"
        )
    }

    fn totals_mismatch(
        &self,
        place: &str,
        stated: Decimal,
        rows: u64,
        above: Decimal,
        difference: Decimal,
    ) -> String {
        format!(
            "{place}：合计行的应付金额为 {}，但其上 {rows} 行合计为 {}（差额 {}）；可能有行缺失、重复或被改动。",
            grouped(stated),
            grouped(above),
            grouped(difference)
        )
    }

    fn uncovered(&self, spend: &Spend<'_>) -> String {
        let lines = &spend.lines;
        format!(
            "账号 {} 在 {} 消费 {} {}（{}），但当时没有合同覆盖该账号；这部分消费不计返点。",
            spend.account,
            spend.month,
            grouped(lines.amount),
            lines.currency,
            self.lines(lines.rows)
        )
    }

    fn billing_currency(&self, spend: &Spend<'_>, contract: &str, expected: &str) -> String {
        let lines = &spend.lines;
        format!(
            "账号 {} 在 {} 的账单为 {} {}（{}），但合同 {contract} 的币种是 {expected}；这些行未计入返点基数。",
            spend.account,
            spend.month,
            grouped(lines.amount),
            lines.currency,
            self.lines(lines.rows)
        )
    }

    fn overlap(
        &self,
        account: &str,
        chosen: &str,
        other: &str,
        dates: DateRange,
        lines: &Tally<'_>,
    ) -> String {
        format!(
            "账号 {account} 在 {} 至 {} 同时被合同 {chosen} 和 {other} 覆盖（{}，{}）；这些行归入 {chosen}（开始日期最早者优先，其次编号最小者）。",
            dates.first,
            dates.last,
            self.lines(lines.rows),
            self.money(lines.amount, lines.currency)
        )
    }

    fn unknown_product(
        &self,
        product: &str,
        lines: &Tally<'_>,
        ruleset: &str,
        contract: &str,
        weighted: &[(String, Decimal)],
    ) -> String {
        let said = format!(
            "产品 `{product}`（{}，{}）不匹配规则集 {ruleset} 的任何产品别名，也不在合同 {contract} 的产品系数表中；已按系数 1 计算",
            self.lines(lines.rows),
            self.money(lines.amount, lines.currency)
        );
        if weighted.is_empty() {
            return format!("{said}。");
        }
        let weights: Vec<String> = weighted
            .iter()
            .map(|(listed, coefficient)| format!("{listed} 按 {}", coefficient.normalize()))
            .collect();
        format!(
            "{said}，但合同 {contract} 对 {} 计权：若该产品属于其中之一，加权基数有误——请将其加入产品系数表或规则集的别名。",
            weights.join("、")
        )
    }

    fn previous_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        lower: Decimal,
        volume: Decimal,
    ) -> String {
        format!(
            "{}为按上一档比例{}计算的{}金额；阶梯量{}已达到{}档，应为{}。",
            grouped(cause.amount),
            format_rate(lower),
            cause_installment(cause),
            grouped(volume),
            format_rate(reached),
            grouped(cause.expected)
        )
    }

    fn no_retroactive_catch_up(
        &self,
        cause: &CauseFacts,
        period_base: Decimal,
        rate: Decimal,
        scope: DateRange,
        volume: Decimal,
    ) -> String {
        let rate = format_rate(rate);
        // The amount is the installment's share of that rebate when it is not the whole.
        let what = match cause.portion {
            None => format!("本期加权基数{}乘以已达到的比例{rate}", grouped(period_base)),
            Some(portion) => format!(
                "本期加权基数{}乘以已达到的比例{rate}所得返点中的{}",
                grouped(period_base),
                share_of(cause.installment, portion)
            ),
        };
        format!(
            "{}为{what}，未做全额累进的追溯补差：{}至{}的阶梯量{}应全部按{rate}重算，第{}期次应为{}。",
            grouped(cause.amount),
            scope.first,
            scope.last,
            grouped(volume),
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn tier_mode_swapped(&self, cause: &CauseFacts, contract: TierMode) -> String {
        let retroactive = "全额累进（全部量按达到的档位比例）";
        let marginal = "超额累进（各档分别按本档比例）";
        let (used, right) = match contract {
            TierMode::Retroactive => (marginal, retroactive),
            TierMode::Marginal => (retroactive, marginal),
        };
        format!(
            "{}为按{used}计算的{}金额；合同约定{right}，应为{}。",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(cause.expected)
        )
    }

    fn other_base(&self, cause: &CauseFacts, used: Base, contract: Base, bases: Bases) -> String {
        format!(
            "{}为按{}计算的{}金额（本期加权基数{}）；合同约定的返点基数为{}（加权基数{}），应为{}。",
            grouped(cause.amount),
            base_words(used),
            cause_installment(cause),
            grouped(bases.mistaken),
            base_words(contract),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn coefficient_ignored(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String {
        format!(
            "{}为忽略产品{product}的系数{}（按1计）后的{}金额（本期加权基数{}，应为{}）；按系数计算应为{}。",
            grouped(cause.amount),
            coefficient.normalize(),
            cause_installment(cause),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn coefficients_ignored(&self, cause: &CauseFacts, products: &str, bases: Bases) -> String {
        format!(
            "{}为忽略全部产品系数（{products}，均按1计）后的{}金额（本期加权基数{}，应为{}）；按系数计算应为{}。",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn product_excluded(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String {
        format!(
            "{}为将产品{product}排除在返点基数之外（系数{}按0计）后的{}金额（本期加权基数{}，应为{}）；计入后应为{}。",
            grouped(cause.amount),
            coefficient.normalize(),
            cause_installment(cause),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn wrong_period(&self, cause: &CauseFacts, neighbour: Neighbour, period: DateRange) -> String {
        let which = match neighbour {
            Neighbour::Previous => "上一",
            Neighbour::Next => "下一",
        };
        format!(
            "{}等于{which}结算期（{}至{}）{}的应返金额：该笔返点按错误的期间计算或入账；本期第{}期次应为{}。",
            grouped(cause.amount),
            period.first,
            period.last,
            cause_installment(cause),
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn next_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        higher: Decimal,
        threshold: Decimal,
        volume: Decimal,
    ) -> String {
        format!(
            "{}为按下一档比例{}计算的{}金额；阶梯量{}尚未达到该档下限{}，按已达到的{}档应为{}。",
            grouped(cause.amount),
            format_rate(higher),
            cause_installment(cause),
            grouped(volume),
            grouped(threshold),
            format_rate(reached),
            grouped(cause.expected)
        )
    }

    fn catch_up_paid_twice(
        &self,
        cause: &CauseFacts,
        period_rebate: Decimal,
        catch_up: &CatchUp,
    ) -> String {
        format!(
            "{}为将本期全额累进的追溯补差{}（之前的阶梯量{}由{}重算为{}）再次计入本期返点{}后的{}金额；本期返点已含该补差，第{}期次应为{}。",
            grouped(cause.amount),
            grouped(catch_up.amount),
            grouped(catch_up.earlier_weighted_base),
            format_rate(catch_up.rate_before),
            format_rate(catch_up.rate_after),
            grouped(period_rebate),
            cause_installment(cause),
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn cap_ignored(&self, cause: &CauseFacts, cap: Decimal, scope: DateRange) -> String {
        format!(
            "{}为未按{}至{}的封顶{}计算的{}金额；按封顶计算应为{}。",
            grouped(cause.amount),
            scope.first,
            scope.last,
            grouped(cap),
            cause_installment(cause),
            grouped(cause.expected)
        )
    }

    fn due_month_after(&self, period_end: NaiveDate) -> String {
        format!("透明结算：期末 {period_end} 的次月最后一天")
    }

    fn due_after_period_end(&self, period_end: NaiveDate, due_days: i64) -> String {
        format!("期末 {period_end} + {due_days} 天")
    }

    fn due_after_renewal(
        &self,
        period_end: NaiveDate,
        renewed_on: NaiveDate,
        due_days: i64,
    ) -> String {
        format!("期末 {period_end} 与续约日 {renewed_on} 中较晚者 + {due_days} 天")
    }

    fn not_renewed(&self) -> String {
        "合同尚未续约，不到期".to_string()
    }
}
