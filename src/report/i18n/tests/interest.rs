//! A contract without a late-interest rate: its payment findings say nothing of interest
//! (findings.json keeps `"interest": "0.00"`, as docs/USAGE.md asks; only the sentence changes).

use super::*;

/// `installment(kind, …)` of a contract with no late-interest rate.
fn without_rate(kind: FindingType, expected: &str, paid: &str) -> Finding {
    let mut finding = installment(kind, expected, paid);
    finding.about = About::Installment {
        currency: "CNY".into(),
        as_of: day("2026-06-30"),
        charges_interest: false,
    };
    finding.days_late = Some(300);
    finding.interest = Some(d("0"));
    finding
}

#[test]
fn no_rate_no_interest_in_the_sentence() {
    assert_said(
        &without_rate(FindingType::Unpaid, "11000", "0"),
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 expected 11,000.00 (due 2025-07-30) and received nothing as of 2026-06-30: 300 days past due.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），截至 2026-06-30 未收到：逾期 300 天。",
    );
    assert_said(
        &without_rate(FindingType::Underpaid, "11000", "5000"),
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 expected 11,000.00 (due 2025-07-30) but received 5,000.00, short 6,000.00 as of 2026-06-30: 300 days past due.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），截至 2026-06-30 只收到 5,000.00 元，少付 6,000.00 元：逾期 300 天。",
    );
    let mut late = without_rate(FindingType::Late, "11000", "11000");
    late.paid_on = Some(day("2025-09-08"));
    late.days_late = Some(10);
    assert_said(
        &late,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 (11,000.00 expected, due 2025-07-30) was completed only on 2025-09-08, 10 days late.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），直到 2025-09-08 才付清，迟付 10 天。",
    );
}

#[test]
fn a_rate_that_gives_no_interest_yet_still_says_so() {
    // With a rate, 0.00 is a computed amount, and the sentence states it.
    let mut late = installment(FindingType::Late, "11000", "11000");
    late.paid_on = Some(day("2025-09-08"));
    late.days_late = Some(10);
    late.interest = Some(d("0"));
    let (english, chinese) = said(&late);
    assert!(
        english.ends_with("10 days late; late interest 0.00."),
        "{english}"
    );
    assert!(
        chinese.ends_with("迟付 10 天，滞纳金 0.00 元。"),
        "{chinese}"
    );
}
