//! Worked dates for limitation periods (docs/ARITHMETIC.md, "Limitation periods").

use super::*;
use crate::domain::test_support::{d, day};

fn prc(window_days: i64) -> LimitationRule {
    LimitationRule {
        rule: "prc_civil_code_188".into(),
        years: 3,
        window_days,
        expired_severity: Severity::Error,
        all_claims: true,
    }
}

#[test]
fn three_years_from_the_due_date_to_the_same_day() {
    assert_eq!(expires_on(day("2024-03-31"), 3), Some(day("2027-03-31")));
    assert_eq!(expires_on(day("2023-12-31"), 3), Some(day("2026-12-31")));
    assert_eq!(expires_on(day("2025-01-01"), 1), Some(day("2026-01-01")));
}

#[test]
fn a_leap_day_expires_on_the_last_day_of_february() {
    // 2024-02-29 + 3 years: 2027 has no 29 February, so the month's last day.
    assert_eq!(expires_on(day("2024-02-29"), 3), Some(day("2027-02-28")));
    // + 4 years lands on a leap year again.
    assert_eq!(expires_on(day("2024-02-29"), 4), Some(day("2028-02-29")));
    // 28 February stays 28 February.
    assert_eq!(expires_on(day("2023-02-28"), 3), Some(day("2026-02-28")));
}

#[test]
fn the_end_of_the_calendar_gives_no_date() {
    assert_eq!(expires_on(NaiveDate::MAX, 3), None);
}

#[test]
fn expired_the_day_after_the_last_day_and_expiring_within_the_window_inclusive() {
    let last = day("2027-03-31");
    // The last day itself: still expiring (0 days left).
    assert_eq!(state(day("2027-03-31"), last, 180), Reason::Expiring);
    assert_eq!(state(day("2027-04-01"), last, 180), Reason::Expired);
    // 180 days before: inside the window; 181 days before: running.
    assert_eq!(state(day("2026-10-02"), last, 180), Reason::Expiring);
    assert_eq!(state(day("2026-10-01"), last, 180), Reason::Running);
    // A window of 0 days: only the last day itself.
    assert_eq!(state(day("2027-03-30"), last, 0), Reason::Running);
}

fn unpaid(due_on: &str) -> Finding {
    let mut payment = Finding::new(
        FindingType::Unpaid,
        Fact {
            contract_id: Some("C1"),
            period_start: Some(day("2024-01-01")),
            installment: Some(1),
            ..Fact::default()
        },
        About::EmptyFile,
    );
    payment.expected = Some(d("1000.00"));
    payment.paid = Some(d("0"));
    payment.difference = Some(d("-1000.00"));
    payment.due_on = Some(day(due_on));
    payment
}

#[test]
fn an_unpaid_installment_gets_its_expiry_date_severity_and_amounts() {
    let payment = unpaid("2024-04-30");
    // Due 2024-04-30: expires 2027-04-30.
    let running = finding(&payment, &prc(180), day("2026-06-30"), "CNY").unwrap();
    assert_eq!(running.reason, Some(Reason::Running));
    assert_eq!(running.severity, Severity::Info);
    let About::Limitation { expires_on, .. } = running.about else {
        panic!()
    };
    assert_eq!(expires_on, day("2027-04-30"));
    assert_eq!(running.difference, Some(d("-1000.00")));
    assert_eq!(running.amount_at_stake(), d("0"));
    let expiring = finding(&payment, &prc(180), day("2026-12-01"), "CNY").unwrap();
    assert_eq!(expiring.reason, Some(Reason::Expiring));
    assert_eq!(expiring.severity, Severity::Warning);
    let mut lenient = prc(180);
    lenient.expired_severity = Severity::Warning;
    let expired = finding(&payment, &lenient, day("2027-05-01"), "CNY").unwrap();
    assert_eq!(expired.reason, Some(Reason::Expired));
    assert_eq!(expired.severity, Severity::Warning);
    // The id stays as the claim nears expiry.
    assert_eq!(running.id, expiring.id);
    assert_eq!(running.id, expired.id);
    assert!(running.id.starts_with("limitation-"));
}

