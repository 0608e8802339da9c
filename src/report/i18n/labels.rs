//! The headings, table headers and short labels of the reports people read first —
//! `report.html`, `summary.md` and `summary.html` — in English and Chinese. One
//! [`Labels`] table per language: a label missing in one language does not compile (every
//! field must be given). The machine words these reports also carry (severity and type
//! words in `data-*` attributes, ids, file names) stay English.

use crate::domain::lang::Lang;
use crate::report::totals::{Headline, Totals};
use std::fmt::Write;

/// The labels of one language.
#[derive(Debug)]
pub struct Labels {
    /// The language of the table.
    pub lang: Lang,
    /// The `lang` attribute of the HTML pages.
    pub html_lang: &'static str,
    /// Heading and link: what is due by now and paid against it.
    pub due_and_paid: &'static str,
    /// Heading and link: the errors, largest amount first.
    pub errors_by_amount: &'static str,
    /// Heading of the warnings listed in the summary, largest amount first.
    pub warnings_by_amount: &'static str,
    /// Heading of the amounts kept apart from the headline.
    pub apart: &'static str,
    /// Heading and link: the counts and findings by type.
    pub counts: &'static str,
    /// Heading: findings by type.
    pub findings_by_type: &'static str,
    /// Link: the chart.
    pub chart_link: &'static str,
    /// Heading of the chart.
    pub chart_heading: &'static str,
    /// Heading and link: the findings table.
    pub findings: &'static str,
    /// Heading: the per-contract table.
    pub contracts: &'static str,
    /// Heading and link: control totals.
    pub controls: &'static str,
    /// Link: control totals and inputs.
    pub controls_link: &'static str,
    /// Heading: input files.
    pub inputs: &'static str,
    /// What the control totals show.
    pub controls_note: &'static str,
    /// Headline figure: due by now.
    pub figure_due_by_now: &'static str,
    /// Headline figure: paid against what is due.
    pub figure_paid_against_due: &'static str,
    /// Headline figure: the shortfall.
    pub figure_shortfall: &'static str,
    /// Headline figure: late interest.
    pub figure_interest: &'static str,
    /// Apart: not yet due.
    pub figure_not_yet_due: &'static str,
    /// Apart: paid early.
    pub figure_paid_not_yet_due: &'static str,
    /// Apart: conditional on a renewal.
    pub figure_conditional: &'static str,
    /// Apart: paid against the conditional installments.
    pub figure_paid_conditional: &'static str,
    /// Apart: paid beyond the installments.
    pub figure_excess: &'static str,
    /// Count: findings.
    pub count_findings: &'static str,
    /// Count: errors.
    pub count_errors: &'static str,
    /// Count: warnings.
    pub count_warnings: &'static str,
    /// Count: info.
    pub count_info: &'static str,
    /// Count: contracts.
    pub count_contracts: &'static str,
    /// Count: installments.
    pub count_installments: &'static str,
    /// Total expected over every installment.
    pub figure_expected_all: &'static str,
    /// Total paid over every installment.
    pub figure_paid_all: &'static str,
    /// Column: severity.
    pub col_severity: &'static str,
    /// Column: finding type.
    pub col_type: &'static str,
    /// Column: contract.
    pub col_contract: &'static str,
    /// Column: settlement period.
    pub col_period: &'static str,
    /// Column: installment number (short).
    pub col_installment: &'static str,
    /// Column: payout.
    pub col_payout: &'static str,
    /// Column: money at stake.
    pub col_at_stake: &'static str,
    /// Column: the finding's sentence.
    pub col_detail: &'static str,
    /// Column: the finding's id.
    pub col_id: &'static str,
    /// Column: change since the baseline.
    pub col_change: &'static str,
    /// Column: count.
    pub col_count: &'static str,
    /// Column: currency.
    pub col_currency: &'static str,
    /// Column: customer.
    pub col_customer: &'static str,
    /// Column: agent.
    pub col_agent: &'static str,
    /// Column: weighted base.
    pub col_weighted_base: &'static str,
    /// Column: due by now.
    pub col_due_by_now: &'static str,
    /// Column: paid against it.
    pub col_paid_against_due: &'static str,
    /// Column: short.
    pub col_short: &'static str,
    /// Column: late interest.
    pub col_interest: &'static str,
    /// Column: not yet due.
    pub col_not_yet_due: &'static str,
    /// Column: due after a renewal.
    pub col_conditional: &'static str,
    /// Column: paid beyond the installments.
    pub col_excess: &'static str,
    /// Column: number of findings.
    pub col_findings: &'static str,
    /// Column: billing table.
    pub col_billing_table: &'static str,
    /// Column: payout table.
    pub col_payout_table: &'static str,
    /// Column: rows read.
    pub col_rows_read: &'static str,
    /// Column: amount read.
    pub col_amount_read: &'static str,
    /// Column: rows attributed.
    pub col_attributed: &'static str,
    /// Column: rows excluded.
    pub col_excluded: &'static str,
    /// Column: rows rejected.
    pub col_rejected: &'static str,
    /// Column: payouts used.
    pub col_used: &'static str,
    /// Column: whether the control totals balance.
    pub col_balanced: &'static str,
    /// Column: an input's role.
    pub col_role: &'static str,
    /// Column: an input file.
    pub col_file: &'static str,
    /// Column: an input's format.
    pub col_format: &'static str,
    /// Column: rows.
    pub col_rows: &'static str,
    /// Column: SHA-256.
    pub col_sha256: &'static str,
    /// Cell: balanced.
    pub yes: &'static str,
    /// Cell: not balanced.
    pub no: &'static str,
    /// Filter option: every value.
    pub all: &'static str,
    /// Filter option: no contract.
    pub none_named: &'static str,
    /// Chart legend: expected.
    pub legend_expected: &'static str,
    /// Chart legend: due by now.
    pub legend_due: &'static str,
    /// Chart legend: paid.
    pub legend_paid: &'static str,
    /// Chart legend: short.
    pub legend_short: &'static str,
    /// No contracts.
    pub no_contracts: &'static str,
    /// No findings.
    pub no_findings: &'static str,
    /// No errors.
    pub no_errors: &'static str,
    /// None (an empty list).
    pub none: &'static str,
    /// What the findings table holds and how to use it.
    pub findings_intro: &'static str,
    /// The page's footer.
    pub footer: &'static str,
    /// Between a period's first and last day: `2025-01-01 to 2025-01-31`.
    pub to: &'static str,
    /// Heading: the new findings since the baseline.
    pub new_heading: &'static str,
    /// Heading: the baseline's findings that are gone.
    pub resolved_heading: &'static str,
    /// No new findings.
    pub no_new: &'static str,
    /// No resolved findings.
    pub none_resolved: &'static str,
    /// Column: a resolved finding's sentence, as the baseline wrote it.
    pub col_detail_baseline: &'static str,
    /// Below the title: the findings.json schema.
    pub schema: &'static str,
    /// Below the title: the rulesets used.
    pub rulesets: &'static str,
}

