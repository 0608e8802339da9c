//! The computation trail, as people read it: for a settlement period, the weighted base
//! per product and the billing rows behind it, the tier scope before and after the period,
//! the bracket reached (each bracket's slice for marginal tiers), the catch-up, the cap,
//! Earned before and after, the split into installments with their due dates, the payouts
//! allocated to each and the findings on them.
//!
//! One renderer for `rebate-audit explain`, `evidence/<contract>.md` and an evidence
//! pack's `trail.md`, so they never disagree. Pure: an audit in, text (Markdown that reads
//! as plain text) out. Every text from the inputs (ids, names, products, file places,
//! sentences quoting cells) goes through [`escape`], so none of it can act as Markdown or
//! HTML.

use crate::domain::audit::{Audit, ContractResult};
use crate::domain::calendar::add_days;
use crate::domain::computation::{Computation, TierBracket};
use crate::domain::finding::{Finding, FindingType};
use crate::domain::installment::InstallmentRecord;
use crate::domain::installment::Status;
use crate::domain::lang::Lang;
use crate::domain::money::format_rate as rate;
use crate::domain::money_text::grouped as money;
use crate::report::i18n::{self, Pick};
use crate::report::markdown::escaped as escape;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::fmt::Write;
use tiers::{cap_line, catch_up_line, range_text, tier_lines};

mod tiers;

/// Why `explain` cannot show what was asked (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// No contract has this id.
    #[error("--contract {id}: no contract has this id; the contracts are: {known}")]
    UnknownContract {
        /// The id asked for.
        id: String,
        /// The ids the workbook has, comma-separated.
        known: String,
    },
    /// `--period` is not a month, quarter or year (`app::period_arg`).
    #[error(
        "--period: expected a month, quarter or year such as 2025-06, 2024-Q4 or 2025, found `{0}`"
    )]
    Period(String),
    /// No settlement period of the contract overlaps `--period`.
    #[error(
        "--period {period}: no settlement period of contract {id} ({first} to {last}) overlaps it"
    )]
    NoPeriod {
        /// The contract.
        id: String,
        /// The period asked for.
        period: String,
        /// The contract's first day.
        first: NaiveDate,
        /// The contract's last day.
        last: NaiveDate,
    },
}