#[test]
fn running_claims_are_reported_only_with_all_claims() {
    let payment = unpaid("2024-04-30");
    let mut rule = prc(180);
    rule.all_claims = false;
    assert!(finding(&payment, &rule, day("2026-06-30"), "CNY").is_none());
    // Inside the window (2027-04-30 − 180 days = 2026-11-01) it is reported all the same.
    assert!(finding(&payment, &rule, day("2026-10-31"), "CNY").is_none());
    assert!(finding(&payment, &rule, day("2026-11-01"), "CNY").is_some());
    assert!(finding(&payment, &rule, day("2027-05-01"), "CNY").is_some());
}

#[test]
fn only_unpaid_and_underpaid_installments_are_claims() {
    let mut late = unpaid("2024-04-30");
    late.finding_type = FindingType::Late;
    assert!(finding(&late, &prc(180), day("2027-05-01"), "CNY").is_none());
    let mut undated = unpaid("2024-04-30");
    undated.due_on = None;
    assert!(finding(&undated, &prc(180), day("2027-05-01"), "CNY").is_none());
    let mut short = unpaid("2024-04-30");
    short.finding_type = FindingType::Underpaid;
    assert!(finding(&short, &prc(180), day("2027-05-01"), "CNY").is_some());
}

#[test]
fn every_unpaid_or_short_installment_gets_its_expiry_date_running_or_not() {
    // Worked table (3 years, window 180 days, audited 2026-06-30, all_claims off):
    // | finding   | due on     | expires_on | state    | limitation finding |
    // | unpaid    | 2024-04-30 | 2027-04-30 | running  | none               |
    // | underpaid | 2023-10-30 | 2026-10-30 | expiring | warning            |
    // | unpaid    | 2023-05-31 | 2026-05-31 | expired  | error              |
    // | late      | 2023-01-31 | —          | —        | none               |
    // | unpaid, no due date | — | —          | —        | none               |
    let mut rule = prc(180);
    rule.all_claims = false;
    let running = unpaid("2024-04-30");
    let mut expiring = unpaid("2023-10-30");
    expiring.finding_type = FindingType::Underpaid;
    expiring.installment = Some(2);
    let mut late = unpaid("2023-01-31");
    late.finding_type = FindingType::Late;
    let mut undated = unpaid("2024-04-30");
    undated.due_on = None;
    let mut expired = unpaid("2023-05-31");
    expired.installment = Some(3);
    let mut findings = vec![running, expiring, expired, late, undated];
    date_claims(&mut findings, &rule, day("2026-06-30"), "CNY");
    let dates: Vec<Option<NaiveDate>> = findings.iter().map(|f| f.expires_on).collect();
    assert_eq!(
        dates,
        [
            Some(day("2027-04-30")),
            Some(day("2026-10-30")),
            Some(day("2026-05-31")),
            None,
            None,
            // the `limitation` findings, appended after the payments in their order
            Some(day("2026-10-30")),
            Some(day("2026-05-31")),
        ]
    );
    let claim = &findings[5];
    assert_eq!(claim.finding_type, FindingType::Limitation);
    // The same contract, period and installment as its payment finding.
    assert_eq!(claim.contract_id.as_deref(), Some("C1"));
    assert_eq!(claim.period_start, Some(day("2024-01-01")));
    assert_eq!(claim.reason, Some(Reason::Expiring));
    assert_eq!(claim.severity, Severity::Warning);
    assert_eq!(claim.installment, Some(2));
    let gone = &findings[6];
    assert_eq!(gone.reason, Some(Reason::Expired));
    assert_eq!(gone.severity, Severity::Error);
    assert_eq!(gone.installment, Some(3));
    // 2026-10-30 − 2026-06-30 = 122 days left.
    assert_eq!((day("2026-10-30") - day("2026-06-30")).num_days(), 122);
}

#[test]
fn with_all_claims_the_running_claim_gets_a_limitation_finding_too() {
    let mut findings = vec![unpaid("2024-04-30")];
    date_claims(&mut findings, &prc(180), day("2026-06-30"), "CNY");
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[1].reason, Some(Reason::Running));
    assert_eq!(findings[1].expires_on, Some(day("2027-04-30")));
    assert_eq!(findings[0].expires_on, findings[1].expires_on);
}

#[test]
fn claim_expiry_is_the_due_date_plus_the_rule_years() {
    let mut rule = prc(180);
    rule.years = 2;
    assert_eq!(
        claim_expiry(&unpaid("2024-02-29"), &rule),
        Some(day("2026-02-28"))
    );
    let mut overpaid = unpaid("2024-02-29");
    overpaid.finding_type = FindingType::Overpaid;
    assert_eq!(claim_expiry(&overpaid, &rule), None);
}
