//! The formula behind a computation, in one line: findings.json's `formula`, the
//! findings tables' `formula` column and the evidence files' `computation` line. Always
//! English, like the machine fields next to it.

use crate::domain::computation::Computation;
use crate::domain::finding::Share;
use crate::domain::money::format_rate;
use crate::domain::money_text::grouped as format_money;
use std::fmt::Write;

/// The formula behind a computation, in one line, for the JSON report and summaries.
pub fn formula(computation: &Computation) -> String {
    formula_of(Share::own(computation))
}

/// [`formula`] of an installment's share of its period, written into one string (no
/// copy of the trail, no string per part): the findings tables and the evidence files
/// print it for every finding.
pub fn formula_of(share: Share<'_>) -> String {
    let computation = share.computation;
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "tier scope {} to {} ({} basis): weighted base {} ",
        computation.scope_start,
        computation.scope_end,
        computation.tier_basis,
        format_money(computation.scope_weighted_base),
    );
    let _ = match computation.tier_mode.as_str() {
        "marginal" => write!(
            out,
            "marginal brackets up to {}",
            format_rate(computation.bracket_rate)
        ),
        _ => write!(out, "× {}", format_rate(computation.bracket_rate)),
    };
    let _ = write!(out, " = {}", format_money(computation.scope_rebate));
    if let Some(catch_up) = &computation.catch_up {
        let _ = write!(
            out,
            " (catch-up {}: the earlier {} re-priced from {} to {})",
            format_money(catch_up.amount),
            format_money(catch_up.earlier_weighted_base),
            format_rate(catch_up.rate_before),
            format_rate(catch_up.rate_after)
        );
    }
    if let (Some(cap), true) = (computation.cap, computation.cap_applied) {
        let _ = write!(out, " (capped at {})", format_money(cap));
    }
    let _ = write!(
        out,
        "; Earned {} − {} = period rebate {}; installment {} = {}",
        format_money(computation.earned_through),
        format_money(computation.earned_before),
        format_money(computation.period_expected),
        share.portion,
        format_money(share.expected),
    );
    if let Some(step) = &computation.clawback {
        let _ = write!(
            out,
            " (clawback {}: {} carried in, period rebate {} → payable {}, {} carried out)",
            step.rule,
            format_money(step.carried_in),
            format_money(step.period_rebate),
            format_money(step.payable),
            format_money(step.carried_out)
        );
    }
    out
}

fn clawback_zh(computation: &Computation) -> String {
    match &computation.clawback {
        Some(step) => format!(
            "（返点追回 {}：结转转入 {}，本期返点 {} → 应付 {}，结转转出 {}）",
            step.rule.chinese(),
            format_money(step.carried_in),
            format_money(step.period_rebate),
            format_money(step.payable),
            format_money(step.carried_out)
        ),
        None => String::new(),
    }
}

/// The formula behind a computation in Chinese, for report.xlsx's Chinese `formula`
/// column: the same steps and numbers as [`formula`], named in the glossary's words.
pub fn formula_zh(computation: &Computation) -> String {
    formula_zh_of(Share::own(computation))
}

/// [`formula_zh`] of an installment's share of its period ([`formula_of`]'s Chinese).
pub fn formula_zh_of(share: Share<'_>) -> String {
    let computation = share.computation;
    let basis = crate::report::i18n::words::tier_basis_code(
        &computation.tier_basis,
        crate::domain::lang::Lang::Zh,
    );
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "阶梯范围 {} 至 {}（{basis}口径）：加权基数 {} ",
        computation.scope_start,
        computation.scope_end,
        format_money(computation.scope_weighted_base),
    );
    let _ = match computation.tier_mode.as_str() {
        "marginal" => write!(
            out,
            "按超额累进各档（最高 {}）",
            format_rate(computation.bracket_rate)
        ),
        _ => write!(out, "× {}", format_rate(computation.bracket_rate)),
    };
    let _ = write!(out, " = {}", format_money(computation.scope_rebate));
    if let Some(catch_up) = &computation.catch_up {
        let _ = write!(
            out,
            "（追溯补差 {}：此前的 {} 由 {} 改按 {} 计）",
            format_money(catch_up.amount),
            format_money(catch_up.earlier_weighted_base),
            format_rate(catch_up.rate_before),
            format_rate(catch_up.rate_after)
        );
    }
    if let (Some(cap), true) = (computation.cap, computation.cap_applied) {
        let _ = write!(out, "（封顶 {}）", format_money(cap));
    }
    let _ = write!(
        out,
        "；截至本期已挣得 {} − 此前已挣得 {} = 本期返点 {}；本期次 {} = {}",
        format_money(computation.earned_through),
        format_money(computation.earned_before),
        format_money(computation.period_expected),
        crate::report::i18n::words::portion_code(share.portion, crate::domain::lang::Lang::Zh),
        format_money(share.expected),
    );
    out.push_str(&clawback_zh(computation));
    out
}
