//! The words of the accrual files (`accruals.csv`, `accruals.xlsx`) and of the summary's
//! accrual section, one table per language (`en_accruals.rs`, `zh_accruals.rs`; the
//! table of a language: [`super::accrual_sentences`]).

/// The columns of `accruals.csv` and of the `accruals` sheet, in order.
pub const COLUMN_COUNT: usize = 22;

/// The columns of the `trail` sheet, in order.
pub const TRAIL_COLUMN_COUNT: usize = 8;

/// The accrual words and sentences of one language.
pub trait AccrualSentences: Sync {
    /// The header of `accruals.csv` and of the `accruals` sheet.
    fn columns(&self) -> [&'static str; COLUMN_COUNT];
    /// The header of the `trail` sheet.
    fn trail_columns(&self) -> [&'static str; TRAIL_COLUMN_COUNT];
    /// The summary's heading.
    fn heading(&self, as_of: &str) -> String;
    /// The summary's first paragraph: what the table is and where the rest is.
    fn intro(&self) -> String;
    /// The movement's line: against which baseline run.
    fn compared(&self, baseline_as_of: &str) -> String;
    /// The named warning: the baseline has no accruals, no movement is shown.
    fn baseline_without_accruals(&self, path: &str) -> String;
    /// No contract, no accruals.
    fn none(&self) -> &'static str;
    /// The summary table's header (entity subtotals), without and with the movement.
    fn summary_columns(&self, movement: bool) -> Vec<&'static str>;
    /// `… and 3 more entities`.
    fn more(&self, count: usize) -> String;
}
