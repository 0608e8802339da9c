//! English: the sentences about contract amendments (kept beside `en.rs`, which holds
//! every other sentence of the language).

use crate::domain::amendment::AmendmentNote;

/// The trail's line naming the amendment whose tier table priced the period; `rebate` is
/// the scope's rebate, formatted.
pub(super) fn terms_in_force(note: &AmendmentNote, rebate: &str) -> String {
    if note.retroactive {
        format!(
            "**Terms in force:** amendment {} ({}), effective {} and retroactive to the contract year from {}: its tier table prices the scope's whole volume, so R = {rebate}; what it adds to the earlier periods is paid in the first period ending on or after {}.",
            note.id, note.source, note.effective_from, note.applies_from, note.effective_from
        )
    } else {
        format!(
            "**Terms in force:** amendment {} ({}), effective {}, not retroactive: its tier table prices the scope's volume from {} on, the volume before stays priced under the earlier table; R = {rebate} is the sum of each table's part.",
            note.id, note.source, note.effective_from, note.applies_from
        )
    }
}

/// The heading of a contract's list of amendments.
pub(super) fn amendments_heading() -> &'static str {
    "Amendments"
}

/// One amendment in a contract's terms: what it changed and from when.
pub(super) fn amendment_item(note: &AmendmentNote, change: &str) -> String {
    let reach = if note.retroactive {
        format!(
            "retroactive to the contract year from {}",
            note.applies_from
        )
    } else {
        "not retroactive".to_string()
    };
    format!(
        "{}: {change}, effective {}, {reach} ({})",
        note.id, note.effective_from, note.source
    )
}

/// What an amendment changed, in words.
pub(super) fn change_of(terms: &crate::domain::amendment::AmendedTerms) -> String {
    use crate::domain::amendment::AmendedTerms;
    match terms {
        AmendedTerms::Tiers(_) => "new tier table".to_string(),
        AmendedTerms::End(end) => format!("term ends {end}"),
        AmendedTerms::Coefficient {
            product,
            coefficient,
        } => format!("coefficient of {product} becomes {coefficient}"),
        AmendedTerms::AccountAdd(account) => format!("account {account} joins the contract"),
        AmendedTerms::AccountRemove(account) => format!("account {account} leaves the contract"),
    }
}

/// The trail's line naming a coefficient or account amendment a period was computed
/// under.
pub(super) fn amended_terms(amendment: &crate::domain::amendment::Amendment) -> String {
    format!(
        "**Terms in force:** amendment {} ({}), effective {}: {}.",
        amendment.id,
        amendment.source,
        amendment.effective_from,
        change_of(&amendment.terms)
    )
}
