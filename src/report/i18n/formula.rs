//! The formula behind a computation, in one line: findings.json's `formula`, the
//! findings tables' `formula` column and the evidence files' `computation` line. Always
//! English, like the machine fields next to it.

use crate::domain::computation::Computation;
use crate::domain::money::{format_money_grouped as format_money, format_rate};

/// The formula behind a computation, in one line, for the JSON report and summaries.
pub fn formula(computation: &Computation) -> String {
    let rate = match computation.tier_mode.as_str() {
        "marginal" => format!(
            "marginal brackets up to {}",
            format_rate(computation.bracket_rate)
        ),
        _ => format!("× {}", format_rate(computation.bracket_rate)),
    };
    format!(
        "tier scope {} to {} ({} basis): weighted base {} {rate} = {}{}{}; Earned {} − {} = period rebate {}; installment {} = {}",
        computation.scope_start,
        computation.scope_end,
        computation.tier_basis,
        format_money(computation.scope_weighted_base),
        format_money(computation.scope_rebate),
        match &computation.catch_up {
            Some(catch_up) => format!(
                " (catch-up {}: the earlier {} re-priced from {} to {})",
                format_money(catch_up.amount),
                format_money(catch_up.earlier_weighted_base),
                format_rate(catch_up.rate_before),
                format_rate(catch_up.rate_after)
            ),
            None => String::new(),
        },
        match (computation.cap, computation.cap_applied) {
            (Some(cap), true) => format!(" (capped at {})", format_money(cap)),
            _ => String::new(),
        },
        format_money(computation.earned_through),
        format_money(computation.earned_before),
        format_money(computation.period_expected),
        computation.portion,
        format_money(computation.installment_expected),
    ) + &clawback_en(computation)
}

/// The clawback step between E_p and the split, when the contract names a rule: appended
/// so a formula without one reads as before.
fn clawback_en(computation: &Computation) -> String {
    match &computation.clawback {
        Some(step) => format!(
            " (clawback {}: {} carried in, period rebate {} → payable {}, {} carried out)",
            step.rule,
            format_money(step.carried_in),
            format_money(step.period_rebate),
            format_money(step.payable),
            format_money(step.carried_out)
        ),
        None => String::new(),
    }
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
    let basis = crate::report::i18n::words::tier_basis_code(
        &computation.tier_basis,
        crate::domain::lang::Lang::Zh,
    );
    let rate = match computation.tier_mode.as_str() {
        "marginal" => format!(
            "按超额累进各档（最高 {}）",
            format_rate(computation.bracket_rate)
        ),
        _ => format!("× {}", format_rate(computation.bracket_rate)),
    };
    format!(
        "阶梯范围 {} 至 {}（{basis}口径）：加权基数 {} {rate} = {}{}{}；截至本期已挣得 {} − 此前已挣得 {} = 本期返点 {}；本期次 {} = {}",
        computation.scope_start,
        computation.scope_end,
        format_money(computation.scope_weighted_base),
        format_money(computation.scope_rebate),
        match &computation.catch_up {
            Some(catch_up) => format!(
                "（追溯补差 {}：此前的 {} 由 {} 改按 {} 计）",
                format_money(catch_up.amount),
                format_money(catch_up.earlier_weighted_base),
                format_rate(catch_up.rate_before),
                format_rate(catch_up.rate_after)
            ),
            None => String::new(),
        },
        match (computation.cap, computation.cap_applied) {
            (Some(cap), true) => format!("（封顶 {}）", format_money(cap)),
            _ => String::new(),
        },
        format_money(computation.earned_through),
        format_money(computation.earned_before),
        format_money(computation.period_expected),
        crate::report::i18n::words::portion_code(
            &computation.portion,
            crate::domain::lang::Lang::Zh
        ),
        format_money(computation.installment_expected),
    ) + &clawback_zh(computation)
}