/// English.
pub const EN: Labels = Labels {
    lang: Lang::En,
    html_lang: "en",
    due_and_paid: "Due and paid",
    errors_by_amount: "Errors, largest first",
    warnings_by_amount: "Warnings, largest first",
    apart: "Apart from the headline",
    counts: "Counts",
    findings_by_type: "Findings by type",
    chart_link: "Expected and paid",
    chart_heading: "Expected and paid per contract",
    findings: "Findings",
    contracts: "Contracts",
    controls: "Control totals",
    controls_link: "Control totals and inputs",
    inputs: "Inputs",
    controls_note: "Every input row is attributed to a contract, excluded with a reason, or rejected; amounts are net amounts.",
    figure_due_by_now: "Due by now (past the deadline)",
    figure_paid_against_due: "Paid against it",
    figure_shortfall: "Short (unpaid, underpaid)",
    figure_interest: "Late interest",
    figure_not_yet_due: "Not yet due",
    figure_paid_not_yet_due: "Paid early against it",
    figure_conditional: "Due only after a renewal not yet made",
    figure_paid_conditional: "Paid against that",
    figure_excess: "Paid beyond the installments",
    count_findings: "Findings",
    count_errors: "Errors",
    count_warnings: "Warnings",
    count_info: "Info",
    count_contracts: "Contracts",
    count_installments: "Installments",
    figure_expected_all: "Expected, every installment (due or not)",
    figure_paid_all: "Paid, every installment (excess included)",
    col_severity: "severity",
    col_type: "type",
    col_contract: "contract",
    col_period: "period",
    col_installment: "inst.",
    col_payout: "payout",
    col_at_stake: "at stake",
    col_detail: "detail",
    col_id: "id",
    col_change: "change",
    col_count: "count",
    col_currency: "currency",
    col_customer: "customer",
    col_agent: "agent",
    col_weighted_base: "weighted base",
    col_due_by_now: "due by now",
    col_paid_against_due: "paid against it",
    col_short: "short",
    col_interest: "late interest",
    col_not_yet_due: "not yet due",
    col_conditional: "after renewal",
    col_excess: "paid beyond",
    col_findings: "findings",
    col_billing_table: "billing table",
    col_payout_table: "payout table",
    col_rows_read: "rows read",
    col_amount_read: "amount read",
    col_attributed: "attributed",
    col_excluded: "excluded",
    col_rejected: "rejected",
    col_used: "used",
    col_balanced: "balanced",
    col_role: "role",
    col_file: "file",
    col_format: "format",
    col_rows: "rows",
    col_sha256: "sha256",
    yes: "yes",
    no: "NO",
    all: "all",
    none_named: "(none)",
    legend_expected: "expected",
    legend_due: "due by now",
    legend_paid: "paid",
    legend_short: "short",
    no_contracts: "No contracts.",
    no_findings: "No findings.",
    no_errors: "No errors.",
    none: "None.",
    findings_intro: "Every finding: errors first, then warnings, then info, each by the money at stake, largest first. Click a column header (severity, type, contract, period, at stake) to sort by it; click again to reverse. Open a finding's trail to see what it rests on: the computation, the billing rows behind the weighted base, the installments, the payouts allocated and the facts checked. Printed, every trail is open.",
    footer: "Every finding is also in findings.json, findings.csv and findings.xlsx; per-contract evidence is in evidence/.",
    to: " to ",
    new_heading: "New",
    resolved_heading: "Resolved",
    no_new: "No new findings.",
    none_resolved: "No finding of the baseline is resolved.",
    col_detail_baseline: "detail (as in the baseline)",
    schema: "findings schema",
    rulesets: "rulesets",
};

