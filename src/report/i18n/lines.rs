//! The sentences around the findings: the line a run prints, the summary's title and its
//! totals paragraph, the changes since a baseline, and the "… and more" notes. Each takes
//! the numbers already formatted and says them in one language; counts in English go
//! through [`super::en::count`] so that one of anything is singular.

use super::en::count;
use crate::domain::lang::Lang;

/// One currency's totals, amounts already grouped in thousands.
#[derive(Debug, Clone, Copy)]
pub struct Headline<'a> {
    /// The currency, when the contracts have several.
    pub currency: Option<&'a str>,
    /// Due by now (past the deadline).
    pub due_by_now: &'a str,
    /// Paid against what is due.
    pub paid: &'a str,
    /// Short of what is due.
    pub short: &'a str,
    /// Late interest, where a contract charges it.
    pub interest: Option<&'a str>,
    /// Not yet due, and paid early against it; when either is not zero.
    pub not_yet_due: Option<(&'a str, &'a str)>,
    /// Due only after a renewal that has not happened, and paid against it; when either
    /// is not zero.
    pub conditional: Option<(&'a str, &'a str)>,
    /// Paid beyond what the installments expect, when not zero.
    pub excess: Option<&'a str>,
}

/// Findings by severity.
#[derive(Debug, Clone, Copy)]
pub struct Severities {
    /// All findings.
    pub findings: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Info.
    pub info: usize,
}

/// The counts of a run against its baseline.
#[derive(Debug, Clone, Copy)]
pub struct Against {
    /// New findings.
    pub new: usize,
    /// New errors.
    pub new_errors: usize,
    /// New warnings.
    pub new_warnings: usize,
    /// New info.
    pub new_info: usize,
    /// Findings in the baseline too.
    pub persisting: usize,
    /// Findings of the baseline no longer found.
    pub resolved: usize,
}

/// What a run's standard-output line says.
#[derive(Debug, Clone, Copy)]
pub struct RunFacts<'a> {
    /// The audit date.
    pub as_of: &'a str,
    /// One [`run_money`] per currency.
    pub money: &'a [String],
    /// How many contracts.
    pub contracts: usize,
    /// How many installments.
    pub installments: usize,
    /// The findings by severity.
    pub severities: Severities,
    /// The counts against the baseline, with one.
    pub against: Option<Against>,
    /// Where the reports are.
    pub out: &'a str,
}

/// The standard-output line of a run: `rebate-audit as of 2026-06-30: due by now …; 6
/// contracts, 52 installments, 18 findings (3 errors, 12 warnings, 3 info); reports in
/// audit-out`.
pub fn run_line(lang: Lang, facts: RunFacts<'_>) -> String {
    let RunFacts {
        as_of,
        money,
        contracts,
        installments,
        severities,
        against,
        out,
    } = facts;
    let baseline = against.map_or(String::new(), |against| match lang {
        Lang::En => format!(
            "; against the baseline: {} new ({}), {} persisting, {} resolved",
            against.new,
            count(against.new_errors, "error", "errors"),
            against.persisting,
            against.resolved
        ),
        Lang::Zh => format!(
            "；与基线相比：新增 {} 项（错误 {} 项），仍存在 {} 项，已解决 {} 项",
            against.new, against.new_errors, against.persisting, against.resolved
        ),
    });
    match lang {
        Lang::En => format!(
            "rebate-audit as of {as_of}: {}; {}, {}, {} ({}, {}, {} info){baseline}; reports in {out}",
            money.join("; "),
            count(contracts, "contract", "contracts"),
            count(installments, "installment", "installments"),
            count(severities.findings, "finding", "findings"),
            count(severities.errors, "error", "errors"),
            count(severities.warnings, "warning", "warnings"),
            severities.info,
        ),
        Lang::Zh => format!(
            "rebate-audit 审计基准日 {as_of}：{}；合同 {contracts} 份，分期 {installments} 笔，发现 {} 项（错误 {}、警告 {}、提示 {}）{baseline}；报告已写入 {out}",
            money.join("；"),
            severities.findings,
            severities.errors,
            severities.warnings,
            severities.info,
        ),
    }
}

/// One currency's money on the run line: `USD due by now 3,600.00, paid against it
/// 3,400.00, short 200.00, late interest 1.50`.
pub fn run_money(lang: Lang, headline: &Headline<'_>) -> String {
    let currency = headline
        .currency
        .map_or(String::new(), |currency| format!("{currency} "));
    let mut text = match lang {
        Lang::En => format!(
            "{currency}due by now {}, paid against it {}, short {}",
            headline.due_by_now, headline.paid, headline.short
        ),
        Lang::Zh => format!(
            "{currency}已到期应付 {}，已付 {}，少付 {}",
            headline.due_by_now, headline.paid, headline.short
        ),
    };
    if let Some(interest) = headline.interest {
        text.push_str(&match lang {
            Lang::En => format!(", late interest {interest}"),
            Lang::Zh => format!("，滞纳金 {interest}"),
        });
    }
    text
}

/// The summary's title: `Rebate audit as of 2026-06-30`.
pub fn title(lang: Lang, as_of: &str) -> String {
    match lang {
        Lang::En => format!("Rebate audit as of {as_of}"),
        Lang::Zh => format!("返点审计报告（审计基准日 {as_of}）"),
    }
}

/// The summary page's `<title>`.
pub fn page_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Rebate audit",
        Lang::Zh => "返点审计报告",
    }
}

