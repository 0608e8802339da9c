//! `explain --period`: a month, quarter or year, read as the first and last day it
//! covers, the way the payout ledgers' period column is read.

use crate::ingest::cell::Cell;
use crate::report::explain::ExplainError;
use chrono::NaiveDate;

/// `--period`: a month (`2025-06`), quarter (`2024-Q4`), year (`2025`) or date, as its
/// first and last day.
///
/// # Errors
/// When the text is none of these.
pub fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate), ExplainError> {
    crate::ingest::value::parse_period_ref(&Cell::Text(text.trim().to_string()))
        .map(|reference| (reference.first_day(), reference.last_day()))
        .map_err(|_| ExplainError::Period(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::day;

    #[test]
    fn periods_are_months_quarters_or_years() {
        assert_eq!(
            parse_period("2024-Q4").unwrap(),
            (day("2024-10-01"), day("2024-12-31"))
        );
        assert_eq!(
            parse_period("2025-06").unwrap(),
            (day("2025-06-01"), day("2025-06-30"))
        );
        assert_eq!(
            parse_period("2025").unwrap(),
            (day("2025-01-01"), day("2025-12-31"))
        );
        assert!(matches!(
            parse_period("June"),
            Err(ExplainError::Period(text)) if text == "June"
        ));
        assert_eq!(
            parse_period("June").unwrap_err().to_string(),
            "--period: expected a month, quarter or year such as 2025-06, 2024-Q4 or 2025, found `June`"
        );
    }
}