/// Simplified Chinese.
pub const ZH: Labels = Labels {
    lang: Lang::Zh,
    html_lang: "zh-CN",
    due_and_paid: "应付与已付",
    errors_by_amount: "错误（按金额从大到小）",
    warnings_by_amount: "警告（按金额从大到小）",
    apart: "不计入上述金额",
    counts: "计数",
    findings_by_type: "按类型统计的审计发现",
    chart_link: "应付与实付图",
    chart_heading: "各合同应付与实付",
    findings: "审计发现",
    contracts: "合同",
    controls: "控制合计",
    controls_link: "控制合计与输入文件",
    inputs: "输入文件",
    controls_note: "每一行输入都已归属某个合同、按注明的原因排除或被拒绝；金额均为净额。",
    figure_due_by_now: "已到期应付（已过期限）",
    figure_paid_against_due: "已付",
    figure_shortfall: "少付（未付与少付合计）",
    figure_interest: "滞纳金",
    figure_not_yet_due: "尚未到期",
    figure_paid_not_yet_due: "其中提前支付",
    figure_conditional: "续约后应付（待续约）",
    figure_paid_conditional: "已付",
    figure_excess: "超出分期的支付",
    count_findings: "审计发现",
    count_errors: "错误",
    count_warnings: "警告",
    count_info: "提示",
    count_contracts: "合同",
    count_installments: "分期",
    figure_expected_all: "全部分期应付（无论是否到期）",
    figure_paid_all: "全部分期实付（含超付）",
    col_severity: "严重程度",
    col_type: "类型",
    col_contract: "合同",
    col_period: "期间",
    col_installment: "分期",
    col_payout: "付款",
    col_at_stake: "涉及金额",
    col_detail: "说明",
    col_id: "编号",
    col_change: "变化",
    col_count: "数量",
    col_currency: "币种",
    col_customer: "客户",
    col_agent: "代理商",
    col_weighted_base: "加权基数",
    col_due_by_now: "已到期应付",
    col_paid_against_due: "已付",
    col_short: "少付",
    col_interest: "滞纳金",
    col_not_yet_due: "尚未到期",
    col_conditional: "续约后应付",
    col_excess: "超付",
    col_findings: "审计发现",
    col_billing_table: "账单表",
    col_payout_table: "付款表",
    col_rows_read: "读取行数",
    col_amount_read: "读取金额",
    col_attributed: "已归属",
    col_excluded: "已排除",
    col_rejected: "已拒绝",
    col_used: "已使用",
    col_balanced: "是否平衡",
    col_role: "用途",
    col_file: "文件",
    col_format: "格式",
    col_rows: "行数",
    col_sha256: "SHA-256",
    yes: "是",
    no: "否",
    all: "全部",
    none_named: "（无）",
    legend_expected: "应付",
    legend_due: "已到期应付",
    legend_paid: "已付",
    legend_short: "少付",
    no_contracts: "没有合同。",
    no_findings: "没有审计发现。",
    no_errors: "没有错误。",
    none: "无。",
    findings_intro: "全部审计发现：先错误，再警告，最后提示，同级按涉及金额从大到小排列。点击列标题（严重程度、类型、合同、期间、涉及金额）按该列排序，再点一次反向排序。展开某项发现的依据，可查看其计算过程、构成加权基数的账单行、分期、已分配的付款以及核对过的事实。打印时所有依据均展开。",
    footer: "每项审计发现也在 findings.json、findings.csv 和 findings.xlsx 中；各合同的证据在 evidence/ 目录。",
    to: " 至 ",
    new_heading: "新增",
    resolved_heading: "已解决",
    no_new: "没有新增的审计发现。",
    none_resolved: "基线中没有已解决的审计发现。",
    col_detail_baseline: "说明（基线原文）",
    schema: "审计发现格式",
    rulesets: "规则集",
};

