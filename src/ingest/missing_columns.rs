//! A table that is nearly a payout ledger or a billing export but lacks a required column:
//! the error that stops the run (exit 2), and the did-you-mean that names the header most
//! likely meant for the missing column.
//!
//! A table "comes close" to a layout when more than half of the layout's requirements
//! are met (`met * 2 > of`): a ledger with three of its four required columns, a bill with
//! three of five. Such a table is someone's ledger or bill with a misspelt or renamed
//! column, and reading it row by row would reject every row and report their money as
//! missing, so the run stops instead, naming the column. A table that resembles no layout
//! (a notes sheet, a summary) is not one, and its rows stay rejected rows as before, so a
//! stray sheet never stops a nightly run.

use crate::domain::location::Location;
use crate::ruleset::normalize_header;
use std::fmt;

/// Whether `met` of `of` requirements make a table come close to a layout.
pub fn comes_close(met: usize, of: usize) -> bool {
    met * 2 > of
}

/// One table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// The header row: file, sheet and row.
    pub location: Location,
    /// What is wrong, in one sentence: what was expected, what was found, did you mean.
    pub message: String,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}

/// Every table of one kind of input that cannot be used; the run stops while there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TableProblems {
    /// What the tables are: `payout ledgers`, `billing exports`.
    pub what: &'static str,
    /// The problems, in file order.
    pub problems: Vec<TableProblem>,
}

impl fmt::Display for TableProblems {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "the {} cannot be used ({}):",
            self.what,
            match self.problems.len() {
                1 => "1 problem".to_string(),
                count => format!("{count} problems"),
            }
        )?;
        for problem in &self.problems {
            write!(formatter, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// The header in `present` most likely meant as a column named any of `wanted` (its name
/// and aliases), if one is close enough: a small misspelling (`amuont`, `到帐日期`), one
/// name inside the other (`amount (CNY)`, `应付金额(元)`), or a shared English word of three
/// letters or more (`paid_date` for `paid_on`). Chinese names sharing only a common word
/// (`金额`, `日期`) are not alike: `储值卡支付金额` is no `应付金额`. The closest kind of
/// likeness wins, then the first header.
pub fn did_you_mean<'a>(wanted: &[&str], present: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(u32, &'a str)> = None;
    for &header in present {
        let score = wanted
            .iter()
            .filter_map(|name| likeness(name, header))
            .max();
        if let Some(score) = score
            && best.is_none_or(|(best, _)| score > best)
        {
            best = Some((score, header));
        }
    }
    best.map(|(_, header)| header)
}

/// How alike a header is to a column name: higher is closer, `None` not alike.
fn likeness(name: &str, header: &str) -> Option<u32> {
    let (left, right) = (normalize_header(name), normalize_header(header));
    if left.is_empty() || right.is_empty() {
        return None;
    }
    let shorter = left.chars().count().min(right.chars().count());
    let distance = edit_distance(&left, &right);
    let allowed = match shorter {
        0..=5 => 1,
        6..=10 => 2,
        _ => 3,
    };
    if distance <= allowed {
        return Some(300 - distance as u32);
    }
    let wide = |text: &str| !text.is_ascii();
    let least = if wide(&left) || wide(&right) { 2 } else { 3 };
    if shorter >= least && (left.contains(&right) || right.contains(&left)) {
        return Some(200 + shorter as u32);
    }
    let shared = words(name)
        .iter()
        .filter(|word| word.is_ascii() && words(header).contains(word))
        .map(String::len)
        .filter(|length| *length >= 3)
        .max()?;
    Some(100 + shared as u32)
}

/// The words of a header: runs of letters and digits, split at case changes
/// (`paidDate` → `paid`, `date`), lower case; a run of Chinese characters is one word.
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for character in text.chars() {
        if !character.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if character.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = character.is_lowercase();
        current.extend(character.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Levenshtein distance over characters.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (row, a) in left.chars().enumerate() {
        let mut current = vec![row + 1; right.len() + 1];
        for (index, b) in right.iter().enumerate() {
            let substitution = previous[index] + usize::from(a != *b);
            current[index + 1] = substitution
                .min(previous[index + 1] + 1)
                .min(current[index] + 1);
        }
        previous = current;
    }
    previous[right.len()]
}

/// `` (did you mean `paid_date`?)``, or nothing.
pub fn hint(suggestion: Option<&str>) -> String {
    suggestion
        .map(|header| format!(" (did you mean `{header}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_header_meant_for_a_missing_column() {
        let ledger = ["payout_id", "contract_id", "paid_date", "amount", "notes"];
        assert_eq!(
            did_you_mean(&["paid_on", "到账日期"], &ledger),
            Some("paid_date")
        );
        // A misspelling, a longer name, a Chinese variant.
        assert_eq!(
            did_you_mean(&["amount", "金额"], &["amuont", "memo"]),
            Some("amuont")
        );
        assert_eq!(
            did_you_mean(&["amount"], &["Amount (CNY)"]),
            Some("Amount (CNY)")
        );
        assert_eq!(did_you_mean(&["net_amount"], &["amount"]), Some("amount"));
        assert_eq!(did_you_mean(&["到账日期"], &["到帐日期"]), Some("到帐日期"));
        assert_eq!(
            did_you_mean(&["应付金额"], &["应付金额(元)"]),
            Some("应付金额(元)")
        );
        assert_eq!(
            did_you_mean(&["billing_month"], &["BillingMonth2"]),
            Some("BillingMonth2")
        );
        assert_eq!(did_you_mean(&["paid_on"], &["paidDate"]), Some("paidDate"));
        // The closest kind of likeness wins over an earlier, looser one.
        assert_eq!(
            did_you_mean(&["paid_on"], &["paid_date", "paid_no"]),
            Some("paid_no")
        );
        // Nothing alike: no suggestion (two-letter words, and Chinese names sharing a
        // common word, are not enough).
        assert_eq!(
            did_you_mean(&["payout_id"], &["invoice_id", "remarks"]),
            None
        );
        assert_eq!(did_you_mean(&["到账日期"], &["备注", "收款日期"]), None);
        assert_eq!(
            did_you_mean(&["应付金额"], &["欠费金额", "储值卡支付金额", "现金支付"]),
            None
        );
        assert_eq!(did_you_mean(&["amount"], &["count"]), None);
        assert_eq!(did_you_mean(&["amount"], &[]), None);
        assert_eq!(did_you_mean(&["金额"], &["期"]), None);
    }

    #[test]
    fn close_means_more_than_half_of_the_requirements() {
        assert!(comes_close(3, 4));
        assert!(!comes_close(2, 4));
        assert!(comes_close(3, 5));
        assert!(!comes_close(0, 5));
    }

    #[test]
    fn problems_are_listed_under_one_line() {
        let problems = TableProblems {
            what: "payout ledgers",
            problems: vec![TableProblem {
                location: Location::file("payouts.csv".into()).at_row(1),
                message: "expected a column `paid_on`".into(),
            }],
        };
        assert_eq!(
            problems.to_string(),
            "the payout ledgers cannot be used (1 problem):\n  payouts.csv:1: expected a column `paid_on`"
        );
    }
}
