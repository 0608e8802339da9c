//! How long a contract may run.

/// The longest contract term the loader accepts, in contract years. Cloud rebate
/// contracts run one to a few years; a far longer term is a typo or a placeholder for
/// "open-ended" (`9999-12-31`), and would make the audit list an installment for every
/// month until then, so it is refused, naming the cell, rather than audited.
pub const MAX_TERM_YEARS: u32 = 100;

/// The last day of a term of [`MAX_TERM_YEARS`] contract years from `start`; `None` when
/// that is past the calendar's end (any end the calendar holds is then short enough).
pub fn last_day_of_longest_term(start: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    crate::domain::calendar::add_years(start, MAX_TERM_YEARS)?.pred_opt()
}