/// One currency's headline: due by now, paid against it, short and (where a contract
/// charges it) late interest; then, apart, what is not yet due, what is due only after a
/// renewal, and what was paid beyond the installments — each only when there is some.
pub fn headline(lang: Lang, headline: &Headline<'_>) -> String {
    let mut text = match (lang, headline.currency) {
        (Lang::En, Some(currency)) => format!("In {currency}: due by now"),
        (Lang::En, None) => "Due by now".to_string(),
        (Lang::Zh, Some(currency)) => format!("{currency}：已到期应付"),
        (Lang::Zh, None) => "已到期应付".to_string(),
    };
    let (due, paid, short) = (headline.due_by_now, headline.paid, headline.short);
    text.push_str(&match lang {
        Lang::En => format!(" (past the deadline) {due}, paid against it {paid}: short {short}"),
        Lang::Zh => format!("（已过付款期限）{due}，已付 {paid}：少付 {short}"),
    });
    if let Some(interest) = headline.interest {
        text.push_str(&match lang {
            Lang::En => format!(" plus {interest} late interest"),
            Lang::Zh => format!("，另有滞纳金 {interest}"),
        });
    }
    text.push_str(lang_pick(lang, ".", "。"));
    if let Some((due, paid)) = headline.not_yet_due {
        text.push_str(&match lang {
            Lang::En => format!(" Not yet due: {due} ({paid} paid early)."),
            Lang::Zh => format!("未到期：{due}（提前已付 {paid}）。"),
        });
    }
    if let Some((due, paid)) = headline.conditional {
        text.push_str(&match lang {
            Lang::En => {
                format!(" Due only after a renewal that has not happened: {due} ({paid} paid).")
            }
            Lang::Zh => format!("尚未续约、续约后才应付：{due}（已付 {paid}）。"),
        });
    }
    if let Some(excess) = headline.excess {
        text.push_str(&match lang {
            Lang::En => format!(" Paid beyond what the installments expect: {excess}."),
            Lang::Zh => format!("超出各期应付的付款：{excess}。"),
        });
    }
    text
}

/// `6 contracts, 52 installments.`
pub fn contracts_and_installments(lang: Lang, contracts: usize, installments: usize) -> String {
    match lang {
        Lang::En => format!(
            "{}, {}.",
            count(contracts, "contract", "contracts"),
            count(installments, "installment", "installments")
        ),
        Lang::Zh => format!("合同 {contracts} 份，分期 {installments} 笔。"),
    }
}

/// ` 18 findings: 3 errors, 12 warnings, 3 info.`
pub fn findings_by_severity(lang: Lang, severities: Severities) -> String {
    match lang {
        Lang::En => format!(
            " {}: {}, {}, {} info.",
            count(severities.findings, "finding", "findings"),
            count(severities.errors, "error", "errors"),
            count(severities.warnings, "warning", "warnings"),
            severities.info
        ),
        Lang::Zh => format!(
            "发现 {} 项：错误 {} 项，警告 {} 项，提示 {} 项。",
            severities.findings, severities.errors, severities.warnings, severities.info
        ),
    }
}

/// The heading of the changes since a baseline, before its date (when known).
pub fn changes_heading(lang: Lang, dated: bool) -> &'static str {
    match (lang, dated) {
        (Lang::En, true) => "Changes since the baseline as of ",
        (Lang::En, false) => "Changes since the baseline",
        (Lang::Zh, true) => "与基线相比的变化，基线审计基准日 ",
        (Lang::Zh, false) => "与基线相比的变化",
    }
}

/// The counts against a baseline, before the baseline's path: `2 new findings (1 error, 1
/// warning, 0 info), 15 persisting, 1 resolved. Baseline: `.
pub fn changes_counts(lang: Lang, against: Against) -> String {
    match lang {
        Lang::En => format!(
            "{} ({}, {}, {} info), {} persisting, {} resolved. Baseline: ",
            count(against.new, "new finding", "new findings"),
            count(against.new_errors, "error", "errors"),
            count(against.new_warnings, "warning", "warnings"),
            against.new_info,
            against.persisting,
            against.resolved
        ),
        Lang::Zh => format!(
            "新增发现 {} 项（错误 {} 项，警告 {} 项，提示 {} 项），仍存在 {} 项，已解决 {} 项。基线：",
            against.new,
            against.new_errors,
            against.new_warnings,
            against.new_info,
            against.persisting,
            against.resolved
        ),
    }
}

/// ` (sha256 ` and `).` around the baseline's hash.
pub fn sha256_around(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => (" (sha256 ", ")."),
        Lang::Zh => ("（sha256 ", "）。"),
    }
}

/// The findings a table leaves out, and where they all are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum More {
    /// New findings beyond the table.
    New,
    /// Resolved findings beyond the table.
    Resolved,
    /// Errors and warnings beyond the table.
    Important,
}

/// `… and 3 more; every finding is in findings.csv, findings.xlsx and findings.json.`
pub fn more(lang: Lang, which: More, left: usize) -> String {
    match (lang, which) {
        (Lang::En, More::New) => {
            format!("… and {left} more new; findings.json marks each finding's `change`.")
        }
        (Lang::En, More::Resolved) => format!(
            "… and {left} more resolved; all are in findings.json under `resolved` and in report.xlsx on the `Resolved` sheet."
        ),
        (Lang::En, More::Important) => format!(
            "… and {left} more; every finding is in findings.csv, findings.xlsx and findings.json."
        ),
        (Lang::Zh, More::New) => {
            format!("……另有 {left} 项新增；findings.json 中每项发现的 `change` 字段标明其变化。")
        }
        (Lang::Zh, More::Resolved) => format!(
            "……另有 {left} 项已解决；全部列于 findings.json 的 `resolved` 字段和 report.xlsx 的 `Resolved` 工作表。"
        ),
        (Lang::Zh, More::Important) => {
            format!("……另有 {left} 项；全部发现见 findings.csv、findings.xlsx 和 findings.json。")
        }
    }
}

fn lang_pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}
