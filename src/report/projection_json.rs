//! findings.json's `projections` array (docs/USAGE.md): one record per open contract
//! year, the keys of report.xlsx's `Projections` sheet. Apart from `projections.rs` so that
//! `json.rs` imports nothing that imports it back (the tables do).

use crate::domain::audit::Audit;
use crate::domain::money::format_money;
use serde::Serialize;

/// One projection in findings.json (the keys of the `Projections` sheet but the last; amounts as
/// two-decimal strings, rates as fractions).
#[derive(Debug, Serialize)]
pub(super) struct ProjectionJson<'a> {
    contract_id: &'a str,
    currency: &'a str,
    tier_basis: &'static str,
    tier_mode: &'static str,
    year_start: String,
    year_end: String,
    as_of: String,
    days_elapsed: i64,
    days_in_year: i64,
    scope_start: String,
    scope_end: String,
    spend_so_far: String,
    year_spend_so_far: String,
    rate: String,
    earned_so_far: String,
    cap: Option<String>,
    cap_reached: bool,
    next_threshold: Option<String>,
    next_rate: Option<String>,
    spend_needed: Option<String>,
    unlock: Option<String>,
    catch_up: Option<String>,
    cap_limited: Option<bool>,
    projected_year_spend: String,
    projected_rebate: String,
    projected_cap_applied: bool,
    reaches_next_tier: bool,
}

/// findings.json's `projections`, in contract order.
pub(super) fn json(audit: &Audit) -> Vec<ProjectionJson<'_>> {
    audit
        .projections
        .iter()
        .map(|projection| {
            let next = projection.next.as_ref();
            let money = format_money;
            ProjectionJson {
                contract_id: &projection.contract_id,
                currency: &projection.currency,
                tier_basis: projection.tier_basis.word(),
                tier_mode: projection.tier_mode.word(),
                year_start: projection.year.first.to_string(),
                year_end: projection.year.last.to_string(),
                as_of: projection.as_of.to_string(),
                days_elapsed: projection.days_elapsed,
                days_in_year: projection.days_in_year,
                scope_start: projection.scope.first.to_string(),
                scope_end: projection.scope.last.to_string(),
                spend_so_far: money(projection.scope_base),
                year_spend_so_far: money(projection.year_base),
                rate: projection.rate.normalize().to_string(),
                earned_so_far: money(projection.earned),
                cap: projection.cap.map(money),
                cap_reached: projection.cap_reached,
                next_threshold: next.map(|next| money(next.threshold)),
                next_rate: next.map(|next| next.rate.normalize().to_string()),
                spend_needed: next.map(|next| money(next.spend_needed)),
                unlock: next.map(|next| money(next.unlock)),
                catch_up: next.map(|next| money(next.catch_up)),
                cap_limited: next.map(|next| next.cap_limited),
                projected_year_spend: money(projection.year_end.weighted_base),
                projected_rebate: money(projection.year_end.rebate),
                projected_cap_applied: projection.year_end.cap_applied,
                reaches_next_tier: projection.year_end.reaches_next,
            }
        })
        .collect()
}