/// The trail of contract `contract_id`: its terms, then every settlement period that
/// overlaps `period` (every period when `None`), then the findings on it that no period
/// shows.
///
/// # Errors
/// When no contract has the id, or no period overlaps `period`.
pub fn render(
    audit: &Audit,
    contract_id: &str,
    period: Option<(NaiveDate, NaiveDate)>,
    lang: Lang,
) -> Result<String, ExplainError> {
    let Some(result) = audit
        .contracts
        .iter()
        .find(|result| result.contract.id == contract_id)
    else {
        return Err(ExplainError::UnknownContract {
            id: contract_id.to_string(),
            known: audit
                .contracts
                .iter()
                .map(|result| result.contract.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    let contract = &result.contract;
    let periods: Vec<usize> = result
        .computation
        .periods
        .iter()
        .enumerate()
        .filter(|(_, settlement)| {
            period.is_none_or(|(first, last)| {
                settlement.range.first <= last && first <= settlement.range.last
            })
        })
        .map(|(index, _)| index)
        .collect();
    if let (Some((first, last)), true) = (period, periods.is_empty()) {
        return Err(ExplainError::NoPeriod {
            id: contract.id.clone(),
            period: i18n::period(first, last, Lang::En),
            first: contract.start,
            last: contract.end,
        });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} {}\n",
        lang.pick("Contract", "合同"),
        escape(&contract.id)
    );
    terms(&mut out, audit, result, lang);
    let mut shown = BTreeSet::new();
    for index in periods {
        shown.extend(period_trail(&mut out, audit, result, index, 2, lang));
    }
    if period.is_none() {
        let rest: Vec<&Finding> = contract_findings(audit, &contract.id)
            .filter(|finding| !shown.contains(finding.id.as_str()))
            .collect();
        if !rest.is_empty() {
            let _ = writeln!(
                out,
                "## {}\n",
                lang.pick("Other findings on the contract", "合同的其他发现")
            );
            for finding in rest {
                finding_lines(&mut out, finding, lang);
            }
            out.push('\n');
        }
    }
    super::projections::write_explain(&mut out, audit, &contract.id, period, lang);
    Ok(out)
}

fn contract_findings<'a>(audit: &'a Audit, id: &'a str) -> impl Iterator<Item = &'a Finding> {
    audit.findings_of(id).iter()
}

/// The terms a trail depends on, in a few lines.
fn terms(out: &mut String, audit: &Audit, result: &ContractResult, lang: Lang) {
    let contract = &result.contract;
    let brackets = contract
        .tiers
        .brackets()
        .iter()
        .map(|bracket| {
            format!(
                "{} {}",
                range_text(&TierBracket {
                    from: bracket.from,
                    to: bracket.to,
                    rate: bracket.rate,
                }),
                rate(bracket.rate)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let cap = contract.cap.map_or_else(
        || lang.pick("none", "无").to_string(),
        |cap| match lang {
            Lang::En => format!(
                "{} per contract year (per term with term basis)",
                money(cap)
            ),
            Lang::Zh => format!(
                "每合同年度 {}（阶梯按整个合同期累计时为整个合同期）",
                money(cap)
            ),
        },
    );
    let lines: Vec<(&str, String)> = match lang {
        Lang::En => vec![
            (
                "customer / agent",
                format!(
                    "{} / {}",
                    escape(&contract.customer),
                    escape(&contract.agent)
                ),
            ),
            ("term", i18n::range(contract.start, contract.end, lang)),
            ("currency", escape(&contract.currency).into_owned()),
            (
                "rebate base",
                format!("{} (line base × product coefficient)", contract.base),
            ),
            (
                "tiers",
                format!(
                    "{} basis, {}: {brackets}",
                    contract.tier_basis, contract.tier_mode
                ),
            ),
            ("cap", cap),
            (
                "settlement",
                format!(
                    "{}, due {} days after the trigger, {} grace days",
                    contract.settlement, contract.due_days, contract.grace_days
                ),
            ),
            (
                "late interest",
                format!("{} per day", rate(contract.late_interest)),
            ),
            ("audit as of", audit.as_of.to_string()),
        ],
        Lang::Zh => vec![
            (
                "客户 / 代理商",
                format!(
                    "{} / {}",
                    escape(&contract.customer),
                    escape(&contract.agent)
                ),
            ),
            ("合同期", i18n::range(contract.start, contract.end, lang)),
            ("币种", escape(&contract.currency).into_owned()),
            (
                "返点基数",
                format!(
                    "{}（每行基数 × 产品系数）",
                    i18n::words::base_zh(contract.base)
                ),
            ),
            (
                "阶梯",
                format!(
                    "按{}累计，{}：{brackets}",
                    contract.tier_basis.chinese(),
                    i18n::words::tier_mode_zh(contract.tier_mode)
                ),
            ),
            ("封顶", cap),
            (
                "结算",
                format!(
                    "{}，触发日后 {} 天到期，宽限 {} 天",
                    contract.settlement.chinese(),
                    contract.due_days,
                    contract.grace_days
                ),
            ),
            ("逾期利率", format!("每日 {}", rate(contract.late_interest))),
            ("审计基准日", audit.as_of.to_string()),
        ],
    };
    for (name, value) in lines {
        let _ = writeln!(out, "- {name}{}{value}", lang.pick(": ", "："));
    }
    if !contract.amendments.is_empty() {
        let (heading, items) = i18n::amendment_items(&contract.amendments, lang);
        let _ = writeln!(
            out,
            "- {heading}{}{}",
            lang.pick(": ", "："),
            escape(&items.join(lang.pick("; ", "；")))
        );
    }
    // Only a contract that names a clawback rule shows it (issue 19).
    if let Some(rule) = contract.clawback {
        let _ = writeln!(
            out,
            "- {}{}{}",
            i18n::words::Term::Clawback.of(lang),
            lang.pick(": ", "："),
            lang.pick(rule.word(), rule.chinese())
        );
    }
    out.push('\n');
}

fn status_text(status: Status, lang: Lang) -> String {
    match lang {
        Lang::En => status.word().to_string(),
        Lang::Zh => {
            let chinese = match status {
                Status::Paid => "已付清",
                Status::Late => "迟付",
                Status::Overpaid => "多付",
                Status::Unpaid => "未付",
                Status::Underpaid => "少付",
                Status::Open => "未到期",
                Status::Conditional => "待续约",
                Status::Clawback => "应退回",
                Status::NothingDue => "无应付",
            };
            format!("{chinese}（{}）", status.word())
        }
    }
}

/// How one installment's amount follows from its portion.
fn portion_text(computation: &Computation, index: usize, lang: Lang) -> String {
    let split = &computation.installments[index];
    // What the installments share: E_p, or E_p after the contract's clawback rule.
    let shared = computation
        .clawback
        .as_ref()
        .map_or(computation.period_expected, |step| step.payable);
    let portion = split.portion.as_str();
    if portion == "rest" {
        let others: Vec<String> = computation.installments[..index]
            .iter()
            .map(|other| money(other.expected).to_string())
            .collect();
        if others.is_empty() {
            return format!("E_p {}", money(shared));
        }
        return format!("{} − {}", money(shared), others.join(" − "));
    }
    if let Some(points) = portion
        .strip_suffix("pt")
        .and_then(|points| points.parse::<Decimal>().ok())
    {
        let weighted = computation.period_weighted_base;
        let raw = weighted
            .checked_mul(points)
            .and_then(|product| product.checked_div(Decimal::ONE_HUNDRED))
            .unwrap_or_default();
        let exact = raw
            .checked_sub(split.expected)
            .is_some_and(|gap| gap.abs() < Decimal::new(1, 2));
        return match (exact, lang) {
            (true, _) => format!("{portion} × {}", money(weighted)),
            (false, Lang::En) => format!(
                "{portion} × {} = {}, held to what is left of E_p (never below 0)",
                money(weighted),
                money(raw)
            ),
            (false, Lang::Zh) => format!(
                "{portion} × {} = {}，以 E_p 的剩余部分为限（不低于 0）",
                money(weighted),
                money(raw)
            ),
        };
    }
    format!("{portion} × {}", money(shared))
}

/// Writes the trail of period `index` of a contract under a heading of `depth` `#`s;
/// returns the ids of the findings it showed.
pub fn period_trail<'a>(
    out: &mut String,
    audit: &'a Audit,
    result: &'a ContractResult,
    index: usize,
    depth: usize,
    lang: Lang,
) -> Vec<&'a str> {
    let contract = &result.contract;
    let period = result.computation.periods[index].range;
    let records: Vec<&InstallmentRecord> = audit
        .installments_of(result)
        .iter()
        .filter(|record| record.period_start == period.first)
        .collect();
    let heading = "#".repeat(depth);
    let label = i18n::period(period.first, period.last, lang);
    let full = i18n::range(period.first, period.last, lang);
    let title = match lang {
        _ if label == full => label,
        Lang::En => format!("{label} ({full})"),
        Lang::Zh => format!("{label}（{full}）"),
    };
    let _ = writeln!(out, "{heading} {} {title}\n", lang.pick("Period", "结算期"));
    let Some(trail) = records.first().map(|record| &record.trail) else {
        let _ = writeln!(out, "{}\n", lang.pick("No installment.", "没有分期。"));
        return Vec::new();
    };
    // The period's trail, stored once; its installments' own shares are in its split.
    let computation = &trail.computation;

    // 1. Weighted base per product, and the rows behind it.
    let _ = writeln!(
        out,
        "**1. {} W_p = {}**\n",
        lang.pick("Weighted base", "加权基数"),
        money(computation.period_weighted_base)
    );
    if computation.products.is_empty() {
        let _ = writeln!(
            out,
            "{}\n",
            lang.pick(
                "No billing line was attributed to this period.",
                "本期没有归属到该合同的账单行。"
            )
        );
    } else {
        let _ = writeln!(
            out,
            "| {} |\n|---|---:|---:|---:|---:|",
            lang.pick(
                "product | base | × coefficient | = weighted base | rows",
                "产品 | 基数 | × 系数 | = 加权基数 | 行数"
            )
        );
        for product in &computation.products {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&product.product),
                money(product.base),
                product.coefficient.normalize(),
                money(product.weighted_base),
                product.rows
            );
        }
        let _ = writeln!(
            out,
            "| **{}** | | | **{}** | |\n",
            lang.pick("W_p", "W_p"),
            money(computation.period_weighted_base)
        );
        let sources = &trail.source_rows;
        let _ = writeln!(
            out,
            "{}\n\n| {} |\n|---|---|---:|---|",
            lang.pick("Billing rows:", "账单行："),
            lang.pick(
                "file | product | rows | row numbers",
                "文件 | 产品 | 行数 | 行号"
            )
        );
        for source in sources {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape(&source.table.to_string()),
                escape(&source.product),
                source.rows,
                source.row_ranges
            );
        }
        out.push('\n');
    }

    // 2. Tier scope.
    let scope = i18n::range(computation.scope_start, computation.scope_end, lang);
    let scope = match (computation.tier_basis.as_str(), lang) {
        ("period", Lang::En) => format!("the settlement period itself, {scope} (period basis)"),
        ("contract_year", Lang::En) => format!("the contract year {scope} (contract_year basis)"),
        (_, Lang::En) => format!("the whole term {scope} (term basis)"),
        ("period", Lang::Zh) => format!("结算期本身 {scope}"),
        ("contract_year", Lang::Zh) => format!("合同年度 {scope}"),
        (_, Lang::Zh) => format!("整个合同期 {scope}"),
    };
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "**2. Tier scope:** {scope}. Weighted base before this period {} + W_p {} = **{}**.\n",
            money(computation.scope_weighted_base_before),
            money(computation.period_weighted_base),
            money(computation.scope_weighted_base)
        ),
        Lang::Zh => writeln!(
            out,
            "**2. 阶梯范围：**{scope}。本期之前的加权基数 {} + W_p {} = **{}**。\n",
            money(computation.scope_weighted_base_before),
            money(computation.period_weighted_base),
            money(computation.scope_weighted_base)
        ),
    };

    // 3. The bracket(s).
    tier_lines(out, computation, lang);
    if let Some(note) = &computation.amendment {
        let _ = writeln!(
            out,
            "{}\n",
            i18n::amendment_terms(note, &money(computation.scope_rebate), lang)
        );
    }
    for amendment in &computation.amended_terms {
        let _ = writeln!(out, "{}\n", i18n::amended_terms(amendment, lang));
    }

    // 4. Catch-up.
    catch_up_line(out, computation, lang);

    // 5. Cap.
    cap_line(out, computation, lang);

    // 6. Earned.
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "**6. Earned:** {} before this period, {} at its end: E_p = {} − {} = **{}**.\n",
            money(computation.earned_before),
            money(computation.earned_through),
            money(computation.earned_through),
            money(computation.earned_before),
            money(computation.period_expected)
        ),
        Lang::Zh => writeln!(
            out,
            "**6. 累计应得返点：**本期之前 {}，本期末 {}：E_p = {} − {} = **{}**。\n",
            money(computation.earned_before),
            money(computation.earned_through),
            money(computation.earned_through),
            money(computation.earned_before),
            money(computation.period_expected)
        ),
    };

    // 6a. The contract's clawback rule, when it names one.
    if let Some(step) = &computation.clawback {
        let _ = writeln!(
            out,
            "**6a. {}** {}\n",
            lang.pick("Clawback:", "返点追回："),
            escape(&i18n::clawback_step(step, lang))
        );
    }

    // 7. Installments, their due dates and payouts.
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "**7. Installments:** E_p split by the schedule; the deadline is the due date + {} grace days.\n",
            computation.grace_days
        ),
        Lang::Zh => writeln!(
            out,
            "**7. 分期：**E_p 按分期表拆分；付款期限为到期日 + 宽限 {} 天。\n",
            computation.grace_days
        ),
    };
    let _ = writeln!(
        out,
        "| {} |\n|---:|---|---|---|---:|---|---|---|---:|---|",
        lang.pick(
            "installment | trigger | portion | computed | expected | due on | due-date rule | deadline | paid | status",
            "期次 | 触发 | 比例 | 计算 | 应付 | 到期日 | 到期规则 | 付款期限 | 已收 | 状态"
        )
    );
    for (position, split) in computation.installments.iter().enumerate() {
        let record = records
            .iter()
            .find(|record| record.installment == split.installment);
        let not_due = lang.pick("not due", "不到期");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            split.installment,
            i18n::words::trigger_code(&split.trigger, lang),
            i18n::words::portion_code(&split.portion, lang),
            portion_text(computation, position, lang),
            money(split.expected),
            DayOr(split.due_on, not_due),
            escape(&i18n::due_rule(&split.due_rule, lang)),
            DayOr(
                split
                    .due_on
                    .and_then(|date| add_days(date, computation.grace_days)),
                not_due
            ),
            MoneyOr(record.map(|record| record.paid), ""),
            record.map_or_else(String::new, |record| status_text(record.status, lang)),
        );
    }
    out.push('\n');
    let mut payouts = BTreeSet::new();
    let mut any_allocation = false;
    for record in &records {
        for allocation in &record.allocations {
            any_allocation = true;
            payouts.insert(allocation.payout_id.as_str());
            let excess = if allocation.excess {
                lang.pick(" (excess)", "（超额部分）")
            } else {
                ""
            };
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "- installment {}: payout {} received {}: {}{excess} ({})",
                    record.installment,
                    escape(&allocation.payout_id),
                    allocation.paid_on,
                    money(allocation.amount),
                    escape(&allocation.source.to_string())
                ),
                Lang::Zh => writeln!(
                    out,
                    "- 第 {} 期：付款 {}，{} 到账：{}{excess}（{}）",
                    record.installment,
                    escape(&allocation.payout_id),
                    allocation.paid_on,
                    money(allocation.amount),
                    escape(&allocation.source.to_string())
                ),
            };
        }
    }
    if !any_allocation {
        let _ = writeln!(
            out,
            "- {}",
            lang.pick(
                "No payout was allocated to this period.",
                "本期没有分配到任何付款。"
            )
        );
    }
    out.push('\n');

    // 8. Findings on the period and on the payouts it received.
    let findings: Vec<&Finding> = contract_findings(audit, &contract.id)
        .filter(|finding| {
            finding.period_start == Some(period.first)
                || (finding.period_start.is_none()
                    && finding
                        .payout_id
                        .as_deref()
                        .is_some_and(|payout| payouts.contains(payout)))
        })
        .collect();
    let _ = writeln!(out, "**8. {}**\n", lang.pick("Findings", "发现"));
    if findings.is_empty() {
        let _ = writeln!(out, "{}\n", lang.pick("None.", "无。"));
    }
    for finding in &findings {
        finding_lines(out, finding, lang);
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    findings.iter().map(|finding| finding.id.as_str()).collect()
}

