//! Limitation periods (docs/ARITHMETIC.md, "Limitation periods"): every unpaid or
//! underpaid installment is a claim that can be brought until its expiry date — the
//! ruleset's years counted from the installment's due date, the day the creditor knew
//! (or should have known) the money had not come. Each such payment finding carries that
//! date (`expires_on`); a `limitation` finding states it again for a claim that expires
//! within the window or has expired (every claim with `all_claims`), so the summary can
//! list them first. The payment finding keeps its own amounts. Pure.

use crate::domain::finding::{About, Fact, Finding, FindingType, Reason, Severity};
use crate::domain::limitation::LimitationRule;
use chrono::{Months, NaiveDate};

/// The last day a claim known on `known_on` can be brought: the same day `years` years
/// later, or the month's last day when that year has no such day (29 February → 28
/// February). `None` past the calendar's end.
pub fn expires_on(known_on: NaiveDate, years: u32) -> Option<NaiveDate> {
    known_on.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// Whether a claim expiring on `expires_on` has expired by `as_of` (the day after its
/// last day), expires within `window_days` of it (inclusive), or runs longer.
pub fn state(as_of: NaiveDate, expires_on: NaiveDate, window_days: i64) -> Reason {
    let days_left = (expires_on - as_of).num_days();
    if days_left < 0 {
        Reason::Expired
    } else if days_left <= window_days {
        Reason::Expiring
    } else {
        Reason::Running
    }
}

/// The last day the claim of `payment` can be brought: for an `unpaid` or `underpaid`
/// installment with a due date, the rule's years from it; `None` for anything else.
pub fn claim_expiry(payment: &Finding, rule: &LimitationRule) -> Option<NaiveDate> {
    if !matches!(
        payment.finding_type,
        FindingType::Unpaid | FindingType::Underpaid
    ) {
        return None;
    }
    expires_on(payment.due_on?, rule.years)
}

/// Gives every unpaid or underpaid installment among `findings` its claim's expiry date
/// ([`claim_expiry`]) and appends the `limitation` findings of those claims ([`finding`]),
/// in the order of their payment findings.
pub fn date_claims(
    findings: &mut Vec<Finding>,
    rule: &LimitationRule,
    as_of: NaiveDate,
    currency: &str,
) {
    let mut claims = Vec::new();
    for payment in findings.iter_mut() {
        payment.expires_on = claim_expiry(payment, rule);
        claims.extend(finding(payment, rule, as_of, currency));
    }
    findings.extend(claims);
}

/// The `limitation` finding for a payment finding, when it is an unpaid or underpaid
/// installment with a due date whose claim has expired or expires within the window (or
/// any such claim, with the rule's `all_claims`): the same contract, period and installment and the same
/// amounts, the state as its reason (not part of its id, so a claim keeps its id as it
/// nears expiry), and its severity — `info` while running, `warning` within the window,
/// the rule's `expired_severity` once expired.
pub fn finding(
    payment: &Finding,
    rule: &LimitationRule,
    as_of: NaiveDate,
    currency: &str,
) -> Option<Finding> {
    let expires_on = claim_expiry(payment, rule)?;
    let known_on = payment.due_on?;
    let reason = state(as_of, expires_on, rule.window_days);
    if reason == Reason::Running && !rule.all_claims {
        return None;
    }
    let mut finding = Finding::new(
        FindingType::Limitation,
        Fact {
            contract_id: payment.contract_id.as_deref(),
            period_start: payment.period_start,
            installment: payment.installment,
            ..Fact::default()
        },
        About::Limitation {
            currency: currency.to_string(),
            as_of,
            known_on,
            expires_on,
            years: rule.years,
            rule: rule.rule.clone(),
        },
    );
    finding.reason = Some(reason);
    finding.severity = match reason {
        Reason::Expired => rule.expired_severity,
        Reason::Expiring => Severity::Warning,
        _ => Severity::Info,
    };
    finding.period_end = payment.period_end;
    finding.expected = payment.expected;
    finding.paid = payment.paid;
    finding.difference = payment.difference;
    finding.due_on = payment.due_on;
    finding.expires_on = Some(expires_on);
    // The computation and billing rows stay with the payment finding (stored once); the
    // payouts received are what a claim's amount rests on.
    finding.evidence.allocations = payment.evidence.allocations.clone();
    Some(finding)
}

#[cfg(test)]
mod tests;