/// The labels of `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

impl Labels {
    /// The reports' title: `Rebate audit as of 2026-06-30`.
    pub fn title(&self, as_of: &str) -> String {
        match self.lang {
            Lang::En => format!("Rebate audit as of {as_of}"),
            Lang::Zh => format!("返利审计（截至 {as_of}）"),
        }
    }

    /// A severity as people read it (the machine word stays in `data-severity`).
    pub fn severity(&self, word: &str) -> String {
        match (self.lang, word) {
            (Lang::Zh, "error") => "错误".into(),
            (Lang::Zh, "warning") => "警告".into(),
            (Lang::Zh, "info") => "提示".into(),
            _ => word.into(),
        }
    }

    /// Before and after the count of findings a filter shows: `3 of 12 shown`.
    pub fn shown(&self, total: usize) -> (String, String) {
        match self.lang {
            Lang::En => (String::new(), format!(" of {total} shown")),
            Lang::Zh => ("显示 ".into(), format!(" / {total} 项")),
        }
    }

    /// Below a list cut at its first `listed` rows: where the rest are.
    pub fn more_errors(&self, more: usize) -> String {
        match self.lang {
            Lang::En => {
                format!("… and {more} more errors; every finding is in the findings table.")
            }
            Lang::Zh => format!("……另有 {more} 项错误；全部审计发现见审计发现表。"),
        }
    }

