//! Every sentence people read, in English and Chinese. Findings, likely causes and
//! due-date rules reach the reports as facts (`domain::finding`); they become sentences
//! here, when a report is rendered, in the reader's language.
//!
//! One table per language (`en.rs`, `zh.rs`) implements [`Sentences`]: one method per
//! sentence, so a sentence missing in one language does not compile. `finding.rs` gathers
//! each sentence's values from a finding's fields and facts, the same for every language.
//! Machine fields — types, reasons, ids, JSON keys, status words, the one-line
//! [`formula`] — stay English whatever the language.

pub mod accruals;
mod claims;
mod en;
mod en_accruals;
mod en_amendments;
mod en_clawbacks;
mod en_gap_causes;
mod en_projections;
mod en_statements;
mod finding;
mod format;
mod formula;
pub mod index;
pub mod keys;
pub mod kit;
mod labels;
pub mod lines;
pub mod projections;
pub mod reasons;
mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod unread_tests;
pub mod words;
mod zh;
mod zh_accruals;
mod zh_amendments;
mod zh_clawbacks;
mod zh_gap_causes;
mod zh_projections;
mod zh_statements;

use crate::domain::computation::DueRule;
use crate::domain::contract::DateRange;
use crate::domain::finding::{Finding, LikelyCause};
use crate::domain::lang::Lang;
use chrono::NaiveDate;

pub use claims::{claim_expiry_line, claims_heading};
pub use en::count;
pub use formula::{formula, formula_of, formula_zh, formula_zh_of};
pub use labels::{Labels, labels};
pub use table::Sentences;
pub use words::Word;

/// The table of `lang`.
pub fn sentences(lang: Lang) -> &'static dyn Sentences {
    match lang {
        Lang::En => &en::English,
        Lang::Zh => &zh::Chinese,
    }
}

/// A finding's sentence (`detail`) in `lang`.
pub fn detail(finding: &Finding, lang: Lang) -> String {
    finding::detail(sentences(lang), finding)
}

/// A likely cause's `explanation` in `lang`.
pub fn explanation(cause: &LikelyCause, lang: Lang) -> String {
    finding::explanation(sentences(lang), cause)
}

/// A due-date rule in `lang` (findings.json always shows it in English).
pub fn due_rule(rule: &DueRule, lang: Lang) -> String {
    finding::due_rule(sentences(lang), rule)
}

/// A settlement period as a person names it: `2025-06`, `2025-Q2`, `2025`, else its
/// first and last day (`2025-05-01 to 2025-06-30`, `2025-05-01 至 2025-06-30`).
pub fn period(first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    sentences(lang).period(DateRange { first, last })
}

/// `2025-05-01 to 2025-06-30`, `2025-05-01 至 2025-06-30`.
pub fn range(first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    sentences(lang).range(DateRange { first, last })
}

/// The accrual words of `lang` (`accruals.xlsx`, `accruals.csv`, the summary's section).
pub fn accrual_sentences(lang: Lang) -> &'static dyn accruals::AccrualSentences {
    match lang {
        Lang::En => &en_accruals::EnglishAccruals,
        Lang::Zh => &zh_accruals::ChineseAccruals,
    }
}

/// The trails' short texts, written side by side: the English or the Chinese one.
pub trait Pick {
    /// `en` in English, `zh` in Chinese.
    fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str;
}

impl Pick for Lang {
    fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// The trail's line naming the amendment whose tier table priced a period, in `lang`;
/// `rebate` is the scope's rebate, formatted.
pub fn amendment_terms(
    note: &crate::domain::amendment::AmendmentNote,
    rebate: &str,
    lang: Lang,
) -> String {
    match lang {
        Lang::En => en_amendments::terms_in_force(note, rebate),
        Lang::Zh => zh_amendments::terms_in_force(note, rebate),
    }
}

/// The trail's line naming a coefficient or account amendment a period was computed
/// under, in `lang`.
pub fn amended_terms(amendment: &crate::domain::amendment::Amendment, lang: Lang) -> String {
    match lang {
        Lang::En => en_amendments::amended_terms(amendment),
        Lang::Zh => zh_amendments::amended_terms(amendment),
    }
}

/// A contract's amendments as list items (what changed, from when, how far back), and
/// their heading, in `lang`.
pub fn amendment_items(
    amendments: &[crate::domain::amendment::Amendment],
    lang: Lang,
) -> (&'static str, Vec<String>) {
    let items = amendments
        .iter()
        .map(|amendment| {
            let note = amendment.note();
            match lang {
                Lang::En => en_amendments::amendment_item(
                    &note,
                    &en_amendments::change_of(&amendment.terms),
                ),
                Lang::Zh => zh_amendments::amendment_item(
                    &note,
                    &zh_amendments::change_of(&amendment.terms),
                ),
            }
        })
        .collect();
    let heading = match lang {
        Lang::En => en_amendments::amendments_heading(),
        Lang::Zh => zh_amendments::amendments_heading(),
    };
    (heading, items)
}

/// What a contract's clawback rule made of a period's rebate, in `lang` (the trails).
pub fn clawback_step(step: &crate::domain::clawback::ClawbackStep, lang: Lang) -> String {
    sentences(lang).clawback_step(step)
}