/// A table cell: a day (as `NaiveDate` shows it), or a word when there is none — written
/// straight into the trail, no string made per cell.
pub(super) struct DayOr<'a>(pub(super) Option<NaiveDate>, pub(super) &'a str);

impl std::fmt::Display for DayOr<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(day) => formatter.write_str(&crate::domain::money_text::day(day)),
            None => formatter.write_str(self.1),
        }
    }
}

/// A table cell: an amount grouped in thousands, or a word when there is none.
struct MoneyOr<'a>(Option<Decimal>, &'a str);

impl std::fmt::Display for MoneyOr<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(amount) => formatter.write_str(&money(amount)),
            None => formatter.write_str(self.1),
        }
    }
}

/// One finding as a list item: id, type, severity, its sentence and, for an invoice,
/// the checks that failed.
pub fn finding_lines(out: &mut String, finding: &Finding, lang: Lang) {
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "- `{}` {} ({}): {}",
            finding.id,
            finding.finding_type,
            finding.severity,
            escape(&i18n::detail(finding, lang))
        ),
        Lang::Zh => writeln!(
            out,
            "- `{}` {}（{}）：{}",
            finding.id,
            i18n::words::finding_type(finding.finding_type, lang),
            i18n::words::severity(finding.severity, lang),
            escape(&i18n::detail(finding, lang))
        ),
    };
    if let Some(line) = i18n::claim_expiry_line(finding, lang) {
        let _ = writeln!(out, "  - {line}");
    }
    if finding.finding_type == FindingType::MisInvoiced {
        for check in finding
            .evidence
            .checks
            .iter()
            .filter(|check| Some(check.reason) == finding.reason)
        {
            let found = i18n::words::check_found(check, lang).map_or_else(
                || lang.pick("(empty)", "（空）").to_string(),
                |found| escape(&found).into_owned(),
            );
            let (field, expected) = (
                escape(&i18n::words::check_field(&check.field, lang)).into_owned(),
                escape(&i18n::words::check_expected(check, lang)).into_owned(),
            );
            let _ = match lang {
                Lang::En => writeln!(out, "  - {field}: expected {expected}, found {found}"),
                Lang::Zh => writeln!(out, "  - {field}：应为 {expected}，实际为 {found}"),
            };
        }
    }
}