    /// Below the summary's cut lists: where the rest are.
    pub fn more_findings(&self, more: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "… and {more} more; every finding is in findings.csv, findings.xlsx and findings.json."
            ),
            Lang::Zh => format!(
                "……另有 {more} 项；全部审计发现见 findings.csv、findings.xlsx 和 findings.json。"
            ),
        }
    }

    /// The chart's accessible name.
    pub fn chart_label(&self, first: usize, last: usize, count: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "Expected, due by now, paid and short per contract, at one scale; contracts {first} to {last} of {count}"
            ),
            Lang::Zh => format!(
                "各合同的应付、已到期应付、已付与少付，同一比例尺；第 {first} 至 {last} 个合同，共 {count} 个"
            ),
        }
    }

    /// A contract's bars described: what the chart's title element says.
    pub fn chart_contract(
        &self,
        contract: &str,
        [expected, due, paid, short]: [&str; 4],
    ) -> String {
        match self.lang {
            Lang::En => format!(
                "{contract}: expected {expected}, due by now {due}, paid {paid}, short {short}"
            ),
            Lang::Zh => {
                format!("{contract}：应付 {expected}，已到期应付 {due}，已付 {paid}，少付 {short}")
            }
        }
    }

    /// A change since the baseline as people read it (`new`, `persisting`).
    pub fn change(&self, word: &str) -> String {
        match (self.lang, word) {
            (Lang::Zh, "new") => "新增".into(),
            (Lang::Zh, "persisting") => "持续".into(),
            (Lang::Zh, "resolved") => "已解决".into(),
            _ => word.into(),
        }
    }

    /// The heading of the changes, before and after the baseline's as-of date (text from
    /// the baseline, escaped by each format), or whole when the baseline has none.
    pub fn changes_heading(&self, dated: bool) -> (&'static str, &'static str) {
        match (self.lang, dated) {
            (Lang::En, true) => ("Changes since the baseline as of ", ""),
            (Lang::En, false) => ("Changes since the baseline", ""),
            (Lang::Zh, true) => ("相对基线（截至 ", "）的变化"),
            (Lang::Zh, false) => ("相对基线的变化", ""),
        }
    }

    /// The counts of the changes (`[new, errors, warnings, info, persisting, resolved]`),
    /// then the words before the baseline's path, between it and its hash, and after.
    pub fn changes_counts(&self, counts: [usize; 6]) -> (String, [&'static str; 3]) {
        let [new, errors, warnings, info, persisting, resolved] = counts;
        match self.lang {
            Lang::En => {
                let plural = |count: usize, one: &str, many: &str| {
                    format!("{count} {}", if count == 1 { one } else { many })
                };
                (
                    format!(
                        "{} ({}, {}, {info} info), {persisting} persisting, {resolved} resolved",
                        plural(new, "new finding", "new findings"),
                        plural(errors, "error", "errors"),
                        plural(warnings, "warning", "warnings"),
                    ),
                    [". Baseline: ", " (sha256 ", ")."],
                )
            }
            Lang::Zh => (
                format!(
                    "新增 {new} 项审计发现（{errors} 项错误，{warnings} 项警告，{info} 项提示），{persisting} 项持续，{resolved} 项已解决"
                ),
                ["。基线：", "（sha256 ", "）。"],
            ),
        }
    }

    /// Below a cut list of new findings.
    pub fn more_new(&self, more: usize) -> String {
        match self.lang {
            Lang::En => {
                format!("… and {more} more new; findings.json marks each finding's `change`.")
            }
            Lang::Zh => format!(
                "……另有 {more} 项新增；findings.json 中每项审计发现的 `change` 注明其变化。"
            ),
        }
    }

    /// Below a cut list of resolved findings.
    pub fn more_resolved(&self, more: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "… and {more} more resolved; all are in findings.json under `resolved` and in report.xlsx on the `Resolved` sheet."
            ),
            Lang::Zh => format!(
                "……另有 {more} 项已解决；全部见 findings.json 的 `resolved` 和 report.xlsx 的 `Resolved` 工作表。"
            ),
        }
    }

    /// One currency's headline as a sentence: due by now, paid against it, short and
    /// (where a contract charges it) late interest; then, apart, what is not yet due, what
    /// is due only after a renewal, and what was paid beyond the installments — each only
    /// when there is some. The currency leads it when the contracts have several.
    pub fn headline(&self, currency: Option<&str>, headline: &Headline) -> String {
        let group = crate::domain::money::group_thousands;
        let nonzero = |amount: &str| {
            amount
                .parse::<rust_decimal::Decimal>()
                .is_ok_and(|amount| !amount.is_zero())
        };
        let (due, paid, short) = (
            group(&headline.due_by_now),
            group(&headline.paid_against_due),
            group(&headline.shortfall),
        );
        let (interest, not_yet_due, paid_early, conditional, paid_conditional, excess) = (
            group(&headline.interest),
            group(&headline.not_yet_due),
            group(&headline.paid_not_yet_due),
            group(&headline.conditional),
            group(&headline.paid_conditional),
            group(&headline.excess),
        );
        let early = nonzero(&headline.not_yet_due) || nonzero(&headline.paid_not_yet_due);
        let renewal = nonzero(&headline.conditional) || nonzero(&headline.paid_conditional);
        let mut text = String::new();
        match self.lang {
            Lang::En => {
                text.push_str(&match currency {
                    Some(currency) => format!("In {currency}: due by now"),
                    None => "Due by now".to_string(),
                });
                let _ = write!(
                    text,
                    " (past the deadline) {due}, paid against it {paid}: short {short}"
                );
                if headline.charges_interest {
                    let _ = write!(text, " plus {interest} late interest");
                }
                text.push('.');
                if early {
                    let _ = write!(
                        text,
                        " Not yet due: {not_yet_due} ({paid_early} paid early)."
                    );
                }
                if renewal {
                    let _ = write!(
                        text,
                        " Due only after a renewal that has not happened: {conditional} ({paid_conditional} paid)."
                    );
                }
                if nonzero(&headline.excess) {
                    let _ = write!(text, " Paid beyond what the installments expect: {excess}.");
                }
            }
            Lang::Zh => {
                if let Some(currency) = currency {
                    let _ = write!(text, "{currency}：");
                }
                let _ = write!(
                    text,
                    "已到期应付（已过期限）{due}，已付 {paid}：少付 {short}"
                );
                if headline.charges_interest {
                    let _ = write!(text, "，另有滞纳金 {interest}");
                }
                text.push('。');
                if early {
                    let _ = write!(text, "尚未到期：{not_yet_due}（提前支付 {paid_early}）。");
                }
                if renewal {
                    let _ = write!(
                        text,
                        "续约后应付（待续约）：{conditional}（已付 {paid_conditional}）。"
                    );
                }
                if nonzero(&headline.excess) {
                    let _ = write!(text, "超出分期应付的支付：{excess}。");
                }
            }
        }
        text
    }

    /// The summary's totals sentence: counts, each currency's headline, the findings by
    /// severity.
    pub fn totals_sentence(&self, totals: &Totals) -> String {
        let severity = |word: &str| totals.by_severity.get(word).copied().unwrap_or(0);
        let headlines: Vec<String> = totals
            .headlines()
            .into_iter()
            .map(|(currency, headline)| self.headline(currency, headline))
            .collect();
        let (errors, warnings, info) = (severity("error"), severity("warning"), severity("info"));
        match self.lang {
            Lang::En => {
                use super::en::count;
                format!(
                    "{}, {}. {} {}: {}, {}, {info} info.",
                    count(totals.contracts, "contract", "contracts"),
                    count(totals.installments, "installment", "installments"),
                    headlines.join(" "),
                    count(totals.findings, "finding", "findings"),
                    count(errors, "error", "errors"),
                    count(warnings, "warning", "warnings"),
                )
            }
            Lang::Zh => format!(
                "{} 个合同，{} 个分期。{}审计发现 {} 项：错误 {errors} 项，警告 {warnings} 项，提示 {info} 项。",
                totals.contracts,
                totals.installments,
                headlines.concat(),
                totals.findings,
            ),
        }
    }

    /// Above the summary's contracts when there are more than it lists: which it lists.
    pub fn contracts_listed(&self, listed: usize, total: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "The {listed} contracts most short of {total}, largest shortfall first (then paid beyond the installments, then findings)."
            ),
            Lang::Zh => format!(
                "共 {total} 个合同，列出少付最多的 {listed} 个，按少付金额从大到小（其次按超额支付，再按审计发现数）。"
            ),
        }
    }

    /// Below the summary's cut list of contracts: where the rest are.
    pub fn more_contracts(&self, more: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "… and {more} more contracts; every contract is in report.xlsx (sheet Summary) and report.html."
            ),
            Lang::Zh => format!(
                "……另有 {more} 个合同；全部合同见 report.xlsx（摘要工作表）和 report.html。"
            ),
        }
    }

    /// Below the summary's cut control totals (the tables not balanced are listed first):
    /// how many more tables, and how many of them are not balanced.
    pub fn more_tables(&self, more: usize, not_balanced: usize) -> String {
        match (self.lang, not_balanced) {
            (Lang::En, 0) => format!(
                "… and {more} more tables, all balanced; every table's control totals are in report.xlsx (sheet Controls) and findings.json."
            ),
            (Lang::En, _) => format!(
                "… and {more} more tables, {not_balanced} of them not balanced; every table's control totals are in report.xlsx (sheet Controls) and findings.json."
            ),
            (Lang::Zh, 0) => format!(
                "……另有 {more} 个表，均已平衡；全部表的控制合计见 report.xlsx（控制合计工作表）和 findings.json。"
            ),
            (Lang::Zh, _) => format!(
                "……另有 {more} 个表，其中 {not_balanced} 个未平衡；全部表的控制合计见 report.xlsx（控制合计工作表）和 findings.json。"
            ),
        }
    }

    /// Below the summary's cut list of input files: where the rest are.
    pub fn more_inputs(&self, more: usize) -> String {
        match self.lang {
            Lang::En => format!(
                "… and {more} more input files; every file with its SHA-256 is in report.xlsx (sheet Summary) and findings.json."
            ),
            Lang::Zh => format!(
                "……另有 {more} 个输入文件；全部文件及其 SHA-256 见 report.xlsx（摘要工作表）和 findings.json。"
            ),
        }
    }
}
