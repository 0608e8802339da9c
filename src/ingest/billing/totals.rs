//! The totals row at the bottom of an export (合计, Total): read and counted, never taken
//! for a billing line.

/// Words that mark a totals row at the bottom of an export (compared ignoring case and a
/// trailing colon).
const TOTALS_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "合計",
    "總計",
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sum",
];

/// Whether a cell's text says "totals" (合计, Total: …), ignoring case and a final colon.
pub(super) fn is_totals_word(text: &str) -> bool {
    // Account ids start with a digit or a letter none of the words starts with: most rows
    // are decided by their first byte.
    if text
        .bytes()
        .next()
        .is_some_and(|first| first.is_ascii_digit() || matches!(first, b'a'..=b'f' | b'A'..=b'F'))
    {
        return false;
    }
    let text = text.trim().trim_end_matches([':', '：']).trim();
    !text.is_empty()
        && TOTALS_WORDS
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word))
}
