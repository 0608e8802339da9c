//! A contract's tier table from its `tiers` rows, each error pointing at its cell.

use crate::domain::contract::{Bracket, TierTable, TierTableError};
use crate::domain::location::Location;

/// One `tiers` row with where its bounds are, so table errors point at the cell.
pub(super) struct BracketRow {
    pub(super) bracket: Bracket,
    pub(super) from: Location,
    pub(super) to: Location,
}

/// Builds a contract's tier table; an error names the `tiers` cell at fault (or none, for
/// a contract with no bracket at all: then the contract row is meant).
pub(super) fn build_tier_table(
    mut rows: Vec<BracketRow>,
) -> Result<TierTable, (Option<Location>, TierTableError)> {
    // The same order TierTable uses, so its bracket numbers index these rows.
    rows.sort_by_key(|row| row.bracket.from);
    let brackets = rows.iter().map(|row| row.bracket.clone()).collect();
    TierTable::new(brackets).map_err(|error| {
        let at = |number: usize, to: bool| {
            rows.get(number.saturating_sub(1))
                .map(|row| if to { row.to.clone() } else { row.from.clone() })
        };
        let location = match &error {
            TierTableError::Empty => None,
            TierTableError::DoesNotStartAtZero(_) => at(1, false),
            TierTableError::NotContiguous { index, .. } => at(*index, false),
            TierTableError::OpenBeforeLast(index) | TierTableError::EmptyBracket { index, .. } => {
                at(*index, true)
            }
        };
        (location, error)
    })
}
