//! --fail-on.

use super::*;

#[test]
fn fail_on_error_ignores_an_overpaid_warning() {
    let fixture = Fixture::new();
    // 2,100.00 received against E = 2,000.00: overpaid by 100.00 (a warning).
    let payouts = simple_payouts(&[("P1", "C1", "2025-02-15", "2100.00")]);
    let run = fixture.standard_audit(&payouts, "2025-06-30", &["--fail-on", "error"]);
    run.expect_status(0);
    let finding = only(&run, "overpaid");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["paid"], "2100.00");
    assert_eq!(finding["difference"], "100.00");
    // The default threshold (warning) fails on it.
    let run = fixture.standard_audit(&payouts, "2025-06-30", &[]);
    run.expect_status(1);
    let run = fixture.standard_audit(&payouts, "2025-06-30", &["--fail-on", "warning"]);
    run.expect_status(1);
}

#[test]
fn fail_on_info_fails_on_uncovered_billing_only() {
    let fixture = Fixture::new();
    // Z9 is in no contract: 500.00 of uncovered spend (info).
    let (contracts, billing, payouts) = fixture.standard_inputs(
        &[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "ECS", "500.00", "CNY"),
        ],
        &[("P1", "C1", "2025-02-15", "2000.00")],
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let finding = only(&run, "uncovered_billing");
    assert_eq!(finding["severity"], "info");
    assert_eq!(run.findings().len(), 1);
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--fail-on", "info"],
    );
    run.expect_status(1);
}
