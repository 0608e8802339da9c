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
    )
}
