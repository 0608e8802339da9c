//! The line an unpaid or short installment gets in `explain` and the evidence file: the
//! last day its claim can be brought (issue 19), in both languages.

use super::*;

#[test]
fn an_unpaid_installment_with_an_expiry_date_gets_its_line_in_both_languages() {
    let mut unpaid = Finding::new(FindingType::Unpaid, Fact::default(), About::EmptyFile);
    assert_eq!(claim_expiry_line(&unpaid, Lang::En), None);
    unpaid.expires_on = Some(day("2028-07-15"));
    assert_eq!(
        claim_expiry_line(&unpaid, Lang::En).as_deref(),
        Some("claim expires on 2028-07-15 (limitation period counted from the due date)")
    );
    assert_eq!(
        claim_expiry_line(&unpaid, Lang::Zh).as_deref(),
        Some("诉讼时效届满日：2028-07-15（自到期日起算）")
    );
    // The `limitation` finding says it in its own sentence.
    let mut claim = unpaid.clone();
    claim.finding_type = FindingType::Limitation;
    assert_eq!(claim_expiry_line(&claim, Lang::En), None);
}
