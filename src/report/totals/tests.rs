//! Worked tables of the headline: installments sorted into due by now, not yet due and
//! conditional, with what was paid against each; the findings' shortfall, interest and
//! excess; the order findings are listed in.

use super::*;
use crate::domain::finding::{About, Fact};
use crate::domain::test_support::{d, day};

fn owed(expected: &str, paid: &str, due_on: Option<&str>) -> Owed {
    Owed {
        expected: d(expected),
        paid: d(paid),
        due_on: due_on.map(day),
    }
}

fn finding(kind: FindingType, difference: Option<&str>, interest: Option<&str>) -> Finding {
    let mut finding = Finding::new(
        kind,
        Fact {
            contract_id: Some("C1"),
            ..Fact::default()
        },
        About::HiddenSheet,
    );
    finding.difference = difference.map(d);
    finding.interest = interest.map(d);
    finding
}

#[test]
fn installments_are_due_by_now_only_past_their_deadline() {
    // Grace 5 days, as of 2025-07-10: a deadline must be 2025-07-09 or earlier.
    let mut sums = Sums::default();
    for installment in [
        owed("1000", "1000", Some("2025-04-30")), // due, paid in full
        owed("2000", "1500", Some("2025-06-30")), // due (deadline 07-05), 500 short
        owed("700", "0", Some("2025-07-04")),     // deadline 07-09: due
        owed("800", "0", Some("2025-07-05")),     // deadline 07-10, the audit date: not yet
        owed("3000", "0", Some("2025-07-08")),    // not yet due
        owed("4000", "4400", Some("2025-07-31")), // paid early, 400 beyond it
        owed("5000", "0", None),                  // waits for a renewal
        owed("600", "100", None),                 // waits for it, part paid
        owed("-500", "0", Some("2025-04-30")),    // a clawback: owed back, not due
        owed("0", "0", Some("2025-04-30")),       // nothing due
    ] {
        sums.installment(installment, 5, day("2025-07-10"));
    }
    let headline = sums.headline();
    assert_eq!(
        (
            headline.due_by_now.as_str(),
            headline.paid_against_due.as_str()
        ),
        ("3700.00", "2500.00")
    );
    assert_eq!(
        (
            headline.not_yet_due.as_str(),
            headline.paid_not_yet_due.as_str()
        ),
        ("7800.00", "4000.00")
    );
    assert_eq!(
        (
            headline.conditional.as_str(),
            headline.paid_conditional.as_str()
        ),
        ("5600.00", "100.00")
    );
}

#[test]
fn findings_give_the_shortfall_the_interest_and_the_excess() {
    let mut sums = Sums::default();
    for finding in [
        finding(FindingType::Underpaid, Some("-500"), Some("2.50")),
        finding(FindingType::Unpaid, Some("-3000"), Some("0")),
        finding(FindingType::Late, Some("0"), Some("1.25")),
        finding(FindingType::Overpaid, Some("400"), None),
        finding(FindingType::Clawback, Some("0"), None),
        finding(FindingType::MisInvoiced, None, None),
    ] {
        sums.finding(&finding);
    }
    sums.charges_interest = true;
    let headline = sums.headline();
    assert_eq!(
        [
            headline.shortfall.as_str(),
            headline.interest.as_str(),
            headline.excess.as_str()
        ],
        ["3500.00", "3.75", "400.00"]
    );
    assert!(headline.charges_interest);
    assert!(!Sums::default().headline().charges_interest);
}

#[test]
fn findings_are_listed_by_severity_then_stake_then_report_order() {
    let findings = [
        finding(FindingType::Late, None, Some("5")),
        finding(FindingType::Unpaid, Some("-10"), None),
        finding(FindingType::Overpaid, Some("50"), None),
        finding(FindingType::UncoveredBilling, None, None),
        finding(FindingType::Underpaid, Some("-10"), None),
        finding(FindingType::Underpaid, Some("-20"), None),
    ];
    let stakes: Vec<Stake> = findings
        .iter()
        .map(|finding| Stake {
            amount: finding.amount_at_stake(),
            counted: true,
        })
        .collect();
    let order = |stakes: &[Stake]| -> Vec<(FindingType, Decimal)> {
        rank(&findings, stakes)
            .into_iter()
            .map(|(finding, stake)| (finding.finding_type, stake))
            .collect()
    };
    let expected = vec![
        (FindingType::Underpaid, d("20")),
        (FindingType::Unpaid, d("10")),
        (FindingType::Underpaid, d("10")),
        (FindingType::Overpaid, d("50")),
        (FindingType::Late, d("5")),
        (FindingType::UncoveredBilling, d("0")),
    ];
    assert_eq!(order(&stakes), expected);
    // Without stakes, each finding's own amount at stake ranks it the same way.
    assert_eq!(order(&[]), expected);
    // A stake given (an invoice's amount, say) ranks by it, within its severity.
    let mut given = stakes.clone();
    given[0].amount = d("60");
    given[3].amount = d("99");
    assert_eq!(order(&given)[3], (FindingType::Late, d("60")));
    assert_eq!(order(&given)[5], (FindingType::UncoveredBilling, d("99")));
}
